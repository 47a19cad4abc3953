#!/usr/bin/python3
"""Many sites in one NetCDF file: `alamod site --forcing-list LIST --write-netcdf SITES.nc` and
`alamod site --model M --forcing-netcdf SITES.nc --out RESULTS.nc` (docs/SITES.md, "Many sites in one NetCDF file").

  test_site_netcdf.py --alamod PATH --source-dir DIR --work DIR

- the shipped monthly sites written as one site collection, run with RothC and ICBM: every value of every site's
  series is bit for bit the value `alamod site --forcing-list` writes in SITE_ID.csv (parsed), and the output holds
  nothing else (the _FillValue outside each site's period);
- the same collection rewritten by xarray (series transposed to (time, site), NaN as _FillValue, its own time
  units) gives the same output bit for bit;
- input and output read back by xarray with warnings as errors (CF time decoded, featureType, cf_role, units),
  `cdo sinfo` (every series variable on an unstructured grid of the sites) and `ncdump -h`;
- bad collections (a missing variable, wrong units, a NaN at one (site, time), a missing value inside a site's
  period, a site dimension of 0, no cf_role, a site the model cannot run): exit 1, one error line naming the file,
  the variable and the site (and time index), and no output left (not even a temporary);
- --write-netcdf refuses an annual forcing file and a name that is a column in one file and metadata in another,
  naming the list's line, and writes nothing;
- Millennial (days) and Yasso15 (years) on two generated sites of different periods, bit for bit;
- an existing output is kept without --overwrite; --write-netcdf without --forcing-list is a bad command line.
"""
import csv
import os
import shutil
import subprocess
import warnings

import netCDF4
import numpy as np

from checks import check, finish, run_arguments

a = run_arguments()
a.alamod = os.path.abspath(a.alamod)
work = os.path.abspath(a.work)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
src = os.path.abspath(a.source_dir)

# The shipped monthly forcing files that RothC and ICBM run as they are: not the annual AMG trial, not the RothC
# example's spin-up file (year 1), not the catchments without a clay content.
sites = []
for package in sorted(os.listdir(os.path.join(src, "data/sites"))):
    folder = os.path.join(src, "data/sites", package)
    if not os.path.isdir(folder) or package in ("amg_trial1", "sources") or package.startswith("fr_"):
        continue
    for name in sorted(os.listdir(folder)):
        if name.startswith("forcing_") and name.endswith(".csv") and name != "forcing_spinup.csv":
            sites.append((package + "_" + name[len("forcing_"):-len(".csv")], os.path.join(folder, name)))
LIST = os.path.join(work, "sites.csv")
with open(LIST, "w") as f:
    f.write("site_id,forcing\n" + "".join(f"{s},{p}\n" for s, p in sites))
COLLECTION = os.path.join(work, "sites.nc")


def alamod(*args):
    return subprocess.run([a.alamod, *args], capture_output=True, text=True, cwd=work)


def csv_series(path):
    """(header, rows) of an `alamod site` output CSV: the column names and the data rows as strings."""
    with open(path) as f:
        rows = list(csv.reader(line for line in f if not line.startswith("#")))
    return rows[0], rows[2:]


def same_bits(x, y):
    return np.float64(x).tobytes() == np.float64(y).tobytes()


r = alamod("site", "--forcing-list", LIST, "--write-netcdf", COLLECTION)
check(f"--write-netcdf: the {len(sites)} shipped monthly sites written (exit 0)",
      r.returncode == 0 and os.path.exists(COLLECTION), r.stderr)
check("--write-netcdf: no temporary left beside the collection",
      not [n for n in os.listdir(work) if n.startswith(".")], os.listdir(work))

# the collection rewritten by xarray: series (time, site), NaN _FillValue, xarray's own encoding of time
import xarray as xr  # noqa: E402
TRANSPOSED = os.path.join(work, "sites_xarray.nc")
with warnings.catch_warnings():
    warnings.simplefilter("error")
    with xr.open_dataset(COLLECTION) as ds:
        t = ds.load()
    for name, v in t.data_vars.items():
        if v.dims == ("site", "time"):
            t[name] = v.transpose("time", "site")
            t[name].encoding["_FillValue"] = np.nan
    t.to_netcdf(TRANSPOSED)


def compare(model, nc_path, csv_dir):
    """The number of values compared and the mismatches (site, time, variable) between the NetCDF output and
    the per-site CSV outputs; the count of values in the output outside the CSV rows."""
    compared, mismatches, extra = 0, [], 0
    with netCDF4.Dataset(nc_path) as ds:
        ds.set_auto_mask(False)
        ids = list(ds["site_id"][:])
        times = netCDF4.num2date(ds["time"][:], ds["time"].units, ds["time"].calendar)
        values = {n: np.asarray(v[...]) for n, v in ds.variables.items() if v.dimensions == ("time", "site")}
    fill = netCDF4.default_fillvals["f8"]
    check(f"{model}: the output's sites are the list's, in its order", ids == [s for s, _ in sites], ids[:3])
    for i, sid in enumerate(ids):
        header, rows = csv_series(os.path.join(csv_dir, sid + ".csv"))
        nt = 3 if header[:3] == ["year", "month", "day"] else 2 if header[:2] == ["year", "month"] else 1
        index = {(d.year, d.month, d.day)[:nt]: k for k, d in enumerate(times)}
        ks = np.array([index[tuple(int(x) for x in row[:nt])] for row in rows])
        for c, name in enumerate(header[nt:]):
            expected = np.array([float(row[nt + c]) for row in rows], dtype=np.float64)
            got = values[name][ks, i]
            compared += len(rows)
            differ = np.nonzero(expected.view(np.uint64) != got.view(np.uint64))[0]
            if len(differ) and len(mismatches) < 5:
                mismatches.append((sid, rows[differ[0]][:nt], name, expected[differ[0]], got[differ[0]]))
            outside = np.ones(len(times), bool)
            outside[ks] = False
            extra += int(np.count_nonzero(values[name][outside, i] != fill))
    return compared, mismatches, extra


outputs = {}
for model in ("rothc", "icbm"):
    csv_dir = os.path.join(work, "list_" + model)
    r = alamod("site", "--model", model, "--forcing-list", LIST, "--out", csv_dir)
    check(f"{model}: --forcing-list runs the shipped sites (exit 0)", r.returncode == 0, r.stderr)
    for tag, collection in (("", COLLECTION), (" (xarray-written, transposed)", TRANSPOSED)):
        out = os.path.join(work, f"results_{model}{'_x' if tag else ''}.nc")
        r = alamod("site", "--model", model, "--forcing-netcdf", collection, "--out", out)
        check(f"{model}{tag}: --forcing-netcdf runs (exit 0)", r.returncode == 0 and os.path.exists(out), r.stderr)
        if r.returncode != 0:
            continue
        outputs[model + tag] = out
        n, bad, extra = compare(model + tag, out, csv_dir)
        check(f"{model}{tag}: {n} values of {len(sites)} sites bit for bit the --forcing-list CSV values",
              n > 1000 and not bad, bad)
        check(f"{model}{tag}: no value outside each site's rows (the _FillValue there)", extra == 0, extra)

# a daily model (Millennial) and a yearly one (Yasso15) on the generated forcing every model runs on, as two sites
# of different periods (1981-1990 and 1984-1990): the day and year axes, each site at its offset
import sys  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from output_fingerprints import write_full_forcing  # noqa: E402
full, late = os.path.join(work, "generated.csv"), os.path.join(work, "generated_1984.csv")
write_full_forcing(full, years=10)
with open(full) as f:
    text = f.read().splitlines()
head = [line for line in text if line.startswith("#")] + [line for line in text if not line.startswith("#")][:2]
with open(late, "w") as f:
    f.write("\n".join(head + [line for line in text if line[:4].isdigit() and int(line[:4]) >= 1984]) + "\n")
GEN_LIST, GEN = os.path.join(work, "generated_sites.csv"), os.path.join(work, "generated.nc")
with open(GEN_LIST, "w") as f:
    f.write(f"site_id,forcing\ng1981,{full}\ng1984,{late}\n")
r = alamod("site", "--forcing-list", GEN_LIST, "--write-netcdf", GEN)
check("--write-netcdf: the generated forcing, two periods", r.returncode == 0, r.stderr)
all_sites = sites
sites = [("g1981", full), ("g1984", late)]
for model, step in (("millennial", "days"), ("yasso15", "years")):
    csv_dir, out = os.path.join(work, "gen_list_" + model), os.path.join(work, f"gen_{model}.nc")
    r1 = alamod("site", "--model", model, "--forcing-list", GEN_LIST, "--out", csv_dir)
    r2 = alamod("site", "--model", model, "--forcing-netcdf", GEN, "--out", out)
    check(f"{model}: both modes run (exit 0)", r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr)
    if r2.returncode == 0:
        n, bad, extra = compare(model, out, csv_dir)
        check(f"{model} ({step}): {n} values of the two sites bit for bit the --forcing-list CSV values, none outside",
              n > 100 and not bad and extra == 0, (bad, extra))
sites = all_sites

# read back: xarray (warnings as errors), cdo sinfo, ncdump -h
for model, out in sorted(outputs.items()):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            with xr.open_dataset(out) as ds:
                ok = (ds.attrs.get("featureType") == "timeSeries" and "CF-1.8" in ds.attrs.get("Conventions", "")
                      and ds["site_id"].attrs.get("cf_role") == "timeseries_id" and ds["soc"].dims == ("time", "site")
                      and ds["soc"].attrs.get("units") == "t ha-1" and np.issubdtype(ds["time"].dtype, np.datetime64)
                      and int(ds["time"].dt.year[0]) == 1843 and bool(np.isnan(ds["soc"].values).any())
                      and ds.attrs.get("time_coverage_start", "").startswith("1843-01-01")
                      and all(k in ds.attrs for k in ("title", "summary", "keywords", "date_created", "history",
                                                      "alamod_forcing_sha256", "alamod_version")))
                detail = dict(ds.attrs)
        except Exception as e:  # noqa: BLE001 - a warning raised as an error is the failure reported
            ok, detail = False, repr(e)
    check(f"{model}: xarray reads the output with warnings as errors (CF time, featureType, cf_role, units, ACDD)",
          ok, str(detail)[:600])
for path in [COLLECTION] + sorted(outputs.values()):
    nc = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
    check(f"ncdump -h {os.path.basename(path)}: featureType and cf_role",
          nc.returncode == 0 and 'featureType = "timeSeries"' in nc.stdout and 'cf_role = "timeseries_id"' in nc.stdout,
          nc.stderr)
with warnings.catch_warnings():
    warnings.simplefilter("error")
    with xr.open_dataset(COLLECTION) as ds:
        check("xarray reads the collection with warnings as errors (units of every series)",
              all("units" in ds[v].attrs for v in ds.data_vars if ds[v].dims == ("site", "time")) and
              ds["tas"].attrs["units"] == "degC" and ds["pr"].attrs["units"] == "mm month-1", dict(ds["tas"].attrs))
if shutil.which("cdo"):
    rothc = outputs.get("rothc", "")
    cdo = subprocess.run(["cdo", "sinfo", rothc], capture_output=True, text=True)
    # DPM, RPM, BIO, HUM, IOM, soc, c_input, rh over time, soc_start constant: 9 variables on 1 unstructured grid
    listed = [line for line in cdo.stdout.splitlines() if " F64 " in line]
    check("cdo sinfo: every RothC series variable on an unstructured grid of the sites",
          cdo.returncode == 0 and len(listed) == 9 and f"points={len(sites)}" in cdo.stdout and "2076 steps" in cdo.stdout,
          cdo.stdout[-800:] + cdo.stderr[-800:])
else:
    check("cdo is installed (scripts/install_deps.sh)", False)


# bad collections: each a copy of the collection with one change
def variant(name, drop=(), edit=None, sites_len=None):
    """A copy of the collection without the variables `drop`, with `edit(dataset)` applied; `sites_len` makes a
    site dimension of that length (the values of the first sites)."""
    path = os.path.join(work, name + ".nc")
    with netCDF4.Dataset(COLLECTION) as s, netCDF4.Dataset(path, "w") as d:
        s.set_auto_mask(False)
        d.setncatts({k: s.getncattr(k) for k in s.ncattrs()})
        for dn, dim in s.dimensions.items():
            d.createDimension(dn, sites_len if dn == "site" and sites_len is not None else len(dim))
        for vn, v in s.variables.items():
            if vn in drop:
                continue
            fill = v.getncattr("_FillValue") if "_FillValue" in v.ncattrs() else None
            nv = d.createVariable(vn, v.datatype, v.dimensions, fill_value=fill)
            nv.setncatts({k: v.getncattr(k) for k in v.ncattrs() if k != "_FillValue"})
            nv.set_auto_mask(False)
            data = v[...]
            if "site" in v.dimensions and sites_len is not None:
                data = data[:sites_len]
            if sites_len != 0 or "site" not in v.dimensions:
                nv[...] = data
        if edit:
            edit(d)
    return path


def set_value(var, site, k, value):
    def edit(d):
        d[var].set_auto_mask(False)
        d[var][site, k] = value
    return edit


def delete_attribute(var, att):
    def edit(d):
        d[var].delncattr(att)
    return edit


def set_attribute(var, att, value):
    def edit(d):
        d[var].setncattr(att, value)
    return edit


def set_constant(var, site, value):
    def edit(d):
        d[var].set_auto_mask(False)
        d[var][site] = value
    return edit


def fill_constant(var, site):
    return set_constant(var, site, netCDF4.default_fillvals["f8"])


s3, s5 = sites[3][0], sites[5][0]
cases = [
    ("a missing variable (tas)", variant("no_tas", drop=("tas",)),
     [f"at site 0 ({sites[0][0]}) (tas): missing column, rothc needs it"]),
    ("wrong units (tas in degF)", variant("degf", edit=set_attribute("tas", "units", "degF")),
     ["(tas): unknown unit 'degF' for a monthly series, expected one of 'degC'"]),
    ("a NaN at one (site, time)", variant("nan", edit=set_value("tas", 3, 17, float("nan"))),
     [f"(tas) at site 3 ({s3}), time index 17 (1844-06): NaN, expected a number in degC"]),
    ("a missing value inside a site's period", variant("gap", edit=set_value("pr", 3, 40, netCDF4.default_fillvals["f8"])),
     [f"(pr) at site 3 ({s3}), time index 40 (1846-05): missing value (the _FillValue) inside the site's period"]),
    ("a site dimension of 0", variant("no_sites", sites_len=0), ["(site): the site dimension has length 0"]),
    ("no cf_role", variant("no_cf_role", edit=delete_attribute("site_id", "cf_role")),
     ["(cf_role): no variable with cf_role = \"timeseries_id\""]),
    ("a site the model cannot run (no clay)", variant("no_clay", edit=fill_constant("clay", 5)),
     [f"at site 5 ({s5}): missing metadata (clay), rothc needs it"]),
    ("a value out of range (clay 140 %)", variant("clay140", edit=set_constant("clay", 2, 140.0)),
     [f"(clay) at site 2 ({sites[2][0]}): value 140 percent is out of range, expected 0 to 100 percent"]),
]
for name, path, expected in cases:
    out_dir = os.path.join(work, "bad_" + os.path.basename(path)[:-3])
    os.makedirs(out_dir)
    out = os.path.join(out_dir, "results.nc")
    r = alamod("site", "--model", "rothc", "--forcing-netcdf", path, "--out", out)
    lines = r.stderr.strip().splitlines()
    check(f"{name}: exit 1, one line naming the file, variable and site",
          r.returncode == 1 and len(lines) == 1 and path in lines[0] and all(e in lines[0] for e in expected),
          r.stderr + f" (expected {expected})")
    check(f"{name}: no output left (nor a temporary)", os.listdir(out_dir) == [], os.listdir(out_dir))

# bad forcing lists for --write-netcdf: an annual forcing file, a name that is a column here and metadata there
amg = os.path.join(src, "data/sites/amg_trial1/forcing_fym.csv")
clay_column = os.path.join(work, "clay_column.csv")
with open(sites[0][1]) as f:
    lines = [line for line in f.read().splitlines() if not line.startswith("# clay:")]
with open(clay_column, "w") as f:
    data = [line for line in lines if not line.startswith("#")]
    f.write("\n".join([line for line in lines if line.startswith("#")] + [data[0] + ",clay", data[1] + ",percent"] +
                      [row + ",23.4" for row in data[2:]]) + "\n")
for name, rows, expected in (
        ("an annual forcing file", f"a,{sites[0][1]}\nb,{amg}\n",
         f":3 (site b): {amg}: one row per year, expected a monthly forcing file"),
        ("clay a column in one file, metadata in another", f"a,{sites[0][1]}\nb,{clay_column}\n",
         f":3 (site b): clay is a column of {clay_column} but metadata of {sites[0][1]}")):
    lst, out = os.path.join(work, "bad_list.csv"), os.path.join(work, "bad_list_out", "sites.nc")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(lst, "w") as f:
        f.write("site_id,forcing\n" + rows)
    r = alamod("site", "--forcing-list", lst, "--write-netcdf", out)
    lines = r.stderr.strip().splitlines()
    check(f"--write-netcdf, {name}: exit 1, one line naming the list's line and site, nothing written",
          r.returncode == 1 and len(lines) == 1 and (lst + expected) in lines[0] and
          os.listdir(os.path.dirname(out)) == [], r.stderr)

# an existing output is kept without --overwrite, replaced with it
out = outputs.get("rothc", os.path.join(work, "none.nc"))
before = open(out, "rb").read() if os.path.exists(out) else b""
r = alamod("site", "--model", "rothc", "--forcing-netcdf", COLLECTION, "--out", out)
check("an existing output: exit 1, kept", r.returncode == 1 and "the output exists" in r.stderr and
      open(out, "rb").read() == before, r.stderr)
r = alamod("site", "--model", "rothc", "--forcing-netcdf", COLLECTION, "--out", out, "--overwrite")
check("--overwrite: replaced (exit 0)", r.returncode == 0, r.stderr)
r = alamod("site", "--write-netcdf", os.path.join(work, "x.nc"))
check("--write-netcdf without --forcing-list: a bad command line (exit 2)", r.returncode == 2 and
      "--forcing-list" in r.stderr, r.stderr)
r = alamod("site", "--forcing-netcdf", COLLECTION, "--out", os.path.join(work, "y.nc"))
check("--forcing-netcdf without --model: a bad command line (exit 2)", r.returncode == 2 and "--model" in r.stderr,
      r.stderr)
finish()
