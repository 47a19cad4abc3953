#include "engine/site/data_package.hpp"

#include <sys/stat.h>

#include <fstream>
#include <vector>

#include "engine/site/json_reader.hpp"
#include "engine/site/site_text.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

using Type = JsonValue::Type;

/// Errors of one descriptor, each naming a JSON path.
struct Descriptor {
  std::string file;
  [[noreturn]] void fail(const std::string& json_path, const std::string& what) const {
    throw InputError(printable(file + " (" + json_path + "): " + what));
  }
  /// `v` must have type `t`.
  void expect(const JsonValue& v, Type t, const std::string& json_path, const std::string& what) const {
    if (!v.is(t)) fail(json_path, std::string("found ") + json_type_name(v.type) + ", expected " + what);
  }
};

bool is_regular_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_url(const std::string& p) {
  const auto colon = p.find("://");
  if (colon == std::string::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = p[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
      return false;
  }
  return true;
}

/// A relative path inside the folder: not absolute, no `..` component, not empty.
bool inside(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find('\0') != std::string::npos) return false;
  std::size_t start = 0;
  for (;;) {
    const auto slash = p.find('/', start);
    if (p.substr(start, slash == std::string::npos ? std::string::npos : slash - start) == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

/// Fields of one CSV line (RFC 4180 quotes), split at `delimiter`.
std::vector<std::string> split_csv(const std::string& line, char delimiter) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 8; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 8) out += ", ...";
  return out;
}

/// A path given in the descriptor: relative, inside, and a regular file. Returns the full path.
std::string checked_path(const Descriptor& d, const std::string& dir, const JsonValue& v, const std::string& at) {
  d.expect(v, Type::string, at, "a relative path (a string)");
  if (is_url(v.text)) return "";
  if (!inside(v.text))
    d.fail(at, "'" + excerpt(v.text) + "' is not a relative path inside the package folder, expected a path "
                                      "such as 'treatments.csv' (no '..', not absolute)");
  const std::string full = dir + "/" + v.text;
  if (!is_regular_file(full))
    d.fail(at, "'" + excerpt(v.text) + "' not found in " + dir + ", expected every resource the package lists to exist");
  return full;
}

/// The schema's field names equal the CSV header row.
void check_header(const Descriptor& d, const JsonValue& resource, const JsonValue& schema, const std::string& schema_at,
                  const Descriptor& schema_file, const std::string& csv, const std::string& at) {
  const JsonValue* fields = schema.member("fields");
  if (!fields) return;  // a schema without fields: nothing to compare
  schema_file.expect(*fields, Type::array, schema_at + ".fields", "an array of field descriptors");
  std::vector<std::string> names;
  for (std::size_t k = 0; k < fields->items.size(); ++k) {
    const std::string fat = schema_at + ".fields[" + std::to_string(k) + "]";
    const JsonValue& f = fields->items[k];
    schema_file.expect(f, Type::object, fat, "a field descriptor (an object with a name)");
    const JsonValue* name = f.member("name");
    if (!name) schema_file.fail(fat, "no 'name', expected every field to have one");
    schema_file.expect(*name, Type::string, fat + ".name", "the field's name (a string)");
    names.push_back(name->text);
  }
  // the dialect: which physical line is the header, and the separator
  int header_row = 1;
  char delimiter = ',';
  if (const JsonValue* dialect = resource.member("dialect")) {
    d.expect(*dialect, Type::object, at + ".dialect", "a table dialect (an object)");
    if (const JsonValue* rows = dialect->member("headerRows")) {
      d.expect(*rows, Type::array, at + ".dialect.headerRows", "an array of line numbers");
      if (rows->items.empty()) return;  // no header row: nothing to compare
      const JsonValue& first = rows->items[0];
      if (!first.is(Type::number) || first.number < 1 || first.number > 1e6 || first.number != static_cast<int>(first.number))
        d.fail(at + ".dialect.headerRows[0]", "expected a line number (an integer >= 1)");
      header_row = static_cast<int>(first.number);
    }
    if (const JsonValue* h = dialect->member("header"); h && h->is(Type::boolean) && !h->boolean) return;
    if (const JsonValue* del = dialect->member("delimiter")) {
      d.expect(*del, Type::string, at + ".dialect.delimiter", "a one-character separator (a string)");
      if (del->text.size() != 1) d.fail(at + ".dialect.delimiter", "'" + excerpt(del->text) + "', expected one character");
      delimiter = del->text[0];
    }
  }
  std::ifstream in(csv, std::ios::binary);
  std::string line;
  int no = 0;
  bool found = false;
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (no == header_row) {
      found = true;
      break;
    }
  }
  if (!found)
    d.fail(at + ".dialect.headerRows", csv + " has " + std::to_string(no) + " lines, expected a header on line " +
                                           std::to_string(header_row));
  const std::vector<std::string> header = split_csv(line, delimiter);
  for (std::size_t k = 0; k < names.size() || k < header.size(); ++k) {
    if (k < names.size() && k < header.size() && names[k] == header[k]) continue;
    const std::string where = csv + ":" + std::to_string(header_row);
    if (k >= names.size())
      schema_file.fail(schema_at + ".fields",
                       std::to_string(names.size()) + " fields, but " + where + " has " + std::to_string(header.size()) +
                           " columns (" + joined(header) + "): column " + std::to_string(k + 1) + " '" +
                           excerpt(header[k]) + "' has no field; expected one field per column, in order");
    if (k >= header.size())
      schema_file.fail(schema_at + ".fields[" + std::to_string(k) + "].name",
                       "field '" + excerpt(names[k]) + "' has no column: " + where + " has " +
                           std::to_string(header.size()) + " columns (" + joined(header) +
                           "); expected one field per column, in order");
    schema_file.fail(schema_at + ".fields[" + std::to_string(k) + "].name",
                     "field '" + excerpt(names[k]) + "', but column " + std::to_string(k + 1) + " of " + where +
                         " is '" + excerpt(header[k]) + "'; expected the fields to be the columns of the header, in order");
  }
}

}  // namespace

void check_data_package(const std::string& dir) {
  const std::string file = dir + "/datapackage.json";
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return;
  const Descriptor d{file};
  const JsonValue doc = read_json_file(file);
  d.expect(doc, Type::object, "$", "an object (a Data Package descriptor)");
  const JsonValue* resources = doc.member("resources");
  if (!resources) d.fail("$", "no 'resources', expected the list of the package's files");
  d.expect(*resources, Type::array, "$.resources", "an array of resources");
  if (resources->items.empty()) d.fail("$.resources", "empty, expected at least one resource");
  std::vector<std::string> seen;
  for (std::size_t r = 0; r < resources->items.size(); ++r) {
    const std::string at = "$.resources[" + std::to_string(r) + "]";
    const JsonValue& res = resources->items[r];
    d.expect(res, Type::object, at, "a resource (an object with a name and a path)");
    const JsonValue* name = res.member("name");
    if (!name) d.fail(at, "no 'name', expected every resource to have one");
    d.expect(*name, Type::string, at + ".name", "the resource's name (a string)");
    for (std::size_t k = 0; k < seen.size(); ++k)
      if (seen[k] == name->text)
        d.fail(at + ".name", "'" + excerpt(name->text) + "' is also the name of $.resources[" + std::to_string(k) +
                                 "], expected each name once");
    seen.push_back(name->text);
    const JsonValue* path = res.member("path");
    if (!path) {
      if (res.member("data")) continue;  // inline data: no file
      d.fail(at, "neither 'path' nor 'data', expected the resource's file");
    }
    std::vector<std::string> files;
    if (path->is(Type::array)) {
      if (path->items.empty()) d.fail(at + ".path", "empty array, expected at least one path");
      for (std::size_t k = 0; k < path->items.size(); ++k)
        files.push_back(checked_path(d, dir, path->items[k], at + ".path[" + std::to_string(k) + "]"));
    } else {
      files.push_back(checked_path(d, dir, *path, at + ".path"));
    }
    const JsonValue* schema = res.member("schema");
    if (!schema) continue;
    JsonValue loaded;
    const JsonValue* sch = schema;
    std::string schema_at = at + ".schema";
    Descriptor schema_file = d;
    if (schema->is(Type::string)) {
      const std::string full = checked_path(d, dir, *schema, at + ".schema");
      if (full.empty()) continue;  // a URL
      loaded = read_json_file(full);
      sch = &loaded;
      schema_at = "$";
      schema_file = Descriptor{full};
    }
    schema_file.expect(*sch, Type::object, schema_at, "a table schema (an object, or the path of one)");
    // the header is on the first file of a multi-part resource
    if (!files.front().empty()) check_header(d, res, *sch, schema_at, schema_file, files.front(), at);
  }
}

}  // namespace alamod::engine
