#pragma once
/// The pieces shared by alamod's self-contained HTML reports (`alamod evaluate`'s report.html, the run
/// report of the totals): the page's CSS, escaping, numbers, colours, and SVG plot frames with axes,
/// lines and legends. Inline CSS and SVG only: no script, nothing fetched.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace alamod::engine {

/// Axis ticks by the nice-number algorithm (after Heckbert, Graphics Gems 1990): about `target`
/// ticks at a step of 1, 2 or 5 x 10^k, covering [lo, hi] (first tick <= lo, last >= hi).
struct AxisTicks {
  double lo, hi, step;
  std::vector<double> ticks;
  int decimals;  ///< digits after the point needed to print the ticks
};
AxisTicks nice_ticks(double lo, double hi, int target = 5);

/// HTML/XML escaping of & < > " '.
std::string html_escape(const std::string& s);

namespace html {

/// `x` with `decimals` digits after the point, "n/a" when not finite, never "-0.00".
std::string fmt_fixed(double x, int decimals);
/// SVG coordinates: one decimal is well under a pixel.
std::string px(double v);

/// A colour (0-255 per channel).
struct Rgb {
  double r, g, b;
};
Rgb hex_rgb(const char* hex);
std::string rgb_hex(Rgb c);
/// Colour at t in [0, 1] along evenly spaced stops ("#rrggbb").
Rgb ramp(const std::vector<const char*>& stops, double t);
/// Relative luminance (WCAG), to choose dark or light text over a colour.
double luminance(Rgb c);

/// Approximate width of a text in the page's sans-serif font (px).
double text_width(const std::string& s, double font_px);

/// A plot area and its two axes.
struct Frame {
  double left, top, width, height;
  AxisTicks x, y;
  double X(double v) const { return left + (v - x.lo) / (x.hi - x.lo) * width; }
  double Y(double v) const { return top + height - (v - y.lo) / (y.hi - y.lo) * height; }
};
std::string tick_label(double v, int decimals);
/// Grid, axes, ticks, tick labels and axis titles.
void draw_axes(std::ostringstream& o, const Frame& f, const std::string& xlabel, const std::string& ylabel);
/// Path data through finite points, breaking at non-finite ones.
std::string path_data(const Frame& f, const std::vector<std::pair<double, double>>& xy);

/// Legend items laid out in rows under a plot; returns the height used.
struct LegendItem {
  std::string label, colour;
  enum Kind { Line, DashedLine, Point, Band } kind;  ///< Band: a shaded swatch (an interval between quantiles)
};
double draw_legend(std::ostringstream& o, const std::vector<LegendItem>& items, double x0, double y0,
                   double max_width);
double legend_height(const std::vector<LegendItem>& items, double max_width);

/// The range of the finite values added.
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
AxisTicks ticks_for(const Range& r, int target);

/// The reports' page style: header, sections as cards, tables, plot grids, figures.
extern const char* const kReportCss;

}  // namespace html

}  // namespace alamod::engine
