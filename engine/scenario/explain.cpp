// alamod scenario explain (explain.hpp): every land cell of the grid on one process, the tiles from the
// fractions, each scenario's interventions resolved on them as a run resolves them (interventions.cpp).
#include "engine/scenario/explain.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include "engine/common/number_format.hpp"
#include "engine/grid_run/land_cover.hpp"
#include "engine/scenario/interventions.hpp"
#include "engine/totals/zones.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"

namespace alamod::engine::scenario {

namespace {

std::string ha(double v) { return format_number("%.0f", v) + " ha"; }

std::string codes_text(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += (s.empty() ? "" : ", ") + format_number("%g", x);
  return s;
}

std::string list(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::string explain_scenarios(const RunConfig& cfg) {
  std::ostringstream os;
  const auto& set = cfg.scenarios;
  if (!set.enabled()) {
    os << cfg.path << ": no [scenarios] or [scenario.*] tables: a run writes " << cfg.output_name
       << " as before (docs/SCENARIOS.md says how to add scenarios)\n";
    return os.str();
  }
  // every land cell, its dominant class, the fractions and the tiles
  const auto& g = cfg.grid;
  const auto mask = grids::read_raster_window(cfg.land_mask, g, 0, g.ny, grids::Resampling::nearest);
  const auto lu = grids::read_raster_window(cfg.land_use, g, 0, g.ny, grids::Resampling::nearest);
  std::vector<std::int64_t> cells;
  std::vector<int> dominant;
  for (std::int64_t c = 0; c < static_cast<std::int64_t>(g.nx) * g.ny; ++c) {
    if (mask.values[static_cast<size_t>(c)] != 1.0) continue;
    const double code = lu.values[static_cast<size_t>(c)];
    int k = -1;
    for (size_t j = 0; j < cfg.land_uses.size(); ++j)
      if (std::isfinite(code) && static_cast<int>(std::lround(code)) == cfg.land_uses[j].code) k = static_cast<int>(j);
    if (k < 0)
      throw InputError(cfg.land_use + ": land-use code " + format_number("%g", code) + " at land " + g.describe_cell(c) +
                       " has no [land_use.*] class in the configuration");
    cells.push_back(c);
    dominant.push_back(k);
  }
  LandTiles tiles;
  tiles.fraction = read_fractions(cfg, cells, dominant);
  tiles.always.assign(cfg.land_uses.size(), 0);
  tiles.index();
  ZoneNames names;
  if (!cfg.zone_names.empty()) names = read_zone_names(cfg.zone_names);
  auto region_name = [&](double code) {
    if (std::isnan(code)) return std::string("all land");
    const std::string c = format_number("%g", code);
    const auto it = names.find({"region", c});
    return "région " + c + (it != names.end() ? " " + it->second : std::string());
  };
  const int first = cfg.start_year, branch = set.branch_year, last = cfg.end_year;
  os << cfg.path << ": " << set.scenarios.size() << " scenarios on " << cells.size() << " land cells of "
     << format_number("%g", g.resolution) << " m (" << tiles.tiles() << " tiles); model " << cfg.model << "\n";
  os << "phases: spin-up (" << cfg.spinup_method << ", mean climate of " << first << "-" << first + cfg.spinup_years - 1
     << ") and " << first << "-" << branch - 1 << " computed once into historical.nc; then each scenario " << branch
     << "-" << last << " from that state into NAME.nc\n";
  for (const auto& s : set.scenarios) {
    os << "\nscenario " << s.name << (s.extends.empty() ? "" : " (extends " + s.extends + ")") << ": "
       << (s.description.empty() ? "(no description)" : s.description) << "\n";
    os << "  climate from " << branch << ": "
       << (!s.climate.empty()         ? s.climate
           : s.climate_delta.empty() ? "the baseline's (" + cfg.climate + ")"
                                     : "the baseline's plus climate_delta " + s.climate_delta)
       << "\n";
    os << "  land-use change: " << (cfg.luc_rates.empty() ? std::string("none") : "the baseline's (" + cfg.luc_rates + ")")
       << (s.luc_rates.empty() ? "" : ", plus " + s.luc_rates + " from " + std::to_string(branch)) << "\n";
    if (s.interventions.empty()) {
      os << "  interventions: none\n";
      continue;
    }
    const InterventionPlan plan(MPI_COMM_SELF, cfg, s, TileView{&cells, &tiles.cls, &tiles.cell, &tiles.fraction});
    for (size_t j = 0; j < s.interventions.size(); ++j) {
      const auto& v = s.interventions[j];
      os << "  intervention " << j + 1
         << (v.defined_in != s.name ? " (from " + v.defined_in + ", its intervention " + std::to_string(v.index) + ")"
                                    : std::string())
         << ": " << (v.practice.empty() ? std::string("input change") : "practice " + v.practice) << ": "
         << v.effect_text() << " per hectare adopted\n";
      std::string where = "classes " + list(v.classes);
      if (!v.regions.empty()) where += "; régions " + codes_text(v.regions);
      if (!v.departements.empty()) where += "; départements " + codes_text(v.departements);
      if (!v.zones.empty()) where += "; pedo-climatic zones " + codes_text(v.zones);
      if (!v.mask.empty()) where += "; mask " + v.mask;
      os << "    where: " << where << "\n";
      os << "    how much: "
         << (!v.adoption_raster.empty() ? "the shares of " + v.adoption_raster
             : !v.region_targets.empty()
                 ? "area targets per région, " + ha([&] {
                     double t = 0;
                     for (const auto& g : v.region_targets) t += g.area_ha;
                     return t;
                   }()) + " in all = " + format_number("%.4g", plan.adoption()[j]) + " of the eligible area"
             : v.area_target_ha >= 0.0
                 ? "area target " + ha(v.area_target_ha) + " = " + format_number("%.4g", plan.adoption()[j]) +
                       " of the eligible area"
                 : "adoption " + format_number("%g", v.adoption) + " of the eligible area")
         << "\n";
      if (!plan.region_adoption()[j].empty()) {
        os << "    area target per région (target, eligible area, adopted area at full force, adoption share):\n";
        for (const auto& r : plan.region_adoption()[j])
          os << "      " << region_name(r.region) << ": target " << ha(r.target_ha) << ", eligible " << ha(r.eligible_ha)
             << ", adopted " << ha(r.adoption * r.eligible_ha) << " (" << format_number("%.6g", r.adoption) << ")\n";
      }
      os << "    when: from " << v.start_year
         << (v.ramp_years > 0 ? ", reached over " + std::to_string(v.ramp_years) + " years" : std::string())
         << (v.end_year < last ? ", until " + std::to_string(v.end_year) : std::string(", to the end")) << "\n";
      os << "    eligible (adopted at full adoption) area by région and class:\n";
      double total = 0, adopted = 0;
      std::map<std::string, std::vector<const EligibleArea*>> by_region;
      for (const auto& a : plan.areas()[j]) {
        total += a.area_ha;
        adopted += a.adopted_ha;
        os << "      " << region_name(a.region) << ", " << a.land_cover << ": " << ha(a.area_ha) << " (" << ha(a.adopted_ha)
           << ")\n";
      }
      os << "      total: " << ha(total) << " (" << ha(adopted) << ")\n";
      os << "    adoption per year (share of the full adoption in force, adopted area):";
      for (int y = branch; y <= last; ++y)
        os << (y == branch ? " " : ", ") << y << " " << format_number("%.3g", v.in_force(y)) << " "
           << ha(adopted * v.in_force(y));
      os << "\n";
    }
  }
  return os.str();
}

}  // namespace alamod::engine::scenario
