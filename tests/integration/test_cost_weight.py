#!/usr/bin/python3
"""Load balancing by a cost-weight raster (inputs.cost_weight) on the France 8 km grid.

  test_cost_weight.py --alamod BIN --source-dir DIR --work DIR

Writes a weight raster (GeoTIFF, EPSG:2154: weight 10 in the south half of France, 1 in the north),
runs 3 ranks with and without it: without, the partition balances the cells' land-cover tiles (imbalance
<= 2 %); with, it must follow the weights (rank cell counts differ far more, imbalance by weight <= 2 %), the outputs must be bitwise identical (the partition changes nothing in the
results), and a negative weight over land must stop the run with the file and the cell named."""
import os
import re
import subprocess

import netCDF4
import numpy as np
from osgeo import gdal

from checks import check, finish, run_arguments


def write_weights(mask_path, out_path, negative=False):
    m = gdal.Open(mask_path)
    land = m.ReadAsArray() > 0.5
    w = np.ones(land.shape, dtype=np.float32)
    w[land.shape[0] // 2:, :] = 10.0
    if negative:
        rows, cols = np.nonzero(land)
        w[rows[len(rows) // 3], cols[len(rows) // 3]] = -1.0
    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(out_path, land.shape[1], land.shape[0], 1, gdal.GDT_Float32)
    ds.SetGeoTransform(m.GetGeoTransform())
    ds.SetProjection(m.GetProjection())
    ds.GetRasterBand(1).WriteArray(w)
    ds = None


def run(a, out, extra):
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    cfg = os.path.join(a.source_dir, "configs/france_default.toml")
    cmd = ["mpiexec", "-n", "3", a.alamod, "run", cfg, "--out", out, "--overwrite", "--set", "run.end_year=1992",
           "--set", 'output.precision="double"', *extra]
    return subprocess.run(cmd, env=env, capture_output=True, text=True)


def main():
    a = run_arguments()
    os.makedirs(a.work, exist_ok=True)
    mask = os.path.join(a.source_dir, "data/france/land_mask_8km.tif")
    wpath = os.path.join(a.work, "weights.tif")
    write_weights(mask, wpath)
    plain = run(a, os.path.join(a.work, "plain"), [])
    weighted = run(a, os.path.join(a.work, "weighted"), ["--set", f'inputs.cost_weight="{wpath}"'])
    check("unweighted run", plain.returncode == 0, plain.stderr[-500:])
    check("weighted run", weighted.returncode == 0, weighted.stderr[-500:])
    pat = re.compile(r"(\d+)-(\d+) cells per rank, load imbalance ([\d.]+) %")
    mp, mw = pat.search(plain.stdout), pat.search(weighted.stdout)
    if mp and mw:
        # unweighted, a cell costs its land-cover tiles (1 to 3): the partition balances them, not the cells
        check("unweighted: balanced by the cells' tiles (imbalance <= 2 %)", float(mp.group(3)) <= 2.0, mp.group(0))
        check("weighted: cell counts follow the weights",
              int(mw.group(2)) - int(mw.group(1)) > int(mp.group(2)) - int(mp.group(1)) + 100, (mp.group(0), mw.group(0)))
        check("weighted: imbalance by weight <= 2 %", float(mw.group(3)) <= 2.0, mw.group(0))
    else:
        check("partition lines printed", False, plain.stdout[-300:] + weighted.stdout[-300:])
    if plain.returncode == 0 and weighted.returncode == 0:
        x = netCDF4.Dataset(os.path.join(a.work, "plain", "carbon_yearly.nc"))
        y = netCDF4.Dataset(os.path.join(a.work, "weighted", "carbon_yearly.nc"))
        for v in ("cSoilPools", "cSoil", "rh", "cSoilInitial"):
            check(f"{v} bitwise identical with and without weights", x[v][:].tobytes() == y[v][:].tobytes())
    bad = os.path.join(a.work, "negative.tif")
    write_weights(mask, bad, negative=True)
    r = run(a, os.path.join(a.work, "negative"), ["--set", f'inputs.cost_weight="{bad}"'])
    check("negative weight: non-zero exit", r.returncode != 0)
    check("negative weight: the file and the cell are named", "negative.tif" in r.stderr and "cost weight -1" in
          r.stderr and "row" in r.stderr, r.stderr[-400:])
    check("negative weight: no output left", not os.path.exists(os.path.join(a.work, "negative", "carbon_yearly.nc")))
    finish()


main()
