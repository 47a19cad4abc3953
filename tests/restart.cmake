# Checkpoint/restart with real signals (SIGTERM, SIGKILL) and rank-count changes.
alamod_script_test(restart_bitwise /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_restart.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/restart)
set_tests_properties(restart_bitwise PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 3)

# The same for a nonlinear model with other state variables (Millennial: SNES spin-up to the equilibrium of its
# given inputs, leaching), with land cells moving between ranks at every check (decomposition.rebalance =
# "always": after 1993, 2001, 2009... in a run from 1990, after the 4th year in a restarted one), so that the
# SIGKILL checkpoint (1992-2013) mostly holds state that has migrated, and the restarted runs move cells again.
alamod_script_test(restart_bitwise_millennial /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_restart.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/restart_millennial
  --model millennial --set decomposition.rebalance="always" --set spinup.method="equilibrium")
set_tests_properties(restart_bitwise_millennial PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 3)

# The checksum a checkpoint records of its state is the same on every rank count and partition.
alamod_mpi_test(test_checkpoint_checksum SOURCES unit/test_checkpoint_checksum.cpp LIBS alamod_grids RANKS 1 2 3 4)
