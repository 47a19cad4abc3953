#!/usr/bin/python3
"""Checks of alamod grid output with real readers (netCDF4, xarray, CDO, GDAL).

  check_grid_output.py identical A.nc B.nc [C.nc ...]   data variables bitwise equal
  check_grid_output.py readers FILE.nc --mask MASK.tif [--pools "DPM RPM BIO HUM IOM"]
                                                         CF/ACDD metadata, readers open it without warnings
  check_grid_output.py balance FILE.nc                   yearly carbon balance of every land cell
  check_grid_output.py inverse FILE.nc --soc SOC.tif     initial SOC equals the observed stock (SOC_{class}.tif:
                                                        per class, weighted by the output's area_fraction)
  check_grid_output.py spinup EXACT.nc BRUTE.nc          exact and brute-force spin-ups agree (--rtol)
  check_grid_output.py scaled SCALED.nc EQUILIBRIUM.nc --soc SOC_{class}.tif
                                                         spinup.method "scaled": every tile starts at its class's
                                                         observed stock, the inputs those of the equilibrium run
  check_grid_output.py quantized Q.nc REF.nc --bits N    BitRound to N bits: attribute, zeroed mantissa bits,
                                                         error against a lossless double run
"""
import argparse
import os
import subprocess
import sys
import warnings

import numpy as np
import netCDF4

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"))


def data_variables(ds):
    return [v for v in ds.variables if ds.variables[v].ndim >= 2 and v not in ("lat", "lon", "lat_bnds", "lon_bnds",
                                                                               "time_bnds", "area_type")]


def identical(files):
    ref = netCDF4.Dataset(files[0])
    ref.set_auto_maskandscale(False)
    names = data_variables(ref)
    check("reference has data variables", len(names) >= 4, str(names))
    for other in files[1:]:
        ds = netCDF4.Dataset(other)
        ds.set_auto_maskandscale(False)
        check(f"{other}: same variables", sorted(data_variables(ds)) == sorted(names))
        tref, tother = ref.variables["time"][:], ds.variables["time"][:]
        check(f"{other}: same years, none missing or duplicated", tref.tobytes() == tother.tobytes() and
              bool(np.all(np.diff(tother) > 0)))
        for v in names:
            a, b = ref.variables[v][:], ds.variables[v][:]
            same = a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()
            detail = ""
            if not same and a.shape == b.shape:
                diff = np.nonzero(a != b)
                detail = f"{len(diff[0])} values differ, first at index {tuple(int(d[0]) for d in diff)}"
            check(f"{other}: {v} bitwise identical to {files[0]}", same, detail)
        ds.close()


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def readers(path, mask_path, pools):
    # --- netCDF4: metadata contract
    ds = netCDF4.Dataset(path)
    g = {k: ds.getncattr(k) for k in ds.ncattrs()}
    check("Conventions CF-1.8 ACDD-1.3", g.get("Conventions") == "CF-1.8 ACDD-1.3", g.get("Conventions"))
    for k in ("title", "summary", "keywords", "history", "source", "date_created", "geospatial_lat_min",
              "geospatial_lat_max", "geospatial_lon_min", "geospatial_lon_max", "time_coverage_start",
              "time_coverage_end", "alamod_config_sha256", "alamod_input_checksums", "alamod_version",
              "alamod_git_commit", "alamod_mpi_ranks", "alamod_library_versions"):
        check(f"global attribute {k}", k in g)
    ext = (float(ds["lon_bnds"][:].min()), float(ds["lon_bnds"][:].max()), float(ds["lat_bnds"][:].min()),
           float(ds["lat_bnds"][:].max()))
    got = tuple(float(g.get(k, np.nan)) for k in ("geospatial_lon_min", "geospatial_lon_max", "geospatial_lat_min",
                                                  "geospatial_lat_max"))
    check("the ACDD extent is that of the cells' corners", np.allclose(ext, got, atol=1e-6), f"{got} vs {ext}")
    check("provenance names the libraries", all(s in g.get("alamod_library_versions", "")
                                                for s in ("Open MPI", "PETSc", "GDAL", "netCDF", "HDF5")),
          g.get("alamod_library_versions"))
    check("geospatial bounds around France", 41 < g["geospatial_lat_min"] < 43 and 50 < g["geospatial_lat_max"] < 52
          and -7 < g["geospatial_lon_min"] < -4 and 9 < g["geospatial_lon_max"] < 12)
    crs = ds.variables["crs"]
    check("crs lambert_conformal_conic", crs.grid_mapping_name == "lambert_conformal_conic")
    check("crs Lambert-93 parameters", list(crs.standard_parallel) == [44.0, 49.0] and
          crs.latitude_of_projection_origin == 46.5 and crs.longitude_of_central_meridian == 3.0 and
          crs.false_easting == 700000.0 and crs.false_northing == 6600000.0 and
          abs(crs.inverse_flattening - 298.257222101) < 1e-9)
    check("crs_wkt present", "Lambert" in crs.crs_wkt)
    check("x/y projection coordinates in m", ds["x"].standard_name == "projection_x_coordinate" and
          ds["y"].standard_name == "projection_y_coordinate" and ds["x"].units == "m" and ds["y"].units == "m")
    check("time has units, calendar and bounds", "since" in ds["time"].units and ds["time"].calendar == "standard"
          and ds["time"].bounds == "time_bnds")
    expected = {"cSoil": ("soil_mass_content_of_carbon", "t ha-1"),
                "cSoilPools": ("soil_mass_content_of_carbon", "t ha-1"),
                "rh": ("surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_heterotrophic_respiration",
                       "t ha-1 yr-1")}
    for v, (sn, units) in expected.items():
        var = ds[v]
        check(f"{v} standard_name and units", var.standard_name == sn and var.units == units,
              f"{getattr(var, 'standard_name', None)} {var.units}")
        check(f"{v} grid_mapping and coordinates", var.grid_mapping == "crs" and "lat lon" in var.coordinates)
        check(f"{v} has _FillValue", "_FillValue" in var.ncattrs())
        filters = var.filters()
        check(f"{v} deflated and chunked", filters.get("zlib") and var.chunking() != "contiguous", str(filters))
    check("cSoil carries the depth coordinate", "depth" in ds["cSoil"].coordinates and
          list(ds["depth_bnds"][:]) == [0.0, 0.3])
    check("pool labels", ds["pool"].flag_meanings == pools, ds["pool"].flag_meanings)
    # fill exactly outside land
    try:
        from osgeo import gdal
        mask = gdal.Open(mask_path).ReadAsArray() == 1
        csoil = ds["cSoil"][0]
        land_ok = not np.ma.is_masked(csoil[mask]) or not csoil[mask].mask.any()
        sea_ok = bool(np.all(np.ma.getmaskarray(csoil)[~mask]))
        check("values on every land cell", land_ok)
        check("_FillValue on every non-land cell", sea_ok)
        pools = ds["cSoilPools"][0]
        total = pools.sum(axis=0)
        check("cSoil = sum of pools", float(np.max(np.abs(total[mask] - csoil[mask]))) < 1e-6 * float(csoil[mask].max()))
        rh = ds["rh"][:]
        check("rh positive on land", bool(np.all(rh[:, mask] > 0)))
    except ImportError as e:
        check("osgeo available", False, str(e))
    ds.close()
    # --- xarray: opens and decodes without any warning
    import xarray as xr
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            x = xr.open_dataset(path)
            years = x["time"].dt.year.values
            check("xarray opens without warnings and decodes time", len(years) > 0)
            starts = x["time_bnds"][:, 0].dt.year.values
            check("each time stamp lies in its own year (xarray and CDO label it with that year)",
                  list(years) == list(starts) and list(years) == list(range(int(years[0]), int(years[0]) + len(years))),
                  f"{years[:3]} vs bounds starting {starts[:3]}")
            check("xarray sees the pool dimension", x["cSoilPools"].dims == ("time", "pool", "y", "x"))
            x.close()
        except Exception as e:  # noqa: BLE001
            check("xarray opens without warnings", False, repr(e))
    # --- pools named, région and département coded with their names
    with netCDF4.Dataset(path) as ds:
        if "pool" in ds.dimensions:
            names = [n for n in netCDF4.chartostring(ds["pool_name"][:])]
            check("pool_name labels the pools as pool:flag_meanings does",
                  names == ds["pool"].flag_meanings.split() and "pool_name" in ds["cSoilPools"].coordinates,
                  f"{names} vs {ds['pool'].flag_meanings}")
        for kind in ("region", "departement"):
            if kind in ds.variables:
                v = ds[kind]
                codes = v[:].compressed()
                flags = list(v.flag_values)
                exact = v.alamod_zone_names.split("; ") if "alamod_zone_names" in v.ncattrs() else []
                check(f"{kind}: every land cell's code is one of flag_values, each with a word and a name",
                      len(codes) > 0 and set(codes.tolist()) <= set(flags) and
                      len(v.flag_meanings.split()) == len(flags) and len(exact) == len(flags),
                      f"{sorted(set(codes.tolist()) - set(flags))[:5]} {len(flags)} {len(exact)}")
    # --- CDO: no warnings, area mean works
    rc, out = run(["cdo", "-s", "sinfo", path])
    # CF's area_type (the land-cover layers' labels) and pool_name (the pools' names) are string-valued: CDO 2.1 warns about every character
    # variable, and only that warning is accepted
    char_warning = "Warning (cdf_set_dimtype): Could not assign all character coordinates to data variable!"
    with netCDF4.Dataset(path) as ds:
        if "area_type" in ds.variables or "pool_name" in ds.variables:
            out = out.replace(char_warning, "")
    check("cdo sinfo runs without warnings (but CDO's about the character variable area_type)",
          rc == 0 and "Warning" not in out and "rror" not in out, out[-500:])
    check("cdo sees the Lambert grid", "lambert_conformal_conic" in out, out[-300:])
    rc, out = run(["cdo", "-s", "outputf,%.6g,1", "-fldmean", "-selvar,cSoil", path])
    out = out.replace(char_warning, "")
    vals = [float(v) for v in out.split() if v.replace(".", "", 1).replace("e", "").replace("-", "").replace("+", "").isdigit()]
    check("cdo fldmean of cSoil without warnings", rc == 0 and "Warning" not in out and len(vals) > 0 and
          all(20 < v < 200 for v in vals), out[-500:])
    # --- GDAL: sees EPSG:2154 without warnings
    rc, out = run(["gdalinfo", f'NETCDF:"{path}":cSoil'])
    check("gdalinfo opens cSoil without warnings", rc == 0 and "Warning" not in out, out[-500:])
    check("gdalinfo reports EPSG:2154", 'ID["EPSG",2154]' in out or 'AUTHORITY["EPSG","2154"]' in out, out[:400])
    check("gdalinfo geotransform origin", "Origin = (80000.000000000000000,7120000.000000000000000)" in out,
          [l for l in out.splitlines() if "Origin" in l])


def inverse(path, soc_path):
    """Inverse spin-up: the initial SOC equals the observed stock map on every land cell."""
    from osgeo import gdal
    ds = netCDF4.Dataset(path)
    c = ds["cSoilInitial"][:]
    if "{class}" in soc_path:
        # tiles: the observed stock of each class (SOC_PATH with {class} its name) weighted by its fraction
        f = np.ma.filled(ds["area_fraction"][:].astype(float), 0.0)
        names = [str(n) for n in netCDF4.chartostring(ds["area_type"][:])]
        obs = sum(f[k] * np.where(f[k] > 0, gdal.Open(soc_path.format(**{"class": n})).ReadAsArray().astype(float), 0.0)
                  for k, n in enumerate(names))
    else:
        obs = gdal.Open(soc_path).ReadAsArray().astype(float)
    land = ~np.ma.getmaskarray(c)
    check("inverse spin-up covers the land cells", land.sum() > 1000, str(land.sum()))
    err = float(np.max(np.abs(c[land] - obs[land]) / obs[land]))
    check("initial SOC equals the observed stock to 1e-12 relative", err < 1e-12, f"max relative error {err:.3e}")
    check("spin-up method recorded", "inverse" in ds["cSoilInitial"].comment)
    res = ds["spinup_residual"][:]
    check("spin-up residual <= 1e-9 on every land cell", float(res[land].max()) <= 1e-9, str(float(res[land].max())))
    ds.close()


def scaled(path, equilibrium_path, soc_path):
    """spinup.method = "scaled": each tile's initial stock (cSoilTileInitial) equals its class's observed stock
    (SOC_PATH with {class} its name), the cell's (cSoilInitial) their area-weighted sum; the carbon inputs are those
    of the run at equilibrium with inputs.carbon_input (not scaled as by the inverse spin-up), its stocks not."""
    from osgeo import gdal
    ds, eq = netCDF4.Dataset(path), netCDF4.Dataset(equilibrium_path)
    tile = ds["cSoilTileInitial"][:]
    f = np.ma.filled(ds["area_fraction"][:].astype(float), 0.0)  # the run has no land-use change
    names = [str(n) for n in netCDF4.chartostring(ds["area_type"][:])]
    worst, tiles = 0.0, 0
    for k, n in enumerate(names):
        obs = gdal.Open(soc_path.format(**{"class": n})).ReadAsArray().astype(float)
        present = (f[k] > 0) & ~np.ma.getmaskarray(tile[k])
        tiles += int(present.sum())
        worst = max(worst, float(np.max(np.abs(tile[k][present] - obs[present]) / obs[present])))
    check("scaled start covers the tiles", tiles > 10000, str(tiles))
    check("every tile starts at its class's observed stock to 1e-12 relative", worst < 1e-12, f"{worst:.3e}")
    c = ds["cSoilInitial"][:]
    land = ~np.ma.getmaskarray(c)
    obs = sum(f[k] * np.where(f[k] > 0, gdal.Open(soc_path.format(**{"class": n})).ReadAsArray().astype(float), 0.0)
              for k, n in enumerate(names))
    err = float(np.max(np.abs(c[land] - obs[land]) / obs[land]))
    check("every cell starts at its tiles' area-weighted observed stock to 1e-12", err < 1e-12, f"{err:.3e}")
    check("spin-up method recorded", "scaled" in ds["cSoilInitial"].comment and "scaled" in ds.alamod_spinup,
          ds["cSoilInitial"].comment)
    a, b = ds["fCarbonInput"][:], eq["fCarbonInput"][:]
    check("carbon inputs those of the equilibrium run (not rescaled)", np.array_equal(np.ma.filled(a, 0), np.ma.filled(b, 0)))
    ce = eq["cSoilInitial"][:]
    check("the equilibrium run starts elsewhere (the scaling changed the stocks)",
          float(np.max(np.abs(c[land] - ce[land]))) > 1.0)
    ds.close()
    eq.close()


def spinup_agree(exact_path, brute_path, rtol):
    """The exact equilibrium and brute-force cycling to 1e-9 per cycle give the same state: the brute
    force stops about 1e-9 / (1 - rho) short of the equilibrium (rho: HUM's yearly retention, ~0.98)."""
    a, b = netCDF4.Dataset(exact_path), netCDF4.Dataset(brute_path)
    check("exact run used the exact spin-up", "exact periodic equilibrium" in a["spinup_iterations"].comment, a["spinup_iterations"].comment)
    check("second run used brute force", "brute force" in b["spinup_iterations"].comment, b["spinup_iterations"].comment)
    ia, ib = np.asarray(a["spinup_iterations"][:].compressed()), np.asarray(b["spinup_iterations"][:].compressed())
    check("exact spin-up: 2 simulated years per cell", bool(np.all(ia == 2)), f"{ia.min()}-{ia.max()}")
    ra = np.asarray(a["spinup_residual"][:].compressed())
    check("exact spin-up (the default): spinup_residual <= 1e-9 in every land cell", ra.size == ia.size and
          bool(np.all(ra <= 1e-9)), f"max {ra.max():.3e}")
    check("brute force: hundreds of simulated years per cell", float(ib.mean()) > 100, str(ib.mean()))
    for v, sel in (("cSoilInitial", ()), ("cSoilPools", (0,))):
        x = np.ma.filled(a[v][sel].astype(float), np.nan)
        y = np.ma.filled(b[v][sel].astype(float), np.nan)
        land = np.isfinite(x) & (np.abs(x) > 0)
        check(f"{v}: same land cells", bool(np.array_equal(land, np.isfinite(y) & (np.abs(y) > 0))))
        err = float(np.nanmax(np.abs(x[land] - y[land]) / np.abs(x[land])))
        check(f"{v}: exact and brute-force spin-ups agree to {rtol:g} (relative)", err <= rtol, f"{err:.3e}")
        print(f"  {v}: largest relative difference {err:.3e} over {int(land.sum())} values")
    a.close()
    b.close()


def balance(path):
    """stock change = input - respiration - leaching in every land cell and year (double output)."""
    ds = netCDF4.Dataset(path)
    soc = np.ma.filled(ds["cSoil"][:].astype(float), np.nan)
    start = np.ma.filled(ds["cSoilInitial"][:].astype(float), np.nan)
    fin = np.ma.filled(ds["fCarbonInput"][:].astype(float), np.nan)
    rh = np.ma.filled(ds["rh"][:].astype(float), np.nan)
    leach = np.ma.filled(ds["fCarbonLeaching"][:].astype(float), np.nan) if "fCarbonLeaching" in ds.variables \
        else np.zeros_like(rh)
    check("double precision output", ds["cSoil"].dtype == np.float64, str(ds["cSoil"].dtype))
    land = np.isfinite(start)
    check("land cells", land.sum() > 100, str(land.sum()))
    before = np.concatenate([start[None], soc[:-1]])
    err = np.abs((soc - before) - (fin - rh - leach))[:, land]
    scale = np.maximum(1.0, soc[:, land])
    worst = float(np.max(err / scale))
    check(f"carbon balance in every land cell and year ({soc.shape[0]} years)", worst < 1e-9, f"worst {worst:.3e}")
    check("respiration positive", bool(np.all(rh[:, land] > 0)))
    # AMG's fluxes are those of its humified pool: rh must not claim the CF name of the total respiration
    total_rh = "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_heterotrophic_respiration"
    if ds.source.endswith("model amg"):
        check("AMG: rh without the total-respiration standard_name, and says why",
              "standard_name" not in ds["rh"].ncattrs() and "not the total" in ds["rh"].comment
              and "humified" in ds["fCarbonInput"].long_name, ds["rh"].ncattrs())
    else:
        check("rh carries the heterotrophic-respiration standard_name", ds["rh"].standard_name == total_rh)
    ds.close()


def parameter_applied(path, reference, text):
    """A run with a changed model parameter: the parameter is recorded and the stocks differ."""
    ds, ref = netCDF4.Dataset(path), netCDF4.Dataset(reference)
    params = ds.getncattr("alamod_model_parameters")
    check(f"parameter recorded ({text})", text in params, params[:300])
    a = np.ma.filled(ds["cSoilInitial"][:].astype(float), np.nan)
    b = np.ma.filled(ref["cSoilInitial"][:].astype(float), np.nan)
    land = np.isfinite(b)
    diff = float(np.nanmax(np.abs(a[land] - b[land]) / b[land]))
    check("initial stocks differ from the default run", diff > 0.05, f"largest relative difference {diff:.3e}")
    ds.close()
    ref.close()


def quantized(path, ref_path, bits):
    """Q.nc was written with output.significant_bits = bits (float), REF.nc losslessly in double precision."""
    q = netCDF4.Dataset(path)
    q.set_auto_maskandscale(False)
    ref = netCDF4.Dataset(ref_path)
    ref.set_auto_maskandscale(False)
    # the carbon variables: floating point, not the diagnostics, the land cover, or the zone codes and pool names
    carbon = [v for v in data_variables(q) if not v.startswith("spinup_") and v not in ("area_fraction", "cell_area")
              and q.variables[v].dtype.kind == "f"]
    check("carbon variables present", {"cSoil", "cSoilPools", "rh", "fCarbonInput"} <= set(carbon), str(carbon))
    low = np.uint32((1 << (23 - bits)) - 1)  # float32 mantissa bits BitRound clears
    for v in carbon:
        var = q.variables[v]
        att = var.getncattr("_QuantizeBitRoundNumberOfSignificantBits") if "_QuantizeBitRoundNumberOfSignificantBits" \
            in var.ncattrs() else None
        check(f"{v}: _QuantizeBitRoundNumberOfSignificantBits = {bits}", att is not None and int(att) == bits, str(att))
        a = var[:]
        fill = var.getncattr("_FillValue")
        land = a != fill
        check(f"{v}: float32 with land values", a.dtype == np.float32 and bool(land.any()))
        cleared = (a[land].view(np.uint32) & low) == 0
        check(f"{v}: the {23 - bits} low mantissa bits of every land value are zero", bool(cleared.all()),
              f"{int((~cleared).sum())} values keep them")
        b = ref.variables[v][:]
        rel = np.abs(a[land].astype(np.float64) - b[land]) / np.maximum(np.abs(b[land]), 1e-30)
        # BitRound: at most half a unit in the last kept bit, plus the float32 rounding before it
        bound = 2.0 ** -(bits + 1) + 2.0 ** -24
        check(f"{v}: relative error against the lossless run <= 2^-{bits + 1} (+ float rounding)",
              float(rel.max()) <= bound, f"largest {float(rel.max()):.3e} > {bound:.3e}")
        # values that already fit in the kept bits stay as they are: the default's cSoilInitial is the observed
        # stock (the inverse spin-up), whole or half t ha-1
        fits = bool(((np.asarray(b[land], dtype=np.float32).view(np.uint32) & low) == 0).all())
        if fits:
            check(f"{v}: kept as it is (every value fits in {bits} bits)", float(rel.max()) <= 2.0 ** -24,
                  f"largest relative difference {float(rel.max()):.3e}")
        else:
            check(f"{v}: values changed by the quantization", float(rel.max()) > 2.0 ** -(bits + 4),
                  f"largest relative difference {float(rel.max()):.3e}")
    for v in ("spinup_residual", "area_fraction", "cell_area", "region", "departement"):  # lossless
        if v in q.variables:
            check(f"{v}: not quantized", "_QuantizeBitRoundNumberOfSignificantBits" not in q.variables[v].ncattrs())
    q.close()
    ref.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["identical", "readers", "inverse", "balance", "parameter", "spinup",
                                           "quantized", "scaled"])
    ap.add_argument("--rtol", type=float, default=1e-6)
    ap.add_argument("--reference")
    ap.add_argument("--text")
    ap.add_argument("--pools", default="DPM RPM BIO HUM IOM")
    ap.add_argument("--soc")
    ap.add_argument("--bits", type=int, default=0)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--mask")
    ap.add_argument("--climate-reading", help="identical: how each file's run read its climate, comma-separated "
                                              "(the alamod_climate_reading attribute, per_rank or shared)")
    ap.add_argument("--repartitioned", help="identical: comma-separated yes/no/N per file: whether its run moved "
                                            "land cells between ranks, or at least N times (the "
                                            "alamod_compute_repartitions attribute)")
    ap.add_argument("--low-bytes-runs-over", metavar="FILE",
                    help="identical: the other files were written with output.deflate_low_bytes = \"runs\": their "
                         "alamod_compression says so and they are larger than FILE, the same run deflated whole")
    a = ap.parse_args()
    if a.mode == "identical":
        identical(a.files)
        if a.low_bytes_runs_over:
            base = os.path.getsize(a.low_bytes_runs_over)
            for path in a.files[1:]:
                with netCDF4.Dataset(path) as ds:
                    got = getattr(ds, "alamod_compression", "")
                check(f"{path}: alamod_compression names the coding by runs", "coded by runs" in got, repr(got))
                check(f"{path}: larger than the whole-deflate file by 3 % or more (stored low bytes)",
                      os.path.getsize(path) > 1.03 * base, f"{os.path.getsize(path)} against {base} bytes")
        if a.repartitioned:
            for path, want in zip(a.files, a.repartitioned.split(",")):
                with netCDF4.Dataset(path) as ds:
                    got = getattr(ds, "alamod_compute_repartitions", "0")
                moves = int(str(got).split()[0])
                if want.isdigit():
                    check(f"{path}: cells moved between ranks {want} times or more", moves >= int(want),
                          f"alamod_compute_repartitions = {got!r}")
                else:
                    check(f"{path}: cells moved between ranks = {want}", (moves > 0) == (want == "yes"),
                          f"alamod_compute_repartitions = {got!r}")
        if a.climate_reading:
            for path, want in zip(a.files, a.climate_reading.split(",")):
                with netCDF4.Dataset(path) as ds:
                    got = getattr(ds, "alamod_climate_reading", None)
                check(f"{path}: climate read {want}", got == want, f"alamod_climate_reading = {got!r}")
    elif a.mode == "inverse":
        inverse(a.files[0], a.soc)
    elif a.mode == "scaled":
        scaled(a.files[0], a.files[1], a.soc)
    elif a.mode == "balance":
        balance(a.files[0])
    elif a.mode == "spinup":
        spinup_agree(a.files[0], a.files[1], a.rtol)
    elif a.mode == "quantized":
        quantized(a.files[0], a.files[1], a.bits)
    elif a.mode == "parameter":
        parameter_applied(a.files[0], a.reference, a.text)
    else:
        readers(a.files[0], a.mask, a.pools)
    n_fail = results.count(False)
    print(f"{len(results) - n_fail} passed, {n_fail} failed")
    sys.exit(1 if n_fail or not results else 0)


main()
