#pragma once
/// Agreeing on errors across ranks. Inputs are validated where they are read,
/// often on one rank only; a collective call after one rank threw would hang
/// the others. `collectively` runs a step on every rank and, if any rank threw
/// an InputError, throws the same InputError (the lowest failing rank's
/// message) on every rank, so all leave the step together.
#include <mpi.h>

#include <functional>
#include <string>

namespace alamod::engine {

void collectively(MPI_Comm comm, const std::function<void()>& step);

/// For a failure on this rank inside a collective phase (e.g. a parallel write), where the other ranks
/// may wait in a collective call for ever and `collectively` cannot be used: prints
/// "alamod: error: MESSAGE" when `report` (one rank should; the others wait a moment so that its line gets
/// out), then aborts the communicator with `exit_code` (mpiexec exits with it). Never returns.
[[noreturn]] void abort_collective_phase(MPI_Comm comm, const std::string& message, bool report, int exit_code);

}  // namespace alamod::engine
