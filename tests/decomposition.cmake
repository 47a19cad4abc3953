# The land partition from slabs of rows (grid runs) against the partition from the whole mask.
alamod_mpi_test(test_land_partition SOURCES unit/test_land_partition.cpp LIBS alamod_decomposition RANKS 1 2 3 4)

# A cost-weight raster moves the rank boundaries (and nothing in the results); bad weights are named.
alamod_script_test(grid_cost_weight /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/integration/test_cost_weight.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --work ${ALAMOD_RUN_DIR}/cost_weight)
set_tests_properties(grid_cost_weight PROPERTIES FIXTURES_REQUIRED france_data TIMEOUT 300 PROCESSORS 2)

# The output's I/O layout: chunk-row boundaries, the exchange, weighted and measured-cost balancing.
alamod_mpi_test(test_row_io_layout SOURCES unit/test_row_io_layout.cpp LIBS alamod_decomposition RANKS 1 2 3 4)

# Cells moving between ranks: a partition rebalanced on per-cell weights equals the one built from the
# whole weight vector; every per-cell array arrives at its new owner in land order.
alamod_mpi_test(test_land_migration SOURCES unit/test_land_migration.cpp LIBS alamod_decomposition RANKS 1 2 3 4)
