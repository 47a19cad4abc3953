#!/usr/bin/env python3
"""A repartition that changes how the climate is read (inputs.climate_reading = "auto").

The France 8 km default with Millennial on 2 ranks, cells moving at every check
(decomposition.rebalance = "always"), and two inputs made for the test:

- the shipped climate re-chunked into column blocks, (time 1, y 135, x 30): each rank decompresses the
  blocks its window touches, so reading per rank costs less than sharing while rank 0's window covers a
  few blocks, and sharing costs less once both windows cover all of them;
- a cost-weight raster that says the 77 land cells of the first 9 rows (the north coast) cost as much
  as all the others together (110 times each). Rank 0 starts with those only (window: 3 of the 5 blocks;
  read per rank). Their measured cost is far below the weight, so at the first check (after 1993) rank 0's weights fall by the
  bounded step (x0.8) and rank 1's rise (x1.25) whatever the machine's speed: rank 0 takes ~1,500 cells,
  down to the Cotentin and Lorraine rows, its window spans all 5 blocks, and the reading becomes shared.

Checked: the run log says so once, the output's `alamod_climate_reading` is "per_rank, then shared after
1993", cells moved (`alamod_compute_repartitions`), and the carbon stocks and fluxes are bitwise those of
1 rank (which reads per rank and never moves).

Usage: test_reading_change.py WORKDIR   (ALAMOD_BIN names the executable, ALAMOD_SOURCE_DIR the sources)"""
import os
import shutil
import subprocess
import sys

import netCDF4
import numpy as np
from osgeo import gdal

BIN = os.environ["ALAMOD_BIN"]
SRC = os.environ["ALAMOD_SOURCE_DIR"]
WORK = sys.argv[1]
FAILURES = []
NORTH_ROWS = 9  # the north coast's 77 land cells: rank 0's at the start


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)
        if detail:
            print("  " + str(detail)[-1500:].replace("\n", "\n  "))


shutil.rmtree(WORK, ignore_errors=True)
os.makedirs(WORK)
climate = os.path.join(SRC, "data/france/forcing/climate_8km_monthly_1990_2100.nc")
blocks = os.path.join(WORK, "climate_column_blocks.nc")
subprocess.run(["nccopy", "-c", "time/1,y/135,x/30", climate, blocks], check=True)
with netCDF4.Dataset(blocks) as ds:
    check(ds["tas"].chunking() == [1, 135, 30], "the climate copy is chunked in column blocks", ds["tas"].chunking())

mask = gdal.Open(os.path.join(SRC, "data/france/land_mask_8km.tif"))
land = mask.ReadAsArray() == 1
north = int(land[:NORTH_ROWS].sum())
heavy = (int(land.sum()) - north) / north  # the north's weight equals the rest's: the first split falls there
weights = np.ones((mask.RasterYSize, mask.RasterXSize), dtype=np.float32)
weights[:NORTH_ROWS, :] = heavy
weight_path = os.path.join(WORK, "cost_weight_north.tif")
out = gdal.GetDriverByName("GTiff").Create(weight_path, mask.RasterXSize, mask.RasterYSize, 1, gdal.GDT_Float32)
out.SetGeoTransform(mask.GetGeoTransform())
out.SetProjection(mask.GetProjection())
out.GetRasterBand(1).WriteArray(weights)
out = None

common = ["run", os.path.join(SRC, "configs/france_default.toml"), "--overwrite", "--set", 'model="millennial"',
          "--set", 'spinup.method="equilibrium"',
          "--set", "run.end_year=1995", "--set", 'output.precision="double"',
          "--set", f'inputs.climate="{blocks}"', "--set", f'inputs.cost_weight="{weight_path}"',
          "--set", 'decomposition.rebalance="always"']
env = dict(os.environ)
runs = {}
for ranks in (1, 2):
    outdir = os.path.join(WORK, f"np{ranks}")
    p = subprocess.run(["mpiexec", "-n", str(ranks), BIN, *common, "--out", outdir], capture_output=True, text=True,
                       env=env, timeout=600)
    check(p.returncode == 0, f"the run on {ranks} rank(s) succeeds", p.stdout + p.stderr)
    runs[ranks] = (outdir, p.stdout + p.stderr)
if FAILURES:
    sys.exit(1)

log = runs[2][1]
check("read per rank" in log.split("spin-up")[0], "2 ranks start reading the climate per rank", log[:3000])
changes = [line for line in log.splitlines() if " after 1993: read shared" in line]
check(len(changes) == 1, "the log says once that the reading became shared after 1993", log)
check(log.count(": read ") == 2, "no other change of reading is logged", log)
with netCDF4.Dataset(os.path.join(runs[2][0], "carbon_yearly.nc")) as ds2, \
        netCDF4.Dataset(os.path.join(runs[1][0], "carbon_yearly.nc")) as ds1:
    reading = getattr(ds2, "alamod_climate_reading", None)
    check(reading == "per_rank, then shared after 1993", "alamod_climate_reading records the change", repr(reading))
    moved = str(getattr(ds2, "alamod_compute_repartitions", "0"))
    check(int(moved.split()[0]) >= 1, "cells moved between ranks", moved)
    check(getattr(ds1, "alamod_climate_reading", None) == "per_rank", "1 rank reads per rank",
          getattr(ds1, "alamod_climate_reading", None))
    for name in ("cSoil", "cSoilPools", "rh", "fCarbonInput"):
        if name not in ds1.variables:
            continue
        a, b = ds1[name][:], ds2[name][:]
        same = np.array_equal(np.ma.filled(a, np.nan), np.ma.filled(b, np.nan), equal_nan=True)
        check(same, f"{name} is bitwise that of 1 rank", f"max |diff| {np.nanmax(np.abs(a - b))}")

if FAILURES:
    print(f"{len(FAILURES)} check(s) failed")
    sys.exit(1)
print("all checks passed")
