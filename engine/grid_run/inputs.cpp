// The inputs of a grid run: the land partition from the mask, the static layers of the owned cells,
// the climate forcing and the checksums of every input file.
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace {

/// How much of the run grid the land mask's extent leaves out (cells outside it are sea), summed over
/// the ranks' slabs of rows.
struct MaskCoverage {
  std::int64_t outside = 0;  ///< grid cells whose centre lies outside the mask's extent
  std::int64_t land_lost = 0;  ///< of those, cells that the land-use raster gives a configured class
  std::int64_t first = -1;     ///< the first of them (grid linear index), -1 when none
};

/// This rank's part of MaskCoverage: rows [row_begin, row_end) of the grid.
MaskCoverage mask_coverage(const RunConfig& cfg, int row_begin, int row_end) {
  MaskCoverage c;
  const auto& g = cfg.grid;
  const std::vector<std::uint8_t> outside = grids::outside_raster(cfg.land_mask, g, row_begin, row_end - row_begin);
  c.outside = std::count(outside.begin(), outside.end(), 1);
  if (c.outside == 0) return c;
  c.first = static_cast<std::int64_t>(row_begin) * g.nx + (std::find(outside.begin(), outside.end(), 1) - outside.begin());
  // the cells outside that the land-use raster gives a class: land that the mask loses
  const auto lu = grids::read_raster_window(cfg.land_use, g, row_begin, row_end - row_begin,
                                            grids::Resampling::nearest);
  for (std::size_t i = 0; i < outside.size(); ++i) {
    if (!outside[i] || !std::isfinite(lu.values[i])) continue;
    for (const auto& u : cfg.land_uses)
      if (std::lround(lu.values[i]) == u.code) {
        ++c.land_lost;
        break;
      }
  }
  return c;
}

}  // namespace

void GridRun::partition_land() {
  const auto& g = cfg_.grid;
  // Each rank reads one slab of mask rows (and weights); the partition is built collectively from
  // per-row summaries, so no rank reads or holds the whole mask (decomposition/land_partition.hpp).
  const int s0 = decomposition::LandPartition::slab_row_begin(rank_, size_, g.ny);
  const int s1 = decomposition::LandPartition::slab_row_begin(rank_ + 1, size_, g.ny);
  std::vector<std::uint8_t> slab_land;
  std::vector<double> slab_weight;
  MaskCoverage cover;
  collectively(comm_, [&] {
    slab_land = read_land_mask(s0, s1);
    cover = mask_coverage(cfg_, s0, s1);
    if (!cfg_.cost_weight.empty()) slab_weight = read_cost_weight(s0, s1, slab_land);
    luc_rules_ = read_luc_rules(cfg_);  // (small; every rank reads it)
    luc_maps_ = read_luc_maps(cfg_);
    if (cfg_.tiles()) {
      // the partition balances tiles: a cell costs its weight times its number of tiles
      const std::vector<char> always = luc_receivers(cfg_, luc_rules_);
      std::vector<std::int64_t> land;
      for (std::size_t i = 0; i < slab_land.size(); ++i)
        if (slab_land[i]) land.push_back(static_cast<std::int64_t>(s0) * g.nx + static_cast<std::int64_t>(i));
      const auto f = read_fractions(cfg_, land, {});
      if (slab_weight.empty()) slab_weight.assign(slab_land.size(), 1.0);
      for (std::size_t j = 0; j < land.size(); ++j) {
        int tiles = 0;
        for (size_t k = 0; k < f.size(); ++k) tiles += f[k][j] > 0.0 || always[k] ? 1 : 0;
        slab_weight[static_cast<std::size_t>(land[j] - static_cast<std::int64_t>(s0) * g.nx)] *= tiles;
      }
    }
  });
  // a mask smaller than the grid silently turns the rest of the grid to sea: refused unless accepted
  std::int64_t outside[2] = {cover.outside, cover.land_lost};
  std::int64_t first = cover.first < 0 ? std::numeric_limits<std::int64_t>::max() : cover.first;
  MPI_Allreduce(MPI_IN_PLACE, outside, 2, MPI_INT64_T, MPI_SUM, comm_);
  MPI_Allreduce(MPI_IN_PLACE, &first, 1, MPI_INT64_T, MPI_MIN, comm_);
  if (outside[0] > 0) {
    const std::int64_t cells = static_cast<std::int64_t>(g.nx) * g.ny;
    const std::string what =
        cfg_.land_mask + ": the land mask does not cover the run grid: " + std::to_string(outside[0]) + " of the grid's " +
        std::to_string(cells) + " cells (" + format_number("%.1f", 100.0 * outside[0] / cells) +
        " %) lie outside the mask's extent and are sea, " + std::to_string(outside[1]) +
        " of them with a land-use class in " + cfg_.land_use + " (land lost); the first is " + g.describe_cell(first);
    if (!cfg_.land_mask_partial)
      throw InputError(what + ". Give a mask covering the grid, or set inputs.land_mask_partial = true to accept it");
    log(what + " (accepted: inputs.land_mask_partial = true)");
  }
  const std::int64_t slab_land_cells = std::count(slab_land.begin(), slab_land.end(), 1);
  std::int64_t land_cells = 0;
  MPI_Allreduce(&slab_land_cells, &land_cells, 1, MPI_INT64_T, MPI_SUM, comm_);
  if (land_cells == 0) throw InputError(cfg_.land_mask + ": no land cell (value 1) on the run grid");
  partition_ = std::make_unique<decomposition::LandPartition>(
      decomposition::LandPartition::from_row_slabs(comm_, g.nx, g.ny, slab_land, slab_weight));
  const auto& p = *partition_;
  range_begin_ = p.grid_begin(rank_);
  range_end_ = p.grid_end(rank_);
  collectively(comm_, [&] { find_owned_cells(); });
  std::int64_t mn = p.owned_count(0), mx = mn;
  for (int r = 0; r < size_; ++r) {
    mn = std::min(mn, p.owned_count(r));
    mx = std::max(mx, p.owned_count(r));
  }
  log("grid " + std::to_string(g.nx) + " x " + std::to_string(g.ny) + " cells of " +
      format_number("%g", g.resolution) + " m (" + g.crs + "), " + std::to_string(p.land_cells()) +
      " land cells over " + std::to_string(size_) + " rank(s): " + std::to_string(mn) + "-" + std::to_string(mx) +
      " cells per rank, load imbalance " + format_number("%.2f", 100.0 * p.imbalance()) + " %");
  // the partition's estimate of each owned cell's cost, refined from measured times (rebalance_compute)
  cell_weight_.assign(cells_.size(),
                      cells_.empty() ? 0.0 : p.weight_of(rank_) / static_cast<double>(cells_.size()));
}

std::vector<std::uint8_t> GridRun::read_land_mask(int row_begin, int row_end) const {
  const auto& g = cfg_.grid;
  const auto mask = grids::read_raster_window(cfg_.land_mask, g, row_begin, row_end - row_begin,
                                              grids::Resampling::nearest);
  std::vector<std::uint8_t> land(mask.values.size());
  for (size_t i = 0; i < land.size(); ++i) {
    const double v = mask.values[i];  // NaN: nodata or outside the raster, i.e. not land
    if (!std::isnan(v) && v != 0.0 && v != 1.0)
      throw InputError(cfg_.land_mask + ": land mask value " + format_number("%g", v) + " at " +
                       g.describe_cell(static_cast<std::int64_t>(row_begin) * g.nx + static_cast<std::int64_t>(i)) +
                       " (expected 1 on land, 0 or nodata elsewhere; is inputs.land_mask the right raster?)");
    land[i] = v == 1.0 ? 1 : 0;
  }
  return land;
}

std::vector<double> GridRun::read_cost_weight(int row_begin, int row_end,
                                              const std::vector<std::uint8_t>& land) const {
  const auto& g = cfg_.grid;
  std::vector<double> weight =
      grids::read_raster_window(cfg_.cost_weight, g, row_begin, row_end - row_begin, cfg_.resampling_continuous)
          .values;
  for (size_t i = 0; i < land.size(); ++i) {
    if (!land[i]) continue;
    const double v = weight[i];
    if (!(v >= 0.0) || !std::isfinite(v))
      throw InputError(cfg_.cost_weight + ": cost weight " + format_number("%g", v) + " at land " +
                       g.describe_cell(static_cast<std::int64_t>(row_begin) * g.nx + static_cast<std::int64_t>(i)) +
                       " (expected a finite value >= 0)");
  }
  return weight;
}

void GridRun::find_owned_cells() {
  const auto& g = cfg_.grid;
  const auto& p = *partition_;
  cells_.clear();
  if (p.owned_count(rank_) == 0) return;
  const int row0 = static_cast<int>(range_begin_ / g.nx);
  const int row1 = static_cast<int>((range_end_ - 1) / g.nx) + 1;
  const auto mask = grids::read_raster_window(cfg_.land_mask, g, row0, row1 - row0, grids::Resampling::nearest);
  const std::int64_t off = static_cast<std::int64_t>(row0) * g.nx;
  for (std::int64_t c = range_begin_; c < range_end_; ++c)
    if (mask.values[static_cast<size_t>(c - off)] > 0.5) cells_.push_back(c);
  if (static_cast<std::int64_t>(cells_.size()) != p.owned_count(rank_))
    throw InputError(cfg_.land_mask + ": changed while the run read it (rank " + std::to_string(rank_) + " found " +
                     std::to_string(cells_.size()) + " land cells in its rows, expected " +
                     std::to_string(p.owned_count(rank_)) + ")");
}

void GridRun::read_static_layers() {
  const auto& g = cfg_.grid;
  const size_t n = cells_.size();
  const int row0 = n ? static_cast<int>(cells_.front() / g.nx) : 0;
  const int nrows = n ? static_cast<int>(cells_.back() / g.nx) - row0 + 1 : 0;
  collectively(comm_, [&] {
    const auto lu = grids::read_raster_window(cfg_.land_use, g, row0, nrows, grids::Resampling::nearest);
    const auto clay = grids::read_raster_window(cfg_.clay, g, row0, nrows, cfg_.resampling_continuous);
    const auto soc = grids::read_raster_window(cfg_.soc_stock, g, row0, nrows, cfg_.resampling_continuous);
    const auto input = grids::read_raster_window(cfg_.carbon_input, g, row0, nrows, cfg_.resampling_continuous);
    auto value_at = [&](const grids::RasterWindow& w, std::int64_t cell) {
      return w.at(static_cast<int>(cell / g.nx), static_cast<int>(cell % g.nx));
    };
    auto& st = statics_;
    st.land_class.resize(n);
    st.clay.resize(n);
    st.annual_input.resize(n);
    st.soc_observed.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const std::int64_t c = cells_[i];
      st.land_class[i] = land_class(value_at(lu, c), c);
      const double cl = value_at(clay, c);
      if (!(cl >= 0.0 && cl <= 100.0))
        throw InputError(cfg_.clay + ": clay = " + format_number("%g", cl) + " % at land " + g.describe_cell(c) +
                         " (expected 0-100 %)");
      const double s = value_at(soc, c);
      if (!(s > 0.0 && s < 2000.0))
        throw InputError(cfg_.soc_stock + ": soc_stock = " + format_number("%g", s) + " t ha-1 at land " +
                         g.describe_cell(c) + " (expected > 0 and < 2000 t ha-1)");
      const double in = value_at(input, c);
      if (!(in >= 0.0 && in <= 100.0))  // bounds inclusive, as the message says
        throw InputError(cfg_.carbon_input + ": carbon_input = " + format_number("%g", in) +
                         " t ha-1 yr-1 at land " + g.describe_cell(c) + " (expected 0-100 t ha-1 yr-1)");
      st.clay[i] = cl;
      st.soc_observed[i] = s;
      st.annual_input[i] = in;
    }
    if (vegetation_) vegetation_->read_cells(cells_);
    tiles_.fraction = read_fractions(cfg_, cells_, st.land_class, &fraction_fallbacks_);
    tiles_.always = luc_receivers(cfg_, luc_rules_);
    if (cfg_.scenarios.enabled()) {  // the receivers of every scenario's transitions have their tiles from the start
      const auto more = scenario_luc_receivers(cfg_);
      for (size_t k = 0; k < more.size(); ++k) tiles_.always[k] = tiles_.always[k] || more[k];
    }
    // spinup.land_cover_map: the spin-up's fractions; a cell has a tile of every class present in either land cover
    // (the spin-up's, then the run's after the switch; spinup_land_cover.cpp)
    std::vector<std::vector<double>> present = tiles_.fraction;
    if (!cfg_.spinup_land_cover_map.empty()) {
      RunConfig c = cfg_;
      c.land_cover_map = cfg_.spinup_land_cover_map;
      for (auto& u : c.land_uses) u.fraction.clear();
      spinup_fraction_ = read_fractions(c, cells_, st.land_class, &spinup_fraction_fallbacks_);
      for (size_t k = 0; k < present.size(); ++k)
        for (size_t i = 0; i < n; ++i)
          if (!(present[k][i] > 0.0) && spinup_fraction_[k][i] > 0.0) present[k][i] = spinup_fraction_[k][i];
    }
    tiles_.soc = read_class_stocks(cfg_, cells_, present, st.soc_observed, tiles_.always);
    tiles_.input = read_class_inputs(cfg_, cells_, present, tiles_.always);
    luc_applies_ = luc_applies(cfg_, luc_rules_, cells_);
    luc_map_moves_ = luc_map_moves(cfg_, luc_maps_, cells_, st.land_class, tiles_.fraction);
    if (spinup_fraction_.empty()) {
      build_tiles();
    } else {
      std::swap(tiles_.fraction, present);
      build_tiles();  // the tiles of either land cover
      std::swap(tiles_.fraction, present);
      tiles_.reweight();
    }
  });
  std::int64_t counts[4] = {static_cast<std::int64_t>(tiles_.tiles()), fraction_fallbacks_,
                            static_cast<std::int64_t>(cells_.size()), spinup_fraction_fallbacks_};
  MPI_Allreduce(MPI_IN_PLACE, counts, 4, MPI_INT64_T, MPI_SUM, comm_);
  // a class map without a classified pixel on any land cell does not cover the grid (another extent, a window
  // outside it): every cell would silently take its class of inputs.land_use
  for (const auto& [fell_back, key, map] :
       {std::tuple{counts[1], "inputs.land_cover_map", cfg_.land_cover_map},
        std::tuple{counts[3], "spinup.land_cover_map", cfg_.spinup_land_cover_map}})
    if (!map.empty() && counts[2] > 0 && fell_back == counts[2])
      throw InputError(map + ": key " + key + ": no classified pixel on any of the " + std::to_string(counts[2]) +
                       " land cells: the map does not cover the grid (" + cfg_.grid.crs + ", x " +
                       format_number("%.0f", cfg_.grid.x_min) + "-" + format_number("%.0f", cfg_.grid.x_max()) +
                       " m, y " +
                       format_number("%.0f", cfg_.grid.y_min()) + "-" + format_number("%.0f", cfg_.grid.y_max) + " m)");
  if (counts[3] > 0)
    log("spin-up land cover " + cfg_.spinup_land_cover_map + ": " + std::to_string(counts[3]) + " of " +
        std::to_string(counts[2]) + " land cells without a classified pixel take their class of " + cfg_.land_use);
  if (cfg_.tiles()) {
    // the tiles' share of the land per class (exactly summed order: cells in land order per rank, then ranks)
    std::string shares;
    for (std::size_t k = 0; k < cfg_.land_uses.size(); ++k) {
      double a = 0.0;
      for (const double f : tiles_.fraction[k]) a += f;
      MPI_Allreduce(MPI_IN_PLACE, &a, 1, MPI_DOUBLE, MPI_SUM, comm_);
      shares += (k ? ", " : "") + cfg_.land_uses[k].name + " " + format_number("%.1f", 100.0 * a / counts[2]) + " %";
    }
    log("land cover: " + std::to_string(counts[0]) + " tiles on " + std::to_string(counts[2]) + " land cells (" +
        format_number("%.2f", static_cast<double>(counts[0]) / counts[2]) + " per cell), from " +
        (cfg_.land_cover_map.empty() ? std::string("land_use.*.fraction") : cfg_.land_cover_map) + "; land " + shares +
        (counts[1] ? "; " + std::to_string(counts[1]) + " cells without a classified pixel take their class of " +
                         cfg_.land_use : std::string()));
  }
  // the partition's estimate of each owned cell's cost: its share of the rank's weight by its tiles
  if (!cells_.empty()) {
    const double per_tile = partition_->weight_of(rank_) / static_cast<double>(std::max<std::size_t>(tiles_.tiles(), 1));
    for (std::size_t i = 0; i < cells_.size(); ++i)
      cell_weight_[i] = per_tile * (tiles_.first[i + 1] - tiles_.first[i]);
  }
}

void GridRun::build_tiles() {
  tiles_.index();
  const std::size_t nt = tiles_.tiles();
  auto& ts = tile_statics_;
  ts.land_class.resize(nt);
  ts.clay.resize(nt);
  ts.annual_input.resize(nt);
  ts.soc_observed.resize(nt);
  for (std::size_t t = 0; t < nt; ++t) {
    const auto c = static_cast<std::size_t>(tiles_.cell[t]), k = static_cast<std::size_t>(tiles_.cls[t]);
    ts.land_class[t] = static_cast<int>(k);
    ts.clay[t] = statics_.clay[c];
    const double factor = cfg_.land_uses[k].input_factor;
    const double base = tiles_.input[k].empty() ? statics_.annual_input[c] : tiles_.input[k][c];
    ts.annual_input[t] = factor == 1.0 ? base : base * factor;
    ts.soc_observed[t] = tiles_.soc[k][c];
  }
  model_->set_cells(ts, [this](std::size_t t) { return describe_tile(t); });
  if (vegetation_) vegetation_->set_tiles(tiles_, [this](std::size_t t) { return describe_tile(t); });
}

std::string GridRun::describe_tile(std::size_t t) const {
  const std::string cell = cfg_.grid.describe_cell(cells_[static_cast<std::size_t>(tiles_.cell[t])]);
  if (!cfg_.tiles()) return cell;
  return cell + " " + cfg_.land_uses[static_cast<std::size_t>(tiles_.cls[t])].name + " tile (" +
         format_number("%.3g", 100.0 * tiles_.weight[t]) + " % of the cell)";
}

int GridRun::land_class(double code, std::int64_t cell) const {
  int k = -1;
  for (size_t j = 0; j < cfg_.land_uses.size(); ++j)
    if (std::isfinite(code) && static_cast<int>(std::lround(code)) == cfg_.land_uses[j].code) k = static_cast<int>(j);
  if (k < 0) {
    std::string codes;
    for (const auto& u : cfg_.land_uses) codes += (codes.empty() ? "" : ", ") + std::to_string(u.code) + " " + u.name;
    throw InputError(cfg_.land_use + ": land-use code " + format_number("%g", code) + " at land " +
                     cfg_.grid.describe_cell(cell) + " has no [land_use.*] class in the configuration (classes: " +
                     codes + ")");
  }
  return k;
}

void GridRun::open_forcing() {
  collectively(comm_, [&] {
    forcing_ = std::make_unique<grids::MonthlyForcing>(
        cfg_.climate, cfg_.grid, cells_,
        std::vector<grids::ForcingVariable>{{cfg_.var_tas, grids::ForcingQuantity::temperature},
                                            {cfg_.var_pr, grids::ForcingQuantity::precipitation},
                                            {cfg_.var_pet, grids::ForcingQuantity::water_amount}});
    // the spin-up's years when it reads this file before the run's start are checked where it reads them
    const int need_end = std::max(cfg_.end_year, cfg_.spinup_climate.empty() && !cfg_.spinup_first_year
                                                     ? cfg_.start_year + cfg_.spinup_years - 1
                                                     : cfg_.end_year);
    if (const std::string month = forcing_->first_missing_month(cfg_.start_year, need_end); !month.empty())
      throw InputError(cfg_.climate + ": the time axis has no value for " + month + " (it holds " +
                       forcing_->time_span() + "), but the run needs every month of " +
                       std::to_string(cfg_.start_year) + "-" + std::to_string(need_end) +
                       " (run.start_year..run.end_year and spinup.years)");
  });
  const std::string how = forcing_->set_reading(comm_, cfg_.climate_reading);
  if (!how.empty()) log("forcing " + cfg_.climate + ": " + how);
  climate_reading_history_ = forcing_->shared_reading() ? "shared" : "per_rank";
  long local = forcing_->coastal_fallbacks(), total = 0;
  MPI_Reduce(&local, &total, 1, MPI_LONG, MPI_SUM, 0, comm_);
  if (total > 0)
    log("forcing " + cfg_.climate + ": " + std::to_string(total) +
        " coastal land cells take the nearest forcing cell with data (theirs is missing at every time)");
}

std::vector<std::string> GridRun::input_files() const {
  std::vector<std::string> files;
  for (const auto* f : {&cfg_.land_mask, &cfg_.land_use, &cfg_.clay, &cfg_.soc_stock, &cfg_.carbon_input,
                        &cfg_.climate, &cfg_.cost_weight, &cfg_.region, &cfg_.departement, &cfg_.pedoclimatic_zone,
                        &cfg_.zone_names, &cfg_.zones, &cfg_.land_cover_map, &cfg_.luc_rates, &cfg_.luc_maps})
    if (!f->empty()) files.push_back(*f);
  for (const auto& m : luc_maps_) files.push_back(m.path);
  for (const auto& u : cfg_.land_uses)
    for (const auto* f : {&u.fraction, &u.soc_stock, &u.carbon_input})
      if (!f->empty()) files.push_back(*f);
  if (vegetation_)
    for (const auto& f : vegetation_->input_files()) files.push_back(f);
  // the spin-up's own climate and every scenario's files (climate, land-use change, masks, adoption rasters)
  auto add = [&](const std::string& f) {
    if (!f.empty() && std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
  };
  add(cfg_.spinup_climate);
  add(cfg_.spinup_land_cover_map);
  for (const auto& s : cfg_.scenarios.scenarios) {
    add(s.climate);
    add(s.luc_rates);
    add(s.luc_maps);
    if (!s.luc_maps.empty()) {  // the series' maps (its years are checked where the scenario reads it)
      RunConfig c = cfg_;
      c.luc_maps = s.luc_maps;
      c.start_year = std::numeric_limits<int>::min() / 2;
      c.end_year = std::numeric_limits<int>::max() / 2;
      try {
        for (const auto& m : read_luc_maps(c)) add(m.path);
      } catch (const InputError&) {
        // a bad series is reported, naming the scenario, where the scenario reads it
      }
    }
    for (const auto& i : s.interventions) {
      add(i.mask);
      add(i.adoption_raster);
    }
  }
  return files;
}

void GridRun::hash_inputs() {
  // file k on rank k mod P (the climate file dominates; no rank hashes them all)
  const std::vector<std::string> files = input_files();
  std::vector<std::string> mine(files.size());
  collectively(comm_, [&] {
    for (size_t k = static_cast<size_t>(rank_); k < files.size(); k += static_cast<size_t>(size_))
      mine[k] = grids::sha256_file(files[k]);
  });
  for (size_t k = 0; k < files.size(); ++k) {
    char hex[65] = {};
    const int owner = static_cast<int>(k % static_cast<size_t>(size_));
    if (rank_ == owner) mine[k].copy(hex, 64);
    MPI_Bcast(hex, 64, MPI_CHAR, owner, comm_);
    input_checksums_ += files[k] + " sha256:" + std::string(hex, 64) + "\n";
    input_sha256_ += (k ? " " : "") + std::string(hex, 64);
  }
}

}  // namespace alamod::engine
