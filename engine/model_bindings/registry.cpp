// The one list of the models alamod runs (engine/model_bindings/model_binding.hpp).
#include "engine/model_bindings/model_binding.hpp"

#include <stdexcept>

#include "grids/input_error.hpp"

namespace alamod::engine {

// One line per model, in the order `alamod models` lists them; X(NAME) stands for the function
// `ModelBinding NAME_binding()` of the model's binding file (engine/model_bindings/).
#define ALAMOD_REGISTERED_MODELS(X) \
  X(rothc)                          \
  X(amg)                            \
  X(icbm)                           \
  X(yasso15)                        \
  X(yasso07)                        \
  X(century)                        \
  X(millennial)                     \
  X(mimics)

#define ALAMOD_DECLARE_BINDING(name) ModelBinding name##_binding();
ALAMOD_REGISTERED_MODELS(ALAMOD_DECLARE_BINDING)
#undef ALAMOD_DECLARE_BINDING

const std::vector<ModelBinding>& registered_models() {
#define ALAMOD_LIST_BINDING(name) name##_binding(),
  static const std::vector<ModelBinding> models = {ALAMOD_REGISTERED_MODELS(ALAMOD_LIST_BINDING)};
#undef ALAMOD_LIST_BINDING
  return models;
}

std::string model_names() {
  std::string s;
  for (const auto& m : registered_models()) s += (s.empty() ? "" : ", ") + m.info.name;
  return s;
}

const ModelBinding& find_model(std::string_view name) {
  for (const auto& m : registered_models())
    if (m.info.name == name) return m;
  throw std::invalid_argument("unknown model '" + std::string(name) + "'; valid models: " + model_names());
}

std::unique_ptr<GridModel> make_grid_model(const RunConfig& cfg) {
  const ModelBinding* model = nullptr;
  try {
    model = &find_model(cfg.model);
  } catch (const std::invalid_argument& e) {
    throw InputError(cfg.path + ": " + e.what());
  }
  return model->make_grid_model(cfg);
}

}  // namespace alamod::engine
