#!/usr/bin/python3
"""Sites per second of the three ways to run many sites (a benchmark, not a test).

  /usr/bin/python3 scripts/bench_site_modes.py [--bin build/engine/alamod] [--sites 200] [--model rothc] [--repeat 3]
                                               [--modes loop,list,netcdf]

The --sites sites are copies of the shipped monthly forcing files (data/sites/*/forcing_*.csv that RothC and ICBM
run: not the annual AMG trial, the RothC example's spin-up file or the catchments without clay), taken in turn, each
under its own site_id. Times, each the median of --repeat runs into fresh folders:

  loop     a shell loop of `alamod site --model M --forcing FILE --out DIR/ID.csv`, one process per site
  list     `alamod site --model M --forcing-list sites.csv --out DIR` (one process, one CSV per site)
  netcdf   `alamod site --model M --forcing-netcdf sites.nc --out results.nc` (one process, one NetCDF file)

and, once, the conversion `alamod site --forcing-list sites.csv --write-netcdf sites.nc`. Prints wall and CPU
(user + system of the children) seconds, sites per second of wall time, and the 1-minute load average, as other
work on the machine changes the figures."""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shipped():
    out = []
    for package in sorted(os.listdir(os.path.join(REPO, "data/sites"))):
        folder = os.path.join(REPO, "data/sites", package)
        if not os.path.isdir(folder) or package in ("amg_trial1", "sources") or package.startswith("fr_"):
            continue
        out += [os.path.join(folder, n) for n in sorted(os.listdir(folder))
                if n.startswith("forcing_") and n.endswith(".csv") and n != "forcing_spinup.csv"]
    return out


def timed(command, shell=False):
    """(wall s, CPU s) of a command; raises if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(command, shell=shell, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit(f"failed: {command}\n{p.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "build/engine/alamod"))
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--model", default="rothc")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--modes", default="loop,list,netcdf", help="which of loop, list, netcdf to time")
    a = ap.parse_args()
    alamod = os.path.abspath(a.bin)
    files = shipped()
    work = tempfile.mkdtemp(prefix="bench_site_modes_")
    try:
        sites = [(f"s{i:05d}", files[i % len(files)]) for i in range(a.sites)]
        lst = os.path.join(work, "sites.csv")
        with open(lst, "w") as f:
            f.write("site_id,forcing\n" + "".join(f"{s},{p}\n" for s, p in sites))
        loop = os.path.join(work, "loop.sh")
        with open(loop, "w") as f:
            f.write("#!/bin/bash\nset -e\nout=$1\nmkdir -p \"$out\"\n")
            f.write(f"while IFS=, read -r id forcing; do\n  \"{alamod}\" site --model {a.model} --forcing \"$forcing\" "
                    "--out \"$out/$id.csv\"\ndone < <(tail -n +2 " + lst + ")\n")
        nc = os.path.join(work, "sites.nc")
        conv = timed([alamod, "site", "--forcing-list", lst, "--write-netcdf", nc])
        runs = {m: [] for m in a.modes.split(",")}
        for r in range(a.repeat):
            for mode in runs:
                out = os.path.join(work, f"{mode}_{r}")
                if mode == "loop":
                    runs[mode].append(timed(["bash", loop, out]))
                elif mode == "list":
                    runs[mode].append(timed([alamod, "site", "--model", a.model, "--forcing-list", lst, "--out", out]))
                else:
                    runs[mode].append(timed([alamod, "site", "--model", a.model, "--forcing-netcdf", nc, "--out",
                                             out + ".nc"]))
                shutil.rmtree(out, ignore_errors=True)
                if os.path.exists(out + ".nc"):
                    os.remove(out + ".nc")
        print(f"{a.sites} sites ({len(files)} shipped monthly forcing files in turn), model {a.model}, "
              f"median of {a.repeat}; load average {os.getloadavg()[0]:.1f}")
        print(f"conversion --write-netcdf: {conv[0]:.2f} s wall, {conv[1]:.2f} s CPU, "
              f"{os.path.getsize(nc) / 1e6:.1f} MB")
        print("| mode | wall s | CPU s | sites/s (wall) | sites/s (CPU) |")
        print("|---|---|---|---|---|")
        for mode, t in runs.items():
            wall = statistics.median(x[0] for x in t)
            cpu = statistics.median(x[1] for x in t)
            print(f"| {mode} | {wall:.2f} | {cpu:.2f} | {a.sites / wall:.0f} | {a.sites / cpu:.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
