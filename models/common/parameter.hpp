#pragma once
/// One declaration per model parameter: name (= its config key), unit, default,
/// bounds, description and literature source. Config parsing, validation,
/// `alamod models show`, calibration bounds and NetCDF attributes all read it.
#include <array>
#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace alamod::models {

template <class Params>
struct ParameterInfo {
  std::string_view name;         ///< lower_snake name, equal to the config key
  double Params::*member;        ///< where the value lives
  std::string_view unit;         ///< UDUNITS-parsable unit, "1" for dimensionless
  double lower;                  ///< lowest admissible value (inclusive)
  double upper;                  ///< highest admissible value (inclusive)
  std::string_view description;  ///< what it is
  std::string_view source;       ///< literature reference for the default
};

/// Throws std::invalid_argument naming the model, parameter, value, unit and bounds when a
/// parameter of `p` is outside its declared bounds (or NaN).
template <class Params, std::size_t N>
void check_bounds(std::string_view model, const std::array<ParameterInfo<Params>, N>& table, const Params& p) {
  for (const auto& info : table) {
    const double v = p.*(info.member);
    if (!(v >= info.lower && v <= info.upper)) {
      std::ostringstream msg;
      msg.precision(17);
      msg << model << " parameter '" << info.name << "' = " << v << " " << info.unit << " is outside its bounds ["
          << info.lower << ", " << info.upper << "]";
      throw std::invalid_argument(msg.str());
    }
  }
}

}  // namespace alamod::models
