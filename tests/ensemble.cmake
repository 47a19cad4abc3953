# Parameter ensembles on the grid (alamod run --ensemble N --parameters FIT): the draws, and a short France run.
add_executable(test_ensemble unit/test_ensemble.cpp)
target_link_libraries(test_ensemble PRIVATE alamod_engine GTest::gtest_main)
target_compile_definitions(test_ensemble PRIVATE ALAMOD_TEST_DATA="${CMAKE_SOURCE_DIR}/tests/data")
add_test(NAME test_ensemble COMMAND test_ensemble)
set_tests_properties(test_ensemble PROPERTIES ENVIRONMENT "${ALAMOD_TEST_ENV}")
alamod_script_test(ensemble_run /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_ensemble.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/ensemble)
set_tests_properties(ensemble_run PROPERTIES TIMEOUT 600 PROCESSORS 2 FIXTURES_REQUIRED france_data)
