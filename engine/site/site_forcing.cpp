#include "engine/site/site_forcing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string_view>

#include <sys/stat.h>

#include "grids/calendar.hpp"
#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "engine/site/site_text.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

using grids::days_in_month;
using grids::days_in_year;

namespace {

/// How a quantity's unit is checked and converted.
enum class Kind {
  temperature,      ///< degC, K
  temperature_diff, ///< degC, K (a difference: no offset)
  water,            ///< mm or kg m-2 per step
  carbon,           ///< t ha-1 per step (Mg ha-1, g m-2, kg m-2, kg ha-1)
  stock,            ///< t ha-1 (Mg ha-1, g m-2, kg m-2, kg ha-1)
  fraction,         ///< 1, percent
  dimensionless,    ///< 1
  volumetric,       ///< m3 m-3, 1, percent
  percent,          ///< percent, g kg-1
  depth,            ///< cm, m, mm
  bulk_density,     ///< g cm-3, Mg m-3, t m-3, kg m-3
  content_g_kg,     ///< g kg-1, percent
  latitude,         ///< degrees_north
  longitude,        ///< degrees_east
  metre,            ///< m
  years,            ///< yr
  per_metre,        ///< m-1
  annual_carbon,    ///< t ha-1 yr-1 whatever the file's step (Mg, g m-2, kg m-2, kg ha-1)
};

/// A quantity of the format: as a column, as metadata or both.
struct Quantity {
  const char* name;
  Kind kind;
  bool sum;        ///< amounts add up over time (resampling); otherwise averaged
  double lower;    ///< lowest admissible value, canonical unit
  double upper;    ///< highest admissible value, canonical unit
  bool column_ok;  ///< may be a column
  bool meta_ok;    ///< may be metadata
  const char* what;
};

constexpr double kInf = std::numeric_limits<double>::infinity();

// clang-format off
const Quantity kQuantities[] = {
    {"tas", Kind::temperature, false, -90, 70, true, false, "air temperature, mean over the step"},
    {"tsoil", Kind::temperature, false, -90, 70, true, false, "soil temperature, mean over the step"},
    {"tas_amplitude", Kind::temperature_diff, false, 0, 60, true, true, "half the range of the monthly mean air temperatures of the year"},
    {"pr", Kind::water, true, 0, kInf, true, false, "precipitation"},
    {"pet", Kind::water, true, -kInf, kInf, true, false, "potential evapotranspiration (negative: condensation)"},
    {"evap", Kind::water, true, -kInf, kInf, true, false, "open-pan evaporation (negative: condensation)"},
    {"swc", Kind::volumetric, false, 0, 1, true, false, "volumetric soil water content"},
    {"c_input", Kind::carbon, true, 0, kInf, true, false, "plant carbon input"},
    {"fym", Kind::carbon, true, 0, kInf, true, false, "farmyard manure carbon input"},
    {"cover", Kind::fraction, false, 0, 1, true, false, "plant cover (1 vegetated, 0 bare)"},
    {"dpm_rpm_ratio", Kind::dimensionless, false, 0, kInf, true, true, "DPM/RPM ratio of the plant input"},
    {"yield", Kind::stock, true, 0, kInf, true, false, "dry matter yield of the main crop"},
    {"lignin_fraction", Kind::fraction, false, 0, 1, true, true, "lignin fraction of the plant input"},
    {"n_fraction", Kind::fraction, false, 0, 1, true, true, "nitrogen fraction of the plant input"},
    {"awen_a", Kind::fraction, false, 0, 1, true, true, "acid-soluble fraction of the plant input (Yasso)"},
    {"awen_w", Kind::fraction, false, 0, 1, true, true, "water-soluble fraction of the plant input (Yasso)"},
    {"awen_e", Kind::fraction, false, 0, 1, true, true, "ethanol-soluble fraction of the plant input (Yasso)"},
    {"awen_n", Kind::fraction, false, 0, 1, true, true, "non-soluble fraction of the plant input (Yasso)"},
    {"structural_lignin_fraction", Kind::fraction, false, 0, 1, true, true, "lignin share of the structural part of the plant input (CENTURY Ls)"},
    {"surface_input_share", Kind::fraction, false, 0, 1, true, true, "share of the plant input entering the surface litter (CENTURY; the rest enters the soil litter)"},
    {"re", Kind::dimensionless, false, 0, kInf, true, true, "ICBM climate/soil factor r_e"},
    {"clay", Kind::percent, false, 0, 100, true, true, "clay content"},
    {"silt", Kind::percent, false, 0, 100, true, true, "silt content"},
    {"sand", Kind::percent, false, 0, 100, true, true, "sand content"},
    {"organic_carbon", Kind::percent, false, 0, 100, true, true, "organic carbon content"},
    {"bulk_density", Kind::bulk_density, false, 0, 2.65, true, true, "bulk density"},
    {"ph", Kind::dimensionless, false, 0, 14, true, true, "pH in water"},
    {"caco3", Kind::content_g_kg, false, 0, 1000, true, true, "CaCO3 content"},
    {"cn_ratio", Kind::dimensionless, false, 0, kInf, true, true, "soil C:N ratio"},
    {"depth", Kind::depth, false, 0, 1000, false, true, "depth of the simulated layer"},
    {"soc_initial", Kind::stock, false, 0, kInf, false, true, "initial SOC stock of the layer"},
    {"iom", Kind::stock, false, 0, kInf, false, true, "inert organic matter (RothC)"},
    {"latitude", Kind::latitude, false, -90, 90, false, true, "latitude"},
    {"longitude", Kind::longitude, false, -180, 360, false, true, "longitude"},
    {"elevation", Kind::metre, false, -500, 9000, false, true, "elevation"},
    {"spinup_years", Kind::years, false, 1, 100000, false, true, "years at the start of the forcing cycled by the spin-up"},
    {"litter_diameter", Kind::depth, false, 0, 1000, false, true, "diameter of woody litter (Yasso size effect; 0 non-woody)"},
    {"leaching", Kind::per_metre, false, -1, 0, false, true, "Yasso leaching coefficient (AWEN rates change by leaching x annual precipitation in m)"},
    {"stable_fraction", Kind::fraction, false, 0, 1, false, true, "measured centennially stable share of the initial SOC stock (Rock-Eval thermal analysis with PARTYsoc)"},
    {"history_c_input", Kind::annual_carbon, false, 0, kInf, false, true, "plant carbon input of the land use before the experiment"},
    {"history_fym", Kind::annual_carbon, false, 0, kInf, false, true, "manure carbon input of the land use before the experiment"},
    {"rothc_moisture_option", Kind::dimensionless, false, 1, 3, false, true, "RothC moisture option: 1 RothC-26.3, 2 and 3 Farina et al. 2013 (need silt, bulk_density, organic_carbon)"},
};
// clang-format on

const char* kTextKeys[] = {"site_id",  "site_name", "source",  "licence", "citation", "land_use",
                           "treatment_id", "country", "network", "note", "history_land_use",
                           "millennial_integrator", "yasso_step"};
const char* kLandUses[] = {"cropland", "grassland", "forest", "bare"};

/// `pool_NAME`: an explicit initial value of the model pool NAME (metadata only).
const Quantity kPoolQuantity{"pool_", Kind::stock, false, 0, kInf, false, true, "explicit initial value of a model pool"};

const Quantity* find_quantity(const std::string& name) {
  for (const auto& q : kQuantities)
    if (name == q.name) return &q;
  if (name.size() > 5 && name.rfind("pool_", 0) == 0) return &kPoolQuantity;
  return nullptr;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

/// Collapse runs of blanks to one space.
std::string squeeze(const std::string& s) {
  std::string out;
  for (char c : trim(s)) {
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string> step_suffixes(TimeStep s) {
  switch (s) {
    case TimeStep::year: return {"yr-1", "year-1", "a-1"};
    case TimeStep::month: return {"month-1"};
    case TimeStep::day: return {"d-1", "day-1"};
  }
  return {};
}

struct Conversion {
  double factor = 1.0, offset = 0.0;  ///< canonical = value * factor + offset
};

/// The accepted units of a kind, with their conversions, for a file on the given step.
std::vector<std::pair<std::string, Conversion>> accepted_units(Kind k, TimeStep s) {
  std::vector<std::pair<std::string, Conversion>> u;
  auto per_step = [&](const std::vector<std::pair<std::string, double>>& masses) {
    for (const auto& [m, f] : masses)
      for (const auto& suffix : step_suffixes(s)) u.push_back({m + " " + suffix, {f, 0.0}});
  };
  const std::vector<std::pair<std::string, double>> stocks = {
      {"t ha-1", 1.0}, {"Mg ha-1", 1.0}, {"g m-2", 0.01}, {"kg m-2", 10.0}, {"kg ha-1", 0.001}};
  switch (k) {
    case Kind::temperature: u = {{"degC", {1, 0}}, {"degree_Celsius", {1, 0}}, {"K", {1, -273.15}}}; break;
    case Kind::temperature_diff: u = {{"degC", {1, 0}}, {"K", {1, 0}}}; break;
    case Kind::water: per_step({{"mm", 1.0}, {"kg m-2", 1.0}}); break;
    case Kind::carbon: per_step(stocks); break;
    case Kind::stock:
      for (const auto& [m, f] : stocks) u.push_back({m, {f, 0.0}});
      break;
    case Kind::fraction: u = {{"1", {1, 0}}, {"percent", {0.01, 0}}, {"%", {0.01, 0}}}; break;
    case Kind::dimensionless: u = {{"1", {1, 0}}}; break;
    case Kind::volumetric: u = {{"m3 m-3", {1, 0}}, {"1", {1, 0}}, {"percent", {0.01, 0}}}; break;
    case Kind::percent: u = {{"percent", {1, 0}}, {"%", {1, 0}}, {"g kg-1", {0.1, 0}}}; break;
    case Kind::depth: u = {{"cm", {1, 0}}, {"m", {100, 0}}, {"mm", {0.1, 0}}}; break;
    case Kind::bulk_density:
      u = {{"g cm-3", {1, 0}}, {"Mg m-3", {1, 0}}, {"t m-3", {1, 0}}, {"kg m-3", {0.001, 0}}};
      break;
    case Kind::content_g_kg: u = {{"g kg-1", {1, 0}}, {"percent", {10, 0}}, {"%", {10, 0}}}; break;
    case Kind::latitude: u = {{"degrees_north", {1, 0}}, {"degree_north", {1, 0}}}; break;
    case Kind::longitude: u = {{"degrees_east", {1, 0}}, {"degree_east", {1, 0}}}; break;
    case Kind::metre: u = {{"m", {1, 0}}}; break;
    case Kind::years: u = {{"yr", {1, 0}}, {"year", {1, 0}}, {"a", {1, 0}}}; break;
    case Kind::per_metre: u = {{"m-1", {1, 0}}, {"1/m", {1, 0}}}; break;
    case Kind::annual_carbon:
      for (const auto& [m, f] : stocks)
        for (const auto& suffix : step_suffixes(TimeStep::year)) u.push_back({m + " " + suffix, {f, 0.0}});
      break;
  }
  return u;
}

/// Whether `1` is among the accepted units (an empty unit then means `1`).
bool accepts_one(const std::vector<std::pair<std::string, Conversion>>& units) {
  return std::any_of(units.begin(), units.end(), [](const auto& u) { return u.first == "1"; });
}

std::string unit_list(Kind k, TimeStep s) {
  std::string out;
  for (const auto& [name, c] : accepted_units(k, s)) out += (out.empty() ? "" : ", ") + ("'" + name + "'");
  return out;
}

/// Error helper bound to a file. Control bytes of the quoted input are escaped (\x00).
struct Where {
  std::string path;
  [[noreturn]] void fail(int line, int col, const std::string& name, const std::string& what) const {
    std::string msg = path + ":" + std::to_string(line);
    if (col > 0) msg += ":" + std::to_string(col);
    if (!name.empty()) msg += " (" + name + ")";
    throw InputError(printable(msg + ": " + what));
  }
};

bool parse_double(std::string_view text, double& out) { return parse_decimal(text, out); }

bool parse_double(const std::string& text, double& out) { return parse_decimal(trim(text), out); }

bool parse_int(std::string_view text, int& out) {
  double v = 0;
  if (!parse_double(text, v) || v != std::floor(v) || std::fabs(v) > 1e7) return false;
  out = static_cast<int>(v);
  return true;
}

/// Fields of a CSV line with the 1-based character column where each starts.
std::vector<std::pair<std::string, int>> split_fields(const std::string& line) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::string raw = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const std::size_t lead = raw.find_first_not_of(" \t");
    out.push_back({trim(raw), static_cast<int>(start + (lead == std::string::npos ? 0 : lead)) + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

/// The same for a data row, without copying: views into `line`, trimmed; `out` is reused row after row.
void split_fields(std::string_view line, std::vector<std::pair<std::string_view, int>>& out) {
  out.clear();
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::size_t stop = comma == std::string_view::npos ? line.size() : comma;
    std::size_t b = start, e = stop;
    while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
    const int col = static_cast<int>(b < e ? b : start) + 1;
    while (b < e && blank(line[b])) ++b;
    while (e > b && blank(line[e - 1])) --e;
    out.emplace_back(line.substr(b, e - b), col);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

/// Lines of a file, one at a time into the same buffer (no copy of the file is kept): CR of CRLF
/// and a UTF-8 byte-order mark on the first line removed.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in) {}
  /// The next line; false at the end of the file.
  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number_ == 0 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    ++number_;
    return true;
  }
  /// 1-based number of the line last returned.
  int number() const { return number_; }

 private:
  std::istream& in_;
  int number_ = 0;
};

/// Lines in a file (newlines, plus one for a last line without one), counted in blocks.
std::size_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> block(1 << 20);
  std::size_t lines = 0;
  char last = '\n';
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    lines += static_cast<std::size_t>(std::count(block.data(), block.data() + got, '\n'));
    last = block[got - 1];
  }
  return lines + (last != '\n' ? 1 : 0);
}

std::vector<std::string> known_names() {
  std::vector<std::string> names;
  for (const auto& q : kQuantities) names.emplace_back(q.name);
  for (const char* t : kTextKeys) names.emplace_back(t);
  names.emplace_back("year");
  names.emplace_back("month");
  names.emplace_back("day");
  return names;
}

}  // namespace

const char* time_step_name(TimeStep s) {
  switch (s) {
    case TimeStep::year: return "year";
    case TimeStep::month: return "month";
    case TimeStep::day: return "day";
  }
  return "?";
}

std::string canonical_unit(const std::string& name) {
  const Quantity* q = find_quantity(name);
  if (!q) return "";
  switch (q->kind) {
    case Kind::temperature:
    case Kind::temperature_diff: return "degC";
    case Kind::water: return "mm per step";
    case Kind::carbon: return "t ha-1 per step";
    case Kind::stock: return "t ha-1";
    case Kind::fraction:
    case Kind::dimensionless: return "1";
    case Kind::volumetric: return "m3 m-3";
    case Kind::percent: return "percent";
    case Kind::depth: return "cm";
    case Kind::bulk_density: return "g cm-3";
    case Kind::content_g_kg: return "g kg-1";
    case Kind::latitude: return "degrees_north";
    case Kind::longitude: return "degrees_east";
    case Kind::metre: return "m";
    case Kind::years: return "yr";
    case Kind::per_metre: return "m-1";
    case Kind::annual_carbon: return "t ha-1 yr-1";
  }
  return "";
}

bool accepts_unit_one(const std::string& name) {
  if (name == "month" || name == "day") return true;
  const Quantity* q = find_quantity(name);
  return q && q->column_ok && accepts_one(accepted_units(q->kind, TimeStep::month));
}

ForcingName forcing_name(const std::string& name) {
  ForcingName n;
  if (std::find(std::begin(kTextKeys), std::end(kTextKeys), name) != std::end(kTextKeys)) {
    n.known = n.text = n.meta_ok = true;
    n.what = "text";
    return n;
  }
  const Quantity* q = find_quantity(name);
  if (!q) return n;
  n.known = true;
  n.column_ok = q->column_ok;
  n.meta_ok = q->meta_ok;
  n.sum = q->sum;
  n.whole = name == "spinup_years" || name == "rothc_moisture_option";
  n.lower = q->lower;
  n.upper = q->upper;
  n.what = q->what;
  return n;
}

std::vector<std::string> forcing_names() { return known_names(); }

bool forcing_unit(const std::string& name, const std::string& unit, TimeStep step, double& factor, double& offset,
                  std::string& accepted) {
  const Quantity* q = find_quantity(name);
  if (!q) return false;
  const auto units = accepted_units(q->kind, step);
  const std::string u = squeeze(unit).empty() && accepts_one(units) ? "1" : squeeze(unit);
  const auto hit = std::find_if(units.begin(), units.end(), [&](const auto& x) { return x.first == u; });
  if (hit == units.end()) {
    accepted = unit_list(q->kind, step);
    return false;
  }
  factor = hit->second.factor;
  offset = hit->second.offset;
  return true;
}

std::string canonical_unit(const std::string& name, TimeStep step) {
  std::string u = canonical_unit(name);
  const std::string per_step = " per step";
  if (u.size() > per_step.size() && u.compare(u.size() - per_step.size(), per_step.size(), per_step) == 0)
    u = u.substr(0, u.size() - per_step.size()) + " " + step_suffixes(step).front();
  return u;
}

std::string check_forcing_text(const std::string& key, const std::string& value) {
  if ((key == "land_use" || key == "history_land_use") &&
      std::find(std::begin(kLandUses), std::end(kLandUses), value) == std::end(kLandUses))
    return "one of cropland, grassland, forest, bare";
  if (key == "millennial_integrator" && value != "euler" && value != "rk4")
    return "euler (the official Fortran's daily step, default) or rk4 (the R version's)";
  if (key == "yasso_step" && value != "year" && value != "month" && value != "day" && value != "forcing")
    return "year (default), month, day or forcing (the file's own step)";
  return "";
}

const std::vector<double>& SiteForcing::column(const std::string& name, const std::string& needed_by) const {
  const auto it = columns.find(name);
  if (it == columns.end())
    throw InputError(path + ":" + std::to_string(header_line) + " (" + name + "): missing column, " + needed_by +
                     " needs it; expected a column '" + name + "' (" + canonical_unit(name) + ")");
  return it->second;
}

double SiteForcing::number(const std::string& key, const std::string& needed_by) const {
  const auto it = numbers.find(key);
  if (it == numbers.end())
    throw InputError(path + ": missing metadata (" + key + "), " + needed_by + " needs it; expected a line '# " + key +
                     ": VALUE " + canonical_unit(key) + "' before the header");
  return it->second;
}

double SiteForcing::property(const std::string& key, double fallback, const std::string& needed_by) const {
  if (const auto it = numbers.find(key); it != numbers.end()) return it->second;
  if (const auto it = columns.find(key); it != columns.end() && !it->second.empty()) {
    double s = 0;
    for (double v : it->second) s += v;
    return s / static_cast<double>(it->second.size());
  }
  if (std::isnan(fallback))
    throw InputError(path + ": missing metadata (" + key + "), " + needed_by + " needs it; expected a line '# " + key +
                     ": VALUE " + canonical_unit(key) + "' before the header or a column '" + key + "'");
  return fallback;
}

SiteForcing read_site_forcing(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(printable(path + ": site forcing file not found or not readable"));
  if (!S_ISREG(st.st_mode))
    throw InputError(printable(path + ": not a regular file (a folder, pipe or device), expected a site forcing file"));
  if (static_cast<unsigned long long>(st.st_size) > kMaxForcingBytes)
    throw InputError(printable(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                               std::to_string(kMaxForcingBytes >> 20) +
                               " MiB a site forcing file may have; expected a smaller file (a shorter period or a "
                               "coarser step, data/sites/FORMAT.md)"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(printable(path + ": site forcing file not found or not readable"));
  const Where w{path};
  SiteForcing f;
  f.path = path;
  LineReader reader(in);
  std::string line;
  // 1. Metadata.
  if (!reader.next(line) || squeeze(line) != "# alamod-site-forcing: 1") {
    w.fail(1, 1, "", "found '" + (reader.number() == 0 ? std::string() : excerpt(line)) +
                         "', expected the first line '# alamod-site-forcing: 1' (an alamod site forcing file, version 1)");
  }
  const std::vector<std::string> names = known_names();
  bool have = reader.next(line);
  for (; have && !line.empty() && line[0] == '#'; have = reader.next(line)) {
    const int no = reader.number();
    const std::string body = line.substr(1);
    const std::string content = trim(body);
    if (content.empty()) continue;
    const std::size_t colon = content.find(':');
    const int col = static_cast<int>(line.find(content)) + 1;
    if (colon == std::string::npos)
      w.fail(no, col, "", "metadata line without ':', expected '# key: value [unit]'");
    const std::string key = trim(content.substr(0, colon));
    const std::string value = trim(content.substr(colon + 1));
    const int value_col = static_cast<int>(line.find(value, static_cast<std::size_t>(col - 1) + colon)) + 1;
    if (f.metadata_line.count(key)) w.fail(no, col, key, "repeated metadata key (first on line " + std::to_string(f.metadata_line[key]) + "), expected each key once");
    f.metadata_line[key] = no;
    if (value.empty()) w.fail(no, value_col, key, "empty value, expected '# " + key + ": value [unit]'");
    if (key.rfind("x_", 0) == 0) {
      f.texts[key] = value;
      continue;
    }
    if (std::find(std::begin(kTextKeys), std::end(kTextKeys), key) != std::end(kTextKeys)) {
      if (const std::string expected = check_forcing_text(key, value); !expected.empty())
        w.fail(no, value_col, key, "found '" + value + "', expected " + expected);
      f.texts[key] = value;
      continue;
    }
    const Quantity* q = find_quantity(key);
    if (!q || !q->meta_ok)
      w.fail(no, col, key,
             "unknown metadata key, expected one of the keys of data/sites/FORMAT.md (nearest: '" +
                 nearest_name(key, names) + "') or a name starting with x_");
    const std::size_t space = value.find_first_of(" \t");
    const std::string number = value.substr(0, space);
    const std::string unit = space == std::string::npos ? "" : squeeze(value.substr(space));
    double v = 0;
    if (!parse_double(number, v))
      w.fail(no, value_col, key, "found '" + number + "', expected a number followed by its unit");
    const auto units = accepted_units(q->kind, f.step);
    // a number without a unit is in `1` wherever `1` is accepted (FORMAT.md: "`1` ... may be left out")
    const std::string u = unit.empty() && accepts_one(units) ? "1" : unit;
    const auto hit = std::find_if(units.begin(), units.end(), [&](const auto& x) { return x.first == u; });
    if (hit == units.end())
      w.fail(no, value_col + static_cast<int>(number.size()) + 1, key,
             (unit.empty() ? std::string("missing unit") : "unknown unit '" + unit + "'") + ", expected one of " +
                 unit_list(q->kind, f.step));
    const double c = v * hit->second.factor + hit->second.offset;
    if (!(c >= q->lower && c <= q->upper))
      w.fail(no, value_col, key,
             "value " + number + " " + u + " is out of range, expected " + short_number(q->lower) + " to " +
                 short_number(q->upper) + " " + canonical_unit(key) + " (" + q->what + ")");
    f.numbers[key] = c;
  }
  // 0-based index of the line after the metadata (the header), as a count of lines before it
  const std::size_t i = have ? static_cast<std::size_t>(reader.number()) - 1 : static_cast<std::size_t>(reader.number());
  if (!f.texts.count("site_id"))
    w.fail(static_cast<int>(i), 0, "site_id", "missing required metadata, expected a line '# site_id: NAME' before the header");
  if (f.numbers.count("rothc_moisture_option") &&
      f.numbers["rothc_moisture_option"] != std::floor(f.numbers["rothc_moisture_option"]))
    w.fail(f.metadata_line["rothc_moisture_option"], 0, "rothc_moisture_option", "not a whole number, expected 1, 2 or 3");
  if (f.numbers.count("spinup_years") && f.numbers["spinup_years"] != std::floor(f.numbers["spinup_years"]))
    w.fail(f.metadata_line["spinup_years"], 0, "spinup_years", "not a whole number of years, expected an integer");

  // 2. Header and units.
  if (!have) w.fail(static_cast<int>(i), 0, "", "no header after the metadata, expected the column names");
  f.header_line = static_cast<int>(i) + 1;
  const auto header = split_fields(line);
  if (!reader.next(line))
    w.fail(f.header_line + 1, 0, "", "no units row, expected the unit of every column under the column names");
  const auto units = split_fields(line);
  const int units_line = f.header_line + 1;
  if (units.size() != header.size())
    w.fail(units_line, 0, "", std::to_string(units.size()) + " units for " + std::to_string(header.size()) +
                                  " columns, expected one unit per column");
  // time columns decide the step
  std::size_t n_time = 0;
  if (header.empty() || header[0].first != "year")
    w.fail(f.header_line, 1, header.empty() ? "" : header[0].first,
           "first column is not 'year', expected the time columns year[,month[,day]] first");
  n_time = 1;
  f.step = TimeStep::year;
  if (header.size() > 1 && header[1].first == "month") {
    n_time = 2;
    f.step = TimeStep::month;
    if (header.size() > 2 && header[2].first == "day") {
      n_time = 3;
      f.step = TimeStep::day;
    }
  }
  for (std::size_t c = 0; c < n_time; ++c) {
    const std::string& expect = c == 0 ? "yr" : "1";
    const std::string u = squeeze(units[c].first);
    if (!(u == expect || (c == 0 && (u == "year" || u == "a")) || (c > 0 && u.empty())))
      w.fail(units_line, units[c].second, header[c].first,
             "unknown unit '" + u + "', expected '" + expect + "'");
  }
  struct Col {
    std::string name;
    Conversion conv;
    const Quantity* q;  // null for x_ columns
  };
  std::vector<Col> cols;
  for (std::size_t c = n_time; c < header.size(); ++c) {
    const std::string& name = header[c].first;
    const int col = header[c].second;
    if (name.empty()) w.fail(f.header_line, col, "", "empty column name, expected a variable name");
    for (std::size_t d = 0; d < c; ++d)
      if (header[d].first == name) w.fail(f.header_line, col, name, "repeated column, expected each column once");
    if (name == "month" || name == "day")
      w.fail(f.header_line, col, name, "time column out of place, expected year[,month[,day]] as the first columns");
    if (name.rfind("x_", 0) == 0) {
      cols.push_back({name, {}, nullptr});
      continue;
    }
    const Quantity* q = find_quantity(name);
    if (!q || !q->column_ok)
      w.fail(f.header_line, col, name,
             "unknown column, expected a variable of data/sites/FORMAT.md (nearest: '" + nearest_name(name, names) +
                 "') or a name starting with x_");
    const auto acc = accepted_units(q->kind, f.step);
    const std::string u = squeeze(units[c].first).empty() && accepts_one(acc) ? "1" : squeeze(units[c].first);
    const auto hit = std::find_if(acc.begin(), acc.end(), [&](const auto& x) { return x.first == u; });
    if (hit == acc.end())
      w.fail(units_line, units[c].second, name,
             (u.empty() ? std::string("missing unit") : "unknown unit '" + u + "'") + " for a file with one row per " +
                 time_step_name(f.step) + ", expected one of " + unit_list(q->kind, f.step));
    cols.push_back({name, hit->second, q});
    if (f.numbers.count(name))
      w.fail(f.header_line, col, name,
             "given both as metadata (line " + std::to_string(f.metadata_line[name]) +
                 ") and as a column, expected one of them");
  }

  // 3. Rows: parsed in place, one column of doubles per variable (x_ columns are not kept); the
  // columns are reserved from a count of the file's lines, so they hold no spare capacity.
  const std::size_t lines = count_lines(path);  // a hint: the file may change under us
  const std::size_t capacity = lines > static_cast<std::size_t>(units_line) ? lines - static_cast<std::size_t>(units_line) : 0;
  if (capacity > kMaxForcingRows)
    w.fail(units_line + 1, 0, "",
           std::to_string(capacity) + " lines of data, more than the " + std::to_string(kMaxForcingRows) +
               " rows a site forcing file may have; expected a smaller file (a shorter period or a coarser step, "
               "data/sites/FORMAT.md)");
  f.year.reserve(capacity);
  f.month.reserve(capacity);
  f.day.reserve(capacity);
  f.line.reserve(capacity);
  std::vector<std::vector<double>*> store(cols.size(), nullptr);
  for (std::size_t c = 0; c < cols.size(); ++c)
    if (cols[c].q) {
      store[c] = &f.columns[cols[c].name];
      store[c]->reserve(capacity);
    }
  std::vector<std::pair<std::string_view, int>> fields;
  int first_empty = 0;  // line of the first empty line (only empty lines may follow)
  while (reader.next(line)) {
    const int no = reader.number();
    if (trim(line).empty()) {
      if (first_empty == 0) first_empty = no;
      continue;
    }
    if (first_empty != 0)
      w.fail(first_empty, 1, "", "empty line inside the data, expected one row per " + std::string(time_step_name(f.step)));
    split_fields(std::string_view(line), fields);
    if (fields.size() != header.size())
      w.fail(no, 0, "", std::to_string(fields.size()) + " fields, expected " + std::to_string(header.size()) +
                            " (one per column of line " + std::to_string(f.header_line) + ")");
    const auto text = [&](std::size_t k) { return excerpt(fields[k].first); };
    int y = 0, m = 0, d = 0;
    if (!parse_int(fields[0].first, y))
      w.fail(no, fields[0].second, "year", "found '" + text(0) + "', expected an integer year");
    if (n_time > 1 && (!parse_int(fields[1].first, m) || m < 1 || m > 12))
      w.fail(no, fields[1].second, "month", "found '" + text(1) + "', expected an integer month 1-12");
    if (n_time > 2 && (!parse_int(fields[2].first, d) || d < 1 || d > days_in_month(y, m)))
      w.fail(no, fields[2].second, "day",
             "found '" + text(2) + "', expected a day 1-" + std::to_string(days_in_month(y, m)) +
                 " of " + std::to_string(y) + "-" + std::to_string(m));
    if (!f.year.empty()) {
      int ey = f.year.back(), em = f.month.back(), ed = f.day.back();
      if (f.step == TimeStep::year) {
        ++ey;
      } else if (f.step == TimeStep::month) {
        if (++em > 12) em = 1, ++ey;
      } else if (++ed > days_in_month(ey, em)) {
        ed = 1;
        if (++em > 12) em = 1, ++ey;
      }
      if (y != ey || m != em || d != ed) {
        std::string expect = std::to_string(ey);
        if (f.step != TimeStep::year) expect += "," + std::to_string(em);
        if (f.step == TimeStep::day) expect += "," + std::to_string(ed);
        w.fail(no, fields[0].second, "year",
               "gap in time after line " + std::to_string(f.line.back()) + ", expected consecutive rows: the next " +
                   time_step_name(f.step) + " is " + expect);
      }
    }
    f.year.push_back(y);
    f.month.push_back(m);
    f.day.push_back(d);
    f.line.push_back(no);
    for (std::size_t c = 0; c < cols.size(); ++c) {
      const auto& fld = fields[n_time + c];
      double v = 0;
      if (!cols[c].q) {  // x_ columns are not used, but hold numbers like every column
        if (!parse_double(fld.first, v))
          w.fail(no, fld.second, cols[c].name,
                 "found '" + text(n_time + c) + "', expected a number in decimal notation (a column x_..., not "
                 "used, but every value of a row is a number)");
        continue;
      }
      const Quantity& q = *cols[c].q;
      if (!parse_double(fld.first, v))
        w.fail(no, fld.second, cols[c].name,
               "found '" + text(n_time + c) + "', expected a number in decimal notation (" + q.what + ", " +
                   squeeze(units[n_time + c].first) + ")");
      const double cv = v * cols[c].conv.factor + cols[c].conv.offset;
      if (!std::isfinite(cv))
        w.fail(no, fld.second, cols[c].name,
               "value " + text(n_time + c) + " is not finite once converted to " + canonical_unit(cols[c].name) +
                   " (" + q.what + ")");
      if (cv < q.lower) {
        if (q.lower == 0.0)
          w.fail(no, fld.second, cols[c].name,
                 "negative value " + text(n_time + c) + ", expected >= 0 (" + q.what + ")");
        w.fail(no, fld.second, cols[c].name,
               "value " + text(n_time + c) + " is out of range, expected >= " + short_number(q.lower) + " " +
                   canonical_unit(cols[c].name) + " (" + q.what + ")");
      }
      if (cv > q.upper)
        w.fail(no, fld.second, cols[c].name,
               "value " + text(n_time + c) + " is out of range, expected <= " + short_number(q.upper) + " " +
                   canonical_unit(cols[c].name) + " (" + q.what + ")");
      store[c]->push_back(cv);
    }
  }
  if (f.year.empty())
    w.fail(units_line + 1, 0, "", "no data rows, expected one row per " + std::string(time_step_name(f.step)));
  return f;
}

std::size_t StepSeries::steps_in_first_years(int years) const {
  std::size_t n = 0;
  while (n < year.size() && year[n] < year.front() + years) ++n;
  return n;
}

StepSeries resample(const SiteForcing& f, TimeStep target) {
  StepSeries s;
  s.step = target;
  const auto rank = [](TimeStep t) { return t == TimeStep::year ? 0 : t == TimeStep::month ? 1 : 2; };
  const int from = rank(f.step), to = rank(target);
  auto is_sum = [](const std::string& name) {
    const Quantity* q = find_quantity(name);
    return q && q->sum;
  };
  for (const auto& [name, v] : f.columns) s.columns[name] = {};
  if (from == to) {
    s.year = f.year;
    s.month = f.month;
    s.day = f.day;
    s.first_line = f.line;
    s.columns = f.columns;
    return s;
  }
  if (to < from) {
    // Aggregate whole years (target year) or whole months (target month) of finer rows.
    std::size_t r = 0;
    while (r < f.rows()) {
      std::size_t e = r;
      while (e < f.rows() && f.year[e] == f.year[r] && (to == 0 || f.month[e] == f.month[r])) ++e;
      const std::size_t n = e - r;
      std::size_t need = 0;
      if (to == 0) need = from == 1 ? 12 : static_cast<std::size_t>(days_in_year(f.year[r]));
      else need = static_cast<std::size_t>(days_in_month(f.year[r], f.month[r]));
      if (n != need) {
        const std::string period = to == 0 ? "year " + std::to_string(f.year[r])
                                           : std::to_string(f.year[r]) + "-" + std::to_string(f.month[r]);
        throw InputError(f.path + ":" + std::to_string(f.line[r]) + ": the " + period + " has " + std::to_string(n) +
                         " rows (lines " + std::to_string(f.line[r]) + "-" + std::to_string(f.line[e - 1]) +
                         "); the model runs on " + time_step_name(target) +
                         "s and needs whole periods, expected " + std::to_string(need) + " rows");
      }
      s.year.push_back(f.year[r]);
      s.month.push_back(to == 0 ? 0 : f.month[r]);
      s.day.push_back(0);
      s.first_line.push_back(f.line[r]);
      for (const auto& [name, v] : f.columns) {
        double acc = 0;
        for (std::size_t k = r; k < e; ++k) acc += v[k];
        s.columns[name].push_back(is_sum(name) ? acc : acc / static_cast<double>(n));
      }
      r = e;
    }
    return s;
  }
  // Disaggregate: repeat means, spread sums uniformly over the sub-steps.
  std::size_t total = 0;
  for (std::size_t r = 0; r < f.rows(); ++r)
    total += from == 0 && to == 1 ? 12
             : from == 0          ? static_cast<std::size_t>(days_in_year(f.year[r]))
                                  : static_cast<std::size_t>(days_in_month(f.year[r], f.month[r]));
  if (total > kMaxModelSteps)
    throw InputError(printable(f.path) + ": " + std::to_string(f.rows()) + " rows make " + std::to_string(total) + " " +
                     time_step_name(target) + "s for a model on that step, more than the " +
                     std::to_string(kMaxModelSteps) +
                     " steps a site run may have; expected a shorter forcing (data/sites/FORMAT.md, \"Limits\")");
  s.year.reserve(total);
  s.month.reserve(total);
  s.day.reserve(total);
  s.first_line.reserve(total);
  for (auto& [name, v] : s.columns) v.reserve(total);
  for (std::size_t r = 0; r < f.rows(); ++r) {
    std::vector<std::array<int, 2>> subs;  // (month, day)
    if (from == 0 && to == 1) {
      for (int m = 1; m <= 12; ++m) subs.push_back({m, 0});
    } else if (from == 0) {
      for (int m = 1; m <= 12; ++m)
        for (int d = 1; d <= days_in_month(f.year[r], m); ++d) subs.push_back({m, d});
    } else {
      for (int d = 1; d <= days_in_month(f.year[r], f.month[r]); ++d) subs.push_back({f.month[r], d});
    }
    const double n = static_cast<double>(subs.size());
    for (const auto& sub : subs) {
      s.year.push_back(f.year[r]);
      s.month.push_back(sub[0]);
      s.day.push_back(sub[1]);
      s.first_line.push_back(f.line[r]);
      for (const auto& [name, v] : f.columns) s.columns[name].push_back(is_sum(name) ? v[r] / n : v[r]);
    }
  }
  return s;
}

}  // namespace alamod::engine
