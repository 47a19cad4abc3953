#!/usr/bin/env bash
# Install what is needed, build, and run the main job: RothC over metropolitan
# France at 8 km, 1990-2100, on 2 MPI ranks, into results/france_8km/.
# Usage: scripts/france_default.sh [RANKS] [extra alamod run options]
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS="${1:-2}"; shift || true
scripts/install_deps.sh
scripts/build.sh
# The monthly forcing is generated (deterministically) at set-up, not committed.
[ -f data/france/forcing/climate_8km_monthly_1990_2100.nc ] || \
  /usr/bin/python3 scripts/make_france_default.py --forcing-only --out data/france
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# One machine: Open MPI's shared-memory transport, without probing for cluster interconnects
# (PSM, PSM2, OFI), which costs ~0.2 s per run; on a cluster leave OMPI_MCA_pml to the site.
export OMPI_MCA_pml="${OMPI_MCA_pml:-ob1}"
mpiexec -n "$RANKS" build/engine/alamod run configs/france_default.toml --out results/france_8km --overwrite "$@"
