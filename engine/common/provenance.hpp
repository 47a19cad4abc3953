#pragma once
#include <mpi.h>

#include <string>

#include "engine/common/version.hpp"

namespace alamod::engine {

/// Every library this binary runs with: Open MPI, PETSc, GDAL, netCDF, HDF5, PROJ.
std::string library_versions();
/// The text of `alamod --version`.
std::string version_text();

}  // namespace alamod::engine
