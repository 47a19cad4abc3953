# The helpers of engine/common/ that every part uses: atomic text outputs (a symbolic link or folder at the
# target refused, an unwritable folder named with the reason, no temporary left behind).
alamod_serial_test(test_atomic_file SOURCES unit/test_atomic_file.cpp LIBS alamod_common)
