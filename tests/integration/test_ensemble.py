#!/usr/bin/python3
"""A parameter ensemble on the France 8 km default (alamod run --ensemble N --parameters FIT, docs/OUTPUTS.md).

Usage: /usr/bin/python3 tests/integration/test_ensemble.py --alamod build/engine/alamod --source-dir . --work DIR

Runs 4 members (RothC, 1990-1994, drawn from tests/data/ensemble/rothc_fit.toml's covariance, seed 11) on 2
ranks as members x cells (--ensemble-groups 0: 2 groups of 1 rank), 2 members with the same seed on 1 rank, and
3 members on 3 ranks twice: as 3 groups of 1 rank and as 1 group of 3. Checks: ensemble_parameters.csv lists
the members' values, the first ones the same in every run; each member's output records its parameters (the
global attribute alamod_model_parameters) and members 1-3 are bitwise the same on 1, 2 and 3 ranks in every
grouping, and so are their totals.csv; only the world's rank 0 prints (as 3 groups, the lines of 1 run on stdout,
as 1 group of all 3); totals.csv and totals_quantiles.csv of the two 3-rank runs are the same
bytes; totals.csv is every member's totals.csv with the member number first; totals_quantiles.csv holds numpy's
5, 50 and 95 % quantiles (linear interpolation) of the members' values of every row; report.html draws the
national median inside its shaded 5-95 % band (checked in its SVG and in a headless Chromium screenshot) with
the end's values of totals_quantiles.csv; members differ; bad input
(--ensemble without --parameters, a parameter file without [fit], more groups than ranks) is refused with one
line, and a member that fails in one group while another group runs (posterior samples with a row outside the
bounds) ends the run on every rank with that member's one line. Prints "N passed, M failed".
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import netCDF4

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + str(detail)[:600]), flush=True)
    return ok


def run(args, ranks, extra, timeout=600):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    cmd = ["mpiexec", "-n", str(ranks), args.alamod, "run", os.path.join(args.source_dir, "configs", "france_default.toml"),
           "--quiet", "--set", "run.end_year=1994"] + extra
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, timeout=timeout)


def variables(path):
    with netCDF4.Dataset(path) as nc:
        nc.set_auto_maskandscale(False)
        return {v: nc.variables[v][:].tobytes() for v in ("cSoil", "cSoilPools", "rh")}


def national_rows(q):
    """The rows of totals_quantiles.csv for the whole country, every land cover."""
    return [qr for qr in q if qr["zone_kind"] == "country" and qr["land_cover"] == "all"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    fit = os.path.join(args.source_dir, "tests", "data", "ensemble", "rothc_fit.toml")
    out2, out1 = os.path.join(args.work, "np2"), os.path.join(args.work, "np1")
    r = run(args, 2, ["--out", out2, "--parameters", fit, "--ensemble", "4", "--ensemble-seed", "11",
                      "--ensemble-groups", "0"])
    if not check("4 members on 2 ranks, 2 groups of 1", r.returncode == 0, r.stderr[-800:]):
        return 1
    r = run(args, 1, ["--out", out1, "--parameters", fit, "--ensemble", "2", "--ensemble-seed", "11"])
    check("2 members on 1 rank", r.returncode == 0, r.stderr[-800:])
    # members x cells on 3 ranks: 3 groups of 1 rank, and 1 group of 3 ranks
    out3 = {}
    for groups in ("3", "1"):
        out3[groups] = os.path.join(args.work, "np3_g" + groups)
        r = run(args, 3, ["--out", out3[groups], "--parameters", fit, "--ensemble", "3", "--ensemble-seed", "11",
                          "--ensemble-groups", groups])
        check("3 members on 3 ranks, %s group(s)" % groups, r.returncode == 0, r.stderr[-800:])
        # only the world's rank 0 prints: the first group's member as 3 groups (no interleaved lines), all 3 as 1
        starts = r.stdout.count("MPI rank(s), configuration")
        check("3 members on 3 ranks, %s group(s): %s run's lines on stdout" % (groups, "1" if groups == "3" else "every"),
              starts == (1 if groups == "3" else 3), "%d runs' lines:\n%s" % (starts, r.stdout[-1500:]))
    p2 = list(csv.DictReader(open(os.path.join(out2, "ensemble_parameters.csv"))))
    p1 = list(csv.DictReader(open(os.path.join(out1, "ensemble_parameters.csv"))))
    p3 = [list(csv.DictReader(open(os.path.join(out3[g], "ensemble_parameters.csv")))) for g in ("3", "1")]
    check("ensemble_parameters.csv: 4 members, the first 2 as on 1 rank, the first 3 as on 3 ranks",
          len(p2) == 4 and p1 == p2[:2] and p3[0] == p2[:3] and p3[1] == p2[:3], (p1, p2[:3], p3))
    check("members differ", len({row["k_hum"] for row in p2}) == 4)
    for k in (1, 2, 3):
        a = os.path.join(out2, "member_%03d" % k, "carbon_yearly.nc")
        with netCDF4.Dataset(a) as nc:
            recorded = nc.getncattr("alamod_model_parameters")
        check("member %d records its k_hum" % k, ("%.6g" % float(p2[k - 1]["k_hum"]))[:6] in recorded or
              p2[k - 1]["k_hum"][:8] in recorded, recorded[:300])
        others = [os.path.join(out3[g], "member_%03d" % k) for g in ("3", "1")] + \
            ([os.path.join(out1, "member_%03d" % k)] if k <= 2 else [])
        va = variables(a)
        check("member %d bitwise on 2 ranks (its group: 1 rank), 3 ranks as 3 groups and as 1 group%s" %
              (k, ", 1 rank" if k <= 2 else ""),
              all(variables(os.path.join(o, "carbon_yearly.nc")) == va for o in others))
        ta = open(os.path.join(out2, "member_%03d" % k, "totals.csv"), "rb").read()
        check("member %d totals.csv the same bytes in every run" % k,
              all(open(os.path.join(o, "totals.csv"), "rb").read() == ta for o in others))
    for name in ("totals.csv", "totals_quantiles.csv", "report.html"):
        a, b = (open(os.path.join(out3[g], name), "rb").read() for g in ("3", "1"))
        check("%s the same bytes as 3 groups of 1 rank and 1 group of 3" % name, a == b and len(a) > 1000)
    lines = open(os.path.join(out2, "totals.csv")).read().splitlines()
    want = []
    for k in range(1, 5):
        part = open(os.path.join(out2, "member_%03d" % k, "totals.csv")).read().splitlines()
        if not want:
            want.append("member," + part[0])
        want += ["%d,%s" % (k, l) for l in part[1:]]
    check("totals.csv: every member's totals, member first", lines == want, "%d against %d lines" % (len(lines), len(want)))
    rows = list(csv.DictReader(open(os.path.join(out2, "totals.csv"))))
    q = list(csv.DictReader(open(os.path.join(out2, "totals_quantiles.csv"))))
    keycols = ["scenario", "model", "year", "zone_kind", "zone_code", "zone_name", "land_cover"]
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[c] for c in keycols), []).append(row)
    worst, missing = 0.0, 0
    for qr in q:
        members = groups.get(tuple(qr[c] for c in keycols))
        if not members or len(members) != 4:
            missing += 1
            continue
        for quantity in ("soc_TgC", "change_TgC", "rate_per_mille_yr"):
            v = np.array([float(m[quantity]) for m in members])
            for p, col in ((5, "_p05"), (50, "_p50"), (95, "_p95")):
                w = np.percentile(v, p)
                worst = max(worst, abs(float(qr[quantity + col]) - w) / max(1e-12, abs(w)))
    check("totals_quantiles.csv = numpy's quantiles", len(q) == len(groups) and missing == 0 and worst < 1e-12,
          "%d rows against %d groups, %d unmatched, worst relative %g" % (len(q), len(groups), missing, worst))
    national = [qr for qr in q if qr["zone_kind"] == "country" and qr["land_cover"] == "all" and qr["year"] == "1994"]
    check("a band of the national change", national and float(national[0]["change_TgC_p05"]) <
          float(national[0]["change_TgC_p95"]), national[:1])
    # the ensemble's report: the national series, its median line and 5-95 % band as in totals_quantiles.csv
    html = open(os.path.join(out2, "report.html"), encoding="utf-8").read()
    years = sorted({int(qr["year"]) for qr in national_rows(q)})
    bands = re.findall(r'<path class="band"[^>]* d="([^"]+)"', html)
    medians = re.findall(r'<path class="series"[^>]* d="([^"]+)"', html)
    check("report.html: one band and one median line", len(bands) == 1 and len(medians) == 1, (len(bands), len(medians)))
    if bands and medians:
        ring = [tuple(map(float, p)) for p in re.findall(r"(-?\d+(?:\.\d+)?)[ ,](-?\d+(?:\.\d+)?)", bands[0])]
        line = [tuple(map(float, p)) for p in re.findall(r"(-?\d+(?:\.\d+)?)[ ,](-?\d+(?:\.\d+)?)", medians[0])]
        n = len(line)
        lo, hi = ring[:n], ring[n:][::-1]
        inside = n == len(years) + 1 and len(ring) == 2 * n and all(
            abs(l[0] - m[0]) < 0.05 and abs(h[0] - m[0]) < 0.05 and h[1] <= m[1] <= l[1] for l, h, m in zip(lo, hi, line))
        check("report.html: the median inside the band at the start and every year", inside, (n, len(ring), years))
    end = [qr for qr in national_rows(q) if int(qr["year"]) == years[-1]][0]
    words = "At the end: %.1f Tg C, 5\u201395 %% %.1f\u2013%.1f Tg C" % (
        float(end["soc_TgC_p50"]), float(end["soc_TgC_p05"]), float(end["soc_TgC_p95"]))
    check("report.html: the end's median and band as in totals_quantiles.csv", words in html, words)
    check("report.html: links to every member's report", all('href="member_%03d/report.html"' % k in html
                                                          for k in range(1, 5)))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    shot = os.path.join(args.work, "report.png")
    if check("chromium installed", chromium):
        p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
                            "--user-data-dir=" + os.path.join(args.work, "profile"), "--window-size=1000,900",
                            "--hide-scrollbars", "--screenshot=" + shot, "file://" + os.path.join(out2, "report.html")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        if check("report screenshot", p.returncode == 0 and os.path.exists(shot), p.stderr[-300:]):
            from osgeo import gdal
            img = np.moveaxis(gdal.Open(shot).ReadAsArray()[:3].astype(int), 0, -1)
            # the band: #0072b2 at 28 % over white; the median line: #0072b2
            band_px = int((np.abs(img - np.array([184, 216, 233])).max(axis=-1) <= 10).sum())
            line_px = int((np.abs(img - np.array([0, 114, 178])).max(axis=-1) <= 40).sum())
            check("screenshot: the band shaded and the median line drawn", band_px > 3000 and line_px > 300,
                  "%d band, %d line pixels" % (band_px, line_px))
    # a member that fails in one group while the other group runs its member: every rank leaves with the failing
    # member's one line (seed 3: member 1 on the group of rank 0 fails; seed 8: member 2 on the other group)
    bad = os.path.join(args.work, "bad_posterior")
    os.makedirs(bad)
    with open(os.path.join(bad, "fit.toml"), "w") as f:
        f.write('model = "rothc"\n[parameters]\nk_hum = 0.02\nk_rpm = 0.3\n[fit]\nparameters = ["k_hum", "k_rpm"]\n'
                '[fit.posterior]\nsamples = "samples.csv"\n')
    with open(os.path.join(bad, "samples.csv"), "w") as f:
        f.write("k_hum,k_rpm\n0.02,0.3\n-0.5,0.3\n")  # the second row outside k_hum's bounds
    for seed, failing in (("3", 1), ("8", 2)):
        out = os.path.join(args.work, "bad_member_seed" + seed)
        r = run(args, 2, ["--out", out, "--parameters", os.path.join(bad, "fit.toml"), "--ensemble", "2",
                          "--ensemble-groups", "2", "--ensemble-seed", seed], timeout=120)
        drawn = [row["k_hum"] for row in csv.DictReader(open(os.path.join(out, "ensemble_parameters.csv")))]
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        check("member %d of 2 fails in its group (seed %s): exit 1, its one line, no ensemble tables" % (failing, seed),
              drawn[failing - 1] == "-0.5" and drawn[2 - failing] == "0.02" and r.returncode == 1 and len(lines) == 1 and
              "ensemble member %d of 2" % failing in lines[0] and "k_hum" in lines[0] and
              not os.path.exists(os.path.join(out, "totals_quantiles.csv")), (drawn, r.returncode, lines))
    for name, extra, words in (("ensemble without parameters", ["--ensemble", "3"], ["--ensemble", "--parameters"]),
                               ("fit without [fit]", ["--ensemble", "3", "--parameters",
                                                      os.path.join(args.source_dir, "tests", "data", "ensemble",
                                                                   "rothc_fit.toml") + ".missing"], [".missing"]),
                               ("more groups than ranks", ["--ensemble", "3", "--ensemble-groups", "2", "--parameters",
                                                           fit], ["--ensemble-groups 2", "between 1 and 1"])):
        r = run(args, 1, ["--out", os.path.join(args.work, "bad")] + extra, timeout=60)
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        check("refused: " + name, r.returncode == 1 and len(lines) == 1 and all(w in lines[0] for w in words), lines)
    print("%d passed, %d failed" % (sum(results), len(results) - sum(results)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
