// The CENTURY binding (engine/model_bindings/model_binding.hpp): how the grid run and the site runs
// drive the kernel of models/century/ (its README says how the inputs are derived, "Grid runs" and
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
#include "models/century/century.hpp"

namespace alamod::engine {

namespace {

namespace grid_side {
using namespace grid_binding;

/// CENTURY: monthly steps; half the plant input to the surface pools (with the manure), half to the soil.
struct CenturyTraits {
  static constexpr int kState = 7;
  static constexpr bool kLeaching = false;
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
    m::century::Modes modes;  ///< the cell's matrix in its modes (models/century/century.hpp)
  };
  static std::vector<std::string> pool_names() {
    return {"surface_structural", "surface_metabolic", "soil_structural", "soil_metabolic", "active", "slow", "passive"};
  }
  Cell cell(const CellInput& in) const {
    m::century::Site site;
    site.clay = in.clay_pct / 100.0;
    site.silt = std::min(0.45, 1.0 - site.clay);
    site.lignin_to_nitrogen = in.land_use->lignin_fraction / in.land_use->n_fraction;
    Cell c{m::century::derive_site_constants(p, site), {}};
    c.modes = m::century::decompose(c.sc);
    return c;
  }
  /// One year: in the cell's modes (the block kernel for one cell: 12 x 7 scalar exponentials; the
  /// respired carbon from the carbon balance of the year), or by `step`'s matrix exponential where
  /// the decomposition is ill conditioned.
  Flux year(const Cell& c, const Year& y, double* x) const {
    const double rate = 1.0 / m::century::kMonth;
    Flux f;
    if (c.modes.exact) {
      years(&c, &y, x, &f, 1);
      return f;
    }
    m::century::Pools s;
    std::copy(x, x + kState, s.begin());
    for (const auto& mo : y) {
      const double moisture = mo.pet > 0.0 ? m::century::moisture_factor(p, mo.pr, mo.pet) : 1.0;
      const double xi = m::century::temperature_factor(p, mo.tas) * moisture;
      const m::century::CellForcing cf{(kSurfaceShare * mo.input + mo.fym) * rate, (1.0 - kSurfaceShare) * mo.input * rate,
                                       xi};
      const auto fl = m::century::step(c.sc, cf, m::century::kMonth, s);
      f.input += fl.input;
      f.rh += fl.respired;
    }
    std::copy(s.begin(), s.end(), x);
    return f;
  }
  /// A scenario's year (models/century/README.md "Scenario inputs"): month by month, each added kind enters at
  /// the start of its month, split between surface and soil (the amendments on the surface, the plant kinds half
  /// and half like the plant input) and between structural and metabolic by its own lignin:N (Fm = 0.85 - 0.018
  /// L/N, Parton et al. 1987); xi times the decomposition factor (xi scales every rate). In the cell's modes
  /// where it has them (the additions taken to modes, which is linear), by `step` otherwise.
  Flux year_changed(const Cell& c, const Year& y, double* x, const Added& a) const {
    constexpr int kPools = m::century::kNumPools;
    const double rate = 1.0 / m::century::kMonth;
    double surface_fm[kAddedInputKinds], surface_share[kAddedInputKinds];
    for (int k = 0; k < kAddedInputKinds; ++k) {
      surface_fm[k] = scenario_inputs::metabolic_share(p.metabolic_intercept, p.metabolic_slope,
                                                       scenario_inputs::litter_quality(k, *a.land_use));
      surface_share[k] = scenario_inputs::century_surface_share(k, kSurfaceShare);
    }
    double before = 0.0, input = 0.0;
    for (int q = 0; q < kPools; ++q) before += x[q];
    double modes[kPools], pools[kPools];
    if (c.modes.exact) m::century::to_modes(c.modes, x, modes);
    else std::copy(x, x + kPools, pools);
    for (int mo = 0; mo < 12; ++mo) {
      double add[kPools] = {0, 0, 0, 0, 0, 0, 0};
      bool adding = false;
      for (int k = 0; k < kAddedInputKinds; ++k) {
        const double amount = a.month[static_cast<size_t>(k)][static_cast<size_t>(mo)];
        if (amount == 0.0) continue;
        adding = true;
        const double fm = k == static_cast<int>(AddedInput::plant) ? c.sc.metabolic_fraction : surface_fm[k];
        add[m::century::kSurfaceStructural] += amount * surface_share[k] * (1.0 - fm);
        add[m::century::kSurfaceMetabolic] += amount * surface_share[k] * fm;
        add[m::century::kSoilStructural] += amount * (1.0 - surface_share[k]) * (1.0 - fm);
        add[m::century::kSoilMetabolic] += amount * (1.0 - surface_share[k]) * fm;
        input += amount;
      }
      const Month& mon = y[static_cast<size_t>(mo)];
      const double moisture = mon.pet > 0.0 ? m::century::moisture_factor(p, mon.pr, mon.pet) : 1.0;
      const double xi = m::century::temperature_factor(p, mon.tas) * moisture * a.decomposition;
      const double surface = (kSurfaceShare * mon.input + mon.fym) * rate, soil = (1.0 - kSurfaceShare) * mon.input * rate;
      input += (surface + soil) * m::century::kMonth;
      if (c.modes.exact) {
        if (adding) {
          double dm[kPools];
          m::century::to_modes(c.modes, add, dm);
          for (int q = 0; q < kPools; ++q) modes[q] += dm[q];
        }
        m::century::step_modes(c.modes, surface, soil, xi, m::century::kMonth, modes);
      } else {
        m::century::Pools s;
        for (int q = 0; q < kPools; ++q) s[static_cast<size_t>(q)] = pools[q] + add[q];
        m::century::step(c.sc, {surface, soil, xi}, m::century::kMonth, s);
        std::copy(s.begin(), s.end(), pools);
      }
    }
    if (c.modes.exact) m::century::from_modes(c.modes, modes, x);
    else std::copy(pools, pools + kPools, x);
    double after = 0.0;
    for (int q = 0; q < kPools; ++q) after += x[q];
    return {input, before + input - after, 0.0};
  }
  /// The periodic equilibrium of the year in the cell's modes (models/century/ periodic_modes).
  bool periodic_steady_state(const Cell& c, const Year& y, double* x) const {
    if (!c.modes.exact) return false;
    const double rate = 1.0 / m::century::kMonth;
    double tas[12], pr[12], pet[12], surface[12], soil[12], modes[m::century::kNumPools];
    for (int mo = 0; mo < 12; ++mo) {
      tas[mo] = y[mo].tas, pr[mo] = y[mo].pr, pet[mo] = y[mo].pet;
      surface[mo] = (kSurfaceShare * y[mo].input + y[mo].fym) * rate;
      soil[mo] = (1.0 - kSurfaceShare) * y[mo].input * rate;
    }
    if (!m::century::periodic_modes(p, c.modes, 12, m::century::kMonth, tas, pr, pet, surface, soil, modes)) return false;
    m::century::from_modes(c.modes, modes, x);
    return true;
  }
  /// The yearly loop for n cells at once: the cells in modes through the block kernel
  /// (models/century/ step_months_block, the bits of year() cell by cell), the others by year().
  void years(const Cell* cells, const Year* y, double* x, Flux* out, std::size_t n) const {
    constexpr int kPools = m::century::kNumPools;
    const double rate = 1.0 / m::century::kMonth;
    std::vector<std::size_t> in_modes;
    for (std::size_t i = 0; i < n; ++i) {
      if (cells[i].modes.exact) in_modes.push_back(i);
      else out[i] = year(cells[i], y[i], x + i * kState);
    }
    const std::size_t k = in_modes.size();
    if (k == 0) return;
    std::vector<const m::century::Modes*> modes(k);
    std::vector<double> tas(12 * k), pr(12 * k), pet(12 * k), surface(12 * k), soil(12 * k), state(k * kPools),
        input(k, 0.0), before(k, 0.0);
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t i = in_modes[j];
      modes[j] = &cells[i].modes;
      for (int mo = 0; mo < 12; ++mo) {
        const Month& m = y[i][mo];
        const std::size_t at = static_cast<std::size_t>(mo) * k + j;
        tas[at] = m.tas, pr[at] = m.pr, pet[at] = m.pet;
        surface[at] = (kSurfaceShare * m.input + m.fym) * rate;
        soil[at] = (1.0 - kSurfaceShare) * m.input * rate;
      }
      const double* xi = x + i * kState;
      for (int q = 0; q < kPools; ++q) before[j] += xi[q];
      m::century::to_modes(cells[i].modes, xi, state.data() + j * kPools);
    }
    m::century::MonthsBlock b;
    b.n = k, b.modes = modes.data(), b.months = 12, b.dt = m::century::kMonth;
    b.tas = tas.data(), b.pr = pr.data(), b.pet = pet.data(), b.surface = surface.data(), b.soil = soil.data();
    b.state = state.data(), b.input = input.data();
    m::century::step_months_block(p, b);
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t i = in_modes[j];
      double* xi = x + i * kState;
      m::century::from_modes(cells[i].modes, state.data() + j * kPools, xi);
      double after = 0.0;
      for (int q = 0; q < kPools; ++q) after += xi[q];
      out[i] = {input[j], before[j] + input[j] - after, 0.0};
    }
  }
};


}  // namespace grid_side

namespace site_side {
using namespace site_binding;

struct CenturySite {
  static constexpr TimeStep kStep = TimeStep::month;
  static constexpr bool kLinear = true, kLeaching = false;
  static constexpr double kSurfaceShare = 0.5;  ///< default share of c_input entering the surface pools (1)
  static constexpr double kStructuralLignin = 0.1;  ///< default lignin share of the structural litter Ls (1)
  m::century::Parameters p;
  m::century::SiteConstants sc{};
  std::vector<m::century::CellForcing> forcing;
  m::century::Pools x{};

  CenturySite(const AdapterInput& in, const m::century::Parameters& par) : p(par) {
    const auto& s = in.s;
    const auto temp = soil_temperature(in);
    check_series_range(in, m::century::kValidRange, "tas", temp, (in.s.has("tsoil") ? "tsoil" : "tas"));
    const auto pr = series_or(in, "pr", NAN, "");
    // potential evapotranspiration: the pet column, else 0.75 x open-pan evaporation (the RothC relation)
    std::vector<double> pet;
    if (!s.has("pet") && s.has("evap")) {
      pet = series_or(in, "evap", NAN, "");
      for (auto& v : pet) v *= 0.75;
      in.notes.push_back("pet = 0.75 evap (open-pan evaporation to evapotranspiration, as RothC)");
    } else {
      pet = series_or(in, "pet", NAN, "");
    }
    const auto cin = series_or(in, "c_input", NAN, "");
    const auto fym = series_or(in, "fym", 0.0, "");
    // share of c_input to the surface litter (Parton et al. 1987: aboveground residues to the surface pools,
    // roots to the soil pools): the column surface_input_share (each step), its metadata, or one half
    const bool split_given = s.has("surface_input_share") || in.f.has_number("surface_input_share");
    const auto surface_share = series_or(in, "surface_input_share",
                                         in.f.has_number("surface_input_share") ? in.f.numbers.at("surface_input_share")
                                                                                : kSurfaceShare,
                                         "");
    in.notes.push_back(split_given ? "surface_input_share of c_input to the surface litter pools, the rest to the soil "
                                     "litter pools; fym to the surface"
                                   : "half of c_input to the surface litter pools, half to the soil litter pools (no "
                                     "surface_input_share); fym to the surface");
    m::century::Site site;
    site.clay = in.f.property("clay", NAN, "century") / 100.0;
    site.silt = property_noted(in, "silt", 45.0, "percent") / 100.0;
    const bool quality = (s.has("lignin_fraction") || in.f.has_number("lignin_fraction")) &&
                         (s.has("n_fraction") || in.f.has_number("n_fraction"));
    if (quality) {
      site.lignin_to_nitrogen =
          in.f.property("lignin_fraction", NAN, "century") / in.f.property("n_fraction", NAN, "century");
    } else {
      in.notes.push_back("lignin:N of the inputs 0.5 (SoilR default)");
    }
    // Ls, the lignin share of the structural litter (Parton et al. 1987): decay e^{-3 Ls}, Ls of it to slow
    site.structural_lignin = in.f.property("structural_lignin_fraction", kStructuralLignin, "century");
    if (!(s.has("structural_lignin_fraction") || in.f.has_number("structural_lignin_fraction")))
      in.notes.push_back("lignin share of the structural litter 0.1 (SoilR default; no structural_lignin_fraction)");
    try {
      sc = m::century::derive_site_constants(p, site);
    } catch (const std::exception& e) {
      rethrow_site(in, e);
    }
    for (std::size_t i = 0; i < s.steps(); ++i) {
      const double moisture = pet[i] > 0.0 ? m::century::moisture_factor(p, pr[i], pet[i]) : 1.0;
      const double xi = m::century::temperature_factor(p, temp[i]) * moisture;
      const double rate = 1.0 / m::century::kMonth;  // per month -> per year
      forcing.push_back({(surface_share[i] * cin[i] + fym[i]) * rate, (1.0 - surface_share[i]) * cin[i] * rate, xi});
    }
  }
  static std::vector<std::string> pool_names() {
    return {"surface_structural", "surface_metabolic", "soil_structural", "soil_metabolic", "active", "slow", "passive"};
  }
  std::vector<double> pools() const { return std::vector<double>(x.begin(), x.end()); }
  double active_total() const {
    double t = 0;
    for (double v : x) t += v;
    return t;
  }
  double total() const { return active_total(); }
  double constant_total() const { return 0.0; }
  std::vector<double> state() const { return pools(); }
  void set_state(const std::vector<double>& v) { std::copy(v.begin(), v.end(), x.begin()); }
  void begin_cycle(std::size_t) {}
  void reset_aux() {}
  void cold_start(std::size_t) { x = {}; }
  Flux step(std::size_t i, bool inputs) {
    m::century::CellForcing f = forcing[i];
    if (!inputs) f.surface_input = f.soil_input = 0.0;
    const auto fl = m::century::step(sc, f, m::century::kMonth, x);
    return {fl.input, fl.respired, 0.0};
  }
};


}  // namespace site_side

}  // namespace

ModelBinding century_binding() {
  ModelBinding b;
  b.info = models::century::model_info();
  b.linear = site_side::CenturySite::kLinear;
  b.make_grid_model = [](const RunConfig& cfg) -> std::unique_ptr<GridModel> {
    return grid_binding::make_cell_grid(cfg, grid_side::CenturyTraits{}, models::century::kParameterInfo, models::century::validate);
  };
  b.run_site = [](const SiteRunOptions& opt, const SiteForcing& f, const ParameterFile& pf, SiteRunResult r) {
    return site_binding::run_model<site_side::CenturySite>(opt, f, pf, models::century::Parameters{}, models::century::kParameterInfo,
                                                     models::century::validate, std::move(r));
  };
  return b;
}

}  // namespace alamod::engine
