// The SNES fixed point of nonlinear cycles (NonlinearSpinup): PETSc, so only the full engine links it;
// the light `alamod` executable hands a run that constructs one to the engine (command_line/engine_handover).
#include "engine/spinup/spinup.hpp"

#include "engine/common/petsc_on_demand.hpp"

#include <petscsnes.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <string>

namespace alamod::engine::spinup {

namespace {
constexpr double kMaxLogStep = 3.0;  ///< largest Newton step, 2-norm in ln(pool) (1)
}  // namespace

// ---------------------------------------------------------------------------------------------------
// Nonlinear: SNES on G(z) = z - ln F(exp z)

struct NonlinearSpinup::Impl {
  int n = 0;
  NonlinearOptions options;
  SNES snes = nullptr;
  Mat jacobian = nullptr;
  Vec z = nullptr, g = nullptr;
  // the cell being solved
  const CycleMap* map = nullptr;
  long evaluations = 0;
  std::exception_ptr error;

  static PetscErrorCode residual(SNES snes, Vec zv, Vec gv, void* ctx);
  static PetscErrorCode converged(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm, PetscReal fnorm,
                                  SNESConvergedReason* reason, void* ctx);
  PetscErrorCode create();
  PetscErrorCode destroy();
  PetscErrorCode run(const double* guess, Pools& x, int& iterations, int& reason);
};

PetscErrorCode NonlinearSpinup::Impl::residual(SNES snes, Vec zv, Vec gv, void* ctx) {
  auto* self = static_cast<Impl*>(ctx);
  const PetscScalar* zz;
  PetscScalar* gg;
  PetscFunctionBeginUser;
  PetscCall(VecGetArrayRead(zv, &zz));
  PetscCall(VecGetArray(gv, &gg));
  Pools x{}, fx{};
  for (int i = 0; i < self->n; ++i) x[i] = std::exp(zz[i]);
  bool ok = !self->error;
  if (ok) {
    try {
      (*self->map)(x.data(), fx.data());
      ++self->evaluations;
    } catch (...) {
      self->error = std::current_exception();
      ok = false;
    }
  }
  for (int i = 0; i < self->n && ok; ++i) ok = fx[i] > 0.0 && std::isfinite(fx[i]);
  for (int i = 0; i < self->n; ++i) gg[i] = ok ? zz[i] - std::log(fx[i]) : NAN;
  PetscCall(VecRestoreArray(gv, &gg));
  PetscCall(VecRestoreArrayRead(zv, &zz));
  if (!ok) PetscCall(SNESSetFunctionDomainError(snes));
  PetscFunctionReturn(0);
}

// Converged when every pool changes by at most the tolerance (relative) over one cycle: |expm1(G_i)|.
// PETSc's norm tests are kept for divergence only; its own "converged" verdicts (small step, small
// relative norm) are not accepted.
PetscErrorCode NonlinearSpinup::Impl::converged(SNES snes, PetscInt it, PetscReal xnorm, PetscReal snorm,
                                                PetscReal fnorm, SNESConvergedReason* reason, void* ctx) {
  auto* self = static_cast<Impl*>(ctx);
  PetscFunctionBeginUser;
  Vec gv;
  PetscCall(SNESGetFunction(snes, &gv, nullptr, nullptr));
  const PetscScalar* gg;
  PetscCall(VecGetArrayRead(gv, &gg));
  double worst = 0.0;
  for (int i = 0; i < self->n; ++i) {
    const double c = std::fabs(std::expm1(-gg[i]));
    worst = std::isfinite(c) ? std::max(worst, c) : INFINITY;
  }
  PetscCall(VecRestoreArrayRead(gv, &gg));
  if (worst <= self->options.tolerance) {
    *reason = SNES_CONVERGED_FNORM_ABS;
    PetscFunctionReturn(0);
  }
  PetscCall(SNESConvergedDefault(snes, it, xnorm, snorm, fnorm, reason, nullptr));
  if (*reason > 0) *reason = SNES_CONVERGED_ITERATING;
  PetscFunctionReturn(0);
}

PetscErrorCode NonlinearSpinup::Impl::create() {
  KSP ksp;
  PC pc;
  PetscFunctionBeginUser;
  PetscCall(VecCreateSeq(PETSC_COMM_SELF, n, &z));
  PetscCall(VecDuplicate(z, &g));
  PetscCall(SNESCreate(PETSC_COMM_SELF, &snes));
  PetscCall(SNESSetOptionsPrefix(snes, options.prefix.c_str()));
  PetscCall(SNESSetType(snes, SNESNEWTONLS));
  // Newton steps of at most 3 in the 2-norm of ln x (a factor e^3 on one pool): from a poor guess the
  // cycle's Jacobian is nearly singular (microbes near collapse) and the full step is useless.
  SNESLineSearch line_search;
  PetscCall(SNESGetLineSearch(snes, &line_search));
  PetscCall(SNESLineSearchSetTolerances(line_search, PETSC_DEFAULT, kMaxLogStep, PETSC_DEFAULT, PETSC_DEFAULT,
                                        PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(SNESSetFunction(snes, g, residual, this));
  PetscCall(MatCreateSNESMF(snes, &jacobian));
  PetscCall(SNESSetJacobian(snes, jacobian, jacobian, MatMFFDComputeJacobian, nullptr));
  PetscCall(SNESGetKSP(snes, &ksp));
  PetscCall(KSPSetType(ksp, KSPGMRES));
  PetscCall(KSPSetTolerances(ksp, 1e-6, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(KSPGetPC(ksp, &pc));
  PetscCall(PCSetType(pc, PCNONE));
  PetscCall(SNESSetTolerances(snes, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, options.max_iterations, 100000));
  PetscCall(SNESSetConvergenceTest(snes, converged, this, nullptr));
  PetscCall(SNESSetFromOptions(snes));
  PetscFunctionReturn(0);
}

PetscErrorCode NonlinearSpinup::Impl::destroy() {
  PetscFunctionBeginUser;
  PetscCall(MatDestroy(&jacobian));
  PetscCall(SNESDestroy(&snes));
  PetscCall(VecDestroy(&g));
  PetscCall(VecDestroy(&z));
  PetscFunctionReturn(0);
}

PetscErrorCode NonlinearSpinup::Impl::run(const double* guess, Pools& x, int& iterations, int& reason) {
  PetscScalar* zz;
  PetscFunctionBeginUser;
  PetscCall(VecGetArray(z, &zz));
  for (int i = 0; i < n; ++i) zz[i] = std::log(guess[i]);
  PetscCall(VecRestoreArray(z, &zz));
  PetscCall(SNESSolve(snes, nullptr, z));
  PetscInt it;
  SNESConvergedReason why;
  PetscCall(SNESGetIterationNumber(snes, &it));
  PetscCall(SNESGetConvergedReason(snes, &why));
  iterations = static_cast<int>(it);
  reason = static_cast<int>(why);
  const PetscScalar* zr;
  PetscCall(VecGetArrayRead(z, &zr));
  for (int i = 0; i < n; ++i) x[i] = std::exp(zr[i]);
  PetscCall(VecRestoreArrayRead(z, &zr));
  PetscFunctionReturn(0);
}

namespace {
void check_petsc(PetscErrorCode ierr, const char* what) {
  if (ierr) throw std::runtime_error(std::string("NonlinearSpinup: PETSc error ") + std::to_string(ierr) + " in " + what);
}
}  // namespace

NonlinearSpinup::NonlinearSpinup(int n, NonlinearOptions options) : impl_(new Impl) {
  if (n < 1 || n > kMaxPools) {
    delete impl_;
    throw std::invalid_argument("NonlinearSpinup: " + std::to_string(n) + " pools (expected 1.." +
                                std::to_string(kMaxPools) + ")");
  }
  impl_->n = n;
  try {
    require_petsc();  // a serial command (alamod site) starts PETSc here, where it needs it
  } catch (...) {
    delete impl_;
    throw;
  }
  impl_->options = std::move(options);
  const PetscErrorCode ierr = impl_->create();
  if (ierr) {
    impl_->destroy();
    delete impl_;
    check_petsc(ierr, "setting up the SNES");
  }
}

NonlinearSpinup::~NonlinearSpinup() {
  impl_->destroy();
  delete impl_;
}

std::string NonlinearSpinup::method() const {
  SNESType type = nullptr;
  check_petsc(SNESGetType(impl_->snes, &type), "SNESGetType");
  return type ? type : "";
}

NonlinearSteadyState NonlinearSpinup::solve(const CycleMap& map, const double* guess) {
  const int n = impl_->n;
  for (int i = 0; i < n; ++i)
    if (!(guess[i] > 0.0) || !std::isfinite(guess[i]))
      throw std::invalid_argument("NonlinearSpinup::solve: initial pool " + std::to_string(i) + " is " +
                                  std::to_string(guess[i]) + " (expected a finite value > 0)");
  NonlinearSteadyState r;
  impl_->map = &map;
  impl_->evaluations = 0;
  impl_->error = nullptr;
  Pools x{};
  const PetscErrorCode ierr = impl_->run(guess, x, r.snes_iterations, r.snes_reason);
  impl_->map = nullptr;
  if (impl_->error) std::rethrow_exception(impl_->error);
  check_petsc(ierr, "SNESSolve");
  r.snes_cycles = impl_->evaluations;

  // The check cycle. A cell still above the tolerance is cycled plainly from the SNES iterate or from
  // the guess, whichever changes less over one cycle (a diverged SNES can leave a wild iterate).
  const double tolerance = impl_->options.tolerance;
  auto positive = [n](const double* y) {
    for (int i = 0; i < n; ++i)
      if (!(y[i] > 0.0) || !std::isfinite(y[i])) return false;
    return true;
  };
  Pools next{};
  r.residual = std::numeric_limits<double>::infinity();
  if (positive(x.data())) {
    map(x.data(), next.data());
    ++r.cycles;
    r.residual = relative_change(n, x.data(), next.data());
  }
  r.cycles += r.snes_cycles;
  r.state = x;
  if (!(r.residual <= tolerance)) {
    Pools from_guess{};
    map(guess, from_guess.data());
    ++r.fallback_cycles;
    if (!(relative_change(n, guess, from_guess.data()) < r.residual)) from_guess = next;
    const CyclingResult c =
        cycle_to_steady_state(n, map, from_guess.data(), tolerance, impl_->options.max_fallback_cycles);
    r.fallback_cycles += c.cycles;
    r.cycles += r.fallback_cycles;
    r.residual = positive(c.state.data()) ? c.residual : std::numeric_limits<double>::infinity();
    r.state = c.state;
  }
  r.converged = r.residual <= impl_->options.tolerance;
  return r;
}

NonlinearSteadyState NonlinearSpinup::solve(const CycleWithJacobian& cycle, const CycleMap& map, const double* guess) {
  const int n = impl_->n;
  const double tolerance = impl_->options.tolerance;
  auto positive = [n](const double* y) {
    for (int i = 0; i < n; ++i)
      if (!(y[i] > 0.0) || !std::isfinite(y[i])) return false;
    return true;
  };
  if (!positive(guess)) return solve(map, guess);
  Pools x{}, best{}, x_before{}, r_before{};
  std::copy(guess, guess + n, x.begin());
  best = x;
  double best_residual = std::numeric_limits<double>::infinity();
  long cycles = 0;
  long jacobians = 0;
  bool secant = false;                 // (x_before, r_before) is the previous iterate and its R
  double b[kMaxPools * kMaxPools];     // the approximation of R' = J - I
  while (cycles < kMaxNewtonCycles) {
    Pools fx{};
    const bool fresh = jacobians < kFreshJacobians;
    if (fresh) {
      cycle(x.data(), fx.data(), b, static_cast<int>(jacobians));
      ++jacobians;
      for (int i = 0; i < n; ++i) b[i * n + i] -= 1.0;
    } else {
      map(x.data(), fx.data());
    }
    ++cycles;
    if (!positive(fx.data())) break;
    const double residual = relative_change(n, x.data(), fx.data());
    if (residual <= tolerance) {
      NonlinearSteadyState out;
      out.state = x;
      out.residual = residual;
      out.cycles = cycles;
      out.jacobians = jacobians;
      out.converged = true;
      return out;
    }
    Pools r{};
    for (int i = 0; i < n; ++i) r[i] = fx[i] - x[i];
    if (!fresh && secant) {
      // Broyden's rank-one update: B <- B + (y - B s) s^T / (s^T s), s the last step, y the change of R
      double s[kMaxPools], ss = 0.0;
      for (int i = 0; i < n; ++i) s[i] = x[i] - x_before[i], ss += s[i] * s[i];
      if (ss > 0.0)
        for (int i = 0; i < n; ++i) {
          double bs = 0.0;
          for (int j = 0; j < n; ++j) bs += b[i * n + j] * s[j];
          const double c = (r[i] - r_before[i] - bs) / ss;
          for (int j = 0; j < n; ++j) b[i * n + j] += c * s[j];
        }
    }
    if (residual < best_residual) best_residual = residual, best = x;
    bool usable = true;
    for (int i = 0; i < n * n; ++i) usable = usable && std::isfinite(b[i]);
    if (!usable) break;
    // Newton step on R(x) = F(x) - x: B d = -R
    double a[kMaxPools * kMaxPools], step[kMaxPools];
    std::copy(b, b + n * n, a);
    for (int i = 0; i < n; ++i) step[i] = -r[i];
    if (!solve_dense(n, a, step)) break;
    Pools xn{};
    double t = 1.0;
    for (int halving = 0; halving < 40; ++halving, t *= 0.5) {
      for (int i = 0; i < n; ++i) xn[i] = x[i] + t * step[i];
      if (positive(xn.data())) break;
    }
    if (!positive(xn.data())) break;
    x_before = x, r_before = r, secant = true;
    x = xn;
  }
  // Not converged: the SNES from the best iterate.
  NonlinearSteadyState out = solve(map, best.data());
  out.cycles += cycles;
  out.jacobians = jacobians;
  return out;
}

}  // namespace alamod::engine::spinup
