// engine/spectra: Savitzky-Golay coefficients against the published convolution tables, SNV, detrending,
// continuum removal, the pipeline text, PLS1 on small exact cases (NIPALS and SIMPLS), the conformal quantile
// and the spectra CSV reader's errors. The NIRsoil reference figures are checked end to end by
// tests/integration/test_spectra.py.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/spectra/pls.hpp"
#include "engine/spectra/preprocessing.hpp"
#include "engine/spectra/spectra_command.hpp"
#include "engine/spectra/spectra_table.hpp"
#include "grids/input_error.hpp"

using namespace alamod::engine::spectra;

namespace {

void expect_filter(int window, int order, int derivative, const std::vector<double>& numerators, double norm) {
  const std::vector<double> f = savgol_coefficients(window, order, derivative);
  ASSERT_EQ(f.size(), numerators.size());
  for (std::size_t k = 0; k < f.size(); ++k)
    EXPECT_NEAR(f[k], numerators[k] / norm, 1e-14) << "window " << window << " order " << order << " derivative "
                                                   << derivative << " point " << k;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("alamod_test_spectra_" + name);
  std::ofstream(path) << text;
  return path.string();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const alamod::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// Savitzky & Golay (1964), Anal. Chem. 36:1627, Tables I-VI as corrected by Steinier, Termonia & Deltour (1972),
// Anal. Chem. 44:1906: convolution integers and normalising factors.
TEST(SavitzkyGolay, SmoothingTables) {
  expect_filter(5, 2, 0, {-3, 12, 17, 12, -3}, 35);
  expect_filter(7, 2, 0, {-2, 3, 6, 7, 6, 3, -2}, 21);
  expect_filter(9, 2, 0, {-21, 14, 39, 54, 59, 54, 39, 14, -21}, 231);
  expect_filter(11, 3, 0, {-36, 9, 44, 69, 84, 89, 84, 69, 44, 9, -36}, 429);  // cubic = quadratic for smoothing
  expect_filter(7, 4, 0, {5, -30, 75, 131, 75, -30, 5}, 231);
  expect_filter(9, 4, 0, {15, -55, 30, 135, 179, 135, 30, -55, 15}, 429);
}

TEST(SavitzkyGolay, DerivativeTables) {
  expect_filter(5, 2, 1, {-2, -1, 0, 1, 2}, 10);
  expect_filter(7, 2, 1, {-3, -2, -1, 0, 1, 2, 3}, 28);
  expect_filter(11, 2, 1, {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5}, 110);
  expect_filter(5, 3, 1, {1, -8, 0, 8, -1}, 12);
  expect_filter(7, 3, 1, {22, -67, -58, 0, 58, 67, -22}, 252);
  expect_filter(5, 2, 2, {2, -1, -2, -1, 2}, 7);
  expect_filter(7, 2, 2, {5, 0, -3, -4, -3, 0, 5}, 42);
  expect_filter(7, 3, 3, {-1, 1, 1, 0, -1, -1, 1}, 6);
  // window 11, cubic, first derivative (prospectr savitzkyGolay(m = 1, p = 3, w = 11))
  const std::vector<double> f = savgol_coefficients(11, 3, 1);
  EXPECT_NEAR(f[0], 0.0582750582750583, 1e-15);
  EXPECT_NEAR(f[1], -0.0571095571095571, 1e-15);
  EXPECT_NEAR(f[2], -0.1033411033411034, 1e-15);
  EXPECT_NEAR(f[3], -0.0977078477078478, 1e-15);
  EXPECT_NEAR(f[4], -0.0574980574980575, 1e-15);
  EXPECT_NEAR(f[5], 0.0, 1e-15);
  EXPECT_NEAR(f[10], -f[0], 1e-15);
}

TEST(SavitzkyGolay, ValidPartAndDelta) {
  // the first derivative of a line a + b x (x in nm, step 2) is b per nm with delta = 2, 2 b per band without
  Matrix x(1, 20);
  std::vector<double> axis;
  for (int j = 0; j < 20; ++j) axis.push_back(1100 + 2 * j), x(0, j) = 0.3 + 0.01 * (1100 + 2 * j);
  Matrix y = x;
  std::vector<double> ay = axis;
  apply_pipeline(parse_pipeline("savgol(window=7,order=2,derivative=1,delta=2)"), y, ay, nullptr);
  ASSERT_EQ(y.cols, 14u);
  EXPECT_DOUBLE_EQ(ay.front(), 1106);
  EXPECT_DOUBLE_EQ(ay.back(), 1132);
  for (std::size_t j = 0; j < y.cols; ++j) EXPECT_NEAR(y(0, j), 0.01, 1e-13);
  apply_pipeline(parse_pipeline("savgol(window=7,order=2,derivative=1)"), x, axis, nullptr);
  for (std::size_t j = 0; j < x.cols; ++j) EXPECT_NEAR(x(0, j), 0.02, 1e-13);
}

TEST(Snv, CentresAndScalesWithNMinusOne) {
  std::vector<double> x = {1, 2, 3, 4};
  ASSERT_TRUE(snv_in_place(x.data(), x.size()));
  const double sd = std::sqrt(5.0 / 3.0);  // sum of squares 5, n - 1 = 3
  EXPECT_DOUBLE_EQ(x[0], -1.5 / sd);
  EXPECT_DOUBLE_EQ(x[3], 1.5 / sd);
  std::vector<double> flat = {2, 2, 2};
  EXPECT_FALSE(snv_in_place(flat.data(), flat.size()));
}

TEST(Preprocessing, DetrendRemovesPolynomials) {
  Matrix x(1, 50);
  std::vector<double> axis;
  for (int j = 0; j < 50; ++j) {
    const double w = 400 + 10 * j;
    axis.push_back(w);
    x(0, j) = 3 - 0.01 * w + 2e-5 * w * w + (j == 25 ? 1.0 : 0.0);
  }
  Matrix y = x;
  apply_pipeline(parse_pipeline("detrend(order=2)"), y, axis, nullptr);
  // what is left is the spike less its own quadratic fit: sums to zero, largest at the spike
  double sum = 0;
  for (std::size_t j = 0; j < 50; ++j) sum += y(0, j);
  EXPECT_NEAR(sum, 0.0, 1e-10);
  EXPECT_GT(y(0, 25), 0.9);
  Matrix q(1, 50);
  for (int j = 0; j < 50; ++j) q(0, j) = 3 - 0.01 * axis[j] + 2e-5 * axis[j] * axis[j];
  apply_pipeline(parse_pipeline("detrend"), q, axis, nullptr);
  for (std::size_t j = 0; j < 50; ++j) EXPECT_NEAR(q(0, j), 0.0, 1e-11);
}

TEST(Preprocessing, ContinuumRemoval) {
  // reflectance with one absorption between two shoulders on a sloping continuum
  std::vector<double> axis = {500, 510, 520, 530, 540};
  Matrix x(1, 5);
  const double r[] = {0.4, 0.45, 0.3, 0.55, 0.6};  // hull: 0.4 - 0.45 - 0.55 - 0.6 (the dip at 520 is below)
  for (int j = 0; j < 5; ++j) x(0, j) = r[j];
  Matrix y = x;
  std::vector<double> a = axis;
  apply_pipeline(parse_pipeline("continuum"), y, a, nullptr);
  EXPECT_DOUBLE_EQ(y(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(y(0, 1), 1.0);
  EXPECT_NEAR(y(0, 2), 0.3 / 0.5, 1e-15);  // continuum at 520: halfway between 0.45 and 0.55
  EXPECT_DOUBLE_EQ(y(0, 4), 1.0);
  y = x;
  a = axis;
  apply_pipeline(parse_pipeline("continuum(mode=subtraction)"), y, a, nullptr);
  EXPECT_NEAR(y(0, 2), 1 + 0.3 - 0.5, 1e-15);
  // a decreasing axis (wavenumbers) gives the same values
  std::vector<double> rev = {540, 530, 520, 510, 500};
  Matrix z(1, 5);
  for (int j = 0; j < 5; ++j) z(0, j) = r[4 - j];
  apply_pipeline(parse_pipeline("continuum"), z, rev, nullptr);
  EXPECT_NEAR(z(0, 2), 0.6, 1e-15);
}

TEST(Preprocessing, BandsAndTextRoundTrip) {
  const Pipeline p = parse_pipeline("absorbance(scale=100); savgol(window=11, order=2, derivative=1) snv bands(1200:1300, 2000:2100)");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(describe(p), "absorbance(scale=100) savgol(window=11,order=2,derivative=1,delta=1) snv bands(1200:1300,2000:2100)");
  EXPECT_EQ(describe(parse_pipeline(describe(p))), describe(p));
  Matrix x(1, 700, 50.0);
  std::vector<double> axis;
  for (int j = 0; j < 700; ++j) axis.push_back(1100 + 2 * j), x(0, j) = 40 + 0.01 * j + 0.001 * (j % 7);
  apply_pipeline(p, x, axis, nullptr);
  EXPECT_EQ(x.cols, 51u + 51u);
  EXPECT_DOUBLE_EQ(axis.front(), 1200);
  EXPECT_DOUBLE_EQ(axis.back(), 2100);
  // errors name the step and key
  EXPECT_NE(error_of([] { parse_pipeline("savgol(window=10,order=2)"); }).find("odd"), std::string::npos);
  EXPECT_NE(error_of([] { parse_pipeline("savgol(window=11,order=2,deriv=1)"); }).find("unknown key 'deriv'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_pipeline("msc"); }).find("unknown step 'msc'"), std::string::npos);
}

// PLS1 on exact cases: with as many components as X has rank, PLS is least squares; one component is
// B = c Xᵀy with c = yᵀXXᵀy / |XXᵀy|² (centred data).
TEST(Pls, ExactCases) {
  // y = 1 + 2 x1 - 3 x2 exactly
  Matrix x(6, 2);
  const double x1[] = {0, 1, 2, 3, 4, 5}, x2[] = {1, 0, 2, 1, 3, 1};
  std::vector<double> y(6);
  for (int i = 0; i < 6; ++i) x(i, 0) = x1[i], x(i, 1) = x2[i], y[i] = 1 + 2 * x1[i] - 3 * x2[i];
  for (PlsAlgorithm alg : {PlsAlgorithm::nipals, PlsAlgorithm::simpls}) {
    const PlsFit f = fit_pls(x, y, {}, 2, alg);
    EXPECT_NEAR(f.coefficients(1, 0), 2.0, 1e-13) << algorithm_name(alg);
    EXPECT_NEAR(f.coefficients(1, 1), -3.0, 1e-13) << algorithm_name(alg);
    const double q[] = {10, 20};
    EXPECT_NEAR(f.predict(q, 2), 1 + 20 - 60, 1e-11);
    // one component, by the closed form
    double xm[2] = {0, 0}, ym = 0;
    for (int i = 0; i < 6; ++i) xm[0] += x1[i] / 6, xm[1] += x2[i] / 6, ym += y[i] / 6;
    double s[2] = {0, 0};
    for (int i = 0; i < 6; ++i) s[0] += (x1[i] - xm[0]) * (y[i] - ym), s[1] += (x2[i] - xm[1]) * (y[i] - ym);
    double num = 0, den = 0;
    for (int i = 0; i < 6; ++i) {
      const double t = (x1[i] - xm[0]) * s[0] + (x2[i] - xm[1]) * s[1];
      num += t * (y[i] - ym);
      den += t * t;
    }
    EXPECT_NEAR(f.coefficients(0, 0), num / den * s[0], 1e-13);
    EXPECT_NEAR(f.coefficients(0, 1), num / den * s[1], 1e-13);
    EXPECT_DOUBLE_EQ(f.y_mean, ym);
  }
}

TEST(Pls, NipalsEqualsSimplsOnNoisySpectra) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 1.0);
  Matrix x(40, 60);
  std::vector<double> y(40);
  for (std::size_t i = 0; i < 40; ++i) {
    double f[6];
    for (double& v : f) v = noise(rng);
    for (std::size_t j = 0; j < 60; ++j) {
      x(i, j) = 0.01 * noise(rng);
      for (int k = 0; k < 6; ++k) x(i, j) += f[k] * std::sin(0.07 * (k + 1) * double(j) + k);
    }
    y[i] = 2 * f[0] - f[1] + 0.5 * f[2] + 0.3 * f[3] - 0.2 * f[4] + 0.1 * f[5] + 0.01 * noise(rng);
  }
  const PlsFit n = fit_pls(x, y, {}, 5, PlsAlgorithm::nipals), s = fit_pls(x, y, {}, 5, PlsAlgorithm::simpls);
  // equal in exact arithmetic; in floating point to 1e-10 while the components carry signal (6 factors + noise)
  for (std::size_t a = 0; a < 5; ++a)
    for (std::size_t j = 0; j < 60; ++j) EXPECT_NEAR(n.coefficients(a, j), s.coefficients(a, j), 1e-10) << a << " " << j;
  // a subset of rows fits as if only those rows existed
  Matrix sub(20, 60);
  std::vector<double> ys(20);
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < 20; ++i) {
    rows.push_back(2 * i);
    ys[i] = y[2 * i];
    for (std::size_t j = 0; j < 60; ++j) sub(i, j) = x(2 * i, j);
  }
  const PlsFit a = fit_pls(x, y, rows, 3, PlsAlgorithm::nipals), b = fit_pls(sub, ys, {}, 3, PlsAlgorithm::nipals);
  EXPECT_EQ(a.coefficients.v, b.coefficients.v);
  EXPECT_THROW(fit_pls(sub, ys, {}, 20, PlsAlgorithm::nipals), std::invalid_argument);
}

TEST(Conformal, QuantileIsTheCeilRank) {
  std::vector<double> r;
  for (int i = 19; i >= 1; --i) r.push_back(i);  // 1..19, any order
  EXPECT_DOUBLE_EQ(conformal_quantile(r, 0.9, "t"), 18.0);   // ceil(20 x 0.9) = 18
  EXPECT_DOUBLE_EQ(conformal_quantile(r, 0.95, "t"), 19.0);  // ceil(19) = 19
  EXPECT_DOUBLE_EQ(conformal_quantile(r, 0.5, "t"), 10.0);
  EXPECT_NE(error_of([&] { conformal_quantile(r, 0.96, "cal.csv"); }).find("cal.csv: 19 calibration residuals"),
            std::string::npos);
}

TEST(SpectraCsv, ReadsQuotedHeadersAndNamesBadCells) {
  const std::string ok = write_temp("ok.csv", "\"id\",\"y\",\"1100\",\"1102\",\"1104\"\n1,0.5,0.1,0.2,0.3\n2,NA,0.4,0.5,0.6\n");
  const SpectraTable t = read_spectra_csv(ok, "");
  EXPECT_EQ(t.band_names.size(), 3u);
  EXPECT_DOUBLE_EQ(t.axis[2], 1104);
  EXPECT_DOUBLE_EQ(t.x(1, 1), 0.5);
  EXPECT_EQ(t.other[size_t(t.other_index("y"))][1], "NA");
  const std::string ragged = write_temp("ragged.csv", "id,1100,1102,1104\n1,0.1,0.2,0.3\n2,0.4,0.5\n");
  EXPECT_EQ(error_of([&] { read_spectra_csv(ragged, ""); }),
            ragged + ":3:10: 3 fields, expected 4 as in the header (line 1): a ragged row");
  const std::string text = write_temp("text.csv", "id,1100,1102,1104\n1,0.1,abc,0.3\n");
  EXPECT_EQ(error_of([&] { read_spectra_csv(text, ""); }),
            text + ":2:7 (1102): found 'abc', expected a finite number in decimal notation (the spectral value of band 2 "
                   "of 3; spectra must be complete)");
  const std::string none = write_temp("none.csv", "id,wn_1100,wn_1102,wn_1104\n1,0.1,0.2,0.3\n");
  EXPECT_NE(error_of([&] { read_spectra_csv(none, ""); }).find("--band-prefix"), std::string::npos);
  EXPECT_EQ(read_spectra_csv(none, "wn_").axis.size(), 3u);
  for (const auto& f : {ok, ragged, text, none}) std::filesystem::remove(f);
}
