#pragma once
/// Bayesian calibration of `alamod calibrate --mcmc N`: adaptive Metropolis chains (Haario, Saksman &
/// Tamminen 2001, Bernoulli 7:223) on a log-posterior, and their diagnostics (Gelman-Rubin potential scale
/// reduction and effective sample size, Gelman et al. 2013, Bayesian Data Analysis, 3rd ed., section 11.4-11.5).
///
/// A chain is serial: the caller spreads chains over MPI ranks (engine/site/site_evaluate.cpp). A chain's
/// random numbers come from its own generator seeded by (seed, chain index), so a chain is the same on any
/// rank of any rank count. Plain C++: no MPI, no PETSc.
///
///   ChainSettings s{.samples = 2000, .burn_in = 1000, .seed = 1};
///   Chain c = adaptive_metropolis(log_post, start, proposal_cov, lower, upper, s, chain_index);
///   auto d = diagnose({c0, c1, c2, c3}, s.burn_in);   // R-hat, ESS, mean, sd, quantiles per parameter
#include <cstdint>
#include <functional>
#include <vector>

namespace alamod::engine {

struct ChainSettings {
  int samples = 2000;        ///< iterations per chain, burn-in included
  int burn_in = 1000;        ///< first iterations left out of the diagnostics and the samples written
  int adapt_start = 100;     ///< iterations with the initial proposal before it adapts to the chain's covariance
  std::uint64_t seed = 1;    ///< with the chain index, the chain's random numbers
};

/// One chain: samples[t][j] (every iteration, burn-in included), its log-posterior, how many moves accepted.
struct Chain {
  std::vector<std::vector<double>> samples;
  std::vector<double> log_posterior;
  int accepted = 0;
};

/// Adaptive Metropolis from `start` (inside [lower, upper]): the proposal is N(x, (2.38^2/d) C) with C the
/// initial `proposal_cov` for the first adapt_start iterations, then the covariance of the chain so far plus
/// 1e-10 of the initial diagonal. A proposal outside the bounds has log-posterior -inf (a flat prior within
/// them). `log_post` returns the log-posterior (any constant); it may throw (the error leaves the chain).
Chain adaptive_metropolis(const std::function<double(const std::vector<double>&)>& log_post,
                          const std::vector<double>& start, const std::vector<std::vector<double>>& proposal_cov,
                          const std::vector<double>& lower, const std::vector<double>& upper,
                          const ChainSettings& settings, int chain_index);

/// A start for chain `chain_index`: `centre` plus a draw of N(0, 4 cov) (overdispersed, for R-hat), kept
/// inside the bounds (redrawn up to 100 times, then clamped).
std::vector<double> dispersed_start(const std::vector<double>& centre, const std::vector<std::vector<double>>& cov,
                                    const std::vector<double>& lower, const std::vector<double>& upper,
                                    std::uint64_t seed, int chain_index);

/// Per parameter, over the chains' iterations after burn_in.
struct ParameterSummary {
  double mean, sd, q05, q50, q95;
  double r_hat;  ///< potential scale reduction (1 at convergence; below 1.1 is the usual test)
  double ess;    ///< effective sample size over all chains (autocorrelations summed while pairs are positive)
};

/// Throws std::invalid_argument with fewer than 2 chains or fewer than 4 kept iterations.
std::vector<ParameterSummary> diagnose(const std::vector<Chain>& chains, int burn_in);

}  // namespace alamod::engine
