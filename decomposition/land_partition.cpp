#include "decomposition/land_partition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace alamod::decomposition {

LandPartition::LandPartition(const std::vector<std::uint8_t>& is_land, std::int64_t grid_cells,
                             const std::vector<double>& weight, int ranks)
    : ranks_(ranks), grid_cells_(grid_cells) {
  if (ranks < 1) throw std::invalid_argument("LandPartition: ranks must be >= 1");
  std::vector<std::int64_t> land_index;
  for (std::int64_t i = 0; i < grid_cells; ++i)
    if (is_land[static_cast<size_t>(i)]) land_index.push_back(i);
  land_cells_ = static_cast<std::int64_t>(land_index.size());
  const std::int64_t n = land_cells_;
  if (!weight.empty() && static_cast<std::int64_t>(weight.size()) != n)
    throw std::invalid_argument("LandPartition: " + std::to_string(weight.size()) + " weights for " +
                                std::to_string(n) + " land cells");
  // Prefix sums in a fixed order: identical on every rank.
  std::vector<double> prefix(static_cast<size_t>(n) + 1, 0.0);
  for (std::int64_t k = 0; k < n; ++k) {
    const double w = weight.empty() ? 1.0 : weight[static_cast<size_t>(k)];
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("cost weight of land cell " + std::to_string(k) + " is " + std::to_string(w) +
                                  " (expected a finite value >= 0)");
    prefix[static_cast<size_t>(k) + 1] = prefix[static_cast<size_t>(k)] + w;
  }
  const double total = prefix.back();
  first_land_.assign(static_cast<size_t>(ranks) + 1, n);
  first_land_[0] = 0;
  for (int r = 1; r < ranks; ++r) {
    const double target = total * r / ranks;
    // first land cell whose cumulative weight (before it) reaches the target
    const auto it = std::lower_bound(prefix.begin(), prefix.end() - 1, target);
    std::int64_t k = it - prefix.begin();
    // choose the nearer boundary of the two around the target
    if (k > 0 && std::fabs(prefix[static_cast<size_t>(k) - 1] - target) < std::fabs(prefix[static_cast<size_t>(k)] - target)) --k;
    first_land_[r] = std::max(first_land_[r - 1], std::min(k, n));
  }
  first_land_[ranks] = n;
  rank_weight_.resize(ranks);
  for (int r = 0; r < ranks; ++r)
    rank_weight_[r] = prefix[static_cast<size_t>(first_land_[r + 1])] - prefix[static_cast<size_t>(first_land_[r])];
  grid_begin_.assign(static_cast<size_t>(ranks) + 1, grid_cells);
  grid_begin_[0] = 0;
  for (int r = 1; r < ranks; ++r)
    if (first_land_[r] < n) grid_begin_[r] = land_index[static_cast<size_t>(first_land_[r])];
}

LandPartition LandPartition::from_row_slabs(MPI_Comm comm, int nx, int ny, const std::vector<std::uint8_t>& slab_is_land,
                                            const std::vector<double>& slab_weight) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &P);
  const int r0 = slab_row_begin(rank, P, ny), r1 = slab_row_begin(rank + 1, P, ny);
  const size_t slab_cells = static_cast<size_t>(r1 - r0) * static_cast<size_t>(nx);
  if (slab_is_land.size() != slab_cells || (!slab_weight.empty() && slab_weight.size() != slab_cells))
    throw std::invalid_argument("LandPartition::from_row_slabs: slab of " + std::to_string(slab_is_land.size()) +
                                " cells, expected " + std::to_string(slab_cells));
  // 1. land count and weight sum of each row of the slab, gathered on every rank
  std::vector<double> mine(2 * static_cast<size_t>(r1 - r0), 0.0);
  for (int i = 0; i < r1 - r0; ++i)
    for (int c = 0; c < nx; ++c) {
      const size_t k = static_cast<size_t>(i) * static_cast<size_t>(nx) + static_cast<size_t>(c);
      if (!slab_is_land[k]) continue;
      mine[2 * static_cast<size_t>(i)] += 1.0;
      mine[2 * static_cast<size_t>(i) + 1] += slab_weight.empty() ? 1.0 : slab_weight[k];
    }
  std::vector<int> counts(static_cast<size_t>(P)), displs(static_cast<size_t>(P));
  for (int q = 0; q < P; ++q) {
    displs[static_cast<size_t>(q)] = 2 * slab_row_begin(q, P, ny);
    counts[static_cast<size_t>(q)] = 2 * (slab_row_begin(q + 1, P, ny) - slab_row_begin(q, P, ny));
  }
  std::vector<double> rows(2 * static_cast<size_t>(ny));
  MPI_Allgatherv(mine.data(), static_cast<int>(mine.size()), MPI_DOUBLE, rows.data(), counts.data(), displs.data(),
                 MPI_DOUBLE, comm);
  // land cells and weight before each row, in the same order on every rank
  std::vector<std::int64_t> land_before(static_cast<size_t>(ny) + 1, 0);
  std::vector<double> weight_before(static_cast<size_t>(ny) + 1, 0.0);
  for (int i = 0; i < ny; ++i) {
    land_before[static_cast<size_t>(i) + 1] = land_before[static_cast<size_t>(i)] +
                                              static_cast<std::int64_t>(rows[2 * static_cast<size_t>(i)]);
    weight_before[static_cast<size_t>(i) + 1] = weight_before[static_cast<size_t>(i)] + rows[2 * static_cast<size_t>(i) + 1];
  }
  const std::int64_t n = land_before.back();
  const double total = weight_before.back();
  // 2. this slab's land cells: global number, grid index, weight before the cell (F)
  const std::int64_t k0 = land_before[static_cast<size_t>(r0)];
  std::vector<std::int64_t> grid_of;
  std::vector<double> f;
  for (int i = 0; i < r1 - r0; ++i) {
    double acc = weight_before[static_cast<size_t>(r0 + i)];
    for (int c = 0; c < nx; ++c) {
      const size_t k = static_cast<size_t>(i) * static_cast<size_t>(nx) + static_cast<size_t>(c);
      if (!slab_is_land[k]) continue;
      grid_of.push_back(static_cast<std::int64_t>(r0 + i) * nx + c);
      f.push_back(acc);
      acc += slab_weight.empty() ? 1.0 : slab_weight[k];
    }
  }
  return place(comm, static_cast<std::int64_t>(nx) * ny, n, total, k0, grid_of, f);
}

LandPartition LandPartition::place(MPI_Comm comm, std::int64_t grid_cells, std::int64_t n, double total, std::int64_t k0,
                                   const std::vector<std::int64_t>& grid_of, const std::vector<double>& f) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &P);
  const std::int64_t k1 = k0 + static_cast<std::int64_t>(f.size());
  auto F = [&](std::int64_t k) { return f[static_cast<size_t>(k - k0)]; };
  // 3. the split of rank r: the first land cell whose weight before it reaches r W / P (or n), then
  //    the nearer of it and the cell before it, as the serial constructor chooses
  std::vector<std::int64_t> cand(static_cast<size_t>(P) + 1, n);
  for (int r = 1; r < P; ++r) {
    const double target = total * r / P;
    const auto it = std::lower_bound(f.begin(), f.end(), target);
    if (it != f.end()) cand[static_cast<size_t>(r)] = k0 + (it - f.begin());
  }
  MPI_Allreduce(MPI_IN_PLACE, cand.data(), P + 1, MPI_INT64_T, MPI_MIN, comm);
  const double lowest = -std::numeric_limits<double>::infinity();
  std::vector<double> around(2 * static_cast<size_t>(P), lowest);  // F(k), F(k - 1) of each candidate
  for (int r = 1; r < P; ++r) {
    const std::int64_t k = cand[static_cast<size_t>(r)];
    if (k >= k0 && k < k1) around[2 * static_cast<size_t>(r)] = F(k);
    if (k == n && rank == 0) around[2 * static_cast<size_t>(r)] = total;
    if (k - 1 >= k0 && k - 1 < k1) around[2 * static_cast<size_t>(r) + 1] = F(k - 1);
  }
  MPI_Allreduce(MPI_IN_PLACE, around.data(), 2 * P, MPI_DOUBLE, MPI_MAX, comm);
  LandPartition p;
  p.ranks_ = P;
  p.grid_cells_ = grid_cells;
  p.land_cells_ = n;
  p.first_land_.assign(static_cast<size_t>(P) + 1, n);
  p.first_land_[0] = 0;
  for (int r = 1; r < P; ++r) {
    std::int64_t k = cand[static_cast<size_t>(r)];
    const double target = total * r / P;
    if (k > 0 && std::fabs(around[2 * static_cast<size_t>(r) + 1] - target) <
                     std::fabs(around[2 * static_cast<size_t>(r)] - target))
      --k;
    p.first_land_[static_cast<size_t>(r)] = std::max(p.first_land_[static_cast<size_t>(r) - 1], std::min(k, n));
  }
  // 4. grid index of each rank's first land cell, and the weight before it
  std::vector<std::int64_t> begin(static_cast<size_t>(P) + 1, -1);
  std::vector<double> before(static_cast<size_t>(P) + 1, lowest);
  for (int r = 0; r <= P; ++r) {
    const std::int64_t k = p.first_land_[static_cast<size_t>(r)];
    if (k >= k0 && k < k1) {
      begin[static_cast<size_t>(r)] = grid_of[static_cast<size_t>(k - k0)];
      before[static_cast<size_t>(r)] = F(k);
    }
    if (k == n && rank == 0) {
      begin[static_cast<size_t>(r)] = p.grid_cells_;
      before[static_cast<size_t>(r)] = total;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, begin.data(), P + 1, MPI_INT64_T, MPI_MAX, comm);
  MPI_Allreduce(MPI_IN_PLACE, before.data(), P + 1, MPI_DOUBLE, MPI_MAX, comm);
  p.grid_begin_ = begin;
  p.grid_begin_[0] = 0;
  p.grid_begin_[static_cast<size_t>(P)] = p.grid_cells_;
  p.rank_weight_.resize(static_cast<size_t>(P));
  for (int r = 0; r < P; ++r)
    p.rank_weight_[static_cast<size_t>(r)] = before[static_cast<size_t>(r) + 1] - before[static_cast<size_t>(r)];
  return p;
}

LandPartition LandPartition::rebalanced(MPI_Comm comm, const LandPartition& current,
                                        const std::vector<std::int64_t>& owned_grid_index,
                                        const std::vector<double>& owned_weight) {
  int rank = 0, P = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &P);
  if (current.ranks() != P) throw std::invalid_argument("LandPartition::rebalanced: partition made for another rank count");
  const size_t own = static_cast<size_t>(current.owned_count(rank));
  if (owned_grid_index.size() != own || owned_weight.size() != own)
    throw std::invalid_argument("LandPartition::rebalanced: " + std::to_string(owned_weight.size()) + " weights and " +
                                std::to_string(owned_grid_index.size()) + " cells for " + std::to_string(own) +
                                " owned land cells");
  double mine = 0.0;
  for (const double w : owned_weight) {
    if (!(w >= 0.0) || !std::isfinite(w))
      throw std::invalid_argument("LandPartition::rebalanced: weights must be finite and >= 0");
    mine += w;
  }
  // weight before this rank, summed in rank order (the same on every rank)
  std::vector<double> sums(static_cast<size_t>(P));
  MPI_Allgather(&mine, 1, MPI_DOUBLE, sums.data(), 1, MPI_DOUBLE, comm);
  double before = 0.0, total = 0.0;
  for (int q = 0; q < P; ++q) {
    if (q == rank) before = total;
    total += sums[static_cast<size_t>(q)];
  }
  std::vector<double> f(own);
  double acc = before;
  for (size_t i = 0; i < own; ++i) {
    f[i] = acc;
    acc += owned_weight[i];
  }
  return place(comm, current.grid_cells_, current.land_cells(), total, current.first_land(rank), owned_grid_index, f);
}

double LandPartition::imbalance() const {
  double mx = 0.0, sum = 0.0;
  for (double w : rank_weight_) {
    mx = std::max(mx, w);
    sum += w;
  }
  return sum > 0.0 ? mx / (sum / ranks_) - 1.0 : 0.0;
}

}  // namespace alamod::decomposition
