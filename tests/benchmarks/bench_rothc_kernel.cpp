// RothC kernel throughput in cell-months per second on one core.
//   build/tests/benchmarks/bench_rothc_kernel --benchmark_counters_tabular=true --benchmark_min_time=0.5
// BM_RothcStepBlock runs the variant step_block picks on this CPU (its label);
// BM_RothcStepBlockIsa/n/isa forces one (0 baseline SSE2, 1 AVX2, 2 AVX-512). The
// 21 arrays of the 262144-cell block (44 MB) do not fit in cache: that size is
// bound by memory bandwidth, the smaller ones by arithmetic.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "models/rothc/rothc.hpp"

namespace rothc = alamod::models::rothc;

namespace {

struct Cells {
  explicit Cells(std::size_t n)
      : co2(n), bio(n), hum(n), smd_max(n), smd_1bar(n), smd_15bar(n), smd_bare(n), min_rm(n), tas(n), rain(n),
        evap(n), cin(n), fym(n), cov(n), dfrac(n), dpm(n), rpm(n), biop(n), hump(n), smd(n), out(n) {
    const rothc::Parameters p;
    std::uint64_t s = 12345;
    auto uni = [&s] {  // deterministic LCG in [0, 1)
      s = s * 6364136223846793005ULL + 1442695040888963407ULL;
      return static_cast<double>(s >> 11) * (1.0 / 9007199254740992.0);
    };
    for (std::size_t i = 0; i < n; ++i) {
      rothc::SoilProperties soil;
      soil.clay_pct = 5.0 + 50.0 * uni();
      soil.depth_cm = 30.0;
      const auto c = rothc::derive_soil_constants(p, soil);
      co2[i] = c.co2_fraction, bio[i] = c.bio_fraction, hum[i] = c.hum_fraction;
      smd_max[i] = c.smd_max, smd_1bar[i] = c.smd_1bar, smd_15bar[i] = c.smd_15bar, smd_bare[i] = c.smd_bare;
      min_rm[i] = c.min_rm_moist;
      tas[i] = -8.0 + 35.0 * uni(), rain[i] = 100.0 * uni(), evap[i] = 120.0 * uni();
      cin[i] = 0.25 * uni(), fym[i] = 0.0, cov[i] = uni() < 0.7 ? 1.0 : 0.0, dfrac[i] = 0.59;
      dpm[i] = 0.2, rpm[i] = 5.0, biop[i] = 1.0, hump[i] = 30.0, smd[i] = -10.0 * uni();
    }
    b.n = n;
    b.co2_fraction = co2.data(), b.bio_fraction = bio.data(), b.hum_fraction = hum.data();
    b.smd_max = smd_max.data(), b.smd_1bar = smd_1bar.data(), b.smd_15bar = smd_15bar.data();
    b.smd_bare = smd_bare.data(), b.min_rm_moist = min_rm.data();
    b.tas_c = tas.data(), b.rain_mm = rain.data(), b.evap_mm = evap.data(), b.c_input = cin.data();
    b.fym = fym.data(), b.covered = cov.data(), b.dpm_fraction = dfrac.data();
    b.dpm = dpm.data(), b.rpm = rpm.data(), b.bio = biop.data(), b.hum = hump.data(), b.smd = smd.data();
    b.co2 = out.data();
  }
  std::vector<double> co2, bio, hum, smd_max, smd_1bar, smd_15bar, smd_bare, min_rm, tas, rain, evap, cin, fym, cov,
      dfrac, dpm, rpm, biop, hump, smd, out;
  rothc::Block b;
};

const char* isa_name(rothc::KernelIsa isa) {
  switch (isa) {
    case rothc::KernelIsa::avx512: return "avx512";
    case rothc::KernelIsa::avx2: return "avx2";
    case rothc::KernelIsa::baseline: break;
  }
  return "baseline";
}

void BM_RothcStepBlock(benchmark::State& state) {
  Cells cells(static_cast<std::size_t>(state.range(0)));
  const rothc::Parameters p;
  state.SetLabel(isa_name(rothc::kernel_isa()));
  for (auto _ : state) {
    rothc::step_block(p, cells.b);
    benchmark::DoNotOptimize(cells.out.data());
    benchmark::ClobberMemory();
  }
  state.counters["cell_months_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * state.range(0), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RothcStepBlock)->Arg(1024)->Arg(16384)->Arg(262144);

/// One instruction-set variant of the kernel: range(1) = 0 baseline (SSE2), 1 AVX2, 2 AVX-512.
void BM_RothcStepBlockIsa(benchmark::State& state) {
  const auto isa = static_cast<rothc::KernelIsa>(state.range(1));
  if (!rothc::kernel_isa_supported(isa)) {
    state.SkipWithError("instruction set not supported by this CPU");
    return;
  }
  Cells cells(static_cast<std::size_t>(state.range(0)));
  const rothc::Parameters p;
  state.SetLabel(isa_name(isa));
  for (auto _ : state) {
    rothc::step_block(p, cells.b, isa);
    benchmark::DoNotOptimize(cells.out.data());
    benchmark::ClobberMemory();
  }
  state.counters["cell_months_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * state.range(0), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RothcStepBlockIsa)->ArgsProduct({{16384}, {0, 1, 2}});

void BM_DetExp(benchmark::State& state) {
  std::vector<double> x(4096), y(4096);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = -6.0 + 12.0 * static_cast<double>(i) / x.size();
  for (auto _ : state) {
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = alamod::models::det_exp(x[i]);
    benchmark::DoNotOptimize(y.data());
  }
  state.counters["exp_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * x.size(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DetExp);

}  // namespace

BENCHMARK_MAIN();
