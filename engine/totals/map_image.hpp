#pragma once
/// Pictures without a plotting library: an RGB canvas with lines, boxes and a 5 x 7 pixel font, maps of
/// a grid field with a colour bar, line charts; written as PNG, and grid fields as cloud-optimised
/// GeoTIFF (both through GDAL).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/html_report.hpp"
#include "grids/grid_spec.hpp"

namespace alamod::engine {

/// An RGB image, 8 bits per channel, row-major from the top left.
class Canvas {
 public:
  Canvas(int width, int height, html::Rgb background = {255, 255, 255});
  int width() const { return w_; }
  int height() const { return h_; }
  void set(int x, int y, html::Rgb c);
  void box(int x0, int y0, int x1, int y1, html::Rgb c);  ///< filled, [x0, x1) x [y0, y1)
  void blit(const Canvas& src, int x, int y);             ///< `src` with its top left at (x, y)
  void line(double x0, double y0, double x1, double y1, html::Rgb c, int thickness = 1);
  /// Text in the 5 x 7 font scaled by `scale` (ASCII; accented Latin letters lose their accent), its
  /// top at y; `align` -1 left of x, 0 centred on x, 1 right of x (x is then the right end).
  void text(int x, int y, const std::string& s, html::Rgb c, int scale = 2, int align = -1);
  static int text_width(const std::string& s, int scale = 2);
  const std::vector<std::uint8_t>& pixels() const { return rgb_; }

 private:
  int w_, h_;
  std::vector<std::uint8_t> rgb_;
};

/// A colour scale over [lo, hi] (values outside take the end colours) with its ticks, in 160 steps (a map
/// then fits a PNG colour table).
struct MapScale {
  MapScale(std::vector<const char*> stops, double lo, double hi, AxisTicks ticks);
  std::vector<const char*> stops;  ///< "#rrggbb", evenly spaced from lo to hi
  double lo = 0, hi = 1;
  AxisTicks ticks;
  std::vector<html::Rgb> steps;    ///< the 160 colours
  const html::Rgb& at(double v) const {
    const double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    return steps[static_cast<std::size_t>(std::lround(std::clamp(t, 0.0, 1.0) * 159.0))];
  }
};
/// A sequential scale from the 2nd to the 98th percentile of the finite values, on nice ticks.
MapScale sequential_scale(const std::vector<float>& values);
/// A diverging scale symmetric about 0 over the 98th percentile of |value| (brown: loss, blue-green: gain).
MapScale diverging_scale(const std::vector<float>& values);

/// The field alone, `cell_px` pixels per cell, cells without a value in `background`.
Canvas map_canvas(const grids::GridSpec& grid, const std::vector<float>& values, const MapScale& scale, int cell_px);
/// The field with a title above and a vertical colour bar with ticks and units on its right.
Canvas map_figure(const grids::GridSpec& grid, const std::vector<float>& values, const MapScale& scale, int cell_px,
                  const std::string& title, const std::string& units);
/// Pixels per cell so that the map is about `target` pixels wide (at least 1).
int cell_pixels(const grids::GridSpec& grid, int target);

/// One line of a chart.
struct ChartLine {
  std::string label;
  html::Rgb colour;
  std::vector<std::pair<double, double>> xy;
};
/// A line chart with axes, ticks, axis titles and a legend.
Canvas line_chart(const std::vector<ChartLine>& lines, const std::string& title, const std::string& xlabel,
                  const std::string& ylabel, int width = 960, int height = 540);

/// The image as PNG bytes (GDAL's PNG driver, deflate; with a colour table when it has at most 256 colours).
std::string png_bytes(const Canvas& image);
/// The image to `path` as PNG (under a temporary name, then renamed). Throws InputError.
void write_png(const std::string& path, const Canvas& image);
/// A grid field to `path` as a cloud-optimised GeoTIFF (GDAL COG driver: Float32, nodata -9999,
/// deflate, the grid's CRS), with the band's description and units. Throws InputError.
void write_cog(const std::string& path, const grids::GridSpec& grid, const std::vector<float>& values,
               const std::string& description, const std::string& units);
/// A raster read back (band 1 as float, nodata as NaN) with its grid, e.g. a report's soc_change.tif.
struct RasterField {
  grids::GridSpec grid;
  std::vector<float> values;
};
/// Throws InputError "PATH: cannot be opened (`missing`)" or "PATH: cannot be read".
RasterField read_raster_field(const std::string& path, const std::string& missing);
/// Base64 of bytes (RFC 4648), for data: URIs.
std::string base64(const std::string& bytes);

}  // namespace alamod::engine
