// 3-PG (3-PGpjs): the shared r3PG example (mixed beech / Scots pine stand, 2001-2010, two thinnings) against
// r3PG's output, every variable of r3pg_example_pjs_key.csv and every month, at a relative 1e-8 (the file has
// 10 significant digits); the mass balance of every cohort and month; the light option; the species sets;
// bad inputs. Data: tests/data/threepg (SOURCE.md).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/vegetation/threepg_inputs.hpp"
#include "grids/input_error.hpp"
#include "models/threepg/species_sets.hpp"
#include "models/threepg/threepg.hpp"

namespace threepg = alamod::models::threepg;
using alamod::engine::vegetation::read_threepg_stand;

namespace {

const std::string kData = ALAMOD_TEST_THREEPG_DATA;

alamod::engine::vegetation::ThreepgStand example_stand() {
  return read_threepg_stand(kData + "/input_d_site.csv", kData + "/input_d_species.csv",
                            kData + "/input_d_climate.csv", kData + "/input_d_thinning.csv",
                            kData + "/input_d_parameters.csv");
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

  std::ifstream in(kData + "/r3pg_example_pjs_key.csv");
  ASSERT_TRUE(in) << "missing reference";
  std::string line;
  std::getline(in, line);
  std::size_t compared = 0, failed = 0;
  double worst = 0;
  std::string worst_at;
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string date, species, group, name, value;
    std::getline(ss, date, ',');
    std::getline(ss, species, ',');
    std::getline(ss, group, ',');
    std::getline(ss, name, ',');
    std::getline(ss, value, ',');
    const double ref = std::stod(value);
    const int year = std::stoi(date.substr(0, 4)), month = std::stoi(date.substr(5, 2));
    const std::size_t ii = static_cast<std::size_t>((year - 2001) * 12 + month - 1);
    std::size_t sp = 0;
    while (sp < stand.cohorts.size() && stand.cohorts[sp].species != species) ++sp;
    ASSERT_LT(sp, stand.cohorts.size()) << species;
    const double got = variable(run[ii], run[ii].cohorts[sp], name);
    const double err = std::abs(got - ref) / std::max(std::abs(ref), 1e-300);
    const bool ok = ref == 0 ? std::abs(got) < 1e-12 : err <= 1e-8;
    if (!ok && ++failed <= 20)
      ADD_FAILURE() << date << " " << species << " " << name << ": " << got << " vs r3PG " << ref << " (rel " << err
                    << ")";
    if (ref != 0 && err > worst) {
      worst = err;
      worst_at = date + " " + species + " " + name;
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
