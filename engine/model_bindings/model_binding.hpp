#pragma once
/// The models alamod runs, in one explicit list (registry.cpp), and what each brings: its description
/// (from its kernel's model_info()), its grid binding and its site binding. Everything that needs a
/// model by name asks here: the configuration (names, parameters), the grid run, `alamod site`,
/// evaluate, calibrate and `alamod models`. An unknown name is answered with the list of valid ones.
///
/// Adding a model (docs/ARCHITECTURE.md): its kernel in models/NAME/ with model_info(); one binding
/// file here, engine/model_bindings/NAME.cpp, defining `ModelBinding NAME_binding()`; one line in the
/// list of registry.cpp.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "engine/site/site_forcing.hpp"
#include "engine/site/site_run.hpp"
#include "models/common/model_info.hpp"

namespace alamod::engine {

struct ModelBinding {
  models::ModelInfo info;  ///< name, step, pools, inputs, parameter table
  /// Whether one step is affine in the state (the binding's kLinear): spinup.method "inverse" and "scaled"
  /// need a linear model, and the configuration refuses them for the others when it is read.
  bool linear = false;
  /// [in] cfg: the run (cfg.model_parameters already checked against info.parameters).
  /// Returns the model bound to the grid run (engine/model_bindings/grid_model.hpp).
  std::unique_ptr<GridModel> (*make_grid_model)(const RunConfig& cfg);
  /// [in] opt, the site forcing f, the parameter file pf (its values are checked against info.parameters
  /// here); [in] r: the result's metadata so far. Spins up and runs the model at the site; throws InputError.
  SiteRunResult (*run_site)(const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r);
};

/// Every registered model, in the order `alamod models` lists them.
const std::vector<ModelBinding>& registered_models();

/// The model called `name`; throws std::invalid_argument naming the valid models.
const ModelBinding& find_model(std::string_view name);

/// "rothc, amg, ...": the registered names, for messages.
std::string model_names();

/// The grid binding of cfg.model.
std::unique_ptr<GridModel> make_grid_model(const RunConfig& cfg);

}  // namespace alamod::engine
