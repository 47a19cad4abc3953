#pragma once
/// The checks of every simulated year of a grid run, per owned land cell (GridRun::check_balance): every
/// pool, the stock and the fluxes are finite numbers, and the stock changed by inputs - outputs.
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

}  // namespace alamod::engine
