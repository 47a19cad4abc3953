// The RothC monthly kernel: carbon balance, bitwise block/cell invariance, the deterministic exp,
// and the soil constants of the three moisture options.
// det_exp's vector instances are exercised at the baseline instruction set here; GCC notes that
// wide vector types would change the calling convention of a non-inlined call (there is none).
#pragma GCC diagnostic ignored "-Wpsabi"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "models/common/det_math.hpp"
#include "models/rothc/rothc.hpp"

namespace rc = alamod::models::rothc;
using alamod::models::bits_of;
using alamod::models::det_exp;

namespace {

/// Reproducible forcing of one cell-month: seasonal temperature, wet and dry spells, bare months,
/// manure now and then.
struct ForcingGenerator {
  std::mt19937_64 rng;
  explicit ForcingGenerator(std::uint64_t seed) : rng(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); }
  rc::CellForcing next(int month) {
    rc::CellForcing f{};
    f.tas_c = 8.0 - 12.0 * std::cos(2.0 * M_PI * (month % 12) / 12.0) + uniform(-6.0, 6.0);  // -10..26 degC
    f.rain_mm = uniform(0.0, 150.0);
    f.evap_mm = uniform(-5.0, 160.0);
    f.c_input = uniform(0.0, 0.8);
    f.fym = uniform(0.0, 1.0) < 0.05 ? uniform(0.0, 3.0) : 0.0;
    f.covered = uniform(0.0, 1.0) < 0.7 ? 1.0 : 0.0;
    const double ratio = uniform(0.0, 1.0) < 0.5 ? rc::kDpmRpmCrop : rc::kDpmRpmWoodland;
    f.dpm_fraction = ratio / (ratio + 1.0);
    return f;
  }
};

rc::SoilProperties loam() {
  rc::SoilProperties s;
  s.clay_pct = 23.4;
  s.depth_cm = 23.0;
  s.silt_pct = 58.6;
  s.bulk_density = 1.27;
  s.organic_carbon_pct = 0.94;
  s.min_rm_moist = 0.2;
  return s;
}

double stock(const rc::CellState& x) { return x.dpm + x.rpm + x.bio + x.hum; }

TEST(RothCKernel, CarbonBalanceEveryMonth) {
  const rc::Parameters p{};
  for (auto option : {rc::MoistureOption::standard, rc::MoistureOption::farina_vg,
                      rc::MoistureOption::farina_vg_smd15}) {
    const rc::SoilConstants s = rc::derive_soil_constants(p, loam(), option);
    ForcingGenerator gen(42);
    rc::CellState x{0.3, 6.0, 0.9, 33.0, -10.0};
    double inputs = 0.0, respired = 0.0;
    const double start = stock(x);
    for (int m = 0; m < 1000; ++m) {
      const rc::CellForcing f = gen.next(m);
      const double before = stock(x);
      const double co2 = rc::step_cell(p, s, f, x);
      const double change = stock(x) - before;
      const double budget = f.c_input + f.fym - co2;
      ASSERT_GE(co2, 0.0);
      ASSERT_NEAR(change, budget, 1e-13 * before) << "month " << m;
      ASSERT_TRUE(x.smd <= 0.0 && x.smd >= s.smd_max) << "month " << m << " deficit " << x.smd;
      inputs += f.c_input + f.fym;
      respired += co2;
    }
    EXPECT_NEAR(stock(x) - start, inputs - respired, 1e-11 * stock(x));
  }
}

/// A block of n cells with their own soils and forcing (structure of arrays).
struct BlockData {
  std::vector<double> co2f, biof, humf, smax, s1, s15, sbare, minrm;
  std::vector<double> tas, rain, evap, cin, fym, cov, dpmf;
  std::vector<double> dpm, rpm, bio, hum, smd, co2;
  explicit BlockData(std::size_t n) {
    for (auto* v : {&co2f, &biof, &humf, &smax, &s1, &s15, &sbare, &minrm, &tas, &rain, &evap, &cin, &fym, &cov,
                    &dpmf, &dpm, &rpm, &bio, &hum, &smd, &co2})
      v->assign(n, 0.0);
  }
  rc::Block block(std::size_t first, std::size_t count) {
    rc::Block b;
    b.n = count;
    b.co2_fraction = &co2f[first];
    b.bio_fraction = &biof[first];
    b.hum_fraction = &humf[first];
    b.smd_max = &smax[first];
    b.smd_1bar = &s1[first];
    b.smd_15bar = &s15[first];
    b.smd_bare = &sbare[first];
    b.min_rm_moist = &minrm[first];
    b.tas_c = &tas[first];
    b.rain_mm = &rain[first];
    b.evap_mm = &evap[first];
    b.c_input = &cin[first];
    b.fym = &fym[first];
    b.covered = &cov[first];
    b.dpm_fraction = &dpmf[first];
    b.dpm = &dpm[first];
    b.rpm = &rpm[first];
    b.bio = &bio[first];
    b.hum = &hum[first];
    b.smd = &smd[first];
    b.co2 = &co2[first];
    return b;
  }
};

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

TEST(RothCKernel, BlockIsBitwiseIdenticalToCellWhateverTheBlocking) {
  const rc::Parameters p{};
  constexpr std::size_t n = 1000;
  BlockData whole(n), sevens(n), odd(n);
  std::vector<rc::SoilConstants> soil(n);
  std::vector<rc::CellState> cells(n);
  ForcingGenerator gen(7);
  for (std::size_t i = 0; i < n; ++i) {
    rc::SoilProperties sp = loam();
    sp.clay_pct = gen.uniform(1.0, 80.0);
    sp.silt_pct = gen.uniform(5.0, 100.0 - sp.clay_pct);
    sp.depth_cm = gen.uniform(10.0, 40.0);
    soil[i] = rc::derive_soil_constants(p, sp, static_cast<rc::MoistureOption>(1 + i % 3));
    cells[i] = {gen.uniform(0, 1), gen.uniform(1, 10), gen.uniform(0, 2), gen.uniform(10, 80), 0.0};
    for (BlockData* d : {&whole, &sevens, &odd}) {
      const auto& s = soil[i];
      d->co2f[i] = s.co2_fraction, d->biof[i] = s.bio_fraction, d->humf[i] = s.hum_fraction;
      d->smax[i] = s.smd_max, d->s1[i] = s.smd_1bar, d->s15[i] = s.smd_15bar, d->sbare[i] = s.smd_bare;
      d->minrm[i] = s.min_rm_moist;
      d->dpm[i] = cells[i].dpm, d->rpm[i] = cells[i].rpm, d->bio[i] = cells[i].bio, d->hum[i] = cells[i].hum;
      d->smd[i] = cells[i].smd;
    }
  }
  std::vector<double> co2_cell(n);
  for (int month = 0; month < 36; ++month) {
    for (std::size_t i = 0; i < n; ++i) {
      const rc::CellForcing f = gen.next(month);
      for (BlockData* d : {&whole, &sevens, &odd}) {
        d->tas[i] = f.tas_c, d->rain[i] = f.rain_mm, d->evap[i] = f.evap_mm, d->cin[i] = f.c_input;
        d->fym[i] = f.fym, d->cov[i] = f.covered, d->dpmf[i] = f.dpm_fraction;
      }
      co2_cell[i] = rc::step_cell(p, soil[i], f, cells[i]);
    }
    rc::step_block(p, whole.block(0, n));
    for (std::size_t first = 0; first < n; first += 7) rc::step_block(p, sevens.block(first, std::min<std::size_t>(7, n - first)));
    // uneven blocks at odd offsets: 1, 2, 3, ... cells
    for (std::size_t first = 0, len = 1; first < n; first += len, ++len)
      rc::step_block(p, odd.block(first, std::min(len, n - first)));
    std::vector<double> dpm(n), rpm(n), bio(n), hum(n), smd(n);
    for (std::size_t i = 0; i < n; ++i)
      dpm[i] = cells[i].dpm, rpm[i] = cells[i].rpm, bio[i] = cells[i].bio, hum[i] = cells[i].hum, smd[i] = cells[i].smd;
    for (BlockData* d : {&whole, &sevens, &odd}) {
      ASSERT_TRUE(same_bits(d->dpm, dpm)) << "month " << month;
      ASSERT_TRUE(same_bits(d->rpm, rpm)) << "month " << month;
      ASSERT_TRUE(same_bits(d->bio, bio)) << "month " << month;
      ASSERT_TRUE(same_bits(d->hum, hum)) << "month " << month;
      ASSERT_TRUE(same_bits(d->smd, smd)) << "month " << month;
      ASSERT_TRUE(same_bits(d->co2, co2_cell)) << "month " << month;
    }
  }
}

/// Extreme but legal cell-months: temperatures below temp_min, exactly at it and at the pole
/// T = -temp_c of the temperature modifier, downpours and droughts, bare and covered soil,
/// deficits beyond every limit, manure, any DPM share.
rc::CellForcing extreme_forcing(ForcingGenerator& gen, const rc::Parameters& p) {
  rc::CellForcing f = gen.next(0);
  const double u = gen.uniform(0.0, 1.0);
  if (u < 0.1) {
    f.tas_c = p.temp_min;
  } else if (u < 0.15) {
    f.tas_c = std::nextafter(p.temp_min, -100.0);
  } else if (u < 0.25) {
    f.tas_c = -p.temp_c + gen.uniform(-1e-9, 1e-9);
  } else if (u < 0.3) {
    f.tas_c = -p.temp_c;
  } else {
    f.tas_c = gen.uniform(-45.0, 45.0);
  }
  f.rain_mm = gen.uniform(0.0, 1.0) < 0.2 ? gen.uniform(200.0, 600.0) : gen.uniform(0.0, 50.0);
  f.evap_mm = gen.uniform(0.0, 1.0) < 0.3 ? gen.uniform(150.0, 400.0) : gen.uniform(-5.0, 100.0);
  f.covered = gen.uniform(0.0, 1.0) < 0.5 ? 1.0 : 0.0;
  f.fym = gen.uniform(0.0, 1.0) < 0.2 ? gen.uniform(0.0, 20.0) : 0.0;
  f.dpm_fraction = gen.uniform(0.0, 1.0);
  return f;
}

/// Every instruction-set variant of step_block (vector body, remainders of every length, any
/// offset) gives the bits of step_cell, also for extreme forcing and parameters that drive the
/// decay exponents past the clamp of det_exp (k_dpm 100, temp_a 200, temp_min -30).
TEST(RothCKernel, EveryInstructionSetGivesTheBitsOfStepCell) {
  rc::Parameters wild;
  wild.k_dpm = 100.0;
  wild.k_rpm = 5.0;
  wild.temp_a = 200.0;
  wild.temp_min = -30.0;
  wild.cover_rate = 0.0;
  for (const rc::Parameters& p : {rc::Parameters{}, wild}) {
    for (auto isa : {rc::KernelIsa::baseline, rc::KernelIsa::avx2, rc::KernelIsa::avx512}) {
      if (!rc::kernel_isa_supported(isa)) {
        std::printf("[ kernel ] variant %d not supported by this CPU, not tested\n", static_cast<int>(isa));
        continue;
      }
      constexpr std::size_t n = 777;
      BlockData whole(n), pieces(n);
      std::vector<rc::SoilConstants> soil(n);
      std::vector<rc::CellState> cells(n);
      ForcingGenerator gen(99);
      for (std::size_t i = 0; i < n; ++i) {
        rc::SoilProperties sp = loam();
        sp.clay_pct = gen.uniform(1.0, 80.0);
        sp.silt_pct = gen.uniform(5.0, 100.0 - sp.clay_pct);
        sp.depth_cm = gen.uniform(5.0, 100.0);
        soil[i] = rc::derive_soil_constants(p, sp, static_cast<rc::MoistureOption>(1 + i % 3),
                                            i % 2 ? rc::BareLimitOption::standard : rc::BareLimitOption::wilting_point);
        const double smd0 = gen.uniform(0.0, 1.0) < 0.2 ? 1.5 * soil[i].smd_max : gen.uniform(soil[i].smd_max, 0.0);
        cells[i] = {gen.uniform(0, 5), gen.uniform(0, 50), gen.uniform(0, 5), gen.uniform(0, 200), smd0};
        for (BlockData* d : {&whole, &pieces}) {
          const auto& s = soil[i];
          d->co2f[i] = s.co2_fraction, d->biof[i] = s.bio_fraction, d->humf[i] = s.hum_fraction;
          d->smax[i] = s.smd_max, d->s1[i] = s.smd_1bar, d->s15[i] = s.smd_15bar, d->sbare[i] = s.smd_bare;
          d->minrm[i] = s.min_rm_moist;
          d->dpm[i] = cells[i].dpm, d->rpm[i] = cells[i].rpm, d->bio[i] = cells[i].bio, d->hum[i] = cells[i].hum;
          d->smd[i] = cells[i].smd;
        }
      }
      std::vector<double> co2_cell(n);
      for (int month = 0; month < 24; ++month) {
        for (std::size_t i = 0; i < n; ++i) {
          const rc::CellForcing f = extreme_forcing(gen, p);
          for (BlockData* d : {&whole, &pieces}) {
            d->tas[i] = f.tas_c, d->rain[i] = f.rain_mm, d->evap[i] = f.evap_mm, d->cin[i] = f.c_input;
            d->fym[i] = f.fym, d->cov[i] = f.covered, d->dpmf[i] = f.dpm_fraction;
          }
          co2_cell[i] = rc::step_cell(p, soil[i], f, cells[i]);
        }
        rc::step_block(p, whole.block(0, n), isa);
        // pieces of 1 .. 19 cells, then a few around the kernel's chunk of 128, at shifting offsets
        const std::size_t lengths[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 127, 129, 255};
        std::size_t first = 0, k = static_cast<std::size_t>(month);
        while (first < n) {
          const std::size_t len = std::min(lengths[k++ % std::size(lengths)], n - first);
          rc::step_block(p, pieces.block(first, len), isa);
          first += len;
        }
        std::vector<double> dpm(n), rpm(n), bio(n), hum(n), smd(n);
        for (std::size_t i = 0; i < n; ++i)
          dpm[i] = cells[i].dpm, rpm[i] = cells[i].rpm, bio[i] = cells[i].bio, hum[i] = cells[i].hum,
          smd[i] = cells[i].smd;
        for (BlockData* d : {&whole, &pieces}) {
          const char* what = d == &whole ? "whole" : "pieces";
          ASSERT_TRUE(same_bits(d->dpm, dpm)) << what << " isa " << static_cast<int>(isa) << " month " << month;
          ASSERT_TRUE(same_bits(d->rpm, rpm)) << what << " isa " << static_cast<int>(isa) << " month " << month;
          ASSERT_TRUE(same_bits(d->bio, bio)) << what << " isa " << static_cast<int>(isa) << " month " << month;
          ASSERT_TRUE(same_bits(d->hum, hum)) << what << " isa " << static_cast<int>(isa) << " month " << month;
          ASSERT_TRUE(same_bits(d->smd, smd)) << what << " isa " << static_cast<int>(isa) << " month " << month;
          ASSERT_TRUE(same_bits(d->co2, co2_cell)) << what << " isa " << static_cast<int>(isa) << " month " << month;
        }
      }
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(std::isfinite(stock(cells[i])) && stock(cells[i]) >= 0.0) << "cell " << i;
      }
    }
  }
}

/// The retention factors are det_exp(-rate * k * kMonth) with rate = a * b * c, the expression the
/// official driver repeats for radiocarbon: with no inputs a pool after the month is exactly the
/// pool before times that factor.
TEST(RothCKernel, RetentionIsDetExpOfMinusRateKT) {
  const rc::Parameters p{};
  const rc::SoilConstants s = rc::derive_soil_constants(p, loam());
  ForcingGenerator gen(3);
  for (int m = 0; m < 2000; ++m) {
    rc::CellForcing f = extreme_forcing(gen, p);
    f.c_input = 0.0, f.fym = 0.0;
    const rc::CellState before{gen.uniform(0, 5), gen.uniform(0, 50), gen.uniform(0, 5), gen.uniform(0, 200),
                               gen.uniform(s.smd_max, 0.0)};
    rc::CellState x = before;
    rc::RateModifiers rm{};
    rc::step_cell(p, s, f, x, &rm);
    const double rate = rm.temperature * rm.moisture * rm.cover;
    ASSERT_EQ(bits_of(x.dpm), bits_of(before.dpm * det_exp(-rate * p.k_dpm * rc::kMonth))) << "month " << m;
    ASSERT_EQ(bits_of(x.rpm), bits_of(before.rpm * det_exp(-rate * p.k_rpm * rc::kMonth))) << "month " << m;
    ASSERT_GE(x.bio, before.bio * det_exp(-rate * p.k_bio * rc::kMonth)) << "month " << m;
    ASSERT_GE(x.hum, before.hum * det_exp(-rate * p.k_hum * rc::kMonth)) << "month " << m;
  }
}

TEST(RothCKernel, DefaultVariantIsTheWidestSupported) {
  const rc::KernelIsa isa = rc::kernel_isa();
  EXPECT_TRUE(rc::kernel_isa_supported(isa));
  if (rc::kernel_isa_supported(rc::KernelIsa::avx512)) {
    EXPECT_EQ(isa, rc::KernelIsa::avx512);
  }
  std::printf("[ kernel ] step_block runs variant %d (0 baseline, 1 AVX2, 2 AVX-512)\n", static_cast<int>(isa));
}

/// The vector instances of det_exp give the scalar bits in every lane, inside and outside the
/// clamped range; det_exp_upto709_lanes equals det_exp below 709.
TEST(DetExp, VectorLanesGiveTheScalarBits) {
  using alamod::models::v2d;
  using alamod::models::v4d;
  using alamod::models::v8d;
  std::mt19937_64 rng(5);
  auto uni = [&rng](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); };
  std::vector<double> xs = {0.0, -0.0, -708.0, 709.0, -708.0000001, 709.0000001, -745.0, 800.0, -1e300, 1e300,
                            0.5 * M_LN2, -0.5 * M_LN2, 1e-300, -1e-300};
  for (int i = 0; i < 200000; ++i) xs.push_back(uni(-750.0, 750.0));
  for (int i = 0; i < 200000; ++i) xs.push_back(uni(-2.0, 2.0));
  while (xs.size() % 8) xs.push_back(uni(-30.0, 0.0));
  for (std::size_t i = 0; i < xs.size(); i += 8) {
    v8d x8;
    for (int l = 0; l < 8; ++l) x8[l] = xs[i + l];
    const v8d y8 = alamod::models::det_exp_lanes(x8);
    const v8d z8 = alamod::models::det_exp_upto709_lanes(x8);
    for (int l = 0; l < 8; ++l) {
      const double x = xs[i + l], y = det_exp(x);
      ASSERT_EQ(bits_of(y8[l]), bits_of(y)) << "x = " << x;
      if (x <= 709.0) {
        ASSERT_EQ(bits_of(z8[l]), bits_of(y)) << "x = " << x;
      }
      const v4d y4 = alamod::models::det_exp_lanes(v4d{x, -x, x, -x});
      const v2d y2 = alamod::models::det_exp_lanes(v2d{-x, x});
      ASSERT_EQ(bits_of(y4[0]), bits_of(y)) << "x = " << x;
      ASSERT_EQ(bits_of(y4[2]), bits_of(y)) << "x = " << x;
      ASSERT_EQ(bits_of(y2[1]), bits_of(y)) << "x = " << x;
      ASSERT_EQ(bits_of(y4[1]), bits_of(y2[0])) << "x = " << -x;
    }
  }
  EXPECT_TRUE(std::isnan(det_exp(std::nan(""))));
}

/// Distance in units in the last place between two positive finite doubles.
std::int64_t ulp_distance(double a, double b) {
  const auto ia = static_cast<std::int64_t>(bits_of(a)), ib = static_cast<std::int64_t>(bits_of(b));
  return ia > ib ? ia - ib : ib - ia;
}

TEST(DetExp, WithinFourUlpOfStdExp) {
  std::int64_t worst = 0;
  double worst_x = 0.0;
  auto check = [&](double x) {
    const std::int64_t d = ulp_distance(det_exp(x), std::exp(x));
    if (d > worst) worst = d, worst_x = x;
  };
  std::mt19937_64 rng(2024);
  for (int i = 0; i < 2000000; ++i) check(-700.0 + 1400.0 * (static_cast<double>(rng() >> 11) * 0x1.0p-53));
  for (int i = 0; i < 200000; ++i) check(-1.0 + 2.0 * (static_cast<double>(rng() >> 11) * 0x1.0p-53));  // rates
  for (double x : {-700.0, -1.0, -0.5 * M_LN2, 0.0, 1e-300, 0.5 * M_LN2, 1.0, 700.0}) check(x);
  EXPECT_EQ(det_exp(0.0), 1.0);
  std::printf("[ det_exp ] max distance to std::exp over [-700, 700]: %lld ulp at x = %.17g\n",
              static_cast<long long>(worst), worst_x);
  EXPECT_LT(worst, 4);
}

TEST(RothCSoil, StandardOptionFollowsTheOfficialFormulas) {
  const rc::Parameters p{};
  const rc::SoilConstants s = rc::derive_soil_constants(p, loam());
  const double max = -(20.0 + 1.3 * 23.4 - 0.01 * 23.4 * 23.4) * 23.0 / 23.0;
  EXPECT_DOUBLE_EQ(s.smd_max, max);
  EXPECT_DOUBLE_EQ(s.smd_15bar, max);
  EXPECT_DOUBLE_EQ(s.smd_1bar, 0.444 * max);
  EXPECT_DOUBLE_EQ(s.smd_bare, 0.556 * max);
  const double x = 1.67 * (1.85 + 1.60 * std::exp(-0.0786 * 23.4));
  EXPECT_DOUBLE_EQ(s.co2_fraction, x / (x + 1.0));
  EXPECT_NEAR(s.co2_fraction + s.bio_fraction + s.hum_fraction, 1.0, 1e-15);
}

TEST(RothCSoil, FarinaOptionsGiveOrderedNegativeDeficits) {
  const rc::Parameters p{};
  for (double clay : {5.0, 23.4, 45.0}) {
    rc::SoilProperties sp = loam();
    sp.clay_pct = clay;
    sp.silt_pct = std::min(58.6, 95.0 - clay);
    for (auto bare : {rc::BareLimitOption::standard, rc::BareLimitOption::wilting_point}) {
      const rc::SoilConstants s2 = rc::derive_soil_constants(p, sp, rc::MoistureOption::farina_vg, bare);
      const rc::SoilConstants s3 = rc::derive_soil_constants(p, sp, rc::MoistureOption::farina_vg_smd15, bare);
      for (const auto& s : {s2, s3}) {
        EXPECT_TRUE(std::isfinite(s.smd_max) && std::isfinite(s.smd_15bar) && std::isfinite(s.smd_1bar));
        EXPECT_LE(s.smd_max, s.smd_15bar) << "clay " << clay;
        EXPECT_LE(s.smd_15bar, s.smd_1bar) << "clay " << clay;
        EXPECT_LT(s.smd_1bar, 0.0) << "clay " << clay;
        EXPECT_TRUE(s.smd_bare >= s.smd_15bar && s.smd_bare <= s.smd_1bar) << "clay " << clay;
        EXPECT_EQ(s.min_rm_moist, sp.min_rm_moist);
      }
      // option 2 dries to -1000 bar; option 3 stops at the van Genuchten wilting point (official SMDMaxAdj)
      EXPECT_LT(s2.smd_max, s2.smd_15bar);
      EXPECT_EQ(s3.smd_max, s3.smd_15bar);
      EXPECT_EQ(s2.smd_15bar, s3.smd_15bar);
      EXPECT_EQ(s2.smd_1bar, s3.smd_1bar);
      if (bare == rc::BareLimitOption::wilting_point) {
        EXPECT_EQ(s2.smd_bare, s2.smd_15bar);
      }
    }
  }
}

TEST(RothCSoil, RejectsImpossibleSoils) {
  const rc::Parameters p{};
  rc::SoilProperties sp = loam();
  sp.clay_pct = 150.0;
  EXPECT_THROW(rc::derive_soil_constants(p, sp), std::invalid_argument);
  sp = loam();
  sp.bulk_density = 0.0;
  EXPECT_THROW(rc::derive_soil_constants(p, sp, rc::MoistureOption::farina_vg), std::invalid_argument);
}

TEST(RothCRates, TemperatureMoistureCover) {
  const rc::Parameters p{};
  EXPECT_EQ(rc::rate_temperature(p, -5.01), 0.0);
  EXPECT_NEAR(rc::rate_temperature(p, 10.0), 47.91 / (1.0 + std::exp(106.06 / 28.27)), 1e-15);
  EXPECT_GT(rc::rate_temperature(p, -5.0), 0.0);
  const rc::SoilConstants s = rc::derive_soil_constants(p, loam());
  EXPECT_EQ(rc::rate_moisture(s, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(rc::rate_moisture(s, s.smd_max), p.rm_moist_min);
  EXPECT_DOUBLE_EQ(rc::rate_moisture(s, 0.5 * (s.smd_1bar + s.smd_15bar)), 0.5 * (1.0 + p.rm_moist_min));
  // covered soil dries to the maximum deficit; bare soil stops at smd_bare unless already drier
  EXPECT_EQ(rc::update_deficit(p, s, 0.0, 0.0, 1000.0, 1.0), s.smd_max);
  EXPECT_EQ(rc::update_deficit(p, s, 0.0, 0.0, 1000.0, 0.0), s.smd_bare);
  EXPECT_EQ(rc::update_deficit(p, s, s.smd_max, 0.0, 1000.0, 0.0), s.smd_max);
  EXPECT_EQ(rc::update_deficit(p, s, -10.0, 100.0, 0.0, 1.0), 0.0);
  EXPECT_EQ(rc::rate_cover(p, 1.0), 0.6);
  EXPECT_EQ(rc::rate_cover(p, 0.0), 1.0);
}

TEST(RothCIom, Falloon) { EXPECT_NEAR(rc::falloon_iom(40.0), 0.049 * std::pow(40.0, 1.139), 1e-15); }

}  // namespace

/// The composed cycle map (year_map_block) equals the map measured by simulating the cycle with
/// step_cell: v from empty pools with inputs, column j of M from the unit pool j without inputs,
/// for cells of varied soils and forcing, 12- and 24-month cycles, block sizes with and without a
/// vector remainder. Agreement to rounding (1e-12 relative to the largest entry).
TEST(RothCKernel, ComposedYearMapEqualsSimulatedCycles) {
  const rc::Parameters p;
  ForcingGenerator gen(20261124);
  for (const std::size_t n : {std::size_t{1}, std::size_t{13}, std::size_t{64}}) {
    for (const int months : {12, 24}) {
      std::vector<rc::SoilConstants> soils(n);
      std::vector<double> co2f(n), biof(n), humf(n), smax(n), s1(n), s15(n), sbare(n), minrm(n), dfrac(n), smd0(n);
      std::vector<double> tas(months * n), rain(months * n), evap(months * n), cin(months * n), fym(months * n),
          cov(months * n);
      std::vector<std::vector<rc::CellForcing>> forcing(n);
      for (std::size_t i = 0; i < n; ++i) {
        rc::SoilProperties soil = loam();
        soil.clay_pct = gen.uniform(5.0, 60.0);
        soils[i] = rc::derive_soil_constants(p, soil);
        const auto& s = soils[i];
        co2f[i] = s.co2_fraction, biof[i] = s.bio_fraction, humf[i] = s.hum_fraction, smax[i] = s.smd_max;
        s1[i] = s.smd_1bar, s15[i] = s.smd_15bar, sbare[i] = s.smd_bare, minrm[i] = s.min_rm_moist;
        dfrac[i] = gen.uniform(0.1, 0.9);
        smd0[i] = gen.uniform(s.smd_max, 0.0);
        for (int m = 0; m < months; ++m) {
          rc::CellForcing f = gen.next(m);
          f.dpm_fraction = dfrac[i];
          forcing[i].push_back(f);
          const std::size_t o = static_cast<std::size_t>(m) * n + i;
          tas[o] = f.tas_c, rain[o] = f.rain_mm, evap[o] = f.evap_mm, cin[o] = f.c_input, fym[o] = f.fym;
          cov[o] = f.covered;
        }
      }
      std::vector<std::vector<double>> mm(16, std::vector<double>(n)), vv(4, std::vector<double>(n));
      rc::YearMapBlock b;
      b.n = n;
      b.months = months;
      b.co2_fraction = co2f.data(), b.bio_fraction = biof.data(), b.hum_fraction = humf.data();
      b.smd_max = smax.data(), b.smd_1bar = s1.data(), b.smd_15bar = s15.data(), b.smd_bare = sbare.data();
      b.min_rm_moist = minrm.data();
      b.tas_c = tas.data(), b.rain_mm = rain.data(), b.evap_mm = evap.data(), b.c_input = cin.data();
      b.fym = fym.data(), b.covered = cov.data(), b.dpm_fraction = dfrac.data(), b.smd0 = smd0.data();
      for (int k = 0; k < 16; ++k) b.m[k] = mm[k].data();
      for (int k = 0; k < 4; ++k) b.v[k] = vv[k].data();
      rc::year_map_block(p, b);
      // the same block asked for the steady state only
      std::vector<std::vector<double>> xx(4, std::vector<double>(n));
      rc::YearMapBlock bx = b;
      for (int k = 0; k < 16; ++k) bx.m[k] = nullptr;
      for (int k = 0; k < 4; ++k) bx.v[k] = nullptr, bx.x[k] = xx[k].data();
      rc::year_map_block(p, bx);
      for (std::size_t i = 0; i < n; ++i) {
        auto simulate = [&](rc::CellState x, bool inputs) {
          x.smd = smd0[i];
          for (auto f : forcing[i]) {
            if (!inputs) f.c_input = f.fym = 0.0;
            rc::step_cell(p, soils[i], f, x);
          }
          return std::array<double, 4>{x.dpm, x.rpm, x.bio, x.hum};
        };
        const auto v = simulate({0, 0, 0, 0, 0}, true);
        double scale = 0.0;
        for (int r = 0; r < 4; ++r) scale = std::max(scale, std::fabs(v[r]));
        for (int r = 0; r < 4; ++r) EXPECT_NEAR(vv[r][i], v[r], 1e-12 * scale) << "cell " << i << " v" << r;
        for (int c = 0; c < 4; ++c) {
          rc::CellState unit{0, 0, 0, 0, 0};
          (c == 0 ? unit.dpm : c == 1 ? unit.rpm : c == 2 ? unit.bio : unit.hum) = 1.0;
          const auto col = simulate(unit, false);
          for (int r = 0; r < 4; ++r)
            EXPECT_NEAR(mm[4 * r + c][i], col[r], 1e-12) << "cell " << i << " M(" << r << "," << c << ")";
        }
        // the closed-form steady state is a fixed point of the simulated cycle
        const std::array<double, 4> xs{xx[0][i], xx[1][i], xx[2][i], xx[3][i]};
        const auto after = simulate({xs[0], xs[1], xs[2], xs[3], 0}, true);
        for (int r = 0; r < 4; ++r) {
          EXPECT_GT(xs[r], 0.0) << "cell " << i << " x" << r;
          EXPECT_NEAR(after[r], xs[r], 1e-11 * xs[r]) << "cell " << i << " x" << r << " not periodic";
        }
      }
    }
  }
}
