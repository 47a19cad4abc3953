#pragma once
/// The run configuration (TOML): every key declared once in config_schema.cpp with its
/// unit, default and help; unknown keys are rejected with the nearest valid key.
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/scenario/scenario_config.hpp"
#include "grids/forcing.hpp"
#include "grids/grid_spec.hpp"
#include "grids/raster.hpp"

namespace alamod::engine {

/// How a land-use class drives the models (each model's README, "Grid runs", says which settings it uses).
struct LandUseClass {
  std::string name;                  ///< e.g. "cropland"
  int code = 0;                      ///< value in the land-use raster
  double dpm_rpm_ratio = 1.44;       ///< DPM/RPM ratio of plant inputs (1)
  std::array<double, 12> input_share{};  ///< share of the annual C input in each month (1, sums to 1)
  std::array<double, 12> covered{};      ///< 1 where the soil is vegetated in that month
  double fym = 0.0;                  ///< farmyard manure C (t ha-1 yr-1), spread like plant input
  double lignin_fraction = 0.15;     ///< lignin share of the plant inputs (1): CENTURY, MIMICS
  double n_fraction = 0.01;          ///< nitrogen share of the plant inputs (1): CENTURY, MIMICS
  std::array<double, 4> awen{0.52, 0.18, 0.08, 0.22};  ///< Yasso A W E N shares of the inputs (1, sum 1)
  std::string fraction;   ///< land_use.NAME.fraction: raster of the class's area fraction per cell (1), "" if none
  std::string soc_stock;  ///< land_use.NAME.soc_stock: raster of the class's observed stock (t ha-1), "" if none
  std::string carbon_input;  ///< land_use.NAME.carbon_input: raster of the class's plant input (t ha-1 yr-1), "" if none
  double sealing_loss = 0.0;  ///< land_use.NAME.sealing_loss: share of the carbon of land converted to it lost (1)
  double input_factor = 1.0;  ///< land_use.NAME.input_factor: its tiles' plant input = inputs.carbon_input x this (1)
};

/// [vegetation]: vegetation models stepped every year on the forest, grassland and cropland tiles, their litter
/// the soil's input (engine/grid_run/vegetation_coupling.hpp, docs/VEGETATION.md "Grid runs").
struct VegetationConfig {
  std::string forest, grassland, cropland;  ///< vegetation.forest ("3pg"), .grassland and .cropland ("lue"); "" none
  std::string broadleaf_species = "beech", conifer_species = "Scots pine";  ///< 3-PG sets by name
  std::string forest_table;  ///< vegetation.forest_table: IGN per region and composition (absolute path)
  std::string region;        ///< inputs.region (its codes select the forest_table rows)
  double forest_age = 60;           ///< vegetation.forest_age: constant mean stand age (yr)
  double forest_dbh_cm = 25;        ///< vegetation.forest_dbh_cm: initial mean diameter (cm)
  double forest_alpha_factor = 1;   ///< vegetation.forest_alpha_factor: multiplies alphaCx (1), calibrated
  double forest_unstocked = 0;      ///< vegetation.forest_unstocked: share of the forest without a stand (1)
  double forest_foliage_share = 0.03, forest_root_share = 0.2;  ///< of the initial live dry matter (1)
  /// land-use change (docs/VEGETATION.md, "Land-use change"): vegetation.clearing_export, the share of a cleared
  /// stand's stem pool exported as wood (1); vegetation.planting_stems (trees ha-1) and vegetation.planting_biomass
  /// (t dry matter ha-1) of the stand planted on new forest area
  double clearing_export = 0.7, planting_stems = 1100, planting_biomass = 0.2;
  std::string greenness;            ///< vegetation.greenness: raster of NDVI or fAPAR (absolute path)
  std::string greenness_quantity = "ndvi";  ///< "ndvi" or "fapar"
  double greenness_scale = 1, greenness_offset = 0;  ///< physical = raw x scale + offset
  std::array<double, 12> grassland_shape{}, cropland_shape{};  ///< monthly greenness relative to the raster's (1)
  double npp_ratio = 0.5;         ///< vegetation.lue_npp_ratio: NPP/GPP of the LUE tiles (1)
  double grassland_offtake = 0.5, cropland_offtake = 0.5;  ///< share of above-ground NPP removed (1)
  int cropland_harvest_month = 7;  ///< vegetation.cropland_harvest_month: the crops' living biomass harvested (1-12)
  double bucket_mm = 150;         ///< vegetation.bucket_mm: plant-available water of the LUE tiles (mm)
  double diurnal_range = 9;       ///< vegetation.diurnal_range_degc: Tmax - Tmin (degC), SYNTHETIC
  double sunshine_fraction = 0.45;  ///< vegetation.sunshine_fraction: relative sunshine (1), SYNTHETIC radiation
  double balance_tolerance = 1e-9;  ///< relative, per tile and year
  bool litter_to_soil = true;       ///< vegetation.soil_input = "litter" (else "static": the soil keeps its raster)
  /// vegetation.soil_spinup = "litter": the soil is spun up on the litter of the initial vegetation over the mean
  /// spin-up year (else "static": on inputs.carbon_input, the litter then replacing it from the first year)
  bool spinup_on_litter = true;
  /// vegetation.cropland_input: "lue" (the cropland's litter from its LUE NPP) or "yield" (crop residues from the
  /// yields of crop_yield_table by Bolinder et al. 2007 allometry, as AMG computes them)
  std::string cropland_input = "lue";
  std::string crop_yield_table;  ///< vegetation.crop_yield_table (absolute path): per region, a crop's yield
  double soil_depth_cm = 30;     ///< run.soil_depth_cm: the roots' and rhizodeposits' share within the layer
  bool enabled() const { return !forest.empty() || !grassland.empty() || !cropland.empty(); }
};

struct RunConfig {
  std::string path;         ///< config file
  std::string sha256;       ///< of the resolved configuration text
  std::string science_sha256;  ///< of everything but [checkpoint]: what a restart must match
  std::string resolved;     ///< resolved configuration, TOML text (echoed and stored in the output)
  std::string model = "rothc";
  /// `model` given as a list (model = ["rothc", "icbm"]): the models a comparison runs one after the other,
  /// each into its own folder (engine/grid_run/model_comparison); empty when `model` names one model.
  std::vector<std::string> models;
  /// [MODEL.parameters] of each model that has the table (model_parameters: the run's model's).
  std::map<std::string, std::vector<std::pair<std::string, double>>> parameters_by_model;
  int start_year = 1990, end_year = 2100;
  grids::GridSpec grid;
  // inputs (absolute paths after resolution)
  std::string land_mask, land_use, clay, soc_stock, carbon_input, climate, cost_weight;
  bool land_mask_partial = false;  ///< inputs.land_mask_partial: accept a mask that does not cover the grid
  grids::Resampling resampling_continuous = grids::Resampling::average;
  std::string var_tas = "tas", var_pr = "pr", var_pet = "pet";
  grids::MonthlyForcing::Reading climate_reading = grids::MonthlyForcing::Reading::automatic;  ///< inputs.climate_reading
  // spin-up
  int spinup_years = 10;
  /// spinup.first_year: the first year of the spin-up's mean climate (0: run.start_year)
  int spinup_first_year = 0;
  /// spinup.climate: the monthly file the spin-up's mean climate comes from ("": inputs.climate)
  std::string spinup_climate;
  /// spinup.land_cover_map: the categorical raster of the land cover the spin-up runs under ("": the run's
  /// first-year land cover); the tiles then move to the run's fractions by the land-use-change mixing rule
  std::string spinup_land_cover_map;
  int spinup_start() const { return spinup_first_year ? spinup_first_year : start_year; }
  std::string spinup_method = "equilibrium";  ///< "equilibrium" with the given inputs, "inverse" to the observed stock (inputs scaled), "scaled" (pools scaled), "brute_force"
  /// Parameters of the run's model, from [MODEL.parameters] and parameter files (name as declared by
  /// the model, value in its declared unit; names and bounds checked).
  std::vector<std::pair<std::string, double>> model_parameters;
  double soil_depth_cm = 30.0;  ///< run.soil_depth_cm: depth of the simulated layer (cm), every model
  std::vector<LandUseClass> land_uses;
  /// Land cover as sub-grid fractions (tiles, engine/grid_run/land_cover.hpp): from land_use.*.fraction
  /// rasters, or computed from the finer categorical raster inputs.land_cover_map; neither: each cell is
  /// its class of inputs.land_use (one tile).
  std::string land_cover_map;        ///< inputs.land_cover_map (absolute path; "" when not given)
  double fraction_tolerance = 1e-3;  ///< inputs.fraction_tolerance: |sum of a cell's fractions - 1| allowed
  bool tiles() const {
    if (!land_cover_map.empty()) return true;
    for (const auto& u : land_uses)
      if (!u.fraction.empty()) return true;
    return false;
  }
  bool output_tiles = false;  ///< output.tiles: cSoilTile (time, landcover, y, x) in the output
  /// land_use_change.rates: CSV of annual transitions (zone_kind,zone_code,from,to,rate,first_year,last_year;
  /// engine/grid_run/land_use_change.hpp), "" for none
  std::string luc_rates;
  /// land_use_change.maps: CSV year,file of land-cover class maps (codes of [land_use.*]); the change between two
  /// maps is spread evenly over the years between them (engine/grid_run/land_use_change.hpp), "" for none
  std::string luc_maps;
  bool land_use_changes() const { return !luc_rates.empty() || !luc_maps.empty(); }
  double luc_tolerance = 1e-9;  ///< land_use_change.balance_tolerance: carbon before/after a transition, relative
  // output
  std::string output_name = "carbon_yearly.nc";
  int deflate_level = 1;
  bool double_precision = false;
  int significant_bits = 0;  ///< 0: lossless; N: BitRound to N mantissa bits
  bool low_bytes_by_runs = false;  ///< output.deflate_low_bytes = "runs"
  double balance_tolerance = 1e-9;  ///< relative carbon-balance tolerance per cell and year
  /// decomposition.rebalance: how the land cells follow the measured compute time during a run
  enum class Rebalance { measured, always, fixed };
  /// The configuration's name of a mode ("measured", "always", "static").
  static const char* name(Rebalance mode) {
    return mode == Rebalance::measured ? "measured" : mode == Rebalance::always ? "always" : "static";
  }
  Rebalance rebalance = Rebalance::measured;
  double rebalance_threshold = 0.02;  ///< decomposition.rebalance_threshold (1)
  int rebalance_every_years = 8;      ///< decomposition.rebalance_every_years (yr)
  int checkpoint_every_years = 0;   ///< write a checkpoint every N simulated years (0: only on SIGTERM/SIGUSR1)
  double stall_limit_seconds = 900;  ///< checkpoint.stall_limit_s: no year completed for this long stops the run (0: never)
  // totals and report (engine/totals): zone layers (absolute paths; "" when not given)
  std::string region, departement, pedoclimatic_zone, zone_names;  ///< inputs.region ... inputs.zone_names
  bool totals = true;             ///< totals.enabled: DIR/totals.csv and totals.nc
  bool totals_report = true;      ///< totals.report: DIR/report.html, PNG maps and series, GeoTIFFs
  bool gsocseq_maps = false;      ///< totals.gsocseq_maps: DIR/gsocseq_asr_NAME.tif, gsocseq_rsr_NAME.tif (scenarios)
  std::string zones, zone_field;  ///< totals.zones (raster or vector file), totals.zone_field (its attribute)
  int zone_subcells = 8;          ///< totals.zone_subcells: sub-cells per cell side for area shares
  VegetationConfig vegetation;    ///< [vegetation]
  /// [scenarios] and [scenario.*] (engine/scenario/scenario_config.hpp); empty: a run without scenarios
  scenario::ScenarioSet scenarios;
};

/// Read, validate and resolve a configuration. `overrides` are "key=value"
/// pairs in TOML syntax (from --set). Throws InputError naming the file and key.
RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// Apply a parameter file (TOML with a [parameters] table, as `alamod calibrate` writes) to the
/// configuration's model parameters; the file's `model` must be the run's model. Throws InputError.
void apply_parameter_file(RunConfig& cfg, const std::string& path);

/// Text describing every configuration key (for `alamod run --config-help`).
std::string config_reference();

}  // namespace alamod::engine
