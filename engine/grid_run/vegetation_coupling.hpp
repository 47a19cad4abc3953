#pragma once
/// Vegetation on the grid's tiles ([vegetation] of the configuration; docs/VEGETATION.md, "Grid runs"): every
/// year, before the soil, 3-PG steps the forest tiles month by month (a broadleaf and a conifer stand per tile,
/// single-species 3-PGpjs each, initialised from the IGN inventory of the tile's region, with the inventory's
/// removal and mortality rates), and the light-use-efficiency model (MOD17 with a soil-water bucket) the
/// grassland and cropland tiles from a satellite greenness layer. Their litter, by the litter record's fluxes
/// (models/common/litter_record.hpp), becomes the soil's input: one InputChange per year
/// (vegetation_input_change), plant_factor 0 on the vegetated tiles (the static input raster replaced) and the
/// litter added by kind (plant: foliage and fine roots; woody: branches, stems, coarse roots; grass).
///
/// Every tile's vegetation carbon balances each year (change = NPP - litter - harvest) and the soil must
/// report as its input exactly the litter it was given plus its class's manure (check_year). The state lives
/// per tile and travels as the soil model's does (checkpoints, cells moving between ranks).
///
/// Pieces of the climate the forcing does not hold yet are SYNTHETIC and labelled so: Tmin and Tmax from tas
/// and a diurnal range, global radiation from latitude by Angstrom's formula, VPD and frost days from Tmin and
/// Tmax (docs/VEGETATION.md names the real products to use instead).
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/grid_run/land_cover.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "grids/cf_writer.hpp"
#include "models/common/litter_record.hpp"
#include "engine/model_bindings/vegetation_grid.hpp"

namespace alamod::decomposition {
class LandMigration;
}

namespace alamod::engine {

/// The soil's change of inputs in a scenario's forward period of a vegetation-coupled run (docs/SCENARIOS.md
/// "With vegetation", docs/VEGETATION.md "Scenarios"): `vegetation` (vegetation_input_change: plant_factor 0 and
/// the litter added by kind on the vegetated tiles, plant_factor 1 elsewhere) with `scenario`'s interventions
/// (InterventionPlan::change_for) on top, both per tile. On a vegetated tile the litter is the tile's plant input,
/// so the scenario's plant factor multiplies every kind of litter (plant, grass, woody) and the static input stays
/// replaced; elsewhere it multiplies the static plant input as without vegetation. The carbon the scenario adds
/// (cover crops, manure, woody, ...) is added to the litter of the same kind; its decomposition factor is kept.
/// An empty vector of either stands for its default (factor 1, nothing added).
InputChange vegetation_with_scenario(const InputChange& vegetation, const InputChange& scenario);

class VegetationCoupling {
 public:
  /// Resolves the species sets and reads vegetation.forest_table; InputError naming the key or the file.
  VegetationCoupling(const RunConfig& cfg);

  /// Per-cell inputs of the rank's cells (grid linear indices, ascending): region codes, greenness, latitude.
  /// Reads rasters: call on every rank (inside the caller's collective error handling).
  void read_cells(const std::vector<std::int64_t>& cells);
  /// The per-cell inputs follow the cells moving between ranks.
  void move_cells(const decomposition::LandMigration& move);
  /// Per-tile constants and each tile's initial state (a restart or a move then overwrites the state through
  /// state()); InputError naming the tile by `describe` (greenness missing or out of range, a region without
  /// forest_table rows).
  void set_tiles(const LandTiles& tiles, const std::function<std::string(std::size_t)>& describe);

  /// The per-tile state a restart needs, by name (veg_*; 0 on tiles without vegetation).
  std::vector<std::pair<std::string, std::vector<double>*>> state();

  /// Steps the vegetation of every tile through the calendar year `year` with the tiles' monthly climate
  /// ([0] tas degC, [1] pr, [2] pet mm month-1; month m of tile t at m * tiles + t) and returns the soil's change
  /// of inputs for that year. Throws InputError naming the tile when a stand's balance fails.
  /// `soil_scale`: the soil model's input scale per tile (its inverse spin-up's factor); with
  /// vegetation.soil_spinup = "litter" the litter the soil receives is multiplied by it (1 after an "equilibrium"
  /// spin-up), with "static" it is not (the factor then belongs to the static raster).
  InputChange vegetation_input_change(int year, const CellClimate& tile_climate,
                                      const std::vector<double>& soil_scale = {});
  /// The soil's inputs for its spin-up (vegetation.soil_spinup = "litter", docs/VEGETATION.md "The soil's
  /// spin-up"): the initial vegetation's litter under each spin-up year's climate, averaged over the years, per
  /// tile and kind as vegetation_input_change gives it. add_spinup_year steps the initial state through one year
  /// (its climate per tile, as vegetation_input_change takes it) and puts the state back; spinup_input_change
  /// returns the mean of the years added (InputError without any).
  void add_spinup_year(int year, const CellClimate& tile_climate);
  InputChange spinup_input_change();
  /// The mean litter per tile of the spin-up (t C ha-1 yr-1; empty before add_spinup_year), for the log.
  const std::vector<double>& spinup_litter() const { return spinup_litter_; }

  /// Land-use change (docs/VEGETATION.md, "Land-use change"). start_land_use_year before a year's transitions
  /// (every year a run has land-use change, also when no rule is in force): the year's fluxes of the rank's `cells`
  /// set to 0. change_land_use: the transitions of one cell `i`, called before the tiles' weights change:
  /// `tile_of[k]` its tile of class k (-1: none), `fraction[k]` the fractions before, `moved[a * nk + b]` the share
  /// of the cell moved from class a to b, `remain[k]` the share class k keeps. The moved area leaves its donor at
  /// the donor's per-hectare state: its living biomass is cleared (forest: vegetation.clearing_export of the stem
  /// pool exported as wood, the rest of the stems, the foliage and the roots to the receiving tile's soil as litter;
  /// grass and crops: all of it to the receiver's soil as litter); the receiver's stands mix with the arriving area
  /// by area (forest: the arriving area planted, a stand of age 0 with vegetation.planting_stems trees ha-1 and
  /// vegetation.planting_biomass; grassland, cropland: bare). Returns the cell's accounts (t C per ha of cell);
  /// before + planted = after + exported + residue (checked by the caller with the soil's carbon).
  struct LandUseMove {
    double before = 0, after = 0, exported = 0, residue = 0, planted = 0;
  };
  void start_land_use_year(int year, std::size_t cells);
  LandUseMove change_land_use(std::size_t i, const std::vector<std::int32_t>& tile_of, const std::vector<double>& fraction,
                              const std::vector<double>& moved, const std::vector<double>& remain);
  /// `change` (the soil's change of inputs in `year`, per tile) with that year's land-use litter added by kind
  /// (after any scenario's factors: the cleared biomass reaches the soil whole); `change` unchanged without it.
  InputChange with_land_use_litter(int year, InputChange change) const;

  /// After the soil's year: every vegetated tile's soil input (t ha-1 yr-1, per tile) must be its litter plus
  /// its class's manure times the model's input scale (nothing created or lost between vegetation and soil);
  /// in a scenario's forward period (`scenario`: its change this year, per tile) the litter times the scenario's
  /// plant factor plus the carbon it adds (vegetation_with_scenario). InputError naming the tile.
  void check_soil_input(int year, const std::vector<double>& tile_input, const std::vector<double>& input_scale,
                        const InputChange* scenario = nullptr) const;

  /// The output's vegetation variables (CMIP names: cVeg, cLeaf, cWood, cRoot, cLitter, gpp, npp, fVegLitter,
  /// fHarvest; alamod's: fWoodProduction, fVegRemovals, fVegMortality; with land-use change: fDeforestToProduct,
  /// fLulccResidue, fVegPlanting).
  std::vector<grids::OutputVariable> output_variables(const std::vector<std::string>& soil_pools) const;
  /// Their values per cell this year (area-weighted means of the tiles, kg m-2 or kg m-2 s-1), in the order of
  /// output_variables; `tile_pools` the soil's pools per tile (cLitter: the soil model's litter pools).
  void cell_values(int year, const LandTiles& tiles, const std::vector<std::string>& soil_pools,
                   const std::vector<std::vector<double>>& tile_pools,
                   std::vector<std::pair<std::string, std::vector<double>>>& out) const;
  /// Per tile: live vegetation carbon now (t C ha-1), for the totals; carbon_of: one tile's.
  std::vector<double> tile_carbon() const;
  double carbon_of(std::size_t tile) const;
  /// Per cell: the live carbon of class k's tiles over the cell's area (kg m-2; the classes add up to cVeg).
  std::vector<double> class_carbon(const LandTiles& tiles, std::size_t k) const;
  /// By class index: the class's name where it carries vegetation, "" elsewhere.
  std::vector<std::string> vegetated_classes() const;
  /// One line for the run log and the output's provenance: species, data, calibration, synthetic parts.
  std::string describe() const;
  /// The input files of the vegetation (for the run's checksums).
  std::vector<std::string> input_files() const;

  enum Kind : int { none = 0, forest = 1, grassland = 2, cropland = 3 };

 private:
  struct Rates {  // one composition of one region (IGN)
    double area = 0, carbon = 0, production = 0, removals = 0, mortality = 0;
  };
  struct RegionForest {
    std::array<Rates, 3> by_composition{};  // broadleaf, conifer, mixed
  };
  const RegionForest& region_forest(double code, std::size_t tile,
                                    const std::function<std::string(std::size_t)>& describe) const;
  void step_stand(int year, std::size_t tile, int stand, const CellClimate& climate);
  void step_lue(int year, std::size_t tile, const CellClimate& climate);

  VegetationConfig v_;
  std::function<std::string(std::size_t)> describe_;  // names tile t in messages
  std::vector<std::string> class_names_;  // by class index
  std::vector<double> class_fym_;
  std::vector<int> kind_of_class_;
  grids::GridSpec grid_;
  std::array<vegetation_grid::ForestSpecies, 2> species_{};  // broadleaf, conifer (alphaCx calibrated)
  std::array<std::string, 2> species_name_;
  std::vector<std::pair<int, RegionForest>> regions_;  // by INSEE code
  struct CropYield {  // one row of vegetation.crop_yield_table
    std::string crop;
    double yield = 0, moisture = 0, harvest_index = 0, shoot_root = 0, beta = 0, returned = 0;
  };
  std::vector<std::pair<int, CropYield>> crop_yields_;  // by region code (0: every region)
  std::vector<double> crop_residue_above_, crop_residue_below_, crop_grain_;  // per tile, t C ha-1 yr-1 (yield mode)

  // per cell (moved with the cells)
  std::vector<double> cell_region_, cell_greenness_, cell_latitude_;
  // per tile constants
  std::vector<int> kind_;
  std::vector<double> latitude_, greenness_, fym_;
  std::array<std::vector<double>, 2> share_, removal_rate_, mortality_rate_;  // per stand
  // per tile state: per stand (0 broadleaf, 1 conifer) the 3-PG pools (t DM ha-1), stems (ha-1), soil water (mm)
  std::array<std::vector<double>, 2> ws_, wr_, wf_, debt_, stems_, asw_;
  std::array<std::vector<double>, 2> age_;  // per stand the mean age (yr): forest_age, less where planted
  std::vector<double> bucket_;  // LUE tiles' soil water (mm)
  std::vector<double> lue_leaf_, lue_root_;  // LUE tiles' living above-ground and root carbon (t C ha-1)
  // per tile, this year's fluxes (t C ha-1 yr-1) and stocks (t C ha-1)
  std::vector<double> gpp_, npp_, litter_, harvest_, production_, removals_, mortality_;
  std::vector<double> c_leaf_, c_wood_, c_root_, c_start_;
  std::array<std::vector<double>, models::litter::kFluxes> litter_by_flux_{};
  InputChange spinup_sum_;            // the sum of the spin-up years' changes
  std::vector<double> spinup_litter_;  // and of their litter per tile, then the means
  int spinup_years_ = 0;
  std::vector<std::vector<double>> spinup_initial_;  // the state before the spin-up's years
  std::vector<double> soil_scale_;  // per tile, what the soil's litter was multiplied by this year (1)
  // land-use change (with_luc_: the run or one of its scenarios has some): this year's (luc_year_) litter per
  // receiving tile (t C ha-1 of the tile, by AddedInput kind) and the fluxes per cell (t C ha-1 of the cell)
  bool with_luc_ = false;
  int luc_year_ = -1;
  std::array<std::vector<double>, kAddedInputKinds> luc_litter_{};
  std::vector<double> luc_export_, luc_residue_, luc_planted_;
};

}  // namespace alamod::engine
