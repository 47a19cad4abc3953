#pragma once
/// Many sites from one NetCDF file into one NetCDF file: `alamod site --model M --forcing-netcdf SITES.nc
/// --out RESULTS.nc` (docs/SITES.md, "Many sites in one NetCDF file").
///
/// Steps: open and check the site collection (site_netcdf.hpp); read the parameter file once; for each site,
/// its forcing (checked and converted as a forcing file's), the model's run as `alamod site` does it (spin-up,
/// every step with its carbon balance), and its series written at once into the output's row of the site;
/// after the last site, the output is closed, synced and renamed into place (common/atomic_file). A site whose
/// forcing or run fails stops the command with one InputError line naming the file, the variable or model, and
/// the site (and time index where there is one); the temporary output is removed: nothing is left.
///
/// The output is a CF-1.8 discrete sampling geometry (featureType "timeSeries", orthogonal multidimensional
/// representation) with ACDD-1.3 discovery attributes:
///
///   dimensions  site = N (the input's sites, in its order), time = the model's steps over the input's months
///               (month, year or day, the first site's; every site's must be the same), nv = 2
///   time(time), time_bnds(time, nv)   the start and bounds of each model step (proleptic Gregorian days)
///   site_id(site)                     cf_role = "timeseries_id"; lat(site), lon(site) where the input has them
///   POOL(time, site)                  each pool at the end of the step (t ha-1), named as `alamod site` names
///                                     its columns
///   soc, c_input, rh [, leaching] [, the model's extra columns](time, site)   as the columns of `alamod site`
///                                     (fluxes per step, cell_methods "time: sum"); the _FillValue outside a
///                                     site's period
///   soc_start(site)                   the stock after the spin-up (t ha-1); spinup_method(site), notes(site)
///
/// The series are (time, site), time first, as CDO reads them (an unstructured grid of the sites); CF-1.8 lets
/// the dimensions of the orthogonal representation come in either order. Each chunk holds whole series of about
/// 1 MiB of sites.
///
/// Every value is the double `alamod site --forcing FILE` writes for the same site (tests/integration/
/// test_site_netcdf.py compares them bit for bit).
#include <cstddef>
#include <string>

#include "engine/site/site_run.hpp"

namespace alamod::engine {

/// Runs base.model at every site of `in` into `out` (see the header comment); base's forcing and out are not
/// read. Throws InputError. Returns the number of sites.
std::size_t run_site_netcdf(const SiteRunOptions& base, const std::string& in, const std::string& out);

}  // namespace alamod::engine
