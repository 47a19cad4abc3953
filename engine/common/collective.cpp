#include "engine/common/collective.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "grids/input_error.hpp"

namespace alamod::engine {

void collectively(MPI_Comm comm, const std::function<void()>& step) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string message;
  int failed = size;  // "no failure"
  try {
    step();
  } catch (const InputError& e) {
    message = e.what();
    failed = rank;
  }
  int first = size;
  MPI_Allreduce(&failed, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return;
  int len = static_cast<int>(message.size());
  MPI_Bcast(&len, 1, MPI_INT, first, comm);
  std::vector<char> buf(message.begin(), message.end());
  buf.resize(static_cast<size_t>(len));
  MPI_Bcast(buf.data(), len, MPI_CHAR, first, comm);
  throw InputError(std::string(buf.begin(), buf.end()));
}

void abort_collective_phase(MPI_Comm comm, const std::string& message, bool report, int exit_code) {
  std::fflush(stdout);
  if (report) {
    std::fprintf(stderr, "alamod: error: %s\n", message.c_str());
    std::fflush(stderr);
  } else {
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  MPI_Abort(comm, exit_code);
  std::abort();  // MPI_Abort does not return
}

}  // namespace alamod::engine
