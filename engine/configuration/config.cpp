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

#include "engine/common/nearest_name.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace {

struct KeyDoc {
  const char* key;      ///< dotted path; "*" matches one user-chosen name
  const char* type;
  const char* fallback; ///< default, "required" or "-"
  const char* unit;
  const char* help;
};

// The one list of configuration keys.
const std::vector<KeyDoc>& schema() {
  static const std::vector<KeyDoc> keys = {
      {"model", "string", "\"rothc\"", "-", "model to run (see `alamod models`)"},
      {"run.start_year", "integer", "1990", "yr", "first simulated calendar year"},
      {"run.end_year", "integer", "2100", "yr", "last simulated calendar year (inclusive)"},
      {"run.soil_depth_cm", "number", "30", "cm", "depth of the simulated topsoil layer, for every model (the output's depth_bnds)"},
      {"grid.crs", "string", "\"EPSG:2154\"", "-", "projected CRS of the run grid (anything GDAL/PROJ accepts)"},
      {"grid.resolution", "number", "required", "m", "cell size"},
      {"grid.xmin", "number", "required", "m", "west edge of the grid"},
      {"grid.ymin", "number", "required", "m", "south edge of the grid"},
      {"grid.xmax", "number", "required", "m", "east edge of the grid"},
      {"grid.ymax", "number", "required", "m", "north edge of the grid"},
      {"inputs.land_mask", "path", "required", "1", "raster, 1 on land cells (any GDAL format/CRS; nearest)"},
      {"inputs.land_use", "path", "required", "1", "raster of land-use codes matching [land_use.*] code (nearest)"},
      {"inputs.clay", "path", "required", "percent", "raster of topsoil clay content, 0-100"},
      {"inputs.soc_stock", "path", "required", "t ha-1", "raster of observed SOC stock (sets IOM by Falloon 1998)"},
      {"inputs.carbon_input", "path", "required", "t ha-1 yr-1", "raster of annual plant carbon input to soil"},
      {"inputs.climate", "path", "required", "-", "CF NetCDF monthly climate (tas degC|K, pr and pet mm month-1|mm d-1|kg m-2 s-1)"},
      {"inputs.cost_weight", "path", "\"\"", "1", "optional raster of per-cell cost weights for load balancing"},
      {"inputs.resampling", "string", "\"average\"", "-", "resampling of continuous rasters: nearest|bilinear|average|mode"},
      {"inputs.tas_variable", "string", "\"tas\"", "-", "air temperature variable in the climate file"},
      {"inputs.pr_variable", "string", "\"pr\"", "-", "precipitation variable in the climate file"},
      {"inputs.pet_variable", "string", "\"pet\"", "-", "potential evapotranspiration variable in the climate file"},
      {"inputs.climate_reading", "string", "\"auto\"", "-",
       "how the ranks read the climate file: per_rank (each rank decompresses the chunks over its own cells), "
       "shared (each monthly field is decompressed by one rank and broadcast), auto (shared when the file's "
       "chunks span several ranks' cells, so that per-rank reading would decompress them repeatedly)"},
      {"spinup.years", "integer", "10", "yr", "the mean monthly climate of this many first forcing years drives the equilibrium"},
      {"spinup.method", "string", "\"equilibrium\"", "-", "equilibrium: pools at equilibrium with inputs.carbon_input; inverse: the carbon input (and manure) is scaled per cell so that the equilibrium SOC equals inputs.soc_stock (GSOCseq protocol), and the run keeps that input; brute_force: cycle the mean year until no pool changes by more than 1e-9 (relative) over a cycle (for comparisons: slow)"},
      {"MODEL.parameters.*", "number", "see `alamod models show MODEL`", "-",
       "override a parameter of the run's model, e.g. [rothc.parameters] k_hum = 0.02 (MODEL: a registered model, "
       "the one `model` names; its unit as `alamod models show MODEL` gives)"},
      {"land_use.*.code", "integer", "required", "1", "value of this class in the land-use raster"},
      {"land_use.*.dpm_rpm_ratio", "number", "1.44", "1", "DPM/RPM ratio of plant inputs (1.44 crops, 0.67 grassland, 0.25 woodland)"},
      {"land_use.*.input_share", "array of 12 numbers", "1/12 each", "1", "share of annual input per month, sums to 1"},
      {"land_use.*.covered", "array of 12 0/1", "all 1", "1", "months with plant cover (1) or bare soil (0)"},
      {"land_use.*.fym", "number", "0", "t ha-1 yr-1", "farmyard manure carbon, spread like plant inputs"},
      {"land_use.*.lignin_fraction", "number", "0.15", "1", "lignin share of the plant inputs (CENTURY lignin:N, MIMICS litter quality)"},
      {"land_use.*.n_fraction", "number", "0.01", "1", "nitrogen share of the plant inputs (CENTURY lignin:N, MIMICS litter quality)"},
      {"land_use.*.awen", "array of 4 numbers", "[0.52, 0.18, 0.08, 0.22]", "1", "Yasso shares of the inputs: acid-, water-, ethanol-soluble, non-soluble (sum 1; default non-woody litter)"},
      {"output.file", "string", "\"carbon_yearly.nc\"", "-", "name of the yearly output file in --out DIR"},
      {"output.deflate_level", "integer", "1", "-", "NetCDF deflate level 0-9 (1: most of the size gain for a fraction of the time)"},
      {"output.precision", "string", "\"float\"", "-", "float or double data variables"},
      {"output.significant_bits", "integer", "0", "-",
       "0: lossless. N > 0: keep N significant bits of the carbon variables' mantissas (netCDF BitRound, "
       "lossy: relative error <= 2^-(N+1); 1-23 for float, 1-52 for double). Smaller files, faster output"},
      {"output.deflate_low_bytes", "string", "\"deflate\"", "-",
       "how the low-order half of each value's bytes (the mantissa's noisy end) is compressed: deflate "
       "(smallest files), or runs (runs of equal bytes, e.g. the sea's fill values, coded as deflate matches, "
       "the other bytes stored: compression ~1.6x faster, files ~10-15 % larger; still standard zlib "
       "streams that every reader decodes)"},
      {"checks.balance_tolerance", "number", "1e-9", "1", "relative tolerance of the per-cell yearly carbon balance"},
      {"checkpoint.every_years", "integer", "0", "yr", "write a restart checkpoint every N simulated years (0: only when SIGTERM/SIGUSR1 arrive); --checkpoint-every overrides"},
      {"decomposition.rebalance", "string", "\"measured\"", "-",
       "measured: after the 4th and then every rebalance_every_years simulated years, when the slowest rank's compute time exceeds "
       "the mean by more than rebalance_threshold and by more than 5 ms (noise), and the time this would save over the rest of the run exceeds "
       "the cost of the last move, land cells move between neighbouring ranks half-way towards equal compute time "
       "(cells whose cost differs, e.g. nonlinear models, or cores of unequal speed; the results do not "
       "change); always: move at every check (studies, tests); static: keep the start-up partition"},
      {"decomposition.rebalance_threshold", "number", "0.02", "1",
       "move cells only when the measured compute imbalance (slowest rank / mean - 1) exceeds this"},
      {"decomposition.rebalance_every_years", "integer", "8", "yr",
       "simulated years between the checks of the measured compute time (the first after the 4th year); "
       "shorter follows cores whose speed drifts more closely, at the cost of more moves"},
  };
  return keys;
}

/// Keys that were moved or removed, and what to write instead.
const std::map<std::string, std::string>& retired_keys() {
  static const std::map<std::string, std::string> keys = {
      {"rothc.soil_depth_cm", "moved to run.soil_depth_cm: the simulated layer is the run's, every model uses it"},
      {"rothc.moisture_option",
       "removed: grid runs use RothC-26.3's standard moisture deficit; the options of Farina et al. (2013) need "
       "site soil-water data (alamod site, alamod rothc --official-input)"},
  };
  return keys;
}

bool is_model_name(const std::string& name) {
  for (const auto& m : registered_models())
    if (m.info.name == name) return true;
  return false;
}

/// Whether `key` is an instance of the schema's `pattern`: "*" stands for any name, MODEL for a
/// registered model's name.
bool key_matches(const std::string& pattern, const std::string& key) {
  std::istringstream p(pattern), k(key);
  std::string a, b;
  while (true) {
    const bool ha = static_cast<bool>(std::getline(p, a, '.'));
    const bool hb = static_cast<bool>(std::getline(k, b, '.'));
    if (!ha || !hb) return ha == hb;
    if (a == "MODEL" ? !is_model_name(b) : (a != "*" && a != b)) return false;
  }
}

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

std::string nearest_key(const std::string& key) {
  std::string best;
  std::size_t bestd = std::string::npos;
  for (const auto& d : schema()) {
    std::string candidate = d.key;
    // fill wildcards from the user's key so land_use.crop.cod -> land_use.crop.code
    std::istringstream p(d.key), k(key);
    std::string a, b, built;
    while (std::getline(p, a, '.')) {
      const bool hb = static_cast<bool>(std::getline(k, b, '.'));
      built += (built.empty() ? "" : ".") + (((a == "*" || a == "MODEL") && hb) ? b : a);
    }
    candidate = built;
    const std::size_t dist = edit_distance(candidate, key);
    if (dist < bestd) {
      bestd = dist;
      best = candidate;
    }
  }
  return best;
}

class Reader {
 public:
  /// `set_by`: the keys given by --set, with the option's text (named in errors instead of the file).
  Reader(const toml::table& t, std::string file, std::map<std::string, std::string> set_by = {})
      : t_(t), file_(std::move(file)), set_by_(std::move(set_by)) {}
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
  double number(const std::string& key, double fallback, bool required = false) const {
    auto n = t_.at_path(key);
    if (!n) {
      if (required) fail(key, "is required (see `alamod run --config-help`)");
      return fallback;
    }
    if (auto v = n.value<double>()) {
      if (!std::isfinite(*v)) fail(key, "must be a finite number, got " + std::to_string(*v));
      return *v;
    }
    fail(key, "must be a number");
  }
  int integer(const std::string& key, int fallback) const {
    auto n = t_.at_path(key);
    if (!n) return fallback;
    if (auto v = n.as_integer()) {
      const std::int64_t x = v->get();
      if (x < std::numeric_limits<int>::min() || x > std::numeric_limits<int>::max())
        fail(key, "= " + std::to_string(x) + " is out of range for an integer key");
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
      a[i] = *v;
    }
    return a;
  }

 private:
  const toml::table& t_;
  std::string file_;
  std::map<std::string, std::string> set_by_;
};

std::string resolve_path(const std::string& base_dir, const std::string& p) {
  if (p.empty() || p.front() == '/') return p;
  return base_dir.empty() ? p : base_dir + "/" + p;
}

}  // namespace


void apply_parameter_file(RunConfig& cfg, const std::string& path) {
  const ParameterFile pf = read_parameter_file(path);
  check_model(pf, cfg.model);
  if (!pf.has_parameters_table) throw InputError(path + ": no [parameters] table");
  const auto& model = find_model(cfg.model).info;
  std::ostringstream applied;
  for (const auto& [name, value] : checked_values(pf, model)) {
    cfg.model_parameters.emplace_back(name, value);
    for (const auto& row : model.parameters)
      if (row.name == name) applied << "\n# parameter file " << path << ": " << name << " = " << value << " " << row.unit << "\n";
  }
  cfg.resolved += applied.str();
  cfg.sha256 = grids::sha256_hex(cfg.resolved);
  cfg.science_sha256 = grids::sha256_hex(cfg.science_sha256 + applied.str());
}

std::string config_reference() {
  std::ostringstream os;
  os << "Run configuration keys (TOML). Paths are relative to the configuration file.\n"
        "`*` stands for a name you choose (e.g. [land_use.cropland]).\n\n";
  for (const auto& d : schema()) {
    os << "  " << d.key << "  (" << d.type << ", default " << d.fallback;
    if (std::string(d.unit) != "-") os << ", unit " << d.unit;
    os << ")\n      " << d.help << "\n";
  }
  return os.str();
}

RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table t;
  {
    if (std::filesystem::is_directory(path))
      throw InputError(path + ": is a folder; give a configuration file, e.g. configs/france_default.toml");
    std::ifstream in(path);
    if (!in) throw InputError(path + ": configuration file not found or not readable");
    try {
      t = toml::parse(in, path);
    } catch (const toml::parse_error& e) {
      throw InputError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                       std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
    }
  }
  std::map<std::string, std::string> set_by;  // key -> the --set that gave it
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
      // walk/create tables and replace the leaf
      toml::table* cur = &t;
      std::istringstream ks(leaf);
      std::string part;
      std::vector<std::string> parts;
      while (std::getline(ks, part, '.')) parts.push_back(part);
      for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        auto* next = (*cur)[parts[i]].as_table();
        if (!next) {
          cur->insert_or_assign(parts[i], toml::table{});
          next = (*cur)[parts[i]].as_table();
        }
        cur = next;
      }
      cur->insert_or_assign(parts.back(), *extra.at_path(leaf).node());
    }
  }
  // unknown keys
  std::vector<std::string> leaves;
  collect(t, "", leaves, path);
  for (const auto& key : leaves) {
    if (const auto retired = retired_keys().find(key); retired != retired_keys().end()) {
      const auto it = set_by.find(key);
      throw InputError((it != set_by.end() ? "--set '" + it->second + "'" : position_of(t, key, path)) + ": key '" +
                       key + "' " + retired->second);
    }
    bool known = false;
    for (const auto& d : schema()) known = known || key_matches(d.key, key);
    if (!known) {
      const auto it = set_by.find(key);
      throw InputError((it != set_by.end() ? "--set '" + it->second + "'" : position_of(t, key, path)) +
                       ": unknown key '" + key +
                       "' (did you mean '" + nearest_key(key) + "'?)");
    }
  }
  const Reader r(t, path, set_by);
  RunConfig c;
  c.path = path;
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string(".") : path.substr(0, slash);
  c.model = r.text("model", "rothc");
  if (!is_model_name(c.model))
    r.fail("model", "= '" + c.model + "' is not a registered model; valid models: " + model_names());
  c.start_year = r.integer("run.start_year", 1990);
  c.end_year = r.integer("run.end_year", 2100);
  if (c.end_year < c.start_year)
    throw InputError(path + ": run.end_year (" + std::to_string(c.end_year) + ") is before run.start_year (" +
                     std::to_string(c.start_year) + ")");
  c.grid = grids::GridSpec::from_extent(r.text("grid.crs", "EPSG:2154"), r.number("grid.xmin", 0, true),
                                        r.number("grid.ymin", 0, true), r.number("grid.xmax", 0, true),
                                        r.number("grid.ymax", 0, true), r.number("grid.resolution", 0, true));
  c.land_mask = resolve_path(dir, r.text("inputs.land_mask", "", true));
  c.land_use = resolve_path(dir, r.text("inputs.land_use", "", true));
  c.clay = resolve_path(dir, r.text("inputs.clay", "", true));
  c.soc_stock = resolve_path(dir, r.text("inputs.soc_stock", "", true));
  c.carbon_input = resolve_path(dir, r.text("inputs.carbon_input", "", true));
  c.climate = resolve_path(dir, r.text("inputs.climate", "", true));
  c.cost_weight = resolve_path(dir, r.text("inputs.cost_weight", ""));
  c.resampling_continuous = grids::parse_resampling(r.text("inputs.resampling", "average"), path + ": inputs.resampling");
  c.var_tas = r.text("inputs.tas_variable", "tas");
  c.var_pr = r.text("inputs.pr_variable", "pr");
  c.var_pet = r.text("inputs.pet_variable", "pet");
  {
    using Reading = grids::MonthlyForcing::Reading;
    const std::string reading = r.text("inputs.climate_reading", "auto");
    if (reading == "auto") c.climate_reading = Reading::automatic;
    else if (reading == "shared") c.climate_reading = Reading::shared;
    else if (reading == "per_rank") c.climate_reading = Reading::per_rank;
    else r.fail("inputs.climate_reading", "must be \"auto\", \"shared\" or \"per_rank\", got \"" + reading + "\"");
  }
  c.spinup_years = r.integer("spinup.years", 10);
  if (c.spinup_years < 1) throw InputError(path + ": key 'spinup.years' must be >= 1");
  c.spinup_method = r.text("spinup.method", "equilibrium");
  if (c.spinup_method != "equilibrium" && c.spinup_method != "inverse" && c.spinup_method != "brute_force")
    r.fail("spinup.method", "must be \"equilibrium\", \"inverse\" or \"brute_force\", got \"" + c.spinup_method + "\"");
  c.soil_depth_cm = r.number("run.soil_depth_cm", 30.0);
  if (!(c.soil_depth_cm > 0.0 && c.soil_depth_cm <= 300.0))
    r.fail("run.soil_depth_cm", "must be within (0, 300] cm");
  for (const auto& binding : registered_models()) {
    const auto& info = binding.info;
    const auto* table = t.at_path(info.name + ".parameters").as_table();
    if (!table) continue;
    if (info.name != c.model)
      throw InputError(path + ": [" + info.name + ".parameters] sets parameters of " + info.name + ", but model = \"" +
                       c.model + "\"");
    for (const auto& [k, v] : *table) {
      const std::string name(k.str()), key = info.name + ".parameters." + name;
      const auto row = std::find_if(info.parameters.begin(), info.parameters.end(),
                                    [&](const models::ParameterRow& p) { return p.name == name; });
      if (row == info.parameters.end()) {
        std::vector<std::string> names;
        for (const auto& p : info.parameters) names.push_back(p.name);
        throw InputError(path + ": unknown " + info.name + " parameter '" + name + "' (did you mean '" +
                         nearest_name(name, names) + "'? see `alamod models show " + info.name + "`)");
      }
      const double value = r.number(key, 0.0);
      if (!(value >= row->lower && value <= row->upper))
        throw InputError(path + ": key '" + key + "' = " + std::to_string(value) + " " + row->unit +
                         " is outside its bounds [" + std::to_string(row->lower) + ", " + std::to_string(row->upper) + "]");
      c.model_parameters.emplace_back(name, value);
    }
  }
  if (const auto* lu = t["land_use"].as_table()) {
    for (const auto& [name, node] : *lu) {
      const std::string base = "land_use." + std::string(name.str());
      LandUseClass k;
      k.name = std::string(name.str());
      if (!node.is_table()) r.fail(base, "must be a table");
      if (!r.has(base + ".code")) r.fail(base + ".code", "is required");
      k.code = r.integer(base + ".code", 0);
      k.dpm_rpm_ratio = r.number(base + ".dpm_rpm_ratio", 1.44);
      if (!(k.dpm_rpm_ratio > 0.0)) r.fail(base + ".dpm_rpm_ratio", "must be > 0");
      k.input_share = r.month_array(base + ".input_share", 1.0 / 12.0);
      double sum = 0.0;
      for (double s : k.input_share) {
        if (s < 0.0) r.fail(base + ".input_share", "must not hold negative shares");
        sum += s;
      }
      if (std::fabs(sum - 1.0) > 1e-6) r.fail(base + ".input_share", "must sum to 1, sums to " + std::to_string(sum));
      k.covered = r.month_array(base + ".covered", 1.0);
      for (double s : k.covered)
        if (s != 0.0 && s != 1.0) r.fail(base + ".covered", "must hold only 0 (bare) or 1 (vegetated)");
      k.fym = r.number(base + ".fym", 0.0);
      if (k.fym < 0.0) r.fail(base + ".fym", "must be >= 0 t ha-1 yr-1");
      k.lignin_fraction = r.number(base + ".lignin_fraction", k.lignin_fraction);
      if (!(k.lignin_fraction > 0.0 && k.lignin_fraction < 1.0)) r.fail(base + ".lignin_fraction", "must be within (0, 1)");
      k.n_fraction = r.number(base + ".n_fraction", k.n_fraction);
      if (!(k.n_fraction > 0.0 && k.n_fraction < 1.0)) r.fail(base + ".n_fraction", "must be within (0, 1)");
      if (r.has(base + ".awen")) {
        const auto* a = t.at_path(base + ".awen").as_array();
        if (!a || a->size() != 4) r.fail(base + ".awen", "must be an array of 4 numbers (A, W, E, N shares)");
        double sum = 0.0;
        for (std::size_t j = 0; j < 4; ++j) {
          const auto v = (*a)[j].value<double>();
          if (!v || !std::isfinite(*v) || *v < 0.0) r.fail(base + ".awen", "must hold 4 finite numbers >= 0");
          k.awen[j] = *v;
          sum += *v;
        }
        if (std::fabs(sum - 1.0) > 1e-6) r.fail(base + ".awen", "must sum to 1, sums to " + std::to_string(sum));
      }
      for (const auto& other : c.land_uses)
        if (other.code == k.code)
          r.fail(base + ".code", "= " + std::to_string(k.code) + " is already the code of land_use." + other.name +
                                     " (each class needs its own code in the land-use raster)");
      c.land_uses.push_back(k);
    }
  }
  if (c.land_uses.empty()) throw InputError(path + ": no [land_use.NAME] table: at least one land-use class is needed");
  c.output_name = r.text("output.file", "carbon_yearly.nc");
  if (c.output_name.find('/') != std::string::npos) r.fail("output.file", "must be a file name, not a path");
  if (c.output_name.empty() || c.output_name == "." || c.output_name == "..")
    r.fail("output.file", "must be a file name, e.g. \"carbon_yearly.nc\", got \"" + c.output_name + "\"");
  c.deflate_level = r.integer("output.deflate_level", 1);
  if (c.deflate_level < 0 || c.deflate_level > 9) r.fail("output.deflate_level", "must be within 0-9");
  const std::string prec = r.text("output.precision", "float");
  if (prec != "float" && prec != "double") r.fail("output.precision", "must be \"float\" or \"double\"");
  c.double_precision = prec == "double";
  c.significant_bits = r.integer("output.significant_bits", 0);
  {
    const std::string low = r.text("output.deflate_low_bytes", "deflate");
    if (low != "deflate" && low != "runs")
      r.fail("output.deflate_low_bytes", "must be \"deflate\" or \"runs\", got \"" + low + "\"");
    c.low_bytes_by_runs = low == "runs";
  }
  if (c.significant_bits < 0 || c.significant_bits > (c.double_precision ? 52 : 23))
    r.fail("output.significant_bits", std::string("must be 0 (lossless) or 1-") + (c.double_precision ? "52" : "23") +
                                          " for output.precision = \"" + prec + "\"");
  c.balance_tolerance = r.number("checks.balance_tolerance", 1e-9);
  if (!(c.balance_tolerance > 0.0)) r.fail("checks.balance_tolerance", "must be > 0 (a relative tolerance)");
  c.checkpoint_every_years = r.integer("checkpoint.every_years", 0);
  if (c.checkpoint_every_years < 0) r.fail("checkpoint.every_years", "must be >= 0");
  const std::string rebalance = r.text("decomposition.rebalance", "measured");
  {
    using M = RunConfig::Rebalance;
    bool known = false;
    for (const M m : {M::measured, M::always, M::fixed})
      if (rebalance == RunConfig::name(m)) c.rebalance = m, known = true;
    if (!known)
      r.fail("decomposition.rebalance", "must be \"measured\", \"always\" or \"static\", got \"" + rebalance + "\"");
  }
  c.rebalance_threshold = r.number("decomposition.rebalance_threshold", 0.02);
  if (!(c.rebalance_threshold >= 0.0 && c.rebalance_threshold < 10.0))
    r.fail("decomposition.rebalance_threshold", "must be within 0-10 (a fraction of the mean compute time)");
  c.rebalance_every_years = r.integer("decomposition.rebalance_every_years", 8);
  if (!(c.rebalance_every_years >= 1 && c.rebalance_every_years <= 1000))
    r.fail("decomposition.rebalance_every_years", "must be within 1-1000 simulated years, got " +
                                                      std::to_string(c.rebalance_every_years));
  std::ostringstream os;
  os << t;
  c.resolved = os.str();
  c.sha256 = grids::sha256_hex(c.resolved);
  {
    toml::table science = t;
    science.erase("checkpoint");
    science.erase("decomposition");  // where cells are computed does not change the results
    std::ostringstream ss;
    ss << science;
    c.science_sha256 = grids::sha256_hex(ss.str());
  }
  return c;
}

}  // namespace alamod::engine
