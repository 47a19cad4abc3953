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

/// Potential evapotranspiration per mm of open-pan evaporation: RothC's convention (Coleman & Jenkinson
/// 1996, the 0.75 of its topsoil moisture deficit), used when a forcing has `evap` and a model needs `pet`.
constexpr double kPetPerPanEvaporation = 0.75;
/// The note of a site run whose pet comes from evap (evaluate reports it).
inline constexpr const char* kPetFromPanNote =
    "pet = 0.75 evap (no pet column: potential evapotranspiration from open-pan evaporation by RothC's convention, "
    "Coleman & Jenkinson 1996)";

/// A column of the series, or `fallback` repeated (with a note), or an error naming the column; `pet`
/// missing is 0.75 evap when the forcing has open-pan evaporation (with a note).
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

template <class A, class = void>
struct HasExtraColumns : std::false_type {};
template <class A>
struct HasExtraColumns<A, std::void_t<decltype(&A::extra_columns)>> : std::true_type {};

template <class A, class = void>
struct HasConstantPools : std::false_type {};
template <class A>
struct HasConstantPools<A, std::void_t<decltype(&A::set_constant_pools)>> : std::true_type {};

/// t ha-1 per unit of state of each pool that the model changes (pool j is state j; the pools after
/// them, RothC's IOM and AMG's stable pool, are constant): the state is the pools in the model's own
/// unit (g m-2, mg cm-3) and the conversion is linear.
template <class A>
std::vector<double> pool_scales(A& a) {
  const std::vector<double> keep = a.state();
  a.set_state(std::vector<double>(keep.size(), 1.0));
  const std::vector<double> p = a.pools();
  a.set_state(keep);
  return std::vector<double>(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(keep.size()));
}

/// The constant pools (after the state's) set to `values` (t ha-1): by the adapter where it holds them
/// (RothC's IOM, AMG's stable pool); otherwise they must already have these values.
template <class A>
void set_constant_pools(A& a, const std::vector<double>& values, const std::string& why) {
  if (values.empty()) return;
  if constexpr (HasConstantPools<A>::value) {
    a.set_constant_pools(values);
  } else {
    const auto pools = a.pools();
    const std::size_t n = a.state().size();
    for (std::size_t j = 0; j < values.size(); ++j)
      if (std::fabs(pools[n + j] - values[j]) > 1e-9 * std::max(1.0, std::fabs(values[j])))
        throw InputError(why + ": pool " + A::pool_names()[n + j] + " is constant in this model, expected it at " +
                         short_number(pools[n + j]) + " t ha-1");
  }
}

/// After a start state is set by hand: the auxiliary state of a linear model (RothC's deficit) at the
/// periodic value of the spin-up years.
template <class A>
void settle_aux(A& a, std::size_t k_steps) {
  if constexpr (A::kLinear) {
    a.begin_cycle(k_steps);
    a.reset_aux();
  }
}

/// The pools of the model whose share of the stock a measured stable fraction sets (the `stable` start,
/// docs/SITES.md "Starting states"): AMG's stable pool (Kanari et al. 2022), RothC's HUM with IOM counted
/// in it, ICBM's old pool, Yasso's H, CENTURY's passive pool. Millennial and MIMICS have no analogue.
inline int stable_pool_index(const std::vector<std::string>& names) {
  for (const char* n : {"stable", "HUM", "old", "H", "passive"})
    for (std::size_t j = 0; j < names.size(); ++j)
      if (names[j] == n) return static_cast<int>(j);
  return -1;
}

/// `soc0` split in the proportions of the equilibrium pools of the spin-up years (constant pools kept);
/// when those years have no carbon input, those of the equilibrium under a constant plant input in the
/// same climate (the soil came from vegetated land). Leaves the adapter there; returns how.
template <class A>
std::string scaled_equilibrium(A& a, double soc0, std::size_t k_steps, int years, const SiteForcing& f,
                               const std::string& model, const std::function<std::vector<double>()>& vegetated_equilibrium,
                               InputPresence input) {
  // a nonlinear model without input in the spin-up years has no equilibrium to take proportions from
  if (A::kLinear || input.spinup) equilibrium(a, k_steps, years, model);
  const double variable = A::kLinear || input.spinup ? a.total() - a.constant_total() : 0.0;
  const double target = soc0 - a.constant_total();
  if (!(target >= 0.0))
    throw InputError(f.path + ":" + std::to_string(f.metadata_line.count("soc_initial") ? f.metadata_line.at("soc_initial") : 0) +
                     " (soc_initial): " + short_number(soc0) + " t ha-1 is below the constant pools (" +
                     short_number(a.constant_total()) + " t ha-1), expected more");
  if (!(variable > 0.0) && target > 0.0 && (A::kLinear || !input.spinup)) {
    auto x = vegetated_equilibrium();
    a.set_state(x);
    const double variable_veg = a.total() - a.constant_total();
    const double scale = variable_veg > 0.0 ? target / variable_veg : 0.0;
    for (double& v : x) v *= scale;
    a.set_state(x);
    settle_aux(a, k_steps);
    return "split in the proportions of the equilibrium pools under a constant plant input in the climate of the "
           "first " + std::to_string(years) + " years (they have no carbon input: the soil entered the experiment "
           "from vegetated land; constant pools kept)";
  }
  const double scale = variable > 0.0 ? target / variable : 0.0;
  auto x = a.state();
  for (double& v : x) v *= scale;
  a.set_state(x);
  return "split in the proportions of the equilibrium pools of the first " + std::to_string(years) +
         " years (constant pools kept)";
}

/// The start of a site run (docs/SITES.md, "Starting states"; mode = --spinup):
///   observed (default): soc_initial (the first observed stock) split in the proportions of the equilibrium
///     pools; the equilibrium when there is no soc_initial;
///   equilibrium, cycle: the equilibrium of the spin-up years (exact / cycled);
///   none: soc_initial split as `observed`, empty pools without it;
///   history: the equilibrium under the land use and inputs before the experiment (history_* metadata);
///   pools: the pool_NAME metadata, t ha-1;
///   stable: soc_initial with the measured stable fraction (stable_fraction) in the model's stable pool.
template <class A>
std::string spin_up(A& a, const std::string& mode, std::size_t k_steps, int years, const SiteForcing& f,
                    const std::string& model, const std::function<std::vector<double>()>& vegetated_equilibrium,
                    const std::function<std::vector<double>()>& history_equilibrium, InputPresence input = {}) {
  const bool has_soc0 = f.has_number("soc_initial");
  if (mode == "equilibrium" || (mode == "observed" && !has_soc0)) {
    const std::string how = equilibrium(a, k_steps, years, model, input);
    return mode == "observed" ? "observed: no soc_initial (no observed stock), so the " + how : how;
  }
  if (mode == "cycle") {
    a.cold_start(k_steps);
    const long cycled = cycle_until(a, k_steps, years, kCycleTolerance, 0.0, model);
    return "first " + std::to_string(years) + " years cycled from empty pools until |annual change of total carbon| < " +
           short_number(kCycleTolerance) + " t ha-1 (" + std::to_string(cycled) + " years)";
  }
  if (mode == "history") {
    if (!f.has_number("history_c_input"))
      throw InputError(f.path + ": missing metadata (history_c_input), --spinup history needs the plant carbon input "
                       "before the experiment; expected a line '# history_c_input: VALUE t ha-1 yr-1' before the header");
    a.set_state(history_equilibrium());
    settle_aux(a, k_steps);
    std::string how = "history: the equilibrium under the land use before the experiment (" +
                      (f.texts.count("history_land_use") ? f.texts.at("history_land_use") : std::string("the experiment's land use")) +
                      ", plant input " + short_number(f.numbers.at("history_c_input")) + " t ha-1 yr-1, manure " +
                      short_number(f.has_number("history_fym") ? f.numbers.at("history_fym") : 0.0) +
                      " t ha-1 yr-1, spread evenly over each year) in the climate of the first " + std::to_string(years) + " years";
    return how;
  }
  if (mode == "pools") {
    const auto names = A::pool_names();
    std::string expected;
    for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + ("pool_" + n);
    // an unknown pool name (a typo, another model's pool) is an error naming its line
    for (const auto& [key, line] : f.metadata_line)
      if (key.rfind("pool_", 0) == 0 && std::find(names.begin(), names.end(), key.substr(5)) == names.end())
        throw InputError(f.path + ":" + std::to_string(line) + " (" + key + "): unknown pool of " + model +
                         " for --spinup pools, expected one of " + expected + " (`alamod models show " + model + "`)");
    std::vector<double> given;
    std::string missing;
    for (const auto& n : names) {
      if (f.has_number("pool_" + n)) given.push_back(f.numbers.at("pool_" + n));
      else missing += (missing.empty() ? "" : ", ") + ("pool_" + n);
    }
    if (!missing.empty())
      throw InputError(f.path + ":" + std::to_string(f.header_line) + " (" + missing.substr(0, missing.find(',')) +
                       "): " + std::to_string(given.size()) + " of the " + std::to_string(names.size()) +
                       " pools of " + model + " given, --spinup pools needs every one (t ha-1); missing " + missing +
                       ", expected lines '# pool_NAME: VALUE t ha-1' before the header");
    const std::size_t n = a.state().size();
    const auto scale = pool_scales(a);
    set_constant_pools(a, std::vector<double>(given.begin() + static_cast<std::ptrdiff_t>(n), given.end()),
                       f.path + " (--spinup pools)");
    std::vector<double> x(n);
    for (std::size_t j = 0; j < n; ++j) x[j] = scale[j] != 0.0 ? given[j] / scale[j] : 0.0;
    a.set_state(x);
    settle_aux(a, k_steps);
    return "pools: the pool_NAME metadata of the forcing";
  }
  if (mode == "stable") {
    if (!f.has_number("stable_fraction") || !has_soc0)
      throw InputError(f.path + ": missing metadata (" + std::string(f.has_number("stable_fraction") ? "soc_initial" : "stable_fraction") +
                       "), --spinup stable needs soc_initial (t ha-1) and the measured stable fraction stable_fraction (1)");
    const double soc0 = f.numbers.at("soc_initial"), frac = f.numbers.at("stable_fraction");
    const auto names = A::pool_names();
    const int js = stable_pool_index(names);
    if (js < 0)
      throw InputError(f.path + ":" + std::to_string(f.metadata_line.at("stable_fraction")) + " (stable_fraction): " + model +
                       " has no pool for the centennially stable carbon (its mineral-associated pool is not the thermal "
                       "fraction, Delahaie et al. 2024), expected another --spinup for it");
    const std::size_t n = a.state().size(), s = static_cast<std::size_t>(js);
    const double stable = frac * soc0;
    if (s >= n) {  // the stable pool is constant (AMG): Kanari et al. 2022
      if constexpr (HasOwnInitialState<A>::value) a.start_from_soc_initial(soc0);  // its own first-year input
      else settle_aux(a, k_steps);
      set_constant_pools(a, {stable}, f.path + " (--spinup stable)");
      const auto scale = pool_scales(a);
      std::vector<double> x(n, 0.0);  // n = 1 for AMG: its active pool
      x[0] = (soc0 - stable) / scale[0];
      a.set_state(x);
      return "stable: stable pool = stable_fraction x soc_initial = " + short_number(frac) + " x " + short_number(soc0) +
             " t ha-1, active = the rest (Kanari et al. 2022)";
    }
    scaled_equilibrium(a, soc0, k_steps, years, f, model, vegetated_equilibrium, input);
    const auto scale = pool_scales(a);
    auto x = a.state();
    const double in_stable = stable - a.constant_total();
    if (!(in_stable >= 0.0))
      throw InputError(f.path + ":" + std::to_string(f.metadata_line.at("stable_fraction")) + " (stable_fraction): " +
                       short_number(frac) + " x " + short_number(soc0) + " t ha-1 is below the constant pools of " + model +
                       " (" + short_number(a.constant_total()) + " t ha-1), expected a larger fraction");
    double others = 0.0;
    for (std::size_t j = 0; j < n; ++j)
      if (j != s) others += x[j] * scale[j];
    const double rest = soc0 - stable;
    if (!(others > 0.0) && rest > 0.0)
      throw InputError(f.path + ": " + model + ": no equilibrium proportions for the pools besides " + names[s]);
    for (std::size_t j = 0; j < n; ++j) x[j] = j == s ? in_stable / scale[j] : (others > 0.0 ? x[j] * rest / others : 0.0);
    a.set_state(x);
    settle_aux(a, k_steps);
    return "stable: " + names[s] + (a.constant_total() > 0.0 ? " + constant pools" : std::string()) +
           " = stable_fraction x soc_initial = " + short_number(frac) + " x " + short_number(soc0) +
           " t ha-1, the other pools the rest in the proportions of the equilibrium (rule of docs/SITES.md, a proposal: "
           "no published mapping for " + model + ")";
  }
  // none, observed with soc_initial
  if constexpr (HasOwnInitialState<A>::value) {
    if (has_soc0 || mode == "none") {
      const std::string how = a.start_from_soc_initial(f.numbers.at("soc_initial"));
      return mode == "none" ? how : mode + how.substr(how.find(':'));
    }
  }
  if (!has_soc0) {
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
  return mode + ": soc_initial " +
         scaled_equilibrium(a, f.numbers.at("soc_initial"), k_steps, years, f, model, vegetated_equilibrium, input);
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
  if (opt.spinup == "stable" && stable_pool_index(A::pool_names()) < 0)  // before the forcing is mapped
    throw InputError((f.metadata_line.count("stable_fraction")
                          ? f.path + ":" + std::to_string(f.metadata_line.at("stable_fraction")) + " (stable_fraction): "
                          : std::string("--spinup stable: ")) +
                     opt.model + " has no pool for the centennially stable carbon (its mineral-associated pool is not "
                     "the thermal fraction, Delahaie et al. 2024), expected another --spinup for it");
  AdapterInput in{f, s, k_steps, set_names, r.notes, opt.model};
  A a(in, params);
  r.time_step = time_step_name(A::kStep);
  r.pool_names = A::pool_names();
  r.has_leaching = A::kLeaching;
  if constexpr (HasExtraColumns<A>::value) r.extra_columns = A::extra_columns();
  // The equilibrium state under a constant yearly plant and manure input over the spin-up years, same
  // climate, and (history) another land use: the input spread evenly over the steps of each year.
  auto equilibrium_under = [&](double plant_per_year, double fym_per_year, const std::string& land_use) {
    SiteForcing g = f;
    auto& cin = g.columns["c_input"];
    cin.assign(g.rows(), 0.0);
    std::vector<double> fym(g.rows(), 0.0);
    const int first = g.year.front();
    for (std::size_t r = 0; r < g.rows(); ++r) {
      if (g.year[r] >= first + years) break;
      std::size_t in_year = 0;
      for (std::size_t q = 0; q < g.rows(); ++q) in_year += g.year[q] == g.year[r] ? 1 : 0;
      cin[r] = plant_per_year / static_cast<double>(in_year);
      fym[r] = fym_per_year / static_cast<double>(in_year);
    }
    if (fym_per_year > 0.0) g.columns["fym"] = fym;
    else g.columns.erase("fym");
    g.columns.erase("yield");
    if (!land_use.empty()) {
      g.texts["land_use"] = land_use;
      g.columns.erase("dpm_rpm_ratio");
      g.numbers.erase("dpm_rpm_ratio");
      if (g.columns.count("cover")) g.columns["cover"].assign(g.rows(), land_use == "bare" ? 0.0 : 1.0);
    }
    const StepSeries s2 = resample(g, A::kStep);
    std::vector<std::string> notes2;
    AdapterInput in2{g, s2, k_steps, set_names, notes2, opt.model};
    A a2(in2, params);
    equilibrium(a2, k_steps, years, opt.model, InputPresence{plant_per_year + fym_per_year > 0.0, plant_per_year + fym_per_year > 0.0});
    return a2.state();
  };
  auto vegetated_equilibrium = [&]() { return equilibrium_under(1.0, 0.0, ""); };
  auto history_equilibrium = [&]() {
    return equilibrium_under(f.numbers.at("history_c_input"),
                             f.has_number("history_fym") ? f.numbers.at("history_fym") : 0.0,
                             f.texts.count("history_land_use") ? f.texts.at("history_land_use") : std::string());
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
  const std::string how = spin_up(a, opt.spinup, k_steps, years, f, opt.model, vegetated_equilibrium,
                                  history_equilibrium, input);
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
    if constexpr (HasExtraColumns<A>::value) row.extra = a.extra();
    // The position of a failing step, built only when a check fails (it was ~40 % of a RothC site step).
    const auto where = [&] {
      return f.path + ":" + std::to_string(s.first_line[i]) + ": " + opt.model + " step " + step_label(s, i);
    };
    for (std::size_t k = 0; k < row.pools.size(); ++k)
      if (!std::isfinite(row.pools[k]))
        throw InputError(where() + ": pool " + r.pool_names[k] + " is not finite, expected finite pools");
    const double change = after - before, net = fl.input - fl.rh - fl.leaching;
    const double scale = std::max({std::fabs(before), std::fabs(after), std::fabs(fl.input), std::fabs(fl.rh),
                                   std::fabs(fl.leaching), 1e-12});
    if (!(std::fabs(change - net) <= kBalanceTolerance * scale))
      throw InputError(where() + ": carbon balance violated: stock change " + exact_number(change) +
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
