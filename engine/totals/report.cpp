// The run report: DIR/report.html (key figures, maps, national series, sortable tables per zone kind,
// method, provenance), and the same maps and series as PNG files and the maps as GeoTIFF.
#include "engine/totals/report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "engine/common/atomic_file.hpp"
#include "engine/common/html_report.hpp"
#include "engine/common/number_format.hpp"
#include "engine/totals/map_image.hpp"
#include "engine/totals/totals_files.hpp"

namespace alamod::engine {

using namespace html;  // the evaluation report's pieces: engine/common/html_report.hpp

namespace {

/// Okabe-Ito without its yellow (the evaluation report's model colours): land-use classes.
const char* const kPalette[] = {"#d55e00", "#009e73", "#0072b2", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#8c564b"};
constexpr const char* kNationalColour = "#0072b2";

/// Thousands separated by a thin space, `decimals` after the point.
std::string grouped(double v, int decimals) {
  std::string s = fmt_fixed(v, decimals);
  if (s == "n/a") return s;
  const std::size_t start = s[0] == '-' || s[0] == '+' ? 1 : 0;
  std::size_t point = s.find('.');
  if (point == std::string::npos) point = s.size();
  for (std::size_t k = point; k > start + 3; k -= 3) s.insert(k - 3, "\u2009");
  return s;
}

std::string signed_fixed(double v, int decimals) {
  std::string s = grouped(v, decimals);
  return (v > 0 && s != "n/a" && s.find_first_not_of("0.\u2009") != std::string::npos) ? "+" + s : s;
}

const char* kind_title(const std::string& kind) {
  if (kind == "region") return "R\u00e9gions";
  if (kind == "departement") return "D\u00e9partements";
  if (kind == "pedoclimatic_zone") return "Pedo-climatic zones";
  if (kind == "user") return "Your zones";
  return "Zones";
}

const char* kind_singular(const std::string& kind) {
  if (kind == "region") return "R\u00e9gion";
  if (kind == "departement") return "D\u00e9partement";
  if (kind == "pedoclimatic_zone") return "Zone";
  return "Zone";
}

// ---- sortable tables without a script: hidden radio buttons before the table, one per column and
// direction, set by the labels in the header; CSS then orders the rows (flex `order`) by each row's rank
// for that column, given as a custom property on the row.

using Column = ReportColumn;
using TableCell = ReportCell;

void sortable_table(std::ostringstream& o, const std::string& id, const std::vector<Column>& cols,
                    const std::vector<std::vector<TableCell>>& rows, const std::string& kind) {
  const size_t nc = cols.size(), nr = rows.size();
  // rank of each row for each column, ascending
  std::vector<std::vector<size_t>> rank(nc, std::vector<size_t>(nr));
  for (size_t c = 0; c < nc; ++c) {
    std::vector<size_t> order(nr);
    for (size_t r = 0; r < nr; ++r) order[r] = r;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return cols[c].text ? rows[a][c].text < rows[b][c].text : rows[a][c].value < rows[b][c].value;
    });
    for (size_t k = 0; k < nr; ++k) rank[c][order[k]] = k + 1;
  }
  o << "<style>";
  for (size_t c = 0; c < nc; ++c)
    for (const char* dir : {"a", "d"}) {
      const std::string r = id + "-c" + std::to_string(c) + dir;
      o << "#" << r << ":checked~table tbody tr{order:var(--c" << c << dir << ")}"
        << "#" << r << ":checked~table label[for=" << r << "]{background:#0072b2;color:#fff}";
    }
  o << "</style>\n<div class=\"sortable\" data-kind=\"" << html_escape(kind) << "\">";
  o << "<input type=\"radio\" class=\"sort\" name=\"" << id << "\" id=\"" << id << "-none\" checked>";
  for (size_t c = 0; c < nc; ++c)
    for (const char* dir : {"a", "d"})
      o << "<input type=\"radio\" class=\"sort\" name=\"" << id << "\" id=\"" << id << "-c" << c << dir << "\">";
  std::string template_cols = "minmax(190px, 2.2fr)";
  for (size_t c = 1; c < nc; ++c) template_cols += cols[c].text ? " minmax(60px, 0.6fr)" : " minmax(84px, 1fr)";
  o << "<table class=\"zones\" id=\"" << id << "\" style=\"--cols: " << template_cols << "\"><thead><tr>";
  for (size_t c = 0; c < nc; ++c) {
    const std::string r = id + "-c" + std::to_string(c);
    o << "<th" << (cols[c].text ? " class=\"text\"" : "") << "><span class=\"head\">" << html_escape(cols[c].label)
      << "</span><span class=\"sorters\"><label for=\"" << r << "d\" title=\"sort descending\">\u25bc</label><label for=\""
      << r << "a\" title=\"sort ascending\">\u25b2</label></span></th>";
  }
  o << "</tr></thead><tbody>\n";
  for (size_t r = 0; r < nr; ++r) {
    o << "<tr style=\"";
    for (size_t c = 0; c < nc; ++c) o << "--c" << c << "a:" << rank[c][r] << ";--c" << c << "d:" << nr + 1 - rank[c][r] << ";";
    o << "\">";
    for (size_t c = 0; c < nc; ++c) {
      std::string cls = cols[c].text ? "text" : "";
      if (cols[c].sign && rows[r][c].value < 0) cls += " neg";
      if (cols[c].sign && rows[r][c].value > 0) cls += " pos";
      o << "<td" << (cls.empty() ? "" : " class=\"" + cls + "\"") << (cols[c].text ? "" : " data-value=\"" + shortest_number(rows[r][c].value) + "\"")
        << ">" << html_escape(rows[r][c].text) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody></table></div>\n";
}

/// The columns of a zone table and one row of a zone.
std::vector<Column> zone_columns(const std::string& first, int y0, int y1) {
  const std::string a = std::to_string(y0), b = std::to_string(y1);
  return {{first, true},
          {"code", true},
          {"area (kha)", false, 1},
          {"stock " + a + " (Tg C)", false, 2},
          {"stock " + b + " (Tg C)", false, 2},
          {"change (Tg C)", false, 2, true},
          {"change (%)", false, 2, true},
          {"rate (\u2030 yr-1)", false, 3, true},
          {"density " + a + " (t C ha-1)", false, 1},
          {"density " + b + " (t C ha-1)", false, 1},
          {"GSOCseq ASR (t C ha-1 yr-1)", false, 3, true}};
}

std::vector<TableCell> zone_row(const TotalsTable& t, const TotalsRow& row, const std::string& first) {
  const int last = t.years() - 1;
  const TotalsChange c = totals_change(t, row, last);
  const double v[] = {row.area_ha / 1e3, row.start_TgC, row.TgC.back(), c.change_TgC, c.change_pct,
                      c.rate_per_mille_yr, row.start_t_ha, row.t_ha.back(), c.asr_t_ha_yr};
  const int dec[] = {1, 2, 2, 2, 2, 3, 1, 1, 3};
  const bool sign[] = {false, false, false, true, true, true, false, false, true};
  std::vector<TableCell> cells = {{first, 0}, {row.code, 0}};
  for (int k = 0; k < 9; ++k) cells.push_back({sign[k] ? signed_fixed(v[k], dec[k]) : grouped(v[k], dec[k]), v[k]});
  return cells;
}

// ---- the colour bar beside a map (SVG: crisp text)

void colour_bar(std::ostringstream& o, const MapScale& s, const std::string& units, const std::string& which) {
  const double W = 96, H = 360, bx = 8, bw = 20, top = 14, bottom = H - 46;
  o << "<svg class=\"colour-bar\" data-map=\"" << which << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
    << px(W) << " " << px(H) << "\" width=\"" << px(W) << "\" height=\"" << px(H) << "\" role=\"img\"><title>"
    << html_escape("colour scale, " + units) << "</title>";
  const int steps = 64;
  for (int k = 0; k < steps; ++k) {
    const double y = top + (bottom - top) * k / steps;
    const double v = s.hi - (s.hi - s.lo) * (k + 0.5) / steps;
    o << "<rect x=\"" << px(bx) << "\" y=\"" << px(y) << "\" width=\"" << px(bw) << "\" height=\""
      << px((bottom - top) / steps + 0.6) << "\" fill=\"" << rgb_hex(s.at(v)) << "\"/>";
  }
  o << "<rect x=\"" << px(bx) << "\" y=\"" << px(top) << "\" width=\"" << px(bw) << "\" height=\"" << px(bottom - top)
    << "\" fill=\"none\" stroke=\"#555\"/><g font-size=\"12\" fill=\"#222\">";
  for (const double t : s.ticks.ticks) {
    if (t < s.lo - 1e-9 || t > s.hi + 1e-9) continue;
    const double y = top + (s.hi - t) / (s.hi - s.lo) * (bottom - top);
    o << "<line x1=\"" << px(bx + bw) << "\" y1=\"" << px(y) << "\" x2=\"" << px(bx + bw + 5) << "\" y2=\"" << px(y)
      << "\" stroke=\"#555\"/><text class=\"tick\" x=\"" << px(bx + bw + 8) << "\" y=\"" << px(y + 4) << "\">"
      << fmt_fixed(t, s.ticks.decimals) << "</text>";
  }
  o << "<text class=\"units\" x=\"" << px(bx) << "\" y=\"" << px(H - 22) << "\" font-size=\"12.5\">" << html_escape(units)
    << "</text></g></svg>";
}

/// A field on a grid `factor` times coarser: the mean of each block's values (NaN where it has none).
std::pair<grids::GridSpec, std::vector<float>> coarsened(const grids::GridSpec& grid, const std::vector<float>& values,
                                                         int factor) {
  grids::GridSpec g = grid;
  g.nx = (grid.nx + factor - 1) / factor;
  g.ny = (grid.ny + factor - 1) / factor;
  g.resolution = grid.resolution * factor;
  std::vector<double> sum(static_cast<size_t>(g.cells()), 0.0);
  std::vector<int> n(sum.size(), 0);
  for (int r = 0; r < grid.ny; ++r)
    for (int c = 0; c < grid.nx; ++c) {
      const float v = values[static_cast<size_t>(r) * static_cast<size_t>(grid.nx) + static_cast<size_t>(c)];
      if (!std::isfinite(v)) continue;
      const size_t k = static_cast<size_t>(r / factor) * static_cast<size_t>(g.nx) + static_cast<size_t>(c / factor);
      sum[k] += v;
      ++n[k];
    }
  std::vector<float> out(sum.size(), std::numeric_limits<float>::quiet_NaN());
  for (size_t k = 0; k < out.size(); ++k)
    if (n[k] > 0) out[k] = static_cast<float>(sum[k] / n[k]);
  return {g, out};
}

void map_card(std::ostringstream& o, const std::string& which, const std::string& caption, const std::string& units,
              const ReportMaps& maps, const std::vector<float>& values, const MapScale& scale, int target_px,
              const std::string& png_file, const std::string& tif_file) {
  // about target_px wide: whole cells of several pixels on coarse grids, block means on fine ones
  const int factor = std::max(1, (maps.grid.nx + target_px - 1) / target_px);
  const Canvas map = factor > 1 ? [&] {
    const auto [g, v] = coarsened(maps.grid, values, factor);
    return map_canvas(g, v, scale, 1);
  }()
                                : map_canvas(maps.grid, values, scale, cell_pixels(maps.grid, target_px));
  o << "<figure class=\"map-card\"><figcaption>" << html_escape(caption) << "</figcaption><div class=\"map-with-bar\">"
    << "<img class=\"map\" data-map=\"" << which << "\" width=\"" << map.width() << "\" height=\"" << map.height()
    << "\" alt=\"" << html_escape("map: " + caption + " (" + units + ")") << (factor > 1 ? "\" data-coarsened=\"" + std::to_string(factor) : std::string()) << "\" src=\"data:image/png;base64,"
    << base64(png_bytes(map)) << "\">";
  colour_bar(o, scale, units, which);
  o << "</div><p class=\"files\">" << (factor > 1 ? "Shown as means of " + std::to_string(factor) + " \u00d7 " +
                                                        std::to_string(factor) + " cells; every cell in " : std::string())
    << html_escape(png_file) << " (with its legend) and " << html_escape(tif_file) << " (GeoTIFF, "
    << html_escape(maps.grid.crs) << ")</p></figure>\n";
}

// ---- the series

/// A shaded band under a line of series_plot: the area between `lo` and `hi` (the same x values).
struct SeriesBand {
  std::string label;
  Rgb colour;
  std::vector<std::pair<double, double>> lo, hi;
};

void series_plot(std::ostringstream& o, const std::string& cls, const std::string& title,
                 const std::vector<ChartLine>& lines, const std::string& ylabel, int clip_id,
                 const std::vector<SeriesBand>& bands = {}) {
  Range xr, yr;
  for (const auto& l : lines)
    for (const auto& [x, y] : l.xy) {
      xr.add(x);
      yr.add(y);
    }
  for (const auto& b : bands)
    for (const auto* side : {&b.lo, &b.hi})
      for (const auto& [x, y] : *side) {
        xr.add(x);
        yr.add(y);
      }
  std::vector<LegendItem> legend;
  for (const auto& l : lines) legend.push_back({l.label, rgb_hex(l.colour), LegendItem::Line});
  for (const auto& b : bands) legend.push_back({b.label, rgb_hex(b.colour), LegendItem::Band});
  const double W = 640, left = 78, right = 18, top = 14, plot_h = 300;
  const double plot_w = W - left - right, legend_top = top + plot_h + 52;
  const double H = legend_top + legend_height(legend, plot_w) + 6;
  AxisTicks xt = ticks_for(xr, 8);
  if (xt.step < 1.0) {  // years: whole ones
    xt.ticks.clear();
    for (double t = std::ceil(xt.lo); t <= xt.hi; t += 1.0) xt.ticks.push_back(t);
    xt.step = 1.0;
    xt.decimals = 0;
  }
  const Frame f{left, top, plot_w, plot_h, xt, ticks_for(yr, 6)};
  o << "<figure class=\"plot-card\"><figcaption>" << html_escape(title) << "</figcaption>\n<svg class=\"plot " << cls
    << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << px(W) << " " << px(H) << "\" width=\"" << px(W)
    << "\" height=\"" << px(H) << "\" role=\"img\"><title>" << html_escape(title) << "</title><defs><clipPath id=\"clip"
    << clip_id << "\"><rect x=\"" << px(f.left) << "\" y=\"" << px(f.top) << "\" width=\"" << px(f.width)
    << "\" height=\"" << px(f.height) << "\"/></clipPath></defs>";
  draw_axes(o, f, "year", ylabel);
  for (const auto& b : bands) {  // below the lines: lo forwards, hi backwards, closed
    std::vector<std::pair<double, double>> ring(b.lo);
    ring.insert(ring.end(), b.hi.rbegin(), b.hi.rend());
    o << "<path class=\"band\" data-band=\"" << html_escape(b.label) << "\" clip-path=\"url(#clip" << clip_id
      << ")\" d=\"" << path_data(f, ring) << " Z\" fill=\"" << rgb_hex(b.colour)
      << "\" fill-opacity=\"0.28\" stroke=\"none\"><title>" << html_escape(b.label) << "</title></path>";
  }
  o << "<g class=\"series-lines\" clip-path=\"url(#clip" << clip_id << ")\" fill=\"none\" stroke-linejoin=\"round\">";
  for (const auto& l : lines) {
    o << "<path class=\"series\" data-series=\"" << html_escape(l.label) << "\" d=\"" << path_data(f, l.xy)
      << "\" stroke=\"" << rgb_hex(l.colour) << "\" stroke-width=\"2.2\"><title>" << html_escape(l.label) << "</title></path>";
  }
  o << "</g>";
  draw_legend(o, legend, left, legend_top, plot_w);
  o << "</svg></figure>\n";
}

const char* kTotalsCss = R"CSS(
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 12px; }
.figure-card { border: 1px solid #e1e3e8; border-radius: 8px; padding: 12px 14px; background: #fff; }
.figure-card .label { color: #555; font-size: 13px; }
.figure-card .value { font-size: 27px; font-weight: 650; margin: 2px 0; font-variant-numeric: tabular-nums; }
.figure-card .sub { color: #444; font-size: 13px; }
.figure-card .value.neg, td.neg { color: #8c510a; }
.figure-card .value.pos, td.pos { color: #01665e; }
.maps { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px 18px; }
figure.map-card { margin: 0; padding: 10px 12px 6px; border: 1px solid #eceef1; border-radius: 6px; }
figure.map-card figcaption { font-weight: 600; font-size: 14.5px; margin: 0 0 6px 2px; }
.map-with-bar { display: flex; align-items: flex-start; gap: 6px; }
img.map { display: block; max-width: calc(100% - 104px); height: auto; image-rendering: pixelated; border: 1px solid #e1e3e8; }
svg.colour-bar { flex: none; }
p.files { color: #666; font-size: 12px; margin: 6px 0 2px; }
.sortable { position: relative; overflow-x: auto; }
.sortable input.sort { position: absolute; opacity: 0; width: 0; height: 0; pointer-events: none; }
table.zones { border-collapse: collapse; width: 100%; min-width: 980px; font-variant-numeric: tabular-nums; font-size: 13px; }
table.zones tr { display: grid; grid-template-columns: var(--cols); }
table.zones tbody { display: flex; flex-direction: column; }
table.zones th, table.zones td { padding: 5px 8px; border-bottom: 1px solid #eceef1; text-align: right; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
table.zones thead th { background: #f2f4f7; border-bottom: 2px solid #d5d9e0; font-weight: 600; white-space: normal; }
table.zones th.text, table.zones td.text { text-align: left; }
table.zones tbody tr:hover { background: #f7fafd; }
.sorters { display: inline-flex; gap: 2px; margin-left: 4px; vertical-align: middle; }
.sorters label { cursor: pointer; color: #0072b2; font-size: 10px; line-height: 1; padding: 2px 3px; border-radius: 3px;
  border: 1px solid #cfd8e3; background: #fff; }
dl.method dt { font-weight: 600; margin-top: 8px; }
dl.method dd { margin: 2px 0 0 18px; color: #333; }
)CSS";

}  // namespace

void report_sortable_table(std::ostringstream& o, const std::string& id, const std::vector<ReportColumn>& cols,
                           const std::vector<std::vector<ReportCell>>& rows, const std::string& kind) {
  sortable_table(o, id, cols, rows, kind);
}

const char* report_css() { return kTotalsCss; }

void write_ensemble_report(const std::string& dir, const EnsembleReport& e) {
  const std::string title = "Parameter ensemble of " + e.model + ": " + std::to_string(e.members) + " members";
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "img-src data:\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << html_escape(title)
    << "</title>\n<style>" << kReportCss << kTotalsCss << "</style>\n</head>\n<body>\n<main>\n";
  o << "<header><h1>" << html_escape(title) << "</h1><p class=\"summary\">" << html_escape(e.description)
    << "</p></header>\n";
  int clip = 1;
  for (const auto& s : e.series) {
    if (s.year.empty()) continue;
    const Rgb colour = hex_rgb(kNationalColour);
    ChartLine median{s.zone + ", median of " + std::to_string(e.members) + " members", colour, {}};
    SeriesBand band{"5\u201395 % of the members", colour, {}, {}};
    for (size_t k = 0; k < s.year.size(); ++k) {
      median.xy.emplace_back(s.year[k], s.p50[k]);
      band.lo.emplace_back(s.year[k], s.p05[k]);
      band.hi.emplace_back(s.year[k], s.p95[k]);
    }
    o << "<section id=\"series-" << html_escape(s.scenario) << "\"><h2>" << html_escape(s.zone) << ", scenario "
      << html_escape(s.scenario) << "</h2><p class=\"note\">The median over the members of the soil organic carbon "
      << "stock (" << html_escape(s.depth) << ") on 1 January of the first year and at the end of each year (placed at 1 "
      << "January of the next), the band shaded between the 5 and 95 % quantiles (linear interpolation between order "
      << "statistics; totals_quantiles.csv). At the end: " << fmt_fixed(s.p50.back(), 1) << " Tg C, 5\u201395 % "
      << fmt_fixed(s.p05.back(), 1) << "\u2013" << fmt_fixed(s.p95.back(), 1) << " Tg C.</p><div class=\"plots\">\n";
    series_plot(o, "timeseries national ensemble", s.zone + ": soil organic carbon stock, " + s.scenario, {median},
                "stock (Tg C)", clip++, {band});
    o << "</div></section>\n";
  }
  o << "<section id=\"members\"><h2>Members</h2><p class=\"note\">Each member's own report, maps and totals: ";
  for (size_t k = 0; k < e.member_dirs.size(); ++k)
    o << (k ? ", " : "") << "<a href=\"" << html_escape(e.member_dirs[k]) << "/report.html\">"
      << html_escape(e.member_dirs[k]) << "</a>";
  o << ". Their parameters: ensemble_parameters.csv.</p></section>\n</main>\n</body>\n</html>\n";
  write_output_atomically(dir + "/" + ReportFiles::html, o.str());
}

void write_report(const std::string& dir, const TotalsTable& table, const ReportMaps& maps,
                  const std::string& provenance, const TotalsTable* biomass) {
  if (biomass && (biomass->rows.empty() || biomass->years() != table.years())) biomass = nullptr;
  const TotalsRow& fr = table.national();
  const int y0 = table.first_year, last = table.years() - 1, y1 = table.first_year + last;
  const TotalsChange ch = totals_change(table, fr, last);
  const std::string depth = "0\u2013" + shortest_number(table.depth_cm) + " cm";
  const std::string start_label = "1 January " + std::to_string(y0);
  const std::string end_label = "end of " + std::to_string(y1);
  const double cell_km = maps.grid.resolution / 1000.0;
  long long land = 0;
  for (const float v : maps.start) land += std::isfinite(v) ? 1 : 0;

  // ---- pictures
  const MapScale start_scale = sequential_scale(maps.start), change_scale = diverging_scale(maps.change);
  const int file_px = cell_pixels(maps.grid, 900);
  const std::string start_caption = "Soil organic carbon on " + start_label + " (" + depth + ")";
  const std::string change_caption = "Change from " + start_label + " to the " + end_label;
  write_png(dir + "/" + ReportFiles::start_png,
            map_figure(maps.grid, maps.start, start_scale, file_px, start_caption, "t C ha-1"));
  write_png(dir + "/" + ReportFiles::change_png,
            map_figure(maps.grid, maps.change, change_scale, file_px, change_caption, "t C ha-1"));
  write_cog(dir + "/" + ReportFiles::start_tif, maps.grid, maps.start,
            "soil organic carbon stock, " + depth + ", on " + start_label, "t ha-1");
  write_cog(dir + "/" + ReportFiles::change_tif, maps.grid, maps.change,
            "change of the soil organic carbon stock, " + depth + ", from " + start_label + " to the " + end_label,
            "t ha-1");
  std::vector<ChartLine> national = {{fr.name + ", " + table.model + ", " + table.scenario, hex_rgb(kNationalColour), {}}};
  national[0].xy.emplace_back(y0, fr.start_TgC);
  for (int y = 0; y <= last; ++y) national[0].xy.emplace_back(y0 + y + 1.0, fr.TgC[static_cast<size_t>(y)]);
  std::vector<ChartLine> by_class;
  for (const auto& row : table.rows)
    if (row.kind == fr.kind && row.land_cover != "all") {
      ChartLine l{row.land_cover, hex_rgb(kPalette[by_class.size() % 8]), {}};
      l.xy.emplace_back(y0, row.start_t_ha);
      for (int y = 0; y <= last; ++y) l.xy.emplace_back(y0 + y + 1.0, row.t_ha[static_cast<size_t>(y)]);
      by_class.push_back(std::move(l));
    }
  const std::string series_title = fr.name + ": soil organic carbon stock (" + depth + ")";
  // with vegetation: the living biomass (cVeg) beside the soil, national, Tg C
  std::vector<ChartLine> both;
  const std::string both_title = fr.name + ": carbon in soil (" + depth + ") and in living vegetation";
  if (biomass) {
    const TotalsRow& bf = biomass->national();
    both.push_back({"soil organic carbon", hex_rgb(kPalette[0]), national[0].xy});
    ChartLine v{"living vegetation (cVeg)", hex_rgb(kPalette[1]), {}};
    v.xy.emplace_back(y0, bf.start_TgC);
    for (int y = 0; y <= last; ++y) v.xy.emplace_back(y0 + y + 1.0, bf.TgC[static_cast<size_t>(y)]);
    both.push_back(std::move(v));
    write_png(dir + "/" + ReportFiles::biomass_series_png, line_chart(both, both_title, "year", "Tg C"));
  }
  write_png(dir + "/" + ReportFiles::series_png, line_chart(national, series_title, "year", "Tg C"));
  write_png(dir + "/" + ReportFiles::class_series_png,
            line_chart(by_class, fr.name + ": mean stock per hectare by land use", "year", "t C ha-1"));

  // ---- the page
  std::ostringstream o;
  const std::string title = "Soil organic carbon of " + fr.name + ", " + std::to_string(y0) + "\u2013" + std::to_string(y1);
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "img-src data:\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << html_escape(title)
    << "</title>\n<style>" << kReportCss << kTotalsCss << "</style>\n</head>\n<body>\n<main>\n";
  o << "<header><h1>" << html_escape(title) << "</h1><p class=\"summary\">" << html_escape(table.model)
    << " \u00b7 scenario " << html_escape(table.scenario) << " \u00b7 " << depth << " \u00b7 " << grouped(double(land), 0)
    << " land cells of " << shortest_number(cell_km) << " km (" << html_escape(maps.grid.crs)
    << ") \u00b7 stocks as stored in the run's output, summed exactly</p></header>\n";

  o << "<section id=\"key-figures\"><div class=\"figures\">"
    << "<div class=\"figure-card\"><div class=\"label\">Stock on " << start_label << "</div><div class=\"value\">"
    << grouped(fr.start_TgC, 0) << " Tg C</div><div class=\"sub\">" << fmt_fixed(fr.start_t_ha, 1)
    << " t C ha-1 over " << fmt_fixed(fr.area_ha / 1e6, 2) << " Mha</div></div>"
    << "<div class=\"figure-card\"><div class=\"label\">Stock at the " << end_label << "</div><div class=\"value\">"
    << grouped(fr.TgC.back(), 0) << " Tg C</div><div class=\"sub\">" << fmt_fixed(fr.t_ha.back(), 1)
    << " t C ha-1</div></div>"
    << "<div class=\"figure-card\"><div class=\"label\">Change over " << last + 1 << " years</div><div class=\"value "
    << (ch.change_TgC < 0 ? "neg" : "pos") << "\">" << signed_fixed(ch.change_TgC, 0) << " Tg C</div><div class=\"sub\">"
    << signed_fixed(ch.change_pct, 2) << " % of the start stock</div></div>"
    << "<div class=\"figure-card\"><div class=\"label\">Yearly rate (the 4 per 1000 measure)</div><div class=\"value "
    << (ch.rate_per_mille_yr < 0 ? "neg" : "pos") << "\">" << signed_fixed(ch.rate_per_mille_yr, 2)
    << " \u2030 yr-1</div><div class=\"sub\">of the start stock; GSOCseq absolute rate "
    << signed_fixed(ch.asr_t_ha_yr, 3) << " t C ha-1 yr-1</div></div>";
  if (biomass) {
    const TotalsRow& bf = biomass->national();
    const double change = bf.TgC.back() - bf.start_TgC;
    o << "<div class=\"figure-card\" id=\"biomass-figure\"><div class=\"label\">Living vegetation (cVeg)</div>"
      << "<div class=\"value\">" << grouped(bf.start_TgC, 0) << " \u2192 " << grouped(bf.TgC.back(), 0)
      << " Tg C</div><div class=\"sub\">" << signed_fixed(change, 1) << " Tg C over " << last + 1
      << " years; soil and vegetation " << grouped(fr.TgC.back() + bf.TgC.back(), 0) << " Tg C at the " << end_label
      << "</div></div>";
  }
  o << "</div></section>\n";

  o << "<section id=\"maps\"><h2>Maps</h2><div class=\"maps\">\n";
  map_card(o, "start", start_caption, "t C ha-1", maps, maps.start, start_scale, 620, ReportFiles::start_png,
           ReportFiles::start_tif);
  map_card(o, "change", change_caption, "t C ha-1", maps, maps.change, change_scale, 620, ReportFiles::change_png,
           ReportFiles::change_tif);
  o << "</div><p class=\"note\">Colour scales span the 2nd to 98th percentile of the land cells (values beyond take the "
       "end colours); grey: outside the land mask. Brown: loss, blue-green: gain.</p></section>\n";

  o << "<section id=\"series\"><h2>National series</h2><p class=\"note\">The start (" << start_label
    << ") and the stock at the end of each year, placed at 1 January of the next year. Also as "
    << ReportFiles::series_png << " and " << ReportFiles::class_series_png << ".</p><div class=\"plots\">\n";
  series_plot(o, "timeseries national", series_title, national, "stock (Tg C)", 1);
  series_plot(o, "timeseries land-use", fr.name + ": mean stock per hectare by land use", by_class, "stock (t C ha-1)", 2);
  if (biomass) series_plot(o, "timeseries biomass", both_title, both, "stock (Tg C)", 3);
  o << "</div></section>\n";
  if (biomass) {
    // per land-use class: soil and living biomass, start and end (the class rows of both tables, matched by name)
    std::vector<ReportColumn> cols = {{"land use", true, 0, false},
                                      {"area (Mha)", false, 2, false},
                                      {"soil " + start_label + " (Tg C)", false, 1, false},
                                      {"soil " + end_label + " (Tg C)", false, 1, false},
                                      {"soil change (Tg C)", false, 1, true},
                                      {"vegetation " + start_label + " (Tg C)", false, 1, false},
                                      {"vegetation " + end_label + " (Tg C)", false, 1, false},
                                      {"vegetation change (Tg C)", false, 1, true},
                                      {"vegetation " + end_label + " (t C ha-1)", false, 1, false}};
    std::vector<std::vector<ReportCell>> rows;
    for (const auto& row : table.rows) {
      if (row.kind != fr.kind) continue;
      const TotalsRow* b = nullptr;
      for (const auto& r : biomass->rows)
        if (r.kind == fr.kind && r.land_cover == row.land_cover) b = &r;
      const double b0 = b ? b->start_TgC : 0.0, b1 = b ? b->TgC.back() : 0.0, bh = b ? b->t_ha.back() : 0.0;
      auto num = [](double v, int d) { return ReportCell{fmt_fixed(v, d), v}; };
      rows.push_back({{row.land_cover, 0}, num(row.area_ha / 1e6, 2), num(row.start_TgC, 1), num(row.TgC.back(), 1),
                      {signed_fixed(row.TgC.back() - row.start_TgC, 1), row.TgC.back() - row.start_TgC},
                      num(b0, 1), num(b1, 1), {signed_fixed(b1 - b0, 1), b1 - b0}, num(bh, 1)});
    }
    o << "<section id=\"biomass\"><h2>Living biomass and soil by land-use class</h2><p class=\"note\">" << html_escape(fr.name)
      << ": the vegetation's carbon (cVeg: stems, branches, foliage, roots; grass and crop shoots and roots) beside the soil's, per land-use class; "
         "every zone and year in biomass_totals.csv (and " << ReportFiles::biomass_series_png << ").</p>";
    report_sortable_table(o, "t-biomass", cols, rows, "biomass");
    o << "</section>\n";
  }

  // tables: every zone kind but the country, in the table's order, then the land-use classes
  std::vector<std::string> kinds;
  for (const auto& row : table.rows)
    if (row.kind != fr.kind && std::find(kinds.begin(), kinds.end(), row.kind) == kinds.end()) kinds.push_back(row.kind);
  for (const auto& kind : kinds) {
    std::vector<std::vector<TableCell>> rows;
    for (const auto& row : table.rows)
      if (row.kind == kind && row.land_cover == "all") rows.push_back(zone_row(table, row, row.name));
    o << "<section id=\"" << kind << "\"><h2>" << kind_title(kind) << "</h2><p class=\"note\">" << rows.size()
      << " zones, every land cover; sort with \u25bc \u25b2 in the header. Per land-use class: totals.csv.</p>";
    sortable_table(o, "t-" + kind, zone_columns(kind_singular(kind), y0, y1), rows, kind);
    o << "</section>\n";
  }
  {
    std::vector<std::vector<TableCell>> rows;
    for (const auto& row : table.rows)
      if (row.kind == fr.kind) rows.push_back(zone_row(table, row, row.land_cover));
    o << "<section id=\"land-use\"><h2>Land-use classes</h2><p class=\"note\">" << html_escape(fr.name)
      << " by the dominant land-use class of each cell (inputs.land_use).</p>";
    sortable_table(o, "t-land-use", zone_columns("land use", y0, y1), rows, "land_use");
    o << "</section>\n";
  }

  o << "<section id=\"method\"><h2>How these numbers are made</h2><dl class=\"method\">"
       "<dt>Stocks</dt><dd>Each land cell's soil organic carbon as the run's output stores it (cSoil at the end of each "
       "year; the start is cSoilInitial, the state on " << start_label << " after the spin-up), times the cell's area, "
       "summed over the zone: Tg C = sum(t C ha-1 \u00d7 ha) / 10<sup>6</sup>. Mean densities are the stock over the area.</dd>"
       "<dt>Areas</dt><dd>The projected area of the run grid's cells (" << shortest_number(cell_km) << " \u00d7 "
    << shortest_number(cell_km) << " km = " << grouped(table.cell_area_ha, 0) << " ha in " << html_escape(maps.grid.crs)
    << "), not the area on the ellipsoid: Lambert-93's scale error changes areas by about \u22120.2 % to +0.6 % over "
       "France. Zones are taken by the cell centre (rasters of codes); vector zones by the share of each cell's sub-cells.</dd>"
       "<dt>Rates</dt><dd>Change since the start, in Tg C and % of the start stock; the 4 per 1000 measure is the "
       "mean yearly change in per mille of the start stock; the GSOCseq absolute sequestration rate is the change of "
       "the mean density per year (t C ha-1 yr-1).</dd>"
       "<dt>Exact sums</dt><dd>Each cell's stock is rounded to a multiple of 2<sup>\u221250</sup> t ha-1 and the "
       "integers are added in 128 bits: the totals are the same bits on any number of ranks, after a restart, and "
       "from <code>alamod summarize</code>. The zone totals add up to the national total to rounding.</dd>"
       "<dt>Files</dt><dd>totals.csv (every zone, land-use class and year), totals.nc (CF, a region dimension), "
       << ReportFiles::start_png << ", " << ReportFiles::change_png << ", " << ReportFiles::series_png << ", "
    << ReportFiles::class_series_png << ", " << ReportFiles::start_tif << ", " << ReportFiles::change_tif
    << ".</dd></dl></section>\n";
  o << "<section id=\"provenance\"><h2>Provenance</h2><pre class=\"provenance\">" << html_escape(provenance)
    << "</pre></section>\n";
  o << "<footer>Self-contained report written by alamod: no scripts, no external resources.</footer>\n"
    << "</main>\n</body>\n</html>\n";
  write_output_atomically(dir + "/" + ReportFiles::html, o.str());
}

}  // namespace alamod::engine
