#include "engine/grid_run/grid_run.hpp"

#include <algorithm>
#include <map>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <csignal>
#include <filesystem>
#include <dirent.h>
#include <sys/stat.h>

#include <ogr_spatialref.h>
#include <petscsys.h>

#include "decomposition/land_migration.hpp"
#include "decomposition/row_io_layout.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/provenance.hpp"
#include "grids/cf_writer.hpp"
#include "grids/fast_deflate.hpp"
#include "grids/checkpoint_file.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"
#include "grids/sha256.hpp"
#include "engine/model_bindings/model_binding.hpp"

namespace alamod::engine {


namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Set by SIGTERM/SIGUSR1 (what SLURM sends before a time limit); read at year boundaries.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signum) { g_stop_signal = signum; }

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);
}

/// PETSc log events of the run's phases, so that `-log_view` shows them beside PETSc's own
/// (registered once, after PetscInitialize).
struct PhaseEvents {
  PetscLogEvent input = 0, spinup = 0, compute = 0, output = 0;
};
const PhaseEvents& phase_events() {
  static const PhaseEvents events = [] {
    PhaseEvents e;
    PetscClassId cls = 0;
    PetscClassIdRegister("alamod", &cls);
    PetscLogEventRegister("alamodInput", cls, &e.input);
    PetscLogEventRegister("alamodSpinup", cls, &e.spinup);
    PetscLogEventRegister("alamodCompute", cls, &e.compute);
    PetscLogEventRegister("alamodOutput", cls, &e.output);
    return e;
  }();
  return events;
}

bool is_directory(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
/// mkdir -p
bool make_directories(const std::string& path) {
  std::string partial;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    partial = path.substr(0, pos);
    if (!partial.empty() && !is_directory(partial) && mkdir(partial.c_str(), 0775) != 0 && !is_directory(partial))
      return false;
  }
  return is_directory(path);
}
bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

}  // namespace

GridRun::GridRun(MPI_Comm comm, RunConfig config, GridRunOptions options)
    : comm_(comm), cfg_(std::move(config)), opt_(std::move(options)) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

GridRun::~GridRun() = default;

void GridRun::log(const std::string& line) const {
  if (rank_ == 0) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

void GridRun::run() {
  const double t0 = MPI_Wtime();
  collectively(comm_, [&] {
    find_model(cfg_.model);
    model_ = make_grid_model(cfg_);
  });
  log("alamod " + alamod_version() + " (git " + alamod_git_commit() + "), " + std::to_string(size_) +
      " MPI rank(s), configuration " + cfg_.path + " (sha256 " + cfg_.sha256.substr(0, 16) + "...)");
  if (!opt_.quiet) log("resolved configuration:\n" + cfg_.resolved);
  install_stop_handlers();
  check_output_folder();
  const PhaseEvents& ev = phase_events();
  double t = MPI_Wtime();
  PetscLogEventBegin(ev.input, 0, 0, 0, 0);
  partition_land();
  read_static_layers();
  open_forcing();
  PetscLogEventEnd(ev.input, 0, 0, 0, 0);
  times_.input += MPI_Wtime() - t;
  t = MPI_Wtime();
  if (opt_.restart.empty()) {
    PetscLogEventBegin(ev.spinup, 0, 0, 0, 0);
    spin_up();
    PetscLogEventEnd(ev.spinup, 0, 0, 0, 0);
    // reading the spin-up years' climate is input; the rest is the spin-up itself
    times_.spinup += MPI_Wtime() - t - spinup_read_seconds_;
    times_.input += spinup_read_seconds_;
  } else {
    restore_checkpoint();
    times_.input += MPI_Wtime() - t;
  }
  simulate();
  times_.total = MPI_Wtime() - t0;
  report_phases();
}

void GridRun::check_output_folder() {
  out_path_ = opt_.out_dir + "/" + cfg_.output_name;
  collectively(comm_, [&] {
    if (rank_ != 0) return;
    if (!make_directories(opt_.out_dir))
      throw InputError(opt_.out_dir + ": cannot create the output folder");
    const bool unfinished = !checkpoint_years().empty();
    // a run started with --overwrite over an earlier result keeps it until its own commit
    if (!opt_.restart.empty() && exists(out_path_) && !unfinished)
      throw InputError(out_path_ + ": this run is already complete; nothing to restart");
    if (opt_.restart.empty() && exists(out_path_) && !opt_.overwrite)
      throw InputError(out_path_ + ": output already exists; choose another --out folder or pass --overwrite");
    if (opt_.restart.empty() && unfinished && !opt_.overwrite)
      throw InputError(latest_checkpoint() + ": an unfinished run writing " + cfg_.output_name +
                       " left checkpoints here; continue it with --restart, or pass --overwrite to start again "
                       "(its checkpoints are then removed)");
    if (opt_.restart.empty() && unfinished) remove_checkpoints();
  });
}

void GridRun::partition_land() {
  const auto& g = cfg_.grid;
  // Each rank reads one slab of mask rows (and weights); the partition is built collectively from
  // per-row summaries, so no rank reads or holds the whole mask (decomposition/land_partition.hpp).
  const int s0 = decomposition::LandPartition::slab_row_begin(rank_, size_, g.ny);
  const int s1 = decomposition::LandPartition::slab_row_begin(rank_ + 1, size_, g.ny);
  std::vector<std::uint8_t> slab_land;
  std::vector<double> slab_weight;
  std::int64_t slab_land_cells = 0;
  collectively(comm_, [&] {
    const auto mask = grids::read_raster_window(cfg_.land_mask, g, s0, s1 - s0, grids::Resampling::nearest);
    slab_land.resize(mask.values.size());
    for (size_t i = 0; i < slab_land.size(); ++i) {
      const double v = mask.values[i];  // NaN: nodata or outside the raster, i.e. not land
      if (!std::isnan(v) && v != 0.0 && v != 1.0)
        throw InputError(cfg_.land_mask + ": land mask value " + fmt("%g", v) + " at " +
                         g.describe_cell(static_cast<std::int64_t>(s0) * g.nx + static_cast<std::int64_t>(i)) +
                         " (expected 1 on land, 0 or nodata elsewhere; is inputs.land_mask the right raster?)");
      slab_land[i] = v == 1.0 ? 1 : 0;
      slab_land_cells += slab_land[i];
    }
    if (!cfg_.cost_weight.empty()) {
      const auto w = grids::read_raster_window(cfg_.cost_weight, g, s0, s1 - s0, cfg_.resampling_continuous);
      slab_weight = w.values;
      for (size_t i = 0; i < slab_land.size(); ++i) {
        if (!slab_land[i]) continue;
        const double v = slab_weight[i];
        if (!(v >= 0.0) || !std::isfinite(v))
          throw InputError(cfg_.cost_weight + ": cost weight " + fmt("%g", v) + " at land " +
                           g.describe_cell(static_cast<std::int64_t>(s0) * g.nx + static_cast<std::int64_t>(i)) +
                           " (expected a finite value >= 0)");
      }
    }
  });
  std::int64_t land_cells = 0;
  MPI_Allreduce(&slab_land_cells, &land_cells, 1, MPI_INT64_T, MPI_SUM, comm_);
  if (land_cells == 0) throw InputError(cfg_.land_mask + ": no land cell (value 1) on the run grid");
  partition_ = std::make_unique<decomposition::LandPartition>(
      decomposition::LandPartition::from_row_slabs(comm_, g.nx, g.ny, slab_land, slab_weight));
  const auto& p = *partition_;
  range_begin_ = p.grid_begin(rank_);
  range_end_ = p.grid_end(rank_);
  // this rank's land cells: read the mask rows of its range
  collectively(comm_, [&] {
    cells_.clear();
    if (p.owned_count(rank_) == 0) return;
    const int row0 = static_cast<int>(range_begin_ / g.nx);
    const int row1 = static_cast<int>((range_end_ - 1) / g.nx) + 1;
    const auto mask = grids::read_raster_window(cfg_.land_mask, g, row0, row1 - row0, grids::Resampling::nearest);
    const std::int64_t off = static_cast<std::int64_t>(row0) * g.nx;
    for (std::int64_t c = range_begin_; c < range_end_; ++c)
      if (mask.values[static_cast<size_t>(c - off)] > 0.5) cells_.push_back(c);
    if (static_cast<std::int64_t>(cells_.size()) != p.owned_count(rank_))
      throw InputError(cfg_.land_mask + ": changed while the run read it (rank " + std::to_string(rank_) +
                       " found " + std::to_string(cells_.size()) + " land cells in its rows, expected " +
                       std::to_string(p.owned_count(rank_)) + ")");
  });
  std::int64_t mn = p.owned_count(0), mx = mn;
  for (int r = 0; r < size_; ++r) {
    mn = std::min(mn, p.owned_count(r));
    mx = std::max(mx, p.owned_count(r));
  }
  log("grid " + std::to_string(g.nx) + " x " + std::to_string(g.ny) + " cells of " + fmt("%g", g.resolution) +
      " m (" + g.crs + "), " + std::to_string(p.land_cells()) + " land cells over " + std::to_string(size_) +
      " rank(s): " + std::to_string(mn) + "-" + std::to_string(mx) + " cells per rank, load imbalance " +
      fmt("%.2f", 100.0 * p.imbalance()) + " %");
  // the partition's estimate of each owned cell's cost, refined from measured times (rebalance_compute)
  cell_weight_.assign(cells_.size(),
                      cells_.empty() ? 0.0 : p.weight_of(rank_) / static_cast<double>(cells_.size()));
}

bool GridRun::rebalance_compute(decomposition::RowIoLayout& io, double busy_seconds, int years, int horizon_years,
                                int year) {
  using Mode = RunConfig::Rebalance;
  if (size_ == 1 || cfg_.rebalance == Mode::fixed) return false;
  const double t_enter = MPI_Wtime();
  double mine[2] = {busy_seconds, 0.0};
  for (const double w : cell_weight_) mine[1] += w;
  std::vector<double> all(2 * static_cast<size_t>(size_));
  MPI_Allgather(mine, 2, MPI_DOUBLE, all.data(), 2, MPI_DOUBLE, comm_);
  // a move's cost is timed from here: the gather above also waits for the slowest rank's year
  const double t0 = MPI_Wtime();
  double sum_t = 0.0, max_t = 0.0, all_cost = 0.0, all_weight = 0.0;
  for (int r = 0; r < size_; ++r) {
    const double t = all[2 * static_cast<size_t>(r)], w = all[2 * static_cast<size_t>(r) + 1];
    sum_t += t;
    max_t = std::max(max_t, t);
    if (t > 0.0 && w > 0.0 && std::isfinite(t)) {
      all_cost += t;
      all_weight += w;
    }
  }
  const double imbalance = sum_t > 0.0 ? max_t / (sum_t / size_) - 1.0 : 0.0;
  if (!(all_cost > 0.0 && all_weight > 0.0)) return false;
  if (cfg_.rebalance == Mode::measured) {
    if (!(imbalance > cfg_.rebalance_threshold)) return false;
    // an excess of a few milliseconds over the window is within the scheduler's and the timer's noise
    // (a France 8 km RothC rank computes a year in ~0.3 ms): it says nothing about the cells or cores
    constexpr double kNoiseSeconds = 0.005;
    if (!(max_t - sum_t / size_ > kNoiseSeconds)) return false;
    // worth it? A half-way step saves about half the slowest rank's excess per year for as long as
    // the imbalance lasts, taken as the rest of the run (a passing one is undone, half-way again, at
    // the next check); moving costs what the last move took (before the first: 0.4 us per cell of the
    // largest rank, 0.27-0.36 us measured for RothC at 1 km on 2 ranks)
    std::int64_t most = 0;
    for (int r = 0; r < size_; ++r) most = std::max(most, partition_->owned_count(r));
    const double saving = 0.5 * (max_t - sum_t / size_) / std::max(years, 1) * horizon_years;
    const double cost = repartition_seconds_ > 0.0 ? repartition_seconds_ : 0.4e-6 * static_cast<double>(most);
    if (!(saving > cost)) return false;
  }
  // each rank's cells move half-way towards costing what it measured per unit of weight (damped
  // and bounded per step: a core that is slow for a while, or one disturbed measurement, must not
  // throw the partition far off; a lasting difference is followed within a few steps)
  if (busy_seconds > 0.0 && mine[1] > 0.0 && std::isfinite(busy_seconds)) {
    const double ratio = busy_seconds / mine[1] / (all_cost / all_weight);
    const double scale = std::clamp(0.5 * (1.0 + ratio), 0.8, 1.25);
    for (double& w : cell_weight_) w *= scale;
  }
  auto next = std::make_unique<decomposition::LandPartition>(
      decomposition::LandPartition::rebalanced(comm_, *partition_, cells_, cell_weight_));
  bool same = true;
  for (int r = 0; r <= size_; ++r) same = same && next->first_land(r) == partition_->first_land(r);
  if (same) return false;
  const decomposition::LandMigration move(comm_, *partition_, *next);
  // the cells travel with their static layers, climate mapping, cost estimate and model state
  // the model's state travels in buffers kept between moves (copies into kept capacity: the model's
  // own arrays keep theirs through set_cells, and no fresh memory is touched)
  const auto model_state = model_->state();
  moved_state_.resize(model_state.size());
  for (size_t k = 0; k < model_state.size(); ++k) {
    moved_state_[k].assign(model_state[k].second->begin(), model_state[k].second->end());
    move.move(moved_state_[k]);
  }
  std::vector<std::int64_t> sources = forcing_->source_cells();
  move.move(sources);
  move.move(cells_);
  move.move(cell_weight_);
  move.move(statics_.land_class);
  move.move(statics_.clay);
  move.move(statics_.annual_input);
  move.move(statics_.soc_observed);
  std::int64_t sent = move.cells_sent(), moved = 0;
  MPI_Allreduce(&sent, &moved, 1, MPI_INT64_T, MPI_SUM, comm_);
  partition_ = std::move(next);
  range_begin_ = partition_->grid_begin(rank_);
  range_end_ = partition_->grid_end(rank_);
  collectively(comm_, [&] {
    model_->set_cells(statics_, [this](std::size_t i) { return cfg_.grid.describe_cell(cells_[i]); });
    const auto now_state = model_->state();
    if (now_state.size() != model_state.size()) throw std::logic_error("the model's state changed its arrays");
    for (size_t k = 0; k < now_state.size(); ++k) {
      if (now_state[k].first != model_state[k].first) throw std::logic_error("the model's state changed its arrays");
      now_state[k].second->assign(moved_state_[k].begin(), moved_state_[k].end());
    }
    model_->state_restored();
  });
  const bool was_shared = forcing_->shared_reading();  // before remap, which returns to reading per rank
  forcing_->remap(cells_, sources);
  const std::string how = forcing_->set_reading(comm_, cfg_.climate_reading);
  if (forcing_->shared_reading() != was_shared) {  // the new windows tipped the automatic choice
    log("forcing " + cfg_.climate + " after " + std::to_string(year) + ": " + how);
    climate_reading_history_ += std::string(", then ") + (forcing_->shared_reading() ? "shared" : "per_rank") +
                                " after " + std::to_string(year);
  }
  io.set_compute_partition(*partition_);
  ++repartitions_;
  double took = MPI_Wtime() - t0;
  MPI_Allreduce(MPI_IN_PLACE, &took, 1, MPI_DOUBLE, MPI_MAX, comm_);
  repartition_seconds_ = took;
  times_.communication += MPI_Wtime() - t_enter;
  std::string counts;
  for (int r = 0; r < size_ && r < 8; ++r) counts += (r ? ", " : "") + std::to_string(partition_->owned_count(r));
  log("after " + std::to_string(year) + ": measured compute imbalance " + fmt("%.1f", 100.0 * imbalance) + " %; " +
      std::to_string(moved) + " land cells moved between ranks, now " + counts + (size_ > 8 ? ", ..." : "") +
      " per rank (" + fmt("%.3f", MPI_Wtime() - t0) + " s)");
  return true;
}

void GridRun::read_static_layers() {
  const auto& g = cfg_.grid;
  const size_t n = cells_.size();
  const int row0 = n ? static_cast<int>(cells_.front() / g.nx) : 0;
  const int nrows = n ? static_cast<int>(cells_.back() / g.nx) - row0 + 1 : 0;
  collectively(comm_, [&] {
    const auto lu = grids::read_raster_window(cfg_.land_use, g, row0, nrows, grids::Resampling::nearest);
    const auto clay = grids::read_raster_window(cfg_.clay, g, row0, nrows, cfg_.resampling_continuous);
    const auto soc = grids::read_raster_window(cfg_.soc_stock, g, row0, nrows, cfg_.resampling_continuous);
    const auto input = grids::read_raster_window(cfg_.carbon_input, g, row0, nrows, cfg_.resampling_continuous);
    auto value_at = [&](const grids::RasterWindow& w, std::int64_t cell) {
      return w.at(static_cast<int>(cell / g.nx), static_cast<int>(cell % g.nx));
    };
    auto& st = statics_;
    st.land_class.resize(n);
    st.clay.resize(n);
    st.annual_input.resize(n);
    st.soc_observed.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const std::int64_t c = cells_[i];
      const double code = value_at(lu, c);
      int k = -1;
      for (size_t j = 0; j < cfg_.land_uses.size(); ++j)
        if (std::isfinite(code) && static_cast<int>(std::lround(code)) == cfg_.land_uses[j].code) k = static_cast<int>(j);
      if (k < 0) {
        std::string codes;
        for (const auto& u : cfg_.land_uses) codes += (codes.empty() ? "" : ", ") + std::to_string(u.code) + " " + u.name;
        throw InputError(cfg_.land_use + ": land-use code " + fmt("%g", code) + " at land " + g.describe_cell(c) +
                         " has no [land_use.*] class in the configuration (classes: " + codes + ")");
      }
      st.land_class[i] = k;
      const double cl = value_at(clay, c);
      if (!(cl >= 0.0 && cl <= 100.0))
        throw InputError(cfg_.clay + ": clay = " + fmt("%g", cl) + " % at land " + g.describe_cell(c) +
                         " (expected 0-100 %)");
      const double s = value_at(soc, c);
      if (!(s > 0.0 && s < 2000.0))
        throw InputError(cfg_.soc_stock + ": soc_stock = " + fmt("%g", s) + " t ha-1 at land " + g.describe_cell(c) +
                         " (expected > 0 and < 2000 t ha-1)");
      const double in = value_at(input, c);
      if (!(in >= 0.0 && in < 100.0))
        throw InputError(cfg_.carbon_input + ": carbon_input = " + fmt("%g", in) + " t ha-1 yr-1 at land " +
                         g.describe_cell(c) + " (expected 0-100 t ha-1 yr-1)");
      st.clay[i] = cl;
      st.soc_observed[i] = s;
      st.annual_input[i] = in;
    }
    model_->set_cells(st, [this](std::size_t i) { return cfg_.grid.describe_cell(cells_[i]); });
  });
}

void GridRun::open_forcing() {
  collectively(comm_, [&] {
    forcing_ = std::make_unique<grids::MonthlyForcing>(
        cfg_.climate, cfg_.grid, cells_,
        std::vector<grids::ForcingVariable>{{cfg_.var_tas, grids::ForcingQuantity::temperature},
                                            {cfg_.var_pr, grids::ForcingQuantity::water_amount},
                                            {cfg_.var_pet, grids::ForcingQuantity::water_amount}});
    const int need_end = std::max(cfg_.end_year, cfg_.start_year + cfg_.spinup_years - 1);
    if (cfg_.start_year < forcing_->first_year() || need_end > forcing_->last_year())
      throw InputError(cfg_.climate + ": covers " + std::to_string(forcing_->first_year()) + "-" +
                       std::to_string(forcing_->last_year()) + " but the run needs " +
                       std::to_string(cfg_.start_year) + "-" + std::to_string(need_end) +
                       " (run.start_year..run.end_year and spinup.years)");
  });
  const std::string how = forcing_->set_reading(comm_, cfg_.climate_reading);
  if (!how.empty()) log("forcing " + cfg_.climate + ": " + how);
  climate_reading_history_ = forcing_->shared_reading() ? "shared" : "per_rank";
  long local = forcing_->coastal_fallbacks(), total = 0;
  MPI_Reduce(&local, &total, 1, MPI_LONG, MPI_SUM, 0, comm_);
  if (total > 0)
    log("forcing " + cfg_.climate + ": " + std::to_string(total) +
        " coastal land cells take the nearest forcing cell with data (theirs is missing at every time)");
}

void GridRun::spin_up() {
  const size_t n = cells_.size();
  const double read_start = MPI_Wtime();
  // Mean monthly climate of the first spin-up years.
  std::vector<std::vector<double>> year, mean(3, std::vector<double>(12 * n, 0.0));
  for (int y = 0; y < cfg_.spinup_years; ++y) {
    collectively(comm_, [&] { forcing_->read_year(cfg_.start_year + y, year); });
    for (int v = 0; v < 3; ++v)
      for (size_t k = 0; k < 12 * n; ++k) mean[v][k] += year[v][k];
  }
  for (int v = 0; v < 3; ++v)
    for (auto& x : mean[v]) x /= cfg_.spinup_years;
  spinup_read_seconds_ = MPI_Wtime() - read_start;
  collectively(comm_, [&] {
    if (cfg_.spinup_method == "brute_force")
      spinup_ = model_->brute_force_spin_up(mean, 1e-9, 1000000);
    else
      spinup_ = model_->spin_up(mean, cfg_.spinup_method == "inverse");
  });
  double worst = 0.0;
  for (double r : spinup_.residual) worst = std::max(worst, r);
  long drifting = spinup_.flagged;
  // cells whose residual exceeds 1e-9 are named (the first few, on rank 0)
  long failed = 0;
  std::string failed_cells;
  for (size_t i = 0; i < n; ++i)
    if (!(spinup_.residual[i] <= 1e-9)) {
      if (++failed <= 5) failed_cells += " " + cfg_.grid.describe_cell(cells_[i]);
    }
  long global_failed = 0;
  MPI_Allreduce(&failed, &global_failed, 1, MPI_LONG, MPI_SUM, comm_);
  if (global_failed > 0 && failed > 0)
    std::fprintf(stderr, "alamod: warning: spin-up residual above 1e-9 in %ld cells of rank %d:%s\n", failed, rank_,
                 failed_cells.c_str());
  double global_worst = 0.0;
  long global_drifting = 0;
  MPI_Allreduce(&worst, &global_worst, 1, MPI_DOUBLE, MPI_MAX, comm_);
  MPI_Allreduce(&drifting, &global_drifting, 1, MPI_LONG, MPI_SUM, comm_);
  if (cfg_.spinup_method == "inverse") {
    double lo = 1e300, hi = -1e300, sum = 0.0;
    const auto& scale = model_->input_scale();
    for (size_t i = 0; i < n; ++i) {
      const double input = statics_.annual_input[i] * scale[i];
      lo = std::min(lo, input);
      hi = std::max(hi, input);
      sum += input;
    }
    double glo = 0, ghi = 0, gsum = 0;
    const long ln = static_cast<long>(n);
    long gn = 0;
    MPI_Allreduce(&lo, &glo, 1, MPI_DOUBLE, MPI_MIN, comm_);
    MPI_Allreduce(&hi, &ghi, 1, MPI_DOUBLE, MPI_MAX, comm_);
    MPI_Allreduce(&sum, &gsum, 1, MPI_DOUBLE, MPI_SUM, comm_);
    MPI_Allreduce(&ln, &gn, 1, MPI_LONG, MPI_SUM, comm_);
    log("inverse spin-up: equilibrium carbon inputs that reproduce " + cfg_.soc_stock + ": " + fmt("%.2f", glo) +
        "-" + fmt("%.2f", ghi) + " t ha-1 yr-1, mean " + fmt("%.2f", gsum / std::max(1L, gn)));
  }
  double cycles = 0.0, global_cycles = 0.0;
  for (double c : spinup_.cycles) cycles += c;
  MPI_Allreduce(&cycles, &global_cycles, 1, MPI_DOUBLE, MPI_SUM, comm_);
  log("spin-up of the " + std::to_string(cfg_.spinup_years) + "-year mean climate: " + spinup_.method + "; " +
      fmt("%.1f", global_cycles / static_cast<double>(partition_->land_cells())) +
      " simulated years per cell on average; largest relative residual over one more cycle " +
      fmt("%.2e", global_worst) +
      (global_drifting ? ", " + std::to_string(global_drifting) + " " + spinup_.flagged_what : std::string()));
}

std::string GridRun::output_snapshot(int year) const {
  return opt_.out_dir + "/." + cfg_.output_name + ".checkpoint_" + std::to_string(year);
}

namespace {
std::string output_stem(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

/// The year of `file` when it is `prefix` + digits + `suffix`, else -1.
int year_in(const std::string& file, const std::string& prefix, const std::string& suffix) {
  if (file.size() <= prefix.size() + suffix.size() || file.compare(0, prefix.size(), prefix) != 0 ||
      file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  const std::string digits = file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
  if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::atoi(digits.c_str());
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) names.emplace_back(e->d_name);
    closedir(d);
  }
  return names;
}
}  // namespace

std::string GridRun::checkpoint_path(int year) const {
  return opt_.out_dir + "/" + output_stem(cfg_.output_name) + ".checkpoint_" + std::to_string(year) + ".nc";
}

std::vector<int> GridRun::checkpoint_years() const {
  std::vector<int> years;
  const std::string prefix = output_stem(cfg_.output_name) + ".checkpoint_";
  for (const auto& name : folder_entries(opt_.out_dir))
    if (const int y = year_in(name, prefix, ".nc"); y >= 0) years.push_back(y);
  std::sort(years.begin(), years.end());
  return years;
}

std::string GridRun::latest_checkpoint() const {
  const auto years = checkpoint_years();
  return years.empty() ? std::string() : checkpoint_path(years.back());
}

void GridRun::remove_checkpoints() const {
  const std::string ckpt = output_stem(cfg_.output_name) + ".checkpoint_";
  const std::string snap = "." + cfg_.output_name + ".checkpoint_";
  for (const auto& name : folder_entries(opt_.out_dir))
    if (year_in(name, ckpt, ".nc") >= 0 || year_in(name, ckpt, ".nc.incomplete") >= 0 || year_in(name, snap, "") >= 0)
      std::remove((opt_.out_dir + "/" + name).c_str());
}

void GridRun::write_checkpoint(int year_done) {
  const std::string path = checkpoint_path(year_done);
  grids::CheckpointSlice slice{partition_->land_cells(), partition_->first_land(rank_),
                               partition_->owned_count(rank_)};
  std::map<std::string, std::vector<double>> fields;
  for (const auto& [name, values] : model_->state()) fields[name] = *values;
  grids::write_checkpoint(comm_, path, slice, fields,
                          {{"alamod_checkpoint_next_year", std::to_string(year_done + 1)},
                           {"alamod_config_science_sha256", cfg_.science_sha256},
                           {"alamod_output_file", cfg_.output_name},
                           {"alamod_input_sha256", input_sha256_},
                           {"alamod_version", alamod_version()},
                           {"alamod_mpi_ranks", std::to_string(size_)},
                           {"comment", "alamod restart checkpoint: the " + cfg_.model + " state of every land cell in "
                                       "row-major land order (model units), state at the end of the year " +
                                           std::to_string(year_done)}});
  // keep this output's two newest checkpoints
  if (rank_ == 0) {
    const auto years = checkpoint_years();
    for (size_t k = 0; k + 2 < years.size(); ++k) {
      std::remove(checkpoint_path(years[k]).c_str());
      std::remove(output_snapshot(years[k]).c_str());
    }
  }
  log("checkpoint " + path + " (state at the end of " + std::to_string(year_done) + ")");
}

void GridRun::restore_checkpoint() {
  std::string path = opt_.restart;
  if (path == "latest") {
    if (rank_ == 0) path = latest_checkpoint();
    int len = static_cast<int>(path.size());
    MPI_Bcast(&len, 1, MPI_INT, 0, comm_);
    path.resize(static_cast<size_t>(len));
    MPI_Bcast(path.data(), len, MPI_CHAR, 0, comm_);
    if (path.empty())
      throw InputError(opt_.out_dir + ": no " + output_stem(cfg_.output_name) +
                       ".checkpoint_YEAR.nc to restart from (run without --restart)");
  }
  const size_t n = cells_.size();
  std::map<std::string, std::vector<double>> f;
  std::map<std::string, std::string> attrs;
  grids::CheckpointSlice slice{partition_->land_cells(), partition_->first_land(rank_),
                               partition_->owned_count(rank_)};
  collectively(comm_, [&] {
    std::vector<std::string> names;
    for (const auto& kv : model_->state()) names.push_back(kv.first);
    grids::read_checkpoint(comm_, path, slice, names, f, attrs);
    if (attrs["alamod_config_science_sha256"] != cfg_.science_sha256)
      throw InputError(path + ": the checkpoint was made with another configuration (sha256 " +
                       attrs["alamod_config_science_sha256"].substr(0, 16) + "... vs " +
                       cfg_.science_sha256.substr(0, 16) + "...); restart with the same file and --set options");
    restored_input_sha256_ = attrs["alamod_input_sha256"];
  });
  const int next_year = std::atoi(attrs["alamod_checkpoint_next_year"].c_str());
  if (next_year <= cfg_.start_year || next_year > cfg_.end_year)
    throw InputError(path + ": its next year " + std::to_string(next_year) + " is outside this run's " +
                     std::to_string(cfg_.start_year) + "-" + std::to_string(cfg_.end_year));
  for (const auto& [name, values] : model_->state()) *values = f[name];
  model_->state_restored();
  (void)n;
  // the output as it was at the checkpoint replaces the working file, which a kill may have damaged
  collectively(comm_, [&] {
    if (rank_ != 0) return;
    const std::string snap = output_snapshot(next_year - 1);
    const std::string tmp = opt_.out_dir + "/." + cfg_.output_name + ".incomplete";
    std::error_code ec;
    std::filesystem::copy_file(snap, tmp, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec)
      throw InputError(snap + ": the output snapshot of checkpoint " + path + " cannot be restored (" + ec.message() +
                       "); start again without --restart");
  });
  first_year_index_ = next_year - cfg_.start_year;
  restored_from_ = path;
  log("restart from " + path + ": continuing with year " + std::to_string(next_year));
}

std::vector<double> GridRun::to_grid_range(const std::vector<double>& owned) const {
  std::vector<double> out;
  to_grid_range(owned, out);
  return out;
}

void GridRun::to_grid_range(const std::vector<double>& owned, std::vector<double>& out) const {
  out.assign(static_cast<size_t>(range_end_ - range_begin_), kNaN);
  for (size_t i = 0; i < cells_.size(); ++i) out[static_cast<size_t>(cells_[i] - range_begin_)] = owned[i];
}

void GridRun::simulate() {
  size_t n = cells_.size();  // changes when cells move between ranks (rebalance_compute)
  const PhaseEvents& ev = phase_events();
  const int n_years = cfg_.end_year - cfg_.start_year + 1;
  const auto& g = cfg_.grid;
  const auto& info = find_model(cfg_.model).info;
  const std::vector<std::string> pool_names = model_->pool_names();
  std::string pool_list;
  for (const auto& pn : pool_names) pool_list += (pool_list.empty() ? "" : " ") + pn;

  // ---- output file
  grids::OutputFileSpec spec;
  spec.path = out_path_;
  spec.grid = g;
  spec.first_year = cfg_.start_year;
  spec.n_years = n_years;
  spec.pools = pool_names;
  spec.depth_top_m = 0.0;
  spec.depth_bottom_m = cfg_.soil_depth_cm / 100.0;
  spec.deflate_level = cfg_.deflate_level;
  spec.significant_bits = cfg_.significant_bits;
  spec.low_bytes_by_runs = cfg_.low_bytes_by_runs;
  const bool dbl = cfg_.double_precision;
  const std::string stock_methods = "area: mean where land time: point";
  const std::string flux_methods = "area: mean where land time: mean";
  spec.variables = {
      {"cSoilPools", "carbon mass in each soil pool (" + info.name + " " + pool_list + "), end of year",
       "soil_mass_content_of_carbon", "t ha-1", stock_methods, true, true, true, dbl,
       "pools of the 0-" + fmt("%g", cfg_.soil_depth_cm) + " cm layer (see depth_bnds); pool labels in pool:flag_meanings"},
      {"cSoil", "carbon mass in soil organic matter, end of year", "soil_mass_content_of_carbon", "t ha-1",
       stock_methods, false, true, true, dbl, ""},
      {"rh", "heterotrophic respiration carbon flux, yearly mean",
       "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_heterotrophic_respiration",
       "t ha-1 yr-1", flux_methods, false, true, false, dbl, ""},
      {"fCarbonInput", "carbon input to soil from plant residues and manure, yearly mean", "", "t ha-1 yr-1",
       flux_methods, false, true, false, dbl, ""},
      {"spinup_residual", "largest relative change of any pool over one more spin-up cycle", "", "1",
       "area: point", false, false, false, true, ""},
      {"spinup_iterations", "model years simulated by the spin-up of the cell (building the equilibrium and checking it)",
       "", "1", "area: point", false, false, false, false, "method: " + spinup_.method},
      {"cSoilInitial", "carbon mass in soil organic matter at the start of the run (spin-up result)",
       "soil_mass_content_of_carbon", "t ha-1", "area: mean where land", false, false, true, dbl,
       "state on " + std::to_string(cfg_.start_year) + "-01-01 after the spin-up (" + cfg_.spinup_method + ")"},
  };
  {
    const FluxMeaning meaning = model_->flux_meaning();
    for (auto& v : spec.variables) {
      const bool rh = v.name == "rh", input = v.name == "fCarbonInput";
      if (rh && !meaning.rh_is_total) v.standard_name.clear();
      const std::string& long_name = rh ? meaning.rh_long_name : input ? meaning.input_long_name : v.long_name;
      const std::string& comment = rh ? meaning.rh_comment : input ? meaning.input_comment : v.comment;
      if (!long_name.empty()) v.long_name = long_name;
      if (!comment.empty()) v.comment = comment;
    }
  }
  if (model_->leaches())
    spec.variables.push_back({"fCarbonLeaching", "carbon leached below the simulated layer, yearly mean", "",
                              "t ha-1 yr-1", flux_methods, false, true, false, dbl, ""});
  // ACDD discovery and provenance
  double lat_min = 90, lat_max = -90, lon_min = 180, lon_max = -180;
  {
    OGRSpatialReference src, wgs;
    src.SetFromUserInput(g.crs_wkt.c_str());
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    wgs.SetFromUserInput("EPSG:4326");
    wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &wgs));
    // the grid's outer edge (cell corners), so that the extent holds every cell whole
    std::vector<double> xs, ys;
    const double x1 = g.x_min + g.nx * g.resolution, y0 = g.y_max - g.ny * g.resolution;
    for (int c = 0; c <= g.nx; ++c) {
      const double x = g.x_min + c * g.resolution;
      xs.push_back(x), ys.push_back(g.y_max);
      xs.push_back(x), ys.push_back(y0);
    }
    for (int r = 0; r <= g.ny; ++r) {
      const double y = g.y_max - r * g.resolution;
      xs.push_back(g.x_min), ys.push_back(y);
      xs.push_back(x1), ys.push_back(y);
    }
    if (ct && ct->Transform(static_cast<int>(xs.size()), xs.data(), ys.data())) {
      for (size_t k = 0; k < xs.size(); ++k) {
        lon_min = std::min(lon_min, xs[k]);
        lon_max = std::max(lon_max, xs[k]);
        lat_min = std::min(lat_min, ys[k]);
        lat_max = std::max(lat_max, ys[k]);
      }
    }
  }
  // SHA-256 of every input, file k on rank k mod P (the climate file dominates; no rank hashes them all)
  std::string checksums;
  {
    std::vector<const std::string*> files;
    for (const auto* f : {&cfg_.land_mask, &cfg_.land_use, &cfg_.clay, &cfg_.soc_stock, &cfg_.carbon_input,
                          &cfg_.climate, &cfg_.cost_weight})
      if (!f->empty()) files.push_back(f);
    std::vector<std::string> mine(files.size());
    collectively(comm_, [&] {
      for (size_t k = static_cast<size_t>(rank_); k < files.size(); k += static_cast<size_t>(size_))
        mine[k] = grids::sha256_file(*files[k]);
    });
    for (size_t k = 0; k < files.size(); ++k) {
      char hex[65] = {};
      const int owner = static_cast<int>(k % static_cast<size_t>(size_));
      if (rank_ == owner) mine[k].copy(hex, 64);
      MPI_Bcast(hex, 64, MPI_CHAR, owner, comm_);
      checksums += *files[k] + " sha256:" + std::string(hex, 64) + "\n";
      input_sha256_ += (k ? " " : "") + std::string(hex, 64);
    }
    // a restart continues a run only on the inputs it started from (the configuration names files,
    // whose contents may have changed since)
    if (!restored_from_.empty() && !restored_input_sha256_.empty() && restored_input_sha256_ != input_sha256_) {
      std::string which;
      std::istringstream was(restored_input_sha256_), now(input_sha256_);
      std::string a, b;
      for (size_t k = 0; k < files.size() && (was >> a) && (now >> b); ++k)
        if (a != b) which += (which.empty() ? "" : ", ") + *files[k];
      throw InputError(restored_from_ + ": the checkpoint was made from other input files (changed since: " +
                       (which.empty() ? std::string("their list") : which) +
                       "); restart only on the inputs the run started from, or start again with --overwrite");
    }
  }
  const std::string params = model_->parameters_text();
  const std::string now = utc_now_iso();
  spec.global_text = {
      {"Conventions", "CF-1.8 ACDD-1.3"},
      {"title", "alamod " + cfg_.model + " soil organic carbon, yearly, " + std::to_string(cfg_.start_year) + "-" +
                    std::to_string(cfg_.end_year)},
      {"summary", "Soil organic carbon stocks (0-" + fmt("%g", cfg_.soil_depth_cm) +
                      " cm), pools, heterotrophic respiration and carbon inputs simulated by " + info.title +
                      " on a regular grid, from the model's equilibrium with the first years' climate."},
      {"keywords", "soil organic carbon, " + info.name + ", carbon stock, heterotrophic respiration, France"},
      {"standard_name_vocabulary", "CF Standard Name Table v83"},
      {"institution", "alamod project"},
      {"source", "alamod " + alamod_version() + " (git " + alamod_git_commit() + "), model " + cfg_.model},
      {"history", now + ": " + (opt_.command.empty() ? "alamod run " + cfg_.path + " --out " + opt_.out_dir
                                                     : opt_.command)},
      {"date_created", now},
      {"creator_name", "alamod"},
      {"product_version", alamod_version()},
      {"processing_level", "model output"},
      {"license", "output of alamod; the licences of the inputs apply (see alamod_input_checksums)"},
      {"time_coverage_start", std::to_string(cfg_.start_year) + "-01-01T00:00:00Z"},
      {"time_coverage_end", std::to_string(cfg_.end_year + 1) + "-01-01T00:00:00Z"},
      {"time_coverage_resolution", "P1Y"},
      {"alamod_version", alamod_version()},
      {"alamod_git_commit", alamod_git_commit()},
      {"alamod_model", cfg_.model},
      {"alamod_model_parameters", params},
      {"alamod_config_file", cfg_.path},
      {"alamod_config_sha256", cfg_.sha256},
      {"alamod_config", cfg_.resolved},
      {"alamod_input_checksums", checksums},
      {"alamod_library_versions", library_versions()},
      {"alamod_climate_reading", forcing_->shared_reading() ? "shared" : "per_rank"},
      {"alamod_compression",
       cfg_.deflate_level == 0 ? std::string("none")
                               : "shuffle + deflate level " + std::to_string(cfg_.deflate_level) + " (" +
                                     grids::deflate_implementation() + ")" +
                                     (cfg_.low_bytes_by_runs ? "; the low-order half of the bytes coded by runs "
                                                               "(output.deflate_low_bytes = \"runs\")"
                                                             : "")},
      {"alamod_spinup", spinup_.method + "; mean monthly climate of " + std::to_string(cfg_.spinup_years) +
                            " years from " + std::to_string(cfg_.start_year) +
                            model_->spinup_note()},
  };
  spec.global_numbers = {{"geospatial_lat_min", lat_min}, {"geospatial_lat_max", lat_max},
                         {"geospatial_lon_min", lon_min}, {"geospatial_lon_max", lon_max},
                         {"alamod_mpi_ranks", static_cast<double>(size_)},
                         {"alamod_land_cells", static_cast<double>(partition_->land_cells())}};
  double t = MPI_Wtime();
  // I/O layout: boundaries on chunk rows, placed by an estimate of each row's output cost
  // (compressing a sea cell's fill value costs about half a land cell's value) and refined
  // from the compression time measured on each rank (RowIoLayout::rebalance, below)
  std::vector<double> row_weight(static_cast<size_t>(g.ny), 0.0);
  for (const std::int64_t c : cells_) row_weight[static_cast<size_t>(c / g.nx)] += 1.0;
  MPI_Allreduce(MPI_IN_PLACE, row_weight.data(), g.ny, MPI_DOUBLE, MPI_SUM, comm_);
  for (double& w : row_weight) w += 0.5 * (g.nx - w);
  decomposition::RowIoLayout io(*partition_, g.nx, g.ny, comm_, grids::output_chunk_rows(g), std::move(row_weight));
  // buffers kept for the whole run: a fresh allocation of this size costs page faults every year
  std::vector<double> grid_buf, io_buf;
  // owned land values -> this rank's I/O rows (sea cells NaN), into `out`
  auto to_io_into = [&](const std::vector<double>& owned, std::vector<double>& out) -> const std::vector<double>& {
    to_grid_range(owned, grid_buf);
    io.to_io(grid_buf, out);
    return out;
  };
  auto to_io = [&](const std::vector<double>& owned) -> const std::vector<double>& { return to_io_into(owned, io_buf); };
  std::unique_ptr<grids::CfWriter> writer;
  if (first_year_index_ > 0) {
    collectively(comm_, [&] {
      writer = std::make_unique<grids::CfWriter>(comm_, spec, io.io_begin(), io.io_end(), grids::CfWriter::Resume{});
    });
  } else {
    try {
      writer = std::make_unique<grids::CfWriter>(comm_, spec, io.io_begin(), io.io_end());
    } catch (const std::runtime_error& e) {
      throw InputError(std::string(e.what()) + " (is the output folder writable?)");
    }
    writer->write_static("spinup_residual", to_io(spinup_.residual));
    writer->write_static("spinup_iterations", to_io(spinup_.cycles));
    std::vector<std::vector<double>> start_pools;
    model_->pools(start_pools);
    std::vector<double> initial(n, 0.0);
    for (const auto& pool : start_pools)
      for (size_t i = 0; i < n; ++i) initial[i] += pool[i];
    writer->write_static("cSoilInitial", to_io(initial));
  }
  const int every = opt_.checkpoint_every >= 0 ? opt_.checkpoint_every : cfg_.checkpoint_every_years;
  bool checkpointed = !restored_from_.empty();
  times_.output += MPI_Wtime() - t;

  // ---- time loop
  std::vector<std::vector<double>> clim, pools, pool_io;
  YearFluxes flux;
  std::vector<double> start_stock(n, 0.0), total(n);
  model_->pools(pools);
  for (const auto& pool : pools)
    for (size_t i = 0; i < n; ++i) start_stock[i] += pool[i];
  const bool leaching_output = spec.variables.back().name == "fCarbonLeaching";

  // the I/O boundaries are refined after 1, 2, 4, 8... written years, from the compression
  // time each rank spent since the previous refinement (the values written do not depend on it)
  int next_rebalance = 1, years_written = 0, rebalances = 0;
  int next_compute_check = 3, compute_years = 0;
  double busy_mark = times_.compute_busy;
  double deflate_mark = grids::deflate_seconds();
  const double loop_start = MPI_Wtime();
  double last_report = loop_start;
  try {
    for (int yi = first_year_index_; yi < n_years; ++yi) {
      const int year = cfg_.start_year + yi;
      t = MPI_Wtime();
      PetscLogEventBegin(ev.input, 0, 0, 0, 0);
      collectively(comm_, [&] { forcing_->read_year(year, clim); });
      PetscLogEventEnd(ev.input, 0, 0, 0, 0);
      times_.input += MPI_Wtime() - t;
      t = MPI_Wtime();
      PetscLogEventBegin(ev.compute, 0, 0, 0, 0);
      model_->step_year(year, clim, flux);
      model_->pools(pools);
      std::fill(total.begin(), total.end(), 0.0);
      for (const auto& pool : pools)
        for (size_t i = 0; i < n; ++i) total[i] += pool[i];
      // carbon balance per cell: change in stock = inputs - respiration - leaching
      double busy_end = 0.0;  // this rank's own work ends before the collective error check
      collectively(comm_, [&] {
        for (size_t i = 0; i < n; ++i) {
          const double err = (total[i] - start_stock[i]) - (flux.input[i] - flux.rh[i] - flux.leaching[i]);
          if (!(std::fabs(err) <= cfg_.balance_tolerance * std::max(1.0, total[i])))
            throw InputError("carbon balance violated in " + std::to_string(year) + " at land " +
                             g.describe_cell(cells_[i]) + ": stock change - (inputs - respiration - leaching) = " +
                             fmt("%.3e", err) + " t ha-1 (tolerance checks.balance_tolerance)");
        }
        busy_end = MPI_Wtime();
      });
      times_.compute_busy += busy_end - t;
      start_stock = total;
      PetscLogEventEnd(ev.compute, 0, 0, 0, 0);
      times_.compute += MPI_Wtime() - t;
      t = MPI_Wtime();
      PetscLogEventBegin(ev.output, 0, 0, 0, 0);
      pool_io.resize(pools.size());
      for (size_t k = 0; k < pools.size(); ++k) to_io_into(pools[k], pool_io[k]);  // no extra copy
      writer->write_pools("cSoilPools", yi, pool_io);
      writer->write("cSoil", yi, to_io(total));
      writer->write("rh", yi, to_io(flux.rh));
      writer->write("fCarbonInput", yi, to_io(flux.input));
      if (leaching_output) writer->write("fCarbonLeaching", yi, to_io(flux.leaching));
      if (++years_written == next_rebalance && yi + 1 < n_years) {
        const double now_deflate = grids::deflate_seconds();
        if (io.rebalance(now_deflate - deflate_mark)) {
          writer->set_range(io.io_begin(), io.io_end());
          ++rebalances;
        }
        deflate_mark = now_deflate;
        years_written = 0;
        next_rebalance *= 2;
      }
      PetscLogEventEnd(ev.output, 0, 0, 0, 0);
      times_.output += MPI_Wtime() - t;
      // The compute partition follows the compute time measured over years 2-4 of the loop, then over
      // every decomposition.rebalance_every_years (the first year is left out: it pays for first touches
      // of memory and its times are not representative)
      if (yi == first_year_index_) {
        busy_mark = times_.compute_busy;
      } else if (++compute_years == next_compute_check && yi + 1 < n_years) {
        if (rebalance_compute(io, times_.compute_busy - busy_mark, compute_years, n_years - yi - 1,
                              year)) {
          n = cells_.size();
          total.assign(n, 0.0);
          model_->pools(pools);
          start_stock.assign(n, 0.0);
          for (const auto& pool : pools)
            for (size_t i = 0; i < n; ++i) start_stock[i] += pool[i];
        }
        busy_mark = times_.compute_busy;
        compute_years = 0;
        next_compute_check = cfg_.rebalance_every_years;
      }
      // checkpoint at this year boundary: every N years, or when a signal arrived
      int stop = g_stop_signal;
      MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_MAX, comm_);
      const bool last = yi + 1 == n_years;
      if (!last && (stop || (every > 0 && (yi + 1) % every == 0))) {
        t = MPI_Wtime();
        writer->snapshot_to(output_snapshot(year));
        write_checkpoint(year);
        checkpointed = true;
        times_.output += MPI_Wtime() - t;
        if (stop) {
          writer->detach();
          throw StoppedForRestart("stopped by signal " + std::to_string(stop) + " after year " +
                                  std::to_string(year) + "; checkpoint " + checkpoint_path(year) +
                                  "; continue with: " +
                                  (opt_.resume_command.empty() ? "alamod run " + cfg_.path + " --out " + opt_.out_dir +
                                                                     " --restart"
                                                               : opt_.resume_command));
        }
      }
      const double now_t = MPI_Wtime();
      if (!opt_.quiet && (now_t - last_report >= 2.0 || yi + 1 == n_years || yi == first_year_index_)) {
        last_report = now_t;
        const double elapsed = now_t - loop_start;
        const int done_here = yi + 1 - first_year_index_;
        const double rate = static_cast<double>(partition_->land_cells()) * done_here / elapsed;
        const double left = elapsed / done_here * (n_years - yi - 1);
        char line[200];
        std::snprintf(line, sizeof line, "year %d done (%d/%d), %.3g cell-years/s, elapsed %.1f s, about %.0f s left",
                      year, yi + 1, n_years, rate, elapsed, left);
        log(line);
      }
    }
    t = MPI_Wtime();
    char phases[256];
    std::snprintf(phases, sizeof phases,
                  "rank 0 seconds: input %.2f, spin-up %.2f, compute %.2f, output %.2f, communication %.2f",
                  times_.input, times_.spinup, times_.compute, times_.output, io.seconds());
    writer->set_global("alamod_phase_times", phases);
    if (!restored_from_.empty()) writer->set_global("alamod_restarted_from", restored_from_);
    if (climate_reading_history_.find(", then") != std::string::npos)
      writer->set_global("alamod_climate_reading", climate_reading_history_);
    if (size_ > 1)
      writer->set_global("alamod_compute_repartitions",
                         std::to_string(repartitions_) + " (decomposition.rebalance = " +
                             RunConfig::name(cfg_.rebalance) + ")");
    writer->commit();
    times_.output += MPI_Wtime() - t;
  } catch (const StoppedForRestart&) {
    throw;
  } catch (...) {
    // keep the partial output when checkpoints refer to it, so a restart can continue
    if (checkpointed) writer->detach();
    else writer->abandon();
    throw;
  }
  // the run is complete: its checkpoints are no longer needed
  if (rank_ == 0) remove_checkpoints();
  times_.communication += io.seconds();
  double bytes = writer->bytes_written(), total_bytes = 0.0, out_s = times_.output, max_out_s = 0.0;
  double deflate_s = grids::deflate_seconds(), max_deflate_s = 0.0, min_deflate_s = 0.0;
  MPI_Reduce(&bytes, &total_bytes, 1, MPI_DOUBLE, MPI_SUM, 0, comm_);
  MPI_Reduce(&out_s, &max_out_s, 1, MPI_DOUBLE, MPI_MAX, 0, comm_);
  MPI_Reduce(&deflate_s, &max_deflate_s, 1, MPI_DOUBLE, MPI_MAX, 0, comm_);
  MPI_Reduce(&deflate_s, &min_deflate_s, 1, MPI_DOUBLE, MPI_MIN, 0, comm_);
  log("wrote " + out_path_ + ": " + fmt("%.1f", total_bytes / 1048576.0) + " MiB of variables (before compression) in " +
      fmt("%.2f", max_out_s) + " s of output phase, " + fmt("%.1f", total_bytes / 1048576.0 / std::max(max_out_s, 1e-9)) +
      " MiB/s" +
      (max_deflate_s > 0.0 ? "; compression " + fmt("%.2f", min_deflate_s) + "-" + fmt("%.2f", max_deflate_s) +
                                 " s of it per rank (" + grids::deflate_implementation() + ")"
                           : std::string()));
  if (size_ > 1) {
    std::string rows;
    for (int r = 0; r < size_ && r < 8; ++r)
      rows += (r ? ", " : "") + std::to_string(io.io_begin(r) / g.nx) + "-" + std::to_string(io.io_begin(r + 1) / g.nx);
    log("output rows per rank " + rows + (size_ > 8 ? ", ..." : "") + " (chunks of " +
        std::to_string(grids::output_chunk_rows(g)) + " rows; boundaries moved " + std::to_string(rebalances) +
        " time(s) to balance the measured compression time)");
  }
  times_.compression = deflate_s;
}

void GridRun::report_phases() {
  double local[8] = {times_.input, times_.spinup,      times_.compute,     times_.output,
                     times_.communication, times_.total, times_.compression, times_.compute_busy};
  double mx[8], sum[8];
  MPI_Reduce(local, mx, 8, MPI_DOUBLE, MPI_MAX, 0, comm_);
  MPI_Reduce(local, sum, 8, MPI_DOUBLE, MPI_SUM, 0, comm_);
  char line[300];
  std::snprintf(line, sizeof line,
                "time per phase (s, max over ranks): input %.2f, spin-up %.2f, compute %.2f, output %.2f, total %.2f",
                mx[0], mx[1], mx[2], mx[3], mx[5]);
  log(line);
  // measured imbalance (max over ranks / mean - 1) of each rank's own work, without the time it
  // waits for the others in collective calls: the compute phase up to the year's error check,
  // the compression part of the output
  auto imbalance = [&](int k) { return sum[k] > 0.0 ? 100.0 * (mx[k] * size_ / sum[k] - 1.0) : 0.0; };
  std::snprintf(line, sizeof line,
                "measured load imbalance (max / mean over ranks - 1): compute %.1f %%, spin-up %.1f %%, output %.1f %% "
                "(its compression %.1f %%)",
                imbalance(7), imbalance(1), imbalance(3), imbalance(6));
  log(line);
}

}  // namespace alamod::engine
