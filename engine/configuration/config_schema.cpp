#include "engine/configuration/config_schema.hpp"

#include <limits>
#include <map>
#include <sstream>

#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "engine/configuration/config.hpp"
#include "engine/model_bindings/model_binding.hpp"

namespace alamod::engine {

namespace {

/// A string key: its default written in quotes, as in TOML; no unit.
ConfigKey text_key(std::string key, const std::string& fallback, std::string help) {
  return {std::move(key), "string", "\"" + fallback + "\"", "-", std::move(help)};
}

constexpr double kInf = std::numeric_limits<double>::infinity();

/// [lower, upper]
ValueRange within(double lower, double upper) { return {lower, upper, false, false}; }
/// (lower, upper]
ValueRange above(double lower, double upper = kInf) { return {lower, upper, true, false}; }
/// [lower, inf)
ValueRange at_least(double lower) { return {lower, kInf, false, false}; }

/// A key the configuration must give.
ConfigKey required_key(std::string key, std::string type, std::string unit, std::string help,
                       ValueRange range = {}) {
  return {std::move(key), std::move(type), "required", std::move(unit), std::move(help), range};
}

}  // namespace

// The one list of configuration keys.
const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      text_key("model", "rothc", "model to run (see `alamod models`), or a list of models to compare, each run into DIR/MODEL/ with one comparison report (e.g. [\"rothc\", \"icbm\"])"),
      {"run.start_year", "integer", "1990", "yr", "first simulated calendar year", within(1, 9999)},
      {"run.end_year", "integer", "2100", "yr", "last simulated calendar year (inclusive)", within(1, 9999)},
      {"run.soil_depth_cm", "number", "30", "cm",
       "depth of the simulated topsoil layer, for every model (the output's depth_bnds)", above(0, 300)},
      text_key("grid.crs", "EPSG:2154", "projected CRS of the run grid (anything GDAL/PROJ accepts)"),
      required_key("grid.resolution", "number", "m", "cell size", above(0)),
      required_key("grid.xmin", "number", "m", "west edge of the grid"),
      required_key("grid.ymin", "number", "m", "south edge of the grid"),
      required_key("grid.xmax", "number", "m", "east edge of the grid"),
      required_key("grid.ymax", "number", "m", "north edge of the grid"),
      required_key("inputs.land_mask", "path", "1", "raster, 1 on land cells (any GDAL format/CRS; nearest)"),
      required_key("inputs.land_use", "path", "1", "raster of land-use codes matching [land_use.*] code (nearest)"),
      required_key("inputs.clay", "path", "percent", "raster of topsoil clay content, 0-100"),
      required_key("inputs.soc_stock", "path", "t ha-1", "raster of observed SOC stock (sets IOM by Falloon 1998)"),
      required_key("inputs.carbon_input", "path", "t ha-1 yr-1", "raster of annual plant carbon input to soil"),
      required_key("inputs.climate", "path", "-",
                   "CF NetCDF monthly climate (tas degC|K, pr and pet mm month-1|mm d-1|kg m-2 s-1)"),
      {"inputs.cost_weight", "path", "\"\"", "1", "optional raster of per-cell cost weights for load balancing"},
      {"inputs.land_mask_partial", "boolean", "false", "-",
       "false: refuse a land mask whose extent does not cover the whole run grid (the cells outside it would "
       "silently be sea); true: accept it, the cells outside the mask are sea and the run log says how many"},
      text_key("inputs.resampling", "average", "resampling of continuous rasters: nearest|bilinear|average|mode"),
      text_key("inputs.tas_variable", "tas", "air temperature variable in the climate file"),
      text_key("inputs.pr_variable", "pr", "precipitation variable in the climate file"),
      text_key("inputs.pet_variable", "pet", "potential evapotranspiration variable in the climate file"),
      text_key("inputs.climate_reading", "auto",
               "how the ranks read the climate file: per_rank (each rank decompresses the chunks over its own cells), "
               "shared (each monthly field is decompressed by one rank and broadcast), auto (shared when the file's "
               "chunks span several ranks' cells, so that per-rank reading would decompress them repeatedly)"),
      {"inputs.region", "path", "\"\"", "1", "raster of région codes (INSEE, 2016 régions; nearest): totals per région"},
      {"inputs.departement", "path", "\"\"", "1", "raster of département codes (INSEE; nearest): totals per département"},
      {"inputs.pedoclimatic_zone", "path", "\"\"", "1", "raster of pedo-climatic zone codes (nearest): totals per zone"},
      {"inputs.zone_names", "path", "\"\"", "-",
       "CSV kind,code,name naming the zones of the totals (kinds country, region, departement, pedoclimatic_zone, "
       "user; codes matched as text or as integers)"},
      {"inputs.land_cover_map", "path", "\"\"", "1",
       "categorical raster finer than the run grid, of [land_use.*] codes (nodata: not land cover): each run cell "
       "takes the area share of each class among the pixels it contains (GDAL average of each class's indicator); "
       "the cells sub-divide into tiles, one per class present (docs/LAND_COVER.md)"},
      {"inputs.fraction_tolerance", "number", "0.001", "1",
       "largest |sum of a land cell's class fractions - 1| accepted (land_use.*.fraction rasters); the fractions "
       "are then divided by their sum", within(0, 0.5)},
      {"spinup.years", "integer", "10", "yr",
       "the mean monthly climate of this many first forcing years drives the equilibrium", at_least(1)},
      {"spinup.first_year", "integer", "run.start_year", "yr",
       "first year of the spin-up's mean climate (e.g. 1961 for a 1961-1990 reference climate before a run that "
       "starts in 1990); its file (spinup.climate or inputs.climate) must hold spinup.years years from it"},
      {"spinup.climate", "path", "inputs.climate", "-",
       "a monthly climate file of its own for the spin-up (a reference period, e.g. a SAFRAN or CAMELS-FR "
       "climatology made by alamod climate prepare), read with the same variable names and remapped to the grid "
       "as inputs.climate"},
      {"spinup.land_cover_map", "path", "\"\" (the run's first-year land cover)", "1",
       "a categorical raster of [land_use.*] codes, as inputs.land_cover_map, giving the land cover the spin-up runs "
       "under (e.g. a 1990 CORINE map before a 2018 start): each tile spins up as usual, then each cell moves to the "
       "run's first-year fractions by the land-use-change mixing rule (the carbon of the area a class loses mixes "
       "area-weighted into the classes that gain, less a receiver's land_use.*.sealing_loss; carbon checked per "
       "cell), before the first year; the output's area_fraction_spinup holds the spin-up's fractions. Needs land "
       "cover as fractions (docs/SCENARIOS.md, \"The spin-up's land cover\")"},
      text_key("spinup.method", "equilibrium",
               "equilibrium: pools at equilibrium with inputs.carbon_input; inverse: the carbon input (and manure) "
               "is scaled per cell so that the equilibrium SOC equals inputs.soc_stock (GSOCseq protocol), and the "
               "run keeps that input; scaled: the equilibrium with inputs.carbon_input, then each tile's pools multiplied "
               "by one factor so that its stock equals inputs.soc_stock (or its class's land_use.*.soc_stock), the "
               "constant pools (RothC's IOM) kept and the inputs unchanged (linear models); brute_force: cycle the mean year until no pool changes by more than 1e-9 "
               "(relative) over a cycle (for comparisons: slow)"),
      {"MODEL.parameters.*", "number", "see `alamod models show MODEL`", "-",
       "override a parameter of the run's model, e.g. [rothc.parameters] k_hum = 0.02 (MODEL: a registered model, "
       "the one `model` names; its unit as `alamod models show MODEL` gives)"},
      required_key("land_use.*.code", "integer", "1", "value of this class in the land-use raster"),
      {"land_use.*.dpm_rpm_ratio", "number", "1.44", "1",
       "DPM/RPM ratio of plant inputs (1.44 crops, 0.67 grassland, 0.25 woodland; 100: 99 % decomposable)",
       above(0, 100)},
      {"land_use.*.input_share", "array of 12 numbers", "1/12 each", "1",
       "share of annual input per month, each 0-1, sums to 1", within(0, 1)},
      {"land_use.*.covered", "array of 12 0/1", "all 1", "1", "months with plant cover (1) or bare soil (0)",
       within(0, 1)},
      {"land_use.*.fym", "number", "0", "t ha-1 yr-1",
       "farmyard manure carbon, spread like plant inputs (Broadbalk's 35 t ha-1 yr-1 of fresh manure bring "
       "about 3 t ha-1 yr-1 of carbon; the bound is the one of inputs.carbon_input)",
       within(0, 100)},
      {"land_use.*.lignin_fraction", "number", "0.15", "1",
       "lignin share of the plant inputs (CENTURY lignin:N, MIMICS litter quality; plant litters hold 2-45 %)",
       above(0, 0.5)},
      {"land_use.*.n_fraction", "number", "0.01", "1",
       "nitrogen share of the plant inputs (CENTURY lignin:N, MIMICS litter quality; plant litters hold 0.2-6 %)",
       above(0, 0.1)},
      {"land_use.*.awen", "array of 4 numbers", "[0.52, 0.18, 0.08, 0.22]", "1",
       "Yasso shares of the inputs: acid-, water-, ethanol-soluble, non-soluble (each 0-1, sum 1; default "
       "non-woody litter)",
       within(0, 1)},
      {"land_use.*.fraction", "path", "\"\"", "1",
       "raster of this class's area fraction of each cell (0-1; average): with one per class, each land cell is "
       "split into tiles, one per class with a fraction above 0, each with its own pools, inputs and spin-up "
       "(docs/LAND_COVER.md)"},
      {"land_use.*.soc_stock", "path", "\"\"", "t ha-1",
       "raster of this class's observed SOC stock (e.g. its pedo-climatic zone's RMQS stock): the target of its "
       "tiles' inverse spin-up and their IOM; default inputs.soc_stock"},
      {"land_use.*.carbon_input", "path", "\"\"", "t ha-1 yr-1",
       "raster of this class's plant carbon input per hectare of the class (e.g. a forest litterfall map beside a "
       "cropland residue map): its tiles' input instead of inputs.carbon_input, times land_use.*.input_factor; "
       "default inputs.carbon_input"},
      {"land_use.*.sealing_loss", "number", "0", "1",
       "share of the soil carbon of the area converted to this class that is lost at conversion (sealing: the "
       "carbon of the moved area times this share leaves the soil; ALDO takes the stock differences of "
       "artificialisation in the year of change)", within(0, 1)},
      {"land_use.*.input_factor", "number", "1", "1",
       "the plant carbon input of this class's tiles is inputs.carbon_input of the cell times this factor (0: none, "
       "e.g. sealed soils)", within(0, 10)},
      {"land_use_change.rates", "path", "\"\"", "-",
       "CSV of annual land-use transitions: zone_kind,zone_code,from,to,rate,first_year,last_year (zone_kind country, "
       "region, departement or pedoclimatic_zone, matched with inputs.region ...; rate: share of the donor class's "
       "area converted per year, yr-1; years inclusive). Applied at the start of each year; the carbon of the moved "
       "area leaves the donor at its per-hectare pools and mixes into the receiver area-weighted "
       "(docs/LAND_COVER.md, \"Land-use change\")"},
      {"land_use_change.maps", "path", "\"\"", "-",
       "CSV year,file of land-cover class maps (any GDAL raster of the [land_use.*] codes, e.g. CORINE years made "
       "into alamod's classes; files relative to the CSV). The first map is the land cover of its year and must "
       "agree with the run's fractions; each cell's change between two maps (its classes' area shares) is spread "
       "evenly over the years between them, losses shared among gains in proportion (docs/LAND_COVER.md, "
       "\"Land-use change from maps\")"},
      {"land_use_change.balance_tolerance", "number", "1e-9", "1",
       "largest relative difference of a cell's carbon before and after a transition (plus the sealing loss)",
       within(0, 1e-3)},
      text_key("output.file", "carbon_yearly.nc", "name of the yearly output file in --out DIR"),
      {"output.deflate_level", "integer", "1", "-",
       "NetCDF deflate level 0-9 (1: most of the size gain for a fraction of the time)", within(0, 9)},
      text_key("output.precision", "float", "float or double data variables"),
      {"output.significant_bits", "integer", "0", "-",
       "0: lossless. N > 0: keep N significant bits of the carbon variables' mantissas (netCDF BitRound, "
       "lossy: relative error <= 2^-(N+1); 1-23 for float, 1-52 for double). Smaller files, faster output",
       within(0, 52)},
      {"output.tiles", "boolean", "false", "-",
       "true: the output also holds cSoilTile (time, landcover, y, x), the stock of each tile (t ha-1 of the "
       "tile's own area; fill where the class is absent)"},
      text_key("output.deflate_low_bytes", "deflate",
               "how the low-order half of each value's bytes (the mantissa's noisy end) is compressed: deflate "
               "(smallest files), or runs (runs of equal bytes, e.g. the sea's fill values, coded as deflate matches, "
               "the other bytes stored: compression ~1.6x faster, files ~10-15 % larger; still standard zlib "
               "streams that every reader decodes)"),
      {"totals.enabled", "boolean", "true", "-",
       "write DIR/totals.csv and DIR/totals.nc: stock, density, change and rates of the whole grid, each région, "
       "département, pedo-climatic zone, land-use class and user zone, every year (exact sums: the same on any rank "
       "count)"},
      {"totals.report", "boolean", "true", "-",
       "also write DIR/report.html (maps, national series, tables), the maps and series as PNG and the maps as "
       "cloud-optimised GeoTIFFs"},
      {"totals.gsocseq_maps", "boolean", "false", "-",
       "with [scenarios] and totals.report (an error without them): also write the GSOCseq sequestration rates "
       "per pixel (t C ha-1 yr-1, from "
       "1 January of the branch year to the end of the run) as cloud-optimised GeoTIFFs: DIR/gsocseq_asr_NAME.tif "
       "(absolute rate, the stock's change / years) for every scenario, the baseline (BAU) included, and "
       "DIR/gsocseq_rsr_NAME.tif (relative rate, the stock minus the baseline's / years) for every other scenario; "
       "their mean over the land cells is totals.csv's national gsocseq_asr/rsr"},
      {"totals.zones", "path", "\"\"", "-",
       "your own zones: a raster of integer codes (cell centre), or a vector file GDAL/OGR reads (with "
       "totals.zone_field), rasterised by area share"},
      text_key("totals.zone_field", "", "the attribute of a vector totals.zones file that names each zone"),
      {"totals.zone_subcells", "integer", "8", "1",
       "area shares of vector zones: each cell is cut into N x N sub-cells and a sub-cell counts for the zone holding "
       "its centre (1: the cell-centre rule)", within(1, 64)},
      text_key("vegetation.forest", "",
               "vegetation model of the [land_use.forest] tiles: \"3pg\" (3-PGpjs, monthly, a broadleaf and a conifer "
               "stand per tile initialised from vegetation.forest_table) or \"\" (none: the static carbon input); "
               "its litter replaces the soil's static input (docs/VEGETATION.md, \"Grid runs\")"),
      text_key("vegetation.grassland", "", "vegetation model of the [land_use.grassland] tiles: \"lue\" (MOD17 from "
               "vegetation.greenness) or \"\""),
      text_key("vegetation.cropland", "", "vegetation model of the [land_use.cropland] tiles: \"lue\" or \"\""),
      text_key("vegetation.broadleaf_species", "beech", "3-PG set of the broadleaf stands (`alamod vegetation species`)"),
      text_key("vegetation.conifer_species", "Scots pine", "3-PG set of the conifer stands"),
      {"vegetation.forest_table", "path", "\"\"", "-",
       "CSV region_code,composition,area_ha,live_c_t_ha,production_t_ha_yr,removals_t_ha_yr,mortality_t_ha_yr (IGN per "
       "region and composition broadleaf|conifer|mixed; codes of inputs.region; region_code 0: every region): the "
       "forest's initial live carbon, composition, removals and mortality"},
      {"vegetation.forest_age", "number", "60", "yr", "mean stand age, kept constant (a landscape of all ages)",
       within(1, 500)},
      {"vegetation.forest_dbh_cm", "number", "25", "cm", "initial mean diameter (sets the stems per ha)", within(1, 200)},
      {"vegetation.forest_alpha_factor", "number", "1", "1",
       "multiplies the species' canopy quantum efficiency alphaCx (calibration of production)", above(0, 5)},
      {"vegetation.forest_unstocked", "number", "0", "1",
       "share of the forest tiles without a stand (IGN's undetermined and poplar area: 0.080)", within(0, 0.99)},
      {"vegetation.forest_foliage_share", "number", "0.03", "1", "foliage share of the initial live dry matter",
       within(0, 0.3)},
      {"vegetation.forest_root_share", "number", "0.2", "1", "root share of the initial live dry matter", within(0, 0.6)},
      {"vegetation.clearing_export", "number", "0.7", "1",
       "land-use change: share of a cleared forest stand's stem pool (stems, branches, bark) exported as wood; the rest, "
       "the foliage and the roots go to the receiving tile's soil as litter", within(0, 1)},
      {"vegetation.planting_stems", "number", "1100", "ha-1", "land-use change: trees per ha planted on new forest area",
       above(0, 100000)},
      {"vegetation.planting_biomass", "number", "0.2", "t ha-1",
       "land-use change: dry matter of the planting stock on new forest area (half stems, a quarter roots, a quarter "
       "foliage; carbon 0.5 of dry matter)", above(0, 50)},
      {"vegetation.greenness", "path", "\"\"", "1",
       "raster of NDVI or fAPAR (after scale and offset) for the LUE tiles, e.g. the June value of a climatology"},
      text_key("vegetation.greenness_quantity", "ndvi", "what vegetation.greenness holds: ndvi (-1 to 1, fAPAR by "
               "CASA's simple ratio) or fapar (0 to 1)"),
      {"vegetation.greenness_scale", "number", "1", "1", "physical value = raw x scale + offset"},
      {"vegetation.greenness_offset", "number", "0", "1", "physical value = raw x scale + offset"},
      {"vegetation.grassland_shape", "array of 12 numbers", "MOD13A1 2016 shape", "1",
       "greenness of each month relative to the raster's, grassland tiles", within(0, 5)},
      {"vegetation.cropland_shape", "array of 12 numbers", "winter cereal shape (SYNTHETIC)", "1",
       "greenness of each month relative to the raster's, cropland tiles", within(0, 5)},
      {"vegetation.lue_npp_ratio", "number", "0.5", "1", "NPP/GPP of the LUE tiles", above(0, 1)},
      {"vegetation.grassland_offtake", "number", "0.5", "1", "share of the grassland's above-ground NPP grazed or cut",
       within(0, 1)},
      {"vegetation.cropland_offtake", "number", "0.5", "1",
       "share of the crops' above-ground living biomass harvested at vegetation.cropland_harvest_month (the rest: "
       "residues to the litter)", within(0, 1)},
      {"vegetation.cropland_harvest_month", "integer", "7", "month",
       "month whose end the crops' living biomass is harvested (July: winter cereals, Agreste); roots die then",
       within(1, 12)},
      {"vegetation.bucket_mm", "number", "150", "mm", "plant-available water of the LUE tiles' bucket", above(0, 2000)},
      {"vegetation.diurnal_range_degc", "number", "9", "degC",
       "Tmax - Tmin around the forcing's tas (SYNTHETIC until the forcing has tasmin/tasmax)", within(0, 30)},
      {"vegetation.sunshine_fraction", "number", "0.45", "1",
       "relative sunshine of the Angstrom radiation from latitude (SYNTHETIC until the forcing has rsds)", within(0, 1)},
      text_key("vegetation.soil_input", "litter",
               "litter: the vegetation's litter replaces the soil's static carbon input on the vegetated tiles; static: "
               "the vegetation runs beside the soil, which keeps inputs.carbon_input (a diagnostic run)"),
      text_key("vegetation.cropland_input", "lue",
               "the cropland's litter: lue (from its LUE NPP: 40 % above ground less cropland_offtake, 60 % below) or "
               "yield (crop residues from vegetation.crop_yield_table's yields by Bolinder et al. 2007 allometry as AMG "
               "computes them: straw returned, roots and rhizodeposits within run.soil_depth_cm)"),
      {"vegetation.crop_yield_table", "path", "\"\"", "-",
       "CSV region_code,crop,yield_t_ha,moisture_pct,harvest_index,shoot_root_ratio,beta,straw_returned (per region "
       "of inputs.region, region_code 0: every region; the yield fresh as reported, e.g. Agreste's, in t ha-1; AMG's "
       "crop parameters, data/france/crop_yields_regions.csv)"},
      text_key("vegetation.soil_spinup", "litter",
               "with soil_input = \"litter\": litter: the soil is spun up (spinup.method) on the litter of the initial "
               "vegetation, one year of it over the mean spin-up climate, split by kind as the years split it; with "
               "spinup.method = \"inverse\" the factor that brings each tile to its observed stock then multiplies "
               "the litter the soil receives every year; static: spun up on inputs.carbon_input, the litter replacing "
               "it from the first year (a step in the inputs; docs/VEGETATION.md, \"The soil's spin-up\")"),
      {"vegetation.balance_tolerance", "number", "1e-9", "1",
       "relative tolerance of each tile's yearly vegetation balance and of the litter the soil receives", above(0, 0.01)},
      {"checks.balance_tolerance", "number", "1e-9", "1",
       "relative tolerance of the per-cell yearly carbon balance (above 1 % the check would hide real errors)",
       above(0, 0.01)},
      {"checkpoint.every_years", "integer", "0", "yr",
       "write a restart checkpoint every N simulated years (0: only when SIGTERM/SIGUSR1 arrive); --checkpoint-every "
       "overrides",
       at_least(0)},
      {"checkpoint.stall_limit_s", "number", "900", "s",
       "a run on several ranks that completes no simulated year for this long (or for 10 times its longest "
       "year so far, if longer) is stopped with exit 1, its unfinished files removed and its last checkpoint "
       "kept: a rank or the file system has stalled and the others would wait in a collective call until the "
       "job's time runs out (0: never)",
       at_least(0)},
      text_key("decomposition.rebalance", "measured",
               "measured: after the 4th and then every rebalance_every_years simulated years, when the slowest "
               "rank's compute time exceeds the mean by more than rebalance_threshold and by more than 5 ms "
               "(noise), and the time this would save over the rest of the run exceeds the cost of the last move, "
               "land cells move between neighbouring ranks half-way towards equal compute time "
               "(cells whose cost differs, e.g. nonlinear models, or cores of unequal speed; the results do not "
               "change); always: move at every check (studies, tests); static: keep the start-up partition"),
      {"decomposition.rebalance_threshold", "number", "0.02", "1",
       "move cells only when the measured compute imbalance (slowest rank / mean - 1) exceeds this",
       within(0, 10)},
      {"decomposition.rebalance_every_years", "integer", "8", "yr",
       "simulated years between the checks of the measured compute time (the first after the 4th year); "
       "shorter follows cores whose speed drifts more closely, at the cost of more moves",
       within(1, 1000)},
      {"scenarios.branch_year", "integer", "none (no scenarios)", "yr",
       "the first year a scenario may differ from the baseline: the spin-up and the years before it are computed once "
       "(DIR/historical.nc), then the baseline and every [scenario.*] run from that state to run.end_year, each into "
       "DIR/NAME.nc (docs/SCENARIOS.md)"},
      text_key("scenario.*.description", "", "one line saying what the scenario is (output attribute, explain)"),
      text_key("scenario.*.extends", "baseline",
               "the scenario this one starts from: the baseline or a scenario defined before it (its interventions, "
               "climate and land-use change come first)"),
      {"scenario.*.intervention", "array of tables", "none", "-",
       "[[scenario.NAME.intervention]]: practice = \"PRESET\" (its parameters may be overridden, keys with units) or "
       "input_factor = F (1) or input_add_tC_ha_yr = X (added_kind = plant, cover_crop, grass, woody, manure, compost, "
       "digestate); classes = [...]; regions / departements / zones = [codes], mask = \"file.tif\"; adoption = 0-1 or "
       "adoption_raster = \"file.tif\" or area_target_ha = A (ha), or per région { 44 = A, 76 = B } or "
       "\"targets.csv\" (region,area_ha); start_year, ramp_years, end_year (yr). "
       "`alamod scenario explain CONFIG` shows what they resolve to"},
      text_key("scenario.*.climate_delta", "\"\" (the baseline's climate)",
               "none, tracc, ssp245 or ssp585: the warming of `alamod climate delta`'s preset added to each year's "
               "climate from the branch year (temperature by season, precipitation scaled, PET by Oudin)"),
      {"scenario.*.climate", "path", "\"\"", "-",
       "a monthly climate file (the variables of inputs.climate) for the years from the branch year on"},
      {"scenario.*.land_use_change_rates", "path", "\"\"", "-",
       "a table of land_use_change.rates' format whose transitions apply from the branch year, besides the "
       "baseline's"},
      {"scenario.*.land_use_change_maps", "path", "\"\"", "-",
       "a CSV year,file of class maps in land_use_change.maps' format from the branch year on: the first map is the "
       "land cover at the branch, the change between maps is spread evenly over the years between them"},
  };
  return keys;
}

const std::string* retired_key(const std::string& key) {
  static const std::map<std::string, std::string> keys = {
      {"rothc.soil_depth_cm", "moved to run.soil_depth_cm: the simulated layer is the run's, every model uses it"},
      {"rothc.moisture_option",
       "removed: grid runs use RothC-26.3's standard moisture deficit; the options of Farina et al. (2013) need "
       "site soil-water data (alamod site, alamod rothc --official-input)"},
  };
  const auto it = keys.find(key);
  return it == keys.end() ? nullptr : &it->second;
}

bool is_model_name(const std::string& name) {
  for (const auto& m : registered_models())
    if (m.info.name == name) return true;
  return false;
}

std::vector<std::string> split_key(const std::string& key) {
  std::vector<std::string> parts;
  std::istringstream in(key);
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  return parts;
}

namespace {

/// Whether a schema key part stands for a name: "*" for any, MODEL for a registered model's.
bool is_wildcard(const std::string& part) { return part == "*" || part == "MODEL"; }

/// Whether `key` is an instance of the schema's `pattern`.
bool key_matches(const std::string& pattern, const std::string& key) {
  const std::vector<std::string> p = split_key(pattern), k = split_key(key);
  if (p.size() != k.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (p[i] == "MODEL" ? !is_model_name(k[i]) : (p[i] != "*" && p[i] != k[i])) return false;
  return true;
}

}  // namespace

bool is_known_key(const std::string& key) { return find_config_key(key) != nullptr; }

const ConfigKey* find_config_key(const std::string& key) {
  for (const auto& d : config_keys())
    if (key_matches(d.key, key)) return &d;
  return nullptr;
}

std::string ValueRange::describe() const {
  const bool has_lower = lower > -kInf, has_upper = upper < kInf;
  if (has_lower && has_upper && !lower_open && !upper_open)
    return "within " + short_number(lower) + "-" + short_number(upper);
  std::string s;
  if (has_lower) s = (lower_open ? "> " : ">= ") + short_number(lower);
  if (has_upper) s += (s.empty() ? "" : " and ") + std::string(upper_open ? "< " : "<= ") + short_number(upper);
  return s.empty() ? "any finite number" : s;
}

std::string nearest_key(const std::string& key) {
  const std::vector<std::string> given = split_key(key);
  std::vector<std::string> candidates;
  for (const auto& d : config_keys()) {
    const std::vector<std::string> parts = split_key(d.key);
    std::string candidate;
    for (std::size_t i = 0; i < parts.size(); ++i)
      candidate += (candidate.empty() ? "" : ".") + (is_wildcard(parts[i]) && i < given.size() ? given[i] : parts[i]);
    candidates.push_back(candidate);
  }
  return nearest_name(key, candidates);
}

std::string config_reference() {
  std::ostringstream os;
  os << "Run configuration keys (TOML). Paths are relative to the configuration file.\n"
        "`*` stands for a name you choose (e.g. [land_use.cropland]).\n\n";
  for (const auto& d : config_keys()) {
    os << "  " << d.key << "  (" << d.type << ", default " << d.fallback;
    if (d.unit != "-") os << ", unit " << d.unit;
    if (d.range.bounded())
      os << (d.type.rfind("array", 0) == 0 ? "; each element " : "; ") << d.range.describe()
         << (d.unit != "-" && d.unit != "1" ? " " + d.unit : "");
    os << ")\n      " << d.help << "\n";
  }
  return os.str();
}

}  // namespace alamod::engine
