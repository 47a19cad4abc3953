# The scaling-study jobscript end to end (short case, 1 and 2 ranks): CSV columns and plot.
alamod_script_test(jobscript_scaling_study /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_scaling_study.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/scaling_study)
set_tests_properties(jobscript_scaling_study PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 600 PROCESSORS 2)
# cluster.env and submit.sh without SLURM (fake module system and sbatch): modules loaded only when listed and
# a module command exists, a failed module load stops each jobscript, account/partition/QOS handed to sbatch.
alamod_script_test(jobscript_cluster_settings /bin/bash ${CMAKE_SOURCE_DIR}/tests/integration/test_jobscript_settings.sh
  --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/jobscript_settings)
set_tests_properties(jobscript_cluster_settings PROPERTIES TIMEOUT 120)
