# End-to-end grid runs on the France 8 km default, at 1, 2 and 3 ranks; the
# outputs must be bitwise identical and open cleanly in xarray, CDO and GDAL.

# The 8 km forcing is generated at set-up, not committed: make it if missing.
alamod_script_test(france_forcing_ready /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/ensure_france_forcing.py --source-dir ${CMAKE_SOURCE_DIR})
set_tests_properties(france_forcing_ready PROPERTIES FIXTURES_SETUP france_data TIMEOUT 600)

foreach(np 1 2 3)
  add_test(NAME grid_run_np${np}
    COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} ${np} $<TARGET_FILE:alamod>
      run ${CMAKE_SOURCE_DIR}/configs/france_default.toml --out ${ALAMOD_RUN_DIR}/grid_np${np} --overwrite
      --set run.end_year=1999 --set output.precision="double")
  set_tests_properties(grid_run_np${np} PROPERTIES ENVIRONMENT "${ALAMOD_TEST_ENV}" PROCESSORS ${np}
    FIXTURES_REQUIRED france_data FIXTURES_SETUP grid_runs TIMEOUT 600
    PASS_REGULAR_EXPRESSION "wrote .*carbon_yearly.nc")
endforeach()

alamod_script_test(grid_run_rank_invariance /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
  ${ALAMOD_RUN_DIR}/grid_np1/carbon_yearly.nc ${ALAMOD_RUN_DIR}/grid_np2/carbon_yearly.nc
  ${ALAMOD_RUN_DIR}/grid_np3/carbon_yearly.nc)
set_tests_properties(grid_run_rank_invariance PROPERTIES FIXTURES_REQUIRED grid_runs)

alamod_script_test(grid_output_readers /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py readers ${ALAMOD_RUN_DIR}/grid_np2/carbon_yearly.nc
  --mask ${CMAKE_SOURCE_DIR}/data/france/land_mask_8km.tif)
set_tests_properties(grid_output_readers PROPERTIES FIXTURES_REQUIRED grid_runs)

# The models library must not reach MPI, PETSc, GDAL or netCDF.
alamod_script_test(models_isolation /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_models_isolation.py ${CMAKE_SOURCE_DIR}/models)

# Inverse spin-up (GSOCseq): per-cell inputs such that the equilibrium equals the RMQS-based stocks.
alamod_france_run(grid_run_inverse_spinup RANKS 2 OUT inverse FIXTURE inverse_run
  ARGS --quiet --set run.end_year=1991 --set spinup.method="inverse" --set output.precision="double")
alamod_script_test(grid_inverse_spinup_matches_observed /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py inverse ${ALAMOD_RUN_DIR}/inverse/carbon_yearly.nc
  --soc ${CMAKE_SOURCE_DIR}/data/france/soc_stock_{class}_8km.tif)
set_tests_properties(grid_inverse_spinup_matches_observed PROPERTIES FIXTURES_REQUIRED inverse_run)

# Scaled start (spinup.method = "scaled"): the equilibrium with the inputs as given, each tile's pools then scaled
# to its class's observed (ALDO/RMQS-based) stock; RothC (its own grid binding) on 1, 2 and 3 ranks, bitwise the
# same, and ICBM (the shared CellGrid binding), each against a run at equilibrium (the inputs the same).
foreach(n 1 2 3)
  alamod_france_run(grid_run_scaled_start_np${n} RANKS ${n} OUT scaled_np${n} FIXTURE scaled_runs
    ARGS --quiet --set run.end_year=1990 --set spinup.method="scaled" --set output.precision="double")
endforeach()
alamod_france_run(grid_run_scaled_start_reference RANKS 1 OUT scaled_equilibrium FIXTURE scaled_runs
  ARGS --quiet --set run.end_year=1990 --set spinup.method="equilibrium" --set output.precision="double")
foreach(m icbm)
  alamod_france_run(grid_run_scaled_start_${m} RANKS 2 OUT scaled_${m} FIXTURE scaled_runs
    ARGS --quiet --set model="${m}" --set run.end_year=1990 --set spinup.method="scaled" --set output.precision="double")
  alamod_france_run(grid_run_scaled_start_${m}_reference RANKS 1 OUT scaled_${m}_equilibrium FIXTURE scaled_runs
    ARGS --quiet --set model="${m}" --set run.end_year=1990 --set spinup.method="equilibrium" --set output.precision="double")
endforeach()
alamod_script_test(grid_scaled_start_matches_observed /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py scaled ${ALAMOD_RUN_DIR}/scaled_np2/carbon_yearly.nc
  ${ALAMOD_RUN_DIR}/scaled_equilibrium/carbon_yearly.nc --soc ${CMAKE_SOURCE_DIR}/data/france/soc_stock_{class}_8km.tif)
alamod_script_test(grid_scaled_start_icbm_matches_observed /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py scaled ${ALAMOD_RUN_DIR}/scaled_icbm/carbon_yearly.nc
  ${ALAMOD_RUN_DIR}/scaled_icbm_equilibrium/carbon_yearly.nc --soc ${CMAKE_SOURCE_DIR}/data/france/soc_stock_{class}_8km.tif)
alamod_script_test(grid_scaled_start_rank_invariance /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical ${ALAMOD_RUN_DIR}/scaled_np1/carbon_yearly.nc
  ${ALAMOD_RUN_DIR}/scaled_np2/carbon_yearly.nc ${ALAMOD_RUN_DIR}/scaled_np3/carbon_yearly.nc)
set_tests_properties(grid_scaled_start_matches_observed grid_scaled_start_icbm_matches_observed
  grid_scaled_start_rank_invariance PROPERTIES FIXTURES_REQUIRED scaled_runs)
# a nonlinear model has no scaled start: test_bad_input (scaled_start_nonlinear_model)

# Static layers in other CRSs, resolutions and formats are warped to the run grid.
alamod_script_test(grid_inputs_any_crs /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_any_crs_inputs.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${CMAKE_BINARY_DIR}/test_output/any_crs)
set_tests_properties(grid_inputs_any_crs PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 300 PROCESSORS 2)

# PETSc's -log_view passes through and shows the run's phases as PETSc log events (3 years: 3 compute events).
add_test(NAME grid_run_log_view
  COMMAND ${MPIEXEC_EXECUTABLE} ${MPIEXEC_NUMPROC_FLAG} 2 $<TARGET_FILE:alamod>
    run ${CMAKE_SOURCE_DIR}/configs/france_default.toml --out ${ALAMOD_RUN_DIR}/log_view --overwrite --quiet
    --set run.end_year=1992 -log_view)
set_tests_properties(grid_run_log_view PROPERTIES ENVIRONMENT "${ALAMOD_TEST_ENV}" PROCESSORS 2
  FIXTURES_REQUIRED france_data TIMEOUT 300
  PASS_REGULAR_EXPRESSION "alamodCompute +3 ")

# Outputs are compressed by libdeflate (grids/fast_deflate.hpp) unless ALAMOD_DEFLATE=zlib: both give
# the same values, and the libdeflate-written files are the ones the readers test opens with
# xarray, CDO and GDAL (each decoding with its own zlib).
alamod_france_run(grid_run_zlib_np2 RANKS 2 OUT grid_zlib FIXTURE grid_zlib TIMEOUT 600 ENV ALAMOD_DEFLATE=zlib
  ARGS --set run.end_year=1999 --set output.precision="double")
alamod_script_test(grid_deflate_implementations_agree /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
  ${ALAMOD_RUN_DIR}/grid_np2/carbon_yearly.nc ${ALAMOD_RUN_DIR}/grid_zlib/carbon_yearly.nc)
set_tests_properties(grid_deflate_implementations_agree PROPERTIES FIXTURES_REQUIRED "grid_runs;grid_zlib")

# output.deflate_low_bytes = "runs": the low-order bytes coded by runs in alamod's own deflate blocks.
# The values are bitwise those of 1 rank, and xarray, CDO and GDAL decode the file with their zlib.
alamod_france_run(grid_run_low_bytes_runs_np2 RANKS 2 OUT low_bytes_runs FIXTURE low_bytes_runs
  ARGS --quiet --set run.end_year=1999 --set output.precision="double" --set output.deflate_low_bytes="runs")
alamod_script_test(grid_low_bytes_runs_identical /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
  ${ALAMOD_RUN_DIR}/grid_np1/carbon_yearly.nc ${ALAMOD_RUN_DIR}/low_bytes_runs/carbon_yearly.nc
  --low-bytes-runs-over ${ALAMOD_RUN_DIR}/grid_np2/carbon_yearly.nc)
set_tests_properties(grid_low_bytes_runs_identical PROPERTIES FIXTURES_REQUIRED "grid_runs;low_bytes_runs")
alamod_script_test(grid_low_bytes_runs_readers /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py readers ${ALAMOD_RUN_DIR}/low_bytes_runs/carbon_yearly.nc
  --mask ${CMAKE_SOURCE_DIR}/data/france/land_mask_8km.tif)
set_tests_properties(grid_low_bytes_runs_readers PROPERTIES FIXTURES_REQUIRED low_bytes_runs)

# The exact RothC spin-up agrees with brute-force cycling to 1e-9 per cycle (8 km, ~2,000 cycles per cell), both
# to the equilibrium of the given inputs (the default's inverse spin-up scales them first).
alamod_france_run(grid_run_brute_force_spinup RANKS 2 OUT brute_force FIXTURE brute_force_run
  ARGS --quiet --set run.end_year=1990 --set spinup.method="brute_force" --set output.precision="double")
alamod_france_run(grid_run_exact_spinup RANKS 2 OUT exact_spinup FIXTURE exact_spinup_run
  ARGS --quiet --set run.end_year=1990 --set spinup.method="equilibrium" --set output.precision="double")
alamod_script_test(grid_exact_spinup_matches_brute_force /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py spinup ${ALAMOD_RUN_DIR}/exact_spinup/carbon_yearly.nc
  ${ALAMOD_RUN_DIR}/brute_force/carbon_yearly.nc --rtol 1e-6)
set_tests_properties(grid_exact_spinup_matches_brute_force PROPERTIES FIXTURES_REQUIRED "exact_spinup_run;brute_force_run")

# output.significant_bits: lossy BitRound of the carbon variables through netCDF's quantization, in a
# parallel write: the attribute is set, the cleared mantissa bits are zero, and the values stay within
# the BitRound bound of the lossless double-precision run (grid_np2, same years, same rank count).
alamod_france_run(grid_run_quantized_np2 RANKS 2 OUT quantized FIXTURE quantized_run
  ARGS --quiet --set run.end_year=1999 --set output.significant_bits=10)
alamod_script_test(grid_output_quantized /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py quantized
  ${ALAMOD_RUN_DIR}/quantized/carbon_yearly.nc ${ALAMOD_RUN_DIR}/grid_np2/carbon_yearly.nc --bits 10)
set_tests_properties(grid_output_quantized PROPERTIES FIXTURES_REQUIRED "grid_runs;quantized_run")

# Climate forcing read per rank or shared (each monthly field decoded by one rank and broadcast):
# the same values as written (packed and unit-converted), the automatic choice from the file's
# chunks, and a fill value over land reported on every rank.
alamod_mpi_test(test_forcing SOURCES unit/test_forcing.cpp LIBS alamod_engine RANKS 1 2 3 4)

# The same run with every rank reading its own window of the climate file (grid_run_np3 shares the
# 8 km file's whole-field chunks automatically): bitwise the same output.
alamod_france_run(grid_run_climate_per_rank_np3 RANKS 3 OUT climate_per_rank FIXTURE climate_per_rank
  ARGS --quiet --set run.end_year=1999 --set output.precision="double" --set inputs.climate_reading="per_rank")
alamod_script_test(grid_climate_reading_invariance /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
  ${ALAMOD_RUN_DIR}/grid_np1/carbon_yearly.nc ${ALAMOD_RUN_DIR}/grid_np3/carbon_yearly.nc
  ${ALAMOD_RUN_DIR}/climate_per_rank/carbon_yearly.nc --climate-reading per_rank,shared,per_rank)
set_tests_properties(grid_climate_reading_invariance PROPERTIES FIXTURES_REQUIRED "grid_runs;climate_per_rank")

# Land cells move between ranks on the measured compute time (decomposition.rebalance): with
# rebalance = "always" every check moves some (the first after the 4th year; grid_run_repartition_np3 checks
# every 2 years: cells move at 3 checks, arrays growing and shrinking in place), carrying their state, static
# layers and climate mapping; the output is bitwise that of 1 rank, for RothC and for a model of the
# generic state layout (AMG); the climate reading stays shared through the moves (the 8 km file's
# whole-field chunks) and alamod_climate_reading records no change. restart_bitwise_millennial restarts
# from checkpoints of moved cells.
alamod_france_run(grid_run_repartition_np3 RANKS 3 OUT repartition FIXTURE repartition_run
  ARGS --quiet --set run.end_year=1999 --set output.precision="double" --set decomposition.rebalance="always"
    --set decomposition.rebalance_every_years=2)
alamod_script_test(grid_repartition_invariance /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
  ${ALAMOD_RUN_DIR}/grid_np1/carbon_yearly.nc ${ALAMOD_RUN_DIR}/repartition/carbon_yearly.nc --repartitioned no,2
  --climate-reading per_rank,shared)
set_tests_properties(grid_repartition_invariance PROPERTIES FIXTURES_REQUIRED "grid_runs;repartition_run")
foreach(np 1 3)
  alamod_france_run(grid_run_amg_repartition_np${np} RANKS ${np} OUT amg_repartition_np${np} FIXTURE amg_repartition
    ARGS --quiet --set model="amg" --set run.end_year=1996 --set output.precision="double"
      --set decomposition.rebalance="always")
endforeach()
alamod_script_test(grid_amg_repartition_invariance /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_grid_output.py identical
  ${ALAMOD_RUN_DIR}/amg_repartition_np1/carbon_yearly.nc ${ALAMOD_RUN_DIR}/amg_repartition_np3/carbon_yearly.nc
  --repartitioned no,yes --pools "ACTIVE STABLE" --climate-reading per_rank,shared)
set_tests_properties(grid_amg_repartition_invariance PROPERTIES FIXTURES_REQUIRED amg_repartition)
# A move that changes how the climate is read: a climate copy chunked in column blocks and a cost-weight
# raster that makes rank 0's first cells look 110 times dearer than they are, so the first check moves
# ~1,500 cells to rank 0 whatever the machine's speed and its window then spans every block: the reading
# goes from per rank to shared, the log and alamod_climate_reading say so, the output is bitwise 1 rank's.
alamod_script_test(grid_reading_change_on_move /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/test_reading_change.py ${ALAMOD_RUN_DIR}/reading_change)
set_tests_properties(grid_reading_change_on_move PROPERTIES FIXTURES_REQUIRED france_data PROCESSORS 2 TIMEOUT 300)

# The output's CF grid mapping for run grids in three CRSs (Lambert-93, ETRS89-LAEA, UTM 31N): GDAL must
# rebuild the configured projection from the CF attributes alone (tests/integration/test_grid_mapping.py).
alamod_script_test(grid_cf_grid_mapping /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_grid_mapping.py
  $<TARGET_FILE:alamod> ${CMAKE_SOURCE_DIR}/configs/france_default.toml ${CMAKE_BINARY_DIR}/test_output/grid_mapping)
set_tests_properties(grid_cf_grid_mapping PROPERTIES FIXTURES_REQUIRED france_data)

# Values a run must not let through: the yearly check names a non-finite pool, stock or flux and its cell;
# the CF writer refuses on every rank a value its variable cannot hold (issue 18, item 7).
alamod_mpi_test(test_grid_run_values SOURCES unit/test_grid_run_values.cpp LIBS alamod_engine RANKS 1 2 3)
