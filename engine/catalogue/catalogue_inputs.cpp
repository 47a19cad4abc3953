// What the catalogue describes, read and checked before anything is written: the site packages (their
// datapackage.json checked against the folder, site.csv, treatments.csv, soc_observations.csv), the grid
// runs (their NetCDF's dimensions, variables and ACDD/provenance attributes; totals.csv), the metrics of
// `alamod evaluate`, and the outline of the map (a mask raster read through GDAL).
#include <gdal.h>
#include <netcdf.h>
#include <ogr_srs_api.h>

#include <algorithm>
#include <ctime>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "engine/catalogue/catalogue.hpp"
#include "engine/site/data_package.hpp"
#include "engine/site/json_reader.hpp"
#include "engine/site/site_text.hpp"
#include "grids/input_error.hpp"

namespace fs = std::filesystem;

namespace alamod::engine {

namespace {

[[noreturn]] void fail(const std::string& message) { throw InputError(message); }

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path + ": cannot be read (missing or no permission)");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------------

int CatalogueCsv::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

std::string CatalogueCsv::value(std::size_t r, const std::string& name) const {
  const int c = column(name);
  if (c < 0 || r >= rows.size() || static_cast<std::size_t>(c) >= rows[r].size()) return "";
  return rows[r][static_cast<std::size_t>(c)];
}

CatalogueCsv read_catalogue_csv(const std::string& path) {
  CatalogueCsv t;
  t.file = path;
  const std::string text = read_text(path);
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, row_line = 1;
  auto end_row = [&] {
    row.push_back(field);
    field.clear();
    if (t.header.empty()) {
      t.header = row;
    } else if (!(row.size() == 1 && row[0].empty())) {
      if (row.size() != t.header.size())
        fail(path + ":" + std::to_string(row_line) + ": " + std::to_string(row.size()) + " fields, the header has " +
             std::to_string(t.header.size()));
      t.rows.push_back(row);
      t.lines.push_back(row_line);
    }
    row.clear();
    any = false;
    row_line = line + 1;
  };
  std::size_t i = (text.rfind("\xEF\xBB\xBF", 0) == 0) ? 3 : 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      end_row();
      ++line;
    } else {
      field += c;
      any = true;
    }
  }
  if (quoted) fail(path + ":" + std::to_string(row_line) + ": a quoted field is not closed");
  if (any || !field.empty()) end_row();
  if (t.header.empty()) fail(path + ": empty, expected a header row");
  return t;
}

// ---------------------------------------------------------------------------------------------------
// Site packages
// ---------------------------------------------------------------------------------------------------

namespace {

std::string member_text(const JsonValue& v, const char* name) {
  const JsonValue* m = v.member(name);
  return m && m->is(JsonValue::Type::string) ? m->text : std::string();
}

int year_of(const std::string& s) {
  if (s.size() < 4) return 0;
  double y = 0;
  return parse_decimal(s.substr(0, 4), y) ? static_cast<int>(y) : 0;
}

}  // namespace

SitePackage read_site_package(const std::string& dir) {
  SitePackage s;
  s.dir = dir;
  s.id = fs::path(dir).lexically_normal().filename().string();
  if (s.id.empty()) s.id = fs::path(dir).lexically_normal().parent_path().filename().string();
  const std::string descriptor = (fs::path(dir) / "datapackage.json").string();
  if (!fs::is_regular_file(descriptor)) fail(descriptor + ": missing: every site package needs its datapackage.json");
  check_data_package(dir);  // valid JSON that describes the folder's files, or one InputError line
  const JsonValue doc = read_json_file(descriptor);
  s.name = member_text(doc, "name");
  s.title = member_text(doc, "title");
  s.description = member_text(doc, "description");
  s.version = member_text(doc, "version");
  if (const JsonValue* k = doc.member("keywords"); k && k->is(JsonValue::Type::array))
    for (const auto& w : k->items)
      if (w.is(JsonValue::Type::string)) s.keywords.push_back(w.text);
  if (const JsonValue* l = doc.member("licenses"); l && l->is(JsonValue::Type::array))
    for (const auto& x : l->items) s.licences.emplace_back(member_text(x, "name"), member_text(x, "path"));
  if (const JsonValue* c = doc.member("contributors"); c && c->is(JsonValue::Type::array))
    for (const auto& x : c->items) s.creators.emplace_back(member_text(x, "title"), member_text(x, "path"));
  if (s.licences.empty())
    fail(descriptor + " ($.licenses): no licence: a package without one cannot be published in the catalogue");
  s.files.push_back("datapackage.json");
  if (const JsonValue* r = doc.member("resources"); r && r->is(JsonValue::Type::array))
    for (const auto& x : r->items)
      if (const JsonValue* p = x.member("path"); p && p->is(JsonValue::Type::string)) s.files.push_back(p->text);

  const std::string site_csv = (fs::path(dir) / "site.csv").string();
  const CatalogueCsv site = read_catalogue_csv(site_csv);
  if (site.rows.size() != 1) fail(site_csv + ": " + std::to_string(site.rows.size()) + " rows, expected one");
  if (site.value(0, "site_id") != s.id)
    fail(site_csv + ":2 (site_id): '" + excerpt(printable(site.value(0, "site_id"))) + "', expected the folder's name '" +
         s.id + "'");
  if (const std::string n = site.value(0, "site_name"); !n.empty()) s.title = n;
  double lat = 0, lon = 0;
  if (parse_decimal(site.value(0, "latitude"), lat) && parse_decimal(site.value(0, "longitude"), lon)) {
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
      fail(site_csv + ":2 (latitude, longitude): " + site.value(0, "latitude") + ", " + site.value(0, "longitude") +
           " is not a WGS84 position");
    s.latitude = lat;
    s.longitude = lon;
    s.located = true;
  }
  s.country = site.value(0, "country");
  s.network = site.value(0, "network");
  s.land_use = site.value(0, "land_use");
  s.coordinates_note = site.value(0, "coordinates_note");
  s.citation = site.value(0, "citation");
  s.licence = site.value(0, "licence");
  if (s.licence.empty()) s.licence = s.licences.front().first;
  if (s.citation.empty()) fail(site_csv + ":2 (citation): empty: the catalogue carries every site's citation");

  const fs::path treatments = fs::path(dir) / "treatments.csv";
  if (fs::is_regular_file(treatments)) s.treatments = read_catalogue_csv(treatments.string());
  const fs::path obs = fs::path(dir) / "soc_observations.csv";
  if (fs::is_regular_file(obs)) s.observations = read_catalogue_csv(obs.string());
  int lo = std::numeric_limits<int>::max(), hi = 0;
  for (std::size_t r = 0; r < s.observations.rows.size(); ++r) {
    int y = year_of(s.observations.value(r, "observation_year"));
    if (!y) y = year_of(s.observations.value(r, "observation_date"));
    if (y) lo = std::min(lo, y), hi = std::max(hi, y);
  }
  if (hi == 0) {  // no observation: the experiment's years
    lo = year_of(site.value(0, "experiment_start_year"));
    for (std::size_t r = 0; r < s.treatments.rows.size(); ++r) {
      const int a = year_of(s.treatments.value(r, "start_year")), b = year_of(s.treatments.value(r, "end_year"));
      if (a && (!lo || a < lo)) lo = a;
      hi = std::max({hi, a, b});
    }
  }
  s.first_year = lo == std::numeric_limits<int>::max() ? 0 : lo;
  s.last_year = hi ? hi : s.first_year;
  for (const char* v : {"soc", "soc_stock", "bd_samp", "soc_stock_sd"}) {
    bool has = false;
    for (std::size_t r = 0; r < s.observations.rows.size() && !has; ++r) has = !s.observations.value(r, v).empty();
    if (has) s.variables.emplace_back(v);
  }
  if (fs::is_directory(dir) && !s.treatments.rows.empty()) {
    bool forcing = false;
    for (const auto& f : s.files) forcing = forcing || f.rfind("forcing_", 0) == 0;
    if (forcing) s.variables.emplace_back("forcing");
  }
  return s;
}

std::vector<SitePackage> read_site_collection(const std::string& dir) {
  if (!fs::is_directory(dir)) fail(dir + ": not a folder of site packages (--sites)");
  std::vector<std::string> dirs;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory() && fs::exists(e.path() / "site.csv")) dirs.push_back(e.path().string());
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty()) fail(dir + ": no site package (a folder with site.csv and datapackage.json) in it (--sites)");
  std::vector<SitePackage> sites;
  std::set<std::string> ids;
  for (const auto& d : dirs) {
    sites.push_back(read_site_package(d));
    if (!ids.insert(sites.back().id).second) fail(d + ": site '" + sites.back().id + "' twice");
  }
  return sites;
}

// ---------------------------------------------------------------------------------------------------
// Grid runs
// ---------------------------------------------------------------------------------------------------

namespace {

std::string nc_text_attribute(int nc, int var, const char* name) {
  nc_type type;
  size_t len = 0;
  if (nc_inq_att(nc, var, name, &type, &len) != NC_NOERR) return "";
  if (type == NC_CHAR) {
    std::string s(len, '\0');
    if (nc_get_att_text(nc, var, name, s.data()) != NC_NOERR) return "";
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return s;
  }
  if (type == NC_STRING && len == 1) {
    char* p = nullptr;
    if (nc_get_att_string(nc, var, name, &p) != NC_NOERR) return "";
    std::string s = p ? p : "";
    nc_free_string(1, &p);
    return s;
  }
  return "";
}

double nc_number_attribute(int nc, int var, const char* name, double fallback) {
  double v = fallback;
  nc_type type;
  size_t len = 0;
  if (nc_inq_att(nc, var, name, &type, &len) != NC_NOERR || len != 1 || type == NC_CHAR || type == NC_STRING)
    return fallback;
  nc_get_att_double(nc, var, name, &v);
  return v;
}

/// The grid output of a run folder: the NetCDF that carries `alamod_model` and is not totals.nc.
std::string find_run_netcdf(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (!e.is_regular_file() || e.path().extension() != ".nc" || n == "totals.nc" || n[0] == '.') continue;
    int nc = -1;
    if (nc_open(e.path().c_str(), NC_NOWRITE, &nc) != NC_NOERR) continue;
    if (!nc_text_attribute(nc, NC_GLOBAL, "alamod_model").empty()) found.push_back(n);
    nc_close(nc);
  }
  std::sort(found.begin(), found.end());
  if (found.empty())
    fail(dir + ": no grid output in this run folder (a NetCDF file written by `alamod run`, with an alamod_model "
               "attribute) (--runs)");
  return found.front();
}

std::string iso_date(const std::string& s) { return s.size() >= 10 ? s.substr(0, 10) : s; }

}  // namespace

GridRunOutput read_grid_run(const std::string& dir) {
  GridRunOutput r;
  r.dir = dir;
  r.id = fs::path(dir).lexically_normal().filename().string();
  if (r.id.empty()) r.id = fs::path(dir).lexically_normal().parent_path().filename().string();
  if (!fs::is_directory(dir)) fail(dir + ": not a folder (--runs takes the --out folders of `alamod run`)");
  r.netcdf = find_run_netcdf(dir);
  const std::string path = (fs::path(dir) / r.netcdf).string();
  int nc = -1;
  if (const int st = nc_open(path.c_str(), NC_NOWRITE, &nc); st != NC_NOERR)
    fail(path + ": cannot be read as NetCDF: " + nc_strerror(st));
  r.title = nc_text_attribute(nc, NC_GLOBAL, "title");
  r.summary = nc_text_attribute(nc, NC_GLOBAL, "summary");
  r.license = nc_text_attribute(nc, NC_GLOBAL, "license");
  r.model = nc_text_attribute(nc, NC_GLOBAL, "alamod_model");
  r.scenario = nc_text_attribute(nc, NC_GLOBAL, "scenario");
  r.version = nc_text_attribute(nc, NC_GLOBAL, "alamod_version");
  r.commit = nc_text_attribute(nc, NC_GLOBAL, "alamod_git_commit");
  r.created = nc_text_attribute(nc, NC_GLOBAL, "date_created");
  r.history = nc_text_attribute(nc, NC_GLOBAL, "history");
  r.config_sha256 = nc_text_attribute(nc, NC_GLOBAL, "alamod_config_sha256");
  r.time_start = iso_date(nc_text_attribute(nc, NC_GLOBAL, "time_coverage_start"));
  r.time_end = iso_date(nc_text_attribute(nc, NC_GLOBAL, "time_coverage_end"));
  r.lat_min = nc_number_attribute(nc, NC_GLOBAL, "geospatial_lat_min", NAN);
  r.lat_max = nc_number_attribute(nc, NC_GLOBAL, "geospatial_lat_max", NAN);
  r.lon_min = nc_number_attribute(nc, NC_GLOBAL, "geospatial_lon_min", NAN);
  r.lon_max = nc_number_attribute(nc, NC_GLOBAL, "geospatial_lon_max", NAN);
  for (const char* attr : {"time_coverage_start", "time_coverage_end", "geospatial_lat_min", "geospatial_lon_min"})
    if (nc_text_attribute(nc, NC_GLOBAL, attr).empty() && std::isnan(nc_number_attribute(nc, NC_GLOBAL, attr, NAN))) {
      nc_close(nc);
      fail(path + " (global attribute " + attr + "): missing: the catalogue takes the extent from the ACDD attributes");
    }
  if (r.scenario.empty()) r.scenario = "baseline";
  int crs = -1;
  if (nc_inq_varid(nc, "crs", &crs) == NC_NOERR) {
    r.crs_wkt = nc_text_attribute(nc, crs, "crs_wkt");
    // the CRS's own code is the last one of the WKT (WKT2 ID["EPSG",2154], WKT1 AUTHORITY["EPSG","2154"])
    const auto id = r.crs_wkt.rfind("ID[\"EPSG\","), authority = r.crs_wkt.rfind("AUTHORITY[\"EPSG\",\"");
    if (id != std::string::npos && (authority == std::string::npos || id > authority))
      r.epsg = std::atoi(r.crs_wkt.c_str() + id + 10);
    else if (authority != std::string::npos)
      r.epsg = std::atoi(r.crs_wkt.c_str() + authority + 18);
  }
  int ndims = 0, nvars = 0;
  nc_inq_ndims(nc, &ndims);
  nc_inq_nvars(nc, &nvars);
  std::set<std::string> bounds;  // bounds and coordinates are not data variables
  for (int v = 0; v < nvars; ++v) {
    const std::string b = nc_text_attribute(nc, v, "bounds");
    if (!b.empty()) bounds.insert(b);
  }
  for (int d = 0; d < ndims; ++d) {
    char name[NC_MAX_NAME + 1];
    size_t len = 0;
    nc_inq_dim(nc, d, name, &len);
    NcDimension dim;
    dim.name = name;
    dim.length = static_cast<long long>(len);
    int cv = -1;
    if (nc_inq_varid(nc, name, &cv) == NC_NOERR && len > 0) {
      nc_type type;
      int cv_ndims = 0;
      nc_inq_vartype(nc, cv, &type);
      nc_inq_varndims(nc, cv, &cv_ndims);
      if (cv_ndims == 1 && type != NC_CHAR && type != NC_STRING) {
        std::vector<double> values(len);
        if (nc_get_var_double(nc, cv, values.data()) == NC_NOERR) {
          dim.first = values.front();
          dim.last = values.back();
          dim.step = len > 1 ? (values.back() - values.front()) / static_cast<double>(len - 1) : 0.0;
          dim.has_values = true;
        }
      }
      const std::string meanings = nc_text_attribute(nc, cv, "flag_meanings");
      std::istringstream words(meanings);
      for (std::string w; words >> w;) dim.labels.push_back(w);
    }
    r.dimensions.push_back(dim);
  }
  for (int v = 0; v < nvars; ++v) {
    char name[NC_MAX_NAME + 1];
    int nd = 0, dimids[NC_MAX_VAR_DIMS];
    nc_inq_varname(nc, v, name);
    nc_inq_varndims(nc, v, &nd);
    nc_inq_vardimid(nc, v, dimids);
    NcVariable var;
    var.name = name;
    if (bounds.count(var.name) || var.name == "crs") continue;
    bool is_dim = false;
    for (const auto& d : r.dimensions) is_dim = is_dim || d.name == var.name;
    if (is_dim) continue;
    for (int i = 0; i < nd; ++i) {
      char dn[NC_MAX_NAME + 1];
      nc_inq_dimname(nc, dimids[i], dn);
      var.dimensions.emplace_back(dn);
    }
    var.units = nc_text_attribute(nc, v, "units");
    var.long_name = nc_text_attribute(nc, v, "long_name");
    var.standard_name = nc_text_attribute(nc, v, "standard_name");
    r.variables.push_back(var);
  }
  // the last time step's date (31 December of the last year) rather than ACDD's exclusive end
  int tv = -1;
  if (nc_inq_varid(nc, "time", &tv) == NC_NOERR) {
    const std::string units = nc_text_attribute(nc, tv, "units");
    int y = 0, m = 0, d = 0;
    for (const auto& dim : r.dimensions)
      if (dim.name == "time" && dim.has_values && units.rfind("days since ", 0) == 0 &&
          std::sscanf(units.c_str() + 11, "%d-%d-%d", &y, &m, &d) == 3) {
        std::tm t{};
        t.tm_year = y - 1900, t.tm_mon = m - 1, t.tm_mday = d;
        const std::time_t at = timegm(&t) + static_cast<std::time_t>(std::floor(dim.last)) * 86400;
        std::tm last{};
        gmtime_r(&at, &last);
        char buf[48];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", last.tm_year + 1900, last.tm_mon + 1, last.tm_mday);
        r.time_end = buf;
      }
  }
  nc_close(nc);
  if (r.time_start.empty() || r.time_end.empty())
    fail(path + " (global attributes time_coverage_start, time_coverage_end): empty");

  r.files.push_back(r.netcdf);
  std::vector<std::string> others;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    const std::string ext = e.path().extension().string();
    if (!e.is_regular_file() || n[0] == '.' || n == r.netcdf) continue;
    if (ext == ".nc" || ext == ".csv" || ext == ".html" || ext == ".png" || ext == ".tif") others.push_back(n);
  }
  std::sort(others.begin(), others.end());
  r.files.insert(r.files.end(), others.begin(), others.end());
  const fs::path totals = fs::path(dir) / "totals.csv";
  if (fs::is_regular_file(totals)) {
    r.totals = read_catalogue_csv(totals.string());
    for (const char* c : {"scenario", "year", "zone_kind", "land_cover", "soc_TgC", "area_ha"})
      if (r.totals.column(c) < 0) fail(totals.string() + ":1 (" + c + "): missing column");
    if (!r.totals.rows.empty()) r.scenario = r.totals.value(0, "scenario");
  }
  return r;
}

Evaluations read_evaluations(const std::vector<std::string>& dirs) {
  Evaluations e;
  for (const auto& d : dirs) {
    const fs::path m = fs::path(d) / "metrics.csv";
    if (!fs::is_regular_file(m)) fail(d + ": no metrics.csv in it (--evaluations takes `alamod evaluate` --out folders)");
    CatalogueCsv t = read_catalogue_csv(m.string());
    for (const char* c : {"model", "site", "treatment", "metric", "value", "unit", "n"})
      if (t.column(c) < 0) fail(m.string() + ":1 (" + c + "): missing column of an evaluate metrics.csv");
    e.sources.push_back(m.string());
    if (e.metrics.header.empty()) e.metrics.header = t.header;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
      std::vector<std::string> row;
      for (const auto& h : e.metrics.header) row.push_back(t.value(r, h));
      e.metrics.rows.push_back(row);
    }
    // the simulated stocks of every year (evaluate writes them since the site pages draw them; older folders lack it)
    const fs::path sp = fs::path(d) / "simulated_series.csv";
    if (!fs::exists(sp)) continue;
    const CatalogueCsv st = read_catalogue_csv(sp.string());
    for (const char* c : {"model", "parameters", "site", "treatment", "year", "soc"})
      if (st.column(c) < 0) fail(sp.string() + ":1 (" + c + "): missing column of an evaluate simulated_series.csv");
    e.series_sources.push_back(sp.string());
    const int c_year = st.column("year"), c_soc = st.column("soc");
    for (std::size_t r = 0; r < st.rows.size(); ++r) {
      if (st.value(r, "model").empty() && st.value(r, "year") == "yr") continue;  // the units line
      const auto where = [&](int c) {
        return sp.string() + ":" + std::to_string(st.lines[r]) + ":" + std::to_string(c + 1) + " (" +
               st.header[static_cast<std::size_t>(c)] + ")";
      };
      SimulatedYear y;
      y.model = st.value(r, "model");
      y.parameters = st.value(r, "parameters");
      y.site = st.value(r, "site");
      y.treatment = st.value(r, "treatment");
      double year = 0;
      if (!parse_decimal(st.value(r, "year"), year) || year != std::floor(year) || year < 1000 || year > 3000)
        fail(where(c_year) + ": found '" + excerpt(st.value(r, "year")) + "', expected a calendar year");
      if (!parse_decimal(st.value(r, "soc"), y.soc) || !std::isfinite(y.soc) || y.soc < 0)
        fail(where(c_soc) + ": found '" + excerpt(st.value(r, "soc")) + "', expected a SOC stock >= 0 in t ha-1");
      if (y.model.empty() || y.site.empty() || y.treatment.empty())
        fail(sp.string() + ":" + std::to_string(st.lines[r]) + ": empty model, site or treatment, expected all three");
      y.year = static_cast<int>(year);
      e.simulated.push_back(std::move(y));
    }
  }
  return e;
}

// ---------------------------------------------------------------------------------------------------
// The map: land cells of the boundary mask, sites projected into the mask's CRS
// ---------------------------------------------------------------------------------------------------

MapFrame map_frame(const std::string& boundary, const std::vector<SitePackage>& sites, double width) {
  GDALAllRegister();
  GDALDatasetH ds = GDALOpen(boundary.c_str(), GA_ReadOnly);
  if (!ds) fail(boundary + ": cannot be read as a raster (--boundary)");
  const int nx = GDALGetRasterXSize(ds), ny = GDALGetRasterYSize(ds);
  double gt[6];
  if (GDALGetGeoTransform(ds, gt) != CE_None || gt[2] != 0 || gt[4] != 0 || nx * static_cast<long long>(ny) > 4000000) {
    GDALClose(ds);
    fail(boundary + ": not a north-up raster of at most 4 million cells (--boundary)");
  }
  std::vector<float> cells(static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny));
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  int has_nodata = 0;
  const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  if (GDALRasterIO(band, GF_Read, 0, 0, nx, ny, cells.data(), nx, ny, GDT_Float32, 0, 0) != CE_None) {
    GDALClose(ds);
    fail(boundary + ": its first band cannot be read (--boundary)");
  }
  const char* wkt = GDALGetProjectionRef(ds);
  OGRSpatialReferenceH dst = OSRNewSpatialReference(wkt);
  OGRSpatialReferenceH src = OSRNewSpatialReference(nullptr);
  OSRSetWellKnownGeogCS(src, "WGS84");
  OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
  OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
  OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(src, dst);
  GDALClose(ds);
  // the frame: the mask's extent, widened to hold every site, plus a margin
  double x0 = gt[0], x1 = gt[0] + nx * gt[1], y1 = gt[3], y0 = gt[3] + ny * gt[5];
  std::vector<std::pair<double, double>> projected;
  for (const auto& s : sites) {
    double x = s.longitude, y = s.latitude;
    if (s.located && ct && OCTTransform(ct, 1, &x, &y, nullptr)) {
      projected.emplace_back(x, y);
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    } else {
      projected.emplace_back(NAN, NAN);
    }
  }
  if (ct) OCTDestroyCoordinateTransformation(ct);
  OSRDestroySpatialReference(src);
  OSRDestroySpatialReference(dst);
  const double margin = 0.04 * std::max(x1 - x0, y1 - y0);
  x0 -= margin, x1 += margin, y0 -= margin, y1 += margin;
  MapFrame f;
  f.width = width;
  const double scale = width / (x1 - x0);
  f.height = std::round((y1 - y0) * scale);
  auto X = [&](double x) { return (x - x0) * scale; };
  auto Y = [&](double y) { return (y1 - y) * scale; };
  std::ostringstream p;
  p.setf(std::ios::fixed);
  p.precision(1);
  for (int j = 0; j < ny; ++j) {
    for (int i = 0; i < nx;) {
      auto land = [&](int k) {
        const float v = cells[static_cast<std::size_t>(j) * nx + k];
        return std::isfinite(v) && v != 0 && !(has_nodata && v == nodata);
      };
      if (!land(i)) {
        ++i;
        continue;
      }
      int k = i;
      while (k < nx && land(k)) ++k;
      const double xa = X(gt[0] + i * gt[1]), xb = X(gt[0] + k * gt[1]);
      const double ya = Y(gt[3] + j * gt[5]), yb = Y(gt[3] + (j + 1) * gt[5]);
      p << 'M' << xa << ' ' << ya << 'H' << xb << 'V' << yb << 'H' << xa << 'Z';
      i = k;
    }
  }
  f.land_path = p.str();
  for (const auto& [x, y] : projected) f.site_xy.emplace_back(std::isnan(x) ? NAN : X(x), std::isnan(y) ? NAN : Y(y));
  return f;
}

}  // namespace alamod::engine
