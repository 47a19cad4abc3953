#include "grids/grid_spec.hpp"

#include <cmath>
#include <cstdio>

#include <ogr_spatialref.h>

#include "grids/input_error.hpp"

namespace alamod::grids {

GridSpec GridSpec::from_extent(const std::string& crs, double x_min, double y_min, double x_max, double y_max,
                               double resolution) {
  if (!(resolution > 0.0)) throw InputError("grid: resolution must be > 0 m, got " + std::to_string(resolution));
  if (!(x_max > x_min) || !(y_max > y_min)) throw InputError("grid: extent must have x_max > x_min and y_max > y_min");
  const double fx = (x_max - x_min) / resolution, fy = (y_max - y_min) / resolution;
  if (std::fabs(fx - std::round(fx)) > 1e-9 * fx || std::fabs(fy - std::round(fy)) > 1e-9 * fy)
    throw InputError("grid: the extent is not a whole number of " + std::to_string(resolution) + " m cells");
  GridSpec g;
  g.crs = crs;
  g.x_min = x_min;
  g.y_max = y_max;
  g.resolution = resolution;
  g.nx = static_cast<int>(std::lround(fx));
  g.ny = static_cast<int>(std::lround(fy));
  OGRSpatialReference srs;
  if (srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE)
    throw InputError("grid: crs '" + crs + "' is not a CRS that GDAL/PROJ knows (expected e.g. \"EPSG:2154\")");
  if (!srs.IsProjected())
    throw InputError("grid: crs '" + crs + "' is not a projected CRS in metres (expected e.g. \"EPSG:2154\")");
  char* wkt = nullptr;
  const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
  srs.exportToWkt(&wkt, opts);
  g.crs_wkt = wkt;
  CPLFree(wkt);
  return g;
}

std::string GridSpec::describe_cell(std::int64_t linear_index) const {
  const int row = static_cast<int>(linear_index / nx), col = static_cast<int>(linear_index % nx);
  char buf[160];
  std::snprintf(buf, sizeof buf, "cell (row %d, col %d; x=%.0f m, y=%.0f m)", row, col, x_center(col), y_center(row));
  return buf;
}

}  // namespace alamod::grids
