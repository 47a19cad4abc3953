#pragma once
// The spin-up cases that tests/unit/test_spinup.cpp checks and tests/benchmarks/bench_spinup.cpp times:
// one cell of each model with its forcing cycle, and that cycle as the solvers of engine/spinup call it.
// `data` is the folder of the test data (tests/data).
#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/official/rothc_official.hpp"
#include "engine/spinup/spinup.hpp"
#include "models/century/century.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"
#include "models/rothc/rothc.hpp"
#include "models/yasso/yasso.hpp"

namespace alamod::test {

/// The inverse RothC spin-up of one cell (GSOCseq protocol), the reference the tests and benchmarks
/// hold the grid's vectorised inverse spin-up (engine/model_bindings/rothc.cpp) to.
/// The annual plant carbon input (t C ha-1 yr-1) whose periodic equilibrium reproduces the observed SOC
/// stock `observed_soc` (t C ha-1), with IOM = falloon_iom(observed_soc). The monthly split of the input
/// is that of months[].c_input (any scale); manure (months[].fym) is held as given. The equilibrium is
/// affine in the plant-input scale c, x(c) = c x_plant + x_manure (x_manure = 0 without manure), so c
/// follows exactly from sum(x(c)) = observed - IOM. `equilibrium`, if given, receives DPM RPM BIO HUM
/// (t C ha-1) at that input. Throws std::invalid_argument (with the values) when the observed stock
/// cannot be reached: not above IOM plus the manure equilibrium, or no plant input in the cycle.
inline double rothc_inverse_input(const models::rothc::Parameters& p, const models::rothc::SoilConstants& s,
                                  const models::rothc::CellForcing* months, int n_months, double observed_soc,
                                  engine::spinup::Pools* equilibrium = nullptr) {
  namespace spinup = engine::spinup;
  namespace rothc = models::rothc;
  if (!(observed_soc > 0.0) || !std::isfinite(observed_soc))
    throw std::invalid_argument("rothc_inverse_input: observed SOC " + std::to_string(observed_soc) +
                                " t C ha-1 (expected a finite value > 0)");
  const double smd0 = rothc::periodic_deficit(p, s, months, n_months);
  // The cycle with one input kind only: plant (manure zeroed) or manure (plant zeroed).
  std::vector<rothc::CellForcing> plant(months, months + n_months), manure = plant;
  double annual = 0.0, annual_fym = 0.0;
  for (int m = 0; m < n_months; ++m) {
    annual += months[m].c_input;
    annual_fym += months[m].fym;
    plant[m].fym = 0.0;
    manure[m].c_input = 0.0;
  }
  if (!(annual > 0.0))
    throw std::invalid_argument("rothc_inverse_input: the cycle has no plant carbon input (sum " +
                                std::to_string(annual) + " t C ha-1) to scale");
  auto equilibrium_of = [&](const std::vector<rothc::CellForcing>& f) {
    return spinup::linear_periodic_steady_state(rothc::kNumPools - 1, [&](const double* in, double* out, bool with_inputs) {
      rothc::cycle_pools(p, s, f.data(), n_months, smd0, in, out, with_inputs);
    });
  };
  const spinup::LinearSteadyState xp = equilibrium_of(plant);
  spinup::LinearSteadyState xm;
  if (annual_fym != 0.0) xm = equilibrium_of(manure);
  const double active_plant = xp.state[0] + xp.state[1] + xp.state[2] + xp.state[3];
  const double active_manure = xm.state[0] + xm.state[1] + xm.state[2] + xm.state[3];
  const double target = observed_soc - rothc::falloon_iom(observed_soc) - active_manure;  // t C ha-1
  if (!(target > 0.0) || !(active_plant > 0.0))
    throw std::invalid_argument("rothc_inverse_input: observed SOC " + std::to_string(observed_soc) +
                                " t C ha-1 is not above IOM " + std::to_string(rothc::falloon_iom(observed_soc)) +
                                " plus the manure equilibrium " + std::to_string(active_manure) + " t C ha-1");
  const double scale = target / active_plant;  // (1)
  if (equilibrium) {
    *equilibrium = spinup::Pools{};
    for (int k = 0; k < 4; ++k) (*equilibrium)[k] = scale * xp.state[k] + xm.state[k];
  }
  return scale * annual;
}


/// One RothC cell with its 12-month cycle and the periodic deficit at the start of the cycle.
struct RothcCell {
  models::rothc::Parameters p;
  models::rothc::SoilConstants s;
  std::array<models::rothc::CellForcing, 12> months;
  double smd0;  ///< mm
};

/// The first 12 rows of the official RothC example: the spin-up year of the official procedure.
/// `iom`, if given, receives the example's inert organic matter (t C ha-1).
inline RothcCell official_rothc_cell(const std::string& data, double* iom = nullptr) {
  namespace rothc = models::rothc;
  const auto in = engine::read_official_input(data + "/rothc/refs/official_example/input_RothC_input.dat");
  RothcCell c;
  c.s = rothc::derive_soil_constants(c.p, in.soil, in.moisture, in.bare);
  for (int m = 0; m < 12; ++m) {
    const auto& r = in.months[m];
    c.months[m] = {r.tas_c, r.rain_mm, r.evap_mm, r.c_input, r.fym, static_cast<double>(r.covered),
                   r.dpm_rpm_ratio / (r.dpm_rpm_ratio + 1.0)};
  }
  c.smd0 = rothc::periodic_deficit(c.p, c.s, c.months.data(), 12);
  if (iom) *iom = in.iom;
  return c;
}

/// One Yasso year (5 pools, t C ha-1) under a constant climate, site and litter input; with_inputs = false
/// drops the litter.
inline auto yasso_cycle(const models::yasso::Parameters& p, const models::yasso::Climate& climate,
                        const models::yasso::Site& site, const models::yasso::Pools& litter) {
  return [=](const double* in, double* out, bool with_inputs) {
    models::yasso::Pools x;
    std::copy(in, in + 5, x.begin());
    models::yasso::step(p, climate, site, with_inputs ? litter : models::yasso::Pools{}, 1.0, x);
    std::copy(x.begin(), x.end(), out);
  };
}

/// A seasonal CENTURY year: surface input in September to November, xi following the sun.
inline std::array<models::century::CellForcing, 12> century_year() {
  std::array<models::century::CellForcing, 12> year;
  for (int m = 0; m < 12; ++m)
    year[m] = {m >= 8 && m <= 10 ? 8.0 : 0.5, 3.0, 0.15 + 0.6 * std::max(0.0, std::sin(M_PI * m / 11.0))};
  return year;
}

/// The official Millennial global-average year (data/millennial/globalaverage.txt).
inline std::vector<models::millennial::DailyForcing> millennial_forcing(const std::string& data) {
  std::ifstream in(data + "/millennial/globalaverage.txt");
  std::vector<models::millennial::DailyForcing> days(365);
  for (auto& d : days)
    if (!(in >> d.soil_temperature >> d.soil_moisture >> d.npp)) throw std::runtime_error("short globalaverage.txt");
  return days;
}

/// One Millennial year (5 pools, g m-2).
inline engine::spinup::CycleMap millennial_cycle(const models::millennial::Parameters& p,
                                                 const models::millennial::SoilConstants& s,
                                                 const std::vector<models::millennial::DailyForcing>& days) {
  return [=](const double* in, double* out) {
    models::millennial::State x{in[0], in[1], in[2], in[3], in[4]};
    models::millennial::step_year(p, s, days.data(), x);
    out[0] = x.pom, out[1] = x.lmwc, out[2] = x.agg, out[3] = x.mic, out[4] = x.maom;
  };
}

/// A seasonal MIMICS year: temperature 3-21 degC, 60 % of the annual litter (g m-2 yr-1) in days 271-329.
inline std::vector<models::mimics::DailyForcing> mimics_forcing(const models::mimics::Parameters& p,
                                                                const models::mimics::SiteConstants& c, double annual) {
  std::vector<models::mimics::DailyForcing> days(365);
  for (int d = 0; d < 365; ++d) {
    const double t = 12.0 - 9.0 * std::cos(2.0 * M_PI * d / 365.0);
    const double input = (d > 270 && d < 330) ? annual * 365.0 / 59.0 * 0.6 : annual * 0.4 * 365.0 / 306.0;
    days[d] = {t, models::mimics::litter_input(p, c, input)};
  }
  return days;
}

/// One MIMICS year (7 pools, mg cm-3).
inline engine::spinup::CycleMap mimics_cycle(const models::mimics::Parameters& p, const models::mimics::SiteConstants& c,
                                             const std::vector<models::mimics::DailyForcing>& days) {
  return [=](const double* in, double* out) {
    models::mimics::State x{in[0], in[1], in[2], in[3], in[4], in[5], in[6]};
    models::mimics::step_year(p, c, days.data(), x);
    out[0] = x.lit_m, out[1] = x.lit_s, out[2] = x.mic_r, out[3] = x.mic_k;
    out[4] = x.som_p, out[5] = x.som_c, out[6] = x.som_a;
  };
}

/// The MIMICS script's start: the steady state of the mean temperature (12 degC) and input, as 7 pools.
inline std::array<double, 7> mimics_guess(const models::mimics::Parameters& p, const models::mimics::SiteConstants& c,
                                          double annual) {
  namespace mm = models::mimics;
  const mm::State g = mm::steady_state(p, c, mm::kinetics(p, c, 12.0), mm::litter_input(p, c, annual));
  return {g.lit_m, g.lit_s, g.mic_r, g.mic_k, g.som_p, g.som_c, g.som_a};
}

}  // namespace alamod::test
