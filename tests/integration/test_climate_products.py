#!/usr/bin/python3
"""alamod climate prepare on small files laid out exactly as the climate products come (docs/CLIMATE.md).

Usage: /usr/bin/python3 tests/integration/test_climate_products.py --alamod build/engine/alamod \
           --source-dir . [--ranks 2] [--keep]

The generator (make_* below) writes, over the tiny grid case of test_bad_input.py (central France), two
years of daily data as each product lays it out:
- cordex: bias-adjusted EURO-CORDEX / DRIAS: `tasAdjust` (K), `prAdjust` (kg m-2 s-1) on the EURO-CORDEX
  rotated pole (grid north pole 39.25 N, -162 E; `rlat`, `rlon` and 2-D `lat`, `lon`), a 360_day calendar,
  "days since 1949-12-01", `frequency = "day"`, one file per year given in reverse order, starting on
  1 December of the year before (a partial year the output must leave out);
- eobs: E-OBS: `tg`, `tn`, `tx` packed as 16-bit integers (scale_factor 0.01 degC), `rr` (mm, per day),
  `latitude`/`longitude` axes, standard calendar, "days since 1950-01-01 00:00", a missing-value corner;
- era5land: ERA5-Land daily statistics: `t2m` (K), `tp` (m of water per day), latitude from north to south,
  "hours since 1900-01-01 00:00:00.0", gregorian calendar.
Each prepared monthly file is checked against numpy's monthly means and sums of the same values (and the
PET against an independent Oudin and Hargreaves computation), E-OBS's monthly mean temperature against
CDO's `monmean`, and a grid run of the tiny case must run on the rotated-pole and north-to-south files.
Bad input: a missing day, a variable lacking, units that are not a temperature, a noleap file beside a
360_day one: exit 1, one `alamod: error:` line naming the file (and variable and month), no file left.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import netCDF4
from osgeo import osr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_bad_input as tb  # noqa: E402

ROTATED = "+proj=ob_tran +o_proj=longlat +o_lat_p=39.25 +o_lon_p=0 +lon_0=18 +datum=WGS84 +no_defs"


def region_lonlat():
    """Longitude/latitude of the tiny case's corners and centre (EPSG:2154)."""
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(2154)
    dst.ImportFromEPSG(4326)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    pts = [(x, y) for x in (tb.XMIN, tb.XMAX) for y in (tb.YMIN, tb.YMAX)]
    return [ct.TransformPoint(x, y)[:2] for x, y in pts]


def fields(rng, ny, nx, days, lat):
    """Daily temperature (degC) with a seasonal cycle and latitude gradient, and precipitation (mm d-1)."""
    t = np.arange(days)[:, None, None]
    season = 10.0 * np.sin(2 * np.pi * (t - 100) / (days / 2.0))
    tas = 11.0 + season - 0.6 * (lat[None] - 46.0) + rng.normal(0, 2.0, (days, ny, nx))
    pr = np.maximum(rng.gamma(0.6, 4.0, (days, ny, nx)) - 0.5, 0.0)
    dtr = 6.0 + 3.0 * rng.random((days, ny, nx))
    return tas, pr, tas - dtr / 2, tas + dtr / 2


def write_var(nc, name, data, dims, units, dtype="f4", fill=None, scale=None, grid_mapping=None):
    v = nc.createVariable(name, dtype, dims, fill_value=fill, zlib=True)
    v.units = units
    if scale is not None:
        v.scale_factor = scale
        v.add_offset = 0.0
    if grid_mapping:
        v.grid_mapping = grid_mapping
    v[:] = data
    return v


def make_cordex(root, rng):
    """Rotated-pole daily files in a 360_day calendar, 1989-12-01 to 1991-12-30, one file per year."""
    rot = osr.SpatialReference()
    rot.ImportFromProj4(ROTATED)
    geo = osr.SpatialReference()
    geo.ImportFromEPSG(4326)
    geo.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    rot.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_rot = osr.CoordinateTransformation(geo, rot)
    corners = [to_rot.TransformPoint(lon, lat)[:2] for lon, lat in region_lonlat()]
    rx = [c[0] for c in corners]
    ry = [c[1] for c in corners]
    step = 0.22
    rlon = np.arange(np.floor(min(rx) / step) - 2, np.ceil(max(rx) / step) + 3) * step
    rlat = np.arange(np.floor(min(ry) / step) - 2, np.ceil(max(ry) / step) + 3) * step
    to_geo = osr.CoordinateTransformation(rot, geo)
    lon2 = np.zeros((len(rlat), len(rlon)))
    lat2 = np.zeros_like(lon2)
    for i, y in enumerate(rlat):
        for j, x in enumerate(rlon):
            lon2[i, j], lat2[i, j] = to_geo.TransformPoint(float(x), float(y))[:2]
    days = 30 + 2 * 360
    tas, pr, _, _ = fields(rng, len(rlat), len(rlon), days, lat2)
    # 1949-12-01 to 1989-12-01: 40 years of 360 days
    t0 = 40 * 360
    files = []
    for k, (a, b) in enumerate(((0, 390), (390, days))):
        path = os.path.join(root, "cordex_%d.nc" % k)
        with netCDF4.Dataset(path, "w") as nc:
            nc.frequency = "day"
            nc.createDimension("time", None)
            nc.createDimension("rlat", len(rlat))
            nc.createDimension("rlon", len(rlon))
            tv = nc.createVariable("time", "f8", ("time",))
            tv.units = "days since 1949-12-01 00:00:00"
            tv.calendar = "360_day"
            tv[:] = t0 + np.arange(a, b) + 0.5
            for name, vals, std in (("rlat", rlat, "grid_latitude"), ("rlon", rlon, "grid_longitude")):
                v = nc.createVariable(name, "f8", (name,))
                v.units, v.standard_name = "degrees", std
                v[:] = vals
            for name, vals, units in (("lat", lat2, "degrees_north"), ("lon", lon2, "degrees_east")):
                v = nc.createVariable(name, "f8", ("rlat", "rlon"))
                v.units = units
                v[:] = vals
            gm = nc.createVariable("rotated_pole", "c")
            gm.grid_mapping_name = "rotated_latitude_longitude"
            gm.grid_north_pole_latitude = 39.25
            gm.grid_north_pole_longitude = -162.0
            write_var(nc, "tasAdjust", tas[a:b] + 273.15, ("time", "rlat", "rlon"), "K", fill=np.float32(1e20),
                      grid_mapping="rotated_pole")
            write_var(nc, "prAdjust", pr[a:b] / 86400.0, ("time", "rlat", "rlon"), "kg m-2 s-1",
                      fill=np.float32(1e20), grid_mapping="rotated_pole")
        files.append(path)
    # the months of 1990-1991 (day 30 on): 24 months of 30 days
    tas_f = (tas + 273.15).astype("f4").astype("f8") - 273.15
    pr_f = (pr / 86400.0).astype("f4").astype("f8") * 86400.0
    expect = {"tas": tas_f[30:].reshape(24, 30, *lat2.shape).mean(axis=1),
              "pr": pr_f[30:].reshape(24, 30, *lat2.shape).sum(axis=1)}
    doy = np.arange(720) % 360 + 0.5  # day index within the 360-day year, stretched to 365 days
    expect["pet"] = np.stack([
        oudin(ra(lat2, (doy[d] * 365.0 / 360.0) + 0.5), tas_f[30 + d]) for d in range(720)
    ]).reshape(24, 30, *lat2.shape).sum(axis=1)
    return files[::-1], expect


def ra(lat_deg, j):
    """FAO-56 eqs. 21-25, written again here from the paper."""
    phi = np.radians(lat_deg)
    dr = 1 + 0.033 * np.cos(2 * np.pi * j / 365.0)
    dec = 0.409 * np.sin(2 * np.pi * j / 365.0 - 1.39)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(dec), -1, 1))
    return np.maximum(24 * 60 / np.pi * 0.0820 * dr *
                      (ws * np.sin(phi) * np.sin(dec) + np.cos(phi) * np.cos(dec) * np.sin(ws)), 0)


def oudin(ra_, t):
    return np.where(t + 5 > 0, ra_ / 2.45 * (t + 5) / 100.0, 0.0)


def month_index(dates):
    return np.array([(d.year - 1990) * 12 + d.month - 1 for d in dates])


def make_eobs(root, rng):
    corners = region_lonlat()
    lon = np.arange(min(c[0] for c in corners) - 0.5, max(c[0] for c in corners) + 0.75, 0.25)
    lat = np.arange(min(c[1] for c in corners) - 0.5, max(c[1] for c in corners) + 0.75, 0.25)
    lat2 = np.repeat(lat[:, None], len(lon), axis=1)
    import datetime as dt
    dates = [dt.date(1990, 1, 1) + dt.timedelta(days=k) for k in range(730)]
    tg, rr, tn, tx = fields(rng, len(lat), len(lon), 730, lat2)
    sea = np.zeros(lat2.shape, bool)
    sea[:2, :2] = True  # a corner outside the data's land: missing values
    path = os.path.join(root, "eobs.nc")
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("latitude", len(lat))
        nc.createDimension("longitude", len(lon))
        tv = nc.createVariable("time", "f8", ("time",))
        tv.units, tv.calendar = "days since 1950-01-01 00:00", "standard"
        tv[:] = netCDF4.date2num([dt.datetime(d.year, d.month, d.day) for d in dates], tv.units, tv.calendar)
        for name, vals, units in (("latitude", lat, "degrees_north"), ("longitude", lon, "degrees_east")):
            v = nc.createVariable(name, "f8", (name,))
            v.units = units
            v[:] = vals
        packed = {}
        for name, vals in (("tg", tg), ("tn", tn), ("tx", tx)):
            q = np.round(vals / 0.01).astype("i2")
            data = np.ma.masked_array(q * 0.01, mask=np.broadcast_to(sea, q.shape))
            write_var(nc, name, data, ("time", "latitude", "longitude"), "Celsius", dtype="i2",
                      fill=np.int16(-9999), scale=0.01)
            packed[name] = q * 0.01
        rr_data = np.ma.masked_array(rr, mask=np.broadcast_to(sea, rr.shape))
        write_var(nc, "rr", rr_data, ("time", "latitude", "longitude"), "mm", fill=np.float32(-9999.0))
    mi = month_index(dates)
    rr_f = rr.astype("f4").astype("f8")
    expect = {"tas": np.stack([packed["tg"][mi == m].mean(axis=0) for m in range(24)]),
              "pr": np.stack([rr_f[mi == m].sum(axis=0) for m in range(24)])}
    j = np.array([d.timetuple().tm_yday for d in dates], float)
    ra_d = np.stack([ra(lat2, jj) for jj in j])
    harg = np.maximum(0.0023 * (packed["tg"] + 17.8) * np.sqrt(np.maximum(packed["tx"] - packed["tn"], 0)) * 0.408 * ra_d, 0)
    expect["pet_hargreaves"] = np.stack([harg[mi == m].sum(axis=0) for m in range(24)])
    for k in expect:
        expect[k][:, sea] = np.nan
    return path, expect


def make_era5land(root, rng):
    corners = region_lonlat()
    lon = np.arange(min(c[0] for c in corners) - 0.3, max(c[0] for c in corners) + 0.4, 0.1)
    lat = np.arange(max(c[1] for c in corners) + 0.3, min(c[1] for c in corners) - 0.4, -0.1)  # north to south
    lat2 = np.repeat(lat[:, None], len(lon), axis=1)
    import datetime as dt
    dates = [dt.datetime(1990, 1, 1) + dt.timedelta(days=k) for k in range(730)]
    t2m, tp, _, _ = fields(rng, len(lat), len(lon), 730, lat2)
    tpaths = []
    for name, vals, units in (("t2m", t2m + 273.15, "K"), ("tp", tp / 1000.0, "m")):
        path = os.path.join(root, "era5land_%s.nc" % name)
        with netCDF4.Dataset(path, "w") as nc:
            nc.createDimension("time", None)
            nc.createDimension("latitude", len(lat))
            nc.createDimension("longitude", len(lon))
            tv = nc.createVariable("time", "i4", ("time",))
            tv.units, tv.calendar = "hours since 1900-01-01 00:00:00.0", "gregorian"
            tv[:] = netCDF4.date2num(dates, tv.units, tv.calendar)
            for cname, cvals, cunits in (("latitude", lat, "degrees_north"), ("longitude", lon, "degrees_east")):
                v = nc.createVariable(cname, "f4", (cname,))
                v.units = cunits
                v[:] = cvals
            write_var(nc, name, vals, ("time", "latitude", "longitude"), units, fill=np.float32(-32767))
        tpaths.append(path)
    mi = month_index(dates)
    t_f = (t2m + 273.15).astype("f4").astype("f8") - 273.15
    p_f = (tp / 1000.0).astype("f4").astype("f8") * 1000.0
    expect = {"tas": np.stack([t_f[mi == m].mean(axis=0) for m in range(24)]),
              "pr": np.stack([p_f[mi == m].sum(axis=0) for m in range(24)])}
    return tpaths, expect


def prepare(args, extra):
    p = subprocess.run([args.alamod, "climate", "prepare", "--quiet"] + extra, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    return p


def compare(name, path, expect, mapping, rtol=2e-6, atol=2e-4):
    why = []
    with netCDF4.Dataset(path) as nc:
        if nc.variables["time"].size != 24:
            why.append("%d months, expected 24 (1990-1991)" % nc.variables["time"].size)
            return why
        for out_name, key in mapping.items():
            got = nc.variables[out_name][:].filled(np.nan).astype("f8")
            want = expect[key]
            if got.shape != want.shape:
                why.append("%s: shape %s, expected %s" % (out_name, got.shape, want.shape))
                continue
            if not np.array_equal(np.isnan(got), np.isnan(want)):
                why.append("%s: missing values differ (%d against %d)" % (out_name, np.isnan(got).sum(),
                                                                          np.isnan(want).sum()))
                continue
            ok = np.isfinite(want)
            err = np.abs(got[ok] - want[ok]) / (atol + rtol * np.abs(want[ok]))
            if err.max() > 1:
                k = int(np.argmax(err))
                why.append("%s: differs from numpy's by %.3g (value %.6g, expected %.6g)" %
                           (out_name, np.abs(got[ok] - want[ok]).max(), got[ok][k], want[ok][k]))
    return why


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--mpiexec", default=shutil.which("mpiexec") or "mpiexec")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="alamod_climate_")
    rng = np.random.default_rng(20261206)
    import time
    try:
        case = tb.Case(root, os.path.abspath(args.source_dir))
        # --- CORDEX / DRIAS: rotated pole, 360_day, two files in reverse order, PET by Oudin
        t0 = time.monotonic()
        files, expect = make_cordex(root, rng)
        out = os.path.join(root, "cordex_monthly.nc")
        p = prepare(args, ["--product", "cmip-adjusted", "--tas"] + files + ["--pr"] + files + ["--out", out])
        why = ["exit %d: %s" % (p.returncode, p.stderr.strip())] if p.returncode else \
            compare("cordex", out, expect, {"tas": "tas", "pr": "pr", "pet": "pet"})
        tb.report("cordex_rotated_360day", not why, time.monotonic() - t0, "; ".join(why))
        # a grid run of the tiny case on the rotated pole file
        t0 = time.monotonic()
        r = tb.run(args, ["run", case.config("on_cordex", climate=out), "--out", case.out("on_cordex"), "--quiet"], 120)
        tb.report("grid_run_on_rotated_pole", r.rc == 0, time.monotonic() - t0, r.dump())
        # --- E-OBS: packed integers, missing corner, Hargreaves from tn/tx; CDO's monmean agrees
        t0 = time.monotonic()
        eobs, expect = make_eobs(root, rng)
        out = os.path.join(root, "eobs_monthly.nc")
        p = prepare(args, ["--product", "eobs", "--tas", eobs, "--pr", eobs, "--tasmin", eobs, "--tasmax", eobs,
                           "--pet-method", "hargreaves", "--out", out])
        why = ["exit %d: %s" % (p.returncode, p.stderr.strip())] if p.returncode else \
            compare("eobs", out, expect, {"tas": "tas", "pr": "pr", "pet": "pet_hargreaves"})
        if not why:
            cdo_out = os.path.join(root, "eobs_cdo_monmean.nc")
            c = subprocess.run(["cdo", "-s", "-b", "F64", "-monmean", "-selname,tg", eobs, cdo_out], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            if c.returncode:
                why.append("cdo monmean failed: " + c.stderr.strip())
            else:
                with netCDF4.Dataset(cdo_out) as a, netCDF4.Dataset(out) as b:
                    x = a.variables["tg"][:].filled(np.nan)
                    y = b.variables["tas"][:].filled(np.nan)
                    d = np.nanmax(np.abs(x - y))
                    if not (np.array_equal(np.isnan(x), np.isnan(y)) and d < 1e-3):
                        why.append("CDO's monmean of tg differs from tas by %.3g degC" % d)
        tb.report("eobs_packed_hargreaves_cdo", not why, time.monotonic() - t0, "; ".join(why))
        # --- ERA5-Land: hours since 1900, north-to-south latitudes, tp in m per day
        t0 = time.monotonic()
        (t2m, tp), expect = make_era5land(root, rng)
        out = os.path.join(root, "era5land_monthly.nc")
        p = prepare(args, ["--product", "era5land", "--tas", t2m, "--pr", tp, "--out", out])
        why = ["exit %d: %s" % (p.returncode, p.stderr.strip())] if p.returncode else \
            compare("era5land", out, expect, {"tas": "tas", "pr": "pr"})
        tb.report("era5land_hours_north_to_south", not why, time.monotonic() - t0, "; ".join(why))
        t0 = time.monotonic()
        r = tb.run(args, ["run", case.config("on_era5", climate=out), "--out", case.out("on_era5"), "--quiet"], 120)
        tb.report("grid_run_on_era5land", r.rc == 0, time.monotonic() - t0, r.dump())
        # --- the delta method on the E-OBS monthly file (1990-1991 as reference, repeated to 1995)
        t0 = time.monotonic()
        base = os.path.join(root, "eobs_monthly.nc")
        why = []
        outs = {}
        for name, extra in (("none", ["--preset", "none"]), ("custom", ["--warming", "1990=0,1995=2"])):
            outs[name] = os.path.join(root, "delta_%s.nc" % name)
            p = subprocess.run([args.alamod, "climate", "delta", "--quiet", "--baseline", base, "--years", "1990-1995",
                                "--out", outs[name]] + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if p.returncode:
                why.append("%s: exit %d: %s" % (name, p.returncode, p.stderr.strip()))
        if not why:
            with netCDF4.Dataset(base) as b, netCDF4.Dataset(outs["none"]) as a, netCDF4.Dataset(outs["custom"]) as c:
                bt, bp, be = (b.variables[v][:].filled(np.nan) for v in ("tas", "pr", "pet"))
                at = a.variables["tas"][:].filled(np.nan)
                ref = np.concatenate([bt] * 3)  # 1990, 1991 repeated
                if at.shape[0] != 72 or not np.array_equal(np.isnan(at), np.isnan(ref)) or \
                        not np.array_equal(at[~np.isnan(at)], ref[~np.isnan(ref)]):
                    why.append("preset none is not the reference years repeated, bit for bit")
                ct, cp, ce = (c.variables[v][:].filled(np.nan).astype("f8") for v in ("tas", "pr", "pet"))
                lat2 = np.repeat(b.variables["latitude"][:][:, None], b.dimensions["longitude"].size, axis=1)
                import calendar
                worst = 0.0
                for k in range(72):
                    year, m = 1990 + k // 12, k % 12 + 1
                    dt = 2.0 * (year - 1990) / 5.0
                    fac = 0.85 if m in (12, 1, 2) else 1.30 if m in (6, 7, 8) else 0.925
                    kp = 0.15 / 4 if m in (12, 1, 2) else -0.20 / 4 if m in (6, 7, 8) else 0.0
                    r = k % 24
                    ry = 1990 + r // 12
                    t_ref = bt[r].astype("f8")
                    t_new = t_ref + dt * fac
                    days = calendar.monthrange(ry, m)[1]
                    jday = (np.datetime64("%d-%02d-15" % (ry, m)) - np.datetime64("%d-01-01" % ry)).astype(int) + 1
                    ra_m = ra(lat2, jday)
                    want = {"tas": t_new, "pr": np.maximum(bp[r] * (1 + kp * dt), 0),
                            "pet": be[r] + (oudin(ra_m, t_new) - oudin(ra_m, t_ref)) * days}
                    for v, got in (("tas", ct[k]), ("pr", cp[k]), ("pet", ce[k])):
                        ok = np.isfinite(want[v])
                        worst = max(worst, np.max(np.abs(got[ok] - want[v][ok]) / (1e-4 + 1e-6 * np.abs(want[v][ok]))))
                if worst > 1:
                    why.append("the custom warming differs from the formulas by %.3g tolerances" % worst)
        tb.report("delta_method", not why, time.monotonic() - t0, "; ".join(why))
        t0 = time.monotonic()
        bad = []
        for extra, words in ((["--preset", "rcp99"], ["rcp99", "tracc"]),
                             (["--reference", "1980-1991"], [base, "1980-1991", "1990-1991"]),
                             (["--warming", "2000=1,1995=2"], ["--warming", "increase"])):
            p = subprocess.run([args.alamod, "climate", "delta", "--baseline", base, "--years", "1990-1995",
                                "--out", os.path.join(root, "bad_delta.nc")] + extra, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
            lines = [l for l in p.stderr.splitlines() if l.startswith("alamod: error:")]
            if p.returncode != 1 or len(lines) != 1 or not all(w in lines[0] for w in words):
                bad.append("%s: exit %d, %s" % (extra, p.returncode, lines))
        if os.path.exists(os.path.join(root, "bad_delta.nc")):
            bad.append("bad_delta.nc left behind")
        tb.report("delta_bad_input", not bad, time.monotonic() - t0, "; ".join(bad))
        # --- bad input: one line naming the file, nothing left
        gap = os.path.join(root, "eobs_gap.nc")
        subprocess.run(["cdo", "-s", "-delete,timestep=45", eobs, gap], check=True)
        mixed = os.path.join(root, "cordex_noleap.nc")
        shutil.copy(files[0], mixed)
        with netCDF4.Dataset(mixed, "a") as nc:
            nc.variables["time"].calendar = "noleap"
        cases = [
            ("missing_day", ["--product", "eobs", "--tas", gap, "--pr", eobs], [gap, "tg", "1990-02", "27 records"]),
            ("variable_lacking", ["--product", "cmip", "--tas", eobs, "--pr", eobs], [eobs, "'tas'"]),
            ("units_not_temperature", ["--product", "eobs", "--tas", eobs, "--tas-variable", "rr", "--pr", eobs],
             [eobs, "rr", "temperature"]),
            ("calendars_differ", ["--product", "cmip-adjusted", "--tas", files[1], mixed, "--pr", files[1]],
             [mixed, "calendar"]),
        ]
        for name, extra, words in cases:
            t0 = time.monotonic()
            out = os.path.join(root, "bad_%s.nc" % name)
            p = prepare(args, extra + ["--out", out])
            lines = [l for l in p.stderr.splitlines() if l.startswith("alamod: error:")]
            why = []
            if p.returncode != 1:
                why.append("exit %d, expected 1" % p.returncode)
            if len(lines) != 1 or not all(w in lines[0] for w in words):
                why.append("expected one error line naming %s, got %s" % (words, lines))
            left = [f for f in os.listdir(root) if f.startswith("bad_") or f.startswith(".bad_")]
            if left:
                why.append("left behind: %s" % left)
            tb.report("bad_" + name, not why, time.monotonic() - t0, "; ".join(why))
    finally:
        if args.keep or tb.failed:
            print("temporary files kept in " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (tb.passed, tb.failed))
    return 1 if tb.failed or not tb.passed else 0


if __name__ == "__main__":
    sys.exit(main())
