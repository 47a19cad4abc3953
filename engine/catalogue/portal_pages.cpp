// The portal people browse: index.html (search and filters in an inline script, the map of the sites on
// the outline of the boundary mask, the grid runs), a page per site and a page per grid run. Each page is
// also the dataset's landing page and embeds its schema.org JSON-LD. Inline CSS, SVG and script only:
// nothing is fetched (Content-Security-Policy default-src 'none'; images from the folder itself).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "engine/catalogue/catalogue.hpp"
#include "engine/catalogue/json_out.hpp"
#include "engine/common/html_report.hpp"
#include "engine/site/site_text.hpp"

namespace fs = std::filesystem;

namespace alamod::engine {

namespace {

using html::fmt_fixed;
using html::px;

const char* const kPortalCss = R"CSS(
div.sim-plots { display: flex; flex-wrap: wrap; gap: 14px; }
div.sim-plots figure.plot-card { margin: 0; }
div.sim-plots figcaption { font-weight: 600; font-size: 14px; margin: 0 0 4px; }
nav.crumbs { font-size: 13px; margin: 0 0 10px; color: #555; }
nav.crumbs a, a { color: #0062a3; text-decoration: none; }
a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: minmax(380px, 560px) 1fr; gap: 18px; align-items: start; }
.layout.site { grid-template-columns: 1fr 400px; }
@media (max-width: 1000px) { .layout, .layout.site { grid-template-columns: 1fr; } }
form.filters { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: end; margin: 0 0 4px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: #444; gap: 3px; }
form.filters input, form.filters select { font: inherit; padding: 6px 8px; border: 1px solid #c9ced6; border-radius: 6px;
  background: #fff; min-width: 120px; }
form.filters input[type=search] { min-width: 260px; }
form.filters input[type=number] { width: 90px; min-width: 0; }
p.count { margin: 8px 0 0; color: #333; font-weight: 600; }
ul.sites { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
ul.sites li { border: 1px solid #e1e3e8; border-left: 4px solid #0072b2; border-radius: 6px; padding: 9px 12px; background: #fff; }
ul.sites li[hidden] { display: none; }
ul.sites li h3 { font-size: 15px; margin: 0 0 3px; }
ul.sites li p { margin: 0; font-size: 12.5px; color: #555; }
.tag { display: inline-block; font-size: 11.5px; background: #eef3f8; color: #264d73; border-radius: 10px; padding: 1px 8px; margin: 3px 4px 0 0; }
svg.map { background: #eaf2f8; border: 1px solid #d8e0e8; border-radius: 6px; }
svg.map .land { fill: #d9d4c7; stroke: #d9d4c7; stroke-width: 0.6; }
svg.map circle.site { fill: #d55e00; stroke: #fff; stroke-width: 1.5; }
svg.map a.dim circle.site { fill: #b9b9b9; }
svg.map text { font-size: 11px; fill: #333; paint-order: stroke; stroke: #eaf2f8; stroke-width: 3px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; font-size: 13.5px; }
dl.facts dt { color: #555; }
dl.facts dd { margin: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 12px; margin: 0 0 6px; }
.card { border: 1px solid #e1e3e8; border-radius: 8px; padding: 10px 14px; background: #fafbfc; }
.card .v { font-size: 22px; font-weight: 650; }
.card .k { font-size: 12px; color: #555; }
figure.map-image { margin: 0; }
figure.map-image img { max-width: 100%; height: auto; border: 1px solid #e1e3e8; border-radius: 6px; }
.two { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 14px; }
blockquote.citation { margin: 6px 0 0; padding: 8px 12px; background: #f7f8fa; border-left: 3px solid #999; font-size: 13px; }
ul.downloads { columns: 2; font-size: 13.5px; }
)CSS";

const char* const kSearchScript = R"JS(
(function () {
  var form = document.getElementById('filters');
  var items = Array.prototype.slice.call(document.querySelectorAll('ul.sites li'));
  var marks = Array.prototype.slice.call(document.querySelectorAll('svg.map a.site-mark'));
  var count = document.getElementById('count');
  function norm(s) { return (s || '').toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''); }
  function apply() {
    var q = norm(form.q.value).split(/\s+/).filter(Boolean);
    var net = form.network.value, lu = form.landuse.value, v = form.variable.value;
    var from = parseInt(form.from.value, 10), to = parseInt(form.to.value, 10);
    var shown = {}, n = 0;
    items.forEach(function (li) {
      var d = li.dataset, text = norm(d.id + ' ' + d.name + ' ' + d.network + ' ' + d.landuse + ' ' + d.country);
      var ok = q.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!net || d.network === net) && (!lu || d.landuse === lu) &&
        (!v || (' ' + d.variables + ' ').indexOf(' ' + v + ' ') >= 0) &&
        (isNaN(from) || +d.to >= from) && (isNaN(to) || +d.from <= to);
      li.hidden = !ok;
      if (ok) { shown[d.id] = true; n++; }
    });
    marks.forEach(function (a) { a.setAttribute('class', 'site-mark' + (shown[a.dataset.id] ? '' : ' dim')); });
    count.textContent = n + ' of ' + items.length + ' sites';
    document.body.setAttribute('data-matches', Object.keys(shown).join(' '));
  }
  function fromHash() {
    var h = location.hash.replace(/^#/, '');
    h.split('&').forEach(function (kv) {
      var p = kv.split('='), k = decodeURIComponent(p[0] || ''), val = decodeURIComponent((p[1] || '').replace(/\+/g, ' '));
      if (k && form.elements[k]) form.elements[k].value = val;
    });
    apply();
  }
  form.addEventListener('input', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
)JS";

/// At most `max` bytes of `s`, cut before a UTF-8 character (never inside one), then "..." when cut.
std::string shortened(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

std::string head(const std::string& title, bool script, const std::string& jsonld, const std::string& description) {
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
    << (script ? "script-src 'unsafe-inline'; " : "") << "img-src 'self' data:\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << html_escape(title)
    << "</title>\n<meta name=\"description\" content=\"" << html_escape(shortened(description, 300)) << "\">\n"
    << "<style>" << html::kReportCss << kPortalCss << "</style>\n";
  // JSON-LD inside <script>: "</" must not appear (escape the slash)
  std::string ld = jsonld;
  for (std::size_t at = 0; (at = ld.find("</", at)) != std::string::npos; at += 3) ld.replace(at, 2, "<\\/");
  if (!ld.empty()) o << "<script type=\"application/ld+json\">\n" << ld << "</script>\n";
  o << "</head>\n<body>\n<main>\n";
  return o.str();
}

std::string foot(const CatalogueInputs& in) {
  return "<footer>Built by " + html_escape(in.generator) + " on " + in.created +
         ". Nothing on these pages is fetched from the network.</footer>\n</main>\n";
}

std::string years_text(int a, int b) { return a == b ? std::to_string(a) : std::to_string(a) + "\u2013" + std::to_string(b); }

std::string size_text(const fs::path& p) {
  std::error_code ec;
  const auto n = fs::file_size(p, ec);
  if (ec) return "";
  if (n < 1024) return std::to_string(n) + " B";
  if (n < 1024 * 1024) return fmt_fixed(static_cast<double>(n) / 1024, 1) + " KiB";
  return fmt_fixed(static_cast<double>(n) / 1024 / 1024, 1) + " MiB";
}

std::string downloads(const std::string& dir, const std::vector<std::string>& files) {
  std::ostringstream o;
  o << "<ul class=\"downloads\">";
  for (const auto& f : files)
    o << "<li><a href=\"" << html_escape(f) << "\" download>" << html_escape(f) << "</a> <span class=\"note\">"
      << size_text(fs::path(dir) / f) << "</span></li>";
  o << "</ul>";
  return o.str();
}

const char* const kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#8c564b"};

// ---------------------------------------------------------------------------------------------------
// index.html
// ---------------------------------------------------------------------------------------------------

std::string site_map(const CatalogueInputs& in, const std::string& prefix, const std::string& only = "") {
  const MapFrame& m = in.map;
  std::ostringstream o;
  o << "<svg class=\"map\" role=\"img\" aria-label=\"map of the sites\" viewBox=\"0 0 " << px(m.width) << " "
    << px(m.height) << "\" width=\"" << px(m.width) << "\" height=\"" << px(m.height) << "\">"
    << "<path class=\"land\" d=\"" << m.land_path << "\"/>";
  for (std::size_t i = 0; i < in.sites.size(); ++i) {
    const auto& s = in.sites[i];
    const auto [x, y] = m.site_xy[i];
    if (!std::isfinite(x) || (!only.empty() && s.id != only)) continue;
    o << "<a class=\"site-mark\" data-id=\"" << html_escape(s.id) << "\" href=\"" << prefix << "sites/" << html_escape(s.id)
      << "/index.html\"><title>" << html_escape(s.title) << "</title><circle class=\"site\" cx=\"" << px(x) << "\" cy=\""
      << px(y) << "\" r=\"" << (only.empty() ? "6" : "8") << "\"/></a>";
  }
  // sites that fall within a few pixels of each other: how many, beside the first
  if (only.empty()) {
    std::vector<bool> done(in.sites.size(), false);
    for (std::size_t i = 0; i < in.sites.size(); ++i) {
      const auto [x, y] = m.site_xy[i];
      if (done[i] || !std::isfinite(x)) continue;
      int n = 0;
      for (std::size_t j = i; j < in.sites.size(); ++j) {
        const auto [xj, yj] = m.site_xy[j];
        if (!done[j] && std::isfinite(xj) && std::hypot(xj - x, yj - y) < 12) done[j] = true, ++n;
      }
      if (n > 1)
        o << "<text class=\"cluster\" x=\"" << px(x + 10) << "\" y=\"" << px(y + 4) << "\">" << n << " sites</text>";
    }
  }
  o << "</svg>";
  return o.str();
}

std::string options(const std::set<std::string>& values) {
  std::string o = "<option value=\"\">any</option>";
  for (const auto& v : values) if (!v.empty()) o += "<option>" + html_escape(v) + "</option>";
  return o;
}

/// National series of a run: (year, Tg C), the start first (year - 1 at the end of the year before).
std::vector<std::pair<double, double>> national_series(const GridRunOutput& r) {
  std::vector<std::pair<double, double>> xy;
  const CatalogueCsv& t = r.totals;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    if (t.value(i, "zone_kind") != "country" || t.value(i, "land_cover") != "all") continue;
    double y = 0, v = 0, s = 0;
    if (!parse_decimal(t.value(i, "year"), y) || !parse_decimal(t.value(i, "soc_TgC"), v)) continue;
    if (xy.empty() && parse_decimal(t.value(i, "soc_start_TgC"), s)) xy.emplace_back(y - 1, s);
    xy.emplace_back(y, v);
  }
  return xy;
}

std::string index_page(const CatalogueInputs& in) {
  std::set<std::string> networks, land_uses, variables;
  int y0 = 9999, y1 = 0;
  for (const auto& s : in.sites) {
    networks.insert(s.network);
    land_uses.insert(s.land_use);
    variables.insert(s.variables.begin(), s.variables.end());
    y0 = std::min(y0, s.first_year ? s.first_year : y0);
    y1 = std::max(y1, s.last_year);
  }
  Json cat = Json::object();
  Json ctx = Json::object();
  ctx.set("@vocab", "https://schema.org/");
  cat.set("@context", ctx).set("@type", "DataCatalog").set("name", "alamod soil carbon catalogue");
  cat.set("description", "Long-term soil carbon experiments and gridded soil organic carbon simulations of alamod.");
  Json ds = Json::array();
  for (const auto& s : in.sites) {
    Json d = Json::object();
    d.set("@type", "Dataset").set("@id", "sites/" + s.id + "/index.html#dataset").set("name", s.title);
    d.set("url", "sites/" + s.id + "/index.html");
    ds.push(d);
  }
  for (const auto& r : in.runs) {
    Json d = Json::object();
    d.set("@type", "Dataset").set("@id", "runs/" + r.id + "/index.html#dataset").set("name", r.title.empty() ? r.id : r.title);
    d.set("url", "runs/" + r.id + "/index.html");
    ds.push(d);
  }
  cat.set("dataset", ds);

  std::ostringstream o;
  o << head("alamod soil carbon catalogue", true, cat.dump(), "Long-term soil carbon experiments and model runs");
  o << "<header><h1>Soil carbon: sites and model runs</h1><p class=\"summary\">" << in.sites.size()
    << " long-term experiments (" << years_text(y0, y1) << ") and " << in.runs.size()
    << " grid run" << (in.runs.size() == 1 ? "" : "s")
    << " of alamod. Machine-readable: <a href=\"catalog.jsonld\">DCAT catalogue</a> \u00b7 "
       "<a href=\"stac/catalog.json\">STAC catalogue</a>.</p></header>\n";
  o << "<section><h2>Find a site</h2><form id=\"filters\" class=\"filters\" role=\"search\">"
    << "<label for=\"q\">search<input id=\"q\" name=\"q\" type=\"search\" placeholder=\"name, network, land use\" "
       "autocomplete=\"off\"></label>"
    << "<label for=\"network\">network<select id=\"network\" name=\"network\">" << options(networks) << "</select></label>"
    << "<label for=\"landuse\">land use<select id=\"landuse\" name=\"landuse\">" << options(land_uses) << "</select></label>"
    << "<label for=\"variable\">variable<select id=\"variable\" name=\"variable\">" << options(variables) << "</select></label>"
    << "<label for=\"from\">from year<input id=\"from\" name=\"from\" type=\"number\" min=\"1800\" max=\"2100\" "
       "placeholder=\"" << y0 << "\"></label>"
    << "<label for=\"to\">to year<input id=\"to\" name=\"to\" type=\"number\" min=\"1800\" max=\"2100\" placeholder=\""
    << y1 << "\"></label></form><p class=\"count\" id=\"count\">" << in.sites.size() << " of " << in.sites.size()
    << " sites</p></section>\n";
  o << "<div class=\"layout\"><section><h2>Map</h2>" << site_map(in, "")
    << "<p class=\"note\">Sites on the outline of the boundary mask (Lambert-93); sites outside it are shown "
       "where they lie. Grey: filtered out.</p></section>\n<section><h2>Sites</h2><ul class=\"sites\">";
  for (const auto& s : in.sites) {
    std::string vars;
    for (const auto& v : s.variables) vars += (vars.empty() ? "" : " ") + v;
    o << "<li data-id=\"" << html_escape(s.id) << "\" data-name=\"" << html_escape(s.title) << "\" data-network=\""
      << html_escape(s.network) << "\" data-landuse=\"" << html_escape(s.land_use) << "\" data-country=\""
      << html_escape(s.country) << "\" data-from=\"" << s.first_year << "\" data-to=\"" << s.last_year
      << "\" data-variables=\"" << html_escape(vars) << "\"><h3><a href=\"sites/" << html_escape(s.id) << "/index.html\">"
      << html_escape(s.title) << "</a></h3><p>" << html_escape(s.network) << " \u00b7 " << years_text(s.first_year, s.last_year)
      << " \u00b7 " << s.treatments.rows.size() << " treatment" << (s.treatments.rows.size() == 1 ? "" : "s") << ", "
      << s.observations.rows.size() << " observations</p><p><span class=\"tag\">" << html_escape(s.land_use)
      << "</span><span class=\"tag\">" << html_escape(s.licence) << "</span>";
    if (!s.country.empty()) o << "<span class=\"tag\">" << html_escape(s.country) << "</span>";
    o << "</p></li>";
  }
  o << "</ul></section></div>\n<section><h2>Grid runs</h2>";
  if (in.runs.empty()) o << "<p class=\"note\">No grid run in this catalogue.</p>";
  else {
    o << "<div class=\"scroll\"><table class=\"metrics\"><thead><tr><th class=\"text\">run</th><th class=\"text\">model</th>"
         "<th class=\"text\">scenario</th><th class=\"text\">period</th><th>stock at the start (Tg C)</th>"
         "<th>stock at the end (Tg C)</th></tr></thead><tbody>";
    for (const auto& r : in.runs) {
      const auto xy = national_series(r);
      o << "<tr><td class=\"text\"><a href=\"runs/" << html_escape(r.id) << "/index.html\">" << html_escape(r.id)
        << "</a></td><td class=\"text\">" << html_escape(r.model) << "</td><td class=\"text\">" << html_escape(r.scenario)
        << "</td><td class=\"text\">" << r.time_start << " to " << r.time_end << "</td><td>"
        << (xy.empty() ? "" : fmt_fixed(xy.front().second, 1)) << "</td><td>"
        << (xy.empty() ? "" : fmt_fixed(xy.back().second, 1)) << "</td></tr>";
    }
    o << "</tbody></table></div>";
  }
  o << "</section>\n" << foot(in) << "<script>" << kSearchScript << "</script>\n</body>\n</html>\n";
  return o.str();
}

// ---------------------------------------------------------------------------------------------------
// Site pages
// ---------------------------------------------------------------------------------------------------

std::string soc_plot(const SitePackage& s) {
  std::map<std::string, std::vector<std::pair<double, double>>> series;  // treatment -> (year, stock)
  html::Range xr, yr;
  for (std::size_t i = 0; i < s.observations.rows.size(); ++i) {
    double y = 0, v = 0;
    std::string ys = s.observations.value(i, "observation_year");
    if (ys.empty()) ys = s.observations.value(i, "observation_date").substr(0, 4);
    if (!parse_decimal(ys, y) || !parse_decimal(s.observations.value(i, "soc_stock"), v)) continue;
    series[s.observations.value(i, "treatment_id")].emplace_back(y, v);
    xr.add(y);
    yr.add(v);
  }
  if (series.empty()) return "<p class=\"note\">No SOC stock observation in this package.</p>";
  std::vector<html::LegendItem> legend;
  std::size_t k = 0;
  for (const auto& [t, xy] : series) legend.push_back({t, kColours[k++ % 8], html::LegendItem::Point});
  const double W = 760, lh = html::legend_height(legend, W - 80);
  html::Frame f{70, 14, W - 90, 300, html::ticks_for(xr, 8), html::ticks_for(yr, 6)};
  std::ostringstream o;
  o << "<svg class=\"timeseries soc\" viewBox=\"0 0 " << px(W) << " " << px(370 + lh) << "\" width=\"" << px(W)
    << "\" height=\"" << px(370 + lh) << "\" role=\"img\" aria-label=\"SOC stocks over time\">";
  html::draw_axes(o, f, "year", "SOC stock (t ha-1)");
  k = 0;
  for (auto& [t, xy] : series) {
    std::sort(xy.begin(), xy.end());
    const char* c = kColours[k++ % 8];
    o << "<path class=\"series\" data-series=\"" << html_escape(t) << "\" d=\"" << html::path_data(f, xy)
      << "\" fill=\"none\" stroke=\"" << c << "\" stroke-width=\"1.4\" stroke-opacity=\"0.7\"/>";
    for (const auto& [x, y] : xy)
      o << "<circle class=\"obs\" cx=\"" << px(f.X(x)) << "\" cy=\"" << px(f.Y(y)) << "\" r=\"3.5\" fill=\"" << c << "\"/>";
  }
  html::draw_legend(o, legend, 70, 360, W - 80);
  o << "</svg>";
  return o.str();
}

/// The simulated stocks of the evaluations beside the observed ones, one plot per treatment as in the evaluation
/// report: observed stocks (points, +- soc_stock_sd where given), one line per model (end-of-year stocks, plotted at
/// their year as the observations of that year are compared with them). "" when no evaluation simulated this site.
std::string simulated_plots(const CatalogueInputs& in, const SitePackage& s) {
  // treatment -> model label -> (year, stock); model labels in first-seen order for the colours
  std::map<std::string, std::map<std::string, std::vector<std::pair<double, double>>>> sim;
  std::vector<std::string> models;
  for (const auto& y : in.evaluations.simulated) {
    if (y.site != s.id) continue;
    std::string label = y.model;
    if (!y.parameters.empty() && y.parameters != "defaults") label += " (" + fs::path(y.parameters).filename().string() + ")";
    if (std::find(models.begin(), models.end(), label) == models.end()) models.push_back(label);
    sim[y.treatment][label].emplace_back(y.year, y.soc);
  }
  if (sim.empty()) return "";
  const auto colour = [&](const std::string& m) {
    const std::size_t i = static_cast<std::size_t>(std::find(models.begin(), models.end(), m) - models.begin());
    return m == "multi-model mean" ? "#222222" : kColours[i % 8];
  };
  std::ostringstream o;
  o << "<section><h2>Observed and simulated</h2><p class=\"note\">From <code>alamod evaluate</code>'s "
       "<code>simulated_series.csv</code>: each model's SOC stock at the end of every year (lines) and the observed "
       "stocks of the same layer (points, \u00b1 1 sd where the package gives one).</p><div class=\"plots sim-plots\">";
  for (auto& [treatment, lines] : sim) {
    std::vector<std::pair<double, double>> obs, bars;  // (year, stock), (lower, upper)
    html::Range xr, yr;
    for (std::size_t i = 0; i < s.observations.rows.size(); ++i) {
      if (s.observations.value(i, "treatment_id") != treatment) continue;
      std::string ys = s.observations.value(i, "observation_year");
      if (ys.empty()) ys = s.observations.value(i, "observation_date").substr(0, 4);
      double y = 0, v = 0, sd = NAN;
      if (!parse_decimal(ys, y) || !parse_decimal(s.observations.value(i, "soc_stock"), v)) continue;
      if (!parse_decimal(s.observations.value(i, "soc_stock_sd"), sd)) sd = NAN;
      obs.emplace_back(y, v);
      bars.emplace_back(std::isfinite(sd) ? v - sd : NAN, std::isfinite(sd) ? v + sd : NAN);
      xr.add(y), yr.add(v), yr.add(bars.back().first), yr.add(bars.back().second);
    }
    std::vector<html::LegendItem> legend{{"observed", "#111111", html::LegendItem::Point}};
    for (auto& [m, xy] : lines) {
      std::sort(xy.begin(), xy.end());
      for (const auto& [x, v] : xy) xr.add(x), yr.add(v);
      legend.push_back({m, colour(m), m == "multi-model mean" ? html::LegendItem::DashedLine : html::LegendItem::Line});
    }
    const double W = 560, lh = html::legend_height(legend, W - 80);
    html::Frame f{70, 14, W - 88, 260, html::ticks_for(xr, 6), html::ticks_for(yr, 6)};
    o << "<figure class=\"plot-card\"><figcaption>" << html_escape(treatment) << "</figcaption>"
      << "<svg class=\"timeseries simulated\" data-treatment=\"" << html_escape(treatment) << "\" viewBox=\"0 0 "
      << px(W) << " " << px(330 + lh) << "\" width=\"" << px(W) << "\" height=\"" << px(330 + lh)
      << "\" role=\"img\" aria-label=\"" << html_escape("observed and simulated SOC stocks, " + treatment) << "\">";
    html::draw_axes(o, f, "year", "SOC stock (t ha-1)");
    for (const auto& [m, xy] : lines)
      o << "<path class=\"sim\" data-model=\"" << html_escape(m) << "\" d=\"" << html::path_data(f, xy)
        << "\" fill=\"none\" stroke=\"" << colour(m) << "\" stroke-width=\"2\""
        << (m == "multi-model mean" ? " stroke-dasharray=\"7 4\"" : "") << "><title>" << html_escape(m) << "</title></path>";
    for (std::size_t i = 0; i < obs.size(); ++i) {
      const double x = f.X(obs[i].first);
      if (std::isfinite(bars[i].first))
        o << "<path class=\"errorbar\" d=\"M" << px(x) << "," << px(f.Y(bars[i].first)) << " L" << px(x) << ","
          << px(f.Y(bars[i].second)) << "\" stroke=\"#111111\" stroke-width=\"1.2\"/>";
      o << "<circle class=\"obs\" cx=\"" << px(x) << "\" cy=\"" << px(f.Y(obs[i].second)) << "\" r=\"3.5\" "
        << "fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"1\"/>";
    }
    html::draw_legend(o, legend, 70, 322, W - 80);
    o << "</svg></figure>";
  }
  o << "</div></section>";
  return o.str();
}

std::string scores(const CatalogueInputs& in, const SitePackage& s) {
  const CatalogueCsv& m = in.evaluations.metrics;
  if (in.evaluations.sources.empty()) return "";
  // model x treatment -> metric -> value
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> rows;
  for (std::size_t i = 0; i < m.rows.size(); ++i) {
    if (m.value(i, "site") != s.id) continue;
    auto& r = rows[{m.value(i, "treatment"), m.value(i, "model")}];
    r[m.value(i, "metric")] = m.value(i, "value");
    // n of the goodness of fit (start_error and start_stock rows have n 1, run_failed rows 0)
    if (m.value(i, "metric") == "rmse" || !r.count("n")) r["n"] = m.value(i, "n");
  }
  std::ostringstream o;
  o << "<section><h2>Model runs and scores</h2>";
  if (rows.empty()) {
    o << "<p class=\"note\">The evaluation given holds no run at this site (a site without SOC stock observations "
         "is not scored).</p></section>";
    return o.str();
  }
  o << "<p class=\"note\">From <code>alamod evaluate</code> (<a href=\"../../evaluations/index.html\">the evaluation "
       "reports</a>): goodness of fit of each model against the observed stocks.</p><div class=\"scroll\">"
       "<table class=\"metrics scores\"><thead><tr><th class=\"text\">treatment</th><th class=\"text\">model</th>"
       "<th>RMSE (t ha-1)</th><th>bias (t ha-1)</th><th>efficiency</th><th>r\u00b2</th><th>n</th></tr></thead><tbody>";
  std::string last;
  for (const auto& [key, v] : rows) {
    auto num = [&](const char* k) {
      double x = NAN;
      const auto it = v.find(k);
      if (it != v.end()) parse_decimal(it->second, x);
      return fmt_fixed(x, 2);
    };
    std::string cls = key.first != last && !last.empty() ? "group-start" : "";
    if (key.second == "multi-model mean") cls += cls.empty() ? "mean" : " mean";
    o << "<tr" << (cls.empty() ? "" : " class=\"" + cls + "\"") << "><td class=\"text\">" << html_escape(key.first)
      << "</td><td class=\"text\">" << html_escape(key.second) << "</td><td>" << num("rmse") << "</td><td>" << num("bias")
      << "</td><td>" << num("efficiency") << "</td><td>" << num("r2") << "</td><td>" << html_escape(v.at("n"))
      << "</td></tr>";
    last = key.first;
  }
  o << "</tbody></table></div></section>";
  return o.str();
}

std::string site_page(const CatalogueInputs& in, const SitePackage& s) {
  std::ostringstream o;
  o << head(s.title + " \u2014 alamod site", false, site_jsonld(in, s), s.description.empty() ? s.title : s.description);
  o << "<nav class=\"crumbs\"><a href=\"../../index.html\">\u2190 all sites</a></nav>";
  o << "<header><h1>" << html_escape(s.title) << "</h1><p class=\"summary\">" << html_escape(s.network) << " \u00b7 "
    << html_escape(s.land_use) << " \u00b7 " << years_text(s.first_year, s.last_year) << "</p></header>\n";
  o << "<div class=\"layout site\"><section><h2>The site</h2><dl class=\"facts\"><dt>site id</dt><dd>" << html_escape(s.id)
    << "</dd><dt>network</dt><dd>" << html_escape(s.network) << "</dd><dt>land use</dt><dd>" << html_escape(s.land_use)
    << "</dd><dt>country</dt><dd>" << html_escape(s.country) << "</dd><dt>position</dt><dd>";
  if (s.located) o << fmt_fixed(s.latitude, 4) << "\u00b0 N, " << fmt_fixed(s.longitude, 4) << "\u00b0 E (WGS84)";
  else o << "not given";
  if (!s.coordinates_note.empty()) o << "<br><span class=\"note\">" << html_escape(s.coordinates_note) << "</span>";
  o << "</dd><dt>observations</dt><dd>" << s.observations.rows.size() << " (" << years_text(s.first_year, s.last_year)
    << ")</dd><dt>version</dt><dd>" << html_escape(s.version) << "</dd></dl>";
  if (!s.description.empty()) o << "<p>" << html_escape(s.description) << "</p>";
  o << "</section><section><h2>Where</h2>" << site_map(in, "../../", s.id) << "</section></div>\n";
  o << "<section><h2>Licence and citation</h2><p>Licence: ";
  for (std::size_t i = 0; i < s.licences.size(); ++i)
    o << (i ? ", " : "") << "<a href=\"" << html_escape(s.licences[i].second) << "\" rel=\"license\">"
      << html_escape(s.licences[i].first) << "</a>";
  o << " (site table: " << html_escape(s.licence) << ")</p><p>Cite as:</p><blockquote class=\"citation\">"
    << html_escape(s.citation) << "</blockquote></section>\n";
  o << "<section><h2>Treatments</h2><div class=\"scroll\"><table class=\"metrics treatments\"><thead><tr>"
       "<th class=\"text\">treatment</th><th class=\"text\">description</th><th class=\"text\">years</th></tr></thead><tbody>";
  for (std::size_t i = 0; i < s.treatments.rows.size(); ++i)
    o << "<tr><td class=\"text\">" << html_escape(s.treatments.value(i, "treatment_id")) << "</td><td class=\"text wrap\">"
      << html_escape(s.treatments.value(i, "description")) << "</td><td class=\"text\">"
      << html_escape(s.treatments.value(i, "start_year")) << "\u2013" << html_escape(s.treatments.value(i, "end_year"))
      << "</td></tr>";
  o << "</tbody></table></div></section>\n";
  o << "<section><h2>Soil organic carbon over time</h2><p class=\"note\">Observed stocks of each treatment (t ha-1, "
       "the layer of the observations).</p>"
    << soc_plot(s) << "</section>\n";
  o << scores(in, s);
  o << simulated_plots(in, s);
  o << "<section><h2>Download</h2><p class=\"note\">The Frictionless Data Package: <code>datapackage.json</code> "
       "describes every file. Also as <a href=\"../../stac/sites/items/"
    << html_escape(s.id) << ".json\">STAC item</a> and in the <a href=\"../../catalog.jsonld\">DCAT catalogue</a>.</p>"
    << downloads(s.dir, s.files) << "</section>\n";
  o << foot(in) << "</body>\n</html>\n";
  std::string text = o.str();
  // long description cells may wrap
  return text;
}

// ---------------------------------------------------------------------------------------------------
// Run pages
// ---------------------------------------------------------------------------------------------------

std::string national_plot(const GridRunOutput& r) {
  const auto xy = national_series(r);
  if (xy.size() < 2) return "";
  html::Range xr, yr;
  for (const auto& [x, y] : xy) xr.add(x), yr.add(y);
  html::Frame f{80, 14, 600, 260, html::ticks_for(xr, 8), html::ticks_for(yr, 5)};
  std::vector<double> whole;  // years only
  for (double t : f.x.ticks)
    if (t == std::floor(t)) whole.push_back(t);
  f.x.ticks = whole;
  f.x.decimals = 0;
  std::ostringstream o;
  o << "<svg class=\"timeseries national\" viewBox=\"0 0 700 330\" width=\"700\" height=\"330\" role=\"img\" "
       "aria-label=\"national stock\">";
  html::draw_axes(o, f, "year", "stock (Tg C)");
  o << "<path class=\"series\" d=\"" << html::path_data(f, xy) << "\" fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\"/>";
  o << "</svg>";
  return o.str();
}

std::string run_page(const CatalogueInputs& in, const GridRunOutput& r) {
  const std::string title = r.title.empty() ? "alamod grid run " + r.id : r.title;
  std::ostringstream o;
  o << head(title + " \u2014 alamod run", false, run_jsonld(in, r), r.summary.empty() ? title : r.summary);
  o << "<nav class=\"crumbs\"><a href=\"../../index.html\">\u2190 catalogue</a></nav>";
  o << "<header><h1>" << html_escape(title) << "</h1><p class=\"summary\">run <b>" << html_escape(r.id) << "</b> \u00b7 model "
    << html_escape(r.model) << " \u00b7 scenario " << html_escape(r.scenario) << " \u00b7 " << r.time_start << " to "
    << r.time_end << "</p></header>\n";
  const auto xy = national_series(r);
  if (!xy.empty()) {
    const double a = xy.front().second, b = xy.back().second;
    o << "<section><h2>National totals</h2><div class=\"cards\"><div class=\"card\"><div class=\"v\">" << fmt_fixed(a, 1)
      << " Tg C</div><div class=\"k\">stock on 1 January " << static_cast<int>(xy.front().first + 1) << "</div></div>"
      << "<div class=\"card\"><div class=\"v\">" << fmt_fixed(b, 1) << " Tg C</div><div class=\"k\">stock at the end of "
      << static_cast<int>(xy.back().first) << "</div></div><div class=\"card\"><div class=\"v\">"
      << (b >= a ? "+" : "") << fmt_fixed(100 * (b - a) / a, 2) << " %</div><div class=\"k\">change</div></div></div>"
      << national_plot(r) << "</section>\n";
  }
  std::vector<std::string> maps;
  for (const auto& f : r.files)
    if (f.rfind("map_", 0) == 0 && fs::path(f).extension() == ".png") maps.push_back(f);
  // the start before the change
  std::sort(maps.begin(), maps.end(), [](const std::string& a, const std::string& b) {
    return (a.find("start") == std::string::npos) < (b.find("start") == std::string::npos) ||
           ((a.find("start") == std::string::npos) == (b.find("start") == std::string::npos) && a < b);
  });
  if (!maps.empty()) {
    o << "<section><h2>Maps</h2><div class=\"two\">";
    for (const auto& m : maps)
      o << "<figure class=\"map-image\"><img src=\"" << html_escape(m) << "\" alt=\"" << html_escape(m) << "\"></figure>";
    o << "</div><p class=\"note\">The full report of the run: <a href=\"report.html\">report.html</a>.</p></section>\n";
  }
  // régions at the end
  const CatalogueCsv& t = r.totals;
  std::string last_year;
  for (std::size_t i = 0; i < t.rows.size(); ++i) last_year = t.value(i, "year");
  std::ostringstream rows;
  int n = 0;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    if (t.value(i, "year") != last_year || t.value(i, "zone_kind") != "region" || t.value(i, "land_cover") != "all") continue;
    double v = NAN, d = NAN, c = NAN;
    parse_decimal(t.value(i, "soc_TgC"), v);
    parse_decimal(t.value(i, "soc_t_ha"), d);
    parse_decimal(t.value(i, "change_pct"), c);
    rows << "<tr><td class=\"text\">" << html_escape(t.value(i, "zone_name")) << "</td><td>" << fmt_fixed(v, 1) << "</td><td>"
         << fmt_fixed(d, 1) << "</td><td>" << fmt_fixed(c, 2) << "</td></tr>";
    ++n;
  }
  if (n)
    o << "<section><h2>By région, end of " << last_year << "</h2><div class=\"scroll\"><table class=\"metrics regions\">"
         "<thead><tr><th class=\"text\">région</th><th>stock (Tg C)</th><th>density (t C ha-1)</th><th>change (%)</th>"
         "</tr></thead><tbody>" << rows.str() << "</tbody></table></div></section>\n";
  o << "<section><h2>Variables of " << html_escape(r.netcdf) << "</h2><div class=\"scroll\"><table class=\"metrics\">"
       "<thead><tr><th class=\"text\">variable</th><th class=\"text\">dimensions</th><th class=\"text\">units</th>"
       "<th class=\"text\">meaning</th></tr></thead><tbody>";
  for (const auto& v : r.variables) {
    std::string dims;
    for (const auto& d : v.dimensions) dims += (dims.empty() ? "" : ", ") + d;
    o << "<tr><td class=\"text\"><code>" << html_escape(v.name) << "</code></td><td class=\"text\">" << html_escape(dims)
      << "</td><td class=\"text\">" << html_escape(v.units) << "</td><td class=\"text\">"
      << html_escape(v.standard_name.empty() ? v.long_name : v.standard_name) << "</td></tr>";
  }
  o << "</tbody></table></div></section>\n";
  o << "<section><h2>Provenance and licence</h2><dl class=\"facts\"><dt>alamod</dt><dd>" << html_escape(r.version)
    << " (commit " << html_escape(r.commit) << ")</dd><dt>created</dt><dd>" << html_escape(r.created)
    << "</dd><dt>configuration SHA-256</dt><dd><code>" << html_escape(r.config_sha256) << "</code></dd><dt>licence</dt><dd>"
    << html_escape(r.license) << "</dd><dt>command</dt><dd><code>" << html_escape(shortened(r.history, 400))
    << "</code></dd></dl></section>\n";
  o << "<section><h2>Download</h2><p class=\"note\">Also as a <a href=\"../../stac/runs/" << html_escape(r.id)
    << "/collection.json\">STAC collection</a> (datacube extension) and in the <a href=\"../../catalog.jsonld\">DCAT "
       "catalogue</a>.</p>"
    << downloads(r.dir, r.files) << "</section>\n";
  o << foot(in) << "</body>\n</html>\n";
  return o.str();
}

std::string evaluations_page(const CatalogueInputs& in) {
  std::ostringstream o;
  o << head("Evaluations \u2014 alamod", false, "", "Reports of alamod evaluate");
  o << "<nav class=\"crumbs\"><a href=\"../index.html\">\u2190 catalogue</a></nav><header><h1>Model evaluations</h1>"
       "<p class=\"summary\">The reports of <code>alamod evaluate</code> the catalogue was built with.</p></header><section><ul>";
  for (std::size_t i = 0; i < in.evaluations.sources.size(); ++i)
    o << "<li><a href=\"" << i + 1 << "/report.html\">report " << i + 1 << "</a> \u00b7 <a href=\"" << i + 1
      << "/metrics.csv\">metrics.csv</a></li>";
  o << "</ul></section>" << foot(in) << "</body>\n</html>\n";
  return o.str();
}

}  // namespace

std::vector<OutFile> portal_pages(const CatalogueInputs& in) {
  std::vector<OutFile> out;
  out.push_back({"index.html", index_page(in)});
  for (const auto& s : in.sites) out.push_back({"sites/" + s.id + "/index.html", site_page(in, s)});
  for (const auto& r : in.runs) out.push_back({"runs/" + r.id + "/index.html", run_page(in, r)});
  if (!in.evaluations.sources.empty()) out.push_back({"evaluations/index.html", evaluations_page(in)});
  return out;
}

}  // namespace alamod::engine
