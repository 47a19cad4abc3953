#!/usr/bin/python3
"""The CF grid mapping of the output, for run grids in several CRSs: with the file's crs_wkt and
spatial_ref removed (ncatted), GDAL must rebuild from the CF attributes alone a CRS that places
points where the configured CRS does (to 1 mm), and grid_mapping_name must be the CF name.

  test_grid_mapping.py ALAMOD CONFIG WORKDIR
"""
import os
import shutil
import subprocess
import sys

from osgeo import gdal, osr

gdal.UseExceptions()
alamod, config, work = sys.argv[1:4]
CASES = [  # CRS, CF name, extent over France (xmin, xmax, ymin, ymax)
    ("EPSG:2154", "lambert_conformal_conic", (80000.0, 1280000.0, 6040000.0, 7120000.0)),
    ("EPSG:3035", "lambert_azimuthal_equal_area", (3200000.0, 4296000.0, 2040000.0, 3152000.0)),
    ("EPSG:32631", "transverse_mercator", (100000.0, 1196000.0, 4700000.0, 5700000.0)),
]
failed = 0


def check(name, ok, detail=""):
    global failed
    failed += not ok
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + detail), flush=True)


def gis(srs):
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs


shutil.rmtree(work, ignore_errors=True)
for code, cf_name, (x0, x1, y0, y1) in CASES:
    out = os.path.join(work, code.replace(":", "_"))
    # the corners of the EPSG:3035 and UTM grids lie outside the Lambert-93 land mask's extent (at sea)
    r = subprocess.run([alamod, "run", config, "--out", out, "--quiet", "--set", "run.end_year=1990",
                        "--set", "inputs.land_mask_partial=true",
                        "--set", f'grid.crs="{code}"', "--set", f"grid.xmin={x0}", "--set", f"grid.xmax={x1}",
                        "--set", f"grid.ymin={y0}", "--set", f"grid.ymax={y1}"], capture_output=True, text=True)
    check(f"{code}: run", r.returncode == 0, r.stderr[-400:])
    if r.returncode:
        continue
    nc, bare = os.path.join(out, "carbon_yearly.nc"), os.path.join(out, "cf_only.nc")
    subprocess.run(["ncatted", "-O", "-a", "crs_wkt,crs,d,,", "-a", "spatial_ref,crs,d,,", nc, bare], check=True)
    ds = gdal.Open(f'NETCDF:"{bare}":cSoil')
    name = ds.GetMetadataItem("crs#grid_mapping_name")
    check(f"{code}: grid_mapping_name {cf_name}", name == cf_name, str(name))
    got = ds.GetSpatialRef()
    ref = osr.SpatialReference()
    ref.SetFromUserInput(code)
    geo = osr.SpatialReference()
    geo.ImportFromEPSG(4326)
    worst = float("inf")
    if got is not None:
        to_got = osr.CoordinateTransformation(gis(geo), gis(got))
        to_ref = osr.CoordinateTransformation(gis(geo.Clone()), gis(ref))
        worst = 0.0
        for lon, lat in ((2.35, 48.85), (-1.5, 43.5), (7.7, 48.6), (-4.5, 48.4), (9.4, 42.7)):
            a, b = to_got.TransformPoint(lon, lat), to_ref.TransformPoint(lon, lat)
            worst = max(worst, abs(a[0] - b[0]), abs(a[1] - b[1]))
    check(f"{code}: the CF attributes alone give the configured projection (to 1 mm)", worst < 1e-3,
          f"largest difference {worst:.3f} m")
print(f"{'FAILED' if failed else 'passed'}: {failed} failure(s)")
sys.exit(1 if failed else 0)
