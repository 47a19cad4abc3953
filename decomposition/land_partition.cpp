#include "decomposition/land_partition.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace alamod::decomposition {

LandPartition::LandPartition(const std::vector<std::uint8_t>& is_land, std::int64_t grid_cells,
                             const std::vector<double>& weight, int ranks)
    : ranks_(ranks), grid_cells_(grid_cells) {
  if (ranks < 1) throw std::invalid_argument("LandPartition: ranks must be >= 1");
  for (std::int64_t i = 0; i < grid_cells; ++i)
    if (is_land[static_cast<size_t>(i)]) land_index_.push_back(i);
  const std::int64_t n = land_cells();
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
}

std::int64_t LandPartition::grid_begin(int r) const {
  if (r == 0) return 0;
  return first_land_[r] < land_cells() ? land_index_[first_land_[r]] : grid_cells_;
}

std::int64_t LandPartition::grid_end(int r) const { return r + 1 == ranks_ ? grid_cells_ : grid_begin(r + 1); }

double LandPartition::imbalance() const {
  double mx = 0.0, sum = 0.0;
  for (double w : rank_weight_) {
    mx = std::max(mx, w);
    sum += w;
  }
  return sum > 0.0 ? mx / (sum / ranks_) - 1.0 : 0.0;
}

}  // namespace alamod::decomposition
