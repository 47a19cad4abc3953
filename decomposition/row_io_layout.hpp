#pragma once
/// Rearrangement from the compute layout to the I/O layout.
///
/// Compute layout: rank r holds the contiguous grid range [grid_begin(r),
/// grid_end(r)) of its land cells (LandPartition), which starts and ends
/// mid-row. I/O layout: rank r holds whole rows [row_begin(r), row_end(r)),
/// with every boundary on a multiple of the output chunk height, so each rank
/// writes one hyperslab per variable and compresses whole chunks that no other
/// rank touches. Cells move between the two layouts with one MPI_Alltoallv.
///
/// Where the I/O boundaries fall: compressing a land cell costs more than a fill
/// (sea) cell, and how much more depends on the values, so the land balance of the
/// compute partition does not balance the output. The layout places its boundaries
/// at equal cumulative *row weight* (an estimate of each row's output cost), and
/// `rebalance` refines those weights from the compression time each rank measured
/// on its rows: the weights of a rank's rows are scaled by its measured cost per
/// unit of weight, and the boundaries move to the nearest chunk multiples that
/// equalise the new sums. Every rank computes the same layout from the same
/// gathered figures; the values written do not depend on it.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "decomposition/land_partition.hpp"

namespace alamod::decomposition {

class RowIoLayout {
 public:
  /// `row_quantum`: I/O boundaries fall on multiples of this many rows (the output
  /// chunk height). `row_weight`: estimated output cost of each of the ny rows, the
  /// same on every rank (e.g. land cells + 0.5 x sea cells); empty: the boundaries
  /// follow the compute partition's, rounded to the nearest multiple.
  RowIoLayout(const LandPartition& partition, int nx, int ny, MPI_Comm comm, int row_quantum = 1,
              std::vector<double> row_weight = {});
  std::int64_t io_begin() const { return io_begin_[rank_]; }  ///< linear, row aligned
  std::int64_t io_end() const { return io_begin_[rank_ + 1]; }
  std::int64_t io_begin(int rank) const { return io_begin_[rank]; }
  std::int64_t compute_size() const { return compute_end_ - compute_begin_; }
  std::int64_t io_size() const { return io_end() - io_begin(); }
  /// Collective: `compute` holds compute_size() values, `io` receives io_size().
  void to_io(const std::vector<double>& compute, std::vector<double>& io) const;
  /// Collective: `measured_cost` is what this rank's current I/O rows cost it (e.g.
  /// seconds of compression since the last call). Scales the row weights of every
  /// rank by its measured cost per unit of weight, places the boundaries anew and
  /// returns whether any moved. Ranks with no rows keep their weights.
  bool rebalance(double measured_cost);
  /// Collective in effect (every rank calls it with the same partition): the compute side moved
  /// (land cells migrated between ranks); the I/O boundaries stay, the exchange is rebuilt.
  void set_compute_partition(const LandPartition& partition);
  /// Seconds spent in to_io on this rank (communication phase).
  double seconds() const { return seconds_; }

 private:
  void place_boundaries();
  void build_exchange();

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1, nx_ = 0, ny_ = 0, quantum_ = 1;
  std::int64_t compute_begin_ = 0, compute_end_ = 0;
  std::vector<std::int64_t> grid_begin_, grid_end_;  // compute ranges of every rank
  std::vector<std::int64_t> io_begin_;    // size + 1
  std::vector<double> weight_;            // per row; empty: follow the compute boundaries
  std::vector<int> send_counts_, send_displs_, recv_counts_, recv_displs_;
  mutable double seconds_ = 0.0;
};

}  // namespace alamod::decomposition
