# The portable build (docs/BUILDING.md): alamod configured against PETSc, parallel netCDF-C, parallel HDF5
# and GDAL staged in other prefixes with the system's own locations hidden (a private mount namespace), through
# <Package>_ROOT (built, alamod --version run), PATH/PKG_CONFIG_PATH as modules set them, and
# CMAKE_PREFIX_PATH; a serial netCDF under NETCDF_ROOT must stop the configuration. Builds the alamod target
# in its own folder without optimisation (CMAKE_BUILD_TYPE=None): about 45 s of CPU with a cold ccache, a few
# with a warm one (same staged paths). Then installs it (-DALAMOD_INSTALL=ON) into a temporary prefix and, with
# the source tree, this build tree and its own hidden, runs the installed bin/alamod (--version, models, site)
# and `mpiexec -n 2 alamod run` of the installed France configuration on a window through
# libexec/alamod/alamod-engine (so it needs the France forcing, which the install copies).
alamod_script_test(portable_build /bin/bash ${CMAKE_SOURCE_DIR}/tests/integration/test_portable_build.sh
  --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/portable_build --build-dir ${CMAKE_BINARY_DIR}
  --cmake ${CMAKE_COMMAND} --jobs 2)
set_tests_properties(portable_build PROPERTIES TIMEOUT 900 PROCESSORS 2 FIXTURES_REQUIRED france_data)
