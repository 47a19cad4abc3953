// Practice presets (engine/scenario/practices.hpp): defaults, overrides, errors, and the calibration regression of
// cover crops with the RothC kernel on real France cropland tiles (docs/SCENARIOS.md, "Practices").
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "engine/scenario/practices.hpp"
#include "grids/input_error.hpp"
#include "models/rothc/rothc.hpp"

namespace sc = alamod::engine::scenario;
using alamod::engine::AddedInput;
using alamod::engine::kAddedInputKinds;
namespace rothc = alamod::models::rothc;

namespace {

const std::vector<std::string> kInterventionKeys = {"practice", "classes", "regions", "adoption", "start_year",
                                                    "ramp_years", "end_year"};

sc::PracticeEffect effect_of(const std::string& name, const std::string& toml_text) {
  const auto* p = sc::find_practice(name);
  if (!p) throw std::runtime_error("no practice " + name);
  const auto t = toml::parse(toml_text);
  return sc::practice_effect(*p, t, kInterventionKeys, "s.toml: scenario x: intervention 1");
}

std::string error_of(const std::string& name, const std::string& toml_text) {
  try {
    effect_of(name, toml_text);
  } catch (const alamod::InputError& e) {
    return e.what();
  }
  return "";
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

TEST(Practices, EveryPresetIsDeclaredAndItsDefaultEffectIsFiniteAndWithinBounds) {
  const auto& all = sc::practice_presets();
  ASSERT_GE(all.size(), 16u);
  for (const char* name : {"cover_crops", "temporary_grassland", "manure", "compost", "digestate",
                           "agroforestry_cropland", "agroforestry_grassland", "hedges_cropland", "hedges_grassland",
                           "grass_strips", "direct_seeding", "direct_seeding_plough_5yr", "vineyard_inter_row_cover",
                           "orchard_inter_row_cover", "grazing_instead_of_mowing", "grassland_intensification"})
    EXPECT_NE(sc::find_practice(name), nullptr) << name;
  EXPECT_EQ(sc::find_practice("cover_crop"), nullptr);
  const std::vector<std::string> unit_suffixes = {"_tC_ha_yr", "_t_ha_yr", "_kgC_t", "_m_ha", "_tC_per_100m_yr",
                                                  "_factor"};
  for (const auto& p : all) {
    SCOPED_TRACE(p.name);
    EXPECT_FALSE(p.classes.empty());
    EXPECT_FALSE(p.title.empty());
    EXPECT_FALSE(p.source.empty());
    EXPECT_FALSE(p.changes.empty());
    EXPECT_FALSE(p.parameters.empty());
    if (p.calibrated)
      EXPECT_GT(p.published_rate_tC_ha_yr, 0.0);
    else
      EXPECT_EQ(p.published_rate_tC_ha_yr, 0.0);
    std::vector<double> values;
    for (const auto& q : p.parameters) {
      SCOPED_TRACE(q.key);
      EXPECT_FALSE(q.help.empty());
      EXPECT_FALSE(q.unit.empty());
      EXPECT_LT(q.min, q.max);
      EXPECT_GE(q.value, q.min);
      EXPECT_LE(q.value, q.max);
      bool has_unit = false;
      for (const auto& u : unit_suffixes) has_unit = has_unit || ends_with(q.key, u);
      EXPECT_TRUE(has_unit) << "a parameter's key ends with its unit";
      values.push_back(q.value);
    }
    const auto e = p.effect(values);
    EXPECT_TRUE(std::isfinite(e.plant_factor));
    EXPECT_GE(e.plant_factor, 1.0);
    EXPECT_LE(e.plant_factor, 3.0);
    EXPECT_TRUE(std::isfinite(e.decomposition_factor));
    EXPECT_GT(e.decomposition_factor, 0.3 - 1e-12);
    EXPECT_LE(e.decomposition_factor, 1.5);
    double added = 0.0;
    for (int k = 0; k < kAddedInputKinds; ++k) {
      EXPECT_TRUE(std::isfinite(e.added[k]));
      EXPECT_GE(e.added[k], 0.0);
      EXPECT_LE(e.added[k], 10.0);
      added += e.added[k];
    }
    EXPECT_TRUE(added > 0.0 || e.plant_factor != 1.0 || e.decomposition_factor != 1.0) << "the preset changes nothing";
    // the same through practice_effect with no overrides
    const auto e2 = sc::practice_effect(p, toml::table{}, kInterventionKeys, "w");
    EXPECT_EQ(e2.plant_factor, e.plant_factor);
    EXPECT_EQ(e2.decomposition_factor, e.decomposition_factor);
    for (int k = 0; k < kAddedInputKinds; ++k) EXPECT_EQ(e2.added[k], e.added[k]);
  }
  // the classes: the France default's names, and vineyard/orchard for the inter-row covers
  EXPECT_EQ(sc::find_practice("vineyard_inter_row_cover")->classes, std::vector<std::string>{"vineyard"});
  EXPECT_EQ(sc::find_practice("orchard_inter_row_cover")->classes, std::vector<std::string>{"orchard"});
  EXPECT_EQ(sc::find_practice("hedges_grassland")->classes, std::vector<std::string>{"grassland"});
}

TEST(Practices, OverridesChangeTheEffectAndTheInterventionKeysAreSkipped) {
  const int cc = static_cast<int>(AddedInput::cover_crop);
  auto e = effect_of("cover_crops", "practice = \"cover_crops\"\nclasses = [\"cropland\"]\nadoption = 0.6\n"
                                    "extra_input_tC_ha_yr = 1.5\n");
  EXPECT_EQ(e.added[cc], 1.5);
  e = effect_of("cover_crops", "extra_input_tC_ha_yr = 2\n");  // an integer is a number too
  EXPECT_EQ(e.added[cc], 2.0);
  const int woody = static_cast<int>(AddedInput::woody);
  e = effect_of("hedges_cropland", "hedge_length_m_ha = 120\n");
  EXPECT_DOUBLE_EQ(e.added[woody], 1.2 * sc::find_practice("hedges_cropland")->parameters[1].value);
  e = effect_of("manure", "fresh_matter_t_ha_yr = 20.0\ncarbon_content_kgC_t = 120.0\n");
  EXPECT_DOUBLE_EQ(e.added[static_cast<int>(AddedInput::manure)], 2.4);
  e = effect_of("direct_seeding", "decomposition_factor = 0.9\n");
  EXPECT_EQ(e.decomposition_factor, 0.9);
  e = effect_of("grazing_instead_of_mowing", "plant_factor = 1.2\n");
  EXPECT_EQ(e.plant_factor, 1.2);
  EXPECT_EQ(e.added[static_cast<int>(AddedInput::manure)], 0.4);
}

TEST(Practices, BadKeysAndValuesGetTheDocumentedOneLineErrors) {
  const std::string where = "s.toml: scenario x: intervention 1: ";
  EXPECT_EQ(error_of("cover_crops", "extra_inptu_tC_ha_yr = 1.0\n"),
            where + "key extra_inptu_tC_ha_yr: not a parameter of practice cover_crops (did you mean "
                    "extra_input_tC_ha_yr? its parameters: extra_input_tC_ha_yr)");
  EXPECT_EQ(error_of("cover_crops", "extra_input_tC_ha_yr = 12.0\n"),
            where + "key extra_input_tC_ha_yr: expected a number in 0-10 t C ha-1 yr-1, got 12");
  EXPECT_EQ(error_of("direct_seeding", "decomposition_factor = 1.2\n"),
            where + "key decomposition_factor: expected a number in 0.3-1 1, got 1.2");
  EXPECT_EQ(error_of("cover_crops", "extra_input_tC_ha_yr = \"a lot\"\n"),
            where + "key extra_input_tC_ha_yr: expected a number in 0-10 t C ha-1 yr-1, got a value that is not a "
                    "number");
  EXPECT_EQ(error_of("cover_crops", "extra_input = 1.0\n"),
            where + "key extra_input: a number without its unit: write extra_input_tC_ha_yr (t C ha-1 yr-1)");
  EXPECT_EQ(error_of("hedges_grassland", "hedge_length = 80\n"),
            where + "key hedge_length: a number without its unit: write hedge_length_m_ha (m ha-1)");
  for (const auto& msg : {error_of("cover_crops", "extra_input = 1.0\n"), error_of("manure", "tonnes = 3\n")}) {
    EXPECT_FALSE(msg.empty());
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(Practices, DefaultsAreTheCalibrationScriptsTable) {
  std::ifstream in(ALAMOD_TEST_CALIBRATION_CSV);
  ASSERT_TRUE(in) << ALAMOD_TEST_CALIBRATION_CSV;
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("practice,", 0) == 0) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    ASSERT_GE(f.size(), 6u) << line;
    const auto* p = sc::find_practice(f[0]);
    ASSERT_NE(p, nullptr) << f[0];
    SCOPED_TRACE(f[0]);
    EXPECT_EQ(p->classes.front(), f[1]);
    const sc::PracticeParameter* q = nullptr;
    for (const auto& x : p->parameters)
      if (x.key == f[3]) q = &x;
    ASSERT_NE(q, nullptr) << f[3];
    EXPECT_EQ(q->value, std::stod(f[4]));
    if (f.size() >= 8 && !f[6].empty()) {
      EXPECT_TRUE(p->calibrated);
      EXPECT_EQ(p->published_rate_tC_ha_yr, std::stod(f[6]));
      EXPECT_LE(std::fabs(std::stod(f[7])), 10.0) << "calibrated within 10 %";
    } else {
      EXPECT_FALSE(p->calibrated);
    }
    ++rows;
  }
  EXPECT_EQ(rows, static_cast<int>(sc::practice_presets().size()));
}

namespace {

struct Tile {
  double weight, clay, soc, input;
  std::vector<double> tas, pr, pet;
};

struct Sample {
  int first_year = 0, spinup_years = 0, branch_year = 0, years = 0;
  double depth = 0.0, script_rate = 0.0, script_default = 0.0;
  std::vector<Tile> tiles;
};

Sample read_sample() {
  Sample s;
  std::ifstream in(std::string(ALAMOD_TEST_PRACTICES_DIR) + "/france_cells.csv");
  if (!in) throw std::runtime_error("cannot open france_cells.csv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# first_year", 0) == 0) {
      std::sscanf(line.c_str(), "# first_year %d, spinup_years %d, branch_year %d, years %d, depth_cm %lf",
                  &s.first_year, &s.spinup_years, &s.branch_year, &s.years, &s.depth);
    } else if (line.rfind("# cover_crops", 0) == 0) {
      std::sscanf(line.c_str(), "# cover_crops extra_input_tC_ha_yr %lf: weighted RothC rate of these tiles %lf",
                  &s.script_default, &s.script_rate);
    } else if (!line.empty() && line[0] != '#' && line.rfind("zone,", 0) != 0) {
      std::vector<std::string> f;
      std::stringstream ss(line);
      for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
      if (f[7] == "tas") s.tiles.push_back({std::stod(f[3]), std::stod(f[4]), std::stod(f[5]), std::stod(f[6]), {}, {}, {}});
      auto& t = s.tiles.back();
      auto& v = f[7] == "tas" ? t.tas : f[7] == "pr" ? t.pr : t.pet;
      for (size_t i = 8; i < f.size(); ++i) v.push_back(static_cast<double>(std::stof(f[i])));  // float32 values
    }
  }
  return s;
}

// The cropland class of configs/france_default.toml.
constexpr double kShare[12] = {0.0, 0.0, 0.05, 0.1, 0.1, 0.1, 0.3, 0.25, 0.0, 0.05, 0.05, 0.0};
constexpr double kCovered[12] = {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1};
constexpr double kRatio = 1.44;
const int kCoverMonths[6] = {8, 9, 10, 11, 0, 1};  // AddedInput::cover_crop: September-February, soil covered

// RothC on one tile as the grid run does it (engine/model_bindings/rothc.cpp): the inverse spin-up on the mean of the
// first spinup years, the years to the branch, then `years` years with an added cover-crop input `cover` (t C ha-1
// yr-1; < 0: none, and the soil keeps its bare months). Returns the total SOC at the end (t C ha-1).
double run_tile(const Sample& s, const Tile& t, double cover) {
  const rothc::Parameters p;
  rothc::SoilProperties soil;
  soil.clay_pct = t.clay;
  soil.depth_cm = s.depth;
  const auto k = rothc::derive_soil_constants(p, soil);
  const double iom = rothc::falloon_iom(t.soc);
  const double dfrac = kRatio / (kRatio + 1.0);
  auto forcing = [&](int year, int mo, double input, bool cover_on, double cc) {
    const size_t i = static_cast<size_t>((year - s.first_year) * 12 + mo);
    double covered = kCovered[mo], extra = 0.0;
    if (cover_on)
      for (int m : kCoverMonths)
        if (m == mo) covered = 1.0, extra = cc / 6.0;
    // cover-crop residues have the cropland's DPM/RPM ratio (1.44): one input
    return rothc::CellForcing{t.tas[i], t.pr[i], t.pet[i] / p.evap_factor, input * kShare[mo] + extra, 0.0, covered,
                              dfrac};
  };
  // spin-up: the mean year of the first spinup years, the tile's input, brute force to the equilibrium, then the
  // inverse scale of that input
  std::vector<rothc::CellForcing> mean(12);
  for (int mo = 0; mo < 12; ++mo) {
    rothc::CellForcing f{0, 0, 0, t.input * kShare[mo], 0.0, kCovered[mo], dfrac};
    for (int y = 0; y < s.spinup_years; ++y) {
      const auto g = forcing(s.first_year + y, mo, 1.0, false, 0.0);
      f.tas_c += g.tas_c / s.spinup_years, f.rain_mm += g.rain_mm / s.spinup_years,
          f.evap_mm += g.evap_mm / s.spinup_years;
    }
    mean[mo] = f;
  }
  const double smd0 = rothc::periodic_deficit(p, k, mean.data(), 12);
  double x[4] = {0, 0, 0, 0}, y[4];
  for (int cycle = 0; cycle < 6000; ++cycle) {
    rothc::cycle_pools(p, k, mean.data(), 12, smd0, x, y, true);
    std::copy(y, y + 4, x);
  }
  const double scale = (t.soc - iom) / (x[0] + x[1] + x[2] + x[3]);
  rothc::CellState st{x[0] * scale, x[1] * scale, x[2] * scale, x[3] * scale, smd0};
  const double input = t.input * scale;
  for (int year = s.first_year; year < s.branch_year + s.years; ++year)
    for (int mo = 0; mo < 12; ++mo) {
      const bool on = year >= s.branch_year && cover >= 0.0;
      const auto f = forcing(year, mo, input, on, cover);
      rothc::step_cell(p, k, f, st);
    }
  return st.dpm + st.rpm + st.bio + st.hum + iom;
}

}  // namespace

// The calibration regression: with the RothC kernel itself (not the script's numpy transcription), the default
// cover_crops magnitude on 14 real France cropland tiles (one per pedo-climatic zone, weighted by the zone's cropland
// area) gives the published 0.24 t C ha-1 yr-1 over 20 years within 10 %, and the same rate as the calibration script.
TEST(Practices, CoverCropsDefaultReproducesThePublishedRateWithTheRothcKernel) {
  const auto s = read_sample();
  ASSERT_EQ(s.tiles.size(), 14u);
  ASSERT_EQ(s.years, 20);
  const auto* p = sc::find_practice("cover_crops");
  ASSERT_NE(p, nullptr);
  const double m = p->effect({p->parameters[0].value}).added[static_cast<int>(AddedInput::cover_crop)];
  EXPECT_EQ(m, s.script_default);
  double rate = 0.0, wsum = 0.0;
  for (const auto& t : s.tiles) {
    ASSERT_EQ(t.tas.size(), static_cast<size_t>((s.branch_year + s.years - s.first_year) * 12));
    const double base = run_tile(s, t, -1.0), with = run_tile(s, t, m);
    rate += t.weight * (with - base) / s.years;
    wsum += t.weight;
  }
  rate /= wsum;
  EXPECT_NEAR(rate, p->published_rate_tC_ha_yr, 0.10 * p->published_rate_tC_ha_yr);
  EXPECT_NEAR(rate, s.script_rate, 1e-5) << "the script's numpy RothC and the kernel differ";
  // and the practice does something the 10 % could not hide: without the cover crop's input, only the covered months
  const double covered_only = [&] {
    double r = 0.0;
    for (const auto& t : s.tiles) r += t.weight * (run_tile(s, t, 0.0) - run_tile(s, t, -1.0)) / s.years;
    return r / wsum;
  }();
  EXPECT_GT(covered_only, 0.0);
  EXPECT_LT(covered_only, 0.5 * p->published_rate_tC_ha_yr);
}
