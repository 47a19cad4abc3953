#include "engine/vegetation/satellite_command.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "engine/common/atomic_file.hpp"
#include "engine/vegetation/satellite_series.hpp"
#include "grids/input_error.hpp"
#include "grids/satellite.hpp"

namespace alamod::engine::vegetation {

void run_satellite_command(const SatelliteCommandOptions& o) {
  if (o.files.empty()) throw InputError("alamod vegetation satellite: no file given");
  if (o.quantity != "fapar" && o.quantity != "ndvi")
    throw InputError("--quantity must be fapar or ndvi, got '" + o.quantity + "'");
  const bool on_grid = !o.grid.empty();
  if (!on_grid && (std::isnan(o.lon) || std::isnan(o.lat)))
    throw InputError("alamod vegetation satellite needs --lon and --lat, or --grid");
  if (o.months < 1 || o.month < 1 || o.month > 12) throw InputError("--month must be 1-12 and --months >= 1");
  if (!(o.max_gap > 0)) throw InputError("--max-gap must be > 0 days");
  const bool fapar = o.quantity == "fapar";
  grids::GridSpec grid;
  if (on_grid) {
    std::istringstream g(o.grid);
    std::string crs;
    double x0, y0, x1, y1, res;
    if (!(g >> crs >> x0 >> y0 >> x1 >> y1 >> res))
      throw InputError("--grid '" + o.grid + "': expected \"CRS XMIN YMIN XMAX YMAX RESOLUTION\", e.g. \"EPSG:2154 "
                       "96000 6040000 1248000 7112000 8000\"");
    grid = grids::GridSpec::from_extent(crs, x0, y0, x1, y1, res);
  } else {
    grid = grids::point_grid(o.lon, o.lat, o.cell);
  }
  std::vector<Composite> composites;
  for (const auto& f : o.files) {
    grids::SatelliteReadOptions r;
    r.variable = o.variable;
    r.band = o.band;
    r.scale = o.scale;
    r.offset = o.offset;
    r.nodata = o.nodata;
    r.qc_variable = o.qc_variable;
    r.qc_mask = o.qc_mask;
    r.qc_good = o.qc_good;
    r.valid_min = fapar ? 0.0 : -1.0;
    r.valid_max = 1.0;
    r.quantity = fapar ? "fAPAR" : "NDVI";
    Composite c;
    if (!grids::date_from_file_name(f, c.year, c.day_of_year))
      throw InputError(f + ": no date in the file name (expected A2017193, _2016_193 or 201606210000)");
    c.days = o.composite_days;
    c.source = f;
    c.values = grids::warp_image_to_grid(grids::read_satellite_image(f, r), grid);
    composites.push_back(std::move(c));
  }
  const MonthlySeries s = monthly_series(composites, o.year, o.month, o.months, o.max_gap, o.quantity);
  if (on_grid) {
    std::vector<std::string> names;
    int y = o.year, m = o.month;
    for (int i = 0; i < o.months; ++i) {
      char name[48];
      std::snprintf(name, sizeof name, "%s %04d-%02d", o.quantity.c_str(), y, m);
      names.push_back(name);
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
    grids::write_grid_geotiff(o.out, grid, s.values, names);
    return;
  }
  if (std::isnan(s.values[0]))
    throw InputError(o.files.front() + " and the others: no valid " + o.quantity + " at lon " +
                     std::to_string(o.lon) + ", lat " + std::to_string(o.lat) + " (outside the images?)");
  std::ostringstream out;
  out << "year,month," << o.quantity << "\n";
  int y = o.year, m = o.month;
  for (int i = 0; i < o.months; ++i) {
    char v[32];
    std::snprintf(v, sizeof v, "%.6f", s.values[i]);
    out << y << ',' << m << ',' << v << '\n';
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  write_output_atomically(o.out, out.str());
}

}  // namespace alamod::engine::vegetation
