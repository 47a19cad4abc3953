#!/usr/bin/env bash
# Node scaling of the RothC block kernel (a benchmark, not a test): P concurrent single-threaded
# processes, one pinned per core, each running bench_rothc_kernel on an in-cache (16,384 cells) and an
# out-of-cache (262,144 cells) block; prints the per-process and total cell-months per second.
# What it measures: how the compute phase of a grid run shares a node's caches and memory bandwidth.
# Usage: scripts/bench_kernel_node.sh [BENCH_BINARY] [P list, default "1 2 4 8 16" capped at nproc]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/tests/benchmarks/bench_rothc_kernel}
ps=${2:-"1 2 4 8 16"}
cores=$(nproc)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "cores: $cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
for P in $ps; do
  [ "$P" -le "$cores" ] || continue
  for i in $(seq 0 $((P - 1))); do
    taskset -c "$i" "$bin" --benchmark_filter='BM_RothcStepBlock/(16384|262144)$' --benchmark_min_time=2 \
      --benchmark_format=csv > "$tmp/k_${P}_$i.csv" 2>/dev/null &
  done
  wait
  for i in $(seq 0 $((P - 1))); do grep -h '^"BM_' "$tmp/k_${P}_$i.csv"; done |
    awk -F, -v P="$P" '{split($1, a, "/"); b = a[2]; gsub(/"/, "", b); n[b]++; s[b] += $NF}
      END {for (k in n) printf "P=%-3d block %-7s per process %.3g cell-months/s, total %.3g\n", P, k, s[k] / n[k], s[k]}'
done
