#include "engine/spectra/transfer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace alamod::engine::spectra {

namespace {

/// Eigen-decomposition of a symmetric w x w matrix (row-major) by cyclic Jacobi rotations: eigenvalues in
/// `values`, eigenvectors in the columns of `vectors`. Small windows only (w <= a few tens); a fixed order of
/// rotations, so the same bits on every machine (the build has -ffp-contract=off).
void jacobi_eigen(std::vector<double> a, std::size_t w, std::vector<double>& values, std::vector<double>& vectors) {
  vectors.assign(w * w, 0.0);
  for (std::size_t i = 0; i < w; ++i) vectors[i * w + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0, diag = 0;
    for (std::size_t i = 0; i < w; ++i)
      for (std::size_t j = 0; j < w; ++j) (i == j ? diag : off) += a[i * w + j] * a[i * w + j];
    if (off <= 1e-30 * diag || off == 0) break;
    for (std::size_t p = 0; p + 1 < w; ++p)
      for (std::size_t q = p + 1; q < w; ++q) {
        const double apq = a[p * w + q];
        if (apq == 0) continue;
        const double theta = (a[q * w + q] - a[p * w + p]) / (2 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < w; ++k) {  // columns p, q
          const double akp = a[k * w + p], akq = a[k * w + q];
          a[k * w + p] = c * akp - s * akq;
          a[k * w + q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < w; ++k) {  // rows p, q
          const double apk = a[p * w + k], aqk = a[q * w + k];
          a[p * w + k] = c * apk - s * aqk;
          a[q * w + k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < w; ++k) {
          const double vkp = vectors[k * w + p], vkq = vectors[k * w + q];
          vectors[k * w + p] = c * vkp - s * vkq;
          vectors[k * w + q] = s * vkp + c * vkq;
        }
      }
  }
  values.resize(w);
  for (std::size_t i = 0; i < w; ++i) values[i] = a[i * w + i];
}

}  // namespace

void InstrumentTransfer::apply(const double* in, double* out) const {
  for (std::size_t j = 0; j < intercept.size(); ++j) {
    double s = intercept[j];
    const auto& f = coefficients[j];
    for (std::size_t k = 0; k < f.size(); ++k) s += f[k] * in[first[j] + k];
    out[j] = s;
  }
}

InstrumentTransfer fit_pds(const std::vector<double>& master, const std::vector<double>& slave, std::size_t n,
                           std::size_t p, std::size_t window, std::size_t components) {
  if (n < 2) throw std::invalid_argument("PDS needs at least 2 transfer samples, got " + std::to_string(n));
  if (window < 1 || window % 2 == 0 || window > p)
    throw std::invalid_argument("PDS window " + std::to_string(window) + ": expected an odd number of bands, 1 to " +
                                std::to_string(p));
  if (components < 1) throw std::invalid_argument("PDS components: expected at least 1");
  if (master.size() != n * p || slave.size() != n * p) throw std::invalid_argument("PDS: master and slave sizes differ");
  InstrumentTransfer t;
  t.method = "pds";
  t.window = window;
  t.components = components;
  t.samples = n;
  t.intercept.resize(p);
  t.first.resize(p);
  t.coefficients.resize(p);
  const std::size_t h = window / 2;
  std::vector<double> xc, c, values, vectors, xty;
  for (std::size_t j = 0; j < p; ++j) {
    const std::size_t a = j >= h ? j - h : 0, b = std::min(p, j + h + 1), w = b - a;
    // centred window of the slave, centred master band
    std::vector<double> xm(w, 0.0);
    double ym = 0;
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < w; ++k) xm[k] += slave[i * p + a + k];
      ym += master[i * p + j];
    }
    for (auto& v : xm) v /= double(n);
    ym /= double(n);
    xc.assign(n * w, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < w; ++k) xc[i * w + k] = slave[i * p + a + k] - xm[k];
    // X'X and X'y
    c.assign(w * w, 0.0);
    xty.assign(w, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double y = master[i * p + j] - ym;
      for (std::size_t k = 0; k < w; ++k) {
        xty[k] += xc[i * w + k] * y;
        for (std::size_t l = 0; l < w; ++l) c[k * w + l] += xc[i * w + k] * xc[i * w + l];
      }
    }
    jacobi_eigen(c, w, values, vectors);
    std::vector<std::size_t> order(w);
    for (std::size_t k = 0; k < w; ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return values[x] > values[y]; });
    const double top = values[order[0]];
    std::vector<double> f(w, 0.0);
    for (std::size_t r = 0; r < std::min(components, w); ++r) {
      const std::size_t e = order[r];
      if (!(values[e] > 1e-12 * top) || !(top > 0)) break;
      double proj = 0;
      for (std::size_t k = 0; k < w; ++k) proj += vectors[k * w + e] * xty[k];
      for (std::size_t k = 0; k < w; ++k) f[k] += vectors[k * w + e] * proj / values[e];
    }
    double b0 = ym;
    for (std::size_t k = 0; k < w; ++k) b0 -= f[k] * xm[k];
    t.intercept[j] = b0;
    t.first[j] = a;
    t.coefficients[j] = std::move(f);
  }
  // how far apart the instruments were on the transfer samples, and after the transfer
  std::vector<double> out(p);
  double before = 0, after = 0;
  for (std::size_t i = 0; i < n; ++i) {
    t.apply(slave.data() + i * p, out.data());
    for (std::size_t j = 0; j < p; ++j) {
      const double d0 = master[i * p + j] - slave[i * p + j], d1 = master[i * p + j] - out[j];
      before += d0 * d0;
      after += d1 * d1;
    }
  }
  t.rms_before = std::sqrt(before / double(n * p));
  t.rms_after = std::sqrt(after / double(n * p));
  return t;
}

}  // namespace alamod::engine::spectra
