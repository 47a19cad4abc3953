// Many sites in one process (site_list.hpp).
#include "engine/site/site_list.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "engine/common/csv_line.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

/// The trimmed fields of a line (RFC 4180 quotes, as spreadsheets write them: csv_line.hpp).
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> cells = csv_fields(line);
  for (auto& cell : cells) {
    const auto b = cell.find_first_not_of(" \t\r"), e = cell.find_last_not_of(" \t\r");
    cell = b == std::string::npos ? "" : cell.substr(b, e - b + 1);
  }
  return cells;
}

bool safe_id(const std::string& id) {
  if (id.empty() || id == "." || id == "..") return false;
  for (const char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

std::vector<SiteListEntry> read_site_list(const std::string& path) {
  if (std::filesystem::is_directory(path)) throw InputError(path + ": a folder, expected the forcing list (a CSV file)");
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open the forcing list");
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::vector<SiteListEntry> entries;
  std::set<std::string> seen;
  std::string line;
  int number = 0, id_col = -1, forcing_col = -1;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // a spreadsheet's UTF-8 byte order mark
    if (line.empty() || line[0] == '#') continue;
    const auto cells = split_csv(line);
    if (id_col < 0) {
      for (std::size_t i = 0; i < cells.size(); ++i) {
        if (cells[i] == "site_id") id_col = static_cast<int>(i);
        if (cells[i] == "forcing") forcing_col = static_cast<int>(i);
      }
      if (id_col < 0 || forcing_col < 0)
        throw InputError(path + ":" + std::to_string(number) + ": the header '" + line + "' has no column '" +
                         (id_col < 0 ? "site_id" : "forcing") +
                         "' (expected the header site_id,forcing, comma-separated)");
      continue;
    }
    SiteListEntry e;
    e.line = number;
    if (static_cast<int>(cells.size()) <= std::max(id_col, forcing_col))
      throw InputError(path + ":" + std::to_string(number) + ": " + std::to_string(cells.size()) +
                       " columns (expected site_id and forcing)");
    e.site_id = cells[id_col];
    if (!safe_id(e.site_id))
      throw InputError(path + ":" + std::to_string(number) + " (site_id): '" + e.site_id +
                       "' is not a file name (expected letters, digits, '.', '_' or '-')");
    if (!seen.insert(e.site_id).second)
      throw InputError(path + ":" + std::to_string(number) + " (site_id): '" + e.site_id +
                       "' is listed twice (each site writes SITE_ID.csv)");
    std::filesystem::path f = cells[forcing_col];
    if (f.empty()) throw InputError(path + ":" + std::to_string(number) + " (forcing): empty");
    if (f.is_relative()) f = folder / f;
    if (!std::filesystem::is_regular_file(f))
      throw InputError(path + ":" + std::to_string(number) + " (forcing): no file " + f.string());
    e.forcing = f.string();
    entries.push_back(e);
  }
  if (id_col < 0) throw InputError(path + ": empty (expected the header site_id,forcing and one row per site)");
  if (entries.empty()) throw InputError(path + ": no site listed under the header");
  return entries;
}

std::size_t run_site_list(const SiteRunOptions& base, const std::string& list, const std::string& out_dir) {
  const auto entries = read_site_list(list);
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec || !std::filesystem::is_directory(out_dir))
    throw InputError(out_dir + ": cannot create the output folder (--out with --forcing-list is a folder)");
  // an output already there is refused before the first run (not after some sites are written)
  const auto out_of = [&](const SiteListEntry& e) {
    return (std::filesystem::path(out_dir) / (e.site_id + ".csv")).string();
  };
  if (!base.overwrite)
    for (const auto& e : entries)
      if (std::filesystem::exists(out_of(e)))
        throw InputError(list + ":" + std::to_string(e.line) + " (site " + e.site_id + "): " + out_of(e) +
                         ": the output exists, expected a new folder (or --overwrite); nothing run");
  std::size_t written = 0;
  for (const auto& e : entries) {
    SiteRunOptions o = base;
    o.forcing = e.forcing;
    o.out = out_of(e);
    try {
      run_site(o);
    } catch (const std::exception& ex) {
      throw InputError(list + ":" + std::to_string(e.line) + " (site " + e.site_id + "): " + ex.what() + " (" +
                       std::to_string(written) + " site(s) before it written in " + out_dir + ", none after it)");
    }
    ++written;
  }
  return entries.size();
}

}  // namespace alamod::engine
