#pragma once
/// A model's valid range (its kValidRange, models/common/valid_range.hpp) applied to what the runs give
/// it: the grid run checks every land cell's climate of the mean spin-up year and of every simulated year
/// (check_climate_range, called by the grid run for every model alike); the site adapters check the
/// series they use (site_binding::check_series_range). Either refuses the first value outside with an
/// InputError naming the model, the variable, the value, the month or year, the cell or line, and the
/// range with its reason.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "engine/model_bindings/grid_model.hpp"
#include "models/common/model_info.hpp"

namespace alamod::engine {

/// "tas = -40.2 degC (monthly mean temperature) WHERE is outside rothc's valid range, expected -18.27 to 40
/// degC: why (source; `alamod models show rothc`)"; `name` and `meaning` replace the range's variable and
/// what it is ("tsoil", "daily mean temperature") when not empty.
std::string outside_range_text(const std::string& model, const models::ValidRange& r, double value,
                               const std::string& where, const std::string& name = "",
                               const std::string& meaning = "");

/// Throws InputError for the first land cell (in the rank's order) whose climate leaves the model's
/// valid range: every monthly value against the Period::month bounds, the annual mean (tas) or total (pr,
/// pet) against the Period::year bounds. `calendar_year` names the months (1990-01 ...); 0 means the mean
/// spin-up year, described by `when` ("the mean climate of the spin-up years 1990-1999").
/// describe(i) names cell i, e.g. "cell (row 3, col 7; x=..., y=...)".
void check_climate_range(const models::ModelInfo& model, const MonthlyClimate& climate,
                         const std::function<std::string(std::size_t)>& describe, int calendar_year,
                         const std::string& when);

}  // namespace alamod::engine
