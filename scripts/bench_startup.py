#!/usr/bin/python3
"""Whole-process time of alamod's serial commands (a benchmark, not a test).

  /usr/bin/python3 scripts/bench_startup.py [--bin build/engine/alamod] [--bin-before OTHER/alamod] [--repeat 7]

Times, as medians of --repeat runs (interleaved with --bin-before), `alamod --version`, `alamod models`,
the drop-ins on the official examples (`alamod rothc --official-input tests/data/rothc/RothC_input.dat`,
`alamod amg --official-inputs tests/data/amg/shipped/inputs`) and `alamod site` on a shipped forcing
(RothC on Broadbalk, a linear model, and Millennial on a generated 30-year forcing, a nonlinear one with
daily steps), each run into a fresh folder. `--bin-before build/engine/alamod-engine` compares the light
`alamod` with the full engine of the same build (what `alamod` was before the light executable).
Prints the 1-minute load average, as other work on the machine changes the figures."""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_pml="ob1")
FORCING = "data/sites/broadbalk/forcing_fym1843.csv"


def cases(out):
    return [
        ("--version", ["--version"]),
        ("models", ["models"]),
        ("rothc --official-input (official example)",
         ["rothc", "--official-input", "tests/data/rothc/RothC_input.dat", "--out", os.path.join(out, "rothc")]),
        ("amg --official-inputs (official example)",
         ["amg", "--official-inputs", "tests/data/amg/shipped/inputs", "--out", os.path.join(out, "amg")]),
        (f"site --model rothc ({FORCING})",
         ["site", "--model", "rothc", "--forcing", FORCING, "--out", os.path.join(out, "site_rothc.csv"), "--overwrite"]),
        ("site --model millennial (30 years, the generated forcing of output_fingerprints.py)",
         ["site", "--model", "millennial", "--forcing", os.path.join(out, "full.csv"), "--out",
          os.path.join(out, "site_mil.csv"), "--overwrite"]),
    ]


def timed(binary, args):
    """(wall, CPU) seconds of one run; CPU = user + system of the process and the children it waited
    for, which the load of other work on the machine hardly changes."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([binary, *args], cwd=REPO, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"{binary} {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(REPO, "build/engine/alamod"))
    ap.add_argument("--bin-before")
    ap.add_argument("--repeat", type=int, default=7)
    a = ap.parse_args()
    bins = [("before", a.bin_before), ("after", a.bin)] if a.bin_before else [("now", a.bin)]
    out = tempfile.mkdtemp(prefix="bench_startup_")
    sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
    from output_fingerprints import write_full_forcing
    write_full_forcing(os.path.join(out, "full.csv"))
    times = {}
    loads = [os.getloadavg()[0]]
    for _ in range(a.repeat):
        for name, args in cases(out):
            for tag, binary in bins:
                for sub in ("rothc", "amg"):
                    shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
                times.setdefault((name, tag), []).append(timed(binary, args))
        loads.append(os.getloadavg()[0])
    print(f"whole-process wall time and CPU time (user + system), medians of {a.repeat} (min), s; load average "
          f"(1 min) {min(loads):.1f}-{max(loads):.1f}")
    print("| command | " + " | ".join(f"{tag} wall | {tag} CPU" for tag, _ in bins) + " |")
    print("|---|" + "---|---|" * len(bins))
    for name, _ in cases(out):
        cells = []
        for tag, _ in bins:
            wall = [w for w, _ in times[(name, tag)]]
            cpu = [c for _, c in times[(name, tag)]]
            cells += [f"{statistics.median(wall):.3f} ({min(wall):.3f})", f"{statistics.median(cpu):.3f} ({min(cpu):.3f})"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
