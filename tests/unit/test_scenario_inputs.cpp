// Scenario inputs in every soil model (GridModel::set_input_change, engine/model_bindings/): (a) a neutral
// change (plant factor 1, nothing added, decomposition factor 1) gives the bits of no change; (b) a plant factor
// f on a linear model equals the run with the carbon input times f; (c) each added kind enters the pools in the
// split of models/NAME/README.md "Scenario inputs" (checked with decomposition stopped, factor 0, so that the
// pools hold exactly what entered); (d) the yearly carbon balance holds with additions, their carbon counted in
// the input flux; (e) a decomposition factor d slows the loss of a first-order pool without input by exactly d in
// the exponent (linear models), and lowers the respiration (nonlinear ones). Each model is its own ctest
// (scenario_inputs_NAME), on three cells of two classes, the models' own grid bindings (make_grid_model). With
// scenario_inputs_rothc: the composition of the vegetation's litter with a scenario's change (vegetation_with_scenario).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"
#include "engine/model_bindings/grid_model.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/scenario_inputs.hpp"
#include "models/millennial/millennial.hpp"
#include "models/mimics/mimics.hpp"

namespace {

using namespace alamod::engine;
constexpr std::size_t kCells = 3;

RunConfig config(const std::string& model) {
  RunConfig cfg;
  cfg.path = "test_scenario_inputs.toml";
  cfg.model = model;
  cfg.soil_depth_cm = 30.0;
  LandUseClass crop;
  crop.name = "cropland";
  crop.code = 1;
  crop.input_share = {0, 0, 0, 0, 0, 0, 0, 0.5, 0.5, 0, 0, 0};  // August and September
  crop.covered = {0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
  crop.fym = 0.5;
  LandUseClass grass;
  grass.name = "grassland";
  grass.code = 2;
  grass.dpm_rpm_ratio = 0.67;
  grass.input_share.fill(1.0 / 12.0);
  grass.covered.fill(1.0);
  grass.lignin_fraction = 0.10;
  grass.n_fraction = 0.015;
  grass.awen = {0.4, 0.3, 0.1, 0.2};
  cfg.land_uses = {crop, grass};
  return cfg;
}

GridCells cells(double input_factor = 1.0) {
  GridCells c;
  c.land_class = {0, 1, 0};
  c.clay = {20.0, 35.0, 12.0};
  c.annual_input = {2.0 * input_factor, 3.0 * input_factor, 1.5 * input_factor};
  c.soc_observed = {50.0, 70.0, 40.0};
  return c;
}

/// A temperate year: tas 3-19 degC, pr 60 mm month-1, pet 10-110 mm month-1 (month m of cell i at m n + i).
MonthlyClimate climate() {
  MonthlyClimate m(3, std::vector<double>(12 * kCells));
  for (int mo = 0; mo < 12; ++mo)
    for (std::size_t i = 0; i < kCells; ++i) {
      const double season = -std::cos(2.0 * 3.141592653589793 * (mo + 0.5) / 12.0);  // -1 winter, +1 summer
      m[0][mo * kCells + i] = 11.0 + 8.0 * season + static_cast<double>(i);
      m[1][mo * kCells + i] = 60.0 + 5.0 * static_cast<double>(i);
      m[2][mo * kCells + i] = 60.0 + 50.0 * season;
    }
  return m;
}

struct ModelRun {
  RunConfig cfg;
  std::unique_ptr<GridModel> model;
  YearFluxes fluxes;
  std::vector<std::vector<double>> pools;
};

/// A model set up on the cells and brought near its equilibrium (brute force: no PETSc needed).
std::unique_ptr<ModelRun> make_run(const std::string& name, double input_factor = 1.0) {
  auto r = std::make_unique<ModelRun>();
  r->cfg = config(name);
  r->model = make_grid_model(r->cfg);
  r->model->set_cells(cells(input_factor), [](std::size_t i) { return "cell " + std::to_string(i); });
  r->model->brute_force_spin_up(climate(), 1e-3, 30);
  return r;
}
/// Copy the state of `from` into `to` (the checkpoint's path: state(), then state_restored()).
void copy_state(ModelRun& from, ModelRun& to) {
  auto a = from.model->state(), b = to.model->state();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) *b[k].second = *a[k].second;
  to.model->state_restored();
}
void step(ModelRun& r, int years = 1) {
  for (int y = 0; y < years; ++y) r.model->step_year(2020 + y, climate(), r.fluxes);
  r.model->pools(r.pools);
}
double total(const ModelRun& r, std::size_t i) {
  double s = 0.0;
  for (const auto& p : r.pools) s += p[i];
  return s;
}

bool linear(const std::string& m) { return m != "millennial" && m != "mimics"; }

class ScenarioInputs : public ::testing::TestWithParam<std::string> {};

// (a) a neutral change gives the bits of no change, year after year
TEST_P(ScenarioInputs, NeutralChangeGivesTheSameBits) {
  auto plain = make_run(GetParam()), neutral = make_run(GetParam());
  InputChange c;
  c.plant_factor.assign(kCells, 1.0);
  c.decomposition_factor.assign(kCells, 1.0);
  for (auto& a : c.added) a.assign(kCells, 0.0);
  neutral->model->set_input_change(c);
  step(*plain, 2);
  step(*neutral, 2);
  for (std::size_t k = 0; k < plain->pools.size(); ++k)
    for (std::size_t i = 0; i < kCells; ++i) EXPECT_EQ(plain->pools[k][i], neutral->pools[k][i]) << "pool " << k << " cell " << i;
  for (std::size_t i = 0; i < kCells; ++i) {
    EXPECT_EQ(plain->fluxes.input[i], neutral->fluxes.input[i]);
    EXPECT_EQ(plain->fluxes.rh[i], neutral->fluxes.rh[i]);
  }
  // an empty change afterwards restores the plain inputs
  neutral->model->set_input_change(InputChange{});
  step(*plain);
  step(*neutral);
  for (std::size_t i = 0; i < kCells; ++i) EXPECT_EQ(plain->fluxes.rh[i], neutral->fluxes.rh[i]);
}

// (b) plant factor f = the carbon input raster times f from that year (linear models; the nonlinear ones too,
// where the class's litter quality does not depend on the input: all but MIMICS, whose turnover modifier does)
TEST_P(ScenarioInputs, PlantFactorEqualsScaledInput) {
  if (GetParam() == "mimics") GTEST_SKIP() << "MIMICS's site constants depend on the mean input (its turnover modifier)";
  const double f = 1.2;
  auto scaled = make_run(GetParam()), raster = make_run(GetParam(), f), base = make_run(GetParam());
  copy_state(*base, *raster);
  copy_state(*base, *scaled);
  InputChange c;
  c.plant_factor.assign(kCells, f);
  scaled->model->set_input_change(c);
  step(*scaled, 2);
  step(*raster, 2);
  step(*base, 2);
  for (std::size_t k = 0; k < scaled->pools.size(); ++k)
    for (std::size_t i = 0; i < kCells; ++i)
      EXPECT_NEAR(scaled->pools[k][i], raster->pools[k][i], 1e-11 * (1.0 + std::fabs(raster->pools[k][i])))
          << "pool " << k << " cell " << i;
  for (std::size_t i = 0; i < kCells; ++i) EXPECT_GT(total(*scaled, i), total(*base, i));
}

// the plant factor applies on top of the inverse spin-up's scale, never erased: the plant input becomes f x scale x
// the raster's input (linear models whose input flux is the plant input of the year: all but AMG)
TEST_P(ScenarioInputs, PlantFactorOnTopOfTheInverseSpinup) {
  const std::string name = GetParam();
  if (!linear(name) || name == "amg") GTEST_SKIP() << "inverse spin-up: linear models; AMG's input flux is humified";
  const double f = 1.2;
  auto base = make_run(name), scaled = make_run(name);
  for (ModelRun* r : {base.get(), scaled.get()}) r->model->spin_up(climate(), true);
  InputChange c;
  c.plant_factor.assign(kCells, f);
  scaled->model->set_input_change(c);
  step(*base);
  step(*scaled);
  const GridCells g = cells();
  for (std::size_t i = 0; i < kCells; ++i) {
    const double scale = scaled->model->input_scale()[i];
    EXPECT_GT(std::fabs(scale - 1.0), 0.01) << "cell " << i << ": the inverse spin-up scaled the input";
    EXPECT_NEAR(scaled->fluxes.input[i] - base->fluxes.input[i], (f - 1.0) * scale * g.annual_input[i], 1e-12)
        << "cell " << i;
  }
}

// (c) the split of each kind: with decomposition stopped (factor 0) the pools gain exactly what entered, in
// the documented split; compared with the same run without the addition
TEST_P(ScenarioInputs, AddedKindsEnterInTheirSplit) {
  const std::string name = GetParam();
  std::vector<std::pair<double, double>> millennial_pom;  // (POM share, POM + AGG gain per unit added)
  for (int kind = 0; kind < kAddedInputKinds; ++kind) {
    SCOPED_TRACE(added_input_name(kind));
    auto with = make_run(name), without = make_run(name);
    InputChange c0;
    c0.decomposition_factor.assign(kCells, 0.0);
    InputChange c1 = c0;
    c1.added[static_cast<std::size_t>(kind)] = {1.0, 0.0, 2.0};
    without->model->set_input_change(c0);
    with->model->set_input_change(c1);
    // AMG: the humified part h of an input enters the active pool the next year, and is AMG's input flux
    const bool amg = name == "amg";
    step(*with, amg ? 2 : 1);
    step(*without, amg ? 2 : 1);
    const double h = amg ? scenario_inputs::amg_humification(kind) : 1.0;
    const double amount[kCells] = {1.0 * h, 0.0, 2.0 * h};
    std::vector<std::array<double, 8>> gain(kCells);
    for (std::size_t i = 0; i < kCells; ++i) {
      double sum = 0.0;
      for (std::size_t k = 0; k < with->pools.size(); ++k) {
        gain[i][k] = with->pools[k][i] - without->pools[k][i];
        sum += gain[i][k];
      }
      // the added carbon is in the pools, or left by what still runs without decomposition (Millennial's
      // leaching of LMWC): nothing else
      const double left = (with->fluxes.rh[i] - without->fluxes.rh[i]) + (with->fluxes.leaching[i] - without->fluxes.leaching[i]);
      EXPECT_NEAR(sum + left, amount[i], 1e-9 * (1.0 + amount[i])) << "cell " << i;
      if (linear(name)) {
        EXPECT_NEAR(left, 0.0, 1e-12) << "cell " << i << ": nothing decomposes with factor 0";
      }
      EXPECT_NEAR(with->fluxes.input[i] - without->fluxes.input[i], amount[i], 1e-9 * (1.0 + amount[i]));
    }
    const LandUseClass& crop = with->cfg.land_uses[0];
    const auto expect = [&](std::size_t i, std::size_t pool, double share) {
      EXPECT_NEAR(gain[i][pool], amount[i] * share, 1e-9) << "pool " << pool << " cell " << i;
    };
    if (amg) {
      for (std::size_t i : {0u, 2u}) expect(i, 0, 1.0), expect(i, 1, 0.0);  // active, stable
    } else if (name == "rothc") {
      if (scenario_inputs::is_amendment(kind)) {
        for (std::size_t i : {0u, 2u}) expect(i, 0, 0.49), expect(i, 1, 0.49), expect(i, 3, 0.02), expect(i, 2, 0.0);
      } else {
        const double r = scenario_inputs::rothc_dpm_rpm_ratio(kind, crop.dpm_rpm_ratio);
        for (std::size_t i : {0u, 2u}) expect(i, 0, r / (r + 1.0)), expect(i, 1, 1.0 / (r + 1.0)), expect(i, 3, 0.0);
      }
    } else if (name == "yasso15" || name == "yasso07") {
      const auto awen = scenario_inputs::yasso_awen(kind, crop.awen);
      for (std::size_t i : {0u, 2u})
        for (std::size_t k = 0; k < 4; ++k) expect(i, k, awen[k]);
    } else if (name == "icbm") {
      const double h = scenario_inputs::icbm_humification(kind, 0.125);
      const double to_old = h > 0.125 ? (h - 0.125) / (1.0 - 0.125) : 0.0;
      for (std::size_t i : {0u, 2u}) expect(i, 0, 1.0 - to_old), expect(i, 1, to_old);
    } else if (name == "century") {
      const auto q = scenario_inputs::litter_quality(kind, crop);
      const double fm = scenario_inputs::metabolic_share(0.85, 0.018, q);
      const double surface = scenario_inputs::century_surface_share(kind, 0.5);
      for (std::size_t i : {0u, 2u}) {
        expect(i, 0, surface * (1.0 - fm));
        expect(i, 1, surface * fm);
        expect(i, 2, (1.0 - surface) * (1.0 - fm));
        expect(i, 3, (1.0 - surface) * fm);
      }
    } else if (name == "mimics") {
      // litter pools only gain their input when Vmax is 0; fi of it goes straight to SOMp and SOMc
      const alamod::models::mimics::Parameters mp{};
      const auto q = scenario_inputs::litter_quality(kind, crop);
      double fmet = mp.fmet_p1 * (mp.fmet_p2 - mp.fmet_p3 * q.lignin / q.nitrogen);
      fmet = fmet < 0.0 ? 0.0 : (fmet > 1.0 ? 1.0 : fmet);
      for (std::size_t i : {0u, 2u}) {
        expect(i, 0, fmet * (1.0 - mp.fi_met * mp.fi_scale));
        expect(i, 1, (1.0 - fmet) * (1.0 - mp.fi_str * mp.fi_scale));
      }
    } else if (name == "millennial") {
      // POM keeps its share pi or passes it on to aggregates (which do not break down with the factor 0); the
      // LMWC share also reaches aggregates, through MAOM, but only in part: POM + AGG gain more from a kind
      // with a larger POM share (checked below, over the kinds)
      const double pi = kind == 0 ? alamod::models::millennial::Parameters{}.param_pi
                                  : 1.0 - scenario_inputs::metabolic_share(0.85, 0.018, scenario_inputs::litter_quality(kind, crop));
      millennial_pom.push_back({pi, (gain[0][0] + gain[0][2]) / amount[0]});
      EXPECT_GE(gain[0][0] + gain[0][2], amount[0] * pi * 0.98) << "POM + AGG keep at least the POM share";
    }
  }
  for (const auto& a : millennial_pom)
    for (const auto& b : millennial_pom)
      if (a.first > b.first + 0.05) {
        EXPECT_GT(a.second, b.second) << "POM share " << a.first << " vs " << b.first;
      }
}

// (d) the yearly balance: change of stock = input - rh - leaching, the additions in the input (the second year
// of the change: AMG's humified input enters the year after)
TEST_P(ScenarioInputs, BalanceHoldsWithAdditions) {
  auto r = make_run(GetParam()), plain = make_run(GetParam());
  InputChange c;
  c.plant_factor = {1.1, 1.0, 1.0};
  c.decomposition_factor = {0.9, 1.0, 0.8};
  for (auto& a : c.added) a = {0.3, 0.3, 0.3};
  r->model->set_input_change(c);
  step(*r);
  step(*plain);
  std::vector<double> before(kCells);
  for (std::size_t i = 0; i < kCells; ++i) before[i] = total(*r, i);
  step(*r);
  step(*plain);
  for (std::size_t i = 0; i < kCells; ++i) {
    const double change = total(*r, i) - before[i];
    const double flux = r->fluxes.input[i] - r->fluxes.rh[i] - r->fluxes.leaching[i];
    EXPECT_NEAR(change, flux, 1e-9 * (1.0 + std::fabs(before[i]))) << "cell " << i;
    EXPECT_GT(r->fluxes.input[i], plain->fluxes.input[i] + 0.5) << "cell " << i << ": the additions are in the input";
  }
}

// (e) decomposition factor d: a first-order pool without input keeps exp(-d K) instead of exp(-K)
TEST_P(ScenarioInputs, DecompositionFactorSlowsTheLoss) {
  const std::string name = GetParam();
  const double d = 0.7;
  // (state name, index of a pool that receives nothing but inputs, or from no other pool of this start)
  const std::map<std::string, std::pair<int, int>> first_order = {
      {"rothc", {1, 1}}, {"amg", {0, 0}},  {"icbm", {0, 0}},    {"yasso15", {4, 4}},
      {"yasso07", {4, 4}}, {"century", {0, 0}}};
  auto fast = make_run(name), slow = make_run(name);
  InputChange none, c;
  none.plant_factor.assign(kCells, 0.0);  // no plant input; manure of the class removed below
  c = none;
  c.decomposition_factor.assign(kCells, d);
  if (!linear(name)) {
    fast->model->set_input_change(none);
    slow->model->set_input_change(c);
    step(*fast);
    step(*slow);
    for (std::size_t i = 0; i < kCells; ++i) EXPECT_LT(slow->fluxes.rh[i], fast->fluxes.rh[i]) << "cell " << i;
    return;
  }
  const auto [state_index, pool] = first_order.at(name);
  // a start with only that pool: every other state 0 (the class's manure is 0 in this start's classes)
  for (ModelRun* r : {fast.get(), slow.get()}) {
    r->cfg.land_uses[0].fym = 0.0;
    auto s = r->model->state();
    for (std::size_t k = 0; k < s.size(); ++k) {
      if (s[k].first == "input_scale" || s[k].first == "iom" || s[k].first == "smd") continue;
      for (double& v : *s[k].second) v = static_cast<int>(k) == state_index ? 10.0 : 0.0;
    }
    r->model->state_restored();
  }
  fast->model->set_input_change(none);
  slow->model->set_input_change(c);
  step(*fast);
  step(*slow);
  for (std::size_t i = 0; i < kCells; ++i) {
    const double kept_fast = fast->pools[static_cast<std::size_t>(pool)][i] / 10.0;
    const double kept_slow = slow->pools[static_cast<std::size_t>(pool)][i] / 10.0;
    ASSERT_GT(kept_fast, 0.0);
    ASSERT_LT(kept_fast, 1.0);
    EXPECT_NEAR(std::log(kept_slow) / std::log(kept_fast), d, 1e-9) << "cell " << i;
  }
}

// a change that does not fit the cells is refused, naming the vector; moving cells (set_cells) clears the change
TEST_P(ScenarioInputs, RefusesAChangeThatDoesNotFit) {
  auto r = make_run(GetParam());
  InputChange wrong_size;
  wrong_size.plant_factor = {1.0, 1.0};
  try {
    r->model->set_input_change(wrong_size);
    ADD_FAILURE() << "a plant_factor of 2 values for 3 cells was taken";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("plant_factor (1) has 2 values for 3 cells"), std::string::npos) << e.what();
  }
  InputChange negative;
  negative.added[static_cast<std::size_t>(AddedInput::manure)] = {0.0, -1.0, 0.0};
  try {
    r->model->set_input_change(negative);
    ADD_FAILURE() << "a negative addition was taken";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("added manure (t C ha-1 yr-1) = -1"), std::string::npos) << e.what();
  }
  auto plain = make_run(GetParam());
  InputChange c;
  c.plant_factor.assign(kCells, 2.0);
  r->model->set_input_change(c);
  r->model->set_cells(cells(), [](std::size_t i) { return "cell " + std::to_string(i); });
  r->model->brute_force_spin_up(climate(), 1e-3, 30);
  step(*r);
  step(*plain);
  for (std::size_t i = 0; i < kCells; ++i) EXPECT_EQ(r->fluxes.rh[i], plain->fluxes.rh[i]) << "cell " << i;
}

// RothC: cover crops count the soil as covered from September to February (its plant-cover rate modifier 0.6):
// the crop class is bare from September to February, so a cover crop, however small, slows its decomposition
// The vegetation's litter with a scenario's interventions on top (vegetation_with_scenario; docs/SCENARIOS.md "With
// vegetation"): on the vegetated tiles (0, 1) the plant factor multiplies every kind of litter and the static input
// stays replaced; the additions add by kind; the tile without vegetation (2) takes the scenario's change as is.
TEST(ScenarioInputsrothc, VegetationLitterWithScenario) {
  InputChange veg;
  veg.plant_factor = {0.0, 0.0, 1.0};
  veg.added[static_cast<std::size_t>(AddedInput::plant)] = {2.0, 0.5, 0.0};
  veg.added[static_cast<std::size_t>(AddedInput::woody)] = {0.0, 1.5, 0.0};
  veg.added[static_cast<std::size_t>(AddedInput::grass)] = {0.0, 0.0, 0.0};
  InputChange sc;
  sc.plant_factor = {1.2, 1.0, 1.1};
  sc.added[static_cast<std::size_t>(AddedInput::cover_crop)] = {0.78, 0.0, 0.0};
  sc.added[static_cast<std::size_t>(AddedInput::woody)] = {0.0, 0.25, 0.3};
  sc.decomposition_factor = {0.9, 1.0, 1.0};
  const InputChange c = vegetation_with_scenario(veg, sc);
  EXPECT_EQ(c.plant_factor, (std::vector<double>{0.0, 0.0, 1.1}));
  EXPECT_EQ(c.added[static_cast<std::size_t>(AddedInput::plant)], (std::vector<double>{2.0 * 1.2, 0.5, 0.0}));
  EXPECT_EQ(c.added[static_cast<std::size_t>(AddedInput::woody)], (std::vector<double>{0.0, 1.5 + 0.25, 0.3}));
  EXPECT_EQ(c.added[static_cast<std::size_t>(AddedInput::cover_crop)], (std::vector<double>{0.78, 0.0, 0.0}));
  EXPECT_EQ(c.added[static_cast<std::size_t>(AddedInput::grass)], (std::vector<double>{0.0, 0.0, 0.0}));
  EXPECT_TRUE(c.added[static_cast<std::size_t>(AddedInput::manure)].empty());
  EXPECT_EQ(c.decomposition_factor, sc.decomposition_factor);
  // an empty scenario change leaves the vegetation's
  const InputChange same = vegetation_with_scenario(veg, InputChange{});
  EXPECT_EQ(same.plant_factor, veg.plant_factor);
  for (int k = 0; k < kAddedInputKinds; ++k)
    EXPECT_EQ(same.added[static_cast<std::size_t>(k)], veg.added[static_cast<std::size_t>(k)]) << k;
  EXPECT_TRUE(same.decomposition_factor.empty());
}

TEST(ScenarioInputsrothc, CoverCropsCoverTheSoil) {
  auto plain = make_run("rothc"), covered = make_run("rothc"), grass = make_run("rothc");
  InputChange c, g;
  c.added[static_cast<std::size_t>(AddedInput::cover_crop)] = {1e-9, 1e-9, 1e-9};
  g.added[static_cast<std::size_t>(AddedInput::grass)] = {1e-9, 1e-9, 1e-9};
  covered->model->set_input_change(c);
  grass->model->set_input_change(g);
  step(*plain);
  step(*covered);
  step(*grass);
  for (std::size_t i : {0u, 2u}) {  // the crop cells
    EXPECT_LT(covered->fluxes.rh[i], 0.95 * plain->fluxes.rh[i]) << "cell " << i;
    EXPECT_NEAR(grass->fluxes.rh[i], plain->fluxes.rh[i], 1e-8) << "cell " << i << ": grass does not change the cover";
  }
  // the grassland cell is covered all year already
  EXPECT_NEAR(covered->fluxes.rh[1], plain->fluxes.rh[1], 1e-8);
}

INSTANTIATE_TEST_SUITE_P(Models, ScenarioInputs,
                         ::testing::Values("rothc", "amg", "icbm", "yasso15", "yasso07", "century", "millennial",
                                           "mimics"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
