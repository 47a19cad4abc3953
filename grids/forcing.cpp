#include "grids/forcing.hpp"

#include <netcdf_meta.h>
#if !NC_HAS_PARALLEL4
#error "alamod needs the parallel netCDF-4 headers (libnetcdf-mpi-dev), not the serial ones"
#endif
#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>

#include <ogr_spatialref.h>

#include "grids/cf_time.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"

namespace alamod::grids {

namespace {
// Forcing cells around the ones a rank's cells map to that its read window includes (coastal cells
// search them for the nearest forcing cell with data).
constexpr int kMargin = 8;

std::string get_text_att(int ncid, int varid, const char* name) {
  size_t len = 0;
  nc_type type;
  if (nc_inq_att(ncid, varid, name, &type, &len) != NC_NOERR || type != NC_CHAR) return {};
  std::string s(len, '\0');
  nc_get_att_text(ncid, varid, name, s.data());
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

MonthlyForcing::MonthlyForcing(const std::string& path, const GridSpec& grid, const std::vector<std::int64_t>& cells,
                               std::vector<ForcingVariable> variables)
    : path_(path), grid_(grid), cells_(cells), vars_(std::move(variables)) {
  if (const std::string kind = non_regular_file_kind(path); !kind.empty())
    throw InputError(path + ": is " + kind + ", not a regular file (expected CF NetCDF monthly forcing)");
  if (nc_open(path.c_str(), NC_NOWRITE, &ncid_) != NC_NOERR) {
    ncid_ = -1;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw InputError(path + ": forcing file not found or not readable (expected CF NetCDF)");
    std::fclose(f);
    throw InputError(path + ": not a NetCDF file (expected CF NetCDF monthly forcing)");
  }
  // --- variables and units
  for (const auto& v : vars_) {
    int id;
    if (nc_inq_varid(ncid_, v.name.c_str(), &id) != NC_NOERR)
      throw InputError(path + ": variable '" + v.name + "' not found (expected a (time, y, x) " +
                       (v.quantity == ForcingQuantity::temperature ? "air temperature" : "monthly water amount") +
                       " variable)");
    int ndims;
    nc_inq_varndims(ncid_, id, &ndims);
    if (ndims != 3) throw InputError(path + ": variable '" + v.name + "' has " + std::to_string(ndims) +
                                     " dimensions (expected 3: time, y, x)");
    varids_.push_back(id);
    const std::string units = trim(get_text_att(ncid_, id, "units"));
    double scale = 1.0, offset = 0.0;
    int per = 0;
    if (v.quantity == ForcingQuantity::temperature) {
      if (units == "degC" || units == "degree_Celsius" || units == "degrees_Celsius" || units == "Celsius" ||
          units == "celsius" || units == "deg_C")
        ;
      else if (units == "K" || units == "kelvin" || units == "degK")
        offset = -273.15;
      else
        throw InputError(path + ": variable '" + v.name + "' has units '" + units +
                         "' (expected degC or K)" + (units.empty() ? ": the units attribute is missing" : ""));
      lower_.push_back(-90.0);
      upper_.push_back(70.0);
    } else {
      if (units == "mm month-1" || units == "mm/month" || units == "mm mon-1" || units == "kg m-2 month-1")
        ;
      else if (units == "mm d-1" || units == "mm day-1" || units == "mm/day" || units == "kg m-2 d-1")
        per = 1;
      else if (units == "kg m-2 s-1" || units == "mm s-1")
        per = 2;
      else
        throw InputError(path + ": variable '" + v.name + "' has units '" + units +
                         "' (expected mm month-1, mm d-1 or kg m-2 s-1)" +
                         (units.empty() ? ": the units attribute is missing" : ""));
      const bool precipitation = v.quantity == ForcingQuantity::precipitation;
      lower_.push_back(precipitation ? 0.0 : -1000.0);
      upper_.push_back(precipitation ? 10000.0 : 1000.0);
    }
    units_.push_back(units);
    scale_.push_back(scale);
    offset_.push_back(offset);
    per_day_.push_back(per);
    // missing: the _FillValue (netCDF's default fill for a floating-point variable without one: the
    // values never written) and the missing_value; any other value is a value, checked against the
    // quantity's range
    nc_type vtype;
    nc_inq_vartype(ncid_, id, &vtype);
    double fill = vtype == NC_FLOAT    ? static_cast<double>(NC_FILL_FLOAT)
                  : vtype == NC_DOUBLE ? NC_FILL_DOUBLE
                                       : std::numeric_limits<double>::quiet_NaN();
    double missing = std::numeric_limits<double>::quiet_NaN();
    nc_type t;
    size_t len;
    if (nc_inq_att(ncid_, id, "_FillValue", &t, &len) == NC_NOERR) nc_get_att_double(ncid_, id, "_FillValue", &fill);
    if (nc_inq_att(ncid_, id, "missing_value", &t, &len) == NC_NOERR)
      nc_get_att_double(ncid_, id, "missing_value", &missing);
    fill_.push_back(fill);
    missing_.push_back(missing);
    // CF packing: stored = (value - add_offset) / scale_factor
    double sf = 1.0, ao = 0.0;
    if (nc_inq_att(ncid_, id, "scale_factor", &t, &len) == NC_NOERR) nc_get_att_double(ncid_, id, "scale_factor", &sf);
    if (nc_inq_att(ncid_, id, "add_offset", &t, &len) == NC_NOERR) nc_get_att_double(ncid_, id, "add_offset", &ao);
    if (!std::isfinite(sf) || sf == 0.0 || !std::isfinite(ao))
      throw InputError(path + ": variable '" + v.name + "' has an unusable scale_factor or add_offset");
    pack_scale_.push_back(sf);
    pack_offset_.push_back(ao);
    nc_type vt;
    nc_inq_vartype(ncid_, id, &vt);
    is_float_.push_back(vt == NC_FLOAT);
  }
  // --- dimensions: (time, y, x) by position
  int dimids[3];
  nc_inq_vardimid(ncid_, varids_[0], dimids);
  char dname[3][NC_MAX_NAME + 1];
  size_t dlen[3];
  for (int i = 0; i < 3; ++i) nc_inq_dim(ncid_, dimids[i], dname[i], &dlen[i]);
  ny_ = static_cast<int>(dlen[1]);
  nx_ = static_cast<int>(dlen[2]);
  // --- time axis
  int tid;
  if (nc_inq_varid(ncid_, dname[0], &tid) != NC_NOERR)
    throw InputError(path + ": no coordinate variable for the time dimension '" + std::string(dname[0]) + "'");
  const CfTimeUnits time_units =
      parse_cf_time_units(path, get_text_att(ncid_, tid, "units"), get_text_att(ncid_, tid, "calendar"));
  std::vector<double> tv(dlen[0]);
  nc_get_var_double(ncid_, tid, tv.data());
  std::vector<std::pair<int, int>> ym(dlen[0]);
  for (size_t i = 0; i < dlen[0]; ++i) {
    const CfDate d = cf_date(time_units, tv[i]);
    ym[i] = {d.year, d.month};
  }
  base_year_ = ym.front().first;
  axis_first_ = ym.front().first * 12 + ym.front().second - 1;
  axis_last_ = ym.back().first * 12 + ym.back().second - 1;
  axis_values_ = static_cast<int>(ym.size());
  const int span = ym.back().first - base_year_ + 1;
  if (span <= 0 || span > 100000) throw InputError(path + ": time axis is not increasing");
  month_index_.assign(static_cast<size_t>(span) * 12, -1);
  for (size_t i = 0; i < ym.size(); ++i) {
    const int k = (ym[i].first - base_year_) * 12 + ym[i].second - 1;
    if (k < 0 || k >= static_cast<int>(month_index_.size()))
      throw InputError(path + ": time axis is not increasing at index " + std::to_string(i));
    if (month_index_[k] >= 0)
      throw InputError(path + ": time axis has two values in " + std::to_string(ym[i].first) + "-" +
                       std::to_string(ym[i].second) + " (expected monthly values)");
    month_index_[k] = static_cast<int>(i);
  }
  first_year_ = -1;
  for (int y = 0; y < span; ++y) {
    bool full = true;
    for (int m = 0; m < 12; ++m) full = full && month_index_[y * 12 + m] >= 0;
    if (full) {
      if (first_year_ < 0) first_year_ = base_year_ + y;
      last_year_ = base_year_ + y;
    }
  }
  if (first_year_ < 0) throw InputError(path + ": the time axis holds no complete year of 12 monthly values");
  // --- spatial axes and CRS
  std::vector<double> xs(dlen[2]), ys(dlen[1]);
  int xid, yid;
  if (nc_inq_varid(ncid_, dname[2], &xid) != NC_NOERR || nc_inq_varid(ncid_, dname[1], &yid) != NC_NOERR)
    throw InputError(path + ": no coordinate variables for the dimensions '" + std::string(dname[1]) + "', '" +
                     std::string(dname[2]) + "'");
  nc_get_var_double(ncid_, xid, xs.data());
  nc_get_var_double(ncid_, yid, ys.data());
  OGRSpatialReference src;
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const std::string gm = get_text_att(ncid_, varids_[0], "grid_mapping");
  if (!gm.empty()) {
    int gid;
    if (nc_inq_varid(ncid_, gm.c_str(), &gid) != NC_NOERR)
      throw InputError(path + ": variable '" + vars_[0].name + "' names grid_mapping '" + gm + "' which is absent");
    std::string wkt = get_text_att(ncid_, gid, "crs_wkt");
    if (wkt.empty()) wkt = get_text_att(ncid_, gid, "spatial_ref");
    if (wkt.empty() || src.importFromWkt(wkt.c_str()) != OGRERR_NONE)
      throw InputError(path + ": grid mapping '" + gm + "' has no usable crs_wkt attribute (expected OGC WKT)");
  } else {
    const std::string xu = get_text_att(ncid_, xid, "units");
    if (xu.rfind("degree", 0) == 0) src.SetFromUserInput("EPSG:4326");
    else
      throw InputError(path + ": variable '" + vars_[0].name +
                       "' has no grid_mapping attribute and its x axis is not in degrees: the CRS is unknown");
  }
  OGRSpatialReference dst;
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  dst.SetFromUserInput(grid.crs_wkt.c_str());
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&dst, &src));
  if (!ct) throw InputError(path + ": the forcing CRS cannot be transformed to the run grid's " + grid.crs);
  const auto axis_index = [](const std::vector<double>& a, double v) -> long {
    if (a.size() == 1) return 0;
    const double step = (a.back() - a.front()) / static_cast<double>(a.size() - 1);
    const long k = std::lround((v - a.front()) / step);
    if (k < 0 || k >= static_cast<long>(a.size())) return -1;
    return std::fabs(v - a[k]) <= 0.5 * std::fabs(step) * (1.0 + 1e-9) ? k : -1;
  };
  std::vector<long> fr(cells_.size()), fc(cells_.size());
  int rmin = static_cast<int>(dlen[1]), rmax = -1, cmin = static_cast<int>(dlen[2]), cmax = -1;
  for (size_t i = 0; i < cells_.size(); ++i) {
    const int row = static_cast<int>(cells_[i] / grid.nx), col = static_cast<int>(cells_[i] % grid.nx);
    double x = grid.x_center(col), y = grid.y_center(row);
    if (!ct->Transform(1, &x, &y))
      throw InputError(path + ": " + grid.describe_cell(cells_[i]) + " cannot be transformed to the forcing CRS");
    fc[i] = axis_index(xs, x);
    fr[i] = axis_index(ys, y);
    if (fc[i] < 0 || fr[i] < 0)
      throw InputError(path + ": land " + grid.describe_cell(cells_[i]) + " lies outside the forcing grid");
    rmin = std::min<int>(rmin, fr[i]);
    rmax = std::max<int>(rmax, fr[i]);
    cmin = std::min<int>(cmin, fc[i]);
    cmax = std::max<int>(cmax, fc[i]);
  }
  // Window with a margin, so coastal cells can borrow from a neighbour.
  if (!cells_.empty()) {
    row0_ = std::max(0, rmin - kMargin);
    col0_ = std::max(0, cmin - kMargin);
    nrows_ = std::min<int>(static_cast<int>(dlen[1]) - 1, rmax + kMargin) - row0_ + 1;
    ncols_ = std::min<int>(static_cast<int>(dlen[2]) - 1, cmax + kMargin) - col0_ + 1;
  }
  sources_indexed_ = false;
  src_index_.resize(cells_.size());
  for (size_t i = 0; i < cells_.size(); ++i) src_index_[i] = (fr[i] - row0_) * static_cast<long>(ncols_) + (fc[i] - col0_);
  if (cells_.empty()) return;
  // Forcing cells that are missing in every variable at the first and the last
  // time step are sea (or outside the forcing's own land mask). A run cell on the
  // coast whose forcing cell is sea takes the nearest forcing cell that is not,
  // within kMargin forcing cells. Any other missing value is an error at read time.
  const size_t wn = static_cast<size_t>(nrows_) * ncols_;
  std::vector<char> sea(wn, 1);
  std::vector<double> buf(wn);
  for (size_t v = 0; v < vars_.size(); ++v) {
    for (const size_t t : {size_t(0), size_t(dlen[0] - 1)}) {
      const size_t start[3] = {t, static_cast<size_t>(row0_), static_cast<size_t>(col0_)};
      const size_t count[3] = {1, static_cast<size_t>(nrows_), static_cast<size_t>(ncols_)};
      const int rc = nc_get_vara_double(ncid_, varids_[v], start, count, buf.data());
      if (rc != NC_NOERR)
        throw InputError(path + ": reading variable '" + vars_[v].name + "' failed: " + nc_strerror(rc));
      for (size_t k = 0; k < wn; ++k) {
        if (!is_missing(v, buf[k])) sea[k] = 0;
      }
    }
  }
  for (size_t i = 0; i < cells_.size(); ++i) {
    if (!sea[static_cast<size_t>(src_index_[i])]) continue;
    const long r0 = fr[i] - row0_, c0 = fc[i] - col0_;
    long best = -1;
    double bestd = 1e300;
    for (long dr = -kMargin; dr <= kMargin; ++dr)
      for (long dc = -kMargin; dc <= kMargin; ++dc) {
        const long r = r0 + dr, c = c0 + dc;
        if (r < 0 || c < 0 || r >= nrows_ || c >= ncols_) continue;
        const long k = r * ncols_ + c;
        const double d = double(dr * dr + dc * dc) + 1e-6 * double(k);  // ties broken by position: deterministic
        if (!sea[static_cast<size_t>(k)] && d < bestd) {
          bestd = d;
          best = k;
        }
      }
    if (best < 0)
      throw InputError(path + ": land " + grid.describe_cell(cells_[i]) +
                       " has no forcing within " + std::to_string(kMargin) +
                       " forcing cells (all variables are missing there at the first and last time step)");
    src_index_[i] = best;
    ++coastal_fallbacks_;
  }
}

namespace {
std::string month_text(int months) {  // year * 12 + month - 1 -> "YYYY-MM"
  char s[32];
  std::snprintf(s, sizeof s, "%04d-%02d", months / 12, months % 12 + 1);
  return s;
}
}  // namespace

std::string MonthlyForcing::first_missing_month(int from_year, int to_year) const {
  for (int y = from_year; y <= to_year; ++y)
    for (int m = 0; m < 12; ++m) {
      const long k = static_cast<long>(y - base_year_) * 12 + m;
      if (k < 0 || k >= static_cast<long>(month_index_.size()) || month_index_[static_cast<size_t>(k)] < 0)
        return month_text(y * 12 + m);
    }
  return {};
}

std::string MonthlyForcing::time_span() const {
  return month_text(axis_first_) + " to " + month_text(axis_last_) + ", " + std::to_string(axis_values_) +
         " monthly value" + (axis_values_ == 1 ? "" : "s");
}

void MonthlyForcing::throw_implausible(std::size_t v, double value, double converted, int year, int month,
                                       std::size_t i) const {
  const auto g = [](double x) {
    char s[64];
    std::snprintf(s, sizeof s, "%g", x);
    return std::string(s);
  };
  const ForcingQuantity q = vars_[v].quantity;
  const std::string canonical = q == ForcingQuantity::temperature ? "degC" : "mm month-1";
  std::string text = path_ + ": variable '" + vars_[v].name + "' = " + g(value) + " " + units_[v];
  if (units_[v] != canonical) text += " (" + g(converted) + " " + canonical + ")";
  text += " at " + month_text(year * 12 + month) + " over land " + grid_.describe_cell(cells_[i]) + ": ";
  if (q == ForcingQuantity::precipitation && converted < 0.0)
    text += "negative precipitation (expected >= 0 " + canonical + ")";
  else
    text += "outside the plausible " +
            std::string(q == ForcingQuantity::temperature     ? "monthly mean air temperatures"
                        : q == ForcingQuantity::precipitation ? "monthly precipitation"
                                                              : "monthly water amounts") +
            ", " + g(lower_[v]) + " to " + g(upper_[v]) + " " + canonical;
  throw InputError(text);
}

MonthlyForcing::~MonthlyForcing() {
  if (ncid_ >= 0) nc_close(ncid_);
}

std::vector<std::int64_t> MonthlyForcing::source_cells() const {
  std::vector<std::int64_t> out(src_index_.size());
  for (size_t i = 0; i < src_index_.size(); ++i) {
    const std::int64_t r = src_index_[i] / ncols_ + row0_, c = src_index_[i] % ncols_ + col0_;
    out[i] = r * nx_ + c;
  }
  return out;
}

void MonthlyForcing::remap(const std::vector<std::int64_t>& cells, const std::vector<std::int64_t>& sources) {
  if (cells.size() != sources.size())
    throw std::invalid_argument("MonthlyForcing::remap: " + std::to_string(sources.size()) + " sources for " +
                                std::to_string(cells.size()) + " cells");
  int rmin = ny_, rmax = -1, cmin = nx_, cmax = -1;
  for (const std::int64_t k : sources) {
    const int r = static_cast<int>(k / nx_), c = static_cast<int>(k % nx_);
    if (k < 0 || r >= ny_) throw std::invalid_argument("MonthlyForcing::remap: source cell outside the forcing grid");
    rmin = std::min(rmin, r);
    rmax = std::max(rmax, r);
    cmin = std::min(cmin, c);
    cmax = std::max(cmax, c);
  }
  cells_ = cells;
  row0_ = col0_ = nrows_ = ncols_ = 0;
  if (!cells_.empty()) {  // the constructor's margin, so that set_reading weighs the windows alike
    row0_ = std::max(0, rmin - kMargin);
    col0_ = std::max(0, cmin - kMargin);
    nrows_ = std::min(ny_ - 1, rmax + kMargin) - row0_ + 1;
    ncols_ = std::min(nx_ - 1, cmax + kMargin) - col0_ + 1;
  }
  sources_indexed_ = false;
  src_index_.resize(sources.size());
  for (size_t i = 0; i < sources.size(); ++i)
    src_index_[i] = (sources[i] / nx_ - row0_) * static_cast<std::int64_t>(ncols_) + (sources[i] % nx_ - col0_);
  comm_ = MPI_COMM_NULL;
  ffields_.clear();
  ffields_.shrink_to_fit();
  dfields_.clear();
  dfields_.shrink_to_fit();
}

std::string MonthlyForcing::set_reading(MPI_Comm comm, Reading mode) {
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (ranks == 1) return {};
  // union of the ranks' windows [lo, hi)
  const bool has = !cells_.empty();
  int lo[2] = {has ? row0_ : std::numeric_limits<int>::max(), has ? col0_ : std::numeric_limits<int>::max()};
  int hi[2] = {has ? row0_ + nrows_ : -1, has ? col0_ + ncols_ : -1};
  MPI_Allreduce(MPI_IN_PLACE, lo, 2, MPI_INT, MPI_MIN, comm);
  MPI_Allreduce(MPI_IN_PLACE, hi, 2, MPI_INT, MPI_MAX, comm);
  if (hi[0] < 0) return {};
  // values decoded per field: whole chunks over a window (a contiguous variable reads only the window)
  size_t chunk[3] = {1, static_cast<size_t>(ny_), static_cast<size_t>(nx_)};
  int storage = NC_CHUNKED;
  if (nc_inq_var_chunking(ncid_, varids_[0], &storage, chunk) != NC_NOERR || storage != NC_CHUNKED)
    chunk[1] = chunk[2] = 1;
  const auto decoded = [&](int r0, int nr, int c0, int nc) {
    if (nr <= 0 || nc <= 0) return 0.0;
    const long cy = static_cast<long>(chunk[1]), cx = static_cast<long>(chunk[2]);
    const long rows = std::min<long>(ny_, ((r0 + nr - 1) / cy - r0 / cy + 1) * cy);
    const long cols = std::min<long>(nx_, ((c0 + nc - 1) / cx - c0 / cx + 1) * cx);
    return static_cast<double>(rows) * static_cast<double>(cols);
  };
  double own_sum = has ? decoded(row0_, nrows_, col0_, ncols_) : 0.0;
  MPI_Allreduce(MPI_IN_PLACE, &own_sum, 1, MPI_DOUBLE, MPI_SUM, comm);
  const int urows = hi[0] - lo[0], ucols = hi[1] - lo[1];
  const double union_decoded = decoded(lo[0], urows, lo[1], ucols);
  const size_t nfields = 12 * vars_.size();
  double year_bytes = 0.0;
  for (size_t v = 0; v < vars_.size(); ++v) year_bytes += 12.0 * urows * ucols * (is_float_[v] ? 4.0 : 8.0);
  const double ratio = own_sum / std::max(union_decoded, 1.0);
  // Cost per rank in decompressed-value units: per rank, own_sum / P; shared, union / P to decompress
  // plus every value of the union received by broadcast, counted as a tenth of decompressing it.
  constexpr double kBroadcastPerDecoded = 0.1;
  const double per_rank_cost = own_sum / ranks;
  const double shared_cost = union_decoded / ranks + kBroadcastPerDecoded * urows * ucols;
  // a year of the union's fields is held by every rank: bounded, as many ranks may share a node
  constexpr double kMaxSharedBytes = 64.0 * 1048576.0;
  const bool cheaper = per_rank_cost >= 1.5 * shared_cost;
  char why[400];
  const bool share =
      mode == Reading::shared || (mode == Reading::automatic && cheaper && year_bytes <= kMaxSharedBytes);
  if (!share) {
    std::snprintf(why, sizeof why,
                  "read per rank: each rank decompresses the chunks over its own cells (%.2f x the values of "
                  "one reading of their union)%s",
                  ratio,
                  mode == Reading::per_rank ? ", as inputs.climate_reading asks"
                  : cheaper ? "; sharing would hold a year of fields, above 64 MiB, on every rank "
                              "(inputs.climate_reading = \"shared\" forces it)"
                            : "");
    return why;
  }
  // re-index the owned cells into the union window
  sources_indexed_ = false;
  for (auto& k : src_index_) {
    const long r = k / ncols_ + row0_ - lo[0], c = k % ncols_ + col0_ - lo[1];
    k = r * ucols + c;
  }
  row0_ = lo[0];
  col0_ = lo[1];
  nrows_ = urows;
  ncols_ = ucols;
  comm_ = comm;
  const size_t wn = static_cast<size_t>(urows) * static_cast<size_t>(ucols);
  const bool any_float = std::find(is_float_.begin(), is_float_.end(), 1) != is_float_.end();
  const bool any_double = std::find(is_float_.begin(), is_float_.end(), 0) != is_float_.end();
  ffields_.assign(any_float ? nfields * wn : 0, 0.0f);
  dfields_.assign(any_double ? nfields * wn : 0, 0.0);
  std::snprintf(why, sizeof why,
                "read shared: each of the %zu monthly fields of a year is decompressed by one rank over the "
                "ranks' union window (%d x %d cells) and broadcast, %.2f x fewer values decompressed than per "
                "rank, %.1f MiB per year",
                nfields, urows, ucols, ratio, year_bytes / 1048576.0);
  return why;
}

bool MonthlyForcing::read_shared(int year) const {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &ranks);
  const size_t wn = static_cast<size_t>(nrows_) * static_cast<size_t>(ncols_);
  const int nfields = 12 * static_cast<int>(vars_.size());
  std::string error;
  for (int f = rank; f < nfields && error.empty(); f += ranks) {
    const size_t v = static_cast<size_t>(f / 12);
    const int t = month_index_[(year - base_year_) * 12 + f % 12];
    const size_t start[3] = {static_cast<size_t>(t), static_cast<size_t>(row0_), static_cast<size_t>(col0_)};
    const size_t count[3] = {1, static_cast<size_t>(nrows_), static_cast<size_t>(ncols_)};
    const int rc = is_float_[v] ? nc_get_vara_float(ncid_, varids_[v], start, count, &ffields_[f * wn])
                                : nc_get_vara_double(ncid_, varids_[v], start, count, &dfields_[f * wn]);
    if (rc != NC_NOERR) error = path_ + ": reading variable '" + vars_[v].name + "' failed: " + nc_strerror(rc);
  }
  int failed = error.empty() ? 0 : 1;
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, comm_);
  if (!error.empty()) throw InputError(error);
  if (failed) return false;
  std::vector<MPI_Request> requests(static_cast<size_t>(nfields));
  for (int f = 0; f < nfields; ++f) {
    const size_t v = static_cast<size_t>(f / 12);
    if (is_float_[v])
      MPI_Ibcast(&ffields_[f * wn], static_cast<int>(wn), MPI_FLOAT, f % ranks, comm_, &requests[f]);
    else
      MPI_Ibcast(&dfields_[f * wn], static_cast<int>(wn), MPI_DOUBLE, f % ranks, comm_, &requests[f]);
  }
  MPI_Waitall(nfields, requests.data(), MPI_STATUSES_IGNORE);
  return true;
}

void MonthlyForcing::index_sources() const {
  if (sources_indexed_) return;
  const size_t wn = static_cast<size_t>(nrows_) * static_cast<size_t>(ncols_);
  std::vector<std::int32_t> slot(wn, -1);
  source_of_.assign(cells_.size(), 0);
  source_window_.clear();
  source_first_.clear();
  for (size_t i = 0; i < cells_.size(); ++i) {
    std::int32_t& s = slot[static_cast<size_t>(src_index_[i])];
    if (s < 0) {
      s = static_cast<std::int32_t>(source_window_.size());
      source_window_.push_back(src_index_[i]);
      source_first_.push_back(i);
    }
    source_of_[i] = s;
  }
  sources_indexed_ = true;
}

const std::vector<std::int32_t>& MonthlyForcing::source_of() const {
  index_sources();
  return source_of_;
}

const std::vector<std::size_t>& MonthlyForcing::source_first_cell() const {
  index_sources();
  return source_first_;
}

void MonthlyForcing::read_year(int year, std::vector<std::vector<double>>& out) const {
  read_items(year, out, cells_.size(), src_index_.data(), [](size_t i) { return i; });
}

void MonthlyForcing::read_year_by_source(int year, std::vector<std::vector<double>>& out) const {
  index_sources();
  read_items(year, out, source_window_.size(), source_window_.data(), [this](size_t k) { return source_first_[k]; });
}

template <class CellOf>
void MonthlyForcing::read_items(int year, std::vector<std::vector<double>>& out, size_t n, const std::int64_t* window,
                                const CellOf& cell_of) const {
  out.resize(vars_.size());
  if (const std::string month = first_missing_month(year, year); !month.empty())
    throw InputError(path_ + ": the time axis has no value for " + month + " (it holds " + time_span() + ")");
  if (shared_reading() && !read_shared(year)) return;  // another rank failed: engine::collectively reports it
  const size_t wn = static_cast<size_t>(nrows_) * static_cast<size_t>(ncols_);
  std::vector<double> buf(shared_reading() ? 0 : wn);
  for (size_t v = 0; v < vars_.size(); ++v) {
    // room to spare when cells moved to this rank (remap) make the arrays grow: growing in place later
    // touches only the new cells' memory, where a reallocation copies the year into fresh memory
    if (out[v].capacity() > 0 && out[v].capacity() < 12 * n) out[v].reserve(12 * n + 12 * n / 8);
    out[v].resize(12 * n);
    const double sf = pack_scale_[v], ao = pack_offset_[v];
    const bool packed = sf != 1.0 || ao != 0.0;
    for (int m = 0; m < 12; ++m) {
      if (n == 0) continue;
      const double days = days_in_month(year, m + 1);
      const double factor = per_day_[v] == 1 ? days : per_day_[v] == 2 ? days * 86400.0 : scale_[v];
      const auto convert = [&](const auto* field) {
        for (size_t i = 0; i < n; ++i) {
          const double raw = static_cast<double>(field[window[i]]);
          if (is_missing(v, raw))
            throw InputError(path_ + ": variable '" + vars_[v].name + "' is missing (" +
                             (std::isnan(raw) ? std::string("NaN") : raw == fill_[v] ? "its _FillValue" : "its missing_value") + ") at " +
                             month_text(year * 12 + m) + " over land " + grid_.describe_cell(cells_[cell_of(i)]));
          const double value = packed ? raw * sf + ao : raw;
          const double converted = value * factor + offset_[v];
          if (!(converted >= lower_[v] && converted <= upper_[v])) throw_implausible(v, value, converted, year, m, cell_of(i));
          out[v][m * n + i] = converted;
        }
      };
      const size_t f = v * 12 + static_cast<size_t>(m);
      if (shared_reading() && is_float_[v]) {
        convert(&ffields_[f * wn]);
      } else if (shared_reading()) {
        convert(&dfields_[f * wn]);
      } else {
        const int t = month_index_[(year - base_year_) * 12 + m];
        const size_t start[3] = {static_cast<size_t>(t), static_cast<size_t>(row0_), static_cast<size_t>(col0_)};
        const size_t count[3] = {1, static_cast<size_t>(nrows_), static_cast<size_t>(ncols_)};
        const int rc = nc_get_vara_double(ncid_, varids_[v], start, count, buf.data());
        if (rc != NC_NOERR)
          throw InputError(path_ + ": reading variable '" + vars_[v].name + "' failed: " + nc_strerror(rc));
        convert(buf.data());
      }
    }
  }
}

}  // namespace alamod::grids
