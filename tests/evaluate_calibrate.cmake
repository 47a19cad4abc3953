# alamod evaluate / calibrate on the shipped site datasets, over MPI ranks, and the upscaling path.
alamod_script_test(evaluate_calibrate_sites /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/test_evaluate_calibrate.py --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/evaluate)
set_tests_properties(evaluate_calibrate_sites PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 3)

# The report of that real evaluation (10 sites, 3 models) rendered in headless Chromium.
set_tests_properties(evaluate_calibrate_sites PROPERTIES FIXTURES_SETUP evaluate_outputs)
alamod_script_test(evaluate_report_renders_in_chromium /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/test_report_chromium.py
  --report ${CMAKE_BINARY_DIR}/test_output/evaluate/eval_np1 --work ${CMAKE_BINARY_DIR}/test_output/report_real)
set_tests_properties(evaluate_report_renders_in_chromium PROPERTIES FIXTURES_REQUIRED evaluate_outputs TIMEOUT 300)
