#include "engine/vegetation/csv_table.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include "grids/input_error.hpp"

namespace alamod::engine::vegetation {

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) {
      out.push_back(field);
      field.clear();
    } else if (c != '\r') field += c;
  }
  out.push_back(field);
  for (auto& f : out) {  // trim blanks
    const auto a = f.find_first_not_of(" \t"), b = f.find_last_not_of(" \t");
    f = a == std::string::npos ? std::string() : f.substr(a, b - a + 1);
  }
  return out;
}

}  // namespace

CsvTable::CsvTable(std::string path) : path_(std::move(path)) {
  std::ifstream in(path_);
  if (!in) throw InputError(path_ + ": cannot be read");
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fields = split(line);
    if (header_.empty()) {
      header_ = std::move(fields);
      continue;
    }
    if (fields.size() != header_.size())
      throw InputError(path_ + " line " + std::to_string(n) + ": " + std::to_string(fields.size()) +
                       " fields where the header has " + std::to_string(header_.size()));
    rows_.push_back(std::move(fields));
    lines_.push_back(n);
  }
  if (header_.empty()) throw InputError(path_ + ": empty file (a header line was expected)");
}

bool CsvTable::has(const std::string& column) const {
  for (const auto& h : header_)
    if (h == column) return true;
  return false;
}

std::size_t CsvTable::column(const std::string& name) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return i;
  throw InputError(path_ + ": no column '" + name + "'");
}

std::string CsvTable::where(std::size_t row, std::size_t col) const {
  return path_ + " line " + std::to_string(lines_[row]) + ", column '" + header_[col] + "'";
}

bool CsvTable::is_na(std::size_t row, std::size_t col) const {
  const std::string& t = rows_[row][col];
  return t == "NA" || t.empty();
}

double CsvTable::number(std::size_t row, std::size_t col) const {
  const std::string& t = rows_[row][col];
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(t.c_str(), &end);
  if (t.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
    throw InputError(where(row, col) + ": '" + t + "' is not a number");
  return v;
}

}  // namespace alamod::engine::vegetation
