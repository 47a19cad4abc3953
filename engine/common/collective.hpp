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

}  // namespace alamod::engine
