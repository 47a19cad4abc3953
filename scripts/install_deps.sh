#!/usr/bin/env bash
# Install the Debian 12 packages alamod needs to build, run and test.
# Skips the install when every package is already present.
# Usage: scripts/install_deps.sh [--with-slurm] [--with-browser]
set -euo pipefail
PKGS=(build-essential cmake pkg-config ccache git
  libopenmpi-dev openmpi-bin petsc-dev libgdal-dev gdal-bin
  libnetcdf-mpi-dev libhdf5-openmpi-dev netcdf-bin libcli11-dev libgtest-dev libbenchmark-dev
  libtomlplusplus-dev libdeflate-dev zlib1g-dev libssl-dev cdo nco python3-xarray python3-netcdf4 python3-numpy python3-matplotlib
  python3-gdal python3-jsonschema python3-rdflib libudunits2-dev udunits-bin)
for a in "$@"; do
  case "$a" in
    --with-slurm) PKGS+=(slurm-wlm munge) ;;
    --with-browser) PKGS+=(chromium) ;;
    *) echo "install_deps.sh: unknown option '$a' (valid: --with-slurm --with-browser)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps.sh: all ${#PKGS[@]} packages already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install_deps.sh: installing ${#missing[@]} packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  -o DPkg::Lock::Timeout=300 "${missing[@]}"
