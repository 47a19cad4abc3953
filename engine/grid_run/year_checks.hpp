#pragma once
/// The checks of every simulated year of a grid run, per owned land cell (GridRun::check_balance): every
/// pool, the stock and the fluxes are finite numbers, and the stock changed by inputs - outputs.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/model_bindings/grid_model.hpp"
#include "grids/grid_spec.hpp"

namespace alamod::engine {

/// One year of the owned cells, as the year loop holds it.
struct YearValues {
  int year = 0;
  const grids::GridSpec* grid = nullptr;
  const std::vector<std::int64_t>* cells = nullptr;     ///< grid linear index of each owned cell
  const std::vector<std::vector<double>>* pools = nullptr;  ///< [pool][cell] at the year's end (t ha-1)
  const std::vector<std::string>* pool_names = nullptr;
  const std::vector<double>* stock_start = nullptr;     ///< t ha-1
  const std::vector<double>* stock_end = nullptr;       ///< t ha-1
  const YearFluxes* fluxes = nullptr;                   ///< t ha-1 yr-1
};

/// Throws InputError at the first owned cell where a value is not finite (naming the year, the cell by row,
/// column, x and y, the output variable and the value) or where the stock change differs from
/// inputs - respiration - leaching by more than `tolerance` times max(1, stock) (checks.balance_tolerance).
void check_year_values(const YearValues& y, double tolerance);

/// The test check_year_values makes of one cell: its stock at the year's end and fluxes finite, and the stock
/// change within `tolerance` times max(1, stock) of inputs - respiration - leaching.
inline bool year_values_pass(double start, double end, double input, double rh, double leaching, double tolerance) {
  if (!(std::isfinite(end) && std::isfinite(input) && std::isfinite(rh) && std::isfinite(leaching))) return false;
  const double err = (end - start) - (input - rh - leaching);
  return std::fabs(err) <= tolerance * std::max(1.0, end);
}

/// The message check_year_values throws for cell i, which failed year_values_pass.
std::string year_values_error(const YearValues& y, std::size_t i, double tolerance);

}  // namespace alamod::engine
