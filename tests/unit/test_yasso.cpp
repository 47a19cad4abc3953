// Yasso15 and Yasso07: the kernel against the official Fortran solver (YASSOmodel/YASSO15 mod5c)
// on every reference case in tests/data/yasso15 and tests/data/yasso07 (copied from
// ../shared/refs/models; ALAMOD_YASSO15_REFS / ALAMOD_YASSO07_REFS override the folders), the
// matrix exponential, the carbon balance over a long run with varying forcing, and validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/yasso/small_matrix.hpp"
#include "models/yasso/yasso.hpp"

namespace yasso = alamod::models::yasso;
namespace mx = alamod::models::matrix;
namespace fs = std::filesystem;

namespace {

std::string refs_dir(const char* env_name, const char* fallback) {
  if (const char* env = std::getenv(env_name)) return env;
  return fallback;
}
const std::string kYasso15Refs = refs_dir("ALAMOD_YASSO15_REFS", ALAMOD_TEST_YASSO15_REFS);
const std::string kYasso07Refs = refs_dir("ALAMOD_YASSO07_REFS", ALAMOD_TEST_YASSO07_REFS);

/// One call of the official solver: `dt T P ampl bA bW bE bN bH d leac ss`.
struct CaseRow {
  double dt;
  yasso::Climate climate;
  yasso::Pools input;
  yasso::Site site;
  bool steady;
};

struct Case {
  yasso::Pools initial;
  std::vector<CaseRow> rows;
};

std::vector<double> numbers_of(std::string line) {
  std::replace(line.begin(), line.end(), ',', ' ');
  std::istringstream in(line);
  std::vector<double> v;
  double x;
  while (in >> x) v.push_back(x);
  return v;
}

Case read_case(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  Case c{};
  std::string line;
  std::getline(in, line);
  const std::vector<double> init = numbers_of(line);
  if (init.size() != 5) throw std::runtime_error(path.string() + ": line 1 must hold 5 initial pools");
  std::copy(init.begin(), init.end(), c.initial.begin());
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    const std::vector<double> v = numbers_of(line);
    if (v.empty()) continue;
    if (v.size() != 12) throw std::runtime_error(path.string() + ":" + std::to_string(n) + ": expected 12 values");
    CaseRow r{};
    r.dt = v[0];
    r.climate = {v[1], v[2], v[3]};
    r.input = {v[4], v[5], v[6], v[7], v[8]};
    r.site.size_cm = v[9];
    r.site.leaching = v[10];
    r.steady = v[11] != 0.0;
    c.rows.push_back(r);
  }
  return c;
}

/// The official outputs: `step,dt,T,P,Ampl,d,leac,ss,A,W,E,N,H,total`, one row per call.
std::vector<std::vector<double>> read_outputs(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<std::vector<double>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> v = numbers_of(line);
    if (v.empty()) continue;
    if (v.size() != 14) throw std::runtime_error(path.string() + ": expected 14 columns in '" + line + "'");
    rows.push_back(std::move(v));
  }
  return rows;
}

double relative_error(double value, double reference) {
  return std::abs(value - reference) / std::max(std::abs(reference), 1e-300);
}

/// Runs every `out/<case>.csv` of `refs` (the case inputs in `cases`) with parameters `p`,
/// chaining the pools from call to call as the official driver does; returns the number of cases.
int check_reference_cases(const yasso::Parameters& p, const std::string& refs, const std::string& cases,
                          double tolerance) {
  int found = 0;
  std::vector<fs::path> outputs;
  for (const auto& entry : fs::directory_iterator(fs::path(refs) / "out"))
    if (entry.path().extension() == ".csv") outputs.push_back(entry.path());
  std::sort(outputs.begin(), outputs.end());
  for (const fs::path& out_path : outputs) {
    const fs::path case_path = fs::path(cases) / (out_path.stem().string() + ".txt");
    if (!fs::exists(case_path)) {
      ADD_FAILURE() << "no case inputs " << case_path << " for " << out_path;
      continue;
    }
    const Case c = read_case(case_path);
    const std::vector<std::vector<double>> ref = read_outputs(out_path);
    if (ref.size() != c.rows.size()) {
      ADD_FAILURE() << out_path << ": " << ref.size() << " output rows for " << c.rows.size() << " calls";
      continue;
    }
    ++found;
    yasso::Pools x = c.initial;
    double worst = 0.0;
    for (std::size_t n = 0; n < c.rows.size(); ++n) {
      const CaseRow& r = c.rows[n];
      EXPECT_EQ(ref[n][1], r.dt) << out_path << " row " << n + 1;
      EXPECT_EQ(ref[n][2], r.climate.temp_mean_c) << out_path << " row " << n + 1;
      if (r.steady)
        x = yasso::steady_state(p, r.climate, r.site, r.input, x, r.dt);
      else
        yasso::step(p, r.climate, r.site, r.input, r.dt, x);
      double total = 0.0;
      for (int i = 0; i < yasso::kNumPools; ++i) {
        const double err = relative_error(x[i], ref[n][8 + i]);
        EXPECT_LE(err, tolerance) << out_path.filename() << " row " << n + 1 << " pool " << yasso::kPoolNames[i]
                                  << ": " << x[i] << " vs " << ref[n][8 + i];
        worst = std::max(worst, err);
        total += x[i];
      }
      worst = std::max(worst, relative_error(total, ref[n][13]));
    }
    std::printf("  %-48s %3zu rows, max relative error %.3e\n", out_path.string().c_str(), c.rows.size(), worst);
  }
  return found;
}

std::array<double, 35> read_theta(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::array<double, 35> theta{};
  std::string line;
  std::getline(in, line);  // name,value
  int n = 0;
  while (std::getline(in, line) && n < 35) {
    const auto comma = line.find(',');
    if (comma == std::string::npos) continue;
    theta[n++] = std::stod(line.substr(comma + 1));
  }
  if (n != 35) throw std::runtime_error(path + ": expected 35 parameter values");
  return theta;
}

void expect_same_parameters(const yasso::Parameters& a, const yasso::Parameters& b) {
  for (const auto& info : yasso::kParameterInfo) EXPECT_EQ(a.*(info.member), b.*(info.member)) << info.name;
  EXPECT_EQ(a.size_function, b.size_function);
}

TEST(YassoParameters, DefaultsAreTheOfficialParameterFiles) {
  expect_same_parameters(
      yasso::parameters_from_theta(read_theta(kYasso15Refs + "/y15par_MAP.csv"), yasso::SizeFunction::capped),
      yasso::yasso15_parameters());
  expect_same_parameters(yasso::parameters_from_theta(read_theta(kYasso07Refs + "/y07par_tuomi2011_as_y15theta.csv"),
                                                      yasso::SizeFunction::uncapped),
                         yasso::yasso07_parameters());
  EXPECT_NO_THROW(yasso::validate(yasso::yasso15_parameters()));
  EXPECT_NO_THROW(yasso::validate(yasso::yasso07_parameters()));
}

TEST(YassoReference, Yasso15MatchesTheOfficialSolver) {
  const int n = check_reference_cases(yasso::yasso15_parameters(), kYasso15Refs, kYasso15Refs + "/cases", 1e-8);
  EXPECT_GE(n, 2) << "reference cases missing in " << kYasso15Refs;
}

TEST(YassoReference, Yasso07MatchesTheOfficialSolverWithTheYasso07Parameters) {
  const std::string cases = fs::exists(kYasso07Refs + "/cases") ? kYasso07Refs + "/cases" : kYasso15Refs + "/cases";
  const int n = check_reference_cases(yasso::yasso07_parameters(), kYasso07Refs, cases, 1e-8);
  EXPECT_GE(n, 1) << "reference cases missing in " << kYasso07Refs;
}

// ---- matrix exponential ----------------------------------------------------------------------

TEST(SmallMatrix, ExponentialOfAJordanBlockAndOfADiagonal) {
  // [[a, 1], [0, a]] t -> e^{at} [[1, t], [0, 1]]
  for (double a : {-30.0, -1.5, -1e-4, 0.0, 0.7}) {
    for (double t : {1e-3, 0.5, 1.0, 40.0}) {
      const mx::SquareMatrix<2> x = {{{a * t, t}, {0.0, a * t}}};
      const mx::SquareMatrix<2> e = mx::exp<2>(x);
      const double ea = std::exp(a * t);
      // Relative accuracy entry by entry, down to e^-60 (the shifted Taylor terms never cancel).
      EXPECT_NEAR(e[0][0], ea, 1e-13 * ea) << a << " " << t;
      EXPECT_NEAR(e[0][1], t * ea, 1e-13 * t * ea) << a << " " << t;
      EXPECT_EQ(e[1][0], 0.0);
    }
  }
}

TEST(SmallMatrix, ExponentialOfARotationAndInverse) {
  const double w = 3.0;  // e^{[[0, w], [-w, 0]]} = [[cos w, sin w], [-sin w, cos w]]
  const mx::SquareMatrix<2> r = mx::exp<2>({{{0.0, w}, {-w, 0.0}}});
  EXPECT_NEAR(r[0][0], std::cos(w), 1e-14);
  EXPECT_NEAR(r[0][1], std::sin(w), 1e-14);
  // e^X e^-X = I for a Yasso matrix of a warm, wet year over 0.1 year.
  const yasso::Decomposition d = yasso::decomposition(yasso::yasso15_parameters(), {25.0, 1500.0, 8.0}, {});
  mx::SquareMatrix<5> x{}, minus{};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) {
      x[i][j] = 0.1 * d.matrix[i][j];
      minus[i][j] = -x[i][j];
    }
  const mx::SquareMatrix<5> product = mx::multiply<5>(mx::exp<5>(x), mx::exp<5>(minus));
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) EXPECT_NEAR(product[i][j], i == j ? 1.0 : 0.0, 1e-13) << i << "," << j;
}

TEST(SmallMatrix, SolveWithPivoting) {
  const mx::SquareMatrix<3> a = {{{0.0, 2.0, 1.0}, {1.0, 1.0, 0.0}, {3.0, 0.0, 1.0}}};
  mx::Vector<3> x{};
  ASSERT_TRUE(mx::solve<3>(a, {5.0, 3.0, 6.0}, x));  // x = (1, 2, 1) + check
  const mx::Vector<3> ax = mx::multiply<3>(a, x);
  EXPECT_NEAR(ax[0], 5.0, 1e-14);
  EXPECT_NEAR(ax[1], 3.0, 1e-14);
  EXPECT_NEAR(ax[2], 6.0, 1e-14);
  EXPECT_FALSE(mx::solve<3>({{{1.0, 2.0, 0.0}, {2.0, 4.0, 0.0}, {0.0, 0.0, 1.0}}}, {1.0, 2.0, 3.0}, x));
}

// ---- kernel properties -----------------------------------------------------------------------

TEST(YassoKernel, OneLongStepEqualsManyShortOnes) {
  const yasso::Parameters p = yasso::yasso15_parameters();
  const yasso::Climate c{9.0, 800.0, 9.5};
  const yasso::Site woody{2.0, -0.0015};
  const yasso::Pools litter{1.2, 0.3, 0.1, 0.9, 0.0};
  yasso::Pools once{3.0, 0.5, 0.4, 8.0, 40.0}, yearly = once, monthly = once;
  yasso::step(p, c, woody, litter, 50.0, once);
  for (int y = 0; y < 50; ++y) yasso::step(p, c, woody, litter, 1.0, yearly);
  for (int m = 0; m < 600; ++m) yasso::step(p, c, woody, litter, 1.0 / 12.0, monthly);
  for (int i = 0; i < yasso::kNumPools; ++i) {
    EXPECT_NEAR(yearly[i], once[i], 1e-12 * once[i]) << yasso::kPoolNames[i];
    EXPECT_NEAR(monthly[i], once[i], 1e-11 * once[i]) << yasso::kPoolNames[i];
  }
}

TEST(YassoKernel, SteadyStateIsAFixedPointAndTheLimitOfALongRun) {
  const yasso::Parameters p = yasso::yasso15_parameters();
  const yasso::Climate c{11.5, 750.0, 7.5};
  const yasso::Site stems{20.0, 0.0};
  const yasso::Pools litter{2.0, 0.2, 0.1, 1.5, 0.0};
  const yasso::Pools ss = yasso::steady_state(p, c, stems, litter, {}, 1.0);
  yasso::Pools x = ss;
  const yasso::StepFluxes flux = yasso::step(p, c, stems, litter, 1.0, x);
  EXPECT_NEAR(flux.respired + flux.leached, flux.input, 1e-11 * flux.input);
  for (int i = 0; i < yasso::kNumPools; ++i) EXPECT_NEAR(x[i], ss[i], 1e-12 * ss[i]) << yasso::kPoolNames[i];
  yasso::Pools far{};
  for (int n = 0; n < 400; ++n) yasso::step(p, c, stems, litter, 100.0, far);  // ~70 humus turnover times
  for (int i = 0; i < yasso::kNumPools; ++i) EXPECT_NEAR(far[i], ss[i], 1e-10 * ss[i]) << yasso::kPoolNames[i];
}

TEST(YassoKernel, WoodySizeSlowsDecayAndYasso15CapsIt) {
  const yasso::Parameters y15 = yasso::yasso15_parameters();
  const yasso::Parameters y07 = yasso::yasso07_parameters();
  EXPECT_EQ(yasso::size_factor(y15, 0.0), 1.0);
  EXPECT_EQ(yasso::size_factor(y07, 0.0), 1.0);
  EXPECT_LT(yasso::size_factor(y15, 20.0), 1.0);
  EXPECT_LT(yasso::size_factor(y07, 20.0), 1.0);
  // 1 + delta1 d + delta2 d^2 < 1 for 0 < d < -delta1/delta2: Yasso07 speeds decay up, Yasso15 caps at 1.
  EXPECT_EQ(yasso::size_factor(y15, 0.2), 1.0);
  EXPECT_GT(yasso::size_factor(y07, 1.0), 1.0);
  const double base = 1.0 + y07.size_delta1 * 1.0 + y07.size_delta2 * 1.0;
  EXPECT_DOUBLE_EQ(yasso::size_factor(y07, 1.0), std::pow(base, y07.size_exponent));
}

TEST(YassoKernel, CarbonBalanceOverALongRunWithVaryingForcing) {
  std::mt19937_64 rng(11);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); };
  for (const yasso::Parameters& p : {yasso::yasso15_parameters(), yasso::yasso07_parameters()}) {
    yasso::Pools x{1.0, 0.2, 0.1, 3.0, 30.0};
    double start = 0.0;
    for (double v : x) start += v;
    double inputs = 0.0, losses = 0.0, stock = start;
    for (int y = 0; y < 1500; ++y) {
      const yasso::Climate c{uniform(-8.0, 28.0), y % 211 == 0 ? 0.0 : uniform(150.0, 2500.0), uniform(2.0, 20.0)};
      const yasso::Site s{y % 2 == 0 ? 0.0 : uniform(0.0, 40.0), y % 5 == 0 ? uniform(-0.01, 0.0) : 0.0};
      const yasso::Pools litter{uniform(0.0, 3.0), uniform(0.0, 0.5), uniform(0.0, 0.3), uniform(0.0, 2.0),
                                uniform(0.0, 0.05)};
      const double dt = y % 4 == 0 ? 1.0 : uniform(0.1, 3.0);
      const yasso::StepFluxes flux = yasso::step(p, c, s, litter, dt, x);
      double now = 0.0;
      for (double v : x) {
        ASSERT_GE(v, 0.0) << "year " << y;
        now += v;
      }
      ASSERT_GE(flux.respired, 0.0) << "year " << y;
      ASSERT_GE(flux.leached, 0.0) << "year " << y;
      // Respired and leached carbon come from the augmented exponential, not from the stock change.
      ASSERT_NEAR(now - stock, flux.input - flux.respired - flux.leached, 1e-12 * now) << "year " << y;
      stock = now;
      inputs += flux.input;
      losses += flux.respired + flux.leached;
    }
    EXPECT_NEAR(stock - start, inputs - losses, 1e-11 * stock);
  }
}

TEST(YassoKernel, NoRainMeansNoDecompositionAsInTheOfficialCode) {
  const yasso::Parameters p = yasso::yasso15_parameters();
  const yasso::Pools litter{1.0, 0.5, 0.25, 0.125, 0.0};
  yasso::Pools x{2.0, 2.0, 2.0, 2.0, 2.0};
  const yasso::StepFluxes flux = yasso::step(p, {10.0, 0.0, 5.0}, {0.0, -0.01}, litter, 2.0, x);
  EXPECT_EQ(flux.respired, 0.0);
  EXPECT_EQ(flux.leached, 0.0);
  EXPECT_EQ(x[0], 4.0);
  EXPECT_EQ(x[4], 2.0);
}

TEST(YassoParameters, ValidateRejectsValuesOutsideTheirBounds) {
  yasso::Parameters p = yasso::yasso15_parameters();
  p.alpha_w = -1.0;
  try {
    yasso::validate(p);
    FAIL() << "alpha_w = -1 was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("alpha_w"), std::string::npos) << msg;
    EXPECT_NE(msg.find("-1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[0, 50]"), std::string::npos) << msg;
  }
  p = yasso::yasso15_parameters();
  p.p_aw = 0.999;  // A passes 0.999 + 0.0006 + 0.0008 + p_h > 1
  try {
    yasso::validate(p);
    FAIL() << "outflow shares above 1 were accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("decomposed A"), std::string::npos) << e.what();
  }
  p = yasso::yasso07_parameters();
  p.size_delta2 = 0.5;  // delta1^2 = 2.89 > 4 delta2: the size function crosses zero
  EXPECT_THROW(yasso::validate(p), std::invalid_argument);
  p = yasso::yasso15_parameters();
  p.gamma_h = std::nan("");
  EXPECT_THROW(yasso::validate(p), std::invalid_argument);
}

TEST(YassoRegistry, TwoModelsWithTheirOwnDefaults) {
  const alamod::models::ModelInfo m15 = alamod::models::yasso15::model_info();
  const alamod::models::ModelInfo m07 = alamod::models::yasso07::model_info();
  EXPECT_EQ(m15.name, "yasso15");
  EXPECT_EQ(m07.name, "yasso07");
  ASSERT_EQ(m15.pools.size(), 5u);
  ASSERT_EQ(m15.parameters.size(), yasso::kParameterInfo.size());
  ASSERT_EQ(m07.parameters.size(), yasso::kParameterInfo.size());
  EXPECT_EQ(m15.parameters[0].default_value, 0.48971473);
  EXPECT_EQ(m07.parameters[0].default_value, 0.73);
  for (const auto* m : {&m15, &m07})
    for (const auto& row : m->parameters) {
      EXPECT_FALSE(row.unit.empty()) << m->name << " " << row.name;
      EXPECT_TRUE(row.default_value >= row.lower && row.default_value <= row.upper) << m->name << " " << row.name;
    }
}

}  // namespace
