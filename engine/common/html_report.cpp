// The pieces shared by alamod's self-contained HTML reports (engine/common/html_report.hpp).
#include "engine/common/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "engine/common/number_format.hpp"

namespace alamod::engine {

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

namespace html {

std::string fmt_fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "n/a";
  std::string s = format_number(("%." + std::to_string(decimals) + "f").c_str(), x);
  // No "-0.00".
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
  return s;
}

std::string px(double v) {
  std::string s = format_number("%.1f", v);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}


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

double text_width(const std::string& s, double font_px) {
  std::size_t chars = 0;  // UTF-8 code points
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++chars;
  return 0.58 * font_px * double(chars);
}


std::string tick_label(double v, int decimals) { return fmt_fixed(v, decimals); }

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
    if (it.kind == LegendItem::Band) {
      o << "<rect x=\"" << px(x) << "\" y=\"" << px(y - 6) << "\" width=\"24\" height=\"12\" fill=\"" << it.colour
        << "\" fill-opacity=\"0.28\"/>";
    } else if (it.kind == LegendItem::Point) {
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

const char* const kReportCss = R"CSS(
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

}  // namespace html

}  // namespace alamod::engine
