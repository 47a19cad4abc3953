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

# Starting states of site runs (observed, history, pools, stable) and an evaluation that lists every failed
# run in metrics.csv and exits 4, records parameter files, runs AMG on pan evaporation; 1 and 3 ranks.
alamod_script_test(site_starting_states /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/test_site_starts.py --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/site_starts)
set_tests_properties(site_starting_states PROPERTIES TIMEOUT 300 PROCESSORS 3)

# Twin experiment: RothC observations made from known parameters plus noise; calibrate finds them within
# their stated uncertainty (and writes the covariance), on 1 and 2 ranks.
alamod_script_test(calibration_twin /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/test_calibration_twin.py --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/calibration_twin)
set_tests_properties(calibration_twin PROPERTIES TIMEOUT 300 PROCESSORS 2)

# evaluate weighted by the observations' uncertainty (soc_stock_sd, or a spectral prediction interval as sd):
# weighted RMSE, bias and chi-square per observation against numpy, the unweighted rows unchanged, intervals drawn,
# bad intervals refused by evaluate and by sites validate with file, line and column; 1 and 2 ranks.
alamod_script_test(evaluate_weighted_intervals /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/test_evaluate_uncertainty.py --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/evaluate_uncertainty)
set_tests_properties(evaluate_weighted_intervals PROPERTIES TIMEOUT 300 PROCESSORS 2)

# evaluate --ensemble N --parameters FIT: the 5-95 % band of the parameter draws on the site plots, the same on 1
# and 2 ranks, drawn in headless Chromium.
alamod_script_test(evaluate_ensemble_bands /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_evaluate_ensemble.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/evaluate_ensemble)
set_tests_properties(evaluate_ensemble_bands PROPERTIES TIMEOUT 300 PROCESSORS 2)
