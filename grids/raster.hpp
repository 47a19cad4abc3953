#pragma once
/// Static raster layers through GDAL: any format GDAL reads, any CRS PROJ can
/// transform, any resolution; warped to (a row window of) the run grid.
#include <cstdint>
#include <string>
#include <vector>

#include "grids/grid_spec.hpp"

namespace alamod::grids {

enum class Resampling { nearest, bilinear, average, mode };

/// Parse "nearest", "bilinear", "average" or "mode"; throws InputError otherwise.
Resampling parse_resampling(const std::string& name, const std::string& context);

/// A row window of the run grid, warped from one raster band. Cells with no
/// data in the source hold `nodata` (NaN by default).
struct RasterWindow {
  int row0 = 0;   ///< first grid row
  int nrows = 0;  ///< rows in the window
  int nx = 0;     ///< columns (the whole grid width)
  std::vector<double> values;  ///< row-major, nrows * nx
  double at(int row, int col) const { return values[static_cast<std::size_t>(row - row0) * nx + col]; }
};

/// Read rows [row0, row0 + nrows) of `grid` from band 1 of `path`. Throws
/// InputError naming the file when it is missing, unreadable, has no CRS, or
/// its CRS cannot be transformed to the grid's.
RasterWindow read_raster_window(const std::string& path, const GridSpec& grid, int row0, int nrows,
                                Resampling resampling);

/// "" when `path` is a regular file (links followed) or nothing at all (its reader then says it is missing);
/// otherwise what it is: "a folder", "a named pipe", "a character device", "a block device", "a socket".
/// Readers refuse such paths up front: opening a named pipe without a writer blocks forever.
std::string non_regular_file_kind(const std::string& path);

/// For each cell of rows [row0, row0 + nrows) of `grid` (row-major), 1 when its centre lies outside the
/// extent of the raster `path` (its pixels, in its own CRS), where read_raster_window gives no data
/// whatever the raster holds. Throws InputError like read_raster_window when the raster cannot be opened.
std::vector<std::uint8_t> outside_raster(const std::string& path, const GridSpec& grid, int row0, int nrows);

/// SHA-256 of a file (hex), for provenance.
std::string file_sha256(const std::string& path);

}  // namespace alamod::grids
