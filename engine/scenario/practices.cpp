// Practice presets (practices.hpp). The table of presets is the one place a practice's defaults live;
// docs/SCENARIOS.md, "Practices", gives each one's published rate and alamod's rate per model.
#include "engine/scenario/practices.hpp"

#include <algorithm>
#include <toml++/toml.h>

#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine::scenario {

namespace {

constexpr int kind(AddedInput a) { return static_cast<int>(a); }

std::vector<PracticePreset> make_presets() {
  std::vector<PracticePreset> v;
  {
    PracticePreset p;
    p.name = "cover_crops";
    p.title = "cover crops between two main crops, fully returned to the soil";
    p.classes = {"cropland"};
    p.parameters = {{"extra_input_tC_ha_yr", 1.0, "t C ha-1 yr-1", 0.0, 10.0,
                     "carbon of the cover crop's shoots and roots returned each year (UNCALIBRATED placeholder)"}};
    p.published_rate_tC_ha_yr = 0.24;
    p.source = "Pellerin et al. 2013 (INRA), as applied by ADEME's ALDO tool: 0.24 t C ha-1 yr-1 over 20 years";
    p.effect = [](const std::vector<double>& x) {
      PracticeEffect e;
      e.added[kind(AddedInput::cover_crop)] = x[0];
      return e;
    };
    v.push_back(p);
  }
  return v;
}

}  // namespace

const std::vector<PracticePreset>& practice_presets() {
  static const std::vector<PracticePreset> presets = make_presets();
  return presets;
}

const PracticePreset* find_practice(const std::string& name) {
  for (const auto& p : practice_presets())
    if (p.name == name) return &p;
  return nullptr;
}

PracticeEffect practice_effect(const PracticePreset& p, const toml::table& overrides,
                               const std::vector<std::string>& intervention_keys, const std::string& where) {
  std::vector<double> values;
  for (const auto& q : p.parameters) values.push_back(q.value);
  for (const auto& [k, node] : overrides) {
    const std::string key(k.str());
    if (std::find(intervention_keys.begin(), intervention_keys.end(), key) != intervention_keys.end()) continue;
    size_t j = 0;
    while (j < p.parameters.size() && p.parameters[j].key != key) ++j;
    if (j == p.parameters.size()) {
      std::vector<std::string> known;
      for (const auto& q : p.parameters) known.push_back(q.key);
      std::string list;
      for (const auto& q : known) list += (list.empty() ? "" : ", ") + q;
      throw InputError(where + ": key " + key + ": not a parameter of practice " + p.name + " (its parameters: " +
                       list + ")");
    }
    const auto& q = p.parameters[j];
    const auto x = node.value<double>();
    if (!x || !(*x >= q.min && *x <= q.max))
      throw InputError(where + ": key " + key + ": expected a number in " + format_number("%g", q.min) + "-" +
                       format_number("%g", q.max) + " " + q.unit);
    values[j] = *x;
  }
  return p.effect(values);
}

}  // namespace alamod::engine::scenario
