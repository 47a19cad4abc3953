// The one list of the vegetation models (engine/model_bindings/vegetation_binding.hpp).
#include "engine/model_bindings/vegetation_binding.hpp"

#include <stdexcept>

namespace alamod::engine {

// One line per model; X(NAME) stands for `VegetationBinding NAME_vegetation_binding()` of the model's
// binding file.
#define ALAMOD_VEGETATION_MODELS(X) \
  X(threepg)                        \
  X(lue)

#define ALAMOD_DECLARE_VEGETATION(name) VegetationBinding name##_vegetation_binding();
ALAMOD_VEGETATION_MODELS(ALAMOD_DECLARE_VEGETATION)
#undef ALAMOD_DECLARE_VEGETATION

const std::vector<VegetationBinding>& vegetation_models() {
#define ALAMOD_LIST_VEGETATION(name) name##_vegetation_binding(),
  static const std::vector<VegetationBinding> models = {ALAMOD_VEGETATION_MODELS(ALAMOD_LIST_VEGETATION)};
#undef ALAMOD_LIST_VEGETATION
  return models;
}

const VegetationBinding& find_vegetation_model(std::string_view name) {
  std::string names;
  for (const auto& m : vegetation_models()) {
    if (m.info.name == name) return m;
    names += (names.empty() ? "" : ", ") + m.info.name;
  }
  throw std::invalid_argument("unknown vegetation model '" + std::string(name) + "'; vegetation models: " + names);
}

}  // namespace alamod::engine
