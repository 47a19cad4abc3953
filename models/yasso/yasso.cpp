#include "models/yasso/yasso.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/yasso/small_matrix.hpp"

namespace alamod::models::yasso {

namespace {

/// Outflow shares of a pool: where the decomposed carbon of `pool` goes.
struct Outflow {
  const char* pool;
  double Parameters::*to_a;
  double Parameters::*to_b;
  double Parameters::*to_c;
};

/// The step of a compartmental system (every flow >= 0) by the series of the shifted matrix: with
/// c = max_i k_i dt the largest decay over the step and Z = (M dt + c I) on the pools, every entry
/// of Z and of the inputs is >= 0, and
///   x(dt) = e^-c sum_k Z^k z / k!,  z = (x, 1),
/// sums only non-negative terms: no cancellation, each pool (however small) to a few ulp relative,
/// with matrix-vector products only (no matrix products, no squaring). The respired and leached
/// carbon accumulate as two more components that nothing leaves. The series stops once k >= ||Z||_1
/// and the term is below 2^-54 of the sum in every component (a truncation < 1e-16 relative); a step
/// with c > 30 is split into equal sub-steps (e^-c and the partial sums stay far from the limits of
/// doubles).
StepFluxes step_by_series(const Decomposition& d, const Pools& input, double dt, Pools& x, StepFluxes flux) {
  double largest = 0.0;  // largest decay rate (yr-1)
  for (int i = 0; i < kNumPools; ++i) largest = std::max(largest, -d.matrix[i][i]);
  const int substeps = largest * dt > 30.0 ? static_cast<int>(std::ceil(largest * dt / 30.0)) : 1;
  const double h = dt / substeps;  // (yr)
  const double c = largest * h;    // shift (1)
  // Z on the pools (row = to, column = from), the respired and leached rows, the input column.
  double z[kNumPools][kNumPools], r[kNumPools], l[kNumPools], b[kNumPools];
  double norm = 0.0;  // ||Z||_1 over the pool, respired, leached and input columns
  for (int j = 0; j < kNumPools; ++j) {
    double column = 0.0;
    for (int i = 0; i < kNumPools; ++i) {
      z[i][j] = d.matrix[i][j] * h + (i == j ? c : 0.0);
      column += z[i][j];
    }
    r[j] = d.respiration[j] * h;
    l[j] = d.leaching[j] * h;
    b[j] = input[j] * h;
    norm = std::max(norm, column + r[j] + l[j]);
  }
  double input_column = c;
  for (double v : b) input_column += v;
  norm = std::max(norm, input_column);
  const double decay = det_exp(-c);
  constexpr double kTruncation = 5.551115123125783e-17;  // 2^-54
  constexpr int kMaxTerms = 400;
  double respired = 0.0, leached = 0.0;  // t ha-1
  for (int sub = 0; sub < substeps; ++sub) {
    double term[kNumPools], sum[kNumPools];
    for (int i = 0; i < kNumPools; ++i) term[i] = sum[i] = x[i];
    double unit = 1.0;                                 // the unit component of the term: c^k / k!
    double term_r = 0.0, term_l = 0.0, sum_r = 0.0, sum_l = 0.0;
    for (int k = 1; k <= kMaxTerms; ++k) {
      const double inv_k = 1.0 / k;
      double next[kNumPools];
      double next_r = c * term_r, next_l = c * term_l;
      for (int i = 0; i < kNumPools; ++i) {
        double v = b[i] * unit;
        for (int j = 0; j < kNumPools; ++j) v += z[i][j] * term[j];
        next[i] = v * inv_k;
        next_r += r[i] * term[i];
        next_l += l[i] * term[i];
      }
      term_r = next_r * inv_k;
      term_l = next_l * inv_k;
      unit = unit * c * inv_k;
      bool converged = k >= norm;
      for (int i = 0; i < kNumPools; ++i) {
        term[i] = next[i];
        sum[i] += next[i];
        converged = converged && next[i] <= kTruncation * sum[i];
      }
      sum_r += term_r;
      sum_l += term_l;
      converged = converged && term_r <= kTruncation * sum_r && term_l <= kTruncation * sum_l;
      if (converged) break;
    }
    for (int i = 0; i < kNumPools; ++i) x[i] = decay * sum[i];
    respired += decay * sum_r;
    leached += decay * sum_l;
  }
  flux.respired = respired;
  flux.leached = leached;
  return flux;
}

}  // namespace

Parameters yasso07_parameters() {
  Parameters p;
  p.alpha_a = 0.73;
  p.alpha_w = 5.8;
  p.alpha_e = 0.29;
  p.alpha_n = 0.031;
  p.p_wa = 0.48;
  p.p_ea = 0.01;
  p.p_na = 0.83;
  p.p_aw = 0.99;
  p.p_ew = 0.0;
  p.p_nw = 0.01;
  p.p_ae = 0.0;
  p.p_we = 0.0;
  p.p_ne = 0.03;
  p.p_an = 0.0;
  p.p_wn = 0.01;
  p.p_en = 0.92;
  p.beta1 = p.beta_n1 = p.beta_h1 = 0.096;
  p.beta2 = p.beta_n2 = p.beta_h2 = -0.0014;
  p.gamma = p.gamma_n = p.gamma_h = -1.21;
  p.p_h = 0.0045;
  p.alpha_h = 0.0017;
  p.size_delta1 = -1.7;
  p.size_delta2 = 0.86;
  p.size_exponent = -0.306;
  p.size_function = SizeFunction::uncapped;
  return p;
}

Parameters parameters_from_theta(const std::array<double, 35>& theta, SizeFunction size_function) {
  // The official order: 4 alpha, 12 p, w1..w5 (ignored), 6 beta, 3 gamma, p_H, alpha_H, delta1, delta2, r.
  double Parameters::*const order[35] = {
      &Parameters::alpha_a, &Parameters::alpha_w, &Parameters::alpha_e, &Parameters::alpha_n,
      &Parameters::p_wa,    &Parameters::p_ea,    &Parameters::p_na,    &Parameters::p_aw,
      &Parameters::p_ew,    &Parameters::p_nw,    &Parameters::p_ae,    &Parameters::p_we,
      &Parameters::p_ne,    &Parameters::p_an,    &Parameters::p_wn,    &Parameters::p_en,
      nullptr,              nullptr,              nullptr,              nullptr,
      nullptr,              &Parameters::beta1,   &Parameters::beta2,   &Parameters::beta_n1,
      &Parameters::beta_n2, &Parameters::beta_h1, &Parameters::beta_h2, &Parameters::gamma,
      &Parameters::gamma_n, &Parameters::gamma_h, &Parameters::p_h,     &Parameters::alpha_h,
      &Parameters::size_delta1, &Parameters::size_delta2, &Parameters::size_exponent};
  Parameters p;
  for (int i = 0; i < 35; ++i)
    if (order[i]) p.*order[i] = theta[i];
  p.size_function = size_function;
  return p;
}

void validate(const Parameters& p) {
  check_bounds("yasso", kParameterInfo, p);
  const Outflow outflows[4] = {{"A", &Parameters::p_aw, &Parameters::p_ae, &Parameters::p_an},
                               {"W", &Parameters::p_wa, &Parameters::p_we, &Parameters::p_wn},
                               {"E", &Parameters::p_ea, &Parameters::p_ew, &Parameters::p_en},
                               {"N", &Parameters::p_na, &Parameters::p_nw, &Parameters::p_ne}};
  for (const Outflow& o : outflows) {
    const double shares = p.*o.to_a + p.*o.to_b + p.*o.to_c + p.p_h;
    if (!(shares <= 1.0))
      reject("yasso parameters: the shares of decomposed " + std::string(o.pool) +
             " carbon passed to other pools and to H sum to " + shortest_text(shares) + " > 1 (would create carbon)");
  }
  // 1 + delta1 d + delta2 d^2 > 0 for every d >= 0 (delta2 >= 0 by its bounds).
  const double d1 = p.size_delta1, d2 = p.size_delta2;
  if (!(d1 >= 0.0 || d1 * d1 < 4.0 * d2))
    reject("yasso parameters: the size function 1 + size_delta1 d + size_delta2 d^2 (size_delta1 = " +
           shortest_text(d1) + " cm-1, size_delta2 = " + shortest_text(d2) +
           " cm-2) is not positive for every diameter d >= 0");
}

Decomposition decomposition(const Parameters& p, const Climate& c, const Site& s) {
  Decomposition d{};
  const double f_awe = climate_factor(p.beta1, p.beta2, p.gamma, c);        // (1)
  const double f_n = climate_factor(p.beta_n1, p.beta_n2, p.gamma_n, c);    // (1)
  const double f_h = climate_factor(p.beta_h1, p.beta_h2, p.gamma_h, c);    // (1)
  d.decomposes = f_awe > kNoDecompositionFactor;
  if (!d.decomposes) return d;
  const double size = size_factor(p, s.size_cm);  // (1)
  const Pools k = {std::fabs(p.alpha_a) * f_awe * size, std::fabs(p.alpha_w) * f_awe * size,
                   std::fabs(p.alpha_e) * f_awe * size, std::fabs(p.alpha_n) * f_n * size,
                   std::fabs(p.alpha_h) * f_h};  // yr-1
  auto& m = d.matrix;
  for (int i = 0; i < kNumPools; ++i) m[i][i] = -k[i];
  m[kA][kW] = p.p_wa * k[kW];
  m[kA][kE] = p.p_ea * k[kE];
  m[kA][kN] = p.p_na * k[kN];
  m[kW][kA] = p.p_aw * k[kA];
  m[kW][kE] = p.p_ew * k[kE];
  m[kW][kN] = p.p_nw * k[kN];
  m[kE][kA] = p.p_ae * k[kA];
  m[kE][kW] = p.p_we * k[kW];
  m[kE][kN] = p.p_ne * k[kN];
  m[kN][kA] = p.p_an * k[kA];
  m[kN][kW] = p.p_wn * k[kW];
  m[kN][kE] = p.p_en * k[kE];
  for (int j = 0; j < kH; ++j) m[kH][j] = p.p_h * k[j];  // no flow from H back to AWEN
  // What leaves the soil: the decomposed share not passed on is respired.
  for (int j = 0; j < kNumPools; ++j) {
    double passed = 0.0;  // yr-1
    for (int i = 0; i < kNumPools; ++i)
      if (i != j) passed += m[i][j];
    d.respiration[j] = k[j] - passed;
  }
  const double leaching_rate = s.leaching * c.precip_mm / kMillimetresPerMetre;  // yr-1
  for (int i = 0; i < kH; ++i) {
    m[i][i] += leaching_rate;
    d.leaching[i] = -leaching_rate;
  }
  return d;
}

StepFluxes step(const Parameters& p, const Climate& c, const Site& s, const Pools& input, double dt, Pools& x) {
  StepFluxes flux{0.0, 0.0, 0.0};
  for (double b : input) flux.input += b * dt;
  const Decomposition d = decomposition(p, c, s);
  if (!d.decomposes) {
    for (int i = 0; i < kNumPools; ++i) x[i] += input[i] * dt;
    return flux;
  }
  bool nonnegative = true;  // every flow between pools and out of the soil >= 0, every input >= 0
  for (int j = 0; j < kNumPools; ++j) {
    nonnegative = nonnegative && d.respiration[j] >= 0.0 && d.leaching[j] >= 0.0 && input[j] >= 0.0;
    for (int i = 0; i < kNumPools; ++i) nonnegative = nonnegative && (i == j || d.matrix[i][j] >= 0.0);
  }
  if (nonnegative) return step_by_series(d, input, dt, x, flux);
  // Augmented state z = (x, respired, leached, 1): dz/dt = G z, z(dt) = e^{G dt} z(0).
  constexpr int kRespired = kNumPools, kLeached = kNumPools + 1, kUnit = kNumPools + 2, kSize = kNumPools + 3;
  matrix::SquareMatrix<kSize> g = matrix::zero<kSize>();
  for (int j = 0; j < kNumPools; ++j) {
    for (int i = 0; i < kNumPools; ++i) g[i][j] = d.matrix[i][j] * dt;
    g[kRespired][j] = d.respiration[j] * dt;
    g[kLeached][j] = d.leaching[j] * dt;
  }
  for (int i = 0; i < kNumPools; ++i) g[i][kUnit] = input[i] * dt;
  const matrix::SquareMatrix<kSize> e = matrix::exp<kSize>(g);  // e^{G dt}
  // z(dt) = e^{G dt} z(0), z(0) = (x, 0, 0, 1).
  Pools next{};
  for (int i = 0; i < kNumPools; ++i) {
    next[i] = e[i][kUnit];
    for (int j = 0; j < kNumPools; ++j) next[i] += e[i][j] * x[j];
  }
  flux.respired = e[kRespired][kUnit];
  flux.leached = e[kLeached][kUnit];
  for (int j = 0; j < kNumPools; ++j) {
    flux.respired += e[kRespired][j] * x[j];
    flux.leached += e[kLeached][j] * x[j];
  }
  x = next;
  return flux;
}

Pools steady_state(const Parameters& p, const Climate& c, const Site& s, const Pools& input, const Pools& x,
                   double dt) {
  const Decomposition d = decomposition(p, c, s);
  Pools result{};
  if (!d.decomposes) {
    for (int i = 0; i < kNumPools; ++i) result[i] = x[i] + input[i] * dt;
    return result;
  }
  matrix::SquareMatrix<kNumPools> minus_m{};
  for (int i = 0; i < kNumPools; ++i)
    for (int j = 0; j < kNumPools; ++j) minus_m[i][j] = -d.matrix[i][j];
  if (!matrix::solve<kNumPools>(minus_m, input, result))
    reject("yasso steady state: the decomposition matrix is singular (a pool does not decompose)");
  return result;
}

namespace {

ModelInfo info_of(const Parameters& defaults, const char* name, const char* title, const char* source,
                  const char* reference) {
  ModelInfo m = declared_model_info(name, kPoolNames, kParameterInfo, defaults, kValidRange, source);
  m.title = title;
  m.time_step = "year (any step, exact solution)";
  m.inputs = {"tas: annual mean air temperature (degC)",
              "pr: annual precipitation (mm yr-1)",
              "tas_amplitude: half the range of the monthly mean temperatures (degC)",
              "carbon_input: litter carbon input per AWENH fraction (t ha-1 yr-1), per litter size class",
              "size: litter diameter (cm), 0 for non-woody litter",
              "leaching: leaching coefficient (m-1), 0 by default"};
  m.reference = reference;
  return m;
}

}  // namespace

}  // namespace alamod::models::yasso

namespace alamod::models::yasso15 {
ModelInfo model_info() {
  return yasso::info_of(
      yasso::yasso15_parameters(), "yasso15",
      "Yasso15 litter and soil carbon model (FMI), AWENH pools, MAP parameters, exact solution per step",
      "Järvenpää et al. 2018, Yasso15 MAP (YASSOmodel/YASSO15 y15par.csv)",
      "Järvenpää M, Repo A, Akujärvi A, Kaasalainen M, Liski J (2018) Soil carbon model Yasso15 - Bayesian "
      "calibration using worldwide litter decomposition and carbon stock data (FMI; YASSOmodel/YASSO15); "
      "Tuomi M et al. (2009) Ecological Modelling 220, 3362-3371");
}
}  // namespace alamod::models::yasso15

namespace alamod::models::yasso07 {
ModelInfo model_info() {
  return yasso::info_of(
      yasso::yasso07_parameters(), "yasso07",
      "Yasso07 litter and soil carbon model (FMI), AWENH pools, Tuomi et al. 2011 parameters, exact solution",
      "Tuomi et al. 2011 (Yasso07 user-interface manual)",
      "Tuomi M, Thum T, Järvinen H, Fronzek S, Berg B, Harmon M, Trofymow JA, Sevanto S, Liski J (2009) Leaf "
      "litter decomposition - estimates of global variability based on Yasso07 model. Ecological Modelling 220, "
      "3362-3371; Tuomi M, Rasinmäki J, Repo A, Vanhala P, Liski J (2011) Soil carbon model Yasso07 graphical "
      "user interface. Environmental Modelling & Software 26, 1358-1362");
}
}  // namespace alamod::models::yasso07
