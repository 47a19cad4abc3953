// The AMG v2 binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/amg/ (its README says how the inputs are derived, "Grid runs" and
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
#include "models/amg/amg.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

/// AMG v2: annual step; state = active pool and the humified input of the previous year.
struct AmgTraits {
  // the fluxes are those of the humified (active) pool: the non-humified part of the input, respired
  // within its year, is in neither (models/amg/README.md)
  static FluxMeaning flux_meaning() {
    return {false, "carbon mineralised from the active (humified) pool, yearly mean",
            "AMG: not the total heterotrophic respiration; the non-humified part of the carbon input, respired "
            "within its year, is not included (models/amg/README.md)",
            "humified carbon input to the active pool, yearly mean",
            "AMG: plant residue and manure carbon times its humification coefficient (about 0.3 of the plant "
            "carbon by default)",
            false};
  }
  static constexpr int kState = 2;
  static constexpr bool kLeaching = false;
  static constexpr bool kLinear = true;
  static constexpr double kPlantHumification = 0.3;    ///< 0.5 h_AG 0.2 + 0.5 h_BG 0.4 of the default crop (1)
  static constexpr double kManureHumification = 0.64;  ///< bovine manure, parameters_EOM.csv (1)
  static constexpr const char* kRule =
      "AMG v2 annual step; stable pool = ps x observed SOC; humified input = 0.3 plant + 0.64 manure carbon, entering "
      "the active pool the next year; climate: annual mean tas, annual pr and pet; CaCO3 0, pH 7, C:N 10";
  using Params = m::amg::Parameters;
  Params p;
  struct Cell {
    m::amg::Soil soil;
    double stable;
  };
  static std::vector<std::string> pool_names() { return {"active", "stable"}; }
  Cell cell(const CellInput& in) const {
    Cell c;
    c.soil.clay_g_kg = in.clay_pct * 10.0;
    c.soil.caco3_g_kg = 0.0;
    c.soil.ph = 7.0;
    c.soil.cn_ratio = 10.0;
    c.stable = m::amg::initial_stocks(p, in.soc_observed, m::amg::Rounding::none).stable;
    return c;
  }
  Flux year(const Cell& c, const Year& y, double* x) const {
    const m::amg::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), 0.0, annual_sum(y, &Month::pet)};
    const double k = m::amg::mineralisation_rate(p, c.soil, clim, m::amg::Rounding::none).k;
    m::amg::Stocks s{c.stable + x[0], c.stable, x[0]};
    const double entering = x[1];
    const double mineralised = m::amg::step_year(k, entering, s, m::amg::Rounding::none);
    x[0] = s.active;
    x[1] = kPlantHumification * annual_sum(y, &Month::input) + kManureHumification * annual_sum(y, &Month::fym);
    return {entering, mineralised, 0.0};
  }
  /// A scenario's year (models/amg/README.md "Scenario inputs"): the mineralisation rate k times the
  /// decomposition factor; each added kind humified by its coefficient (the amendments from parameters_EOM.csv),
  /// entering the active pool the next year like every AMG input.
  Flux year_changed(const Cell& c, const Year& y, double* x, const Added& a) const {
    const m::amg::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), 0.0, annual_sum(y, &Month::pet)};
    const double k = m::amg::mineralisation_rate(p, c.soil, clim, m::amg::Rounding::none).k * a.decomposition;
    m::amg::Stocks s{c.stable + x[0], c.stable, x[0]};
    const double entering = x[1];
    const double mineralised = m::amg::step_year(k, entering, s, m::amg::Rounding::none);
    x[0] = s.active;
    double humified = kPlantHumification * annual_sum(y, &Month::input) + kManureHumification * annual_sum(y, &Month::fym);
    for (int kind = 0; kind < kAddedInputKinds; ++kind)
      humified += scenario_inputs::amg_humification(kind) * a.year[static_cast<size_t>(kind)];
    x[1] = humified;
    return {entering, mineralised, 0.0};
  }
  void pools(const Cell& c, const double* x, double* out) const { out[0] = x[0], out[1] = c.stable; }
  double constant(const Cell& c) const { return c.stable; }
  /// The stable pool is derived from the tile's observed stock at the start, and then moves only with the land:
  /// land-use change mixes it area-weighted like the active pool (the state carries it: checkpoints, cell moves).
  void set_constant(Cell& c, double stable) const { c.stable = stable; }
};


}  // namespace grid_side

namespace site_side {
using namespace site_binding;

struct AmgSite {
  static constexpr TimeStep kStep = TimeStep::year;
  static constexpr bool kLinear = true, kLeaching = false;
  static constexpr double kPlantHumification = 0.3;   ///< 0.5 h_AG + 0.5 h_BG of the default crop (1)
  static constexpr double kManureHumification = 0.64; ///< bovine manure, parameters_EOM.csv (1)
  m::amg::Parameters p;
  std::vector<double> k, humified;  ///< yr-1, t C ha-1 yr-1
  double soc0 = 0;
  m::amg::Stocks st{0, 0, 0};
  double h_prev = 0, h_start = 0;

  AmgSite(const AdapterInput& in, const m::amg::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto tas = series_or(in, "tas", NAN, "");
    check_series_range(in, m::amg::kValidRange, "tas", tas, "tas");
    const auto pr = series_or(in, "pr", NAN, "");
    const auto pet = series_or(in, "pet", NAN, "");
    m::amg::Soil soil;
    soil.clay_g_kg = in.f.property("clay", NAN, "amg") * 10.0;  // percent -> g kg-1
    soil.caco3_g_kg = property_noted(in, "caco3", 0.0, "g kg-1");
    soil.ph = property_noted(in, "ph", 7.0, "1");
    soil.cn_ratio = property_noted(in, "cn_ratio", 10.0, "1");
    soc0 = in.f.number("soc_initial", "amg (stable pool = ps soc_initial)");
    const double depth = property_noted(in, "depth", 30.0, "cm");
    const auto fym = series_or(in, "fym", 0.0, "");
    std::vector<double> plant(s.steps(), 0.0);
    if (s.has("yield")) {
      const m::amg::CropParameters crop{};
      for (std::size_t i = 0; i < s.steps(); ++i)
        plant[i] = m::amg::crop_inputs(p, crop, m::amg::CropType::main, s.at("yield")[i], 0.0, true, depth).c_plant_hum;
      in.notes.push_back("humified plant input from yield (Bolinder et al. 2007, default crop coefficients, residues returned)");
    } else {
      const auto cin = series_or(in, "c_input", NAN, "");
      for (std::size_t i = 0; i < s.steps(); ++i) plant[i] = cin[i] * kPlantHumification;
      in.notes.push_back("humified plant input = 0.3 c_input (half aboveground h 0.2, half belowground h 0.4)");
    }
    if (s.has("fym")) in.notes.push_back("humified manure input = 0.64 fym (bovine manure, parameters_EOM.csv)");
    for (std::size_t i = 0; i < s.steps(); ++i) {
      const m::amg::Climate c{tas[i], pr[i], 0.0, pet[i]};
      k.push_back(m::amg::mineralisation_rate(p, soil, c, m::amg::Rounding::none).k);
      humified.push_back(plant[i] + kManureHumification * fym[i]);
    }
    in.notes.push_back("c_input and rh columns: humified input of the previous year entering the active pool, "
                       "carbon mineralised from it (the non-humified part of the inputs is in neither)");
    st = m::amg::initial_stocks(p, soc0, m::amg::Rounding::none);
    h_prev = humified.front();
  }
  static std::vector<std::string> pool_names() { return {"active", "stable"}; }
  std::vector<double> pools() const { return {st.active, st.stable}; }
  double active_total() const { return st.active; }
  double total() const { return st.active + st.stable; }
  double constant_total() const { return st.stable; }
  std::vector<double> state() const { return {st.active}; }
  void set_state(const std::vector<double>& v) {
    st.active = v[0];
    st.total = st.stable + st.active;
  }
  /// The stable pool set at the start (t ha-1): `--spinup stable` (stable_fraction x soc_initial, Kanari et
  /// al. 2022) and `--spinup pools`.
  void set_constant_pools(const std::vector<double>& v) {
    st.stable = v[0];
    st.total = st.stable + st.active;
  }
  void begin_cycle(std::size_t k_steps) { h_start = humified[k_steps - 1]; }
  void reset_aux() { h_prev = h_start; }
  void cold_start(std::size_t k_steps) {
    begin_cycle(k_steps);
    set_state({0.0});
    reset_aux();
  }
  /// `--spinup none`: the official initial state from soc_initial (t ha-1); the first year receives the
  /// humified input of its own inputs.
  std::string start_from_soc_initial(double soc0) {
    st = m::amg::initial_stocks(p, soc0, m::amg::Rounding::none);
    h_prev = humified.front();
    return "none: official initial state, stable = ps soc_initial, active = soc_initial - stable; the first year "
           "receives the humified input of its own inputs";
  }
  Flux step(std::size_t i, bool inputs) {
    const double h = inputs ? h_prev : 0.0;
    const double mineralised = m::amg::step_year(k[i], h, st, m::amg::Rounding::none);
    h_prev = inputs ? humified[i] : 0.0;
    return {h, mineralised, 0.0};
  }
};


}  // namespace site_side

}  // namespace

ModelBinding amg_binding() {
  ModelBinding b;
  b.info = models::amg::model_info();
  b.linear = site_side::AmgSite::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    return grid_binding::make_cell_grid(cfg, grid_side::AmgTraits{}, models::amg::kParameterInfo, models::amg::validate);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    return site_binding::run_model<site_side::AmgSite>(opt, f, pf, models::amg::Parameters{}, models::amg::kParameterInfo,
                                                     models::amg::validate, std::move(r));
  };
  return b;
}

}  // namespace alamod::engine
