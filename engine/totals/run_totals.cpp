#include "engine/totals/run_totals.hpp"

#include <algorithm>
#include <cstdio>

#include "decomposition/land_migration.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/totals/output_reader.hpp"
#include "engine/totals/totals_files.hpp"

namespace alamod::engine {

namespace {

std::vector<std::int64_t> first_land_cells(const decomposition::LandPartition& p) {
  std::vector<std::int64_t> f;
  for (int r = 0; r <= p.ranks(); ++r) f.push_back(r < p.ranks() ? p.first_land(r) : p.land_cells());
  return f;
}

/// "3443.06 Tg C on 54.78 Mha (62.85 t C ha-1)"
std::string stock_text(double TgC, double area_ha) {
  return format_number("%.2f", TgC) + " Tg C on " + format_number("%.2f", area_ha / 1e6) + " Mha (" +
         format_number("%.2f", TgC * 1e6 / area_ha) + " t C ha-1)";
}

}  // namespace

TotalsSetup totals_setup(const RunConfig& cfg, const std::string& out_dir) {
  TotalsSetup s;
  s.grid = cfg.grid;
  s.model = cfg.model;
  s.first_year = cfg.start_year;
  s.years = cfg.end_year - cfg.start_year + 1;
  s.depth_cm = cfg.soil_depth_cm;
  s.land_use = cfg.land_use;
  std::vector<LandUseClass> classes = cfg.land_uses;
  std::sort(classes.begin(), classes.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
  for (const auto& c : classes) {
    s.class_codes.push_back(c.code);
    s.class_names.push_back(c.name);
  }
  s.region = cfg.region;
  s.departement = cfg.departement;
  s.pedoclimatic_zone = cfg.pedoclimatic_zone;
  s.zone_names = cfg.zone_names;
  s.zones = cfg.zones;
  s.zone_field = cfg.zone_field;
  s.zone_subcells = cfg.zone_subcells;
  s.report = cfg.totals_report;
  s.stored_as_float = !cfg.double_precision;
  s.significant_bits = cfg.significant_bits;
  s.out_dir = out_dir;
  return s;
}

RunTotals::RunTotals(MPI_Comm comm, const RunConfig& cfg, const std::string& out_dir,
                     const decomposition::LandPartition& partition, const std::vector<std::int64_t>& cells,
                     const std::vector<std::vector<double>>& fraction)
    : comm_(comm), out_dir_(out_dir), home_(partition), home_first_land_(first_land_cells(partition)) {
  MPI_Comm_rank(comm_, &rank_);
  const double t0 = MPI_Wtime();
  start_label_ = "1 January " + std::to_string(cfg.start_year);
  luc_ = cfg.land_use_changes();
  for (std::size_t k = 0; k < cfg.land_uses.size(); ++k) order_.push_back(k);
  std::sort(order_.begin(), order_.end(),
            [&](std::size_t a, std::size_t b) { return cfg.land_uses[a].code < cfg.land_uses[b].code; });
  std::vector<std::vector<double>> by_code;
  if (cfg.tiles())
    for (const std::size_t k : order_) by_code.push_back(fraction.at(k));
  totals_ = std::make_unique<ZoneTotals>(comm_, totals_setup(cfg, out_dir), cells, std::move(by_code));
  seconds_ += MPI_Wtime() - t0;
}

RunTotals::~RunTotals() = default;

void RunTotals::log(const std::string& line) const {
  if (rank_ != 0 || silent_) return;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

const std::vector<double>& RunTotals::at_home(const decomposition::LandPartition& partition,
                                              const std::vector<double>& values, std::vector<double>& buffer) {
  const std::vector<std::int64_t> from = first_land_cells(partition);
  if (from == home_first_land_) return values;
  if (!moved_ || from != moved_from_) {  // the cells moved since the last year (collective on every rank alike)
    moved_ = std::make_unique<decomposition::LandMigration>(comm_, partition, home_);
    moved_from_ = from;
  }
  buffer = values;
  moved_->move(buffer);
  return buffer;
}

CellLayers RunTotals::layers_at_home(const decomposition::LandPartition& partition,
                                     const std::vector<std::vector<double>>& layers,
                                     std::vector<std::vector<double>>& buffers) {
  CellLayers home;
  buffers.resize(order_.size());
  for (std::size_t c = 0; c < order_.size(); ++c) home.push_back(&at_home(partition, layers.at(order_[c]), buffers[c]));
  return home;
}

void RunTotals::start(const decomposition::LandPartition& partition, const std::vector<double>& stock,
                      const std::vector<double>& observed, const std::vector<std::vector<double>>& tile_stock) {
  const double t0 = MPI_Wtime();
  const CellLayers tiles = totals_->tiles() ? layers_at_home(partition, tile_stock, moved_tiles_) : CellLayers{};
  const std::vector<double>& home = at_home(partition, stock, moved_values_);
  totals_->add_start(home, tiles, CellLayers{});
  const double start = totals_->national_TgC(home);
  const double area = totals_->national_area_ha();
  // the observed map as read (not rounded to the output's precision)
  const double seen = totals_->national_TgC(at_home(partition, observed, moved_values_), false);
  log("totals: " + totals_->national_name() + ", soil organic carbon 0-" +
      format_number("%g", totals_->setup().depth_cm) + " cm on " + start_label_ + ": " + stock_text(start, area) +
      "; the observed map (inputs.soc_stock) holds " + format_number("%.2f", seen) + " Tg C (" +
      format_number("%+.3f", 100.0 * (start / seen - 1.0)) + " %)");
  seconds_ += MPI_Wtime() - t0;
}

void RunTotals::add_year(int y, const decomposition::LandPartition& partition, const std::vector<double>& stock,
                         const std::vector<std::vector<double>>& tile_stock,
                         const std::vector<std::vector<double>>& fraction) {
  const double t0 = MPI_Wtime();
  const CellLayers tiles = totals_->tiles() ? layers_at_home(partition, tile_stock, moved_tiles_) : CellLayers{};
  const CellLayers now = luc_ && totals_->tiles() ? layers_at_home(partition, fraction, moved_fractions_) : CellLayers{};
  totals_->add_year(y, at_home(partition, stock, moved_values_), tiles, now);
  seconds_ += MPI_Wtime() - t0;
}

void RunTotals::finish(const std::string& output_path, int first_year_index,
                       const std::map<std::string, std::string>& attributes, const TotalsTable* biomass) {
  const double t0 = MPI_Wtime();
  const TotalsSetup& s = totals_->setup();
  if (first_year_index > 0) {  // the years before the restart, and the start, as the output stores them
    collectively(comm_, [&] {
      StockReader reader(output_path);
      // the tiles' stocks per class (layer k of cSoilTile is cfg.land_uses[k]), in the totals' order
      auto tiles = [&](int y) {
        std::vector<std::vector<double>> t;
        if (totals_->tiles())
          for (const std::size_t k : order_)
            t.push_back(reader.read_tile_cells(y, static_cast<int>(k), s.grid, totals_->cells()));
        return t;
      };
      auto fractions = [&](int y) {  // with land-use change, as the output stores them each year
        std::vector<std::vector<double>> f;
        if (luc_)
          for (const std::size_t k : order_) f.push_back(reader.read_fraction_cells(static_cast<int>(k), totals_->cells(), y));
        return f;
      };
      totals_->add_start(reader.read_cells(-1, s.grid, totals_->cells()), tiles(-1), fractions(-1));
      for (int y = 0; y < first_year_index; ++y)
        totals_->add_year(y, reader.read_cells(y, s.grid, totals_->cells()), tiles(y), fractions(y));
    });
  }
  std::string provenance = "run output: " + output_path + "\n";
  for (const char* key : {"alamod_model", "alamod_config_file", "alamod_config_sha256", "alamod_version",
                          "alamod_git_commit", "alamod_spinup"})
    if (const auto it = attributes.find(key); it != attributes.end()) provenance += std::string(key) + ": " + it->second + "\n";
  int size = 1;
  MPI_Comm_size(comm_, &size);
  provenance += "MPI ranks: " + std::to_string(size) + "\nwritten: " + utc_now_iso();
  std::map<std::string, std::string> attrs = attributes;
  attrs["history"] = utc_now_iso() + ": totals of " + output_path + " by alamod run";
  const TotalsTable table = totals_->finish(attrs, provenance, biomass);
  seconds_ += MPI_Wtime() - t0;
  double most = 0;
  MPI_Reduce(&seconds_, &most, 1, MPI_DOUBLE, MPI_MAX, 0, comm_);
  const TotalsRow& fr = table.national();
  const int last = table.years() - 1;
  if (first_year_index > 0)
    log("totals: " + fr.name + " on " + start_label_ + ": " + stock_text(fr.start_TgC, fr.area_ha));
  const TotalsChange c = totals_change(table, fr, last);
  log("totals: " + fr.name + " at the end of " + std::to_string(table.first_year + last) + ": " +
      stock_text(fr.TgC.back(), fr.area_ha) + ", " + format_number("%+.2f", c.change_pct) + " % since " + start_label_ +
      " (" + format_number("%+.3f", c.rate_per_mille_yr) + " per mille per year); wrote " + out_dir_ + "/totals.csv, " +
      out_dir_ + "/totals.nc" + (s.report ? ", " + out_dir_ + "/report.html" : std::string()) + " (totals " +
      format_number("%.2f", most) + " s)");
}

}  // namespace alamod::engine
