#pragma once
/// Zone totals of soil carbon: the sums of one rank's cells, exact (fixed_point_sum.hpp), reduced
/// over the ranks into the table of every zone, land-cover class and year.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/totals/fixed_point_sum.hpp"
#include "engine/totals/zones.hpp"

namespace alamod::engine {

/// One row of the totals: a zone of one kind, all land covers or one class; stocks per year.
struct TotalsRow {
  std::string kind, code, name;
  std::string land_cover;    ///< "all" or a class name
  double area_ha = 0;        ///< projected area of the run grid's cells (shares of cells for area-share zones)
  double start_TgC = 0;      ///< stock on 1 January of the first year (the spin-up's result), Tg C
  double start_t_ha = 0;     ///< its mean density, t C ha-1
  std::vector<double> TgC;   ///< end-of-year stock, Tg C, per year
  std::vector<double> t_ha;  ///< end-of-year mean density, t C ha-1, per year
  std::vector<double> area_ha_year;  ///< a class of land cover as fractions: its area in each year (empty: area_ha)
};

/// Every zone's totals over the run, in a fixed order: layer by layer (as given), zone by zone, "all"
/// then each land-cover class (classes with no cell in a zone have no row).
struct TotalsTable {
  std::string scenario = "baseline";
  std::string model;
  int first_year = 0;         ///< the calendar year of TgC[0]; the start is 1 January of it
  double cell_area_ha = 0;    ///< projected area of one cell of the run grid
  double depth_cm = 30;       ///< depth of the simulated layer
  std::vector<TotalsRow> rows;
  int years() const { return rows.empty() ? 0 : static_cast<int>(rows.front().TgC.size()); }
  /// The row of the whole grid ("country", all land covers).
  const TotalsRow& national() const { return rows.front(); }
};

/// A stock as the gridded output stores it (float rounding, then netCDF's BitRound of
/// `significant_bits` mantissa bits when > 0).
double stored_value(double v, bool as_float, int significant_bits);

/// How the sums take a cell's value: as the output stores it (stored_value), or as it is.
struct StoredAs {
  bool round = false;
  bool as_float = true;
  int significant_bits = 0;
  double operator()(double v) const { return round ? stored_value(v, as_float, significant_bits) : v; }
};

/// Per-cell layers (one per land-cover class), borrowed: the caller's arrays, not copies.
using CellLayers = std::vector<const std::vector<double>*>;

/// The exact sums of one rank's cells ("the cells": the order of the zone layers' membership).
class ZoneSums {
 public:
  /// `layers`: the zone kinds over the cells, the first the country; `land_class`: each cell's class
  /// index into `class_names`; `years`: the yearly values each zone gets.
  ZoneSums(std::vector<ZoneLayer> layers, std::vector<int> land_class, std::vector<std::string> class_names, int years);
  /// Land cover as fractions (tiles): `fraction[c][i]` the share of class c in cell i; each class's area is
  /// the exact sum of its shares, and its stock the sum of class values (add_start, add_year).
  ZoneSums(std::vector<ZoneLayer> layers, std::vector<std::vector<double>> fraction,
           std::vector<std::string> class_names, int years);
  /// The stock of each cell (t ha-1) on 1 January of the first year / at the end of year index y, each value
  /// taken as `stored` says. Throws InputError when a value is not finite or out of the fixed-point range
  /// (|v| >= 2^40).
  /// With fractions, `tile_stock[c][i]`: the stock of class c's tile in cell i (t ha-1 of the tile; any value
  /// where the cell has none): the class adds its share times the stock (as stored), and the cell's stock is the
  /// sum of its classes' terms (`stock` is not read).
  /// `fraction`: the classes' fractions of that time (land-use change), empty for those of the constructor.
  void add_start(const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction,
                 const StoredAs& stored);
  void add_year(int y, const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction,
                const StoredAs& stored);
  /// Collective: the table over every rank's cells (the same on every rank). `cell_area_ha` is the
  /// projected area of one cell.
  TotalsTable reduce(MPI_Comm comm, double cell_area_ha) const;
  /// Collective: the national stock of `stock` (one value per cell, t ha-1) in Tg C, exactly summed.
  double national_TgC(MPI_Comm comm, const std::vector<double>& stock, double cell_area_ha,
                      const StoredAs& stored = {}) const;
  std::size_t cells() const { return cells_; }
  bool tiles() const { return !fraction_.empty(); }
  /// Per class, per cell: the fractions given to the constructor (empty: one class per cell).
  const std::vector<std::vector<double>>& fraction() const { return fraction_; }
  /// The layers and their zones (the membership of raster layers is released once held in dense slots).
  const std::vector<ZoneLayer>& layers() const { return layers_; }

 private:
  void add(const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction,
           const StoredAs& stored, FixedPoint* sums, FixedPoint* areas);
  void set_up();  ///< slots, weights and dense membership (both constructors)
  std::vector<ZoneLayer> layers_;
  std::size_t cells_ = 0;
  std::vector<int> land_class_;          ///< each cell's class (empty with fractions)
  std::vector<std::string> class_names_;
  std::vector<std::size_t> base_;        ///< first slot of each layer: zone z, class c at base + z (C + 1) + 1 + c
  /// The layers of one whole zone or none per cell (rasters of codes): each cell's "all" slot in each of
  /// them (-1: none), cells x layers; the other layers (area shares) through their membership.
  std::vector<std::int32_t> dense_slot_;
  std::vector<std::size_t> dense_layers_, shared_layers_;
  std::size_t slots_ = 0;
  std::vector<std::int64_t> weight_;     ///< per slot: sub-cells (of the layer's denominator)
  std::vector<std::vector<double>> fraction_;  ///< per class, per cell (empty: one class per cell, land_class_)
  /// with fractions, per time (the start, then each year) and slot: the class areas of that time
  std::vector<FixedPoint> area_time_;
  std::vector<FixedPoint> start_, year_;  ///< per slot, and per year and slot
};

}  // namespace alamod::engine
