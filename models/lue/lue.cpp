#include "models/lue/lue.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "models/common/checks.hpp"

namespace alamod::models::lue {

namespace {
using M = Mod17Parameters;
using C = CasaParameters;
constexpr const char* kBplut = "MOD17 BPLUT C5.1 (Zhao & Running 2010)";
constexpr double kParShare = 0.45;        // PAR share of global short-wave radiation in MOD17 (1)
constexpr double kWm2ToMJd = 0.0864;      // W m-2 -> MJ m-2 d-1
constexpr double kCasaParShare = 0.5;     // PAR share of global radiation in CASA (1)
constexpr double kGrowthShare = 0.8;      // NPP share of GPP - Rm after growth respiration (25 % of NPP)
constexpr double kCalPerJ = 1.0 / 41868;  // cal cm-2 per J m-2
}  // namespace

const std::array<ParameterInfo<M>, 11> kMod17ParameterInfo = {{
    {"lue_max", &M::lue_max, "kg MJ-1", 1e-4, 0.005, "maximum light-use efficiency (kg C per MJ PAR)", kBplut},
    {"tmin_min", &M::tmin_min, "degC", -30, 10, "daily minimum temperature where f_T = 0", kBplut},
    {"tmin_max", &M::tmin_max, "degC", -10, 30, "daily minimum temperature where f_T = 1", kBplut},
    {"vpd_min", &M::vpd_min, "Pa", 0, 3000, "daytime VPD where f_VPD = 1", kBplut},
    {"vpd_max", &M::vpd_max, "Pa", 500, 8000, "daytime VPD where f_VPD = 0", kBplut},
    {"sla", &M::sla, "m2 kg-1", 1, 100, "specific leaf area (LAI per kg C m-2)", kBplut},
    {"froot_leaf_ratio", &M::froot_leaf_ratio, "1", 0, 10, "fine-root : leaf carbon", kBplut},
    {"livewood_leaf_ratio", &M::livewood_leaf_ratio, "1", 0, 5, "live-wood : leaf carbon", kBplut},
    {"leaf_mr_base", &M::leaf_mr_base, "d-1", 0, 0.1, "leaf maintenance respiration at 20 degC", kBplut},
    {"froot_mr_base", &M::froot_mr_base, "d-1", 0, 0.1, "fine-root maintenance respiration at 20 degC", kBplut},
    {"livewood_mr_base", &M::livewood_mr_base, "d-1", 0, 0.1, "live-wood maintenance respiration at 20 degC",
     kBplut},
}};

const std::array<ParameterInfo<C>, 6> kCasaParameterInfo = {{
    {"epsilon_max", &C::epsilon_max, "g MJ-1", 0.05, 3, "maximum light-use efficiency (g C per MJ PAR)",
     "Potter et al. 1993"},
    {"sr_min", &C::sr_min, "1", 1, 3, "simple ratio (1 + NDVI)/(1 - NDVI) of bare soil", "Potter et al. 1993"},
    {"sr_max", &C::sr_max, "1", 2, 20, "simple ratio at full cover (biome)", "Los 1998; Sellers et al. 1996"},
    {"fpar_max", &C::fpar_max, "1", 0.5, 1, "fPAR at sr_max", "Potter et al. 1993"},
    {"fpar_min", &C::fpar_min, "1", 0, 0.2, "fPAR at sr_min", "Potter et al. 1993"},
    {"t2_norm", &C::t2_norm, "1", 1, 1.3, "normalisation of T_e2 (1.1814 as quoted; 1.1919 gives T_e2(Topt) = 1)",
     "Potter et al. 1993"},
}};

const std::array<Mod17Class, 11>& mod17_classes() {
  // lue_max, tmin_min, tmin_max, vpd_min, vpd_max, sla, froot/leaf, livewood/leaf, leaf_mr, froot_mr, livewood_mr
  static const std::array<Mod17Class, 11> classes = {{
      {1, "ENF", "evergreen needleleaf forest",
       {0.001211, -8, 8.31, 650, 3000, 15.0, 1.2, 0.182, 0.00604, 0.00519, 0.00397}},
      {2, "EBF", "evergreen broadleaf forest",
       {0.001405, -8, 9.09, 1000, 4000, 26.9, 1.1, 0.162, 0.00604, 0.00519, 0.00397}},
      {3, "DNF", "deciduous needleleaf forest",
       {0.001227, -8, 10.44, 650, 3500, 16.9, 1.7, 0.165, 0.00815, 0.00519, 0.00397}},
      {4, "DBF", "deciduous broadleaf forest",
       {0.001526, -6, 9.94, 650, 2900, 24.7, 1.1, 0.203, 0.00778, 0.00519, 0.00371}},
      {5, "MF", "mixed forest", {0.001226, -7, 9.50, 650, 2900, 22.6, 1.1, 0.203, 0.00778, 0.00519, 0.00371}},
      {6, "CShrub", "closed shrubland",
       {0.001495, -8, 8.61, 650, 4300, 9.4, 1.0, 0.079, 0.00869, 0.00519, 0.00436}},
      {7, "OShrub", "open shrubland", {0.001027, -8, 8.80, 650, 4400, 12.0, 1.3, 0.040, 0.00519, 0.00519, 0.00218}},
      {8, "WSav", "woody savanna", {0.001498, -8, 11.39, 650, 3500, 28.8, 1.8, 0.091, 0.00869, 0.00519, 0.00312}},
      {9, "Sav", "savanna", {0.001454, -8, 11.39, 650, 3600, 28.9, 1.8, 0.051, 0.00869, 0.00519, 0.00100}},
      {10, "Grass", "grassland", {0.001215, -8, 12.02, 650, 4200, 38.0, 2.6, 0, 0.0098, 0.00819, 0}},
      {12, "Crop", "cropland", {0.001300, -8, 12.02, 650, 4500, 38.0, 2.0, 0, 0.0098, 0.00819, 0}},
  }};
  return classes;
}

const Mod17Class& find_mod17_class(std::string_view key) {
  std::string k;
  for (char c : key) k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string keys;
  for (const auto& c : mod17_classes()) {
    std::string ck;
    for (char ch : c.key) ck += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (ck == k || std::to_string(c.code) == k) return c;
    keys += (keys.empty() ? "" : ", ") + std::string(c.key);
  }
  reject("lue: no MOD17 class '" + std::string(key) + "'; the classes are " + keys);
}

void validate(const Mod17Parameters& p) {
  check_bounds("lue (MOD17)", kMod17ParameterInfo, p);
  if (!(p.tmin_min < p.tmin_max)) reject("lue (MOD17): needs tmin_min < tmin_max");
  if (!(p.vpd_min < p.vpd_max)) reject("lue (MOD17): needs vpd_min < vpd_max");
}

void validate(const CasaParameters& p) {
  check_bounds("lue (CASA)", kCasaParameterInfo, p);
  if (!(p.sr_min < p.sr_max)) reject("lue (CASA): needs sr_min < sr_max");
  if (!(p.fpar_min < p.fpar_max)) reject("lue (CASA): needs fpar_min < fpar_max");
}

double par_from_shortwave(double sw) { return kParShare * sw * kWm2ToMJd; }

double f_tmin(const Mod17Parameters& p, double tmin) {
  return std::clamp((tmin - p.tmin_min) / (p.tmin_max - p.tmin_min), 0.0, 1.0);
}

double f_vpd(const Mod17Parameters& p, double vpd) {
  return std::clamp((p.vpd_max - vpd) / (p.vpd_max - p.vpd_min), 0.0, 1.0);
}

double daily_gpp(const Mod17Parameters& p, double fpar, double tmin, double vpd_pa, double sw, double f_sw) {
  if (!(fpar >= 0 && fpar <= 1)) reject("lue: fPAR = " + shortest_text(fpar) + " is outside [0, 1]");
  return 1000.0 * p.lue_max * f_tmin(p, tmin) * f_vpd(p, vpd_pa) * f_sw * fpar * par_from_shortwave(sw);
}

double daily_leaf_froot_respiration(const Mod17Parameters& p, double lai, double t) {
  const double leaf = lai / p.sla;                  // kg C m-2
  const double froot = leaf * p.froot_leaf_ratio;   // kg C m-2
  const double q10_leaf = std::pow(3.22 - 0.046 * t, (t - 20.0) / 10.0);
  const double q10_root = std::pow(2.0, (t - 20.0) / 10.0);
  return 1000.0 * (leaf * p.leaf_mr_base * q10_leaf + froot * p.froot_mr_base * q10_root);
}

double daily_livewood_respiration(const Mod17Parameters& p, double max_lai, double t) {
  return 1000.0 * (max_lai / p.sla) * p.livewood_leaf_ratio * p.livewood_mr_base * std::pow(2.0, (t - 20.0) / 10.0);
}

double annual_npp(double gpp, double rm) { return std::max(0.0, kGrowthShare * (gpp - rm)); }

double turc_pet(double t, double sw) {
  if (t <= 0) return 0.0;
  const double rg_cal = sw * 86400.0 * kCalPerJ;  // cal cm-2 d-1
  return 0.013 * t / (t + 15.0) * (rg_cal + 50.0);
}

double Bucket::step(double pet, double precipitation, double& aet) {
  const double beta = std::min(1.0, water / (0.75 * capacity));
  aet = std::min(beta * pet, water + precipitation);
  water = std::clamp(water + precipitation - aet, 0.0, capacity);
  return beta;
}

double casa_fpar(const CasaParameters& p, double ndvi) {
  if (!(ndvi >= -1 && ndvi < 1)) reject("lue (CASA): NDVI = " + shortest_text(ndvi) + " is outside [-1, 1)");
  const double sr = (1.0 + ndvi) / (1.0 - ndvi);
  const double f = (sr - p.sr_min) / (p.sr_max - p.sr_min) * (p.fpar_max - p.fpar_min) + p.fpar_min;
  return std::clamp(f, p.fpar_min, p.fpar_max);
}

double casa_temperature_scalar(const CasaParameters& p, double t, double topt) {
  if (t <= -10.0) return 0.0;
  const double te1 = 0.8 + 0.02 * topt - 0.0005 * topt * topt;
  auto te2_at = [&](double x) {
    return p.t2_norm / ((1.0 + std::exp(0.2 * (topt - 10.0 - x))) * (1.0 + std::exp(0.3 * (-topt - 10.0 + x))));
  };
  // Potter et al. 1993: beyond Topt + 10 and below Topt - 13, half the value at Topt
  const double te2 = (t > topt + 10.0 || t < topt - 13.0) ? 0.5 * te2_at(topt) : te2_at(t);
  return te1 * te2;
}

double casa_npp(const CasaParameters& p, double fpar, double t, double topt, double global_mj_month,
                double aet_over_pet) {
  if (!(fpar >= 0 && fpar <= 1)) reject("lue (CASA): fPAR = " + shortest_text(fpar) + " is outside [0, 1]");
  const double we = 0.5 + 0.5 * std::clamp(aet_over_pet, 0.0, 1.0);
  return p.epsilon_max * casa_temperature_scalar(p, t, topt) * we * fpar * kCasaParShare * global_mj_month;
}

ModelInfo model_info() {
  ModelInfo m;
  m.name = "lue";
  m.title = "light-use-efficiency GPP/NPP from satellite fAPAR or NDVI (MOD17 with a soil-water scalar; CASA)";
  m.time_step = "day or month";
  m.pools = {};
  m.inputs = {"fpar: fraction of absorbed PAR (1), or ndvi (1) through CASA's simple ratio",
              "tmin: daily minimum air temperature (degC)", "tmean: mean air temperature (degC)",
              "vpd: daytime vapour pressure deficit (Pa)", "sw: global short-wave radiation (W m-2, daily mean)",
              "pr: precipitation (mm) for the soil-water bucket"};
  m.parameters = parameter_rows(kMod17ParameterInfo, Mod17Parameters{});
  m.reference =
      "Running SW et al. (2004) BioScience 54:547-560; Running SW, Zhao M (2015) MOD17 user's guide; Zhao M, "
      "Running SW (2010) Science 329:940-943; Potter CS et al. (1993) Global Biogeochem. Cycles 7:811-841";
  return m;
}

}  // namespace alamod::models::lue
