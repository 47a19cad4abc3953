// Evaluation: goodness-of-fit metrics against values computed by hand, input errors, the
// multi-model mean, metrics.csv rows and the structure of the self-contained HTML report; the site
// datasets as alamod evaluate reads them (the JSON reader, datapackage.json, duplicated and absurd rows);
// the Bayesian calibration's chains and their diagnostics (engine/site/posterior).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/site/data_package.hpp"
#include "engine/site/evaluation.hpp"
#include "engine/site/json_reader.hpp"
#include "engine/site/posterior.hpp"
#include "engine/site/site_evaluate.hpp"
#include "grids/input_error.hpp"
#include "tests/unit/test_files.hpp"

namespace ev = alamod::engine;
namespace fs = std::filesystem;
using alamod::test::read_file;
using alamod::test::TempDir;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<ev::SeriesPoint> pairs(const std::vector<double>& obs, const std::vector<double>& sim) {
  std::vector<ev::SeriesPoint> p;
  for (std::size_t i = 0; i < obs.size(); ++i) p.push_back({2000.0 + double(i), obs[i], sim[i]});
  return p;
}

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + needle.size())) ++n;
  return n;
}

/// Synthetic series: models x sites x treatments, 6 observations each, a yearly curve.
std::vector<ev::Series> example(const std::vector<std::string>& models, const std::vector<std::string>& sites,
                                const std::vector<std::string>& treatments) {
  std::vector<ev::Series> out;
  for (std::size_t m = 0; m < models.size(); ++m)
    for (std::size_t s = 0; s < sites.size(); ++s)
      for (std::size_t t = 0; t < treatments.size(); ++t) {
        ev::Series x{models[m], sites[s], treatments[t], {}, {}};
        for (int i = 0; i < 6; ++i) {
          const double year = 1990 + 4 * i;
          x.points.push_back({year, 40.0 + 3 * double(s) + 0.5 * i + (i % 2), 40.0 + 3 * double(s) + 0.6 * i +
                                                                               double(m), 1.5});
        }
        for (int y = 1990; y <= 2010; ++y)
          x.simulated_curve.emplace_back(y, 40.0 + 3 * double(s) + 0.6 * (y - 1990) / 4.0 + double(m));
        out.push_back(std::move(x));
      }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Metrics

TEST(EvaluationMetrics, PerfectFit) {
  const auto m = ev::compute_metrics(pairs({10, 12, 15, 11}, {10, 12, 15, 11}));
  EXPECT_EQ(m.n, 4u);
  EXPECT_DOUBLE_EQ(m.rmse, 0.0);
  EXPECT_DOUBLE_EQ(m.relative_rmse, 0.0);
  EXPECT_DOUBLE_EQ(m.bias, 0.0);
  EXPECT_DOUBLE_EQ(m.efficiency, 1.0);
  EXPECT_DOUBLE_EQ(m.r2, 1.0);
  EXPECT_DOUBLE_EQ(m.willmott_d, 1.0);
}

TEST(EvaluationMetrics, ConstantBias) {
  // o = 10, 20, 30; s = o + 2. mean(o) = 20.
  // rmse = 2, bias = 2, relative rmse = 2/20 = 0.1.
  // EF = 1 - 3*4 / (100 + 0 + 100) = 0.94. r2 = 1 (s is a shift of o).
  // d = 1 - 12 / ((8+10)^2 + (2+0)^2 + (12+10)^2) = 1 - 12/812.
  const auto m = ev::compute_metrics(pairs({10, 20, 30}, {12, 22, 32}));
  EXPECT_EQ(m.n, 3u);
  EXPECT_NEAR(m.rmse, 2.0, 1e-12);
  EXPECT_NEAR(m.relative_rmse, 0.1, 1e-12);
  EXPECT_NEAR(m.bias, 2.0, 1e-12);
  EXPECT_NEAR(m.efficiency, 0.94, 1e-12);
  EXPECT_NEAR(m.r2, 1.0, 1e-12);
  EXPECT_NEAR(m.willmott_d, 1.0 - 12.0 / 812.0, 1e-12);
}

TEST(EvaluationMetrics, FivePointsByHand) {
  // o = 10 12 14 16 18 (mean 14), s = 11 12 13 17 20 (mean 14.6).
  // s - o = 1 0 -1 1 2: sum 3, sum of squares 7.
  //   rmse = sqrt(7/5) = 1.1832159566..., relative rmse = rmse / 14, bias = 3/5 = 0.6.
  // o - mean(o) = -4 -2 0 2 4: sum of squares 40. EF = 1 - 7/40 = 0.825.
  // s - mean(s) = -3.6 -2.6 -1.6 2.4 5.4: sum of squares 57.2; cross products with o - mean(o):
  //   14.4 + 5.2 + 0 + 4.8 + 21.6 = 46. r2 = 46^2 / (40 * 57.2) = 2116 / 2288.
  // |s - mean(o)| = 3 2 1 3 6, |o - mean(o)| = 4 2 0 2 4: sums 7 4 1 5 10, squares 49 16 1 25 100 = 191.
  //   d = 1 - 7/191 = 184/191.
  const auto m = ev::compute_metrics(pairs({10, 12, 14, 16, 18}, {11, 12, 13, 17, 20}));
  EXPECT_EQ(m.n, 5u);
  EXPECT_NEAR(m.rmse, std::sqrt(1.4), 1e-12);
  EXPECT_NEAR(m.rmse, 1.1832159566, 1e-9);
  EXPECT_NEAR(m.relative_rmse, std::sqrt(1.4) / 14.0, 1e-12);
  EXPECT_NEAR(m.bias, 0.6, 1e-12);
  EXPECT_NEAR(m.efficiency, 0.825, 1e-12);
  EXPECT_NEAR(m.r2, 2116.0 / 2288.0, 1e-12);
  EXPECT_NEAR(m.willmott_d, 184.0 / 191.0, 1e-12);
}

TEST(EvaluationMetrics, WorseThanTheMeanGivesNegativeEfficiency) {
  // o = 1 2 3, s = 3 2 1: sse = 8, sum (o - 2)^2 = 2, EF = 1 - 8/2 = -3; r = -1 so r2 = 1.
  // d = 1 - 8 / ((1+1)^2 + 0 + (1+1)^2) = 0.
  const auto m = ev::compute_metrics(pairs({1, 2, 3}, {3, 2, 1}));
  EXPECT_NEAR(m.efficiency, -3.0, 1e-12);
  EXPECT_NEAR(m.r2, 1.0, 1e-12);
  EXPECT_NEAR(m.willmott_d, 0.0, 1e-12);
  EXPECT_NEAR(m.bias, 0.0, 1e-12);
}

TEST(EvaluationMetrics, ConstantObservationsLeaveEfficiencyAndR2Undefined) {
  // 0.1 three times: the mean is not exactly 0.1 in binary, the variance must still count as zero.
  const auto m = ev::compute_metrics(pairs({0.1, 0.1, 0.1}, {0.2, 0.1, 0.3}));
  EXPECT_TRUE(std::isnan(m.efficiency));
  EXPECT_TRUE(std::isnan(m.r2));
  EXPECT_NEAR(m.bias, 0.1, 1e-12);
  EXPECT_TRUE(std::isfinite(m.willmott_d));
  const auto p = ev::compute_metrics(pairs({5, 5}, {5, 5}));
  EXPECT_DOUBLE_EQ(p.rmse, 0.0);
  EXPECT_DOUBLE_EQ(p.willmott_d, 1.0);
}

TEST(EvaluationMetrics, WeightedByHand) {
  // r = s - o = (1, -2, 4, 0); sd = (1, 2, NaN, 0.5): the third has no sd and is left out.
  // w = (1, 0.25, 4): sum w = 5.25; sum w r = 1 - 0.5 + 0 = 0.5; sum w r^2 = 1 + 1 + 0 = 2;
  // chi2/n = (1 + 1 + 0) / 3.
  auto p = pairs({10, 12, 14, 16}, {11, 10, 18, 16});
  p[0].observed_sd = 1;
  p[1].observed_sd = 2;
  p[3].observed_sd = 0.5;
  const auto w = ev::compute_weighted_metrics(p);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->n, 3u);
  EXPECT_EQ(w->n_all, 4u);
  EXPECT_NEAR(w->weighted_rmse, std::sqrt(2 / 5.25), 1e-15);
  EXPECT_NEAR(w->weighted_bias, 0.5 / 5.25, 1e-15);
  EXPECT_NEAR(w->chi2_per_obs, 2.0 / 3.0, 1e-15);
  // no sd anywhere (or only sd 0): no weighted metrics, the unweighted ones alone
  EXPECT_FALSE(ev::compute_weighted_metrics(pairs({1, 2}, {2, 3})).has_value());
  auto zero = pairs({1, 2}, {2, 3});
  zero[0].observed_sd = 0;
  EXPECT_FALSE(ev::compute_weighted_metrics(zero).has_value());
}

TEST(EvaluationMetrics, ShortOrNonFiniteInputThrows) {
  EXPECT_THROW(ev::compute_metrics({}), std::invalid_argument);
  EXPECT_THROW(ev::compute_metrics(pairs({1}, {1})), std::invalid_argument);
  EXPECT_THROW(ev::compute_metrics(pairs({1, kNaN, 3}, {1, 2, 3})), std::invalid_argument);
  EXPECT_THROW(ev::compute_metrics(pairs({1, 2, 3}, {1, 2, std::numeric_limits<double>::infinity()})),
               std::invalid_argument);
  // An unknown sd is fine.
  EXPECT_NO_THROW(ev::compute_metrics(pairs({1, 2, 3}, {1, 2, 4})));
}

// ---------------------------------------------------------------------------------------------
// Axis ticks

TEST(EvaluationTicks, NiceNumbers) {
  auto t = ev::nice_ticks(1960, 2010, 7);
  EXPECT_DOUBLE_EQ(t.step, 10.0);
  EXPECT_DOUBLE_EQ(t.lo, 1960.0);
  EXPECT_DOUBLE_EQ(t.hi, 2010.0);
  EXPECT_EQ(t.ticks.size(), 6u);
  EXPECT_EQ(t.decimals, 0);

  t = ev::nice_ticks(0.03, 0.97, 6);
  EXPECT_DOUBLE_EQ(t.step, 0.2);
  EXPECT_DOUBLE_EQ(t.lo, 0.0);
  EXPECT_NEAR(t.hi, 1.0, 1e-12);
  EXPECT_EQ(t.decimals, 1);
  EXPECT_EQ(t.ticks.size(), 6u);

  t = ev::nice_ticks(31.7, 58.2, 6);  // range 26.5 / 5 intervals = 5.3 -> step 5 (1, 2 or 5 x 10^k)
  EXPECT_DOUBLE_EQ(t.step, 5.0);
  EXPECT_EQ(t.ticks.size(), 7u);
  EXPECT_DOUBLE_EQ(t.lo, 30.0);
  EXPECT_DOUBLE_EQ(t.hi, 60.0);

  t = ev::nice_ticks(5, 5);  // a flat range still gives an axis
  EXPECT_LT(t.lo, 5.0);
  EXPECT_GT(t.hi, 5.0);
  EXPECT_GE(t.ticks.size(), 2u);
  EXPECT_THROW(ev::nice_ticks(0, kNaN), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Multi-model mean

TEST(EvaluationMultiModelMean, AveragesPointsAndCurves) {
  ev::Series a{"A", "S1", "T1", {{2000, 10, 11, 1}, {2005, 12, 13, 1}, {2010, 14, 15, 1}}, {{2000, 11}, {2010, 15}}};
  ev::Series b{"B", "S1", "T1", {{2000, 10, 9}, {2010, 14, 17}}, {{2000, 9}, {2004, 13}, {2010, 17}}};
  ev::Series a2{"A", "S2", "T1", {{2000, 1, 2}, {2001, 2, 3}}, {}};  // no B for S2: skipped
  const auto mean = ev::multi_model_mean({a, b, a2}, {"A", "B"});
  ASSERT_EQ(mean.size(), 1u);
  const auto& m = mean[0];
  EXPECT_EQ(m.model, "multi-model mean");
  EXPECT_EQ(m.site, "S1");
  EXPECT_EQ(m.treatment, "T1");
  // 2005 is missing in B: only the common times.
  ASSERT_EQ(m.points.size(), 2u);
  EXPECT_DOUBLE_EQ(m.points[0].time_years, 2000);
  EXPECT_DOUBLE_EQ(m.points[0].observed, 10);
  EXPECT_DOUBLE_EQ(m.points[0].simulated, 10);  // (11 + 9) / 2
  EXPECT_DOUBLE_EQ(m.points[0].observed_sd, 1);
  EXPECT_DOUBLE_EQ(m.points[1].simulated, 16);  // (15 + 17) / 2
  // Curve at A's times; B interpolated: at 2000 (11 + 9)/2 = 10, at 2010 (15 + 17)/2 = 16.
  ASSERT_EQ(m.simulated_curve.size(), 2u);
  EXPECT_DOUBLE_EQ(m.simulated_curve[0].second, 10);
  EXPECT_DOUBLE_EQ(m.simulated_curve[1].second, 16);
  // Interpolation in between: with B listed first, curve times are B's; at 2004 A = 11 + 0.4*4 = 12.6.
  const auto mb = ev::multi_model_mean({a, b}, {"B", "A"});
  ASSERT_EQ(mb.size(), 1u);
  ASSERT_EQ(mb[0].simulated_curve.size(), 3u);
  EXPECT_NEAR(mb[0].simulated_curve[1].second, (13 + 12.6) / 2, 1e-12);
}

TEST(EvaluationMultiModelMean, OrderMissingModelsAndDuplicates) {
  const auto all = example({"A", "B", "C"}, {"S1", "S2"}, {"T1", "T2"});
  const auto mean = ev::multi_model_mean(all, {"A", "B", "C"});
  ASSERT_EQ(mean.size(), 4u);
  EXPECT_EQ(mean[0].site, "S1");
  EXPECT_EQ(mean[0].treatment, "T1");
  EXPECT_EQ(mean[3].site, "S2");
  EXPECT_EQ(mean[3].treatment, "T2");
  EXPECT_EQ(mean[0].points.size(), 6u);
  EXPECT_EQ(mean[0].simulated_curve.size(), 21u);
  // Models offset by 0, 1, 2: the mean is model B.
  for (std::size_t i = 0; i < 6; ++i) EXPECT_NEAR(mean[0].points[i].simulated, all[4].points[i].simulated, 1e-12);
  EXPECT_TRUE(ev::multi_model_mean(all, {"A", "Z"}).empty());
  EXPECT_TRUE(ev::multi_model_mean(all, {}).empty());
  EXPECT_THROW(ev::multi_model_mean(all, {"A", "A"}), std::invalid_argument);
  auto dup = all;
  dup.push_back(all[0]);
  EXPECT_THROW(ev::multi_model_mean(dup, {"A"}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// metrics.csv

TEST(EvaluationCsv, OneRowPerSeriesAndMetric) {
  TempDir dir;
  auto all = example({"A", "B, the \"second\""}, {"S1", "S2"}, {"T1", "T2"});
  const auto csv = dir.path() / "metrics.csv";
  ev::write_metrics_csv(csv.string(), all);
  std::ifstream in(csv);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u + 6u * all.size());
  EXPECT_EQ(lines[0], "model,site,treatment,metric,value,unit,n");
  EXPECT_EQ(lines[1].rfind("A,S1,T1,rmse,", 0), 0u) << lines[1];
  EXPECT_NE(lines[1].find(",t ha-1,6"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2].rfind("A,S1,T1,relative_rmse,", 0), 0u);
  EXPECT_NE(lines[2].find(",1,6"), std::string::npos);
  EXPECT_EQ(lines[3].rfind("A,S1,T1,bias,", 0), 0u);
  EXPECT_NE(lines[3].find(",t ha-1,6"), std::string::npos);
  EXPECT_EQ(lines[4].rfind("A,S1,T1,efficiency,", 0), 0u);
  EXPECT_EQ(lines[5].rfind("A,S1,T1,r2,", 0), 0u);
  EXPECT_EQ(lines[6].rfind("A,S1,T1,willmott_d,", 0), 0u);
  // A name with a comma and quotes is quoted (RFC 4180).
  EXPECT_EQ(lines[25].rfind("\"B, the \"\"second\"\"\",S1,T1,rmse,", 0), 0u) << lines[25];
  // The value written is the metric.
  const auto m = ev::compute_metrics(all[0].points);
  const std::string v = lines[1].substr(std::string("A,S1,T1,rmse,").size());
  EXPECT_NEAR(std::stod(v.substr(0, v.find(','))), m.rmse, 1e-5 * m.rmse);
  // No temporary left behind.
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(EvaluationCsv, ErrorsWriteNothing) {
  TempDir dir;
  auto all = example({"A"}, {"S1"}, {"T1"});
  all.push_back({"A", "S9", "T1", {{2000, 1, 1}}, {}});  // one point only
  const auto csv = dir.path() / "metrics.csv";
  EXPECT_THROW(ev::write_metrics_csv(csv.string(), all), std::invalid_argument);
  EXPECT_TRUE(fs::is_empty(dir.path()));
  EXPECT_THROW(ev::write_metrics_csv((dir.path() / "no" / "such" / "m.csv").string(), example({"A"}, {"S"}, {"T"})),
               std::runtime_error);
}

// ---------------------------------------------------------------------------------------------
// report.html

TEST(EvaluationHtml, StructureAndEscaping) {
  TempDir dir;
  auto all = example({"RothC", "ICBM <v2>"}, {"Askov & co", "Versailles"}, {"control", "manure \"FYM\""});
  const auto mean = ev::multi_model_mean(all, {"RothC", "ICBM <v2>"});
  all.insert(all.end(), mean.begin(), mean.end());
  const auto html_path = dir.path() / "report.html";
  ev::write_report_html(html_path.string(), all, "Test <report>", "config: a.toml\ncommit: <abc> & more", "efficiency");
  const std::string html = read_file(html_path);
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  // Balanced SVG and figure elements.
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_EQ(count(html, "<figure"), count(html, "</figure>"));
  EXPECT_EQ(count(html, "<table"), count(html, "</table>"));
  // One time-series plot per site and treatment, one scatter per model (3 with the mean), one heat map.
  EXPECT_EQ(count(html, "class=\"plot timeseries\""), 4u);
  EXPECT_EQ(count(html, "class=\"plot scatter\""), 3u);
  EXPECT_EQ(count(html, "class=\"heatmap\" data-metric=\"efficiency\""), 1u);
  EXPECT_EQ(count(html, "<rect class=\"cell\""), 3u * 4u);
  EXPECT_EQ(count(html, "<svg"), 4u + 3u + 1u + 1u);  // and the Taylor diagram
  EXPECT_EQ(count(html, "<circle class=\"taylor-model\""), 3u);
  // Every time-series plot has one line per model and the observed points.
  EXPECT_EQ(count(html, "<path class=\"sim\""), 4u * 3u);
  EXPECT_EQ(count(html, "<circle class=\"obs\""), 4u * 6u);
  EXPECT_EQ(count(html, "class=\"errorbar\""), 4u * 6u + 3u * 4u * 6u);
  EXPECT_NE(html.find("SOC stock (t C ha-1)"), std::string::npos);
  EXPECT_NE(html.find(">year</text>"), std::string::npos);
  EXPECT_NE(html.find("class=\"colour-legend\""), std::string::npos);
  // Metrics table: a row per series; the pooled table: a row per model (3 with the mean); the observations have an
  // sd, so the weighted table too: a row per series and per model.
  EXPECT_EQ(count(html, "<tr"), 1u + all.size() + 1u + 3u + 1u + all.size() + 3u);
  EXPECT_EQ(count(html, "<table class=\"metrics weighted\""), 1u);
  // Escaping: names, title and provenance never appear raw.
  EXPECT_EQ(html.find("ICBM <v2>"), std::string::npos);
  EXPECT_NE(html.find("ICBM &lt;v2&gt;"), std::string::npos);
  EXPECT_EQ(html.find("Askov & co"), std::string::npos);
  EXPECT_NE(html.find("Askov &amp; co"), std::string::npos);
  EXPECT_NE(html.find("manure &quot;FYM&quot;"), std::string::npos);
  EXPECT_NE(html.find("<title>Test &lt;report&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("commit: &lt;abc&gt; &amp; more"), std::string::npos);
  // Self-contained: no script, no external resource.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

TEST(EvaluationHtml, ShortSeriesAndBadMetric) {
  TempDir dir;
  auto all = example({"A"}, {"S1"}, {"T1"});
  all.push_back({"A", "S2", "T1", {{2000, 1, 1, kNaN}}, {}});  // plotted, no metrics
  const auto path = dir.path() / "report.html";
  ev::write_report_html(path.string(), all, "t", "p");
  const std::string html = read_file(path);
  EXPECT_EQ(count(html, "class=\"plot timeseries\""), 2u);
  EXPECT_NE(html.find("n/a"), std::string::npos);
  EXPECT_NE(html.find("data-metric=\"rmse\""), std::string::npos);
  for (const char* m : {"rmse", "relative_rmse", "bias", "efficiency", "r2", "willmott_d"})
    EXPECT_NO_THROW(ev::write_report_html(path.string(), all, "t", "p", m)) << m;
  EXPECT_THROW(ev::write_report_html(path.string(), all, "t", "p", "mae"), std::invalid_argument);
}

TEST(EvaluationHtml, FailedRunsListed) {
  TempDir dir;
  const auto all = example({"A"}, {"S1"}, {"T1"});
  const auto plain = dir.path() / "plain.html", none = dir.path() / "none.html", some = dir.path() / "some.html";
  ev::write_report_html(plain.string(), all, "t", "p");
  ev::write_report_html(none.string(), all, "t", "p", {}, 2);
  EXPECT_EQ(read_file(plain), read_file(none)) << "without failures the report is unchanged";
  ev::write_report_html(some.string(), all, "t", "p", {"B on S1/T1: f.csv:14 (pet): missing <column>"}, 2);
  const std::string html = read_file(some);
  EXPECT_NE(html.find("1 of 2 runs failed"), std::string::npos);
  EXPECT_EQ(count(html, "<section id=\"failures\">"), 1u);
  EXPECT_NE(html.find("B on S1/T1: f.csv:14 (pet): missing &lt;column&gt;"), std::string::npos);
}

// ----------------------------------------------------------------------------------------------
// Site datasets as alamod evaluate reads them: the JSON reader, datapackage.json, the site tables.
// ----------------------------------------------------------------------------------------------

namespace {

const fs::path kSource = ALAMOD_TEST_SOURCE_DIR;

/// The message of the InputError `f` throws ("(no error)" when none).
template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const alamod::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

/// A copy of the shipped Broadbalk dataset under `root`/`name`, returned.
fs::path broadbalk_copy(const fs::path& root, const std::string& name = "broadbalk") {
  const fs::path dst = root / name;
  fs::create_directories(root);
  fs::copy(kSource / "data/sites/broadbalk", dst, fs::copy_options::recursive);
  return dst;
}

}  // namespace

TEST(SiteJson, ReadsStrictJson) {
  const auto v = ev::parse_json(
      "\xEF\xBB\xBF{\"a\": [1, -0.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"],\n \"b\": {\"c\": \"caf\xC3\xA9\"}}",
      "t.json");
  ASSERT_TRUE(v.is(ev::JsonValue::Type::object));
  const auto* a = v.member("a");
  ASSERT_TRUE(a && a->is(ev::JsonValue::Type::array));
  ASSERT_EQ(a->items.size(), 6u);
  EXPECT_EQ(a->items[1].number, -500.0);
  EXPECT_TRUE(a->items[2].boolean);
  EXPECT_TRUE(a->items[4].is(ev::JsonValue::Type::null));
  EXPECT_EQ(a->items[5].text, "x\xC3\xA9\xF0\x9F\x98\x80\n");
  EXPECT_EQ(v.member("b")->member("c")->text, "caf\xC3\xA9");
  EXPECT_EQ(v.member("b")->line, 2);
  EXPECT_EQ(v.member("b")->column, 7);
  EXPECT_EQ(v.member("z"), nullptr);
}

TEST(SiteJson, RefusesWhatIsNotJsonNamingLineAndColumn) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{ not json", "t.json:1:3: invalid JSON: found 'n', expected a member name"},
      {"", "t.json:1:1: invalid JSON: found the end of the file, expected a value"},
      {"{\"a\": 1,}", "t.json:1:9: invalid JSON: found '}', expected a member name"},
      {"[1, 2,]", "t.json:1:7: invalid JSON: found ']', expected a value"},
      {"[01]", "t.json:1:3: invalid JSON: found '1' in a number"},
      {"[0x10]", "t.json:1:3: invalid JSON: found 'x' in a number"},
      {"[NaN]", "t.json:1:2: invalid JSON: found 'N', expected a value"},
      {"[1e400]", "t.json:1:2: invalid JSON: number 1e400 is too large"},
      {"{\"a\": 1,\n \"a\": 2}", "t.json:2:2: invalid JSON: member name \"a\" repeated"},
      {"['x']", "t.json:1:2: invalid JSON: found ''', expected a value"},
      {std::string("[\"a\0b\"]", 7), "t.json:1:4: invalid JSON: found a control character (\\x00) inside a string"},
      {"[\"\xff\"]", "t.json:1:3: invalid JSON: found a byte that is not UTF-8"},
      {"[\"\\ude00\"]", "invalid JSON: found a lone low surrogate"},
      {"[\"\\q\"]", "t.json:1:4: invalid JSON: found 'q' after a backslash"},
      {"[1] [2]", "t.json:1:5: invalid JSON: found '[' after the end of the document"},
      {"{\"a\" 1}", "t.json:1:6: invalid JSON: found '1', expected ':'"},
      {std::string(65, '[') + std::string(65, ']'), "invalid JSON: more than 64 nested arrays or objects"},
  };
  for (const auto& [text, expected] : cases) {
    const std::string msg = error_of([&] { ev::parse_json(text, "t.json"); });
    EXPECT_NE(msg.find(expected), std::string::npos) << "for " << text << ": " << msg;
    EXPECT_EQ(msg.find('\0'), std::string::npos);
  }
  EXPECT_EQ(error_of([] { ev::parse_json(std::string(64, '[') + std::string(64, ']'), "t.json"); }), "(no error)");
}

TEST(SiteDataPackage, ShippedPackagesPass) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(kSource / "data/sites")) {
    if (!fs::exists(e.path() / "datapackage.json")) continue;
    ++n;
    EXPECT_EQ(error_of([&] { ev::check_data_package(e.path().string()); }), "(no error)") << e.path();
  }
  EXPECT_GE(n, 10u);
}

TEST(SiteDataPackage, ProblemsNamedByFileAndJsonPath) {
  TempDir tmp;
  const fs::path dir = broadbalk_copy(tmp.path());
  const fs::path json = dir / "datapackage.json";
  const std::string good = read_file(json);
  const std::string file = json.string();
  auto check = [&](const std::string& text, const std::string& expected) {
    alamod::test::write_file(json, text);
    const std::string msg = error_of([&] { ev::check_data_package(dir.string()); });
    std::printf("  message: %s\n", msg.c_str());
    EXPECT_NE(msg.find(expected), std::string::npos) << msg;
  };
  check("{ not json", file + ":1:3: invalid JSON");
  check("[]", file + " ($): found an array, expected an object");
  check("{\"name\": \"x\"}", file + " ($): no 'resources'");
  check(replaced(good, "\"path\": \"forcing_pk.csv\"", "\"path\": \"forcing_pq.csv\""),
        file + " ($.resources[4].path): 'forcing_pq.csv' not found in " + dir.string());
  check(replaced(good, "\"path\": \"site.csv\"", "\"path\": \"../broadbalk/site.csv\""),
        file + " ($.resources[0].path): '../broadbalk/site.csv' is not a relative path inside the package folder");
  check(replaced(good, "\"path\": \"site.csv\"", "\"path\": \"/etc/hostname\""),
        file + " ($.resources[0].path): '/etc/hostname' is not a relative path");
  check(replaced(good, "\"name\": \"forcing_pk\"", "\"name\": \"forcing_nil\""),
        file + " ($.resources[4].name): 'forcing_nil' is also the name of $.resources[3]");
  check(replaced(good, "\"path\": \"site.csv\"", "\"path\": 5"), file + " ($.resources[0].path): found a number");
  check(replaced(good, "\"name\": \"soc_stock\"", "\"name\": \"soc_stocks\""),
        file + " ($.resources[2].schema.fields[9].name): field 'soc_stocks', but column 10 of " +
            (dir / "soc_observations.csv").string() + ":1 is 'soc_stock'");
  check(replaced(good, "\"headerRows\": [\n          14\n        ]", "\"headerRows\": [\n          13\n        ]"),
        file + " ($.resources[3].schema.fields[0].name): field 'year', but column 1 of " +
            (dir / "forcing_nil.csv").string() + ":13 is '# source: ");
  alamod::test::write_file(json, good);
  // a CSV header that no longer matches its schema
  const std::string obs = read_file(dir / "treatments.csv");
  alamod::test::write_file(dir / "treatments.csv", replaced(obs, ",c_input_method", ""));
  const std::string msg = error_of([&] { ev::check_data_package(dir.string()); });
  EXPECT_NE(msg.find(file + " ($.resources[1].schema.fields[12].name): field 'c_input_method' has no column"),
            std::string::npos) << msg;
  // no descriptor: nothing to check
  fs::remove(json);
  EXPECT_EQ(error_of([&] { ev::check_data_package(dir.string()); }), "(no error)");
}

TEST(SiteDiscovery, DuplicatesAndAbsurdObservationsRefused) {
  TempDir tmp;
  int k = 0;
  // a site collection holding one Broadbalk copy changed by `edit`; the message of discover_site_treatments
  auto discover = [&](const std::function<void(const fs::path&)>& edit) {
    const fs::path root = tmp.path() / ("c" + std::to_string(k++));
    edit(broadbalk_copy(root));
    const std::string msg = error_of([&] { ev::discover_site_treatments(root.string()); });
    std::printf("  message: %s\n", msg.c_str());
    return msg;
  };
  auto append = [](const fs::path& file, const std::string& line) {
    alamod::test::write_file(file, read_file(file) + line + "\n");
  };
  auto line_of = [](const fs::path& file, int n) {
    std::istringstream in(read_file(file));
    std::string l;
    for (int i = 0; i < n; ++i) std::getline(in, l);
    return l;
  };
  EXPECT_EQ(discover([](const fs::path&) {}), "(no error)");
  std::string msg = discover([&](const fs::path& d) { append(d / "treatments.csv", line_of(d / "treatments.csv", 2)); });
  EXPECT_NE(msg.find("treatments.csv:8: duplicate treatment (site_id 'broadbalk', treatment_id 'nil'), first on line 2"),
            std::string::npos) << msg;
  msg = discover([&](const fs::path& d) { broadbalk_copy(d.parent_path(), "broadbalk_again"); });
  EXPECT_NE(msg.find("broadbalk_again/treatments.csv:2:1 (site_id): duplicate site 'broadbalk', also in"),
            std::string::npos) << msg;
  msg = discover([&](const fs::path& d) { append(d / "soc_observations.csv", line_of(d / "soc_observations.csv", 3)); });
  EXPECT_NE(msg.find("soc_observations.csv:80: duplicate observation (site_id 'broadbalk', treatment_id 'nil', "
                     "plot_id '3', observation_date '1865', layer 0.0-23.0 cm), first on line 3"),
            std::string::npos) << msg;
  // the same layer written differently is the same observation
  msg = discover([&](const fs::path& d) {
    append(d / "soc_observations.csv", replaced(line_of(d / "soc_observations.csv", 3), ",0.0,23.0,", ",0,23,"));
  });
  EXPECT_NE(msg.find("duplicate observation"), std::string::npos) << msg;
  const std::vector<std::pair<std::string, std::string>> absurd = {
      {",27.07,", ",1e300,"},  // soc_stock
      {",9.400,", ",900,"},    // soc, g kg-1
      {",1.252,", ",26.5,"},   // bd_samp, g cm-3
      {",1.252,", ",0.01,"},
      {",27.07,", ",-27.07,"},
      {",27.07,", ",0x1B,"},
      {",0.0,23.0,", ",23.0,0.0,"},
  };
  for (const auto& [from, to] : absurd) {
    msg = discover([&](const fs::path& d) {
      const fs::path f = d / "soc_observations.csv";
      std::string text = read_file(f);
      const auto row = text.find("\nbroadbalk,nil,3,1865,");
      text.replace(text.find(from, row), from.size(), to);
      alamod::test::write_file(f, text);
    });
    EXPECT_NE(msg.find("soc_observations.csv:3:"), std::string::npos) << to << ": " << msg;
    EXPECT_NE(msg.find("expected"), std::string::npos) << to << ": " << msg;
  }
  msg = discover([&](const fs::path& d) {
    const fs::path f = d / "soc_observations.csv";
    std::string text = read_file(f);
    const auto row = text.find("\nbroadbalk,nil,3,1865,");
    text.replace(text.find(",27.07,", row), 7, ",1e300,");
    alamod::test::write_file(f, text);
  });
  EXPECT_NE(msg.find("soc_observations.csv:3:10 (soc_stock): found '1e300' (1e+300 t ha-1), expected 0 to 1000 t ha-1"),
            std::string::npos) << msg;
  msg = discover([&](const fs::path& d) {
    append(d / "soc_observations.csv", replaced(line_of(d / "soc_observations.csv", 3), "broadbalk,nil,", "broadbalk,nul,"));
  });
  EXPECT_NE(msg.find("soc_observations.csv:80:2 (treatment_id): site 'broadbalk', treatment 'nul' is not in"),
            std::string::npos) << msg;
  // a descriptor that does not describe the folder
  msg = discover([&](const fs::path& d) { fs::remove(d / "forcing_pk.csv"); });
  EXPECT_NE(msg.find("datapackage.json ($.resources[4].path): 'forcing_pk.csv' not found"), std::string::npos) << msg;
}

// ---------------------------------------------------------------------------------------------
// The Bayesian calibration's chains and diagnostics (engine/site/posterior.hpp)

TEST(Posterior, DiagnosticsOfIndependentAndOfSeparatedChains) {
  std::mt19937_64 rng(42);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<alamod::engine::Chain> iid(4), apart(4);
  for (int c = 0; c < 4; ++c)
    for (int t = 0; t < 2000; ++t) {
      const double z = normal(rng);
      iid[c].samples.push_back({z});
      apart[c].samples.push_back({z + 3.0 * c});  // four chains stuck in four places
    }
  const auto d = alamod::engine::diagnose(iid, 0);
  EXPECT_NEAR(d[0].r_hat, 1.0, 0.01);
  EXPECT_GT(d[0].ess, 0.7 * 8000);
  EXPECT_LT(d[0].ess, 1.3 * 8000);
  EXPECT_NEAR(d[0].mean, 0.0, 0.05);
  EXPECT_NEAR(d[0].sd, 1.0, 0.05);
  EXPECT_NEAR(d[0].q95 - d[0].q05, 2 * 1.645, 0.15);
  EXPECT_GT(alamod::engine::diagnose(apart, 0)[0].r_hat, 2.0);
  EXPECT_THROW(alamod::engine::diagnose({iid[0]}, 0), std::invalid_argument);
}

TEST(Posterior, AdaptiveMetropolisSamplesACorrelatedGaussian) {
  // target: mean (1, -2), sd (0.5, 2), correlation 0.8; a poor initial proposal (identity)
  const double s1 = 0.5, s2 = 2.0, rho = 0.8;
  auto log_post = [&](const std::vector<double>& x) {
    const double a = (x[0] - 1.0) / s1, b = (x[1] + 2.0) / s2;
    return -0.5 * (a * a - 2 * rho * a * b + b * b) / (1 - rho * rho);
  };
  alamod::engine::ChainSettings s;
  s.samples = 6000;
  s.burn_in = 1000;
  s.seed = 3;
  std::vector<alamod::engine::Chain> chains;
  for (int c = 0; c < 4; ++c)
    chains.push_back(alamod::engine::adaptive_metropolis(log_post, {0.0, 0.0}, {{1.0, 0.0}, {0.0, 1.0}}, {-50, -50},
                                                         {50, 50}, s, c));
  // the same chain from the same seed and index, whatever else ran before
  const auto again = alamod::engine::adaptive_metropolis(log_post, {0.0, 0.0}, {{1.0, 0.0}, {0.0, 1.0}}, {-50, -50},
                                                         {50, 50}, s, 2);
  EXPECT_EQ(again.samples, chains[2].samples);
  const auto d = alamod::engine::diagnose(chains, s.burn_in);
  EXPECT_NEAR(d[0].mean, 1.0, 0.06);
  EXPECT_NEAR(d[1].mean, -2.0, 0.25);
  EXPECT_NEAR(d[0].sd, s1, 0.06);
  EXPECT_NEAR(d[1].sd, s2, 0.25);
  for (const auto& p : d) {
    EXPECT_LT(p.r_hat, 1.05);
    EXPECT_GT(p.ess, 400.0);
  }
  const double acceptance = (chains[0].accepted + chains[1].accepted + chains[2].accepted + chains[3].accepted) / 24000.0;
  EXPECT_GT(acceptance, 0.15);  // adapted: Haario et al.'s scaling gives about 0.3 in 2-D
  EXPECT_LT(acceptance, 0.6);
}
