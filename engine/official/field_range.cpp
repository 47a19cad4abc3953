#include "engine/official/field_range.hpp"

#include <cmath>

#include "engine/common/number_format.hpp"

namespace alamod::engine {

std::string number_text(double v) { return format_number("%.15g", v); }

bool FieldRange::admits(double v) const {
  const bool integral = !integer || std::floor(v) == v;
  const bool above = lower_open ? v > lower : v >= lower;
  const bool below = upper_open ? v < upper : v <= upper;
  return integral && above && below;
}

std::string FieldRange::text() const {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const std::string kind = integer ? "an integer" : "a number";
  if (integer && upper - lower == 1.0) return kind + " " + number_text(lower) + " or " + number_text(upper);
  if (lower == -kInf && upper == kInf) return kind;
  if (upper == kInf) return kind + (lower_open ? " > " : " >= ") + number_text(lower);
  if (lower == -kInf) return kind + (upper_open ? " < " : " <= ") + number_text(upper);
  return kind + " in " + (lower_open ? "(" : "[") + number_text(lower) + ", " + number_text(upper) +
         (upper_open ? ")" : "]");
}

}  // namespace alamod::engine
