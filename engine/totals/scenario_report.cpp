// The scenario comparison page and maps (scenario_report.hpp).
#include "engine/totals/scenario_report.hpp"

#include <gdal_priv.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "engine/common/atomic_file.hpp"
#include "engine/common/csv_line.hpp"
#include "engine/common/html_report.hpp"
#include "engine/common/number_format.hpp"
#include "engine/totals/map_image.hpp"
#include "engine/totals/report.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

using namespace html;

const char* const kColours[] = {"#333333", "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d",
                                "#8c564b"};

struct PhaseTotals {
  std::string name;
  std::vector<std::pair<double, double>> national;  ///< (year, Tg C): the start at its year, then each year's end
  double start_TgC = 0, end_TgC = 0, area_ha = 0;
  int first_year = 0, last_year = 0;
  std::map<std::string, std::pair<std::string, double>> region_end;  ///< code -> (name, Tg C at the end)
  std::map<std::string, double> region_area;                         ///< code -> ha (last year)
};

PhaseTotals read_phase(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot be read (the phase " + name + " wrote no totals)");
  PhaseTotals t;
  t.name = name;
  std::string header;
  std::getline(in, header);
  const auto cols = csv_fields(header);
  const auto col = [&](const char* c) -> size_t {
    for (size_t k = 0; k < cols.size(); ++k)
      if (cols[k] == c) return k;
    throw InputError(path + ": no column '" + std::string(c) + "'");
  };
  const size_t c_year = col("year"), c_kind = col("zone_kind"), c_code = col("zone_code"), c_name = col("zone_name"),
               c_cover = col("land_cover"), c_soc = col("soc_TgC"), c_start = col("soc_start_TgC"),
               c_area = col("area_ha");
  std::string line;
  long row = 1;
  std::vector<std::vector<std::string>> regions;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty()) continue;
    const auto f = csv_fields(line);
    if (f.size() != cols.size())
      throw InputError(path + ":" + std::to_string(row) + ": " + std::to_string(f.size()) + " fields, the header has " +
                       std::to_string(cols.size()));
    if (f[c_cover] != "all") continue;
    const int year = std::stoi(f[c_year]);
    if (f[c_kind] == "country") {
      if (t.national.empty()) {
        t.first_year = year;
        t.start_TgC = std::stod(f[c_start]);
        t.national.emplace_back(year, t.start_TgC);
      }
      t.area_ha = std::stod(f[c_area]);
      t.national.emplace_back(year + 1.0, std::stod(f[c_soc]));
      t.end_TgC = std::stod(f[c_soc]);
      t.last_year = year;
    } else if (f[c_kind] == "region") {
      if (year >= t.last_year) {
        t.region_end[f[c_code]] = {f[c_name], std::stod(f[c_soc])};
        t.region_area[f[c_code]] = std::stod(f[c_area]);
      }
    }
  }
  if (t.national.empty()) throw InputError(path + ": no national row (zone_kind country, land_cover all)");
  return t;
}


std::string fixed(double v, int decimals, bool sign = false) {
  char b[64];
  std::snprintf(b, sizeof b, sign ? "%+.*f" : "%.*f", decimals, v);
  return b;
}

std::string img(const Canvas& c, const std::string& alt, const std::string& file) {
  return "<figure class=\"map-card\"><figcaption>" + html_escape(alt) + "</figcaption><img class=\"map\" alt=\"" +
         html_escape(alt) + "\" src=\"data:image/png;base64," + base64(png_bytes(c)) + "\"><p class=\"files\">" +
         html_escape(file) + "</p></figure>";
}

}  // namespace

void write_scenario_comparison(const std::string& dir, const std::vector<std::string>& phases, bool gsocseq_maps) {
  std::vector<PhaseTotals> scen;
  PhaseTotals historical;
  bool has_historical = false;
  for (const auto& p : phases) {
    if (p == "historical") {
      std::ifstream probe(dir + "/historical/totals.csv");
      if (!probe) continue;  // no years before the branch
      historical = read_phase(dir + "/historical/totals.csv", p);
      has_historical = true;
    } else {
      scen.push_back(read_phase(dir + "/" + p + "/totals.csv", p));
    }
  }
  if (scen.empty()) return;
  const PhaseTotals& base = scen.front();
  const int branch = base.first_year, last = base.last_year;
  const double years = last - branch + 1.0;

  // maps: each scenario's end stock minus the baseline's
  const RasterField base_change = read_raster_field(dir + "/" + base.name + "/" + ReportFiles::change_tif, "the scenario's report maps are missing");
  const size_t n = base_change.values.size();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<std::vector<float>> diff;
  std::vector<float> all;
  for (size_t k = 1; k < scen.size(); ++k) {
    const std::string path = dir + "/" + scen[k].name + "/" + ReportFiles::change_tif;
    const RasterField f = read_raster_field(path, "the scenario's report maps are missing");
    if (f.values.size() != n) throw InputError(path + ": another grid than the baseline's");
    std::vector<float> d(n, nan);
    for (size_t i = 0; i < n; ++i)
      if (std::isfinite(f.values[i]) && std::isfinite(base_change.values[i])) d[i] = f.values[i] - base_change.values[i];
    all.insert(all.end(), d.begin(), d.end());
    diff.push_back(std::move(d));
  }
  const std::string period = "end of " + std::to_string(last) + ", scenarios from 1 January " + std::to_string(branch);
  const int px = cell_pixels(base_change.grid, 560);
  const MapScale scale = diverging_scale(all.empty() ? std::vector<float>{0.0f} : all);
  std::vector<std::string> figures;
  for (size_t k = 1; k < scen.size(); ++k) {
    const std::string& name = scen[k].name;
    const std::string tif = "soc_difference_" + name + ".tif", png = "map_soc_difference_" + name + ".png";
    write_cog(dir + "/" + tif, base_change.grid, diff[k - 1],
              "soil organic carbon stock of scenario " + name + " minus the baseline's, " + period, "t ha-1");
    const Canvas map = map_figure(base_change.grid, diff[k - 1], scale, px, name + " minus baseline, " + std::to_string(last), "t C ha-1");
    write_png(dir + "/" + png, map);
    figures.push_back(img(map, name + " minus baseline", png + ", " + tif + " (t C ha-1)"));
  }
  // GSOCseq's rates per pixel (t C ha-1 yr-1 over the years since the branch): ASR of every scenario, RSR of every
  // scenario but the baseline (BAU)
  std::vector<std::string> gsocseq_files;
  if (gsocseq_maps) {
    const std::string since = "from 1 January " + std::to_string(branch) + " to the end of " + std::to_string(last) +
                              " (" + format_number("%g", years) + " years)";
    for (size_t k = 0; k < scen.size(); ++k) {
      const std::string& name = scen[k].name;
      const RasterField f =
          k == 0 ? base_change
                 : read_raster_field(dir + "/" + name + "/" + ReportFiles::change_tif, "the scenario's report maps are missing");
      std::vector<float> asr(n, nan);
      for (size_t i = 0; i < n; ++i)
        if (std::isfinite(f.values[i])) asr[i] = static_cast<float>(static_cast<double>(f.values[i]) / years);
      const std::string asr_tif = "gsocseq_asr_" + name + ".tif";
      write_cog(dir + "/" + asr_tif, base_change.grid, asr,
                "GSOCseq absolute sequestration rate (ASR) of scenario " + name + ": soil organic carbon stock change " +
                    since + " / years, t C ha-1 yr-1",
                "t ha-1 yr-1");
      gsocseq_files.push_back(asr_tif);
      if (k == 0) continue;
      std::vector<float> rsr(n, nan);
      for (size_t i = 0; i < n; ++i)
        if (std::isfinite(diff[k - 1][i])) rsr[i] = static_cast<float>(static_cast<double>(diff[k - 1][i]) / years);
      const std::string rsr_tif = "gsocseq_rsr_" + name + ".tif";
      write_cog(dir + "/" + rsr_tif, base_change.grid, rsr,
                "GSOCseq relative sequestration rate (RSR) of scenario " + name + ": its soil organic carbon stock "
                    "minus the baseline's at the end of " + std::to_string(last) + " / " + format_number("%g", years) +
                    " years since 1 January " + std::to_string(branch) + ", t C ha-1 yr-1",
                "t ha-1 yr-1");
      gsocseq_files.push_back(rsr_tif);
    }
  }
  // the national series
  std::vector<ChartLine> lines;
  if (has_historical) lines.push_back({"historical", hex_rgb(kColours[0]), historical.national});
  for (size_t k = 0; k < scen.size(); ++k)
    lines.push_back({scen[k].name, hex_rgb(kColours[(k + 1) % 9]), scen[k].national});
  const Canvas series = line_chart(lines, "France, soil organic carbon, every scenario", "year", "Tg C");
  write_png(dir + "/series_soc_national_scenarios.png", series);

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    << "<title>alamod: " << scen.size() << " scenarios compared</title><style>" << kReportCss << report_css()
    << "img.series{max-width:100%;height:auto}</style></head><body><main>"
    << "<header><h1>" << scen.size() << " scenarios from " << branch << " to " << last << "</h1><p>Soil organic "
    << "carbon; every scenario starts on 1 January " << branch << " from the same state (the spin-up"
    << (has_historical ? " and the historical years " + std::to_string(historical.first_year) + "-" +
                             std::to_string(branch - 1)
                       : std::string())
    << " computed once). Additional storage is the scenario's stock minus the baseline's, divided by the years "
    << "since the branch (the 4 per 1000 study's and GSOCseq's relative rate). Each scenario's own output, totals "
    << "and report are in its folder.</p></header>";
  o << "<section><h2>National totals</h2><table class=\"zones\" style=\"--cols: minmax(160px,1.6fr) repeat(5, "
       "minmax(90px,1fr)) minmax(200px,2fr)\"><thead><tr><th class=\"text\">scenario</th><th>stock at the end "
       "(Tg C)</th><th>change since " << branch << " (Tg C)</th><th>minus baseline (Tg C)</th><th>additional storage "
       "(t C ha-1 yr-1)</th><th>additional storage (per mille yr-1)</th><th class=\"text\">files</th></tr></thead><tbody>";
  for (const auto& s : scen) {
    const double d = s.end_TgC - base.end_TgC;
    const double rate = s.area_ha > 0 ? d * 1e6 / s.area_ha / years : 0.0;
    const double permil = base.start_TgC > 0 ? 1000.0 * d / base.start_TgC / years : 0.0;
    const std::string cls = d > 0 ? " pos" : d < 0 ? " neg" : "";
    o << "<tr><td class=\"text\">" << html_escape(s.name) << "</td><td>" << fixed(s.end_TgC, 1) << "</td><td>"
      << fixed(s.end_TgC - s.start_TgC, 1, true) << "</td><td class=\"" << cls << "\">" << fixed(d, 2, true)
      << "</td><td class=\"" << cls << "\">" << fixed(rate, 3, true) << "</td><td class=\"" << cls << "\">"
      << fixed(permil, 2, true) << "</td><td class=\"text\"><a href=\"" << html_escape(s.name) << ".nc\">"
      << html_escape(s.name) << ".nc</a>, <a href=\"" << html_escape(s.name) << "/report.html\">report</a></td></tr>";
  }
  o << "</tbody></table><img class=\"series\" alt=\"national series of every scenario\" src=\"data:image/png;base64,"
    << base64(png_bytes(series)) << "\"><p class=\"files\">series_soc_national_scenarios.png</p></section>";
  if (!figures.empty()) {
    o << "<section><h2>Each scenario minus the baseline, " << html_escape(period) << "</h2><div class=\"maps\">";
    for (const auto& f : figures) o << f;
    o << "</div><p>All maps on one scale (t C ha-1 of the cell); cloud-optimised GeoTIFFs beside this page.</p></section>";
  }
  if (!gsocseq_files.empty()) {
    o << "<section><h2>GSOCseq sequestration rates per pixel</h2><p>Absolute (ASR: the stock's change since 1 "
      << "January " << branch << ", per year) and relative (RSR: the stock minus the baseline's, per year) "
      << "sequestration rates of each cell, t C ha-1 yr-1, " << branch << "-" << last
      << " (FAO GSOCseq Technical Manual); their mean over the land cells is totals.csv's national "
      << "gsocseq_asr_t_ha_yr and gsocseq_rsr_t_ha_yr. Cloud-optimised GeoTIFFs beside this page:</p><p class=\"files\">";
    for (size_t k = 0; k < gsocseq_files.size(); ++k) o << (k ? ", " : "") << html_escape(gsocseq_files[k]);
    o << "</p></section>";
  }
  // per région: the additional storage of every scenario
  if (!base.region_end.empty() && scen.size() > 1) {
    std::vector<ReportColumn> cols = {{"Région", true, 0, false}, {"baseline at the end (Tg C)", false, 1, false}};
    for (size_t k = 1; k < scen.size(); ++k) cols.push_back({scen[k].name + " (t C ha-1 yr-1)", false, 3, true});
    std::vector<std::vector<ReportCell>> rows;
    for (const auto& [code, ne] : base.region_end) {
      std::vector<ReportCell> r = {{ne.first, 0}, {fixed(ne.second, 1), ne.second}};
      const double area = base.region_area.at(code);
      for (size_t k = 1; k < scen.size(); ++k) {
        const auto it = scen[k].region_end.find(code);
        const double d = it == scen[k].region_end.end() ? 0.0 : it->second.second - ne.second;
        const double rate = area > 0 ? d * 1e6 / area / years : 0.0;
        r.push_back({fixed(rate, 3, true), rate});
      }
      rows.push_back(r);
    }
    o << "<section><h2>Additional storage per région, " << branch << "-" << last << "</h2>";
    report_sortable_table(o, "scenario-regions", cols, rows, "region");
    o << "<p>Per hectare of the région's simulated land, mean over the years since the branch.</p></section>";
  }
  o << "</main></body></html>\n";
  write_output_atomically(dir + "/scenarios.html", o.str());
}

}  // namespace alamod::engine
