#include "engine/common/petsc_on_demand.hpp"

#include <mpi.h>
#include <petscsys.h>

#include <stdexcept>

namespace alamod::engine {

namespace {
std::vector<std::string> g_options;  // the PETSc options of the command line
bool g_started = false;              // PETSc started here (and MPI by it)
}  // namespace

void set_petsc_options_on_demand(const std::vector<std::string>& petsc_args) { g_options = petsc_args; }

void require_petsc() {
  PetscBool ready = PETSC_FALSE;
  PetscInitialized(&ready);
  if (ready) return;
  initialize_petsc(g_options);
  g_started = true;
}

void initialize_petsc(const std::vector<std::string>& petsc_args) {
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

void end_petsc_on_demand() {
  if (!g_started) return;
  PetscFinalize();  // also ends the MPI it started
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
  g_started = false;
}

}  // namespace alamod::engine
