# Vegetation on the grid's tiles ([vegetation]; docs/VEGETATION.md, "Grid runs"), tests/integration/
# test_vegetation_grid.py on configs/france_vegetation.toml: a 40 x 40 window at 1, 2 and 3 ranks with cells moving
# (every variable bitwise the same, CMIP names and units, every cell's vegetation balance each year); a SIGTERM on 2
# ranks restarted on 3 (the 1-rank run's bits); bad inputs (fAPAR outside 0-1, species without parameters, an
# all-cloud cell, a région without forest rows: one line, exit 1, no output); the France 8 km forest against IGN
# (initial live carbon within 1 % for the same areas; production, removals, mortality within 20 %); the litter as
# the soil's input (RothC: fCarbonInput = fVegLitter on every cell, 1 and 3 ranks bitwise; needs RothC's
# set_input_change; AMG: its humified input 0.3 x the previous year's litter); the soil spun up on the litter (drift of the first decade below 0.5 %, against a jump above 3 %
# when spun up on the static raster); scenarios (the litter with a scenario's interventions on top: the baseline
# bitwise a run without scenarios, the scenario's soil input 1.2 x litter + cover crops on cropland, 1 and 3 ranks);
# land-use change with vegetation (luc: 1 and 3 ranks bitwise, every cell's vegetation + soil + exported carbon
# conserved, forest cleared, grassland ploughed, a young stand on new forest; luc-restart: SIGTERM and restart).
set(ALAMOD_VEGETATION_GRID_TEST ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_vegetation_grid.py)
foreach(what ranks restart bad-input ign coupled spinup scenarios luc luc-restart)
  alamod_script_test(vegetation_grid_${what} /usr/bin/python3 ${ALAMOD_VEGETATION_GRID_TEST} ${what}
    --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/vegetation_grid_${what})
  set_tests_properties(vegetation_grid_${what} PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 3 TIMEOUT 300)
endforeach()
