// The Yasso15 and Yasso07 binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/yasso/ (its README says how the inputs are derived, "Grid runs" and
// "Site runs").
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/model_bindings/grid_binding.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/site_binding.hpp"
#include "grids/calendar.hpp"
#include "grids/input_error.hpp"
#include "models/yasso/yasso.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

/// Yasso15 / Yasso07: annual step, inputs split into AWEN by land use, non-woody, no leaching.
struct YassoTraits {
  static constexpr int kState = 5;
  static constexpr bool kLeaching = true;
  static constexpr bool kLinear = true;
  static constexpr const char* kRule =
      "Yasso annual step; climate: annual mean tas, annual pr, amplitude (warmest - coldest month)/2; plant + manure "
      "carbon split by the land-use class's awen shares; non-woody litter (diameter 0), no leaching";
  using Params = m::yasso::Parameters;
  Params p;
  struct Cell {
    std::array<double, 4> awen;
  };
  static std::vector<std::string> pool_names() { return {"A", "W", "E", "N", "H"}; }
  Cell cell(const CellInput& in) const { return {in.land_use->awen}; }
  /// The periodic equilibrium of the year: the year is one step of constant climate, so it is the
  /// steady state -M^-1 b (a 5x5 solve); none where nothing decomposes.
  bool periodic_steady_state(const Cell& c, const Year& y, double* x) const {
    double lo = y[0].tas, hi = y[0].tas;
    for (const auto& mo : y) lo = std::min(lo, mo.tas), hi = std::max(hi, mo.tas);
    const m::yasso::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), (hi - lo) / 2.0};
    if (!m::yasso::decomposition(p, clim, m::yasso::Site{}).decomposes) return false;
    const double total = annual_sum(y, &Month::input) + annual_sum(y, &Month::fym);
    const m::yasso::Pools b{total * c.awen[0], total * c.awen[1], total * c.awen[2], total * c.awen[3], 0.0};
    const m::yasso::Pools s = m::yasso::steady_state(p, clim, m::yasso::Site{}, b, m::yasso::Pools{}, m::yasso::kYear);
    for (int k = 0; k < kState; ++k) {
      if (!std::isfinite(s[k])) return false;
      x[k] = s[k];
    }
    return true;
  }
  Flux year(const Cell& c, const Year& y, double* x) const {
    double lo = y[0].tas, hi = y[0].tas;
    for (const auto& mo : y) lo = std::min(lo, mo.tas), hi = std::max(hi, mo.tas);
    const m::yasso::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), (hi - lo) / 2.0};
    const double total = annual_sum(y, &Month::input) + annual_sum(y, &Month::fym);
    const m::yasso::Pools b{total * c.awen[0], total * c.awen[1], total * c.awen[2], total * c.awen[3], 0.0};
    m::yasso::Pools s{x[0], x[1], x[2], x[3], x[4]};
    const auto fl = m::yasso::step(p, clim, m::yasso::Site{}, b, m::yasso::kYear, s);
    std::copy(s.begin(), s.end(), x);
    return {fl.input, fl.respired, fl.leached};
  }
  /// A scenario's year (models/yasso/README.md "Scenario inputs"): each added kind split by its AWEN shares
  /// (woody: the AWEN of broadleaf wood, as non-woody litter: the grid's pools have no size class); every rate
  /// times the decomposition factor d, as the same step over d years with the inputs divided by d (the linear
  /// system dx/dt = d M x + b in the time d t); d = 0: the inputs accumulate.
  Flux year_changed(const Cell& c, const Year& y, double* x, const Added& a) const {
    double lo = y[0].tas, hi = y[0].tas;
    for (const auto& mo : y) lo = std::min(lo, mo.tas), hi = std::max(hi, mo.tas);
    const m::yasso::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), (hi - lo) / 2.0};
    const double total = annual_sum(y, &Month::input) + annual_sum(y, &Month::fym);
    m::yasso::Pools b{total * c.awen[0], total * c.awen[1], total * c.awen[2], total * c.awen[3], 0.0};
    for (int k = 0; k < kAddedInputKinds; ++k) {
      const double added = a.year[static_cast<size_t>(k)];
      if (added == 0.0) continue;
      const auto awen = scenario_inputs::yasso_awen(k, c.awen);
      for (int j = 0; j < 4; ++j) b[j] += added * awen[static_cast<size_t>(j)];
    }
    const double d = a.decomposition;
    if (d == 0.0) {
      double in = 0.0;
      for (int j = 0; j < kState; ++j) x[j] += b[j] * m::yasso::kYear, in += b[j] * m::yasso::kYear;
      return {in, 0.0, 0.0};
    }
    m::yasso::Pools scaled{};
    for (int j = 0; j < kState; ++j) scaled[j] = b[j] / d;
    m::yasso::Pools s{x[0], x[1], x[2], x[3], x[4]};
    const auto fl = m::yasso::step(p, clim, m::yasso::Site{}, scaled, m::yasso::kYear * d, s);
    std::copy(s.begin(), s.end(), x);
    return {fl.input, fl.respired, fl.leached};
  }
};


}  // namespace grid_side

namespace site_side {
using namespace site_binding;

/// Yasso on steps of one year (the official use) or, with the metadata `yasso_step`, of a month or a day:
/// each step is the exact solution of the same linear system over the step's length dt (yr), with the
/// climate of the step (README "Site runs").
template <TimeStep S>
struct YassoSite {
  static constexpr TimeStep kStep = S;
  static constexpr bool kLinear = true, kLeaching = true;
  m::yasso::Parameters p;
  std::vector<m::yasso::Climate> climate;
  std::vector<m::yasso::Pools> input;  ///< t C ha-1 yr-1
  std::vector<double> dt;              ///< length of each step (yr): 1, 1/12, 1/(days of its year)
  m::yasso::Site site{};
  m::yasso::Pools x{};

  YassoSite(const AdapterInput& in, const m::yasso::Parameters& par) : p(par) {
    const auto& s = in.s;
    auto tas = series_or(in, "tas", NAN, "");
    auto pr = series_or(in, "pr", NAN, "");
    check_series_range(in, m::yasso::kValidRange, "tas", tas, "tas");
    check_series_range(in, m::yasso::kValidRange, "pr", pr, "pr");
    for (std::size_t i = 0; i < s.steps(); ++i)
      dt.push_back(S == TimeStep::year    ? m::yasso::kYear
                   : S == TimeStep::month ? m::yasso::kYear / 12.0
                                          : m::yasso::kYear / grids::days_in_year(s.year[i]));
    std::vector<double> amplitude;
    if (s.has("tas_amplitude")) {
      amplitude = s.at("tas_amplitude");
    } else if (in.f.has_number("tas_amplitude")) {
      amplitude.assign(s.steps(), in.f.numbers.at("tas_amplitude"));
    } else if (S != TimeStep::year && in.f.step == TimeStep::year) {
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) + " (tas_amplitude): missing column, " +
                       in.model + " at sub-annual steps on an annual forcing needs tas_amplitude (degC): its months "
                       "repeat the annual mean temperature, so they carry no seasonal cycle");
    } else if (S != TimeStep::year) {
      // the steps follow the seasonal cycle themselves: each step's own mean temperature, no amplitude
      amplitude.assign(s.steps(), 0.0);
      in.notes.push_back("yasso_step " + std::string(time_step_name(S)) + ": temperature amplitude 0 (each step's "
                         "mean temperature; no tas_amplitude given), precipitation as an annual rate (the step's sum / "
                         "its length in years)");
    } else if (in.f.step == TimeStep::year) {
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) + " (tas_amplitude): missing column, " +
                       in.model + " on an annual forcing needs tas_amplitude (degC), half the range of the monthly "
                       "mean temperatures, as a column or metadata");
    } else {
      const StepSeries months = resample(in.f, TimeStep::month);
      const auto& mt = months.at("tas");
      for (std::size_t y = 0; y < s.steps(); ++y) {
        const auto first = mt.begin() + static_cast<std::ptrdiff_t>(12 * y);
        const auto [lo, hi] = std::minmax_element(first, first + 12);
        amplitude.push_back((*hi - *lo) / 2.0);
      }
      in.notes.push_back("temperature amplitude = (warmest - coldest monthly mean) / 2 of each year");
    }
    if (S != TimeStep::year)
      for (std::size_t i = 0; i < s.steps(); ++i) pr[i] /= dt[i];  // mm per step -> mm yr-1
    auto c = carbon_inputs(in);
    for (std::size_t i = 0; i < s.steps(); ++i) c[i] /= dt[i];  // t ha-1 per step -> t ha-1 yr-1
    std::array<std::vector<double>, 4> shares;
    const char* names[4] = {"awen_a", "awen_w", "awen_e", "awen_n"};
    const double defaults[4] = {0.52, 0.18, 0.08, 0.22};
    int given = 0;
    for (int j = 0; j < 4; ++j) given += (s.has(names[j]) || in.f.has_number(names[j])) ? 1 : 0;
    if (given != 0 && given != 4)
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) +
                       " (awen_a): incomplete AWEN split, expected all of awen_a, awen_w, awen_e, awen_n or none");
    for (int j = 0; j < 4; ++j) {
      if (s.has(names[j])) shares[j] = s.at(names[j]);
      else shares[j].assign(s.steps(), given ? in.f.numbers.at(names[j]) : defaults[j]);
    }
    if (!given) in.notes.push_back("AWEN shares of the inputs 0.52 0.18 0.08 0.22 (non-woody litter; no awen_* columns)");
    for (std::size_t i = 0; i < s.steps(); ++i) {
      const double sum = shares[0][i] + shares[1][i] + shares[2][i] + shares[3][i];
      if (std::fabs(sum - 1.0) > 1e-3)
        throw InputError(in.f.path + ":" + std::to_string(s.first_line[i]) + " (awen_a): awen_a + awen_w + awen_e + "
                         "awen_n = " + short_number(sum) + ", expected 1 (shares of c_input)");
      climate.push_back({tas[i], pr[i], amplitude[i]});
      input.push_back({c[i] * shares[0][i], c[i] * shares[1][i], c[i] * shares[2][i], c[i] * shares[3][i], 0.0});
    }
    site.size_cm = in.f.property("litter_diameter", 0.0, in.model);
    site.leaching = in.f.property("leaching", 0.0, in.model);
    in.notes.push_back("litter diameter " + short_number(site.size_cm) + " cm" + (site.size_cm > 0 ? " (woody size effect)" : " (non-woody)") +
                       ", leaching coefficient " + short_number(site.leaching) + " m-1" +
                       (in.f.has_number("litter_diameter") || in.f.has_number("leaching") ? "" : " (metadata litter_diameter, leaching not given)"));
  }
  static std::vector<std::string> pool_names() { return {"A", "W", "E", "N", "H"}; }
  std::vector<double> pools() const { return {x[0], x[1], x[2], x[3], x[4]}; }
  double active_total() const { return x[0] + x[1] + x[2] + x[3] + x[4]; }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return pools(); }
  void set_state(const std::vector<double>& v) { std::copy(v.begin(), v.end(), x.begin()); }
  void begin_cycle(std::size_t) {}
  void reset_aux() {}
  void cold_start(std::size_t) { x = {}; }
  Flux step(std::size_t i, bool inputs) {
    const m::yasso::Pools b = inputs ? input[i] : m::yasso::Pools{};
    const auto fl = m::yasso::step(p, climate[i], site, b, dt[i], x);
    return {fl.input, fl.respired, fl.leached};
  }
};


}  // namespace site_side

template <class T>
struct Tag {
  using type = T;
};

/// The Yasso binding with the parameter set `defaults()` (Yasso15 or Yasso07) and its registry entry.
template <models::yasso::Parameters (*defaults)()>
ModelBinding yasso_binding(models::ModelInfo info) {
  ModelBinding b;
  b.info = std::move(info);
  b.linear = grid_side::YassoTraits::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    grid_side::YassoTraits t;
    t.p = defaults();
    return grid_binding::make_cell_grid(cfg, t, models::yasso::kParameterInfo, models::yasso::validate);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    // the step: metadata yasso_step (year, month, day, or forcing = the file's own step); one year by default
    TimeStep step = TimeStep::year;
    if (const auto it = f.texts.find("yasso_step"); it != f.texts.end())
      step = it->second == "month" ? TimeStep::month : it->second == "day" ? TimeStep::day
           : it->second == "forcing" ? f.step : TimeStep::year;
    auto run = [&](auto tag) {
      using A = typename decltype(tag)::type;
      return site_binding::run_model<A>(opt, f, pf, defaults(), models::yasso::kParameterInfo, models::yasso::validate,
                                        std::move(r));
    };
    switch (step) {
      case TimeStep::month: return run(Tag<site_side::YassoSite<TimeStep::month>>{});
      case TimeStep::day: return run(Tag<site_side::YassoSite<TimeStep::day>>{});
      default: return run(Tag<site_side::YassoSite<TimeStep::year>>{});
    }
  };
  return b;
}

}  // namespace

ModelBinding yasso15_binding() {
  return yasso_binding<models::yasso::yasso15_parameters>(models::yasso15::model_info());
}

ModelBinding yasso07_binding() {
  return yasso_binding<models::yasso::yasso07_parameters>(models::yasso07::model_info());
}

}  // namespace alamod::engine
