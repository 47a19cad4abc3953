// Land-use change: the rates table and where each rule applies (land_use_change.hpp); the transitions
// themselves run in GridRun::change_land_use (simulate.cpp), on the model's per-tile state.
#include "engine/grid_run/land_use_change.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/common/number_format.hpp"
#include "engine/grid_run/land_cover.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"

namespace alamod::engine {

namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string x;
  while (std::getline(ss, x, ',')) {
    while (!x.empty() && (x.back() == '\r' || x.back() == ' ')) x.pop_back();
    while (!x.empty() && x.front() == ' ') x.erase(0, 1);
    f.push_back(x);
  }
  return f;
}

const std::string* zone_raster(const RunConfig& cfg, const std::string& kind) {
  if (kind == "region") return &cfg.region;
  if (kind == "departement") return &cfg.departement;
  if (kind == "pedoclimatic_zone") return &cfg.pedoclimatic_zone;
  return nullptr;
}

/// The data rows of a CSV table of land-use change (`key` names it in messages): '#' lines and blank lines skipped,
/// the first other line must be `columns`, every data row must have as many fields; `row(fields, line)` per row.
template <class Row>
void for_each_row(const std::string& path, const std::string& key, const std::vector<std::string>& columns, Row row) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": " + key + ": file not found or not readable");
  std::string line, want;
  for (const auto& c : columns) want += (want.empty() ? "" : ",") + c;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line);
    if (!header) {
      if (f != columns) throw InputError(path + ":" + std::to_string(n) + ": header '" + line + "', expected '" + want + "'");
      header = true;
      continue;
    }
    if (f.size() != columns.size())
      throw InputError(path + ":" + std::to_string(n) + ": " + std::to_string(f.size()) + " fields, expected " +
                       std::to_string(columns.size()));
    row(f, n);
  }
  if (!header) throw InputError(path + ": " + key + ": no header line");
}

}  // namespace

std::vector<LucRule> read_luc_rules(const RunConfig& cfg) {
  std::vector<LucRule> rules;
  if (cfg.luc_rates.empty()) return rules;
  const std::string& path = cfg.luc_rates;
  const std::vector<std::string> columns = {"zone_kind", "zone_code", "from", "to", "rate", "first_year", "last_year"};
  for_each_row(path, "land_use_change.rates", columns, [&](const std::vector<std::string>& f, int n) {
    auto where = [&](const std::string& col) { return path + ":" + std::to_string(n) + " (" + col + "): "; };
    LucRule r;
    r.line = n;
    r.zone_kind = f[0];
    if (r.zone_kind != "country") {
      const std::string* raster = zone_raster(cfg, r.zone_kind);
      if (!raster)
        throw InputError(where("zone_kind") + "'" + f[0] + "' is not country, region, departement or pedoclimatic_zone");
      if (raster->empty())
        throw InputError(where("zone_kind") + f[0] + " needs the raster inputs." + f[0] + " in the configuration");
      char* end = nullptr;
      r.zone_code = std::strtol(f[1].c_str(), &end, 10);
      if (f[1].empty() || *end) throw InputError(where("zone_code") + "'" + f[1] + "' is not an integer code");
    }
    auto cls = [&](const std::string& name, const std::string& col) {
      for (size_t k = 0; k < cfg.land_uses.size(); ++k)
        if (cfg.land_uses[k].name == name) return static_cast<int>(k);
      std::string known;
      for (const auto& u : cfg.land_uses) known += (known.empty() ? "" : ", ") + u.name;
      throw InputError(where(col) + "a transition " + (col == "to" ? "to" : "from") + " the unknown class '" + name +
                       "' (classes: " + known + ")");
    };
    r.from = cls(f[2], "from");
    r.to = cls(f[3], "to");
    if (r.from == r.to) throw InputError(where("to") + "a transition from " + f[2] + " to itself");
    char* end = nullptr;
    r.rate = std::strtod(f[4].c_str(), &end);
    if (f[4].empty() || *end || !(r.rate >= 0.0 && r.rate <= 1.0))
      throw InputError(where("rate") + "'" + f[4] + "' is not a share of the donor's area per year, 0-1 yr-1");
    r.first_year = std::atoi(f[5].c_str());
    r.last_year = std::atoi(f[6].c_str());
    if (r.first_year <= 0 || r.last_year < r.first_year)
      throw InputError(where("last_year") + "years " + f[5] + "-" + f[6] + " are not a period (first <= last)");
    rules.push_back(r);
  });
  return rules;
}

std::vector<char> luc_receivers(const RunConfig& cfg, const std::vector<LucRule>& rules) {
  std::vector<char> receiver(cfg.land_uses.size(), 0);
  if (!cfg.luc_maps.empty()) receiver.assign(cfg.land_uses.size(), 1);  // maps: any class may gain anywhere
  for (const auto& r : rules) receiver[static_cast<size_t>(r.to)] = 1;
  return receiver;
}

std::vector<std::vector<double>> luc_applies(const RunConfig& cfg, const std::vector<LucRule>& rules,
                                             const std::vector<std::int64_t>& cells) {
  const auto& g = cfg.grid;
  std::vector<std::vector<double>> applies(rules.size(), std::vector<double>(cells.size(), 0.0));
  if (cells.empty()) return applies;
  const int row0 = static_cast<int>(cells.front() / g.nx), nrows = static_cast<int>(cells.back() / g.nx) - row0 + 1;
  std::vector<std::pair<std::string, grids::RasterWindow>> zones;
  for (size_t k = 0; k < rules.size(); ++k) {
    const auto& r = rules[k];
    if (r.zone_kind == "country") {
      applies[k].assign(cells.size(), 1.0);
      continue;
    }
    const grids::RasterWindow* w = nullptr;
    for (const auto& z : zones)
      if (z.first == r.zone_kind) w = &z.second;
    if (!w) {
      zones.emplace_back(r.zone_kind, grids::read_raster_window(*zone_raster(cfg, r.zone_kind), g, row0, nrows,
                                                                grids::Resampling::nearest));
      w = &zones.back().second;
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      const double v = w->at(static_cast<int>(cells[i] / g.nx), static_cast<int>(cells[i] % g.nx));
      applies[k][i] = std::isfinite(v) && std::lround(v) == r.zone_code ? 1.0 : 0.0;
    }
  }
  return applies;
}

std::vector<LucMap> read_luc_maps(const RunConfig& cfg) {
  std::vector<LucMap> maps;
  if (cfg.luc_maps.empty()) return maps;
  const std::string& path = cfg.luc_maps;
  const std::string folder = path.find('/') == std::string::npos ? std::string(".") : path.substr(0, path.rfind('/'));
  for_each_row(path, "land_use_change.maps", {"year", "file"}, [&](const std::vector<std::string>& f, int n) {
    auto where = [&](const std::string& col) { return path + ":" + std::to_string(n) + " (" + col + "): "; };
    LucMap m;
    m.line = n;
    char* end = nullptr;
    m.year = static_cast<int>(std::strtol(f[0].c_str(), &end, 10));
    if (f[0].empty() || *end) throw InputError(where("year") + "'" + f[0] + "' is not a year");
    if (m.year < cfg.start_year || m.year > cfg.end_year)
      throw InputError(where("year") + "map year " + f[0] + " is outside the run (" + std::to_string(cfg.start_year) +
                       "-" + std::to_string(cfg.end_year) + ")");
    if (!maps.empty() && m.year <= maps.back().year)
      throw InputError(where("year") + "map year " + f[0] + " is not after the previous map's, " +
                       std::to_string(maps.back().year));
    m.path = f[1].empty() || f[1][0] == '/' ? f[1] : folder + "/" + f[1];
    if (!std::ifstream(m.path)) throw InputError(where("file") + m.path + ": file not found or not readable");
    maps.push_back(m);
  });
  if (maps.size() < 2)
    throw InputError(path + ": land_use_change.maps: " + std::to_string(maps.size()) +
                     " map(s); a change needs at least two (the first is the land cover of its year)");
  return maps;
}

LucMapMoves luc_map_moves(const RunConfig& cfg, const std::vector<LucMap>& maps, const std::vector<std::int64_t>& cells,
                          const std::vector<int>& dominant, const std::vector<std::vector<double>>& start) {
  LucMapMoves moves;
  if (maps.empty()) return moves;
  const std::size_t nk = cfg.land_uses.size(), n = cells.size();
  std::vector<std::vector<std::vector<double>>> shares;
  for (const auto& m : maps) {
    RunConfig c = cfg;  // the map read as inputs.land_cover_map
    c.land_cover_map = m.path;
    shares.push_back(read_fractions(c, cells, dominant));
  }
  const double tol = cfg.fraction_tolerance;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < nk; ++k)
      if (!(std::fabs(shares[0][k][i] - start[k][i]) <= tol))
        throw InputError(maps[0].path + ": the first map of land_use_change.maps (" + std::to_string(maps[0].year) +
                         ") gives " + cfg.land_uses[k].name + " " + format_number("%.6g", shares[0][k][i]) +
                         " of land " + cfg.grid.describe_cell(cells[i]) + ", the run's land cover " +
                         format_number("%.6g", start[k][i]) + " (they must agree within inputs.fraction_tolerance = " +
                         format_number("%g", tol) + ")");
  std::vector<double> loss(nk), gain(nk);
  for (std::size_t p = 0; p + 1 < maps.size(); ++p) {
    const int years = maps[p + 1].year - maps[p].year;
    moves.first_year.push_back(maps[p].year + 1);
    moves.last_year.push_back(maps[p + 1].year);
    moves.moved.emplace_back(nk * nk, std::vector<double>(n, 0.0));
    auto& moved = moves.moved.back();
    for (std::size_t i = 0; i < n; ++i) {
      double total_gain = 0.0;
      for (std::size_t k = 0; k < nk; ++k) {
        const double d = shares[p + 1][k][i] - shares[p][k][i];
        loss[k] = d < 0.0 ? -d : 0.0;
        gain[k] = d > 0.0 ? d : 0.0;
        total_gain += gain[k];
      }
      if (!(total_gain > 0.0)) continue;
      for (std::size_t a = 0; a < nk; ++a)
        for (std::size_t b = 0; b < nk; ++b)
          if (loss[a] > 0.0 && gain[b] > 0.0) moved[a * nk + b][i] = loss[a] * (gain[b] / total_gain) / years;
    }
  }
  return moves;
}

}  // namespace alamod::engine
