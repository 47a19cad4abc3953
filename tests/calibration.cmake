# Calibration core (engine/site/calibration.*): an ICBM twin experiment fitted with TAO
# (brgn and pounders), bitwise identical on 1, 2 and 3 ranks; bad input; the
# TOML parameter file round trip.
alamod_mpi_test(test_calibration SOURCES unit/test_calibration.cpp LIBS alamod_engine RANKS 1 2 3)
set_tests_properties(test_calibration_np1 test_calibration_np2 test_calibration_np3 PROPERTIES TIMEOUT 300)
