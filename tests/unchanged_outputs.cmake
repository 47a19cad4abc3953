# Outputs unchanged by a change of code structure: the fingerprints (SHA-256 of every output variable and
# CSV table) of the France 8 km default for every registered model, of `alamod site` for every model, of
# `alamod evaluate` and of the official drop-ins, against those stored before the engine was reorganised
# (tests/data/output_fingerprints.json, written by the same script with --write from commit 96a336e).
alamod_script_test(unchanged_outputs /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/output_fingerprints.py
  --alamod $<TARGET_FILE:alamod> --check ${CMAKE_SOURCE_DIR}/tests/data/output_fingerprints.json)
set_tests_properties(unchanged_outputs PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 2 TIMEOUT 600)
