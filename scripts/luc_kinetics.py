#!/usr/bin/python3
"""The kinetics of land-use change in alamod's linear models, beside the French reference (ADEME ALDO).

For each linear model (rothc, icbm, yasso15, yasso07, century, amg) and each transition (cropland -> grassland,
grassland -> cropland, cropland -> forest, forest -> cropland), runs the France 8 km default on tiles with the
whole donor class converted at the start of 2000 (land_use_change.rates: rate 1 in 2000), each tile spun up
(inverse) to its class's ALDO/RMQS stock of its pedo-climatic zone, then 100 years of the shipped climate.
In one cell per pedo-climatic zone (the cell where the donor class covers most of the land), it follows the
receiver tile's stock x_t (t years after the conversion) from the donor's stock x_0 towards the receiver's
class stock x_eq, and reports:

  t63    years until (x_t - x_0) / (x_eq - x_0) >= 0.63 (the e-folding time of a first-order approach)
  rate20 (x_20 - x_0) / 20, t C ha-1 yr-1, the mean rate of the first 20 years (ALDO's and IPCC's horizon)

as the median over the zones (t63) and the mean (rate20), next to ALDO's transition times and rates
(data/aldo_ademe flux-zpc.csv: rate = (stock_receiver - stock_donor) / T). Prints a Markdown table
(docs/LAND_COVER.md, "Kinetics against the French reference").

  /usr/bin/python3 scripts/luc_kinetics.py [--alamod build/engine/alamod] [--ranks 2] [--work results/luc_kinetics]
"""
import argparse
import os
import subprocess
import sys

import netCDF4
import numpy as np
from osgeo import gdal

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")
MODELS = ["rothc", "icbm", "yasso15", "yasso07", "century", "amg"]
TRANSITIONS = [("cropland", "grassland"), ("grassland", "cropland"), ("cropland", "forest"), ("forest", "cropland")]
# ALDO (data/catenr/cinetiques.json via refs/scenarios.md 3.1): transition time T (yr) and the 8 km cell-weighted
# mean rate of flux-zpc.csv (t C ha-1 yr-1)
ALDO = {("cropland", "grassland"): (51.0, 0.51), ("grassland", "cropland"): (26.3, -1.00),
        ("cropland", "forest"): (68.2, 0.35), ("forest", "cropland"): (40.0, -0.59)}
CONVERSION_YEAR, START, END = 2000, 1999, 2099


def run(a, model, donor, receiver):
    out = os.path.join(a.work, "%s_%s_%s" % (model, donor, receiver))
    rates = os.path.join(a.work, "%s_%s.csv" % (donor, receiver))
    with open(rates, "w") as f:
        f.write("zone_kind,zone_code,from,to,rate,first_year,last_year\n")
        f.write("country,0,%s,%s,1.0,%d,%d\n" % (donor, receiver, CONVERSION_YEAR, CONVERSION_YEAR))
    cmd = ["mpiexec", "-n", str(a.ranks), a.alamod, "run", os.path.join(REPO, "configs/france_default.toml"),
           "--out", out, "--overwrite", "--quiet", "--set", 'model="%s"' % model, "--set", "run.start_year=%d" % START,
           "--set", "run.end_year=%d" % END, "--set", 'land_use_change.rates="%s"' % rates,
           "--set", "output.tiles=true", "--set", "output.precision=\"double\"", "--set", "totals.enabled=false",
           "--set", "output.deflate_level=0"]
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        line = [l for l in p.stderr.splitlines() if l.startswith("alamod: error:")]
        return None, (line[0] if line else p.stderr[-300:])
    return os.path.join(out, "carbon_yearly.nc"), ""


def kinetics(path, donor, receiver, zone):
    with netCDF4.Dataset(path) as ds:
        names = [str(x) for x in netCDF4.chartostring(ds["area_type"][:])]
        d, r = names.index(donor), names.index(receiver)
        f0 = np.ma.filled(ds["area_fraction_initial"][:], 0.0)
        tile = np.ma.filled(ds["cSoilTile"][:].astype(float), np.nan)
        initial = np.ma.filled(ds["cSoilTileInitial"][:].astype(float), np.nan)
        years = ds["time_bnds"][:, 0]
    t_conv = CONVERSION_YEAR - START  # time index of the conversion year
    rows = []
    for z in sorted(set(np.unique(zone[zone > 0]).astype(int))):
        cand = np.where((zone == z) & (f0[d] > 0), f0[d], -1.0)
        if cand.max() <= 0:
            continue
        iy, ix = np.unravel_index(np.argmax(cand), cand.shape)
        x0 = tile[t_conv - 1, d, iy, ix]           # the donor's stock at the end of 1999
        xeq = initial[r, iy, ix]                   # the receiver's class stock (its inverse spin-up target)
        x = tile[t_conv:, r, iy, ix]               # the receiver tile from the end of the conversion year
        if not (np.isfinite(x0) and np.isfinite(xeq)) or abs(xeq - x0) < 1e-6:
            continue
        progress = (x - x0) / (xeq - x0)
        hit = np.nonzero(progress >= 0.63)[0]
        t63 = float(hit[0] + 1) if hit.size else np.inf
        rate20 = (x[19] - x0) / 20.0
        rows.append((z, round(float(f0[d, iy, ix]), 3), t63, rate20))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--alamod", default=os.path.join(REPO, "build/engine/alamod"))
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--work", default=os.path.join(REPO, "results/luc_kinetics"))
    ap.add_argument("--models", default=",".join(MODELS))
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    zone = gdal.Open(os.path.join(REPO, "data/france/pedoclimatic_zone_8km.tif")).ReadAsArray()
    lines = ["| model | transition | zones | t63 (yr), median [range] | mean rate, first 20 yr (t C ha-1 yr-1) | "
             "ALDO T (yr) | ALDO rate (t C ha-1 yr-1) |", "|---|---|---|---|---|---|---|"]
    for model in a.models.split(","):
        for donor, receiver in TRANSITIONS:
            path, why = run(a, model, donor, receiver)
            T, aldo_rate = ALDO[(donor, receiver)]
            label = "%s -> %s" % (donor, receiver)
            if path is None:
                lines.append("| %s | %s | - | refused: %s | | %g | %+.2f |" % (model, label, why[15:140], T, aldo_rate))
                print(lines[-1], flush=True)
                continue
            rows = kinetics(path, donor, receiver, zone)
            t63 = np.array([r[2] for r in rows])
            r20 = np.array([r[3] for r in rows])
            fin = t63[np.isfinite(t63)]
            t63_text = ("%.0f [%.0f-%.0f]" % (np.median(t63), fin.min(), fin.max()) if fin.size == t63.size else
                        "%s [%s]" % ("%.0f" % np.median(t63) if np.isfinite(np.median(t63)) else "> 100",
                                     "%d of %d zones > 100" % (t63.size - fin.size, t63.size)))
            lines.append("| %s | %s | %d | %s | %+.2f [%+.2f..%+.2f] | %g | %+.2f |" % (
                model, label, len(rows), t63_text, r20.mean(), r20.min(), r20.max(), T, aldo_rate))
            print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
