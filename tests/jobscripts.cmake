# The scaling-study jobscript end to end (short case, 1 and 2 ranks): CSV columns and plot.
alamod_script_test(jobscript_scaling_study /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_scaling_study.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/scaling_study)
set_tests_properties(jobscript_scaling_study PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 2)
