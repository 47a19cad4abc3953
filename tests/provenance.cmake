# Checksums of the provenance records (SHA-256 of configurations and input files).
alamod_serial_test(test_sha256 SOURCES unit/test_sha256.cpp LIBS alamod_grids)
