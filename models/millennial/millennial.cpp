#include "models/millennial/millennial.hpp"

#include <stdexcept>
#include <string>

namespace alamod::models::millennial {

namespace {

/// Forcing of a half-day stage: linear interpolation between two days, as R's
/// approxfun computes it at t + 0.5.
DailyForcing midpoint(const DailyForcing& a, const DailyForcing& b) {
  return {a.soil_temperature + (b.soil_temperature - a.soil_temperature) * 0.5,
          a.soil_moisture + (b.soil_moisture - a.soil_moisture) * 0.5, a.npp + (b.npp - a.npp) * 0.5};
}

State offset(const State& x, const State& d, double h) {
  return {x.pom + h * d.pom, x.lmwc + h * d.lmwc, x.agg + h * d.agg, x.mic + h * d.mic, x.maom + h * d.maom};
}

}  // namespace

void validate(const Parameters& p) { check_bounds("millennial", kParameterInfo, p); }

SoilConstants derive_soil_constants(const Parameters& p, const SiteProperties& site) {
  require_within("millennial", "site clay_pct", site.clay_pct, "percent", 0.0, 100.0, true);
  require_within("millennial", "site ph", site.ph, "1", 0.0, 14.0);
  require_within("millennial", "site bulk_density", site.bulk_density, "kg m-3", 0.0, 2650.0, true);
  SoilConstants s{};
  s.kaff_lm = p.kaff_des * det_exp(-p.param_p1 * site.ph - p.param_p2);
  s.qmax = site.bulk_density * p.param_pc * site.clay_pct;
  return s;
}

CarbonFluxes step_day_rk4(const Parameters& p, const SoilConstants& s, const DailyForcing& f_start,
                          const DailyForcing& f_end, State& x) {
  const DailyForcing f_mid = midpoint(f_start, f_end);
  const Fluxes fl1 = daily_fluxes(p, s, f_start, x);
  const State k1 = tendencies(p, fl1, f_start.npp);
  const State x2 = offset(x, k1, 0.5 * kDay);
  const Fluxes fl2 = daily_fluxes(p, s, f_mid, x2);
  const State k2 = tendencies(p, fl2, f_mid.npp);
  const State x3 = offset(x, k2, 0.5 * kDay);
  const Fluxes fl3 = daily_fluxes(p, s, f_mid, x3);
  const State k3 = tendencies(p, fl3, f_mid.npp);
  const State x4 = offset(x, k3, kDay);
  const Fluxes fl4 = daily_fluxes(p, s, f_end, x4);
  const State k4 = tendencies(p, fl4, f_end.npp);
  auto rk = [](double a, double b, double c, double d) { return kDay * (a + 2.0 * b + 2.0 * c + d) / 6.0; };
  x.pom += rk(k1.pom, k2.pom, k3.pom, k4.pom);
  x.lmwc += rk(k1.lmwc, k2.lmwc, k3.lmwc, k4.lmwc);
  x.agg += rk(k1.agg, k2.agg, k3.agg, k4.agg);
  x.mic += rk(k1.mic, k2.mic, k3.mic, k4.mic);
  x.maom += rk(k1.maom, k2.maom, k3.maom, k4.maom);
  return {rk(f_start.npp, f_mid.npp, f_mid.npp, f_end.npp), rk(fl1.f_mb_atm, fl2.f_mb_atm, fl3.f_mb_atm, fl4.f_mb_atm),
          rk(fl1.f_lm_leach, fl2.f_lm_leach, fl3.f_lm_leach, fl4.f_lm_leach)};
}

CarbonFluxes step_days(const Parameters& p, const SoilConstants& s, const DailyForcing* days, std::size_t n_days,
                       State& x) {
  CarbonFluxes sum{0.0, 0.0, 0.0};
  for (std::size_t d = 0; d < n_days; ++d) {
    const CarbonFluxes c = step_day(p, s, days[d], x);
    sum.input += c.input;
    sum.respiration += c.respiration;
    sum.leaching += c.leaching;
  }
  return sum;
}

ModelInfo model_info() {
  ModelInfo m = declared_model_info("millennial", kPoolNames, kParameterInfo, Parameters{}, kValidRange);
  m.title = "Millennial v2: POM, LMWC, aggregate, microbial and mineral-associated C, Michaelis-Menten kinetics";
  m.time_step = "day";
  m.inputs = {"soil_temperature: daily mean soil temperature (degC)",
              "soil_moisture: daily volumetric soil water content (m3 m-3, at most the porosity)",
              "npp: daily plant carbon input (g m-2 d-1)",
              "clay: clay (+ silt) content of the fine earth (percent), site",
              "ph: soil pH in water (1), site",
              "bulk_density: soil bulk density (kg m-3), site"};
  m.reference =
      "Abramoff RZ, Guenet B, Zhang H, Georgiou K, Xu X, Viscarra Rossel RA, Yuan W, Ciais P (2022) Improved "
      "global-scale predictions of soil carbon stocks with Millennial Version 2. Soil Biology and Biochemistry 164, "
      "108466";
  return m;
}

}  // namespace alamod::models::millennial
