// The pieces of `alamod climate prepare` that can be checked against published numbers: CF time axes in
// every calendar products use, and the extraterrestrial radiation and PET formulas (FAO-56 worked example).
#include <gtest/gtest.h>

#include "grids/cf_time.hpp"
#include "grids/input_error.hpp"
#include "models/common/pet.hpp"

using namespace alamod::grids;
namespace pet = alamod::models::pet;

TEST(CfTime, EuroCordex360DayAxis) {
  // "days since 1949-12-01" in 360_day: 40 years of 360 days later is 1989-12-01; 30 more is 1990-01-01
  const CfTimeUnits u = parse_cf_time_units("f.nc", "days since 1949-12-01 00:00:00", "360_day");
  CfDate d = cf_date(u, 40 * 360 + 0.5);
  EXPECT_EQ(d.year, 1989);
  EXPECT_EQ(d.month, 12);
  EXPECT_EQ(d.day, 1);
  d = cf_date(u, 40 * 360 + 30 + 59.5);  // 60th day of 1990: 30 February
  EXPECT_EQ(d.year, 1990);
  EXPECT_EQ(d.month, 2);
  EXPECT_EQ(d.day, 30);
}

TEST(CfTime, Era5HoursSince1900) {
  // 1990-01-01 is 32,872 days (788,928 hours) after 1900-01-01 in the Gregorian calendar
  const CfTimeUnits u = parse_cf_time_units("f.nc", "hours since 1900-01-01 00:00:00.0", "gregorian");
  const CfDate d = cf_date(u, 788928.0);
  EXPECT_EQ(d.year, 1990);
  EXPECT_EQ(d.month, 1);
  EXPECT_EQ(d.day, 1);
  const CfDate leap = cf_date(u, 788928.0 + 24.0 * (365 + 365 + 31 + 28));  // 1992-02-29
  EXPECT_EQ(leap.year, 1992);
  EXPECT_EQ(leap.month, 2);
  EXPECT_EQ(leap.day, 29);
}

TEST(CfTime, NoleapAndAllLeap) {
  const CfTimeUnits n = parse_cf_time_units("f.nc", "days since 2000-01-01", "365_day");
  const CfDate d = cf_date(n, 59);  // no 29 February in 2000: day 59 is 1 March
  EXPECT_EQ(d.month, 3);
  EXPECT_EQ(d.day, 1);
  EXPECT_EQ(cf_days_in_month(CfCalendar::noleap, 2000, 2), 28);
  EXPECT_EQ(cf_days_in_month(CfCalendar::all_leap, 2001, 2), 29);
  EXPECT_EQ(cf_days_in_month(CfCalendar::d360, 2001, 7), 30);
  EXPECT_EQ(cf_days_in_month(CfCalendar::gregorian, 1900, 2), 28);
  EXPECT_EQ(cf_days_in_month(CfCalendar::gregorian, 2000, 2), 29);
}

TEST(CfTime, RefusesWhatItDoesNotKnow) {
  EXPECT_THROW(parse_cf_calendar("f.nc", "julian"), alamod::InputError);
  EXPECT_THROW(parse_cf_time_units("f.nc", "months since 1990-01-01", "standard"), alamod::InputError);
  EXPECT_THROW(parse_cf_time_units("f.nc", "days after 1990-01-01", "standard"), alamod::InputError);
}

TEST(Pet, ExtraterrestrialRadiationOfFao56Example8) {
  // FAO-56 (Allen et al. 1998), Example 8: 20 degrees S on 3 September (day 246): Ra = 32.2 MJ m-2 d-1
  EXPECT_NEAR(pet::extraterrestrial_radiation(-20.0, 246), 32.2, 0.05);
  // polar night and polar day: no sunrise gives 0, no sunset a positive value
  EXPECT_EQ(pet::extraterrestrial_radiation(80.0, 355), 0.0);
  EXPECT_GT(pet::extraterrestrial_radiation(80.0, 172), 40.0);
}

TEST(Pet, OudinAndHargreavesFormulas) {
  // Oudin et al. (2005): Ra / 2.45 (T + 5) / 100, zero at and below -5 degC
  EXPECT_DOUBLE_EQ(pet::oudin(24.5, 15.0), 24.5 / 2.45 * 0.20);
  EXPECT_EQ(pet::oudin(24.5, -5.0), 0.0);
  EXPECT_EQ(pet::oudin(24.5, -12.0), 0.0);
  // FAO-56 eq. 52 with Ra = 32.2 MJ m-2 d-1, T 20 degC, range 10 degC
  EXPECT_NEAR(pet::hargreaves(32.2, 20.0, 15.0, 25.0), 0.0023 * 37.8 * std::sqrt(10.0) * 0.408 * 32.2, 1e-12);
  EXPECT_EQ(pet::hargreaves(32.2, 20.0, 25.0, 15.0), 0.0);
}

#include "engine/climate/delta.hpp"

TEST(ClimateDelta, TraccAnchorsAndSeasons) {
  alamod::engine::ClimateDeltaOptions o;
  o.preset = "tracc";
  EXPECT_EQ(alamod::engine::delta_warming(o, 2010), 0.0);
  EXPECT_DOUBLE_EQ(alamod::engine::delta_warming(o, 2030), 0.3);
  EXPECT_DOUBLE_EQ(alamod::engine::delta_warming(o, 2040), 0.65);
  EXPECT_DOUBLE_EQ(alamod::engine::delta_warming(o, 2100), 2.3);
  EXPECT_DOUBLE_EQ(alamod::engine::delta_warming(o, 2150), 2.3);
  o.preset = "none";
  EXPECT_EQ(alamod::engine::delta_warming(o, 2100), 0.0);
  double mean = 0;
  for (int m = 1; m <= 12; ++m) mean += alamod::engine::delta_temperature_factor(m) / 12.0;
  EXPECT_NEAR(mean, 1.0, 1e-15);  // the seasonal factors keep the annual mean warming
  EXPECT_DOUBLE_EQ(alamod::engine::delta_precipitation_per_degree(1) * 4.0, 0.15);
  EXPECT_DOUBLE_EQ(alamod::engine::delta_precipitation_per_degree(7) * 4.0, -0.20);
}
