// Land-use change: the rates table and where each rule applies (land_use_change.hpp); the transitions
// themselves run in GridRun::change_land_use (simulate.cpp), on the model's per-tile state.
#include "engine/grid_run/land_use_change.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "engine/common/number_format.hpp"
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

}  // namespace

std::vector<LucRule> read_luc_rules(const RunConfig& cfg) {
  std::vector<LucRule> rules;
  if (cfg.luc_rates.empty()) return rules;
  const std::string& path = cfg.luc_rates;
  std::ifstream in(path);
  if (!in) throw InputError(path + ": land_use_change.rates: file not found or not readable");
  const std::vector<std::string> columns = {"zone_kind", "zone_code", "from", "to", "rate", "first_year", "last_year"};
  std::string line;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const auto f = split(line);
    if (!header) {
      if (f != columns) {
        std::string want;
        for (const auto& c : columns) want += (want.empty() ? "" : ",") + c;
        throw InputError(path + ":" + std::to_string(n) + ": header '" + line + "', expected '" + want + "'");
      }
      header = true;
      continue;
    }
    auto where = [&](const std::string& col) { return path + ":" + std::to_string(n) + " (" + col + "): "; };
    if (f.size() != columns.size())
      throw InputError(path + ":" + std::to_string(n) + ": " + std::to_string(f.size()) + " fields, expected 7");
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
  }
  if (!header) throw InputError(path + ": land_use_change.rates: no header line");
  return rules;
}

std::vector<char> luc_receivers(const RunConfig& cfg, const std::vector<LucRule>& rules) {
  std::vector<char> receiver(cfg.land_uses.size(), 0);
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

}  // namespace alamod::engine
