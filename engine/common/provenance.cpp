#include "engine/common/provenance.hpp"

#include <petscsys.h>

#include <ctime>

#include "grids/library_versions.hpp"

namespace alamod::engine {

std::string alamod_version() { return ALAMOD_VERSION; }
std::string alamod_git_commit() { return ALAMOD_GIT_COMMIT; }

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

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace alamod::engine
