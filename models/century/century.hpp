#pragma once
/// CENTURY soil organic matter submodel (Parton et al. 1987), in its linear form:
/// surface and soil structural and metabolic litter, active, slow and passive
/// SOM, first-order decay scaled by an abiotic factor xi (temperature x
/// moisture), as SoilR's CenturyModel codes it (see models/century/README.md).
///
///   dx/dt = xi A x + b,   A = T K
///
/// Pools in t C ha-1 (linear: any mass-per-area unit works if the inputs use the
/// same unit per year). Time step: one month (1/12 yr) in CENTURY, or any dt (yr):
/// each step is the exact solution for inputs and xi constant over the step,
/// through the matrix exponential of models/yasso/small_matrix.hpp.
/// Pure functions: no I/O, no MPI.
#include <array>
#include <cstddef>
#include <string_view>

#include "models/common/det_math.hpp"
#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"
#include "models/common/model_info.hpp"

namespace alamod::models::century {

inline constexpr int kNumPools = 7;
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {
    "surface_structural", "surface_metabolic", "soil_structural", "soil_metabolic", "active", "slow", "passive"};
enum Pool : int {
  kSurfaceStructural = 0,
  kSurfaceMetabolic = 1,
  kSoilStructural = 2,
  kSoilMetabolic = 3,
  kActive = 4,
  kSlow = 5,
  kPassive = 6
};
using Pools = std::array<double, kNumPools>;  ///< t C ha-1, in kPoolNames order
inline constexpr double kMonth = 1.0 / 12.0;   ///< CENTURY's time step (yr)

/// Model parameters; defaults are Parton et al. (1987) as coded in SoilR's
/// CenturyModel (whose rates are these per week, rounded: see the README).
struct Parameters {
  double k_surface_structural = 3.9;  ///< maximum decay rate of surface structural litter (yr-1)
  double k_surface_metabolic = 14.8;  ///< maximum decay rate of surface metabolic litter (yr-1)
  double k_soil_structural = 4.9;     ///< maximum decay rate of soil structural litter (yr-1)
  double k_soil_metabolic = 18.5;     ///< maximum decay rate of soil metabolic litter (yr-1)
  double k_active = 7.3;              ///< maximum decay rate of active SOM (yr-1)
  double k_slow = 0.2;                ///< maximum decay rate of slow SOM (yr-1)
  double k_passive = 0.0045;          ///< maximum decay rate of passive SOM (yr-1)
  double lignin_inhibition = 3.0;     ///< structural rates x exp(-lignin_inhibition Ls) (1)
  double texture_active = 0.75;       ///< active rate x (1 - texture_active (silt + clay)) (1)
  double metabolic_intercept = 0.85;  ///< metabolic share of litter Fm = intercept - slope L/N (1)
  double metabolic_slope = 0.018;     ///< (1 per unit of lignin:N ratio)
  double lignin_respired = 0.3;       ///< share respired when structural lignin goes to slow (1)
  double surface_structural_respired = 0.45;  ///< share respired when surface structural non-lignin goes to active (1)
  double soil_structural_respired = 0.55;     ///< share respired when soil structural non-lignin goes to active (1)
  double surface_metabolic_respired = 0.55;   ///< share respired when surface metabolic goes to active (1)
  double soil_metabolic_respired = 0.55;      ///< share respired when soil metabolic goes to active (1)
  double active_respired_intercept = 0.85;    ///< active respired share Es = intercept - slope (silt + clay) (1)
  double active_respired_slope = 0.68;        ///< (1)
  double active_to_passive = 0.004;  ///< share of decomposed active going to passive (1)
  double slow_respired = 0.55;       ///< share of decomposed slow respired (1)
  double slow_to_passive = 0.03;     ///< share of decomposed slow going to passive; the rest goes to active (1)
  double passive_respired = 0.55;    ///< share of decomposed passive respired; the rest goes to active (1)
  double temp_max = 45.0;            ///< temperature factor: maximum temperature (degC)
  double temp_opt = 35.0;            ///< temperature factor: optimum temperature (degC)
  double temp_shape_a = 0.2;         ///< temperature factor: first shape exponent (1)
  double temp_shape_b = 2.63;        ///< temperature factor: second shape exponent (1)
  double moisture_a = 30.0;          ///< moisture factor 1/(1 + a exp(-b PPT/PET)) (1)
  double moisture_b = 8.5;           ///< moisture factor (1)
};

/// The one declaration of every CENTURY parameter.
inline constexpr std::array<ParameterInfo<Parameters>, 28> kParameterInfo = {{
    {"k_surface_structural", &Parameters::k_surface_structural, "yr-1", 0.0, 100.0, "maximum decay rate of surface structural litter", "Parton et al. 1987"},
    {"k_surface_metabolic", &Parameters::k_surface_metabolic, "yr-1", 0.0, 100.0, "maximum decay rate of surface metabolic litter", "Parton et al. 1987"},
    {"k_soil_structural", &Parameters::k_soil_structural, "yr-1", 0.0, 100.0, "maximum decay rate of soil structural litter", "Parton et al. 1987"},
    {"k_soil_metabolic", &Parameters::k_soil_metabolic, "yr-1", 0.0, 100.0, "maximum decay rate of soil metabolic litter", "Parton et al. 1987"},
    {"k_active", &Parameters::k_active, "yr-1", 0.0, 100.0, "maximum decay rate of active SOM", "Parton et al. 1987"},
    {"k_slow", &Parameters::k_slow, "yr-1", 0.0, 10.0, "maximum decay rate of slow SOM", "Parton et al. 1987"},
    {"k_passive", &Parameters::k_passive, "yr-1", 0.0, 1.0, "maximum decay rate of passive SOM", "Parton et al. 1987"},
    {"lignin_inhibition", &Parameters::lignin_inhibition, "1", 0.0, 20.0, "structural rates x exp(-lignin_inhibition Ls), Ls lignin share of structural C", "Parton et al. 1987"},
    {"texture_active", &Parameters::texture_active, "1", 0.0, 1.0, "active rate x (1 - texture_active T), T silt + clay fraction", "Parton et al. 1987"},
    {"metabolic_intercept", &Parameters::metabolic_intercept, "1", 0.0, 1.0, "metabolic share of litter Fm = intercept - slope L/N", "Parton et al. 1987"},
    {"metabolic_slope", &Parameters::metabolic_slope, "1", 0.0, 0.1, "Fm decrease per unit of lignin:N ratio", "Parton et al. 1987"},
    {"lignin_respired", &Parameters::lignin_respired, "1", 0.0, 1.0, "respired share of structural lignin going to slow", "Parton et al. 1987"},
    {"surface_structural_respired", &Parameters::surface_structural_respired, "1", 0.0, 1.0, "respired share of surface structural non-lignin going to active", "Parton et al. 1987"},
    {"soil_structural_respired", &Parameters::soil_structural_respired, "1", 0.0, 1.0, "respired share of soil structural non-lignin going to active", "Parton et al. 1987"},
    {"surface_metabolic_respired", &Parameters::surface_metabolic_respired, "1", 0.0, 1.0, "respired share of surface metabolic going to active", "Parton et al. 1987"},
    {"soil_metabolic_respired", &Parameters::soil_metabolic_respired, "1", 0.0, 1.0, "respired share of soil metabolic going to active", "Parton et al. 1987"},
    {"active_respired_intercept", &Parameters::active_respired_intercept, "1", 0.0, 1.0, "active respired share Es = intercept - slope T", "Parton et al. 1987"},
    {"active_respired_slope", &Parameters::active_respired_slope, "1", 0.0, 1.0, "Es decrease per unit of silt + clay fraction", "Parton et al. 1987"},
    {"active_to_passive", &Parameters::active_to_passive, "1", 0.0, 0.1, "share of decomposed active going to passive (the rest not respired goes to slow)", "Parton et al. 1987"},
    {"slow_respired", &Parameters::slow_respired, "1", 0.0, 1.0, "respired share of decomposed slow", "Parton et al. 1987"},
    {"slow_to_passive", &Parameters::slow_to_passive, "1", 0.0, 1.0, "share of decomposed slow going to passive (the rest goes to active)", "Parton et al. 1987"},
    {"passive_respired", &Parameters::passive_respired, "1", 0.0, 1.0, "respired share of decomposed passive (the rest goes to active)", "Parton et al. 1987"},
    {"temp_max", &Parameters::temp_max, "degC", 20.0, 80.0, "temperature factor ((t_max - T)/(t_max - t_opt))^a exp(a/b (1 - ((t_max - T)/(t_max - t_opt))^b))", "Burke et al. 2003"},
    {"temp_opt", &Parameters::temp_opt, "degC", 10.0, 60.0, "optimum temperature of decomposition", "Burke et al. 2003"},
    {"temp_shape_a", &Parameters::temp_shape_a, "1", 0.01, 5.0, "temperature factor shape a", "Burke et al. 2003"},
    {"temp_shape_b", &Parameters::temp_shape_b, "1", 0.1, 10.0, "temperature factor shape b", "Burke et al. 2003"},
    {"moisture_a", &Parameters::moisture_a, "1", 0.0, 1000.0, "moisture factor 1/(1 + a exp(-b PPT/PET))", "Parton et al. 2001; Adair et al. 2008"},
    {"moisture_b", &Parameters::moisture_b, "1", 0.0, 100.0, "moisture factor shape b", "Parton et al. 2001; Adair et al. 2008"},
}};

/// Where CENTURY is valid (models/common/valid_range.hpp): the engine refuses a climate outside.
inline constexpr std::array<ValidRange, 2> kValidRange = {{
    {"tas", Period::month, "degC", -60.0, 45.0,
     "the temperature factor is defined below temp_max = 45 degC (0 at and above it, optimum at 35 degC); "
     "-60 degC: the coldest monthly means on Earth",
     "Burke et al. 2003; Parton et al. 1987"},
    {"tas", Period::year, "degC", -5.0, 30.0,
     "CENTURY was built for grasslands and croplands from temperate to tropical climates; below an annual mean "
     "of -5 degC the temperature factor stays below 0.03 and the equilibrium stocks grow without bound "
     "(1e9 t ha-1 at -40 degC)",
     "Parton et al. 1987; Burke et al. 2003; bounds: alamod"},
}};

/// Throws std::invalid_argument naming the first parameter outside its bounds
/// (value and bounds), or shares that sum above 1 (slow, temperature optimum).
void validate(const Parameters& p);

/// Soil and litter quality of a cell.
struct Site {
  double clay = 0.2;               ///< [in] clay fraction of the mineral soil (1)
  double silt = 0.45;              ///< [in] silt fraction of the mineral soil (1)
  double lignin_to_nitrogen = 0.5; ///< [in] lignin:N ratio of the plant residues L/N (1)
  double structural_lignin = 0.1;  ///< [in] lignin share of the structural litter Ls (1)
};

/// Per-cell constants derived once from the site: the decay matrix at xi = 1,
/// the respired share of each pool and the split of the litter inputs.
struct SiteConstants {
  std::array<std::array<double, kNumPools>, kNumPools> matrix;  ///< A = T K, [row = to][column = from] (yr-1)
  Pools respiration;         ///< share of each pool respired per year at xi = 1 (yr-1)
  double metabolic_fraction; ///< Fm, share of litter C entering the metabolic pools (1)
};

/// Derive the site constants. Throws std::invalid_argument naming the offending
/// site value (fractions outside [0, 1], a metabolic share outside [0, 1], an
/// active pool passing more than it decomposes).
SiteConstants derive_site_constants(const Parameters& p, const Site& s);

/// Forcing of one cell, constant over a step.
struct CellForcing {
  double surface_input;  ///< [in] aboveground litter carbon to the surface pools (t C ha-1 yr-1)
  double soil_input;     ///< [in] belowground litter carbon to the soil pools (t C ha-1 yr-1)
  double xi;             ///< [in] abiotic decomposition factor (1), e.g. temperature_factor x moisture_factor
};

/// Carbon fluxes of one step (t C ha-1 per step).
struct StepFluxes {
  double input;     ///< [out] (surface_input + soil_input) dt
  double respired;  ///< [out] carbon respired over the step
};

/// Advance the pools by dt years with the exact solution for constant inputs and
/// xi: one exponential of the augmented matrix [[xi A, 0, b], [xi r^T, 0, 0],
/// [0, 0, 0]] dt, which also integrates the respired carbon. The litter inputs
/// split into structural (1 - Fm) and metabolic (Fm) shares.
StepFluxes step(const SiteConstants& s, const CellForcing& f, double dt, Pools& x);

/// The decay matrix of a cell in its modes, A = V diag(lambda) V^-1, for the monthly steps of a grid
/// run: A is the same for a cell in every month up to the scalar xi, so one decomposition per cell
/// turns every step into 7 scalar exponentials, e^{xi lambda_i dt}, and no matrix exponential.
/// The litter pools feed only the SOM pools, so A is block lower triangular and
///   V = [[I, 0], [Y, W]],  V^-1 = [[I, 0], [G, W^-1]],  G = -W^-1 Y,
/// lambda = (-k of the four litter pools, the three eigenvalues of the SOM block S), W the SOM
/// block's eigenvectors and column j of Y the SOM part of litter pool j's eigenvector,
/// Y_j = -(S + k_j I)^-1 A[SOM][j]. `exact` is false (the cell must use `step`) where S has complex
/// eigenvalues, an eigenvalue is not finite, or V is ill conditioned (||V|| ||V^-1|| > 1e7 in the
/// maximum row sum, i.e. a litter rate next to an SOM eigenvalue or two close SOM eigenvalues).
struct Modes {
  bool exact = false;
  std::array<double, kNumPools> lambda{};            ///< eigenvalues at xi = 1 (yr-1)
  std::array<std::array<double, 4>, 3> y{};          ///< Y (1)
  std::array<std::array<double, 3>, 3> w{};          ///< W (1)
  std::array<std::array<double, 3>, 3> w_inverse{};  ///< W^-1 (1)
  std::array<std::array<double, 4>, 3> g{};          ///< G = -W^-1 Y (1)
  std::array<double, 3> surface_input{};  ///< SOM modes of a unit surface input split by Fm (1)
  std::array<double, 3> soil_input{};     ///< SOM modes of a unit soil input split by Fm (1)
  double metabolic_fraction = 0.0;        ///< Fm (1)
  double condition = 0.0;                 ///< ||V|| ||V^-1|| (maximum row sums) (1)
};

/// Decompose the cell's matrix (see Modes). Never throws: `exact` says whether to use the modes.
Modes decompose(const SiteConstants& s);

/// Modal coordinates of pools x (t C ha-1): m = V^-1 x.
void to_modes(const Modes& d, const double* x, double* modes);
/// Pools from modal coordinates: x = V m (t C ha-1).
void from_modes(const Modes& d, const double* modes, double* x);

/// One step of dt years in modal coordinates, inputs (t C ha-1 yr-1) and xi constant over the step:
/// m_i <- e^{u_i} m_i + dt phi(u_i) beta_i, u_i = xi lambda_i dt, phi(u) = (e^u - 1)/u, beta = V^-1 b.
/// The same solution as `step` (to rounding), without the respired carbon: over a run it is the
/// carbon balance, respired = sum of the inputs + sum x(start) - sum x(end), as nothing else leaves.
inline void step_modes(const Modes& d, double surface_input, double soil_input, double xi, double dt,
                       double* modes) {
  const double fm = d.metabolic_fraction;
  const double b[4] = {surface_input * (1.0 - fm), surface_input * fm, soil_input * (1.0 - fm), soil_input * fm};
  const double xi_dt = xi * dt;  // (yr)
  for (int i = 0; i < kNumPools; ++i) {
    double e, phi;
    det_exp_phi(d.lambda[i] * xi_dt, e, phi);
    const double beta = i < 4 ? b[i] : d.surface_input[i - 4] * surface_input + d.soil_input[i - 4] * soil_input;
    modes[i] = e * modes[i] + dt * phi * beta;
  }
}

/// The periodic equilibrium in modes of a cycle of `months` months (forcing [month], as in MonthsBlock for
/// one cell): in its modes the cycle maps each mode on its own, m_i <- P_i m_i + Q_i, so the equilibrium
/// is m_i = Q_i / (1 - P_i), with 1 - P_i = -expm1(sum of the months' u_i) (no cancellation for the slow
/// modes). One cycle of work. Returns false (modes unspecified) where a mode does not decay over the
/// cycle (1 - P_i not > 0) or the result is not finite. Pools: from_modes.
bool periodic_modes(const Parameters& p, const Modes& d, int months, double dt, const double* tas, const double* pr,
                    const double* pet, const double* surface, const double* soil, double* modes);

/// Steady state for constant forcing, x = -(xi A)^-1 b (t C ha-1). Throws
/// std::invalid_argument if xi <= 0 or a pool does not decay.
Pools steady_state(const SiteConstants& s, const CellForcing& f);

/// Temperature factor fT.Century1 of SoilR (Burke et al. 2003), T in degC (1), lane by lane:
/// u^a exp((a/b)(1 - u^b)), u = (t_max - T)/(t_max - t_opt), evaluated as exp(a ln u + (a/b)(1 - exp(b ln u)))
/// with the deterministic ln and exp of det_math.hpp (so that a vector of cells gets the bits of each
/// cell alone); 0 at and above t_max.
template <class V> [[gnu::always_inline]] inline V temperature_factor_lanes(const Parameters& p, const V& temp_c) {
  const V below = temp_c < p.temp_max ? splat<V>(1.0) : splat<V>(0.0);
  const V u = below > 0.5 ? (p.temp_max - temp_c) / (p.temp_max - p.temp_opt) : splat<V>(1.0);  // (1)
  const V log_u = det_log_lanes<V>(u);
  const V f = det_exp_lanes<V>(log_u * p.temp_shape_a +
                               (p.temp_shape_a / p.temp_shape_b) * (1.0 - det_exp_lanes<V>(log_u * p.temp_shape_b)));
  return below > 0.5 ? f : splat<V>(0.0);
}

/// Moisture factor fW.Century of SoilR, lane by lane: 1/(1 + a exp(-b PPT/PET)), PPT and PET in the
/// same unit (e.g. mm month-1); 1 where PET <= 0 (the grid's rule: no demand, no water limitation).
template <class V>
[[gnu::always_inline]] inline V moisture_factor_lanes(const Parameters& p, const V& precip, const V& pet) {
  const V positive = pet > 0.0 ? splat<V>(1.0) : splat<V>(0.0);
  const V safe_pet = positive > 0.5 ? pet : splat<V>(1.0);
  const V f = 1.0 / (1.0 + p.moisture_a * det_exp_lanes<V>(-p.moisture_b * (precip / safe_pet)));
  return positive > 0.5 ? f : splat<V>(1.0);
}

/// Temperature factor fT.Century1 of SoilR (Burke et al. 2003), T in degC (1) (temperature_factor_lanes).
inline double temperature_factor(const Parameters& p, double temp_c) { return temperature_factor_lanes<double>(p, temp_c); }

/// Moisture factor fW.Century of SoilR: 1/(1 + a exp(-b PPT/PET)), PPT and PET in the same unit (e.g.
/// mm month-1) (1); 1 where PET <= 0.
inline double moisture_factor(const Parameters& p, double precip, double pet) {
  return moisture_factor_lanes<double>(p, precip, pet);
}

/// A block of cells stepped month by month in their modes (the grid run's yearly loop): the block
/// kernel of century_block.cpp, W cells per vector (SSE2, AVX2 or AVX-512, picked at run time), each
/// lane running the operations of the scalar instance, so a cell gets the same bits in any block, at
/// any position and on any instruction set. Every cell's Modes must be exact.
struct MonthsBlock {
  std::size_t n = 0;                   ///< cells
  const Modes* const* modes = nullptr; ///< [in] each cell's decomposition
  int months = 0;                      ///< months to step, each of dt years
  double dt = kMonth;                  ///< (yr)
  const double* tas = nullptr;         ///< [in] [month * n + cell] monthly mean temperature (degC)
  const double* pr = nullptr;          ///< [in] [month * n + cell] precipitation (mm month-1)
  const double* pet = nullptr;         ///< [in] [month * n + cell] potential evapotranspiration (mm month-1)
  const double* surface = nullptr;     ///< [in] [month * n + cell] surface litter input (t C ha-1 yr-1)
  const double* soil = nullptr;        ///< [in] [month * n + cell] soil litter input (t C ha-1 yr-1)
  double* state = nullptr;             ///< [in,out] modal coordinates, kNumPools per cell (t C ha-1)
  double* input = nullptr;             ///< [in,out] each month's (surface + soil) dt added (t C ha-1)
};

/// Steps every cell of the block through its months: xi = temperature_factor(tas) moisture_factor(pr,
/// pet), then step_modes. isa: -1 the widest the CPU runs, or 0 SSE2, 1 AVX2, 2 AVX-512 (capped at
/// what the CPU runs), for the tests.
void step_months_block(const Parameters& p, const MonthsBlock& b, int isa = -1);

/// The registry entry of CENTURY (name "century").
ModelInfo model_info();

}  // namespace alamod::models::century
