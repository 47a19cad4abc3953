#pragma once
/// Monthly climate forcing from a CF NetCDF file, read one year at a time for
/// the cells a rank owns. The forcing may be on another (coarser) grid or CRS:
/// each run cell takes the forcing cell that contains its centre.
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "grids/calendar.hpp"
#include "grids/grid_spec.hpp"

namespace alamod::grids {

/// What a forcing variable measures; decides the accepted units and the plausible values (a value
/// outside them over land is refused, naming the file, variable, month and cell).
enum class ForcingQuantity {
  temperature,    ///< returned in degC; accepts degC, K; -90 to 70 degC (as the site reader)
  water_amount,   ///< returned in mm month-1; accepts mm month-1, mm d-1, kg m-2 s-1; -1000 to 1000
                  ///< (evapotranspiration: negative is condensation)
  precipitation,  ///< a water amount that cannot be negative: 0 to 10000 mm month-1 (the wettest month on
                  ///< record, Cherrapunji 1861, had 9,300 mm)
};

struct ForcingVariable {
  std::string name;          ///< NetCDF variable name (e.g. "tas")
  ForcingQuantity quantity;  ///< decides unit conversion
};

class MonthlyForcing {
 public:
  /// Opens `path`, checks every variable exists with known units and the time axis
  /// is monthly, and maps `cells` (linear indices of the run grid) to forcing cells.
  /// Throws InputError naming the file, variable and what was expected.
  MonthlyForcing(const std::string& path, const GridSpec& grid, const std::vector<std::int64_t>& cells,
                 std::vector<ForcingVariable> variables);
  ~MonthlyForcing();
  MonthlyForcing(const MonthlyForcing&) = delete;
  MonthlyForcing& operator=(const MonthlyForcing&) = delete;

  /// How the ranks of a run read the file (set_reading).
  enum class Reading {
    automatic,  ///< shared when the file's chunks span the windows of several ranks
    shared,     ///< each monthly field is decoded by one rank and broadcast to all
    per_rank,   ///< each rank decodes the chunks over its own cells
  };
  /// Collective over `comm`, whose ranks each constructed a MonthlyForcing of the same file (the
  /// constructor itself reads alone). In shared reading, the 12 x (variables) monthly fields of a
  /// year are decoded by the ranks in turn over the union of their windows and broadcast, so a
  /// chunk spanning several ranks' cells is decompressed once instead of once per rank; read_year
  /// then becomes collective. `automatic` shares when it is at least 1.5 x cheaper per rank (a
  /// value received by broadcast counted as a tenth of one decompressed: shared reading pays the
  /// union's chunks / P plus the union window received, per-rank reading the chunks over its own
  /// window) and one year of the union's fields fits in 64 MiB (every rank holds it, and many ranks
  /// may share a node's memory): files with one chunk per field on any rank
  /// count, not row-chunked files on many ranks. Returns a line for the run log ("" on one rank or
  /// when no rank has cells).
  std::string set_reading(MPI_Comm comm, Reading mode);
  bool shared_reading() const { return comm_ != MPI_COMM_NULL; }

  /// Read the 12 months of `year`: out[v][month * ncells + i], in the units of
  /// ForcingQuantity. Throws InputError naming file, variable, month and cell on
  /// a missing month, a missing value (NaN, the variable's _FillValue or missing_value, or for
  /// floating-point variables without _FillValue netCDF's default fill) or a value outside the
  /// quantity's plausible range over a land cell. Packed variables (CF scale_factor / add_offset)
  /// are unpacked. In shared reading (set_reading) the call is
  /// collective and must run inside engine::collectively: a rank whose read failed throws, the
  /// others return without values and learn of the failure there.
  void read_year(int year, std::vector<std::vector<double>>& out) const;
  /// read_year by forcing cell instead of by run cell: out[v][month * sources + s] for each forcing cell s that
  /// owned cells take their climate from (source_of), the same values as read_year gives each of its cells, and
  /// the same errors (each forcing cell is checked as its first cell). A 1 km run on an 8 km climate holds
  /// ~64 x fewer values than by run cell.
  void read_year_by_source(int year, std::vector<std::vector<double>>& out) const;
  /// Per owned cell, its forcing cell's index in read_year_by_source's output (valid until cells are remapped).
  const std::vector<std::int32_t>& source_of() const;
  /// Per forcing cell of read_year_by_source, the first owned cell (run order) that takes its climate.
  const std::vector<std::size_t>& source_first_cell() const;

  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }  ///< last year with all 12 months
  /// The first month of `from_year`..`to_year` that the time axis lacks ("YYYY-MM"), "" when it has all.
  std::string first_missing_month(int from_year, int to_year) const;
  /// What the time axis holds, e.g. "1990-01 to 1991-12, 23 monthly values".
  std::string time_span() const;
  const std::string& path() const { return path_; }
  /// Per cell, the forcing cell it takes its climate from (row * forcing width + column, after the
  /// coastal fallback), so that cells can move to another rank with their mapping (remap).
  std::vector<std::int64_t> source_cells() const;
  /// Serve `cells` (run-grid indices) from the forcing cells `sources` (as source_cells() gave them
  /// on the ranks that held them) instead of the constructor's cells; the read window shrinks or
  /// grows to them. Ends shared reading: call set_reading again (collectively) afterwards.
  void remap(const std::vector<std::int64_t>& cells, const std::vector<std::int64_t>& sources);
  /// Owned cells whose forcing cell is sea and that take the nearest valid one.
  long coastal_fallbacks() const { return coastal_fallbacks_; }

 private:
  std::string path_;
  const GridSpec& grid_;
  std::vector<std::int64_t> cells_;
  std::vector<ForcingVariable> vars_;
  std::vector<int> varids_;
  std::vector<double> scale_;        ///< per variable multiplicative conversion (or per-day marker)
  std::vector<double> offset_;       ///< per variable additive conversion
  std::vector<int> per_day_;         ///< 1: value per day -> times days in month; 2: per second
  std::vector<double> fill_;         ///< fill value per variable (NaN if none), packed
  std::vector<double> missing_;      ///< missing_value per variable (NaN if none), packed
  std::vector<double> lower_, upper_;  ///< plausible values per variable, in the returned units
  std::vector<std::string> units_;   ///< the units attribute of each variable
  /// Whether the stored (packed) value `raw` of variable v is missing: NaN, _FillValue, missing_value.
  bool is_missing(std::size_t v, double raw) const {
    return std::isnan(raw) || raw == fill_[v] || raw == missing_[v];
  }
  int axis_first_ = 0, axis_last_ = 0, axis_values_ = 0;  ///< first and last month (year * 12 + month - 1)
  std::vector<double> pack_scale_;   ///< CF scale_factor per variable (1 if none)
  std::vector<double> pack_offset_;  ///< CF add_offset per variable (0 if none)
  std::vector<char> is_float_;       ///< stored as 32-bit float: read and broadcast as such
  std::vector<int> month_index_;     ///< time index of (year - base_year_) * 12 + month, -1 if absent
  int base_year_ = 0, first_year_ = 0, last_year_ = -1;
  std::vector<std::int64_t> src_index_;  ///< per cell: row * width + col within the read window
  // the distinct forcing cells of src_index_, in the order of their first cell (index_sources)
  mutable bool sources_indexed_ = false;
  mutable std::vector<std::int32_t> source_of_;        ///< per cell
  mutable std::vector<std::int64_t> source_window_;    ///< per forcing cell: its src_index_
  mutable std::vector<std::size_t> source_first_;      ///< per forcing cell: its first cell
  void index_sources() const;
  /// read_year over `count` items, item k at window index window[k] and named in messages as cell cell_of(k)
  template <class CellOf>
  void read_items(int year, std::vector<std::vector<double>>& out, std::size_t count, const std::int64_t* window,
                  const CellOf& cell_of) const;
  int row0_ = 0, nrows_ = 0, col0_ = 0, ncols_ = 0;
  bool y_is_first_ = true;  ///< dims are (time, y, x)
  int ncid_ = -1;
  int ny_ = 0, nx_ = 0;  ///< forcing grid size
  long coastal_fallbacks_ = 0;
  // shared reading (comm_ set): one year's fields over the union window, field f = v * 12 + month
  // at f * window
  MPI_Comm comm_ = MPI_COMM_NULL;
  mutable std::vector<float> ffields_;
  mutable std::vector<double> dfields_;
  bool read_shared(int year) const;  ///< false: another rank's read failed
  /// Throws the InputError of a value outside the plausible range: variable v's `value` (unpacked, in the
  /// file's units; `converted` in the returned units) at `month` (0-11) of `year` over owned cell i.
  [[noreturn]] void throw_implausible(std::size_t v, double value, double converted, int year, int month,
                                      std::size_t i) const;
};


}  // namespace alamod::grids
