#!/usr/bin/python3
"""Land cover as sub-grid fractions (tiles; docs/LAND_COVER.md), end to end with the real binary under mpiexec.

  test_land_cover.py ranks     --alamod PATH --source-dir DIR --work DIR
      The France 8 km default (tiles from the shipped fraction layers) on 1, 2 and 3 ranks with cells moving
      between ranks every 2 years: every output variable and totals.csv bitwise the same; area_fraction sums
      to 1, cell_area is 64 km2, cSoil is the fraction-weighted sum of cSoilTile, each tile starts at its
      class's observed stock (inverse spin-up per tile), the totals' class areas are the fractions' sums.
  test_land_cover.py fine-map  --alamod PATH --source-dir DIR --work DIR
      The fractions computed by alamod from the 1 km class map (inputs.land_cover_map) equal the shipped 8 km
      layers, and the 8 km and 1 km areas per class agree within 0.5 %.
  test_land_cover.py luc-amg   --alamod PATH --source-dir DIR --work DIR
      The same example with AMG (1999-2004, cells moving) on 1 and 3 ranks: the run's carbon check of every
      changed cell passes each year (AMG's stable pool mixed with the land), every variable bitwise the same, the
      stable pool changing exactly in the cells whose land cover changes.
  test_land_cover.py luc       --alamod PATH --source-dir DIR --work DIR
      configs/france_luc_example.toml (1999-2030, transitions 2000-2029) on 1 and 3 ranks with cells moving:
      every variable and totals.csv bitwise the same; the fractions of a cell follow the rates year by year (the
      rule computed here); sealing only where the sealing rules apply; the class areas of totals.csv change with
      the years and add up to the land; a run stopped by SIGTERM in the transition period on 2 ranks and restarted
      on 3 gives the 1-rank run's bits; a rate table moving more than the donor's area, and a transition to an unknown
      class, are refused (file, class, cell or line).
  test_land_cover.py bad-input --alamod PATH --source-dir DIR --work DIR
      Fractions summing to 1.2 or negative, a code without a class in the fine map, a fraction raster without
      a CRS, a class without a fraction raster, a class stock out of range: exit 1, one line `alamod: error:`
      naming the file, the class and the cell, no output left.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys

import netCDF4
import numpy as np
from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import rank_pids  # noqa: E402

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")
CLASSES = ["cropland", "forest", "grassland"]  # the configuration's order (TOML tables by name)
LUC_CLASSES = ["artificial", "cropland", "forest", "grassland"]
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)[-1500:]), flush=True)


def run(a, ranks, out, *sets, end_year=1995, config=None, extra=()):
    cmd = ["mpiexec", "-n", str(ranks), a.alamod, "run",
           config or os.path.join(a.source_dir, "configs/france_default.toml"), "--out", out, "--overwrite",
           "--quiet", "--set", "run.end_year=%d" % end_year, *extra]
    for s in sets:
        cmd += ["--set", s]
    return subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)


def read_vars(path):
    with netCDF4.Dataset(path) as ds:
        out = {}
        for name, v in ds.variables.items():
            v.set_auto_maskandscale(False)
            out[name] = np.array(v[...])
        return out


def raster(path):
    ds = gdal.Open(path)
    b = ds.GetRasterBand(1)
    a = b.ReadAsArray().astype(np.float64)
    nd = b.GetNoDataValue()
    if nd is not None:
        a[a == nd] = np.nan
    return a


def data(a, name):
    return os.path.join(a.source_dir, "data", "france", name)


# ------------------------------------------------------------------------------------------------ ranks
def cmd_ranks(a):
    outs = {}
    for np_ in (1, 2, 3):
        d = os.path.join(a.work, "np%d" % np_)
        r = run(a, np_, d, 'decomposition.rebalance="always"', "decomposition.rebalance_every_years=2",
                "output.tiles=true", end_year=1997)
        check("run on %d rank(s) with tiles, cells moving between ranks" % np_, r.returncode == 0, r.stderr)
        if r.returncode != 0:
            return
        outs[np_] = d
    ref = read_vars(os.path.join(outs[1], "carbon_yearly.nc"))
    for np_ in (2, 3):
        got = read_vars(os.path.join(outs[np_], "carbon_yearly.nc"))
        differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
        check("%d ranks: every output variable bitwise the same as on 1 rank" % np_, not differ, differ)
        same_csv = open(os.path.join(outs[np_], "totals.csv")).read() == open(os.path.join(outs[1], "totals.csv")).read()
        check("%d ranks: totals.csv the same as on 1 rank" % np_, same_csv)
    v = ref
    with netCDF4.Dataset(os.path.join(outs[1], "carbon_yearly.nc")) as ds:
        names = [str(netCDF4.chartostring(ds["area_type"][k])) for k in range(ds.dimensions["landcover"].size)]
        std = {n: getattr(ds[n], "standard_name", "") for n in ("area_fraction", "cell_area", "area_type")}
    check("area_type labels the landcover dimension with the classes", names == CLASSES, names)
    check("CF standard names area_fraction, cell_area, area_type",
          std == {"area_fraction": "area_fraction", "cell_area": "cell_area", "area_type": "area_type"}, std)
    f = np.where(v["area_fraction"] > 1e19, np.nan, v["area_fraction"]).astype(np.float64)
    land = np.isfinite(f[0])
    s = np.nansum(f, axis=0)
    check("area_fraction sums to 1 on every land cell", np.all(np.abs(s[land] - 1.0) < 2e-6), np.abs(s[land] - 1).max())
    ntiles = int((f[:, land] > 0).sum())
    check("more tiles than land cells (the default has mixed cells)", ntiles > land.sum() * 1.2, (ntiles, land.sum()))
    ca = v["cell_area"].astype(np.float64)
    check("cell_area is 64 km2 on land", np.all(ca[land] == 64e6), np.unique(ca[land]))
    for k, name in enumerate(CLASSES):
        shipped = raster(data(a, "land_cover_fraction_%s_8km.tif" % name))
        check("area_fraction of %s is the shipped layer" % name,
              np.allclose(f[k][land], shipped[land], atol=1e-6, rtol=0), np.nanmax(np.abs(f[k][land] - shipped[land])))
    tile = v["cSoilTile"].astype(np.float64)
    tile[tile > 1e19] = np.nan
    soil = v["cSoil"].astype(np.float64)
    weighted = np.nansum(np.where(f[None] > 0, f[None] * tile, 0.0), axis=1)
    err = np.abs(weighted[:, land] - soil[:, land]).max()
    check("cSoil is the fraction-weighted sum of the tiles' stocks", err < 1e-4, err)
    init = v["cSoilTileInitial"].astype(np.float64)
    init[init > 1e19] = np.nan
    for k, name in enumerate(CLASSES):
        soc = raster(data(a, "soc_stock_%s_8km.tif" % name))
        sel = land & (f[k] > 0)
        e = np.abs(init[k][sel] - soc[sel]).max()
        check("inverse spin-up per tile: every %s tile starts at its zone's %s stock" % (name, name), e < 1e-3, e)
        absent = land & ~(f[k] > 0)
        check("no %s tile where the class is absent (fill value)" % name, np.all(np.isnan(init[k][absent])))
    # the totals' area per class is the sum of the fractions times the cell area
    rows = [l.split(",") for l in open(os.path.join(outs[1], "totals.csv")) if not l.startswith("#")]
    head = rows[0]
    kind, cover, area = head.index("zone_kind"), head.index("land_cover"), head.index("area_ha")
    for k, name in enumerate(CLASSES):
        got = {float(r[area]) for r in rows[1:] if r[kind] == "country" and r[cover] == name}  # one row a year
        want = float(np.nansum(f[k][land].astype(np.float64))) * 6400.0
        check("totals.csv: %s area is the sum of its fractions" % name,
              len(got) == 1 and abs(got.pop() - want) < 1e-9 * want, (got, want))


# ------------------------------------------------------------------------------------------------ fine map
def cmd_fine_map(a):
    d = os.path.join(a.work, "fine")
    unset = ['land_use.%s.fraction=""' % c for c in CLASSES]
    r = run(a, 2, d, 'inputs.land_cover_map="%s"' % data(a, "land_use_1km.tif"), *unset, end_year=1990)
    check("a run with the fractions computed from the 1 km class map", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    check("its log says the tiles' source and count", "tiles on 8560 land cells" in r.stdout, r.stdout[-800:])
    v = read_vars(os.path.join(d, "carbon_yearly.nc"))
    f = np.where(v["area_fraction"] > 1e19, np.nan, v["area_fraction"]).astype(np.float64)
    land = np.isfinite(f[0])
    lu1 = raster(data(a, "land_use_1km.tif"))
    codes = {"cropland": 1, "grassland": 2, "forest": 3}
    for k, name in enumerate(CLASSES):
        shipped = raster(data(a, "land_cover_fraction_%s_8km.tif" % name))
        e = np.nanmax(np.abs(f[k][land] - shipped[land]))
        check("%s: alamod's share of the 1 km pixels equals the shipped 8 km layer" % name, e < 1e-6, e)
        a8 = float(np.nansum(f[k][land])) * 64.0
        a1 = float(np.sum(lu1 == codes[name]))
        check("%s: 8 km and 1 km areas agree within 0.5 %% (%.0f vs %.0f km2)" % (name, a8, a1),
              abs(a8 / a1 - 1.0) < 0.005, a8 / a1 - 1.0)


# ------------------------------------------------------------------------------------------------ land-use change
def expected_fractions(a, f0, region, years):
    """The fractions after the transitions of `years`, by the rule of docs/LAND_COVER.md (simultaneous moves of
    rate x donor fraction, from the rates table)."""
    rules = [l.strip().split(",") for l in open(os.path.join(a.source_dir, "data/land_use_change/france_example_rates.csv"))
             if l.strip() and not l.startswith("#")][1:]
    f = {k: f0[k].copy() for k in LUC_CLASSES}
    for y in years:
        rate = {}
        for kind, code, fr, to, r, y0, y1 in rules:
            if not int(y0) <= y <= int(y1):
                continue
            where = np.ones_like(region, dtype=bool) if kind == "country" else region == int(code)
            rate[(fr, to)] = rate.get((fr, to), 0.0) + np.where(where, float(r), 0.0)
        out = {k: sum((v for (fr, _), v in rate.items() if fr == k), np.zeros_like(region, dtype=float)) for k in LUC_CLASSES}
        gain = {k: sum((v * f[fr] for (fr, to), v in rate.items() if to == k), np.zeros_like(region, dtype=float))
                for k in LUC_CLASSES}
        f = {k: f[k] * (1.0 - out[k]) + gain[k] for k in LUC_CLASSES}
    return f


def cmd_luc(a):
    cfg = os.path.join(a.source_dir, "configs/france_luc_example.toml")
    sets = ("run.start_year=1999", 'decomposition.rebalance="always"', "decomposition.rebalance_every_years=2")
    outs = {}
    for np_ in (1, 3):  # (2 ranks: the stopped run below)
        d = os.path.join(a.work, "np%d" % np_)
        r = run(a, np_, d, *sets, end_year=2030, config=cfg)
        check("land-use change example on %d rank(s), cells moving between ranks" % np_, r.returncode == 0, r.stderr)
        if r.returncode != 0:
            return
        outs[np_] = d
    ref = read_vars(os.path.join(outs[1], "carbon_yearly.nc"))
    for np_ in (3,):
        got = read_vars(os.path.join(outs[np_], "carbon_yearly.nc"))
        differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
        check("land-use change, %d ranks: every output variable bitwise the same as on 1 rank" % np_, not differ, differ)
        same = open(os.path.join(outs[np_], "totals.csv")).read() == open(os.path.join(outs[1], "totals.csv")).read()
        check("land-use change, %d ranks: totals.csv the same as on 1 rank" % np_, same)
    with netCDF4.Dataset(os.path.join(outs[1], "carbon_yearly.nc")) as ds:
        names = [str(x) for x in netCDF4.chartostring(ds["area_type"][:])]
        check("the classes are the configuration's, artificial included", names == LUC_CLASSES, names)
        check("area_fraction has a time axis", ds["area_fraction"].dimensions[0] == "time", ds["area_fraction"].dimensions)
    fill = lambda x: np.where(x > 1e19, np.nan, x).astype(np.float64)
    f0 = fill(ref["area_fraction_initial"])
    fy = fill(ref["area_fraction"])
    land = np.isfinite(f0[0])
    region = raster(data(a, "region_8km.tif"))
    start = {k: np.nan_to_num(f0[i]) for i, k in enumerate(LUC_CLASSES)}
    for y in (1999, 2000, 2015, 2030):
        want = expected_fractions(a, start, region, range(1999, y + 1))
        err = max(np.abs(fy[y - 1999][i][land] - want[k][land]).max() for i, k in enumerate(LUC_CLASSES))
        check("the fractions of %d follow the rates (largest difference %.1e)" % (y, err), err < 1e-12, err)
        s = np.nansum(fy[y - 1999], axis=0)
        check("the fractions of %d sum to 1 on land" % y, np.abs(s[land] - 1).max() < 1e-12, np.abs(s[land] - 1).max())
    seal = fill(ref["fCarbonSealing"])
    sealed_regions = np.isin(region, [11, 84])
    donors = ((region == 11) & (start["cropland"] > 0)) | ((region == 84) & (start["grassland"] > 0))
    check("carbon sealed only where the sealing rules apply and while they are in force",
          np.all(seal[:, land & ~sealed_regions] == 0) and np.all(seal[0][land] == 0) and
          np.all(seal[2][land & donors] > 0) and np.all(seal[-1][land] == 0), float(np.nanmax(seal)))
    rows = [l.rstrip("\n").split(",") for l in open(os.path.join(outs[1], "totals.csv")) if not l.startswith("#")]
    head = rows[0]
    col = {c: head.index(c) for c in ("year", "zone_kind", "land_cover", "area_ha")}
    nat = {}
    for r in rows[1:]:
        if r[col["zone_kind"]] == "country":
            nat[(int(r[col["year"]]), r[col["land_cover"]])] = float(r[col["area_ha"]])
    art = [nat[(y, "artificial")] for y in (1999, 2000, 2029, 2030)]
    check("totals.csv: the artificial class's area grows with the transitions, then stays",
          art[0] == 0 and 0 < art[1] < art[2] == art[3], art)
    for y in (2000, 2030):
        total = sum(nat[(y, k)] for k in LUC_CLASSES)
        check("totals.csv %d: the classes' areas add up to the land" % y, abs(total / nat[(y, "all")] - 1) < 1e-12,
              total / nat[(y, "all")] - 1)
    # a restart on another rank count in the middle of the transition period
    d = os.path.join(a.work, "sigterm")
    shutil.rmtree(d, ignore_errors=True)
    cmd = ["mpiexec", "-n", "2", a.alamod, "run", cfg, "--out", d, "--set", "run.end_year=2030",
           "--checkpoint-every", "2"] + [x for kv in sets for x in ("--set", kv)]
    p = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stdout:
        if "year 1999 done" in line:
            for pid in rank_pids(d):
                os.kill(pid, signal.SIGTERM)
            break
    _, err = p.communicate(timeout=300)
    ckpts = sorted(f for f in os.listdir(d) if f.startswith("carbon_yearly.checkpoint_") and f.endswith(".nc"))
    years = [int(f.split("_")[-1][:-3]) for f in ckpts]
    check("SIGTERM in the transition period: exit 75 with a checkpoint of 2000-2028",
          p.returncode == 75 and years and 2000 <= max(years) <= 2028, "rc=%d %s %s" % (p.returncode, years, err[-500:]))
    r = subprocess.run(cmd[:2] + ["3"] + cmd[3:] + ["--restart", "--quiet"], env=ENV, capture_output=True, text=True,
                       timeout=600)
    check("restart on 3 ranks", r.returncode == 0, r.stderr[-800:])
    if r.returncode == 0:
        got = read_vars(os.path.join(d, "carbon_yearly.nc"))
        differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
        check("stopped on 2 ranks in the transitions, restarted on 3: every variable bitwise the uninterrupted run's",
              not differ, differ)
        same = open(os.path.join(d, "totals.csv")).read() == open(os.path.join(outs[1], "totals.csv")).read()
        check("... and the same totals.csv", same)
    # bad rates
    def bad(name, text, must):
        path = os.path.join(a.work, name + ".csv")
        with open(path, "w") as f:
            f.write("zone_kind,zone_code,from,to,rate,first_year,last_year\n" + text)
        out = os.path.join(a.work, "out_" + name)
        shutil.rmtree(out, ignore_errors=True)
        r = run(a, 2, out, 'land_use_change.rates="%s"' % path, end_year=2001, config=cfg)
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        left = os.path.isdir(out) and any(f.startswith("carbon_yearly") or f.startswith(".carbon_yearly.nc")
                                          for f in os.listdir(out))
        check("bad rates, %s: exit 1, one line naming %s" % (name, ", ".join(must)),
              r.returncode == 1 and len(lines) == 1 and all(m in lines[0] for m in must) and not left,
              "rc=%d left=%s %s" % (r.returncode, left, r.stderr[-600:]))
    bad("larger_than_donor", "country,0,grassland,cropland,0.7,1990,2000\nregion,53,grassland,forest,0.4,1995,2000\n",
        ["larger than the donor", "grassland", "in 1995", "land cell (row"])
    bad("unknown_class", "country,0,grassland,vineyard,0.1,1990,2000\n", [":2 (to)", "unknown class 'vineyard'"])


def cmd_luc_amg(a):
    """Land-use change with AMG, whose stable pool is derived from each tile's observed stock at the start: the
    stable pool moves with the land (mixed area-weighted like the active pool), so the run's carbon check of every
    changed cell passes each year; bitwise the same on 1 and 3 ranks with cells moving; the stable pool changes only
    in the cells whose land cover changes."""
    cfg = os.path.join(a.source_dir, "configs/france_luc_example.toml")
    sets = ('model="amg"', "run.start_year=1999", 'decomposition.rebalance="always"',
            "decomposition.rebalance_every_years=2")
    outs = {}
    for np_ in (1, 3):
        d = os.path.join(a.work, "amg_np%d" % np_)
        r = run(a, np_, d, *sets, end_year=2004, config=cfg)
        check("AMG with land-use change on %d rank(s): exit 0, every changed cell's carbon balanced every year" % np_,
              r.returncode == 0, r.stderr[-1500:])
        if r.returncode != 0:
            return
        outs[np_] = read_vars(os.path.join(d, "carbon_yearly.nc"))
    ref, got = outs[1], outs[3]
    differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
    check("AMG with land-use change, 3 ranks: every output variable bitwise the same as on 1 rank", not differ, differ)
    fill = lambda x: np.where(np.abs(x) > 1e19, np.nan, x).astype(np.float64)
    stable = fill(ref["cSoilPools"])[:, 1]  # (time, pool, y, x): AMG's pools are active, stable
    fr = fill(ref["area_fraction"])
    land = np.isfinite(stable[0])
    changed = land & (np.nansum(np.abs(fr[-1] - fr[0]), axis=0) > 0)
    sealed = land & np.isin(raster(data(a, "region_8km.tif")), [11, 84])  # the example's sealing rules
    rel = np.abs(stable[-1] - stable[0]) / stable[0]
    # each tile's stable pool differs by class (its own observed stock): had it stayed with the tile, the cell's
    # would follow the fractions; mixed with the land, the cell's is conserved, less what sealing loses
    check("the cells' stable pool is conserved by the transitions where nothing is sealed (1e-6), in %d cells" %
          int((changed & ~sealed).sum()), (changed & ~sealed).sum() > 1000 and np.all(rel[changed & ~sealed] < 1e-6),
          float(np.max(rel[changed & ~sealed])))
    check("... and falls where land is sealed", np.all(stable[-1][changed & sealed] < stable[0][changed & sealed]))


# ------------------------------------------------------------------------------------------------ bad input
def copy_raster(src, dst, change=None, srs=True):
    ds = gdal.Open(src)
    arr = ds.GetRasterBand(1).ReadAsArray()
    if change:
        change(arr)
    drv = gdal.GetDriverByName("GTiff")
    out = drv.Create(dst, ds.RasterXSize, ds.RasterYSize, 1, ds.GetRasterBand(1).DataType)
    out.SetGeoTransform(ds.GetGeoTransform())
    if srs:
        out.SetProjection(ds.GetProjection())
    nd = ds.GetRasterBand(1).GetNoDataValue()
    if nd is not None:
        out.GetRasterBand(1).SetNoDataValue(nd)
    out.GetRasterBand(1).WriteArray(arr)
    out = None


def first_land_cell(a):
    m = raster(data(a, "land_mask_8km.tif"))
    f = raster(data(a, "land_cover_fraction_cropland_8km.tif"))
    rows, cols = np.nonzero((m == 1) & (f > 0.2) & (f < 0.8))
    return int(rows[0]), int(cols[0])


def cmd_bad_input(a):
    os.makedirs(a.work, exist_ok=True)
    r0, c0 = first_land_cell(a)
    cell = "row %d, col" % r0
    crop = data(a, "land_cover_fraction_cropland_8km.tif")

    # the refusals run 4 at once (each its own inputs and output folder; mostly the start of mpiexec and of the
    # engine), checked in order at the end
    from concurrent.futures import ThreadPoolExecutor
    pool, queued = ThreadPoolExecutor(4), []

    def bad(name, sets, must, *, path_in=None):
        d = os.path.join(a.work, "out_" + name.replace(" ", "_"))
        shutil.rmtree(d, ignore_errors=True)
        queued.append((name, d, must, pool.submit(run, a, 2, d, *sets, end_year=1990)))

    def bad_checked(name, d, must, r):
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        left = os.path.isdir(d) and any(f.startswith("carbon_yearly") or f.startswith(".carbon_yearly.nc")
                                        for f in os.listdir(d))
        ok = r.returncode == 1 and len(lines) == 1 and all(m in lines[0] for m in must) and not left
        check("bad input, %s: exit 1, one line naming %s" % (name, ", ".join(must)), ok,
              "rc=%d left=%s stderr=%s" % (r.returncode, left, r.stderr[-700:]))

    def setter(v):
        def f(arr):
            arr[r0, c0] = v
        return f

    p = os.path.join(a.work, "crop_sum.tif")
    copy_raster(crop, p, setter(0.9))
    bad("fractions not summing to 1", ['land_use.cropland.fraction="%s"' % p],
        [p, "sum to", "cropland", cell, "fraction_tolerance"])
    p = os.path.join(a.work, "crop_negative.tif")
    copy_raster(crop, p, setter(-0.25))
    bad("negative fraction", ['land_use.cropland.fraction="%s"' % p], [p, "land_use.cropland.fraction", cell])
    p = os.path.join(a.work, "fine_unknown.tif")

    def unknown(arr):
        arr[8 * r0 + 3, 8 * c0 + 4] = 7
    copy_raster(data(a, "land_use_1km.tif"), p, unknown)
    bad("a class without settings in the fine map",
        ['inputs.land_cover_map="%s"' % p] + ['land_use.%s.fraction=""' % c for c in CLASSES],
        [p, "code 7", "row %d, column %d" % (8 * r0 + 3, 8 * c0 + 4), "no [land_use.*] class"])
    p = os.path.join(a.work, "crop_no_crs.tif")
    copy_raster(crop, p, srs=False)
    bad("a fraction raster without a CRS (cannot be warped)", ['land_use.cropland.fraction="%s"' % p],
        [p, "coordinate reference system"])
    bad("a class without a fraction raster", ['land_use.forest.fraction=""'], ["land_use.forest.fraction", "missing"])
    p = os.path.join(a.work, "soc_bad.tif")
    copy_raster(data(a, "soc_stock_cropland_8km.tif"), p, setter(-5.0))
    bad("a class stock out of range", ['land_use.cropland.soc_stock="%s"' % p], [p, "land_use.cropland.soc_stock", cell])
    p = os.path.join(a.work, "input_bad.tif")
    copy_raster(data(a, "carbon_input_8km.tif"), p, setter(float("nan")))
    bad("a class carbon input not a number", ['land_use.cropland.carbon_input="%s"' % p],
        [p, "land_use.cropland.carbon_input", cell, "t ha-1 yr-1"])
    pool.shutdown(wait=True)
    for name, d, must, future in queued:
        bad_checked(name, d, must, future.result())


def cmd_class_input(a):
    """land_use.NAME.carbon_input: the class's tiles take their plant input from their own raster."""
    p = os.path.join(a.work, "forest_input_x2.tif")

    def double(arr):
        arr *= 2.0  # exact in binary: the same bits as input_factor = 2
    copy_raster(data(a, "carbon_input_8km.tif"), p, double)
    outs = {}
    for name, sets in {"raster": ['land_use.forest.carbon_input="%s"' % p],
                       "factor": ["land_use.forest.input_factor=2"], "plain": []}.items():
        d = os.path.join(a.work, "out_" + name)
        # the equilibrium spin-up: the default inverse one rescales every tile's input to its observed stock
        r = run(a, 2, d, 'spinup.method="equilibrium"', *sets, end_year=1991)
        check("run with the forest input %s" % name, r.returncode == 0, r.stderr[-800:])
        outs[name] = read_vars(os.path.join(d, "carbon_yearly.nc"))
    check("forest input from its own raster (x2) = inputs.carbon_input x input_factor 2, bitwise",
          all(np.array_equal(outs["raster"][v], outs["factor"][v]) for v in ("cSoil", "cSoilPools", "fCarbonInput")))
    forest = raster(data(a, "land_cover_fraction_forest_8km.tif"))
    f = np.flipud(forest) if outs["plain"]["y"][0] < outs["plain"]["y"][-1] else forest
    fin_r, fin_p = outs["raster"]["fCarbonInput"][0], outs["plain"]["fCarbonInput"][0]
    land = fin_p < 1e19
    with_forest = land & (f > 0.05)
    without = land & ~(f > 0)
    check("the input changed where forest is, and only there",
          np.all(fin_r[with_forest] > fin_p[with_forest]) and np.array_equal(fin_r[without], fin_p[without]),
          "%d forest cells, %d without" % (with_forest.sum(), without.sum()))


# ------------------------------------------------------------------------------------------------ maps
def cmd_luc_maps(a):
    """land_use_change.maps: the change between two class maps spread evenly over the years between them."""
    src = data(a, "land_use_1km.tif")
    later = os.path.join(a.work, "land_use_2000_1km.tif")

    def change(arr):
        ny = arr.shape[0]
        band = arr[ny // 5: ny // 3]
        band[band == 2] = 1  # a band of the north: grassland ploughed up
        band = arr[ny // 2: ny // 2 + ny // 8]
        band[band == 3] = 2  # a band of the centre: forest cleared to grassland
    copy_raster(src, later, change)
    csv = os.path.join(a.work, "maps.csv")
    with open(csv, "w") as f:
        f.write("# the 1990 land cover, then a changed map of 2000\nyear,file\n1990,%s\n2000,land_use_2000_1km.tif\n" % src)
    outs = {}
    for np_ in (1, 3):
        d = os.path.join(a.work, "maps_np%d" % np_)
        r = run(a, np_, d, 'land_use_change.maps="%s"' % csv, end_year=2001,
                extra=("--set", 'decomposition.rebalance="always"', "--set", "decomposition.rebalance_every_years=3"))
        check("land-use change from maps on %d rank(s)" % np_, r.returncode == 0, r.stderr[-1500:])
        if r.returncode != 0:
            return
        outs[np_] = read_vars(os.path.join(d, "carbon_yearly.nc"))
    differ = [k for k in outs[1] if outs[1][k].tobytes() != outs[3][k].tobytes()]
    check("maps: every output variable bitwise the same on 1 and 3 ranks", not differ, differ)
    d = os.path.join(a.work, "maps_reference")
    r = run(a, 1, d, 'inputs.land_cover_map="%s"' % later, *['land_use.%s.fraction=""' % c for c in CLASSES],
            end_year=1990)
    check("the 2000 map as a run's land cover", r.returncode == 0, r.stderr[-800:])
    want1 = read_vars(os.path.join(d, "carbon_yearly.nc"))["area_fraction"]
    fill = lambda x: np.where(x > 1e19, np.nan, x).astype(np.float64)
    f0 = fill(outs[1]["area_fraction_initial"])
    fy = fill(outs[1]["area_fraction"])
    f1 = fill(want1)
    land = np.isfinite(f0[0])
    # the run starts from the shipped 8 km fraction rasters (float32), the moves are the maps' differences: the
    # 2000 fractions are the 2000 map's within the rasters' rounding (about 1e-7)
    err_end = np.nanmax(np.abs(fy[10] - f1)[:, land])
    check("the fractions of 2000 are the 2000 map's (largest difference %.1e)" % err_end, err_end < 1e-6, err_end)
    err_next = np.nanmax(np.abs(fy[11] - fy[10])[:, land])
    check("no change after the last map (2001)", err_next == 0.0, err_next)
    half = f0 + 0.5 * (f1 - f0)
    err_half = np.nanmax(np.abs(fy[5] - half)[:, land])
    check("1995 is halfway between the maps (largest difference %.1e)" % err_half, err_half < 1e-6, err_half)
    moved = np.abs(f1 - f0)[:, land].sum() / 2
    check("the maps move land (%.0f cells' worth)" % moved, moved > 50, moved)
    tmp = os.path.join(a.work, "bad_maps.csv")

    def bad(name, text, must):
        with open(tmp, "w") as f:
            f.write(text)
        dd = os.path.join(a.work, "out_bad_maps")
        shutil.rmtree(dd, ignore_errors=True)
        r = run(a, 2, dd, 'land_use_change.maps="%s"' % tmp, end_year=2001)
        lines = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        ok = r.returncode == 1 and len(lines) == 1 and all(m in lines[0] for m in must)
        check("bad maps, %s: exit 1, one line naming %s" % (name, ", ".join(must)), ok, r.stderr[-600:])
    bad("a map year outside the run", "year,file\n1990,%s\n2050,%s\n" % (src, later),
        [tmp + ":3 (year)", "2050", "outside the run"])
    bad("the first map differs from the run's land cover", "year,file\n1990,%s\n2000,%s\n" % (later, src),
        [later, "first map", "fraction_tolerance"])
    bad("years out of order", "year,file\n1995,%s\n1992,%s\n" % (src, later), [tmp + ":3 (year)", "not after"])
    bad("one map only", "year,file\n1990,%s\n" % src, [tmp, "at least two"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["ranks", "fine-map", "luc", "bad-input", "class-input", "luc-maps", "luc-amg"])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    a.source_dir = os.path.abspath(a.source_dir)  # the configuration's paths are relative to its folder
    os.makedirs(a.work, exist_ok=True)
    {"ranks": cmd_ranks, "fine-map": cmd_fine_map, "luc": cmd_luc, "bad-input": cmd_bad_input,
     "class-input": cmd_class_input, "luc-maps": cmd_luc_maps, "luc-amg": cmd_luc_amg}[a.what](a)
    print("%d passed, %d failed" % (sum(results), len(results) - sum(results)))
    sys.exit(0 if results and all(results) else 1)


if __name__ == "__main__":
    main()
