#pragma once

namespace alamod::engine {
/// Parse the command line and run the chosen subcommand. Returns the exit code:
/// 0 success, 1 bad input (message on rank 0), 2 bad command line.
int run_command_line(int argc, char** argv, int rank);
}  // namespace alamod::engine
