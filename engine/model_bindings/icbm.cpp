// The ICBM binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/icbm/ (its README says how the inputs are derived, "Grid runs" and
// "Site runs").
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/model_bindings/grid_binding.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/site_binding.hpp"
#include "grids/input_error.hpp"
#include "models/icbm/icbm.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

/// ICBM: annual step, input = plant + manure carbon, r_e from the monthly climate.
struct IcbmTraits {
  static constexpr int kState = 2;
  static constexpr bool kLeaching = false;
  static constexpr bool kLinear = true;
  static constexpr const char* kRule =
      "ICBM annual step; input = plant + manure carbon of the year; r_e = mean over the months of "
      "((T + 3.8)/33.8)^2 min(1, 0.4 + 0.6 pr/pet) relative to the same at Uppsala (Ultuna, r_e = 1)";
  using Params = m::icbm::Parameters;
  Params p;
  double re_ultuna = 1.0;
  struct Cell {};

  /// The temperature function of Andren et al. (2004), T_min = -3.8 degC, with a water limit that
  /// lowers the rate where the month's rainfall is below its potential evapotranspiration.
  static double month_factor(double tas, double pr, double pet) {
    const double t = tas > -3.8 ? (tas + 3.8) / 33.8 : 0.0;
    const double w = pet > 0.0 ? std::min(1.0, 0.4 + 0.6 * pr / pet) : 1.0;
    return t * t * w;
  }
  IcbmTraits() {
    // Uppsala monthly mean air temperatures, 1961-1990 normals (degC, approximate), rainfall above
    // PET in every month: the climate where ICBM's r_e is 1 by definition (Andren & Katterer 1997).
    const double uppsala[12] = {-4.4, -4.6, -1.4, 3.8, 10.1, 14.8, 16.2, 15.2, 10.8, 6.4, 1.2, -2.5};
    double s = 0.0;
    for (double t : uppsala) s += month_factor(t, 1.0, 0.0);
    re_ultuna = s / 12.0;
  }
  static std::vector<std::string> pool_names() { return {"young", "old"}; }
  Cell cell(const CellInput&) const { return {}; }
  Flux year(const Cell&, const Year& y, double* x) const {
    double re = 0.0;
    for (const auto& mo : y) re += month_factor(mo.tas, mo.pr, mo.pet) / 12.0;
    m::icbm::CellState s{x[0], x[1]};
    const auto fl = m::icbm::step_cell(p, {annual_sum(y, &Month::input) + annual_sum(y, &Month::fym), re / re_ultuna},
                                       m::icbm::kYear, s);
    x[0] = s.young;
    x[1] = s.old;
    return {fl.input, fl.respired, 0.0};
  }
  /// A scenario's year (models/icbm/README.md "Scenario inputs"): r_e times the decomposition factor; each added
  /// kind with its humification coefficient h_k: where h_k exceeds the model's h, the share (h_k - h)/(1 - h)
  /// enters the old pool directly (at the end of the year), the rest the young pool, so that h_k of it ends old.
  Flux year_changed(const Cell&, const Year& y, double* x, const Added& a) const {
    double re = 0.0;
    for (const auto& mo : y) re += month_factor(mo.tas, mo.pr, mo.pet) / 12.0;
    double young = annual_sum(y, &Month::input) + annual_sum(y, &Month::fym), old = 0.0;
    for (int k = 0; k < kAddedInputKinds; ++k) {
      const double c = a.year[static_cast<size_t>(k)];
      if (c == 0.0) continue;
      const double h = scenario_inputs::icbm_humification(k, p.humification);
      const double direct = h > p.humification ? (h - p.humification) / (1.0 - p.humification) : 0.0;
      young += c * (1.0 - direct);
      old += c * direct;
    }
    m::icbm::CellState s{x[0], x[1]};
    const auto fl = m::icbm::step_cell(p, {young, re / re_ultuna * a.decomposition}, m::icbm::kYear, s);
    x[0] = s.young;
    x[1] = s.old + old;
    return {fl.input + old, fl.respired, 0.0};
  }
};


}  // namespace grid_side

namespace site_side {
using namespace site_binding;

struct IcbmSite {
  static constexpr TimeStep kStep = TimeStep::year;
  static constexpr bool kLinear = true, kLeaching = false;
  m::icbm::Parameters p;
  std::vector<m::icbm::CellForcing> forcing;
  m::icbm::CellState x{0, 0};

  IcbmSite(const AdapterInput& in, const m::icbm::Parameters& par) : p(par) {
    const auto c = carbon_inputs(in);
    std::vector<double> re;
    if (in.s.has("re")) re = in.s.at("re");
    else re.assign(in.s.steps(), property_noted(in, "re", 1.0, "1 (Ultuna reference climate)"));
    for (std::size_t i = 0; i < in.s.steps(); ++i) forcing.push_back({c[i], re[i]});
  }
  static std::vector<std::string> pool_names() { return {"young", "old"}; }
  std::vector<double> pools() const { return {x.young, x.old}; }
  double active_total() const { return x.young + x.old; }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return {x.young, x.old}; }
  void set_state(const std::vector<double>& v) { x = {v[0], v[1]}; }
  void begin_cycle(std::size_t) {}
  void reset_aux() {}
  void cold_start(std::size_t) { x = {0, 0}; }
  Flux step(std::size_t i, bool inputs) {
    m::icbm::CellForcing f = forcing[i];
    if (!inputs) f.c_input = 0.0;
    const auto fl = m::icbm::step_cell(p, f, m::icbm::kYear, x);
    return {fl.input, fl.respired, 0.0};
  }
};


}  // namespace site_side

}  // namespace

ModelBinding icbm_binding() {
  ModelBinding b;
  b.info = models::icbm::model_info();
  b.linear = site_side::IcbmSite::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    return grid_binding::make_cell_grid(cfg, grid_side::IcbmTraits{}, models::icbm::kParameterInfo, models::icbm::validate);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    return site_binding::run_model<site_side::IcbmSite>(opt, f, pf, models::icbm::Parameters{}, models::icbm::kParameterInfo,
                                                     models::icbm::validate, std::move(r));
  };
  return b;
}

}  // namespace alamod::engine
