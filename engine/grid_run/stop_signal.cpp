#include "engine/grid_run/stop_signal.hpp"

#include <csignal>

namespace alamod::engine {

namespace {
// Set by SIGTERM/SIGUSR1; read at year boundaries.
volatile std::sig_atomic_t g_stop_signal = 0;
extern "C" void on_stop_signal(int signum) { g_stop_signal = signum; }
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);
}

int stop_signal_on_any_rank(MPI_Comm comm) {
  int stop = g_stop_signal;
  MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_MAX, comm);
  return stop;
}

}  // namespace alamod::engine
