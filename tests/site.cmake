# `alamod site`: the site forcing reader and every registered model at one site
# (a generated 30-year forcing; RothC on the official example against the official reference).
alamod_serial_test(test_site_run SOURCES unit/test_site_run.cpp LIBS alamod_engine)
target_compile_definitions(test_site_run PRIVATE ALAMOD_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
