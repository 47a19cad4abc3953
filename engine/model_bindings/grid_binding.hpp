#pragma once
/// The grid binding of a model that steps one cell at a time (every model but RothC, whose block
/// kernel has its own binding in rothc.cpp). A Traits struct, in the model's binding file, says for one
/// cell and one year of monthly forcing how the model's inputs derive from what the grid has
/// (models/*/README.md "Grid runs"); CellGrid<Traits> does the rest: per-cell constants, the exact
/// linear spin-up or the PETSc SNES spin-up (engine/spinup/spinup.hpp), the inverse spin-up of the
/// linear models, the yearly loop and the restart state.
///
/// What a Traits struct holds:
///   kState (values of state per cell), kLinear (the year map is affine in the state), kLeaching (the
///   model leaches carbon: the output gains fCarbonLeaching), kRule (one line: how the grid's inputs
///   become the model's, recorded in the output), Params p, struct Cell (per-cell constants);
///   pool_names(); cell(CellInput) -> Cell; year(Cell, Year, double* state) -> Flux (t ha-1 yr-1);
///   nonlinear models also guess(Cell, Year, state), the start of the SNES. Optionally: pools(Cell, state,
///   out) (t ha-1; without it the pools are the state), constant(Cell) (t ha-1 of pools the state does
///   not hold; without it 0), a static flux_meaning() (engine/model_bindings/grid_model.hpp) and
///   years(const Cell* cells, const Year* years, double* x, Flux* out, size_t n): a block kernel for the
///   yearly loop, n cells at once (states kState apart), which must give the bits of year() cell by cell
///   (the spin-ups keep calling year()); and for a linear model periodic_steady_state(Cell, Year, x) -> bool:
///   the periodic equilibrium of the year in closed form (1 simulated year of work or less instead of
///   kState + 1), false where it has none, which leaves the cell to the general construction.
///   A model that takes scenario inputs (GridModel::set_input_change) has year_changed(Cell, Year, double*
///   state, const Added&) -> Flux: one year with carbon added by kind and month and every decomposition rate
///   times a factor (the Year already holds the plant input times its factor); the cells a change leaves without
///   additions and with a decomposition factor of 1 keep the plain path, year() or years(), with their plant input
///   times the factor. Optionally years_added(const Cell*, const Year*, const Added*, double* x, Flux*, size_t n):
///   year_changed for n cells whose decomposition factor is 1, through a block kernel (the same bits).
#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "grids/calendar.hpp"
#include "engine/common/number_format.hpp"
#include "engine/configuration/config.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "engine/model_bindings/parameters.hpp"
#include "engine/model_bindings/scenario_inputs.hpp"
#include "engine/spinup/spinup.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine::grid_binding {

namespace m = alamod::models;

constexpr double kTonnesPerHaPerGramPerM2 = 0.01;  ///< 1 g m-2 = 0.01 t ha-1
constexpr int kSpinupCalendarYear = 2001;          ///< a 365-day year: month lengths of the mean spin-up year

/// One month of a cell's forcing, inputs already scaled (0 when the cycle runs without inputs).
struct Month {
  double tas;    ///< degC
  double pr;     ///< mm month-1
  double pet;    ///< mm month-1
  double input;  ///< plant carbon input of the month (t ha-1)
  double fym;    ///< manure carbon of the month (t ha-1)
  int days;      ///< days in the month
};
using Year = std::array<Month, 12>;

/// A scenario's change of one cell in one year (engine/model_bindings/scenario_inputs.hpp): the carbon added
/// per kind (AddedInput) and month, already spread over the months, and the factor on every decomposition rate.
struct Added {
  std::array<std::array<double, 12>, kAddedInputKinds> month{};  ///< t C ha-1 in month m of kind k: [k][m]
  std::array<double, kAddedInputKinds> year{};                   ///< t C ha-1 yr-1 of each kind
  double decomposition = 1.0;                                    ///< (1)
  const LandUseClass* land_use = nullptr;                        ///< the cell's class (the plant kind's quality)
};

/// What a cell's static layers give every model.
struct CellInput {
  double clay_pct, soc_observed, annual_input;
  const LandUseClass* land_use;
  double depth_cm;
};

/// Carbon crossing the boundary of the soil over a year (t ha-1).
struct Flux {
  double input = 0, rh = 0, leaching = 0;
};

inline double annual_sum(const Year& y, double Month::*field) {
  double s = 0.0;
  for (const auto& mo : y) s += mo.*field;
  return s;
}
inline double annual_mean(const Year& y, double Month::*field) { return annual_sum(y, field) / 12.0; }

template <class T, class = void>
struct HasFluxMeaning : std::false_type {};
template <class T>
struct HasFluxMeaning<T, std::void_t<decltype(T::flux_meaning())>> : std::true_type {};
template <class T, class = void>
struct HasPools : std::false_type {};
template <class T>
struct HasPools<T, std::void_t<decltype(&T::pools)>> : std::true_type {};
template <class T, class = void>
struct HasPeriodicSteadyState : std::false_type {};
template <class T>
struct HasPeriodicSteadyState<T, std::void_t<decltype(&T::periodic_steady_state)>> : std::true_type {};
template <class T, class = void>
struct HasCycleJacobian : std::false_type {};
template <class T>
struct HasCycleJacobian<T, std::void_t<decltype(&T::cycle_jacobian)>> : std::true_type {};
template <class T, class = void>
struct HasYears : std::false_type {};
template <class T>
struct HasYears<T, std::void_t<decltype(&T::years)>> : std::true_type {};
template <class T, class = void>
struct HasYearChanged : std::false_type {};
template <class T>
struct HasYearChanged<T, std::void_t<decltype(&T::year_changed)>> : std::true_type {};
template <class T, class = void>
struct HasYearsAdded : std::false_type {};
template <class T>
struct HasYearsAdded<T, std::void_t<decltype(&T::years_added)>> : std::true_type {};
/// Traits whose constant pools may change during a run (set_constant(Cell&, double)): land-use change mixes them
/// area-weighted like the state, so they travel with the state (state() gives them as "constant": checkpoints,
/// cell moves, the kept branch state and the land-use mixing carry them).
template <class T, class = void>
struct HasSetConstant : std::false_type {};
template <class T>
struct HasSetConstant<T, std::void_t<decltype(&T::set_constant)>> : std::true_type {};

template <class T, class = void>
struct HasConstant : std::false_type {};
template <class T>
struct HasConstant<T, std::void_t<decltype(&T::constant)>> : std::true_type {};

template <class T>
class CellGrid final : public GridModel {
 public:
  CellGrid(const RunConfig& cfg, T traits, std::string parameters)
      : cfg_(cfg), t_(std::move(traits)), parameters_(std::move(parameters)) {}

  FluxMeaning flux_meaning() const override {
    if constexpr (HasFluxMeaning<T>::value) return T::flux_meaning();
    else return {};
  }

  bool leaches() const override { return T::kLeaching; }
  std::vector<std::string> pool_names() const override { return T::pool_names(); }
  std::string parameters_text() const override { return parameters_; }
  const std::vector<double>& input_scale() const override { return scale_; }

  void set_cells(const GridCells& c, const std::function<std::string(std::size_t)>& describe) override {
    const size_t n = c.land_class.size();
    copy_cells(land_class_, c.land_class);
    copy_cells(annual_input_, c.annual_input);
    copy_cells(soc_observed_, c.soc_observed);
    cells_.clear();
    room_for_cells(cells_, n);
    for (size_t i = 0; i < n; ++i) {
      try {
        cells_.push_back(t_.cell(input(c, i)));
      } catch (const std::exception& e) {
        throw InputError(cfg_.model + " at land " + describe(i) + ": " + e.what());
      }
    }
    describe_ = describe;
    fill_cells(scale_, n, 1.0);
    fill_cells(x_, n * T::kState, 0.0);
    change_ = {};  // a scenario's change was for the cells before: it sets it again
  }

  SpinupReport spin_up(const CellClimate& mean, bool inverse) override {
    const size_t n = cells_.size();
    SpinupReport rep;
    rep.residual.assign(n, 0.0);
    rep.cycles.assign(n, 0.0);
    if constexpr (T::kLinear) {
      for (size_t i = 0; i < n; ++i) {
        // a change of inputs in force (set before the spin-up: the vegetation's litter) is spun up with: the plant
        // input times its factor, the additions by kind through year_changed
        const bool changed = special_in_spinup(i);
        Year y = year_of(mean, i, kSpinupCalendarYear, 1.0, change_.plant_factor(i));
        auto cycle = [&](const double* in, double* out, bool with_inputs) {
          Year yy = y;
          if (!with_inputs)
            for (auto& mo : yy) mo.input = mo.fym = 0.0;
          std::copy(in, in + T::kState, out);
          if (changed) year_with_change(i, yy, out, with_inputs ? 1.0 : 0.0);
          else t_.year(cells_[i], yy, out);
        };
        spinup::LinearSteadyState r;
        if (changed) {
          // no closed form with additions: the general construction below
        } else if constexpr (HasPeriodicSteadyState<T>::value) {
          // the model's closed form, then one cycle to check it
          std::array<double, T::kState> closed{}, next{};
          bool found = false;
          try {
            found = t_.periodic_steady_state(cells_[i], y, closed.data());
          } catch (const std::exception&) {
            found = false;
          }
          if (found) {
            next = closed;
            t_.year(cells_[i], y, next.data());
            std::copy(closed.begin(), closed.end(), r.state.begin());
            r.residual = spinup::relative_change(T::kState, closed.data(), next.data());
            r.cycles = 2;
          }
        }
        try {
          if (r.cycles == 0) r = spinup::linear_periodic_steady_state(T::kState, cycle);
        } catch (const std::runtime_error&) {  // I - M singular
          throw InputError(no_decomposition(i, y));
        } catch (const std::exception& e) {
          throw InputError(cfg_.model + " spin-up at land " + describe_(i) + ": " + e.what());
        }
        for (int k = 0; k < T::kState; ++k)
          if (!std::isfinite(r.state[k])) throw InputError(no_decomposition(i, y));
        if (!(annual_sum(y, &Month::input) + annual_sum(y, &Month::fym) + added_total(i) > 0.0)) ++rep.empty;
        double* x = x_.data() + i * T::kState;
        std::copy(r.state.begin(), r.state.begin() + T::kState, x);
        rep.residual[i] = r.residual;
        rep.cycles[i] = r.cycles;
        if (inverse) {
          std::array<double, T::kState> pools{};
          pools_of(cells_[i], x, pools.data());
          double total = 0.0;
          for (double v : pools) total += v;
          const double constant = constant_of(cells_[i]);
          const double variable = total - constant, target = soc_observed_[i] - constant;
          if (variable == 0.0 && !(annual_sum(y, &Month::input) + annual_sum(y, &Month::fym) > 0.0)) {
            // a tile without input (e.g. a sealed class created by land-use change, input_factor 0): nothing to
            // scale; its variable pools stay empty and its constant ones hold its carbon, as RothC's IOM does
            scale_[i] = 0.0;
            continue;
          }
          if (!(target > 0.0) || !(variable > 0.0))
            throw InputError(cfg_.soc_stock + ": the observed stock " + format_number("%g", soc_observed_[i]) +
                             " t ha-1 at land " + describe_(i) + " is not above " + cfg_.model +
                             "'s constant pools (" + format_number("%g", constant) + " t ha-1) or the cell has no input");
          const double scale = target / variable;
          for (int k = 0; k < T::kState; ++k) x[k] *= scale;
          scale_[i] = scale;
          const Year ys = year_of(mean, i, kSpinupCalendarYear, scale, change_.plant_factor(i));
          std::array<double, T::kState> next{};
          std::copy(x, x + T::kState, next.begin());
          if (changed) year_with_change(i, ys, next.data(), scale);  // the additions scaled too
          else t_.year(cells_[i], ys, next.data());
          rep.residual[i] = spinup::relative_change(T::kState, x, next.data());
          rep.cycles[i] += 1;
        }
      }
      // The same text on every rank (it is written collectively into the output): which cells took the
      // closed form shows in their spin-up years (spinup_iterations), not here.
      const std::string general = std::to_string(T::kState + 1) + " years to build the affine map of the mean year, 1 to check";
      rep.method = std::string("exact periodic equilibrium of the mean year (") +
                   (HasPeriodicSteadyState<T>::value
                        ? "in closed form: 1 year, 1 to check; where there is none, " + general
                        : general) +
                   (inverse ? ", 1 more after scaling the inputs" : "") + "); " + T::kRule;
    } else {
      if (inverse)
        throw InputError(cfg_.path + ": spinup.method = \"inverse\" needs a linear model (rothc, icbm, yasso15, "
                         "yasso07, century, amg); " + cfg_.model + " is nonlinear");
      spinup::NonlinearOptions opt;
      opt.max_fallback_cycles = 20000;
      spinup::NonlinearSpinup solver(T::kState, opt);
      long iterations = 0;
      for (size_t i = 0; i < n; ++i) {
        const bool changed = special_in_spinup(i);
        const Year y = year_of(mean, i, kSpinupCalendarYear, 1.0, change_.plant_factor(i));
        if (!(annual_sum(y, &Month::input) + annual_sum(y, &Month::fym) + added_total(i) > 0.0)) {
          // No carbon input: every pool decays towards 0 and the equilibrium is empty pools, exactly
          // (the state stays 0 under the cycle); cycling would only approach it.
          std::fill(x_.data() + i * T::kState, x_.data() + (i + 1) * T::kState, 0.0);
          ++rep.empty;
          continue;
        }
        spinup::Pools guess{};
        try {
          t_.guess(cells_[i], y, guess.data());
        } catch (const std::exception& e) {
          throw InputError(cfg_.model + " spin-up at land " + describe_(i) + ": no start for the solver: " + e.what());
        }
        const spinup::CycleMap map = [&](const double* in, double* out) {
          std::copy(in, in + T::kState, out);
          if (changed) year_with_change(i, y, out, 1.0);
          else t_.year(cells_[i], y, out);
        };
        spinup::NonlinearSteadyState r;
        if (changed) {
          r = solver.solve(map, guess.data());  // the model's Jacobian cycles know no additions
        } else if constexpr (HasCycleJacobian<T>::value) {
          const spinup::CycleWithJacobian cycle = [&](const double* in, double* out, double* jac, int k) {
            t_.cycle_jacobian(cells_[i], y, in, out, jac, k);
          };
          r = solver.solve(cycle, map, guess.data());
        } else {
          r = solver.solve(map, guess.data());
        }
        if (!r.converged) throw InputError(no_periodic_equilibrium(i, y, r, opt.max_fallback_cycles));
        std::copy(r.state.begin(), r.state.begin() + T::kState, x_.data() + i * T::kState);
        rep.residual[i] = r.residual;
        rep.cycles[i] = static_cast<double>(r.cycles);
        if constexpr (HasCycleJacobian<T>::value) {
          if (r.jacobians > 0)  // the work of the Jacobians: the first coarse, the later ones finer
            rep.cycles[i] += T::kFirstJacobianCycles + static_cast<double>(r.jacobians - 1) * T::kJacobianCycles;
          rep.cycles[i] += T::kGuessCycles;                                           // and of the start
        }
        iterations += r.snes_iterations;
        rep.flagged += r.fallback_cycles > 0 ? 1 : 0;
      }
      rep.flagged_what = "cells the SNES left to plain cycling";
      rep.method = std::string("periodic equilibrium of the mean year by ") +
                   (HasCycleJacobian<T>::value
                        ? "Newton cycles (the Jacobians of the first two cycles from the model's step Jacobians "
                          "within each month, Broyden updates after), then where needed "
                        : "") +
                   "PETSc SNES (" + solver.method() +
                   ", log-pool variables, matrix-free Jacobian; fall-back to plain cycling); " + T::kRule;
    }
    return rep;
  }

  SpinupReport brute_force_spin_up(const CellClimate& mean, double tolerance, long max_years) override {
    const size_t n = cells_.size();
    SpinupReport rep;
    rep.residual.assign(n, 0.0);
    rep.cycles.assign(n, 0.0);
    rep.method = std::string("brute force: the mean year cycled from ") + (T::kLinear ? "empty pools" : "the solver's start") +
                 " until one more cycle changes every pool by at most " + format_number("%g", tolerance) + " (relative); " + T::kRule;
    rep.flagged_what = "cells not converged within " + std::to_string(max_years) + " years";
    for (size_t i = 0; i < n; ++i) {
      const Year y = year_of(mean, i, kSpinupCalendarYear, 1.0);
      spinup::Pools x0{};
      if (!T::kLinear && !(annual_sum(y, &Month::input) + annual_sum(y, &Month::fym) > 0.0)) {
        // no carbon input: the equilibrium is empty pools (cycling from the solver's start only approaches it)
        std::fill(x_.data() + i * T::kState, x_.data() + (i + 1) * T::kState, 0.0);
        ++rep.empty;
        continue;
      }
      if constexpr (!T::kLinear) t_.guess(cells_[i], y, x0.data());
      const auto r = spinup::cycle_to_steady_state(
          T::kState,
          [&](const double* in, double* out) {
            std::copy(in, in + T::kState, out);
            t_.year(cells_[i], y, out);
          },
          x0.data(), tolerance, max_years);
      std::copy(r.state.begin(), r.state.begin() + T::kState, x_.data() + i * T::kState);
      rep.residual[i] = r.residual;
      rep.cycles[i] = static_cast<double>(r.cycles);
      rep.flagged += r.converged ? 0 : 1;
    }
    return rep;
  }

  void set_input_change(const InputChange& change) override {
    if constexpr (HasYearChanged<T>::value) change_.set(change, cells_.size(), cfg_.model);
    else GridModel::set_input_change(change);
  }

  void step_year(int year, const CellClimate& climate, YearFluxes& f) override {
    const size_t n = cells_.size();
    f.input.resize(n);
    f.rh.resize(n);
    f.leaching.resize(n);
    if constexpr (HasYearChanged<T>::value) {
      if (change_.active) {
        step_year_changed(year, climate, f);
        return;
      }
    }
    if constexpr (HasYears<T>::value) {
      // A block kernel: the cells a chunk at a time (the same bits as year() cell by cell).
      constexpr size_t kChunk = 256;
      std::vector<Year> years(std::min(n, kChunk));
      std::vector<Flux> fluxes(years.size());
      for (size_t first = 0; first < n; first += kChunk) {
        const size_t count = std::min(kChunk, n - first);
        for (size_t i = 0; i < count; ++i) years[i] = year_of(climate, first + i, year, scale_[first + i]);
        t_.years(cells_.data() + first, years.data(), x_.data() + first * T::kState, fluxes.data(), count);
        for (size_t i = 0; i < count; ++i) {
          f.input[first + i] = fluxes[i].input;
          f.rh[first + i] = fluxes[i].rh;
          f.leaching[first + i] = fluxes[i].leaching;
        }
      }
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      const Flux fl = t_.year(cells_[i], year_of(climate, i, year, scale_[i]), x_.data() + i * T::kState);
      f.input[i] = fl.input;
      f.rh[i] = fl.rh;
      f.leaching[i] = fl.leaching;
    }
  }

  /// The year under a scenario's change: the cells with additions or a decomposition factor one by one through
  /// year_changed, the others by the plain path (in runs of consecutive cells for a block kernel) with their plant
  /// input times the factor.
  void step_year_changed(int year, const CellClimate& climate, YearFluxes& f) {
    const size_t n = cells_.size();
    auto put = [&](size_t i, const Flux& fl) {
      f.input[i] = fl.input;
      f.rh[i] = fl.rh;
      f.leaching[i] = fl.leaching;
    };
    auto special = [&](size_t i) { return change_.any_special && change_.special[i]; };
    // cells with additions only, for a block kernel that takes them (years_added)
    auto added_only = [&](size_t i) { return HasYearsAdded<T>::value && special(i) && change_.decomposition_factor(i) == 1.0; };
    auto added_of = [&](size_t i) {
      Added a;
      a.land_use = &cfg_.land_uses[static_cast<size_t>(land_class_[i])];
      a.decomposition = change_.decomposition_factor(i);
      for (int k = 0; k < kAddedInputKinds; ++k) {
        a.year[static_cast<size_t>(k)] = change_.add(k, i);
        if (a.year[static_cast<size_t>(k)] == 0.0) continue;
        const auto shares = scenario_inputs::monthly_shares(k, *a.land_use);
        for (int mo = 0; mo < 12; ++mo)
          a.month[static_cast<size_t>(k)][static_cast<size_t>(mo)] = a.year[static_cast<size_t>(k)] * shares[static_cast<size_t>(mo)];
      }
      return a;
    };
    if constexpr (HasYearChanged<T>::value) {
      constexpr size_t kChunk = 256;
      std::array<Year, kChunk> years;
      std::array<Flux, kChunk> fluxes;
      for (size_t first = 0; first < n; first += kChunk) {
        const size_t count = std::min(kChunk, n - first);
        size_t i = first;
        while (i < first + count) {
          if constexpr (HasYearsAdded<T>::value) {
            if (added_only(i)) {
              size_t end = i;
              while (end < first + count && added_only(end)) ++end;
              added_.resize(end - i);
              for (size_t j = i; j < end; ++j) {
                years[j - i] = year_of(climate, j, year, scale_[j], change_.plant_factor(j));
                added_[j - i] = added_of(j);
              }
              t_.years_added(cells_.data() + i, years.data(), added_.data(), x_.data() + i * T::kState, fluxes.data(), end - i);
              for (size_t j = i; j < end; ++j) put(j, fluxes[j - i]);
              i = end;
              continue;
            }
          }
          if (special(i)) {
            const Year y = year_of(climate, i, year, scale_[i], change_.plant_factor(i));
            put(i, t_.year_changed(cells_[i], y, x_.data() + i * T::kState, added_of(i)));
            ++i;
            continue;
          }
          size_t end = i;  // a run of plain cells
          while (end < first + count && !special(end)) ++end;
          if constexpr (HasYears<T>::value) {
            for (size_t j = i; j < end; ++j) years[j - i] = year_of(climate, j, year, scale_[j], change_.plant_factor(j));
            t_.years(cells_.data() + i, years.data(), x_.data() + i * T::kState, fluxes.data(), end - i);
            for (size_t j = i; j < end; ++j) put(j, fluxes[j - i]);
          } else {
            for (size_t j = i; j < end; ++j)
              put(j, t_.year(cells_[j], year_of(climate, j, year, scale_[j], change_.plant_factor(j)), x_.data() + j * T::kState));
          }
          i = end;
        }
      }
    }
  }

  void scale_to_observed(const std::string& config_path) override {
    if constexpr (!T::kLinear) {
      GridModel::scale_to_observed(config_path);
    } else {
      for (size_t i = 0; i < cells_.size(); ++i) {
        double* x = x_.data() + i * T::kState;
        std::array<double, 8> p{};
        pools_of(cells_[i], x, p.data());
        double total = 0.0;
        for (size_t k = 0; k < T::pool_names().size(); ++k) total += p[k];
        const double constant = constant_of(cells_[i]);
        const double variable = total - constant, target = soc_observed_[i] - constant;
        if (!(target > 0.0) || !(variable > 0.0))
          throw InputError(cfg_.soc_stock + ": the observed stock " + format_number("%g", soc_observed_[i]) +
                           " t ha-1 at land " + describe_(i) + " is not above " + cfg_.model + "'s constant pools (" +
                           format_number("%g", constant) + " t ha-1) or the equilibrium holds no carbon "
                           "(spinup.method = \"scaled\")");
        const double scale = target / variable;
        for (int k = 0; k < T::kState; ++k) x[k] *= scale;
      }
    }
  }

  void pools(std::vector<std::vector<double>>& out) const override {
    const size_t n = cells_.size();
    const size_t np = T::pool_names().size();
    out.resize(np);
    for (auto& o : out) o.resize(n);  // keeps the caller's storage from the previous year
    std::array<double, 8> v{};
    for (size_t i = 0; i < n; ++i) {
      pools_of(cells_[i], x_.data() + i * T::kState, v.data());
      for (size_t k = 0; k < np; ++k) out[k][i] = v[k];
    }
  }

  std::vector<std::pair<std::string, std::vector<double>*>> state() override {
    // one variable per state component, cells contiguous (the checkpoint's layout)
    const size_t n = cells_.size();
    columns_.assign(T::kState, std::vector<double>(n));
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < T::kState; ++k) columns_[k][i] = x_[i * T::kState + k];
    std::vector<std::pair<std::string, std::vector<double>*>> s;
    for (int k = 0; k < T::kState; ++k) s.push_back({"state_" + std::to_string(k), &columns_[k]});
    if constexpr (HasSetConstant<T>::value) {
      constants_.resize(n);
      for (size_t i = 0; i < n; ++i) constants_[i] = t_.constant(cells_[i]);
      s.push_back({"constant", &constants_});
    }
    s.push_back({"input_scale", &scale_});
    return s;
  }
  /// After a checkpoint was read into the vectors state() returned.
  void state_restored() override {
    const size_t n = cells_.size();
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < T::kState; ++k) x_[i * T::kState + k] = columns_[k][i];
    if constexpr (HasSetConstant<T>::value)
      for (size_t i = 0; i < n; ++i) t_.set_constant(cells_[i], constants_[i]);
  }

 private:
  /// "tas from -48.1 to -32 degC (annual mean -40.1), pr from 55 to 85 mm month-1 (840 mm yr-1), pet ...":
  /// the mean spin-up year of a cell, for the messages of a spin-up without equilibrium.
  static std::string climate_text(const Year& y) {
    std::string text;
    const std::array<std::pair<const char*, double Month::*>, 3> vars = {
        {{"tas", &Month::tas}, {"pr", &Month::pr}, {"pet", &Month::pet}}};
    for (const auto& [name, field] : vars) {
      double lo = y[0].*field, hi = lo;
      for (const auto& mo : y) lo = std::min(lo, mo.*field), hi = std::max(hi, mo.*field);
      const bool t = field == &Month::tas;
      text += std::string(text.empty() ? "" : ", ") + name + " from " + format_number("%.4g", lo) + " to " +
              format_number("%.4g", hi) + (t ? " degC (annual mean " : " mm month-1 (") +
              format_number("%.4g", t ? annual_mean(y, field) : annual_sum(y, field)) + (t ? ")" : " mm yr-1)");
    }
    return text;
  }
  /// The refusal of a linear model's spin-up whose cycle leaves a pool undecomposed.
  std::string no_decomposition(size_t i, const Year& y) const {
    return cfg_.model + " spin-up at land " + describe_(i) +
           ": no equilibrium: a pool does not decompose over the mean spin-up year, too cold or too dry for " +
           cfg_.model + " (its stocks would grow without bound); the mean year has " + climate_text(y);
  }
  /// The refusal of a nonlinear model's spin-up that found no periodic equilibrium with positive pools.
  std::string no_periodic_equilibrium(size_t i, const Year& y, const spinup::NonlinearSteadyState& r,
                                      long max_fallback) const {
    const auto names = T::pool_names();
    std::string end = "a relative change of " + format_number("%.3g", r.residual) + " over the last year";
    for (int k = 0; k < T::kState; ++k)
      if (!(r.state[k] > 0.0) || !std::isfinite(r.state[k])) {
        end = "pool " + names[static_cast<size_t>(k)] + " at " + format_number("%g", r.state[k]) +
              (names[static_cast<size_t>(k)].rfind("MIC", 0) == 0 ? " (the microbes die out)" : "");
        break;
      }
    return cfg_.model + " spin-up at land " + describe_(i) + ": no periodic equilibrium with positive pools: the SNES "
           "stopped after " + std::to_string(r.snes_iterations) + " iterations (PETSc reason " +
           std::to_string(r.snes_reason) + ") and " + std::to_string(r.fallback_cycles) + " years of plain cycling (at most " +
           std::to_string(max_fallback) + ") ended with " + end + "; the mean year has " + climate_text(y) +
           ": no equilibrium of " + cfg_.model + " in this climate with these parameters (its valid range: "
           "`alamod models show " + cfg_.model + "`)";
  }
  /// The pools of a cell (t ha-1) from its state: Traits::pools, or the state itself.
  void pools_of(const typename T::Cell& c, const double* x, double* out) const {
    if constexpr (HasPools<T>::value) t_.pools(c, x, out);
    else std::copy(x, x + T::kState, out);
  }
  /// The carbon of the pools the state does not hold (t ha-1): Traits::constant, or 0.
  /// Whether cell i has additions or a decomposition factor under the change in force (the spin-up takes them).
  bool special_in_spinup(size_t i) const {
    if constexpr (HasYearChanged<T>::value) return change_.any_special && change_.special[i];
    else return false;
  }
  /// The carbon the change in force adds to cell i per year (t C ha-1 yr-1).
  double added_total(size_t i) const {
    double a = 0.0;
    if (change_.active)
      for (int k = 0; k < kAddedInputKinds; ++k) a += change_.add(k, i);
    return a;
  }
  /// The additions of cell i, spread over the months, times `scale` (the inverse spin-up's factor, or 0).
  Added added_for(size_t i, double scale) const {
    Added a;
    a.land_use = &cfg_.land_uses[static_cast<size_t>(land_class_[i])];
    a.decomposition = change_.decomposition_factor(i);
    for (int k = 0; k < kAddedInputKinds; ++k) {
      a.year[static_cast<size_t>(k)] = scale * change_.add(k, i);
      if (a.year[static_cast<size_t>(k)] == 0.0) continue;
      const auto shares = scenario_inputs::monthly_shares(k, *a.land_use);
      for (int mo = 0; mo < 12; ++mo)
        a.month[static_cast<size_t>(k)][static_cast<size_t>(mo)] = a.year[static_cast<size_t>(k)] * shares[static_cast<size_t>(mo)];
    }
    return a;
  }
  /// One spin-up year of cell i under the change in force (year_changed), its additions times `scale`.
  void year_with_change(size_t i, const Year& y, double* x, double scale) const {
    if constexpr (HasYearChanged<T>::value) t_.year_changed(cells_[i], y, x, added_for(i, scale));
    else (void)i, (void)y, (void)x, (void)scale;
  }

  double constant_of(const typename T::Cell& c) const {
    if constexpr (HasConstant<T>::value) return t_.constant(c);
    else return 0.0;
  }
  CellInput input(const GridCells& c, size_t i) const {
    return {c.clay[i], c.soc_observed[i], c.annual_input[i], &cfg_.land_uses[static_cast<size_t>(c.land_class[i])],
            cfg_.soil_depth_cm};
  }
  /// The year of cell i: its climate, its plant input times the inverse spin-up's scale and a scenario's plant
  /// factor (1: the same bits as without), its manure times the scale.
  Year year_of(const CellClimate& clim, size_t i, int calendar_year, double scale, double plant_factor = 1.0) const {
    const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[i])];
    const double plant = scale * plant_factor;
    Year y;
    for (int mo = 0; mo < 12; ++mo)
      y[mo] = {clim.at(0, mo, i), clim.at(1, mo, i), clim.at(2, mo, i), plant * annual_input_[i] * lu.input_share[mo],
               scale * lu.fym * lu.input_share[mo], grids::days_in_month(calendar_year, mo + 1)};
    return y;
  }

  const RunConfig& cfg_;
  T t_;
  std::string parameters_;
  std::vector<int> land_class_;
  std::vector<double> annual_input_, soc_observed_, scale_, x_;
  std::vector<typename T::Cell> cells_;
  std::vector<std::vector<double>> columns_;
  std::vector<double> constants_;  ///< the constant pools per cell, as state() gives them (HasSetConstant)
  std::function<std::string(std::size_t)> describe_;
  scenario_inputs::Change change_;  ///< a scenario's change (set_input_change), not state
  std::vector<Added> added_;        ///< work array of years_added: the additions of a run of cells
};

/// The grid binding of a model stepped through Traits: the parameters of the configuration set on
/// traits.p, checked by `validate` (the model's own check).
template <class T, class Table, class Validate>
std::unique_ptr<GridModel> make_cell_grid(const RunConfig& cfg, T traits, const Table& table, Validate validate) {
  set_parameters(table, cfg.model_parameters, traits.p);
  validate_parameters(cfg.path, traits.p, validate);
  const std::string text = parameters_text(table, traits.p);
  return std::make_unique<CellGrid<T>>(cfg, std::move(traits), text);
}


}  // namespace alamod::engine::grid_binding
