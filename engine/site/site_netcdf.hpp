#pragma once
/// Many sites' forcing in one NetCDF file (docs/SITES.md, "Many sites in one NetCDF file"): the monthly site
/// forcing of data/sites/FORMAT.md for a collection of sites, as a CF-1.8 discrete sampling geometry of
/// featureType "timeSeries" in its orthogonal multidimensional representation (CF-1.8 section 9.3.1):
///
///   dimensions  site = N, time = T (consecutive months, the sites' periods together), nv = 2
///   time(time)              "days since DATE" in any CF calendar; each value within its month
///   site_id(site)           string (or char(site, n)), cf_role = "timeseries_id": the site's name, unique
///   lat(site), lon(site)    standard_name latitude / longitude (the format's latitude and longitude)
///   KEY(site)               a metadata key of the format (clay, depth, soc_initial, iom, ...), with units
///   TEXT(site)              a text key of the format (land_use, treatment_id, ...), "" where not given
///   VAR(site, time)         a forcing column (tas, pr, pet, evap, c_input, fym, cover, ...), with units
///                           (VAR(time, site) is read too: CF-1.8 lets the dimensions come in either order)
///   x_NAME(...)             not read (as x_ columns and metadata of a forcing file)
///
/// Names, units (the accepted units of a monthly forcing file), ranges and conversions are the forcing file's
/// (site_forcing.hpp): a site read from the collection is the SiteForcing its forcing file gives, the same
/// doubles. A site's period is the months where its series hold values (outside it, the _FillValue); inside it
/// every series present at the site has a value at every month; a series that is fill throughout a site is
/// absent there (a column its forcing file leaves out), as is a KEY(site) at its _FillValue.
///
/// Every problem is one alamod::InputError line naming the file, the variable, and the site and time index
/// (0-based, as ncdump and xarray count), e.g.
///   sites.nc (tas) at site 2 (broadbalk), time index 17 (1844-06): NaN, expected a number in degC ...
/// A model's message about a site's forcing names it as "FILE at site I (ID)", with ", time index K" where it
/// names a step.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "engine/site/site_forcing.hpp"

namespace alamod::engine {

/// A site collection file, opened and its structure checked; each site's forcing read on demand.
class SiteCollection {
 public:
  /// Opens `path` and checks the global featureType, the timeseries_id variable and its site dimension
  /// (at least one site, unique non-empty names), the time axis (consecutive months), and every variable
  /// over the site dimension (a name and shape of the format, units it accepts). Throws InputError.
  explicit SiteCollection(const std::string& path);
  ~SiteCollection();
  SiteCollection(const SiteCollection&) = delete;
  SiteCollection& operator=(const SiteCollection&) = delete;

  const std::string& path() const;
  std::size_t sites() const;
  const std::string& site_id(std::size_t i) const;
  /// The site's latitude and longitude (degrees north, east); NaN where not given.
  double latitude(std::size_t i) const;
  double longitude(std::size_t i) const;
  /// Whether the file gives latitude and longitude variables.
  bool has_coordinates() const;
  /// The time axis: its first month and its length in months.
  int first_year() const;
  int first_month() const;
  std::size_t months() const;
  /// "FILE at site I (ID)": the path of the site's SiteForcing, which models' messages start with.
  std::string where(std::size_t i) const;
  /// The site's forcing, read, checked and converted to canonical units as read_site_forcing does a forcing
  /// file's (its `line` of each row is the time index + 1, 0 standing for the site's metadata). Throws InputError.
  SiteForcing forcing(std::size_t i) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// `alamod site --forcing-list LIST.csv --write-netcdf SITES.nc`: the monthly forcing files of a forcing list
/// (site_list.hpp) as one site collection file, each site under its list site_id, values in the canonical units
/// (a site read back gives the doubles of its forcing file). Every forcing is read and checked before the file
/// is defined; the file is written under a temporary name and renamed (common/atomic_file). Throws InputError
/// naming the list's line and the site (a forcing with one row per year or day, a name that is a column in one
/// file and metadata in another) or the output. Returns the number of sites.
std::size_t write_site_collection(const std::string& list, const std::string& out, bool overwrite);

/// Small netCDF helpers the collection's writer and the runs' output share (site_netcdf_run.cpp).
namespace site_nc {
/// Throws InputError "WHAT: the netCDF message" unless status is NC_NOERR.
void check(int status, const std::string& what);
/// A text attribute (varid NC_GLOBAL for the file's).
void put_text(int ncid, int varid, const std::string& name, const std::string& value);
/// A double variable over `dims` with units, long_name and the default double _FillValue, chunked as `chunks`
/// (one length per dimension; empty: netCDF's default) with a chunk cache of four chunks. Returns its id.
int def_double(int ncid, const std::string& name, const std::vector<int>& dims, const std::string& units,
               const std::string& long_name, const std::vector<std::size_t>& chunks = {});
/// A string variable over the site dimension with its long_name. Returns its id.
int def_string(int ncid, const std::string& name, int site_dim, const std::string& long_name);
/// Every string of a string variable over the site dimension, in one write.
void put_strings(int ncid, int varid, const std::vector<std::string>& values);
/// Closes the file (if open) without checking, when a failure has been thrown: the temporary is then removed.
struct File {
  int id = -1;
  ~File();
  void close(const std::string& what);  ///< nc_close, checked
};
}  // namespace site_nc

}  // namespace alamod::engine
