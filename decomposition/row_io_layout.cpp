#include "decomposition/row_io_layout.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace alamod::decomposition {

RowIoLayout::RowIoLayout(const LandPartition& p, int nx, int ny, MPI_Comm comm, int row_quantum,
                         std::vector<double> row_weight)
    : comm_(comm), nx_(nx), ny_(ny), quantum_(std::max(1, row_quantum)), weight_(std::move(row_weight)) {
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
  if (p.ranks() != size_) throw std::invalid_argument("RowIoLayout: partition made for another rank count");
  if (!weight_.empty() && weight_.size() != static_cast<size_t>(ny))
    throw std::invalid_argument("RowIoLayout: one weight per grid row expected");
  for (double w : weight_)
    if (!(w >= 0.0) || !std::isfinite(w)) throw std::invalid_argument("RowIoLayout: row weights must be finite and >= 0");
  for (int r = 0; r < size_; ++r) {
    grid_begin_.push_back(p.grid_begin(r));
    grid_end_.push_back(p.grid_end(r));
  }
  compute_begin_ = p.grid_begin(rank_);
  compute_end_ = p.grid_end(rank_);
  place_boundaries();
  build_exchange();
}

void RowIoLayout::place_boundaries() {
  const std::int64_t cells = static_cast<std::int64_t>(nx_) * ny_, q = quantum_;
  io_begin_.assign(static_cast<size_t>(size_) + 1, 0);
  if (weight_.empty()) {
    for (int r = 0; r < size_; ++r) {
      const std::int64_t row = (grid_begin_[r] + nx_ - 1) / nx_;
      const std::int64_t snapped = (row + q / 2) / q * q;
      io_begin_[r] = std::min<std::int64_t>(cells, snapped * nx_);
    }
  } else {
    // cumulative weight at each candidate boundary row 0, q, 2q, ..., ny
    std::vector<std::int64_t> rows;
    for (std::int64_t r = 0; r < ny_; r += q) rows.push_back(r);
    rows.push_back(ny_);
    std::vector<double> cum(rows.size(), 0.0);
    for (size_t k = 1; k < rows.size(); ++k) {
      double s = cum[k - 1];
      for (std::int64_t r = rows[k - 1]; r < rows[k]; ++r) s += weight_[static_cast<size_t>(r)];
      cum[k] = s;
    }
    const double total = cum.back();
    size_t k = 0;
    for (int r = 1; r < size_; ++r) {
      const double target = total * r / size_;
      // first candidate at or past the target, then the nearer of it and its predecessor
      while (k + 1 < cum.size() && cum[k] < target) ++k;
      size_t pick = k;
      if (k > 0 && target - cum[k - 1] <= cum[k] - target) pick = k - 1;
      io_begin_[r] = rows[pick] * nx_;
    }
  }
  io_begin_[0] = 0;
  io_begin_[size_] = cells;
  for (int r = 1; r <= size_; ++r) io_begin_[r] = std::max(io_begin_[r], io_begin_[r - 1]);
}

void RowIoLayout::build_exchange() {
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
    const std::int64_t plo = std::max(grid_begin_[q], io_begin()), phi = std::min(grid_end_[q], io_end());
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

void RowIoLayout::set_compute_partition(const LandPartition& p) {
  if (p.ranks() != size_) throw std::invalid_argument("RowIoLayout: partition made for another rank count");
  for (int r = 0; r < size_; ++r) {
    grid_begin_[static_cast<size_t>(r)] = p.grid_begin(r);
    grid_end_[static_cast<size_t>(r)] = p.grid_end(r);
  }
  compute_begin_ = p.grid_begin(rank_);
  compute_end_ = p.grid_end(rank_);
  build_exchange();
}

bool RowIoLayout::rebalance(double measured_cost) {
  std::vector<double> cost(static_cast<size_t>(size_));
  MPI_Allgather(&measured_cost, 1, MPI_DOUBLE, cost.data(), 1, MPI_DOUBLE, comm_);
  if (weight_.empty() || size_ == 1) return false;
  // cost per unit of weight on each rank's rows, relative to the whole
  std::vector<double> sum(static_cast<size_t>(size_), 0.0);
  double all_cost = 0.0, all_weight = 0.0;
  for (int r = 0; r < size_; ++r) {
    for (std::int64_t row = io_begin_[r] / nx_; row < io_begin_[r + 1] / nx_; ++row)
      sum[r] += weight_[static_cast<size_t>(row)];
    if (sum[r] > 0.0 && cost[r] > 0.0 && std::isfinite(cost[r])) {
      all_cost += cost[r];
      all_weight += sum[r];
    }
  }
  if (!(all_cost > 0.0) || !(all_weight > 0.0)) return false;
  const double mean_density = all_cost / all_weight;
  for (int r = 0; r < size_; ++r) {
    if (!(sum[r] > 0.0 && cost[r] > 0.0 && std::isfinite(cost[r]))) continue;
    // (bounded per step, so that one disturbed measurement cannot throw the layout far off)
    const double scale = std::clamp(cost[r] / sum[r] / mean_density, 0.5, 2.0);
    for (std::int64_t row = io_begin_[r] / nx_; row < io_begin_[r + 1] / nx_; ++row)
      weight_[static_cast<size_t>(row)] *= scale;
  }
  const std::vector<std::int64_t> before = io_begin_;
  place_boundaries();
  if (io_begin_ == before) return false;
  build_exchange();
  return true;
}

}  // namespace alamod::decomposition
