#include "engine/spectra/spectra_table.hpp"

#include <zlib.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "grids/input_error.hpp"

namespace alamod::engine::spectra {

namespace {

/// A quoted excerpt of user text for messages: control bytes as \xNN, cut after 40 bytes.
std::string quote(const std::string& s) {
  std::string out = "'";
  std::size_t n = 0;
  for (unsigned char c : s) {
    if (++n > 40) {
      out += "...";
      break;
    }
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "'";
}

/// The whole file, decompressed when it is gzip (zlib reads plain files as they are).
std::string read_all(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status))
    throw InputError(path + ": no such file, expected a spectra CSV (plain or .gz)");
  if (!std::filesystem::is_regular_file(status))
    throw InputError(path + ": not a regular file, expected a spectra CSV (plain or .gz)");
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw InputError(path + ": cannot open: " + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(f, &code);
      gzclose(f);
      throw InputError(path + ": cannot read (" + why + "), expected a spectra CSV (plain or gzip)");
    }
    if (n == 0) break;
    text.append(buf, std::size_t(n));
    if (text.size() > kMaxSpectraBytes) {
      gzclose(f);
      throw InputError(path + ": more than 1 GiB of text, more than a spectra file may have");
    }
  }
  gzclose(f);
  return text;
}

struct Field {
  std::string text;
  std::size_t column;  ///< 1-based character position in the line
};

/// Split one CSV line into fields (RFC 4180 quotes).
std::vector<Field> split_line(const std::string& line, const std::string& file, long line_no) {
  std::vector<Field> fields;
  std::size_t i = 0;
  for (;;) {
    Field f{std::string(), i + 1};
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size())
          throw InputError(file + ":" + std::to_string(line_no) + ":" + std::to_string(f.column) +
                           ": a quoted field that does not end on its line, expected a closing '\"'");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            f.text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        f.text += line[i++];
      }
      if (i < line.size() && line[i] != ',')
        throw InputError(file + ":" + std::to_string(line_no) + ":" + std::to_string(i + 1) +
                         ": found " + quote(line.substr(i, 1)) + " after a quoted field, expected ',' or the end of the line");
    } else {
      const std::size_t end = line.find(',', i);
      f.text = line.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? line.size() : end;
    }
    fields.push_back(std::move(f));
    if (i >= line.size()) break;
    ++i;  // the comma
  }
  return fields;
}

}  // namespace

bool parse_decimal(const std::string& text, double& value) {
  std::size_t b = 0, e = text.size();
  while (b < e && (text[b] == ' ' || text[b] == '\t')) ++b;
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t')) --e;
  if (b == e) return false;
  // decimal notation only: sign, digits, one point, exponent
  std::size_t i = b;
  if (text[i] == '+' || text[i] == '-') ++i;
  bool digits = false;
  while (i < e && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
  if (i < e && text[i] == '.') {
    ++i;
    while (i < e && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
  }
  if (!digits) return false;
  if (i < e && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < e && (text[i] == '+' || text[i] == '-')) ++i;
    bool exp_digits = false;
    while (i < e && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, exp_digits = true;
    if (!exp_digits) return false;
  }
  if (i != e) return false;
  const std::string s = text.substr(b, e - b);
  errno = 0;
  value = std::strtod(s.c_str(), nullptr);
  return std::isfinite(value);
}

bool is_missing(const std::string& text) {
  std::string t;
  for (char c : text)
    if (c != ' ' && c != '\t') t += c;
  return t.empty() || t == "NA" || t == "NaN" || t == "nan" || t == "null";
}

int SpectraTable::other_index(const std::string& name) const {
  for (std::size_t k = 0; k < other_columns.size(); ++k)
    if (header[other_columns[k]] == name) return int(k);
  return -1;
}

SpectraTable read_spectra_csv(const std::string& path, const std::string& band_prefix) {
  SpectraTable t;
  t.file = path;
  std::string text = read_all(path);
  if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);

  std::size_t pos = 0;
  long line_no = 0;
  auto next_line = [&](std::string& line) {
    if (pos >= text.size()) return false;
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    line.assign(text, pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    pos = end + 1;
    ++line_no;
    return true;
  };

  std::string line;
  if (!next_line(line) || line.empty()) throw InputError(path + ":1: empty file, expected a header of column names");
  const std::vector<Field> head = split_line(line, path, line_no);
  std::map<std::string, std::size_t> seen;
  for (std::size_t j = 0; j < head.size(); ++j) {
    const std::string& name = head[j].text;
    if (!seen.emplace(name, j).second)
      throw InputError(path + ":1:" + std::to_string(head[j].column) + " (" + name + "): column name repeated (first as field " +
                       std::to_string(seen[name] + 1) + "), expected each column once");
    t.header.push_back(name);
    double value = 0;
    if (name.size() > band_prefix.size() && name.compare(0, band_prefix.size(), band_prefix) == 0 &&
        parse_decimal(name.substr(band_prefix.size()), value)) {
      t.band_columns.push_back(j);
      t.band_names.push_back(name);
      t.axis.push_back(value);
    } else {
      t.other_columns.push_back(j);
    }
  }
  if (t.band_columns.size() < 3) {
    std::string names;
    for (std::size_t j = 0; j < head.size() && j < 6; ++j) names += (j ? ", " : "") + quote(head[j].text);
    throw InputError(path + ":1: " + std::to_string(t.band_columns.size()) + " band column(s) named '" + band_prefix +
                     "' followed by a number (columns: " + names + (head.size() > 6 ? ", ..." : "") +
                     "), expected at least 3 (give the band names' prefix with --band-prefix, e.g. wn_)");
  }
  const bool increasing = t.axis[1] > t.axis[0];
  for (std::size_t k = 1; k < t.axis.size(); ++k)
    if (increasing ? !(t.axis[k] > t.axis[k - 1]) : !(t.axis[k] < t.axis[k - 1]))
      throw InputError(path + ":1:" + std::to_string(head[t.band_columns[k]].column) + " (" + t.band_names[k] +
                       "): band " + quote(t.band_names[k]) + " after " + quote(t.band_names[k - 1]) + ", expected the bands " +
                       (increasing ? "increasing" : "decreasing") + " strictly, as the first two are");

  t.other.resize(t.other_columns.size());
  std::vector<double> values;
  const std::size_t nb = t.band_columns.size();
  std::vector<int> band_of(head.size(), -1);
  for (std::size_t k = 0; k < nb; ++k) band_of[t.band_columns[k]] = int(k);
  std::vector<int> other_of(head.size(), -1);
  for (std::size_t k = 0; k < t.other_columns.size(); ++k) other_of[t.other_columns[k]] = int(k);
  long blank_line = 0;
  while (next_line(line)) {
    if (line.empty()) {
      if (!blank_line) blank_line = line_no;
      continue;
    }
    if (blank_line)
      throw InputError(path + ":" + std::to_string(blank_line) + ": empty line before more data (line " +
                       std::to_string(line_no) + "), expected empty lines only at the end");
    const std::vector<Field> fields = split_line(line, path, line_no);
    if (fields.size() != head.size())
      throw InputError(path + ":" + std::to_string(line_no) + ":" +
                       std::to_string(fields.size() > head.size() ? fields[head.size()].column : line.size() + 1) + ": " +
                       std::to_string(fields.size()) + " fields, expected " + std::to_string(head.size()) +
                       " as in the header (line 1): a ragged row");
    for (std::size_t j = 0; j < fields.size(); ++j) {
      if (band_of[j] >= 0) {
        double v = 0;
        if (!parse_decimal(fields[j].text, v))
          throw InputError(path + ":" + std::to_string(line_no) + ":" + std::to_string(fields[j].column) + " (" +
                           head[j].text + "): found " + quote(fields[j].text) +
                           ", expected a finite number in decimal notation (the spectral value of band " +
                           std::to_string(band_of[j] + 1) + " of " + std::to_string(nb) + "; spectra must be complete)");
        values.push_back(v);
      } else {
        t.other[std::size_t(other_of[j])].push_back(fields[j].text);
      }
    }
    t.lines.push_back(line_no);
  }
  if (t.lines.empty()) throw InputError(path + ":2: no data rows, expected one row per spectrum after the header");
  t.x.rows = t.lines.size();
  t.x.cols = nb;
  t.x.v = std::move(values);
  return t;
}

}  // namespace alamod::engine::spectra
