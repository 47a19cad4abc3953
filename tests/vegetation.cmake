# Vegetation: the light-use-efficiency kernel (MOD17 check values, CASA) and the satellite readers on the
# real samples of tests/data/satellite (MODIS HDF4-EOS, MOD13A1 GeoTIFF series, Copernicus NDVI GeoTIFF and
# NetCDF), their gap rule and bad inputs. 3-PG: tests/threepg.cmake.
alamod_serial_test(test_lue SOURCES unit/test_lue.cpp LIBS alamod_models)
alamod_serial_test(test_satellite SOURCES unit/test_satellite.cpp LIBS alamod_engine)
target_compile_definitions(test_satellite PRIVATE ALAMOD_TEST_SATELLITE_DATA="${CMAKE_SOURCE_DIR}/tests/data/satellite")
