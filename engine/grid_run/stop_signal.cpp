#include "engine/grid_run/stop_signal.hpp"

#include <csignal>

namespace alamod::engine {

namespace {
// Set by SIGTERM/SIGINT/SIGUSR1; read at year boundaries.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signum) { g_stop_signal = signum; }
// Whether SIGINT was ignored when the process started (before MPI and PETSc set handlers of their own).
const bool g_sigint_ignored_at_start = [] {
  struct sigaction at_start {};
  return sigaction(SIGINT, nullptr, &at_start) == 0 && at_start.sa_handler == SIG_IGN;
}();
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);
  if (g_sigint_ignored_at_start) {
    sa.sa_handler = SIG_IGN;  // as the shell that started us meant
  } else {
    sa.sa_flags = SA_RESTART | SA_RESETHAND;  // the next SIGINT takes its default action
  }
  sigaction(SIGINT, &sa, nullptr);
}

int stop_signal_on_any_rank(MPI_Comm comm) {
  int stop = g_stop_signal;
  MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_MAX, comm);
  return stop;
}

std::string signal_name(int signum) {
  switch (signum) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    default: return "signal " + std::to_string(signum);
  }
}

}  // namespace alamod::engine
