# Checkpoint/restart with real signals (SIGTERM, SIGKILL) and rank-count changes.
alamod_script_test(restart_bitwise /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_restart.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/restart)
set_tests_properties(restart_bitwise PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 3)

# The same for a nonlinear model with other state variables (Millennial: SNES spin-up, leaching).
alamod_script_test(restart_bitwise_millennial /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_restart.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/restart_millennial
  --model millennial)
set_tests_properties(restart_bitwise_millennial PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 3)
