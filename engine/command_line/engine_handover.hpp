#pragma once
/// The light `alamod` executable hands a command it does not run itself to the full engine
/// (`alamod-engine`: MPI, PETSc, GDAL, netCDF) by exec: the same process (its PID, its environment, its
/// open files, so that mpiexec, srun and signals see no difference) and the same arguments.
/// docs/ARCHITECTURE.md (command_line/).

namespace alamod::engine {

/// Keeps the command line for hand_over_to_engine(); main() calls it first.
void remember_command_line(int argc, char** argv);

/// The engine executable: `alamod-engine` beside this one (the build tree), else
/// ALAMOD_ENGINE_RELATIVE_DIR/alamod-engine from this one's folder (an installed tree: ../libexec/alamod).
/// Empty when neither exists.
const char* engine_path();

/// Flushes stdout and stderr and execs the engine with the remembered command line; returns only if the
/// exec failed, after printing why (the caller exits with 3).
void hand_over_to_engine();

}  // namespace alamod::engine
