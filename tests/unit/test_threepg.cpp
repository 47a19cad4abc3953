// 3-PG (3-PGpjs): the shared r3PG example (mixed beech / Scots pine stand, 2001-2010, two thinnings) against
// r3PG's output, every variable of r3pg_example_pjs_key.csv and every month, at a relative 1e-8 (the file has
// 10 significant digits); the mass balance of every cohort and month; the light option; the species sets;
// bad inputs. Data: tests/data/threepg (SOURCE.md).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/model_bindings/vegetation_binding.hpp"
#include "engine/vegetation/csv_table.hpp"
#include "grids/input_error.hpp"
#include "models/threepg/species_sets.hpp"
#include "models/threepg/threepg.hpp"
#include "test_files.hpp"

namespace threepg = alamod::models::threepg;
using alamod::engine::vegetation::CsvTable;

namespace {

const std::string kData = ALAMOD_TEST_THREEPG_DATA;

struct Stand {
  threepg::Site site;
  std::vector<threepg::Cohort> cohorts;
  std::vector<threepg::ClimateMonth> climate;
};

/// The r3PG example read directly (the binding's reader is tested through `vegetation run` below).
Stand example_stand() {
  Stand s;
  const CsvTable site(kData + "/input_d_site.csv");
  s.site.latitude = site.number(0, site.column("latitude"));
  s.site.soil_class = static_cast<int>(site.number(0, site.column("soil_class")));
  s.site.asw_i = site.number(0, site.column("asw_i"));
  s.site.asw_min = site.number(0, site.column("asw_min"));
  s.site.asw_max = site.number(0, site.column("asw_max"));
  const CsvTable clim(kData + "/input_d_climate.csv");
  for (std::size_t r = 0; r < clim.rows() && s.climate.size() < 120; ++r) {
    threepg::ClimateMonth m;
    m.year = static_cast<int>(clim.number(r, clim.column("year")));
    m.month = static_cast<int>(clim.number(r, clim.column("month")));
    m.tmp_min = clim.number(r, clim.column("tmp_min"));
    m.tmp_max = clim.number(r, clim.column("tmp_max"));
    m.tmp_ave = clim.number(r, clim.column("tmp_ave"));
    m.prcp = clim.number(r, clim.column("prcp"));
    m.srad = clim.number(r, clim.column("srad"));
    m.frost_days = clim.number(r, clim.column("frost_days"));
    m.co2 = clim.number(r, clim.column("co2"));
    s.climate.push_back(m);
  }
  const CsvTable par(kData + "/input_d_parameters.csv");
  const CsvTable sp(kData + "/input_d_species.csv");
  const CsvTable th(kData + "/input_d_thinning.csv");
  for (std::size_t r = 0; r < sp.rows(); ++r) {
    threepg::Cohort c;
    c.species = sp.text(r, sp.column("species"));
    for (std::size_t k = 0; k < par.rows(); ++k)
      for (const auto& info : threepg::kParameterInfo)
        if (info.name == par.text(k, 0)) c.p.*(info.member) = par.number(k, par.column(c.species));
    c.planted_year = std::stoi(sp.text(r, sp.column("planted")).substr(0, 4));
    c.planted_month = std::stoi(sp.text(r, sp.column("planted")).substr(5, 2));
    c.fertility = sp.number(r, sp.column("fertility"));
    c.stems_n = sp.number(r, sp.column("stems_n"));
    c.biom_stem = sp.number(r, sp.column("biom_stem"));
    c.biom_root = sp.number(r, sp.column("biom_root"));
    c.biom_foliage = sp.number(r, sp.column("biom_foliage"));
    for (std::size_t k = 0; k < th.rows(); ++k)
      if (th.text(k, 0) == c.species)
        c.thinnings.push_back({th.number(k, th.column("age")), th.number(k, th.column("stems_n")),
                               th.number(k, th.column("foliage")), th.number(k, th.column("root")),
                               th.number(k, th.column("stem"))});
    s.cohorts.push_back(c);
  }
  return s;
}

struct RefValue {
  int year, month;
  std::string species, name;
  double value;
};

std::vector<RefValue> reference() {
  std::vector<RefValue> out;
  std::ifstream in(kData + "/r3pg_example_pjs_key.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string date, species, group, name, value;
    std::getline(ss, date, ',');
    std::getline(ss, species, ',');
    std::getline(ss, group, ',');
    std::getline(ss, name, ',');
    std::getline(ss, value, ',');
    out.push_back({std::stoi(date.substr(0, 4)), std::stoi(date.substr(5, 2)), species, name, std::stod(value)});
  }
  return out;
}

/// Whether `got` matches r3PG's 10-digit `ref` at a relative 1e-8 (exactly 0 where r3PG has 0).
bool matches(double got, double ref) {
  return ref == 0 ? std::abs(got) < 1e-12 : std::abs(got - ref) <= 1e-8 * std::abs(ref);
}

/// r3PG's output variable `name` of a cohort month.
double variable(const threepg::StandMonth& s, const threepg::CohortMonth& c, const std::string& name) {
  static const std::map<std::string, double threepg::CohortMonth::*> cohort = {
      {"gpp", &threepg::CohortMonth::gpp}, {"npp", &threepg::CohortMonth::npp},
      {"apar", &threepg::CohortMonth::apar}, {"fi", &threepg::CohortMonth::fi},
      {"epsilon_npp", &threepg::CohortMonth::epsilon_npp}, {"biom_stem", &threepg::CohortMonth::biom_stem},
      {"biom_foliage", &threepg::CohortMonth::biom_foliage}, {"biom_root", &threepg::CohortMonth::biom_root},
      {"biom_tree", &threepg::CohortMonth::biom_tree}, {"stems_n", &threepg::CohortMonth::stems_n},
      {"dbh", &threepg::CohortMonth::dbh}, {"height", &threepg::CohortMonth::height},
      {"basal_area", &threepg::CohortMonth::basal_area}, {"lai", &threepg::CohortMonth::lai},
      {"volume", &threepg::CohortMonth::volume}, {"f_tmp", &threepg::CohortMonth::f_tmp},
      {"f_vpd", &threepg::CohortMonth::f_vpd}, {"f_sw", &threepg::CohortMonth::f_sw},
      {"f_age", &threepg::CohortMonth::f_age}, {"f_frost", &threepg::CohortMonth::f_frost},
      {"f_nutr", &threepg::CohortMonth::f_nutr}, {"f_calpha", &threepg::CohortMonth::f_calpha},
      {"f_phys", &threepg::CohortMonth::f_phys}};
  if (name == "asw") return s.asw;
  if (name == "evapo_transp") return s.evapo_transp;
  const auto it = cohort.find(name);
  if (it == cohort.end()) throw std::runtime_error("unknown reference variable " + name);
  return c.*(it->second);
}

}  // namespace

TEST(ThreePG, ReproducesR3pgExampleWithItsLightModel) {
  const auto stand = example_stand();
  threepg::Options options;
  options.emulate_r3pg_light_bug = true;
  const auto run = threepg::run_stand(stand.site, stand.cohorts, stand.climate, options);
  ASSERT_EQ(run.size(), 120u);

  std::size_t compared = 0, failed = 0;
  double worst = 0;
  std::string worst_at;
  for (const auto& ref : reference()) {
    const std::size_t ii = static_cast<std::size_t>((ref.year - 2001) * 12 + ref.month - 1);
    std::size_t sp = 0;
    while (sp < stand.cohorts.size() && stand.cohorts[sp].species != ref.species) ++sp;
    ASSERT_LT(sp, stand.cohorts.size()) << ref.species;
    const double got = variable(run[ii], run[ii].cohorts[sp], ref.name);
    const double err = std::abs(got - ref.value) / std::max(std::abs(ref.value), 1e-300);
    if (!matches(got, ref.value) && ++failed <= 20)
      ADD_FAILURE() << ref.year << "-" << ref.month << " " << ref.species << " " << ref.name << ": " << got
                    << " vs r3PG " << ref.value << " (rel " << err << ")";
    if (ref.value != 0 && err > worst) {
      worst = err;
      worst_at = std::to_string(ref.year) + "-" + std::to_string(ref.month) + " " + ref.species + " " + ref.name;
    }
    ++compared;
  }
  EXPECT_EQ(compared, 6000u);
  EXPECT_EQ(failed, 0u);
  std::printf("compared %zu values; largest relative difference %.3g (%s)\n", compared, worst, worst_at.c_str());
}

TEST(ThreePG, MassBalanceClosesEveryMonth) {
  const auto stand = example_stand();
  for (bool emulate : {false, true}) {
    threepg::Options options;
    options.emulate_r3pg_light_bug = emulate;
    const auto run = threepg::run_stand(stand.site, stand.cohorts, stand.climate, options);
    double litter = 0, removed = 0;
    for (std::size_t ii = 1; ii < run.size(); ++ii)
      for (std::size_t sp = 0; sp < stand.cohorts.size(); ++sp) {
        const auto& b = run[ii].cohorts[sp];
        const double scale = b.biom_stem + b.biom_root + b.biom_foliage;
        EXPECT_LE(std::abs(threepg::balance_residual(run[ii - 1].cohorts[sp], b)), 1e-12 * scale)
            << "month " << ii << " cohort " << sp;
        litter += b.litter_foliage + b.litter_root + b.mort_foliage + b.mort_root + b.mort_stem;
        removed += b.thin_stem;
      }
    EXPECT_GT(litter, 10.0);   // some litter every year (t DM ha-1 over 10 years)
    EXPECT_GT(removed, 10.0);  // the two thinnings removed stems
  }
}

TEST(ThreePG, CorrectLightDiffersOnlyForTheSecondSpecies) {
  const auto stand = example_stand();
  threepg::Options bug;
  bug.emulate_r3pg_light_bug = true;
  const auto a = threepg::run_stand(stand.site, stand.cohorts, stand.climate, bug);
  const auto b = threepg::run_stand(stand.site, stand.cohorts, stand.climate, {});
  // May 2001 (month 5): the first species' light is the same, the second's is its own month's.
  EXPECT_EQ(a[4].cohorts[0].apar, b[4].cohorts[0].apar);
  EXPECT_NE(a[4].cohorts[1].apar, b[4].cohorts[1].apar);
  // December: the emulation gives the second species no light at all; the correct light does.
  EXPECT_EQ(a[11].cohorts[1].apar, 0.0);
  EXPECT_GT(b[11].cohorts[1].apar, 0.0);
  // A single-species stand is the same either way.
  const std::vector<threepg::Cohort> one = {stand.cohorts[1]};
  const auto c = threepg::run_stand(stand.site, one, stand.climate, bug);
  const auto d = threepg::run_stand(stand.site, one, stand.climate, {});
  for (std::size_t ii = 0; ii < c.size(); ++ii) EXPECT_EQ(c[ii].cohorts[0].biom_stem, d[ii].cohorts[0].biom_stem);
}

TEST(ThreePG, SpeciesSetsByName) {
  for (const char* name : {"beech", "sessile oak", "Scots pine", "maritime pine", "Douglas fir", "Norway spruce",
                           "holm oak", "Fagus_sylvatica_34", "Pinus sylvestris", "Quercus_ilex_surrogate"}) {
    const auto& set = threepg::find_species_set(name);
    EXPECT_NO_THROW(threepg::validate(set.parameters, set.name)) << name;
  }
  EXPECT_EQ(threepg::find_species_set("beech").name, "Fagus_sylvatica_29");
  EXPECT_EQ(threepg::find_species_set("Scots pine").parameters.alphaCx, 0.049);
  EXPECT_NE(threepg::find_species_set("maritime pine").note.find("SURROGATE"), std::string::npos);
  EXPECT_EQ(threepg::find_species_set("holm oak").parameters.leafgrow, 0.0);
  // Every published set carries the CSV's values (a spot check per set: alphaCx and wSx1000 are never NA).
  EXPECT_EQ(threepg::find_species_set("Pseudotsuga_menziesii_40").parameters.alphaCx, 0.0653);
}

TEST(ThreePG, BadInputsAreRefused) {
  // a name that is no set
  try {
    threepg::find_species_set("Eucalyptus globulus");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("no species parameter set 'Eucalyptus globulus'"), std::string::npos);
  }
  // a published set that lacks parameters (NA in the database)
  try {
    threepg::find_species_set("Fagus_sylvatica_9");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("lacks parameters"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("leafgrow"), std::string::npos) << e.what();
  }
  // a parameter out of bounds
  auto stand = example_stand();
  stand.cohorts[0].p.pRx = 1.5;
  EXPECT_THROW(threepg::run_stand(stand.site, stand.cohorts, stand.climate), std::invalid_argument);
  // climate months with a gap
  stand = example_stand();
  stand.climate.erase(stand.climate.begin() + 5);
  EXPECT_THROW(threepg::run_stand(stand.site, stand.cohorts, stand.climate), std::invalid_argument);
  // a species in the species file with no parameters anywhere: one line naming the file and line
}

// The same example through `alamod vegetation run --model 3pg --r3pg-light`: the binding's readers (species
// parameters from the parameter table), its output file at full precision, the mass-balance column.
TEST(ThreePG, VegetationRunCommandReproducesR3pg) {
  alamod::test::TempDir dir;
  alamod::engine::VegetationRunOptions o;
  o.model = "3pg";
  o.site = kData + "/input_d_site.csv";
  o.species = kData + "/input_d_species.csv";
  o.climate = kData + "/input_d_climate.csv";
  o.thinning = kData + "/input_d_thinning.csv";
  o.parameters = kData + "/input_d_parameters.csv";
  o.r3pg_light = true;
  o.out = (dir.path() / "stand.csv").string();
  alamod::engine::find_vegetation_model("3pg").run(o);
  const CsvTable out(o.out);
  ASSERT_EQ(out.rows(), 240u);
  std::map<std::string, std::size_t> row;
  for (std::size_t r = 0; r < out.rows(); ++r)
    row[out.text(r, 0) + "-" + out.text(r, 1) + " " + out.text(r, 2)] = r;
  std::size_t failed = 0;
  for (const auto& ref : reference()) {
    const std::size_t r = row.at(std::to_string(ref.year) + "-" + std::to_string(ref.month) + " " + ref.species);
    const double got = out.number(r, out.column(ref.name));
    if (!matches(got, ref.value) && ++failed <= 5)
      ADD_FAILURE() << ref.year << "-" << ref.month << " " << ref.species << " " << ref.name << ": " << got;
  }
  EXPECT_EQ(failed, 0u);
  double litter = 0;
  for (std::size_t r = 0; r < out.rows(); ++r) {
    EXPECT_LE(std::abs(out.number(r, out.column("balance_residual"))), 1e-12 * out.number(r, out.column("biom_stem")));
    for (const char* c : {"c_litter_foliage", "c_litter_fine_root", "c_litter_coarse_root", "c_litter_branch",
                          "c_litter_stem"})
      litter += out.number(r, out.column(c));
  }
  EXPECT_GT(litter, 5.0);  // t C ha-1 over ten years
}

// Bad input through the command: one line naming the file, the column and the line.
TEST(ThreePG, VegetationRunBadInput) {
  alamod::test::TempDir dir;
  alamod::engine::VegetationRunOptions o;
  o.model = "3pg";
  o.site = kData + "/input_d_site.csv";
  o.climate = kData + "/input_d_climate.csv";
  o.out = (dir.path() / "stand.csv").string();
  // a species with no parameter set and no parameter table
  const auto species = dir.path() / "species.csv";
  std::ofstream(species) << "species,planted,fertility,stems_n,biom_stem,biom_root,biom_foliage\n"
                            "Pinus pinea,1958-01,0.5,800,90,15,3\n";
  o.species = species.string();
  try {
    alamod::engine::find_vegetation_model("3pg").run(o);
    FAIL();
  } catch (const alamod::InputError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("species.csv line 2, column 'species'"), std::string::npos) << m;
    EXPECT_NE(m.find("no species parameter set 'Pinus pinea'"), std::string::npos) << m;
  }
  // a published set that lacks parameters
  std::ofstream(species) << "species,planted,fertility,stems_n,biom_stem,biom_root,biom_foliage\n"
                            "Fagus_sylvatica_9,1958-01,0.5,800,90,15,3\n";
  try {
    alamod::engine::find_vegetation_model("3pg").run(o);
    FAIL();
  } catch (const alamod::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("lacks parameters its publication does not give"), std::string::npos)
        << e.what();
  }
  // a named set runs (beech, by its common name)
  std::ofstream(species) << "species,planted,fertility,stems_n,biom_stem,biom_root,biom_foliage\n"
                            "beech,1958-01,0.5,800,90,15,3\n";
  EXPECT_NO_THROW(alamod::engine::find_vegetation_model("3pg").run(o));
  EXPECT_TRUE(std::filesystem::exists(o.out));
  // a climate value that is not a number
  const auto climate = dir.path() / "climate.csv";
  std::ofstream(climate) << "year,month,tmp_min,tmp_max,prcp,srad,frost_days\n2001,1,-1,4,x,8,19\n";
  o.climate = climate.string();
  try {
    alamod::engine::find_vegetation_model("3pg").run(o);
    FAIL();
  } catch (const alamod::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("climate.csv line 2, column 'prcp': 'x' is not a number"), std::string::npos)
        << e.what();
  }
}

// A single-species stand, the first month of growth recomputed here from the equations of
// models/threepg/README.md (evergreen pine, February 2001 of the example, a full bucket: no water scaling).
TEST(ThreePG, SingleSpeciesMonthByTheEquations) {
  const auto stand = example_stand();
  const threepg::Cohort pine = stand.cohorts[1];
  const auto run = threepg::run_stand(stand.site, {pine}, stand.climate);
  const auto& p = pine.p;
  const auto& m = stand.climate[1];
  const auto& got = run[1].cohorts[0];
  const double age_m = 43.0;  // planted 1958-01, start of February 2001
  const double sla = p.SLA1 + (p.SLA0 - p.SLA1) * std::exp(-0.693147181 * std::pow(age_m / p.tSLA, 2));
  const double lai0 = pine.biom_foliage * sla * 0.1;  // January's LAI (SLA constant for this set: tSLA 1)
  const double ft = ((m.tmp_ave - p.Tmin) / (p.Topt - p.Tmin)) *
                    std::pow((p.Tmax - m.tmp_ave) / (p.Tmax - p.Topt), (p.Tmax - p.Topt) / (p.Topt - p.Tmin));
  const double ff = 1 - p.kF * m.frost_days / 28.0;
  const auto es = [](double t) { return 6.1078 * std::exp(17.269 * t / (237.3 + t)); };
  const double fvpd = std::exp(-p.CoeffCond * (es(m.tmp_max) - es(m.tmp_min)) / 2);
  const double fage = 1 / (1 + std::pow((age_m / p.MaxAge) / p.rAge, p.nAge));
  const double fnutr = 1 - (1 - p.fN0) * std::pow(1 - pine.fertility, p.fNn);
  const double fsw = 1.0;  // the bucket starts full
  const double fphys = std::min(fvpd, fsw) * fage;
  const double apar = m.srad * 28 * (1 - std::exp(-p.k * lai0));
  const double gpp = p.alphaCx * fnutr * ft * ff * fphys * p.gDM_mol * p.molPAR_MJ * apar / 100;
  EXPECT_NEAR(got.f_tmp, ft, 1e-14);
  EXPECT_NEAR(got.f_frost, ff, 1e-14);
  EXPECT_NEAR(got.f_vpd, fvpd, 1e-14);
  EXPECT_NEAR(got.apar, apar, 1e-12 * apar);
  ASSERT_GT(run[1].asw, 50.0);  // wet month: ET below the water available, no scaling
  EXPECT_NEAR(got.gpp, gpp, 1e-12 * gpp);
  EXPECT_NEAR(got.npp, p.Y * gpp, 1e-12 * gpp);
  // allocation with January's diameter
  const double dbh = std::pow(1000 * pine.biom_stem / pine.stems_n / p.aWS, 1 / p.nWS);
  const double pfs_power = std::log(p.pFS20 / p.pFS2) / std::log(10.0);
  const double pfs = p.pFS2 / std::pow(2.0, pfs_power) * std::pow(dbh, pfs_power);
  const double eta_r = p.pRx * p.pRn / (p.pRn + (p.pRx - p.pRn) * fphys * (p.m0 + (1 - p.m0) * pine.fertility));
  const double eta_s = (1 - eta_r) / (1 + pfs);
  const double npp = p.Y * gpp;
  EXPECT_NEAR(got.biom_stem, pine.biom_stem + eta_s * npp, 1e-12 * pine.biom_stem);
  EXPECT_NEAR(got.biom_root, pine.biom_root + eta_r * npp - p.gammaR * pine.biom_root, 1e-12 * pine.biom_root);
  const double gamma_f = p.gammaF1 * p.gammaF0 /
                         (p.gammaF0 + (p.gammaF1 - p.gammaF0) *
                                          std::exp(-12 * std::log(1 + p.gammaF1 / p.gammaF0) / p.tgammaF * age_m));
  EXPECT_NEAR(got.biom_foliage, pine.biom_foliage + (1 - eta_r - eta_s) * npp - gamma_f * pine.biom_foliage,
              1e-12 * pine.biom_foliage);
}
