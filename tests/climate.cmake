# Climate products made into the monthly file of a grid run (alamod climate prepare, docs/CLIMATE.md).
alamod_serial_test(test_climate SOURCES unit/test_climate.cpp LIBS alamod_engine)
alamod_script_test(climate_products /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_climate_products.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --ranks 2)
set_tests_properties(climate_products PROPERTIES TIMEOUT 300 PROCESSORS 2)
