# Fast spin-up (engine/spinup/): exact linear equilibria, the SNES fixed point of the nonlinear models,
# the inverse RothC spin-up. One process: every solve runs on PETSC_COMM_SELF, PETSc is initialised in
# the test's own main. Print the iterations and costs with `ctest -R spinup -V`.
add_executable(test_spinup unit/test_spinup.cpp)
target_link_libraries(test_spinup PRIVATE alamod_engine GTest::gtest)
target_compile_definitions(test_spinup PRIVATE ALAMOD_TEST_DATA="${CMAKE_SOURCE_DIR}/tests/data")
add_test(NAME test_spinup COMMAND test_spinup)
set_tests_properties(test_spinup PROPERTIES ENVIRONMENT "${ALAMOD_TEST_ENV}")
