#!/usr/bin/python3
"""Vegetation on the grid's tiles ([vegetation]; docs/VEGETATION.md, "Grid runs"), end to end with the real binary.

  test_vegetation_grid.py ranks     --alamod PATH --source-dir DIR --work DIR
      configs/france_vegetation.toml on a 40 x 40 window of the 8 km grid, 1990-1995, on 1, 2 and 3 ranks with
      cells moving every 2 years: every variable bitwise the same; the CMIP variables are there with their units;
      every cell's vegetation balances (cVeg change = npp - fVegLitter - fHarvest, double precision); the cells all
      grassland or all cropland hold living shoots and roots at every year's end and balance to 1e-6 relative.
  test_vegetation_grid.py restart   --alamod PATH --source-dir DIR --work DIR
      the same run stopped by SIGTERM on 2 ranks after a checkpoint and restarted on 3: the 1-rank run's bits.
  test_vegetation_grid.py bad-input --alamod PATH --source-dir DIR --work DIR
      fAPAR outside 0-1, a species without parameters (unknown, and a published set lacking some), an all-cloud
      cell (no valid greenness), a forest table without the tile's région, a share of cleared wood exported above 1:
      exit 1, one line, no output.
  test_vegetation_grid.py ign       --alamod PATH --source-dir DIR --work DIR
      the France 8 km default with vegetation, 1990-1999: initial live carbon within 1 % of IGN's per-région
      values for the same areas; production, removals, mortality within 20 % of IGN's national values.
  test_vegetation_grid.py coupled   --alamod PATH --source-dir DIR --work DIR
      litter to the soil (vegetation.soil_input = "litter", RothC): the soil's fCarbonInput is the vegetation's
      fVegLitter on every cell where vegetation covers all the land (nothing created or lost), at 1 and 3 ranks
      bitwise the same.
  test_vegetation_grid.py spinup    --alamod PATH --source-dir DIR --work DIR
      the soil spun up on the vegetation's litter (vegetation.soil_spinup = "litter", the default) against the static
      raster ("static"), 1990-1999 on 2 ranks: the inverse spin-up starts both from the observed stocks; the static
      one jumps (> 3 % in ten years), the litter one drifts less than 0.5 % (inverse; 1 % equilibrium).
  test_vegetation_grid.py scenarios --alamod PATH --source-dir DIR --work DIR
      litter to the soil with [scenarios] (branch 1993) on the 40 x 40 window, 1990-1995: a baseline and a scenario
      with input_factor 1.2 and cover crops on cropland (docs/SCENARIOS.md "With vegetation"). The baseline's file is
      bitwise a run without scenarios over 1993-1995 for every variable (its *Initial: the run's end of 1992); the scenario's vegetation is the baseline's
      bitwise (it starts from the branch's state); on the cells all cropland its fCarbonInput is 1.2 x fVegLitter +
      the cover crops' 0.78 t C ha-1 yr-1, on the cells without cropland the baseline's bitwise; 1 and 3 ranks bitwise
      with cells moving every 2 years (in the historical years and the forward periods).
  test_vegetation_grid.py luc       --alamod PATH --source-dir DIR --work DIR
      land-use change with vegetation (docs/VEGETATION.md, "Land-use change") on the 40 x 40 window, 1990-1995: a
      région's forest 30 % cleared to cropland in 1991, cropland afforested at 5 % a year in 1991-1992, grassland
      ploughed at 2 % a year in 1991-1993; 1 and 3 ranks with cells moving bitwise; from the output, every cell's
      vegetation + soil + exported carbon conserved each year and the soil's input the litter plus the cleared
      biomass's; the cleared band's forest carbon falls and its wood is exported there only; a young stand grows on
      the new forest. land_use_change.maps (a 1994 map: a band cleared, a band afforested) with the inverse spin-up
      and a scenario's land_use_change_rates (branch 1993), on 2 ranks: conserved in every cell too.
  test_vegetation_grid.py luc-restart --alamod PATH --source-dir DIR --work DIR
      the same run to 2000 stopped by SIGTERM on 2 ranks after 1990 (in the transition period) and restarted on 3: the 1-rank
      run's bits.
"""
import argparse
import os
import re
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
WINDOW = ["grid.xmin=560000.0", "grid.xmax=880000.0", "grid.ymin=6400000.0", "grid.ymax=6720000.0",
          "totals.report=false", 'output.precision="double"']
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)[-1500:]), flush=True)


def command(a, ranks, out, sets, end_year=1995):
    cmd = ["mpiexec", "-n", str(ranks), a.alamod, "run", os.path.join(a.source_dir, "configs/france_vegetation.toml"),
           "--out", out, "--overwrite", "--set", "run.end_year=%d" % end_year]
    for s in sets:
        cmd += ["--set", s]
    return cmd


def run(a, ranks, out, sets, end_year=1995):
    return subprocess.run(command(a, ranks, out, sets, end_year) + ["--quiet"], env=ENV, capture_output=True,
                          text=True, timeout=600)


def read_vars(path):
    with netCDF4.Dataset(path) as ds:
        out = {}
        for name, v in ds.variables.items():
            v.set_auto_maskandscale(False)
            out[name] = np.array(v[...])
        return out


MOVING = ['decomposition.rebalance="always"', "decomposition.rebalance_every_years=2"]


def test_ranks(a):
    outs = []
    for n in (1, 2, 3):
        out = os.path.join(a.work, "np%d" % n)
        r = run(a, n, out, WINDOW + MOVING)
        check("window run on %d rank(s)" % n, r.returncode == 0, r.stderr[-1500:])
        outs.append(out)
    if not all(results):
        return
    ref = read_vars(os.path.join(outs[0], "carbon_yearly.nc"))
    for n, out in zip((2, 3), outs[1:]):
        got = read_vars(os.path.join(out, "carbon_yearly.nc"))
        differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
        check("%d ranks (cells moving): every variable bitwise the 1-rank run's" % n, not differ, differ)
        same = open(os.path.join(out, "biomass_totals.csv")).read() == open(os.path.join(outs[0], "biomass_totals.csv")).read()
        check("%d ranks: the same biomass_totals.csv" % n, same)
    rows = [l.split(",") for l in open(os.path.join(outs[0], "biomass_totals.csv")).read().splitlines()]
    head = rows[0]
    first = [r for r in rows[1:] if r[head.index("zone_kind")] == "country" and r[head.index("year")] == "1990"]
    by_class = {r[head.index("land_cover")]: float(r[head.index("biomass_start_TgC")]) for r in first}
    veg = read_vars(os.path.join(outs[0], "carbon_yearly.nc"))["cVegInitial"]
    total = np.nansum(np.where(veg < 1e30, veg, np.nan)) * 10 * 6400 / 1e6  # t C -> Tg C (64 km2 = 6400 ha cells)
    parts0 = sum(by_class.get(k, 0.0) for k in ("forest", "grassland", "cropland"))
    check("biomass_totals.csv: the national start is the sum of cVegInitial (%.4f Tg C); the classes add up to it "
          "(grass and crops at their steady state: %.4f, %.4f Tg C)"
          % (total, by_class.get("grassland", 0), by_class.get("cropland", 0)),
          abs(by_class["all"] - total) <= 1e-6 * total and abs(parts0 - by_class["all"]) <= 1e-6 * total
          and by_class.get("grassland", 0) > 0, by_class)
    last = [r for r in rows[1:] if r[head.index("zone_kind")] == "country" and r[head.index("year")] == "1995"]
    end = {r[head.index("land_cover")]: float(r[head.index("biomass_TgC")]) for r in last}
    parts = sum(end.get(k, 0.0) for k in ("forest", "grassland", "cropland"))
    check("biomass_totals.csv 1995: grassland %.4f and cropland %.4f Tg C hold biomass; the classes add up to all "
          "(%.4f v. %.4f Tg C)" % (end.get("grassland", 0), end.get("cropland", 0), parts, end.get("all", 0)),
          end.get("grassland", 0) > 0 and end.get("cropland", 0) > 0 and abs(parts - end["all"]) <= 1e-6 * end["all"],
          end)
    with netCDF4.Dataset(os.path.join(outs[0], "carbon_yearly.nc")) as ds:
        units = {n: ds.variables[n].units for n in ("cVeg", "cLeaf", "cWood", "cRoot", "cLitter", "gpp", "npp",
                                                      "fVegLitter") if n in ds.variables}
        std = ds.variables["cVeg"].standard_name
    check("CMIP variables with their units", units == {"cVeg": "kg m-2", "cLeaf": "kg m-2", "cWood": "kg m-2",
                                                        "cRoot": "kg m-2", "cLitter": "kg m-2", "gpp": "kg m-2 s-1",
                                                        "npp": "kg m-2 s-1", "fVegLitter": "kg m-2 s-1"}, units)
    check("cVeg's standard name", std == "vegetation_carbon_content", std)
    v = ref
    seconds = np.array([(366 if y % 4 == 0 else 365) * 86400.0 for y in range(1990, 1996)])[:, None, None]
    land = np.isfinite(v["cVegInitial"]) & (v["cVegInitial"] < 1e30)
    cveg = np.concatenate([v["cVegInitial"][None], v["cVeg"]])
    change = np.diff(cveg, axis=0)
    budget = (v["npp"] - v["fVegLitter"] - v["fHarvest"]) * seconds
    err = np.abs(change - budget)[:, land]
    check("every cell's vegetation balances each year (cVeg change = npp - fVegLitter - fHarvest)",
          err.max() <= 1e-9 * max(1.0, np.abs(cveg[:, land]).max()), err.max())
    # the grass's and crops' living biomass (docs/VEGETATION.md, "Living biomass of grassland and cropland"): on
    # the cells all grassland or all cropland, shoots and roots held at every year's end (the grass all year; the
    # crops regrowing after July's harvest), the balance from the outputs to 1e-6 relative
    frac = v["area_fraction"]  # (landcover, y, x): cropland, forest, grassland
    for layer, name in ((0, "cropland"), (2, "grassland")):
        only = land & (frac[layer] > 0.999999)
        veg, leaf, root = (v[k][:, only] for k in ("cVeg", "cLeaf", "cRoot"))
        check("%d cells all %s: living biomass at each year's end (cVeg %.3f-%.3f t C ha-1, leaves and roots > 0)"
              % (only.sum(), name, 10 * veg.min(), 10 * veg.max()),
              only.sum() >= 5 and (veg > 0).all() and (leaf > 0).all() and (root > 0).all()
              and np.abs(veg - leaf - root).max() <= 1e-12, (veg.min(), leaf.min(), root.min()))
        # relative to the year's NPP (the change itself is near 0 at the steady start)
        rel = np.abs(change[:, only] - budget[:, only]) / (v["npp"] * seconds)[:, only]
        check("%s: delta cVeg = (npp - fVegLitter - fHarvest) x seconds per year to 1e-6 of the NPP (max %.2g)"
              % (name, rel.max()), rel.max() <= 1e-6, rel.max())
    forest_c = v["cVegInitial"][land]
    check("the window has vegetation carbon (t C ha-1 mean %.1f)" % (10 * forest_c.mean()), forest_c.mean() > 1.0)
    npp = (v["npp"] * seconds)[:, land].mean() * 10
    check("land-mean NPP %.2f t C ha-1 yr-1 (between 2 and 10)" % npp, 2 < npp < 10, npp)


def sigterm_and_restart(a, sets, end_year, what):
    """The run of `sets` uninterrupted on 1 rank; stopped by SIGTERM on 2 ranks once 1990 is done (a checkpoint a
    year); restarted on 3 ranks. Checks the stop (exit 75) and that every variable of the restarted run is bitwise
    the uninterrupted run's. Returns (the uninterrupted run's folder, the restarted run's folder or None)."""
    ref_out = os.path.join(a.work, "restart_np1")
    r = run(a, 1, ref_out, sets, end_year=end_year)
    check("%s, uninterrupted on 1 rank" % what, r.returncode == 0, r.stderr[-800:])
    d = os.path.join(a.work, "sigterm")
    shutil.rmtree(d, ignore_errors=True)
    cmd = command(a, 2, d, sets + MOVING, end_year=end_year) + ["--checkpoint-every", "1"]
    p = subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in p.stdout:
        if "year 1990 done" in line:
            for pid in rank_pids(d):
                os.kill(pid, signal.SIGTERM)
            break
    _, err = p.communicate(timeout=300)
    stop = re.search(r"after year (\d+)", err)
    check("SIGTERM on 2 ranks: exit 75 with a checkpoint after %s" % (stop.group(1) if stop else "?"),
          p.returncode == 75, "rc=%d %s" % (p.returncode, err[-500:]))
    again = [x for x in cmd if x != "--overwrite"]
    r = subprocess.run(again[:2] + ["3"] + again[3:] + ["--restart", "--quiet"], env=ENV, capture_output=True,
                       text=True, timeout=600)
    check("restart on 3 ranks", r.returncode == 0, r.stderr[-800:])
    if r.returncode != 0:
        return ref_out, None
    ref = read_vars(os.path.join(ref_out, "carbon_yearly.nc"))
    got = read_vars(os.path.join(d, "carbon_yearly.nc"))
    differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
    check("stopped on 2 ranks, restarted on 3: every variable bitwise the uninterrupted 1-rank run's", not differ,
          differ)
    return ref_out, d


def test_restart(a):
    ref_out, d = sigterm_and_restart(a, WINDOW, 2010, "vegetation")
    if d:
        same = open(os.path.join(d, "biomass_totals.csv")).read() == open(os.path.join(ref_out, "biomass_totals.csv")).read()
        check("... and the same biomass_totals.csv", same)


def test_bad_input(a):
    bad_yield = os.path.join(a.work, "yields_bad.csv")
    with open(bad_yield, "w") as f:
        f.write("region_code,crop,yield_t_ha,moisture_pct,harvest_index,shoot_root_ratio,beta,straw_returned\n"
                "0,Winter wheat,7.0,15,1.479,7.517,0.96,0.5\n")
    holed = os.path.join(a.work, "ndvi_holed.tif")
    src = gdal.Open(os.path.join(a.source_dir, "data/france/ndvi_june_8km.tif"))
    ds = gdal.GetDriverByName("GTiff").CreateCopy(holed, src)
    b = ds.GetRasterBand(1)
    arr = b.ReadAsArray()
    arr[:, :] = np.where(arr > -9000, arr, arr)
    arr[50:90, 80:110] = -9999.0  # an all-cloud patch over land in the window
    b.WriteArray(arr)
    ds = None
    table = os.path.join(a.work, "forest_no_84.csv")
    with open(os.path.join(a.source_dir, "data/france/forest_ign_regions.csv")) as f, open(table, "w") as g:
        for line in f:
            if not line.startswith("84,"):
                g.write(line)
    cases = [
        ("fAPAR outside 0-1", ['vegetation.greenness_quantity="fapar"', "vegetation.greenness_scale=2.0"],
         ["ndvi_june_8km.tif", "fAPAR = ", "outside 0-1", "cell"]),
        ("a species without parameters (unknown name)", ['vegetation.broadleaf_species="Quercus ilex real"'],
         ["vegetation.broadleaf_species", "Quercus ilex real"]),
        ("a species whose published set lacks parameters", ['vegetation.conifer_species="Pinus_sylvestris_16"'],
         ["vegetation.conifer_species", "Pinus_sylvestris_16"]),
        ("an all-cloud cell (no valid greenness)", ['vegetation.greenness="%s"' % holed],
         ["ndvi_holed.tif", "no valid ndvi", "all-cloud", "cell"]),
        ("a région without forest-table rows", ['vegetation.forest_table="%s"' % table],
         ["forest_no_84.csv", "region code 84", "cell"]),
        ("a harvest index above 1 in the crop yields", ['vegetation.cropland_input="yield"',
                                                        'vegetation.crop_yield_table="%s"' % bad_yield],
         ["yields_bad.csv", "line 2", "harvest_index", "1.479"]),
        ("a share of cleared wood exported above 1 (land-use change)", ["vegetation.clearing_export=1.5"],
         ["vegetation.clearing_export", "1.5", "within 0-1"]),
    ]
    # the refusals 3 at once (each its own output folder), checked in order
    outs = [os.path.join(a.work, "bad_%d" % k) for k in range(len(cases))]
    for out in outs:
        shutil.rmtree(out, ignore_errors=True)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(3) as pool:
        runs = list(pool.map(lambda k: run(a, 2, outs[k], WINDOW + cases[k][1], end_year=1991), range(len(cases))))
    for (name, sets, must), out, r in zip(cases, outs, runs):
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        errs = [l for l in lines if l.startswith("alamod: error:")]
        ok = r.returncode == 1 and len(errs) == 1 and all(m in errs[0] for m in must)
        left = os.path.exists(os.path.join(out, "carbon_yearly.nc"))
        check("bad input, %s: exit 1, one error line naming %s, no output" % (name, must), ok and not left,
              "rc=%d %s" % (r.returncode, r.stderr[-600:]))


def test_ign(a):
    out = os.path.join(a.work, "ign")
    r = run(a, 2, out, ["totals.report=false", 'vegetation.soil_input="static"'], end_year=1999)
    check("France 8 km with vegetation, 1990-1999, 2 ranks", r.returncode == 0, r.stderr[-800:])
    if r.returncode != 0:
        return
    c = subprocess.run(["/usr/bin/python3", os.path.join(a.source_dir, "tests/integration/check_vegetation_ign.py"),
                        os.path.join(out, "carbon_yearly.nc"), "--source-dir", a.source_dir, "--check"],
                       capture_output=True, text=True)
    print(c.stdout)
    check("initial state within 1 % of IGN for the same areas; production, removals, mortality within 20 %",
          c.returncode == 0, c.stdout[-800:] + c.stderr[-800:])


def on_1_and_3_ranks(a, name, sets, what):
    """`sets` on 1 rank and on 3 with cells moving; checks both ran and every variable of the 3-rank output is
    bitwise the 1-rank one's. Returns the two output folders, or None when a check failed."""
    outs = []
    for n in (1, 3):
        out = os.path.join(a.work, "%s_np%d" % (name, n))
        r = run(a, n, out, sets + MOVING)
        check("%s on %d rank(s)" % (what, n), r.returncode == 0, r.stderr[-1500:])
        outs.append(out)
    if not all(results):
        return None
    ref = read_vars(os.path.join(outs[0], "carbon_yearly.nc"))
    got = read_vars(os.path.join(outs[1], "carbon_yearly.nc"))
    differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
    check("3 ranks (cells moving): every variable bitwise the 1-rank run's", not differ, differ)
    return outs


def test_coupled(a):
    # an equilibrium spin-up: the soil's input is the litter itself (the inverse spin-up scales it, test_spinup)
    sets = WINDOW + ['vegetation.soil_input="litter"', 'spinup.method="equilibrium"']
    outs = on_1_and_3_ranks(a, "coupled", sets, "litter to the soil (RothC)")
    if not outs:
        return
    ref = read_vars(os.path.join(outs[0], "carbon_yearly.nc"))
    seconds = np.array([(366 if y % 4 == 0 else 365) * 86400.0 for y in range(1990, 1996)])[:, None, None]
    frac = ref["area_fraction"]  # (landcover, y, x): cropland, forest, grassland; all three carry vegetation
    land = np.isfinite(ref["cVegInitial"]) & (ref["cVegInitial"] < 1e30)
    litter = ref["fVegLitter"] * seconds * 10.0  # t C ha-1 yr-1
    soil = ref["fCarbonInput"]
    err = np.abs(litter - soil)[:, land]
    check("the soil's input is the vegetation's litter on every cell (nothing created or lost)",
          err.max() <= 1e-9 * max(1.0, soil[:, land].max()), err.max())
    del frac
    # AMG on the litter: its fCarbonInput is the humified input entering from the year before (0.3 of the plant
    # carbon, models/amg/README.md), so the year's input is 0.3 x the previous year's litter on every cell
    out = os.path.join(a.work, "coupled_amg")
    r = run(a, 2, out, sets + ['model="amg"'])
    check("litter to the soil (AMG) on 2 ranks", r.returncode == 0, r.stderr[-1500:])
    if r.returncode == 0:
        amg = read_vars(os.path.join(out, "carbon_yearly.nc"))
        lit = amg["fVegLitter"] * seconds * 10.0
        err = np.abs(amg["fCarbonInput"][1:] - 0.3 * lit[:-1])[:, land]
        check("AMG's humified input is 0.3 x the previous year's litter on every cell (max error %.2e)" % err.max(),
              land.sum() > 100 and err.max() <= 1e-9 * max(1.0, lit[:, land].max()), err.max())
    # crop residues from yields (vegetation.cropland_input = "yield"): on the cells all cropland, the litter is
    # Bolinder's straw returned and roots within 30 cm of data/france/crop_yields_regions.csv's wheat, computed here
    out = os.path.join(a.work, "coupled_yield")
    r = run(a, 2, out, sets + ['vegetation.cropland_input="yield"',
                               'vegetation.crop_yield_table="../data/france/crop_yields_regions.csv"'], end_year=1991)
    check("crop residues from yields on 2 ranks", r.returncode == 0, r.stderr[-1500:])
    if r.returncode != 0:
        return
    y = read_vars(os.path.join(out, "carbon_yearly.nc"))
    dm = 7.0 * (1 - 0.15)
    above = dm * (1 - 0.479) / 0.479 * 0.44 * 0.5
    below = 1.65 * dm / (7.517 * 0.479) * 0.40 * (1 - 0.96 ** 30)
    grain = dm * 0.44 + dm * (1 - 0.479) / 0.479 * 0.44 - above
    crop = y["area_fraction"][0] > 0.999999
    sec = 365 * 86400.0 * 10.0  # kg m-2 s-1 -> t C ha-1 yr-1 (1991)
    lit, npp, har = (y[k][1][crop] * sec for k in ("fVegLitter", "npp", "fHarvest"))
    ok = crop.sum() > 10 and np.abs(lit - (above + below)).max() < 1e-9 and np.abs(npp - (above + below + grain)).max() < 1e-9 \
        and np.abs(har - grain).max() < 1e-9 and np.abs(y["fCarbonInput"][1][crop] - lit).max() < 1e-9
    check("on %d cells all cropland: litter %.4f = straw returned %.4f + roots and rhizodeposits %.4f, harvest %.4f, "
          "the soil's input the litter (t C ha-1 yr-1)" % (crop.sum(), above + below, above, below, grain), ok,
          (lit[:3], npp[:3], har[:3]))


def national_soil(out):
    """France's (the window's) soil stock: the start and each year's end (Tg C), from totals.csv."""
    import csv
    rows = [r for r in csv.DictReader(open(os.path.join(out, "totals.csv")))
            if r["zone_kind"] == "country" and r["land_cover"] == "all"]
    return float(rows[0]["soc_start_TgC"]), [float(r["soc_TgC"]) for r in rows]


def test_spinup(a):
    """The soil spun up on the vegetation's litter (vegetation.soil_spinup = "litter") does not jump in the first
    years; spun up on the static raster ("static") it does. Inverse spin-up (the configuration's): both start from the
    observed stocks. Equilibrium: the spin-up on the litter keeps working."""
    drift = {}
    window = [x for x in WINDOW if x != "totals.report=false"]
    for name, sets in [("litter", ['vegetation.soil_spinup="litter"', "totals.report=true"]),
                       ("static", ['vegetation.soil_spinup="static"']),
                       ("soil only", ['vegetation.soil_input="static"']),
                       ("litter, equilibrium", ['vegetation.soil_spinup="litter"', 'spinup.method="equilibrium"'])]:
        out = os.path.join(a.work, name.replace(" ", "_").replace(",", ""))
        r = run(a, 2, out, (window if "totals.report=true" in sets else WINDOW) + sets, end_year=1999)
        check("1990-1999 with soil_spinup %s on 2 ranks" % name, r.returncode == 0, r.stderr[-1500:])
        if r.returncode != 0:
            return
        start, series = national_soil(out)
        drift[name] = (start, 100.0 * (series[-1] - start) / start)
        print("  %-20s soil %.3f Tg C at the start, %s; %+.3f %% in ten years" %
              (name, start, " ".join("%.2f" % x for x in series), drift[name][1]))
    s_lit, d_lit = drift["litter"]
    s_sta, d_sta = drift["static"]
    check("inverse spin-up: the same observed start on the litter and on the static raster (%.6f, %.6f Tg C)"
          % (s_lit, s_sta), abs(s_lit - s_sta) <= 1e-9 * s_sta)
    check("spun up on the static raster, the soil jumps: %+.2f %% in ten years (> 3 %%)" % d_sta, d_sta > 3.0)
    check("spun up on the litter, the first decade's drift %+.3f %% is below 0.5 %% (and its distance to the soil-only "
          "run's %+.3f %% too)" % (d_lit, drift["soil only"][1]),
          abs(d_lit) < 0.5 and abs(d_lit - drift["soil only"][1]) < 0.5)
    # the report shows the biomass beside the soil: the key figure, the series, the class table's national row
    html = open(os.path.join(a.work, "litter", "report.html"), encoding="utf-8").read()
    import csv
    rows = [r for r in csv.DictReader(open(os.path.join(a.work, "litter", "biomass_totals.csv")))
            if r["zone_kind"] == "country" and r["land_cover"] == "all"]
    b0, b1 = float(rows[0]["biomass_start_TgC"]), float(rows[-1]["biomass_TgC"])
    table = html[html.find('<section id="biomass">'):]
    table = table[:table.find("</section>")]
    check("report.html: the biomass key figure, series and class table (national %.1f -> %.1f Tg C)" % (b0, b1),
          'id="biomass-figure"' in html and "timeseries biomass" in html and
          os.path.exists(os.path.join(a.work, "litter", "series_carbon_soil_vegetation.png")) and
          (">%.1f<" % b0) in table and (">%.1f<" % b1) in table, table[:600])
    d_eq = drift["litter, equilibrium"][1]
    check("equilibrium spin-up on the litter: drift %+.3f %% below 1 %%" % d_eq, abs(d_eq) < 1.0)


SCENARIO_TABLES = """
[scenarios]
branch_year = 1993

[scenario.more_input]
description = "cropland: its litter x 1.2 and cover crops"
[[scenario.more_input.intervention]]
input_factor = 1.2
classes = ["cropland"]
[[scenario.more_input.intervention]]
practice = "cover_crops"
classes = ["cropland"]
"""


def test_scenarios(a):
    os.makedirs(a.work, exist_ok=True)
    text = open(os.path.join(a.source_dir, "configs/france_vegetation.toml")).read()
    text = text.replace('"../data/', '"' + os.path.join(a.source_dir, "data") + "/")
    plain_cfg = os.path.join(a.work, "plain.toml")
    scen_cfg = os.path.join(a.work, "scenarios.toml")
    with open(plain_cfg, "w") as f:
        f.write(text)
    with open(scen_cfg, "w") as f:
        f.write(text + SCENARIO_TABLES)
    sets = WINDOW + ['vegetation.soil_input="litter"', 'spinup.method="equilibrium"']

    def go(cfg, ranks, out, more=()):
        cmd = ["mpiexec", "-n", str(ranks), a.alamod, "run", cfg, "--out", out, "--overwrite", "--quiet",
               "--set", "run.end_year=1995"]
        for s in sets + list(more):
            cmd += ["--set", s]
        return subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)

    plain = os.path.join(a.work, "plain")
    r = go(plain_cfg, 2, plain)
    check("litter to the soil without scenarios on 2 ranks", r.returncode == 0, r.stderr[-1500:])
    outs = []
    for n in (1, 3):
        out = os.path.join(a.work, "scenarios_np%d" % n)
        r = go(scen_cfg, n, out, MOVING)
        check("litter to the soil with a scenario's interventions on %d rank(s)" % n, r.returncode == 0, r.stderr[-1500:])
        outs.append(out)
    if not all(results):
        return
    for name in ("historical.nc", "baseline.nc", "more_input.nc"):
        ref = read_vars(os.path.join(outs[0], name))
        got = read_vars(os.path.join(outs[1], name))
        differ = [k for k in ref if k not in got or ref[k].tobytes() != got[k].tobytes()]
        check("3 ranks: every variable of %s bitwise the 1-rank run's" % name, not differ, differ)
    p = read_vars(os.path.join(plain, "carbon_yearly.nc"))
    b = read_vars(os.path.join(outs[0], "baseline.nc"))
    s = read_vars(os.path.join(outs[0], "more_input.nc"))
    nt = len(p["time"])
    differ = []
    for k, v in p.items():
        if k not in b:
            differ.append(k + " (missing)")
        elif v.ndim and v.shape[0] == nt and b[k].shape[0] == nt - 3:
            if v[3:].tobytes() != b[k].tobytes():
                differ.append(k)
        elif "Initial" in k and k.replace("Initial", "", 1) in p:
            # the baseline starts at the branch: its initial state (cSoilInitial, cVegInitial_CLASS, ...) is the
            # plain run's at the end of 1992
            if b[k].tobytes() != p[k.replace("Initial", "", 1)][2].tobytes():
                differ.append(k)
        elif v.tobytes() != b[k].tobytes():
            differ.append(k)
    check("baseline.nc: every variable bitwise the run without scenarios over 1993-1995 (cSoilInitial, "
          "cSoilTileInitial, cVegInitial, cVegInitial_CLASS: its end of 1992)", not differ, differ)
    veg = [k for k in ("cVeg", "cLeaf", "cWood", "cRoot", "gpp", "npp", "fVegLitter", "fHarvest") if k in b]
    same = [k for k in veg if s[k].tobytes() == b[k].tobytes()]
    check("the scenario's vegetation is the baseline's bitwise (from the branch's state): %s" % ", ".join(veg),
          same == veg and len(veg) >= 6, veg)
    seconds = np.array([(366 if y % 4 == 0 else 365) * 86400.0 for y in range(1993, 1996)])[:, None, None]
    crop = s["area_fraction"][0]  # (landcover, y, x): cropland first
    land = np.isfinite(b["cSoil"][0]) & (b["cSoil"][0] < 1e19)
    all_crop = land & (crop > 0.999999)
    no_crop = land & (crop == 0.0)
    litter = s["fVegLitter"] * seconds * 10.0  # t C ha-1 yr-1
    expected = 1.2 * litter + 0.78
    err = np.abs(s["fCarbonInput"] - expected)[:, all_crop]
    check("on %d cells all cropland: the soil's input = 1.2 x litter + 0.78 cover crops (max error %.3g t C ha-1 yr-1)"
          % (all_crop.sum(), err.max() if err.size else -1), all_crop.sum() >= 10 and err.max() <= 1e-9 * expected.max(),
          err.max() if err.size else "no cell")
    check("on %d cells without cropland: the soil's input is the baseline's bitwise" % no_crop.sum(),
          no_crop.sum() >= 10 and s["fCarbonInput"][:, no_crop].tobytes() == b["fCarbonInput"][:, no_crop].tobytes())
    more = s["cSoil"][-1][land & (crop > 0)].astype(float).sum() - b["cSoil"][-1][land & (crop > 0)].astype(float).sum()
    check("more soil carbon than the baseline where there is cropland (%.4g)" % more, more > 0)


def luc_setup(a):
    """A rates table for the window (docs/VEGETATION.md, "Land-use change"): the région of the window with the most
    forest cells clears 30 % of its forest to cropland in 1991 (the band); everywhere cropland turns to forest at 5 %
    a year in 1991-1992 (afforestation) and grassland is ploughed to cropland at 2 % a year in 1991-1993. Returns the
    --set lines (litter to the soil, an equilibrium spin-up: the soil receives the litter itself) and the région."""
    ds = gdal.Open(os.path.join(a.source_dir, "data/france/region_8km.tif"))
    gt = ds.GetGeoTransform()
    c0, r0 = int(round((560000.0 - gt[0]) / gt[1])), int(round((6720000.0 - gt[3]) / gt[5]))
    region = ds.GetRasterBand(1).ReadAsArray()[r0:r0 + 40, c0:c0 + 40]
    forest = gdal.Open(os.path.join(a.source_dir, "data/france/land_cover_fraction_forest_8km.tif"))
    forest = forest.GetRasterBand(1).ReadAsArray()[r0:r0 + 40, c0:c0 + 40]
    codes, counts = np.unique(region[(forest > 0.05) & (forest <= 1.0) & (region > 0)], return_counts=True)
    band = int(codes[np.argmax(counts)])
    rates = os.path.join(a.work, "rates.csv")
    with open(rates, "w") as f:
        f.write("zone_kind,zone_code,from,to,rate,first_year,last_year\n"
                "region,%d,forest,cropland,0.3,1991,1991\n"
                "country,0,cropland,forest,0.05,1991,1992\n"
                "country,0,grassland,cropland,0.02,1991,1993\n" % band)
    return WINDOW + ['vegetation.soil_input="litter"', 'spinup.method="equilibrium"',
                     'land_use_change.rates="%s"' % rates], band


def test_luc(a):
    sets, band = luc_setup(a)
    outs = on_1_and_3_ranks(a, "luc", sets, "land-use change with vegetation")
    if not outs:
        return
    v = read_vars(os.path.join(outs[0], "carbon_yearly.nc"))
    with netCDF4.Dataset(os.path.join(outs[0], "carbon_yearly.nc")) as ds:
        units = {n: ds.variables[n].units for n in ("fDeforestToProduct", "fLulccResidue", "fVegPlanting")}
    check("fDeforestToProduct, fLulccResidue, fVegPlanting in kg m-2 s-1", set(units.values()) == {"kg m-2 s-1"}, units)
    years = list(range(1990, 1996))
    sec = np.array([(366 if y % 4 == 0 else 365) * 86400.0 for y in years])[:, None, None] * 10.0  # -> t C ha-1 yr-1
    land = np.isfinite(v["cVegInitial"]) & (v["cVegInitial"] < 1e30)
    t = lambda k: v[k] * sec  # noqa: E731  a flux in t C ha-1 yr-1
    # the soil received exactly the vegetation's litter and the cleared biomass left as litter (no manure here)
    err = np.abs(v["fCarbonInput"] - t("fVegLitter") - t("fLulccResidue"))[:, land]
    check("the soil's input is the litter plus the land-use change's litter on every cell and year (max %.2g t C "
          "ha-1)" % err.max(), err.max() <= 1e-9 * v["fCarbonInput"][:, land].max(), err.max())
    # vegetation + soil of every cell, each year: change = npp - harvest - wood exported + planting stock - rh - leaching
    total = np.concatenate([(10.0 * v["cVegInitial"] + v["cSoilInitial"])[None], 10.0 * v["cVeg"] + v["cSoil"]])
    flux = t("npp") - t("fHarvest") - t("fDeforestToProduct") + t("fVegPlanting") - v["rh"]
    if "fCarbonLeaching" in v:
        flux = flux - v["fCarbonLeaching"]
    bal = np.abs(np.diff(total, axis=0) - flux)[:, land]
    changed = (np.abs(np.diff(np.concatenate([v["area_fraction_initial"][None], v["area_fraction"]]), axis=0))
               .sum(axis=1) > 0)[:, land]
    check("vegetation + soil + exported carbon conserved in every cell and year, %d cell-years with land moving "
          "(max error %.2g t C ha-1)" % (changed.sum(), bal.max()),
          changed.sum() > 100 and bal.max() <= 1e-8 * total[:, land].max(), bal.max())
    # forest cleared in the band in 1991: its forest's carbon falls, the wood is exported there and then only
    frac = v["area_fraction"]  # (time, landcover, y, x): cropland, forest, grassland
    f0 = v["area_fraction_initial"]  # (landcover, y, x)
    inband = land & (v["region"] == band) & (f0[1] > 0.01)
    out_band = land & (v["region"] != band) & (f0[1] > 0.01)
    fc = v["cVeg_forest"]
    ratio_in = fc[1][inband] / fc[0][inband]
    ratio_out = fc[1][out_band] / fc[0][out_band]
    export = t("fDeforestToProduct")
    check("forest cleared in région %d in 1991: its forest carbon falls to %.3f-%.3f of 1990's on %d cells (%.3f-%.3f "
          "elsewhere)" % (band, ratio_in.min(), ratio_in.max(), inband.sum(), ratio_out.min(), ratio_out.max()),
          inband.sum() >= 10 and np.median(ratio_in) < 0.8 and ratio_in.max() < 0.9 and ratio_out.min() > 0.95,
          (np.median(ratio_in), ratio_in.max(), ratio_out.min()))
    # the wood exported: vegetation.clearing_export (0.7) of the stem pool (cWood: the forest's only, per cell) of
    # the 30 % cleared, at the end of 1990
    expected = 0.7 * 0.3 * 10.0 * v["cWood"][0]
    err = np.abs(export[1] - expected)[inband]
    check("wood exported where the band was cleared in 1991 (%.2f-%.2f t C ha-1) = 0.7 x the cleared 30 %% of the "
          "stem pool (max error %.2g), nowhere else and in no other year"
          % (export[1][inband].min(), export[1][inband].max(), err.max()),
          (export[1][inband] > 0.1).all() and err.max() <= 1e-9 * expected[inband].max()
          and (export[1][land & (v["region"] != band)] == 0).all()
          and (export[[0, 2, 3, 4, 5]][:, land] == 0).all(), export[:, land].max(axis=1))
    # ploughing: the grass's living biomass to the soil as litter where grassland turned to cropland
    grass = land & (f0[2] > 0.05)
    residue = t("fLulccResidue")
    check("grassland ploughed 1991-1993: its living biomass to the soil as litter on %d cells (%.3f-%.3f t C ha-1)"
          % (grass.sum(), residue[1][grass].min(), residue[1][grass].max()),
          grass.sum() >= 10 and (residue[1:4][:, grass] > 0).all() and (residue[4:][:, land] == 0).all())
    # afforestation: on the cells without forest at the start, a young stand: little carbon, growing
    new = land & (f0[1] == 0) & (f0[0] > 0.05)
    per_ha = 10.0 * fc[1:, new] / frac[1:, 1][:, new]  # t C per ha of forest, 1991-1995 (none in 1990)
    planting = t("fVegPlanting")
    grows = (np.diff(per_ha[1:], axis=0) > 0).all()
    check("afforestation on %d cells without forest: a young stand of %.3f-%.3f t C ha-1 at the end of 1992, "
          "%.3f-%.3f in 1995, growing every year after the planting; the planting stock counted in 1991-1992 only"
          % (new.sum(), per_ha[1].min(), per_ha[1].max(), per_ha[-1].min(), per_ha[-1].max()),
          new.sum() >= 5 and per_ha.max() < 6.0 and grows and (planting[1:3][:, new] > 0).all()
          and (planting[3:][:, land] == 0).all(), per_ha[:, :4])
    # land_use_change.maps: a 1994 map with a band of forest cleared to cropland and one of cropland afforested,
    # the change spread over 1991-1994; the run's inverse spin-up multiplies the litter the soil receives, so the
    # soil's input beyond the litter and the cleared biomass's is part of the budget (it is the factor's, 0 above)
    src = gdal.Open(os.path.join(a.source_dir, "data/france/land_use_1km.tif"))
    arr = src.GetRasterBand(1).ReadAsArray()
    gt = src.GetGeoTransform()
    rows = lambda y0, y1: slice(int((gt[3] - y1) / -gt[5]), int((gt[3] - y0) / -gt[5]))  # noqa: E731
    band = arr[rows(6450000.0, 6560000.0)]
    band[band == 3] = 1
    band = arr[rows(6620000.0, 6700000.0)]
    band[band == 1] = 3
    later = os.path.join(a.work, "land_use_1994_1km.tif")
    dst = gdal.GetDriverByName("GTiff").Create(later, src.RasterXSize, src.RasterYSize, 1,
                                               src.GetRasterBand(1).DataType)
    dst.SetGeoTransform(gt)
    dst.SetProjection(src.GetProjection())
    if src.GetRasterBand(1).GetNoDataValue() is not None:
        dst.GetRasterBand(1).SetNoDataValue(src.GetRasterBand(1).GetNoDataValue())
    dst.GetRasterBand(1).WriteArray(arr)
    dst = None
    maps = os.path.join(a.work, "maps.csv")
    with open(maps, "w") as f:
        f.write("year,file\n1990,%s\n1994,%s\n" % (os.path.abspath(os.path.join(a.source_dir,
                                                                                 "data/france/land_use_1km.tif")), later))
    out = os.path.join(a.work, "maps")
    r = run(a, 2, out, WINDOW + MOVING + ['land_use_change.maps="%s"' % maps])
    check("land_use_change.maps with vegetation (inverse spin-up) on 2 ranks", r.returncode == 0, r.stderr[-1500:])
    if r.returncode == 0:
        m = read_vars(os.path.join(out, "carbon_yearly.nc"))
        total = np.concatenate([(10.0 * m["cVegInitial"] + m["cSoilInitial"])[None], 10.0 * m["cVeg"] + m["cSoil"]])
        extra = m["fCarbonInput"] - (m["fVegLitter"] + m["fLulccResidue"]) * sec
        flux = (m["npp"] - m["fHarvest"] - m["fDeforestToProduct"] + m["fVegPlanting"]) * sec - m["rh"] + extra
        bal = np.abs(np.diff(total, axis=0) - flux)[:, land]
        exported = (m["fDeforestToProduct"] * sec)[:, land].sum(axis=1) * 6400.0 / 1e6  # Tg C
        planted = (m["fVegPlanting"] * sec)[:, land].sum(axis=1) * 6400.0 / 1e6
        check("maps: every cell conserved each year (max error %.2g t C ha-1); wood exported %s Tg C and planting "
              "stock %s Tg C in 1990-1995 (the change spread over 1991-1994)"
              % (bal.max(), " ".join("%.3f" % x for x in exported), " ".join("%.4f" % x for x in planted)),
              bal.max() <= 1e-8 * total[:, land].max() and (exported[1:5] > 0).all() and exported[0] == 0
              and exported[5] == 0 and (planted[1:5] > 0).all(), bal.max())
    # a scenario's land_use_change_rates (docs/SCENARIOS.md): forest cleared and cropland afforested from the branch
    text = open(os.path.join(a.source_dir, "configs/france_vegetation.toml")).read()
    text = text.replace('"../data/', '"' + os.path.join(os.path.abspath(a.source_dir), "data") + "/")
    with open(os.path.join(a.work, "scenario_rates.csv"), "w") as f:
        f.write("zone_kind,zone_code,from,to,rate,first_year,last_year\n"
                "country,0,forest,cropland,0.1,1993,1994\ncountry,0,cropland,forest,0.05,1993,1994\n")
    cfg = os.path.join(a.work, "scenario.toml")
    with open(cfg, "w") as f:
        f.write(text + '\n[scenarios]\nbranch_year = 1993\n\n[scenario.clearing]\ndescription = "forest cleared"\n'
                'land_use_change_rates = "scenario_rates.csv"\n')
    out = os.path.join(a.work, "scenario")
    cmd = ["mpiexec", "-n", "2", a.alamod, "run", cfg, "--out", out, "--overwrite", "--quiet", "--set", "run.end_year=1995"]
    for x in [x for x in sets if not x.startswith("land_use_change.")] + MOVING:
        cmd += ["--set", x]
    r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
    check("a scenario's land_use_change_rates with vegetation on 2 ranks", r.returncode == 0, r.stderr[-1500:])
    if r.returncode != 0:
        return
    s, b = (read_vars(os.path.join(out, n)) for n in ("clearing.nc", "baseline.nc"))
    sec = np.array([(366 if y % 4 == 0 else 365) * 86400.0 for y in (1993, 1994, 1995)])[:, None, None] * 10.0
    land = np.isfinite(s["cVegInitial"]) & (s["cVegInitial"] < 1e30)
    total = np.concatenate([(10.0 * s["cVegInitial"] + s["cSoilInitial"])[None], 10.0 * s["cVeg"] + s["cSoil"]])
    flux = (s["npp"] - s["fHarvest"] - s["fDeforestToProduct"] + s["fVegPlanting"]) * sec - s["rh"]
    bal = np.abs(np.diff(total, axis=0) - flux)[:, land]
    export = (s["fDeforestToProduct"] * sec)[:, land].sum(axis=1) * 6400.0 / 1e6  # Tg C (6400 ha cells)
    check("the scenario: vegetation + soil + exported carbon conserved in every cell (max error %.2g t C ha-1); wood "
          "exported %.3f, %.3f, %.3f Tg C in 1993-1995, none in the baseline"
          % (bal.max(), export[0], export[1], export[2]),
          bal.max() <= 1e-8 * total[:, land].max() and export[0] > 0 and export[1] > 0 and export[2] == 0
          and (b["fDeforestToProduct"][:, land] == 0).all(), bal.max())


def test_luc_restart(a):
    """Land-use change with vegetation (transitions 1991-1993), stopped inside the transition period."""
    sets, _ = luc_setup(a)
    sigterm_and_restart(a, sets, 2000, "land-use change with vegetation")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["ranks", "restart", "bad-input", "ign", "coupled", "spinup", "scenarios", "luc",
                                     "luc-restart"])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    {"ranks": test_ranks, "restart": test_restart, "bad-input": test_bad_input, "ign": test_ign,
     "coupled": test_coupled, "spinup": test_spinup, "scenarios": test_scenarios, "luc": test_luc,
     "luc-restart": test_luc_restart}[a.what](a)
    print("%d of %d checks passed" % (sum(results), len(results)))
    return 0 if results and all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
