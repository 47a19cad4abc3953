#include "grids/library_versions.hpp"

#include <netcdf.h>

#include <gdal.h>
#include <hdf5.h>
#include <ogr_srs_api.h>

#include "grids/fast_deflate.hpp"

namespace alamod::grids {

std::string io_library_versions() {
  use_fast_deflate();  // so that the string names the implementation the outputs will use
  unsigned maj = 0, min = 0, rel = 0;
  H5get_libversion(&maj, &min, &rel);
  std::string nc = nc_inq_libvers();
  nc = nc.substr(0, nc.find(' '));
  int pmaj = 0, pmin = 0, ppatch = 0;
  OSRGetPROJVersion(&pmaj, &pmin, &ppatch);
  return "GDAL " + std::string(GDALVersionInfo("RELEASE_NAME")) + ", netCDF " + nc + " (parallel), HDF5 " +
         std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel) + ", PROJ " +
         std::to_string(pmaj) + "." + std::to_string(pmin) + "." + std::to_string(ppatch) + ", deflate by " +
         deflate_implementation();
}

}  // namespace alamod::grids
