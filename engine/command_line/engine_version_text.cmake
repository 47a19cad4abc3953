# Writes OUT, a C++ string literal holding the text of `ENGINE --version` (alamod-engine's: its version,
# commit and the libraries it loads), for the light alamod executable's --version (engine/CMakeLists.txt).
execute_process(COMMAND ${ENGINE} --version OUTPUT_VARIABLE text RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${ENGINE} --version failed (${rc}): ${err}")
endif()
file(WRITE ${OUT}.tmp "R\"alamod_version(${text})alamod_version\"\n")
file(RENAME ${OUT}.tmp ${OUT})
