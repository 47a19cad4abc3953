#pragma once
/// A scenario's interventions resolved on a rank's tiles: which tiles each may touch (class, région,
/// département, pedo-climatic zone, mask), the share of each tile adopted (adoption, adoption raster, or an area
/// target spread over the eligible area, or one per région), and per year the InputChange handed to the model
/// (engine/model_bindings/grid_model.hpp). Adoption a of a tile blends a practice's effect per hectare:
/// plant_factor -> 1 + a (f - 1), added -> a x added, decomposition_factor -> 1 + a (d - 1); several
/// interventions in force on a tile: factors multiply, additions add (docs/SCENARIOS.md).
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/model_bindings/grid_model.hpp"

namespace alamod::engine::scenario {

/// The tiles of a set of cells, as the plan needs them (engine/grid_run/land_cover.hpp holds the same).
struct TileView {
  const std::vector<std::int64_t>* cells = nullptr;           ///< grid linear index per cell
  const std::vector<std::int32_t>* tile_class = nullptr;      ///< per tile, index into cfg.land_uses
  const std::vector<std::int32_t>* tile_cell = nullptr;       ///< per tile, its cell
  const std::vector<std::vector<double>>* fraction = nullptr; ///< per class, per cell (1)
};

/// The eligible area of one intervention in one zone of inputs.region (or the whole grid) and class.
struct EligibleArea {
  double region = 0;        ///< code (NaN: inputs.region not given)
  std::string land_cover;   ///< class name
  double area_ha = 0;       ///< eligible area (ha)
  double adopted_ha = 0;    ///< at full adoption (ha)
};

/// An intervention's area target in one région (area_target_ha per région): the exact eligible area of the
/// région over every rank, and the adoption share that reaches the target there.
struct RegionAdoption {
  double region = 0;       ///< code of inputs.region
  double target_ha = 0;    ///< ha
  double eligible_ha = 0;  ///< ha (exact sum over every rank)
  double adoption = 0;     ///< target / eligible (1); 0 where nothing is eligible
};

class InterventionPlan {
 public:
  /// Collective over `comm`: reads the selection rasters of the cells, finds each intervention's tiles and its
  /// adoption; an area target larger than the eligible area throws InputError (same on every rank).
  InterventionPlan(MPI_Comm comm, const RunConfig& cfg, const Scenario& s, const TileView& tiles);
  /// The change of `year` per tile; empty when no intervention is in force.
  void change_for(int year, InputChange& out) const;
  /// Per intervention: its eligible and adopted area per région and class (over every rank, exact sums).
  const std::vector<std::vector<EligibleArea>>& areas() const { return areas_; }
  /// Per intervention: the adoption share of its eligible area (area targets resolved).
  const std::vector<double>& adoption() const { return adoption_; }
  /// Per intervention: its targets per région (empty unless area_target_ha is given per région).
  const std::vector<std::vector<RegionAdoption>>& region_adoption() const { return region_adoption_; }
  /// Per intervention, per tile: the adopted share; cells moving between ranks carry it (GridRun::move_cells).
  std::vector<std::vector<double>>& tile_shares() { return share_; }

 private:
  const Scenario& s_;
  std::vector<std::vector<double>> share_;  ///< per intervention, per tile: adopted share (1)
  std::vector<std::vector<EligibleArea>> areas_;
  std::vector<double> adoption_;
  std::vector<std::vector<RegionAdoption>> region_adoption_;
};

}  // namespace alamod::engine::scenario
