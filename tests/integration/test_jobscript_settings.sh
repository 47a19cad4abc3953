#!/bin/bash
# jobscripts/cluster.env and jobscripts/submit.sh without SLURM: the modules of ALAMOD_MODULES are loaded
# (only when the list is not empty and a `module` command exists, set up from $MODULESHOME if needed), a
# failed `module load` stops each jobscript before it launches anything, and submit.sh hands cluster.env's
# account, partition, QOS and extra options to sbatch (command-line options last, so they win) without
# loading modules at submission. A fake `module` (through MODULESHOME/init/bash) and a fake `sbatch` (first
# on PATH) record what they were asked. The real submission through SLURM is in test_slurm.py.
#
#   test_jobscript_settings.sh --source-dir DIR --work DIR
set -u -o pipefail
SRC="" WORK=""
while [ $# -gt 0 ]; do
  case "$1" in
    --source-dir) SRC="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    *) echo "unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -n "$SRC" ] && [ -n "$WORK" ] || { echo "usage: $0 --source-dir DIR --work DIR" >&2; exit 2; }
rm -rf "$WORK" && mkdir -p "$WORK" && WORK="$(cd "$WORK" && pwd)" || exit 2
J="$SRC/jobscripts"
passed=0 failed=0
check() {  # check NAME STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then echo "PASS $1"; passed=$((passed + 1))
  else echo "FAIL $1"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -20 | sed 's/^/     /'; failed=$((failed + 1)); fi
}

# A module system that records its calls (load of a module named "missing/*" fails, as Lmod's does).
mkdir -p "$WORK/modules/init" "$WORK/bin"
cat > "$WORK/modules/init/bash" <<EOF
module() { echo "module \$*" >> "$WORK/module_calls"; case "\$*" in *missing/*) return 1 ;; esac; }
EOF
# An sbatch that records its environment and arguments.
cat > "$WORK/bin/sbatch" <<EOF
#!/bin/bash
{ echo "SBATCH_ACCOUNT=\${SBATCH_ACCOUNT:-} SBATCH_PARTITION=\${SBATCH_PARTITION:-} SBATCH_QOS=\${SBATCH_QOS:-}"
  echo "ALAMOD_HOME=\${ALAMOD_HOME:-}"; echo "args: \$*"; } > "$WORK/sbatch_call"
EOF
chmod +x "$WORK/bin/sbatch"
# Run the jobscripts without SLURM and without alamod: a launcher that records that it was reached.
cat > "$WORK/bin/fake_launch" <<EOF
#!/bin/bash
echo "launched \$*" >> "$WORK/launched"
EOF
chmod +x "$WORK/bin/fake_launch"
unset_args=(-u ALAMOD_MODULES -u MODULESHOME -u ALAMOD_SBATCH_ACCOUNT -u ALAMOD_SBATCH_PARTITION -u ALAMOD_SBATCH_QOS
  -u ALAMOD_SBATCH_EXTRA -u SBATCH_ACCOUNT -u SBATCH_PARTITION -u SBATCH_QOS -u SLURM_JOB_ID -u ALAMOD_SUBMITTING)
clean_env=(env "${unset_args[@]}" ALAMOD_HOME="$SRC" PATH="$WORK/bin:$PATH")
submit_env=(env "${unset_args[@]}" -u ALAMOD_HOME PATH="$WORK/bin:$PATH")  # as from a login shell

# 1. No modules listed: no module command is called.
rm -f "$WORK/module_calls"
out="$("${clean_env[@]}" MODULESHOME="$WORK/modules" bash -c "source '$J/cluster.env'" 2>&1)"
check "empty ALAMOD_MODULES: sourcing succeeds and loads nothing" "$([ $? -eq 0 ] && [ ! -e "$WORK/module_calls" ]; echo $?)" "$out"

# 2. Modules listed and a module system: one `module load` with the whole list.
rm -f "$WORK/module_calls"
out="$("${clean_env[@]}" MODULESHOME="$WORK/modules" ALAMOD_MODULES="gcc/12 netcdf-c/4.9-mpi" \
  bash -c "source '$J/cluster.env'" 2>&1)"
check "ALAMOD_MODULES loaded through the module command set up from MODULESHOME" \
  "$([ $? -eq 0 ] && [ "$(cat "$WORK/module_calls" 2>/dev/null)" = "module load gcc/12 netcdf-c/4.9-mpi" ]; echo $?)" \
  "$out $(cat "$WORK/module_calls" 2>/dev/null)"
grep -q "module load gcc/12 netcdf-c/4.9-mpi" <<<"$out"
check "the job log says which modules were loaded" $? "$out"

# 3. Modules listed but no module command: a warning, no failure.
out="$("${clean_env[@]}" ALAMOD_MODULES="gcc/12" bash -c "source '$J/cluster.env' && echo sourced" 2>&1)"
grep -q "sourced" <<<"$out" && grep -q "no 'module' command" <<<"$out"
check "ALAMOD_MODULES without a module command: warned and carried on" $? "$out"

# 4. A module that cannot be loaded stops each jobscript before it launches anything.
for s in national_run.sbatch calibration.sbatch scaling_study.sh; do
  rm -f "$WORK/launched"
  out="$(cd "$WORK" && "${clean_env[@]}" MODULESHOME="$WORK/modules" ALAMOD_MODULES="missing/1.0" \
    ALAMOD_LAUNCH=fake_launch ALAMOD_BIN=/bin/true ALAMOD_OUT="$WORK/out" ALAMOD_CAL_OUT="$WORK/cal/p.toml" \
    ALAMOD_SCALING_OUT="$WORK/scaling" timeout 60 bash "$J/$s" 2>&1)"
  rc=$?
  [ $rc -ne 0 ] && [ ! -e "$WORK/launched" ] && grep -q "module load missing/1.0' failed" <<<"$out"
  check "$s: a failed module load stops the job (exit $rc) before launching" $? "$out"
done

# 5. submit.sh: cluster.env's account, partition, QOS and extra options reach sbatch; options given on its
#    command line come after them; no module is loaded at submission.
rm -f "$WORK/module_calls" "$WORK/sbatch_call"
out="$(cd "$WORK" && "${submit_env[@]}" MODULESHOME="$WORK/modules" ALAMOD_MODULES="gcc/12" \
  ALAMOD_SBATCH_ACCOUNT="abc@cpu" ALAMOD_SBATCH_PARTITION="cpu_p1" ALAMOD_SBATCH_QOS="qos_cpu-t3" \
  ALAMOD_SBATCH_EXTRA="--hint=nomultithread --constraint=cpu" \
  bash "$J/submit.sh" national_run.sbatch --ntasks=4 --partition=debug 2>&1)"
call="$(cat "$WORK/sbatch_call" 2>/dev/null)"
grep -q "SBATCH_ACCOUNT=abc@cpu SBATCH_PARTITION=cpu_p1 SBATCH_QOS=qos_cpu-t3" <<<"$call"
check "submit.sh: account, partition and QOS handed to sbatch" $? "$out $call"
grep -qx "args: --hint=nomultithread --constraint=cpu --ntasks=4 --partition=debug $J/national_run.sbatch" <<<"$call"
check "submit.sh: extra options, then the command line's (which win), then the jobscript" $? "$call"
grep -qx "ALAMOD_HOME=$SRC" <<<"$call"
check "submit.sh: the job gets ALAMOD_HOME (the repository), wherever it is submitted from" $? "$call"
check "submit.sh: no module loaded at submission" "$([ ! -e "$WORK/module_calls" ]; echo $?)" "$(cat "$WORK/module_calls" 2>/dev/null)"
rm -f "$WORK/sbatch_call"
out="$("${clean_env[@]}" bash "$J/submit.sh" --dry-run calibration.sbatch -n 8 2>&1)"
[ ! -e "$WORK/sbatch_call" ] && grep -q "^sbatch -n 8 .*calibration.sbatch" <<<"$out"
check "submit.sh --dry-run: prints the sbatch command (no account set: none passed), submits nothing" $? "$out"
out="$("${clean_env[@]}" bash "$J/submit.sh" no_such.sbatch 2>&1)"
check "submit.sh: an unknown jobscript is refused" "$([ $? -eq 2 ] && grep -q "no jobscript" <<<"$out"; echo $?)" "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
