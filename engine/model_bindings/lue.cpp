// The light-use-efficiency model bound to `alamod vegetation run --model lue`: a monthly forcing table
// (models/lue/README.md, "Site runs") through MOD17 (with the soil-water scalar of a bucket) or CASA, written
// monthly. The only engine file that includes models/lue/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "engine/common/atomic_file.hpp"
#include "engine/model_bindings/vegetation_binding.hpp"
#include "engine/model_bindings/vegetation_grid.hpp"
#include "engine/vegetation/csv_table.hpp"
#include "grids/input_error.hpp"
#include "models/common/litter_record.hpp"
#include "models/lue/lue.hpp"

namespace alamod::engine {

namespace {

namespace lue = models::lue;
using vegetation::CsvTable;

constexpr double kWm2ToMJd = 0.0864;  // W m-2 -> MJ m-2 d-1
constexpr double kBeerK = 0.5;        // extinction coefficient for LAI from fPAR (MOD15 uses a similar mean)

struct Month {
  int year, month;
  double tmin, tmean, vpd, sw, pr, fpar, ndvi;
  std::size_t line;
};

int days_in(int y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : d[m - 1];
}

std::string fmt(double v) {
  if (std::isnan(v)) return "NA";
  char b[32];
  std::snprintf(b, sizeof b, "%.10g", v);
  return b;
}

std::vector<Month> read_forcing(const std::string& path, bool need_ndvi) {
  const CsvTable t(path);
  const bool has_fpar = t.has("fapar"), has_ndvi = t.has("ndvi");
  if (!has_fpar && !has_ndvi) throw InputError(path + ": needs a column 'fapar' (1) or 'ndvi' (1)");
  if (need_ndvi && !has_ndvi && !has_fpar) throw InputError(path + ": CASA needs 'ndvi' or 'fapar'");
  std::vector<Month> months;
  const std::size_t cy = t.column("year"), cm = t.column("month"), ctn = t.column("tmin"), ctm = t.column("tmean"),
                    cv = t.column("vpd"), cs = t.column("sw"), cp = t.column("pr");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Month m{};
    m.line = t.line(r);
    m.year = static_cast<int>(t.number(r, cy));
    m.month = static_cast<int>(t.number(r, cm));
    if (m.month < 1 || m.month > 12) throw InputError(t.where(r, cm) + ": month must be 1-12");
    if (!months.empty() && m.year * 12 + m.month != months.back().year * 12 + months.back().month + 1)
      throw InputError(t.where(r, cy) + ": months must be consecutive");
    m.tmin = t.number(r, ctn);
    m.tmean = t.number(r, ctm);
    m.vpd = t.number(r, cv);
    m.sw = t.number(r, cs);
    m.pr = t.number(r, cp);
    if (m.vpd < 0) throw InputError(t.where(r, cv) + ": VPD " + t.text(r, cv) + " Pa is negative");
    if (m.sw < 0 || m.sw > 500) throw InputError(t.where(r, cs) + ": SW " + t.text(r, cs) + " W m-2 outside [0, 500]");
    if (m.pr < 0) throw InputError(t.where(r, cp) + ": precipitation " + t.text(r, cp) + " mm is negative");
    m.fpar = has_fpar ? t.number(r, t.column("fapar")) : std::nan("");
    m.ndvi = has_ndvi ? t.number(r, t.column("ndvi")) : std::nan("");
    if (has_fpar && !(m.fpar >= 0 && m.fpar <= 1))
      throw InputError(t.where(r, t.column("fapar")) + ": fAPAR " + t.text(r, t.column("fapar")) +
                       " is outside [0, 1] (a scaled digital number? apply the product's scale factor)");
    if (has_ndvi && !(m.ndvi >= -1 && m.ndvi < 1))
      throw InputError(t.where(r, t.column("ndvi")) + ": NDVI " + t.text(r, t.column("ndvi")) +
                       " is outside [-1, 1)");
    months.push_back(m);
  }
  if (months.empty()) throw InputError(path + ": no month");
  return months;
}

void run_lue(const VegetationRunOptions& opt) {
  if (opt.forcing.empty()) throw InputError("alamod vegetation run --model lue needs --forcing FILE");
  if (opt.method != "mod17" && opt.method != "casa")
    throw InputError("--method must be mod17 or casa, got '" + opt.method + "'");
  if (!(opt.bucket_mm > 0)) throw InputError("--bucket must be > 0 mm");
  if (!std::isnan(opt.npp_ratio) && !(opt.npp_ratio > 0 && opt.npp_ratio < 1))
    throw InputError("--npp-ratio must be in (0, 1)");
  const bool casa = opt.method == "casa";
  const auto months = read_forcing(opt.forcing, casa);
  lue::Mod17Parameters p;
  try {
    p = lue::find_mod17_class(opt.biome).p;
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--biome: ") + e.what());
  }
  const lue::CasaParameters cp;
  lue::Bucket bucket{opt.bucket_mm, opt.bucket_mm};
  // per year: the largest LAI (MOD17 live wood) and the temperature of the greenest month (CASA's Topt)
  auto fpar_of = [&](const Month& m) { return !std::isnan(m.fpar) ? m.fpar : lue::casa_fpar(cp, m.ndvi); };
  auto lai_of = [&](double fpar) { return -std::log(1.0 - std::min(fpar, 0.99)) / kBeerK; };
  const bool soil = !opt.soil_forcing.empty();
  if (soil && opt.biome != "Grass" && opt.biome != "Crop")
    throw InputError("--soil-forcing from the LUE model is for grasslands and crops (--biome Grass or Crop); "
                     "forests: alamod vegetation run --model 3pg");
  if (!(opt.offtake >= 0 && opt.offtake <= 1)) throw InputError("--offtake must be in [0, 1]");
  std::vector<double> month_gpp(months.size()), month_npp(months.size()), month_pet(months.size());
  std::ostringstream out;
  out << "year,month,fpar,par,f_tmin,f_vpd,f_sw,pet,aet,gpp,rm,npp\n";
  for (std::size_t i = 0; i < months.size(); ++i) {
    const Month& m = months[i];
    double max_lai = 0, topt = m.tmean, greenest = -1;
    for (const auto& n : months)
      if (n.year == m.year) {
        const double f = fpar_of(n);
        max_lai = std::max(max_lai, lai_of(f));
        const double green = std::isnan(n.ndvi) ? f : n.ndvi;
        if (green > greenest) {
          greenest = green;
          topt = n.tmean;
        }
      }
    const int days = days_in(m.year, m.month);
    const double fpar = fpar_of(m);
    const double pet = days * lue::turc_pet(m.tmean, m.sw);
    double aet = 0;
    double beta = bucket.step(pet, m.pr, aet);
    if (opt.no_water_stress) beta = 1.0;
    double gpp = std::nan(""), rm = std::nan(""), npp;
    if (casa) {
      const double ratio = opt.no_water_stress || pet == 0 ? 1.0 : aet / pet;
      npp = lue::casa_npp(cp, fpar, m.tmean, topt, m.sw * kWm2ToMJd * days, ratio);
    } else {
      gpp = days * lue::daily_gpp(p, fpar, m.tmin, m.vpd, m.sw, beta);
      if (!std::isnan(opt.npp_ratio)) {
        npp = opt.npp_ratio * gpp;
      } else {
        rm = days * (lue::daily_leaf_froot_respiration(p, lai_of(fpar), m.tmean) +
                     lue::daily_livewood_respiration(p, max_lai, m.tmean));
        npp = 0.8 * (gpp - rm);  // MOD17: growth respiration 25 % of NPP; the annual sum is clipped at 0
      }
    }
    month_gpp[i] = gpp;
    month_npp[i] = npp;
    month_pet[i] = pet;
    out << m.year << ',' << m.month;
    for (double v : {fpar, lue::par_from_shortwave(m.sw) * days, casa ? std::nan("") : lue::f_tmin(p, m.tmin),
                     casa ? std::nan("") : lue::f_vpd(p, m.vpd), beta, pet, aet, gpp, rm, npp})
      out << ',' << fmt(v);
    out << '\n';
  }
  if (!soil) {
    write_output_atomically(opt.out, out.str());
    return;
  }
  // The litter: each month's NPP (MOD17 with respiration: the year's NPP, clipped at 0 as MOD17 does,
  // spread over the months as their GPP) allocated 40 % above and 60 % below ground (CASA's herbaceous
  // allocation, biomass.md 2.2), the offtake taken from the above-ground part, the rest to the soil in the
  // month (turnover within the year).
  const bool respiration = !casa && std::isnan(opt.npp_ratio);
  std::vector<double> litter_npp = month_npp;
  if (respiration)
    for (std::size_t i = 0; i < months.size(); ++i) {
      double gpp_year = 0, npp_year = 0;
      for (std::size_t j = 0; j < months.size(); ++j)
        if (months[j].year == months[i].year) {
          gpp_year += month_gpp[j];
          npp_year += month_npp[j];
        }
      // the months' 0.8 (GPP - Rm) add up to the year's; MOD17 clips the year's NPP at 0
      litter_npp[i] = gpp_year > 0 ? std::max(0.0, npp_year) * month_gpp[i] / gpp_year : 0.0;
    }
  namespace lt = models::litter;
  std::ostringstream f;
  f << "# alamod-site-forcing: 1\n# site_id: " << opt.site_id << "\n# land_use: "
    << (opt.biome == "Crop" ? "cropland" : "grassland") << '\n';
  if (!std::isnan(opt.clay)) f << "# clay: " << fmt(opt.clay) << " percent\n";
  if (!std::isnan(opt.depth)) f << "# depth: " << fmt(opt.depth) << " cm\n";
  if (!std::isnan(opt.soc_initial)) f << "# soc_initial: " << fmt(opt.soc_initial) << " t ha-1\n";
  f << "# source: alamod vegetation run --model lue (" << opt.forcing << "), offtake " << fmt(opt.offtake)
    << " of the above-ground NPP\n";
  f << "year,month,tas,pr,pet,c_input,cover,dpm_rpm_ratio,awen_a,awen_w,awen_e,awen_n,lignin_fraction,n_fraction\n"
       "yr,1,degC,mm month-1,mm month-1,t ha-1 month-1,1,1,1,1,1,1,1,1\n";
  constexpr double kGm2ToTha = 0.01;  // g C m-2 -> t C ha-1
  for (std::size_t i = 0; i < months.size(); ++i) {
    const Month& m = months[i];
    const double npp = std::max(0.0, litter_npp[i]) * kGm2ToTha;
    lt::Record r;
    r.plant = opt.biome == "Crop" ? lt::Plant::crop : lt::Plant::grass;
    r.c[lt::foliage] = 0.4 * npp * (1.0 - opt.offtake);
    r.c[lt::fine_root] = 0.6 * npp;
    const auto y = lt::yasso(r.c[lt::foliage] + r.c[lt::fine_root] > 0 ? r : lt::Record{{1, 1, 0, 0, 0, 0, 0}, r.plant});
    const auto ro = lt::rothc(r);
    double lignin = 0, nitrogen = 0, c_all = 0;
    for (std::size_t k : {std::size_t(lt::foliage), std::size_t(lt::fine_root)}) {
      const double c = r.c[k] > 0 || lt::total(r) > 0 ? r.c[k] : 1.0;
      const auto ch = lt::chemistry(static_cast<lt::Flux>(k), r.plant);
      lignin += 2 * c * ch.lignin;
      nitrogen += c / ch.cn;
      c_all += c;
    }
    f << m.year << ',' << m.month << ',' << fmt(m.tmean) << ',' << fmt(m.pr) << ',' << fmt(month_pet[i]) << ','
      << fmt(lt::total(r)) << ",1," << fmt(ro.dpm_rpm_ratio) << ',' << fmt(y.shares.a) << ',' << fmt(y.shares.w)
      << ',' << fmt(y.shares.e) << ',' << fmt(y.shares.n) << ',' << fmt(lignin / (2 * c_all)) << ','
      << fmt(nitrogen / (2 * c_all)) << '\n';
  }
  write_output_atomically(opt.out, out.str());
  write_output_atomically(opt.soil_forcing, f.str());
}

std::string lue_parameter_sets() {
  std::ostringstream s;
  s << "MOD17 biome classes (--biome; BPLUT C5.1 as recalibrated in 2009):\n";
  for (const auto& c : lue::mod17_classes()) {
    char line[200];
    std::snprintf(line, sizeof line, "  %-7s %2d %-29s LUEmax %.6f kg C MJ-1, Tmin %g..%g degC, VPD %g..%g Pa\n",
                  std::string(c.key).c_str(), c.code, std::string(c.name).c_str(), c.p.lue_max, c.p.tmin_min,
                  c.p.tmin_max, c.p.vpd_min, c.p.vpd_max);
    s << line;
  }
  const lue::CasaParameters cp;
  s << "CASA (--method casa): epsilon* " << cp.epsilon_max << " g C MJ-1 PAR, SR " << cp.sr_min << ".." << cp.sr_max
    << ", fPAR max " << cp.fpar_max << " (Potter et al. 1993)\n";
  return s.str();
}

}  // namespace

VegetationBinding lue_vegetation_binding() { return {lue::model_info(), &run_lue, &lue_parameter_sets}; }

// ---- the grid run's grassland and cropland months (vegetation_grid.hpp)

namespace vegetation_grid {

double lue_daily_gpp(bool crop, double fpar, double tmin, double vpd_pa, double sw_w_m2, double f_sw) {
  static const lue::Mod17Parameters grass = lue::find_mod17_class("Grass").p;
  static const lue::Mod17Parameters crops = lue::find_mod17_class("Crop").p;
  return lue::daily_gpp(crop ? crops : grass, fpar, tmin, vpd_pa, sw_w_m2, f_sw);
}

double fpar_from_ndvi(double ndvi) {
  static const lue::CasaParameters casa{};
  return lue::casa_fpar(casa, ndvi);
}

double bucket_month(double capacity_mm, double& water_mm, double pet_mm, double precipitation_mm) {
  lue::Bucket b{capacity_mm, water_mm};
  double aet = 0;
  const double beta = b.step(pet_mm, precipitation_mm, aet);
  water_mm = b.water;
  return beta;
}

}  // namespace vegetation_grid

}  // namespace alamod::engine
