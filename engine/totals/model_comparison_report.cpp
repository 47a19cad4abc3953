#include "engine/totals/model_comparison_report.hpp"

#include <gdal_priv.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "engine/common/csv_line.hpp"
#include "engine/common/atomic_file.hpp"
#include "engine/common/html_report.hpp"
#include "engine/totals/map_image.hpp"
#include "engine/totals/report.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

using namespace html;

const char* const kModelColours[] = {"#d55e00", "#009e73", "#0072b2", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#8c564b"};

struct ModelTotals {
  std::string model;
  std::string header;
  std::vector<std::string> lines;                  ///< the data lines as written
  std::vector<std::pair<double, double>> national;  ///< (year, Tg C), the start first at its year
  double start_TgC = 0, end_TgC = 0, area_ha = 0;
  int first_year = 0, last_year = 0;
};

ModelTotals read_totals(const std::string& path, const std::string& model) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot be read (the " + model + " run wrote no totals)");
  ModelTotals t;
  t.model = model;
  std::getline(in, t.header);
  const auto cols = csv_fields(t.header);
  const auto col = [&](const char* name) -> size_t {
    for (size_t k = 0; k < cols.size(); ++k)
      if (cols[k] == name) return k;
    throw InputError(path + ": no column '" + std::string(name) + "'");
  };
  const size_t c_year = col("year"), c_kind = col("zone_kind"), c_cover = col("land_cover"), c_soc = col("soc_TgC"),
               c_start = col("soc_start_TgC"), c_area = col("area_ha");
  std::string line;
  long row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty()) continue;
    t.lines.push_back(line);
    const auto f = csv_fields(line);
    if (f.size() != cols.size())
      throw InputError(path + ":" + std::to_string(row) + ": " + std::to_string(f.size()) + " fields, the header has " +
                       std::to_string(cols.size()));
    if (f[c_kind] != "country" || f[c_cover] != "all") continue;
    const int year = std::stoi(f[c_year]);
    if (t.national.empty()) {
      t.first_year = year;
      t.start_TgC = std::stod(f[c_start]);
      t.area_ha = std::stod(f[c_area]);
      t.national.emplace_back(year, t.start_TgC);
    }
    t.national.emplace_back(year + 1.0, std::stod(f[c_soc]));
    t.end_TgC = std::stod(f[c_soc]);
    t.last_year = year;
  }
  if (t.national.empty()) throw InputError(path + ": no national row (zone_kind country, land_cover all)");
  return t;
}


std::string fixed(double v, int decimals) {
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

std::string img(const Canvas& c, const std::string& alt) {
  return "<img class=\"map\" alt=\"" + html_escape(alt) + "\" src=\"data:image/png;base64," + base64(png_bytes(c)) +
         "\">";
}

}  // namespace

void write_model_comparison(const std::string& dir, const std::vector<std::string>& models,
                            const std::string& output_name, bool report) {
  std::vector<ModelTotals> totals;
  for (const auto& m : models) totals.push_back(read_totals(dir + "/" + m + "/totals.csv", m));
  std::string csv = totals.front().header + "\n";
  for (const auto& t : totals) {
    if (t.header != totals.front().header)
      throw InputError(dir + "/" + t.model + "/totals.csv: its columns differ from " + dir + "/" +
                       totals.front().model + "/totals.csv");
    for (const auto& l : t.lines) csv += l + "\n";
  }
  write_output_atomically(dir + "/totals.csv", csv);
  if (!report) return;

  // maps: each model's change, then the mean, the spread and the standard deviation over the models
  std::vector<RasterField> change;
  for (const auto& m : models) change.push_back(read_raster_field(dir + "/" + m + "/" + ReportFiles::change_tif, "the model's report maps are missing"));
  const grids::GridSpec grid = change.front().grid;
  const size_t n = change.front().values.size();
  for (size_t k = 1; k < change.size(); ++k)
    if (change[k].values.size() != n)
      throw InputError(dir + "/" + models[k] + "/" + ReportFiles::change_tif + ": another grid than " + models[0] + "'s");
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> mean(n, nan), spread(n, nan), sd(n, nan);
  for (size_t i = 0; i < n; ++i) {
    double s = 0, s2 = 0, lo = 1e300, hi = -1e300;
    bool all = true;
    for (const auto& f : change) {
      const double v = f.values[i];
      if (!std::isfinite(v)) {
        all = false;
        break;
      }
      s += v, s2 += v * v, lo = std::min(lo, v), hi = std::max(hi, v);
    }
    if (!all) continue;
    const double m = s / change.size();
    mean[i] = static_cast<float>(m);
    spread[i] = static_cast<float>(hi - lo);
    sd[i] = static_cast<float>(std::sqrt(std::max(s2 / change.size() - m * m, 0.0)));
  }
  const int y0 = totals.front().first_year, y1 = totals.front().last_year;
  const std::string period = "1 January " + std::to_string(y0) + " to the end of " + std::to_string(y1);
  write_cog(dir + "/soc_change_model_mean.tif", grid, mean,
            "multi-model mean change of the soil organic carbon stock, " + period, "t ha-1");
  write_cog(dir + "/soc_change_model_spread.tif", grid, spread,
            "multi-model spread (max - min) of the change of the soil organic carbon stock, " + period, "t ha-1");
  write_cog(dir + "/soc_change_model_sd.tif", grid, sd,
            "multi-model standard deviation of the change of the soil organic carbon stock, " + period, "t ha-1");
  const int px = cell_pixels(grid, 600);
  const MapScale change_scale = diverging_scale(mean);
  const Canvas mean_map = map_figure(grid, mean, change_scale, px, "Multi-model mean change, " + period, "t C ha-1");
  const Canvas spread_map =
      map_figure(grid, spread, sequential_scale(spread), px, "Spread of the change (max - min)", "t C ha-1");
  const Canvas sd_map = map_figure(grid, sd, sequential_scale(sd), px, "Standard deviation of the change", "t C ha-1");
  std::vector<ChartLine> lines;
  for (size_t k = 0; k < totals.size(); ++k)
    lines.push_back({totals[k].model, hex_rgb(kModelColours[k % 8]), totals[k].national});
  const Canvas series = line_chart(lines, "France, soil organic carbon, every model", "year", "Tg C");
  write_png(dir + "/map_soc_change_model_mean.png", mean_map);
  write_png(dir + "/map_soc_change_model_spread.png", spread_map);
  write_png(dir + "/series_soc_national_models.png", series);

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<title>alamod: " << models.size() << " models compared</title><style>" << kReportCss
    << "img.map{max-width:100%;height:auto;image-rendering:pixelated;border:1px solid #e1e3e8}"
    << ".maps{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px}"
    << "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}</style></head><body>"
    << "<header><h1>" << models.size() << " models compared on the same grid</h1><p>Soil organic carbon, "
    << html_escape(period) << "; each model's own output, totals and report are in its folder.</p></header>";
  o << "<section><h2>National totals</h2><table><thead><tr><th>model</th><th class=\"num\">start (Tg C)</th>"
    << "<th class=\"num\">end (Tg C)</th><th class=\"num\">change (%)</th><th class=\"num\">rate (per mille per "
    << "year)</th><th>files</th></tr></thead><tbody>";
  for (const auto& t : totals) {
    const double years = t.last_year - t.first_year + 1.0;
    const double pct = 100.0 * (t.end_TgC - t.start_TgC) / t.start_TgC;
    o << "<tr><td>" << html_escape(t.model) << "</td><td class=\"num\">" << fixed(t.start_TgC, 1)
      << "</td><td class=\"num\">" << fixed(t.end_TgC, 1) << "</td><td class=\"num\">" << fixed(pct, 2)
      << "</td><td class=\"num\">" << fixed(10.0 * pct / years, 3) << "</td><td><a href=\"" << html_escape(t.model)
      << "/report.html\">report</a>, <a href=\"" << html_escape(t.model) << "/" << html_escape(output_name)
      << "\">" << html_escape(output_name) << "</a>, <a href=\"" << html_escape(t.model)
      << "/totals.csv\">totals.csv</a></td></tr>";
  }
  o << "</tbody></table>" << img(series, "national series of every model") << "</section>";
  o << "<section><h2>Where the models agree and differ</h2><div class=\"maps\">"
    << img(mean_map, "multi-model mean change") << img(spread_map, "spread of the change")
    << img(sd_map, "standard deviation of the change") << "</div>"
    << "<p>Cells where a model has no value are left out of the mean and the spread. GeoTIFFs: "
    << "soc_change_model_mean.tif, soc_change_model_spread.tif, soc_change_model_sd.tif.</p></section>";
  o << "<section><h2>Each model's change</h2><div class=\"maps\">";
  for (size_t k = 0; k < models.size(); ++k)
    o << img(map_figure(grid, change[k].values, change_scale, px, models[k], "t C ha-1"), models[k] + " change");
  o << "</div><p>Every map on the scale of the multi-model mean.</p></section></body></html>\n";
  write_output_atomically(dir + "/report.html", o.str());
}

}  // namespace alamod::engine
