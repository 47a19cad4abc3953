#pragma once
/// Land cover as sub-grid fractions: each land cell of a grid run is split into tiles, one per configured
/// class ([land_use.*]) with a non-zero area fraction; the tile is the unit the model simulates (its own
/// pools, inputs and spin-up), and the cell's output values are the tiles' values weighted by their
/// fractions. Cells stay whole on one rank, so every per-cell sum is formed in the same order on any rank
/// count. docs/LAND_COVER.md describes the inputs and the rules.
///
/// The fractions come from one raster per class (land_use.*.fraction), or from a finer categorical raster
/// (inputs.land_cover_map: each cell's area share of each class among its pixels, through GDAL); without
/// either, each cell is one tile of its class in inputs.land_use (fraction 1), as a run without tiles.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/model_bindings/grid_model.hpp"

namespace alamod::engine {

/// The fractions and tiles of a rank's land cells (cells in the run's order; classes in cfg.land_uses order).
struct LandTiles {
  /// Per class, per cell: the class's share of the cell's land (1; over the classes they sum to 1, exactly
  /// divided by their sum).
  std::vector<std::vector<double>> fraction;
  /// Per class, per cell: the class's observed stock (t ha-1), land_use.*.soc_stock or inputs.soc_stock.
  std::vector<std::vector<double>> soc;
  /// Per class, per cell: the class's plant input (t ha-1 yr-1) from land_use.*.carbon_input; empty for a
  /// class without its own raster (its tiles take inputs.carbon_input).
  std::vector<std::vector<double>> input;
  /// Per class: a tile in every cell, even where its fraction is 0 (the receivers of land-use change).
  std::vector<char> always;
  // ---- derived by index()
  std::vector<std::int32_t> first;  ///< per cell, the first of its tiles (cells + 1 entries)
  std::vector<std::int32_t> cls;    ///< per tile, its class
  std::vector<std::int32_t> cell;   ///< per tile, its cell
  std::vector<double> weight;       ///< per tile, its fraction of the cell

  std::size_t classes() const { return fraction.size(); }
  std::size_t cells() const { return first.empty() ? 0 : first.size() - 1; }
  std::size_t tiles() const { return cls.size(); }
  /// The tiles from the fractions: one per class with a fraction above 0 (or `always`), by cell then class.
  void index();
  /// The tiles' weights from the fractions again (after the fractions changed without re-indexing).
  void reweight();
  /// Per-tile values -> per cell, weighted by the tiles' fractions (summed by cell, tiles in class order).
  void to_cells(const std::vector<double>& tile, std::vector<double>& out) const;
  /// Per-tile values -> the largest per cell.
  void max_to_cells(const std::vector<double>& tile, std::vector<double>& out) const;
  /// Per-tile values -> one column per class of per-cell values (0 where the class has no tile), and back.
  void to_slots(const std::vector<double>& tile, std::vector<std::vector<double>>& slots) const;
  void from_slots(const std::vector<std::vector<double>>& slots, std::vector<double>& tile) const;
};

/// Collective-free: per class, per cell of `cells` (grid linear indices, ascending), the class's fraction,
/// from land_use.*.fraction or inputs.land_cover_map (cfg.tiles()) or one-hot from `dominant` (each cell's
/// class index from inputs.land_use). Checks every land cell: values finite and in [0, 1], their sum within
/// inputs.fraction_tolerance of 1 (InputError naming the file, the class and the cell); then divides them
/// by their sum. A cell without any classified pixel of inputs.land_cover_map takes its class of `dominant`
/// (counted in `fallbacks`).
std::vector<std::vector<double>> read_fractions(const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                                                const std::vector<int>& dominant, long* fallbacks = nullptr);

/// Per class, per cell: the observed stock of the class (land_use.*.soc_stock, checked where the class has
/// a tile), or `cell_soc` for a class without its own raster.
std::vector<std::vector<double>> read_class_stocks(const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                                                   const std::vector<std::vector<double>>& fraction,
                                                   const std::vector<double>& cell_soc, const std::vector<char>& always);

/// Per class, per cell: the class's plant input from land_use.*.carbon_input (checked where the class has a
/// tile: finite, 0 to 100 t ha-1 yr-1, InputError naming the file, the class and the cell); an empty vector for a
/// class without its own raster.
std::vector<std::vector<double>> read_class_inputs(const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                                                   const std::vector<std::vector<double>>& fraction,
                                                   const std::vector<char>& always);

}  // namespace alamod::engine
