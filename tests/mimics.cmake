# MIMICS: the hourly kernel and its steady state against the official R script's outputs (copied from
# ../shared/refs/models/mimics into tests/data/mimics; the kept-back experiments run when present under
# ALAMOD_MIMICS_REFS or ../shared), the analytic Jacobian, the carbon balance and validation.
alamod_serial_test(test_mimics SOURCES unit/test_mimics.cpp LIBS alamod_models)
target_compile_definitions(test_mimics PRIVATE ALAMOD_TEST_MIMICS_DATA="${CMAKE_SOURCE_DIR}/tests/data/mimics")
