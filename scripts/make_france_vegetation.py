#!/usr/bin/python3
"""What the France default's vegetation needs (docs/VEGETATION.md, "Grid runs"), from real shared files:

  data/france/ndvi_june_8km.tif     Copernicus Global Land long-term NDVI of 21 June (1999-2017, real), averaged
                                    onto the 8 km Lambert-93 grid; land cells the 0.14 deg product leaves empty
                                    (coasts, borders) take the nearest valid value (GDAL FillNodata): SYNTHETIC there
  data/france/forest_ign_regions.csv
                                    IGN forest inventory per 2016 region and composition (broadleaf, conifer,
                                    mixed): area, live carbon, production, removals, mortality (per ha columns of
                                    the ALDO table "bilan-carbone-foret-par-localisation", "IGN 2022"); the
                                    compositions IGN marks not significant take the region's remaining area and
                                    carbon (region total minus the significant rows) and France's rates

Deterministic; run from the repository root:
  /usr/bin/python3 scripts/make_france_vegetation.py [--shared data/sources] [--out data/france]
scripts/make_france_default.py calls it after the static layers.
"""
import argparse
import csv
import os

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

# INSEE code of each 2016 region (the codes of data/france/region_*.tif) by its ALDO rad13 code
RAD13_INSEE = {"IDF": 11, "CVL": 24, "BFC": 27, "NOR": 28, "HDF": 32, "GES": 44, "PDL": 52, "BRE": 53,
               "NAQ": 75, "OCC": 76, "ARA": 84, "PAC": 93, "COR": 94}
COMPOSITIONS = {"Feuillu": "broadleaf", "Conifere": "conifer", "Mixte": "mixed"}


def num(s):
    return float(s) if s not in ("", "NA") else None


def forest_table(shared, out):
    path = os.path.join(shared, "aldo_ademe", "bilan-carbone-foret-par-localisation.csv")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    col = {"area": "surface_(ha)", "c_total": "carbone_(tC)", "c": "carbone_(tC∙ha-1)",
           "prod": "production_carbone_(tC∙ha-1∙an-1)", "rem": "prelevement_carbone_(tC∙ha-1∙an-1)",
           "mort": "mortalite_carbone_(tC∙ha-1∙an-1)"}
    france = {r["composition"]: r for r in rows if r["type_localisation"] == "France"}
    national_total = france["total avec peupleuraie avec indetermine"]
    national_stocked = france["total hors peupleraie hors indetermine"]
    lines = []
    for code, insee in sorted(RAD13_INSEE.items(), key=lambda kv: kv[1]):
        reg = {r["composition"]: r for r in rows if r["type_localisation"] == "rad13" and r["code_localisation"] == code}
        total = reg["total hors peupleraie hors indetermine"]
        area_left = num(total[col["area"]])
        c_left = num(total[col["c_total"]])
        missing = []
        for comp, name in COMPOSITIONS.items():
            r = reg[comp]
            if r["surface_ic"] == "s":
                a = num(r[col["area"]])
                area_left -= a
                c_left -= num(r[col["c_total"]])
                lines.append([insee, code, name, a, num(r[col["c"]]), num(r[col["prod"]]), num(r[col["rem"]]),
                              num(r[col["mort"]]), "IGN"])
            else:
                missing.append(name)
        for name in missing:  # the region's remaining area and carbon, shared evenly; France's rates
            fr = france[[k for k, v in COMPOSITIONS.items() if v == name][0]]
            a = area_left / len(missing)
            lines.append([insee, code, name, a, c_left / area_left, num(fr[col["prod"]]), num(fr[col["rem"]]),
                          num(fr[col["mort"]]), "region remainder, France rates"])
    os.makedirs(out, exist_ok=True)
    dst = os.path.join(out, "forest_ign_regions.csv")
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region_code", "region", "composition", "area_ha", "live_c_t_ha", "production_t_ha_yr",
                    "removals_t_ha_yr", "mortality_t_ha_yr", "source"])
        for l in lines:
            w.writerow([l[0], l[1], l[2], "%.2f" % l[3]] + ["%.4f" % x for x in l[4:8]] + [l[8]])
    return dst


def ndvi_layer(shared, out, mask_path):
    src = os.path.join(shared, "satellite", "copernicus_ndvi_lt_21june_france.tif")
    mask_ds = gdal.Open(mask_path)
    gt = mask_ds.GetGeoTransform()
    nx, ny = mask_ds.RasterXSize, mask_ds.RasterYSize
    mask = mask_ds.GetRasterBand(1).ReadAsArray()
    # DN -> NDVI (DN / 250 - 0.08), then the average of the source pixels each cell holds
    dn = gdal.Open(src)
    mem = gdal.GetDriverByName("MEM").CreateCopy("", dn)
    band = mem.GetRasterBand(1)
    a = band.ReadAsArray().astype(np.float64)
    a = np.where(np.isfinite(a), a / 250.0 - 0.08, np.nan)
    band.WriteArray(a.astype(np.float32))
    band.SetNoDataValue(float("nan"))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    warped = gdal.Warp("", mem, format="MEM", dstSRS=srs.ExportToWkt(),
                       outputBounds=(gt[0], gt[3] + ny * gt[5], gt[0] + nx * gt[1], gt[3]), width=nx, height=ny,
                       resampleAlg="average", srcNodata=float("nan"), dstNodata=float("nan"))
    wb = warped.GetRasterBand(1)
    v = wb.ReadAsArray().astype(np.float64)
    observed = np.isfinite(v)
    # land cells without a source pixel: nearest valid value (GDAL's inverse-distance fill, 1 smoothing pass 0)
    wb.SetNoDataValue(-9999.0)
    wb.WriteArray(np.where(observed, v, -9999.0))
    gdal.FillNodata(wb, None, maxSearchDist=20, smoothingIterations=0)
    filled = wb.ReadAsArray().astype(np.float64)
    land = mask == 1
    result = np.where(land, filled, -9999.0).astype(np.float32)
    n_filled = int(np.sum(land & ~observed))
    dst = os.path.join(out, "ndvi_june_8km.tif")
    if os.path.exists(dst):
        os.remove(dst)
    ds = gdal.GetDriverByName("GTiff").Create(dst, nx, ny, 1, gdal.GDT_Float32,
                                              options=["COMPRESS=DEFLATE", "ZLEVEL=9", "PREDICTOR=3"])
    ds.SetGeoTransform(gt)
    ds.SetProjection(srs.ExportToWkt())
    ds.SetMetadata({"UNITS": "1", "SOURCE": "Copernicus Global Land Service long-term NDVI statistic of 21 June "
                    "1999-2017 (rasterdiv copNDVI, 0.142857 deg; NDVI = DN/250 - 0.08), averaged onto the cells",
                    "SYNTHETIC": "partly: %d of %d land cells without a source pixel take the nearest value"
                    % (n_filled, int(land.sum())),
                    "REAL_PRODUCT": "Copernicus Global Land NDVI 300 m (or MODIS MOD13A1 16-day 500 m) monthly "
                    "climatology: alamod vegetation satellite --grid ... --out FILE"})
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(-9999.0)
    b.SetDescription("ndvi of 21 June, long-term")
    b.WriteArray(result)
    ds = None
    return dst, n_filled, int(land.sum()), float(np.mean(result[land]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                      "data", "sources"))
    ap.add_argument("--out", default="data/france")
    a = ap.parse_args()
    print("wrote", forest_table(a.shared, a.out))
    dst, filled, land, mean = ndvi_layer(a.shared, a.out, os.path.join(a.out, "land_mask_8km.tif"))
    print("wrote %s: %d land cells, %d filled from the nearest value, mean NDVI %.3f" % (dst, land, filled, mean))


if __name__ == "__main__":
    main()
