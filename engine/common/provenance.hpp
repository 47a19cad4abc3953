#pragma once
#include <mpi.h>

#include <string>

namespace alamod::engine {

std::string alamod_version();     ///< e.g. "0.1.0"
std::string alamod_git_commit();  ///< short commit the binary was built from
/// Every library this binary runs with: Open MPI, PETSc, GDAL, netCDF, HDF5, PROJ.
std::string library_versions();
/// The text of `alamod --version`.
std::string version_text();
/// UTC time now as ISO 8601, e.g. "2026-11-24T17:05:27Z".
std::string utc_now_iso();

}  // namespace alamod::engine
