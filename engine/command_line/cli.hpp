#pragma once

namespace alamod::engine {
/// Parse the command line and run the chosen subcommand, starting MPI and PETSc for the commands
/// that compute. Returns the exit code: 0 success, 1 bad input (message on rank 0), 2 bad command
/// line, 75 stopped for a restart.
int run_command_line(int argc, char** argv);
}  // namespace alamod::engine
