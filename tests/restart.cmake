# Checkpoint/restart with real signals (SIGTERM, SIGKILL) and rank-count changes.
alamod_script_test(restart_bitwise /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_restart.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/restart)
set_tests_properties(restart_bitwise PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 3)
