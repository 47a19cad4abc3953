#pragma once
/// `alamod vegetation satellite`: a monthly fAPAR or NDVI series at a site from satellite files (MODIS HDF4-EOS,
/// Copernicus NetCDF, GeoTIFF), through grids/satellite (reading, scale, QC, georeferencing) and
/// satellite_series (the gap rule, months); the CSV it writes is the fapar/ndvi column of a LUE forcing.
#include <limits>
#include <string>
#include <vector>

namespace alamod::engine::vegetation {

struct SatelliteCommandOptions {
  std::vector<std::string> files;  ///< one composite per file (date from the file name)
  std::string variable, qc_variable, quantity = "fapar";
  int band = 1, composite_days = 16;
  double scale = std::numeric_limits<double>::quiet_NaN(), offset = std::numeric_limits<double>::quiet_NaN(),
         nodata = std::numeric_limits<double>::quiet_NaN();
  unsigned qc_mask = 0, qc_good = 0;
  double lon = std::numeric_limits<double>::quiet_NaN(), lat = std::numeric_limits<double>::quiet_NaN();
  double cell = 1000;  ///< m
  /// A grid instead of a site: "CRS XMIN YMIN XMAX YMAX RESOLUTION" (projected, m); the output is then a
  /// GeoTIFF, one band per month.
  std::string grid;
  int year = 0, month = 1, months = 12;
  double max_gap = 48;  ///< days
  std::string out;
};

/// Reads, fills and writes (a CSV at a site, a GeoTIFF of months on a grid); InputError for bad input (naming the file).
void run_satellite_command(const SatelliteCommandOptions& o);

}  // namespace alamod::engine::vegetation
