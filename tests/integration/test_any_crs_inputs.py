#!/usr/bin/python3
"""Static layers in other formats, CRSs and resolutions are warped to the run grid.

Re-projects the France 8 km layers with gdalwarp into WGS 84 (GeoTIFF), ETRS89-LAEA
EPSG:3035 at 2 km (Erdas Imagine .img) and an ESRI ASCII grid with a .prj, runs the
France default on them and compares with the run on the original layers: the land
cells, the land use and the initial SOC must agree on the vast majority of cells
(re-sampling twice moves values near borders, never the bulk).

  test_any_crs_inputs.py --alamod PATH --source-dir DIR --work DIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np
import netCDF4

from checks import check, finish, results, run_arguments


def main():
    a = run_arguments()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    fr = os.path.join(a.source_dir, "data/france")
    w = a.work

    def warp(src, dst, *opts):
        subprocess.run(["gdalwarp", "-q", "-overwrite", *opts, os.path.join(fr, src), os.path.join(w, dst)], check=True)

    # land mask and land use: categorical, nearest; clay, stock, input: continuous
    warp("land_mask_8km.tif", "mask_wgs84.tif", "-t_srs", "EPSG:4326", "-tr", "0.02", "0.02", "-r", "near")
    warp("land_use_8km.tif", "land_use_laea.img", "-t_srs", "EPSG:3035", "-tr", "2000", "2000", "-r", "near",
         "-of", "HFA")
    warp("clay_8km.tif", "clay_laea.tif", "-t_srs", "EPSG:3035", "-tr", "2000", "2000", "-r", "bilinear")
    warp("soc_stock_8km.tif", "soc_wgs84.tif", "-t_srs", "EPSG:4326", "-tr", "0.02", "0.02", "-r", "near")
    subprocess.run(["gdal_translate", "-q", "-of", "AAIGrid", os.path.join(w, "soc_wgs84.tif"),
                    os.path.join(w, "soc_wgs84.asc")], check=True)
    check("ESRI ASCII grid carries its CRS in a .prj", os.path.exists(os.path.join(w, "soc_wgs84.prj")))
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    cfg = os.path.join(a.source_dir, "configs/france_default.toml")
    common = ["--set", "run.end_year=1990", "--set", "spinup.years=2", "--quiet", "--overwrite"]
    r0 = subprocess.run(["mpiexec", "-n", "2", a.alamod, "run", cfg, "--out", os.path.join(w, "original"), *common],
                        env=env, capture_output=True, text=True)
    check("run on the original layers", r0.returncode == 0, r0.stderr[-500:])
    sets = ["--set", f'inputs.land_mask="{w}/mask_wgs84.tif"', "--set", f'inputs.land_use="{w}/land_use_laea.img"',
            "--set", f'inputs.clay="{w}/clay_laea.tif"', "--set", f'inputs.soc_stock="{w}/soc_wgs84.asc"']
    r1 = subprocess.run(["mpiexec", "-n", "2", a.alamod, "run", cfg, "--out", os.path.join(w, "reprojected"),
                         *common, *sets], env=env, capture_output=True, text=True)
    check("run on re-projected layers (WGS 84 GeoTIFF, EPSG:3035 .img, ESRI ASCII)", r1.returncode == 0,
          r1.stdout[-300:] + r1.stderr[-800:])
    if r0.returncode or r1.returncode:
        print(f"{results.count(True)} passed, {results.count(False)} failed")
        sys.exit(1)
    d0 = netCDF4.Dataset(os.path.join(w, "original/carbon_yearly.nc"))
    d1 = netCDF4.Dataset(os.path.join(w, "reprojected/carbon_yearly.nc"))
    c0, c1 = d0["cSoilInitial"][:], d1["cSoilInitial"][:]
    land0, land1 = ~np.ma.getmaskarray(c0), ~np.ma.getmaskarray(c1)
    agree = float(np.mean(land0 == land1))
    check("land cells agree on >= 99 % of the grid", agree >= 0.99, f"{agree:.4f}")
    both = land0 & land1
    rel = np.abs(c1[both] - c0[both]) / c0[both]
    close = float(np.mean(rel < 0.05))
    check("initial SOC within 5 % on >= 90 % of land cells", close >= 0.90, f"{close:.3f}")
    m0, m1 = float(c0[both].mean()), float(c1[both].mean())
    check("national mean initial SOC within 2 %", abs(m1 - m0) / m0 < 0.02, f"{m0:.2f} vs {m1:.2f}")
    finish()


main()
