#pragma once
/// Yasso15 (Järvenpää et al. 2018, FMI) and Yasso07 (Tuomi et al. 2009, 2011):
/// five carbon pools by chemical solubility, A (acid-), W (water-), E (ethanol-
/// soluble), N (non-soluble) and H (humus), linear first-order decomposition with
/// transfers between pools, driven by annual climate (see models/yasso/README.md).
///
///   dx/dt = M(climate, size, leaching) x + b
///
/// Pools in t C ha-1 (the model is linear: any mass-per-area unit works if the
/// inputs b use the same unit per year). Time step: one year, or any dt (yr):
/// each step is the exact solution for climate and inputs constant over the
/// step, through the matrix exponential; the steady state solves M x = -b.
/// Yasso15 and Yasso07 share this code and differ by their parameter set and the
/// woody size function (`SizeFunction`). Pure functions: no I/O, no MPI.
#include <array>
#include <cmath>
#include <string_view>

#include "models/common/det_math.hpp"
#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"
#include "models/common/model_info.hpp"

namespace alamod::models::yasso {

inline constexpr int kNumPools = 5;  ///< A W E N H
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {"A", "W", "E", "N", "H"};
enum Pool : int { kA = 0, kW = 1, kE = 2, kN = 3, kH = 4 };
using Pools = std::array<double, kNumPools>;  ///< A W E N H (t C ha-1, or t C ha-1 yr-1 for inputs)

inline constexpr double kYear = 1.0;                  ///< default time step (yr)
inline constexpr double kMillimetresPerMetre = 1000.0;  ///< precipitation enters the model in m (mm m-1)
/// Below this AWE climate factor (1) nothing decomposes and nothing leaches: the
/// inputs accumulate (the official code's tolerance for "no rain").
inline constexpr double kNoDecompositionFactor = 1.0e-12;

/// How litter diameter d scales the AWEN rates: Yasso15 caps the factor at 1
/// (size never accelerates decay), Yasso07 does not.
enum class SizeFunction : int {
  capped = 15,    ///< Yasso15: min(1, (1 + delta1 d + delta2 d^2)^-|r|)
  uncapped = 7,   ///< Yasso07: (1 + delta1 d + delta2 d^2)^-|r|
};

/// Model parameters; defaults are the Yasso15 maximum a posteriori set
/// (YASSOmodel/YASSO15 `parameters/y15par.csv`). The official 35-value vector
/// theta maps onto these members in its order (see parameters_from_theta); its
/// entries 17-21 (w1..w5) are used only when fitting leaching data and are not
/// model parameters.
struct Parameters {
  double alpha_a = 0.48971473;   ///< decomposition rate of A at the reference climate (yr-1), theta 1
  double alpha_w = 4.9138734;    ///< decomposition rate of W (yr-1), theta 2
  double alpha_e = 0.24197346;   ///< decomposition rate of E (yr-1), theta 3
  double alpha_n = 0.094876416;  ///< decomposition rate of N (yr-1), theta 4
  double p_wa = 0.43628932;      ///< share of decomposed W going to A (1), theta 5
  double p_ea = 0.24997402;      ///< share of decomposed E going to A (1), theta 6
  double p_na = 0.91512685;      ///< share of decomposed N going to A (1), theta 7
  double p_aw = 0.99258227;      ///< share of decomposed A going to W (1), theta 8
  double p_ew = 0.083853738;     ///< share of decomposed E going to W (1), theta 9
  double p_nw = 0.011476783;     ///< share of decomposed N going to W (1), theta 10
  double p_ae = 6.08e-4;         ///< share of decomposed A going to E (1), theta 11
  double p_we = 4.76e-4;         ///< share of decomposed W going to E (1), theta 12
  double p_ne = 0.066037729;     ///< share of decomposed N going to E (1), theta 13
  double p_an = 7.71e-4;         ///< share of decomposed A going to N (1), theta 14
  double p_wn = 0.10401742;      ///< share of decomposed W going to N (1), theta 15
  double p_en = 0.64880756;      ///< share of decomposed E going to N (1), theta 16
  double beta1 = 0.090598047;    ///< AWE temperature response, linear term (degC-1), theta 22
  double beta2 = -2.14e-4;       ///< AWE temperature response, quadratic term (degC-2), theta 23
  double beta_n1 = 0.048772465;  ///< N temperature response, linear term (degC-1), theta 24
  double beta_n2 = -7.91e-5;     ///< N temperature response, quadratic term (degC-2), theta 25
  double beta_h1 = 0.035185492;  ///< H temperature response, linear term (degC-1), theta 26
  double beta_h2 = -2.09e-4;     ///< H temperature response, quadratic term (degC-2), theta 27
  double gamma = -1.8089202;     ///< AWE precipitation response (m-1), theta 28
  double gamma_n = -1.1725473;   ///< N precipitation response (m-1), theta 29
  double gamma_h = -12.535951;   ///< H precipitation response (m-1), theta 30
  double p_h = 0.004596472;      ///< share of decomposed A, W, E and N going to H (1), theta 31
  double alpha_h = 0.001302583;  ///< decomposition rate of H (yr-1), theta 32
  double size_delta1 = -0.43892271;  ///< woody size function, linear term (cm-1), theta 33
  double size_delta2 = 1.2674668;    ///< woody size function, quadratic term (cm-2), theta 34
  double size_exponent = 0.25691424; ///< woody size function exponent r, used as -|r| (1), theta 35
  SizeFunction size_function = SizeFunction::capped;  ///< Yasso15 caps the size factor at 1
};

/// The one declaration of every Yasso parameter (both parameter sets).
inline constexpr std::array<ParameterInfo<Parameters>, 30> kParameterInfo = {{
    {"alpha_a", &Parameters::alpha_a, "yr-1", 0.0, 50.0, "decomposition rate of A (acid-soluble)", "Järvenpää et al. 2018"},
    {"alpha_w", &Parameters::alpha_w, "yr-1", 0.0, 50.0, "decomposition rate of W (water-soluble)", "Järvenpää et al. 2018"},
    {"alpha_e", &Parameters::alpha_e, "yr-1", 0.0, 50.0, "decomposition rate of E (ethanol-soluble)", "Järvenpää et al. 2018"},
    {"alpha_n", &Parameters::alpha_n, "yr-1", 0.0, 50.0, "decomposition rate of N (non-soluble)", "Järvenpää et al. 2018"},
    {"p_wa", &Parameters::p_wa, "1", 0.0, 1.0, "share of decomposed W to A", "Järvenpää et al. 2018"},
    {"p_ea", &Parameters::p_ea, "1", 0.0, 1.0, "share of decomposed E to A", "Järvenpää et al. 2018"},
    {"p_na", &Parameters::p_na, "1", 0.0, 1.0, "share of decomposed N to A", "Järvenpää et al. 2018"},
    {"p_aw", &Parameters::p_aw, "1", 0.0, 1.0, "share of decomposed A to W", "Järvenpää et al. 2018"},
    {"p_ew", &Parameters::p_ew, "1", 0.0, 1.0, "share of decomposed E to W", "Järvenpää et al. 2018"},
    {"p_nw", &Parameters::p_nw, "1", 0.0, 1.0, "share of decomposed N to W", "Järvenpää et al. 2018"},
    {"p_ae", &Parameters::p_ae, "1", 0.0, 1.0, "share of decomposed A to E", "Järvenpää et al. 2018"},
    {"p_we", &Parameters::p_we, "1", 0.0, 1.0, "share of decomposed W to E", "Järvenpää et al. 2018"},
    {"p_ne", &Parameters::p_ne, "1", 0.0, 1.0, "share of decomposed N to E", "Järvenpää et al. 2018"},
    {"p_an", &Parameters::p_an, "1", 0.0, 1.0, "share of decomposed A to N", "Järvenpää et al. 2018"},
    {"p_wn", &Parameters::p_wn, "1", 0.0, 1.0, "share of decomposed W to N", "Järvenpää et al. 2018"},
    {"p_en", &Parameters::p_en, "1", 0.0, 1.0, "share of decomposed E to N", "Järvenpää et al. 2018"},
    {"beta1", &Parameters::beta1, "degC-1", -1.0, 1.0, "AWE rates x mean_i exp(beta1 T_i + beta2 T_i^2)", "Järvenpää et al. 2018"},
    {"beta2", &Parameters::beta2, "degC-2", -0.1, 0.1, "AWE temperature response, quadratic term", "Järvenpää et al. 2018"},
    {"beta_n1", &Parameters::beta_n1, "degC-1", -1.0, 1.0, "N temperature response, linear term", "Järvenpää et al. 2018"},
    {"beta_n2", &Parameters::beta_n2, "degC-2", -0.1, 0.1, "N temperature response, quadratic term", "Järvenpää et al. 2018"},
    {"beta_h1", &Parameters::beta_h1, "degC-1", -1.0, 1.0, "H temperature response, linear term", "Järvenpää et al. 2018"},
    {"beta_h2", &Parameters::beta_h2, "degC-2", -0.1, 0.1, "H temperature response, quadratic term", "Järvenpää et al. 2018"},
    {"gamma", &Parameters::gamma, "m-1", -100.0, 0.0, "AWE rates x (1 - exp(gamma P)), P annual precipitation in m", "Järvenpää et al. 2018"},
    {"gamma_n", &Parameters::gamma_n, "m-1", -100.0, 0.0, "N precipitation response", "Järvenpää et al. 2018"},
    {"gamma_h", &Parameters::gamma_h, "m-1", -100.0, 0.0, "H precipitation response", "Järvenpää et al. 2018"},
    {"p_h", &Parameters::p_h, "1", 0.0, 1.0, "share of decomposed A, W, E and N to H", "Järvenpää et al. 2018"},
    {"alpha_h", &Parameters::alpha_h, "yr-1", 0.0, 1.0, "decomposition rate of H (humus)", "Järvenpää et al. 2018"},
    {"size_delta1", &Parameters::size_delta1, "cm-1", -10.0, 10.0, "size factor (1 + delta1 d + delta2 d^2)^-|r|, d diameter in cm", "Järvenpää et al. 2018"},
    {"size_delta2", &Parameters::size_delta2, "cm-2", 0.0, 10.0, "size factor, quadratic term", "Järvenpää et al. 2018"},
    {"size_exponent", &Parameters::size_exponent, "1", -2.0, 2.0, "size factor exponent r (used as -|r|)", "Järvenpää et al. 2018"},
}};

/// Where Yasso15 and Yasso07 are valid (models/common/valid_range.hpp): the engine refuses a climate
/// outside.
inline constexpr std::array<ValidRange, 2> kValidRange = {{
    {"tas", Period::year, "degC", -10.0, 30.0,
     "the rates scale with exp(beta1 T + beta2 T^2) of four seasonal temperatures, fitted to litter-bag data from "
     "tundra to tropical forests; colder, Yasso07's rates near 0 and its equilibrium stocks grow without bound",
     "Tuomi et al. 2009; Järvenpää et al. 2018; bounds: alamod"},
    {"pr", Period::year, "mm yr-1", 100.0, 5000.0,
     "the rates scale with 1 - exp(gamma P): without precipitation nothing decomposes (no equilibrium); the "
     "litter-bag data span deserts to wet tropical forests",
     "Tuomi et al. 2009; Järvenpää et al. 2018; bounds: alamod"},
}};

/// The Yasso15 MAP parameter set (the defaults of Parameters).
inline Parameters yasso15_parameters() { return Parameters{}; }

/// The Yasso07 parameter set (Tuomi et al. 2011, Yasso07 user-interface manual;
/// as laid out in the Yasso15 theta vector by the Holisoils multi-model code):
/// N and H share the AWE climate response, and the size factor is not capped.
Parameters yasso07_parameters();

/// Parameters from an official 35-value theta vector (theta[0] = theta 1). The
/// w1..w5 entries (theta 17-21) are ignored, as the official code does.
Parameters parameters_from_theta(const std::array<double, 35>& theta, SizeFunction size_function);

/// Throws std::invalid_argument naming the first parameter outside its bounds
/// (value and bounds), a pool whose outflow shares sum above 1, or a size
/// function that is not positive for every diameter.
void validate(const Parameters& p);

/// Annual climate of a cell, constant over a step.
struct Climate {
  double temp_mean_c;       ///< [in] annual mean air temperature (degC)
  double precip_mm;         ///< [in] annual precipitation (mm yr-1)
  double temp_amplitude_c;  ///< [in] half the range of the monthly mean temperatures, (T_max - T_min)/2 (degC)
};

/// Litter class and site of a set of pools, constant over a step.
struct Site {
  double size_cm = 0.0;  ///< [in] litter diameter d (cm): 0 non-woody, e.g. 2 branches, 20 stems
  double leaching = 0.0; ///< [in] leaching coefficient (m-1): the AWEN rates change by leaching P/1000; < 0 removes C
};

/// The four temperatures T_i (degC) that stand for the annual cycle:
/// T + 4 ampl/pi {1/sqrt2 - 1, -1/sqrt2, 1 - 1/sqrt2, 1/sqrt2}.
inline std::array<double, 4> seasonal_temperatures(const Climate& c) {
  const double pi = 3.141592653589793;  // (1)
  const double inv_sqrt2 = 1.0 / std::sqrt(2.0);  // (1)
  const double t = c.temp_mean_c, a = c.temp_amplitude_c;
  return {t + 4.0 * a * (inv_sqrt2 - 1.0) / pi, t - 4.0 * a * inv_sqrt2 / pi, t + 4.0 * a * (1.0 - inv_sqrt2) / pi,
          t + 4.0 * a * inv_sqrt2 / pi};
}

/// Climate factor (1): mean_i exp(b1 T_i + b2 T_i^2) (1 - exp(g P/1000)).
inline double climate_factor(double b1, double b2, double g, const Climate& c) {
  double temperature = 0.0;
  for (double ti : seasonal_temperatures(c)) temperature += det_exp(b1 * ti + b2 * ti * ti) / 4.0;
  return temperature * (1.0 - det_exp(g * c.precip_mm / kMillimetresPerMetre));
}

/// Size factor (1) of the AWEN rates for litter of diameter d (cm).
inline double size_factor(const Parameters& p, double size_cm) {
  const double base = 1.0 + p.size_delta1 * size_cm + p.size_delta2 * size_cm * size_cm;
  const double factor = std::pow(base, -std::fabs(p.size_exponent));
  return p.size_function == SizeFunction::capped && factor > 1.0 ? 1.0 : factor;
}

/// The linear system of one step: dx/dt = matrix x + b, and the rates at which
/// each pool's carbon leaves the soil, so that for every pool j
/// sum_i matrix[i][j] + respiration[j] + leaching[j] = 0.
struct Decomposition {
  bool decomposes;  ///< false below kNoDecompositionFactor: nothing decomposes or leaches
  std::array<std::array<double, kNumPools>, kNumPools> matrix;  ///< [row = to][column = from] (yr-1)
  Pools respiration;  ///< share of each pool respired per year (yr-1)
  Pools leaching;     ///< share of each pool leached per year (yr-1)
};

/// Rates k_A,W,E = alpha f_AWE s(d), k_N = alpha_N f_N s(d), k_H = alpha_H f_H;
/// matrix[i][i] = -k_i, matrix[i][j] = p_ji k_j (AWEN), matrix[H][j] = p_H k_j;
/// then leaching P/1000 is added to the AWEN diagonal.
Decomposition decomposition(const Parameters& p, const Climate& c, const Site& s);

/// Carbon fluxes of one step (t C ha-1 per step).
struct StepFluxes {
  double input;     ///< [out] sum of the inputs times dt
  double respired;  ///< [out] carbon respired over the step
  double leached;   ///< [out] carbon leached over the step
};

/// Advance the pools by dt years with the exact solution for constant climate and
/// inputs b (t C ha-1 yr-1): x(dt) = e^{M dt} x + M^-1 (e^{M dt} - I) b, computed
/// as one exponential of the augmented matrix [[M, 0, b], [r^T, 0, 0], [l^T, 0, 0],
/// [0, 0, 0]] dt, which also integrates the respired (r) and leached (l) carbon.
/// Below kNoDecompositionFactor the inputs simply accumulate: x += b dt.
StepFluxes step(const Parameters& p, const Climate& c, const Site& s, const Pools& input, double dt, Pools& x);

/// Steady state for constant climate and inputs: x = -M^-1 b (t C ha-1). Below
/// kNoDecompositionFactor there is none; like the official code this returns
/// `x + input dt` then (one step of accumulation).
Pools steady_state(const Parameters& p, const Climate& c, const Site& s, const Pools& input, const Pools& x,
                   double dt);

}  // namespace alamod::models::yasso

namespace alamod::models::yasso15 {
/// The registry entry of Yasso15 (name "yasso15").
ModelInfo model_info();
}  // namespace alamod::models::yasso15

namespace alamod::models::yasso07 {
/// The registry entry of Yasso07 (name "yasso07"): the Yasso15 code with the Yasso07 parameters.
ModelInfo model_info();
}  // namespace alamod::models::yasso07
