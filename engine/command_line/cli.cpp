// The command line: the only translation unit that includes CLI11.
#include "engine/command_line/cli.hpp"

#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "engine/official/amg_official.hpp"
#include "engine/configuration/config.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/common/provenance.hpp"
#include "engine/common/shell_quote.hpp"
#include "engine/official/rothc_official.hpp"
#include "engine/site/site_evaluate.hpp"
#include "engine/site/site_run.hpp"
#include "engine/command_line/session.hpp"
#include "grids/input_error.hpp"
#include "engine/model_bindings/model_binding.hpp"

namespace alamod::engine {

namespace {

void print_models() {
  std::printf("%-11s %-6s %s\n", "model", "step", "description");
  for (const auto& binding : registered_models()) {
    const auto& m = binding.info;
    const std::string step = m.time_step.substr(0, m.time_step.find(' '));
    std::printf("%-11s %-6s %s\n", m.name.c_str(), step.c_str(), m.title.c_str());
  }
  std::printf("\n`alamod models show NAME` prints a model's pools, inputs and parameters.\n");
}

void print_model(const models::ModelInfo& m) {
  std::printf("%s: %s\ntime step: %s\npools:", m.name.c_str(), m.title.c_str(), m.time_step.c_str());
  for (const auto& p : m.pools) std::printf(" %s", p.c_str());
  std::printf(" (t ha-1)\ninputs:\n");
  for (const auto& i : m.inputs) std::printf("  %s\n", i.c_str());
  std::printf("parameters ([%s.parameters] in a run configuration):\n", m.name.c_str());
  std::printf("  %-16s %12s  %-13s %-22s %s\n", "name", "default", "unit", "bounds", "description [source]");
  for (const auto& p : m.parameters) {
    char bounds[64];
    std::snprintf(bounds, sizeof bounds, "[%g, %g]", p.lower, p.upper);
    std::printf("  %-16s %12g  %-13s %-22s %s [%s]\n", p.name.c_str(), p.default_value, p.unit.c_str(), bounds,
                p.description.c_str(), p.source.c_str());
  }
  std::printf("reference: %s\n", m.reference.c_str());
}

/// This process's rank as the launcher (mpiexec, srun) numbered it, before MPI starts: commands
/// that only print (help, version, models) run without MPI and print on rank 0 only.
int launcher_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
    if (const char* v = std::getenv(name)) return std::atoi(v);
  return 0;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  // MPI and PETSc start only for the commands that compute: the ones that only print answer at
  // once (starting MPI alone takes ~0.5 s here, a singleton also starts a daemon)
  int rank = launcher_rank();
  // Exit codes: 0 done, 1 bad input, 2 bad command line, 3 internal error (communicator aborted),
  // 75 stopped by SIGTERM/SIGINT/SIGUSR1 after writing a checkpoint (continue with --restart).
  CLI::App app{
      "alamod simulates how carbon stocks in soils change, from one long-term field site to the whole of\n"
      "France, on a laptop or on many MPI ranks.\n\n"
      "Examples:\n"
      "  mpiexec -n 2 alamod run configs/france_default.toml --out results/france\n"
      "  alamod run configs/france_default.toml --out results/short --set run.end_year=2000\n"
      "  alamod rothc --official-input RothC_input.dat --out results/rothc\n"
      "  alamod amg --official-inputs tests/data/amg/shipped/inputs --out results/amg\n"
      "  alamod site --model rothc --forcing data/sites/broadbalk/forcing_nil.csv --out nil.csv\n"
      "  mpiexec -n 2 alamod evaluate --sites data/sites --models rothc,icbm --out results/evaluation\n"
      "  alamod calibrate --model rothc --sites data/sites --parameters k_hum,k_rpm --out fitted.toml\n"
      "  alamod models show rothc\n\n"
      "Options that start with a single dash (-log_view, -tao_*) are passed to PETSc.",
      "alamod"};
  app.allow_extras();
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "print the version, git commit and library versions, then exit");

  // run
  auto* run = app.add_subcommand("run", "run a model on a grid (France by default), in parallel under mpiexec");
  std::string config_path, out_dir;
  bool overwrite = false, quiet = false, config_help = false;
  std::vector<std::string> sets;
  run->add_option("config", config_path, "run configuration (TOML), e.g. configs/france_default.toml");
  run->add_option("--out", out_dir, "output folder; the yearly NetCDF file is written there");
  run->add_flag("--overwrite", overwrite, "replace an existing output file");
  run->add_option("--set", sets, "override a configuration key, TOML syntax: --set run.end_year=2000")
      ->take_all();
  run->add_flag("--quiet", quiet, "no progress lines");
  run->add_flag("--config-help", config_help, "describe every configuration key, then exit");
  int checkpoint_every = -1;
  std::string restart, run_parameters;
  run->add_option("--parameters", run_parameters,
                  "parameter file (TOML [parameters] table, e.g. from `alamod calibrate`) applied over the "
                  "configuration's model parameters");
  run->add_option("--checkpoint-every", checkpoint_every,
                  "write a restart checkpoint every N simulated years into --out (overrides checkpoint.every_years; "
                  "0: none)")
      ->check(CLI::Range(0, 1000000));
  auto* restart_opt = run->add_option("--restart", restart,
                                      "continue an interrupted run from the newest checkpoint in --out, or from FILE")
                          ->expected(0, 1);
  run->footer(
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

  // rothc (official file format)
  auto* roth = app.add_subcommand("rothc", "run RothC-26.3 on an input file of the official RothC program");
  std::string official_input, official_out;
  roth->add_option("--official-input", official_input, "official RothC input file (e.g. RothC_input.dat)")
      ->required();
  roth->add_option("--out", official_out, "folder for month_results.csv and year_results.csv")->required();

  // amg (official file format)
  auto* amg = app.add_subcommand("amg", "run AMG v2 on the input tables of the official INRAE AMG code");
  std::string amg_inputs, amg_out, amg_rounding = "official";
  amg->add_option("--official-inputs", amg_inputs,
                  "folder with inputs_SOIL.csv, inputs_METEO.csv, inputs_MANAGEMENT.csv and parameters_*.csv")
      ->required();
  amg->add_option("--out", amg_out, "folder for SOC_STOCKS.csv and C_SUPPLY.csv")->required();
  amg->add_option("--rounding", amg_rounding,
                  "official: round as the official code does (4 decimals); none: full precision")
      ->check(CLI::IsMember({"official", "none"}));

  // site
  auto* site = app.add_subcommand(
      "site", "run one model at one site from a site forcing file (data/sites/FORMAT.md); pools and fluxes per step");
  SiteRunOptions so;
  site->add_option("--model", so.model, "model name (`alamod models` lists them)")->required();
  site->add_option("--forcing", so.forcing, "site forcing CSV (data/sites/FORMAT.md)")->required();
  site->add_option("--parameters", so.parameters,
                   "TOML file with a [parameters] table (names and units as `alamod models show NAME`), e.g. "
                   "written by `alamod calibrate`; [fit] and [provenance] are ignored");
  site->add_option("--spinup", so.spinup,
                   "none: start from soc_initial (or empty pools); equilibrium: periodic equilibrium of the first "
                   "spinup_years years; cycle: official RothC rule, cycle until |annual change| < 1e-6 t ha-1")
      ->check(CLI::IsMember({"none", "equilibrium", "cycle"}))
      ->capture_default_str();
  site->add_option("--out", so.out, "output CSV (written under a temporary name, then renamed)")->required();
  site->add_flag("--overwrite", so.overwrite, "replace an existing output file");

  // evaluate
  auto* eval = app.add_subcommand(
      "evaluate", "run models on every site and treatment of a site collection; metrics.csv and report.html");
  EvaluateOptions eo;
  std::string eval_models = "rothc,icbm,yasso15,century";
  eval->add_option("--sites", eo.sites_dir, "folder of site datasets (e.g. data/sites)")->required();
  eval->add_option("--models", eval_models, "comma-separated model names")->capture_default_str();
  eval->add_option("--out", eo.out_dir, "output folder for metrics.csv and report.html")->required();
  eval->add_option("--only-sites", eo.only_sites, "comma-separated site ids (default: all)");
  eval->add_option("--spinup", eo.spinup, "spin-up of every run: equilibrium, cycle or none")
      ->check(CLI::IsMember({"none", "equilibrium", "cycle"}))
      ->capture_default_str();
  eval->add_option("--parameters", eo.parameters, "parameter file (from alamod calibrate) for a single model");

  // calibrate
  auto* cal = app.add_subcommand(
      "calibrate", "fit parameters of one model to the SOC observations of a site collection with PETSc TAO");
  CalibrateOptions co;
  std::string cal_params;
  cal->add_option("--model", co.model, "model name")->required();
  cal->add_option("--sites", co.sites_dir, "folder of site datasets (e.g. data/sites)")->required();
  cal->add_option("--parameters", cal_params, "comma-separated parameter names to fit (bounds from their declarations)")
      ->required();
  cal->add_option("--out", co.out, "parameter file to write (TOML: values, standard errors, fit, provenance)")
      ->required();
  cal->add_option("--only-sites", co.only_sites, "comma-separated site ids (default: all)");
  cal->add_option("--solver", co.solver, "brgn (Gauss-Newton, finite-difference Jacobian) or pounders")
      ->check(CLI::IsMember({"brgn", "pounders"}))
      ->capture_default_str();
  cal->add_option("--spinup", co.spinup, "spin-up of every run: equilibrium, cycle or none")
      ->check(CLI::IsMember({"none", "equilibrium", "cycle"}))
      ->capture_default_str();
  cal->add_flag("--cross-validate", co.cross_validate, "also leave-one-site-out: OUT.crossval.csv");

  // models
  auto* models_cmd = app.add_subcommand("models", "list the models, or show one: alamod models show rothc");
  auto* show = models_cmd->add_subcommand("show", "print a model's pools, inputs, parameters and references");
  std::string model_name;
  show->add_option("name", model_name, "model name")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with 0; every other parse error is a bad command line: 2, as documented
    const int code = rank == 0 ? app.exit(e) : e.get_exit_code();
    return code == 0 ? 0 : 2;
  }
  std::vector<std::string> petsc_args = app.remaining();
  for (auto* sub : {run, roth, amg, site, eval, cal, models_cmd}) {
    auto extra = sub->remaining();
    petsc_args.insert(petsc_args.end(), extra.begin(), extra.end());
  }
  for (std::size_t i = 0; i < petsc_args.size(); ++i) {
    const std::string& a = petsc_args[i];
    if (a.rfind("--", 0) == 0) {
      if (rank == 0) std::fprintf(stderr, "alamod: error: unknown option '%s' (see alamod --help)\n", a.c_str());
      return 2;
    }
    // a word that is not an option is only the value of the PETSc option before it (-log_view :file)
    if (a.empty() || a[0] != '-') {
      if (i == 0 || petsc_args[i - 1].empty() || petsc_args[i - 1][0] != '-') {
        if (rank == 0)
          std::fprintf(stderr, "alamod: error: unexpected argument '%s' (one configuration file per run; see alamod --help)\n",
                       a.c_str());
        return 2;
      }
    }
  }
  if (show_version) {
    if (rank == 0) std::printf("%s", version_text().c_str());
    return 0;
  }
  if (*run && config_help) {
    if (rank == 0) std::printf("%s", config_reference().c_str());
    return 0;
  }
  if (*run && (config_path.empty() || out_dir.empty())) {
    if (rank == 0)
      std::fprintf(stderr, "alamod run: error: a configuration file and --out DIR are both required\n"
                           "  e.g. mpiexec -n 2 alamod run configs/france_default.toml --out results/france\n");
    return 2;
  }
  if (*models_cmd || !(*run || *roth || *amg || *site || *eval || *cal)) {
    try {  // every rank gives the same exit code, rank 0 prints
      const models::ModelInfo* shown = *show ? &find_model(model_name).info : nullptr;
      if (rank != 0) return 0;
      if (!*models_cmd) std::printf("%s", app.help().c_str());
      else if (shown) print_model(*shown);
      else print_models();
    } catch (const std::invalid_argument& e) {
      if (rank == 0) std::fprintf(stderr, "alamod: error: %s\n", e.what());
      return 1;
    }
    return 0;
  }

  MpiSession mpi(argc, argv);  // first in, last out
  rank = mpi.rank();
  PetscSession petsc(petsc_args);
  try {
    if (*run) {
      RunConfig cfg = load_config(config_path, sets);
      if (!run_parameters.empty()) apply_parameter_file(cfg, run_parameters);
      if (restart_opt->count() > 0 && restart.empty()) restart = "latest";
      // the options that shape the results (the output's history) and what continues a stopped run, as
      // shell commands (each argument one word, whatever it holds)
      std::string command = "alamod run " + shell_word(config_path);
      for (const auto& kv : sets) command += " --set " + single_quoted(kv);
      if (!run_parameters.empty()) command += " --parameters " + shell_word(run_parameters);
      if (checkpoint_every >= 0) command += " --checkpoint-every " + std::to_string(checkpoint_every);
      command += " --out " + shell_word(out_dir);
      const std::string resume = command + " --restart";
      if (overwrite) command += " --overwrite";
      if (restart_opt->count() > 0) command += " --restart" + (restart == "latest" ? std::string() : " " + shell_word(restart));
      GridRun grid_run(MPI_COMM_WORLD, std::move(cfg),
                       GridRunOptions{out_dir, overwrite, quiet, checkpoint_every, restart, resume, command});
      try {
        grid_run.run();
      } catch (const StoppedForRestart& e) {
        if (rank == 0) std::fprintf(stderr, "alamod: %s\n", e.what());
        return kExitStoppedForRestart;
      }
    } else if (*roth) {
      if (rank == 0) {
        try {
          run_rothc_official({official_input, official_out});
        } catch (const std::runtime_error& e) {
          std::fprintf(stderr, "alamod: error: %s\n", e.what());
          return 1;
        }
      }
    } else if (*amg) {
      if (rank == 0) {
        try {
          run_amg_official({amg_inputs, amg_out, amg_rounding == "official"});
        } catch (const std::runtime_error& e) {
          std::fprintf(stderr, "alamod: error: %s\n", e.what());
          return 1;
        }
      }
    } else if (*site) {
      if (rank == 0) run_site(so);
    } else if (*eval) {
      std::stringstream ss(eval_models);
      for (std::string m; std::getline(ss, m, ',');)
        if (!m.empty()) eo.models.push_back(m);
      run_evaluate(MPI_COMM_WORLD, eo);
    } else if (*cal) {
      std::stringstream ss(cal_params);
      for (std::string p; std::getline(ss, p, ',');)
        if (!p.empty()) co.parameters.push_back(p);
      run_calibrate(MPI_COMM_WORLD, co);
    }
  } catch (const InputError& e) {
    if (rank == 0) std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  } catch (const std::invalid_argument& e) {
    if (rank == 0) std::fprintf(stderr, "alamod: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    // Only one rank may know: abort the communicator so no rank hangs.
    std::fprintf(stderr, "alamod: fatal error on rank %d: %s\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  return 0;
}

}  // namespace alamod::engine
