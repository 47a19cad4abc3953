#include "models/century/century.hpp"

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

double temperature_factor(const Parameters& p, double temp_c) {
  if (!(temp_c < p.temp_max)) return 0.0;
  const double u = (p.temp_max - temp_c) / (p.temp_max - p.temp_opt);  // (1)
  return std::pow(u, p.temp_shape_a) *
         det_exp((p.temp_shape_a / p.temp_shape_b) * (1.0 - std::pow(u, p.temp_shape_b)));
}

double moisture_factor(const Parameters& p, double precip, double pet) {
  return 1.0 / (1.0 + p.moisture_a * det_exp(-p.moisture_b * (precip / pet)));
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
