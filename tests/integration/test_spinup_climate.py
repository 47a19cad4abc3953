#!/usr/bin/python3
"""The spin-up's own climate period and file (spinup.first_year, spinup.climate; docs/SCENARIOS.md, "Phases"), end to
end with the real binary on the France 8 km default (2 ranks):

- a run that starts in 2000 with spinup.first_year = 1990 starts from the same state (cSoilInitial, bitwise) as a
  run that starts in 1990 (both average 1990-1999), and its provenance names the spin-up's years;
- spinup.climate naming the run's own file gives the bits of a run without it;
- spinup.climate with another file (the same climate 2 degC warmer, written here) changes the start;
- a spin-up period the file does not hold is one line naming the file and the missing month, exit 1, nothing written.

  test_spinup_climate.py --alamod PATH --source-dir DIR --work DIR
"""
import os
import shutil
import subprocess
import sys

import netCDF4
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, finish, mpi_env, run_arguments  # noqa: E402

ENV = mpi_env()


def main():
    a = run_arguments()
    os.makedirs(a.work, exist_ok=True)
    cfg = os.path.join(a.source_dir, "configs", "france_default.toml")
    climate = os.path.join(a.source_dir, "data", "france", "forcing", "climate_8km_monthly_1990_2100.nc")

    def run(name, *sets):
        out = os.path.join(a.work, name)
        cmd = ["mpiexec", "-n", "2", a.alamod, "run", cfg, "--out", out, "--overwrite", "--quiet",
               "--set", "totals.report=false"]
        for s in sets:
            cmd += ["--set", s]
        r = subprocess.run(cmd, env=ENV, capture_output=True, text=True, timeout=600)
        return r, os.path.join(out, "carbon_yearly.nc")

    def initial(path):
        with netCDF4.Dataset(path) as d:
            v = d["cSoilInitial"]
            v.set_auto_maskandscale(False)
            return np.array(v[...]), d.getncattr("alamod_spinup")

    r1, p1 = run("start1990", "run.start_year=1990", "run.end_year=1990")
    r2, p2 = run("start2000", "run.start_year=2000", "run.end_year=2000", "spinup.first_year=1990")
    check("runs starting in 1990 and in 2000 (spin-up 1990-1999) exit 0", r1.returncode == 0 and r2.returncode == 0,
          r1.stderr[-800:] + r2.stderr[-800:])
    if r1.returncode or r2.returncode:
        finish()
    x1, _ = initial(p1)
    x2, note = initial(p2)
    check("spinup.first_year = 1990 before a 2000 start: the same initial state as a 1990 start, bitwise",
          np.array_equal(x1, x2))
    check("the provenance names the spin-up's years", "years from 1990" in note, note)
    r3, p3 = run("own_same", "run.end_year=1990", 'spinup.climate="%s"' % climate)
    check("spinup.climate = the run's file exits 0", r3.returncode == 0, r3.stderr[-800:])
    if r3.returncode == 0:
        x3, note3 = initial(p3)
        check("spinup.climate = the run's own file: the bits of a run without it", np.array_equal(x1, x3))
        check("the provenance names the spin-up's file", climate in note3 or "climate_8km" in note3, note3)
    warm = os.path.join(a.work, "warm_1990_1999.nc")
    with netCDF4.Dataset(climate) as src, netCDF4.Dataset(warm, "w") as dst:
        t = src["time"]
        n = 120  # 1990-1999
        for name, dim in src.dimensions.items():
            dst.createDimension(name, n if name == "time" else len(dim))
        for name, v in src.variables.items():
            out = dst.createVariable(name, v.dtype, v.dimensions)
            out.setncatts({k: v.getncattr(k) for k in v.ncattrs() if k != "_FillValue"})
            data = v[:n] if "time" in v.dimensions and v.dimensions[0] == "time" else v[:]
            if name in ("tas",):
                data = data + 2.0
            out[:] = data
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
    r4, p4 = run("own_warm", "run.end_year=1990", 'spinup.climate="%s"' % warm, 'spinup.method="equilibrium"')
    r5, p5 = run("plain_equilibrium", "run.end_year=1990", 'spinup.method="equilibrium"')
    check("spinup.climate = a warmer file exits 0", r4.returncode == 0 and r5.returncode == 0, r4.stderr[-800:])
    if r4.returncode == 0 and r5.returncode == 0:
        x4, _ = initial(p4)
        x5, _ = initial(p5)
        land = x5 < 1e19
        check("a spin-up 2 degC warmer starts with less carbon on every land cell",
              land.sum() > 1000 and np.all(x4[land] < x5[land]), (int(land.sum()), float((x4[land] >= x5[land]).sum())))
    out = os.path.join(a.work, "bad")
    shutil.rmtree(out, ignore_errors=True)
    r6, _ = run("bad", "run.end_year=1990", 'spinup.climate="%s"' % warm, "spinup.first_year=1985")
    lines = [l for l in r6.stderr.splitlines() if l.startswith("alamod: error:")]
    left = os.path.isdir(out) and any(f.endswith(".nc") for f in os.listdir(out))
    check("a spin-up period the file lacks: exit 1, one line naming the file and the month, nothing written",
          r6.returncode == 1 and len(lines) == 1 and warm in lines[0] and "1985-01" in lines[0] and not left,
          r6.stderr[-800:])
    finish()


if __name__ == "__main__":
    main()
