#include "models/century/century.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/common/det_math.hpp"
#include "models/yasso/small_matrix.hpp"

namespace alamod::models::century {

namespace {

void require_fraction(double v, const char* name) {
  if (!(v >= 0.0 && v <= 1.0))
    reject("century site: " + std::string(name) + " = " + shortest_text(v) + " is outside [0, 1]");
}

}  // namespace

void validate(const Parameters& p) {
  check_bounds("century", kParameterInfo, p);
  if (!(p.slow_respired + p.slow_to_passive <= 1.0))
    reject("century parameters: slow_respired + slow_to_passive = " +
           shortest_text(p.slow_respired + p.slow_to_passive) + " > 1 (would create carbon)");
  if (!(p.temp_opt < p.temp_max))
    reject("century parameters: temp_opt = " + shortest_text(p.temp_opt) + " degC must be below temp_max = " +
           shortest_text(p.temp_max) + " degC");
}

SiteConstants derive_site_constants(const Parameters& p, const Site& s) {
  require_fraction(s.clay, "clay");
  require_fraction(s.silt, "silt");
  require_fraction(s.structural_lignin, "structural_lignin");
  const double texture = s.clay + s.silt;  // silt + clay fraction (1)
  require_fraction(texture, "clay + silt");
  if (!(s.lignin_to_nitrogen >= 0.0))
    reject("century site: lignin_to_nitrogen = " + shortest_text(s.lignin_to_nitrogen) + " < 0");
  SiteConstants c{};
  c.metabolic_fraction = p.metabolic_intercept - p.metabolic_slope * s.lignin_to_nitrogen;
  if (!(c.metabolic_fraction >= 0.0 && c.metabolic_fraction <= 1.0))
    reject("century site: the metabolic share of litter, metabolic_intercept - metabolic_slope L/N = " +
           shortest_text(c.metabolic_fraction) + ", is outside [0, 1] for lignin_to_nitrogen = " +
           shortest_text(s.lignin_to_nitrogen));
  const double active_respired = p.active_respired_intercept - p.active_respired_slope * texture;  // Es (1)
  const double active_to_slow = 1.0 - active_respired - p.active_to_passive;                       // (1)
  if (!(active_respired >= 0.0 && active_to_slow >= 0.0))
    reject("century site: the active pool's respired share " + shortest_text(active_respired) + " and share to slow " +
           shortest_text(active_to_slow) + " must be >= 0 (clay + silt = " + shortest_text(texture) + ")");

  const double ls = s.structural_lignin;
  const double lignin_factor = det_exp(-p.lignin_inhibition * ls);  // (1)
  const Pools k = {p.k_surface_structural * lignin_factor, p.k_surface_metabolic,
                   p.k_soil_structural * lignin_factor,    p.k_soil_metabolic,
                   p.k_active * (1.0 - p.texture_active * texture), p.k_slow,
                   p.k_passive};  // yr-1
  // Transfer shares T[to][from] (1); everything not passed on is respired.
  std::array<std::array<double, kNumPools>, kNumPools> t{};
  t[kActive][kSurfaceStructural] = (1.0 - ls) * (1.0 - p.surface_structural_respired);
  t[kSlow][kSurfaceStructural] = ls * (1.0 - p.lignin_respired);
  t[kActive][kSurfaceMetabolic] = 1.0 - p.surface_metabolic_respired;
  t[kActive][kSoilStructural] = (1.0 - ls) * (1.0 - p.soil_structural_respired);
  t[kSlow][kSoilStructural] = ls * (1.0 - p.lignin_respired);
  t[kActive][kSoilMetabolic] = 1.0 - p.soil_metabolic_respired;
  t[kSlow][kActive] = active_to_slow;
  t[kPassive][kActive] = p.active_to_passive;
  t[kActive][kSlow] = 1.0 - p.slow_respired - p.slow_to_passive;
  t[kPassive][kSlow] = p.slow_to_passive;
  t[kActive][kPassive] = 1.0 - p.passive_respired;
  for (int j = 0; j < kNumPools; ++j) {
    double passed = 0.0;  // yr-1
    for (int i = 0; i < kNumPools; ++i) {
      c.matrix[i][j] = i == j ? -k[j] : t[i][j] * k[j];
      if (i != j) passed += c.matrix[i][j];
    }
    c.respiration[j] = k[j] - passed;
  }
  return c;
}

StepFluxes step(const SiteConstants& s, const CellForcing& f, double dt, Pools& x) {
  const double fm = s.metabolic_fraction;
  const Pools b = {f.surface_input * (1.0 - fm), f.surface_input * fm, f.soil_input * (1.0 - fm),
                   f.soil_input * fm, 0.0, 0.0, 0.0};  // t C ha-1 yr-1
  StepFluxes flux{(f.surface_input + f.soil_input) * dt, 0.0};
  // Augmented state z = (x, respired, 1): dz/dt = G z, z(dt) = e^{G dt} z(0).
  constexpr int kRespired = kNumPools, kUnit = kNumPools + 1, kSize = kNumPools + 2;
  const double xi_dt = f.xi * dt;  // (yr)
  matrix::SquareMatrix<kSize> g = matrix::zero<kSize>();
  for (int j = 0; j < kNumPools; ++j) {
    for (int i = 0; i < kNumPools; ++i) g[i][j] = s.matrix[i][j] * xi_dt;
    g[kRespired][j] = s.respiration[j] * xi_dt;
    g[j][kUnit] = b[j] * dt;
  }
  const matrix::SquareMatrix<kSize> e = matrix::exp<kSize>(g);
  Pools next{};
  for (int i = 0; i < kNumPools; ++i) {
    next[i] = e[i][kUnit];
    for (int j = 0; j < kNumPools; ++j) next[i] += e[i][j] * x[j];
  }
  flux.respired = e[kRespired][kUnit];
  for (int j = 0; j < kNumPools; ++j) flux.respired += e[kRespired][j] * x[j];
  x = next;
  return flux;
}

namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

double determinant3(const Matrix3& m) {
  return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
         m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

/// The adjugate of m (m adj(m) = det(m) I).
Matrix3 adjugate3(const Matrix3& m) {
  Matrix3 a{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
      a[i][j] = m[r0][c0] * m[r1][c1] - m[r0][c1] * m[r1][c0];
    }
  return a;
}

/// The real roots of lambda^3 - t lambda^2 + c lambda - d (t trace, c sum of the principal 2x2 minors,
/// d determinant), by the trigonometric form, each polished by Newton steps. False if a pair is complex.
bool cubic_roots(double t, double c, double d, std::array<double, 3>& r) {
  const double shift = t / 3.0;
  const double p = c - t * t / 3.0;                                 // depressed cubic y^3 + p y + q
  const double q = -2.0 * t * t * t / 27.0 + t * c / 3.0 - d;
  if (!(p < 0.0)) return false;
  const double m = 2.0 * std::sqrt(-p / 3.0);
  const double arg = 3.0 * q / (p * m);
  if (!(arg >= -1.0 && arg <= 1.0)) return false;
  const double theta = std::acos(arg) / 3.0;
  const double two_pi_3 = 2.0943951023931954923;
  for (int k = 0; k < 3; ++k) r[k] = shift + m * std::cos(theta - two_pi_3 * k);
  for (double& x : r)
    for (int it = 0; it < 3; ++it) {
      const double f = ((x - t) * x + c) * x - d;
      const double df = (3.0 * x - 2.0 * t) * x + c;
      if (!(df != 0.0)) break;
      x -= f / df;
    }
  return std::isfinite(r[0]) && std::isfinite(r[1]) && std::isfinite(r[2]);
}

}  // namespace

Modes decompose(const SiteConstants& s) {
  Modes d;
  d.metabolic_fraction = s.metabolic_fraction;
  constexpr int kSom = 4;  // first SOM pool
  Matrix3 som{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) som[i][j] = s.matrix[kSom + i][kSom + j];
  for (int j = 0; j < kSom; ++j)
    for (int i = 0; i < kSom; ++i)
      if (i != j && s.matrix[i][j] != 0.0) return d;  // litter feeding litter: not this structure
  for (int j = kSom; j < kNumPools; ++j)
    for (int i = 0; i < kSom; ++i)
      if (s.matrix[i][j] != 0.0) return d;  // SOM feeding litter: not this structure
  const double trace = som[0][0] + som[1][1] + som[2][2];
  const double minors = som[0][0] * som[1][1] - som[0][1] * som[1][0] + som[0][0] * som[2][2] -
                        som[0][2] * som[2][0] + som[1][1] * som[2][2] - som[1][2] * som[2][1];
  std::array<double, 3> mu{};
  if (!cubic_roots(trace, minors, determinant3(som), mu)) return d;
  for (int j = 0; j < kSom; ++j) d.lambda[j] = s.matrix[j][j];
  for (int k = 0; k < 3; ++k) d.lambda[kSom + k] = mu[k];
  // W: for each SOM eigenvalue, the largest cross product of two rows of S - mu I.
  for (int k = 0; k < 3; ++k) {
    Matrix3 shifted = som;
    for (int i = 0; i < 3; ++i) shifted[i][i] -= mu[k];
    std::array<double, 3> best{};
    double best_norm = -1.0;
    for (int a = 0; a < 3; ++a)
      for (int b = a + 1; b < 3; ++b) {
        const auto& u = shifted[a];
        const auto& v = shifted[b];
        const std::array<double, 3> cr = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
        const double n = std::fabs(cr[0]) + std::fabs(cr[1]) + std::fabs(cr[2]);
        if (n > best_norm) best_norm = n, best = cr;
      }
    if (!(best_norm > 0.0) || !std::isfinite(best_norm)) return d;
    double largest = 0.0;
    for (double v : best) largest = std::fabs(v) > std::fabs(largest) ? v : largest;
    for (int i = 0; i < 3; ++i) d.w[i][k] = best[i] / largest;
  }
  const double det_w = determinant3(d.w);
  if (!(det_w != 0.0) || !std::isfinite(det_w)) return d;
  const Matrix3 adj_w = adjugate3(d.w);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d.w_inverse[i][j] = adj_w[i][j] / det_w;
  // Y_j = -(S - lambda_j I)^-1 a_j by Cramer's rule.
  for (int j = 0; j < kSom; ++j) {
    Matrix3 shifted = som;
    for (int i = 0; i < 3; ++i) shifted[i][i] -= d.lambda[j];
    const double det = determinant3(shifted);
    if (!(det != 0.0) || !std::isfinite(det)) return d;
    const Matrix3 adj = adjugate3(shifted);
    for (int i = 0; i < 3; ++i) {
      double v = 0.0;
      for (int k = 0; k < 3; ++k) v += adj[i][k] * s.matrix[kSom + k][j];
      d.y[i][j] = -v / det;
    }
  }
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < kSom; ++j) {
      double v = 0.0;
      for (int k = 0; k < 3; ++k) v += d.w_inverse[i][k] * d.y[k][j];
      d.g[i][j] = -v;
    }
  const double fm = s.metabolic_fraction;
  for (int i = 0; i < 3; ++i) {
    d.surface_input[i] = d.g[i][0] * (1.0 - fm) + d.g[i][1] * fm;
    d.soil_input[i] = d.g[i][2] * (1.0 - fm) + d.g[i][3] * fm;
  }
  double norm_v = 1.0, norm_inverse = 1.0;  // the litter rows of V and V^-1 are rows of I
  for (int i = 0; i < 3; ++i) {
    double rv = 0.0, ri = 0.0;
    for (int j = 0; j < kSom; ++j) rv += std::fabs(d.y[i][j]), ri += std::fabs(d.g[i][j]);
    for (int j = 0; j < 3; ++j) rv += std::fabs(d.w[i][j]), ri += std::fabs(d.w_inverse[i][j]);
    norm_v = std::max(norm_v, rv);
    norm_inverse = std::max(norm_inverse, ri);
  }
  d.condition = norm_v * norm_inverse;
  bool finite = std::isfinite(d.condition);
  for (double l : d.lambda) finite = finite && std::isfinite(l) && l <= 0.0;
  d.exact = finite && d.condition <= 1.0e7;
  return d;
}

void to_modes(const Modes& d, const double* x, double* modes) {
  for (int j = 0; j < 4; ++j) modes[j] = x[j];
  for (int i = 0; i < 3; ++i) {
    double v = 0.0;
    for (int j = 0; j < 4; ++j) v += d.g[i][j] * x[j];
    for (int j = 0; j < 3; ++j) v += d.w_inverse[i][j] * x[4 + j];
    modes[4 + i] = v;
  }
}

void from_modes(const Modes& d, const double* modes, double* x) {
  for (int j = 0; j < 4; ++j) x[j] = modes[j];
  for (int i = 0; i < 3; ++i) {
    double v = 0.0;
    for (int j = 0; j < 4; ++j) v += d.y[i][j] * modes[j];
    for (int j = 0; j < 3; ++j) v += d.w[i][j] * modes[4 + j];
    x[4 + i] = v;
  }
}

Pools steady_state(const SiteConstants& s, const CellForcing& f) {
  if (!(f.xi > 0.0)) reject("century steady state: xi = " + shortest_text(f.xi) + " must be > 0");
  const double fm = s.metabolic_fraction;
  const Pools b = {f.surface_input * (1.0 - fm), f.surface_input * fm, f.soil_input * (1.0 - fm),
                   f.soil_input * fm, 0.0, 0.0, 0.0};
  matrix::SquareMatrix<kNumPools> minus_a{};
  for (int i = 0; i < kNumPools; ++i)
    for (int j = 0; j < kNumPools; ++j) minus_a[i][j] = -f.xi * s.matrix[i][j];
  Pools x{};
  if (!matrix::solve<kNumPools>(minus_a, b, x))
    reject("century steady state: the decay matrix is singular (a pool does not decay)");
  return x;
}

ModelInfo model_info() {
  ModelInfo m = declared_model_info("century", kPoolNames, kParameterInfo, Parameters{}, kValidRange);
  m.title = "CENTURY soil organic matter submodel (Parton et al. 1987), linear 7-pool form, exact solution per step";
  m.time_step = "month (any step, exact solution)";
  m.inputs = {"surface_input: aboveground litter carbon (t ha-1 yr-1)",
              "soil_input: belowground litter carbon (t ha-1 yr-1)",
              "tas: monthly mean temperature (degC), for the temperature factor",
              "pr, pet: monthly precipitation and potential evapotranspiration (mm month-1), for the moisture factor",
              "clay, silt: fractions of the mineral soil (1)",
              "lignin_to_nitrogen, structural_lignin: litter quality (1)"};
  m.reference =
      "Parton WJ, Schimel DS, Cole CV, Ojima DS (1987) Analysis of factors controlling soil organic matter levels "
      "in Great Plains grasslands. Soil Science Society of America Journal 51, 1173-1179; Sierra CA, Mueller M, "
      "Trumbore SE (2012) Geoscientific Model Development 5, 1045-1060 (SoilR CenturyModel)";
  return m;
}

}  // namespace alamod::models::century
