#include "engine/grid_run/model_comparison.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "engine/common/atomic_file.hpp"
#include "engine/common/collective.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/totals/model_comparison_report.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

namespace alamod::engine {

namespace {

namespace fs = std::filesystem;

}  // namespace

int output_state(const std::string& dir, const std::string& output_name) {
  const auto dot = output_name.rfind('.');
  const std::string stem = dot == std::string::npos || dot == 0 ? output_name : output_name.substr(0, dot);
  std::error_code ec;
  bool checkpoints = false;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(stem + ".checkpoint_", 0) == 0 && e.path().extension() == ".nc") checkpoints = true;
  }
  if (checkpoints) return 1;
  return fs::is_regular_file(dir + "/" + output_name, ec) ? 2 : 0;
}

void run_model_comparison(MPI_Comm comm, const RunConfig& cfg, const GridRunOptions& options,
                          const std::string& parameters_file) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string file_model;
  if (!parameters_file.empty()) {
    file_model = read_parameter_file(parameters_file).model;
    if (file_model.empty())
      throw InputError(parameters_file + ": several models are compared (model = [...]): the parameter file "
                       "must name its model (model = \"NAME\")");
    if (std::find(cfg.models.begin(), cfg.models.end(), file_model) == cfg.models.end())
      throw InputError(parameters_file + ": parameters of model '" + file_model + "', which the run does not compare");
  }
  grids::on_rank0(comm, [&] { create_output_folder(options.out_dir); });
  std::string list;
  for (const auto& m : cfg.models) list += (list.empty() ? "" : ", ") + m;
  if (rank == 0 && !options.quiet)
    std::printf("comparing %zu models on the same grid, one after the other: %s (each into %s/MODEL/)\n",
                cfg.models.size(), list.c_str(), options.out_dir.c_str());
  for (const auto& model : cfg.models) {
    RunConfig one = cfg;
    one.model = model;
    one.models.clear();
    const auto p = cfg.parameters_by_model.find(model);
    one.model_parameters = p == cfg.parameters_by_model.end() ? decltype(one.model_parameters){} : p->second;
    if (model == file_model) apply_parameter_file(one, parameters_file);
    GridRunOptions o = options;
    o.out_dir = options.out_dir + "/" + model;
    if (!options.restart.empty()) {
      int state = 0;
      if (rank == 0) state = output_state(o.out_dir, cfg.output_name);
      MPI_Bcast(&state, 1, MPI_INT, 0, comm);
      if (state == 2) {
        if (rank == 0 && !options.quiet)
          std::printf("%s: complete, kept (%s/%s)\n", model.c_str(), o.out_dir.c_str(), cfg.output_name.c_str());
        continue;
      }
      if (state == 0) o.restart.clear();
    }
    if (rank == 0 && !options.quiet) std::printf("== %s\n", model.c_str());
    std::fflush(stdout);
    GridRun run(comm, std::move(one), o);
    run.run();
  }
  if (!cfg.totals) return;
  collectively(comm, [&] {
    if (rank != 0) return;
    write_model_comparison(options.out_dir, cfg.models, cfg.output_name, cfg.totals_report);
    if (!options.quiet)
      std::printf("wrote %s/totals.csv (every model's totals) and %s/report.html (the models compared)\n",
                  options.out_dir.c_str(), options.out_dir.c_str());
  });
}

}  // namespace alamod::engine
