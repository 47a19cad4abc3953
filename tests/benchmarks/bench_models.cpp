// Per-cell kernel throughput of every model, in cell-steps per second on one core.
//   build/tests/benchmarks/bench_models --benchmark_counters_tabular=true --benchmark_min_time=0.3
// Each benchmark advances kCells independent cells (arrays of per-cell state, per-cell
// deterministic site and forcing) by one model step per cell and iteration; the label is
// the step ("year", "month", "day", "hour"). States carry over between iterations, so
// every cell keeps evolving; a benchmark whose states go non-finite reports an error.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/amg/amg.hpp"
#include "models/century/century.hpp"
#include "models/icbm/icbm.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"
#include "models/rothc/rothc.hpp"
#include "models/yasso/yasso.hpp"

namespace {

namespace models = alamod::models;

constexpr std::size_t kCells = 4096;

/// Deterministic uniform numbers in [0, 1) (64-bit LCG, fixed seed per benchmark).
class Uniform {
 public:
  explicit Uniform(std::uint64_t seed) : s_(seed) {}
  double operator()() {
    s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(s_ >> 11) * (1.0 / 9007199254740992.0);
  }
  double operator()(double lo, double hi) { return lo + (hi - lo) * (*this)(); }

 private:
  std::uint64_t s_;
};

void finish(benchmark::State& state, const char* step, bool finite) {
  state.SetLabel(step);
  state.counters["cell_steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(kCells),
                         benchmark::Counter::kIsRate);
  if (!finite) state.SkipWithError("a cell state went non-finite");
}

template <class T, class F>
bool all_finite(const std::vector<T>& v, F&& sum) {
  for (const T& x : v)
    if (!std::isfinite(sum(x))) return false;
  return true;
}

void BM_Icbm(benchmark::State& state) {
  namespace m = models::icbm;
  const m::Parameters p;
  Uniform u(1);
  std::vector<m::CellState> x(kCells);
  std::vector<m::CellForcing> f(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    f[i] = {u(0.5, 4.0), u(0.3, 2.5)};
    x[i] = {u(0.5, 5.0), u(20.0, 80.0)};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step_cell(p, f[i], m::kYear, x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "year", all_finite(x, [](const m::CellState& c) { return c.young + c.old; }));
}
BENCHMARK(BM_Icbm);

void BM_Yasso15(benchmark::State& state) {
  namespace m = models::yasso;
  const m::Parameters p = m::yasso15_parameters();
  Uniform u(2);
  std::vector<m::Pools> x(kCells), in(kCells);
  std::vector<m::Climate> c(kCells);
  std::vector<m::Site> s(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    c[i] = {u(-5.0, 25.0), u(200.0, 2000.0), u(2.0, 15.0)};
    s[i] = {u() < 0.2 ? u(1.0, 20.0) : 0.0, 0.0};
    const double litter = u(0.5, 5.0);
    in[i] = {0.5 * litter, 0.1 * litter, 0.05 * litter, 0.35 * litter, 0.0};
    x[i] = {u(1.0, 5.0), u(0.2, 1.0), u(0.1, 0.5), u(2.0, 10.0), u(20.0, 100.0)};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step(p, c[i], s[i], in[i], m::kYear, x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "year", all_finite(x, [](const m::Pools& q) { return q[0] + q[1] + q[2] + q[3] + q[4]; }));
}
BENCHMARK(BM_Yasso15);

void BM_Century(benchmark::State& state) {
  namespace m = models::century;
  const m::Parameters p;
  Uniform u(3);
  std::vector<m::SiteConstants> sc(kCells);
  std::vector<m::CellForcing> f(kCells);
  std::vector<m::Pools> x(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::Site site;
    site.clay = u(0.05, 0.5), site.silt = u(0.1, 0.45), site.lignin_to_nitrogen = u(5.0, 40.0);
    site.structural_lignin = u(0.05, 0.25);
    sc[i] = m::derive_site_constants(p, site);
    f[i] = {u(0.5, 3.0), u(0.5, 3.0), u(0.05, 1.0)};
    x[i] = {u(0.1, 1.0), u(0.05, 0.3), u(0.1, 1.0), u(0.05, 0.3), u(0.3, 1.5), u(10.0, 40.0), u(10.0, 30.0)};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step(sc[i], f[i], m::kMonth, x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "month", all_finite(x, [](const m::Pools& q) {
           double t = 0.0;
           for (double v : q) t += v;
           return t;
         }));
}
BENCHMARK(BM_Century);

/// CENTURY's grid step: the cell's matrix decomposed once (models/century/ Modes), then per month the
/// abiotic factor from tas, pr and pet and 7 scalar exponentials in the modes.
void BM_CenturyModes(benchmark::State& state) {
  namespace m = models::century;
  const m::Parameters p;
  Uniform u(3);
  std::vector<m::Modes> d(kCells);
  std::vector<double> tas(kCells), pr(kCells), pet(kCells), surface(kCells), soil(kCells);
  std::vector<std::array<double, m::kNumPools>> w(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::Site site;
    site.clay = u(0.05, 0.5), site.silt = u(0.1, 0.45), site.lignin_to_nitrogen = u(5.0, 40.0);
    site.structural_lignin = u(0.05, 0.25);
    d[i] = m::decompose(m::derive_site_constants(p, site));
    tas[i] = u(-2.0, 25.0), pr[i] = u(10.0, 150.0), pet[i] = u(5.0, 150.0);
    surface[i] = u(0.5, 3.0), soil[i] = u(0.5, 3.0);
    const m::Pools x{u(0.1, 1.0), u(0.05, 0.3), u(0.1, 1.0), u(0.05, 0.3), u(0.3, 1.5), u(10.0, 40.0), u(10.0, 30.0)};
    m::to_modes(d[i], x.data(), w[i].data());
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) {
      const double xi = m::temperature_factor(p, tas[i]) * m::moisture_factor(p, pr[i], pet[i]);
      m::step_modes(d[i], surface[i], soil[i], xi, m::kMonth, w[i].data());
    }
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  finish(state, "month", all_finite(w, [](const std::array<double, m::kNumPools>& q) {
           double t = 0.0;
           for (double v : q) t += v;
           return t;
         }));
}
BENCHMARK(BM_CenturyModes);

/// CENTURY's grid block kernel (step_months_block, vectors of cells): 12 months per cell and
/// iteration (xi from tas, pr and pet included), counted as 12 cell-steps (months).
void BM_CenturyBlock(benchmark::State& state) {
  namespace m = models::century;
  const m::Parameters p;
  Uniform u(3);
  std::vector<m::Modes> d(kCells);
  std::vector<const m::Modes*> modes(kCells);
  std::vector<double> tas(12 * kCells), pr(12 * kCells), pet(12 * kCells), surface(12 * kCells), soil(12 * kCells);
  std::vector<double> w(kCells * m::kNumPools), input(kCells, 0.0);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::Site site;
    site.clay = u(0.05, 0.5), site.silt = u(0.1, 0.45), site.lignin_to_nitrogen = u(5.0, 40.0);
    site.structural_lignin = u(0.05, 0.25);
    d[i] = m::decompose(m::derive_site_constants(p, site));
    if (!d[i].exact) d[i] = m::decompose(m::derive_site_constants(p, m::Site{}));
    modes[i] = &d[i];
    for (int mo = 0; mo < 12; ++mo) {
      const std::size_t at = static_cast<std::size_t>(mo) * kCells + i;
      tas[at] = u(-2.0, 25.0), pr[at] = u(10.0, 150.0), pet[at] = u(5.0, 150.0);
      surface[at] = u(0.5, 3.0), soil[at] = u(0.5, 3.0);
    }
    const m::Pools x{u(0.1, 1.0), u(0.05, 0.3), u(0.1, 1.0), u(0.05, 0.3), u(0.3, 1.5), u(10.0, 40.0), u(10.0, 30.0)};
    m::to_modes(d[i], x.data(), w.data() + i * m::kNumPools);
  }
  m::MonthsBlock b;
  b.n = kCells, b.modes = modes.data(), b.months = 12, b.tas = tas.data(), b.pr = pr.data(), b.pet = pet.data();
  b.surface = surface.data(), b.soil = soil.data(), b.state = w.data(), b.input = input.data();
  for (auto _ : state) {
    m::step_months_block(p, b);
    benchmark::DoNotOptimize(w.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel("month");
  state.counters["cell_steps_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(kCells) * 12.0, benchmark::Counter::kIsRate);
  bool finite = true;
  for (double v : w) finite = finite && std::isfinite(v);
  if (!finite) state.SkipWithError("a cell state went non-finite");
}
BENCHMARK(BM_CenturyBlock);

void BM_Amg(benchmark::State& state) {
  namespace m = models::amg;
  const m::Parameters p;
  Uniform u(4);
  std::vector<m::Soil> soil(kCells);
  std::vector<m::Climate> c(kCells);
  std::vector<double> hum_input(kCells);
  std::vector<m::Stocks> x(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    soil[i] = {u(50.0, 400.0), u() < 0.3 ? u(1.0, 100.0) : 0.0, u(5.0, 8.5), u(8.0, 14.0)};
    c[i] = {u(2.0, 16.0), u(500.0, 1200.0), u() < 0.2 ? u(50.0, 300.0) : 0.0, u(500.0, 1000.0)};
    hum_input[i] = u(0.3, 2.0);
    x[i] = m::initial_stocks(p, u(30.0, 80.0), m::Rounding::none);
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) {
      const double k = m::mineralisation_rate(p, soil[i], c[i], m::Rounding::none).k;
      benchmark::DoNotOptimize(m::step_year(k, hum_input[i], x[i], m::Rounding::none));
    }
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "year", all_finite(x, [](const m::Stocks& s) { return s.total; }));
}
BENCHMARK(BM_Amg);

void BM_Millennial(benchmark::State& state) {
  namespace m = models::millennial;
  const m::Parameters p;
  Uniform u(5);
  std::vector<m::SoilConstants> sc(kCells);
  std::vector<m::DailyForcing> f(kCells);
  std::vector<m::State> x(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::SiteProperties site;
    site.clay_pct = u(10.0, 80.0), site.ph = u(5.0, 8.0), site.bulk_density = u(1000.0, 1500.0);
    sc[i] = m::derive_soil_constants(p, site);
    f[i] = {u(0.0, 25.0), u(0.1, 0.5), u(0.5, 3.0)};
    x[i] = {u(100.0, 300.0), u(2.0, 5.0), u(200.0, 600.0), u(10.0, 40.0), u(800.0, 1500.0)};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step_day(p, sc[i], f[i], x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "day", all_finite(x, [](const m::State& s) { return m::total_carbon(s); }));
}
BENCHMARK(BM_Millennial);

/// The grid's Millennial day: the month's rates (moisture modifiers, Arrhenius rates, CUE) computed once
/// per month, outside the timed days (a month has 28-31 of them), as the grid run does.
void BM_MillennialMonthRates(benchmark::State& state) {
  namespace m = models::millennial;
  const m::Parameters p;
  Uniform u(5);
  std::vector<m::SoilConstants> sc(kCells);
  std::vector<m::DayRates> r(kCells);
  std::vector<double> npp(kCells);
  std::vector<m::State> x(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::SiteProperties site;
    site.clay_pct = u(10.0, 80.0), site.ph = u(5.0, 8.0), site.bulk_density = u(1000.0, 1500.0);
    sc[i] = m::derive_soil_constants(p, site);
    const m::DailyForcing f{u(0.0, 25.0), u(0.1, 0.5), u(0.5, 3.0)};
    r[i] = m::day_rates(p, f);
    npp[i] = f.npp;
    x[i] = {u(100.0, 300.0), u(2.0, 5.0), u(200.0, 600.0), u(10.0, 40.0), u(800.0, 1500.0)};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step_day(p, sc[i], r[i], npp[i], x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "day", all_finite(x, [](const m::State& s) { return m::total_carbon(s); }));
}
BENCHMARK(BM_MillennialMonthRates);

/// Kinetics are per cell at the cell's temperature, computed once outside the loop as
/// step_day does once per day; the timed step is step_hour alone.
void BM_Mimics(benchmark::State& state) {
  namespace m = models::mimics;
  const m::Parameters p;
  Uniform u(6);
  std::vector<m::SiteConstants> sc(kCells);
  std::vector<m::Kinetics> k(kCells);
  std::vector<m::LitterInput> in(kCells);
  std::vector<m::State> x(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::SiteProperties site;
    site.clay_pct = u(5.0, 60.0), site.lignin_pct = u(10.0, 30.0), site.nitrogen_pct = u(0.5, 2.0);
    site.litter_input = u(200.0, 1000.0);
    sc[i] = m::derive_site_constants(p, site);
    k[i] = m::kinetics(p, sc[i], u(0.0, 25.0));
    in[i] = m::litter_input(p, sc[i], site.litter_input);
    x[i] = {u(0.2, 0.8), u(1.0, 3.0), u(0.05, 0.2), u(0.1, 0.5), u(5.0, 15.0), u(1.0, 5.0), u(1.0, 3.0)};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step_hour(p, sc[i], k[i], in[i], x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "hour", all_finite(x, [](const m::State& s) {
           return s.lit_m + s.lit_s + s.mic_r + s.mic_k + s.som_p + s.som_c + s.som_a;
         }));
}
BENCHMARK(BM_Mimics);

/// MIMICS' block kernel (vectors of cells): one 30-day month of 24-hour days per cell and iteration, counted
/// as 720 cell-steps (hours), as a caller pays it. `days_per_call` 30: prepare_days then one
/// step_prepared_days call of 30 days (the grid's month); 1: prepare_days once, then 30 calls of one day (a
/// caller stepping a day at a time, the month-constant set-up done once); 0: 30 calls of step_days_block of
/// one day each, the set-up (kinetics, lanes) redone every call (the daily caller without prepare_days).
void mimics_block(benchmark::State& state, int days_per_call) {
  namespace m = models::mimics;
  constexpr int kDays = 30;
  const m::Parameters p;
  Uniform u(6);
  std::vector<m::SiteConstants> sc(kCells);
  std::vector<const m::SiteConstants*> site(kCells);
  std::vector<m::DailyForcing> f(kCells);
  std::vector<m::State> x(kCells);
  std::vector<m::CarbonFluxes> sums(kCells, m::CarbonFluxes{0.0, 0.0, 0.0});
  for (std::size_t i = 0; i < kCells; ++i) {
    m::SiteProperties s;
    s.clay_pct = u(5.0, 60.0), s.lignin_pct = u(10.0, 30.0), s.nitrogen_pct = u(0.5, 2.0);
    s.litter_input = u(200.0, 1000.0);
    sc[i] = m::derive_site_constants(p, s);
    site[i] = &sc[i];
    f[i] = {u(0.0, 25.0), m::litter_input(p, sc[i], s.litter_input)};
    x[i] = {u(0.2, 0.8), u(1.0, 3.0), u(0.05, 0.2), u(0.1, 0.5), u(5.0, 15.0), u(1.0, 5.0), u(1.0, 3.0)};
  }
  m::PreparedDays prep;
  m::DaysBlock b;
  b.n = kCells, b.site = site.data(), b.forcing = f.data(), b.days = 1, b.x = x.data(), b.sums = sums.data();
  for (auto _ : state) {
    if (days_per_call == 0) {
      for (int d = 0; d < kDays; ++d) m::step_days_block(p, b);
    } else {
      m::prepare_days(p, kCells, site.data(), f.data(), prep);
      for (int d = 0; d < kDays; d += days_per_call) m::step_prepared_days(prep, days_per_call, x.data(), sums.data());
    }
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetLabel("hour");
  state.counters["cell_steps_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(kCells) * m::kHoursPerDay * kDays,
                         benchmark::Counter::kIsRate);
  bool finite = true;
  for (const auto& s : x) finite = finite && std::isfinite(s.lit_m + s.lit_s + s.mic_r + s.mic_k + s.som_p + s.som_c + s.som_a);
  if (!finite) state.SkipWithError("a cell state went non-finite");
}
/// One day per call, the month's set-up once (prepare_days): what a caller stepping daily pays.
void BM_MimicsBlock(benchmark::State& state) { mimics_block(state, 1); }
BENCHMARK(BM_MimicsBlock);
/// A 30-day month per call, as the grid calls it.
void BM_MimicsBlockMonth(benchmark::State& state) { mimics_block(state, 30); }
BENCHMARK(BM_MimicsBlockMonth);
/// One day per call through step_days_block, the set-up redone every day (the cost before prepare_days).
void BM_MimicsBlockDayUnprepared(benchmark::State& state) { mimics_block(state, 0); }
BENCHMARK(BM_MimicsBlockDayUnprepared);

/// The scalar step_cell; bench_rothc_kernel covers the vectorised step_block.
void BM_RothcCell(benchmark::State& state) {
  namespace m = models::rothc;
  const m::Parameters p;
  Uniform u(7);
  std::vector<m::SoilConstants> sc(kCells);
  std::vector<m::CellForcing> f(kCells);
  std::vector<m::CellState> x(kCells);
  for (std::size_t i = 0; i < kCells; ++i) {
    m::SoilProperties soil;
    soil.clay_pct = u(5.0, 55.0), soil.depth_cm = 30.0;
    sc[i] = m::derive_soil_constants(p, soil);
    f[i] = {u(-8.0, 27.0), u(0.0, 100.0), u(0.0, 120.0), u(0.0, 0.25), 0.0, u() < 0.7 ? 1.0 : 0.0, 0.59};
    x[i] = {0.2, 5.0, 1.0, 30.0, -10.0 * u()};
  }
  for (auto _ : state) {
    for (std::size_t i = 0; i < kCells; ++i) benchmark::DoNotOptimize(m::step_cell(p, sc[i], f[i], x[i]));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  finish(state, "month", all_finite(x, [](const m::CellState& s) { return s.dpm + s.rpm + s.bio + s.hum + s.smd; }));
}
BENCHMARK(BM_RothcCell);

}  // namespace

BENCHMARK_MAIN();
