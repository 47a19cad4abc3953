#include "engine/configuration/parameter_draws.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>

#include "engine/common/csv_line.hpp"
#include "engine/common/number_format.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

/// Uniform in [0, 1) and standard normal draws from a 64-bit Mersenne twister, written out so that the
/// draws are the same with every standard library (std::normal_distribution is not specified bit for bit).
struct Draws {
  explicit Draws(std::uint64_t seed) : engine(seed) {}
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }
  double normal() {  // Box-Muller, the cosine branch
    double u = 0;
    while (u <= 0) u = uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * 3.14159265358979323846 * uniform());
  }
  std::mt19937_64 engine;
};


/// The lower-triangular L of `c` = L L^T; a zero pivot (a parameter without variance) gives a zero column.
std::vector<std::vector<double>> cholesky(const std::vector<std::vector<double>>& c, const std::string& where) {
  const size_t n = c.size();
  std::vector<std::vector<double>> l(n, std::vector<double>(n, 0.0));
  for (size_t j = 0; j < n; ++j) {
    double d = c[j][j];
    for (size_t k = 0; k < j; ++k) d -= l[j][k] * l[j][k];
    const double tol = 1e-12 * std::max(1.0, std::fabs(c[j][j]));
    if (d < -tol) throw InputError(where + ": [fit.covariance] is not positive semi-definite (row " + std::to_string(j + 1) + ")");
    l[j][j] = d > tol ? std::sqrt(d) : 0.0;
    for (size_t i = j + 1; i < n; ++i) {
      double s = c[i][j];
      for (size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      l[i][j] = l[j][j] > 0 ? s / l[j][j] : 0.0;
    }
  }
  return l;
}

}  // namespace

double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double h = (sorted.size() - 1) * q;
  const size_t lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

EnsembleDraws draw_ensemble(const EnsembleOptions& o, const std::string& model) {
  if (o.members < 2) throw InputError("--ensemble " + std::to_string(o.members) + ": at least 2 members");
  if (o.fit.empty()) throw InputError("--ensemble needs --parameters FIT.toml (a parameter file of alamod calibrate)");
  toml::table t;
  try {
    t = toml::parse_file(o.fit);
  } catch (const toml::parse_error& e) {
    throw InputError(o.fit + ": not a TOML file (" + std::string(e.description()) + ")");
  }
  EnsembleDraws d;
  d.model = t["model"].value_or(std::string());
  if (!d.model.empty() && d.model != model)
    throw InputError(o.fit + ": parameters of model '" + d.model + "', the run's model is " + model);
  const toml::array* names = t.at_path("fit.parameters").as_array();
  if (!names || names->empty())
    throw InputError(o.fit + ": no [fit] parameters list: an ensemble needs a calibration's parameter file");
  for (const auto& n : *names) d.names.push_back(n.value_or(std::string()));
  const auto& info = find_model(model).info;
  std::vector<double> lower, upper, mean;
  for (const auto& name : d.names) {
    const auto row = std::find_if(info.parameters.begin(), info.parameters.end(),
                                  [&](const models::ParameterRow& p) { return p.name == name; });
    if (row == info.parameters.end()) throw InputError(o.fit + ": [fit] parameters names '" + name + "', not a " + model + " parameter");
    lower.push_back(row->lower);
    upper.push_back(row->upper);
    const auto m = t.at_path("parameters." + name).value<double>();
    if (!m) throw InputError(o.fit + ": [parameters] lacks " + name);
    if (!(*m >= row->lower && *m <= row->upper))  // a mean outside the bounds: no draw would be kept
      throw InputError(o.fit + ": [parameters] " + name + " = " + format_number("%g", *m) + " is outside its bounds " +
                       format_number("%g", row->lower) + " to " + format_number("%g", row->upper) +
                       " (alamod models show " + model + ")");
    mean.push_back(*m);
  }
  const std::string samples = t.at_path("fit.posterior.samples").value_or(std::string());
  d.source = o.source == "auto" ? (samples.empty() ? "covariance" : "posterior") : o.source;
  Draws rng(o.seed);
  const size_t n = d.names.size();
  if (d.source == "posterior") {
    if (samples.empty()) throw InputError(o.fit + ": no [fit.posterior] samples (run alamod calibrate --mcmc), or use --ensemble-from covariance");
    const auto slash = o.fit.find_last_of('/');
    const std::string path = samples.front() == '/' || slash == std::string::npos ? samples : o.fit.substr(0, slash + 1) + samples;
    std::ifstream in(path);
    if (!in) throw InputError(path + ": the posterior samples named by " + o.fit + " cannot be read");
    std::string line;
    std::getline(in, line);
    const auto cols = csv_fields(line);
    std::vector<size_t> at;
    for (const auto& name : d.names) {
      const auto it = std::find(cols.begin(), cols.end(), name);
      if (it == cols.end()) throw InputError(path + ": no column '" + name + "'");
      at.push_back(static_cast<size_t>(it - cols.begin()));
    }
    std::vector<std::vector<double>> rows;
    long row = 1;
    while (std::getline(in, line)) {
      ++row;
      if (line.empty()) continue;
      const auto f = csv_fields(line);
      std::vector<double> v;
      for (size_t j = 0; j < at.size(); ++j) {
        const size_t c = at[j];
        if (c >= f.size()) throw InputError(path + ":" + std::to_string(row) + ": too few fields");
        char* end = nullptr;
        const double x = std::strtod(f[c].c_str(), &end);
        if (f[c].empty() || *end != '\0' || !std::isfinite(x))
          throw InputError(path + ":" + std::to_string(row) + ", column '" + d.names[j] + "': '" + f[c] +
                           "' is not a finite number");
        v.push_back(x);
      }
      rows.push_back(std::move(v));
    }
    if (rows.empty()) throw InputError(path + ": no samples");
    for (int k = 0; k < o.members; ++k)
      d.values.push_back(rows[static_cast<size_t>(rng.uniform() * static_cast<double>(rows.size())) % rows.size()]);
    return d;
  }
  if (d.source != "covariance") throw InputError("--ensemble-from '" + o.source + "': posterior, covariance or auto");
  std::vector<std::vector<double>> cov(n, std::vector<double>(n, 0.0));
  if (!t.at_path("fit.covariance").as_table())
    throw InputError(o.fit +
                     ": no [fit.covariance] table (a row per [fit] parameter), or use --ensemble-from posterior");
  for (size_t j = 0; j < n; ++j) {
    const toml::array* r = t.at_path("fit.covariance." + d.names[j]).as_array();
    if (!r || r->size() != n)
      throw InputError(o.fit + ": [fit.covariance] " + d.names[j] + " must be a row of " + std::to_string(n) + " numbers");
    for (size_t k = 0; k < n; ++k) {
      // a value that is not a finite number would be read as no variance, silently
      const auto v = (*r)[k].value<double>();
      if (!v || !std::isfinite(*v))
        throw InputError(o.fit + ": [fit.covariance] " + d.names[j] + ", column " + std::to_string(k + 1) + " (" +
                         d.names[k] + "): not a finite number");
      cov[j][k] = *v;
    }
  }
  // symmetric: the draws use the lower triangle only, so a different upper one would be ignored silently
  for (size_t j = 0; j < n; ++j)
    for (size_t k = 0; k < j; ++k)
      if (!(std::fabs(cov[j][k] - cov[k][j]) <= 1e-9 * std::max(std::fabs(cov[j][k]), std::fabs(cov[k][j]))))
        throw InputError(o.fit + ": [fit.covariance] is not symmetric: " + d.names[j] + ", column " +
                         std::to_string(k + 1) + " = " + format_number("%g", cov[j][k]) + " but " + d.names[k] +
                         ", column " + std::to_string(j + 1) + " = " + format_number("%g", cov[k][j]));
  const auto l = cholesky(cov, o.fit);
  for (int k = 0; k < o.members; ++k) {
    std::vector<double> x;
    for (int attempt = 0;; ++attempt) {
      if (attempt == 1000)
        throw InputError(o.fit + ": 1000 draws from [fit.covariance] in a row fell outside the parameters' bounds "
                         "(alamod models show " + model + "): the covariance is too wide for them");
      std::vector<double> z(n);
      for (double& v : z) v = rng.normal();
      x = mean;
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j <= i; ++j) x[i] += l[i][j] * z[j];
      bool inside = true;
      for (size_t i = 0; i < n; ++i) inside = inside && x[i] >= lower[i] && x[i] <= upper[i];
      if (inside) break;
    }
    d.values.push_back(x);
  }
  return d;
}

}  // namespace alamod::engine
