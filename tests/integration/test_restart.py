#!/usr/bin/python3
"""Checkpoint and restart, for real: an uninterrupted run, a run stopped by SIGTERM
then restarted on another rank count, and a run killed by SIGKILL at a random year
then restarted from its last checkpoint. All three must give bitwise identical
output variables, with every year present once.

  test_restart.py --alamod PATH --source-dir DIR --work DIR [--model NAME]
"""
import argparse
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import netCDF4

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


def alamod_cmd(a, ranks, out, extra=(), config=None):
    return ["mpiexec", "-n", str(ranks), a.alamod, "run", config or os.path.join(a.source_dir, "configs/france_default.toml"),
            "--out", out, "--set", "run.end_year=2030", "--set", 'output.precision="double"',
            "--set", f'model="{a.model}"', *[x for kv in a.set for x in ("--set", kv)], *extra]


def rank_pids(out):
    """PIDs of the alamod rank processes writing into `out` (not mpiexec)."""
    p = subprocess.run(["pgrep", "-f", f"alamod run .* --out {out} "], capture_output=True, text=True)
    me = {os.getpid()}
    pids = []
    for pid in p.stdout.split():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv0 = f.read().split(b"\0")[0]
        except OSError:
            continue
        if os.path.basename(argv0) == b"alamod" and int(pid) not in me:
            pids.append(int(pid))
    return pids


def run_until(a, ranks, out, marker, sig, extra=(), config=None):
    """Start a run, wait for a stdout line containing `marker`, send `sig` to every rank."""
    p = subprocess.Popen(alamod_cmd(a, ranks, out, extra, config), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    seen = False
    for line in p.stdout:
        if marker in line:
            seen = True
            for pid in rank_pids(out):
                os.kill(pid, sig)
            break
    out_rest, err = p.communicate(timeout=120)
    return seen, p.returncode, err


def read_vars(path):
    ds = netCDF4.Dataset(path)
    ds.set_auto_maskandscale(False)
    d = {v: ds.variables[v][:].tobytes() for v in ("cSoilPools", "cSoil", "rh", "fCarbonInput", "fCarbonLeaching",
                                                   "spinup_residual", "spinup_iterations", "time", "time_bnds")
         if v in ds.variables}
    years = ds.variables["time"][:]
    ds.close()
    return d, years


def checkpoints_in(d):
    return sorted(f for f in os.listdir(d) if ".checkpoint_" in f)


def folder_cases(a, ref):
    """Runs that share an output folder: --overwrite over an earlier result, a fresh run over an unfinished
    one, another output's run, inputs changed before a restart, and the printed command that continues."""
    ref_file = os.path.join(a.work, "reference", "carbon_yearly.nc")
    stop = "(state at the end of 1995)"
    every = ["--checkpoint-every", "3"]

    # a run with --overwrite over an earlier result, stopped: the printed command continues it
    d = os.path.join(a.work, "overwrite")
    os.makedirs(d)
    shutil.copy(ref_file, d)
    old = open(ref_file, "rb").read()
    seen, rc, err = run_until(a, 2, d, stop, signal.SIGTERM, ["--overwrite", *every])
    check("--overwrite run stopped with exit 75", seen and rc == 75, f"rc={rc} {err[-400:]}")
    check("--overwrite run stopped: the earlier result is untouched",
          open(os.path.join(d, "carbon_yearly.nc"), "rb").read() == old)
    line = [l for l in err.splitlines() if "continue with:" in l]
    cmd = shlex.split(line[0].split("continue with:", 1)[1]) if line else []
    check("the stop message repeats the --set options and the checkpoint interval",
          "--set" in cmd and "run.end_year=2030" in cmd and "--checkpoint-every" in cmd and "--restart" in cmd, err[-400:])
    if cmd and cmd[0] == "alamod":
        r = subprocess.run(["mpiexec", "-n", "1", a.alamod] + cmd[1:] + ["--quiet"], capture_output=True, text=True,
                           timeout=300)
        check("the printed command continues the --overwrite run", r.returncode == 0, r.stderr[-600:])
        got, _ = read_vars(os.path.join(d, "carbon_yearly.nc"))
        check("--overwrite + stop + restart: bitwise the uninterrupted run", all(got[v] == ref[v] for v in ref))
        check("--overwrite + stop + restart: no checkpoint left", not checkpoints_in(d), checkpoints_in(d))

    # a fresh run over an unfinished one is refused; another output's run leaves its checkpoints alone
    d = os.path.join(a.work, "shared")
    seen, rc, err = run_until(a, 2, d, stop, signal.SIGTERM, every)
    mine = checkpoints_in(d)
    r = subprocess.run(alamod_cmd(a, 1, d, ["--quiet"]), capture_output=True, text=True, timeout=120)
    check("a fresh run over an unfinished run's checkpoints is refused (exit 1, pointing to --restart)",
          r.returncode == 1 and "unfinished run" in r.stderr and "--restart" in r.stderr and checkpoints_in(d) == mine,
          r.stderr[-400:])
    r = subprocess.run(alamod_cmd(a, 2, d, ["--quiet", "--set", 'output.file="other.nc"', "--set", "run.end_year=1995",
                                            *every]), capture_output=True, text=True, timeout=120)
    check("a run writing another output in the same folder keeps the unfinished run's checkpoints",
          r.returncode == 0 and checkpoints_in(d) == mine and len(mine) >= 2, f"{checkpoints_in(d)} vs {mine} "
          + r.stderr[-400:])
    r = subprocess.run(alamod_cmd(a, 2, d, ["--quiet", "--restart", *every]), capture_output=True, text=True, timeout=300)
    got, _ = read_vars(os.path.join(d, "carbon_yearly.nc")) if r.returncode == 0 else ({}, None)
    check("...which then restarts to the uninterrupted run's bits", r.returncode == 0 and
          all(got.get(v) == ref[v] for v in ref), r.stderr[-400:])

    # inputs changed between the stop and the restart: refused, naming the file, nothing removed
    w = os.path.join(a.work, "changed_inputs")
    os.makedirs(os.path.join(w, "configs"))
    os.makedirs(os.path.join(w, "data"))
    shutil.copy(os.path.join(a.source_dir, "configs", "france_default.toml"), os.path.join(w, "configs"))
    src = os.path.join(a.source_dir, "data", "france")
    os.makedirs(os.path.join(w, "data", "france"))
    for f in os.listdir(src):
        os.symlink(os.path.join(src, f), os.path.join(w, "data", "france", f))
    cfg = os.path.join(w, "configs", "france_default.toml")
    d = os.path.join(w, "out")
    seen, rc, err = run_until(a, 2, d, stop, signal.SIGTERM, every, config=cfg)
    before = sorted(os.listdir(d))
    clay = os.path.join(w, "data", "france", "clay_8km.tif")
    os.remove(clay)
    from osgeo import gdal
    ds = gdal.GetDriverByName("GTiff").CreateCopy(clay, gdal.Open(os.path.join(src, "clay_8km.tif")))
    band = ds.GetRasterBand(1)
    v = band.ReadAsArray()
    v[v > 0] *= 1.01
    band.WriteArray(v)
    ds = None
    r = subprocess.run(alamod_cmd(a, 2, d, ["--quiet", "--restart"], config=cfg), capture_output=True, text=True,
                       timeout=120)
    check("a restart on changed inputs is refused (exit 1, naming the file), nothing removed",
          r.returncode == 1 and "other input files" in r.stderr and "clay_8km.tif" in r.stderr and
          sorted(os.listdir(d)) == before, r.stderr[-400:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--model", default="rothc")
    ap.add_argument("--set", action="append", default=[], help="extra KEY=VALUE configuration overrides, every run")
    a = ap.parse_args()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    ref_dir, term_dir, kill_dir = (os.path.join(a.work, d) for d in ("reference", "sigterm", "sigkill"))

    r = subprocess.run(alamod_cmd(a, 2, ref_dir, ["--quiet"]), capture_output=True, text=True, timeout=300)
    check("uninterrupted run", r.returncode == 0, r.stderr[-800:])
    ref, ref_years = read_vars(os.path.join(ref_dir, "carbon_yearly.nc"))
    check("reference has 41 consecutive years", len(ref_years) == 41 and np.all(np.diff(ref_years) > 0))
    with netCDF4.Dataset(os.path.join(ref_dir, "carbon_yearly.nc")) as ds:
        check("the output's history repeats the command's --set options", "--set 'run.end_year=2030'" in ds.history and
              f"--set 'model=\"{a.model}\"'" in ds.history, ds.history)

    # SIGTERM mid-run on 2 ranks, restart on 3
    seen, rc, err = run_until(a, 2, term_dir, "year 1990 done", signal.SIGTERM)
    check("SIGTERM run reached year 1990", seen)
    check("SIGTERM: exit code 75 (stopped for restart)", rc == 75, f"rc={rc} {err[-600:]}")
    check("SIGTERM: message says how to continue", "--restart" in err and "checkpoint" in err, err[-600:])
    check("SIGTERM: no final output yet", not os.path.exists(os.path.join(term_dir, "carbon_yearly.nc")))
    ckpts = [f for f in os.listdir(term_dir) if f.startswith("carbon_yearly.checkpoint_") and f.endswith(".nc")]
    check("SIGTERM: a checkpoint file was written", len(ckpts) >= 1, os.listdir(term_dir))
    r = subprocess.run(alamod_cmd(a, 3, term_dir, ["--restart", "--quiet"]), capture_output=True, text=True,
                       timeout=300)
    check("restart on 3 ranks", r.returncode == 0, r.stderr[-800:])
    got, years = read_vars(os.path.join(term_dir, "carbon_yearly.nc"))
    for v in ref:
        check(f"SIGTERM+restart: {v} bitwise identical to the uninterrupted run", got[v] == ref[v])
    check("SIGTERM+restart: checkpoints removed after completion",
          not any(".checkpoint_" in f for f in os.listdir(term_dir)), os.listdir(term_dir))

    # SIGKILL at a random year with a checkpoint every 3 years, restart on 1 rank
    rng = random.Random(int(time.time()))
    target = 1989 + 3 * rng.randint(1, 8)  # the end of a checkpoint interval (every 3 years from 1990): 1992..2013
    seen, rc, err = run_until(a, 2, kill_dir, f"(state at the end of {target})", signal.SIGKILL,
                              ["--checkpoint-every", "3"])
    check(f"SIGKILL delivered just after the checkpoint of {target}", seen)
    check("SIGKILL: run did not complete", rc != 0 and not os.path.exists(os.path.join(kill_dir, "carbon_yearly.nc")),
          f"rc={rc}")
    r = subprocess.run(alamod_cmd(a, 1, kill_dir, ["--restart", "--checkpoint-every", "3"]), capture_output=True,
                       text=True, timeout=300)
    check("restart after SIGKILL on 1 rank", r.returncode == 0, r.stdout[-400:] + r.stderr[-800:])
    restart_line = [l for l in r.stdout.splitlines() if l.startswith("restart from")]
    print(restart_line)
    got, years = read_vars(os.path.join(kill_dir, "carbon_yearly.nc"))
    for v in ref:
        check(f"SIGKILL+restart: {v} bitwise identical to the uninterrupted run", got[v] == ref[v])

    # restart when the run is complete, and with another configuration
    r = subprocess.run(alamod_cmd(a, 1, kill_dir, ["--restart"]), capture_output=True, text=True, timeout=120)
    check("restart of a complete run is refused", r.returncode == 1 and "already complete" in r.stderr, r.stderr[-300:])

    if a.model == "rothc":  # how runs share a folder does not depend on the model
        folder_cases(a, ref)

    n_fail = results.count(False)
    print(f"{len(results) - n_fail} passed, {n_fail} failed")
    sys.exit(1 if n_fail else 0)


main()
