// The Millennial integrator of the site runs (metadata millennial_integrator, docs/SITES.md "Site settings"):
// the kernel's RK4 day (step_day_rk4, the R version's scheme) and its explicit Euler day (step_day, the
// official Fortran's) against each other and against the steady state of the equations.
//
// - Euler with a step h of a day, h -> 0 (the kernel's own daily_fluxes and tendencies, h = 1 giving
//   step_day's bits) converges to the RK4 solution at first order: the difference falls ~4x per 4x
//   shorter step, to < 1 % of the daily-Euler difference at h = 1/256 d (h = 1 being step_day to 1e-13);
// - both daily schemes, run long under constant forcing, reach the steady state dX/dt = 0 of the
//   equations (Abramoff et al. 2022), found here by Newton's method.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

#include "models/millennial/millennial.hpp"

namespace {

namespace mm = alamod::models::millennial;

std::array<double, 5> as_array(const mm::State& x) { return {x.pom, x.lmwc, x.agg, x.mic, x.maom}; }

double max_relative(const mm::State& a, const mm::State& b) {
  const auto x = as_array(a), y = as_array(b);
  double worst = 0.0;
  for (int k = 0; k < 5; ++k) worst = std::max(worst, std::fabs(x[k] - y[k]) / std::fabs(y[k]));
  return worst;
}

/// n explicit Euler steps of 1/n day with constant forcing: the kernel's fluxes and tendencies.
void euler_day(const mm::Parameters& p, const mm::SoilConstants& s, const mm::DailyForcing& f, int n, mm::State& x) {
  const double h = 1.0 / n;
  for (int i = 0; i < n; ++i) {
    const mm::State d = mm::tendencies(p, mm::daily_fluxes(p, s, f, x), f.npp);
    x.pom += h * d.pom, x.lmwc += h * d.lmwc, x.agg += h * d.agg, x.mic += h * d.mic, x.maom += h * d.maom;
  }
}

struct Case {
  mm::Parameters p;
  mm::SoilConstants s{};
  mm::DailyForcing f{12.0, 0.3, 400.0 / 365.0};  // degC, m3 m-3, g m-2 d-1
  mm::State start{100.0, 10.0, 100.0, 10.0, 1000.0};  // the official test's start (g m-2)
  Case() {
    mm::SiteProperties site;
    site.clay_pct = 30.0, site.ph = 7.0, site.bulk_density = 1000.0;
    s = mm::derive_soil_constants(p, site);
  }
};

TEST(MillennialIntegrator, EulerDayIsTheKernelsStep) {
  Case u;
  mm::State a = u.start, b = u.start;
  for (int d = 0; d < 365; ++d) {
    mm::step_day(u.p, u.s, u.f, a);
    euler_day(u.p, u.s, u.f, 1, b);
  }
  EXPECT_LT(max_relative(a, b), 1e-13);  // the same day but for the order of the additions
}

TEST(MillennialIntegrator, EulerConvergesToRk4AsTheStepShrinks) {
  Case u;
  constexpr int kDays = 365;
  mm::State rk4 = u.start;
  for (int d = 0; d < kDays; ++d) mm::step_day_rk4(u.p, u.s, u.f, u.f, rk4);
  double previous = 0.0, first = 0.0;
  for (int n : {1, 4, 16, 64, 256}) {
    mm::State e = u.start;
    for (int d = 0; d < kDays; ++d) euler_day(u.p, u.s, u.f, n, e);
    const double diff = max_relative(e, rk4);
    std::printf("Euler with h = 1/%d d against daily RK4 after %d days: max relative difference %.3e\n", n, kDays, diff);
    if (n == 1) {
      first = diff;
      EXPECT_GT(diff, 1e-4);  // the two daily schemes do differ
    } else {
      const double ratio = previous / diff;  // first order: ~4 per 4x shorter step
      EXPECT_GT(ratio, 3.0) << "h = 1/" << n;
      EXPECT_LT(ratio, 6.0) << "h = 1/" << n;
    }
    previous = diff;
  }
  EXPECT_LT(previous, first / 100.0);
}

/// dX/dt = 0 by Newton's method with a central-difference Jacobian of the kernel's tendencies.
mm::State steady_state(const Case& u, mm::State x) {
  auto g = [&](const std::array<double, 5>& v) {
    const mm::State s{v[0], v[1], v[2], v[3], v[4]};
    return as_array(mm::tendencies(u.p, mm::daily_fluxes(u.p, u.s, u.f, s), u.f.npp));
  };
  std::array<double, 5> v = as_array(x);
  for (int it = 0; it < 100; ++it) {
    const auto r = g(v);
    double j[5][6];
    for (int k = 0; k < 5; ++k) {
      const double h = 1e-6 * std::max(1.0, std::fabs(v[k]));
      auto plus = v, minus = v;
      plus[k] += h, minus[k] -= h;
      const auto gp = g(plus), gm = g(minus);
      for (int i = 0; i < 5; ++i) j[i][k] = (gp[i] - gm[i]) / (2 * h);
    }
    for (int i = 0; i < 5; ++i) j[i][5] = -r[i];
    for (int c = 0; c < 5; ++c) {  // Gaussian elimination, partial pivoting
      int piv = c;
      for (int i = c + 1; i < 5; ++i)
        if (std::fabs(j[i][c]) > std::fabs(j[piv][c])) piv = i;
      for (int k = 0; k < 6; ++k) std::swap(j[c][k], j[piv][k]);
      for (int i = c + 1; i < 5; ++i) {
        const double m = j[i][c] / j[c][c];
        for (int k = c; k < 6; ++k) j[i][k] -= m * j[c][k];
      }
    }
    std::array<double, 5> dx{};
    for (int i = 4; i >= 0; --i) {
      double acc = j[i][5];
      for (int k = i + 1; k < 5; ++k) acc -= j[i][k] * dx[k];
      dx[i] = acc / j[i][i];
    }
    double step = 0.0;
    for (int k = 0; k < 5; ++k) v[k] += dx[k], step = std::max(step, std::fabs(dx[k] / v[k]));
    if (step < 1e-14) break;
  }
  return {v[0], v[1], v[2], v[3], v[4]};
}

TEST(MillennialIntegrator, BothSchemesReachTheSteadyStateOfTheEquations) {
  Case u;
  mm::State euler = u.start, rk4 = u.start;
  for (int d = 0; d < 365 * 3000; ++d) {
    mm::step_day(u.p, u.s, u.f, euler);
    mm::step_day_rk4(u.p, u.s, u.f, u.f, rk4);
  }
  const mm::State ss = steady_state(u, rk4);
  const auto r = as_array(mm::tendencies(u.p, mm::daily_fluxes(u.p, u.s, u.f, ss), u.f.npp));
  for (double v : r) EXPECT_LT(std::fabs(v), 1e-9);  // g m-2 d-1: a root of dX/dt
  const double e = max_relative(euler, ss), k = max_relative(rk4, ss);
  std::printf("after 3000 years: Euler %.3e, RK4 %.3e from the steady state (relative)\n", e, k);
  EXPECT_LT(e, 1e-8);
  EXPECT_LT(k, 1e-8);
}

}  // namespace
