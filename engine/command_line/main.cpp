// alamod-engine: soil and vegetation carbon from one site to the whole of France, every command, with MPI,
// PETSc, GDAL and netCDF. Users type `alamod`, the light executable (light_main.cpp), which runs the
// serial commands itself and execs this one, with the same arguments, for the others.
//
//   alamod --help                     what alamod does and its subcommands
//   mpiexec -n 2 alamod run configs/france_default.toml --out results/france
//   alamod rothc --official-input RothC_input.dat --out results/rothc
//   alamod models show rothc
//
// The steps: parse the command line; what only prints (--help, --version, run --config-help, models)
// and a bad command line are answered at once, without starting MPI (its start alone takes ~0.3 s, and
// a singleton also starts a daemon). The serial commands (rothc, amg, site) run without MPI or PETSc
// too, on the launcher's rank 0, and start PETSc (with MPI inside it) only where they need it, the
// SNES spin-up of a nonlinear model (engine/common/petsc_on_demand.hpp). Otherwise MPI starts, then
// PETSc inside it (RAII: PETSc ends first, MPI last), the chosen command runs, and an error that only
// some ranks may have met aborts the communicator, so that no rank hangs.
//
// Exit codes: 0 done, 1 bad input, 2 bad command line, 3 internal error (communicator aborted),
// 4 `alamod evaluate` with some runs failed (the others scored and written), 5 `alamod sites validate` or
// `complete` with a site package that has problems (every one printed; the sites commands run without MPI),
// 75 stopped by SIGTERM/SIGINT/SIGUSR1 after writing a checkpoint (continue with --restart).
#include <mpi.h>

#include <cstdio>
#include <exception>
#include <optional>

#include "engine/command_line/cli.hpp"
#include "engine/command_line/session.hpp"
#include "engine/common/petsc_on_demand.hpp"

int main(int argc, char** argv) {
  using namespace alamod::engine;
  CommandLine command_line;
  if (const std::optional<int> answered = command_line.parse(argc, argv)) return *answered;

  if (command_line.serial()) {
    set_petsc_options_on_demand(command_line.petsc_options());
    int code = 3;
    try {
      code = command_line.run(CommandLine::launcher_rank());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "alamod: fatal error: %s\n", e.what());
    }
    end_petsc_on_demand();
    return code;
  }

  MpiSession mpi(argc, argv);  // first in, last out
  PetscSession petsc(command_line.petsc_options());
  try {
    return command_line.run(mpi.rank());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "alamod: fatal error on rank %d: %s\n", mpi.rank(), e.what());
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  return 3;
}
