#include "engine/grid_run/year_checks.hpp"

#include <algorithm>
#include <cmath>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

/// The first non-finite value of cell i, as "VARIABLE = VALUE UNIT" with the output's names; "" if none.
std::string first_non_finite(const YearValues& y, std::size_t i) {
  for (std::size_t p = 0; p < y.pools->size(); ++p) {
    const double v = (*y.pools)[p][i];
    if (!std::isfinite(v))
      return "cSoilPools pool " + (p < y.pool_names->size() ? (*y.pool_names)[p] : std::to_string(p + 1)) +
             " = " + short_number(v) + " t ha-1";
  }
  const std::pair<const char*, double> values[] = {{"cSoil", (*y.stock_end)[i]},
                                                    {"fCarbonInput", y.fluxes->input[i]},
                                                    {"rh", y.fluxes->rh[i]},
                                                    {"fCarbonLeaching", y.fluxes->leaching[i]}};
  for (const auto& [name, v] : values)
    if (!std::isfinite(v))
      return std::string(name) + " = " + short_number(v) + (name[0] == 'c' ? " t ha-1" : " t ha-1 yr-1");
  return {};
}

}  // namespace

std::string year_values_error(const YearValues& y, std::size_t i, double /*tolerance*/) {
  const auto& f = *y.fluxes;
  const double end = (*y.stock_end)[i];
  // a non-finite pool makes the stock non-finite (or NaN): one test per cell on the way
  if (!(std::isfinite(end) && std::isfinite(f.input[i]) && std::isfinite(f.rh[i]) && std::isfinite(f.leaching[i])))
    return "non-finite value in " + std::to_string(y.year) + " at land " + y.grid->describe_cell((*y.cells)[i]) +
           ": " + first_non_finite(y, i) + " (the model left the range where it computes; check this cell's inputs)";
  const double err = (end - (*y.stock_start)[i]) - (f.input[i] - f.rh[i] - f.leaching[i]);
  return "carbon balance violated in " + std::to_string(y.year) + " at land " + y.grid->describe_cell((*y.cells)[i]) +
         ": stock change - (inputs - respiration - leaching) = " + format_number("%.3e", err) +
         " t ha-1 (tolerance checks.balance_tolerance)";
}

void check_year_values(const YearValues& y, double tolerance) {
  const auto& f = *y.fluxes;
  for (std::size_t i = 0; i < y.cells->size(); ++i)
    if (!year_values_pass((*y.stock_start)[i], (*y.stock_end)[i], f.input[i], f.rh[i], f.leaching[i], tolerance))
      throw InputError(year_values_error(y, i, tolerance));
}

}  // namespace alamod::engine
