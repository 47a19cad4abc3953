#pragma once
/// A gridded run: land cells of the run grid spread over MPI ranks, any registered model
/// (engine/model_bindings/grid_model.hpp) from its equilibrium, year by year with monthly climate, yearly CF
/// NetCDF output written in parallel, checkpoints and restarts.
///
/// The folder, by step of run(): grid_run.cpp (run(), the output folder, the spin-up, the timings),
/// inputs.cpp (land partition, static layers, forcing, input checksums), checkpoints.cpp (checkpoint
/// files, restarts), output_spec.cpp (the output's variables and attributes), simulate.cpp (the years:
/// climate, model step, balance check, output, checkpoints), rebalance.cpp (cells moving between ranks),
/// phase_timer.hpp (phase times and PETSc events), stop_signal.{hpp,cpp} (SIGTERM/SIGUSR1), output_lock.{hpp,cpp}
/// (the output's lock), output_files.cpp (name lengths, outputs that are inputs, a failed parallel write),
/// output_watchdog.{hpp,cpp} (a collective output call that never returns).
#include <mpi.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "decomposition/land_partition.hpp"
#include "engine/configuration/config.hpp"
#include "engine/grid_run/land_cover.hpp"
#include "engine/grid_run/land_use_change.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "engine/scenario/interventions.hpp"
#include "grids/forcing.hpp"

namespace alamod::decomposition {
class RowIoLayout;
}
namespace alamod::grids {
class CfWriter;
class OutputError;
struct OutputFileSpec;
struct OutputVariable;
}

namespace alamod::engine {

struct YearValues;
class OutputLock;
class OutputWatchdog;
class RunTotals;
class VegetationCoupling;

struct GridRunOptions {
  std::string out_dir;     ///< output folder (created if missing)
  bool overwrite = false;  ///< replace an existing output file
  bool quiet = false;      ///< no progress lines
  int checkpoint_every = -1;  ///< years between checkpoints; -1: from the configuration
  std::string restart;        ///< "" fresh run, "latest" newest checkpoint in out_dir, or a checkpoint file
  std::string resume_command;  ///< the command that continues this run after a stop (printed then)
  std::string command;         ///< the command that made this run, with every option (the output's history)
  bool silent = false;  ///< no lines on stdout at all (an ensemble's groups but the first: theirs would interleave)
};

/// Exit code of a run stopped by SIGTERM or SIGUSR1 after writing a checkpoint.
inline constexpr int kExitStoppedForRestart = 75;

/// Thrown on every rank when a signal stopped the run at a year boundary.
struct StoppedForRestart : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Seconds spent per phase on this rank.
struct PhaseTimes {
  double input = 0, spinup = 0, compute = 0, output = 0, communication = 0, total = 0;
  double compression = 0;   ///< part of output: the deflate filter (libdeflate only)
  double compute_busy = 0;  ///< part of compute: this rank's work, without waiting for the others
};

/// Per class: whether a scenario's land_use_change_rates converts land to it (scenario_phases.cpp).
std::vector<char> scenario_luc_receivers(const RunConfig& cfg);

class GridRun {
 public:
  GridRun(MPI_Comm comm, RunConfig config, GridRunOptions options);
  ~GridRun();
  /// The whole run. Throws InputError (same message on every rank) on bad input.
  void run();

 private:
  // ---- the phases of run(), in order (grid_run.cpp, inputs.cpp, checkpoints.cpp, simulate.cpp)
  /// Rank 0 checks, all ranks agree: file name lengths, the folder, outputs that are inputs, the lock of
  /// the output (held until the end of the run), an existing output or unfinished run.
  void check_output_folder();
  void partition_land();
  void read_static_layers();
  void open_forcing();
  void spin_up();
  void restore_checkpoint();
  void simulate();
  void report_phases();  ///< the phases' times, their imbalance and the peak memory per rank
  static double peak_resident_mib();  ///< this process's peak resident set (VmHWM, MiB), 0 where unknown

  // ---- scenarios (scenario_phases.cpp, docs/SCENARIOS.md): the spin-up and the years before the branch once,
  // into DIR/historical.nc, then each scenario from the state at the branch into DIR/NAME.nc
  void run_scenarios();
  /// Rank 0 checks of every scenario output's name before anything is computed (check_output_folder's).
  void check_scenario_outputs();
  /// The state at the branch, what every scenario starts from.
  struct BranchState {
    std::map<std::string, std::vector<double>> fields;  ///< state_by_cell(): fractions and state per class and cell
    std::vector<LucRule> luc_rules;                      ///< the baseline's
    std::vector<std::vector<double>> luc_applies;
    LucMapMoves luc_map_moves;                           ///< the baseline's map series (land_use_change.maps)
  };
  std::unique_ptr<BranchState> branch_;
  void keep_branch_state();
  void restore_branch_state();
  /// The forward phase of scenario `s` from the branch state: its plan, climate, land-use change, output.
  void run_scenario(const scenario::Scenario& s, bool resume);
  /// Collective: 0 nothing of `output_name` in the folder, 1 its checkpoints, 2 complete (model_comparison.hpp).
  int phase_state(const std::string& output_name) const;
  /// A checkpoint of historical.nc at its last year, kept until every scenario is complete.
  void write_branch_checkpoint();
  /// A restart after the historical years: the state at the branch from write_branch_checkpoint's file.
  void read_branch_checkpoint();
  /// After a restart past the spin-up: spinup_residual and spinup_iterations of the owned cells read back from
  /// DIR/historical.nc, so that every scenario's file holds them as an uninterrupted run's does.
  void carry_spin_up_result();
  /// Before step_year of `year` in a scenario's forward phase: the year's InputChange to the model.
  void apply_scenario_inputs(int year);
  /// Collective: `change` to the model; a model that refuses it is an InputError naming `what`.
  void apply_change(const InputChange& change, const std::string& what);
  /// After read_climate of `year` in a forward phase with climate_delta: the preset's warming added.
  void apply_climate_delta(int year);
  /// The phase's totals folder's rows gathered into DIR/totals.csv with the scenario column (rank 0).
  void merge_scenario_totals(const std::vector<std::string>& phases) const;

  // ---- inputs (inputs.cpp)
  /// The land mask's rows [row_begin, row_end): 1 on land, 0 elsewhere.
  std::vector<std::uint8_t> read_land_mask(int row_begin, int row_end) const;
  /// The cost weight of the same rows (checked on land).
  std::vector<double> read_cost_weight(int row_begin, int row_end, const std::vector<std::uint8_t>& land) const;
  void find_owned_cells();  ///< cells_: this rank's land cells, from the mask rows of its range
  int land_class(double code, std::int64_t cell) const;  ///< index into cfg_.land_uses of a land-use code
  /// The tiles of the owned cells from tiles_.fraction and tiles_.soc (land_cover.hpp), their static inputs
  /// and the model's per-tile constants (model_->set_cells).
  void build_tiles();
  /// "cell (row R, col C; x, y) forest tile (40 %)": a tile in messages.
  std::string describe_tile(std::size_t tile) const;
  /// Per tile, the model's state -> per class, per cell (0 where the class has no tile), named STATE__CLASS,
  /// with the fractions as area_fraction__CLASS: what checkpoints hold and cells carry when they move.
  std::vector<std::pair<std::string, std::vector<double>>> state_by_cell();
  /// The names state_by_cell() gives, in its order.
  std::vector<std::string> state_by_cell_names();
  /// The reverse of state_by_cell(): the fractions and the tiles from them, then the model's state.
  void restore_state_by_cell(std::map<std::string, std::vector<double>>& fields);
  std::vector<std::string> input_files() const;  ///< every input file, in configuration order
  void hash_inputs();  ///< collective: SHA-256 of every input file (input_checksums_, input_sha256_)

  // ---- spin-up (grid_run.cpp)
  /// Mean monthly climate of the spin-up years by forcing cell, and per tile its row in it (`rows`);
  /// `each_year` (optional) sees each year's climate of the tiles as it is read.
  MonthlyClimate mean_spinup_climate(std::vector<std::int32_t>& rows, std::vector<std::size_t>& first_cell,
                                     const std::function<void(int, const CellClimate&)>& each_year = {});
  void report_spin_up();
  /// After the spin-up under spinup.land_cover_map (tiles_.fraction the spin-up's): every cell moves to `target`
  /// (the run's first-year fractions) by the land-use-change mixing rule, its carbon checked (spinup_land_cover.cpp).
  void switch_to_run_land_cover(const std::vector<std::vector<double>>& target);
  void report_inverse_inputs();  ///< the equilibrium inputs of the inverse spin-up

  // ---- checkpoints and restarts (checkpoints.cpp)
  // Checkpoints belong to one output file: DIR/<output stem>.checkpoint_YEAR.nc, with the output as of
  // that year in DIR/.<output>.checkpoint_YEAR; other runs' checkpoints in the folder are never touched, and
  // a checkpoint is recognised by its content (alamod_checkpoint_next_year, alamod_output_file), not its name.
  std::string checkpoint_path(int year) const;
  std::vector<int> checkpoint_years() const;  ///< this output's checkpoints in the folder, ascending (rank 0)
  /// Whether a file with one of this output's checkpoint names is one of its checkpoints (by content; a
  /// damaged one counts, a look-alike or another output's does not).
  bool is_ours(const std::string& checkpoint) const;
  std::string latest_checkpoint() const;
  std::string output_snapshot(int year) const;  ///< copy of the output file as of a checkpoint
  /// Refuses (InputError) anything but a regular file under one of this output's temporary names (the
  /// output's, a checkpoint's or a snapshot's), before the run writes anything (rank 0).
  void check_temporary_names() const;
  /// This output's checkpoints (by content), snapshots, unfinished temporaries of either and the checkpoints a
  /// restart set aside as damaged (rank 0).
  void remove_checkpoints() const;
  void write_checkpoint(int year_done);
  /// Collective: (year, path) of the checkpoint --restart names (year -1), or with "latest" of every
  /// checkpoint of this output, newest first.
  std::vector<std::pair<int, std::string>> restart_candidates() const;
  /// Collective: the model state from `path` and its next year, after checking it belongs to this run
  /// (throws InputError), matches its checksums and its output snapshot exists and matches (else returns why
  /// it is damaged, the same on every rank, without touching the state), and is sound (throws InputError).
  std::string read_checkpoint(const std::string& path, int& next_year);
  /// Throws InputError when the checkpoint's attributes belong to another model or configuration.
  void check_checkpoint_identity(const std::string& path, const std::map<std::string, std::string>& attrs) const;
  /// Collective: every restored state value finite, every pool non-negative (throws InputError naming both).
  void check_restored_state(const std::string& path);
  /// The land-cover fractions of a restored checkpoint (each 0 to 1, summing to 1 per cell); InputError.
  void check_restored_fractions(const std::string& path, const std::map<std::string, std::vector<double>>& fields) const;
  /// Rank 0: the damaged candidates before `restored` renamed NAME.damaged, and a warning saying so.
  void set_aside_damaged(const std::vector<std::pair<int, std::string>>& candidates, size_t restored,
                         const std::vector<std::string>& damaged) const;
  void restore_output_snapshot(int year_done, const std::string& checkpoint) const;  ///< collective
  void check_inputs_unchanged() const;  ///< a restart continues only on the inputs its run started from

  // ---- the output file's description (output_spec.cpp)
  grids::OutputFileSpec describe_output() const;
  std::vector<grids::OutputVariable> describe_variables() const;
  std::map<std::string, std::string> describe_discovery() const;   ///< ACDD attributes
  std::map<std::string, std::string> describe_provenance() const;  ///< alamod_* attributes
  /// Whether the output holds cSoilTile: output.tiles, or tiles with totals (a restart's totals per class
  /// of the years before it are read back from it).
  bool tile_stocks_in_output() const { return cfg_.output_tiles || (cfg_.tiles() && cfg_.totals); }

  // ---- the years (simulate.cpp)
  int year_count() const { return cfg_.end_year - cfg_.start_year + 1; }
  void open_output(const grids::OutputFileSpec& spec);
  void lay_out_output_rows();  ///< io_: the rows each rank writes
  void write_spin_up_result();  ///< spin-up residual, iterations and initial stock (fresh runs)
  void start_year_loop();
  /// The year's land-use transitions (land_use_change.hpp) on the owned cells, checked cell by cell; returns
  /// whether any cell changed (the stocks are then taken again).
  bool change_land_use(int year);
  /// climate_ of the year, by forcing cell (by cell under a climate_delta), and tile_row_ to match.
  void read_climate(int year);
  /// Per tile, its row of a climate by forcing cell (`source_of`: per cell, its forcing cell's) or by cell (nullptr).
  void climate_rows(const std::vector<std::int32_t>* source_of, std::vector<std::int32_t>& rows) const;
  /// Whether the phase's scenario has a climate_delta (apply_climate_delta changes the climate cell by cell).
  bool climate_delta_active() const;
  void step_year(int year);
  void write_year(int year_index);
  void balance_output_rows(int year_index);
  void balance_compute(int year_index);
  void write_checkpoint_when_due(int year_index);  ///< throws StoppedForRestart after a stop signal
  void report_progress(int year_index);
  void finish_output();  ///< run attributes, then the file under its final name
  void close_output_after_failure();
  void report_output();
  /// pools_ (per cell, area-weighted over its tiles) and tile_stock_ (per tile) from the model, the sum of
  /// pools_ per cell into `stock`
  void add_pools(std::vector<double>& stock);
  /// The model's pools copied into tile_pools_, `tile_pools` pointing at them (a model without pool_arrays).
  void pool_copies(std::vector<const double*>& tile_pools);
  /// A tile per cell: the year's per-cell work on the cells [c0, c1) (fluxes, pools and stocks to cells, the
  /// check of each cell, whose first failure's message goes to `failed`) in one loop.
  void year_one_tile(const std::vector<const double*>& tile_pools, size_t c0, size_t c1, const YearValues& values,
                     std::string& failed);
  /// The cells [c0, c1) of fluxes_ from tile_fluxes_, weighted by the tiles' fractions.
  void fluxes_to_cells(size_t c0, size_t c1);
  /// The cells [c0, c1) of pools_ from the tiles' pools, weighted by their fractions, their sums into `stock`,
  /// and the sums of their tiles' pools into tile_stock_.
  void pools_to_cells(const std::vector<const double*>& tile_pools, size_t c0, size_t c1, std::vector<double>& stock);
  /// Per class, per cell: the stock of the class's tile (0 where it has none), for the totals.
  const std::vector<std::vector<double>>& class_stocks();

  // ---- compute rebalancing (rebalance.cpp)
  /// Collective: moves land cells between ranks towards equal compute time, from the time each rank
  /// measured over its cells (`busy_seconds`, over `years` simulated years), when worth it over the
  /// next `horizon_years` (decomposition.rebalance); returns whether cells moved.
  bool rebalance_compute(double busy_seconds, int years, int horizon_years, int year);
  struct ComputeLoad;  ///< every rank's measured compute time and cell weight (rebalance.cpp)
  ComputeLoad measure_compute_load(double busy_seconds) const;
  bool worth_rebalancing(const ComputeLoad& load, int years, int horizon_years) const;
  /// Collective: the cells, their inputs and model state move to the partition `next` (after `year`);
  /// returns the number of cells moved.
  std::int64_t move_cells(std::unique_ptr<decomposition::LandPartition> next, int year);

  // ---- the output's files (output_files.cpp)
  std::string temporary_path() const;  ///< DIR/.NAME.incomplete, the output while it is written
  /// Open MPI's parallel I/O crashes on long file names: refuses before anything is read (rank 0).
  void check_path_lengths() const;
  /// Refuses an output, temporary or lock file name that is one of the run's inputs (rank 0).
  void refuse_outputs_that_are_inputs() const;
  /// After an OutputError on this rank, when other ranks may wait in a collective write for ever: removes
  /// the temporary files and, on one rank, throws an InputError saying why (the file closed); on several,
  /// prints that message once and aborts the communicator with exit code 1.
  [[noreturn]] void fail_on_output_error(const grids::OutputError& e);
  /// Rank 0's watchdog thread, when an output call has made no progress for `seconds`: if the disk is
  /// full (or the quota exceeded), reports it, removes `temporaries` and aborts the communicator (HDF5 may
  /// have left the ranks in different collective calls); otherwise returns.
  void on_output_stall(double seconds, const std::vector<std::string>& temporaries);
  /// Any rank's watchdog thread, when no simulated year was completed for `seconds` (over `limit`): a rank
  /// or the file system stalled; the unfinished files are removed and the communicator aborted (exit 1).
  void on_no_progress(double seconds, double limit);
  /// After a failure while a checkpoint was written: removes its snapshot of the output unless a
  /// checkpoint of that year refers to it (recognised by content when `read_checkpoint`, else by name:
  /// the watchdog's thread makes no netCDF call).
  void remove_orphan_snapshot(bool read_checkpoint) const;

  void log(const std::string& line) const;  ///< rank 0 only
  /// Owned land values -> this rank's range of the grid (sea cells NaN), into `out`.
  void to_grid_range(const std::vector<double>& owned, std::vector<double>& out) const;
  /// Owned land values -> this rank's I/O rows (sea cells NaN), into `out` (or into a kept buffer).
  /// Collective, unless every rank's I/O rows are its compute range (io_rows_are_compute_ranges()).
  const std::vector<double>& to_io_rows(const std::vector<double>& owned, std::vector<double>& out);
  const std::vector<double>& to_io_rows(const std::vector<double>& owned) { return to_io_rows(owned, io_buf_); }
  /// Every rank writes the rows of its own compute range (one rank, or the boundaries happen to agree): the
  /// same on every rank.
  bool io_rows_are_compute_ranges() const;

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  RunConfig cfg_;
  GridRunOptions opt_;
  std::string out_path_;
  std::string lock_path_;               ///< DIR/.NAME.lock (every rank knows it)
  std::unique_ptr<OutputLock> lock_;    ///< rank 0: the output's lock, held for the whole run
  std::unique_ptr<decomposition::LandPartition> partition_;
  std::vector<std::int64_t> cells_;  ///< grid linear index of each owned land cell
  std::int64_t range_begin_ = 0, range_end_ = 0;
  std::vector<double> cell_weight_;  ///< estimated compute cost of each owned cell (rebalance_compute)
  std::vector<std::vector<double>> moved_state_;  ///< buffers of the model state while cells move, kept between moves
  int repartitions_ = 0;
  std::string climate_reading_history_;  ///< "shared", or e.g. "shared, then per_rank after 1997" (cells moved)
  double repartition_seconds_ = 0;  ///< duration of the last repartition (max over ranks), 0 before the first
  std::unique_ptr<grids::MonthlyForcing> forcing_;

  std::unique_ptr<GridModel> model_;
  std::unique_ptr<VegetationCoupling> vegetation_;  ///< [vegetation] (vegetation_coupling.hpp), null without
  /// The state a checkpoint holds and cells carry: the model's, then the vegetation's (per tile).
  std::vector<std::pair<std::string, std::vector<double>*>> run_state();
  std::unique_ptr<RunTotals> totals_;  ///< zone totals and report (engine/totals), when totals.enabled
  GridCells statics_;      ///< static layers of the owned cells (land_class: the class of inputs.land_use)
  LandTiles tiles_;        ///< fractions and tiles of the owned cells
  GridCells tile_statics_; ///< what the model simulates: one entry per tile
  /// Per class, per owned cell: the spin-up's fractions (spinup.land_cover_map), empty without it.
  std::vector<std::vector<double>> spinup_fraction_;
  long fraction_fallbacks_ = 0;  ///< cells without a classified pixel of inputs.land_cover_map (this rank)
  long spinup_fraction_fallbacks_ = 0;  ///< the same of spinup.land_cover_map (this rank)
  std::vector<std::vector<double>> tile_pools_;  ///< [pool][tile] (t ha-1 of the tile)
  std::vector<double> tile_stock_;               ///< per tile (t ha-1 of the tile)
  YearFluxes tile_fluxes_;
  std::vector<std::vector<double>> class_stock_;  ///< class_stocks()
  std::vector<double> tile_buf_;                   ///< one class's layer of cSoilTile (kept between years)
  std::vector<LucRule> luc_rules_;                 ///< land_use_change.rates (empty: no land-use change)
  std::vector<std::vector<double>> luc_applies_;   ///< per rule, per owned cell: 1 where its zone holds the cell
  std::vector<LucMap> luc_maps_;                   ///< land_use_change.maps (empty: none)
  LucMapMoves luc_map_moves_;                      ///< the maps' moves per period, pair and owned cell
  std::vector<double> luc_loss_;                   ///< this year's sealing loss per owned cell (t ha-1 of the cell)
  SpinupReport spinup_;    ///< per-cell spin-up residual and cost (fresh runs)
  double spinup_read_seconds_ = 0;  ///< reading the spin-up years' climate (counted as input)
  PhaseTimes times_;
  int first_year_index_ = 0;  ///< 0, or the year index a restart continues from
  std::string restored_from_;
  std::string restored_input_sha256_;  ///< the inputs' checksums recorded in the checkpoint restored from
  std::string input_sha256_;           ///< this run's inputs' checksums, in configuration order
  std::string input_checksums_;        ///< "FILE sha256:HEX" lines of every input (output provenance)

  // ---- the output and the year loop (simulate.cpp)
  // ---- scenarios (scenario_phases.cpp)
  std::string phase_;  ///< "" (a run without scenarios), "historical" or the scenario's name
  const scenario::Scenario* scenario_ = nullptr;  ///< the forward phase's scenario, nullptr otherwise
  std::unique_ptr<scenario::InterventionPlan> plan_;  ///< the forward phase's
  /// this year's change of the scenario's interventions, kept for step_year where the vegetation's litter goes to
  /// the soil (vegetation_with_scenario composes the two); unused otherwise
  InputChange scenario_change_;
  std::vector<std::unique_ptr<scenario::InterventionPlan>> plans_;  ///< per scenario, made before the historical years
  std::unique_ptr<grids::MonthlyForcing> scenario_forcing_;  ///< a scenario's climate file (nullptr: forcing_)
  std::vector<std::unique_ptr<grids::MonthlyForcing>> forcings_;  ///< per scenario, opened before the historical years
  std::vector<double> cell_latitude_;  ///< per owned cell (degrees), for Oudin's PET under climate_delta
  int spinup_first_year_ = 0;          ///< run.start_year (the spin-up's first year) before the phases change it
  std::string shared_note_;            ///< "spin-up and 1990-2019 computed once, shared by N scenarios"

  std::unique_ptr<decomposition::RowIoLayout> io_;  ///< the rows each rank writes
  std::unique_ptr<grids::CfWriter> writer_;
  bool leaching_output_ = false;  ///< the output has fCarbonLeaching
  bool tile_output_ = false;      ///< the output has cSoilTile
  bool sealing_output_ = false;   ///< the output has fCarbonSealing
  std::atomic<bool> checkpointed_{false};  ///< a checkpoint refers to the partial output (kept on failure)
  std::atomic<int> checkpoint_in_progress_{-1};  ///< the year of the checkpoint being written, -1 between
  // buffers kept for the whole run: a fresh allocation of this size costs page faults every year
  // (grid_buf_ only where the I/O rows are not the compute ranges: on one rank to_io_rows fills io_buf_ directly)
  std::vector<double> grid_buf_, io_buf_;
  /// This year's climate of the owned cells' forcing cells (each forcing cell once: a 1 km run on an 8 km
  /// climate holds ~64 x fewer values than one row per cell), or of the cells under a climate_delta.
  MonthlyClimate climate_;
  std::vector<std::int32_t> tile_row_;        ///< per tile, its row of climate_
  std::vector<std::vector<double>> pools_;    ///< carbon of each pool per owned cell (t ha-1)
  YearFluxes fluxes_;                         ///< this year's fluxes per owned cell (t ha-1 yr-1)
  std::vector<std::pair<std::string, std::vector<double>>> vegetation_values_;  ///< this year's cVeg, gpp, ... per cell
  std::vector<double> stock_start_, stock_end_;  ///< soil carbon at the year's start and end (t ha-1)
  /// The I/O boundaries are refined after 1, 2, 4, 8... written years, from the compression time each
  /// rank spent since the previous refinement (the values written do not depend on it).
  struct OutputRowSchedule {
    int next = 1, years = 0, moves = 0;
    double deflate_mark = 0;  ///< grids::deflate_seconds() at the last refinement
  } output_rows_;
  /// The compute partition follows the compute time measured over years 2-4 of the loop, then over every
  /// decomposition.rebalance_every_years.
  struct ComputeSchedule {
    int next = 3, years = 0;
    double busy_mark = 0;  ///< times_.compute_busy at the last check
  } compute_checks_;
  double loop_start_ = 0, last_report_ = 0;  ///< MPI_Wtime() at the first year and the last progress line
  double output_room_bytes_ = 0;  ///< less free space than this (one year of the largest variable) is a full disk
  /// rank 0 of several: watches the collective output calls for a hang after a failed write (last member:
  /// its thread stops before anything it reads is destroyed)
  std::unique_ptr<OutputWatchdog> watchdog_;
};

}  // namespace alamod::engine
