# The shipped site datasets (data/sites): Frictionless descriptors, table schemas, forcing format, regeneration.
alamod_script_test(site_datasets /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/data/test_site_datasets.py)
set_tests_properties(site_datasets PROPERTIES TIMEOUT 300)
