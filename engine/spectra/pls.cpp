#include "engine/spectra/pls.hpp"

#include <cmath>
#include <stdexcept>

namespace alamod::engine::spectra {

const char* algorithm_name(PlsAlgorithm a) { return a == PlsAlgorithm::nipals ? "nipals" : "simpls"; }

double PlsFit::predict(const double* x, std::size_t a) const {
  const double* b = coefficients.row(a - 1);
  double s = 0;
  for (std::size_t j = 0; j < x_mean.size(); ++j) s += (x[j] - x_mean[j]) * b[j];
  return y_mean + s;
}

namespace {

double dot(const double* a, const double* b, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

PlsFit fit_pls(const Matrix& x, const std::vector<double>& y, const std::vector<std::size_t>& rows_in,
               std::size_t components, PlsAlgorithm algorithm) {
  std::vector<std::size_t> rows = rows_in;
  if (rows.empty())
    for (std::size_t i = 0; i < x.rows; ++i) rows.push_back(i);
  const std::size_t n = rows.size(), p = x.cols, A = components;
  if (A < 1 || A > p || A + 1 > n)
    throw std::invalid_argument("PLS with " + std::to_string(A) + " components needs at least " + std::to_string(A + 1) +
                                " samples and " + std::to_string(A) + " bands; there are " + std::to_string(n) +
                                " samples and " + std::to_string(p) + " bands");
  PlsFit fit;
  fit.x_mean.assign(p, 0.0);
  for (std::size_t i : rows) {
    const double* xi = x.row(i);
    for (std::size_t j = 0; j < p; ++j) fit.x_mean[j] += xi[j];
    fit.y_mean += y[i];
  }
  for (std::size_t j = 0; j < p; ++j) fit.x_mean[j] /= double(n);
  fit.y_mean /= double(n);
  Matrix e(n, p);  // centred X, deflated in place by NIPALS
  std::vector<double> f(n);
  for (std::size_t r = 0; r < n; ++r) {
    const double* xi = x.row(rows[r]);
    for (std::size_t j = 0; j < p; ++j) e(r, j) = xi[j] - fit.x_mean[j];
    f[r] = y[rows[r]] - fit.y_mean;
  }
  Matrix W(A, p), P(A, p), R(A, p);  // row a: component a's weights, loadings, and the columns of W (PᵀW)⁻¹
  std::vector<double> q(A), t(n), w(p);
  fit.coefficients = Matrix(A, p);
  auto fail = [&](std::size_t a) {
    throw std::invalid_argument("PLS component " + std::to_string(a + 1) +
                                " has no variance left to explain; choose fewer components");
  };
  if (algorithm == PlsAlgorithm::nipals) {
    for (std::size_t a = 0; a < A; ++a) {
      for (std::size_t j = 0; j < p; ++j) w[j] = 0;
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < p; ++j) w[j] += e(r, j) * f[r];
      const double wn = std::sqrt(dot(w.data(), w.data(), p));
      if (!(wn > 0)) fail(a);
      for (std::size_t j = 0; j < p; ++j) w[j] /= wn;
      for (std::size_t r = 0; r < n; ++r) t[r] = dot(e.row(r), w.data(), p);
      const double tt = dot(t.data(), t.data(), n);
      if (!(tt > 0)) fail(a);
      double* pa = P.row(a);
      for (std::size_t j = 0; j < p; ++j) pa[j] = 0;
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < p; ++j) pa[j] += e(r, j) * t[r];
      for (std::size_t j = 0; j < p; ++j) pa[j] /= tt;
      q[a] = dot(f.data(), t.data(), n) / tt;
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t j = 0; j < p; ++j) e(r, j) -= t[r] * pa[j];
        f[r] -= t[r] * q[a];
      }
      for (std::size_t j = 0; j < p; ++j) W(a, j) = w[j];
      // R = W (PᵀW)⁻¹, column by column: PᵀW is upper triangular (upper bidiagonal for PLS1) with a unit
      // diagonal, so r_a = w_a - sum_{b<a} (p_bᵀ w_a) r_b
      double* ra = R.row(a);
      for (std::size_t j = 0; j < p; ++j) ra[j] = w[j];
      for (std::size_t b = 0; b < a; ++b) {
        const double c = dot(P.row(b), w.data(), p);
        const double* rb = R.row(b);
        for (std::size_t j = 0; j < p; ++j) ra[j] -= c * rb[j];
      }
    }
  } else {
    std::vector<double> s(p, 0.0), v(p);
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t j = 0; j < p; ++j) s[j] += e(r, j) * f[r];
    Matrix V(A, p);
    for (std::size_t a = 0; a < A; ++a) {
      double* ra = R.row(a);
      for (std::size_t j = 0; j < p; ++j) ra[j] = s[j];
      for (std::size_t r = 0; r < n; ++r) t[r] = dot(e.row(r), ra, p);
      double tm = 0;
      for (std::size_t r = 0; r < n; ++r) tm += t[r];
      tm /= double(n);
      for (std::size_t r = 0; r < n; ++r) t[r] -= tm;
      const double tn = std::sqrt(dot(t.data(), t.data(), n));
      if (!(tn > 0)) fail(a);
      for (std::size_t r = 0; r < n; ++r) t[r] /= tn;
      for (std::size_t j = 0; j < p; ++j) ra[j] /= tn;
      double* pa = P.row(a);
      for (std::size_t j = 0; j < p; ++j) pa[j] = 0;
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t j = 0; j < p; ++j) pa[j] += e(r, j) * t[r];
      q[a] = dot(f.data(), t.data(), n);
      for (std::size_t j = 0; j < p; ++j) v[j] = pa[j];
      for (std::size_t b = 0; b < a; ++b) {
        const double c = dot(V.row(b), pa, p);
        for (std::size_t j = 0; j < p; ++j) v[j] -= c * V(b, j);
      }
      const double vn = std::sqrt(dot(v.data(), v.data(), p));
      if (!(vn > 0)) fail(a);
      for (std::size_t j = 0; j < p; ++j) V(a, j) = v[j] / vn;
      const double vs = dot(V.row(a), s.data(), p);
      for (std::size_t j = 0; j < p; ++j) s[j] -= V(a, j) * vs;
    }
  }
  for (std::size_t a = 0; a < A; ++a) {
    double* ba = fit.coefficients.row(a);
    const double* prev = a > 0 ? fit.coefficients.row(a - 1) : nullptr;
    const double* ra = R.row(a);
    for (std::size_t j = 0; j < p; ++j) ba[j] = (prev ? prev[j] : 0.0) + ra[j] * q[a];
  }
  return fit;
}

}  // namespace alamod::engine::spectra
