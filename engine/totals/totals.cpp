#include "engine/totals/totals.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "engine/common/collective.hpp"
#include "engine/totals/report.hpp"
#include "engine/totals/totals_files.hpp"

namespace alamod::engine {

namespace {

/// netCDF's BitRound (nc_def_var_quantize, NC_QUANTIZE_BITROUND): add half of the last kept bit's
/// unit to the bit pattern, then clear the bits below it.
float bit_round(float v, int bits) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  const std::uint32_t keep = ~std::uint32_t{0} << (23 - bits);
  const std::uint32_t half = ~keep & (keep >> 1);
  u += half;
  u &= keep;
  std::memcpy(&v, &u, sizeof u);
  return v;
}

double bit_round(double v, int bits) {
  std::uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  const std::uint64_t keep = ~std::uint64_t{0} << (52 - bits);
  const std::uint64_t half = ~keep & (keep >> 1);
  u += half;
  u &= keep;
  std::memcpy(&v, &u, sizeof u);
  return v;
}

}  // namespace

double stored_value(double v, bool as_float, int significant_bits) {
  if (as_float) {
    const float f = static_cast<float>(v);
    return significant_bits > 0 && significant_bits < 23 ? bit_round(f, significant_bits) : f;
  }
  return significant_bits > 0 && significant_bits < 52 ? bit_round(v, significant_bits) : v;
}

ZoneTotals::ZoneTotals(MPI_Comm comm, TotalsSetup setup, std::vector<std::int64_t> cells,
                       std::vector<std::vector<double>> fraction)
    : comm_(comm), setup_(std::move(setup)), cells_(std::move(cells)) {
  MPI_Comm_rank(comm_, &rank_);
  const auto& s = setup_;
  ZoneNames names;
  collectively(comm_, [&] {
    if (!s.zone_names.empty()) names = read_zone_names(s.zone_names);  // every rank reads the small table
  });
  std::vector<ZoneLayer> layers;
  layers.push_back(whole_grid_layer(cells_.size(), names));
  const std::pair<const char*, const std::string*> rasters[] = {
      {"region", &s.region}, {"departement", &s.departement}, {"pedoclimatic_zone", &s.pedoclimatic_zone}};
  for (const auto& [kind, path] : rasters)
    if (!path->empty()) layers.push_back(read_code_raster(comm_, kind, *path, s.grid, cells_, names));
  if (!s.zones.empty())
    layers.push_back(read_user_zones(comm_, s.zones, s.zone_field, s.zone_subcells, s.grid, cells_, names));
  if (!fraction.empty()) {  // the sums hold the fractions (one copy)
    sums_ = std::make_unique<ZoneSums>(std::move(layers), std::move(fraction), s.class_names, s.years);
    return;
  }
  std::vector<int> classes = read_land_classes(comm_, s.land_use, s.grid, cells_, s.class_codes);
  sums_ = std::make_unique<ZoneSums>(std::move(layers), std::move(classes), s.class_names, s.years);
}

ZoneTotals::~ZoneTotals() = default;

std::vector<double> ZoneTotals::as_stored(const std::vector<double>& stock) const {
  std::vector<double> v(stock.size());
  for (size_t i = 0; i < v.size(); ++i) v[i] = stored_value(stock[i], setup_.stored_as_float, setup_.significant_bits);
  return v;
}

namespace {

CellLayers borrow(const std::vector<std::vector<double>>& layers) {
  CellLayers p;
  for (const auto& l : layers) p.push_back(&l);
  return p;
}

}  // namespace

void ZoneTotals::add_start(const std::vector<double>& stock, const std::vector<std::vector<double>>& tile_stock,
                           const std::vector<std::vector<double>>& fraction) {
  add_start(stock, borrow(tile_stock), borrow(fraction));
}

void ZoneTotals::add_year(int y, const std::vector<double>& stock, const std::vector<std::vector<double>>& tile_stock,
                          const std::vector<std::vector<double>>& fraction) {
  add_year(y, stock, borrow(tile_stock), borrow(fraction));
}

void ZoneTotals::add_start(const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction) {
  start_ = as_stored(stock);
  sums_->add_start(stock, tile_stock, fraction, stored());
}

void ZoneTotals::add_year(int y, const std::vector<double>& stock, const CellLayers& tile_stock,
                          const CellLayers& fraction) {
  if (y + 1 == setup_.years) last_ = as_stored(stock);  // the map of the change
  sums_->add_year(y, stock, tile_stock, fraction, stored());
}

double ZoneTotals::national_TgC(const std::vector<double>& stock, bool rounded) const {
  return sums_->national_TgC(comm_, stock, cell_area_ha(), rounded ? stored() : StoredAs{});
}

double ZoneTotals::national_area_ha() const {
  long long n = static_cast<long long>(cells_.size()), all = 0;
  MPI_Allreduce(&n, &all, 1, MPI_LONG_LONG, MPI_SUM, comm_);
  return static_cast<double>(all) * cell_area_ha();
}

TotalsTable ZoneTotals::finish(const std::map<std::string, std::string>& attributes, const std::string& provenance,
                               const TotalsTable* biomass) {
  TotalsTable table = sums_->reduce(comm_, cell_area_ha());
  table.model = setup_.model;
  table.first_year = setup_.first_year;
  table.depth_cm = setup_.depth_cm;
  // the maps: every rank's cells onto rank 0's grid (start, and change over the run); rank 0 places its own
  // cells itself and receives the others' as floats (the map's precision; the change is taken in double first)
  ReportMaps maps;
  if (setup_.report) {
    int size = 1;
    MPI_Comm_size(comm_, &size);
    const std::vector<double>& last = last_.size() == cells_.size() ? last_ : start_;
    const int n = static_cast<int>(cells_.size());
    std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size), 0);
    MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_);
    if (rank_ == 0) counts[0] = 0;
    std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
    const size_t total = rank_ == 0 ? static_cast<size_t>(displs.back() + counts.back()) : 0;
    const int send = rank_ == 0 ? 0 : n;
    std::vector<float> start_f(static_cast<size_t>(send)), change_f(static_cast<size_t>(send));
    for (int i = 0; i < send; ++i) {
      start_f[static_cast<size_t>(i)] = static_cast<float>(start_[static_cast<size_t>(i)]);
      change_f[static_cast<size_t>(i)] = static_cast<float>(last[static_cast<size_t>(i)] - start_[static_cast<size_t>(i)]);
    }
    std::vector<std::int64_t> all_cells(total);
    std::vector<float> all_start(total), all_change(total);
    MPI_Gatherv(cells_.data(), send, MPI_INT64_T, all_cells.data(), counts.data(), displs.data(), MPI_INT64_T, 0, comm_);
    MPI_Gatherv(start_f.data(), send, MPI_FLOAT, all_start.data(), counts.data(), displs.data(), MPI_FLOAT, 0, comm_);
    MPI_Gatherv(change_f.data(), send, MPI_FLOAT, all_change.data(), counts.data(), displs.data(), MPI_FLOAT, 0, comm_);
    if (rank_ == 0) {
      maps.grid = setup_.grid;
      const size_t g = static_cast<size_t>(setup_.grid.cells());
      maps.start.assign(g, std::numeric_limits<float>::quiet_NaN());
      maps.change.assign(g, std::numeric_limits<float>::quiet_NaN());
      for (size_t i = 0; i < cells_.size(); ++i) {
        maps.start[static_cast<size_t>(cells_[i])] = static_cast<float>(start_[i]);
        maps.change[static_cast<size_t>(cells_[i])] = static_cast<float>(last[i] - start_[i]);
      }
      for (size_t i = 0; i < total; ++i) {
        maps.start[static_cast<size_t>(all_cells[i])] = all_start[i];
        maps.change[static_cast<size_t>(all_cells[i])] = all_change[i];
      }
    }
  }
  collectively(comm_, [&] {  // a failure to write is every rank's
    if (rank_ != 0) return;
    const std::string& dir = setup_.out_dir;
    write_totals_csv(dir + "/totals.csv", table);
    write_totals_netcdf(dir + "/totals.nc", table, attributes);
    if (setup_.report) write_report(dir, table, maps, provenance, biomass);
  });
  return table;
}

}  // namespace alamod::engine
