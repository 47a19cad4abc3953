# Scenarios (docs/SCENARIOS.md), tests/integration/test_scenarios.py on tests/data/scenarios/scenarios.toml (the France
# 8 km default, 2016-2024, branch 2020): phases (shared phases computed once, one CF file per scenario with
# alamod_scenario, the baseline bitwise a plain run's years, input x 1.0 bitwise the baseline, each change only from
# its year and its zone, totals.csv of every phase), ranks (every file bitwise the same on 1, 2 and 3 ranks with cells
# moving, in the forward periods too), restart (SIGTERM in a scenario's forward period or in the historical years on 2 ranks, --restart on 3:
# every variable of every file bitwise an uninterrupted 1-rank run's), restart-inputs (a restart after a
# scenario's file changed: one line naming it; --restart FILE refused with its reason), bad-input (every bad scenario input: one line naming the file, scenario and key, nothing written), explain
# (alamod scenario explain: flattened scenarios, eligible area per région and class, adoption per year), report (the
# scenario comparison page in headless Chromium, its difference GeoTIFFs against the NetCDF outputs, the GSOCseq ASR
# and RSR maps against totals.csv), area-targets
# (area_target_ha per région, as a table and as a CSV: the output's added input per région equals each target, 1 and 3
# ranks bitwise, explain's per-région lines).
set(ALAMOD_SCENARIOS_TEST ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_scenarios.py)
foreach(what phases ranks restart restart-inputs bad-input explain report maps area-targets)
  alamod_script_test(scenarios_${what} /usr/bin/python3 ${ALAMOD_SCENARIOS_TEST} ${what}
    --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/scenarios_${what})
  set_tests_properties(scenarios_${what} PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 3 TIMEOUT 600)
endforeach()
set_tests_properties(scenarios_explain PROPERTIES PROCESSORS 1)  # one process: `alamod scenario explain`

# The spin-up's own climate period and file (spinup.first_year, spinup.climate): tests/integration/test_spinup_climate.py.
alamod_script_test(scenarios_spinup_climate /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_spinup_climate.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/scenarios_spinup_climate)
set_tests_properties(scenarios_spinup_climate PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 2 TIMEOUT 600)

# The spin-up's own land cover (spinup.land_cover_map): tests/integration/test_spinup_land_cover.py, on a 40 x 25 cell
# window of the France 8 km default: the fractions before and after, each tile's stock after the switch against the
# mixing rule computed in the test, carbon conserved, bitwise on 1 and 3 ranks, a missing map.
alamod_script_test(scenarios_spinup_land_cover /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_spinup_land_cover.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/scenarios_spinup_land_cover)
set_tests_properties(scenarios_spinup_land_cover PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 3 TIMEOUT 600)
