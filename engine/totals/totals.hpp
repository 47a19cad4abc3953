#pragma once
/// National answers of a grid run: soil carbon totals of France, each région, département,
/// pedo-climatic zone, land-use class and user zone, every output year, with their change and rates;
/// DIR/totals.csv, DIR/totals.nc and DIR/report.html with maps (docs/OUTPUTS.md, "Totals and report").
///
/// The folder: zones (the zone layers), fixed_point_sum (exact sums), zone_sums (the sums and the
/// table), totals_files (CSV, NetCDF), report (HTML), map_image (PNG and GeoTIFF), output_reader (the
/// gridded output read back), run_totals (the grid run's hook), summarize (`alamod summarize`).
///
/// The totals add each cell's stock as the gridded output stores it (float unless output.precision =
/// "double", BitRound when output.significant_bits > 0), so that a sum of the file gives them again
/// (`alamod summarize`). The sums are exact (fixed_point_sum.hpp): the same bits on any rank count, in
/// a restarted run, and from `alamod summarize` on any rank count.
#include <mpi.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/totals/zone_sums.hpp"
#include "grids/grid_spec.hpp"

namespace alamod::engine {

/// What the totals need to know of a run.
struct TotalsSetup {
  grids::GridSpec grid;
  std::string model;
  int first_year = 0, years = 0;
  double depth_cm = 30;                  ///< the simulated layer
  std::string land_use;                  ///< raster of land-use codes (its dominant class per cell)
  std::vector<int> class_codes;          ///< land-use classes, by ascending code
  std::vector<std::string> class_names;
  std::string region, departement, pedoclimatic_zone, zone_names;  ///< "" when not given
  std::string zones, zone_field;         ///< the user's zones ("" none)
  int zone_subcells = 8;
  bool report = true;                    ///< report.html, PNG, GeoTIFF besides totals.csv and totals.nc
  /// How the output stores the stocks (the values are rounded so before they are added).
  bool stored_as_float = true;
  int significant_bits = 0;
  std::string out_dir;
};

/// The totals of a set of land cells spread over the ranks (each rank its own cells, grid indices
/// ascending): the zone layers read for them, the sums, and the files at the end.
class ZoneTotals {
 public:
  /// Collective: reads the zone layers of `cells`. Throws InputError (on every rank) for a bad layer.
  /// With `fraction` (per class of setup.class_codes, per cell), the land cover is the tiles' fractions, not
  /// the classes of setup.land_use.
  ZoneTotals(MPI_Comm comm, TotalsSetup setup, std::vector<std::int64_t> cells,
             std::vector<std::vector<double>> fraction = {});
  ~ZoneTotals();
  /// The stock of each cell (t ha-1) on 1 January of the first year / at the end of year index y; with
  /// fractions, `tile_stock[c][i]` the stock of class c's tile in cell i (t ha-1 of the tile; any value where
  /// the cell has no such tile).
  /// `fraction` (land-use change): the fractions of that time, per class of setup.class_codes; empty: the
  /// constructor's.
  void add_start(const std::vector<double>& stock, const std::vector<std::vector<double>>& tile_stock = {},
                 const std::vector<std::vector<double>>& fraction = {});
  void add_year(int y, const std::vector<double>& stock, const std::vector<std::vector<double>>& tile_stock = {},
                const std::vector<std::vector<double>>& fraction = {});
  /// The same with the layers borrowed (the caller's arrays, no copies).
  void add_start(const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction);
  void add_year(int y, const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction);
  bool tiles() const { return sums_->tiles(); }
  /// Collective: the national total of per-cell stocks (t ha-1), in Tg C (each value first rounded as
  /// the output stores it when `as_stored`).
  double national_TgC(const std::vector<double>& stock, bool as_stored = true) const;
  /// Collective: the projected area of every rank's cells (ha).
  double national_area_ha() const;
  /// The name of the whole grid's zone (e.g. France).
  const std::string& national_name() const { return sums_->layers().front().zones.front().name; }
  /// Collective: reduces the sums into the table; rank 0 writes totals.csv, totals.nc (with the
  /// global `attributes`) and, when asked, the report (headed by `provenance`, shown as is).
  TotalsTable finish(const std::map<std::string, std::string>& attributes, const std::string& provenance,
                     const TotalsTable* biomass = nullptr);
  const std::vector<std::int64_t>& cells() const { return cells_; }
  const TotalsSetup& setup() const { return setup_; }
  double cell_area_ha() const { return setup_.grid.resolution * setup_.grid.resolution / 1.0e4; }

 private:
  std::vector<double> as_stored(const std::vector<double>& stock) const;
  StoredAs stored() const { return {true, setup_.stored_as_float, setup_.significant_bits}; }
  MPI_Comm comm_;
  int rank_ = 0;
  TotalsSetup setup_;
  std::vector<std::int64_t> cells_;
  std::unique_ptr<ZoneSums> sums_;
  std::vector<double> start_, last_;  ///< per cell, as stored: the start and the last year (the maps)
};

}  // namespace alamod::engine
