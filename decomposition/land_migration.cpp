#include "decomposition/land_migration.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace alamod::decomposition {

namespace {
// cells of [a0, a1) that fall in [b0, b1)
std::int64_t overlap(std::int64_t a0, std::int64_t a1, std::int64_t b0, std::int64_t b1) {
  return std::max<std::int64_t>(0, std::min(a1, b1) - std::max(a0, b0));
}
int as_count(std::int64_t v) {
  if (v > std::numeric_limits<int>::max())
    throw std::overflow_error("LandMigration: more than 2^31 cells between two ranks");
  return static_cast<int>(v);
}
}  // namespace

LandMigration::LandMigration(MPI_Comm comm, const LandPartition& from, const LandPartition& to) : comm_(comm) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &P);
  if (from.ranks() != P || to.ranks() != P || from.land_cells() != to.land_cells())
    throw std::invalid_argument("LandMigration: the partitions differ in rank count or land cells");
  from_count_ = from.owned_count(rank);
  to_count_ = to.owned_count(rank);
  const std::int64_t f0 = from.first_land(rank), f1 = from.first_land(rank + 1);
  const std::int64_t t0 = to.first_land(rank), t1 = to.first_land(rank + 1);
  send_counts_.resize(static_cast<size_t>(P));
  send_displs_.resize(static_cast<size_t>(P));
  recv_counts_.resize(static_cast<size_t>(P));
  recv_displs_.resize(static_cast<size_t>(P));
  for (int q = 0; q < P; ++q) {
    // what this rank holds that q will own, and what q holds that this rank will own; both in
    // land order, so the displacements are offsets from the start of each range
    const std::int64_t s = overlap(f0, f1, to.first_land(q), to.first_land(q + 1));
    const std::int64_t r = overlap(t0, t1, from.first_land(q), from.first_land(q + 1));
    send_counts_[static_cast<size_t>(q)] = as_count(s);
    send_displs_[static_cast<size_t>(q)] = as_count(s ? std::max(f0, to.first_land(q)) - f0 : 0);
    recv_counts_[static_cast<size_t>(q)] = as_count(r);
    recv_displs_[static_cast<size_t>(q)] = as_count(r ? std::max(t0, from.first_land(q)) - t0 : 0);
    if (q != rank) sent_ += s;
  }
}

template <class T>
void LandMigration::move_as(std::vector<T>& values, MPI_Datatype type) const {
  if (static_cast<std::int64_t>(values.size()) != from_count_)
    throw std::invalid_argument("LandMigration::move: " + std::to_string(values.size()) + " values for " +
                                std::to_string(from_count_) + " owned land cells");
  // Received into one buffer kept for the process's lifetime, then copied back into `values`, whose
  // capacity is kept (with 1/8 to spare when it grows): a repartition allocates no fresh memory for
  // the dozen arrays it moves, and fresh memory costs a page fault per 4 KiB on first touch.
  thread_local std::vector<unsigned char> scratch;
  const size_t n = static_cast<size_t>(to_count_);
  if (scratch.size() < n * sizeof(T)) scratch.resize(n * sizeof(T) + n * sizeof(T) / 8);
  T* out = reinterpret_cast<T*>(scratch.data());
  MPI_Alltoallv(values.data(), send_counts_.data(), send_displs_.data(), type, out, recv_counts_.data(),
                recv_displs_.data(), type, comm_);
  if (values.capacity() < n) {  // grow without copying the old values: all are replaced below
    values.clear();
    values.reserve(n + n / 8);
  }
  values.resize(n);
  std::copy(out, out + n, values.begin());
}

void LandMigration::move(std::vector<double>& values) const { move_as(values, MPI_DOUBLE); }
void LandMigration::move(std::vector<std::int64_t>& values) const { move_as(values, MPI_INT64_T); }
void LandMigration::move(std::vector<int>& values) const { move_as(values, MPI_INT); }

}  // namespace alamod::decomposition
