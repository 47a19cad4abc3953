// The land partition built collectively from slabs of rows (what grid runs use) equals the one built
// from the whole mask on one rank, for any rank count, mask and integer-valued cost weights.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "decomposition/land_partition.hpp"

namespace d = alamod::decomposition;

namespace {

struct Grid {
  int nx, ny;
  std::vector<std::uint8_t> land;
  std::vector<double> weight_all;  // per grid cell (NaN at sea, as a raster would hold)
};

Grid make_grid(int nx, int ny, double land_fraction, bool weighted, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Grid g{nx, ny, std::vector<std::uint8_t>(static_cast<size_t>(nx) * ny), std::vector<double>(static_cast<size_t>(nx) * ny)};
  for (size_t i = 0; i < g.land.size(); ++i) {
    // land in blobs: rows near the middle hold more land, like a country on a rectangle
    const double row = static_cast<double>(i / static_cast<size_t>(nx)) / ny;
    g.land[i] = u(gen) < land_fraction * (0.3 + 1.4 * row * (1.0 - row) * 4.0 / 1.4) ? 1 : 0;
    g.weight_all[i] = g.land[i] ? (weighted ? static_cast<double>(1 + static_cast<int>(u(gen) * 7)) : 1.0)
                                : std::numeric_limits<double>::quiet_NaN();
  }
  return g;
}

void expect_same(const Grid& g, bool weighted) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  std::vector<double> land_weights;
  for (size_t i = 0; i < g.land.size(); ++i)
    if (g.land[i]) land_weights.push_back(g.weight_all[i]);
  const d::LandPartition serial(g.land, static_cast<std::int64_t>(g.land.size()),
                                weighted ? land_weights : std::vector<double>{}, size);
  const int r0 = d::LandPartition::slab_row_begin(rank, size, g.ny);
  const int r1 = d::LandPartition::slab_row_begin(rank + 1, size, g.ny);
  const size_t a = static_cast<size_t>(r0) * g.nx, b = static_cast<size_t>(r1) * g.nx;
  const std::vector<std::uint8_t> slab(g.land.begin() + a, g.land.begin() + b);
  const std::vector<double> slab_w = weighted ? std::vector<double>(g.weight_all.begin() + a, g.weight_all.begin() + b)
                                              : std::vector<double>{};
  const auto slabs = d::LandPartition::from_row_slabs(MPI_COMM_WORLD, g.nx, g.ny, slab, slab_w);
  ASSERT_EQ(slabs.ranks(), size);
  EXPECT_EQ(slabs.land_cells(), serial.land_cells());
  for (int r = 0; r <= size; ++r) EXPECT_EQ(slabs.first_land(r), serial.first_land(r)) << "rank " << r;
  for (int r = 0; r < size; ++r) {
    EXPECT_EQ(slabs.grid_begin(r), serial.grid_begin(r)) << "rank " << r;
    EXPECT_EQ(slabs.grid_end(r), serial.grid_end(r)) << "rank " << r;
    EXPECT_DOUBLE_EQ(slabs.weight_of(r), serial.weight_of(r)) << "rank " << r;
  }
  EXPECT_DOUBLE_EQ(slabs.imbalance(), serial.imbalance());
}

}  // namespace

TEST(LandPartition, SlabsEqualWholeMaskUnitWeights) {
  for (unsigned seed : {1u, 2u, 3u}) expect_same(make_grid(37, 23, 0.5, false, seed), false);
}

TEST(LandPartition, SlabsEqualWholeMaskIntegerWeights) {
  for (unsigned seed : {4u, 5u}) expect_same(make_grid(41, 19, 0.6, true, seed), true);
}

TEST(LandPartition, SparseAndEmptyRows) {
  // few land cells, many empty rows and slabs: ranks may own no land at all
  expect_same(make_grid(9, 31, 0.04, false, 7), false);
  expect_same(make_grid(9, 31, 0.04, true, 8), true);
}
