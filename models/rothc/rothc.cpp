// The vector kernels below pass GCC vector types between always_inline
// functions compiled for AVX2/AVX-512; GCC notes that such types would change
// the calling convention of a non-inlined call. None is left after inlining.
#pragma GCC diagnostic ignored "-Wpsabi"

#include "models/rothc/rothc.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace alamod::models::rothc {

namespace {
/// Throws std::invalid_argument with `what` + the value when !ok. The message is built only
/// on failure (this runs once per grid cell).
void require(bool ok, const char* what, double value) {
  if (!ok) reject(what + shortest_text(value));
}
void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(what);
}
}  // namespace

double water_content_woesten(const SoilProperties& soil, double h_mbar) {
  const double C = soil.clay_pct, S = soil.silt_pct, BD = soil.bulk_density;
  const double OM = 1.72 * soil.organic_carbon_pct;  // organic matter (percent)
  const double t = 1.0;                              // topsoil
  const double alpha = std::exp(-14.96 + 0.03135 * C + 0.0351 * S + 0.646 * OM + 15.29 * BD - 0.192 * t -
                                4.671 * BD * BD - 0.000781 * C * C - 0.00687 * OM * OM + 0.0449 / OM +
                                0.0663 * std::log(S) + 0.1482 * std::log(OM) - 0.04546 * BD * S -
                                0.4852 * BD * OM + 0.00673 * C * t);
  const double theta_s = 0.7919 + 0.001691 * C - 0.29619 * BD - 0.000001491 * S * S + 0.0000821 * OM * OM +
                         0.02427 / C + 0.01113 / S + 0.01472 * std::log(S) - 0.0000733 * OM * C -
                         0.000619 * BD * C - 0.001183 * BD * OM - 0.0001664 * S * t;
  const double n = 1.0 + std::exp(-25.23 - 0.02195 * C + 0.0074 * S - 0.194 * OM + 45.5 * BD - 7.24 * BD * BD +
                                  0.0003658 * C * C + 0.002885 * OM * OM - 12.81 / BD - 0.1524 / S -
                                  0.01958 / OM - 0.2876 * std::log(S) - 0.0709 * std::log(OM) -
                                  44.6 * std::log(BD) - 0.02264 * BD * C + 0.0896 * BD * OM + 0.00718 * C * t);
  const double theta_r = 0.01;
  const double m = 1.0 - 1.0 / n;
  return theta_r + (theta_s - theta_r) / std::pow(1.0 + std::pow(alpha * h_mbar, n), m);
}

SoilConstants derive_soil_constants(const Parameters& p, const SoilProperties& soil, MoistureOption moisture,
                                    BareLimitOption bare) {
  require(soil.clay_pct >= 0.0 && soil.clay_pct <= 100.0,
          "clay must be within 0-100 %, got ", soil.clay_pct);
  require(soil.depth_cm > 0.0 && soil.depth_cm <= 300.0,
          "depth must be within (0, 300] cm, got ", soil.depth_cm);
  const double x = p.co2_ratio_a * (p.co2_ratio_b + p.co2_ratio_c * std::exp(-p.co2_ratio_d * soil.clay_pct));
  SoilConstants s{};
  s.co2_fraction = x / (x + 1.0);
  s.bio_fraction = p.bio_share / (x + 1.0);
  s.hum_fraction = (1.0 - p.bio_share) / (x + 1.0);
  const double smd15_standard =
      -(p.smd_a + p.smd_b * soil.clay_pct - p.smd_c * soil.clay_pct * soil.clay_pct) * soil.depth_cm / p.smd_depth_ref;
  if (moisture == MoistureOption::standard) {
    s.smd_15bar = smd15_standard;
    s.smd_1bar = p.smd_1bar_share * smd15_standard;
    s.smd_max = smd15_standard;
    s.smd_bare = p.smd_bare_share * smd15_standard;
    s.min_rm_moist = p.rm_moist_min;
  } else {
    require(soil.clay_pct > 0.0, "clay must be > 0 % for moisture options 2 and 3");
    require(soil.silt_pct > 0.0 && soil.silt_pct <= 100.0,
            "silt must be within (0, 100] % for moisture options 2 and 3, got ", soil.silt_pct);
    require(soil.bulk_density > 0.5 && soil.bulk_density < 2.5,
            "bulk density must be within (0.5, 2.5) g cm-3, got ", soil.bulk_density);
    require(soil.organic_carbon_pct > 0.0 && soil.organic_carbon_pct < 60.0,
            "organic carbon must be within (0, 60) %, got ", soil.organic_carbon_pct);
    require(soil.min_rm_moist >= 0.0 && soil.min_rm_moist <= 1.0,
            "minimum moisture modifier must be within 0-1, got ", soil.min_rm_moist);
    const double fc = water_content_woesten(soil, 50.0);
    const double th_1bar = water_content_woesten(soil, 1000.0);
    const double th_wp = water_content_woesten(soil, 15000.0);
    const double th_1000bar = water_content_woesten(soil, 1.0e6);
    const double x1 = (th_1bar - fc) * 10.0 * soil.depth_cm;
    const double x2 = (th_wp - fc) * 10.0 * soil.depth_cm;
    const double x3 = (th_1000bar - fc) * 10.0 * soil.depth_cm;
    s.smd_15bar = x2;
    s.smd_1bar = x1;
    // Option 2 lets the soil dry to -1000 bar; option 3 stops at the van Genuchten wilting point
    // (the official SMDMaxAdj = SMD15barAdj = X2 for both options 1 and 3).
    s.smd_max = moisture == MoistureOption::farina_vg ? x3 : x2;
    s.smd_bare = x2 - (0.6388 / 0.8) * (x2 - x1);
    s.min_rm_moist = soil.min_rm_moist;
  }
  if (bare == BareLimitOption::wilting_point) s.smd_bare = s.smd_15bar;
  if (!(std::isfinite(s.smd_max) && std::isfinite(s.smd_1bar) && s.smd_max <= s.smd_15bar &&
        s.smd_15bar <= s.smd_1bar && s.smd_1bar < 0.0))
    throw std::invalid_argument("derived deficits are not ordered (need max <= 15 bar <= 1 bar < 0 mm): max " +
                                std::to_string(s.smd_max) + ", 15 bar " + std::to_string(s.smd_15bar) + ", 1 bar " +
                                std::to_string(s.smd_1bar) + " mm");
  return s;
}

}  // namespace alamod::models::rothc

// ---- the block kernel ------------------------------------------------------
//
// One source, three instruction sets: step_block_lanes<V> processes the block in
// vectors of W cells (V = v2d for baseline x86-64/SSE2, v4d for AVX2, v8d for
// AVX-512) and the remaining n mod W cells with the scalar instance, which runs
// the same operations per lane (detail::rates, detail::decay and det_exp_lanes
// are templates, the same ones step_cell instantiates for double).
// The build forbids FMA contraction (-ffp-contract=off), so the target
// attributes below change the instructions, never the rounding.

namespace alamod::models::rothc {

namespace {

template <class V> [[gnu::always_inline]] inline V load(const double* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V> [[gnu::always_inline]] inline void store(double* p, const V& v) { std::memcpy(p, &v, sizeof v); }

template <class V> struct SoilLanes {
  V co2_fraction, bio_fraction, hum_fraction, smd_max, smd_1bar, smd_15bar, smd_bare, min_rm_moist;
};
template <class V> struct ForcingLanes {
  V tas_c, rain_mm, evap_mm, c_input, fym, covered, dpm_fraction;
};
template <class V> struct StateLanes {
  V dpm, rpm, bio, hum, smd;
};

template <class V> [[gnu::always_inline]] inline SoilLanes<V> load_soil(const Block& b, std::size_t i) {
  return {load<V>(b.co2_fraction + i), load<V>(b.bio_fraction + i), load<V>(b.hum_fraction + i),
          load<V>(b.smd_max + i),      load<V>(b.smd_1bar + i),     load<V>(b.smd_15bar + i),
          load<V>(b.smd_bare + i),     load<V>(b.min_rm_moist + i)};
}
template <class V> [[gnu::always_inline]] inline ForcingLanes<V> load_forcing(const Block& b, std::size_t i) {
  return {load<V>(b.tas_c + i),   load<V>(b.rain_mm + i), load<V>(b.evap_mm + i), load<V>(b.c_input + i),
          load<V>(b.fym + i),     load<V>(b.covered + i), load<V>(b.dpm_fraction + i)};
}
template <class V> [[gnu::always_inline]] inline StateLanes<V> load_state(const Block& b, std::size_t i) {
  return {load<V>(b.dpm + i), load<V>(b.rpm + i), load<V>(b.bio + i), load<V>(b.hum + i), load<V>(b.smd + i)};
}

/// First half of the month for cells i .. i + W - 1 (W = 1: the scalar
/// instance): updates their deficits and writes their rate modifiers to `rate`.
template <class V>
[[gnu::always_inline]] inline void rates_cells(const Parameters& p, const Block& b, std::size_t i, double* rate) {
  const SoilLanes<V> s = load_soil<V>(b, i);
  const ForcingLanes<V> f = load_forcing<V>(b, i);
  StateLanes<V> x = load_state<V>(b, i);
  V ra, rb, rc;
  store(rate, detail::rates<V>(p, s, f, x, ra, rb, rc));
  store(b.smd + i, x.smd);
}

/// Second half of the month for cells i .. i + W - 1, with their rate modifiers.
template <class V>
[[gnu::always_inline]] inline void decay_cells(const Parameters& p, const detail::PoolRates& k,
                                               const Block& b, std::size_t i, const double* rate) {
  const SoilLanes<V> s = load_soil<V>(b, i);
  const ForcingLanes<V> f = load_forcing<V>(b, i);
  StateLanes<V> x = load_state<V>(b, i);
  store(b.co2 + i, detail::decay<V>(p, k, s, f, x, load<V>(rate)));
  store(b.dpm + i, x.dpm);
  store(b.rpm + i, x.rpm);
  store(b.bio + i, x.bio);
  store(b.hum + i, x.hum);
}

/// The block in chunks of kChunk cells, each in two passes of W-cell vectors (the
/// rate modifiers, then the decay: two short dependency chains keep more vectors
/// in flight than one long one), then the remaining whole vectors, then single
/// cells. Which path a cell takes changes nothing: each lane runs the scalar
/// operations.
template <class V>
[[gnu::always_inline]] inline void step_block_lanes(const Parameters& params, const Block& block) {
  // Local copies: the stores to the state arrays cannot alias them, so the
  // parameters and pointers stay in registers.
  const Parameters p = params;
  const Block b = block;
  const detail::PoolRates k = detail::pool_rates(p);
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  constexpr std::size_t kChunk = 128;
  static_assert(kChunk % kWidth == 0);
  alignas(64) double rate[kChunk];
  std::size_t i = 0;
  // the optional factor on the rate modifiers (a scenario's decomposition factor), applied between the passes
  auto scale = [&](std::size_t first, std::size_t count) {
    if (b.rate_factor)
      for (std::size_t j = 0; j < count; ++j) rate[j] *= b.rate_factor[first + j];
  };
  for (; i + kChunk <= b.n; i += kChunk) {
    for (std::size_t j = 0; j < kChunk; j += kWidth) rates_cells<V>(p, b, i + j, rate + j);
    scale(i, kChunk);
    for (std::size_t j = 0; j < kChunk; j += kWidth) decay_cells<V>(p, k, b, i + j, rate + j);
  }
  for (; i + kWidth <= b.n; i += kWidth) {
    rates_cells<V>(p, b, i, rate);
    scale(i, kWidth);
    decay_cells<V>(p, k, b, i, rate);
  }
  for (; i < b.n; ++i) {
    rates_cells<double>(p, b, i, rate);
    scale(i, 1);
    decay_cells<double>(p, k, b, i, rate);
  }
}

/// The cycle map of cells i .. i + W - 1 (W = 1: the scalar instance).
template <class V>
[[gnu::always_inline]] inline void year_map_cells(const Parameters& p, const detail::PoolRates& k,
                                                  const YearMapBlock& b, std::size_t i) {
  const SoilLanes<V> s{load<V>(b.co2_fraction + i), load<V>(b.bio_fraction + i), load<V>(b.hum_fraction + i),
                       load<V>(b.smd_max + i),      load<V>(b.smd_1bar + i),     load<V>(b.smd_15bar + i),
                       load<V>(b.smd_bare + i),     load<V>(b.min_rm_moist + i)};
  const V df = load<V>(b.dpm_fraction + i);
  const V zero = splat<V>(0.0), one = splat<V>(1.0);
  StateLanes<V> x{zero, zero, zero, zero, load<V>(b.smd0 + i)};
  // M is block lower triangular: DPM and RPM receive nothing from the other pools, so their rows
  // hold only the diagonal; BIO and HUM receive from all four. Only the 10 entries that can be
  // nonzero are carried (the others stay exactly 0, and adding a zero term changes no bits).
  V m00 = one, m11 = one, m20 = zero, m21 = zero, m30 = zero, m31 = zero;
  V m22 = one, m23 = zero, m32 = zero, m33 = one;
  V v[4] = {zero, zero, zero, zero};
  const std::size_t n = b.n;
  for (int mo = 0; mo < b.months; ++mo) {
    const std::size_t o = static_cast<std::size_t>(mo) * n + i;
    const ForcingLanes<V> f{load<V>(b.tas_c + o), load<V>(b.rain_mm + o), load<V>(b.evap_mm + o),
                            load<V>(b.c_input + o), load<V>(b.fym + o), load<V>(b.covered + o), df};
    V ra, rb, rc;
    const V rate = detail::rates<V>(p, s, f, x, ra, rb, rc);
    // retention of each pool, as detail::decay computes it
    const V minus_rate = -(rate < 0.0 ? zero : rate);
    const V e[4] = {det_exp_upto709_lanes<V>(minus_rate * k.dpm * kMonth),
                    det_exp_upto709_lanes<V>(minus_rate * k.rpm * kMonth),
                    det_exp_upto709_lanes<V>(minus_rate * k.bio * kMonth),
                    det_exp_upto709_lanes<V>(minus_rate * k.hum * kMonth)};
    const V l[4] = {one - e[0], one - e[1], one - e[2], one - e[3]};
    // A M: every row scaled by its retention; BIO and HUM receive their share of w = (1 - e)^T M
    const V w0 = l[0] * m00 + l[2] * m20 + l[3] * m30;
    const V w1 = l[1] * m11 + l[2] * m21 + l[3] * m31;
    const V w2 = l[2] * m22 + l[3] * m32;
    const V w3 = l[2] * m23 + l[3] * m33;
    m00 = e[0] * m00;
    m11 = e[1] * m11;
    m20 = e[2] * m20 + s.bio_fraction * w0;
    m21 = e[2] * m21 + s.bio_fraction * w1;
    m22 = e[2] * m22 + s.bio_fraction * w2;
    m23 = e[2] * m23 + s.bio_fraction * w3;
    m30 = e[3] * m30 + s.hum_fraction * w0;
    m31 = e[3] * m31 + s.hum_fraction * w1;
    m32 = e[3] * m32 + s.hum_fraction * w2;
    m33 = e[3] * m33 + s.hum_fraction * w3;
    const V w = l[0] * v[0] + l[1] * v[1] + l[2] * v[2] + l[3] * v[3];
    v[0] = e[0] * v[0] + f.c_input * df + p.fym_dpm * f.fym;
    v[1] = e[1] * v[1] + f.c_input * (1.0 - df) + p.fym_rpm * f.fym;
    v[2] = e[2] * v[2] + s.bio_fraction * w;
    v[3] = e[3] * v[3] + s.hum_fraction * w + p.fym_hum * f.fym;
  }
  if (b.m[0]) {
    const V m[16] = {m00, zero, zero, zero, zero, m11, zero, zero, m20, m21, m22, m23, m30, m31, m32, m33};
    for (int r = 0; r < 4; ++r) store(b.v[r] + i, v[r]);
    for (int k2 = 0; k2 < 16; ++k2) store(b.m[k2] + i, m[k2]);
  }
  if (b.x[0]) {
    // x = M x + v: DPM and RPM on their own, then the 2x2 system of BIO and HUM (Cramer's rule;
    // I - M is an M-matrix with positive determinant whenever the pools decay at all)
    const V x0 = v[0] / (one - m00);
    const V x1 = v[1] / (one - m11);
    const V r2 = v[2] + m20 * x0 + m21 * x1;
    const V r3 = v[3] + m30 * x0 + m31 * x1;
    const V a22 = one - m22, a33 = one - m33;
    const V det = a22 * a33 - m23 * m32;
    store(b.x[0] + i, x0);
    store(b.x[1] + i, x1);
    store(b.x[2] + i, (a33 * r2 + m23 * r3) / det);
    store(b.x[3] + i, (a22 * r3 + m32 * r2) / det);
  }
}

template <class V>
[[gnu::always_inline]] inline void year_map_lanes(const Parameters& params, const YearMapBlock& block) {
  const Parameters p = params;
  const YearMapBlock b = block;
  const detail::PoolRates k = detail::pool_rates(p);
  constexpr std::size_t kWidth = Lanes<V>::kWidth;
  std::size_t i = 0;
  for (; i + kWidth <= b.n; i += kWidth) year_map_cells<V>(p, k, b, i);
  for (; i < b.n; ++i) year_map_cells<double>(p, k, b, i);
}

void year_map_baseline(const Parameters& p, const YearMapBlock& b) { year_map_lanes<v2d>(p, b); }
__attribute__((target("avx2"))) void year_map_avx2(const Parameters& p, const YearMapBlock& b) {
  year_map_lanes<v4d>(p, b);
}
__attribute__((target("avx512f"))) void year_map_avx512(const Parameters& p, const YearMapBlock& b) {
  year_map_lanes<v8d>(p, b);
}

void step_block_baseline(const Parameters& p, const Block& b) { step_block_lanes<v2d>(p, b); }

__attribute__((target("avx2"))) void step_block_avx2(const Parameters& p, const Block& b) {
  step_block_lanes<v4d>(p, b);
}

__attribute__((target("avx512f"))) void step_block_avx512(const Parameters& p, const Block& b) {
  step_block_lanes<v8d>(p, b);
}

using Kernel = void (*)(const Parameters&, const Block&);

Kernel kernel_of(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::avx512: return step_block_avx512;
    case KernelIsa::avx2: return step_block_avx2;
    case KernelIsa::baseline: break;
  }
  return step_block_baseline;
}

}  // namespace

bool kernel_isa_supported(KernelIsa isa) {
  __builtin_cpu_init();
  switch (isa) {
    case KernelIsa::avx512: return __builtin_cpu_supports("avx512f");
    case KernelIsa::avx2: return __builtin_cpu_supports("avx2");
    case KernelIsa::baseline: return true;
  }
  return false;
}

KernelIsa kernel_isa() {
  static const KernelIsa best = [] {
    for (KernelIsa isa : {KernelIsa::avx512, KernelIsa::avx2})
      if (kernel_isa_supported(isa)) return isa;
    return KernelIsa::baseline;
  }();
  return best;
}

void step_block(const Parameters& p, const Block& b) {
  static const Kernel kernel = kernel_of(kernel_isa());
  kernel(p, b);
}

void year_map_block(const Parameters& p, const YearMapBlock& b) {
  switch (kernel_isa()) {
    case KernelIsa::avx512: year_map_avx512(p, b); return;
    case KernelIsa::avx2: year_map_avx2(p, b); return;
    case KernelIsa::baseline: break;
  }
  year_map_baseline(p, b);
}

void step_block(const Parameters& p, const Block& b, KernelIsa isa) {
  require(kernel_isa_supported(isa), "this CPU cannot run RothC kernel variant ", static_cast<int>(isa));
  kernel_of(isa)(p, b);
}

double periodic_deficit(const Parameters& p, const SoilConstants& s, const CellForcing* months, int n_months,
                        int max_cycles) {
  double smd0 = 0.0;
  for (int it = 0; it < max_cycles; ++it) {
    double smd = smd0;
    for (int m = 0; m < n_months; ++m)
      smd = update_deficit(p, s, smd, months[m].rain_mm, months[m].evap_mm, months[m].covered);
    const bool periodic = smd == smd0;
    smd0 = smd;
    if (periodic) break;
  }
  return smd0;
}

void cycle_pools(const Parameters& p, const SoilConstants& s, const CellForcing* months, int n_months, double smd0,
                 const double* in, double* out, bool with_inputs) {
  CellState x{in[0], in[1], in[2], in[3], smd0};
  for (int m = 0; m < n_months; ++m) {
    CellForcing f = months[m];
    if (!with_inputs) f.c_input = f.fym = 0.0;
    step_cell(p, s, f, x);
  }
  out[0] = x.dpm;
  out[1] = x.rpm;
  out[2] = x.bio;
  out[3] = x.hum;
}

void validate(const Parameters& p) {
  check_bounds("rothc", kParameterInfo, p);
  // a(T) = temp_a/(1 + exp(temp_b/(T + temp_c))) has its pole at -temp_c and wrong values below: RothC
  // evaluates it only above temp_min
  if (!(p.temp_min > -p.temp_c))
    reject("rothc parameters: temp_min = " + shortest_text(p.temp_min) + " degC must be above -temp_c = " +
           shortest_text(-p.temp_c) + " degC, the pole of the temperature modifier a(T)");
}

ModelInfo model_info() {
  ModelInfo m = declared_model_info("rothc", kPoolNames, kParameterInfo, Parameters{}, kValidRange);
  m.title = "RothC-26.3 Rothamsted soil carbon model, with the Farina et al. (2013) moisture options";
  m.time_step = "month";
  m.inputs = {"tas: monthly mean air temperature (degC)", "pr: monthly rainfall (mm month-1)",
              "pet: potential evapotranspiration (mm month-1; open-pan = pet / evap_factor)",
              "carbon_input: plant carbon input (t ha-1 yr-1)", "clay: clay content (percent)",
              "land_use: DPM/RPM ratio and plant cover"};
  m.reference = "Coleman K, Jenkinson DS (1996) RothC-26.3, in Evaluation of soil organic matter models, "
                "Springer, 237-246; Farina R et al. (2013) Geoderma 200-201, 18-30";
  return m;
}

}  // namespace alamod::models::rothc
