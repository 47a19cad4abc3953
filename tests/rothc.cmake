# RothC: the monthly kernel, and the official input-file driver against the reference runs of the
# official Fortran code (copied from ../shared/refs/models/rothc into tests/data/rothc/refs; ALAMOD_ROTHC_REFS overrides).
alamod_serial_test(test_rothc_kernel SOURCES unit/test_rothc_kernel.cpp LIBS alamod_models)

alamod_serial_test(test_rothc_official SOURCES unit/test_rothc_official.cpp LIBS alamod_official)
target_compile_definitions(test_rothc_official PRIVATE ALAMOD_TEST_ROTHC_REFS="${CMAKE_SOURCE_DIR}/tests/data/rothc/refs")
