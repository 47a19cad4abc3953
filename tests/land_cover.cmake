# Land cover as sub-grid fractions (tiles; docs/LAND_COVER.md), tests/integration/test_land_cover.py: the France
# 8 km default on tiles at 1, 2 and 3 ranks with cells moving between ranks (every variable and totals.csv bitwise
# the same; fractions, cell area, area-weighted stocks, per-tile inverse spin-up, class areas of the totals); the
# fractions computed from the 1 km class map equal the shipped 8 km layers; land-use change (configs/
# france_luc_example.toml) at 1, 2 and 3 ranks, its fractions against the rule, sealing, per-year class areas, a
# SIGTERM in the transition period restarted on another rank count, bad rate tables; bad fraction inputs; a class's own
# carbon-input raster (land_use.*.carbon_input) against input_factor; land-use change from class maps
# (land_use_change.maps) at 1 and 3 ranks: the last map reached, halfway at mid-period, bad map series; land-use change
# with AMG (luc-amg: its stable pool mixed with the land, every cell balanced, 1 and 3 ranks bitwise). Restarts of a
# tile run on another rank count: restart_bitwise (tests/restart.cmake, the France default is on tiles).
set(ALAMOD_LAND_COVER_TEST ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_land_cover.py)
foreach(what ranks fine-map luc bad-input class-input luc-maps luc-amg)
  alamod_script_test(land_cover_${what} /usr/bin/python3 ${ALAMOD_LAND_COVER_TEST} ${what}
    --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/land_cover_${what})
  set_tests_properties(land_cover_${what} PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 3 TIMEOUT 600)
endforeach()
