#pragma once
/// Small dense matrices (N up to ~10) for linear pool models solved exactly over
/// a step: the matrix exponential and a linear solve. Pure, header-only,
/// deterministic (IEEE +, -, *, / in a fixed order; no libm call).
///
/// Matrix exponential: scaling and squaring of a Taylor approximant, computed as
/// E = e^X - I throughout (the "expm1" form), so columns whose exponential stays
/// close to the identity (slow pools, short steps, input columns of an augmented
/// matrix) keep full relative accuracy:
///   1. s = the smallest integer with ||X||_1 / 2^s <= 1/2 (exact scaling by 2^-s);
///   2. E = Y + Y^2/2! + ... + Y^16/16! for Y = X / 2^s, by Horner's rule
///      (truncation error <= 0.5^17/17! e^0.5 ~ 3e-20 relative to ||Y||);
///   3. s times E <- 2E + E E, since e^{2Y} - I = 2(e^Y - I) + (e^Y - I)^2.
/// References: Moler C, Van Loan C (2003) Nineteen dubious ways to compute the
/// exponential of a matrix, twenty-five years later, SIAM Review 45, 3-49;
/// Higham NJ (2005) SIAM J. Matrix Anal. Appl. 26, 1179-1193.
#include <array>
#include <cmath>
#include <utility>

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

/// e^X - I (see the header comment for the method). A NaN or infinite entry
/// gives NaN entries.
template <int N> SquareMatrix<N> exp_minus_identity(const SquareMatrix<N>& x) {
  constexpr int kTaylorDegree = 16;
  constexpr double kScaledNorm = 0.5;  // ||Y||_1 after scaling
  constexpr int kMaxSquarings = 1100;  // 2^1100 exceeds every finite norm
  double norm = norm_1<N>(x);
  int squarings = 0;
  double scale = 1.0;  // 2^-squarings, exact
  while (norm > kScaledNorm && squarings < kMaxSquarings) {
    norm *= 0.5;
    scale *= 0.5;
    ++squarings;
  }
  SquareMatrix<N> y = x;
  for (auto& row : y)
    for (double& v : row) v *= scale;
  // P = I + Y/m; P <- I + Y P / j for j = m-1 .. 2; E = Y P.
  SquareMatrix<N> p = identity<N>();
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) p[i][j] += y[i][j] / kTaylorDegree;
  for (int k = kTaylorDegree - 1; k >= 2; --k) {
    SquareMatrix<N> yp = multiply<N>(y, p);
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) p[i][j] = (i == j ? 1.0 : 0.0) + yp[i][j] / k;
  }
  SquareMatrix<N> e = multiply<N>(y, p);
  for (int s = 0; s < squarings; ++s) {
    const SquareMatrix<N> ee = multiply<N>(e, e);
    for (int i = 0; i < N; ++i)
      for (int j = 0; j < N; ++j) e[i][j] = (e[i][j] + e[i][j]) + ee[i][j];
  }
  return e;
}

/// e^X
template <int N> SquareMatrix<N> exp(const SquareMatrix<N>& x) {
  SquareMatrix<N> e = exp_minus_identity<N>(x);
  for (int i = 0; i < N; ++i) e[i][i] += 1.0;
  return e;
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
