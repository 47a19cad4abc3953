// Millennial v2: the daily kernel against the official Fortran outputs (explicit Euler, 10 years of
// daily rows, tests/data/millennial, copied from ../shared/refs/models/millennial_v2/shipped), the
// carbon balance over a long run with varying forcing, parameter and site validation, and the R
// version's RK4 step. The reference cases kept outside the repository (designed/, r_rk4/ of the refs
// folder) run when present: ALAMOD_MILLENNIAL_REFS=<refs folder>, else $ALAMOD_SHARED_DIR/refs/...
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/millennial/millennial.hpp"

namespace fs = std::filesystem;
namespace mil = alamod::models::millennial;

namespace {

constexpr double kRelTol = 1e-8;  // relative, against the official Fortran (../shared/refs/README.md)

/// The shipped reference run: tests/data/millennial, or the folder ALAMOD_MILLENNIAL_REFS names (either
/// flat or the layout of ../shared/refs/models/millennial_v2 with a shipped/ subfolder).
fs::path data_dir() {
  if (const char* env = std::getenv("ALAMOD_MILLENNIAL_REFS"); env && *env) {
    const fs::path root = env;
    return fs::is_directory(root / "shipped") ? root / "shipped" : root;
  }
  return ALAMOD_TEST_MILLENNIAL_DATA;
}

/// The folder `sub` (designed, r_rk4) of the reference cases kept outside the repository, if present:
/// under ALAMOD_MILLENNIAL_REFS, else under $ALAMOD_SHARED_DIR/refs/models/millennial_v2.
fs::path optional_cases(const std::string& sub) {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("ALAMOD_MILLENNIAL_REFS"); env && *env) roots.emplace_back(env);
  if (const char* env = std::getenv("ALAMOD_SHARED_DIR"); env && *env)
    roots.push_back(fs::path(env) / "refs" / "models" / "millennial_v2");
  for (const auto& r : roots)
    if (fs::is_directory(r / sub)) return r / sub;
  return {};
}

/// `name` next to `dir`, else in the shipped folder(s).
fs::path find_input(const fs::path& dir, const std::string& name) {
  for (const fs::path& p : {dir / name, dir / ".." / "shipped" / name, data_dir() / name,
                            fs::path(ALAMOD_TEST_MILLENNIAL_DATA) / name})
    if (fs::is_regular_file(p)) return p;
  throw std::runtime_error("reference input " + name + " not found next to " + dir.string());
}

/// The official parameter file: one "name value" pair a line. Every name must be
/// a config key of kParameterInfo (they keep the official names).
mil::Parameters read_parameters(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  mil::Parameters p;
  std::string name;
  double value;
  int n = 0;
  while (in >> name >> value) {
    const auto it = std::find_if(mil::kParameterInfo.begin(), mil::kParameterInfo.end(),
                                 [&](const auto& info) { return info.name == name; });
    if (it == mil::kParameterInfo.end()) throw std::runtime_error("unknown parameter " + name);
    p.*(it->member) = value;
    ++n;
  }
  if (n != 24) throw std::runtime_error(file.string() + ": expected 24 parameters");
  return p;
}

/// The first 365 lines of an official forcing file: soil temperature (degC), VWC (m3 m-3), NPP (g m-2 d-1).
std::vector<mil::DailyForcing> read_forcing(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::vector<mil::DailyForcing> days(365);
  for (auto& d : days)
    if (!(in >> d.soil_temperature >> d.soil_moisture >> d.npp)) throw std::runtime_error("short " + file.string());
  return days;
}

/// An official initial-state file: POM LMWC AGG MIC MAOM (g m-2).
mil::State read_initial(const fs::path& file) {
  std::ifstream in(file);
  mil::State x{};
  if (!(in >> x.pom >> x.lmwc >> x.agg >> x.mic >> x.maom)) throw std::runtime_error("cannot read " + file.string());
  return x;
}

/// Rows of whitespace-separated numbers.
std::vector<std::vector<double>> read_table(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::vector<std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::vector<double> row;
    double v;
    while (ls >> v) row.push_back(v);
    if (!row.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

/// The site the official Fortran hard-codes (clay 80 %, pH 7, 1000 kg m-3), with its single-precision
/// literal pc = 0.86 (0.86f widened to double: qmax = 68800.001144409180 g m-2).
mil::Parameters official_constants(mil::Parameters p) {
  p.param_pc = static_cast<double>(0.86f);
  return p;
}
mil::SiteProperties official_site() { return {80.0, 7.0, 1000.0}; }

/// Relative difference, with an absolute floor for exact zeros.
double rel_diff(double got, double want) {
  const double scale = std::max(std::fabs(want), 1e-300);
  return std::fabs(got - want) / scale;
}

/// The stdin answers of one official run: steps (d), parameter file, save flag, annual (1) or daily (0)
/// output, output file (if saved), initial-state file, forcing file.
struct RunControl {
  long steps = 0;
  std::string parameters, output, initial, forcing;
  bool annual = false;
};

RunControl read_run_control(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  RunControl r;
  int save = 0, annual = 0;
  in >> r.steps >> r.parameters >> save >> annual;
  if (save == 1) in >> r.output;
  in >> r.initial >> r.forcing;
  if (!in || r.steps <= 0) throw std::runtime_error("cannot read " + file.string());
  r.annual = annual == 1;
  return r;
}

/// Column names of the official output; the annual file has an always-zero `cppb` after qmax.
const std::vector<std::string> kDailyColumns = {
    "n",       "LMWC",    "POM",     "MIC",     "MAOM",       "AGG",     "scalar_wd", "scalar_wb",
    "kaff_lm", "qmax",    "vmax_pl", "vmax_lb", "f_AG_break", "f_PO_AG", "f_MA_AG",   "f_PO_LM",
    "f_LM_leach", "f_LM_MA", "f_LM_MB", "f_MB_turn", "f_MA_LM", "f_MB_atm"};
std::vector<std::string> annual_columns() {
  std::vector<std::string> c = kDailyColumns;
  c.insert(c.begin() + 10, "cppb");
  return c;
}

/// What the official program writes for a run: one row per day (state after the day, fluxes of the day)
/// or, annual, the means of each 365 days (summed in day order, then divided by 365).
std::vector<std::vector<double>> run_official(const RunControl& run, const fs::path& dir) {
  const mil::Parameters p = official_constants(read_parameters(find_input(dir, run.parameters)));
  mil::validate(p);
  const mil::SoilConstants s = mil::derive_soil_constants(p, official_site());
  const auto forcing = read_forcing(find_input(dir, run.forcing));  // the official code recycles 365 days
  mil::State x = read_initial(find_input(dir, run.initial));
  std::vector<std::vector<double>> rows;
  std::vector<double> sum(21, 0.0);
  for (long n = 0; n < run.steps; ++n) {
    mil::Fluxes fl{};
    mil::step_day(p, s, forcing[n % 365], x, &fl);
    const std::vector<double> day = {x.lmwc,       x.pom,        x.mic,         x.maom,     x.agg,
                                     fl.scalar_wd, fl.scalar_wb, s.kaff_lm,     s.qmax,     fl.vmax_pl,
                                     fl.vmax_lb,   fl.f_ag_break, fl.f_po_ag,   fl.f_ma_ag, fl.f_po_lm,
                                     fl.f_lm_leach, fl.f_lm_ma,  fl.f_lm_mb,    fl.f_mb_turn, fl.f_ma_lm,
                                     fl.f_mb_atm};
    if (!run.annual) {
      std::vector<double> row = {static_cast<double>(n + 1)};
      row.insert(row.end(), day.begin(), day.end());
      rows.push_back(std::move(row));
      continue;
    }
    for (std::size_t c = 0; c < day.size(); ++c) sum[c] += day[c];
    if ((n + 1) % 365 == 0) {
      std::vector<double> row = {static_cast<double>((n + 1) / 365)};
      for (std::size_t c = 0; c < sum.size(); ++c) {
        row.push_back(sum[c] / 365.0);
        if (c == 8) row.push_back(0.0);  // cppb
      }
      rows.push_back(std::move(row));
      std::fill(sum.begin(), sum.end(), 0.0);
    }
  }
  return rows;
}

/// Largest relative differences of a run against the official output, pools and other columns apart.
struct Comparison {
  double pools = 0.0, others = 0.0;
  std::string worst;
};

Comparison compare_rows(const std::vector<std::vector<double>>& got, const std::vector<std::vector<double>>& want,
                        bool annual, const std::string& label) {
  const std::vector<std::string> names = annual ? annual_columns() : kDailyColumns;
  Comparison r;
  EXPECT_EQ(got.size(), want.size()) << label;
  for (std::size_t n = 0; n < std::min(got.size(), want.size()); ++n) {
    EXPECT_EQ(want[n].size(), names.size()) << label << " row " << n + 1;
    if (want[n].size() != names.size()) return r;
    for (std::size_t c = 0; c < names.size(); ++c) {
      const double e = rel_diff(got[n][c], want[n][c]);
      EXPECT_LE(e, kRelTol) << label << " row " << n + 1 << " column " << names[c] << ": " << got[n][c] << " vs "
                            << want[n][c];
      if (e > kRelTol) return r;
      if (c >= 1 && c <= 5) {
        r.pools = std::max(r.pools, e);
      } else if (e > r.others) {
        r.others = e;
        r.worst = names[c];
      }
    }
  }
  return r;
}

TEST(MillennialKernel, ReproducesTheOfficialFortranDailyOutput) {
  const fs::path dir = data_dir();
  const RunControl run = read_run_control(dir / "run_control.txt");  // 3650 days, daily output, fit parameters
  ASSERT_EQ(run.steps, 3650);
  ASSERT_FALSE(run.annual);
  const auto ref = read_table(dir / "ref_outputcontrol_rebuilt.txt");
  ASSERT_EQ(ref.size(), 3650u);
  const Comparison c = compare_rows(run_official(run, dir), ref, false, "shipped run");
  std::cout << "[ millennial ] official Fortran, 3650 days: max relative error pools " << c.pools
            << ", modifiers/fluxes " << c.others << " (" << c.worst << ")\n";
}

TEST(MillennialKernel, ReproducesTheKeptBackOfficialRunsWhenPresent) {
  // ../shared/refs/models/millennial_v2/designed: runctl_<name>.txt and the official output it names
  // (or ref_<name>.txt). Not in the repository; run when the folder is there.
  const fs::path dir = optional_cases("designed");
  if (dir.empty()) GTEST_SKIP() << "no designed/ reference folder";
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("runctl_", 0) != 0 || entry.path().extension() != ".txt") continue;
    const std::string name = file.substr(7, file.size() - 11);
    const RunControl run = read_run_control(entry.path());
    fs::path expected = dir / run.output;
    if (run.output.empty() || !fs::is_regular_file(expected)) expected = dir / ("ref_" + name + ".txt");
    if (!fs::is_regular_file(expected)) {
      std::cout << "[ millennial ] " << name << ": no reference output, skipped\n";
      continue;
    }
    const Comparison c = compare_rows(run_official(run, dir), read_table(expected), run.annual, name);
    std::cout << "[ millennial ] " << name << " (" << run.steps << " days, " << (run.annual ? "annual" : "daily")
              << "): max relative error pools " << c.pools << ", others " << c.others << " (" << c.worst << ")\n";
    ++cases;
  }
  EXPECT_GT(cases, 0) << "no case found in " << dir;
}

TEST(MillennialKernel, YearStepEqualsItsDays) {
  const mil::Parameters p = official_constants(read_parameters(data_dir() / "soilpara_in_fit.txt"));
  const mil::SoilConstants s = mil::derive_soil_constants(p, official_site());
  const auto forcing = read_forcing(data_dir() / "globalaverage.txt");
  mil::State a{1, 1, 1, 1, 1}, b = a;
  for (int year = 0; year < 3; ++year) {
    mil::CarbonFluxes sum{0, 0, 0};
    for (const auto& f : forcing) {
      const mil::CarbonFluxes c = mil::step_day(p, s, f, a);
      sum.input += c.input;
      sum.respiration += c.respiration;
      sum.leaching += c.leaching;
    }
    const mil::CarbonFluxes y = mil::step_year(p, s, forcing.data(), b);
    EXPECT_EQ(a.pom, b.pom);
    EXPECT_EQ(a.lmwc, b.lmwc);
    EXPECT_EQ(a.agg, b.agg);
    EXPECT_EQ(a.mic, b.mic);
    EXPECT_EQ(a.maom, b.maom);
    EXPECT_EQ(sum.input, y.input);
    EXPECT_EQ(sum.respiration, y.respiration);
    EXPECT_EQ(sum.leaching, y.leaching);
  }
}

/// Reproducible daily forcing: seasonal soil temperature with noise (-5 .. 30 degC), wet and dry
/// spells up to near saturation, NPP pulses and bare days.
struct ForcingGenerator {
  std::mt19937_64 rng;
  explicit ForcingGenerator(std::uint64_t seed) : rng(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); }
  mil::DailyForcing next(int day, double porosity) {
    mil::DailyForcing f{};
    f.soil_temperature = 11.0 - 9.0 * std::cos(2.0 * M_PI * (day % 365) / 365.0) + uniform(-7.0, 7.0);
    f.soil_moisture = uniform(0.02, 0.999) * porosity;
    f.npp = uniform(0.0, 1.0) < 0.2 ? 0.0 : uniform(0.0, 6.0);
    return f;
  }
};

// The analytic Jacobian of the tendencies (the spin-up's Newton steps) against central differences.
TEST(MillennialKernel, AnalyticJacobianMatchesFiniteDifferences) {
  const mil::Parameters p{};
  const mil::SoilConstants s = mil::derive_soil_constants(p, {30.0, 6.5, 1100.0});
  const mil::DayRates r = mil::day_rates(p, {14.0, 0.3, 1.2});
  for (const mil::State x : {mil::State{120.0, 8.0, 300.0, 25.0, 1500.0}, mil::State{40.0, 1.5, 80.0, 4.0, 3000.0}}) {
    double jac[5][5];
    mil::jacobian(p, s, r, x, jac);
    auto as_array = [](const mil::State& v) { return std::vector<double>{v.pom, v.lmwc, v.agg, v.mic, v.maom}; };
    auto from = [](const std::vector<double>& v) { return mil::State{v[0], v[1], v[2], v[3], v[4]}; };
    for (int j = 0; j < 5; ++j) {
      std::vector<double> plus = as_array(x), minus = as_array(x);
      const double h = 1e-6 * plus[j];
      plus[j] += h;
      minus[j] -= h;
      const auto fp = as_array(mil::tendencies(p, mil::daily_fluxes(p, s, r, from(plus)), 1.2));
      const auto fm = as_array(mil::tendencies(p, mil::daily_fluxes(p, s, r, from(minus)), 1.2));
      for (int i = 0; i < 5; ++i) {
        const double fd = (fp[i] - fm[i]) / (2.0 * h);
        EXPECT_NEAR(jac[i][j], fd, 1e-7 * std::fabs(fd) + 1e-12) << "d" << i << "/d" << j;
      }
    }
  }
}

TEST(MillennialKernel, CarbonBalanceEveryDayAndOverFiftyYears) {
  const mil::Parameters p{};
  ASSERT_NO_THROW(mil::validate(p));
  for (const mil::SiteProperties& site : {mil::SiteProperties{80.0, 7.0, 1000.0}, mil::SiteProperties{15.0, 5.2, 1450.0},
                                          mil::SiteProperties{40.0, 8.3, 1200.0}}) {
    const mil::SoilConstants s = mil::derive_soil_constants(p, site);
    ForcingGenerator gen(2022);
    mil::State x{300.0, 5.0, 600.0, 40.0, 1500.0};
    const double start = mil::total_carbon(x);
    double inputs = 0.0, respired = 0.0, leached = 0.0;
    for (int day = 0; day < 50 * 365; ++day) {
      const mil::DailyForcing f = gen.next(day, p.porosity);
      const double before = mil::total_carbon(x);
      const mil::CarbonFluxes c = mil::step_day(p, s, f, x);
      ASSERT_GE(c.respiration, 0.0);
      ASSERT_GE(c.leaching, 0.0);
      ASSERT_NEAR(mil::total_carbon(x) - before, c.input - c.respiration - c.leaching, 1e-13 * before)
          << "day " << day;
      inputs += c.input;
      respired += c.respiration;
      leached += c.leaching;
    }
    const double stock = mil::total_carbon(x);
    EXPECT_GT(x.pom, 0.0);
    EXPECT_GT(x.mic, 0.0);
    EXPECT_GT(x.maom, 0.0);
    EXPECT_NEAR(stock - start, inputs - respired - leached, 1e-11 * stock) << "clay " << site.clay_pct;
  }
}

TEST(MillennialKernel, YearFluxesCloseTheBalance) {
  const mil::Parameters p{};
  const mil::SoilConstants s = mil::derive_soil_constants(p, {30.0, 6.5, 1300.0});
  ForcingGenerator gen(5);
  std::vector<mil::DailyForcing> year(365);
  mil::State x{100.0, 2.0, 200.0, 10.0, 800.0};
  for (int y = 0; y < 20; ++y) {
    for (int d = 0; d < 365; ++d) year[d] = gen.next(d, p.porosity);
    const double before = mil::total_carbon(x);
    const mil::CarbonFluxes c = mil::step_year(p, s, year.data(), x);
    EXPECT_NEAR(mil::total_carbon(x) - before, c.input - c.respiration - c.leaching, 1e-12 * before) << "year " << y;
  }
}

TEST(MillennialKernel, RejectsParametersOutsideTheirBounds) {
  EXPECT_NO_THROW(mil::validate(mil::Parameters{}));
  mil::Parameters p;
  p.porosity = 1.5;
  try {
    mil::validate(p);
    FAIL() << "porosity 1.5 accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("porosity"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1.5"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[0.05, 1]"), std::string::npos) << msg;
  }
  p = mil::Parameters{};
  p.cue_ref = std::nan("");
  EXPECT_THROW(mil::validate(p), std::invalid_argument);
  p = mil::Parameters{};
  p.rate_bd = -1e-3;
  EXPECT_THROW(mil::validate(p), std::invalid_argument);
  // Every default lies within its own bounds.
  for (const auto& info : mil::kParameterInfo) {
    const double v = mil::Parameters{}.*(info.member);
    EXPECT_TRUE(v >= info.lower && v <= info.upper) << info.name;
  }
}

TEST(MillennialKernel, RejectsMissingOrImpossibleSiteProperties) {
  const mil::Parameters p{};
  EXPECT_THROW(mil::derive_soil_constants(p, mil::SiteProperties{}), std::invalid_argument);  // NaN: unset
  EXPECT_THROW(mil::derive_soil_constants(p, {0.0, 7.0, 1000.0}), std::invalid_argument);
  EXPECT_THROW(mil::derive_soil_constants(p, {30.0, 15.0, 1000.0}), std::invalid_argument);
  try {
    mil::derive_soil_constants(p, {30.0, 7.0, 1.3});  // g cm-3 instead of kg m-3 is accepted (it is positive) ...
  } catch (...) {
    FAIL();
  }
  try {
    mil::derive_soil_constants(p, {30.0, 7.0, 13000.0});  // ... a value above 2650 kg m-3 is not
    FAIL() << "bulk density 13000 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bulk_density"), std::string::npos) << e.what();
  }
  // Site inputs enter as in Abramoff et al. 2022 Eqs. 11-12.
  const mil::SoilConstants s = mil::derive_soil_constants(p, {40.0, 5.5, 1200.0});
  EXPECT_NEAR(s.qmax, 1200.0 * 0.86 * 40.0, 1e-9);
  EXPECT_NEAR(s.kaff_lm, std::exp(-0.12 * 5.5 - 0.216), 1e-15);
}

TEST(MillennialKernel, Rk4OfTheRVersionStaysCloseToEulerAndConservesCarbon) {
  // The R tutorial (deSolve rk4, dt = 1 d, forcing interpolated between days) on the official setup.
  const fs::path dir = data_dir();
  mil::Parameters p = read_parameters(dir / "soilpara_in_fit.txt");
  const mil::SoilConstants s = mil::derive_soil_constants(p, official_site());
  const auto forcing = read_forcing(dir / "globalaverage.txt");
  const auto ref = read_table(dir / "ref_outputcontrol_rebuilt.txt");
  mil::State x{1, 1, 1, 1, 1};
  for (int t = 1; t < 3650; ++t) {  // R times 1 .. 3650: 3649 steps, row t = state at time t
    const double before = mil::total_carbon(x);
    const mil::CarbonFluxes c = mil::step_day_rk4(p, s, forcing[(t - 1) % 365], forcing[t % 365], x);
    ASSERT_NEAR(mil::total_carbon(x) - before, c.input - c.respiration - c.leaching, 1e-12 * before) << "day " << t;
  }
  // The reference notes compare R's row at time 3650 with the Fortran row 3650: 0.17 % (MAOM), 0.75 % (MIC).
  const auto& e = ref[3649];
  const double d_maom = std::fabs(x.maom / e[4] - 1.0), d_mic = std::fabs(x.mic / e[3] - 1.0);
  std::cout << "[ millennial ] R-version RK4 (time 3650) vs Fortran Euler (day 3650): MAOM " << d_maom << ", MIC "
            << d_mic << " (reference notes: 0.17 %, 0.75 %)\n";
  EXPECT_NEAR(d_maom, 0.0017, 0.00005);
  EXPECT_NEAR(d_mic, 0.0075, 0.00005);
}

/// A CSV table with a header line (quotes stripped); returns the named columns.
std::vector<std::vector<double>> read_csv_columns(const fs::path& file, const std::vector<std::string>& wanted) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  auto split = [](const std::string& line) {
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) {
      cell.erase(std::remove(cell.begin(), cell.end(), '"'), cell.end());
      cell.erase(std::remove(cell.begin(), cell.end(), '\r'), cell.end());
      cells.push_back(cell);
    }
    return cells;
  };
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = split(line);
  std::vector<std::size_t> index;
  for (const auto& w : wanted) {
    const auto it = std::find(header.begin(), header.end(), w);
    if (it == header.end()) throw std::runtime_error(file.string() + ": no column " + w);
    index.push_back(static_cast<std::size_t>(it - header.begin()));
  }
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    const auto cells = split(line);
    if (cells.size() < header.size()) continue;
    std::vector<double> row;
    for (std::size_t i : index) row.push_back(std::stod(cells[i]));
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST(MillennialKernel, ReproducesTheKeptBackRk4RunsWhenPresent) {
  // ../shared/refs/models/millennial_v2/r_rk4: the official R version (deSolve rk4, dt = 1 d) with the fit
  // parameters, pc 0.86, bulk density 1000 kg m-3, state ones; columns time, POM, LMWC, AGG, MIC, MAOM,
  // CO2 (cumulative), row time = 1 the initial state. Not in the repository; run when present.
  const fs::path dir = optional_cases("r_rk4");
  if (dir.empty()) GTEST_SKIP() << "no r_rk4/ reference folder";
  const mil::Parameters p = read_parameters(find_input(dir, "soilpara_in_fit.txt"));
  const auto forcing = read_forcing(find_input(dir, "globalaverage.txt"));
  struct Case {
    std::string file;
    mil::SiteProperties site;
  };
  int cases = 0;
  for (const Case& c : {Case{"tutorial_rk4_10y_daily.csv", {80.0, 7.0, 1000.0}},
                        Case{"claysilt40_pH5.5_rk4_10y_daily.csv", {40.0, 5.5, 1000.0}}}) {
    if (!fs::is_regular_file(dir / c.file)) continue;
    const auto ref = read_csv_columns(dir / c.file, {"time", "POM", "LMWC", "AGG", "MIC", "MAOM", "CO2"});
    const mil::SoilConstants s = mil::derive_soil_constants(p, c.site);
    mil::State x{ref[0][1], ref[0][2], ref[0][3], ref[0][4], ref[0][5]};
    double co2 = ref[0][6], max_err = 0.0;
    for (std::size_t r = 1; r < ref.size(); ++r) {
      const long t = static_cast<long>(ref[r - 1][0]);  // step from time t to t + 1 (forcing line t, then t + 1)
      co2 += mil::step_day_rk4(p, s, forcing[(t - 1) % 365], forcing[t % 365], x).respiration;
      const double got[] = {x.pom, x.lmwc, x.agg, x.mic, x.maom, co2};
      for (int k = 0; k < 6; ++k) {
        const double e = rel_diff(got[k], ref[r][k + 1]);
        ASSERT_LE(e, kRelTol) << c.file << " time " << ref[r][0] << " column " << k + 1;
        max_err = std::max(max_err, e);
      }
    }
    std::cout << "[ millennial ] R rk4 " << c.file << ": max relative error " << max_err << "\n";
    ++cases;
  }
  EXPECT_GT(cases, 0) << "no case found in " << dir;
}

TEST(MillennialKernel, RegistryEntry) {
  const alamod::models::ModelInfo m = mil::model_info();
  EXPECT_EQ(m.name, "millennial");
  EXPECT_EQ(m.time_step, "day");
  ASSERT_EQ(m.pools.size(), 5u);
  EXPECT_EQ(m.pools[0], "POM");
  EXPECT_EQ(m.parameters.size(), mil::kParameterInfo.size());
  for (const auto& row : m.parameters) {
    EXPECT_FALSE(row.unit.empty()) << row.name;
    EXPECT_FALSE(row.source.empty()) << row.name;
    EXPECT_LE(row.lower, row.default_value) << row.name;
    EXPECT_GE(row.upper, row.default_value) << row.name;
  }
}

}  // namespace
