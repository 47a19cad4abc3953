// Calibration core: a twin experiment on the ICBM kernel. Six sites with different
// inputs, climate factors and initial pools are run for 50 years with known
// parameters; total SOC plus seeded Gaussian noise (sd 0.2 t C ha-1) is the
// "observed" series. The sites are split over the ranks in contiguous blocks and
// (humification, k_old) are fitted back from a wrong first guess with TAOBRGN and
// TAOPOUNDERS. Registered at 1, 2 and 3 ranks; run by hand with
//   mpiexec -n 3 build-calib/tests/test_calibration
#include <gtest/gtest.h>
#include <mpi.h>
#include <petscsys.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <toml++/toml.h>
#include <unistd.h>
#include <vector>

#include "engine/site/calibration.hpp"
#include "models/icbm/icbm.hpp"

namespace {

namespace eng = alamod::engine;
namespace icbm = alamod::models::icbm;

/// PETSc on top of the MPI that mpi_gtest_main started.
class PetscEnvironment : public testing::Environment {
 public:
  void SetUp() override { ASSERT_EQ(PetscInitializeNoArguments(), 0); }
  void TearDown() override { PetscFinalize(); }
};
testing::Environment* const petsc_environment = testing::AddGlobalTestEnvironment(new PetscEnvironment);

// ---- the twin experiment ----

constexpr int kYears = 50;              ///< length of each observed series (yr)
constexpr double kNoiseSd = 0.2;        ///< observation noise (t C ha-1)
constexpr unsigned kNoiseSeed = 20240;  ///< base seed; site s uses kNoiseSeed + s

struct Site {
  double c_input;  ///< carbon input (t C ha-1 yr-1)
  double re;       ///< climate/soil factor (1)
  double young0;   ///< initial young pool (t C ha-1)
  double old0;     ///< initial old pool (t C ha-1)
};
constexpr std::array<Site, 6> kSites = {{{1.5, 1.0, 1.0, 35.0},
                                         {2.5, 1.2, 2.0, 45.0},
                                         {3.5, 0.9, 1.0, 50.0},
                                         {4.0, 1.1, 3.0, 30.0},
                                         {2.0, 1.3, 0.5, 60.0},
                                         {5.0, 1.0, 2.0, 40.0}}};
constexpr int kNumSites = static_cast<int>(kSites.size());

const icbm::Parameters kTruth{};  // the published defaults: k_young 0.8, k_old 0.006, h 0.125

/// Total SOC (t C ha-1) at the end of each year at one site.
std::vector<double> simulate_site(const icbm::Parameters& p, const Site& s) {
  icbm::CellState x{s.young0, s.old0};
  std::vector<double> soc(kYears);
  for (int y = 0; y < kYears; ++y) {
    icbm::step_cell(p, {s.c_input, s.re}, icbm::kYear, x);
    soc[static_cast<std::size_t>(y)] = x.young + x.old;
  }
  return soc;
}

/// The observed series of site s: truth plus noise seeded per site, so any rank can make any site's.
std::vector<double> observe_site(int s, double noise_sd = kNoiseSd) {
  std::vector<double> soc = simulate_site(kTruth, kSites[static_cast<std::size_t>(s)]);
  std::mt19937_64 rng(kNoiseSeed + static_cast<unsigned>(s));
  std::normal_distribution<double> noise(0.0, 1.0);
  for (double& v : soc) v += noise_sd * noise(rng);
  return soc;
}

/// CalibratedParameter from the model's one declaration of the parameter.
eng::CalibratedParameter declared(const std::string& name, double initial) {
  for (const auto& info : icbm::kParameterInfo)
    if (info.name == name) return {name, std::string(info.unit), info.lower, info.upper, initial};
  throw std::invalid_argument("not an ICBM parameter: " + name);
}

double& member(icbm::Parameters& p, const std::string& name) {
  for (const auto& info : icbm::kParameterInfo)
    if (info.name == name) return p.*(info.member);
  throw std::invalid_argument("not an ICBM parameter: " + name);
}

/// The twin problem for the sites [first, last) of this rank.
eng::CalibrationProblem twin_problem(int first, int last, std::vector<eng::CalibratedParameter> parameters,
                                     double noise_sd = kNoiseSd) {
  std::vector<std::vector<double>> observed;
  for (int s = first; s < last; ++s) observed.push_back(observe_site(s, noise_sd));
  eng::CalibrationProblem problem;
  problem.parameters = parameters;
  problem.local_count = static_cast<std::size_t>(last - first) * kYears;
  problem.residuals = [first, last, parameters, observed](const std::vector<double>& values, std::vector<double>& r) {
    icbm::Parameters p = kTruth;
    for (std::size_t j = 0; j < parameters.size(); ++j) member(p, parameters[j].name) = values[j];
    r.clear();
    for (int s = first; s < last; ++s) {
      const std::vector<double> sim = simulate_site(p, kSites[static_cast<std::size_t>(s)]);
      const std::vector<double>& obs = observed[static_cast<std::size_t>(s - first)];
      for (std::size_t y = 0; y < sim.size(); ++y) r.push_back(sim[y] - obs[y]);
    }
  };
  return problem;
}

/// Fit (humification, k_old) from a wrong first guess.
std::vector<eng::CalibratedParameter> two_parameters() {
  return {declared("humification", 0.2), declared("k_old", 0.01)};
}

/// Contiguous block of sites of `rank` among `size` ranks.
std::pair<int, int> site_block(int rank, int size) {
  return {kNumSites * rank / size, kNumSites * (rank + 1) / size};
}

int rank_of(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}
int size_of(MPI_Comm comm) {
  int s = 1;
  MPI_Comm_size(comm, &s);
  return s;
}

eng::CalibrationResult fit_on(MPI_Comm comm, const std::string& solver) {
  const auto [first, last] = site_block(rank_of(comm), size_of(comm));
  return eng::calibrate(comm, twin_problem(first, last, two_parameters()), solver);
}

/// Every field that must not depend on the rank count, bit for bit.
void expect_identical(const eng::CalibrationResult& a, const eng::CalibrationResult& b, const std::string& what) {
  ASSERT_EQ(a.values.size(), b.values.size()) << what;
  for (std::size_t j = 0; j < a.values.size(); ++j) {
    EXPECT_EQ(std::memcmp(&a.values[j], &b.values[j], sizeof(double)), 0)
        << what << ": value " << j << " " << a.values[j] << " vs " << b.values[j];
    EXPECT_EQ(std::memcmp(&a.standard_errors[j], &b.standard_errors[j], sizeof(double)), 0) << what;
  }
  EXPECT_EQ(std::memcmp(&a.ssr, &b.ssr, sizeof(double)), 0) << what << ": ssr " << a.ssr << " vs " << b.ssr;
  EXPECT_EQ(a.iterations, b.iterations) << what;
  EXPECT_EQ(a.converged_reason, b.converged_reason) << what;
  EXPECT_EQ(a.observations, b.observations) << what;
}

class TwinExperiment : public testing::TestWithParam<std::string> {};

TEST_P(TwinExperiment, RecoversTrueValuesWithinTwoStandardErrors) {
  const std::string solver = GetParam();
  const eng::CalibrationResult fit = fit_on(MPI_COMM_WORLD, solver);
  const std::array<double, 2> truth = {kTruth.humification, kTruth.k_old};
  const std::array<const char*, 2> names = {"humification", "k_old"};

  EXPECT_EQ(fit.solver, solver);
  EXPECT_EQ(fit.converged_reason.rfind("CONVERGED", 0), 0u) << fit.converged_reason;
  EXPECT_EQ(fit.observations, static_cast<std::size_t>(kNumSites * kYears));
  EXPECT_NEAR(fit.rmse, kNoiseSd, 0.05);  // the residuals are the noise
  ASSERT_EQ(fit.values.size(), 2u);
  for (std::size_t j = 0; j < 2; ++j) {
    EXPECT_TRUE(std::isfinite(fit.standard_errors[j]) && fit.standard_errors[j] > 0.0) << names[j];
    EXPECT_LT(std::fabs(fit.values[j] - truth[j]), 2.0 * fit.standard_errors[j])
        << names[j] << ": true " << truth[j] << ", fitted " << fit.values[j] << " ± " << fit.standard_errors[j];
    EXPECT_LT(fit.standard_errors[j], 0.05 * truth[j]) << names[j] << ": the design should pin it to 5 %";
    EXPECT_EQ(fit.correlation[j][j], 1.0);
  }
  EXPECT_EQ(fit.correlation[0][1], fit.correlation[1][0]);
  EXPECT_LT(std::fabs(fit.correlation[0][1]), 1.0);
  if (rank_of(MPI_COMM_WORLD) == 0) {
    std::printf("[%s] %d iterations, %s, SSR %.6g, RMSE %.4g t C ha-1, corr %.3f\n", solver.c_str(),
                fit.iterations, fit.converged_reason.c_str(), fit.ssr, fit.rmse, fit.correlation[0][1]);
    for (std::size_t j = 0; j < 2; ++j)
      std::printf("[%s]   %-12s true %.6g  fitted %.8g ± %.3g\n", solver.c_str(), names[j], truth[j], fit.values[j],
                  fit.standard_errors[j]);
  }

  // Every rank holds the same result.
  std::vector<double> all(2 * static_cast<std::size_t>(size_of(MPI_COMM_WORLD)));
  MPI_Allgather(fit.values.data(), 2, MPI_DOUBLE, all.data(), 2, MPI_DOUBLE, MPI_COMM_WORLD);
  for (std::size_t k = 0; k < all.size(); ++k)
    EXPECT_EQ(std::memcmp(&all[k], &fit.values[k % 2], sizeof(double)), 0) << "rank " << k / 2 << " differs";
}

/// The same fit on 1, 2, ..., N ranks (sub-communicators of this run) and with every observation on the
/// last rank (the others own none): bitwise identical.
TEST_P(TwinExperiment, IdenticalOnEveryRankCount) {
  const std::string solver = GetParam();
  const int rank = rank_of(MPI_COMM_WORLD), size = size_of(MPI_COMM_WORLD);
  eng::CalibrationResult reference;
  for (int k = 1; k <= size; ++k) {
    MPI_Comm sub = MPI_COMM_NULL;
    MPI_Comm_split(MPI_COMM_WORLD, rank < k ? 0 : MPI_UNDEFINED, rank, &sub);
    if (sub == MPI_COMM_NULL) continue;
    const eng::CalibrationResult fit = fit_on(sub, solver);
    if (k == 1) reference = fit;
    else if (rank == 0) expect_identical(reference, fit, solver + " on " + std::to_string(k) + " ranks");
    MPI_Comm_free(&sub);
  }
  MPI_Bcast(&reference.iterations, 1, MPI_INT, 0, MPI_COMM_WORLD);  // keeps the ranks in step
  const bool last = rank == size - 1;
  const eng::CalibrationResult lopsided =
      eng::calibrate(MPI_COMM_WORLD, twin_problem(last ? 0 : kNumSites, kNumSites, two_parameters()), solver);
  if (rank == 0) expect_identical(reference, lopsided, solver + " with all observations on the last rank");
}

INSTANTIATE_TEST_SUITE_P(Solvers, TwinExperiment, testing::Values("brgn", "pounders"),
                         [](const testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(Calibration, BothSolversFindTheSameOptimum) {
  const eng::CalibrationResult gauss_newton = fit_on(MPI_COMM_WORLD, "brgn");
  const eng::CalibrationResult derivative_free = fit_on(MPI_COMM_WORLD, "pounders");
  for (std::size_t j = 0; j < gauss_newton.values.size(); ++j)
    EXPECT_LT(std::fabs(gauss_newton.values[j] - derivative_free.values[j]), 0.01 * gauss_newton.standard_errors[j])
        << j << ": brgn " << gauss_newton.values[j] << ", pounders " << derivative_free.values[j];
  EXPECT_NEAR(gauss_newton.ssr, derivative_free.ssr, 1e-6 * gauss_newton.ssr);
}

TEST(Calibration, NoiseFreeDataGiveBackAllThreeParameters) {
  const auto [first, last] = site_block(rank_of(MPI_COMM_WORLD), size_of(MPI_COMM_WORLD));
  const eng::CalibrationResult fit = eng::calibrate(
      MPI_COMM_WORLD,
      twin_problem(first, last, {declared("k_young", 1.2), declared("k_old", 0.01), declared("humification", 0.2)},
                   0.0));
  ASSERT_EQ(fit.values.size(), 3u);
  EXPECT_NEAR(fit.values[0], kTruth.k_young, 1e-5 * kTruth.k_young);
  EXPECT_NEAR(fit.values[1], kTruth.k_old, 1e-5 * kTruth.k_old);
  EXPECT_NEAR(fit.values[2], kTruth.humification, 1e-5 * kTruth.humification);
  EXPECT_LT(fit.rmse, 1e-6);
  EXPECT_EQ(fit.converged_reason.rfind("CONVERGED", 0), 0u) << fit.converged_reason;
}

// ---- bad input: the same exception on every rank, no hang ----

template <class Exception>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception thrown";
  return "";
}

eng::CalibrationProblem small_problem(std::vector<eng::CalibratedParameter> parameters, std::size_t local_count) {
  eng::CalibrationProblem p;
  p.parameters = std::move(parameters);
  p.local_count = local_count;
  p.residuals = [local_count](const std::vector<double>& v, std::vector<double>& r) { r.assign(local_count, v[0]); };
  return p;
}

TEST(CalibrationInput, NoParameter) {
  const std::string m =
      message_of<std::invalid_argument>([] { eng::calibrate(MPI_COMM_WORLD, small_problem({}, 5)); });
  EXPECT_NE(m.find("no parameter"), std::string::npos) << m;
}

TEST(CalibrationInput, ReversedBoundsNameTheParameter) {
  const std::string m = message_of<std::invalid_argument>(
      [] { eng::calibrate(MPI_COMM_WORLD, small_problem({{"k_old", "yr-1", 0.05, 1e-5, 0.01}}, 5)); });
  EXPECT_NE(m.find("'k_old'"), std::string::npos) << m;
  EXPECT_NE(m.find("reversed"), std::string::npos) << m;
}

TEST(CalibrationInput, InitialOutsideBounds) {
  const std::string m = message_of<std::invalid_argument>(
      [] { eng::calibrate(MPI_COMM_WORLD, small_problem({{"humification", "1", 0.0, 1.0, 1.5}}, 5)); });
  EXPECT_NE(m.find("'humification'"), std::string::npos) << m;
  EXPECT_NE(m.find("initial value 1.5"), std::string::npos) << m;
}

TEST(CalibrationInput, NoObservations) {
  const std::string m = message_of<std::invalid_argument>(
      [] { eng::calibrate(MPI_COMM_WORLD, small_problem({declared("k_old", 0.01)}, 0)); });
  EXPECT_NE(m.find("no observations"), std::string::npos) << m;
}

TEST(CalibrationInput, MoreParametersThanObservations) {
  const bool first = rank_of(MPI_COMM_WORLD) == 0;
  const std::string m = message_of<std::invalid_argument>([first] {
    eng::calibrate(MPI_COMM_WORLD,
                   small_problem({declared("k_young", 1.0), declared("k_old", 0.01), declared("humification", 0.2)},
                                 first ? 2 : 0));
  });
  EXPECT_NE(m.find("3 parameters but only 2 observations"), std::string::npos) << m;
}

TEST(CalibrationInput, UnknownSolverListsTheValidOnes) {
  const std::string m = message_of<std::invalid_argument>(
      [] { eng::calibrate(MPI_COMM_WORLD, small_problem({declared("k_old", 0.01)}, 5), "newton"); });
  EXPECT_NE(m.find("'newton'"), std::string::npos) << m;
  EXPECT_NE(m.find("brgn, pounders"), std::string::npos) << m;
}

TEST(CalibrationInput, ResidualFailureOnOneRankThrowsOnAll) {
  const int rank = rank_of(MPI_COMM_WORLD), size = size_of(MPI_COMM_WORLD);
  const auto [first, last] = site_block(rank, size);
  eng::CalibrationProblem problem = twin_problem(first, last, two_parameters());
  int calls = 0;
  auto inner = problem.residuals;
  problem.residuals = [&calls, inner, rank, size](const std::vector<double>& v, std::vector<double>& r) {
    if (++calls == 4 && rank == size - 1) throw std::runtime_error("site file unreadable");
    inner(v, r);
  };
  const std::string m =
      message_of<std::runtime_error>([&problem] { eng::calibrate(MPI_COMM_WORLD, problem, "brgn"); });
  EXPECT_NE(m.find("rank " + std::to_string(size - 1) + ": site file unreadable"), std::string::npos) << m;
}

TEST(CalibrationInput, UnknownModelParameterListsTheValidOnes) {
  std::vector<std::string> names;
  for (const auto& info : icbm::kParameterInfo) names.emplace_back(info.name);
  EXPECT_NO_THROW(eng::validate_calibration_request(names, {"humification", "k_old"}));
  const std::string m = message_of<std::invalid_argument>(
      [&names] { eng::validate_calibration_request(names, {"humification", "k_slow"}); });
  EXPECT_NE(m.find("'k_slow'"), std::string::npos) << m;
  EXPECT_NE(m.find("valid: k_young, k_old, humification"), std::string::npos) << m;
  const std::string twice = message_of<std::invalid_argument>(
      [&names] { eng::validate_calibration_request(names, {"k_old", "k_old"}); });
  EXPECT_NE(twice.find("twice"), std::string::npos) << twice;
}

// ---- the parameter file ----

TEST(ParameterFile, RoundTripsThroughToml) {
  const eng::CalibrationResult fit = fit_on(MPI_COMM_WORLD, "brgn");
  const std::vector<eng::CalibratedParameter> params = two_parameters();
  const std::string path = testing::TempDir() + "alamod_calibration_" + std::to_string(::getpid()) + "_rank" +
                           std::to_string(rank_of(MPI_COMM_WORLD)) + ".toml";
  eng::write_parameter_file(path, "icbm", fit, params, "twin experiment \"ICBM\"\nline two");

  const toml::table t = toml::parse_file(path);
  std::remove(path.c_str());
  EXPECT_EQ(t["model"].value_or(std::string()), "icbm");
  for (std::size_t j = 0; j < params.size(); ++j) {
    const std::string& name = params[j].name;
    const std::optional<double> v = t["parameters"][name].value<double>();
    ASSERT_TRUE(v) << name;
    EXPECT_EQ(std::memcmp(&*v, &fit.values[j], sizeof(double)), 0) << name << ": " << *v << " vs " << fit.values[j];
    EXPECT_EQ(t["fit"]["standard_errors"][name].value_or(-1.0), fit.standard_errors[j]) << name;
    EXPECT_EQ(t["fit"]["parameters"][j].value_or(std::string()), name);
    for (std::size_t k = 0; k < params.size(); ++k)
      EXPECT_EQ(t["fit"]["correlation"][name][k].value_or(-2.0), fit.correlation[j][k]) << name << " " << k;
  }
  EXPECT_EQ(t["fit"]["ssr"].value_or(-1.0), fit.ssr);
  EXPECT_EQ(t["fit"]["rmse"].value_or(-1.0), fit.rmse);
  EXPECT_EQ(t["fit"]["observations"].value_or(int64_t{-1}), static_cast<int64_t>(fit.observations));
  EXPECT_EQ(t["fit"]["iterations"].value_or(-1), fit.iterations);
  EXPECT_EQ(t["fit"]["solver"].value_or(std::string()), "brgn");
  EXPECT_EQ(t["fit"]["converged_reason"].value_or(std::string()), fit.converged_reason);
  EXPECT_FALSE(t["provenance"]["alamod_version"].value_or(std::string()).empty());
  EXPECT_TRUE(t["provenance"]["git_commit"].is_string());
  EXPECT_EQ(t["provenance"]["date"].value_or(std::string()).size(), std::string("2026-11-24T17:05:27Z").size());
  EXPECT_EQ(t["provenance"]["text"].value_or(std::string()), "twin experiment \"ICBM\"\nline two");
}

}  // namespace
