#pragma once
/// PETSc (and MPI under it) started on demand, for the serial commands (`alamod rothc`, `amg`, `site`):
/// they run without MPI or PETSc, and start them only where they need them (the PETSc SNES of a
/// nonlinear model's spin-up), so that a run which needs neither pays no start-up for them (~0.3 s).
/// The parallel commands start MPI and PETSc in main() as before; require_petsc() then does nothing.
#include <string>
#include <vector>

namespace alamod::engine {

/// The command line's options meant for PETSc (-snes_*...), used if PETSc starts on demand.
void set_petsc_options_on_demand(const std::vector<std::string>& petsc_args);

/// PetscInitialize with the program name "alamod" and `petsc_args` as its command line (the arguments are
/// kept for PETSc's lifetime). Throws std::runtime_error if it fails.
void initialize_petsc(const std::vector<std::string>& petsc_args);

/// Starts PETSc, and MPI inside it, unless PETSc is running. Throws std::runtime_error if it fails.
void require_petsc();

/// Ends what require_petsc() started (PETSc, then MPI); nothing otherwise. Called at the end of main().
void end_petsc_on_demand();

}  // namespace alamod::engine
