#pragma once
/// Light-use-efficiency production from satellite fAPAR or NDVI, for grasslands and crops (and as a
/// cross-check for forests): the MOD17 algorithm (Running et al. 2004; Running & Zhao 2015, MOD17 user's
/// guide) with a soil-water scalar added, and CASA (Potter et al. 1993) as the alternative. Equations, units
/// and sources: models/lue/README.md. Pure functions: no I/O, no MPI.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/model_info.hpp"
#include "models/common/parameter.hpp"

namespace alamod::models::lue {

// ------------------------------------------------------------------------------------------------
// MOD17
// ------------------------------------------------------------------------------------------------

/// One biome's MOD17 parameters (the Biome Properties Look-Up Table).
struct Mod17Parameters {
  double lue_max = 0.001215;       ///< maximum light-use efficiency (kg C MJ-1 PAR)
  double tmin_min = -8;            ///< daily minimum temperature at which f_T = 0 (degC)
  double tmin_max = 12.02;         ///< daily minimum temperature at which f_T = 1 (degC)
  double vpd_min = 650;            ///< daytime VPD at which f_VPD = 1 (Pa)
  double vpd_max = 4200;           ///< daytime VPD at which f_VPD = 0 (Pa)
  double sla = 38;                 ///< specific leaf area (LAI per kg C m-2, i.e. m2 kg-1 C)
  double froot_leaf_ratio = 2.6;   ///< fine-root : leaf carbon (1)
  double livewood_leaf_ratio = 0;  ///< live-wood : leaf carbon (1)
  double leaf_mr_base = 0.0098;    ///< leaf maintenance respiration at 20 degC (kg C kg-1 C d-1)
  double froot_mr_base = 0.00819;  ///< fine-root maintenance respiration at 20 degC (kg C kg-1 C d-1)
  double livewood_mr_base = 0;     ///< live-wood maintenance respiration at 20 degC (kg C kg-1 C d-1)
};

extern const std::array<ParameterInfo<Mod17Parameters>, 11> kMod17ParameterInfo;

/// A MOD17 biome class (MCD12Q1 type-2 / UMD order).
struct Mod17Class {
  int code;              ///< MCD12Q1 land-cover type 2 code (1 ENF ... 12 Crop)
  std::string_view key;  ///< "ENF", "EBF", "DNF", "DBF", "MF", "CShrub", "OShrub", "WSav", "Sav", "Grass", "Crop"
  std::string_view name;
  Mod17Parameters p;
};

/// The collection 5.1 BPLUT as recalibrated in 2009 (Zhao & Running 2010), 11 classes.
const std::array<Mod17Class, 11> & mod17_classes();

/// The class of key (case-insensitive) or code; std::invalid_argument listing the keys otherwise.
const Mod17Class& find_mod17_class(std::string_view key);

/// Throws std::invalid_argument naming the parameter, its value and bounds, or tmin_min >= tmin_max, vpd_min >=
/// vpd_max.
void validate(const Mod17Parameters& p);

/// PAR (MJ m-2 d-1) from the daily mean global short-wave radiation (W m-2): 0.45 x SW x 0.0864.
double par_from_shortwave(double sw_w_m2);

/// f_T: 0 at tmin_min, 1 at tmin_max, linear between, clipped to [0, 1] (daily minimum temperature, degC).
double f_tmin(const Mod17Parameters& p, double tmin);

/// f_VPD: 1 at vpd_min, 0 at vpd_max, linear between, clipped (daytime VPD, Pa).
double f_vpd(const Mod17Parameters& p, double vpd_pa);

/// Daily GPP (g C m-2 d-1) = 1000 LUEmax f_T f_VPD f_SW fPAR PAR. fpar in [0, 1]; f_sw is the soil-water
/// scalar (1: MOD17 as published).
double daily_gpp(const Mod17Parameters& p, double fpar, double tmin, double vpd_pa, double sw_w_m2,
                 double f_sw = 1.0);

/// Daily maintenance respiration (g C m-2 d-1) of leaves and fine roots for LAI (m2 m-2) at mean air
/// temperature tmean (degC): leaf with the acclimated Q10 (3.22 - 0.046 T) (Tjoelker et al. 2001), fine
/// roots with Q10 = 2.
double daily_leaf_froot_respiration(const Mod17Parameters& p, double lai, double tmean);

/// Daily live-wood maintenance respiration (g C m-2 d-1) for the year's maximum LAI (m2 m-2).
double daily_livewood_respiration(const Mod17Parameters& p, double annual_max_lai, double tmean);

/// Annual NPP (g C m-2 yr-1) = max(0, 0.8 (GPP - Rm)): growth respiration 25 % of GPP - Rm.
double annual_npp(double annual_gpp, double annual_maintenance_respiration);

// ------------------------------------------------------------------------------------------------
// Soil water (added to MOD17; CASA's W_e)
// ------------------------------------------------------------------------------------------------

/// Turc (1961) potential evapotranspiration (mm d-1) from the mean air temperature (degC) and the daily mean
/// global radiation (W m-2): 0.013 T/(T + 15) (Rg + 50), Rg in cal cm-2 d-1; 0 at T <= 0.
double turc_pet(double tmean, double sw_w_m2);

/// A one-layer bucket (Manabe 1969): the month starts with `water` (mm) of `capacity` (mm); the soil-water
/// scalar beta = min(1, water / (0.75 capacity)) sets AET = beta PET; then water += precipitation - AET,
/// clipped to [0, capacity] (the excess drains). Returns beta (1).
struct Bucket {
  double capacity = 150;  ///< plant-available water capacity (mm)
  double water = 150;     ///< current water (mm)
  double step(double pet_mm, double precipitation_mm, double& aet_mm);
};

// ------------------------------------------------------------------------------------------------
// CASA
// ------------------------------------------------------------------------------------------------

struct CasaParameters {
  double epsilon_max = 0.389;  ///< maximum light-use efficiency (g C MJ-1 PAR), Potter et al. 1993
  double sr_min = 1.08;        ///< simple ratio of bare soil (1), Potter et al. 1993
  double sr_max = 4.14;        ///< simple ratio of full cover (1), biome value (Los 1998 range 4.14-6.17)
  double fpar_max = 0.95;      ///< fPAR at sr_max (1)
  double fpar_min = 0.001;     ///< fPAR at sr_min (1)
  double t2_norm = 1.1814;     ///< normalisation of T_e2 (Potter et al. 1993 as usually quoted)
};

extern const std::array<ParameterInfo<CasaParameters>, 6> kCasaParameterInfo;
void validate(const CasaParameters& p);

/// fPAR from NDVI through the simple ratio SR = (1 + NDVI)/(1 - NDVI), linear between (sr_min, fpar_min) and
/// (sr_max, fpar_max), clipped to [fpar_min, fpar_max].
double casa_fpar(const CasaParameters& p, double ndvi);

/// Potter's temperature scalars T_e1 T_e2 for monthly mean air temperature t and the temperature of the month
/// of maximum NDVI topt (degC); 0 when t <= -10 degC.
double casa_temperature_scalar(const CasaParameters& p, double t, double topt);

/// Monthly NPP (g C m-2 month-1) = epsilon_max T_e1 T_e2 W_e fPAR PAR, with PAR = 0.5 x global radiation
/// (MJ m-2 month-1) and W_e = 0.5 + 0.5 AET/PET (1 when PET = 0).
double casa_npp(const CasaParameters& p, double fpar, double t, double topt, double global_mj_month,
                double aet_over_pet);

/// The registry entry of the LUE model (name "lue").
ModelInfo model_info();

}  // namespace alamod::models::lue
