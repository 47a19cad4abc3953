// The output filter's zlib streams: with the low-order bytes coded by runs (fixed-Huffman blocks of
// distance-1 matches and stored blocks, written by alamod) and the rest by libdeflate, every stream
// must decode with zlib itself (the decoder of HDF5, netCDF-C, h5py, CDO and GDAL) to the input bytes,
// whatever the runs' lengths, the split and the size. Runs must also make the stream smaller than
// the stored bytes (the sea's fill values), and coding by runs must not touch the bytes after the split.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <random>
#include <vector>

#include "grids/fast_deflate.hpp"

namespace g = alamod::grids;

namespace {

std::vector<std::uint8_t> inflate_with_zlib(const std::vector<std::uint8_t>& z, size_t n) {
  std::vector<std::uint8_t> out(n + 16);
  uLongf len = static_cast<uLongf>(out.size());
  const int rc = uncompress(out.data(), &len, z.data(), static_cast<uLong>(z.size()));
  EXPECT_EQ(rc, Z_OK) << "zlib refused the stream";
  out.resize(rc == Z_OK ? len : 0);
  return out;
}

void expect_round_trip(const std::vector<std::uint8_t>& in, size_t runs_bytes, const char* what) {
  const auto z = g::zlib_compress(in.data(), in.size(), 1, runs_bytes);
  const auto back = inflate_with_zlib(z, in.size());
  ASSERT_EQ(back.size(), in.size()) << what << ", runs_bytes " << runs_bytes;
  EXPECT_TRUE(back == in) << what << ", runs_bytes " << runs_bytes;
}

/// Random bytes with runs of the given lengths of one byte value between them.
std::vector<std::uint8_t> runs_between_noise(const std::vector<size_t>& runs, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> byte(0, 255), gap(0, 40);
  std::vector<std::uint8_t> v;
  for (const size_t len : runs) {
    for (int k = gap(gen); k > 0; --k) v.push_back(static_cast<std::uint8_t>(byte(gen)));
    v.insert(v.end(), len, static_cast<std::uint8_t>(byte(gen)));
  }
  return v;
}

}  // namespace

TEST(FastDeflate, EveryRunLengthAroundTheMatchLimitsDecodes) {
  // 3-18: literals and short matches; 258-261 and 516-519: the split that leaves no 1- or 2-byte tail
  std::vector<size_t> runs;
  for (size_t len = 1; len <= 40; ++len) runs.push_back(len);
  for (size_t len : {255u, 256u, 257u, 258u, 259u, 260u, 261u, 262u, 515u, 516u, 517u, 518u, 519u, 5000u})
    runs.push_back(len);
  const auto in = runs_between_noise(runs, 7);
  for (const size_t split : {size_t{0}, size_t{1}, in.size() / 2, in.size() - 1, in.size()})
    expect_round_trip(in, split, "runs between noise");
}

TEST(FastDeflate, SizesAndContentsAtTheEdges) {
  expect_round_trip({}, 0, "empty");
  expect_round_trip({42}, 1, "one byte, all by runs");
  expect_round_trip(std::vector<std::uint8_t>(100000, 7), 100000, "one long run, all by runs");
  expect_round_trip(std::vector<std::uint8_t>(100000, 7), 50000, "one long run, split");
  std::mt19937 gen(3);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::uint8_t> noise(200000);  // several stored blocks of at most 65,535 bytes
  for (auto& b : noise) b = static_cast<std::uint8_t>(byte(gen));
  expect_round_trip(noise, noise.size(), "noise, all by runs");
  expect_round_trip(noise, 131070, "noise, split at two full stored blocks");
}

TEST(FastDeflate, ShuffledFloatsWithSeaFillValuesDecodeAndRunsPay) {
  // a chunk of 64 x 300 floats: "land" values with noisy low bytes, "sea" cells at the fill value,
  // byte-shuffled as HDF5's shuffle filter does (plane b holds byte b of every value)
  const size_t m = 64 * 300;
  std::mt19937 gen(11);
  std::uniform_real_distribution<float> u(10.0f, 80.0f);
  std::vector<float> values(m);
  for (size_t i = 0; i < m; ++i) values[i] = (i % 300) < 120 ? u(gen) : 9.96921e36f;
  std::vector<std::uint8_t> shuffled(4 * m);
  const auto* raw = reinterpret_cast<const std::uint8_t*>(values.data());
  for (size_t i = 0; i < m; ++i)
    for (size_t b = 0; b < 4; ++b) shuffled[b * m + i] = raw[4 * i + b];
  expect_round_trip(shuffled, 2 * m, "shuffled floats, low half by runs");
  // the low half costs its land bytes (40 %, stored) and a few bytes per row for the blocks and the
  // sea's runs; the high half is libdeflate's stream of those bytes alone
  const auto runs = g::zlib_compress(shuffled.data(), shuffled.size(), 1, 2 * m);
  const auto high = g::zlib_compress(shuffled.data() + 2 * m, 2 * m, 1, 0);
  const double low = static_cast<double>(runs.size()) - static_cast<double>(high.size());
  EXPECT_GT(low, 0.40 * 2 * m) << "fewer bytes than the stored land bytes";
  EXPECT_LT(low, 0.45 * 2 * m) << "the sea's runs were not coded as matches";
}

TEST(FastShuffle, SameBytePlanesAsHdf5sDefinitionAndBack) {
  // HDF5's shuffle: byte b of value i goes to b * m + i; the bytes of an incomplete last value stay
  std::mt19937 gen(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (size_t elem : {1u, 2u, 3u, 4u, 8u, 9u}) {
    for (size_t n : {size_t{0}, elem, 2 * elem, 1000 * elem, 1000 * elem + elem / 2 + 1}) {
      std::vector<std::uint8_t> in(n);
      for (auto& b : in) b = static_cast<std::uint8_t>(byte(gen));
      std::vector<std::uint8_t> want(in);
      const size_t m = n / elem;
      if (elem > 1 && m > 1)
        for (size_t i = 0; i < m; ++i)
          for (size_t b = 0; b < elem; ++b) want[b * m + i] = in[i * elem + b];
      const auto got = g::shuffle(in.data(), n, elem, false);
      EXPECT_TRUE(got == want) << "element size " << elem << ", " << n << " bytes";
      EXPECT_TRUE(g::shuffle(got.data(), n, elem, true) == in) << "round trip, element size " << elem << ", " << n;
    }
  }
}
