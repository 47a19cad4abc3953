#pragma once
/// The fields of one line of a CSV file alamod wrote or reads in its simple form (RFC 4180 quoting: a
/// field in double quotes may hold commas, "" inside it is one quote; a trailing carriage return is
/// dropped), and a field written back (csv_field). The site packages' dialects have their own reader
/// (engine/site_data/csv_table).
#include <string>
#include <vector>

namespace alamod::engine {

inline std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else if (c != '\r') {
      out.back() += c;
    }
  }
  return out;
}

/// A field written to CSV: in double quotes when it holds the delimiter, a quote or a line break.
inline std::string csv_field(const std::string& value, char delimiter = ',') {
  if (value.find_first_of(std::string("\"\r\n") + delimiter) == std::string::npos) return value;
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace alamod::engine
