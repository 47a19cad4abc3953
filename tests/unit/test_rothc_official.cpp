// The official RothC input file and driver against the reference runs of the official Fortran code
// (double-literal build, ../shared/refs/models/rothc), and its handling of bad input files.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "engine/official/rothc_official.hpp"
#include "tests/unit/test_files.hpp"

namespace fs = std::filesystem;
using alamod::engine::OfficialInputError;
using alamod::engine::run_rothc_official;
using alamod::test::TempDir;

namespace {

constexpr double kRelTol = 1e-7;   // relative, against the double-literal reference
constexpr double kAbsTol = 1e-12;  // absolute, for values near zero

// The repository carries a copy of the reference runs (tests/data/rothc/refs);
// ALAMOD_ROTHC_REFS points elsewhere, e.g. at ../shared/refs/models/rothc.
fs::path rothc_refs() {
  if (const char* env = std::getenv("ALAMOD_ROTHC_REFS"); env && *env) return env;
  return ALAMOD_TEST_ROTHC_REFS;
}

using Table = std::vector<std::vector<std::string>>;

Table read_csv(const fs::path& p) { return alamod::test::split_table(alamod::test::read_file(p), ','); }

/// Compares every field of every row; returns the largest relative error of the numeric fields.
double compare_tables(const Table& ref, const Table& out, const std::string& what) {
  EXPECT_FALSE(ref.empty()) << what;
  EXPECT_EQ(out.size(), ref.size()) << what << ": number of rows";
  if (ref.empty() || out.size() != ref.size()) return INFINITY;
  EXPECT_EQ(out[0], ref[0]) << what << ": header";
  double worst = 0.0;
  int failures = 0;
  for (std::size_t r = 1; r < ref.size(); ++r) {
    EXPECT_EQ(out[r].size(), ref[r].size()) << what << " row " << r + 1;
    if (out[r].size() != ref[r].size()) return INFINITY;
    for (std::size_t c = 0; c < ref[r].size(); ++c) {
      const std::string& a = ref[r][c];
      const std::string& b = out[r][c];
      if (a.empty() || b.empty()) {
        EXPECT_EQ(b, a) << what << " row " << r + 1 << " column " << ref[0][c];
        continue;
      }
      const double x = std::stod(a), y = std::stod(b);
      const double err = std::fabs(x - y);
      const bool ok = err <= kAbsTol || err <= kRelTol * std::fabs(x);
      if (std::fabs(x) > kAbsTol) worst = std::max(worst, err / std::fabs(x));
      if (!ok && ++failures <= 10)
        ADD_FAILURE() << what << " row " << r + 1 << " column " << ref[0][c] << ": reference " << a << ", got " << b;
    }
  }
  EXPECT_EQ(failures, 0) << what;
  return worst;
}

struct ReferenceCase {
  const char* name;
  long spinup_months;
};

class OfficialReference : public ::testing::TestWithParam<ReferenceCase> {};

TEST_P(OfficialReference, MatchesOfficialCodeEveryColumnEveryRow) {
  const ReferenceCase c = GetParam();
  const fs::path dir = rothc_refs() / c.name;
  ASSERT_TRUE(fs::exists(dir / "input_RothC_input.dat")) << "reference data not found under " << dir
                                                         << " (set ALAMOD_SHARED_DIR)";
  TempDir tmp;
  const fs::path out = tmp.path() / "out" / "nested";  // created by the driver
  run_rothc_official({(dir / "input_RothC_input.dat").string(), out.string()});

  const Table month = read_csv(out / "month_results.csv");
  const Table year = read_csv(out / "year_results.csv");
  const double worst_month = compare_tables(read_csv(dir / "ref_double_literals_month.csv"), month, "month");
  const double worst_year = compare_tables(read_csv(dir / "ref_double_literals_year.csv"), year, "year");
  std::printf("[ %s ] max relative error: month %.2e, year %.2e\n", c.name, worst_month, worst_year);

  // The spin-up row carries the number of spin-up months: exactly that of the official code.
  ASSERT_GE(month.size(), 3u);
  EXPECT_EQ(std::stol(month[2][1]), c.spinup_months);
  EXPECT_EQ(std::stol(year[2][1]), c.spinup_months);
  const auto input = alamod::engine::read_official_input((dir / "input_RothC_input.dat").string());
  EXPECT_EQ(alamod::engine::run_official_procedure(input).spinup_months, c.spinup_months);

  // Only the two result files: the temporary files were renamed.
  int files = 0;
  for (const auto& e : fs::directory_iterator(out)) {
    ++files;
    EXPECT_TRUE(e.path().filename() == "month_results.csv" || e.path().filename() == "year_results.csv")
        << e.path();
  }
  EXPECT_EQ(files, 2);
}

INSTANTIATE_TEST_SUITE_P(RothC, OfficialReference,
                         ::testing::Values(ReferenceCase{"official_example", 20916}, ReferenceCase{"const_step", 13500}),
                         [](const auto& info) { return std::string(info.param.name); });

// The v1 layout (no options line; RothC-26.3 v1.0.0 and RothC_Py) against RothC_Py's shipped output.
TEST(OfficialDriver, V1LayoutMatchesRothCPy) {
  const fs::path dir = rothc_refs() / "shipped_outputs";
  ASSERT_TRUE(fs::exists(dir / "RothC_Py_input.dat"));
  TempDir tmp;
  run_rothc_official({(dir / "RothC_Py_input.dat").string(), tmp.path().string()});
  const Table py = read_csv(dir / "RothC_Py_year_results.csv");  // Year Month DPM RPM BIO HUM IOM SOC deltaC
  const Table ours = read_csv(tmp.path() / "year_results.csv");  // + initial row, + CO2 column
  ASSERT_EQ(ours.size(), py.size() + 1);
  double worst = 0.0;
  for (std::size_t r = 1; r < py.size(); ++r) {
    const auto& a = py[r];
    const auto& b = ours[r + 1];
    EXPECT_EQ(a[0], b[0]);
    EXPECT_EQ(a[1], b[1]);
    for (std::size_t c = 2; c < a.size(); ++c) {
      const std::size_t oc = c < 8 ? c : c + 1;  // skip our CO2 column
      const double x = std::stod(a[c]), y = std::stod(b[oc]);
      worst = std::max(worst, std::fabs(x - y) / std::fabs(x));
      EXPECT_NEAR(y, x, kRelTol * std::fabs(x)) << "row " << r + 1 << " " << py[0][c];
    }
  }
  std::printf("[ RothC_Py v1 layout ] max relative error (year file): %.2e\n", worst);
}

// ---------------------------------------------------------------------------------------------
// Bad input: one-line message naming file, line and field; nothing written.
// ---------------------------------------------------------------------------------------------

std::vector<std::string> official_example_lines() {
  std::ifstream in(rothc_refs() / "official_example" / "input_RothC_input.dat");
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  return lines;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::istringstream is(s);
  std::vector<std::string> t;
  std::string w;
  while (is >> w) t.push_back(w);
  return t;
}

std::string join(const std::vector<std::string>& t) {
  std::string s;
  for (const auto& w : t) s += (s.empty() ? "" : "\t") + w;
  return s;
}

/// Runs the driver on the official example with `edit` applied to its lines; expects an
/// OfficialInputError whose message contains every string of `expected`, and an untouched out dir.
void expect_rejected(const std::function<void(std::vector<std::string>&)>& edit,
                     const std::vector<std::string>& expected) {
  TempDir tmp;
  auto lines = official_example_lines();
  ASSERT_GT(lines.size(), 20u);
  edit(lines);
  const fs::path input = tmp.path() / "RothC_input.dat";
  {
    std::ofstream out(input);
    for (const auto& l : lines) out << l << "\n";
  }
  const fs::path out_dir = tmp.path() / "results";
  try {
    run_rothc_official({input.string(), out_dir.string()});
    ADD_FAILURE() << "no error raised";
  } catch (const OfficialInputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
    EXPECT_NE(msg.find(input.string()), std::string::npos) << msg;
    for (const auto& s : expected) EXPECT_NE(msg.find(s), std::string::npos) << "'" << s << "' not in: " << msg;
    std::printf("  message: %s\n", msg.c_str());
  }
  EXPECT_FALSE(fs::exists(out_dir)) << "the output folder must not be created on an input error";
}

TEST(OfficialDriverInput, MissingFile) {
  TempDir tmp;
  const fs::path missing = tmp.path() / "no_such_RothC_input.dat";
  try {
    run_rothc_official({missing.string(), (tmp.path() / "out").string()});
    ADD_FAILURE() << "no error raised";
  } catch (const OfficialInputError& e) {
    EXPECT_NE(std::string(e.what()).find(missing.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

TEST(OfficialDriverInput, ShortRow) {
  expect_rejected([](auto& l) { auto t = split_ws(l[14]); t.resize(7); l[14] = join(t); },
                  {":15:", "7 fields", "expected 10", "DPM_RPM"});
}

TEST(OfficialDriverInput, NonNumericValue) {
  expect_rejected([](auto& l) { auto t = split_ws(l[19]); t[4] = "12.5mm"; l[19] = join(t); },
                  {":20:", "field 5 (Rain)", "not a number", "mm"});
}

TEST(OfficialDriverInput, DecimalCommaShiftsFields) {
  expect_rejected([](auto& l) { auto t = split_ws(l[19]); t[3] = "3,5"; l[19] = join(t); },
                  {":20:", "11 fields", "expected 10"});
}

TEST(OfficialDriverInput, ClayOutOfRange) {
  expect_rejected([](auto& l) { auto t = split_ws(l[7]); t[0] = "150"; l[7] = join(t); },
                  {":8:", "field 1 (clay)", "150", "[0, 100]"});
}

TEST(OfficialDriverInput, PlantCoverNotZeroOrOne) {
  expect_rejected([](auto& l) { auto t = split_ws(l[30]); t[8] = "2"; l[30] = join(t); },
                  {":31:", "field 9 (PC)", "0 or 1"});
}

TEST(OfficialDriverInput, NegativeCarbonInput) {
  expect_rejected([](auto& l) { auto t = split_ws(l[40]); t[6] = "-0.1"; l[40] = join(t); },
                  {":41:", "field 7 (C_inp)", ">= 0"});
}

TEST(OfficialDriverInput, TooFewSteps) {
  expect_rejected([](auto& l) { l.resize(l.size() - 5); }, {"monthly rows", "nsteps = 840", "line 8"});
}

TEST(OfficialDriverInput, TooManySteps) {
  expect_rejected([](auto& l) { auto t = split_ws(l[7]); t[3] = "800"; l[7] = join(t); },
                  {":811:", "more monthly rows than nsteps = 800"});
}

TEST(OfficialDriverInput, SpinupWithoutDecomposition) {
  expect_rejected([](auto& l) {
        for (int i = 10; i < 22; ++i) {
          auto t = split_ws(l[i]);
          t[3] = "-10";
          t[6] = "0.1";
          l[i] = join(t);
        }
      },
      {":11-22:", "spin-up cannot reach equilibrium"});
}

TEST(OfficialDriverInput, BadOptions) {
  expect_rejected([](auto& l) { l[4] = "    4          1"; }, {":5:", "field 1 (opt_RMmoist)"});
}

TEST(OfficialDriverInput, FarinaOptionsNeedSoilLine) {
  expect_rejected([](auto& l) {
        l[4] = "    2          1";
        auto t = split_ws(l[7]);
        t.resize(5);
        l[7] = join(t);
      },
      {":8:", "5 fields", "expected 8", "minRM_Moist"});
}

// Options 2 and 3 run through the driver (no reference values: finite, ordered, SOC positive).
TEST(OfficialDriver, FarinaOptionsRun) {
  for (const char* opt : {"    2          1", "    3          1", "    3          2"}) {
    TempDir tmp;
    auto lines = official_example_lines();
    lines[4] = opt;
    const fs::path input = tmp.path() / "RothC_input.dat";
    {
      std::ofstream out(input);
      for (const auto& l : lines) out << l << "\n";
    }
    const auto in = alamod::engine::read_official_input(input.string());
    const auto res = alamod::engine::run_official_procedure(in);
    EXPECT_GT(res.spinup_months, 0);
    for (const auto& r : res.month_rows) {
      EXPECT_TRUE(std::isfinite(r.soc) && r.soc > 0.0) << opt;
      EXPECT_LE(r.smd_mm, 0.0);
      if (!r.pools_only) {
        EXPECT_TRUE(r.rm_moist >= in.soil.min_rm_moist && r.rm_moist <= 1.0) << opt;
      }
    }
    for (const auto& r : res.year_rows) EXPECT_TRUE(std::isfinite(r.delta_c)) << opt;
  }
}

}  // namespace
