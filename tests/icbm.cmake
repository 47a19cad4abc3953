# ICBM: the annual kernel against the exact analytic solutions (copied from
# ../shared/refs/models/icbm into tests/data/icbm; ALAMOD_ICBM_REFS overrides the folder).
alamod_serial_test(test_icbm SOURCES unit/test_icbm.cpp LIBS alamod_models)
target_compile_definitions(test_icbm PRIVATE ALAMOD_TEST_ICBM_REFS="${CMAKE_SOURCE_DIR}/tests/data/icbm")
