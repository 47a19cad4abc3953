# Evaluation (`alamod evaluate`): metrics, the multi-model mean, metrics.csv and the self-contained
# HTML report (unit tests), and the report rendered in headless Chromium (needs the chromium package:
# scripts/install_deps.sh --with-browser).
alamod_serial_test(test_evaluation SOURCES unit/test_evaluation.cpp LIBS alamod_engine)
target_compile_definitions(test_evaluation PRIVATE ALAMOD_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

add_executable(make_example_report unit/make_example_report.cpp)
target_link_libraries(make_example_report PRIVATE alamod_engine)

alamod_script_test(report_renders_in_chromium /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_report_chromium.py
  --generator $<TARGET_FILE:make_example_report> --work ${CMAKE_BINARY_DIR}/test_output/report)
set_tests_properties(report_renders_in_chromium PROPERTIES TIMEOUT 300)
