#pragma once
/// What the grid run's vegetation (engine/grid_run/vegetation_coupling) asks of the vegetation kernels, one
/// calendar year of one stand or tile at a time; implemented in the kernels' binding files (threepg.cpp: the
/// forest stand; lue.cpp: the grassland and cropland months), so that no other file includes a kernel.
#include <array>
#include <memory>
#include <string>

#include "models/common/litter_record.hpp"

namespace alamod::engine::vegetation_grid {

/// A 3-PG species set resolved by name (`alamod vegetation species`), its canopy quantum efficiency alphaCx
/// multiplied by a calibration factor.
struct ForestSpecies {
  std::string name;        ///< the set's name, e.g. "Fagus_sylvatica_29"
  bool deciduous = false;  ///< leaves fall (leafgrow/leaffall)
  bool conifer = false;    ///< its litter's chemistry class (from the set's species)
  double aWS = 0, nWS = 0; ///< stem mass = aWS DBH^nWS (kg tree-1, cm)
  std::shared_ptr<const void> parameters;  ///< the kernel's parameter set
};
/// Throws std::invalid_argument naming the species and listing the sets (a species without parameters).
ForestSpecies find_forest_species(const std::string& name, double alpha_factor);

/// One calendar year of monthly climate of a stand (months 0-11).
struct StandClimate {
  std::array<double, 12> tmin{}, tmax{}, tave{};  ///< degC
  std::array<double, 12> prcp{};                  ///< mm month-1
  std::array<double, 12> srad{};                  ///< global short-wave radiation, MJ m-2 d-1
  std::array<double, 12> frost_days{};            ///< d month-1
};

/// A stand's state at the end of December (3-PG units: t dry matter ha-1; carbon = 0.5 dry matter).
struct StandState {
  double ws = 0, wr = 0, wf = 0;  ///< stems (with branches and bark), roots, foliage
  double debt = 0;                ///< deciduous: the foliage to regrow in spring (not carbon held)
  double stems = 0;               ///< trees ha-1
  double asw = 0;                 ///< available soil water (mm)
};

/// A stand's year (t C ha-1 yr-1).
struct StandYear {
  double gpp = 0;
  double npp = 0;  ///< carbon entering the pools: NPP less the foliage debt repaid, plus the foliage restored
  models::litter::Record litter;  ///< foliage, fine roots (turnover), branches, stems, coarse roots (dead trees)
  double harvest = 0;     ///< stemwood exported (3-PG thinning events: none on the grid)
  double dead_wood = 0;   ///< stems and roots of the trees that died (self-thinning, stress)
  double fracBB = 0;      ///< branch and bark share of the stem pool in December (1)
};

/// Runs 3-PGpjs over the 12 months of `year` for a single-species stand of constant mean age `age` (yr) at
/// `latitude` (soil class 3, fertility 0.5, CO2 350 ppm, no thinning), from and into `state`. Throws
/// std::invalid_argument (bad state or climate) or std::runtime_error when a month's mass balance fails.
StandYear step_stand_year(const ForestSpecies& species, double latitude, double age, double asw_max, int year,
                          const StandClimate& climate, StandState& state);

/// MOD17 daily GPP (g C m-2 d-1) of the "Grass" or "Crop" biome at fPAR, daily minimum temperature (degC),
/// daytime VPD (Pa), global radiation (W m-2, daily mean) and a soil-water scalar (1).
double lue_daily_gpp(bool crop, double fpar, double tmin, double vpd_pa, double sw_w_m2, double f_sw);
/// fPAR from NDVI by CASA's simple ratio (Potter et al. 1993 parameters; models/lue).
double fpar_from_ndvi(double ndvi);
/// One month of the LUE tiles' bucket (models/lue Bucket): returns the soil-water scalar of the month's start.
double bucket_month(double capacity_mm, double& water_mm, double pet_mm, double precipitation_mm);

}  // namespace alamod::engine::vegetation_grid
