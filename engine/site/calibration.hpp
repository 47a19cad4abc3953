#pragma once
/// Calibration core of `alamod calibrate`: a bounded nonlinear least-squares fit
/// of model parameters to observations with PETSc/TAO.
///
///   minimise  SSR(p) = sum_i r_i(p)^2,   r_i = (simulated_i - observed_i) [/ sd_i],
///   subject to lower_j <= p_j <= upper_j.
///
/// The observations (and the model runs behind them) are spread over the ranks;
/// the parameters are few. Every rank runs the same sequential TAO solve on
/// identical data: the residuals of all ranks are gathered (MPI_Allgatherv, in
/// rank order) into one vector on every rank, so every rank takes the same
/// steps and the fitted values are bitwise identical for any number of ranks,
/// provided the caller gives the ranks contiguous blocks of one global
/// observation order.
///
/// Solvers (TAO type, options prefix "calib_", e.g. -calib_tao_monitor):
///   "brgn"     TAOBRGN, bounded Gauss-Newton; the Jacobian is computed here by
///              forward differences (step sqrt(eps) max(|p_j|, typical_j), backward
///              where the forward step would leave the bounds). It stops on TAO's
///              tests or once the next Gauss-Newton step is below 1e-3 standard
///              errors in every parameter (reason "CONVERGED_STEP_WITHIN_SE"): a
///              finite-difference gradient never reaches TAO's default gatol.
///   "pounders" TAOPOUNDERS, derivative-free; initial trust-region radius
///              -calib_tao_pounders_delta (default 0.1, in units of typical_j).
/// At most 200 iterations unless -calib_tao_max_it says otherwise.
/// TAO works on scaled variables x_j = p_j / typical_j, typical_j = |initial_j|
/// (or upper_j - lower_j where the initial value is 0), so parameters of very
/// different magnitude (k_old ~ 0.006 yr-1, k_young ~ 0.8 yr-1) are treated alike.
///
/// Example (ICBM, two parameters, residuals of this rank's sites):
///   CalibrationProblem problem;
///   problem.parameters = {{"humification", "1", 0.0, 1.0, 0.2}, {"k_old", "yr-1", 1e-5, 0.05, 0.01}};
///   problem.local_count = my_observations.size();
///   problem.residuals = [&](const std::vector<double>& p, std::vector<double>& r) { ... };
///   CalibrationResult fit = calibrate(MPI_COMM_WORLD, problem, "brgn");
///   if (rank == 0) write_parameter_file("icbm_fit.toml", "icbm", fit, problem.parameters, "twin experiment");
#include <mpi.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace alamod::engine {

/// One parameter to fit.
struct CalibratedParameter {
  std::string name;  ///< model parameter name (its config key)
  std::string unit;  ///< e.g. "yr-1", "1"
  double lower;      ///< lowest admissible value (inclusive), in `unit`
  double upper;      ///< highest admissible value (inclusive), in `unit`; > lower
  double initial;    ///< first guess, in [lower, upper]
};

struct CalibrationProblem {
  std::vector<CalibratedParameter> parameters;
  /// Residuals of THIS rank's share of the observations (simulated - observed, optionally divided by sd):
  /// called collectively on every rank with the same parameter values; a rank may own 0 residuals.
  /// [in] params: values in the order of `parameters`; [out] local_residuals: resized to local_count.
  /// An exception thrown on any rank makes calibrate() throw on every rank (no hang).
  std::function<void(const std::vector<double>& params, std::vector<double>& local_residuals)> residuals;
  std::size_t local_count = 0;  ///< residuals this rank computes
};

struct CalibrationResult {
  std::vector<double> values;           ///< fitted parameters, in the order of the problem's parameters
  std::vector<double> standard_errors;  ///< SE from the Jacobian at the optimum: s^2 (J^T J)^-1, s^2 = SSR/(m - p);
                                        ///< NaN where undefined (m == p, or J^T J singular)
  std::vector<std::vector<double>> correlation;  ///< p x p correlation matrix of the estimates
  double ssr = 0.0;           ///< sum of squared residuals at the optimum (residual unit squared)
  double rmse = 0.0;          ///< sqrt(SSR / m) (residual unit)
  std::size_t observations = 0;  ///< m, residuals over all ranks
  int iterations = 0;         ///< TAO iterations
  std::string solver;         ///< TAO type actually used, e.g. "brgn"
  std::string converged_reason;  ///< TAO's reason, e.g. "CONVERGED_GATOL", or "CONVERGED_STEP_WITHIN_SE";
                                 ///< DIVERGED_* is returned, not thrown: the caller decides
};

/// Fit the parameters. Collective over comm; PETSc must be initialised. Every rank returns the same result.
/// `solver` is "brgn" or "pounders" (-calib_tao_type overrides it). Bounds go to TaoSetVariableBounds.
/// Throws std::invalid_argument, identically on every rank, for: no parameter, an unnamed or repeated
/// parameter, reversed or empty bounds (names the parameter), an initial value outside its bounds, no
/// residual function, an unknown solver, no observations (total count 0), more parameters than observations.
/// Throws std::runtime_error if the residual function throws or returns the wrong count on any rank, or TAO fails.
CalibrationResult calibrate(MPI_Comm comm, const CalibrationProblem& problem, const std::string& solver = "brgn");

/// Check that every requested name is a parameter of the model. Throws std::invalid_argument naming the
/// first unknown (or repeated) one and listing the valid names. Not collective.
void validate_calibration_request(const std::vector<std::string>& model_parameter_names,
                                  const std::vector<std::string>& requested);

/// Write the result as a TOML parameter file (not collective: call it on one rank):
///   model = "<model>"
///   [parameters]   name = value   # unit, ± se
///   [fit]          ssr, rmse, observations, iterations, solver, converged_reason, parameters (order),
///                  [fit.standard_errors] name = se, [fit.correlation] name = [row],
///                  [fit.covariance] name = [row] (SE_j SE_k corr_jk)
///   [provenance]   alamod_version, git_commit, date (UTC ISO 8601), text = provenance_text
/// Values are written with the shortest text that reads back to the same double.
/// Throws std::runtime_error naming the path if it cannot be written.
/// `extra`: more TOML tables of [fit] (e.g. [fit.posterior]), written before [provenance].
void write_parameter_file(const std::string& path, const std::string& model, const CalibrationResult& r,
                          const std::vector<CalibratedParameter>& params, const std::string& provenance_text,
                          const std::string& extra = "");

}  // namespace alamod::engine
