#[=======================================================================[
FindNetCDFParallel
------------------

Finds a netCDF-C library built with parallel netCDF-4 (MPI-IO over a parallel HDF5): the headers must
include netcdf_par.h and netcdf_meta.h must say NC_HAS_PARALLEL4 1 (and nc-config, where it is the source,
must not answer --has-parallel4 "no"). A serial netCDF is refused, whatever its name, with the reason.

Where it looks (see AlamodFindUtils.cmake for the order): the prefixes named by NetCDFParallel_ROOT,
NETCDF_ROOT, NetCDF_ROOT, netCDF_ROOT or NETCDF_C_ROOT (CMake or environment variables; when one is given
the library must come from there), then NETCDF_DIR / NETCDF_C_DIR from the environment (module systems),
the CMAKE_PREFIX_PATH entries, pkg-config's search path under the names netcdf and netcdf-mpi, and the
nc-config found on PATH. Inside a prefix: lib*/pkgconfig/netcdf.pc (or netcdf-mpi.pc), bin/nc-config,
then include/netcdf_par.h with lib*/libnetcdf.

For each pkg-config file the headers are looked for in ${prefix}/include before ${includedir} and the
Cflags: some distributions install the parallel library with a .pc file whose includedir is the serial
headers' folder, while the parallel headers sit under the .pc file's own prefix.

netCDF's own CMake package (netCDFConfig.cmake) is not used: a serial and a parallel build side by side
both export netCDF::netcdf, and the parallel one may name the serial headers, so it cannot tell them apart.

Results:
  NetCDFParallel_FOUND, NetCDFParallel_VERSION
  NetCDFParallel_INCLUDE_DIR   the folder holding netcdf_par.h: put it first on the include path
                               (target_include_directories(... BEFORE ...)), ahead of any folder that
                               could hold a serial netcdf.h
  NetCDFParallel_ORIGIN        what it came from (pkg-config file, nc-config or prefix), for messages
  NetCDFParallel::NetCDFParallel  imported target: the libraries and the other include folders
#]=======================================================================]
include(AlamodFindUtils)

set(_ncp_tried "")
set(_ncp_seen "")
set(_ncp_found FALSE)

# _ncp_check_include_dir(<dir>): _ncp_reason is empty when <dir> holds a parallel netCDF's headers;
# _ncp_version is its version.
macro(_ncp_check_include_dir dir)
  set(_ncp_reason "")
  set(_ncp_version "")
  if(NOT EXISTS "${dir}/netcdf.h")
    set(_ncp_reason "no netcdf.h in ${dir}")
  elseif(NOT EXISTS "${dir}/netcdf_par.h")
    set(_ncp_reason "${dir}/netcdf.h is a serial netCDF (no netcdf_par.h beside it)")
  elseif(NOT EXISTS "${dir}/netcdf_meta.h")
    set(_ncp_reason "no netcdf_meta.h in ${dir} (netCDF older than 4.4?)")
  else()
    file(STRINGS "${dir}/netcdf_meta.h" _ncp_meta REGEX "^#define[ \t]+NC_(HAS_PARALLEL4|VERSION_(MAJOR|MINOR|PATCH))[ \t]")
    set(_ncp_par4 "")
    set(_ncp_v_MAJOR "")
    set(_ncp_v_MINOR "")
    set(_ncp_v_PATCH "")
    foreach(_ncp_line IN LISTS _ncp_meta)
      if(_ncp_line MATCHES "NC_HAS_PARALLEL4[ \t]+([0-9]+)")
        set(_ncp_par4 "${CMAKE_MATCH_1}")
      elseif(_ncp_line MATCHES "NC_VERSION_(MAJOR|MINOR|PATCH)[ \t]+([0-9]+)")
        set(_ncp_v_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
      endif()
    endforeach()
    set(_ncp_version "${_ncp_v_MAJOR}.${_ncp_v_MINOR}.${_ncp_v_PATCH}")
    if(NOT _ncp_par4 STREQUAL "1")
      set(_ncp_reason "${dir}/netcdf_meta.h says NC_HAS_PARALLEL4 '${_ncp_par4}' (netCDF built without parallel netCDF-4)")
    endif()
  endif()
endmacro()

macro(_ncp_accept kind origin incdir)
  set(_ncp_found TRUE)
  set(_ncp_kind "${kind}")
  set(NetCDFParallel_ORIGIN "${origin}")
  set(NetCDFParallel_INCLUDE_DIR "${incdir}")
  set(NetCDFParallel_VERSION "${_ncp_version}")
endmacro()

# a pkg-config file
macro(_ncp_try_pc pcfile what)
  if(NOT "${pcfile}" IN_LIST _ncp_seen)
    list(APPEND _ncp_seen "${pcfile}")
    alamod_pc_include_dirs(_ncp_dirs "${pcfile}")
    set(_ncp_reasons "")
    foreach(_ncp_dir IN LISTS _ncp_dirs)
      _ncp_check_include_dir("${_ncp_dir}")
      if(_ncp_reason STREQUAL "")
        _ncp_accept(pc "pkg-config ${pcfile} (${what})" "${_ncp_dir}")
        set(_ncp_pcfile "${pcfile}")
        break()
      endif()
      list(APPEND _ncp_reasons "${_ncp_reason}")
    endforeach()
    if(NOT _ncp_found)
      if(NOT _ncp_dirs)
        set(_ncp_reasons "it names no include folder")
      endif()
      string(JOIN " | " _ncp_reasons ${_ncp_reasons})
      list(APPEND _ncp_tried "pkg-config ${pcfile} (${what}): ${_ncp_reasons}")
    endif()
  endif()
endmacro()

# an nc-config
macro(_ncp_try_ncconfig exe what)
  if(NOT "${exe}" IN_LIST _ncp_seen)
    list(APPEND _ncp_seen "${exe}")
    execute_process(COMMAND "${exe}" --has-parallel4 OUTPUT_VARIABLE _ncp_has ERROR_QUIET
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    execute_process(COMMAND "${exe}" --includedir OUTPUT_VARIABLE _ncp_inc ERROR_QUIET
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(_ncp_has MATCHES "^no")
      list(APPEND _ncp_tried "${exe} (${what}): nc-config --has-parallel4 says no (headers in ${_ncp_inc})")
    elseif(_ncp_inc STREQUAL "")
      list(APPEND _ncp_tried "${exe} (${what}): nc-config --includedir answered nothing")
    else()
      _ncp_check_include_dir("${_ncp_inc}")
      if(_ncp_reason STREQUAL "")
        execute_process(COMMAND "${exe}" --libs OUTPUT_VARIABLE _ncp_libflags ERROR_QUIET
          OUTPUT_STRIP_TRAILING_WHITESPACE)
        separate_arguments(_ncp_libflags UNIX_COMMAND "${_ncp_libflags}")
        alamod_resolve_link_flags(_ncp_libs ${_ncp_libflags})
        if(NOT _ncp_libs)
          list(APPEND _ncp_tried "${exe} (${what}): nc-config --libs names no library")
        else()
          _ncp_accept(nc-config "${exe} (${what})" "${_ncp_inc}")
          execute_process(COMMAND "${exe}" --cflags OUTPUT_VARIABLE _ncp_cflags ERROR_QUIET
            OUTPUT_STRIP_TRAILING_WHITESPACE)
          separate_arguments(_ncp_cflags UNIX_COMMAND "${_ncp_cflags}")
          set(_ncp_other_incs "")
          foreach(_ncp_flag IN LISTS _ncp_cflags)
            if(_ncp_flag MATCHES "^-I(.+)" AND NOT CMAKE_MATCH_1 STREQUAL _ncp_inc)
              list(APPEND _ncp_other_incs "${CMAKE_MATCH_1}")
            endif()
          endforeach()
        endif()
      else()
        list(APPEND _ncp_tried "${exe} (${what}): ${_ncp_reason}")
      endif()
    endif()
  endif()
endmacro()

# a prefix: its pkg-config file, its nc-config, its plain layout
macro(_ncp_try_prefix prefix what)
  alamod_pc_in_prefix(_ncp_pc "${prefix}" netcdf netcdf-mpi)
  if(_ncp_pc)
    _ncp_try_pc("${_ncp_pc}" "${what}")
  endif()
  if(NOT _ncp_found AND EXISTS "${prefix}/bin/nc-config")
    _ncp_try_ncconfig("${prefix}/bin/nc-config" "${what}")
  endif()
  if(NOT _ncp_found AND EXISTS "${prefix}/include/netcdf.h" AND NOT "${prefix}/include" IN_LIST _ncp_seen)
    list(APPEND _ncp_seen "${prefix}/include")
    _ncp_check_include_dir("${prefix}/include")
    alamod_prefix_libdirs(_ncp_libdirs "${prefix}")
    alamod_find_library_in(_ncp_lib "${_ncp_libdirs}" netcdf)
    if(NOT _ncp_reason STREQUAL "")
      list(APPEND _ncp_tried "prefix ${prefix} (${what}): ${_ncp_reason}")
    elseif(NOT _ncp_lib)
      list(APPEND _ncp_tried "prefix ${prefix} (${what}): no libnetcdf in ${_ncp_libdirs}")
    else()
      _ncp_accept(prefix "prefix ${prefix} (${what})" "${prefix}/include")
      set(_ncp_libs "${_ncp_lib}")
      set(_ncp_other_incs "")
    endif()
  elseif(NOT _ncp_found AND NOT _ncp_pc AND NOT EXISTS "${prefix}/bin/nc-config" AND "${what}" MATCHES "_ROOT")
    list(APPEND _ncp_tried "prefix ${prefix} (${what}): no netcdf.pc, bin/nc-config or include/netcdf.h there")
  endif()
endmacro()

alamod_find_roots(_ncp_roots _ncp_explicit
  VARS NetCDFParallel_ROOT NETCDF_ROOT NetCDF_ROOT netCDF_ROOT NETCDF_C_ROOT HINTS NETCDF_DIR NETCDF_C_DIR)
alamod_prefix_path(_ncp_prefixes)
alamod_pkg_config_env_begin(${_ncp_roots} ${_ncp_prefixes})

foreach(_ncp_root IN LISTS _ncp_roots)
  _ncp_try_prefix("${_ncp_root}" "a *_ROOT or NETCDF_DIR prefix")
  if(_ncp_found)
    break()
  endif()
endforeach()
set(_ncp_hint "Point CMake at a netCDF-C built with parallel I/O (netCDF-4 over MPI-IO and a parallel HDF5; \
nc-config --has-parallel4 must say yes): -DNETCDF_ROOT=<prefix> (the folder holding include/netcdf_par.h \
and lib/), or add that prefix to CMAKE_PREFIX_PATH, or put its nc-config first on PATH and its netcdf.pc \
on PKG_CONFIG_PATH (module load of a parallel netcdf-c; Spack: netcdf-c+mpi; Debian/Ubuntu: the \
libnetcdf-mpi-dev package). See docs/BUILDING.md.")
if(NOT _ncp_found AND _ncp_explicit)
  alamod_pkg_config_env_end()
  if(NetCDFParallel_FIND_REQUIRED)
    alamod_not_found("Parallel netCDF-C in the prefix given by NETCDF_ROOT (or a sibling *_ROOT variable)"
      "${_ncp_tried}" "${_ncp_hint}")
  endif()
  set(NetCDFParallel_FOUND FALSE)
  return()
endif()
if(NOT _ncp_found)
  foreach(_ncp_prefix IN LISTS _ncp_prefixes)
    _ncp_try_prefix("${_ncp_prefix}" "CMAKE_PREFIX_PATH")
    if(_ncp_found)
      break()
    endif()
  endforeach()
endif()
if(NOT _ncp_found)
  alamod_pc_on_search_path(_ncp_pcs netcdf netcdf-mpi)
  foreach(_ncp_pc IN LISTS _ncp_pcs)
    _ncp_try_pc("${_ncp_pc}" "pkg-config search path")
    if(_ncp_found)
      break()
    endif()
  endforeach()
endif()
if(NOT _ncp_found)
  unset(_ncp_ncconfig_exe CACHE)
  find_program(_ncp_ncconfig_exe nc-config)
  set(_ncp_exe "${_ncp_ncconfig_exe}")
  unset(_ncp_ncconfig_exe CACHE)
  if(_ncp_exe)
    _ncp_try_ncconfig("${_ncp_exe}" "found on PATH")
  endif()
endif()

if(_ncp_found)
  if(NOT TARGET NetCDFParallel::NetCDFParallel)
    add_library(NetCDFParallel::NetCDFParallel INTERFACE IMPORTED)
  endif()
  if(_ncp_kind STREQUAL "pc")
    alamod_pc_target(ALAMOD_PC_NETCDF_PARALLEL "${_ncp_pcfile}")
    set_property(TARGET NetCDFParallel::NetCDFParallel PROPERTY
      INTERFACE_LINK_LIBRARIES PkgConfig::ALAMOD_PC_NETCDF_PARALLEL)
    set(NetCDFParallel_LIBRARIES "${ALAMOD_PC_NETCDF_PARALLEL_LINK_LIBRARIES}")
  else()
    set_property(TARGET NetCDFParallel::NetCDFParallel PROPERTY INTERFACE_LINK_LIBRARIES "${_ncp_libs}")
    set_property(TARGET NetCDFParallel::NetCDFParallel PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${_ncp_other_incs}")
    set(NetCDFParallel_LIBRARIES "${_ncp_libs}")
  endif()
endif()
alamod_pkg_config_env_end()

if(NOT _ncp_found)
  if(NetCDFParallel_FIND_REQUIRED)
    alamod_not_found("Parallel netCDF-C" "${_ncp_tried}" "${_ncp_hint}")
  endif()
  set(NetCDFParallel_FOUND FALSE)
  return()
endif()
set(NetCDFParallel_FOUND TRUE)
alamod_describe_found(NETCDF_PARALLEL "netCDF-C (parallel)" "${NetCDFParallel_VERSION}" "${NetCDFParallel_ORIGIN}"
  INCLUDE_DIR "${NetCDFParallel_INCLUDE_DIR}" LIBRARIES "${NetCDFParallel_LIBRARIES}")
