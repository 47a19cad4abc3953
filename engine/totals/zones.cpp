// Zone layers of the totals: names (CSV), rasters of codes (nearest, through grids/raster), land-use
// classes, and the user's zones from a raster or a vector file rasterised by area share (GDAL/OGR).
#include "engine/totals/zones.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <numeric>
#include <sstream>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_alg.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include "engine/common/csv_line.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"
#include "grids/raster.hpp"

namespace alamod::engine {

namespace {

void ensure_gdal() {
  static const bool once = [] {
    GDALAllRegister();
    CPLSetErrorHandler(CPLQuietErrorHandler);  // errors come back as exceptions naming the file
    return true;
  }();
  (void)once;
}

std::string gdal_message() {
  const char* m = CPLGetLastErrorMsg();
  return (m && *m) ? std::string(": ") + m : std::string();
}

/// The first and last grid rows of the cells (ascending grid indices); {0, 0} without cells.
std::pair<int, int> row_span(const grids::GridSpec& grid, const std::vector<std::int64_t>& cells) {
  if (cells.empty()) return {0, 0};
  const int first = static_cast<int>(cells.front() / grid.nx);
  return {first, static_cast<int>(cells.back() / grid.nx) - first + 1};
}

/// Every rank's values, once each, sorted.
std::vector<long long> union_over_ranks(MPI_Comm comm, std::vector<long long> mine) {
  std::sort(mine.begin(), mine.end());
  mine.erase(std::unique(mine.begin(), mine.end()), mine.end());
  int size = 1;
  MPI_Comm_size(comm, &size);
  int n = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<size_t>(size)), displs(static_cast<size_t>(size), 0);
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end() - 1, displs.begin() + 1);
  std::vector<long long> all(static_cast<size_t>(displs.back() + counts.back()));
  MPI_Allgatherv(mine.data(), n, MPI_LONG_LONG, all.data(), counts.data(), displs.data(), MPI_LONG_LONG, comm);
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

/// The zone of `code` in `kind`: the table's code and name, matched as text or as an integer (a raster
/// code 1 is département "01"); the code itself when the table has no row for it.
Zone named_zone(const ZoneNames& names, const std::string& kind, const std::string& code) {
  if (const auto it = names.find({kind, code}); it != names.end()) return {code, it->second};
  char* end = nullptr;
  const long long n = std::strtoll(code.c_str(), &end, 10);
  if (end && *end == '\0' && !code.empty())
    for (auto it = names.lower_bound({kind, ""}); it != names.end() && it->first.first == kind; ++it) {
      const std::string& c = it->first.second;
      char* e = nullptr;
      const long long m = std::strtoll(c.c_str(), &e, 10);
      if (e && *e == '\0' && !c.empty() && m == n) return {c, it->second};
    }
  return {code, code};
}

/// Zones that hold no land cell on any rank are dropped (collective); returns their codes.
std::vector<std::string> drop_empty_zones(MPI_Comm comm, ZoneLayer& layer) {
  std::vector<long long> weight(layer.zones.size(), 0);
  for (std::size_t k = 0; k < layer.member_zone.size(); ++k)
    weight[static_cast<size_t>(layer.member_zone[k])] += layer.member_weight[k];
  MPI_Allreduce(MPI_IN_PLACE, weight.data(), static_cast<int>(weight.size()), MPI_LONG_LONG, MPI_SUM, comm);
  std::vector<std::int32_t> renumber(layer.zones.size(), -1);
  std::vector<Zone> kept;
  std::vector<std::string> dropped;
  for (std::size_t z = 0; z < layer.zones.size(); ++z) {
    if (weight[z] > 0) {
      renumber[z] = static_cast<std::int32_t>(kept.size());
      kept.push_back(layer.zones[z]);
    } else {
      dropped.push_back(layer.zones[z].code);
    }
  }
  for (auto& z : layer.member_zone) z = renumber[static_cast<size_t>(z)];
  layer.zones = std::move(kept);
  return dropped;
}

}  // namespace

ZoneLayer read_code_raster(MPI_Comm comm, const std::string& kind, const std::string& path,
                           const grids::GridSpec& grid, const std::vector<std::int64_t>& cells,
                           const ZoneNames& names) {
  ZoneLayer layer;
  layer.kind = kind;
  layer.source = path;
  std::vector<long long> code(cells.size(), 0);
  collectively(comm, [&] {
    const auto [row0, nrows] = row_span(grid, cells);
    const auto w = grids::read_raster_window(path, grid, row0, nrows, grids::Resampling::nearest);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const double v = w.at(static_cast<int>(cells[i] / grid.nx), static_cast<int>(cells[i] % grid.nx));
      if (std::isnan(v)) continue;  // nodata or outside the raster: no zone
      if (v != std::round(v) || std::fabs(v) > 9e15)
        throw InputError(path + ": zone code " + format_number("%g", v) + " at land " + grid.describe_cell(cells[i]) +
                         " (expected integer codes; 0 or nodata for no zone)");
      code[i] = static_cast<long long>(v);
    }
  });
  std::vector<long long> found;
  for (const long long c : code)
    if (c != 0) found.push_back(c);
  const std::vector<long long> codes = union_over_ranks(comm, std::move(found));
  for (const long long c : codes) layer.zones.push_back(named_zone(names, kind, std::to_string(c)));
  for (const long long c : code) {
    if (c != 0) {
      layer.member_zone.push_back(
          static_cast<std::int32_t>(std::lower_bound(codes.begin(), codes.end(), c) - codes.begin()));
      layer.member_weight.push_back(1);
    }
    layer.offset.push_back(static_cast<std::int32_t>(layer.member_zone.size()));
  }
  return layer;
}

namespace {

// ---- vector zones

struct ZoneFeature {
  std::int32_t zone;
  std::unique_ptr<OGRGeometry> geometry;  ///< in the grid's CRS
  OGREnvelope envelope;
};

bool is_number(const std::string& s, double& v) {
  if (s.empty()) return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && std::isfinite(v);
}

/// Reads every polygon of the first layer with its zone (the attribute's value), transformed to the
/// grid's CRS; fills the layer's zones. Throws InputError naming the file.
std::vector<ZoneFeature> read_zone_features(GDALDataset& ds, const std::string& path, const std::string& field,
                                            const grids::GridSpec& grid, ZoneLayer& layer, const ZoneNames& names) {
  OGRLayer* ogr = ds.GetLayer(0);
  OGRFeatureDefn* defn = ogr->GetLayerDefn();
  std::string fields;
  for (int f = 0; f < defn->GetFieldCount(); ++f) fields += (f ? ", " : "") + std::string(defn->GetFieldDefn(f)->GetNameRef());
  if (field.empty())
    throw InputError(path + ": a vector file of zones needs the attribute that names them (totals.zone_field, or "
                            "--zone-field); its attributes: " + (fields.empty() ? "none" : fields));
  const int field_index = defn->GetFieldIndex(field.c_str());
  if (field_index < 0)
    throw InputError(path + ": no attribute '" + field + "' in layer '" + ogr->GetName() + "' (its attributes: " +
                     (fields.empty() ? "none" : fields) + ")");
  const OGRSpatialReference* srs = ogr->GetSpatialRef();
  if (!srs || srs->IsEmpty())
    throw InputError(path + ": has no coordinate reference system (give the file one, e.g. ogr2ogr -a_srs EPSG:2154)");
  OGRSpatialReference src(*srs), dst;
  src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  dst.SetFromUserInput(grid.crs_wkt.c_str());
  dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  CPLErrorReset();
  std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
  if (!ct)
    throw InputError(path + ": its CRS '" + std::string(src.GetName() ? src.GetName() : "?") +
                     "' cannot be transformed to the run grid's " + grid.crs +
                     " (PROJ finds no coordinate operation between them)");
  std::vector<ZoneFeature> features;
  std::vector<std::string> values;
  ogr->ResetReading();
  while (std::unique_ptr<OGRFeature> f{ogr->GetNextFeature()}) {
    const OGRGeometry* g = f->GetGeometryRef();
    if (!g || g->IsEmpty() || !f->IsFieldSetAndNotNull(field_index)) continue;
    const auto type = wkbFlatten(g->getGeometryType());
    if (type != wkbPolygon && type != wkbMultiPolygon && type != wkbCurvePolygon && type != wkbMultiSurface)
      throw InputError(path + ": feature " + std::to_string(f->GetFID()) + " is a " +
                       OGRGeometryTypeToName(g->getGeometryType()) + " (zones must be polygons)");
    std::unique_ptr<OGRGeometry> copy(g->clone());
    CPLErrorReset();
    if (copy->transform(ct.get()) != OGRERR_NONE)
      throw InputError(path + ": feature " + std::to_string(f->GetFID()) + " cannot be transformed to " + grid.crs +
                       gdal_message());
    ZoneFeature zf;
    zf.zone = -1;
    copy->getEnvelope(&zf.envelope);
    zf.geometry = std::move(copy);
    values.emplace_back(f->GetFieldAsString(field_index));
    features.push_back(std::move(zf));
  }
  if (features.empty())
    throw InputError(path + ": no polygon with a value of '" + field + "' in layer '" + ogr->GetName() + "'");
  std::vector<std::string> codes = values;
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  bool numeric = true;
  double a = 0, b = 0;
  for (const auto& c : codes) numeric = numeric && is_number(c, a);
  if (numeric)
    std::stable_sort(codes.begin(), codes.end(), [&](const std::string& x, const std::string& y) {
      is_number(x, a);
      is_number(y, b);
      return a < b;
    });
  for (const auto& c : codes) layer.zones.push_back(named_zone(names, "user", c));
  std::map<std::string, std::int32_t> index;
  for (std::size_t z = 0; z < codes.size(); ++z) index[codes[z]] = static_cast<std::int32_t>(z);
  for (std::size_t k = 0; k < features.size(); ++k) features[k].zone = index.at(values[k]);
  return features;
}

/// Membership of the cells by area share: sub-cells burnt with zone + 1 in blocks of rows.
void rasterise_by_area_share(const std::vector<ZoneFeature>& features, int subcells, const grids::GridSpec& grid,
                             const std::vector<std::int64_t>& cells, const std::string& path, ZoneLayer& layer) {
  layer.denominator = subcells * subcells;
  if (cells.empty()) return;
  const auto [row0, nrows] = row_span(grid, cells);
  const int width = grid.nx * subcells;
  const int block_rows = std::max(1, static_cast<int>(4000000 / (static_cast<long long>(width) * subcells)));
  GDALDriver* mem = GetGDALDriverManager()->GetDriverByName("MEM");
  std::vector<std::int32_t> burnt;
  std::size_t next = 0;  // the first cell not yet placed
  for (int b0 = row0; b0 < row0 + nrows; b0 += block_rows) {
    const int b1 = std::min(row0 + nrows, b0 + block_rows);
    const int height = (b1 - b0) * subcells;
    std::unique_ptr<GDALDataset> ds(mem->Create("", width, height, 1, GDT_Int32, nullptr));
    if (!ds) throw std::runtime_error("GDAL MEM raster for the zones" + gdal_message());
    const double top = grid.y_max - b0 * grid.resolution, bottom = grid.y_max - b1 * grid.resolution;
    double gt[6] = {grid.x_min, grid.resolution / subcells, 0.0, top, 0.0, -grid.resolution / subcells};
    ds->SetGeoTransform(gt);
    ds->GetRasterBand(1)->Fill(0.0);
    std::vector<OGRGeometryH> geometries;
    std::vector<double> burn;
    for (const auto& f : features)
      if (f.envelope.MaxY > bottom && f.envelope.MinY < top && f.envelope.MaxX > grid.x_min &&
          f.envelope.MinX < grid.x_max()) {
        geometries.push_back(OGRGeometry::ToHandle(f.geometry.get()));
        burn.push_back(f.zone + 1.0);
      }
    int band = 1;
    CPLErrorReset();
    if (!geometries.empty() &&
        GDALRasterizeGeometries(GDALDataset::ToHandle(ds.get()), 1, &band, static_cast<int>(geometries.size()),
                                geometries.data(), nullptr, nullptr, burn.data(), nullptr, nullptr, nullptr) != CE_None)
      throw InputError(path + ": could not be rasterised on the run grid" + gdal_message());
    burnt.assign(static_cast<size_t>(width) * height, 0);
    if (ds->GetRasterBand(1)->RasterIO(GF_Read, 0, 0, width, height, burnt.data(), width, height, GDT_Int32, 0, 0) !=
        CE_None)
      throw std::runtime_error("reading the rasterised zones" + gdal_message());
    std::vector<std::pair<std::int32_t, std::int32_t>> counts;  // (zone, sub-cells) of one cell
    for (; next < cells.size() && cells[next] / grid.nx < b1; ++next) {
      const int row = static_cast<int>(cells[next] / grid.nx) - b0, col = static_cast<int>(cells[next] % grid.nx);
      counts.clear();
      for (int sy = 0; sy < subcells; ++sy)
        for (int sx = 0; sx < subcells; ++sx) {
          const std::int32_t z =
              burnt[static_cast<size_t>(row * subcells + sy) * width + static_cast<size_t>(col * subcells + sx)] - 1;
          if (z < 0) continue;
          auto it = std::find_if(counts.begin(), counts.end(), [z](const auto& p) { return p.first == z; });
          if (it == counts.end()) counts.emplace_back(z, 1);
          else ++it->second;
        }
      std::sort(counts.begin(), counts.end());
      for (const auto& [z, n] : counts) {
        layer.member_zone.push_back(z);
        layer.member_weight.push_back(n);
      }
      layer.offset.push_back(static_cast<std::int32_t>(layer.member_zone.size()));
    }
  }
}

}  // namespace

ZoneNames read_zone_names(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": zone names file not found or not readable (expected CSV kind,code,name)");
  ZoneNames names;
  std::string line;
  int n = 0;
  bool header = false;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#' || line == "\r") continue;
    const auto f = csv_fields(line);
    if (!header) {
      if (f.size() < 3 || f[0] != "kind" || f[1] != "code" || f[2] != "name")
        throw InputError(path + ":" + std::to_string(n) + ": expected the header kind,code,name");
      header = true;
      continue;
    }
    if (f.size() < 3 || f[0].empty() || f[1].empty() || f[2].empty())
      throw InputError(path + ":" + std::to_string(n) + ": expected kind,code,name (three non-empty fields)");
    if (!names.emplace(std::make_pair(f[0], f[1]), f[2]).second)
      throw InputError(path + ":" + std::to_string(n) + ": " + f[0] + " " + f[1] + " is named twice");
  }
  if (!header) throw InputError(path + ": empty (expected CSV kind,code,name)");
  return names;
}

ZoneLayer whole_grid_layer(std::size_t cells, const ZoneNames& names) {
  ZoneLayer layer;
  layer.kind = "country";
  Zone all{"all", "all land cells"};
  for (const auto& [key, name] : names)
    if (key.first == "country") all = {key.second, name};
  layer.zones = {all};
  layer.offset.resize(cells + 1);
  std::iota(layer.offset.begin(), layer.offset.end(), 0);
  layer.member_zone.assign(cells, 0);
  layer.member_weight.assign(cells, 1);
  return layer;
}

ZoneLayer read_user_zones(MPI_Comm comm, const std::string& path, const std::string& field, int subcells,
                          const grids::GridSpec& grid, const std::vector<std::int64_t>& cells,
                          const ZoneNames& names) {
  ensure_gdal();
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  bool raster = false;
  collectively(comm, [&] {
    CPLErrorReset();
    std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) {
      std::ifstream probe(path);
      throw InputError(path + (probe ? ": not a raster or vector file GDAL/OGR can open" + gdal_message()
                                     : ": zones file not found or not readable") +
                       " (totals.zones: a raster of zone codes, or a vector file with totals.zone_field)");
    }
    raster = ds->GetRasterCount() > 0;
    if (!raster && ds->GetLayerCount() < 1) throw InputError(path + ": holds neither a raster band nor a vector layer");
  });
  ZoneLayer layer;
  if (raster) {
    layer = read_code_raster(comm, "user", path, grid, cells, names);
  } else {
    layer.kind = "user";
    layer.source = path;
    collectively(comm, [&] {
      std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(
          GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
      if (!ds) throw InputError(path + ": cannot be opened as a vector file" + gdal_message());
      const auto features = read_zone_features(*ds, path, field, grid, layer, names);
      rasterise_by_area_share(features, subcells, grid, cells, path, layer);
    });
  }
  const std::vector<std::string> dropped = drop_empty_zones(comm, layer);
  if (layer.zones.empty())
    throw InputError(path + ": its zones cover no land cell of the run grid (" + grid.crs + ", x " +
                     format_number("%.0f", grid.x_min) + "-" + format_number("%.0f", grid.x_max()) + " m, y " +
                     format_number("%.0f", grid.y_min()) + "-" + format_number("%.0f", grid.y_max) +
                     " m; is it the right file, in the right CRS?)");
  if (rank == 0 && !dropped.empty()) {
    std::string list;
    for (std::size_t k = 0; k < dropped.size() && k < 8; ++k) list += (k ? ", " : "") + dropped[k];
    std::fprintf(stderr, "alamod: warning: %s: %zu zone(s) cover no land cell and get no totals: %s%s\n",
                 path.c_str(), dropped.size(), list.c_str(), dropped.size() > 8 ? ", ..." : "");
  }
  return layer;
}

std::vector<int> read_land_classes(MPI_Comm comm, const std::string& path, const grids::GridSpec& grid,
                                   const std::vector<std::int64_t>& cells, const std::vector<int>& codes) {
  std::vector<int> cls(cells.size(), 0);
  collectively(comm, [&] {
    const auto [row0, nrows] = row_span(grid, cells);
    const auto w = grids::read_raster_window(path, grid, row0, nrows, grids::Resampling::nearest);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const double v = w.at(static_cast<int>(cells[i] / grid.nx), static_cast<int>(cells[i] % grid.nx));
      const auto it = std::isfinite(v) ? std::find(codes.begin(), codes.end(), static_cast<int>(std::lround(v)))
                                       : codes.end();
      if (it == codes.end())
        throw InputError(path + ": land-use code " + format_number("%g", v) + " at land " + grid.describe_cell(cells[i]) +
                         " has no [land_use.*] class in the configuration");
      cls[i] = static_cast<int>(it - codes.begin());
    }
  });
  return cls;
}

}  // namespace alamod::engine
