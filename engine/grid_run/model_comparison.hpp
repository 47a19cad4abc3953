#pragma once
/// Several models compared on one grid (`model = ["rothc", "icbm", ...]`): each model runs in turn on the
/// same ranks into DIR/MODEL/ (its own output file, totals and report, as a one-model run writes them),
/// then DIR/totals.csv gathers every model's totals (the `model` column tells them apart) and
/// DIR/report.html compares them: the national series side by side, the multi-model mean change and its
/// spread (min-max, standard deviation) as maps (docs/OUTPUTS.md, "Several models").
#include <mpi.h>

#include <string>

#include "engine/configuration/config.hpp"
#include "engine/grid_run/grid_run.hpp"

namespace alamod::engine {

/// What a --restart finds in a run folder for output `output_name`: 0 nothing, 1 checkpoints to continue
/// from, 2 a finished output.
int output_state(const std::string& dir, const std::string& output_name);

/// Runs every model of `cfg.models`. `parameters_file` (--parameters) applies to the model it names.
/// With `options.restart`, a model whose output is complete is left as it is, one with checkpoints
/// continues from its newest, and the others start. Throws StoppedForRestart like a one-model run.
void run_model_comparison(MPI_Comm comm, const RunConfig& cfg, const GridRunOptions& options,
                          const std::string& parameters_file);

}  // namespace alamod::engine
