# The command line's printing answers (help, version, configuration reference, models): once under
# mpiexec, documented exit codes, and no MPI start-up for them.
alamod_script_test(cli_answers /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_cli.py)
# PROCESSORS 1: 17 of its 23 commands are one process; 6 run under `mpiexec -n 2` for a moment.
set_tests_properties(cli_answers PROPERTIES TIMEOUT 300 PROCESSORS 1)

# The light alamod executable (engine/command_line/light_main.cpp): the serial commands load no MPI, PETSc,
# GDAL, netCDF or HDF5 (the loader's own record), their outputs and messages are byte for byte the engine's,
# and the other commands (and a spin-up that needs PETSc's SNES) are handed to alamod-engine.
alamod_script_test(startup_light_executable /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_light_executable.py
  $<TARGET_FILE:alamod_engine_executable>)
# PROCESSORS 1: one process at a time (ldd, the loader's record), one short `mpiexec -n 2` at the end.
set_tests_properties(startup_light_executable PROPERTIES TIMEOUT 300 PROCESSORS 1)
