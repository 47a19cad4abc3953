#include "models/registry.hpp"

#include <stdexcept>

#include "models/amg/amg.hpp"
#include "models/century/century.hpp"
#include "models/icbm/icbm.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"
#include "models/rothc/rothc.hpp"
#include "models/yasso/yasso.hpp"

namespace alamod::models {

namespace {

template <class Table, class Params>
std::vector<ParameterRow> rows_of(const Table& table, const Params& defaults) {
  std::vector<ParameterRow> rows;
  for (const auto& p : table) {
    rows.push_back({std::string(p.name), std::string(p.unit), std::string(p.description), std::string(p.source),
                    defaults.*(p.member), p.lower, p.upper});
  }
  return rows;
}

std::vector<ModelInfo> make_registry() {
  std::vector<ModelInfo> models;
  {
    ModelInfo m;
    m.name = "rothc";
    m.title = "RothC-26.3 Rothamsted soil carbon model, with the Farina et al. (2013) moisture options";
    m.time_step = "month";
    for (auto n : rothc::kPoolNames) m.pools.emplace_back(n);
    m.inputs = {"tas: monthly mean air temperature (degC)", "pr: monthly rainfall (mm month-1)",
                "pet: potential evapotranspiration (mm month-1; open-pan = pet / evap_factor)",
                "carbon_input: plant carbon input (t ha-1 yr-1)", "clay: clay content (percent)",
                "land_use: DPM/RPM ratio and plant cover"};
    m.parameters = rows_of(rothc::kParameterInfo, rothc::Parameters{});
    m.reference = "Coleman K, Jenkinson DS (1996) RothC-26.3, in Evaluation of soil organic matter models, "
                  "Springer, 237-246; Farina R et al. (2013) Geoderma 200-201, 18-30";
    models.push_back(std::move(m));
  }
  // The explicit list: one line per model, in the order `alamod models` shows them.
  models.push_back(amg::model_info());
  models.push_back(icbm::model_info());
  models.push_back(yasso15::model_info());
  models.push_back(yasso07::model_info());
  models.push_back(century::model_info());
  models.push_back(millennial::model_info());
  models.push_back(mimics::model_info());
  return models;
}

}  // namespace

const std::vector<ModelInfo>& registered_models() {
  static const std::vector<ModelInfo> models = make_registry();
  return models;
}

std::string model_names() {
  std::string s;
  for (const auto& m : registered_models()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

const ModelInfo& find_model(std::string_view name) {
  for (const auto& m : registered_models())
    if (m.name == name) return m;
  throw std::invalid_argument("unknown model '" + std::string(name) + "'; valid models: " + model_names());
}

}  // namespace alamod::models
