#include "engine/site/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "engine/common/atomic_file.hpp"
#include "engine/common/number_format.hpp"

namespace alamod::engine {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTimeTolerance = 1e-6;  // years

// ---------------------------------------------------------------------------------------------
// Small helpers: formatting.

std::string fmt_fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "n/a";
  std::string s = format_number(("%." + std::to_string(decimals) + "f").c_str(), x);
  // No "-0.00".
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string fmt_csv_number(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  return format_number("%.6g", x);
}

/// SVG coordinates: one decimal is well under a pixel.
std::string px(double v) {
  std::string s = format_number("%.1f", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
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

struct Rgb {
  double r, g, b;
};

Rgb hex_rgb(const char* hex) {
  unsigned v = 0;
  std::sscanf(hex + 1, "%6x", &v);
  return {double((v >> 16) & 255), double((v >> 8) & 255), double(v & 255)};
}

std::string rgb_hex(Rgb c) {
  char buf[8];
  auto q = [](double x) { return static_cast<int>(std::lround(std::clamp(x, 0.0, 255.0))); };
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", q(c.r), q(c.g), q(c.b));
  return buf;
}

/// Colour at t in [0, 1] along evenly spaced stops.
Rgb ramp(const std::vector<const char*>& stops, double t) {
  t = std::clamp(t, 0.0, 1.0);
  const double pos = t * double(stops.size() - 1);
  const std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(pos), stops.size() - 2);
  const double f = pos - double(i);
  const Rgb a = hex_rgb(stops[i]), b = hex_rgb(stops[i + 1]);
  return {a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b)};
}

double luminance(Rgb c) {
  auto lin = [](double v) {
    v /= 255.0;
    return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

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

double text_width(const std::string& s, double font_px) {
  std::size_t chars = 0;  // UTF-8 code points
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++chars;
  return 0.58 * font_px * double(chars);
}

/// A plot area and its two axes.
struct Frame {
  double left, top, width, height;
  AxisTicks x, y;
  double X(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * width; }
  double Y(double v) const { return top + height - (v - y.lo) / (y.hi - y.lo) * height; }
};

std::string tick_label(double v, int decimals) { return fmt_fixed(v, decimals); }

/// Grid, axes, ticks, tick labels and axis titles.
void draw_axes(std::ostringstream& o, const Frame& f, const std::string& xlabel, const std::string& ylabel) {
  o << "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">";
  for (double t : f.x.ticks)
    o << "<line x1=\"" << px(f.X(t)) << "\" y1=\"" << px(f.top) << "\" x2=\"" << px(f.X(t)) << "\" y2=\""
      << px(f.top + f.height) << "\"/>";
  for (double t : f.y.ticks)
    o << "<line x1=\"" << px(f.left) << "\" y1=\"" << px(f.Y(t)) << "\" x2=\"" << px(f.left + f.width) << "\" y2=\""
      << px(f.Y(t)) << "\"/>";
  o << "</g>";
  const double bottom = f.top + f.height;
  o << "<g class=\"axis x-axis\" font-size=\"12\" fill=\"#333\" text-anchor=\"middle\">";
  o << "<line x1=\"" << px(f.left) << "\" y1=\"" << px(bottom) << "\" x2=\"" << px(f.left + f.width) << "\" y2=\""
    << px(bottom) << "\" stroke=\"#555\"/>";
  for (double t : f.x.ticks) {
    o << "<line x1=\"" << px(f.X(t)) << "\" y1=\"" << px(bottom) << "\" x2=\"" << px(f.X(t)) << "\" y2=\""
      << px(bottom + 5) << "\" stroke=\"#555\"/>";
    o << "<text class=\"tick\" x=\"" << px(f.X(t)) << "\" y=\"" << px(bottom + 18) << "\">"
      << tick_label(t, f.x.decimals) << "</text>";
  }
  o << "<text class=\"axis-label\" x=\"" << px(f.left + f.width / 2) << "\" y=\"" << px(bottom + 38)
    << "\" font-size=\"13\" fill=\"#111\">" << html_escape(xlabel) << "</text></g>";
  o << "<g class=\"axis y-axis\" font-size=\"12\" fill=\"#333\" text-anchor=\"end\">";
  o << "<line x1=\"" << px(f.left) << "\" y1=\"" << px(f.top) << "\" x2=\"" << px(f.left) << "\" y2=\"" << px(bottom)
    << "\" stroke=\"#555\"/>";
  for (double t : f.y.ticks) {
    o << "<line x1=\"" << px(f.left - 5) << "\" y1=\"" << px(f.Y(t)) << "\" x2=\"" << px(f.left) << "\" y2=\""
      << px(f.Y(t)) << "\" stroke=\"#555\"/>";
    o << "<text class=\"tick\" x=\"" << px(f.left - 8) << "\" y=\"" << px(f.Y(t) + 4) << "\">"
      << tick_label(t, f.y.decimals) << "</text>";
  }
  const double cy = f.top + f.height / 2;
  o << "<text class=\"axis-label\" x=\"0\" y=\"0\" transform=\"translate(" << px(f.left - 46) << "," << px(cy)
    << ") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\" fill=\"#111\">" << html_escape(ylabel)
    << "</text></g>";
}

/// Path data through finite points, breaking at non-finite ones.
std::string path_data(const Frame& f, const std::vector<std::pair<double, double>>& xy) {
  std::string d;
  bool pen = false;
  for (const auto& [x, y] : xy) {
    if (!std::isfinite(x) || !std::isfinite(y)) {
      pen = false;
      continue;
    }
    d += (pen ? " L" : (d.empty() ? "M" : " M")) + px(f.X(x)) + "," + px(f.Y(y));
    pen = true;
  }
  return d;
}

/// Legend items laid out in rows under a plot; returns the height used.
struct LegendItem {
  std::string label, colour;
  enum Kind { Line, DashedLine, Point } kind;
};

double draw_legend(std::ostringstream& o, const std::vector<LegendItem>& items, double x0, double y0,
                   double max_width) {
  double x = x0, y = y0 + 10;
  o << "<g class=\"legend\" font-size=\"12\" fill=\"#222\">";
  for (const auto& it : items) {
    const double w = 30 + text_width(it.label, 12) + 18;
    if (x > x0 && x + w > x0 + max_width) {
      x = x0;
      y += 20;
    }
    o << "<g class=\"legend-item\">";
    if (it.kind == LegendItem::Point) {
      o << "<line x1=\"" << px(x + 12) << "\" y1=\"" << px(y - 7) << "\" x2=\"" << px(x + 12) << "\" y2=\""
        << px(y + 7) << "\" stroke=\"" << it.colour << "\" stroke-width=\"1.2\"/>";
      o << "<circle cx=\"" << px(x + 12) << "\" cy=\"" << px(y) << "\" r=\"4\" fill=\"" << it.colour << "\"/>";
    } else {
      o << "<line x1=\"" << px(x) << "\" y1=\"" << px(y) << "\" x2=\"" << px(x + 24) << "\" y2=\"" << px(y)
        << "\" stroke=\"" << it.colour << "\" stroke-width=\"" << (it.kind == LegendItem::DashedLine ? "2.5" : "2.2")
        << "\"" << (it.kind == LegendItem::DashedLine ? " stroke-dasharray=\"7 4\"" : "") << "/>";
    }
    o << "<text x=\"" << px(x + 30) << "\" y=\"" << px(y + 4) << "\">" << html_escape(it.label) << "</text></g>";
    x += w;
  }
  o << "</g>";
  return y - y0 + 12;
}

double legend_height(const std::vector<LegendItem>& items, double max_width) {
  double x = 0, rows = 1;
  for (const auto& it : items) {
    const double w = 30 + text_width(it.label, 12) + 18;
    if (x > 0 && x + w > max_width) {
      x = 0;
      rows += 1;
    }
    x += w;
  }
  return 20 * rows + 2;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  bool empty() const { return !(lo <= hi); }
};

/// An axis over the data range padded by 4 % at each end (so no point sits on an axis line), with
/// the nice ticks that fall inside it.
AxisTicks ticks_for(const Range& r, int target) {
  AxisTicks t = r.empty() ? nice_ticks(0, 1, target) : nice_ticks(r.lo, r.hi, target);
  if (r.empty()) return t;
  const double span = r.hi > r.lo ? r.hi - r.lo : t.hi - t.lo;
  const double lo = r.lo - 0.04 * span, hi = r.hi + 0.04 * span;
  std::vector<double> inside;
  for (double v : t.ticks)
    if (v >= lo - 1e-9 * span && v <= hi + 1e-9 * span) inside.push_back(v);
  if (inside.size() < 2) return t;
  t.lo = lo;
  t.hi = hi;
  t.ticks = std::move(inside);
  return t;
}

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
  }
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
    lines.push_back(std::move(xy));
  }

  std::vector<LegendItem> legend{{"observed \u00b1 sd", "#111111", LegendItem::Point}};
  for (const Series* s : group)
    legend.push_back({s->model, d.colour.at(s->model), is_mean(s->model) ? LegendItem::DashedLine : LegendItem::Line});

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

  double row_label_w = 0, col_w = 96;
  for (const auto& m : d.models) row_label_w = std::max(row_label_w, text_width(m, 13));
  for (const auto& k : d.keys)
    col_w = std::max({col_w, text_width(k.site, 12.5) + 20, text_width(k.treatment, 12) + 20});
  row_label_w += 20;
  const double cell_h = 36, head_h = 44, top = 8;
  const double grid_left = row_label_w, grid_top = top + head_h;
  const double grid_w = col_w * double(d.keys.size()), grid_h = cell_h * double(d.models.size());
  const double legend_w = std::clamp(grid_w, 260.0, 420.0);
  const double W = std::max(grid_left + grid_w, grid_left + legend_w + 20) + 10;
  const double legend_top = grid_top + grid_h + 22;
  const double H = legend_top + 36;

  o << "<svg class=\"heatmap\" data-metric=\"" << mi.key << "\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
    << px(W) << " " << px(H) << "\" width=\"" << px(W) << "\" height=\"" << px(H)
    << "\" role=\"img\" font-family=\"inherit\"><title>" << html_escape(std::string("Heat map: ") + mi.label)
    << "</title>";
  // Column headers: site over treatment.
  o << "<g class=\"col-labels\" text-anchor=\"middle\" fill=\"#222\">";
  for (std::size_t j = 0; j < d.keys.size(); ++j) {
    const double cx = grid_left + col_w * (double(j) + 0.5);
    o << "<text x=\"" << px(cx) << "\" y=\"" << px(top + 18) << "\" font-size=\"12.5\" font-weight=\"600\">"
      << html_escape(d.keys[j].site) << "</text><text x=\"" << px(cx) << "\" y=\"" << px(top + 35)
      << "\" font-size=\"12\" fill=\"#555\">" << html_escape(d.keys[j].treatment) << "</text>";
  }
  o << "</g><g class=\"row-labels\" text-anchor=\"end\" font-size=\"13\" fill=\"#222\">";
  for (std::size_t i = 0; i < d.models.size(); ++i)
    o << "<text x=\"" << px(grid_left - 10) << "\" y=\"" << px(grid_top + cell_h * (double(i) + 0.5) + 4.5) << "\""
      << (is_mean(d.models[i]) ? " font-style=\"italic\"" : "") << ">" << html_escape(d.models[i]) << "</text>";
  o << "</g><g class=\"cells\" font-size=\"13\" text-anchor=\"middle\">";
  for (std::size_t i = 0; i < d.models.size(); ++i)
    for (std::size_t j = 0; j < d.keys.size(); ++j) {
      const double x = grid_left + col_w * double(j), y = grid_top + cell_h * double(i);
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

const char* kCss = R"CSS(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1d1f23;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; }
main { max-width: 1320px; margin: 0 auto; padding: 24px 28px 40px; }
header { border-bottom: 3px solid #0072b2; margin-bottom: 18px; padding-bottom: 10px; }
h1 { font-size: 26px; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 19px; margin: 0 0 10px; font-weight: 620; }
.summary { color: #555; margin: 0; }
section { background: #fff; border: 1px solid #e1e3e8; border-radius: 8px; padding: 16px 20px 18px; margin: 0 0 18px;
  box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
section > p.note { color: #555; margin: -4px 0 12px; font-size: 13px; }
pre.provenance { margin: 0; max-height: 16em; overflow: auto; background: #f7f8fa; border: 1px solid #e6e8ec;
  border-radius: 6px; padding: 10px 12px; font: 12.5px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace;
  white-space: pre-wrap; word-break: break-word; }
.scroll { overflow-x: auto; }
table.metrics { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; min-width: 70%; }
table.metrics th, table.metrics td { padding: 5px 12px; border-bottom: 1px solid #eceef1; white-space: nowrap; }
table.metrics thead th { background: #f2f4f7; border-bottom: 2px solid #d5d9e0; text-align: right; font-weight: 600; }
table.metrics thead th.text, table.metrics td.text { text-align: left; }
table.metrics td { text-align: right; }
table.metrics tbody tr:hover { background: #f7fafd; }
table.metrics tr.group-start td { border-top: 1px solid #cfd4dc; }
table.metrics tr.mean td { font-style: italic; color: #333; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 7px; vertical-align: baseline; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 14px 18px; }
.plots.scatter { grid-template-columns: repeat(auto-fill, minmax(390px, 1fr)); }
figure.plot-card { margin: 0; padding: 10px 12px 6px; border: 1px solid #eceef1; border-radius: 6px; background: #fff; }
figure.plot-card figcaption { font-weight: 600; font-size: 14.5px; margin: 0 0 4px 4px; }
figure.plot-card figcaption .sep { color: #999; font-weight: 400; }
svg { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg text { font-family: inherit; }
footer { color: #777; font-size: 12px; text-align: center; margin-top: 8px; }
@media print { body { background: #fff; } section { box-shadow: none; break-inside: avoid; } figure { break-inside: avoid; } }
)CSS";

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

AxisTicks nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) throw std::invalid_argument("nice_ticks: non-finite axis range");
  if (hi < lo) std::swap(lo, hi);
  target = std::max(target, 2);
  if (hi == lo) {
    const double pad = lo == 0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  // The nearest of 1, 2, 5 x 10^k (Heckbert's rounded nice number).
  auto nice = [](double x) {
    const double e = std::floor(std::log10(x));
    const double f = x / std::pow(10.0, e);
    const double nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
    return nf * std::pow(10.0, e);
  };
  const double step = nice((hi - lo) / double(target - 1));
  const double first = std::floor(lo / step + 1e-9), last = std::ceil(hi / step - 1e-9);
  AxisTicks t;
  t.step = step;
  t.lo = first * step;
  t.hi = last * step;
  for (double k = first; k <= last + 0.5; k += 1.0) {
    double v = k * step;
    if (std::fabs(v) < step * 1e-9) v = 0.0;
    t.ticks.push_back(v);
  }
  t.decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  return t;
}

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
      if (everywhere) mean.points.push_back({p.time_years, p.observed, sum / count, p.observed_sd});
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

void write_metrics_csv(const std::string& path, const std::vector<Series>& series) {
  std::string csv = "model,site,treatment,metric,value,unit,n\n";
  for (const auto& s : series) {
    Metrics m;
    try {
      m = compute_metrics(s.points);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("metrics for model '" + s.model + "', site '" + s.site + "', treatment '" +
                                  s.treatment + "': " + e.what());
    }
    const std::string prefix = csv_field(s.model) + "," + csv_field(s.site) + "," + csv_field(s.treatment) + ",";
    for (const auto& mi : kMetrics)
      csv += prefix + mi.key + "," + fmt_csv_number(m.*(mi.field)) + "," + mi.unit + "," + std::to_string(m.n) + "\n";
  }
  write_output_atomically(path, csv);
}

void write_report_html(const std::string& path, const std::vector<Series>& series, const std::string& title,
                       const std::string& provenance_text, const std::string& heatmap_metric) {
  const MetricInfo& hm = metric_info(heatmap_metric);
  const ReportData d = prepare(series);
  std::size_t n_obs = 0;
  for (const auto& s : series) n_obs += s.points.size();

  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
       "img-src data:\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << html_escape(title)
    << "</title>\n<style>" << kCss << "</style>\n</head>\n<body>\n<main>\n";
  o << "<header><h1>" << html_escape(title) << "</h1><p class=\"summary\">" << d.models.size() << " model"
    << (d.models.size() == 1 ? "" : "s") << " \u00b7 " << d.keys.size() << " site/treatment combination"
    << (d.keys.size() == 1 ? "" : "s") << " \u00b7 " << series.size() << " series \u00b7 " << n_obs
    << " observation/simulation pairs \u00b7 SOC stocks in t C ha-1</p></header>\n";

  o << "<section id=\"provenance\"><h2>Provenance</h2><pre class=\"provenance\">" << html_escape(provenance_text)
    << "</pre></section>\n";

  // Metrics table, grouped by site and treatment.
  o << "<section id=\"metrics\"><h2>Goodness of fit</h2><p class=\"note\">RMSE: root mean square error; relative "
       "RMSE: RMSE / mean observed; bias: mean(simulated \u2212 observed); EF: Nash\u2013Sutcliffe modelling "
       "efficiency; r\u00b2: squared Pearson correlation; d: Willmott index of agreement.</p>"
    << "<div class=\"scroll\"><table class=\"metrics\"><thead><tr><th class=\"text\">Site</th><th "
       "class=\"text\">Treatment</th><th class=\"text\">Model</th><th>n</th>";
  for (const auto& mi : kMetrics) o << "<th>" << html_escape(mi.label) << "</th>";
  o << "</tr></thead><tbody>\n";
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
        o << "</tr>\n";
        first = false;
      }
  }
  o << "</tbody></table></div></section>\n";

  o << "<section id=\"heatmap\"><h2>" << html_escape(hm.label) << " by model, site and treatment</h2>"
    << "<div class=\"scroll\">";
  draw_heatmap(o, series, d, hm);
  o << "</div></section>\n";

  o << "<section id=\"timeseries\"><h2>Observed and simulated SOC stocks</h2><p class=\"note\">Points: observed "
       "stocks with \u00b1 1 sd error bars; lines: simulated stocks.</p><div class=\"plots\">\n";
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
