#include "engine/climate/monthly_file.hpp"

#include <netcdf.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

constexpr float kFill = 1.0e20f;

void check_nc(int rc, const std::string& path, const std::string& what) {
  if (rc != NC_NOERR) throw InputError(path + ": " + what + " failed: " + nc_strerror(rc));
}

}  // namespace

MonthlyFile::MonthlyFile(const std::string& path, const grids::ProductGrid& g, grids::CfCalendar cal, int first_year,
                         int years, const std::vector<std::pair<std::string, std::string>>& variables,
                         const std::vector<std::string>& descriptions, const std::string& history)
    : path_(path), years_(years), first_year_(first_year), ny_(g.y.size()), nx_(g.x.size()) {
  check_nc(nc_create(path.c_str(), NC_NETCDF4 | NC_NOCLOBBER, &ncid_), path, "creating the file");
  int dt, dy, dx, db;
  check_nc(nc_def_dim(ncid_, "time", static_cast<size_t>(years) * 12, &dt), path, "defining time");
  check_nc(nc_def_dim(ncid_, "bnds", 2, &db), path, "defining bnds");
  check_nc(nc_def_dim(ncid_, g.y_dim.c_str(), g.y.size(), &dy), path, "defining y");
  check_nc(nc_def_dim(ncid_, g.x_dim.c_str(), g.x.size(), &dx), path, "defining x");
  const auto text = [&](int var, const char* name, const std::string& value) {
    if (!value.empty()) check_nc(nc_put_att_text(ncid_, var, name, value.size(), value.c_str()), path, name);
  };
  int tv, tb, yv, xv, crs;
  check_nc(nc_def_var(ncid_, "time", NC_DOUBLE, 1, &dt, &tv), path, "defining time");
  const std::string tunits = "days since " + std::to_string(first_year) + "-01-01";
  text(tv, "units", tunits);
  text(tv, "calendar", grids::cf_calendar_name(cal));
  text(tv, "standard_name", "time");
  text(tv, "bounds", "time_bnds");
  text(tv, "axis", "T");
  const int tbd[2] = {dt, db};
  check_nc(nc_def_var(ncid_, "time_bnds", NC_DOUBLE, 2, tbd, &tb), path, "defining time_bnds");
  check_nc(nc_def_var(ncid_, g.y_dim.c_str(), NC_DOUBLE, 1, &dy, &yv), path, "defining y");
  check_nc(nc_def_var(ncid_, g.x_dim.c_str(), NC_DOUBLE, 1, &dx, &xv), path, "defining x");
  text(yv, "units", g.y_units);
  text(xv, "units", g.x_units);
  text(yv, "standard_name", g.y_standard_name);
  text(xv, "standard_name", g.x_standard_name);
  text(yv, "axis", "Y");
  text(xv, "axis", "X");
  check_nc(nc_def_var(ncid_, "crs", NC_INT, 0, nullptr, &crs), path, "defining crs");
  text(crs, "crs_wkt", g.crs_wkt);
  text(crs, "spatial_ref", g.crs_wkt);
  text(crs, "long_name", g.mapping_description);
  const int dims[3] = {dt, dy, dx};
  const size_t chunk[3] = {1, g.y.size(), g.x.size()};
  for (size_t k = 0; k < variables.size(); ++k) {
    int v;
    const std::string& name = variables[k].first;
    check_nc(nc_def_var(ncid_, name.c_str(), NC_FLOAT, 3, dims, &v), path, "defining " + name);
    check_nc(nc_def_var_chunking(ncid_, v, NC_CHUNKED, chunk), path, "chunking " + name);
    check_nc(nc_def_var_deflate(ncid_, v, 1, 1, 4), path, "compressing " + name);
    check_nc(nc_def_var_fill(ncid_, v, 0, &kFill), path, "fill value of " + name);
    text(v, "units", variables[k].second);
    text(v, "standard_name", name == "tas" ? "air_temperature"
                             : name == "pr" ? "precipitation_amount"
                                            : "water_potential_evaporation_amount");
    text(v, "cell_methods", name == "tas" ? "time: mean" : "time: sum");
    text(v, "grid_mapping", "crs");
    text(v, "comment", descriptions[k]);
    const float missing = kFill;
    check_nc(nc_put_att_float(ncid_, v, "missing_value", NC_FLOAT, 1, &missing), path, "missing_value");
    varids_[name] = v;
  }
  text(NC_GLOBAL, "Conventions", "CF-1.8");
  text(NC_GLOBAL, "title", "Monthly climate for alamod grid runs");
  text(NC_GLOBAL, "history", history);
  check_nc(nc_enddef(ncid_), path, "writing the header");
  std::vector<double> t(static_cast<size_t>(years) * 12), bounds(t.size() * 2);
  const long origin = grids::cf_day_number(cal, first_year, 1, 1);
  for (int y = 0; y < years; ++y)
    for (int m = 1; m <= 12; ++m) {
      const size_t k = static_cast<size_t>(y) * 12 + m - 1;
      const long start = grids::cf_day_number(cal, first_year + y, m, 1) - origin;
      const int n = grids::cf_days_in_month(cal, first_year + y, m);
      t[k] = static_cast<double>(start) + 0.5 * n;
      bounds[2 * k] = static_cast<double>(start);
      bounds[2 * k + 1] = static_cast<double>(start + n);
    }
  check_nc(nc_put_var_double(ncid_, tv, t.data()), path, "writing time");
  check_nc(nc_put_var_double(ncid_, tb, bounds.data()), path, "writing time_bnds");
  check_nc(nc_put_var_double(ncid_, yv, g.y.data()), path, "writing y");
  check_nc(nc_put_var_double(ncid_, xv, g.x.data()), path, "writing x");
}

MonthlyFile::~MonthlyFile() {
  if (ncid_ >= 0) nc_close(ncid_);
}

bool MonthlyFile::holds(int year, int month) const {
  (void)month;
  return year >= first_year_ && year < first_year_ + years_;
}

void MonthlyFile::write(const std::string& name, int year, int month, const std::vector<double>& values) {
  std::vector<float> f(values.size());
  for (size_t i = 0; i < values.size(); ++i) f[i] = std::isnan(values[i]) ? kFill : static_cast<float>(values[i]);
  const size_t start[3] = {static_cast<size_t>(year - first_year_) * 12 + static_cast<size_t>(month - 1), 0, 0};
  const size_t count[3] = {1, ny_, nx_};
  check_nc(nc_put_vara_float(ncid_, varids_.at(name), start, count, f.data()), path_, "writing " + name);
}

void MonthlyFile::close() {
  check_nc(nc_close(ncid_), path_, "closing the file");
  ncid_ = -1;
}

void write_into_place(const std::string& out, bool overwrite, const std::function<void(const std::string&)>& write) {
  namespace fs = std::filesystem;
  struct stat st {};
  const bool exists = lstat(out.c_str(), &st) == 0;
  if (exists && !overwrite) throw InputError(out + ": exists; give --overwrite to replace it");
  if (exists && !S_ISREG(st.st_mode)) throw InputError(out + ": is not a regular file; alamod does not replace it");
  const fs::path path(out);
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(parent)) throw InputError(out + ": its folder does not exist");
  const std::string tmp = (parent / ("." + path.filename().string() + ".incomplete")).string();
  std::remove(tmp.c_str());
  try {
    write(tmp);
  } catch (...) {
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw InputError(out + ": cannot rename the finished file into place");
  }
}

}  // namespace alamod::engine
