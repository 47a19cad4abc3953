#!/usr/bin/python3
"""alamod evaluate --ensemble N --parameters FIT: the 5-95 % band of the parameter draws on the site plots.

  test_evaluate_ensemble.py --alamod PATH --source-dir DIR --work DIR

Evaluates RothC and ICBM on the shipped Broadbalk and Highfield bare-fallow packages with the RothC parameter file of
the ensemble tests (tests/data/ensemble/rothc_fit.toml: a covariance of k_hum and k_rpm) and --ensemble 20, on 1 and
2 ranks, and once without --ensemble. Checks: every RothC plot has a band and no ICBM plot has one; the bands are
the same on 1 and 2 ranks and move with the seed; the RothC line (the file's own values) lies inside its band in
most years; metrics.csv and the stocks of simulated_series.csv are those of the run without the ensemble, whose
soc_p05/p50/p95 columns hold the members' quantiles on the RothC rows only (the same on 1 and 2 ranks, bracketing
the stock on 90 % of the rows or more, p05 <= p50 <= p95); headless Chromium draws the band (pixels of its shade counted in a screenshot); --ensemble
without --parameters is refused.
"""
import os
import re
import shutil
import subprocess

import numpy as np

from checks import check, finish, mpi_env, run_arguments

SITES = "broadbalk,highfield_bare_fallow"


def main():
    a = run_arguments()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    env = mpi_env()
    fit = os.path.join(a.source_dir, "tests", "data", "ensemble", "rothc_fit.toml")

    def evaluate(n, out, *extra):
        cmd = ["mpiexec", "-n", str(n), a.alamod, "evaluate", "--sites", os.path.join(a.source_dir, "data", "sites"),
               "--only-sites", SITES, "--models", "rothc,icbm", "--parameters", fit, "--out", out, *extra]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)

    out = {}
    for name, n, extra in (("np1", 1, ["--ensemble", "20", "--ensemble-seed", "3"]),
                           ("np2", 2, ["--ensemble", "20", "--ensemble-seed", "3"]),
                           ("seed4", 1, ["--ensemble", "20", "--ensemble-seed", "4"]),
                           ("plain", 1, [])):
        out[name] = os.path.join(a.work, name)
        r = evaluate(n, out[name], *extra)
        check("evaluate %s" % name, r.returncode == 0, r.stderr[-600:])
    html = {k: open(os.path.join(v, "report.html"), encoding="utf-8").read() for k, v in out.items()}
    bands = {k: re.findall(r'<path class="band" data-model="([^"]+)"[^>]* d="([^"]+)"', h) for k, h in html.items()}
    plots = len(re.findall(r'<svg class="plot timeseries"', html["np1"]))
    check("a RothC band on every site plot, none for ICBM", plots == 7 and len(bands["np1"]) == plots and
          all(m == "rothc" for m, _ in bands["np1"]), (plots, [m for m, _ in bands["np1"]]))
    check("no band without --ensemble", not bands["plain"])
    check("the bands the same on 1 and 2 ranks", bands["np1"] == bands["np2"])
    check("the bands move with the seed", bands["np1"] != bands["seed4"] and len(bands["seed4"]) == plots)
    same = open(os.path.join(out["np1"], "metrics.csv"), "rb").read() == \
        open(os.path.join(out["plain"], "metrics.csv"), "rb").read()
    check("metrics.csv unchanged by the ensemble", same)
    # simulated_series.csv: the same stocks, and the members' quantiles on the RothC rows only
    series = {k: [line.split(",") for line in open(os.path.join(v, "simulated_series.csv")).read().splitlines()]
              for k, v in out.items()}
    head = ["model", "parameters", "site", "treatment", "year", "soc", "soc_p05", "soc_p50", "soc_p95"]
    check("simulated_series.csv: the quantile columns, in t ha-1", all(
        rows[0] == head and rows[1] == ["", "", "", "", "yr"] + ["t ha-1"] * 4 for rows in series.values()),
        series["np1"][:2])
    check("simulated_series.csv: the stocks unchanged by the ensemble",
          [r[:6] for r in series["np1"][2:]] == [r[:6] for r in series["plain"][2:]] and len(series["np1"]) > 300)
    check("simulated_series.csv: no quantiles without --ensemble", all(r[6:] == ["", "", ""] for r in series["plain"][2:]))
    check("simulated_series.csv: no quantiles on the ICBM rows",
          all(r[6:] == ["", "", ""] for r in series["np1"][2:] if r[0] == "icbm"))
    check("simulated_series.csv: the same on 1 and 2 ranks", series["np1"] == series["np2"])
    check("simulated_series.csv: the quantiles move with the seed", series["np1"] != series["seed4"])
    rothc = [[float(x) for x in r[5:]] for r in series["np1"][2:] if r[0] == "rothc"]
    bracketed = sum(p05 <= soc <= p95 for soc, p05, p50, p95 in rothc)
    check("simulated_series.csv: p05 <= p50 <= p95 on every RothC row", rothc and
          all(p05 <= p50 <= p95 for _, p05, p50, p95 in rothc), len(rothc))
    check("simulated_series.csv: p05 <= soc <= p95 on 90 % of the RothC rows or more",
          len(rothc) > 300 and bracketed >= 0.9 * len(rothc), "%d of %d" % (bracketed, len(rothc)))
    # the line of the file's own values inside its band (SVG y grows downwards: p95 above, p05 below)
    lines = re.findall(r'<path class="sim" data-model="rothc" d="([^"]+)"', html["np1"])
    inside = total = 0
    widths = []
    for (model, d), line in zip(bands["np1"], lines):
        ring = [tuple(map(float, p)) for p in re.findall(r"(-?\d+(?:\.\d+)?)[ ,](-?\d+(?:\.\d+)?)", d)]
        pts = [tuple(map(float, p)) for p in re.findall(r"(-?\d+(?:\.\d+)?)[ ,](-?\d+(?:\.\d+)?)", line)]
        half = len(ring) // 2
        lo, hi = ring[:half], ring[half:][::-1]
        widths.append(max(l[1] - h[1] for l, h in zip(lo, hi)))
        for (x, y), l, h in zip(pts, lo, hi):
            total += 1
            inside += h[1] - 0.15 <= y <= l[1] + 0.15
    check("the RothC line inside its band in 90 % of the years or more", total > 300 and inside >= 0.9 * total,
          "%d of %d" % (inside, total))
    check("every band at least 5 px wide somewhere", widths and min(widths) > 5, widths)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    check("chromium installed", chromium)
    if chromium:
        shot = os.path.join(a.work, "report.png")
        p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + os.path.join(a.work, "profile"),
                            "--window-size=1400,6000", "--screenshot=" + shot,
                            "file://" + os.path.join(out["np1"], "report.html")],
                           capture_output=True, text=True, timeout=120)
        check("report screenshot", p.returncode == 0 and os.path.exists(shot), p.stderr[-300:])
        if os.path.exists(shot):
            from osgeo import gdal
            img = np.moveaxis(gdal.Open(shot).ReadAsArray()[:3].astype(int), 0, -1)
            shade = int((np.abs(img - np.array([184, 216, 233])).max(axis=-1) <= 10).sum())
            check("screenshot: the bands shaded (RothC blue at 28 %)", shade > 50000, "%d pixels" % shade)
    r = subprocess.run([a.alamod, "evaluate", "--sites", os.path.join(a.source_dir, "data", "sites"), "--models", "rothc",
                        "--ensemble", "5", "--out", os.path.join(a.work, "bad")], capture_output=True, text=True, env=env)
    check("--ensemble without --parameters refused", r.returncode == 2 and "--ensemble requires --parameters" in r.stderr,
          r.stderr[-300:])
    finish()


if __name__ == "__main__":
    main()
