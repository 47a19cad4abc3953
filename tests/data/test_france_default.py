#!/usr/bin/python3
"""Checks of the embedded France default dataset (data/france/), plain Python.

Usage: /usr/bin/python3 tests/data/test_france_default.py [--data data/france] [--skip-forcing]
Exits non-zero when a check fails and prints "N passed, M failed".
The forcing NetCDF is generated at set-up by scripts/make_france_default.py --forcing-only.
"""
import argparse
import csv
import os
import sys
import warnings

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIZES = {"8km": (150, 135, 8000.0), "1km": (1200, 1080, 1000.0)}
LAND = {"8km": 8560, "1km": 547593}
REGIONS = {11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93, 94}
DEPTS = set(range(1, 96))  # 20 = Corsica (2A and 2B)
ZONES = {11, 12, 13, 21, 22, 23, 31, 32, 33, 41, 42, 43, 51, 52, 53}
LAYERS = ["land_mask", "pedoclimatic_zone", "land_use", "clay", "soc_stock", "carbon_input",
          "departement", "region"]

passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)


def read(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    srs = osr.SpatialReference(wkt=ds.GetProjection())
    srs.AutoIdentifyEPSG()
    info = dict(size=(ds.RasterXSize, ds.RasterYSize), gt=ds.GetGeoTransform(), epsg=srs.GetAuthorityCode(None),
                nodata=b.GetNoDataValue(), meta=ds.GetMetadata(),
                compression=ds.GetMetadata("IMAGE_STRUCTURE").get("COMPRESSION"))
    a = b.ReadAsArray()
    ds = None
    return a, info


def test_static(data):
    for res, (nx, ny, cell) in SIZES.items():
        arrs = {}
        for name in LAYERS:
            path = os.path.join(data, "%s_%s.tif" % (name, res))
            if not os.path.exists(path):
                check(False, "missing " + path)
                continue
            a, info = read(path)
            arrs[name] = a
            tag = "%s_%s" % (name, res)
            check(info["size"] == (nx, ny), tag + " size %s" % (info["size"],))
            check(info["epsg"] == "2154", tag + " EPSG %s" % info["epsg"])
            check(np.allclose(info["gt"], (80000.0, cell, 0.0, 7120000.0, 0.0, -cell)), tag + " geotransform")
            check(info["nodata"] is not None, tag + " nodata set")
            check(info["compression"] == "DEFLATE", tag + " DEFLATE")
            for k in ("SOURCE", "SYNTHETIC", "UNITS"):
                check(k in info["meta"], tag + " metadata " + k)
        if len(arrs) != len(LAYERS):
            continue
        land = arrs["land_mask"] == 1
        check(int(land.sum()) == LAND[res], "%s land cells %d != %d" % (res, land.sum(), LAND[res]))
        check(set(np.unique(arrs["land_mask"])) <= {0, 1}, res + " land_mask values")
        z = arrs["pedoclimatic_zone"]
        check(set(np.unique(z[land]).tolist()) <= ZONES, res + " every land cell has a valid zone")
        check(bool((z[~land] == 0).all()), res + " zone nodata off land")
        lu = arrs["land_use"]
        check(set(np.unique(lu[land]).tolist()) <= {1, 2, 3}, res + " land use in 1..3 on land")
        shares = np.bincount(lu[land], minlength=4)[1:] / land.sum()
        check(bool(np.all(np.abs(shares - [0.45, 0.25, 0.30]) < 0.03)), res + " land-use shares %s" % shares)
        clay = arrs["clay"]
        check(bool(((clay[land] > 0) & (clay[land] < 100)).all()), res + " clay in (0,100)")
        check(bool((clay[~land] == -9999).all()), res + " clay nodata off land")
        soc = arrs["soc_stock"]
        check(bool((soc[land] > 0).all()) and float(soc[land].max()) < 200, res + " soc_stock > 0")
        cin = arrs["carbon_input"]
        check(bool(((cin[land] > 0) & (cin[land] < 10)).all()), res + " carbon_input > 0")
        dep = arrs["departement"]
        reg = arrs["region"]
        check(set(np.unique(dep[land]).tolist()) <= DEPTS and bool((dep[land] > 0).all()), res + " departement codes")
        check(len(np.unique(dep[land])) == 95, res + " 95 departements present")
        check(set(np.unique(reg[land]).tolist()) == REGIONS, res + " 13 region codes")
        check(bool((dep[~land] == 0).all() and (reg[~land] == 0).all()), res + " dept/region nodata off land")


def test_land_cover(data):
    """The land-cover fractions sum to 1 on land, are SYNTHETIC, and give the same area per class at 8 km and
    1 km within 0.5 %; the per-class stocks are the zone's ALDO stock of the class on every land cell."""
    area = {}
    for res, (nx, ny, cell) in SIZES.items():
        mask, _ = read(os.path.join(data, "land_mask_%s.tif" % res))
        land = mask == 1
        total = np.zeros(mask.shape)
        for name in ("cropland", "grassland", "forest"):
            f, info = read(os.path.join(data, "land_cover_fraction_%s_%s.tif" % (name, res)))
            f = f.astype(np.float64)
            check(info["meta"].get("SYNTHETIC") == "yes" and "CORINE" in info["meta"].get("SOURCE", ""),
                  "%s %s fraction labelled SYNTHETIC, naming CORINE" % (name, res))
            check(np.all((f[land] >= 0) & (f[land] <= 1)), "%s %s fraction within 0-1 on land" % (name, res))
            check(np.all(f[~land] == -9999.0), "%s %s fraction nodata off land" % (name, res))
            total[land] += f[land]
            area[(name, res)] = f[land].sum() * (cell / 1000.0) ** 2
            soc, _ = read(os.path.join(data, "soc_stock_%s_%s.tif" % (name, res)))
            check(np.all((soc[land] > 20) & (soc[land] < 150)), "%s %s class stock 20-150 t/ha on land" % (name, res))
        check(np.all(np.abs(total[land] - 1.0) < 1e-6), "fractions sum to 1 on land at %s" % res)
    for name in ("cropland", "grassland", "forest"):
        r = area[(name, "8km")] / area[(name, "1km")] - 1.0
        check(abs(r) < 0.005, "%s: 8 km and 1 km areas within 0.5 %% (%+.3f %%)" % (name, 100 * r))


def test_comparison(data):
    path = os.path.join(data, "camels_comparison.csv")
    if not os.path.exists(path):
        check(False, "missing " + path)
        return
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    check(len(rows) == 19, "19 CAMELS catchments in comparison")
    for r in rows:
        check(abs(float(r["dT_C"])) <= 1.5, r["code"] + " dT %s" % r["dT_C"])
        check(abs(float(r["dP_pct"])) <= 25, r["code"] + " dP %s" % r["dP_pct"])
        check(abs(float(r["dPET_pct"])) <= 25, r["code"] + " dPET %s" % r["dPET_pct"])


def test_forcing(data):
    path = os.path.join(data, "forcing", "climate_8km_monthly_1990_2100.nc")
    if not os.path.exists(path):
        check(False, "missing %s (run scripts/make_france_default.py --forcing-only)" % path)
        return
    import netCDF4
    import xarray as xr
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = xr.open_dataset(path)
        ds.load()
    check(len(w) == 0, "xarray opens the forcing without warnings (%s)" % [str(x.message)[:80] for x in w])
    check(ds.sizes["time"] == 1332 and ds.sizes["y"] == 135 and ds.sizes["x"] == 150, "forcing dims")
    check(str(ds.time.values[0])[:10] == "1990-01-01" and str(ds.time.values[-1])[:10] == "2100-12-01",
          "forcing time axis")
    check(float(ds.y[0]) == 7116000.0 and float(ds.x[0]) == 84000.0, "forcing x/y cell centres, y descending")
    check(ds.attrs.get("Conventions", "").startswith("CF-1.8") and ds.attrs.get("SYNTHETIC") == "yes",
          "forcing global attributes")
    check(ds.crs.attrs.get("grid_mapping_name") == "lambert_conformal_conic" and "crs_wkt" in ds.crs.attrs,
          "forcing crs variable")
    mask, _ = read(os.path.join(data, "land_mask_8km.tif"))
    land = mask == 1
    for name, lo, hi in (("tas", -15.0, 35.0), ("pr", 0.0, 2000.0), ("pet", 0.0, 400.0)):
        v = ds[name].values  # fill decoded to NaN
        check(ds[name].attrs.get("grid_mapping") == "crs", name + " grid_mapping")
        vl = v[:, land]
        check(bool(np.isfinite(vl).all()), name + " has no fill/NaN on land cells")
        check(bool(np.isnan(v[:, ~land]).all()), name + " fill outside land")
        check(float(np.nanmin(vl)) >= lo and float(np.nanmax(vl)) <= hi,
              "%s range %.2f..%.2f outside %g..%g" % (name, np.nanmin(vl), np.nanmax(vl), lo, hi))
    raw = netCDF4.Dataset(path)
    check(raw["tas"].chunking() == [1, 135, 150], "tas chunking (1,135,150)")
    check(raw["tas"].filters().get("zlib") is True, "tas zlib")
    raw.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(REPO, "data", "france"))
    ap.add_argument("--skip-forcing", action="store_true")
    a = ap.parse_args()
    test_static(a.data)
    test_land_cover(a.data)
    test_comparison(a.data)
    if not a.skip_forcing:
        test_forcing(a.data)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
