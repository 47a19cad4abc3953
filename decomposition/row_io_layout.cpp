#include "decomposition/row_io_layout.hpp"

#include <algorithm>
#include <stdexcept>

namespace alamod::decomposition {

RowIoLayout::RowIoLayout(const LandPartition& p, int nx, int ny, MPI_Comm comm, int row_quantum) : comm_(comm) {
  const std::int64_t q = std::max(1, row_quantum);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  if (p.ranks() != size_) throw std::invalid_argument("RowIoLayout: partition made for another rank count");
  const std::int64_t cells = static_cast<std::int64_t>(nx) * ny;
  io_begin_.resize(static_cast<size_t>(size_) + 1);
  for (int r = 0; r < size_; ++r) {
    const std::int64_t row = (p.grid_begin(r) + nx - 1) / nx;
    const std::int64_t snapped = (row + q / 2) / q * q;
    io_begin_[r] = std::min<std::int64_t>(cells, snapped * nx);
  }
  io_begin_[0] = 0;
  io_begin_[size_] = cells;
  for (int r = 1; r <= size_; ++r) io_begin_[r] = std::max(io_begin_[r], io_begin_[r - 1]);
  compute_begin_ = p.grid_begin(rank_);
  compute_end_ = p.grid_end(rank_);
  send_counts_.assign(size_, 0);
  send_displs_.assign(size_, 0);
  recv_counts_.assign(size_, 0);
  recv_displs_.assign(size_, 0);
  for (int q = 0; q < size_; ++q) {
    const std::int64_t lo = std::max(compute_begin_, io_begin_[q]), hi = std::min(compute_end_, io_begin_[q + 1]);
    if (hi > lo) {
      send_counts_[q] = static_cast<int>(hi - lo);
      send_displs_[q] = static_cast<int>(lo - compute_begin_);
    }
    const std::int64_t plo = std::max(p.grid_begin(q), io_begin()), phi = std::min(p.grid_end(q), io_end());
    if (phi > plo) {
      recv_counts_[q] = static_cast<int>(phi - plo);
      recv_displs_[q] = static_cast<int>(plo - io_begin());
    }
  }
}

void RowIoLayout::to_io(const std::vector<double>& compute, std::vector<double>& io) const {
  const double t0 = MPI_Wtime();
  io.resize(static_cast<size_t>(io_size()));
  MPI_Alltoallv(compute.data(), send_counts_.data(), send_displs_.data(), MPI_DOUBLE, io.data(), recv_counts_.data(),
                recv_displs_.data(), MPI_DOUBLE, comm_);
  seconds_ += MPI_Wtime() - t0;
}

}  // namespace alamod::decomposition
