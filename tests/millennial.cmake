# Millennial v2: the daily kernel against the official Fortran outputs (copied from
# ../shared/refs/models/millennial_v2/shipped into tests/data/millennial; ALAMOD_MILLENNIAL_REFS overrides),
# the carbon balance, parameter and site validation, and the R version's RK4 step.
alamod_serial_test(test_millennial SOURCES unit/test_millennial.cpp LIBS alamod_models)
target_compile_definitions(test_millennial PRIVATE ALAMOD_TEST_MILLENNIAL_DATA="${CMAKE_SOURCE_DIR}/tests/data/millennial")
