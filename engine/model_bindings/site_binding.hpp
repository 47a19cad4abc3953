#pragma once
/// The site binding of a model (`alamod site`, `alamod evaluate`, `alamod calibrate`): an adapter struct,
/// in the model's binding file, maps the site forcing (engine/site/site_forcing.hpp) to the model's inputs
/// (models/*/README.md "Site runs"), and run_model<Adapter> does the rest, written once for every model:
/// the parameters of the parameter file checked and set, the spin-up (exact equilibrium of linear models,
/// cycling of nonlinear ones, or soc_initial split by the equilibrium's proportions), the run with a
/// carbon-balance check every step.
///
/// What an adapter holds:
///   kStep (TimeStep of the model), kLinear (one step is affine in the state), kLeaching; a constructor
///   (const AdapterInput&, const Params&) that reads and checks the forcing; pool_names(); pools() and
///   total(), active_total(), constant_total() (t ha-1); state() and set_state(v) (the values the model
///   changes, in its own unit); step(i, inputs) -> Flux (t ha-1 per step; inputs = false: no carbon
///   input, for the affine spin-up); cold_start(k_steps) (the start of the `cycle` spin-up);
///   linear adapters also begin_cycle(k_steps) and reset_aux() (auxiliary state of the cycle, e.g.
///   RothC's moisture deficit); nonlinear ones start_equilibrium(k_steps), which sets the start of the
///   cycling and says what it is; an adapter whose model has its own initial state from the observed
///   stock (AMG) defines start_from_soc_initial(soc0) for `--spinup none`.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/common/number_format.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/model_bindings/parameters.hpp"
#include "engine/site/site_forcing.hpp"
#include "engine/site/site_run.hpp"
#include "engine/spinup/spinup.hpp"
#include "grids/input_error.hpp"
#include "models/common/model_info.hpp"

namespace alamod::engine::site_binding {

namespace m = alamod::models;

constexpr double kBalanceTolerance = 1e-9;        ///< per-step carbon balance, relative to the stocks and fluxes
constexpr double kEquilibriumTolerance = 1e-10;   ///< nonlinear spin-up: relative annual change of total C
constexpr double kCycleTolerance = 1e-6;          ///< `cycle` spin-up: |annual change of total C| (t ha-1), Shell.for
constexpr double kResidualTolerance = 1e-8;       ///< exact equilibrium: relative change over one more cycle
constexpr long kMaxSpinupYears = 1000000;         ///< give up beyond this many cycled years
constexpr int kDefaultSpinupYears = 10;           ///< years at the start of the forcing cycled by the spin-up
constexpr double kTonnesPerHaPerGramPerM2 = 0.01; ///< 1 g m-2 = 0.01 t ha-1

/// "2001", "2001-03" or "2001-03-15": the time of step i at the series' resolution.
std::string step_label(const StepSeries& s, std::size_t i);

/// Carbon crossing the boundary of the soil during one model step (t ha-1).
struct Flux {
  double input, rh, leaching;
};

struct AdapterInput {
  const SiteForcing& f;
  const StepSeries& s;
  std::size_t spinup_steps;                      ///< model steps of the spin-up cycle
  const std::vector<std::string>& set_names;     ///< parameters set by the parameter file
  std::vector<std::string>& notes;               ///< derived inputs and assumptions
  std::string model;
};

/// A column of the series, or `fallback` repeated (with a note), or an error naming the column.
std::vector<double> series_or(const AdapterInput& in, const std::string& name, double fallback, const std::string& note);

/// Plant plus manure carbon per step (t ha-1); c_input is required.
std::vector<double> carbon_inputs(const AdapterInput& in);

/// Soil temperature: tsoil, or tas with a note.
std::vector<double> soil_temperature(const AdapterInput& in);

double property_noted(const AdapterInput& in, const std::string& key, double fallback, const std::string& unit);

[[noreturn]] void rethrow_site(const AdapterInput& in, const std::exception& e);

/// The model's valid range (its kValidRange, models/common/valid_range.hpp) applied to a series an adapter
/// uses for `variable` ("tas", "pr", "pet"; one value per step of in.s, read from `column`): the
/// Period::month bounds hold for every step of a monthly series (and for every day of a daily
/// temperature), the Period::year bounds for each year's mean temperature or total amount (whole years
/// only). Throws InputError naming the file, line, column, model, value, step or year and the range.
void check_series_range(const AdapterInput& in, const models::ValidRange* ranges, std::size_t count,
                        const std::string& variable, const std::vector<double>& values, const std::string& column);
template <std::size_t R>
void check_series_range(const AdapterInput& in, const std::array<models::ValidRange, R>& ranges,
                        const std::string& variable, const std::vector<double>& values, const std::string& column) {
  check_series_range(in, ranges.data(), R, variable, values, column);
}


template <class A, class = void>
struct HasOwnInitialState : std::false_type {};
template <class A>
struct HasOwnInitialState<A, std::void_t<decltype(&A::start_from_soc_initial)>> : std::true_type {};

/// Exact periodic equilibrium of a linear model (spinup::linear_periodic_steady_state, the solver of
/// the grid runs): one cycle of K steps is affine in the pools, x1 = M x0 + v, so the equilibrium is
/// x = (I - M)^-1 v. Leaves the adapter at the equilibrium; returns the largest relative change of a
/// pool over one more cycle.
template <class A>
double affine_equilibrium(A& a, std::size_t k_steps, const std::string& model) {
  a.begin_cycle(k_steps);
  const int n = static_cast<int>(a.state().size());
  auto cycle = [&](const double* x0, double* x1, bool inputs) {
    a.set_state(std::vector<double>(x0, x0 + n));
    a.reset_aux();
    for (std::size_t k = 0; k < k_steps; ++k) a.step(k, inputs);
    const std::vector<double> s = a.state();
    std::copy(s.begin(), s.end(), x1);
  };
  spinup::LinearSteadyState r;
  try {
    r = spinup::linear_periodic_steady_state(n, cycle);
  } catch (const std::runtime_error&) {
    throw InputError(model + ": no equilibrium for the spin-up years: a pool does not decompose over the cycle "
                     "(e.g. too cold or too dry); use --spinup none with soc_initial");
  }
  a.set_state(std::vector<double>(r.state.begin(), r.state.begin() + n));
  a.reset_aux();
  return r.residual;
}

/// Cycle the first K steps (spinup::cycle_until_converged) until the change of the active carbon over a
/// cycle, per year, is below abs_tol (t ha-1) or rel_tol times the stock. Returns the years cycled.
template <class A>
long cycle_until(A& a, std::size_t k_steps, int years, double abs_tol, double rel_tol, const std::string& model) {
  // The adapter carries its whole state (pools and auxiliary, e.g. RothC's deficit) from one cycle to the
  // next: a cycle steps it on from where it is, and `in` is the state it holds.
  auto cycle = [&](const double*, double* out) {
    for (std::size_t k = 0; k < k_steps; ++k) a.step(k, true);
    const std::vector<double> x = a.state();
    std::copy(x.begin(), x.end(), out);
  };
  long cycled = 0;
  double last = a.active_total(), change = 0.0;
  auto converged = [&](const double*, const double*) {
    cycled += years;
    const double now = a.active_total();
    change = std::fabs(now - last) / years;
    last = now;
    if (!std::isfinite(now))
      throw InputError(model + ": the spin-up diverged (non-finite pools after " + std::to_string(cycled) + " years)");
    return change < abs_tol || change < rel_tol * std::fabs(now);
  };
  const std::vector<double> x0 = a.state();
  const long max_cycles = (kMaxSpinupYears + years - 1) / years;  // the cycles that make kMaxSpinupYears
  if (!spinup::cycle_until_converged(static_cast<int>(x0.size()), cycle, x0.data(), converged, max_cycles).converged)
    throw InputError(model + ": the spin-up did not reach equilibrium within " + std::to_string(kMaxSpinupYears) +
                     " years (annual change " + short_number(change) + " t ha-1); use --spinup none with soc_initial");
  return cycled;
}

/// Whether the forcing brings carbon: in the spin-up years, anywhere.
struct InputPresence {
  bool spinup = true, ever = true;
};

/// The equilibrium of the spin-up cycle: exact for linear models, cycled (millennial) or the
/// steady state of the mean forcing (mimics). Without carbon input the equilibrium is empty pools:
/// exact for the linear models; for the nonlinear ones it is set, not cycled towards, when the forcing
/// never brings carbon, and refused when inputs start later (microbes cannot grow from nothing).
/// Returns a one-line description.
template <class A>
std::string equilibrium(A& a, std::size_t k_steps, int years, const std::string& model, InputPresence input = {}) {
  if constexpr (A::kLinear) {
    const double residual = affine_equilibrium(a, k_steps, model);
    if (!(residual <= kResidualTolerance))
      throw InputError(model + ": the exact equilibrium of the spin-up years is not periodic (largest relative change of a pool " +
                       short_number(residual) + " over one more cycle, expected <= " + short_number(kResidualTolerance) + ")");
    return "exact periodic equilibrium of the first " + std::to_string(years) +
           " years cycled (affine cycle map solved; largest relative change of a pool over one more cycle " +
           short_number(residual) + ")";
  } else {
    if (!input.spinup) {
      if (input.ever)
        throw InputError(model + ": the spin-up years (the first " + std::to_string(years) + ") have no carbon input: "
                         "the equilibrium is empty pools, from which the microbes cannot grow once inputs start; "
                         "expected inputs in the spin-up years (metadata spinup_years) or --spinup none with soc_initial");
      a.set_state(std::vector<double>(a.state().size(), 0.0));
      return "empty pools: the forcing brings no carbon, so the equilibrium is empty pools, exactly (not cycled)";
    }
    const std::string from = a.start_equilibrium(k_steps);
    const long cycled = cycle_until(a, k_steps, years, 0.0, kEquilibriumTolerance, model);
    return "first " + std::to_string(years) + " years cycled from " + from +
           " until the annual relative change of total carbon < " + short_number(kEquilibriumTolerance) + " (" +
           std::to_string(cycled) + " years)";
  }
}

template <class A>
std::string spin_up(A& a, const std::string& mode, std::size_t k_steps, int years, const SiteForcing& f,
                    const std::string& model, const std::function<std::vector<double>()>& vegetated_equilibrium,
                    InputPresence input = {}) {
  if (mode == "equilibrium") return equilibrium(a, k_steps, years, model, input);
  if (mode == "cycle") {
    a.cold_start(k_steps);
    const long cycled = cycle_until(a, k_steps, years, kCycleTolerance, 0.0, model);
    return "first " + std::to_string(years) + " years cycled from empty pools until |annual change of total carbon| < " +
           short_number(kCycleTolerance) + " t ha-1 (" + std::to_string(cycled) + " years)";
  }
  // none
  if constexpr (HasOwnInitialState<A>::value) return a.start_from_soc_initial(f.numbers.at("soc_initial"));
  if (!f.has_number("soc_initial")) {
    if constexpr (A::kLinear) {
      a.set_state(std::vector<double>(a.state().size(), 0.0));
      a.begin_cycle(k_steps);
      a.reset_aux();
      return "none: empty pools (no soc_initial)";
    } else {
      throw InputError(f.path + ": missing metadata (soc_initial), " + model +
                       " with --spinup none needs soc_initial (t ha-1): its microbes cannot start from empty pools");
    }
  }
  const double soc0 = f.numbers.at("soc_initial");
  {
    // a nonlinear model without input in the spin-up years has no equilibrium to take proportions from
    if (A::kLinear || input.spinup) equilibrium(a, k_steps, years, model);
    const double variable = A::kLinear || input.spinup ? a.total() - a.constant_total() : 0.0;
    const double target = soc0 - a.constant_total();
    if (!(target >= 0.0))
      throw InputError(f.path + ":" + std::to_string(f.metadata_line.at("soc_initial")) +
                       " (soc_initial): " + short_number(soc0) + " t ha-1 is below the constant pools (" +
                       short_number(a.constant_total()) + " t ha-1), expected more");
    if (!(variable > 0.0) && target > 0.0 && (A::kLinear || !input.spinup)) {
      // No carbon input in the spin-up years (a bare fallow): the pools the soil brought into the
      // experiment are those of vegetated land, so split soc_initial in the proportions of the
      // equilibrium under a constant plant input in the same climate.
      auto x = vegetated_equilibrium();
      a.set_state(x);
      const double variable_veg = a.total() - a.constant_total();
      const double scale = variable_veg > 0.0 ? target / variable_veg : 0.0;
      for (double& v : x) v *= scale;
      a.set_state(x);
      return "none: soc_initial split in the proportions of the equilibrium pools under a constant plant input "
             "in the climate of the first " + std::to_string(years) + " years (they have no carbon input: the soil "
             "entered the experiment from vegetated land; constant pools kept)";
    }
    const double scale = variable > 0.0 ? target / variable : 0.0;
    auto x = a.state();
    for (double& v : x) v *= scale;
    a.set_state(x);
    return "none: soc_initial split in the proportions of the equilibrium pools of the first " +
           std::to_string(years) + " years (constant pools kept)";
  }
}

template <class A, class P>
SiteRunResult run_adapter(const SiteRunOptions& opt, const SiteForcing& f, const P& params,
                          const std::vector<std::string>& set_names, SiteRunResult r) {
  const StepSeries s = resample(f, A::kStep);
  const int years_available = s.year.back() - s.year.front() + 1;
  int years = std::min(kDefaultSpinupYears, years_available);
  if (f.has_number("spinup_years")) years = static_cast<int>(f.numbers.at("spinup_years"));
  if (years > years_available)
    throw InputError(f.path + ":" + std::to_string(f.metadata_line.at("spinup_years")) + " (spinup_years): " +
                     std::to_string(years) + " years, but the forcing covers " + std::to_string(years_available) +
                     ", expected at most " + std::to_string(years_available));
  const std::size_t k_steps = s.steps_in_first_years(years);
  AdapterInput in{f, s, k_steps, set_names, r.notes, opt.model};
  A a(in, params);
  r.time_step = time_step_name(A::kStep);
  r.pool_names = A::pool_names();
  r.has_leaching = A::kLeaching;
  // The equilibrium state under 1 t ha-1 yr-1 of plant input over the spin-up years, same climate
  // (used by --spinup none when the spin-up years have no input).
  auto vegetated_equilibrium = [&]() {
    SiteForcing g = f;
    auto& cin = g.columns["c_input"];
    cin.assign(g.rows(), 0.0);
    const int first = g.year.front();
    for (std::size_t r = 0; r < g.rows(); ++r) {
      if (g.year[r] >= first + years) break;
      std::size_t in_year = 0;
      for (std::size_t q = 0; q < g.rows(); ++q) in_year += g.year[q] == g.year[r] ? 1 : 0;
      cin[r] = 1.0 / static_cast<double>(in_year);
    }
    g.columns.erase("fym");
    const StepSeries s2 = resample(g, A::kStep);
    std::vector<std::string> notes2;
    AdapterInput in2{g, s2, k_steps, set_names, notes2, opt.model};
    A a2(in2, params);
    equilibrium(a2, k_steps, years, opt.model);
    return a2.state();
  };
  InputPresence input;
  {
    double spinup = 0.0, ever = 0.0;
    for (const char* name : {"c_input", "fym", "yield"})
      if (s.has(name))
        for (std::size_t i = 0; i < s.steps(); ++i) {
          ever += std::fabs(s.at(name)[i]);
          if (i < k_steps) spinup += std::fabs(s.at(name)[i]);
        }
    input = {spinup > 0.0, ever > 0.0};
  }
  const std::string how = spin_up(a, opt.spinup, k_steps, years, f, opt.model, vegetated_equilibrium, input);
  r.metadata.push_back({"spinup", opt.spinup});
  r.metadata.push_back({"spinup_method", how});
  r.soc_start = a.total();
  r.metadata.push_back({"soc_start", exact_number(r.soc_start) + " t ha-1"});
  // The run, with the carbon balance of every step.
  for (std::size_t i = 0; i < s.steps(); ++i) {
    const double before = a.total();
    const Flux fl = a.step(i, true);
    const double after = a.total();
    SiteStepResult row;
    row.year = s.year[i];
    row.month = s.month[i];
    row.day = s.day[i];
    row.pools = a.pools();
    row.soc = after;
    row.c_input = fl.input;
    row.rh = fl.rh;
    row.leaching = fl.leaching;
    const std::string where = f.path + ":" + std::to_string(s.first_line[i]) + ": " + opt.model + " step " +
                              step_label(s, i);
    for (std::size_t k = 0; k < row.pools.size(); ++k)
      if (!std::isfinite(row.pools[k]))
        throw InputError(where + ": pool " + r.pool_names[k] + " is not finite, expected finite pools");
    const double change = after - before, net = fl.input - fl.rh - fl.leaching;
    const double scale = std::max({std::fabs(before), std::fabs(after), std::fabs(fl.input), std::fabs(fl.rh),
                                   std::fabs(fl.leaching), 1e-12});
    if (!(std::fabs(change - net) <= kBalanceTolerance * scale))
      throw InputError(where + ": carbon balance violated: stock change " + exact_number(change) +
                       " t ha-1, inputs - respiration - leaching " + exact_number(net) + " t ha-1, expected equal within " +
                       short_number(kBalanceTolerance) + " relative");
    r.steps.push_back(std::move(row));
  }
  return r;
}

/// One model's run: its parameters with the file applied (recorded in the output) and validated.
template <class A, class P, std::size_t N, class Validate>
SiteRunResult run_model(const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, P p,
                        const std::array<m::ParameterInfo<P>, N>& table, Validate validate, SiteRunResult r) {
  m::ModelInfo model;
  model.name = opt.model;
  model.parameters = m::parameter_rows(table, p);
  const auto values = checked_values(pf, model);
  set_parameters(table, values, p);
  std::vector<std::string> set_names;
  for (const auto& [name, value] : values) {
    set_names.push_back(name);
    for (const auto& row : model.parameters)
      if (row.name == name) r.metadata.push_back({"parameter", parameter_line(name, value, row.unit)});
  }
  validate_parameters(pf.path.empty() ? std::string("default parameters") : pf.path, p, validate);
  return run_adapter<A>(opt, f, p, set_names, std::move(r));
}


}  // namespace alamod::engine::site_binding
