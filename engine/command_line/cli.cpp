// The command line: the only translation unit that includes CLI11. Each subcommand has a struct of
// the values its options receive, an add_*_command that declares them once with their help, and a
// run_*_command that runs it. Compiled twice: into alamod-engine, and with ALAMOD_LIGHT_EXECUTABLE into
// the light `alamod` (the same subcommands, options and help), which runs `rothc`, `amg`, `site`,
// `models`, --version and --help itself and hands every other command to the engine
// (engine_handover.hpp) where the engine would start MPI or read what only it links.
#include "engine/command_line/cli.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/catalogue/catalogue.hpp"
#include "engine/common/atomic_file.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/common/shell_quote.hpp"
#include "engine/configuration/config.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/vegetation_binding.hpp"
#include "engine/official/amg_official.hpp"
#include "engine/official/rothc_official.hpp"
#include "engine/site/site_evaluate.hpp"
#include "engine/site/site_list.hpp"
#ifndef ALAMOD_LIGHT_EXECUTABLE
#include "engine/site/site_netcdf.hpp"
#include "engine/site/site_netcdf_run.hpp"
#endif
#include "engine/site/site_run.hpp"
#include "engine/spectra/spectra_command.hpp"
#include "engine/site_data/complete.hpp"
#include "engine/site_data/validate.hpp"
#include "engine/vegetation/satellite_command.hpp"
#include "engine/totals/summarize.hpp"
#include "engine/climate/delta.hpp"
#include "engine/climate/prepare.hpp"
#include "engine/scenario/explain.hpp"
#include "engine/grid_run/ensemble.hpp"
#include "engine/grid_run/model_comparison.hpp"
#include "grids/input_error.hpp"
#ifdef ALAMOD_LIGHT_EXECUTABLE
#include "engine/command_line/engine_handover.hpp"
#endif

namespace alamod::engine {

namespace {

#ifdef ALAMOD_LIGHT_EXECUTABLE
/// `alamod-engine --version` as the build ran it (engine/command_line/engine_version_text.cmake).
const char* const kEngineVersionText =
#include "engine_version_text.inc"
    ;
/// The engine answers what needs what only it links; an exec that failed exits with 3.
int engine_answers() {
  hand_over_to_engine();
  return 3;
}
#endif

const char* const kAbout =
    "alamod simulates how carbon stocks in soils change, from one long-term field site to the whole of\n"
    "France, on a laptop or on many MPI ranks.\n\n"
    "Examples:\n"
    "  mpiexec -n 2 alamod run configs/france_default.toml --out results/france\n"
    "  alamod run configs/france_default.toml --out results/short --set run.end_year=2000\n"
    "  mpiexec -n 2 alamod summarize results/france --zones zones.gpkg --zone-field code --out results/zones\n"
    "  alamod rothc --official-input RothC_input.dat --out results/rothc\n"
    "  alamod amg --official-inputs tests/data/amg/shipped/inputs --out results/amg\n"
    "  alamod site --model rothc --forcing data/sites/broadbalk/forcing_nil.csv --out nil.csv\n"
    "  mpiexec -n 2 alamod evaluate --sites data/sites --models rothc,icbm --out results/evaluation\n"
    "  alamod calibrate --model rothc --sites data/sites --parameters k_hum,k_rpm --out fitted.toml\n"
    "  alamod catalogue build --sites data/sites --runs results/france --out results/portal\n"
    "  alamod spectra fit data/spectra/nirsoil.csv.gz --property Ciso --unit percent --rows train=1 --out model.json\n"
    "  alamod sites validate data/sites/*/datapackage.json\n"
    "  alamod sites complete data/sites/highfield_ley_arable --out completed/highfield_ley_arable\n"
    "  alamod models show rothc\n"
    "  alamod vegetation run --model 3pg --site site.csv --species species.csv --climate climate.csv --out stand.csv\n\n"
    "Options that start with a single dash (-log_view, -tao_*) are passed to PETSc.";

/// `alamod run`: a model on a grid.
struct RunCommand {
  CLI::App* command = nullptr;
  std::string config_path, out_dir;
  bool overwrite = false, quiet = false, config_help = false;
  std::vector<std::string> sets;  ///< --set key=value, in order
  std::string parameters;         ///< --parameters FILE
  int checkpoint_every = -1;      ///< -1: from the configuration
  std::string restart;            ///< --restart [FILE]; "latest" when given without a file
  CLI::Option* restart_option = nullptr;
  EnsembleOptions ensemble;       ///< --ensemble N (with --parameters FIT), --ensemble-seed, --ensemble-from
};

/// `alamod summarize`: the totals, report and maps of a finished grid run, from its output.
struct SummarizeCommand {
  CLI::App* command = nullptr;
  SummarizeOptions options;
};

/// `alamod rothc`: an input file of the official RothC program.
struct OfficialRothcCommand {
  CLI::App* command = nullptr;
  std::string input, out;
};

/// `alamod amg`: the input tables of the official AMG code.
struct OfficialAmgCommand {
  CLI::App* command = nullptr;
  std::string inputs, out, rounding = "official";
};

/// `alamod site`: one model at one site.
struct SiteCommand {
  CLI::App* command = nullptr;
  SiteRunOptions options;
  std::string forcing_list;  ///< --forcing-list: many sites in one process (engine/site/site_list.hpp)
  /// --forcing-netcdf: many sites from one NetCDF file into one (engine/site/site_netcdf_run.hpp)
  std::string forcing_netcdf;
  /// --write-netcdf: a forcing list written as one NetCDF site collection (engine/site/site_netcdf.hpp)
  std::string write_netcdf;
  /// Whether the command reads or writes NetCDF: the light executable hands it to alamod-engine.
  bool needs_engine() const { return !forcing_netcdf.empty() || !write_netcdf.empty(); }
};

/// `alamod evaluate`: models over a site collection.
struct EvaluateCommand {
  CLI::App* command = nullptr;
  EvaluateOptions options;
  std::string models = "rothc,icbm,yasso15,century";  ///< comma-separated
};

/// `alamod calibrate`: fit a model's parameters to a site collection.
struct CalibrateCommand {
  CLI::App* command = nullptr;
  CalibrateOptions options;
  std::string parameters;  ///< comma-separated
};

/// `alamod climate prepare`.
struct ClimateCommand {
  CLI::App* command = nullptr;
  CLI::App* prepare = nullptr;
  CLI::App* delta = nullptr;
  ClimatePrepareOptions options;
  ClimateDeltaOptions delta_options;
  std::string years, reference, warming;  ///< FROM-TO, FROM-TO, YEAR=DEGC,...
};

/// `alamod scenario explain CONFIG`.
struct ScenarioCommand {
  CLI::App* command = nullptr;
  CLI::App* explain = nullptr;
  std::string config_path;
  std::vector<std::string> sets;  ///< --set key=value
};

/// `alamod catalogue build`: the static catalogue (STAC, DCAT, schema.org) and portal.
struct CatalogueCommand {
  CLI::App* command = nullptr;
  CLI::App* build = nullptr;
  CatalogueOptions options;
};

/// `alamod spectra fit|predict`: soil properties from infrared spectra (PLS regression).
struct SpectraCommand {
  CLI::App* command = nullptr;
  CLI::App* fit = nullptr;
  CLI::App* predict = nullptr;
  CLI::App* transfer = nullptr;
  spectra::FitOptions fit_options;
  spectra::PredictOptions predict_options;
  spectra::TransferOptions transfer_options;
};

/// `alamod sites validate|complete`: site packages checked and completed (no MPI).
struct SitesCommand {
  CLI::App* command = nullptr;
  CLI::App* validate = nullptr;
  CLI::App* complete = nullptr;
  std::vector<std::string> dirs;  ///< validate: the package folders
  bool quiet = false;
  CompleteOptions options;        ///< complete
};

/// `alamod models [show NAME]`.
struct ModelsCommand {
  CLI::App* command = nullptr;
  CLI::App* show = nullptr;
  std::string name;
};

/// `alamod vegetation run|species`: the vegetation models at a site.
struct VegetationCommand {
  CLI::App* command = nullptr;
  CLI::App* run = nullptr;
  CLI::App* species = nullptr;
  CLI::App* satellite = nullptr;
  VegetationRunOptions options;
  vegetation::SatelliteCommandOptions sat;
  std::string species_model = "3pg";
};

}  // namespace

struct Commands {
  CLI::App app{kAbout, "alamod"};
  bool show_version = false;
  RunCommand run;
  SummarizeCommand summarize;
  OfficialRothcCommand rothc;
  OfficialAmgCommand amg;
  SiteCommand site;
  EvaluateCommand evaluate;
  CalibrateCommand calibrate;
  CatalogueCommand catalogue;
  SpectraCommand spectra;
  ModelsCommand models;
  ClimateCommand climate;
  ScenarioCommand scenario;
  SitesCommand sites;
  VegetationCommand vegetation;
  std::vector<std::string> petsc_options;

  /// Whether the chosen subcommand computes (and so needs MPI).
  bool computes() const {
    return *run.command || *summarize.command || *rothc.command || *amg.command || *site.command || *evaluate.command || *calibrate.command ||
           *climate.command || *scenario.command || (catalogue.build && *catalogue.build) || *spectra.fit ||
           *spectra.predict || *spectra.transfer;
  }
};

namespace {

// ---------------------------------------------------------------------------------------------------
// The subcommands and their options
// ---------------------------------------------------------------------------------------------------

void add_run_command(CLI::App& app, RunCommand& run) {
  run.command = app.add_subcommand("run", "run a model on a grid (France by default), in parallel under mpiexec");
  CLI::App* cmd = run.command;
  cmd->add_option("config", run.config_path, "run configuration (TOML), e.g. configs/france_default.toml");
  cmd->add_option("--out", run.out_dir, "output folder; the yearly NetCDF file is written there");
  cmd->add_flag("--overwrite", run.overwrite, "replace an existing output file");
  cmd->add_option("--set", run.sets, "override a configuration key, TOML syntax: --set run.end_year=2000")
      ->take_all();
  cmd->add_flag("--quiet", run.quiet, "no progress lines");
  cmd->add_flag("--config-help", run.config_help, "describe every configuration key, then exit");
  cmd->add_option("--parameters", run.parameters,
                  "parameter file (TOML [parameters] table, e.g. from `alamod calibrate`) applied over the "
                  "configuration's model parameters");
  cmd->add_option("--ensemble", run.ensemble.members,
                  "a parameter ensemble of N members drawn from the --parameters file of `alamod calibrate` (its "
                  "posterior samples, or its covariance), each run into DIR/member_NNN/; DIR/totals_quantiles.csv "
                  "gives 5, 50 and 95 % of every total")
      ->check(CLI::Range(2, 100000));
  cmd->add_option("--ensemble-seed", run.ensemble.seed, "seed of the ensemble's draws (the same members on any rank count)")
      ->capture_default_str();
  cmd->add_option("--ensemble-groups", run.ensemble.groups,
                  "members x cells: split the ranks into G groups of contiguous ranks, each running its members "
                  "(member k on group k mod G) over its own cells; 1 runs the members one after another over every "
                  "rank, 0 takes min(ranks, N) (one member per group at a time). Results are the same bits for "
                  "every G and rank count")
      ->check(CLI::Range(0, 100000))
      ->needs("--ensemble")
      ->capture_default_str();
  cmd->add_option("--ensemble-from", run.ensemble.source,
                  "auto (the posterior samples when the file has them, else the covariance), posterior or covariance")
      ->check(CLI::IsMember({"auto", "posterior", "covariance"}))
      ->capture_default_str();
  cmd->add_option("--checkpoint-every", run.checkpoint_every,
                  "write a restart checkpoint every N simulated years into --out (overrides checkpoint.every_years; "
                  "0: none)")
      ->check(CLI::Range(0, 1000000));
  run.restart_option =
      cmd->add_option("--restart", run.restart,
                      "continue an interrupted run from the newest checkpoint in --out, or from FILE (a run with scenarios: --restart alone, each phase from its own checkpoints)")
          ->expected(0, 1);
  cmd->footer(
      "Examples:\n"
      "  mpiexec -n 2 alamod run configs/france_default.toml --out results/france_8km\n"
      "  mpiexec -n 4 alamod run configs/france_1km.toml --out DIR --set run.end_year=2019 --checkpoint-every 10\n"
      "  mpiexec -n 8 alamod run configs/france_1km.toml --out DIR --restart      (any rank count)\n"
      "Exit status: 0 done; 1 bad input (the message names file, variable and cell); 2 bad command line;\n"
      "3 internal error; 75 stopped by SIGTERM, SIGINT or "
      "SIGUSR1 after writing a checkpoint (continue with --restart;\n"
      "under mpirun, signal it through jobscripts/launch.sh, or send SIGUSR1: mpirun exits 1 on SIGTERM/SIGINT).\n"
      "Environment: ALAMOD_MPIIO_HINTS=key=value,... MPI-IO hints for the output (e.g. striping_factor=16);\n"
      "ALAMOD_DEFLATE=zlib compresses with HDF5's zlib instead of libdeflate (same values, slower).\n"
      "PETSc options pass through (e.g. -log_view). Every key: alamod run --config-help.");
}

void add_summarize_command(CLI::App& app, SummarizeCommand& summarize) {
  summarize.command = app.add_subcommand(
      "summarize", "totals, report and maps of a finished grid run, computed again from its output (in parallel)");
  CLI::App* cmd = summarize.command;
  SummarizeOptions& o = summarize.options;
  cmd->add_option("run", o.run, "the run's --out folder (or its output file)")->required();
  cmd->add_option("--zones", o.zones,
                  "zones of your own: a raster of integer codes (cell centre) or a vector file GDAL/OGR reads "
                  "(rasterised by area share; give --zone-field)");
  cmd->add_option("--zone-field", o.zone_field, "the attribute of a vector --zones file that names each zone");
  cmd->add_option("--zone-subcells", o.zone_subcells,
                  "area shares of vector zones from N x N sub-cells per cell (default: the run's totals.zone_subcells)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--config", o.config,
                  "take the land-use map, zone layers and names from this configuration instead of the run's own");
  cmd->add_option("--out", o.out_dir, "folder for totals.csv, totals.nc, report.html and the maps (default: the run's)");
  cmd->add_flag("--overwrite", o.overwrite, "replace totals and report already in the folder");
  cmd->add_flag("--no-report", o.no_report, "totals.csv and totals.nc only");
  cmd->footer(
      "Examples:\n"
      "  mpiexec -n 2 alamod summarize results/france --out results/france_again\n"
      "  alamod summarize results/france --zones catchments.gpkg --zone-field code --out results/by_catchment\n"
      "Exit status: 0 done; 1 bad input (the message names the file); 2 bad command line.");
}

void add_official_rothc_command(CLI::App& app, OfficialRothcCommand& rothc) {
  rothc.command = app.add_subcommand("rothc", "run RothC-26.3 on an input file of the official RothC program");
  rothc.command->add_option("--official-input", rothc.input, "official RothC input file (e.g. RothC_input.dat)")
      ->required();
  rothc.command->add_option("--out", rothc.out, "folder for month_results.csv and year_results.csv")->required();
}

void add_official_amg_command(CLI::App& app, OfficialAmgCommand& amg) {
  amg.command = app.add_subcommand("amg", "run AMG v2 on the input tables of the official INRAE AMG code");
  amg.command
      ->add_option("--official-inputs", amg.inputs,
                   "folder with inputs_SOIL.csv, inputs_METEO.csv, inputs_MANAGEMENT.csv and parameters_*.csv")
      ->required();
  amg.command->add_option("--out", amg.out, "folder for SOC_STOCKS.csv and C_SUPPLY.csv")->required();
  amg.command
      ->add_option("--rounding", amg.rounding,
                   "official: round as the official code does (4 decimals); none: full precision")
      ->check(CLI::IsMember({"official", "none"}));
}

/// --spinup of the site commands (site, evaluate, calibrate): the starting state (docs/SITES.md).
void add_spinup_option(CLI::App* cmd, std::string& spinup, const std::string& help) {
  cmd->add_option("--spinup", spinup, help)
      ->check(CLI::IsMember({"observed", "equilibrium", "cycle", "none", "history", "pools", "stable"}))
      ->capture_default_str();
}

/// What each starting state is (docs/SITES.md, "Starting states").
const char* const kStartHelp =
    "starting state (docs/SITES.md): observed (default): the first observed stock (soc_initial; in evaluate and "
    "calibrate the treatment's first observation) split in the proportions of the equilibrium pools, the equilibrium "
    "when there is none; equilibrium: periodic equilibrium of the first spinup_years years; cycle: official RothC "
    "rule, cycle until |annual change| < 1e-6 t ha-1; none: soc_initial split as observed, or empty pools; history: "
    "equilibrium under the land use before the experiment (history_c_input, history_fym, history_land_use); pools: "
    "the pool_NAME metadata (t ha-1); stable: the measured stable fraction stable_fraction of soc_initial in the "
    "model's stable pool (AMG: Kanari et al. 2022)";

/// --sites and --only-sites of the commands over a site collection (evaluate, calibrate).
void add_sites_option(CLI::App* cmd, std::string& sites_dir) {
  cmd->add_option("--sites", sites_dir, "folder of site datasets (e.g. data/sites)")->required();
}

void add_only_sites_option(CLI::App* cmd, std::string& only_sites) {
  cmd->add_option("--only-sites", only_sites, "comma-separated site ids (default: all)");
}


void add_site_command(CLI::App& app, SiteCommand& site) {
  site.command = app.add_subcommand(
      "site", "run one model at one site from a site forcing file (data/sites/FORMAT.md); pools and fluxes per step");
  CLI::App* cmd = site.command;
  SiteRunOptions& so = site.options;
  auto* model = cmd->add_option("--model", so.model, "model name (`alamod models` lists them); required, except with --write-netcdf");
  auto* forcing = cmd->add_option("--forcing", so.forcing, "site forcing CSV (data/sites/FORMAT.md); its metadata also holds the site settings of docs/SITES.md \"Site settings\": structural_lignin_fraction and surface_input_share (century), yasso_step (year, month, day), millennial_integrator (euler, rk4), pool_NAME (--spinup pools)");
  auto* list = cmd->add_option(
      "--forcing-list", site.forcing_list,
      "many sites in one process: a CSV with the header site_id,forcing and one row per site (forcing paths "
      "relative to the list's folder); --out is then a folder that receives SITE_ID.csv per site. Example:\n"
      "  alamod site --model rothc --forcing-list sites.csv --out results/");
  auto* netcdf = cmd->add_option(
      "--forcing-netcdf", site.forcing_netcdf,
      "many sites from one NetCDF file (CF-1.8 featureType timeSeries: site_id(site) with cf_role timeseries_id, "
      "the forcing's metadata as KEY(site) and its monthly columns as VAR(site, time), docs/SITES.md \"Many sites in "
      "one NetCDF file\"); --out is then one NetCDF file with every site's series. Example:\n"
      "  alamod site --model rothc --forcing-netcdf sites.nc --out results.nc");
  auto* write = cmd->add_option(
      "--write-netcdf", site.write_netcdf,
      "with --forcing-list: write its (monthly) forcing files as one NetCDF site collection for --forcing-netcdf, and "
      "run no model. Example:\n"
      "  alamod site --forcing-list sites.csv --write-netcdf sites.nc");
  forcing->excludes(list);
  forcing->excludes(netcdf);
  list->excludes(forcing);
  list->excludes(netcdf);
  netcdf->excludes(forcing);
  netcdf->excludes(list);
  netcdf->excludes(write);
  write->needs(list);
  write->excludes(netcdf);
  write->excludes(model);
  cmd->add_option("--parameters", so.parameters,
                  "TOML file with a [parameters] table (names and units as `alamod models show NAME`), e.g. "
                  "written by `alamod calibrate`; [fit] and [provenance] are ignored");
  add_spinup_option(cmd, so.spinup, kStartHelp);
  auto* out = cmd->add_option("--out", so.out,
                              "output CSV (written under a temporary name, then renamed); with --forcing-list a folder; "
                              "with --forcing-netcdf a NetCDF file; required, except with --write-netcdf");
  write->excludes(out);
  cmd->add_flag("--overwrite", so.overwrite, "replace an existing output file");
  // --model and --out are required unless the command only writes a site collection
  cmd->parse_complete_callback([&site, model, out] {
    if (!site.write_netcdf.empty()) return;
    if (model->count() == 0) throw CLI::RequiredError("--model");
    if (out->count() == 0) throw CLI::RequiredError("--out");
  });
}

void add_evaluate_command(CLI::App& app, EvaluateCommand& evaluate) {
  evaluate.command = app.add_subcommand(
      "evaluate", "run models on every site and treatment of a site collection; metrics.csv and report.html");
  CLI::App* cmd = evaluate.command;
  EvaluateOptions& eo = evaluate.options;
  add_sites_option(cmd, eo.sites_dir);
  cmd->add_option("--models", evaluate.models,
                  "comma-separated model names; NAME@FILE.toml runs NAME under that parameter file, e.g. "
                  "rothc,rothc@fit.toml compares RothC with itself under two parameter sets")
      ->capture_default_str();
  cmd->add_option("--out", eo.out_dir,
                  "output folder for metrics.csv (failed runs as run_failed rows; exit 4 when any failed), "
                  "simulated_series.csv and report.html")
      ->required();
  add_only_sites_option(cmd, eo.only_sites);
  add_spinup_option(cmd, eo.spinup, kStartHelp);
  cmd->add_option("--parameters", eo.parameters, "parameter file (from alamod calibrate) for a single model");
  cmd->add_option("--ensemble", eo.ensemble.members,
                  "draw N parameter sets from the --parameters file's posterior samples or covariance (as alamod run "
                  "--ensemble does) and shade each site plot of its model between the 5 and 95 % quantiles of the "
                  "N simulated series, and write their 5/50/95 % quantiles in simulated_series.csv (soc_p05, soc_p50, "
                  "soc_p95, t ha-1); the metrics stay those of the file's own values")
      ->check(CLI::Range(2, 100000))
      ->needs("--parameters");
  cmd->add_option("--ensemble-seed", eo.ensemble.seed, "seed of the draws (the same band on any rank count)")
      ->capture_default_str();
  cmd->add_option("--ensemble-from", eo.ensemble.source,
                  "auto (the posterior samples when the file has them, else the covariance), posterior or covariance")
      ->check(CLI::IsMember({"auto", "posterior", "covariance"}))
      ->capture_default_str();
}

void add_calibrate_command(CLI::App& app, CalibrateCommand& calibrate) {
  calibrate.command = app.add_subcommand(
      "calibrate", "fit parameters of one model to the SOC observations of a site collection with PETSc TAO");
  CLI::App* cmd = calibrate.command;
  CalibrateOptions& co = calibrate.options;
  cmd->add_option("--model", co.model, "model name")->required();
  add_sites_option(cmd, co.sites_dir);
  cmd->add_option("--parameters", calibrate.parameters,
                  "comma-separated parameter names to fit (bounds from their declarations)")
      ->required();
  cmd->add_option("--out", co.out, "parameter file to write (TOML: values, standard errors, fit, provenance)")
      ->required();
  add_only_sites_option(cmd, co.only_sites);
  cmd->add_option("--solver", co.solver, "brgn (Gauss-Newton, finite-difference Jacobian) or pounders")
      ->check(CLI::IsMember({"brgn", "pounders"}))
      ->capture_default_str();
  add_spinup_option(cmd, co.spinup, kStartHelp);
  cmd->add_flag("--cross-validate", co.cross_validate, "also leave-one-site-out: OUT.crossval.csv");
  cmd->add_option("--weights", co.weights,
                  "none: residuals simulated - observed; sd: divided by each observation's soc_stock_sd (e.g. the "
                  "uncertainty of a stock from an estimated bulk density, alamod sites complete)")
      ->check(CLI::IsMember({"none", "sd"}))
      ->capture_default_str();
  cmd->add_option("--default-sd", co.default_sd,
                  "with --weights sd: the standard deviation (t ha-1) of the observations that have none")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--mcmc", co.mcmc,
                  "Bayesian calibration after the fit: N iterations per adaptive Metropolis chain (Haario et al. "
                  "2001), Gaussian residuals of the fit's variance, flat prior within the bounds; writes "
                  "OUT.posterior.csv (samples after the burn-in) and [fit.posterior] (mean, sd, 5/50/95 %, R-hat, ESS)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--chains", co.chains, "chains of --mcmc, spread over the ranks (at least 2)")->capture_default_str();
  cmd->add_option("--burn-in", co.burn_in, "iterations of each chain left out (default: half of --mcmc)");
  cmd->add_option("--seed", co.seed, "seed of the chains (the same samples on any rank count)")->capture_default_str();
}

void add_sites_command(CLI::App& app, SitesCommand& sites) {
  sites.command = app.add_subcommand(
      "sites", "site packages (data/sites/FORMAT.md): validate them, complete their stocks and bulk densities");
  sites.command->require_subcommand(1);
  sites.validate = sites.command->add_subcommand(
      "validate", "check site packages against their descriptors and the site format; print every problem");
  sites.validate->add_option("dirs", sites.dirs, "site package folders, or their datapackage.json")->required();
  sites.validate->add_flag("--quiet", sites.quiet, "no line for the packages without problems");
  sites.validate->footer(
      "Prints every problem as FILE:LINE:COLUMN: message (COLUMN: the field's number; a descriptor problem names its\n"
      "JSON path), then one line per package and a total.\n"
      "Examples:\n"
      "  alamod sites validate data/sites/broadbalk\n"
      "  alamod sites validate data/sites/*/datapackage.json --quiet\n"
      "Exit status: 0 every package valid; 5 a package has problems (all printed); 1 an input could not be read\n"
      "(no such folder, no datapackage.json, a file that cannot be opened); 2 bad command line. docs/SITES.md.");
  sites.complete = sites.command->add_subcommand(
      "complete", "write a completed copy of a site package: harmonised units, bulk densities, stocks, "
                  "equivalent-soil-mass stocks, each added value with its method");
  CompleteOptions& o = sites.options;
  sites.complete->add_option("dir", o.dir, "the site package folder")->required();
  sites.complete->add_option("--out", o.out, "folder of the completed package (written whole, then renamed)")->required();
  sites.complete->add_flag("--overwrite", o.overwrite, "replace an existing --out folder");
  sites.complete->add_option("--bd-sd", o.bd_sd,
                             "standard uncertainty of a bulk density from the pedotransfer function, g cm-3")
      ->check(CLI::Range(0.0, 2.0))
      ->capture_default_str();
  sites.complete->footer(
      "Steps (docs/SITES.md, \"Completing site data\"): 1. soc, bd_samp, layers, soc_stock in g kg-1, g cm-3, cm and\n"
      "t ha-1 (from %, g/(100 g), kg m-3, m, kg m-2 ...); 2. bd_samp where missing from the Hollis et al. (2012)\n"
      "cultivated-topsoil pedotransfer function (bd_method, bd_samp_sd); 3. soc_stock = soc x bd_samp x thickness\n"
      "x (1 - coarse_frac) where missing (soc_stock_method, soc_stock_sd); 4. equivalent-soil-mass stocks by the\n"
      "cubic spline of Wendt and Hauser (2013) (soc_stock_esm, esm_soil_mass_ref, esm_method).\n"
      "Example:\n"
      "  alamod sites complete data/sites/highfield_ley_arable --out completed/highfield_ley_arable\n"
      "Exit status: 0 written; 5 the package has problems (printed, nothing written); 1 unreadable input or --out\n"
      "exists (nothing written); 2 bad command line.");
}

void add_catalogue_command(CLI::App& app, CatalogueCommand& catalogue) {
  catalogue.command = app.add_subcommand(
      "catalogue", "build the static catalogue (STAC 1.1, DCAT, schema.org) and portal of site packages and grid runs");
  catalogue.build = catalogue.command->add_subcommand(
      "build", "write a folder of STAC, DCAT and HTML pages to publish as it is (docs/CATALOGUE.md)");
  CLI::App* cmd = catalogue.build;
  CatalogueOptions& o = catalogue.options;
  cmd->add_option("--sites", o.sites, "a collection of site packages, one folder each (e.g. data/sites)")->required();
  cmd->add_option("--runs", o.runs, "grid run folders (the --out of `alamod run`), each a STAC collection")->expected(0, -1);
  cmd->add_option("--evaluations", o.evaluations,
                  "`alamod evaluate` output folders (metrics.csv): the site pages show the models' scores")
      ->expected(0, -1);
  cmd->add_option("--boundary", o.boundary,
                  "mask raster whose non-zero cells draw the map's outline (default: SITES/../sources/boundary/"
                  "mask_fr_8000m.tif, the France mask shipped in data/sources/boundary)");
  cmd->add_option("--base-url", o.base_url,
                  "the URL the folder will be published at: STAC gets absolute `self` links and DCAT an @base "
                  "(default: relative links only)");
  cmd->add_option("--out", o.out, "the folder to write (written under a temporary name, renamed when complete)")
      ->required();
  cmd->add_flag("--overwrite", o.overwrite, "replace an existing --out folder (once the new one is complete)");
  cmd->footer(
      "Example:\n"
      "  alamod catalogue build --sites data/sites --runs results/france --evaluations results/evaluation \\\n"
      "      --out results/portal          # then open results/portal/index.html, or publish the folder\n"
      "Writes index.html (search, filters, map), sites/SITE/index.html and runs/RUN/index.html (landing pages with\n"
      "schema.org JSON-LD, the files beside them), stac/catalog.json (STAC 1.1, datacube extension for the runs),\n"
      "catalog.jsonld (DCAT-AP for open-data harvesters). Nothing on the pages is fetched from the network.\n"
      "Exit status: 0 done; 1 bad input (one line naming the file: a descriptor that is not JSON, a run folder\n"
      "without its NetCDF output...), nothing written; 2 bad command line.");
  catalogue.command->require_subcommand(0, 1);
}

void add_spectra_command(CLI::App& app, SpectraCommand& sp) {
  sp.command = app.add_subcommand(
      "spectra", "soil properties from infrared spectra: fit a PLS model (fit), predict with intervals (predict), "
                 "carry a model to a second instrument (transfer)");
  sp.command->require_subcommand(0, 1);
  sp.command->footer("See alamod spectra fit --help, alamod spectra predict --help, alamod spectra transfer --help and "
                     "docs/SPECTRA.md.");
  CLI::App* fit = sp.fit = sp.command->add_subcommand(
      "fit", "preprocess spectra, fit PLS1 with the component count chosen by cross-validation (folds over MPI "
             "ranks), calibrate split-conformal intervals, write a model file (JSON)");
  spectra::FitOptions& f = sp.fit_options;
  fit->add_option("spectra", f.spectra,
                  "CSV (plain or gzip): one row per sample, band columns named PREFIX+number (nm or cm-1), other "
                  "columns beside")
      ->required();
  fit->add_option("--property", f.property, "the column to predict, e.g. Ciso")->required();
  fit->add_option("--unit", f.unit, "its unit (UDUNITS spelling: percent, g kg-1, 1)")->required();
  fit->add_option("--axis", f.axis, "wavelength or wavenumber")->check(CLI::IsMember({"wavelength", "wavenumber"}))
      ->capture_default_str();
  fit->add_option("--axis-unit", f.axis_unit, "unit of the band names (default nm for wavelength, cm-1 for wavenumber)");
  fit->add_option("--band-prefix", f.band_prefix, "band columns are PREFIX followed by a number (e.g. wn_); default none");
  fit->add_option("--rows", f.rows, "use only the rows where COLUMN=VALUE (or COLUMN!=VALUE), e.g. train=1");
  fit->add_option("--preprocess", f.preprocess,
                  "steps in order: savgol(window=W,order=P,derivative=M,delta=D) snv detrend(order=P) "
                  "continuum(type=reflectance|absorbance,mode=division|subtraction) bands(LO:HI,...) absorbance(scale=S)");
  fit->add_option("--preprocess-file", f.preprocess_file, "the steps as a TOML file of [[preprocess]] tables (docs/SPECTRA.md)");
  fit->add_option("--algorithm", f.algorithm, "PLS algorithm: nipals or simpls (equal for one response)")
      ->check(CLI::IsMember({"nipals", "simpls"}))
      ->capture_default_str();
  fit->add_option("--components", f.components, "fix the number of components (cross-validation still reports RMSECV)")
      ->check(CLI::Range(1, 1000));
  fit->add_option("--max-components", f.max_components, "largest component count cross-validation tries")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  fit->add_option("--select", f.select, "min: the lowest RMSECV; onesigma: the fewest components within one standard error")
      ->check(CLI::IsMember({"min", "onesigma"}))
      ->capture_default_str();
  fit->add_option("--folds-column", f.folds_column, "cross-validation folds given by this column (any labels)");
  fit->add_option("--folds", f.folds, "otherwise K random folds")->capture_default_str();
  fit->add_option("--seed", f.seed, "seed of the random folds and calibration split")->capture_default_str();
  fit->add_option("--calibration", f.calibration,
                  "split-conformal: rows where COLUMN=VALUE are held out of the fit and calibrate the intervals "
                  "(default: the out-of-fold residuals of cross-validation)");
  fit->add_option("--calibration-fraction", f.calibration_fraction,
                  "split-conformal on a random fraction F of the rows (with --seed)");
  fit->add_option("--interval-levels", f.interval_levels, "nominal coverages of the intervals, comma-separated")
      ->capture_default_str();
  fit->add_option("--out", f.out, "model file to write (JSON)")->required();
  fit->add_flag("--overwrite", f.overwrite, "replace an existing model file");
  fit->add_flag("--quiet", f.quiet, "no progress lines");
  fit->footer(
      "Example (the NIRsoil reference, docs/SPECTRA.md):\n"
      "  mpiexec -n 2 alamod spectra fit data/spectra/nirsoil.csv.gz --property Ciso --unit percent --rows train=1 \\\n"
      "      --preprocess 'savgol(window=11,order=2,derivative=1) snv' --components 10 --out nirsoil.json\n"
      "Exit status: 0 done; 1 bad input (file, line and column named; nothing written); 2 bad command line.");
  CLI::App* pr = sp.predict = sp.command->add_subcommand(
      "predict", "predict a property from spectra with a model file of `alamod spectra fit`, with intervals");
  spectra::PredictOptions& p = sp.predict_options;
  pr->add_option("spectra", p.spectra, "CSV (plain or gzip) on the model's wavelength grid")->required();
  pr->add_option("--model", p.model, "model file written by alamod spectra fit")->required();
  pr->add_option("--rows", p.rows, "predict only the rows where COLUMN=VALUE (or COLUMN!=VALUE)");
  pr->add_option("--out", p.out,
                 "predictions CSV: the input's non-band columns, PROPERTY_predicted, PROPERTY_lower_L and _upper_L per "
                 "interval level")
      ->required();
  pr->add_option("--site-observations", p.site_observations,
                 "also write the predictions as SOC observations (data/sites/FORMAT.md columns, soc in g kg-1, "
                 "soc_method naming the model, the interval as uncertainty)");
  pr->add_option("--site", p.site_values,
                 "a site-observation column: KEY=VALUE or KEY=@COLUMN (site_id, treatment_id, plot_id, observation_date, "
                 "layer_top, layer_bot, note); a spectra column of the same name is used otherwise");
  pr->add_option("--site-level", p.site_level, "the interval level used as uncertainty (default: the model's first)");
  pr->add_flag("--overwrite", p.overwrite, "replace existing outputs");
  pr->footer(
      "Example:\n"
      "  alamod spectra predict data/spectra/nirsoil.csv.gz --model nirsoil.json --rows train=0 --out pred.csv\n"
      "A spectra file on another grid than the model's is refused. When the file holds the property, RMSEP, bias,\n"
      "R2 and the coverage of each interval are printed. Exit status: 0 done; 1 bad input; 2 bad command line.");
  CLI::App* tr = sp.transfer = sp.command->add_subcommand(
      "transfer", "carry a model to a second instrument by piecewise direct standardisation (PDS) from transfer "
                  "samples measured on both; writes a copy of the model that predict applies to the second instrument's "
                  "spectra");
  spectra::TransferOptions& t = sp.transfer_options;
  tr->add_option("--model", t.model, "model file written by alamod spectra fit (its spectra: the master instrument)")->required();
  tr->add_option("--master", t.master,
                 "CSV (plain or gzip): the transfer samples measured on the model's instrument, on the model's grid")
      ->required();
  tr->add_option("--slave", t.slave,
                 "CSV (plain or gzip): the same samples measured on the second instrument, resampled to the model's grid")
      ->required();
  tr->add_option("--match", t.match, "column naming the samples in both files (default: the same rows in the same order)");
  tr->add_option("--window", t.window,
                 "PDS window: the second instrument's bands j-h..j+h that give the master's band j (odd width, in bands)")
      ->capture_default_str();
  tr->add_option("--components", t.components,
                 "singular vectors kept per window (truncated SVD; default 0 = the window's width, those with "
                 "s^2 > 1e-12 s_max^2)")
      ->capture_default_str();
  tr->add_option("--out", t.out, "model file to write: the model with its instrument_transfer block")->required();
  tr->add_flag("--overwrite", t.overwrite, "replace an existing model file");
  tr->footer(
      "Example (docs/SPECTRA.md, \"Instrument transfer\"):\n"
      "  alamod spectra transfer --model nirsoil.json --master transfer_lab.csv --slave transfer_field.csv --match id \\\n"
      "      --window 5 --out nirsoil_field.json\n"
      "  alamod spectra predict field_spectra.csv --model nirsoil_field.json --out pred.csv\n"
      "Each master band j is regressed on the second instrument's bands j-h..j+h of the transfer samples (Wang, Veltkamp\n"
      "& Kowalski 1991); predict applies it to the raw spectra before the model's preprocessing. The test\n"
      "spectra_transfer uses 31 transfer samples spread over the calibration rows. Exit status: 0 done; 1 bad input\n"
      "(file, line and column named; nothing written); 2 bad command line.");
}

void add_vegetation_command(CLI::App& app, VegetationCommand& v) {
  v.command = app.add_subcommand(
      "vegetation",
      "vegetation models at a site: 3-PG forest growth (3pg) and satellite-driven light-use efficiency (lue)");
  v.command->require_subcommand(1, 1);
  v.run = v.command->add_subcommand(
      "run",
      "run a vegetation model at a site and write its monthly output (CSV). Examples:\n"
      "  alamod vegetation run --model 3pg --site tests/data/threepg/input_d_site.csv \\\n"
      "    --species tests/data/threepg/input_d_species.csv --climate tests/data/threepg/input_d_climate.csv \\\n"
      "    --thinning tests/data/threepg/input_d_thinning.csv --out stand.csv\n"
      "  alamod vegetation run --model lue --forcing site_monthly.csv --biome Grass --out grass.csv\n"
      "3-PG pools and fluxes are in t dry matter ha-1 (per month); the c_* columns are carbon (0.5 x dry "
      "matter), the litter record the soil models take. LUE fluxes are g C m-2 month-1. Tables and units: "
      "models/threepg/README.md, models/lue/README.md, docs/VEGETATION.md");
  v.run->add_option("--model", v.options.model, "3pg or lue (alamod models lists them)")->required();
  v.run->add_option("--out", v.options.out, "output CSV, written atomically")->required();
  v.run->add_option("--site", v.options.site,
                    "3pg: site table (latitude, altitude, soil_class, asw_i, asw_min, asw_max in mm, from, to as "
                    "YYYY-MM)");
  v.run->add_option("--species", v.options.species,
                    "3pg: cohorts (species, planted YYYY-MM, fertility 0-1, stems_n ha-1, biom_stem, biom_root, "
                    "biom_foliage in t DM ha-1); species names a published set (alamod vegetation species) unless "
                    "--parameters has a column for it");
  v.run->add_option("--climate", v.options.climate,
                    "3pg: monthly climate (year, month, tmp_min, tmp_max [, tmp_ave] degC, prcp mm, srad MJ m-2 d-1, "
                    "frost_days [, co2 ppm, vpd_day hPa])");
  v.run->add_option("--thinning", v.options.thinning,
                    "3pg: thinning and harvest events (species, age yr, stems_n left ha-1, stem, root, foliage "
                    "ratios to the mean tree)");
  v.run->add_option("--parameters", v.options.parameters,
                    "3pg: parameter table (parameter, then one column per species; NA: the published set's value)");
  v.run->add_flag("--r3pg-light", v.options.r3pg_light,
                  "3pg: reproduce r3PG 0.1.x's light in multi-species 3-PGpjs stands (the second species reads the "
                  "next month's radiation); for regression against r3PG only");
  v.run->add_option("--soil-forcing", v.options.soil_forcing,
                    "also write the litter as an alamod site forcing (data/sites/FORMAT.md: c_input, RothC's "
                    "dpm_rpm_ratio, Yasso's AWEN, CENTURY's lignin and N, tas, pr, pet) for `alamod site --model "
                    "NAME --forcing FILE`: 3pg a stand's litter record, lue (Grass, Crop) 40 % of NPP above and 60 % "
                    "below ground less the --offtake");
  v.run->add_option("--site-id", v.options.site_id, "site_id of the soil forcing")->capture_default_str();
  v.run->add_option("--clay", v.options.clay, "clay (percent) written into the soil forcing");
  v.run->add_option("--depth", v.options.depth, "soil layer depth (cm) written into the soil forcing");
  v.run->add_option("--soc-initial", v.options.soc_initial, "initial SOC (t ha-1) written into the soil forcing");
  v.run->add_option("--height-model", v.options.height_model, "3pg: 1 power law (r3PG default), 2 non-linear")
      ->capture_default_str();
  v.run->add_option("--forcing", v.options.forcing,
                    "lue: monthly forcing (year, month, tmin and tmean degC, vpd Pa (daytime), sw W m-2 (daily "
                    "mean), pr mm month-1, and fapar (0-1) or ndvi)");
  v.run->add_option("--method", v.options.method, "lue: mod17 or casa")->capture_default_str();
  v.run->add_option("--biome", v.options.biome, "lue: MOD17 class (ENF EBF DNF DBF MF CShrub OShrub WSav Sav Grass Crop)")
      ->capture_default_str();
  v.run->add_option("--npp-ratio", v.options.npp_ratio,
                    "lue: NPP = ratio x GPP instead of MOD17's maintenance and growth respiration");
  v.run->add_option("--bucket", v.options.bucket_mm, "lue: plant-available water capacity of the soil bucket (mm)")
      ->capture_default_str();
  v.run->add_option("--offtake", v.options.offtake,
                    "lue with --soil-forcing: share of the above-ground NPP harvested or grazed (1)")
      ->capture_default_str();
  v.run->add_flag("--no-water-stress", v.options.no_water_stress,
                  "lue: hold the soil-water scalar at 1 (the negative control of the drought checks)");
  v.satellite = v.command->add_subcommand(
      "satellite",
      "a monthly fAPAR or NDVI series at a site from satellite composites (MODIS HDF4-EOS, Copernicus NetCDF, "
      "GeoTIFF), gaps filled by the rule of docs/VEGETATION.md; the CSV is the fapar/ndvi column of a LUE "
      "forcing. Example:\n  alamod vegetation satellite --quantity ndvi --scale 0.0001 --nodata 32767 \\\n"
      "    --lon 9.4 --lat 45.9 --year 2016 --out ndvi.csv /vsizip/MOD13A1_NDVI_2016_series.zip/NDVI/*.tif");
  v.satellite->add_option("files", v.sat.files, "one composite per file; the date from its name")->required();
  v.satellite->add_option("--quantity", v.sat.quantity, "fapar (checked in [0, 1]) or ndvi ([-1, 1])")
      ->capture_default_str();
  v.satellite->add_option("--variable", v.sat.variable,
                          "HDF4-EOS sub-dataset (e.g. Fpar_500m, \"500m 16 days NDVI\") or NetCDF variable (NDVI)");
  v.satellite->add_option("--band", v.sat.band, "GeoTIFF band")->capture_default_str();
  v.satellite->add_option("--scale", v.sat.scale, "physical = raw x scale + offset (default: the file's)");
  v.satellite->add_option("--offset", v.sat.offset, "see --scale (default: the file's)");
  v.satellite->add_option("--nodata", v.sat.nodata, "raw value meaning no data (default: the file's)");
  v.satellite->add_option("--qc-variable", v.sat.qc_variable, "QC sub-dataset or variable of the same file");
  v.satellite->add_option("--qc-mask", v.sat.qc_mask, "QC bits looked at")->capture_default_str();
  v.satellite->add_option("--qc-good", v.sat.qc_good, "value the masked bits must have")->capture_default_str();
  v.satellite->add_option("--composite-days", v.sat.composite_days, "composite length (d): 16 MOD13, 8 MOD15, 10 "
                          "Copernicus")->capture_default_str();
  v.satellite->add_option("--lon", v.sat.lon, "site longitude (degrees east)");
  v.satellite->add_option("--lat", v.sat.lat, "site latitude (degrees north)");
  v.satellite->add_option("--grid", v.sat.grid,
                          "instead of a site: the months on a grid, \"CRS XMIN YMIN XMAX YMAX RESOLUTION\" (m), "
                          "written as a GeoTIFF with one band per month (average of the valid pixels per cell)");
  v.satellite->add_option("--cell", v.sat.cell, "site cell size (m), averaged over")->capture_default_str();
  v.satellite->add_option("--year", v.sat.year, "first year")->required();
  v.satellite->add_option("--month", v.sat.month, "first month")->capture_default_str();
  v.satellite->add_option("--months", v.sat.months, "number of months")->capture_default_str();
  v.satellite->add_option("--max-gap", v.sat.max_gap, "longest gap (d) filled by interpolation")->capture_default_str();
  v.satellite->add_option("--out", v.sat.out, "output: CSV (year, month, fapar|ndvi) at a site, GeoTIFF on a grid")
      ->required();
  v.species = v.command->add_subcommand("species", "list the published parameter sets a vegetation model selects by name");
  v.species->add_option("--model", v.species_model, "3pg or lue")->capture_default_str();
}

void add_models_command(CLI::App& app, ModelsCommand& models) {
  models.command = app.add_subcommand("models", "list the models, or show one: alamod models show rothc");
  models.show = models.command->add_subcommand("show", "print a model's pools, inputs, parameters and references");
  models.show->add_option("name", models.name, "model name")->required();
}

void add_scenario_command(CLI::App& app, ScenarioCommand& sc) {
  sc.command = app.add_subcommand("scenario", "scenarios of a run configuration: alamod scenario explain CONFIG");
  sc.command->require_subcommand(1);
  sc.explain = sc.command->add_subcommand(
      "explain", "print the scenarios of CONFIG as a run resolves them, without running the model: each scenario "
                 "with what it extends flattened, each intervention's effect per hectare, where and when, its "
                 "eligible area per région and class (ha) and its adoption per year");
  sc.explain->add_option("config", sc.config_path, "run configuration (TOML) with [scenarios] and [scenario.*]")
      ->required();
  sc.explain->add_option("--set", sc.sets, "override a configuration key, as for alamod run (key=value)");
  sc.explain->footer(
      "A scenario is a [scenario.NAME] table; [scenarios] branch_year is the first year a scenario may differ\n"
      "from the baseline. alamod run computes the spin-up and the years before the branch once (DIR/historical.nc)\n"
      "and each scenario from that state (DIR/NAME.nc). An intervention, [[scenario.NAME.intervention]]:\n"
      "  practice = \"cover_crops\" (or input_factor = 1.1, or input_add_tC_ha_yr = 0.5 with added_kind)\n"
      "  classes = [\"cropland\"]   regions = [44]   adoption = 0.6   start_year = 2025   ramp_years = 5\n"
      "Every key: docs/SCENARIOS.md and alamod run --config-help.\n"
      "Examples:\n"
      "  alamod scenario explain configs/france_scenarios.toml\n"
      "  alamod scenario explain tests/data/scenarios/scenarios.toml --set scenarios.branch_year=2021\n"
      "Exit status: 0 printed; 1 bad input (the message names the file, scenario and key); 2 bad command line.");
}

void add_climate_command(CLI::App& app, ClimateCommand& climate) {
  climate.command = app.add_subcommand(
      "climate", "climate for grid runs: alamod climate prepare (products as they come), alamod climate delta (scenarios)");
  climate.command->require_subcommand(1);
  climate.prepare = climate.command->add_subcommand(
      "prepare", "make daily or monthly climate-product files (CMIP/CORDEX/DRIAS, E-OBS, ERA5-Land, any CF) into "
                 "the monthly file a grid run reads (inputs.climate)");
  CLI::App* cmd = climate.prepare;
  ClimatePrepareOptions& o = climate.options;
  cmd->add_option("--product", o.product,
                  "names and units as the product gives them: cf (tas, pr, pet), cmip (tas K, pr kg m-2 s-1, "
                  "evspsblpot), cmip-adjusted (tasAdjust, prAdjust: DRIAS, Explore2), eobs (tg degC, rr mm per "
                  "day), era5land (t2m K, tp m per day)")
      ->default_str("cf");
  cmd->add_option("--tas", o.tas, "files of the near-surface air temperature (any order; one period per file)")
      ->required();
  cmd->add_option("--pr", o.pr, "files of the precipitation")->required();
  cmd->add_option("--pet", o.pet, "files of the potential evapotranspiration (otherwise computed: --pet-method)");
  cmd->add_option("--tasmin", o.tasmin, "files of the daily minimum temperature (for --pet-method hargreaves)");
  cmd->add_option("--tasmax", o.tasmax, "files of the daily maximum temperature (for --pet-method hargreaves)");
  cmd->add_option("--pet-method", o.pet_method,
                  "oudin (Oudin et al. 2005, from tas and latitude; the default without --pet) or hargreaves "
                  "(Hargreaves-Samani 1985, FAO-56 eq. 52; needs daily --tasmin and --tasmax)")
      ->check(CLI::IsMember({"oudin", "hargreaves"}));
  cmd->add_option("--tas-variable", o.tas_variable, "the temperature's variable name (default: the product's)");
  cmd->add_option("--pr-variable", o.pr_variable, "the precipitation's variable name");
  cmd->add_option("--pet-variable", o.pet_variable, "the PET's variable name");
  cmd->add_option("--tasmin-variable", o.tasmin_variable, "the daily minimum temperature's variable name");
  cmd->add_option("--tasmax-variable", o.tasmax_variable, "the daily maximum temperature's variable name");
  cmd->add_option("--pr-units", o.pr_units,
                  "units of the precipitation when the files' are wrong or ambiguous, e.g. \"m d-1\" (the era5land "
                  "and eobs presets set them)");
  cmd->add_option("--pet-units", o.pet_units, "units of the PET when the files' are wrong or ambiguous");
  cmd->add_option("--years", climate.years, "FROM-TO, e.g. 2006-2100 (default: every complete year all files share)");
  cmd->add_option("--out", o.out, "the monthly NetCDF file to write")->required();
  cmd->add_flag("--overwrite", o.overwrite, "replace --out if it exists");
  cmd->add_flag("--quiet", o.quiet, "no summary line");
  cmd->footer(
      "The file written has tas (degC, monthly mean), pr and pet (mm month-1, monthly sums) on the product's own\n"
      "grid and calendar (a grid run maps its cells onto it through the CRS); give it as inputs.climate.\n"
      "Examples:\n"
      "  alamod climate prepare --product cmip-adjusted --tas tasAdjust_*.nc --pr prAdjust_*.nc --out drias.nc\n"
      "  alamod climate prepare --product eobs --tas tg_ens_mean_0.1deg.nc --pr rr_ens_mean_0.1deg.nc \\\n"
      "      --years 1991-2020 --out eobs_monthly.nc\n"
      "  alamod climate prepare --product era5land --tas t2m_daily.nc --pr tp_daily.nc --out era5land.nc\n"
      "Exit status: 0 written; 1 bad input (the message names the file, variable and date); 2 bad command line.");

  climate.delta = climate.command->add_subcommand(
      "delta", "a climate-change scenario by the delta method: reference years of a monthly climate repeated, "
               "plus a warming trajectory (TRACC, SSP2-4.5, SSP5-8.5 or yours)");
  CLI::App* d = climate.delta;
  ClimateDeltaOptions& od = climate.delta_options;
  d->add_option("--baseline", od.baseline, "monthly climate file (tas, pr, pet), e.g. the France default's forcing")
      ->required();
  d->add_option("--reference", climate.reference, "FROM-TO: the reference years, repeated in order (default: the "
                                                  "first 20 complete years of the baseline)");
  d->add_option("--years", climate.years, "FROM-TO: the years to write, e.g. 2020-2100")->required();
  d->add_option("--preset", od.preset,
                "the warming: none (the reference repeated), tracc (France's TRACC: +0.3, +1.0, +2.3 degC in 2030, "
                "2050, 2100 above 2023), ssp245 (+2.14 degC in 2100 above 2020), ssp585 (+5.04 degC)")
      ->default_str("none");
  d->add_option("--warming", climate.warming,
                "your own trajectory instead of --preset: YEAR=DEGC anchors above the reference climate, linear "
                "between, e.g. 2020=0,2050=1.5,2100=3");
  d->add_option("--tas-variable", od.tas_variable, "the baseline's temperature variable")->default_str("tas");
  d->add_option("--pr-variable", od.pr_variable, "the baseline's precipitation variable")->default_str("pr");
  d->add_option("--pet-variable", od.pet_variable, "the baseline's PET variable")->default_str("pet");
  d->add_option("--out", od.out, "the monthly NetCDF file to write")->required();
  d->add_flag("--overwrite", od.overwrite, "replace --out if it exists");
  d->add_flag("--quiet", od.quiet, "no summary line");
  d->footer(
      "Temperature: + dT(year) x (DJF 0.85, JJA 1.30, spring and autumn 0.925); precipitation: x (1 + k dT), k =\n"
      "+0.15/4 per degC in DJF and -0.20/4 in JJA; PET: + the change of Oudin's PET with the warmed temperature.\n"
      "Examples:\n"
      "  alamod climate delta --baseline data/france/forcing/climate_8km_monthly_1990_2100.nc --reference 1999-2018 \\\n"
      "      --years 2020-2100 --preset tracc --out tracc_8km.nc\n"
      "  alamod climate delta --baseline eobs_1991_2020.nc --years 2021-2050 --warming 2021=0,2050=1.5 --out w15.nc\n"
      "Exit status: 0 written; 1 bad input; 2 bad command line.");
}

// ---------------------------------------------------------------------------------------------------
// What is answered before MPI starts
// ---------------------------------------------------------------------------------------------------

/// The words that no alamod option took: PETSc's options (-log_view, -tao_*), each with its value.
std::vector<std::string> leftover_words(const Commands& c) {
  std::vector<std::string> words = c.app.remaining();
  for (const CLI::App* sub : {c.run.command, c.summarize.command, c.rothc.command, c.amg.command, c.site.command, c.evaluate.command,
                              c.calibrate.command, c.catalogue.command, c.catalogue.build, c.spectra.command,
                              c.spectra.fit, c.spectra.predict, c.spectra.transfer, c.models.command, c.climate.command, c.sites.command,
                              c.sites.validate, c.sites.complete,
                              c.vegetation.command, c.vegetation.run, c.vegetation.species, c.vegetation.satellite}) {
    const auto extra = sub->remaining();
    words.insert(words.end(), extra.begin(), extra.end());
  }
  return words;
}

/// Whether `words` are only PETSc options (-name [value]); says why not on rank 0.
bool are_petsc_options(const std::vector<std::string>& words, int rank) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& a = words[i];
    if (a.rfind("--", 0) == 0) {
      if (rank == 0) std::fprintf(stderr, "alamod: error: unknown option '%s' (see alamod --help)\n", a.c_str());
      return false;
    }
    // a word that is not an option is only the value of the PETSc option before it (-log_view :file)
    if (a.empty() || a[0] != '-') {
      if (i == 0 || words[i - 1].empty() || words[i - 1][0] != '-') {
        if (rank == 0)
          std::fprintf(stderr,
                       "alamod: error: unexpected argument '%s' (one configuration file per run; see alamod --help)\n",
                       a.c_str());
        return false;
      }
    }
  }
  return true;
}

void print_models() {
  std::printf("%-11s %-6s %s\n", "model", "step", "description");
  for (const auto& binding : registered_models()) {
    const auto& m = binding.info;
    const std::string step = m.time_step.substr(0, m.time_step.find(' '));
    std::printf("%-11s %-6s %s\n", m.name.c_str(), step.c_str(), m.title.c_str());
  }
  // indented: the soil models' table above is the one the scripts read (the first word of unindented lines)
  std::printf("\n  vegetation models (alamod vegetation run --model NAME; they make the soil models' inputs):\n");
  for (const auto& binding : vegetation_models()) {
    const auto& m = binding.info;
    std::printf("    %-9s %-6s %s\n", m.name.c_str(), m.time_step.substr(0, m.time_step.find(' ')).c_str(),
                m.title.c_str());
  }
  std::printf("\n`alamod models show NAME` prints a model's pools, inputs and parameters.\n");
}

void print_model(const models::ModelInfo& m, bool vegetation = false) {
  std::printf("%s: %s\ntime step: %s\npools:", m.name.c_str(), m.title.c_str(), m.time_step.c_str());
  for (const auto& p : m.pools) std::printf(" %s", p.c_str());
  std::printf(" (t ha-1)\ninputs:\n");
  for (const auto& i : m.inputs) std::printf("  %s\n", i.c_str());
  if (vegetation)
    std::printf("parameters (rows of a vegetation parameter table; the defaults are replaced by a named set):\n");
  else
    std::printf("parameters ([%s.parameters] in a run configuration):\n", m.name.c_str());
  std::printf("  %-16s %12s  %-13s %-22s %s\n", "name", "default", "unit", "bounds", "description [source]");
  for (const auto& p : m.parameters) {
    const std::string bounds = "[" + format_number("%g", p.lower) + ", " + format_number("%g", p.upper) + "]";
    std::printf("  %-16s %12g  %-13s %-22s %s [%s]\n", p.name.c_str(), p.default_value, p.unit.c_str(),
                bounds.c_str(), p.description.c_str(), p.source.c_str());
  }
  std::printf("valid range (climate outside is refused, naming the cell or line):\n");
  for (const auto& r : m.valid_range) {
    const std::string bounds = std::string(r.lower_open ? "(" : "[") + format_number("%g", r.lower) + ", " +
                               format_number("%g", r.upper) + "]";
    std::printf("  %-4s %-7s %-13s %-9s %s [%s]\n", std::string(r.variable).c_str(),
                std::string(models::period_name(r.period)).c_str(), bounds.c_str(), std::string(r.unit).c_str(),
                std::string(r.description).c_str(), std::string(r.source).c_str());
  }
  std::printf("reference: %s\n", m.reference.c_str());
}

/// `alamod models [show NAME]`: every rank gives the same exit code, rank 0 prints.
int run_models_command(const ModelsCommand& models, int rank) {
  try {
    const VegetationBinding* vegetation = nullptr;
    if (*models.show)
      for (const auto& v : vegetation_models())
        if (v.info.name == models.name) vegetation = &v;
    const models::ModelInfo* shown =
        *models.show ? (vegetation ? &vegetation->info : &find_model(models.name).info) : nullptr;
    if (rank != 0) return 0;
    if (shown) print_model(*shown, vegetation != nullptr);
    else print_models();
    if (vegetation) std::printf("%s", vegetation->parameter_sets().c_str());
  } catch (const std::invalid_argument& e) {
    if (rank == 0) std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

#ifndef ALAMOD_LIGHT_EXECUTABLE
/// `alamod vegetation`: serial, on rank 0 (the other ranks return 0).
int run_vegetation_command(const VegetationCommand& v, int rank) {
  if (rank != 0) return 0;
  try {
    if (*v.satellite) {
      vegetation::run_satellite_command(v.sat);
      return 0;
    }
    if (*v.species) {
      const auto& m = find_vegetation_model(v.species_model);
      std::printf("%s", m.parameter_sets().c_str());
      return 0;
    }
    find_vegetation_model(v.options.model).run(v.options);
  } catch (const InputError& e) {
    std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  } catch (const std::runtime_error& e) {  // an output that cannot be written
    std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

#endif  // ALAMOD_LIGHT_EXECUTABLE

/// The exit code of what is answered without MPI; nothing when the chosen command computes.
std::optional<int> answer_without_mpi(const Commands& c, int rank) {
  if (c.show_version) {
#ifdef ALAMOD_LIGHT_EXECUTABLE
    if (rank == 0) std::printf("%s", kEngineVersionText);
#else
    if (rank == 0) std::printf("%s", version_text().c_str());
#endif
    return 0;
  }
  if (*c.run.command && c.run.config_help) {
#ifdef ALAMOD_LIGHT_EXECUTABLE
    return engine_answers();
#else
    if (rank == 0) std::printf("%s", config_reference().c_str());
    return 0;
#endif
  }
  if (*c.run.command && (c.run.config_path.empty() || c.run.out_dir.empty())) {
    if (rank == 0)
      std::fprintf(stderr, "alamod run: error: a configuration file and --out DIR are both required\n"
                           "  e.g. mpiexec -n 2 alamod run configs/france_default.toml --out results/france\n");
    return 2;
  }
  if (*c.models.command) return run_models_command(c.models, rank);
  if (*c.catalogue.command && !*c.catalogue.build) {
    if (rank == 0) std::printf("%s", c.catalogue.command->help().c_str());
    return 0;
  }
  if (*c.spectra.command && !*c.spectra.fit && !*c.spectra.predict && !*c.spectra.transfer) {
    if (rank == 0) std::printf("%s", c.spectra.command->help().c_str());
    return 0;
  }
#ifdef ALAMOD_LIGHT_EXECUTABLE
  if (*c.sites.command || *c.vegetation.command) return engine_answers();
#else
  if (*c.sites.command) {
    // no MPI: a launcher's other ranks return at once with status 0 (rank 0 alone reads and writes)
    if (rank != 0) return 0;
    try {
      if (*c.sites.validate) return run_sites_validate(c.sites.dirs, c.sites.quiet);
      return run_sites_complete(c.sites.options);
    } catch (const InputError& e) {
      std::fprintf(stderr, "alamod: error: %s\n", e.what());
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "alamod: internal error: %s\n", e.what());
      return 3;
    }
  }
  if (*c.vegetation.command) return run_vegetation_command(c.vegetation, rank);
#endif
  if (!c.computes()) {
    if (rank == 0) std::printf("%s", c.app.help().c_str());
    return 0;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------
// The commands that compute, under MPI
// ---------------------------------------------------------------------------------------------------

#ifndef ALAMOD_LIGHT_EXECUTABLE
/// The options that shape the results and what continues a stopped run: "alamod run CONFIG [--set
/// ...] [--parameters FILE] [--checkpoint-every N] --out DIR", each argument one word for a POSIX shell
/// whatever it holds (spaces, quotes).
std::string shaping_command(const RunCommand& run) {
  std::string command = "alamod run " + shell_word(run.config_path);
  for (const auto& kv : run.sets) command += " --set " + single_quoted(kv);
  if (!run.parameters.empty()) command += " --parameters " + shell_word(run.parameters);
  if (run.checkpoint_every >= 0) command += " --checkpoint-every " + std::to_string(run.checkpoint_every);
  if (run.ensemble.members > 0)
    command += " --ensemble " + std::to_string(run.ensemble.members) + " --ensemble-seed " +
               std::to_string(run.ensemble.seed) + " --ensemble-from " + run.ensemble.source +
               (run.ensemble.groups != 1 ? " --ensemble-groups " + std::to_string(run.ensemble.groups) : std::string());
  return command + " --out " + shell_word(run.out_dir);
}

int run_grid_command(RunCommand& run, int rank) {
  RunConfig cfg = load_config(run.config_path, run.sets);
  // (an ensemble draws its members around the file's values; a comparison applies it to the model it names)
  if (!run.parameters.empty() && cfg.models.empty() && run.ensemble.members == 0)
    apply_parameter_file(cfg, run.parameters);
  const bool restarts = run.restart_option->count() > 0;
  if (restarts && run.restart.empty()) run.restart = "latest";
  const std::string shaping = shaping_command(run);
  const std::string resume = shaping + " --restart";  // printed when a signal stops the run
  std::string command = shaping;                       // the output's history: every option
  if (run.overwrite) command += " --overwrite";
  if (restarts) command += " --restart" + (run.restart == "latest" ? std::string() : " " + shell_word(run.restart));
  try {
    const GridRunOptions options{run.out_dir, run.overwrite, run.quiet, run.checkpoint_every, run.restart, resume,
                                 command};
    if (run.ensemble.members > 0) {
      run.ensemble.fit = run.parameters;
      run_ensemble(MPI_COMM_WORLD, cfg, options, run.ensemble);
    } else if (!cfg.models.empty()) {
      run_model_comparison(MPI_COMM_WORLD, cfg, options, run.parameters);
    } else {
      GridRun grid_run(MPI_COMM_WORLD, std::move(cfg), options);
      grid_run.run();
    }
  } catch (const StoppedForRestart& e) {
    if (rank == 0) std::fprintf(stderr, "alamod: %s\n", e.what());
    return kExitStoppedForRestart;
  }
  return 0;
}

/// FROM-TO of --years and --reference.
void parse_year_range(const std::string& option, const std::string& text, int& first, int& last) {
  char dash = 0;
  if (std::sscanf(text.c_str(), "%d%c%d", &first, &dash, &last) != 3 || dash != '-' || last < first)
    throw InputError(option + " '" + text + "': expected FROM-TO, e.g. 2006-2100");
}

int run_climate_command(ClimateCommand& climate, int rank) {
  if (*climate.delta) {
    ClimateDeltaOptions o = climate.delta_options;
    parse_year_range("--years", climate.years, o.first_year, o.last_year);
    if (!climate.reference.empty()) parse_year_range("--reference", climate.reference, o.reference_first, o.reference_last);
    if (!climate.warming.empty()) {
      o.preset = "custom";
      std::stringstream ss(climate.warming);
      std::string item;
      while (std::getline(ss, item, ',')) {
        int year = 0;
        double degc = 0;
        char eq = 0, rest = 0;
        if (std::sscanf(item.c_str(), "%d%c%lf%c", &year, &eq, &degc, &rest) != 3 || eq != '=')
          throw InputError("--warming '" + item + "': expected YEAR=DEGC, e.g. 2050=1.5");
        o.warming.emplace_back(year, degc);
      }
    }
    if (rank == 0) write_climate_delta(o);
    return 0;
  }
  ClimatePrepareOptions o = climate.options;
  if (!climate.years.empty()) parse_year_range("--years", climate.years, o.first_year, o.last_year);
  if (rank == 0) prepare_climate(o);  // a serial command: one file, written once
  return 0;
}

int run_summarize_command(const SummarizeCommand& summarize) {
  run_summarize(MPI_COMM_WORLD, summarize.options);
  return 0;
}

#endif  // ALAMOD_LIGHT_EXECUTABLE

/// A serial command on rank 0 only (the other ranks return 0): exit 1 with one line when it throws `Error`.
template <class Error, class Step>
int on_rank0_reporting(int rank, Step step) {
  if (rank != 0) return 0;
  try {
    step();
  } catch (const Error& e) {
    std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

/// `alamod rothc` and `alamod amg` run on rank 0 only; the other ranks return 0.
int run_official_rothc_command(const OfficialRothcCommand& rothc, int rank) {
  return on_rank0_reporting<std::runtime_error>(rank, [&] { run_rothc_official({rothc.input, rothc.out}); });
}

int run_official_amg_command(const OfficialAmgCommand& amg, int rank) {
  return on_rank0_reporting<std::runtime_error>(
      rank, [&] { run_amg_official({amg.inputs, amg.out, amg.rounding == "official"}); });
}

#ifndef ALAMOD_LIGHT_EXECUTABLE
/// `alamod catalogue build` runs on rank 0 only; a write that failed leaves nothing under --out.
int run_catalogue_command(const CatalogueCommand& catalogue, int rank) {
  return on_rank0_reporting<AtomicFileError>(rank, [&] { build_catalogue(catalogue.options); });
}

#endif  // ALAMOD_LIGHT_EXECUTABLE

int run_site_command(const SiteCommand& site, int rank) {
  if (rank != 0) return 0;
  if (site.needs_engine()) {
#ifdef ALAMOD_LIGHT_EXECUTABLE
    return engine_answers();  // light_main.cpp hands it over before run(); kept for safety
#else
    if (!site.write_netcdf.empty()) {
      const std::size_t n = write_site_collection(site.forcing_list, site.write_netcdf, site.options.overwrite);
      std::printf("site: %zu sites of %s written to %s\n", n, site.forcing_list.c_str(), site.write_netcdf.c_str());
    } else {
      const std::size_t n = run_site_netcdf(site.options, site.forcing_netcdf, site.options.out);
      std::printf("site: %zu sites of %s run with %s into %s\n", n, site.forcing_netcdf.c_str(),
                  site.options.model.c_str(), site.options.out.c_str());
    }
    return 0;
#endif
  }
  if (site.forcing_list.empty()) {
    if (site.options.forcing.empty()) throw InputError("site: give --forcing FILE or --forcing-list LIST.csv");
    run_site(site.options);
  } else {
    const std::size_t n = run_site_list(site.options, site.forcing_list, site.options.out);
    std::printf("site: %zu sites of %s run with %s into %s\n", n, site.forcing_list.c_str(), site.options.model.c_str(),
                site.options.out.c_str());
  }
  return 0;
}

#ifndef ALAMOD_LIGHT_EXECUTABLE
/// The non-empty items of a comma-separated list.
std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');)
    if (!item.empty()) items.push_back(item);
  return items;
}

int run_evaluate_command(EvaluateCommand& evaluate) {
  evaluate.options.models = split_list(evaluate.models);
  return run_evaluate(MPI_COMM_WORLD, evaluate.options);
}

int run_calibrate_command(CalibrateCommand& calibrate) {
  calibrate.options.parameters = split_list(calibrate.parameters);
  run_calibrate(MPI_COMM_WORLD, calibrate.options);
  return 0;
}

#endif  // ALAMOD_LIGHT_EXECUTABLE

/// Bad input: the same exit code on every rank, rank 0 says why.
int report_bad_input(const std::exception& e, int rank) {
  if (rank == 0) std::fprintf(stderr, "alamod: error: %s\n", e.what());
  return 1;
}

}  // namespace

CommandLine::CommandLine() : commands_(std::make_unique<Commands>()) {
  Commands& c = *commands_;
  c.app.allow_extras();
  c.app.require_subcommand(0, 1);
  c.app.add_flag("--version", c.show_version, "print the version, git commit and library versions, then exit");
  add_run_command(c.app, c.run);
  add_summarize_command(c.app, c.summarize);
  add_official_rothc_command(c.app, c.rothc);
  add_official_amg_command(c.app, c.amg);
  add_site_command(c.app, c.site);
  add_evaluate_command(c.app, c.evaluate);
  add_calibrate_command(c.app, c.calibrate);
  add_catalogue_command(c.app, c.catalogue);
  add_spectra_command(c.app, c.spectra);
  add_models_command(c.app, c.models);
  add_climate_command(c.app, c.climate);
  add_scenario_command(c.app, c.scenario);
  add_sites_command(c.app, c.sites);
  add_vegetation_command(c.app, c.vegetation);
}

CommandLine::~CommandLine() = default;

std::optional<int> CommandLine::parse(int argc, char** argv) {
  Commands& c = *commands_;
  const int rank = launcher_rank();
  try {
    c.app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help ends here with 0; every other parse error is a bad command line: 2, as documented, said in one
    // line like every other error, naming the subcommand whose --help teaches it
    if (e.get_exit_code() == 0) return rank == 0 ? c.app.exit(e) : 0;
    if (rank == 0) {
      std::string where = "alamod";
      for (const CLI::App* a = &c.app; !a->get_subcommands().empty();) {
        a = a->get_subcommands().front();
        where += " " + a->get_name();
      }
      std::fprintf(stderr, "alamod: error: %s (see %s --help)\n", e.what(), where.c_str());
    }
    return 2;
  }
  c.petsc_options = leftover_words(c);
  if (!are_petsc_options(c.petsc_options, rank)) return 2;
  return answer_without_mpi(c, rank);
}

const std::vector<std::string>& CommandLine::petsc_options() const { return commands_->petsc_options; }

bool CommandLine::serial() const {
  const Commands& c = *commands_;
#ifdef ALAMOD_LIGHT_EXECUTABLE
  // a site command that reads or writes NetCDF runs serially too, but in alamod-engine (netCDF is the engine's)
  if (*c.site.command && c.site.needs_engine()) return false;
#endif
  return *c.rothc.command || *c.amg.command || *c.site.command;
}

/// This process's rank as the launcher (mpiexec, srun) numbered it, before MPI starts: commands
/// that only print (help, version, models) and the serial ones run without MPI, on rank 0 only.
int CommandLine::launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return 0;
}

int CommandLine::run(int rank) {
  Commands& c = *commands_;
  try {
    if (*c.rothc.command) return run_official_rothc_command(c.rothc, rank);
    if (*c.amg.command) return run_official_amg_command(c.amg, rank);
    if (*c.site.command) return run_site_command(c.site, rank);
#ifdef ALAMOD_LIGHT_EXECUTABLE
    return engine_answers();  // light_main.cpp hands the others over before run(); kept for safety
#else
    if (*c.run.command) return run_grid_command(c.run, rank);
    if (*c.summarize.command) return run_summarize_command(c.summarize);
    if (*c.evaluate.command) return run_evaluate_command(c.evaluate);
    if (*c.calibrate.command) return run_calibrate_command(c.calibrate);
    if (*c.climate.command) return run_climate_command(c.climate, rank);
    if (*c.scenario.command) {
      // every rank reads the configuration (the same message on each), rank 0 resolves and prints
      const RunConfig cfg = load_config(c.scenario.config_path, c.scenario.sets);
      if (rank == 0) std::fputs(scenario::explain_scenarios(cfg).c_str(), stdout);
      return 0;
    }
    if (*c.catalogue.build) return run_catalogue_command(c.catalogue, rank);
    if (*c.spectra.fit) {
      spectra::run_spectra_fit(MPI_COMM_WORLD, c.spectra.fit_options);
      return 0;
    }
    if (*c.spectra.predict) {
      if (rank == 0) spectra::run_spectra_predict(c.spectra.predict_options);
      return 0;
    }
    if (*c.spectra.transfer) {
      if (rank == 0) spectra::run_spectra_transfer(c.spectra.transfer_options);
      return 0;
    }
#endif
  } catch (const InputError& e) {
    return report_bad_input(e, rank);
  } catch (const std::invalid_argument& e) {
    return report_bad_input(e, rank);
  }
  return 0;
}

}  // namespace alamod::engine
