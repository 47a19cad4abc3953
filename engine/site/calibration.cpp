// Calibration core: TAO least squares over residuals distributed across ranks.
// The shape follows petsc src/tao/leastsquares/tutorials: a residual routine, a
// Jacobian routine for TAOBRGN, bounds, TaoSetFromOptions, TaoSolve.
#include "engine/site/calibration.hpp"

#include <petsctao.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>

#include "engine/common/atomic_file.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"

namespace alamod::engine {
namespace {

constexpr const char* kOptionsPrefix = "calib_";
/// Initial trust-region radius of POUNDERS in scaled variables (0.1 = 10 % of the initial values);
/// PETSc's default stalls on small problems (PLATFORM.md).
constexpr const char* kPoundersDeltaOption = "-calib_tao_pounders_delta";
constexpr const char* kDefaultPoundersDelta = "0.1";
/// Default iteration limit (-calib_tao_max_it overrides): every iteration costs model runs.
constexpr PetscInt kDefaultMaxIterations = 200;
/// Gauss-Newton stops once its next step is below this many standard errors in every parameter
/// (a forward-difference Jacobian cannot drive the gradient to TAO's default gatol).
constexpr double kStepToleranceSe = 1e-3;
constexpr const char* kStepConvergedReason = "CONVERGED_STEP_WITHIN_SE";

struct SolverChoice {
  const char* name;  ///< value of `solver`
  TaoType type;      ///< TAO type
};
constexpr std::array<SolverChoice, 2> kSolvers = {{{"brgn", TAOBRGN}, {"pounders", TAOPOUNDERS}}};

std::string solver_names() {
  std::string names;
  for (const auto& s : kSolvers) names += (names.empty() ? "" : ", ") + std::string(s.name);
  return names;
}

/// A value for messages and the standard errors of the parameter file: 6 significant digits.
std::string show(double v) { return format_number("%.6g", v); }

TaoType tao_type_of(const std::string& solver) {
  for (const auto& s : kSolvers)
    if (solver == s.name) return s.type;
  throw std::invalid_argument("calibration: unknown solver '" + solver + "'; valid: " + solver_names());
}

/// Checks that need no communication; every rank sees the same problem description, so every rank
/// throws the same exception here, before the first collective call.
void validate_parameters(const CalibrationProblem& problem) {
  if (problem.parameters.empty()) throw std::invalid_argument("calibration: no parameter to calibrate");
  if (!problem.residuals) throw std::invalid_argument("calibration: no residual function given");
  std::set<std::string> seen;
  for (std::size_t j = 0; j < problem.parameters.size(); ++j) {
    const CalibratedParameter& p = problem.parameters[j];
    if (p.name.empty()) throw std::invalid_argument("calibration: parameter " + std::to_string(j + 1) + " has no name");
    if (!seen.insert(p.name).second)
      throw std::invalid_argument("calibration: parameter '" + p.name + "' is listed twice");
    const std::string what = "calibration: parameter '" + p.name + "'";
    if (std::isnan(p.lower) || std::isnan(p.upper) || std::isnan(p.initial))
      throw std::invalid_argument(what + ": lower, upper and initial must be numbers (lower " + show(p.lower) +
                                  ", upper " + show(p.upper) + ", initial " + show(p.initial) + ")");
    if (p.lower > p.upper)
      throw std::invalid_argument(what + ": reversed bounds, lower " + show(p.lower) + " > upper " + show(p.upper));
    if (p.lower == p.upper)
      throw std::invalid_argument(what + ": lower and upper bounds are equal (" + show(p.lower) +
                                  "): nothing to fit, leave it out of the calibration");
    if (!std::isfinite(p.initial) || p.initial < p.lower || p.initial > p.upper)
      throw std::invalid_argument(what + ": initial value " + show(p.initial) + " outside its bounds [" +
                                  show(p.lower) + ", " + show(p.upper) + "]");
  }
}

/// The residual vector as every rank sees it: the concatenation, in rank order, of the ranks' local
/// residuals. Evaluating it is collective.
class ResidualGather {
 public:
  /// Collective: agrees on the counts. Throws std::invalid_argument (on every rank) for no observations or
  /// fewer observations than parameters.
  ResidualGather(MPI_Comm comm, const CalibrationProblem& problem) : comm_(comm), problem_(problem) {
    int size = 1;
    MPI_Comm_size(comm, &size);
    MPI_Comm_rank(comm, &rank_);
    const unsigned long long mine = problem.local_count;
    std::vector<unsigned long long> all(static_cast<std::size_t>(size));
    MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, all.data(), 1, MPI_UNSIGNED_LONG_LONG, comm);
    unsigned long long total = 0;
    for (unsigned long long c : all) total += c;
    if (total == 0)
      throw std::invalid_argument("calibration: no observations (0 residuals on all " + std::to_string(size) +
                                  " ranks)");
    if (total < problem.parameters.size())
      throw std::invalid_argument("calibration: " + std::to_string(problem.parameters.size()) +
                                  " parameters but only " + std::to_string(total) +
                                  " observations: need at least as many observations as parameters");
    if (total > static_cast<unsigned long long>(INT_MAX))
      throw std::invalid_argument("calibration: " + std::to_string(total) + " observations, more than " +
                                  std::to_string(INT_MAX) + " are not supported");
    counts_.resize(all.size());
    displs_.resize(all.size());
    int offset = 0;
    for (std::size_t r = 0; r < all.size(); ++r) {
      counts_[r] = static_cast<int>(all[r]);
      displs_[r] = offset;
      offset += counts_[r];
    }
    total_ = static_cast<std::size_t>(total);
  }

  std::size_t total() const { return total_; }

  /// All residuals at parameters p into `all` (resized to total()). Collective. If the residual function
  /// threw or returned the wrong count on any rank, throws std::runtime_error on every rank with the
  /// message of the lowest failing rank.
  void evaluate(const std::vector<double>& p, std::vector<double>& all) {
    std::string failure;
    try {
      local_.clear();
      problem_.residuals(p, local_);
      if (local_.size() != problem_.local_count)
        failure = "residual function returned " + std::to_string(local_.size()) + " residuals, expected " +
                  std::to_string(problem_.local_count);
    } catch (const std::exception& e) {
      failure = e.what();
      if (failure.empty()) failure = "exception without a message";
    } catch (...) {
      failure = "unknown exception";
    }
    agree_on_failure(failure);
    all.resize(total_);
    MPI_Allgatherv(local_.data(), counts_[static_cast<std::size_t>(rank_)], MPI_DOUBLE, all.data(), counts_.data(),
                   displs_.data(), MPI_DOUBLE, comm_);
  }

 private:
  /// Collective: throws on every rank if `failure` is non-empty on any.
  void agree_on_failure(const std::string& failure) {
    int size = 1;
    MPI_Comm_size(comm_, &size);
    const int mine = failure.empty() ? size : rank_;
    int first = size;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm_);
    if (first == size) return;
    int length = static_cast<int>(failure.size());
    MPI_Bcast(&length, 1, MPI_INT, first, comm_);
    std::string message = failure;
    message.resize(static_cast<std::size_t>(length));
    MPI_Bcast(message.data(), length, MPI_CHAR, first, comm_);
    throw std::runtime_error("calibration: residuals failed on rank " + std::to_string(first) + ": " + message);
  }

  MPI_Comm comm_;
  const CalibrationProblem& problem_;
  int rank_ = 0;
  std::vector<int> counts_, displs_;
  std::vector<double> local_;
  std::size_t total_ = 0;
};

/// Inverse of a small symmetric positive definite matrix (row-major n x n) by Cholesky. Returns false
/// if it is not numerically positive definite.
bool invert_spd(std::vector<double> a, std::size_t n, std::vector<double>& inverse) {
  double max_diag = 0.0;
  for (std::size_t j = 0; j < n; ++j) max_diag = std::max(max_diag, std::fabs(a[j * n + j]));
  // a = L L^T, L stored in the lower triangle of a.
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 1e-14 * max_diag)) return false;
    a[j * n + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / a[j * n + j];
    }
  }
  inverse.assign(n * n, 0.0);
  std::vector<double> y(n);
  for (std::size_t c = 0; c < n; ++c) {  // solve L L^T x = e_c
    for (std::size_t i = 0; i < n; ++i) {
      double s = (i == c) ? 1.0 : 0.0;
      for (std::size_t k = 0; k < i; ++k) s -= a[i * n + k] * y[k];
      y[i] = s / a[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {
      double s = y[i];
      for (std::size_t k = i + 1; k < n; ++k) s -= a[k * n + i] * inverse[k * n + c];
      inverse[i * n + c] = s / a[i * n + i];
    }
  }
  return true;
}

/// Gauss-Newton quantities at a point: (J^T J)^-1 and the next step (J^T J)^-1 J^T r, from the residuals
/// r and the Jacobian jac (m x n, column-major). Returns false if J^T J is singular.
bool gauss_newton(const std::vector<double>& r, const std::vector<double>& jac, std::size_t n,
                  std::vector<double>& inverse, std::vector<double>& step) {
  const std::size_t m = r.size();
  std::vector<double> jtj(n * n, 0.0), jtr(n, 0.0);
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t i = 0; i < m; ++i) jtr[a] += jac[a * m + i] * r[i];
    for (std::size_t b = a; b < n; ++b) {
      double s = 0.0;
      for (std::size_t i = 0; i < m; ++i) s += jac[a * m + i] * jac[b * m + i];
      jtj[a * n + b] = jtj[b * n + a] = s;
    }
  }
  if (!invert_spd(jtj, n, inverse)) return false;
  step.assign(n, 0.0);
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b) step[a] += inverse[a * n + b] * jtr[b];
  return true;
}

double sum_of_squares(const std::vector<double>& r) {
  double ssr = 0.0;
  for (double v : r) ssr += v * v;
  return ssr;
}

/// What TAO's callbacks see. TAO works on x_j = p_j / typical_j.
struct FitContext {
  const CalibrationProblem* problem = nullptr;
  ResidualGather* gather = nullptr;
  std::vector<double> typical;  ///< scale of each parameter (parameter unit)
  std::vector<double> base_p;   ///< parameters of the last residual evaluation
  std::vector<double> base_r;   ///< its residuals
  bool have_base = false;
  std::vector<double> jac_p;    ///< parameters of the last Jacobian
  std::vector<double> jac;      ///< its value dr/dp (m x n, column-major, parameter units)
  bool have_jac = false;
  std::vector<double> trial_r;  ///< scratch: residuals at a perturbed point
  std::string error;            ///< why the last callback failed
  bool converged_on_step = false;  ///< the step test below, not TAO's, stopped the solve

  std::size_t n() const { return typical.size(); }

  /// Parameters from TAO's variables, clamped to the bounds (x * typical may round past them).
  std::vector<double> to_parameters(const PetscScalar* x) const {
    std::vector<double> p(n());
    for (std::size_t j = 0; j < n(); ++j) {
      const CalibratedParameter& cp = problem->parameters[j];
      p[j] = std::clamp(static_cast<double>(x[j]) * typical[j], cp.lower, cp.upper);
    }
    return p;
  }

  /// Residuals at p into base_r (cached: TAOBRGN asks for the residual and then the Jacobian at one point).
  void residuals_at(const std::vector<double>& p) {
    if (have_base && p == base_p) return;
    have_base = false;
    gather->evaluate(p, base_r);
    base_p = p;
    have_base = true;
  }

  /// Forward-difference Jacobian dr/dp at p into jac (cached): step sqrt(eps) max(|p_j|, typical_j),
  /// backward where the forward step leaves the bounds. Collective.
  void jacobian_at(const std::vector<double>& p) {
    if (have_jac && p == jac_p) return;
    residuals_at(p);
    have_jac = false;
    const std::size_t m = base_r.size();
    jac.assign(m * n(), 0.0);
    const std::vector<double> p0 = base_p, r0 = base_r;
    for (std::size_t j = 0; j < n(); ++j) {
      const CalibratedParameter& cp = problem->parameters[j];
      double h = std::sqrt(std::numeric_limits<double>::epsilon()) * std::max(std::fabs(p0[j]), typical[j]);
      if (p0[j] + h > cp.upper) {
        if (p0[j] - h >= cp.lower)
          h = -h;
        else  // a narrow interval: half the wider side
          h = (cp.upper - p0[j] >= p0[j] - cp.lower) ? 0.5 * (cp.upper - p0[j]) : -0.5 * (p0[j] - cp.lower);
      }
      std::vector<double> p = p0;
      p[j] = p0[j] + h;
      h = p[j] - p0[j];  // the step actually taken, exactly representable
      gather->evaluate(p, trial_r);
      for (std::size_t i = 0; i < m; ++i) jac[j * m + i] = (trial_r[i] - r0[i]) / h;
    }
    jac_p = p0;
    have_jac = true;
  }

  /// True if the Gauss-Newton step at p is below kStepToleranceSe standard errors in every parameter.
  /// Needs the Jacobian at p already computed (it is, by TAOBRGN, at every iterate).
  bool step_within_se(const std::vector<double>& p) const {
    if (!have_jac || p != jac_p || !have_base || p != base_p) return false;
    const std::size_t m = base_r.size();
    if (m <= n()) return false;
    std::vector<double> inverse, step;
    if (!gauss_newton(base_r, jac, n(), inverse, step)) return false;
    const double s2 = sum_of_squares(base_r) / static_cast<double>(m - n());
    for (std::size_t j = 0; j < n(); ++j)
      if (!(std::fabs(step[j]) <= kStepToleranceSe * std::sqrt(s2 * inverse[j * n() + j]))) return false;
    return true;
  }
};

/// The parameters at TAO's variables x (FitContext::to_parameters).
PetscErrorCode parameters_at(const FitContext& fit, Vec x, std::vector<double>& p) {
  PetscFunctionBeginUser;
  const PetscScalar* xa = nullptr;
  PetscCall(VecGetArrayRead(x, &xa));
  p = fit.to_parameters(xa);
  PetscCall(VecRestoreArrayRead(x, &xa));
  PetscFunctionReturn(0);
}

/// Run `evaluate` (collective residuals), turning an exception into a PETSc error with its message kept
/// in fit.error; it throws the same on every rank, so all leave TaoSolve together.
template <class Evaluate>
PetscErrorCode evaluate_for_tao(FitContext& fit, Evaluate&& evaluate) {
  PetscFunctionBeginUser;
  try {
    evaluate();
  } catch (const std::exception& e) {
    fit.error = e.what();
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_USER, "%s", e.what());
  }
  PetscFunctionReturn(0);
}

PetscErrorCode residual_callback(Tao, Vec x, Vec f, void* ctx) {
  PetscFunctionBeginUser;
  FitContext& fit = *static_cast<FitContext*>(ctx);
  std::vector<double> p;
  PetscCall(parameters_at(fit, x, p));
  PetscCall(evaluate_for_tao(fit, [&] { fit.residuals_at(p); }));
  PetscScalar* fa = nullptr;
  PetscCall(VecGetArrayWrite(f, &fa));
  std::copy(fit.base_r.begin(), fit.base_r.end(), fa);
  PetscCall(VecRestoreArrayWrite(f, &fa));
  PetscFunctionReturn(0);
}

/// Jacobian with respect to TAO's scaled variables: dr/dx_j = dr/dp_j typical_j.
PetscErrorCode jacobian_callback(Tao, Vec x, Mat jac, Mat, void* ctx) {
  PetscFunctionBeginUser;
  FitContext& fit = *static_cast<FitContext*>(ctx);
  std::vector<double> p;
  PetscCall(parameters_at(fit, x, p));
  PetscCall(evaluate_for_tao(fit, [&] { fit.jacobian_at(p); }));
  const std::size_t m = fit.base_r.size();
  PetscInt lda = 0;
  PetscCall(MatDenseGetLDA(jac, &lda));
  PetscScalar* ja = nullptr;
  PetscCall(MatDenseGetArrayWrite(jac, &ja));
  for (std::size_t j = 0; j < fit.n(); ++j)
    for (std::size_t i = 0; i < m; ++i)
      ja[j * static_cast<std::size_t>(lda) + i] = fit.jac[j * m + i] * fit.typical[j];
  PetscCall(MatDenseRestoreArrayWrite(jac, &ja));
  PetscCall(MatAssemblyBegin(jac, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(jac, MAT_FINAL_ASSEMBLY));
  PetscFunctionReturn(0);
}

/// TAO's own test, then: stop when the Gauss-Newton step is within kStepToleranceSe standard errors.
PetscErrorCode step_convergence_test(Tao tao, void* ctx) {
  PetscFunctionBeginUser;
  FitContext& fit = *static_cast<FitContext*>(ctx);
  PetscCall(TaoDefaultConvergenceTest(tao, nullptr));
  TaoConvergedReason reason = TAO_CONTINUE_ITERATING;
  PetscCall(TaoGetConvergedReason(tao, &reason));
  if (reason != TAO_CONTINUE_ITERATING) PetscFunctionReturn(0);
  Vec x = nullptr;
  PetscCall(TaoGetSolution(tao, &x));
  std::vector<double> p;
  PetscCall(parameters_at(fit, x, p));
  if (fit.step_within_se(p)) {
    fit.converged_on_step = true;
    PetscCall(TaoSetConvergedReason(tao, TAO_CONVERGED_USER));
  }
  PetscFunctionReturn(0);
}

/// The PETSc objects of one solve, destroyed in any case.
struct TaoObjects {
  Tao tao = nullptr;
  Vec x = nullptr, lower = nullptr, upper = nullptr, residual = nullptr;
  Mat jacobian = nullptr;
  TaoObjects() = default;
  TaoObjects(const TaoObjects&) = delete;
  TaoObjects& operator=(const TaoObjects&) = delete;
  ~TaoObjects() {
    TaoDestroy(&tao);
    MatDestroy(&jacobian);
    VecDestroy(&residual);
    VecDestroy(&upper);
    VecDestroy(&lower);
    VecDestroy(&x);
  }
};

/// What TaoSolve returns.
struct TaoOutcome {
  std::vector<double> x;  ///< scaled solution
  PetscInt iterations = 0;
  TaoConvergedReason reason = TAO_CONTINUE_ITERATING;
  std::string type;
};

/// Set up and run TAO on PETSC_COMM_SELF: the same sequential solve on every rank.
PetscErrorCode solve_with_tao(FitContext& fit, TaoType type, TaoObjects& o, TaoOutcome& out) {
  PetscFunctionBeginUser;
  const auto n = static_cast<PetscInt>(fit.n());
  const auto m = static_cast<PetscInt>(fit.gather->total());
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &o.x));
  PetscCall(VecDuplicate(o.x, &o.lower));
  PetscCall(VecDuplicate(o.x, &o.upper));
  PetscScalar *x0 = nullptr, *lo = nullptr, *hi = nullptr;
  PetscCall(VecGetArray(o.x, &x0));
  PetscCall(VecGetArray(o.lower, &lo));
  PetscCall(VecGetArray(o.upper, &hi));
  for (PetscInt j = 0; j < n; ++j) {
    const CalibratedParameter& cp = fit.problem->parameters[static_cast<std::size_t>(j)];
    const double s = fit.typical[static_cast<std::size_t>(j)];
    x0[j] = cp.initial / s;
    lo[j] = std::isfinite(cp.lower) ? cp.lower / s : PETSC_NINFINITY;
    hi[j] = std::isfinite(cp.upper) ? cp.upper / s : PETSC_INFINITY;
  }
  PetscCall(VecRestoreArray(o.upper, &hi));
  PetscCall(VecRestoreArray(o.lower, &lo));
  PetscCall(VecRestoreArray(o.x, &x0));
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, m, &o.residual));
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, m, n, nullptr, &o.jacobian));

  PetscCall(TaoCreate(PETSC_COMM_SELF, &o.tao));
  PetscCall(TaoSetType(o.tao, type));
  PetscCall(TaoSetOptionsPrefix(o.tao, kOptionsPrefix));
  PetscCall(TaoSetSolution(o.tao, o.x));
  PetscCall(TaoSetVariableBounds(o.tao, o.lower, o.upper));
  PetscCall(TaoSetResidualRoutine(o.tao, o.residual, residual_callback, &fit));
  // Always given, so that -calib_tao_type brgn works whatever `solver` said; POUNDERS ignores it.
  PetscCall(TaoSetJacobianResidualRoutine(o.tao, o.jacobian, o.jacobian, jacobian_callback, &fit));
  PetscCall(TaoSetMaximumIterations(o.tao, kDefaultMaxIterations));

  PetscBool delta_given = PETSC_FALSE;
  PetscCall(PetscOptionsHasName(nullptr, nullptr, kPoundersDeltaOption, &delta_given));
  if (!delta_given) PetscCall(PetscOptionsSetValue(nullptr, kPoundersDeltaOption, kDefaultPoundersDelta));
  const PetscErrorCode set_from_options = TaoSetFromOptions(o.tao);
  if (!delta_given) PetscCall(PetscOptionsClearValue(nullptr, kPoundersDeltaOption));
  PetscCall(set_from_options);
  PetscBool is_brgn = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(o.tao), TAOBRGN, &is_brgn));
  if (is_brgn) {  // BRGN iterates in its subsolver: the test goes there
    Tao inner = nullptr;
    PetscCall(TaoBRGNGetSubsolver(o.tao, &inner));
    PetscCall(TaoSetConvergenceTest(inner, step_convergence_test, &fit));
  }

  PetscCall(TaoSolve(o.tao));

  PetscCall(TaoGetConvergedReason(o.tao, &out.reason));
  PetscCall(TaoGetIterationNumber(o.tao, &out.iterations));
  TaoType used = nullptr;
  PetscCall(TaoGetType(o.tao, &used));
  out.type = used ? used : "";
  const PetscScalar* xa = nullptr;
  PetscCall(VecGetArrayRead(o.x, &xa));
  out.x.assign(xa, xa + n);
  PetscCall(VecRestoreArrayRead(o.x, &xa));
  PetscFunctionReturn(0);
}

/// SSR, RMSE, standard errors and correlations at the optimum from the residuals r and the
/// Jacobian jac (m x n, column-major, parameter units).
void fill_statistics(const std::vector<double>& r, const std::vector<double>& jac, std::size_t n,
                     CalibrationResult& result) {
  const std::size_t m = r.size();
  result.ssr = sum_of_squares(r);
  result.rmse = std::sqrt(result.ssr / static_cast<double>(m));
  result.observations = m;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  result.standard_errors.assign(n, nan);
  result.correlation.assign(n, std::vector<double>(n, nan));
  std::vector<double> inv, step;
  if (!gauss_newton(r, jac, n, inv, step)) return;
  const double s2 = m > n ? result.ssr / static_cast<double>(m - n) : nan;
  for (std::size_t a = 0; a < n; ++a) {
    result.standard_errors[a] = std::sqrt(s2 * inv[a * n + a]);
    result.correlation[a][a] = 1.0;
    for (std::size_t b = a + 1; b < n; ++b)  // symmetric by construction
      result.correlation[a][b] = result.correlation[b][a] =
          0.5 * (inv[a * n + b] + inv[b * n + a]) / std::sqrt(inv[a * n + a] * inv[b * n + b]);
  }
}

// ---- TOML writing ----

/// Shortest text that reads back to the same double, always a TOML float.
std::string toml_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// A bare key where TOML allows one, else a quoted key.
std::string toml_key(const std::string& name) {
  const bool bare = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? name : toml_string(name);
}

}  // namespace

CalibrationResult calibrate(MPI_Comm comm, const CalibrationProblem& problem, const std::string& solver) {
  validate_parameters(problem);
  const TaoType type = tao_type_of(solver);
  PetscBool petsc_ready = PETSC_FALSE;
  PetscInitialized(&petsc_ready);
  if (!petsc_ready) throw std::logic_error("calibration: PETSc is not initialised");

  ResidualGather gather(comm, problem);  // collective; throws on every rank alike
  FitContext fit;
  fit.problem = &problem;
  fit.gather = &gather;
  for (const CalibratedParameter& p : problem.parameters) {
    const double range = p.upper - p.lower;
    fit.typical.push_back(p.initial != 0.0 ? std::fabs(p.initial) : std::isfinite(range) ? range : 1.0);
  }

  TaoOutcome outcome;
  {
    TaoObjects objects;
    PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);  // quiet: errors become exceptions below
    const PetscErrorCode ierr = solve_with_tao(fit, type, objects, outcome);
    PetscPopErrorHandler();
    if (ierr) {
      if (!fit.error.empty()) throw std::runtime_error(fit.error);
      const char* text = nullptr;
      PetscErrorMessage(ierr, &text, nullptr);
      throw std::runtime_error(std::string("calibration: TAO failed: ") + (text ? text : "unknown PETSc error"));
    }
  }

  CalibrationResult result;
  result.values = fit.to_parameters(outcome.x.data());
  result.iterations = static_cast<int>(outcome.iterations);
  result.solver = outcome.type;
  result.converged_reason = outcome.reason == TAO_CONVERGED_USER && fit.converged_on_step
                                ? kStepConvergedReason
                                : TaoConvergedReasons[outcome.reason];
  fit.jacobian_at(result.values);  // collective on every rank alike; cached after BRGN
  fill_statistics(fit.base_r, fit.jac, fit.n(), result);
  return result;
}

void validate_calibration_request(const std::vector<std::string>& model_parameter_names,
                                  const std::vector<std::string>& requested) {
  std::string valid;
  for (const std::string& name : model_parameter_names) valid += (valid.empty() ? "" : ", ") + name;
  if (requested.empty()) throw std::invalid_argument("calibration: no parameter requested; valid: " + valid);
  std::set<std::string> seen;
  for (const std::string& name : requested) {
    if (std::find(model_parameter_names.begin(), model_parameter_names.end(), name) == model_parameter_names.end())
      throw std::invalid_argument("calibration: cannot calibrate '" + name +
                                  "': not a parameter of this model; valid: " + valid);
    if (!seen.insert(name).second)
      throw std::invalid_argument("calibration: parameter '" + name + "' requested twice");
  }
}

void write_parameter_file(const std::string& path, const std::string& model, const CalibrationResult& r,
                          const std::vector<CalibratedParameter>& params, const std::string& provenance_text,
                          const std::string& extra) {
  const std::size_t n = params.size();
  if (r.values.size() != n || r.standard_errors.size() != n || r.correlation.size() != n)
    throw std::invalid_argument("write_parameter_file: " + std::to_string(n) + " parameters but " +
                                std::to_string(r.values.size()) + " fitted values");
  std::ostringstream out;
  out << "# Calibrated parameters of model " << toml_string(model) << ", written by alamod calibrate.\n"
      << "# Comments give the unit and the standard error (s^2 (J^T J)^-1 at the optimum).\n"
      << "model = " << toml_string(model) << "\n\n[parameters]\n";
  for (std::size_t j = 0; j < n; ++j)
    out << toml_key(params[j].name) << " = " << toml_float(r.values[j]) << "  # " << params[j].unit << ", \u00b1 "
        << show(r.standard_errors[j]) << "\n";

  out << "\n[fit]\n"
      << "ssr = " << toml_float(r.ssr) << "  # sum of squared residuals\n"
      << "rmse = " << toml_float(r.rmse) << "  # sqrt(ssr / observations), residual unit\n"
      << "observations = " << r.observations << "\n"
      << "iterations = " << r.iterations << "\n"
      << "solver = " << toml_string(r.solver) << "\n"
      << "converged_reason = " << toml_string(r.converged_reason) << "\n"
      << "parameters = [";
  for (std::size_t j = 0; j < n; ++j) out << (j ? ", " : "") << toml_string(params[j].name);
  out << "]  # order of the correlation rows\n\n[fit.standard_errors]\n";
  for (std::size_t j = 0; j < n; ++j)
    out << toml_key(params[j].name) << " = " << toml_float(r.standard_errors[j]) << "  # " << params[j].unit << "\n";
  out << "\n[fit.correlation]\n";
  for (std::size_t j = 0; j < n; ++j) {
    out << toml_key(params[j].name) << " = [";
    for (std::size_t k = 0; k < n; ++k) out << (k ? ", " : "") << toml_float(r.correlation[j][k]);
    out << "]\n";
  }
  // covariance = SE_j SE_k corr_jk, in the parameters' units squared (rows in the order of fit.parameters):
  // what a draw of parameter sets (an ensemble) or a propagation of the fit's uncertainty needs
  out << "\n[fit.covariance]  # s^2 (J^T J)^-1, unit of the row parameter x unit of the column parameter\n";
  for (std::size_t j = 0; j < n; ++j) {
    out << toml_key(params[j].name) << " = [";
    for (std::size_t k = 0; k < n; ++k)
      out << (k ? ", " : "") << toml_float(r.standard_errors[j] * r.standard_errors[k] * r.correlation[j][k]);
    out << "]\n";
  }
  out << extra;
  out << "\n[provenance]\n"
      << "alamod_version = " << toml_string(alamod_version()) << "\n"
      << "git_commit = " << toml_string(alamod_git_commit()) << "\n"
      << "date = " << toml_string(utc_now_iso()) << "\n"
      << "text = " << toml_string(provenance_text) << "\n";

  write_output_atomically(path, out.str());  // an earlier file stays whole until the new one is complete
}

}  // namespace alamod::engine
