#pragma once
/// SIGTERM and SIGUSR1 (what SLURM sends before a time limit) stop a grid run at the next year boundary,
/// after a checkpoint (GridRun, exit code kExitStoppedForRestart).
#include <mpi.h>

namespace alamod::engine {

/// Records SIGTERM and SIGUSR1 instead of ending the process.
void install_stop_handlers();

/// Collective: the largest signal number any rank received, 0 when none did.
int stop_signal_on_any_rank(MPI_Comm comm);

}  // namespace alamod::engine
