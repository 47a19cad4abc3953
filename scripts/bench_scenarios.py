#!/usr/bin/python3
"""Benchmark: N scenarios in one run against N separate runs (issue 20, item 8; docs/PERFORMANCE.md, "Scenarios").

One run of CONFIG with [scenarios] branch_year and N scenarios (the baseline, cover crops, GSOCseq's SSM2 and the
TRACC warming, cut to N) computes the spin-up and the years before the branch once, then N forward periods. The
alternative a user has without scenarios is N separate runs, each with its own spin-up and historical years. The
script times both on the same machine, one after the other, and prints the wall times and alamod's own phase times.

  /usr/bin/python3 scripts/bench_scenarios.py [--config configs/france_1km.toml] [--ranks 2] [--start 1990]
      [--branch 2020] [--end 2050] [--scenarios 4]

The separate runs are estimated as N times the same configuration without scenarios (a separate scenario run
simulates the same years and writes the same files; an intervention adds no measurable cost to RothC,
docs/SCENARIOS.md "How each model takes scenario inputs"); the outputs are removed after timing.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCENARIOS = [
    ("baseline", ""),
    ("cover_crops", '[[scenario.cover_crops.intervention]]\npractice = "cover_crops"\nclasses = ["cropland"]\n'
                    'adoption = 0.6\n'),
    ("ssm2", '[[scenario.ssm2.intervention]]\ninput_factor = 1.10\nclasses = ["cropland", "grassland"]\n'),
    ("tracc", 'climate_delta = "tracc"\n'),
]


def scenario_text(branch, names):
    text = f"\n[scenarios]\nbranch_year = {branch}\n"
    for name, body in SCENARIOS:
        if name not in names or name == "baseline":
            continue
        text += f'\n[scenario.{name}]\nextends = "baseline"\n' + body
    return text


def run(cmd, env):
    t = time.monotonic()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t
    if r.returncode != 0:
        sys.exit("alamod failed: " + " ".join(cmd) + "\n" + r.stderr[-2000:])
    phases = re.findall(r"time per phase \(s, max over ranks\): (.*)", r.stdout + r.stderr)
    return wall, phases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "france_1km.toml"))
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--start", type=int, default=1990)
    ap.add_argument("--branch", type=int, default=2020)
    ap.add_argument("--end", type=int, default=2050)
    ap.add_argument("--scenarios", type=int, default=4, choices=range(1, len(SCENARIOS) + 1))
    a = ap.parse_args()
    alamod = os.path.join(ROOT, "build", "engine", "alamod")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")
    names = [n for n, _ in SCENARIOS[:a.scenarios]]
    base = open(a.config).read()
    folder = os.path.dirname(os.path.abspath(a.config))
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        base_text = base.replace('"../', '"' + os.path.relpath(folder, tmp) + '/../')
        common = ["--set", f"run.start_year={a.start}", "--set", f"run.end_year={a.end}", "--overwrite", "--quiet"]

        def write(name, text):
            path = os.path.join(tmp, name + ".toml")
            with open(path, "w") as f:
                f.write(base_text + text)
            return path

        together = write("together", scenario_text(a.branch, names))
        out = os.path.join(tmp, "out")
        wall_together, phases_together = run(["mpiexec", "-n", str(a.ranks), alamod, "run", together, "--out", out] + common, env)
        shutil.rmtree(out, ignore_errors=True)
        plain = write("plain", "")
        o = os.path.join(tmp, "out_plain")
        wall_plain, phases_plain = run(["mpiexec", "-n", str(a.ranks), alamod, "run", plain, "--out", o] + common, env)
        shutil.rmtree(o, ignore_errors=True)
    total_separate = len(names) * wall_plain
    print(f"# {os.path.relpath(a.config, ROOT)}, {a.ranks} rank(s), {a.start}-{a.end}, branch {a.branch}, "
          f"{len(names)} scenarios ({', '.join(names)}); load average before: {os.getloadavg()[0]:.1f}")
    print("| run | wall time (s) |\n|---|---|")
    print(f"| {len(names)} scenarios in one run (spin-up and {a.start}-{a.branch - 1} once) | {wall_together:.1f} |")
    print(f"| one run without scenarios ({a.start}-{a.end}) | {wall_plain:.1f} |")
    print(f"| {len(names)} separate runs ({len(names)} x the run without scenarios) | {total_separate:.1f} |")
    print(f"| ratio one run / separate runs | {wall_together / total_separate:.2f} |")
    print("alamod's phase times, the run with scenarios:", " / ".join(phases_together))
    print("alamod's phase times, the run without:", " / ".join(phases_plain))


if __name__ == "__main__":
    main()
