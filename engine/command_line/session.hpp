#pragma once
/// RAII for the parallel environment. MPI is initialised first and finalised
/// last; PETSc sits inside it (PetscInitialize reuses the running MPI), so the
/// destruction order is PETSc, then MPI.
#include <mpi.h>

#include <string>
#include <vector>

namespace alamod::engine {

class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

class PetscSession {
 public:
  /// `petsc_args`: the command-line options meant for PETSc (-log_view, -tao_*...).
  explicit PetscSession(const std::vector<std::string>& petsc_args);
  ~PetscSession();
  PetscSession(const PetscSession&) = delete;
  PetscSession& operator=(const PetscSession&) = delete;
};

}  // namespace alamod::engine
