#pragma once
/// Management practices as named presets (docs/SCENARIOS.md, "Practices"): each declares the land-cover classes it
/// may touch, its parameters with units and defaults, and what it does to a model's inputs and decomposition per
/// hectare of adopted area (an InputChange, engine/model_bindings/grid_model.hpp). The defaults are set so that
/// RothC, averaged over the eligible cells of the France default, reproduces the practice's published rate.
#include <array>
#include <string>
#include <vector>

#include "engine/model_bindings/grid_model.hpp"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace alamod::engine::scenario {

/// What a practice does per hectare of adopted area, every year it is in force.
struct PracticeEffect {
  double plant_factor = 1.0;                       ///< multiplies the plant input (1)
  std::array<double, kAddedInputKinds> added{};    ///< carbon added per kind (t C ha-1 yr-1), AddedInput
  double decomposition_factor = 1.0;               ///< multiplies every decomposition rate (1)
};

/// One parameter of a practice: its key carries its unit (e.g. "extra_input_tC_ha_yr").
struct PracticeParameter {
  std::string key;     ///< as written in an intervention's table
  double value = 0.0;  ///< default
  std::string unit;    ///< UDUNITS-style, "1" for a ratio
  double min = 0.0, max = 0.0;  ///< accepted range, inclusive
  std::string help;
};

struct PracticePreset {
  std::string name;         ///< registry key, e.g. "cover_crops"
  std::string title;        ///< one line
  std::vector<std::string> classes;  ///< land-cover classes it may touch (names of [land_use.*])
  std::vector<PracticeParameter> parameters;
  double published_rate_tC_ha_yr = 0.0;  ///< the soil storage rate its defaults reproduce (t C ha-1 yr-1, 20 yr)
  std::string source;       ///< where the published rate comes from
  /// false: no published per-hectare rate could be confirmed; the defaults describe the practice itself (an
  /// application rate) and docs/SCENARIOS.md gives the rate RothC makes of them
  bool calibrated = true;
  std::string changes;      ///< what it changes in a model's inputs or rates, and what it leaves out (one line)
  /// The effect for the given parameter values (same order as `parameters`).
  PracticeEffect (*effect)(const std::vector<double>& values) = nullptr;
};

/// Every preset, in the order the docs list them.
const std::vector<PracticePreset>& practice_presets();

/// The preset named `name`, or nullptr.
const PracticePreset* find_practice(const std::string& name);

/// The effect of preset `p` with the overrides of an intervention's table (`overrides`: keys of p.parameters;
/// other keys of the table are the intervention's own and listed in `intervention_keys`, so they are skipped).
/// Throws grids InputError "WHERE: key K: ..." for an unknown key (with the nearest parameter), a value that is not
/// a number or is out of range, or a number without its unit (a key that is a parameter's key less its unit suffix,
/// e.g. "extra_input" for "extra_input_tC_ha_yr"); WHERE names the file, scenario and intervention. Keys carry their
/// unit as a suffix (_tC_ha_yr, _t_ha_yr, _kgC_t, _m_ha, _tC_per_100m_yr); dimensionless parameters end in _factor.
PracticeEffect practice_effect(const PracticePreset& p, const toml::table& overrides,
                               const std::vector<std::string>& intervention_keys, const std::string& where);

}  // namespace alamod::engine::scenario
