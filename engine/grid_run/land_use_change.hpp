#pragma once
/// Land-use change: annual transitions of area between the land-cover classes of a cell (its tiles,
/// land_cover.hpp), from a table of rates per zone (land_use_change.rates). At the start of each year, in each
/// cell, every rule in force moves `rate` x the donor class's area to the receiver class; the carbon of the
/// moved area leaves the donor at its per-hectare state and mixes into the receiver area-weighted (CTSM's and
/// LPJmL's rule), less the receiver's sealing loss; the cell's carbon is checked before and after. With [vegetation]
/// the stands and living biomass move too (VegetationCoupling::change_land_use; docs/VEGETATION.md "Land-use change").
/// docs/LAND_COVER.md, "Land-use change".
#include <cstdint>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"

namespace alamod::engine {

/// One row of the rates table.
struct LucRule {
  std::string zone_kind;  ///< country, region, departement or pedoclimatic_zone
  long zone_code = 0;     ///< the zone's code in its raster (country: any)
  int from = 0, to = 0;   ///< class indices into cfg.land_uses
  double rate = 0;        ///< share of the donor's area converted per year (yr-1)
  int first_year = 0, last_year = 0;  ///< inclusive
  int line = 0;           ///< in the file
};

/// Reads and checks land_use_change.rates (InputError naming the file, line and column: an unknown class, a
/// zone kind without its raster, a rate outside 0-1, years in the wrong order).
std::vector<LucRule> read_luc_rules(const RunConfig& cfg);

/// Per class: whether some rule converts land to it, or any class with land_use_change.maps (such classes
/// have a tile in every cell).
std::vector<char> luc_receivers(const RunConfig& cfg, const std::vector<LucRule>& rules);

/// Per rule, per cell of `cells`: 1 where the rule's zone holds the cell, else 0 (the zone rasters read nearest).
std::vector<std::vector<double>> luc_applies(const RunConfig& cfg, const std::vector<LucRule>& rules,
                                             const std::vector<std::int64_t>& cells);

/// One map of land_use_change.maps.
struct LucMap {
  int year = 0;       ///< the land cover of this year
  std::string path;   ///< absolute or relative to the working directory (resolved from the CSV's folder)
  int line = 0;       ///< in the CSV
};

/// Reads and checks land_use_change.maps (InputError naming the file, line and column: a header other than
/// year,file, a year not after the previous one or outside the run's start_year to end_year, a missing
/// file, fewer than two maps).
std::vector<LucMap> read_luc_maps(const RunConfig& cfg);

/// The change between consecutive maps, per cell: in period p (maps p and p + 1) the fraction of the cell
/// moved from class a to class b at the start of each year first_year[p] .. last_year[p] (the years after
/// map p up to map p + 1's): moved[p][a * nk + b][cell].
struct LucMapMoves {
  std::vector<int> first_year, last_year;
  std::vector<std::vector<std::vector<double>>> moved;
  bool empty() const { return first_year.empty(); }
  bool in_force(int year) const {
    for (size_t p = 0; p < first_year.size(); ++p)
      if (year >= first_year[p] && year <= last_year[p]) return true;
    return false;
  }
};

/// Reads every map's class shares on `cells` (as inputs.land_cover_map: each cell's area share of each class
/// among its pixels) and makes the moves: per cell, class a loses L_a = max(0, f_a(p) - f_a(p+1)), class b gains
/// G_b = max(0, f_b(p+1) - f_b(p)); a -> b moves L_a G_b / sum G over the period, evenly per year. The first map
/// must agree with `start` (the run's fractions) within inputs.fraction_tolerance on every cell, else an
/// InputError naming the map, the cell and the class. Collective-free.
LucMapMoves luc_map_moves(const RunConfig& cfg, const std::vector<LucMap>& maps, const std::vector<std::int64_t>& cells,
                          const std::vector<int>& dominant, const std::vector<std::vector<double>>& start);

}  // namespace alamod::engine
