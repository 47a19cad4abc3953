// Grid implementations of every registered model (engine/model_bindings/grid_model.hpp).
//
// RothC keeps its vectorised block kernel (models/rothc step_block) and its own chunked spin-up.
// The other models share one driver, CellGrid<Traits>: each Traits struct says, for one cell and
// one year of monthly forcing, how the model's inputs are derived from what the grid has (see
// models/*/README.md "Grid runs"), and the driver does the rest: per-cell constants, the exact
// linear spin-up or the PETSc SNES spin-up (engine/spinup/spinup.hpp), the inverse spin-up of the linear
// models, the yearly loop and the restart state.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "engine/model_bindings/grid_model.hpp"
#include "engine/site/site_forcing.hpp"
#include "engine/spinup/spinup.hpp"
#include "grids/input_error.hpp"
#include "models/amg/amg.hpp"
#include "models/century/century.hpp"
#include "models/icbm/icbm.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"
#include "models/registry.hpp"
#include "models/rothc/rothc.hpp"
#include "models/yasso/yasso.hpp"

namespace alamod::engine {

namespace {

namespace m = alamod::models;
namespace rothc = alamod::models::rothc;

constexpr double kTonnesPerHaPerGramPerM2 = 0.01;  ///< 1 g m-2 = 0.01 t ha-1
constexpr int kSpinupCalendarYear = 2001;          ///< a 365-day year: month lengths of the mean spin-up year

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// Set the parameters named in `values` (already checked against the registry by the configuration).
template <class P, std::size_t N>
std::string apply(const std::array<m::ParameterInfo<P>, N>& info, const std::vector<std::pair<std::string, double>>& values,
                  P& p) {
  for (const auto& [name, v] : values)
    for (const auto& i : info)
      if (i.name == name) p.*(i.member) = v;
  std::string text;
  for (const auto& i : info) text += std::string(i.name) + " = " + fmt("%.17g", p.*(i.member)) + " " + std::string(i.unit) + "\n";
  return text;
}

template <class P, class Validate>
void validate_or_throw(const RunConfig& cfg, const P& p, Validate validate) {
  try {
    validate(p);
  } catch (const std::invalid_argument& e) {
    throw InputError(cfg.path + ": " + e.what());
  }
}

// =============================================================================================
// RothC: structure-of-arrays block kernel, spin-up in chunks of cells.
// =============================================================================================

class RothcGrid final : public GridModel {
 public:
  explicit RothcGrid(const RunConfig& cfg) : cfg_(cfg), p_(cfg.rothc) {}

  std::vector<std::string> pool_names() const override {
    return std::vector<std::string>(rothc::kPoolNames.begin(), rothc::kPoolNames.end());
  }
  std::string parameters_text() const override {
    std::string params;
    for (const auto& info : rothc::kParameterInfo)
      params += std::string(info.name) + " = " + fmt("%.17g", p_.*(info.member)) + " " + std::string(info.unit) + "\n";
    return params;
  }
  const std::vector<double>& input_scale() const override { return input_scale_; }

  void set_cells(const GridCells& c, const std::function<std::string(std::size_t)>&) override {
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
    // The state and the yearly work arrays are allocated here, with the cells (model set-up, timed as
    // input): first touching fresh memory costs as much as a simulated year on some virtual machines.
    for (auto* v : {&dpm_, &rpm_, &bio_, &hum_, &smd_, &tas_, &rain_, &evap_, &cin_, &fym_, &cov_, &co2_})
      fill_cells(*v, n, 0.0);
    fill_cells(report_.residual, n, 0.0);  // the spin-up's per-cell diagnostics, likewise
    fill_cells(report_.cycles, n, 0.0);
    fill_cells(dfrac_, n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[i])];
      dfrac_[i] = lu.dpm_rpm_ratio / (lu.dpm_rpm_ratio + 1.0);
    }
  }

  SpinupReport spin_up(const MonthlyClimate& mean, bool inverse) override { return spin_up(mean, inverse, 0.0, 0); }
  SpinupReport brute_force_spin_up(const MonthlyClimate& mean, double tolerance, long max_years) override {
    return spin_up(mean, false, tolerance, max_years);
  }
  void step_year(int year, const MonthlyClimate& climate, YearFluxes& f) override;

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
  SpinupReport spin_up(const MonthlyClimate& mean, bool inverse, double tolerance, long max_years);
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
  // yearly work arrays
  std::vector<double> tas_, rain_, evap_, cin_, fym_, cov_, co2_;
};

SpinupReport RothcGrid::spin_up(const MonthlyClimate& mean, bool inverse, double tolerance, long max_years) {
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
                 "most " + fmt("%g", tolerance) + " (relative)";
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
  for (size_t c0 = 0; c0 < n; c0 += kChunk) {
    const size_t nc = std::min(kChunk, n - c0);
    // Monthly forcing of the cycle, structure of arrays, for the block kernel.
    // (month outer, cell inner: both sides are read and written contiguously)
    std::copy(dfrac_.begin() + static_cast<long>(c0), dfrac_.begin() + static_cast<long>(c0 + nc), dfrac.begin());
    for (int mo = 0; mo < 12; ++mo) {
      const double* t_in = mean[0].data() + mo * n + c0;
      const double* r_in = mean[1].data() + mo * n + c0;
      const double* e_in = mean[2].data() + mo * n + c0;
      for (size_t j = 0; j < nc; ++j) {
        const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[c0 + j])];
        tas[mo * nc + j] = t_in[j];
        rain[mo * nc + j] = r_in[j];
        evap[mo * nc + j] = e_in[j] / p.evap_factor;
        cin[mo * nc + j] = annual_input_[c0 + j] * lu.input_share[mo];
        fym[mo * nc + j] = lu.fym * lu.input_share[mo];
        cov[mo * nc + j] = lu.covered[mo];
      }
    }
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
      rothc::year_map_block(p, ym);  // x = (I - M)^-1 v, solved in closed form in the same pass
    }
    // 3. (below) one simulated year from the equilibrium measures the residual
    rothc::Block b = block(c0);
    b.n = nc;
    b.dpm_fraction = dfrac.data();
    b.smd = smd.data();
    b.co2 = co2.data();
    auto run_year = [&](std::array<std::vector<double>, 4>& pools, bool with_inputs) {
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
      }
    };
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
      }
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

void RothcGrid::step_year(int, const MonthlyClimate& clim, YearFluxes& f) {
  const size_t n = land_class_.size();
  f.input.assign(n, 0.0);
  f.rh.assign(n, 0.0);
  f.leaching.assign(n, 0.0);
  rothc::Block b = block(0);
  b.n = n;
  b.tas_c = tas_.data();
  b.rain_mm = rain_.data();
  b.evap_mm = evap_.data();
  b.c_input = cin_.data();
  b.fym = fym_.data();
  b.covered = cov_.data();
  b.dpm_fraction = dfrac_.data();
  b.dpm = dpm_.data();
  b.rpm = rpm_.data();
  b.bio = bio_.data();
  b.hum = hum_.data();
  b.smd = smd_.data();
  b.co2 = co2_.data();
  for (int mo = 0; mo < 12; ++mo) {
    const double* tm = clim[0].data() + mo * n;
    const double* pm = clim[1].data() + mo * n;
    const double* em = clim[2].data() + mo * n;
    for (size_t i = 0; i < n; ++i) {
      const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[i])];
      tas_[i] = tm[i];
      rain_[i] = pm[i];
      evap_[i] = em[i] / p_.evap_factor;
      cin_[i] = annual_input_[i] * input_scale_[i] * lu.input_share[mo];
      fym_[i] = lu.fym * input_scale_[i] * lu.input_share[mo];
      cov_[i] = lu.covered[mo];
    }
    rothc::step_block(p_, b);
    for (size_t i = 0; i < n; ++i) {
      f.rh[i] += co2_[i];
      f.input[i] += cin_[i] + fym_[i];
    }
  }
}

// =============================================================================================
// The other models: one cell at a time through a Traits struct.
// =============================================================================================

/// One month of a cell's forcing, inputs already scaled (0 when the cycle runs without inputs).
struct Month {
  double tas;    ///< degC
  double pr;     ///< mm month-1
  double pet;    ///< mm month-1
  double input;  ///< plant carbon input of the month (t ha-1)
  double fym;    ///< manure carbon of the month (t ha-1)
  int days;      ///< days in the month
};
using Year = std::array<Month, 12>;

/// What a cell's static layers give every model.
struct CellInput {
  double clay_pct, soc_observed, annual_input;
  const LandUseClass* land_use;
  double depth_cm;
};

/// Carbon crossing the boundary of the soil over a year (t ha-1).
struct Flux {
  double input = 0, rh = 0, leaching = 0;
};

double annual_sum(const Year& y, double Month::*field) {
  double s = 0.0;
  for (const auto& mo : y) s += mo.*field;
  return s;
}
double annual_mean(const Year& y, double Month::*field) { return annual_sum(y, field) / 12.0; }

/// ICBM: annual step, input = plant + manure carbon, r_e from the monthly climate.
struct IcbmTraits {
  static constexpr int kState = 2;
  static constexpr bool kLinear = true;
  static constexpr const char* kRule =
      "ICBM annual step; input = plant + manure carbon of the year; r_e = mean over the months of "
      "((T + 3.8)/33.8)^2 min(1, 0.4 + 0.6 pr/pet) relative to the same at Uppsala (Ultuna, r_e = 1)";
  using Params = m::icbm::Parameters;
  Params p;
  double re_ultuna = 1.0;
  struct Cell {};

  /// The temperature function of Andren et al. (2004), T_min = -3.8 degC, with a water limit that
  /// lowers the rate where the month's rainfall is below its potential evapotranspiration.
  static double month_factor(double tas, double pr, double pet) {
    const double t = tas > -3.8 ? (tas + 3.8) / 33.8 : 0.0;
    const double w = pet > 0.0 ? std::min(1.0, 0.4 + 0.6 * pr / pet) : 1.0;
    return t * t * w;
  }
  IcbmTraits() {
    // Uppsala monthly mean air temperatures, 1961-1990 normals (degC, approximate), rainfall above
    // PET in every month: the climate where ICBM's r_e is 1 by definition (Andren & Katterer 1997).
    const double uppsala[12] = {-4.4, -4.6, -1.4, 3.8, 10.1, 14.8, 16.2, 15.2, 10.8, 6.4, 1.2, -2.5};
    double s = 0.0;
    for (double t : uppsala) s += month_factor(t, 1.0, 0.0);
    re_ultuna = s / 12.0;
  }
  static std::vector<std::string> pool_names() { return {"young", "old"}; }
  Cell cell(const CellInput&) const { return {}; }
  Flux year(const Cell&, const Year& y, double* x) const {
    double re = 0.0;
    for (const auto& mo : y) re += month_factor(mo.tas, mo.pr, mo.pet) / 12.0;
    m::icbm::CellState s{x[0], x[1]};
    const auto fl = m::icbm::step_cell(p, {annual_sum(y, &Month::input) + annual_sum(y, &Month::fym), re / re_ultuna},
                                       m::icbm::kYear, s);
    x[0] = s.young;
    x[1] = s.old;
    return {fl.input, fl.respired, 0.0};
  }
  void pools(const Cell&, const double* x, double* out) const { out[0] = x[0], out[1] = x[1]; }
  double constant(const Cell&) const { return 0.0; }
};

/// AMG v2: annual step; state = active pool and the humified input of the previous year.
struct AmgTraits {
  // the fluxes are those of the humified (active) pool: the non-humified part of the input, respired
  // within its year, is in neither (models/amg/README.md)
  static FluxMeaning flux_meaning() {
    return {false, "carbon mineralised from the active (humified) pool, yearly mean",
            "AMG: not the total heterotrophic respiration; the non-humified part of the carbon input, respired "
            "within its year, is not included (models/amg/README.md)",
            "humified carbon input to the active pool, yearly mean",
            "AMG: plant residue and manure carbon times its humification coefficient (about 0.3 of the plant "
            "carbon by default)"};
  }
  static constexpr int kState = 2;
  static constexpr bool kLinear = true;
  static constexpr double kPlantHumification = 0.3;    ///< 0.5 h_AG 0.2 + 0.5 h_BG 0.4 of the default crop (1)
  static constexpr double kManureHumification = 0.64;  ///< bovine manure, parameters_EOM.csv (1)
  static constexpr const char* kRule =
      "AMG v2 annual step; stable pool = ps x observed SOC; humified input = 0.3 plant + 0.64 manure carbon, entering "
      "the active pool the next year; climate: annual mean tas, annual pr and pet; CaCO3 0, pH 7, C:N 10";
  using Params = m::amg::Parameters;
  Params p;
  struct Cell {
    m::amg::Soil soil;
    double stable;
  };
  static std::vector<std::string> pool_names() { return {"active", "stable"}; }
  Cell cell(const CellInput& in) const {
    Cell c;
    c.soil.clay_g_kg = in.clay_pct * 10.0;
    c.soil.caco3_g_kg = 0.0;
    c.soil.ph = 7.0;
    c.soil.cn_ratio = 10.0;
    c.stable = m::amg::initial_stocks(p, in.soc_observed, m::amg::Rounding::none).stable;
    return c;
  }
  Flux year(const Cell& c, const Year& y, double* x) const {
    const m::amg::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), 0.0, annual_sum(y, &Month::pet)};
    const double k = m::amg::mineralisation_rate(p, c.soil, clim, m::amg::Rounding::none).k;
    m::amg::Stocks s{c.stable + x[0], c.stable, x[0]};
    const double entering = x[1];
    const double mineralised = m::amg::step_year(k, entering, s, m::amg::Rounding::none);
    x[0] = s.active;
    x[1] = kPlantHumification * annual_sum(y, &Month::input) + kManureHumification * annual_sum(y, &Month::fym);
    return {entering, mineralised, 0.0};
  }
  void pools(const Cell& c, const double* x, double* out) const { out[0] = x[0], out[1] = c.stable; }
  double constant(const Cell& c) const { return c.stable; }
};

/// Yasso15 / Yasso07: annual step, inputs split into AWEN by land use, non-woody, no leaching.
struct YassoTraits {
  static constexpr int kState = 5;
  static constexpr bool kLinear = true;
  static constexpr const char* kRule =
      "Yasso annual step; climate: annual mean tas, annual pr, amplitude (warmest - coldest month)/2; plant + manure "
      "carbon split by the land-use class's awen shares; non-woody litter (diameter 0), no leaching";
  using Params = m::yasso::Parameters;
  Params p;
  struct Cell {
    std::array<double, 4> awen;
  };
  static std::vector<std::string> pool_names() { return {"A", "W", "E", "N", "H"}; }
  Cell cell(const CellInput& in) const { return {in.land_use->awen}; }
  Flux year(const Cell& c, const Year& y, double* x) const {
    double lo = y[0].tas, hi = y[0].tas;
    for (const auto& mo : y) lo = std::min(lo, mo.tas), hi = std::max(hi, mo.tas);
    const m::yasso::Climate clim{annual_mean(y, &Month::tas), annual_sum(y, &Month::pr), (hi - lo) / 2.0};
    const double total = annual_sum(y, &Month::input) + annual_sum(y, &Month::fym);
    const m::yasso::Pools b{total * c.awen[0], total * c.awen[1], total * c.awen[2], total * c.awen[3], 0.0};
    m::yasso::Pools s{x[0], x[1], x[2], x[3], x[4]};
    const auto fl = m::yasso::step(p, clim, m::yasso::Site{}, b, m::yasso::kYear, s);
    std::copy(s.begin(), s.end(), x);
    return {fl.input, fl.respired, fl.leached};
  }
  void pools(const Cell&, const double* x, double* out) const { std::copy(x, x + 5, out); }
  double constant(const Cell&) const { return 0.0; }
};

/// CENTURY: monthly steps; half the plant input to the surface pools (with the manure), half to the soil.
struct CenturyTraits {
  static constexpr int kState = 7;
  static constexpr bool kLinear = true;
  static constexpr double kSurfaceShare = 0.5;
  static constexpr const char* kRule =
      "CENTURY monthly steps; xi = temperature_factor(tas) moisture_factor(pr, pet); half the plant input to the "
      "surface litter (with the manure), half to the soil litter; lignin:N from the land-use class; silt "
      "min(45 %, 100 % - clay)";
  using Params = m::century::Parameters;
  Params p;
  struct Cell {
    m::century::SiteConstants sc;
  };
  static std::vector<std::string> pool_names() {
    return {"surface_structural", "surface_metabolic", "soil_structural", "soil_metabolic", "active", "slow", "passive"};
  }
  Cell cell(const CellInput& in) const {
    m::century::Site site;
    site.clay = in.clay_pct / 100.0;
    site.silt = std::min(0.45, 1.0 - site.clay);
    site.lignin_to_nitrogen = in.land_use->lignin_fraction / in.land_use->n_fraction;
    return {m::century::derive_site_constants(p, site)};
  }
  Flux year(const Cell& c, const Year& y, double* x) const {
    m::century::Pools s;
    std::copy(x, x + kState, s.begin());
    Flux f;
    for (const auto& mo : y) {
      const double moisture = mo.pet > 0.0 ? m::century::moisture_factor(p, mo.pr, mo.pet) : 1.0;
      const double xi = m::century::temperature_factor(p, mo.tas) * moisture;
      const double rate = 1.0 / m::century::kMonth;
      const m::century::CellForcing cf{(kSurfaceShare * mo.input + mo.fym) * rate, (1.0 - kSurfaceShare) * mo.input * rate,
                                       xi};
      const auto fl = m::century::step(c.sc, cf, m::century::kMonth, s);
      f.input += fl.input;
      f.rh += fl.respired;
    }
    std::copy(s.begin(), s.end(), x);
    return f;
  }
  void pools(const Cell&, const double* x, double* out) const { std::copy(x, x + kState, out); }
  double constant(const Cell&) const { return 0.0; }
};

/// Millennial v2: daily steps, each day of a month with the month's temperature, moisture and input.
struct MillennialTraits {
  static constexpr int kState = 5;
  static constexpr bool kLinear = false;
  static constexpr const char* kRule =
      "Millennial v2 daily steps; soil temperature = the month's tas every day; soil water content = porosity x "
      "(0.3 + 0.5 min(1, pr/pet)) of the month; the month's plant + manure carbon spread evenly over its days; "
      "clay from the grid, pH 7 and bulk density 1000 kg m-3 (official values)";
  using Params = m::millennial::Parameters;
  Params p;
  struct Cell {
    m::millennial::SoilConstants sc;
  };
  static std::vector<std::string> pool_names() { return {"POM", "LMWC", "AGG", "MIC", "MAOM"}; }
  Cell cell(const CellInput& in) const {
    m::millennial::SiteProperties site;
    site.clay_pct = in.clay_pct;
    site.ph = 7.0;
    site.bulk_density = 1000.0;
    return {m::millennial::derive_soil_constants(p, site)};
  }
  double moisture(const Month& mo) const {
    const double ratio = mo.pet > 0.0 ? std::min(1.0, mo.pr / mo.pet) : 1.0;
    return p.porosity * (0.3 + 0.5 * ratio);
  }
  Flux year(const Cell& c, const Year& y, double* x) const {
    m::millennial::State s{x[0], x[1], x[2], x[3], x[4]};
    Flux f;
    for (const auto& mo : y) {
      const m::millennial::DailyForcing d{mo.tas, moisture(mo),
                                          (mo.input + mo.fym) / mo.days / kTonnesPerHaPerGramPerM2};
      for (int k = 0; k < mo.days; ++k) {
        const auto fl = m::millennial::step_day(p, c.sc, d, s);
        f.input += fl.input;
        f.rh += fl.respiration;
        f.leaching += fl.leaching;
      }
    }
    x[0] = s.pom, x[1] = s.lmwc, x[2] = s.agg, x[3] = s.mic, x[4] = s.maom;
    return {f.input * kTonnesPerHaPerGramPerM2, f.rh * kTonnesPerHaPerGramPerM2, f.leaching * kTonnesPerHaPerGramPerM2};
  }
  void pools(const Cell&, const double* x, double* out) const {
    for (int k = 0; k < kState; ++k) out[k] = x[k] * kTonnesPerHaPerGramPerM2;
  }
  double constant(const Cell&) const { return 0.0; }
  /// Start of the SNES: the official test's start (docs/SPINUP.md), g m-2.
  void guess(const Cell&, const Year&, double* x) const {
    const double start[5] = {100.0, 10.0, 100.0, 10.0, 1000.0};
    std::copy(start, start + 5, x);
  }
};

/// MIMICS: 24 hourly steps a day, each day of a month with the month's temperature and input.
struct MimicsTraits {
  static constexpr int kState = 7;
  static constexpr bool kLinear = false;
  static constexpr const char* kRule =
      "MIMICS hourly steps (24 a day); soil temperature = the month's tas; the month's plant + manure carbon spread "
      "evenly over its days; litter quality from the land-use class's lignin and N fractions and the cell's mean "
      "annual input; depth = rothc.soil_depth_cm unless mimics.parameters.depth is set";
  using Params = m::mimics::Parameters;
  Params p;
  struct Cell {
    m::mimics::SiteConstants sc;
    double annual_input_g_m2;
  };
  static std::vector<std::string> pool_names() { return {"LITm", "LITs", "MICr", "MICk", "SOMp", "SOMc", "SOMa"}; }
  Cell cell(const CellInput& in) const {
    m::mimics::SiteProperties site;
    site.clay_pct = in.clay_pct;
    site.lignin_pct = in.land_use->lignin_fraction * 100.0;
    site.nitrogen_pct = in.land_use->n_fraction * 100.0;
    site.litter_input = (in.annual_input + in.land_use->fym) / kTonnesPerHaPerGramPerM2;
    return {m::mimics::derive_site_constants(p, site), site.litter_input};
  }
  double t_ha(double mg_cm3) const { return m::mimics::to_areal(p, mg_cm3) * kTonnesPerHaPerGramPerM2; }
  Flux year(const Cell& c, const Year& y, double* x) const {
    m::mimics::State s{x[0], x[1], x[2], x[3], x[4], x[5], x[6]};
    Flux f;
    for (const auto& mo : y) {
      const double per_day = (mo.input + mo.fym) / mo.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
      const m::mimics::DailyForcing d{mo.tas, m::mimics::litter_input(p, c.sc, per_day * m::mimics::kDaysPerYear)};
      for (int k = 0; k < mo.days; ++k) {
        const auto fl = m::mimics::step_day(p, c.sc, d, s);
        f.input += fl.input;
        f.rh += fl.respiration;
        f.leaching += fl.leaching;
      }
    }
    x[0] = s.lit_m, x[1] = s.lit_s, x[2] = s.mic_r, x[3] = s.mic_k, x[4] = s.som_p, x[5] = s.som_c, x[6] = s.som_a;
    return {t_ha(f.input), t_ha(f.rh), t_ha(f.leaching)};
  }
  void pools(const Cell&, const double* x, double* out) const {
    for (int k = 0; k < kState; ++k) out[k] = t_ha(x[k]);
  }
  double constant(const Cell&) const { return 0.0; }
  /// Start of the SNES: the steady state of the mean temperature and input (the official script's stode).
  void guess(const Cell& c, const Year& y, double* x) const {
    const auto k = m::mimics::kinetics(p, c.sc, annual_mean(y, &Month::tas));
    const auto li = m::mimics::litter_input(p, c.sc, c.annual_input_g_m2);
    const auto s = m::mimics::steady_state(p, c.sc, k, li);
    const double v[7] = {s.lit_m, s.lit_s, s.mic_r, s.mic_k, s.som_p, s.som_c, s.som_a};
    std::copy(v, v + 7, x);
  }
};

template <class T, class = void>
struct HasFluxMeaning : std::false_type {};
template <class T>
struct HasFluxMeaning<T, std::void_t<decltype(T::flux_meaning())>> : std::true_type {};

template <class T>
class CellGrid final : public GridModel {
 public:
  CellGrid(const RunConfig& cfg, T traits, std::string parameters)
      : cfg_(cfg), t_(std::move(traits)), parameters_(std::move(parameters)) {}

  FluxMeaning flux_meaning() const override {
    if constexpr (HasFluxMeaning<T>::value) return T::flux_meaning();
    else return {};
  }

  std::vector<std::string> pool_names() const override { return T::pool_names(); }
  std::string parameters_text() const override { return parameters_; }
  const std::vector<double>& input_scale() const override { return scale_; }

  void set_cells(const GridCells& c, const std::function<std::string(std::size_t)>& describe) override {
    const size_t n = c.land_class.size();
    copy_cells(land_class_, c.land_class);
    copy_cells(annual_input_, c.annual_input);
    copy_cells(soc_observed_, c.soc_observed);
    cells_.clear();
    room_for_cells(cells_, n);
    for (size_t i = 0; i < n; ++i) {
      try {
        cells_.push_back(t_.cell(input(c, i)));
      } catch (const std::exception& e) {
        throw InputError(cfg_.model + " at land " + describe(i) + ": " + e.what());
      }
    }
    describe_ = describe;
    fill_cells(scale_, n, 1.0);
    fill_cells(x_, n * T::kState, 0.0);
  }

  SpinupReport spin_up(const MonthlyClimate& mean, bool inverse) override {
    const size_t n = cells_.size();
    SpinupReport rep;
    rep.residual.assign(n, 0.0);
    rep.cycles.assign(n, 0.0);
    if constexpr (T::kLinear) {
      rep.method = std::string("exact periodic equilibrium of the affine map of the mean year (") +
                   std::to_string(T::kState + 1) + " years to build the map, 1 to check" +
                   (inverse ? ", 1 more after scaling the inputs" : "") + "); " + T::kRule;
      for (size_t i = 0; i < n; ++i) {
        Year y = year_of(mean, i, kSpinupCalendarYear, 1.0);
        auto cycle = [&](const double* in, double* out, bool with_inputs) {
          Year yy = y;
          if (!with_inputs)
            for (auto& mo : yy) mo.input = mo.fym = 0.0;
          std::copy(in, in + T::kState, out);
          t_.year(cells_[i], yy, out);
        };
        spinup::LinearSteadyState r;
        try {
          r = spinup::linear_periodic_steady_state(T::kState, cycle);
        } catch (const std::exception& e) {
          throw InputError(cfg_.model + " spin-up at land " + describe_(i) + ": " + e.what());
        }
        double* x = x_.data() + i * T::kState;
        std::copy(r.state.begin(), r.state.begin() + T::kState, x);
        rep.residual[i] = r.residual;
        rep.cycles[i] = r.cycles;
        if (inverse) {
          std::array<double, T::kState> pools{};
          t_.pools(cells_[i], x, pools.data());
          double total = 0.0;
          for (double v : pools) total += v;
          const double constant = t_.constant(cells_[i]);
          const double variable = total - constant, target = soc_observed_[i] - constant;
          if (!(target > 0.0) || !(variable > 0.0))
            throw InputError(cfg_.soc_stock + ": the observed stock " + fmt("%g", soc_observed_[i]) +
                             " t ha-1 at land " + describe_(i) + " is not above " + cfg_.model +
                             "'s constant pools (" + fmt("%g", constant) + " t ha-1) or the cell has no input");
          const double scale = target / variable;
          for (int k = 0; k < T::kState; ++k) x[k] *= scale;
          scale_[i] = scale;
          const Year ys = year_of(mean, i, kSpinupCalendarYear, scale);
          std::array<double, T::kState> next{};
          std::copy(x, x + T::kState, next.begin());
          t_.year(cells_[i], ys, next.data());
          rep.residual[i] = spinup::relative_change(T::kState, x, next.data());
          rep.cycles[i] += 1;
        }
      }
    } else {
      if (inverse)
        throw InputError(cfg_.path + ": spinup.method = \"inverse\" needs a linear model (rothc, icbm, yasso15, "
                         "yasso07, century, amg); " + cfg_.model + " is nonlinear");
      spinup::NonlinearOptions opt;
      opt.max_fallback_cycles = 20000;
      spinup::NonlinearSpinup solver(T::kState, opt);
      long iterations = 0;
      for (size_t i = 0; i < n; ++i) {
        const Year y = year_of(mean, i, kSpinupCalendarYear, 1.0);
        spinup::Pools guess{};
        try {
          t_.guess(cells_[i], y, guess.data());
        } catch (const std::exception& e) {
          throw InputError(cfg_.model + " spin-up at land " + describe_(i) + ": no start for the solver: " + e.what());
        }
        const spinup::CycleMap map = [&](const double* in, double* out) {
          std::copy(in, in + T::kState, out);
          t_.year(cells_[i], y, out);
        };
        const auto r = solver.solve(map, guess.data());
        std::copy(r.state.begin(), r.state.begin() + T::kState, x_.data() + i * T::kState);
        rep.residual[i] = r.residual;
        rep.cycles[i] = static_cast<double>(r.cycles);
        iterations += r.snes_iterations;
        rep.flagged += r.fallback_cycles > 0 ? 1 : 0;
      }
      rep.flagged_what = "cells the SNES left to plain cycling";
      rep.method = "periodic equilibrium of the mean year by PETSc SNES (" + solver.method() +
                   ", log-pool variables, matrix-free Jacobian; fall-back to plain cycling); " + T::kRule;
    }
    return rep;
  }

  SpinupReport brute_force_spin_up(const MonthlyClimate& mean, double tolerance, long max_years) override {
    const size_t n = cells_.size();
    SpinupReport rep;
    rep.residual.assign(n, 0.0);
    rep.cycles.assign(n, 0.0);
    rep.method = std::string("brute force: the mean year cycled from ") + (T::kLinear ? "empty pools" : "the solver's start") +
                 " until one more cycle changes every pool by at most " + fmt("%g", tolerance) + " (relative); " + T::kRule;
    rep.flagged_what = "cells not converged within " + std::to_string(max_years) + " years";
    for (size_t i = 0; i < n; ++i) {
      const Year y = year_of(mean, i, kSpinupCalendarYear, 1.0);
      spinup::Pools x0{};
      if constexpr (!T::kLinear) t_.guess(cells_[i], y, x0.data());
      const auto r = spinup::cycle_to_steady_state(
          T::kState,
          [&](const double* in, double* out) {
            std::copy(in, in + T::kState, out);
            t_.year(cells_[i], y, out);
          },
          x0.data(), tolerance, max_years);
      std::copy(r.state.begin(), r.state.begin() + T::kState, x_.data() + i * T::kState);
      rep.residual[i] = r.residual;
      rep.cycles[i] = static_cast<double>(r.cycles);
      rep.flagged += r.converged ? 0 : 1;
    }
    return rep;
  }

  void step_year(int year, const MonthlyClimate& climate, YearFluxes& f) override {
    const size_t n = cells_.size();
    f.input.resize(n);
    f.rh.resize(n);
    f.leaching.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const Flux fl = t_.year(cells_[i], year_of(climate, i, year, scale_[i]), x_.data() + i * T::kState);
      f.input[i] = fl.input;
      f.rh[i] = fl.rh;
      f.leaching[i] = fl.leaching;
    }
  }

  void pools(std::vector<std::vector<double>>& out) const override {
    const size_t n = cells_.size();
    const size_t np = T::pool_names().size();
    out.resize(np);
    for (auto& o : out) o.resize(n);  // keeps the caller's storage from the previous year
    std::array<double, 8> v{};
    for (size_t i = 0; i < n; ++i) {
      t_.pools(cells_[i], x_.data() + i * T::kState, v.data());
      for (size_t k = 0; k < np; ++k) out[k][i] = v[k];
    }
  }

  std::vector<std::pair<std::string, std::vector<double>*>> state() override {
    // one variable per state component, cells contiguous (the checkpoint's layout)
    const size_t n = cells_.size();
    columns_.assign(T::kState, std::vector<double>(n));
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < T::kState; ++k) columns_[k][i] = x_[i * T::kState + k];
    std::vector<std::pair<std::string, std::vector<double>*>> s;
    for (int k = 0; k < T::kState; ++k) s.push_back({"state_" + std::to_string(k), &columns_[k]});
    s.push_back({"input_scale", &scale_});
    return s;
  }
  /// After a checkpoint was read into the vectors state() returned.
  void state_restored() override {
    const size_t n = cells_.size();
    for (size_t i = 0; i < n; ++i)
      for (int k = 0; k < T::kState; ++k) x_[i * T::kState + k] = columns_[k][i];
  }

 private:
  CellInput input(const GridCells& c, size_t i) const {
    return {c.clay[i], c.soc_observed[i], c.annual_input[i], &cfg_.land_uses[static_cast<size_t>(c.land_class[i])],
            cfg_.soil_depth_cm};
  }
  Year year_of(const MonthlyClimate& clim, size_t i, int calendar_year, double scale) const {
    const size_t n = cells_.size();
    const auto& lu = cfg_.land_uses[static_cast<size_t>(land_class_[i])];
    Year y;
    for (int mo = 0; mo < 12; ++mo)
      y[mo] = {clim[0][mo * n + i], clim[1][mo * n + i],  clim[2][mo * n + i], scale * annual_input_[i] * lu.input_share[mo],
               scale * lu.fym * lu.input_share[mo], days_in_month(calendar_year, mo + 1)};
    return y;
  }

  const RunConfig& cfg_;
  T t_;
  std::string parameters_;
  std::vector<int> land_class_;
  std::vector<double> annual_input_, soc_observed_, scale_, x_;
  std::vector<typename T::Cell> cells_;
  std::vector<std::vector<double>> columns_;
  std::function<std::string(std::size_t)> describe_;
};

template <class T, class Info, class Validate>
std::unique_ptr<GridModel> make_cell_grid(const RunConfig& cfg, T traits, const Info& info, Validate validate) {
  const std::string text = apply(info, cfg.model_parameters, traits.p);
  validate_or_throw(cfg, traits.p, validate);
  return std::make_unique<CellGrid<T>>(cfg, std::move(traits), text);
}

}  // namespace

std::unique_ptr<GridModel> make_grid_model(const RunConfig& cfg) {
  // The explicit switch over the registry names (models/registry.cpp).
  const std::string& name = cfg.model;
  if (name == "rothc") return std::make_unique<RothcGrid>(cfg);
  if (name == "icbm")
    return make_cell_grid(cfg, IcbmTraits{}, m::icbm::kParameterInfo, [](const auto& q) { m::icbm::validate(q); });
  if (name == "amg")
    return make_cell_grid(cfg, AmgTraits{}, m::amg::kParameterInfo, [](const auto& q) { m::amg::validate(q); });
  if (name == "yasso15" || name == "yasso07") {
    YassoTraits t;
    t.p = name == "yasso15" ? m::yasso::yasso15_parameters() : m::yasso::yasso07_parameters();
    return make_cell_grid(cfg, t, m::yasso::kParameterInfo, [](const auto& q) { m::yasso::validate(q); });
  }
  if (name == "century")
    return make_cell_grid(cfg, CenturyTraits{}, m::century::kParameterInfo, [](const auto& q) { m::century::validate(q); });
  if (name == "millennial")
    return make_cell_grid(cfg, MillennialTraits{}, m::millennial::kParameterInfo,
                          [](const auto& q) { m::millennial::validate(q); });
  if (name == "mimics") {
    MimicsTraits t;
    const bool depth_set = std::any_of(cfg.model_parameters.begin(), cfg.model_parameters.end(),
                                       [](const auto& kv) { return kv.first == "depth"; });
    if (!depth_set) t.p.depth = cfg.soil_depth_cm;
    return make_cell_grid(cfg, t, m::mimics::kParameterInfo, [](const auto& q) { m::mimics::validate(q); });
  }
  throw InputError(cfg.path + ": model '" + name + "' is registered but has no grid implementation (engine/model_bindings/grid_models.cpp)");
}

}  // namespace alamod::engine
