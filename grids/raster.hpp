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

/// The area share of each class among the classified pixels of the categorical raster `path` in each cell of
/// rows [row0, row0 + nrows) of `grid` (one window per class, in the order of `codes`; NaN where the cell holds
/// no classified pixel): GDAL's average of each class's indicator, the raster's nodata left out. Throws
/// InputError naming the file, the code and the pixel when a pixel holds a code that is not in `codes`
/// (`names`: the classes' names, for the message), and like read_raster_window when it cannot be warped.
std::vector<RasterWindow> read_class_shares(const std::string& path, const GridSpec& grid, int row0, int nrows,
                                            const std::vector<int>& codes, const std::vector<std::string>& names);
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
