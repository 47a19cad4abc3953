#!/bin/bash
# Launch an MPI run of alamod so that SIGTERM, SIGINT or SIGHUP sent to this script (kill, Ctrl-C in a
# terminal, a batch system signalling the job's shell) stops alamod cleanly: the signal is passed on to the
# launcher as SIGUSR1, which Open MPI's mpirun and SLURM's srun forward to the ranks at once; alamod
# finishes its simulated year, writes a checkpoint and exits 75, and this script exits with the launcher's
# status (75; 0 when the run had completed). A second signal asks the launcher to end the run at once.
#
#   jobscripts/launch.sh -n 4 build/engine/alamod run configs/france_default.toml --out results/fr8
#   ALAMOD_LAUNCH="srun --mpi=pmix" jobscripts/launch.sh -n 64 build/engine/alamod run ...
#
# The launcher is $ALAMOD_LAUNCH (default mpirun; cluster.env sets it in jobs). Why not mpirun alone: sent
# SIGTERM or SIGINT itself, Open MPI 4.1's mpirun sends the ranks SIGCONT, then SIGTERM only
# odls_base_sigkill_timeout seconds later (default 1) and SIGKILL as long after, and exits 1 whatever the
# ranks returned (docs/FAULTS.md, "Signals"). The launcher runs in a process group of its own, with stdin
# from /dev/null, so that a terminal's Ctrl-C reaches this script only.
set -u
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
  [ $# -ge 1 ]; exit $?
fi
read -r -a launcher <<< "${ALAMOD_LAUNCH:-mpirun}"

stopping="" interrupted=0
on_signal() {
  interrupted=1
  if [ -z "$stopping" ]; then
    stopping="$1"
    echo "launch.sh: $1: asking alamod to write a checkpoint and stop (SIGUSR1 to ${launcher[0]})" >&2
    kill -USR1 "$pid" 2>/dev/null
  else
    echo "launch.sh: $1 after $stopping: ending the run now (SIGTERM to ${launcher[0]})" >&2
    kill -TERM "$pid" 2>/dev/null
  fi
}
trap 'on_signal SIGTERM' TERM
trap 'on_signal SIGINT' INT
trap 'on_signal SIGHUP' HUP
trap 'on_signal SIGUSR1' USR1

set -m  # the launcher in a process group of its own
"${launcher[@]}" "$@" < /dev/null &
pid=$!
set +m
# `wait` returns early when a trapped signal arrives: wait again until the launcher has ended.
while :; do
  interrupted=0
  wait "$pid"
  rc=$?
  [ "$interrupted" -eq 1 ] || break
done
exit "$rc"
