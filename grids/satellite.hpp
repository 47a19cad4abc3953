#pragma once
/// Satellite fAPAR / NDVI images through GDAL, in the formats users have (docs/VEGETATION.md, "Satellite
/// inputs"):
///   - MODIS HDF4-EOS granules (MOD13 NDVI, MOD15 FPAR, MOD09 reflectance): a sub-dataset by name, its
///     scale_factor / add_offset / _FillValue / valid_range, a QC sub-dataset with a bit rule. A zipped
///     granule (.hdf.zip) is unpacked to a temporary file first (the HDF4 library reads no GDAL virtual file).
///   - Copernicus Global Land NetCDF (NDVI, FAPAR): a variable of digital numbers with scale_factor and
///     add_offset (GDAL's NETCDF:"file":VAR).
///   - GeoTIFF (one file per date, or one band per date): the scale and offset of the band, or given.
/// Values come back physical (NaN where missing), in the image's own grid; warp_image_to_grid puts them on
/// a run grid. Every refusal is an InputError naming the file (and sub-dataset, pixel, value).
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "grids/grid_spec.hpp"
#include "grids/raster.hpp"

namespace alamod::grids {

/// What is read and how raw numbers become physical values.
struct SatelliteReadOptions {
  std::string variable;  ///< HDF4-EOS sub-dataset field ("sur_refl_b01", "500m 16 days NDVI", "Fpar_500m") or
                         ///< NetCDF variable ("NDVI"); empty: a GeoTIFF's band
  int band = 1;          ///< band of a GeoTIFF (1-based)
  double scale = std::numeric_limits<double>::quiet_NaN();   ///< physical = (raw - offset_raw) ... see below;
                                                             ///< NaN: from the file
  double offset = std::numeric_limits<double>::quiet_NaN();  ///< NaN: from the file
  double nodata = std::numeric_limits<double>::quiet_NaN();  ///< raw value meaning "no data"; NaN: from the file
  /// QC: a second sub-dataset/variable of the same file and the bits that must read `qc_good` under
  /// `qc_mask` for a pixel to be kept (e.g. MOD09A1 sur_refl_state_500m, mask 3, good 0: cloud state clear).
  std::string qc_variable;
  std::uint32_t qc_mask = 0, qc_good = 0;
  /// The physical range a valid value must lie in; a value outside (after the fill value and the raw valid
  /// range are removed) is refused with its pixel: fAPAR [0, 1], NDVI [-1, 1].
  double valid_min = -std::numeric_limits<double>::infinity();
  double valid_max = std::numeric_limits<double>::infinity();
  std::string quantity = "value";  ///< name in messages ("fAPAR", "NDVI")
};

/// One image in its own georeferencing.
struct SatelliteImage {
  std::string source;  ///< the GDAL name read (file, or HDF4_EOS:EOS_GRID:"file":grid:field)
  int nx = 0, ny = 0;
  double geotransform[6] = {0, 1, 0, 0, 0, -1};
  std::string crs_wkt;
  std::vector<double> values;  ///< physical values, row-major, NaN where missing or flagged by QC
  std::size_t flagged = 0;     ///< pixels removed by the QC rule
  double scale = 1, offset = 0;  ///< what was applied: physical = raw * scale + offset
  std::size_t valid() const;     ///< pixels with a value
};

/// Reads one image. Refuses (InputError): a missing or unreadable file, an unknown sub-dataset (listing
/// those there are), no georeferencing (no geotransform or no CRS), a value outside [valid_min, valid_max].
SatelliteImage read_satellite_image(const std::string& path, const SatelliteReadOptions& options);

/// The image averaged onto `grid` (every grid cell the mean of the valid pixels it covers, GDAL "average";
/// NaN where none). Row-major, grid.ny * grid.nx.
std::vector<double> warp_image_to_grid(const SatelliteImage& image, const GridSpec& grid,
                                       Resampling resampling = Resampling::average);

/// A one-cell grid of `cell` m around (lon, lat) degrees in ETRS89-LAEA (EPSG:3035, Europe), to read a
/// satellite series at a site; InputError if the point is not on Earth.
GridSpec point_grid(double lon, double lat, double cell);

/// Writes `bands` fields of `grid` (band-major: values[b * cells + c], NaN = no data) as one Float32 GeoTIFF
/// (deflate), band b described as descriptions[b]; written under a temporary name in the same folder and
/// renamed into place, so a failure leaves nothing at `path`. InputError naming the path when it cannot.
void write_grid_geotiff(const std::string& path, const GridSpec& grid, const std::vector<double>& values,
                        const std::vector<std::string>& descriptions);

/// The acquisition date (year, day of year) written in a file name: MODIS "A2017193", "..._2016_193.tif" or
/// a Copernicus "201606210000"; false when there is none.
bool date_from_file_name(const std::string& path, int& year, int& day_of_year);

}  // namespace alamod::grids
