#pragma once
/// The vegetation models (forest growth, satellite-driven production), in their own explicit list
/// (vegetation_registry.cpp), apart from the soil models of model_binding.hpp: they do not run on the
/// soil grid run's GridModel interface, they make the carbon inputs that the soil models take.
/// `alamod vegetation run --model NAME` runs one at a site; `alamod models show NAME` describes it.
///
/// Adding one: its kernel in models/NAME/ with model_info(); one binding file here defining
/// `VegetationBinding NAME_vegetation_binding()` (the only engine file that includes the kernel); one X line
/// in vegetation_registry.cpp.
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "models/common/model_info.hpp"

namespace alamod::engine {

/// What `alamod vegetation run` was given.
struct VegetationRunOptions {
  std::string model;  ///< "3pg" or "lue"
  std::string out;    ///< output CSV
  // 3-PG: tables in r3PG's layout (models/threepg/README.md)
  std::string site, species, climate, thinning, parameters;
  bool r3pg_light = false;  ///< reproduce r3PG 0.1.x's multi-species light (regression only)
  std::string soil_forcing;  ///< also write the litter as an alamod site forcing (data/sites/FORMAT.md) here
  std::string site_id = "stand";                                  ///< its site_id
  double clay = std::numeric_limits<double>::quiet_NaN();         ///< its clay (percent), if given
  double depth = std::numeric_limits<double>::quiet_NaN();        ///< its soil depth (cm), if given
  double soc_initial = std::numeric_limits<double>::quiet_NaN();  ///< its initial SOC (t ha-1), if given
  int height_model = 1;
  // LUE: a monthly forcing table (models/lue/README.md)
  std::string forcing;
  std::string method = "mod17";  ///< "mod17" or "casa"
  std::string biome = "Grass";   ///< MOD17 class key
  double npp_ratio = std::numeric_limits<double>::quiet_NaN();  ///< NPP/GPP; NaN: MOD17 respiration
  double bucket_mm = 150;        ///< plant-available water capacity (mm)
  bool no_water_stress = false;  ///< the soil-water scalar held at 1 (the negative control)
  double offtake = 0.5;          ///< LUE soil forcing: share of the above-ground NPP harvested or grazed (1)
};

struct VegetationBinding {
  models::ModelInfo info;
  /// Runs the model at a site and writes opt.out atomically; throws InputError for bad input.
  void (*run)(const VegetationRunOptions& opt);
  /// The published parameter sets the model can select by name (a text table), or "".
  std::string (*parameter_sets)();
};

/// Every vegetation model, in the order `alamod models` lists them.
const std::vector<VegetationBinding>& vegetation_models();

/// The vegetation model called `name`; throws std::invalid_argument naming the valid ones.
const VegetationBinding& find_vegetation_model(std::string_view name);

}  // namespace alamod::engine
