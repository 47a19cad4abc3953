# 3-PG (3-PGpjs): the shared r3PG example (../shared/refs/models/3pg, copied into tests/data/threepg with
# SOURCE.md) at a relative 1e-8 with r3PG's light behaviour, the mass balance, the species sets, bad input.
alamod_serial_test(test_threepg SOURCES unit/test_threepg.cpp LIBS alamod_engine)
target_compile_definitions(test_threepg PRIVATE ALAMOD_TEST_THREEPG_DATA="${CMAKE_SOURCE_DIR}/tests/data/threepg")
