#pragma once
/// The one explicit list of the models alamod can run.
#include <string>
#include <string_view>
#include <vector>

namespace alamod::models {

/// One parameter as shown to users (from the model's ParameterInfo table).
struct ParameterRow {
  std::string name, unit, description, source;
  double default_value, lower, upper;
};

/// What a user needs to know about a model to choose and configure it.
struct ModelInfo {
  std::string name;         ///< config value of `model = "..."`
  std::string title;        ///< one-line description
  std::string time_step;    ///< e.g. "month"
  std::vector<std::string> pools;
  std::vector<std::string> inputs;  ///< forcing variables with units
  std::vector<ParameterRow> parameters;
  std::string reference;    ///< literature reference
};

/// All registered models, in a fixed order.
const std::vector<ModelInfo>& registered_models();

/// The model called `name`; throws std::invalid_argument listing the valid names.
const ModelInfo& find_model(std::string_view name);

/// Comma-separated list of valid model names, for error messages.
std::string model_names();

}  // namespace alamod::models
