#!/usr/bin/env bash
# Install what is needed, build, and run the whole test suite (ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh --with-slurm --with-browser
scripts/build.sh
[ -f data/france/forcing/climate_8km_monthly_1990_2100.nc ] || \
  /usr/bin/python3 scripts/make_france_default.py --forcing-only --out data/france
ctest --test-dir build -j2 --output-on-failure --timeout 900
