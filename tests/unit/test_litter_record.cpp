// The litter record and its soil-model adapters (models/common/litter_record.hpp): every adapter passes all the
// carbon on, AWEN shares sum to 1, RothC's ratios by land use, CENTURY's surface/soil split and lignin:N, and
// the Bolinder crop residues against the worked values of biomass.md 3.1 (AMG's allometry: wheat 3.65 / 2.21,
// 4.86 / 2.95 t C ha-1 returned / exported at 6 and 8 t DM; grain maize 5.00 / 3.17 at 8 t DM; z = 30 cm).
#include <gtest/gtest.h>

#include <cmath>

#include "models/common/litter_record.hpp"

namespace lt = alamod::models::litter;

TEST(LitterRecord, AdaptersPassAllCarbonOn) {
  for (auto plant : {lt::Plant::conifer, lt::Plant::broadleaf_deciduous, lt::Plant::broadleaf_evergreen,
                     lt::Plant::grass, lt::Plant::crop}) {
    lt::Record r;
    r.plant = plant;
    r.c = {0.12, 0.08, 0.03, 0.05, 0.02, 0.4, 0.3};
    const double total = lt::total(r);
    const auto y = lt::yasso(r);
    EXPECT_NEAR(y.c, total, 1e-15);
    EXPECT_NEAR(y.shares.a + y.shares.w + y.shares.e + y.shares.n, 1.0, 1e-15);
    const auto ro = lt::rothc(r);
    EXPECT_NEAR(ro.plant + ro.fym, total, 1e-15);
    EXPECT_NEAR(ro.fym, 0.3, 1e-15);
    EXPECT_EQ(ro.dpm_rpm_ratio, plant == lt::Plant::crop || plant == lt::Plant::grass ? 1.44 : 0.25);
    const auto ce = lt::century(r);
    EXPECT_NEAR(ce.surface + ce.soil, total, 1e-15);
    EXPECT_NEAR(ce.soil, 0.08 + 0.02, 1e-15);
    EXPECT_GT(ce.surface_lignin_n, 0.0);
    EXPECT_GT(ce.soil_lignin_n, 0.0);
  }
  // wood is more lignified and poorer in N than needles
  lt::Record needles, wood;
  needles.c[lt::foliage] = 1;
  wood.c[lt::stem] = 1;
  EXPECT_GT(lt::century(wood).surface_lignin_n, 3 * lt::century(needles).surface_lignin_n);
  EXPECT_GT(lt::yasso(wood).shares.a, lt::yasso(needles).shares.a);
  // an empty record: nothing, and finite shares
  const auto empty = lt::yasso(lt::Record{});
  EXPECT_EQ(empty.c, 0.0);
  EXPECT_NEAR(empty.shares.a + empty.shares.w + empty.shares.e + empty.shares.n, 1.0, 1e-15);
}

TEST(LitterRecord, BolinderCropResidues) {
  const auto round2 = [](double v) { return std::round(v * 100) / 100; };
  // winter wheat: HI 0.479, SR 7.517, beta 0.96, PSS 0.5
  for (auto [y, returned, exported] : {std::array<double, 3>{6, 3.65, 2.21}, std::array<double, 3>{8, 4.86, 2.95}}) {
    const auto r = lt::bolinder(y, 0.479, 7.517, 0.96, 30, 1.0), e = lt::bolinder(y, 0.479, 7.517, 0.96, 30, 0.5);
    EXPECT_EQ(round2(r.above + r.below), returned) << y;
    EXPECT_EQ(round2(e.above + e.below), exported) << y;
  }
  // grain maize: HI 0.49, SR 6.21, beta 0.952
  const auto m = lt::bolinder(8, 0.49, 6.21, 0.952, 30, 1.0), me = lt::bolinder(8, 0.49, 6.21, 0.952, 30, 0.5);
  EXPECT_EQ(round2(m.above + m.below), 5.00);
  EXPECT_EQ(round2(me.above + me.below), 3.17);
}
