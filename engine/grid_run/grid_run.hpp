#pragma once
/// A gridded run: land cells of the run grid spread over MPI ranks, any registered model
/// (engine/model_bindings/grid_model.hpp) from its equilibrium, year by year with monthly climate, yearly CF
/// NetCDF output written in parallel, checkpoints and restarts.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "decomposition/land_partition.hpp"
#include "engine/configuration/config.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "grids/forcing.hpp"

namespace alamod::decomposition {
class RowIoLayout;
}

namespace alamod::engine {

struct GridRunOptions {
  std::string out_dir;     ///< output folder (created if missing)
  bool overwrite = false;  ///< replace an existing output file
  bool quiet = false;      ///< no progress lines
  int checkpoint_every = -1;  ///< years between checkpoints; -1: from the configuration
  std::string restart;        ///< "" fresh run, "latest" newest checkpoint in out_dir, or a checkpoint file
  std::string resume_command;  ///< the command that continues this run after a stop (printed then)
  std::string command;         ///< the command that made this run, with every option (the output's history)
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

class GridRun {
 public:
  GridRun(MPI_Comm comm, RunConfig config, GridRunOptions options);
  ~GridRun();
  /// The whole run. Throws InputError (same message on every rank) on bad input.
  void run();

 private:
  void check_output_folder();
  void partition_land();
  void read_static_layers();
  void open_forcing();
  void spin_up();
  void restore_checkpoint();
  void simulate();
  void write_checkpoint(int year_done);
  // Checkpoints belong to one output file: DIR/<output stem>.checkpoint_YEAR.nc, with the output as of
  // that year in DIR/.<output>.checkpoint_YEAR; other runs' checkpoints in the folder are never touched.
  std::string checkpoint_path(int year) const;
  std::vector<int> checkpoint_years() const;  ///< this output's checkpoints in the folder, ascending (rank 0)
  std::string latest_checkpoint() const;
  std::string output_snapshot(int year) const;  ///< copy of the output file as of a checkpoint
  void remove_checkpoints() const;  ///< every checkpoint, snapshot and unfinished checkpoint of this output (rank 0)
  void report_phases();
  /// Collective: moves land cells between ranks towards equal compute time, from the time each rank
  /// measured over its cells (`busy_seconds`, over `years` simulated years), when worth it over the
  /// next `horizon_years` (decomposition.rebalance); returns whether cells moved.
  bool rebalance_compute(decomposition::RowIoLayout& io, double busy_seconds, int years, int horizon_years, int year);

  void log(const std::string& line) const;  ///< rank 0 only
  std::vector<double> to_grid_range(const std::vector<double>& owned) const;
  void to_grid_range(const std::vector<double>& owned, std::vector<double>& out) const;  ///< into a kept buffer

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  RunConfig cfg_;
  GridRunOptions opt_;
  std::string out_path_;
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
  GridCells statics_;      ///< static layers of the owned cells
  SpinupReport spinup_;    ///< per-cell spin-up residual and cost (fresh runs)
  double spinup_read_seconds_ = 0;  ///< reading the spin-up years' climate (counted as input)
  PhaseTimes times_;
  int first_year_index_ = 0;  ///< 0, or the year index a restart continues from
  std::string restored_from_;
  std::string restored_input_sha256_;  ///< the inputs' checksums recorded in the checkpoint restored from
  std::string input_sha256_;           ///< this run's inputs' checksums, in configuration order
};

}  // namespace alamod::engine
