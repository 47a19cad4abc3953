#include "grids/fast_deflate.hpp"

#include <hdf5.h>
#include <libdeflate.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

// HDF5's public H5Zregister refuses the ids below 256 (its predefined filters). The library's
// internal registration function replaces an entry of the filter table; it is exported by the
// HDF5 1.8-1.14 shared libraries but is not public API, so it is looked up as a weak symbol:
// where it is missing, HDF5's own zlib filter stays in place.
extern "C" herr_t H5Z_register(const H5Z_class2_t* cls) __attribute__((weak));

namespace alamod::grids {

namespace {

bool g_active = false;
double g_deflate_seconds = 0.0;  // compression only (HDF5 calls filters from one thread)

/// One compressor per compression level, per thread (libdeflate objects are not thread safe).
libdeflate_compressor* compressor(int level) {
  struct Cache {
    libdeflate_compressor* c[13] = {};
    ~Cache() {
      for (auto* p : c)
        if (p) libdeflate_free_compressor(p);
    }
  };
  thread_local Cache cache;
  if (!cache.c[level]) cache.c[level] = libdeflate_alloc_compressor(level);
  return cache.c[level];
}

libdeflate_decompressor* decompressor() {
  struct Holder {
    libdeflate_decompressor* d = libdeflate_alloc_decompressor();
    ~Holder() {
      if (d) libdeflate_free_decompressor(d);
    }
  };
  thread_local Holder h;
  return h.d;
}

/// The H5Z_func_t of filter id 1. Returns the number of valid bytes in *buf, 0 on failure
/// (HDF5 then skips the optional filter for the chunk when writing, or reports the error when reading).
size_t deflate_filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes, size_t* buf_size,
                      void** buf) {
  if (flags & H5Z_FLAG_REVERSE) {
    libdeflate_decompressor* d = decompressor();
    if (!d) return 0;
    size_t cap = std::max<size_t>(nbytes * 4, 4096);
    for (int attempt = 0; attempt < 24; ++attempt, cap *= 2) {
      void* out = H5allocate_memory(cap, false);
      if (!out) return 0;
      size_t used_in = 0, produced = 0;
      const libdeflate_result r = libdeflate_zlib_decompress_ex(d, *buf, nbytes, out, cap, &used_in, &produced);
      if (r == LIBDEFLATE_SUCCESS) {
        H5free_memory(*buf);
        *buf = out;
        *buf_size = cap;
        return produced;
      }
      H5free_memory(out);
      if (r != LIBDEFLATE_INSUFFICIENT_SPACE) return 0;  // corrupt stream
    }
    return 0;
  }
  const auto t0 = std::chrono::steady_clock::now();
  struct Timer {
    std::chrono::steady_clock::time_point t0;
    ~Timer() { g_deflate_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); }
  } timer{t0};
  int level = cd_nelmts > 0 ? static_cast<int>(cd_values[0]) : 6;
  if (level < 0 || level > 9) return 0;
  libdeflate_compressor* c = compressor(level);
  if (!c) return 0;
  const size_t bound = libdeflate_zlib_compress_bound(c, nbytes);
  void* out = H5allocate_memory(bound, false);
  if (!out) return 0;
  const size_t n = libdeflate_zlib_compress(c, *buf, nbytes, out, bound);
  if (n == 0) {
    H5free_memory(out);
    return 0;
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = bound;
  return n;
}

}  // namespace

void use_fast_deflate() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("ALAMOD_DEFLATE");
    if (env && std::strcmp(env, "zlib") == 0) return;
    if (env && *env && std::strcmp(env, "libdeflate") != 0)
      throw std::runtime_error(std::string("ALAMOD_DEFLATE must be 'libdeflate' (default) or 'zlib', got '") + env +
                               "'");
    static const H5Z_class2_t cls = {H5Z_CLASS_T_VERS, H5Z_FILTER_DEFLATE, 1, 1, "deflate (libdeflate)",
                                     nullptr,          nullptr,            deflate_filter};
    if (!H5Z_register) return;  // not exported by this HDF5: keep zlib
    if (H5open() < 0) throw std::runtime_error("HDF5 failed to initialise");
    // Registering an id that HDF5 already knows replaces its entry.
    if (H5Z_register(&cls) < 0) throw std::runtime_error("HDF5 refused the libdeflate deflate filter");
    g_active = true;
  });
}

double deflate_seconds() { return g_deflate_seconds; }

std::string deflate_implementation() {
  return g_active ? std::string("libdeflate ") + LIBDEFLATE_VERSION_STRING : "zlib (HDF5 built-in)";
}

}  // namespace alamod::grids
