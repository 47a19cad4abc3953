#pragma once
// The standard normal quantile, for turning a prediction interval into a normal-equivalent standard deviation
// (`alamod spectra predict`, `alamod evaluate`, `alamod sites validate`: sd = half-width / z((1 + L) / 2)).

#include <cmath>

namespace alamod::engine {

/// z with Phi(z) = p, 0 < p < 1 (bisection on erfc over [-10, 10], 200 steps: deterministic, exact to the last
/// bits of a double; z(0.95) = 1.6448536269514722).
inline double normal_quantile(double p) {
  double lo = -10, hi = 10;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/// The normal-equivalent standard deviation of an interval [lower, upper] of central coverage `level` (0 < level < 1):
/// (upper - lower) / 2 / z((1 + level) / 2). A 90 % interval of half-width h gives h / 1.645.
inline double interval_sd(double lower, double upper, double level) {
  return 0.5 * (upper - lower) / normal_quantile(0.5 + 0.5 * level);
}

}  // namespace alamod::engine
