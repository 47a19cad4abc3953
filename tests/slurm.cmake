# The national jobscript on a real single-node SLURM (installed by scripts/install_deps.sh --with-slurm):
# signalled before its time limit, checkpointed, requeued, finished, bitwise identical.
alamod_script_test(slurm_national_requeue /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_slurm.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/slurm)
set_tests_properties(slurm_national_requeue PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 900 PROCESSORS 2
  RUN_SERIAL TRUE)
