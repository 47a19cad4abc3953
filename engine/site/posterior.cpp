#include "engine/site/posterior.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

namespace alamod::engine {

namespace {

using Matrix = std::vector<std::vector<double>>;

/// Lower Cholesky factor of a symmetric matrix, with jitter added to the diagonal until it is positive
/// definite (a chain's covariance may be singular early on).
Matrix cholesky(Matrix a) {
  const std::size_t n = a.size();
  double scale = 0.0;
  for (std::size_t i = 0; i < n; ++i) scale = std::max(scale, std::fabs(a[i][i]));
  if (!(scale > 0.0)) scale = 1.0;
  for (double jitter = 0.0;; jitter = jitter == 0.0 ? 1e-12 * scale : jitter * 10.0) {
    Matrix l(n, std::vector<double>(n, 0.0));
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i)
      for (std::size_t j = 0; j <= i; ++j) {
        double s = a[i][j] + (i == j ? jitter : 0.0);
        for (std::size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
        if (i == j) {
          if (!(s > 0.0)) {
            ok = false;
            break;
          }
          l[i][i] = std::sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    if (ok) return l;
    if (jitter > scale) throw std::invalid_argument("adaptive Metropolis: the proposal covariance is not usable");
  }
}

std::mt19937_64 chain_rng(std::uint64_t seed, int chain_index) {
  std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                    static_cast<std::uint32_t>(chain_index), 0x616c616du};
  return std::mt19937_64(seq);
}

/// x + L z, z standard normal.
std::vector<double> draw(const std::vector<double>& x, const Matrix& l, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::size_t n = x.size();
  std::vector<double> z(n), y = x;
  for (auto& v : z) v = normal(rng);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k <= i; ++k) y[i] += l[i][k] * z[k];
  return y;
}

bool inside(const std::vector<double>& x, const std::vector<double>& lower, const std::vector<double>& upper) {
  for (std::size_t j = 0; j < x.size(); ++j)
    if (!(x[j] >= lower[j] && x[j] <= upper[j])) return false;
  return true;
}

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const std::size_t i = static_cast<std::size_t>(pos);
  const double f = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - f) + v[i + 1] * f : v[i];
}

}  // namespace

std::vector<double> dispersed_start(const std::vector<double>& centre, const Matrix& cov, const std::vector<double>& lower,
                                    const std::vector<double>& upper, std::uint64_t seed, int chain_index) {
  Matrix c = cov;
  for (auto& row : c)
    for (double& v : row) v *= 4.0;
  const Matrix l = cholesky(c);
  auto rng = chain_rng(seed ^ 0x5354415254ull, chain_index);
  for (int tries = 0; tries < 100; ++tries) {
    auto x = draw(centre, l, rng);
    if (inside(x, lower, upper)) return x;
  }
  std::vector<double> x = centre;
  for (std::size_t j = 0; j < x.size(); ++j) x[j] = std::clamp(x[j], lower[j], upper[j]);
  return x;
}

Chain adaptive_metropolis(const std::function<double(const std::vector<double>&)>& log_post,
                          const std::vector<double>& start, const Matrix& proposal_cov, const std::vector<double>& lower,
                          const std::vector<double>& upper, const ChainSettings& settings, int chain_index) {
  const std::size_t d = start.size();
  const double sd = 2.38 * 2.38 / static_cast<double>(d);
  Matrix c0 = proposal_cov;
  for (auto& row : c0)
    for (double& v : row) v *= sd;
  Matrix l = cholesky(c0);
  auto rng = chain_rng(settings.seed, chain_index);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Chain chain;
  std::vector<double> x = start, mean(d, 0.0);
  double lp = log_post(x);
  Matrix m2(d, std::vector<double>(d, 0.0));  // running sums of products of deviations (Welford)
  for (int t = 0; t < settings.samples; ++t) {
    if (t >= settings.adapt_start && t > static_cast<int>(d) + 1) {
      Matrix c(d, std::vector<double>(d));
      for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j)
          c[i][j] = sd * (m2[i][j] / static_cast<double>(t - 1) + (i == j ? 1e-10 * proposal_cov[i][i] : 0.0));
      l = cholesky(c);
    }
    const std::vector<double> y = draw(x, l, rng);
    const double u = uniform(rng);  // drawn every iteration: the stream does not depend on the bounds
    if (inside(y, lower, upper)) {
      const double lq = log_post(y);
      if (std::isfinite(lq) && std::log(u) < lq - lp) {
        x = y;
        lp = lq;
        ++chain.accepted;
      }
    }
    chain.samples.push_back(x);
    chain.log_posterior.push_back(lp);
    // running mean and covariance of the chain (x_0 .. x_t)
    const double n = static_cast<double>(t + 1);
    std::vector<double> delta(d);
    for (std::size_t i = 0; i < d; ++i) delta[i] = x[i] - mean[i], mean[i] += delta[i] / n;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) m2[i][j] += delta[i] * (x[j] - mean[j]);
  }
  return chain;
}

std::vector<ParameterSummary> diagnose(const std::vector<Chain>& chains, int burn_in) {
  const std::size_t m = chains.size();
  if (m < 2) throw std::invalid_argument("diagnose: need at least 2 chains for the Gelman-Rubin statistic");
  const std::size_t n = chains[0].samples.size() - static_cast<std::size_t>(burn_in);
  if (chains[0].samples.size() <= static_cast<std::size_t>(burn_in) || n < 4)
    throw std::invalid_argument("diagnose: fewer than 4 iterations after the burn-in");
  const std::size_t d = chains[0].samples[0].size();
  std::vector<ParameterSummary> out;
  for (std::size_t j = 0; j < d; ++j) {
    std::vector<std::vector<double>> x(m);
    std::vector<double> all;
    for (std::size_t c = 0; c < m; ++c)
      for (std::size_t t = static_cast<std::size_t>(burn_in); t < chains[c].samples.size(); ++t) {
        x[c].push_back(chains[c].samples[t][j]);
        all.push_back(chains[c].samples[t][j]);
      }
    std::vector<double> mean(m, 0.0), var(m, 0.0);
    double grand = 0.0;
    for (std::size_t c = 0; c < m; ++c) {
      for (double v : x[c]) mean[c] += v;
      mean[c] /= static_cast<double>(n);
      for (double v : x[c]) var[c] += (v - mean[c]) * (v - mean[c]);
      var[c] /= static_cast<double>(n - 1);
      grand += mean[c] / static_cast<double>(m);
    }
    double b = 0.0, w = 0.0;
    for (std::size_t c = 0; c < m; ++c) {
      b += (mean[c] - grand) * (mean[c] - grand);
      w += var[c] / static_cast<double>(m);
    }
    b *= static_cast<double>(n) / static_cast<double>(m - 1);
    const double dn = static_cast<double>(n);
    const double var_plus = (dn - 1.0) / dn * w + b / dn;
    ParameterSummary s{};
    s.mean = grand;
    s.sd = std::sqrt(var_plus);
    s.q05 = quantile(all, 0.05);
    s.q50 = quantile(all, 0.50);
    s.q95 = quantile(all, 0.95);
    s.r_hat = w > 0.0 ? std::sqrt(var_plus / w) : std::numeric_limits<double>::quiet_NaN();
    // effective sample size (BDA3 11.5): rho_t = 1 - (W - mean autocovariance at lag t) / var+, summed over
    // lags while the sum of two successive ones is positive
    double sum_rho = 0.0;
    auto rho = [&](std::size_t lag) {
      double acov = 0.0;
      for (std::size_t c = 0; c < m; ++c) {
        double s2 = 0.0;
        for (std::size_t t = 0; t + lag < n; ++t) s2 += (x[c][t] - mean[c]) * (x[c][t + lag] - mean[c]);
        acov += s2 / dn / static_cast<double>(m);
      }
      return 1.0 - (w - acov) / var_plus;
    };
    if (var_plus > 0.0)
      for (std::size_t lag = 1; lag + 1 < n; lag += 2) {
        const double pair = rho(lag) + rho(lag + 1);
        if (!(pair > 0.0)) break;
        sum_rho += pair;
      }
    s.ess = var_plus > 0.0 ? static_cast<double>(m) * dn / (1.0 + 2.0 * sum_rho) : 0.0;
    out.push_back(s);
  }
  return out;
}

}  // namespace alamod::engine
