# Vegetation: the light-use-efficiency kernel (MOD17 check values, CASA) and the satellite readers on the
# real samples of tests/data/satellite (MODIS HDF4-EOS, MOD13A1 GeoTIFF series, Copernicus NDVI GeoTIFF and
# NetCDF), their gap rule and bad inputs. 3-PG: tests/threepg.cmake.
alamod_serial_test(test_lue SOURCES unit/test_lue.cpp LIBS alamod_models)
alamod_serial_test(test_satellite SOURCES unit/test_satellite.cpp LIBS alamod_engine)
target_compile_definitions(test_satellite PRIVATE ALAMOD_TEST_SATELLITE_DATA="${CMAKE_SOURCE_DIR}/tests/data/satellite")
# The Puechabon flux-site checks of the LUE model (data/vegetation/FR-Pue): annual GPP, the monthly
# climatology, the summer-drought trough and its negative control.
alamod_script_test(vegetation_puechabon /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/check_puechabon.py
  --alamod $<TARGET_FILE:alamod> --root ${CMAKE_SOURCE_DIR})
# `alamod vegetation run|satellite|species` and `alamod models show 3pg|lue` with the real binary, bad input.
alamod_script_test(vegetation_cli /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_vegetation_cli.py
  --alamod $<TARGET_FILE:alamod> --root ${CMAKE_SOURCE_DIR})
# The litter record's soil-model adapters (carbon passed on whole) and the Bolinder crop residues.
alamod_serial_test(test_litter_record SOURCES unit/test_litter_record.cpp LIBS alamod_models)
