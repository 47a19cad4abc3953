// Pictures for the run report: canvas, font, maps, charts; PNG and COG through GDAL.
#include "engine/totals/map_image.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "engine/common/atomic_file.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

/// 5 x 7 glyphs of ASCII 32-126, one byte per row from the top, bit 4 the leftmost pixel (drawn for alamod);
/// the letters with a descender (g p q y) are drawn 2 rows lower, their own shapes below.
const std::uint8_t kFont[95][7] = {
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, {0x04, 0x04, 0x04, 0x04, 0x04, 0x00, 0x04}, {0x0a, 0x0a, 0x0a, 0x00, 0x00, 0x00, 0x00}, {0x0a, 0x0a, 0x1f, 0x0a, 0x1f, 0x0a, 0x0a},
    {0x04, 0x0f, 0x14, 0x0e, 0x05, 0x1e, 0x04}, {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}, {0x0c, 0x12, 0x14, 0x08, 0x15, 0x12, 0x0d}, {0x04, 0x04, 0x08, 0x00, 0x00, 0x00, 0x00},
    {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}, {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}, {0x00, 0x04, 0x15, 0x0e, 0x15, 0x04, 0x00}, {0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00},
    {0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08}, {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}, {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00},
    {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}, {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}, {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}, {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e},
    {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}, {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}, {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}, {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
    {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}, {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}, {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}, {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x04, 0x08},
    {0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02}, {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00}, {0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08}, {0x0e, 0x11, 0x01, 0x02, 0x04, 0x00, 0x04},
    {0x0e, 0x11, 0x01, 0x0d, 0x15, 0x15, 0x0e}, {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}, {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e}, {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e},
    {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c}, {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}, {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10}, {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f},
    {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}, {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}, {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c}, {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11},
    {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f}, {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}, {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}, {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e},
    {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10}, {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d}, {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11}, {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e},
    {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}, {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04}, {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a},
    {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11}, {0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04}, {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f}, {0x0e, 0x08, 0x08, 0x08, 0x08, 0x08, 0x0e},
    {0x00, 0x10, 0x08, 0x04, 0x02, 0x01, 0x00}, {0x0e, 0x02, 0x02, 0x02, 0x02, 0x02, 0x0e}, {0x04, 0x0a, 0x11, 0x00, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f},
    {0x08, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f}, {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1e}, {0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e},
    {0x01, 0x01, 0x0d, 0x13, 0x11, 0x11, 0x0f}, {0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e}, {0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08}, {0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e},
    {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11}, {0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e}, {0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c}, {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12},
    {0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}, {0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11}, {0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11}, {0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e},
    {0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10}, {0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01}, {0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10}, {0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e},
    {0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06}, {0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d}, {0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04}, {0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a},
    {0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11}, {0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e}, {0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f}, {0x02, 0x04, 0x04, 0x08, 0x04, 0x04, 0x02},
    {0x04, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}, {0x08, 0x04, 0x04, 0x02, 0x04, 0x04, 0x08}, {0x00, 0x00, 0x08, 0x15, 0x02, 0x00, 0x00},

};

/// g p q y: rows 2-8 of a 9-row cell (x-height rows 2-6, descender rows 7-8).
const std::uint8_t kDescenders[4][7] = {
    {0x0f, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e},  // g
    {0x1e, 0x11, 0x11, 0x11, 0x1e, 0x10, 0x10},  // p
    {0x0f, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x01},  // q
    {0x11, 0x11, 0x11, 0x11, 0x0f, 0x01, 0x0e},  // y
};

const std::uint8_t* glyph(char ch, int& shift) {
  const char* const descending = "gpqy";
  if (const char* d = std::strchr(descending, ch); d && ch) {
    shift = 2;
    return kDescenders[d - descending];
  }
  shift = 0;
  return kFont[ch - 32];
}

void ensure_gdal() {
  static const bool once = [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    return true;
  }();
  (void)once;
}

std::string gdal_message() {
  const char* m = CPLGetLastErrorMsg();
  return (m && *m) ? std::string(": ") + m : std::string();
}

/// The ASCII glyph of the UTF-8 code point starting at s[i] (accents dropped), advancing i.
char ascii_of(const std::string& s, std::size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c >= 32 && c < 127 ? static_cast<char>(c) : '?';
  }
  std::size_t n = (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : 2;
  unsigned cp = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  static const char* const latin1 = "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";
  if (cp >= 0xC0 && cp <= 0xFF) return latin1[cp - 0xC0];
  if (cp == 0x2212 || cp == 0x2013 || cp == 0x2014) return '-';
  return '?';
}

html::Rgb grey(double v) { return {v, v, v}; }

}  // namespace

Canvas::Canvas(int width, int height, html::Rgb bg)
    : w_(width), h_(height), rgb_(static_cast<size_t>(width) * static_cast<size_t>(height) * 3) {
  box(0, 0, w_, h_, bg);
}

void Canvas::set(int x, int y, html::Rgb c) {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return;
  std::uint8_t* p = &rgb_[(static_cast<size_t>(y) * static_cast<size_t>(w_) + static_cast<size_t>(x)) * 3];
  p[0] = static_cast<std::uint8_t>(std::lround(std::clamp(c.r, 0.0, 255.0)));
  p[1] = static_cast<std::uint8_t>(std::lround(std::clamp(c.g, 0.0, 255.0)));
  p[2] = static_cast<std::uint8_t>(std::lround(std::clamp(c.b, 0.0, 255.0)));
}

void Canvas::box(int x0, int y0, int x1, int y1, html::Rgb c) {
  x0 = std::max(0, x0);
  x1 = std::min(w_, x1);
  if (x1 <= x0) return;
  const std::uint8_t p[3] = {static_cast<std::uint8_t>(std::lround(std::clamp(c.r, 0.0, 255.0))),
                             static_cast<std::uint8_t>(std::lround(std::clamp(c.g, 0.0, 255.0))),
                             static_cast<std::uint8_t>(std::lround(std::clamp(c.b, 0.0, 255.0)))};
  for (int y = std::max(0, y0); y < std::min(h_, y1); ++y) {
    std::uint8_t* row = &rgb_[(static_cast<size_t>(y) * static_cast<size_t>(w_) + static_cast<size_t>(x0)) * 3];
    for (int x = x0; x < x1; ++x, row += 3) std::memcpy(row, p, 3);
  }
}

void Canvas::blit(const Canvas& src, int x0, int y0) {
  for (int y = 0; y < src.h_; ++y) {
    if (y0 + y < 0 || y0 + y >= h_) continue;
    const int first = std::max(0, -x0), last = std::min(src.w_, w_ - x0);
    if (last <= first) continue;
    std::memcpy(&rgb_[(static_cast<size_t>(y0 + y) * static_cast<size_t>(w_) + static_cast<size_t>(x0 + first)) * 3],
                &src.rgb_[(static_cast<size_t>(y) * static_cast<size_t>(src.w_) + static_cast<size_t>(first)) * 3],
                static_cast<size_t>(last - first) * 3);
  }
}

void Canvas::line(double x0, double y0, double x1, double y1, html::Rgb c, int thickness) {
  const double len = std::max(std::fabs(x1 - x0), std::fabs(y1 - y0));
  const int steps = std::max(1, static_cast<int>(std::ceil(len)));
  const int lo = -(thickness - 1) / 2, hi = thickness / 2;
  for (int k = 0; k <= steps; ++k) {
    const double t = static_cast<double>(k) / steps;
    const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0))), y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
    for (int dy = lo; dy <= hi; ++dy)
      for (int dx = lo; dx <= hi; ++dx) set(x + dx, y + dy, c);
  }
}

int Canvas::text_width(const std::string& s, int scale) {
  int n = 0;
  for (std::size_t i = 0; i < s.size();) {
    ascii_of(s, i);
    ++n;
  }
  return n > 0 ? (6 * n - 1) * scale : 0;
}

void Canvas::text(int x, int y, const std::string& s, html::Rgb c, int scale, int align) {
  const int w = text_width(s, scale);
  int pen = align < 0 ? x : align == 0 ? x - w / 2 : x - w;
  for (std::size_t i = 0; i < s.size();) {
    const char ch = ascii_of(s, i);
    int shift = 0;
    const std::uint8_t* g = glyph(ch, shift);
    for (int row = 0; row < 7; ++row)
      for (int col = 0; col < 5; ++col)
        if (g[row] & (0x10 >> col))
          box(pen + col * scale, y + (row + shift) * scale, pen + (col + 1) * scale, y + (row + shift + 1) * scale, c);
    pen += 6 * scale;
  }
}

namespace {

std::vector<float> finite_sorted(const std::vector<float>& values, bool absolute) {
  std::vector<float> v;
  for (const float x : values)
    if (std::isfinite(x)) v.push_back(absolute ? std::fabs(x) : x);
  std::sort(v.begin(), v.end());
  return v;
}

double quantile(const std::vector<float>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  return sorted[static_cast<size_t>(std::lround(q * static_cast<double>(sorted.size() - 1)))];
}

}  // namespace

MapScale::MapScale(std::vector<const char*> stops_, double lo_, double hi_, AxisTicks ticks_)
    : stops(std::move(stops_)), lo(lo_), hi(hi_), ticks(std::move(ticks_)) {
  for (int k = 0; k < 160; ++k) steps.push_back(html::ramp(stops, k / 159.0));
}

MapScale sequential_scale(const std::vector<float>& values) {
  const auto v = finite_sorted(values, false);
  double lo = quantile(v, 0.02), hi = quantile(v, 0.98);
  if (!(hi > lo)) hi = lo + 1.0;
  const AxisTicks t = nice_ticks(lo, hi, 6);
  // light yellow to dark blue (ColorBrewer YlGnBu: colour-blind safe, prints in grey)
  return MapScale({"#ffffd9", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"}, t.lo, t.hi, t);
}

MapScale diverging_scale(const std::vector<float>& values) {
  const auto v = finite_sorted(values, true);
  double m = quantile(v, 0.98);
  if (!(m > 0)) m = 1.0;
  AxisTicks t = nice_ticks(-m, m, 7);
  const double top = std::max(std::fabs(t.lo), std::fabs(t.hi));
  if (t.lo > -top || t.hi < top) t = nice_ticks(-top, top, 7);
  // brown (loss) - white - blue-green (gain): ColorBrewer BrBG
  return MapScale({"#8c510a", "#d8b365", "#f6e8c3", "#f5f5f5", "#c7eae5", "#5ab4ac", "#01665e"}, -top, top, t);
}

int cell_pixels(const grids::GridSpec& grid, int target) { return std::max(1, target / std::max(1, grid.nx)); }

Canvas map_canvas(const grids::GridSpec& grid, const std::vector<float>& values, const MapScale& scale, int cell_px) {
  Canvas c(grid.nx * cell_px, grid.ny * cell_px, {240, 242, 245});
  for (int row = 0; row < grid.ny; ++row)
    for (int col = 0; col < grid.nx; ++col) {
      const float v = values[static_cast<size_t>(row) * static_cast<size_t>(grid.nx) + static_cast<size_t>(col)];
      if (std::isfinite(v)) c.box(col * cell_px, row * cell_px, (col + 1) * cell_px, (row + 1) * cell_px, scale.at(v));
    }
  return c;
}

Canvas map_figure(const grids::GridSpec& grid, const std::vector<float>& values, const MapScale& scale, int cell_px,
                  const std::string& title, const std::string& units) {
  const Canvas map = map_canvas(grid, values, scale, cell_px);
  const int pad = 16, title_h = 36, bar_w = 22, label_w = 110;
  const int width = pad + map.width() + pad + bar_w + 8 + label_w + pad;
  const int height = title_h + map.height() + pad + 24;
  Canvas c(width, height);
  c.text(pad, 10, title, grey(20), 2);
  c.blit(map, pad, title_h);
  // the colour bar, high values at the top
  const int bx = pad + map.width() + pad, by0 = title_h + 10, by1 = title_h + std::min(map.height() - 10, 420);
  for (int y = by0; y < by1; ++y) {
    const double v = scale.hi - (scale.hi - scale.lo) * (y - by0 + 0.5) / (by1 - by0);
    c.box(bx, y, bx + bar_w, y + 1, scale.at(v));
  }
  c.line(bx, by0, bx + bar_w, by0, grey(90));
  c.line(bx, by1, bx + bar_w, by1, grey(90));
  c.line(bx, by0, bx, by1, grey(90));
  c.line(bx + bar_w, by0, bx + bar_w, by1, grey(90));
  for (const double t : scale.ticks.ticks) {
    if (t < scale.lo - 1e-9 || t > scale.hi + 1e-9) continue;
    const double y = by0 + (scale.hi - t) / (scale.hi - scale.lo) * (by1 - by0);
    c.line(bx + bar_w, y, bx + bar_w + 5, y, grey(60));
    c.text(bx + bar_w + 8, static_cast<int>(std::lround(y)) - 7, html::fmt_fixed(t, scale.ticks.decimals), grey(30), 2);
  }
  c.text(bx, by1 + 12, units, grey(30), 2);
  c.text(pad, title_h + map.height() + 8, "grey: outside the land mask", grey(110), 1);
  return c;
}

Canvas line_chart(const std::vector<ChartLine>& lines, const std::string& title, const std::string& xlabel,
                  const std::string& ylabel, int width, int height) {
  Canvas c(width, height);
  html::Range xr, yr;
  for (const auto& l : lines)
    for (const auto& [x, y] : l.xy) {
      xr.add(x);
      yr.add(y);
    }
  const int left = 110, right = 24, top = 70, legend_h = 26 * static_cast<int>((lines.size() + 2) / 3);
  const int bottom = height - 64 - legend_h;
  const AxisTicks xt = html::ticks_for(xr, 8), yt = html::ticks_for(yr, 6);
  auto X = [&](double x) { return left + (x - xt.lo) / (xt.hi - xt.lo) * (width - left - right); };
  auto Y = [&](double y) { return bottom - (y - yt.lo) / (yt.hi - yt.lo) * (bottom - top); };
  c.text(16, 12, title, grey(20), 2);
  for (const double t : xt.ticks) {
    c.line(X(t), top, X(t), bottom, grey(232));
    c.line(X(t), bottom, X(t), bottom + 5, grey(90));
    c.text(static_cast<int>(X(t)), bottom + 10, html::fmt_fixed(t, xt.decimals), grey(40), 2, 0);
  }
  for (const double t : yt.ticks) {
    c.line(left, Y(t), width - right, Y(t), grey(232));
    c.line(left - 5, Y(t), left, Y(t), grey(90));
    c.text(left - 9, static_cast<int>(Y(t)) - 7, html::fmt_fixed(t, yt.decimals), grey(40), 2, 1);
  }
  c.line(left, top, left, bottom, grey(90));
  c.line(left, bottom, width - right, bottom, grey(90));
  c.text((left + width - right) / 2, bottom + 32, xlabel, grey(20), 2, 0);
  c.text(16, top - 30, ylabel, grey(20), 2);
  for (const auto& l : lines)
    for (std::size_t k = 1; k < l.xy.size(); ++k)
      if (std::isfinite(l.xy[k - 1].second) && std::isfinite(l.xy[k].second))
        c.line(X(l.xy[k - 1].first), Y(l.xy[k - 1].second), X(l.xy[k].first), Y(l.xy[k].second), l.colour, 3);
  int lx = left, ly = bottom + 58;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    if (k > 0 && k % 3 == 0) {
      lx = left;
      ly += 26;
    }
    c.box(lx, ly + 5, lx + 28, ly + 9, lines[k].colour);
    c.text(lx + 36, ly, lines[k].label, grey(30), 2);
    lx += (width - left) / 3;
  }
  return c;
}

namespace {

/// The image's colours as a palette (at most 256) and an index per pixel; false when it has more.
bool palette_of(const Canvas& image, std::vector<std::uint32_t>& palette, std::vector<std::uint8_t>& index) {
  constexpr std::size_t kSlots = 1024;  // open addressing, far more slots than colours
  std::vector<std::int32_t> slot_colour(kSlots, -1);
  std::vector<std::uint8_t> slot_index(kSlots, 0);
  const auto& px = image.pixels();
  const std::size_t n = px.size() / 3;
  index.resize(n);
  palette.clear();
  std::uint32_t last = 0xffffffff;
  std::uint8_t last_index = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t c = (std::uint32_t{px[3 * i]} << 16) | (std::uint32_t{px[3 * i + 1]} << 8) | px[3 * i + 2];
    if (c == last) {
      index[i] = last_index;
      continue;
    }
    std::size_t h = (c * 2654435761u) % kSlots;
    while (slot_colour[h] >= 0 && static_cast<std::uint32_t>(slot_colour[h]) != c) h = (h + 1) % kSlots;
    if (slot_colour[h] < 0) {
      if (palette.size() == 256) return false;
      slot_colour[h] = static_cast<std::int32_t>(c);
      slot_index[h] = static_cast<std::uint8_t>(palette.size());
      palette.push_back(c);
    }
    last = c;
    last_index = index[i] = slot_index[h];
  }
  return true;
}

}  // namespace

std::string png_bytes(const Canvas& image) {
  ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* png = GetGDALDriverManager()->GetDriverByName("PNG");
  if (!mem || !png) throw std::runtime_error("GDAL has no MEM or PNG driver");
  std::vector<std::uint32_t> palette;
  std::vector<std::uint8_t> index;
  const bool paletted = palette_of(image, palette, index);  // maps and charts: a colour table, one byte a pixel
  std::unique_ptr<GDALDataset> ds(mem->Create("", image.width(), image.height(), paletted ? 1 : 3, GDT_Byte, nullptr));
  if (paletted) {
    GDALColorTable table;
    for (std::size_t k = 0; k < palette.size(); ++k) {
      const GDALColorEntry e = {static_cast<short>(palette[k] >> 16), static_cast<short>((palette[k] >> 8) & 255),
                                static_cast<short>(palette[k] & 255), 255};
      table.SetColorEntry(static_cast<int>(k), &e);
    }
    ds->GetRasterBand(1)->SetColorTable(&table);
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, image.width(), image.height(), index.data(), image.width(),
                                       image.height(), GDT_Byte, 0, 0) != CE_None)
      throw std::runtime_error("GDAL MEM write" + gdal_message());
  } else {
    std::vector<std::uint8_t> band(index.size());
    for (int b = 0; b < 3; ++b) {
      for (size_t i = 0; i < band.size(); ++i) band[i] = image.pixels()[3 * i + static_cast<size_t>(b)];
      if (ds->GetRasterBand(b + 1)->RasterIO(GF_Write, 0, 0, image.width(), image.height(), band.data(), image.width(),
                                             image.height(), GDT_Byte, 0, 0) != CE_None)
        throw std::runtime_error("GDAL MEM write" + gdal_message());
    }
  }
  static int counter = 0;
  const std::string name = "/vsimem/alamod_report_" + std::to_string(++counter) + ".png";
  const char* options[] = {"ZLEVEL=6", nullptr};
  CPLErrorReset();
  std::unique_ptr<GDALDataset> out(png->CreateCopy(name.c_str(), ds.get(), FALSE, const_cast<char**>(options), nullptr, nullptr));
  if (!out) throw std::runtime_error("PNG encoding" + gdal_message());
  out.reset();
  vsi_l_offset size = 0;
  GByte* data = VSIGetMemFileBuffer(name.c_str(), &size, FALSE);
  std::string bytes(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
  VSIUnlink(name.c_str());
  VSIUnlink((name + ".aux.xml").c_str());
  return bytes;
}

namespace {

std::string temporary_beside(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) + "." +
         path.substr(slash == std::string::npos ? 0 : slash + 1) + ".incomplete";
}

void rename_into_place(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw InputError("cannot rename " + tmp + " to " + path + ": " + why);
  }
}

}  // namespace

void write_png(const std::string& path, const Canvas& image) { write_output_atomically(path, png_bytes(image)); }

void write_cog(const std::string& path, const grids::GridSpec& grid, const std::vector<float>& values,
               const std::string& description, const std::string& units) {
  ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  GDALDriver* cog = GetGDALDriverManager()->GetDriverByName("COG");
  if (!mem || !cog) throw InputError(path + ": this GDAL has no COG driver (GDAL >= 3.1 writes cloud-optimised GeoTIFF)");
  std::unique_ptr<GDALDataset> ds(mem->Create("", grid.nx, grid.ny, 1, GDT_Float32, nullptr));
  double gt[6] = {grid.x_min, grid.resolution, 0.0, grid.y_max, 0.0, -grid.resolution};
  ds->SetGeoTransform(gt);
  OGRSpatialReference srs;
  srs.SetFromUserInput(grid.crs.c_str());  // keeps the EPSG code GeoTIFF readers show (EPSG:2154)
  srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  ds->SetSpatialRef(&srs);
  constexpr float kNodata = -9999.0f;
  std::vector<float> v(values);
  for (auto& x : v)
    if (!std::isfinite(x)) x = kNodata;
  GDALRasterBand* b = ds->GetRasterBand(1);
  b->SetNoDataValue(kNodata);
  b->SetDescription(description.c_str());
  b->SetUnitType(units.c_str());
  if (b->RasterIO(GF_Write, 0, 0, grid.nx, grid.ny, v.data(), grid.nx, grid.ny, GDT_Float32, 0, 0) != CE_None)
    throw std::runtime_error("GDAL MEM write" + gdal_message());
  ds->SetMetadataItem("UNITS", units.c_str());
  ds->SetMetadataItem("DESCRIPTION", description.c_str());
  const std::string tmp = temporary_beside(path);
  std::remove(tmp.c_str());  // a leftover or planted file (a link) at the temporary name: removed, not followed
  // overviews where they matter (rasters larger than a screen); below, a COG without them is smaller and quicker
  const bool large = grid.nx > 2048 || grid.ny > 2048;
  const char* options[] = {"COMPRESS=DEFLATE", "PREDICTOR=YES", large ? "OVERVIEWS=AUTO" : "OVERVIEWS=NONE", nullptr};
  CPLErrorReset();
  std::unique_ptr<GDALDataset> out(cog->CreateCopy(tmp.c_str(), ds.get(), FALSE, const_cast<char**>(options), nullptr, nullptr));
  if (!out) {
    std::remove(tmp.c_str());
    throw InputError(path + ": cannot write the GeoTIFF" + gdal_message());
  }
  out.reset();
  rename_into_place(tmp, path);
}

std::string base64(const std::string& bytes) {
  static const char* const k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

RasterField read_raster_field(const std::string& path, const std::string& missing) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly)));
  if (!ds) throw InputError(path + ": cannot be opened (" + missing + ")");
  double gt[6];
  ds->GetGeoTransform(gt);
  const int nx = ds->GetRasterXSize(), ny = ds->GetRasterYSize();
  const char* wkt = ds->GetProjectionRef();
  RasterField f{grids::GridSpec::from_extent(wkt ? wkt : "", gt[0], gt[3] + ny * gt[5], gt[0] + nx * gt[1], gt[3], gt[1]),
                std::vector<float>(static_cast<size_t>(nx) * ny)};
  GDALRasterBand* b = ds->GetRasterBand(1);
  if (b->RasterIO(GF_Read, 0, 0, nx, ny, f.values.data(), nx, ny, GDT_Float32, 0, 0) != CE_None)
    throw InputError(path + ": cannot be read");
  int has_nodata = 0;
  const double nodata = b->GetNoDataValue(&has_nodata);
  for (float& v : f.values)
    if (has_nodata && v == static_cast<float>(nodata)) v = std::numeric_limits<float>::quiet_NaN();
  return f;
}

}  // namespace alamod::engine
