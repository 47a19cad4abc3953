#include "engine/totals/output_reader.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

double fill_of(int ncid, int varid) {
  double fill = NC_FILL_DOUBLE;
  nc_type type = NC_NAT;
  nc_inq_vartype(ncid, varid, &type);
  if (type == NC_FLOAT) {
    float f = NC_FILL_FLOAT;
    nc_get_att_float(ncid, varid, "_FillValue", &f);
    return f;
  }
  nc_get_att_double(ncid, varid, "_FillValue", &fill);
  return fill;
}

}  // namespace

StockReader::StockReader(const std::string& path, const std::string& stock, const std::string& initial)
    : path_(path) {
  const int rc = nc_open(path.c_str(), NC_NOWRITE, &ncid_);
  if (rc != NC_NOERR) throw InputError(path + ": cannot be opened as NetCDF (" + nc_strerror(rc) + ")");
  if (nc_inq_varid(ncid_, stock.c_str(), &soil_) != NC_NOERR || nc_inq_varid(ncid_, initial.c_str(), &initial_) != NC_NOERR) {
    nc_close(ncid_);
    throw InputError(path + ": holds no " + stock + " and " + initial + " (expected the yearly output of alamod run)");
  }
  int dims[3], ndims = 0;
  nc_inq_varndims(ncid_, soil_, &ndims);
  if (ndims != 3) {
    nc_close(ncid_);
    throw InputError(path + ": cSoil is not (time, y, x)");
  }
  nc_inq_vardimid(ncid_, soil_, dims);
  size_t len[3];
  for (int d = 0; d < 3; ++d) nc_inq_dimlen(ncid_, dims[d], &len[d]);
  years_ = static_cast<int>(len[0]);
  ny_ = static_cast<int>(len[1]);
  nx_ = static_cast<int>(len[2]);
  int storage = 0;
  size_t chunks[3] = {1, 1, 1};
  if (nc_inq_var_chunking(ncid_, soil_, &storage, chunks) == NC_NOERR && storage == NC_CHUNKED)
    chunk_rows_ = static_cast<int>(chunks[1]);
  fill_soil_ = fill_of(ncid_, soil_);
  fill_initial_ = fill_of(ncid_, initial_);
}

StockReader::~StockReader() {
  if (ncid_ >= 0) nc_close(ncid_);
}

std::string StockReader::attribute(const std::string& name) const {
  size_t len = 0;
  nc_type type = NC_NAT;
  if (nc_inq_att(ncid_, NC_GLOBAL, name.c_str(), &type, &len) != NC_NOERR || type != NC_CHAR) return "";
  std::string s(len, '\0');
  nc_get_att_text(ncid_, NC_GLOBAL, name.c_str(), s.data());
  return s;
}

std::vector<double> StockReader::read_rows(int year, int row0, int nrows) const {
  std::vector<double> v(static_cast<size_t>(nrows) * static_cast<size_t>(nx_));
  if (nrows <= 0) return v;
  const int var = year < 0 ? initial_ : soil_;
  const double fill = year < 0 ? fill_initial_ : fill_soil_;
  const size_t start[3] = {static_cast<size_t>(std::max(year, 0)), static_cast<size_t>(row0), 0};
  const size_t count[3] = {1, static_cast<size_t>(nrows), static_cast<size_t>(nx_)};
  const size_t* s = year < 0 ? start + 1 : start;
  const size_t* c = year < 0 ? count + 1 : count;
  nc_type type = NC_NAT;
  nc_inq_vartype(ncid_, var, &type);
  int rc;
  if (type == NC_FLOAT) {
    // read in the stored type: netCDF 4.9 applies a variable's BitRound again when it converts to double
    std::vector<float> f(v.size());
    rc = nc_get_vara_float(ncid_, var, s, c, f.data());
    std::copy(f.begin(), f.end(), v.begin());
  } else {
    rc = nc_get_vara_double(ncid_, var, s, c, v.data());
  }
  if (rc != NC_NOERR)
    throw InputError(path_ + ": reading " + (year < 0 ? std::string("cSoilInitial") : "cSoil of year index " + std::to_string(year)) +
                     ": " + nc_strerror(rc));
  for (auto& x : v)
    if (x == fill || !std::isfinite(x)) x = std::numeric_limits<double>::quiet_NaN();
  return v;
}

std::vector<double> StockReader::read_cells(int year, const grids::GridSpec& grid,
                                            const std::vector<std::int64_t>& cells) const {
  std::vector<double> out(cells.size());
  if (cells.empty()) return out;
  if (grid.nx != nx_ || grid.ny != ny_)
    throw InputError(path_ + ": its grid is " + std::to_string(nx_) + " x " + std::to_string(ny_) +
                     " cells, the run's " + std::to_string(grid.nx) + " x " + std::to_string(grid.ny));
  const int row0 = static_cast<int>(cells.front() / nx_);
  const int nrows = static_cast<int>(cells.back() / nx_) - row0 + 1;
  const std::vector<double> rows = read_rows(year, row0, nrows);
  const std::int64_t off = static_cast<std::int64_t>(row0) * nx_;
  for (size_t i = 0; i < cells.size(); ++i) {
    out[i] = rows[static_cast<size_t>(cells[i] - off)];
    if (std::isnan(out[i]))
      throw InputError(path_ + ": " + (year < 0 ? std::string("cSoilInitial") : "cSoil") + " has no value at land " +
                       grid.describe_cell(cells[i]) + (year < 0 ? "" : " in year index " + std::to_string(year)));
  }
  return out;
}

std::vector<double> StockReader::read_layer_cells(int var, const char* name, int year, int layer,
                                                  const std::vector<std::int64_t>& cells) const {
  std::vector<double> out(cells.size());
  if (cells.empty()) return out;
  const int row0 = static_cast<int>(cells.front() / nx_);
  const int nrows = static_cast<int>(cells.back() / nx_) - row0 + 1;
  std::vector<double> rows(static_cast<size_t>(nrows) * static_cast<size_t>(nx_));
  const size_t start[4] = {static_cast<size_t>(std::max(year, 0)), static_cast<size_t>(layer), static_cast<size_t>(row0), 0};
  const size_t count[4] = {1, 1, static_cast<size_t>(nrows), static_cast<size_t>(nx_)};
  const size_t* s = year < 0 ? start + 1 : start;
  const size_t* c = year < 0 ? count + 1 : count;
  nc_type type = NC_NAT;
  nc_inq_vartype(ncid_, var, &type);
  int rc;
  if (type == NC_FLOAT) {  // in the stored type (see read_rows)
    std::vector<float> f(rows.size());
    rc = nc_get_vara_float(ncid_, var, s, c, f.data());
    std::copy(f.begin(), f.end(), rows.begin());
  } else {
    rc = nc_get_vara_double(ncid_, var, s, c, rows.data());
  }
  if (rc != NC_NOERR) throw InputError(path_ + ": reading " + name + ": " + nc_strerror(rc));
  const double fill = fill_of(ncid_, var);
  const std::int64_t off = static_cast<std::int64_t>(row0) * nx_;
  for (size_t i = 0; i < cells.size(); ++i) {
    const double x = rows[static_cast<size_t>(cells[i] - off)];
    out[i] = x == fill || !std::isfinite(x) ? std::numeric_limits<double>::quiet_NaN() : x;
  }
  return out;
}

std::vector<double> StockReader::read_tile_cells(int year, int layer, const grids::GridSpec&,
                                                 const std::vector<std::int64_t>& cells) const {
  const char* name = year < 0 ? "cSoilTileInitial" : "cSoilTile";
  int var = -1;
  if (nc_inq_varid(ncid_, name, &var) != NC_NOERR)
    throw InputError(path_ + ": holds no " + name + " (the tiles' stocks, needed for the totals per land-cover class "
                     "of a run on tiles)");
  return read_layer_cells(var, name, year, layer, cells);
}

bool StockReader::has_variable(const std::string& name) const {
  int var = 0;
  return nc_inq_varid(ncid_, name.c_str(), &var) == NC_NOERR;
}

std::vector<std::string> StockReader::tile_classes() const {
  int tile = -1, type = -1, dim = -1;
  if (nc_inq_varid(ncid_, "cSoilTile", &tile) != NC_NOERR || nc_inq_varid(ncid_, "area_type", &type) != NC_NOERR ||
      nc_inq_dimid(ncid_, "landcover", &dim) != NC_NOERR)
    return {};
  int dims[2];
  nc_inq_vardimid(ncid_, type, dims);
  size_t n = 0, len = 0;
  nc_inq_dimlen(ncid_, dims[0], &n);
  nc_inq_dimlen(ncid_, dims[1], &len);
  std::string text(n * len, '\0');
  nc_get_var_text(ncid_, type, text.data());
  std::vector<std::string> names;
  for (size_t k = 0; k < n; ++k) names.emplace_back(text.c_str() + k * len, strnlen(text.c_str() + k * len, len));
  return names;
}

bool StockReader::fractions_per_year() const {
  int var = -1, nd = 0;
  return nc_inq_varid(ncid_, "area_fraction", &var) == NC_NOERR && nc_inq_varndims(ncid_, var, &nd) == NC_NOERR && nd == 4;
}

std::vector<double> StockReader::read_fraction_cells(int layer, const std::vector<std::int64_t>& cells, int year) const {
  const bool yearly = fractions_per_year();
  const char* name = yearly && year < 0 ? "area_fraction_initial" : "area_fraction";
  int var = -1;
  if (nc_inq_varid(ncid_, name, &var) != NC_NOERR)
    throw InputError(path_ + ": holds no " + name + " (the land-cover fractions of a run on tiles)");
  std::vector<double> f = read_layer_cells(var, name, yearly ? year : -1, layer, cells);
  for (double& x : f)
    if (std::isnan(x)) x = 0.0;
  return f;
}

}  // namespace alamod::engine
