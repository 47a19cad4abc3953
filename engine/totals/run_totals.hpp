#pragma once
/// The totals of a grid run, in a few calls from the year loop (engine/grid_run/simulate.cpp):
///
///   RunTotals totals(comm, cfg, out_dir, partition, cells);  // inputs: reads the zone layers (InputError)
///   totals.start(partition, stock, observed);                // a fresh run's start; logs the national total
///   totals.add_year(y, partition, stock);                    // every output year
///   totals.finish(output_path, first_year_index, attrs);     // after the output is committed: files, log
///
/// The zone layers are read once for the cells each rank owns at set-up ("home"); when the run moves
/// cells between ranks, the stocks travel back to their home rank before they are added (only the
/// cells that moved are exchanged). A restarted run adds the years before its restart, and the start,
/// from the committed output (the values it stores are the values the totals add).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "decomposition/land_partition.hpp"
#include "engine/configuration/config.hpp"
#include "engine/totals/totals.hpp"

namespace alamod::decomposition {
class LandMigration;
}

namespace alamod::engine {

/// The totals' view of a run configuration (classes by ascending code).
TotalsSetup totals_setup(const RunConfig& cfg, const std::string& out_dir);

class RunTotals {
 public:
  /// Collective: reads the zone layers for `cells` (this rank's land cells in `partition`).
  /// With tiles (cfg.tiles()), `fraction`: per class of cfg.land_uses, per cell, the tiles' fractions, and
  /// the totals per land-cover class are the tiles' (start and add_year then take the tiles' stocks).
  RunTotals(MPI_Comm comm, const RunConfig& cfg, const std::string& out_dir,
            const decomposition::LandPartition& partition, const std::vector<std::int64_t>& cells,
            const std::vector<std::vector<double>>& fraction = {});
  ~RunTotals();
  /// Collective: the stock of the owned cells (in `partition`) on 1 January of the first year, and the
  /// observed stock (inputs.soc_stock); logs both national totals.
  /// `tile_stock`: with tiles, per class of cfg.land_uses, per cell, the stock of the class's tile.
  void start(const decomposition::LandPartition& partition, const std::vector<double>& stock,
             const std::vector<double>& observed, const std::vector<std::vector<double>>& tile_stock = {});
  /// Collective: the stock of the owned cells at the end of year index y.
  /// `fraction`: with land-use change, the fractions of the year (per class of cfg.land_uses, per cell).
  void add_year(int y, const decomposition::LandPartition& partition, const std::vector<double>& stock,
                const std::vector<std::vector<double>>& tile_stock = {},
                const std::vector<std::vector<double>>& fraction = {});
  /// Collective, after the output file is complete under `output_path`: the start and years
  /// [0, first_year_index) read from it when the run was restarted, then the files; logs the
  /// national total at the end. `attributes`: the output's provenance attributes.
  /// `biomass`: the vegetation's totals (rank 0), shown in the report beside the soil's; null without vegetation.
  void finish(const std::string& output_path, int first_year_index, const std::map<std::string, std::string>& attributes,
              const TotalsTable* biomass = nullptr);
  /// No lines on stdout (an ensemble's groups but the first: GridRunOptions::silent).
  void set_silent(bool silent) { silent_ = silent; }
  /// Seconds spent in the totals and the report on this rank.
  double seconds() const { return seconds_; }

 private:
  /// `values` of the owned cells of `partition` in the home cells' order: `values` itself when no cell has
  /// moved, else moved into `buffer` (collective then).
  const std::vector<double>& at_home(const decomposition::LandPartition& partition, const std::vector<double>& values,
                                     std::vector<double>& buffer);
  /// Per class, in the totals' class order (by code), `layers` at home: the caller's arrays themselves when no
  /// cell has moved, else moved into `buffers`.
  CellLayers layers_at_home(const decomposition::LandPartition& partition, const std::vector<std::vector<double>>& layers,
                            std::vector<std::vector<double>>& buffers);
  std::vector<std::size_t> order_;  ///< the totals' classes (by code) as indices of cfg.land_uses
  bool luc_ = false;                 ///< land-use change: the fractions change every year
  void log(const std::string& line) const;
  MPI_Comm comm_;
  int rank_ = 0;
  bool silent_ = false;
  std::string out_dir_;
  std::string start_label_;  ///< "1 January 1990"
  decomposition::LandPartition home_;
  std::vector<std::int64_t> home_first_land_;  ///< home_'s first land cell of each rank, and the count
  std::vector<std::int64_t> moved_from_;  ///< first land cells of the partition `moved_` migrates from
  std::vector<double> moved_values_;      ///< the stocks moved home (kept between years)
  std::vector<std::vector<double>> moved_tiles_, moved_fractions_;  ///< the tiles' stocks and fractions moved home
  std::unique_ptr<decomposition::LandMigration> moved_;
  std::unique_ptr<ZoneTotals> totals_;
  double seconds_ = 0;
};

}  // namespace alamod::engine
