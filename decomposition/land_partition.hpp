#pragma once
/// Distribution of land cells over MPI ranks.
///
/// Land cells are numbered in row-major grid order. Rank r owns the contiguous
/// run of land cells whose cumulative cost weight falls in [r W/P, (r+1) W/P),
/// W the total weight: balanced by cost, contiguous in memory and in the file.
/// The partition depends only on the mask, the weights and P, and every rank
/// computes the same one (no communication).
#include <cstdint>
#include <vector>

namespace alamod::decomposition {

class LandPartition {
 public:
  /// `is_land` has one entry per grid cell (row-major); `weight` one per land
  /// cell in the same order (empty = all 1). Throws std::invalid_argument on a
  /// negative or non-finite weight.
  LandPartition(const std::vector<std::uint8_t>& is_land, std::int64_t grid_cells, const std::vector<double>& weight,
                int ranks);

  int ranks() const { return ranks_; }
  std::int64_t land_cells() const { return static_cast<std::int64_t>(land_index_.size()); }
  /// Global land-cell numbers [first_land(r), first_land(r+1)) owned by rank r.
  std::int64_t first_land(int r) const { return first_land_[r]; }
  std::int64_t owned_count(int r) const { return first_land_[r + 1] - first_land_[r]; }
  /// Grid linear index of land cell k.
  std::int64_t grid_index(std::int64_t k) const { return land_index_[k]; }
  /// Grid linear range [begin, end) that rank r writes: from its first land cell
  /// to the next rank's first land cell; the ranges of all ranks tile the grid.
  std::int64_t grid_begin(int r) const;
  std::int64_t grid_end(int r) const;
  /// Sum of cost weights of rank r.
  double weight_of(int r) const { return rank_weight_[r]; }
  /// Load imbalance: max rank weight / mean rank weight - 1.
  double imbalance() const;

 private:
  int ranks_;
  std::int64_t grid_cells_;
  std::vector<std::int64_t> land_index_;
  std::vector<std::int64_t> first_land_;  // ranks + 1 entries
  std::vector<double> rank_weight_;
};

}  // namespace alamod::decomposition
