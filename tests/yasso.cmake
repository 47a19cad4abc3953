# Yasso15 and Yasso07: the kernel against the official Fortran solver (YASSOmodel/YASSO15), cases
# copied from ../shared/refs/models/yasso15 and yasso07 into tests/data (ALAMOD_YASSO15_REFS and
# ALAMOD_YASSO07_REFS override the folders; every out/<case>.csv found there is checked).
alamod_serial_test(test_yasso SOURCES unit/test_yasso.cpp LIBS alamod_models)
target_compile_definitions(test_yasso PRIVATE ALAMOD_TEST_YASSO15_REFS="${CMAKE_SOURCE_DIR}/tests/data/yasso15"
                                              ALAMOD_TEST_YASSO07_REFS="${CMAKE_SOURCE_DIR}/tests/data/yasso07")
