#pragma once
/// One declaration per model parameter: name (= its config key), unit, default,
/// bounds, description and literature source. Config parsing, validation,
/// `alamod models show`, calibration bounds and NetCDF attributes all read it.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "models/common/checks.hpp"

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
  for (const auto& info : table)
    require_within(model, "parameter '" + std::string(info.name) + "'", p.*(info.member), info.unit, info.lower,
                   info.upper);
}

}  // namespace alamod::models
