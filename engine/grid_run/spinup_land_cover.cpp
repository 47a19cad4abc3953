// The spin-up's own land cover (spinup.land_cover_map; docs/SCENARIOS.md, "The spin-up's land cover"): the tiles
// spin up as usual, weighed by the spin-up's fractions; then, before the run's first year, every cell moves to the
// run's first-year fractions by the rule of land-use change (land_use_change.hpp): per cell, class a loses
// L_a = max(0, s_a - r_a) and class b gains G_b = max(0, r_b - s_b) (s the spin-up's fractions, r the run's); a -> b
// moves L_a G_b / sum G; the carbon of the moved area leaves its donor at the donor's per-hectare state and mixes
// into the receiver area-weighted, less the receiver's sealing loss; the cell's carbon is checked before and after.
#include <algorithm>
#include <cmath>

#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

void GridRun::switch_to_run_land_cover(const std::vector<std::vector<double>>& target) {
  const size_t n = cells_.size(), nk = tiles_.classes();
  const auto state = model_->state();
  model_->pools(tile_pools_);
  std::vector<double> stock(tiles_.tiles(), 0.0);
  for (const auto& pool : tile_pools_)
    for (size_t t = 0; t < stock.size(); ++t) stock[t] += pool[t];
  std::vector<double> loss(nk), gain(nk), moved(nk * nk), x(nk);
  std::vector<std::int32_t> tile_of(nk);
  std::vector<double> before(n, 0.0), sealed(n, 0.0);
  double area_moved = 0.0;  // summed fractions of the cells
  collectively(comm_, [&] {
    for (size_t i = 0; i < n; ++i) {
      std::fill(tile_of.begin(), tile_of.end(), -1);
      for (std::int32_t t = tiles_.first[i]; t < tiles_.first[i + 1]; ++t)
        tile_of[static_cast<size_t>(tiles_.cls[static_cast<size_t>(t)])] = t;
      double total_gain = 0.0, c0 = 0.0;
      for (size_t k = 0; k < nk; ++k) {
        const double s = tiles_.fraction[k][i], r = target[k][i];
        loss[k] = s > r ? s - r : 0.0;
        gain[k] = r > s ? r - s : 0.0;
        total_gain += gain[k];
        if (s > 0.0) c0 += s * stock[static_cast<size_t>(tile_of[k])];
      }
      before[i] = c0;
      if (!(total_gain > 0.0)) continue;  // the same land cover
      double lost = 0.0;
      for (size_t a = 0; a < nk; ++a) {
        lost += loss[a];
        for (size_t b = 0; b < nk; ++b) moved[a * nk + b] = loss[a] > 0.0 && gain[b] > 0.0 ? loss[a] * (gain[b] / total_gain) : 0.0;
      }
      area_moved += lost;
      for (const auto& [name, values] : state) {
        if (name == "input_scale") continue;  // each tile keeps its own inputs
        std::vector<double>& v = *values;
        for (size_t k = 0; k < nk; ++k) x[k] = tile_of[k] >= 0 ? v[static_cast<size_t>(tile_of[k])] : 0.0;
        for (size_t b = 0; b < nk; ++b) {
          if (!(gain[b] > 0.0)) continue;
          const double keep = 1.0 - cfg_.land_uses[b].sealing_loss;
          const double stay = tiles_.fraction[b][i];  // the receiver keeps all of its own area
          double num = stay > 0.0 ? stay * x[b] : 0.0, area = stay;
          for (size_t a = 0; a < nk; ++a)
            if (moved[a * nk + b] > 0.0) {
              num += moved[a * nk + b] * keep * x[a];
              area += moved[a * nk + b];
            }
          v[static_cast<size_t>(tile_of[b])] = num / area;
        }
      }
      for (size_t a = 0; a < nk; ++a)
        for (size_t b = 0; b < nk; ++b)
          if (moved[a * nk + b] > 0.0)
            sealed[i] += moved[a * nk + b] * cfg_.land_uses[b].sealing_loss * stock[static_cast<size_t>(tile_of[a])];
    }
    for (size_t k = 0; k < nk; ++k) tiles_.fraction[k] = target[k];
    tiles_.reweight();
    model_->state_restored();
    // nothing created or lost: each cell's carbon after the switch, plus the sealed carbon, is its carbon before
    model_->pools(tile_pools_);
    std::fill(stock.begin(), stock.end(), 0.0);
    for (const auto& pool : tile_pools_)
      for (size_t t = 0; t < stock.size(); ++t) stock[t] += pool[t];
    for (size_t i = 0; i < n; ++i) {
      double c1 = 0.0;
      for (std::int32_t t = tiles_.first[i]; t < tiles_.first[i + 1]; ++t)
        if (tiles_.weight[static_cast<size_t>(t)] > 0.0)
          c1 += tiles_.weight[static_cast<size_t>(t)] * stock[static_cast<size_t>(t)];
      if (!(std::fabs(c1 + sealed[i] - before[i]) <= cfg_.luc_tolerance * std::max(1.0, std::fabs(before[i]))))
        throw InputError(cfg_.spinup_land_cover_map + ": spinup.land_cover_map: the move from the spin-up's land cover "
                         "to the run's at land " + cfg_.grid.describe_cell(cells_[i]) + " does not conserve carbon: " +
                         format_number("%.9g", before[i]) + " t ha-1 before, " + format_number("%.9g", c1) +
                         " after and " + format_number("%.9g", sealed[i]) + " sealed (" + cfg_.model +
                         " keeps pools outside its state that the area-weighted mixing does not move; the spin-up's "
                         "land cover needs a model whose pools are its state, e.g. rothc)");
    }
  });
  double sums[2] = {area_moved, 0.0};
  for (size_t i = 0; i < n; ++i) sums[1] += sealed[i];
  MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, comm_);
  const double ha = cfg_.grid.resolution * cfg_.grid.resolution / 1e4;
  log("spin-up land cover " + cfg_.spinup_land_cover_map + ": " +
      format_number("%.1f", 100.0 * sums[0] / static_cast<double>(partition_->land_cells())) +
      " % of the land moved to the run's first-year land cover by the land-use-change mixing rule, carbon conserved "
      "in every cell" +
      (sums[1] > 0.0 ? " (" + format_number("%.4g", sums[1] * ha / 1e6) + " Tg C sealed)" : std::string()));
}

}  // namespace alamod::engine
