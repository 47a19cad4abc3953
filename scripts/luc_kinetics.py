#!/usr/bin/python3
"""The kinetics of land-use change in alamod's linear models, beside the French reference (ADEME ALDO).

For each linear model (rothc, icbm, yasso15, yasso07, century, amg) and each transition (cropland -> grassland,
grassland -> cropland, cropland -> forest, forest -> cropland), runs the France 8 km default with every land cell
wholly of the donor class (fraction rasters written here), the receiver class a tile of fraction 0 in every
cell, both spun up (inverse) to their class's ALDO/RMQS stock of the cell's pedo-climatic zone; the whole
donor area is converted at the start of 2000 (land_use_change.rates: rate 1 in 2000), so that the receiver tile
starts from the donor's pools; then 100 years of a steady climate (the shipped forcing's mean monthly climate of
1999-2008, the spin-up's, repeated every year: the kinetics alone, without the climate's trend). In one cell per pedo-climatic zone (the
middle one of its cells in row-major order), it follows the receiver tile's stock x_t (t years after the
conversion) from the donor's stock x_0 towards the receiver's class stock x_eq, and reports:

  t63    years until (x_t - x_0) / (x_eq - x_0) >= 0.63 (the e-folding time of a first-order approach)
  done   (x_t - x_0) / (x_eq - x_0) after 20 years and at the end
  rate20 (x_20 - x_0) / 20, t C ha-1 yr-1, the mean rate of the first 20 years (ALDO's and IPCC's horizon)

as the median over the zones (t63) and the mean (rate20), next to ALDO's transition times and rates
(data/aldo_ademe flux-zpc.csv: rate = (stock_receiver - stock_donor) / T). Prints a Markdown table
(docs/LAND_COVER.md, "Kinetics against the French reference").

  /usr/bin/python3 scripts/luc_kinetics.py [--alamod build/engine/alamod] [--ranks 2] [--work results/luc_kinetics]
"""
import argparse
import os
import shutil
import subprocess
import sys

import netCDF4
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

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


def steady_climate(a):
    """The shipped forcing with every year replaced by its mean months of 1999-2008 (written once)."""
    path = os.path.join(a.work, "climate_steady_1999_2008.nc")
    if os.path.exists(path):
        return path
    shutil.copy(os.path.join(REPO, "data/france/forcing/climate_8km_monthly_1990_2100.nc"), path + ".tmp")
    with netCDF4.Dataset(path + ".tmp", "r+") as ds:
        first = (START - 1990) * 12
        for name in ("tas", "pr", "pet"):
            v = ds[name]
            months = v[first:first + 120].reshape(10, 12, *v.shape[1:]).mean(axis=0)
            for y in range(v.shape[0] // 12):
                v[12 * y:12 * y + 12] = months
    os.replace(path + ".tmp", path)
    return path


def fraction_rasters(a, donor):
    """One fraction raster per class: 1 for the donor on every land cell, 0 for the others."""
    template = gdal.Open(os.path.join(REPO, "data/france/land_cover_fraction_cropland_8km.tif"))
    land = template.GetRasterBand(1).ReadAsArray() >= 0
    paths = {}
    for name in ("cropland", "grassland", "forest"):
        path = os.path.join(a.work, "fraction_%s_%s.tif" % (donor, name))
        ds = gdal.GetDriverByName("GTiff").CreateCopy(path, template)
        ds.GetRasterBand(1).WriteArray(np.where(land, 1.0 if name == donor else 0.0, -9999.0).astype(np.float32))
        ds = None
        paths[name] = path
    return paths


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
    cmd += ["--set", 'inputs.climate="%s"' % steady_climate(a)]
    for name, path in fraction_rasters(a, donor).items():
        cmd += ["--set", 'land_use.%s.fraction="%s"' % (name, path)]
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        line = [l for l in p.stderr.splitlines() if l.startswith("alamod: error:")]
        return None, (line[0] if line else p.stderr[-300:])
    return os.path.join(out, "carbon_yearly.nc"), ""


def kinetics(path, donor, receiver, zone):
    receiver_stock = gdal.Open(os.path.join(REPO, "data/france/soc_stock_%s_8km.tif" % receiver)).ReadAsArray()
    with netCDF4.Dataset(path) as ds:
        names = [str(x) for x in netCDF4.chartostring(ds["area_type"][:])]
        d, r = names.index(donor), names.index(receiver)
        f0 = np.ma.filled(ds["area_fraction_initial"][:], 0.0)
        tile = np.ma.filled(ds["cSoilTile"][:].astype(float), np.nan)
        years = ds["time_bnds"][:, 0]
    t_conv = CONVERSION_YEAR - START  # time index of the conversion year
    rows = []
    for z in sorted(set(np.unique(zone[zone > 0]).astype(int))):
        cells = np.flatnonzero((zone == z) & (f0[d] > 0))
        if cells.size == 0:
            continue
        iy, ix = np.unravel_index(cells[cells.size // 2], zone.shape)
        x0 = tile[t_conv - 1, d, iy, ix]           # the donor's stock at the end of 1999
        xeq = receiver_stock[iy, ix]               # the receiver's class stock (its tile's inverse spin-up target)
        x = tile[t_conv:, r, iy, ix]               # the receiver tile from the end of the conversion year
        if not (np.isfinite(x0) and np.isfinite(xeq)) or abs(xeq - x0) < 1e-6:
            continue
        progress = (x - x0) / (xeq - x0)
        hit = np.nonzero(progress >= 0.63)[0]
        t63 = float(hit[0] + 1) if hit.size else np.inf
        rate20 = (x[19] - x0) / 20.0
        rows.append((z, float(f0[d, iy, ix]), t63, rate20, 100.0 * progress[19], 100.0 * progress[-1]))
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
    lines = ["| model | transition | zones | t63 (yr), median [range] | change done after 20 yr / %d yr (median) | "
             "mean rate, first 20 yr (t C ha-1 yr-1) [range] | ALDO T (yr) | ALDO: done after 20 yr | "
             "ALDO rate (t C ha-1 yr-1) |" % (END - CONVERSION_YEAR + 1), "|---|---|---|---|---|---|---|---|---|"]
    for model in a.models.split(","):
        for donor, receiver in TRANSITIONS:
            path, why = run(a, model, donor, receiver)
            T, aldo_rate = ALDO[(donor, receiver)]
            label = "%s -> %s" % (donor, receiver)
            if path is None:
                lines.append("| %s | %s | - | refused: %s | | | %g | | %+.2f |" % (model, label, why[15:140], T, aldo_rate))
                print(lines[-1], flush=True)
                continue
            rows = kinetics(path, donor, receiver, zone)
            if not rows:
                lines.append("| %s | %s | 0 | no cell | | | %g | | %+.2f |" % (model, label, T, aldo_rate))
                continue
            t63 = np.array([r[2] for r in rows])
            r20 = np.array([r[3] for r in rows])
            fin = t63[np.isfinite(t63)]
            t63_text = ("%.0f [%.0f-%.0f]" % (np.median(t63), fin.min(), fin.max()) if fin.size == t63.size else
                        "%s [%s]" % ("%.0f" % np.median(t63) if np.isfinite(np.median(t63)) else "> 100",
                                     "%d of %d zones > 100" % (t63.size - fin.size, t63.size)))
            done20 = np.median([r[4] for r in rows])
            done_end = np.median([r[5] for r in rows])
            aldo20 = 100.0 * min(20.0 / T, 1.0)  # ALDO's change is linear: 20 / T of it after 20 years
            lines.append("| %s | %s | %d | %s | %.0f %% / %.0f %% | %+.2f [%+.2f..%+.2f] | %g | %.0f %% | %+.2f |" % (
                model, label, len(rows), t63_text, done20, done_end, r20.mean(), r20.min(), r20.max(), T, aldo20,
                aldo_rate))
            print(lines[-1], flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
