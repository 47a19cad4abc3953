#pragma once
/// The phases of a grid run (input, spin-up, compute, output) as PETSc log events, so that `-log_view`
/// shows them beside PETSc's own, and the seconds each rank spends in them (GridRun's PhaseTimes).
#include <mpi.h>
#include <petsclog.h>

namespace alamod::engine {

/// PETSc log events of the run's phases.
struct PhaseEvents {
  PetscLogEvent input = 0, spinup = 0, compute = 0, output = 0;
};

/// The events, registered at the first call (after PetscInitialize).
inline const PhaseEvents& phase_events() {
  static const PhaseEvents events = [] {
    PhaseEvents e;
    PetscClassId cls = 0;
    PetscClassIdRegister("alamod", &cls);
    PetscLogEventRegister("alamodInput", cls, &e.input);
    PetscLogEventRegister("alamodSpinup", cls, &e.spinup);
    PetscLogEventRegister("alamodCompute", cls, &e.compute);
    PetscLogEventRegister("alamodOutput", cls, &e.output);
    return e;
  }();
  return events;
}

/// Adds the wall-clock seconds of its scope to `seconds`, logged under `event` when one is given.
class PhaseTimer {
 public:
  static constexpr PetscLogEvent kNoEvent = -1;
  explicit PhaseTimer(double& seconds, PetscLogEvent event = kNoEvent)
      : seconds_(seconds), event_(event), start_(MPI_Wtime()) {
    if (event_ != kNoEvent) PetscLogEventBegin(event_, 0, 0, 0, 0);
  }
  ~PhaseTimer() {
    if (event_ != kNoEvent) PetscLogEventEnd(event_, 0, 0, 0, 0);
    seconds_ += MPI_Wtime() - start_;
  }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;

 private:
  double& seconds_;
  PetscLogEvent event_;
  double start_;
};

}  // namespace alamod::engine
