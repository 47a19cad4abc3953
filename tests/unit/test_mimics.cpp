// MIMICS: the hourly kernel and the steady state against the official R script's outputs
// (tests/data/mimics, copied from ../shared/refs/models/mimics; the kept-back experiments run when their
// files are present: ALAMOD_MIMICS_REFS=<refs folder>, else $ALAMOD_SHARED_DIR/refs/models/mimics), the
// analytic Jacobian, the carbon balance over a long run with varying forcing, and validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/mimics/mimics.hpp"

namespace fs = std::filesystem;
namespace mm = alamod::models::mimics;

namespace {

constexpr double kRelTol = 1e-8;  // relative, against the official R script (../shared/refs/README.md)

fs::path data_dir() { return ALAMOD_TEST_MIMICS_DATA; }

/// Folders holding reference outputs MIMICS_<exper>_CLAY<clay>_LIG<lig>.csv: the repository's copy, then
/// the kept-back ones of the refs folder.
std::vector<fs::path> reference_dirs() {
  std::vector<fs::path> dirs = {data_dir() / "ref"};
  if (const char* env = std::getenv("ALAMOD_MIMICS_REFS"); env && *env) dirs.push_back(fs::path(env) / "ref");
  if (const char* env = std::getenv("ALAMOD_SHARED_DIR"); env && *env)
    dirs.push_back(fs::path(env) / "refs" / "models" / "mimics" / "ref");
  return dirs;
}

/// CSV lines (the official files use CR line endings), cells unquoted.
std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + file.string());
  std::stringstream buf;
  buf << in.rdbuf();
  std::string text = buf.str();
  std::replace(text.begin(), text.end(), '\r', '\n');
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) {
      cell.erase(std::remove(cell.begin(), cell.end(), '"'), cell.end());
      cells.push_back(cell);
    }
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(std::move(cells));
  }
  return rows;
}

/// The official parameter file: one column per parameter name, its values down the rows.
mm::Parameters read_parameters(const fs::path& file) {
  const auto rows = read_csv(file);
  std::map<std::string, std::vector<double>> col;
  for (std::size_t j = 0; j < rows[0].size(); ++j)
    for (std::size_t r = 1; r < rows.size(); ++r)
      if (j < rows[r].size() && !rows[r][j].empty()) col[rows[0][j]].push_back(std::stod(rows[r][j]));
  auto one = [&](const std::string& name) {  // a rate parameter repeated for the 6 fluxes: all equal
    const auto& v = col.at(name);
    for (double x : v)
      if (x != v[0]) throw std::runtime_error(name + " differs between fluxes");
    return v[0];
  };
  mm::Parameters p;
  p.vslope = one("Vslope");
  p.vint = one("Vint");
  p.av = one("aV");
  p.kslope = one("Kslope");
  p.kint = one("Kint");
  p.ak = one("aK");
  const auto& v = col.at("vMOD");
  const auto& k = col.at("kMOD");
  p.vmod_r_met = v.at(0), p.vmod_r_str = v.at(1), p.vmod_r_soma = v.at(2);
  p.vmod_k_met = v.at(3), p.vmod_k_str = v.at(4), p.vmod_k_soma = v.at(5);
  p.kmod_r_met = k.at(0), p.kmod_r_str = k.at(1), p.kmod_r_soma = k.at(2);
  p.kmod_k_met = k.at(3), p.kmod_k_str = k.at(4), p.kmod_k_soma = k.at(5);
  p.ko_r = col.at("KO").at(0), p.ko_k = col.at("KO").at(1);
  const auto& cue = col.at("CUE");
  p.cue_r_met = cue.at(0), p.cue_r_str = cue.at(1), p.cue_k_met = cue.at(2), p.cue_k_str = cue.at(3);
  p.tau_r1 = col.at("tau_r").at(0), p.tau_r2 = col.at("tau_r").at(1);
  p.tau_k1 = col.at("tau_K").at(0), p.tau_k2 = col.at("tau_K").at(1);
  const auto& tm = col.at("Tau_MOD");
  p.tau_mod1 = tm.at(0), p.tau_mod_min = tm.at(1), p.tau_mod_max = tm.at(2), p.tau_mod_factor = tm.at(3);
  p.fphys_r1 = col.at("fPHYS_r").at(0), p.fphys_r2 = col.at("fPHYS_r").at(1);
  p.fphys_k1 = col.at("fPHYS_K").at(0), p.fphys_k2 = col.at("fPHYS_K").at(1);
  const auto& cr = col.at("fCHEM_r");
  const auto& ck = col.at("fCHEM_K");
  p.fchem_r1 = cr.at(0), p.fchem_r2 = cr.at(1), p.fchem_r3 = cr.at(2);
  p.fchem_k1 = ck.at(0), p.fchem_k2 = ck.at(1), p.fchem_k3 = ck.at(2);
  p.fsom_p1 = col.at("fSOM_p").at(0), p.fsom_p2 = col.at("fSOM_p").at(1);
  p.phys_scalar1 = col.at("PHYS_scalar").at(0), p.phys_scalar2 = col.at("PHYS_scalar").at(1);
  p.fi_met = col.at("FI").at(0), p.fi_str = col.at("FI").at(1);
  const auto& fm = col.at("fmet_p");
  p.fmet_p1 = fm.at(0), p.fmet_p2 = fm.at(1), p.fmet_p3 = fm.at(2);
  p.depth = col.at("Depth").at(0);
  return p;  // the *_scale reductions are the script's own (0.1), kept at their defaults
}

/// One site of Test_SITES_1.csv.
struct Site {
  std::string name;
  mm::SiteProperties props;
  double mat;  // mean annual soil temperature (degC)
};

std::vector<Site> read_sites(const fs::path& file) {
  const auto rows = read_csv(file);
  const auto& h = rows.at(0);
  auto idx = [&](const std::string& n) {
    return static_cast<std::size_t>(std::find(h.begin(), h.end(), n) - h.begin());
  };
  std::vector<Site> sites;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& c = rows[r];
    Site s;
    s.name = c.at(idx("Site"));
    s.props.clay_pct = std::stod(c.at(idx("CLAY")));
    s.props.lignin_pct = std::stod(c.at(idx("LIG")));
    s.props.nitrogen_pct = std::stod(c.at(idx("N")));
    s.props.litter_input = std::stod(c.at(idx("ANPP")));
    s.mat = std::stod(c.at(idx("MAT")));
    sites.push_back(s);
  }
  return sites;
}

/// R's as.character of a number ("40", "16.6").
std::string r_number(double v) {
  std::ostringstream s;
  s.precision(15);
  s << v;
  return s.str();
}

double rel_diff(double got, double want) { return std::fabs(got - want) / std::max(std::fabs(want), 1e-300); }

/// One experiment of the script: from day 3651 on, temperature and litter inputs change.
struct Experiment {
  double warming = 0.0;      // degC
  double met_factor = 1.0;   // (1)
  double str_factor = 1.0;   // (1)
  bool low_turnover = false; // turnover modifier from a zero input (0xLitter_lowMicTurn)
};

bool experiment_of(const std::string& name, Experiment& e) {
  static const std::map<std::string, Experiment> known = {
      {"Control", {}},
      {"Warm2", {2.0, 1.0, 1.0, false}},
      {"Warm5", {5.0, 1.0, 1.0, false}},
      {"1.3xLitter", {0.0, 1.3, 1.3, false}},
      {"2.0xLitter", {0.0, 2.0, 2.0, false}},
      {"Prime_1.3", {0.0, 1.3, 1.0, false}},
      {"Warm2_1.3xLitter", {2.0, 1.3, 1.3, false}},
      {"Warm2_1.3xprime", {2.0, 1.3, 1.0, false}},
      {"0xLitter", {0.0, 0.0, 0.0, false}},
      {"0xLitter_lowMicTurn", {0.0, 0.0, 0.0, true}},
  };  // Prime_1.3_fMET (fMET recomputed from the previous day's inputs every day) is not reproduced here
  const auto it = known.find(name);
  if (it == known.end()) return false;
  e = it->second;
  return true;
}

/// The script's run for one site and experiment: steady state, then `days` days of 24 hourly Euler
/// steps, perturbed after day 3650. Returns per day: the 7 pools after the 24th hour, the CO2 of the
/// 24th hour and the litter input (mg cm-3 h-1).
std::vector<std::vector<double>> run_script(const mm::Parameters& p, const Site& site, const Experiment& e, int days) {
  const mm::SiteConstants base = mm::derive_site_constants(p, site.props);
  const mm::LitterInput in = mm::litter_input(p, base, site.props.litter_input);
  mm::State x = mm::steady_state(p, base, mm::kinetics(p, base, site.mat), in);
  const mm::SiteConstants perturbed =
      e.low_turnover ? mm::site_constants(p, base.fmet, base.fclay, 0.0) : base;
  std::vector<std::vector<double>> rows;
  for (int d = 1; d <= days; ++d) {
    mm::DailyForcing f{site.mat, in};
    const mm::SiteConstants* c = &base;
    if (d > 3650) {
      f.soil_temperature = site.mat + e.warming;
      f.litter = {in.met * e.met_factor, in.str * e.str_factor};
      c = &perturbed;
    }
    mm::Fluxes last{};
    mm::step_day(p, *c, f, x, &last);
    rows.push_back({x.lit_m, x.lit_s, x.mic_r, x.mic_k, x.som_p, x.som_c, x.som_a, last.co2,
                    f.litter.met + f.litter.str});
  }
  return rows;
}

TEST(MimicsKernel, DefaultsAreTheOfficialParameterFile) {
  const mm::Parameters file = read_parameters(data_dir() / "parameters_LIDET-MIM-REV_test_lowKm.csv");
  const mm::Parameters defaults{};
  for (const auto& info : mm::kParameterInfo) EXPECT_EQ(file.*(info.member), defaults.*(info.member)) << info.name;
  EXPECT_NO_THROW(mm::validate(file));
}

TEST(MimicsKernel, ReproducesTheOfficialRScript) {
  // Columns: day, LITm, LITs, MICr, MICk, SOMp, SOM_2 (= SOMc, labelled SOMa by the script), SOM_3 (= SOMa,
  // labelled SOMc), CO2 and INPUTS of the last hour (mg cm-3 h-1); rows: days 1-31 and every 365th day.
  const mm::Parameters p = read_parameters(data_dir() / "parameters_LIDET-MIM-REV_test_lowKm.csv");
  const std::vector<Site> sites = read_sites(data_dir() / "Test_SITES_1.csv");
  const char* columns[] = {"LITm", "LITs", "MICr", "MICk", "SOMp", "SOMc", "SOMa", "CO2", "INPUTS"};
  std::set<std::string> seen;
  int cases = 0;
  for (const fs::path& dir : reference_dirs()) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string file = entry.path().filename().string();
      if (file.rfind("MIMICS_", 0) != 0 || entry.path().extension() != ".csv" || !seen.insert(file).second) continue;
      // MIMICS_<exper>_CLAY<clay>_LIG<lig>.csv
      const std::string stem = entry.path().stem().string();
      const std::size_t clay_at = stem.rfind("_CLAY"), lig_at = stem.rfind("_LIG");
      ASSERT_TRUE(clay_at != std::string::npos && lig_at != std::string::npos) << file;
      const std::string exper = stem.substr(7, clay_at - 7);
      const std::string clay = stem.substr(clay_at + 5, lig_at - clay_at - 5), lig = stem.substr(lig_at + 4);
      const auto site = std::find_if(sites.begin(), sites.end(), [&](const Site& s) {
        return r_number(s.props.clay_pct) == clay && r_number(s.props.lignin_pct) == lig;
      });
      ASSERT_NE(site, sites.end()) << "no site for " << file;
      Experiment e;
      if (!experiment_of(exper, e)) {
        std::cout << "[ mimics ] " << file << ": experiment not reproduced, skipped\n";
        continue;
      }
      const auto ref = read_csv(entry.path());
      int last_day = 0;
      for (std::size_t r = 1; r < ref.size(); ++r) last_day = std::max(last_day, std::stoi(ref[r].at(0)));
      const auto got = run_script(p, *site, e, last_day);
      double max_pool = 0.0, max_flux = 0.0;
      for (std::size_t r = 1; r < ref.size(); ++r) {
        const int day = std::stoi(ref[r].at(0));
        for (int c = 0; c < 9; ++c) {
          const double want = std::stod(ref[r].at(c + 1));
          const double err = rel_diff(got[day - 1][c], want);
          ASSERT_LE(err, kRelTol) << file << " day " << day << " " << columns[c] << ": " << got[day - 1][c]
                                  << " vs " << want;
          (c < 7 ? max_pool : max_flux) = std::max(c < 7 ? max_pool : max_flux, err);
        }
      }
      std::cout << "[ mimics ] " << file << " (" << site->name << ", " << last_day
                << " days): max relative error pools " << max_pool << ", CO2/inputs " << max_flux << "\n";
      ++cases;
    }
  }
  EXPECT_GE(cases, 1);
}

TEST(MimicsKernel, AnalyticJacobianMatchesFiniteDifferences) {
  const mm::Parameters p{};
  const mm::SiteConstants c = mm::derive_site_constants(p, {25.0, 20.0, 1.0, 400.0});
  const mm::Kinetics k = mm::kinetics(p, c, 13.0);
  const mm::LitterInput in = mm::litter_input(p, c, 400.0);
  const mm::State x{0.5, 2.0, 0.1, 0.3, 10.0, 3.0, 2.0};
  double jac[mm::kNumPools][mm::kNumPools];
  mm::jacobian(p, c, k, x, jac);
  auto as_array = [](const mm::State& s) {
    return std::vector<double>{s.lit_m, s.lit_s, s.mic_r, s.mic_k, s.som_p, s.som_c, s.som_a};
  };
  auto from = [](const std::vector<double>& v) { return mm::State{v[0], v[1], v[2], v[3], v[4], v[5], v[6]}; };
  for (int j = 0; j < mm::kNumPools; ++j) {
    std::vector<double> plus = as_array(x), minus = as_array(x);
    const double h = 1e-6 * plus[j];
    plus[j] += h;
    minus[j] -= h;
    const auto fp = as_array(mm::tendencies(p, c, mm::hourly_fluxes(p, c, k, from(plus)), in));
    const auto fm = as_array(mm::tendencies(p, c, mm::hourly_fluxes(p, c, k, from(minus)), in));
    for (int i = 0; i < mm::kNumPools; ++i) {
      const double fd = (fp[i] - fm[i]) / (2.0 * h);
      EXPECT_NEAR(jac[i][j], fd, 1e-7 * std::fabs(fd) + 1e-15) << "d" << mm::kPoolNames[i] << "/d"
                                                                 << mm::kPoolNames[j];
    }
  }
}

TEST(MimicsKernel, SteadyStateIsAFixedPointOverARangeOfSites) {
  const mm::Parameters p{};
  for (double clay : {2.0, 20.0, 40.0, 70.0, 95.0})
    for (double temp : {0.0, 10.0, 20.0, 30.0})
      for (double lig_n : {5.0, 20.0, 40.0})
        for (double input : {50.0, 500.0, 2000.0}) {
          const mm::SiteConstants c = mm::derive_site_constants(p, {clay, lig_n, 1.0, input});
          const mm::Kinetics k = mm::kinetics(p, c, temp);
          const mm::LitterInput in = mm::litter_input(p, c, input);
          mm::State x;
          ASSERT_NO_THROW(x = mm::steady_state(p, c, k, in))
              << "clay " << clay << " T " << temp << " lig/N " << lig_n << " input " << input;
          const mm::State d = mm::tendencies(p, c, mm::hourly_fluxes(p, c, k, x), in);
          const double rates[] = {d.lit_m / x.lit_m, d.lit_s / x.lit_s, d.mic_r / x.mic_r, d.mic_k / x.mic_k,
                                  d.som_p / x.som_p, d.som_c / x.som_c, d.som_a / x.som_a};
          for (double r : rates) EXPECT_LT(std::fabs(r), 1e-15) << "clay " << clay << " T " << temp;
          EXPECT_GT(std::min({x.lit_m, x.lit_s, x.mic_r, x.mic_k, x.som_p, x.som_c, x.som_a}), 0.0);
        }
  // From the script's own start and from a far-off guess, the same state.
  const mm::SiteConstants c = mm::derive_site_constants(p, {40.0, 16.6, 1.37, 500.0});
  const mm::Kinetics k = mm::kinetics(p, c, 20.0);
  const mm::LitterInput in = mm::litter_input(p, c, 500.0);
  const mm::State a = mm::steady_state(p, c, k, in);
  const mm::State guess{10.0, 10.0, 1.0, 1.0, 100.0, 100.0, 100.0};
  const mm::State b = mm::steady_state(p, c, k, in, &guess);
  EXPECT_NEAR(mm::total_carbon(a), mm::total_carbon(b), 1e-13 * mm::total_carbon(a));
  EXPECT_THROW(mm::steady_state(p, c, k, mm::LitterInput{0.0, 0.0}), std::invalid_argument);
}

/// Reproducible daily forcing: seasonal soil temperature with noise, litter input pulses (autumn
/// litterfall) and litter-free days.
struct ForcingGenerator {
  std::mt19937_64 rng;
  explicit ForcingGenerator(std::uint64_t seed) : rng(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); }
  mm::DailyForcing next(const mm::Parameters& p, const mm::SiteConstants& c, int day) {
    const int doy = day % 365;
    const double t = 10.0 - 9.0 * std::cos(2.0 * M_PI * doy / 365.0) + uniform(-5.0, 5.0);
    const double annual = (doy > 270 && doy < 330) ? uniform(0.0, 3000.0) : uniform(0.0, 1.0) < 0.3 ? 0.0
                                                                                                     : uniform(0.0, 400.0);
    return {t, mm::litter_input(p, c, annual)};
  }
};

TEST(MimicsKernel, CarbonBalanceEveryDayAndOverThirtyYears) {
  const mm::Parameters p{};
  for (const mm::SiteProperties& site : {mm::SiteProperties{40.0, 16.6, 1.37, 500.0},
                                         mm::SiteProperties{5.0, 24.4, 0.73, 300.0},
                                         mm::SiteProperties{70.0, 10.0, 1.5, 900.0}}) {
    const mm::SiteConstants c = mm::derive_site_constants(p, site);
    mm::State x = mm::steady_state(p, c, mm::kinetics(p, c, 10.0), mm::litter_input(p, c, site.litter_input));
    ForcingGenerator gen(2015);
    const double start = mm::total_carbon(x);
    double inputs = 0.0, respired = 0.0;
    for (int day = 0; day < 30 * 365; ++day) {
      const mm::DailyForcing f = gen.next(p, c, day);
      const double before = mm::total_carbon(x);
      const mm::CarbonFluxes cf = mm::step_day(p, c, f, x);
      ASSERT_GE(cf.respiration, 0.0);
      ASSERT_EQ(cf.leaching, 0.0);
      ASSERT_NEAR(mm::total_carbon(x) - before, cf.input - cf.respiration, 1e-13 * before) << "day " << day;
      inputs += cf.input;
      respired += cf.respiration;
    }
    EXPECT_NEAR(mm::total_carbon(x) - start, inputs - respired, 1e-11 * mm::total_carbon(x)) << site.clay_pct;
    EXPECT_GT(std::min({x.lit_m, x.lit_s, x.mic_r, x.mic_k, x.som_p, x.som_c, x.som_a}), 0.0);
  }
}

TEST(MimicsKernel, YearStepEqualsItsDaysAndDayItsHours) {
  const mm::Parameters p{};
  const mm::SiteConstants c = mm::derive_site_constants(p, {30.0, 18.0, 1.2, 450.0});
  ForcingGenerator gen(9);
  std::vector<mm::DailyForcing> year(365);
  for (int d = 0; d < 365; ++d) year[d] = gen.next(p, c, d);
  mm::State a = mm::steady_state(p, c, mm::kinetics(p, c, 12.0), mm::litter_input(p, c, 450.0)), b = a;
  double in_sum = 0.0, co2_sum = 0.0;
  for (const auto& f : year) {
    const mm::Kinetics k = mm::kinetics(p, c, f.soil_temperature);
    double day_in = 0.0, day_co2 = 0.0;
    for (int h = 0; h < mm::kHoursPerDay; ++h) {
      const mm::CarbonFluxes s = mm::step_hour(p, c, k, f.litter, a);
      day_in += s.input;
      day_co2 += s.respiration;
    }
    in_sum += day_in;
    co2_sum += day_co2;
  }
  const mm::CarbonFluxes y = mm::step_year(p, c, year.data(), b);
  EXPECT_EQ(a.lit_m, b.lit_m);
  EXPECT_EQ(a.mic_k, b.mic_k);
  EXPECT_EQ(a.som_p, b.som_p);
  EXPECT_EQ(a.som_a, b.som_a);
  EXPECT_EQ(in_sum, y.input);
  EXPECT_EQ(co2_sum, y.respiration);
}

/// The block kernel (step_days_block; prepare_days and step_prepared_days) gives every cell the bits of
/// step_day, day after day, on every instruction set the CPU runs, at every position in a block whose size
/// is no multiple of the vector width, and however the month is split into calls.
TEST(MimicsBlock, SameBitsAsStepDayOnEveryInstructionSet) {
  const mm::Parameters p;
  std::mt19937_64 rng(21);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * (static_cast<double>(rng() >> 11) * 0x1.0p-53); };
  // 45 cells: on every instruction set, groups of U vectors (U W = 16, 12, 8 cells), then single vectors
  // of W = 8, 4, 2 cells, then the scalar instance, are all used.
  constexpr std::size_t n = 45;
  std::vector<mm::SiteConstants> sites(n);
  std::vector<const mm::SiteConstants*> site(n);
  std::vector<mm::DailyForcing> forcing(n);
  std::vector<mm::State> start(n);
  for (std::size_t i = 0; i < n; ++i) {
    mm::SiteProperties sp;
    sp.clay_pct = uniform(5.0, 60.0), sp.lignin_pct = uniform(10.0, 25.0), sp.nitrogen_pct = uniform(0.8, 2.0);
    sp.litter_input = uniform(100.0, 800.0);
    sites[i] = mm::derive_site_constants(p, sp);
    site[i] = &sites[i];
    forcing[i] = {uniform(-5.0, 30.0), mm::litter_input(p, sites[i], uniform(50.0, 900.0))};
    start[i] = {uniform(0.01, 0.2), uniform(0.05, 0.5), uniform(0.005, 0.05), uniform(0.005, 0.05), uniform(0.5, 3.0),
                uniform(0.5, 3.0), uniform(0.1, 1.0)};
  }
  std::vector<mm::State> ref = start;
  std::vector<mm::CarbonFluxes> ref_sums(n, mm::CarbonFluxes{0.0, 0.0, 0.0});
  constexpr int kDays = 31;
  for (std::size_t i = 0; i < n; ++i)
    for (int d = 0; d < kDays; ++d) {
      const mm::CarbonFluxes f = mm::step_day(p, sites[i], forcing[i], ref[i]);
      ref_sums[i].input += f.input;
      ref_sums[i].respiration += f.respiration;
    }
  for (int isa : {0, 1, 2}) {
    std::vector<mm::State> x = start;
    std::vector<mm::CarbonFluxes> sums(n, mm::CarbonFluxes{0.0, 0.0, 0.0});
    mm::DaysBlock b;
    b.n = n, b.site = site.data(), b.forcing = forcing.data(), b.days = kDays, b.x = x.data(), b.sums = sums.data();
    mm::step_days_block(p, b, isa);
    for (std::size_t i = 0; i < n; ++i) {
      const double* got = &x[i].lit_m;
      const double* want = &ref[i].lit_m;
      for (int k = 0; k < mm::kNumPools; ++k)
        ASSERT_EQ(got[k], want[k]) << "isa " << isa << " cell " << i << " pool " << mm::kPoolNames[k];
      ASSERT_EQ(sums[i].input, ref_sums[i].input) << "isa " << isa << " cell " << i;
      ASSERT_EQ(sums[i].respiration, ref_sums[i].respiration) << "isa " << isa << " cell " << i;
    }
  }
  // prepare_days once, then the month in calls of 1, 1, 2, 6 and 21 days (a caller stepping a day at a
  // time, then longer): the same bits, with the terms prepared on any instruction set and stepped on any.
  for (int prep_isa : {0, 1, 2})
    for (int isa : {0, 1, 2}) {
      std::vector<mm::State> x = start;
      std::vector<mm::CarbonFluxes> sums(n, mm::CarbonFluxes{0.0, 0.0, 0.0});
      mm::PreparedDays prep;
      mm::prepare_days(p, n, site.data(), forcing.data(), prep, prep_isa);
      int days = 0;
      for (int call : {1, 1, 2, 6, 21}) {
        mm::step_prepared_days(prep, call, x.data(), sums.data(), isa);
        days += call;
      }
      ASSERT_EQ(days, kDays);
      for (std::size_t i = 0; i < n; ++i) {
        const double* got = &x[i].lit_m;
        const double* want = &ref[i].lit_m;
        for (int k = 0; k < mm::kNumPools; ++k)
          ASSERT_EQ(got[k], want[k]) << "prepared on isa " << prep_isa << ", stepped on " << isa << " cell " << i
                                     << " pool " << mm::kPoolNames[k];
        ASSERT_EQ(sums[i].input, ref_sums[i].input) << "isa " << prep_isa << "/" << isa << " cell " << i;
        ASSERT_EQ(sums[i].respiration, ref_sums[i].respiration) << "isa " << prep_isa << "/" << isa << " cell " << i;
      }
    }
}

TEST(MimicsKernel, RejectsParametersOutsideTheirBounds) {
  EXPECT_NO_THROW(mm::validate(mm::Parameters{}));
  mm::Parameters p;
  p.cue_k_str = 1.2;
  try {
    mm::validate(p);
    FAIL() << "cue_k_str 1.2 accepted";
  } catch (const std::invalid_argument& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("cue_k_str"), std::string::npos) << msg;
    EXPECT_NE(msg.find("1.2"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[0, 1]"), std::string::npos) << msg;
  }
  p = mm::Parameters{};
  p.depth = std::nan("");
  EXPECT_THROW(mm::validate(p), std::invalid_argument);
  p = mm::Parameters{};
  p.kmod_r_soma = 0.0;  // Km / 0
  EXPECT_THROW(mm::validate(p), std::invalid_argument);
  for (const auto& info : mm::kParameterInfo) {
    EXPECT_FALSE(info.name.empty());
    const double v = mm::Parameters{}.*(info.member);
    EXPECT_TRUE(v >= info.lower && v <= info.upper) << info.name;
  }
}

TEST(MimicsKernel, RejectsMissingOrImpossibleSiteProperties) {
  const mm::Parameters p{};
  EXPECT_THROW(mm::derive_site_constants(p, mm::SiteProperties{}), std::invalid_argument);  // NaN: unset
  EXPECT_THROW(mm::derive_site_constants(p, {140.0, 16.6, 1.37, 500.0}), std::invalid_argument);
  EXPECT_THROW(mm::derive_site_constants(p, {40.0, 16.6, 0.0, 500.0}), std::invalid_argument);
  EXPECT_THROW(mm::derive_site_constants(p, {40.0, 16.6, 1.37, -1.0}), std::invalid_argument);
  try {
    mm::derive_site_constants(p, {40.0, 60.0, 0.5, 500.0});  // lignin/N = 120: fMET < 0
    FAIL() << "negative metabolic fraction accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("metabolic"), std::string::npos) << e.what();
  }
}

TEST(MimicsKernel, UnitsAndRegistryEntry) {
  const mm::Parameters p{};
  // The script's MICROtoECO = depth 1e4 1e-3: 1 mg cm-3 over 20 cm is 200 g m-2.
  EXPECT_DOUBLE_EQ(mm::to_areal(p, 1.0), 200.0);
  const mm::SiteConstants c = mm::derive_site_constants(p, {40.0, 16.6, 1.37, 500.0});
  const mm::LitterInput in = mm::litter_input(p, c, 500.0);
  EXPECT_NEAR(mm::to_areal(p, in.met + in.str) * mm::kHoursPerYear, 500.0, 1e-12);
  const alamod::models::ModelInfo m = mm::model_info();
  EXPECT_EQ(m.name, "mimics");
  EXPECT_EQ(m.time_step, "hour");
  ASSERT_EQ(m.pools.size(), 7u);
  EXPECT_EQ(m.pools[5], "SOMc");
  EXPECT_EQ(m.parameters.size(), mm::kParameterInfo.size());
}

}  // namespace
