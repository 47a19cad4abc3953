// ICBM: the annual kernel against the exact analytic reference solutions (tests/data/icbm,
// from ../shared/refs/models/icbm; ALAMOD_ICBM_REFS overrides the folder), the carbon balance
// over a long run with varying forcing, and parameter validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/icbm/icbm.hpp"

namespace icbm = alamod::models::icbm;

namespace {

std::string refs_dir() {
  if (const char* env = std::getenv("ALAMOD_ICBM_REFS")) return env;
  return ALAMOD_TEST_ICBM_REFS;
}

/// One row of a reference file: time (yr), Y, O, total (kg C m-2).
struct RefRow {
  double time, young, old, total;
};

/// Reads `time,Y,O,total[,soilr_Y,soilr_O]`; an empty vector if the file is absent.
std::vector<RefRow> read_reference(const std::string& path) {
  std::vector<RefRow> rows;
  std::ifstream in(path);
  if (!in) return rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    RefRow r{};
    fields >> r.time >> r.young >> r.old >> r.total;
    if (!fields) throw std::runtime_error(path + ": malformed row '" + line + "'");
    rows.push_back(r);
  }
  return rows;
}

double relative_error(double value, double reference) {
  return std::abs(value - reference) / std::max(std::abs(reference), 1e-300);
}

/// A reference case of ../shared/refs/models/icbm/README.md. k_young/k_old <= 0: derived from
/// the steady state of row 0 for the input `initial_input` (the step case).
struct Case {
  const char* file;
  double c_input, humification, re, k_young, k_old;
  double initial_input;  ///< input whose steady state row 0 is (t C ha-1 yr-1); unused if k > 0
};

const Case kCases[] = {
    {"icbm_straw_r1.csv", 0.285, 0.125, 1.0, 0.8, 0.006, 0.0},
    {"icbm_manure_r1.csv", 0.27, 0.31, 1.0, 0.8, 0.006, 0.0},
    {"icbm_soilr_defaults_bare.csv", 0.0, 0.13, 1.32, 0.8, 0.00605, 0.0},
    {"icbm_step_i0.2_to_0.4.csv", 0.4, 0.13, 1.1, -1.0, -1.0, 0.2},
};

/// Runs a case with annual steps from row 0 and returns the largest relative error over Y, O and
/// the total; -1 if the reference file is not there.
double max_error_of_case(const Case& c) {
  const std::vector<RefRow> ref = read_reference(refs_dir() + "/" + c.file);
  if (ref.empty()) return -1.0;
  icbm::Parameters p;
  p.humification = c.humification;
  p.k_young = c.k_young > 0.0 ? c.k_young : c.initial_input / (ref[0].young * c.re);
  p.k_old = c.k_old > 0.0 ? c.k_old : c.humification * c.initial_input / (ref[0].old * c.re);
  icbm::validate(p);
  icbm::CellState x{ref[0].young, ref[0].old};
  double worst = 0.0;
  bool stepped = c.initial_input <= 0.0;  // the step case: has the input changed yet?
  for (std::size_t n = 1; n < ref.size(); ++n) {
    // While the reference stays at the initial steady state, the initial input still applies.
    stepped = stepped || relative_error(ref[n].young, ref[0].young) > 1e-14;
    const icbm::CellForcing f{stepped ? c.c_input : c.initial_input, c.re};
    icbm::step_cell(p, f, ref[n].time - ref[n - 1].time, x);
    worst = std::max({worst, relative_error(x.young, ref[n].young), relative_error(x.old, ref[n].old),
                      relative_error(x.young + x.old, ref[n].total)});
  }
  return worst;
}

TEST(IcbmReference, AnnualStepsMatchTheExactSolution) {
  int found = 0;
  for (const Case& c : kCases) {
    const double err = max_error_of_case(c);
    if (err < 0.0) continue;  // case kept back as an acceptance check
    ++found;
    std::printf("  %-32s max relative error %.3e\n", c.file, err);
    EXPECT_LE(err, 1e-12) << c.file;
  }
  ASSERT_GE(found, 1) << "no ICBM reference file in " << refs_dir();
}

TEST(IcbmKernel, OneLongStepEqualsManyShortOnes) {
  const icbm::Parameters p{};
  const icbm::CellForcing f{0.285, 1.3};
  icbm::CellState once{0.3, 3.96}, yearly = once, monthly = once;
  icbm::step_cell(p, f, 100.0, once);
  for (int y = 0; y < 100; ++y) icbm::step_cell(p, f, 1.0, yearly);
  for (int m = 0; m < 1200; ++m) icbm::step_cell(p, f, 1.0 / 12.0, monthly);
  for (const icbm::CellState& x : {yearly, monthly}) {
    EXPECT_NEAR(x.young, once.young, 1e-13 * once.young);
    EXPECT_NEAR(x.old, once.old, 1e-12 * once.old);
  }
}

TEST(IcbmKernel, SteadyStateIsAFixedPoint) {
  icbm::Parameters p{};
  p.humification = icbm::kHumificationManure;
  const icbm::CellForcing f{0.27, 1.32};
  const icbm::CellState ss = icbm::steady_state(p, f);
  icbm::CellState x = ss;
  for (int y = 0; y < 50; ++y) {
    const icbm::StepFluxes flux = icbm::step_cell(p, f, 1.0, x);
    EXPECT_NEAR(flux.respired, flux.input, 1e-13 * flux.input);
  }
  EXPECT_NEAR(x.young, ss.young, 1e-14 * ss.young);
  EXPECT_NEAR(x.old, ss.old, 1e-12 * ss.old);
}

TEST(IcbmKernel, CarbonBalanceOverALongRunWithVaryingForcing) {
  icbm::Parameters p{};
  p.humification = 0.2;
  std::mt19937_64 rng(7);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); };
  icbm::CellState x{0.5, 40.0};
  const double start = x.young + x.old;
  double inputs = 0.0, respired = 0.0;
  for (int y = 0; y < 2000; ++y) {
    const icbm::CellForcing f{uniform(0.0, 6.0), y % 97 == 0 ? 0.0 : uniform(0.3, 2.5)};
    const double dt = y % 3 == 0 ? 1.0 : uniform(0.05, 2.0);
    const double before = x.young + x.old;
    const icbm::StepFluxes flux = icbm::step_cell(p, f, dt, x);
    ASSERT_GE(flux.respired, 0.0);
    // The respiration comes from the integrals of the closed form, not from the stock change.
    ASSERT_NEAR(x.young + x.old - before, flux.input - flux.respired, 1e-13 * before) << "year " << y;
    inputs += flux.input;
    respired += flux.respired;
  }
  EXPECT_NEAR(x.young + x.old - start, inputs - respired, 1e-12 * (x.young + x.old));
}

TEST(IcbmParameters, ValidateRejectsValuesOutsideTheirBounds) {
  EXPECT_NO_THROW(icbm::validate(icbm::Parameters{}));
  icbm::Parameters p{};
  p.k_old = 0.2;
  try {
    icbm::validate(p);
    FAIL() << "k_old = 0.2 was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("k_old"), std::string::npos) << msg;
    EXPECT_NE(msg.find("0.2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("0.05"), std::string::npos) << msg;
  }
  p = icbm::Parameters{};
  p.humification = std::nan("");
  EXPECT_THROW(icbm::validate(p), std::invalid_argument);
}

TEST(IcbmRegistry, ModelInfoListsPoolsAndParameters) {
  const alamod::models::ModelInfo m = icbm::model_info();
  EXPECT_EQ(m.name, "icbm");
  EXPECT_EQ(m.time_step, "year");
  ASSERT_EQ(m.pools.size(), 2u);
  ASSERT_EQ(m.parameters.size(), icbm::kParameterInfo.size());
  for (const auto& row : m.parameters) {
    EXPECT_FALSE(row.unit.empty()) << row.name;
    EXPECT_TRUE(row.default_value >= row.lower && row.default_value <= row.upper) << row.name;
  }
}

}  // namespace
