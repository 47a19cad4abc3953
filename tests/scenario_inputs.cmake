# Scenario inputs in every soil model (GridModel::set_input_change, engine/model_bindings/scenario_inputs.hpp):
# one ctest per model, scenario_inputs_NAME, each running that model's cases of unit/test_scenario_inputs.cpp
# (neutral change bitwise, plant factor, the split of each added kind, balance, decomposition factor).
add_executable(test_scenario_inputs unit/test_scenario_inputs.cpp)
target_link_libraries(test_scenario_inputs PRIVATE alamod_engine alamod_models GTest::gtest_main)
foreach(model rothc amg icbm yasso15 yasso07 century millennial mimics)
  add_test(NAME scenario_inputs_${model} COMMAND test_scenario_inputs --gtest_filter=*/${model}:ScenarioInputs${model}.*)
  set_tests_properties(scenario_inputs_${model} PROPERTIES ENVIRONMENT "${ALAMOD_TEST_ENV}")
endforeach()
