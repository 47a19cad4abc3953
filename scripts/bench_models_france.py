#!/usr/bin/python3
"""Every model on the France 8 km grid: the compute phase per cell-year and its ratio to RothC (a
benchmark, not a test).

  /usr/bin/python3 scripts/bench_models_france.py [--models rothc,icbm,amg,yasso15,yasso07,century,millennial,mimics]
      [--ranks 2] [--end-year 2100] [--repeat 3] [--bin build/engine/alamod] [--bin-before OTHER/alamod]
      [--kernels build/tests/benchmarks/bench_models] [--kernels-before OTHER/bench_models] [--out DIR]

For each model (and each binary: with --bin-before every repeat runs the "before" binary and then this
one, interleaved, as this machine's speed drifts) it runs
`mpiexec -n RANKS alamod run configs/france_default.toml --set model="NAME" --set spinup.method=...`
(the exact linear spin-up for the linear models, the SNES equilibrium for Millennial and MIMICS), reads
alamod's own phase times (max over ranks) and prints, per model, the medians of the spin-up and
compute phases, the compute phase per cell-year in ns of wall time (cells x years on RANKS ranks) and
its ratio to RothC's in the same series, and the CPU time of the whole run (every rank, user + system:
what the load of other work changes least); then, with --kernels, the single-core cost per cell-step of
every model's kernel (tests/benchmarks/bench_models) and per cell-year (x steps per year), with its
ratio to the RothC block kernel. It reports the 1-minute load average before and after each series,
as other work on the machine changes the figures."""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
if os.environ.get("SLURM_JOB_NUM_NODES", "1") == "1":
    ENV.setdefault("OMPI_MCA_pml", "ob1")
PHASES = re.compile(r"input ([\d.]+), spin-up ([\d.]+), compute ([\d.]+), output ([\d.]+), total ([\d.]+)")
NONLINEAR = {"millennial", "mimics"}
# Steps of each model's kernel per simulated year (bench_models reports cell-steps per second).
STEPS_PER_YEAR = {"rothc": 12, "icbm": 1, "amg": 1, "yasso15": 1, "yasso07": 1, "century": 12,
                  "millennial": 365, "mimics": 8760}
# Which bench_models benchmark stands for each model's grid kernel (the first one found is used).
KERNEL_BENCH = {"rothc": ["BM_RothcBlock", "BM_Rothc"], "icbm": ["BM_Icbm"], "amg": ["BM_Amg"],
                "yasso15": ["BM_Yasso15"], "yasso07": ["BM_Yasso07", "BM_Yasso15"],
                "century": ["BM_CenturyBlock", "BM_CenturyModes", "BM_Century"], "millennial": ["BM_MillennialMonthRates", "BM_Millennial"],
                "mimics": ["BM_MimicsBlockMonth", "BM_MimicsBlock", "BM_Mimics"]}


def run_model(binary, model, ranks, end_year, out):
    cfg = os.path.join(REPO, "configs", "france_default.toml")
    cmd = [*os.environ.get("ALAMOD_LAUNCH", "mpiexec").split(), "-n", str(ranks), binary, "run", cfg, "--out", out,
           "--overwrite", "--quiet", "--set", f'model="{model}"', "--set", f"run.end_year={end_year}",
           "--set", "totals.enabled=false"]
    if model in NONLINEAR:
        cmd += ["--set", 'spinup.method="equilibrium"']
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{model} with {binary} failed:\n{p.stdout}\n{p.stderr}")
    m = PHASES.search(p.stdout)
    cells = re.search(r"(\d+) land cells", p.stdout)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)  # every rank's, the whole run
    return {"spinup": float(m.group(2)), "compute": float(m.group(3)), "cells": int(cells.group(1)), "cpu": cpu}


def kernel_costs(binary):
    """ns per cell-step of every bench_models benchmark (one core)."""
    if not binary or not os.path.exists(binary):
        return {}
    p = subprocess.run([binary, "--benchmark_min_time=0.3", "--benchmark_format=json"], capture_output=True, text=True,
                       check=True)
    costs = {}
    for b in json.loads(p.stdout)["benchmarks"]:
        rate = b.get("cell_steps_per_s")
        if rate:
            costs[b["name"]] = 1e9 / rate
    # RothC's block kernel (16,384 cells, in cache) from its own benchmark next to bench_models
    rothc = os.path.join(os.path.dirname(binary), "bench_rothc_kernel")
    if os.path.exists(rothc):
        p = subprocess.run([rothc, "--benchmark_min_time=0.3", "--benchmark_format=json",
                            "--benchmark_filter=BM_RothcStepBlock/16384$"], capture_output=True, text=True, check=True)
        for b in json.loads(p.stdout)["benchmarks"]:
            costs["BM_RothcBlock"] = 1e9 / b["cell_months_per_s"]
    return costs


def load():
    return os.getloadavg()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default="rothc,icbm,amg,yasso15,yasso07,century,millennial,mimics")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--end-year", type=int, default=2100)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--bin", default=os.path.join(REPO, "build/engine/alamod"))
    ap.add_argument("--bin-before", help="a second alamod (e.g. main's build), run interleaved with --bin")
    ap.add_argument("--kernels", default=os.path.join(REPO, "build/tests/benchmarks/bench_models"))
    ap.add_argument("--kernels-before", help="bench_models of the --bin-before build")
    ap.add_argument("--out", default=None, help="folder for the runs' outputs (default: a temporary one)")
    a = ap.parse_args()
    models = a.models.split(",")
    binaries = [("before", a.bin_before), ("after", a.bin)] if a.bin_before else [("now", a.bin)]
    out_root = a.out or tempfile.mkdtemp(prefix="bench_models_")
    years = a.end_year - 1989
    results = {(tag, m): [] for tag, _ in binaries for m in models}
    loads = [load()]
    cells = None
    for r in range(a.repeat):
        for model in models:
            for tag, binary in binaries:
                res = run_model(binary, model, a.ranks, a.end_year, os.path.join(out_root, f"{tag}_{model}"))
                results[(tag, model)].append(res)
                cells = res["cells"]
                print(f"repeat {r + 1} {tag:6s} {model:10s} spin-up {res['spinup']:.3f} s compute {res['compute']:.3f} s "
                      f"run CPU {res['cpu']:.2f} s", flush=True)
        loads.append(load())
    print(f"\nFrance 8 km ({cells} land cells), 1990-{a.end_year} ({years} years), {a.ranks} ranks, medians of "
          f"{a.repeat}; load average (1 min) {min(loads):.1f}-{max(loads):.1f}")
    print("| model | build | spin-up s | compute s | compute ns per cell-year | ratio to RothC | CPU s of the whole run, all ranks |")
    print("|---|---|---|---|---|---|---|")
    for model in models:
        for tag, _ in binaries:
            rows = results[(tag, model)]
            spin = statistics.median(x["spinup"] for x in rows)
            comp = statistics.median(x["compute"] for x in rows)
            ref = statistics.median(x["compute"] for x in results[(tag, "rothc")]) if "rothc" in models else None
            per = comp / (cells * years) * 1e9
            ratio = f"{comp / ref:.1f}" if ref else ""
            cpu = statistics.median(x["cpu"] for x in rows)
            print(f"| {model} | {tag} | {spin:.2f} | {comp:.2f} | {per:.0f} | {ratio} | {cpu:.1f} |")
    kernels = [("before", a.kernels_before), ("after", a.kernels)] if a.kernels_before else [("now", a.kernels)]
    costs = {tag: kernel_costs(path) for tag, path in kernels}
    if any(costs.values()):
        print("\nSingle-core kernels (tests/benchmarks/bench_models, --benchmark_min_time=0.3), "
              f"load average {load():.1f}")
        print("| model | build | benchmark | ns per cell-step | ns per cell-year | ratio to RothC's block kernel |")
        print("|---|---|---|---|---|---|")
        for model in models:
            for tag, _ in kernels:
                c = costs[tag]
                name = next((n for n in KERNEL_BENCH[model] if n in c), None)
                if not name:
                    continue
                rothc = next((n for n in KERNEL_BENCH["rothc"] if n in c), None)
                year = c[name] * STEPS_PER_YEAR[model]
                ratio = f"{year / (c[rothc] * 12):.1f}" if rothc else ""
                print(f"| {model} | {tag} | {name} | {c[name]:.1f} | {year:.0f} | {ratio} |")


if __name__ == "__main__":
    main()
