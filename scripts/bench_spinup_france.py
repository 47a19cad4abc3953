#!/usr/bin/python3
"""Spin-up of the France grids: the exact equilibrium against brute force (a benchmark, not a test).

  /usr/bin/python3 scripts/bench_spinup_france.py [--cases 8km,1km] [--ranks 2] [--models rothc]

For each case and model it runs `alamod run` for one year twice, with spinup.method = "equilibrium"
(the default: exact periodic equilibrium) and "brute_force" (the mean year cycled from empty pools
until one more cycle changes every pool of the cell by at most 1e-9, relative), and records the
spin-up phase time (max over ranks, reading the spin-up climate excluded), the simulated years per
cell (mean and max, from `spinup_iterations`), the largest spin-up residual and the largest relative
difference between the pools the two methods give (at the end of the first simulated year: both runs
start from their spin-up state and simulate the same year, which carries the difference over).
Writes results/bench/spinup_france.csv and prints a table."""
import argparse
import csv
import os
import re
import subprocess
import sys

import netCDF4
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
PHASES = re.compile(r"input ([\d.]+), spin-up ([\d.]+), compute ([\d.]+), output ([\d.]+), total ([\d.]+)")


def run(case, model, method, ranks, out_root):
    cfg = os.path.join(REPO, "configs", "france_default.toml" if case == "8km" else f"france_{case}.toml")
    out = os.path.join(out_root, f"{case}_{model}_{method}")
    cmd = ["mpiexec", "-n", str(ranks), os.environ.get("ALAMOD_BIN", os.path.join(REPO, "build/engine/alamod")),
           "run", cfg, "--out", out, "--overwrite", "--quiet", "--set", "run.end_year=1990",
           "--set", 'output.precision="double"', "--set", f'model="{model}"', "--set", f'spinup.method="{method}"']
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"{case} {model} {method} failed:\n{p.stdout}\n{p.stderr}")
    m = PHASES.search(p.stdout)
    ds = netCDF4.Dataset(os.path.join(out, "carbon_yearly.nc"))
    it = ds["spinup_iterations"][:].compressed()
    res = ds["spinup_residual"][:].compressed()
    pools = np.ma.filled(ds["cSoilPools"][0].astype(float), np.nan)
    ds.close()
    return {"case": case, "model": model, "method": method, "ranks": ranks, "land_cells": it.size,
            "spinup_s": float(m.group(2)), "years_per_cell_mean": round(float(it.mean()), 1),
            "years_per_cell_max": int(it.max()), "residual_max": float(res.max())}, pools


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="8km,1km")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--models", default="rothc")
    a = ap.parse_args()
    out_root = os.path.join(REPO, "results", "bench", "spinup")
    os.makedirs(out_root, exist_ok=True)
    rows = []
    for case in a.cases.split(","):
        for model in a.models.split(","):
            exact, p_exact = run(case, model, "equilibrium", a.ranks, out_root)
            brute, p_brute = run(case, model, "brute_force", a.ranks, out_root)
            land = np.isfinite(p_exact)
            diff = float(np.max(np.abs(p_brute[land] - p_exact[land]) / np.maximum(np.abs(p_exact[land]), 1e-12)))
            for r in (exact, brute):
                r["max_rel_diff_pools_vs_other_method"] = diff
                r["time_ratio_brute_over_exact"] = round(brute["spinup_s"] / max(exact["spinup_s"], 1e-9), 1)
                rows.append(r)
    path = os.path.join(REPO, "results", "bench", "spinup_france.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{'case':5} {'model':10} {'method':12} {'ranks':>5} {'cells':>8} {'spin-up s':>10} {'yrs/cell':>9} "
          f"{'max yrs':>8} {'residual':>9} {'diff':>9} {'ratio':>6}")
    for r in rows:
        print(f"{r['case']:5} {r['model']:10} {r['method']:12} {r['ranks']:>5} {r['land_cells']:>8} {r['spinup_s']:>10.2f} "
              f"{r['years_per_cell_mean']:>9} {r['years_per_cell_max']:>8} {r['residual_max']:>9.1e} "
              f"{r['max_rel_diff_pools_vs_other_method']:>9.1e} {r['time_ratio_brute_over_exact']:>6}")
    print(f"wrote {path}")


main()
