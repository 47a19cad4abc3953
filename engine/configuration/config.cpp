#include "engine/configuration/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include <toml++/toml.h>

#include "engine/common/number_format.hpp"
#include "engine/configuration/config_schema.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace {

/// Which --set gave each key (key -> the option's text).
using SetBy = std::map<std::string, std::string>;

// Every leaf key path of a table (arrays are leaves). Key paths are joined with '.', so a quoted key
// holding '.', '[' or ']' (e.g. "run.end_year" = 1992) could not be told from a nested one: refused,
// naming `where` (the file or the --set option).
void collect(const toml::table& t, const std::string& prefix, std::vector<std::string>& out, const std::string& where) {
  for (const auto& [k, v] : t) {
    const std::string name(k.str());
    const std::string path = prefix.empty() ? name : prefix + "." + name;
    if (name.empty() || name.find_first_of(".[]") != std::string::npos)
      throw InputError(where + ": key '" + path + "': a key name may not be empty or hold '.', '[' or ']' " +
                       "(write run.end_year = 1992 or [run] end_year = 1992, not \"run.end_year\" = 1992)");
    if (const auto* sub = v.as_table()) collect(*sub, path, out, where);
    else out.push_back(path);
  }
}

/// `file`, with the line and column of `key`'s value when the file gave it.
std::string position_of(const toml::table& t, const std::string& key, const std::string& file) {
  if (const auto* n = t.at_path(key).node(); n && n->source().begin.line > 0)
    return file + ":" + std::to_string(n->source().begin.line) + ":" + std::to_string(n->source().begin.column);
  return file;
}

/// Typed, checked reads of the configuration's keys; every failure names the key and where it was
/// given (the --set option, or the file with the key's line and column).
class Reader {
 public:
  /// `set_by`: the keys given by --set, with the option's text (named in errors instead of the file).
  Reader(const toml::table& t, std::string file, SetBy set_by = {})
      : t_(t), file_(std::move(file)), set_by_(std::move(set_by)) {}
  const toml::table& table() const { return t_; }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    // the innermost --set that gave this key or a table above it, else the file with the key's position
    for (std::string k = key;; k = k.substr(0, k.rfind('.'))) {
      if (const auto it = set_by_.find(k); it != set_by_.end())
        throw InputError("--set '" + it->second + "': key '" + key + "' " + what);
      if (k.find('.') == std::string::npos) break;
    }
    throw InputError(position_of(t_, key, file_) + ": key '" + key + "' " + what);
  }
  bool has(const std::string& key) const { return static_cast<bool>(t_.at_path(key)); }
  /// Refuses `value` of `key` (`element`: its 1-based position in an array, 0 for a single value) when
  /// it lies outside the bounds that the schema gives the key.
  void check_range(const std::string& key, double value, std::size_t element = 0) const {
    const ConfigKey* d = find_config_key(key);
    if (!d || d->range.contains(value)) return;
    const std::string unit = d->unit == "-" || d->unit == "1" ? "" : " " + d->unit;
    fail(key, (element ? "element " + std::to_string(element) + " " : std::string()) + "must be " +
                  d->range.describe() + unit + ", got " + short_number(value));
  }
  double number(const std::string& key, double fallback, bool required = false) const {
    auto n = t_.at_path(key);
    if (!n) {
      if (required) fail(key, "is required (see `alamod run --config-help`)");
      return fallback;
    }
    if (auto v = n.value<double>()) {
      if (!std::isfinite(*v)) fail(key, "must be a finite number, got " + format_number("%f", *v));
      check_range(key, *v);
      return *v;
    }
    fail(key, "must be a number");
  }
  bool boolean(const std::string& key, bool fallback) const {
    auto n = t_.at_path(key);
    if (!n) return fallback;
    if (auto v = n.value<bool>()) return *v;
    fail(key, "must be true or false");
  }
  int integer(const std::string& key, int fallback) const {
    auto n = t_.at_path(key);
    if (!n) return fallback;
    if (auto v = n.as_integer()) {
      const std::int64_t x = v->get();
      if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
        fail(key, "= " + std::to_string(x) + " is out of range for an integer key");
      check_range(key, static_cast<double>(x));
      return static_cast<int>(x);
    }
    fail(key, "must be an integer");
  }
  std::string text(const std::string& key, const std::string& fallback, bool required = false) const {
    auto n = t_.at_path(key);
    if (!n) {
      if (required) fail(key, "is required (see `alamod run --config-help`)");
      return fallback;
    }
    if (auto v = n.value<std::string>()) {
      if (required && v->empty()) fail(key, "must not be empty");
      return *v;
    }
    fail(key, "must be a string");
  }
  /// The text of `key` (or `fallback`), which must be one of `choices`.
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& choices) const {
    const std::string v = text(key, fallback);
    if (std::find(choices.begin(), choices.end(), v) != choices.end()) return v;
    std::string listed;
    for (std::size_t i = 0; i < choices.size(); ++i)
      listed += std::string(i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + "\"" + choices[i] + "\"";
    fail(key, "must be " + listed + ", got \"" + v + "\"");
  }
  std::array<double, 12> month_array(const std::string& key, double fallback) const {
    std::array<double, 12> a;
    a.fill(fallback);
    auto n = t_.at_path(key);
    if (!n) return a;
    const auto* arr = n.as_array();
    if (!arr || arr->size() != 12) fail(key, "must be an array of 12 numbers (January to December)");
    for (std::size_t i = 0; i < 12; ++i) {
      auto v = (*arr)[i].value<double>();
      if (!v || !std::isfinite(*v)) fail(key, "element " + std::to_string(i + 1) + " is not a finite number");
      check_range(key, *v, i + 1);
      a[i] = *v;
    }
    return a;
  }

 private:
  const toml::table& t_;
  std::string file_;
  SetBy set_by_;
};

// ---------------------------------------------------------------------------------------------------
// The steps of load_config, in order
// ---------------------------------------------------------------------------------------------------

toml::table parse_file(const std::string& path) {
  if (std::filesystem::is_directory(path))
    throw InputError(path + ": is a folder; give a configuration file, e.g. configs/france_default.toml");
  std::ifstream in(path);
  if (!in) throw InputError(path + ": configuration file not found or not readable");
  try {
    return toml::parse(in, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

/// Puts `value` at the dotted `key` of `t`, making the tables on the way.
void set_key(toml::table& t, const std::string& key, const toml::node& value) {
  const std::vector<std::string> parts = split_key(key);
  toml::table* cur = &t;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto* next = (*cur)[parts[i]].as_table();
    if (!next) {
      cur->insert_or_assign(parts[i], toml::table{});
      next = (*cur)[parts[i]].as_table();
    }
    cur = next;
  }
  cur->insert_or_assign(parts.back(), value);
}

/// Applies each --set "key=value" (TOML) over the file's keys; returns which --set gave each key.
SetBy apply_overrides(toml::table& t, const std::vector<std::string>& overrides) {
  SetBy set_by;
  for (const auto& o : overrides) {
    toml::table extra;
    try {
      extra = toml::parse(o);
    } catch (const toml::parse_error& e) {
      throw InputError("--set '" + o + "': " + std::string(e.description()) + " (expected key=value in TOML syntax)");
    }
    std::vector<std::string> leaves;
    collect(extra, "", leaves, "--set '" + o + "'");
    for (const auto& leaf : leaves) {
      set_by[leaf] = o;
      set_key(t, leaf, *extra.at_path(leaf).node());
    }
  }
  return set_by;
}

/// Refuses a key that the schema does not hold (naming the nearest known key) or that was moved or removed.
void reject_unknown_keys(const toml::table& t, const std::string& path, const SetBy& set_by) {
  std::vector<std::string> leaves;
  collect(t, "", leaves, path);
  for (const auto& key : leaves) {
    const auto it = set_by.find(key);
    const std::string where = it != set_by.end() ? "--set '" + it->second + "'" : position_of(t, key, path);
    if (const std::string* retired = retired_key(key)) throw InputError(where + ": key '" + key + "' " + *retired);
    if (!is_known_key(key))
      throw InputError(where + ": unknown key '" + key + "' (did you mean '" + nearest_key(key) + "'?)");
  }
}

/// model, run.start_year, run.end_year
void read_run(const Reader& r, RunConfig& c) {
  if (const toml::array* list = r.table()["model"].as_array()) {
    // several models compared: each runs as a configuration of its own (model = that one)
    for (const auto& item : *list) {
      const auto name = item.value<std::string>();
      if (!name) r.fail("model", "must be a model name or a list of model names, e.g. [\"rothc\", \"icbm\"]");
      if (!is_model_name(*name))
        r.fail("model", "lists '" + *name + "', which is not a registered model; valid models: " + model_names());
      if (std::find(c.models.begin(), c.models.end(), *name) != c.models.end())
        r.fail("model", "lists '" + *name + "' twice");
      c.models.push_back(*name);
    }
    if (c.models.empty()) r.fail("model", "is an empty list");
    c.model = c.models.front();
    if (c.models.size() == 1) c.models.clear();
  } else {
    c.model = r.text("model", "rothc");
  }
  if (!is_model_name(c.model))
    r.fail("model", "= '" + c.model + "' is not a registered model; valid models: " + model_names());
  c.start_year = r.integer("run.start_year", 1990);
  c.end_year = r.integer("run.end_year", 2100);
  if (c.end_year < c.start_year)
    throw InputError(r.file() + ": run.end_year (" + std::to_string(c.end_year) + ") is before run.start_year (" +
                     std::to_string(c.start_year) + ")");
}

/// [grid]
void read_grid(const Reader& r, RunConfig& c) {
  c.grid = grids::GridSpec::from_extent(r.text("grid.crs", "EPSG:2154"), r.number("grid.xmin", 0, true),
                                        r.number("grid.ymin", 0, true), r.number("grid.xmax", 0, true),
                                        r.number("grid.ymax", 0, true), r.number("grid.resolution", 0, true));
}

/// The path `key` gives, relative to the configuration file's folder ("" when not given).
std::string input_path(const Reader& r, const std::string& key, bool required) {
  const auto slash = r.file().find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string(".") : r.file().substr(0, slash);
  const std::string given = r.text(key, "", required);
  const std::string p = given.empty() || given.front() == '/' || dir.empty() ? given : dir + "/" + given;
  // a named pipe without a writer would block its reader forever, on every rank
  if (const std::string kind = grids::non_regular_file_kind(p); !p.empty() && !kind.empty())
    r.fail(key, "names " + p + ", which is " + kind + ", not a regular file (expected a file to read)");
  return p;
}

/// [inputs]: paths relative to the configuration file's folder
void read_inputs(const Reader& r, RunConfig& c) {
  const auto path = [&](const std::string& key, bool required) { return input_path(r, key, required); };
  c.land_mask = path("inputs.land_mask", true);
  c.land_use = path("inputs.land_use", true);
  c.clay = path("inputs.clay", true);
  c.soc_stock = path("inputs.soc_stock", true);
  c.carbon_input = path("inputs.carbon_input", true);
  c.climate = path("inputs.climate", true);
  c.cost_weight = path("inputs.cost_weight", false);
  c.land_mask_partial = r.boolean("inputs.land_mask_partial", false);
  c.region = path("inputs.region", false);
  c.departement = path("inputs.departement", false);
  c.pedoclimatic_zone = path("inputs.pedoclimatic_zone", false);
  c.zone_names = path("inputs.zone_names", false);
  c.land_cover_map = path("inputs.land_cover_map", false);
  c.fraction_tolerance = r.number("inputs.fraction_tolerance", 1e-3);
  c.resampling_continuous =
      grids::parse_resampling(r.text("inputs.resampling", "average"), r.file() + ": inputs.resampling");
  c.var_tas = r.text("inputs.tas_variable", "tas");
  c.var_pr = r.text("inputs.pr_variable", "pr");
  c.var_pet = r.text("inputs.pet_variable", "pet");
  using Reading = grids::MonthlyForcing::Reading;
  const std::string reading = r.choice("inputs.climate_reading", "auto", {"auto", "shared", "per_rank"});
  c.climate_reading =
      reading == "auto" ? Reading::automatic : reading == "shared" ? Reading::shared : Reading::per_rank;
}

/// [spinup]
void read_spinup(const Reader& r, RunConfig& c) {
  c.spinup_years = r.integer("spinup.years", 10);  // bounds: the schema's
  c.spinup_first_year = r.integer("spinup.first_year", 0);
  c.spinup_climate = input_path(r, "spinup.climate", false);
  c.spinup_land_cover_map = input_path(r, "spinup.land_cover_map", false);
  if (!c.spinup_land_cover_map.empty() && !std::ifstream(c.spinup_land_cover_map))
    r.fail("spinup.land_cover_map", "names " + c.spinup_land_cover_map + ", which does not exist or cannot be read "
                                    "(expected a categorical raster of the [land_use.*] codes)");
  c.spinup_method = r.choice("spinup.method", "equilibrium", {"equilibrium", "inverse", "scaled", "brute_force"});
  if (c.spinup_method != "inverse" && c.spinup_method != "scaled") return;
  // both need a linear model (the registry says which are): refused here, before anything runs or is written
  std::vector<std::string> names = c.models;
  if (names.empty()) names.push_back(c.model);
  for (const auto& name : names) {
    if (find_model(name).linear) continue;
    std::string linear;
    for (const auto& m : registered_models())
      if (m.linear) linear += (linear.empty() ? "" : ", ") + m.info.name;
    r.fail("spinup.method", "= \"" + c.spinup_method + "\" needs a linear model (" + linear + "); " + name +
                                " is not linear (use \"equilibrium\" or \"brute_force\")");
  }
}

/// run.soil_depth_cm
void read_soil_depth(const Reader& r, RunConfig& c) {
  c.soil_depth_cm = r.number("run.soil_depth_cm", 30.0);  // bounds: the schema's
}

/// The value of [MODEL.parameters] `name`: a parameter the model declares, within its bounds.
double read_model_parameter(const Reader& r, const models::ModelInfo& model, const std::string& name) {
  const models::ParameterRow* row = find_parameter(model, name);
  if (!row)
    throw InputError(r.file() + ": unknown " + model.name + " parameter '" + name + "' (did you mean '" +
                     nearest_parameter(model, name) + "'? see `alamod models show " + model.name + "`)");
  const std::string key = model.name + ".parameters." + name;
  const double value = r.number(key, 0.0);
  if (!(value >= row->lower && value <= row->upper))
    throw InputError(r.file() + ": key '" + key + "' = " + format_number("%f", value) + " " + row->unit +
                     " is outside its bounds [" + format_number("%f", row->lower) + ", " +
                     format_number("%f", row->upper) + "]");
  return value;
}

/// [MODEL.parameters]: only the run's model may have such a table.
void read_model_parameters(const Reader& r, RunConfig& c) {
  for (const auto& binding : registered_models()) {
    const models::ModelInfo& model = binding.info;
    const auto* table = r.table().at_path(model.name + ".parameters").as_table();
    if (!table) continue;
    const bool compared = std::find(c.models.begin(), c.models.end(), model.name) != c.models.end();
    if (model.name != c.model && !compared)
      throw InputError(r.file() + ": [" + model.name + ".parameters] sets parameters of " + model.name +
                       ", but model = \"" + c.model + "\"");
    auto& values = c.parameters_by_model[model.name];
    for (const auto& [k, v] : *table) {
      const std::string name(k.str());
      values.emplace_back(name, read_model_parameter(r, model, name));
    }
    if (model.name == c.model) c.model_parameters = values;
  }
}

/// The 12 monthly shares of `key`: each 0-1 (the schema's bounds), summing to 1.
std::array<double, 12> read_input_share(const Reader& r, const std::string& key) {
  const std::array<double, 12> shares = r.month_array(key, 1.0 / 12.0);
  double sum = 0.0;
  for (double s : shares) sum += s;
  if (std::fabs(sum - 1.0) > 1e-6) r.fail(key, "must sum to 1, sums to " + short_number(sum));
  return shares;
}

/// The 4 Yasso AWEN shares of `key`: each 0-1 (the schema's bounds), summing to 1.
std::array<double, 4> read_awen(const Reader& r, const std::string& key) {
  const auto* a = r.table().at_path(key).as_array();
  if (!a || a->size() != 4) r.fail(key, "must be an array of 4 numbers (A, W, E, N shares)");
  std::array<double, 4> awen{};
  double sum = 0.0;
  for (std::size_t j = 0; j < 4; ++j) {
    const auto v = (*a)[j].value<double>();
    if (!v || !std::isfinite(*v)) r.fail(key, "element " + std::to_string(j + 1) + " is not a finite number");
    r.check_range(key, *v, j + 1);
    awen[j] = *v;
    sum += *v;
  }
  if (std::fabs(sum - 1.0) > 1e-6) r.fail(key, "must sum to 1, sums to " + short_number(sum));
  return awen;
}

/// [land_use.NAME]
LandUseClass read_land_use(const Reader& r, const std::string& name, bool is_table) {
  const std::string base = "land_use." + name;
  LandUseClass k;
  k.name = name;
  if (!is_table) r.fail(base, "must be a table");
  if (!r.has(base + ".code")) r.fail(base + ".code", "is required");
  k.code = r.integer(base + ".code", 0);
  // numbers within the bounds that config_schema.cpp gives each key (Reader::number, month_array)
  k.dpm_rpm_ratio = r.number(base + ".dpm_rpm_ratio", 1.44);
  k.input_share = read_input_share(r, base + ".input_share");
  k.covered = r.month_array(base + ".covered", 1.0);
  for (double s : k.covered)
    if (s != 0.0 && s != 1.0) r.fail(base + ".covered", "must hold only 0 (bare) or 1 (vegetated)");
  k.fym = r.number(base + ".fym", 0.0);
  k.lignin_fraction = r.number(base + ".lignin_fraction", k.lignin_fraction);
  k.n_fraction = r.number(base + ".n_fraction", k.n_fraction);
  if (r.has(base + ".awen")) k.awen = read_awen(r, base + ".awen");
  k.fraction = input_path(r, base + ".fraction", false);
  k.soc_stock = input_path(r, base + ".soc_stock", false);
  k.carbon_input = input_path(r, base + ".carbon_input", false);
  k.sealing_loss = r.number(base + ".sealing_loss", 0.0);
  k.input_factor = r.number(base + ".input_factor", 1.0);
  return k;
}

/// Every [land_use.NAME] table, each with its own code; at least one.
void read_land_uses(const Reader& r, RunConfig& c) {
  if (const auto* classes = r.table()["land_use"].as_table()) {
    for (const auto& [name, node] : *classes) {
      const LandUseClass k = read_land_use(r, std::string(name.str()), node.is_table());
      for (const auto& other : c.land_uses)
        if (other.code == k.code)
          r.fail("land_use." + k.name + ".code", "= " + std::to_string(k.code) + " is already the code of land_use." +
                                                     other.name +
                                                     " (each class needs its own code in the land-use raster)");
      c.land_uses.push_back(k);
    }
  }
  if (c.land_uses.empty())
    throw InputError(r.file() + ": no [land_use.NAME] table: at least one land-use class is needed");
  // fractions: from one raster per class, or from inputs.land_cover_map, not both; every class or none
  int with_fraction = 0;
  for (const auto& u : c.land_uses) with_fraction += u.fraction.empty() ? 0 : 1;
  for (const auto& u : c.land_uses) {
    if (with_fraction > 0 && !c.land_cover_map.empty() && !u.fraction.empty())
      r.fail("land_use." + u.name + ".fraction",
             "and inputs.land_cover_map are both given: the fractions come from one or the other");
    if (with_fraction > 0 && u.fraction.empty())
      r.fail("land_use." + u.name + ".fraction",
             "is missing: when one class has a fraction raster, every class needs one (a class absent from the "
             "grid: a raster of 0)");
  }
}

/// [output]
void read_output(const Reader& r, RunConfig& c) {
  c.output_name = r.text("output.file", "carbon_yearly.nc");
  if (c.output_name.find('/') != std::string::npos) r.fail("output.file", "must be a file name, not a path");
  if (c.output_name.empty() || c.output_name == "." || c.output_name == "..")
    r.fail("output.file", "must be a file name, e.g. \"carbon_yearly.nc\", got \"" + c.output_name + "\"");
  c.deflate_level = r.integer("output.deflate_level", 1);
  const std::string prec = r.text("output.precision", "float");
  if (prec != "float" && prec != "double") r.fail("output.precision", "must be \"float\" or \"double\"");
  c.double_precision = prec == "double";
  c.significant_bits = r.integer("output.significant_bits", 0);
  c.low_bytes_by_runs = r.choice("output.deflate_low_bytes", "deflate", {"deflate", "runs"}) == "runs";
  c.output_tiles = r.boolean("output.tiles", false);
  c.luc_rates = input_path(r, "land_use_change.rates", false);
  c.luc_tolerance = r.number("land_use_change.balance_tolerance", 1e-9);
  c.luc_maps = input_path(r, "land_use_change.maps", false);
  if (!c.luc_maps.empty() && !c.tiles())
    r.fail("land_use_change.maps", "needs land cover as fractions (land_use.*.fraction or inputs.land_cover_map): "
                                   "land-use change moves area between a cell's tiles");
  if (!c.spinup_land_cover_map.empty() && !c.tiles())
    r.fail("spinup.land_cover_map", "needs the run's land cover as fractions (land_use.*.fraction or "
                                    "inputs.land_cover_map): the spin-up's land cover moves to the run's by mixing its "
                                    "tiles");
  if (!c.luc_rates.empty() && !c.tiles())
    r.fail("land_use_change.rates", "needs land cover as fractions (land_use.*.fraction or inputs.land_cover_map): "
                                    "land-use change moves area between a cell's tiles");
  if (c.significant_bits < 0 || c.significant_bits > (c.double_precision ? 52 : 23))
    r.fail("output.significant_bits", std::string("must be 0 (lossless) or 1-") + (c.double_precision ? "52" : "23") +
                                          " for output.precision = \"" + prec + "\"");
}

/// [totals]
void read_totals(const Reader& r, RunConfig& c) {
  c.totals = r.boolean("totals.enabled", true);
  c.totals_report = r.boolean("totals.report", true);
  c.gsocseq_maps = r.boolean("totals.gsocseq_maps", false);
  c.zones = input_path(r, "totals.zones", false);
  c.zone_field = r.text("totals.zone_field", "");
  c.zone_subcells = r.integer("totals.zone_subcells", 8);  // bounds: the schema's
}

/// [vegetation] (engine/grid_run/vegetation_coupling.hpp)
void read_vegetation(const Reader& r, RunConfig& c) {
  VegetationConfig& v = c.vegetation;
  v.forest = r.choice("vegetation.forest", "", {"", "3pg"});
  v.grassland = r.choice("vegetation.grassland", "", {"", "lue"});
  v.cropland = r.choice("vegetation.cropland", "", {"", "lue"});
  v.broadleaf_species = r.text("vegetation.broadleaf_species", v.broadleaf_species);
  v.conifer_species = r.text("vegetation.conifer_species", v.conifer_species);
  v.forest_table = input_path(r, "vegetation.forest_table", false);
  v.region = c.region;
  v.forest_age = r.number("vegetation.forest_age", v.forest_age);
  v.forest_dbh_cm = r.number("vegetation.forest_dbh_cm", v.forest_dbh_cm);
  v.forest_alpha_factor = r.number("vegetation.forest_alpha_factor", v.forest_alpha_factor);
  v.forest_unstocked = r.number("vegetation.forest_unstocked", v.forest_unstocked);
  if (v.enabled() && !c.spinup_land_cover_map.empty())
    r.fail("spinup.land_cover_map", "and [vegetation] together are not supported yet: the vegetation's stands are "
                                    "not mixed when the spin-up's land cover moves to the run's");
  v.forest_foliage_share = r.number("vegetation.forest_foliage_share", v.forest_foliage_share);
  v.forest_root_share = r.number("vegetation.forest_root_share", v.forest_root_share);
  v.clearing_export = r.number("vegetation.clearing_export", v.clearing_export);
  v.planting_stems = r.number("vegetation.planting_stems", v.planting_stems);
  v.planting_biomass = r.number("vegetation.planting_biomass", v.planting_biomass);
  v.greenness = input_path(r, "vegetation.greenness", false);
  v.greenness_quantity = r.choice("vegetation.greenness_quantity", "ndvi", {"ndvi", "fapar"});
  v.greenness_scale = r.number("vegetation.greenness_scale", 1.0);
  v.greenness_offset = r.number("vegetation.greenness_offset", 0.0);
  // the monthly NDVI of the real MOD13A1 2016 sample (docs/VEGETATION.md) relative to June, December as January
  v.grassland_shape = {0.616, 0.548, 0.575, 0.795, 0.932, 1.0, 1.027, 1.027, 0.986, 0.890, 0.699, 0.616};
  // winter cereals (SYNTHETIC): green-up in spring, harvest in July, stubble and bare soil until sowing
  v.cropland_shape = {0.5, 0.55, 0.7, 0.95, 1.05, 1.0, 0.6, 0.35, 0.35, 0.4, 0.45, 0.5};
  if (r.has("vegetation.grassland_shape")) v.grassland_shape = r.month_array("vegetation.grassland_shape", 1.0);
  if (r.has("vegetation.cropland_shape")) v.cropland_shape = r.month_array("vegetation.cropland_shape", 1.0);
  v.npp_ratio = r.number("vegetation.lue_npp_ratio", v.npp_ratio);
  v.grassland_offtake = r.number("vegetation.grassland_offtake", v.grassland_offtake);
  v.cropland_offtake = r.number("vegetation.cropland_offtake", v.cropland_offtake);
  v.cropland_harvest_month = r.integer("vegetation.cropland_harvest_month", v.cropland_harvest_month);
  if (v.cropland_harvest_month < 1 || v.cropland_harvest_month > 12)
    r.fail("vegetation.cropland_harvest_month", "= " + std::to_string(v.cropland_harvest_month) + " is not a month 1-12");
  v.bucket_mm = r.number("vegetation.bucket_mm", v.bucket_mm);
  v.diurnal_range = r.number("vegetation.diurnal_range_degc", v.diurnal_range);
  v.sunshine_fraction = r.number("vegetation.sunshine_fraction", v.sunshine_fraction);
  v.balance_tolerance = r.number("vegetation.balance_tolerance", v.balance_tolerance);
  v.litter_to_soil = r.choice("vegetation.soil_input", "litter", {"litter", "static"}) == "litter";
  v.spinup_on_litter = r.choice("vegetation.soil_spinup", "litter", {"litter", "static"}) == "litter";
  v.cropland_input = r.choice("vegetation.cropland_input", "lue", {"lue", "yield"});
  v.crop_yield_table = input_path(r, "vegetation.crop_yield_table", false);
  v.soil_depth_cm = c.soil_depth_cm;
  const std::pair<const char*, const std::string*> uses[] = {
      {"forest", &v.forest}, {"grassland", &v.grassland}, {"cropland", &v.cropland}};
  for (const auto& [cls, model] : uses) {
    if (model->empty()) continue;
    bool found = false;
    for (const auto& u : c.land_uses) found = found || u.name == cls;
    if (!found)
      r.fail(std::string("vegetation.") + cls, "= \"" + *model + "\" needs a [land_use." + cls + "] class");
  }
  if (!v.forest.empty() && v.forest_table.empty())
    r.fail("vegetation.forest_table", "is required with vegetation.forest (the forest's initial state)");
  if (!v.forest.empty() && c.region.empty())
    r.fail("inputs.region", "is required with vegetation.forest (its codes select the vegetation.forest_table rows)");
  if (v.cropland_input == "yield" && (v.cropland.empty() || v.crop_yield_table.empty() || c.region.empty()))
    r.fail("vegetation.cropland_input", "= \"yield\" needs vegetation.cropland, vegetation.crop_yield_table and "
                                        "inputs.region (whose codes select the table's rows)");
  if ((!v.grassland.empty() || !v.cropland.empty()) && v.greenness.empty())
    r.fail("vegetation.greenness", "is required with an LUE vegetation (the satellite greenness of the tiles)");
}

/// [checks]
void read_checks(const Reader& r, RunConfig& c) {
  c.balance_tolerance = r.number("checks.balance_tolerance", 1e-9);  // bounds: the schema's
}

/// [checkpoint]
void read_checkpoint(const Reader& r, RunConfig& c) {
  c.checkpoint_every_years = r.integer("checkpoint.every_years", 0);  // bounds: the schema's
  c.stall_limit_seconds = r.number("checkpoint.stall_limit_s", 900.0);
}

/// [decomposition]
void read_decomposition(const Reader& r, RunConfig& c) {
  using M = RunConfig::Rebalance;
  const std::string rebalance = r.choice("decomposition.rebalance", "measured", {"measured", "always", "static"});
  for (const M m : {M::measured, M::always, M::fixed})
    if (rebalance == RunConfig::name(m)) c.rebalance = m;
  c.rebalance_threshold = r.number("decomposition.rebalance_threshold", 0.02);  // bounds: the schema's
  c.rebalance_every_years = r.integer("decomposition.rebalance_every_years", 8);
}

/// [scenarios] and [scenario.*] (engine/scenario/scenario_config.cpp)
void read_scenario_tables(const Reader& r, RunConfig& c) {
  const auto slash = r.file().find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string(".") : r.file().substr(0, slash);
  std::vector<std::string> classes;
  for (const auto& u : c.land_uses) classes.push_back(u.name);
  c.scenarios = scenario::read_scenarios(r.table(), r.file(), dir, c.start_year, c.end_year, classes,
                                         {!c.region.empty(), !c.departement.empty(), !c.pedoclimatic_zone.empty()});
  for (const auto& s : c.scenarios.scenarios)
    if ((!s.luc_rates.empty() || !s.luc_maps.empty()) && !c.tiles())
      throw InputError(r.file() + ": scenario " + s.name + ": key " +
                       (s.luc_rates.empty() ? "land_use_change_maps" : "land_use_change_rates") +
                       ": needs land cover as fractions (land_use.*.fraction or inputs.land_cover_map): the transitions "
                       "move area between a cell's tiles");
  if (c.scenarios.enabled() && !c.models.empty())
    throw InputError(r.file() + ": scenarios run one model: give model = \"NAME\", not a list");
  // the GSOCseq maps are written with DIR/scenarios.html: asked for without it, they would be silently missing
  if (c.gsocseq_maps && !c.scenarios.enabled())
    r.fail("totals.gsocseq_maps", "= true needs [scenarios] (the rates count from the branch year, against the "
                                  "baseline)");
  if (c.gsocseq_maps && !(c.totals && c.totals_report))
    r.fail("totals.gsocseq_maps", "= true needs totals.enabled and totals.report = true (the maps are written "
                                  "beside DIR/scenarios.html)");
}

/// The resolved configuration's text and hashes: of all of it, and of what shapes the results (all but
/// [checkpoint] and [decomposition]: what a restart must match).
void hash_configuration(const toml::table& t, RunConfig& c) {
  std::ostringstream os;
  os << t;
  c.resolved = os.str();
  c.sha256 = grids::sha256_hex(c.resolved);
  toml::table science = t;
  science.erase("checkpoint");
  science.erase("decomposition");  // where cells are computed does not change the results
  std::ostringstream ss;
  ss << science;
  c.science_sha256 = grids::sha256_hex(ss.str());
}

}  // namespace

RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table t = parse_file(path);
  const SetBy set_by = apply_overrides(t, overrides);
  reject_unknown_keys(t, path, set_by);
  const Reader r(t, path, set_by);
  RunConfig c;
  c.path = path;
  read_run(r, c);
  read_grid(r, c);
  read_inputs(r, c);
  read_spinup(r, c);
  read_soil_depth(r, c);
  read_model_parameters(r, c);
  read_land_uses(r, c);
  read_output(r, c);
  read_totals(r, c);
  read_checks(r, c);
  read_vegetation(r, c);
  read_checkpoint(r, c);
  read_decomposition(r, c);
  read_scenario_tables(r, c);
  hash_configuration(t, c);
  return c;
}

void apply_parameter_file(RunConfig& cfg, const std::string& path) {
  const ParameterFile pf = read_parameter_file(path);
  check_model(pf, cfg.model);
  if (!pf.has_parameters_table) throw InputError(path + ": no [parameters] table");
  const auto& model = find_model(cfg.model).info;
  std::string applied;
  for (const auto& [name, value] : checked_values(pf, model)) {
    cfg.model_parameters.emplace_back(name, value);
    applied += "\n# parameter file " + path + ": " + name + " = " + format_number("%g", value) + " " +
               find_parameter(model, name)->unit + "\n";
  }
  cfg.resolved += applied;
  cfg.sha256 = grids::sha256_hex(cfg.resolved);
  cfg.science_sha256 = grids::sha256_hex(cfg.science_sha256 + applied);
}

}  // namespace alamod::engine
