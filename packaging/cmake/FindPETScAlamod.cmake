#[=======================================================================[
FindPETScAlamod
---------------

Finds PETSc (with TAO, which every PETSc >= 3.5 ships) through the pkg-config file every PETSc install
writes (PETSc.pc and petsc.pc). PETSc has no CMake package of its own. The version must be at least
PETScAlamod_FIND_VERSION (find_package(PETScAlamod 3.18)), and petscconf.h must say real scalars in double
precision (PETSC_USE_REAL_DOUBLE, no PETSC_USE_COMPLEX): alamod's residuals and parameters are doubles.

Where it looks (see AlamodFindUtils.cmake for the order): the prefixes named by PETScAlamod_ROOT,
PETSc_ROOT, PETSC_ROOT or PETSC_DIR (with PETSC_ARCH for an in-place build: ${PETSC_DIR}/${PETSC_ARCH}),
as CMake or environment variables (when one is given PETSc must come from there), then the
CMAKE_PREFIX_PATH entries and pkg-config's search path, under the names PETSc and petsc.

Results:
  PETScAlamod_FOUND, PETScAlamod_VERSION, PETScAlamod_INCLUDE_DIR (the folder holding petscconf.h)
  PETScAlamod_ORIGIN     the pkg-config file used, for messages
  PETScAlamod::PETSc     imported target
#]=======================================================================]
include(AlamodFindUtils)

set(_pet_tried "")
set(_pet_seen "")
set(_pet_found FALSE)
set(_pet_min "${PETScAlamod_FIND_VERSION}")

macro(_pet_try_pc pcfile what)
  if(NOT "${pcfile}" IN_LIST _pet_seen)
    list(APPEND _pet_seen "${pcfile}")
    alamod_pkg_config(_pet_version --modversion "${pcfile}")
    alamod_pc_include_dirs(_pet_dirs "${pcfile}")
    set(_pet_conf "")
    foreach(_pet_dir IN LISTS _pet_dirs)
      if(EXISTS "${_pet_dir}/petscconf.h")
        set(_pet_conf "${_pet_dir}")
        break()
      endif()
    endforeach()
    if(_pet_version STREQUAL "")
      list(APPEND _pet_tried "pkg-config ${pcfile} (${what}): pkg-config cannot read it (or a module it requires)")
    elseif(_pet_min AND _pet_version VERSION_LESS _pet_min)
      list(APPEND _pet_tried "pkg-config ${pcfile} (${what}): PETSc ${_pet_version}, older than ${_pet_min}")
    elseif(_pet_conf STREQUAL "")
      list(APPEND _pet_tried "pkg-config ${pcfile} (${what}): no petscconf.h in ${_pet_dirs}")
    else()
      file(STRINGS "${_pet_conf}/petscconf.h" _pet_defs REGEX "^#define[ \t]+PETSC_USE_(REAL_DOUBLE|COMPLEX)[ \t]")
      if(NOT _pet_defs MATCHES "PETSC_USE_REAL_DOUBLE")
        list(APPEND _pet_tried "pkg-config ${pcfile} (${what}): ${_pet_conf}/petscconf.h: not double precision")
      elseif(_pet_defs MATCHES "PETSC_USE_COMPLEX")
        list(APPEND _pet_tried "pkg-config ${pcfile} (${what}): ${_pet_conf}/petscconf.h: complex scalars")
      else()
        set(_pet_found TRUE)
        set(_pet_pcfile "${pcfile}")
        set(PETScAlamod_VERSION "${_pet_version}")
        set(PETScAlamod_INCLUDE_DIR "${_pet_conf}")
        set(PETScAlamod_ORIGIN "pkg-config ${pcfile} (${what})")
      endif()
    endif()
  endif()
endmacro()

macro(_pet_try_prefix prefix what)
  alamod_pc_in_prefix(_pet_pc "${prefix}" PETSc petsc)
  if(_pet_pc)
    _pet_try_pc("${_pet_pc}" "${what}")
  elseif("${what}" MATCHES "_ROOT")
    list(APPEND _pet_tried "prefix ${prefix} (${what}): no lib/pkgconfig/PETSc.pc or petsc.pc there")
  endif()
endmacro()

# PETSC_DIR (+ PETSC_ARCH) is PETSc's own way of naming an installation.
set(_pet_dir_roots "")
foreach(_pet_d IN ITEMS "${PETSC_DIR}" "$ENV{PETSC_DIR}")
  if(NOT _pet_d STREQUAL "")
    set(_pet_arch "${PETSC_ARCH}")
    if(_pet_arch STREQUAL "")
      set(_pet_arch "$ENV{PETSC_ARCH}")
    endif()
    if(NOT _pet_arch STREQUAL "" AND IS_DIRECTORY "${_pet_d}/${_pet_arch}")
      list(APPEND _pet_dir_roots "${_pet_d}/${_pet_arch}")
    else()
      list(APPEND _pet_dir_roots "${_pet_d}")
    endif()
    if(NOT IS_DIRECTORY "${_pet_d}")
      message(FATAL_ERROR "PETSC_DIR=${_pet_d} is not a directory.")
    endif()
  endif()
endforeach()
alamod_find_roots(_pet_roots _pet_explicit VARS PETScAlamod_ROOT PETSc_ROOT PETSC_ROOT)
if(_pet_dir_roots)
  list(APPEND _pet_roots ${_pet_dir_roots})
  list(REMOVE_DUPLICATES _pet_roots)
  set(_pet_explicit TRUE)
endif()
alamod_prefix_path(_pet_prefixes)
alamod_pkg_config_env_begin(${_pet_roots} ${_pet_prefixes})

foreach(_pet_root IN LISTS _pet_roots)
  _pet_try_prefix("${_pet_root}" "a PETSC_ROOT/PETSC_DIR prefix")
  if(_pet_found)
    break()
  endif()
endforeach()
set(_pet_hint "Point CMake at PETSc ${_pet_min} or newer, real double precision: -DPETSC_ROOT=<prefix> (the \
folder holding lib/pkgconfig/PETSc.pc), or PETSC_DIR (and PETSC_ARCH for a build in its source tree), or add \
the prefix to CMAKE_PREFIX_PATH or its lib/pkgconfig to PKG_CONFIG_PATH (module load petsc; Spack: petsc; \
Debian/Ubuntu: the petsc-dev package). See docs/BUILDING.md.")
if(NOT _pet_found AND NOT _pet_explicit)
  foreach(_pet_prefix IN LISTS _pet_prefixes)
    _pet_try_prefix("${_pet_prefix}" "CMAKE_PREFIX_PATH")
    if(_pet_found)
      break()
    endif()
  endforeach()
  if(NOT _pet_found)
    alamod_pc_on_search_path(_pet_pcs PETSc petsc)
    foreach(_pet_pc IN LISTS _pet_pcs)
      _pet_try_pc("${_pet_pc}" "pkg-config search path")
      if(_pet_found)
        break()
      endif()
    endforeach()
  endif()
endif()

if(_pet_found)
  alamod_pc_target(ALAMOD_PC_PETSC "${_pet_pcfile}")
  if(NOT TARGET PETScAlamod::PETSc)
    add_library(PETScAlamod::PETSc INTERFACE IMPORTED)
  endif()
  set_property(TARGET PETScAlamod::PETSc PROPERTY INTERFACE_LINK_LIBRARIES PkgConfig::ALAMOD_PC_PETSC)
endif()
alamod_pkg_config_env_end()

if(NOT _pet_found)
  if(PETScAlamod_FIND_REQUIRED)
    if(_pet_explicit)
      alamod_not_found("PETSc in the prefix given by PETSC_ROOT/PETSC_DIR" "${_pet_tried}" "${_pet_hint}")
    endif()
    alamod_not_found("PETSc" "${_pet_tried}" "${_pet_hint}")
  endif()
  set(PETScAlamod_FOUND FALSE)
  return()
endif()
set(PETScAlamod_FOUND TRUE)
alamod_describe_found(PETSC "PETSc" "${PETScAlamod_VERSION}" "${PETScAlamod_ORIGIN}"
  INCLUDE_DIR "${PETScAlamod_INCLUDE_DIR}" LIBRARIES "${ALAMOD_PC_PETSC_LINK_LIBRARIES}")
