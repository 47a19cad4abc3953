#!/usr/bin/python3
"""End-to-end checks of alamod's answers to bad input, under mpiexec.

Usage: /usr/bin/python3 tests/integration/test_bad_input.py --alamod build/engine/alamod --ranks 2 \
           --source-dir . [--mpiexec mpiexec] [--keep]

Builds a tiny valid grid case in a temporary folder (40 x 30 cells of 8 km in EPSG:2154 over central
France, rasters from data/france/*_8km.tif, a synthetic CF forcing on a coarser 24 km grid, 1990-1991,
spin-up 1 year), checks that it runs, then breaks one thing at a time. Each bad case must end with a
non-zero exit status within a time limit (no hang), exactly one stderr line `alamod: error: ...` that
names the file, variable, month, cell or line concerned, and no DIR/carbon_yearly.nc nor
DIR/.carbon_yearly.nc.incomplete left behind. The official RothC input cases use
tests/data/rothc/RothC_input.dat (see tests/data/rothc/SOURCE.md).

The bad cases run several at once (--jobs; each has its own inputs and output folder), their lines printed
in order; the cases whose check is a time, and those sharing the valid case's output, run alone.
Prints one line per case and a final line "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")  # no .aux.xml beside the test rasters

# The run grid: 40 x 30 cells of 8 km, aligned on data/france/*_8km.tif (origin 80000, 7120000), so
# that a value set in a cropped copy of a France raster lands on one known run-grid cell.
RES = 8000.0
XMIN, YMIN = 400000.0, 6504000.0
NX, NY = 40, 30
XMAX, YMAX = XMIN + NX * RES, YMIN + NY * RES
# The forcing grid: 24 km cells, one cell of margin around the run grid, north-up (y decreasing).
F_RES = 24000.0
F_XMIN, F_YMAX = XMIN - F_RES, YMAX + F_RES
F_NX, F_NY = int((XMAX - XMIN) / F_RES) + 2, int((YMAX - YMIN) / F_RES) + 2
YEARS = (1990, 1991)
FILL = -9999.0
OUT_NAME = "carbon_yearly.nc"
TMP_NAME = "." + OUT_NAME + ".incomplete"

passed = 0
failed = 0


def report(name, ok, seconds, why=""):
    global passed, failed
    if ok:
        passed += 1
        print("PASS %-34s %5.1f s" % (name, seconds), flush=True)
    else:
        failed += 1
        print("FAIL %-34s %5.1f s: %s" % (name, seconds, why), flush=True)


# ------------------------------------------------------------------------------------------------
# Running alamod
# ------------------------------------------------------------------------------------------------

class Result:
    def __init__(self, rc, out, err, seconds, timed_out):
        self.rc, self.out, self.err, self.seconds, self.timed_out = rc, out, err, seconds, timed_out

    def error_lines(self):
        return [l for l in self.err.splitlines() if l.startswith("alamod: error:")]

    def dump(self):
        tail = lambda s: "\n".join(s.strip().splitlines()[-15:])
        return "\n    --- stdout (tail)\n" + tail(self.out) + "\n    --- stderr (tail)\n" + tail(self.err)


def run(args, cmd, timeout):
    env = dict(os.environ)
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    env.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    env.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    # Open MPI waits 1 s per signal before it ends a job whose rank exited non-zero (about 2 s per
    # failing case); a hang of rank 0 is still caught by the timeout below.
    env.setdefault("OMPI_MCA_odls_base_sigkill_timeout", "0")
    full = [args.mpiexec, "-n", str(args.ranks), args.alamod] + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the process group of the mpiexec started here
        out, err = p.communicate()
        timed_out = True
    return Result(p.returncode, out, err, time.monotonic() - t0, timed_out)


def leftovers(out_dir, allowed=()):
    """Problems with what a failed run left in out_dir."""
    problems = []
    for name in (OUT_NAME, TMP_NAME):
        if os.path.lexists(os.path.join(out_dir, name)) and name not in allowed:
            problems.append("left %s" % os.path.join(out_dir, name))
    if os.path.isdir(out_dir):
        other = sorted(set(os.listdir(out_dir)) - set(allowed) - {OUT_NAME, TMP_NAME})
        if other:
            problems.append("unexpected files in %s: %s" % (out_dir, ", ".join(other)))
    return problems


# Cases collected for a concurrent batch (see `concurrently`), or None: each case then runs at once.
_batch = None


def expect_error(args, name, cmd, must_contain, out_dir, timeout=60, allowed=(), extra=None, alone=False):
    """Runs a bad case; checks exit status, time, the one error line, its content and leftovers.

    Inside a `concurrently` block the case is queued and runs with the block's other cases (alone=True: after
    them, by itself, for the cases whose check is a time); it then returns None, else the run's Result."""
    def case():
        r = run(args, cmd, timeout)
        why = []
        if r.timed_out:
            why.append("no answer within %d s (hang?)" % timeout)
        elif r.rc == 0:
            why.append("exit status 0, expected non-zero")
        lines = r.error_lines()
        if len(lines) != 1:
            why.append("%d stderr lines start with 'alamod: error:', expected exactly 1" % len(lines))
        msg = lines[0] if lines else ""
        missing = [s for s in must_contain if s not in msg]
        if lines and missing:
            why.append("the error line lacks %s" % ", ".join(repr(s) for s in missing))
        why += leftovers(out_dir, allowed)
        if extra:
            why += extra(r, msg)
        return r, why, msg

    def report_case(result):
        r, why, msg = result
        report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))
        if not why and args.verbose:
            print("     " + msg)
        return r

    if _batch is not None:
        _batch.append((case, report_case, alone))
        return None
    return report_case(case())


class concurrently:
    """`with concurrently(jobs):` the expect_error cases queued inside the block run `jobs` at a time when the
    block ends (each with its own inputs and output folder), their lines printed in the order they were queued;
    those queued with alone=True run afterwards, one at a time. Most of a failing case's time is the start of
    mpiexec and of the engine (waiting, not computing), so several at once take a fraction of the time."""

    def __init__(self, jobs):
        self.jobs = max(1, jobs)

    def __enter__(self):
        global _batch
        assert _batch is None, "concurrently() blocks do not nest"
        _batch = []
        return self

    def __exit__(self, kind, value, tb):
        global _batch
        queued, _batch = _batch, None
        if kind is not None:
            return False
        together = [(case, rep) for case, rep, alone in queued if not alone]
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(self.jobs) as pool:
            for (case, rep), result in zip(together, pool.map(lambda c: c[0](), together)):
                rep(result)
        for case, rep, alone in queued:
            if alone:
                rep(case())
        return False


def default_jobs(ranks):
    """Cases at once: a failing case uses about 0.1 s of CPU per process over 0.5-1 s (mostly the start of
    mpiexec and of the engine's libraries), so two per core whatever the rank count, and at most 4."""
    return max(1, min(4, 2 * (os.cpu_count() or 2)))


# ------------------------------------------------------------------------------------------------
# The valid case
# ------------------------------------------------------------------------------------------------

def l93_wkt():
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(2154)
    return srs.ExportToWkt()


def crop_raster(src, dst):
    """The run-grid window of a France 8 km raster, as a GeoTIFF in EPSG:2154."""
    gdal.Translate(dst, src, projWin=[XMIN, YMAX, XMAX, YMIN], format="GTiff")
    return dst


def month_starts():
    """(year, month, days since 1990-01-01) of each month of YEARS."""
    import datetime
    origin = datetime.date(1990, 1, 1)
    return [(y, m, (datetime.date(y, m, 1) - origin).days)
            for y in range(YEARS[0], YEARS[1] + 1) for m in range(1, 13)]


def forcing_cell_of(row, col):
    """(forcing row, forcing col) holding the centre of run-grid cell (row, col)."""
    x = XMIN + (col + 0.5) * RES
    y = YMAX - (row + 0.5) * RES
    return int((F_YMAX - y) // F_RES), int((x - F_XMIN) // F_RES)


def write_forcing(path, drop=(), units=None, no_units=(), bad=None, attrs=None):
    """CF forcing (time, y, x) on the 24 km grid. bad: (variable, year, month, frow, fcol, value);
    attrs: {variable: {attribute: value}}, values written as given (no packing applied)."""
    import netCDF4
    units = dict({"tas": "degC", "pr": "mm month-1", "pet": "mm month-1"}, **(units or {}))
    months = month_starts()
    nt = len(months)
    xs = F_XMIN + (np.arange(F_NX) + 0.5) * F_RES
    ys = F_YMAX - (np.arange(F_NY) + 0.5) * F_RES
    mo = np.array([m for (_, m, _) in months], dtype=float)
    season = -np.cos(2.0 * np.pi * (mo - 0.5) / 12.0)[:, None, None]  # -1 in winter, +1 in summer
    north = ((ys - ys.mean()) / 200000.0)[None, :, None]
    east = ((xs - xs.mean()) / 200000.0)[None, None, :]
    data = {
        "tas": 11.0 + 8.0 * season - 1.5 * north + 0.3 * east + np.zeros((nt, F_NY, F_NX)),
        "pr": 70.0 - 15.0 * season + 5.0 * north + np.zeros((nt, F_NY, F_NX)),
        "pet": 55.0 + 45.0 * season - 5.0 * north + np.zeros((nt, F_NY, F_NX)),
    }
    if bad:
        var, year, month, fr, fc, value = bad
        t = [i for i, (y, m, _) in enumerate(months) if (y, m) == (year, month)][0]
        data[var][t, fr, fc] = value
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("time", nt)
        nc.createDimension("y", F_NY)
        nc.createDimension("x", F_NX)
        t = nc.createVariable("time", "f8", ("time",))
        t.standard_name = "time"
        t.units = "days since 1990-01-01"
        t.calendar = "standard"
        t.axis = "T"
        t[:] = [d for (_, _, d) in months]
        for name, vals, std in (("y", ys, "projection_y_coordinate"), ("x", xs, "projection_x_coordinate")):
            v = nc.createVariable(name, "f8", (name,))
            v.standard_name = std
            v.units = "m"
            v.axis = name.upper()
            v[:] = vals
        crs = nc.createVariable("crs", "i4", ())
        crs.grid_mapping_name = "lambert_conformal_conic"
        crs.crs_wkt = l93_wkt()
        for name in ("tas", "pr", "pet"):
            if name in drop:
                continue
            v = nc.createVariable(name, "f4", ("time", "y", "x"), fill_value=np.float32(FILL))
            v.set_auto_maskandscale(False)  # write NaN, the fill value and the numbers as given
            if name not in no_units:
                v.units = units[name]
            for k, val in (attrs or {}).get(name, {}).items():
                v.setncattr(k, val)
            v.grid_mapping = "crs"
            v[:] = data[name].astype(np.float32)
    return path


CONFIG = """# tiny alamod case written by tests/integration/test_bad_input.py
model = "{model}"

[run]
start_year = 1990
end_year = 1991
soil_depth_cm = 30.0

[grid]
crs = "EPSG:2154"
resolution = {res}
xmin = {xmin}
ymin = {ymin}
xmax = {xmax}
ymax = {ymax}

[inputs]
land_mask = "{land_mask}"
land_use = "{land_use}"
clay = "{clay}"
soc_stock = "{soc_stock}"
carbon_input = "{carbon_input}"
climate = "{climate}"
resampling = "average"

[spinup]
{spinup_key} = 1

[land_use.cropland]
code = 1
dpm_rpm_ratio = 1.44
input_share = [0.0, 0.0, 0.05, 0.1, 0.1, 0.1, 0.3, 0.25, 0.0, 0.05, 0.05, 0.0]
covered = [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1]

[land_use.grassland]
code = 2
dpm_rpm_ratio = 1.44
input_share = [0.04, 0.04, 0.08, 0.12, 0.14, 0.12, 0.1, 0.08, 0.08, 0.08, 0.06, 0.06]

[land_use.forest]
code = 3
dpm_rpm_ratio = 0.25
input_share = [0.02, 0.02, 0.03, 0.05, 0.06, 0.06, 0.06, 0.06, 0.1, 0.24, 0.2, 0.1]

[output]
file = "{out_name}"
deflate_level = 1
precision = "float"

[totals]
enabled = false   # the output file alone (bad zone inputs: tests/integration/test_totals.py)
"""


class Case:
    """A folder with the valid inputs; variants only change what they name."""

    def __init__(self, root, source_dir):
        self.root = root
        self.france = os.path.join(source_dir, "data", "france")
        self.inputs = {
            "land_mask": os.path.join(self.france, "land_mask_8km.tif"),
            "land_use": os.path.join(self.france, "land_use_8km.tif"),
            "clay": crop_raster(os.path.join(self.france, "clay_8km.tif"), os.path.join(root, "clay.tif")),
            "soc_stock": os.path.join(self.france, "soc_stock_8km.tif"),
            "carbon_input": os.path.join(self.france, "carbon_input_8km.tif"),
            "climate": "climate.nc",  # relative to the configuration file
        }
        write_forcing(os.path.join(root, "climate.nc"))
        ds = gdal.Translate("", self.inputs["land_mask"], projWin=[XMIN, YMAX, XMAX, YMIN], format="MEM")
        self.land = ds.GetRasterBand(1).ReadAsArray() == 1
        ds = None

    def config(self, name, model="rothc", spinup_key="years", **inputs):
        values = dict(self.inputs, **inputs)
        text = CONFIG.format(model=model, res=RES, xmin=XMIN, ymin=YMIN, xmax=XMAX, ymax=YMAX,
                             spinup_key=spinup_key, out_name=OUT_NAME, **values)
        path = os.path.join(self.root, name + ".toml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def out(self, name):
        return os.path.join(self.root, "out_" + name)

    def first_land_cell_in(self, frow, fcol):
        """Row-major first land cell of the run grid whose centre lies in forcing cell (frow, fcol)."""
        for r in range(NY):
            for c in range(NX):
                if self.land[r, c] and forcing_cell_of(r, c) == (frow, fcol):
                    return r, c
        raise RuntimeError("no land cell in forcing cell %d, %d" % (frow, fcol))


def cell_text(row, col):
    return "row %d, col %d; x=%.0f m, y=%.0f m" % (row, col, XMIN + (col + 0.5) * RES, YMAX - (row + 0.5) * RES)


# ------------------------------------------------------------------------------------------------
# The cases
# ------------------------------------------------------------------------------------------------

def check_valid(args, case):
    import xarray as xr
    cfg = case.config("valid")
    out = case.out("valid")
    r = run(args, ["run", cfg, "--out", out, "--quiet"], timeout=120)
    why = []
    if r.timed_out:
        why.append("no answer within 120 s")
    elif r.rc != 0:
        why.append("exit status %d" % r.rc)
    path = os.path.join(out, OUT_NAME)
    if not why:
        try:
            with xr.open_dataset(path) as ds:
                if ds.sizes.get("time") != 2 or ds.sizes.get("y") != NY or ds.sizes.get("x") != NX:
                    why.append("unexpected sizes %s" % dict(ds.sizes))
                soc = ds["cSoil"].values
                n_land = int(case.land.sum())
                n_finite = int(np.isfinite(soc[-1]).sum())
                if n_finite != n_land:
                    why.append("cSoil finite on %d cells, %d land cells" % (n_finite, n_land))
                elif not (np.nanmin(soc) > 0.0 and np.nanmax(soc) < 2000.0):
                    why.append("cSoil outside (0, 2000) t ha-1")
        except Exception as e:  # noqa: BLE001 - any failure to open is the finding
            why.append("cannot open %s in xarray: %s" % (path, e))
    if os.path.lexists(os.path.join(out, TMP_NAME)):
        why.append("left %s" % TMP_NAME)
    report("valid_case", not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))
    return not why


def bad_grid_cases(args, case):
    root = case.root

    # 1. the climate file does not exist
    cfg = case.config("missing_file", climate="no_such_climate.nc")
    expect_error(args, "missing_climate_file", ["run", cfg, "--out", case.out("missing_file")],
                 ["no_such_climate.nc", "not found"], case.out("missing_file"))

    # 2. the forcing lacks pet
    f = write_forcing(os.path.join(root, "climate_no_pet.nc"), drop=("pet",))
    cfg = case.config("no_pet", climate=os.path.basename(f))
    expect_error(args, "missing_variable_pet", ["run", cfg, "--out", case.out("no_pet")],
                 ["climate_no_pet.nc", "'pet'"], case.out("no_pet"))

    # 3. wrong units (tas in degF), missing units (pr)
    f = write_forcing(os.path.join(root, "climate_degF.nc"), units={"tas": "degF"})
    cfg = case.config("degF", climate=os.path.basename(f))
    expect_error(args, "wrong_units_tas_degF", ["run", cfg, "--out", case.out("degF")],
                 ["climate_degF.nc", "'tas'", "degF", "expected", "degC"], case.out("degF"))
    f = write_forcing(os.path.join(root, "climate_pr_no_units.nc"), no_units=("pr",))
    cfg = case.config("pr_no_units", climate=os.path.basename(f))
    expect_error(args, "missing_units_pr", ["run", cfg, "--out", case.out("pr_no_units")],
                 ["climate_pr_no_units.nc", "'pr'", "units", "expected", "mm month-1"], case.out("pr_no_units"))

    # 3b. CF packing that cannot be undone (scale_factor 0)
    f = write_forcing(os.path.join(root, "climate_pr_scale0.nc"), attrs={"pr": {"scale_factor": 0.0}})
    cfg = case.config("pr_scale0", climate=os.path.basename(f))
    expect_error(args, "unusable_scale_factor_pr", ["run", cfg, "--out", case.out("pr_scale0")],
                 ["climate_pr_scale0.nc", "'pr'", "scale_factor"], case.out("pr_scale0"))

    # 4. a clay raster on a Mars CRS, and one without any CRS
    mars = os.path.join(root, "clay_mars.tif")
    shutil.copyfile(case.inputs["clay"], mars)
    ds = gdal.Open(mars, gdal.GA_Update)
    srs = osr.SpatialReference()
    try:
        srs.SetFromUserInput("IAU_2015:49900")  # Mars (2015) sphere, ocentric
    except RuntimeError:
        srs.SetFromUserInput('GEOGCS["Mars 2000",DATUM["D_Mars_2000",SPHEROID["Mars_2000_IAU_IAG",'
                             '3396190,169.894447223612]],PRIMEM["Reference_Meridian",0],'
                             'UNIT["degree",0.0174532925199433]]')
    ds.SetProjection(srs.ExportToWkt())
    ds = None
    cfg = case.config("clay_mars", clay=mars)
    expect_error(args, "crs_not_transformable_mars", ["run", cfg, "--out", case.out("clay_mars")],
                 [mars, "CRS"], case.out("clay_mars"))
    nocrs = os.path.join(root, "clay_no_crs.tif")
    src = gdal.Open(case.inputs["clay"])
    ds = gdal.GetDriverByName("GTiff").Create(nocrs, NX, NY, 1, gdal.GDT_Float32)
    ds.SetGeoTransform(src.GetGeoTransform())
    ds.GetRasterBand(1).WriteArray(src.GetRasterBand(1).ReadAsArray())
    ds = src = None
    if gdal.Open(nocrs).GetSpatialRef() is not None:
        report("crs_missing", False, 0.0, "could not write a raster without CRS")
    else:
        cfg = case.config("clay_no_crs", clay=nocrs)
        expect_error(args, "crs_missing", ["run", cfg, "--out", case.out("clay_no_crs")],
                     [nocrs, "coordinate reference system"], case.out("clay_no_crs"))

    # 5. NaN in tas over land in 1991-03 (read in the time loop, the output file is open),
    #    the _FillValue in pr in 1990-07 (read by the spin-up)
    for label, var, year, month, value, frc in (("nan_in_forcing", "tas", 1991, 3, np.nan, (5, 8)),
                                               ("fillvalue_in_forcing", "pr", 1990, 7, FILL, (7, 3))):
        fr, fc = frc
        row, col = case.first_land_cell_in(fr, fc)
        f = write_forcing(os.path.join(root, "climate_%s.nc" % label), bad=(var, year, month, fr, fc, value))
        cfg = case.config(label, climate=os.path.basename(f))
        expect_error(args, label, ["run", cfg, "--out", case.out(label)],
                     [os.path.basename(f), "'%s'" % var, "%04d-%02d" % (year, month), cell_text(row, col)],
                     case.out(label))

    # 6. clay = 150 % on one land cell
    row, col = 17, 23
    assert case.land[row, col]
    bad = os.path.join(root, "clay_150.tif")
    shutil.copyfile(case.inputs["clay"], bad)
    ds = gdal.Open(bad, gdal.GA_Update)
    a = ds.GetRasterBand(1).ReadAsArray()
    a[row, col] = 150.0
    ds.GetRasterBand(1).WriteArray(a)
    ds = None
    cfg = case.config("clay_150", clay=bad)
    expect_error(args, "clay_out_of_range", ["run", cfg, "--out", case.out("clay_150")],
                 [bad, "150", "0-100", cell_text(row, col)], case.out("clay_150"))

    # 7. unknown configuration key
    cfg = case.config("typo_key", spinup_key="yeras")
    line = 1 + [l.startswith("yeras =") for l in open(cfg).read().splitlines()].index(True)
    expect_error(args, "unknown_config_key", ["run", cfg, "--out", case.out("typo_key")],
                 ["%s:%d:" % (cfg, line), "spinup.yeras", "spinup.years"], case.out("typo_key"))
    cfg = case.config("set_typo")
    expect_error(args, "unknown_config_key_by_set", ["run", cfg, "--out", case.out("set_typo"),
                                                     "--set", "checks.balance_tolerence=1e-6"],
                 ["--set 'checks.balance_tolerence=1e-6'", "checks.balance_tolerance"], case.out("set_typo"))

    # 8. unknown model
    cfg = case.config("rothd", model="rothd")
    expect_error(args, "unknown_model", ["run", cfg, "--out", case.out("rothd")],
                 ["rothd", "rothc"], case.out("rothd"))

    # 9. models other than RothC on the grid: a parameter name with a typo, parameters of another
    #    model, and the inverse spin-up asked of a nonlinear model
    cfg = case.config("icbm_typo", model="icbm")
    # (one output folder per case: the cases may run at the same time)
    expect_error(args, "unknown_model_parameter", ["run", cfg, "--out", case.out("icbm_typo"),
                                                   "--set", "icbm.parameters.k_yung=0.8"],
                 ["k_yung", "k_young", "icbm"], case.out("icbm_typo"))
    expect_error(args, "parameters_of_another_model", ["run", cfg, "--out", case.out("icbm_century_parameters"),
                                                       "--set", "century.parameters.k_active=7.0"],
                 ["century.parameters", "model = \"icbm\""], case.out("icbm_century_parameters"))
    expect_error(args, "rothc_parameters_with_another_model", ["run", cfg, "--out", case.out("icbm_rothc_parameters"),
                                                               "--set", "rothc.parameters.k_hum=0.03"],
                 ["rothc.parameters", "model = \"icbm\""], case.out("icbm_rothc_parameters"))
    # a key that moved: the message says where to
    expect_error(args, "retired_key_soil_depth", ["run", cfg, "--out", case.out("icbm_soil_depth"),
                                                  "--set", "rothc.soil_depth_cm=30.0"],
                 ["rothc.soil_depth_cm", "run.soil_depth_cm"], case.out("icbm_soil_depth"))
    cfg = case.config("mimics_inverse", model="mimics")
    # refused when the configuration is read: no output folder, within seconds (the spin-up never ran); timed,
    # so each runs alone
    def failed_fast(out_dir):
        return lambda r, msg: ((["created %s" % out_dir] if os.path.lexists(out_dir) else []) +
                               (["took %.1f s, expected < 5 s" % r.seconds] if r.seconds >= 5.0 else []))
    expect_error(args, "inverse_spinup_nonlinear_model", ["run", cfg, "--out", case.out("mimics_inverse"),
                                                          "--set", "spinup.method=\"inverse\""],
                 ["spinup.method", "inverse", "linear model", "mimics"], case.out("mimics_inverse"),
                 extra=failed_fast(case.out("mimics_inverse")), alone=True)
    expect_error(args, "scaled_start_nonlinear_model", ["run", cfg, "--out", case.out("mimics_scaled"),
                                                        "--set", "spinup.method=\"scaled\""],
                 ["--set 'spinup.method=\"scaled\"'", "spinup.method", "\"scaled\"", "linear model", "mimics"],
                 case.out("mimics_scaled"), extra=failed_fast(case.out("mimics_scaled")), alone=True)
    scaled = case.config("mimics_scaled_in_file", model="millennial")
    text = open(scaled).read()
    open(scaled, "w").write(text.replace("[spinup]\n", "[spinup]\nmethod = \"scaled\"\n", 1))
    expect_error(args, "scaled_start_nonlinear_model_in_file", ["run", scaled, "--out", case.out("millennial_scaled")],
                 [scaled + ":", "spinup.method", "\"scaled\"", "linear model", "millennial"],
                 case.out("millennial_scaled"), extra=failed_fast(case.out("millennial_scaled")), alone=True)

    # 10-21. bad `--set` values on an otherwise valid configuration: (case, folder, overrides, expected words)
    clay = case.inputs["clay"]
    for name, label, override, words in (
            ("significant_bits_out_of_range", "too_many_bits", "output.significant_bits=30",  # more than a float holds
             ["output.significant_bits", "1-23", "float"]),
            ("climate_reading_unknown", "bad_climate_reading", "inputs.climate_reading='everyone'",
             ["inputs.climate_reading", "per_rank", "everyone"]),
            ("rebalance_every_years_zero", "bad_rebalance_every", "decomposition.rebalance_every_years=0",
             ["decomposition.rebalance_every_years", "1-1000", "got 0"]),
            ("deflate_low_bytes_unknown", "bad_low_bytes", "output.deflate_low_bytes='zstd'",
             ["output.deflate_low_bytes", "runs", "zstd"]),
            # a quoted key holding '.' is not run.end_year (it crashed the key lookup)
            ("quoted_dotted_key", "quoted_key", '"run.end_year"=1992', ["--set", "run.end_year", "may not"]),
            ("output_file_dot", "output_dot", 'output.file="."', ["output.file", "file name"]),
            ("integer_beyond_32_bits", "big_int", "spinup.years=4294967297",
             ["--set 'spinup.years=4294967297'", "spinup.years", "out of range"]),
            ("not_a_finite_number", "nan_fym", "land_use.cropland.fym=nan", ["land_use.cropland.fym", "finite"]),
            ("infinite_grid_extent", "inf_extent", "grid.xmax=inf", ["grid.xmax", "finite"]),
            ("negative_balance_tolerance", "bad_tolerance", "checks.balance_tolerance=-1",
             ["checks.balance_tolerance", "> 0"]),
            ("land_use_code_twice", "code_twice", "land_use.extra.code=1", ["land_use.extra.code", "land_use.cropland"]),
            ("land_mask_not_a_mask", "mask_is_clay", 'inputs.land_mask="%s"' % clay,
             [clay, "land mask value", "row", "col"]),
            # physical bounds of the configured numbers (config_schema.cpp): the key, the value and the bounds
            ("manure_above_bound", "fym_150", "land_use.cropland.fym=150",
             ["land_use.cropland.fym", "got 150", "0-100 t ha-1 yr-1"]),
            ("dpm_rpm_ratio_zero", "dpm_rpm_0", "land_use.cropland.dpm_rpm_ratio=0",
             ["land_use.cropland.dpm_rpm_ratio", "> 0", "got 0"]),
            ("dpm_rpm_ratio_above_bound", "dpm_rpm_1000", "land_use.forest.dpm_rpm_ratio=1000",
             ["land_use.forest.dpm_rpm_ratio", "<= 100", "got 1000"]),
            ("lignin_fraction_above_bound", "lignin_09", "land_use.grassland.lignin_fraction=0.9",
             ["land_use.grassland.lignin_fraction", "<= 0.5", "got 0.9"]),
            ("n_fraction_above_bound", "n_05", "land_use.grassland.n_fraction=0.5",
             ["land_use.grassland.n_fraction", "<= 0.1", "got 0.5"]),
            ("input_share_negative", "share_negative",
             "land_use.cropland.input_share=[-0.1, 0.1, 0.05, 0.1, 0.1, 0.1, 0.3, 0.25, 0.0, 0.1, 0.1, 0.0]",
             ["land_use.cropland.input_share", "element 1", "0-1", "got -0.1"]),
            ("awen_not_summing_to_1", "awen_sum", "land_use.forest.awen=[0.5, 0.2, 0.1, 0.3]",
             ["land_use.forest.awen", "sum to 1", "1.1"]),
            ("awen_share_negative", "awen_negative", "land_use.forest.awen=[0.6, -0.2, 0.3, 0.3]",
             ["land_use.forest.awen", "element 2", "0-1", "got -0.2"]),
            ("balance_tolerance_above_bound", "loose_tolerance", "checks.balance_tolerance=0.5",
             ["checks.balance_tolerance", "<= 0.01", "got 0.5"]),
            # a tolerance below the rounding of the yearly sums: the per-cell check, made block by block as the
            # model steps (GridModel::step_year_blocks), names the first cell (row 0, col 0 here) and the year on
            # every rank count, as the separate check after the year did
            ("balance_violated", "tight_tolerance", "checks.balance_tolerance=1e-300",
             ["carbon balance violated in 1990 at land cell (row 0, col 0;", "stock change - (inputs - respiration - leaching) = ",
              "checks.balance_tolerance"]),
            ("start_year_zero", "year_zero", "run.start_year=0", ["run.start_year", "1-9999", "got 0"]),
            ("land_mask_partial_not_boolean", "partial_yes", 'inputs.land_mask_partial="yes"',
             ["inputs.land_mask_partial", "true or false"]),
            # a folder given as an input file is refused up front, naming the key
            ("input_is_a_folder", "soc_folder", 'inputs.soc_stock="%s"' % case.root,
             ["inputs.soc_stock", case.root, "a folder", "not a regular file"]),
            # the GSOCseq maps without [scenarios]: were silently not written (exit 0)
            ("gsocseq_maps_without_scenarios", "gsocseq_no_scenarios", "totals.gsocseq_maps=true",
             ["--set 'totals.gsocseq_maps=true'", "totals.gsocseq_maps", "needs [scenarios]"])):
        cfg = case.config(label)
        expect_error(args, name, ["run", cfg, "--out", case.out(label), "--set", override], words, case.out(label))


def existing_output_cases(args, case):
    out = case.out("valid")
    path = os.path.join(out, OUT_NAME)
    if not os.path.exists(path):
        report("existing_output_refused", False, 0.0, "the valid case left no output to protect")
        report("existing_output_overwrite", False, 0.0, "the valid case left no output to protect")
        return
    with open(path, "rb") as f:
        before = f.read()
    st = os.stat(path)
    cfg = case.config("valid")

    def untouched(r, msg):
        with open(path, "rb") as f:
            same = f.read() == before
        return [] if same and os.stat(path).st_mtime_ns == st.st_mtime_ns else ["the existing output was modified"]

    expect_error(args, "existing_output_refused", ["run", cfg, "--out", out, "--quiet"],
                 [path, "--overwrite"], out, allowed=(OUT_NAME,), extra=untouched)

    # a failed run with --overwrite (NaN in the forcing in 1991, once the new file is being written)
    # must keep the previous output
    bad_cfg = os.path.join(case.root, "nan_in_forcing.toml")
    if os.path.exists(bad_cfg):
        expect_error(args, "failed_overwrite_keeps_output", ["run", bad_cfg, "--out", out, "--quiet", "--overwrite"],
                     ["climate_nan_in_forcing.nc", "1991-03"], out, allowed=(OUT_NAME,), extra=untouched)

    r = run(args, ["run", cfg, "--out", out, "--quiet", "--overwrite"], timeout=120)
    why = []
    if r.timed_out or r.rc != 0:
        why.append("exit status %s%s" % (r.rc, " (timed out)" if r.timed_out else ""))
    elif not os.path.exists(path):
        why.append("no output after --overwrite")
    else:
        st2 = os.stat(path)
        if st2.st_ino == st.st_ino and st2.st_mtime_ns == st.st_mtime_ns:
            why.append("the output was not replaced")
        import xarray as xr
        try:
            with xr.open_dataset(path) as ds:
                ds["cSoil"].load()
        except Exception as e:  # noqa: BLE001
            why.append("the replaced output does not open: %s" % e)
    why += leftovers(out, allowed=(OUT_NAME,))
    report("existing_output_overwrite", not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))


def rothc_cases(args, case, source_dir):
    ref = os.path.join(source_dir, "tests", "data", "rothc", "RothC_input.dat")
    with open(ref) as f:
        lines = f.read().splitlines()

    # the unmodified file runs (so the failures below are the corruption's doing)
    out = os.path.join(case.root, "rothc_valid")
    r = run(args, ["rothc", "--official-input", ref, "--out", out], timeout=60)
    ok = r.rc == 0 and not r.timed_out and all(
        os.path.exists(os.path.join(out, n)) for n in ("month_results.csv", "year_results.csv"))
    report("rothc_valid_input", ok, r.seconds, "" if ok else "exit status %s%s" % (r.rc, r.dump()))

    def corrupt(name, line_no, new_line):
        path = os.path.join(case.root, name + ".dat")
        copy = list(lines)
        copy[line_no - 1] = new_line
        with open(path, "w") as f:
            f.write("\n".join(copy) + "\n")
        return path

    def nothing_written(out_dir):
        def check(r, msg):
            if os.path.isdir(out_dir) and os.listdir(out_dir):
                return ["files written in --out: %s" % ", ".join(sorted(os.listdir(out_dir)))]
            return []
        return check

    # a short monthly row (the last field dropped), then a non-numeric temperature
    line_no = 20
    fields = lines[line_no - 1].split()
    assert len(fields) == 10, lines[line_no - 1]
    path = corrupt("rothc_short_row", line_no, "\t".join(fields[:-1]))
    out = os.path.join(case.root, "out_rothc_short_row")
    expect_error(args, "rothc_short_monthly_row", ["rothc", "--official-input", path, "--out", out],
                 ["%s:%d:" % (path, line_no), "expected 10"], out, extra=nothing_written(out))
    line_no = 30
    fields = lines[line_no - 1].split()
    fields[3] = "abc"
    path = corrupt("rothc_not_a_number", line_no, "\t".join(fields))
    out = os.path.join(case.root, "out_rothc_not_a_number")
    expect_error(args, "rothc_non_numeric_value", ["rothc", "--official-input", path, "--out", out],
                 ["%s:%d:" % (path, line_no), "'abc'", "Tmp"], out, extra=nothing_written(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alamod", required=True, help="the alamod binary")
    ap.add_argument("--ranks", type=int, default=1, help="MPI ranks of every run")
    ap.add_argument("--source-dir", required=True, help="the repository root (data/france, tests/data)")
    ap.add_argument("--mpiexec", default=shutil.which("mpiexec") or "mpiexec")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("--verbose", action="store_true", help="print each error line seen")
    ap.add_argument("--jobs", type=int, default=0, help="bad cases run at once (default: from the cores and --ranks)")
    args = ap.parse_args()
    args.jobs = args.jobs or default_jobs(args.ranks)
    args.alamod = os.path.abspath(args.alamod)
    source_dir = os.path.abspath(args.source_dir)

    t0 = time.monotonic()
    root = tempfile.mkdtemp(prefix="alamod_bad_input_np%d_" % args.ranks)
    try:
        case = Case(root, source_dir)
        if not case.land.any():
            print("FAIL the test window holds no land cell")
            return 1
        check_valid(args, case)
        with concurrently(args.jobs):  # each case its own inputs and output folder
            bad_grid_cases(args, case)
            rothc_cases(args, case, source_dir)
        existing_output_cases(args, case)  # one after another: they share the valid case's output
    finally:
        if args.keep or failed:
            print("temporary files kept in " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("%d ranks, %d cases at once, %.1f s in all" % (args.ranks, args.jobs, time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
