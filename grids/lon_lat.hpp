#pragma once
/// Longitude and latitude (WGS 84, degrees east and north) of the run grid, through GDAL/PROJ: the
/// geographic extent in the output's discovery attributes and the lat/lon of every output cell.
#include <cstdint>
#include <vector>

#include "grids/grid_spec.hpp"

namespace alamod::grids {

/// Longitude and latitude range of a grid (degrees).
struct LonLatExtent {
  double lat_min = 90, lat_max = -90, lon_min = 180, lon_max = -180;  ///< empty (min > max) until set
};

/// The range of the grid's outer edge (cell corners), so that it holds every cell whole; left empty
/// when GDAL cannot transform the grid's CRS to longitude/latitude.
LonLatExtent lon_lat_extent(const GridSpec& grid);

/// Centres and vertices of a run of cells of the grid (degrees).
struct CellLonLat {
  std::vector<double> lon, lat;                ///< [out] cell centres, one per cell
  std::vector<double> vertex_lon, vertex_lat;  ///< [out] 4 per cell: SW, SE, NE, NW (counter-clockwise)
};

/// Centres and vertices of the cells [begin, end) of the grid's row-major linear index. Neighbouring
/// cells share corners, so the (rows + 1) x (nx + 1) corners of the rows are transformed once.
/// Throws std::runtime_error when GDAL cannot transform the grid's CRS to longitude/latitude.
CellLonLat cell_lon_lat(const GridSpec& grid, std::int64_t begin, std::int64_t end);

}  // namespace alamod::grids
