// Fast spin-up (engine/spinup): the exact periodic equilibrium of the linear models (RothC, ICBM,
// Yasso, CENTURY) against brute-force cycling and the models' own steady states; the SNES fixed point
// of the nonlinear models (Millennial, MIMICS) against brute-force cycling to the same tolerance; the
// inverse RothC spin-up; the official RothC spin-up's distance from the true equilibrium.
// PETSc is initialised in main (below); every test runs on PETSC_COMM_SELF.
#include <gtest/gtest.h>
#include <petscsys.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
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

const std::string kData = ALAMOD_TEST_DATA;
constexpr double kTol = su::kDefaultTolerance;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Largest relative difference of two states (n pools).
double max_rel_diff(int n, const double* a, const double* b) {
  double worst = 0.0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, std::fabs(a[i] - b[i]) / std::fabs(b[i]));
  return worst;
}

/// The first 12 rows of the official RothC example: the spin-up year of the official procedure.
RothcCell official_example_cell(double* iom = nullptr) { return alamod::test::official_rothc_cell(kData, iom); }

/// A synthetic RothC cell: seasonal climate, bare winter months, input split over the growing season.
RothcCell synthetic_rothc_cell(double clay, double mean_temp, double annual_input, double fym) {
  RothcCell c;
  c.s = rothc::derive_soil_constants(c.p, {clay, 23.0});
  for (int m = 0; m < 12; ++m) {
    const double t = mean_temp - 8.0 * std::cos(2.0 * M_PI * (m + 0.5) / 12.0);
    const bool grow = m >= 3 && m <= 8;
    c.months[m] = {t, 60.0 + 20.0 * std::sin(m), 10.0 + 5.0 * t, grow ? annual_input / 6.0 : 0.0,
                   m == 2 ? fym : 0.0, grow ? 1.0 : 0.0, rothc::kDpmRpmCrop / (rothc::kDpmRpmCrop + 1.0)};
  }
  c.smd0 = rothc::periodic_deficit(c.p, c.s, c.months.data(), 12);
  return c;
}

su::LinearSteadyState rothc_exact(const RothcCell& c) {
  return su::linear_periodic_steady_state(4, [&](const double* in, double* out, bool with_inputs) {
    rothc::cycle_pools(c.p, c.s, c.months.data(), 12, c.smd0, in, out, with_inputs);
  });
}

su::CyclingResult rothc_brute_force(const RothcCell& c) {
  const double zero[4] = {0, 0, 0, 0};
  return su::cycle_to_steady_state(
      4, [&](const double* in, double* out) { rothc::cycle_pools(c.p, c.s, c.months.data(), 12, c.smd0, in, out, true); },
      zero, kTol, 1000000);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Building blocks

TEST(Spinup, DenseSolveWithPivoting) {
  // needs a row swap: the first pivot is 0
  double a[9] = {0, 2, 1, 1, 1, 1, 2, 1, 3}, b[3] = {5, 6, 13};
  const double a0[9] = {0, 2, 1, 1, 1, 1, 2, 1, 3}, b0[3] = {5, 6, 13};
  ASSERT_TRUE(su::solve_dense(3, a, b));
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(a0[3 * i] * b[0] + a0[3 * i + 1] * b[1] + a0[3 * i + 2] * b[2], b0[i], 1e-14);
  double singular[4] = {1, 2, 2, 4}, rhs[2] = {1, 2};
  EXPECT_FALSE(su::solve_dense(2, singular, rhs));
}

TEST(Spinup, RejectsBadPoolCountsAndPoolsThatNeverDecay) {
  auto identity = [](const double* in, double* out, bool with_inputs) {
    out[0] = in[0] + (with_inputs ? 1.0 : 0.0);
  };
  EXPECT_THROW(su::linear_periodic_steady_state(0, identity), std::invalid_argument);
  EXPECT_THROW(su::linear_periodic_steady_state(su::kMaxPools + 1, identity), std::invalid_argument);
  EXPECT_THROW(su::linear_periodic_steady_state(1, identity), std::runtime_error);
  EXPECT_THROW(su::NonlinearSpinup(0), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------
// Linear models

TEST(SpinupLinear, RothcMatchesBruteForceAtSixCycles) {
  std::vector<RothcCell> cells = {official_example_cell(), synthetic_rothc_cell(5.0, 4.0, 2.0, 0.0),
                                  synthetic_rothc_cell(25.0, 11.0, 4.0, 1.5), synthetic_rothc_cell(60.0, 18.0, 8.0, 0.0)};
  for (const RothcCell& c : cells) {
    const su::LinearSteadyState exact = rothc_exact(c);
    const su::CyclingResult brute = rothc_brute_force(c);
    EXPECT_EQ(exact.cycles, 6);  // 5 for the affine map, 1 check
    EXPECT_LE(exact.residual, 1e-12);
    ASSERT_TRUE(brute.converged);
    // brute force stops when a cycle changes every pool by <= 1e-9; it is then within
    // 1e-9 / (1 - rho) of the equilibrium, rho the slowest pool's retention over a cycle (HUM).
    double hum_retention[4] = {0, 0, 0, 1.0}, out[4];
    rothc::cycle_pools(c.p, c.s, c.months.data(), 12, c.smd0, hum_retention, out, false);
    const double gap = 1.0 - out[3];
    EXPECT_LE(max_rel_diff(4, brute.state.data(), exact.state.data()), 2.0 * kTol / gap);
    std::printf("[ rothc ] exact %d cycles, residual %.2e | brute force %ld cycles, residual %.2e, distance %.2e\n",
                exact.cycles, exact.residual, brute.cycles, brute.residual,
                max_rel_diff(4, brute.state.data(), exact.state.data()));
  }
}

TEST(SpinupLinear, OfficialRothcSpinupStopsShortOfTheEquilibrium) {
  double iom = 0.0;
  const RothcCell c = official_example_cell(&iom);
  const su::LinearSteadyState exact = rothc_exact(c);
  const auto in = alamod::engine::read_official_input(kData + "/rothc/refs/official_example/input_RothC_input.dat");
  const auto official = alamod::engine::run_official_procedure(in);
  const auto& end = official.month_rows.at(1);  // end of the official spin-up
  const double official_active = end.dpm + end.rpm + end.bio + end.hum;
  const double exact_active = exact.state[0] + exact.state[1] + exact.state[2] + exact.state[3];
  const double official_hum_error = exact.state[3] - end.hum;
  std::printf("[ rothc official ] %ld spin-up years; active SOC %.10f (official) vs %.10f (exact): %.3e t C ha-1 "
              "short (HUM %.3e); exact residual %.2e\n",
              official.spinup_months / 12, official_active, exact_active, exact_active - official_active,
              official_hum_error, exact.residual);
  // The official stop (< 1e-6 t C ha-1 change a year) leaves the stock below the equilibrium by
  // about 1e-6 / (1 - retention of HUM): of the order of 1e-4 t C ha-1.
  EXPECT_GT(exact_active - official_active, 1e-6);
  EXPECT_LT(exact_active - official_active, 1e-3);
  EXPECT_NEAR(end.smd_mm, c.smd0, 1e-9);
}

TEST(SpinupLinear, IcbmMatchesItsAnalyticSteadyState) {
  const icbm::Parameters p{};
  for (const icbm::CellForcing f : {icbm::CellForcing{0.5, 1.0}, icbm::CellForcing{3.2, 0.4}, icbm::CellForcing{1.1, 2.7}}) {
    const su::LinearSteadyState exact = su::linear_periodic_steady_state(2, [&](const double* in, double* out, bool w) {
      icbm::CellState x{in[0], in[1]};
      icbm::step_cell(p, {w ? f.c_input : 0.0, f.re}, 1.0, x);
      out[0] = x.young;
      out[1] = x.old;
    });
    const icbm::CellState ss = icbm::steady_state(p, f);
    const double analytic[2] = {ss.young, ss.old};
    EXPECT_LE(max_rel_diff(2, exact.state.data(), analytic), 1e-12) << f.c_input << " " << f.re;
    EXPECT_LE(exact.residual, 1e-12);
    EXPECT_EQ(exact.cycles, 4);
  }
}

TEST(SpinupLinear, YassoMatchesItsSteadyState) {
  const yasso::Parameters p = yasso::yasso15_parameters();
  const yasso::Climate climate{9.0, 800.0, 9.5};
  for (const yasso::Site site : {yasso::Site{0.0, 0.0}, yasso::Site{2.0, -0.0015}, yasso::Site{20.0, 0.0}}) {
    const yasso::Pools litter{1.2, 0.3, 0.1, 0.9, 0.0};
    const su::LinearSteadyState exact =
        su::linear_periodic_steady_state(5, alamod::test::yasso_cycle(p, climate, site, litter));
    const yasso::Pools ss = yasso::steady_state(p, climate, site, litter, {}, 1.0);
    EXPECT_LE(max_rel_diff(5, exact.state.data(), ss.data()), 1e-9) << site.size_cm;
    EXPECT_LE(exact.residual, 1e-10);
    EXPECT_EQ(exact.cycles, 7);
  }
}

TEST(SpinupLinear, CenturyMatchesBruteForceAndItsSteadyState) {
  const century::Parameters p{};
  const century::SiteConstants s = century::derive_site_constants(p, {0.25, 0.35, 4.0, 0.12});
  // constant forcing: the one-month cycle's equilibrium is the model's steady state
  const century::CellForcing constant{2.5, 3.0, 0.6};
  auto month = [&](const century::CellForcing& f, const double* in, double* out, bool w) {
    century::Pools x;
    std::copy(in, in + 7, x.begin());
    century::step(s, {w ? f.surface_input : 0.0, w ? f.soil_input : 0.0, f.xi}, century::kMonth, x);
    std::copy(x.begin(), x.end(), out);
  };
  const su::LinearSteadyState one = su::linear_periodic_steady_state(
      7, [&](const double* in, double* out, bool w) { month(constant, in, out, w); });
  const century::Pools ss = century::steady_state(s, constant);
  EXPECT_LE(max_rel_diff(7, one.state.data(), ss.data()), 1e-9);
  // seasonal forcing: 12 months of xi and inputs, against brute-force cycling
  const std::array<century::CellForcing, 12> year = alamod::test::century_year();
  auto cycle = [&](const double* in, double* out, bool w) {
    double x[7];
    std::copy(in, in + 7, x);
    for (const auto& f : year) month(f, x, x, w);
    std::copy(x, x + 7, out);
  };
  const su::LinearSteadyState exact = su::linear_periodic_steady_state(7, cycle);
  const double zero[7] = {};
  const su::CyclingResult brute =
      su::cycle_to_steady_state(7, [&](const double* in, double* out) { cycle(in, out, true); }, zero, kTol, 1000000);
  ASSERT_TRUE(brute.converged);
  EXPECT_EQ(exact.cycles, 9);
  EXPECT_LE(exact.residual, 1e-11);
  const double passive_gap = 1.0 - std::exp(-p.k_passive * 0.3);  // xi >= 0.15 every month: >= 0.3 of a year at xi = 1
  EXPECT_LE(max_rel_diff(7, brute.state.data(), exact.state.data()), 2.0 * kTol / passive_gap);
  std::printf("[ century ] exact %d cycles, residual %.2e | brute force %ld cycles, distance %.2e\n", exact.cycles,
              exact.residual, brute.cycles, max_rel_diff(7, brute.state.data(), exact.state.data()));
}

// ---------------------------------------------------------------------------------------------------
// Inverse RothC

TEST(SpinupInverse, RothcInputReproducesTheObservedStock) {
  for (RothcCell c : {official_example_cell(), synthetic_rothc_cell(25.0, 11.0, 3.0, 0.0),
                      synthetic_rothc_cell(40.0, 14.0, 3.0, 1.0)}) {
    for (double observed : {25.0, 62.5, 140.0}) {
      su::Pools eq{};
      const double input = alamod::test::rothc_inverse_input(c.p, c.s, c.months.data(), 12, observed, &eq);
      ASSERT_GT(input, 0.0);
      // run to equilibrium with that input, independently: scale the monthly plant inputs
      RothcCell scaled = c;
      double annual = 0.0;
      for (const auto& m : c.months) annual += m.c_input;
      for (auto& m : scaled.months) m.c_input *= input / annual;
      const su::LinearSteadyState x = rothc_exact(scaled);
      const double soc = x.state[0] + x.state[1] + x.state[2] + x.state[3] + rothc::falloon_iom(observed);
      EXPECT_NEAR(soc, observed, 1e-10 * observed) << "input " << input;
      EXPECT_LE(max_rel_diff(4, eq.data(), x.state.data()), 1e-10);
    }
  }
  const RothcCell c = synthetic_rothc_cell(25.0, 11.0, 3.0, 50.0);  // the manure alone gives more than observed
  EXPECT_THROW(alamod::test::rothc_inverse_input(c.p, c.s, c.months.data(), 12, 30.0), std::invalid_argument);
  EXPECT_THROW(alamod::test::rothc_inverse_input(c.p, c.s, c.months.data(), 12, -1.0), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------------
// Nonlinear models

namespace {

std::vector<mil::DailyForcing> millennial_forcing() { return alamod::test::millennial_forcing(kData); }

struct Comparison {
  su::NonlinearSteadyState fast;
  su::CyclingResult brute;
  double seconds_fast, seconds_brute, distance;
};

Comparison compare(int n, const su::CycleMap& map, const double* guess) {
  Comparison r;
  su::NonlinearSpinup solver(n);
  auto t0 = std::chrono::steady_clock::now();
  r.fast = solver.solve(map, guess);
  r.seconds_fast = seconds_since(t0);
  t0 = std::chrono::steady_clock::now();
  r.brute = su::cycle_to_steady_state(n, map, guess, kTol, 200000);
  r.seconds_brute = seconds_since(t0);
  r.distance = max_rel_diff(n, r.brute.state.data(), r.fast.state.data());
  std::printf("  %s: %d iterations (reason %d), %ld cycles (%ld in the SNES, %ld fall-back), residual %.2e, "
              "%.4f s | brute force %ld cycles, residual %.2e, %.4f s | ratio %.1fx cycles, %.1fx time, "
              "distance %.2e\n",
              solver.method().c_str(), r.fast.snes_iterations, r.fast.snes_reason, r.fast.cycles, r.fast.snes_cycles,
              r.fast.fallback_cycles, r.fast.residual, r.seconds_fast, r.brute.cycles, r.brute.residual,
              r.seconds_brute, double(r.brute.cycles) / r.fast.cycles, r.seconds_brute / r.seconds_fast, r.distance);
  if (r.distance > 1e-3)
    for (int i = 0; i < n; ++i) std::printf("    pool %d: %.6e (fast) %.6e (brute)\n", i, r.fast.state[i], r.brute.state[i]);
  return r;
}

}  // namespace

TEST(SpinupNonlinear, MillennialConvergesFasterThanBruteForce) {
  const mil::Parameters p{};
  const auto days = millennial_forcing();
  for (const mil::SiteProperties site : {mil::SiteProperties{80.0, 7.0, 1000.0}, mil::SiteProperties{15.0, 5.2, 1450.0},
                                         mil::SiteProperties{40.0, 8.3, 1200.0}}) {
    const mil::SoilConstants s = mil::derive_soil_constants(p, site);
    const su::CycleMap map = alamod::test::millennial_cycle(p, s, days);
    const double guess[5] = {100.0, 10.0, 100.0, 10.0, 1000.0};
    std::printf("[ millennial ] clay %g %%:", site.clay_pct);
    const Comparison c = compare(5, map, guess);
    EXPECT_TRUE(c.fast.converged);
    EXPECT_LE(c.fast.residual, kTol);
    ASSERT_TRUE(c.brute.converged);
    EXPECT_LT(c.fast.cycles * 5, c.brute.cycles);
    EXPECT_LE(c.distance, 1e-5);
  }
}

TEST(SpinupNonlinear, MimicsConvergesFasterThanBruteForce) {
  const mm::Parameters p{};
  for (const mm::SiteProperties site : {mm::SiteProperties{40.0, 16.6, 1.37, 500.0},
                                        mm::SiteProperties{5.0, 24.4, 0.73, 300.0}}) {
    const mm::SiteConstants c = mm::derive_site_constants(p, site);
    const su::CycleMap map = alamod::test::mimics_cycle(p, c, alamod::test::mimics_forcing(p, c, site.litter_input));
    // the script's start: the steady state of the mean temperature and input
    const auto guess = alamod::test::mimics_guess(p, c, site.litter_input);
    std::printf("[ mimics ] clay %g %%:", site.clay_pct);
    const Comparison r = compare(7, map, guess.data());
    EXPECT_TRUE(r.fast.converged);
    ASSERT_TRUE(r.brute.converged);
    EXPECT_LT(r.fast.cycles * 3, r.brute.cycles);
    EXPECT_LE(r.distance, 1e-5);
  }
}

TEST(SpinupNonlinear, ConvergesFromPoorGuesses) {
  // Millennial from the official initial state (1 g m-2 in every pool), MIMICS from a tenth and ten
  // times the mean-climate steady state: the SNES itself must converge, without the fall-back.
  const mil::Parameters p{};
  const auto days = millennial_forcing();
  const mil::SoilConstants s = mil::derive_soil_constants(p, {80.0, 7.0, 1000.0});
  const su::CycleMap millennial = alamod::test::millennial_cycle(p, s, days);
  su::NonlinearSpinup solver5(5);
  const double ones[5] = {1, 1, 1, 1, 1};
  const su::NonlinearSteadyState a = solver5.solve(millennial, ones);
  std::printf("[ millennial ] from 1 g m-2: %d iterations, %ld cycles, residual %.2e, fall-back %ld\n",
              a.snes_iterations, a.cycles, a.residual, a.fallback_cycles);
  EXPECT_TRUE(a.converged);
  EXPECT_EQ(a.fallback_cycles, 0);

  const mm::Parameters q{};
  const mm::SiteConstants c = mm::derive_site_constants(q, {40.0, 16.6, 1.37, 500.0});
  const su::CycleMap mimics = alamod::test::mimics_cycle(q, c, alamod::test::mimics_forcing(q, c, 500.0));
  const auto mean_state = alamod::test::mimics_guess(q, c, 500.0);
  su::NonlinearSpinup solver7(7);
  for (double f : {0.1, 10.0}) {
    double guess[7];
    for (int k = 0; k < 7; ++k) guess[k] = f * mean_state[k];
    const su::NonlinearSteadyState b = solver7.solve(mimics, guess);
    std::printf("[ mimics ] from %g x the mean-climate state: %d iterations, %ld cycles, residual %.2e, fall-back %ld\n",
                f, b.snes_iterations, b.cycles, b.residual, b.fallback_cycles);
    EXPECT_TRUE(b.converged);
    EXPECT_EQ(b.fallback_cycles, 0);
  }
}

TEST(SpinupNonlinear, FallsBackToCyclingWhenTheSolverStops) {
  const mil::Parameters p{};
  const auto days = millennial_forcing();
  const mil::SoilConstants s = mil::derive_soil_constants(p, {40.0, 8.3, 1200.0});
  const su::CycleMap map = alamod::test::millennial_cycle(p, s, days);
  su::NonlinearOptions options;
  options.max_iterations = 1;
  options.prefix = "spinup_fallback_test_";  // not touched by command-line options
  su::NonlinearSpinup solver(5, options);
  const double guess[5] = {100.0, 10.0, 100.0, 10.0, 1000.0};
  const su::NonlinearSteadyState r = solver.solve(map, guess);
  EXPECT_GT(r.fallback_cycles, 0);
  EXPECT_TRUE(r.converged);
  EXPECT_LE(r.residual, kTol);
  EXPECT_EQ(r.cycles, r.snes_cycles + 1 + r.fallback_cycles);
  // an exception in the cycle reaches the caller
  const su::CycleMap throwing = [](const double*, double*) { throw std::runtime_error("no forcing"); };
  EXPECT_THROW(solver.solve(throwing, guess), std::runtime_error);
}

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  if (PetscInitialize(&argc, &argv, nullptr, nullptr)) return 1;
  const int failed = RUN_ALL_TESTS();
  if (PetscFinalize()) return 1;
  return failed;
}

namespace {

/// One MIMICS year of the test forcing with the approximate Jacobian the grid binding builds: the
/// hourly Jacobian at the state in the middle of each 30-day block (the last block 35 days), raised to
/// its hours, multiplied over the blocks.
su::CycleWithJacobian mimics_cycle_with_jacobian(const mm::Parameters& p, const mm::SiteConstants& c,
                                                 const std::vector<mm::DailyForcing>& days) {
  return [=](const double* in, double* out, double* jac, int) {
    constexpr int n = 7;
    mm::State x{in[0], in[1], in[2], in[3], in[4], in[5], in[6]};
    double year[n * n] = {}, step[n * n], block[n * n], tmp[n * n];
    for (int i = 0; i < n; ++i) year[i * n + i] = 1.0;
    for (int b = 0; b < 12; ++b) {
      const int first = 30 * b, count = b == 11 ? 365 - 330 : 30;
      for (int d = first; d < first + count; ++d) {
        if (d == first + count / 2) {
          double a[n][n];
          mm::jacobian(p, c, mm::kinetics(p, c, days[d].soil_temperature), x, a);
          for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j) step[i * n + j] = (i == j ? 1.0 : 0.0) + a[i][j];
        }
        mm::step_day(p, c, days[d], x);
      }
      su::matrix_power(n, step, 24L * count, block);
      su::matrix_product(n, block, year, tmp);
      std::copy(tmp, tmp + n * n, year);
    }
    out[0] = x.lit_m, out[1] = x.lit_s, out[2] = x.mic_r, out[3] = x.mic_k;
    out[4] = x.som_p, out[5] = x.som_c, out[6] = x.som_a;
    std::copy(year, year + n * n, jac);
  };
}

}  // namespace

TEST(Spinup, MatrixPowerMatchesRepeatedProducts) {
  const double s[9] = {0.9, 0.05, 0.0, 0.02, 0.8, 0.1, 0.0, 0.03, 0.95};
  double power[9], expected[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, tmp[9];
  for (int k = 0; k < 37; ++k) {
    su::matrix_product(3, expected, s, tmp);
    std::copy(tmp, tmp + 9, expected);
  }
  su::matrix_power(3, s, 37, power);
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(power[i], expected[i], 1e-14 * std::fabs(expected[i]) + 1e-300) << i;
  su::matrix_power(3, s, 0, power);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(power[i], i % 4 == 0 ? 1.0 : 0.0);
  // the fixed-size forms (the grid's Jacobians) give the same bits
  double fixed[9];
  for (long k : {0L, 1L, 30L, 37L, 744L}) {
    su::matrix_power(3, s, k, power);
    su::matrix_power_n<3>(s, k, fixed);
    for (int i = 0; i < 9; ++i) EXPECT_EQ(fixed[i], power[i]) << "k " << k << ", entry " << i;
  }
  su::matrix_product(3, s, expected, power);
  su::matrix_product_n<3>(s, expected, fixed);
  for (int i = 0; i < 9; ++i) EXPECT_EQ(fixed[i], power[i]) << i;
}

// The Newton cycles of the grid's nonlinear spin-up: the same equilibrium as the SNES, in a few cycles.
TEST(SpinupNonlinear, MimicsNewtonCyclesReachTheSnesEquilibriumInAFewCycles) {
  const mm::Parameters p{};
  for (const mm::SiteProperties site : {mm::SiteProperties{40.0, 16.6, 1.37, 500.0},
                                        mm::SiteProperties{5.0, 24.4, 0.73, 300.0}}) {
    const mm::SiteConstants c = mm::derive_site_constants(p, site);
    const auto days = alamod::test::mimics_forcing(p, c, site.litter_input);
    const su::CycleMap map = alamod::test::mimics_cycle(p, c, days);
    const auto guess = alamod::test::mimics_guess(p, c, site.litter_input);
    su::NonlinearSpinup solver(7);
    const auto snes = solver.solve(map, guess.data());
    const auto newton = solver.solve(mimics_cycle_with_jacobian(p, c, days), map, guess.data());
    std::printf("[ mimics ] clay %g %%: Newton cycles %ld (%ld Jacobians), residual %.2e | SNES %ld cycles\n",
                site.clay_pct, newton.cycles, newton.jacobians, newton.residual, snes.cycles);
    ASSERT_TRUE(snes.converged);
    EXPECT_TRUE(newton.converged);
    EXPECT_LE(newton.residual, kTol);
    EXPECT_EQ(newton.fallback_cycles, 0);
    EXPECT_EQ(newton.snes_iterations, 0);
    EXPECT_LE(newton.cycles, 7);
    EXPECT_LT(newton.cycles * 3, snes.cycles);
    EXPECT_LE(max_rel_diff(7, snes.state.data(), newton.state.data()), 1e-5);
  }
}

// A useless Jacobian (0: each step is one plain cycle) leaves the cell to the SNES after the Newton cycles.
TEST(SpinupNonlinear, NewtonCyclesHandOverToTheSnes) {
  const mm::Parameters p{};
  const mm::SiteProperties site{40.0, 16.6, 1.37, 500.0};
  const mm::SiteConstants c = mm::derive_site_constants(p, site);
  const auto days = alamod::test::mimics_forcing(p, c, site.litter_input);
  const su::CycleMap map = alamod::test::mimics_cycle(p, c, days);
  const su::CycleWithJacobian zero = [&](const double* in, double* out, double* jac, int) {
    map(in, out);
    std::fill(jac, jac + 49, 0.0);
  };
  const auto guess = alamod::test::mimics_guess(p, c, site.litter_input);
  su::NonlinearSpinup solver(7);
  const auto r = solver.solve(zero, map, guess.data());
  EXPECT_TRUE(r.converged);
  EXPECT_LE(r.residual, kTol);
  EXPECT_GT(r.snes_iterations, 0);
  EXPECT_GT(r.cycles, su::NonlinearSpinup::kMaxNewtonCycles);
}
