// The MIMICS block kernel (mimics.hpp, step_days_block): the hourly steps of a block of cells, W cells
// per vector (v2d baseline SSE2, v4d AVX2, v8d AVX-512, picked at run time), the remaining cells with
// the scalar instance of the same template. Each lane runs exactly the operations of step_hour, in the
// same order (the build forbids FMA contraction), so a cell gets the same bits from the block kernel,
// on every instruction set and at every position in the block, as from step_day.
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of always-inline helpers, never an ABI boundary

#include <cstring>

#include "models/mimics/mimics.hpp"

#ifndef ALAMOD_MIMICS_U8
#define ALAMOD_MIMICS_U2 4
#define ALAMOD_MIMICS_U4 3
#define ALAMOD_MIMICS_U8 2
#endif

namespace alamod::models::mimics {

namespace {

template <class V> [[gnu::always_inline]] inline V gather(const double* v, std::size_t stride) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return v[0];
  } else {
    V r;
    for (int l = 0; l < Lanes<V>::kWidth; ++l) r[l] = v[static_cast<std::size_t>(l) * stride];
    return r;
  }
}

/// The constants of W cells in lanes for one month: site constants, the day's kinetics and inputs.
template <class V> struct CellLanes {
  V tau0, tau1, fphys0, fphys1, fchem0, fchem1, favai0, favai1, desorb, fi0, fi1;
  V vmax[6], km[6];
  V met, str;
  V ko_k_km4, ko_r_km1;  // Km of SOMc oxidation, KO Km (mg cm-3)
  V met_direct, met_litter, str_direct, str_litter, day_input_hour;  // the inputs' terms of every hour
};

/// The lanes of cells first .. first + W - 1.
template <class V>
[[gnu::always_inline]] inline void load_lanes(const Parameters& p, const DaysBlock& b, std::size_t first,
                                              CellLanes<V>& c) {
  constexpr int kWidth = Lanes<V>::kWidth;
  constexpr std::size_t kStride = 2 + 6 + 1 + 2 + 12 + 2;
  // Per-cell scalars laid out lane by lane.
  double tmp[kWidth][kStride];
  for (int l = 0; l < kWidth; ++l) {
    const std::size_t i = first + static_cast<std::size_t>(l);
    const SiteConstants& sc = *b.site[i];
    const Kinetics k = kinetics(p, sc, b.forcing[i].soil_temperature);  // the month's: as every day's
    double* t = tmp[l];
    t[0] = sc.tau[0], t[1] = sc.tau[1], t[2] = sc.fphys[0], t[3] = sc.fphys[1], t[4] = sc.fchem[0];
    t[5] = sc.fchem[1], t[6] = sc.favai[0], t[7] = sc.favai[1], t[8] = sc.desorb, t[9] = sc.fi[0], t[10] = sc.fi[1];
    for (int j = 0; j < 6; ++j) t[11 + j] = k.vmax[j], t[17 + j] = k.km[j];
    t[23] = b.forcing[i].litter.met, t[24] = b.forcing[i].litter.str;
  }
  c.tau0 = gather<V>(&tmp[0][0], kStride), c.tau1 = gather<V>(&tmp[0][1], kStride);
  c.fphys0 = gather<V>(&tmp[0][2], kStride), c.fphys1 = gather<V>(&tmp[0][3], kStride);
  c.fchem0 = gather<V>(&tmp[0][4], kStride), c.fchem1 = gather<V>(&tmp[0][5], kStride);
  c.favai0 = gather<V>(&tmp[0][6], kStride), c.favai1 = gather<V>(&tmp[0][7], kStride);
  c.desorb = gather<V>(&tmp[0][8], kStride);
  c.fi0 = gather<V>(&tmp[0][9], kStride), c.fi1 = gather<V>(&tmp[0][10], kStride);
  for (int j = 0; j < 6; ++j)
    c.vmax[j] = gather<V>(&tmp[0][11 + j], kStride), c.km[j] = gather<V>(&tmp[0][17 + j], kStride);
  c.met = gather<V>(&tmp[0][23], kStride), c.str = gather<V>(&tmp[0][24], kStride);
  c.ko_k_km4 = splat<V>(p.ko_k) * c.km[4], c.ko_r_km1 = splat<V>(p.ko_r) * c.km[1];
  // Month-constant terms of tendencies(): the same operations on the same operands every hour.
  c.met_litter = c.met * (1.0 - c.fi0), c.met_direct = c.met * c.fi0;
  c.str_litter = c.str * (1.0 - c.fi1), c.str_direct = c.str * c.fi1;
  c.day_input_hour = (c.met + c.str) * kHour;
}

/// Cells first .. first + U W - 1 of the block through `days` days of 24 hours, as step_day does: U
/// independent vectors of W cells stepped side by side, so that the latency of one vector's hourly
/// chain (its division above all) overlaps the others' work. Every lane runs the operations of
/// step_hour in its order.
template <class V, int U>
[[gnu::always_inline]] inline void step_cells(const Parameters& p, const DaysBlock& b, std::size_t first) {
  constexpr int kWidth = Lanes<V>::kWidth;
  constexpr std::size_t kState = sizeof(State) / sizeof(double);
  CellLanes<V> c[U];
  V lit_m[U], lit_s[U], mic_r[U], mic_k[U], som_p[U], som_c[U], som_a[U], input[U], respiration[U];
  for (int u = 0; u < U; ++u) {
    const std::size_t f = first + static_cast<std::size_t>(u * kWidth);
    load_lanes<V>(p, b, f, c[u]);
    const double* xs = &b.x[f].lit_m;
    lit_m[u] = gather<V>(xs + 0, kState), lit_s[u] = gather<V>(xs + 1, kState);
    mic_r[u] = gather<V>(xs + 2, kState), mic_k[u] = gather<V>(xs + 3, kState);
    som_p[u] = gather<V>(xs + 4, kState), som_c[u] = gather<V>(xs + 5, kState);
    som_a[u] = gather<V>(xs + 6, kState);
    input[u] = gather<V>(&b.sums[f].input, 3), respiration[u] = gather<V>(&b.sums[f].respiration, 3);
  }
  const double one_cue_r_met = 1.0 - p.cue_r_met, one_cue_r_str = 1.0 - p.cue_r_str;
  const double one_cue_k_met = 1.0 - p.cue_k_met, one_cue_k_str = 1.0 - p.cue_k_str;
  for (int d = 0; d < b.days; ++d) {
    V day_input[U], day_co2[U];
    for (int u = 0; u < U; ++u) day_input[u] = splat<V>(0.0), day_co2[u] = splat<V>(0.0);
    for (int h = 0; h < kHoursPerDay; ++h) {
#pragma GCC unroll 8
      for (int u = 0; u < U; ++u) {
        const CellLanes<V>& cu = c[u];
        // hourly_fluxes
        V rr[4], rk[4];
        reciprocals4<V>(cu.km[0] + mic_r[u], cu.km[1] + mic_r[u], cu.km[2] + mic_r[u], cu.ko_r_km1 + mic_r[u], rr);
        reciprocals4<V>(cu.km[3] + mic_k[u], cu.km[4] + mic_k[u], cu.km[5] + mic_k[u], cu.ko_k_km4 + mic_k[u], rk);
        const V litmin0 = mic_r[u] * cu.vmax[0] * lit_m[u] * rr[0];
        const V litmin1 = mic_r[u] * cu.vmax[1] * lit_s[u] * rr[1];
        const V mic_r_tau = mic_r[u] * cu.tau0;
        const V mictrn0 = mic_r_tau * cu.fphys0;
        const V mictrn1 = mic_r_tau * cu.fchem0;
        const V mictrn2 = mic_r_tau * cu.favai0;
        const V sommin0 = mic_r[u] * cu.vmax[2] * som_a[u] * rr[2];
        const V litmin2 = mic_k[u] * cu.vmax[3] * lit_m[u] * rk[0];
        const V litmin3 = mic_k[u] * cu.vmax[4] * lit_s[u] * rk[1];
        const V mic_k_tau = mic_k[u] * cu.tau1;
        const V mictrn3 = mic_k_tau * cu.fphys1;
        const V mictrn4 = mic_k_tau * cu.fchem1;
        const V mictrn5 = mic_k_tau * cu.favai1;
        const V sommin1 = mic_k[u] * cu.vmax[5] * som_a[u] * rk[2];
        const V desorb = som_p[u] * cu.desorb;
        const V oxidat = (mic_k[u] * cu.vmax[4] * som_c[u] * rk[3]) + (mic_r[u] * cu.vmax[1] * som_c[u] * rr[3]);
        const V co2 = one_cue_r_met * (litmin0 + sommin0) + one_cue_r_str * (litmin1) +
                      one_cue_k_met * (litmin2 + sommin1) + one_cue_k_str * (litmin3);
        // tendencies
        const V d_lit_m = cu.met_litter - litmin0 - litmin2;
        const V d_mic_r = p.cue_r_met * (litmin0 + sommin0) + p.cue_r_str * (litmin1) - (mictrn0 + mictrn1 + mictrn2);
        const V d_som_p = cu.met_direct + mictrn0 + mictrn3 - desorb;
        const V d_lit_s = cu.str_litter - litmin1 - litmin3;
        const V d_mic_k = p.cue_k_met * (litmin2 + sommin1) + p.cue_k_str * (litmin3) - (mictrn3 + mictrn4 + mictrn5);
        const V d_som_c = cu.str_direct + mictrn1 + mictrn4 - oxidat;
        const V d_som_a = mictrn2 + mictrn5 + desorb + oxidat - sommin0 - sommin1;
        // step_hour (kHour = 1: x + d kHour is x + d exactly)
        lit_m[u] = lit_m[u] + d_lit_m * kHour;
        lit_s[u] = lit_s[u] + d_lit_s * kHour;
        mic_r[u] = mic_r[u] + d_mic_r * kHour;
        mic_k[u] = mic_k[u] + d_mic_k * kHour;
        som_p[u] = som_p[u] + d_som_p * kHour;
        som_c[u] = som_c[u] + d_som_c * kHour;
        som_a[u] = som_a[u] + d_som_a * kHour;
        day_input[u] += cu.day_input_hour;
        day_co2[u] += co2 * kHour;
      }
    }
    for (int u = 0; u < U; ++u) input[u] += day_input[u], respiration[u] += day_co2[u];
  }
  for (int u = 0; u < U; ++u) {
    const V out[7] = {lit_m[u], lit_s[u], mic_r[u], mic_k[u], som_p[u], som_c[u], som_a[u]};
    for (int l = 0; l < kWidth; ++l) {
      const std::size_t i = first + static_cast<std::size_t>(u * kWidth + l);
      double* x = &b.x[i].lit_m;
      CarbonFluxes& s = b.sums[i];
      if constexpr (kWidth == 1) {
        for (int j = 0; j < 7; ++j) x[j] = out[j];
        s.input = input[u], s.respiration = respiration[u];
      } else {
        for (int j = 0; j < 7; ++j) x[j] = out[j][l];
        s.input = input[u][l], s.respiration = respiration[u][l];
      }
    }
  }
}

/// Vectors of U W cells, then of W, then the scalar instance for the last cells.
template <class V, int U> [[gnu::always_inline]] inline void step_days_lanes(const Parameters& params, const DaysBlock& b) {
  const Parameters p = params;
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  std::size_t i = 0;
  for (; i + U * kWidth <= b.n; i += U * kWidth) step_cells<V, U>(p, b, i);
  for (; i + kWidth <= b.n; i += kWidth) step_cells<V, 1>(p, b, i);
  for (; i < b.n; ++i) step_cells<double, 1>(p, b, i);
}

void step_days_baseline(const Parameters& p, const DaysBlock& b) { step_days_lanes<v2d, ALAMOD_MIMICS_U2>(p, b); }
__attribute__((target("avx2"))) void step_days_avx2(const Parameters& p, const DaysBlock& b) {
  step_days_lanes<v4d, ALAMOD_MIMICS_U4>(p, b);
}
__attribute__((target("avx512f"))) void step_days_avx512(const Parameters& p, const DaysBlock& b) {
  step_days_lanes<v8d, ALAMOD_MIMICS_U8>(p, b);
}

}  // namespace

void step_days_block(const Parameters& p, const DaysBlock& b, int isa) {
  static const int best = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  const int use = isa < 0 ? best : (isa < best ? isa : best);
  switch (use) {
    case 2: step_days_avx512(p, b); return;
    case 1: step_days_avx2(p, b); return;
    default: step_days_baseline(p, b); return;
  }
}

}  // namespace alamod::models::mimics
