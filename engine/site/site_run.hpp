#pragma once
/// `alamod site`: any registered model at one point, driven by a site forcing file
/// (data/sites/FORMAT.md), writing pools and fluxes per model step to a CSV file.
///
///   alamod site --model rothc --forcing data/sites/x/forcing.csv --out rothc_x.csv
///   alamod site --model yasso15 --forcing f.csv --parameters fitted.toml --spinup none --out y.csv
///
/// Steps of run_site: read and check the forcing and the parameter file; resample the forcing to
/// the model's step; map it to the model's inputs (one adapter per model, chosen once by an
/// explicit switch over the registry name, see each models/*/README.md "Site runs"); spin up;
/// simulate with a carbon-balance check every step; write the output under a temporary name and
/// rename it. Nothing is written when anything fails. Plain C++: no MPI, no PETSc.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace alamod::engine {

struct SiteRunOptions {
  std::string model;       ///< [in] registry name (alamod models)
  std::string forcing;     ///< [in] site forcing file (CSV, data/sites/FORMAT.md)
  std::string parameters;  ///< [in] optional TOML file with a [parameters] table ("" = defaults)
  std::string out;         ///< [in] output CSV file
  /// [in] the start (docs/SITES.md, "Starting states"): observed | equilibrium | cycle | none | history | pools | stable
  std::string spinup = "observed";
  /// [in] the first observed stock (t ha-1) of the site tables, replacing the forcing's soc_initial; NaN: none
  double soc_initial = std::nan("");
  std::string soc_initial_source;  ///< [in] where soc_initial comes from, for the output's metadata
  bool overwrite = false;  ///< [in] replace an existing output file
  /// [in] parameter values set after the parameter file (name, value in the declared unit), e.g. by calibration
  std::vector<std::pair<std::string, double>> parameter_values;
};

/// Pools and fluxes of one model step, in t ha-1 (fluxes per step).
struct SiteStepResult {
  int year = 0, month = 0, day = 0;  ///< time of the step (month/day 0 where the model step is coarser)
  std::vector<double> pools;         ///< each pool at the end of the step (t ha-1)
  double soc = 0;                    ///< total of the pools (t ha-1)
  double c_input = 0;                ///< carbon entering the soil pools during the step (t ha-1)
  double rh = 0;                     ///< heterotrophic respiration during the step (t ha-1)
  double leaching = 0;               ///< carbon leached during the step (t ha-1)
  std::vector<double> extra;         ///< the model's extra columns (SiteRunResult::extra_columns), in their units
};

/// Everything a site run produces (what the output file holds).
struct SiteRunResult {
  std::string model;
  std::string time_step;                 ///< "year", "month" or "day"
  std::vector<std::string> pool_names;
  bool has_leaching = false;             ///< whether the model leaches carbon (leaching column)
  /// Columns a model writes after the fluxes (name, unit), e.g. MIMICS's rh_rate at the end of each step.
  std::vector<std::pair<std::string, std::string>> extra_columns;
  double soc_start = 0;                  ///< total of the pools after the spin-up, before step 1 (t ha-1)
  std::vector<SiteStepResult> steps;
  std::vector<std::string> notes;        ///< derived inputs and assumptions, one line each
  std::vector<std::pair<std::string, std::string>> metadata;  ///< output metadata (key, value)
};

/// The values of --spinup, for messages and help.
inline constexpr const char* kStartModes = "observed, equilibrium, cycle, none, history, pools, stable";
/// Whether `mode` is one of kStartModes.
bool valid_start(const std::string& mode);

/// Read, spin up, simulate and check, without writing. Throws alamod::InputError.
SiteRunResult simulate_site(const SiteRunOptions& opt);

/// simulate_site, then write opt.out (temporary name, then rename). Throws alamod::InputError.
void run_site(const SiteRunOptions& opt);

}  // namespace alamod::engine
