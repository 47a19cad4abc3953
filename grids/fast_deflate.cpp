#include "grids/fast_deflate.hpp"

#include <hdf5.h>
#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

// HDF5's public H5Zregister refuses the ids below 256 (its predefined filters). The library's
// internal registration function replaces an entry of the filter table; it is exported by the
// HDF5 1.8-1.14 shared libraries but is not public API, so it is looked up as a weak symbol:
// where it is missing, HDF5's own zlib filter stays in place.
extern "C" herr_t H5Z_register(const H5Z_class2_t* cls) __attribute__((weak));

namespace alamod::grids {

namespace {

bool g_active = false;
double g_deflate_seconds = 0.0;  // compression only (HDF5 calls filters from one thread)
std::atomic<bool> g_low_bytes_by_runs{false};  // set_low_bytes

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

// ---- Coding by runs (RFC 1951 blocks written directly) ---------------------------------------

/// Bits into bytes, least significant bit first, as deflate packs them.
class BitWriter {
 public:
  BitWriter(std::uint8_t* out, size_t cap) : out_(out), cap_(cap) {}
  void put(std::uint32_t bits, int n) {
    acc_ |= static_cast<std::uint64_t>(bits) << fill_;
    fill_ += n;
    while (fill_ >= 8) {
      byte(static_cast<std::uint8_t>(acc_));
      acc_ >>= 8;
      fill_ -= 8;
    }
  }
  void align() {
    if (fill_ > 0) put(0, 8 - fill_);
  }
  bool aligned() const { return fill_ == 0; }
  void bytes(const std::uint8_t* p, size_t n) {  // only when aligned
    if (pos_ + n <= cap_) std::memcpy(out_ + pos_, p, n);
    pos_ += n;
  }
  size_t size() const { return pos_; }
  bool overflowed() const { return pos_ > cap_; }

 private:
  void byte(std::uint8_t b) {
    if (pos_ < cap_) out_[pos_] = b;
    ++pos_;
  }
  std::uint8_t* out_;
  size_t cap_, pos_ = 0;
  std::uint64_t acc_ = 0;
  int fill_ = 0;
};

/// Huffman codes go into the stream most significant bit first.
std::uint32_t reversed(std::uint32_t code, int len) {
  std::uint32_t r = 0;
  for (int i = 0; i < len; ++i, code >>= 1) r = (r << 1) | (code & 1u);
  return r;
}

/// A literal/length symbol (0-287) in the fixed Huffman code (RFC 1951, 3.2.6).
void fixed_symbol(BitWriter& w, unsigned sym) {
  if (sym < 144) w.put(reversed(0x30 + sym, 8), 8);
  else if (sym < 256) w.put(reversed(0x190 + sym - 144, 9), 9);
  else if (sym < 280) w.put(reversed(sym - 256, 7), 7);
  else w.put(reversed(0xC0 + sym - 280, 8), 8);
}

/// A match of `len` (3-258) bytes at distance 1 in the fixed code.
void fixed_match_distance_1(BitWriter& w, unsigned len) {
  static constexpr unsigned base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                        31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr int extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  int i = 28;
  while (base[i] > len) --i;
  fixed_symbol(w, 257 + static_cast<unsigned>(i));
  if (extra[i] > 0) w.put(len - base[i], extra[i]);
  w.put(0, 5);  // distance code 0 (distance 1), five bits, no extra bits
}

/// Stored blocks (not final) for p[0, n): at most 65,535 bytes each.
void stored(BitWriter& w, const std::uint8_t* p, size_t n) {
  while (n > 0) {
    const size_t k = std::min<size_t>(n, 65535);
    w.put(0, 3);  // BFINAL 0, BTYPE 00
    w.align();
    const std::uint8_t len[4] = {static_cast<std::uint8_t>(k), static_cast<std::uint8_t>(k >> 8),
                                 static_cast<std::uint8_t>(~k), static_cast<std::uint8_t>(~k >> 8)};
    w.bytes(len, 4);
    w.bytes(p, k);
    p += k;
    n -= k;
  }
}

/// A fixed-Huffman block (not final) for `len` copies of byte `v`: one literal, then matches at distance 1.
void run_block(BitWriter& w, std::uint8_t v, size_t len) {
  w.put(0 | (1u << 1), 3);  // BFINAL 0, BTYPE 01
  fixed_symbol(w, v);
  size_t left = len - 1;
  while (left >= 3) {
    size_t m = std::min<size_t>(left, 258);
    if (left - m > 0 && left - m < 3) m = left - 3;  // leave no 1- or 2-byte tail
    fixed_match_distance_1(w, static_cast<unsigned>(m));
    left -= m;
  }
  for (; left > 0; --left) fixed_symbol(w, v);
  fixed_symbol(w, 256);  // end of block
}

/// Non-final deflate blocks for in[0, n), byte-aligned at the end.
void code_by_runs(BitWriter& w, const std::uint8_t* in, size_t n) {
  constexpr size_t kMinRun = 16;  // shorter runs cost more as blocks than stored
  size_t lit = 0, i = 0;         // in[lit, i) not yet written
  while (i < n) {
    const std::uint8_t v = in[i];
    size_t j = i + 1;
    while (j < n && in[j] == v) ++j;
    if (j - i >= kMinRun) {
      stored(w, in + lit, i - lit);
      run_block(w, v, j - i);
      lit = j;
    }
    i = j;
  }
  stored(w, in + lit, n - lit);
  if (!w.aligned()) {  // an empty stored block aligns the stream for the bytes that follow
    w.put(0, 3);
    w.align();
    const std::uint8_t empty[4] = {0, 0, 0xff, 0xff};
    w.bytes(empty, 4);
  }
}

size_t zlib_bound(libdeflate_compressor* c, size_t n) {
  // stored blocks add 5 bytes per 65,535 and a run of >= 16 bytes never takes more than its length
  return libdeflate_zlib_compress_bound(c, n) + n / 65535 * 5 + 64;
}

/// The zlib stream of in[0, n) with its first `runs_bytes` coded by runs; 0 when `cap` is too small.
size_t compress_into(libdeflate_compressor* c, const std::uint8_t* in, size_t n, size_t runs_bytes, std::uint8_t* out,
                     size_t cap) {
  if (runs_bytes == 0) return libdeflate_zlib_compress(c, in, n, out, cap);
  runs_bytes = std::min(runs_bytes, n);
  if (cap < 6) return 0;
  out[0] = 0x78;  // deflate, 32 KiB window
  out[1] = 0x01;  // fastest; (0x78 << 8 | 0x01) is a multiple of 31 (RFC 1950 FCHECK)
  BitWriter w(out + 2, cap - 6);
  code_by_runs(w, in, runs_bytes);
  if (w.overflowed()) return 0;
  size_t pos = 2 + w.size();
  if (runs_bytes < n) {
    const size_t k = libdeflate_deflate_compress(c, in + runs_bytes, n - runs_bytes, out + pos, cap - 4 - pos);
    if (k == 0) return 0;
    pos += k;
  } else {  // an empty final block
    BitWriter last(out + pos, cap - 4 - pos);
    last.put(1 | (1u << 1), 3);
    fixed_symbol(last, 256);
    last.align();
    if (last.overflowed()) return 0;
    pos += last.size();
  }
  const std::uint32_t adler = libdeflate_adler32(1, in, n);
  for (int s = 24; s >= 0; s -= 8) out[pos++] = static_cast<std::uint8_t>(adler >> s);
  return pos;
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
  // the shuffled chunk's first half: the low-order bytes of its values (exactly half the planes)
  const size_t runs_bytes = g_low_bytes_by_runs.load(std::memory_order_relaxed) ? nbytes / 2 : 0;
  const size_t bound = zlib_bound(c, nbytes);
  void* out = H5allocate_memory(bound, false);
  if (!out) return 0;
  const size_t n =
      compress_into(c, static_cast<const std::uint8_t*>(*buf), nbytes, runs_bytes, static_cast<std::uint8_t*>(out), bound);
  if (n == 0) {
    H5free_memory(out);
    return 0;
  }
  H5free_memory(*buf);
  *buf = out;
  *buf_size = bound;
  return n;
}

// ---- HDF5's shuffle filter (id 2) ---------------------------------------------------------------
// HDF5's own shuffle copies one byte at a time with the element size as stride (~1 byte per cycle:
// 3-4 % of a 1 km run). The same byte planes from whole-word loads and stores, for 4- and 8-byte
// values on this little-endian target; other sizes take the plain loop. The planes are the same
// bytes as HDF5's (test_fast_deflate), so files and readers do not change.

template <class Word>
void shuffle_words(const std::uint8_t* in, std::uint8_t* out, size_t m) {
  constexpr size_t E = sizeof(Word);
  for (size_t i = 0; i < m; ++i) {
    Word v;
    std::memcpy(&v, in + E * i, E);
    for (size_t b = 0; b < E; ++b) out[b * m + i] = static_cast<std::uint8_t>(v >> (8 * b));
  }
}

template <class Word>
void unshuffle_words(const std::uint8_t* in, std::uint8_t* out, size_t m) {
  constexpr size_t E = sizeof(Word);
  for (size_t i = 0; i < m; ++i) {
    Word v = 0;
    for (size_t b = 0; b < E; ++b) v |= static_cast<Word>(in[b * m + i]) << (8 * b);
    std::memcpy(out + E * i, &v, E);
  }
}

void shuffle_bytes(const std::uint8_t* in, std::uint8_t* out, size_t elem, size_t m, bool reverse) {
  constexpr bool little = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
  if (little && elem == 4) return reverse ? unshuffle_words<std::uint32_t>(in, out, m) : shuffle_words<std::uint32_t>(in, out, m);
  if (little && elem == 8) return reverse ? unshuffle_words<std::uint64_t>(in, out, m) : shuffle_words<std::uint64_t>(in, out, m);
  for (size_t i = 0; i < m; ++i)
    for (size_t b = 0; b < elem; ++b) {
      if (reverse) out[i * elem + b] = in[b * m + i];
      else out[b * m + i] = in[i * elem + b];
    }
}

/// H5Z_set_local_func_t: records the element size in the filter's one parameter, as HDF5's does.
herr_t shuffle_set_local(hid_t dcpl, hid_t type, hid_t /*space*/) {
  unsigned flags = 0, cd[1] = {0};
  size_t n = 0;
  if (H5Pget_filter_by_id2(dcpl, H5Z_FILTER_SHUFFLE, &flags, &n, cd, 0, nullptr, nullptr) < 0) return -1;
  const size_t size = H5Tget_size(type);
  if (size == 0) return -1;
  cd[0] = static_cast<unsigned>(size);
  return H5Pmodify_filter(dcpl, H5Z_FILTER_SHUFFLE, flags, 1, cd);
}

/// The H5Z_func_t of filter id 2, byte for byte HDF5's: elements of cd_values[0] bytes, trailing
/// bytes of an incomplete element left in place at the end.
size_t shuffle_filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes, size_t* buf_size,
                      void** buf) {
  if (cd_nelmts != 1 || cd_values[0] == 0) return 0;
  const size_t elem = cd_values[0], m = nbytes / elem;
  if (elem == 1 || m <= 1) return nbytes;
  const bool reverse = (flags & H5Z_FLAG_REVERSE) != 0;
  const auto t0 = std::chrono::steady_clock::now();
  void* out = H5allocate_memory(nbytes, false);
  if (!out) return 0;
  const auto* in = static_cast<const std::uint8_t*>(*buf);
  auto* o = static_cast<std::uint8_t*>(out);
  shuffle_bytes(in, o, elem, m, reverse);
  if (const size_t tail = nbytes - m * elem) std::memcpy(o + m * elem, in + m * elem, tail);
  H5free_memory(*buf);
  *buf = out;
  *buf_size = nbytes;
  if (!reverse) g_deflate_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return nbytes;
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
    static const H5Z_class2_t shuffle = {H5Z_CLASS_T_VERS, H5Z_FILTER_SHUFFLE, 1, 1, "shuffle (alamod)",
                                         nullptr,          shuffle_set_local,  shuffle_filter};
    if (!H5Z_register) return;  // not exported by this HDF5: keep zlib
    if (H5open() < 0) throw std::runtime_error("HDF5 failed to initialise");
    // Registering an id that HDF5 already knows replaces its entry.
    if (H5Z_register(&cls) < 0) throw std::runtime_error("HDF5 refused the libdeflate deflate filter");
    if (H5Z_register(&shuffle) < 0) throw std::runtime_error("HDF5 refused the shuffle filter");
    g_active = true;
  });
}

double deflate_seconds() { return g_deflate_seconds; }

void set_low_bytes(LowBytes mode) { g_low_bytes_by_runs.store(mode == LowBytes::runs, std::memory_order_relaxed); }

std::vector<std::uint8_t> shuffle(const std::uint8_t* in, std::size_t n, std::size_t element_size, bool reverse) {
  if (element_size == 0) throw std::invalid_argument("shuffle: element size 0");
  std::vector<std::uint8_t> out(in, in + n);
  const size_t m = n / element_size;
  if (element_size > 1 && m > 1) shuffle_bytes(in, out.data(), element_size, m, reverse);
  return out;
}

std::vector<std::uint8_t> zlib_compress(const std::uint8_t* in, std::size_t n, int level, std::size_t runs_bytes) {
  libdeflate_compressor* c = compressor(level);
  if (!c) throw std::invalid_argument("zlib_compress: no libdeflate compressor for level " + std::to_string(level));
  std::vector<std::uint8_t> out(zlib_bound(c, n));
  const size_t k = compress_into(c, in, n, runs_bytes, out.data(), out.size());
  if (k == 0) throw std::logic_error("zlib_compress: the bound was too small");
  out.resize(k);
  return out;
}

std::string deflate_implementation() {
  return g_active ? std::string("libdeflate ") + LIBDEFLATE_VERSION_STRING + ", shuffle by word"
                  : "zlib (HDF5 built-in)";
}

}  // namespace alamod::grids
