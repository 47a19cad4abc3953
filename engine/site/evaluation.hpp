#pragma once
// Evaluation of simulated SOC stocks against observations (`alamod evaluate`): goodness-of-fit
// metrics, the multi-model mean, metrics.csv and a self-contained HTML report (inline CSS and
// inline SVG drawn here; no script, no network, no external file).

#include <cstddef>
#include <limits>
#include <optional>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/html_report.hpp"

namespace alamod::engine {

/// One observation and the simulated value at the same time. Stocks in t C ha-1.
struct SeriesPoint {
  double time_years;  ///< time of the observation (calendar year, fractional allowed)
  double observed, simulated;
  double observed_sd = std::numeric_limits<double>::quiet_NaN();  ///< NaN when unknown
  /// a prediction interval of the observed stock (t ha-1; from the spectra columns soc_lower, soc_upper), NaN when none
  double observed_lower = std::numeric_limits<double>::quiet_NaN();
  double observed_upper = std::numeric_limits<double>::quiet_NaN();
};

/// One model at one site under one treatment.
struct Series {
  std::string model, site, treatment;
  std::vector<SeriesPoint> points;
  /// (time, SOC) for plotting, may be denser than points; when empty the plots join the
  /// simulated values of points.
  std::vector<std::pair<double, double>> simulated_curve;
  std::string parameters = "defaults";  ///< the parameter file the model ran with ("defaults": none)
  /// simulated minus observed stock at the first observation (t ha-1): the stock at the start of the run when
  /// the first observation is in the forcing's first year (or before), else the simulated stock of its year
  double start_error = std::numeric_limits<double>::quiet_NaN();
  double start_stock = std::numeric_limits<double>::quiet_NaN();  ///< simulated stock at the start (t ha-1)
  std::string note;  ///< derived inputs worth reporting (e.g. pet from open-pan evaporation), "" when none
  /// evaluate --ensemble: at each time of simulated_curve, the 5 and 95 % quantiles of the members' simulated
  /// stocks (time, p05, p95; t ha-1); empty without an ensemble
  std::vector<std::array<double, 3>> band;
  std::vector<double> band_median;  ///< the members' 50 % quantile at each time of band (t ha-1)
  int band_members = 0;
};

/// Goodness of fit of n paired values o (observed) and s (simulated):
///   rmse          = sqrt(mean((s - o)^2))                       [t C ha-1]
///   relative_rmse = rmse / mean(o)                              [1]
///   bias          = mean(s - o)                                 [t C ha-1]
///   efficiency    = 1 - sum((s - o)^2) / sum((o - mean(o))^2)   [1] Nash-Sutcliffe; NaN if o is constant
///   r2            = squared Pearson correlation of o and s      [1] NaN if o or s is constant
///   willmott_d    = 1 - sum((s - o)^2) / sum((|s - mean(o)| + |o - mean(o)|)^2)  [1] 1 when s = o = mean(o)
struct Metrics {
  std::size_t n;
  double rmse, relative_rmse, bias, efficiency, r2, willmott_d;
};

/// Throws std::invalid_argument if n < 2 or an observed or simulated value is not finite.
Metrics compute_metrics(const std::vector<SeriesPoint>& points);

/// Goodness of fit weighted by the observations' uncertainty, over the n points with a finite observed_sd > 0
/// (w = 1 / sd^2, r = s - o; docs/SITES.md, "Weighted metrics"):
///   weighted_rmse = sqrt(sum(w r^2) / sum(w))                   [t C ha-1]
///   weighted_bias = sum(w r) / sum(w)                           [t C ha-1]
///   chi2_per_obs  = sum((r / sd)^2) / n                         [1] the chi-square statistic per observation:
///                   about 1 when the model misses by as much as the observations' own uncertainty
struct WeightedMetrics {
  std::size_t n, n_all;  ///< points with an sd, all points
  double weighted_rmse, weighted_bias, chi2_per_obs;
};

/// The weighted metrics of the points with an sd; std::nullopt when none has one (the unweighted metrics alone
/// then describe the series, as before). Non-finite observed or simulated values are refused as compute_metrics does.
std::optional<WeightedMetrics> compute_weighted_metrics(const std::vector<SeriesPoint>& points);

/// The name given to the multi-model mean series.
inline constexpr const char* kMultiModelMean = "multi-model mean";

/// The multi-model mean: for each (site, treatment) present for every listed model, average the
/// simulated values at each observation time (and curve) into a Series with model =
/// "multi-model mean". Observation times are those of the first listed model that every other
/// model also has (times match within 1e-6 yr); observed values and sd come from the first listed
/// model. The curve is sampled at the first model's curve times inside every model's curve range
/// (other models linearly interpolated); it is empty if a model has no curve. Output follows the
/// order in which (site, treatment) first appears in `all`. Throws std::invalid_argument if
/// `all` holds two series with the same model, site and treatment.
std::vector<Series> multi_model_mean(const std::vector<Series>& all, const std::vector<std::string>& models);

/// A model x site x treatment run that could not run, and why (one line).
struct FailedRun {
  std::string model, site, treatment, parameters, reason;
};

/// The metrics of every point of a model, pooled over its sites and treatments (written with site and
/// treatment "all"). Series with fewer than 2 points count too.
std::vector<std::pair<std::string, Metrics>> pooled_metrics(const std::vector<Series>& series);

/// metrics.csv with columns model,site,treatment,metric,value,unit,n,parameters,note: per series the six
/// metrics below plus start_error and start_stock (t ha-1; NaN when unknown), per model the pooled metrics
/// (site and treatment "all"), and one row `run_failed` (value NaN, n 0, note = the reason) per failed run.
void write_metrics_csv(const std::string& path, const std::vector<Series>& series, const std::vector<FailedRun>& failed);

/// simulated_series.csv: model,parameters,site,treatment,year,soc (t ha-1 at the end of the year), every
/// simulated year of every series.
void write_series_csv(const std::string& path, const std::vector<Series>& series);

/// metrics.csv: one row per model, site, treatment and metric (rmse, relative_rmse, bias,
/// efficiency, r2, willmott_d), columns model,site,treatment,metric,value,unit,n (units: t ha-1
/// for rmse and bias, 1 for the others; undefined values written NaN). Written to
/// a temporary file and renamed (engine/common/atomic_file.hpp). Throws std::invalid_argument (writing nothing) if a series
/// has fewer than 2 points or non-finite values, std::runtime_error on I/O failure.
void write_metrics_csv(const std::string& path, const std::vector<Series>& series);

/// write_report_html (below) that also lists the runs that failed (one line each, e.g. "amg on
/// broadbalk/nil: why") out of `total_runs`: the summary line says how many of them failed and a
/// section "Runs that failed" lists them. Without failures the report is the one below, byte for byte.
void write_report_html(const std::string& path, const std::vector<Series>& series, const std::string& title,
                       const std::string& provenance_text, const std::vector<std::string>& failed_runs,
                       std::size_t total_runs, const std::string& heatmap_metric = "rmse");

/// report.html: self-contained (inline CSS and SVG, opens offline): title, provenance block
/// (given text, shown verbatim), a heat map of `heatmap_metric` (models x site/treatment, colour
/// scale with legend, values in cells), one observed-vs-simulated time-series plot per site and
/// treatment (observed points with sd error bars, one line per model), a 1:1 scatter of observed
/// vs simulated per model, and the metrics table. `heatmap_metric` is one of rmse,
/// relative_rmse, bias, efficiency, r2, willmott_d. Series with fewer than 2 points are plotted but
/// get no metrics ("n/a"). Written to a temporary file and renamed (engine/common/atomic_file.hpp). Throws
/// std::invalid_argument for an unknown metric, std::runtime_error on I/O failure.
void write_report_html(const std::string& path, const std::vector<Series>& series, const std::string& title,
                       const std::string& provenance_text, const std::string& heatmap_metric = "rmse");

/// nice_ticks and html_escape: engine/common/html_report.hpp (shared with the run report).

}  // namespace alamod::engine
