#pragma once
/// Moving per-cell data from one partition of the land cells to another.
///
/// Both partitions cover the same land cells, numbered in row-major order, over the same ranks;
/// each rank owns a contiguous run in each. A value of land cell k travels from its owner in `from`
/// to its owner in `to` (one Alltoallv per array), so arrays in the owned-cell order of `from`
/// become arrays in the owned-cell order of `to`. Used when the run moves cells between ranks on
/// their measured compute time.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "decomposition/land_partition.hpp"

namespace alamod::decomposition {

class LandMigration {
 public:
  LandMigration(MPI_Comm comm, const LandPartition& from, const LandPartition& to);
  /// Collective: `values` holds from.owned_count(rank) values on entry, to.owned_count(rank) on return.
  void move(std::vector<double>& values) const;
  void move(std::vector<std::int64_t>& values) const;
  void move(std::vector<int>& values) const;
  /// Land cells this rank sends to other ranks.
  std::int64_t cells_sent() const { return sent_; }

 private:
  template <class T>
  void move_as(std::vector<T>& values, MPI_Datatype type) const;
  MPI_Comm comm_;
  std::int64_t from_count_ = 0, to_count_ = 0, sent_ = 0;
  std::vector<int> send_counts_, send_displs_, recv_counts_, recv_displs_;
};

}  // namespace alamod::decomposition
