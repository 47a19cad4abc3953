// The MIMICS binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/mimics/ (its README says how the inputs are derived, "Grid runs" and
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
#include "models/mimics/mimics.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

/// MIMICS: 24 hourly steps a day, each day of a month with the month's temperature and input.
struct MimicsTraits {
  static constexpr int kState = 7;
  static constexpr bool kLeaching = true;
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
  /// A scenario's year (models/mimics/README.md "Scenario inputs"): each added kind spread over its months'
  /// days like the plant input, split into metabolic and structural litter by its own fMET = fmet_p1 (fmet_p2 -
  /// fmet_p3 lignin/N) (clamped to [0, 1]; the plant kind the cell's); Vmax times the decomposition factor (the
  /// tuning coefficient av: every microbial decomposition of litter and SOMa; turnover and desorption unchanged).
  /// The month's forcing of a cell with a scenario's additions: the plain litter input plus each kind's, split
  /// by the kind's fMET.
  m::mimics::DailyForcing forcing_added(const Cell& c, const Month& mon, const Added& a, int mo) const {
    const double per_day = (mon.input + mon.fym) / mon.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
    m::mimics::DailyForcing d{mon.tas, m::mimics::litter_input(p, c.sc, per_day * m::mimics::kDaysPerYear)};
    for (int k = 0; k < kAddedInputKinds; ++k) {
      const double amount = a.month[static_cast<size_t>(k)][static_cast<size_t>(mo)];
      if (amount == 0.0) continue;
      m::mimics::SiteConstants kind_sc = c.sc;
      if (k != static_cast<int>(AddedInput::plant)) {
        const auto qual = scenario_inputs::litter_quality(k, *a.land_use);
        const double fmet = p.fmet_p1 * (p.fmet_p2 - p.fmet_p3 * qual.lignin / qual.nitrogen);
        kind_sc.fmet = fmet < 0.0 ? 0.0 : (fmet > 1.0 ? 1.0 : fmet);
      }
      const double added = amount / mon.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
      const auto li = m::mimics::litter_input(p, kind_sc, added * m::mimics::kDaysPerYear);
      d.litter.met += li.met;
      d.litter.str += li.str;
    }
    return d;
  }
  Flux year_changed(const Cell& c, const Year& y, double* x, const Added& a) const {
    Params q = p;
    q.av = p.av * a.decomposition;
    m::mimics::State s{x[0], x[1], x[2], x[3], x[4], x[5], x[6]};
    Flux f;
    for (int mo = 0; mo < 12; ++mo) {
      const Month& mon = y[static_cast<size_t>(mo)];
      const m::mimics::DailyForcing d = forcing_added(c, mon, a, mo);
      for (int k = 0; k < mon.days; ++k) {
        const auto fl = m::mimics::step_day(q, c.sc, d, s);
        f.input += fl.input;
        f.rh += fl.respiration;
        f.leaching += fl.leaching;
      }
    }
    x[0] = s.lit_m, x[1] = s.lit_s, x[2] = s.mic_r, x[3] = s.mic_k, x[4] = s.som_p, x[5] = s.som_c, x[6] = s.som_a;
    return {t_ha(f.input), t_ha(f.rh), t_ha(f.leaching)};
  }
  /// year_changed for n cells at once whose decomposition factor is 1 (the additions are forcing): through the
  /// block kernel, the bits of year_changed cell by cell.
  void years_added(const Cell* cells, const Year* y, const Added* a, double* x, Flux* out, std::size_t n) const {
    std::vector<const m::mimics::SiteConstants*> site(n);
    std::vector<m::mimics::DailyForcing> forcing(n);
    std::vector<m::mimics::State> s(n);
    std::vector<m::mimics::CarbonFluxes> sums(n, m::mimics::CarbonFluxes{0.0, 0.0, 0.0});
    m::mimics::PreparedDays prep;  // the month's terms of the n cells (storage reused month after month)
    for (std::size_t i = 0; i < n; ++i) {
      site[i] = &cells[i].sc;
      const double* v = x + i * kState;
      s[i] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    }
    for (int mo = 0; mo < 12; ++mo) {
      for (std::size_t i = 0; i < n; ++i) forcing[i] = forcing_added(cells[i], y[i][static_cast<size_t>(mo)], a[i], mo);
      m::mimics::prepare_days(p, n, site.data(), forcing.data(), prep);
      m::mimics::step_prepared_days(prep, y[0][static_cast<size_t>(mo)].days, s.data(), sums.data());
    }
    for (std::size_t i = 0; i < n; ++i) {
      double* v = x + i * kState;
      v[0] = s[i].lit_m, v[1] = s[i].lit_s, v[2] = s[i].mic_r, v[3] = s[i].mic_k, v[4] = s[i].som_p;
      v[5] = s[i].som_c, v[6] = s[i].som_a;
      out[i] = {t_ha(sums[i].input), t_ha(sums[i].respiration), t_ha(0.0)};
    }
  }
  /// The yearly loop for n cells at once through the block kernel (models/mimics/ prepare_days once a month,
  /// then step_prepared_days through its days):
  /// the bits of year() cell by cell.
  void years(const Cell* cells, const Year* y, double* x, Flux* out, std::size_t n) const {
    std::vector<const m::mimics::SiteConstants*> site(n);
    std::vector<m::mimics::DailyForcing> forcing(n);
    std::vector<m::mimics::State> s(n);
    std::vector<m::mimics::CarbonFluxes> sums(n, m::mimics::CarbonFluxes{0.0, 0.0, 0.0});
    m::mimics::PreparedDays prep;  // the month's terms of the n cells (storage reused month after month)
    for (std::size_t i = 0; i < n; ++i) {
      site[i] = &cells[i].sc;
      const double* v = x + i * kState;
      s[i] = {v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    }
    for (int mo = 0; mo < 12; ++mo) {
      for (std::size_t i = 0; i < n; ++i) {
        const Month& m = y[i][mo];
        const double per_day = (m.input + m.fym) / m.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
        forcing[i] = {m.tas, m::mimics::litter_input(p, cells[i].sc, per_day * m::mimics::kDaysPerYear)};
      }
      m::mimics::prepare_days(p, n, site.data(), forcing.data(), prep);
      m::mimics::step_prepared_days(prep, y[0][mo].days, s.data(), sums.data());
    }
    for (std::size_t i = 0; i < n; ++i) {
      double* v = x + i * kState;
      v[0] = s[i].lit_m, v[1] = s[i].lit_s, v[2] = s[i].mic_r, v[3] = s[i].mic_k, v[4] = s[i].som_p;
      v[5] = s[i].som_c, v[6] = s[i].som_a;
      out[i] = {t_ha(sums[i].input), t_ha(sums[i].respiration), t_ha(0.0)};
    }
  }
  void pools(const Cell&, const double* x, double* out) const {
    for (int k = 0; k < kState; ++k) out[k] = t_ha(x[k]);
  }
  /// Jacobians per month: the first (coarse: its step is limited by the distance to the equilibrium)
  /// and the later ones (the month cut into kJacobianSamples parts, each with its own Jacobian).
  static constexpr int kFirstJacobianSamples = 1, kJacobianSamples = 5;
  /// The work of building cycle_jacobian's matrix in years of this model (its time beyond the cycle's
  /// against the time of year(), the minimum of 7 timings on 233 cells of France 8 km, docs/SPINUP.md
  /// section 6): 12 or 60 hourly Jacobians and their powers, products of 7 x 7 matrices.
  static constexpr double kFirstJacobianCycles = 0.08, kJacobianCycles = 0.30;
  /// One cycle of the spin-up from x into out (the bits of year()) and its approximate Jacobian: the
  /// product over the months, each cut into `samples` parts of whole days, of (I + A)^(24 days), A the
  /// hourly Jacobian (explicit Euler, 1 h) at the month's kinetics and the state in the middle of the
  /// part. which: 0 for the solver's first Jacobian (kFirstJacobianSamples), else kJacobianSamples.
  void cycle_jacobian(const Cell& c, const Year& y, const double* x, double* out, double* jac, int which) const {
    m::mimics::State s{x[0], x[1], x[2], x[3], x[4], x[5], x[6]};
    constexpr int n = kState;
    const int samples = which == 0 ? kFirstJacobianSamples : kJacobianSamples;
    double year[n * n], step[n * n], part[n * n], tmp[n * n];
    for (int i = 0; i < n * n; ++i) year[i] = (i % (n + 1) == 0) ? 1.0 : 0.0;
    for (const auto& mo : y) {
      const double per_day = (mo.input + mo.fym) / mo.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
      const m::mimics::DailyForcing d{mo.tas, m::mimics::litter_input(p, c.sc, per_day * m::mimics::kDaysPerYear)};
      const m::mimics::Kinetics k = m::mimics::kinetics(p, c.sc, mo.tas);
      int first = 0;
      for (int seg = 0; seg < samples; ++seg) {
        const int last = mo.days * (seg + 1) / samples, mid = (first + last) / 2;
        for (int day = first; day < last; ++day) {
          if (day == mid) {
            double a[n][n];
            m::mimics::jacobian(p, c.sc, k, s, a);
            for (int i = 0; i < n; ++i)
              for (int j = 0; j < n; ++j) step[i * n + j] = (i == j ? 1.0 : 0.0) + a[i][j] * m::mimics::kHour;
          }
          m::mimics::step_day(p, c.sc, d, s);
        }
        spinup::matrix_power_n<n>(step, static_cast<long>(m::mimics::kHoursPerDay) * (last - first), part);
        spinup::matrix_product_n<n>(part, year, tmp);
        std::copy(tmp, tmp + n * n, year);
        first = last;
      }
    }
    out[0] = s.lit_m, out[1] = s.lit_s, out[2] = s.mic_r, out[3] = s.mic_k, out[4] = s.som_p, out[5] = s.som_c;
    out[6] = s.som_a;
    std::copy(year, year + n * n, jac);
  }
  /// Start of the spin-up: the zero of the year's mean tendency with the state held constant (each
  /// month's hourly tendency at its kinetics and input, weighted by its days), by Newton with the
  /// analytic Jacobians from the script's start (LIT = MIC = I, SOMp = I_met, SOMc = I_str, SOMa =
  /// I_met); where that does not converge, from the steady state of the mean temperature and input (the
  /// official script's stode). Its slow pools come within 1 % of the periodic equilibrium's (the steady
  /// state of the mean forcing: a few %).
  void guess(const Cell& c, const Year& y, double* x) const {
    const auto li = m::mimics::litter_input(p, c.sc, c.annual_input_g_m2);
    const double start[7] = {li.met, li.str, li.met, li.str, li.met, li.str, li.met};
    std::copy(start, start + 7, x);
    if (mean_tendency_zero(c, y, x)) return;
    const auto k = m::mimics::kinetics(p, c.sc, annual_mean(y, &Month::tas));
    const auto s = m::mimics::steady_state(p, c.sc, k, li);
    const double v[7] = {s.lit_m, s.lit_s, s.mic_r, s.mic_k, s.som_p, s.som_c, s.som_a};
    std::copy(v, v + 7, x);
    mean_tendency_zero(c, y, x);
  }
  static constexpr int kGuessIterations = 40;  ///< Newton iterations of the start at most
  /// Work of guess() in years (measured as kJacobianCycles: 0.027; the fall-back to stode is rare).
  static constexpr double kGuessCycles = 0.03;
  /// The zero of the year's mean tendency by Newton from x (at most kGuessIterations, a step that would
  /// leave a pool non-positive halved); true when the last update was below 1e-12 (relative), x then
  /// the zero; x unchanged otherwise.
  bool mean_tendency_zero(const Cell& c, const Year& y, double* x) const {
    constexpr int n = kState;
    m::mimics::Kinetics k[12];
    m::mimics::LitterInput li[12];
    double w[12];
    for (int mo = 0; mo < 12; ++mo) {
      const Month& m = y[static_cast<size_t>(mo)];
      k[mo] = m::mimics::kinetics(p, c.sc, m.tas);
      const double per_day = (m.input + m.fym) / m.days / kTonnesPerHaPerGramPerM2;  // g m-2 d-1
      li[mo] = m::mimics::litter_input(p, c.sc, per_day * m::mimics::kDaysPerYear);
      w[mo] = m.days / static_cast<double>(m::mimics::kDaysPerYear);
    }
    double v[n];
    std::copy(x, x + n, v);
    for (int it = 0; it < kGuessIterations; ++it) {
      double t[n] = {}, a[n * n] = {};
      const m::mimics::State s{v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
      for (int mo = 0; mo < 12; ++mo) {
        const auto d = m::mimics::tendencies(p, c.sc, m::mimics::hourly_fluxes(p, c.sc, k[mo], s), li[mo]);
        const double dv[n] = {d.lit_m, d.lit_s, d.mic_r, d.mic_k, d.som_p, d.som_c, d.som_a};
        double jm[n][n];
        m::mimics::jacobian(p, c.sc, k[mo], s, jm);
        for (int i = 0; i < n; ++i) {
          t[i] += w[mo] * dv[i];
          for (int j = 0; j < n; ++j) a[i * n + j] += w[mo] * jm[i][j];
        }
      }
      double dx[n];
      for (int i = 0; i < n; ++i) dx[i] = -t[i];
      if (!spinup::solve_dense(n, a, dx)) return false;
      double step = 1.0, next[n];
      bool ok = false;
      for (int halving = 0; halving < 40 && !ok; ++halving, step *= 0.5) {
        ok = true;
        for (int i = 0; i < n; ++i) next[i] = v[i] + step * dx[i], ok = ok && next[i] > 0.0 && std::isfinite(next[i]);
      }
      if (!ok) return false;
      double change = 0.0;
      for (int i = 0; i < n; ++i) change = std::max(change, std::fabs(next[i] - v[i]) / v[i]);
      std::copy(next, next + n, v);
      if (change < 1e-12) {
        std::copy(v, v + n, x);
        return true;
      }
    }
    return false;
  }
};


}  // namespace grid_side

namespace site_side {
using namespace site_binding;

struct MimicsSite {
  static constexpr TimeStep kStep = TimeStep::day;
  static constexpr bool kLinear = false, kLeaching = false;
  m::mimics::Parameters p;
  m::mimics::SiteConstants sc{};
  std::vector<m::mimics::DailyForcing> forcing;
  m::mimics::State x{0, 0, 0, 0, 0, 0, 0};
  double mean_temperature = 0, mean_annual_input = 0;  ///< of the spin-up years (degC, g m-2 yr-1)

  MimicsSite(const AdapterInput& in, const m::mimics::Parameters& par) : p(par) {
    const auto& s = in.s;
    if (std::find(in.set_names.begin(), in.set_names.end(), "depth") == in.set_names.end() &&
        in.f.has_number("depth")) {
      p.depth = in.f.numbers.at("depth");
      // the site's depth becomes a parameter: it must keep the parameter's bounds
      for (const auto& info : m::mimics::kParameterInfo)
        if (std::string(info.name) == "depth" && !(p.depth >= info.lower && p.depth <= info.upper))
          throw InputError(in.f.path + ": metadata depth = " + short_number(p.depth) + " cm is outside " + short_number(info.lower) +
                           "-" + short_number(info.upper) + " cm (expected within the range of MIMICS's depth parameter)");
      in.notes.push_back("mimics depth parameter = site depth " + short_number(p.depth) + " cm");
    }
    const auto temp = soil_temperature(in);
    check_series_range(in, m::mimics::kValidRange, "tas", temp, (in.s.has("tsoil") ? "tsoil" : "tas"));
    const auto c = carbon_inputs(in);
    for (std::size_t i = 0; i < in.spinup_steps; ++i) {
      mean_temperature += temp[i] / static_cast<double>(in.spinup_steps);
      mean_annual_input += c[i] / kTonnesPerHaPerGramPerM2;
    }
    mean_annual_input *= static_cast<double>(m::mimics::kDaysPerYear) / static_cast<double>(in.spinup_steps);
    m::mimics::SiteProperties site;
    site.clay_pct = in.f.property("clay", NAN, "mimics");
    site.lignin_pct = in.f.property("lignin_fraction", NAN, "mimics") * 100.0;
    site.nitrogen_pct = in.f.property("n_fraction", NAN, "mimics") * 100.0;
    site.litter_input = mean_annual_input;
    in.notes.push_back("litter quality and the turnover modifier from the mean input of the spin-up years (" +
                       short_number(mean_annual_input) + " g m-2 yr-1)");
    try {
      sc = m::mimics::derive_site_constants(p, site);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
    for (std::size_t i = 0; i < s.steps(); ++i)
      forcing.push_back(
          {temp[i], m::mimics::litter_input(p, sc, c[i] / kTonnesPerHaPerGramPerM2 * m::mimics::kDaysPerYear)});
  }
  static std::vector<std::string> pool_names() { return {"LITm", "LITs", "MICr", "MICk", "SOMp", "SOMc", "SOMa"}; }
  double t_ha(double mg_cm3) const { return m::mimics::to_areal(p, mg_cm3) * kTonnesPerHaPerGramPerM2; }
  std::vector<double> pools() const {
    return {t_ha(x.lit_m), t_ha(x.lit_s), t_ha(x.mic_r), t_ha(x.mic_k), t_ha(x.som_p), t_ha(x.som_c), t_ha(x.som_a)};
  }
  double active_total() const { return t_ha(m::mimics::total_carbon(x)); }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return {x.lit_m, x.lit_s, x.mic_r, x.mic_k, x.som_p, x.som_c, x.som_a}; }
  void set_state(const std::vector<double>& v) { x = {v[0], v[1], v[2], v[3], v[4], v[5], v[6]}; }
  /// The steady state of the mean spin-up forcing (the official script's stode).
  void steady() {
    const auto k = m::mimics::kinetics(p, sc, mean_temperature);
    const auto li = m::mimics::litter_input(p, sc, mean_annual_input);
    try {
      x = m::mimics::steady_state(p, sc, k, li);
    } catch (const std::exception& e) {
      throw InputError(std::string("mimics: no steady state for the mean spin-up forcing: ") + e.what());
    }
  }
  void cold_start(std::size_t) { steady(); }
  /// The start of the equilibrium cycling: the steady state of the mean forcing, ~2 % off the periodic
  /// one (the kinetics are nonlinear in temperature).
  std::string start_equilibrium(std::size_t) {
    steady();
    return "the steady state of their mean temperature and input";
  }
  m::mimics::Fluxes last_hour{};  ///< the fluxes of the last hour of the last step (the script's CO2 column)
  Flux step(std::size_t i, bool) {
    const auto fl = m::mimics::step_day(p, sc, forcing[i], x, &last_hour);
    return {t_ha(fl.input), t_ha(fl.respiration), t_ha(fl.leaching)};
  }
  /// rh_rate: the heterotrophic respiration rate of the last hour of the step (t C ha-1 h-1), what the
  /// official script writes as CO2 at the end of each day (the rh column is the step's amount).
  static std::vector<std::pair<std::string, std::string>> extra_columns() { return {{"rh_rate", "t ha-1 h-1"}}; }
  std::vector<double> extra() const { return {t_ha(last_hour.co2)}; }
};


}  // namespace site_side

}  // namespace

ModelBinding mimics_binding() {
  ModelBinding b;
  b.info = models::mimics::model_info();
  b.linear = site_side::MimicsSite::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    grid_side::MimicsTraits t;
    // the simulated layer's depth unless the configuration sets the parameter
    const bool depth_set = std::any_of(cfg.model_parameters.begin(), cfg.model_parameters.end(),
                                       [](const auto& kv) { return kv.first == "depth"; });
    if (!depth_set) t.p.depth = cfg.soil_depth_cm;
    return grid_binding::make_cell_grid(cfg, t, models::mimics::kParameterInfo, models::mimics::validate);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    return site_binding::run_model<site_side::MimicsSite>(opt, f, pf, models::mimics::Parameters{}, models::mimics::kParameterInfo,
                                                          models::mimics::validate, std::move(r));
  };
  return b;
}

}  // namespace alamod::engine
