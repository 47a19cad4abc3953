#pragma once
/// Climate products read as they come (docs/CLIMATE.md): CMIP/CORDEX/DRIAS (`tas`, `tasAdjust`, `pr`,
/// `prAdjust` in kg m-2 s-1, `evspsblpot`), E-OBS (`tg` in degC, `rr` in mm per day), ERA5-Land (`t2m` in K,
/// `tp` in m per day), or any CF file: daily, hourly or monthly records, split over several files, in any
/// calendar CF allows (360_day and noleap included), on a regular longitude/latitude grid, a rotated pole
/// or any grid whose grid mapping carries `crs_wkt`. One variable is read record by record, converted to
/// degC (temperatures) or to mm per record (water amounts), with its date and duration.
#include <memory>
#include <string>
#include <vector>

#include "grids/cf_time.hpp"

namespace alamod::grids {

/// What a product variable measures: decides the accepted units and how months are formed.
enum class ProductQuantity {
  temperature,  ///< K or degC; a month is the mean of its records
  water,        ///< a flux (kg m-2 s-1, mm s-1, mm d-1, m d-1) or an amount per record (mm, kg m-2, m); a
                ///< month is the sum of its records' amounts, in mm
};

/// The horizontal grid of a product file, as the monthly file alamod writes will carry it.
struct ProductGrid {
  std::string y_dim, x_dim;         ///< dimension names, in the file's order (..., y, x)
  std::vector<double> y, x;         ///< coordinate values
  std::string y_units, x_units, y_standard_name, x_standard_name;
  std::string crs_wkt;              ///< OGC WKT of the grid's CRS
  std::string mapping_description;  ///< e.g. "rotated pole (39.25 N, -162 E)", "longitude/latitude"
  std::vector<double> latitude;     ///< degrees north per cell (row-major y, x), for PET
  size_t cells() const { return y.size() * x.size(); }
};

/// One record of a variable: its day, duration and values (row-major, NaN where missing).
struct ProductRecord {
  CfDate date;
  double days = 1.0;           ///< the record's duration in days (1 for daily, 1/24 hourly, a month's days)
  std::vector<double> values;  ///< degC, or mm over the record
};

/// A product variable over its files, read in time order.
class ProductSeries {
 public:
  /// Opens `files` (in any order: they are sorted by their first date) and checks that each holds `name`
  /// on the same grid and calendar, with units the quantity accepts. `units_override` replaces the
  /// files' units (e.g. "m d-1" for ERA5-Land's `tp`). Throws InputError naming the file and variable.
  ProductSeries(std::vector<std::string> files, std::string name, ProductQuantity quantity,
                std::string units_override = "");
  ~ProductSeries();
  ProductSeries(const ProductSeries&) = delete;
  ProductSeries& operator=(const ProductSeries&) = delete;

  /// The next record, false after the last. Throws InputError naming file, variable and date on a time
  /// axis that goes backwards or repeats a date.
  bool next(ProductRecord& record);

  const ProductGrid& grid() const { return grid_; }
  CfCalendar calendar() const { return calendar_; }
  const std::string& name() const { return name_; }
  const std::string& units() const { return units_; }
  /// The file the last record came from.
  const std::string& current_file() const;
  /// Random access for monthly records: the values of (year, month), false when the files lack it.
  bool read_month(int year, int month, ProductRecord& record);

  /// The complete calendar years the files cover, from their first and last records (a first record after
  /// 1 January or a last one before 31 December leaves that year out).
  void span(int& first_year, int& last_year) const;
  /// Records per day (1 daily, 24 hourly; 0 for monthly records).
  double records_per_day() const { return records_per_day_; }

 private:
  struct File;
  void read_record(size_t file, size_t record, ProductRecord& rec);
  std::vector<std::unique_ptr<File>> files_;
  std::string name_, units_;
  ProductQuantity quantity_;
  ProductGrid grid_;
  CfCalendar calendar_ = CfCalendar::gregorian;
  double records_per_day_ = 1;
  double scale_ = 1, offset_ = 0;  ///< unit conversion to degC or mm (per record: times its days if a flux)
  bool per_day_ = false;           ///< a flux per day or per second (scale_ is per day): times the record's days
  size_t file_ = 0, record_ = 0;
  long last_day_ = 0;
  bool started_ = false;
};

}  // namespace alamod::grids
