#pragma once
/// The alamod site forcing format, version 1 (data/sites/FORMAT.md): one CSV file per site with
/// `# key: value [unit]` metadata lines, a header row, a units row and one row per year, month or
/// day. The reader checks every name, unit and value and converts them to the canonical units below,
/// so that the model adapters (engine/site/site_run.cpp) never see a user's unit.
///
/// Canonical units after reading (per step = per row of the file):
///   temperatures tas, tsoil, tas_amplitude       degC
///   water pr, pet, evap                          mm per step
///   carbon c_input, fym                          t ha-1 per step
///   yield                                        t ha-1 (dry matter)
///   swc                                          m3 m-3
///   fractions cover, lignin_fraction, n_fraction, awen_*   1
///   dpm_rpm_ratio, re, ph, cn_ratio              1
///   clay, silt, sand, organic_carbon             percent
///   depth cm; bulk_density g cm-3; soc_initial, iom t ha-1; caco3 g kg-1; elevation m;
///   latitude degrees_north; longitude degrees_east; spinup_years yr
///
/// Every problem is reported as one alamod::InputError line:
///   `FILE:LINE:COLUMN (NAME): what was found, expected ...`
/// with control bytes of the quoted input escaped (\x00). Numbers are decimal only (no 0x10, inf, nan).
///
/// Memory: the file is read line by line; only the columns used are kept, as doubles (x_ columns
/// are dropped), reserved from a first count of the lines, so a forcing takes about 8 bytes per value
/// plus 16 per row (1 M monthly rows of 8 variables: about 80 MB), whatever its text.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace alamod::engine {

/// The time step of a forcing file (decided by its time columns) or of a model.
enum class TimeStep { year, month, day };

/// Largest site forcing file read (bytes) and largest number of data rows: beyond them the reader
/// refuses the file before reading its values (data/sites/FORMAT.md, "Limits").
inline constexpr unsigned long long kMaxForcingBytes = 256ull << 20;
inline constexpr std::size_t kMaxForcingRows = 5000000;
/// Largest number of model steps a forcing may make once resampled (a daily model on a long monthly
/// forcing multiplies its rows by about 30); resample refuses more.
inline constexpr std::size_t kMaxModelSteps = 5000000;

/// "year", "month" or "day".
const char* time_step_name(TimeStep s);

/// A site forcing file, read, validated and converted to canonical units.
struct SiteForcing {
  std::string path;                  ///< the file, as given (for messages)
  TimeStep step = TimeStep::month;   ///< one row per year, month or day
  std::vector<int> year;             ///< calendar year of each row
  std::vector<int> month;            ///< 1-12; 0 in annual files
  std::vector<int> day;              ///< 1-31; 0 in annual and monthly files
  std::vector<int> line;             ///< line of the file of each row (1-based), for messages
  std::map<std::string, std::vector<double>> columns;  ///< forcing variables, canonical units
  std::map<std::string, double> numbers;               ///< numeric metadata, canonical units
  std::map<std::string, std::string> texts;            ///< text metadata (site_id, land_use, ...)
  std::map<std::string, int> metadata_line;            ///< line of each metadata key
  int header_line = 0;                                 ///< line of the column names

  std::size_t rows() const { return year.size(); }
  bool has_column(const std::string& name) const { return columns.count(name) != 0; }
  bool has_number(const std::string& key) const { return numbers.count(key) != 0; }
  /// The column called name; throws InputError naming the file and the model that needs it.
  const std::vector<double>& column(const std::string& name, const std::string& needed_by) const;
  /// The numeric metadata `key`; throws InputError naming the file, the key, its unit and the model.
  double number(const std::string& key, const std::string& needed_by) const;
  /// A site property given as metadata or, failing that, as the mean of its column; `fallback`
  /// when it is neither (NaN fallback: InputError naming the model that needs it).
  double property(const std::string& key, double fallback, const std::string& needed_by) const;
};

/// Read and validate a site forcing file. Throws alamod::InputError (see the header comment), also
/// for a path that is not a regular file or a file beyond kMaxForcingBytes or kMaxForcingRows.
SiteForcing read_site_forcing(const std::string& path);

/// The canonical unit of a variable or metadata key of the format ("" for text keys).
std::string canonical_unit(const std::string& name);
/// Whether `1` is an accepted unit of the forcing column `name` (month, day, cover, the fractions...): there
/// an empty unit means `1` (data/sites/FORMAT.md, section 1). False for unknown names.
bool accepts_unit_one(const std::string& name);

/// What the format says of one name, for the readers of other containers of the same values (the NetCDF
/// site collection, site_netcdf.hpp), which must accept exactly what a forcing file accepts.
struct ForcingName {
  bool known = false;        ///< a quantity of the format, pool_NAME, or a text key
  bool text = false;         ///< a text metadata key (site_id, land_use, treatment_id, ...)
  bool column_ok = false;    ///< may be a column (a series over time)
  bool meta_ok = false;      ///< may be metadata (one value per site)
  bool sum = false;          ///< an amount per step (summed when resampled), else a mean or a state
  bool whole = false;        ///< a whole number (spinup_years, rothc_moisture_option)
  double lower = 0, upper = 0;  ///< admissible range in the canonical unit
  std::string what;          ///< what it is, for messages
};
/// The format's rules for `name` (known = false for a name the format does not define).
ForcingName forcing_name(const std::string& name);
/// Every name of the format (quantities, text keys, time columns), for nearest-name suggestions.
std::vector<std::string> forcing_names();
/// The conversion of a value of `name` in `unit` (blanks squeezed; "" is `1` where `1` is accepted) to its
/// canonical unit on a file with one row per `step`: canonical = value * factor + offset, exactly as
/// read_site_forcing converts it. False when the unit is not accepted; `accepted` then lists the units that are.
bool forcing_unit(const std::string& name, const std::string& unit, TimeStep step, double& factor, double& offset,
                  std::string& accepted);
/// The canonical unit of `name` spelled for a file with one row per `step` ("mm month-1", "t ha-1 month-1",
/// "degC"...): what a converted value is in.
std::string canonical_unit(const std::string& name, TimeStep step);
/// "" when `value` is admissible for the text key `key`, else what is expected (e.g. land_use: "one of
/// cropland, grassland, forest, bare").
std::string check_forcing_text(const std::string& key, const std::string& value);

/// The forcing on a model's time step. Finer model steps repeat means and spread sums uniformly
/// over the sub-steps (a month's sum over its days, a year's over 12 months or its days); coarser
/// ones average means and add sums over whole months or years (a partial first or last period is an
/// error naming its rows). Columns keep the names of SiteForcing; amounts are per model step.
struct StepSeries {
  TimeStep step = TimeStep::month;
  std::vector<int> year, month, day;  ///< time of each model step (month/day 0 where coarser)
  std::vector<int> first_line;        ///< first forcing line feeding each step (messages)
  std::map<std::string, std::vector<double>> columns;

  std::size_t steps() const { return year.size(); }
  bool has(const std::string& name) const { return columns.count(name) != 0; }
  const std::vector<double>& at(const std::string& name) const { return columns.at(name); }
  /// Number of model steps in the first `years` calendar years.
  std::size_t steps_in_first_years(int years) const;
};

/// Resample the forcing to a model step (see StepSeries). Throws InputError when that makes more than
/// kMaxModelSteps steps.
StepSeries resample(const SiteForcing& f, TimeStep target);

}  // namespace alamod::engine
