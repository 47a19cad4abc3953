#include "grids/climate_products.hpp"

#include <gdal_priv.h>
#include <netcdf.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>

#include "grids/input_error.hpp"

namespace alamod::grids {

namespace {

std::string text_att(int ncid, int varid, const char* name) {
  size_t len = 0;
  nc_type type;
  if (nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR || type != NC_CHAR) return "";
  std::string s(len, '\0');
  nc_get_att_text(ncid, varid, name, s.data());
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

bool number_att(int ncid, int varid, const char* name, double& value) {
  size_t len = 0;
  nc_type type;
  if (nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR || len < 1 || type == NC_CHAR) return false;
  std::vector<double> v(len);
  nc_get_att_double(ncid, varid, name, v.data());
  value = v[0];
  return true;
}

/// Units without spaces, "**" and "^": "kg m**-2 s**-1" -> "kgm-2s-1", "mm/day" -> "mm/day".
std::string squeeze(std::string u) {
  std::string out;
  for (size_t i = 0; i < u.size(); ++i) {
    if (u[i] == ' ' || u[i] == '^') continue;
    if (u[i] == '*' && i + 1 < u.size() && u[i + 1] == '*') {
      ++i;
      continue;
    }
    out += u[i];
  }
  return out;
}

std::string proj_number(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

}  // namespace

struct ProductSeries::File {
  std::string path;
  int ncid = -1, varid = -1;
  CfTimeUnits time;
  std::vector<double> times;
  double fill = std::numeric_limits<double>::quiet_NaN(), missing = fill;
  double scale_factor = 1, add_offset = 0;
  ~File() {
    if (ncid >= 0) nc_close(ncid);
  }
};

ProductSeries::~ProductSeries() = default;

const std::string& ProductSeries::current_file() const {
  return files_[std::min(file_, files_.size() - 1)]->path;
}

ProductSeries::ProductSeries(std::vector<std::string> files, std::string name, ProductQuantity quantity,
                             std::string units_override)
    : name_(std::move(name)), quantity_(quantity) {
  if (files.empty()) throw InputError("variable '" + name_ + "': no file given");
  std::string first_units;
  for (const auto& path : files) {
    auto f = std::make_unique<File>();
    f->path = path;
    int rc = nc_open(path.c_str(), NC_NOWRITE, &f->ncid);
    if (rc != NC_NOERR) throw InputError(path + ": cannot open as NetCDF (" + nc_strerror(rc) + ")");
    if (nc_inq_varid(f->ncid, name_.c_str(), &f->varid) != NC_NOERR)
      throw InputError(path + ": no variable '" + name_ + "' (set its name with the --" +
                       (quantity == ProductQuantity::temperature ? std::string("tas") : std::string("pr")) +
                       "-variable options or a --product preset)");
    int ndims = 0;
    nc_inq_varndims(f->ncid, f->varid, &ndims);
    if (ndims != 3)
      throw InputError(path + ": variable '" + name_ + "' has " + std::to_string(ndims) +
                       " dimensions, expected 3 (time, y, x)");
    int dimids[3];
    nc_inq_vardimid(f->ncid, f->varid, dimids);
    char dname[3][NC_MAX_NAME + 1];
    size_t dlen[3];
    for (int i = 0; i < 3; ++i) nc_inq_dim(f->ncid, dimids[i], dname[i], &dlen[i]);
    int tid;
    if (nc_inq_varid(f->ncid, dname[0], &tid) != NC_NOERR)
      throw InputError(path + ": no coordinate variable for the time dimension '" + std::string(dname[0]) + "'");
    f->time = parse_cf_time_units(path, text_att(f->ncid, tid, "units"), text_att(f->ncid, tid, "calendar"));
    f->times.resize(dlen[0]);
    if (dlen[0] > 0) nc_get_var_double(f->ncid, tid, f->times.data());
    number_att(f->ncid, f->varid, "_FillValue", f->fill);
    number_att(f->ncid, f->varid, "missing_value", f->missing);
    number_att(f->ncid, f->varid, "scale_factor", f->scale_factor);
    number_att(f->ncid, f->varid, "add_offset", f->add_offset);
    const std::string units = units_override.empty() ? text_att(f->ncid, f->varid, "units") : units_override;
    if (files_.empty()) {
      first_units = units;
      calendar_ = f->time.calendar;
      ProductGrid& g = grid_;
      g.y_dim = dname[1];
      g.x_dim = dname[2];
      int xid, yid;
      if (nc_inq_varid(f->ncid, dname[2], &xid) != NC_NOERR || nc_inq_varid(f->ncid, dname[1], &yid) != NC_NOERR)
        throw InputError(path + ": no coordinate variables for the dimensions '" + g.y_dim + "', '" + g.x_dim + "'");
      g.x.resize(dlen[2]);
      g.y.resize(dlen[1]);
      nc_get_var_double(f->ncid, xid, g.x.data());
      nc_get_var_double(f->ncid, yid, g.y.data());
      g.x_units = text_att(f->ncid, xid, "units");
      g.y_units = text_att(f->ncid, yid, "units");
      g.x_standard_name = text_att(f->ncid, xid, "standard_name");
      g.y_standard_name = text_att(f->ncid, yid, "standard_name");
      // the CRS
      OGRSpatialReference crs;
      crs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      const std::string gm = text_att(f->ncid, f->varid, "grid_mapping");
      if (!gm.empty()) {
        int gid;
        if (nc_inq_varid(f->ncid, gm.c_str(), &gid) != NC_NOERR)
          throw InputError(path + ": variable '" + name_ + "' names grid_mapping '" + gm + "', which is absent");
        std::string wkt = text_att(f->ncid, gid, "crs_wkt");
        if (wkt.empty()) wkt = text_att(f->ncid, gid, "spatial_ref");
        const std::string kind = text_att(f->ncid, gid, "grid_mapping_name");
        if (!wkt.empty()) {
          if (crs.importFromWkt(wkt.c_str()) != OGRERR_NONE)
            throw InputError(path + ": grid mapping '" + gm + "': its crs_wkt is not OGC WKT");
          g.mapping_description = kind.empty() ? "crs_wkt" : kind;
        } else if (kind == "latitude_longitude") {
          crs.SetFromUserInput("EPSG:4326");
          g.mapping_description = "longitude/latitude";
        } else if (kind == "rotated_latitude_longitude") {
          double lat_p = 0, lon_p = 0, grid_lon = 0;
          if (!number_att(f->ncid, gid, "grid_north_pole_latitude", lat_p) ||
              !number_att(f->ncid, gid, "grid_north_pole_longitude", lon_p))
            throw InputError(path + ": grid mapping '" + gm +
                             "' (rotated_latitude_longitude) lacks grid_north_pole_latitude or "
                             "grid_north_pole_longitude");
          number_att(f->ncid, gid, "north_pole_grid_longitude", grid_lon);
          const std::string proj = "+proj=ob_tran +o_proj=longlat +o_lat_p=" + proj_number(lat_p) +
                                   " +o_lon_p=" + proj_number(grid_lon) + " +lon_0=" + proj_number(180.0 + lon_p) +
                                   " +datum=WGS84 +no_defs";
          if (crs.importFromProj4(proj.c_str()) != OGRERR_NONE)
            throw InputError(path + ": grid mapping '" + gm + "': the rotated pole cannot be built (" + proj + ")");
          g.mapping_description = "rotated pole (grid north pole at " + proj_number(lat_p) + " N, " +
                                  proj_number(lon_p) + " E)";
        } else if (kind == "lambert_conformal_conic") {
          std::vector<double> parallels(2, 0.0);
          size_t n = 0;
          nc_type t;
          if (nc_inq_att(f->ncid, gid, "standard_parallel", &t, &n) == NC_NOERR && n >= 1 && n <= 2) {
            nc_get_att_double(f->ncid, gid, "standard_parallel", parallels.data());
            if (n == 1) parallels[1] = parallels[0];
          } else {
            throw InputError(path + ": grid mapping '" + gm + "' (lambert_conformal_conic) lacks standard_parallel");
          }
          double lon0 = 0, lat0 = 0, fe = 0, fn = 0, a = 6378137.0, inv_f = 298.257223563;
          number_att(f->ncid, gid, "longitude_of_central_meridian", lon0);
          number_att(f->ncid, gid, "latitude_of_projection_origin", lat0);
          number_att(f->ncid, gid, "false_easting", fe);
          number_att(f->ncid, gid, "false_northing", fn);
          number_att(f->ncid, gid, "semi_major_axis", a);
          number_att(f->ncid, gid, "inverse_flattening", inv_f);
          const std::string proj = "+proj=lcc +lat_1=" + proj_number(parallels[0]) + " +lat_2=" +
                                   proj_number(parallels[1]) + " +lat_0=" + proj_number(lat0) + " +lon_0=" +
                                   proj_number(lon0) + " +x_0=" + proj_number(fe) + " +y_0=" + proj_number(fn) +
                                   " +a=" + proj_number(a) + " +rf=" + proj_number(inv_f) + " +units=m +no_defs";
          if (crs.importFromProj4(proj.c_str()) != OGRERR_NONE)
            throw InputError(path + ": grid mapping '" + gm + "': the Lambert projection cannot be built");
          g.mapping_description = "Lambert conformal conic";
        } else {
          throw InputError(path + ": grid mapping '" + gm + "' (" + (kind.empty() ? "no grid_mapping_name" : kind) +
                           ") is not supported without a crs_wkt attribute (supported: latitude_longitude, "
                           "rotated_latitude_longitude, lambert_conformal_conic, or any crs_wkt)");
        }
      } else if (g.x_units.rfind("degree", 0) == 0) {
        crs.SetFromUserInput("EPSG:4326");
        g.mapping_description = "longitude/latitude";
      } else {
        throw InputError(path + ": variable '" + name_ +
                         "' has no grid_mapping attribute and its x axis is not in degrees: the CRS is unknown");
      }
      char* wkt = nullptr;
      const char* const options[] = {"FORMAT=WKT2_2019", nullptr};
      crs.exportToWkt(&wkt, options);
      g.crs_wkt = wkt ? wkt : "";
      CPLFree(wkt);
      // latitude of each cell, for the potential evapotranspiration
      g.latitude.assign(g.cells(), 0.0);
      int latid;
      int lat_dims = 0;
      const bool lat2d = (nc_inq_varid(f->ncid, "lat", &latid) == NC_NOERR ||
                          nc_inq_varid(f->ncid, "latitude", &latid) == NC_NOERR) &&
                         nc_inq_varndims(f->ncid, latid, &lat_dims) == NC_NOERR && lat_dims == 2;
      if (lat2d) {
        nc_get_var_double(f->ncid, latid, g.latitude.data());
      } else if (g.mapping_description == "longitude/latitude") {
        for (size_t r = 0; r < g.y.size(); ++r)
          for (size_t c = 0; c < g.x.size(); ++c) g.latitude[r * g.x.size() + c] = g.y[r];
      } else {
        OGRSpatialReference geo;
        geo.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        geo.SetFromUserInput("EPSG:4326");
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&crs, &geo));
        if (!ct) throw InputError(path + ": the grid's CRS cannot be transformed to longitude/latitude");
        for (size_t r = 0; r < g.y.size(); ++r)
          for (size_t c = 0; c < g.x.size(); ++c) {
            double x = g.x[c], y = g.y[r];
            if (!ct->Transform(1, &x, &y))
              throw InputError(path + ": cell (row " + std::to_string(r) + ", column " + std::to_string(c) +
                               ") cannot be transformed to longitude/latitude");
            g.latitude[r * g.x.size() + c] = y;
          }
      }
      // how often: the CMIP `frequency` attribute, else the time step
      const std::string freq = text_att(f->ncid, NC_GLOBAL, "frequency");
      double step = 0;
      if (f->times.size() > 1) step = (f->times[1] - f->times[0]) * f->time.unit_days;
      if (freq == "day" || (freq.empty() && std::fabs(step - 1.0) < 1e-6)) records_per_day_ = 1;
      else if (freq == "1hr" || (freq.empty() && std::fabs(step - 1.0 / 24) < 1e-6)) records_per_day_ = 24;
      else if (freq == "mon" || (freq.empty() && step >= 27.5 && step <= 31.5)) records_per_day_ = 0;
      else
        throw InputError(path + ": variable '" + name_ + "': its records are neither hourly, daily nor monthly "
                         "(frequency attribute '" + freq + "', time step " + proj_number(step) + " days)");
    } else {
      const File& f0 = *files_.front();
      if (f->time.calendar != calendar_)
        throw InputError(path + ": calendar differs from " + f0.path + "'s (" + cf_calendar_name(calendar_) + ")");
      if (dlen[1] != grid_.y.size() || dlen[2] != grid_.x.size())
        throw InputError(path + ": variable '" + name_ + "' is on a " + std::to_string(dlen[1]) + " x " +
                         std::to_string(dlen[2]) + " grid, " + f0.path + " on " + std::to_string(grid_.y.size()) +
                         " x " + std::to_string(grid_.x.size()));
      if (units != first_units)
        throw InputError(path + ": variable '" + name_ + "' is in '" + units + "', " + f0.path + " in '" +
                         first_units + "'");
    }
    files_.push_back(std::move(f));
  }
  // files in time order
  std::stable_sort(files_.begin(), files_.end(), [](const auto& a, const auto& b) {
    const double ta = a->times.empty() ? 0 : cf_day_number(a->time.calendar, a->time.year, a->time.month, a->time.day) +
                                                 a->times.front() * a->time.unit_days;
    const double tb = b->times.empty() ? 0 : cf_day_number(b->time.calendar, b->time.year, b->time.month, b->time.day) +
                                                 b->times.front() * b->time.unit_days;
    return ta < tb;
  });
  // units
  units_ = first_units;
  const std::string u = squeeze(first_units);
  const std::string where = files_.front()->path + ": variable '" + name_ + "': units '" + first_units + "'";
  if (quantity_ == ProductQuantity::temperature) {
    if (u == "K" || u == "kelvin" || u == "Kelvin") offset_ = -273.15;
    else if (!(u == "degC" || u == "degree_Celsius" || u == "degrees_Celsius" || u == "Celsius" || u == "celsius" ||
               u == "deg_C" || u == "C"))
      throw InputError(where + " are not a temperature (K or degC)");
  } else {
    if (u == "kgm-2s-1" || u == "kg/m2/s" || u == "kgm-2/s" || u == "mms-1" || u == "mm/s") {
      scale_ = 86400.0, per_day_ = true;
    } else if (u == "mmd-1" || u == "mmday-1" || u == "mm/day" || u == "mm/d" || u == "kgm-2d-1" ||
               u == "kgm-2day-1") {
      scale_ = 1.0, per_day_ = true;
    } else if (u == "md-1" || u == "mday-1" || u == "m/day" || u == "m/d") {
      scale_ = 1000.0, per_day_ = true;
    } else if (u == "mm" || u == "kgm-2" || u == "mmmonth-1" || u == "mm/month") {
      scale_ = 1.0;
    } else if (u == "m") {
      scale_ = 1000.0;
    } else {
      throw InputError(where + " are not a water flux or amount (kg m-2 s-1, mm d-1, m d-1, mm, m)");
    }
    if ((u == "mmmonth-1" || u == "mm/month") && records_per_day_ != 0)
      throw InputError(where + " are per month but the records are not monthly");
  }
}

void ProductSeries::span(int& first_year, int& last_year) const {
  const File* a = nullptr;
  const File* b = nullptr;
  for (const auto& f : files_)
    if (!f->times.empty()) {
      if (!a) a = f.get();
      b = f.get();
    }
  if (!a) throw InputError(files_.front()->path + ": variable '" + name_ + "': no time values in any file");
  const CfDate d0 = cf_date(a->time, a->times.front());
  const CfDate d1 = cf_date(b->time, b->times.back());
  first_year = d0.year + ((d0.month == 1 && d0.day == 1) ? 0 : 1);
  const bool ends_year = records_per_day_ == 0 ? d1.month == 12 : d1.month == 12 && d1.day == cf_days_in_month(calendar_, d1.year, 12);
  last_year = d1.year - (ends_year ? 0 : 1);
  if (records_per_day_ == 0) first_year = d0.year + (d0.month == 1 ? 0 : 1);
}

bool ProductSeries::next(ProductRecord& rec) {
  while (file_ < files_.size() && record_ >= files_[file_]->times.size()) {
    ++file_;
    record_ = 0;
  }
  if (file_ >= files_.size()) return false;
  const File& f = *files_[file_];
  const double t = f.times[record_];
  rec.date = cf_date(f.time, t);
  const long day = cf_day_number(calendar_, rec.date.year, rec.date.month, rec.date.day);
  char when[32];
  std::snprintf(when, sizeof when, "%04d-%02d-%02d", rec.date.year, rec.date.month, rec.date.day);
  if (started_) {
    const bool backwards = records_per_day_ == 0 ? day <= last_day_ : (records_per_day_ == 1 ? day <= last_day_
                                                                                             : day < last_day_);
    if (backwards)
      throw InputError(f.path + ": variable '" + name_ + "': time goes backwards or repeats at " + when +
                       " (record " + std::to_string(record_) + "; are two files overlapping?)");
  }
  started_ = true;
  last_day_ = day;
  read_record(file_, record_, rec);
  ++record_;
  return true;
}


void ProductSeries::read_record(size_t k, size_t record, ProductRecord& rec) {
  const File& f = *files_[k];
  char when[32];
  std::snprintf(when, sizeof when, "%04d-%02d-%02d", rec.date.year, rec.date.month, rec.date.day);
  rec.days = records_per_day_ == 0 ? cf_days_in_month(calendar_, rec.date.year, rec.date.month) : 1.0 / records_per_day_;
  const size_t n = grid_.cells();
  rec.values.resize(n);
  const size_t start[3] = {record, 0, 0}, count[3] = {1, grid_.y.size(), grid_.x.size()};
  const int rc = nc_get_vara_double(f.ncid, f.varid, start, count, rec.values.data());
  if (rc != NC_NOERR)
    throw InputError(f.path + ": reading variable '" + name_ + "' at " + when + " failed: " + nc_strerror(rc));
  const double factor = per_day_ ? scale_ * rec.days : scale_;
  for (double& v : rec.values) {
    if (std::isnan(v) || v == f.fill || v == f.missing || std::fabs(v) > 1e30) {
      v = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    v = (v * f.scale_factor + f.add_offset) * factor + offset_;
  }
}

bool ProductSeries::read_month(int year, int month, ProductRecord& rec) {
  if (records_per_day_ != 0)
    throw InputError(files_.front()->path + ": variable '" + name_ + "': monthly records expected");
  for (size_t k = 0; k < files_.size(); ++k) {
    const File& f = *files_[k];
    for (size_t i = 0; i < f.times.size(); ++i) {
      const CfDate d = cf_date(f.time, f.times[i]);
      if (d.year == year && d.month == month) {
        rec.date = d;
        read_record(k, i, rec);
        return true;
      }
    }
  }
  return false;
}

}  // namespace alamod::grids
