#pragma once
/// Land-use change: annual transitions of area between the land-cover classes of a cell (its tiles,
/// land_cover.hpp), from a table of rates per zone (land_use_change.rates). At the start of each year, in each
/// cell, every rule in force moves `rate` x the donor class's area to the receiver class; the carbon of the
/// moved area leaves the donor at its per-hectare state and mixes into the receiver area-weighted (CTSM's and
/// LPJmL's rule), less the receiver's sealing loss; the cell's carbon is checked before and after.
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

/// Per class: whether some rule converts land to it (such classes have a tile in every cell).
std::vector<char> luc_receivers(const RunConfig& cfg, const std::vector<LucRule>& rules);

/// Per rule, per cell of `cells`: 1 where the rule's zone holds the cell, else 0 (the zone rasters read nearest).
std::vector<std::vector<double>> luc_applies(const RunConfig& cfg, const std::vector<LucRule>& rules,
                                             const std::vector<std::int64_t>& cells);

}  // namespace alamod::engine
