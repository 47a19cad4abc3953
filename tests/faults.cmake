# Faults a run must survive and damaged state or absurd values it must refuse (docs/FAULTS.md,
# tests/integration/test_faults.py): every case has a time limit, so a hang fails. Cases whose outcome can
# depend on the rank count run at 1, 2 and 3 ranks.
set(ALAMOD_FAULTS ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_faults.py --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR})
foreach(np 1 2 3)
  alamod_script_test(faults_collective_np${np} /usr/bin/python3 ${ALAMOD_FAULTS} --ranks ${np}
    --only disk_full,stalls,concurrent,signals)
  set_tests_properties(faults_collective_np${np} PROPERTIES TIMEOUT 400 PROCESSORS ${np} FIXTURES_REQUIRED france_data)
endforeach()
foreach(np 1 3)
  alamod_script_test(faults_outputs_np${np} /usr/bin/python3 ${ALAMOD_FAULTS} --ranks ${np} --only long_paths,links,overwrite)
  set_tests_properties(faults_outputs_np${np} PROPERTIES TIMEOUT 300 PROCESSORS ${np})
endforeach()
alamod_script_test(faults_restart_np2 /usr/bin/python3 ${ALAMOD_FAULTS} --ranks 2 --only restart)
alamod_script_test(faults_values_np2 /usr/bin/python3 ${ALAMOD_FAULTS} --ranks 2 --only values)
alamod_script_test(faults_sites_np2 /usr/bin/python3 ${ALAMOD_FAULTS} --ranks 2 --only sites)
set_tests_properties(faults_restart_np2 faults_values_np2 faults_sites_np2 PROPERTIES TIMEOUT 400 PROCESSORS 2
  FIXTURES_REQUIRED france_data)
