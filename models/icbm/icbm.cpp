#include "models/icbm/icbm.hpp"

#include <stdexcept>
#include <string>

namespace alamod::models::icbm {

void validate(const Parameters& p) { check_bounds("icbm", kParameterInfo, p); }

ModelInfo model_info() {
  ModelInfo m = declared_model_info("icbm", kPoolNames, kParameterInfo, Parameters{}, kValidRange);
  m.title = "ICBM Introductory Carbon Balance Model, two pools (young, old), exact solution per step";
  m.time_step = "year";
  m.inputs = {"carbon_input: carbon input to the young pool (t ha-1 yr-1)",
              "re: climate/soil factor r_e scaling both decay rates (1; 1 at Ultuna)"};
  m.reference =
      "Andrén O, Kätterer T (1997) ICBM: the Introductory Carbon Balance Model for exploration of soil carbon "
      "balances. Ecological Applications 7, 1226-1236";
  return m;
}

}  // namespace alamod::models::icbm
