#pragma once
/// SIGTERM, SIGINT and SIGUSR1 (what SLURM, mpirun and Ctrl-C send) stop a grid run at the next year
/// boundary, after a checkpoint (GridRun, exit code kExitStoppedForRestart).
///
/// Under Open MPI 4.1's mpirun, a SIGTERM or SIGINT sent to mpirun itself reaches the ranks as SIGCONT, then
/// SIGTERM odls_base_sigkill_timeout seconds later (default 1), then SIGKILL as long again; mpirun then
/// exits 1 whatever the ranks return. SIGUSR1 is forwarded at once and mpirun exits with the ranks' 75.
/// jobscripts/launch.sh turns the first into the second (docs/FAULTS.md, "Signals").
#include <mpi.h>

#include <string>

namespace alamod::engine {

/// Records SIGTERM, SIGUSR1 and SIGINT instead of ending the process. SIGINT is left alone when it is
/// ignored at start (a command started in the background by a shell script), and a second SIGINT ends
/// the process at once (Ctrl-C twice).
void install_stop_handlers();

/// Collective: the largest signal number any rank received, 0 when none did.
int stop_signal_on_any_rank(MPI_Comm comm);

/// "SIGTERM", "SIGINT", "SIGUSR1", or "signal N".
std::string signal_name(int signum);

}  // namespace alamod::engine
