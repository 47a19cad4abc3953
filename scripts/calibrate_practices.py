#!/usr/bin/env python3
"""Calibrate the practice presets (engine/scenario/practices.cpp) against their published storage rates.

Each preset's default magnitude is chosen so that RothC, averaged over the France default's eligible tiles
(configs/france_default.toml, 8 km, the class's tiles weighted by their area), gives the published per-hectare
soil storage rate over 20 years: (stock of the scenario - stock of the baseline after 20 years) / 20, the INRA
"stockage additionnel" and GSOCseq's relative sequestration rate (docs/SCENARIOS.md, "Practices").

Two modes:

  direct (default)   RothC-26.3 run here, vectorised over the eligible tiles, exactly as the grid run does it
                     (engine/model_bindings/rothc.cpp): the inverse spin-up on the mean climate of the first
                     spinup.years years (each tile's input scaled so that its equilibrium equals its class's
                     observed stock; IOM by Falloon et al. 1998), the historical years from the run's start to the
                     branch year with the yearly climate, then 20 years with and without the practice.
                     The monthly step is the one of models/rothc/rothc.hpp (step_cell), written again with numpy;
                     tests/unit/test_practices.cpp runs the C++ kernel on the sample cells this script writes and
                     checks that both give the same rate.
                     RothC is linear in its inputs, so for an input practice the difference scenario - baseline is
                     the response of an empty soil to the added input alone (magnitude = (published - the effect
                     that does not scale) / response per unit). For cover crops the soil is also covered from
                     September to February (the AddedInput::cover_crop rule): that part depends on the baseline
                     stocks and is computed from the spun-up state. decomposition_factor practices are solved by
                     bisection on the same baseline-vs-scenario runs (the response depends on the stocks).

  --engine           runs `mpiexec -n RANKS alamod run` on a scenario configuration with every practice that the
                     France default's classes allow at its default (adoption 1 on its classes, from the branch
                     year, 20 years), once per model (--models), and prints alamod's rate (scenario - baseline of
                     cSoilTile after 20 years / 20, weighted by the class's area fraction) against the published one.
                     Every practice is a scenario of one run per model: the spin-up and the historical years are
                     computed once. --sample K runs one land cell in K (row + column a multiple of K, a copy of the
                     land mask given as inputs.land_mask): K = 5 gives RothC's full-grid rates within 0.4 % and the
                     other models' within 1.6 % at a fifth of the cost (docs/SCENARIOS.md, "Rate per practice and
                     model"), which makes MIMICS affordable.

Usage:
  /usr/bin/python3 scripts/calibrate_practices.py                     # direct: table, magnitudes, errors
  /usr/bin/python3 scripts/calibrate_practices.py --write             # also data/scenarios/practice_calibration.csv
                                                                      # and tests/data/practices/france_cells.csv
  /usr/bin/python3 scripts/calibrate_practices.py --engine --models rothc,amg --ranks 2
  /usr/bin/python3 scripts/calibrate_practices.py --engine --sample 5 \
      --models rothc,amg,icbm,yasso15,yasso07,century,millennial,mimics      # the docs' table of every model
  /usr/bin/python3 scripts/calibrate_practices.py --check-baseline  # the direct baseline against `alamod run`

Splits of the added kinds into RothC's pools (models/rothc/README.md, "Scenario inputs", on the branch of the
scenario inputs): plant = the class's DPM/RPM ratio; cover_crop, grass = 1.44 (crops and improved grassland,
Coleman & Jenkinson 1996); woody = 0.25 (woodland); manure = farmyard manure 0.49 DPM, 0.49 RPM, 0.02 HUM
(Coleman & Jenkinson 1996); compost and digestate: the FYM split too, as models/rothc/README.md "Scenario inputs" states.
Months: cover_crop September-February in equal shares (soil covered then); the other kinds the class's
input_share.

Deterministic: no randomness; the same inputs give the same numbers.
"""
import argparse
import csv
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# ---------------------------------------------------------------------------------------------------------------
# RothC-26.3 parameters (models/rothc/rothc.hpp, Parameters defaults; Coleman & Jenkinson 1996)
P = dict(k_dpm=10.0, k_rpm=0.3, k_bio=0.66, k_hum=0.02, temp_a=47.91, temp_b=106.06, temp_c=18.27, temp_min=-5.0,
         cover_rate=0.6, co2_a=1.67, co2_b=1.85, co2_c=1.60, co2_d=0.0786, bio_share=0.46, smd_a=20.0, smd_b=1.3,
         smd_c=0.01, smd_depth_ref=23.0, smd_1bar_share=0.444, smd_bare_share=0.556, rm_moist_min=0.2,
         evap_factor=0.75)

# share of each added kind's carbon entering DPM, RPM, HUM (None: the class's own DPM/RPM ratio)
def _ratio_split(r):
    return (r / (r + 1.0), 1.0 / (r + 1.0), 0.0)

KIND_SPLIT = {
    "plant": None,
    "cover_crop": _ratio_split(1.44),
    "grass": _ratio_split(1.44),
    "woody": _ratio_split(0.25),
    "manure": (0.49, 0.49, 0.02),
    # compost and digestate: RothC has no published split of its own for them; the grid binding gives them the
    # FYM split (models/rothc/README.md, "Scenario inputs"), and so does this script
    "compost": (0.49, 0.49, 0.02),
    "digestate": (0.49, 0.49, 0.02),
}
COVER_CROP_MONTHS = [8, 9, 10, 11, 0, 1]  # September-February (0-based)

# ---------------------------------------------------------------------------------------------------------------
# The presets as calibrated here. lever: ("added", kind) | ("plant_factor",) | ("decomposition",) | ("fixed", kind)
# (fixed: no published rate to calibrate against; the default is an application rate and RothC's rate is reported).
# `param` is the parameter whose default the calibration sets; `scale` maps it to the lever's magnitude
# (e.g. hedges: woody input per 100 m times the length / 100).
PRESETS = [
    dict(name="cover_crops", cls="cropland", lever=("added", "cover_crop"), published=0.24,
         param="extra_input_tC_ha_yr", scale=1.0),
    dict(name="temporary_grassland", cls="cropland", lever=("added", "grass"), published=0.14,
         param="extra_input_tC_ha_yr", scale=1.0),
    dict(name="agroforestry_cropland", cls="cropland", lever=("added", "woody"), published=0.30,
         param="woody_input_tC_ha_yr", scale=1.0),
    dict(name="agroforestry_grassland", cls="grassland", lever=("added", "woody"), published=0.30,
         param="woody_input_tC_ha_yr", scale=1.0),
    dict(name="hedges_cropland", cls="cropland", lever=("added", "woody"), published=0.06,
         param="woody_input_tC_per_100m_yr", scale=60.0 / 100.0),
    dict(name="hedges_grassland", cls="grassland", lever=("added", "woody"), published=0.10,
         param="woody_input_tC_per_100m_yr", scale=100.0 / 100.0),
    dict(name="grass_strips", cls="cropland", lever=("added", "grass"), published=0.49,
         param="extra_input_tC_ha_yr", scale=1.0),
    dict(name="direct_seeding", cls="cropland", lever=("decomposition",), published=0.15,
         param="decomposition_factor", scale=1.0),
    dict(name="direct_seeding_plough_5yr", cls="cropland", lever=("decomposition",), published=0.10,
         param="decomposition_factor", scale=1.0),
    # the default has no vineyard or orchard class: calibrated on the cropland tiles' climate and soils (proxy)
    dict(name="vineyard_inter_row_cover", cls="vineyard", proxy="cropland", lever=("added", "grass"),
         published=0.32, param="extra_input_tC_ha_yr", scale=1.0),
    dict(name="orchard_inter_row_cover", cls="orchard", proxy="cropland", lever=("added", "grass"),
         published=0.49, param="extra_input_tC_ha_yr", scale=1.0),
    dict(name="grassland_intensification", cls="grassland", lever=("plant_factor",), published=0.39,
         param="plant_factor", scale=1.0),
    # no confirmed published per-hectare rate (the INRA 2019 table was not consulted): defaults are set from the
    # practice itself and RothC's rate is reported
    dict(name="grazing_instead_of_mowing", cls="grassland", lever=("fixed", "manure"), published=None,
         param="dung_tC_ha_yr", scale=1.0, default=0.4),
    dict(name="manure", cls="cropland", lever=("fixed", "manure"), published=None,
         param="fresh_matter_t_ha_yr", scale=83.0 / 1000.0, default=10.0),
    dict(name="compost", cls="cropland", lever=("fixed", "compost"), published=None,
         param="fresh_matter_t_ha_yr", scale=120.0 / 1000.0, default=10.0),
    dict(name="digestate", cls="cropland", lever=("fixed", "digestate"), published=None,
         param="fresh_matter_t_ha_yr", scale=35.0 / 1000.0, default=20.0),
]


def round_sig(x, n=3):
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, n - 1 - int(math.floor(math.log10(abs(x)))))


# ---------------------------------------------------------------------------------------------------------------
# Inputs of the France default
def read_raster(path):
    from osgeo import gdal
    d = gdal.Open(path)
    a = d.ReadAsArray().astype(np.float64)
    nd = d.GetRasterBand(1).GetNoDataValue()
    if nd is not None:
        a[a == nd] = np.nan
    return a


def load_tiles(config_path, cls, years_needed):
    """The tiles of class `cls`: per tile clay, weight (area fraction), observed stock, plant input, monthly climate
    (years_needed[0]..years_needed[1]), the class's input_share/covered/dpm_rpm_ratio."""
    import netCDF4
    with open(config_path, "rb") as f:
        cfg = tomllib.load(f)
    base = os.path.dirname(os.path.abspath(config_path))
    rel = lambda p: os.path.normpath(os.path.join(base, p))
    inp = cfg["inputs"]
    lu = cfg["land_use"][cls]
    mask = read_raster(rel(inp["land_mask"])) == 1
    frac = read_raster(rel(lu["fraction"]))
    sel = mask & (np.nan_to_num(frac) > 0)
    clay = read_raster(rel(inp["clay"]))[sel]
    soc = read_raster(rel(lu.get("soc_stock", inp["soc_stock"])))[sel]
    # the class's own carbon-input raster if it has one (land_use.NAME.carbon_input), times its input_factor
    cin = read_raster(rel(lu.get("carbon_input", inp["carbon_input"])))[sel] * float(lu.get("input_factor", 1.0))
    zone = read_raster(rel(inp["pedoclimatic_zone"]))[sel] if "pedoclimatic_zone" in inp else np.zeros(sel.sum())
    rows, cols = np.nonzero(sel)
    start = int(cfg["run"]["start_year"])
    ds = netCDF4.Dataset(rel(inp["climate"]))
    y0, y1 = years_needed
    m0, m1 = (y0 - start) * 12, (y1 - start + 1) * 12
    clim = {}
    for v in ("tas", "pr", "pet"):
        name = inp.get(v + "_variable", v)
        a = ds.variables[name][m0:m1, :, :]
        clim[v] = np.asarray(a[:, rows, cols], dtype=np.float64)  # months x tiles
    ds.close()
    share = np.array(lu.get("input_share", [1.0 / 12] * 12), dtype=np.float64)
    covered = np.array(lu.get("covered", [1] * 12), dtype=np.float64)
    return dict(clay=clay, weight=frac[sel], soc=soc, cin=cin, zone=zone, rows=rows, cols=cols, clim=clim,
                share=share, covered=covered, ratio=float(lu.get("dpm_rpm_ratio", 1.44)), first_year=y0,
                start_year=start, spinup_years=int(cfg.get("spinup", {}).get("years", 10)),
                depth=float(cfg["run"].get("soil_depth_cm", 23.0)))


# ---------------------------------------------------------------------------------------------------------------
# RothC-26.3, one month for every tile (models/rothc/rothc.hpp, step_cell)
def soil_constants(clay, depth):
    x = P["co2_a"] * (P["co2_b"] + P["co2_c"] * np.exp(-P["co2_d"] * clay))
    smd15 = -(P["smd_a"] + P["smd_b"] * clay - P["smd_c"] * clay * clay) * depth / P["smd_depth_ref"]
    return dict(co2=x / (x + 1), bio=P["bio_share"] / (x + 1), hum=(1 - P["bio_share"]) / (x + 1),
                smd_max=smd15, smd_15=smd15, smd_1=P["smd_1bar_share"] * smd15, smd_bare=P["smd_bare_share"] * smd15)


def modifiers(S, smd, tas, rain, pet, covered):
    """Updates the deficit, returns (new deficit, a b c)."""
    a = np.where(tas < P["temp_min"], 0.0, P["temp_a"] / (1.0 + np.exp(P["temp_b"] / (tas + P["temp_c"]))))
    wet = smd + (rain - P["evap_factor"] * (pet / P["evap_factor"]))
    wetted = np.minimum(wet, 0.0)
    smd_cov = np.maximum(wetted, S["smd_max"])
    held = np.minimum(smd, S["smd_bare"])
    smd_bare = np.maximum(wetted, held)
    smd = np.where(covered > 0.5, smd_cov, smd_bare)
    falling = P["rm_moist_min"] + (1 - P["rm_moist_min"]) * (S["smd_15"] - smd) / (S["smd_15"] - S["smd_1"])
    b = np.where(smd > S["smd_1"], 1.0, np.where(smd > S["smd_15"], falling, P["rm_moist_min"]))
    c = np.where(covered > 0.5, P["cover_rate"], 1.0)
    return smd, a * b * c


def decay(S, X, rate, to_dpm, to_rpm, to_hum):
    k = (P["k_dpm"], P["k_rpm"], P["k_bio"], P["k_hum"])
    after = [X[j] * np.exp(-rate * k[j] / 12.0) for j in range(4)]
    decomposed = sum(X[j] - after[j] for j in range(4))
    return [after[0] + to_dpm, after[1] + to_rpm, after[2] + decomposed * S["bio"],
            after[3] + decomposed * S["hum"] + to_hum]


class Tiles:
    """The tiles of one class with their inverse spin-up and historical run done."""

    def __init__(self, t, branch_year):
        self.t = t
        self.S = soil_constants(t["clay"], t["depth"])
        self.n = len(t["clay"])
        self.dfrac = t["ratio"] / (t["ratio"] + 1.0)
        self.branch = branch_year
        c = t["clim"]
        ny = t["spinup_years"]
        off = (t["start_year"] - t["first_year"]) * 12
        self.mean = {v: c[v][off:off + 12 * ny].reshape(ny, 12, -1).mean(axis=0) for v in c}
        self.iom = 0.049 * t["soc"] ** 1.139
        self._spin_up()
        X, smd = self.state0, self.smd0
        for y in range(t["start_year"], branch_year):
            X, smd = self.run_year(X, smd, y, self.base_inputs())
        self.X_branch, self.smd_branch = X, smd

    def month_clim(self, year, mo):
        i = (year - self.t["first_year"]) * 12 + mo
        c = self.t["clim"]
        return c["tas"][i], c["pr"][i], c["pet"][i]

    def base_inputs(self, scale=None):
        """Monthly (to_dpm, to_rpm, to_hum) of the class's plant input (after the inverse scale)."""
        s = self.scale if scale is None else scale
        q = self.t["cin"] * s
        return [(q * sh * self.dfrac, q * sh * (1 - self.dfrac), 0.0) for sh in self.t["share"]]

    def run_year(self, X, smd, year, inputs, covered=None, dfac=1.0, climate=None):
        cov = self.t["covered"] if covered is None else covered
        for mo in range(12):
            tas, rain, pet = self.month_clim(year, mo) if climate is None else (climate["tas"][mo],
                                                                                  climate["pr"][mo], climate["pet"][mo])
            smd, rate = modifiers(self.S, smd, tas, rain, pet, cov[mo])
            d, r, h = inputs[mo]
            X = decay(self.S, X, rate * dfac, d, r, h)
        return X, smd

    def _spin_up(self):
        m = self.mean
        smd = np.zeros(self.n)
        for _ in range(200):  # periodic deficit of the mean year
            prev = smd
            for mo in range(12):
                smd, _r = modifiers(self.S, smd, m["tas"][mo], m["pr"][mo], m["pet"][mo], self.t["covered"][mo])
            if np.array_equal(prev, smd):
                break
        smd0 = smd
        zero = [(0.0, 0.0, 0.0)] * 12
        unit = self.base_inputs(scale=1.0)
        v, _ = self.run_year([np.zeros(self.n)] * 4, smd0, None, unit, climate=m)
        M = np.zeros((self.n, 4, 4))
        for j in range(4):
            e = [np.zeros(self.n)] * 4
            e = [np.ones(self.n) if k == j else np.zeros(self.n) for k in range(4)]
            col, _ = self.run_year(e, smd0, None, zero, climate=m)
            for i in range(4):
                M[:, i, j] = col[i]
        x = np.linalg.solve(np.eye(4)[None, :, :] - M, np.stack(v, axis=1)[:, :, None])[:, :, 0]
        active = x.sum(axis=1)
        self.scale = np.where(active > 0, (self.t["soc"] - self.iom) / active, 0.0)
        self.state0 = [x[:, j] * self.scale for j in range(4)]
        self.smd0 = smd0

    def stock_after(self, years, extra=None, covered=None, dfac=1.0, plant_factor=1.0, empty=False):
        """Active stock (t C ha-1) `years` years after the branch; extra: monthly (dpm, rpm, hum) added."""
        X = [np.zeros(self.n)] * 4 if empty else list(self.X_branch)
        smd = self.smd_branch
        base = [] if empty else self.base_inputs(self.scale * plant_factor)
        ins = []
        for mo in range(12):
            d, r, h = (0.0, 0.0, 0.0) if empty else base[mo]
            if extra is not None:
                d, r, h = d + extra[mo][0], r + extra[mo][1], h + extra[mo][2]
            ins.append((d, r, h))
        for y in range(self.branch, self.branch + years):
            X, smd = self.run_year(X, smd, y, ins, covered=covered, dfac=dfac)
        return sum(X)

    def kind_inputs(self, kind, amount):
        """Monthly (dpm, rpm, hum) of `amount` (t C ha-1 yr-1, scalar or per tile) of an added kind."""
        split = KIND_SPLIT[kind] or (self.dfrac, 1 - self.dfrac, 0.0)
        if kind == "cover_crop":
            share = np.zeros(12)
            share[COVER_CROP_MONTHS] = 1.0 / len(COVER_CROP_MONTHS)
        else:
            share = self.t["share"]
        return [(amount * s * split[0], amount * s * split[1], amount * s * split[2]) for s in share]

    def covered_with(self, kind):
        if kind != "cover_crop":
            return None
        cov = self.t["covered"].copy()
        cov[COVER_CROP_MONTHS] = 1.0
        return cov

    def mean_rate(self, per_tile, weight=None):
        w = self.t["weight"] if weight is None else weight
        return float(np.sum(per_tile * w) / np.sum(w))


def direct(args):
    years = args.years
    first = None
    cache = {}
    rows = []
    for pr in PRESETS:
        cls = pr.get("proxy", pr["cls"])
        if cls not in cache:
            with open(args.config, "rb") as f:
                start = int(tomllib.load(f)["run"]["start_year"])
            first = start
            t = load_tiles(args.config, cls, (start, args.branch_year + years - 1))
            cache[cls] = Tiles(t, args.branch_year)
            print(f"# {cls}: {cache[cls].n} tiles, area {np.sum(t['weight']) * 64:.0f} km2", file=sys.stderr)
        T = cache[cls]
        base = T.stock_after(years)
        lever = pr["lever"]
        fixed_part = np.zeros(T.n)
        if lever[0] in ("added", "fixed"):
            kind = lever[1]
            cov = T.covered_with(kind)
            if cov is not None:  # the covered months change the baseline's decomposition: not linear in the input
                fixed_part = (T.stock_after(years, covered=cov) - base) / years
            unit = T.stock_after(years, extra=T.kind_inputs(kind, 1.0), covered=cov, empty=True) / years
            per_unit = T.mean_rate(unit) * pr["scale"]
            fixed = T.mean_rate(fixed_part)
            if lever[0] == "added":
                value = round_sig((pr["published"] - fixed) / per_unit)
            else:
                value = pr["default"]
            rate_tiles = fixed_part + unit * value * pr["scale"]
            response = f"{per_unit:.4g} per unit" + (f", covered months {fixed:+.4f}" if cov is not None else "")
        elif lever[0] == "plant_factor":
            unit = T.stock_after(years, extra=T.base_inputs(), empty=True) / years  # response to the own input x 1
            per_unit = T.mean_rate(unit)
            value = round_sig(1.0 + pr["published"] / per_unit, 4)
            rate_tiles = unit * (value - 1.0)
            response = f"{per_unit:.4g} per unit of (factor - 1)"
        else:  # decomposition factor: bisection on the mean rate
            def rate_of(d):
                return T.mean_rate((T.stock_after(years, dfac=d) - base) / years)
            lo, hi = 0.5, 1.0
            for _ in range(40):
                mid = 0.5 * (lo + hi)
                if rate_of(mid) > pr["published"]:
                    lo = mid
                else:
                    hi = mid
            value = round_sig(0.5 * (lo + hi), 4)
            rate_tiles = (T.stock_after(years, dfac=value) - base) / years
            response = "bisection on the spun-up stocks"
        rate = T.mean_rate(rate_tiles)
        err = 100.0 * (rate - pr["published"]) / pr["published"] if pr["published"] else float("nan")
        rows.append(dict(practice=pr["name"], class_=pr["cls"], calibrated_on=cls, parameter=pr["param"],
                         default=value, rothc_rate=rate, published=pr["published"], error_pct=err, response=response))
        pub = "-" if pr["published"] is None else f"{pr['published']:.2f}"
        e = "-" if pr["published"] is None else f"{err:+.1f}"
        print(f"{pr['name']:28s} {pr['param']:28s} {value:10.4g}  RothC {rate:7.4f}  published {pub:>5s}  "
              f"error {e:>6s} %  ({response}; {cls} tiles)")
        if pr["name"] == "cover_crops":
            cover_rate_tiles, cover_tiles = rate_tiles, T
    if args.write:
        out = os.path.join(ROOT, "data", "scenarios", "practice_calibration.csv")
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out + ".tmp", "w", newline="") as f:
            f.write("# written by scripts/calibrate_practices.py (direct mode): RothC-26.3 on the France default's "
                    f"eligible tiles, branch {args.branch_year}, {years} years; rates in t C ha-1 yr-1\n")
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["practice", "class", "calibrated_on", "parameter", "default", "rothc_rate_tC_ha_yr",
                        "published_tC_ha_yr", "error_pct"])
            for r in rows:
                w.writerow([r["practice"], r["class_"], r["calibrated_on"], r["parameter"], repr(r["default"]),
                            f"{r['rothc_rate']:.4f}", "" if r["published"] is None else r["published"],
                            "" if r["published"] is None else f"{r['error_pct']:.1f}"])
        os.replace(out + ".tmp", out)
        print(f"wrote {os.path.relpath(out, ROOT)}", file=sys.stderr)
        write_sample(cover_tiles, cover_rate_tiles, rows[0]["default"], args)


def write_sample(T, rate_tiles, default, args):
    """A few real cropland tiles for tests/unit/test_practices.cpp: one per pedo-climatic zone, the tile whose cover-crop
    rate is nearest its zone's median, weighted by the zone's cropland area; their weighted rate is written too."""
    t = T.t
    picks, weights = [], []
    for z in np.unique(t["zone"][np.isfinite(t["zone"])]):
        idx = np.nonzero(t["zone"] == z)[0]
        med = np.median(rate_tiles[idx])
        picks.append(idx[np.argmin(np.abs(rate_tiles[idx] - med))])
        weights.append(np.sum(t["weight"][idx]))
    picks = np.array(picks)
    weights = np.array(weights) / np.sum(weights)
    sample_rate = float(np.sum(rate_tiles[picks] * weights))
    out = os.path.join(ROOT, "tests", "data", "practices", "france_cells.csv")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    nm = t["clim"]["tas"].shape[0]
    with open(out + ".tmp", "w", newline="") as f:
        f.write("# Cropland tiles of the France 8 km default (configs/france_default.toml; data/france, whose climate,\n"
                "# clay and carbon input are SYNTHETIC, see data/france/README.md), one per ADEME pedo-climatic zone,\n"
                "# written by scripts/calibrate_practices.py --write. weight: the zone's share of the cropland area.\n"
                f"# first_year {t['first_year']}, spinup_years {t['spinup_years']}, branch_year {args.branch_year}, "
                f"years {args.years}, depth_cm {t['depth']}\n"
                f"# cover_crops extra_input_tC_ha_yr {default!r}: weighted RothC rate of these tiles "
                f"{sample_rate:.6f} t C ha-1 yr-1 (this script's numpy RothC)\n"
                "# columns: zone,row,col,weight,clay_pct,soc_tC_ha,input_tC_ha_yr then per month tas (degC), "
                "pr, pet (mm month-1): the file's float32 values, exact when read as float\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["zone", "row", "col", "weight", "clay_pct", "soc_tC_ha", "input_tC_ha_yr", "variable"] +
                   [f"m{m}" for m in range(nm)])
        for p, wt in zip(picks, weights):
            head = [int(t["zone"][p]), int(t["rows"][p]), int(t["cols"][p]), f"{wt:.8f}", repr(float(t["clay"][p])),
                    repr(float(t["soc"][p])), repr(float(t["cin"][p]))]
            for v in ("tas", "pr", "pet"):
                w.writerow(head + [v] + ["%.9g" % np.float32(x) for x in t["clim"][v][:, p]])
    os.replace(out + ".tmp", out)
    print(f"wrote {os.path.relpath(out, ROOT)} ({len(picks)} tiles, their rate {sample_rate:.4f})", file=sys.stderr)


# ---------------------------------------------------------------------------------------------------------------
def sample_mask(config_path, k, tmp):
    """A copy of the configuration's land mask keeping one land cell in k: those whose row + column is a multiple
    of k (diagonal lines k cells apart, so every part of the grid, every région, pedo-climatic zone and climate, is
    sampled alike, with the same share of each class's tiles). Returns its path (in `tmp`)."""
    from osgeo import gdal
    with open(config_path, "rb") as f:
        cfg = tomllib.load(f)
    src = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(config_path)), cfg["inputs"]["land_mask"]))
    out = os.path.join(tmp, f"land_mask_sample_{k}.tif")
    d = gdal.GetDriverByName("GTiff").CreateCopy(out, gdal.Open(src))
    b = d.GetRasterBand(1)
    a = b.ReadAsArray()
    rows, cols = np.indices(a.shape)
    a[(a == 1) & ((rows + cols) % k != 0)] = 0
    b.WriteArray(a)
    d.FlushCache()
    d = None
    print(f"sample: {int((a == 1).sum())} land cells (one in {k}: row + column a multiple of {k})", file=sys.stderr)
    return out


def engine(args):
    """Scenario minus baseline of alamod's own runs, per model."""
    import netCDF4
    alamod = args.alamod
    with open(args.config) as f:
        base_text = f.read()
    present = set(tomllib.loads(base_text)["land_use"].keys())
    names = [p for p in PRESETS if p["cls"] in present]
    lines = [f"\n[scenarios]\nbranch_year = {args.branch_year}\n"]
    for p in names:
        lines.append(f"\n[scenario.{p['name']}]\nextends = \"baseline\"\n"
                     f"[[scenario.{p['name']}.intervention]]\npractice = \"{p['name']}\"\nclasses = [\"{p['cls']}\"]\n"
                     f"adoption = 1.0\nstart_year = {args.branch_year}\n")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")
    pub = {p["name"]: p["published"] for p in PRESETS}
    cls_of = {p["name"]: p["cls"] for p in PRESETS}
    print("model,practice,class,alamod_rate_tC_ha_yr,published_tC_ha_yr,error_pct")
    for model in args.models.split(","):
        with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.config))) as tmp:
            cfg = os.path.join(tmp, "practices.toml")
            text = re.sub(r'^model\s*=.*$', f'model = "{model}"', base_text, count=1, flags=re.M)
            text = text.replace('"../', '"' + os.path.relpath(os.path.dirname(os.path.abspath(args.config)), tmp) + '/../')
            with open(cfg, "w") as f:
                f.write(text + "".join(lines))
            out = os.path.join(tmp, "out")
            extra = []
            if args.sample > 1:
                extra = ["--set", f'inputs.land_mask="{sample_mask(args.config, args.sample, tmp)}"']
            cmd = ["mpiexec", "-n", str(args.ranks), alamod, "run", cfg, "--out", out] + extra + ["--set",
                   f"run.end_year={args.branch_year + args.years - 1}", "--set", "output.tiles=true", "--set",
                   'output.precision="double"', "--set", "totals.report=false"]
            if model in ("millennial", "mimics"):
                cmd += ["--set", 'spinup.method="equilibrium"']
            t0 = time.monotonic()
            r = subprocess.run(cmd, env=env, capture_output=True, text=True)
            print(f"{model}: alamod run took {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
            if r.returncode != 0:
                msg = [l for l in r.stderr.splitlines() if l.startswith("alamod")] or r.stderr.strip().splitlines()[-5:]
                print(f"{model}: alamod run failed: " + "\n".join(msg[:3]), file=sys.stderr)
                continue
            files = {}
            for fn in os.listdir(out):
                if fn.endswith(".nc"):
                    with netCDF4.Dataset(os.path.join(out, fn)) as d:
                        if "alamod_scenario" in d.ncattrs():
                            files[d.getncattr("alamod_scenario")] = os.path.join(out, fn)

            def tile_stock(name, cls):
                with netCDF4.Dataset(files[name]) as d:
                    v = d.variables["cSoilTile"]  # (time, landcover, y, x), t ha-1 of the tile's own area
                    lc = [str(x).strip() for x in netCDF4.chartostring(d.variables["area_type"][:])]
                    k = lc.index(cls)
                    a = np.ma.filled(v[args.years - 1, k].astype(np.float64), np.nan)
                    fr = np.ma.filled(d.variables["area_fraction"][k].astype(np.float64), 0.0)
                return a, fr

            for p in names:
                if p["name"] not in files or "baseline" not in files:
                    print(f"{model},{p['name']},{p['cls']},not in the output,,", flush=True)
                    continue
                s, fr = tile_stock(p["name"], p["cls"])
                b, _ = tile_stock("baseline", p["cls"])
                ok = np.isfinite(s) & np.isfinite(b) & (fr > 0)
                rate = float(np.sum((s - b)[ok] * fr[ok]) / np.sum(fr[ok]) / args.years)
                pb = pub[p["name"]]
                err = f"{100 * (rate - pb) / pb:.1f}" if pb else ""
                print(f"{model},{p['name']},{cls_of[p['name']]},{rate:.4f},{pb if pb else ''},{err}", flush=True)


def check_baseline(args):
    """The direct mode's baseline against alamod's own run of the configuration: every tile's stock at the end of
    the horizon (cSoilTile), for the classes the presets use."""
    import netCDF4
    end = args.branch_year + args.years - 1
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        subprocess.run(["mpiexec", "-n", str(args.ranks), os.path.join(ROOT, "build", "engine", "alamod"), "run",
                        args.config, "--out", out, "--set", f"run.end_year={end}", "--set", "output.tiles=true",
                        "--set", 'output.precision="double"', "--set", "totals.report=false"],
                       env=env, check=True, capture_output=True)
        with netCDF4.Dataset(os.path.join(out, "carbon_yearly.nc")) as d:
            lc = [str(x).strip() for x in netCDF4.chartostring(d.variables["area_type"][:])]
            for cls in sorted({p.get("proxy", p["cls"]) for p in PRESETS}):
                with open(args.config, "rb") as f:
                    start = int(tomllib.load(f)["run"]["start_year"])
                T = Tiles(load_tiles(args.config, cls, (start, end)), args.branch_year)
                mine = T.stock_after(args.years) + T.iom
                eng = np.ma.filled(d.variables["cSoilTile"][-1, lc.index(cls)], np.nan)[T.t["rows"], T.t["cols"]]
                print(f"{cls}: {T.n} tiles, stock at the end of {end}: largest relative difference from alamod run "
                      f"{np.max(np.abs(mine - eng) / eng):.2e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=os.path.join(ROOT, "configs", "france_default.toml"),
                    help="the run configuration whose eligible tiles are averaged (default: the France default)")
    ap.add_argument("--branch-year", type=int, default=2020, help="first year of the practice (yr, default 2020)")
    ap.add_argument("--years", type=int, default=20, help="horizon of the rate (yr, default 20)")
    ap.add_argument("--write", action="store_true",
                    help="write data/scenarios/practice_calibration.csv and tests/data/practices/france_cells.csv")
    ap.add_argument("--engine", action="store_true", help="measure with `alamod run` instead (needs the scenario engine)")
    ap.add_argument("--check-baseline", action="store_true",
                    help="compare the direct mode's baseline with `alamod run` of the configuration (tile stocks)")
    ap.add_argument("--models", default="rothc", help="engine mode: comma-separated models (default rothc)")
    ap.add_argument("--ranks", type=int, default=2, help="engine mode: MPI ranks (default 2)")
    ap.add_argument("--sample", type=int, default=1,
                    help="engine mode: run one land cell in K (row + column a multiple of K; default 1: every cell); "
                         "K = 5 gives the full-grid rates within 0.4 %% for RothC at a fifth of the cost")
    ap.add_argument("--alamod", default=os.path.join(ROOT, "build", "engine", "alamod"),
                    help="engine mode: the alamod executable (default build/engine/alamod)")
    args = ap.parse_args()
    if args.check_baseline:
        check_baseline(args)
    elif args.engine:
        engine(args)
    else:
        direct(args)


if __name__ == "__main__":
    main()
