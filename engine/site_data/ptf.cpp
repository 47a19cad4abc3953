#include "engine/site_data/ptf.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/common/number_format.hpp"

namespace alamod::engine {

bool hollis2012_applies(double oc, double sand, double clay) {
  return std::isfinite(oc) && std::isfinite(sand) && std::isfinite(clay) && oc >= 0 && oc <= 12 && sand >= 0 &&
         sand <= 100 && clay >= 0 && clay <= 100 && sand + clay <= 100 + 1e-9;
}

double hollis2012_cultivated_topsoil_bd(double oc, double sand, double clay) {
  if (!hollis2012_applies(oc, sand, clay))
    throw std::invalid_argument("bulk density pedotransfer function (Hollis et al. 2012) outside its domain: OC " +
                                short_number(oc) + " %, sand " + short_number(sand) + " %, clay " + short_number(clay) +
                                " %, expected OC 0-12 %, sand and clay 0-100 % with sand + clay <= 100 %");
  return 0.80806 + 0.823844 * std::exp(-0.27993 * oc) + 0.0014065 * sand - 0.0010299 * clay;
}

}  // namespace alamod::engine
