# AMG v2: the kernel (carbon balance, rounding, plant inputs, parameter bounds) and the official-table
# driver against the outputs of the official INRAE R code (copied from ../shared/refs/models/amg into
# tests/data/amg; ALAMOD_AMG_DATA overrides), in both rounding modes, and its handling of bad tables.
alamod_serial_test(test_amg_kernel SOURCES unit/test_amg_kernel.cpp LIBS alamod_models)

alamod_serial_test(test_amg_official SOURCES unit/test_amg_official.cpp LIBS alamod_engine)
target_compile_definitions(test_amg_official PRIVATE ALAMOD_TEST_AMG_DATA="${CMAKE_SOURCE_DIR}/tests/data/amg")
