#pragma once
/// How a kernel rejects what it is given: std::invalid_argument with one wording and one number format.
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace alamod::models {

/// v with the shortest of 15 or 17 significant digits that reads back as v ("0.1", not
/// "0.10000000000000001"); NaN and infinities as the stream prints them.
inline std::string shortest_text(double v) {
  std::ostringstream s15;
  s15.precision(15);
  s15 << v;
  if (v != v || std::stod(s15.str()) == v) return s15.str();
  std::ostringstream s17;
  s17.precision(17);
  s17 << v;
  return s17.str();
}

/// Throw std::invalid_argument(what).
[[noreturn]] inline void reject(const std::string& what) { throw std::invalid_argument(what); }

/// Throws std::invalid_argument "<model> <what> = <value> <unit> is outside its bounds [lo, hi]" unless
/// lo <= value <= hi (lo < value when lower_open); NaN never passes.
inline void require_within(std::string_view model, std::string_view what, double value, std::string_view unit,
                           double lo, double hi, bool lower_open = false) {
  const bool ok = (lower_open ? value > lo : value >= lo) && value <= hi;
  if (ok) return;
  reject(std::string(model) + " " + std::string(what) + " = " + shortest_text(value) + " " + std::string(unit) +
         " is outside its bounds " + (lower_open ? "(" : "[") + shortest_text(lo) + ", " + shortest_text(hi) + "]");
}

}  // namespace alamod::models
