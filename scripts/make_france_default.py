#!/usr/bin/python3
"""Deterministic generator of alamod's embedded France default dataset (data/france/).

Usage (from the repository root, Debian's interpreter):
    /usr/bin/python3 scripts/make_france_default.py [--shared data/sources] [--out data/france]
                                                    [--static-only | --forcing-only]

Inputs (--shared, default data/sources; /work/shared/data has the same layout):
    boundary/mask_fr_{8000,1000}m.tif                    Natural Earth land mask (real)
    aldo_ademe/zpc_nearest_{8000,1000}m.tif              ALDO pedo-climatic zones (real)
    aldo_ademe/stocks-zpc.csv                            ALDO/RMQS reference SOC stocks (real)
    aldo_ademe/commune_points_zpc.csv, communes_17122018.csv   communes -> departement/region (real)
    camels_fr_airgrdatasets/catchments_metadata.csv, catchments_monthly_climatology_1999_2018.csv
                                                         CAMELS-FR SAFRAN-based climatology (real)
Outputs (--out, default data/france):
    {land_mask,pedoclimatic_zone,land_use,clay,soc_stock,carbon_input,departement,region}_{8km,1km}.tif
    land_cover_fraction_{cropland,grassland,forest,absent}_{8km,1km}.tif, soc_stock_{cropland,grassland,forest}_{8km,1km}.tif
    camels_comparison.csv
    forcing/climate_8km_monthly_1990_2100.nc   (SYNTHETIC, not committed)

Everything is deterministic: fixed seeds, no timestamps, GeoTIFF DEFLATE, no .aux.xml sidecars.
See data/france/README.md for the rules used for each layer.
"""
import argparse
import subprocess
import csv
import math
import os
import sys
import time

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
osr.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # no .aux.xml sidecars

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

XMIN, XMAX, YMIN, YMAX = 80000.0, 1280000.0, 6040000.0, 7120000.0
RES = {"8km": 8000.0, "1km": 1000.0}
SRC_RES = {"8km": "8000m", "1km": "1000m"}

LU_CROP, LU_GRASS, LU_FOREST = 1, 2, 3
LU_TARGET = np.array([0.45, 0.25, 0.30])  # national shares crop, grassland, forest

# GIS Sol / CITEPA texture classes: (typical clay %, lower bound, upper bound)
CLAY_CLASS = {1: (12.0, 3.0, 18.0), 2: (24.0, 18.0, 35.0), 3: (30.0, 20.0, 35.0),
              4: (45.0, 35.0, 60.0), 5: (65.0, 60.0, 80.0)}

# carbon input to soil, t C ha-1 yr-1: base per land use, factor per IPCC climate class, clip range
CIN_BASE = {LU_CROP: 2.5, LU_GRASS: 3.5, LU_FOREST: 3.75}
CIN_CLIM = {1: 1.10, 2: 0.90, 3: 1.00}
CIN_RANGE = {LU_CROP: (2.0, 3.0), LU_GRASS: (3.0, 4.0), LU_FOREST: (3.0, 4.5)}

SEED_LANDUSE, SEED_CLAY, SEED_CIN, SEED_CLIM = 20240101, 20240202, 20240303, 20240404

Y0, Y1 = 1990, 2100
BASE0, BASE1 = 1999, 2018  # CAMELS-FR climatology period


# ----------------------------------------------------------------------------- grid helpers
class Grid:
    def __init__(self, key):
        self.key = key
        self.res = RES[key]
        self.nx = int(round((XMAX - XMIN) / self.res))
        self.ny = int(round((YMAX - YMIN) / self.res))
        self.gt = (XMIN, self.res, 0.0, YMAX, 0.0, -self.res)
        self.x = XMIN + (np.arange(self.nx) + 0.5) * self.res          # cell centres, west -> east
        self.y = YMAX - (np.arange(self.ny) + 0.5) * self.res          # cell centres, north -> south


def srs_l93():
    s = osr.SpatialReference()
    s.ImportFromEPSG(2154)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def srs_wgs84():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def lonlat_to_l93(lon, lat):
    ct = osr.CoordinateTransformation(srs_wgs84(), srs_l93())
    pts = np.asarray(ct.TransformPoints(np.column_stack([lon, lat]).astype(float)))
    return pts[:, 0], pts[:, 1]


def l93_to_lonlat(x, y):
    ct = osr.CoordinateTransformation(srs_l93(), srs_wgs84())
    pts = np.asarray(ct.TransformPoints(np.column_stack([x, y]).astype(float)))
    return pts[:, 0], pts[:, 1]


def read_tif(path):
    ds = gdal.Open(path)
    a = ds.GetRasterBand(1).ReadAsArray()
    gt = ds.GetGeoTransform()
    ds = None
    return a, gt


def write_tif(path, arr, gdal_type, nodata, grid, meta, units, desc):
    if os.path.exists(path):
        os.remove(path)
    pred = "3" if gdal_type == gdal.GDT_Float32 else "2"
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(path, grid.nx, grid.ny, 1, gdal_type,
                    options=["COMPRESS=DEFLATE", "ZLEVEL=9", "PREDICTOR=" + pred])
    ds.SetGeoTransform(grid.gt)
    ds.SetProjection(srs_l93().ExportToWkt())
    md = {"UNITS": units}
    md.update(meta)
    ds.SetMetadata(md)
    b = ds.GetRasterBand(1)
    b.SetNoDataValue(nodata)
    b.SetDescription(desc)
    b.SetUnitType(units)
    b.WriteArray(arr)
    b.FlushCache()
    ds = None


# ----------------------------------------------------------------------------- nearest neighbour
def nearest_index(px, py, qx, qy, bucket=24000.0, margin=24000.0):
    """Index of the nearest point (px, py) for every query (qx, qy), exact Euclidean.
    Grid-bucket search: queries are grouped in bucket x bucket squares; the candidates of a
    square are the points within `margin` of it, so a nearest candidate closer than `margin`
    is the true nearest. Queries without such a candidate are retried with a doubled margin.
    Ties go to the lowest point index (deterministic)."""
    px = np.asarray(px, float)
    py = np.asarray(py, float)
    qx = np.asarray(qx, float)
    qy = np.asarray(qy, float)
    out = np.full(qx.size, -1, dtype=np.int64)
    order = np.argsort(px, kind="stable")
    spx, spy = px[order], py[order]
    todo = np.arange(qx.size)
    while todo.size:
        bx = np.floor((qx[todo] - XMIN) / bucket).astype(np.int64)
        by = np.floor((qy[todo] - YMIN) / bucket).astype(np.int64)
        key = bx * 100000 + by
        keys, inv = np.unique(key, return_inverse=True)
        grp = np.argsort(inv, kind="stable")
        bounds = np.searchsorted(inv[grp], np.arange(keys.size + 1))
        retry = []
        for k in range(keys.size):
            qi = todo[grp[bounds[k]:bounds[k + 1]]]
            kx, ky = keys[k] // 100000, keys[k] % 100000
            x0 = XMIN + kx * bucket - margin
            x1 = XMIN + (kx + 1) * bucket + margin
            y0 = YMIN + ky * bucket - margin
            y1 = YMIN + (ky + 1) * bucket + margin
            i0, i1 = np.searchsorted(spx, [x0, x1])
            sel = np.nonzero((spy[i0:i1] >= y0) & (spy[i0:i1] <= y1))[0] + i0
            if sel.size == 0:
                retry.append(qi)
                continue
            cand = np.sort(order[sel])  # ascending original index -> first index wins ties
            d2 = (qx[qi, None] - px[None, cand]) ** 2 + (qy[qi, None] - py[None, cand]) ** 2
            j = np.argmin(d2, axis=1)
            dmin = d2[np.arange(qi.size), j]
            ok = dmin <= margin * margin
            out[qi[ok]] = cand[j[ok]]
            if not ok.all():
                retry.append(qi[~ok])
        todo = np.sort(np.concatenate(retry)) if retry else np.empty(0, np.int64)
        margin *= 2.0
    return out


# ----------------------------------------------------------------------------- smooth random fields
def fourier_modes(seed, n, lam_min, lam_max):
    """n random plane waves (kx, ky, phase) with wavelengths log-uniform in [lam_min, lam_max] m."""
    rng = np.random.default_rng(seed)
    lam = np.exp(rng.uniform(math.log(lam_min), math.log(lam_max), n))
    ang = rng.uniform(0.0, 2.0 * math.pi, n)
    ph = rng.uniform(0.0, 2.0 * math.pi, n)
    k = 2.0 * math.pi / lam
    return k * np.cos(ang), k * np.sin(ang), ph


def smooth_field(grid, seed, n=48, lam_min=20e3, lam_max=150e3):
    """Unit-variance smooth Gaussian-like field on the full grid (ny, nx), a continuous function
    of (x, y): the 8 km field is the 1 km one sampled at the 8 km cell centres."""
    kx, ky, ph = fourier_modes(seed, n, lam_min, lam_max)
    xs = grid.x - XMIN
    ys = grid.y - YMIN
    f = np.zeros((grid.ny, grid.nx))
    for i in range(n):
        ax = kx[i] * xs + ph[i]
        ay = ky[i] * ys
        f += np.outer(np.cos(ay), np.cos(ax)) - np.outer(np.sin(ay), np.sin(ax))
    return f * math.sqrt(2.0 / n)


def gauss2(lon, lat, lon0, lat0, slon, slat, amp):
    return amp * np.exp(-0.5 * (((lon - lon0) / slon) ** 2 + ((lat - lat0) / slat) ** 2))


# ----------------------------------------------------------------------------- geography proxies
# (lon0, lat0, sigma_lon, sigma_lat, amplitude m): hand-placed smooth massifs (SYNTHETIC proxy)
ELEV_BUMPS = [
    (4.8, 47.9, 1.8, 1.2, 180.0),    # NE plateaus (Burgundy, Lorraine, Champagne)
    (2.8, 45.2, 1.0, 0.8, 850.0),    # Massif Central
    (3.3, 46.0, 0.2, 0.45, -400.0),  # Limagne graben (Clermont-Ferrand plain)
    (3.7, 44.3, 0.6, 0.35, 500.0),   # Cevennes / Causses
    (7.05, 48.2, 0.3, 0.45, 600.0),  # Vosges
    (6.2, 46.7, 0.5, 0.35, 650.0),   # Jura
    (6.8, 45.7, 0.4, 0.3, 1600.0),   # Northern Alps (Savoie, Mont-Blanc)
    (6.3, 45.0, 0.35, 0.3, 1700.0),  # Ecrins / Oisans
    (6.55, 44.45, 0.4, 0.3, 1900.0), # Southern Alps (Durance, Ubaye)
    (6.9, 44.0, 0.35, 0.25, 700.0),  # Alpes-Maritimes / Prealpes
    (5.9, 45.4, 0.25, 0.6, 400.0),   # Prealps (Chartreuse, Vercors, Bauges)
    (-0.6, 42.85, 0.6, 0.22, 1300.0), # western Pyrenees
    (0.8, 42.75, 0.7, 0.2, 1700.0),  # central Pyrenees
    (2.1, 42.55, 0.35, 0.18, 1200.0),  # eastern Pyrenees
    (9.05, 42.2, 0.2, 0.3, 900.0),   # Corsica
]
ATL_COAST = [(-1.79, 43.37), (-1.45, 43.65), (-1.25, 44.4), (-1.16, 45.5), (-1.25, 46.15),
             (-2.15, 47.0), (-2.5, 47.3), (-3.1, 47.5), (-4.35, 47.8), (-4.75, 48.35),
             (-4.0, 48.7), (-3.0, 48.82), (-2.0, 48.64), (-1.6, 48.7), (-1.85, 49.7),
             (-1.25, 49.65), (-0.2, 49.3), (0.1, 49.45), (1.2, 49.95), (1.6, 50.4), (1.6, 50.9),
             (2.55, 51.08)]
MED_COAST = [(3.17, 42.43), (3.05, 43.0), (3.5, 43.28), (4.2, 43.45), (4.9, 43.35), (5.4, 43.2),
             (6.0, 43.08), (6.6, 43.2), (7.0, 43.55), (7.5, 43.78)]
CORSICA_COAST = [(9.35, 43.0), (9.45, 42.6), (9.55, 42.1), (9.25, 41.4), (8.8, 41.6), (8.6, 42.0),
                 (8.65, 42.5), (9.35, 43.0)]


def elevation_proxy(lon, lat, dcoast=None):
    """Smooth elevation proxy (m): 40 m near the sea rising to 150 m inland, plus massifs;
    relief is damped within ~12 km of the coast when `dcoast` (m) is given."""
    e = np.zeros_like(lon)
    for (lo, la, slo, sla, amp) in ELEV_BUMPS:
        e += gauss2(lon, lat, lo, la, slo, sla, amp)
    if dcoast is None:
        return 120.0 + e
    return 40.0 + 110.0 * (1.0 - np.exp(-dcoast / 60e3)) + e * (1.0 - 0.8 * np.exp(-dcoast / 12e3))


def dist_to_polyline(x, y, verts_lonlat):
    vx, vy = lonlat_to_l93(np.array([v[0] for v in verts_lonlat]), np.array([v[1] for v in verts_lonlat]))
    d = np.full(x.shape, np.inf)
    for i in range(len(vx) - 1):
        ax, ay, bx, by = vx[i], vy[i], vx[i + 1], vy[i + 1]
        dx, dy = bx - ax, by - ay
        t = np.clip(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0.0, 1.0)
        d = np.minimum(d, np.hypot(x - ax - t * dx, y - ay - t * dy))
    return d


# ----------------------------------------------------------------------------- inputs
def load_inputs(shared):
    p = lambda *a: os.path.join(shared, *a)
    inp = {}
    for key, sr in SRC_RES.items():
        m, gt = read_tif(p("boundary", "mask_fr_%s.tif" % sr))
        z, gtz = read_tif(p("aldo_ademe", "zpc_nearest_%s.tif" % sr))
        g = Grid(key)
        for t in (gt, gtz):
            if any(abs(a - b) > 1e-6 for a, b in zip(t, g.gt)) or m.shape != (g.ny, g.nx):
                sys.exit("unexpected grid in %s inputs" % key)
        inp["mask_" + key] = (m == 1)
        inp["zpc_" + key] = z.astype(np.int32)
    stocks = {}
    with open(p("aldo_ademe", "stocks-zpc.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t, c = r["zpc"].split("_")
            stocks[int(t) * 10 + int(c)] = {LU_CROP: float(r["cultures"]),
                                            LU_GRASS: float(r["prairies"]),
                                            LU_FOREST: float(r["forêts"])}
    inp["stocks"] = stocks
    com = {}
    with open(p("aldo_ademe", "communes_17122018.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            d = r["departement"]
            dep = 20 if d in ("2A", "2B") else int(d)
            com[r["insee"]] = (dep, int(r["region"]))
    pts = []
    with open(p("aldo_ademe", "commune_points_zpc.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["insee"] in com:
                dep, reg = com[r["insee"]]
                pts.append((float(r["lon"]), float(r["lat"]), dep, reg))
    # Paris (75056) has no point in commune_points_zpc.csv (La Poste lists its arrondissements):
    # add it at the Hotel de Ville (48.8566 N, 2.3522 E) so that departement 75 is present.
    if "75056" in com and not any(p_[2] == 75 for p_ in pts):
        pts.append((2.3522, 48.8566) + com["75056"])
    pts = np.array(pts)
    inp["communes"] = pts
    meta = []
    with open(p("camels_fr_airgrdatasets", "catchments_metadata.csv"), encoding="utf-8") as f:
        for r in csv.DictReader(f):
            meta.append(r)
    clim = {}
    with open(p("camels_fr_airgrdatasets", "catchments_monthly_climatology_1999_2018.csv"),
              encoding="utf-8") as f:
        for r in csv.DictReader(f):
            clim.setdefault(r["code"], np.zeros((3, 12)))
            m = int(r["month"]) - 1
            clim[r["code"]][:, m] = [float(r["T_mean_C"]), float(r["P_mm"]), float(r["PET_oudin_mm"])]
    inp["camels_meta"] = meta
    inp["camels_clim"] = clim
    return inp


def fill_zones(zpc, mask, grid):
    """Land cells without a zone take the zone of the nearest cell that has one."""
    z = np.where(mask, zpc, 0)
    miss = mask & (zpc <= 0)
    if miss.any():
        X, Y = np.meshgrid(grid.x, grid.y)
        good = mask & (zpc > 0)
        idx = nearest_index(X[good], Y[good], X[miss], Y[miss])
        z[miss] = zpc[good][idx]
    return z, int(miss.sum())


# ----------------------------------------------------------------------------- static layers
def landuse_scores(lon, lat, elev):
    """Regional prior scores (crop, grassland, forest) from French geography (SYNTHETIC rule)."""
    g = gauss2
    crop = (1.3 * g(lon, lat, 2.2, 48.8, 1.8, 0.9, 1.0)    # Paris basin, Beauce, Brie
            + 1.0 * g(lon, lat, 3.2, 50.0, 1.2, 0.6, 1.0)  # Nord, Picardie
            + 0.9 * g(lon, lat, 4.2, 49.1, 0.8, 0.6, 1.0)  # Champagne crayeuse
            + 0.8 * g(lon, lat, 0.9, 43.9, 1.1, 0.5, 1.0)  # Gascogne, Lauragais
            + 0.7 * g(lon, lat, 0.3, 46.3, 0.9, 0.6, 1.0)  # Poitou-Charentes plains
            + 0.6 * g(lon, lat, 7.5, 48.3, 0.3, 0.6, 1.0)  # Alsace plain
            + 0.5 * g(lon, lat, 5.0, 45.9, 0.6, 0.5, 1.0)  # Bresse, Dombes, Rhone valley
            - 0.0012 * np.maximum(elev - 300.0, 0.0))
    grass = (1.1 * g(lon, lat, -2.3, 48.2, 1.6, 0.8, 1.0)  # Bretagne, Pays de la Loire bocage
             + 0.9 * g(lon, lat, -0.6, 49.0, 0.9, 0.5, 1.0)  # Normandie
             + 1.2 * g(lon, lat, 2.8, 45.4, 0.9, 0.8, 1.0)   # Massif Central (Cantal, Aubrac)
             + 0.8 * g(lon, lat, 4.1, 46.6, 0.6, 0.5, 1.0)   # Charolais, Morvan
             + 0.8 * g(lon, lat, 6.2, 46.6, 0.5, 0.5, 1.0)   # Jura, Savoie alpages
             + 0.5 * g(lon, lat, -0.9, 43.2, 0.6, 0.35, 1.0)  # Pays Basque, Bearn
             + 0.5 * g(lon, lat, 4.3, 50.0, 0.5, 0.3, 1.0)   # Thierache, Avesnois
             + 0.3 * g(lon, lat, 1.4, 45.6, 0.8, 0.6, 1.0))  # Limousin
    forest = (1.0 * g(lon, lat, 7.0, 48.3, 0.45, 0.6, 1.0)   # Vosges
              + 1.6 * g(lon, lat, -0.8, 44.3, 0.45, 0.55, 1.0)  # Landes de Gascogne
              + 0.9 * g(lon, lat, 6.3, 43.6, 0.8, 0.4, 1.0)   # Provence, Var, Maures
              + 0.8 * g(lon, lat, 6.6, 44.6, 0.5, 0.6, 1.0)   # southern Alps
              + 1.0 * g(lon, lat, 9.1, 42.2, 0.3, 0.4, 1.0)   # Corsica maquis and forests
              + 0.7 * g(lon, lat, 0.8, 42.85, 1.4, 0.25, 1.0)  # Pyrenees
              + 0.7 * g(lon, lat, 1.9, 47.6, 0.4, 0.25, 1.0)  # Sologne, Orleans forest
              + 0.8 * g(lon, lat, 4.7, 49.85, 0.35, 0.25, 1.0)  # Ardennes
              + 0.7 * g(lon, lat, 3.8, 44.2, 0.6, 0.35, 1.0)  # Cevennes
              + 0.6 * g(lon, lat, 5.6, 47.3, 0.8, 0.6, 1.0)   # Burgundy/Franche-Comte plateaus
              + 0.4 * g(lon, lat, 1.0, 45.0, 0.5, 0.4, 1.0)   # Perigord
              + 0.0006 * elev)
    return np.stack([crop, grass, forest])


def landuse_field(grid, lon, lat):
    """Full-grid scores for crop, grassland, forest (before the calibrated offsets)."""
    elev = elevation_proxy(lon, lat)
    s = landuse_scores(lon, lat, elev)
    for k in range(3):
        s[k] += 0.75 * smooth_field(grid, SEED_LANDUSE + k, n=48, lam_min=16e3, lam_max=120e3)
        s[k] += 0.35 * smooth_field(grid, SEED_LANDUSE + 10 + k, n=48, lam_min=4e3, lam_max=16e3)
    return s


def calibrate_offsets(scores, mask):
    """Offsets b so that argmax(scores + b) reproduces the national target shares on `mask`."""
    s = scores[:, mask]
    b = np.zeros(3)
    for _ in range(200):
        lu = np.argmax(s + b[:, None], axis=0)
        share = np.bincount(lu, minlength=3) / lu.size
        b += 0.5 * np.log(LU_TARGET / np.maximum(share, 1e-6))
        b -= b.mean()
    return np.round(b, 6)


def grid_lonlat(grid):
    X, Y = np.meshgrid(grid.x, grid.y)
    lon, lat = l93_to_lonlat(X.ravel(), Y.ravel())
    return X, Y, lon.reshape(X.shape), lat.reshape(X.shape)


def make_static(inp, out, log):
    meta_common = {"CRS": "EPSG:2154 (RGF93 v1 / Lambert-93)",
                   "GENERATOR": "scripts/make_france_default.py"}
    g8 = Grid("8km")
    _, _, lon8, lat8 = grid_lonlat(g8)
    offsets = calibrate_offsets(landuse_field(g8, lon8, lat8), inp["mask_8km"])
    log("land-use offsets (crop, grass, forest) = %s" % offsets.tolist())
    summary = {}
    layers = {}
    for key in ("8km", "1km"):
        g = Grid(key)
        mask = inp["mask_" + key]
        X, Y, lon, lat = grid_lonlat(g) if key != "8km" else (None, None, lon8, lat8)
        if X is None:
            X, Y = np.meshgrid(g.x, g.y)
        nland = int(mask.sum())
        sfx = "_%s.tif" % key
        write_tif(os.path.join(out, "land_mask" + sfx), np.where(mask, 1, 0).astype(np.uint8),
                  gdal.GDT_Byte, 255, g,
                  dict(meta_common, SOURCE="Natural Earth 1:10m admin-0 (public domain) via npm world-atlas 2.0.2; "
                       "metropolitan France + Corsica rasterised on Lambert-93, cell-centre rule",
                       SYNTHETIC="no", LAND_CELLS=str(nland),
                       VALUES="1 land, 0 not land (sea or abroad)"),
                  "1", "land mask")
        # --- zones
        zone, nfilled = fill_zones(inp["zpc_" + key], mask, g)
        write_tif(os.path.join(out, "pedoclimatic_zone" + sfx), zone.astype(np.uint8), gdal.GDT_Byte, 0, g,
                  dict(meta_common, SOURCE="ADEME ALDO pedo-climatic zones per commune (GIS Sol texture x IPCC-2006 "
                       "climate), github.com/incubateur-ademe/aldo a8f42b2 (MIT repo; data Etalab 2.0), "
                       "nearest-commune grid; land cells without a zone take the nearest zone",
                       SYNTHETIC="no", VALUES="T*10+C; T texture class 1 coarse..5 very fine; "
                       "C climate 1 warm-temperate moist, 2 warm-temperate dry, 3 cool-temperate moist",
                       FILLED_CELLS=str(nfilled)),
                  "1", "pedo-climatic zone code T*10+C")
        T = zone // 10
        C = zone % 10
        # --- land use
        sc = landuse_field(g, lon, lat) + offsets[:, None, None]
        lu = (np.argmax(sc, axis=0) + 1).astype(np.uint8)
        lu = np.where(mask, lu, 0).astype(np.uint8)
        shares = np.bincount(lu[mask], minlength=4)[1:] / nland
        write_tif(os.path.join(out, "land_use" + sfx), lu, gdal.GDT_Byte, 0, g,
                  dict(meta_common, SOURCE="SYNTHETIC: argmax of regional prior scores (Paris basin/north crops, "
                       "west/Massif Central grassland, east/Landes/mountains/Mediterranean forest) + smooth "
                       "random fields (seed %d), offsets calibrated to national shares 45/25/30 %%; "
                       "substitute CORINE Land Cover 2018 or CESBIO OSO" % SEED_LANDUSE,
                       SYNTHETIC="yes", VALUES="1 cropland, 2 grassland, 3 forest",
                       SHARES="crop %.3f grass %.3f forest %.3f" % tuple(shares)),
                  "1", "dominant land use")
        # --- clay
        nz = smooth_field(g, SEED_CLAY, n=48, lam_min=10e3, lam_max=80e3)
        clay = np.full(zone.shape, -9999.0, dtype=np.float64)
        for t, (mid, lo, hi) in CLAY_CLASS.items():
            sel = mask & (T == t)
            clay[sel] = np.clip(mid + 3.0 * nz[sel], lo, hi)
        clay = np.where(mask, np.round(clay, 1), -9999.0).astype(np.float32)
        write_tif(os.path.join(out, "clay" + sfx), clay, gdal.GDT_Float32, -9999.0, g,
                  dict(meta_common, SOURCE="SYNTHETIC: typical clay of the zone's GIS Sol texture class (1:12, 2:24, "
                       "3:30, 4:45, 5:65 %%) + 3 %% x smooth random field (seed %d), clipped to the class range, "
                       "rounded to 0.1 %%; substitute SoilGrids 2.0 clay 0-30 cm" % SEED_CLAY,
                       SYNTHETIC="yes", DEPTH="0-30 cm"),
                  "%", "clay content 0-30 cm")
        # --- SOC stock (real table x synthetic land use)
        soc = np.full(zone.shape, -9999.0, dtype=np.float32)
        missing_pairs = set()
        for z in np.unique(zone[mask]):
            tab = inp["stocks"].get(int(z))
            if tab is None:  # zone absent from the ALDO table: use the same climate, texture class 4
                missing_pairs.add(int(z))
                tab = inp["stocks"][40 + int(z) % 10]
            for u in (LU_CROP, LU_GRASS, LU_FOREST):
                soc[mask & (zone == z) & (lu == u)] = tab[u]
        write_tif(os.path.join(out, "soc_stock" + sfx), soc, gdal.GDT_Float32, -9999.0, g,
                  dict(meta_common, SOURCE="ADEME ALDO stocks-zpc.csv (RMQS 2001-2011 reference SOC stocks by "
                       "zone and land use: cultures, prairies, forets) looked up with the SYNTHETIC land use",
                       SYNTHETIC="partly: real ALDO/RMQS table values, synthetic land-use map",
                       DEPTH="0-30 cm"),
                  "t ha-1", "soil organic carbon stock 0-30 cm")
        # --- carbon input
        nc = smooth_field(g, SEED_CIN, n=48, lam_min=20e3, lam_max=150e3)
        cin = np.full(zone.shape, -9999.0, dtype=np.float64)
        for u, base in CIN_BASE.items():
            lo, hi = CIN_RANGE[u]
            for c, fac in CIN_CLIM.items():
                sel = mask & (lu == u) & (C == c)
                cin[sel] = np.clip(base * fac * (1.0 + 0.07 * nc[sel]), lo, hi)
        cin = np.where(mask, np.round(cin, 2), -9999.0).astype(np.float32)
        write_tif(os.path.join(out, "carbon_input" + sfx), cin, gdal.GDT_Float32, -9999.0, g,
                  dict(meta_common, SOURCE="SYNTHETIC: base input per land use (crop 2.5, grassland 3.5, forest 3.75) "
                       "x climate-class factor (C1 1.10, C2 0.90, C3 1.00) x (1 + 0.07 x smooth random field, "
                       "seed %d), clipped to crop 2-3, grassland 3-4, forest 3-4.5, rounded to 0.01; "
                       "substitute NPP/yield-based inputs (e.g. MODIS NPP, Agreste yields + AMG allometry)"
                       % SEED_CIN, SYNTHETIC="yes"),
                  "t ha-1 yr-1", "plant carbon input to soil")
        # --- departement / region: nearest commune point
        cx, cy = lonlat_to_l93(inp["communes"][:, 0], inp["communes"][:, 1])
        idx = nearest_index(cx, cy, X[mask], Y[mask])
        dep = np.zeros(zone.shape, np.uint16)
        reg = np.zeros(zone.shape, np.uint16)
        dep[mask] = inp["communes"][idx, 2].astype(np.uint16)
        reg[mask] = inp["communes"][idx, 3].astype(np.uint16)
        src_c = ("ADEME ALDO communes_17122018.csv (commune -> departement, region 2016) joined on INSEE code to "
                 "commune points (La Poste/data.gouv coordinates, Etalab 2.0); cell = nearest commune point")
        write_tif(os.path.join(out, "departement" + sfx), dep, gdal.GDT_UInt16, 0, g,
                  dict(meta_common, SOURCE=src_c, SYNTHETIC="no",
                       VALUES="INSEE departement number; Corsica (2A and 2B) = 20"),
                  "1", "departement code")
        write_tif(os.path.join(out, "region" + sfx), reg, gdal.GDT_UInt16, 0, g,
                  dict(meta_common, SOURCE=src_c, SYNTHETIC="no", VALUES="INSEE region code (2016 regions)"),
                  "1", "region code")
        summary[key] = dict(nland=nland, filled=nfilled, shares=shares, missing_pairs=sorted(missing_pairs),
                            ndep=len(np.unique(dep[mask])), nreg=len(np.unique(reg[mask])))
        layers[key] = dict(mask=mask, lu=lu, zone=zone)
        log("%s: %d land cells, %d filled zones, land use shares crop %.3f grass %.3f forest %.3f, "
            "%d departements, %d regions" % (key, nland, nfilled, shares[0], shares[1], shares[2],
                                             summary[key]["ndep"], summary[key]["nreg"]))
    make_land_cover(inp, out, layers, meta_common, log)
    return summary


LU_NAMES = {LU_CROP: "cropland", LU_GRASS: "grassland", LU_FOREST: "forest"}


def land_cover_fractions(layers):
    """Per class, the area fraction of each cell: at 1 km one-hot of the 1 km class map; at 8 km the share of each
    class among the classified 1 km pixels of the 8 x 8 block (a cell without one takes its 8 km class)."""
    f = {}
    lu1, m1 = layers["1km"]["lu"], layers["1km"]["mask"]
    f["1km"] = {u: np.where(m1, (lu1 == u).astype(np.float64), np.nan) for u in LU_NAMES}
    g8, g1 = Grid("8km"), Grid("1km")
    r = g1.nx // g8.nx
    if g1.nx != r * g8.nx or g1.ny != r * g8.ny:
        sys.exit("the 1 km grid does not nest in the 8 km grid")
    blocks = {u: ((lu1 == u) & m1).reshape(g8.ny, r, g8.nx, r).sum(axis=(1, 3)).astype(np.float64) for u in LU_NAMES}
    total = sum(blocks.values())
    lu8, m8 = layers["8km"]["lu"], layers["8km"]["mask"]
    f["8km"] = {}
    for u in LU_NAMES:
        share = np.where(total > 0, blocks[u] / np.maximum(total, 1), (lu8 == u).astype(np.float64))
        f["8km"][u] = np.where(m8, share, np.nan)
    return f, int((m8 & (total == 0)).sum())


def write_absent_fraction(out, key, mask, meta_common):
    """0 on every land cell: the fraction layer of a class absent at the start, which land-use change creates
    (e.g. sealed soils in configs/france_luc_example.toml)."""
    write_tif(os.path.join(out, "land_cover_fraction_absent_%s.tif" % key),
              np.where(mask, 0.0, -9999.0).astype(np.float32), gdal.GDT_Float32, -9999.0, Grid(key),
              dict(meta_common, SOURCE="0 on every land cell: a class absent at the start (created by land-use change)",
                   SYNTHETIC="no", VALUES="area fraction of the cell's land, 0"),
              "1", "area fraction of a class absent at the start")


def make_land_cover(inp, out, layers, meta_common, log):
    fractions, fallback = land_cover_fractions(layers)
    area = {}
    for key in ("8km", "1km"):
        g = Grid(key)
        mask, zone = layers[key]["mask"], layers[key]["zone"]
        sfx = "_%s.tif" % key
        cell_km2 = (g.res / 1000.0) ** 2
        area[key] = {}
        for u, name in LU_NAMES.items():
            fr = fractions[key][u]
            area[key][name] = float(np.nansum(fr[mask])) * cell_km2
            rule = ("one-hot of land_use_1km.tif (the 1 km class map)" if key == "1km" else
                    "share of the class among the classified 1 km pixels of land_use_1km.tif in the 8 km cell "
                    "(8 x 8 pixels; %d land cells without one take their class of land_use_8km.tif)" % fallback)
            write_tif(os.path.join(out, "land_cover_fraction_%s%s" % (name, sfx)),
                      np.where(mask, fr, -9999.0).astype(np.float32), gdal.GDT_Float32, -9999.0, g,
                      dict(meta_common, SOURCE="SYNTHETIC: %s; substitute the area share of the class in CORINE "
                           "Land Cover 2018 (100 m) or OSO (10 m) per cell" % rule,
                           SYNTHETIC="yes", VALUES="area fraction of the cell's land, 0-1"),
                      "1", "area fraction of %s" % name)
            soc = np.full(zone.shape, -9999.0, dtype=np.float32)
            for z in np.unique(zone[mask]):
                tab = inp["stocks"].get(int(z)) or inp["stocks"][40 + int(z) % 10]
                soc[mask & (zone == z)] = tab[u]
            write_tif(os.path.join(out, "soc_stock_%s%s" % (name, sfx)), soc, gdal.GDT_Float32, -9999.0, g,
                      dict(meta_common, SOURCE="ADEME ALDO stocks-zpc.csv (RMQS 2001-2011 reference SOC stocks): the "
                           "%s stock of the cell's pedo-climatic zone (zones absent from the table: texture class 4 "
                           "of the same climate)" % name, SYNTHETIC="no", DEPTH="0-30 cm"),
                      "t ha-1", "%s soil organic carbon stock 0-30 cm" % name)
        write_absent_fraction(out, key, mask, meta_common)
    for name in LU_NAMES.values():
        a8, a1 = area["8km"][name], area["1km"][name]
        log("land cover %s: %.0f km2 at 8 km, %.0f km2 at 1 km (%+.3f %%)" % (name, a8, a1, 100.0 * (a8 / a1 - 1.0)))
        if abs(a8 / a1 - 1.0) > 0.005:
            sys.exit("land cover %s: the 8 km and 1 km areas differ by more than 0.5 %%" % name)


# ----------------------------------------------------------------------------- climate
MON_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
# normalised monthly precipitation shapes (Jan..Dec)
P_SHAPE_ATL = np.array([1.35, 1.05, 0.95, 0.85, 0.80, 0.62, 0.60, 0.65, 0.80, 1.20, 1.33, 1.40])
P_SHAPE_MED = np.array([1.05, 0.85, 0.85, 0.95, 0.80, 0.50, 0.25, 0.35, 0.95, 1.55, 1.75, 1.35])
P_SHAPE_CONT = np.array([0.85, 0.75, 0.85, 0.85, 1.10, 1.10, 1.10, 1.05, 0.90, 1.00, 1.05, 1.05])
for _s in (P_SHAPE_ATL, P_SHAPE_MED, P_SHAPE_CONT):
    _s *= 12.0 / _s.sum()


def ra_monthly(lat_deg):
    """Sum over each month of the daily extraterrestrial radiation (MJ m-2), FAO-56 eq. 21,
    non-leap year; shape (12, n)."""
    phi = np.radians(lat_deg)[None, :]
    doy = np.arange(1, 366)[:, None]
    dr = 1 + 0.033 * np.cos(2 * np.pi * doy / 365)
    dec = 0.409 * np.sin(2 * np.pi * doy / 365 - 1.39)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(dec), -1, 1))
    ra = 24 * 60 / np.pi * 0.0820 * dr * (ws * np.sin(phi) * np.sin(dec) + np.cos(phi) * np.cos(dec) * np.sin(ws))
    edges = np.concatenate([[0], np.cumsum(MON_DAYS)])
    return np.stack([ra[edges[m]:edges[m + 1]].sum(axis=0) for m in range(12)])


def oudin(t, ra_sum):
    """Oudin et al. (2005) PET in mm for a month with mean temperature t and radiation sum ra_sum."""
    return ra_sum / 2.45 * np.maximum(t + 5.0, 0.0) / 100.0


class ClimModel:
    """Geographic (class-based) monthly climatology + conditioning on the 19 CAMELS-FR catchments."""

    L_KERNEL = 90e3    # range of the Gaussian covariance for T and PET residuals (m)
    L_KERNEL_P = 60e3  # same for log-precipitation residuals (m)
    NUGGET = 0.05      # nugget (relative to the sill) of the simple kriging
    L_ELEV = 15e3      # range for the elevation-proxy correction towards the CAMELS median elevations

    def __init__(self, inp):
        g = Grid("8km")
        self.grid = g
        self.mask = inp["mask_8km"]
        X, Y = np.meshgrid(g.x, g.y)
        self.cx, self.cy = X[self.mask], Y[self.mask]
        self.lon, self.lat = l93_to_lonlat(self.cx, self.cy)
        zone, _ = fill_zones(inp["zpc_8km"], self.mask, g)
        C = zone % 10
        # climate-class fractions smoothed over 5x5 land cells (40 km) to avoid jumps at zone edges
        frac = []
        for c in (1, 2, 3):
            ind = np.where(self.mask & (C == c), 1.0, 0.0)
            frac.append(self._box(ind, 2) / np.maximum(self._box(self.mask.astype(float), 2), 1e-9))
        self.cfrac_grid = np.stack(frac)
        self.cfrac = self.cfrac_grid[:, self.mask]
        self.class_cell = C[self.mask]
        # catchments
        self.cm = inp["camels_meta"]
        self.cclim = inp["camels_clim"]
        lon_o = np.array([float(r["outlet_lon"]) for r in self.cm])
        lat_o = np.array([float(r["outlet_lat"]) for r in self.cm])
        self.ox, self.oy = lonlat_to_l93(lon_o, lat_o)
        self.olon, self.olat = lon_o, lat_o
        self.oelev = np.array([float(r["elev_median_m"]) for r in self.cm])
        # outlet -> 8 km land cell containing it, else nearest land cell
        col = np.floor((self.ox - XMIN) / g.res).astype(int)
        row = np.floor((YMAX - self.oy) / g.res).astype(int)
        cell_index = -np.ones(g.ny * g.nx, dtype=np.int64)
        cell_index[self.mask.ravel()] = np.arange(self.cx.size)
        oc = cell_index[row * g.nx + col]
        near = nearest_index(self.cx, self.cy, self.ox, self.oy)
        self.ocell = np.where(oc >= 0, oc, near)
        self.ocfrac = self.cfrac[:, self.ocell]
        # distances to coasts
        self.da = dist_to_polyline(self.cx, self.cy, ATL_COAST)
        self.dm = np.minimum(dist_to_polyline(self.cx, self.cy, MED_COAST),
                             dist_to_polyline(self.cx, self.cy, CORSICA_COAST))
        self.oda = dist_to_polyline(self.ox, self.oy, ATL_COAST)
        self.odm = np.minimum(dist_to_polyline(self.ox, self.oy, MED_COAST),
                              dist_to_polyline(self.ox, self.oy, CORSICA_COAST))
        # elevation proxy: smooth massifs, corrected towards the CAMELS median elevations
        e_cell = elevation_proxy(self.lon, self.lat, np.minimum(self.da, self.dm))
        e_out = elevation_proxy(self.olon, self.olat, np.minimum(self.oda, self.odm))
        self.elev = np.maximum(e_cell + self._krige(self.oelev - e_out, self.L_ELEV), 0.0)
        self.ra = ra_monthly(self.lat)
        self.ora = ra_monthly(self.olat)

    @staticmethod
    def _box(a, r):
        p = np.pad(a, r)
        out = np.zeros_like(a)
        for i in range(2 * r + 1):
            for j in range(2 * r + 1):
                out += p[i:i + a.shape[0], j:j + a.shape[1]]
        return out

    def _krige(self, r, L, keep=None):
        """Simple kriging (zero mean, Gaussian covariance of range L, nugget) of the catchment
        residuals r (ncatch, ...) to the land cells; returns (..., ncell)."""
        if keep is None:
            keep = np.ones(len(self.cm), bool)
        d2 = (self.ox[keep, None] - self.ox[None, keep]) ** 2 + (self.oy[keep, None] - self.oy[None, keep]) ** 2
        K = np.exp(-d2 / (L * L)) + self.NUGGET * np.eye(int(keep.sum()))
        alpha = np.linalg.solve(K, r[keep])
        w = self._kernel(self.cx, self.cy, L)[keep]
        return alpha.T @ w

    def _kernel(self, x, y, L):
        d2 = (self.ox[:, None] - x[None, :]) ** 2 + (self.oy[:, None] - y[None, :]) ** 2
        return np.exp(-d2 / (L * L))  # (ncatch, n)

    @staticmethod
    def background(lon, lat, elev, da, dm, cfrac):
        """Geographic monthly climatology (12, n): T (degC) and P (mm). SYNTHETIC rules:
        sea-level annual mean T from latitude, Mediterranean and continental terms; seasonal
        amplitude growing with distance to the Atlantic; lapse rate 4.3 (Dec) - 5.7 (Jun) degC/km;
        P from an Atlantic term and an orographic term, with Atlantic / continental / Mediterranean
        seasonal shapes; IPCC climate class (smoothed fractions) shifts T and scales P."""
        wm = np.exp(-dm / 50e3)
        cont = 1.0 - np.exp(-da / 200e3)
        t_adj = cfrac[2] * -0.2
        p_fac = cfrac[0] * 1.05 + cfrac[1] * 0.92 + cfrac[2] * 1.10
        tsl = 12.9 - 0.58 * (lat - 47.0) + 0.8 * wm + 0.15 * cont + t_adj
        amp = 4.8 + 4.5 * cont - 0.8 * wm
        m = np.arange(12)[:, None] + 0.5
        seas = np.cos(2 * np.pi * (m - 6.7) / 12.0)
        lapse = 5.0e-3 + 0.7e-3 * np.cos(2 * np.pi * (m - 6.0) / 12.0)
        T = tsl[None, :] + amp[None, :] * seas - lapse * elev[None, :]
        west = np.clip((-lon - 1.0) / 3.0, 0.0, 1.0)
        p_ann = ((680.0 + 450.0 * west * np.exp(-da / 70e3) + 0.55 * np.maximum(elev - 150.0, 0.0)
                  + gauss2(lon, lat, -1.4, 43.3, 0.5, 0.3, 500.0)    # Pays Basque
                  + gauss2(lon, lat, -0.8, 44.3, 0.8, 1.0, 250.0))   # Aquitaine / Landes
                 * p_fac * (1.0 - 0.15 * wm))
        w_med = np.exp(-dm / 60e3)
        w_atl = np.exp(-da / 150e3) * (1 - w_med)
        w_con = 1.0 - w_med - w_atl
        shape = (w_med[None, :] * P_SHAPE_MED[:, None] + w_atl[None, :] * P_SHAPE_ATL[:, None]
                 + w_con[None, :] * P_SHAPE_CONT[:, None])
        P = p_ann[None, :] / 12.0 * shape
        return T, P

    def climatology(self, exclude=None):
        """Monthly 1999-2018 climatology on land cells (12, n) for T, P and the PET correction
        (log factor on Oudin). `exclude`: catchment index left out (leave-one-out check)."""
        Tb, Pb = self.background(self.lon, self.lat, self.elev, self.da, self.dm, self.cfrac)
        To, Po = self.background(self.olon, self.olat, self.oelev, self.oda, self.odm, self.ocfrac)
        obs = np.stack([self.cclim[r["code"]] for r in self.cm])  # (ncatch, 3, 12)
        rT = obs[:, 0, :] - To.T                                  # (ncatch, 12)
        rP = np.log(np.maximum(obs[:, 1, :], 1.0) / Po.T)
        pet_o = np.maximum(oudin(obs[:, 0, :], self.ora.T), 1.0)
        rE = np.clip(np.log(np.maximum(obs[:, 2, :], 0.5) / pet_o), -0.7, 0.7)
        keep = np.ones(len(self.cm), bool)
        if exclude is not None:
            keep[exclude] = False
        out = [self._krige(r, L, keep) for r, L in
               ((rT, self.L_KERNEL), (rP, self.L_KERNEL_P), (rE, self.L_KERNEL))]
        T = Tb + out[0]
        P = Pb * np.exp(out[1])
        E = out[2]
        return T, P, E


def time_axis():
    yrs = np.repeat(np.arange(Y0, Y1 + 1), 12)
    mon = np.tile(np.arange(12), Y1 - Y0 + 1)
    import datetime
    d0 = datetime.date(1990, 1, 1)
    start = np.array([(datetime.date(int(y), int(m) + 1, 1) - d0).days for y, m in zip(yrs, mon)], dtype=np.float64)
    nxt = [(datetime.date(int(y) + (m == 11), (int(m) + 1) % 12 + 1, 1) - d0).days for y, m in zip(yrs, mon)]
    end = np.array(nxt, dtype=np.float64)
    return yrs, mon, start, end


def ar1(rng, n, rho):
    e = rng.standard_normal(n)
    x = np.empty(n)
    x[0] = e[0]
    s = math.sqrt(1 - rho * rho)
    for i in range(1, n):
        x[i] = rho * x[i - 1] + s * e[i]
    return x


def mode_basis(x, y, seed, n, lam_min, lam_max):
    kx, ky, ph = fourier_modes(seed, n, lam_min, lam_max)
    return math.sqrt(2.0) * np.cos(np.outer(kx, x - XMIN) + np.outer(ky, y - YMIN) + ph[:, None])  # (n, ncell)


def make_climate(inp, log):
    cm = ClimModel(inp)
    Tc, Pc, Ec = cm.climatology()
    yrs, mon, tstart, tend = time_axis()
    nt = yrs.size
    ncell = cm.cx.size
    frac_year = yrs + (mon + 0.5) / 12.0
    base = (yrs >= BASE0) & (yrs <= BASE1)
    rng = np.random.default_rng(SEED_CLIM)
    # --- temperature: trend (+0.3 degC/decade to 2020, +0.4 after, summer-weighted) + AR(1) anomalies
    dT = np.where(frac_year <= 2020.0, 0.03 * (frac_year - 1990.0), 0.9 + 0.04 * (frac_year - 2020.0))
    dT = dT * (1.0 + 0.2 * np.cos(2 * np.pi * (mon + 0.5 - 7.0) / 12.0))
    sdT = 1.2 + 0.3 * np.cos(2 * np.pi * (mon + 0.5 - 0.5) / 12.0)  # larger in winter
    bT = np.vstack([np.ones((1, ncell)), 0.45 * mode_basis(cm.cx, cm.cy, SEED_CLIM + 1, 4, 400e3, 1500e3)])
    aT = np.stack([ar1(rng, nt, 0.3) for _ in range(bT.shape[0])])  # (nbasis, nt)
    anomT = (aT.T @ bT) * sdT[:, None]  # (nt, ncell)
    for m in range(12):  # zero mean over the baseline for every calendar month and cell
        sel = mon == m
        anomT[sel] -= anomT[sel & base].mean(axis=0)
        dT[sel] -= dT[sel & base].mean()
    tas = Tc[mon] + dT[:, None] + anomT
    # --- precipitation: log-normal anomalies, summer drying / winter wetting trend
    bP = np.vstack([0.30 * np.ones((1, ncell)),
                    0.25 / math.sqrt(4) * mode_basis(cm.cx, cm.cy, SEED_CLIM + 2, 4, 400e3, 1500e3),
                    0.22 / math.sqrt(6) * mode_basis(cm.cx, cm.cy, SEED_CLIM + 3, 6, 120e3, 400e3)])
    aP = np.stack([ar1(rng, nt, 0.1) for _ in range(bP.shape[0])])
    logP = aP.T @ bP
    zP = logP / 0.44
    w_sum = np.maximum(np.cos(2 * np.pi * (mon + 0.5 - 7.0) / 12.0), 0.0)
    w_win = np.maximum(-np.cos(2 * np.pi * (mon + 0.5 - 7.0) / 12.0), 0.0)
    trendP = (-0.025 * w_sum + 0.01 * w_win) * (frac_year - 2009.0) / 10.0
    fP = np.exp(logP + trendP[:, None])
    cloud = np.exp(-0.06 * zP)
    for m in range(12):
        sel = mon == m
        fP[sel] /= fP[sel & base].mean(axis=0)
        cloud[sel] /= cloud[sel & base].mean(axis=0)
    pr = Pc[mon] * fP
    # --- PET (Oudin) from temperature and latitude, catchment correction, cloudiness
    leap = ((yrs % 4 == 0) & (yrs % 100 != 0)) | (yrs % 400 == 0)
    days_fac = np.where((mon == 1) & leap, 29.0 / 28.0, 1.0)
    pet = oudin(tas, cm.ra[mon]) * days_fac[:, None] * np.exp(Ec[mon]) * cloud
    tas = np.round(tas, 2)
    pr = np.round(pr, 2)
    pet = np.round(pet, 2)
    return cm, dict(tas=tas, pr=pr, pet=pet, yrs=yrs, mon=mon, tstart=tstart, tend=tend, base=base)


def camels_comparison(cm, clim, out, log):
    base = clim["base"]
    rows = []
    for i, r in enumerate(cm.cm):
        code = r["code"]
        obs = cm.cclim[code]
        c = cm.ocell[i]
        sT = clim["tas"][base, c].mean()
        sP = clim["pr"][base, c].sum() / (BASE1 - BASE0 + 1)
        sE = clim["pet"][base, c].sum() / (BASE1 - BASE0 + 1)
        oT, oP, oE = obs[0].mean(), obs[1].sum(), obs[2].sum()
        rows.append(dict(code=code, name=r["name"], lon=float(r["outlet_lon"]), lat=float(r["outlet_lat"]),
                         elev_median_m=float(r["elev_median_m"]), cell_elev_proxy_m=cm.elev[c],
                         T_obs=oT, T_syn=sT, P_obs=oP, P_syn=sP, PET_obs=oE, PET_syn=sE))
    # leave-one-out climatology (skill where no catchment is near)
    for i, row in enumerate(rows):
        T, P, E = cm.climatology(exclude=i)
        c = cm.ocell[i]
        row["T_loo"] = T[:, c].mean()
        row["P_loo"] = P[:, c].sum()
        row["PET_loo"] = (oudin(T[:, c], cm.ra[:, c]) * np.exp(E[:, c])).sum()
    path = os.path.join(out, "camels_comparison.csv")
    cols = ["code", "name", "outlet_lon", "outlet_lat", "elev_median_m", "cell_elev_proxy_m",
            "T_obs_C", "T_syn_C", "dT_C", "P_obs_mm_yr", "P_syn_mm_yr", "dP_pct",
            "PET_obs_mm_yr", "PET_syn_mm_yr", "dPET_pct", "T_loo_C", "dT_loo_C", "P_loo_mm_yr", "dP_loo_pct",
            "PET_loo_mm_yr", "dPET_loo_pct"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([r["code"], r["name"], "%.5f" % r["lon"], "%.5f" % r["lat"], "%.0f" % r["elev_median_m"],
                        "%.0f" % r["cell_elev_proxy_m"],
                        "%.2f" % r["T_obs"], "%.2f" % r["T_syn"], "%.2f" % (r["T_syn"] - r["T_obs"]),
                        "%.1f" % r["P_obs"], "%.1f" % r["P_syn"], "%.1f" % (100 * (r["P_syn"] / r["P_obs"] - 1)),
                        "%.1f" % r["PET_obs"], "%.1f" % r["PET_syn"],
                        "%.1f" % (100 * (r["PET_syn"] / r["PET_obs"] - 1)),
                        "%.2f" % r["T_loo"], "%.2f" % (r["T_loo"] - r["T_obs"]),
                        "%.1f" % r["P_loo"], "%.1f" % (100 * (r["P_loo"] / r["P_obs"] - 1)),
                        "%.1f" % r["PET_loo"], "%.1f" % (100 * (r["PET_loo"] / r["PET_obs"] - 1))])
    dT = np.array([r["T_syn"] - r["T_obs"] for r in rows])
    dP = np.array([r["P_syn"] / r["P_obs"] - 1 for r in rows])
    dE = np.array([r["PET_syn"] / r["PET_obs"] - 1 for r in rows])
    lT = np.array([r["T_loo"] - r["T_obs"] for r in rows])
    lP = np.array([r["P_loo"] / r["P_obs"] - 1 for r in rows])
    lE = np.array([r["PET_loo"] / r["PET_obs"] - 1 for r in rows])
    log("CAMELS 1999-2018 at outlet cells: max|dT| %.2f degC, max|dP| %.1f %%, max|dPET| %.1f %%"
        % (np.abs(dT).max(), 100 * np.abs(dP).max(), 100 * np.abs(dE).max()))
    log("leave-one-out: median|dT| %.2f max %.2f degC; median|dP| %.1f max %.1f %%; median|dPET| %.1f max %.1f %%"
        % (np.median(np.abs(lT)), np.abs(lT).max(), 100 * np.median(np.abs(lP)), 100 * np.abs(lP).max(),
           100 * np.median(np.abs(lE)), 100 * np.abs(lE).max()))


def write_forcing(cm, clim, out, log):
    import netCDF4
    g = cm.grid
    fdir = os.path.join(out, "forcing")
    os.makedirs(fdir, exist_ok=True)
    path = os.path.join(fdir, "climate_8km_monthly_1990_2100.nc")
    tmp = path + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    X, Y = np.meshgrid(g.x, g.y)
    lon2, lat2 = l93_to_lonlat(X.ravel(), Y.ravel())
    lon2 = lon2.reshape(X.shape)
    lat2 = lat2.reshape(X.shape)
    wkt = srs_l93().ExportToWkt()
    nt = clim["yrs"].size
    ds = netCDF4.Dataset(tmp, "w", format="NETCDF4")
    ds.setncatts({
        "Conventions": "CF-1.8 ACDD-1.3",
        "title": "SYNTHETIC monthly climate forcing for metropolitan France, 8 km Lambert-93, 1990-2100",
        "summary": "Synthetic but plausible monthly near-surface air temperature, precipitation and Oudin "
                   "potential evapotranspiration on the alamod 8 km France grid. Climatology conditioned on the "
                   "19 CAMELS-FR (SAFRAN-based) catchments 1999-2018, deterministic AR(1) anomalies, warming "
                   "trend +0.3 degC/decade to 2020 then +0.4 degC/decade (SSP2-4.5-like). NOT an observation "
                   "or a climate projection: for demonstration, testing and benchmarking only.",
        "SYNTHETIC": "yes",
        "institution": "alamod project",
        "source": "scripts/make_france_default.py (seed %d); calibrated on CAMELS-FR via airGRdatasets 0.2.3 "
                  "(Delaigue et al., CC BY 4.0), ADEME ALDO pedo-climatic zones, Natural Earth land mask"
                  % SEED_CLIM,
        "comment": "Substitute real products with the same grid and variable names: SAFRAN 8 km reanalysis "
                   "(Meteo-France), E-OBS (Copernicus/ECA&D) regridded to Lambert-93, and DRIAS projections "
                   "(Meteo-France, EURO-CORDEX based) for the future. The _FillValue marks cells outside the "
                   "land mask. time is the start of each month; time_bnds gives the month.",
        "history": "generated by scripts/make_france_default.py (deterministic, no timestamp)",
        "references": "Oudin et al. 2005, J. Hydrol. 303, 290-306 (PET formula); Delaigue et al. 2024 CAMELS-FR "
                      "doi:10.57745/WH7FJR",
        "license": "CC BY 4.0 (derived from CAMELS-FR); synthetic fields",
        "geospatial_lat_min": float(np.round(lat2[cm.mask].min(), 4)),
        "geospatial_lat_max": float(np.round(lat2[cm.mask].max(), 4)),
        "geospatial_lon_min": float(np.round(lon2[cm.mask].min(), 4)),
        "geospatial_lon_max": float(np.round(lon2[cm.mask].max(), 4)),
        "geospatial_lat_units": "degrees_north",
        "geospatial_lon_units": "degrees_east",
        "time_coverage_start": "1990-01-01",
        "time_coverage_end": "2100-12-31",
        "time_coverage_resolution": "P1M",
    })
    ds.createDimension("time", nt)
    ds.createDimension("nv", 2)
    ds.createDimension("y", g.ny)
    ds.createDimension("x", g.nx)
    v = ds.createVariable("time", "f8", ("time",))
    v.setncatts({"standard_name": "time", "long_name": "time (start of month)", "axis": "T",
                 "units": "days since 1990-01-01 00:00:00", "calendar": "standard", "bounds": "time_bnds"})
    v[:] = clim["tstart"]
    v = ds.createVariable("time_bnds", "f8", ("time", "nv"))
    v[:] = np.column_stack([clim["tstart"], clim["tend"]])
    v = ds.createVariable("y", "f8", ("y",))
    v.setncatts({"standard_name": "projection_y_coordinate", "long_name": "y coordinate of projection (cell centre)",
                 "units": "m", "axis": "Y"})
    v[:] = g.y
    v = ds.createVariable("x", "f8", ("x",))
    v.setncatts({"standard_name": "projection_x_coordinate", "long_name": "x coordinate of projection (cell centre)",
                 "units": "m", "axis": "X"})
    v[:] = g.x
    v = ds.createVariable("crs", "i4")
    v.setncatts({"grid_mapping_name": "lambert_conformal_conic",
                 "standard_parallel": np.array([44.0, 49.0]),
                 "latitude_of_projection_origin": 46.5, "longitude_of_central_meridian": 3.0,
                 "false_easting": 700000.0, "false_northing": 6600000.0,
                 "semi_major_axis": 6378137.0, "inverse_flattening": 298.257222101,
                 "reference_ellipsoid_name": "GRS 1980", "horizontal_datum_name": "Reseau Geodesique Francais 1993",
                 "projected_crs_name": "RGF93 v1 / Lambert-93", "crs_wkt": wkt, "spatial_ref": wkt,
                 "GeoTransform": " ".join("%.1f" % t for t in g.gt)})
    v[...] = 0
    v = ds.createVariable("lat", "f8", ("y", "x"))
    v.setncatts({"standard_name": "latitude", "long_name": "latitude of cell centre", "units": "degrees_north"})
    v[:] = np.round(lat2, 6)
    v = ds.createVariable("lon", "f8", ("y", "x"))
    v.setncatts({"standard_name": "longitude", "long_name": "longitude of cell centre", "units": "degrees_east"})
    v[:] = np.round(lon2, 6)
    specs = [
        ("tas", {"standard_name": "air_temperature", "long_name": "near-surface air temperature, monthly mean",
                 "units": "degC", "cell_methods": "time: mean"}),
        ("pr", {"long_name": "monthly precipitation total", "units": "mm month-1", "cell_methods": "time: sum"}),
        ("pet", {"long_name": "potential evapotranspiration (Oudin)", "units": "mm month-1",
                 "cell_methods": "time: sum",
                 "comment": "Oudin et al. (2005) formula from tas and extraterrestrial radiation; RothC needs "
                            "open-pan evaporation = PET / 0.75, the engine converts"}),
    ]
    rows, cols = np.nonzero(cm.mask)
    for name, att in specs:
        v = ds.createVariable(name, "f4", ("time", "y", "x"), zlib=True, complevel=4, shuffle=True,
                              chunksizes=(1, g.ny, g.nx), fill_value=np.float32(-9999.0))
        att = dict(att)
        att.update({"grid_mapping": "crs", "coordinates": "lat lon", "SYNTHETIC": "yes"})
        v.setncatts(att)
        full = np.full((nt, g.ny, g.nx), -9999.0, dtype=np.float32)
        full[:, rows, cols] = clim[name].astype(np.float32)
        v[:] = full
    ds.close()
    os.replace(tmp, path)
    log("wrote %s (%.1f MB)" % (path, os.path.getsize(path) / 1e6))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(REPO, "data", "sources"),
                    help="folder with the real source data (default data/sources)")
    ap.add_argument("--out", default=os.path.join(REPO, "data", "france"), help="output folder (default data/france)")
    grp = ap.add_mutually_exclusive_group()
    grp.add_argument("--static-only", action="store_true", help="only the GeoTIFF layers")
    grp.add_argument("--forcing-only", action="store_true", help="only the NetCDF forcing and camels_comparison.csv")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    t0 = time.time()

    def log(msg):
        if not a.quiet:
            print("[%6.1fs] %s" % (time.time() - t0, msg), flush=True)

    os.makedirs(a.out, exist_ok=True)
    inp = load_inputs(a.shared)
    if not a.forcing_only:
        make_static(inp, a.out, log)
        # what the vegetation needs (IGN forest table, Copernicus June NDVI): scripts/make_france_vegetation.py
        subprocess.run([sys.executable, os.path.join(REPO, "scripts", "make_france_vegetation.py"), "--shared",
                        a.shared, "--out", a.out], check=True)
    if not a.static_only:
        cm, clim = make_climate(inp, log)
        log("climate computed: tas %.1f..%.1f degC, pr %.1f..%.1f, pet %.1f..%.1f mm/month"
            % (clim["tas"].min(), clim["tas"].max(), clim["pr"].min(), clim["pr"].max(),
               clim["pet"].min(), clim["pet"].max()))
        camels_comparison(cm, clim, a.out, log)
        write_forcing(cm, clim, a.out, log)
    log("done")


if __name__ == "__main__":
    main()
