// [scenarios] and [scenario.*] of a run configuration (scenario_config.hpp): read, flattened (extends) and
// checked. Every message is one line naming the file, the scenario and the key.
#include "engine/scenario/scenario_config.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <toml++/toml.h>

#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "engine/scenario/practices.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine::scenario {

static_assert(kAddedKinds == kAddedInputKinds, "scenario_config.hpp's kinds are grid_model.hpp's AddedInput");

namespace {

const std::vector<std::string> kScenarioKeys = {"extends", "description", "intervention", "climate_delta", "climate",
                                                "land_use_change_rates", "land_use_change_maps"};
const std::vector<std::string> kInterventionKeys = {
    "practice",  "input_factor", "input_add_tC_ha_yr", "added_kind",     "classes",    "regions",
    "departements", "zones",     "mask",               "adoption",       "adoption_raster", "area_target_ha",
    "start_year", "ramp_years",  "end_year",           "description"};
const std::vector<std::string> kClimatePresets = {"none", "tracc", "ssp245", "ssp585"};

std::string list_of(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

std::string position(const toml::node& n) {
  return n.source().begin.line > 0 ? ":" + std::to_string(n.source().begin.line) : std::string();
}

class Where {
 public:
  Where(std::string file, std::string scenario) : file_(std::move(file)), scenario_(std::move(scenario)) {}
  std::string text(const toml::node* at = nullptr, int intervention = 0) const {
    return file_ + (at ? position(*at) : std::string()) + ": scenario " + scenario_ +
           (intervention ? ", intervention " + std::to_string(intervention) : std::string());
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what, const toml::node* at = nullptr,
                         int intervention = 0) const {
    throw InputError(text(at, intervention) + ": key " + key + ": " + what);
  }

 private:
  std::string file_, scenario_;
};

std::string resolve(const std::string& dir, const std::string& p) {
  return p.empty() || p.front() == '/' ? p : dir + "/" + p;
}

std::string existing_file(const Where& w, const std::string& key, const toml::node& n, const std::string& dir,
                          int intervention = 0) {
  const auto v = n.value<std::string>();
  if (!v || v->empty()) w.fail(key, "expected a file name (a string)", &n, intervention);
  const std::string p = resolve(dir, *v);
  if (!std::filesystem::is_regular_file(p)) w.fail(key, p + ": no such file", &n, intervention);
  return p;
}

int year_value(const Where& w, const std::string& key, const toml::node& n, int intervention) {
  const auto v = n.value<std::int64_t>();
  if (!v || !n.is_integer()) w.fail(key, "expected a year (an integer)", &n, intervention);
  return static_cast<int>(*v);
}

double number_in(const Where& w, const std::string& key, const toml::node& n, double lo, double hi,
                 const std::string& unit, int intervention) {
  const auto v = n.value<double>();
  if (!v || !std::isfinite(*v) || *v < lo || *v > hi)
    w.fail(key, "expected a number in " + format_number("%g", lo) + "-" +
                    (std::isinf(hi) ? std::string("inf") : format_number("%g", hi)) + (unit.empty() ? "" : " " + unit) +
                    (v ? ", got " + format_number("%g", *v) : std::string()),
           &n, intervention);
  return *v;
}

std::vector<double> codes(const Where& w, const std::string& key, const toml::node& n, int intervention) {
  const auto* a = n.as_array();
  if (!a || a->empty()) w.fail(key, "expected a list of zone codes, e.g. [44, 76]", &n, intervention);
  std::vector<double> out;
  for (const auto& e : *a) {
    if (const auto v = e.value<double>()) out.push_back(*v);
    else if (const auto s = e.value<std::string>()) {
      char* end = nullptr;
      const double x = std::strtod(s->c_str(), &end);
      if (s->empty() || *end) w.fail(key, "code \"" + *s + "\" is not a number (the raster's code)", &n, intervention);
      out.push_back(x);
    } else w.fail(key, "expected a list of zone codes, e.g. [44, 76]", &n, intervention);
  }
  return out;
}

/// A key the intervention does not know: a number without its unit in the key, or a misspelling.
[[noreturn]] void unknown_key(const Where& w, const std::string& key, const toml::node& n, const PracticePreset* p,
                              int intervention) {
  std::vector<std::string> known = kInterventionKeys;
  if (p)
    for (const auto& q : p->parameters) known.push_back(q.key);
  // "input_add" -> "input_add_tC_ha_yr": the unit belongs in the key
  for (const auto& k : known)
    if (k.rfind(key + "_", 0) == 0 && n.is_number())
      w.fail(key, "a number needs its unit in its key: write " + k + " = " + format_number("%g", *n.value<double>()),
             &n, intervention);
  if (n.is_number())
    w.fail(key, "unknown key, and numbers carry their unit in the key (e.g. input_add_tC_ha_yr, area_target_ha); "
                "did you mean " + nearest_name(key, known) + "?",
           &n, intervention);
  w.fail(key, "unknown key (did you mean " + nearest_name(key, known) + "?)", &n, intervention);
}

/// area_target_ha given per région: an inline table { 44 = 250000, 76 = 1.2e5 } (keys the codes of inputs.region)
/// or a CSV file with the header region,area_ha. Every target >= 0 ha, each région once; with `regions` also
/// given, every target's région must be among them.
std::vector<Intervention::RegionTarget> region_targets(const Where& w, const toml::node& n, const std::string& dir,
                                                       int index, bool have_region_raster,
                                                       const std::vector<double>& regions) {
  const std::string key = "area_target_ha";
  std::vector<Intervention::RegionTarget> out;
  if (const auto* t = n.as_table()) {
    for (const auto& [k, x] : *t) {
      const std::string code(k.str());
      char* end = nullptr;
      const double c = std::strtod(code.c_str(), &end);
      if (code.empty() || *end || !std::isfinite(c))
        w.fail(key, "région "" + code + "" is not a code of inputs.region (write { 44 = 250000 })", &x, index);
      const auto a = x.value<double>();
      if (!x.is_number() || !a || !std::isfinite(*a) || *a < 0.0)
        w.fail(key, "région " + code + ": expected an area in ha, 0 or more", &x, index);
      out.push_back({c, *a, ""});
    }
    if (out.empty()) w.fail(key, "an empty table: give the area (ha) per région code, e.g. { 44 = 250000 }", &n, index);
  } else if (n.is_string()) {
    const std::string path = existing_file(w, key, n, dir, index);
    std::ifstream f(path);
    std::string line;
    int line_no = 0;
    bool header = false;
    auto trim = [](std::string s) {
      while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
      size_t b = 0;
      while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
      return s.substr(b);
    };
    while (std::getline(f, line)) {
      ++line_no;
      line = trim(line);
      if (line.empty() || line[0] == '#') continue;
      const std::string at = path + ":" + std::to_string(line_no);
      const auto comma = line.find(',');
      const std::string a = trim(line.substr(0, comma)),
                        b = comma == std::string::npos ? std::string() : trim(line.substr(comma + 1));
      if (!header) {
        if (a != "region" || b != "area_ha")
          w.fail(key, at + ": expected the header region,area_ha, got '" + line + "'", &n, index);
        header = true;
        continue;
      }
      if (comma == std::string::npos || b.find(',') != std::string::npos)
        w.fail(key, at + ": expected two fields region,area_ha, got '" + line + "'", &n, index);
      char* end = nullptr;
      const double c = std::strtod(a.c_str(), &end);
      if (a.empty() || *end || !std::isfinite(c))
        w.fail(key, at + ": column region: '" + a + "' is not a code of inputs.region", &n, index);
      end = nullptr;
      const double ha = std::strtod(b.c_str(), &end);
      if (b.empty() || *end || !std::isfinite(ha) || ha < 0.0)
        w.fail(key, at + ": column area_ha: expected an area in ha, 0 or more, got '" + b + "'", &n, index);
      out.push_back({c, ha, at});
    }
    if (!header || out.empty())
      w.fail(key, path + ": no targets (expected the header region,area_ha and one line per région)", &n, index);
  } else {
    w.fail(key, "expected an area in ha (= 250000), a table of ha per région code ({ 44 = 250000, 76 = 1.2e5 }) or "
                "a CSV file with columns region,area_ha",
           &n, index);
  }
  if (!have_region_raster)
    w.fail(key, "a target per région needs the raster of codes inputs.region in [inputs]", &n, index);
  for (size_t i = 0; i < out.size(); ++i) {
    const std::string r = format_number("%g", out[i].region);
    const std::string src = out[i].source.empty() ? std::string() : out[i].source + ": ";
    for (size_t j = 0; j < i; ++j)
      if (out[j].region == out[i].region) w.fail(key, src + "région " + r + " is given twice", &n, index);
    if (!regions.empty() && std::find(regions.begin(), regions.end(), out[i].region) == regions.end())
      w.fail(key, src + "région " + r + " is not in the intervention's regions", &n, index);
  }
  return out;
}

Intervention read_intervention(const toml::table& it, const Where& w, int index, const std::string& scenario,
                               const std::string& dir, int branch_year, int end_year,
                               const std::vector<std::string>& class_names, const std::array<bool, 3>& zone_rasters,
                               const toml::node& at) {
  Intervention v;
  v.where = w.text(nullptr, index);
  v.defined_in = scenario;
  v.index = index;
  const PracticePreset* preset = nullptr;
  if (const auto* n = it.get("practice")) {
    const auto name = n->value<std::string>();
    if (!name) w.fail("practice", "expected a practice name (a string)", n, index);
    preset = find_practice(*name);
    if (!preset) {
      std::vector<std::string> known;
      for (const auto& p : practice_presets()) known.push_back(p.name);
      w.fail("practice", "unknown practice '" + *name + "' (known: " + list_of(known) + ")", n, index);
    }
    v.practice = *name;
  }
  for (const auto& [k, n] : it) {
    const std::string key(k.str());
    if (std::find(kInterventionKeys.begin(), kInterventionKeys.end(), key) != kInterventionKeys.end()) continue;
    bool param = false;
    if (preset)
      for (const auto& q : preset->parameters) param = param || q.key == key;
    if (!param) unknown_key(w, key, n, preset, index);
  }
  const bool has_factor = it.contains("input_factor"), has_add = it.contains("input_add_tC_ha_yr");
  if (preset) {
    if (has_factor || has_add)
      w.fail(has_factor ? "input_factor" : "input_add_tC_ha_yr",
             "not with practice = \"" + v.practice + "\" (a practice sets its own inputs; override its parameters, or "
             "write a separate intervention)",
             it.get(has_factor ? "input_factor" : "input_add_tC_ha_yr"), index);
    const PracticeEffect e = practice_effect(*preset, it, kInterventionKeys, w.text(&at, index));
    v.plant_factor = e.plant_factor;
    v.added = e.added;
    v.decomposition_factor = e.decomposition_factor;
  } else {
    if (!has_factor && !has_add)
      w.fail("practice", "an intervention needs practice = \"NAME\", input_factor = F or input_add_tC_ha_yr = X", &at,
             index);
    if (has_factor) v.plant_factor = number_in(w, "input_factor", *it.get("input_factor"), 0.0, 100.0, "", index);
    if (has_add) {
      int kind = static_cast<int>(AddedInput::plant);
      if (const auto* n = it.get("added_kind")) {
        const auto s = n->value<std::string>();
        kind = -1;
        std::vector<std::string> kinds;
        for (int j = 0; j < kAddedInputKinds; ++j) {
          kinds.push_back(added_input_name(j));
          if (s && *s == added_input_name(j)) kind = j;
        }
        if (kind < 0) w.fail("added_kind", "expected one of " + list_of(kinds), n, index);
      }
      v.added[static_cast<size_t>(kind)] =
          number_in(w, "input_add_tC_ha_yr", *it.get("input_add_tC_ha_yr"), 0.0, 100.0, "t C ha-1 yr-1", index);
    } else if (it.contains("added_kind")) {
      w.fail("added_kind", "only with input_add_tC_ha_yr", it.get("added_kind"), index);
    }
  }
  // classes
  if (const auto* n = it.get("classes")) {
    const auto* a = n->as_array();
    if (!a || a->empty()) w.fail("classes", "expected a list of land-cover classes, e.g. [\"cropland\"]", n, index);
    for (const auto& e : *a) {
      const auto s = e.value<std::string>();
      if (!s) w.fail("classes", "expected a list of land-cover class names", n, index);
      v.classes.push_back(*s);
    }
  } else if (preset) {
    v.classes = preset->classes;
  } else {
    v.classes = class_names;
  }
  for (const auto& c : v.classes) {
    if (std::find(class_names.begin(), class_names.end(), c) == class_names.end())
      w.fail("classes", "'" + c + "' is not a land-cover class of this configuration (classes: " +
                            list_of(class_names) + ")",
             it.get("classes"), index);
    if (preset && std::find(preset->classes.begin(), preset->classes.end(), c) == preset->classes.end())
      w.fail("classes", "practice " + preset->name + " cannot touch class '" + c + "' (it may touch: " +
                            list_of(preset->classes) + ")",
             it.get("classes"), index);
  }
  // where
  const char* zone_keys[3] = {"regions", "departements", "zones"};
  const char* raster_keys[3] = {"inputs.region", "inputs.departement", "inputs.pedoclimatic_zone"};
  std::vector<double>* zone_lists[3] = {&v.regions, &v.departements, &v.zones};
  for (int z = 0; z < 3; ++z)
    if (const auto* n = it.get(zone_keys[z])) {
      if (!zone_rasters[static_cast<size_t>(z)])
        w.fail(zone_keys[z], std::string("needs the raster of codes ") + raster_keys[z] + " in [inputs]", n, index);
      *zone_lists[z] = codes(w, zone_keys[z], *n, index);
    }
  if (const auto* n = it.get("mask")) v.mask = existing_file(w, "mask", *n, dir, index);
  // how much
  const int how = int(it.contains("adoption")) + int(it.contains("adoption_raster")) + int(it.contains("area_target_ha"));
  if (how > 1)
    w.fail("adoption", "give one of adoption, adoption_raster or area_target_ha", &at, index);
  if (const auto* n = it.get("adoption")) {
    const auto x = n->value<double>();
    if (!x || !(*x >= 0.0 && *x <= 1.0))
      w.fail("adoption", "must be a share of the eligible area within 0-1" +
                             (x ? ", got " + format_number("%g", *x) : std::string()) +
                             " (for a percentage write 0.6, not 60)",
             n, index);
    v.adoption = *x;
  }
  if (const auto* n = it.get("adoption_raster")) v.adoption_raster = existing_file(w, "adoption_raster", *n, dir, index);
  if (const auto* n = it.get("area_target_ha")) {
    if (n->is_number()) v.area_target_ha = number_in(w, "area_target_ha", *n, 0.0, INFINITY, "ha", index);
    else v.region_targets = region_targets(w, *n, dir, index, zone_rasters[0], v.regions);
    v.adoption = 0.0;  // set per selection (or per région) from the eligible area (interventions.cpp)
  }
  // when
  v.start_year = branch_year;
  if (const auto* n = it.get("start_year")) v.start_year = year_value(w, "start_year", *n, index);
  if (const auto* n = it.get("ramp_years")) {
    const auto r = n->value<std::int64_t>();
    if (!r || !n->is_integer() || *r < 0 || *r > 1000)
      w.fail("ramp_years", "expected a number of years (an integer, 0 or more)", n, index);
    v.ramp_years = static_cast<int>(*r);
  }
  if (const auto* n = it.get("end_year")) v.end_year = year_value(w, "end_year", *n, index);
  if (v.start_year < branch_year || v.start_year > end_year)
    w.fail("start_year", "= " + std::to_string(v.start_year) + " is outside the scenarios' years " +
                             std::to_string(branch_year) + "-" + std::to_string(end_year) +
                             " (from [scenarios] branch_year to run.end_year)",
           it.get("start_year"), index);
  if (v.end_year != INT_MAX && (v.end_year < v.start_year || v.end_year > end_year))
    w.fail("end_year", "= " + std::to_string(v.end_year) + " must be within start_year " + std::to_string(v.start_year) +
                           " and run.end_year " + std::to_string(end_year),
           it.get("end_year"), index);
  return v;
}

}  // namespace

double Intervention::in_force(int year) const {
  if (year < start_year || year > end_year) return 0.0;
  if (ramp_years <= 0) return 1.0;
  return std::min(1.0, static_cast<double>(year - start_year + 1) / ramp_years);
}

std::string Intervention::effect_text() const {
  std::string s;
  if (plant_factor != 1.0) s += "plant input x " + format_number("%g", plant_factor);
  for (int k = 0; k < kAddedKinds; ++k)
    if (added[static_cast<size_t>(k)] != 0.0)
      s += (s.empty() ? "" : ", ") + std::string("+") + format_number("%g", added[static_cast<size_t>(k)]) +
           " t C ha-1 yr-1 " + added_input_name(k);
  if (decomposition_factor != 1.0)
    s += (s.empty() ? "" : ", ") + std::string("decomposition x ") + format_number("%g", decomposition_factor);
  return s.empty() ? "no change" : s;
}

const Scenario* ScenarioSet::find(const std::string& name) const {
  for (const auto& s : scenarios)
    if (s.name == name) return &s;
  return nullptr;
}

ScenarioSet read_scenarios(const toml::table& t, const std::string& file, const std::string& dir, int start_year,
                           int end_year, const std::vector<std::string>& classes,
                           const std::array<bool, 3>& zone_rasters) {
  ScenarioSet set;
  const auto* head = t["scenarios"].as_table();
  const auto* tables = t["scenario"].as_table();
  if (!head && !tables) return set;
  const auto* by = head ? head->get("branch_year") : nullptr;
  if (!by || !by->is_integer())
    throw InputError(file + ": key scenarios.branch_year: required with [scenario.*] tables (an integer year: the "
                     "first year a scenario may differ from the baseline)");
  set.branch_year = static_cast<int>(*by->value<std::int64_t>());
  if (set.branch_year <= start_year || set.branch_year > end_year)
    throw InputError(file + position(*by) + ": key scenarios.branch_year: = " + std::to_string(set.branch_year) +
                     " must be after run.start_year " + std::to_string(start_year) + " (the spin-up's first year) and "
                     "not after run.end_year " + std::to_string(end_year));
  Scenario baseline;
  baseline.name = "baseline";
  baseline.description = "the configuration itself: current practices, land cover and climate";
  set.scenarios.push_back(baseline);
  if (!tables) return set;
  // in the file's order (a table's keys come sorted by name)
  std::vector<std::pair<std::string, const toml::node*>> ordered;
  for (const auto& [k, node] : *tables) ordered.emplace_back(std::string(k.str()), &node);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    const auto& x = a.second->source().begin;
    const auto& y = b.second->source().begin;
    return x.line != y.line ? x.line < y.line : x.column < y.column;
  });
  for (const auto& [name, node_ptr] : ordered) {
    const toml::node& node = *node_ptr;
    const Where w(file, name);
    const auto* st = node.as_table();
    if (!st) throw InputError(file + position(node) + ": key scenario." + name + ": expected a table [scenario." + name + "]");
    if (name == "historical")
      throw InputError(file + position(node) + ": scenario historical: the name of the years before the branch "
                       "(historical.nc); choose another name");
    for (char c : name)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'))
        throw InputError(file + position(node) + ": scenario " + name +
                         ": a scenario's name is a file name: letters, digits, '_' and '-' only");
    for (const auto& [kk, nn] : *st) {
      const std::string key(kk.str());
      if (std::find(kScenarioKeys.begin(), kScenarioKeys.end(), key) == kScenarioKeys.end())
        w.fail(key, "unknown key (a scenario holds " + list_of(kScenarioKeys) + "; did you mean " +
                        nearest_name(key, kScenarioKeys) + "?)",
               &nn);
    }
    Scenario s;
    Scenario* existing = name == "baseline" ? &set.scenarios.front() : nullptr;
    s.name = name;
    if (const auto* n = st->get("description")) s.description = n->value<std::string>().value_or("");
    if (name == "baseline") {
      if (st->contains("extends") || st->contains("intervention") || st->contains("climate_delta") ||
          st->contains("climate") || st->contains("land_use_change_rates") || st->contains("land_use_change_maps"))
        w.fail("extends", "the baseline is the configuration itself: it takes only a description", st);
      if (!s.description.empty()) existing->description = s.description;
      continue;
    }
    s.extends = "baseline";
    if (const auto* n = st->get("extends")) {
      const auto e = n->value<std::string>();
      if (!e) w.fail("extends", "expected the name of a scenario (a string)", n);
      if (*e == name) w.fail("extends", "a scenario cannot extend itself", n);
      const Scenario* parent = set.find(*e);
      if (!parent) {
        std::vector<std::string> known;
        for (const auto& x : set.scenarios) known.push_back(x.name);
        const bool later = tables->contains(*e) && *e != "baseline";
        w.fail("extends", "'" + *e + "' " +
                              (later ? "is defined after this scenario; a scenario extends the baseline or one "
                                       "defined before it"
                                     : "is not a scenario (defined before this one: " + list_of(known) + ")"),
               n);
      }
      s.extends = *e;
      s.interventions = parent->interventions;
      s.climate_delta = parent->climate_delta;
      s.climate = parent->climate;
      s.luc_rates = parent->luc_rates;
      s.luc_maps = parent->luc_maps;
    }
    if (const auto* n = st->get("climate_delta")) {
      const auto p = n->value<std::string>();
      if (!p || std::find(kClimatePresets.begin(), kClimatePresets.end(), *p) == kClimatePresets.end())
        w.fail("climate_delta", "expected one of " + list_of(kClimatePresets) + " (engine/climate/delta presets)", n);
      s.climate_delta = *p;
      s.climate.clear();
    }
    if (const auto* n = st->get("climate")) {
      if (st->contains("climate_delta")) w.fail("climate", "give climate_delta or climate, not both", n);
      s.climate = existing_file(w, "climate", *n, dir);
      s.climate_delta.clear();
    }
    if (const auto* n = st->get("land_use_change_rates"))
      s.luc_rates = existing_file(w, "land_use_change_rates", *n, dir);
    if (const auto* n = st->get("land_use_change_maps"))
      s.luc_maps = existing_file(w, "land_use_change_maps", *n, dir);
    if (const auto* n = st->get("intervention")) {
      const auto* a = n->as_array();
      if (!a) w.fail("intervention", "expected [[scenario." + name + ".intervention]] tables", n);
      int index = 0;
      for (const auto& e : *a) {
        ++index;
        const auto* it = e.as_table();
        if (!it) w.fail("intervention", "expected [[scenario." + name + ".intervention]] tables", n);
        s.interventions.push_back(read_intervention(*it, w, index, name, dir, set.branch_year, end_year, classes,
                                                    zone_rasters, e));
      }
    }
    set.scenarios.push_back(std::move(s));
  }
  return set;
}

}  // namespace alamod::engine::scenario
