#include "grids/lon_lat.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include <ogr_spatialref.h>

namespace alamod::grids {

namespace {

/// The transformation from the grid's CRS to longitude/latitude (x = longitude, y = latitude); null
/// when GDAL has none.
std::unique_ptr<OGRCoordinateTransformation> to_lon_lat(const GridSpec& grid) {
  OGRSpatialReference src, wgs;
  src.SetFromUserInput(grid.crs_wkt.c_str());
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  wgs.SetFromUserInput("EPSG:4326");
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  return std::unique_ptr<OGRCoordinateTransformation>(OGRCreateCoordinateTransformation(&src, &wgs));
}

}  // namespace

LonLatExtent lon_lat_extent(const GridSpec& g) {
  LonLatExtent extent;
  const auto ct = to_lon_lat(g);
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
      extent.lon_min = std::min(extent.lon_min, xs[k]);
      extent.lon_max = std::max(extent.lon_max, xs[k]);
      extent.lat_min = std::min(extent.lat_min, ys[k]);
      extent.lat_max = std::max(extent.lat_max, ys[k]);
    }
  }
  return extent;
}

CellLonLat cell_lon_lat(const GridSpec& g, std::int64_t begin, std::int64_t end) {
  const auto ct = to_lon_lat(g);
  const size_t n = static_cast<size_t>(end - begin);
  CellLonLat out;
  out.lon.resize(n);
  out.lat.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::int64_t k = begin + static_cast<std::int64_t>(i);
    out.lon[i] = g.x_center(static_cast<int>(k % g.nx));
    out.lat[i] = g.y_center(static_cast<int>(k / g.nx));
  }
  if (n > 0 && (!ct || !ct->Transform(static_cast<int>(n), out.lon.data(), out.lat.data())))
    throw std::runtime_error("cannot compute latitude/longitude of the grid");
  out.vertex_lon.resize(4 * n);
  out.vertex_lat.resize(4 * n);
  if (n == 0) return out;
  const std::int64_t row0 = begin / g.nx, row1 = (end - 1) / g.nx + 1;  // rows [row0, row1)
  const size_t ncx = static_cast<size_t>(g.nx) + 1, ncy = static_cast<size_t>(row1 - row0) + 1;
  std::vector<double> clon(ncx * ncy), clat(ncx * ncy);
  for (size_t r = 0; r < ncy; ++r)
    for (size_t c = 0; c < ncx; ++c) {
      clon[r * ncx + c] = g.x_min + static_cast<double>(c) * g.resolution;
      clat[r * ncx + c] = g.y_max - static_cast<double>(row0 + static_cast<std::int64_t>(r)) * g.resolution;
    }
  if (!ct->Transform(static_cast<int>(clon.size()), clon.data(), clat.data()))
    throw std::runtime_error("cannot compute the cell vertices of the grid");
  for (size_t i = 0; i < n; ++i) {
    const std::int64_t k = begin + static_cast<std::int64_t>(i);
    const size_t r = static_cast<size_t>(k / g.nx - row0), c = static_cast<size_t>(k % g.nx);
    // SW, SE (corner row below the cell), NE, NW (corner row above)
    const size_t corner[4] = {(r + 1) * ncx + c, (r + 1) * ncx + c + 1, r * ncx + c + 1, r * ncx + c};
    for (int v = 0; v < 4; ++v) {
      out.vertex_lon[4 * i + v] = clon[corner[v]];
      out.vertex_lat[4 * i + v] = clat[corner[v]];
    }
  }
  return out;
}

}  // namespace alamod::grids
