// The I/O layout of the output: rank boundaries on chunk rows, the exchange from the compute
// ranges, boundaries at equal row weight, and their refinement from measured costs.
#include <gtest/gtest.h>
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "decomposition/land_partition.hpp"
#include "decomposition/row_io_layout.hpp"
#include "tests/mpi_world.hpp"

namespace d = alamod::decomposition;

namespace {

constexpr int kNx = 37, kNy = 150, kQuantum = 4;

using alamod::testing::world_rank;
using alamod::testing::world_size;

/// A mask with more land in the middle rows (same on every rank).
std::vector<std::uint8_t> mask() {
  std::mt19937 gen(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::uint8_t> m(static_cast<size_t>(kNx) * kNy);
  for (size_t i = 0; i < m.size(); ++i) {
    const double row = static_cast<double>(i / kNx) / kNy;
    m[i] = u(gen) < 0.1 + 3.0 * row * (1.0 - row) ? 1 : 0;
  }
  return m;
}

d::LandPartition partition() {
  const auto m = mask();
  return d::LandPartition(m, static_cast<std::int64_t>(m.size()), {}, world_size());
}

std::vector<double> land_weights() {
  const auto m = mask();
  std::vector<double> w(kNy, 0.0);
  for (size_t i = 0; i < m.size(); ++i) w[i / kNx] += m[i] ? 1.0 : 0.5;
  return w;
}

/// Every boundary on a chunk row, in order, covering the grid.
void expect_valid(const d::RowIoLayout& io) {
  const int size = world_size();
  EXPECT_EQ(io.io_begin(0), 0);
  EXPECT_EQ(io.io_begin(size), static_cast<std::int64_t>(kNx) * kNy);
  for (int r = 0; r < size; ++r) {
    EXPECT_LE(io.io_begin(r), io.io_begin(r + 1));
    const std::int64_t row = io.io_begin(r) / kNx;
    EXPECT_EQ(io.io_begin(r) % kNx, 0) << "rank " << r;
    if (r > 0) {
      EXPECT_TRUE(row % kQuantum == 0 || row == kNy) << "rank " << r << " starts at row " << row;
    }
  }
}

/// After to_io, every rank holds the global cell numbers of its I/O range.
void expect_exchange(const d::LandPartition& p, const d::RowIoLayout& io) {
  const int rank = world_rank();
  std::vector<double> compute(static_cast<size_t>(io.compute_size())), out;
  for (size_t i = 0; i < compute.size(); ++i) compute[i] = static_cast<double>(p.grid_begin(rank) + static_cast<std::int64_t>(i));
  io.to_io(compute, out);
  ASSERT_EQ(static_cast<std::int64_t>(out.size()), io.io_size());
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_EQ(out[i], static_cast<double>(io.io_begin() + static_cast<std::int64_t>(i))) << "rank " << rank << " cell " << i;
}

double weight_between(const std::vector<double>& w, std::int64_t a, std::int64_t b) {
  double s = 0.0;
  for (std::int64_t r = a / kNx; r < b / kNx; ++r) s += w[static_cast<size_t>(r)];
  return s;
}

}  // namespace

TEST(RowIoLayout, FollowsTheComputeBoundariesWithoutWeights) {
  const auto p = partition();
  const d::RowIoLayout io(p, kNx, kNy, MPI_COMM_WORLD, kQuantum);
  expect_valid(io);
  for (int r = 1; r < world_size(); ++r) {
    const double row = static_cast<double>(p.grid_begin(r)) / kNx;
    EXPECT_LE(std::abs(static_cast<double>(io.io_begin(r) / kNx) - row), kQuantum / 2.0 + 1.0) << "rank " << r;
  }
  expect_exchange(p, io);
}

TEST(RowIoLayout, WeightedBoundariesSplitTheWeightEvenly) {
  const auto p = partition();
  const auto w = land_weights();
  const d::RowIoLayout io(p, kNx, kNy, MPI_COMM_WORLD, kQuantum, w);
  expect_valid(io);
  const int size = world_size();
  double total = 0.0, block_max = 0.0;
  for (int r = 0; r < kNy; r += kQuantum) {
    double s = 0.0;
    for (int k = r; k < std::min(kNy, r + kQuantum); ++k) s += w[k];
    total += s;
    block_max = std::max(block_max, s);
  }
  // each boundary lies within half a chunk block of its ideal place
  for (int r = 1; r < size; ++r)
    EXPECT_NEAR(weight_between(w, 0, io.io_begin(r)), total * r / size, block_max / 2.0 + 1e-9) << "boundary " << r;
  expect_exchange(p, io);
}

TEST(RowIoLayout, UniformMeasuredCostKeepsTheBoundaries) {
  const auto p = partition();
  const auto w = land_weights();
  d::RowIoLayout io(p, kNx, kNy, MPI_COMM_WORLD, kQuantum, w);
  const double own = weight_between(w, io.io_begin(), io.io_end());
  EXPECT_FALSE(io.rebalance(0.003 * own));  // the cost follows the weights: nothing to move
  EXPECT_FALSE(io.rebalance(0.0));          // nothing measured (e.g. no compression): nothing to move
}

TEST(RowIoLayout, RebalanceMovesRowsToTheCheaperRanks) {
  const int rank = world_rank(), size = world_size();
  if (size == 1) {
    const auto p = partition();
    d::RowIoLayout io(p, kNx, kNy, MPI_COMM_WORLD, kQuantum, land_weights());
    EXPECT_FALSE(io.rebalance(1.0));  // one rank: nothing to balance
    return;
  }
  const auto p = partition();
  const auto w = land_weights();
  d::RowIoLayout io(p, kNx, kNy, MPI_COMM_WORLD, kQuantum, w);
  // true cost per unit of weight: the rows the last rank holds now cost three times the others'
  const std::int64_t heavy_from = io.io_begin(size - 1);
  auto cost_now = [&](std::int64_t a, std::int64_t b) {
    double s = 0.0;
    for (std::int64_t r = a / kNx; r < b / kNx; ++r) s += w[static_cast<size_t>(r)] * (r * kNx >= heavy_from ? 3.0 : 1.0);
    return s;
  };
  std::vector<double> before(static_cast<size_t>(size));
  const double mine_before = cost_now(io.io_begin(), io.io_end());
  MPI_Allgather(&mine_before, 1, MPI_DOUBLE, before.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD);
  const double before_max = *std::max_element(before.begin(), before.end());
  const std::int64_t last_rows_before = io.io_begin(size) - io.io_begin(size - 1);
  EXPECT_TRUE(io.rebalance(mine_before));
  expect_valid(io);
  expect_exchange(p, io);
  EXPECT_LT(io.io_begin(size) - io.io_begin(size - 1), last_rows_before) << "the costly rank keeps fewer rows";
  std::vector<double> after(static_cast<size_t>(size));
  const double mine_after = cost_now(io.io_begin(), io.io_end());
  MPI_Allgather(&mine_after, 1, MPI_DOUBLE, after.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD);
  double total = 0.0;
  for (double c : after) total += c;
  const double after_max = *std::max_element(after.begin(), after.end());
  EXPECT_LT(after_max, before_max) << "rank " << rank;
  EXPECT_LT(after_max / (total / size) - 1.0, 0.15) << "balanced to within a chunk block";
}

TEST(RowIoLayout, RejectsBadWeights) {
  const auto p = partition();
  EXPECT_THROW(d::RowIoLayout(p, kNx, kNy, MPI_COMM_WORLD, kQuantum, std::vector<double>(kNy - 1, 1.0)),
               std::invalid_argument);
  std::vector<double> w(kNy, 1.0);
  w[3] = -1.0;
  EXPECT_THROW(d::RowIoLayout(p, kNx, kNy, MPI_COMM_WORLD, kQuantum, w), std::invalid_argument);
}
