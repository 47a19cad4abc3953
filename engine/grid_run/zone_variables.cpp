// The région and département codes of the cells in the run output (zone_variables.hpp).
#include "engine/grid_run/zone_variables.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/totals/zones.hpp"
#include "grids/raster.hpp"

namespace alamod::engine {

std::string cf_flag_word(const std::string& name) {
  // two-byte UTF-8 sequences of the Latin-1 supplement (C3 xx) mapped to their base letter
  static const char* const latin1 =  // 0xC0 .. 0xFF
      "AAAAAAACEEEEIIII"
      "DNOOOOOxOUUUUYTs"
      "aaaaaaaceeeeiiii"
      "dnooooo_ouuuuyty";
  std::string out;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    char w = '_';
    if (c == 0xC3 && i + 1 < name.size()) {
      const unsigned char d = static_cast<unsigned char>(name[i + 1]);
      if (d >= 0x80 && d <= 0xBF) w = latin1[d - 0x80];
      ++i;
    } else if (c >= 0x80) {  // other multi-byte characters: one '_'
      while (i + 1 < name.size() && (static_cast<unsigned char>(name[i + 1]) & 0xC0) == 0x80) ++i;
    } else if (std::isalnum(c) || c == '-' || c == '.') {
      w = static_cast<char>(c);
    }
    if (w == '_' && (out.empty() || out.back() == '_')) continue;
    out += w;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "_" : out;
}

std::vector<ZoneCodeLayer> zone_code_layers(const RunConfig& cfg) {
  std::vector<ZoneCodeLayer> layers;
  ZoneNames names;
  if (!cfg.zone_names.empty()) names = read_zone_names(cfg.zone_names);
  const std::pair<const char*, const std::string*> kinds[] = {{"region", &cfg.region},
                                                              {"departement", &cfg.departement}};
  for (const auto& [kind, raster] : kinds) {
    if (raster->empty()) continue;
    ZoneCodeLayer l;
    l.raster = *raster;
    auto& v = l.variable;
    v.name = kind;
    const bool region = std::string(kind) == "region";
    v.long_name = region ? "région of the cell (INSEE code)" : "département of the cell (INSEE code; Corsica's 2A and 2B as 20)";
    v.units = "1";
    v.cell_methods = "area: point";
    v.time_varying = false;
    v.integer = true;
    std::string exact;
    for (const auto& [key, name] : names) {
      if (key.first != kind) continue;
      char* end = nullptr;
      const long code = std::strtol(key.second.c_str(), &end, 10);
      if (key.second.empty() || *end) continue;  // codes the raster cannot hold
      v.flag_values.push_back(static_cast<int>(code));
      v.flag_meanings += (v.flag_meanings.empty() ? "" : " ") + cf_flag_word(name);
      exact += (exact.empty() ? "" : "; ") + key.second + ": " + name;
    }
    // flag_values ascending, meanings in the same order (the names file is a map keyed by text codes)
    std::vector<size_t> order(v.flag_values.size());
    for (size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::vector<std::string> words;
    {
      std::string w;
      for (char c : v.flag_meanings + " ") {
        if (c == ' ') {
          words.push_back(w);
          w.clear();
        } else {
          w += c;
        }
      }
    }
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v.flag_values[a] < v.flag_values[b]; });
    std::vector<int> values;
    std::string meanings;
    for (size_t k : order) {
      values.push_back(v.flag_values[k]);
      meanings += (meanings.empty() ? "" : " ") + words[k];
    }
    v.flag_values = values;
    v.flag_meanings = meanings;
    if (!exact.empty()) v.attributes["alamod_zone_names"] = exact;
    v.comment = "from " + *raster + " (nearest to the cell centre, as the totals read it)" +
                (cfg.zone_names.empty() ? std::string("; no inputs.zone_names, so codes only") :
                                          "; names from " + cfg.zone_names);
    layers.push_back(std::move(l));
  }
  return layers;
}

std::vector<double> zone_codes_of_cells(const RunConfig& cfg, const std::string& raster,
                                        const std::vector<std::int64_t>& cells) {
  const auto& g = cfg.grid;
  std::vector<double> codes(cells.size(), std::numeric_limits<double>::quiet_NaN());
  if (cells.empty()) return codes;
  const int row0 = static_cast<int>(cells.front() / g.nx), nrows = static_cast<int>(cells.back() / g.nx) - row0 + 1;
  const grids::RasterWindow w = grids::read_raster_window(raster, g, row0, nrows, grids::Resampling::nearest);
  for (size_t i = 0; i < cells.size(); ++i) {
    const double v = w.at(static_cast<int>(cells[i] / g.nx), static_cast<int>(cells[i] % g.nx));
    if (std::isfinite(v) && std::lround(v) != 0) codes[i] = static_cast<double>(std::lround(v));
  }
  return codes;
}

}  // namespace alamod::engine
