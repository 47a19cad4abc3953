// Vegetation kernels on one core: 3-PG stand-months (one cohort, the Scots pine set, 50 years of a repeated
// climate, so that the per-run set-up is amortised) and MOD17 daily GPP evaluations.
//   build/tests/benchmarks/bench_vegetation --benchmark_min_time=0.3
// items_per_second: cohort-months (3-PG) or cell-days (MOD17).
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "models/lue/lue.hpp"
#include "models/threepg/species_sets.hpp"
#include "models/threepg/threepg.hpp"

namespace tp = alamod::models::threepg;

static void BM_ThreePgCohortMonth(benchmark::State& state) {
  tp::Site site;
  site.latitude = 47.5;
  site.soil_class = 3;
  site.asw_max = 150;
  tp::Cohort c;
  c.species = "scots pine";
  c.p = tp::find_species_set("scots pine").parameters;
  c.planted_year = 1980;
  c.stems_n = 1500;
  c.biom_stem = 40;
  c.biom_root = 10;
  c.biom_foliage = 4;
  c.thinnings = {{30, 1000}, {45, 600}, {60, 400}};
  std::vector<tp::ClimateMonth> climate;
  for (int i = 0; i < 600; ++i) {
    tp::ClimateMonth m;
    m.year = 2000 + i / 12;
    m.month = i % 12 + 1;
    const double season = std::cos(2 * M_PI * (m.month - 7) / 12.0);
    m.tmp_ave = 10 + 8 * season;
    m.tmp_min = m.tmp_ave - 5;
    m.tmp_max = m.tmp_ave + 5;
    m.prcp = 70;
    m.srad = 12 + 8 * season;
    m.frost_days = m.tmp_min < 0 ? 10 : 0;
    climate.push_back(m);
  }
  for (auto _ : state) benchmark::DoNotOptimize(tp::run_stand(site, {c}, climate));
  state.SetItemsProcessed(state.iterations() * static_cast<long>(climate.size()));
}
BENCHMARK(BM_ThreePgCohortMonth);

static void BM_Mod17DailyGpp(benchmark::State& state) {
  const auto& p = alamod::models::lue::find_mod17_class("Grass").p;
  std::vector<double> fpar(4096);
  for (std::size_t i = 0; i < fpar.size(); ++i) fpar[i] = 0.1 + 0.8 * (i % 97) / 97.0;
  for (auto _ : state) {
    double s = 0;
    for (double f : fpar) s += alamod::models::lue::daily_gpp(p, f, 8.0, 900.0, 180.0, 0.8);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<long>(fpar.size()));
}
BENCHMARK(BM_Mod17DailyGpp);

BENCHMARK_MAIN();
