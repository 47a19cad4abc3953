#pragma once
/// The report of a run's totals: DIR/report.html, self-contained (inline CSS, inline SVG plots, the
/// maps as PNG data URIs; no script, nothing fetched), in the style of the evaluation report
/// (engine/common/html_report.hpp); the same maps and the national series as PNG files, and the maps
/// as cloud-optimised GeoTIFFs in the grid's CRS.
#include <sstream>
#include <string>
#include <vector>

#include "engine/totals/zone_sums.hpp"
#include "grids/grid_spec.hpp"

namespace alamod::engine {

/// The maps of the report, on the whole grid (row-major, NaN outside land).
struct ReportMaps {
  grids::GridSpec grid;
  std::vector<float> start;   ///< stock on 1 January of the first year (t ha-1)
  std::vector<float> change;  ///< stock at the end of the last year minus the start (t ha-1)
};

/// The names of the files the report writes in its folder.
struct ReportFiles {
  static constexpr const char* html = "report.html";
  static constexpr const char* start_png = "map_soc_start.png";
  static constexpr const char* change_png = "map_soc_change.png";
  static constexpr const char* series_png = "series_soc_national.png";
  static constexpr const char* class_series_png = "series_soc_density_land_use.png";
  static constexpr const char* biomass_series_png = "series_carbon_soil_vegetation.png";  ///< with [vegetation]
  static constexpr const char* start_tif = "soc_start.tif";
  static constexpr const char* change_tif = "soc_change.tif";
};

/// A column of the reports' sortable zone tables (sorted by CSS alone, no script).
struct ReportColumn {
  std::string label;   ///< header (with its unit)
  bool text = false;   ///< left-aligned, sorted as text
  int decimals = 2;
  bool sign = false;   ///< +/- and coloured
};
struct ReportCell {
  std::string text;
  double value = 0;  ///< for numeric columns
};
/// Appends a sortable table (id unique in the page) to `o`; the page must hold report_css().
void report_sortable_table(std::ostringstream& o, const std::string& id, const std::vector<ReportColumn>& cols,
                           const std::vector<std::vector<ReportCell>>& rows, const std::string& kind);
/// The CSS of the run report (figures, maps, sortable tables), for pages that reuse its parts.
const char* report_css();

/// The national series of a parameter ensemble (alamod run --ensemble): per scenario, the 5, 50 and 95 %
/// quantiles over the members of the stock (Tg C) at x = year (the start at the first year, the end of year Y at
/// Y + 1).
struct EnsembleBandSeries {
  std::string scenario, zone, depth;
  std::vector<double> year, p05, p50, p95;
};
struct EnsembleReport {
  std::string model, description;
  int members = 0;
  std::vector<EnsembleBandSeries> series;
  std::vector<std::string> member_dirs;  ///< relative to the report's folder
};
/// Writes DIR/report.html of an ensemble: the national series with its 5-95 % band shaded, links to the
/// members' reports. Throws InputError when it cannot be written.
void write_ensemble_report(const std::string& dir, const EnsembleReport& report);

/// Writes DIR/report.html and the PNG and GeoTIFF files (each under a temporary name, then renamed).
/// `provenance` is shown as is. Throws InputError when a file cannot be written.
/// `biomass`: the vegetation carbon's totals (engine/totals/biomass_totals.hpp) of a run with [vegetation]: a key
/// figure, the national series of vegetation beside soil, and a table of both per land-use class; null: none.
void write_report(const std::string& dir, const TotalsTable& table, const ReportMaps& maps,
                  const std::string& provenance, const TotalsTable* biomass = nullptr);

}  // namespace alamod::engine
