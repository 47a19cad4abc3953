#include "engine/site_data/esm.hpp"

#include <stdexcept>
#include <string>

namespace alamod::engine {

NaturalCubicSpline::NaturalCubicSpline(std::vector<double> x, std::vector<double> y)
    : x_(std::move(x)), y_(std::move(y)), m_(x_.size(), 0.0) {
  const std::size_t n = x_.size();
  if (n < 2 || y_.size() != n) throw std::invalid_argument("cubic spline: expected at least 2 points, as many x as y");
  for (std::size_t i = 1; i < n; ++i)
    if (!(x_[i] > x_[i - 1])) throw std::invalid_argument("cubic spline: x not strictly increasing at point " + std::to_string(i));
  if (n == 2) return;
  // tridiagonal system for the interior second derivatives m_1..m_{n-2} (m_0 = m_{n-1} = 0):
  // h_{i-1} m_{i-1} + 2 (h_{i-1} + h_i) m_i + h_i m_{i+1} = 6 ((y_{i+1} - y_i)/h_i - (y_i - y_{i-1})/h_{i-1})
  std::vector<double> diag(n, 0.0), upper(n, 0.0), rhs(n, 0.0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double h0 = x_[i] - x_[i - 1], h1 = x_[i + 1] - x_[i];
    diag[i] = 2.0 * (h0 + h1);
    upper[i] = h1;
    rhs[i] = 6.0 * ((y_[i + 1] - y_[i]) / h1 - (y_[i] - y_[i - 1]) / h0);
  }
  // Thomas algorithm (the matrix is diagonally dominant)
  for (std::size_t i = 2; i + 1 < n; ++i) {
    const double lower = x_[i] - x_[i - 1];
    const double w = lower / diag[i - 1];
    diag[i] -= w * upper[i - 1];
    rhs[i] -= w * rhs[i - 1];
  }
  for (std::size_t i = n - 2; i >= 1; --i) {
    m_[i] = (rhs[i] - upper[i] * m_[i + 1]) / diag[i];
    if (i == 1) break;
  }
}

double NaturalCubicSpline::operator()(double t) const {
  std::size_t k = 1;
  while (k + 1 < x_.size() && t > x_[k]) ++k;
  const double h = x_[k] - x_[k - 1];
  const double a = (x_[k] - t) / h, b = (t - x_[k - 1]) / h;
  return a * y_[k - 1] + b * y_[k] + ((a * a * a - a) * m_[k - 1] + (b * b * b - b) * m_[k]) * h * h / 6.0;
}

std::vector<double> esm_cumulative_soc(const std::vector<double>& cum_mass, const std::vector<double>& cum_soc,
                                       const std::vector<double>& ref_mass) {
  if (cum_mass.empty() || cum_mass.size() != cum_soc.size())
    throw std::invalid_argument("equivalent soil mass: expected one cumulative SOC per cumulative mass");
  std::vector<double> x{0.0}, y{0.0};
  x.insert(x.end(), cum_mass.begin(), cum_mass.end());
  y.insert(y.end(), cum_soc.begin(), cum_soc.end());
  const NaturalCubicSpline spline(x, y);  // refuses masses that do not increase
  std::vector<double> out;
  double previous = 0.0;
  for (const double r : ref_mass) {
    if (!(r > previous) || r > cum_mass.back() * (1 + 1e-12))
      throw std::invalid_argument("equivalent soil mass: reference mass " + std::to_string(r) +
                                  " not increasing or beyond the profile's " + std::to_string(cum_mass.back()) +
                                  " (no extrapolation)");
    out.push_back(spline(r));
    previous = r;
  }
  return out;
}

}  // namespace alamod::engine
