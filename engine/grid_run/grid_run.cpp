// The grid run's driver: run() and its phases before and after the years (output folder, spin-up,
// timings). The inputs are read in inputs.cpp, the years simulated in simulate.cpp, the output described
// in output_spec.cpp, checkpoints written and restored in checkpoints.cpp, cells moved in rebalance.cpp.
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <sys/stat.h>

#include "decomposition/row_io_layout.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/grid_run/output_lock.hpp"
#include "engine/grid_run/output_watchdog.hpp"
#include "engine/grid_run/phase_timer.hpp"
#include "engine/grid_run/stop_signal.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/valid_range.hpp"
#include "engine/totals/run_totals.hpp"
#include "grids/cf_writer.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

namespace alamod::engine {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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
}  // namespace

GridRun::GridRun(MPI_Comm comm, RunConfig config, GridRunOptions options)
    : comm_(comm), cfg_(std::move(config)), opt_(std::move(options)) {
  spinup_first_year_ = cfg_.spinup_start();
  if (cfg_.scenarios.enabled()) cfg_.output_name = "historical.nc";  // the years before the branch
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

GridRun::~GridRun() = default;

void GridRun::log(const std::string& line) const {
  if (rank_ == 0 && !opt_.silent) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
}

void GridRun::run() {
  const double t0 = MPI_Wtime();
  collectively(comm_, [&] {
    find_model(cfg_.model);
    model_ = make_grid_model(cfg_);
    if (cfg_.vegetation.enabled()) vegetation_ = std::make_unique<VegetationCoupling>(cfg_);
  });
  if (vegetation_) log(vegetation_->describe());
  log("alamod " + alamod_version() + " (git " + alamod_git_commit() + "), " + std::to_string(size_) +
      " MPI rank(s), configuration " + cfg_.path + " (sha256 " + cfg_.sha256.substr(0, 16) + "...)");
  if (!opt_.quiet) log("resolved configuration:\n" + cfg_.resolved);
  install_stop_handlers();
  if (cfg_.scenarios.enabled() && !opt_.restart.empty() && opt_.restart != "latest")
    throw InputError("--restart " + opt_.restart + ": a run with scenarios has checkpoints of each phase "
                     "(historical.nc and every scenario's file), and a restart continues each phase in turn from its "
                     "own newest intact checkpoint in --out (the complete phases kept): one file cannot say where "
                     "every phase stands; give --restart alone");
  if (!cfg_.scenarios.enabled()) check_output_folder();
  else if (opt_.restart.empty()) check_scenario_outputs();  // a restart checks each phase's output as it comes to it
  const PhaseEvents& ev = phase_events();
  {
    PhaseTimer timer(times_.input, ev.input);
    partition_land();
    read_static_layers();
    if (cfg_.totals && !cfg_.scenarios.enabled()) {  // scenarios: one per phase (scenario_phases.cpp)
      totals_ = std::make_unique<RunTotals>(comm_, cfg_, opt_.out_dir, *partition_, cells_, tiles_.fraction);
      totals_->set_silent(opt_.silent);
    }
    open_forcing();
  }
  const double t = MPI_Wtime();
  if (opt_.restart.empty()) {
    PetscLogEventBegin(ev.spinup, 0, 0, 0, 0);
    spin_up();
    PetscLogEventEnd(ev.spinup, 0, 0, 0, 0);
    // reading the spin-up years' climate is input; the rest is the spin-up itself
    times_.spinup += MPI_Wtime() - t - spinup_read_seconds_;
    times_.input += spinup_read_seconds_;
  } else if (!cfg_.scenarios.enabled()) {  // scenarios: each phase continues from its own (scenario_phases.cpp)
    restore_checkpoint();
    times_.input += MPI_Wtime() - t;
  }
  if (cfg_.scenarios.enabled()) run_scenarios();
  else simulate();
  times_.total = MPI_Wtime() - t0;
  report_phases();
}

void GridRun::check_output_folder() {
  out_path_ = opt_.out_dir + "/" + cfg_.output_name;
  lock_path_ = OutputLock::path_for(opt_.out_dir, cfg_.output_name);
  std::string took_over;
  collectively(comm_, [&] {
    if (rank_ != 0) return;
    check_path_lengths();
    if (!make_directories(opt_.out_dir))
      throw InputError(opt_.out_dir + ": cannot create the output folder (" + std::strerror(errno) + ")");
    refuse_outputs_that_are_inputs();
    // held until this run ends: a second run on this output is refused here, before it writes anything
    lock_ = std::make_unique<OutputLock>(lock_path_, out_path_, took_over);
    struct stat st {};
    const bool output_there = lstat(out_path_.c_str(), &st) == 0;
    if (output_there && !S_ISREG(st.st_mode))
      throw InputError(out_path_ + ": " + grids::file_kind(st.st_mode) + " has the output's name; alamod replaces "
                       "only a regular file: remove it, or choose another --out or output.file");
    check_temporary_names();
    const bool unfinished = !checkpoint_years().empty();
    // a run started with --overwrite over an earlier result keeps it until its own commit
    if (!opt_.restart.empty() && output_there && !unfinished)
      throw InputError(out_path_ + ": this run is already complete; nothing to restart");
    if (opt_.restart.empty() && output_there && !opt_.overwrite)
      throw InputError(out_path_ + ": output already exists; choose another --out folder or pass --overwrite");
    if (opt_.restart.empty() && unfinished && !opt_.overwrite)
      throw InputError(latest_checkpoint() + ": an unfinished run writing " + cfg_.output_name +
                       " left checkpoints here; continue it with --restart, or pass --overwrite to start again "
                       "(its checkpoints are then removed)");
    if (opt_.restart.empty() && unfinished) remove_checkpoints();
  });
  if (!took_over.empty())
    log("the lock of " + out_path_ + " was left by a run that has ended (" + took_over + "); taken over");
}

void GridRun::spin_up() {
  const double read_start = MPI_Wtime();
  std::vector<std::int32_t> rows;
  std::vector<std::size_t> first_cell;  // per row of mean, the first cell that reads it (messages)
  // the soil on the vegetation's litter (docs/VEGETATION.md, "The soil's spin-up"): the initial vegetation
  // through each spin-up year, its litter averaged
  const bool on_litter = vegetation_ && cfg_.vegetation.litter_to_soil && cfg_.vegetation.spinup_on_litter;
  double vegetation_seconds = 0.0;  // part of the spin-up, not of the input
  const MonthlyClimate mean = mean_spinup_climate(rows, first_cell, on_litter ? [&](int year, const CellClimate& c) {
    const double t0 = MPI_Wtime();
    vegetation_->add_spinup_year(year, c);
    vegetation_seconds += MPI_Wtime() - t0;
  } : std::function<void(int, const CellClimate&)>());
  spinup_read_seconds_ = MPI_Wtime() - read_start - vegetation_seconds;
  // spinup.land_cover_map: the tiles weigh as the spin-up's land cover, then move to the run's (below)
  std::vector<std::vector<double>> run_fraction;
  if (!spinup_fraction_.empty()) {
    run_fraction = tiles_.fraction;
    tiles_.fraction = spinup_fraction_;
    tiles_.reweight();
  }
  collectively(comm_, [&] {
    // the model's valid range (its kValidRange) before the model sees the climate
    const int y0 = cfg_.spinup_start();
    const std::string years = (cfg_.spinup_years == 1 ? "year " + std::to_string(y0)
                                                      : "years " + std::to_string(y0) + "-" +
                                                            std::to_string(y0 + cfg_.spinup_years - 1)) +
                              (cfg_.spinup_climate.empty() ? std::string() : " of " + cfg_.spinup_climate);
    check_climate_range(find_model(cfg_.model).info, mean,
                        [&](std::size_t i) { return cfg_.grid.describe_cell(cells_[first_cell[i]]); }, 0,
                        "the mean climate of the spin-up " + years);
    const CellClimate tile_climate(mean, rows);  // each tile reads its forcing cell's mean climate, no copy
    // the soil spun up on the vegetation's litter: each vegetated tile's mean litter, by kind, through the change
    // of inputs the years use; the years then set their own
    if (on_litter) model_->set_input_change(vegetation_->spinup_input_change());
    if (cfg_.spinup_method == "brute_force")
      spinup_ = model_->brute_force_spin_up(tile_climate, 1e-9, 1000000);
    else
      spinup_ = model_->spin_up(tile_climate, cfg_.spinup_method == "inverse");
    // "scaled": the equilibrium's pools, each tile's scaled to its observed stock (the inputs unchanged)
    if (cfg_.spinup_method == "scaled") {
      model_->scale_to_observed(cfg_.path);
      spinup_.method += "; then each tile's pools scaled to its observed stock, the constant pools kept and the "
                        "inputs unchanged (spinup.method = \"scaled\")";
    }
  });
  if (cfg_.spinup_method == "inverse") report_inverse_inputs();  // per tile
  tile_statics_ = GridCells{};  // the model has its per-tile constants (build_tiles makes them again for moves)
  // per cell: the largest residual and spin-up length of its tiles
  std::vector<double> cell_values;
  tiles_.max_to_cells(spinup_.residual, cell_values);
  spinup_.residual.swap(cell_values);
  tiles_.max_to_cells(spinup_.cycles, cell_values);
  spinup_.cycles.swap(cell_values);
  report_spin_up();
  if (!run_fraction.empty()) switch_to_run_land_cover(run_fraction);
}

MonthlyClimate GridRun::mean_spinup_climate(std::vector<std::int32_t>& rows, std::vector<std::size_t>& first_cell,
                                            const std::function<void(int, const CellClimate&)>& each_year) {
  MonthlyClimate year, mean;
  const int y0 = cfg_.spinup_start(), y1 = y0 + cfg_.spinup_years - 1;
  // the spin-up's own file (spinup.climate), or the run's; either must hold every month of its period
  std::unique_ptr<grids::MonthlyForcing> own;
  const std::string& file = cfg_.spinup_climate.empty() ? cfg_.climate : cfg_.spinup_climate;
  collectively(comm_, [&] {
    if (!cfg_.spinup_climate.empty())
      own = std::make_unique<grids::MonthlyForcing>(
          cfg_.spinup_climate, cfg_.grid, cells_,
          std::vector<grids::ForcingVariable>{{cfg_.var_tas, grids::ForcingQuantity::temperature},
                                              {cfg_.var_pr, grids::ForcingQuantity::precipitation},
                                              {cfg_.var_pet, grids::ForcingQuantity::water_amount}});
    const grids::MonthlyForcing& f = own ? *own : *forcing_;
    if (const std::string month = f.first_missing_month(y0, y1); !month.empty())
      throw InputError(file + ": the time axis has no value for " + month + " (it holds " + f.time_span() +
                       "), but the spin-up needs every month of " + std::to_string(y0) + "-" + std::to_string(y1) +
                       " (spinup.first_year and spinup.years)");
  });
  grids::MonthlyForcing& source = own ? *own : *forcing_;
  // by forcing cell: every cell that takes a forcing cell has its values, so its mean (the same sums in the same
  // order) is the forcing cell's
  const size_t n = source.source_first_cell().size();
  mean.assign(3, std::vector<double>(12 * n, 0.0));
  for (int y = 0; y < cfg_.spinup_years; ++y) {
    collectively(comm_, [&] {
      source.read_year_by_source(y0 + y, year);
      if (each_year) {
        climate_rows(&source.source_of(), rows);
        each_year(y0 + y, CellClimate(year, rows));
      }
    });
    for (int v = 0; v < 3; ++v)
      for (size_t k = 0; k < 12 * n; ++k) mean[v][k] += year[v][k];
  }
  climate_rows(&source.source_of(), rows);
  first_cell = source.source_first_cell();
  for (int v = 0; v < 3; ++v)
    for (auto& x : mean[v]) x /= cfg_.spinup_years;
  return mean;
}

void GridRun::report_spin_up() {
  double worst = 0.0;
  for (double r : spinup_.residual) worst = std::max(worst, r);
  long drifting = spinup_.flagged;
  // cells whose residual exceeds 1e-9 are named (the first few, on rank 0)
  long failed = 0;
  std::string failed_cells;
  for (size_t i = 0; i < cells_.size(); ++i)
    if (!(spinup_.residual[i] <= 1e-9)) {
      if (++failed <= 5) failed_cells += " " + cfg_.grid.describe_cell(cells_[i]);
    }
  long global_failed = 0;
  MPI_Allreduce(&failed, &global_failed, 1, MPI_LONG, MPI_SUM, comm_);
  if (global_failed > 0 && failed > 0)
    std::fprintf(stderr, "alamod: warning: spin-up residual above 1e-9 in %ld cells of rank %d:%s\n", failed, rank_,
                 failed_cells.c_str());
  double global_worst = 0.0;
  long global_drifting = 0, global_empty = 0;
  MPI_Allreduce(&worst, &global_worst, 1, MPI_DOUBLE, MPI_MAX, comm_);
  MPI_Allreduce(&drifting, &global_drifting, 1, MPI_LONG, MPI_SUM, comm_);
  MPI_Allreduce(&spinup_.empty, &global_empty, 1, MPI_LONG, MPI_SUM, comm_);
  double cycles = 0.0, global_cycles = 0.0;
  for (double c : spinup_.cycles) cycles += c;
  MPI_Allreduce(&cycles, &global_cycles, 1, MPI_DOUBLE, MPI_SUM, comm_);
  log("spin-up of the " + std::to_string(cfg_.spinup_years) + "-year mean climate: " + spinup_.method + "; " +
      format_number("%.1f", global_cycles / static_cast<double>(partition_->land_cells())) +
      " simulated years per cell on average; largest relative residual over one more cycle " +
      format_number("%.2e", global_worst) +
      (global_drifting ? ", " + std::to_string(global_drifting) + " " + spinup_.flagged_what : std::string()) +
      (global_empty ? "; " + std::to_string(global_empty) + (cfg_.tiles() ? " tiles" : " cells") + " without carbon input: their equilibrium is "
                      "empty pools" : std::string()));
}

void GridRun::report_inverse_inputs() {
  const size_t n = tile_statics_.annual_input.size();  // per tile
  double lo = 1e300, hi = -1e300, sum = 0.0;
  const auto& scale = model_->input_scale();
  for (size_t i = 0; i < n; ++i) {
    const double input = tile_statics_.annual_input[i] * scale[i];
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
  bool per_class = false;
  for (const auto& u : cfg_.land_uses) per_class = per_class || !u.soc_stock.empty();
  log("inverse spin-up: equilibrium carbon inputs that reproduce " +
      (per_class ? "each tile's class stock (land_use.*.soc_stock, else " + cfg_.soc_stock + ")" : cfg_.soc_stock) +
      (cfg_.tiles() ? ", per tile: " : ": ") +
      format_number("%.2f", glo) + "-" + format_number("%.2f", ghi) + " t ha-1 yr-1, mean " +
      format_number("%.2f", gsum / std::max(1L, gn)));
}

void GridRun::to_grid_range(const std::vector<double>& owned, std::vector<double>& out) const {
  out.assign(static_cast<size_t>(range_end_ - range_begin_), kNaN);
  for (size_t i = 0; i < cells_.size(); ++i) out[static_cast<size_t>(cells_[i] - range_begin_)] = owned[i];
}

const std::vector<double>& GridRun::to_io_rows(const std::vector<double>& owned, std::vector<double>& out) {
  if (io_rows_are_compute_ranges()) {  // nothing to exchange: straight into the I/O rows
    to_grid_range(owned, out);
    return out;
  }
  to_grid_range(owned, grid_buf_);
  io_->to_io(grid_buf_, out);
  return out;
}

bool GridRun::io_rows_are_compute_ranges() const {
  for (int r = 0; r < size_; ++r)
    if (partition_->grid_begin(r) != io_->io_begin(r) || partition_->grid_end(r) != io_->io_begin(r + 1)) return false;
  return true;
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
  // memory: each rank's peak resident set (the kernel's VmHWM: libraries included), per land cell and tile
  double mem[3] = {peak_resident_mib(), static_cast<double>(cells_.size()), static_cast<double>(tiles_.tiles())};
  double mem_max = 0.0, mem_min = 0.0, mem_sum[3] = {0.0, 0.0, 0.0};
  MPI_Reduce(&mem[0], &mem_max, 1, MPI_DOUBLE, MPI_MAX, 0, comm_);
  MPI_Reduce(&mem[0], &mem_min, 1, MPI_DOUBLE, MPI_MIN, 0, comm_);
  MPI_Reduce(mem, mem_sum, 3, MPI_DOUBLE, MPI_SUM, 0, comm_);
  if (mem_max > 0.0 && mem_sum[1] > 0.0) {
    std::snprintf(line, sizeof line,
                  "peak memory per rank %.1f-%.1f MiB (resident, libraries included), %.0f B per land cell over the "
                  "ranks (%.0f B per tile)",
                  mem_min, mem_max, mem_sum[0] * 1048576.0 / mem_sum[1], mem_sum[0] * 1048576.0 / std::max(mem_sum[2], 1.0));
    log(line);
  }
}

double GridRun::peak_resident_mib() {
  // Linux: "VmHWM:   123456 kB" in /proc/self/status; 0 where there is none
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0.0;
  char buf[256];
  double kib = 0.0;
  while (std::fgets(buf, sizeof buf, f))
    if (std::strncmp(buf, "VmHWM:", 6) == 0) {
      kib = std::strtod(buf + 6, nullptr);
      break;
    }
  std::fclose(f);
  return kib / 1024.0;
}

}  // namespace alamod::engine
