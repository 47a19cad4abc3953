// Moving land cells between ranks: LandPartition::rebalanced places the splits as the serial
// constructor does from the whole weight vector, and LandMigration delivers every per-cell array to
// the cells' new owners in land order.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "decomposition/land_migration.hpp"
#include "decomposition/land_partition.hpp"
#include "tests/mpi_world.hpp"

namespace d = alamod::decomposition;
using alamod::testing::world_rank;
using alamod::testing::world_size;

namespace {

constexpr int kNx = 41, kNy = 90;

std::vector<std::uint8_t> mask() {
  std::mt19937 gen(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::uint8_t> m(static_cast<size_t>(kNx) * kNy);
  for (auto& v : m) v = u(gen) < 0.45 ? 1 : 0;
  return m;
}

std::vector<std::int64_t> land_index(const std::vector<std::uint8_t>& m) {
  std::vector<std::int64_t> out;
  for (size_t i = 0; i < m.size(); ++i)
    if (m[i]) out.push_back(static_cast<std::int64_t>(i));
  return out;
}

/// A cost that grows along the land order, so that balancing it moves the splits.
double cost_of(std::int64_t land) { return 1.0 + 0.01 * static_cast<double>(land) + 0.5 * std::sin(0.1 * land); }

/// The test's land cells split by count (`start`) and by cost_of (`next`).
struct TwoSplits {
  std::vector<std::uint8_t> m = mask();
  std::vector<std::int64_t> land = land_index(m);
  d::LandPartition start{m, static_cast<std::int64_t>(m.size()), {}, world_size()};
  d::LandPartition next{m, static_cast<std::int64_t>(m.size()), costs(land.size()), world_size()};
  static std::vector<double> costs(size_t n) {
    std::vector<double> w;
    for (size_t k = 0; k < n; ++k) w.push_back(cost_of(static_cast<std::int64_t>(k)));
    return w;
  }
};

}  // namespace

TEST(LandMigration, RebalancedMatchesTheSerialPartitionOfTheSameWeights) {
  const auto m = mask();
  const auto land = land_index(m);
  const d::LandPartition start(m, static_cast<std::int64_t>(m.size()), {}, world_size());
  const int r = world_rank();
  std::vector<std::int64_t> grid_of;
  std::vector<double> w;
  for (std::int64_t k = start.first_land(r); k < start.first_land(r + 1); ++k) {
    grid_of.push_back(land[static_cast<size_t>(k)]);
    w.push_back(cost_of(k));
  }
  const auto next = d::LandPartition::rebalanced(MPI_COMM_WORLD, start, grid_of, w);
  std::vector<double> all_w;
  for (size_t k = 0; k < land.size(); ++k) all_w.push_back(cost_of(static_cast<std::int64_t>(k)));
  const d::LandPartition serial(m, static_cast<std::int64_t>(m.size()), all_w, world_size());
  for (int q = 0; q <= world_size(); ++q) EXPECT_EQ(next.first_land(q), serial.first_land(q)) << "split " << q;
  for (int q = 0; q < world_size(); ++q) {
    EXPECT_EQ(next.grid_begin(q), serial.grid_begin(q)) << "rank " << q;
    EXPECT_EQ(next.grid_end(q), serial.grid_end(q)) << "rank " << q;
    EXPECT_NEAR(next.weight_of(q), serial.weight_of(q), 1e-9 * serial.weight_of(q)) << "rank " << q;
  }
  if (world_size() > 1) {
    // the cost grows along the land order: rank 0's cheaper cells are more numerous than by count
    EXPECT_GT(next.first_land(1), start.first_land(1));
  }
}

TEST(LandMigration, MovingThereAndBackRestoresTheArraysInTheirOwnMemory) {
  const TwoSplits t;
  const auto& land = t.land;
  const d::LandPartition &start = t.start, &next = t.next;
  const int r = world_rank();
  std::vector<double> value;
  std::vector<std::int64_t> cells;
  for (std::int64_t k = start.first_land(r); k < start.first_land(r + 1); ++k) {
    value.push_back(1.0 / (1.0 + static_cast<double>(k)));
    cells.push_back(land[static_cast<size_t>(k)]);
  }
  const std::vector<double> value0 = value;
  const std::vector<std::int64_t> cells0 = cells;
  const d::LandMigration there(MPI_COMM_WORLD, start, next), back(MPI_COMM_WORLD, next, start);
  const auto there_and_back = [&] {
    there.move(value);
    there.move(cells);
    back.move(value);
    back.move(cells);
  };
  there_and_back();
  EXPECT_EQ(value, value0);
  EXPECT_EQ(cells, cells0);
  // once an array has room for both partitions, further moves keep its memory (no fresh pages)
  const double* at = value.data();
  const std::int64_t* cells_at = cells.data();
  there_and_back();
  there_and_back();
  EXPECT_EQ(value, value0);
  EXPECT_EQ(cells, cells0);
  EXPECT_EQ(value.data(), at);
  EXPECT_EQ(cells.data(), cells_at);
}

TEST(LandMigration, EveryArrayReachesTheNewOwnersInLandOrder) {
  const TwoSplits t;
  const auto& land = t.land;
  const d::LandPartition &start = t.start, &next = t.next;
  const int r = world_rank();
  std::vector<std::int64_t> cells;
  std::vector<double> value;
  std::vector<int> klass;
  for (std::int64_t k = start.first_land(r); k < start.first_land(r + 1); ++k) {
    cells.push_back(land[static_cast<size_t>(k)]);
    value.push_back(0.5 * static_cast<double>(k) + 0.25);
    klass.push_back(static_cast<int>(k % 7));
  }
  const d::LandMigration move(MPI_COMM_WORLD, start, next);
  move.move(cells);
  move.move(value);
  move.move(klass);
  const auto n = static_cast<size_t>(next.owned_count(r));
  ASSERT_EQ(cells.size(), n);
  ASSERT_EQ(value.size(), n);
  ASSERT_EQ(klass.size(), n);
  for (size_t i = 0; i < n; ++i) {
    const std::int64_t k = next.first_land(r) + static_cast<std::int64_t>(i);
    EXPECT_EQ(cells[i], land[static_cast<size_t>(k)]) << "cell " << i;
    EXPECT_EQ(value[i], 0.5 * static_cast<double>(k) + 0.25) << "cell " << i;
    EXPECT_EQ(klass[i], static_cast<int>(k % 7)) << "cell " << i;
  }
  // the cells this rank sent are those it held and no longer holds
  const std::int64_t kept = std::max<std::int64_t>(
      0, std::min(start.first_land(r + 1), next.first_land(r + 1)) - std::max(start.first_land(r), next.first_land(r)));
  EXPECT_EQ(move.cells_sent(), start.owned_count(r) - kept);
  // an array of the wrong length is refused before any communication
  std::vector<double> wrong(static_cast<size_t>(start.owned_count(r)) + 1);
  EXPECT_THROW(move.move(wrong), std::invalid_argument);
}
