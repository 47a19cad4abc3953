// Site packages (engine/site_data): the equivalent-soil-mass spline against a worked example checked by
// hand, the bulk-density pedotransfer function against its published equation, UDUNITS conversions,
// and the forcing reader's rule that a unit of `1` may be left out (data/sites/FORMAT.md).
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/site/site_forcing.hpp"
#include "engine/site_data/esm.hpp"
#include "engine/site_data/ptf.hpp"
#include "engine/site_data/units.hpp"
#include "engine/site_data/validate.hpp"
#include "tests/unit/test_files.hpp"

namespace alamod::engine {
namespace {

// Worked example (docs/SITES.md, "Equivalent soil mass: a worked example"). A profile of two layers, each
// 1000 t ha-1 of fine earth (bulk density 1.0 g cm-3, 10 cm): 3 t ha-1 SOC in the first (3 g kg-1), 2 t ha-1
// in the second (2 g kg-1). Knots of cumulative SOC C against cumulative mass M, with the origin:
// (0, 0), (1000, 3), (2000, 5). Natural cubic spline, h = 1000 on both intervals, m_0 = m_2 = 0:
//   4000 m_1 = 6 ((5 - 3)/1000 - (3 - 0)/1000) = -0.006   ->   m_1 = -1.5e-6 (t ha-1 per (t ha-1)^2)
// On [0, 1000] with a = (1000 - M)/1000, b = M/1000:
//   C(M) = 3 b + (b^3 - b) m_1 h^2 / 6 = 3 b + 0.25 (b - b^3)
//   C(500) = 1.5 + 0.25 (0.5 - 0.125) = 1.59375
// On [1000, 2000] with a = (2000 - M)/1000, b = (M - 1000)/1000:
//   C(M) = 3 a + 5 b + 0.25 (a - a^3)
//   C(1500) = 1.5 + 2.5 + 0.25 (0.5 - 0.125) = 4.09375
// At the reference masses 500 and 1500 t ha-1 the ESM stocks are 1.59375 and 4.09375 - 1.59375 = 2.5 t ha-1.
TEST(EquivalentSoilMass, WorkedExampleByHand) {
  const auto c = esm_cumulative_soc({1000, 2000}, {3, 5}, {500, 1500});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_NEAR(c[0], 1.59375, 1e-12);
  EXPECT_NEAR(c[1], 4.09375, 1e-12);
  EXPECT_NEAR(c[1] - c[0], 2.5, 1e-12);
}

TEST(EquivalentSoilMass, PassesThroughTheKnots) {
  const auto c = esm_cumulative_soc({1000, 2000}, {3, 5}, {1000, 2000});
  EXPECT_NEAR(c[0], 3.0, 1e-12);
  EXPECT_NEAR(c[1], 5.0, 1e-12);
}

// One layer: the spline through the origin and one point is a straight line, so the ESM stock is the
// concentration times the reference mass (3000 t ha-1 at 10 g kg-1 holds 30 t ha-1; 2700 t ha-1 holds 27).
TEST(EquivalentSoilMass, OneLayerIsConcentrationTimesReferenceMass) {
  const auto c = esm_cumulative_soc({3000}, {30}, {2700});
  EXPECT_NEAR(c[0], 27.0, 1e-12);
}

TEST(EquivalentSoilMass, RefusesExtrapolationAndBadProfiles) {
  EXPECT_THROW(esm_cumulative_soc({1000, 2000}, {3, 5}, {2500}), std::invalid_argument);
  EXPECT_THROW(esm_cumulative_soc({1000, 900}, {3, 5}, {500}), std::invalid_argument);
  EXPECT_THROW(esm_cumulative_soc({1000, 2000}, {3, 5}, {1500, 500}), std::invalid_argument);
  EXPECT_THROW(esm_cumulative_soc({1000}, {3, 5}, {500}), std::invalid_argument);
}

// A natural spline with a linear profile (constant concentration) is the line itself.
TEST(EquivalentSoilMass, ConstantConcentrationStaysLinear) {
  const auto c = esm_cumulative_soc({800, 2000, 3100}, {8, 20, 31}, {700, 1900, 3000});
  EXPECT_NEAR(c[0], 7.0, 1e-12);
  EXPECT_NEAR(c[1], 19.0, 1e-12);
  EXPECT_NEAR(c[2], 30.0, 1e-12);
}

// Hollis et al. (2012), cultivated topsoils: BD = 0.80806 + 0.823844 exp(-0.27993 OC) + 0.0014065 sand
// - 0.0010299 clay. At OC 0: 0.80806 + 0.823844 = 1.631904 g cm-3 (sand = clay = 0). At the Highfield
// texture (sand 18 %, clay 23.4 %) and OC 2.7 %: exp(-0.755811) = 0.4696296, so
// 0.80806 + 0.3869015 + 0.025317 - 0.0240997 = 1.1961789 g cm-3.
TEST(PedotransferFunction, Hollis2012CultivatedTopsoil) {
  EXPECT_NEAR(hollis2012_cultivated_topsoil_bd(0, 0, 0), 1.631904, 1e-12);
  const double expected = 0.80806 + 0.823844 * std::exp(-0.27993 * 2.7) + 0.0014065 * 18 - 0.0010299 * 23.4;
  EXPECT_NEAR(hollis2012_cultivated_topsoil_bd(2.7, 18, 23.4), expected, 1e-12);
  EXPECT_NEAR(hollis2012_cultivated_topsoil_bd(2.7, 18, 23.4), 1.1961789, 1e-7);
  // more organic carbon, lighter soil
  EXPECT_LT(hollis2012_cultivated_topsoil_bd(5, 18, 23.4), hollis2012_cultivated_topsoil_bd(1, 18, 23.4));
  EXPECT_THROW(hollis2012_cultivated_topsoil_bd(20, 18, 23.4), std::invalid_argument);  // organic soil
  EXPECT_THROW(hollis2012_cultivated_topsoil_bd(2, 80, 30), std::invalid_argument);      // sand + clay > 100
  EXPECT_DOUBLE_EQ(kPtfBulkDensitySd, 0.22);
}

TEST(SiteStock, ConcentrationTimesBulkDensityTimesDepth) {
  // 10 g kg-1 x 1.3 g cm-3 x 23 cm = 29.9 t ha-1; 20 % coarse fragments leave 23.92
  EXPECT_NEAR(layer_stock_t_ha(10, 1.3, 23, 0), 29.9, 1e-12);
  EXPECT_NEAR(layer_stock_t_ha(10, 1.3, 23, 0.2), 23.92, 1e-12);
}

TEST(Udunits, HarmonisesConcentrationUnits) {
  const Units& u = Units::get();
  EXPECT_NEAR(u.convert(2.5, "percent", "g kg-1"), 25.0, 1e-12);
  EXPECT_NEAR(u.convert(2.5, "%", "g kg-1"), 25.0, 1e-12);
  EXPECT_NEAR(u.convert(2.5, "g/(100 g)", "g kg-1"), 25.0, 1e-12);
  EXPECT_NEAR(u.convert(1300, "kg m-3", "g cm-3"), 1.3, 1e-12);
  EXPECT_NEAR(u.convert(5.5, "kg m-2", "t ha-1"), 55.0, 1e-12);
  EXPECT_FALSE(u.convertible("g C kg-1", "1"));  // UDUNITS reads C as the coulomb
  EXPECT_FALSE(u.parses("furlongs per fortnight squared"));
}

// data/sites/FORMAT.md: "`1` for dimensionless, which may be left out" (metadata and units row).
TEST(SiteForcingUnits, UnitOneMayBeLeftOut) {
  test::TempDir dir;
  const std::string path = (dir.path() / "forcing.csv").string();
  {
    std::ofstream f(path);
    f << "# alamod-site-forcing: 1\n# site_id: unit_one\n# lignin_fraction: 0.15\n# dpm_rpm_ratio: 1.44\n"
         "year,month,tas,pr,pet,c_input,cover\nyr,,degC,mm month-1,mm month-1,t ha-1 month-1,\n";
    for (int m = 1; m <= 12; ++m) f << "2000," << m << ",10,50,40,0.1,1\n";
  }
  const SiteForcing sf = read_site_forcing(path);
  EXPECT_DOUBLE_EQ(sf.numbers.at("lignin_fraction"), 0.15);
  EXPECT_DOUBLE_EQ(sf.numbers.at("dpm_rpm_ratio"), 1.44);
  EXPECT_EQ(sf.rows(), 12u);
  // a quantity without `1` among its units still needs one
  {
    std::ofstream f(path);
    f << "# alamod-site-forcing: 1\n# site_id: unit_one\n# clay: 20\n"
         "year,month,tas,pr,pet,c_input,cover\nyr,1,degC,mm month-1,mm month-1,t ha-1 month-1,1\n";
    for (int m = 1; m <= 12; ++m) f << "2000," << m << ",10,50,40,0.1,1\n";
  }
  try {
    read_site_forcing(path);
    ADD_FAILURE() << "clay without a unit was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("(clay): missing unit"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace alamod::engine
