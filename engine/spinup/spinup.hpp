#pragma once
/// Fast spin-up: the periodic steady state of a soil carbon model under a repeated forcing cycle
/// (usually one year), per cell, without cycling the model for thousands of years.
///
///  1. Linear pool models (RothC, ICBM, Yasso, CENTURY): one cycle is affine in the pools,
///     x1 = M x0 + v. linear_periodic_steady_state builds M and v from n + 1 cycles (v from zero pools
///     with inputs, column j of M from the unit pool e_j without inputs), solves (I - M) x = v by dense
///     LU with partial pivoting and checks the answer with one more cycle: n + 2 cycles in all.
///  2. Nonlinear models (Millennial, MIMICS): the fixed point of the cycle map F, solved per cell by a
///     PETSc SNES on PETSC_COMM_SELF (NonlinearSpinup), in log-pool variables z = ln x:
///       G(z) = z - ln F(exp z) = 0,
///     so that every component of G is the relative change of a pool over one cycle, pools stay
///     positive, and x - G is exactly one plain cycle (what SNESANDERSON mixes). Cells the solver does
///     not bring below the tolerance are finished by plain cycling.
///
/// Convergence everywhere: the largest relative change of a pool over one more cycle,
/// max_i |F(x)_i - x_i| / max(|x_i|, 1e-12 sum_j |x_j|) <= tolerance (default 1e-9); the floor keeps a
/// pool that is negligible beside the total stock from deciding it. See docs/SPINUP.md for the methods
/// and measured costs. The kernels see nothing of this: a cycle is a callable the caller writes.
#include <array>
#include <cstddef>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

namespace alamod::engine::spinup {

inline constexpr int kMaxPools = 8;              ///< largest pool count the solvers take
inline constexpr double kDefaultTolerance = 1e-9;  ///< largest relative change of a pool over a cycle (1)

/// Pools of one cell; the first n entries are used (units of the model).
using Pools = std::array<double, kMaxPools>;

/// Largest relative change of a pool between `before` and `after` (n pools), each change divided by
/// max(|before_i|, 1e-12 sum_j |before_j|); NaN or infinity anywhere gives infinity.
double relative_change(int n, const double* before, const double* after);

/// Solve a x = b for x in place of b: dense LU with partial pivoting, a row-major n x n (overwritten),
/// n <= kMaxPools. Returns false (b unspecified) when a pivot is zero or not finite.
bool solve_dense(int n, double* a, double* b);

/// Result of the exact linear spin-up of one cell.
struct LinearSteadyState {
  Pools state{};          ///< [out] periodic equilibrium at the start of the cycle (first n entries)
  double residual = 0.0;  ///< [out] largest relative change of a pool over one more cycle (1)
  int cycles = 0;         ///< [out] cycles run: n + 1 for the affine map, 1 for the check
};

/// Exact periodic steady state of a linear pool model for one cell.
///
/// `cycle(const double* in, double* out, bool with_inputs)` advances n pools over one full forcing
/// cycle from `in` to `out`; with_inputs = false runs the same cycle with every carbon input set to 0
/// (climate, moisture and any other state held as in the real cycle). Nothing else may carry over
/// between calls: the cycle must be affine in the pools. Throws std::invalid_argument for n outside
/// 1..kMaxPools, std::runtime_error when I - M is singular (a pool that never decays).
template <class Cycle>
LinearSteadyState linear_periodic_steady_state(int n, Cycle&& cycle) {
  if (n < 1 || n > kMaxPools)
    throw std::invalid_argument("linear_periodic_steady_state: " + std::to_string(n) + " pools (expected 1.." +
                                std::to_string(kMaxPools) + ")");
  LinearSteadyState r;
  Pools zero{}, v{}, column{};
  cycle(zero.data(), v.data(), true);  // v = F(0)
  std::array<double, kMaxPools * kMaxPools> a{};
  for (int j = 0; j < n; ++j) {
    Pools unit{};
    unit[j] = 1.0;
    cycle(unit.data(), column.data(), false);  // column j of M = M e_j
    for (int i = 0; i < n; ++i) a[i * n + j] = (i == j ? 1.0 : 0.0) - column[i];
  }
  r.state = v;
  if (!solve_dense(n, a.data(), r.state.data()))
    throw std::runtime_error("linear_periodic_steady_state: I - M is singular (a pool does not decay over the cycle)");
  Pools next{};
  cycle(r.state.data(), next.data(), true);
  r.residual = relative_change(n, r.state.data(), next.data());
  r.cycles = n + 2;
  return r;
}

/// Result of plain cycling (brute force, or the fall-back of the nonlinear solver).
struct CyclingResult {
  Pools state{};          ///< [out] pools after the last cycle (first n entries)
  double residual = 0.0;  ///< [out] relative change over the last cycle (1)
  long cycles = 0;        ///< [out] cycles run
  bool converged = false; ///< [out] residual <= tolerance within max_cycles
};

/// Plain cycling under the caller's convergence test: x <- F(x) from x0 until
/// `converged(const double* before, const double* after)` holds for a cycle or max_cycles cycles ran.
/// `map(const double* in, double* out)` is one cycle with inputs. The returned state is the last one;
/// residual is left to the caller (the test measures the change its own way). Throws
/// std::invalid_argument for n outside 1..kMaxPools.
template <class Map, class Converged>
CyclingResult cycle_until_converged(int n, Map&& map, const double* x0, Converged&& converged, long max_cycles) {
  if (n < 1 || n > kMaxPools)
    throw std::invalid_argument("cycle_until_converged: " + std::to_string(n) + " pools (expected 1.." +
                                std::to_string(kMaxPools) + ")");
  CyclingResult r;
  Pools x{}, next{};
  for (int i = 0; i < n; ++i) x[i] = x0[i];
  while (r.cycles < max_cycles) {
    map(x.data(), next.data());
    ++r.cycles;
    const bool done = converged(x.data(), next.data());
    x = next;
    if (done) {
      r.converged = true;
      break;
    }
  }
  r.state = x;
  return r;
}

/// Brute-force spin-up: x <- F(x) from x0 until one cycle changes every pool by <= tolerance (relative)
/// or max_cycles cycles ran. `map(const double* in, double* out)` is one cycle with inputs. The
/// returned state is the last one, whose own change over the last cycle was below the tolerance.
template <class Map>
CyclingResult cycle_to_steady_state(int n, Map&& map, const double* x0, double tolerance, long max_cycles) {
  double residual = std::numeric_limits<double>::infinity();
  auto within_tolerance = [&](const double* before, const double* after) {
    residual = relative_change(n, before, after);
    return residual <= tolerance;
  };
  CyclingResult r = cycle_until_converged(n, map, x0, within_tolerance, max_cycles);
  r.residual = residual;
  return r;
}

/// One cycle of a nonlinear model for one cell: n pools in, n pools out.
using CycleMap = std::function<void(const double* in, double* out)>;

/// One cycle from x into fx (the same bits as the CycleMap) and an approximation of its Jacobian
/// dF/dx at x (n x n, row-major, jac[i * n + j] = dF_i/dx_j), e.g. the product over the months of the
/// model's one-step Jacobians at states of this cycle, raised to their step counts (matrix_power_n).
/// k: 0 for the solver's first Jacobian, 1 for the second (the caller may build the first coarser).
using CycleWithJacobian = std::function<void(const double* x, double* fx, double* jac, int k)>;

/// out = a b for n x n row-major matrices (out may not alias a or b).
void matrix_product(int n, const double* a, const double* b, double* out);

/// out = s^k (n x n, row-major, k >= 0) by repeated squaring.
void matrix_power(int n, const double* s, long k, double* out);

/// matrix_product for a size known when compiling (unrolled by the compiler: the spin-up's Jacobians
/// multiply hundreds of 5 x 5 or 7 x 7 matrices per cell; the same sums in the same order).
template <int N>
inline void matrix_product_n(const double* a, const double* b, double* out) {
  for (int i = 0; i < N; ++i) {
    double row[N] = {};
    for (int k = 0; k < N; ++k) {
      const double aik = a[i * N + k];
      for (int j = 0; j < N; ++j) row[j] += aik * b[k * N + j];
    }
    for (int j = 0; j < N; ++j) out[i * N + j] = row[j];
  }
}

/// matrix_power for a size known when compiling.
template <int N>
inline void matrix_power_n(const double* s, long k, double* out) {
  double result[N * N], base[N * N], tmp[N * N];
  bool first = true;  // result = identity until the first factor
  for (int i = 0; i < N * N; ++i) base[i] = s[i];
  while (k > 0) {
    if (k & 1) {
      if (first) {
        for (int i = 0; i < N * N; ++i) result[i] = base[i];
        first = false;
      } else {
        matrix_product_n<N>(result, base, tmp);
        for (int i = 0; i < N * N; ++i) result[i] = tmp[i];
      }
    }
    k >>= 1;
    if (k > 0) {
      matrix_product_n<N>(base, base, tmp);
      for (int i = 0; i < N * N; ++i) base[i] = tmp[i];
    }
  }
  if (first)
    for (int i = 0; i < N * N; ++i) out[i] = (i % (N + 1) == 0) ? 1.0 : 0.0;
  else
    for (int i = 0; i < N * N; ++i) out[i] = result[i];
}

/// Settings of NonlinearSpinup. The SNES itself is configured through the PETSc options database
/// under `prefix` (e.g. -spinup_snes_type anderson, -spinup_snes_monitor, -spinup_ksp_rtol 1e-6).
struct NonlinearOptions {
  double tolerance = kDefaultTolerance;  ///< largest relative change of a pool over one more cycle (1)
  int max_iterations = 40;               ///< SNES iterations (overridden by -<prefix>snes_max_it)
  long max_fallback_cycles = 200000;     ///< plain cycles at most for a cell the SNES did not converge
  std::string prefix = "spinup_";        ///< options prefix of the SNES
};

/// Result of the nonlinear spin-up of one cell.
struct NonlinearSteadyState {
  Pools state{};              ///< [out] periodic equilibrium at the start of the cycle (first n entries)
  double residual = 0.0;      ///< [out] largest relative change of a pool over one more cycle (1)
  int snes_iterations = 0;    ///< [out] nonlinear iterations of the SNES
  int snes_reason = 0;        ///< [out] SNESConvergedReason (> 0 converged)
  long snes_cycles = 0;       ///< [out] cycle evaluations inside the SNES (residuals, Jacobian-vector products)
  long fallback_cycles = 0;   ///< [out] plain cycles after the SNES (0 when it converged)
  long cycles = 0;            ///< [out] all cycle evaluations: SNES, the check cycle and the fall-back
  long jacobians = 0;         ///< [out] approximate cycle Jacobians built (CycleWithJacobian)
  bool converged = false;     ///< [out] residual <= tolerance
};

/// Accelerated periodic steady state of a nonlinear model, one cell at a time, with one SNES on
/// PETSC_COMM_SELF reused for every cell (create one per rank and per pool count). Default method:
/// Newton with a backtracking line search whose step is capped at 3 in the 2-norm of ln x
/// (-spinup_snes_linesearch_maxstep), a matrix-free finite-difference Jacobian (MatCreateSNESMF) and
/// unpreconditioned GMRES (KSP rtol 1e-6); any SNES type can be chosen with -spinup_snes_type
/// (docs/SPINUP.md compares them). PETSc must be
/// initialised by the caller and outlive this object (the constructor starts it on demand for the serial
/// commands). Not copyable. Defined in nonlinear_spinup.cpp, which only alamod-engine links; in the light
/// `alamod` executable the constructor hands the whole command to the engine
/// (command_line/nonlinear_spinup_handover.cpp).
class NonlinearSpinup {
 public:
  /// n pools (1..kMaxPools). Reads the options database once, here.
  explicit NonlinearSpinup(int n, NonlinearOptions options = {});
  ~NonlinearSpinup();
  NonlinearSpinup(const NonlinearSpinup&) = delete;
  NonlinearSpinup& operator=(const NonlinearSpinup&) = delete;

  /// The periodic steady state of `map` from `guess` (n positive pools). The SNES stops when the
  /// largest relative change over one cycle is below the tolerance; one more cycle checks the answer;
  /// a cell still above the tolerance is cycled plainly from the best iterate. Exceptions thrown by
  /// `map` propagate; a map that returns a non-positive or non-finite pool is a domain error the SNES
  /// backs away from.
  NonlinearSteadyState solve(const CycleMap& map, const double* guess);

  /// The same periodic steady state, first by Newton iterations on R(x) = F(x) - x that cost one cycle
  /// each: the first kFreshJacobians cycles also give an approximate Jacobian J of the cycle at their
  /// iterate (`cycle`'s last argument is 0 for the first, 1 for the second: the caller may build the
  /// first coarser, since the first step is limited by the distance to the equilibrium, not by J); the
  /// later cycles are plain (`map`) and update the last J - I by Broyden's rank-one secant update. The
  /// next iterate is x - B^-1 R(x), B the current approximation of J - I (a step that would leave a
  /// pool non-positive is halved). The first iterate whose cycle changes every pool by at most the
  /// tolerance is the answer (its cycle is the check). A cell not converged within kMaxNewtonCycles
  /// goes on with the SNES from its best iterate (the cycles spent so far counted in `cycles`);
  /// `jacobians` counts the Jacobians built.
  NonlinearSteadyState solve(const CycleWithJacobian& cycle, const CycleMap& map, const double* guess);
  static constexpr int kMaxNewtonCycles = 10;  ///< Newton cycles before the SNES takes over
  static constexpr int kFreshJacobians = 2;    ///< cycles that build a Jacobian; Broyden updates after

  /// The SNES type in use (after the options database), e.g. "newtonls".
  std::string method() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace alamod::engine::spinup
