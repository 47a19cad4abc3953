// The MIMICS block kernel (mimics.hpp, step_days_block): the hourly steps of a block of cells, W cells
// per vector (v2d baseline SSE2, v4d AVX2, v8d AVX-512, picked at run time), the remaining cells with
// the scalar instance of the same template. Each lane runs exactly the operations of step_hour, in the
// same order (the build forbids FMA contraction), so a cell gets the same bits from the block kernel,
// on every instruction set and at every position in the block, as from step_day.
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of always-inline helpers, never an ABI boundary

#include <cstring>

#include "models/mimics/mimics.hpp"

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
};

/// Cells first .. first + W - 1 of the block through `days` days of 24 hours, as step_day does.
template <class V>
[[gnu::always_inline]] inline void step_cells(const Parameters& p, const DaysBlock& b, std::size_t first) {
  constexpr int kWidth = Lanes<V>::kWidth;
  // Per-cell scalars laid out lane by lane.
  double tmp[kWidth][2 + 6 + 1 + 2 + 12 + 2];
  for (int l = 0; l < kWidth; ++l) {
    const std::size_t i = first + static_cast<std::size_t>(l);
    const SiteConstants& c = *b.site[i];
    const Kinetics k = kinetics(p, c, b.forcing[i].soil_temperature);  // the month's: as every day's
    double* t = tmp[l];
    t[0] = c.tau[0], t[1] = c.tau[1], t[2] = c.fphys[0], t[3] = c.fphys[1], t[4] = c.fchem[0], t[5] = c.fchem[1];
    t[6] = c.favai[0], t[7] = c.favai[1], t[8] = c.desorb, t[9] = c.fi[0], t[10] = c.fi[1];
    for (int j = 0; j < 6; ++j) t[11 + j] = k.vmax[j], t[17 + j] = k.km[j];
    t[23] = b.forcing[i].litter.met, t[24] = b.forcing[i].litter.str;
  }
  constexpr std::size_t kStride = 2 + 6 + 1 + 2 + 12 + 2;
  CellLanes<V> c;
  c.tau0 = gather<V>(&tmp[0][0], kStride), c.tau1 = gather<V>(&tmp[0][1], kStride);
  c.fphys0 = gather<V>(&tmp[0][2], kStride), c.fphys1 = gather<V>(&tmp[0][3], kStride);
  c.fchem0 = gather<V>(&tmp[0][4], kStride), c.fchem1 = gather<V>(&tmp[0][5], kStride);
  c.favai0 = gather<V>(&tmp[0][6], kStride), c.favai1 = gather<V>(&tmp[0][7], kStride);
  c.desorb = gather<V>(&tmp[0][8], kStride);
  c.fi0 = gather<V>(&tmp[0][9], kStride), c.fi1 = gather<V>(&tmp[0][10], kStride);
  for (int j = 0; j < 6; ++j) c.vmax[j] = gather<V>(&tmp[0][11 + j], kStride), c.km[j] = gather<V>(&tmp[0][17 + j], kStride);
  c.met = gather<V>(&tmp[0][23], kStride), c.str = gather<V>(&tmp[0][24], kStride);
  const double* xs = &b.x[first].lit_m;
  constexpr std::size_t kState = sizeof(State) / sizeof(double);
  V lit_m = gather<V>(xs + 0, kState), lit_s = gather<V>(xs + 1, kState), mic_r = gather<V>(xs + 2, kState),
    mic_k = gather<V>(xs + 3, kState), som_p = gather<V>(xs + 4, kState), som_c = gather<V>(xs + 5, kState),
    som_a = gather<V>(xs + 6, kState);
  V input = gather<V>(&b.sums[first].input, 3), respiration = gather<V>(&b.sums[first].respiration, 3);
  const V ko_k = splat<V>(p.ko_k), ko_r = splat<V>(p.ko_r);
  const V ko_k_km4 = ko_k * c.km[4], ko_r_km1 = ko_r * c.km[1];
  for (int d = 0; d < b.days; ++d) {
    V day_input = splat<V>(0.0), day_co2 = splat<V>(0.0);
    for (int h = 0; h < kHoursPerDay; ++h) {
      // hourly_fluxes
      V rr[4], rk[4];
      reciprocals4<V>(c.km[0] + mic_r, c.km[1] + mic_r, c.km[2] + mic_r, ko_r_km1 + mic_r, rr);
      reciprocals4<V>(c.km[3] + mic_k, c.km[4] + mic_k, c.km[5] + mic_k, ko_k_km4 + mic_k, rk);
      const V litmin0 = mic_r * c.vmax[0] * lit_m * rr[0];
      const V litmin1 = mic_r * c.vmax[1] * lit_s * rr[1];
      const V mictrn0 = mic_r * c.tau0 * c.fphys0;
      const V mictrn1 = mic_r * c.tau0 * c.fchem0;
      const V mictrn2 = mic_r * c.tau0 * c.favai0;
      const V sommin0 = mic_r * c.vmax[2] * som_a * rr[2];
      const V litmin2 = mic_k * c.vmax[3] * lit_m * rk[0];
      const V litmin3 = mic_k * c.vmax[4] * lit_s * rk[1];
      const V mictrn3 = mic_k * c.tau1 * c.fphys1;
      const V mictrn4 = mic_k * c.tau1 * c.fchem1;
      const V mictrn5 = mic_k * c.tau1 * c.favai1;
      const V sommin1 = mic_k * c.vmax[5] * som_a * rk[2];
      const V desorb = som_p * c.desorb;
      const V oxidat = (mic_k * c.vmax[4] * som_c * rk[3]) + (mic_r * c.vmax[1] * som_c * rr[3]);
      const V co2 = (1.0 - p.cue_r_met) * (litmin0 + sommin0) + (1.0 - p.cue_r_str) * (litmin1) +
                    (1.0 - p.cue_k_met) * (litmin2 + sommin1) + (1.0 - p.cue_k_str) * (litmin3);
      // tendencies
      const V d_lit_m = c.met * (1.0 - c.fi0) - litmin0 - litmin2;
      const V d_mic_r = p.cue_r_met * (litmin0 + sommin0) + p.cue_r_str * (litmin1) - (mictrn0 + mictrn1 + mictrn2);
      const V d_som_p = c.met * c.fi0 + mictrn0 + mictrn3 - desorb;
      const V d_lit_s = c.str * (1.0 - c.fi1) - litmin1 - litmin3;
      const V d_mic_k = p.cue_k_met * (litmin2 + sommin1) + p.cue_k_str * (litmin3) - (mictrn3 + mictrn4 + mictrn5);
      const V d_som_c = c.str * c.fi1 + mictrn1 + mictrn4 - oxidat;
      const V d_som_a = mictrn2 + mictrn5 + desorb + oxidat - sommin0 - sommin1;
      // step_hour
      lit_m = lit_m + d_lit_m * kHour;
      lit_s = lit_s + d_lit_s * kHour;
      mic_r = mic_r + d_mic_r * kHour;
      mic_k = mic_k + d_mic_k * kHour;
      som_p = som_p + d_som_p * kHour;
      som_c = som_c + d_som_c * kHour;
      som_a = som_a + d_som_a * kHour;
      day_input += (c.met + c.str) * kHour;
      day_co2 += co2 * kHour;
    }
    input += day_input;
    respiration += day_co2;
  }
  const V out[7] = {lit_m, lit_s, mic_r, mic_k, som_p, som_c, som_a};
  for (int l = 0; l < kWidth; ++l) {
    double* x = &b.x[first + static_cast<std::size_t>(l)].lit_m;
    CarbonFluxes& s = b.sums[first + static_cast<std::size_t>(l)];
    if constexpr (kWidth == 1) {
      for (int j = 0; j < 7; ++j) x[j] = out[j];
      s.input = input, s.respiration = respiration;
    } else {
      for (int j = 0; j < 7; ++j) x[j] = out[j][l];
      s.input = input[l], s.respiration = respiration[l];
    }
  }
}

template <class V> [[gnu::always_inline]] inline void step_days_lanes(const Parameters& params, const DaysBlock& b) {
  const Parameters p = params;
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  std::size_t i = 0;
  for (; i + kWidth <= b.n; i += kWidth) step_cells<V>(p, b, i);
  for (; i < b.n; ++i) step_cells<double>(p, b, i);
}

void step_days_baseline(const Parameters& p, const DaysBlock& b) { step_days_lanes<v2d>(p, b); }
__attribute__((target("avx2"))) void step_days_avx2(const Parameters& p, const DaysBlock& b) {
  step_days_lanes<v4d>(p, b);
}
__attribute__((target("avx512f"))) void step_days_avx512(const Parameters& p, const DaysBlock& b) {
  step_days_lanes<v8d>(p, b);
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
