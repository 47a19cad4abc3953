#pragma once
/// 3-PG forest growth, the 3-PGpjs equations (Landsberg & Waring 1997; Sands 2010, 3-PGpjs 2.7) as the r3PG
/// package runs them with its default settings (Trotsiuk, Hartig & Forrester 2020, Methods Ecol. Evol.
/// 11:1470): light_model = transp_model = phys_model = height_model = 1, no bias correction. Monthly step,
/// one or several species cohorts per stand, thinning events, stress and self-thinning mortality.
///
/// Every pool and flux is in t of DRY MATTER ha-1 (carbon = 0.5 x dry matter, the convention of gDM_mol = 24 g
/// DM per mol C); the equations and the order of operations are in models/threepg/README.md.
/// Pure functions: no I/O, no MPI.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/model_info.hpp"
#include "models/common/parameter.hpp"

namespace alamod::models::threepg {

/// The species parameters used by 3-PGpjs, under their 3-PG names (the names of the published tables,
/// r3PG's `d_parameters` and its literature database), so that a published set reads in unchanged.
struct SpeciesParameters {
  double pFS2 = 1, pFS20 = 0.15, aWS = 0.095, nWS = 2.4, pRx = 0.8, pRn = 0.25;
  double gammaF1 = 0.027, gammaF0 = 0.001, tgammaF = 12, gammaR = 0.015;
  double leafgrow = 0, leaffall = 0;
  double Tmin = 2, Topt = 20, Tmax = 32, kF = 1;
  double SWconst = 0.7, SWpower = 9, fCalpha700 = 1.4, fCg700 = 0.7;
  double m0 = 0, fN0 = 0.5, fNn = 1;
  double MaxAge = 50, nAge = 4, rAge = 0.95;
  double gammaN1 = 0, gammaN0 = 0, tgammaN = 0, ngammaN = 1;
  double wSx1000 = 300, thinPower = 1.5, mF = 0, mR = 0.2, mS = 0.2;
  double SLA0 = 11, SLA1 = 4, tSLA = 2.5, k = 0.5, fullCanAge = 0;
  double MaxIntcptn = 0.15, LAImaxIntcptn = 0;
  double alphaCx = 0.06, Y = 0.47;
  double MinCond = 0, MaxCond = 0.02, LAIgcx = 3.33, CoeffCond = 0.05, BLcond = 0.2;
  double fracBB0 = 0.75, fracBB1 = 0.15, tBB = 2, rhoMin = 0.45, rhoMax = 0.45, tRho = 4;
  double aH = 0, nHB = 0, nHC = 0, aV = 0, nVB = 0, nVH = 0, nVBH = 0;
  double Qa = -90, Qb = 0.8, gDM_mol = 24, molPAR_MJ = 2.3;
};

/// The one declaration of every 3-PGpjs parameter: unit, bounds, meaning, source of the default.
/// The defaults are the 3-PGpjs defaults of Sands (2010) as r3PG lists them (E. globulus); a run always
/// names a published species set (species_sets()) or gives every value.
extern const std::array<ParameterInfo<SpeciesParameters>, 66> kParameterInfo;

/// Parameters of the published tables that 3-PGpjs does not use (3-PGmix light and transpiration, d13C,
/// crown allometry): a species file may carry them; they are read and ignored.
extern const std::array<std::string_view, 16> kUnusedParameterNames;

/// Throws std::invalid_argument naming the species, the first parameter outside its bounds, its value and
/// the bounds; and when Tmin < Topt < Tmax, pRn <= pRx or rhoMin/rhoMax are inconsistent.
void validate(const SpeciesParameters& p, std::string_view species);

/// The published species sets: models/threepg/species_sets.hpp.

/// One thinning or harvest event of a cohort (r3PG's d_thinning).
struct Thinning {
  double age;          ///< stand age at which it happens (yr); applied in the first month with age >= this
  double stems_n;      ///< stems left after it (ha-1); nothing happens if the stand has no more
  double foliage = 1;  ///< removed tree's foliage relative to the mean tree (1)
  double root = 1;     ///< removed tree's roots relative to the mean tree (1)
  double stem = 1;     ///< removed tree's stem relative to the mean tree (1; > 1 thinning from above)
};

/// One species cohort and its initial state (r3PG's d_species).
struct Cohort {
  std::string species;  ///< name, for messages and outputs
  SpeciesParameters p;
  int planted_year = 0, planted_month = 1;  ///< planting date
  double fertility = 0.5;                   ///< fertility rating FR (1)
  double stems_n = 0;                       ///< stems (ha-1) at the start
  double biom_stem = 0, biom_root = 0, biom_foliage = 0;  ///< pools at the start (t DM ha-1)
  std::vector<Thinning> thinnings;          ///< in increasing age
};

/// The site (r3PG's d_site).
struct Site {
  double latitude = 45;  ///< degrees north (day length)
  double altitude = 0;   ///< m (not used by 3-PGpjs)
  int soil_class = 0;    ///< 1 sand, 2 sandy loam, 3 clay loam, 4 clay: SWconst and SWpower from it; 0 no water
                         ///< limitation; -1 the species' SWconst and SWpower
  double asw_i = 999, asw_min = 0, asw_max = 200;  ///< available soil water: initial, minimum, maximum (mm)
};

/// One month of climate (r3PG's d_climate).
struct ClimateMonth {
  int year = 0, month = 1;
  double tmp_min = 0, tmp_max = 0;  ///< mean daily minimum and maximum air temperature (degC)
  double tmp_ave = 0;               ///< mean air temperature (degC)
  double prcp = 0;                  ///< precipitation (mm month-1)
  double srad = 0;                  ///< global short-wave radiation (MJ m-2 d-1, monthly mean)
  double frost_days = 0;            ///< days with frost (d month-1)
  double co2 = 350;                 ///< atmospheric CO2 (ppm)
  double vpd_day = -1;              ///< daytime vapour pressure deficit (hPa); < 0: from tmp_min and tmp_max
};

/// Run options.
struct Options {
  /// Reproduce r3PG 0.1.x's light in 3-PGpjs with several species: its light routine takes the radiation and
  /// the day count as arrays of one value per species but is given one month's scalars, so species k
  /// (from 0) reads the radiation of month i+k and the day count of calendar month m+k (0 after December).
  /// Off (the default), every species gets its own month's light. Single-species stands are the same
  /// either way.
  bool emulate_r3pg_light_bug = false;
  int height_model = 1;  ///< 1: H = aH D^nHB C^nHC; 2: H = 1.3 + aH exp(-nHB/D) + nHC C D
};

/// A cohort at the end of a month, with the month's fluxes.
struct CohortMonth {
  // stocks (t DM ha-1) and stand structure at the end of the month
  double biom_stem = 0, biom_root = 0, biom_foliage = 0, biom_foliage_debt = 0;
  double biom_tree = 0;   ///< mean stem mass (kg tree-1)
  double stems_n = 0;     ///< stems (ha-1)
  double dbh = 0;         ///< mean diameter at breast height (cm)
  double height = 0;      ///< mean height (m)
  double basal_area = 0;  ///< m2 ha-1
  double volume = 0;      ///< stem volume (m3 ha-1)
  double lai = 0;         ///< leaf area index (m2 m-2)
  // production (t DM ha-1 month-1) and light
  double gpp = 0, npp = 0;  ///< after the water-balance scaling, before the foliage debt is repaid
  double apar = 0;          ///< absorbed global radiation (MJ m-2 month-1)
  double fi = 0;            ///< fraction of light intercepted (3-PGmix only: 0 here)
  double epsilon_npp = 0;   ///< npp per apar (g DM MJ-1)
  // modifiers (1)
  double f_tmp = 0, f_vpd = 0, f_sw = 0, f_age = 0, f_frost = 0, f_nutr = 0, f_calpha = 0, f_phys = 0;
  // fluxes of the month (t DM ha-1 month-1)
  double litter_foliage = 0;  ///< foliage turnover, or the whole foliage at leaf fall
  double litter_root = 0;     ///< root turnover gammaR WR
  double mort_foliage = 0, mort_root = 0, mort_stem = 0;     ///< of the trees dying (stress, self-thinning)
  double thin_foliage = 0, thin_root = 0, thin_stem = 0;     ///< of the trees thinned or harvested
  double debt_restored = 0;  ///< foliage put back from the debt in the first leafy month (inflow)
  double debt_repaid = 0;    ///< part of npp that repays the debt
  double stems_died = 0, stems_thinned = 0;  ///< ha-1
  double fracBB = 0;         ///< branch and bark share of the stem pool (1)
};

/// The stand at the end of a month.
struct StandMonth {
  int year = 0, month = 0;
  double asw = 0;           ///< available soil water (mm)
  double evapo_transp = 0;  ///< evapotranspiration (mm month-1)
  double runoff = 0;        ///< drainage beyond asw_max (mm month-1)
  double irrigation = 0;    ///< water added to keep asw_min (mm month-1)
  std::vector<CohortMonth> cohorts;
};

/// Runs the stand over `climate` (consecutive months; the first month is the initial state and carries no
/// growth, as in r3PG). Throws std::invalid_argument for a bad parameter, cohort or site (naming it).
std::vector<StandMonth> run_stand(const Site& site, const std::vector<Cohort>& cohorts,
                                  const std::vector<ClimateMonth>& climate, const Options& options = {});

/// The mass balance of a cohort month: the change of WF + WR + WS minus
/// (npp - debt_repaid + debt_restored - litter - mortality - thinning) (t DM ha-1); 0 up to rounding.
double balance_residual(const CohortMonth& before, const CohortMonth& after);

/// The registry entry of 3-PG (name "3pg").
ModelInfo model_info();

}  // namespace alamod::models::threepg
