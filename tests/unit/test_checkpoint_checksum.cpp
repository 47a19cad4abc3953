// The checksum of a checkpoint's state (grids::state_sha256): the same on every rank count and whatever
// the slices of the ranks (empty ones, slices inside one block, ranks not in land order), equal to its
// documented definition computed serially, and changed by any one value.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "grids/checkpoint_file.hpp"
#include "grids/sha256.hpp"
#include "tests/mpi_world.hpp"

namespace g = alamod::grids;
using alamod::testing::world_rank;
using alamod::testing::world_size;

namespace {

constexpr std::int64_t kTotal = 3 * g::kChecksumBlockCells + 1234;  // three whole blocks and a short one

std::map<std::string, std::vector<double>> whole_state() {
  std::map<std::string, std::vector<double>> s;
  for (const char* name : {"state_0", "bio", "input_scale"}) {
    auto& v = s[name];
    v.resize(static_cast<size_t>(kTotal));
    for (std::int64_t i = 0; i < kTotal; ++i) v[static_cast<size_t>(i)] = std::sin(0.001 * static_cast<double>(i) + name[0]) * 100.0;
  }
  s["bio"][0] = -0.0;
  s["bio"][7] = std::nan("");
  return s;
}

/// The definition of grids/checkpoint_file.hpp, on one process.
std::string by_definition(const std::map<std::string, std::vector<double>>& state) {
  g::Sha256 all;
  for (const auto& [name, values] : state) {
    all.update(name.data(), name.size());
    all.update("", 1);
    for (std::int64_t lo = 0; lo < kTotal; lo += g::kChecksumBlockCells) {
      const std::int64_t n = std::min(g::kChecksumBlockCells, kTotal - lo);
      g::Sha256 block;
      block.update(values.data() + lo, static_cast<size_t>(n) * 8);  // this machine is little-endian
      const auto d = block.digest();
      all.update(d.data(), d.size());
    }
  }
  return all.hex();
}

/// This rank's part of the whole state, given the first land number of each rank's slice (ascending over
/// the order `order` of the ranks).
std::string checksum_over(const std::map<std::string, std::vector<double>>& whole, const std::vector<std::int64_t>& bounds,
                          const std::vector<int>& order) {
  const int me = world_rank();
  size_t k = 0;
  while (order[k] != me) ++k;
  g::CheckpointSlice slice{kTotal, bounds[k], bounds[k + 1] - bounds[k]};
  std::map<std::string, std::vector<double>> mine;
  for (const auto& [name, values] : whole)
    mine[name].assign(values.begin() + slice.first, values.begin() + slice.first + slice.count);
  return g::state_sha256(MPI_COMM_WORLD, slice, mine);
}

std::vector<int> ranks_in_order(bool reversed) {
  std::vector<int> order;
  for (int r = 0; r < world_size(); ++r) order.push_back(reversed ? world_size() - 1 - r : r);
  return order;
}

}  // namespace

TEST(StateChecksum, SameOnEveryPartitionAsTheDefinition) {
  const auto whole = whole_state();
  const std::string expected = by_definition(whole);
  const int n = world_size();
  // equal slices
  std::vector<std::int64_t> equal;
  for (int r = 0; r <= n; ++r) equal.push_back(kTotal * r / n);
  EXPECT_EQ(checksum_over(whole, equal, ranks_in_order(false)), expected);
  // uneven: an empty slice, slices inside one block, a slice spanning blocks; ranks in reverse land order
  std::vector<std::int64_t> uneven{0};
  const std::int64_t cuts[] = {0, 0, 10, g::kChecksumBlockCells + 5, g::kChecksumBlockCells + 6};
  for (int r = 1; r < n; ++r) uneven.push_back(r < 5 ? cuts[r] : cuts[4] + r);
  uneven.push_back(kTotal);
  for (bool reversed : {false, true}) EXPECT_EQ(checksum_over(whole, uneven, ranks_in_order(reversed)), expected);
}

TEST(StateChecksum, ChangedByOneValue) {
  auto whole = whole_state();
  const std::string before = by_definition(whole);
  whole["state_0"][static_cast<size_t>(2 * g::kChecksumBlockCells + 3)] += 1e-12;
  std::vector<std::int64_t> equal;
  for (int r = 0; r <= world_size(); ++r) equal.push_back(kTotal * r / world_size());
  const std::string after = checksum_over(whole, equal, ranks_in_order(false));
  EXPECT_NE(after, before);
  EXPECT_EQ(after, by_definition(whole));
}
