#include "models/threepg/threepg.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "models/common/checks.hpp"

namespace alamod::models::threepg {

namespace {

using P = SpeciesParameters;
constexpr const char* kSands = "3-PGpjs default (Sands 2010; r3PG d_parameters)";
constexpr const char* kLW = "Landsberg & Waring 1997";

}  // namespace

// Bounds are the ranges the published sets span, widened to what the equations allow (a fraction in [0, 1],
// a positive scale), not a calibration prior.
const std::array<ParameterInfo<P>, 66> kParameterInfo = {{
    {"pFS2", &P::pFS2, "1", 1e-4, 10, "foliage:stem partitioning ratio at D = 2 cm", kLW},
    {"pFS20", &P::pFS20, "1", 1e-4, 10, "foliage:stem partitioning ratio at D = 20 cm", kLW},
    {"aWS", &P::aWS, "kg cm-1", 1e-4, 10, "stem mass = aWS D^nWS (kg tree-1, D in cm)", kLW},
    {"nWS", &P::nWS, "1", 1, 4, "power of D in the stem mass allometry", kLW},
    {"pRx", &P::pRx, "1", 0, 1, "maximum fraction of NPP to roots", kLW},
    {"pRn", &P::pRn, "1", 0, 1, "minimum fraction of NPP to roots", kLW},
    {"gammaF1", &P::gammaF1, "month-1", 0, 1, "maximum litterfall rate", kLW},
    {"gammaF0", &P::gammaF0, "month-1", 0, 1, "litterfall rate at t = 0", kLW},
    {"tgammaF", &P::tgammaF, "month", 0, 1200, "age at which litterfall rate has median value", kLW},
    {"gammaR", &P::gammaR, "month-1", 0, 1, "average monthly root turnover rate", kLW},
    {"leafgrow", &P::leafgrow, "1", 0, 12, "month of leaf-out of a deciduous species (0: evergreen)", kSands},
    {"leaffall", &P::leaffall, "1", 0, 12, "month of leaf fall of a deciduous species (0: evergreen)", kSands},
    {"Tmin", &P::Tmin, "degC", -20, 20, "minimum temperature for growth", kLW},
    {"Topt", &P::Topt, "degC", 0, 40, "optimum temperature for growth", kLW},
    {"Tmax", &P::Tmax, "degC", 10, 50, "maximum temperature for growth", kLW},
    {"kF", &P::kF, "1", 0, 1, "days of production lost per frost day", kLW},
    {"SWconst", &P::SWconst, "1", 0.01, 1, "moisture ratio deficit for fSW = 0.5 (used when soil_class < 0)",
     kLW},
    {"SWpower", &P::SWpower, "1", 1, 20, "power of the moisture ratio deficit (used when soil_class < 0)", kLW},
    {"fCalpha700", &P::fCalpha700, "1", 0.5, 1.99, "assimilation enhancement factor at 700 ppm CO2",
     "Almeida et al. 2007"},
    {"fCg700", &P::fCg700, "1", 0.51, 2, "canopy conductance factor at 700 ppm CO2", "Almeida et al. 2007"},
    {"m0", &P::m0, "1", 0, 1, "value of m when FR = 0", kLW},
    {"fN0", &P::fN0, "1", 0, 1, "value of fNutr when FR = 0", kLW},
    {"fNn", &P::fNn, "1", 0, 10, "power of (1 - FR) in fNutr (0: no nutrient effect)", kSands},
    {"MaxAge", &P::MaxAge, "yr", 1, 2000, "maximum stand age used in the age modifier", kLW},
    {"nAge", &P::nAge, "1", 0, 10, "power of relative age in fAge (0: no age effect)", kLW},
    {"rAge", &P::rAge, "1", 0.01, 10, "relative age for fAge = 0.5", kLW},
    {"gammaN1", &P::gammaN1, "percent yr-1", 0, 100, "stress mortality rate for large t", kSands},
    {"gammaN0", &P::gammaN0, "percent yr-1", 0, 100, "stress mortality rate at t = 0", kSands},
    {"tgammaN", &P::tgammaN, "yr", 0, 1000, "age at which the stress mortality rate has median value", kSands},
    {"ngammaN", &P::ngammaN, "1", 0, 10, "shape of the stress mortality response", kSands},
    {"wSx1000", &P::wSx1000, "kg", 1, 5000, "maximum stem mass per tree at 1000 trees ha-1", kLW},
    {"thinPower", &P::thinPower, "1", 1, 3, "power in the self-thinning rule", kLW},
    {"mF", &P::mF, "1", 0, 1, "fraction of mean foliage mass per tree lost when a tree dies", kLW},
    {"mR", &P::mR, "1", 0, 1, "fraction of mean root mass per tree lost when a tree dies", kLW},
    {"mS", &P::mS, "1", 0, 1, "fraction of mean stem mass per tree lost when a tree dies", kLW},
    {"SLA0", &P::SLA0, "m2 kg-1", 0.5, 100, "specific leaf area at age 0", kLW},
    {"SLA1", &P::SLA1, "m2 kg-1", 0.5, 100, "specific leaf area for mature leaves", kLW},
    {"tSLA", &P::tSLA, "yr", 0, 200, "age at which specific leaf area = (SLA0 + SLA1)/2", kLW},
    {"k", &P::k, "1", 0.05, 2, "extinction coefficient for absorption of PAR by canopy", kLW},
    {"fullCanAge", &P::fullCanAge, "yr", 0, 200, "age at canopy cover (0: closed from the start)", kLW},
    {"MaxIntcptn", &P::MaxIntcptn, "1", 0, 1, "maximum proportion of rainfall evaporated from canopy", kLW},
    {"LAImaxIntcptn", &P::LAImaxIntcptn, "1", 0, 20, "LAI for maximum rainfall interception (0: constant)",
     kLW},
    {"alphaCx", &P::alphaCx, "mol mol-1", 0, 0.2, "canopy quantum efficiency (mol C per mol PAR)", kLW},
    {"Y", &P::Y, "1", 0.1, 0.9, "ratio NPP/GPP", "Waring et al. 1998"},
    {"MinCond", &P::MinCond, "m s-1", 0, 0.1, "minimum canopy conductance", kLW},
    {"MaxCond", &P::MaxCond, "m s-1", 0, 0.1, "maximum canopy conductance", kLW},
    {"LAIgcx", &P::LAIgcx, "1", 0.1, 20, "LAI for maximum canopy conductance", kLW},
    {"CoeffCond", &P::CoeffCond, "hPa-1", 0, 1, "sensitivity of stomata to VPD (fVPD = exp(-CoeffCond VPD))",
     kLW},
    {"BLcond", &P::BLcond, "m s-1", 1e-3, 10, "canopy boundary layer conductance", kLW},
    {"fracBB0", &P::fracBB0, "1", 0, 1, "branch and bark fraction at age 0", kSands},
    {"fracBB1", &P::fracBB1, "1", 0, 1, "branch and bark fraction for mature stands", kSands},
    {"tBB", &P::tBB, "yr", 0, 200, "age at which fracBB = (fracBB0 + fracBB1)/2", kSands},
    {"rhoMin", &P::rhoMin, "t m-3", 0.1, 1.5, "minimum basic density, for young trees", kSands},
    {"rhoMax", &P::rhoMax, "t m-3", 0.1, 1.5, "maximum basic density, for older trees", kSands},
    {"tRho", &P::tRho, "yr", 0, 200, "age at which rho = (rhoMin + rhoMax)/2", kSands},
    {"aH", &P::aH, "1", 0, 200, "height allometry constant", "Forrester et al. 2021"},
    {"nHB", &P::nHB, "1", -5, 50, "power of D in the height allometry", "Forrester et al. 2021"},
    {"nHC", &P::nHC, "1", -5, 5, "power of competition in the height allometry", "Forrester et al. 2021"},
    {"aV", &P::aV, "1", 0, 10, "stem volume allometry constant (0: volume from mass and density)",
     "Forrester et al. 2021"},
    {"nVB", &P::nVB, "1", -5, 5, "power of D in the volume allometry", "Forrester et al. 2021"},
    {"nVH", &P::nVH, "1", -5, 5, "power of H in the volume allometry", "Forrester et al. 2021"},
    {"nVBH", &P::nVBH, "1", -5, 5, "power of D^2 H in the volume allometry", "Forrester et al. 2021"},
    {"Qa", &P::Qa, "W m-2", -200, 0, "intercept of net v. solar radiation relationship", kLW},
    {"Qb", &P::Qb, "1", 0.1, 1.5, "slope of net v. solar radiation relationship", kLW},
    {"gDM_mol", &P::gDM_mol, "g mol-1", 1, 100, "dry matter per mol of carbon", kLW},
    {"molPAR_MJ", &P::molPAR_MJ, "mol MJ-1", 0.5, 5, "mol PAR per MJ of global radiation", kLW},
}};

const std::array<std::string_view, 16> kUnusedParameterNames = {
    "cVPD", "RGcGw", "D13CTissueDif", "aFracDiffu", "bFracRubi", "crownshape", "aK",   "nKB",
    "nKH",  "nKC",   "nKrh",          "aHL",        "nHLB",      "nHLL",       "nHLC", "nHLrh"};

void validate(const SpeciesParameters& p, std::string_view species) {
  const std::string who = "3pg species '" + std::string(species) + "'";
  check_bounds(who, kParameterInfo, p);
  if (!(p.Tmin < p.Topt && p.Topt < p.Tmax))
    reject(who + ": needs Tmin < Topt < Tmax, got " + shortest_text(p.Tmin) + ", " + shortest_text(p.Topt) + ", " +
           shortest_text(p.Tmax) + " degC");
  if (p.pRn > p.pRx) reject(who + ": needs pRn <= pRx, got " + shortest_text(p.pRn) + " > " + shortest_text(p.pRx));
  if ((p.leafgrow == 0) != (p.leaffall == 0))
    reject(who + ": leafgrow and leaffall are both 0 (evergreen) or both months, got " + shortest_text(p.leafgrow) +
           " and " + shortest_text(p.leaffall));
}

namespace {

// Constants of 3-PGpjs (Sands 2010, as r3PG declares them).
constexpr double kPi = 3.141592654;
constexpr double kLn2 = 0.693147181;
constexpr double kE20 = 2.2;          // rate of change of saturated VP with T at 20 degC (hPa K-1 ratio)
constexpr double kRhoAir = 1.2;       // density of air (kg m-3)
constexpr double kLambda = 2460000;   // latent heat of vaporisation of water (J kg-1)
constexpr double kVPDconv = 0.000622; // hPa -> saturation deficit (kg kg-1)
constexpr int kDayOfYear[12] = {15, 46, 74, 105, 135, 166, 196, 227, 258, 288, 319, 349};
constexpr int kDaysInMonth[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};  // 3-PG ignores leap years

int days_in_month(int month) { return month >= 1 && month <= 12 ? kDaysInMonth[month - 1] : 0; }

/// 3-PG's dormant season of a deciduous species: north (leafgrow < leaffall) before leafgrow or from leaffall
/// on; south (leafgrow > leaffall) from leaffall to leafgrow, both included, as r3PG has it; 0/0 evergreen.
bool dormant(int month, const P& p) {
  const int grow = static_cast<int>(p.leafgrow), fall = static_cast<int>(p.leaffall);
  if (grow > fall) return month >= fall && month <= grow;
  if (grow < fall) return month < grow || month >= fall;
  return false;
}

/// g(x) = gx + (g0 - gx) exp(-ln2 (x/tg)^ng); gx when tg = 0.
double f_exp(double x, double g0, double gx, double tg, double ng) {
  return tg != 0 ? gx + (g0 - gx) * std::exp(-kLn2 * std::pow(x / tg, ng)) : gx;
}

/// Litterfall rate (month-1) at age x (yr).
double f_litterfall(double x, double f1, double f0, double tg) {
  if (tg * f1 == 0) return f1;
  const double kg = 12.0 * std::log(1.0 + f1 / f0) / tg;
  return f1 * f0 / (f0 + (f1 - f0) * std::exp(-kg * x));
}

/// Saturated vapour pressure (hPa) at T (degC).
double svp(double t) { return 6.1078 * std::exp(17.269 * t / (237.3 + t)); }

/// Stems (ha-1) that die so that the mean stem mass meets the self-thinning line (Newton's method as 3-PG).
double self_thinning_deaths(double stems_n, double ws, double mS, double wSx1000, double thinPower) {
  double n = stems_n / 1000.0;
  const double x1 = 1000.0 * mS * ws / stems_n;
  for (int i = 1;; ++i) {
    if (n <= 0) break;
    const double x2 = wSx1000 * std::pow(n, 1.0 - thinPower);
    const double fn = x2 - x1 * n - (1.0 - mS) * ws;
    const double dfn = (1.0 - thinPower) * x2 / n - x1;
    const double dn = -fn / dfn;
    n += dn;
    if (std::abs(dn) <= 1.0 / 1000.0 || i >= 5) break;
  }
  return stems_n - 1000.0 * n;
}

/// Per-cohort state and age-dependent terms of the current month.
struct State {
  double ws = 0, wr = 0, wf = 0, debt = 0, n = 0;
  double dbh = 0, ba = 0, height = 0, pfs = 0, lai = 0, biom_tree = 0, volume = 0;
  std::size_t next_thinning = 0;
};

struct Age {
  double age, age_m, sla, fracbb, rho, gamma_n, gamma_f, f_age;
};

Age age_terms(const Cohort& c, int year0, int month0, int i) {
  const P& p = c.p;
  Age a{};
  a.age = (12.0 * (year0 - c.planted_year) + month0 - c.planted_month - 1.0 + (i + 1)) / 12.0;
  a.age_m = i == 0 ? a.age : a.age - 1.0 / 12.0;
  a.sla = f_exp(a.age_m, p.SLA0, p.SLA1, p.tSLA, 2.0);
  a.fracbb = f_exp(a.age_m, p.fracBB0, p.fracBB1, p.tBB, 1.0);
  a.rho = f_exp(a.age_m, p.rhoMin, p.rhoMax, p.tRho, 1.0);
  a.gamma_n = f_exp(a.age, p.gammaN0, p.gammaN1, p.tgammaN, p.ngammaN);
  a.gamma_f = f_litterfall(a.age_m, p.gammaF1, p.gammaF0, p.tgammaF);
  a.f_age = p.nAge == 0 ? 1.0 : 1.0 / (1.0 + std::pow((a.age_m / p.MaxAge) / p.rAge, p.nAge));
  return a;
}

/// Diameter, basal area, partitioning ratio, LAI, height and volume from the pools (3-PG's stand
/// structure): every cohort's basal area first, then the competition sum Σ rho BA, then the heights.
void structure(const std::vector<Cohort>& cohorts, const std::vector<Age>& ages, std::vector<State>& s,
               int height_model) {
  double competition = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const P& p = cohorts[i].p;
    State& x = s[i];
    x.biom_tree = x.n > 0 ? x.ws * 1000.0 / x.n : 0.0;
    x.dbh = std::pow(x.biom_tree / p.aWS, 1.0 / p.nWS);
    x.ba = x.dbh * x.dbh / 4.0 * kPi * x.n / 10000.0;
    const double pfs_power = std::log(p.pFS20 / p.pFS2) / std::log(20.0 / 2.0);
    const double pfs_const = p.pFS2 / std::pow(2.0, pfs_power);
    x.pfs = pfs_const * std::pow(x.dbh, pfs_power);
    x.lai = x.wf * ages[i].sla * 0.1;
    competition += ages[i].rho * x.ba;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const P& p = cohorts[i].p;
    State& x = s[i];
    x.height = height_model == 2 ? 1.3 + p.aH * std::exp(-p.nHB / x.dbh) + p.nHC * competition * x.dbh
                                  : p.aH * std::pow(x.dbh, p.nHB) * std::pow(competition, p.nHC);
  }
}

void volume(const std::vector<Cohort>& cohorts, const std::vector<Age>& ages, std::vector<State>& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const P& p = cohorts[i].p;
    State& x = s[i];
    x.volume = p.aV > 0 ? p.aV * std::pow(x.dbh, p.nVB) * std::pow(x.height, p.nVH) *
                              std::pow(x.dbh * x.dbh * x.height, p.nVBH) * x.n
                        : x.ws * (1.0 - ages[i].fracbb) / ages[i].rho;
  }
}

void check_inputs(const Site& site, const std::vector<Cohort>& cohorts, const std::vector<ClimateMonth>& climate) {
  if (cohorts.empty()) reject("3pg: a stand needs at least one species cohort");
  if (climate.empty()) reject("3pg: the climate has no month");
  require_within("3pg site", "latitude", site.latitude, "degrees_north", -90, 90);
  require_within("3pg site", "asw_max", site.asw_max, "mm", 0, 10000, true);
  require_within("3pg site", "asw_min", site.asw_min, "mm", 0, 10000);
  if (site.soil_class < -1 || site.soil_class > 4)
    reject("3pg site soil_class = " + std::to_string(site.soil_class) + " is not -1, 0, 1, 2, 3 or 4");
  for (const auto& c : cohorts) {
    validate(c.p, c.species);
    const std::string who = "3pg cohort '" + c.species + "'";
    require_within(who, "fertility", c.fertility, "1", 0, 1);
    require_within(who, "stems_n", c.stems_n, "ha-1", 0, 1e6, true);
    require_within(who, "biom_stem", c.biom_stem, "t ha-1", 0, 5000, true);
    require_within(who, "biom_root", c.biom_root, "t ha-1", 0, 5000);
    require_within(who, "biom_foliage", c.biom_foliage, "t ha-1", 0, 500);
    if (c.planted_month < 1 || c.planted_month > 12)
      reject(who + ": planted month " + std::to_string(c.planted_month) + " is not 1-12");
    const double age0 = (12.0 * (climate[0].year - c.planted_year) + climate[0].month - c.planted_month) / 12.0;
    if (age0 < 0) reject(who + ": planted after the first month of the climate");
  }
  for (std::size_t i = 0; i < climate.size(); ++i) {
    const auto& m = climate[i];
    const std::string where = "3pg climate month " + std::to_string(m.year) + "-" + std::to_string(m.month);
    if (m.month < 1 || m.month > 12) reject(where + ": month is not 1-12");
    if (i > 0) {
      const auto& prev = climate[i - 1];
      if (m.year * 12 + m.month != prev.year * 12 + prev.month + 1)
        reject(where + ": months are not consecutive (previous " + std::to_string(prev.year) + "-" +
               std::to_string(prev.month) + ")");
    }
    require_within(where, "prcp", m.prcp, "mm month-1", 0, 5000);
    require_within(where, "srad", m.srad, "MJ m-2 d-1", 0, 50);
    require_within(where, "frost_days", m.frost_days, "d", 0, 31);
    require_within(where, "co2", m.co2, "ppm", 100, 2000);
    require_within(where, "tmp_ave", m.tmp_ave, "degC", -60, 60);
    if (!(m.tmp_min <= m.tmp_max)) reject(where + ": tmp_min " + shortest_text(m.tmp_min) + " > tmp_max " +
                                          shortest_text(m.tmp_max) + " degC");
  }
}

}  // namespace

std::vector<StandMonth> run_stand(const Site& site, const std::vector<Cohort>& cohorts,
                                  const std::vector<ClimateMonth>& climate, const Options& options) {
  check_inputs(site, cohorts, climate);
  const std::size_t ns = cohorts.size(), nm = climate.size();
  const int year0 = climate[0].year, month0 = climate[0].month;

  // Once per run: day length (s) per calendar month, soil-water constants, nutrition.
  double day_length[12];
  {
    const double slat = std::sin(kPi * site.latitude / 180.0), clat = std::cos(kPi * site.latitude / 180.0);
    for (int m = 0; m < 12; ++m) {
      const double sin_dec = 0.4 * std::sin(0.0172 * (kDayOfYear[m] - 80.0));
      const double cos_h0 = -sin_dec * slat / (clat * std::sqrt(1.0 - sin_dec * sin_dec));
      double fraction = std::acos(std::clamp(cos_h0, -1.0, 1.0)) / kPi;
      if (cos_h0 > 1) fraction = 0;
      if (cos_h0 < -1) fraction = 1;
      day_length[m] = 86400.0 * fraction;
    }
  }
  std::vector<double> sw_const(ns), sw_power(ns), fn0(ns);
  for (std::size_t i = 0; i < ns; ++i) {
    const P& p = cohorts[i].p;
    if (site.soil_class > 0) {
      sw_const[i] = 0.8 - 0.1 * site.soil_class;
      sw_power[i] = 11.0 - 2.0 * site.soil_class;
    } else if (site.soil_class < 0) {
      sw_const[i] = p.SWconst;
      sw_power[i] = p.SWpower;
    } else {
      sw_const[i] = 999;
      sw_power[i] = p.SWpower;
    }
    fn0[i] = p.fNn == 0 ? 1.0 : p.fN0;
  }
  const double asw_min = std::min(site.asw_min, site.asw_max);
  double asw = std::max(std::min(site.asw_i, site.asw_max), asw_min);

  auto vpd_of = [](const ClimateMonth& m) { return m.vpd_day >= 0 ? m.vpd_day : (svp(m.tmp_max) - svp(m.tmp_min)) / 2.0; };

  std::vector<StandMonth> out(nm);
  std::vector<State> s(ns);
  std::vector<Age> ages(ns);
  std::vector<CohortMonth> cm(ns);

  // Modifiers known before the month's growth (temperature, frost, CO2, age).
  auto fixed_modifiers = [&](std::size_t i, const ClimateMonth& m, CohortMonth& r) {
    const P& p = cohorts[i].p;
    const double t = m.tmp_ave;
    r.f_tmp = (t <= p.Tmin || t >= p.Tmax)
                  ? 0.0
                  : ((t - p.Tmin) / (p.Topt - p.Tmin)) *
                        std::pow((p.Tmax - t) / (p.Tmax - p.Topt), (p.Tmax - p.Topt) / (p.Topt - p.Tmin));
    r.f_frost = 1.0 - p.kF * (std::min(m.frost_days, double(days_in_month(m.month))) / days_in_month(m.month));
    const double fcalphax = p.fCalpha700 / (2.0 - p.fCalpha700);
    r.f_calpha = fcalphax * m.co2 / (350.0 * (fcalphax - 1.0) + m.co2);
    r.f_age = ages[i].f_age;
  };
  auto f_cg = [](const P& p, double co2) {
    const double fcg0 = p.fCg700 / (2.0 * p.fCg700 - 1.0);
    return fcg0 / (1.0 + (fcg0 - 1.0) * co2 / 350.0);
  };
  auto record = [&](std::size_t i, CohortMonth& r) {
    const State& x = s[i];
    r.biom_stem = x.ws;
    r.biom_root = x.wr;
    r.biom_foliage = x.wf;
    r.biom_foliage_debt = x.debt;
    r.biom_tree = x.biom_tree;
    r.stems_n = x.n;
    r.dbh = x.dbh;
    r.height = x.height;
    r.basal_area = x.ba;
    r.volume = x.volume;
    r.lai = x.lai;
    r.fracBB = ages[i].fracbb;
  };

  // First month: the initial state, no growth.
  for (std::size_t i = 0; i < ns; ++i) {
    const Cohort& c = cohorts[i];
    ages[i] = age_terms(c, year0, month0, 0);
    s[i].n = c.stems_n;
    s[i].ws = c.biom_stem;
    s[i].wr = c.biom_root;
    s[i].wf = c.biom_foliage;
    if (dormant(month0, c.p)) {
      s[i].debt = s[i].wf;
      s[i].wf = 0;
    }
  }
  structure(cohorts, ages, s, options.height_model);
  volume(cohorts, ages, s);
  out[0].year = year0;
  out[0].month = month0;
  out[0].asw = asw;
  for (std::size_t i = 0; i < ns; ++i) {
    CohortMonth r;
    fixed_modifiers(i, climate[0], r);
    record(i, r);
    out[0].cohorts.push_back(r);
  }

  for (std::size_t ii = 1; ii < nm; ++ii) {
    const ClimateMonth& m = climate[ii];
    const int month = m.month;
    const int prev_month = month - 1;  // 0 in January, as 3-PG does (never dormant in the south, dormant north)
    for (std::size_t i = 0; i < ns; ++i) ages[i] = age_terms(cohorts[i], year0, month0, static_cast<int>(ii));
    for (auto& r : cm) r = CohortMonth{};

    // 1. Phenology.
    for (std::size_t i = 0; i < ns; ++i) {
      const P& p = cohorts[i].p;
      const bool now = dormant(month, p), before = dormant(prev_month, p);
      if (!now && before) s[i].lai = s[i].debt * ages[i].sla * 0.1;  // potential LAI for the light
      if (now && !before) {
        s[i].debt = s[i].wf;
        cm[i].litter_foliage = s[i].wf;  // leaf fall
        s[i].wf = 0;
        s[i].lai = 0;
      }
    }

    // 2. Light (3-PGpjs: each cohort's Beer's law on its own LAI).
    std::vector<double> apar(ns);
    for (std::size_t i = 0; i < ns; ++i) {
      const P& p = cohorts[i].p;
      double srad = m.srad;
      int days = days_in_month(month);
      if (options.emulate_r3pg_light_bug && i > 0) {
        srad = ii + i < nm ? climate[ii + i].srad : 0.0;
        days = days_in_month(month + static_cast<int>(i));
      }
      const double cover =
          (p.fullCanAge > 0 && ages[i].age_m < p.fullCanAge) ? (ages[i].age_m + 0.01) / p.fullCanAge : 1.0;
      const double intercepted = 1.0 - std::exp(-p.k * s[i].lai / cover);
      apar[i] = srad * days * intercepted * cover;
    }

    // 3-4. Modifiers and production.
    const double vpd = vpd_of(m);
    std::vector<double> gpp(ns), npp(ns);
    for (std::size_t i = 0; i < ns; ++i) {
      const P& p = cohorts[i].p;
      CohortMonth& r = cm[i];
      fixed_modifiers(i, m, r);
      r.f_vpd = std::exp(-p.CoeffCond * vpd);
      r.f_sw = 1.0 / (1.0 + std::pow((1.0 - asw / site.asw_max) / sw_const[i], sw_power[i]));
      r.f_nutr = p.fNn == 0 ? 1.0 : 1.0 - (1.0 - fn0[i]) * std::pow(1.0 - cohorts[i].fertility, p.fNn);
      r.f_phys = std::min(r.f_vpd, r.f_sw) * r.f_age;
      double alpha_c = p.alphaCx * r.f_nutr * r.f_tmp * r.f_frost * r.f_calpha * r.f_phys;
      if (s[i].lai == 0) alpha_c = 0;
      const double epsilon = p.gDM_mol * p.molPAR_MJ * alpha_c;  // g DM MJ-1
      gpp[i] = epsilon * apar[i] / 100.0;                          // t DM ha-1 month-1
      npp[i] = gpp[i] * p.Y;
    }

    // 5. Water balance: transpiration (Penman-Monteith), interception, the bucket.
    double lai_total = 0;
    for (const auto& x : s) lai_total += x.lai;
    const double dl = day_length[month - 1];
    double transp_total = 0, interception_total = 0;
    for (std::size_t i = 0; i < ns; ++i) {
      const P& p = cohorts[i].p;
      const double lai_per = lai_total == 0 ? 0.0 : s[i].lai / lai_total;
      const double gc = lai_total <= p.LAIgcx ? p.MinCond + (p.MaxCond - p.MinCond) * lai_total / p.LAIgcx : p.MaxCond;
      const double g_canopy = gc * lai_per * cm[i].f_phys * f_cg(p, m.co2);
      double transp = 0;
      if (vpd > 0 && g_canopy > 0) {
        const double net_rad = p.Qa + p.Qb * (m.srad * 1e6 / dl);             // W m-2
        const double def_term = kRhoAir * kLambda * (kVPDconv * vpd) * p.BLcond;
        const double div = g_canopy * (1.0 + kE20) + p.BLcond;
        transp = days_in_month(month) * g_canopy * (kE20 * net_rad + def_term) / div / kLambda * dl;  // mm month-1
        transp = std::max(0.0, transp);
      }
      transp_total += transp;
      const double fraction =
          p.LAImaxIntcptn > 0 ? p.MaxIntcptn * std::min(1.0, lai_total / p.LAImaxIntcptn) * lai_per : p.MaxIntcptn;
      interception_total += m.prcp * fraction;
    }
    asw += m.prcp;
    const double et = std::min(asw, transp_total + interception_total);
    const double excess = std::max(asw - et - site.asw_max, 0.0);
    asw -= et + excess;
    double irrigation = 0;
    if (asw < asw_min) {
      irrigation = asw_min - asw;
      asw = asw_min;
    }
    const double scale = (transp_total + interception_total) == 0 ? 1.0 : et / (transp_total + interception_total);
    for (std::size_t i = 0; i < ns; ++i) {
      gpp[i] *= scale;
      npp[i] *= scale;
      cm[i].gpp = gpp[i];
      cm[i].npp = npp[i];
      cm[i].apar = apar[i];
      cm[i].epsilon_npp = apar[i] == 0 ? 0.0 : 100.0 * npp[i] / apar[i];
    }

    // 6. Allocation, litterfall and root turnover.
    for (std::size_t i = 0; i < ns; ++i) {
      const Cohort& c = cohorts[i];
      const P& p = c.p;
      State& x = s[i];
      CohortMonth& r = cm[i];
      if (dormant(month, p)) continue;
      const double fert = p.m0 + (1.0 - p.m0) * c.fertility;
      const double eta_r = p.pRx * p.pRn / (p.pRn + (p.pRx - p.pRn) * r.f_phys * fert);
      const double eta_s = (1.0 - eta_r) / (1.0 + x.pfs);
      const double eta_f = 1.0 - eta_r - eta_s;
      if (x.wf == 0 && x.debt > 0) {
        x.wf = x.debt;
        r.debt_restored = x.debt;
      }
      double growth = npp[i];
      if (growth >= x.debt) {
        r.debt_repaid = x.debt;
        growth -= x.debt;
        x.debt = 0;
      } else {
        r.debt_repaid = growth;
        x.debt -= growth;
        growth = 0;
      }
      r.litter_foliage = ages[i].gamma_f * x.wf;
      r.litter_root = p.gammaR * x.wr;
      x.wf += growth * eta_f - r.litter_foliage;
      x.wr += growth * eta_r - r.litter_root;
      x.ws += growth * eta_s;
    }
    structure(cohorts, ages, s, options.height_model);

    // 8. Thinning and harvest.
    bool changed = false;
    for (std::size_t i = 0; i < ns; ++i) {
      const Cohort& c = cohorts[i];
      State& x = s[i];
      CohortMonth& r = cm[i];
      if (x.next_thinning >= c.thinnings.size() || ages[i].age < c.thinnings[x.next_thinning].age) continue;
      const Thinning& t = c.thinnings[x.next_thinning++];
      if (!(x.n > t.stems_n)) continue;
      const double d = (x.n - t.stems_n) / x.n;
      const bool is_dormant = dormant(month, c.p);
      r.stems_thinned = x.n - x.n * (1.0 - d);
      if (std::max({d * t.foliage, d * t.root, d * t.stem}) > 1.0) {  // the whole cohort goes
        r.thin_foliage = is_dormant ? 0.0 : x.wf;
        r.thin_root = x.wr;
        r.thin_stem = x.ws;
        r.stems_thinned = x.n;
        if (is_dormant) x.debt = 0; else x.wf = 0;
        x.wr = x.ws = x.n = 0;
      } else {
        x.n *= 1.0 - d;
        if (is_dormant) {
          x.debt *= 1.0 - d * t.foliage;
        } else {
          const double wf = x.wf * (1.0 - d * t.foliage);
          r.thin_foliage = x.wf - wf;
          x.wf = wf;
        }
        const double wr = x.wr * (1.0 - d * t.root), ws = x.ws * (1.0 - d * t.stem);
        r.thin_root = x.wr - wr;
        r.thin_stem = x.ws - ws;
        x.wr = wr;
        x.ws = ws;
      }
      changed = true;
    }
    if (changed) structure(cohorts, ages, s, options.height_model);
    volume(cohorts, ages, s);  // as r3PG reports it: after thinning, before this month's mortality

    // 9. Stress mortality.
    changed = false;
    auto kill = [&](std::size_t i, double dead) {
      const P& p = cohorts[i].p;
      State& x = s[i];
      CohortMonth& r = cm[i];
      if (dormant(month, p)) {
        x.debt -= p.mF * dead * (x.debt / x.n);
      } else {
        const double loss = p.mF * dead * (x.wf / x.n);
        r.mort_foliage += loss;
        x.wf -= loss;
      }
      const double lr = p.mR * dead * (x.wr / x.n), ls = p.mS * dead * (x.ws / x.n);
      r.mort_root += lr;
      r.mort_stem += ls;
      x.wr -= lr;
      x.ws -= ls;
      x.n -= dead;
      r.stems_died += dead;
    };
    for (std::size_t i = 0; i < ns; ++i) {
      if (ages[i].gamma_n <= 0 || s[i].n <= 0 || dormant(month, cohorts[i].p)) continue;
      const double dead = std::min(ages[i].gamma_n * s[i].n / 12.0 / 100.0, s[i].n);
      kill(i, dead);
      changed = true;
    }
    if (changed) structure(cohorts, ages, s, options.height_model);

    // 10. Self-thinning (-3/2 rule), each cohort on its share of the basal area.
    changed = false;
    double ba_total = 0;
    for (const auto& x : s) ba_total += x.ba;
    for (std::size_t i = 0; i < ns; ++i) {
      const P& p = cohorts[i].p;
      State& x = s[i];
      if (x.n <= 0 || ba_total <= 0 || dormant(month, p)) continue;  // no mortality while dormant
      const double prop = x.ba / ba_total;
      const double n_ha = x.n / prop;
      const double tree_max = p.wSx1000 * std::pow(1000.0 / n_ha, p.thinPower);
      if (!(tree_max < x.biom_tree)) continue;
      const double dead = self_thinning_deaths(n_ha, x.ws / prop, p.mS, p.wSx1000, p.thinPower) * prop;
      if (dead < x.n) {
        kill(i, dead);
      } else {
        CohortMonth& r = cm[i];
        if (!dormant(month, p)) r.mort_foliage += x.wf;
        r.mort_root += x.wr;
        r.mort_stem += x.ws;
        r.stems_died += x.n;
        if (dormant(month, p)) x.debt = 0; else x.wf = 0;
        x.wr = x.ws = x.n = 0;
      }
      changed = true;
    }
    if (changed) structure(cohorts, ages, s, options.height_model);

    StandMonth& sm = out[ii];
    sm.year = m.year;
    sm.month = month;
    sm.asw = asw;
    sm.evapo_transp = et;
    sm.runoff = excess;
    sm.irrigation = irrigation;
    for (std::size_t i = 0; i < ns; ++i) {
      record(i, cm[i]);
      sm.cohorts.push_back(cm[i]);
    }
  }
  return out;
}

double balance_residual(const CohortMonth& a, const CohortMonth& b) {
  const double change = (b.biom_foliage + b.biom_root + b.biom_stem) - (a.biom_foliage + a.biom_root + a.biom_stem);
  const double fluxes = b.npp - b.debt_repaid + b.debt_restored - b.litter_foliage - b.litter_root -
                        b.mort_foliage - b.mort_root - b.mort_stem - b.thin_foliage - b.thin_root - b.thin_stem;
  return change - fluxes;
}

ModelInfo model_info() {
  ModelInfo m;
  m.name = "3pg";
  m.title = "3-PG forest growth (3-PGpjs 2.7 as r3PG runs it), species cohorts, thinning, self-thinning";
  m.time_step = "month";
  m.pools = {"biom_foliage", "biom_root", "biom_stem (dry matter)"};
  m.inputs = {"tmp_min, tmp_max, tmp_ave: air temperature (degC)", "prcp: precipitation (mm month-1)",
              "srad: global short-wave radiation (MJ m-2 d-1)", "frost_days: days of frost (d month-1)",
              "co2: atmospheric CO2 (ppm)", "vpd_day: daytime vapour pressure deficit (hPa; optional)"};
  m.parameters = parameter_rows(kParameterInfo, SpeciesParameters{});
  m.reference =
      "Landsberg JJ, Waring RH (1997) For. Ecol. Manage. 95:209-228; Sands PJ (2010) 3PGpjs user manual; "
      "Trotsiuk V, Hartig F, Forrester DI (2020) r3PG, Methods Ecol. Evol. 11:1470-1475";
  return m;
}

}  // namespace alamod::models::threepg
