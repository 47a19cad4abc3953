#include "engine/site_data/validate.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>
#include <set>
#include <tuple>

#include "engine/common/number_format.hpp"
#include "engine/site/site_forcing.hpp"
#include "engine/site/site_text.hpp"
#include "engine/site_data/units.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

using Type = JsonValue::Type;

const JsonValue* PackageTable::field(const std::string& column_name) const {
  if (!schema) return nullptr;
  const JsonValue* fields = schema->member("fields");
  if (!fields || !fields->is(Type::array)) return nullptr;
  for (const auto& f : fields->items)
    if (const JsonValue* n = f.member("name"); n && n->is(Type::string) && n->text == column_name) return &f;
  return nullptr;
}

int PackageTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < csv.header.size(); ++i)
    if (csv.header[i] == name) return static_cast<int>(i);
  return -1;
}

std::string PackageTable::unit(const std::string& column_name) const {
  const JsonValue* f = field(column_name);
  const JsonValue* u = f ? f->member("unit") : nullptr;
  return u && u->is(Type::string) ? u->text : std::string();
}

bool PackageTable::missing(const std::string& value) const {
  return std::find(missing_values.begin(), missing_values.end(), value) != missing_values.end();
}

double layer_stock_t_ha(double soc_g_kg, double bd_g_cm3, double thickness_cm, double coarse_fraction) {
  // g kg-1 -> 1e-3; g cm-3 x cm = g cm-2 of fine earth; 1 g cm-2 = 100 t ha-1
  return 0.1 * soc_g_kg * bd_g_cm3 * thickness_cm * (1.0 - coarse_fraction);
}

bool stock_method_is_product(const std::string& m) {
  return m == "source_pct_x_soil_weight" || m == "pct_x_source_bulk_density" || m == "fixed_depth" ||
         m == "soc_x_bd_x_depth" || m == "soc_x_ptf_bd_x_depth";
}

namespace {

const char* const kStockMethods[] = {"source_pct_x_soil_weight", "source_pct_x_standard_soil_weight",
                                     "source_equivalent_soil_mass", "source_reported", "pct_x_source_bulk_density",
                                     "fixed_depth", "equivalent_soil_mass", "soc_x_bd_x_depth",
                                     "soc_x_ptf_bd_x_depth", "none"};
const char* const kQcFlags[] = {"ok", "estimated_by_source", "unverified", "estimated", "estimated_from_spectra"};

/// Columns the site format knows, with the unit their values must convert to.
struct KnownColumn {
  const char* name;
  const char* canonical;  ///< UDUNITS unit the column's unit must convert to
  const char* kind;       ///< in messages
};
const KnownColumn kKnownColumns[] = {
    {"soc", "g kg-1", "a mass fraction such as 'g kg-1', 'percent' or 'g/(100 g)'"},
    {"soc_sd", "g kg-1", "a mass fraction such as 'g kg-1'"},
    {"soc_lower", "g kg-1", "a mass fraction such as 'g kg-1' (the unit of soc)"},
    {"soc_upper", "g kg-1", "a mass fraction such as 'g kg-1' (the unit of soc)"},
    {"soc_interval_level", "1", "a fraction: '1'"},
    {"soc_stock", "t ha-1", "a mass per area such as 't ha-1', 'Mg ha-1' or 'kg m-2'"},
    {"soc_stock_sd", "t ha-1", "a mass per area such as 't ha-1'"},
    {"soc_stock_esm", "t ha-1", "a mass per area such as 't ha-1'"},
    {"esm_soil_mass_ref", "t ha-1", "a mass per area such as 't ha-1'"},
    {"soil_mass", "t ha-1", "a mass per area such as 't ha-1'"},
    {"bd_samp", "g cm-3", "a density such as 'g cm-3', 'Mg m-3' or 'kg m-3'"},
    {"bd_samp_sd", "g cm-3", "a density such as 'g cm-3'"},
    {"bd_tot", "g cm-3", "a density such as 'g cm-3'"},
    {"bulk_density_g_cm3", "g cm-3", "a density such as 'g cm-3'"},
    {"layer_top", "cm", "a length such as 'cm' or 'm'"},
    {"layer_bot", "cm", "a length such as 'cm' or 'm'"},
    {"sampling_depth_cm", "cm", "a length such as 'cm'"},
    {"elevation_m", "m", "a length such as 'm'"},
    {"coarse_frac", "1", "a fraction such as '1' or 'percent'"},
    {"clay_pct", "1", "a fraction such as 'percent'"},
    {"silt_pct", "1", "a fraction such as 'percent'"},
    {"sand_pct", "1", "a fraction such as 'percent'"},
    {"latitude", "degrees_north", "'degrees_north'"},
    {"longitude", "degrees_east", "'degrees_east'"},
};

const KnownColumn* known_column(const std::string& name) {
  for (const auto& k : kKnownColumns)
    if (name == k.name) return &k;
  return nullptr;
}

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool inside(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find("://") != std::string::npos) return false;
  std::size_t start = 0;
  for (;;) {
    const auto slash = p.find('/', start);
    if (p.substr(start, slash == std::string::npos ? std::string::npos : slash - start) == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

bool parse_integer(const std::string& s, double& out) {
  std::size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  if (i == s.size()) return false;
  for (std::size_t k = i; k < s.size(); ++k)
    if (s[k] < '0' || s[k] > '9') return false;
  return parse_decimal(s, out);
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// ISO 8601 calendar date: YYYY-MM-DD (full), or with `partial` also YYYY and YYYY-MM. Sets the year.
bool iso_date(const std::string& s, bool partial, int& year) {
  auto digits = [&](std::size_t at, std::size_t n) {
    if (at + n > s.size()) return false;
    for (std::size_t k = at; k < at + n; ++k)
      if (s[k] < '0' || s[k] > '9') return false;
    return true;
  };
  if (!digits(0, 4)) return false;
  year = std::stoi(s.substr(0, 4));
  if (s.size() == 4) return partial;
  if (s.size() < 7 || s[4] != '-' || !digits(5, 2)) return false;
  const int month = std::stoi(s.substr(5, 2));
  if (month < 1 || month > 12) return false;
  if (s.size() == 7) return partial;
  if (s.size() != 10 || s[7] != '-' || !digits(8, 2)) return false;
  const int day = std::stoi(s.substr(8, 2));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int last = kDays[month - 1] + (month == 2 && leap(year) ? 1 : 0);
  return day >= 1 && day <= last;
}

const char* const kTypes[] = {"string", "number", "integer", "boolean", "date", "year", "any"};

class Validator {
 public:
  explicit Validator(ValidationResult& r) : r_(r), units_(Units::get()) {}

  void run();

 private:
  ValidationResult& r_;
  const Units& units_;
  std::string desc_file_;

  void problem(const std::string& file, int line, int column, const std::string& message) {
    r_.problems.push_back({file, line, column, message});
  }
  /// A problem of the descriptor at a JSON value (its line and column, and its JSON path).
  void at(const JsonValue& v, const std::string& path, const std::string& message) {
    problem(desc_file_, v.line, v.column, message + " (" + path + ")");
  }

  void check_package_metadata();
  void read_resource(const JsonValue& res, const std::string& path);
  void check_schema(PackageTable& t, const std::string& path);
  void check_rows(PackageTable& t);
  void check_keys(PackageTable& t, const std::string& path);
  void check_site_format();
  void check_observations(PackageTable& t);
  std::string key_text(const PackageTable& t, const CsvRecord& rec, const std::vector<int>& cols) const;
  /// A column's value in the site format's canonical unit, NaN when missing or not a number.
  double value(const PackageTable& t, const CsvRecord& rec, const std::string& column, const char* canonical) const;
};

void Validator::run() {
  const std::string& dir = r_.dir;
  if (!is_directory(dir)) {
    r_.readable = false;
    problem(dir, 0, 0, "not a folder, expected a site package folder holding datapackage.json");
    return;
  }
  desc_file_ = dir + "/datapackage.json";
  if (!is_regular_file(desc_file_)) {
    r_.readable = false;
    problem(desc_file_, 0, 0, "not found, expected the package descriptor (a Frictionless Data Package)");
    return;
  }
  try {
    r_.descriptor = read_json_file(desc_file_);
  } catch (const InputError& e) {
    const std::string m = e.what();
    if (m.find("invalid JSON") == std::string::npos) r_.readable = false;
    problem("", 0, 0, m);
    return;
  }
  const JsonValue& d = r_.descriptor;
  if (!d.is(Type::object)) {
    at(d, "$", std::string("found ") + json_type_name(d.type) + ", expected an object (a Data Package descriptor)");
    return;
  }
  check_package_metadata();
  const JsonValue* resources = d.member("resources");
  if (!resources) {
    at(d, "$", "no 'resources', expected the list of the package's files");
    return;
  }
  if (!resources->is(Type::array) || resources->items.empty()) {
    at(*resources, "$.resources", "expected a non-empty array of resources");
    return;
  }
  std::map<std::string, int> names;
  for (std::size_t i = 0; i < resources->items.size(); ++i) {
    const std::string path = "$.resources[" + std::to_string(i) + "]";
    const JsonValue& res = resources->items[i];
    if (!res.is(Type::object)) {
      at(res, path, "expected a resource (an object with a name and a path)");
      continue;
    }
    const JsonValue* name = res.member("name");
    if (!name || !name->is(Type::string) || name->text.empty()) {
      at(res, path, "no 'name' string, expected every resource to have one");
      continue;
    }
    if (!std::regex_match(name->text, std::regex("^[a-z0-9._-]+$")))
      at(*name, path + ".name", "'" + excerpt(name->text) + "', expected lower-case letters, digits, '.', '_' or '-'");
    if (!names.emplace(name->text, static_cast<int>(i)).second) {
      at(*name, path + ".name", "'" + excerpt(name->text) + "' is also the name of $.resources[" +
                                    std::to_string(names[name->text]) + "], expected each name once");
      continue;
    }
    read_resource(res, path);
  }
  if (!r_.readable) return;
  check_site_format();
}

void Validator::check_package_metadata() {
  const JsonValue& d = r_.descriptor;
  const JsonValue* licenses = d.member("licenses");
  if (!licenses) {
    at(d, "$", "no 'licenses', expected the data licence (e.g. [{\"name\": \"CC-BY-4.0\", \"path\": ...}])");
  } else if (!licenses->is(Type::array) || licenses->items.empty()) {
    at(*licenses, "$.licenses", "expected a non-empty array of licences");
  } else {
    for (std::size_t i = 0; i < licenses->items.size(); ++i) {
      const JsonValue& l = licenses->items[i];
      const JsonValue* n = l.member("name");
      const JsonValue* p = l.member("path");
      if (!(n && n->is(Type::string) && !n->text.empty()) && !(p && p->is(Type::string) && !p->text.empty()))
        at(l, "$.licenses[" + std::to_string(i) + "]", "expected a licence with a 'name' (SPDX id) or a 'path' (URL)");
    }
  }
  if (const JsonValue* sources = d.member("sources")) {
    if (!sources->is(Type::array)) at(*sources, "$.sources", "expected an array of sources");
    else
      for (std::size_t i = 0; i < sources->items.size(); ++i) {
        const JsonValue* t = sources->items[i].member("title");
        if (!t || !t->is(Type::string) || t->text.empty())
          at(sources->items[i], "$.sources[" + std::to_string(i) + "]", "expected a source with a 'title' (its citation)");
      }
  }
}

void Validator::read_resource(const JsonValue& res, const std::string& path) {
  const std::string name = res.member("name")->text;
  const JsonValue* p = res.member("path");
  if (!p) {
    if (!res.member("data")) at(res, path, "neither 'path' nor 'data', expected the resource's file");
    return;
  }
  if (p->is(Type::array)) {
    at(*p, path + ".path", "a multi-part resource, expected one file per resource in a site package");
    return;
  }
  if (!p->is(Type::string)) {
    at(*p, path + ".path", std::string("found ") + json_type_name(p->type) + ", expected a relative path");
    return;
  }
  if (!inside(p->text)) {
    at(*p, path + ".path", "'" + excerpt(p->text) + "', expected a relative path inside the package folder (no '..', "
                                                    "not absolute, not a URL)");
    return;
  }
  const std::string file = r_.dir + "/" + p->text;
  if (!is_regular_file(file)) {
    at(*p, path + ".path", "'" + excerpt(p->text) + "' not found in " + r_.dir + ", expected every resource to exist");
    return;
  }
  const JsonValue* schema = res.member("schema");
  const JsonValue* format = res.member("format");
  const bool csv = (format && format->is(Type::string) && format->text == "csv") ||
                   (p->text.size() > 4 && p->text.compare(p->text.size() - 4, 4, ".csv") == 0);
  if (!csv) return;
  PackageTable t;
  t.name = name;
  t.file = file;
  t.resource = &res;
  if (schema) {
    if (schema->is(Type::object)) t.schema = schema;
    else at(*schema, path + ".schema", "expected an inline table schema (an object)");
  }
  if (const JsonValue* dialect = res.member("dialect")) {
    if (!dialect->is(Type::object)) {
      at(*dialect, path + ".dialect", "expected a table dialect (an object)");
    } else {
      if (const JsonValue* del = dialect->member("delimiter")) {
        if (del->is(Type::string) && del->text.size() == 1) t.dialect.delimiter = del->text[0];
        else at(*del, path + ".dialect.delimiter", "expected a one-character string");
      }
      if (const JsonValue* h = dialect->member("header"); h && h->is(Type::boolean) && !h->boolean)
        t.dialect.header_row = 0;
      if (const JsonValue* rows = dialect->member("headerRows")) {
        if (rows->is(Type::array) && rows->items.size() == 1 && rows->items[0].is(Type::number) &&
            rows->items[0].number >= 1 && rows->items[0].number == std::floor(rows->items[0].number))
          t.dialect.header_row = static_cast<int>(rows->items[0].number);
        else
          at(*rows, path + ".dialect.headerRows", "expected one line number, e.g. [1]");
      }
      if (const JsonValue* rows = dialect->member("commentRows")) {
        if (!rows->is(Type::array)) at(*rows, path + ".dialect.commentRows", "expected an array of line numbers");
        else
          for (const auto& v : rows->items)
            if (v.is(Type::number) && v.number >= 1) t.dialect.comment_rows.push_back(static_cast<int>(v.number));
      }
      if (const JsonValue* c = dialect->member("commentChar")) {
        if (c->is(Type::string) && c->text.size() == 1) t.dialect.comment_char = c->text[0];
        else at(*c, path + ".dialect.commentChar", "expected a one-character string");
      }
    }
  }
  try {
    t.csv = read_csv_table(file, t.dialect, r_.problems);
  } catch (const InputError& e) {
    r_.readable = false;
    problem("", 0, 0, e.what());
    return;
  }
  r_.rows += t.csv.records.size();
  if (t.schema) {
    check_schema(t, path + ".schema");
    check_rows(t);
    check_keys(t, path + ".schema");
  }
  if (res.member("x_alamodSiteForcing")) {  // a forcing file: the forcing reader's rules too
    try {
      read_site_forcing(file);
    } catch (const InputError& e) {
      problem("", 0, 0, e.what());
    }
  }
  r_.tables.emplace(name, std::move(t));
}

void Validator::check_schema(PackageTable& t, const std::string& path) {
  const JsonValue& s = *t.schema;
  if (const JsonValue* mv = s.member("missingValues")) {
    if (!mv->is(Type::array)) {
      at(*mv, path + ".missingValues", "expected an array of strings");
    } else {
      t.missing_values.clear();
      for (const auto& v : mv->items)
        if (v.is(Type::string)) t.missing_values.push_back(v.text);
    }
  }
  const JsonValue* fields = s.member("fields");
  if (!fields || !fields->is(Type::array)) {
    at(s, path, "no 'fields' array, expected one field descriptor per column");
    return;
  }
  const auto& header = t.csv.header;
  const int header_line = t.dialect.header_row;
  for (std::size_t k = 0; k < fields->items.size() || k < header.size(); ++k) {
    const std::string fpath = path + ".fields[" + std::to_string(k) + "]";
    if (k >= fields->items.size()) {
      problem(t.file, header_line, static_cast<int>(k) + 1,
              "column '" + excerpt(header[k]) + "' has no field in the descriptor, expected one field per column, in order");
      continue;
    }
    const JsonValue& f = fields->items[k];
    const JsonValue* name = f.member("name");
    if (!name || !name->is(Type::string)) {
      at(f, fpath, "no 'name' string, expected every field to have one");
      continue;
    }
    if (k >= header.size())
      at(*name, fpath + ".name", "field '" + excerpt(name->text) + "' has no column in " + t.file + ":" +
                                     std::to_string(header_line) + ", expected one field per column, in order");
    else if (header[k] != name->text)
      problem(t.file, header_line, static_cast<int>(k) + 1,
              "column '" + excerpt(header[k]) + "', but the descriptor's field " + std::to_string(k + 1) + " is '" +
                  excerpt(name->text) + "' (" + fpath + "), expected the fields to be the columns, in order");
    const JsonValue* type = f.member("type");
    if (type && (!type->is(Type::string) ||
                 std::find(std::begin(kTypes), std::end(kTypes), type->text) == std::end(kTypes)))
      at(*type, fpath + ".type", "'" + excerpt(type->text) + "', expected one of string, number, integer, boolean, date, year, any");
    const std::string tname = type && type->is(Type::string) ? type->text : "string";
    const JsonValue* unit = f.member("unit");
    const KnownColumn* known = known_column(name->text);
    const bool site_table = t.name == "site" || t.name == "treatments" || t.name == "soc_observations";
    // a forcing's column that accepts `1` may leave its unit out, or give it empty (FORMAT.md, section 1)
    const bool forcing = t.resource && t.resource->member("x_alamodSiteForcing");
    const bool one_ok = forcing && (name->text.rfind("x_", 0) == 0 || accepts_unit_one(name->text));
    if (unit && one_ok && unit->is(Type::string) && unit->text.empty()) {
      // read as `1`
    } else if (unit) {
      if (!unit->is(Type::string) || unit->text.empty())
        at(*unit, fpath + ".unit", "expected a unit string in UDUNITS spelling ('1' for a count or a ratio)");
      else if (!units_.parses(unit->text))
        at(*unit, fpath + ".unit", "'" + excerpt(unit->text) + "' is not a unit UDUNITS-2 knows, expected UDUNITS spelling "
                                                               "(e.g. 'g kg-1', 't ha-1', 'g cm-3', 'cm', '1')");
      else if (known && site_table && !units_.convertible(unit->text, known->canonical))
        at(*unit, fpath + ".unit", "'" + excerpt(unit->text) + "' for column " + name->text + ", expected " + known->kind +
                                       (unit->text.find(" C ") != std::string::npos || unit->text.find("C ") == 0
                                            ? " (UDUNITS reads 'C' as the coulomb: name the element in the column, not the unit)"
                                            : ""));
    } else if ((tname == "number" || tname == "integer") && forcing && !one_ok) {
      at(f, fpath, "numeric field '" + excerpt(name->text) + "' of a site forcing has no 'unit', expected one in UDUNITS "
                   "spelling (only a column that accepts '1' may leave it out, data/sites/FORMAT.md)");
    } else if (tname == "number" || tname == "integer") {
      if (!one_ok && (site_table || known))
        at(f, fpath, "numeric field '" + excerpt(name->text) + "' has no 'unit', expected one in UDUNITS spelling" +
                         (known ? std::string(" (") + known->kind + ")" : std::string(" ('1' for a count or a ratio)")));
    }
  }
}

void Validator::check_rows(PackageTable& t) {
  const auto& header = t.csv.header;
  struct Rule {
    int col;
    std::string name, type;
    bool required = false, unique = false;
    bool has_min = false, has_max = false;
    double min = 0, max = 0;
    std::vector<std::string> enums;
    bool has_pattern = false;
    std::regex pattern;
    std::string pattern_text;
    int min_length = -1, max_length = -1;
  };
  std::vector<Rule> rules;
  for (std::size_t c = 0; c < header.size(); ++c) {
    const JsonValue* f = t.field(header[c]);
    if (!f) continue;
    Rule r;
    r.col = static_cast<int>(c);
    r.name = header[c];
    const JsonValue* type = f->member("type");
    r.type = type && type->is(Type::string) ? type->text : "string";
    if (const JsonValue* cons = f->member("constraints"); cons && cons->is(Type::object)) {
      if (const JsonValue* v = cons->member("required")) r.required = v->is(Type::boolean) && v->boolean;
      if (const JsonValue* v = cons->member("unique")) r.unique = v->is(Type::boolean) && v->boolean;
      if (const JsonValue* v = cons->member("minimum"); v && v->is(Type::number)) r.has_min = true, r.min = v->number;
      if (const JsonValue* v = cons->member("maximum"); v && v->is(Type::number)) r.has_max = true, r.max = v->number;
      if (const JsonValue* v = cons->member("minLength"); v && v->is(Type::number)) r.min_length = static_cast<int>(v->number);
      if (const JsonValue* v = cons->member("maxLength"); v && v->is(Type::number)) r.max_length = static_cast<int>(v->number);
      if (const JsonValue* v = cons->member("enum"); v && v->is(Type::array))
        for (const auto& e : v->items)
          r.enums.push_back(e.is(Type::string) ? e.text : e.is(Type::number) ? short_number(e.number) : std::string());
      if (const JsonValue* v = cons->member("pattern"); v && v->is(Type::string)) {
        try {
          r.pattern = std::regex(v->text, std::regex::ECMAScript);
          r.has_pattern = true;
          r.pattern_text = v->text;
        } catch (const std::regex_error&) {
          at(*v, "pattern of field " + r.name, "'" + excerpt(v->text) + "' is not a regular expression");
        }
      }
    }
    rules.push_back(std::move(r));
  }
  std::vector<std::map<std::string, int>> seen(rules.size());
  for (const auto& rec : t.csv.records) {
    for (std::size_t k = 0; k < rules.size(); ++k) {
      const Rule& r = rules[k];
      const std::string& v = rec.fields[static_cast<std::size_t>(r.col)];
      const int col = r.col + 1;
      auto bad = [&](const std::string& what) { problem(t.file, rec.line, col, r.name + ": " + what); };
      if (t.missing(v)) {
        if (r.required) bad("empty, expected a value (the field is required)");
        continue;
      }
      double number = 0;
      bool numeric = false;
      if (r.type == "number") {
        if (!parse_decimal(v, number)) {
          bad("found '" + excerpt(v) + "', expected a number in decimal notation");
          continue;
        }
        numeric = true;
      } else if (r.type == "integer" || r.type == "year") {
        if (!parse_integer(v, number)) {
          bad("found '" + excerpt(v) + "', expected an integer");
          continue;
        }
        numeric = true;
      } else if (r.type == "boolean") {
        if (v != "true" && v != "false" && v != "True" && v != "False" && v != "TRUE" && v != "FALSE" && v != "1" && v != "0") {
          bad("found '" + excerpt(v) + "', expected true or false");
          continue;
        }
      } else if (r.type == "date") {
        int year = 0;
        if (!iso_date(v, false, year)) {
          bad("found '" + excerpt(v) + "', expected a calendar date YYYY-MM-DD (ISO 8601) that exists");
          continue;
        }
      }
      if (numeric) {
        if (r.has_min && number < r.min) bad("value " + v + " is below the minimum " + short_number(r.min));
        if (r.has_max && number > r.max) bad("value " + v + " is above the maximum " + short_number(r.max));
      }
      if (!r.enums.empty()) {
        bool ok = std::find(r.enums.begin(), r.enums.end(), v) != r.enums.end();
        if (!ok && numeric)
          for (const auto& e : r.enums) {
            double x = 0;
            if (parse_decimal(e, x) && x == number) ok = true;
          }
        if (!ok) {
          std::string list;
          for (const auto& e : r.enums) list += (list.empty() ? "" : ", ") + e;
          bad("'" + excerpt(v) + "' is not one of the allowed values (" + excerpt(list, 200) + ")");
        }
      }
      if (r.has_pattern && !std::regex_match(v, r.pattern))
        bad("'" + excerpt(v) + "' does not match the pattern " + r.pattern_text);
      if (r.min_length >= 0 && static_cast<int>(v.size()) < r.min_length)
        bad("'" + excerpt(v) + "' is shorter than " + std::to_string(r.min_length) + " characters");
      if (r.max_length >= 0 && static_cast<int>(v.size()) > r.max_length)
        bad("'" + excerpt(v) + "' is longer than " + std::to_string(r.max_length) + " characters");
      if (r.unique) {
        const std::string key = numeric ? exact_number(number) : v;
        const auto [it, fresh] = seen[k].emplace(key, rec.line);
        if (!fresh) bad("'" + excerpt(v) + "' repeated (first on line " + std::to_string(it->second) + "), expected each value once");
      }
    }
  }
}

std::string Validator::key_text(const PackageTable& t, const CsvRecord& rec, const std::vector<int>& cols) const {
  std::string key;
  for (const int c : cols) {
    const std::string& v = rec.fields[static_cast<std::size_t>(c)];
    const JsonValue* f = t.field(t.csv.header[static_cast<std::size_t>(c)]);
    const JsonValue* type = f ? f->member("type") : nullptr;
    double x = 0;
    if (type && type->is(Type::string) && (type->text == "number" || type->text == "integer") && parse_decimal(v, x))
      key += exact_number(x);
    else
      key += v;
    key += '\x1f';
  }
  return key;
}

/// Field names of a primaryKey / foreignKey `fields` member: a string or an array of strings.
std::vector<std::string> name_list(const JsonValue& v) {
  std::vector<std::string> out;
  if (v.is(Type::string)) out.push_back(v.text);
  else if (v.is(Type::array))
    for (const auto& i : v.items)
      if (i.is(Type::string)) out.push_back(i.text);
  return out;
}

void Validator::check_keys(PackageTable& t, const std::string& path) {
  const JsonValue& s = *t.schema;
  if (const JsonValue* pk = s.member("primaryKey")) {
    const auto names = name_list(*pk);
    std::vector<int> cols;
    for (const auto& n : names) {
      const int c = t.column(n);
      if (c < 0) at(*pk, path + ".primaryKey", "'" + excerpt(n) + "' is not a column of " + t.file);
      cols.push_back(c);
    }
    if (!cols.empty() && std::find(cols.begin(), cols.end(), -1) == cols.end()) {
      std::map<std::string, int> seen;
      std::string list;
      for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
      for (const auto& rec : t.csv.records) {
        bool empty = false;
        for (const int c : cols) empty = empty || t.missing(rec.fields[static_cast<std::size_t>(c)]);
        if (empty) {
          problem(t.file, rec.line, cols[0] + 1, "primary key (" + list + ") has an empty part, expected every part given");
          continue;
        }
        const auto [it, fresh] = seen.emplace(key_text(t, rec, cols), rec.line);
        if (!fresh)
          problem(t.file, rec.line, cols[0] + 1,
                  "duplicate primary key (" + list + "), first on line " + std::to_string(it->second) +
                      ", expected each key once");
      }
    }
  }
}

double Validator::value(const PackageTable& t, const CsvRecord& rec, const std::string& column, const char* canonical) const {
  const int c = t.column(column);
  if (c < 0) return std::nan("");
  const std::string& v = rec.fields[static_cast<std::size_t>(c)];
  double x = 0;
  if (t.missing(v) || !parse_decimal(v, x)) return std::nan("");
  const std::string u = t.unit(column);
  if (u.empty()) return x;
  if (!units_.convertible(u, canonical)) return std::nan("");  // a bad unit, reported already: no derived check
  return units_.convert(x, u, canonical);
}

void Validator::check_site_format() {
  const JsonValue* resources = r_.descriptor.member("resources");
  // foreign keys (every table read, now that all are)
  for (std::size_t i = 0; i < resources->items.size(); ++i) {
    const JsonValue& res = resources->items[i];
    const JsonValue* name = res.member("name");
    if (!name || !r_.tables.count(name->text)) continue;
    PackageTable& t = r_.tables.at(name->text);
    if (!t.schema) continue;
    const JsonValue* fks = t.schema->member("foreignKeys");
    if (!fks) continue;
    const std::string path = "$.resources[" + std::to_string(i) + "].schema.foreignKeys";
    if (!fks->is(Type::array)) {
      at(*fks, path, "expected an array of foreign keys");
      continue;
    }
    for (std::size_t k = 0; k < fks->items.size(); ++k) {
      const JsonValue& fk = fks->items[k];
      const std::string fpath = path + "[" + std::to_string(k) + "]";
      const JsonValue* fields = fk.member("fields");
      const JsonValue* ref = fk.member("reference");
      if (!fields || !ref || !ref->is(Type::object)) {
        at(fk, fpath, "expected 'fields' and a 'reference' object");
        continue;
      }
      const auto local = name_list(*fields);
      const JsonValue* rres = ref->member("resource");
      const JsonValue* rfields = ref->member("fields");
      const std::string target = rres && rres->is(Type::string) && !rres->text.empty() ? rres->text : t.name;
      const auto remote = rfields ? name_list(*rfields) : std::vector<std::string>();
      if (!r_.tables.count(target)) {
        at(fk, fpath, "references resource '" + excerpt(target) + "', which is not a table of the package");
        continue;
      }
      const PackageTable& rt = r_.tables.at(target);
      if (local.size() != remote.size() || local.empty()) {
        at(fk, fpath, "expected as many reference fields as fields");
        continue;
      }
      std::vector<int> lc, rc;
      bool ok = true;
      for (const auto& n : local) lc.push_back(t.column(n)), ok = ok && lc.back() >= 0;
      for (const auto& n : remote) rc.push_back(rt.column(n)), ok = ok && rc.back() >= 0;
      if (!ok) {
        at(fk, fpath, "names a column that the tables do not have");
        continue;
      }
      std::set<std::string> keys;
      for (const auto& rec : rt.csv.records) keys.insert(key_text(rt, rec, rc));
      std::string list;
      for (const auto& n : local) list += (list.empty() ? "" : ", ") + n;
      for (const auto& rec : t.csv.records) {
        bool empty = false;
        std::string shown;
        for (std::size_t j = 0; j < lc.size(); ++j) {
          const std::string& v = rec.fields[static_cast<std::size_t>(lc[j])];
          empty = empty || t.missing(v);
          shown += (j ? ", " : "") + local[j] + " '" + excerpt(v) + "'";
        }
        if (empty) continue;
        if (!keys.count(key_text(t, rec, lc)))
          problem(t.file, rec.line, lc[0] + 1,
                  "foreign key (" + list + "): " + shown + " is not in " + rt.file + ", expected a row of " + target);
      }
    }
  }
  // the site format: which tables, and what they hold
  for (const char* required : {"site", "treatments", "soc_observations"})
    if (!r_.tables.count(required))
      at(*resources, "$.resources", std::string("no table resource '") + required +
                                        "', expected the site format's site, treatments and soc_observations tables");
  std::string site_id;
  if (r_.tables.count("site")) {
    const PackageTable& s = r_.tables.at("site");
    if (s.csv.records.size() != 1)
      problem(s.file, 0, 0, std::to_string(s.csv.records.size()) + " data rows, expected exactly one (the site)");
    for (const char* col : {"site_id", "licence", "citation"})
      if (s.column(col) < 0 && std::string(col) != "citation")
        problem(s.file, s.dialect.header_row, 0, std::string("no column '") + col + "', expected one (data/sites/FORMAT.md)");
    if (!s.csv.records.empty()) {
      const auto& rec = s.csv.records[0];
      const int id = s.column("site_id");
      if (id >= 0) site_id = rec.fields[static_cast<std::size_t>(id)];
      const int lic = s.column("licence");
      if (lic >= 0) {
        const std::string& l = rec.fields[static_cast<std::size_t>(lic)];
        std::vector<std::string> declared;
        if (const JsonValue* ls = r_.descriptor.member("licenses"); ls && ls->is(Type::array))
          for (const auto& x : ls->items)
            if (const JsonValue* n = x.member("name"); n && n->is(Type::string)) declared.push_back(n->text);
        const JsonValue* lf = s.field("licence");
        const JsonValue* lc = lf ? lf->member("constraints") : nullptr;
        const JsonValue* lr = lc ? lc->member("required") : nullptr;
        const bool required = lr && lr->is(Type::boolean) && lr->boolean;  // then reported by the table checks
        if (l.empty() && !required)
          problem(s.file, rec.line, lic + 1, "licence: empty, expected the SPDX id of the data licence");
        else if (!declared.empty() && std::find(declared.begin(), declared.end(), l) == declared.end())
          problem(s.file, rec.line, lic + 1, "licence: '" + excerpt(l) + "' is not among the descriptor's licenses");
      }
      const int cit = s.column("citation");
      const JsonValue* sources = r_.descriptor.member("sources");
      const bool has_sources = sources && sources->is(Type::array) && !sources->items.empty();
      if ((cit < 0 || rec.fields[static_cast<std::size_t>(cit)].empty()) && !has_sources)
        problem(s.file, rec.line, cit >= 0 ? cit + 1 : 0,
                "no citation: expected site.csv's citation or the descriptor's sources to say how to cite the data");
    }
  }
  for (const char* table : {"treatments", "soc_observations"}) {
    if (!r_.tables.count(table) || site_id.empty()) continue;
    const PackageTable& t = r_.tables.at(table);
    const int c = t.column("site_id");
    if (c < 0) {
      problem(t.file, t.dialect.header_row, 0, "no column 'site_id', expected one (data/sites/FORMAT.md)");
      continue;
    }
    for (const auto& rec : t.csv.records)
      if (rec.fields[static_cast<std::size_t>(c)] != site_id)
        problem(t.file, rec.line, c + 1,
                "site_id: '" + excerpt(rec.fields[static_cast<std::size_t>(c)]) + "', expected the package's site '" +
                    site_id + "' (site.csv)");
  }
  if (r_.tables.count("treatments")) {
    const PackageTable& t = r_.tables.at("treatments");
    const int c_start = t.column("start_year"), c_end = t.column("end_year");
    if (c_start >= 0 && c_end >= 0)
      for (const auto& rec : t.csv.records) {
        double a = 0, b = 0;
        if (parse_decimal(rec.fields[static_cast<std::size_t>(c_start)], a) &&
            parse_decimal(rec.fields[static_cast<std::size_t>(c_end)], b) && b < a)
          problem(t.file, rec.line, c_end + 1,
                  "end_year " + rec.fields[static_cast<std::size_t>(c_end)] + " is before start_year " +
                      rec.fields[static_cast<std::size_t>(c_start)] + ", expected start_year <= end_year");
      }
  }
  if (r_.tables.count("soc_observations")) check_observations(r_.tables.at("soc_observations"));
}

void Validator::check_observations(PackageTable& t) {
  for (const char* col : {"site_id", "treatment_id", "observation_date", "layer_top", "layer_bot", "qc_flag"})
    if (t.column(col) < 0)
      problem(t.file, t.dialect.header_row, 0, std::string("no column '") + col + "', expected one (data/sites/FORMAT.md)");
  if (t.column("soc") < 0 && t.column("soc_stock") < 0)
    problem(t.file, t.dialect.header_row, 0, "neither 'soc' nor 'soc_stock', expected at least one of them");
  const int c_date = t.column("observation_date"), c_year = t.column("observation_year");
  const int c_top = t.column("layer_top"), c_bot = t.column("layer_bot"), c_qc = t.column("qc_flag");
  const int c_method = t.column("soc_stock_method"), c_stock = t.column("soc_stock");
  const int c_plot = t.column("plot_id"), c_tr = t.column("treatment_id"), c_site = t.column("site_id");
  struct Layer {
    double top, bot;
    int line;
  };
  std::map<std::string, std::vector<Layer>> profiles;
  // a value the descriptor's enum refuses is reported once, by the table checks
  const JsonValue* qc_field = t.field("qc_flag");
  const JsonValue* qc_cons = qc_field ? qc_field->member("constraints") : nullptr;
  const JsonValue* qc_values = qc_cons ? qc_cons->member("enum") : nullptr;
  auto qc_enum_refuses = [&](const std::string& v) {
    if (!qc_values || !qc_values->is(Type::array)) return false;
    for (const auto& e : qc_values->items)
      if (e.is(Type::string) && e.text == v) return false;
    return true;
  };
  auto text = [](const CsvRecord& rec, int c) { return c >= 0 ? rec.fields[static_cast<std::size_t>(c)] : std::string(); };
  for (const auto& rec : t.csv.records) {
    // dates
    int year = 0;
    const std::string date = text(rec, c_date);
    if (c_date >= 0 && !date.empty()) {
      if (!iso_date(date, true, year))
        problem(t.file, rec.line, c_date + 1,
                "observation_date: '" + excerpt(date) + "', expected an ISO 8601 date that exists (YYYY-MM-DD, YYYY-MM or YYYY)");
      else if (c_year >= 0 && !text(rec, c_year).empty()) {
        double y = 0;
        if (parse_decimal(text(rec, c_year), y) && static_cast<int>(y) != year)
          problem(t.file, rec.line, c_year + 1,
                  "observation_year: " + text(rec, c_year) + ", but observation_date is " + date + ", expected the same year");
      }
    }
    // layers
    const double top = value(t, rec, "layer_top", "cm"), bot = value(t, rec, "layer_bot", "cm");
    if (std::isfinite(top) && std::isfinite(bot)) {
      if (top < 0) problem(t.file, rec.line, c_top + 1, "layer_top: " + text(rec, c_top) + ", expected a depth >= 0");
      if (!(top < bot))
        problem(t.file, rec.line, c_bot + 1,
                "layer " + text(rec, c_top) + "-" + text(rec, c_bot) + ": expected the bottom below the top (layer_top < layer_bot)");
      else
        profiles[text(rec, c_site) + '\x1f' + text(rec, c_tr) + '\x1f' + text(rec, c_plot) + '\x1f' + date].push_back(
            {top, bot, rec.line});
    }
    // QC flags
    if (c_qc >= 0) {
      const std::string qc = text(rec, c_qc);
      if (!qc.empty() && qc.rfind("reject", 0) != 0 &&
          std::find(std::begin(kQcFlags), std::end(kQcFlags), qc) == std::end(kQcFlags) && !qc_enum_refuses(qc))
        problem(t.file, rec.line, c_qc + 1,
                "qc_flag: '" + excerpt(qc) + "', expected ok, estimated_by_source, unverified, estimated, "
                "estimated_from_spectra or reject[_why]");
    }
    // a prediction interval of soc (alamod spectra predict --site-observations): all three columns or none,
    // lower <= soc <= upper, a coverage strictly between 0 and 1
    {
      const int c_lo = t.column("soc_lower"), c_hi = t.column("soc_upper"), c_lev = t.column("soc_interval_level"),
                c_soc = t.column("soc");
      const int cols[3] = {c_lo, c_hi, c_lev};
      const char* names[3] = {"soc_lower", "soc_upper", "soc_interval_level"};
      const auto given = [&](int c) { return c >= 0 && !t.missing(text(rec, c)); };
      const int n = int(given(c_lo)) + int(given(c_hi)) + int(given(c_lev));
      if (n > 0 && n < 3) {
        for (int i = 0; i < 3; ++i)
          if (!given(cols[i]))
            problem(t.file, rec.line, cols[i] + 1,
                    std::string(names[i]) + ": empty" + (cols[i] < 0 ? " (no such column)" : "") +
                        ", expected soc_lower, soc_upper and soc_interval_level together (a prediction interval)");
      } else if (n == 3) {
        const double lo = value(t, rec, "soc_lower", "g kg-1"), hi = value(t, rec, "soc_upper", "g kg-1"),
                     lev = value(t, rec, "soc_interval_level", "1"), soc = value(t, rec, "soc", "g kg-1");
        if (std::isfinite(lev) && !(lev > 0 && lev < 1))
          problem(t.file, rec.line, c_lev + 1,
                  "soc_interval_level: " + text(rec, c_lev) + ", expected the interval's coverage strictly between 0 and 1 (e.g. 0.9)");
        if (std::isfinite(lo) && std::isfinite(hi) && !(lo <= hi))
          problem(t.file, rec.line, c_hi + 1,
                  "soc_upper " + text(rec, c_hi) + " is below soc_lower " + text(rec, c_lo) + ", expected soc_lower <= soc <= soc_upper");
        else if (!given(c_soc))
          problem(t.file, rec.line, c_soc + 1, "soc: empty, but a prediction interval is given; expected the predicted "
                  "concentration with soc_lower <= soc <= soc_upper");
        else if (std::isfinite(lo) && std::isfinite(hi) && std::isfinite(soc) && (soc < lo || soc > hi))
          problem(t.file, rec.line, c_soc + 1,
                  "soc " + text(rec, c_soc) + " outside its interval [" + text(rec, c_lo) + ", " + text(rec, c_hi) +
                      "], expected soc_lower <= soc <= soc_upper");
      }
    }
    // stock methods and the stock itself
    const std::string method = text(rec, c_method);
    const double stock = value(t, rec, "soc_stock", "t ha-1");
    if (c_method >= 0) {
      if (!method.empty() && std::find(std::begin(kStockMethods), std::end(kStockMethods), method) == std::end(kStockMethods))
        problem(t.file, rec.line, c_method + 1, "soc_stock_method: '" + excerpt(method) + "' is not a method of the site format");
      if (method == "none" && std::isfinite(stock))
        problem(t.file, rec.line, c_stock + 1, "soc_stock given, but soc_stock_method is 'none', expected how it was obtained");
      if (!method.empty() && method != "none" && c_stock >= 0 && !std::isfinite(stock))
        problem(t.file, rec.line, c_stock + 1,
                "soc_stock empty, but soc_stock_method is '" + method + "', expected a stock (or the method 'none')");
    }
    if (stock_method_is_product(method) && std::isfinite(stock)) {
      const double soc = value(t, rec, "soc", "g kg-1"), bd = value(t, rec, "bd_samp", "g cm-3");
      double coarse = value(t, rec, "coarse_frac", "1");
      if (!std::isfinite(coarse)) coarse = 0;
      if (std::isfinite(soc) && std::isfinite(bd) && std::isfinite(top) && std::isfinite(bot) && bot > top) {
        const double calc = layer_stock_t_ha(soc, bd, bot - top, coarse);
        if (std::fabs(calc - stock) > 0.01 * stock + 0.05)
          problem(t.file, rec.line, c_stock + 1,
                  "soc_stock " + text(rec, c_stock) + " t ha-1, but soc x bd_samp x thickness x (1 - coarse_frac) = " +
                      format_number("%.2f", calc) + " t ha-1 (method " + method +
                      "), expected them equal within 1 % + 0.05 t ha-1");
      }
    }
  }
  for (auto& [key, layers] : profiles) {
    std::sort(layers.begin(), layers.end(), [](const Layer& a, const Layer& b) { return a.top < b.top || (a.top == b.top && a.bot < b.bot); });
    for (std::size_t i = 1; i < layers.size(); ++i) {
      const Layer& a = layers[i - 1];
      const Layer& b = layers[i];
      if (a.top == b.top && a.bot == b.bot) continue;  // a duplicate: the primary key says so
      if (b.top < a.bot)
        problem(t.file, b.line, c_top + 1,
                "layer " + short_number(b.top) + "-" + short_number(b.bot) + " cm overlaps layer " + short_number(a.top) +
                    "-" + short_number(a.bot) + " cm of line " + std::to_string(a.line) +
                    " in the same profile (site, treatment, plot, date), expected layers that do not overlap");
    }
  }
}

}  // namespace

ValidationResult validate_site_package(const std::string& dir) {
  ValidationResult r;
  r.dir = dir;
  while (r.dir.size() > 1 && r.dir.back() == '/') r.dir.pop_back();
  // the descriptor's path names its folder (`alamod sites validate data/sites/*/datapackage.json`)
  const std::string suffix = "datapackage.json";
  if (r.dir.size() >= suffix.size() && r.dir.compare(r.dir.size() - suffix.size(), suffix.size(), suffix) == 0 &&
      (r.dir.size() == suffix.size() || r.dir[r.dir.size() - suffix.size() - 1] == '/') && is_regular_file(r.dir)) {
    r.dir.erase(r.dir.size() - suffix.size());
    while (r.dir.size() > 1 && r.dir.back() == '/') r.dir.pop_back();
    if (r.dir.empty()) r.dir = ".";
  }
  Validator(r).run();
  std::stable_sort(r.problems.begin(), r.problems.end(), [](const Problem& a, const Problem& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
  // two checks that meet the same fault say it once
  std::vector<Problem> unique;
  std::set<std::tuple<std::string, int, int, std::string>> said;
  for (auto& p : r.problems)
    if (said.emplace(p.file, p.line, p.column, p.message).second) unique.push_back(std::move(p));
  r.problems = std::move(unique);
  return r;
}

int run_sites_validate(const std::vector<std::string>& dirs, bool quiet) {
  std::size_t invalid = 0, unreadable = 0, problems = 0;
  for (const auto& dir : dirs) {
    const ValidationResult r = validate_site_package(dir);
    for (const auto& p : r.problems) std::printf("%s\n", p.text().c_str());
    problems += r.problems.size();
    if (!r.readable) ++unreadable;
    else if (!r.problems.empty()) ++invalid;
    if (!quiet || !r.problems.empty())
      std::printf("%s: %s (%zu tables, %zu rows)\n", r.dir.c_str(),
                  !r.readable ? "UNREADABLE"
                  : r.problems.empty()
                      ? "valid"
                      : ("INVALID, " + std::to_string(r.problems.size()) + " problem" +
                         (r.problems.size() == 1 ? "" : "s")).c_str(),
                  r.tables.size(), r.rows);
  }
  std::printf("%zu package%s checked: %zu valid, %zu invalid, %zu unreadable; %zu problem%s\n", dirs.size(),
              dirs.size() == 1 ? "" : "s", dirs.size() - invalid - unreadable, invalid, unreadable, problems,
              problems == 1 ? "" : "s");
  std::fflush(stdout);
  if (unreadable) return 1;
  return invalid ? kExitSitesInvalid : 0;
}

}  // namespace alamod::engine
