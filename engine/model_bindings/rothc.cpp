// The RothC-26.3 binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/rothc/: the grid through its vectorised block kernel (step_block) and its own
// chunked spin-up (its README says how the inputs are derived, "Grid runs" and
// "Site runs").
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <immintrin.h>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/model_bindings/grid_binding.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/scenario_inputs.hpp"
#include "engine/model_bindings/site_binding.hpp"
#include "grids/input_error.hpp"
#include "models/rothc/rothc.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

namespace rothc = alamod::models::rothc;

/// One month's forcing of a block of tiles, in the arrays the block kernel reads: the climate of each tile's row,
/// its input and manure times its class's share of the month, its class's soil cover. `evap_divisor` 0: `em`
/// is open-pan evaporation already; else pet, divided by it.
struct MonthForcing {
  std::size_t n = 0;
  const std::int32_t* row = nullptr;
  const int* cls = nullptr;
  const double *tm = nullptr, *pm = nullptr, *em = nullptr;
  double evap_divisor = 0.0;
  bool no_manure = false;  ///< every tile's manure is +0 and every share >= +0: fym stays +0 (not written)
  const double *share = nullptr, *covered = nullptr, *plant = nullptr, *manure = nullptr;
  double *tas = nullptr, *rain = nullptr, *evap = nullptr, *cin = nullptr, *fym = nullptr, *cov = nullptr;
};

/// The loops over the block, one source for every instruction set (the wider ones gather with vector loads):
/// loads, products and quotients of the same values, the same bits on every path.
[[gnu::always_inline]] inline void build_month(const MonthForcing& m) {
  const std::size_t n = m.n;
  const std::int32_t* __restrict row = m.row;
  const int* __restrict cls = m.cls;
  const double* __restrict tm = m.tm;
  const double* __restrict pm = m.pm;
  const double* __restrict em = m.em;
  const double* __restrict share = m.share;
  const double* __restrict covered = m.covered;
  const double* __restrict plant = m.plant;
  const double* __restrict manure = m.manure;
  double* __restrict tas = m.tas;
  double* __restrict rain = m.rain;
  double* __restrict evap = m.evap;
  double* __restrict cin = m.cin;
  double* __restrict fym = m.fym;
  double* __restrict cov = m.cov;
  for (std::size_t j = 0; j < n; ++j) {
    tas[j] = tm[row[j]];
    rain[j] = pm[row[j]];
  }
  if (m.evap_divisor == 0.0) {
    for (std::size_t j = 0; j < n; ++j) evap[j] = em[row[j]];
  } else {
    const double d = m.evap_divisor;
    for (std::size_t j = 0; j < n; ++j) evap[j] = em[row[j]] / d;
  }
  if (m.no_manure) {  // fym holds +0 already
    for (std::size_t j = 0; j < n; ++j) {
      cin[j] = plant[j] * share[cls[j]];
      cov[j] = covered[cls[j]];
    }
  } else {
    for (std::size_t j = 0; j < n; ++j) {
      cin[j] = plant[j] * share[cls[j]];
      fym[j] = manure[j] * share[cls[j]];
      cov[j] = covered[cls[j]];
    }
  }
}

/// After the kernel: the month's respiration and inputs added to the year's (the first month: to 0). Without
/// manure (fym all +0) the input is the plant input alone: x + (c + 0) and x + c are the same for every x this
/// sum takes (it starts at +0, so it is never -0).
[[gnu::always_inline]] inline void add_month(const MonthForcing& m, const double* co2_in, double* rh_sum,
                                             double* input_sum, bool first) {
  const std::size_t n = m.n;
  const double* __restrict co2 = co2_in;
  const double* __restrict cin = m.cin;
  const double* __restrict fym = m.fym;
  double* __restrict rh = rh_sum;
  double* __restrict input = input_sum;
  if (first) {
    for (std::size_t j = 0; j < n; ++j) rh[j] = 0.0 + co2[j];
    if (m.no_manure)
      for (std::size_t j = 0; j < n; ++j) input[j] = 0.0 + cin[j];
    else
      for (std::size_t j = 0; j < n; ++j) input[j] = 0.0 + (cin[j] + fym[j]);
    return;
  }
  for (std::size_t j = 0; j < n; ++j) rh[j] += co2[j];
  if (m.no_manure)
    for (std::size_t j = 0; j < n; ++j) input[j] += cin[j];
  else
    for (std::size_t j = 0; j < n; ++j) input[j] += cin[j] + fym[j];
}

struct MonthLoops {
  void (*build)(const MonthForcing&);
  void (*add)(const MonthForcing&, const double*, double*, double*, bool);
};
void build_month_baseline(const MonthForcing& m) { build_month(m); }
__attribute__((target("avx2"))) void build_month_avx2(const MonthForcing& m) { build_month(m); }
/// AVX-512: eight tiles at a time, the climate rows and class values gathered by index (the compiler does not
/// gather by itself for generic tuning); the rest as build_month. The same loads and operations per tile.
__attribute__((target("avx512f"))) void build_month_avx512(const MonthForcing& m) {
  const std::size_t n = m.n, n8 = n - n % 8;
  const bool divide = m.evap_divisor != 0.0;
  const __m512d divisor = _mm512_set1_pd(m.evap_divisor);
  for (std::size_t j = 0; j < n8; j += 8) {
    const __m256i r = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m.row + j));
    _mm512_storeu_pd(m.tas + j, _mm512_i32gather_pd(r, m.tm, 8));
    _mm512_storeu_pd(m.rain + j, _mm512_i32gather_pd(r, m.pm, 8));
    const __m512d e = _mm512_i32gather_pd(r, m.em, 8);
    _mm512_storeu_pd(m.evap + j, divide ? _mm512_div_pd(e, divisor) : e);
    const __m256i k = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(m.cls + j));
    const __m512d share = _mm512_i32gather_pd(k, m.share, 8);
    _mm512_storeu_pd(m.cin + j, _mm512_mul_pd(_mm512_loadu_pd(m.plant + j), share));
    if (!m.no_manure) _mm512_storeu_pd(m.fym + j, _mm512_mul_pd(_mm512_loadu_pd(m.manure + j), share));
    _mm512_storeu_pd(m.cov + j, _mm512_i32gather_pd(k, m.covered, 8));
  }
  MonthForcing rest = m;  // the last n mod 8 tiles
  rest.n = n - n8;
  rest.row += n8, rest.cls += n8, rest.plant += n8, rest.manure += n8;
  rest.tas += n8, rest.rain += n8, rest.evap += n8, rest.cin += n8, rest.fym += n8, rest.cov += n8;
  build_month(rest);
}
void add_month_baseline(const MonthForcing& m, const double* c, double* r, double* in, bool first) {
  add_month(m, c, r, in, first);
}
__attribute__((target("avx2"))) void add_month_avx2(const MonthForcing& m, const double* c, double* r, double* in,
                                                    bool first) {
  add_month(m, c, r, in, first);
}
__attribute__((target("avx512f"))) void add_month_avx512(const MonthForcing& m, const double* c, double* r,
                                                         double* in, bool first) {
  add_month(m, c, r, in, first);
}
MonthLoops month_loops(rothc::KernelIsa isa) {
  switch (isa) {
    case rothc::KernelIsa::avx512: return {build_month_avx512, add_month_avx512};
    case rothc::KernelIsa::avx2: return {build_month_avx2, add_month_avx2};
    case rothc::KernelIsa::baseline: break;
  }
  return {build_month_baseline, add_month_baseline};
}

class RothcGrid final : public GridModel {
 public:
  explicit RothcGrid(const RunConfig& cfg) : cfg_(cfg) {
    set_parameters(rothc::kParameterInfo, cfg.model_parameters, p_);
    validate_parameters(cfg.path, p_, rothc::validate);
  }

  std::vector<std::string> pool_names() const override {
    return std::vector<std::string>(rothc::kPoolNames.begin(), rothc::kPoolNames.end());
  }
  std::string parameters_text() const override { return engine::parameters_text(rothc::kParameterInfo, p_); }
  std::string spinup_note() const override { return "; IOM from the observed SOC stock (Falloon et al. 1998)"; }
  const std::vector<double>& input_scale() const override { return input_scale_; }

  void set_cells(const GridCells& c, const std::function<std::string(std::size_t)>& describe) override {
    describe_ = describe;
    const size_t n = c.land_class.size();
    copy_cells(land_class_, c.land_class);
    copy_cells(annual_input_, c.annual_input);
    copy_cells(soc_observed_, c.soc_observed);
    for (auto* v : {&co2_fraction_, &bio_fraction_, &hum_fraction_, &smd_max_, &smd_1bar_, &smd_15bar_, &smd_bare_,
                    &min_rm_})
      fill_cells(*v, n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      rothc::SoilProperties soil;
      soil.clay_pct = c.clay[i];
      soil.depth_cm = cfg_.soil_depth_cm;
      const auto sc = rothc::derive_soil_constants(p_, soil);
      co2_fraction_[i] = sc.co2_fraction;
      bio_fraction_[i] = sc.bio_fraction;
      hum_fraction_[i] = sc.hum_fraction;
      smd_max_[i] = sc.smd_max;
      smd_1bar_[i] = sc.smd_1bar;
      smd_15bar_[i] = sc.smd_15bar;
      smd_bare_[i] = sc.smd_bare;
      min_rm_[i] = sc.min_rm_moist;
    }
    fill_cells(iom_, n, 0.0);
    for (size_t i = 0; i < n; ++i) iom_[i] = rothc::falloon_iom(soc_observed_[i]);
    fill_cells(input_scale_, n, 1.0);
    // The state is allocated here, with the cells (model set-up, timed as input): first touching fresh memory
    // costs as much as a simulated year on some virtual machines. The yearly work arrays hold one block of cells.
    for (auto* v : {&dpm_, &rpm_, &bio_, &hum_, &smd_}) fill_cells(*v, n, 0.0);
    for (auto* v : {&tas_, &rain_, &evap_, &cin_, &fym_, &cov_, &co2_, &plant_, &manure_}) v->assign(kBlock, 0.0);
    row_.assign(kBlock, 0);
    fill_cells(report_.residual, n, 0.0);  // the spin-up's per-cell diagnostics, likewise
    fill_cells(report_.cycles, n, 0.0);
    fill_cells(dfrac_, n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[i])];
      dfrac_[i] = lu.dpm_rpm_ratio / (lu.dpm_rpm_ratio + 1.0);
    }
    set_input_change(InputChange{});  // a scenario's change was for the cells before: it sets it again
  }

  SpinupReport spin_up(const CellClimate& mean, bool inverse) override { return spin_up(mean, inverse, 0.0, 0); }
  SpinupReport brute_force_spin_up(const CellClimate& mean, double tolerance, long max_years) override {
    return spin_up(mean, false, tolerance, max_years);
  }
  void scale_to_observed(const std::string& /*config_path*/) override {
    // the active pools scaled so that they and IOM (Falloon's, from the observed stock) make the observed stock
    for (size_t i = 0; i < dpm_.size(); ++i) {
      const double active = dpm_[i] + rpm_[i] + bio_[i] + hum_[i];
      const double target = soc_observed_[i] - iom_[i];
      if (!(target > 0.0) || !(active > 0.0))
        throw InputError(cfg_.soc_stock + ": the observed stock " + format_number("%g", soc_observed_[i]) +
                         " t ha-1 at land " + describe_(i) + " is not above rothc's IOM (" +
                         format_number("%g", iom_[i]) + " t ha-1) or the equilibrium holds no carbon "
                         "(spinup.method = \"scaled\")");
      const double scale = target / active;
      dpm_[i] *= scale, rpm_[i] *= scale, bio_[i] *= scale, hum_[i] *= scale;
    }
  }
  void step_year(int year, const CellClimate& climate, YearFluxes& f) override {
    step_year_blocks(year, climate, f, nullptr);
  }
  void step_year_blocks(int year, const CellClimate& climate, YearFluxes& f, const YearBlockSink& done) override;
  bool pool_arrays(std::vector<const double*>& out) const override {
    out = {dpm_.data(), rpm_.data(), bio_.data(), hum_.data(), iom_.data()};
    return true;
  }
  void set_input_change(const InputChange& change) override;

  void pools(std::vector<std::vector<double>>& out) const override {
    out.resize(5);  // element-wise copies reuse the caller's storage from the previous year
    out[0] = dpm_, out[1] = rpm_, out[2] = bio_, out[3] = hum_, out[4] = iom_;
  }
  std::vector<std::pair<std::string, std::vector<double>*>> state() override {
    return {{"dpm", &dpm_}, {"rpm", &rpm_}, {"bio", &bio_},       {"hum", &hum_},
            {"iom", &iom_}, {"smd", &smd_}, {"input_scale", &input_scale_}};
  }

 private:
  /// The exact equilibrium (max_years = 0) or brute-force cycling to `tolerance`.
  SpinupReport spin_up(const CellClimate& mean, bool inverse, double tolerance, long max_years);
  /// A Block or YearMapBlock with the soil constants of the cells from c0 on.
  template <class B = rothc::Block>
  B block(size_t c0) {
    B b;
    b.co2_fraction = co2_fraction_.data() + c0;
    b.bio_fraction = bio_fraction_.data() + c0;
    b.hum_fraction = hum_fraction_.data() + c0;
    b.smd_max = smd_max_.data() + c0;
    b.smd_1bar = smd_1bar_.data() + c0;
    b.smd_15bar = smd_15bar_.data() + c0;
    b.smd_bare = smd_bare_.data() + c0;
    b.min_rm_moist = min_rm_.data() + c0;
    return b;
  }

  const RunConfig& cfg_;
  rothc::Parameters p_;
  std::vector<int> land_class_;
  std::vector<double> annual_input_, soc_observed_, input_scale_, dfrac_;
  std::vector<double> co2_fraction_, bio_fraction_, hum_fraction_, smd_max_, smd_1bar_, smd_15bar_, smd_bare_, min_rm_;
  std::vector<double> dpm_, rpm_, bio_, hum_, iom_, smd_;
  SpinupReport report_;  // storage of the spin-up diagnostics until the spin-up hands it over
  std::function<std::string(std::size_t)> describe_;  // names cell i in messages
  // yearly work arrays of one block of cells: step_year builds a block's forcing and steps it through the year
  // while its state stays in cache (kBlock cells: 16 arrays of 8 KiB, in a core's L2)
  static constexpr size_t kBlock = 1024;
  std::vector<double> tas_, rain_, evap_, cin_, fym_, cov_, co2_;
  std::vector<double> plant_, manure_;  ///< the block's plant input and manure per year times input_scale (t ha-1 yr-1)
  std::vector<std::int32_t> row_;       ///< the block's climate rows
  // per year: the classes' input shares and soil cover by month, their manure, the evaporation by climate row
  std::vector<double> share_, covered_, manure_by_class_, evap_rows_;
  bool fym_zero_ = false;  ///< fym_ holds +0 in every place (the blocks without manure leave it so)
  // a scenario's change (set_input_change): the per-cell vectors, and the carbon the additions bring to DPM, RPM
  // and HUM per year, [0] spread like the class's plant input, [1] over the cover-crop months (t C ha-1 yr-1)
  scenario_inputs::Change change_;
  std::array<std::vector<double>, 2> add_dpm_, add_rpm_, add_hum_;
  std::vector<char> cover_crop_;  ///< 1: the cell gets cover crops, its soil counts as covered September to February
};

/// The additions of each cell split into DPM, RPM and HUM (models/rothc/README.md "Scenario inputs"): the plant
/// kinds by their DPM/RPM ratio, the amendments by RothC's farmyard-manure split.
void RothcGrid::set_input_change(const InputChange& c) {
  const size_t n = land_class_.size();
  change_.set(c, n, "rothc");
  for (auto* a : {&add_dpm_, &add_rpm_, &add_hum_})
    for (auto& v : *a) v.clear();
  cover_crop_.clear();
  if (!change_.any_special) return;
  for (auto* a : {&add_dpm_, &add_rpm_, &add_hum_})
    for (auto& v : *a) fill_cells(v, n, 0.0);
  fill_cells(cover_crop_, n, char{0});
  for (size_t i = 0; i < n; ++i) {
    if (!change_.special[i]) continue;
    const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[i])];
    for (int k = 0; k < kAddedInputKinds; ++k) {
      const double a = change_.add(k, i);
      if (a == 0.0) continue;
      const int when = k == static_cast<int>(AddedInput::cover_crop) ? 1 : 0;
      if (scenario_inputs::is_amendment(k)) {
        add_dpm_[when][i] += a * p_.fym_dpm;
        add_rpm_[when][i] += a * p_.fym_rpm;
        add_hum_[when][i] += a * p_.fym_hum;
      } else {
        const double r = scenario_inputs::rothc_dpm_rpm_ratio(k, lu.dpm_rpm_ratio);
        const double d = r / (r + 1.0);
        add_dpm_[when][i] += a * d;
        add_rpm_[when][i] += a * (1.0 - d);
      }
      if (when == 1) cover_crop_[i] = 1;
    }
  }
}

SpinupReport RothcGrid::spin_up(const CellClimate& mean, bool inverse, double tolerance, long max_years) {
  const bool brute_force = max_years > 0;
  const size_t n = land_class_.size();
  const auto& p = p_;
  SpinupReport rep = std::move(report_);  // arrays allocated by set_cells
  rep.residual.resize(n);
  std::fill(rep.residual.begin(), rep.residual.end(), 0.0);
  rep.cycles.resize(n);
  std::fill(rep.cycles.begin(), rep.cycles.end(), 2.0);
  if (brute_force)
    rep.method = "brute force: the mean year cycled from empty pools until one more cycle changes every pool by at "
                 "most " + format_number("%g", tolerance) + " (relative)";
  else
    rep.method = "exact periodic equilibrium of the affine year map (composed from the 12 monthly maps at the cost of "
               "one simulated year, block-triangular 4x4 system solved in closed form) and one simulated year to check it";
  rep.flagged_what = "cells whose moisture deficit is not yet periodic";
  for (auto* v : {&dpm_, &rpm_, &bio_, &hum_, &smd_}) std::fill(v->begin(), v->end(), 0.0);
  // Cells are independent: work through them in chunks, so the spin-up's temporary
  // arrays stay small (and in cache) whatever the number of cells.
  constexpr size_t kChunk = 8192;
  std::vector<double> evap(12 * kChunk), cin(12 * kChunk), fym(12 * kChunk), cov(12 * kChunk), dfrac(kChunk),
      zero(kChunk, 0.0), co2(kChunk), smd(kChunk), smd0(kChunk), tas(12 * kChunk), rain(12 * kChunk);
  std::array<std::vector<double>, 4> x;
  // A change of inputs in force (set_input_change before the spin-up: the vegetation's litter, docs/VEGETATION.md
  // "The soil's spin-up"): the equilibrium is the one of the inputs the years will get, the plant input times its
  // factor and the additions by kind at the end of each month, as step_year adds them.
  if (change_.active && !change_.decomposition.empty())
    throw InputError("rothc spin-up: a change of inputs with a decomposition factor cannot be spun up");
  const bool additions = change_.any_special;
  std::array<std::vector<double>, 16> mmap;
  std::array<std::vector<double>, 4> vmap;
  std::vector<double> add_scale(kChunk, 1.0);
  for (size_t c0 = 0; c0 < n; c0 += kChunk) {
    const size_t nc = std::min(kChunk, n - c0);
    // Monthly forcing of the cycle, structure of arrays, for the block kernel.
    // (month outer, cell inner: both sides are read and written contiguously)
    std::copy(dfrac_.begin() + static_cast<long>(c0), dfrac_.begin() + static_cast<long>(c0 + nc), dfrac.begin());
    for (int mo = 0; mo < 12; ++mo) {
      const double* t_in = mean.month(0, mo);  // of the climate cells: tiles read their cell's (mean.row)
      const double* r_in = mean.month(1, mo);
      const double* e_in = mean.month(2, mo);
      for (size_t j = 0; j < nc; ++j) {
        const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[c0 + j])];
        const size_t r = mean.row(c0 + j);
        tas[mo * nc + j] = t_in[r];
        rain[mo * nc + j] = r_in[r];
        evap[mo * nc + j] = e_in[r] / p.evap_factor;
        cin[mo * nc + j] = annual_input_[c0 + j] * (change_.active ? change_.plant_factor(c0 + j) : 1.0) * lu.input_share[mo];
        fym[mo * nc + j] = lu.fym * lu.input_share[mo];
        cov[mo * nc + j] = lu.covered[mo];
        if (!cover_crop_.empty() && cover_crop_[c0 + j] && scenario_inputs::cover_crop_month(mo)) cov[mo * nc + j] = 1.0;
      }
    }
    std::fill(add_scale.begin(), add_scale.end(), 1.0);
    // 1. periodic soil-moisture deficit of the cycle (independent of the pools):
    //    the deficit is clamped at 0 and at its floor, so the cycle becomes exactly
    //    periodic after a few years; cells still drifting after 200 cycles are reported.
    //    All cells cycle together (month outer, contiguous); a cell already periodic stays so.
    std::fill(smd0.begin(), smd0.begin() + static_cast<long>(nc), 0.0);
    std::vector<char> periodic(nc, 0);
    size_t drifting = nc;
    for (int it = 0; it < 200 && drifting > 0; ++it) {
      std::copy(smd0.begin(), smd0.begin() + static_cast<long>(nc), smd.begin());
      for (int mo = 0; mo < 12; ++mo)
        for (size_t j = 0; j < nc; ++j) {
          const size_t i = c0 + j;
          const rothc::SoilConstants sc{co2_fraction_[i], bio_fraction_[i], hum_fraction_[i], smd_max_[i],
                                        smd_1bar_[i],     smd_15bar_[i],    smd_bare_[i],     min_rm_[i]};
          smd[j] = rothc::update_deficit(p, sc, smd[j], rain[mo * nc + j], evap[mo * nc + j], cov[mo * nc + j]);
        }
      drifting = 0;
      for (size_t j = 0; j < nc; ++j) {
        periodic[j] = smd[j] == smd0[j];
        drifting += periodic[j] ? 0 : 1;
        smd0[j] = smd[j];
      }
    }
    rep.flagged += static_cast<long>(drifting);
    // 2. one year is affine in the pools, x1 = M x0 + v (the rate modifiers depend on
    //    climate and deficit only): M and v by composing the twelve monthly maps (the cost
    //    of one simulated year), then x = (I - M)^-1 v per cell.
    //    (not needed by the brute force)
    if (!brute_force) {
      auto ym = block<rothc::YearMapBlock>(c0);
      ym.n = nc;
      ym.tas_c = tas.data();
      ym.rain_mm = rain.data();
      ym.evap_mm = evap.data();
      ym.c_input = cin.data();
      ym.fym = fym.data();
      ym.covered = cov.data();
      ym.dpm_fraction = dfrac.data();
      ym.smd0 = smd0.data();
      for (int k = 0; k < 4; ++k) {
        x[k].resize(nc);
        ym.x[k] = x[k].data();
      }
      if (additions) {  // the map itself, to add the additions' part of v below
        for (int k = 0; k < 16; ++k) {
          mmap[static_cast<size_t>(k)].resize(nc);
          ym.m[k] = mmap[static_cast<size_t>(k)].data();
        }
        for (int k = 0; k < 4; ++k) {
          vmap[static_cast<size_t>(k)].resize(nc);
          ym.v[k] = vmap[static_cast<size_t>(k)].data();
        }
      }
      rothc::year_map_block(p, ym);  // x = (I - M)^-1 v, solved in closed form in the same pass
      for (size_t j = 0; j < nc; ++j) {
        if (std::isfinite(x[0][j]) && std::isfinite(x[1][j]) && std::isfinite(x[2][j]) && std::isfinite(x[3][j]))
          continue;
        // a pool that does not decay over the cycle: the rate modifier a b c is 0 in every month
        double warmest = tas[j], wettest = rain[j];
        for (int mo = 1; mo < 12; ++mo) warmest = std::max(warmest, tas[mo * nc + j]), wettest = std::max(wettest, rain[mo * nc + j]);
        throw InputError("rothc spin-up at land " + describe_(c0 + j) +
                         ": no equilibrium: nothing decomposes over the mean spin-up year (its warmest month, tas = " +
                         format_number("%.4g", warmest) + " degC, is below temp_min = " + format_number("%g", p.temp_min) +
                         " degC, or the soil is at its driest all year: wettest month pr = " +
                         format_number("%.4g", wettest) + " mm), so the stocks would grow without bound");
      }
    }
    // 3. (below) one simulated year from the equilibrium measures the residual
    rothc::Block b = block(c0);
    b.n = nc;
    b.dpm_fraction = dfrac.data();
    b.smd = smd.data();
    b.co2 = co2.data();
    auto run_year = [&](std::array<std::vector<double>, 4>& pools, bool with_inputs, bool with_additions = true) {
      std::copy(smd0.begin(), smd0.begin() + static_cast<long>(nc), smd.begin());
      b.dpm = pools[0].data();
      b.rpm = pools[1].data();
      b.bio = pools[2].data();
      b.hum = pools[3].data();
      for (int mo = 0; mo < 12; ++mo) {
        b.tas_c = tas.data() + mo * nc;
        b.rain_mm = rain.data() + mo * nc;
        b.evap_mm = evap.data() + mo * nc;
        b.c_input = with_inputs ? cin.data() + mo * nc : zero.data();
        b.fym = with_inputs ? fym.data() + mo * nc : zero.data();
        b.covered = cov.data() + mo * nc;
        rothc::step_block(p, b);
        if (!additions || !with_additions) continue;
        // the additions at the end of the month, as step_year adds them
        const double cc = scenario_inputs::cover_crop_share(mo);
        for (size_t j = 0; j < nc; ++j) {
          const size_t i = c0 + j;
          if (!change_.special[i]) continue;
          const double share = cfg_.land_uses[static_cast<size_t>(land_class_[i])].input_share[mo];
          pools[0][j] += add_scale[j] * (add_dpm_[0][i] * share + add_dpm_[1][i] * cc);
          pools[1][j] += add_scale[j] * (add_rpm_[0][i] * share + add_rpm_[1][i] * cc);
          pools[3][j] += add_scale[j] * (add_hum_[0][i] * share + add_hum_[1][i] * cc);
        }
      }
    };
    if (additions && !brute_force) {
      // v of the additions alone (one year from empty pools without the other inputs), then per cell with
      // additions x = (I - M)^-1 (v + v_additions) by Gaussian elimination with partial pivoting
      std::array<std::vector<double>, 4> va;
      for (int k = 0; k < 4; ++k) va[static_cast<size_t>(k)].assign(nc, 0.0);
      run_year(va, false, true);
      for (size_t j = 0; j < nc; ++j) {
        if (!change_.special[c0 + j]) continue;
        double a[4][5];
        for (int r = 0; r < 4; ++r) {
          for (int c = 0; c < 4; ++c) a[r][c] = (r == c ? 1.0 : 0.0) - mmap[static_cast<size_t>(4 * r + c)][j];
          a[r][4] = vmap[static_cast<size_t>(r)][j] + va[static_cast<size_t>(r)][j];
        }
        for (int c = 0; c < 4; ++c) {
          int piv = c;
          for (int r = c + 1; r < 4; ++r)
            if (std::fabs(a[r][c]) > std::fabs(a[piv][c])) piv = r;
          if (piv != c)
            for (int k = 0; k < 5; ++k) std::swap(a[c][k], a[piv][k]);
          for (int r = c + 1; r < 4; ++r) {
            const double f = a[r][c] / a[c][c];
            for (int k = c; k < 5; ++k) a[r][k] -= f * a[c][k];
          }
        }
        for (int r = 3; r >= 0; --r) {
          double sum = a[r][4];
          for (int c = r + 1; c < 4; ++c) sum -= a[r][c] * x[static_cast<size_t>(c)][j];
          x[static_cast<size_t>(r)][j] = sum / a[r][r];
        }
        for (int k = 0; k < 4; ++k)
          if (!std::isfinite(x[static_cast<size_t>(k)][j]))
            throw InputError("rothc spin-up at land " + describe_(c0 + j) +
                             ": no equilibrium with the inputs in force (nothing decomposes over the mean spin-up year)");
      }
    }
    if (brute_force) {
      // cycle the mean year from empty pools until no pool of the cell changes by more than
      // `tolerance` (relative) over a cycle; converged cells keep cycling with the others
      std::array<std::vector<double>, 4> y;
      for (int k = 0; k < 4; ++k) y[k].assign(nc, 0.0);
      std::vector<char> done(nc, 0);
      size_t left = nc;
      for (long year = 1; year <= max_years && left > 0; ++year) {
        const auto before = y;
        run_year(y, true);
        for (size_t j = 0; j < nc; ++j) {
          const double b4[4] = {before[0][j], before[1][j], before[2][j], before[3][j]};
          const double af[4] = {y[0][j], y[1][j], y[2][j], y[3][j]};
          const double res = spinup::relative_change(4, b4, af);
          rep.residual[c0 + j] = res;
          if (!done[j] && res <= tolerance) {
            done[j] = 1;
            --left;
            rep.cycles[c0 + j] = static_cast<double>(year);
            dpm_[c0 + j] = y[0][j], rpm_[c0 + j] = y[1][j], bio_[c0 + j] = y[2][j], hum_[c0 + j] = y[3][j];
            smd_[c0 + j] = smd0[j];
          }
        }
      }
      for (size_t j = 0; j < nc; ++j)
        if (!done[j]) {
          rep.cycles[c0 + j] = static_cast<double>(max_years);
          dpm_[c0 + j] = y[0][j], rpm_[c0 + j] = y[1][j], bio_[c0 + j] = y[2][j], hum_[c0 + j] = y[3][j];
          smd_[c0 + j] = smd0[j];
        }
      continue;
    }
    if (inverse) {
      // The equilibrium is linear in the inputs: scale them per cell so that the
      // equilibrium SOC (active pools + IOM) equals the observed stock.
      for (size_t j = 0; j < nc; ++j) {
        const size_t i = c0 + j;
        const double active = x[0][j] + x[1][j] + x[2][j] + x[3][j];
        const double target = soc_observed_[i] - iom_[i];
        const double scale = active > 0.0 ? target / active : 0.0;
        for (int k = 0; k < 4; ++k) x[k][j] *= scale;
        input_scale_[i] = scale;
        for (int mo = 0; mo < 12; ++mo) {
          cin[mo * nc + j] *= scale;
          fym[mo * nc + j] *= scale;
        }
        add_scale[j] = scale;  // the additions too (the caller scales what it adds by input_scale())
      }
    }
    for (size_t j = 0; j < nc; ++j) {
      if (additions && change_.special[c0 + j]) continue;  // has inputs (the additions)
      if (!(annual_input_[c0 + j] * input_scale_[c0 + j] > 0.0 ||
            cfg_.land_uses[static_cast<size_t>(land_class_[c0 + j])].fym * input_scale_[c0 + j] > 0.0))
        ++rep.empty;
    }
    for (size_t j = 0; j < nc; ++j) {
      dpm_[c0 + j] = x[0][j];
      rpm_[c0 + j] = x[1][j];
      bio_[c0 + j] = x[2][j];
      hum_[c0 + j] = x[3][j];
      smd_[c0 + j] = smd0[j];
    }
    // 3. residual: largest relative change of a pool over one more cycle
    run_year(x, true);
    for (size_t j = 0; j < nc; ++j) {
      const size_t i = c0 + j;
      const double before[4] = {dpm_[i], rpm_[i], bio_[i], hum_[i]}, after[4] = {x[0][j], x[1][j], x[2][j], x[3][j]};
      double res = 0.0;
      for (int k = 0; k < 4; ++k)
        res = std::max(res, std::fabs(after[k] - before[k]) / std::max(std::fabs(before[k]), 1e-12));
      rep.residual[i] = res;
    }
  }
  return rep;
}

void RothcGrid::step_year_blocks(int, const CellClimate& clim, YearFluxes& f, const YearBlockSink& done) {
  // One pass over memory: a block of cells at a time, its monthly forcing built into the small work arrays
  // and the block stepped through the twelve months while its state and constants stay in cache; then the
  // caller's yearly work on the block (`done`: the tiles weighted to cells, the stocks, the checks) while its
  // state and fluxes are still there. Each cell sees the same operations in the same order as a month-by-month
  // pass over all cells: the same bits.
  const size_t n = land_class_.size();
  f.input.resize(n);  // every value is set below, block by block
  f.rh.resize(n);
  if (f.leaching.size() != n) f.leaching.assign(n, 0.0);  // RothC leaches nothing: zeros once, kept
  const double* rate = change_.active && !change_.decomposition.empty() ? change_.decomposition.data() : nullptr;
  // the classes' monthly shares and soil cover as small tables (class k, month mo at [mo * classes + k])
  const size_t nk = cfg_.land_uses.size();
  share_.resize(12 * nk);
  covered_.resize(12 * nk);
  manure_by_class_.resize(nk);
  for (size_t k = 0; k < nk; ++k) {
    const auto& lu = cfg_.land_uses[k];
    for (int mo = 0; mo < 12; ++mo) {
      share_[static_cast<size_t>(mo) * nk + k] = lu.input_share[static_cast<size_t>(mo)];
      covered_[static_cast<size_t>(mo) * nk + k] = lu.covered[static_cast<size_t>(mo)];
    }
    manure_by_class_[k] = lu.fym;
  }
  // the open-pan evaporation of each climate row (pet / evap_factor) once a year when the tiles share rows
  // (the 8 km forcing of the 1 km cells: 64 times fewer divisions), else per tile as it is read
  const size_t rows = clim.rows();
  const bool evap_by_row = !clim.identity() && rows * 4 <= n;
  if (evap_by_row) {
    evap_rows_.resize(12 * rows);
    for (int mo = 0; mo < 12; ++mo) {
      const double* em = clim.month(2, mo);
      double* out = evap_rows_.data() + static_cast<size_t>(mo) * rows;
      for (size_t r = 0; r < rows; ++r) out[r] = em[r] / p_.evap_factor;
    }
  } else {
    evap_rows_.clear();
    evap_rows_.shrink_to_fit();
  }
  const std::int32_t* row_of = clim.row_index();  // nullptr: tile i reads row i
  static const MonthLoops loops = month_loops(rothc::kernel_isa());
  bool shares_positive = true;  // no share is negative or -0 (+0 times such a share is +0)
  for (const double v : share_) shares_positive = shares_positive && !std::signbit(v);
  const int* cls = land_class_.data();
  for (size_t c0 = 0; c0 < n; c0 += kBlock) {
    const size_t nc = std::min(kBlock, n - c0);
    rothc::Block b = block(c0);
    b.n = nc;
    b.tas_c = tas_.data();
    b.rain_mm = rain_.data();
    b.evap_mm = evap_.data();
    b.c_input = cin_.data();
    b.fym = fym_.data();
    b.covered = cov_.data();
    b.dpm_fraction = dfrac_.data() + c0;
    b.dpm = dpm_.data() + c0;
    b.rpm = rpm_.data() + c0;
    b.bio = bio_.data() + c0;
    b.hum = hum_.data() + c0;
    b.smd = smd_.data() + c0;
    b.co2 = co2_.data();
    b.rate_factor = rate ? rate + c0 : nullptr;
    double* rh = f.rh.data() + c0;
    double* input = f.input.data() + c0;
    bool no_manure = shares_positive;
    for (size_t j = 0; j < nc; ++j) {
      const size_t i = c0 + j;
      plant_[j] = annual_input_[i] * input_scale_[i];
      manure_[j] = manure_by_class_[static_cast<size_t>(cls[i])] * input_scale_[i];
      no_manure = no_manure && manure_[j] == 0.0 && !std::signbit(manure_[j]);
      if (change_.active) plant_[j] *= change_.plant_factor(i);
      row_[j] = row_of ? row_of[i] : static_cast<std::int32_t>(i);
    }
    if (no_manure && !fym_zero_) std::fill(fym_.begin(), fym_.end(), 0.0);
    fym_zero_ = no_manure;
    MonthForcing mf;
    mf.n = nc;
    mf.row = row_.data();
    mf.cls = cls + c0;
    mf.plant = plant_.data(), mf.manure = manure_.data();
    mf.tas = tas_.data(), mf.rain = rain_.data(), mf.evap = evap_.data();
    mf.cin = cin_.data(), mf.fym = fym_.data(), mf.cov = cov_.data();
    mf.evap_divisor = evap_by_row ? 0.0 : p_.evap_factor;
    mf.no_manure = no_manure;
    for (int mo = 0; mo < 12; ++mo) {
      mf.tm = clim.month(0, mo);  // of the climate cells: a tile reads its cell's (row_)
      mf.pm = clim.month(1, mo);
      mf.em = evap_by_row ? evap_rows_.data() + static_cast<size_t>(mo) * rows : clim.month(2, mo);
      const double* share = share_.data() + static_cast<size_t>(mo) * nk;
      mf.share = share;
      mf.covered = covered_.data() + static_cast<size_t>(mo) * nk;
      loops.build(mf);
      // a scenario's change: the plant input times its factor (above), the soil covered in the cover-crop
      // months, the rate modifiers times the decomposition factor (rate), the additions at the end of the month
      // as RothC adds every input (after the decay)
      if (change_.active && !cover_crop_.empty() && scenario_inputs::cover_crop_month(mo))
        for (size_t j = 0; j < nc; ++j)
          if (cover_crop_[c0 + j]) cov_[j] = 1.0;
      rothc::step_block(p_, b);
      loops.add(mf, co2_.data(), rh, input, mo == 0);
      if (change_.any_special) {
        const double cc = scenario_inputs::cover_crop_share(mo);
        for (size_t j = 0; j < nc; ++j) {
          const size_t i = c0 + j;
          if (!change_.special[i]) continue;
          const double sh = share[static_cast<size_t>(cls[i])];
          const double d = add_dpm_[0][i] * sh + add_dpm_[1][i] * cc;
          const double r = add_rpm_[0][i] * sh + add_rpm_[1][i] * cc;
          const double h = add_hum_[0][i] * sh + add_hum_[1][i] * cc;
          dpm_[i] += d;
          rpm_[i] += r;
          hum_[i] += h;
          input[j] += d + r + h;
        }
      }
    }
    if (done) done(c0, c0 + nc);
  }
}

}  // namespace grid_side

namespace site_side {
using namespace site_binding;

struct RothcSite {
  static constexpr TimeStep kStep = TimeStep::month;
  static constexpr bool kLinear = true, kLeaching = false;
  m::rothc::Parameters p;
  m::rothc::SoilConstants sc{};
  std::vector<m::rothc::CellForcing> forcing;
  static constexpr int kDeficitCycles = 1000;  ///< cycles at most to find the periodic deficit
  double iom = 0;  ///< t C ha-1, constant
  m::rothc::CellState x{0, 0, 0, 0, 0};
  double smd_start = 0;

  RothcSite(const AdapterInput& in, const m::rothc::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto tas = series_or(in, "tas", NAN, "");
    check_series_range(in, m::rothc::kValidRange, "tas", tas, "tas");
    const auto pr = series_or(in, "pr", NAN, "");
    std::vector<double> evap;
    if (s.has("evap")) {
      evap = s.at("evap");
    } else if (s.has("pet")) {
      evap = s.at("pet");
      for (double& e : evap) e /= p.evap_factor;
      in.notes.push_back("open-pan evaporation = pet / evap_factor (no evap column)");
    } else {
      throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) +
                       " (evap): missing column, rothc needs evap (open-pan evaporation) or pet, in mm per step");
    }
    const auto cin = series_or(in, "c_input", NAN, "");
    const auto fym = series_or(in, "fym", 0.0, "");
    const auto cover = series_or(in, "cover", 1.0, "soil vegetated every month (no cover column)");
    std::vector<double> ratio;
    if (s.has("dpm_rpm_ratio")) {
      ratio = s.at("dpm_rpm_ratio");
    } else {
      double r = m::rothc::kDpmRpmCrop;
      std::string why = "no dpm_rpm_ratio; land_use cropland or not given";
      if (in.f.has_number("dpm_rpm_ratio")) {
        r = in.f.numbers.at("dpm_rpm_ratio");
        why = "metadata dpm_rpm_ratio";
      } else if (in.f.texts.count("land_use")) {
        const std::string& lu = in.f.texts.at("land_use");
        if (lu == "grassland") r = m::rothc::kDpmRpmGrassland, why = "land_use grassland";
        if (lu == "forest") r = m::rothc::kDpmRpmWoodland, why = "land_use forest";
      }
      in.notes.push_back("DPM/RPM ratio = " + short_number(r) + " (" + why + ")");
      ratio.assign(s.steps(), r);
    }
    for (std::size_t i = 0; i < s.steps(); ++i)
      forcing.push_back({tas[i], pr[i], evap[i], cin[i], fym[i], cover[i] >= 0.5 ? 1.0 : 0.0,
                         ratio[i] / (ratio[i] + 1.0)});
    m::rothc::SoilProperties soil;
    soil.clay_pct = in.f.property("clay", NAN, "rothc");
    soil.depth_cm = property_noted(in, "depth", 23.0, "cm");
    auto option = m::rothc::MoistureOption::standard;
    if (in.f.has_number("rothc_moisture_option")) {
      option = static_cast<m::rothc::MoistureOption>(static_cast<int>(in.f.numbers.at("rothc_moisture_option")));
      if (option != m::rothc::MoistureOption::standard) {
        const std::string why = "rothc moisture option " + std::to_string(static_cast<int>(option)) + " (Farina et al. 2013)";
        soil.silt_pct = in.f.property("silt", NAN, why);
        soil.bulk_density = in.f.property("bulk_density", NAN, why);
        soil.organic_carbon_pct = in.f.property("organic_carbon", NAN, why);
        in.notes.push_back(why + ": deficits from the soil's water retention (clay, silt, bulk density, organic carbon)");
      }
    }
    try {
      sc = m::rothc::derive_soil_constants(p, soil, option);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
    if (in.f.has_number("iom")) {
      iom = in.f.numbers.at("iom");
    } else if (in.f.has_number("soc_initial")) {
      iom = m::rothc::falloon_iom(in.f.numbers.at("soc_initial"));
      in.notes.push_back("IOM = 0.049 soc_initial^1.139 = " + short_number(iom) + " t ha-1 (Falloon et al. 1998)");
    } else {
      throw InputError(in.f.path + ": missing metadata (iom), rothc needs iom (t ha-1) or soc_initial (t ha-1, "
                       "IOM = 0.049 soc_initial^1.139); expected a line '# iom: VALUE t ha-1' before the header");
    }
  }
  static std::vector<std::string> pool_names() { return {"DPM", "RPM", "BIO", "HUM", "IOM"}; }
  std::vector<double> pools() const { return {x.dpm, x.rpm, x.bio, x.hum, iom}; }
  double active_total() const { return x.dpm + x.rpm + x.bio + x.hum; }
  double total() const { return active_total() + iom; }
  double constant_total() const { return iom; }
  /// IOM set at the start (t ha-1): `--spinup pools` (pool_IOM).
  void set_constant_pools(const std::vector<double>& v) { iom = v[0]; }
  std::vector<double> state() const { return {x.dpm, x.rpm, x.bio, x.hum}; }
  void set_state(const std::vector<double>& v) { x.dpm = v[0], x.rpm = v[1], x.bio = v[2], x.hum = v[3]; }
  /// The deficit at the start of the cycle that repeats itself (it does not depend on the pools).
  void begin_cycle(std::size_t k_steps) {
    smd_start = m::rothc::periodic_deficit(p, sc, forcing.data(), static_cast<int>(k_steps), kDeficitCycles);
  }
  void reset_aux() { x.smd = smd_start; }
  void cold_start(std::size_t) { x = {0, 0, 0, 0, 0}; }  // Shell.for: empty pools, deficit 0
  Flux step(std::size_t i, bool inputs) {
    m::rothc::CellForcing f = forcing[i];
    if (!inputs) f.c_input = f.fym = 0.0;
    const double co2 = m::rothc::step_cell(p, sc, f, x);
    return {f.c_input + f.fym, co2, 0.0};
  }
};


}  // namespace site_side

}  // namespace

ModelBinding rothc_binding() {
  ModelBinding b;
  b.info = models::rothc::model_info();
  b.linear = site_side::RothcSite::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    return std::make_unique<grid_side::RothcGrid>(cfg);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    return site_binding::run_model<site_side::RothcSite>(opt, f, pf, models::rothc::Parameters{}, models::rothc::kParameterInfo,
                                                        models::rothc::validate, std::move(r));
  };
  return b;
}

}  // namespace alamod::engine
