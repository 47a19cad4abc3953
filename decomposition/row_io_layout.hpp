#pragma once
/// Rearrangement from the compute layout to the I/O layout.
///
/// Compute layout: rank r holds the contiguous grid range [grid_begin(r),
/// grid_end(r)) of its land cells (LandPartition), which starts and ends
/// mid-row. I/O layout: rank r holds whole rows [row_begin(r), row_end(r)),
/// row_begin(r) = grid_begin(r) / nx rounded to the nearest multiple of the
/// chunk height, so each rank writes one hyperslab
/// per variable and no two ranks write the same row. The few cells of the
/// partial rows move to the neighbouring rank with one MPI_Alltoallv.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "decomposition/land_partition.hpp"

namespace alamod::decomposition {

class RowIoLayout {
 public:
  /// `row_quantum`: rank boundaries fall on multiples of this many rows (the output
  /// chunk height), so no compressed chunk is shared by two ranks.
  RowIoLayout(const LandPartition& partition, int nx, int ny, MPI_Comm comm, int row_quantum = 1);
  std::int64_t io_begin() const { return io_begin_[rank_]; }  ///< linear, row aligned
  std::int64_t io_end() const { return io_begin_[rank_ + 1]; }
  std::int64_t compute_size() const { return compute_end_ - compute_begin_; }
  std::int64_t io_size() const { return io_end() - io_begin(); }
  /// Collective: `compute` holds compute_size() values, `io` receives io_size().
  void to_io(const std::vector<double>& compute, std::vector<double>& io) const;
  /// Seconds spent in to_io on this rank (communication phase).
  double seconds() const { return seconds_; }

 private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  std::int64_t compute_begin_ = 0, compute_end_ = 0;
  std::vector<std::int64_t> io_begin_;  // size + 1
  std::vector<int> send_counts_, send_displs_, recv_counts_, recv_displs_;
  mutable double seconds_ = 0.0;
};

}  // namespace alamod::decomposition
