#pragma once
/// Millennial v2 (Abramoff et al. 2022): five measurable soil carbon pools with
/// Michaelis-Menten microbial kinetics, a mineral sorption capacity and
/// aggregation, one daily explicit-Euler step exactly as the official Fortran
/// code computes it (rabramoff/Millennial, Fortran/MillennialV2/millennialv2.F90;
/// see models/millennial/README.md for the equations).
///
/// Pools (g C m-2): POM particulate organic matter, LMWC low-molecular-weight
/// carbon, AGG aggregate carbon, MIC microbial biomass, MAOM mineral-associated
/// organic matter. Time step: one day. Pure functions: no I/O, no MPI.
///
/// Clay (+ silt) content, pH and bulk density are site inputs (SiteProperties),
/// turned once per cell into SoilConstants (sorption affinity, capacity).
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>

#include "models/common/det_math.hpp"
#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"
#include "models/common/model_info.hpp"

namespace alamod::models::millennial {

inline constexpr int kNumPools = 5;  ///< POM LMWC AGG MIC MAOM
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {"POM", "LMWC", "AGG", "MIC", "MAOM"};
inline constexpr double kDay = 1.0;                ///< time step (d)
inline constexpr double kDaysPerYear = 365.0;      ///< days of a model year: the official code has no leap years (d)
inline constexpr double kZeroCelsiusKelvin = 273.15;  ///< 0 degC in K (unit conversion, K)

/// Model parameters; defaults are the official fitted set
/// (`soilpara_in_fit.txt`, Abramoff et al. 2022) plus the constants the
/// official code sets itself (param_pc, gas_const). Config keys keep the
/// official names.
struct Parameters {
  double param_pi = 0.66;     ///< share of the plant input entering POM, the rest enters LMWC (1)
  double param_pa = 0.33;     ///< share of broken-down aggregate C returning to POM, the rest to MAOM (1)
  double kaff_pl = 6443.0;    ///< half-saturation constant of POM decomposition, in MIC (g m-2)
  double alpha_pl = 1.8e12;   ///< pre-exponential factor of the POM decomposition rate (d-1)
  double eact_pl = 63909.0;   ///< activation energy of POM decomposition (J mol-1)
  double rate_pa = 0.018;     ///< POM aggregation rate (d-1)
  double rate_break = 0.02;   ///< aggregate breakdown rate (d-1)
  double rate_leach = 0.0015; ///< LMWC leaching rate (d-1)
  double kaff_des = 1.0;      ///< desorption rate of MAOM at capacity (g m-2 d-1)
  double param_p1 = 0.12;     ///< pH slope of the sorption affinity (1 per pH unit)
  double param_p2 = 0.216;    ///< intercept of the sorption affinity (1)
  double kaff_lb = 774.6;     ///< half-saturation constant of microbial LMWC uptake (g m-2)
  double alpha_lb = 2.3e12;   ///< pre-exponential factor of microbial LMWC uptake (d-1)
  double eact_lb = 57865.0;   ///< activation energy of microbial LMWC uptake (J mol-1)
  double rate_bd = 0.0045;    ///< density-dependent microbial turnover rate (m2 g-1 d-1)
  double rate_ma = 0.0048;    ///< MAOM aggregation rate (d-1)
  double cue_ref = 0.19;      ///< carbon use efficiency at tae_ref (1)
  double cue_t = 0.012;       ///< decrease of carbon use efficiency per degree of warming (K-1)
  double tae_ref = 15.0;      ///< reference temperature of cue_ref (degC)
  double matpot = 15.0;       ///< soil matric potential, as a positive suction (kPa)
  double lambda = 2.1e-4;     ///< dependence of microbial uptake on matric potential (kPa-1)
  double porosity = 0.6;      ///< total porosity (m3 m-3)
  double kamin = 0.2;         ///< minimum relative rate of microbial uptake in saturated soil (1)
  double param_pb = 0.5;      ///< share of microbial necromass entering MAOM, the rest enters LMWC (1)
  double param_pc = 0.86;     ///< slope of the mineral C capacity on clay (+ silt) content (g kg-1 percent-1)
  double gas_const = 8.31446; ///< universal gas constant (J mol-1 K-1)
};

/// The one declaration of every Millennial parameter.
inline constexpr std::array<ParameterInfo<Parameters>, 26> kParameterInfo = {{
    {"param_pi", &Parameters::param_pi, "1", 0.0, 1.0, "share of the plant C input entering POM (rest: LMWC)",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"param_pa", &Parameters::param_pa, "1", 0.0, 1.0, "share of aggregate breakdown returning to POM (rest: MAOM)",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"kaff_pl", &Parameters::kaff_pl, "g m-2", 1.0, 1.0e6, "half-saturation constant of POM decomposition (in MIC)",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"alpha_pl", &Parameters::alpha_pl, "d-1", 1.0e6, 1.0e16, "pre-exponential factor of POM decomposition",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"eact_pl", &Parameters::eact_pl, "J mol-1", 1.0e4, 1.5e5, "activation energy of POM decomposition",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"rate_pa", &Parameters::rate_pa, "d-1", 0.0, 1.0, "POM aggregation rate",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"rate_break", &Parameters::rate_break, "d-1", 0.0, 1.0, "aggregate breakdown rate",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"rate_leach", &Parameters::rate_leach, "d-1", 0.0, 1.0, "LMWC leaching rate",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"kaff_des", &Parameters::kaff_des, "g m-2 d-1", 0.0, 100.0,
     "desorption rate of MAOM at capacity (also scales the sorption affinity)",
     "Abramoff et al. 2022, soilpara_in_fit.txt; unit per the repository note of Dec 2024"},
    {"param_p1", &Parameters::param_p1, "1", 0.0, 1.0, "pH slope of the sorption affinity, exp(-p1 pH - p2)",
     "Mayes et al. 2012; Abramoff et al. 2022"},
    {"param_p2", &Parameters::param_p2, "1", -5.0, 5.0, "intercept of the sorption affinity, exp(-p1 pH - p2)",
     "Mayes et al. 2012; Abramoff et al. 2022"},
    {"kaff_lb", &Parameters::kaff_lb, "g m-2", 1.0, 1.0e6, "half-saturation constant of microbial LMWC uptake",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"alpha_lb", &Parameters::alpha_lb, "d-1", 1.0e6, 1.0e16, "pre-exponential factor of microbial LMWC uptake",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"eact_lb", &Parameters::eact_lb, "J mol-1", 1.0e4, 1.5e5, "activation energy of microbial LMWC uptake",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"rate_bd", &Parameters::rate_bd, "m2 g-1 d-1", 0.0, 1.0, "density-dependent microbial turnover, rate_bd MIC^2",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"rate_ma", &Parameters::rate_ma, "d-1", 0.0, 1.0, "MAOM aggregation rate",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"cue_ref", &Parameters::cue_ref, "1", 0.0, 1.0, "carbon use efficiency at the reference temperature",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"cue_t", &Parameters::cue_t, "K-1", 0.0, 0.1, "decrease of carbon use efficiency per degree of warming",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"tae_ref", &Parameters::tae_ref, "degC", -10.0, 40.0, "reference temperature of cue_ref",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"matpot", &Parameters::matpot, "kPa", 0.0, 1.0e4, "soil matric potential (positive suction)",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"lambda", &Parameters::lambda, "kPa-1", 0.0, 0.1, "dependence of microbial uptake on matric potential",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"porosity", &Parameters::porosity, "1", 0.05, 1.0, "total porosity (m3 m-3); soil moisture must not exceed it",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"kamin", &Parameters::kamin, "1", 0.0, 1.0, "minimum relative rate of microbial uptake in saturated soil",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"param_pb", &Parameters::param_pb, "1", 0.0, 1.0, "share of microbial necromass entering MAOM (rest: LMWC)",
     "Abramoff et al. 2022, soilpara_in_fit.txt"},
    {"param_pc", &Parameters::param_pc, "g kg-1 percent-1", 0.01, 10.0,
     "slope of the mineral C capacity on clay (+ silt): qmax = bulk density param_pc clay",
     "Georgiou et al. 2022; Abramoff et al. 2022"},
    {"gas_const", &Parameters::gas_const, "J mol-1 K-1", 8.3, 8.4, "universal gas constant of the Arrhenius rates",
     "CODATA; official code value 8.31446"},
}};

/// Where Millennial v2 is valid (models/common/valid_range.hpp): the engine refuses a climate outside.
/// The temperature is the soil temperature of the daily step (the grid uses the month's tas every day).
inline constexpr std::array<ValidRange, 2> kValidRange = {{
    {"tas", Period::month, "degC", -50.0, 35.0,
     "soil temperature of the Arrhenius rates and of the carbon use efficiency cue_ref - cue_t (T - tae_ref), "
     "which exceeds 1 below -52.5 degC and is negative above 30.8 degC (microbes respire more than they take "
     "up); warm months up to 35 degC are accepted, hotter ones make the daily explicit step overshoot",
     "Abramoff et al. 2022; bounds: alamod"},
    {"tas", Period::year, "degC", -20.0, 25.0,
     "above an annual mean of 25 degC the microbial biomass of the mean year dies out (no positive equilibrium); "
     "below -20 degC the soil is frozen most of the year, which the model does not represent",
     "Abramoff et al. 2022; bounds: alamod"},
}};

/// Throws std::invalid_argument naming the first parameter outside its bounds
/// (with its value and the bounds); NaN is rejected.
void validate(const Parameters& p);

/// Site description of one cell. No defaults: a property left unset is NaN
/// and derive_soil_constants rejects it.
struct SiteProperties {
  double clay_pct = std::numeric_limits<double>::quiet_NaN();      ///< clay (+ silt) content of the fine earth (percent); the official Fortran uses 80
  double ph = std::numeric_limits<double>::quiet_NaN();            ///< soil pH in water (1); the official Fortran uses 7
  double bulk_density = std::numeric_limits<double>::quiet_NaN();  ///< bulk density (kg m-3); the official Fortran uses 1000
};

/// Per-cell constants derived once from the site.
struct SoilConstants {
  double kaff_lm;  ///< sorption affinity kaff_des exp(-p1 pH - p2), used as a rate on LMWC (d-1)
  double qmax;     ///< mineral sorption capacity bulk_density param_pc clay (g m-2)
};

/// The site constants of one cell. Throws std::invalid_argument naming the
/// property when clay is outside (0, 100] %, pH outside [0, 14] or the bulk
/// density outside (0, 2650] kg m-3 (NaN included).
SoilConstants derive_soil_constants(const Parameters& p, const SiteProperties& site);

/// State of one cell (g C m-2).
struct State {
  double pom;   ///< [in,out] particulate organic matter (g m-2)
  double lmwc;  ///< [in,out] low-molecular-weight carbon (g m-2)
  double agg;   ///< [in,out] aggregate carbon (g m-2)
  double mic;   ///< [in,out] microbial biomass carbon (g m-2)
  double maom;  ///< [in,out] mineral-associated organic matter (g m-2)
};

/// Total soil organic carbon POM + LMWC + AGG + MIC + MAOM (g m-2).
inline double total_carbon(const State& x) { return x.pom + x.lmwc + x.agg + x.mic + x.maom; }

/// One day of forcing for one cell.
struct DailyForcing {
  double soil_temperature;  ///< [in] daily mean soil temperature (degC)
  double soil_moisture;     ///< [in] volumetric water content, 0 <= value <= porosity (m3 m-3)
  double npp;               ///< [in] plant carbon input (g m-2 d-1)
};

/// Rate modifiers and fluxes of one day, all from the state at the start of the
/// day (fluxes in g m-2 d-1). Member names follow the official output columns.
struct Fluxes {
  double scalar_wd;   ///< moisture modifier of the non-microbial rates (1)
  double scalar_wb;   ///< moisture modifier of microbial uptake (1)
  double vmax_pl;     ///< maximum POM decomposition rate at today's temperature (d-1)
  double vmax_lb;     ///< maximum microbial uptake rate at today's temperature (d-1)
  double f_po_lm;     ///< POM -> LMWC, decomposition (g m-2 d-1)
  double f_po_ag;     ///< POM -> AGG, aggregation (g m-2 d-1)
  double f_ag_break;  ///< AGG -> POM + MAOM, aggregate breakdown (g m-2 d-1)
  double f_lm_leach;  ///< LMWC -> out of the soil, leaching (g m-2 d-1)
  double f_lm_ma;     ///< LMWC -> MAOM, sorption (g m-2 d-1)
  double f_ma_lm;     ///< MAOM -> LMWC, desorption (g m-2 d-1)
  double f_lm_mb;     ///< LMWC -> MIC, microbial uptake (g m-2 d-1)
  double f_mb_turn;   ///< MIC -> MAOM + LMWC, microbial turnover (g m-2 d-1)
  double f_ma_ag;     ///< MAOM -> AGG, aggregation (g m-2 d-1)
  double f_mb_atm;    ///< MIC -> atmosphere, microbial respiration (g m-2 d-1)
};

/// Carbon crossing the boundary of the soil during a step (g m-2 per step).
/// Over any run, change of total_carbon = input - respiration - leaching.
struct CarbonFluxes {
  double input;        ///< [out] plant carbon input (g m-2)
  double respiration;  ///< [out] heterotrophic respiration, CO2-C (g m-2)
  double leaching;     ///< [out] LMWC leached below the layer (g m-2)
};

/// Moisture modifiers (Abramoff et al. 2022 Eqs. 4-5), written to fl.scalar_wd
/// and fl.scalar_wb:
///   wd = (theta/porosity)^0.5,
///   wb = exp(-lambda matpot) (kamin + (1 - kamin) ((porosity - theta)/porosity)^0.5) wd.
inline void moisture_modifiers(const Parameters& p, double soil_moisture, Fluxes& fl) {
  fl.scalar_wd = std::sqrt(soil_moisture / p.porosity);
  fl.scalar_wb = det_exp(p.lambda * -p.matpot) *
                 (p.kamin + (1.0 - p.kamin) * std::sqrt((p.porosity - soil_moisture) / p.porosity)) * fl.scalar_wd;
}

/// Arrhenius rate alpha exp(-eact / (R (T + 273.15))) (d-1), T in degC.
inline double arrhenius(const Parameters& p, double alpha, double eact, double soil_temperature) {
  return alpha * det_exp(-eact / (p.gas_const * (soil_temperature + kZeroCelsiusKelvin)));
}

/// What a day's fluxes take from its forcing alone: the moisture modifiers, the two Arrhenius rates
/// and the carbon use efficiency. A grid run's forcing is constant over a month, so it computes these
/// once per month (day_rates) and steps its days with them: the same values, hence the same bits, as
/// computing them every day, without the square roots and exponentials of every day.
struct DayRates {
  Fluxes modifiers{};  ///< scalar_wd, scalar_wb, vmax_pl and vmax_lb set, the fluxes 0
  double cue = 0.0;    ///< carbon use efficiency cue_ref - cue_t (T - tae_ref) (1)
  // The leading products of the fluxes, (a b) of every a b x ... (the same bits as every day's):
  double vmax_pl_wd = 0.0;     ///< vmax_pl wd (d-1)
  double rate_pa_wd = 0.0;     ///< rate_pa wd (d-1)
  double rate_break_wd = 0.0;  ///< rate_break wd (d-1)
  double rate_leach_wd = 0.0;  ///< rate_leach wd (d-1)
  double rate_ma_wd = 0.0;     ///< rate_ma wd (d-1)
  double vmax_lb_wb = 0.0;     ///< vmax_lb wb (d-1)
  double respired_share = 0.0; ///< 1 - cue (1)
};

/// The rates of a day's forcing (soil temperature and moisture; npp is not used).
inline DayRates day_rates(const Parameters& p, const DailyForcing& f) {
  DayRates r;
  moisture_modifiers(p, f.soil_moisture, r.modifiers);
  r.modifiers.vmax_pl = arrhenius(p, p.alpha_pl, p.eact_pl, f.soil_temperature);
  r.modifiers.vmax_lb = arrhenius(p, p.alpha_lb, p.eact_lb, f.soil_temperature);
  r.cue = p.cue_ref - p.cue_t * (f.soil_temperature - p.tae_ref);
  const double wd = r.modifiers.scalar_wd;
  r.vmax_pl_wd = r.modifiers.vmax_pl * wd;
  r.rate_pa_wd = p.rate_pa * wd;
  r.rate_break_wd = p.rate_break * wd;
  r.rate_leach_wd = p.rate_leach * wd;
  r.rate_ma_wd = p.rate_ma * wd;
  r.vmax_lb_wb = r.modifiers.vmax_lb * r.modifiers.scalar_wb;
  r.respired_share = 1.0 - r.cue;
  return r;
}

/// Fluxes of one day from the state at its start and the day's rates (Abramoff et al. 2022 Eqs.
/// 2-21, as the official code computes them). A flux is 0 when its source pool (or, for the
/// Michaelis-Menten ones, MIC or LMWC) is not positive.
inline Fluxes daily_fluxes(const Parameters& p, const SoilConstants& s, const DayRates& r, const State& x) {
  Fluxes fl = r.modifiers;
  const double wd = fl.scalar_wd;
  fl.f_po_lm = (x.pom > 0.0 && x.mic > 0.0) ? r.vmax_pl_wd * x.pom * x.mic / (p.kaff_pl + x.mic) : 0.0;
  fl.f_po_ag = x.pom > 0.0 ? r.rate_pa_wd * x.pom : 0.0;
  fl.f_ag_break = x.agg > 0.0 ? r.rate_break_wd * x.agg : 0.0;
  fl.f_lm_leach = x.lmwc > 0.0 ? r.rate_leach_wd * x.lmwc : 0.0;
  fl.f_lm_ma = (x.lmwc > 0.0 && x.maom > 0.0) ? wd * s.kaff_lm * x.lmwc * (1.0 - x.maom / s.qmax) : 0.0;
  fl.f_ma_lm = x.maom > 0.0 ? p.kaff_des * x.maom / s.qmax : 0.0;
  fl.f_lm_mb = (x.lmwc > 0.0 && x.mic > 0.0) ? r.vmax_lb_wb * x.mic * x.lmwc / (p.kaff_lb + x.lmwc) : 0.0;
  fl.f_mb_turn = x.mic > 0.0 ? p.rate_bd * (x.mic * x.mic) : 0.0;
  fl.f_ma_ag = x.maom > 0.0 ? r.rate_ma_wd * x.maom : 0.0;
  fl.f_mb_atm = (x.mic > 0.0 && x.lmwc > 0.0) ? fl.f_lm_mb * r.respired_share : 0.0;
  return fl;
}

/// Rate modifiers and fluxes of one day from the state at its start and the day's forcing.
inline Fluxes daily_fluxes(const Parameters& p, const SoilConstants& s, const DailyForcing& f, const State& x) {
  return daily_fluxes(p, s, day_rates(p, f), x);
}

/// Rates of change of the pools (g m-2 d-1) for the fluxes fl and the plant
/// input npp (g m-2 d-1) (Abramoff et al. 2022 Eqs. 1, 8, 19, 20, 24), each sum
/// in the order of the official code.
inline State tendencies(const Parameters& p, const Fluxes& fl, double npp) {
  State d;
  d.pom = npp * p.param_pi + fl.f_ag_break * p.param_pa - fl.f_po_ag - fl.f_po_lm;
  d.lmwc = npp * (1.0 - p.param_pi) - fl.f_lm_leach + fl.f_po_lm - fl.f_lm_ma - fl.f_lm_mb +
           fl.f_mb_turn * (1.0 - p.param_pb) + fl.f_ma_lm;
  d.agg = fl.f_ma_ag + fl.f_po_ag - fl.f_ag_break;
  d.maom = fl.f_lm_ma - fl.f_ma_lm + fl.f_mb_turn * p.param_pb - fl.f_ma_ag + fl.f_ag_break * (1.0 - p.param_pa);
  d.mic = fl.f_lm_mb - fl.f_mb_turn - fl.f_mb_atm;
  return d;
}

/// d(tendencies)/d(state) at x with the day's rates r: jac[i][j] = d(dX_i/dt)/dX_j (d-1), pools in the
/// order POM, LMWC, AGG, MIC, MAOM (State). For pools > 0 (where every flux of daily_fluxes is on);
/// one day's Euler step has the Jacobian I + jac kDay. The spin-up builds its Newton steps from it.
inline void jacobian(const Parameters& p, const SoilConstants& s, const DayRates& r, const State& x, double jac[5][5]) {
  enum { POM, LMWC, AGG, MIC, MAOM };
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) jac[i][j] = 0.0;
  const double wd = r.modifiers.scalar_wd;
  const double dpl = 1.0 / (p.kaff_pl + x.mic), dlb = 1.0 / (p.kaff_lb + x.lmwc);
  const double po_lm_pom = r.vmax_pl_wd * x.mic * dpl;                         // d f_po_lm / d POM
  const double po_lm_mic = r.vmax_pl_wd * x.pom * p.kaff_pl * dpl * dpl;       // d f_po_lm / d MIC
  const double lm_ma_lmwc = wd * s.kaff_lm * (1.0 - x.maom / s.qmax);         // d f_lm_ma / d LMWC
  const double lm_ma_maom = -wd * s.kaff_lm * x.lmwc / s.qmax;                // d f_lm_ma / d MAOM
  const double ma_lm_maom = p.kaff_des / s.qmax;                              // d f_ma_lm / d MAOM
  const double lm_mb_mic = r.vmax_lb_wb * x.lmwc * dlb;                       // d f_lm_mb / d MIC
  const double lm_mb_lmwc = r.vmax_lb_wb * x.mic * p.kaff_lb * dlb * dlb;     // d f_lm_mb / d LMWC
  const double turn_mic = 2.0 * p.rate_bd * x.mic;                            // d f_mb_turn / d MIC
  jac[POM][POM] = -r.rate_pa_wd - po_lm_pom;
  jac[POM][AGG] = p.param_pa * r.rate_break_wd;
  jac[POM][MIC] = -po_lm_mic;
  jac[LMWC][POM] = po_lm_pom;
  jac[LMWC][LMWC] = -r.rate_leach_wd - lm_ma_lmwc - lm_mb_lmwc;
  jac[LMWC][MIC] = po_lm_mic - lm_mb_mic + (1.0 - p.param_pb) * turn_mic;
  jac[LMWC][MAOM] = -lm_ma_maom + ma_lm_maom;
  jac[AGG][POM] = r.rate_pa_wd;
  jac[AGG][AGG] = -r.rate_break_wd;
  jac[AGG][MAOM] = r.rate_ma_wd;
  jac[MIC][LMWC] = (1.0 - r.respired_share) * lm_mb_lmwc;
  jac[MIC][MIC] = (1.0 - r.respired_share) * lm_mb_mic - turn_mic;
  jac[MAOM][LMWC] = lm_ma_lmwc;
  jac[MAOM][AGG] = (1.0 - p.param_pa) * r.rate_break_wd;
  jac[MAOM][MIC] = p.param_pb * turn_mic;
  jac[MAOM][MAOM] = lm_ma_maom - ma_lm_maom - r.rate_ma_wd;
}

/// One official day for one cell with the day's rates (day_rates) and plant input npp (g m-2 d-1):
/// all fluxes from the state at the start of the day, then one explicit Euler step of one day, each
/// pool summed left to right from its old value exactly as the official code does. Returns the
/// carbon that entered and left the soil (g m-2 d-1); `out`, if given, receives the modifiers and
/// fluxes (the official daily output columns).
inline CarbonFluxes step_day(const Parameters& p, const SoilConstants& s, const DayRates& r, double npp, State& x,
                             Fluxes* out = nullptr) {
  const Fluxes fl = daily_fluxes(p, s, r, x);
  x.pom = x.pom + npp * p.param_pi + fl.f_ag_break * p.param_pa - fl.f_po_ag - fl.f_po_lm;
  x.lmwc = x.lmwc + npp * (1.0 - p.param_pi) - fl.f_lm_leach + fl.f_po_lm - fl.f_lm_ma - fl.f_lm_mb +
           fl.f_mb_turn * (1.0 - p.param_pb) + fl.f_ma_lm;
  x.agg = x.agg + fl.f_ma_ag + fl.f_po_ag - fl.f_ag_break;
  x.maom = x.maom + fl.f_lm_ma - fl.f_ma_lm + fl.f_mb_turn * p.param_pb - fl.f_ma_ag +
           fl.f_ag_break * (1.0 - p.param_pa);
  x.mic = x.mic + fl.f_lm_mb - fl.f_mb_turn - fl.f_mb_atm;
  if (out) *out = fl;
  return {npp * kDay, fl.f_mb_atm * kDay, fl.f_lm_leach * kDay};
}

/// One official day for one cell with the day's forcing (see the overload above).
inline CarbonFluxes step_day(const Parameters& p, const SoilConstants& s, const DailyForcing& f, State& x,
                             Fluxes* out = nullptr) {
  return step_day(p, s, day_rates(p, f), f.npp, x, out);
}

/// One day with the classical 4th-order Runge-Kutta scheme of the official R
/// version (deSolve `ode(method = "rk4")`, dt = 1 d, forcing interpolated
/// linearly between days): f_start is today's forcing, f_end tomorrow's, and
/// the half-step stages use their mean. Same fluxes and tendencies as step_day.
/// Returns the RK4-weighted carbon fluxes (g m-2 d-1), which close the balance
/// to round-off like the Euler step.
CarbonFluxes step_day_rk4(const Parameters& p, const SoilConstants& s, const DailyForcing& f_start,
                          const DailyForcing& f_end, State& x);

/// `n_days` official days (step_day) with forcing days[0 .. n_days-1], usually
/// one model year of 365 days. Returns the summed fluxes (g m-2 per period).
CarbonFluxes step_days(const Parameters& p, const SoilConstants& s, const DailyForcing* days, std::size_t n_days,
                       State& x);

/// One model year of 365 official days (the official code has no leap years):
/// days must hold kDaysPerYear entries. Returns the year's fluxes (g m-2 yr-1).
inline CarbonFluxes step_year(const Parameters& p, const SoilConstants& s, const DailyForcing* days, State& x) {
  return step_days(p, s, days, static_cast<std::size_t>(kDaysPerYear), x);
}

/// The registry entry of Millennial v2 (name "millennial").
ModelInfo model_info();

}  // namespace alamod::models::millennial
