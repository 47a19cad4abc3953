// AMG v2 kernel: carbon balance over a long run with varying forcing, the official rounding, the
// Bolinder plant inputs and the rate functions against values of the official R code
// (tests/data/amg/shipped, TRIAL_1), and the parameter bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "models/amg/amg.hpp"

namespace amg = alamod::models::amg;

namespace {

// Grain maize and Mustard (cover crop) of the official parameters_PLANT.csv.
amg::CropParameters grain_maize() { return {0.952, 0.49, 6.207, 0.5, 0.233, 0.4, 0.44, 0.4}; }
amg::CropParameters mustard() { return {0.75, 0.0, 5.524, 1.0, 0.357, 0.4, 0.44, 0.4}; }

TEST(AmgKernel, CarbonBalanceOverAlongRunWithVaryingForcing) {
  const amg::Parameters p;
  const amg::Soil soil{250.0, 20.0, 6.5, 9.5};
  std::mt19937_64 rng(20190401);
  std::uniform_real_distribution<double> temperature(-3.0, 18.0), rain(300.0, 1200.0), pet(500.0, 1100.0),
      yield(0.0, 14.0), dose(0.0, 40.0);
  amg::Stocks s = amg::initial_stocks(p, 50.0, amg::Rounding::none);
  const double soc0 = s.total;
  double humified_total = 0.0, inputs_total = 0.0, mineralised_total = 0.0, respired_total = 0.0;
  double previous_hum = 0.0, previous_c = 0.0;
  for (int year = 0; year < 500; ++year) {
    const amg::Climate climate{temperature(rng), rain(rng), year % 7 == 0 ? 150.0 : 0.0, pet(rng)};
    const amg::RateModifiers k = amg::mineralisation_rate(p, soil, climate, amg::Rounding::none);
    ASSERT_GT(k.k, 0.0);
    const double before = s.total;
    const double mineralised = amg::step_year(k.k, previous_hum, s, amg::Rounding::none);
    // Per year: the stock changes by the humified input minus the mineralised C, to round-off.
    EXPECT_NEAR(s.total - before, previous_hum - mineralised, 1e-12 * (1.0 + before)) << "year " << year;
    EXPECT_GE(mineralised, -1e-12);
    humified_total += previous_hum;
    inputs_total += previous_c;
    mineralised_total += mineralised;
    // All of the input that is not humified is respired in its year (AMG's humification coefficients).
    respired_total += mineralised + (previous_c - previous_hum);
    // Next year's input: a main crop with returned or exported residues, a cover crop, manure.
    const amg::CropInputs crop =
        amg::crop_inputs(p, grain_maize(), amg::CropType::main, yield(rng), 15.0, year % 3 != 0, 30.0);
    const amg::CropInputs cover = amg::crop_inputs(p, mustard(), amg::CropType::cover, 3.0, 0.0, true, 30.0);
    const amg::AmendmentInputs manure = amg::amendment_inputs({83.0, 0.64}, year % 4 == 0 ? dose(rng) : 0.0);
    previous_hum = crop.c_plant_hum + cover.c_plant_hum + manure.c_hum;
    previous_c = crop.c_plant + cover.c_plant + manure.c;
  }
  // Over the whole run: inputs - respiration = change of the stock; the stable pool never changes.
  const double change = s.total - soc0;
  EXPECT_NEAR(change, humified_total - mineralised_total, 1e-10 * soc0);
  EXPECT_NEAR(change, inputs_total - respired_total, 1e-10 * soc0);
  EXPECT_DOUBLE_EQ(s.stable, 0.65 * 50.0);
  EXPECT_NEAR(s.total, s.stable + s.active, 1e-12 * s.total);
}

TEST(AmgKernel, ActivePoolTendsToItsEquilibriumInputOverK) {
  // Constant k and input: A -> h/k (the steady state of dA/dt = h - k A), whatever the start.
  const amg::Parameters p;
  amg::Stocks s = amg::initial_stocks(p, 40.0, amg::Rounding::none);
  const double k = 0.08, h = 1.2;
  for (int year = 0; year < 2000; ++year) amg::step_year(k, h, s, amg::Rounding::none);
  EXPECT_NEAR(s.active, h / k, 1e-9);
  // k = 0 without rounding: nothing mineralises, the input accumulates.
  amg::Stocks z = amg::initial_stocks(p, 40.0, amg::Rounding::none);
  EXPECT_DOUBLE_EQ(amg::step_year(0.0, 1.0, z, amg::Rounding::none), 0.0);
  EXPECT_DOUBLE_EQ(z.active, 40.0 - 26.0 + 1.0);
  // k = 0 with the official rounding: NaN, as the official code (h/k (1 - e^-k)).
  amg::Stocks o = amg::initial_stocks(p, 40.0, amg::Rounding::official);
  amg::step_year(0.0, 1.0, o, amg::Rounding::official);
  EXPECT_TRUE(std::isnan(o.total));
}

TEST(AmgKernel, RoundsAsR) {
  // round(x, d) of R >= 4.0.0: the closer of the two decimal neighbours, ties to even.
  EXPECT_EQ(amg::round_decimal(2.5, 0), 2.0);
  EXPECT_EQ(amg::round_decimal(3.5, 0), 4.0);
  EXPECT_EQ(amg::round_decimal(-2.5, 0), -2.0);
  EXPECT_EQ(amg::round_decimal(-61.6, 0), -62.0);
  EXPECT_EQ(amg::round_decimal(11.65, 1), 11.7);  // 11.65 is 11.650000000000000355 in binary
  EXPECT_EQ(amg::round_decimal(0.15, 1), 0.1);    // 0.15 is 0.149999999999999994 in binary
  EXPECT_EQ(amg::round_decimal(-0.15, 1), -0.1);
  EXPECT_EQ(amg::round_decimal(49.43312016119191, 4), 49.4331);
  EXPECT_EQ(amg::round_decimal(6e-8, 7), 1e-7);
  EXPECT_EQ(amg::round_decimal(4e-8, 7), 0.0);
  EXPECT_EQ(amg::round_decimal(0.0, 4), 0.0);
  EXPECT_EQ(amg::round_decimal(1234.5678, -2), 1200.0);
  // Beyond 15 significant digits nothing is rounded.
  EXPECT_EQ(amg::round_decimal(123456789.123456789, 12), 123456789.123456789);
  EXPECT_EQ(amg::round_if(amg::Rounding::none, 11.65, 1), 11.65);
}

TEST(AmgKernel, RateFunctionsMatchTheOfficialCode) {
  // TRIAL_1 CON, year 2001 (T 10.92 C, rain 608 mm, PET 800.8 mm; clay 178, CaCO3 115, pH 8.39, C:N 10.35).
  const amg::Parameters p;
  const amg::Soil soil{178.0, 115.0, 8.39, 10.35};
  const amg::Climate climate{10.92, 608.0, 0.0, 800.8};
  const amg::RateModifiers off = amg::mineralisation_rate(p, soil, climate, amg::Rounding::official);
  EXPECT_EQ(off.f_t, 0.621056);
  EXPECT_EQ(off.f_h, 0.923712);
  EXPECT_EQ(off.f_a, 0.638661);
  EXPECT_EQ(off.f_c, 0.852878);
  EXPECT_EQ(off.f_ph, 0.998646);
  EXPECT_EQ(off.f_cn, 0.979975);
  EXPECT_EQ(off.k, 0.0886848);
  const amg::RateModifiers raw = amg::mineralisation_rate(p, soil, climate, amg::Rounding::none);
  EXPECT_NEAR(raw.f_t, 0.622511166478632, 1e-15);
  EXPECT_NEAR(raw.f_h, 0.9237860723123046, 1e-15);
  EXPECT_NEAR(raw.k, 0.08889969412841854, 1e-16);
  // T <= 0: fT is the frozen value.
  EXPECT_EQ(amg::f_temperature(p, 0.0, amg::Rounding::official), 1e-6);
  EXPECT_EQ(amg::f_temperature(p, -4.2, amg::Rounding::none), 1e-6);
}

TEST(AmgKernel, PlantAndAmendmentInputsMatchTheOfficialCode) {
  const amg::Parameters p;
  // TRIAL_1 CON 2001: grain maize, 10.64 t/ha, residues returned, 28 cm.
  const amg::CropInputs maize = amg::crop_inputs(p, grain_maize(), amg::CropType::main, 10.64, 0.0, true, 28.0);
  EXPECT_DOUBLE_EQ(maize.c_ag, 4.872685714285715);
  EXPECT_DOUBLE_EQ(maize.c_bg, 1.7264858353431853);
  EXPECT_DOUBLE_EQ(maize.c_plant, 6.5991715496289);
  EXPECT_DOUBLE_EQ(maize.c_plant_hum, 1.825930105565846);
  // TRIAL_1 CON 2014: mustard cover crop, 5.14 t/ha aboveground biomass.
  const amg::CropInputs cover = amg::crop_inputs(p, mustard(), amg::CropType::cover, 5.14, 0.0, true, 28.0);
  EXPECT_DOUBLE_EQ(cover.c_ag, 2.2616);
  EXPECT_DOUBLE_EQ(cover.c_bg, 0.6139252323170995);
  EXPECT_DOUBLE_EQ(cover.c_plant_hum, 1.0529612929268397);
  // Exported residues: only the share PSS of the straw returns.
  const amg::CropInputs exported = amg::crop_inputs(p, grain_maize(), amg::CropType::main, 10.64, 0.0, false, 28.0);
  EXPECT_DOUBLE_EQ(exported.c_ag, 0.5 * maize.c_ag);
  EXPECT_DOUBLE_EQ(exported.c_bg, maize.c_bg);
  // TRIAL_1 FYM 2001: 38.41 t/ha of bovine manure (83 kg C/t, h 0.64).
  const amg::AmendmentInputs fym = amg::amendment_inputs({83.0, 0.64}, 38.41);
  EXPECT_DOUBLE_EQ(fym.c, 3.18803);
  EXPECT_DOUBLE_EQ(fym.c_hum, 2.0403392);
}

TEST(AmgKernel, ValidateRejectsAParameterOutsideItsBounds) {
  EXPECT_NO_THROW(amg::validate(amg::Parameters{}));
  amg::Parameters p;
  p.ps = 1.5;
  try {
    amg::validate(p);
    FAIL() << "ps = 1.5 accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("ps"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1.5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[0, 1]"), std::string::npos) << msg;
  }
  amg::Parameters q;
  q.k0 = std::nan("");
  EXPECT_THROW(amg::validate(q), std::invalid_argument);
  amg::Parameters r;
  r.b_ph = -1.0;
  EXPECT_THROW(amg::validate(r), std::invalid_argument);
}

TEST(AmgKernel, ModelInfoListsEveryParameter) {
  const auto info = amg::model_info();
  EXPECT_EQ(info.name, "amg");
  EXPECT_EQ(info.time_step, "year");
  ASSERT_EQ(info.pools.size(), 2u);
  EXPECT_EQ(info.parameters.size(), amg::kParameterInfo.size());
  for (const auto& row : info.parameters) {
    EXPECT_FALSE(row.unit.empty()) << row.name;
    EXPECT_LE(row.lower, row.default_value) << row.name;
    EXPECT_GE(row.upper, row.default_value) << row.name;
  }
}

}  // namespace
