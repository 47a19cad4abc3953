#include "engine/site/site_run.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <stdexcept>
#include <toml++/toml.h>
#include <type_traits>

#include "engine/common/provenance.hpp"
#include "engine/site/site_forcing.hpp"
#include "engine/spinup/spinup.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"
#include "models/amg/amg.hpp"
#include "models/century/century.hpp"
#include "models/icbm/icbm.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"
#include "models/registry.hpp"
#include "models/rothc/rothc.hpp"
#include "models/yasso/yasso.hpp"

namespace alamod::engine {

namespace {

namespace m = alamod::models;

constexpr double kBalanceTolerance = 1e-9;        ///< per-step carbon balance, relative to the stocks and fluxes
constexpr double kEquilibriumTolerance = 1e-10;   ///< nonlinear spin-up: relative annual change of total C
constexpr double kCycleTolerance = 1e-6;          ///< `cycle` spin-up: |annual change of total C| (t ha-1), Shell.for
constexpr double kResidualTolerance = 1e-8;       ///< exact equilibrium: relative change over one more cycle
constexpr long kMaxSpinupYears = 1000000;         ///< give up beyond this many cycled years
constexpr int kDefaultSpinupYears = 10;           ///< years at the start of the forcing cycled by the spin-up
constexpr double kTonnesPerHaPerGramPerM2 = 0.01; ///< 1 g m-2 = 0.01 t ha-1

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string full(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

/// Carbon crossing the boundary of the soil during one model step (t ha-1).
struct Flux {
  double input, rh, leaching;
};

// ---------------------------------------------------------------------------------------------
// Parameter files: a [parameters] table of kParameterInfo names; [fit] and [provenance] ignored.
// ---------------------------------------------------------------------------------------------

struct ParameterEntry {
  std::string key;
  double value;
  int line, column;
};

struct ParameterFile {
  std::string path;  ///< "" when none was given
  std::vector<ParameterEntry> entries;
  std::string model;  ///< its `model` key (written by alamod calibrate), "" when absent
  int model_line = 0, model_column = 0;
};

ParameterFile read_parameter_file(const std::string& path) {
  ParameterFile pf;
  pf.path = path;
  if (path.empty()) return pf;
  std::ifstream in(path);
  if (!in) throw InputError(path + ": parameter file not found or not readable");
  toml::table t;
  try {
    t = toml::parse(in, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": " + std::string(e.description()) +
                     ", expected TOML with a [parameters] table");
  }
  for (const auto& [k, node] : t) {
    const std::string key(k.str());
    const int line = static_cast<int>(k.source().begin.line), col = static_cast<int>(k.source().begin.column);
    if (key == "fit" || key == "provenance") continue;  // written by alamod calibrate, not read here
    if (key == "model") {  // written by alamod calibrate; checked against --model by run_site
      if (!node.is_string())
        throw InputError(path + ":" + std::to_string(line) + ":" + std::to_string(col) +
                         " (model): must be a model name in quotes, e.g. model = \"rothc\"");
      pf.model = node.as_string()->get();
      pf.model_line = line;
      pf.model_column = col;
      continue;
    }
    if (key != "parameters" || !node.is_table())
      throw InputError(path + ":" + std::to_string(line) + ":" + std::to_string(col) + " (" + key +
                       "): unknown table or key, expected a [parameters] table (and optionally [fit], [provenance])");
    for (const auto& [pk, pv] : *node.as_table()) {
      const std::string name(pk.str());
      const int pl = static_cast<int>(pk.source().begin.line), pc = static_cast<int>(pk.source().begin.column);
      double v = 0;
      if (pv.is_integer()) v = static_cast<double>(pv.as_integer()->get());
      else if (pv.is_floating_point()) v = pv.as_floating_point()->get();
      else
        throw InputError(path + ":" + std::to_string(pl) + ":" + std::to_string(pc) + " (" + name +
                         "): not a number, expected name = value in the parameter's unit");
      pf.entries.push_back({name, v, pl, pc});
    }
  }
  return pf;
}

/// Set the parameters of `p` named in the file; returns "name = value unit" of each.
template <class P, std::size_t N>
std::vector<std::string> apply_parameters(const ParameterFile& pf, const std::array<m::ParameterInfo<P>, N>& info,
                                          const std::string& model, P& p, std::vector<std::string>* set_names) {
  std::vector<std::string> set;
  for (const auto& e : pf.entries) {
    const std::string where = pf.path + ":" + std::to_string(e.line) + ":" + std::to_string(e.column) + " (" + e.key + ")";
    const auto it = std::find_if(info.begin(), info.end(), [&](const auto& i) { return i.name == e.key; });
    if (it == info.end()) {
      std::vector<std::string> names;
      for (const auto& i : info) names.emplace_back(i.name);
      throw InputError(where + ": unknown parameter of " + model + ", expected one of its parameter names (nearest: '" +
                       nearest_name(e.key, names) + "'; `alamod models show " + model + "` lists them)");
    }
    if (!(e.value >= it->lower && e.value <= it->upper))
      throw InputError(where + ": value " + num(e.value) + " is outside the bounds of " + model + "'s " + e.key +
                       ", expected " + num(it->lower) + " to " + num(it->upper) + " " + std::string(it->unit) + " (" +
                       std::string(it->description) + ")");
    p.*(it->member) = e.value;
    set.push_back(e.key + " = " + full(e.value) + " " + std::string(it->unit));
    if (set_names) set_names->push_back(e.key);
  }
  return set;
}

template <class P, class Validate>
void validate_parameters(const ParameterFile& pf, const P& p, Validate validate) {
  try {
    validate(p);
  } catch (const std::invalid_argument& e) {
    throw InputError((pf.path.empty() ? std::string("default parameters") : pf.path) + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------------
// What every adapter receives.
// ---------------------------------------------------------------------------------------------

struct AdapterInput {
  const SiteForcing& f;
  const StepSeries& s;
  std::size_t spinup_steps;                      ///< model steps of the spin-up cycle
  const std::vector<std::string>& set_names;     ///< parameters set by the parameter file
  std::vector<std::string>& notes;               ///< derived inputs and assumptions
  std::string model;
};

/// A column of the series, or `fallback` repeated (with a note), or an error naming the column.
std::vector<double> series_or(const AdapterInput& in, const std::string& name, double fallback, const std::string& note) {
  if (in.s.has(name)) return in.s.at(name);
  if (std::isnan(fallback)) in.f.column(name, in.model);  // throws: missing column
  if (!note.empty()) in.notes.push_back(note);
  return std::vector<double>(in.s.steps(), fallback);
}

/// Plant plus manure carbon per step (t ha-1); c_input is required.
std::vector<double> carbon_inputs(const AdapterInput& in) {
  std::vector<double> c = series_or(in, "c_input", NAN, "");
  if (in.s.has("fym"))
    for (std::size_t i = 0; i < c.size(); ++i) c[i] += in.s.at("fym")[i];
  return c;
}

/// Soil temperature: tsoil, or tas with a note.
std::vector<double> soil_temperature(const AdapterInput& in) {
  if (in.s.has("tsoil")) return in.s.at("tsoil");
  if (!in.s.has("tas"))
    throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) + " (tsoil): missing column, " + in.model +
                     " needs tsoil or tas (degC)");
  in.notes.push_back("soil temperature = air temperature (no tsoil column)");
  return in.s.at("tas");
}

double property_noted(const AdapterInput& in, const std::string& key, double fallback, const std::string& unit) {
  const bool given = in.f.has_number(key) || in.f.has_column(key);
  const double v = in.f.property(key, fallback, in.model);
  if (!given) in.notes.push_back(key + " = " + num(fallback) + " " + unit + " (not in the forcing; default)");
  return v;
}

[[noreturn]] void rethrow_site(const AdapterInput& in, const std::exception& e) {
  throw InputError(in.f.path + ": " + e.what() + " (site properties for " + in.model + ")");
}

// ---------------------------------------------------------------------------------------------
// Adapters: one per model, each the same small set of members, chosen once by name (no virtual
// call per step). state() holds the pools the model changes, in its own unit; total() is the sum
// of all pools in t ha-1; step(i, inputs) advances one model step with the forcing of step i
// (inputs = false: no carbon inputs, for the affine spin-up).
// ---------------------------------------------------------------------------------------------

struct RothcSite {
  static constexpr TimeStep kStep = TimeStep::month;
  static constexpr bool kLinear = true, kLeaching = false;
  m::rothc::Parameters p;
  m::rothc::SoilConstants sc{};
  std::vector<m::rothc::CellForcing> forcing;
  double iom = 0;  ///< t C ha-1, constant
  m::rothc::CellState x{0, 0, 0, 0, 0};
  double smd_start = 0;

  RothcSite(const AdapterInput& in, const m::rothc::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto tas = series_or(in, "tas", NAN, "");
    const auto pr = series_or(in, "pr", NAN, "");
    std::vector<double> evap;
    if (s.has("evap")) {
      evap = s.at("evap");
    } else if (s.has("pet")) {
      evap = s.at("pet");
      for (double& e : evap) e /= p.evap_factor;
      in.notes.push_back("open-pan evaporation = pet / evap_factor (no evap column)");
    } else {
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) +
                       " (evap): missing column, rothc needs evap (open-pan evaporation) or pet, in mm per step");
    }
    const auto cin = series_or(in, "c_input", NAN, "");
    const auto fym = series_or(in, "fym", 0.0, "");
    const auto cover = series_or(in, "cover", 1.0, "soil vegetated every month (no cover column)");
    std::vector<double> ratio;
    if (s.has("dpm_rpm_ratio")) {
      ratio = s.at("dpm_rpm_ratio");
    } else {
      double r = m::rothc::kDpmRpmCrop;
      std::string why = "no dpm_rpm_ratio; land_use cropland or not given";
      if (in.f.has_number("dpm_rpm_ratio")) {
        r = in.f.numbers.at("dpm_rpm_ratio");
        why = "metadata dpm_rpm_ratio";
      } else if (in.f.texts.count("land_use")) {
        const std::string& lu = in.f.texts.at("land_use");
        if (lu == "grassland") r = m::rothc::kDpmRpmGrassland, why = "land_use grassland";
        if (lu == "forest") r = m::rothc::kDpmRpmWoodland, why = "land_use forest";
      }
      in.notes.push_back("DPM/RPM ratio = " + num(r) + " (" + why + ")");
      ratio.assign(s.steps(), r);
    }
    for (std::size_t i = 0; i < s.steps(); ++i)
      forcing.push_back({tas[i], pr[i], evap[i], cin[i], fym[i], cover[i] >= 0.5 ? 1.0 : 0.0,
                         ratio[i] / (ratio[i] + 1.0)});
    m::rothc::SoilProperties soil;
    soil.clay_pct = in.f.property("clay", NAN, "rothc");
    soil.depth_cm = property_noted(in, "depth", 23.0, "cm");
    auto option = m::rothc::MoistureOption::standard;
    if (in.f.has_number("rothc_moisture_option")) {
      option = static_cast<m::rothc::MoistureOption>(static_cast<int>(in.f.numbers.at("rothc_moisture_option")));
      if (option != m::rothc::MoistureOption::standard) {
        const std::string why = "rothc moisture option " + std::to_string(static_cast<int>(option)) + " (Farina et al. 2013)";
        soil.silt_pct = in.f.property("silt", NAN, why);
        soil.bulk_density = in.f.property("bulk_density", NAN, why);
        soil.organic_carbon_pct = in.f.property("organic_carbon", NAN, why);
        in.notes.push_back(why + ": deficits from the soil's water retention (clay, silt, bulk density, organic carbon)");
      }
    }
    try {
      sc = m::rothc::derive_soil_constants(p, soil, option);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
    if (in.f.has_number("iom")) {
      iom = in.f.numbers.at("iom");
    } else if (in.f.has_number("soc_initial")) {
      iom = m::rothc::falloon_iom(in.f.numbers.at("soc_initial"));
      in.notes.push_back("IOM = 0.049 soc_initial^1.139 = " + num(iom) + " t ha-1 (Falloon et al. 1998)");
    } else {
      throw InputError(in.f.path + ": missing metadata (iom), rothc needs iom (t ha-1) or soc_initial (t ha-1, "
                       "IOM = 0.049 soc_initial^1.139); expected a line '# iom: VALUE t ha-1' before the header");
    }
  }
  static std::vector<std::string> pool_names() { return {"DPM", "RPM", "BIO", "HUM", "IOM"}; }
  std::vector<double> pools() const { return {x.dpm, x.rpm, x.bio, x.hum, iom}; }
  double active_total() const { return x.dpm + x.rpm + x.bio + x.hum; }
  double total() const { return active_total() + iom; }
  double constant_total() const { return iom; }
  std::vector<double> state() const { return {x.dpm, x.rpm, x.bio, x.hum}; }
  void set_state(const std::vector<double>& v) { x.dpm = v[0], x.rpm = v[1], x.bio = v[2], x.hum = v[3]; }
  /// The deficit at the start of the cycle that repeats itself (it does not depend on the pools).
  void begin_cycle(std::size_t k_steps) {
    double smd = 0.0;
    for (int it = 0; it < 1000; ++it) {
      const double start = smd;
      for (std::size_t k = 0; k < k_steps; ++k)
        smd = m::rothc::update_deficit(p, sc, smd, forcing[k].rain_mm, forcing[k].evap_mm, forcing[k].covered);
      if (smd == start) break;
    }
    smd_start = smd;
  }
  void reset_aux() { x.smd = smd_start; }
  void cold_start(std::size_t) { x = {0, 0, 0, 0, 0}; }  // Shell.for: empty pools, deficit 0
  Flux step(std::size_t i, bool inputs) {
    m::rothc::CellForcing f = forcing[i];
    if (!inputs) f.c_input = f.fym = 0.0;
    const double co2 = m::rothc::step_cell(p, sc, f, x);
    return {f.c_input + f.fym, co2, 0.0};
  }
};

struct AmgSite {
  static constexpr TimeStep kStep = TimeStep::year;
  static constexpr bool kLinear = true, kLeaching = false;
  static constexpr double kPlantHumification = 0.3;   ///< 0.5 h_AG + 0.5 h_BG of the default crop (1)
  static constexpr double kManureHumification = 0.64; ///< bovine manure, parameters_EOM.csv (1)
  m::amg::Parameters p;
  std::vector<double> k, humified;  ///< yr-1, t C ha-1 yr-1
  double soc0 = 0;
  m::amg::Stocks st{0, 0, 0};
  double h_prev = 0, h_start = 0;

  AmgSite(const AdapterInput& in, const m::amg::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto tas = series_or(in, "tas", NAN, "");
    const auto pr = series_or(in, "pr", NAN, "");
    const auto pet = series_or(in, "pet", NAN, "");
    m::amg::Soil soil;
    soil.clay_g_kg = in.f.property("clay", NAN, "amg") * 10.0;  // percent -> g kg-1
    soil.caco3_g_kg = property_noted(in, "caco3", 0.0, "g kg-1");
    soil.ph = property_noted(in, "ph", 7.0, "1");
    soil.cn_ratio = property_noted(in, "cn_ratio", 10.0, "1");
    soc0 = in.f.number("soc_initial", "amg (stable pool = ps soc_initial)");
    const double depth = property_noted(in, "depth", 30.0, "cm");
    const auto fym = series_or(in, "fym", 0.0, "");
    std::vector<double> plant(s.steps(), 0.0);
    if (s.has("yield")) {
      const m::amg::CropParameters crop{};
      for (std::size_t i = 0; i < s.steps(); ++i)
        plant[i] = m::amg::crop_inputs(p, crop, m::amg::CropType::main, s.at("yield")[i], 0.0, true, depth).c_plant_hum;
      in.notes.push_back("humified plant input from yield (Bolinder et al. 2007, default crop coefficients, residues returned)");
    } else {
      const auto cin = series_or(in, "c_input", NAN, "");
      for (std::size_t i = 0; i < s.steps(); ++i) plant[i] = cin[i] * kPlantHumification;
      in.notes.push_back("humified plant input = 0.3 c_input (half aboveground h 0.2, half belowground h 0.4)");
    }
    if (s.has("fym")) in.notes.push_back("humified manure input = 0.64 fym (bovine manure, parameters_EOM.csv)");
    for (std::size_t i = 0; i < s.steps(); ++i) {
      const m::amg::Climate c{tas[i], pr[i], 0.0, pet[i]};
      k.push_back(m::amg::mineralisation_rate(p, soil, c, m::amg::Rounding::none).k);
      humified.push_back(plant[i] + kManureHumification * fym[i]);
    }
    in.notes.push_back("c_input and rh columns: humified input of the previous year entering the active pool, "
                       "carbon mineralised from it (the non-humified part of the inputs is in neither)");
    st = m::amg::initial_stocks(p, soc0, m::amg::Rounding::none);
    h_prev = humified.front();
  }
  static std::vector<std::string> pool_names() { return {"active", "stable"}; }
  std::vector<double> pools() const { return {st.active, st.stable}; }
  double active_total() const { return st.active; }
  double total() const { return st.active + st.stable; }
  double constant_total() const { return st.stable; }
  std::vector<double> state() const { return {st.active}; }
  void set_state(const std::vector<double>& v) {
    st.active = v[0];
    st.total = st.stable + st.active;
  }
  void begin_cycle(std::size_t k_steps) { h_start = humified[k_steps - 1]; }
  void reset_aux() { h_prev = h_start; }
  void cold_start(std::size_t k_steps) {
    begin_cycle(k_steps);
    set_state({0.0});
    reset_aux();
  }
  Flux step(std::size_t i, bool inputs) {
    const double h = inputs ? h_prev : 0.0;
    const double mineralised = m::amg::step_year(k[i], h, st, m::amg::Rounding::none);
    h_prev = inputs ? humified[i] : 0.0;
    return {h, mineralised, 0.0};
  }
};

struct IcbmSite {
  static constexpr TimeStep kStep = TimeStep::year;
  static constexpr bool kLinear = true, kLeaching = false;
  m::icbm::Parameters p;
  std::vector<m::icbm::CellForcing> forcing;
  m::icbm::CellState x{0, 0};

  IcbmSite(const AdapterInput& in, const m::icbm::Parameters& par) : p(par) {
    const auto c = carbon_inputs(in);
    std::vector<double> re;
    if (in.s.has("re")) re = in.s.at("re");
    else re.assign(in.s.steps(), property_noted(in, "re", 1.0, "1 (Ultuna reference climate)"));
    for (std::size_t i = 0; i < in.s.steps(); ++i) forcing.push_back({c[i], re[i]});
  }
  static std::vector<std::string> pool_names() { return {"young", "old"}; }
  std::vector<double> pools() const { return {x.young, x.old}; }
  double active_total() const { return x.young + x.old; }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return {x.young, x.old}; }
  void set_state(const std::vector<double>& v) { x = {v[0], v[1]}; }
  void begin_cycle(std::size_t) {}
  void reset_aux() {}
  void cold_start(std::size_t) { x = {0, 0}; }
  Flux step(std::size_t i, bool inputs) {
    m::icbm::CellForcing f = forcing[i];
    if (!inputs) f.c_input = 0.0;
    const auto fl = m::icbm::step_cell(p, f, m::icbm::kYear, x);
    return {fl.input, fl.respired, 0.0};
  }
};

struct YassoSite {
  static constexpr TimeStep kStep = TimeStep::year;
  static constexpr bool kLinear = true, kLeaching = true;
  m::yasso::Parameters p;
  std::vector<m::yasso::Climate> climate;
  std::vector<m::yasso::Pools> input;  ///< t C ha-1 yr-1
  m::yasso::Site site{};
  m::yasso::Pools x{};

  YassoSite(const AdapterInput& in, const m::yasso::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto tas = series_or(in, "tas", NAN, "");
    const auto pr = series_or(in, "pr", NAN, "");
    std::vector<double> amplitude;
    if (s.has("tas_amplitude")) {
      amplitude = s.at("tas_amplitude");
    } else if (in.f.has_number("tas_amplitude")) {
      amplitude.assign(s.steps(), in.f.numbers.at("tas_amplitude"));
    } else if (in.f.step == TimeStep::year) {
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) + " (tas_amplitude): missing column, " +
                       in.model + " on an annual forcing needs tas_amplitude (degC), half the range of the monthly "
                       "mean temperatures, as a column or metadata");
    } else {
      const StepSeries months = resample(in.f, TimeStep::month);
      const auto& mt = months.at("tas");
      for (std::size_t y = 0; y < s.steps(); ++y) {
        const auto first = mt.begin() + static_cast<std::ptrdiff_t>(12 * y);
        const auto [lo, hi] = std::minmax_element(first, first + 12);
        amplitude.push_back((*hi - *lo) / 2.0);
      }
      in.notes.push_back("temperature amplitude = (warmest - coldest monthly mean) / 2 of each year");
    }
    const auto c = carbon_inputs(in);
    std::array<std::vector<double>, 4> shares;
    const char* names[4] = {"awen_a", "awen_w", "awen_e", "awen_n"};
    const double defaults[4] = {0.52, 0.18, 0.08, 0.22};
    int given = 0;
    for (int j = 0; j < 4; ++j) given += (s.has(names[j]) || in.f.has_number(names[j])) ? 1 : 0;
    if (given != 0 && given != 4)
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) +
                       " (awen_a): incomplete AWEN split, expected all of awen_a, awen_w, awen_e, awen_n or none");
    for (int j = 0; j < 4; ++j) {
      if (s.has(names[j])) shares[j] = s.at(names[j]);
      else shares[j].assign(s.steps(), given ? in.f.numbers.at(names[j]) : defaults[j]);
    }
    if (!given) in.notes.push_back("AWEN shares of the inputs 0.52 0.18 0.08 0.22 (non-woody litter; no awen_* columns)");
    for (std::size_t i = 0; i < s.steps(); ++i) {
      const double sum = shares[0][i] + shares[1][i] + shares[2][i] + shares[3][i];
      if (std::fabs(sum - 1.0) > 1e-3)
        throw InputError(in.f.path + ":" + std::to_string(s.first_line[i]) + " (awen_a): awen_a + awen_w + awen_e + "
                         "awen_n = " + num(sum) + ", expected 1 (shares of c_input)");
      climate.push_back({tas[i], pr[i], amplitude[i]});
      input.push_back({c[i] * shares[0][i], c[i] * shares[1][i], c[i] * shares[2][i], c[i] * shares[3][i], 0.0});
    }
    site.size_cm = in.f.property("litter_diameter", 0.0, in.model);
    site.leaching = in.f.property("leaching", 0.0, in.model);
    in.notes.push_back("litter diameter " + num(site.size_cm) + " cm" + (site.size_cm > 0 ? " (woody size effect)" : " (non-woody)") +
                       ", leaching coefficient " + num(site.leaching) + " m-1" +
                       (in.f.has_number("litter_diameter") || in.f.has_number("leaching") ? "" : " (metadata litter_diameter, leaching not given)"));
  }
  static std::vector<std::string> pool_names() { return {"A", "W", "E", "N", "H"}; }
  std::vector<double> pools() const { return {x[0], x[1], x[2], x[3], x[4]}; }
  double active_total() const { return x[0] + x[1] + x[2] + x[3] + x[4]; }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return pools(); }
  void set_state(const std::vector<double>& v) { std::copy(v.begin(), v.end(), x.begin()); }
  void begin_cycle(std::size_t) {}
  void reset_aux() {}
  void cold_start(std::size_t) { x = {}; }
  Flux step(std::size_t i, bool inputs) {
    const m::yasso::Pools b = inputs ? input[i] : m::yasso::Pools{};
    const auto fl = m::yasso::step(p, climate[i], site, b, m::yasso::kYear, x);
    return {fl.input, fl.respired, fl.leached};
  }
};

struct CenturySite {
  static constexpr TimeStep kStep = TimeStep::month;
  static constexpr bool kLinear = true, kLeaching = false;
  static constexpr double kSurfaceShare = 0.5;  ///< share of c_input entering the surface pools (1)
  m::century::Parameters p;
  m::century::SiteConstants sc{};
  std::vector<m::century::CellForcing> forcing;
  m::century::Pools x{};

  CenturySite(const AdapterInput& in, const m::century::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto temp = soil_temperature(in);
    const auto pr = series_or(in, "pr", NAN, "");
    // potential evapotranspiration: the pet column, else 0.75 x open-pan evaporation (the RothC relation)
    std::vector<double> pet;
    if (!s.has("pet") && s.has("evap")) {
      pet = series_or(in, "evap", NAN, "");
      for (auto& v : pet) v *= 0.75;
      in.notes.push_back("pet = 0.75 evap (open-pan evaporation to evapotranspiration, as RothC)");
    } else {
      pet = series_or(in, "pet", NAN, "");
    }
    const auto cin = series_or(in, "c_input", NAN, "");
    const auto fym = series_or(in, "fym", 0.0, "");
    in.notes.push_back("half of c_input to the surface litter pools, half to the soil litter pools; fym to the surface");
    m::century::Site site;
    site.clay = in.f.property("clay", NAN, "century") / 100.0;
    site.silt = property_noted(in, "silt", 45.0, "percent") / 100.0;
    const bool quality = (s.has("lignin_fraction") || in.f.has_number("lignin_fraction")) &&
                         (s.has("n_fraction") || in.f.has_number("n_fraction"));
    if (quality) {
      site.lignin_to_nitrogen =
          in.f.property("lignin_fraction", NAN, "century") / in.f.property("n_fraction", NAN, "century");
    } else {
      in.notes.push_back("lignin:N of the inputs 0.5, lignin share of structural litter 0.1 (SoilR defaults)");
    }
    try {
      sc = m::century::derive_site_constants(p, site);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
    for (std::size_t i = 0; i < s.steps(); ++i) {
      const double moisture = pet[i] > 0.0 ? m::century::moisture_factor(p, pr[i], pet[i]) : 1.0;
      const double xi = m::century::temperature_factor(p, temp[i]) * moisture;
      const double rate = 1.0 / m::century::kMonth;  // per month -> per year
      forcing.push_back({(kSurfaceShare * cin[i] + fym[i]) * rate, (1.0 - kSurfaceShare) * cin[i] * rate, xi});
    }
  }
  static std::vector<std::string> pool_names() {
    return {"surface_structural", "surface_metabolic", "soil_structural", "soil_metabolic", "active", "slow", "passive"};
  }
  std::vector<double> pools() const { return std::vector<double>(x.begin(), x.end()); }
  double active_total() const {
    double t = 0;
    for (double v : x) t += v;
    return t;
  }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return pools(); }
  void set_state(const std::vector<double>& v) { std::copy(v.begin(), v.end(), x.begin()); }
  void begin_cycle(std::size_t) {}
  void reset_aux() {}
  void cold_start(std::size_t) { x = {}; }
  Flux step(std::size_t i, bool inputs) {
    m::century::CellForcing f = forcing[i];
    if (!inputs) f.surface_input = f.soil_input = 0.0;
    const auto fl = m::century::step(sc, f, m::century::kMonth, x);
    return {fl.input, fl.respired, 0.0};
  }
};

struct MillennialSite {
  static constexpr TimeStep kStep = TimeStep::day;
  static constexpr bool kLinear = false, kLeaching = true;
  m::millennial::Parameters p;
  m::millennial::SoilConstants sc{};
  std::vector<m::millennial::DailyForcing> forcing;
  m::millennial::State x{0, 0, 0, 0, 0};

  MillennialSite(const AdapterInput& in, const m::millennial::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto temp = soil_temperature(in);
    const auto swc = series_or(in, "swc", NAN, "");
    const auto c = carbon_inputs(in);
    for (std::size_t i = 0; i < s.steps(); ++i) {
      if (swc[i] > p.porosity)
        throw InputError(in.f.path + ":" + std::to_string(s.first_line[i]) + " (swc): soil water content " +
                         num(swc[i]) + " m3 m-3 exceeds millennial's porosity " + num(p.porosity) +
                         ", expected <= porosity");
      forcing.push_back({temp[i], swc[i], c[i] / kTonnesPerHaPerGramPerM2});
    }
    m::millennial::SiteProperties site;
    site.clay_pct = in.f.property("clay", NAN, "millennial");
    if (in.f.has_number("silt") || in.f.has_column("silt")) {
      site.clay_pct += in.f.property("silt", NAN, "millennial");
      in.notes.push_back("mineral capacity from clay + silt (Abramoff et al. 2022)");
    } else {
      in.notes.push_back("mineral capacity from clay only (no silt given)");
    }
    site.ph = property_noted(in, "ph", 7.0, "1 (official Fortran value)");
    site.bulk_density = property_noted(in, "bulk_density", 1.0, "g cm-3 (official Fortran value)") * 1000.0;
    try {
      sc = m::millennial::derive_soil_constants(p, site);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
  }
  static std::vector<std::string> pool_names() { return {"POM", "LMWC", "AGG", "MIC", "MAOM"}; }
  std::vector<double> pools() const {
    const double k = kTonnesPerHaPerGramPerM2;
    return {x.pom * k, x.lmwc * k, x.agg * k, x.mic * k, x.maom * k};
  }
  double active_total() const { return m::millennial::total_carbon(x) * kTonnesPerHaPerGramPerM2; }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return {x.pom, x.lmwc, x.agg, x.mic, x.maom}; }
  void set_state(const std::vector<double>& v) { x = {v[0], v[1], v[2], v[3], v[4]}; }
  void cold_start(std::size_t) { x = {1, 1, 1, 1, 1}; }  // the official initial state (g m-2)
  Flux step(std::size_t i, bool) {
    const auto fl = m::millennial::step_day(p, sc, forcing[i], x);
    const double k = kTonnesPerHaPerGramPerM2;
    return {fl.input * k, fl.respiration * k, fl.leaching * k};
  }
};

struct MimicsSite {
  static constexpr TimeStep kStep = TimeStep::day;
  static constexpr bool kLinear = false, kLeaching = false;
  m::mimics::Parameters p;
  m::mimics::SiteConstants sc{};
  std::vector<m::mimics::DailyForcing> forcing;
  m::mimics::State x{0, 0, 0, 0, 0, 0, 0};
  double mean_temperature = 0, mean_annual_input = 0;  ///< of the spin-up years (degC, g m-2 yr-1)

  MimicsSite(const AdapterInput& in, const m::mimics::Parameters& par) : p(par) {
    const auto& s = in.s;
    if (std::find(in.set_names.begin(), in.set_names.end(), "depth") == in.set_names.end() &&
        in.f.has_number("depth")) {
      p.depth = in.f.numbers.at("depth");
      // the site's depth becomes a parameter: it must keep the parameter's bounds
      for (const auto& info : m::mimics::kParameterInfo)
        if (std::string(info.name) == "depth" && !(p.depth >= info.lower && p.depth <= info.upper))
          throw InputError(in.f.path + ": metadata depth = " + num(p.depth) + " cm is outside " + num(info.lower) +
                           "-" + num(info.upper) + " cm (expected within the range of MIMICS's depth parameter)");
      in.notes.push_back("mimics depth parameter = site depth " + num(p.depth) + " cm");
    }
    const auto temp = soil_temperature(in);
    const auto c = carbon_inputs(in);
    for (std::size_t i = 0; i < in.spinup_steps; ++i) {
      mean_temperature += temp[i] / static_cast<double>(in.spinup_steps);
      mean_annual_input += c[i] / kTonnesPerHaPerGramPerM2;
    }
    mean_annual_input *= static_cast<double>(m::mimics::kDaysPerYear) / static_cast<double>(in.spinup_steps);
    m::mimics::SiteProperties site;
    site.clay_pct = in.f.property("clay", NAN, "mimics");
    site.lignin_pct = in.f.property("lignin_fraction", NAN, "mimics") * 100.0;
    site.nitrogen_pct = in.f.property("n_fraction", NAN, "mimics") * 100.0;
    site.litter_input = mean_annual_input;
    in.notes.push_back("litter quality and the turnover modifier from the mean input of the spin-up years (" +
                       num(mean_annual_input) + " g m-2 yr-1)");
    try {
      sc = m::mimics::derive_site_constants(p, site);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
    for (std::size_t i = 0; i < s.steps(); ++i)
      forcing.push_back(
          {temp[i], m::mimics::litter_input(p, sc, c[i] / kTonnesPerHaPerGramPerM2 * m::mimics::kDaysPerYear)});
  }
  static std::vector<std::string> pool_names() { return {"LITm", "LITs", "MICr", "MICk", "SOMp", "SOMc", "SOMa"}; }
  double t_ha(double mg_cm3) const { return m::mimics::to_areal(p, mg_cm3) * kTonnesPerHaPerGramPerM2; }
  std::vector<double> pools() const {
    return {t_ha(x.lit_m), t_ha(x.lit_s), t_ha(x.mic_r), t_ha(x.mic_k), t_ha(x.som_p), t_ha(x.som_c), t_ha(x.som_a)};
  }
  double active_total() const { return t_ha(m::mimics::total_carbon(x)); }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return {x.lit_m, x.lit_s, x.mic_r, x.mic_k, x.som_p, x.som_c, x.som_a}; }
  void set_state(const std::vector<double>& v) { x = {v[0], v[1], v[2], v[3], v[4], v[5], v[6]}; }
  /// The steady state of the mean spin-up forcing (the official script's stode).
  void steady() {
    const auto k = m::mimics::kinetics(p, sc, mean_temperature);
    const auto li = m::mimics::litter_input(p, sc, mean_annual_input);
    try {
      x = m::mimics::steady_state(p, sc, k, li);
    } catch (const std::exception& e) {
      throw InputError(std::string("mimics: no steady state for the mean spin-up forcing: ") + e.what());
    }
  }
  void cold_start(std::size_t) { steady(); }
  Flux step(std::size_t i, bool) {
    const auto fl = m::mimics::step_day(p, sc, forcing[i], x);
    return {t_ha(fl.input), t_ha(fl.respiration), t_ha(fl.leaching)};
  }
};

// ---------------------------------------------------------------------------------------------
// Spin-up and simulation, written once for every adapter.
// ---------------------------------------------------------------------------------------------

/// Exact periodic equilibrium of a linear model (spinup::linear_periodic_steady_state, the solver of
/// the grid runs): one cycle of K steps is affine in the pools, x1 = M x0 + v, so the equilibrium is
/// x = (I - M)^-1 v. Leaves the adapter at the equilibrium; returns the largest relative change of a
/// pool over one more cycle.
template <class A>
double affine_equilibrium(A& a, std::size_t k_steps, const std::string& model) {
  a.begin_cycle(k_steps);
  const int n = static_cast<int>(a.state().size());
  auto cycle = [&](const double* x0, double* x1, bool inputs) {
    a.set_state(std::vector<double>(x0, x0 + n));
    a.reset_aux();
    for (std::size_t k = 0; k < k_steps; ++k) a.step(k, inputs);
    const std::vector<double> s = a.state();
    std::copy(s.begin(), s.end(), x1);
  };
  spinup::LinearSteadyState r;
  try {
    r = spinup::linear_periodic_steady_state(n, cycle);
  } catch (const std::runtime_error&) {
    throw InputError(model + ": no equilibrium for the spin-up years: a pool does not decompose over the cycle "
                     "(e.g. too cold or too dry); use --spinup none with soc_initial");
  }
  a.set_state(std::vector<double>(r.state.begin(), r.state.begin() + n));
  a.reset_aux();
  return r.residual;
}

/// Cycle the first K steps until the change of the pools over a cycle, per year, is below
/// abs_tol (t ha-1) or rel_tol times the stock. Returns the years cycled.
template <class A>
long cycle_until(A& a, std::size_t k_steps, int years, double abs_tol, double rel_tol, const std::string& model) {
  double last = a.active_total();
  for (long cycled = 0;;) {
    for (std::size_t k = 0; k < k_steps; ++k) a.step(k, true);
    cycled += years;
    const double now = a.active_total();
    const double change = std::fabs(now - last) / years;
    last = now;
    if (!std::isfinite(now))
      throw InputError(model + ": the spin-up diverged (non-finite pools after " + std::to_string(cycled) + " years)");
    if (change < abs_tol || change < rel_tol * std::fabs(now)) return cycled;
    if (cycled >= kMaxSpinupYears)
      throw InputError(model + ": the spin-up did not reach equilibrium within " + std::to_string(kMaxSpinupYears) +
                       " years (annual change " + num(change) + " t ha-1); use --spinup none with soc_initial");
  }
}

/// The equilibrium of the spin-up cycle: exact for linear models, cycled (millennial) or the
/// steady state of the mean forcing (mimics). Returns a one-line description.
template <class A>
std::string equilibrium(A& a, std::size_t k_steps, int years, const std::string& model) {
  if constexpr (A::kLinear) {
    const double residual = affine_equilibrium(a, k_steps, model);
    if (!(residual <= kResidualTolerance))
      throw InputError(model + ": the exact equilibrium of the spin-up years is not periodic (largest relative change of a pool " +
                       num(residual) + " over one more cycle, expected <= " + num(kResidualTolerance) + ")");
    return "exact periodic equilibrium of the first " + std::to_string(years) +
           " years cycled (affine cycle map solved; largest relative change of a pool over one more cycle " +
           num(residual) + ")";
  } else if constexpr (std::is_same_v<A, MimicsSite>) {
    // The steady state of the mean forcing is ~2 % off the periodic one (the kinetics are
    // nonlinear in temperature): cycle from it.
    a.steady();
    const long cycled = cycle_until(a, k_steps, years, 0.0, kEquilibriumTolerance, model);
    return "first " + std::to_string(years) + " years cycled from the steady state of their mean temperature and "
           "input until the annual relative change of total carbon < " + num(kEquilibriumTolerance) + " (" +
           std::to_string(cycled) + " years)";
  } else {
    a.cold_start(k_steps);
    const long cycled = cycle_until(a, k_steps, years, 0.0, kEquilibriumTolerance, model);
    return "first " + std::to_string(years) + " years cycled from the official initial state until the annual "
           "relative change of total carbon < " + num(kEquilibriumTolerance) + " (" + std::to_string(cycled) + " years)";
  }
}

template <class A>
std::string spin_up(A& a, const std::string& mode, std::size_t k_steps, int years, const SiteForcing& f,
                    const std::string& model, const std::function<std::vector<double>()>& vegetated_equilibrium) {
  if (mode == "equilibrium") return equilibrium(a, k_steps, years, model);
  if (mode == "cycle") {
    a.cold_start(k_steps);
    const long cycled = cycle_until(a, k_steps, years, kCycleTolerance, 0.0, model);
    return "first " + std::to_string(years) + " years cycled from empty pools until |annual change of total carbon| < " +
           num(kCycleTolerance) + " t ha-1 (" + std::to_string(cycled) + " years)";
  }
  // none
  if (!f.has_number("soc_initial")) {
    if constexpr (A::kLinear) {
      if constexpr (std::is_same_v<A, AmgSite>) return "none: official initial state";  // (not reached: amg needs soc_initial)
      a.set_state(std::vector<double>(a.state().size(), 0.0));
      a.begin_cycle(k_steps);
      a.reset_aux();
      return "none: empty pools (no soc_initial)";
    } else {
      throw InputError(f.path + ": missing metadata (soc_initial), " + model +
                       " with --spinup none needs soc_initial (t ha-1): its microbes cannot start from empty pools");
    }
  }
  const double soc0 = f.numbers.at("soc_initial");
  if constexpr (std::is_same_v<A, AmgSite>) {
    a.st = m::amg::initial_stocks(a.p, soc0, m::amg::Rounding::none);
    a.h_prev = a.humified.front();
    return "none: official initial state, stable = ps soc_initial, active = soc_initial - stable; the first year "
           "receives the humified input of its own inputs";
  } else {
    equilibrium(a, k_steps, years, model);
    const double variable = a.total() - a.constant_total();
    const double target = soc0 - a.constant_total();
    if (!(target >= 0.0))
      throw InputError(f.path + ":" + std::to_string(f.metadata_line.at("soc_initial")) +
                       " (soc_initial): " + num(soc0) + " t ha-1 is below the constant pools (" +
                       num(a.constant_total()) + " t ha-1), expected more");
    if (!(variable > 0.0) && target > 0.0 && A::kLinear) {
      // No carbon input in the spin-up years (a bare fallow): the pools the soil brought into the
      // experiment are those of vegetated land, so split soc_initial in the proportions of the
      // equilibrium under a constant plant input in the same climate.
      auto x = vegetated_equilibrium();
      a.set_state(x);
      const double variable_veg = a.total() - a.constant_total();
      const double scale = variable_veg > 0.0 ? target / variable_veg : 0.0;
      for (double& v : x) v *= scale;
      a.set_state(x);
      return "none: soc_initial split in the proportions of the equilibrium pools under a constant plant input "
             "in the climate of the first " + std::to_string(years) + " years (they have no carbon input: the soil "
             "entered the experiment from vegetated land; constant pools kept)";
    }
    const double scale = variable > 0.0 ? target / variable : 0.0;
    auto x = a.state();
    for (double& v : x) v *= scale;
    a.set_state(x);
    return "none: soc_initial split in the proportions of the equilibrium pools of the first " +
           std::to_string(years) + " years (constant pools kept)";
  }
}

std::string step_label(const StepSeries& s, std::size_t i) {
  char buf[32];
  if (s.step == TimeStep::year) std::snprintf(buf, sizeof buf, "%d", s.year[i]);
  else if (s.step == TimeStep::month) std::snprintf(buf, sizeof buf, "%d-%02d", s.year[i], s.month[i]);
  else std::snprintf(buf, sizeof buf, "%d-%02d-%02d", s.year[i], s.month[i], s.day[i]);
  return buf;
}

template <class A, class P>
SiteRunResult run_adapter(const SiteRunOptions& opt, const SiteForcing& f, const P& params,
                          const std::vector<std::string>& set_names, SiteRunResult r) {
  const StepSeries s = resample(f, A::kStep);
  const int years_available = s.year.back() - s.year.front() + 1;
  int years = std::min(kDefaultSpinupYears, years_available);
  if (f.has_number("spinup_years")) years = static_cast<int>(f.numbers.at("spinup_years"));
  if (years > years_available)
    throw InputError(f.path + ":" + std::to_string(f.metadata_line.at("spinup_years")) + " (spinup_years): " +
                     std::to_string(years) + " years, but the forcing covers " + std::to_string(years_available) +
                     ", expected at most " + std::to_string(years_available));
  const std::size_t k_steps = s.steps_in_first_years(years);
  AdapterInput in{f, s, k_steps, set_names, r.notes, opt.model};
  A a(in, params);
  r.time_step = time_step_name(A::kStep);
  r.pool_names = A::pool_names();
  r.has_leaching = A::kLeaching;
  // The equilibrium state under 1 t ha-1 yr-1 of plant input over the spin-up years, same climate
  // (used by --spinup none when the spin-up years have no input).
  auto vegetated_equilibrium = [&]() {
    SiteForcing g = f;
    auto& cin = g.columns["c_input"];
    cin.assign(g.rows(), 0.0);
    const int first = g.year.front();
    for (std::size_t r = 0; r < g.rows(); ++r) {
      if (g.year[r] >= first + years) break;
      std::size_t in_year = 0;
      for (std::size_t q = 0; q < g.rows(); ++q) in_year += g.year[q] == g.year[r] ? 1 : 0;
      cin[r] = 1.0 / static_cast<double>(in_year);
    }
    g.columns.erase("fym");
    const StepSeries s2 = resample(g, A::kStep);
    std::vector<std::string> notes2;
    AdapterInput in2{g, s2, k_steps, set_names, notes2, opt.model};
    A a2(in2, params);
    equilibrium(a2, k_steps, years, opt.model);
    return a2.state();
  };
  const std::string how = spin_up(a, opt.spinup, k_steps, years, f, opt.model, vegetated_equilibrium);
  r.metadata.push_back({"spinup", opt.spinup});
  r.metadata.push_back({"spinup_method", how});
  r.soc_start = a.total();
  r.metadata.push_back({"soc_start", full(r.soc_start) + " t ha-1"});
  // The run, with the carbon balance of every step.
  for (std::size_t i = 0; i < s.steps(); ++i) {
    const double before = a.total();
    const Flux fl = a.step(i, true);
    const double after = a.total();
    SiteStepResult row;
    row.year = s.year[i];
    row.month = s.month[i];
    row.day = s.day[i];
    row.pools = a.pools();
    row.soc = after;
    row.c_input = fl.input;
    row.rh = fl.rh;
    row.leaching = fl.leaching;
    const std::string where = f.path + ":" + std::to_string(s.first_line[i]) + ": " + opt.model + " step " +
                              step_label(s, i);
    for (std::size_t k = 0; k < row.pools.size(); ++k)
      if (!std::isfinite(row.pools[k]))
        throw InputError(where + ": pool " + r.pool_names[k] + " is not finite, expected finite pools");
    const double change = after - before, net = fl.input - fl.rh - fl.leaching;
    const double scale = std::max({std::fabs(before), std::fabs(after), std::fabs(fl.input), std::fabs(fl.rh),
                                   std::fabs(fl.leaching), 1e-12});
    if (!(std::fabs(change - net) <= kBalanceTolerance * scale))
      throw InputError(where + ": carbon balance violated: stock change " + full(change) +
                       " t ha-1, inputs - respiration - leaching " + full(net) + " t ha-1, expected equal within " +
                       num(kBalanceTolerance) + " relative");
    r.steps.push_back(std::move(row));
  }
  return r;
}

std::string step_unit(const std::string& time_step) {
  return time_step == "year" ? "t ha-1 yr-1" : time_step == "month" ? "t ha-1 month-1" : "t ha-1 d-1";
}

void write_result(const SiteRunResult& r, const std::string& path) {
  std::string text = "# alamod-site-output: 1\n";
  for (const auto& [k, v] : r.metadata) text += "# " + k + ": " + v + "\n";
  for (const auto& n : r.notes) text += "# note: " + n + "\n";
  std::string header = "year", units = "yr";
  if (r.time_step != "year") header += ",month", units += ",1";
  if (r.time_step == "day") header += ",day", units += ",1";
  for (const auto& p : r.pool_names) header += "," + p, units += ",t ha-1";
  const std::string flux = step_unit(r.time_step);
  header += ",soc,c_input,rh";
  units += ",t ha-1," + flux + "," + flux;
  if (r.has_leaching) header += ",leaching", units += "," + flux;
  text += header + "\n" + units + "\n";
  for (const auto& row : r.steps) {
    std::string line = std::to_string(row.year);
    if (r.time_step != "year") line += "," + std::to_string(row.month);
    if (r.time_step == "day") line += "," + std::to_string(row.day);
    for (double v : row.pools) line += "," + full(v);
    line += "," + full(row.soc) + "," + full(row.c_input) + "," + full(row.rh);
    if (r.has_leaching) line += "," + full(row.leaching);
    text += line + "\n";
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path + ": cannot create the output (temporary file " + tmp + ")");
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw InputError(path + ": write failed (disk full?)");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot rename the temporary output " + tmp + " to it");
  }
}

/// One model's run: its parameters with the file applied (recorded in the output) and validated.
template <class A, class P, std::size_t N, class Validate>
SiteRunResult run_model(const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, P p,
                        const std::array<m::ParameterInfo<P>, N>& info, Validate validate, SiteRunResult r) {
  std::vector<std::string> set_names;
  for (const auto& line : apply_parameters(pf, info, opt.model, p, &set_names)) r.metadata.push_back({"parameter", line});
  validate_parameters(pf, p, validate);
  return run_adapter<A>(opt, f, p, set_names, std::move(r));
}

}  // namespace

SiteRunResult simulate_site(const SiteRunOptions& opt) {
  const m::ModelInfo* info = nullptr;
  try {
    info = &m::find_model(opt.model);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--model: ") + e.what());
  }
  if (opt.spinup != "none" && opt.spinup != "equilibrium" && opt.spinup != "cycle")
    throw InputError("--spinup: unknown value '" + opt.spinup + "', expected none, equilibrium or cycle");
  const SiteForcing f = read_site_forcing(opt.forcing);
  ParameterFile pf = read_parameter_file(opt.parameters);
  if (!pf.model.empty() && pf.model != opt.model)
    throw InputError(pf.path + ":" + std::to_string(pf.model_line) + ":" + std::to_string(pf.model_column) +
                     " (model): parameters of model '" + pf.model + "' cannot drive a " + opt.model + " run");
  for (const auto& [name, value] : opt.parameter_values) pf.entries.push_back({name, value, 0, 0});

  SiteRunResult r;
  r.model = opt.model;
  r.metadata.push_back({"model", opt.model});
  r.metadata.push_back({"model_title", info->title});
  r.metadata.push_back({"forcing", opt.forcing});
  r.metadata.push_back({"forcing_sha256", grids::sha256_file(opt.forcing)});
  r.metadata.push_back({"site_id", f.texts.at("site_id")});
  if (pf.path.empty()) {
    r.metadata.push_back({"parameters", "defaults"});
  } else {
    r.metadata.push_back({"parameters", pf.path});
    r.metadata.push_back({"parameters_sha256", grids::sha256_file(pf.path)});
  }
  r.metadata.push_back({"alamod_version", alamod_version()});
  r.metadata.push_back({"alamod_git_commit", alamod_git_commit()});

  // The explicit switch over the registry names: each branch instantiates its model's adapter with
  // the model's parameters, the parameter file applied and validated.
  const std::string& name = opt.model;
  const auto none = [](const auto&) {};
  if (name == "rothc")
    return run_model<RothcSite>(opt, f, pf, m::rothc::Parameters{}, m::rothc::kParameterInfo, none, std::move(r));
  if (name == "amg")
    return run_model<AmgSite>(opt, f, pf, m::amg::Parameters{}, m::amg::kParameterInfo,
                              [](const auto& q) { m::amg::validate(q); }, std::move(r));
  if (name == "icbm")
    return run_model<IcbmSite>(opt, f, pf, m::icbm::Parameters{}, m::icbm::kParameterInfo,
                               [](const auto& q) { m::icbm::validate(q); }, std::move(r));
  if (name == "yasso15" || name == "yasso07")
    return run_model<YassoSite>(opt, f, pf,
                                name == "yasso15" ? m::yasso::yasso15_parameters() : m::yasso::yasso07_parameters(),
                                m::yasso::kParameterInfo, [](const auto& q) { m::yasso::validate(q); }, std::move(r));
  if (name == "century")
    return run_model<CenturySite>(opt, f, pf, m::century::Parameters{}, m::century::kParameterInfo,
                                  [](const auto& q) { m::century::validate(q); }, std::move(r));
  if (name == "millennial")
    return run_model<MillennialSite>(opt, f, pf, m::millennial::Parameters{}, m::millennial::kParameterInfo,
                                     [](const auto& q) { m::millennial::validate(q); }, std::move(r));
  if (name == "mimics")
    return run_model<MimicsSite>(opt, f, pf, m::mimics::Parameters{}, m::mimics::kParameterInfo,
                                 [](const auto& q) { m::mimics::validate(q); }, std::move(r));
  throw InputError("--model: " + name + " is registered but has no site adapter yet (engine/site/site_run.cpp); site "
                   "runs support rothc, amg, icbm, yasso15, yasso07, century, millennial, mimics");
}

void run_site(const SiteRunOptions& opt) {
  if (opt.out.empty()) throw InputError("--out: missing, expected the output CSV file");
  if (!opt.overwrite && std::filesystem::exists(opt.out))
    throw InputError(opt.out + ": the output exists, expected a new file name (or --overwrite)");
  const SiteRunResult r = simulate_site(opt);
  write_result(r, opt.out);
}

}  // namespace alamod::engine
