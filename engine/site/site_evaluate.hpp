#pragma once
/// Models against site measurements: `alamod evaluate` (every model on every site and
/// treatment, metrics and a report) and `alamod calibrate` (TAO least squares on chosen
/// parameters of one model, a TOML parameter file for `alamod run`/`alamod site`).
///
/// Sites are folders of a site-dataset collection (data/sites/, see data/sites/README.md):
/// `treatments.csv`, `soc_observations.csv` and one `forcing_<treatment_id>.csv` per treatment.
/// The (model, site, treatment) runs are spread over the MPI ranks in contiguous blocks.
#include <mpi.h>

#include <limits>
#include <string>

#include "engine/configuration/parameter_draws.hpp"
#include <vector>

#include "engine/site/evaluation.hpp"

namespace alamod::engine {

/// One SOC stock measurement (t ha-1) of a site and treatment.
struct SocObservation {
  int year = 0;                ///< calendar year of sampling
  double soc_stock = 0.0;      ///< t ha-1
  double soc_stock_sd = -1.0;  ///< t ha-1, < 0 when unknown
  /// the stock's prediction interval when its concentration came from spectra (soc_lower, soc_upper scaled by
  /// soc_stock / soc; t ha-1), NaN when none
  double soc_stock_lower = std::numeric_limits<double>::quiet_NaN();
  double soc_stock_upper = std::numeric_limits<double>::quiet_NaN();
};

/// A site and treatment with its forcing file and its observations.
struct SiteTreatment {
  std::string site, treatment, forcing;
  std::vector<SocObservation> observations;
  int first_year = 0;        ///< year of the first observation
  double first_stock = 0.0;  ///< mean observed stock of that year (t ha-1): the `observed` start
};

/// Every site and treatment under `sites_dir` that has a forcing file and at least two
/// SOC stock observations; `only_sites` (comma list, empty = all) filters by site id.
/// Every site folder is checked first, whichever sites are wanted: its datapackage.json
/// (check_data_package), each (site_id, treatment_id) once in treatments.csv and each site_id in one
/// folder, each observation once (site_id, treatment_id, plot_id, observation_date, layer_top,
/// layer_bot) and of a treatment of its folder, its numbers decimal and within physical bounds
/// (soc_stock and soc_stock_sd 0-1000 t ha-1, soc 0-600 g kg-1, bd_samp 0.1-2.65 g cm-3, layers
/// 0-1000 cm, top above bottom; data/sites/FORMAT.md, "Site tables").
/// Throws InputError naming the file, line and column of anything malformed.
std::vector<SiteTreatment> discover_site_treatments(const std::string& sites_dir, const std::string& only_sites = "");

struct EvaluateOptions {
  std::string sites_dir;            ///< collection of site datasets
  /// registry names, each optionally `NAME@FILE.toml` (that model under that parameter file; the same model
  /// may then appear several times, each spec once)
  std::vector<std::string> models;
  std::string out_dir;              ///< metrics.csv and report.html are written here
  std::string only_sites;           ///< comma list of site ids, empty = all
  std::string spinup = "observed";  ///< start from the first observed stock of each treatment (docs/SITES.md)
  std::string parameters;           ///< optional parameter file applied to every model it names
  /// --ensemble N (members > 0): N parameter sets drawn from `parameters` (its fit); each series of that
  /// model gains the 5-95 % band of the N simulated series (Series::band), drawn in the report
  EnsembleOptions ensemble;
};

/// Exit status of `alamod evaluate` when some runs failed and the others were scored and written
/// (the failures are listed on stderr and in report.html). Every run failing is bad input (1).
inline constexpr int kExitSomeRunsFailed = 4;

/// Collective: run, score, write metrics.csv and report.html (rank 0). Returns 0, or
/// kExitSomeRunsFailed on every rank when a run failed. Throws InputError for bad input (duplicated
/// treatments, sites or observations, absurd observations, an invalid datapackage.json, ...) and when
/// no run could be scored.
int run_evaluate(MPI_Comm comm, const EvaluateOptions& opt);

struct CalibrateOptions {
  std::string model;
  std::string sites_dir;
  std::vector<std::string> parameters;  ///< names of the parameters to fit
  std::string out;                      ///< TOML parameter file
  std::string only_sites;
  std::string solver = "brgn";          ///< brgn | pounders
  std::string spinup = "observed";      ///< start from the first observed stock of each treatment (docs/SITES.md)
  bool cross_validate = false;          ///< leave-one-site-out, writes OUT.crossval.csv
  /// "none": residuals simulated - observed (t ha-1); "sd": divided by each observation's soc_stock_sd
  /// (e.g. the uncertainty `alamod sites complete` gives a stock from an estimated bulk density), or by
  /// default_sd where it has none, so that uncertain observations weigh less (weights 1/sd^2).
  std::string weights = "none";
  double default_sd = 0.0;              ///< t ha-1, > 0 when weights = "sd" and some observation has no sd
  /// Bayesian calibration after the fit (0: none): iterations per adaptive Metropolis chain, burn-in included;
  /// writes OUT.posterior.csv and [fit.posterior] (docs/SITES.md, "Calibration")
  int mcmc = 0;
  int chains = 4;       ///< chains, spread over the ranks (chain c on rank c mod size)
  int burn_in = -1;     ///< iterations left out at the start of each chain (-1: half of mcmc)
  long long seed = 1;   ///< the chains' random numbers (with the chain index): the same on any rank count
};

/// Collective: fit, write the parameter file (rank 0). Throws InputError / std::invalid_argument.
void run_calibrate(MPI_Comm comm, const CalibrateOptions& opt);

}  // namespace alamod::engine
