#pragma once
/// The scenarios of a run configuration (docs/SCENARIOS.md): [scenarios] branch_year and the [scenario.NAME]
/// tables, each extending the baseline or a scenario defined before it, with its interventions (what, where,
/// when, how much), its climate from the branch year (climate_delta preset or climate file) and its land-use
/// change rates. Read and checked by read_scenarios at load time; what needs the cells (an area target larger
/// than the eligible area) is checked when the cells are known (engine/scenario/interventions).
#include <array>
#include <climits>
#include <string>
#include <vector>

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace alamod::engine::scenario {

/// The kinds of added carbon input (AddedInput of engine/model_bindings/grid_model.hpp, same order).
constexpr int kAddedKinds = 7;

/// One intervention: what (a practice preset, or an input factor or addition), where (classes and a
/// selection of cells), when (start, ramp, end) and how much (adoption share, raster or area target).
struct Intervention {
  std::string where;       ///< "FILE: scenario NAME, intervention N" (messages)
  std::string defined_in;  ///< the scenario whose table declared it (extends copies it)
  int index = 0;           ///< 1-based position in its scenario's list
  std::string practice;    ///< preset name, or "" (input_factor / input_add_tC_ha_yr)
  // the effect per hectare of adopted area
  double plant_factor = 1.0;                  ///< multiplies the plant input (1)
  std::array<double, kAddedKinds> added{};    ///< t C ha-1 yr-1 per kind
  double decomposition_factor = 1.0;          ///< multiplies every decomposition rate (1)
  // where
  std::vector<std::string> classes;  ///< land-cover classes ([land_use.NAME])
  std::vector<double> regions, departements, zones;  ///< codes of inputs.region / departement / pedoclimatic_zone
  std::string mask;                  ///< raster, 1 = in ("" none; absolute path)
  // how much
  double adoption = 1.0;             ///< share of the eligible area (1)
  std::string adoption_raster;       ///< raster of the share per cell (1), "" none (absolute path)
  double area_target_ha = -1.0;      ///< area to reach (ha), spread over the eligible area; < 0: none
  /// The area to reach in one région (ha), spread over the intervention's eligible area in that région.
  struct RegionTarget {
    double region = 0;    ///< code of inputs.region
    double area_ha = 0;   ///< ha
    std::string source;   ///< where it was given, for messages: "" (the configuration) or "FILE:LINE"
  };
  /// area_target_ha per région (a table { 44 = 250000 } or a CSV file region,area_ha); empty: none. Only the
  /// listed régions are eligible; each gets its own adoption share, target / its eligible area.
  std::vector<RegionTarget> region_targets;
  // when
  int start_year = INT_MIN, ramp_years = 0, end_year = INT_MAX;
  /// The share of the full adoption in force in `year` (1): 0 before the start or after the end, rising
  /// linearly over the ramp (1/ramp in the start year ... 1 after ramp_years years).
  double in_force(int year) const;
  /// One line: what the intervention does, per hectare adopted.
  std::string effect_text() const;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string extends;       ///< "" for the baseline
  std::vector<Intervention> interventions;  ///< inherited ones first
  std::string climate_delta;  ///< "" (the baseline's climate), none, tracc, ssp245, ssp585
  std::string climate;        ///< forcing file for the years from the branch (absolute path), "" none
  std::string luc_rates;      ///< land_use_change_rates (absolute path), "" none; added to the baseline's
  /// land_use_change_maps: CSV year,file of class maps from the branch year on (land_use_change.maps' format; the
  /// first map is the land cover at the branch), "" none; added to the baseline's
  std::string luc_maps;
};

struct ScenarioSet {
  int branch_year = 0;                 ///< first year a scenario may differ from the baseline
  std::vector<Scenario> scenarios;     ///< baseline first, then in the file's order; empty: no scenarios
  bool enabled() const { return !scenarios.empty(); }
  const Scenario* find(const std::string& name) const;
};

/// Reads [scenarios] and [scenario.*] of the configuration `t` (file `file`, relative paths against `dir`):
/// every check that needs no cell. `classes`: the [land_use.*] names; `zone_rasters`: whether inputs.region,
/// inputs.departement, inputs.pedoclimatic_zone are given. Throws InputError "FILE: scenario S: key K: ...".
ScenarioSet read_scenarios(const toml::table& t, const std::string& file, const std::string& dir, int start_year,
                           int end_year, const std::vector<std::string>& classes,
                           const std::array<bool, 3>& zone_rasters);

}  // namespace alamod::engine::scenario
