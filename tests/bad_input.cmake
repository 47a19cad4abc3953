# Bad input end to end: missing files and variables, wrong units, CRS, NaN/fill values, out-of-range
# rasters, config typos, unknown models, malformed official RothC input and existing output; each must
# fail fast with one `alamod: error:` line and leave no output file (tests/integration/test_bad_input.py).
foreach(np 1 2 3)
  alamod_script_test(bad_input_np${np} /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_bad_input.py
    --alamod $<TARGET_FILE:alamod> --ranks ${np} --source-dir ${CMAKE_SOURCE_DIR})
  set_tests_properties(bad_input_np${np} PROPERTIES TIMEOUT 300 PROCESSORS ${np})
endforeach()
