# Helpers shared by alamod's find modules (FindNetCDFParallel, FindHDF5Parallel, FindPETScAlamod).
#
# A dependency is looked for, in this order, in:
#   1. the prefixes named by its <Package>_ROOT variables (CMake cache or environment); when one is given,
#      the dependency must come from there, or configuration stops naming what was found instead;
#   2. the prefixes of CMAKE_PREFIX_PATH (CMake variable, then environment), as Spack and many module
#      systems set it;
#   3. pkg-config's own search path (PKG_CONFIG_PATH, then the system's), under generic names first;
#   4. the package's compiler wrapper or configuration tool found on PATH (nc-config, h5pcc).
# Inside one prefix, a candidate is a pkg-config file under <prefix>/lib*/pkgconfig or share/pkgconfig,
# the wrapper under <prefix>/bin, or the plain layout <prefix>/include + <prefix>/lib*.
# No distribution-specific path is written here: everything comes from those sources.
include_guard(GLOBAL)
find_package(PkgConfig QUIET)

# alamod_find_roots(<out> <explicit_out> VARS <name>... [HINTS <env name>...])
# Directories named by the CMake or environment variables VARS (the <Package>_ROOT family) into <out>,
# followed by those named by the environment variables HINTS (what module systems such as Cray's set,
# e.g. NETCDF_DIR). <explicit_out> is TRUE when one of VARS was set. A VARS entry that is not a directory
# stops configuration: a misspelt root must not silently fall back to another installation.
function(alamod_find_roots out explicit_out)
  cmake_parse_arguments(A "" "" "VARS;HINTS" ${ARGN})
  set(roots "")
  set(explicit FALSE)
  foreach(v IN LISTS A_VARS)
    foreach(value IN ITEMS "${${v}}" "$ENV{${v}}")
      if(value STREQUAL "")
        continue()
      endif()
      if(NOT IS_DIRECTORY "${value}")
        message(FATAL_ERROR "${v}=${value} is not a directory. Point it at the installation prefix "
          "(the folder that holds include/ and lib/).")
      endif()
      set(explicit TRUE)
      list(APPEND roots "${value}")
    endforeach()
  endforeach()
  foreach(v IN LISTS A_HINTS)
    if(NOT "$ENV{${v}}" STREQUAL "" AND IS_DIRECTORY "$ENV{${v}}")
      list(APPEND roots "$ENV{${v}}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES roots)
  set(${out} "${roots}" PARENT_SCOPE)
  set(${explicit_out} ${explicit} PARENT_SCOPE)
endfunction()

# alamod_prefix_path(<out>): the entries of CMAKE_PREFIX_PATH, the CMake variable first.
function(alamod_prefix_path out)
  set(prefixes ${CMAKE_PREFIX_PATH})
  if(NOT "$ENV{CMAKE_PREFIX_PATH}" STREQUAL "")
    file(TO_CMAKE_PATH "$ENV{CMAKE_PREFIX_PATH}" env_prefixes)
    list(APPEND prefixes ${env_prefixes})
  endif()
  set(existing "")
  foreach(p IN LISTS prefixes)
    if(IS_DIRECTORY "${p}")
      list(APPEND existing "${p}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES existing)
  set(${out} "${existing}" PARENT_SCOPE)
endfunction()

# alamod_prefix_libdirs(<out> <prefix>): the library folders of a prefix that exist.
function(alamod_prefix_libdirs out prefix)
  set(dirs "")
  foreach(sub IN ITEMS lib lib64 "lib/${CMAKE_LIBRARY_ARCHITECTURE}")
    if(NOT sub STREQUAL "lib/" AND IS_DIRECTORY "${prefix}/${sub}")
      list(APPEND dirs "${prefix}/${sub}")
    endif()
  endforeach()
  set(${out} "${dirs}" PARENT_SCOPE)
endfunction()

# alamod_prefix_pkgconfig_dirs(<out> <prefix>...): the pkg-config folders of the prefixes that exist.
function(alamod_prefix_pkgconfig_dirs out)
  set(dirs "")
  foreach(prefix IN LISTS ARGN)
    alamod_prefix_libdirs(libdirs "${prefix}")
    foreach(d IN LISTS libdirs)
      if(IS_DIRECTORY "${d}/pkgconfig")
        list(APPEND dirs "${d}/pkgconfig")
      endif()
    endforeach()
    if(IS_DIRECTORY "${prefix}/share/pkgconfig")
      list(APPEND dirs "${prefix}/share/pkgconfig")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  set(${out} "${dirs}" PARENT_SCOPE)
endfunction()

# alamod_pkg_config_env_begin(<prefix>...) / alamod_pkg_config_env_end(): put the prefixes' pkg-config
# folders ahead of PKG_CONFIG_PATH while the find modules run, so that a .pc file's Requires can be found
# in the other prefixes given; the environment of the build itself is not changed.
macro(alamod_pkg_config_env_begin)
  set(_alamod_saved_pkg_config_path "$ENV{PKG_CONFIG_PATH}")
  alamod_prefix_pkgconfig_dirs(_alamod_pc_dirs ${ARGN})
  if(_alamod_pc_dirs)
    if(WIN32)
      string(REPLACE ";" "\\;" _alamod_pc_dirs_env "${_alamod_pc_dirs}")
    else()
      string(REPLACE ";" ":" _alamod_pc_dirs_env "${_alamod_pc_dirs}")
    endif()
    if(_alamod_saved_pkg_config_path STREQUAL "")
      set(ENV{PKG_CONFIG_PATH} "${_alamod_pc_dirs_env}")
    else()
      set(ENV{PKG_CONFIG_PATH} "${_alamod_pc_dirs_env}:${_alamod_saved_pkg_config_path}")
    endif()
  endif()
endmacro()
macro(alamod_pkg_config_env_end)
  set(ENV{PKG_CONFIG_PATH} "${_alamod_saved_pkg_config_path}")
endmacro()

# alamod_pkg_config(<out> <args>...): pkg-config's answer (stripped), empty when it fails.
function(alamod_pkg_config out)
  set(${out} "" PARENT_SCOPE)
  if(NOT PKG_CONFIG_EXECUTABLE)
    return()
  endif()
  execute_process(COMMAND ${PKG_CONFIG_EXECUTABLE} ${ARGN} RESULT_VARIABLE rc
    OUTPUT_VARIABLE text ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(rc EQUAL 0)
    set(${out} "${text}" PARENT_SCOPE)
  endif()
endfunction()

# alamod_pc_in_prefix(<out> <prefix> <module>...): the first <module>.pc file under the prefix's
# pkg-config folders, the module names in the order given; empty when none.
function(alamod_pc_in_prefix out prefix)
  alamod_prefix_pkgconfig_dirs(dirs "${prefix}")
  foreach(name IN LISTS ARGN)
    foreach(d IN LISTS dirs)
      if(EXISTS "${d}/${name}.pc")
        set(${out} "${d}/${name}.pc" PARENT_SCOPE)
        return()
      endif()
    endforeach()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

# alamod_pc_on_search_path(<out> <module>...): the .pc files pkg-config itself finds for the module names
# (PKG_CONFIG_PATH, then its built-in folders), in the order given.
function(alamod_pc_on_search_path out)
  set(files "")
  foreach(name IN LISTS ARGN)
    alamod_pkg_config(dir --variable=pcfiledir "${name}")
    if(dir AND EXISTS "${dir}/${name}.pc")
      list(APPEND files "${dir}/${name}.pc")
    endif()
  endforeach()
  set(${out} "${files}" PARENT_SCOPE)
endfunction()

# alamod_pc_include_dirs(<out> <pcfile>): where a .pc file says its headers are, most specific first:
# ${prefix}/include, ${includedir}, then every -I of its Cflags.
function(alamod_pc_include_dirs out pcfile)
  alamod_pkg_config(prefix --variable=prefix "${pcfile}")
  alamod_pkg_config(includedir --variable=includedir "${pcfile}")
  alamod_pkg_config(cflags --cflags-only-I "${pcfile}")
  set(dirs "")
  if(prefix)
    list(APPEND dirs "${prefix}/include")
  endif()
  if(includedir)
    list(APPEND dirs "${includedir}")
  endif()
  separate_arguments(cflags UNIX_COMMAND "${cflags}")
  foreach(flag IN LISTS cflags)
    if(flag MATCHES "^-I(.+)")
      list(APPEND dirs "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  set(${out} "${dirs}" PARENT_SCOPE)
endfunction()

# alamod_pc_target(<PREFIX> <pcfile>): PkgConfig::<PREFIX> from that very file (pkg_check_modules with
# the file's path), and <PREFIX>_VERSION, _INCLUDE_DIRS, _LINK_LIBRARIES. The libraries FindPkgConfig
# resolved for an earlier file are forgotten when the file changes, so a reconfiguration with another root
# does not keep the old paths.
function(alamod_pc_target prefix pcfile)
  if(NOT "${_ALAMOD_PC_FILE_${prefix}}" STREQUAL "${pcfile}")
    get_cmake_property(cached CACHE_VARIABLES)
    foreach(v IN LISTS cached)
      if(v MATCHES "^pkgcfg_lib_${prefix}_")
        unset(${v} CACHE)
      endif()
    endforeach()
    set(_ALAMOD_PC_FILE_${prefix} "${pcfile}" CACHE INTERNAL "pkg-config file behind PkgConfig::${prefix}")
  endif()
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET "${pcfile}")
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR "pkg-config could not read ${pcfile} (or a module it requires): "
      "check PKG_CONFIG_PATH, or run  pkg-config --cflags --libs ${pcfile}  to see why.")
  endif()
  foreach(v IN ITEMS FOUND VERSION INCLUDE_DIRS LINK_LIBRARIES)
    set(${prefix}_${v} "${${prefix}_${v}}" PARENT_SCOPE)
  endforeach()
endfunction()

# alamod_resolve_link_flags(<out> <flag>...): -L/-l flags (from a wrapper or a configuration tool) as
# full library paths, each -l looked for in the -L folders first; library files and -Wl,/-pthread are kept,
# anything else (the compiler's name, -I, -D...) is dropped.
function(alamod_resolve_link_flags out)
  set(dirs "")
  foreach(flag IN LISTS ARGN)
    if(flag MATCHES "^-L(.+)")
      list(APPEND dirs "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(libs "")
  foreach(flag IN LISTS ARGN)
    if(flag MATCHES "^-L")
      continue()
    elseif(flag MATCHES "^-l(.+)")
      set(name "${CMAKE_MATCH_1}")
      unset(_alamod_lib CACHE)
      unset(_alamod_lib)
      if(dirs)
        find_library(_alamod_lib NAMES ${name} HINTS ${dirs} NO_DEFAULT_PATH)
      endif()
      if(NOT _alamod_lib)
        find_library(_alamod_lib NAMES ${name})
      endif()
      if(_alamod_lib)
        list(APPEND libs "${_alamod_lib}")
      else()
        list(APPEND libs "${name}")
      endif()
      unset(_alamod_lib CACHE)
    elseif(flag MATCHES "^-Wl,|^-pthread$" OR flag MATCHES "^/.*\\.(so|a)(\\.[0-9.]+)?$")
      list(APPEND libs "${flag}")
    endif()
  endforeach()
  set(${out} "${libs}" PARENT_SCOPE)
endfunction()

# alamod_find_library_in(<out> <dirs> <name>...): the first of the library names in the folders only.
function(alamod_find_library_in out dirs)
  unset(_alamod_lib CACHE)
  unset(_alamod_lib)
  set(${out} "" PARENT_SCOPE)
  if(dirs)
    find_library(_alamod_lib NAMES ${ARGN} HINTS ${dirs} NO_DEFAULT_PATH)
    if(_alamod_lib)
      set(${out} "${_alamod_lib}" PARENT_SCOPE)
    endif()
  endif()
  unset(_alamod_lib CACHE)
endfunction()

# alamod_path_under(<out> <path> <root>...): TRUE when the path lies inside one of the roots (as written,
# symbolic links not resolved: a staged prefix of links is still that prefix).
function(alamod_path_under out path)
  set(${out} FALSE PARENT_SCOPE)
  foreach(root IN LISTS ARGN)
    cmake_path(ABSOLUTE_PATH root NORMALIZE OUTPUT_VARIABLE r)
    cmake_path(ABSOLUTE_PATH path NORMALIZE OUTPUT_VARIABLE p)
    cmake_path(IS_PREFIX r "${p}" NORMALIZE inside)
    if(inside)
      set(${out} TRUE PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

# alamod_not_found(<what> <tried> <hint>): stop with the list of candidates examined and why each was
# refused, and how to point CMake at the right build.
function(alamod_not_found what tried hint)
  set(text "${what} not found.")
  if(tried)
    string(APPEND text "\nCandidates examined, and why each was refused:")
    foreach(t IN LISTS tried)
      string(APPEND text "\n  - ${t}")
    endforeach()
  else()
    string(APPEND text "\nNo candidate was found at all (no pkg-config file, wrapper or header).")
  endif()
  string(APPEND text "\n${hint}")
  message(FATAL_ERROR "${text}")
endfunction()

# alamod_describe_found(<cache-prefix> <label> <version> <origin> [INCLUDE_DIR <dir>...] [LIBRARIES <lib>...]):
# what was found, as INTERNAL cache entries (ALAMOD_FOUND_<cache-prefix>_ORIGIN, _VERSION, _INCLUDE_DIR,
# _LIBRARIES) that tests and support requests can read back, and one line for the configuration summary.
function(alamod_describe_found cache_prefix label version origin)
  cmake_parse_arguments(A "" "" "INCLUDE_DIR;LIBRARIES" ${ARGN})
  set(ALAMOD_FOUND_${cache_prefix}_ORIGIN "${origin}" CACHE INTERNAL "how ${label} was found")
  set(ALAMOD_FOUND_${cache_prefix}_VERSION "${version}" CACHE INTERNAL "${label} version")
  foreach(key IN ITEMS INCLUDE_DIR LIBRARIES)
    if(DEFINED A_${key})
      set(ALAMOD_FOUND_${cache_prefix}_${key} "${A_${key}}" CACHE INTERNAL "${label}: ${key}")
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY ALAMOD_DEPENDENCY_SUMMARY "${label}|${version}|${origin}")
endfunction()
