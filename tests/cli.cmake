# The command line's printing answers (help, version, configuration reference, models): once under
# mpiexec, documented exit codes, and no MPI start-up for them.
alamod_script_test(cli_answers /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_cli.py)
set_tests_properties(cli_answers PROPERTIES TIMEOUT 300 PROCESSORS 2)
