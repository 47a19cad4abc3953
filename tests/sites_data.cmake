# Site packages (engine/site_data): `alamod sites validate` and `alamod sites complete`.
# Unit tests: the equivalent-soil-mass spline (a worked example checked by hand), the bulk-density
# pedotransfer function, UDUNITS conversions, the forcing reader's unit `1`.
alamod_serial_test(test_site_data SOURCES unit/test_site_data.cpp LIBS alamod_engine)
# End to end with the real binary: every shipped site package validates; each bad package of
# tests/data/sites_bad/ is refused with one line naming file, line and column, the documented exit status,
# and nothing written by `complete`; a completed package carries its methods and validates.
alamod_script_test(sites_validate_complete /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_sites_data.py)
set_tests_properties(sites_validate_complete PROPERTIES TIMEOUT 120)
