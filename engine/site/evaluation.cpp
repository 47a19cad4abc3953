#include "engine/site/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "engine/common/csv_line.hpp"
#include "engine/common/atomic_file.hpp"
#include "engine/common/number_format.hpp"

namespace alamod::engine {

using namespace html;  // the shared report pieces: engine/common/html_report.hpp

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTimeTolerance = 1e-6;  // years

// ---------------------------------------------------------------------------------------------
// Small helpers: formatting.

std::string fmt_csv_number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  return format_number("%.6g", x);
}


// ---------------------------------------------------------------------------------------------
// Metrics catalogue.

struct MetricInfo {
  const char* key;     // metrics.csv name
  const char* label;   // HTML
  const char* unit;    // metrics.csv unit
  int decimals;        // HTML precision
  double scale;        // HTML display factor (relative RMSE in %)
  double Metrics::*field;
};

const MetricInfo kMetrics[] = {
    {"rmse", "RMSE (t C ha-1)", "t ha-1", 2, 1.0, &Metrics::rmse},
    {"relative_rmse", "Relative RMSE (%)", "1", 1, 100.0, &Metrics::relative_rmse},
    {"bias", "Bias (t C ha-1)", "t ha-1", 2, 1.0, &Metrics::bias},
    {"efficiency", "Modelling efficiency EF", "1", 3, 1.0, &Metrics::efficiency},
    {"r2", "r\u00b2", "1", 3, 1.0, &Metrics::r2},
    {"willmott_d", "Willmott d", "1", 3, 1.0, &Metrics::willmott_d},
};

const MetricInfo& metric_info(const std::string& key) {
  for (const auto& m : kMetrics)
    if (key == m.key) return m;
  std::string valid;
  for (const auto& m : kMetrics) valid += std::string(valid.empty() ? "" : ", ") + m.key;
  throw std::invalid_argument("unknown metric '" + key + "' (valid: " + valid + ")");
}

std::optional<Metrics> try_metrics(const std::vector<SeriesPoint>& pts) {
  try {
    return compute_metrics(pts);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

// ---------------------------------------------------------------------------------------------
// Colours.

/// Model colours: Okabe-Ito (colour-blind safe) without its yellow, then a few more.
const char* const kModelColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
                                     "#56b4e9", "#7f3c8d", "#8c564b", "#4d4d4d", "#b8860b"};
constexpr const char* kMeanColour = "#222222";

/// A heat-map colour scale for one metric.
struct ColourScale {
  std::vector<const char*> stops;
  double lo, hi;
  std::string note;  // how to read it
  Rgb at(double v) const { return ramp(stops, hi > lo ? (v - lo) / (hi - lo) : 0.5); }
};

ColourScale scale_for(const std::string& key, const std::vector<double>& values) {
  double vmax = 0, amax = 0;
  for (double v : values)
    if (std::isfinite(v)) {
      vmax = std::max(vmax, v);
      amax = std::max(amax, std::fabs(v));
    }
  const std::vector<const char*> ylorrd = {"#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026"};
  const std::vector<const char*> rdbu = {"#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b"};
  const std::vector<const char*> bu_rd = {"#b2182b", "#ef8a62", "#f7f7f7", "#67a9cf", "#2166ac"};
  const std::vector<const char*> ylgnbu = {"#253494", "#2c7fb8", "#41b6c4", "#a1dab4", "#ffffcc"};
  if (key == "rmse" || key == "relative_rmse") {
    const double scale = key == "relative_rmse" ? 100.0 : 1.0;
    const double top = vmax > 0 ? nice_ticks(0, vmax * scale).hi / scale : 1.0;
    return {ylorrd, 0.0, top, "lower is better"};
  }
  if (key == "bias") {
    const double m = amax > 0 ? nice_ticks(0, amax).hi : 1.0;
    return {rdbu, -m, m, "0 is best; blue: model below observations, red: above"};
  }
  if (key == "efficiency") return {bu_rd, -1.0, 1.0, "1 is best; below 0 the observed mean fits better (scale clipped at -1)"};
  return {ylgnbu, 0.0, 1.0, "1 is best"};
}

// ---------------------------------------------------------------------------------------------
// SVG plotting.

struct Key {
  std::string site, treatment;
  bool operator<(const Key& k) const { return std::tie(site, treatment) < std::tie(k.site, k.treatment); }
  bool operator==(const Key& k) const { return site == k.site && treatment == k.treatment; }
};

/// Everything the report needs, computed once.
struct ReportData {
  std::vector<std::string> models;  // first-appearance order
  std::vector<Key> keys;            // (site, treatment), first-appearance order
  std::map<std::string, std::string> colour;
  std::vector<std::optional<Metrics>> metrics;  // per series
  mutable int clip_id = 0;                      // unique clipPath ids within one document
};

ReportData prepare(const std::vector<Series>& series) {
  ReportData d;
  std::size_t next = 0;
  for (const auto& s : series) {
    if (std::find(d.models.begin(), d.models.end(), s.model) == d.models.end()) {
      d.models.push_back(s.model);
      d.colour[s.model] = s.model == kMultiModelMean
                              ? kMeanColour
                              : kModelColours[next++ % (sizeof kModelColours / sizeof kModelColours[0])];
    }
    const Key k{s.site, s.treatment};
    if (std::find(d.keys.begin(), d.keys.end(), k) == d.keys.end()) d.keys.push_back(k);
    d.metrics.push_back(try_metrics(s.points));
  }
  return d;
}

bool is_mean(const std::string& model) { return model == kMultiModelMean; }

std::string point_title(const SeriesPoint& p, const std::string& who) {
  std::string t = who + ", " + fmt_fixed(p.time_years, std::fabs(p.time_years - std::round(p.time_years)) < 1e-9 ? 0 : 2) +
                  ": observed " + fmt_fixed(p.observed, 2);
  if (std::isfinite(p.observed_sd)) t += " \u00b1 " + fmt_fixed(p.observed_sd, 2);
  if (std::isfinite(p.observed_lower) && std::isfinite(p.observed_upper))
    t += " (interval " + fmt_fixed(p.observed_lower, 2) + "\u2013" + fmt_fixed(p.observed_upper, 2) + ")";
  t += ", simulated " + fmt_fixed(p.simulated, 2) + " t C ha-1";
  return html_escape(t);
}

/// One observed-vs-simulated time-series plot for one (site, treatment).
void draw_timeseries(std::ostringstream& o, const Key& key, const std::vector<const Series*>& group,
                     const ReportData& d) {
  // Observations: the union over the group's series (normally identical across models).
  std::vector<SeriesPoint> obs;
  for (const Series* s : group)
    for (const auto& p : s->points) {
      const bool seen = std::any_of(obs.begin(), obs.end(), [&](const SeriesPoint& q) {
        return std::fabs(q.time_years - p.time_years) < kTimeTolerance && q.observed == p.observed;
      });
      if (!seen) obs.push_back(p);
    }
  Range xr, yr;
  for (const auto& p : obs) {
    xr.add(p.time_years);
    yr.add(p.observed);
    if (std::isfinite(p.observed_sd)) {
      yr.add(p.observed - p.observed_sd);
      yr.add(p.observed + p.observed_sd);
    }
    if (std::isfinite(p.observed_lower) && std::isfinite(p.observed_upper)) {
      yr.add(p.observed_lower);
      yr.add(p.observed_upper);
    }
  }
  const bool any_interval = std::any_of(obs.begin(), obs.end(), [](const SeriesPoint& p) {
    return std::isfinite(p.observed_lower) && std::isfinite(p.observed_upper);
  });
  std::vector<std::vector<std::pair<double, double>>> lines;
  for (const Series* s : group) {
    std::vector<std::pair<double, double>> xy = s->simulated_curve;
    if (xy.empty())
      for (const auto& p : s->points) xy.emplace_back(p.time_years, p.simulated);
    std::sort(xy.begin(), xy.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [t, v] : xy) {
      xr.add(t);
      yr.add(v);
    }
    for (const auto& b : s->band) {
      yr.add(b[1]);
      yr.add(b[2]);
    }
    lines.push_back(std::move(xy));
  }

  std::vector<LegendItem> legend{{"observed \u00b1 sd", "#111111", LegendItem::Point}};
  if (any_interval) legend.push_back({"prediction interval (spectra)", "#7a7a7a", LegendItem::Line});
  for (const Series* s : group)
    legend.push_back({s->model, d.colour.at(s->model), is_mean(s->model) ? LegendItem::DashedLine : LegendItem::Line});
  for (const Series* s : group)
    if (!s->band.empty())
      legend.push_back({s->model + " 5\u201395 % of " + std::to_string(s->band_members) + " parameter draws",
                        d.colour.at(s->model), LegendItem::Band});

  const double W = 600, left = 70, right = 18, top = 14;
  const double plot_w = W - left - right, plot_h = 280;
  const double legend_top = top + plot_h + 52;
  const double H = legend_top + legend_height(legend, plot_w) + 6;
  Frame f{left, top, plot_w, plot_h, ticks_for(xr, 7), ticks_for(yr, 6)};
  const int clip = ++d.clip_id;
  const std::string caption = key.site + " \u2014 " + key.treatment;

  o << "<figure class=\"plot-card\"><figcaption>" << html_escape(key.site) << " <span class=\"sep\">\u2014</span> "
    << html_escape(key.treatment) << "</figcaption>\n";
  o << "<svg class=\"plot timeseries\" data-site=\"" << html_escape(key.site) << "\" data-treatment=\""
    << html_escape(key.treatment) << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << px(W) << " "
    << px(H) << "\" width=\"" << px(W) << "\" height=\"" << px(H) << "\" role=\"img\" font-family=\"inherit\">"
    << "<title>" << html_escape("SOC stock, observed and simulated: " + caption) << "</title>";
  o << "<defs><clipPath id=\"clip" << clip << "\"><rect x=\"" << px(f.left) << "\" y=\"" << px(f.top)
    << "\" width=\"" << px(f.width) << "\" height=\"" << px(f.height) << "\"/></clipPath></defs>";
  draw_axes(o, f, "year", "SOC stock (t C ha-1)");
  for (const Series* s : group) {  // the ensemble bands, under the lines: p05 forwards, p95 backwards
    if (s->band.empty()) continue;
    std::vector<std::pair<double, double>> ring;
    for (const auto& b : s->band) ring.emplace_back(b[0], b[1]);
    for (auto it = s->band.rbegin(); it != s->band.rend(); ++it) ring.emplace_back((*it)[0], (*it)[2]);
    o << "<path class=\"band\" data-model=\"" << html_escape(s->model) << "\" clip-path=\"url(#clip" << clip
      << ")\" d=\"" << path_data(f, ring) << " Z\" fill=\"" << d.colour.at(s->model)
      << "\" fill-opacity=\"0.28\" stroke=\"none\"><title>" << html_escape(s->model) << ": 5\u201395 % of "
      << s->band_members << " parameter draws</title></path>";
  }
  o << "<g class=\"series-lines\" clip-path=\"url(#clip" << clip << ")\" fill=\"none\" stroke-linejoin=\"round\" "
       "stroke-linecap=\"round\">";
  for (std::size_t i = 0; i < group.size(); ++i) {
    const Series& s = *group[i];
    const bool mean = is_mean(s.model);
    o << "<path class=\"sim\" data-model=\"" << html_escape(s.model) << "\" d=\"" << path_data(f, lines[i])
      << "\" stroke=\"" << d.colour.at(s.model) << "\" stroke-width=\"" << (mean ? "2.5" : "2.2") << "\""
      << (mean ? " stroke-dasharray=\"7 4\"" : "") << "><title>" << html_escape(s.model) << "</title></path>";
  }
  o << "</g>";
  o << "<g class=\"observations\" fill=\"#111111\" stroke=\"#111111\">";
  for (const auto& p : obs) {
    if (!std::isfinite(p.time_years) || !std::isfinite(p.observed)) continue;
    const double x = f.X(p.time_years), y = f.Y(p.observed);
    o << "<g class=\"obs-point\">";
    if (std::isfinite(p.observed_lower) && std::isfinite(p.observed_upper)) {
      // the interval: a wide grey band behind the sd bar
      o << "<rect class=\"interval\" x=\"" << px(x - 3) << "\" y=\"" << px(f.Y(p.observed_upper)) << "\" width=\"6\" height=\""
        << px(std::max(0.0, f.Y(p.observed_lower) - f.Y(p.observed_upper))) << "\" fill=\"#7a7a7a\" fill-opacity=\"0.35\" "
        << "stroke=\"none\"/>";
    }
    if (std::isfinite(p.observed_sd) && p.observed_sd > 0) {
      const double y1 = f.Y(p.observed - p.observed_sd), y2 = f.Y(p.observed + p.observed_sd);
      o << "<path class=\"errorbar\" d=\"M" << px(x) << "," << px(y1) << " L" << px(x) << "," << px(y2) << " M"
        << px(x - 4) << "," << px(y1) << " L" << px(x + 4) << "," << px(y1) << " M" << px(x - 4) << "," << px(y2)
        << " L" << px(x + 4) << "," << px(y2) << "\" stroke-width=\"1.2\" fill=\"none\"/>";
    }
    o << "<circle class=\"obs\" cx=\"" << px(x) << "\" cy=\"" << px(y) << "\" r=\"4\" stroke=\"#ffffff\" "
      << "stroke-width=\"1\"><title>" << point_title(p, caption) << "</title></circle></g>";
  }
  o << "</g>";
  draw_legend(o, legend, f.left, legend_top, plot_w);
  o << "</svg></figure>\n";
}

/// The 1:1 scatter of all observed vs simulated values of one model.
void draw_scatter(std::ostringstream& o, const std::string& model, const std::vector<const Series*>& mine,
                  const ReportData& d) {
  std::vector<SeriesPoint> all;
  Range r;
  for (const Series* s : mine)
    for (const auto& p : s->points) {
      all.push_back(p);
      r.add(p.observed);
      r.add(p.simulated);
      if (std::isfinite(p.observed_sd)) {
        r.add(p.observed - p.observed_sd);
        r.add(p.observed + p.observed_sd);
      }
    }
  const AxisTicks t = ticks_for(r, 6);
  const double side = 300, left = 70, top = 14;
  const double W = left + side + 18, H = top + side + 52;
  Frame f{left, top, side, side, t, t};
  const std::string colour = d.colour.at(model);
  const int clip = ++d.clip_id;

  o << "<figure class=\"plot-card scatter-card\"><figcaption>" << html_escape(model) << "</figcaption>\n";
  o << "<svg class=\"plot scatter\" data-model=\"" << html_escape(model)
    << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << px(W) << " " << px(H) << "\" width=\"" << px(W)
    << "\" height=\"" << px(H) << "\" role=\"img\" font-family=\"inherit\"><title>"
    << html_escape("Observed vs simulated SOC stock: " + model) << "</title>";
  o << "<defs><clipPath id=\"clip" << clip << "\"><rect x=\"" << px(f.left) << "\" y=\"" << px(f.top)
    << "\" width=\"" << px(f.width) << "\" height=\"" << px(f.height) << "\"/></clipPath></defs>";
  draw_axes(o, f, "observed SOC stock (t C ha-1)", "simulated SOC stock (t C ha-1)");
  o << "<g clip-path=\"url(#clip" << clip << ")\">";
  o << "<path class=\"one-to-one\" d=\"M" << px(f.X(t.lo)) << "," << px(f.Y(t.lo)) << " L" << px(f.X(t.hi)) << ","
    << px(f.Y(t.hi)) << "\" stroke=\"#777\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\" fill=\"none\"/>";
  o << "<g class=\"points\" fill=\"" << colour << "\" stroke=\"" << colour << "\">";
  for (const Series* s : mine)
    for (const auto& p : s->points) {
      if (!std::isfinite(p.observed) || !std::isfinite(p.simulated)) continue;
      const double x = f.X(p.observed), y = f.Y(p.simulated);
      if (std::isfinite(p.observed_sd) && p.observed_sd > 0)
        o << "<path class=\"errorbar\" d=\"M" << px(f.X(p.observed - p.observed_sd)) << "," << px(y) << " L"
          << px(f.X(p.observed + p.observed_sd)) << "," << px(y) << "\" stroke-opacity=\"0.45\" fill=\"none\"/>";
      o << "<circle class=\"pair\" cx=\"" << px(x) << "\" cy=\"" << px(y) << "\" r=\"4\" fill-opacity=\"0.8\" "
        << "stroke=\"#ffffff\" stroke-width=\"0.8\"><title>"
        << point_title(p, s->site + " \u2014 " + s->treatment) << "</title></circle>";
    }
  o << "</g></g>";
  // Pooled statistics in the upper-left corner.
  if (const auto m = try_metrics(all)) {
    o << "<g class=\"stats\" font-size=\"12\" fill=\"#222\">"
      << "<rect x=\"" << px(f.left + 8) << "\" y=\"" << px(f.top + 8) << "\" width=\"150\" height=\"58\" rx=\"4\" "
      << "fill=\"#ffffff\" fill-opacity=\"0.85\" stroke=\"#ddd\"/>"
      << "<text x=\"" << px(f.left + 16) << "\" y=\"" << px(f.top + 25) << "\">n = " << m->n << "</text>"
      << "<text x=\"" << px(f.left + 16) << "\" y=\"" << px(f.top + 41) << "\">RMSE = " << fmt_fixed(m->rmse, 2)
      << " t C ha-1</text>"
      << "<text x=\"" << px(f.left + 16) << "\" y=\"" << px(f.top + 57) << "\">EF = " << fmt_fixed(m->efficiency, 3)
      << ", r\u00b2 = " << fmt_fixed(m->r2, 3) << "</text></g>";
  }
  o << "</svg></figure>\n";
}

/// Taylor diagram (Taylor 2001, J. Geophys. Res. 106:7183): each model's pooled points as the standard
/// deviation of the simulated stocks relative to the observed (radius) and their correlation (angle,
/// arccos r); the observations sit at (1, 0), and the distance to them is the centred RMS difference
/// relative to the observed standard deviation (grey arcs). Negative correlations are drawn on the axis r = 0.
void draw_taylor(std::ostringstream& o, const std::vector<Series>& series, const ReportData& d) {
  struct Point {
    std::string model;
    double sd_ratio, r;
  };
  std::vector<Point> pts;
  for (const auto& model : d.models) {
    double n = 0, so = 0, ss = 0;
    for (const auto& s : series)
      if (s.model == model)
        for (const auto& p : s.points) n += 1, so += p.observed, ss += p.simulated;
    if (n < 2) continue;
    const double mo = so / n, ms = ss / n;
    double voo = 0, vss = 0, vos = 0;
    for (const auto& s : series)
      if (s.model == model)
        for (const auto& p : s.points) {
          voo += (p.observed - mo) * (p.observed - mo);
          vss += (p.simulated - ms) * (p.simulated - ms);
          vos += (p.observed - mo) * (p.simulated - ms);
        }
    if (!(voo > 0) || !(vss > 0)) continue;
    pts.push_back({model, std::sqrt(vss / voo), vos / std::sqrt(voo * vss)});
  }
  double rmax = 1.5, legend_w = 0;
  for (const auto& p : pts) rmax = std::max(rmax, p.sd_ratio * 1.1), legend_w = std::max(legend_w, text_width(p.model, 13));
  rmax = nice_ticks(0, rmax, 4).hi;
  const double R = 300, left = 40, top = 40, W = left + R + 90 + legend_w + 20, H = top + R + 60;
  const double ox = left, oy = top + R;  // origin
  auto X = [&](double rad, double ang) { return ox + rad / rmax * R * std::cos(ang); };
  auto Y = [&](double rad, double ang) { return oy - rad / rmax * R * std::sin(ang); };
  o << "<svg class=\"taylor\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " << px(W) << " " << px(H)
    << "\" width=\"" << px(W) << "\" height=\"" << px(H) << "\" role=\"img\" font-family=\"inherit\" font-size=\"13\">"
    << "<title>Taylor diagram of the pooled observations of each model</title>";
  // standard-deviation arcs and ticks
  const AxisTicks t = nice_ticks(0, rmax, 4);
  for (double v : t.ticks) {
    if (v <= 0 || v > rmax + 1e-12) continue;
    const bool one = std::fabs(v - 1.0) < 1e-12;
    o << "<path d=\"M" << px(X(v, 0)) << "," << px(Y(v, 0)) << " A" << px(v / rmax * R) << "," << px(v / rmax * R)
      << " 0 0 0 " << px(X(v, M_PI / 2)) << "," << px(Y(v, M_PI / 2)) << "\" fill=\"none\" stroke=\""
      << (one ? "#555" : "#ccc") << "\"" << (one ? " stroke-dasharray=\"5 4\"" : "") << "/>";
    o << "<text class=\"tick\" x=\"" << px(X(v, 0)) << "\" y=\"" << px(oy + 18) << "\" text-anchor=\"middle\">"
      << fmt_fixed(v, t.decimals) << "</text>";
  }
  // centred RMS difference arcs around the observation point (1, 0)
  o << "<g class=\"rms-arcs\" fill=\"none\" stroke=\"#9bc\" stroke-width=\"0.8\">";
  for (double e : {0.25, 0.5, 0.75, 1.0, 1.5}) {
    std::vector<std::pair<double, double>> arc;
    for (int k = 0; k <= 90; ++k) {
      const double a = M_PI * k / 90.0;
      const double x = 1.0 + e * std::cos(a), y = e * std::sin(a);
      const double rad = std::hypot(x, y);
      if (x < 0 || rad > rmax) continue;
      arc.emplace_back(ox + x / rmax * R, oy - y / rmax * R);
    }
    if (arc.size() < 2) continue;
    o << "<path d=\"M";
    for (std::size_t k = 0; k < arc.size(); ++k) o << (k ? " L" : "") << px(arc[k].first) << "," << px(arc[k].second);
    o << "\"/>";
  }
  o << "</g>";
  // correlation rays and labels
  for (double r : {0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0}) {
    const double a = std::acos(r);
    o << "<line x1=\"" << px(ox) << "\" y1=\"" << px(oy) << "\" x2=\"" << px(X(rmax, a)) << "\" y2=\""
      << px(Y(rmax, a)) << "\" stroke=\"#e0e0e0\"/>";
    o << "<text class=\"tick\" x=\"" << px(X(rmax * 1.04, a)) << "\" y=\"" << px(Y(rmax * 1.04, a) + 4)
      << "\" text-anchor=\"start\">" << fmt_fixed(r, r == 0.95 || r == 0.99 ? 2 : 1) << "</text>";
  }
  // the correlation's title outside the arc, along it at 45 degrees
  o << "<text class=\"axis-label\" text-anchor=\"middle\" transform=\"translate(" << px(X(rmax * 1.13, M_PI / 4)) << ","
    << px(Y(rmax * 1.13, M_PI / 4)) << ") rotate(45)\">correlation r</text>";
  o << "<text class=\"axis-label\" x=\"" << px(ox + R / 2) << "\" y=\"" << px(oy + 40)
    << "\" text-anchor=\"middle\">standard deviation / observed standard deviation</text>";
  o << "<circle cx=\"" << px(X(1, 0)) << "\" cy=\"" << px(oy) << "\" r=\"5\" fill=\"#111\"><title>observations</title></circle>";
  for (const auto& p : pts) {
    const double a = std::acos(std::clamp(p.r, 0.0, 1.0));
    o << "<circle class=\"taylor-model\" data-model=\"" << html_escape(p.model) << "\" cx=\"" << px(X(p.sd_ratio, a))
      << "\" cy=\"" << px(Y(p.sd_ratio, a)) << "\" r=\"7\" fill=\"" << d.colour.at(p.model)
      << "\" stroke=\"#fff\" stroke-width=\"1.5\"><title>" << html_escape(p.model) << ": sd ratio "
      << fmt_fixed(p.sd_ratio, 2) << ", r " << fmt_fixed(p.r, 3) << "</title></circle>";
  }
  // legend on the right
  double ly = top + 10;
  for (const auto& p : pts) {
    o << "<circle cx=\"" << px(left + R + 70) << "\" cy=\"" << px(ly) << "\" r=\"6\" fill=\"" << d.colour.at(p.model)
      << "\"/><text x=\"" << px(left + R + 82) << "\" y=\"" << px(ly + 4.5) << "\">" << html_escape(p.model) << "</text>";
    ly += 22;
  }
  o << "</svg>\n";
}

/// Heat map: models x (site, treatment), coloured by one metric.
void draw_heatmap(std::ostringstream& o, const std::vector<Series>& series, const ReportData& d,
                  const MetricInfo& mi) {
  std::map<std::pair<std::string, Key>, double> value;
  std::vector<double> values;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const double v = d.metrics[i] ? (*d.metrics[i]).*(mi.field) : kNaN;
    value[{series[i].model, Key{series[i].site, series[i].treatment}}] = v;
    values.push_back(v);
  }
  const ColourScale cs = scale_for(mi.key, values);

  // Rows: site and treatment (as many as there are); columns: models (few), so that it fits the page.
  double row_label_w = 0, col_w = 88;
  for (const auto& k : d.keys) row_label_w = std::max(row_label_w, text_width(k.site + " \u2014 " + k.treatment, 13));
  for (const auto& m : d.models) col_w = std::max(col_w, text_width(m, 13) + 16);
  row_label_w += 20;
  const double cell_h = 26, head_h = 30, top = 8;
  const double grid_left = row_label_w, grid_top = top + head_h;
  const double grid_w = col_w * double(d.models.size()), grid_h = cell_h * double(d.keys.size());
  const double legend_w = std::clamp(grid_w, 260.0, 420.0);
  const double W = std::max(grid_left + grid_w, grid_left + legend_w + 20) + 10;
  const double legend_top = grid_top + grid_h + 22;
  const double H = legend_top + 36;

  o << "<svg class=\"heatmap\" data-metric=\"" << mi.key << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
    << px(W) << " " << px(H) << "\" width=\"" << px(W) << "\" height=\"" << px(H)
    << "\" role=\"img\" font-family=\"inherit\"><title>" << html_escape(std::string("Heat map: ") + mi.label)
    << "</title>";
  o << "<g class=\"col-labels\" text-anchor=\"middle\" fill=\"#222\" font-size=\"13\" font-weight=\"600\">";
  for (std::size_t i = 0; i < d.models.size(); ++i)
    o << "<text x=\"" << px(grid_left + col_w * (double(i) + 0.5)) << "\" y=\"" << px(top + 20) << "\""
      << (is_mean(d.models[i]) ? " font-style=\"italic\"" : "") << ">" << html_escape(d.models[i]) << "</text>";
  o << "</g><g class=\"row-labels\" text-anchor=\"end\" font-size=\"13\" fill=\"#222\">";
  for (std::size_t j = 0; j < d.keys.size(); ++j)
    o << "<text x=\"" << px(grid_left - 10) << "\" y=\"" << px(grid_top + cell_h * (double(j) + 0.5) + 4.5) << "\">"
      << html_escape(d.keys[j].site) << " <tspan fill=\"#555\">\u2014 " << html_escape(d.keys[j].treatment)
      << "</tspan></text>";
  o << "</g><g class=\"cells\" font-size=\"13\" text-anchor=\"middle\">";
  for (std::size_t i = 0; i < d.models.size(); ++i)
    for (std::size_t j = 0; j < d.keys.size(); ++j) {
      const double x = grid_left + col_w * double(i), y = grid_top + cell_h * double(j);
      const auto it = value.find({d.models[i], d.keys[j]});
      const bool present = it != value.end();
      const double v = present ? it->second : kNaN;
      std::string fill = "#f0f0f0", ink = "#888";
      if (std::isfinite(v)) {
        const Rgb c = cs.at(v);
        fill = rgb_hex(c);
        ink = luminance(c) < 0.33 ? "#ffffff" : "#111111";
      }
      o << "<g class=\"cell\"><rect class=\"cell\" data-model=\"" << html_escape(d.models[i]) << "\" data-site=\""
        << html_escape(d.keys[j].site) << "\" data-treatment=\"" << html_escape(d.keys[j].treatment)
        << "\" data-value=\"" << fmt_csv_number(v) << "\" x=\"" << px(x + 1) << "\" y=\"" << px(y + 1)
        << "\" width=\"" << px(col_w - 2) << "\" height=\"" << px(cell_h - 2) << "\" rx=\"3\" fill=\"" << fill
        << "\"/><text x=\"" << px(x + col_w / 2) << "\" y=\"" << px(y + cell_h / 2 + 4.5) << "\" fill=\"" << ink
        << "\">" << (present ? fmt_fixed(v * mi.scale, mi.decimals) : "\u2013") << "</text><title>"
        << html_escape(d.models[i] + ", " + d.keys[j].site + " \u2014 " + d.keys[j].treatment + ": " + mi.label +
                       " = " + (present ? fmt_fixed(v * mi.scale, mi.decimals) : "no data"))
        << "</title></g>";
    }
  o << "</g>";
  // Colour-scale legend: a gradient bar with nice ticks.
  const double lx = grid_left, lw = legend_w, lh = 12;
  o << "<defs><linearGradient id=\"heatmap-gradient\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">";
  for (std::size_t k = 0; k <= 20; ++k) {
    const double t = double(k) / 20.0;
    o << "<stop offset=\"" << fmt_fixed(t, 2) << "\" stop-color=\"" << rgb_hex(ramp(cs.stops, t)) << "\"/>";
  }
  o << "</linearGradient></defs><g class=\"colour-legend\" font-size=\"11.5\" fill=\"#333\">";
  o << "<text x=\"" << px(lx) << "\" y=\"" << px(legend_top - 6) << "\" font-size=\"12\" fill=\"#222\">"
    << html_escape(mi.label) << " \u2014 " << html_escape(cs.note) << "</text>";
  o << "<rect x=\"" << px(lx) << "\" y=\"" << px(legend_top) << "\" width=\"" << px(lw) << "\" height=\"" << px(lh)
    << "\" fill=\"url(#heatmap-gradient)\" stroke=\"#999\" stroke-width=\"0.6\"/>";
  const AxisTicks lt = nice_ticks(cs.lo * mi.scale, cs.hi * mi.scale, 6);
  for (double t : lt.ticks) {
    const double v = t / mi.scale;
    if (v < cs.lo - 1e-12 * (cs.hi - cs.lo) || v > cs.hi + 1e-12 * (cs.hi - cs.lo)) continue;
    const double x = lx + (v - cs.lo) / (cs.hi - cs.lo) * lw;
    o << "<line x1=\"" << px(x) << "\" y1=\"" << px(legend_top + lh) << "\" x2=\"" << px(x) << "\" y2=\""
      << px(legend_top + lh + 4) << "\" stroke=\"#555\"/><text x=\"" << px(x) << "\" y=\""
      << px(legend_top + lh + 17) << "\" text-anchor=\"middle\">" << fmt_fixed(t, lt.decimals) << "</text>";
  }
  o << "</g></svg>\n";
}


}  // namespace

// ---------------------------------------------------------------------------------------------

Metrics compute_metrics(const std::vector<SeriesPoint>& points) {
  const std::size_t n = points.size();
  if (n < 2)
    throw std::invalid_argument("compute_metrics: need at least 2 observation/simulation pairs, got " +
                                std::to_string(n));
  double so = 0, ss = 0, omax = 0, smax = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& p = points[i];
    if (!std::isfinite(p.observed) || !std::isfinite(p.simulated))
      throw std::invalid_argument("compute_metrics: point " + std::to_string(i) + " (time " +
                                  fmt_csv_number(p.time_years) + ") has a non-finite " +
                                  (std::isfinite(p.observed) ? "simulated" : "observed") + " value");
    so += p.observed;
    ss += p.simulated;
    omax = std::max(omax, std::fabs(p.observed));
    smax = std::max(smax, std::fabs(p.simulated));
  }
  const double dn = double(n);
  const double obar = so / dn, sbar = ss / dn;
  double sse = 0, sdiff = 0, soo = 0, sss = 0, sos = 0, pe = 0;
  for (const auto& p : points) {
    const double e = p.simulated - p.observed, a = p.observed - obar, b = p.simulated - sbar;
    sse += e * e;
    sdiff += e;
    soo += a * a;
    sss += b * b;
    sos += a * b;
    const double w = std::fabs(p.simulated - obar) + std::fabs(p.observed - obar);
    pe += w * w;
  }
  // A variance at rounding level (constant values whose mean is not exact) counts as zero.
  const double o_tol = dn * std::pow(1e-12 * std::max(omax, 1e-300), 2);
  const double s_tol = dn * std::pow(1e-12 * std::max(smax, 1e-300), 2);
  Metrics m;
  m.n = n;
  m.rmse = std::sqrt(sse / dn);
  m.relative_rmse = obar != 0 ? m.rmse / obar : kNaN;
  m.bias = sdiff / dn;
  m.efficiency = soo > o_tol ? 1.0 - sse / soo : kNaN;
  m.r2 = (soo > o_tol && sss > s_tol) ? std::clamp(sos * sos / (soo * sss), 0.0, 1.0) : kNaN;
  m.willmott_d = pe > o_tol ? std::max(0.0, 1.0 - sse / pe) : 1.0;
  return m;
}

std::optional<WeightedMetrics> compute_weighted_metrics(const std::vector<SeriesPoint>& points) {
  double sw = 0, swr = 0, swr2 = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (!std::isfinite(p.observed) || !std::isfinite(p.simulated))
      throw std::invalid_argument("compute_weighted_metrics: point " + std::to_string(i) + " (time " +
                                  fmt_csv_number(p.time_years) + ") has a non-finite " +
                                  (std::isfinite(p.observed) ? "simulated" : "observed") + " value");
    if (!(std::isfinite(p.observed_sd) && p.observed_sd > 0)) continue;
    const double w = 1.0 / (p.observed_sd * p.observed_sd), r = p.simulated - p.observed;
    sw += w;
    swr += w * r;
    swr2 += w * r * r;
    ++n;
  }
  if (n == 0) return std::nullopt;
  WeightedMetrics m;
  m.n = n;
  m.n_all = points.size();
  m.weighted_rmse = std::sqrt(swr2 / sw);
  m.weighted_bias = swr / sw;
  m.chi2_per_obs = swr2 / double(n);
  return m;
}

std::vector<Series> multi_model_mean(const std::vector<Series>& all, const std::vector<std::string>& models) {
  std::map<std::tuple<std::string, std::string, std::string>, const Series*> index;
  std::vector<Key> keys;
  for (const auto& s : all) {
    if (!index.emplace(std::make_tuple(s.model, s.site, s.treatment), &s).second)
      throw std::invalid_argument("multi_model_mean: two series for model '" + s.model + "', site '" + s.site +
                                  "', treatment '" + s.treatment + "'");
    const Key k{s.site, s.treatment};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
  }
  for (std::size_t i = 0; i < models.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (models[i] == models[j]) throw std::invalid_argument("multi_model_mean: model '" + models[i] + "' listed twice");
  std::vector<Series> out;
  if (models.empty()) return out;

  auto interpolate = [](const std::vector<std::pair<double, double>>& c, double t) {
    if (c.empty() || t < c.front().first - kTimeTolerance || t > c.back().first + kTimeTolerance) return kNaN;
    auto it = std::lower_bound(c.begin(), c.end(), t - kTimeTolerance,
                               [](const auto& p, double v) { return p.first < v; });
    if (it == c.end()) return kNaN;
    if (std::fabs(it->first - t) <= kTimeTolerance || it == c.begin()) return it->second;
    const auto& a = *(it - 1);
    const auto& b = *it;
    return a.second + (b.second - a.second) * (t - a.first) / (b.first - a.first);
  };

  for (const auto& k : keys) {
    std::vector<const Series*> group;
    for (const auto& m : models) {
      const auto it = index.find(std::make_tuple(m, k.site, k.treatment));
      if (it == index.end()) break;
      group.push_back(it->second);
    }
    if (group.size() != models.size()) continue;
    const double count = double(group.size());
    Series mean;
    mean.model = kMultiModelMean;
    mean.site = k.site;
    mean.treatment = k.treatment;
    for (const auto& p : group[0]->points) {
      double sum = 0;
      bool everywhere = true;
      for (const Series* s : group) {
        const auto q = std::find_if(s->points.begin(), s->points.end(), [&](const SeriesPoint& r) {
          return std::fabs(r.time_years - p.time_years) <= kTimeTolerance;
        });
        if (q == s->points.end()) {
          everywhere = false;
          break;
        }
        sum += q->simulated;
      }
      if (everywhere) mean.points.push_back({p.time_years, p.observed, sum / count, p.observed_sd, p.observed_lower,
                                             p.observed_upper});
    }
    bool curves = true;
    std::vector<std::vector<std::pair<double, double>>> sorted;
    for (const Series* s : group) {
      if (s->simulated_curve.empty()) curves = false;
      sorted.push_back(s->simulated_curve);
      std::sort(sorted.back().begin(), sorted.back().end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
    }
    if (curves)
      for (const auto& [t, v0] : sorted[0]) {
        double sum = v0;
        for (std::size_t i = 1; i < sorted.size(); ++i) sum += interpolate(sorted[i], t);
        if (std::isfinite(sum)) mean.simulated_curve.emplace_back(t, sum / count);
      }
    out.push_back(std::move(mean));
  }
  return out;
}

namespace {
/// The metrics of a series; std::invalid_argument naming its model, site and treatment when it has none.
Metrics series_metrics(const Series& s) {
  try {
    return compute_metrics(s.points);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("metrics for model '" + s.model + "', site '" + s.site + "', treatment '" +
                                s.treatment + "': " + e.what());
  }
}

/// One metrics.csv row per metric of `m`: `prefix` (model,site,treatment,) before, `suffix` (the line end, with
/// any further columns) after.
void append_metric_rows(std::string& csv, const std::string& prefix, const Metrics& m, const std::string& suffix) {
  for (const auto& mi : kMetrics)
    csv += prefix + mi.key + "," + fmt_csv_number(m.*(mi.field)) + "," + mi.unit + "," + std::to_string(m.n) + suffix;
}

/// The weighted rows (weighted_rmse, weighted_bias, chi2_per_obs; n = the points with an sd), none when no point
/// of `points` has an sd: series without uncertainties keep exactly the rows they had.
void append_weighted_rows(std::string& csv, const std::string& prefix, const std::vector<SeriesPoint>& points,
                          const std::string& suffix) {
  const auto w = compute_weighted_metrics(points);
  if (!w) return;
  const std::string n = std::to_string(w->n);
  csv += prefix + "weighted_rmse," + fmt_csv_number(w->weighted_rmse) + ",t ha-1," + n + suffix;
  csv += prefix + "weighted_bias," + fmt_csv_number(w->weighted_bias) + ",t ha-1," + n + suffix;
  csv += prefix + "chi2_per_obs," + fmt_csv_number(w->chi2_per_obs) + ",1," + n + suffix;
}

std::vector<SeriesPoint> model_points(const std::vector<Series>& series, const std::string& model) {
  std::vector<SeriesPoint> all;
  for (const auto& s : series)
    if (s.model == model) all.insert(all.end(), s.points.begin(), s.points.end());
  return all;
}
}  // namespace

void write_metrics_csv(const std::string& path, const std::vector<Series>& series) {
  std::string csv = "model,site,treatment,metric,value,unit,n\n";
  for (const auto& s : series)
    append_metric_rows(csv, csv_field(s.model) + "," + csv_field(s.site) + "," + csv_field(s.treatment) + ",",
                       series_metrics(s), "\n");
  write_output_atomically(path, csv);
}

std::vector<std::pair<std::string, Metrics>> pooled_metrics(const std::vector<Series>& series) {
  std::vector<std::string> models;
  for (const auto& s : series)
    if (std::find(models.begin(), models.end(), s.model) == models.end()) models.push_back(s.model);
  std::vector<std::pair<std::string, Metrics>> out;
  for (const auto& m : models) {
    std::vector<SeriesPoint> all;
    for (const auto& s : series)
      if (s.model == m) all.insert(all.end(), s.points.begin(), s.points.end());
    if (const auto r = try_metrics(all)) out.emplace_back(m, *r);
  }
  return out;
}

namespace {
std::string parameters_of(const std::vector<Series>& series, const std::string& model) {
  for (const auto& s : series)
    if (s.model == model) return s.parameters;
  return "";
}
}  // namespace

void write_metrics_csv(const std::string& path, const std::vector<Series>& series, const std::vector<FailedRun>& failed) {
  std::string csv = "model,site,treatment,metric,value,unit,n,parameters,note\n";
  for (const auto& s : series) {
    const std::string prefix = csv_field(s.model) + "," + csv_field(s.site) + "," + csv_field(s.treatment) + ",";
    const std::string suffix = "," + csv_field(s.parameters) + "," + csv_field(s.note) + "\n";
    append_metric_rows(csv, prefix, series_metrics(s), suffix);
    csv += prefix + "start_error," + fmt_csv_number(s.start_error) + ",t ha-1,1" + suffix;
    csv += prefix + "start_stock," + fmt_csv_number(s.start_stock) + ",t ha-1,1" + suffix;
    append_weighted_rows(csv, prefix, s.points, suffix);
  }
  for (const auto& [model, m] : pooled_metrics(series)) {
    const std::string prefix = csv_field(model) + ",all,all,";
    const std::string suffix = "," + csv_field(parameters_of(series, model)) + ",pooled over every site and treatment\n";
    append_metric_rows(csv, prefix, m, suffix);
    append_weighted_rows(csv, prefix, model_points(series, model), suffix);
  }
  for (const auto& f : failed)
    csv += csv_field(f.model) + "," + csv_field(f.site) + "," + csv_field(f.treatment) + ",run_failed,NaN,,0," +
           csv_field(f.parameters) + "," + csv_field(f.reason) + "\n";
  write_output_atomically(path, csv);
}

void write_series_csv(const std::string& path, const std::vector<Series>& series) {
  // soc_p05/p50/p95: the --ensemble members' quantiles, on the rows of the model the ensemble was drawn for
  std::string csv = "model,parameters,site,treatment,year,soc,soc_p05,soc_p50,soc_p95\n,,,,yr,t ha-1,t ha-1,t ha-1,t ha-1\n";
  for (const auto& s : series) {
    const std::string prefix = csv_field(s.model) + "," + csv_field(s.parameters) + "," + csv_field(s.site) + "," +
                               csv_field(s.treatment) + ",";
    const bool banded = s.band.size() == s.simulated_curve.size() && s.band_median.size() == s.band.size();
    for (std::size_t i = 0; i < s.simulated_curve.size(); ++i) {
      const auto& [t, v] = s.simulated_curve[i];
      csv += prefix + fmt_fixed(t - 1.0, 0) + "," + exact_number(v);  // curve time = end of the year
      csv += banded ? "," + exact_number(s.band[i][1]) + "," + exact_number(s.band_median[i]) + "," +
                          exact_number(s.band[i][2]) + "\n"
                    : ",,,\n";
    }
  }
  write_output_atomically(path, csv);
}

void write_report_html(const std::string& path, const std::vector<Series>& series, const std::string& title,
                       const std::string& provenance_text, const std::string& heatmap_metric) {
  write_report_html(path, series, title, provenance_text, {}, 0, heatmap_metric);
}

void write_report_html(const std::string& path, const std::vector<Series>& series, const std::string& title,
                       const std::string& provenance_text, const std::vector<std::string>& failed_runs,
                       std::size_t total_runs, const std::string& heatmap_metric) {
  const MetricInfo& hm = metric_info(heatmap_metric);
  const ReportData d = prepare(series);
  std::size_t n_obs = 0;
  for (const auto& s : series) n_obs += s.points.size();

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "img-src data:\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << html_escape(title)
    << "</title>\n<style>" << kReportCss
    // the evaluation's tables fit a 1,400 px window: headers wrap between words
    << "table.metrics thead th { white-space: normal; vertical-align: bottom; }</style>\n</head>\n<body>\n<main>\n";
  o << "<header><h1>" << html_escape(title) << "</h1><p class=\"summary\">" << d.models.size() << " model"
    << (d.models.size() == 1 ? "" : "s") << " \u00b7 " << d.keys.size() << " site/treatment combination"
    << (d.keys.size() == 1 ? "" : "s") << " \u00b7 " << series.size() << " series \u00b7 " << n_obs
    << " observation/simulation pairs \u00b7 SOC stocks in t C ha-1";
  if (!failed_runs.empty())
    o << " \u00b7 <strong>" << failed_runs.size() << " of " << total_runs << " runs failed</strong>";
  o << "</p></header>\n";

  o << "<section id=\"provenance\"><h2>Provenance</h2><pre class=\"provenance\">" << html_escape(provenance_text)
    << "</pre></section>\n";

  if (!failed_runs.empty()) {
    o << "<section id=\"failures\"><h2>Runs that failed</h2><p class=\"note\">" << failed_runs.size() << " of "
      << total_runs << " model runs failed; they are not scored, and a site and treatment without every model has "
      << "no multi-model mean.</p><pre class=\"provenance\">";
    for (const auto& f : failed_runs) o << html_escape(f) << "\n";
    o << "</pre></section>\n";
  }

  // Pooled per model, with the parameter file and the start error, and the Taylor diagram.
  o << "<section id=\"pooled\"><h2>Each model over every site and treatment</h2><p class=\"note\">All "
       "observation/simulation pairs of a model pooled; start error: simulated minus observed stock at the first "
       "observation of each treatment (mean absolute and largest).</p><div class=\"scroll\"><table class=\"metrics "
       "pooled\"><thead><tr><th class=\"text\">Model</th><th class=\"text\">Parameters</th><th>Series</th><th>n</th>";
  for (const auto& mi : kMetrics) o << "<th>" << html_escape(mi.label) << "</th>";
  o << "<th>|Start error| mean (max)</th></tr></thead><tbody>\n";
  for (const auto& [model, m] : pooled_metrics(series)) {
    std::size_t count = 0, with_start = 0;
    double sum_abs = 0, max_abs = 0;
    std::string params;
    for (const auto& s : series)
      if (s.model == model) {
        ++count;
        params = s.parameters;
        if (std::isfinite(s.start_error)) ++with_start, sum_abs += std::fabs(s.start_error), max_abs = std::max(max_abs, std::fabs(s.start_error));
      }
    o << "<tr" << (is_mean(model) ? " class=\"mean\"" : "") << "><td class=\"text\"><span class=\"swatch\" style=\"background:"
      << d.colour.at(model) << "\"></span>" << html_escape(model) << "</td><td class=\"text\">" << html_escape(params)
      << "</td><td>" << count << "</td><td>" << m.n << "</td>";
    for (const auto& mi : kMetrics) o << "<td>" << fmt_fixed(m.*(mi.field) * mi.scale, mi.decimals) << "</td>";
    o << "<td>" << (with_start ? fmt_fixed(sum_abs / double(with_start), 2) + " (" + fmt_fixed(max_abs, 2) + ")" : "n/a")
      << "</td></tr>\n";
  }
  o << "</tbody></table></div>";
  o << "<h3>Taylor diagram</h3><p class=\"note\">Each model's pooled stocks: radius, their standard deviation "
       "relative to the observed; angle, their correlation with the observations; black point: the observations; "
       "blue arcs: centred RMS difference (relative to the observed standard deviation) 0.25 to 1.5 (Taylor 2001).</p>";
  draw_taylor(o, series, d);
  o << "</section>\n";

  // Metrics table, grouped by site and treatment.
  o << "<section id=\"metrics\"><h2>Goodness of fit</h2><p class=\"note\">RMSE: root mean square error; relative "
       "RMSE: RMSE / mean observed; bias: mean(simulated \u2212 observed); EF: Nash\u2013Sutcliffe modelling "
       "efficiency; r\u00b2: squared Pearson correlation; d: Willmott index of agreement.</p>"
    << "<div class=\"scroll\"><table class=\"metrics\"><thead><tr><th class=\"text\">Site</th><th "
       "class=\"text\">Treatment</th><th class=\"text\">Model</th><th>n</th>";
  for (const auto& mi : kMetrics) o << "<th>" << html_escape(mi.label) << "</th>";
  o << "<th>Start error (t C ha-1)</th></tr></thead><tbody>\n";
  for (const auto& k : d.keys) {
    bool first = true;
    for (const auto& model : d.models)
      for (std::size_t i = 0; i < series.size(); ++i) {
        const Series& s = series[i];
        if (s.model != model || s.site != k.site || s.treatment != k.treatment) continue;
        std::string cls = first ? "group-start" : "";
        if (is_mean(model)) cls += cls.empty() ? "mean" : " mean";
        o << "<tr" << (cls.empty() ? "" : " class=\"" + cls + "\"") << "><td class=\"text\">"
          << (first ? html_escape(s.site) : "") << "</td><td class=\"text\">" << (first ? html_escape(s.treatment) : "")
          << "</td><td class=\"text\"><span class=\"swatch\" style=\"background:" << d.colour.at(model)
          << "\"></span>" << html_escape(model) << "</td><td>" << s.points.size() << "</td>";
        for (const auto& mi : kMetrics)
          o << "<td>" << (d.metrics[i] ? fmt_fixed((*d.metrics[i]).*(mi.field) * mi.scale, mi.decimals) : "n/a")
            << "</td>";
        o << "<td>" << (std::isfinite(s.start_error) ? fmt_fixed(s.start_error, 2) : "n/a") << "</td></tr>\n";
        first = false;
      }
  }
  o << "</tbody></table></div></section>\n";

  // Weighted by the observations' uncertainty: only when some observation has an sd (else the report is unchanged).
  std::vector<std::pair<const Series*, WeightedMetrics>> weighted;
  for (const auto& s : series)
    if (const auto w = compute_weighted_metrics(s.points)) weighted.emplace_back(&s, *w);
  if (!weighted.empty()) {
    o << "<section id=\"weighted\"><h2>Weighted by the observations' uncertainty</h2><p class=\"note\">Over the "
         "observations with a standard deviation sd (soc_stock_sd, or the normal-equivalent sd of a spectral "
         "prediction interval), each weighted by 1/sd\u00b2: weighted RMSE = \u221a(\u03a3w r\u00b2 / \u03a3w), "
         "weighted bias = \u03a3w r / \u03a3w, \u03c7\u00b2/n = mean((r/sd)\u00b2), r = simulated \u2212 observed; "
         "\u03c7\u00b2/n near 1: the model misses by about the observations' own uncertainty (docs/SITES.md).</p>"
      << "<div class=\"scroll\"><table class=\"metrics weighted\"><thead><tr><th class=\"text\">Site</th><th "
         "class=\"text\">Treatment</th><th class=\"text\">Model</th><th>n with sd / n</th><th>Weighted RMSE (t C "
         "ha-1)</th><th>Weighted bias (t C ha-1)</th><th>\u03c7\u00b2/n</th><th>RMSE (t C ha-1)</th></tr></thead><tbody>\n";
    const auto row = [&](const std::string& site, const std::string& treatment, const std::string& model,
                         const WeightedMetrics& w, const std::optional<Metrics>& m) {
      o << "<tr" << (is_mean(model) ? " class=\"mean\"" : "") << "><td class=\"text\">" << html_escape(site)
        << "</td><td class=\"text\">" << html_escape(treatment) << "</td><td class=\"text\"><span class=\"swatch\" "
        << "style=\"background:" << d.colour.at(model) << "\"></span>" << html_escape(model) << "</td><td>" << w.n << " / "
        << w.n_all << "</td><td>" << fmt_fixed(w.weighted_rmse, 2) << "</td><td>" << fmt_fixed(w.weighted_bias, 2)
        << "</td><td>" << fmt_fixed(w.chi2_per_obs, 2) << "</td><td>" << (m ? fmt_fixed(m->rmse, 2) : "n/a")
        << "</td></tr>\n";
    };
    for (const auto& [s, w] : weighted) row(s->site, s->treatment, s->model, w, try_metrics(s->points));
    for (const auto& model : d.models) {
      const auto pts = model_points(series, model);
      if (const auto w = compute_weighted_metrics(pts)) row("all", "all", model, *w, try_metrics(pts));
    }
    o << "</tbody></table></div></section>\n";
  }

  o << "<section id=\"heatmap\"><h2>" << html_escape(hm.label) << " by model, site and treatment</h2>"
    << "<div class=\"scroll\">";
  draw_heatmap(o, series, d, hm);
  o << "</div></section>\n";

  o << "<section id=\"timeseries\"><h2>Observed and simulated SOC stocks</h2><p class=\"note\">Points: observed "
       "stocks with \u00b1 1 sd error bars; lines: simulated stocks.";
  if (std::any_of(series.begin(), series.end(), [](const Series& s) {
        return std::any_of(s.points.begin(), s.points.end(), [](const SeriesPoint& p) { return std::isfinite(p.observed_lower); });
      }))
    o << " Grey bands: the prediction interval of stocks whose concentration was predicted from spectra (soc_lower, "
         "soc_upper at soc_interval_level, scaled by soc_stock / soc).";
  if (std::any_of(series.begin(), series.end(), [](const Series& s) { return !s.band.empty(); }))
    o << " Shaded in a model's colour: the 5 to 95 % quantiles, each year, of the series simulated under parameter "
         "sets drawn from its calibration (evaluate --ensemble N --parameters FIT: the posterior samples or the "
         "covariance); the line and the metrics are those of the file's own values.";
  o << "</p><div class=\"plots\">\n";
  for (const auto& k : d.keys) {
    std::vector<const Series*> group;
    for (const auto& model : d.models)
      for (const auto& s : series)
        if (s.model == model && s.site == k.site && s.treatment == k.treatment) group.push_back(&s);
    draw_timeseries(o, k, group, d);
  }
  o << "</div></section>\n";

  o << "<section id=\"scatter\"><h2>Observed vs simulated (1:1)</h2><p class=\"note\">All observations of each "
       "model, every site and treatment; dashed: the 1:1 line; horizontal bars: observed \u00b1 1 sd.</p>"
       "<div class=\"plots scatter\">\n";
  for (const auto& model : d.models) {
    std::vector<const Series*> mine;
    for (const auto& s : series)
      if (s.model == model) mine.push_back(&s);
    draw_scatter(o, model, mine, d);
  }
  o << "</div></section>\n";
  o << "<footer>Self-contained report written by alamod evaluate: no scripts, no external resources.</footer>\n"
    << "</main>\n</body>\n</html>\n";
  write_output_atomically(path, o.str());
}

}  // namespace alamod::engine
