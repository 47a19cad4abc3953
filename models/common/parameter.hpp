#pragma once
/// One declaration per model parameter: name (= its config key), unit, default,
/// bounds, description and literature source. Config parsing, validation,
/// `alamod models show`, calibration bounds and NetCDF attributes all read it.
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

}  // namespace alamod::models
