#pragma once
/// `alamod climate prepare`: climate products as they come (daily or monthly CMIP/CORDEX/DRIAS, E-OBS,
/// ERA5-Land or any CF files, any calendar and grid) made into the monthly CF file a grid run reads:
/// `tas` (degC, monthly mean), `pr` and `pet` (mm month-1, monthly sums), PET by Oudin or Hargreaves when
/// the product has none (docs/CLIMATE.md).
#include <string>
#include <vector>

namespace alamod::engine {

struct ClimatePrepareOptions {
  std::string product = "cf";  ///< cf (names tas/pr/pet), cmip, cmip-adjusted (DRIAS, Explore2), eobs, era5land
  std::vector<std::string> tas, pr, pet, tasmin, tasmax;  ///< files of each variable
  std::string tas_variable, pr_variable, pet_variable, tasmin_variable, tasmax_variable;  ///< "" = the preset's
  std::string pr_units, pet_units;  ///< replace the files' units ("" = the files' own, or the preset's)
  std::string pet_method;           ///< "" (from the files when given, else oudin), oudin, hargreaves
  int first_year = 0, last_year = 0;  ///< 0 = every complete year the files share
  std::string out;                    ///< the monthly NetCDF file to write
  bool overwrite = false;
  bool quiet = false;
};

/// Writes the monthly file; throws InputError naming the file, variable and date on bad input. Nothing
/// is left at `out` on failure (the file is written under a temporary name and renamed).
void prepare_climate(const ClimatePrepareOptions& options);

}  // namespace alamod::engine
