#pragma once
#include <string>

namespace alamod::grids {
/// "GDAL 3.6.2, netCDF 4.9.0, HDF5 1.10.8, PROJ 9.1.1": the I/O libraries this binary runs with.
std::string io_library_versions();
}  // namespace alamod::grids
