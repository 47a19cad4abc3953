#pragma once
/// MIMICS, the MIcrobial-MIneral Carbon Stabilization model (Wieder et al. 2015),
/// with the "reverse" Michaelis-Menten kinetics of the official R script
/// (wwieder/MIMICS, MIMICS2_testing_reverse_modfPHYS_Sept7_2016.R): one hourly
/// explicit-Euler step exactly as the script computes it, and the steady state
/// the script gets from rootSolve::stode (see models/mimics/README.md).
///
/// Pools (mg C cm-3 of soil): LITm metabolic litter, LITs structural litter,
/// MICr r-selected (copiotroph) microbes, MICk K-selected (oligotroph) microbes,
/// SOMp physically protected, SOMc chemically protected, SOMa available SOM.
/// Time step: one hour (24 a day, 365 days a year). Pure functions: no I/O, no MPI.
///
/// Site inputs (clay, litter lignin and nitrogen, mean litter input) are turned
/// once per cell into SiteConstants; temperature sets the Kinetics of a day.
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

#include "models/common/det_math.hpp"
#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"
#include "models/common/model_info.hpp"

namespace alamod::models::mimics {

inline constexpr int kNumPools = 7;  ///< LITm LITs MICr MICk SOMp SOMc SOMa
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {"LITm", "LITs", "MICr", "MICk",
                                                                       "SOMp", "SOMc", "SOMa"};
inline constexpr double kHour = 1.0;            ///< time step (h)
inline constexpr int kHoursPerDay = 24;         ///< hourly steps of a day
inline constexpr double kHoursPerYear = 365.0 * 24.0;  ///< hours of a model year: 365 days, no leap years (h)
inline constexpr int kDaysPerYear = 365;        ///< days of a model year (d)
inline constexpr double kMgPerG = 1e3;          ///< unit conversion (mg g-1)
inline constexpr double kCm2PerM2 = 1e4;        ///< unit conversion (cm2 m-2)
inline constexpr double kPercent = 100.0;       ///< unit conversion (percent per fraction)

/// Model parameters; defaults are the official script's parameter file
/// `parameters_LIDET-MIM-REV_test_lowKM.csv` (Wieder et al. 2015, "reverse"
/// kinetics) and the reduction factors the script applies itself (the *_scale
/// members). Microbial index r = MICr, k = MICk; substrates met (LITm), str
/// (LITs), soma (SOMa).
struct Parameters {
  double vslope = 0.063;   ///< temperature slope of ln Vmax (degC-1)
  double vint = 5.47;      ///< intercept of ln Vmax (1)
  double av = 1.25e-7;     ///< tuning coefficient of Vmax (h-1)
  double kslope = 0.02;    ///< temperature slope of ln Km (degC-1)
  double kint = 3.19;      ///< intercept of ln Km (1)
  double ak = 0.15625;     ///< tuning coefficient of Km (mg cm-3)
  double vmod_r_met = 10.0;   ///< Vmax modifier, MICr on LITm (1)
  double vmod_r_str = 2.0;    ///< Vmax modifier, MICr on LITs (1)
  double vmod_r_soma = 10.0;  ///< Vmax modifier, MICr on SOMa (1)
  double vmod_k_met = 3.0;    ///< Vmax modifier, MICk on LITm (1)
  double vmod_k_str = 3.0;    ///< Vmax modifier, MICk on LITs (1)
  double vmod_k_soma = 2.0;   ///< Vmax modifier, MICk on SOMa (1)
  double kmod_r_met = 8.0;    ///< Km divisor, MICr on LITm (1)
  double kmod_r_str = 2.0;    ///< Km divisor, MICr on LITs (1)
  double kmod_r_soma = 4.0;   ///< Km divisor, MICr on SOMa, times the texture scalar (1)
  double kmod_k_met = 2.0;    ///< Km divisor, MICk on LITm (1)
  double kmod_k_str = 4.0;    ///< Km divisor, MICk on LITs (1)
  double kmod_k_soma = 6.0;   ///< Km divisor, MICk on SOMa, times the texture scalar (1)
  double ko_r = 6.0;          ///< Km multiplier of SOMc oxidation by MICr (1)
  double ko_k = 6.0;          ///< Km multiplier of SOMc oxidation by MICk (1)
  double cue_r_met = 0.5;     ///< carbon use efficiency, MICr on LITm and SOMa (1)
  double cue_r_str = 0.25;    ///< carbon use efficiency, MICr on LITs (1)
  double cue_k_met = 0.7;     ///< carbon use efficiency, MICk on LITm and SOMa (1)
  double cue_k_str = 0.35;    ///< carbon use efficiency, MICk on LITs (1)
  double tau_r1 = 5.2e-4;     ///< MICr turnover rate at fMET = 0 (h-1)
  double tau_r2 = 0.3;        ///< fMET exponent of MICr turnover (1)
  double tau_k1 = 2.4e-4;     ///< MICk turnover rate at fMET = 0 (h-1)
  double tau_k2 = 0.1;        ///< fMET exponent of MICk turnover (1)
  double tau_mod1 = 100.0;    ///< litter input that normalises turnover, sqrt(input/tau_mod1) (g m-2 yr-1)
  double tau_mod_min = 0.6;   ///< lower clamp of the turnover modifier (1)
  double tau_mod_max = 1.3;   ///< upper clamp of the turnover modifier (1)
  double tau_mod_factor = 2.0;  ///< extra turnover factor for steady-state SOC (1)
  double fphys_r1 = 0.15;     ///< share of MICr necromass to SOMp at zero clay, before fphys_scale (1)
  double fphys_r2 = 1.3;      ///< clay exponent of the MICr share to SOMp (1)
  double fphys_k1 = 0.1;      ///< share of MICk necromass to SOMp at zero clay, before fphys_scale (1)
  double fphys_k2 = 0.8;      ///< clay exponent of the MICk share to SOMp (1)
  double fphys_scale = 0.1;   ///< reduction of both SOMp shares (1)
  double fchem_r1 = 0.1;      ///< share of MICr necromass to SOMc at fMET = 0 (1)
  double fchem_r2 = -3.0;     ///< fMET exponent of the MICr share to SOMc (1)
  double fchem_r3 = 1.0;      ///< multiplier of the MICr share to SOMc (1)
  double fchem_k1 = 0.3;      ///< share of MICk necromass to SOMc at fMET = 0 (1)
  double fchem_k2 = -3.0;     ///< fMET exponent of the MICk share to SOMc (1)
  double fchem_k3 = 1.0;      ///< multiplier of the MICk share to SOMc (1)
  double fsom_p1 = 2e-5;      ///< SOMp desorption rate at zero clay, before desorb_scale (h-1)
  double fsom_p2 = -4.5;      ///< clay exponent of SOMp desorption (1)
  double desorb_scale = 0.1;  ///< reduction of the desorption rate (1)
  double phys_scalar1 = 3.0;  ///< texture scalar of the SOMa Km divisors at zero clay (1)
  double phys_scalar2 = -2.0; ///< sqrt(clay) exponent of the texture scalar (1)
  double fi_met = 0.05;       ///< share of metabolic litter input going straight to SOMp, before fi_scale (1)
  double fi_str = 0.05;       ///< share of structural litter input going straight to SOMc, before fi_scale (1)
  double fi_scale = 0.1;      ///< reduction of both direct-input shares (1)
  double fmet_p1 = 0.5;       ///< metabolic fraction fMET = p1 (p2 - p3 lignin/N) (1)
  double fmet_p2 = 0.85;      ///< metabolic fraction intercept (1)
  double fmet_p3 = 0.013;     ///< metabolic fraction slope on lignin/N (1)
  double depth = 20.0;        ///< depth of the simulated soil layer (cm)
};

/// The one declaration of every MIMICS parameter.
inline constexpr std::array<ParameterInfo<Parameters>, 55> kParameterInfo = {{
#define ALAMOD_MIMICS_SRC "Wieder et al. 2015; parameters_LIDET-MIM-REV_test_lowKM.csv"
    {"vslope", &Parameters::vslope, "degC-1", 0.0, 0.2, "temperature slope of ln Vmax", ALAMOD_MIMICS_SRC},
    {"vint", &Parameters::vint, "1", 0.0, 20.0, "intercept of ln Vmax", ALAMOD_MIMICS_SRC},
    {"av", &Parameters::av, "h-1", 1e-12, 1e-3, "tuning coefficient of Vmax", ALAMOD_MIMICS_SRC},
    {"kslope", &Parameters::kslope, "degC-1", 0.0, 0.2, "temperature slope of ln Km", ALAMOD_MIMICS_SRC},
    {"kint", &Parameters::kint, "1", 0.0, 20.0, "intercept of ln Km", ALAMOD_MIMICS_SRC},
    {"ak", &Parameters::ak, "mg cm-3", 1e-6, 100.0, "tuning coefficient of Km", ALAMOD_MIMICS_SRC},
    {"vmod_r_met", &Parameters::vmod_r_met, "1", 0.0, 100.0, "Vmax modifier, MICr on LITm", ALAMOD_MIMICS_SRC},
    {"vmod_r_str", &Parameters::vmod_r_str, "1", 0.0, 100.0, "Vmax modifier, MICr on LITs", ALAMOD_MIMICS_SRC},
    {"vmod_r_soma", &Parameters::vmod_r_soma, "1", 0.0, 100.0, "Vmax modifier, MICr on SOMa", ALAMOD_MIMICS_SRC},
    {"vmod_k_met", &Parameters::vmod_k_met, "1", 0.0, 100.0, "Vmax modifier, MICk on LITm", ALAMOD_MIMICS_SRC},
    {"vmod_k_str", &Parameters::vmod_k_str, "1", 0.0, 100.0, "Vmax modifier, MICk on LITs", ALAMOD_MIMICS_SRC},
    {"vmod_k_soma", &Parameters::vmod_k_soma, "1", 0.0, 100.0, "Vmax modifier, MICk on SOMa", ALAMOD_MIMICS_SRC},
    {"kmod_r_met", &Parameters::kmod_r_met, "1", 0.01, 100.0, "Km divisor, MICr on LITm", ALAMOD_MIMICS_SRC},
    {"kmod_r_str", &Parameters::kmod_r_str, "1", 0.01, 100.0, "Km divisor, MICr on LITs", ALAMOD_MIMICS_SRC},
    {"kmod_r_soma", &Parameters::kmod_r_soma, "1", 0.01, 100.0, "Km divisor, MICr on SOMa (times the texture scalar)",
     ALAMOD_MIMICS_SRC},
    {"kmod_k_met", &Parameters::kmod_k_met, "1", 0.01, 100.0, "Km divisor, MICk on LITm", ALAMOD_MIMICS_SRC},
    {"kmod_k_str", &Parameters::kmod_k_str, "1", 0.01, 100.0, "Km divisor, MICk on LITs", ALAMOD_MIMICS_SRC},
    {"kmod_k_soma", &Parameters::kmod_k_soma, "1", 0.01, 100.0, "Km divisor, MICk on SOMa (times the texture scalar)",
     ALAMOD_MIMICS_SRC},
    {"ko_r", &Parameters::ko_r, "1", 0.01, 100.0, "Km multiplier of SOMc oxidation by MICr", ALAMOD_MIMICS_SRC},
    {"ko_k", &Parameters::ko_k, "1", 0.01, 100.0, "Km multiplier of SOMc oxidation by MICk", ALAMOD_MIMICS_SRC},
    {"cue_r_met", &Parameters::cue_r_met, "1", 0.0, 1.0, "carbon use efficiency, MICr on LITm and SOMa",
     ALAMOD_MIMICS_SRC},
    {"cue_r_str", &Parameters::cue_r_str, "1", 0.0, 1.0, "carbon use efficiency, MICr on LITs", ALAMOD_MIMICS_SRC},
    {"cue_k_met", &Parameters::cue_k_met, "1", 0.0, 1.0, "carbon use efficiency, MICk on LITm and SOMa",
     ALAMOD_MIMICS_SRC},
    {"cue_k_str", &Parameters::cue_k_str, "1", 0.0, 1.0, "carbon use efficiency, MICk on LITs", ALAMOD_MIMICS_SRC},
    {"tau_r1", &Parameters::tau_r1, "h-1", 0.0, 0.1, "MICr turnover, tau_r1 exp(tau_r2 fMET)", ALAMOD_MIMICS_SRC},
    {"tau_r2", &Parameters::tau_r2, "1", -10.0, 10.0, "fMET exponent of MICr turnover", ALAMOD_MIMICS_SRC},
    {"tau_k1", &Parameters::tau_k1, "h-1", 0.0, 0.1, "MICk turnover, tau_k1 exp(tau_k2 fMET)", ALAMOD_MIMICS_SRC},
    {"tau_k2", &Parameters::tau_k2, "1", -10.0, 10.0, "fMET exponent of MICk turnover", ALAMOD_MIMICS_SRC},
    {"tau_mod1", &Parameters::tau_mod1, "g m-2 yr-1", 1.0, 1e4,
     "litter input normalising turnover, modifier sqrt(input/tau_mod1)", ALAMOD_MIMICS_SRC},
    {"tau_mod_min", &Parameters::tau_mod_min, "1", 0.0, 10.0, "lower clamp of the turnover modifier",
     ALAMOD_MIMICS_SRC},
    {"tau_mod_max", &Parameters::tau_mod_max, "1", 0.0, 10.0, "upper clamp of the turnover modifier",
     ALAMOD_MIMICS_SRC},
    {"tau_mod_factor", &Parameters::tau_mod_factor, "1", 0.0, 10.0, "extra turnover factor for steady-state SOC",
     ALAMOD_MIMICS_SRC},
    {"fphys_r1", &Parameters::fphys_r1, "1", 0.0, 1.0, "MICr necromass share to SOMp, fphys_r1 exp(fphys_r2 clay)",
     ALAMOD_MIMICS_SRC},
    {"fphys_r2", &Parameters::fphys_r2, "1", -10.0, 10.0, "clay exponent of the MICr share to SOMp",
     ALAMOD_MIMICS_SRC},
    {"fphys_k1", &Parameters::fphys_k1, "1", 0.0, 1.0, "MICk necromass share to SOMp, fphys_k1 exp(fphys_k2 clay)",
     ALAMOD_MIMICS_SRC},
    {"fphys_k2", &Parameters::fphys_k2, "1", -10.0, 10.0, "clay exponent of the MICk share to SOMp",
     ALAMOD_MIMICS_SRC},
    {"fphys_scale", &Parameters::fphys_scale, "1", 0.0, 1.0, "reduction of both SOMp shares",
     "MIMICS2_testing_reverse_modfPHYS_Sept7_2016.R"},
    {"fchem_r1", &Parameters::fchem_r1, "1", 0.0, 1.0, "MICr necromass share to SOMc at fMET = 0", ALAMOD_MIMICS_SRC},
    {"fchem_r2", &Parameters::fchem_r2, "1", -10.0, 10.0, "fMET exponent of the MICr share to SOMc",
     ALAMOD_MIMICS_SRC},
    {"fchem_r3", &Parameters::fchem_r3, "1", 0.0, 10.0, "multiplier of the MICr share to SOMc", ALAMOD_MIMICS_SRC},
    {"fchem_k1", &Parameters::fchem_k1, "1", 0.0, 1.0, "MICk necromass share to SOMc at fMET = 0", ALAMOD_MIMICS_SRC},
    {"fchem_k2", &Parameters::fchem_k2, "1", -10.0, 10.0, "fMET exponent of the MICk share to SOMc",
     ALAMOD_MIMICS_SRC},
    {"fchem_k3", &Parameters::fchem_k3, "1", 0.0, 10.0, "multiplier of the MICk share to SOMc", ALAMOD_MIMICS_SRC},
    {"fsom_p1", &Parameters::fsom_p1, "h-1", 0.0, 0.1, "SOMp desorption, fsom_p1 exp(fsom_p2 clay)",
     ALAMOD_MIMICS_SRC},
    {"fsom_p2", &Parameters::fsom_p2, "1", -20.0, 20.0, "clay exponent of SOMp desorption", ALAMOD_MIMICS_SRC},
    {"desorb_scale", &Parameters::desorb_scale, "1", 0.0, 1.0, "reduction of the desorption rate",
     "MIMICS2_testing_reverse_modfPHYS_Sept7_2016.R"},
    {"phys_scalar1", &Parameters::phys_scalar1, "1", 0.01, 100.0,
     "texture scalar of the SOMa Km divisors, phys_scalar1 exp(phys_scalar2 sqrt(clay))", ALAMOD_MIMICS_SRC},
    {"phys_scalar2", &Parameters::phys_scalar2, "1", -20.0, 20.0, "sqrt(clay) exponent of the texture scalar",
     ALAMOD_MIMICS_SRC},
    {"fi_met", &Parameters::fi_met, "1", 0.0, 1.0, "share of metabolic litter input straight to SOMp",
     ALAMOD_MIMICS_SRC},
    {"fi_str", &Parameters::fi_str, "1", 0.0, 1.0, "share of structural litter input straight to SOMc",
     ALAMOD_MIMICS_SRC},
    {"fi_scale", &Parameters::fi_scale, "1", 0.0, 1.0, "reduction of both direct-input shares",
     "MIMICS2_testing_reverse_modfPHYS_Sept7_2016.R"},
    {"fmet_p1", &Parameters::fmet_p1, "1", 0.0, 2.0, "metabolic fraction fMET = p1 (p2 - p3 lignin/N)",
     "Parton et al. 1994 (DAYCENT); Wieder et al. 2015"},
    {"fmet_p2", &Parameters::fmet_p2, "1", 0.0, 2.0, "metabolic fraction intercept",
     "Parton et al. 1994 (DAYCENT); Wieder et al. 2015"},
    {"fmet_p3", &Parameters::fmet_p3, "1", 0.0, 0.1, "metabolic fraction slope on lignin/N",
     "Parton et al. 1994 (DAYCENT); Wieder et al. 2015"},
    {"depth", &Parameters::depth, "cm", 1.0, 300.0, "depth of the simulated soil layer", ALAMOD_MIMICS_SRC},
#undef ALAMOD_MIMICS_SRC
}};

/// Where MIMICS is valid (models/common/valid_range.hpp): the engine refuses a climate outside. The
/// temperature is the soil temperature of the Michaelis-Menten kinetics (the grid uses the month's tas).
inline constexpr std::array<ValidRange, 2> kValidRange = {{
    {"tas", Period::month, "degC", -50.0, 40.0,
     "Vmax = exp(vslope T + vint) av and Km = exp(kslope T + kint) ak rise exponentially without an optimum; "
     "months hotter than any monthly mean on Earth (about 40 degC) are extrapolation",
     "Wieder et al. 2015; bounds: alamod"},
    {"tas", Period::year, "degC", -20.0, 30.0,
     "MIMICS was calibrated on litter decomposition at LIDET sites, from arctic tundra to tropical forests; "
     "below -20 degC the soil is frozen most of the year, which the model does not represent",
     "Wieder et al. 2015; bounds: alamod"},
}};

/// Throws std::invalid_argument naming the first parameter outside its bounds
/// (with its value and the bounds); NaN is rejected.
void validate(const Parameters& p);

/// Site description of one cell. No defaults: a property left unset is NaN
/// and derive_site_constants rejects it.
struct SiteProperties {
  double clay_pct = std::numeric_limits<double>::quiet_NaN();      ///< clay content (percent)
  double lignin_pct = std::numeric_limits<double>::quiet_NaN();    ///< lignin content of the litter (percent)
  double nitrogen_pct = std::numeric_limits<double>::quiet_NaN();  ///< nitrogen content of the litter (percent)
  double litter_input = std::numeric_limits<double>::quiet_NaN();  ///< mean annual litter C input, the script's ANPP (g m-2 yr-1)
};

/// Per-cell constants derived once from the site (index 0 = MICr, 1 = MICk).
struct SiteConstants {
  double fclay;        ///< clay fraction (1)
  double fmet;         ///< metabolic share of the litter input (1)
  double tau[2];       ///< microbial turnover rates (h-1)
  double fphys[2];     ///< share of necromass to SOMp (1)
  double fchem[2];     ///< share of necromass to SOMc (1)
  double favai[2];     ///< share of necromass to SOMa, 1 - fphys - fchem (1)
  double desorb;       ///< SOMp -> SOMa desorption rate (h-1)
  double pscalar;      ///< texture scalar of the SOMa Km divisors (1)
  double fi[2];        ///< share of the metabolic / structural input going straight to SOMp / SOMc (1)
};

/// The site constants from the metabolic fraction fMET (1), the clay fraction
/// (1) and the mean litter input (g m-2 yr-1), as the script computes them:
/// tau = (tau_r1 exp(tau_r2 fMET), tau_k1 exp(tau_k2 fMET)) clamp(sqrt(input/tau_mod1)) tau_mod_factor,
/// fphys = fphys_scale (fphys_r1 exp(fphys_r2 fclay), fphys_k1 exp(fphys_k2 fclay)),
/// fchem = (fchem_r1 exp(fchem_r2 fMET) fchem_r3, ...), favai = 1 - (fphys + fchem),
/// desorb = fsom_p1 exp(fsom_p2 fclay) desorb_scale, pscalar = phys_scalar1 exp(phys_scalar2 sqrt(fclay)).
/// No checks (see derive_site_constants).
SiteConstants site_constants(const Parameters& p, double fmet, double fclay, double litter_input);

/// The site constants of one cell, fMET = fmet_p1 (fmet_p2 - fmet_p3 lignin/N).
/// Throws std::invalid_argument naming the property when clay is outside
/// [0, 100] %, lignin outside [0, 100] %, N outside (0, 100] %, the litter
/// input negative (NaN included), or when fMET or a necromass share falls
/// outside [0, 1].
SiteConstants derive_site_constants(const Parameters& p, const SiteProperties& site);

/// Michaelis-Menten constants of one temperature (index: 0 MICr on LITm,
/// 1 MICr on LITs, 2 MICr on SOMa, 3 MICk on LITm, 4 MICk on LITs, 5 MICk on SOMa).
struct Kinetics {
  double vmax[6];  ///< maximum rates exp(vslope T + vint) av vmod (h-1)
  double km[6];    ///< half-saturation constants exp(kslope T + kint) ak / kmod (mg cm-3)
};

/// Kinetics at soil temperature T (degC); the SOMa Km divisors carry the
/// site's texture scalar.
inline Kinetics kinetics(const Parameters& p, const SiteConstants& c, double soil_temperature) {
  const double vmax = det_exp(p.vslope * soil_temperature + p.vint) * p.av;  // h-1
  const double km = det_exp(p.kslope * soil_temperature + p.kint) * p.ak;    // mg cm-3
  Kinetics k;
  const double vmod[6] = {p.vmod_r_met, p.vmod_r_str, p.vmod_r_soma, p.vmod_k_met, p.vmod_k_str, p.vmod_k_soma};
  const double kmod[6] = {p.kmod_r_met, p.kmod_r_str, p.kmod_r_soma * c.pscalar,
                          p.kmod_k_met, p.kmod_k_str, p.kmod_k_soma * c.pscalar};
  for (int i = 0; i < 6; ++i) {
    k.vmax[i] = vmax * vmod[i];
    k.km[i] = km / kmod[i];
  }
  return k;
}

/// State of one cell (mg C cm-3).
struct State {
  double lit_m;  ///< [in,out] metabolic litter LITm (mg cm-3)
  double lit_s;  ///< [in,out] structural litter LITs (mg cm-3)
  double mic_r;  ///< [in,out] r-selected microbes MICr (mg cm-3)
  double mic_k;  ///< [in,out] K-selected microbes MICk (mg cm-3)
  double som_p;  ///< [in,out] physically protected SOM (mg cm-3)
  double som_c;  ///< [in,out] chemically protected SOM (mg cm-3)
  double som_a;  ///< [in,out] available SOM (mg cm-3)
};

/// Total carbon of the seven pools (mg cm-3).
inline double total_carbon(const State& x) {
  return x.lit_m + x.lit_s + x.mic_r + x.mic_k + x.som_p + x.som_c + x.som_a;
}

/// Areal stock (g m-2) of a volumetric amount (mg cm-3) over the layer:
/// x depth kCm2PerM2 / kMgPerG, the script's MICROtoECO = depth 1e4 1e-3.
inline double to_areal(const Parameters& p, double mg_cm3) { return mg_cm3 * (p.depth * kCm2PerM2 / kMgPerG); }

/// Litter input rates of the layer (mg C cm-3 h-1).
struct LitterInput {
  double met;  ///< [in] metabolic litter input (mg cm-3 h-1)
  double str;  ///< [in] structural litter input (mg cm-3 h-1)
};

/// An annual litter input (g m-2 yr-1) as the script spreads it over the hours
/// and the layer and splits it with fMET:
/// I = (input/(365 24) kMgPerG/kCm2PerM2 / depth) (fMET, 1 - fMET).
inline LitterInput litter_input(const Parameters& p, const SiteConstants& c, double annual_input) {
  const double per_area = annual_input / kHoursPerYear * kMgPerG / kCm2PerM2;  // mg cm-2 h-1
  return {(per_area / p.depth) * c.fmet, (per_area / p.depth) * (1.0 - c.fmet)};
}

/// The fluxes of one hour (mg cm-3 h-1) from the state at its start.
struct Fluxes {
  double litmin[4];  ///< LITm and LITs decomposed by MICr (0, 1) and by MICk (2, 3)
  double sommin[2];  ///< SOMa decomposed by MICr (0) and MICk (1)
  double mictrn[6];  ///< MICr (0-2) and MICk (3-5) turnover to SOMp, SOMc, SOMa
  double desorb;     ///< SOMp -> SOMa
  double oxidat;     ///< SOMc -> SOMa, oxidation by both microbial groups
  double co2;        ///< respiration: (1 - CUE) of all microbial uptake
};

/// 1/a0, 1/a1, 1/a2, 1/a3 from one division: with p01 = a0 a1, p23 = a2 a3 and q = 1/(p01 p23),
/// 1/a0 = a1 p23 q, 1/a1 = a0 p23 q, 1/a2 = a3 p01 q, 1/a3 = a2 p01 q (a few ulp each; divisions
/// are the costliest operation of the hourly step). For a0..a3 > 0 whose product stays within the
/// range of doubles (here Michaelis-Menten denominators in mg cm-3).
template <class V> [[gnu::always_inline]] inline void reciprocals4(const V& a0, const V& a1, const V& a2, const V& a3,
                                                                   V r[4]) {
  const V p01 = a0 * a1, p23 = a2 * a3;
  const V q = 1.0 / (p01 * p23);
  const V q23 = p23 * q, q01 = p01 * q;
  r[0] = a1 * q23;
  r[1] = a0 * q23;
  r[2] = a3 * q01;
  r[3] = a2 * q01;
}

/// Fluxes of one hour (Wieder et al. 2015, reverse Michaelis-Menten kinetics
/// as the script codes them): uptake MIC Vmax S / (Km + MIC); oxidation of
/// SOMc with Km times KO; turnover MIC tau (fphys, fchem, favai). The four
/// divisors of each microbial group come from one division (reciprocals4).
inline Fluxes hourly_fluxes(const Parameters& p, const SiteConstants& c, const Kinetics& k, const State& x) {
  Fluxes f;
  double rr[4], rk[4];  // 1 / (Km + MIC) of MICr and MICk (cm3 mg-1)
  reciprocals4<double>(k.km[0] + x.mic_r, k.km[1] + x.mic_r, k.km[2] + x.mic_r, p.ko_r * k.km[1] + x.mic_r, rr);
  reciprocals4<double>(k.km[3] + x.mic_k, k.km[4] + x.mic_k, k.km[5] + x.mic_k, p.ko_k * k.km[4] + x.mic_k, rk);
  f.litmin[0] = x.mic_r * k.vmax[0] * x.lit_m * rr[0];
  f.litmin[1] = x.mic_r * k.vmax[1] * x.lit_s * rr[1];
  f.mictrn[0] = x.mic_r * c.tau[0] * c.fphys[0];
  f.mictrn[1] = x.mic_r * c.tau[0] * c.fchem[0];
  f.mictrn[2] = x.mic_r * c.tau[0] * c.favai[0];
  f.sommin[0] = x.mic_r * k.vmax[2] * x.som_a * rr[2];
  f.litmin[2] = x.mic_k * k.vmax[3] * x.lit_m * rk[0];
  f.litmin[3] = x.mic_k * k.vmax[4] * x.lit_s * rk[1];
  f.mictrn[3] = x.mic_k * c.tau[1] * c.fphys[1];
  f.mictrn[4] = x.mic_k * c.tau[1] * c.fchem[1];
  f.mictrn[5] = x.mic_k * c.tau[1] * c.favai[1];
  f.sommin[1] = x.mic_k * k.vmax[5] * x.som_a * rk[2];
  f.desorb = x.som_p * c.desorb;
  f.oxidat = (x.mic_k * k.vmax[4] * x.som_c * rk[3]) + (x.mic_r * k.vmax[1] * x.som_c * rr[3]);
  f.co2 = (1.0 - p.cue_r_met) * (f.litmin[0] + f.sommin[0]) + (1.0 - p.cue_r_str) * (f.litmin[1]) +
          (1.0 - p.cue_k_met) * (f.litmin[2] + f.sommin[1]) + (1.0 - p.cue_k_str) * (f.litmin[3]);
  return f;
}

/// Rates of change of the pools (mg cm-3 h-1), each sum in the order of the script.
inline State tendencies(const Parameters& p, const SiteConstants& c, const Fluxes& f, const LitterInput& in) {
  State d;
  d.lit_m = in.met * (1.0 - c.fi[0]) - f.litmin[0] - f.litmin[2];
  d.mic_r = p.cue_r_met * (f.litmin[0] + f.sommin[0]) + p.cue_r_str * (f.litmin[1]) -
            (f.mictrn[0] + f.mictrn[1] + f.mictrn[2]);
  d.som_p = in.met * c.fi[0] + f.mictrn[0] + f.mictrn[3] - f.desorb;
  d.lit_s = in.str * (1.0 - c.fi[1]) - f.litmin[1] - f.litmin[3];
  d.mic_k = p.cue_k_met * (f.litmin[2] + f.sommin[1]) + p.cue_k_str * (f.litmin[3]) -
            (f.mictrn[3] + f.mictrn[4] + f.mictrn[5]);
  d.som_c = in.str * c.fi[1] + f.mictrn[1] + f.mictrn[4] - f.oxidat;
  d.som_a = f.mictrn[2] + f.mictrn[5] + f.desorb + f.oxidat - f.sommin[0] - f.sommin[1];
  return d;
}

/// Carbon crossing the boundary of the soil during a step (mg C cm-3 per
/// step). Over any run, change of total_carbon = input - respiration - leaching.
struct CarbonFluxes {
  double input;        ///< [out] litter carbon input (mg cm-3)
  double respiration;  ///< [out] heterotrophic respiration, CO2-C (mg cm-3)
  double leaching;     ///< [out] always 0: MIMICS has no leaching (mg cm-3)
};

/// One official hour for one cell with the kinetics of the day: fluxes from the
/// state at the start of the hour, then one explicit Euler step of one hour.
/// Returns the carbon that entered and left (mg cm-3 h-1); `out`, if given,
/// receives the fluxes (out->co2 is the script's CO2 column).
inline CarbonFluxes step_hour(const Parameters& p, const SiteConstants& c, const Kinetics& k,
                              const LitterInput& in, State& x, Fluxes* out = nullptr) {
  const Fluxes f = hourly_fluxes(p, c, k, x);
  const State d = tendencies(p, c, f, in);
  x.lit_m = x.lit_m + d.lit_m * kHour;
  x.lit_s = x.lit_s + d.lit_s * kHour;
  x.mic_r = x.mic_r + d.mic_r * kHour;
  x.mic_k = x.mic_k + d.mic_k * kHour;
  x.som_p = x.som_p + d.som_p * kHour;
  x.som_c = x.som_c + d.som_c * kHour;
  x.som_a = x.som_a + d.som_a * kHour;
  if (out) *out = f;
  return {(in.met + in.str) * kHour, f.co2 * kHour, 0.0};
}

/// One day of forcing for one cell; the script holds temperature and inputs
/// constant over the 24 hours of a day.
struct DailyForcing {
  double soil_temperature;  ///< [in] soil temperature (degC)
  LitterInput litter;       ///< [in] litter input rates over the day (mg cm-3 h-1)
};

/// One official day: the kinetics of the day's temperature, then 24 hourly
/// steps. Returns the day's fluxes (mg cm-3 d-1); `last_hour`, if given,
/// receives the fluxes of the 24th hour (the script's daily CO2 column).
CarbonFluxes step_day(const Parameters& p, const SiteConstants& c, const DailyForcing& f, State& x,
                      Fluxes* last_hour = nullptr);

/// A block of cells stepped through the same number of days, each with its own constant daily
/// forcing (a month of a grid run): the block kernel of mimics_block.cpp.
struct DaysBlock {
  std::size_t n = 0;                           ///< cells
  const SiteConstants* const* site = nullptr;  ///< [in] the site constants of each cell
  const DailyForcing* forcing = nullptr;       ///< [in] each cell's forcing, the same every day
  int days = 0;                                ///< days to step
  State* x = nullptr;                          ///< [in,out] each cell's state (mg cm-3)
  CarbonFluxes* sums = nullptr;                ///< [in,out] each cell's fluxes, each day's added (mg cm-3)
};

/// The month-constant terms of the hourly step of a block of cells: the kinetics of each cell's
/// temperature (Vmax, Km, KO Km), its site constants and the terms of its litter input that every hour
/// repeats (met (1 - fi), met fi, str (1 - fi), str fi, and the day's input, the sum of 24 hours), in
/// groups of 8 cells, term by term within a group (terms[(i / 8) 8 kTerms + t 8 + i % 8], term t of
/// cell i): W neighbouring cells load as one vector, and the terms of a group are contiguous.
/// prepare_days computes them once per cell and month; every step_prepared_days call of the month uses
/// them, so a caller stepping one day at a time pays the set-up (two exponentials and six divisions a
/// cell) once a month, not once a day.
struct PreparedDays {
  static constexpr int kTerms = 28;          ///< terms per cell
  static constexpr std::size_t kGroup = 8;   ///< cells per group
  std::size_t n = 0;                         ///< cells
  double cue[4] = {0.0, 0.0, 0.0, 0.0};  ///< cue_r_met, cue_r_str, cue_k_met, cue_k_str it was prepared with (1)
  std::vector<double> terms;  ///< kTerms kGroup per group of 8 cells (h-1, mg cm-3, 1 or mg cm-3 h-1 by term)
};

/// Prepares the n cells whose site constants are site[i] and whose forcing (the same every day of the
/// month) is forcing[i] into `out` (its storage reused from call to call). The kinetics are those of
/// kinetics(), bit for bit, in vectors of W cells. isa as for step_days_block.
void prepare_days(const Parameters& p, std::size_t n, const SiteConstants* const* site, const DailyForcing* forcing,
                  PreparedDays& out, int isa = -1);

/// Steps the prepared cells `days` days of 24 hours from x[i] (mg cm-3), adding each day's fluxes to
/// sums[i] (mg cm-3): the bits of `days` calls of step_day, whatever the split of a month into calls
/// (one call of 30 days or 30 calls of one day) and whatever isa (as for step_days_block).
void step_prepared_days(const PreparedDays& c, int days, State* x, CarbonFluxes* sums, int isa = -1);

/// Steps every cell of the block `days` days of 24 hours, exactly as `days` calls of step_day with
/// its forcing (the same kinetics every day, each day's sum of 24 hours added to sums[i]): the same
/// bits, W cells at a time in vectors; prepare_days then step_prepared_days. isa: -1 the widest the CPU
/// runs (AVX-512, AVX2 or SSE2), or 0 SSE2, 1 AVX2, 2 AVX-512 (capped at what the CPU runs) for the tests.
void step_days_block(const Parameters& p, const DaysBlock& b, int isa = -1);

/// One model year of 365 official days: days must hold kDaysPerYear entries.
/// Returns the year's fluxes (mg cm-3 yr-1).
CarbonFluxes step_year(const Parameters& p, const SiteConstants& c, const DailyForcing* days, State& x);

/// d(tendencies)/d(state) at x for the kinetics k: jac[i][j] = d(dX_i/dt)/dX_j
/// (h-1), pools in the order of kPoolNames.
void jacobian(const Parameters& p, const SiteConstants& c, const Kinetics& k, const State& x,
              double jac[kNumPools][kNumPools]);

/// The steady state for constant temperature and inputs, as the script gets
/// it from rootSolve::stode: pseudo-transient continuation (implicit Euler
/// steps of growing length, Newton with the analytic Jacobian at the end) from
/// `guess` (the script starts from LIT = MIC = I, SOMp = I_met, SOMc = I_str,
/// SOMa = I_met when guess is null), until the Newton update is below 1e-15
/// relative. Throws std::runtime_error if it does not converge.
State steady_state(const Parameters& p, const SiteConstants& c, const Kinetics& k, const LitterInput& in,
                   const State* guess = nullptr);

/// The registry entry of MIMICS (name "mimics").
ModelInfo model_info();

}  // namespace alamod::models::mimics
