#pragma once
/// Parameter sets drawn from a calibration (the parameter file of `alamod calibrate`): its posterior samples
/// ([fit.posterior] samples) or a normal distribution with its [parameters] as mean and [fit.covariance] as
/// covariance; the same draws from the same seed on every rank and rank count. Used by the grid ensembles
/// (`alamod run --ensemble`, engine/grid_run/ensemble) and the site bands of `alamod evaluate --ensemble`.
#include <cstdint>
#include <string>
#include <vector>

namespace alamod::engine {

struct EnsembleOptions {
  int members = 0;              ///< N
  std::string fit;              ///< the calibration's parameter file
  std::uint64_t seed = 1;       ///< the draws depend on it alone (not on the rank count)
  std::string source = "auto";  ///< posterior (the samples file of [fit.posterior]), covariance, auto (posterior if any)
  int groups = 1;               ///< G rank groups running members side by side; 0: min(ranks, members)
};

/// The N parameter sets: names in the order of [fit] parameters, then one row of values per member.
struct EnsembleDraws {
  std::string model, source;
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;
};

/// Quantile q of sorted values, linear between order statistics (numpy's default, Hyndman and Fan type 7); NaN
/// when empty.
double sorted_quantile(const std::vector<double>& sorted, double q);

/// Draws the members' parameters (the same on every rank and rank count). Throws InputError naming the file
/// and key for a fit without what the source needs, a covariance that is not positive semi-definite, or draws
/// that keep falling outside the parameters' declared bounds.
EnsembleDraws draw_ensemble(const EnsembleOptions& options, const std::string& model);

}  // namespace alamod::engine
