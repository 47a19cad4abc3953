#include "grids/raster.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <stdexcept>

#include <sys/stat.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogr_spatialref.h>

#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::grids {

namespace {

struct GdalInit {
  GdalInit() {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // errors come back as exceptions with context
  }
};

void ensure_gdal() { static GdalInit init; }

std::string last_gdal_error() {
  const char* m = CPLGetLastErrorMsg();
  return (m && *m) ? std::string(": ") + m : std::string();
}

/// `path` opened by GDAL, with a CRS that transforms to the grid's (InputError otherwise).
std::unique_ptr<GDALDataset> open_raster(const std::string& path, const GridSpec& grid) {
  ensure_gdal();
  const std::string kind = non_regular_file_kind(path);
  if (!kind.empty())
    throw InputError(path + ": is " + kind + ", not a regular file (expected a raster file GDAL can open" +
                     (kind == "a folder" ? "; for an Arc/Info binary grid, name its hdr.adf)" : ")"));
  CPLErrorReset();
  std::unique_ptr<GDALDataset> src(static_cast<GDALDataset*>(GDALOpen(path.c_str(), GA_ReadOnly)));
  if (!src) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw InputError(path + ": file not found or not readable (expected a raster GDAL can open)");
    std::fclose(f);
    throw InputError(path + ": not a raster GDAL can open" + last_gdal_error());
  }
  if (src->GetRasterCount() < 1) throw InputError(path + ": has no raster band");
  const OGRSpatialReference* srs = src->GetSpatialRef();
  if (!srs || srs->IsEmpty())
    throw InputError(path + ": has no coordinate reference system (assign one, e.g. gdal_edit.py -a_srs EPSG:2154)");
  OGRSpatialReference dst;
  dst.SetFromUserInput(grid.crs_wkt.c_str());
  {
    CPLErrorReset();
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(srs, &dst));
    if (!ct)
      throw InputError(path + ": its CRS '" + std::string(srs->GetName() ? srs->GetName() : "?") +
                       "' cannot be transformed to the run grid's " + grid.crs +
                       " (PROJ finds no coordinate operation between them)");
  }
  return src;
}

}  // namespace

std::string non_regular_file_kind(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode)) return {};
  if (S_ISDIR(st.st_mode)) return "a folder";
  if (S_ISFIFO(st.st_mode)) return "a named pipe";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a file";
}

Resampling parse_resampling(const std::string& name, const std::string& context) {
  if (name == "nearest") return Resampling::nearest;
  if (name == "bilinear") return Resampling::bilinear;
  if (name == "average") return Resampling::average;
  if (name == "mode") return Resampling::mode;
  throw InputError(context + ": resampling '" + name + "' is not one of nearest, bilinear, average, mode");
}

namespace {

/// Rows [row0, row0 + nrows) of `grid` warped from band 1 of `src` (`path` names it in messages).
RasterWindow warp_window(GDALDataset* src, const std::string& path, const GridSpec& grid, int row0, int nrows,
                         const char* alg) {
  RasterWindow w;
  w.row0 = row0;
  w.nrows = nrows;
  w.nx = grid.nx;
  if (nrows <= 0) return w;
  const double ymax = grid.y_max - row0 * grid.resolution;
  const double ymin = ymax - nrows * grid.resolution;
  char te[4][64], ts[2][32];
  std::snprintf(te[0], 64, "%.17g", grid.x_min);
  std::snprintf(te[1], 64, "%.17g", ymin);
  std::snprintf(te[2], 64, "%.17g", grid.x_max());
  std::snprintf(te[3], 64, "%.17g", ymax);
  std::snprintf(ts[0], 32, "%d", grid.nx);
  std::snprintf(ts[1], 32, "%d", nrows);
  std::vector<const char*> args = {"-of", "MEM", "-t_srs", grid.crs_wkt.c_str(), "-te", te[0], te[1], te[2], te[3],
                                   "-ts", ts[0], ts[1], "-r", alg, "-ot", "Float64", "-dstnodata", "nan",
                                   nullptr};
  GDALWarpAppOptions* opts = GDALWarpAppOptionsNew(const_cast<char**>(args.data()), nullptr);
  if (!opts) throw std::logic_error("gdalwarp options rejected" + last_gdal_error());
  GDALDatasetH srcs[1] = {src};
  int usage_error = 0;
  CPLErrorReset();
  std::unique_ptr<GDALDataset> out(static_cast<GDALDataset*>(GDALWarp("", nullptr, 1, srcs, opts, &usage_error)));
  GDALWarpAppOptionsFree(opts);
  if (!out) throw InputError(path + ": could not be warped to the run grid (" + grid.crs + ")" + last_gdal_error());
  w.values.assign(static_cast<std::size_t>(nrows) * grid.nx, std::numeric_limits<double>::quiet_NaN());
  if (out->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, grid.nx, nrows, w.values.data(), grid.nx, nrows, GDT_Float64, 0,
                                      0) != CE_None)
    throw InputError(path + ": read failed" + last_gdal_error());
  return w;
}

}  // namespace

RasterWindow read_raster_window(const std::string& path, const GridSpec& grid, int row0, int nrows,
                                Resampling resampling) {
  ensure_gdal();
  if (nrows <= 0) {
    RasterWindow w;
    w.row0 = row0;
    w.nx = grid.nx;
    return w;
  }
  const std::unique_ptr<GDALDataset> src = open_raster(path, grid);
  const char* alg = resampling == Resampling::nearest    ? "near"
                    : resampling == Resampling::bilinear ? "bilinear"
                    : resampling == Resampling::average  ? "average"
                                                         : "mode";
  return warp_window(src.get(), path, grid, row0, nrows, alg);
}

std::vector<RasterWindow> read_class_shares(const std::string& path, const GridSpec& grid, int row0, int nrows,
                                            const std::vector<int>& codes, const std::vector<std::string>& names) {
  ensure_gdal();
  std::vector<RasterWindow> shares(codes.size());
  const std::unique_ptr<GDALDataset> src = open_raster(path, grid);
  GDALRasterBand* band = src->GetRasterBand(1);
  const int w = src->GetRasterXSize(), h = src->GetRasterYSize();
  int has_nodata = 0;
  const double nodata = band->GetNoDataValue(&has_nodata);
  std::vector<double> fine(static_cast<std::size_t>(w) * h);
  if (band->RasterIO(GF_Read, 0, 0, w, h, fine.data(), w, h, GDT_Float64, 0, 0) != CE_None)
    throw InputError(path + ": read failed" + last_gdal_error());
  // every pixel's class (-1: nodata); a code without a class is refused, naming the first such pixel
  std::vector<int> cls(fine.size(), -1);
  for (std::size_t p = 0; p < fine.size(); ++p) {
    const double v = fine[p];
    if (!std::isfinite(v) || (has_nodata && v == nodata)) continue;
    const auto it = std::find(codes.begin(), codes.end(), static_cast<int>(std::lround(v)));
    if (it == codes.end() || std::lround(v) != v) {
      std::string known;
      for (std::size_t k = 0; k < codes.size(); ++k)
        known += (k ? ", " : "") + std::to_string(codes[k]) + " " + names[k];
      char code[32];
      std::snprintf(code, sizeof code, "%g", v);
      throw InputError(path + ": land-cover code " + code + " at pixel (row " + std::to_string(p / w) + ", column " +
                       std::to_string(p % w) + ") has no [land_use.*] class in the configuration (classes: " +
                       known + "; set the raster's nodata to what is not land cover)");
    }
    cls[p] = static_cast<int>(it - codes.begin());
  }
  if (nrows <= 0) {
    for (auto& s : shares) s.row0 = row0, s.nx = grid.nx;
    return shares;
  }
  double gt[6];
  const bool georef = src->GetGeoTransform(gt) == CE_None;
  // each class's indicator (1 in the class, 0 in another, nodata outside land cover), averaged over the
  // pixels of each run cell by GDAL: the area share of the class among the classified pixels
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  for (std::size_t k = 0; k < codes.size(); ++k) {
    std::unique_ptr<GDALDataset> ind(mem->Create("", w, h, 1, GDT_Float32, nullptr));
    if (georef) ind->SetGeoTransform(gt);
    ind->SetSpatialRef(src->GetSpatialRef());
    std::vector<float> v(fine.size());
    for (std::size_t p = 0; p < fine.size(); ++p)
      v[p] = cls[p] < 0 ? std::numeric_limits<float>::quiet_NaN() : cls[p] == static_cast<int>(k) ? 1.0f : 0.0f;
    GDALRasterBand* b = ind->GetRasterBand(1);
    b->SetNoDataValue(std::numeric_limits<double>::quiet_NaN());
    if (b->RasterIO(GF_Write, 0, 0, w, h, v.data(), w, h, GDT_Float32, 0, 0) != CE_None)
      throw std::runtime_error("in-memory raster write failed" + last_gdal_error());
    shares[k] = warp_window(ind.get(), path, grid, row0, nrows, "average");
  }
  return shares;
}

std::vector<std::uint8_t> outside_raster(const std::string& path, const GridSpec& grid, int row0, int nrows) {
  std::vector<std::uint8_t> outside(static_cast<std::size_t>(std::max(nrows, 0)) * grid.nx, 0);
  if (nrows <= 0) return outside;
  const std::unique_ptr<GDALDataset> src = open_raster(path, grid);
  double gt[6], inv[6];
  if (src->GetGeoTransform(gt) != CE_None || !GDALInvGeoTransform(gt, inv))
    throw InputError(path + ": has no usable geotransform (the position of its pixels is unknown)");
  const double width = src->GetRasterXSize(), height = src->GetRasterYSize();
  OGRSpatialReference from, to(*src->GetSpatialRef());
  from.SetFromUserInput(grid.crs_wkt.c_str());
  from.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  to.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const bool same = from.IsSame(&to);
  std::unique_ptr<OGRCoordinateTransformation> ct(same ? nullptr : OGRCreateCoordinateTransformation(&from, &to));
  if (!same && !ct) throw InputError(path + ": its CRS cannot be transformed to the run grid's " + grid.crs);
  const std::size_t nx = static_cast<std::size_t>(grid.nx);
  std::vector<double> x(nx), y(nx);
  std::vector<int> ok(nx);
  for (int row = row0; row < row0 + nrows; ++row) {
    for (std::size_t col = 0; col < nx; ++col) {
      x[col] = grid.x_center(static_cast<int>(col));
      y[col] = grid.y_center(row);
    }
    std::fill(ok.begin(), ok.end(), 1);
    if (ct) ct->Transform(grid.nx, x.data(), y.data(), nullptr, ok.data());
    for (std::size_t col = 0; col < nx; ++col) {
      const double px = inv[0] + inv[1] * x[col] + inv[2] * y[col], py = inv[3] + inv[4] * x[col] + inv[5] * y[col];
      if (!(ok[col] && px >= 0.0 && px < width && py >= 0.0 && py < height))
        outside[static_cast<std::size_t>(row - row0) * nx + col] = 1;
    }
  }
  return outside;
}

std::string file_sha256(const std::string& path) { return sha256_file(path); }

}  // namespace alamod::grids
