#include "grids/cf_writer.hpp"

#include <netcdf_meta.h>
#if !NC_HAS_PARALLEL4
#error "alamod needs the parallel netCDF-4 headers (libnetcdf-mpi-dev), not the serial ones"
#endif
#include <netcdf.h>
#include <netcdf_par.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>

#include <ogr_spatialref.h>
#include <sys/stat.h>

#include "grids/calendar.hpp"
#include "grids/fast_deflate.hpp"
#include "grids/input_error.hpp"
#include "grids/lon_lat.hpp"
#include "grids/output_files.hpp"

namespace alamod::grids {

namespace {

constexpr float kFillFloat = 1.0e20f;
constexpr double kFillDouble = 1.0e20;
constexpr int kFillInt = NC_FILL_INT;

// A failed call of a collective phase: OutputError (the caller must not call collective functions after it).
void check(int rc, const std::string& what) {
  if (rc != NC_NOERR) {
    const int error_number = errno;
    throw OutputError(what + ": " + nc_strerror(rc), "", error_number);
  }
}

void put_text(int ncid, int varid, const std::string& name, const std::string& value) {
  check(nc_put_att_text(ncid, varid, name.c_str(), value.size(), value.c_str()), "attribute " + name);
}

/// Text attributes of a variable, in the order given.
void put_texts(int ncid, int varid, std::initializer_list<std::pair<const char*, std::string>> attributes) {
  for (const auto& [name, value] : attributes) put_text(ncid, varid, name, value);
}

struct Rect {
  size_t row, col, nrows, ncols;
  std::int64_t offset;  // index into the rank's buffer
};

// The three rectangles of [begin, end) in a grid nx wide (some may be empty).
std::vector<Rect> rectangles(std::int64_t begin, std::int64_t end, int nx) {
  std::vector<Rect> r(3, Rect{0, 0, 0, 0, 0});
  if (end <= begin) return r;
  const std::int64_t rb = begin / nx, cb = begin % nx, re = (end - 1) / nx, ce = (end - 1) % nx;
  if (rb == re) {
    r[0] = {size_t(rb), size_t(cb), 1, size_t(ce - cb + 1), 0};
    return r;
  }
  r[0] = {size_t(rb), size_t(cb), 1, size_t(nx - cb), 0};
  std::int64_t off = nx - cb;
  if (re - rb > 1) r[1] = {size_t(rb + 1), 0, size_t(re - rb - 1), size_t(nx), off};
  off += (re - rb - 1) * nx;
  r[2] = {size_t(re), 0, 1, size_t(ce + 1), off};
  return r;
}

/// MPI-IO hints from ALAMOD_MPIIO_HINTS="key=value,key=value" (e.g. romio_cb_write=enable,
/// striping_factor=16 on Lustre); MPI_INFO_NULL (none) by default. The caller frees a created one.
MPI_Info mpiio_hints() {
  MPI_Info info = MPI_INFO_NULL;
  if (const char* hints = std::getenv("ALAMOD_MPIIO_HINTS"); hints && *hints) {
    MPI_Info_create(&info);
    std::string h = hints;
    for (size_t pos = 0; pos <= h.size();) {
      const size_t comma = std::min(h.find(',', pos), h.size());
      const std::string kv = h.substr(pos, comma - pos);
      const size_t eq = kv.find('=');
      if (eq != std::string::npos) MPI_Info_set(info, kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str());
      pos = comma + 1;
    }
  }
  return info;
}

/// The CF Appendix F name and parameters of the projection of `srs` on the grid mapping variable
/// `varid` ("unknown" with a comment for a projection without a CF name; crs_wkt carries it whole).
void put_projection(int ncid, int varid, const OGRSpatialReference& srs) {
  const std::string proj = srs.GetAttrValue("PROJECTION") ? srs.GetAttrValue("PROJECTION") : "";
  auto put = [&](const char* name, const char* gdal_parm, double fallback = 0.0) {
    const double v = srs.GetNormProjParm(gdal_parm, fallback);
    nc_put_att_double(ncid, varid, name, NC_DOUBLE, 1, &v);
  };
  auto false_origin = [&] {
    put("false_easting", SRS_PP_FALSE_EASTING);
    put("false_northing", SRS_PP_FALSE_NORTHING);
  };
  if (proj == SRS_PT_LAMBERT_CONFORMAL_CONIC_2SP) {
    put_text(ncid, varid, "grid_mapping_name", "lambert_conformal_conic");
    const double sp[2] = {srs.GetNormProjParm(SRS_PP_STANDARD_PARALLEL_2, 0.0),
                          srs.GetNormProjParm(SRS_PP_STANDARD_PARALLEL_1, 0.0)};
    const double sp_sorted[2] = {std::min(sp[0], sp[1]), std::max(sp[0], sp[1])};
    nc_put_att_double(ncid, varid, "standard_parallel", NC_DOUBLE, 2, sp_sorted);
    put("latitude_of_projection_origin", SRS_PP_LATITUDE_OF_ORIGIN);
    put("longitude_of_central_meridian", SRS_PP_CENTRAL_MERIDIAN);
    false_origin();
  } else if (proj == SRS_PT_LAMBERT_CONFORMAL_CONIC_1SP) {
    put_text(ncid, varid, "grid_mapping_name", "lambert_conformal_conic");
    put("standard_parallel", SRS_PP_LATITUDE_OF_ORIGIN);
    put("latitude_of_projection_origin", SRS_PP_LATITUDE_OF_ORIGIN);
    put("longitude_of_central_meridian", SRS_PP_CENTRAL_MERIDIAN);
    put("scale_factor_at_projection_origin", SRS_PP_SCALE_FACTOR, 1.0);
    false_origin();
  } else if (proj == SRS_PT_LAMBERT_AZIMUTHAL_EQUAL_AREA) {  // e.g. EPSG:3035, ETRS89-LAEA Europe
    put_text(ncid, varid, "grid_mapping_name", "lambert_azimuthal_equal_area");
    put("latitude_of_projection_origin", SRS_PP_LATITUDE_OF_CENTER);
    put("longitude_of_projection_origin", SRS_PP_LONGITUDE_OF_CENTER);
    false_origin();
  } else if (proj == SRS_PT_TRANSVERSE_MERCATOR) {  // e.g. UTM zones
    put_text(ncid, varid, "grid_mapping_name", "transverse_mercator");
    put("scale_factor_at_central_meridian", SRS_PP_SCALE_FACTOR, 1.0);
    put("longitude_of_central_meridian", SRS_PP_CENTRAL_MERIDIAN);
    put("latitude_of_projection_origin", SRS_PP_LATITUDE_OF_ORIGIN);
    false_origin();
  } else if (proj == SRS_PT_ALBERS_CONIC_EQUAL_AREA) {
    put_text(ncid, varid, "grid_mapping_name", "albers_conical_equal_area");
    const double sp[2] = {srs.GetNormProjParm(SRS_PP_STANDARD_PARALLEL_1, 0.0),
                          srs.GetNormProjParm(SRS_PP_STANDARD_PARALLEL_2, 0.0)};
    nc_put_att_double(ncid, varid, "standard_parallel", NC_DOUBLE, 2, sp);
    put("longitude_of_central_meridian", SRS_PP_LONGITUDE_OF_CENTER);
    put("latitude_of_projection_origin", SRS_PP_LATITUDE_OF_CENTER);
    false_origin();
  } else if (srs.IsGeographic()) {
    put_text(ncid, varid, "grid_mapping_name", "latitude_longitude");
  } else {
    // no CF name for this projection: readers take the CRS from crs_wkt (CF 1.7+, GDAL)
    put_text(ncid, varid, "grid_mapping_name", "unknown");
    put_text(ncid, varid, "comment", "projection " + proj + " has no CF Appendix F name here; see crs_wkt");
  }
}

}  // namespace

// At most 64 rows (1 km France: 1200 x 64 cells, 300 KiB of floats) and 262,144 cells, and at
// least 16 chunks per field (8 rows at 8 km), so that the I/O boundaries, which move in whole
// chunk rows, can balance the compression on small grids too (RowIoLayout). Finer chunks on
// large grids cost more: in HDF5's collective filtered writes every rank allocates file space
// and indexes every chunk, so the per-chunk work does not shrink with more ranks (16-row chunks
// at 1 km took 0.3 s more per 40 years on one rank, in one-off runs with this height changed).
int output_chunk_rows(const GridSpec& g) {
  return std::max(1, std::min({g.ny, 64, std::max(8, g.ny / 16), 262144 / std::max(1, g.nx)}));
}

CfWriter::CfWriter(MPI_Comm comm, OutputFileSpec spec, std::int64_t begin, std::int64_t end)
    : comm_(comm), spec_(std::move(spec)), begin_(begin), end_(end) {
  use_filters();
  MPI_Comm_rank(comm_, &rank_);
  set_range(begin_, end_);
  set_paths();
  // an earlier run's unfinished temporary is removed; a link or anything else there is refused
  on_rank0(comm_, [&] { clear_temporary(tmp_path_); });
  try {
    create_file();
    // the definitions, in the order of the file's layout
    define_dimensions();
    define_coordinates();
    define_grid_mapping();
    define_variables();
    define_global_attributes();
    end_definitions();
    // the values known before the first year
    write_coordinates();
    write_cell_lon_lat();
  } catch (const OutputError&) {
    discard_after_failure();
    throw;
  }
}

void CfWriter::create_file() {
  MPI_Info info = mpiio_hints();
  // NC_NOCLOBBER: created exclusively (MPI_MODE_EXCL), so a link planted since is never followed
  const int rc_create = nc_create_par(tmp_path_.c_str(), NC_NETCDF4 | NC_NOCLOBBER, comm_, info, &ncid_);
  const int error_number = errno;
  if (info != MPI_INFO_NULL) MPI_Info_free(&info);
  if (rc_create != NC_NOERR) {
    ncid_ = -1;
    throw OutputError("creating " + tmp_path_ + ": " + nc_strerror(rc_create), tmp_path_, error_number);
  }
}

void CfWriter::define_dimensions() {
  const GridSpec& g = spec_.grid;
  check(nc_def_dim(ncid_, "time", static_cast<size_t>(spec_.n_years), &dims_.time), "dim time");
  check(nc_def_dim(ncid_, "bnds", 2, &dims_.bnds), "dim bnds");
  check(nc_def_dim(ncid_, "y", static_cast<size_t>(g.ny), &dims_.y), "dim y");
  check(nc_def_dim(ncid_, "x", static_cast<size_t>(g.nx), &dims_.x), "dim x");
  check(nc_def_dim(ncid_, "nv4", 4, &dims_.nv4), "dim nv4");
  if (!spec_.pools.empty()) {
    check(nc_def_dim(ncid_, "pool", spec_.pools.size(), &dims_.pool), "dim pool");
    size_t longest = 1;
    for (const auto& n : spec_.pools) longest = std::max(longest, n.size());
    check(nc_def_dim(ncid_, "pool_strlen", longest, &dims_.pool_strlen), "dim pool_strlen");
  }
  if (!spec_.land_covers.empty()) {
    size_t longest = 1;
    for (const auto& n : spec_.land_covers) longest = std::max(longest, n.size());
    check(nc_def_dim(ncid_, "landcover", spec_.land_covers.size(), &dims_.landcover), "dim landcover");
    check(nc_def_dim(ncid_, "area_type_strlen", longest, &dims_.area_type_strlen), "dim area_type_strlen");
  }
}

int CfWriter::define_variable(const char* name, int type, const std::vector<int>& dims) {
  int id;
  check(nc_def_var(ncid_, name, type, static_cast<int>(dims.size()), dims.empty() ? nullptr : dims.data(), &id),
        std::string("defining ") + name);
  varids_[name] = id;
  return id;
}

void CfWriter::define_coordinates() {
  put_texts(ncid_, define_variable("x", NC_DOUBLE, {dims_.x}),
            {{"standard_name", "projection_x_coordinate"},
             {"long_name", "x coordinate of projection (cell centre)"},
             {"units", "m"},
             {"axis", "X"}});
  put_texts(ncid_, define_variable("y", NC_DOUBLE, {dims_.y}),
            {{"standard_name", "projection_y_coordinate"},
             {"long_name", "y coordinate of projection (cell centre)"},
             {"units", "m"},
             {"axis", "Y"}});
  // 31 December: stocks are those at the year's end, fluxes its means over time_bnds; a stamp inside the
  // year makes readers that label by date (CDO, xarray's .sel(time="2000")) name the right year
  put_texts(ncid_, define_variable("time", NC_DOUBLE, {dims_.time}),
            {{"standard_name", "time"},
             {"long_name", "last day of the simulated year (the year is time_bnds)"},
             {"units", "days since 1900-01-01 00:00:00"},
             {"calendar", "standard"},
             {"axis", "T"},
             {"bounds", "time_bnds"}});
  define_variable("time_bnds", NC_DOUBLE, {dims_.time, dims_.bnds});
  put_texts(ncid_, define_variable("lat", NC_DOUBLE, {dims_.y, dims_.x}),
            {{"standard_name", "latitude"},
             {"long_name", "latitude of the cell centre"},
             {"units", "degrees_north"},
             {"bounds", "lat_bnds"}});
  define_variable("lat_bnds", NC_FLOAT, {dims_.y, dims_.x, dims_.nv4});
  put_texts(ncid_, define_variable("lon", NC_DOUBLE, {dims_.y, dims_.x}),
            {{"standard_name", "longitude"},
             {"long_name", "longitude of the cell centre"},
             {"units", "degrees_east"},
             {"bounds", "lon_bnds"}});
  define_variable("lon_bnds", NC_FLOAT, {dims_.y, dims_.x, dims_.nv4});
  put_texts(ncid_, define_variable("depth", NC_DOUBLE, {}),
            {{"standard_name", "depth"},
             {"long_name", "depth of the soil layer (midpoint)"},
             {"units", "m"},
             {"positive", "down"},
             {"axis", "Z"},
             {"bounds", "depth_bnds"}});
  define_variable("depth_bnds", NC_DOUBLE, {dims_.bnds});
  if (dims_.pool >= 0) define_pool_coordinate();
  if (dims_.landcover >= 0) define_land_cover_coordinate();
}

void CfWriter::define_land_cover_coordinate() {
  // CF: a string-valued auxiliary coordinate of standard name area_type labels each land-cover layer
  put_texts(ncid_, define_variable("area_type", NC_CHAR, {dims_.landcover, dims_.area_type_strlen}),
            {{"standard_name", "area_type"}, {"long_name", "land-cover class of the layer ([land_use.*] name)"}});
}

void CfWriter::define_pool_coordinate() {
  // Pools as a numeric coordinate with CF flag labels: CDO 2.1 warns on any
  // character coordinate, and flag_meanings gives every reader the names.
  const int vp = define_variable("pool", NC_INT, {dims_.pool});
  put_text(ncid_, vp, "long_name", "soil carbon pool");
  std::vector<int> codes(spec_.pools.size());
  std::string meanings;
  for (size_t p = 0; p < spec_.pools.size(); ++p) {
    codes[p] = static_cast<int>(p) + 1;
    meanings += (p ? " " : "") + spec_.pools[p];
  }
  check(nc_put_att_int(ncid_, vp, "flag_values", NC_INT, codes.size(), codes.data()), "pool flag_values");
  put_text(ncid_, vp, "flag_meanings", meanings);
  // and the names themselves, a string-valued auxiliary coordinate of the pool variables (as area_type
  // labels the land-cover layers): xarray shows cSoilPools.pool_name, CDO and ncview the same labels
  put_texts(ncid_, define_variable("pool_name", NC_CHAR, {dims_.pool, dims_.pool_strlen}),
            {{"long_name", "name of the soil carbon pool (the model's own)"}});
}

void CfWriter::define_grid_mapping() {
  const GridSpec& g = spec_.grid;
  const int vc = define_variable("crs", NC_INT, {});
  OGRSpatialReference srs;
  srs.SetFromUserInput(g.crs_wkt.c_str());
  srs.AutoIdentifyEPSG();
  char* wkt1 = nullptr;
  srs.exportToWkt(&wkt1);
  const std::string wkt = wkt1;
  CPLFree(wkt1);
  // CF Appendix F grid mapping of the run's CRS (crs_wkt below carries it whole for any CRS)
  put_projection(ncid_, vc, srs);
  OGRErr err;
  const double a = srs.GetSemiMajor(&err), invf = srs.GetInvFlattening(&err);
  nc_put_att_double(ncid_, vc, "semi_major_axis", NC_DOUBLE, 1, &a);
  nc_put_att_double(ncid_, vc, "inverse_flattening", NC_DOUBLE, 1, &invf);
  const double pm = 0.0;
  nc_put_att_double(ncid_, vc, "longitude_of_prime_meridian", NC_DOUBLE, 1, &pm);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (code) put_text(ncid_, vc, "epsg_code", std::string("EPSG:") + code);
  put_text(ncid_, vc, "crs_wkt", wkt);
  put_text(ncid_, vc, "spatial_ref", wkt);
  char gt[256];
  std::snprintf(gt, sizeof gt, "%.17g %.17g 0 %.17g 0 %.17g", g.x_min, g.resolution, g.y_max, -g.resolution);
  put_text(ncid_, vc, "GeoTransform", gt);
}

void CfWriter::define_variables() {
  const size_t cy = static_cast<size_t>(output_chunk_rows(spec_.grid));
  for (const auto& v : spec_.variables) {
    std::vector<int> dims;
    std::vector<size_t> chunk;
    if (v.time_varying) {
      dims.push_back(dims_.time);
      chunk.push_back(1);
    }
    if (v.per_pool) {
      dims.push_back(dims_.pool);
      chunk.push_back(1);
    }
    if (v.per_land_cover) {
      dims.push_back(dims_.landcover);
      chunk.push_back(1);
    }
    dims.push_back(dims_.y);
    chunk.push_back(cy);
    dims.push_back(dims_.x);
    chunk.push_back(static_cast<size_t>(spec_.grid.nx));
    const int id = define_variable(v.name.c_str(), v.integer ? NC_INT : v.double_precision ? NC_DOUBLE : NC_FLOAT, dims);
    define_storage(v, id, chunk);
    put_text(ncid_, id, "long_name", v.long_name);
    if (!v.standard_name.empty()) put_text(ncid_, id, "standard_name", v.standard_name);
    put_text(ncid_, id, "units", v.units);
    if (!v.cell_methods.empty()) put_text(ncid_, id, "cell_methods", v.cell_methods);
    put_text(ncid_, id, "grid_mapping", "crs");
    // (CDO 2.1 rejects a variable with both a pool axis and the scalar depth axis)
    std::string coords = "lat lon";
    if (v.with_depth && !v.per_pool) coords += " depth";
    if (v.per_land_cover) coords += " area_type";
    if (v.per_pool) coords += " pool_name";
    put_text(ncid_, id, "coordinates", coords);
    if (!v.comment.empty()) put_text(ncid_, id, "comment", v.comment);
    if (!v.flag_values.empty()) {
      check(nc_put_att_int(ncid_, id, "flag_values", NC_INT, v.flag_values.size(), v.flag_values.data()),
            "flag_values of " + v.name);
      put_text(ncid_, id, "flag_meanings", v.flag_meanings);
    }
    for (const auto& [k, text] : v.attributes) put_text(ncid_, id, k, text);
    vars_[v.name] = v;
  }
}

void CfWriter::define_storage(const OutputVariable& v, int id, const std::vector<size_t>& chunk) {
  check(nc_def_var_chunking(ncid_, id, NC_CHUNKED, chunk.data()), "chunking " + v.name);
  if (spec_.deflate_level > 0) check(nc_def_var_deflate(ncid_, id, 1, 1, spec_.deflate_level), "deflate " + v.name);
  // _FillValue marks non-land cells; every cell is written, so HDF5 need not
  // pre-fill the chunks (in parallel it would write the whole dataset twice).
  check(nc_def_var_fill(ncid_, id, NC_NOFILL, nullptr), "no pre-fill " + v.name);
  // lossy BitRound of the carbon variables (not of the spin-up diagnostics); netCDF records
  // it in the attribute _QuantizeBitRoundNumberOfSignificantBits
  if (spec_.significant_bits > 0 && !v.integer && v.name.rfind("spinup_", 0) != 0 && v.name != "area_fraction" &&
      v.name != "cell_area")
    check(nc_def_var_quantize(ncid_, id, NC_QUANTIZE_BITROUND, spec_.significant_bits), "quantization of " + v.name);
  if (v.integer)
    check(nc_put_att_int(ncid_, id, "_FillValue", NC_INT, 1, &kFillInt), "_FillValue " + v.name);
  else if (v.double_precision)
    check(nc_put_att_double(ncid_, id, "_FillValue", NC_DOUBLE, 1, &kFillDouble), "_FillValue " + v.name);
  else
    check(nc_put_att_float(ncid_, id, "_FillValue", NC_FLOAT, 1, &kFillFloat), "_FillValue " + v.name);
}

void CfWriter::define_global_attributes() {
  for (const auto& [k, val] : spec_.global_text) put_text(ncid_, NC_GLOBAL, k, val);
  for (const auto& [k, val] : spec_.global_numbers)
    check(nc_put_att_double(ncid_, NC_GLOBAL, k.c_str(), NC_DOUBLE, 1, &val), "attribute " + k);
}

void CfWriter::end_definitions() {
  check(nc_enddef(ncid_), "ending definitions of " + tmp_path_);
  for (const auto& [name, id] : varids_) check(nc_var_par_access(ncid_, id, NC_COLLECTIVE), "collective " + name);
}

void CfWriter::write_coordinates() {
  // rank 0 writes, the others take part with empty counts
  const GridSpec& g = spec_.grid;
  const bool root = rank_ == 0;
  std::vector<double> xs(g.nx), ys(g.ny);
  for (int i = 0; i < g.nx; ++i) xs[i] = g.x_center(i);
  for (int j = 0; j < g.ny; ++j) ys[j] = g.y_center(j);
  size_t st0 = 0, cnt = root ? xs.size() : 0;
  check(nc_put_vara_double(ncid_, varid_of("x"), &st0, &cnt, xs.data()), "writing x");
  cnt = root ? ys.size() : 0;
  check(nc_put_vara_double(ncid_, varid_of("y"), &st0, &cnt, ys.data()), "writing y");
  write_time();
  const double depth_mid = 0.5 * (spec_.depth_top_m + spec_.depth_bottom_m);
  const double depth_b[2] = {spec_.depth_top_m, spec_.depth_bottom_m};
  cnt = root ? 1 : 0;
  check(nc_put_vara_double(ncid_, varid_of("depth"), &st0, &cnt, &depth_mid), "writing depth");
  cnt = root ? 2 : 0;
  check(nc_put_vara_double(ncid_, varid_of("depth_bnds"), &st0, &cnt, depth_b), "writing depth_bnds");
  if (dims_.pool >= 0) {
    std::vector<int> codes(spec_.pools.size());
    for (size_t p = 0; p < codes.size(); ++p) codes[p] = static_cast<int>(p) + 1;
    cnt = root ? codes.size() : 0;
    check(nc_put_vara_int(ncid_, varid_of("pool"), &st0, &cnt, codes.data()), "writing pool");
  }
  if (dims_.landcover >= 0) {
    const size_t len = [&] {
      size_t l = 1;
      for (const auto& n : spec_.land_covers) l = std::max(l, n.size());
      return l;
    }();
    std::string text(spec_.land_covers.size() * len, '\0');
    for (size_t k = 0; k < spec_.land_covers.size(); ++k) spec_.land_covers[k].copy(&text[k * len], len);
    size_t st2[2] = {0, 0}, cnt2[2] = {root ? spec_.land_covers.size() : 0, len};
    check(nc_put_vara_text(ncid_, varid_of("area_type"), st2, cnt2, text.data()), "writing area_type");
  }
  if (dims_.pool >= 0) {
    size_t len = 1;
    for (const auto& n : spec_.pools) len = std::max(len, n.size());
    std::string text(spec_.pools.size() * len, '\0');
    for (size_t k = 0; k < spec_.pools.size(); ++k) spec_.pools[k].copy(&text[k * len], len);
    size_t st2[2] = {0, 0}, cnt2[2] = {root ? spec_.pools.size() : 0, len};
    check(nc_put_vara_text(ncid_, varid_of("pool_name"), st2, cnt2, text.data()), "writing pool_name");
  }
}

void CfWriter::write_time() {
  // 31 December of each year, in days since 1900-01-01, and the year as its bounds (rank 0)
  const bool root = rank_ == 0;
  std::vector<double> tv(spec_.n_years), tb(2 * spec_.n_years);
  const long epoch = days_from_civil(1900, 1, 1);
  for (int i = 0; i < spec_.n_years; ++i) {
    const int y = spec_.first_year + i;
    tb[2 * i] = static_cast<double>(days_from_civil(y, 1, 1) - epoch);
    tb[2 * i + 1] = static_cast<double>(days_from_civil(y + 1, 1, 1) - epoch);
    tv[i] = static_cast<double>(days_from_civil(y, 12, 31) - epoch);
  }
  size_t st0 = 0, cnt = root ? tv.size() : 0;
  check(nc_put_vara_double(ncid_, varid_of("time"), &st0, &cnt, tv.data()), "writing time");
  size_t st2[2] = {0, 0}, cnt2[2] = {root ? tv.size() : 0, 2};
  check(nc_put_vara_double(ncid_, varid_of("time_bnds"), st2, cnt2, tb.data()), "writing time_bnds");
}

void CfWriter::write_cell_lon_lat() {
  // In bands of at most one chunk height of rows: the centres (double) and corners (4 x 2 doubles) of a
  // rank's whole range held at once took 80 B per grid cell (100 MiB at 1 km on one rank, sea included).
  // Collective: every rank makes as many calls as the rank with the most bands (empty ones after its own).
  const GridSpec& g = spec_.grid;
  const size_t band_rows = static_cast<size_t>(output_chunk_rows(g));
  struct Band {
    size_t row, col, nrows, ncols;
    std::int64_t first;  // grid index of its first cell
  };
  std::vector<Band> bands;
  for (const auto& r : blocks())
    for (size_t row = 0; row < r.nrows; row += band_rows)
      bands.push_back({r.row + row, r.col, std::min(band_rows, r.nrows - row), r.ncols,
                       begin_ + r.offset + static_cast<std::int64_t>(row * r.ncols)});
  int calls = static_cast<int>(bands.size());
  MPI_Allreduce(MPI_IN_PLACE, &calls, 1, MPI_INT, MPI_MAX, comm_);
  std::vector<float> vertex;
  for (int b = 0; b < calls; ++b) {
    const auto t0 = std::chrono::steady_clock::now();
    const Band band = b < static_cast<int>(bands.size()) ? bands[static_cast<size_t>(b)] : Band{0, 0, 0, 0, begin_};
    const size_t n = band.nrows * band.ncols;
    CellLonLat cells = cell_lon_lat(g, band.first, band.first + static_cast<std::int64_t>(n));
    for (double& v : cells.lat) v = std::isnan(v) ? kFillDouble : v;
    for (double& v : cells.lon) v = std::isnan(v) ? kFillDouble : v;
    size_t start[3] = {band.row, band.col, 0}, count[3] = {band.nrows, band.ncols, 4};
    check(nc_put_vara_double(ncid_, varid_of("lat"), start, count, cells.lat.data()), "writing to " + tmp_path_);
    check(nc_put_vara_double(ncid_, varid_of("lon"), start, count, cells.lon.data()), "writing to " + tmp_path_);
    bytes_ += static_cast<double>(n) * 16.0;
    write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // single precision is 1e-7 degrees (about 1 cm): plenty for cell vertices
    if (n == 0) count[2] = 0;
    vertex.assign(cells.vertex_lat.begin(), cells.vertex_lat.end());
    check(nc_put_vara_float(ncid_, varid_of("lat_bnds"), start, count, vertex.data()), "writing lat_bnds");
    vertex.assign(cells.vertex_lon.begin(), cells.vertex_lon.end());
    check(nc_put_vara_float(ncid_, varid_of("lon_bnds"), start, count, vertex.data()), "writing lon_bnds");
  }
}

void CfWriter::use_filters() const {
  use_fast_deflate();
  set_low_bytes(spec_.low_bytes_by_runs ? LowBytes::runs : LowBytes::deflate);
}

void CfWriter::set_paths() {
  const auto slash = spec_.path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string() : spec_.path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? spec_.path : spec_.path.substr(slash + 1);
  tmp_path_ = dir + "." + base + ".incomplete";
}

CfWriter::CfWriter(MPI_Comm comm, OutputFileSpec spec, std::int64_t begin, std::int64_t end, Resume)
    : comm_(comm), spec_(std::move(spec)), begin_(begin), end_(end) {
  use_filters();
  MPI_Comm_rank(comm_, &rank_);
  set_range(begin_, end_);
  set_paths();
  open_existing();
}

void CfWriter::open_existing() {
  if (nc_open_par(tmp_path_.c_str(), NC_WRITE, comm_, MPI_INFO_NULL, &ncid_) != NC_NOERR) {
    ncid_ = -1;
    throw InputError(tmp_path_ + ": the partial output of the interrupted run is missing or unreadable; "
                     "start again without --restart");
  }
  size_t nt = 0;
  int dim;
  if (nc_inq_dimid(ncid_, "time", &dim) != NC_NOERR || nc_inq_dimlen(ncid_, dim, &nt) != NC_NOERR ||
      static_cast<int>(nt) != spec_.n_years)
    throw InputError(tmp_path_ + ": the partial output covers another period than this configuration");
  for (const auto& v : spec_.variables) {
    int id;
    if (nc_inq_varid(ncid_, v.name.c_str(), &id) != NC_NOERR)
      throw InputError(tmp_path_ + ": the partial output has no variable '" + v.name + "'");
    varids_[v.name] = id;
    vars_[v.name] = v;
    check(nc_var_par_access(ncid_, id, NC_COLLECTIVE), "collective " + v.name);
  }
}

void CfWriter::snapshot_to(const std::string& path) {
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = nc_close(ncid_);
  ncid_ = -1;
  check(rc, "closing " + tmp_path_);
  MPI_Barrier(comm_);
  // rank 0 copies the file to a temporary beside the snapshot (created exclusively, never through a
  // link) and renames it over an earlier snapshot of alamod's only
  int ok = 1, error_number = 0;
  std::string why;
  if (rank_ == 0) {
    const std::string tmp = path + ".incomplete";
    try {
      clear_temporary(tmp);
      struct stat st {};
      if (lstat(path.c_str(), &st) == 0 && !(S_ISREG(st.st_mode) && has_hdf5_signature(path)))
        throw InputError(path + ": alamod keeps the output as of a checkpoint under this name, but " +
                         (S_ISREG(st.st_mode) ? std::string("a file that is not a NetCDF-4 file")
                                              : file_kind(st.st_mode)) +
                         " is there; move it away (alamod does not replace it)");
      copy_file_exclusive(tmp_path_, tmp, error_number);
      if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        error_number = errno;
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot rename " + tmp + " to " + path + " (" + std::strerror(error_number) + ")");
      }
    } catch (const std::exception& e) {
      ok = dynamic_cast<const InputError*>(&e) ? -1 : 0;
      why = e.what();
    }
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm_);
  if (ok != 1) {
    int len = static_cast<int>(why.size());
    MPI_Bcast(&len, 1, MPI_INT, 0, comm_);
    why.resize(static_cast<size_t>(len));
    MPI_Bcast(why.data(), len, MPI_CHAR, 0, comm_);
    MPI_Bcast(&error_number, 1, MPI_INT, 0, comm_);
    if (ok == -1) throw InputError(why);
    throw OutputError(why, "", error_number);
  }
  open_existing();
  write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void CfWriter::set_range(std::int64_t begin, std::int64_t end) {
  begin_ = begin;
  end_ = end;
  const GridSpec& g = spec_.grid;
  int aligned = (begin_ % g.nx == 0 && end_ % g.nx == 0) ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &aligned, 1, MPI_INT, MPI_MIN, comm_);
  row_aligned_ = aligned == 1;
}

void CfWriter::sync() {
  const auto t0 = std::chrono::steady_clock::now();
  check(nc_sync(ncid_), "flushing " + tmp_path_);
  write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

CfWriter::~CfWriter() {
  if (ncid_ >= 0) {
    nc_close(ncid_);
    ncid_ = -1;
    if (rank_ == 0) std::remove(tmp_path_.c_str());
  }
}

void CfWriter::discard_after_failure() {
  int size = 1;
  MPI_Comm_size(comm_, &size);
  // closing is collective in parallel: with other ranks it would wait for them for ever
  if (ncid_ >= 0 && size == 1) nc_abort(ncid_);
  ncid_ = -1;
  if (is_regular_file(tmp_path_)) std::remove(tmp_path_.c_str());
}

int CfWriter::varid_of(const std::string& name) const {
  const auto it = varids_.find(name);
  if (it == varids_.end()) throw std::logic_error("output variable '" + name + "' was not defined");
  return it->second;
}

std::vector<CfWriter::Block> CfWriter::blocks() const {
  std::vector<Block> out;
  if (row_aligned_) {
    const size_t nx = static_cast<size_t>(spec_.grid.nx);
    out.push_back({static_cast<size_t>(begin_) / nx, 0, static_cast<size_t>(end_ - begin_) / nx, nx, 0});
    return out;
  }
  for (const auto& r : rectangles(begin_, end_, spec_.grid.nx)) out.push_back({r.row, r.col, r.nrows, r.ncols, r.offset});
  return out;
}

std::string CfWriter::unwritable(const std::string& name, const std::vector<double>& values, std::size_t layer,
                                 bool per_pool, bool dbl) const {
  const double limit = dbl ? std::numeric_limits<double>::max() : std::numeric_limits<float>::max();
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!(std::fabs(values[i]) > limit)) continue;  // NaN: the sea
    char number[64];
    std::snprintf(number, sizeof number, "%g", values[i]);
    const bool layers = vars_.count(name) && vars_.at(name).per_land_cover;
    const auto& labels = layers ? spec_.land_covers : spec_.pools;
    return spec_.path + ": refused to write " + name +
           (per_pool && layer < labels.size() ? (layers ? " land cover " : " pool ") + labels[layer] : std::string()) +
           " = " + number + " at " + spec_.grid.describe_cell(begin_ + static_cast<std::int64_t>(i)) +
           (std::isinf(values[i]) ? ": not a finite number" : ": beyond what a float variable holds (3.4e38)");
  }
  return std::string();
}

void CfWriter::refuse_unwritable(const std::string& name, const std::vector<const std::vector<double>*>& arrays,
                                 bool per_pool, bool dbl) const {
  std::string message;
  for (std::size_t a = 0; a < arrays.size() && message.empty(); ++a) message = unwritable(name, *arrays[a], a, per_pool, dbl);
  refuse_unwritable(std::move(message));
}

void CfWriter::refuse_unwritable(std::string message) const {
  int size = 1;
  MPI_Comm_size(comm_, &size);
  int failed = message.empty() ? size : rank_, first = size;
  MPI_Allreduce(&failed, &first, 1, MPI_INT, MPI_MIN, comm_);
  if (first == size) return;
  int len = static_cast<int>(message.size());
  MPI_Bcast(&len, 1, MPI_INT, first, comm_);
  message.resize(static_cast<std::size_t>(len));
  MPI_Bcast(message.data(), len, MPI_CHAR, first, comm_);
  throw InputError(message);
}

void CfWriter::put(int varid, bool per_pool, bool time_varying, int time_index, int pool,
                   const std::vector<double>& values, bool dbl, bool integer) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto rects = blocks();
  std::vector<float>& fbuf = fbuf_;
  std::vector<double>& dbuf = dbuf_;
  for (const auto& r : rects) {
    size_t start[4], count[4];
    int nd = 0;
    if (time_varying) {
      start[nd] = static_cast<size_t>(time_index);
      count[nd++] = r.nrows ? 1 : 0;
    }
    if (per_pool) {
      start[nd] = static_cast<size_t>(pool);
      count[nd++] = r.nrows ? 1 : 0;
    }
    start[nd] = r.row;
    count[nd++] = r.nrows;
    start[nd] = r.col;
    count[nd++] = r.ncols;
    const size_t n = r.nrows * r.ncols;
    int rc;
    if (integer) {
      std::vector<int>& ibuf = ibuf_;
      ibuf.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const double v = values[static_cast<size_t>(r.offset) + i];
        ibuf[i] = std::isnan(v) ? kFillInt : static_cast<int>(std::lround(v));
      }
      rc = nc_put_vara_int(ncid_, varid, start, count, ibuf.data());
    } else if (dbl) {
      dbuf.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const double v = values[static_cast<size_t>(r.offset) + i];
        dbuf[i] = std::isnan(v) ? kFillDouble : v;
      }
      rc = nc_put_vara_double(ncid_, varid, start, count, dbuf.data());
    } else {
      fbuf.resize(n);
      for (size_t i = 0; i < n; ++i) {
        const double v = values[static_cast<size_t>(r.offset) + i];
        fbuf[i] = std::isnan(v) ? kFillFloat : static_cast<float>(v);
      }
      rc = nc_put_vara_float(ncid_, varid, start, count, fbuf.data());
    }
    check(rc, "writing to " + tmp_path_);
    bytes_ += static_cast<double>(n) * (dbl ? 8.0 : 4.0);
  }
  // a static variable is written once: its integer or double buffer is not kept for the years
  if (integer) std::vector<int>().swap(ibuf_);
  else if (dbl && !time_varying) std::vector<double>().swap(dbuf_);
  write_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void CfWriter::write(const std::string& name, int time_index, const std::vector<double>& values, int pool) {
  const auto& v = vars_.at(name);
  refuse_unwritable(name, {&values}, false, v.double_precision);
  put(varid_of(name), v.per_pool || v.per_land_cover, true, time_index, pool, values, v.double_precision);
}

void CfWriter::write_pools(const std::string& name, int time_index, const std::vector<std::vector<double>>& pools) {
  write_layers(name, time_index, pools.size(), [&](std::size_t p) -> const std::vector<double>& { return pools[p]; });
}

void CfWriter::write_layers(const std::string& name, int time_index, std::size_t np, const LayerSource& layer) {
  const auto& v = vars_.at(name);
  const int varid = varid_of(name);
  const auto rects = blocks();
  const size_t total = static_cast<size_t>(end_ - begin_);
  const bool dbl = v.double_precision;
  if (dbl) dbuf_.resize(np * total);
  else fbuf_.resize(np * total);
  // each block's layers one after the other (block b from np x the cells of the blocks before it)
  std::string message;
  double seconds = 0.0;
  for (size_t p = 0; p < np; ++p) {
    const std::vector<double>& values = layer(p);
    if (message.empty()) message = unwritable(name, values, p, true, dbl);
    if (!message.empty()) continue;  // refused below, on every rank
    const auto t0 = std::chrono::steady_clock::now();
    size_t base = 0;
    for (const auto& r : rects) {
      const size_t n = r.nrows * r.ncols;
      const double* x = values.data() + r.offset;
      if (dbl) {
        double* out = dbuf_.data() + np * base + p * n;
        for (size_t i = 0; i < n; ++i) out[i] = std::isnan(x[i]) ? kFillDouble : x[i];
      } else {
        float* out = fbuf_.data() + np * base + p * n;
        for (size_t i = 0; i < n; ++i) out[i] = std::isnan(x[i]) ? kFillFloat : static_cast<float>(x[i]);
      }
      base += n;
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  refuse_unwritable(std::move(message));
  const auto t0 = std::chrono::steady_clock::now();
  size_t base = 0;
  for (const auto& r : rects) {
    const size_t n = r.nrows * r.ncols;
    size_t start[4] = {static_cast<size_t>(time_index), 0, r.row, r.col};
    size_t count[4] = {n ? size_t(1) : 0, n ? np : 0, r.nrows, r.ncols};
    const int rc = dbl ? nc_put_vara_double(ncid_, varid, start, count, dbuf_.data() + np * base)
                       : nc_put_vara_float(ncid_, varid, start, count, fbuf_.data() + np * base);
    check(rc, "writing " + name + " to " + tmp_path_);
    bytes_ += static_cast<double>(np * n) * (dbl ? 8.0 : 4.0);
    base += n;
  }
  write_seconds_ += seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void CfWriter::write_static(const std::string& name, const std::vector<double>& values, int land_cover) {
  const auto& v = vars_.at(name);
  refuse_unwritable(name, {&values}, false, v.double_precision);
  put(varid_of(name), v.per_land_cover, false, 0, land_cover, values, v.double_precision, v.integer);
}

void CfWriter::set_global(const std::string& name, const std::string& value) {
  check(nc_redef(ncid_), "redef");
  put_text(ncid_, NC_GLOBAL, name, value);
  check(nc_enddef(ncid_), "enddef");
}

void CfWriter::commit() {
  const int rc = nc_close(ncid_);
  const int error_number = errno;
  if (rc != NC_NOERR) {
    close_after_failed_close();
    throw OutputError("closing " + tmp_path_ + ": " + nc_strerror(rc), tmp_path_, error_number);
  }
  ncid_ = -1;
  std::vector<float>().swap(fbuf_);  // nothing more to write: what runs after the output (the totals) has the room
  std::vector<double>().swap(dbuf_);
  MPI_Barrier(comm_);
  // rename() replaces the name itself: an earlier output, or a link planted since, is never written through
  int ok = 1, why = 0;
  if (rank_ == 0 && std::rename(tmp_path_.c_str(), spec_.path.c_str()) != 0) {
    ok = 0;
    why = errno;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm_);
  MPI_Bcast(&why, 1, MPI_INT, 0, comm_);
  if (!ok)
    throw OutputError("cannot rename " + tmp_path_ + " to " + spec_.path + " (" + std::strerror(why) + ")", "", why);
}

void CfWriter::close_after_failed_close() {
  // a failed nc_close leaves the HDF5 file open; on one rank it is closed without flushing, so that
  // MPI_Finalize does not meet it (in parallel the caller aborts the communicator)
  int size = 1;
  MPI_Comm_size(comm_, &size);
  if (size == 1 && ncid_ >= 0) nc_abort(ncid_);
  ncid_ = -1;
}

void CfWriter::detach() {
  if (ncid_ >= 0) {
    const int rc = nc_close(ncid_);
    if (rc != NC_NOERR) close_after_failed_close();
    ncid_ = -1;
  }
}

void CfWriter::abandon() {
  if (ncid_ >= 0) {
    const int rc = nc_close(ncid_);
    if (rc != NC_NOERR) close_after_failed_close();
    ncid_ = -1;
  }
  MPI_Barrier(comm_);
  if (rank_ == 0 && is_regular_file(tmp_path_)) std::remove(tmp_path_.c_str());
}

}  // namespace alamod::grids
