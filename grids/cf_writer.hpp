#pragma once
/// CF-1.8 NetCDF-4 output written in parallel (collective, chunked, deflated).
///
/// Each rank covers a contiguous range [begin, end) of the grid's row-major
/// linear index (the ranges of all ranks tile the grid; see LandPartition), and
/// writes it as at most three rectangles: a partial first row, whole rows, a
/// partial last row. The file is created under a temporary name in the output
/// folder (created exclusively: an earlier run's unfinished file there is removed, a symbolic link or
/// anything else refused) and renamed by commit() once complete; abandon() removes it. A failed netCDF
/// call throws grids::OutputError (grids/output_files.hpp): other ranks may then wait inside a collective
/// call, so the caller calls discard_after_failure() and aborts the communicator instead of closing.
#include <mpi.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "grids/grid_spec.hpp"

namespace alamod::grids {

/// Metadata of one output variable.
struct OutputVariable {
  std::string name;           ///< e.g. "cSoil"
  std::string long_name;      ///< says "carbon" where units cannot
  std::string standard_name;  ///< CF standard name, empty if none
  std::string units;          ///< UDUNITS-parsable, e.g. "t ha-1"
  std::string cell_methods;   ///< e.g. "time: point area: mean where land"
  bool per_pool = false;      ///< has a `pool` dimension
  bool time_varying = true;   ///< (time, [pool,] y, x) or (y, x)
  bool with_depth = false;    ///< soil variable: add the scalar `depth` coordinate
  bool double_precision = false;
  std::string comment;
  bool per_land_cover = false;  ///< has a `landcover` dimension (labelled by the area_type variable)
  bool integer = false;         ///< NC_INT (codes: région, département), static only; fill -2147483647
  std::vector<int> flag_values; ///< CF flag_values of a code variable (with flag_meanings)
  std::string flag_meanings;    ///< CF flag_meanings: one word per flag value
  std::map<std::string, std::string> attributes;  ///< further text attributes
};

struct OutputFileSpec {
  std::string path;                 ///< final file name
  GridSpec grid;
  int first_year = 0;               ///< calendar year of time index 0
  int n_years = 0;
  std::vector<std::string> pools;   ///< labels of the pool dimension (may be empty)
  std::vector<std::string> land_covers;  ///< labels of the landcover dimension (area_type; may be empty)
  double depth_top_m = 0.0, depth_bottom_m = 0.3;  ///< soil layer of the stocks (m)
  int deflate_level = 1;            ///< 0 = no compression
  int significant_bits = 0;         ///< 0 = lossless; N: netCDF BitRound of the carbon variables to N bits
  bool low_bytes_by_runs = false;   ///< output.deflate_low_bytes = "runs" (grids::set_low_bytes)
  std::vector<OutputVariable> variables;
  std::map<std::string, std::string> global_text;    ///< global text attributes
  std::map<std::string, double> global_numbers;      ///< global numeric attributes
};

/// Rows per chunk of the gridded output variables (whole rows, at most 64; about
/// 300 KB at 1 km). The I/O layout puts rank boundaries on chunk boundaries, so
/// each compressed chunk is written by one rank.
int output_chunk_rows(const GridSpec& grid);

class CfWriter {
 public:
  /// Collective: creates the temporary file and defines everything. Throws InputError (all ranks) when
  /// something other than a regular file has the temporary name, OutputError when netCDF fails (on the
  /// failing ranks only; the temporary file is then removed and, on one rank, closed).
  CfWriter(MPI_Comm comm, OutputFileSpec spec, std::int64_t begin, std::int64_t end);
  /// Collective: reopen the temporary file of an interrupted run to continue it
  /// (restart). Throws InputError when it is missing or does not match `spec`.
  struct Resume {};
  CfWriter(MPI_Comm comm, OutputFileSpec spec, std::int64_t begin, std::int64_t end, Resume);
  ~CfWriter();  ///< abandons the file if neither commit() nor abandon() ran
  CfWriter(const CfWriter&) = delete;
  CfWriter& operator=(const CfWriter&) = delete;

  /// Collective: write one year (time index) of a variable. `values` holds
  /// end - begin values (sea cells = NaN, written as _FillValue) per pool.
  void write(const std::string& name, int time_index, const std::vector<double>& values, int pool = -1);
  /// Collective: write every pool of a per-pool variable (or every layer of a per-land-cover one) in one
  /// call; pools[p] holds end - begin values.
  void write_pools(const std::string& name, int time_index, const std::vector<std::vector<double>>& pools);
  /// The values of one layer of a multi-layer variable: end - begin values (e.g. a buffer filled anew for
  /// each layer; it need only stay valid until the next call).
  using LayerSource = std::function<const std::vector<double>&(std::size_t layer)>;
  /// Collective: as write_pools, with the layers asked for one at a time (`layer(0)`, `layer(1)`, ... in
  /// order, on every rank alike) and each converted at once into the writer's buffer: the caller holds one
  /// layer of doubles instead of all of them. The same single write of every layer.
  void write_layers(const std::string& name, int time_index, std::size_t layers, const LayerSource& layer);
  /// Collective: write a static 2-D variable (of a per-land-cover variable, the layer `land_cover`).
  void write_static(const std::string& name, const std::vector<double>& values, int land_cover = -1);
  /// Collective: add or replace a global text attribute before commit (e.g. timings).
  void set_global(const std::string& name, const std::string& value);
  /// Collective: flush everything written so far to disk.
  void sync();
  /// Collective: close the file (so it is consistent on disk), copy it to `path` (rank 0), reopen it
  /// to continue. A restart copies the snapshot back: a kill between checkpoints can leave the working
  /// HDF5 file damaged, never the snapshot. The copy goes to PATH.incomplete, created exclusively, and
  /// replaces only an earlier snapshot (a NetCDF-4 file; InputError on every rank otherwise).
  void snapshot_to(const std::string& path);
  /// Collective: close, then rank 0 renames the temporary file to the final name.
  void commit();
  /// Collective: close and remove the temporary file.
  void abandon();
  /// Collective: close and keep the temporary file, for a restart from a checkpoint.
  void detach();
  /// Local, after an OutputError on this rank: forget the file without a collective call (on one rank
  /// it is closed without flushing) and remove the temporary file.
  void discard_after_failure();
  const std::string& temporary_path() const { return tmp_path_; }
  /// Seconds spent in write calls and bytes of variable data written by this rank.
  double write_seconds() const { return write_seconds_; }
  double bytes_written() const { return bytes_; }
  /// Collective: moves this rank's part of the grid to [begin, end) (the ranges of all
  /// ranks must again cover the grid, in rank order), e.g. after the I/O layout was rebalanced.
  void set_range(std::int64_t begin, std::int64_t end);

 private:
  /// Dimension ids of the file.
  struct Dimensions {
    int time = -1, bnds = -1, y = -1, x = -1, nv4 = -1, pool = -1;  ///< pool: -1 without pools
    int landcover = -1, area_type_strlen = -1;  ///< -1 without land covers
    int pool_strlen = -1;                       ///< -1 without pools
  };
  // The steps of the first constructor, in order: the definitions follow the file's layout.
  void create_file();  ///< the temporary file, with the MPI-IO hints of ALAMOD_MPIIO_HINTS
  void define_dimensions();
  void define_coordinates();     ///< x, y, time, lat, lon (with bounds), depth, pool
  void define_pool_coordinate();  ///< pool numbers 1..N with the labels in flag_meanings
  void define_land_cover_coordinate();  ///< area_type (landcover, area_type_strlen): the classes' names
  void define_grid_mapping();    ///< the `crs` variable: CF grid mapping, WKT and GDAL GeoTransform
  void define_variables();       ///< the data variables of spec_.variables
  void define_storage(const OutputVariable& v, int varid, const std::vector<size_t>& chunk);  ///< chunks, filters, fill
  void define_global_attributes();
  void end_definitions();        ///< leave define mode; every variable written collectively
  void write_coordinates();      ///< x, y, time, depth, pool (rank 0's values)
  void write_time();             ///< time and time_bnds
  void write_cell_lon_lat();     ///< lat, lon and their bounds of this rank's range
  int define_variable(const char* name, int type, const std::vector<int>& dims);  ///< returns its id

  /// `dbl`: NC_DOUBLE, else NC_FLOAT; `integer` (overrides dbl): NC_INT, values rounded, NaN as the fill value.
  void put(int varid, bool per_pool, bool time_varying, int time_index, int pool, const std::vector<double>& values,
           bool dbl, bool integer = false);
  int varid_of(const std::string& name) const;
  /// Collective: throws InputError on every rank when a value of `arrays` (this rank's range, one array
  /// per pool when `per_pool`) is one the variable cannot hold: infinite, or beyond a float's range in a
  /// float variable (it would be written as inf). Names the file, the variable, the value and the cell
  /// of the lowest rank that found one. NaN is the sea's fill value.
  void refuse_unwritable(const std::string& name, const std::vector<const std::vector<double>*>& arrays,
                         bool per_pool, bool dbl) const;
  /// Local: why `values` (layer `layer` of `name` when `per_pool`) cannot be written, "" when they can.
  std::string unwritable(const std::string& name, const std::vector<double>& values, std::size_t layer, bool per_pool,
                         bool dbl) const;
  /// Collective: throws InputError on every rank with the message of the lowest rank whose `message` is
  /// not empty; returns when every rank's is.
  void refuse_unwritable(std::string message) const;
  void use_filters() const;  ///< libdeflate, word shuffle, output.deflate_low_bytes
  void set_paths();
  void open_existing();  ///< open tmp_path_ for writing and look up every variable
  void close_after_failed_close();  ///< one rank: nc_abort, so that MPI_Finalize meets no open HDF5 file
  struct Block {
    size_t row, col, nrows, ncols;
    std::int64_t offset;
  };
  /// The hyperslabs this rank writes: one when every rank's range is whole rows.
  std::vector<Block> blocks() const;
  Dimensions dims_;
  bool row_aligned_ = false;
  MPI_Comm comm_;
  OutputFileSpec spec_;
  std::int64_t begin_, end_;
  std::string tmp_path_;
  int ncid_ = -1;
  int rank_ = 0;
  std::map<std::string, int> varids_;
  std::map<std::string, OutputVariable> vars_;
  double write_seconds_ = 0.0, bytes_ = 0.0;
  // conversion buffers, kept between writes (a fresh large allocation costs page faults every year); dbuf_
  // only while double variables are written, ibuf_ only during a write of integer codes
  std::vector<float> fbuf_;
  std::vector<double> dbuf_;
  std::vector<int> ibuf_;
};

}  // namespace alamod::grids
