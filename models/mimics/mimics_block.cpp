// The MIMICS block kernel (mimics.hpp: prepare_days, step_prepared_days, step_days_block): the hourly
// steps of a block of cells, W cells per vector (v2d baseline SSE2, v4d AVX2, v8d AVX-512, picked at run
// time), the remaining cells with the scalar instance of the same templates. prepare_days computes the
// month-constant terms of each cell (its kinetics above all) once; step_prepared_days steps any number of
// days with them. Each lane runs exactly the operations of kinetics() and step_hour, in the same order (the
// build forbids FMA contraction), so a cell gets the same bits from the block kernel, on every instruction
// set, at every position in the block and however a month is split into calls, as from step_day.
#pragma GCC diagnostic ignored "-Wpsabi"  // vector arguments of always-inline helpers, never an ABI boundary

#include <cstring>
#include <type_traits>

#include "models/mimics/mimics.hpp"

#ifndef ALAMOD_MIMICS_U8
#define ALAMOD_MIMICS_U2 4
#define ALAMOD_MIMICS_U4 3
#define ALAMOD_MIMICS_U8 2
#endif

namespace alamod::models::mimics {

namespace {

/// The prepared terms of a cell, in their order within its group of PreparedDays::terms.
enum Term : int {
  kTau0, kTau1,        // microbial turnover rates (h-1)
  kFphys0, kFphys1,    // necromass shares to SOMp (1)
  kFchem0, kFchem1,    // necromass shares to SOMc (1)
  kFavai0, kFavai1,    // necromass shares to SOMa (1)
  kDesorb,             // SOMp desorption (h-1)
  kVmax0,              // 6 Vmax (h-1), kinetics() order
  kKm0 = kVmax0 + 6,   // 6 Km (mg cm-3)
  kKoRKm1 = kKm0 + 6,  // KO_r Km[1]: Km of SOMc oxidation by MICr (mg cm-3)
  kKoKKm4,             // KO_k Km[4]: by MICk (mg cm-3)
  kMetLitter,          // met (1 - fi[0]): metabolic input to LITm (mg cm-3 h-1)
  kMetDirect,          // met fi[0]: to SOMp (mg cm-3 h-1)
  kStrLitter,          // str (1 - fi[1]): structural input to LITs (mg cm-3 h-1)
  kStrDirect,          // str fi[1]: to SOMc (mg cm-3 h-1)
  kDayInput,           // the day's input, (met + str) kHour added 24 times from 0 (mg cm-3 d-1)
  kNumTerms
};
static_assert(kNumTerms == PreparedDays::kTerms, "PreparedDays::kTerms is the number of terms");
constexpr std::size_t kGroup = PreparedDays::kGroup;

/// Cell i's first term; its term t is kGroup doubles further per t.
[[gnu::always_inline]] inline std::size_t terms_at(std::size_t i) {
  return i / kGroup * (kGroup * kNumTerms) + i % kGroup;
}

template <class V> [[gnu::always_inline]] inline V load(const double* v) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return v[0];
  } else {
    V r;
    std::memcpy(&r, v, sizeof(V));
    return r;
  }
}
template <class V> [[gnu::always_inline]] inline void store(double* v, const V& r) {
  if constexpr (Lanes<V>::kWidth == 1) {
    v[0] = r;
  } else {
    std::memcpy(v, &r, sizeof(V));
  }
}

template <class V> [[gnu::always_inline]] inline V gather(const double* v, std::size_t stride) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return v[0];
  } else {
    V r;
    for (int l = 0; l < Lanes<V>::kWidth; ++l) r[l] = v[static_cast<std::size_t>(l) * stride];
    return r;
  }
}

static_assert(sizeof(State) == 7 * sizeof(double) && sizeof(CarbonFluxes) == 3 * sizeof(double),
              "State and CarbonFluxes are arrays of doubles");

template <int... I> [[gnu::always_inline]] inline v8d shuffle(const v8d& a, const v8d& b) {
  return __builtin_shufflevector(a, b, I...);
}

/// The 8 x 8 transpose: out[j][i] = in[i][j] (24 two-vector shuffles in three stages).
[[gnu::always_inline]] inline void transpose8(const v8d in[8], v8d out[8]) {
  v8d t[8], s[8];
  for (int k = 0; k < 8; k += 2) {
    t[k] = shuffle<0, 8, 2, 10, 4, 12, 6, 14>(in[k], in[k + 1]);
    t[k + 1] = shuffle<1, 9, 3, 11, 5, 13, 7, 15>(in[k], in[k + 1]);
  }
  for (int k = 0; k < 8; k += 4)
    for (int h = 0; h < 2; ++h) {
      s[k + h] = shuffle<0, 1, 8, 9, 4, 5, 12, 13>(t[k + h], t[k + h + 2]);
      s[k + h + 2] = shuffle<2, 3, 10, 11, 6, 7, 14, 15>(t[k + h], t[k + h + 2]);
    }
  for (int k = 0; k < 4; ++k) {
    out[k] = shuffle<0, 1, 2, 3, 8, 9, 10, 11>(s[k], s[k + 4]);
    out[k + 4] = shuffle<4, 5, 6, 7, 12, 13, 14, 15>(s[k], s[k + 4]);
  }
}

/// The 7 pools of the 8 cells whose States start at `x` as 7 vectors of 8 cells: 8 row loads and a
/// transpose (the last cell's row is read from x + 48 doubles and shifted, so nothing past the 8 cells
/// is read).
[[gnu::always_inline]] inline void load_pools8(const double* x, v8d pools[7]) {
  v8d rows[8], cols[8];
  for (int c = 0; c < 7; ++c) rows[c] = load<v8d>(x + 7 * c);
  const v8d last = load<v8d>(x + 48);
  rows[7] = shuffle<1, 2, 3, 4, 5, 6, 7, 7>(last, last);
  transpose8(rows, cols);
  for (int j = 0; j < 7; ++j) pools[j] = cols[j];
}

/// The inverse of load_pools8: rows stored in order, each row's 8th lane overwritten by the next row,
/// the last row stored from x + 48 doubles (its first lane the 7th cell's last pool).
[[gnu::always_inline]] inline void store_pools8(double* x, const v8d pools[7]) {
  v8d cols[8], rows[8];
  for (int j = 0; j < 7; ++j) cols[j] = pools[j];
  cols[7] = pools[6];
  transpose8(cols, rows);
  for (int c = 0; c < 7; ++c) store<v8d>(x + 7 * c, rows[c]);
  store<v8d>(x + 48, shuffle<6, 8, 9, 10, 11, 12, 13, 14>(rows[6], rows[7]));
}

/// Input and respiration of the 8 CarbonFluxes at `s` (24 doubles: 3 loads, 4 shuffles).
[[gnu::always_inline]] inline void load_sums8(const double* s, v8d& input, v8d& respiration) {
  const v8d a = load<v8d>(s), b = load<v8d>(s + 8), c = load<v8d>(s + 16);
  input = shuffle<0, 1, 2, 3, 4, 5, 10, 13>(shuffle<0, 3, 6, 9, 12, 15, 0, 0>(a, b), c);
  respiration = shuffle<0, 1, 2, 3, 4, 8, 11, 14>(shuffle<1, 4, 7, 10, 13, 0, 0, 0>(a, b), c);
}

/// The inverse of load_sums8; the leaching members keep their values.
[[gnu::always_inline]] inline void store_sums8(double* s, const v8d& input, const v8d& respiration) {
  const v8d a = load<v8d>(s), b = load<v8d>(s + 8), c = load<v8d>(s + 16);
  store<v8d>(s, shuffle<0, 1, 10, 3, 4, 13, 6, 7>(shuffle<0, 8, 0, 1, 9, 0, 2, 10>(input, respiration), a));
  store<v8d>(s + 8, shuffle<8, 1, 2, 11, 4, 5, 14, 7>(shuffle<0, 3, 11, 0, 4, 12, 0, 5>(input, respiration), b));
  store<v8d>(s + 16, shuffle<0, 9, 2, 3, 12, 5, 6, 15>(shuffle<13, 0, 6, 14, 0, 7, 15, 0>(input, respiration), c));
}

/// The terms of cells first .. first + W - 1, as kinetics() and the hourly step compute them.
template <class V>
[[gnu::always_inline]] inline void prepare_cells(const Parameters& p, const SiteConstants* const* site,
                                                 const DailyForcing* forcing, std::size_t first, double* terms) {
  constexpr std::size_t stride = kGroup;
  constexpr int kWidth = Lanes<V>::kWidth;
  enum { kT, kMet, kStr, kPscalar, kFi0, kFi1, kIn = kFi1 + 1 + kDesorb + 1 };  // then kTau0 .. kDesorb
  double in[kIn][kWidth];  // lane by lane
  for (int l = 0; l < kWidth; ++l) {
    const std::size_t i = first + static_cast<std::size_t>(l);
    const SiteConstants& sc = *site[i];
    in[kT][l] = forcing[i].soil_temperature, in[kMet][l] = forcing[i].litter.met, in[kStr][l] = forcing[i].litter.str;
    in[kPscalar][l] = sc.pscalar, in[kFi0][l] = sc.fi[0], in[kFi1][l] = sc.fi[1];
    const double site_terms[kDesorb + 1] = {sc.tau[0],  sc.tau[1],   sc.fphys[0], sc.fphys[1], sc.fchem[0],
                                            sc.fchem[1], sc.favai[0], sc.favai[1], sc.desorb};
    for (int t = 0; t <= kDesorb; ++t) in[kFi1 + 1 + t][l] = site_terms[t];
  }
  double* const out = terms + terms_at(first);
  for (int t = 0; t <= kDesorb; ++t) store<V>(out + static_cast<std::size_t>(t) * stride, load<V>(in[kFi1 + 1 + t]));
  // kinetics()
  const V temperature = load<V>(in[kT]), pscalar = load<V>(in[kPscalar]);
  const V vmax = det_exp_lanes<V>(p.vslope * temperature + p.vint) * p.av;  // h-1
  const V km = det_exp_lanes<V>(p.kslope * temperature + p.kint) * p.ak;    // mg cm-3
  const double vmod[6] = {p.vmod_r_met, p.vmod_r_str, p.vmod_r_soma, p.vmod_k_met, p.vmod_k_str, p.vmod_k_soma};
  const V kmod[6] = {splat<V>(p.kmod_r_met), splat<V>(p.kmod_r_str), p.kmod_r_soma * pscalar,
                     splat<V>(p.kmod_k_met), splat<V>(p.kmod_k_str), p.kmod_k_soma * pscalar};
  V kms[6];
  for (int j = 0; j < 6; ++j) {
    kms[j] = km / kmod[j];
    store<V>(out + static_cast<std::size_t>(kVmax0 + j) * stride, vmax * vmod[j]);
    store<V>(out + static_cast<std::size_t>(kKm0 + j) * stride, kms[j]);
  }
  store<V>(out + static_cast<std::size_t>(kKoRKm1) * stride, p.ko_r * kms[1]);
  store<V>(out + static_cast<std::size_t>(kKoKKm4) * stride, p.ko_k * kms[4]);
  // tendencies(): the inputs' terms of every hour
  const V met = load<V>(in[kMet]), str = load<V>(in[kStr]), fi0 = load<V>(in[kFi0]), fi1 = load<V>(in[kFi1]);
  store<V>(out + static_cast<std::size_t>(kMetLitter) * stride, met * (1.0 - fi0));
  store<V>(out + static_cast<std::size_t>(kMetDirect) * stride, met * fi0);
  store<V>(out + static_cast<std::size_t>(kStrLitter) * stride, str * (1.0 - fi1));
  store<V>(out + static_cast<std::size_t>(kStrDirect) * stride, str * fi1);
  // step_day(): the day's input, the sum of its 24 hours' (the same every day)
  const V hour_input = (met + str) * kHour;
  V day_input = splat<V>(0.0);
  for (int h = 0; h < kHoursPerDay; ++h) day_input += hour_input;
  store<V>(out + static_cast<std::size_t>(kDayInput) * stride, day_input);
}

template <class V>
[[gnu::always_inline]] inline void prepare_lanes(const Parameters& params, std::size_t n,
                                                 const SiteConstants* const* site, const DailyForcing* forcing,
                                                 PreparedDays& out) {
  const Parameters p = params;
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  double* const terms = out.terms.data();
  std::size_t i = 0;
  for (; i + kWidth <= n; i += kWidth) prepare_cells<V>(p, site, forcing, i, terms);
  for (; i < n; ++i) prepare_cells<double>(p, site, forcing, i, terms);
}

/// The prepared terms of W cells for the hourly loop.
template <class V> struct CellLanes {
  V tau0, tau1, fphys0, fphys1, fchem0, fchem1, favai0, favai1, desorb;
  V vmax[6], km[6];
  V ko_r_km1, ko_k_km4;  // Km of SOMc oxidation, KO Km (mg cm-3)
  V met_litter, met_direct, str_litter, str_direct, day_input;  // the inputs' terms of every hour, of a day
};

template <class V>
[[gnu::always_inline]] inline void load_lanes(const PreparedDays& prep, std::size_t first, CellLanes<V>& c) {
  const double* const t = prep.terms.data() + terms_at(first);
  constexpr std::size_t s = kGroup;
  c.tau0 = load<V>(t + kTau0 * s), c.tau1 = load<V>(t + kTau1 * s);
  c.fphys0 = load<V>(t + kFphys0 * s), c.fphys1 = load<V>(t + kFphys1 * s);
  c.fchem0 = load<V>(t + kFchem0 * s), c.fchem1 = load<V>(t + kFchem1 * s);
  c.favai0 = load<V>(t + kFavai0 * s), c.favai1 = load<V>(t + kFavai1 * s);
  c.desorb = load<V>(t + kDesorb * s);
  for (int j = 0; j < 6; ++j)
    c.vmax[j] = load<V>(t + static_cast<std::size_t>(kVmax0 + j) * s),
    c.km[j] = load<V>(t + static_cast<std::size_t>(kKm0 + j) * s);
  c.ko_r_km1 = load<V>(t + kKoRKm1 * s), c.ko_k_km4 = load<V>(t + kKoKKm4 * s);
  c.met_litter = load<V>(t + kMetLitter * s), c.met_direct = load<V>(t + kMetDirect * s);
  c.str_litter = load<V>(t + kStrLitter * s), c.str_direct = load<V>(t + kStrDirect * s);
  c.day_input = load<V>(t + kDayInput * s);
}

/// Cells first .. first + U W - 1 through `days` days of 24 hours, as step_day does: U independent
/// vectors of W cells stepped side by side, so that the latency of one vector's hourly chain (its
/// division above all) overlaps the others' work. Every lane runs the operations of step_hour in its order.
template <class V, int U>
[[gnu::always_inline]] inline void step_cells(const PreparedDays& prep, int days, State* x_all,
                                              CarbonFluxes* sums, std::size_t first) {
  constexpr int kWidth = Lanes<V>::kWidth;
  constexpr std::size_t kState = sizeof(State) / sizeof(double);
  constexpr std::size_t kSums = sizeof(CarbonFluxes) / sizeof(double);
  CellLanes<V> c[U];
  V lit_m[U], lit_s[U], mic_r[U], mic_k[U], som_p[U], som_c[U], som_a[U], input[U], respiration[U];
  for (int u = 0; u < U; ++u) {
    const std::size_t f = first + static_cast<std::size_t>(u * kWidth);
    load_lanes<V>(prep, f, c[u]);
    const double* xs = &x_all[f].lit_m;
    if constexpr (std::is_same_v<V, v8d>) {
      V pools[7];
      load_pools8(xs, pools);
      lit_m[u] = pools[0], lit_s[u] = pools[1], mic_r[u] = pools[2], mic_k[u] = pools[3];
      som_p[u] = pools[4], som_c[u] = pools[5], som_a[u] = pools[6];
      load_sums8(&sums[f].input, input[u], respiration[u]);
    } else {
      lit_m[u] = gather<V>(xs + 0, kState), lit_s[u] = gather<V>(xs + 1, kState);
      mic_r[u] = gather<V>(xs + 2, kState), mic_k[u] = gather<V>(xs + 3, kState);
      som_p[u] = gather<V>(xs + 4, kState), som_c[u] = gather<V>(xs + 5, kState);
      som_a[u] = gather<V>(xs + 6, kState);
      input[u] = gather<V>(&sums[f].input, kSums), respiration[u] = gather<V>(&sums[f].respiration, kSums);
    }
  }
  const double cue_r_met = prep.cue[0], cue_r_str = prep.cue[1], cue_k_met = prep.cue[2], cue_k_str = prep.cue[3];
  const double one_cue_r_met = 1.0 - cue_r_met, one_cue_r_str = 1.0 - cue_r_str;
  const double one_cue_k_met = 1.0 - cue_k_met, one_cue_k_str = 1.0 - cue_k_str;
  for (int d = 0; d < days; ++d) {
    V day_co2[U];
    for (int u = 0; u < U; ++u) day_co2[u] = splat<V>(0.0);
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
        const V d_mic_r = cue_r_met * (litmin0 + sommin0) + cue_r_str * (litmin1) - (mictrn0 + mictrn1 + mictrn2);
        const V d_som_p = cu.met_direct + mictrn0 + mictrn3 - desorb;
        const V d_lit_s = cu.str_litter - litmin1 - litmin3;
        const V d_mic_k = cue_k_met * (litmin2 + sommin1) + cue_k_str * (litmin3) - (mictrn3 + mictrn4 + mictrn5);
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
        day_co2[u] += co2 * kHour;
      }
    }
    for (int u = 0; u < U; ++u) input[u] += c[u].day_input, respiration[u] += day_co2[u];
  }
  for (int u = 0; u < U; ++u) {
    const V out[7] = {lit_m[u], lit_s[u], mic_r[u], mic_k[u], som_p[u], som_c[u], som_a[u]};
    if constexpr (std::is_same_v<V, v8d>) {
      const std::size_t f = first + static_cast<std::size_t>(u * kWidth);
      store_pools8(&x_all[f].lit_m, out);
      store_sums8(&sums[f].input, input[u], respiration[u]);
      continue;
    }
    for (int l = 0; l < kWidth; ++l) {
      const std::size_t i = first + static_cast<std::size_t>(u * kWidth + l);
      double* x = &x_all[i].lit_m;
      CarbonFluxes& s = sums[i];
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
template <class V, int U>
[[gnu::always_inline]] inline void step_lanes(const PreparedDays& prep, int days, State* x, CarbonFluxes* sums) {
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  const std::size_t n = prep.n;
  std::size_t i = 0;
  for (; i + U * kWidth <= n; i += U * kWidth) step_cells<V, U>(prep, days, x, sums, i);
  for (; i + kWidth <= n; i += kWidth) step_cells<V, 1>(prep, days, x, sums, i);
  for (; i < n; ++i) step_cells<double, 1>(prep, days, x, sums, i);
}

void prepare_baseline(const Parameters& p, std::size_t n, const SiteConstants* const* site,
                      const DailyForcing* forcing, PreparedDays& out) {
  prepare_lanes<v2d>(p, n, site, forcing, out);
}
__attribute__((target("avx2"))) void prepare_avx2(const Parameters& p, std::size_t n, const SiteConstants* const* site,
                                                  const DailyForcing* forcing, PreparedDays& out) {
  prepare_lanes<v4d>(p, n, site, forcing, out);
}
__attribute__((target("avx512f"))) void prepare_avx512(const Parameters& p, std::size_t n,
                                                       const SiteConstants* const* site, const DailyForcing* forcing,
                                                       PreparedDays& out) {
  prepare_lanes<v8d>(p, n, site, forcing, out);
}

void step_baseline(const PreparedDays& c, int days, State* x, CarbonFluxes* sums) {
  step_lanes<v2d, ALAMOD_MIMICS_U2>(c, days, x, sums);
}
__attribute__((target("avx2"))) void step_avx2(const PreparedDays& c, int days, State* x, CarbonFluxes* sums) {
  step_lanes<v4d, ALAMOD_MIMICS_U4>(c, days, x, sums);
}
__attribute__((target("avx512f"))) void step_avx512(const PreparedDays& c, int days, State* x, CarbonFluxes* sums) {
  step_lanes<v8d, ALAMOD_MIMICS_U8>(c, days, x, sums);
}

/// The instruction set to use: isa (0 SSE2, 1 AVX2, 2 AVX-512) capped at what the CPU runs, or the widest if < 0.
int use_isa(int isa) {
  static const int best = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
  return isa < 0 ? best : (isa < best ? isa : best);
}

}  // namespace

void prepare_days(const Parameters& p, std::size_t n, const SiteConstants* const* site, const DailyForcing* forcing,
                  PreparedDays& out, int isa) {
  out.n = n;
  out.cue[0] = p.cue_r_met, out.cue[1] = p.cue_r_str, out.cue[2] = p.cue_k_met, out.cue[3] = p.cue_k_str;
  out.terms.resize((n + kGroup - 1) / kGroup * (kGroup * kNumTerms));
  switch (use_isa(isa)) {
    case 2: prepare_avx512(p, n, site, forcing, out); return;
    case 1: prepare_avx2(p, n, site, forcing, out); return;
    default: prepare_baseline(p, n, site, forcing, out); return;
  }
}

void step_prepared_days(const PreparedDays& c, int days, State* x, CarbonFluxes* sums, int isa) {
  switch (use_isa(isa)) {
    case 2: step_avx512(c, days, x, sums); return;
    case 1: step_avx2(c, days, x, sums); return;
    default: step_baseline(c, days, x, sums); return;
  }
}

void step_days_block(const Parameters& p, const DaysBlock& b, int isa) {
  PreparedDays prep;
  prepare_days(p, b.n, b.site, b.forcing, prep, isa);
  step_prepared_days(prep, b.days, b.x, b.sums, isa);
}

}  // namespace alamod::models::mimics
