#pragma once
/// `alamod sites validate DIR...`: a site package (one Frictionless Data Package v2 per site folder,
/// data/sites/FORMAT.md "Site packages") checked against its descriptor and the site format, every
/// problem reported as `FILE:LINE:COLUMN: message`, never only the first.
///
/// Descriptor: valid JSON (engine/site/json_reader), `resources` each with a unique name and a path
/// inside the folder that exists, table schemas whose fields are the CSV header in order, field types
/// the validator knows, every `unit` parsed by UDUNITS-2, a licence (`licenses`) and a citation
/// (`sources`, or site.csv's `citation`). Tables: types (string, number, integer, boolean, date, year),
/// the `missingValues`, constraints (required, unique, minimum, maximum, enum, pattern, minLength,
/// maxLength), primary keys (numbers compared as numbers) and foreign keys. The site format: the
/// resources site (one row), treatments and soc_observations; the units of the columns it knows are of
/// their kind (a `soc` a mass fraction, a `soc_stock` a mass per area...); ISO 8601 dates that exist
/// and agree with `observation_year`; layers with top < bottom that do not overlap within a profile
/// (site, treatment, plot, date); a computed stock equal to soc x bd_samp x thickness x (1 -
/// coarse_frac) within 1 % + 0.05 t ha-1; qc_flag and soc_stock_method from the format's vocabulary;
/// forcing resources read by the site forcing reader.
///
///   ValidationResult r = validate_site_package("data/sites/broadbalk");
///   for (const auto& p : r.problems) std::puts(p.text().c_str());
#include <map>
#include <string>
#include <vector>

#include "engine/site/json_reader.hpp"
#include "engine/site_data/csv_table.hpp"

namespace alamod::engine {

/// Exit status of `alamod sites validate` and `alamod sites complete` (docs/SITES.md).
inline constexpr int kExitSitesInvalid = 5;  ///< a package was read and has problems
/// 0: every package valid; 1: an input could not be read at all (no such folder, no datapackage.json,
/// a file that cannot be opened); 2: bad command line.

/// One table of a package as read: its descriptor and its records.
struct PackageTable {
  std::string name;               ///< the resource's name
  std::string file;               ///< DIR/path
  const JsonValue* resource = nullptr;
  const JsonValue* schema = nullptr;  ///< the table schema (inline); null when none
  CsvDialect dialect;
  CsvTable csv;
  std::vector<std::string> missing_values{""};
  /// The field descriptor of a column, or null.
  const JsonValue* field(const std::string& column) const;
  /// The column's index in the header, -1 when absent.
  int column(const std::string& name) const;
  /// The `unit` of a column's field ("" when none).
  std::string unit(const std::string& column) const;
  bool missing(const std::string& value) const;
};

struct ValidationResult {
  std::string dir;
  bool readable = true;            ///< false: the package could not be read at all (exit 1)
  std::vector<Problem> problems;   ///< every problem, in file, line then column order
  JsonValue descriptor;
  std::map<std::string, PackageTable> tables;  ///< the CSV tables read, by resource name
  std::size_t rows = 0;            ///< data records checked
};

/// Check one package folder. Never throws for bad input: an unreadable package comes back with
/// readable = false and one problem saying why.
ValidationResult validate_site_package(const std::string& dir);

/// The command: validate each folder, print every problem on stdout then a summary line per package
/// and a total. Returns the exit status (0, 1 or kExitSitesInvalid).
int run_sites_validate(const std::vector<std::string>& dirs, bool quiet);

/// Stock of a layer from its concentration (g kg-1), bulk density of the fine earth (g cm-3), thickness
/// (cm) and coarse fraction (1): 0.1 x soc x bd x thickness x (1 - coarse), in t ha-1.
double layer_stock_t_ha(double soc_g_kg, double bd_g_cm3, double thickness_cm, double coarse_fraction);

/// The soc_stock_method values of the site format whose stock is soc x bd_samp x thickness x (1 - coarse).
bool stock_method_is_product(const std::string& method);

}  // namespace alamod::engine
