// Land cover as sub-grid fractions: reading and checking the fractions, the tiles of a rank's cells and the
// conversions between per-tile and per-cell values (land_cover.hpp).
#include "engine/grid_run/land_cover.hpp"

#include <algorithm>
#include <cmath>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"

namespace alamod::engine {

void LandTiles::index() {
  const std::size_t n = fraction.empty() ? 0 : fraction[0].size(), nk = fraction.size();
  first.assign(n + 1, 0);
  cls.clear();
  cell.clear();
  weight.clear();
  for (std::size_t i = 0; i < n; ++i) {
    first[i] = static_cast<std::int32_t>(cls.size());
    for (std::size_t k = 0; k < nk; ++k)
      if (fraction[k][i] > 0.0 || (k < always.size() && always[k])) {
        cls.push_back(static_cast<std::int32_t>(k));
        cell.push_back(static_cast<std::int32_t>(i));
        weight.push_back(fraction[k][i]);
      }
  }
  first[n] = static_cast<std::int32_t>(cls.size());
}

void LandTiles::reweight() {
  for (std::size_t t = 0; t < tiles(); ++t)
    weight[t] = fraction[static_cast<std::size_t>(cls[t])][static_cast<std::size_t>(cell[t])];
}

void LandTiles::to_cells(const std::vector<double>& tile, std::vector<double>& out) const {
  const std::size_t n = cells();
  out.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0.0;
    for (std::int32_t t = first[i]; t < first[i + 1]; ++t) s += weight[static_cast<std::size_t>(t)] * tile[static_cast<std::size_t>(t)];
    out[i] = s;
  }
}

void LandTiles::max_to_cells(const std::vector<double>& tile, std::vector<double>& out) const {
  const std::size_t n = cells();
  out.assign(n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::int32_t t = first[i]; t < first[i + 1]; ++t) out[i] = std::max(out[i], tile[static_cast<std::size_t>(t)]);
}

void LandTiles::to_slots(const std::vector<double>& tile, std::vector<std::vector<double>>& slots) const {
  slots.assign(classes(), std::vector<double>(cells(), 0.0));
  for (std::size_t t = 0; t < tiles(); ++t)
    slots[static_cast<std::size_t>(cls[t])][static_cast<std::size_t>(cell[t])] = tile[t];
}

void LandTiles::from_slots(const std::vector<std::vector<double>>& slots, std::vector<double>& tile) const {
  tile.resize(tiles());
  for (std::size_t t = 0; t < tiles(); ++t)
    tile[t] = slots[static_cast<std::size_t>(cls[t])][static_cast<std::size_t>(cell[t])];
}

namespace {

std::pair<int, int> row_span(const grids::GridSpec& g, const std::vector<std::int64_t>& cells) {
  if (cells.empty()) return {0, 0};
  const int r0 = static_cast<int>(cells.front() / g.nx);
  return {r0, static_cast<int>(cells.back() / g.nx) - r0 + 1};
}

}  // namespace

std::vector<std::vector<double>> read_fractions(const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                                                const std::vector<int>& dominant, long* fallbacks) {
  const auto& g = cfg.grid;
  const std::size_t n = cells.size(), nk = cfg.land_uses.size();
  std::vector<std::vector<double>> f(nk, std::vector<double>(n, 0.0));
  auto one_hot = [&](std::size_t i) { f[dominant.empty() ? 0 : static_cast<std::size_t>(dominant[i])][i] = 1.0; };
  if (!cfg.tiles()) {
    for (std::size_t i = 0; i < n; ++i) one_hot(i);
    return f;
  }
  const auto [row0, nrows] = row_span(g, cells);
  auto at = [&](const grids::RasterWindow& w, std::int64_t c) {
    return w.at(static_cast<int>(c / g.nx), static_cast<int>(c % g.nx));
  };
  if (!cfg.land_cover_map.empty()) {
    std::vector<int> codes;
    std::vector<std::string> names;
    for (const auto& u : cfg.land_uses) codes.push_back(u.code), names.push_back(u.name);
    const auto shares = grids::read_class_shares(cfg.land_cover_map, g, row0, nrows, codes, names);
    long fell_back = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double sum = 0.0;
      for (std::size_t k = 0; k < nk; ++k) {
        const double v = at(shares[k], cells[i]);
        f[k][i] = std::isfinite(v) ? std::max(v, 0.0) : 0.0;
        sum += f[k][i];
      }
      if (!(sum > 0.0)) {  // no classified pixel in the cell (a coastal cell): its class of inputs.land_use
        for (std::size_t k = 0; k < nk; ++k) f[k][i] = 0.0;
        one_hot(i);
        ++fell_back;
        continue;
      }
      for (std::size_t k = 0; k < nk; ++k) f[k][i] /= sum;
    }
    if (fallbacks) *fallbacks = fell_back;
    return f;
  }
  std::vector<grids::RasterWindow> w(nk);
  for (std::size_t k = 0; k < nk; ++k)
    w[k] = grids::read_raster_window(cfg.land_uses[k].fraction, g, row0, nrows, cfg.resampling_continuous);
  const double tol = cfg.fraction_tolerance;
  for (std::size_t i = 0; i < n; ++i) {
    double sum = 0.0;
    std::string values;
    for (std::size_t k = 0; k < nk; ++k) {
      const auto& u = cfg.land_uses[k];
      const double v = at(w[k], cells[i]);
      if (!std::isfinite(v) || v < 0.0 || v > 1.0 + tol)
        throw InputError(u.fraction + ": land_use." + u.name + ".fraction = " + format_number("%g", v) + " at land " +
                         g.describe_cell(cells[i]) + " (expected a fraction 0-1 on every land cell; 0 where the class "
                         "is absent)");
      f[k][i] = v;
      sum += v;
      values += (k ? ", " : "") + u.name + " " + format_number("%.6g", v);
    }
    if (!(std::fabs(sum - 1.0) <= tol))
      throw InputError(cfg.land_uses[0].fraction + " and the other land_use.*.fraction rasters: the class fractions "
                       "at land " + g.describe_cell(cells[i]) + " sum to " + format_number("%.6g", sum) + " (" + values +
                       "), expected 1 within inputs.fraction_tolerance = " + format_number("%g", tol));
    for (std::size_t k = 0; k < nk; ++k) f[k][i] /= sum;
  }
  return f;
}

std::vector<std::vector<double>> read_class_stocks(const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                                                   const std::vector<std::vector<double>>& fraction,
                                                   const std::vector<double>& cell_soc, const std::vector<char>& always) {
  const auto& g = cfg.grid;
  const std::size_t n = cells.size(), nk = cfg.land_uses.size();
  std::vector<std::vector<double>> soc(nk, cell_soc);
  const auto [row0, nrows] = row_span(g, cells);
  for (std::size_t k = 0; k < nk; ++k) {
    const auto& u = cfg.land_uses[k];
    if (u.soc_stock.empty()) continue;
    const auto w = grids::read_raster_window(u.soc_stock, g, row0, nrows, cfg.resampling_continuous);
    for (std::size_t i = 0; i < n; ++i) {
      if (!(fraction[k][i] > 0.0) && !(k < always.size() && always[k])) continue;  // no tile: unused
      const double s = w.at(static_cast<int>(cells[i] / g.nx), static_cast<int>(cells[i] % g.nx));
      if (!(s > 0.0 && s < 2000.0))
        throw InputError(u.soc_stock + ": land_use." + u.name + ".soc_stock = " + format_number("%g", s) +
                         " t ha-1 at land " + g.describe_cell(cells[i]) + ", where the class covers " +
                         format_number("%.3g", 100.0 * fraction[k][i]) + " % (expected > 0 and < 2000 t ha-1)");
      soc[k][i] = s;
    }
  }
  return soc;
}

std::vector<std::vector<double>> read_class_inputs(const RunConfig& cfg, const std::vector<std::int64_t>& cells,
                                                   const std::vector<std::vector<double>>& fraction,
                                                   const std::vector<char>& always) {
  const auto& g = cfg.grid;
  const std::size_t n = cells.size(), nk = cfg.land_uses.size();
  std::vector<std::vector<double>> input(nk);
  if (n == 0) return input;
  const auto [row0, nrows] = row_span(g, cells);
  for (std::size_t k = 0; k < nk; ++k) {
    const auto& u = cfg.land_uses[k];
    if (u.carbon_input.empty()) continue;
    input[k].assign(n, 0.0);
    const auto w = grids::read_raster_window(u.carbon_input, g, row0, nrows, cfg.resampling_continuous);
    for (std::size_t i = 0; i < n; ++i) {
      if (!(fraction[k][i] > 0.0) && !(k < always.size() && always[k])) continue;  // no tile: unused
      const double x = w.at(static_cast<int>(cells[i] / g.nx), static_cast<int>(cells[i] % g.nx));
      if (!(x >= 0.0 && x <= 100.0))
        throw InputError(u.carbon_input + ": land_use." + u.name + ".carbon_input = " + format_number("%g", x) +
                         " t ha-1 yr-1 at land " + g.describe_cell(cells[i]) + ", where the class covers " +
                         format_number("%.3g", 100.0 * fraction[k][i]) + " % (expected 0 to 100 t ha-1 yr-1)");
      input[k][i] = x;
    }
  }
  return input;
}

}  // namespace alamod::engine
