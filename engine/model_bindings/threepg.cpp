// 3-PG bound to `alamod vegetation run --model 3pg`: the stand tables in r3PG's layout (site, species,
// climate, thinning, parameters; models/threepg/README.md, "Input files") read with errors that name the
// file, column and line; the run; the monthly output with the litter record in carbon and a mass-balance
// check of every cohort and month. The only engine file that includes models/threepg/.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/common/atomic_file.hpp"
#include "engine/model_bindings/vegetation_binding.hpp"
#include "engine/model_bindings/vegetation_grid.hpp"
#include "engine/vegetation/csv_table.hpp"
#include "grids/input_error.hpp"
#include "models/common/litter_record.hpp"
#include "models/threepg/species_sets.hpp"
#include "models/threepg/threepg.hpp"

namespace alamod::engine {

namespace {

namespace threepg = models::threepg;
namespace litter = models::litter;
using vegetation::CsvTable;

struct ThreepgStand {
  threepg::Site site;
  std::vector<threepg::Cohort> cohorts;
  std::vector<threepg::ClimateMonth> climate;
  std::vector<std::string> parameter_sources;
};



/// "YYYY-MM" -> (year, month); InputError naming the place otherwise.
std::pair<int, int> year_month(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::string& s = t.text(row, col);
  int y = 0, m = 0;
  char dash = 0, extra = 0;
  if (std::sscanf(s.c_str(), "%d%c%d%c", &y, &dash, &m, &extra) != 3 || dash != '-' || m < 1 || m > 12)
    throw InputError(t.where(row, col) + ": '" + s + "' is not a month YYYY-MM");
  return {y, m};
}

int whole(const CsvTable& t, std::size_t row, std::size_t col) {
  const double v = t.number(row, col);
  if (v != std::floor(v)) throw InputError(t.where(row, col) + ": '" + t.text(row, col) + "' is not a whole number");
  return static_cast<int>(v);
}

double nonneg(const CsvTable& t, std::size_t row, std::size_t col, const char* unit) {
  const double v = t.number(row, col);
  if (v < 0) throw InputError(t.where(row, col) + ": " + t.text(row, col) + " " + unit + " is negative");
  return v;
}

bool is_parameter(const std::string& name) {
  for (const auto& info : threepg::kParameterInfo)
    if (info.name == name) return true;
  return false;
}

bool is_unused(const std::string& name) {
  return std::find(threepg::kUnusedParameterNames.begin(), threepg::kUnusedParameterNames.end(), name) !=
         threepg::kUnusedParameterNames.end();
}

/// The parameters of `species`: the table's column if it has one (completed from the published set of that
/// name where it says NA), else the published set.
threepg::SpeciesParameters parameters_of(const std::string& species, const std::optional<CsvTable>& table,
                                         std::string& source) {
  std::optional<std::size_t> col;
  if (table)
    for (std::size_t c = 1; c < table->header().size(); ++c)
      if (table->header()[c] == species) col = c;
  if (!col) {
    const auto& set = threepg::find_species_set(species);
    source = set.name + " (" + set.source + ")";
    return set.parameters;
  }
  const threepg::SpeciesSet* base = nullptr;
  try {
    base = &threepg::find_species_set(species, false);
  } catch (const std::invalid_argument&) {
  }
  threepg::SpeciesParameters p = base ? base->parameters : threepg::SpeciesParameters{};
  std::vector<std::string> given;
  for (std::size_t r = 0; r < table->rows(); ++r) {
    const std::string& name = table->text(r, 0);
    if (is_unused(name)) continue;
    if (!is_parameter(name))
      throw InputError(table->where(r, 0) + ": '" + name + "' is not a 3-PG parameter (alamod vegetation species "
                       "--parameters lists them)");
    if (table->is_na(r, *col)) continue;
    for (const auto& info : threepg::kParameterInfo)
      if (info.name == name) p.*(info.member) = table->number(r, *col);
    given.push_back(name);
  }
  for (const auto& info : threepg::kParameterInfo) {
    const std::string name(info.name);
    if (std::find(given.begin(), given.end(), name) != given.end()) continue;
    const bool in_base = base && std::find(base->missing.begin(), base->missing.end(), name) == base->missing.end();
    if (!in_base)
      throw InputError(table->path() + ", column '" + species + "': no value for parameter '" + name +
                       "' and no published set of that name gives one");
  }
  source = table->path() + (base ? " over " + base->name : "");
  return p;
}

ThreepgStand read_stand(const std::string& site_csv, const std::string& species_csv,
                                const std::string& climate_csv, const std::string& thinning_csv,
                                const std::string& parameters_csv) {
  ThreepgStand stand;
  // Site.
  const CsvTable site(site_csv);
  if (site.rows() != 1) throw InputError(site_csv + ": one site row expected, found " + std::to_string(site.rows()));
  stand.site.latitude = site.number(0, site.column("latitude"));
  if (std::abs(stand.site.latitude) > 90)
    throw InputError(site.where(0, site.column("latitude")) + ": latitude outside [-90, 90] degrees");
  stand.site.altitude = site.has("altitude") ? site.number(0, site.column("altitude")) : 0.0;
  stand.site.soil_class = whole(site, 0, site.column("soil_class"));
  if (stand.site.soil_class < -1 || stand.site.soil_class > 4)
    throw InputError(site.where(0, site.column("soil_class")) + ": soil_class must be -1, 0, 1, 2, 3 or 4");
  stand.site.asw_i = nonneg(site, 0, site.column("asw_i"), "mm");
  stand.site.asw_min = nonneg(site, 0, site.column("asw_min"), "mm");
  stand.site.asw_max = nonneg(site, 0, site.column("asw_max"), "mm");
  if (stand.site.asw_max <= 0) throw InputError(site.where(0, site.column("asw_max")) + ": asw_max must be > 0 mm");
  const auto from = year_month(site, 0, site.column("from"));
  const auto to = year_month(site, 0, site.column("to"));
  if (to.first * 12 + to.second < from.first * 12 + from.second)
    throw InputError(site.where(0, site.column("to")) + ": 'to' is before 'from'");

  // Climate: the months from..to, consecutive.
  const CsvTable clim(climate_csv);
  const std::size_t cy = clim.column("year"), cm = clim.column("month"), ctn = clim.column("tmp_min"),
                    ctx = clim.column("tmp_max"), cp = clim.column("prcp"), cs = clim.column("srad"),
                    cf = clim.column("frost_days");
  const bool has_ave = clim.has("tmp_ave"), has_co2 = clim.has("co2"), has_vpd = clim.has("vpd_day");
  for (std::size_t r = 0; r < clim.rows(); ++r) {
    threepg::ClimateMonth m;
    m.year = whole(clim, r, cy);
    m.month = whole(clim, r, cm);
    if (m.month < 1 || m.month > 12) throw InputError(clim.where(r, cm) + ": month must be 1-12");
    const int key = m.year * 12 + m.month;
    if (key < from.first * 12 + from.second || key > to.first * 12 + to.second) continue;
    m.tmp_min = clim.number(r, ctn);
    m.tmp_max = clim.number(r, ctx);
    if (m.tmp_min > m.tmp_max)
      throw InputError(clim.where(r, ctn) + ": tmp_min " + clim.text(r, ctn) + " degC above tmp_max " +
                       clim.text(r, ctx));
    // r3PG's default mean temperature: (tmp_min + tmp_max) / 2
    m.tmp_ave = has_ave ? clim.number(r, clim.column("tmp_ave")) : (m.tmp_min + m.tmp_max) / 2.0;
    m.prcp = nonneg(clim, r, cp, "mm month-1");
    m.srad = nonneg(clim, r, cs, "MJ m-2 d-1");
    m.frost_days = nonneg(clim, r, cf, "d month-1");
    m.co2 = has_co2 ? clim.number(r, clim.column("co2")) : 350.0;
    m.vpd_day = has_vpd ? nonneg(clim, r, clim.column("vpd_day"), "hPa") : -1.0;
    if (!stand.climate.empty()) {
      const auto& prev = stand.climate.back();
      if (key != prev.year * 12 + prev.month + 1)
        throw InputError(clim.where(r, cy) + ": " + std::to_string(m.year) + "-" + std::to_string(m.month) +
                         " does not follow " + std::to_string(prev.year) + "-" + std::to_string(prev.month));
    }
    stand.climate.push_back(m);
  }
  const int months = (to.first * 12 + to.second) - (from.first * 12 + from.second) + 1;
  if (static_cast<int>(stand.climate.size()) != months)
    throw InputError(climate_csv + ": the site runs " + site.text(0, site.column("from")) + " to " +
                     site.text(0, site.column("to")) + " (" + std::to_string(months) + " months) but the file has " +
                     std::to_string(stand.climate.size()) + " of them");

  // Parameters and cohorts.
  std::optional<CsvTable> params;
  if (!parameters_csv.empty()) params.emplace(parameters_csv);
  const CsvTable sp(species_csv);
  if (sp.rows() == 0) throw InputError(species_csv + ": no species row");
  for (std::size_t r = 0; r < sp.rows(); ++r) {
    threepg::Cohort c;
    c.species = sp.text(r, sp.column("species"));
    std::string source;
    try {
      c.p = parameters_of(c.species, params, source);
    } catch (const std::invalid_argument& e) {
      throw InputError(sp.where(r, sp.column("species")) + ": " + e.what());
    }
    const auto planted = year_month(sp, r, sp.column("planted"));
    c.planted_year = planted.first;
    c.planted_month = planted.second;
    c.fertility = sp.number(r, sp.column("fertility"));
    if (c.fertility < 0 || c.fertility > 1)
      throw InputError(sp.where(r, sp.column("fertility")) + ": fertility must be in [0, 1]");
    c.stems_n = nonneg(sp, r, sp.column("stems_n"), "ha-1");
    c.biom_stem = nonneg(sp, r, sp.column("biom_stem"), "t ha-1");
    c.biom_root = nonneg(sp, r, sp.column("biom_root"), "t ha-1");
    c.biom_foliage = nonneg(sp, r, sp.column("biom_foliage"), "t ha-1");
    stand.parameter_sources.push_back(source);
    stand.cohorts.push_back(std::move(c));
  }

  // Thinning.
  if (!thinning_csv.empty()) {
    const CsvTable th(thinning_csv);
    const std::size_t cs2 = th.column("species"), ca = th.column("age"), cn = th.column("stems_n");
    for (std::size_t r = 0; r < th.rows(); ++r) {
      const std::string& name = th.text(r, cs2);
      auto it = std::find_if(stand.cohorts.begin(), stand.cohorts.end(),
                             [&](const threepg::Cohort& c) { return c.species == name; });
      if (it == stand.cohorts.end())
        throw InputError(th.where(r, cs2) + ": '" + name + "' is not a species of " + species_csv);
      threepg::Thinning t;
      t.age = nonneg(th, r, ca, "yr");
      t.stems_n = nonneg(th, r, cn, "ha-1");
      t.stem = th.has("stem") ? nonneg(th, r, th.column("stem"), "") : 1.0;
      t.root = th.has("root") ? nonneg(th, r, th.column("root"), "") : 1.0;
      t.foliage = th.has("foliage") ? nonneg(th, r, th.column("foliage"), "") : 1.0;
      if (!it->thinnings.empty() && t.age < it->thinnings.back().age)
        throw InputError(th.where(r, ca) + ": thinnings of '" + name + "' must come in increasing age");
      it->thinnings.push_back(t);
    }
  }
  return stand;
}


/// Dry matter -> carbon (3-PG's gDM_mol = 24 g DM per mol C: 0.5 g C per g DM).
constexpr double kCarbonPerDryMatter = 0.5;

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}

/// Turc (1961) potential evapotranspiration (mm d-1) from T (degC) and global radiation (MJ m-2 d-1).
double turc_pet(double t, double srad_mj) {
  if (t <= 0) return 0.0;
  return 0.013 * t / (t + 15.0) * (srad_mj * 1e6 / 41868.0 + 50.0);
}

/// The chemistry class of a cohort: broadleaf or conifer by the genus of its species set (by phenology when the
/// species is not a published set), deciduous when it has a leaf-fall month.
litter::Plant plant_class(const threepg::Cohort& c) {
  std::string latin = c.species;
  try {
    latin = threepg::find_species_set(c.species, false).species;
  } catch (const std::invalid_argument&) {
  }
  const std::string genus = latin.substr(0, latin.find_first_of(" _"));
  static const char* broadleaf[] = {"Fagus", "Quercus", "Betula", "Populus", "Acer", "Fraxinus", "Castanea",
                                    "Carpinus", "Eucalyptus", "Alnus", "Tilia", "Robinia", "Prunus"};
  bool is_broadleaf = c.p.leafgrow != 0;
  for (const char* g : broadleaf)
    if (genus == g) is_broadleaf = true;
  if (!is_broadleaf) return litter::Plant::conifer;
  return c.p.leafgrow != 0 ? litter::Plant::broadleaf_deciduous : litter::Plant::broadleaf_evergreen;
}

/// The stand's litter as an alamod site forcing (data/sites/FORMAT.md), through the litter record and its
/// adapters (models/common/litter_record.hpp): monthly tas, pr, pet (Turc), c_input (the whole record, t C ha-1
/// month-1; the harvested stemwood leaves the site), cover, RothC's dpm_rpm_ratio, Yasso's AWEN shares, and
/// CENTURY's lignin_fraction and n_fraction (of the record's dry mass). A month without litter takes the run's
/// shares.
void write_soil_forcing(const VegetationRunOptions& opt, const ThreepgStand& stand,
                        const std::vector<threepg::StandMonth>& run) {
  std::ostringstream f;
  f << "# alamod-site-forcing: 1\n# site_id: " << opt.site_id << "\n# latitude: " << fmt(stand.site.latitude)
    << " degrees_north\n# land_use: forest\n";
  if (!std::isnan(opt.clay)) f << "# clay: " << fmt(opt.clay) << " percent\n";
  if (!std::isnan(opt.depth)) f << "# depth: " << fmt(opt.depth) << " cm\n";
  if (!std::isnan(opt.soc_initial)) f << "# soc_initial: " << fmt(opt.soc_initial) << " t ha-1\n";
  f << "# source: alamod vegetation run --model 3pg (" << opt.species << ", " << opt.climate
    << "): the litter record of the stand\n";
  f << "year,month,tas,pr,pet,c_input,cover,dpm_rpm_ratio,awen_a,awen_w,awen_e,awen_n,lignin_fraction,n_fraction\n"
       "yr,1,degC,mm month-1,mm month-1,t ha-1 month-1,1,1,1,1,1,1,1,1\n";
  struct Month {
    double c = 0, a = 0, w = 0, e = 0, n = 0, dpm = 0, rpm = 0, lignin = 0, nitrogen = 0;  // carbon-weighted sums
  };
  std::vector<Month> months(run.size());
  Month all;
  for (std::size_t ii = 0; ii < run.size(); ++ii) {
    Month& m = months[ii];
    for (std::size_t k = 0; k < run[ii].cohorts.size(); ++k) {
      const auto& c = run[ii].cohorts[k];
      const double cf = kCarbonPerDryMatter;
      litter::Record r;
      r.plant = plant_class(stand.cohorts[k]);
      r.c[litter::foliage] = cf * (c.litter_foliage + c.mort_foliage + c.thin_foliage);
      r.c[litter::fine_root] = cf * c.litter_root;
      r.c[litter::coarse_root] = cf * (c.mort_root + c.thin_root);
      r.c[litter::branch] = cf * c.fracBB * (c.mort_stem + c.thin_stem);
      r.c[litter::stem] = cf * (1.0 - c.fracBB) * c.mort_stem;
      const double total = litter::total(r);
      const auto y = litter::yasso(r);
      const auto ro = litter::rothc(r);
      m.c += total;
      m.a += total * y.shares.a;
      m.w += total * y.shares.w;
      m.e += total * y.shares.e;
      m.n += total * y.shares.n;
      m.dpm += ro.plant * ro.dpm_rpm_ratio / (1 + ro.dpm_rpm_ratio);
      m.rpm += ro.plant / (1 + ro.dpm_rpm_ratio);
      for (std::size_t fl = 0; fl < litter::kFluxes; ++fl) {
        const auto ch = litter::chemistry(static_cast<litter::Flux>(fl), r.plant);
        m.lignin += r.c[fl] / cf * ch.lignin;  // t lignin
        m.nitrogen += r.c[fl] / ch.cn;         // t N
      }
    }
    all.c += m.c;
    all.a += m.a;
    all.w += m.w;
    all.e += m.e;
    all.n += m.n;
    all.dpm += m.dpm;
    all.rpm += m.rpm;
    all.lignin += m.lignin;
    all.nitrogen += m.nitrogen;
  }
  for (std::size_t ii = 0; ii < run.size(); ++ii) {
    const auto& cm = stand.climate[ii];
    const Month& m = months[ii].c > 0 ? months[ii] : all;
    const double pet = 30.0 * turc_pet(cm.tmp_ave, cm.srad);  // 3-PG's months; mm month-1
    f << cm.year << ',' << cm.month << ',' << fmt(cm.tmp_ave) << ',' << fmt(cm.prcp) << ',' << fmt(pet) << ','
      << fmt(months[ii].c) << ",1,";
    if (m.c > 0) {
      const double dm = m.c / kCarbonPerDryMatter;
      f << fmt(m.dpm / m.rpm) << ',' << fmt(m.a / m.c) << ',' << fmt(m.w / m.c) << ',' << fmt(m.e / m.c) << ','
        << fmt(m.n / m.c) << ',' << fmt(m.lignin / dm) << ',' << fmt(m.nitrogen / dm);
    } else {  // no litter in the whole run: a conifer needle litter's shares
      const auto y = litter::yasso(litter::Record{{1, 0, 0, 0, 0, 0, 0}});
      const auto ch = litter::chemistry(litter::foliage, litter::Plant::conifer);
      f << "0.25," << fmt(y.shares.a) << ',' << fmt(y.shares.w) << ',' << fmt(y.shares.e) << ',' << fmt(y.shares.n)
        << ',' << fmt(ch.lignin) << ',' << fmt(kCarbonPerDryMatter / ch.cn);
    }
    f << '\n';
  }
  write_output_atomically(opt.soil_forcing, f.str());
}

void run_threepg(const VegetationRunOptions& opt) {
  for (const auto* f : {&opt.site, &opt.species, &opt.climate})
    if (f->empty()) throw InputError("alamod vegetation run --model 3pg needs --site, --species and --climate");
  if (opt.height_model != 1 && opt.height_model != 2)
    throw InputError("--height-model must be 1 or 2, got " + std::to_string(opt.height_model));
  const ThreepgStand stand = read_stand(opt.site, opt.species, opt.climate, opt.thinning, opt.parameters);
  threepg::Options options;
  options.emulate_r3pg_light_bug = opt.r3pg_light;
  options.height_model = opt.height_model;
  std::vector<threepg::StandMonth> run;
  try {
    run = threepg::run_stand(stand.site, stand.cohorts, stand.climate, options);
  } catch (const std::invalid_argument& e) {
    throw InputError(opt.species + ": " + e.what());
  }
  std::ostringstream out;
  out << "year,month,species,stems_n,dbh,height,basal_area,volume,lai,biom_stem,biom_root,biom_foliage,"
         "biom_foliage_debt,biom_tree,gpp,npp,apar,fi,epsilon_npp,f_tmp,f_vpd,f_sw,f_age,f_frost,f_nutr,f_calpha,"
         "f_phys,asw,evapo_transp,runoff,cveg,c_litter_foliage,c_litter_fine_root,c_litter_coarse_root,"
         "c_litter_branch,c_litter_stem,c_harvest,balance_residual\n";
  for (std::size_t ii = 0; ii < run.size(); ++ii) {
    const auto& s = run[ii];
    for (std::size_t k = 0; k < s.cohorts.size(); ++k) {
      const auto& c = s.cohorts[k];
      const double residual = ii == 0 ? 0.0 : threepg::balance_residual(run[ii - 1].cohorts[k], c);
      const double scale = std::max(1.0, c.biom_stem + c.biom_root + c.biom_foliage);
      if (!(std::abs(residual) <= 1e-9 * scale))
        throw std::logic_error("3pg: the mass balance of " + stand.cohorts[k].species + " in " +
                               std::to_string(s.year) + "-" + std::to_string(s.month) + " is off by " +
                               fmt(residual) + " t DM ha-1");
      const double cf = kCarbonPerDryMatter;
      // The litter record (t C ha-1 month-1): foliage (turnover, leaf fall, dead and thinned trees' foliage),
      // root turnover as fine roots, dead and thinned trees' roots as coarse roots, their branches and bark
      // (fracBB of the stem pool) left on site, the dead trees' stemwood; the thinned stemwood is exported.
      const double foliage = cf * (c.litter_foliage + c.mort_foliage + c.thin_foliage);
      const double fine_root = cf * c.litter_root;
      const double coarse_root = cf * (c.mort_root + c.thin_root);
      const double branch = cf * c.fracBB * (c.mort_stem + c.thin_stem);
      const double stem = cf * (1.0 - c.fracBB) * c.mort_stem;
      const double harvest = cf * (1.0 - c.fracBB) * c.thin_stem;
      out << s.year << ',' << s.month << ',' << stand.cohorts[k].species;
      for (double v : {c.stems_n, c.dbh, c.height, c.basal_area, c.volume, c.lai, c.biom_stem, c.biom_root,
                       c.biom_foliage, c.biom_foliage_debt, c.biom_tree, c.gpp, c.npp, c.apar, c.fi, c.epsilon_npp,
                       c.f_tmp, c.f_vpd, c.f_sw, c.f_age, c.f_frost, c.f_nutr, c.f_calpha, c.f_phys, s.asw,
                       s.evapo_transp, s.runoff, cf * (c.biom_stem + c.biom_root + c.biom_foliage), foliage,
                       fine_root, coarse_root, branch, stem, harvest, residual})
        out << ',' << fmt(v);
      out << '\n';
    }
  }
  if (!opt.soil_forcing.empty()) {
    write_output_atomically(opt.out, out.str());
    write_soil_forcing(opt, stand, run);
    return;
  }
  write_output_atomically(opt.out, out.str());
}

std::string threepg_parameter_sets() {
  std::ostringstream s;
  s << "species parameter sets (--species file's species column, or `alamod vegetation species`):\n";
  for (const auto& set : threepg::species_sets()) {
    s << "  " << set.name << (set.common.empty() ? "" : " [" + set.common + "]") << ": " << set.species << "; "
      << set.source << "; " << set.note;
    if (!set.missing.empty()) {
      s << "; lacks";
      for (const auto& m : set.missing) s << ' ' << m;
    }
    s << '\n';
  }
  return s.str();
}

}  // namespace

VegetationBinding threepg_vegetation_binding() {
  return {threepg::model_info(), &run_threepg, &threepg_parameter_sets};
}

// ---- the grid run's forest stands (vegetation_grid.hpp)

namespace vegetation_grid {

ForestSpecies find_forest_species(const std::string& name, double alpha_factor) {
  const threepg::SpeciesSet& set = threepg::find_species_set(name);
  auto p = std::make_shared<threepg::SpeciesParameters>(set.parameters);
  p->alphaCx *= alpha_factor;
  threepg::validate(*p, set.name);
  ForestSpecies f;
  f.name = set.name;
  f.deciduous = p->leafgrow != 0;
  threepg::Cohort probe;
  probe.species = set.name;
  probe.p = *p;
  f.conifer = plant_class(probe) == litter::Plant::conifer;
  f.aWS = p->aWS;
  f.nWS = p->nWS;
  f.parameters = p;
  return f;
}

StandYear step_stand_year(const ForestSpecies& species, double latitude, double age, double asw_max, int year,
                          const StandClimate& climate, StandState& state) {
  const auto& p = *static_cast<const threepg::SpeciesParameters*>(species.parameters.get());
  threepg::Site site;
  site.latitude = latitude;
  site.soil_class = 3;
  site.asw_max = asw_max;
  site.asw_min = 0;
  site.asw_i = state.asw;
  threepg::Cohort c;
  c.species = species.name;
  c.p = p;
  // constant mean age: the stand's December of the year before is `age` years old, every year
  const int whole_years = static_cast<int>(std::floor(age));
  c.planted_year = year - 1 - whole_years;
  c.planted_month = 1;
  c.fertility = 0.5;
  c.stems_n = state.stems;
  c.biom_stem = state.ws;
  c.biom_root = state.wr;
  // December is dormant for a deciduous stand: run_stand moves the foliage given into the debt
  c.biom_foliage = state.wf + state.debt;
  // the first month is the initial state (no growth): the December before, with this December's climate
  std::vector<threepg::ClimateMonth> months(13);
  for (int m = 0; m < 13; ++m) {
    const int k = m == 0 ? 11 : m - 1;
    auto& x = months[static_cast<std::size_t>(m)];
    x.year = m == 0 ? year - 1 : year;
    x.month = m == 0 ? 12 : m;
    x.tmp_min = climate.tmin[k];
    x.tmp_max = climate.tmax[k];
    x.tmp_ave = climate.tave[k];
    x.prcp = climate.prcp[k];
    x.srad = climate.srad[k];
    x.frost_days = climate.frost_days[k];
  }
  const std::vector<threepg::StandMonth> run = threepg::run_stand(site, {c}, months);
  StandYear y;
  y.litter.plant = plant_class(c);
  // a deciduous stand's December foliage is in the debt: the carbon held is ws + wr + wf
  const double stand_before = state.ws + state.wr + run[0].cohorts[0].biom_foliage;
  double in = 0, out = 0;
  for (std::size_t m = 1; m < run.size(); ++m) {
    const threepg::CohortMonth& a = run[m - 1].cohorts[0];
    const threepg::CohortMonth& b = run[m].cohorts[0];
    const double residual = threepg::balance_residual(a, b);
    if (!(std::fabs(residual) <= 1e-9 * std::max(1.0, a.biom_stem + a.biom_root + a.biom_foliage)))
      throw std::runtime_error("3-PG month " + std::to_string(year) + "-" + std::to_string(m) +
                               " does not balance (residual " + std::to_string(residual) + " t DM ha-1)");
    y.gpp += 0.5 * b.gpp;
    const double fixed = b.npp - b.debt_repaid + b.debt_restored;
    y.npp += 0.5 * fixed;
    in += fixed;
    const double fb = b.fracBB;
    y.litter.c[litter::foliage] += 0.5 * (b.litter_foliage + b.mort_foliage + b.thin_foliage);
    y.litter.c[litter::fine_root] += 0.5 * b.litter_root;
    y.litter.c[litter::coarse_root] += 0.5 * (b.mort_root + b.thin_root);
    y.litter.c[litter::branch] += 0.5 * fb * (b.mort_stem + b.thin_stem);
    y.litter.c[litter::stem] += 0.5 * (1.0 - fb) * b.mort_stem;
    y.harvest += 0.5 * (1.0 - fb) * b.thin_stem;
    y.dead_wood += 0.5 * (b.mort_stem + b.mort_root);
    out += b.litter_foliage + b.mort_foliage + b.thin_foliage + b.litter_root + b.mort_root + b.thin_root +
           b.mort_stem + b.thin_stem;
  }
  const threepg::CohortMonth& end = run.back().cohorts[0];
  state.ws = end.biom_stem;
  state.wr = end.biom_root;
  state.wf = end.biom_foliage;
  state.debt = end.biom_foliage_debt;
  state.stems = end.stems_n;
  state.asw = run.back().asw;
  y.fracBB = end.fracBB;
  const double stand_after = state.ws + state.wr + state.wf;
  // the year in dry matter: change of the pools = what entered - what left
  const double r = stand_after - stand_before - (in - out);
  if (!(std::fabs(r) <= 1e-9 * std::max(1.0, stand_before)))
    throw std::runtime_error("3-PG year " + std::to_string(year) + " does not balance (residual " +
                             std::to_string(r) + " t DM ha-1)");
  return y;
}

}  // namespace vegetation_grid

}  // namespace alamod::engine
