// The ensemble's draws (engine/grid_run/ensemble): moments of many draws from a calibration's covariance,
// the same members from the same seed, bounds respected, bad fit files refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <vector>

#include "engine/grid_run/ensemble.hpp"
#include "grids/input_error.hpp"

using alamod::engine::draw_ensemble;
using alamod::engine::EnsembleOptions;
using alamod::engine::ensemble_group_of;
using alamod::engine::ensemble_groups;
using alamod::InputError;

namespace {
std::string fit_file() { return std::string(ALAMOD_TEST_DATA) + "/ensemble/rothc_fit.toml"; }
}  // namespace

TEST(Ensemble, CovarianceDrawsHaveTheFitsMoments) {
  EnsembleOptions o;
  o.members = 20000;
  o.fit = fit_file();
  o.seed = 7;
  const auto d = draw_ensemble(o, "rothc");
  ASSERT_EQ(d.source, "covariance");
  ASSERT_EQ(d.names, (std::vector<std::string>{"k_hum", "k_rpm"}));
  double m0 = 0, m1 = 0;
  for (const auto& v : d.values) m0 += v[0] / o.members, m1 += v[1] / o.members;
  double c00 = 0, c01 = 0, c11 = 0;
  for (const auto& v : d.values) {
    c00 += (v[0] - m0) * (v[0] - m0) / (o.members - 1);
    c01 += (v[0] - m0) * (v[1] - m1) / (o.members - 1);
    c11 += (v[1] - m1) * (v[1] - m1) / (o.members - 1);
  }
  // standard errors of the estimates at n = 20000: mean 2e-5 and 3.5e-4; variances about 1 %
  EXPECT_NEAR(m0, 0.02, 1e-4);
  EXPECT_NEAR(m1, 0.3, 2e-3);
  EXPECT_NEAR(c00 / 9.0e-6, 1.0, 0.05);
  EXPECT_NEAR(c11 / 2.5e-3, 1.0, 0.05);
  EXPECT_NEAR(c01 / std::sqrt(c00 * c11), 0.5, 0.03);
  for (const auto& v : d.values) {  // rothc's declared bounds: k_hum [0.001, 0.5], k_rpm [0.01, 5]
    EXPECT_GE(v[0], 0.001);
    EXPECT_GE(v[1], 0.01);
  }
}

TEST(Ensemble, TheSameSeedGivesTheSameMembers) {
  EnsembleOptions o;
  o.members = 5;
  o.fit = fit_file();
  o.seed = 42;
  const auto a = draw_ensemble(o, "rothc");
  o.members = 3;
  const auto b = draw_ensemble(o, "rothc");
  for (size_t k = 0; k < b.values.size(); ++k) EXPECT_EQ(a.values[k], b.values[k]);  // bit for bit
  o.seed = 43;
  EXPECT_NE(draw_ensemble(o, "rothc").values[0], a.values[0]);
}

TEST(Ensemble, BadFitsAreRefused) {
  EnsembleOptions o;
  o.members = 3;
  o.fit = fit_file();
  EXPECT_THROW(draw_ensemble(o, "icbm"), alamod::InputError);  // another model's parameters
  o.source = "posterior";
  EXPECT_THROW(draw_ensemble(o, "rothc"), alamod::InputError);  // no [fit.posterior] samples
  o.source = "auto";
  o.members = 1;
  EXPECT_THROW(draw_ensemble(o, "rothc"), alamod::InputError);
  const std::string bad = ::testing::TempDir() + "/not_a_fit.toml";
  std::ofstream(bad) << "model = \"rothc\"\n[parameters]\nk_hum = 0.02\n";
  o.members = 3;
  o.fit = bad;
  EXPECT_THROW(draw_ensemble(o, "rothc"), alamod::InputError);  // no [fit] parameters list
}

// Fits that were read silently wrong (adversarial pass; docs/FAULTS.md): each refused with one message naming the
// file, the table, the row and the column.
TEST(Ensemble, FitsThatWereReadSilentlyWrongAreRefused) {
  const std::string dir = ::testing::TempDir();
  const std::string head =
      "model = \"rothc\"\n[parameters]\nk_hum = MEAN\nk_rpm = 0.3\n[fit]\nparameters = [\"k_hum\", \"k_rpm\"]\nPOSTERIOR\n";
  auto fit = [&](const std::string& name, const std::string& mean, const std::string& rest,
                 const std::string& posterior = "") {
    std::string text = head;
    text.replace(text.find("MEAN"), 4, mean);
    text.replace(text.find("POSTERIOR"), 9, posterior);
    std::ofstream(dir + "/" + name) << text << rest;
    return dir + "/" + name;
  };
  auto message = [](const EnsembleOptions& o) -> std::string {
    try {
      draw_ensemble(o, "rothc");
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  EnsembleOptions o;
  o.members = 3;
  const std::string cov = "[fit.covariance]\nk_hum = [9.0e-6, 7.5e-5]\nk_rpm = [7.5e-5, 2.5e-3]\n";
  o.fit = fit("nan.toml", "0.02", "[fit.covariance]\nk_hum = [nan, 7.5e-5]\nk_rpm = [7.5e-5, 2.5e-3]\n");
  EXPECT_NE(message(o).find("nan.toml: [fit.covariance] k_hum, column 1 (k_hum): not a finite number"),
            std::string::npos)
      << message(o);  // was: a NaN variance drawn as none
  o.fit = fit("text.toml", "0.02", "[fit.covariance]\nk_hum = [9.0e-6, \"x\"]\nk_rpm = [7.5e-5, 2.5e-3]\n");
  EXPECT_NE(message(o).find("text.toml: [fit.covariance] k_hum, column 2 (k_rpm): not a finite number"),
            std::string::npos)
      << message(o);
  o.fit = fit("asym.toml", "0.02", "[fit.covariance]\nk_hum = [9.0e-6, 7.5e-2]\nk_rpm = [7.5e-5, 2.5e-3]\n");
  EXPECT_NE(message(o).find("asym.toml: [fit.covariance] is not symmetric: k_rpm, column 1 = 7.5e-05 but k_hum, "
                            "column 2 = 0.075"),
            std::string::npos)
      << message(o);  // was: the upper triangle ignored
  o.fit = fit("mean.toml", "-0.02", cov);
  EXPECT_NE(message(o).find("mean.toml: [parameters] k_hum = -0.02 is outside its bounds"), std::string::npos)
      << message(o);  // was: "1000 draws ... the covariance is too wide"
  o.fit = fit("nocov.toml", "0.02", "");
  EXPECT_NE(message(o).find("nocov.toml: no [fit.covariance] table"), std::string::npos) << message(o);
  std::ofstream(dir + "/post.csv") << "k_hum,k_rpm\n0.02,0.3\n0.021,abc\n";
  o.fit = fit("post.toml", "0.02", cov, "posterior.samples = \"post.csv\"");
  EXPECT_NE(message(o).find("post.csv:3, column 'k_rpm': 'abc' is not a finite number"), std::string::npos)
      << message(o);  // was: "alamod: error: stod"
  o.fit = fit("good.toml", "0.02", cov);
  EXPECT_EQ(message(o), "no error");
}

TEST(Ensemble, GroupsSplitTheRanksIntoContiguousBlocks) {
  // 0: one member per group at a time, as many groups as the fewer of ranks and members
  EXPECT_EQ(ensemble_groups(0, 3, 2), 2);
  EXPECT_EQ(ensemble_groups(0, 2, 5), 2);
  EXPECT_EQ(ensemble_groups(1, 3, 3), 1);
  EXPECT_THROW(ensemble_groups(4, 3, 5), InputError);  // more groups than ranks
  EXPECT_THROW(ensemble_groups(3, 4, 2), InputError);  // more groups than members
  // 3 ranks in 2 groups: ranks 0 1 | 2; 5 ranks in 3 groups: 0 1 | 2 3 | 4 (sizes differ by at most 1)
  EXPECT_EQ(ensemble_group_of(0, 3, 2), 0);
  EXPECT_EQ(ensemble_group_of(1, 3, 2), 0);
  EXPECT_EQ(ensemble_group_of(2, 3, 2), 1);
  const int want[5] = {0, 0, 1, 1, 2};
  for (int r = 0; r < 5; ++r) EXPECT_EQ(ensemble_group_of(r, 5, 3), want[r]) << r;
  for (int g = 1; g <= 7; ++g) {
    std::vector<int> count(static_cast<size_t>(g), 0);
    for (int r = 0; r < 7; ++r) ++count[static_cast<size_t>(ensemble_group_of(r, 7, g))];
    EXPECT_LE(*std::max_element(count.begin(), count.end()) - *std::min_element(count.begin(), count.end()), 1) << g;
    EXPECT_GE(*std::min_element(count.begin(), count.end()), 1) << g;
  }
}
