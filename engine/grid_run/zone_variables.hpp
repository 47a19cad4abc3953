#pragma once
/// The région and département of every cell as variables of the run output (docs/OUTPUTS.md, "Zones in the
/// output"): integer codes from the inputs.region and inputs.departement rasters (nearest, as the totals read
/// them), with CF flag_values and flag_meanings from inputs.zone_names (INSEE names as words) and the names
/// exactly as written in the attribute alamod_zone_names, so that a GIS user can select a région by name.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "grids/cf_writer.hpp"

namespace alamod::engine {

/// One zone raster of the configuration written into the output.
struct ZoneCodeLayer {
  grids::OutputVariable variable;  ///< "region" or "departement", static, integer, with flags
  std::string raster;              ///< the configuration's raster
};

/// The layers the configuration has (none without inputs.region / inputs.departement); throws InputError
/// naming the names file on a bad row.
std::vector<ZoneCodeLayer> zone_code_layers(const RunConfig& cfg);

/// The code of each of `cells` (grid indices, ascending) in `raster`, nearest; NaN outside every zone.
std::vector<double> zone_codes_of_cells(const RunConfig& cfg, const std::string& raster,
                                        const std::vector<std::int64_t>& cells);

/// A name as one CF flag_meanings word: accents dropped (UTF-8 Latin-1 letters), every other character
/// than letters, digits, '-' and '.' made '_', repeated '_' collapsed ("Provence-Alpes-Côte d'Azur" ->
/// "Provence-Alpes-Cote_d_Azur").
std::string cf_flag_word(const std::string& name);

}  // namespace alamod::engine
