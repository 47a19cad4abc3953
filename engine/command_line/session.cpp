#include "engine/command_line/session.hpp"

#include "engine/common/petsc_on_demand.hpp"

#include <petscsys.h>

#include <stdexcept>

namespace alamod::engine {

MpiSession::MpiSession(int& argc, char**& argv) {
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

PetscSession::PetscSession(const std::vector<std::string>& petsc_args) { initialize_petsc(petsc_args); }

PetscSession::~PetscSession() { PetscFinalize(); }

}  // namespace alamod::engine
