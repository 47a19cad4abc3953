#!/usr/bin/python3
"""The totals of a grid run (engine/totals): zone files, checks of the runs' totals, `alamod summarize`,
a restart, and bad zone input.

  test_totals.py make-zones --work DIR
      DIR/zones.gpkg: three polygons in EPSG:4326 (attribute `code`: N, M, S, by latitude) that tile France,
      so their area shares cover every land cell once; DIR/zones_codes.tif: a raster of codes 1-4 in
      EPSG:4326 (quadrants around 46.5 N, 2.5 E); DIR/zones_atlantic.gpkg: a polygon in the Atlantic (no land
      cell); DIR/zones_local.gpkg: polygons in an engineering CRS (no transformation to Lambert-93).
  test_totals.py check --runs DIR1 DIR2 DIR3 [--soc data/france/soc_stock_8km.tif]
      totals.csv identical on every rank count; every kind's zones add up to the national total and every
      zone's land-use classes to its "all" row, to round-off; the columns, the INSEE names, the projected
      cell area; totals.nc (CF, a region dimension with names) holds the CSV's numbers; the GeoTIFFs and
      PNGs; with --soc, the start (1 January of the first year) equals the observed map to 0.1 % (the inverse
      spin-up of the default), and the end of the first year is within 0.5 % of it.
  test_totals.py summarize --alamod A --run DIR --work W [--zones FILE --zone-field NAME] [--raster-zones TIF]
      `alamod summarize` on 1 and 3 ranks gives the run's totals.csv byte for byte; with --zones, the
      user zones of the run again (the run was made with the same zones); with --raster-zones, zones from a
      raster of codes that add up to the national total.
  test_totals.py restart --alamod A --source-dir S --work W
      a run stopped by SIGTERM and restarted on another rank count writes the totals of an uninterrupted run.
  test_totals.py bad-zones --alamod A --source-dir S --work W --zones-dir DIR
      a zone file whose CRS cannot be transformed, an attribute that does not exist, zones over no land cell:
      exit 1, one `alamod: error:` line naming the file, nothing written (run and summarize).

Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import csv
import io
import math
import os
import shutil
import signal
import subprocess
import sys

import numpy as np

results = []
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")
COLUMNS = ["scenario", "model", "year", "zone_kind", "zone_code", "zone_name", "land_cover", "area_ha", "soc_TgC",
           "soc_t_ha", "soc_start_TgC", "change_TgC", "change_pct", "rate_per_mille_yr", "gsocseq_asr_t_ha_yr",
           "gsocseq_rsr_t_ha_yr"]
REGIONS = {"11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
           "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
           "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
           "93": "Provence-Alpes-Côte d'Azur", "94": "Corse"}


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + str(detail)[:1500]), flush=True)
    return ok


def finish():
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if results and passed == len(results) else 1


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def run(cmd, timeout=600):
    return subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


# ------------------------------------------------------------------------------------------------
# make-zones

def make_zones(a):
    from osgeo import gdal, ogr, osr
    gdal.UseExceptions()
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    os.makedirs(a.work, exist_ok=True)
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)

    def polygons(path, driver, srs, features):
        if os.path.exists(path):
            os.remove(path)
        ds = ogr.GetDriverByName(driver).CreateDataSource(path)
        layer = ds.CreateLayer("zones", srs, ogr.wkbPolygon)
        layer.CreateField(ogr.FieldDefn("code", ogr.OFTString))
        layer.CreateField(ogr.FieldDefn("label", ogr.OFTString))
        for code, label, ring in features:
            f = ogr.Feature(layer.GetLayerDefn())
            f.SetField("code", code)
            f.SetField("label", label)
            f.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON ((%s))" % ", ".join("%r %r" % p for p in ring)))
            layer.CreateFeature(f)
        ds = None

    def box(x0, y0, x1, y1):
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]

    # three bands of latitude over the whole of France and Corsica (and their sea)
    polygons(os.path.join(a.work, "zones.gpkg"), "GPKG", wgs84,
             [("N", "north of 47.5 N", box(-10, 47.5, 15, 52)), ("M", "45-47.5 N", box(-10, 45, 15, 47.5)),
              ("S", "south of 45 N", box(-10, 40, 15, 45))])
    polygons(os.path.join(a.work, "zones_atlantic.gpkg"), "GPKG", wgs84, [("A", "Atlantic", box(-30, 40, -20, 50))])
    local = osr.SpatialReference()
    local.SetFromUserInput('LOCAL_CS["engineering grid",LOCAL_DATUM["site",0],UNIT["metre",1],'
                           'AXIS["X",EAST],AXIS["Y",NORTH]]')
    polygons(os.path.join(a.work, "zones_local.gpkg"), "GPKG", local, [("L", "local", box(0, 0, 1000, 1000))])
    # a raster of codes 1-4 in EPSG:4326 at 0.05 degrees: quadrants around 46.5 N, 2.5 E
    nx, ny, res = 400, 260, 0.05
    lon0, lat1 = -6.0, 52.0
    lon = lon0 + (np.arange(nx) + 0.5) * res
    lat = lat1 - (np.arange(ny) + 0.5) * res
    codes = np.where(lat[:, None] >= 46.5, 1, 3) + np.where(lon[None, :] >= 2.5, 1, 0)
    ds = gdal.GetDriverByName("GTiff").Create(os.path.join(a.work, "zones_codes.tif"), nx, ny, 1, gdal.GDT_Int16)
    ds.SetGeoTransform((lon0, res, 0, lat1, 0, -res))
    ds.SetSpatialRef(wgs84)
    ds.GetRasterBand(1).WriteArray(codes.astype(np.int16))
    ds.GetRasterBand(1).SetNoDataValue(0)
    ds = None
    for f in ("zones.gpkg", "zones_atlantic.gpkg", "zones_local.gpkg", "zones_codes.tif"):
        check("make-zones: " + f, os.path.exists(os.path.join(a.work, f)))
    return finish()


# ------------------------------------------------------------------------------------------------
# check

def check_sums(rows, label):
    years = sorted({r["year"] for r in rows})
    by = {}
    for r in rows:
        by.setdefault((r["year"], r["zone_kind"], r["land_cover"]), []).append(r)
    kinds = sorted({r["zone_kind"] for r in rows} - {"country"})
    national = {y: [r for r in by[(y, "country", "all")]][0] for y in years}
    for kind in kinds:
        worst = 0.0
        for y in years:
            total = math.fsum(float(r["soc_TgC"]) for r in by.get((y, kind, "all"), []))
            worst = max(worst, abs(total / float(national[y]["soc_TgC"]) - 1.0))
        area = math.fsum(float(r["area_ha"]) for r in by.get((years[0], kind, "all"), []))
        covers = abs(area / float(national[years[0]]["area_ha"]) - 1.0) < 1e-12
        if covers:
            check(f"{label}: the {kind} zones add up to the national total in every year (largest relative "
                  f"difference {worst:.1e})", worst < 1e-12, worst)
    # the land-use classes of every zone add up to its "all" row
    worst = 0.0
    groups = {}
    for r in rows:
        groups.setdefault((r["year"], r["zone_kind"], r["zone_code"]), []).append(r)
    for key, rs in groups.items():
        allrow = [r for r in rs if r["land_cover"] == "all"][0]
        s = math.fsum(float(r["soc_TgC"]) for r in rs if r["land_cover"] != "all")
        worst = max(worst, abs(s - float(allrow["soc_TgC"])) / float(allrow["soc_TgC"]))
    check(f"{label}: the land-use classes of every zone add up to its total (largest relative difference "
          f"{worst:.1e})", worst < 1e-12, worst)


def check_runs(a):
    first = os.path.join(a.runs[0], "totals.csv")
    if not check("totals.csv written", all(os.path.isfile(os.path.join(d, "totals.csv")) for d in a.runs), a.runs):
        return finish()
    ref = open(first, "rb").read()
    for d in a.runs[1:]:
        check(f"totals.csv of {os.path.basename(d)} identical to {os.path.basename(a.runs[0])} (bitwise)",
              open(os.path.join(d, "totals.csv"), "rb").read() == ref)
    rows = read_csv(first)
    with open(first, encoding="utf-8") as f:
        header = f.readline().strip().split(",")
    check("totals.csv columns", header == COLUMNS, header)
    check("scenario baseline, model rothc", {(r["scenario"], r["model"]) for r in rows} == {("baseline", "rothc")})
    kinds = {r["zone_kind"] for r in rows}
    check("zone kinds: country, region, departement, pedoclimatic_zone (and user when given)",
          {"country", "region", "departement", "pedoclimatic_zone"} <= kinds, sorted(kinds))
    years = sorted({int(r["year"]) for r in rows})
    y0 = years[0]
    first_year = [r for r in rows if int(r["year"]) == y0]
    regions = {r["zone_code"]: r["zone_name"] for r in first_year if r["zone_kind"] == "region"}
    check("13 régions with their INSEE names", regions == REGIONS, regions)
    deps = {r["zone_code"]: r["zone_name"] for r in first_year if r["zone_kind"] == "departement"}
    check("95 département codes (Corsica as one)", len(deps) == 95, len(deps))
    check("département names: 01 Ain, 2A/2B as 20, 75 Paris, 95 Val-d'Oise",
          deps.get("01") == "Ain" and deps.get("20") == "Corse (2A, 2B)" and deps.get("75") == "Paris" and
          deps.get("95") == "Val-d'Oise", {k: deps.get(k) for k in ("01", "20", "75", "95")})
    nat = [r for r in first_year if r["zone_kind"] == "country" and r["land_cover"] == "all"]
    check("one national row a year, named France", len(nat) == 1 and nat[0]["zone_name"] == "France", nat[:1])
    check("national area = 8,560 land cells x 6,400 ha (the projected area of 8 km cells)",
          nat and float(nat[0]["area_ha"]) == 8560 * 6400.0, nat[0]["area_ha"] if nat else None)
    covers = {r["land_cover"] for r in first_year}
    check("land covers: all, cropland, grassland, forest", covers == {"all", "cropland", "grassland", "forest"}, covers)
    check_sums(rows, "totals.csv")
    # the derived columns
    r = [x for x in rows if x["zone_kind"] == "country" and x["land_cover"] == "all"][-1]
    e = int(r["year"]) - y0 + 1
    soc, start = float(r["soc_TgC"]), float(r["soc_start_TgC"])
    ok = (abs(float(r["change_TgC"]) - (soc - start)) < 1e-9 and
          abs(float(r["change_pct"]) - 100 * (soc - start) / start) < 1e-9 and
          abs(float(r["rate_per_mille_yr"]) - 1000 * (soc - start) / start / e) < 1e-9 and
          abs(float(r["soc_t_ha"]) - soc * 1e6 / float(r["area_ha"])) < 1e-9 and float(r["gsocseq_rsr_t_ha_yr"]) == 0)
    check("change, %, per mille per year, density and the baseline's relative rate follow from the stocks", ok, r)
    if a.soc:
        from osgeo import gdal
        if "{class}" in a.soc:
            # tiles: each class's stock (SOC with {class} its name) times its fraction (land_cover_fraction_CLASS)
            observed = 0.0
            for name in ("cropland", "grassland", "forest"):
                soc_map = gdal.Open(a.soc.format(**{"class": name})).ReadAsArray().astype(np.float64)
                frac = gdal.Open(os.path.join(os.path.dirname(a.soc), "land_cover_fraction_%s_8km.tif" % name)
                                 ).ReadAsArray().astype(np.float64)
                sel = (soc_map > 0) & (frac > 0)
                observed += (soc_map[sel] * frac[sel]).sum() * 6400 / 1e6
        else:
            soc_map = gdal.Open(a.soc).ReadAsArray().astype(np.float64)
            observed = soc_map[soc_map > 0].sum() * 6400 / 1e6
        start = float(nat[0]["soc_start_TgC"])
        end1 = float(nat[0]["soc_TgC"])
        check(f"the start ({start:.1f} Tg C) equals the observed map ({observed:.1f} Tg C) to 0.1 %",
              abs(start / observed - 1) < 1e-3, start / observed - 1)
        # the weather of the first year moves it a little (0.2 % for 1990; docs/OUTPUTS.md)
        check(f"the end of the first year ({end1:.1f} Tg C) is within 0.5 % of the observed map",
              abs(end1 / observed - 1) < 5e-3, end1 / observed - 1)
    # totals.nc
    import netCDF4
    with netCDF4.Dataset(os.path.join(a.runs[0], "totals.nc")) as ds:
        names = list(ds["region_name"][:])
        kinds_nc = list(ds["region_kind"][:])
        check("totals.nc: dimensions time, region, land_cover", {"time", "region", "land_cover"} <= set(ds.dimensions),
              list(ds.dimensions))
        check("totals.nc: a string name per region", "Bretagne" in names and "France" in names, names[:5])
        check("totals.nc: CF-1.8, units", ds.Conventions == "CF-1.8" and ds["soc_stock"].units == "Tg" and
              ds["area"].units == "ha")
        covers_nc = list(ds["land_cover_name"][:])
        i = kinds_nc.index("region") + names[kinds_nc.index("region"):].index("Bretagne")
        c = covers_nc.index("all")
        stock = ds["soc_stock"][:, i, c]
        csv_stock = [float(x["soc_TgC"]) for x in rows if x["zone_name"] == "Bretagne" and x["land_cover"] == "all"]
        check("totals.nc: the CSV's numbers (Bretagne, every year)", np.array_equal(np.asarray(stock), csv_stock))
    try:
        import xarray as xr
        ds = xr.open_dataset(os.path.join(a.runs[0], "totals.nc"))
        check("totals.nc opens in xarray with decoded times", str(ds["time"].dtype).startswith("datetime64") or
              ds["time"].dtype == object)
        ds.close()
    except Exception as ex:  # noqa: BLE001
        check("totals.nc opens in xarray", False, ex)
    # report files
    d = a.runs[0]
    for f in ("report.html", "map_soc_start.png", "map_soc_change.png", "series_soc_national.png",
              "series_soc_density_land_use.png"):
        p = os.path.join(d, f)
        check(f"{f} written", os.path.isfile(p) and (not f.endswith(".png") or
                                                      open(p, "rb").read(8) == b"\x89PNG\r\n\x1a\n"))
    info = run(["gdalinfo", "-json", os.path.join(d, "soc_change.tif")])
    check("gdalinfo reads soc_change.tif", info.returncode == 0, info.stderr)
    if info.returncode == 0:
        import json
        j = json.loads(info.stdout)
        wkt = j.get("coordinateSystem", {}).get("wkt", "")
        layout = j.get("metadata", {}).get("IMAGE_STRUCTURE", {}).get("LAYOUT", "")
        check("soc_change.tif: EPSG:2154, cloud-optimised (LAYOUT=COG), nodata",
              'ID["EPSG",2154]' in wkt and layout == "COG" and j["bands"][0].get("noDataValue") == -9999,
              (wkt[-40:], layout, j["bands"][0].get("noDataValue")))
        from osgeo import gdal
        change = gdal.Open(os.path.join(d, "soc_change.tif")).ReadAsArray()
        with netCDF4.Dataset(os.path.join(d, "carbon_yearly.nc")) as nc:
            end = np.ma.filled(nc["cSoil"][-1].astype(np.float64), np.nan)
            start = np.ma.filled(nc["cSoilInitial"][:].astype(np.float64), np.nan)
        want = (end - start).astype(np.float32)
        land = np.isfinite(want)
        check("soc_change.tif holds cSoil (last year) - cSoilInitial of the output, -9999 elsewhere",
              np.array_equal(change[land], want[land]) and np.all(change[~land] == -9999))
    return finish()


# ------------------------------------------------------------------------------------------------
# summarize

def summarize(a):
    ref = open(os.path.join(a.run, "totals.csv"), "rb").read()
    for n in (1, 3):
        out = os.path.join(a.work, f"np{n}")
        shutil.rmtree(out, ignore_errors=True)
        cmd = ["mpiexec", "-n", str(n), a.alamod, "summarize", a.run, "--out", out]
        if a.zones:
            cmd += ["--zones", a.zones, "--zone-field", a.zone_field]
        r = run(cmd)
        if not check(f"summarize on {n} rank(s) exits 0", r.returncode == 0, r.stderr[-800:]):
            continue
        got = open(os.path.join(out, "totals.csv"), "rb").read()
        check(f"summarize on {n} rank(s): the run's totals.csv byte for byte", got == ref,
              f"{len(got)} vs {len(ref)} bytes")
        check(f"summarize on {n} rank(s): report.html and the maps", all(
            os.path.isfile(os.path.join(out, f)) for f in ("report.html", "map_soc_change.png", "soc_change.tif")))
    if a.raster_zones:  # a raster of codes in another CRS and resolution: taken by the cell centre
        out = os.path.join(a.work, "raster_zones")
        shutil.rmtree(out, ignore_errors=True)
        r = run(["mpiexec", "-n", "2", a.alamod, "summarize", a.run, "--out", out, "--zones", a.raster_zones,
                 "--no-report"])
        if check("summarize with a raster of zone codes (EPSG:4326)", r.returncode == 0, r.stderr[-600:]):
            rows = read_csv(os.path.join(out, "totals.csv"))
            codes = sorted({x["zone_code"] for x in rows if x["zone_kind"] == "user"})
            check("the raster's four codes are the user zones", codes == ["1", "2", "3", "4"], codes)
            check_sums(rows, "raster zones")
            check("--no-report: no report.html", not os.path.exists(os.path.join(out, "report.html")))
    # into the run's own folder: refused without --overwrite
    r = run(["mpiexec", "-n", "1", a.alamod, "summarize", a.run])
    check("summarize into the run's folder without --overwrite: exit 1, existing totals named",
          r.returncode == 1 and "totals.csv: already exists" in r.stderr, r.stderr[-400:])
    return finish()


# ------------------------------------------------------------------------------------------------
# restart

def rank_pids(out):
    p = subprocess.run(["pgrep", "-f", f"alamod run .* --out {out}( |$)"], capture_output=True, text=True)
    pids = []
    for pid in p.stdout.split():
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if os.path.basename(f.read().split(b"\0")[0]) == b"alamod" and int(pid) != os.getpid():
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


def restart(a):
    cfg = os.path.join(a.source_dir, "configs", "france_default.toml")
    ref_dir, dir_ = os.path.join(a.work, "reference"), os.path.join(a.work, "stopped")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    common = ["run", cfg, "--set", "run.end_year=2020", "--set", "decomposition.rebalance=\"always\""]
    r = run(["mpiexec", "-n", "2", a.alamod] + common + ["--out", ref_dir, "--quiet"])
    check("uninterrupted run", r.returncode == 0, r.stderr[-600:])
    p = subprocess.Popen(["mpiexec", "-n", "2", a.alamod] + common + ["--out", dir_], env=ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    seen = False
    for line in p.stdout:
        if "year 1990 done" in line:
            seen = True
            for pid in rank_pids(dir_):
                os.kill(pid, signal.SIGTERM)
            break
    _, err = p.communicate(timeout=300)
    check("SIGTERM after the first year: exit 75, no totals yet", seen and p.returncode == 75 and
          not os.path.exists(os.path.join(dir_, "totals.csv")), f"rc={p.returncode} {err[-400:]}")
    r = run(["mpiexec", "-n", "3", a.alamod] + common + ["--out", dir_, "--restart", "--quiet"])
    check("restart on 3 ranks", r.returncode == 0, r.stderr[-600:])
    check("restart logs the national total at the start and at the end",
          "on 1 January 1990" in r.stdout and "at the end of 2020" in r.stdout, r.stdout[-600:])
    same = r.returncode == 0 and open(os.path.join(dir_, "totals.csv"), "rb").read() == \
        open(os.path.join(ref_dir, "totals.csv"), "rb").read()
    check("stopped + restarted: totals.csv bitwise that of the uninterrupted run", same)
    return finish()


# ------------------------------------------------------------------------------------------------
# bad zone input

def bad_zones(a):
    cfg = os.path.join(a.source_dir, "configs", "france_default.toml")
    z = a.zones_dir
    good_run = os.path.join(a.work, "good")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    r = run(["mpiexec", "-n", str(a.ranks), a.alamod, "run", cfg, "--out", good_run, "--quiet", "--set",
             "run.end_year=1991"])
    check("a short run to summarize", r.returncode == 0, r.stderr[-400:])
    cases = [("the CRS cannot be transformed", os.path.join(z, "zones_local.gpkg"), "code",
              ["zones_local.gpkg", "cannot be transformed"]),
             ("an attribute that does not exist", os.path.join(z, "zones.gpkg"), "nope",
              ["zones.gpkg", "no attribute 'nope'", "code"]),
             ("zones over no land cell", os.path.join(z, "zones_atlantic.gpkg"), "code",
              ["zones_atlantic.gpkg", "cover no land cell"]),
             ("a file that does not exist", os.path.join(z, "missing.gpkg"), "code", ["missing.gpkg", "not found"])]
    # the 8 refusals 4 at once (each its own output folder; mostly the start of mpiexec and of the engine),
    # checked in order
    commands = []
    for what, path, field, words in cases:
        out = os.path.join(a.work, "run_" + os.path.basename(path).split(".")[0] + "_" + field)
        commands.append((out, ["mpiexec", "-n", str(a.ranks), a.alamod, "run", cfg, "--out", out, "--quiet", "--set",
                               "run.end_year=1991", "--set", f'totals.zones="{path}"',
                               "--set", f'totals.zone_field="{field}"']))
        out = os.path.join(a.work, "summarize_" + os.path.basename(path).split(".")[0] + "_" + field)
        commands.append((out, ["mpiexec", "-n", str(a.ranks), a.alamod, "summarize", good_run, "--out", out,
                               "--zones", path, "--zone-field", field]))
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(4) as pool:
        results = iter(list(pool.map(lambda c: run(c[1], timeout=120), commands)))
    outs = iter([c[0] for c in commands])
    for what, path, field, words in cases:
        out, r = next(outs), next(results)
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        written = os.listdir(out) if os.path.isdir(out) else []
        check(f"run, {what}: exit 1, one error line naming the file, nothing written",
              r.returncode == 1 and len(lines) == 1 and all(w in lines[0] for w in words) and not written,
              f"rc={r.returncode} {lines} {written} {r.stderr[-300:]}")
        out, r = next(outs), next(results)
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        written = os.listdir(out) if os.path.isdir(out) else []
        check(f"summarize, {what}: exit 1, one error line naming the file, nothing written",
              r.returncode == 1 and len(lines) == 1 and all(w in lines[0] for w in words) and not written,
              f"rc={r.returncode} {lines} {written}")
    return finish()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["make-zones", "check", "summarize", "restart", "bad-zones"])
    ap.add_argument("--work")
    ap.add_argument("--runs", nargs="+")
    ap.add_argument("--run")
    ap.add_argument("--soc")
    ap.add_argument("--alamod")
    ap.add_argument("--source-dir")
    ap.add_argument("--zones")
    ap.add_argument("--zone-field", default="code")
    ap.add_argument("--zones-dir")
    ap.add_argument("--raster-zones")
    ap.add_argument("--ranks", type=int, default=2)
    a = ap.parse_args()
    return {"make-zones": make_zones, "check": check_runs, "summarize": summarize, "restart": restart,
            "bad-zones": bad_zones}[a.mode](a)


if __name__ == "__main__":
    sys.exit(main())
