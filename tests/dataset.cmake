# The shipped France default dataset: counts, ranges, CRS, and the forcing.
alamod_script_test(france_default_dataset /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/data/test_france_default.py)
set_tests_properties(france_default_dataset PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 300)
