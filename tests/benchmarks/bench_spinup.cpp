// Spin-up cost per cell: the fast methods of engine/spinup against brute-force cycling to the same
// tolerance (one more cycle changes every pool by <= 1e-9, relative), for each model. The counter
// `years` is the number of simulated cycles (years) per cell; time is per cell.
//
//   ./bench_spinup                                  # all models
//   ./bench_spinup --benchmark_filter=Millennial    # one model
//   ./bench_spinup -spinup_snes_type anderson -spinup_snes_anderson_m 5   # another SNES (PETSc options)
#include <benchmark/benchmark.h>
#include <petscsys.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/official/rothc_official.hpp"
#include "engine/spinup/spinup.hpp"
#include "models/century/century.hpp"
#include "models/icbm/icbm.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"
#include "models/rothc/rothc.hpp"
#include "models/yasso/yasso.hpp"
#include "tests/spinup_cases.hpp"

namespace su = alamod::engine::spinup;
namespace rothc = alamod::models::rothc;
namespace icbm = alamod::models::icbm;
namespace yasso = alamod::models::yasso;
namespace century = alamod::models::century;
namespace mil = alamod::models::millennial;
namespace mm = alamod::models::mimics;
using alamod::test::RothcCell;

namespace {

const std::string kData = ALAMOD_BENCH_DATA;
constexpr double kTol = su::kDefaultTolerance;
constexpr long kMaxCycles = 1000000;

void report(benchmark::State& state, long cycles, double residual) {
  state.counters["years"] = static_cast<double>(cycles);
  state.counters["residual"] = residual;
}

// --- RothC: the official example's spin-up year --------------------------------------------------

const RothcCell& rothc_cell() {
  static const RothcCell cell = alamod::test::official_rothc_cell(kData);
  return cell;
}

void RothcExact(benchmark::State& state) {
  const RothcCell& c = rothc_cell();
  su::LinearSteadyState r;
  for (auto _ : state) {
    const double smd0 = rothc::periodic_deficit(c.p, c.s, c.months.data(), 12);
    r = su::linear_periodic_steady_state(4, [&](const double* in, double* out, bool w) {
      rothc::cycle_pools(c.p, c.s, c.months.data(), 12, smd0, in, out, w);
    });
    benchmark::DoNotOptimize(r);
  }
  report(state, r.cycles, r.residual);
}

void RothcBruteForce(benchmark::State& state) {
  const RothcCell& c = rothc_cell();
  su::CyclingResult r;
  const double zero[4] = {};
  for (auto _ : state) {
    r = su::cycle_to_steady_state(
        4, [&](const double* in, double* out) { rothc::cycle_pools(c.p, c.s, c.months.data(), 12, c.smd0, in, out, true); },
        zero, kTol, kMaxCycles);
    benchmark::DoNotOptimize(r);
  }
  report(state, r.cycles, r.residual);
}

void RothcInverse(benchmark::State& state) {
  const RothcCell& c = rothc_cell();
  double input = 0.0;
  for (auto _ : state) {
    input = alamod::test::rothc_inverse_input(c.p, c.s, c.months.data(), 12, 62.5);
    benchmark::DoNotOptimize(input);
  }
  report(state, 6, 0.0);
}

// --- ICBM, Yasso15: annual steps; CENTURY: 12 monthly steps of seasonal xi ------------------------

void IcbmExact(benchmark::State& state) {
  const icbm::Parameters p{};
  const icbm::CellForcing f{1.1, 1.3};
  su::LinearSteadyState r;
  for (auto _ : state) {
    r = su::linear_periodic_steady_state(2, [&](const double* in, double* out, bool w) {
      icbm::CellState x{in[0], in[1]};
      icbm::step_cell(p, {w ? f.c_input : 0.0, f.re}, 1.0, x);
      out[0] = x.young, out[1] = x.old;
    });
    benchmark::DoNotOptimize(r);
  }
  report(state, r.cycles, r.residual);
}

/// The exact spin-up (kExact) or brute-force cycling of a linear cycle of n pools, from empty pools.
template <bool kExact, class Cycle>
void linear_case(benchmark::State& state, int n, const Cycle& cycle) {
  long cycles = 0;
  double residual = 0.0;
  for (auto _ : state) {
    if constexpr (kExact) {
      const su::LinearSteadyState r = su::linear_periodic_steady_state(n, cycle);
      cycles = r.cycles, residual = r.residual;
    } else {
      const double zero[su::kMaxPools] = {};
      const su::CyclingResult r = su::cycle_to_steady_state(
          n, [&](const double* in, double* out) { cycle(in, out, true); }, zero, kTol, kMaxCycles);
      cycles = r.cycles, residual = r.residual;
    }
    benchmark::DoNotOptimize(residual);
  }
  report(state, cycles, residual);
}

template <bool kExact>
void Yasso(benchmark::State& state) {
  const yasso::Parameters p = yasso::yasso15_parameters();
  linear_case<kExact>(state, 5, alamod::test::yasso_cycle(p, {9.0, 800.0, 9.5}, {2.0, 0.0}, {1.2, 0.3, 0.1, 0.9, 0.0}));
}

template <bool kExact>
void Century(benchmark::State& state) {
  const century::Parameters p{};
  const century::SiteConstants s = century::derive_site_constants(p, {0.25, 0.35, 4.0, 0.12});
  const std::array<century::CellForcing, 12> year = alamod::test::century_year();
  auto cycle = [&](const double* in, double* out, bool w) {
    century::Pools x;
    std::copy(in, in + 7, x.begin());
    for (const auto& f : year)
      century::step(s, {w ? f.surface_input : 0.0, w ? f.soil_input : 0.0, f.xi}, century::kMonth, x);
    std::copy(x.begin(), x.end(), out);
  };
  linear_case<kExact>(state, 7, cycle);
}

// --- Millennial: the official global-average year, clay 80 %; MIMICS: seasonal temperature --------

/// The SNES spin-up (kSnes, one solver per rank as a grid run has) or brute-force cycling of a nonlinear
/// cycle of n pools from `guess`.
template <bool kSnes>
void nonlinear_case(benchmark::State& state, int n, const su::CycleMap& map, const double* guess) {
  su::NonlinearSpinup solver(n);
  long cycles = 0;
  double residual = 0.0;
  for (auto _ : state) {
    if constexpr (kSnes) {
      const su::NonlinearSteadyState r = solver.solve(map, guess);
      cycles = r.cycles, residual = r.residual;
      state.counters["iterations"] = r.snes_iterations;
    } else {
      const su::CyclingResult r = su::cycle_to_steady_state(n, map, guess, kTol, kMaxCycles);
      cycles = r.cycles, residual = r.residual;
    }
    benchmark::DoNotOptimize(residual);
  }
  report(state, cycles, residual);
}

template <bool kSnes>
void Millennial(benchmark::State& state) {
  const mil::Parameters p{};
  const mil::SoilConstants s = mil::derive_soil_constants(p, {80.0, 7.0, 1000.0});
  const double guess[5] = {100.0, 10.0, 100.0, 10.0, 1000.0};
  nonlinear_case<kSnes>(state, 5, alamod::test::millennial_cycle(p, s, alamod::test::millennial_forcing(kData)), guess);
}

template <bool kSnes>
void Mimics(benchmark::State& state) {
  const mm::Parameters p{};
  const mm::SiteConstants c = mm::derive_site_constants(p, {40.0, 16.6, 1.37, 500.0});
  nonlinear_case<kSnes>(state, 7, alamod::test::mimics_cycle(p, c, alamod::test::mimics_forcing(p, c, 500.0)),
                        alamod::test::mimics_guess(p, c, 500.0).data());
}

}  // namespace

BENCHMARK(RothcExact)->Unit(benchmark::kMicrosecond);
BENCHMARK(RothcBruteForce)->Unit(benchmark::kMicrosecond);
BENCHMARK(RothcInverse)->Unit(benchmark::kMicrosecond);
BENCHMARK(IcbmExact)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(Yasso, true)->Name("YassoExact")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(Yasso, false)->Name("YassoBruteForce")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(Century, true)->Name("CenturyExact")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(Century, false)->Name("CenturyBruteForce")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(Millennial, true)->Name("MillennialSnes")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(Millennial, false)->Name("MillennialBruteForce")->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(Mimics, true)->Name("MimicsSnes")->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(Mimics, false)->Name("MimicsBruteForce")->Unit(benchmark::kMillisecond)->Iterations(3);

// Benchmark flags first (they are removed from argv), then the rest goes to PETSc's options database.
int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (PetscInitialize(&argc, &argv, nullptr, nullptr)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return PetscFinalize() ? 1 : 0;
}
