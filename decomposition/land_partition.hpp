#pragma once
/// Distribution of land cells over MPI ranks.
///
/// Land cells are numbered in row-major grid order. Rank r owns the contiguous
/// run of land cells whose cumulative cost weight falls in [r W/P, (r+1) W/P),
/// W the total weight: balanced by cost, contiguous in memory and in the file.
/// The partition depends only on the mask, the weights and P.
///
/// Two ways to build it, giving the same partition: from the whole mask on every rank (small grids,
/// tests), or collectively from slabs of rows (`from_row_slabs`): each rank reads only its slab, the
/// ranks exchange one land count and weight sum per row, and the rank holding the row where a split
/// falls places it. No rank then holds a per-cell array of the whole grid, so the start-up needs
/// O(G/P) memory and file reads per rank instead of O(G).
#include <mpi.h>

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

  /// Collective over `comm` (P ranks): rank r passes the rows [slab_row_begin(r), slab_row_begin(r+1))
  /// of the grid, `slab_is_land` one entry per cell of those rows (row-major) and `slab_weight` one
  /// per cell (ignored where not land; empty = all 1). Weights must be finite and >= 0 (the caller
  /// checks them, naming the cell).
  static LandPartition from_row_slabs(MPI_Comm comm, int nx, int ny, const std::vector<std::uint8_t>& slab_is_land,
                                      const std::vector<double>& slab_weight);
  /// Collective: a partition of the same land cells over the same ranks, balancing `owned_weight`
  /// (one value per land cell this rank owns in `current`, in order; e.g. the measured compute cost),
  /// with the splitting rule of the constructors. `owned_grid_index`: the grid index of those cells.
  static LandPartition rebalanced(MPI_Comm comm, const LandPartition& current,
                                  const std::vector<std::int64_t>& owned_grid_index,
                                  const std::vector<double>& owned_weight);
  /// First row of rank r's slab for from_row_slabs: r ny / P.
  static int slab_row_begin(int r, int ranks, int ny) {
    return static_cast<int>(static_cast<std::int64_t>(ny) * r / ranks);
  }

  int ranks() const { return ranks_; }
  std::int64_t land_cells() const { return land_cells_; }
  /// Global land-cell numbers [first_land(r), first_land(r+1)) owned by rank r.
  std::int64_t first_land(int r) const { return first_land_[r]; }
  std::int64_t owned_count(int r) const { return first_land_[r + 1] - first_land_[r]; }
  /// Grid linear range [begin, end) that rank r writes: from its first land cell
  /// to the next rank's first land cell; the ranges of all ranks tile the grid.
  std::int64_t grid_begin(int r) const { return grid_begin_[r]; }
  std::int64_t grid_end(int r) const { return grid_begin_[r + 1]; }
  /// Sum of cost weights of rank r.
  double weight_of(int r) const { return rank_weight_[r]; }
  /// Load imbalance: max rank weight / mean rank weight - 1.
  double imbalance() const;

 private:
  LandPartition() = default;
  /// Collective split placement: land cells [k0, k0 + f.size()) are this rank's contiguous share of the
  /// n land cells (every rank passes its own), f[i] the total weight before cell k0 + i, grid_of[i]
  /// its grid index, `total` the sum of all weights.
  static LandPartition place(MPI_Comm comm, std::int64_t grid_cells, std::int64_t n, double total, std::int64_t k0,
                             const std::vector<std::int64_t>& grid_of, const std::vector<double>& f);
  int ranks_ = 1;
  std::int64_t grid_cells_ = 0, land_cells_ = 0;
  std::vector<std::int64_t> first_land_;  // ranks + 1 entries
  std::vector<std::int64_t> grid_begin_;  // ranks + 1 entries, the last = grid_cells_
  std::vector<double> rank_weight_;
};

}  // namespace alamod::decomposition
