#pragma once
/// HDF5's deflate filter (filter id 1), served by libdeflate instead of zlib.
///
/// The compressed chunks are ordinary zlib streams (RFC 1950), so every reader of
/// deflated NetCDF-4/HDF5 (netCDF-C, h5py, xarray, CDO, GDAL) decodes them with
/// its own zlib; only the writer is faster (libdeflate's level 1 compresses the
/// France output about twice as fast as zlib's). Reading through the replaced
/// filter decodes any zlib stream, including those written by zlib.
#include <string>

namespace alamod::grids {

/// Register the libdeflate-backed filter with HDF5 in this process (idempotent).
/// Set ALAMOD_DEFLATE=zlib in the environment to keep HDF5's own zlib filter.
void use_fast_deflate();

/// Seconds this process has spent compressing chunks through the libdeflate filter (0 when HDF5's
/// own zlib compresses: that time is not visible here).
double deflate_seconds();

/// "libdeflate 1.14" or "zlib (HDF5 built-in)": which implementation compresses.
std::string deflate_implementation();

}  // namespace alamod::grids
