# The site settings of issue 22 part 4 (docs/SITES.md "Site settings"): CENTURY's structural lignin and
# surface/soil split against the published equations' steady state, Yasso's sub-annual steps against the
# official annual Fortran outputs, explicit initial pools and their errors, Millennial's RK4 (with the
# kernel's convergence in test_site_settings), MIMICS's end-of-step respiration rate against the official
# script, and FORMAT.md's rule for the unit `1`.
alamod_serial_test(test_site_settings SOURCES unit/test_site_settings.cpp LIBS alamod_models)
foreach(part century yasso pools millennial mimics units)
  alamod_script_test(site_settings_${part} /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_site_settings.py
    --only ${part})
endforeach()
