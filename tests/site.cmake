# `alamod site`: the site forcing reader and every registered model at one site
# (a generated 30-year forcing; RothC on the official example against the official reference).
alamod_serial_test(test_site_run SOURCES unit/test_site_run.cpp LIBS alamod_engine)
target_compile_definitions(test_site_run PRIVATE ALAMOD_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

# Many sites in one process: `alamod site --forcing-list` (outputs byte for byte the single runs'; bad lists).
alamod_script_test(site_forcing_list /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_site_list.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/site_list)
set_tests_properties(site_forcing_list PROPERTIES TIMEOUT 120)

# Many sites in one NetCDF file: `alamod site --forcing-list --write-netcdf` and `--forcing-netcdf` (every value bit for
# bit the --forcing-list CSV values for RothC and ICBM; xarray, cdo and ncdump read the output; bad collections).
alamod_script_test(site_forcing_netcdf /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_site_netcdf.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/site_netcdf)
set_tests_properties(site_forcing_netcdf PROPERTIES TIMEOUT 120)
