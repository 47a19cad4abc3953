#!/usr/bin/python3
"""The spin-up's own land cover (spinup.land_cover_map; docs/SCENARIOS.md, "The spin-up's land cover"), end to end
with the real binary on a window of the France 8 km default (Bretagne and the Pays de la Loire, 40 x 25 cells, 1990-1991):

- the spin-up's land cover is a 1 km class map written here (the shipped map with cropland turned to forest in the
  west and grassland to cropland in a band): area_fraction_spinup equals the fractions of a run whose own land cover
  is that map (bitwise), area_fraction the run's first-year fractions (bitwise, as a run without spinup.land_cover_map);
- each tile's stock after the switch (cSoilTileInitial) is what the mixing rule gives, computed here from the spin-up
  states of a run on the spin-up's land cover: a class that gains area takes (s_b x_b + sum_a m_ab x_a) / (s_b + sum_a
  m_ab), m_ab = L_a G_b / sum G; the others keep their state; unchanged cells keep a plain run's bits;
- carbon is conserved: each cell's cSoilInitial equals its stock under the spin-up's land cover (no sealing class);
- every variable bitwise the same on 1 and 3 ranks (cells moving every year);
- a spinup.land_cover_map that does not exist, or that covers no land cell of the grid: exit 1, one line naming the
  key, nothing written.

  test_spinup_land_cover.py --alamod PATH --source-dir DIR --work DIR
"""
import os
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish, mpi_env, read_all_variables, run_arguments  # noqa: E402

ENV = mpi_env()
WINDOW = ["grid.xmin=160000.0", "grid.xmax=480000.0", "grid.ymin=6680000.0", "grid.ymax=6880000.0",
          "run.start_year=1990", "run.end_year=1991", "spinup.years=2", "totals.report=false",
          'output.precision="double"', "output.tiles=true"]
CLASSES = ["cropland", "grassland", "forest"]


def read(path):
    return read_all_variables(path)


def spinup_map(src, path):
    """The shipped 1 km class map with cropland (1) turned to forest (3) in the western third of the window and
    grassland (2) to cropland (1) in a band of rows: the land cover before the run."""
    ds = gdal.Open(src)
    arr = ds.GetRasterBand(1).ReadAsArray()
    gt = ds.GetGeoTransform()
    col = lambda x: int((x - gt[0]) / gt[1])  # noqa: E731
    row = lambda y: int((y - gt[3]) / gt[5])  # noqa: E731
    west = arr[:, :col(270000.0)]
    west[west == 1] = 3
    band = arr[row(6820000.0):row(6760000.0)]
    band[band == 2] = 1
    out = gdal.GetDriverByName("GTiff").Create(path, ds.RasterXSize, ds.RasterYSize, 1, ds.GetRasterBand(1).DataType)
    out.SetGeoTransform(gt)
    out.SetProjection(ds.GetProjection())
    nd = ds.GetRasterBand(1).GetNoDataValue()
    if nd is not None:
        out.GetRasterBand(1).SetNoDataValue(nd)
    out.GetRasterBand(1).WriteArray(arr)
    out.FlushCache()


def main():
    a = run_arguments()
    os.makedirs(a.work, exist_ok=True)
    cfg = os.path.join(a.source_dir, "configs", "france_default.toml")
    fine = os.path.join(a.source_dir, "data", "france", "land_use_1km.tif")
    before = os.path.join(a.work, "land_cover_before.tif")
    spinup_map(fine, before)

    def run(name, ranks, *sets):
        out = os.path.join(a.work, name)
        shutil.rmtree(out, ignore_errors=True)
        cmd = ["mpiexec", "-n", str(ranks), a.alamod, "run", cfg, "--out", out, "--overwrite", "--quiet"]
        for s in WINDOW + list(sets):
            cmd += ["--set", s]
        r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
        return r, os.path.join(out, "carbon_yearly.nc")

    switch = 'spinup.land_cover_map="%s"' % before
    moving = ('decomposition.rebalance="always"', "decomposition.rebalance_every_years=1")
    r1, a1 = run("switch_np1", 1, switch)
    r3, a3 = run("switch_np3", 3, switch, *moving)
    own = ['inputs.land_cover_map="%s"' % before] + ['land_use.%s.fraction=""' % c for c in CLASSES]
    rb, b = run("spinup_cover", 1, *own)
    rc, c = run("plain", 1)
    for what, r in (("spinup.land_cover_map on 1 rank", r1), ("on 3 ranks", r3),
                    ("a run on the spin-up's land cover", rb), ("a plain run", rc)):
        check(what + " exits 0", r.returncode == 0, r.stderr[-1500:])
    if r1.returncode or r3.returncode or rb.returncode or rc.returncode:
        finish()
    check("the log says the land moved to the run's land cover by the mixing rule",
          "% of the land moved to the run's first-year land cover by the land-use-change mixing rule" in r1.stdout,
          r1.stdout[-1500:])
    x1, x3, xb, xc = read(a1), read(a3), read(b), read(c)
    bad = [v for v in x1 if v != "__attrs" and x1[v].tobytes() != x3[v].tobytes()]
    check("every variable bitwise the same on 1 and 3 ranks (cells moving)", not bad and "area_fraction_spinup" in x3,
          bad)
    check("the provenance names the spin-up's land cover", before in x1["__attrs"].get("alamod_spinup", ""),
          x1["__attrs"].get("alamod_spinup"))
    s, r = xb["area_fraction"].astype(float), xc["area_fraction"].astype(float)
    check("area_fraction_spinup = the fractions of a run on the spin-up's land cover (bitwise)",
          np.array_equal(x1["area_fraction_spinup"], xb["area_fraction"]))
    check("area_fraction = the run's first-year fractions (bitwise)", np.array_equal(x1["area_fraction"], xc["area_fraction"]))
    land = xc["cSoilInitial"] < 1e19
    changed = land & np.any(s != r, axis=0)
    check("the two land covers differ on many cells (%d of %d)" % (changed.sum(), land.sum()),
          changed.sum() > 100 and land.sum() > 300)
    # the mixing rule, computed here from the spin-up states (a run on the spin-up's land cover)
    xs = xb["cSoilTileInitial"].astype(float)  # (class, y, x), fill where no tile
    nk = len(CLASSES)
    want = np.full(xs.shape, np.nan)
    ys, xs_ = np.nonzero(land)
    for j, i in zip(ys, xs_):
        sf, rf, xk = s[:, j, i], r[:, j, i], xs[:, j, i]
        loss = np.where(sf > rf, sf - rf, 0.0)
        gain = np.where(rf > sf, rf - sf, 0.0)
        for k in range(nk):
            if rf[k] > 0:
                want[k, j, i] = xk[k]
        if gain.sum() > 0:
            for bb in range(nk):
                if gain[bb] <= 0:
                    continue
                m = loss * (gain[bb] / gain.sum())
                num = (sf[bb] * xk[bb] if sf[bb] > 0 else 0.0) + sum(m[aa] * xk[aa] for aa in range(nk) if m[aa] > 0)
                want[bb, j, i] = num / (sf[bb] + m[m > 0].sum())
    got = x1["cSoilTileInitial"].astype(float)
    has = np.isfinite(want)
    err = np.max(np.abs(got[has] - want[has]) / np.maximum(1.0, np.abs(want[has])))
    check("each tile's stock after the switch = the mixing rule's (largest relative difference %.1e over %d tiles)" %
          (err, has.sum()), has.sum() > 500 and err < 1e-12, err)
    check("no tile where the run's class is absent", np.all(got[~has] > 1e19))
    same = land & ~np.any(s != r, axis=0)
    check("cells whose land cover did not change keep a plain run's initial state (bitwise)",
          same.sum() > 10 and np.array_equal(x1["cSoilInitial"][same], xc["cSoilInitial"][same]), int(same.sum()))
    c0, c1 = xb["cSoilInitial"][land].astype(float), x1["cSoilInitial"][land].astype(float)
    cons = np.max(np.abs(c1 - c0) / c0)
    check("carbon conserved in every cell: cSoilInitial = the stock under the spin-up's land cover (largest relative "
          "difference %.1e)" % cons, cons < 1e-12, cons)
    check("the switch changes the start: cSoilInitial differs from a plain run's on the changed cells",
          np.all(x1["cSoilInitial"][changed] != xc["cSoilInitial"][changed]))
    check("the run goes on from the switched state (2 years of cSoil)", x1["cSoil"].shape[0] == 2)
    # bad input: a map that does not exist
    missing = os.path.join(a.work, "nowhere.tif")
    rbad, pbad = run("bad", 2, 'spinup.land_cover_map="%s"' % missing)
    lines = [l for l in rbad.stderr.splitlines() if l.startswith("alamod: error:")]
    check("a spinup.land_cover_map that does not exist: exit 1, one line naming the key and the file, nothing written",
          rbad.returncode == 1 and len(lines) == 1 and "spinup.land_cover_map" in lines[0] and "nowhere.tif" in lines[0]
          and not os.path.exists(pbad), rbad.stderr[-800:])
    # a map of another place (its extent outside the window): was every cell silently its class of inputs.land_use
    elsewhere = os.path.join(a.work, "land_cover_elsewhere.tif")
    gdal.Translate(elsewhere, fine, projWin=[800000.0, 6500000.0, 1000000.0, 6300000.0])
    rbad, pbad = run("elsewhere", 2, 'spinup.land_cover_map="%s"' % elsewhere)
    lines = [l for l in rbad.stderr.splitlines() if l.startswith("alamod: error:")]
    check("a spinup.land_cover_map not covering the grid: exit 1, one line naming the map, the key and the grid, "
          "nothing written", rbad.returncode == 1 and len(lines) == 1 and elsewhere in lines[0] and
          "spinup.land_cover_map" in lines[0] and "does not cover the grid" in lines[0] and not os.path.exists(pbad),
          rbad.stderr[-800:])
    finish()


if __name__ == "__main__":
    main()
