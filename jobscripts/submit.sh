#!/bin/bash
# Submit an alamod jobscript with the account, partition, QOS and extra sbatch options of cluster.env
# (#SBATCH lines cannot read variables). Options after the script name go to sbatch and win over cluster.env's;
# the job gets ALAMOD_HOME (this repository) and loads ALAMOD_MODULES itself.
#
#   jobscripts/submit.sh national_run.sbatch --ntasks=64 --time=02:00:00
#   ALAMOD_SBATCH_PARTITION=debug jobscripts/submit.sh calibration.sbatch -n 8 -t 30
#   ALAMOD_SCALING_RANKS=1,2,4,8,16,32 jobscripts/submit.sh scaling_study.sh -n 32 -t 60
#   jobscripts/submit.sh --dry-run national_run.sbatch -n 4     # print the sbatch command, submit nothing
#
# The account, partition and QOS reach sbatch as SBATCH_ACCOUNT, SBATCH_PARTITION and SBATCH_QOS, which
# sbatch reads after the script's #SBATCH lines and before its command-line options.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dry=0
if [ "${1:-}" = "--dry-run" ]; then dry=1; shift; fi
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
  [ $# -ge 1 ]; exit $?
fi
script="$1"; shift
if [ ! -f "$script" ] && [ -f "$here/$script" ]; then script="$here/$script"; fi
if [ ! -f "$script" ]; then
  echo "submit.sh: no jobscript '$script' (try national_run.sbatch, calibration.sbatch or scaling_study.sh)" >&2
  exit 2
fi

export ALAMOD_HOME="${ALAMOD_HOME:-$(cd "$here/.." && pwd)}"
# shellcheck disable=SC1091
ALAMOD_SUBMITTING=1 source "$here/cluster.env"

[ -n "$ALAMOD_SBATCH_ACCOUNT" ] && export SBATCH_ACCOUNT="$ALAMOD_SBATCH_ACCOUNT"
[ -n "$ALAMOD_SBATCH_PARTITION" ] && export SBATCH_PARTITION="$ALAMOD_SBATCH_PARTITION"
[ -n "$ALAMOD_SBATCH_QOS" ] && export SBATCH_QOS="$ALAMOD_SBATCH_QOS"
read -r -a extra <<< "$ALAMOD_SBATCH_EXTRA"
cmd=(sbatch ${extra[@]+"${extra[@]}"} "$@" "$script")

if [ $dry -eq 1 ]; then
  for v in SBATCH_ACCOUNT SBATCH_PARTITION SBATCH_QOS; do
    [ -n "${!v:-}" ] && printf '%s=%q ' "$v" "${!v}"
  done
  printf '%q ' "${cmd[@]}"
  echo
  exit 0
fi
exec "${cmd[@]}"
