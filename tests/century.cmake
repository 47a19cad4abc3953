# CENTURY SOM: the kernel against SoilR's CenturyModel (copied from
# ../shared/refs/models/century_soilr into tests/data/century; ALAMOD_CENTURY_REFS overrides the folder).
alamod_serial_test(test_century SOURCES unit/test_century.cpp LIBS alamod_models)
target_compile_definitions(test_century PRIVATE ALAMOD_TEST_CENTURY_REFS="${CMAKE_SOURCE_DIR}/tests/data/century")
