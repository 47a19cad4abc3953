// Writes an example evaluation report of synthetic data (2 models x 2 sites x 2 treatments, plus
// the multi-model mean) for tests/integration/test_report_chromium.py.
// Usage: make_example_report OUT_DIR   (writes OUT_DIR/report.html and OUT_DIR/metrics.csv)
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "engine/site/evaluation.hpp"

namespace ev = alamod::engine;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_example_report OUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  struct Site {
    const char* name;
    double soc0;
  };
  const Site sites[] = {{"Versailles", 68.0}, {"Askov <B3>", 52.0}};
  const char* treatments[] = {"control", "manure & straw"};
  const char* models[] = {"RothC", "ICBM"};
  const double obs_years[] = {1960, 1965, 1971, 1976, 1981, 1986, 1992, 1997, 2002, 2008};

  std::vector<ev::Series> all;
  for (int m = 0; m < 2; ++m)
    for (const auto& site : sites)
      for (int t = 0; t < 2; ++t) {
        // "Truth": exponential approach to an equilibrium that depends on the treatment.
        const double eq = t == 0 ? site.soc0 * 0.55 : site.soc0 * 1.15;
        auto truth = [&](double y) { return eq + (site.soc0 - eq) * std::exp(-(y - 1960) / 35.0); };
        // Each model: a different rate and offset.
        const double k = m == 0 ? 30.0 : 45.0, off = m == 0 ? 1.5 : -2.0;
        auto model = [&](double y) { return off + eq + (site.soc0 - eq) * std::exp(-(y - 1960) / k); };
        ev::Series s;
        s.model = models[m];
        s.site = site.name;
        s.treatment = treatments[t];
        int i = 0;
        for (double y : obs_years) {
          const double noise = 2.5 * std::sin(1.7 * i + 0.9 * t + site.soc0);
          s.points.push_back({y, truth(y) + noise, model(y), 2.0 + 0.15 * i});
          ++i;
        }
        for (double y = 1960; y <= 2010.0 + 1e-9; y += 0.5) s.simulated_curve.emplace_back(y, model(y));
        all.push_back(std::move(s));
      }
  const auto mean = ev::multi_model_mean(all, {"RothC", "ICBM"});
  all.insert(all.end(), mean.begin(), mean.end());
  try {
    ev::write_metrics_csv(dir + "/metrics.csv", all);
    ev::write_report_html(dir + "/report.html", all, "alamod evaluation \u2014 synthetic example",
                          "alamod evaluate (example report)\nconfig: synthetic <inline> & generated\n"
                          "models: RothC, ICBM\nsites: Versailles, Askov <B3>\ntreatments: control, manure & straw",
                          "rmse");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_example_report: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
