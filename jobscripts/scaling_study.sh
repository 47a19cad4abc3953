#!/bin/bash
# Strong-scaling study of alamod: runs the France cases at several rank counts and writes
# results/scaling/france_runs.csv and france_runs.png (speed-up, efficiency, time per phase,
# write rate against dd, load imbalance, memory per cell).
#
#   jobscripts/scaling_study.sh                                  # here: 8 km and 1 km on 1 and 2 ranks
#   ALAMOD_SCALING_RANKS=1,2,4,8,16,32 jobscripts/submit.sh scaling_study.sh -n 32 -t 60   # account/partition of cluster.env
#   ALAMOD_SCALING_REPEAT=3 jobscripts/scaling_study.sh          # medians of 3 interleaved repeats
#   ALAMOD_SCALING_DD_PAUSE=12: seconds idle before each "cold" dd (scripts/bench_france.py --dd-pause)
#
#SBATCH --job-name=alamod-scaling
#SBATCH --output=alamod-scaling-%j.log
set -euo pipefail
source "${ALAMOD_HOME:-${SLURM_SUBMIT_DIR:-$(cd "$(dirname "$0")/.." && pwd)}}/jobscripts/cluster.env" || exit 1
cd "$ALAMOD_HOME"
if [ -n "${SLURM_JOB_ID:-}" ]; then
  echo "[$(date -u +%FT%TZ)] job $SLURM_JOB_ID: account ${SLURM_JOB_ACCOUNT:-(default)}, partition ${SLURM_JOB_PARTITION:-(default)}, modules: ${ALAMOD_MODULES:-(none)}"
fi
export ALAMOD_LAUNCH ALAMOD_BIN
/usr/bin/python3 scripts/bench_france.py --cases "${ALAMOD_SCALING_CASES:-8km,1km}" \
  --ranks "${ALAMOD_SCALING_RANKS:-1,2}" --end-year "${ALAMOD_SCALING_END_YEAR:-2100}" \
  --repeat "${ALAMOD_SCALING_REPEAT:-1}" --dd-pause "${ALAMOD_SCALING_DD_PAUSE:-12}" --out "${ALAMOD_SCALING_OUT:-results/scaling}" --plot
