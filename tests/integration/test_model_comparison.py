#!/usr/bin/python3
"""Several models compared on the France 8 km default in one run (model = [...], docs/OUTPUTS.md).

Usage: /usr/bin/python3 tests/integration/test_model_comparison.py --alamod build/engine/alamod \
           --source-dir . --work DIR [--ranks 2]

Runs rothc, icbm and yasso15 (1990-1994, equilibrium spin-up) into one folder, then icbm alone, and checks:
each model's folder holds its output (global attribute alamod_model naming it) and its totals; the folder's
totals.csv is every model's totals.csv, line for line; icbm's output inside the comparison is bitwise the
output of icbm run alone (comparing changes nothing); the multi-model mean, spread and standard deviation
GeoTIFFs are those of the models' own change maps (numpy); report.html links only to files that exist, loads
nothing but data: images, and renders in headless Chromium (a screenshot that is not blank); a --restart of
the finished comparison keeps every file as it is; a list naming an unknown model or a model twice is refused
naming the key. Prints one line per check and "N passed, M failed".
"""
import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import netCDF4
from osgeo import gdal

results = []
MODELS = ["rothc", "icbm", "yasso15"]


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + str(detail)[:600]), flush=True)
    return ok


def env():
    e = dict(os.environ)
    e.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1", OMPI_MCA_rmaps_base_oversubscribe="1")
    return e


def run(args, extra, timeout=600):
    cmd = ["mpiexec", "-n", str(args.ranks), args.alamod, "run", os.path.join(args.source_dir, "configs",
           "france_default.toml"), "--quiet", "--set", "run.end_year=1994", "--set", 'spinup.method="equilibrium"'] + extra
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(), timeout=timeout)


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def variables(path):
    with netCDF4.Dataset(path) as nc:
        nc.set_auto_maskandscale(False)
        return {v: nc.variables[v][:].tobytes() for v in ("cSoil", "cSoilPools", "rh", "fCarbonInput")}


def band(path):
    ds = gdal.Open(path)
    a = ds.GetRasterBand(1).ReadAsArray().astype("f8")
    nodata = ds.GetRasterBand(1).GetNoDataValue()
    a[a == nodata] = np.nan
    return a


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--ranks", type=int, default=2)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    out = os.path.join(args.work, "compared")
    r = run(args, ["--out", out, "--set", "model=[%s]" % ",".join('"%s"' % m for m in MODELS)])
    if not check("comparison runs", r.returncode == 0, r.stderr[-800:]):
        return 1
    for m in MODELS:
        nc = os.path.join(out, m, "carbon_yearly.nc")
        ok = os.path.exists(nc)
        if ok:
            with netCDF4.Dataset(nc) as d:
                ok = d.getncattr("alamod_model") == m
        check("%s: own output with alamod_model" % m, ok)
    combined = open(os.path.join(out, "totals.csv")).read().splitlines()
    parts = [open(os.path.join(out, m, "totals.csv")).read().splitlines() for m in MODELS]
    check("totals.csv is every model's totals", combined == parts[0][:1] + sum((p[1:] for p in parts), []),
          "%d lines against %d" % (len(combined), 1 + sum(len(p) - 1 for p in parts)))
    models_seen = {line.split(",")[1] for line in combined[1:]}
    check("totals.csv model column", models_seen == set(MODELS), models_seen)
    alone = os.path.join(args.work, "icbm_alone")
    r = run(args, ["--out", alone, "--set", 'model="icbm"'])
    check("icbm in the comparison = icbm alone (bitwise)", r.returncode == 0 and
          variables(os.path.join(alone, "carbon_yearly.nc")) == variables(os.path.join(out, "icbm", "carbon_yearly.nc")),
          r.stderr[-400:])
    changes = np.stack([band(os.path.join(out, m, "soc_change.tif")) for m in MODELS])
    for name, want in (("mean", changes.mean(axis=0)), ("spread", changes.max(axis=0) - changes.min(axis=0)),
                       ("sd", changes.std(axis=0))):
        got = band(os.path.join(out, "soc_change_model_%s.tif" % name))
        same_mask = np.array_equal(np.isnan(got), np.isnan(want))
        err = np.nanmax(np.abs(got - want)) if same_mask else np.inf
        check("multi-model %s map" % name, same_mask and err < 1e-5, "max difference %g" % err)
    html = open(os.path.join(out, "report.html"), encoding="utf-8").read()
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    external = [l for l in links if re.match(r"[a-z]+://", l)]
    missing = [l for l in links if not l.startswith("data:") and not l.startswith("#") and
               not os.path.exists(os.path.join(out, l))]
    check("report links resolve, nothing external", not external and not missing and "<script" not in html,
          (external, missing))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    shot = os.path.join(args.work, "report.png")
    if check("chromium installed", chromium):
        p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND",
                            "--user-data-dir=" + os.path.join(args.work, "profile"), "--window-size=1400,2000",
                            "--screenshot=" + shot, "file://" + os.path.join(out, "report.html")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
        ok = p.returncode == 0 and os.path.exists(shot)
        if ok:
            img = gdal.Open(shot).ReadAsArray().astype(int)
            ok = img.std() > 20 and (img.min(axis=0) < 80).mean() > 0.001  # not blank, dark text present
        check("report renders in Chromium", ok, p.stderr[-300:])
    before = {os.path.join(dp, f): digest(os.path.join(dp, f)) for dp, _, fs in os.walk(out) for f in fs}
    r = run(args, ["--out", out, "--restart", "--set", "model=[%s]" % ",".join('"%s"' % m for m in MODELS)])
    after = {os.path.join(dp, f): digest(os.path.join(dp, f)) for dp, _, fs in os.walk(out) for f in fs}
    outputs = [os.path.join(out, m, "carbon_yearly.nc") for m in MODELS]
    check("--restart of a finished comparison keeps the outputs", r.returncode == 0 and
          all(before.get(o) is not None and before.get(o) == after.get(o) for o in outputs), r.stderr[-400:])
    for name, value, words in (("unknown model", '["rothc","rothd"]', ["model", "rothd"]),
                               ("model twice", '["icbm","icbm"]', ["model", "twice"])):
        r = run(args, ["--out", os.path.join(args.work, "bad"), "--set", "model=" + value], timeout=60)
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        check("refused: " + name, r.returncode == 1 and len(lines) == 1 and all(w in lines[0] for w in words), lines)
    print("%d passed, %d failed" % (sum(results), len(results) - sum(results)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
