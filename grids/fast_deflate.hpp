#pragma once
/// HDF5's deflate filter (filter id 1), served by libdeflate instead of zlib, and its shuffle filter
/// (id 2) by whole-word loads instead of byte-strided copies.
///
/// The compressed chunks are ordinary zlib streams (RFC 1950), so every reader of
/// deflated NetCDF-4/HDF5 (netCDF-C, h5py, xarray, CDO, GDAL) decodes them with
/// its own zlib; only the writer is faster (libdeflate's level 1 compresses the
/// France output about twice as fast as zlib's). Reading through the replaced
/// filter decodes any zlib stream, including those written by zlib.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace alamod::grids {

/// Register both filters with HDF5 in this process (idempotent). Set ALAMOD_DEFLATE=zlib in the
/// environment to keep HDF5's own zlib and shuffle filters.
void use_fast_deflate();

/// Seconds this process has spent shuffling and compressing chunks through these filters (0 when
/// HDF5's own filters run: that time is not visible here).
double deflate_seconds();

/// "libdeflate 1.14" or "zlib (HDF5 built-in)": which implementation compresses.
std::string deflate_implementation();

/// How the filter codes the low-order half of the bytes of each value. After HDF5's shuffle filter a
/// chunk holds the byte planes of its values one after the other, least significant first, so the
/// low-order half of the bytes is the first half of the chunk: the noisy end of the mantissa, on
/// which deflate spends half its time for little gain apart from runs of equal bytes (the sea's fill
/// values).
///  - `deflate` (default): the whole chunk through libdeflate;
///  - `runs`: the first half coded by runs: runs of >= 16 equal bytes become deflate matches at
///    distance 1 (fixed-Huffman blocks), the bytes between them stored; the second half through
///    libdeflate. Still one standard zlib stream, which any reader decodes.
/// Applies to the chunks this process compresses from now on.
enum class LowBytes { deflate, runs };
void set_low_bytes(LowBytes mode);

/// The byte planes of `n` bytes of `element_size`-byte values as the shuffle filter writes them
/// (reverse: back to values); trailing bytes of an incomplete value stay in place. For tests.
std::vector<std::uint8_t> shuffle(const std::uint8_t* in, std::size_t n, std::size_t element_size, bool reverse);

/// The zlib stream (RFC 1950) the filter writes for `n` bytes when the first `runs_bytes` of them
/// are coded by runs and the rest by libdeflate at `level` (runs_bytes 0: plain libdeflate).
/// Exposed for tests and benchmarks.
std::vector<std::uint8_t> zlib_compress(const std::uint8_t* in, std::size_t n, int level, std::size_t runs_bytes);

}  // namespace alamod::grids
