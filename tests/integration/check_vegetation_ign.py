#!/usr/bin/python3
"""The France default's forest against the IGN inventory (docs/VEGETATION.md, "Grid runs: against IGN").

  check_vegetation_ign.py RUN/carbon_yearly.nc --source-dir DIR [--check]

Reads the run's cVegInitial, fWoodProduction, fVegRemovals, fVegMortality (cell means; only forest tiles hold
them), the forest fraction and région rasters, and data/france/forest_ign_regions.csv; prints:
  - the initial live carbon per ha of forest, nationally and per région, against IGN's per-région values
    weighted by the run's own forest areas ("the same areas"), and against IGN's national 80.79 t C ha-1;
  - the mean production, removals and mortality over the run's years (t C ha-1 yr-1) against IGN's national
    2.45, 1.28 and 0.29.
--check: exit 1 unless the initial state is within 1 % of IGN for the same areas and production, removals and
mortality are within 20 % of the national values.
"""
import argparse
import csv
import os
import sys

import netCDF4
import numpy as np
from osgeo import gdal

gdal.UseExceptions()
IGN = {"live": 80.79, "production": 2.45, "removals": 1.28, "mortality": 0.29}
UNDETERMINED = 1.0 - 14804682.65 / 15937605.62  # IGN forest area without a composition (no stand)


def raster(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    if nd is not None:
        a[a == nd] = np.nan
    return a


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--source-dir", default=".")
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    france = os.path.join(a.source_dir, "data", "france")
    with netCDF4.Dataset(a.output) as ds:
        def var(name):
            v = ds.variables[name][...]
            return np.ma.filled(v.astype(np.float64), np.nan)
        c0 = var("cVegInitial") * 10.0  # kg m-2 -> t C ha-1
        year_s = 365.25 * 86400.0
        flux = {k: np.mean(var(n), axis=0) * 10.0 * year_s for k, n in
                (("production", "fWoodProduction"), ("removals", "fVegRemovals"), ("mortality", "fVegMortality"))}
        unstocked = float(ds.getncattr("alamod_config").split("forest_unstocked = ")[1].split()[0]) \
            if "forest_unstocked = " in ds.getncattr("alamod_config") else 0.0
    ny, nx = c0.shape
    forest = raster(os.path.join(france, "land_cover_fraction_forest_8km.tif"))
    region = raster(os.path.join(france, "region_8km.tif"))
    # the netCDF rows run south to north when y increases; the rasters north to south
    with netCDF4.Dataset(a.output) as ds:
        y = ds.variables["y"][:]
    if y[0] < y[-1]:
        forest, region = forest[::-1], region[::-1]
    land = np.isfinite(c0)
    f = np.where(land & np.isfinite(forest), forest, 0.0)
    area = f.sum()
    model = {"live": np.nansum(c0) / area}  # cell means: the forest tiles' values x their fractions
    for k, v in flux.items():
        model[k] = np.nansum(v) / area
    # IGN per région (stocked area: compositions weighted by IGN's areas), weighted by the run's forest areas
    rows = list(csv.DictReader(open(os.path.join(france, "forest_ign_regions.csv"))))
    per_region = {}
    for r in rows:
        code = int(r["region_code"])
        s = per_region.setdefault(code, [0.0, 0.0])
        s[0] += float(r["area_ha"])
        s[1] += float(r["area_ha"]) * float(r["live_c_t_ha"])
    same_area = 0.0
    lines = []
    for code, (ign_area, ign_c) in sorted(per_region.items()):
        w = f[(region == code) & land].sum()
        ign = (1.0 - unstocked) * ign_c / ign_area
        mod = np.nansum(c0[(region == code) & land]) / w if w > 0 else float("nan")
        same_area += w * ign
        lines.append("  region %2d: forest %6.0f kha (IGN %5.0f kha), live C %6.2f t C ha-1, IGN %6.2f (%+.2f %%)" %
                     (code, w * 6400 / 1000, ign_area / 1000, mod, ign, 100 * (mod / ign - 1)))
    same_area /= area
    print("forest of the run: %.0f kha (IGN 15,938 kha); unstocked share %.4f (IGN's undetermined area %.4f)" %
          (area * 6400 / 1000, unstocked, UNDETERMINED))
    print("\n".join(lines))
    ok = True
    d = 100 * (model["live"] / same_area - 1)
    print("initial live carbon: %.3f t C ha-1; IGN for the same areas %.3f (%+.3f %%); IGN national %.2f (%+.2f %%)" %
          (model["live"], same_area, d, IGN["live"], 100 * (model["live"] / IGN["live"] - 1)))
    ok = ok and abs(d) <= 1.0
    for k in ("production", "removals", "mortality"):
        d = 100 * (model[k] / IGN[k] - 1)
        print("%s: %.3f t C ha-1 yr-1, IGN %.2f (%+.1f %%)" % (k, model[k], IGN[k], d))
        ok = ok and abs(d) <= 20.0
    if a.check:
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
