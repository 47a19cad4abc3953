#include "engine/command_line/session.hpp"

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

PetscSession::PetscSession(const std::vector<std::string>& petsc_args) {
  static std::vector<std::string> storage;
  storage.assign(1, "alamod");
  storage.insert(storage.end(), petsc_args.begin(), petsc_args.end());
  static std::vector<char*> argv;
  argv.clear();
  for (auto& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(storage.size());
  char** av = argv.data();
  if (PetscInitialize(&argc, &av, nullptr, nullptr) != 0) throw std::runtime_error("PetscInitialize failed");
}

PetscSession::~PetscSession() { PetscFinalize(); }

}  // namespace alamod::engine
