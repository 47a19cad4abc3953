#include "grids/satellite.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include "grids/input_error.hpp"

namespace alamod::grids {

namespace {

struct GdalInit {
  GdalInit() {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);
  }
};
void ensure_gdal() { static GdalInit init; }

std::string gdal_error() {
  const char* m = CPLGetLastErrorMsg();
  return (m && *m) ? std::string(" (") + m + ")" : std::string();
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && std::equal(tail.rbegin(), tail.rend(), s.rbegin(),
                                               [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

/// A zipped HDF4 granule unpacked to a temporary file (removed with this object): the HDF4 library opens
/// real files only, so /vsizip/ cannot reach it.
class Unzipped {
 public:
  explicit Unzipped(const std::string& zip) {
    const std::string inner_dir = "/vsizip/" + zip;
    char** names = VSIReadDir(inner_dir.c_str());
    std::string member;
    for (int i = 0; names && names[i]; ++i)
      if (ends_with(names[i], ".hdf")) member = names[i];
    CSLDestroy(names);
    if (member.empty()) throw InputError(zip + ": holds no .hdf granule");
    std::string templ = (std::filesystem::temp_directory_path() / "alamod_hdf_XXXXXX").string();  // TMPDIR
    if (!::mkdtemp(templ.data())) throw InputError(zip + ": cannot make a temporary folder to unpack it");
    dir_ = templ;
    path_ = dir_ + "/" + member;
    if (CPLCopyFile(path_.c_str(), (inner_dir + "/" + member).c_str()) != 0)
      throw InputError(zip + ": cannot unpack " + member + gdal_error());
  }
  ~Unzipped() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  Unzipped(const Unzipped&) = delete;
  Unzipped& operator=(const Unzipped&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

/// The GDAL name of `field` in the HDF4-EOS file `path` (its sub-dataset whose name ends in ":field"), or
/// InputError listing the fields there are.
std::string hdf4_subdataset(const std::string& path, const std::string& shown, const std::string& field) {
  CPLErrorReset();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly)));
  if (!ds) throw InputError(shown + ": not an HDF4 file GDAL can open" + gdal_error());
  char** sds = ds->GetMetadata("SUBDATASETS");
  std::string fields, found;
  for (int i = 0; sds && sds[i]; ++i) {
    std::string entry = sds[i];
    if (entry.find("_NAME=") == std::string::npos) continue;
    const std::string name = entry.substr(entry.find('=') + 1);
    const std::string f = name.substr(name.rfind(':') + 1);
    fields += (fields.empty() ? "" : ", ") + f;
    if (f == field) found = name;
  }
  if (found.empty())
    throw InputError(shown + ": no sub-dataset '" + field + "'" + (fields.empty() ? "" : "; it has: " + fields));
  return found;
}

double metadata_number(GDALDataset* ds, const char* key, double fallback) {
  const char* v = ds->GetMetadataItem(key);
  if (!v) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v, &end);
  return end == v ? fallback : x;
}

struct Raw {
  std::string name;
  int nx = 0, ny = 0;
  double gt[6] = {0, 1, 0, 0, 0, -1};
  std::string wkt;
  std::vector<double> raw;
  double scale = 1, offset = 0, nodata = std::numeric_limits<double>::quiet_NaN();
  double raw_min = -std::numeric_limits<double>::infinity(), raw_max = std::numeric_limits<double>::infinity();
};

/// Opens `name` (a GDAL name), checks its georeferencing, reads band `band` with its scaling.
Raw read_raw(const std::string& name, const std::string& shown, int band, bool hdf4) {
  CPLErrorReset();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpen(name.c_str(), GA_ReadOnly)));
  if (!ds) throw InputError(shown + ": cannot be opened by GDAL" + gdal_error());
  if (band < 1 || band > ds->GetRasterCount())
    throw InputError(shown + ": has no band " + std::to_string(band) + " (it has " +
                     std::to_string(ds->GetRasterCount()) + ")");
  Raw r;
  r.name = name;
  if (ds->GetGeoTransform(r.gt) != CE_None)
    throw InputError(shown + ": has no georeferencing (no geotransform: the position of its pixels is unknown)");
  const OGRSpatialReference* srs = ds->GetSpatialRef();
  if (!srs || srs->IsEmpty())
    throw InputError(shown + ": has no georeferencing (no coordinate reference system; assign one, e.g. "
                             "gdal_edit.py -a_srs EPSG:4326)");
  char* wkt = nullptr;
  srs->exportToWkt(&wkt);
  r.wkt = wkt;
  CPLFree(wkt);
  r.nx = ds->GetRasterXSize();
  r.ny = ds->GetRasterYSize();
  GDALRasterBand* b = ds->GetRasterBand(band);
  int has = 0;
  const double nd = b->GetNoDataValue(&has);
  if (has) r.nodata = nd;
  if (hdf4) {  // MODIS: physical = scale_factor (raw - add_offset); a scale_factor > 1 (MOD13, MOD15) divides
    const double sf = metadata_number(ds.get(), "scale_factor", 1.0);
    const double ao = metadata_number(ds.get(), "add_offset", 0.0);
    r.scale = sf > 1 ? 1.0 / sf : sf;
    r.offset = -ao * r.scale;
    if (const char* vr = ds->GetMetadataItem("valid_range")) {
      double lo = 0, hi = 0;
      if (std::sscanf(vr, "%lf , %lf", &lo, &hi) == 2 || std::sscanf(vr, "%lf %lf", &lo, &hi) == 2) {
        r.raw_min = lo;
        r.raw_max = hi;
      }
    }
  } else {  // CF and GeoTIFF: physical = raw * scale + offset
    int hs = 0, ho = 0;
    const double s = b->GetScale(&hs), o = b->GetOffset(&ho);
    if (hs) r.scale = s;
    if (ho) r.offset = o;
  }
  r.raw.resize(static_cast<std::size_t>(r.nx) * r.ny);
  if (b->RasterIO(GF_Read, 0, 0, r.nx, r.ny, r.raw.data(), r.nx, r.ny, GDT_Float64, 0, 0) != CE_None)
    throw InputError(shown + ": read failed" + gdal_error());
  return r;
}

}  // namespace

std::size_t SatelliteImage::valid() const {
  return static_cast<std::size_t>(std::count_if(values.begin(), values.end(), [](double v) { return !std::isnan(v); }));
}

SatelliteImage read_satellite_image(const std::string& path, const SatelliteReadOptions& o) {
  ensure_gdal();
  if (path.rfind("/vsi", 0) != 0) {  // GDAL virtual files (/vsizip/...) are GDAL's to find
    if (!non_regular_file_kind(path).empty()) throw InputError(path + ": is not a regular file");
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw InputError(path + ": file not found or not readable (expected a satellite image)");
    std::fclose(f);
  }
  const bool zipped = ends_with(path, ".hdf.zip");
  const bool hdf4 = zipped || ends_with(path, ".hdf");
  const bool netcdf = ends_with(path, ".nc") || ends_with(path, ".nc4");
  std::unique_ptr<Unzipped> unzipped;
  std::string file = path;
  if (zipped) {
    unzipped = std::make_unique<Unzipped>(path);
    file = unzipped->path();
  }
  auto name_of = [&](const std::string& var) -> std::string {
    if (hdf4) {
      if (var.empty()) throw InputError(path + ": an HDF4-EOS granule needs the sub-dataset to read (--variable)");
      return hdf4_subdataset(file, path, var);
    }
    if (netcdf) {
      if (var.empty()) throw InputError(path + ": a NetCDF file needs the variable to read (--variable)");
      return "NETCDF:\"" + file + "\":" + var;
    }
    return file;
  };
  const std::string name = name_of(o.variable);
  const std::string shown = path + (o.variable.empty() ? "" : " variable '" + o.variable + "'");
  Raw r = read_raw(name, shown, (hdf4 || netcdf) ? 1 : o.band, hdf4);
  if (!std::isnan(o.scale)) r.scale = o.scale;
  if (!std::isnan(o.offset)) r.offset = o.offset;
  if (!std::isnan(o.nodata)) r.nodata = o.nodata;

  SatelliteImage img;
  img.source = name;
  img.nx = r.nx;
  img.ny = r.ny;
  std::copy(r.gt, r.gt + 6, img.geotransform);
  img.crs_wkt = r.wkt;
  img.scale = r.scale;
  img.offset = r.offset;
  img.values.assign(r.raw.size(), std::numeric_limits<double>::quiet_NaN());

  std::vector<double> qc;
  if (!o.qc_variable.empty()) {
    const Raw q = read_raw(name_of(o.qc_variable), path + " variable '" + o.qc_variable + "'", 1, false);
    if (q.nx != r.nx || q.ny != r.ny)
      throw InputError(path + ": QC '" + o.qc_variable + "' is " + std::to_string(q.nx) + " x " +
                       std::to_string(q.ny) + " pixels, the data " + std::to_string(r.nx) + " x " +
                       std::to_string(r.ny));
    qc = q.raw;
  }
  for (std::size_t i = 0; i < r.raw.size(); ++i) {
    const double raw = r.raw[i];
    if (std::isnan(raw) || (!std::isnan(r.nodata) && raw == r.nodata) || raw < r.raw_min || raw > r.raw_max) continue;
    if (!qc.empty()) {
      const auto bits = static_cast<std::uint32_t>(qc[i]);
      if ((bits & o.qc_mask) != o.qc_good) {
        ++img.flagged;
        continue;
      }
    }
    const double v = raw * r.scale + r.offset;
    if (v < o.valid_min || v > o.valid_max) {
      char buf[200];
      std::snprintf(buf, sizeof buf, ": pixel (row %zu, col %zu) has %s = %.6g (raw %.6g x %.6g + %.6g), outside [%g, %g]",
                    i / r.nx, i % r.nx, o.quantity.c_str(), v, raw, r.scale, r.offset, o.valid_min, o.valid_max);
      throw InputError(shown + buf + "; check --scale/--offset or the variable");
    }
    img.values[i] = v;
  }
  return img;
}

std::vector<double> warp_image_to_grid(const SatelliteImage& img, const GridSpec& grid, Resampling resampling) {
  ensure_gdal();
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  std::unique_ptr<GDALDataset> src(mem->Create("", img.nx, img.ny, 1, GDT_Float64, nullptr));
  double gt[6];
  std::copy(img.geotransform, img.geotransform + 6, gt);
  src->SetGeoTransform(gt);
  src->SetProjection(img.crs_wkt.c_str());
  GDALRasterBand* b = src->GetRasterBand(1);
  b->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
  std::vector<double> copy = img.values;
  if (b->RasterIO(GF_Write, 0, 0, img.nx, img.ny, copy.data(), img.nx, img.ny, GDT_Float64, 0, 0) != CE_None)
    throw std::runtime_error("satellite: in-memory copy failed");
  const char* alg = resampling == Resampling::nearest    ? "near"
                    : resampling == Resampling::bilinear ? "bilinear"
                    : resampling == Resampling::average  ? "average"
                                                         : "mode";
  char te[4][64], ts[2][32];
  std::snprintf(te[0], 64, "%.17g", grid.x_min);
  std::snprintf(te[1], 64, "%.17g", grid.y_min());
  std::snprintf(te[2], 64, "%.17g", grid.x_max());
  std::snprintf(te[3], 64, "%.17g", grid.y_max);
  std::snprintf(ts[0], 32, "%d", grid.nx);
  std::snprintf(ts[1], 32, "%d", grid.ny);
  std::vector<const char*> args = {"-of", "MEM", "-t_srs", grid.crs_wkt.c_str(), "-te", te[0], te[1], te[2], te[3],
                                   "-ts", ts[0], ts[1], "-r", alg, "-ot", "Float64", "-srcnodata", "nan",
                                   "-dstnodata", "nan", nullptr};
  GDALWarpAppOptions* opts = GDALWarpAppOptionsNew(const_cast<char**>(args.data()), nullptr);
  GDALDatasetH srcs[1] = {src.get()};
  int usage_error = 0;
  CPLErrorReset();
  std::unique_ptr<GDALDataset> out(static_cast<GDALDataset*>(GDALWarp("", nullptr, 1, srcs, opts, &usage_error)));
  GDALWarpAppOptionsFree(opts);
  if (!out) throw InputError(img.source + ": could not be warped to the grid (" + grid.crs + ")" + gdal_error());
  std::vector<double> v(static_cast<std::size_t>(grid.nx) * grid.ny, std::numeric_limits<double>::quiet_NaN());
  if (out->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.nx, grid.ny, v.data(), grid.nx, grid.ny, GDT_Float64, 0,
                                      0) != CE_None)
    throw InputError(img.source + ": warp read failed" + gdal_error());
  return v;
}

void write_grid_geotiff(const std::string& path, const GridSpec& grid, const std::vector<double>& values,
                        const std::vector<std::string>& descriptions) {
  ensure_gdal();
  const int bands = static_cast<int>(descriptions.size());
  const std::size_t cells = static_cast<std::size_t>(grid.nx) * grid.ny;
  if (values.size() != cells * descriptions.size()) throw std::logic_error("write_grid_geotiff: size mismatch");
  const std::filesystem::path target(path);
  const std::filesystem::path tmp = target.parent_path() / ("." + target.filename().string() + ".partial");
  GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
  const char* opts[] = {"COMPRESS=DEFLATE", "TILED=YES", nullptr};
  CPLErrorReset();
  std::unique_ptr<GDALDataset> ds(
      gtiff->Create(tmp.string().c_str(), grid.nx, grid.ny, bands, GDT_Float32, const_cast<char**>(opts)));
  if (!ds) throw InputError(path + ": cannot be written" + gdal_error());
  double gt[6] = {grid.x_min, grid.resolution, 0, grid.y_max, 0, -grid.resolution};
  ds->SetGeoTransform(gt);
  ds->SetProjection(grid.crs_wkt.c_str());
  bool ok = true;
  for (int b = 0; b < bands; ++b) {
    GDALRasterBand* band = ds->GetRasterBand(b + 1);
    band->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    band->SetDescription(descriptions[b].c_str());
    std::vector<double> v(values.begin() + b * cells, values.begin() + (b + 1) * cells);
    ok = ok && band->RasterIO(GF_Write, 0, 0, grid.nx, grid.ny, v.data(), grid.nx, grid.ny, GDT_Float64, 0, 0) ==
                   CE_None;
  }
  ds->FlushCache();
  ds.reset();
  std::error_code ec;
  if (!ok) {
    std::filesystem::remove(tmp, ec);
    throw InputError(path + ": write failed" + gdal_error());
  }
  std::filesystem::rename(tmp, target, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw InputError(path + ": cannot be put in place (" + ec.message() + ")");
  }
}

GridSpec point_grid(double lon, double lat, double cell) {
  ensure_gdal();
  if (!(std::abs(lat) <= 90 && std::abs(lon) <= 180))
    throw InputError("site position lon " + std::to_string(lon) + ", lat " + std::to_string(lat) +
                     " is not on Earth (degrees east, north)");
  if (!(cell > 0)) throw InputError("the site cell size must be > 0 m");
  OGRSpatialReference wgs, laea;
  wgs.importFromEPSG(4326);
  wgs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  laea.importFromEPSG(3035);
  laea.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&wgs, &laea));
  double x = lon, y = lat;
  if (!ct || !ct->Transform(1, &x, &y)) throw InputError("site position cannot be projected to EPSG:3035");
  return GridSpec::from_extent("EPSG:3035", x - cell / 2, y - cell / 2, x + cell / 2, y + cell / 2, cell);
}

bool date_from_file_name(const std::string& path, int& year, int& doy) {
  const std::string base = std::filesystem::path(path).filename().string();
  std::smatch m;
  if (std::regex_search(base, m, std::regex(R"(\.A(\d{4})(\d{3})\.)")) ||
      std::regex_search(base, m, std::regex(R"((?:^|_)(\d{4})_(\d{3})(?:\.|_))"))) {
    year = std::stoi(m[1]);
    doy = std::stoi(m[2]);
    return doy >= 1 && doy <= 366;
  }
  if (std::regex_search(base, m, std::regex(R"((?:^|_)(\d{4})(\d{2})(\d{2})\d{4}(?:_|\.))"))) {
    year = std::stoi(m[1]);
    const int month = std::stoi(m[2]), day = std::stoi(m[3]);
    static const int cum[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    if (month < 1 || month > 12 || day < 1 || day > 31) return false;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    doy = cum[month - 1] + day + (leap && month > 2 ? 1 : 0);
    return true;
  }
  return false;
}

}  // namespace alamod::grids
