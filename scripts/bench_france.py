#!/usr/bin/python3
"""Time the France runs end to end (a benchmark, not a test).

  /usr/bin/python3 scripts/bench_france.py [--cases 8km,1km] [--ranks 1,2] [--end-year 2100] [--repeat 3] [--plot]
                                          [--set output.significant_bits=12] [--out DIR] [--totals-cost] [--three-tiles]

For each case and rank count it runs `mpiexec -n N alamod run configs/france_<case>.toml`,
records the wall time, alamod's own phase times (max over ranks), the peak memory of every
rank (the run's "peak memory per rank" line: resident set, libraries included, and bytes per land
cell summed over the ranks), the tiles and tile-years per second of the compute phase, and the
output size, then writes results/bench/france_runs.csv and prints a table with the strong-scaling
efficiency against 1 rank.

With --three-tiles every run keeps a tile of each of the three classes in every land cell (a
land_use_change.rates file whose rules all have rate 0 makes every class a receiver, and nothing moves):
the cost of tiles against the default run (docs/PERFORMANCE.md, "Land-cover tiles"). It also times `dd` writing the same
number of bytes to the same disk (median of 3, "cold" after a pause and "warm" repeated at once:
see dd_rates), for the parallel write rate ratio.

With --totals-cost it runs every case twice per repeat, interleaved: as configured (totals and report, the
default) and with totals.enabled = false, and prints the medians of both wall times, their difference, and
the time the run itself gives its totals ("totals X s" in the log, max over ranks) against the wall time
(no dd, no CSV)."""
import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")
# On one machine Open MPI's shared-memory path is all there is; skip probing the PSM, PSM2 and OFI
# interconnect layers (~0.2 s of every run's start here). Multi-node allocations keep their default.
if os.environ.get("SLURM_JOB_NUM_NODES", "1") == "1":
    ENV.setdefault("OMPI_MCA_pml", "ob1")
PHASES = re.compile(r"input ([\d.]+), spin-up ([\d.]+), compute ([\d.]+), output ([\d.]+), total ([\d.]+)")


def run_case(case, ranks, end_year, out_root, settings=()):
    cfg = os.path.join(REPO, "configs", "france_default.toml" if case == "8km" else f"france_{case}.toml")
    out = os.path.join(out_root, f"{case}_np{ranks}")
    launch = os.environ.get("ALAMOD_LAUNCH", "mpiexec").split()
    cmd = ["/usr/bin/time", "-f", "MAXRSS_KB %M", *launch, "-n", str(ranks), os.environ.get("ALAMOD_BIN", os.path.join(REPO, "build/engine/alamod")),
           "run", cfg, "--out", out, "--overwrite", "--quiet", "--set", f"run.end_year={end_year}"]
    for kv in settings:
        cmd += ["--set", kv]
    # Start every run in an empty folder, with the disk idle: replacing the previous repeat's output
    # would put the deletion of a 1.2 GB file (ext4 frees its blocks inside the final rename, 0.4 s
    # for 0.5 GB here) into the timed run, on one rank, and the previous file's block freeing and
    # discards into the next run; neither is the run's own work.
    shutil.rmtree(out, ignore_errors=True)
    os.sync()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"{case} on {ranks} ranks failed:\n{p.stdout}\n{p.stderr}")
    m = PHASES.search(p.stdout)
    rss = re.search(r"MAXRSS_KB (\d+)", p.stderr)
    cells = re.search(r"(\d+) land cells", p.stdout)
    tiles = re.search(r"land cover: (\d+) tiles on", p.stdout)  # no line: one tile per cell
    mem = re.search(r"peak memory per rank ([\d.]+)-([\d.]+) MiB .*?, (\d+) B per land cell", p.stdout)
    imb = re.search(r"load imbalance ([\d.]+) %", p.stdout)
    raw = re.search(r"([\d.]+) MiB of variables \(before compression\)", p.stdout)
    meas = re.search(r"measured load imbalance \(max / mean over ranks - 1\): compute ([\d.]+) %", p.stdout)
    comp = re.search(r"\(its compression ([\d.]+) %\)", p.stdout)
    totals = re.search(r"\(totals ([\d.]+) s\)", p.stdout)
    nc = os.path.join(out, "carbon_yearly.nc")
    return {"case": case, "ranks": ranks, "years": end_year - 1989, "land_cells": int(cells.group(1)),
            "tiles": int(tiles.group(1)) if tiles else int(cells.group(1)),
            "wall_s": round(wall, 2), "input_s": float(m.group(1)), "spinup_s": float(m.group(2)),
            "compute_s": float(m.group(3)), "output_s": float(m.group(4)), "alamod_total_s": float(m.group(5)),
            "max_rss_mib_one_rank": round(int(rss.group(1)) / 1024, 1), "output_mib": round(os.path.getsize(nc) / 2**20, 1),
            "load_imbalance_pct": float(imb.group(1)), "raw_output_mib": float(raw.group(1)),
            "compute_imbalance_measured_pct": float(meas.group(1)),
            "compression_imbalance_measured_pct": float(comp.group(1)) if comp else 0.0,
            "totals_s": float(totals.group(1)) if totals else 0.0,
            "peak_mib_rank_min": float(mem.group(1)) if mem else 0.0,
            "peak_mib_rank_max": float(mem.group(2)) if mem else 0.0,
            "bytes_per_land_cell": int(mem.group(3)) if mem else 0}


def zero_rates_file(out_root):
    """A land_use_change.rates file whose rules all have rate 0: every class receives, so every cell keeps a
    tile of each class, and no area moves."""
    path = os.path.join(out_root, "three_tiles_rates.csv")
    with open(path, "w") as f:
        f.write("zone_kind,zone_code,from,to,rate,first_year,last_year\n")
        for a, b in (("cropland", "grassland"), ("grassland", "forest"), ("forest", "cropland")):
            f.write(f"country,0,{a},{b},0,1990,2100\n")
    return path


def dd_rates(path, mib, repeats=3, pause=12.0):
    """`dd bs=1M conv=fdatasync` writing `mib` MiB to `path`, `repeats` times: each time once "cold",
    after `pause` seconds idle, and once more at once ("warm"). Medians of both, in MiB/s.

    Why two: on a virtual machine that returns freed memory to its host (virtio balloon free-page
    reporting), a page-cache page that has been free for a few seconds is fresh host memory, and its
    first touch is a host page fault inside the copy; a write repeated at once reuses the pages the
    previous file just freed and runs 2-3x faster (here 0.7 against 1.9 GB/s for 1.2 GB). An alamod
    run writes its output into pages free for much longer than that, so the cold rate is the one it
    can be compared to; on machines without that mechanism both rates agree."""
    cold, warm = [], []
    for _ in range(repeats):
        for rates in (cold, warm):
            if rates is cold:
                time.sleep(pause)
            t0 = time.perf_counter()
            subprocess.run(["dd", "if=/dev/zero", f"of={path}", "bs=1M", f"count={int(mib)}", "conv=fdatasync"],
                           capture_output=True, check=True)
            rates.append(mib / (time.perf_counter() - t0))
            os.remove(path)
    return statistics.median(cold), statistics.median(warm)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    cases = sorted({r["case"] for r in rows})
    fig, ax = plt.subplots(1, 5, figsize=(25, 4.5))
    for c in cases:
        rr = sorted((r for r in rows if r["case"] == c), key=lambda r: r["ranks"])
        n = [r["ranks"] for r in rr]
        ax[0].plot(n, [r["speedup"] for r in rr], "o-", label=c)
        ax[1].plot(n, [r["efficiency"] for r in rr], "o-", label=c)
        ax[3].plot(n, [r["write_mib_s"] for r in rr], "o-", label=f"{c}: output phase")
        ax[3].plot(n, [r["dd_mib_s"] for r in rr], "x:", label=f"{c}: dd, same bytes (cold)")
        ax[3].plot(n, [r["dd_warm_mib_s"] for r in rr], "+:", label=f"{c}: dd, repeated at once")
        ax[4].plot(n, [r["load_imbalance_pct"] for r in rr], "o-", label=f"{c}: partition (cost weight)")
        ax[4].plot(n, [r["compute_imbalance_measured_pct"] for r in rr], "s--", label=f"{c}: measured, compute")
        ax[4].plot(n, [r["compression_imbalance_measured_pct"] for r in rr], "^:", label=f"{c}: measured, compression")
    ranks = sorted({r["ranks"] for r in rows})
    ax[0].plot(ranks, ranks, "k--", lw=0.8, label="ideal")
    ax[0].set(xlabel="MPI ranks", ylabel="speed-up (wall time)", title="strong scaling")
    ax[1].set(xlabel="MPI ranks", ylabel="parallel efficiency", ylim=(0, 1.1), title="efficiency")
    ax[3].set(xlabel="MPI ranks", ylabel="MiB/s (variables before compression; dd: bytes)", title="write rate")
    ax[4].set(xlabel="MPI ranks", ylabel="max / mean over ranks - 1 (%)", title="load imbalance")
    labels = [f"{r['case']} np{r['ranks']}" for r in rows]
    bottom = [0.0] * len(rows)
    for ph in ("input_s", "spinup_s", "compute_s", "output_s"):
        vals = [r[ph] for r in rows]
        ax[2].bar(labels, vals, bottom=bottom, label=ph[:-2])
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax[2].set(ylabel="seconds (max over ranks)", title="time per phase")
    ax[2].tick_params(axis="x", rotation=45)
    for x in ax:
        x.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


def totals_cost(a, keys):
    """Wall time with and without the totals and report, interleaved repeats; medians."""
    rows = []
    for case, r in keys:
        with_t, without = [], []
        for rep in range(a.repeat):
            w = run_case(case, r, a.end_year, a.out, a.set)
            o = run_case(case, r, a.end_year, a.out, list(a.set) + ["totals.enabled=false"])
            with_t.append(w)
            without.append(o)
            print(f"repeat {rep + 1}/{a.repeat} {case} np{r}: with totals {w['wall_s']} s (totals {w['totals_s']} s), "
                  f"without {o['wall_s']} s", flush=True)
        mw = statistics.median(x["wall_s"] for x in with_t)
        mo = statistics.median(x["wall_s"] for x in without)
        mt = statistics.median(x["totals_s"] for x in with_t)
        rows.append([case, r, a.repeat, round(mw, 2), round(mo, 2), round(mw - mo, 2),
                     round(100 * (mw - mo) / mo, 1), mt, round(100 * mt / mw, 1)])
    head = ["case", "ranks", "repeats", "wall with totals (s)", "wall without (s)", "difference (s)",
            "difference (%)", "totals in the log (s)", "log / wall (%)"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(str(x) for x in row) + " |")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="8km,1km")
    ap.add_argument("--ranks", default="1,2")
    ap.add_argument("--end-year", type=int, default=2100)
    ap.add_argument("--out", default=os.path.join(REPO, "results", "bench"))
    ap.add_argument("--plot", action="store_true", help="also write france_runs.png (speed-up, efficiency, phases)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run every case and rank count N times, interleaved, and keep the median of each time "
                         "(this machine's speed drifts by ~20 %%: medians make efficiencies comparable)")
    ap.add_argument("--dd-pause", type=float, default=12.0,
                    help="seconds idle before each cold dd (default 12; see dd_rates)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="configuration override passed to every run (TOML value), e.g. output.significant_bits=12")
    ap.add_argument("--three-tiles", action="store_true",
                    help="a tile of each class in every cell (rate-0 land-use change rules): the cost of tiles")
    ap.add_argument("--totals-cost", action="store_true",
                    help="runs with and without totals and report (totals.enabled = false), interleaved: their cost")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    keys = [(case, int(r)) for case in a.cases.split(",") for r in a.ranks.split(",")]
    if a.three_tiles:
        a.set = list(a.set) + [f'land_use_change.rates="{zero_rates_file(a.out)}"']
    if a.totals_cost:
        return totals_cost(a, keys)
    runs = {k: [] for k in keys}
    for rep in range(a.repeat):
        for case, r in keys:
            row = run_case(case, r, a.end_year, a.out, a.set)
            runs[(case, r)].append(row)
            print(f"repeat {rep + 1}/{a.repeat}:", row, flush=True)
    rows = []
    timed = ("wall_s", "input_s", "spinup_s", "compute_s", "output_s", "alamod_total_s", "max_rss_mib_one_rank",
             "peak_mib_rank_min", "peak_mib_rank_max", "bytes_per_land_cell",
             "compute_imbalance_measured_pct", "compression_imbalance_measured_pct")
    for k in keys:
        rr = runs[k]
        row = dict(rr[0])
        for f in timed:
            row[f] = round(statistics.median(x[f] for x in rr), 3)
        row["repeats"] = len(rr)
        row["wall_s_min"] = min(x["wall_s"] for x in rr)
        row["wall_s_max"] = max(x["wall_s"] for x in rr)
        rows.append(row)
    dd_of_case = {}
    for row in rows:
        base = next(x for x in rows if x["case"] == row["case"] and x["ranks"] == min(
            y["ranks"] for y in rows if y["case"] == row["case"]))
        row["speedup"] = round(base["wall_s"] / row["wall_s"] * base["ranks"], 3)
        row["efficiency"] = round(row["speedup"] / row["ranks"], 3)
        row["cell_months_per_s"] = round(row["land_cells"] * 12 * row["years"] / row["alamod_total_s"])
        # the simulated unit: tile-years per second of the compute phase (docs/LAND_COVER.md)
        row["tile_years_per_s"] = round(row["tiles"] * row["years"] / row["compute_s"]) if row["compute_s"] > 0 else 0
        row["tiles_per_cell"] = round(row["tiles"] / row["land_cells"], 3)
        row["ns_per_tile_month"] = round(row["compute_s"] * 1e9 * row["ranks"] / (row["tiles"] * 12 * row["years"]), 2)
        row["bytes_per_cell"] = round(row["max_rss_mib_one_rank"] * 2**20 * row["ranks"] / row["land_cells"])
        # write rate of the output phase (variables before compression) vs dd writing as many bytes as
        # the output file holds on the same disk (measured once per case: cold and warm, see dd_rates)
        write_rate = row["raw_output_mib"] / row["output_s"] if row["output_s"] > 0 else 0
        if row["case"] not in dd_of_case:
            dd_of_case[row["case"]] = dd_rates(os.path.join(a.out, "dd.tmp"), max(64, row["output_mib"]),
                                               pause=a.dd_pause)
        dd_cold, dd_warm = dd_of_case[row["case"]]
        row["write_mib_s"] = round(write_rate, 1)
        row["dd_mib_s"] = round(dd_cold, 1)
        row["dd_warm_mib_s"] = round(dd_warm, 1)
        row["write_vs_dd"] = round(write_rate / dd_cold, 3)
        row["write_vs_dd_warm"] = round(write_rate / dd_warm, 3)
    path = os.path.join(a.out, "france_runs.csv")
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    keys = ["case", "ranks", "years", "wall_s", "input_s", "spinup_s", "compute_s", "output_s", "efficiency",
            "load_imbalance_pct", "compute_imbalance_measured_pct", "compression_imbalance_measured_pct", "cell_months_per_s",
            "tiles", "tiles_per_cell", "tile_years_per_s", "ns_per_tile_month", "peak_mib_rank_min", "peak_mib_rank_max",
            "bytes_per_land_cell", "output_mib",
            "write_vs_dd", "write_vs_dd_warm"]
    if a.plot:
        plot(rows, os.path.join(a.out, "france_runs.png"))
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
    for row in rows:
        print(f"{row['case']} on {row['ranks']} rank(s): {row['tiles']} tiles ({row['tiles_per_cell']} per cell), "
              f"{row['tile_years_per_s']:.3g} tile-years per second of compute ({row['ns_per_tile_month']} ns per "
              f"tile-month per rank); peak memory per rank {row['peak_mib_rank_min']}-{row['peak_mib_rank_max']} MiB, "
              f"{row['bytes_per_land_cell']} B per land cell")
    print(f"wrote {path}")


main()
