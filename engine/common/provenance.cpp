#include "engine/common/provenance.hpp"

#include <petscsys.h>

#include "grids/library_versions.hpp"

namespace alamod::engine {

std::string library_versions() {
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  MPI_Get_library_version(mpi, &len);
  std::string m(mpi, static_cast<size_t>(len));
  m = m.substr(0, m.find(','));
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  const std::string p = "PETSc " + std::to_string(PETSC_VERSION_MAJOR) + "." + std::to_string(PETSC_VERSION_MINOR) +
                        "." + std::to_string(PETSC_VERSION_SUBMINOR);
  return m + ", " + p + ", " + grids::io_library_versions();
}

std::string version_text() {
  return "alamod " + alamod_version() + " (git " + alamod_git_commit() + ")\n" + library_versions() + "\n";
}

}  // namespace alamod::engine
