# Totals and the run report (engine/totals; docs/OUTPUTS.md, "Totals and report"): the France 8 km default
# with zones of a vector file (three bands of latitude, by area share) at 1, 2 and 3 ranks with cells moving
# between ranks; totals.csv bitwise the same on every rank count, zone totals adding up to the national total,
# INSEE names, totals.nc, the COG GeoTIFF, the default's start at the observed stock
# (tests/integration/test_totals.py); `alamod summarize` on 1 and 3 ranks giving the run's totals again, also
# from a lossy (BitRound) output; a restart; bad zone files; the report in headless Chromium
# (tests/integration/test_totals_report.py).
set(ALAMOD_TOTALS_TEST ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_totals.py)
set(ALAMOD_TOTALS_ZONES ${ALAMOD_RUN_DIR}/totals_zones)

alamod_script_test(totals_zone_files /usr/bin/python3 ${ALAMOD_TOTALS_TEST} make-zones --work ${ALAMOD_TOTALS_ZONES})
set_tests_properties(totals_zone_files PROPERTIES FIXTURES_SETUP totals_zones)

foreach(np 1 2 3)
  alamod_france_run(totals_run_np${np} RANKS ${np} OUT totals_np${np} FIXTURE totals_runs
    ARGS --quiet --set run.end_year=1999 --set decomposition.rebalance="always"
      --set decomposition.rebalance_every_years=2 --set totals.zones="${ALAMOD_TOTALS_ZONES}/zones.gpkg"
      --set totals.zone_field="code")
  set_property(TEST totals_run_np${np} APPEND PROPERTY FIXTURES_REQUIRED totals_zones)
endforeach()

alamod_script_test(totals_rank_invariance /usr/bin/python3 ${ALAMOD_TOTALS_TEST} check
  --runs ${ALAMOD_RUN_DIR}/totals_np1 ${ALAMOD_RUN_DIR}/totals_np2 ${ALAMOD_RUN_DIR}/totals_np3
  --soc ${CMAKE_SOURCE_DIR}/data/france/soc_stock_{class}_8km.tif)
set_tests_properties(totals_rank_invariance PROPERTIES FIXTURES_REQUIRED totals_runs)

alamod_script_test(totals_summarize /usr/bin/python3 ${ALAMOD_TOTALS_TEST} summarize --alamod $<TARGET_FILE:alamod>
  --run ${ALAMOD_RUN_DIR}/totals_np2 --work ${ALAMOD_RUN_DIR}/totals_summarize
  --zones ${ALAMOD_TOTALS_ZONES}/zones.gpkg --zone-field code --raster-zones ${ALAMOD_TOTALS_ZONES}/zones_codes.tif)
set_tests_properties(totals_summarize PROPERTIES FIXTURES_REQUIRED "totals_runs;totals_zones" PROCESSORS 3 TIMEOUT 300)

# output.significant_bits: the totals add the values as BitRound stores them, so summarize finds them again
alamod_script_test(totals_summarize_quantized /usr/bin/python3 ${ALAMOD_TOTALS_TEST} summarize
  --alamod $<TARGET_FILE:alamod> --run ${ALAMOD_RUN_DIR}/quantized --work ${ALAMOD_RUN_DIR}/totals_summarize_quantized)
set_tests_properties(totals_summarize_quantized PROPERTIES FIXTURES_REQUIRED quantized_run PROCESSORS 3 TIMEOUT 300)

alamod_script_test(totals_restart /usr/bin/python3 ${ALAMOD_TOTALS_TEST} restart --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/totals_restart)
set_tests_properties(totals_restart PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 3 TIMEOUT 300)

alamod_script_test(totals_bad_zones /usr/bin/python3 ${ALAMOD_TOTALS_TEST} bad-zones --alamod $<TARGET_FILE:alamod>
  --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/totals_bad_zones --zones-dir ${ALAMOD_TOTALS_ZONES})
set_tests_properties(totals_bad_zones PROPERTIES FIXTURES_REQUIRED "france_data;totals_zones" PROCESSORS 2 TIMEOUT 300)

alamod_script_test(totals_report_renders_in_chromium /usr/bin/python3
  ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_totals_report.py --report ${ALAMOD_RUN_DIR}/totals_np2
  --work ${ALAMOD_RUN_DIR}/totals_report)
set_tests_properties(totals_report_renders_in_chromium PROPERTIES FIXTURES_REQUIRED totals_runs TIMEOUT 300)

# Several models compared in one run (model = [...]): own outputs, gathered totals, the comparison report.
alamod_script_test(model_comparison /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_model_comparison.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/model_comparison --ranks 2)
set_tests_properties(model_comparison PROPERTIES TIMEOUT 600 PROCESSORS 2 FIXTURES_REQUIRED france_data)
