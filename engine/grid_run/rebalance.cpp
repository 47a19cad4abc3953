// Compute rebalancing of a grid run: land cells move between ranks, with their static layers, climate
// mapping, cost estimate and model state, towards equal measured compute time (decomposition.rebalance).
#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "decomposition/land_migration.hpp"
#include "decomposition/row_io_layout.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"

namespace alamod::engine {

/// Compute time and cell weight, of this rank and over all ranks.
struct GridRun::ComputeLoad {
  double busy = 0.0;    ///< this rank's compute time over the measured years (s)
  double weight = 0.0;  ///< this rank's summed cell weights
  double sum_t = 0.0, max_t = 0.0;  ///< over ranks: total and largest compute time (s)
  double all_cost = 0.0, all_weight = 0.0;  ///< over the ranks with a valid measurement: time and weight
  double imbalance = 0.0;  ///< max / mean - 1 of the compute times
};

bool GridRun::rebalance_compute(double busy_seconds, int years, int horizon_years, int year) {
  if (size_ == 1 || cfg_.rebalance == RunConfig::Rebalance::fixed) return false;
  const double t_enter = MPI_Wtime();
  const ComputeLoad load = measure_compute_load(busy_seconds);
  // a move's cost is timed from here: the gather in the measurement also waits for the slowest rank's year
  const double t0 = MPI_Wtime();
  if (!worth_rebalancing(load, years, horizon_years)) return false;
  // each rank's cells move half-way towards costing what it measured per unit of weight (damped
  // and bounded per step: a core that is slow for a while, or one disturbed measurement, must not
  // throw the partition far off; a lasting difference is followed within a few steps)
  if (load.busy > 0.0 && load.weight > 0.0 && std::isfinite(load.busy)) {
    const double ratio = load.busy / load.weight / (load.all_cost / load.all_weight);
    const double scale = std::clamp(0.5 * (1.0 + ratio), 0.8, 1.25);
    for (double& w : cell_weight_) w *= scale;
  }
  auto next = std::make_unique<decomposition::LandPartition>(
      decomposition::LandPartition::rebalanced(comm_, *partition_, cells_, cell_weight_));
  bool same = true;
  for (int r = 0; r <= size_; ++r) same = same && next->first_land(r) == partition_->first_land(r);
  if (same) return false;
  const std::int64_t moved = move_cells(std::move(next), year);
  ++repartitions_;
  double took = MPI_Wtime() - t0;
  MPI_Allreduce(MPI_IN_PLACE, &took, 1, MPI_DOUBLE, MPI_MAX, comm_);
  repartition_seconds_ = took;
  times_.communication += MPI_Wtime() - t_enter;
  std::string counts;
  for (int r = 0; r < size_ && r < 8; ++r) counts += (r ? ", " : "") + std::to_string(partition_->owned_count(r));
  log("after " + std::to_string(year) + ": measured compute imbalance " +
      format_number("%.1f", 100.0 * load.imbalance) + " %; " + std::to_string(moved) +
      " land cells moved between ranks, now " + counts + (size_ > 8 ? ", ..." : "") + " per rank (" +
      format_number("%.3f", MPI_Wtime() - t0) + " s)");
  return true;
}

GridRun::ComputeLoad GridRun::measure_compute_load(double busy_seconds) const {
  ComputeLoad load;
  load.busy = busy_seconds;
  for (const double w : cell_weight_) load.weight += w;
  const double mine[2] = {load.busy, load.weight};
  std::vector<double> all(2 * static_cast<size_t>(size_));
  MPI_Allgather(mine, 2, MPI_DOUBLE, all.data(), 2, MPI_DOUBLE, comm_);
  for (int r = 0; r < size_; ++r) {
    const double t = all[2 * static_cast<size_t>(r)], w = all[2 * static_cast<size_t>(r) + 1];
    load.sum_t += t;
    load.max_t = std::max(load.max_t, t);
    if (t > 0.0 && w > 0.0 && std::isfinite(t)) {
      load.all_cost += t;
      load.all_weight += w;
    }
  }
  load.imbalance = load.sum_t > 0.0 ? load.max_t / (load.sum_t / size_) - 1.0 : 0.0;
  return load;
}

bool GridRun::worth_rebalancing(const ComputeLoad& load, int years, int horizon_years) const {
  if (!(load.all_cost > 0.0 && load.all_weight > 0.0)) return false;
  if (cfg_.rebalance != RunConfig::Rebalance::measured) return true;
  if (!(load.imbalance > cfg_.rebalance_threshold)) return false;
  // an excess of a few milliseconds over the window is within the scheduler's and the timer's noise
  // (a France 8 km RothC rank computes a year in ~0.3 ms): it says nothing about the cells or cores
  constexpr double kNoiseSeconds = 0.005;
  const double excess = load.max_t - load.sum_t / size_;
  if (!(excess > kNoiseSeconds)) return false;
  // worth it? A half-way step saves about half the slowest rank's excess per year for as long as
  // the imbalance lasts, taken as the rest of the run (a passing one is undone, half-way again, at
  // the next check); moving costs what the last move took (before the first: 0.4 us per cell of the
  // largest rank, 0.27-0.36 us measured for RothC at 1 km on 2 ranks)
  std::int64_t most = 0;
  for (int r = 0; r < size_; ++r) most = std::max(most, partition_->owned_count(r));
  const double saving = 0.5 * excess / std::max(years, 1) * horizon_years;
  const double cost = repartition_seconds_ > 0.0 ? repartition_seconds_ : 0.4e-6 * static_cast<double>(most);
  return saving > cost;
}

std::int64_t GridRun::move_cells(std::unique_ptr<decomposition::LandPartition> next, int year) {
  const decomposition::LandMigration move(comm_, *partition_, *next);
  // the model's state travels per cell, one column per state variable and class (GridRun::state_by_cell),
  // in buffers kept between moves; the tiles are rebuilt from the fractions that travel with it
  // the spin-up's residual and length per cell (none after a restart, before carry_spin_up_result)
  const bool spinup_per_cell = spinup_.residual.size() == cells_.size() && spinup_.cycles.size() == cells_.size();
  auto by_cell = state_by_cell();
  moved_state_.resize(by_cell.size());
  for (size_t k = 0; k < by_cell.size(); ++k) {
    moved_state_[k].assign(by_cell[k].second.begin(), by_cell[k].second.end());
    move.move(moved_state_[k]);
  }
  std::vector<std::int64_t> sources = forcing_->source_cells();
  move.move(sources);
  // a scenario's forward period (scenario_phases.cpp): its climate file's mapping, the cells' latitudes, its
  // interventions' adopted share per tile (per class and cell while it travels) and the state at the branch that
  // the next scenarios start from
  std::vector<std::int64_t> scenario_sources;
  if (scenario_forcing_) {
    scenario_sources = scenario_forcing_->source_cells();
    move.move(scenario_sources);
  }
  if (!cell_latitude_.empty()) move.move(cell_latitude_);
  std::vector<std::vector<std::vector<double>>> plan_slots;
  if (plan_)
    for (const auto& share : plan_->tile_shares()) {
      plan_slots.emplace_back();
      tiles_.to_slots(share, plan_slots.back());
      for (auto& slot : plan_slots.back()) move.move(slot);
    }
  if (branch_) {
    for (auto& [name, values] : branch_->fields) move.move(values);
    for (auto& applies : branch_->luc_applies) move.move(applies);
    for (auto& period : branch_->luc_map_moves.moved)
      for (auto& pair : period) move.move(pair);
  }
  move.move(cells_);
  move.move(cell_weight_);
  move.move(statics_.land_class);
  move.move(statics_.clay);
  move.move(statics_.annual_input);
  move.move(statics_.soc_observed);
  for (auto& soc : tiles_.soc) move.move(soc);
  for (auto& input : tiles_.input)
    if (!input.empty()) move.move(input);
  for (auto& f : spinup_fraction_) move.move(f);
  if (spinup_per_cell) {
    move.move(spinup_.residual);
    move.move(spinup_.cycles);
  }
  for (auto& applies : luc_applies_) move.move(applies);
  for (auto& period : luc_map_moves_.moved)
    for (auto& pair : period) move.move(pair);
  if (vegetation_) vegetation_->move_cells(move);
  std::int64_t sent = move.cells_sent(), moved = 0;
  MPI_Allreduce(&sent, &moved, 1, MPI_INT64_T, MPI_SUM, comm_);
  partition_ = std::move(next);
  range_begin_ = partition_->grid_begin(rank_);
  range_end_ = partition_->grid_end(rank_);
  collectively(comm_, [&] {
    std::map<std::string, std::vector<double>> fields;
    for (size_t k = 0; k < by_cell.size(); ++k) fields[by_cell[k].first] = moved_state_[k];
    restore_state_by_cell(fields);
  });
  if (plan_)
    for (size_t k = 0; k < plan_slots.size(); ++k) tiles_.from_slots(plan_slots[k], plan_->tile_shares()[k]);
  if (scenario_forcing_) {
    scenario_forcing_->remap(cells_, scenario_sources);
    scenario_forcing_->set_reading(comm_, cfg_.climate_reading);
  }
  const bool was_shared = forcing_->shared_reading();  // before remap, which returns to reading per rank
  forcing_->remap(cells_, sources);
  const std::string how = forcing_->set_reading(comm_, cfg_.climate_reading);
  if (forcing_->shared_reading() != was_shared) {  // the new windows tipped the automatic choice
    log("forcing " + cfg_.climate + " after " + std::to_string(year) + ": " + how);
    climate_reading_history_ += std::string(", then ") + (forcing_->shared_reading() ? "shared" : "per_rank") +
                                " after " + std::to_string(year);
  }
  io_->set_compute_partition(*partition_);
  return moved;
}

}  // namespace alamod::engine
