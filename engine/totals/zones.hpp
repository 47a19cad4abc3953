#pragma once
/// The zones the totals are made over, and which zone each land cell of a rank lies in.
///
/// Zone kinds: the whole run grid ("country"), régions, départements and pedo-climatic zones from
/// rasters of codes (any GDAL raster, warped to the run grid by the cell-centre rule, i.e. nearest),
/// and the user's zones: a raster of codes (cell centre), or a vector file read through GDAL/OGR
/// with a chosen attribute, rasterised on the run grid by area share: each cell is cut into
/// S x S sub-cells (totals.zone_subcells), a sub-cell belongs to the zone that holds its centre, and a
/// cell counts in a zone for the share of its sub-cells there (S = 1: the cell-centre rule).
/// Names come from a CSV table (kind,code,name: data/france/zone_names.csv holds the INSEE names).
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "grids/grid_spec.hpp"

namespace alamod::engine {

/// One zone: its code as the source gives it, and its name.
struct Zone {
  std::string code, name;
};

/// One kind of zones and the membership of this rank's land cells ("the cells": grid indices,
/// ascending, as given to the readers below).
struct ZoneLayer {
  std::string kind;    ///< country, region, departement, pedoclimatic_zone, user
  std::string source;  ///< the file it comes from ("" for the country)
  std::vector<Zone> zones;
  /// Cell i lies in zones member_zone[offset[i] .. offset[i + 1]), for member_weight sub-cells out of
  /// `denominator` each (a raster of codes: one zone or none per cell, weight 1 out of 1).
  std::vector<std::int32_t> offset{0}, member_zone, member_weight;
  std::int32_t denominator = 1;
};

/// Names of zones by kind and code, from a CSV file with the columns kind,code,name (UTF-8; '#'
/// lines are comments). Throws InputError naming the file and line.
using ZoneNames = std::map<std::pair<std::string, std::string>, std::string>;
ZoneNames read_zone_names(const std::string& path);

/// The layer holding every cell in one zone (the country: code and name from `names`, kind
/// "country", when it has a row, else "all" / "all land cells").
ZoneLayer whole_grid_layer(std::size_t cells, const ZoneNames& names);

/// A raster of integer codes (band 1; 0, nodata and cells outside it: no zone), read on the cells'
/// rows, nearest. Zones are the codes found on any rank's cells (collective), in ascending order,
/// coded and named from `names` (kind, code; codes matched as integers too, so raster code 1 is
/// département "01"), or by their code. Throws InputError naming the file on every rank.
ZoneLayer read_code_raster(MPI_Comm comm, const std::string& kind, const std::string& path, const grids::GridSpec& grid,
                           const std::vector<std::int64_t>& cells, const ZoneNames& names);

/// The user's zones: a raster of codes (as read_code_raster), or a vector file (any OGR format) whose
/// attribute `field` names each feature's zone, rasterised by area share on `subcells` x `subcells`
/// sub-cells. Zones are the distinct values of the attribute, sorted (numerically when every value
/// is a number); the name of a zone is `names` (kind "user", code) or its code. Collective; throws
/// InputError naming the file (not a raster or vector file, no such attribute, a CRS that cannot be
/// transformed to the grid's, no zone on any land cell) on every rank.
ZoneLayer read_user_zones(MPI_Comm comm, const std::string& path, const std::string& field, int subcells,
                          const grids::GridSpec& grid, const std::vector<std::int64_t>& cells, const ZoneNames& names);

/// The cells' class index in `codes` (the land_use classes' raster codes) from a raster of land-use
/// codes, nearest; a code of no class is an InputError naming the file and cell. Collective.
std::vector<int> read_land_classes(MPI_Comm comm, const std::string& path, const grids::GridSpec& grid,
                                   const std::vector<std::int64_t>& cells, const std::vector<int>& codes);

}  // namespace alamod::engine
