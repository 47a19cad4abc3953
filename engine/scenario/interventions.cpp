// A scenario's interventions on a rank's tiles (interventions.hpp).
#include "engine/scenario/interventions.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/totals/fixed_point_sum.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"

namespace alamod::engine::scenario {

namespace {

/// ha: an area target up to this much above the eligible area is all of it (a target copied from the eligible
/// area as a message or report rounds it), not an error; above, the error prints the area to 0.1 ha.
constexpr double kAreaSlackHa = 0.5;

/// "cropland, grassland": the classes of an intervention, for messages.
std::string class_list(const std::vector<std::string>& classes) {
  std::string c;
  for (const auto& x : classes) c += (c.empty() ? "" : ", ") + x;
  return c;
}

/// The values of raster `path` at `cells` (nearest, or `resampling`).
std::vector<double> at_cells(const std::string& path, const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                             grids::Resampling resampling) {
  std::vector<double> out(cells.size(), std::numeric_limits<double>::quiet_NaN());
  if (cells.empty()) return out;
  const auto& g = cfg.grid;
  const int row0 = static_cast<int>(cells.front() / g.nx);
  const int nrows = static_cast<int>(cells.back() / g.nx) - row0 + 1;
  const auto w = grids::read_raster_window(path, g, row0, nrows, resampling);
  for (size_t i = 0; i < cells.size(); ++i)
    out[i] = w.at(static_cast<int>(cells[i] / g.nx), static_cast<int>(cells[i] % g.nx));
  return out;
}

bool listed(const std::vector<double>& codes, double v) {
  return std::find(codes.begin(), codes.end(), v) != codes.end();
}

}  // namespace

InterventionPlan::InterventionPlan(MPI_Comm comm, const RunConfig& cfg, const Scenario& s, const TileView& tiles)
    : s_(s) {
  const auto& cells = *tiles.cells;
  const size_t n = cells.size(), nt = tiles.tile_class->size();
  const double cell_ha = cfg.grid.resolution * cfg.grid.resolution / 1e4;
  std::vector<double> region, departement, zone;
  std::map<std::string, std::vector<double>> masks, rasters;
  collectively(comm, [&] {
    bool need[3] = {false, false, false};
    for (const auto& v : s.interventions) {
      need[1] = need[1] || !v.departements.empty();
      need[2] = need[2] || !v.zones.empty();
      if (!v.mask.empty() && !masks.count(v.mask))
        masks[v.mask] = at_cells(v.mask, cfg, cells, grids::Resampling::nearest);
      if (!v.adoption_raster.empty() && !rasters.count(v.adoption_raster))
        rasters[v.adoption_raster] = at_cells(v.adoption_raster, cfg, cells, cfg.resampling_continuous);
    }
    if (!cfg.region.empty()) region = at_cells(cfg.region, cfg, cells, grids::Resampling::nearest);
    if (need[1]) departement = at_cells(cfg.departement, cfg, cells, grids::Resampling::nearest);
    if (need[2]) zone = at_cells(cfg.pedoclimatic_zone, cfg, cells, grids::Resampling::nearest);
    (void)need[0];
  });
  std::vector<FixedPoint> eligible(s.interventions.size(), 0);
  // area targets per région: the eligible area of each target's région, all interventions in one vector (exact
  // sums, one reduction); per intervention its first entry and, per tile, its target's index (-1: none)
  std::vector<size_t> first_target(s.interventions.size() + 1, 0);
  for (size_t j = 0; j < s.interventions.size(); ++j)
    first_target[j + 1] = first_target[j] + s.interventions[j].region_targets.size();
  std::vector<FixedPoint> region_eligible(first_target.back(), 0);
  std::vector<std::vector<int>> tile_target(s.interventions.size());
  share_.assign(s.interventions.size(), std::vector<double>());
  areas_.assign(s.interventions.size(), {});
  collectively(comm, [&] {
    for (size_t j = 0; j < s.interventions.size(); ++j) {
      const Intervention& v = s.interventions[j];
      std::vector<char> class_in(cfg.land_uses.size(), 0);
      for (size_t k = 0; k < cfg.land_uses.size(); ++k)
        class_in[k] = std::find(v.classes.begin(), v.classes.end(), cfg.land_uses[k].name) != v.classes.end();
      const std::vector<double>* mask = v.mask.empty() ? nullptr : &masks[v.mask];
      const std::vector<double>* raster = v.adoption_raster.empty() ? nullptr : &rasters[v.adoption_raster];
      std::vector<char> cell_in(n, 1);
      std::vector<int> cell_target(v.region_targets.empty() ? 0 : n, -1);
      for (size_t i = 0; i < n; ++i) {
        bool in = true;
        if (!v.regions.empty()) in = in && listed(v.regions, region[i]);
        if (!v.region_targets.empty()) {
          for (size_t r = 0; r < v.region_targets.size(); ++r)
            if (v.region_targets[r].region == region[i]) cell_target[i] = static_cast<int>(r);
          in = in && cell_target[i] >= 0;
        }
        if (!v.departements.empty()) in = in && listed(v.departements, departement[i]);
        if (!v.zones.empty()) in = in && listed(v.zones, zone[i]);
        if (mask) in = in && (*mask)[i] == 1.0;
        cell_in[i] = in;
        if (in && raster && !((*raster)[i] >= 0.0 && (*raster)[i] <= 1.0))
          throw InputError(v.adoption_raster + ": adoption = " + format_number("%g", (*raster)[i]) + " at land " +
                           cfg.grid.describe_cell(cells[i]) + " (" + v.where +
                           ": an adoption raster holds shares within 0-1)");
      }
      std::vector<double>& share = share_[j];
      share.assign(nt, 0.0);
      if (!v.region_targets.empty()) tile_target[j].assign(nt, -1);
      std::map<std::pair<double, int>, std::pair<FixedPoint, FixedPoint>> by_zone;  // (region, class) -> ha
      for (size_t t = 0; t < nt; ++t) {
        const int k = (*tiles.tile_class)[t];
        const size_t i = static_cast<size_t>((*tiles.tile_cell)[t]);
        if (!class_in[static_cast<size_t>(k)] || !cell_in[i]) continue;
        const double a = raster ? (*raster)[i] : 1.0;
        share[t] = a;
        const double ha = (*tiles.fraction)[static_cast<size_t>(k)][i] * cell_ha;
        eligible[j] += to_fixed_point(ha);
        if (!v.region_targets.empty()) {
          tile_target[j][t] = cell_target[i];
          region_eligible[first_target[j] + static_cast<size_t>(cell_target[i])] += to_fixed_point(ha);
        }
        auto& z = by_zone[{region.empty() ? std::numeric_limits<double>::quiet_NaN() : region[i], k}];
        z.first += to_fixed_point(ha);
        z.second += to_fixed_point(ha * a);
      }
      for (const auto& [key, ha] : by_zone)
        areas_[j].push_back({key.first, cfg.land_uses[static_cast<size_t>(key.second)].name, to_double(ha.first),
                             to_double(ha.second)});
    }
  });
  sum_over_ranks(comm, eligible);
  sum_over_ranks(comm, region_eligible);
  adoption_.assign(s.interventions.size(), 1.0);
  region_adoption_.assign(s.interventions.size(), {});
  for (size_t j = 0; j < s.interventions.size(); ++j) {
    const Intervention& v = s.interventions[j];
    const double total = to_double(eligible[j]);
    if (!v.region_targets.empty()) {
      // each région its own share: target / the région's eligible area (the same exact sum on every rank)
      double target = 0;
      for (size_t r = 0; r < v.region_targets.size(); ++r) {
        const auto& g = v.region_targets[r];
        const double e = to_double(region_eligible[first_target[j] + r]);
        if (g.area_ha > 0.0 && !(e > 0.0))  // a région code that inputs.region does not hold, or no such class there
          throw InputError(v.where + ": key area_target_ha" + (g.source.empty() ? "" : " (" + g.source + ")") +
                           ": région " + format_number("%g", g.region) + ": no eligible area (" +
                           class_list(v.classes) + ") in the selection: is it a code of inputs.region?");
        if (g.area_ha > e + kAreaSlackHa)
          throw InputError(v.where + ": key area_target_ha" + (g.source.empty() ? "" : " (" + g.source + ")") +
                           ": région " + format_number("%g", g.region) + ": " + format_number("%.10g", g.area_ha) +
                           " ha is larger than the région's eligible area, " + format_number("%.1f", e) + " ha of " +
                           class_list(v.classes) +
                           " in the selection");
        region_adoption_[j].push_back({g.region, g.area_ha, e, e > 0.0 ? std::min(1.0, g.area_ha / e) : 0.0});
        target += g.area_ha;
      }
      adoption_[j] = total > 0.0 ? target / total : 0.0;
      for (size_t t = 0; t < share_[j].size(); ++t)
        if (tile_target[j][t] >= 0) share_[j][t] *= region_adoption_[j][static_cast<size_t>(tile_target[j][t])].adoption;
      for (auto& z : areas_[j])
        for (const auto& r : region_adoption_[j])
          if (r.region == z.region) z.adopted_ha = z.area_ha * r.adoption;
      continue;
    }
    double a = v.adoption;
    if (v.area_target_ha >= 0.0) {
      if (v.area_target_ha > total + kAreaSlackHa || (v.area_target_ha > 0.0 && !(total > 0.0)))
        throw InputError(v.where + ": key area_target_ha: " + format_number("%.10g", v.area_target_ha) +
                         " ha is larger than the eligible area, " + format_number("%.1f", total) + " ha of " +
                         class_list(v.classes) +
                         " in the selection");
      a = total > 0.0 ? std::min(1.0, v.area_target_ha / total) : 0.0;
    }
    adoption_[j] = a;
    if (!v.adoption_raster.empty()) continue;  // each tile its cell's share of the raster
    for (double& x : share_[j]) x *= a;
    for (auto& z : areas_[j]) z.adopted_ha = z.area_ha * a;
  }
}

void InterventionPlan::change_for(int year, InputChange& out) const {
  out = InputChange{};
  const auto& iv = s_.interventions;
  bool any = false;
  for (const auto& v : iv) any = any || v.in_force(year) > 0.0;
  if (!any) return;
  const size_t nt = share_.empty() ? 0 : share_.front().size();
  for (size_t j = 0; j < iv.size(); ++j) {
    const Intervention& v = iv[j];
    const double f = v.in_force(year);
    if (!(f > 0.0)) continue;
    if (v.plant_factor != 1.0 && out.plant_factor.empty()) out.plant_factor.assign(nt, 1.0);
    if (v.decomposition_factor != 1.0 && out.decomposition_factor.empty()) out.decomposition_factor.assign(nt, 1.0);
    for (int k = 0; k < kAddedKinds; ++k)
      if (v.added[static_cast<size_t>(k)] != 0.0 && out.added[static_cast<size_t>(k)].empty())
        out.added[static_cast<size_t>(k)].assign(nt, 0.0);
    // input_factor = 1 is a change that changes nothing: its vector of ones still goes to the model
    if (v.practice.empty() && v.plant_factor == 1.0 && out.plant_factor.empty() &&
        std::all_of(v.added.begin(), v.added.end(), [](double x) { return x == 0.0; }))
      out.plant_factor.assign(nt, 1.0);
    for (size_t t = 0; t < nt; ++t) {
      const double a = share_[j][t] * f;
      if (!(a > 0.0)) continue;
      if (v.plant_factor != 1.0) out.plant_factor[t] *= 1.0 + a * (v.plant_factor - 1.0);
      if (v.decomposition_factor != 1.0) out.decomposition_factor[t] *= 1.0 + a * (v.decomposition_factor - 1.0);
      for (int k = 0; k < kAddedKinds; ++k)
        if (v.added[static_cast<size_t>(k)] != 0.0)
          out.added[static_cast<size_t>(k)][t] += a * v.added[static_cast<size_t>(k)];
    }
  }
}

}  // namespace alamod::engine::scenario
