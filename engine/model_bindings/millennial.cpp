// The Millennial v2 binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/millennial/ (its README says how the inputs are derived, "Grid runs" and
// "Site runs").
#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/model_bindings/grid_binding.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/site_binding.hpp"
#include "grids/input_error.hpp"
#include "models/millennial/millennial.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

/// Millennial v2: daily steps, each day of a month with the month's temperature, moisture and input.
struct MillennialTraits {
  static constexpr int kState = 5;
  static constexpr bool kLeaching = true;
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
      const m::millennial::DayRates rates = m::millennial::day_rates(p, d);  // the month's forcing: once
      for (int k = 0; k < mo.days; ++k) {
        const auto fl = m::millennial::step_day(p, c.sc, rates, d.npp, s);
        f.input += fl.input;
        f.rh += fl.respiration;
        f.leaching += fl.leaching;
      }
    }
    x[0] = s.pom, x[1] = s.lmwc, x[2] = s.agg, x[3] = s.mic, x[4] = s.maom;
    return {f.input * kTonnesPerHaPerGramPerM2, f.rh * kTonnesPerHaPerGramPerM2, f.leaching * kTonnesPerHaPerGramPerM2};
  }
  /// year() for n cells at once: each cell's days are year()'s operations in year()'s order (the same bits),
  /// but the cells step a day each in turn, so that their chains of dependent daily operations overlap
  /// (stepping one cell's 365 days alone waits on each day's latency: ~4 x the kernel's cost per cell-day).
  void years(const Cell* cells, const Year* y, double* x, Flux* out, std::size_t n) const {
    std::vector<m::millennial::State> s(n);
    std::vector<m::millennial::DayRates> rates(n);
    std::vector<double> npp(n);
    std::vector<Flux> f(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double* v = x + i * kState;
      s[i] = {v[0], v[1], v[2], v[3], v[4]};
    }
    for (int mo = 0; mo < 12; ++mo) {
      for (std::size_t i = 0; i < n; ++i) {
        const Month& m = y[i][mo];
        const m::millennial::DailyForcing d{m.tas, moisture(m), (m.input + m.fym) / m.days / kTonnesPerHaPerGramPerM2};
        rates[i] = m::millennial::day_rates(p, d);  // the month's forcing: once
        npp[i] = d.npp;
      }
      const int days = y[0][mo].days;  // the calendar's: the same for every cell of the year
      for (int k = 0; k < days; ++k)
        for (std::size_t i = 0; i < n; ++i) {
          const auto fl = m::millennial::step_day(p, cells[i].sc, rates[i], npp[i], s[i]);
          f[i].input += fl.input;
          f[i].rh += fl.respiration;
          f[i].leaching += fl.leaching;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
      double* v = x + i * kState;
      v[0] = s[i].pom, v[1] = s[i].lmwc, v[2] = s[i].agg, v[3] = s[i].mic, v[4] = s[i].maom;
      out[i] = {f[i].input * kTonnesPerHaPerGramPerM2, f[i].rh * kTonnesPerHaPerGramPerM2,
                f[i].leaching * kTonnesPerHaPerGramPerM2};
    }
  }
  /// A scenario's year (models/millennial/README.md "Scenario inputs"): each added kind spread over its months'
  /// days like the plant input, its share to POM (the rest to LMWC) 1 - Fm, Fm = 0.85 - 0.018 lignin/N its
  /// metabolic share (Parton et al. 1987), the plant kind param_pi; the depolymerisation of POM, the microbial
  /// uptake of LMWC and the breakdown of aggregates times the decomposition factor.
  Flux year_changed(const Cell& c, const Year& y, double* x, const Added& a) const {
    double pom_share[kAddedInputKinds];
    for (int k = 0; k < kAddedInputKinds; ++k)
      pom_share[k] = k == static_cast<int>(AddedInput::plant)
                         ? p.param_pi
                         : 1.0 - scenario_inputs::metabolic_share(0.85, 0.018, scenario_inputs::litter_quality(k, *a.land_use));
    m::millennial::State s{x[0], x[1], x[2], x[3], x[4]};
    Flux f;
    Params q = p;
    for (int mo = 0; mo < 12; ++mo) {
      const Month& mon = y[static_cast<size_t>(mo)];
      const double plain = (mon.input + mon.fym) / mon.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
      double npp = plain, pom = plain * p.param_pi;
      for (int k = 0; k < kAddedInputKinds; ++k) {
        const double amount = a.month[static_cast<size_t>(k)][static_cast<size_t>(mo)];
        if (amount == 0.0) continue;
        const double added = amount / mon.days / kTonnesPerHaPerGramPerM2;
        npp += added;
        pom += added * pom_share[k];
      }
      q.param_pi = npp > 0.0 ? pom / npp : p.param_pi;
      const m::millennial::DailyForcing d{mon.tas, moisture(mon), npp};
      m::millennial::DayRates rates = m::millennial::day_rates(q, d);
      rates.vmax_pl_wd *= a.decomposition;
      rates.vmax_lb_wb *= a.decomposition;
      rates.rate_break_wd *= a.decomposition;
      for (int k = 0; k < mon.days; ++k) {
        const auto fl = m::millennial::step_day(q, c.sc, rates, d.npp, s);
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
  /// Jacobians per month of the solver's first Jacobian and of the later ones (more did not pay here:
  /// three per month save a cycle in half the cells but cost twice as much; docs/SPINUP.md section 6).
  static constexpr int kFirstJacobianSamples = 1, kJacobianSamples = 1;
  /// The work of building cycle_jacobian's matrix in years of this model (its time beyond the cycle's
  /// against the time of year(), the minimum of 7 timings on 233 cells of France 8 km, docs/SPINUP.md
  /// section 6): 12 analytic daily Jacobians, their powers and products of 5 x 5 matrices, against a
  /// year of only 365 cheap daily steps.
  static constexpr double kFirstJacobianCycles = 0.43, kJacobianCycles = 0.43;
  /// One cycle of the spin-up from x into out (the bits of year()) and its approximate Jacobian: the
  /// product over the months, each cut into `samples` parts of whole days, of (I + A)^days, A the
  /// analytic Jacobian of the daily tendencies (m::millennial::jacobian) at the month's rates and the
  /// state in the middle of the part. which: 0 for the solver's first Jacobian, else a later one.
  void cycle_jacobian(const Cell& c, const Year& y, const double* x, double* out, double* jac, int which) const {
    constexpr int n = kState;
    const int samples = which == 0 ? kFirstJacobianSamples : kJacobianSamples;
    m::millennial::State s{x[0], x[1], x[2], x[3], x[4]};
    double year[n * n], step[n * n], part[n * n], tmp[n * n];
    for (int i = 0; i < n * n; ++i) year[i] = (i % (n + 1) == 0) ? 1.0 : 0.0;
    for (const auto& mo : y) {
      const m::millennial::DailyForcing d{mo.tas, moisture(mo), (mo.input + mo.fym) / mo.days / kTonnesPerHaPerGramPerM2};
      const m::millennial::DayRates rates = m::millennial::day_rates(p, d);  // as year() computes it
      int first = 0;
      for (int seg = 0; seg < samples; ++seg) {
        const int last = mo.days * (seg + 1) / samples, mid = (first + last) / 2;
        for (int k = first; k < last; ++k) {
          if (k == mid) {
            double a[n][n];
            m::millennial::jacobian(p, c.sc, rates, s, a);
            for (int i = 0; i < n; ++i)
              for (int j = 0; j < n; ++j) step[i * n + j] = (i == j ? 1.0 : 0.0) + a[i][j] * m::millennial::kDay;
          }
          m::millennial::step_day(p, c.sc, rates, d.npp, s);
        }
        spinup::matrix_power_n<n>(step, last - first, part);
        spinup::matrix_product_n<n>(part, year, tmp);
        std::copy(tmp, tmp + n * n, year);
        first = last;
      }
    }
    out[0] = s.pom, out[1] = s.lmwc, out[2] = s.agg, out[3] = s.mic, out[4] = s.maom;
    std::copy(year, year + n * n, jac);
  }
  /// Start of the spin-up: the steady state of the year's mean tendencies with the state held constant
  /// (each rate of the daily fluxes averaged over the year's days, respired share weighted by the
  /// microbial uptake rate; these fluxes being linear in those rates, this is the zero of the mean
  /// tendency), by Newton with the analytic Jacobian (m::millennial::jacobian at the mean rates) from
  /// the official test's start (docs/SPINUP.md),
  /// at most kGuessIterations iterations; the official start when that fails. g m-2.
  static constexpr int kGuessIterations = 12;
  /// Its work in years, measured as kJacobianCycles (12 months' rates, exponentials and square roots
  /// included, and the Newton iterations).
  static constexpr double kGuessCycles = 0.20;
  void guess(const Cell& c, const Year& y, double* x) const {
    const double start[5] = {100.0, 10.0, 100.0, 10.0, 1000.0};
    std::copy(start, start + 5, x);
    m::millennial::DayRates mean{};
    double npp = 0.0, days = 0.0, respired = 0.0;
    for (const auto& mo : y) {
      const m::millennial::DailyForcing d{mo.tas, moisture(mo), (mo.input + mo.fym) / mo.days / kTonnesPerHaPerGramPerM2};
      const m::millennial::DayRates r = m::millennial::day_rates(p, d);
      const double w = mo.days;
      days += w, npp += w * d.npp;
      mean.modifiers.scalar_wd += w * r.modifiers.scalar_wd;
      mean.vmax_pl_wd += w * r.vmax_pl_wd, mean.rate_pa_wd += w * r.rate_pa_wd;
      mean.rate_break_wd += w * r.rate_break_wd, mean.rate_leach_wd += w * r.rate_leach_wd;
      mean.rate_ma_wd += w * r.rate_ma_wd, mean.vmax_lb_wb += w * r.vmax_lb_wb;
      respired += w * r.vmax_lb_wb * r.respired_share;
    }
    npp /= days;
    mean.modifiers.scalar_wd /= days, mean.vmax_pl_wd /= days, mean.rate_pa_wd /= days;
    mean.rate_break_wd /= days, mean.rate_leach_wd /= days, mean.rate_ma_wd /= days;
    mean.respired_share = mean.vmax_lb_wb > 0.0 ? respired / mean.vmax_lb_wb : 0.0;
    mean.vmax_lb_wb /= days;
    auto tendency = [&](const double* v, double* t) {
      const m::millennial::State st{v[0], v[1], v[2], v[3], v[4]};
      const auto d = m::millennial::tendencies(p, m::millennial::daily_fluxes(p, c.sc, mean, st), npp);
      t[0] = d.pom, t[1] = d.lmwc, t[2] = d.agg, t[3] = d.mic, t[4] = d.maom;
    };
    double v[5];
    std::copy(start, start + 5, v);
    for (int it = 0; it < kGuessIterations; ++it) {
      double t[5], a[25], dx[5];
      tendency(v, t);
      double worst = 0.0;
      for (int i = 0; i < 5; ++i) worst = std::max(worst, std::fabs(t[i]) / std::max(v[i], 1e-12));
      if (worst < 1e-12) break;
      double jm[5][5];
      m::millennial::jacobian(p, c.sc, mean, {v[0], v[1], v[2], v[3], v[4]}, jm);
      for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j) a[i * 5 + j] = jm[i][j];
      for (int i = 0; i < 5; ++i) dx[i] = -t[i];
      if (!spinup::solve_dense(5, a, dx)) return;
      double step = 1.0;
      double next[5];
      for (int halving = 0; halving < 40; ++halving, step *= 0.5) {
        bool ok = true;
        for (int i = 0; i < 5; ++i) next[i] = v[i] + step * dx[i], ok = ok && next[i] > 0.0 && std::isfinite(next[i]);
        if (ok) break;
      }
      for (int i = 0; i < 5; ++i)
        if (!(next[i] > 0.0) || !std::isfinite(next[i])) return;
      std::copy(next, next + 5, v);
    }
    std::copy(v, v + 5, x);
  }
};


}  // namespace grid_side

namespace site_side {
using namespace site_binding;

struct MillennialSite {
  static constexpr TimeStep kStep = TimeStep::day;
  static constexpr bool kLinear = false, kLeaching = true;
  m::millennial::Parameters p;
  m::millennial::SoilConstants sc{};
  std::vector<m::millennial::DailyForcing> forcing;
  m::millennial::State x{0, 0, 0, 0, 0};
  bool rk4 = false;  ///< metadata millennial_integrator: rk4 (the R version's scheme) instead of euler (the Fortran's)

  MillennialSite(const AdapterInput& in, const m::millennial::Parameters& par) : p(par) {
    const auto& s = in.s;
    if (const auto it = in.f.texts.find("millennial_integrator"); it != in.f.texts.end()) {
      rk4 = it->second == "rk4";
      in.notes.push_back(rk4 ? "millennial_integrator rk4: classical RK4 with a step of one day, the half-day stages "
                               "with the mean of the day's and the next day's forcing (the R version, Abramoff et al. 2022)"
                             : "millennial_integrator euler: explicit Euler with a step of one day (the official Fortran)");
    }
    const auto temp = soil_temperature(in);
    check_series_range(in, m::millennial::kValidRange, "tas", temp, (in.s.has("tsoil") ? "tsoil" : "tas"));
    const auto swc = series_or(in, "swc", NAN, "");
    const auto c = carbon_inputs(in);
    for (std::size_t i = 0; i < s.steps(); ++i) {
      if (swc[i] > p.porosity)
        throw InputError(in.f.path + ":" + std::to_string(s.first_line[i]) + " (swc): soil water content " +
                         short_number(swc[i]) + " m3 m-3 exceeds millennial's porosity " + short_number(p.porosity) +
                         ", expected <= porosity");
      forcing.push_back({temp[i], swc[i], c[i] / kTonnesPerHaPerGramPerM2});
    }
    m::millennial::SiteProperties site;
    site.clay_pct = in.f.property("clay", NAN, "millennial");
    if (in.f.has_number("silt") || in.f.has_column("silt")) {
      site.clay_pct += in.f.property("silt", NAN, "millennial");
      in.notes.push_back("mineral capacity from clay + silt (Abramoff et al. 2022)");
    } else {
      in.notes.push_back("mineral capacity from clay only (no silt given)");
    }
    site.ph = property_noted(in, "ph", 7.0, "1 (official Fortran value)");
    site.bulk_density = property_noted(in, "bulk_density", 1.0, "g cm-3 (official Fortran value)") * 1000.0;
    try {
      sc = m::millennial::derive_soil_constants(p, site);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
  }
  static std::vector<std::string> pool_names() { return {"POM", "LMWC", "AGG", "MIC", "MAOM"}; }
  std::vector<double> pools() const {
    const double k = kTonnesPerHaPerGramPerM2;
    return {x.pom * k, x.lmwc * k, x.agg * k, x.mic * k, x.maom * k};
  }
  double active_total() const { return m::millennial::total_carbon(x) * kTonnesPerHaPerGramPerM2; }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return {x.pom, x.lmwc, x.agg, x.mic, x.maom}; }
  void set_state(const std::vector<double>& v) { x = {v[0], v[1], v[2], v[3], v[4]}; }
  void cold_start(std::size_t) { x = {1, 1, 1, 1, 1}; }  // the official initial state (g m-2)
  std::string start_equilibrium(std::size_t k_steps) {
    cold_start(k_steps);
    return "the official initial state";
  }
  Flux step(std::size_t i, bool) {
    const auto fl = rk4 ? m::millennial::step_day_rk4(p, sc, forcing[i], forcing[i + 1 < forcing.size() ? i + 1 : i], x)
                        : m::millennial::step_day(p, sc, forcing[i], x);
    const double k = kTonnesPerHaPerGramPerM2;
    return {fl.input * k, fl.respiration * k, fl.leaching * k};
  }
};


}  // namespace site_side

}  // namespace

ModelBinding millennial_binding() {
  ModelBinding b;
  b.info = models::millennial::model_info();
  b.linear = site_side::MillennialSite::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    return grid_binding::make_cell_grid(cfg, grid_side::MillennialTraits{}, models::millennial::kParameterInfo, models::millennial::validate);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    return site_binding::run_model<site_side::MillennialSite>(opt, f, pf, models::millennial::Parameters{}, models::millennial::kParameterInfo,
                                                     models::millennial::validate, std::move(r));
  };
  return b;
}

}  // namespace alamod::engine
