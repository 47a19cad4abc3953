#include "engine/site_data/complete.hpp"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/site/site_text.hpp"
#include "engine/site_data/esm.hpp"
#include "engine/site_data/ptf.hpp"
#include "engine/site_data/units.hpp"
#include "engine/site_data/validate.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

namespace fs = std::filesystem;
using Type = JsonValue::Type;

const char* const kPtfMethod = "ptf_hollis2012_cultivated_topsoil";
const char* const kEsmMethod = "esm_cubic_spline_wendt_hauser_2013";

// ---- JSON values built and written back -------------------------------------------------------

JsonValue json_string(const std::string& s) {
  JsonValue v;
  v.type = Type::string;
  v.text = s;
  return v;
}

JsonValue json_number(double x) {
  JsonValue v;
  v.type = Type::number;
  v.number = x;
  return v;
}

JsonValue json_object() {
  JsonValue v;
  v.type = Type::object;
  return v;
}

JsonValue json_array() {
  JsonValue v;
  v.type = Type::array;
  return v;
}

/// The member `name` of an object, added (null) when absent.
JsonValue& member(JsonValue& o, const std::string& name) {
  for (std::size_t i = 0; i < o.names.size(); ++i)
    if (o.names[i] == name) return o.items[i];
  o.names.push_back(name);
  o.items.emplace_back();
  return o.items.back();
}

void write_json(std::string& out, const JsonValue& v, int indent) {
  const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
  switch (v.type) {
    case Type::null: out += "null"; break;
    case Type::boolean: out += v.boolean ? "true" : "false"; break;
    case Type::number: {
      if (v.number == std::floor(v.number) && std::fabs(v.number) < 1e15) {
        out += format_number("%.0f", v.number);
      } else {
        std::string s = format_number("%.15g", v.number);
        if (std::strtod(s.c_str(), nullptr) != v.number) s = exact_number(v.number);
        out += s;
      }
      break;
    }
    case Type::string: {
      out += '"';
      for (const char ch : v.text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c == '\r') out += "\\r";
        else if (c < 0x20) out += format_number("\\u%04x", c).substr(0, 6);
        else out += ch;
      }
      out += '"';
      break;
    }
    case Type::array: {
      if (v.items.empty()) {
        out += "[]";
        break;
      }
      out += "[\n";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        out += inner;
        write_json(out, v.items[i], indent + 1);
        out += i + 1 < v.items.size() ? ",\n" : "\n";
      }
      out += pad + "]";
      break;
    }
    case Type::object: {
      if (v.items.empty()) {
        out += "{}";
        break;
      }
      out += "{\n";
      for (std::size_t i = 0; i < v.items.size(); ++i) {
        out += inner;
        write_json(out, json_string(v.names[i]), 0);
        out += ": ";
        write_json(out, v.items[i], indent + 1);
        out += i + 1 < v.items.size() ? ",\n" : "\n";
      }
      out += pad + "}";
      break;
    }
  }
}

// ---- the table being completed -----------------------------------------------------------------

struct Table {
  PackageTable& t;
  JsonValue& fields;  ///< the descriptor's fields array (mutable copy)

  /// Column index, the column (and a field descriptor) added when absent.
  int ensure(const std::string& name, const char* type, const char* unit, const std::string& description) {
    int c = t.column(name);
    if (c >= 0) return c;
    t.csv.header.push_back(name);
    for (auto& rec : t.csv.records) rec.fields.emplace_back();
    JsonValue f = json_object();
    member(f, "name") = json_string(name);
    member(f, "type") = json_string(type);
    member(f, "description") = json_string(description + (unit ? std::string(" Unit: ") + unit + "." : std::string()));
    if (unit) member(f, "unit") = json_string(unit);
    fields.items.push_back(std::move(f));
    return static_cast<int>(t.csv.header.size()) - 1;
  }
  JsonValue* field(const std::string& name) {
    for (auto& f : fields.items)
      for (std::size_t i = 0; i < f.names.size(); ++i)
        if (f.names[i] == "name" && f.items[i].text == name) return &f;
    return nullptr;
  }
  double number(const CsvRecord& rec, int c) const {
    if (c < 0) return std::nan("");
    double x = 0;
    const std::string& v = rec.fields[static_cast<std::size_t>(c)];
    return !t.missing(v) && parse_decimal(v, x) ? x : std::nan("");
  }
  std::string text(const CsvRecord& rec, int c) const { return c >= 0 ? rec.fields[static_cast<std::size_t>(c)] : ""; }
};

std::string out_number(double x) { return format_number("%.6g", x); }

/// A column's values converted to `canonical` when its unit differs; returns "col: 'from' -> 'to'" or "".
std::string harmonise(Table& tab, const std::string& column, const std::string& canonical) {
  const int c = tab.t.column(column);
  const std::string from = tab.t.unit(column);
  if (c < 0 || from.empty() || from == canonical) return "";
  const Units& u = Units::get();
  if (!u.convertible(from, canonical)) return "";  // the validator refused it already
  for (auto& rec : tab.t.csv.records) {
    const double x = tab.number(rec, c);
    if (std::isfinite(x)) rec.fields[static_cast<std::size_t>(c)] = format_number("%.10g", u.convert(x, from, canonical));
  }
  JsonValue* f = tab.field(column);
  member(*f, "unit") = json_string(canonical);
  JsonValue& d = member(*f, "description");
  std::string text = d.is(Type::string) ? d.text : std::string();
  // the unit written in the description (the site format's "Unit: X.") follows the unit
  if (const auto at = text.find("Unit: " + from + "."); at != std::string::npos)
    text.replace(at, from.size() + 7, "Unit: " + canonical + ".");
  d = json_string(text + " Converted by alamod sites complete from '" + from + "'.");
  // bounds in the old unit no longer apply: convert them too
  if (JsonValue* cons = [&]() -> JsonValue* {
        for (std::size_t i = 0; i < f->names.size(); ++i)
          if (f->names[i] == "constraints" && f->items[i].is(Type::object)) return &f->items[i];
        return nullptr;
      }())
    for (std::size_t i = 0; i < cons->names.size(); ++i)
      if ((cons->names[i] == "minimum" || cons->names[i] == "maximum") && cons->items[i].is(Type::number))
        cons->items[i].number = u.convert(cons->items[i].number, from, canonical);
  return column + ": '" + from + "' -> '" + canonical + "'";
}

/// A site.csv property in percent (clay_pct...), NaN when absent.
double site_percent(const PackageTable& site, const std::string& column) {
  const int c = site.column(column);
  if (c < 0 || site.csv.records.empty()) return std::nan("");
  double x = 0;
  const std::string& v = site.csv.records[0].fields[static_cast<std::size_t>(c)];
  if (site.missing(v) || !parse_decimal(v, x)) return std::nan("");
  const std::string u = site.unit(column);
  return u.empty() || u == "percent" || !Units::get().convertible(u, "percent") ? x : Units::get().convert(x, u, "percent");
}

void add_enum_values(JsonValue* field, const std::vector<std::string>& values) {
  if (!field) return;
  for (std::size_t k = 0; k < field->names.size(); ++k) {
    if (field->names[k] != "constraints" || !field->items[k].is(Type::object)) continue;
    JsonValue& cons = field->items[k];
    for (std::size_t i = 0; i < cons.names.size(); ++i)
      if (cons.names[i] == "enum" && cons.items[i].is(Type::array)) {
        for (const auto& v : values) {
          bool have = false;
          for (const auto& e : cons.items[i].items) have = have || e.text == v;
          if (!have) cons.items[i].items.push_back(json_string(v));
        }
      }
  }
}

void print_refusal(const ValidationResult& v, const std::string& dir) {
  for (const auto& p : v.problems) std::printf("%s\n", p.text().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "alamod: error: %s: %zu problem%s (listed above; `alamod sites validate %s`), nothing written\n",
               dir.c_str(), v.problems.size(), v.problems.size() == 1 ? "" : "s", dir.c_str());
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream o(path, std::ios::binary | std::ios::trunc);
  o << text;
  o.flush();
  if (!o) throw InputError(path.string() + ": cannot be written");
}

}  // namespace

int run_sites_complete(const CompleteOptions& o) {
  ValidationResult v = validate_site_package(o.dir);
  if (!v.readable) {
    print_refusal(v, v.dir);
    return 1;
  }
  if (!v.problems.empty()) {
    print_refusal(v, v.dir);
    return kExitSitesInvalid;
  }
  std::string out_dir = o.out;
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();
  const fs::path out(out_dir);
  std::error_code ec;
  {  // the copy is made beside --out: inside the package it would copy itself
    const std::string src = fs::weakly_canonical(fs::path(v.dir), ec).string() + "/";
    const std::string dst = fs::weakly_canonical(out, ec).string() + "/";
    if (dst.compare(0, src.size(), src) == 0) {
      std::fprintf(stderr, "alamod: error: --out %s is inside the package %s, expected a folder outside it\n",
                   out_dir.c_str(), v.dir.c_str());
      return 1;
    }
  }
  const auto st = fs::symlink_status(out, ec);
  if (fs::exists(st)) {
    if (!o.overwrite || !fs::is_directory(st)) {
      std::fprintf(stderr, "alamod: error: --out %s: %s, nothing written\n", out_dir.c_str(),
                   fs::is_directory(st) ? "exists, expected a new folder (or --overwrite to replace it)"
                                        : "exists and is not a folder, expected a new folder");
      return 1;
    }
  }

  // the descriptor copy and the tables
  JsonValue desc = v.descriptor;
  JsonValue& resources = member(desc, "resources");
  JsonValue* obs_res = nullptr;
  for (auto& r : resources.items)
    if (const JsonValue* n = r.member("name"); n && n->text == "soc_observations") obs_res = &r;
  PackageTable& obs = v.tables.at("soc_observations");
  const PackageTable& site = v.tables.at("site");
  JsonValue& obs_schema = member(*obs_res, "schema");
  Table tab{obs, member(obs_schema, "fields")};
  // the field pointers of the validated table point into v.descriptor; point them at the copy
  obs.schema = &obs_schema;

  // 1. units
  std::vector<std::string> conversions;
  for (const auto& [col, canonical] : std::vector<std::pair<std::string, std::string>>{
           {"soc", "g kg-1"}, {"bd_samp", "g cm-3"}, {"layer_top", "cm"}, {"layer_bot", "cm"},
           {"soc_stock", "t ha-1"}, {"soc_stock_sd", "t ha-1"}, {"coarse_frac", "1"},
           // a spectral prediction's sd and interval stay in the unit of soc (evaluate scales them by soc_stock / soc)
           {"soc_sd", "g kg-1"}, {"soc_lower", "g kg-1"}, {"soc_upper", "g kg-1"}})
    if (const std::string c = harmonise(tab, col, canonical); !c.empty()) conversions.push_back(c);

  const int c_soc = obs.column("soc"), c_top = obs.column("layer_top"), c_bot = obs.column("layer_bot");
  const int c_coarse = obs.column("coarse_frac"), c_tr = obs.column("treatment_id"), c_plot = obs.column("plot_id");
  const int c_date = obs.column("observation_date");
  const int c_bd = tab.ensure("bd_samp", "number", "g cm-3", "Bulk density of the fine earth of the layer.");
  const int c_bdm = tab.ensure("bd_method", "string", nullptr,
                               "How bd_samp was obtained: source (given by the package's source), " +
                                   std::string(kPtfMethod) +
                                   " (estimated by alamod sites complete from organic carbon, sand and clay with the "
                                   "cultivated-topsoil pedotransfer function of Hollis et al. 2012, Eur. J. Soil Sci. "
                                   "63:96-109; its uncertainty in bd_samp_sd); empty: no bulk density.");
  const int c_bdsd = tab.ensure("bd_samp_sd", "number", "g cm-3",
                                "Standard uncertainty of an estimated bd_samp (empty for given values).");
  const int c_stock = tab.ensure("soc_stock", "number", "t ha-1", "SOC stock of the layer.");
  const int c_method = tab.ensure("soc_stock_method", "string", nullptr, "How the stock was obtained.");
  const int c_sd = tab.ensure("soc_stock_sd", "number", "t ha-1", "Standard deviation of the stock.");
  const int c_esm = tab.ensure("soc_stock_esm", "number", "t ha-1",
                               "SOC stock of the layer at the equivalent soil mass: the cumulative SOC of the profile at "
                               "esm_soil_mass_ref minus that at the reference mass of the layer above (cubic spline of "
                               "cumulative SOC against cumulative fine-earth mass, Wendt and Hauser 2013, Eur. J. Soil Sci. "
                               "64:58-65).");
  const int c_ref = tab.ensure("esm_soil_mass_ref", "number", "t ha-1",
                               "Reference cumulative fine-earth mass at the bottom of the layer used for soc_stock_esm: the "
                               "smallest of the site's profiles with the same layers.");
  const int c_esmm = tab.ensure("esm_method", "string", nullptr,
                                std::string("How soc_stock_esm was obtained: ") + kEsmMethod + "; empty: not computed "
                                "(layers not from 0 cm or not touching, or a bulk density missing or estimated).");
  add_enum_values(tab.field("soc_stock_method"), {"soc_x_bd_x_depth", "soc_x_ptf_bd_x_depth"});
  if (JsonValue* f = tab.field("soc_stock_sd")) {
    JsonValue& d = member(*f, "description");
    const std::string note =
        " Where soc_stock_method is soc_x_ptf_bd_x_depth: the uncertainty of the stock from its estimated bulk "
        "density, soc_stock x bd_samp_sd / bd_samp (alamod sites complete).";
    if (!d.is(Type::string) || d.text.find(note) == std::string::npos)
      d = json_string((d.is(Type::string) ? d.text : std::string()) + note);
  }
  for (const auto& [name, values] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"bd_method", {"source", kPtfMethod}}, {"esm_method", {kEsmMethod}}}) {
    JsonValue* f = tab.field(name);
    JsonValue& cons = member(*f, "constraints");
    if (!cons.is(Type::object)) cons = json_object();
    JsonValue e = json_array();
    for (const auto& x : values) e.items.push_back(json_string(x));
    member(cons, "enum") = e;
  }
  for (const char* name : {"bd_samp_sd", "soc_stock_esm", "esm_soil_mass_ref"}) {
    JsonValue* f = tab.field(name);
    JsonValue& cons = member(*f, "constraints");
    if (!cons.is(Type::object)) cons = json_object();
    member(cons, "minimum") = json_number(0);
  }

  // 2. bulk densities and 3. stocks
  std::string land_use;
  if (const int c = site.column("land_use"); c >= 0 && !site.csv.records.empty())
    land_use = site.csv.records[0].fields[static_cast<std::size_t>(c)];
  const double clay = site_percent(site, "clay_pct");
  double sand = site_percent(site, "sand_pct");
  if (!std::isfinite(sand)) sand = 100.0 - clay - site_percent(site, "silt_pct");
  const bool cultivated = land_use == "cropland" || land_use == "bare";
  std::size_t n_bd = 0, n_stock = 0, n_stock_ptf = 0, n_esm = 0;
  for (auto& rec : obs.csv.records) {
    auto set = [&](int c, const std::string& s) { rec.fields[static_cast<std::size_t>(c)] = s; };
    const double soc = tab.number(rec, c_soc), top = tab.number(rec, c_top), bot = tab.number(rec, c_bot);
    double bd = tab.number(rec, c_bd);
    double coarse = tab.number(rec, c_coarse);
    if (!std::isfinite(coarse)) coarse = 0.0;
    if (std::isfinite(bd)) {
      if (tab.text(rec, c_bdm).empty()) set(c_bdm, "source");
    } else if (cultivated && !std::isfinite(tab.number(rec, c_stock)) && std::isfinite(soc) && std::isfinite(bot) &&
               bot <= 30.0 &&
               hollis2012_applies(soc / 10.0, sand, clay)) {
      bd = hollis2012_cultivated_topsoil_bd(soc / 10.0, sand, clay);
      set(c_bd, out_number(bd));
      set(c_bdm, kPtfMethod);
      set(c_bdsd, out_number(o.bd_sd));
      ++n_bd;
    }
    if (!std::isfinite(tab.number(rec, c_stock)) && std::isfinite(soc) && std::isfinite(bd) && std::isfinite(top) &&
        std::isfinite(bot) && bot > top) {
      const double stock = layer_stock_t_ha(soc, bd, bot - top, coarse);
      set(c_stock, out_number(stock));
      const bool estimated = tab.text(rec, c_bdm) == kPtfMethod;
      set(c_method, estimated ? "soc_x_ptf_bd_x_depth" : "soc_x_bd_x_depth");
      if (estimated && !std::isfinite(tab.number(rec, c_sd))) set(c_sd, out_number(stock * tab.number(rec, c_bdsd) / bd));
      ++n_stock;
      n_stock_ptf += estimated ? 1 : 0;
    }
  }

  // 4. equivalent soil mass
  std::map<std::string, std::vector<std::size_t>> profiles;
  for (std::size_t i = 0; i < obs.csv.records.size(); ++i) {
    const auto& rec = obs.csv.records[i];
    profiles[tab.text(rec, c_tr) + '\x1f' + tab.text(rec, c_plot) + '\x1f' + tab.text(rec, c_date)].push_back(i);
  }
  struct Usable {
    std::vector<std::size_t> rows;
    std::vector<double> mass, soc;  // cumulative, t ha-1
    std::string signature;
  };
  std::vector<Usable> usable;
  std::map<std::string, std::vector<double>> reference;  // by layer signature: smallest cumulative masses
  for (auto& [key, rows] : profiles) {
    std::sort(rows.begin(), rows.end(), [&](std::size_t a, std::size_t b) {
      return tab.number(obs.csv.records[a], c_top) < tab.number(obs.csv.records[b], c_top);
    });
    Usable u;
    double expected_top = 0.0, cm = 0.0, cs = 0.0;
    bool ok = true;
    for (const std::size_t i : rows) {
      const auto& rec = obs.csv.records[i];
      const double top = tab.number(rec, c_top), bot = tab.number(rec, c_bot), soc = tab.number(rec, c_soc);
      const double bd = tab.number(rec, c_bd);
      double coarse = tab.number(rec, c_coarse);
      if (!std::isfinite(coarse)) coarse = 0.0;
      if (!(std::fabs(top - expected_top) < 1e-9) || !std::isfinite(soc) || !std::isfinite(bd) ||
          tab.text(rec, c_bdm) != "source" || !(bot > top)) {
        ok = false;
        break;
      }
      const double mass = bd * (bot - top) * (1.0 - coarse) * 100.0;  // t ha-1 of fine earth
      cm += mass;
      cs += soc / 1000.0 * mass;
      u.rows.push_back(i);
      u.mass.push_back(cm);
      u.soc.push_back(cs);
      u.signature += short_number(bot) + ",";
      expected_top = bot;
    }
    if (!ok || u.rows.empty()) continue;
    auto [it, fresh] = reference.emplace(u.signature, u.mass);
    if (!fresh)
      for (std::size_t k = 0; k < u.mass.size(); ++k) it->second[k] = std::min(it->second[k], u.mass[k]);
    usable.push_back(std::move(u));
  }
  for (const auto& u : usable) {
    const auto& ref = reference.at(u.signature);
    const std::vector<double> c = esm_cumulative_soc(u.mass, u.soc, ref);
    for (std::size_t k = 0; k < u.rows.size(); ++k) {
      auto& rec = obs.csv.records[u.rows[k]];
      rec.fields[static_cast<std::size_t>(c_esm)] = out_number(c[k] - (k ? c[k - 1] : 0.0));
      rec.fields[static_cast<std::size_t>(c_ref)] = out_number(ref[k]);
      rec.fields[static_cast<std::size_t>(c_esmm)] = kEsmMethod;
      ++n_esm;
    }
  }

  // the table has its header on line 1 from now on
  if (JsonValue* dialect = [&]() -> JsonValue* {
        for (std::size_t i = 0; i < obs_res->names.size(); ++i)
          if (obs_res->names[i] == "dialect") return &obs_res->items[i];
        return nullptr;
      }()) {
    for (std::size_t i = 0; i < dialect->names.size();)
      if (dialect->names[i] == "headerRows" || dialect->names[i] == "commentRows" || dialect->names[i] == "commentChar") {
        dialect->names.erase(dialect->names.begin() + static_cast<long>(i));
        dialect->items.erase(dialect->items.begin() + static_cast<long>(i));
      } else {
        ++i;
      }
  }
  // provenance of the completion
  JsonValue prov = json_object();
  member(prov, "tool") = json_string("alamod sites complete (docs/SITES.md, \"Completing site data\")");
  member(prov, "alamod_version") = json_string(alamod_version());
  member(prov, "alamod_git_commit") = json_string(alamod_git_commit());
  member(prov, "date") = json_string(utc_now_iso());
  member(prov, "source_package") = json_string(v.dir);
  JsonValue steps = json_array();
  for (const auto& c : conversions) steps.items.push_back(json_string("unit harmonised, " + c));
  steps.items.push_back(json_string(std::to_string(n_bd) + " bulk densities estimated (bd_method " + kPtfMethod +
                                    ", bd_samp_sd " + short_number(o.bd_sd) + " g cm-3)"));
  steps.items.push_back(json_string(std::to_string(n_stock) + " stocks computed as soc x bd_samp x thickness x (1 - coarse_frac), " +
                                    std::to_string(n_stock_ptf) + " of them from estimated bulk densities"));
  steps.items.push_back(json_string(std::to_string(n_esm) + " equivalent-soil-mass stocks (esm_method " + kEsmMethod + ")"));
  member(prov, "steps") = steps;
  member(desc, "x_alamodCompletion") = prov;

  // write: a temporary folder beside --out, validated, then renamed
  std::string csv;
  const char delim = obs.dialect.delimiter;
  for (std::size_t i = 0; i < obs.csv.header.size(); ++i) csv += (i ? std::string(1, delim) : "") + csv_field(obs.csv.header[i], delim);
  csv += "\n";
  for (const auto& rec : obs.csv.records) {
    for (std::size_t i = 0; i < rec.fields.size(); ++i) csv += (i ? std::string(1, delim) : "") + csv_field(rec.fields[i], delim);
    csv += "\n";
  }
  std::string json;
  write_json(json, desc, 0);
  json += "\n";
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  std::string tmpl = (parent / ("." + out.filename().string() + ".tmp-XXXXXX")).string();
  if (!mkdtemp(tmpl.data())) throw InputError("--out " + out_dir + ": cannot create a temporary folder beside it in " + parent.string());
  const fs::path tmp(tmpl);
  try {
    fs::copy(fs::path(v.dir), tmp, fs::copy_options::recursive | fs::copy_options::skip_symlinks);
    const fs::path obs_path = tmp / fs::path(obs.file).lexically_relative(fs::path(v.dir));
    write_text(obs_path, csv);
    write_text(tmp / "datapackage.json", json);
    // mkdtemp made it 0700: give the folder the mode a new folder would have (0777 less the umask)
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::chmod(tmp.c_str(), 0777 & ~mask);
    const ValidationResult check = validate_site_package(tmp.string());
    if (!check.problems.empty()) {
      for (const auto& p : check.problems) std::fprintf(stderr, "%s\n", p.text().c_str());
      throw std::runtime_error("the completed package does not validate (problems above); nothing written");
    }
    if (fs::exists(fs::symlink_status(out))) {
      std::string old = (parent / ("." + out.filename().string() + ".old-XXXXXX")).string();
      if (!mkdtemp(old.data())) throw InputError("--out " + out_dir + ": cannot move the old folder aside");
      fs::remove(old);
      fs::rename(out, old);
      fs::rename(tmp, out);
      fs::remove_all(old);
    } else {
      fs::rename(tmp, out);
    }
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw InputError("--out " + out_dir + ": " + e.what());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  std::printf("completed %s -> %s: %zu unit conversion%s, %zu bulk densities estimated (Hollis et al. 2012), %zu stocks "
              "computed (%zu from estimated bulk densities), %zu equivalent-soil-mass stocks (Wendt and Hauser 2013) in %zu "
              "profiles\n",
              v.dir.c_str(), out_dir.c_str(), conversions.size(), conversions.size() == 1 ? "" : "s", n_bd, n_stock,
              n_stock_ptf, n_esm, usable.size());
  return 0;
}

}  // namespace alamod::engine
