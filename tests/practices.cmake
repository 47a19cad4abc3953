# Practice presets (engine/scenario/practices): every preset's effect at its defaults, overrides, the one-line errors,
# the defaults against scripts/calibrate_practices.py's table, and the calibration regression of cover crops with the
# RothC kernel on 14 real France cropland tiles (tests/data/practices/france_cells.csv, written by that script).
alamod_serial_test(test_practices SOURCES unit/test_practices.cpp LIBS alamod_engine)
target_compile_definitions(test_practices PRIVATE ALAMOD_TEST_PRACTICES_DIR="${CMAKE_SOURCE_DIR}/tests/data/practices"
                           ALAMOD_TEST_CALIBRATION_CSV="${CMAKE_SOURCE_DIR}/data/scenarios/practice_calibration.csv")
