#pragma once
/// Small dense matrices (N up to ~10) for linear pool models solved exactly over
/// a step: the matrix exponential and a linear solve. Pure, header-only,
/// deterministic (IEEE +, -, *, / in a fixed order and det_exp).
///
/// Matrix exponential e^X: scaling and squaring of a shifted Taylor approximant.
///   1. s = the smallest integer with ||X||_1 / 2^s <= 1/4; Y = X / 2^s (exact);
///   2. c = max(0, -min_i Y_ii) <= 1/4 and Z = Y + c I, so ||Z||_1 <= 1/2;
///   3. e^Y = e^-c (I + Z + Z^2/2! + ... + Z^16/16!) by Horner's rule (truncation
///      <= 0.5^17/17! e^0.5 ~ 3e-20 relative);
///   4. s squarings: e^X = (e^Y)^(2^s).
/// For the matrices of pool models (compartmental: off-diagonal >= 0, inputs >= 0)
/// Z and every power and product are non-negative, so no term cancels and every
/// entry, however small (a pool decayed to 1e-40 of its start), keeps a relative
/// accuracy of a few hundred ulp; for other matrices the accuracy is the usual
/// normwise one of scaling and squaring.
/// References: Moler C, Van Loan C (2003) Nineteen dubious ways to compute the
/// exponential of a matrix, twenty-five years later, SIAM Review 45, 3-49;
/// Higham NJ (2005) SIAM J. Matrix Anal. Appl. 26, 1179-1193.
#include <array>
#include <cmath>
#include <utility>

#include "models/common/det_math.hpp"

namespace alamod::models::matrix {

template <int N> using Vector = std::array<double, N>;
template <int N> using SquareMatrix = std::array<std::array<double, N>, N>;  ///< row-major: m[row][column]

template <int N> SquareMatrix<N> zero() {
  SquareMatrix<N> m{};
  return m;
}

template <int N> SquareMatrix<N> identity() {
  SquareMatrix<N> m{};
  for (int i = 0; i < N; ++i) m[i][i] = 1.0;
  return m;
}

/// a b
template <int N> SquareMatrix<N> multiply(const SquareMatrix<N>& a, const SquareMatrix<N>& b) {
  SquareMatrix<N> c{};
  for (int i = 0; i < N; ++i)
    for (int k = 0; k < N; ++k) {
      const double aik = a[i][k];
      for (int j = 0; j < N; ++j) c[i][j] += aik * b[k][j];
    }
  return c;
}

/// m v
template <int N> Vector<N> multiply(const SquareMatrix<N>& m, const Vector<N>& v) {
  Vector<N> r{};
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) r[i] += m[i][j] * v[j];
  return r;
}

/// Maximum absolute column sum.
template <int N> double norm_1(const SquareMatrix<N>& m) {
  double largest = 0.0;
  for (int j = 0; j < N; ++j) {
    double sum = 0.0;
    for (int i = 0; i < N; ++i) sum += std::fabs(m[i][j]);
    largest = sum > largest ? sum : largest;
  }
  return largest;
}

/// e^X (see the header comment for the method). A NaN or infinite entry gives
/// NaN entries.
template <int N> SquareMatrix<N> exp(const SquareMatrix<N>& x) {
  constexpr int kTaylorDegree = 16;
  constexpr double kScaledNorm = 0.25;  // ||Y||_1 after scaling
  constexpr int kMaxSquarings = 1100;   // 2^1100 exceeds every finite norm
  double norm = norm_1<N>(x);
  int squarings = 0;
  double scale = 1.0;  // 2^-squarings, exact
  while (norm > kScaledNorm && squarings < kMaxSquarings) {
    norm *= 0.5;
    scale *= 0.5;
    ++squarings;
  }
  SquareMatrix<N> z = x;
  double shift = 0.0;
  for (int i = 0; i < N; ++i) {
    for (double& v : z[i]) v *= scale;
    shift = -z[i][i] > shift ? -z[i][i] : shift;
  }
  for (int i = 0; i < N; ++i) z[i][i] += shift;
  // P = I + Z/m; P <- I + Z P / k for k = m-1 .. 1: P = Taylor polynomial of e^Z.
  SquareMatrix<N> p = identity<N>();
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) p[i][j] += z[i][j] / kTaylorDegree;
  for (int k = kTaylorDegree - 1; k >= 1; --k) {
    const SquareMatrix<N> zp = multiply<N>(z, p);
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) p[i][j] = (i == j ? 1.0 : 0.0) + zp[i][j] / k;
  }
  const double unshift = det_exp(-shift);
  for (auto& row : p)
    for (double& v : row) v *= unshift;
  for (int s = 0; s < squarings; ++s) p = multiply<N>(p, p);
  return p;
}

/// Solves a x = b by Gaussian elimination with partial (row) pivoting. Returns
/// false, leaving x unspecified, if a pivot is zero or not finite.
template <int N> bool solve(SquareMatrix<N> a, Vector<N> b, Vector<N>& x) {
  for (int k = 0; k < N; ++k) {
    int pivot = k;
    for (int i = k + 1; i < N; ++i)
      if (std::fabs(a[i][k]) > std::fabs(a[pivot][k])) pivot = i;
    if (!(std::fabs(a[pivot][k]) > 0.0) || !std::isfinite(a[pivot][k])) return false;
    if (pivot != k) {
      std::swap(a[pivot], a[k]);
      std::swap(b[pivot], b[k]);
    }
    for (int i = k + 1; i < N; ++i) {
      const double factor = a[i][k] / a[k][k];
      a[i][k] = 0.0;
      for (int j = k + 1; j < N; ++j) a[i][j] -= factor * a[k][j];
      b[i] -= factor * b[k];
    }
  }
  for (int i = N - 1; i >= 0; --i) {
    double sum = b[i];
    for (int j = i + 1; j < N; ++j) sum -= a[i][j] * x[j];
    x[i] = sum / a[i][i];
  }
  return true;
}

}  // namespace alamod::models::matrix
