# Checksums of the provenance records (SHA-256 of configurations and input files).
alamod_serial_test(test_sha256 SOURCES unit/test_sha256.cpp LIBS alamod_grids)

# The output filter's zlib streams (libdeflate, and the low-order bytes coded by runs) decode with zlib.
find_package(ZLIB REQUIRED)
alamod_serial_test(test_fast_deflate SOURCES unit/test_fast_deflate.cpp LIBS alamod_grids ZLIB::ZLIB)
