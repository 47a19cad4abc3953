#include "models/mimics/mimics.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace alamod::models::mimics {

namespace {

/// Reverse Michaelis-Menten uptake g = M V S / (K + M) and its partial derivatives.
struct Uptake {
  double d_substrate;  ///< dg/dS = M V / (K + M) (h-1)
  double d_microbes;   ///< dg/dM = V S K / (K + M)^2 (h-1)
};
Uptake uptake_partials(double microbes, double vmax, double substrate, double km) {
  const double denom = km + microbes;
  return {microbes * vmax / denom, vmax * substrate * km / (denom * denom)};
}

using Vector = double[kNumPools];
using Matrix = double[kNumPools][kNumPools];

void to_array(const State& x, Vector v) {
  v[0] = x.lit_m;
  v[1] = x.lit_s;
  v[2] = x.mic_r;
  v[3] = x.mic_k;
  v[4] = x.som_p;
  v[5] = x.som_c;
  v[6] = x.som_a;
}
State from_array(const Vector v) { return {v[0], v[1], v[2], v[3], v[4], v[5], v[6]}; }

/// Solves a x = b in place (b becomes x) by Gaussian elimination with partial pivoting; false if singular.
bool solve(Matrix a, Vector b) {
  for (int col = 0; col < kNumPools; ++col) {
    int pivot = col;
    for (int r = col + 1; r < kNumPools; ++r)
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    if (!(std::fabs(a[pivot][col]) > 0.0)) return false;
    if (pivot != col) {
      for (int j = 0; j < kNumPools; ++j) std::swap(a[col][j], a[pivot][j]);
      std::swap(b[col], b[pivot]);
    }
    for (int r = col + 1; r < kNumPools; ++r) {
      const double m = a[r][col] / a[col][col];
      for (int j = col; j < kNumPools; ++j) a[r][j] -= m * a[col][j];
      b[r] -= m * b[col];
    }
  }
  for (int r = kNumPools - 1; r >= 0; --r) {
    double s = b[r];
    for (int j = r + 1; j < kNumPools; ++j) s -= a[r][j] * b[j];
    b[r] = s / a[r][r];
  }
  return true;
}

/// One step of pseudo-transient continuation from y: (I/dt - J) delta = F(y), dt = inf for Newton.
/// Returns false if the linear system is singular.
bool ptc_update(const Parameters& p, const SiteConstants& c, const Kinetics& k, const LitterInput& in,
                const Vector y, double dt, Vector delta) {
  const State x = from_array(y);
  to_array(tendencies(p, c, hourly_fluxes(p, c, k, x), in), delta);
  Matrix a;
  jacobian(p, c, k, x, a);
  for (int i = 0; i < kNumPools; ++i) {
    for (int j = 0; j < kNumPools; ++j) a[i][j] = -a[i][j];
    a[i][i] += 1.0 / dt;
  }
  return solve(a, delta);
}

double max_relative(const Vector delta, const Vector y) {
  double m = 0.0;
  for (int i = 0; i < kNumPools; ++i) m = std::max(m, std::fabs(delta[i]) / std::fabs(y[i]));
  return m;
}

}  // namespace

void validate(const Parameters& p) { check_bounds("mimics", kParameterInfo, p); }

SiteConstants site_constants(const Parameters& p, double fmet, double fclay, double litter_input) {
  SiteConstants c{};
  c.fclay = fclay;
  c.fmet = fmet;
  double tau_mod = std::sqrt(litter_input / p.tau_mod1);  // (1)
  if (tau_mod < p.tau_mod_min) tau_mod = p.tau_mod_min;
  if (tau_mod > p.tau_mod_max) tau_mod = p.tau_mod_max;
  c.tau[0] = p.tau_r1 * det_exp(p.tau_r2 * fmet) * tau_mod * p.tau_mod_factor;
  c.tau[1] = p.tau_k1 * det_exp(p.tau_k2 * fmet) * tau_mod * p.tau_mod_factor;
  c.fphys[0] = p.fphys_r1 * det_exp(p.fphys_r2 * fclay) * p.fphys_scale;
  c.fphys[1] = p.fphys_k1 * det_exp(p.fphys_k2 * fclay) * p.fphys_scale;
  c.fchem[0] = p.fchem_r1 * det_exp(p.fchem_r2 * fmet) * p.fchem_r3;
  c.fchem[1] = p.fchem_k1 * det_exp(p.fchem_k2 * fmet) * p.fchem_k3;
  c.favai[0] = 1.0 - (c.fphys[0] + c.fchem[0]);
  c.favai[1] = 1.0 - (c.fphys[1] + c.fchem[1]);
  c.desorb = p.fsom_p1 * det_exp(p.fsom_p2 * fclay) * p.desorb_scale;
  c.pscalar = p.phys_scalar1 * det_exp(p.phys_scalar2 * std::sqrt(fclay));
  c.fi[0] = p.fi_met * p.fi_scale;
  c.fi[1] = p.fi_str * p.fi_scale;
  return c;
}

SiteConstants derive_site_constants(const Parameters& p, const SiteProperties& site) {
  require_within("mimics", "site clay_pct", site.clay_pct, "percent", 0.0, 100.0);
  require_within("mimics", "site lignin_pct", site.lignin_pct, "percent", 0.0, 100.0);
  require_within("mimics", "site nitrogen_pct", site.nitrogen_pct, "percent", 0.0, 100.0, true);
  require_within("mimics", "site litter_input", site.litter_input, "g m-2 yr-1", 0.0, 1e5);
  const double fmet = p.fmet_p1 * (p.fmet_p2 - p.fmet_p3 * site.lignin_pct / site.nitrogen_pct);
  require_within("mimics", "metabolic fraction of the litter (fmet_p1 (fmet_p2 - fmet_p3 lignin/N))", fmet, "1", 0.0,
                 1.0);
  const SiteConstants c = site_constants(p, fmet, site.clay_pct / kPercent, site.litter_input);
  require_within("mimics", "share of MICr necromass to SOMa (1 - fphys - fchem)", c.favai[0], "1", 0.0, 1.0);
  require_within("mimics", "share of MICk necromass to SOMa (1 - fphys - fchem)", c.favai[1], "1", 0.0, 1.0);
  return c;
}

CarbonFluxes step_day(const Parameters& p, const SiteConstants& c, const DailyForcing& f, State& x,
                      Fluxes* last_hour) {
  const Kinetics k = kinetics(p, c, f.soil_temperature);
  CarbonFluxes sum{0.0, 0.0, 0.0};
  Fluxes fl;
  for (int h = 0; h < kHoursPerDay; ++h) {
    const CarbonFluxes s = step_hour(p, c, k, f.litter, x, &fl);
    sum.input += s.input;
    sum.respiration += s.respiration;
  }
  if (last_hour) *last_hour = fl;
  return sum;
}

CarbonFluxes step_year(const Parameters& p, const SiteConstants& c, const DailyForcing* days, State& x) {
  CarbonFluxes sum{0.0, 0.0, 0.0};
  for (int d = 0; d < kDaysPerYear; ++d) {
    const CarbonFluxes s = step_day(p, c, days[d], x);
    sum.input += s.input;
    sum.respiration += s.respiration;
  }
  return sum;
}

void jacobian(const Parameters& p, const SiteConstants& c, const Kinetics& k, const State& x,
              double jac[kNumPools][kNumPools]) {
  enum { LM, LS, MR, MK, SP, SC, SA };
  for (int i = 0; i < kNumPools; ++i)
    for (int j = 0; j < kNumPools; ++j) jac[i][j] = 0.0;
  const Uptake a0 = uptake_partials(x.mic_r, k.vmax[0], x.lit_m, k.km[0]);  // MICr on LITm
  const Uptake a1 = uptake_partials(x.mic_r, k.vmax[1], x.lit_s, k.km[1]);  // MICr on LITs
  const Uptake b0 = uptake_partials(x.mic_r, k.vmax[2], x.som_a, k.km[2]);  // MICr on SOMa
  const Uptake a2 = uptake_partials(x.mic_k, k.vmax[3], x.lit_m, k.km[3]);  // MICk on LITm
  const Uptake a3 = uptake_partials(x.mic_k, k.vmax[4], x.lit_s, k.km[4]);  // MICk on LITs
  const Uptake b1 = uptake_partials(x.mic_k, k.vmax[5], x.som_a, k.km[5]);  // MICk on SOMa
  const Uptake ok = uptake_partials(x.mic_k, k.vmax[4], x.som_c, p.ko_k * k.km[4]);  // MICk oxidising SOMc
  const Uptake orr = uptake_partials(x.mic_r, k.vmax[1], x.som_c, p.ko_r * k.km[1]);  // MICr oxidising SOMc
  const double turn_r = c.tau[0] * (c.fphys[0] + c.fchem[0] + c.favai[0]);  // h-1
  const double turn_k = c.tau[1] * (c.fphys[1] + c.fchem[1] + c.favai[1]);  // h-1

  jac[LM][LM] = -(a0.d_substrate + a2.d_substrate);
  jac[LM][MR] = -a0.d_microbes;
  jac[LM][MK] = -a2.d_microbes;

  jac[LS][LS] = -(a1.d_substrate + a3.d_substrate);
  jac[LS][MR] = -a1.d_microbes;
  jac[LS][MK] = -a3.d_microbes;

  jac[MR][LM] = p.cue_r_met * a0.d_substrate;
  jac[MR][LS] = p.cue_r_str * a1.d_substrate;
  jac[MR][SA] = p.cue_r_met * b0.d_substrate;
  jac[MR][MR] = p.cue_r_met * (a0.d_microbes + b0.d_microbes) + p.cue_r_str * a1.d_microbes - turn_r;

  jac[MK][LM] = p.cue_k_met * a2.d_substrate;
  jac[MK][LS] = p.cue_k_str * a3.d_substrate;
  jac[MK][SA] = p.cue_k_met * b1.d_substrate;
  jac[MK][MK] = p.cue_k_met * (a2.d_microbes + b1.d_microbes) + p.cue_k_str * a3.d_microbes - turn_k;

  jac[SP][MR] = c.tau[0] * c.fphys[0];
  jac[SP][MK] = c.tau[1] * c.fphys[1];
  jac[SP][SP] = -c.desorb;

  jac[SC][MR] = c.tau[0] * c.fchem[0] - orr.d_microbes;
  jac[SC][MK] = c.tau[1] * c.fchem[1] - ok.d_microbes;
  jac[SC][SC] = -(ok.d_substrate + orr.d_substrate);

  jac[SA][MR] = c.tau[0] * c.favai[0] + orr.d_microbes - b0.d_microbes;
  jac[SA][MK] = c.tau[1] * c.favai[1] + ok.d_microbes - b1.d_microbes;
  jac[SA][SP] = c.desorb;
  jac[SA][SC] = ok.d_substrate + orr.d_substrate;
  jac[SA][SA] = -(b0.d_substrate + b1.d_substrate);
}

State steady_state(const Parameters& p, const SiteConstants& c, const Kinetics& k, const LitterInput& in,
                   const State* guess) {
  if (!(in.met >= 0.0 && in.str >= 0.0 && in.met + in.str > 0.0))
    throw std::invalid_argument("mimics steady state needs a positive litter input, got met " + shortest_text(in.met) +
                                ", str " + shortest_text(in.str) + " mg cm-3 h-1");
  Vector y;
  to_array(guess ? *guess : State{in.met, in.str, in.met, in.str, in.met, in.str, in.met}, y);
  for (double v : y)
    if (!(v > 0.0)) throw std::invalid_argument("mimics steady state needs a positive first guess");

  // Pseudo-transient continuation: implicit Euler steps whose length grows as the
  // tendencies fall (switched evolution relaxation), a step that would leave a pool
  // non-positive is retried 4 times shorter; once the updates are tiny, Newton.
  constexpr double kFirstStep = 1.0;        // h
  constexpr double kShortestStep = 1e-12;   // h
  constexpr double kNewtonFrom = 1e-10;     // relative update below which dt = infinity
  constexpr double kConverged = 1e-15;      // relative update of the last Newton step
  constexpr int kMaxSteps = 5000;
  double dt = kFirstStep;
  double last_norm = -1.0;
  int newton_steps = 0;
  for (int step = 0; step < kMaxSteps; ++step) {
    const bool newton = last_norm >= 0.0 && last_norm < kNewtonFrom;
    Vector delta;
    const double used_dt = newton ? std::numeric_limits<double>::infinity() : dt;
    bool ok = ptc_update(p, c, k, in, y, used_dt, delta);
    Vector y_new;
    for (int i = 0; i < kNumPools && ok; ++i) {
      y_new[i] = y[i] + delta[i];
      ok = std::isfinite(y_new[i]) && y_new[i] > 0.0;
    }
    if (!ok) {
      if (newton) {  // back to continuation
        last_norm = -1.0;
        continue;
      }
      dt /= 4.0;
      if (dt < kShortestStep) break;
      continue;
    }
    const double norm = max_relative(delta, y_new);
    for (int i = 0; i < kNumPools; ++i) y[i] = y_new[i];
    if (newton) {
      ++newton_steps;
      if (norm <= kConverged || (newton_steps >= 8 && norm < 1e-13)) return from_array(y);
    } else {
      // Grow the step with the fall of the relative update (at most 10x, at least 1.5x per step).
      const double factor = last_norm > 0.0 ? std::clamp(last_norm / std::max(norm, 1e-300), 1.5, 10.0) : 2.0;
      dt = std::min(dt * factor, 1e30);
    }
    last_norm = norm;
  }
  throw std::runtime_error("mimics steady state: no convergence (pseudo-transient continuation)");
}

ModelInfo model_info() {
  ModelInfo m = declared_model_info("mimics", kPoolNames, kParameterInfo, Parameters{}, kValidRange);
  m.title = "MIMICS microbial-mineral carbon stabilization model (reverse Michaelis-Menten), hourly Euler";
  m.time_step = "hour";
  m.inputs = {"soil_temperature: daily soil temperature (degC), held over the 24 hours",
              "litter_input: litter carbon input (g m-2 yr-1 as a rate; mg cm-3 h-1 in the kernel)",
              "clay: clay content (percent), site",
              "lignin, nitrogen: litter lignin and nitrogen content (percent), site",
              "litter_input_mean: mean annual litter input for the turnover modifier (g m-2 yr-1), site"};
  m.reference =
      "Wieder WR, Grandy AS, Kallenbach CM, Taylor PG, Bonan GB (2015) Representing life in the Earth system with "
      "soil microbial functional traits in the MIMICS model. Geoscientific Model Development 8, 1789-1808";
  return m;
}

}  // namespace alamod::models::mimics
