# Every registered model on the grid (engine/model_bindings/): the same window of the France
# default on 1 and 3 ranks must give bitwise identical output, and every land cell must keep its
# carbon balance year by year. The window (25 x 25 cells of 8 km around Paris) and five years keep
# MIMICS (hourly steps) to seconds. Every model spins up to the equilibrium of its given inputs (the default's
# inverse spin-up needs a linear model).
set(ALAMOD_WINDOW --set grid.xmin=560000.0 --set grid.xmax=760000.0 --set grid.ymin=6700000.0
  --set grid.ymax=6900000.0 --set run.end_year=1994 --set output.precision="double" --set spinup.method="equilibrium")
# Every model of the registry (engine/model_bindings/registry.cpp, one X(NAME) line each): a new model is
# tested here without touching this file.
file(READ ${CMAKE_SOURCE_DIR}/engine/model_bindings/registry.cpp ALAMOD_REGISTRY)
string(REGEX MATCHALL "\n *X\\([a-z0-9_]+\\)" ALAMOD_REGISTRY_LINES "${ALAMOD_REGISTRY}")
set(ALAMOD_REGISTERED_MODELS "")
foreach(line ${ALAMOD_REGISTRY_LINES})
  string(REGEX REPLACE "^\n *X\\(([a-z0-9_]+)\\)$" "\\1" name "${line}")
  list(APPEND ALAMOD_REGISTERED_MODELS ${name})
endforeach()
list(LENGTH ALAMOD_REGISTERED_MODELS n_registered)
if(n_registered LESS 8)
  message(FATAL_ERROR "tests/grid_models.cmake: read ${n_registered} models from engine/model_bindings/registry.cpp, expected 8 or more")
endif()
foreach(model ${ALAMOD_REGISTERED_MODELS})
  foreach(np 1 3)
    alamod_france_run(grid_${model}_np${np} RANKS ${np} OUT grid_${model}_np${np} FIXTURE grid_${model}
      ARGS --quiet --set model="${model}" ${ALAMOD_WINDOW})
  endforeach()
  alamod_script_test(grid_${model}_rank_invariance /usr/bin/python3
    ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
    ${ALAMOD_RUN_DIR}/grid_${model}_np1/carbon_yearly.nc ${ALAMOD_RUN_DIR}/grid_${model}_np3/carbon_yearly.nc)
  alamod_script_test(grid_${model}_balance /usr/bin/python3
    ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py balance
    ${ALAMOD_RUN_DIR}/grid_${model}_np3/carbon_yearly.nc)
  set_tests_properties(grid_${model}_rank_invariance grid_${model}_balance PROPERTIES FIXTURES_REQUIRED grid_${model})
endforeach()

# A model with leaching and other pools on the whole France grid: the readers see it as they see RothC's.
alamod_france_run(grid_yasso15_france RANKS 2 OUT grid_yasso15_france FIXTURE grid_yasso15_france
  ARGS --quiet --set model="yasso15" --set run.end_year=1991)
alamod_script_test(grid_yasso15_france_readers /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py readers
  ${ALAMOD_RUN_DIR}/grid_yasso15_france/carbon_yearly.nc --mask ${CMAKE_SOURCE_DIR}/data/france/land_mask_8km.tif
  --pools "A W E N H")
set_tests_properties(grid_yasso15_france_readers PROPERTIES FIXTURES_REQUIRED grid_yasso15_france)

# Inverse spin-up of another linear model (CENTURY, 7 pools): the initial SOC is the observed map.
alamod_france_run(grid_century_inverse RANKS 2 OUT grid_century_inverse FIXTURE grid_century_inverse
  ARGS --quiet --set model="century" --set spinup.method="inverse" --set run.end_year=1990
  --set output.precision="double")
alamod_script_test(grid_century_inverse_matches_observed /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py inverse
  ${ALAMOD_RUN_DIR}/grid_century_inverse/carbon_yearly.nc --soc ${CMAKE_SOURCE_DIR}/data/france/soc_stock_{class}_8km.tif)
set_tests_properties(grid_century_inverse_matches_observed PROPERTIES FIXTURES_REQUIRED grid_century_inverse)

# A model parameter set in the configuration reaches the grid run (ICBM k_old doubled: the old pool halves).
alamod_france_run(grid_icbm_parameter RANKS 2 OUT grid_icbm_parameter FIXTURE grid_icbm_parameter
  ARGS --quiet --set model="icbm" --set icbm.parameters.k_old=0.012 ${ALAMOD_WINDOW})
alamod_script_test(grid_icbm_parameter_applied /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py parameter
  ${ALAMOD_RUN_DIR}/grid_icbm_parameter/carbon_yearly.nc --reference ${ALAMOD_RUN_DIR}/grid_icbm_np1/carbon_yearly.nc
  --text "k_old = 0.012 yr-1")
set_tests_properties(grid_icbm_parameter_applied PROPERTIES FIXTURES_REQUIRED "grid_icbm_parameter;grid_icbm")
