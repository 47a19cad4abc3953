# Finds every dependency of alamod and prints where each one came from. Included by the top-level
# CMakeLists.txt, which wraps each result as one alamod:: target (alamod_dependency) for the folders.
#
# Each dependency comes through its own CMake package where it has one (GDAL, toml++, libdeflate >= 1.15,
# CLI11, GoogleTest, Google Benchmark), CMake's own module (MPI, OpenSSL, GDAL's fallback) or pkg-config,
# and for the parallel I/O stack through FindNetCDFParallel / FindHDF5Parallel / FindPETScAlamod, which
# check that what they find really is the parallel (or real double) build. <Package>_ROOT variables and
# CMAKE_PREFIX_PATH are honoured throughout; docs/BUILDING.md lists them.
include_guard(GLOBAL)
include(AlamodFindUtils)

# --- MPI: CMake's FindMPI (the mpicc/mpicxx wrappers on PATH; MPI_HOME, MPI_ROOT or MPI_<lang>_COMPILER).
find_package(MPI REQUIRED COMPONENTS C CXX)
alamod_describe_found(MPI "MPI" "${MPI_CXX_VERSION}" "FindMPI (${MPI_CXX_COMPILER})"
  LIBRARIES "${MPI_CXX_LIBRARIES}")

# --- PETSc (TAO), parallel netCDF-C, parallel HDF5: the checking find modules of this folder.
find_package(PETScAlamod 3.18 REQUIRED)
find_package(NetCDFParallel REQUIRED)
find_package(HDF5Parallel REQUIRED)

# --- GDAL: its CMake package (GDAL >= 3.5), else CMake's FindGDAL (gdal-config, headers and library).
# A GDAL_ROOT given must be where GDAL comes from: a GDAL_DIR cached by an earlier configuration elsewhere
# is dropped, and a GDAL found outside the root stops the configuration.
alamod_find_roots(_alamod_gdal_roots _alamod_gdal_explicit VARS GDAL_ROOT)
if(_alamod_gdal_explicit)
  foreach(_alamod_v IN ITEMS GDAL_DIR GDAL_INCLUDE_DIR GDAL_LIBRARY GDAL_CONFIG)
    if(${_alamod_v})
      alamod_path_under(_alamod_in "${${_alamod_v}}" ${_alamod_gdal_roots})
      if(NOT _alamod_in)
        unset(${_alamod_v} CACHE)
      endif()
    endif()
  endforeach()
  find_package(GDAL CONFIG QUIET PATHS ${_alamod_gdal_roots} NO_DEFAULT_PATH)
else()
  find_package(GDAL CONFIG QUIET)
endif()
if(GDAL_FOUND)
  set(_alamod_gdal_origin "CMake package ${GDAL_DIR}")
else()
  find_package(GDAL MODULE QUIET)
  set(_alamod_gdal_origin "CMake's FindGDAL (gdal-config '${GDAL_CONFIG}', headers ${GDAL_INCLUDE_DIR})")
endif()
if(NOT TARGET GDAL::GDAL)
  message(FATAL_ERROR "GDAL not found (neither a GDALConfig.cmake nor gdal-config/gdal.h). Point CMake at it "
    "with -DGDAL_ROOT=<prefix> or CMAKE_PREFIX_PATH (module load gdal; Spack: gdal; Debian/Ubuntu: the "
    "libgdal-dev package). See docs/BUILDING.md.")
endif()
get_target_property(_alamod_gdal_incs GDAL::GDAL INTERFACE_INCLUDE_DIRECTORIES)
if(_alamod_gdal_explicit)
  foreach(_alamod_inc IN LISTS _alamod_gdal_incs)
    alamod_path_under(_alamod_in "${_alamod_inc}" ${_alamod_gdal_roots})
    if(NOT _alamod_in)
      message(FATAL_ERROR "GDAL_ROOT is ${_alamod_gdal_roots}, but the GDAL found (${_alamod_gdal_origin}) has "
        "its headers in ${_alamod_inc}: that prefix holds no GDAL CMake package, gdal-config or include/gdal.h "
        "that CMake could use. Check GDAL_ROOT.")
    endif()
  endforeach()
endif()
alamod_describe_found(GDAL "GDAL" "${GDAL_VERSION}" "${_alamod_gdal_origin}" INCLUDE_DIR "${_alamod_gdal_incs}")

# alamod_pc_fallback(<PREFIX> <module> <out-target-var>): PkgConfig::<PREFIX> from the module's .pc file
# in a CMAKE_PREFIX_PATH entry or on pkg-config's search path; <out-target-var> empty when there is none.
macro(alamod_pc_fallback prefix module out)
  set(${out} "")
  alamod_prefix_path(_alamod_prefixes)
  alamod_pkg_config_env_begin(${_alamod_prefixes})
  set(_alamod_pcfile "")
  foreach(_alamod_p IN LISTS _alamod_prefixes)
    alamod_pc_in_prefix(_alamod_pcfile "${_alamod_p}" ${module})
    if(_alamod_pcfile)
      break()
    endif()
  endforeach()
  if(NOT _alamod_pcfile)
    alamod_pc_on_search_path(_alamod_pcfile ${module})
  endif()
  if(_alamod_pcfile)
    alamod_pc_target(${prefix} "${_alamod_pcfile}")
    set(${out} PkgConfig::${prefix})
    set(_alamod_origin "pkg-config ${_alamod_pcfile}")
  endif()
  alamod_pkg_config_env_end()
endmacro()

# --- toml++: its CMake package, else pkg-config, else its headers alone (header-only mode).
find_package(tomlplusplus CONFIG QUIET)
if(TARGET tomlplusplus::tomlplusplus)
  set(ALAMOD_TOML_TARGET tomlplusplus::tomlplusplus)
  alamod_describe_found(TOML "toml++" "${tomlplusplus_VERSION}" "CMake package ${tomlplusplus_DIR}")
else()
  alamod_pc_fallback(ALAMOD_PC_TOML tomlplusplus ALAMOD_TOML_TARGET)
  if(ALAMOD_TOML_TARGET)
    alamod_describe_found(TOML "toml++" "${ALAMOD_PC_TOML_VERSION}" "${_alamod_origin}")
  else()
    find_path(ALAMOD_TOML_INCLUDE_DIR toml++/toml.hpp)
    if(NOT ALAMOD_TOML_INCLUDE_DIR)
      message(FATAL_ERROR "toml++ (tomlplusplus) not found: no tomlplusplusConfig.cmake, tomlplusplus.pc or "
        "toml++/toml.hpp. Set tomlplusplus_ROOT or CMAKE_PREFIX_PATH (Spack: tomlplusplus; Debian/Ubuntu: "
        "libtomlplusplus-dev).")
    endif()
    add_library(alamod_toml_headers INTERFACE IMPORTED)
    set_property(TARGET alamod_toml_headers PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${ALAMOD_TOML_INCLUDE_DIR}")
    set(ALAMOD_TOML_TARGET alamod_toml_headers)
    alamod_describe_found(TOML "toml++" "" "header-only, ${ALAMOD_TOML_INCLUDE_DIR}")
  endif()
endif()

# --- libdeflate: its CMake package (>= 1.15), else pkg-config, else header and library.
find_package(libdeflate CONFIG QUIET)
if(TARGET libdeflate::libdeflate_shared OR TARGET libdeflate::libdeflate_static)
  if(TARGET libdeflate::libdeflate_shared)
    set(ALAMOD_DEFLATE_TARGET libdeflate::libdeflate_shared)
  else()
    set(ALAMOD_DEFLATE_TARGET libdeflate::libdeflate_static)
  endif()
  alamod_describe_found(DEFLATE "libdeflate" "${libdeflate_VERSION}" "CMake package ${libdeflate_DIR}")
else()
  alamod_pc_fallback(ALAMOD_PC_DEFLATE libdeflate ALAMOD_DEFLATE_TARGET)
  if(ALAMOD_DEFLATE_TARGET)
    alamod_describe_found(DEFLATE "libdeflate" "${ALAMOD_PC_DEFLATE_VERSION}" "${_alamod_origin}")
  else()
    find_path(ALAMOD_DEFLATE_INCLUDE_DIR libdeflate.h)
    find_library(ALAMOD_DEFLATE_LIBRARY deflate)
    if(NOT ALAMOD_DEFLATE_INCLUDE_DIR OR NOT ALAMOD_DEFLATE_LIBRARY)
      message(FATAL_ERROR "libdeflate not found (no libdeflate CMake package, libdeflate.pc, or libdeflate.h with "
        "libdeflate). Set libdeflate_ROOT or CMAKE_PREFIX_PATH (Spack: libdeflate; Debian/Ubuntu: libdeflate-dev).")
    endif()
    add_library(alamod_deflate_library INTERFACE IMPORTED)
    set_property(TARGET alamod_deflate_library PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${ALAMOD_DEFLATE_INCLUDE_DIR}")
    set_property(TARGET alamod_deflate_library PROPERTY INTERFACE_LINK_LIBRARIES "${ALAMOD_DEFLATE_LIBRARY}")
    set(ALAMOD_DEFLATE_TARGET alamod_deflate_library)
    alamod_describe_found(DEFLATE "libdeflate" "" "${ALAMOD_DEFLATE_LIBRARY}")
  endif()
endif()

# --- UDUNITS-2 (unit strings of the site packages, `alamod sites`): header and library (it ships no CMake
# package; pkg-config files are rare), under udunits2_ROOT or CMAKE_PREFIX_PATH.
find_path(ALAMOD_UDUNITS_INCLUDE_DIR udunits2.h PATH_SUFFIXES udunits2 HINTS ${udunits2_ROOT}/include ENV udunits2_ROOT)
find_library(ALAMOD_UDUNITS_LIBRARY udunits2 HINTS ${udunits2_ROOT}/lib ENV udunits2_ROOT)
if(NOT ALAMOD_UDUNITS_INCLUDE_DIR OR NOT ALAMOD_UDUNITS_LIBRARY)
  message(FATAL_ERROR "UDUNITS-2 not found (udunits2.h and libudunits2). Set udunits2_ROOT or CMAKE_PREFIX_PATH "
    "(Spack: udunits; Debian/Ubuntu: libudunits2-dev).")
endif()
add_library(alamod_udunits_library INTERFACE IMPORTED)
set_property(TARGET alamod_udunits_library PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${ALAMOD_UDUNITS_INCLUDE_DIR}")
set_property(TARGET alamod_udunits_library PROPERTY INTERFACE_LINK_LIBRARIES "${ALAMOD_UDUNITS_LIBRARY}")
set(ALAMOD_UDUNITS_TARGET alamod_udunits_library)
alamod_describe_found(UDUNITS "UDUNITS-2" "" "${ALAMOD_UDUNITS_LIBRARY}")

# --- OpenSSL's libcrypto (SHA-256 of inputs and configurations, for provenance): CMake's FindOpenSSL
# (OPENSSL_ROOT_DIR or OpenSSL_ROOT).
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
alamod_describe_found(CRYPTO "OpenSSL crypto" "${OPENSSL_VERSION}" "FindOpenSSL (${OPENSSL_CRYPTO_LIBRARY})")

# --- zlib (spectra files read plain or gzip-compressed, engine/spectra): CMake's FindZLIB (ZLIB_ROOT).
find_package(ZLIB REQUIRED)
alamod_describe_found(ZLIB "zlib" "${ZLIB_VERSION_STRING}" "FindZLIB (${ZLIB_LIBRARIES})")

# --- CLI11: its CMake package, else its single header (CLI11::CLI11 either way).
find_package(CLI11 CONFIG QUIET)
if(TARGET CLI11::CLI11)
  alamod_describe_found(CLI11 "CLI11" "${CLI11_VERSION}" "CMake package ${CLI11_DIR}")
else()
  find_path(ALAMOD_CLI11_INCLUDE_DIR CLI/CLI.hpp)
  if(NOT ALAMOD_CLI11_INCLUDE_DIR)
    message(FATAL_ERROR "CLI11 not found (no CLI11Config.cmake nor CLI/CLI.hpp). Set CLI11_ROOT or "
      "CMAKE_PREFIX_PATH (Spack: cli11; Debian/Ubuntu: libcli11-dev).")
  endif()
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  set_property(TARGET CLI11::CLI11 PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${ALAMOD_CLI11_INCLUDE_DIR}")
  alamod_describe_found(CLI11 "CLI11" "" "header ${ALAMOD_CLI11_INCLUDE_DIR}/CLI/CLI.hpp")
endif()

# --- GoogleTest, only for the tests (BUILD_TESTING): its CMake package, else CMake's FindGTest.
if(BUILD_TESTING)
  find_package(GTest CONFIG QUIET)
  if(NOT TARGET GTest::gtest)
    find_package(GTest MODULE REQUIRED)
  endif()
  if(GTest_DIR)
    alamod_describe_found(GTEST "GoogleTest" "${GTest_VERSION}" "CMake package ${GTest_DIR}")
  else()
    alamod_describe_found(GTEST "GoogleTest" "${GTEST_VERSION}" "CMake's FindGTest (${GTEST_INCLUDE_DIRS})")
  endif()
endif()

# --- Google Benchmark: optional (tests/benchmarks is built when it is there).
find_package(benchmark CONFIG QUIET)
if(benchmark_FOUND)
  alamod_describe_found(BENCHMARK "Google Benchmark" "${benchmark_VERSION}" "CMake package ${benchmark_DIR}")
endif()

# The summary: one line per dependency, and the parallel netCDF headers' folder, which goes first on the
# include path.
get_property(_alamod_summary GLOBAL PROPERTY ALAMOD_DEPENDENCY_SUMMARY)
message(STATUS "alamod dependencies (how to choose others: docs/BUILDING.md):")
foreach(_alamod_line IN LISTS _alamod_summary)
  string(REPLACE "|" ";" _alamod_fields "${_alamod_line}")
  list(GET _alamod_fields 0 _alamod_label)
  list(GET _alamod_fields 1 _alamod_version)
  list(GET _alamod_fields 2 _alamod_origin)
  string(LENGTH "${_alamod_label} ${_alamod_version}" _alamod_len)
  math(EXPR _alamod_pad "30 - ${_alamod_len}")
  if(_alamod_pad LESS 1)
    set(_alamod_pad 1)
  endif()
  string(REPEAT " " ${_alamod_pad} _alamod_spaces)
  message(STATUS "  ${_alamod_label} ${_alamod_version}${_alamod_spaces}${_alamod_origin}")
endforeach()
message(STATUS "  parallel netCDF headers (first on the include path): ${NetCDFParallel_INCLUDE_DIR}")
set_property(GLOBAL PROPERTY ALAMOD_DEPENDENCY_SUMMARY "")
