#pragma once
/// A grid run's CF output read back: the soil carbon stock of land cells at the start (cSoilInitial)
/// and at the end of each year (cSoil), as stored (float or double, fill values as NaN). Each rank
/// opens the file read-only for itself and reads its own rows: `alamod summarize` and a restarted
/// run's totals of the years before the restart.
#include <cstdint>
#include <string>
#include <vector>

#include "grids/grid_spec.hpp"

namespace alamod::engine {

class StockReader {
 public:
  /// Throws InputError naming the file when it cannot be opened or holds no cSoil and cSoilInitial.
  explicit StockReader(const std::string& path, const std::string& stock = "cSoil",
                       const std::string& initial = "cSoilInitial");
  ~StockReader();
  StockReader(const StockReader&) = delete;
  StockReader& operator=(const StockReader&) = delete;

  int years() const { return years_; }
  int nx() const { return nx_; }
  int ny() const { return ny_; }
  /// Rows per chunk of cSoil (reading whole chunks decompresses each once).
  int chunk_rows() const { return chunk_rows_; }
  /// A global text attribute ("" when absent).
  std::string attribute(const std::string& name) const;
  /// Rows [row0, row0 + nrows) of the stock at the start (year = -1) or at the end of year index `year`,
  /// row-major over the whole width, NaN where the file holds its fill value.
  std::vector<double> read_rows(int year, int row0, int nrows) const;
  /// The stock of `cells` (grid indices, ascending) at the start (-1) or the end of year index `year`.
  /// Throws InputError naming the file and cell where a land cell has no value.
  std::vector<double> read_cells(int year, const grids::GridSpec& grid, const std::vector<std::int64_t>& cells) const;
  /// The stock of the tiles of land-cover layer `layer` (cSoilTileInitial at the start, year = -1, else
  /// cSoilTile) of `cells`, NaN where the cell has no tile of the class. Throws InputError naming the file
  /// when it holds no tile stocks.
  std::vector<double> read_tile_cells(int year, int layer, const grids::GridSpec& grid,
                                      const std::vector<std::int64_t>& cells) const;
  /// Whether the output holds a variable of that name.
  bool has_variable(const std::string& name) const;
  /// The land-cover classes of a run on tiles (area_type), empty when the output holds no cSoilTile.
  std::vector<std::string> tile_classes() const;
  /// area_fraction of land-cover layer `layer` at `cells` (0 where absent); of a run with land-use change
  /// (area_fraction per year), of year index `year`, or area_fraction_initial for year = -1.
  std::vector<double> read_fraction_cells(int layer, const std::vector<std::int64_t>& cells, int year = -1) const;
  /// Whether area_fraction changes with the years (land-use change).
  bool fractions_per_year() const;

 private:
  /// Layer `layer` of the (landcover, y, x) slab of `var` (with a leading time index `year` when >= 0) at `cells`.
  std::vector<double> read_layer_cells(int var, const char* name, int year, int layer,
                                       const std::vector<std::int64_t>& cells) const;
  std::string path_;
  int ncid_ = -1, soil_ = -1, initial_ = -1;
  int years_ = 0, nx_ = 0, ny_ = 0, chunk_rows_ = 1;
  double fill_soil_ = 0, fill_initial_ = 0;
};

}  // namespace alamod::engine
