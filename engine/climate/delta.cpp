// alamod climate delta: reference years of a baseline monthly climate, repeated, plus a warming trajectory.
#include "engine/climate/delta.hpp"


#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "engine/climate/monthly_file.hpp"
#include "grids/climate_products.hpp"
#include "grids/input_error.hpp"
#include "models/common/pet.hpp"

namespace alamod::engine {

namespace {

struct Trajectory {
  const char* name;
  std::vector<std::pair<int, double>> anchors;  ///< (year, degC above the reference climate)
  const char* source;
};

// TRACC (France's reference warming trajectory, arrete of January 2026): +2.0, +2.7, +4.0 degC in 2030,
// 2050, 2100 against 1850-1900, +1.7 already in 2023: taken relative to 2023. SSP2-4.5 and SSP5-8.5: the
// observationally constrained CMIP6 warming of France (Ribes et al. 2022, Earth Syst. Dynam. 13, 1397),
// 1.66 degC forced warming in 2020 and 3.8 or 6.7 degC in 2100 against 1900-1930, so +2.14 and +5.04 in
// 2100 relative to 2020, linear in between (a straight line is derived here; the published trajectories
// curve upwards under SSP5-8.5).
const std::vector<Trajectory>& trajectories() {
  static const std::vector<Trajectory> t = {
      {"none", {}, "no change: the reference years repeated (the INRA 4 per 1000 and GSOCseq convention)"},
      {"tracc", {{2023, 0.0}, {2030, 0.3}, {2050, 1.0}, {2100, 2.3}}, "TRACC (France, 2026), relative to 2023"},
      {"ssp245", {{2020, 0.0}, {2100, 2.14}}, "SSP2-4.5, Ribes et al. (2022), relative to 2020, linear"},
      {"ssp585", {{2020, 0.0}, {2100, 5.04}}, "SSP5-8.5, Ribes et al. (2022), relative to 2020, linear"},
  };
  return t;
}

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

}  // namespace

double delta_warming(const ClimateDeltaOptions& o, int year) {
  std::vector<std::pair<int, double>> a = o.warming;
  if (o.preset != "custom") {
    bool found = false;
    for (const auto& t : trajectories())
      if (o.preset == t.name) a = t.anchors, found = true;
    if (!found) {
      std::string known;
      for (const auto& t : trajectories()) known += std::string(known.empty() ? "" : ", ") + t.name;
      throw InputError("--preset '" + o.preset + "' is not known (" + known + ", or --warming YEAR=DEGC,...)");
    }
  }
  if (a.empty()) return 0.0;
  if (year <= a.front().first) return a.front().second;
  if (year >= a.back().first) return a.back().second;
  for (size_t k = 1; k < a.size(); ++k)
    if (year <= a[k].first) {
      const double w = static_cast<double>(year - a[k - 1].first) / (a[k].first - a[k - 1].first);
      return a[k - 1].second + w * (a[k].second - a[k - 1].second);
    }
  return a.back().second;
}

double delta_temperature_factor(int month) {
  if (month == 12 || month <= 2) return 0.85;
  if (month >= 6 && month <= 8) return 1.30;
  return 0.925;
}

double delta_precipitation_per_degree(int month) {
  if (month == 12 || month <= 2) return 0.15 / 4.0;
  if (month >= 6 && month <= 8) return -0.20 / 4.0;
  return 0.0;
}

void write_climate_delta(const ClimateDeltaOptions& o) {
  using grids::ProductQuantity;
  using grids::ProductRecord;
  using grids::ProductSeries;
  delta_warming(o, o.first_year);  // an unknown preset is refused before anything is read
  if (o.preset == "custom") {
    for (size_t k = 1; k < o.warming.size(); ++k)
      if (o.warming[k].first <= o.warming[k - 1].first)
        throw InputError("--warming: the years must increase (" + std::to_string(o.warming[k].first) + " after " +
                         std::to_string(o.warming[k - 1].first) + ")");
  }
  if (o.first_year <= 0 || o.last_year < o.first_year)
    throw InputError("--years FROM-TO is needed, e.g. 2020-2100");
  ProductSeries tas({o.baseline}, o.tas_variable, ProductQuantity::temperature);
  ProductSeries pr({o.baseline}, o.pr_variable, ProductQuantity::water);
  ProductSeries pet({o.baseline}, o.pet_variable, ProductQuantity::water);
  if (tas.records_per_day() != 0)
    throw InputError(o.baseline + ": variable '" + o.tas_variable + "': monthly values expected (prepare daily "
                     "products with alamod climate prepare first)");
  int have_first = 0, have_last = 0;
  tas.span(have_first, have_last);
  int r0 = o.reference_first, r1 = o.reference_last;
  if (r0 == 0) r0 = have_first, r1 = std::min(have_last, have_first + 19);
  if (r0 < have_first || r1 > have_last || r1 < r0)
    throw InputError(o.baseline + ": the reference years " + std::to_string(r0) + "-" + std::to_string(r1) +
                     " are not all in the file (it holds " + std::to_string(have_first) + "-" +
                     std::to_string(have_last) + ")");
  const int n_ref = r1 - r0 + 1;
  std::string trajectory = "custom warming";
  for (const auto& t : trajectories())
    if (o.preset == t.name) trajectory = t.source;
  const std::string ref = std::to_string(r0) + "-" + std::to_string(r1);
  const std::string history = "alamod climate delta --baseline " + o.baseline + " --reference " + ref +
                              " --years " + std::to_string(o.first_year) + "-" + std::to_string(o.last_year) +
                              " --preset " + o.preset;
  const auto& lat = tas.grid().latitude;
  const grids::CfCalendar cal = tas.calendar();
  write_into_place(o.out, o.overwrite, [&](const std::string& tmp) {
    MonthlyFile file(
        tmp, tas.grid(), cal, o.first_year, o.last_year - o.first_year + 1,
        {{"tas", "degC"}, {"pr", "mm month-1"}, {"pet", "mm month-1"}},
        {"the reference years " + ref + " of " + o.baseline + " repeated, plus the warming of " + trajectory +
             " times a seasonal factor (DJF 0.85, JJA 1.30, spring and autumn 0.925)",
         "the reference years' precipitation times 1 + k dT, k = +0.15/4 per degC in DJF, -0.20/4 in JJA, 0 "
         "otherwise (Explore2 central values at +4 degC)",
         "the reference years' PET plus the change of Oudin's PET (Oudin et al. 2005) from the monthly mean "
         "temperature and the FAO-56 extraterrestrial radiation of mid-month"},
        history);
    ProductRecord t, p, e;
    std::vector<double> vt, vp, ve;
    for (int year = o.first_year; year <= o.last_year; ++year) {
      const int from = r0 + (year - o.first_year) % n_ref;
      const double dt = delta_warming(o, year);
      for (int m = 1; m <= 12; ++m) {
        for (auto [series, rec] : {std::pair{&tas, &t}, std::pair{&pr, &p}, std::pair{&pet, &e}})
          if (!series->read_month(from, m, *rec))
            throw InputError(o.baseline + ": variable '" + series->name() + "' has no value for " +
                             std::to_string(from) + "-" + (m < 10 ? "0" : "") + std::to_string(m));
        const double dtm = dt * delta_temperature_factor(m);
        const double kp = 1.0 + delta_precipitation_per_degree(m) * dt;
        const int days = grids::cf_days_in_month(cal, from, m);
        const double doy = static_cast<double>(grids::cf_day_number(cal, from, m, 15) -
                                               grids::cf_day_number(cal, from, 1, 1)) *
                               (cal == grids::CfCalendar::d360 ? 365.0 / 360.0 : 1.0) +
                           1.0;
        vt.resize(t.values.size());
        vp.resize(t.values.size());
        ve.resize(t.values.size());
        for (size_t i = 0; i < vt.size(); ++i) {
          vt[i] = t.values[i] + dtm;
          vp[i] = std::max(p.values[i] * kp, 0.0);
          const double ra = models::pet::extraterrestrial_radiation(lat[i], doy);
          ve[i] = e.values[i] + (models::pet::oudin(ra, vt[i]) - models::pet::oudin(ra, t.values[i])) * days;
        }
        file.write("tas", year, m, vt);
        file.write("pr", year, m, vp);
        file.write("pet", year, m, ve);
      }
    }
    file.close();
  });
  if (!o.quiet)
    std::printf("alamod climate delta: wrote %s: %d-%d from the reference years %s of %s; warming %s: +%s degC in "
                "%d, +%s degC in %d\n",
                o.out.c_str(), o.first_year, o.last_year, ref.c_str(), o.baseline.c_str(), trajectory.c_str(),
                number(delta_warming(o, o.first_year)).c_str(), o.first_year,
                number(delta_warming(o, o.last_year)).c_str(), o.last_year);
}

}  // namespace alamod::engine
