// The CENTURY block kernel (century.hpp, step_months_block): cells in their modes, W cells per vector
// (v2d baseline SSE2, v4d AVX2, v8d AVX-512, picked at run time), the remaining cells with the scalar
// instance of the same template. The build forbids FMA contraction, so every lane rounds as the scalar
// instance does: a cell's bits depend neither on its block nor on the instruction set.
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of always-inline helpers, never an ABI boundary

#include "models/century/century.hpp"

#include <cmath>

namespace alamod::models::century {

namespace {

template <class V> [[gnu::always_inline]] inline V load_cells(const double* v) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return v[0];
  } else {
    V r;
    for (int l = 0; l < Lanes<V>::kWidth; ++l) r[l] = v[l];
    return r;
  }
}

template <class V> [[gnu::always_inline]] inline double lane(const V& v, int l) {
  if constexpr (Lanes<V>::kWidth == 1) {
    (void)l;
    return v;
  } else {
    return v[l];
  }
}

template <class V>
[[gnu::always_inline]] inline void step_cells(const Parameters& p, const MonthsBlock& b, std::size_t first) {
  constexpr int kWidth = Lanes<V>::kWidth;
  double tmp[kNumPools + 6 + 1][kWidth];
  double modes[kNumPools][kWidth];
  for (int l = 0; l < kWidth; ++l) {
    const Modes& d = *b.modes[first + static_cast<std::size_t>(l)];
    for (int i = 0; i < kNumPools; ++i) tmp[i][l] = d.lambda[i];
    for (int i = 0; i < 3; ++i) tmp[kNumPools + i][l] = d.surface_input[i], tmp[kNumPools + 3 + i][l] = d.soil_input[i];
    tmp[kNumPools + 6][l] = d.metabolic_fraction;
    for (int i = 0; i < kNumPools; ++i) modes[i][l] = b.state[(first + static_cast<std::size_t>(l)) * kNumPools + i];
  }
  V lambda[kNumPools], w[kNumPools], gs[3], gsoil[3];
  for (int i = 0; i < kNumPools; ++i) lambda[i] = load_cells<V>(tmp[i]), w[i] = load_cells<V>(modes[i]);
  for (int i = 0; i < 3; ++i) gs[i] = load_cells<V>(tmp[kNumPools + i]), gsoil[i] = load_cells<V>(tmp[kNumPools + 3 + i]);
  const V fm = load_cells<V>(tmp[kNumPools + 6]);
  V input = load_cells<V>(b.input + first);
  const double dt = b.dt;
  for (int mo = 0; mo < b.months; ++mo) {
    const std::size_t at = static_cast<std::size_t>(mo) * b.n + first;
    const V xi = temperature_factor_lanes<V>(p, load_cells<V>(b.tas + at)) *
                 moisture_factor_lanes<V>(p, load_cells<V>(b.pr + at), load_cells<V>(b.pet + at));
    const V surface = load_cells<V>(b.surface + at), soil = load_cells<V>(b.soil + at);
    const V lit[4] = {surface * (1.0 - fm), surface * fm, soil * (1.0 - fm), soil * fm};
    const V xi_dt = xi * dt;  // (yr)
    for (int i = 0; i < kNumPools; ++i) {
      V e, phi;
      det_exp_phi_lanes<V>(lambda[i] * xi_dt, e, phi);
      const V beta = i < 4 ? lit[i] : gs[i - 4] * surface + gsoil[i - 4] * soil;
      w[i] = e * w[i] + dt * phi * beta;
    }
    input = input + (surface + soil) * dt;
  }
  for (int l = 0; l < kWidth; ++l) {
    const std::size_t c = first + static_cast<std::size_t>(l);
    for (int i = 0; i < kNumPools; ++i) b.state[c * kNumPools + i] = lane<V>(w[i], l);
    b.input[c] = lane<V>(input, l);
  }
}

template <class V> [[gnu::always_inline]] inline void step_months_lanes(const Parameters& params, const MonthsBlock& b) {
  const Parameters p = params;
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  std::size_t i = 0;
  for (; i + kWidth <= b.n; i += kWidth) step_cells<V>(p, b, i);
  for (; i < b.n; ++i) step_cells<double>(p, b, i);
}

void step_months_baseline(const Parameters& p, const MonthsBlock& b) { step_months_lanes<v2d>(p, b); }
__attribute__((target("avx2"))) void step_months_avx2(const Parameters& p, const MonthsBlock& b) {
  step_months_lanes<v4d>(p, b);
}
__attribute__((target("avx512f"))) void step_months_avx512(const Parameters& p, const MonthsBlock& b) {
  step_months_lanes<v8d>(p, b);
}

}  // namespace

bool periodic_modes(const Parameters& p, const Modes& d, int months, double dt, const double* tas, const double* pr,
                    const double* pet, const double* surface, const double* soil, double* modes) {
  double grow[kNumPools], sum_u[kNumPools], q[kNumPools];
  for (int i = 0; i < kNumPools; ++i) grow[i] = 1.0, sum_u[i] = 0.0, q[i] = 0.0;
  const double fm = d.metabolic_fraction;
  for (int mo = 0; mo < months; ++mo) {
    const double xi = temperature_factor(p, tas[mo]) * moisture_factor(p, pr[mo], pet[mo]);
    const double lit[4] = {surface[mo] * (1.0 - fm), surface[mo] * fm, soil[mo] * (1.0 - fm), soil[mo] * fm};
    const double xi_dt = xi * dt;
    for (int i = 0; i < kNumPools; ++i) {
      const double u = d.lambda[i] * xi_dt;
      double e, phi;
      det_exp_phi(u, e, phi);
      const double beta = i < 4 ? lit[i] : d.surface_input[i - 4] * surface[mo] + d.soil_input[i - 4] * soil[mo];
      q[i] = e * q[i] + dt * phi * beta;
      grow[i] = e * grow[i];
      sum_u[i] += u;
    }
  }
  for (int i = 0; i < kNumPools; ++i) {
    double e, phi;
    det_exp_phi(sum_u[i], e, phi);
    const double decay = -(sum_u[i] * phi);  // 1 - P_i = -expm1(sum of u)
    if (!(decay > 0.0)) return false;
    modes[i] = q[i] / decay;
    if (!std::isfinite(modes[i])) return false;
  }
  return true;
}

void step_months_block(const Parameters& p, const MonthsBlock& b, int isa) {
  static const int best = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  const int use = isa < 0 ? best : (isa < best ? isa : best);
  switch (use) {
    case 2: step_months_avx512(p, b); return;
    case 1: step_months_avx2(p, b); return;
    default: step_months_baseline(p, b); return;
  }
}

}  // namespace alamod::models::century
