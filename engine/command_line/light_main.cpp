// alamod, the executable users type: a light one that loads no MPI, PETSc, GDAL or netCDF, so that the
// serial commands cost what they compute (a few ms for the drop-ins, not the ~0.3 s of loading those
// libraries).
//
//   alamod --help, alamod --version, alamod models [show NAME]     answered here
//   alamod rothc ..., alamod amg ..., alamod site ...              run here (the launcher's rank 0)
//   everything else                                                 exec alamod-engine, same arguments
//
// The command line is parsed here by the same declarations as the engine's (cli.cpp, compiled with
// ALAMOD_LIGHT_EXECUTABLE), so help, messages and exit codes are the engine's. A command this executable
// does not run and a serial command given PETSc options (-snes_*...) are handed to alamod-engine by exec
// (a NonlinearSpinup, the grid runs' SNES, would be too: nonlinear_spinup_handover.cpp; the site runs
// cycle the nonlinear models to their equilibrium without it): the same process and environment, so `mpiexec -n N alamod run ...` and
// `srun alamod run ...` run the engine on every rank as before. Exit codes: main.cpp's.
#include <cstdio>
#include <exception>
#include <optional>

#include "engine/command_line/cli.hpp"
#include "engine/command_line/engine_handover.hpp"

int main(int argc, char** argv) {
  using namespace alamod::engine;
  remember_command_line(argc, argv);
  CommandLine command_line;
  if (const std::optional<int> answered = command_line.parse(argc, argv)) return *answered;
  if (!command_line.serial() || !command_line.petsc_options().empty()) {
    hand_over_to_engine();
    return 3;
  }
  try {
    return command_line.run(CommandLine::launcher_rank());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "alamod: fatal error: %s\n", e.what());
  }
  return 3;
}
