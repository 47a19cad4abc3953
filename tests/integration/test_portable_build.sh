#!/bin/bash
# The portable build: alamod configured and built against PETSc, the parallel netCDF-C, the parallel HDF5
# and GDAL laid out in other prefixes, the way a module system or Spack presents them, with Debian's own
# locations of those four hidden from the search.
#
#   test_portable_build.sh --source-dir DIR --work DIR [--build-dir DIR] [--cmake CMAKE] [--jobs N]
#
# Staging (WORK/stage, one prefix per package, as Spack installs them): include/ (Debian's headers), lib/
# (links to Debian's shared libraries), lib/pkgconfig/*.pc written for the new prefix under generic names
# (netcdf.pc, hdf5.pc, PETSc.pc), and bin/nc-config, bin/h5pcc (with lib/libhdf5.settings) and
# bin/gdal-config answering for the new prefix. GDAL's CMake package is copied into the prefix (a copy, not a
# link: GDAL's config file maps a linked folder back to its original prefix). MPI stays where it is.
#
# Hiding: the script runs itself again inside a private mount namespace (`unshare --mount` as root, or
# `unshare --user --map-root-user --mount` where user namespaces are allowed) and, after bind-mounting the
# original header folders into the staged prefixes, bind-mounts empty folders over Debian's parallel
# netCDF folder (headers, .pc, CMake config), its netCDF_mpi CMake config, the openmpi HDF5 headers and
# libraries folders, PETSc's installation folder and GDAL's headers and CMake config. pkg-config sees only
# the staged .pc files plus copies of the .pc files of the dependencies that are not staged (toml++,
# libdeflate, Open MPI): PKG_CONFIG_LIBDIR. The serial netCDF and HDF5 stay visible (/usr/include/netcdf.h,
# /usr/bin/nc-config), so the refusal of a serial build is exercised too. Where no mount namespace can be
# made, the Debian folders stay visible; the script says so, and the path checks below are then what catch
# a fallback to them.
#
# Configurations, with BUILD_TESTING=OFF (no GoogleTest, as in a Spack build without tests) and
# CMAKE_BUILD_TYPE=None (no optimisation flags, as Debian's packaging passes it: which headers and libraries a
# build finds does not depend on the optimisation, and the build takes half the compiler time of Release):
#   A  -DPETSC_ROOT -DNETCDF_ROOT -DHDF5_ROOT -DGDAL_ROOT: built (target alamod only), `alamod --version`
#      run; the CMake cache, compile_commands.json, the compiler's dependency files (which headers were
#      really read) and the link line must name the staged prefixes and never Debian's folders;
#      then installed (-DALAMOD_INSTALL=ON, `cmake --install` into a temporary prefix outside the trees) and,
#      with the source tree, the main build tree (--build-dir) and A's build tree hidden (empty folders mounted
#      over them in a nested mount namespace) and a clean environment, the installed bin/alamod --version,
#      `alamod models`, `alamod site` on a shipped site forcing and `mpiexec -n 2 alamod run` of the installed
#      France configuration on a small window (through libexec/alamod/alamod-engine) must work from the prefix;
#   B  a module system: only PATH (bin/ of each prefix: nc-config, h5pcc, gdal-config) and PKG_CONFIG_PATH
#      (PETSc); configured and checked the same way;
#   C  Spack-like: only CMAKE_PREFIX_PATH; configured and checked;
#   D  NETCDF_ROOT at a serial netCDF-C: the configuration must stop, naming what it found and NETCDF_ROOT.
# ccache is used with CCACHE_BASEDIR=WORK, so a second run of the test (same staged paths) compiles nothing.
set -u -o pipefail

SRC="" WORK="" CMAKE=cmake JOBS=2 BUILD_DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source-dir) SRC="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --cmake) CMAKE="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    *) echo "test_portable_build.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$SRC" ] && [ -n "$WORK" ] || { echo "usage: $0 --source-dir DIR --work DIR [--cmake CMAKE] [--jobs N]" >&2; exit 2; }
SRC="$(cd "$SRC" && pwd)"
mkdir -p "$WORK" && WORK="$(cd "$WORK" && pwd)" || exit 2

# --- Run again inside a private mount namespace when one can be made. -------------------------------------
if [ -z "${ALAMOD_PB_INSIDE:-}" ]; then
  for how in "--mount" "--user --map-root-user --mount"; do
    # shellcheck disable=SC2086
    if unshare $how --propagation private true 2>/dev/null; then
      # shellcheck disable=SC2086
      ALAMOD_PB_INSIDE="namespace ($how)" exec unshare $how --propagation private "$0" --source-dir "$SRC" \
        --work "$WORK" --cmake "$CMAKE" --jobs "$JOBS" ${BUILD_DIR:+--build-dir "$BUILD_DIR"}
    fi
  done
  echo "NOTE no mount namespace could be made here (unshare refused): Debian's folders stay visible;"
  echo "     the path checks alone tell whether the build used them."
  export ALAMOD_PB_INSIDE="no namespace"
fi
echo "portable build test: $ALAMOD_PB_INSIDE, work folder $WORK"

passed=0 failed=0
check() {  # check NAME CONDITION-EXIT-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then
    echo "PASS $1"; passed=$((passed + 1))
  else
    echo "FAIL $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -40 | sed 's/^/     /'; failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}
t0=$SECONDS

# --- Where Debian put the four packages (asked before pkg-config is restricted). -------------------------
MA="$(gcc -print-multiarch 2>/dev/null || dpkg-architecture -qDEB_HOST_MULTIARCH)"
need() { [ -n "$2" ] && [ -e "$2" ] || { echo "FAIL Debian's $1 not found ($2): scripts/install_deps.sh installs it"; echo "0 passed, 1 failed"; exit 1; }; }
NC_PREFIX="$(pkg-config --variable=prefix netcdf-mpi)"; need "parallel netCDF (netcdf-mpi.pc)" "$NC_PREFIX/include/netcdf_par.h"
NC_LIB="$(readlink -f "$(pkg-config --variable=libdir netcdf-mpi)/libnetcdf_mpi.so")"; need "libnetcdf_mpi" "$NC_LIB"
NC_VERSION="$(pkg-config --modversion netcdf-mpi)"
H5_INC="$(pkg-config --cflags-only-I hdf5-openmpi | tr ' ' '\n' | sed -n 's/^-I//p' | head -1)"; need "parallel HDF5 headers" "$H5_INC/H5pubconf.h"
H5_LIBDIR="$(pkg-config --libs-only-L hdf5-openmpi | tr ' ' '\n' | sed -n 's/^-L//p' | head -1)"; need "parallel HDF5 libraries" "$H5_LIBDIR/libhdf5.so"
PETSC_PREFIX="$(readlink -f "$(pkg-config --variable=prefix PETSc)")"; need "PETSc" "$PETSC_PREFIX/include/petscconf.h"
PETSC_LIBNAME="$(pkg-config --libs-only-l PETSc | tr ' ' '\n' | sed -n 's/^-l//p' | head -1)"
GDAL_INC="$(pkg-config --cflags-only-I gdal | tr ' ' '\n' | sed -n 's/^-I//p' | head -1)"; need "GDAL headers" "$GDAL_INC/gdal.h"
GDAL_CMAKE="/usr/lib/$MA/cmake/gdal"; need "GDAL's CMake package" "$GDAL_CMAKE/GDALConfig.cmake"
GDAL_LIB="$(readlink -f "/usr/lib/$MA/libgdal.so")"; need "libgdal" "$GDAL_LIB"
# What must never appear in the build of a staged configuration.
DEBIAN_RE="/usr/include/(gdal|hdf5|petsc|netcdf)|/usr/lib/petscdir|/usr/lib/[^ ;\"']*(/netcdf/|/hdf5/|cmake/gdal|cmake/netCDF|libnetcdf|libhdf5|libpetsc|libgdal)"

# --- Stage the prefixes. ----------------------------------------------------------------------------------
ST="$WORK/stage"
# A previous run's staging is a plain tree of folders and links (its bind mounts died with its private
# namespace); never remove it while something is mounted under it, which would delete Debian's files.
if grep -q " $WORK/" /proc/self/mountinfo 2>/dev/null; then
  echo "FAIL something is mounted under $WORK here; not cleaning it"; echo "0 passed, 1 failed"; exit 1
fi
rm -rf "$ST"
mkdir -p "$ST"
stage_dir() {  # stage_dir ORIGINAL STAGED: the folder's content at STAGED (bind mount, or a link)
  if [ "$ALAMOD_PB_INSIDE" != "no namespace" ]; then
    mkdir -p "$2" && mount --bind "$1" "$2"
  else
    mkdir -p "$(dirname "$2")" && ln -s "$1" "$2"
  fi
}
link_libs() {  # link_libs DEST NAME=ORIGINAL...: DEST/NAME -> the real file (absolute)
  local dest="$1"; shift
  mkdir -p "$dest"
  for pair in "$@"; do ln -sf "$(readlink -f "${pair#*=}")" "$dest/${pair%%=*}"; done
}
write_pc() {  # write_pc FILE PREFIX NAME VERSION LIBS [CFLAGS_EXTRA]
  mkdir -p "$(dirname "$1")"
  cat > "$1" <<EOF
prefix=$2
exec_prefix=\${prefix}
includedir=\${prefix}/include
libdir=\${prefix}/lib

Name: $3
Description: $3 staged for the portable build test
Version: $4
Cflags: -I\${includedir}${6:+ $6}
Libs: -L\${libdir} $5
EOF
}

# netCDF-C, parallel (libnetcdf.so as a source build names it)
P="$ST/netcdf-c"
stage_dir "$NC_PREFIX/include" "$P/include"
link_libs "$P/lib" "libnetcdf.so=$NC_LIB"
write_pc "$P/lib/pkgconfig/netcdf.pc" "$P" netCDF "$NC_VERSION" "-lnetcdf"
write_nc_config() {  # write_nc_config PREFIX yes|no VERSION
  mkdir -p "$1/bin"
  cat > "$1/bin/nc-config" <<EOF
#!/bin/sh
# nc-config of the netCDF-C staged in $1
for a in "\$@"; do
  case "\$a" in
    --prefix) echo "$1" ;;
    --includedir) echo "$1/include" ;;
    --libdir) echo "$1/lib" ;;
    --cflags) echo "-I$1/include" ;;
    --libs) echo "-L$1/lib -lnetcdf" ;;
    --has-parallel4|--has-parallel) echo "$2" ;;
    --has-nc4|--has-hdf5) echo yes ;;
    --version) echo "netCDF $3" ;;
    *) echo "nc-config: unknown option \$a" >&2; exit 1 ;;
  esac
done
EOF
  chmod +x "$1/bin/nc-config"
}
write_nc_config "$P" yes "$NC_VERSION"

# HDF5, parallel
P="$ST/hdf5"
stage_dir "$H5_INC" "$P/include"
link_libs "$P/lib" "libhdf5.so=$H5_LIBDIR/libhdf5.so" "libhdf5_hl.so=$H5_LIBDIR/libhdf5_hl.so"
H5_VERSION="$(pkg-config --modversion hdf5-openmpi)"
write_pc "$P/lib/pkgconfig/hdf5.pc" "$P" HDF5 "$H5_VERSION" "-lhdf5"
sed "s|Installation point: .*|Installation point: $P|" "$H5_LIBDIR/libhdf5.settings" > "$P/lib/libhdf5.settings"
mkdir -p "$P/bin"
cat > "$P/bin/h5pcc" <<EOF
#!/bin/sh
# h5pcc of the HDF5 staged in $P
case "\$1" in
  -showconfig) cat "$P/lib/libhdf5.settings" ;;
  -show) echo "mpicc -I$P/include -L$P/lib $P/lib/libhdf5_hl.so $P/lib/libhdf5.so -lz -ldl -lm" ;;
  *) exec mpicc -I"$P/include" "\$@" -L"$P/lib" -lhdf5 ;;
esac
EOF
chmod +x "$P/bin/h5pcc"

# PETSc
P="$ST/petsc"
stage_dir "$PETSC_PREFIX/include" "$P/include"
link_libs "$P/lib" "lib$PETSC_LIBNAME.so=$PETSC_PREFIX/lib/lib$PETSC_LIBNAME.so"
mkdir -p "$P/lib/pkgconfig"
sed "s|^prefix=.*|prefix=$P|" "$(pkg-config --variable=pcfiledir PETSc)/PETSc.pc" > "$P/lib/pkgconfig/PETSc.pc"
cp "$P/lib/pkgconfig/PETSc.pc" "$P/lib/pkgconfig/petsc.pc"

# GDAL (Debian's multiarch library folder kept: its CMake package counts four folders up to the prefix)
P="$ST/gdal"
stage_dir "$GDAL_INC" "$P/include/gdal"
link_libs "$P/lib/$MA" "libgdal.so=$GDAL_LIB" "$(basename "$GDAL_LIB")=$GDAL_LIB"
mkdir -p "$P/lib/$MA/cmake/gdal" "$P/lib/pkgconfig" "$P/bin"
cp "$GDAL_CMAKE"/*.cmake "$P/lib/$MA/cmake/gdal/"
write_pc "$P/lib/pkgconfig/gdal.pc" "$P" libgdal "$(pkg-config --modversion gdal)" "-lgdal"
sed -i "s|^libdir=.*|libdir=\${prefix}/lib/$MA|; s|^Cflags: .*|Cflags: -I\${includedir}/gdal|" "$P/lib/pkgconfig/gdal.pc"
sed -e "s|^CONFIG_PREFIX=.*|CONFIG_PREFIX=\"$P\"|" -e "s|^CONFIG_CFLAGS=.*|CONFIG_CFLAGS=\"-I$P/include/gdal\"|" \
  -e "s|^CONFIG_LIBS=.*|CONFIG_LIBS=\"-L$P/lib/$MA -lgdal\"|" "$(command -v gdal-config)" > "$P/bin/gdal-config"
chmod +x "$P/bin/gdal-config"

# A serial netCDF-C, for configuration D
P="$ST/netcdf-serial"
mkdir -p "$P/include"
for h in /usr/include/netcdf.h /usr/include/netcdf_meta.h /usr/include/netcdf_filter.h; do
  [ -e "$h" ] && ln -s "$h" "$P/include/"
done
link_libs "$P/lib" "libnetcdf.so=/usr/lib/$MA/libnetcdf.so"
write_pc "$P/lib/pkgconfig/netcdf.pc" "$P" netCDF "$NC_VERSION" "-lnetcdf"
write_nc_config "$P" no "$NC_VERSION"

# pkg-config's "system" folder: copies of the .pc files of what is not staged, nothing else.
PCSYS="$ST/pkgconfig-system"
mkdir -p "$PCSYS"
for m in tomlplusplus libdeflate ompi ompi-c ompi-cxx mpi mpi-c mpi-cxx; do
  d="$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)" && [ -e "$d/$m.pc" ] && cp "$d/$m.pc" "$PCSYS/"
done
export PKG_CONFIG_LIBDIR="$PCSYS"
unset PKG_CONFIG_PATH CMAKE_PREFIX_PATH
unset NETCDF_ROOT NETCDF_DIR HDF5_ROOT HDF5_DIR PETSC_ROOT PETSC_DIR PETSC_ARCH GDAL_ROOT GDAL_DIR

# --- Hide Debian's folders. ------------------------------------------------------------------------------
if [ "$ALAMOD_PB_INSIDE" != "no namespace" ]; then
  EMPTY="$WORK/empty"
  mkdir -p "$EMPTY"
  hidden=""
  for d in "$NC_PREFIX" "/usr/lib/$MA/cmake/netCDF_mpi" "$H5_INC" "$H5_LIBDIR" "$PETSC_PREFIX" "$GDAL_INC" "$GDAL_CMAKE"; do
    if [ -d "$d" ]; then
      mount --bind "$EMPTY" "$d" || { echo "FAIL could not hide $d"; echo "0 passed, 1 failed"; exit 1; }
      hidden="$hidden $d"
    fi
  done
  echo "hidden:$hidden"
  [ -z "$(ls -A "$NC_PREFIX")" ] && [ -z "$(ls -A "$GDAL_INC")" ] && [ -n "$(ls -A "$ST/netcdf-c/include")" ]
  check "Debian's folders are hidden and the staged ones readable" $?
  ! pkg-config --exists netcdf-mpi hdf5-openmpi PETSc gdal 2>/dev/null
  check "pkg-config finds none of Debian's netcdf-mpi, hdf5-openmpi, PETSc, gdal" $?
fi
echo "staged in $((SECONDS - t0)) s"

export CCACHE_BASEDIR="$WORK"
ALAMOD_PB_CMAKE_ARGS=(-DCMAKE_BUILD_TYPE=None -DBUILD_TESTING=OFF)

# check_configuration NAME BUILD_DIR: the staged prefixes, and no Debian folder, in what CMake decided.
check_configuration() {
  local name="$1" b="$2" cache="$2/CMakeCache.txt" bad
  for pkg in PETSC:petsc NETCDF_PARALLEL:netcdf-c HDF5_PARALLEL:hdf5 GDAL:gdal; do
    key="${pkg%%:*}" dir="$ST/${pkg#*:}"
    inc="$(sed -n "s|^ALAMOD_FOUND_${key}_INCLUDE_DIR:INTERNAL=||p" "$cache")"
    case "$inc" in "$dir"/*) r=0 ;; *) r=1 ;; esac
    check "$name: ${key} headers from the staged prefix ($inc)" $r "$(grep "ALAMOD_FOUND_${key}" "$cache")"
  done
  for pkg in PETSC NETCDF_PARALLEL HDF5_PARALLEL; do
    libs="$(sed -n "s|^ALAMOD_FOUND_${pkg}_LIBRARIES:INTERNAL=||p" "$cache")"
    [ -n "$libs" ] && ! grep -Eq "$DEBIAN_RE" <<<"$libs"
    check "$name: ${pkg} libraries from the staged prefix ($libs)" $?
  done
  bad="$(grep -E '^(ALAMOD_FOUND_|GDAL_DIR|pkgcfg_lib_ALAMOD)' "$cache" | grep -E "$DEBIAN_RE")"
  check "$name: no Debian folder in what the cache says was found" "$([ -z "$bad" ]; echo $?)" "$bad"
  bad="$(grep -Eo "$DEBIAN_RE" "$b/compile_commands.json" | sort -u)"
  check "$name: no Debian folder in compile_commands.json" "$([ -z "$bad" ]; echo $?)" "$bad"
  # The parallel netCDF headers' folder comes before every other include folder of the grid library.
  first="$(/usr/bin/python3 - "$b/compile_commands.json" <<'EOF'
import json, shlex, sys
for e in json.load(open(sys.argv[1])):
    if "/grids/" in e["file"] and "alamod_grids.dir" in e["command"]:  # not alamod_grids_plain (no netCDF)
        args = shlex.split(e["command"])
        incs = [a[2:] if a.startswith("-I") and len(a) > 2 else args[i + 1]
                for i, a in enumerate(args) if a.startswith("-I") or a == "-isystem"]
        print(next((d for d in incs if "netcdf" in d.lower() or "hdf5" in d.lower() or "gdal" in d.lower()), ""))
        break
EOF
)"
  [ "$first" = "$ST/netcdf-c/include" ]
  check "$name: the staged parallel netCDF headers come first on the grid library's include path ($first)" $?
  # the engine links them (alamod, the light executable, links none: test startup_light_executable)
  link="$(find "$b" -path '*/CMakeFiles/alamod_engine_executable.dir/link.txt' -exec cat {} \; 2>/dev/null)"
  [ -n "$link" ] && ! grep -Eq "$DEBIAN_RE" <<<"$link" && grep -q "$ST/netcdf-c/lib/libnetcdf.so" <<<"$link" &&
    grep -q "$ST/hdf5/lib/libhdf5.so" <<<"$link" && grep -q "$ST/petsc/lib/" <<<"$link" && grep -q "$ST/gdal/lib/" <<<"$link"
  check "$name: alamod-engine's link line names the staged libraries only" $? "$(grep -Eo "$DEBIAN_RE" <<<"$link" | sort -u)"
}

# check_installed: A installed into a temporary prefix outside the trees, then run from there with the trees
# it was built from hidden, so that nothing can resolve back into them.
check_installed() {
  local T P out rc t
  T="$(mktemp -d "${TMPDIR:-/tmp}/alamod_installed.XXXXXX")" || { check "installed: a temporary prefix" 1; return; }
  P="$T/prefix"
  t=$SECONDS
  out="$("$CMAKE" --install "$BA" --prefix "$P" 2>&1)"
  rc=$?
  [ $rc -eq 0 ] && [ -x "$P/bin/alamod" ] && [ -x "$P/libexec/alamod/alamod-engine" ] &&
    [ -f "$P/share/alamod/configs/france_default.toml" ] && [ -f "$P/share/alamod/data/france/land_mask_8km.tif" ]
  check "A: cmake --install wrote bin/alamod, libexec/alamod/alamod-engine, share/alamod/{configs,data} ($((SECONDS - t)) s)" $? "$out"
  if [ $rc -ne 0 ] || [ ! -x "$P/bin/alamod" ]; then rm -rf "$T"; return; fi
  mkdir -p "$T/empty" "$T/work"
  local hide=yes
  [ "$ALAMOD_PB_INSIDE" = "no namespace" ] && hide=no
  # The checks run in a nested mount namespace (where this script's own folder is hidden), from a script given
  # on the command line, in an environment holding nothing of the test's (no ALAMOD_* variable).
  local inner
  inner="$(cat <<'EOF'
set -u
P="$1" T="$2" HIDE="$3" NC_VERSION="$4"; shift 4
ok() { if [ "$2" -eq 0 ]; then echo "PASS installed: $1"; else echo "FAIL installed: $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -25 | sed 's/^/     /'; fi; }
if [ "$HIDE" = yes ]; then
  for d in "$@"; do [ -d "$d" ] && mount --bind "$T/empty" "$d"; done
  r=0; for d in "$@"; do [ -d "$d" ] && [ -n "$(ls -A "$d")" ] && r=1; done
  ok "the source tree and the build trees are hidden: $*" $r
else
  echo "NOTE no mount namespace: the source and build trees stay visible during the installed checks"
fi
cd "$T/work" || exit 1
out="$("$P/bin/alamod" --version 2>&1)"; r=$?
[ $r -eq 0 ] && grep -q "netCDF $NC_VERSION (parallel)" <<<"$out"
ok "bin/alamod --version" $? "$out"
out="$("$P/libexec/alamod/alamod-engine" --version 2>&1)"; r=$?
[ $r -eq 0 ] && grep -q "netCDF $NC_VERSION (parallel)" <<<"$out"
ok "libexec/alamod/alamod-engine --version" $? "$out"
out="$("$P/bin/alamod" models 2>&1)"; r=$?
[ $r -eq 0 ] && grep -q "^rothc" <<<"$out" && grep -q "^millennial" <<<"$out"
ok "alamod models lists the models" $? "$out"
forcing="$P/share/alamod/data/sites/broadbalk/forcing_fym1843.csv"
out="$("$P/bin/alamod" site --model rothc --forcing "$forcing" --out "$T/work/site.csv" 2>&1)"; r=$?
[ $r -eq 0 ] && [ "$(grep -vc '^#' "$T/work/site.csv" 2>/dev/null)" -gt 10 ]
ok "alamod site --model rothc on the installed $forcing" $? "$out"
# the installed France configuration (its inputs relative to it, in share/alamod/data) on a 25 x 25-cell window
out="$(mpiexec -n 2 "$P/bin/alamod" run "$P/share/alamod/configs/france_default.toml" --out "$T/work/run" --quiet \
  --set grid.xmin=560000.0 --set grid.xmax=760000.0 --set grid.ymin=6700000.0 --set grid.ymax=6900000.0 \
  --set run.end_year=1991 2>&1)"; r=$?
meta="$(ncdump -h "$T/work/run/carbon_yearly.nc" 2>&1)"
[ $r -eq 0 ] && grep -q ":alamod_config_file = \"$P/share/alamod/configs/france_default.toml\"" <<<"$meta" &&
  grep -q "$P/share/alamod/configs/../data/france/forcing/climate_8km_monthly_1990_2100.nc sha256:" <<<"$meta" &&
  grep -q "netCDF $NC_VERSION (parallel)" <<<"$meta" && grep -q ":alamod_mpi_ranks = 2" <<<"$meta"
ok "mpiexec -n 2 alamod run of the installed france_default.toml (a window, 1990-1991) through the installed engine" $? \
  "$out$(printf '\n%s' "$(grep -E 'alamod_config_file|alamod_library_versions|alamod_mpi_ranks' <<<"$meta")")"
EOF
)"
  local hidden=("$BA" "$SRC")
  [ -n "$BUILD_DIR" ] && hidden=("$BA" "$BUILD_DIR" "$SRC")
  local envs=(PATH=/usr/local/bin:/usr/bin:/bin HOME="$T" LANG=C.UTF-8 OMPI_ALLOW_RUN_AS_ROOT=1
              OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1)
  if [ "$hide" = yes ]; then
    out="$(env -i "${envs[@]}" unshare --mount --propagation private /bin/bash -c "$inner" installed-checks \
      "$P" "$T" yes "$NC_VERSION" "${hidden[@]}" 2>&1)"
  else
    out="$(env -i "${envs[@]}" /bin/bash -c "$inner" installed-checks "$P" "$T" no "$NC_VERSION" "${hidden[@]}" 2>&1)"
  fi
  printf '%s\n' "$out"
  passed=$((passed + $(grep -c '^PASS ' <<<"$out")))
  failed=$((failed + $(grep -c '^FAIL ' <<<"$out")))
  grep -q '^PASS installed: mpiexec' <<<"$out" || grep -q '^FAIL installed: mpiexec' <<<"$out" ||
    { echo "FAIL installed: the checks stopped before the run"; failed=$((failed + 1)); }
  rm -rf "$T"
}

# --- A: explicit roots, built and run. -------------------------------------------------------------------
BA="$WORK/build-roots"
rm -rf "$BA"
t=$SECONDS
"$CMAKE" -S "$SRC" -B "$BA" "${ALAMOD_PB_CMAKE_ARGS[@]}" -DPETSC_ROOT="$ST/petsc" -DNETCDF_ROOT="$ST/netcdf-c" \
  -DHDF5_ROOT="$ST/hdf5" -DGDAL_ROOT="$ST/gdal" -DALAMOD_INSTALL=ON > "$WORK/configure-roots.log" 2>&1
rc=$?
check "A (<Package>_ROOT): configured in $((SECONDS - t)) s" $rc "$(cat "$WORK/configure-roots.log")"
sed -n '/alamod dependencies/,/parallel netCDF headers/p' "$WORK/configure-roots.log"
if [ $rc -eq 0 ]; then
  check_configuration A "$BA"
  t=$SECONDS
  "$CMAKE" --build "$BA" -j"$JOBS" --target alamod > "$WORK/build-roots.log" 2>&1
  rc=$?
  check "A: target alamod built in $((SECONDS - t)) s" $rc "$(tail -30 "$WORK/build-roots.log")"
  if [ $rc -eq 0 ] && [ "$ALAMOD_PB_INSIDE" = "no namespace" ]; then
    echo "NOTE without a namespace the staged include folders are links, which GCC writes into its dependency"
    echo "     files as their targets (canonical system headers): the header checks are skipped"
  elif [ $rc -eq 0 ]; then
    deps="$(find "$BA" -name '*.o.d' -print0 | xargs -0 cat)"
    bad="$(grep -Eo "$DEBIAN_RE|/usr/include/netcdf[_a-z]*\.h" <<<"$deps" | sort -u)"
    check "A: no header read from Debian's folders (compiler dependency files)" "$([ -z "$bad" ]; echo $?)" "$bad"
    for h in "netcdf-c/include/netcdf.h" "netcdf-c/include/netcdf_par.h" "hdf5/include/hdf5.h" "petsc/include/petscconf.h" "gdal/include/gdal/gdal.h"; do
      grep -Eq "(^|[ /])stage/$h" <<<"$deps"  # relative to the build folder under CCACHE_BASEDIR
      check "A: the compiler read the staged $h" $?
    done
  fi
  if [ $rc -eq 0 ]; then
    exe="$(find "$BA" -name alamod -type f -perm -u+x | head -1)"
    out="$("$exe" --version 2>&1)"
    rc=$?
    echo "$out"
    [ $rc -eq 0 ] && grep -q "netCDF $NC_VERSION (parallel)" <<<"$out"
    check "A: alamod --version runs and reports the parallel netCDF" $? "$out"
    # the light alamod prints the engine's text captured at build time; the engine itself, run now
    out="$("$(dirname "$exe")/alamod-engine" --version 2>&1)"
    [ $? -eq 0 ] && grep -q "netCDF $NC_VERSION (parallel)" <<<"$out"
    check "A: alamod-engine --version runs and reports the parallel netCDF" $? "$out"
    check_installed
  fi
fi

# --- B: a module system: PATH and PKG_CONFIG_PATH only. ----------------------------------------------------
BB="$WORK/build-modules"
rm -rf "$BB"
t=$SECONDS
PATH="$ST/netcdf-c/bin:$ST/hdf5/bin:$ST/gdal/bin:$PATH" PKG_CONFIG_PATH="$ST/petsc/lib/pkgconfig" \
  "$CMAKE" -S "$SRC" -B "$BB" "${ALAMOD_PB_CMAKE_ARGS[@]}" > "$WORK/configure-modules.log" 2>&1
rc=$?
check "B (modules: PATH and PKG_CONFIG_PATH): configured in $((SECONDS - t)) s" $rc "$(cat "$WORK/configure-modules.log")"
if [ $rc -eq 0 ]; then
  check_configuration B "$BB"
  grep -q "ALAMOD_FOUND_NETCDF_PARALLEL_ORIGIN:INTERNAL=$ST/netcdf-c/bin/nc-config" "$BB/CMakeCache.txt"
  check "B: netCDF found through the nc-config on PATH" $?
  grep -q "ALAMOD_FOUND_HDF5_PARALLEL_ORIGIN:INTERNAL=$ST/hdf5/bin/h5pcc" "$BB/CMakeCache.txt"
  check "B: HDF5 found through the h5pcc on PATH" $?
fi

# --- C: Spack-like: CMAKE_PREFIX_PATH only. ----------------------------------------------------------------
BC="$WORK/build-prefix-path"
rm -rf "$BC"
t=$SECONDS
CMAKE_PREFIX_PATH="$ST/petsc:$ST/netcdf-c:$ST/hdf5:$ST/gdal" \
  "$CMAKE" -S "$SRC" -B "$BC" "${ALAMOD_PB_CMAKE_ARGS[@]}" > "$WORK/configure-prefix-path.log" 2>&1
rc=$?
check "C (CMAKE_PREFIX_PATH): configured in $((SECONDS - t)) s" $rc "$(cat "$WORK/configure-prefix-path.log")"
[ $rc -eq 0 ] && check_configuration C "$BC"

# --- D: a serial netCDF named by NETCDF_ROOT is refused. ---------------------------------------------------
BD="$WORK/build-serial"
rm -rf "$BD"
"$CMAKE" -S "$SRC" -B "$BD" "${ALAMOD_PB_CMAKE_ARGS[@]}" -DPETSC_ROOT="$ST/petsc" -DNETCDF_ROOT="$ST/netcdf-serial" \
  -DHDF5_ROOT="$ST/hdf5" -DGDAL_ROOT="$ST/gdal" > "$WORK/configure-serial.log" 2>&1
rc=$?
msg="$(tr -s ' \n' ' ' < "$WORK/configure-serial.log")"
[ $rc -ne 0 ] && grep -q "Parallel netCDF-C in the prefix given by NETCDF_ROOT" <<<"$msg" &&
  grep -q "$ST/netcdf-serial" <<<"$msg" && grep -q "has-parallel4 says no" <<<"$msg" && grep -q -- "-DNETCDF_ROOT=<prefix>" <<<"$msg"
check "D: a serial netCDF under NETCDF_ROOT stops the configuration with what was found and how to fix it" $? \
  "$(sed -n '/CMake Error/,/Call Stack/p' "$WORK/configure-serial.log")"

echo "portable build test: $((SECONDS - t0)) s in all"
finish
