#!/usr/bin/python3
"""jobscripts/scaling_study.sh end to end on a short France 8 km case at 1 and 2 ranks: the CSV has a row
per rank count with the speed-up, efficiency, phase times, write rate against dd and load imbalance, and
the plot is written.

  test_scaling_study.py --alamod BIN --source-dir DIR --work DIR"""
import csv
import os
import subprocess

from checks import check, finish, run_arguments


def main():
    a = run_arguments()
    env = dict(os.environ, ALAMOD_HOME=a.source_dir, ALAMOD_BIN=a.alamod, ALAMOD_LAUNCH="mpiexec",
               ALAMOD_SCALING_CASES="8km", ALAMOD_SCALING_RANKS="1,2", ALAMOD_SCALING_END_YEAR="1992",
               ALAMOD_SCALING_REPEAT="2", ALAMOD_SCALING_DD_PAUSE="0.5", ALAMOD_SCALING_OUT=a.work, OMPI_MCA_rmaps_base_oversubscribe="1")
    p = subprocess.run(["bash", os.path.join(a.source_dir, "jobscripts/scaling_study.sh")], env=env,
                       capture_output=True, text=True, timeout=600)
    check("scaling_study.sh exits 0", p.returncode == 0, p.stdout[-500:] + p.stderr[-500:])
    path = os.path.join(a.work, "france_runs.csv")
    rows = list(csv.DictReader(open(path))) if os.path.exists(path) else []
    check("one CSV row per rank count", [r.get("ranks") for r in rows] == ["1", "2"], str(rows)[:300])
    need = ["wall_s", "input_s", "spinup_s", "compute_s", "output_s", "speedup", "efficiency", "write_mib_s",
            "dd_mib_s", "dd_warm_mib_s", "write_vs_dd", "write_vs_dd_warm", "load_imbalance_pct", "compute_imbalance_measured_pct",
            "compression_imbalance_measured_pct", "repeats"]
    for r in rows:
        missing = [k for k in need if k not in r or r[k] == ""]
        check(f"ranks {r['ranks']}: every column present", not missing, str(missing))
        if not missing:
            check(f"ranks {r['ranks']}: 2 repeats, positive times and rates", r["repeats"] == "2" and
                  float(r["wall_s"]) > 0 and float(r["write_mib_s"]) > 0 and float(r["dd_mib_s"]) > 0 and
                  float(r["dd_warm_mib_s"]) > 0, str(r))
            check(f"ranks {r['ranks']}: partition imbalance <= 2 %", float(r["load_imbalance_pct"]) <= 2.0)
            check(f"ranks {r['ranks']}: measured imbalances are percentages >= 0",
                  0.0 <= float(r["compute_imbalance_measured_pct"]) < 1000 and
                  0.0 <= float(r["compression_imbalance_measured_pct"]) < 1000, str(r))
    if rows and "efficiency" in rows[0]:
        check("efficiency of 1 rank is 1", abs(float(rows[0]["efficiency"]) - 1.0) < 1e-9, rows[0]["efficiency"])
    png = os.path.join(a.work, "france_runs.png")
    check("plot written", os.path.exists(png) and os.path.getsize(png) > 20000)
    finish()


main()
