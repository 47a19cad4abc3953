#pragma once
/// A regular, north-up grid in a projected CRS: the run grid of a simulation.
#include <cstddef>
#include <cstdint>
#include <string>

namespace alamod::grids {

struct GridSpec {
  std::string crs;        ///< CRS as the user gave it (e.g. "EPSG:2154")
  std::string crs_wkt;    ///< resolved WKT (filled by resolve())
  double x_min = 0.0;     ///< west edge (m)
  double y_max = 0.0;     ///< north edge (m)
  double resolution = 0.0;  ///< cell size (m)
  int nx = 0;             ///< columns
  int ny = 0;             ///< rows (row 0 at the north edge)

  /// Build from edges; throws InputError if the extent is not a whole number of cells.
  static GridSpec from_extent(const std::string& crs, double x_min, double y_min, double x_max, double y_max,
                              double resolution);
  double x_center(int col) const { return x_min + (col + 0.5) * resolution; }
  double y_center(int row) const { return y_max - (row + 0.5) * resolution; }
  double y_min() const { return y_max - ny * resolution; }
  double x_max() const { return x_min + nx * resolution; }
  std::int64_t cells() const { return static_cast<std::int64_t>(nx) * ny; }
  /// Cell label for messages: "cell (row 12, col 40; x=404000 m, y=6996000 m)".
  std::string describe_cell(std::int64_t linear_index) const;
};

}  // namespace alamod::grids
