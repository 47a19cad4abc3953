// Fast spin-up, the plain part: the helpers of the exact linear equilibria and of the Newton cycles
// (no PETSc; the SNES of nonlinear cycles is in nonlinear_spinup.cpp, which only the engine links).
#include "engine/spinup/spinup.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

namespace alamod::engine::spinup {

double relative_change(int n, const double* before, const double* after) {
  double total = 0.0;
  for (int i = 0; i < n; ++i) total += std::fabs(before[i]);
  const double floor = 1e-12 * total;
  double worst = 0.0;
  for (int i = 0; i < n; ++i) {
    const double change = std::fabs(after[i] - before[i]) / std::max({std::fabs(before[i]), floor, 1e-300});
    if (!std::isfinite(change)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, change);
  }
  return worst;
}

bool solve_dense(int n, double* a, double* b) {
  for (int k = 0; k < n; ++k) {
    int pivot = k;
    for (int i = k + 1; i < n; ++i)
      if (std::fabs(a[i * n + k]) > std::fabs(a[pivot * n + k])) pivot = i;
    if (!(std::fabs(a[pivot * n + k]) > 0.0) || !std::isfinite(a[pivot * n + k])) return false;
    if (pivot != k) {
      for (int j = 0; j < n; ++j) std::swap(a[k * n + j], a[pivot * n + j]);
      std::swap(b[k], b[pivot]);
    }
    for (int i = k + 1; i < n; ++i) {
      const double l = a[i * n + k] / a[k * n + k];
      for (int j = k + 1; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
      b[i] -= l * b[k];
    }
  }
  for (int k = n - 1; k >= 0; --k) {
    double sum = b[k];
    for (int j = k + 1; j < n; ++j) sum -= a[k * n + j] * b[j];
    b[k] = sum / a[k * n + k];
  }
  return true;
}

void matrix_product(int n, const double* a, const double* b, double* out) {
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int k = 0; k < n; ++k) sum += a[i * n + k] * b[k * n + j];
      out[i * n + j] = sum;
    }
}

void matrix_power(int n, const double* s, long k, double* out) {
  double result[kMaxPools * kMaxPools], base[kMaxPools * kMaxPools], tmp[kMaxPools * kMaxPools];
  for (int i = 0; i < n * n; ++i) result[i] = 0.0, base[i] = s[i];
  for (int i = 0; i < n; ++i) result[i * n + i] = 1.0;
  while (k > 0) {
    if (k & 1) {
      matrix_product(n, result, base, tmp);
      std::copy(tmp, tmp + n * n, result);
    }
    k >>= 1;
    if (k > 0) {
      matrix_product(n, base, base, tmp);
      std::copy(tmp, tmp + n * n, base);
    }
  }
  std::copy(result, result + n * n, out);
}

}  // namespace alamod::engine::spinup
