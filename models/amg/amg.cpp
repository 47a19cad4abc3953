#include "models/amg/amg.hpp"

#include <stdexcept>
#include <string>

namespace alamod::models::amg {

void validate(const Parameters& p) { check_bounds("AMG", kParameterInfo, p); }

ModelInfo model_info() {
  ModelInfo m = declared_model_info("amg", kPoolNames, kParameterInfo, Parameters{}, kValidRange);
  m.title = "AMG v2 annual soil carbon model (INRAE): active and stable pools, Bolinder plant inputs";
  m.time_step = "year";
  m.inputs = {"tas: annual mean air temperature (degC)",
              "pr: annual rainfall (mm yr-1)",
              "irrigation: annual irrigation (mm yr-1)",
              "pet: annual potential evapotranspiration, Penman (mm yr-1)",
              "humified_input: humified carbon input of the previous year (t ha-1 yr-1), from yields "
              "(Bolinder allometry) and organic amendments",
              "clay: clay content (g kg-1)",
              "caco3: CaCO3 content (g kg-1)",
              "ph: soil pH in water (1)",
              "cn_ratio: soil C:N ratio (1)"};
  m.reference =
      "Clivot H et al. (2019) Environ. Model. Softw. 118, 99-113, doi:10.1016/j.envsoft.2019.04.004; "
      "Andriulo A, Mary B, Guerif J (1999) Agronomie 19, 365-377; Bolinder MA et al. (2007) Agric. Ecosyst. "
      "Environ. 118, 29-42";
  return m;
}

}  // namespace alamod::models::amg
