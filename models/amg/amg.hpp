#pragma once
/// AMG v2, the annual two-pool soil carbon model of INRAE (Andriulo, Mary & Guérif 1999; version 2:
/// Clivot et al. 2019), exactly as the official R code (inrae/AMG_base, AMG_Script.R) computes it,
/// including its optional decimal roundings (see models/amg/README.md for the equations).
///
/// Pools (t C ha-1): the active pool, which mineralises with the annual rate k, and the stable pool,
/// constant at Ps times the initial stock. Time step: one year. Plant carbon inputs follow the
/// Bolinder et al. (2007) allometry from the yield; organic amendments (EOM) from their dose.
/// Pure functions: no I/O, no MPI. Scalar code: libm exp/pow (the official code's), not det_exp.
#include <array>
#include <cmath>
#include <string_view>

#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"
#include "models/common/model_info.hpp"

namespace alamod::models::amg {

inline constexpr int kNumPools = 2;  ///< active, stable
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {"active", "stable"};

/// Unit conversions (exact, not parameters).
inline constexpr double kMmPerM = 1000.0;        ///< water balance mm -> m (mm m-1)
inline constexpr double kKgPerTonne = 1000.0;    ///< EOM carbon kg C -> t C (kg t-1)
inline constexpr double kPercent = 100.0;        ///< percent -> fraction (percent)

/// The decimal roundings of the official code (digits after the decimal point), applied with
/// Rounding::official.
inline constexpr int kDigitsTemperature = 1;  ///< T_mean before fT (degC)
inline constexpr int kDigitsWater = 0;        ///< P + I - PET before fH (mm)
inline constexpr int kDigitsModifier = 6;     ///< fT fH fA fC fpH fCN
inline constexpr int kDigitsRate = 7;         ///< k
inline constexpr int kDigitsStock = 4;        ///< QC, QCS, QCA

/// Model parameters; defaults are those of the official parameters_MINERALIZATION.csv (Clivot et
/// al. 2019) and the constants of the official script. The names are the lower_snake form of the
/// official ones (Ps -> ps, aT -> a_t, bpH -> b_ph ...).
struct Parameters {
  double ps = 0.65;          ///< stable share of the initial SOC stock, CS/C0 (1)
  double k0 = 0.29;          ///< potential mineralisation rate of the active pool (yr-1)
  double a_t = 25.0;         ///< temperature function: fT at high T (1)
  double c_t = 0.12;         ///< temperature function: slope (degC-1)
  double t_ref = 15.0;       ///< temperature function: reference temperature (degC)
  double f_t_frozen = 1e-6;  ///< fT when the annual mean air temperature is <= 0 degC (1)
  double a_h = 0.03;         ///< moisture function: scale (1)
  double b_h = 5.247;        ///< moisture function: slope per metre of water balance (m-1)
  double a_m = 0.002519;     ///< clay function: fA = exp(-a_m clay) (kg g-1)
  double c_m = 0.0015;       ///< CaCO3 function: fC = 1/(1 + c_m CaCO3) (kg g-1)
  double a_ph = 0.112;       ///< pH function: curvature (1)
  double b_ph = 8.5;         ///< pH function: pH of the fastest mineralisation (1)
  double a_cn = 0.06;        ///< C:N function: curvature (1)
  double b_cn = 11.0;        ///< C:N function: C:N of the fastest mineralisation (1)
  double cn_amplitude = 0.8; ///< C:N function: fCN = cn_amplitude exp(...) + cn_floor (1)
  double cn_floor = 0.2;     ///< C:N function: lowest fCN (1)
  double extra_root = 0.65;  ///< extra-root (rhizodeposit) C per root C, CE/CR (1)
};

/// The one declaration of every AMG parameter.
inline constexpr std::array<ParameterInfo<Parameters>, 17> kParameterInfo = {{
    {"ps", &Parameters::ps, "1", 0.0, 1.0, "stable share of the initial SOC stock (CS/C0)", "Clivot et al. 2019"},
    {"k0", &Parameters::k0, "yr-1", 1e-6, 10.0, "potential mineralisation rate of the active pool", "Clivot et al. 2019"},
    {"a_t", &Parameters::a_t, "1", 1.0, 1000.0, "fT = a_t/(1 + (a_t - 1) exp(c_t (t_ref - T)))", "Clivot et al. 2019"},
    {"c_t", &Parameters::c_t, "degC-1", 0.0, 1.0, "temperature function slope", "Clivot et al. 2019"},
    {"t_ref", &Parameters::t_ref, "degC", -50.0, 50.0, "temperature function reference (fT = 1)", "Clivot et al. 2019"},
    {"f_t_frozen", &Parameters::f_t_frozen, "1", 0.0, 1.0, "fT when the annual mean temperature is <= 0 degC", "AMG_base AMG_Script.R"},
    {"a_h", &Parameters::a_h, "1", 0.0, 100.0, "fH = 1/(1 + a_h exp(-b_h (P + I - PET)))", "Clivot et al. 2019"},
    {"b_h", &Parameters::b_h, "m-1", 0.0, 100.0, "moisture function slope (water balance in m)", "Clivot et al. 2019"},
    {"a_m", &Parameters::a_m, "kg g-1", 0.0, 0.1, "fA = exp(-a_m clay), clay in g kg-1", "Clivot et al. 2019"},
    {"c_m", &Parameters::c_m, "kg g-1", 0.0, 0.1, "fC = 1/(1 + c_m CaCO3), CaCO3 in g kg-1", "Clivot et al. 2019"},
    {"a_ph", &Parameters::a_ph, "1", 0.0, 10.0, "fpH = exp(-a_ph (pH - b_ph)^2)", "Clivot et al. 2019"},
    {"b_ph", &Parameters::b_ph, "1", 0.0, 14.0, "pH of the fastest mineralisation", "Clivot et al. 2019"},
    {"a_cn", &Parameters::a_cn, "1", 0.0, 10.0, "fCN = cn_amplitude exp(-a_cn (CN - b_cn)^2) + cn_floor", "Clivot et al. 2019"},
    {"b_cn", &Parameters::b_cn, "1", 0.0, 100.0, "soil C:N of the fastest mineralisation", "Clivot et al. 2019"},
    {"cn_amplitude", &Parameters::cn_amplitude, "1", 0.0, 1.0, "C:N function amplitude", "Clivot et al. 2019"},
    {"cn_floor", &Parameters::cn_floor, "1", 0.0, 1.0, "C:N function floor", "Clivot et al. 2019"},
    {"extra_root", &Parameters::extra_root, "1", 0.0, 10.0, "extra-root C per root C (CE = extra_root CR)", "Bolinder et al. 2007"},
}};

/// Where AMG v2 is valid (models/common/valid_range.hpp): the engine refuses a climate outside.
inline constexpr std::array<ValidRange, 1> kValidRange = {{
    {"tas", Period::year, "degC", 0.0, 30.0,
     "fT of the annual mean air temperature; at or below 0 degC the official code sets fT = 1e-6 (frozen): the "
     "active pool stops mineralising and the equilibrium stocks grow without bound (1e7 t ha-1); AMG v2 was "
     "calibrated on temperate French trials, and fT saturates towards a_t without an optimum",
     "Clivot et al. 2019; AMG_base AMG_Script.R; upper bound: alamod", true},
}};

/// Throws std::invalid_argument naming the parameter, its value and its bounds when a parameter is
/// outside its declared bounds (or not a number).
void validate(const Parameters& p);

/// The registry entry of AMG v2.
ModelInfo model_info();

/// Whether the official decimal roundings are applied (Rounding::official reproduces the official
/// outputs to the last printed digit; Rounding::none is the pure-math variant).
enum class Rounding { none, official };

/// round(x, digits) of R >= 4.0.0: the candidate of the two decimal neighbours of x (x rounded down
/// and up to `digits` decimals, computed in double) that is closer to x in double arithmetic; a tie
/// goes to the even last digit. digits = 0: nearest integer, ties to even. Beyond 15 significant
/// digits x is returned unchanged.
inline double round_decimal(double x, int digits) {
  if (std::isnan(x) || std::isinf(x) || x == 0.0) return x;
  if (digits == 0) return std::nearbyint(x);
  const double sign = x < 0.0 ? -1.0 : 1.0;
  const double ax = std::fabs(x);
  constexpr double kLog10Of2 = 0.301029995663981195213738894724;  // log10(2), exact to double
  constexpr int kSignificant = 15;                                 // DBL_DIG
  if (kLog10Of2 * (0.5 + std::logb(ax)) + digits > kSignificant) return x;
  double pow10 = 1.0;  // 10^digits by repeated squaring, as R_pow_di (exact up to 10^22)
  {
    double base = 10.0;
    for (int n = digits < 0 ? -digits : digits;;) {
      if (n & 1) pow10 *= base;
      if ((n >>= 1) == 0) break;
      base *= base;
    }
    if (digits < 0) pow10 = 1.0 / pow10;
  }
  const double x10 = ax * pow10;
  const double i10 = std::floor(x10);
  const double down = i10 / pow10;
  const double up = std::ceil(x10) / pow10;
  const double to_up = up - ax, to_down = ax - down;
  const bool pick_up = to_up < to_down || (to_up == to_down && std::fmod(i10, 2.0) == 1.0);
  return sign * (pick_up ? up : down);
}

/// x rounded to `digits` decimals with Rounding::official, x unchanged with Rounding::none.
inline double round_if(Rounding r, double x, int digits) {
  return r == Rounding::official ? round_decimal(x, digits) : x;
}

/// x^y as R computes it: x*x for y = 2, 1 for x = 1 or y = 0, libm pow otherwise.
inline double r_pow(double x, double y) {
  if (y == 2.0) return x * x;
  if (x == 1.0 || y == 0.0) return 1.0;
  return std::pow(x, y);
}

// ---------------------------------------------------------------------------------------------
// Mineralisation rate
// ---------------------------------------------------------------------------------------------

/// Soil properties of the layer (constant in time).
struct Soil {
  double clay_g_kg = 0;   ///< [in] clay content after decarbonation (g kg-1)
  double caco3_g_kg = 0;  ///< [in] CaCO3 content (g kg-1)
  double ph = 7;          ///< [in] pH in water (1)
  double cn_ratio = 10;   ///< [in] soil C:N ratio (1)
};

/// One year of climate.
struct Climate {
  double t_mean_c = 0;       ///< [in] annual mean air temperature (degC)
  double rainfall_mm = 0;    ///< [in] annual rainfall (mm yr-1)
  double irrigation_mm = 0;  ///< [in] annual irrigation (mm yr-1)
  double pet_mm = 0;         ///< [in] annual potential evapotranspiration, Penman (mm yr-1)
};

/// The environmental functions (1) and the mineralisation rate of the active pool (yr-1).
struct RateModifiers {
  double f_t, f_h, f_a, f_c, f_ph, f_cn;  ///< temperature, moisture, clay, CaCO3, pH, C:N (1)
  double k;                               ///< k = k0 fT fH fA fC fpH fCN (yr-1)
};

/// Temperature function fT (1) of the annual mean air temperature (degC).
inline double f_temperature(const Parameters& p, double t_mean_c, Rounding r) {
  if (t_mean_c <= 0.0) return p.f_t_frozen;
  const double t = round_if(r, t_mean_c, kDigitsTemperature);
  return round_if(r, p.a_t / (1.0 + ((p.a_t - 1.0) * std::exp(p.c_t * p.t_ref)) * std::exp(-p.c_t * t)),
                  kDigitsModifier);
}

/// Moisture function fH (1) of the annual water balance rainfall + irrigation - PET (mm).
inline double f_moisture(const Parameters& p, const Climate& c, Rounding r) {
  const double balance_mm = round_if(r, c.rainfall_mm + c.irrigation_mm - c.pet_mm, kDigitsWater);
  return round_if(r, 1.0 / (1.0 + p.a_h * std::exp(-p.b_h * (balance_mm / kMmPerM))), kDigitsModifier);
}

/// All six functions and k for one year.
inline RateModifiers mineralisation_rate(const Parameters& p, const Soil& s, const Climate& c, Rounding r) {
  RateModifiers m;
  m.f_t = f_temperature(p, c.t_mean_c, r);
  m.f_h = f_moisture(p, c, r);
  m.f_a = round_if(r, std::exp(-p.a_m * s.clay_g_kg), kDigitsModifier);
  m.f_c = round_if(r, 1.0 / (1.0 + p.c_m * s.caco3_g_kg), kDigitsModifier);
  const double dph = s.ph - p.b_ph;
  m.f_ph = round_if(r, std::exp(-p.a_ph * (dph * dph)), kDigitsModifier);
  const double dcn = s.cn_ratio - p.b_cn;
  m.f_cn = round_if(r, p.cn_amplitude * std::exp(-p.a_cn * (dcn * dcn)) + p.cn_floor, kDigitsModifier);
  m.k = round_if(r, p.k0 * m.f_t * m.f_h * m.f_a * m.f_c * m.f_ph * m.f_cn, kDigitsRate);
  return m;
}

// ---------------------------------------------------------------------------------------------
// Stocks
// ---------------------------------------------------------------------------------------------

/// SOC stocks of the layer (t C ha-1). The official code carries the total stock (rounded with
/// Rounding::official) and decays total - stable, so the total is kept, not recomputed.
struct Stocks {
  double total;   ///< QC, total SOC (t C ha-1)
  double stable;  ///< QCS, stable pool, constant (t C ha-1)
  double active;  ///< QCA, active pool (t C ha-1)
};

/// Initial stocks from the initial SOC stock soc0 (t C ha-1): QCS = Ps soc0, QCA = soc0 - QCS.
inline Stocks initial_stocks(const Parameters& p, double soc0, Rounding r) {
  Stocks s;
  s.total = round_if(r, soc0, kDigitsStock);
  s.stable = round_if(r, soc0 * p.ps, kDigitsStock);
  s.active = s.total - s.stable;
  return s;
}

/// One year: the active stock decays with this year's k (yr-1) and receives the humified C of the
/// previous year, `humified_input` (t C ha-1 yr-1), as the exact solution of dA/dt = h - k A over
/// one year: A' = (QC - QCS) e^-k + (h/k)(1 - e^-k); QC' = QCS + A'. Returns the C mineralised
/// from the active pool during the year (t C ha-1 yr-1): A + h - A' (before the official rounding).
/// k = 0 (reachable when the official 7-decimal rounding meets a tiny k, e.g. fT = 1e-6 in a cold
/// year) gives NaN with Rounding::official, as the official code (h/0 times 0), and the limit
/// A' = A + h with Rounding::none.
inline double step_year(double k, double humified_input, Stocks& s, Rounding r) {
  const double active = s.total - s.stable;
  double next;
  if (k != 0.0 || r == Rounding::official) {
    next = (active * std::exp(-k)) + ((humified_input / k) * (1.0 - std::exp(-k)));
  } else {
    next = active + humified_input;
  }
  const double mineralised = active + humified_input - next;
  s.active = round_if(r, next, kDigitsStock);
  s.total = round_if(r, s.stable + s.active, kDigitsStock);
  return mineralised;
}

// ---------------------------------------------------------------------------------------------
// Carbon inputs
// ---------------------------------------------------------------------------------------------

/// Crop types of the official tables: main crop, cover crop (not harvested: the yield is its
/// aboveground biomass, all returned), harvested cover crop (as a main crop).
enum class CropType { main, cover, harvested_cover };

/// Bolinder coefficients of one crop (parameters_PLANT.csv).
struct CropParameters {
  double beta = 0.96;       ///< root distribution coefficient, share of roots below d cm = beta^d (1)
  double hi = 0.5;          ///< harvest index (1)
  double sr = 1;            ///< shoot-to-root ratio (1)
  double pss = 1;           ///< share of straw and stubble returned when residues are exported (1)
  double h_ag = 0.2;        ///< humification coefficient of aboveground residues (1)
  double h_bg = 0.4;        ///< humification coefficient of belowground residues (1)
  double c_conc_ag = 0.44;  ///< C content of aboveground residues (g C g-1 DM)
  double c_conc_bg = 0.4;   ///< C content of belowground residues (g C g-1 DM)
};

/// Carbon inputs of one crop (t C ha-1 yr-1) and their humified parts.
struct CropInputs {
  double c_ag, c_bg, c_plant;              ///< aboveground, belowground (roots + extra-root), total
  double c_ag_hum, c_bg_hum, c_plant_hum;  ///< the same times h_AG, h_BG
};

/// Bolinder et al. (2007) allocation from the yield, as the official code:
/// dry yield Y = yield (1 - water/100); straw and stubble CSS = Y (1 - HI)/HI C_AG (cover crop:
/// Y C_AG); roots CR = Y/(SR HI) C_BG (cover crop: Y/SR C_BG), of which the share 1 - beta^depth
/// lies in the layer; extra-root C CE = extra_root CR. CAG = PSS CSS (PSS = 1 if residues are
/// returned), CBG = CR + CE (in the layer).
inline CropInputs crop_inputs(const Parameters& p, const CropParameters& c, CropType type,
                              double yield_t_fw,     ///< [in] yield, fresh weight (t ha-1)
                              double water_pct,      ///< [in] water content of the harvested organ (percent)
                              bool residues_returned,///< [in] straw and stubble left on the field
                              double depth_cm)       ///< [in] depth of the simulated layer (cm)
{
  const double dry = yield_t_fw * (1.0 - water_pct / kPercent);
  const bool cover = type == CropType::cover;
  const double css = cover ? dry * c.c_conc_ag : dry * ((1.0 - c.hi) / c.hi) * c.c_conc_ag;
  const double cr = cover ? (dry / c.sr) * c.c_conc_bg : dry / (c.sr * c.hi) * c.c_conc_bg;
  const double cr_layer = (1.0 - r_pow(c.beta, depth_cm)) * cr;
  const double ce_layer = cr_layer * p.extra_root;
  const double pss = residues_returned ? 1.0 : c.pss;
  CropInputs in;
  in.c_ag = pss * css;
  in.c_bg = cr_layer + ce_layer;
  in.c_plant = in.c_ag + in.c_bg;
  in.c_ag_hum = in.c_ag * c.h_ag;
  in.c_bg_hum = in.c_bg * c.h_bg;
  in.c_plant_hum = in.c_ag_hum + in.c_bg_hum;
  return in;
}

/// One exogenous organic matter (parameters_EOM.csv).
struct AmendmentParameters {
  double c_conc_kg_t = 0;  ///< C content (kg C t-1 fresh weight)
  double h = 0;            ///< humification coefficient (1)
};

/// Carbon of one application (t C ha-1) and its humified part.
struct AmendmentInputs {
  double c, c_hum;
};

/// C = dose C_conc / 1000, C_hum = C h.
inline AmendmentInputs amendment_inputs(const AmendmentParameters& a, double dose_t_fw /**< [in] t FW ha-1 */) {
  const double c = dose_t_fw * a.c_conc_kg_t / kKgPerTonne;
  return {c, c * a.h};
}

}  // namespace alamod::models::amg
