// Many sites' forcing in one NetCDF file (site_netcdf.hpp): the reader and the writer from a forcing list.
#include "engine/site/site_netcdf.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>

#include "engine/common/atomic_file.hpp"
#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/version.hpp"
#include "engine/site/site_list.hpp"
#include "engine/site/site_text.hpp"
#include "grids/cf_time.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace site_nc {

void check(int status, const std::string& what) {
  if (status != NC_NOERR) throw InputError(printable(what + ": " + nc_strerror(status)));
}

void put_text(int ncid, int varid, const std::string& name, const std::string& value) {
  check(nc_put_att_text(ncid, varid, name.c_str(), value.size(), value.c_str()), "attribute " + name);
}

int def_double(int ncid, const std::string& name, const std::vector<int>& dims, const std::string& units,
               const std::string& long_name, const std::vector<std::size_t>& chunks) {
  int id = -1;
  check(nc_def_var(ncid, name.c_str(), NC_DOUBLE, static_cast<int>(dims.size()), dims.data(), &id), "variable " + name);
  if (!chunks.empty()) {
    check(nc_def_var_chunking(ncid, id, NC_CHUNKED, chunks.data()), "chunks of " + name);
    std::size_t bytes = sizeof(double);
    for (std::size_t c : chunks) bytes *= c;
    check(nc_set_var_chunk_cache(ncid, id, 4 * bytes, 1009, 0.75f), "chunk cache of " + name);
  }
  const double fill = NC_FILL_DOUBLE;
  check(nc_put_att_double(ncid, id, "_FillValue", NC_DOUBLE, 1, &fill), "_FillValue of " + name);
  if (!units.empty()) put_text(ncid, id, "units", units);
  put_text(ncid, id, "long_name", long_name);
  return id;
}

int def_string(int ncid, const std::string& name, int site_dim, const std::string& long_name) {
  int id = -1;
  check(nc_def_var(ncid, name.c_str(), NC_STRING, 1, &site_dim, &id), "variable " + name);
  put_text(ncid, id, "long_name", long_name);
  return id;
}

void put_strings(int ncid, int varid, const std::vector<std::string>& values) {
  std::vector<const char*> p(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) p[i] = values[i].c_str();
  if (!p.empty()) check(nc_put_var_string(ncid, varid, p.data()), "writing strings");
}

File::~File() {
  if (id >= 0) nc_close(id);
}

void File::close(const std::string& what) {
  const int status = nc_close(id);
  id = -1;
  check(status, what);
}

}  // namespace site_nc

namespace {

using site_nc::check;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::string kOne = "1";

std::string month_label(int year, int month) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

/// A text attribute of a variable (NC_CHAR or one NC_STRING); `found` false when it is absent.
std::string text_attribute(int ncid, int varid, const char* name, bool& found) {
  nc_type type = NC_NAT;
  std::size_t len = 0;
  found = nc_inq_att(ncid, varid, name, &type, &len) == NC_NOERR;
  if (!found) return "";
  if (type == NC_CHAR) {
    std::string s(len, '\0');
    if (len > 0 && nc_get_att_text(ncid, varid, name, s.data()) != NC_NOERR) return "";
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }
  if (type == NC_STRING && len == 1) {
    char* p = nullptr;
    if (nc_get_att_string(ncid, varid, name, &p) != NC_NOERR) return "";
    std::string s = p ? p : "";
    nc_free_string(1, &p);
    return s;
  }
  found = false;
  return "";
}

std::string text_attribute(int ncid, int varid, const char* name) {
  bool found = false;
  return text_attribute(ncid, varid, name, found);
}

bool numeric(nc_type t) {
  switch (t) {
    case NC_BYTE: case NC_UBYTE: case NC_SHORT: case NC_USHORT: case NC_INT: case NC_UINT:
    case NC_INT64: case NC_UINT64: case NC_FLOAT: case NC_DOUBLE: return true;
    default: return false;
  }
}

/// The netCDF default fill value of a numeric type, as a double.
double default_fill(nc_type t) {
  switch (t) {
    case NC_BYTE: return NC_FILL_BYTE;
    case NC_UBYTE: return NC_FILL_UBYTE;
    case NC_SHORT: return NC_FILL_SHORT;
    case NC_USHORT: return NC_FILL_USHORT;
    case NC_INT: return NC_FILL_INT;
    case NC_UINT: return NC_FILL_UINT;
    case NC_INT64: return static_cast<double>(NC_FILL_INT64);
    case NC_UINT64: return static_cast<double>(NC_FILL_UINT64);
    case NC_FLOAT: return static_cast<double>(NC_FILL_FLOAT);
    default: return NC_FILL_DOUBLE;
  }
}

/// A numeric variable over (site) or (site, time) of the format.
struct NumVar {
  int id = -1;
  std::string name;     ///< the format's name (latitude for a lat variable)
  std::string nc_name;  ///< its name in the file
  std::string unit;     ///< as written
  double factor = 1, offset = 0;
  std::vector<double> missing;  ///< _FillValue (or the type's default) and missing_value(s)
  bool nan_missing = false;     ///< a NaN is a missing value (a NaN _FillValue or missing_value)
  ForcingName rules;
  bool time_first = false;      ///< a series stored (time, site)
};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

struct SiteCollection::Impl {
  ~Impl() {
    if (ncid >= 0) nc_close(ncid);  // also when the constructor throws
  }
  std::string path;
  int ncid = -1;
  std::vector<std::string> ids;
  std::vector<double> lat, lon;
  bool coordinates = false;
  int year0 = 0, month0 = 1;
  std::size_t months = 0;
  std::size_t site_dim_len = 0;
  std::vector<NumVar> series;                   ///< (site, time)
  std::vector<NumVar> constants;                ///< (site)
  std::vector<std::vector<double>> constant_values;  ///< per constant, raw per site
  std::map<std::string, std::vector<std::string>> texts;  ///< text key -> value per site

  [[noreturn]] void fail(const std::string& var, const std::string& what) const {
    throw InputError(printable(path + (var.empty() ? "" : " (" + var + ")") + ": " + what));
  }
  std::string site_label(std::size_t i) const { return "site " + std::to_string(i) + " (" + ids[i] + ")"; }
  std::string time_label(std::size_t k) const {
    const int m = month0 - 1 + static_cast<int>(k);
    return "time index " + std::to_string(k) + " (" + month_label(year0 + m / 12, m % 12 + 1) + ")";
  }
  std::string month_of(std::size_t k) const {
    const int m = month0 - 1 + static_cast<int>(k);
    return month_label(year0 + m / 12, m % 12 + 1);
  }
  [[noreturn]] void fail_at(const std::string& var, std::size_t site, long k, const std::string& what) const {
    throw InputError(printable(path + " (" + var + ") at " + site_label(site) +
                               (k >= 0 ? ", " + time_label(static_cast<std::size_t>(k)) : std::string()) + ": " + what));
  }

  bool is_missing(const NumVar& v, double x) const {
    if (std::isnan(x)) return v.nan_missing;
    return std::find(v.missing.begin(), v.missing.end(), x) != v.missing.end();
  }

  /// The value x of v converted and checked (site i, time index k or -1).
  double convert(const NumVar& v, double x, std::size_t i, long k) const {
    const std::string& unit = v.unit.empty() ? kOne : v.unit;
    if (std::isnan(x))
      fail_at(v.nc_name, i, k, "NaN, expected a number in " + unit + " (" + v.rules.what + ")" +
                                   (k >= 0 ? ", or the _FillValue outside the site's period" : ", or the _FillValue where not given"));
    const double c = x * v.factor + v.offset;
    if (!std::isfinite(c))
      fail_at(v.nc_name, i, k, "value " + exact_number(x) + " is not finite once converted to " +
                                   canonical_unit(v.name, TimeStep::month) + " (" + v.rules.what + ")");
    if (!(c >= v.rules.lower && c <= v.rules.upper))
      fail_at(v.nc_name, i, k, "value " + exact_number(x) + " " + unit + " is out of range, expected " +
                                   short_number(v.rules.lower) + " to " + short_number(v.rules.upper) + " " +
                                   canonical_unit(v.name, TimeStep::month) + " (" + v.rules.what + ")");
    if (v.rules.whole && c != std::floor(c))
      fail_at(v.nc_name, i, k, "value " + exact_number(x) + " is not a whole number, expected an integer");
    return c;
  }

  void read_strings(int varid, nc_type type, int ndims, const int* dims, std::vector<std::string>& out) const {
    const std::size_t n = site_dim_len;
    out.assign(n, "");
    if (n == 0) return;
    if (type == NC_STRING) {
      std::vector<char*> p(n, nullptr);
      check(nc_get_var_string(ncid, varid, p.data()), path + ": reading strings");
      for (std::size_t i = 0; i < n; ++i) out[i] = p[i] ? p[i] : "";
      nc_free_string(n, p.data());
      return;
    }
    if (ndims != 2) fail("", "internal: char array without its length dimension");
    std::size_t len = 0;
    check(nc_inq_dimlen(ncid, dims[1], &len), path + ": dimension");
    std::vector<char> buf(n * len);
    if (!buf.empty()) check(nc_get_var_text(ncid, varid, buf.data()), path + ": reading characters");
    for (std::size_t i = 0; i < n; ++i) {
      std::string s(buf.data() + i * len, len);
      s = s.substr(0, s.find('\0'));
      while (!s.empty() && s.back() == ' ') s.pop_back();
      out[i] = s;
    }
  }
};

SiteCollection::SiteCollection(const std::string& path) : impl_(std::make_unique<Impl>()) {
  Impl& c = *impl_;
  c.path = path;
  if (!std::filesystem::is_regular_file(path))
    c.fail("", "site collection file not found or not a regular file, expected a NetCDF file (docs/SITES.md)");
  const int opened = nc_open(path.c_str(), NC_NOWRITE, &c.ncid);
  if (opened != NC_NOERR) c.fail("", std::string("cannot open as NetCDF (") + nc_strerror(opened) + ")");
  const int ncid = c.ncid;

  // featureType
  bool found = false;
  const std::string feature = text_attribute(ncid, NC_GLOBAL, "featureType", found);
  if (!found || lower(feature) != "timeseries")
    c.fail("featureType", (found ? "found '" + excerpt(feature) + "'" : std::string("missing global attribute")) +
                              ", expected featureType = \"timeSeries\" (a CF-1.8 discrete sampling geometry, one time "
                              "series per site)");

  int nvars = 0;
  check(nc_inq_nvars(ncid, &nvars), path + ": variables");
  struct Info {
    std::string name;
    nc_type type = NC_NAT;
    int ndims = 0;
    int dims[NC_MAX_VAR_DIMS] = {};
  };
  std::vector<Info> vars(static_cast<std::size_t>(nvars));
  int id_var = -1, time_var = -1;
  for (int v = 0; v < nvars; ++v) {
    Info& in = vars[static_cast<std::size_t>(v)];
    char name[NC_MAX_NAME + 1] = {};
    check(nc_inq_var(ncid, v, name, &in.type, &in.ndims, in.dims, nullptr), path + ": variable");
    in.name = name;
    if (id_var < 0 && text_attribute(ncid, v, "cf_role") == "timeseries_id") id_var = v;
  }
  for (int v = 0; v < nvars && time_var < 0; ++v)
    if (vars[static_cast<std::size_t>(v)].name == "time") time_var = v;
  for (int v = 0; v < nvars && time_var < 0; ++v)
    if (vars[static_cast<std::size_t>(v)].ndims == 1 &&
        (text_attribute(ncid, v, "standard_name") == "time" || text_attribute(ncid, v, "axis") == "T"))
      time_var = v;

  // the sites
  if (id_var < 0)
    c.fail("cf_role", "no variable with cf_role = \"timeseries_id\", expected the sites' names: site_id(site), a "
                      "string variable over the site dimension with cf_role = \"timeseries_id\" (CF-1.8 section 9.5)");
  const Info& idv = vars[static_cast<std::size_t>(id_var)];
  if (!((idv.type == NC_STRING && idv.ndims == 1) || (idv.type == NC_CHAR && idv.ndims == 2)))
    c.fail(idv.name, "the cf_role = \"timeseries_id\" variable is not a string over one dimension, expected "
                     "site_id(site) of strings (or char(site, n))");
  const int site_dim = idv.dims[0];
  check(nc_inq_dimlen(ncid, site_dim, &c.site_dim_len), path + ": site dimension");
  char site_dim_name[NC_MAX_NAME + 1] = {};
  check(nc_inq_dimname(ncid, site_dim, site_dim_name), path + ": site dimension");
  if (c.site_dim_len == 0)
    c.fail(site_dim_name, "the site dimension has length 0, expected one site or more");
  c.read_strings(id_var, idv.type, idv.ndims, idv.dims, c.ids);
  {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < c.ids.size(); ++i) {
      if (c.ids[i].empty())
        c.fail(idv.name, "site " + std::to_string(i) + ": empty name, expected each site's name (cf_role = \"timeseries_id\")");
      if (const auto [it, fresh] = seen.emplace(c.ids[i], i); !fresh)
        c.fail(idv.name, "site " + std::to_string(i) + ": '" + excerpt(c.ids[i]) + "' is also site " +
                             std::to_string(it->second) + ", expected unique names (cf_role = \"timeseries_id\")");
    }
  }

  // the time axis
  if (time_var < 0)
    c.fail("time", "no time coordinate, expected time(time) with units \"days since DATE\" (one value per month)");
  const Info& tv = vars[static_cast<std::size_t>(time_var)];
  if (tv.ndims != 1 || !numeric(tv.type))
    c.fail(tv.name, "not a numeric variable over one dimension, expected time(time) (the orthogonal representation: "
                    "one time axis for every site)");
  const int time_dim = tv.dims[0];
  check(nc_inq_dimlen(ncid, time_dim, &c.months), path + ": time dimension");
  if (c.months == 0) c.fail(tv.name, "the time dimension has length 0, expected one month or more");
  {
    bool has_units = false;
    const std::string units = text_attribute(ncid, time_var, "units", has_units);
    if (!has_units) c.fail(tv.name, "no units attribute, expected units = \"days since DATE\"");
    const auto u = grids::parse_cf_time_units(path + " (" + tv.name + ")", units, text_attribute(ncid, time_var, "calendar"));
    std::vector<double> t(c.months);
    check(nc_get_var_double(ncid, time_var, t.data()), path + ": reading " + tv.name);
    int py = 0, pm = 0;
    for (std::size_t k = 0; k < t.size(); ++k) {
      if (!std::isfinite(t[k]) || std::fabs(t[k]) > 1e12)
        c.fail(tv.name, "time index " + std::to_string(k) + ": value " + exact_number(t[k]) +
                            ", expected a finite time (no missing time: the orthogonal representation)");
      const grids::CfDate d = grids::cf_date(u, t[k]);
      if (k == 0) {
        c.year0 = d.year;
        c.month0 = d.month;
      } else {
        const int ey = pm == 12 ? py + 1 : py, em = pm == 12 ? 1 : pm + 1;
        if (d.year != ey || d.month != em)
          c.fail(tv.name, "time index " + std::to_string(k) + " is in " + month_label(d.year, d.month) + " after " +
                              month_label(py, pm) + ", expected consecutive months (" + month_label(ey, em) +
                              "): one value per month");
      }
      py = d.year;
      pm = d.month;
    }
  }

  // every other variable over the site dimension
  const std::vector<std::string> names = forcing_names();
  std::set<std::string> given;
  for (int v = 0; v < nvars; ++v) {
    if (v == id_var || v == time_var) continue;
    const Info& in = vars[static_cast<std::size_t>(v)];
    const bool on_site = in.ndims >= 1 && in.dims[0] == site_dim;
    bool touches_site = false;
    for (int d = 0; d < in.ndims; ++d) touches_site |= in.dims[d] == site_dim;
    if (!touches_site) continue;  // time_bnds, a grid mapping, ...: not the sites'
    if (in.name.rfind("x_", 0) == 0) continue;
    const bool is_constant = on_site && in.ndims == 1;
    const bool is_series = in.ndims == 2 && ((on_site && in.dims[1] == time_dim) ||
                                             (in.dims[0] == time_dim && in.dims[1] == site_dim));
    const bool is_chars = on_site && in.ndims == 2 && in.type == NC_CHAR && in.dims[1] != time_dim;
    if (!(is_constant || is_series || is_chars))
      c.fail(in.name, "a variable over the site dimension of another shape, expected NAME(" + std::string(site_dim_name) +
                          ") or NAME(" + site_dim_name + ", time) (or a name starting with x_, not read)");
    std::string key = in.name;
    const std::string standard = text_attribute(ncid, v, "standard_name");
    if (is_constant && (standard == "latitude" || standard == "longitude")) key = standard;
    const ForcingName rules = forcing_name(key);
    if (!rules.known || key == "site_id")
      c.fail(in.name, "unknown variable, expected a name of data/sites/FORMAT.md (nearest: '" +
                          nearest_name(key, names) + "') or a name starting with x_ (not read)");
    if (!given.insert(key).second)
      c.fail(in.name, "given twice (" + key + "), expected each quantity once");
    if (rules.text) {
      if (!(is_chars || (is_constant && in.type == NC_STRING)))
        c.fail(in.name, "not a string over the site dimension, expected " + key + "(" + site_dim_name +
                            ") of strings (a text key of data/sites/FORMAT.md)");
      c.read_strings(v, in.type, in.ndims, in.dims, c.texts[key]);
      for (std::size_t i = 0; i < c.ids.size(); ++i)
        if (const auto& value = c.texts[key][i]; !value.empty())
          if (const std::string expected = check_forcing_text(key, value); !expected.empty())
            c.fail_at(in.name, i, -1, "found '" + excerpt(value) + "', expected " + expected);
      continue;
    }
    if (!numeric(in.type) || is_chars)
      c.fail(in.name, "not numeric, expected numbers in the units of data/sites/FORMAT.md");
    if (is_series && !rules.column_ok)
      c.fail(in.name, "a variable over (site, time), but " + key + " is one value per site, expected " + in.name + "(" +
                          site_dim_name + ")");
    if (is_constant && !rules.meta_ok)
      c.fail(in.name, "a variable over (site), but " + key + " is a monthly series, expected " + in.name + "(" +
                          site_dim_name + ", time)");
    bool packed = false;
    for (const char* att : {"scale_factor", "add_offset"}) packed |= nc_inq_att(ncid, v, att, nullptr, nullptr) == NC_NOERR;
    if (packed) c.fail(in.name, "packed values (scale_factor, add_offset), expected unpacked numbers");
    NumVar nv;
    nv.id = v;
    nv.name = key;
    nv.nc_name = in.name;
    nv.rules = rules;
    nv.time_first = is_series && in.dims[0] == time_dim;
    nv.unit = text_attribute(ncid, v, "units");
    std::string accepted;
    if (!forcing_unit(key, nv.unit, TimeStep::month, nv.factor, nv.offset, accepted))
      c.fail(in.name, (nv.unit.empty() ? std::string("no units attribute") : "unknown unit '" + excerpt(nv.unit) + "'") +
                          (is_series ? " for a monthly series" : "") + ", expected one of " + accepted);
    for (const char* att : {"_FillValue", "missing_value"}) {
      std::size_t len = 0;
      if (nc_inq_attlen(ncid, v, att, &len) != NC_NOERR || len == 0) continue;
      std::vector<double> values(len);
      check(nc_get_att_double(ncid, v, att, values.data()), path + " (" + in.name + "): " + att);
      for (double x : values) {
        if (std::isnan(x)) nv.nan_missing = true;
        else nv.missing.push_back(x);
      }
    }
    if (nc_inq_att(ncid, v, "_FillValue", nullptr, nullptr) != NC_NOERR) nv.missing.push_back(default_fill(in.type));
    if (is_series) {
      c.series.push_back(nv);
    } else {
      std::vector<double> values(c.ids.size());
      check(nc_get_var_double(ncid, v, values.data()), path + ": reading " + in.name);
      c.constants.push_back(nv);
      c.constant_values.push_back(std::move(values));
    }
  }
  if (c.series.empty())
    c.fail("", "no variable over (" + std::string(site_dim_name) + ", time), expected the sites' monthly forcing "
               "series (tas, pr, pet or evap, c_input, ...: data/sites/FORMAT.md)");
  c.lat.assign(c.ids.size(), kNaN);
  c.lon.assign(c.ids.size(), kNaN);
  for (std::size_t j = 0; j < c.constants.size(); ++j) {
    const NumVar& v = c.constants[j];
    if (v.name != "latitude" && v.name != "longitude") continue;
    c.coordinates = true;
    for (std::size_t i = 0; i < c.ids.size(); ++i) {
      const double x = c.constant_values[j][i];
      if (c.is_missing(v, x)) continue;
      (v.name == "latitude" ? c.lat : c.lon)[i] = c.convert(v, x, i, -1);
    }
  }
}

SiteCollection::~SiteCollection() = default;

const std::string& SiteCollection::path() const { return impl_->path; }
std::size_t SiteCollection::sites() const { return impl_->ids.size(); }
const std::string& SiteCollection::site_id(std::size_t i) const { return impl_->ids.at(i); }
double SiteCollection::latitude(std::size_t i) const { return impl_->lat.at(i); }
double SiteCollection::longitude(std::size_t i) const { return impl_->lon.at(i); }
bool SiteCollection::has_coordinates() const { return impl_->coordinates; }
int SiteCollection::first_year() const { return impl_->year0; }
int SiteCollection::first_month() const { return impl_->month0; }
std::size_t SiteCollection::months() const { return impl_->months; }
std::string SiteCollection::where(std::size_t i) const { return impl_->path + " at " + impl_->site_label(i); }

SiteForcing SiteCollection::forcing(std::size_t i) const {
  const Impl& c = *impl_;
  const std::size_t n = c.months;
  SiteForcing f;
  f.path = where(i);
  f.step = TimeStep::month;
  f.header_line = 0;
  // 1. The series: each variable's row of the site, missing values marked, the site's period found.
  std::vector<std::vector<double>> rows(c.series.size(), std::vector<double>(n));
  std::vector<std::vector<char>> present(c.series.size(), std::vector<char>(n, 0));
  std::size_t first = n, last = 0;
  for (std::size_t j = 0; j < c.series.size(); ++j) {
    const NumVar& v = c.series[j];
    std::size_t start[2] = {i, 0}, count[2] = {1, n};
    if (v.time_first) start[0] = 0, start[1] = i, count[0] = n, count[1] = 1;
    check(nc_get_vara_double(c.ncid, v.id, start, count, rows[j].data()), c.path + ": reading " + v.nc_name);
    for (std::size_t k = 0; k < n; ++k) {
      const double x = rows[j][k];
      if (std::isnan(x) && !v.nan_missing) c.convert(v, x, i, static_cast<long>(k));  // throws: NaN, not the fill
      if (c.is_missing(v, x)) continue;
      present[j][k] = 1;
      first = std::min(first, k);
      last = std::max(last, k);
    }
  }
  if (first == n)
    throw InputError(printable(f.path + ": no value in any variable over (site, time), expected the site's monthly series"));
  const std::size_t rows_n = last - first + 1;
  for (std::size_t j = 0; j < c.series.size(); ++j) {
    const NumVar& v = c.series[j];
    std::size_t have = 0;
    for (std::size_t k = first; k <= last; ++k) have += present[j][k] ? 1 : 0;
    if (have == 0) continue;  // the series is not given at this site
    if (have != rows_n)
      for (std::size_t k = first; k <= last; ++k)
        if (!present[j][k])
          c.fail_at(v.nc_name, i, static_cast<long>(k),
                    "missing value (" + std::string(std::isnan(rows[j][k]) ? "NaN" : "the _FillValue") +
                        ") inside the site's period " + c.month_of(first) + " to " + c.month_of(last) +
                        ", expected a number in " + (v.unit.empty() ? std::string("1") : v.unit) +
                        " (every series given at a site covers the months of the site's other series)");
    std::vector<double>& col = f.columns[v.name];
    col.reserve(rows_n);
    for (std::size_t k = first; k <= last; ++k) col.push_back(c.convert(v, rows[j][k], i, static_cast<long>(k)));
  }
  f.year.reserve(rows_n);
  f.month.reserve(rows_n);
  f.day.assign(rows_n, 0);
  f.line.reserve(rows_n);
  for (std::size_t k = first; k <= last; ++k) {
    const int m = c.month0 - 1 + static_cast<int>(k);
    f.year.push_back(c.year0 + m / 12);
    f.month.push_back(m % 12 + 1);
    f.line.push_back(static_cast<int>(k) + 1);
  }
  // 2. The site's constants and texts.
  for (std::size_t j = 0; j < c.constants.size(); ++j) {
    const NumVar& v = c.constants[j];
    const double x = c.constant_values[j][i];
    if (c.is_missing(v, x)) continue;
    f.numbers[v.name] = c.convert(v, x, i, -1);
    f.metadata_line[v.name] = 0;
  }
  for (const auto& [key, values] : c.texts)
    if (!values[i].empty()) {
      f.texts[key] = values[i];
      f.metadata_line[key] = 0;
    }
  f.texts["site_id"] = c.ids[i];
  f.metadata_line["site_id"] = 0;
  return f;
}

// ---------------------------------------------------------------------------------------------------
// The collection written from a forcing list
// ---------------------------------------------------------------------------------------------------

std::size_t write_site_collection(const std::string& list, const std::string& out, bool overwrite) {
  if (out.empty()) throw InputError("--write-netcdf: missing file name, expected the site collection file to write");
  if (!overwrite && std::filesystem::exists(out))
    throw InputError(out + ": the output exists, expected a new file name (or --overwrite)");
  const auto entries = read_site_list(list);
  auto read = [&](const SiteListEntry& e) {
    try {
      SiteForcing f = read_site_forcing(e.forcing);
      if (f.step != TimeStep::month)
        throw InputError(printable(e.forcing) + ": one row per " + time_step_name(f.step) +
                         ", expected a monthly forcing file (a site collection holds monthly series)");
      return f;
    } catch (const InputError& ex) {
      throw InputError(list + ":" + std::to_string(e.line) + " (site " + e.site_id + "): " + ex.what());
    }
  };
  // 1. Every forcing read and checked; what the file holds: the months, the columns, the metadata.
  int first = std::numeric_limits<int>::max(), last = std::numeric_limits<int>::min();  // months since year 0
  std::map<std::string, std::string> column_from, number_from;  // name -> the first forcing that has it
  std::set<std::string> text_keys;
  bool coordinates = false;
  for (const auto& e : entries) {
    const SiteForcing f = read(e);
    first = std::min(first, f.year.front() * 12 + f.month.front() - 1);
    last = std::max(last, f.year.back() * 12 + f.month.back() - 1);
    for (const auto& [name, v] : f.columns) {
      if (number_from.count(name))
        throw InputError(list + ":" + std::to_string(e.line) + " (site " + e.site_id + "): " + name +
                         " is a column of " + e.forcing + " but metadata of " + number_from[name] +
                         ", expected it one way in every file (a site collection holds it either per site and month "
                         "or per site)");
      column_from.emplace(name, e.forcing);
    }
    for (const auto& [name, v] : f.numbers) {
      if (column_from.count(name))
        throw InputError(list + ":" + std::to_string(e.line) + " (site " + e.site_id + "): " + name +
                         " is metadata of " + e.forcing + " but a column of " + column_from[name] +
                         ", expected it one way in every file (a site collection holds it either per site and month "
                         "or per site)");
      if (name == "latitude" || name == "longitude") coordinates = true;
      else number_from.emplace(name, e.forcing);
    }
    for (const auto& [key, v] : f.texts)
      if (key != "site_id" && key.rfind("x_", 0) != 0) text_keys.insert(key);
  }
  const std::size_t months = static_cast<std::size_t>(last - first + 1);
  const int year0 = first / 12, month0 = first % 12 + 1;

  // 2. The file: defined, then each site's values written, then renamed into place.
  std::unique_ptr<AtomicOutputPath> target;
  try {
    target = std::make_unique<AtomicOutputPath>(out);
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
  site_nc::File nc;
  check(nc_create(target->temporary().c_str(), NC_NETCDF4 | NC_CLOBBER, &nc.id), out + ": creating the file");
  const int ncid = nc.id;
  int d_site = -1, d_time = -1, d_nv = -1;
  check(nc_def_dim(ncid, "site", entries.size(), &d_site), "dimension site");
  check(nc_def_dim(ncid, "time", months, &d_time), "dimension time");
  check(nc_def_dim(ncid, "nv", 2, &d_nv), "dimension nv");
  int v_time = -1, v_bnds = -1;
  check(nc_def_var(ncid, "time", NC_DOUBLE, 1, &d_time, &v_time), "variable time");
  const std::string since = "days since " + month_label(year0, 1) + "-01 00:00:00";
  site_nc::put_text(ncid, v_time, "standard_name", "time");
  site_nc::put_text(ncid, v_time, "long_name", "start of the month");
  site_nc::put_text(ncid, v_time, "units", since);
  site_nc::put_text(ncid, v_time, "calendar", "proleptic_gregorian");
  site_nc::put_text(ncid, v_time, "axis", "T");
  site_nc::put_text(ncid, v_time, "bounds", "time_bnds");
  const int bnds_dims[2] = {d_time, d_nv};
  check(nc_def_var(ncid, "time_bnds", NC_DOUBLE, 2, bnds_dims, &v_bnds), "variable time_bnds");
  const int v_id = site_nc::def_string(ncid, "site_id", d_site, "site name (the forcing list's site_id)");
  site_nc::put_text(ncid, v_id, "cf_role", "timeseries_id");
  int v_lat = -1, v_lon = -1;
  if (coordinates) {
    v_lat = site_nc::def_double(ncid, "lat", {d_site}, "degrees_north", "latitude");
    site_nc::put_text(ncid, v_lat, "standard_name", "latitude");
    v_lon = site_nc::def_double(ncid, "lon", {d_site}, "degrees_east", "longitude");
    site_nc::put_text(ncid, v_lon, "standard_name", "longitude");
  }
  std::map<std::string, int> v_number, v_text, v_column;
  for (const auto& [name, from] : number_from)
    v_number[name] = site_nc::def_double(ncid, name, {d_site}, canonical_unit(name, TimeStep::month), forcing_name(name).what);
  for (const auto& key : text_keys) v_text[key] = site_nc::def_string(ncid, key, d_site, key + " (data/sites/FORMAT.md)");
  for (const auto& [name, from] : column_from) {
    const int id = site_nc::def_double(ncid, name, {d_site, d_time}, canonical_unit(name, TimeStep::month),
                                       forcing_name(name).what, {1, months});
    site_nc::put_text(ncid, id, "cell_methods", forcing_name(name).sum ? "time: sum" : "time: mean");
    if (coordinates) site_nc::put_text(ncid, id, "coordinates", "lat lon");
    if (name == "tas") site_nc::put_text(ncid, id, "standard_name", "air_temperature");
    v_column[name] = id;
  }
  const int v_file = site_nc::def_string(ncid, "x_forcing_file", d_site, "the site's forcing file (not read)");
  const int v_sha = site_nc::def_string(ncid, "x_forcing_sha256", d_site, "SHA-256 of the site's forcing file (not read)");
  const std::string now = utc_now_iso();
  const std::pair<const char*, std::string> globals[] = {
      {"Conventions", "CF-1.8"},
      {"featureType", "timeSeries"},
      {"title", "alamod site forcing: " + std::to_string(entries.size()) + " sites, monthly, " +
                    month_label(year0, month0) + " to " + month_label(last / 12, last % 12 + 1)},
      {"summary", "The monthly site forcing of data/sites/FORMAT.md (climate, carbon inputs, soil properties) for "
                  "each site of a forcing list, in the canonical units of the format; read by `alamod site "
                  "--forcing-netcdf`."},
      {"source", "alamod " + alamod_version() + " (git " + alamod_git_commit() + ")"},
      {"history", now + ": alamod site --forcing-list " + list + " --write-netcdf " + out},
      {"date_created", now},
      {"alamod_forcing_list", list},
      {"alamod_forcing_list_sha256", grids::sha256_file(list)},
  };
  for (const auto& [k, v] : globals) site_nc::put_text(ncid, NC_GLOBAL, k, v);
  check(nc_enddef(ncid), out + ": defining the file");

  {  // the time axis: the first day of each month and its bounds
    std::vector<double> t(months), b(2 * months);
    const long base = grids::cf_day_number(grids::CfCalendar::gregorian, year0, 1, 1);
    for (std::size_t k = 0; k <= months; ++k) {
      const int m = first + static_cast<int>(k);
      const double day = static_cast<double>(grids::cf_day_number(grids::CfCalendar::gregorian, m / 12, m % 12 + 1, 1) - base);
      if (k < months) t[k] = b[2 * k] = day;
      if (k > 0) b[2 * k - 1] = day;
    }
    check(nc_put_var_double(ncid, v_time, t.data()), out + ": writing time");
    check(nc_put_var_double(ncid, v_bnds, b.data()), out + ": writing time_bnds");
  }
  std::vector<double> row(months);
  // the strings, written at once at the end (one write of a string variable per site costs more than the site)
  std::vector<std::string> ids(entries.size()), files(entries.size()), shas(entries.size());
  std::map<std::string, std::vector<std::string>> texts;
  for (const auto& [key, id] : v_text) texts[key].assign(entries.size(), "");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const SiteListEntry& e = entries[i];
    const SiteForcing f = read(e);
    ids[i] = e.site_id;
    files[i] = e.forcing;
    shas[i] = grids::sha256_file(e.forcing);
    const std::size_t at[1] = {i};
    for (const auto& [name, id] : v_number)
      if (const auto it = f.numbers.find(name); it != f.numbers.end())
        check(nc_put_var1_double(ncid, id, at, &it->second), out + ": writing " + name);
    if (coordinates) {
      if (f.has_number("latitude")) check(nc_put_var1_double(ncid, v_lat, at, &f.numbers.at("latitude")), out + ": writing lat");
      if (f.has_number("longitude")) check(nc_put_var1_double(ncid, v_lon, at, &f.numbers.at("longitude")), out + ": writing lon");
    }
    for (const auto& [key, id] : v_text)
      if (const auto it = f.texts.find(key); it != f.texts.end()) texts[key][i] = it->second;
    const std::size_t offset = static_cast<std::size_t>(f.year.front() * 12 + f.month.front() - 1 - first);
    for (const auto& [name, id] : v_column) {
      std::fill(row.begin(), row.end(), NC_FILL_DOUBLE);
      if (const auto it = f.columns.find(name); it != f.columns.end())
        std::copy(it->second.begin(), it->second.end(), row.begin() + static_cast<std::ptrdiff_t>(offset));
      const std::size_t start[2] = {i, 0}, count[2] = {1, months};
      check(nc_put_vara_double(ncid, id, start, count, row.data()), out + ": writing " + name);
    }
  }
  site_nc::put_strings(ncid, v_id, ids);
  site_nc::put_strings(ncid, v_file, files);
  site_nc::put_strings(ncid, v_sha, shas);
  for (const auto& [key, id] : v_text) site_nc::put_strings(ncid, id, texts[key]);
  nc.close(out + ": closing the file");
  try {
    target->commit();
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
  return entries.size();
}

}  // namespace alamod::engine
