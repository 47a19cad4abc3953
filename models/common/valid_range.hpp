#pragma once
/// Where a model is valid: the range of each driving variable inside which its response functions are
/// defined and were fitted, declared once per model (`kValidRange`, next to `kParameterInfo` in the
/// kernel's header) with unit, reason and source. The engine checks the climate of every cell and year
/// (grid runs, engine/model_bindings/valid_range.hpp) and every step (site runs, the site adapters)
/// against it before the model sees them, and refuses a value outside with a message naming the cell or
/// line, the variable and the value; `alamod models show NAME` prints the table.
///
/// Inside the range a model either gives finite, non-negative stocks or its spin-up says why it has no
/// equilibrium (no decomposition over the cycle, microbes that die out): the range bounds the climate,
/// not every combination of climate and inputs.
#include <string_view>

namespace alamod::models {

/// What a bound applies to.
enum class Period : int {
  month,  ///< every monthly value (mean temperature, monthly total); a model stepped daily or hourly
          ///< from monthly forcing sees the month's value every step, and a site run checks each step
  year,   ///< the annual mean (temperature) or total (precipitation, evapotranspiration)
};

/// The valid range of one driving variable.
struct ValidRange {
  std::string_view variable;     ///< the grid's name: "tas" (air temperature, or the soil temperature it
                                 ///< stands for), "pr", "pet"
  Period period;                 ///< monthly values or annual means / totals
  std::string_view unit;         ///< UDUNITS unit of the bounds
  double lower;                  ///< lowest valid value (inclusive unless lower_open)
  double upper;                  ///< highest valid value (inclusive)
  std::string_view description;  ///< why the bounds: what the model does outside
  std::string_view source;       ///< literature of the function and of the bounds
  bool lower_open = false;       ///< lower itself is outside (e.g. AMG's frozen branch at 0 degC)

  /// Whether v lies inside (NaN never does).
  constexpr bool contains(double v) const { return (lower_open ? v > lower : v >= lower) && v <= upper; }
};

/// "monthly" or "annual".
inline constexpr std::string_view period_name(Period p) { return p == Period::month ? "monthly" : "annual"; }

/// What a variable of a range is, for messages: "monthly mean air temperature", "annual precipitation".
inline std::string_view variable_meaning(std::string_view variable, Period p) {
  if (variable == "tas") return p == Period::month ? "monthly mean temperature" : "annual mean temperature";
  if (variable == "pr") return p == Period::month ? "monthly precipitation" : "annual precipitation";
  if (variable == "pet") return p == Period::month ? "monthly potential evapotranspiration"
                                                   : "annual potential evapotranspiration";
  return variable;
}

}  // namespace alamod::models
