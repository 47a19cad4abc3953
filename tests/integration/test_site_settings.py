#!/usr/bin/env python3
"""The site settings of issue 22 part 4 (docs/SITES.md "Site settings"), each against a reference that does
not come from alamod: `alamod site` on small generated forcings.

  century     structural_lignin_fraction and surface_input_share: the equilibrium pools against the steady
              state of the published CENTURY equations (Parton et al. 1987) solved here with numpy;
  yasso       yasso_step month and day: the December pools of 100 years of monthly (and daily) steps against
              the official Yasso15 / Yasso07 Fortran's 100 annual steps (tests/data/yasso15, yasso07);
  pools       --spinup pools: the pools start at the given values; an unknown pool name and a missing pool are
              one-line errors naming the file, line and key;
  millennial  millennial_integrator rk4: the equilibrium of a constant forcing against the steady state of
              the published equations (dX/dt = 0 solved by Newton here), and Euler and RK4 days that differ
              (the kernel's convergence as the step shrinks is in tests/unit/test_site_settings.cpp);
  mimics      rh_rate: at the official Control steady state (tests/data/mimics) it is the script's CO2 of the
              last hour; after a warming it is the last hour's rate, not the day's mean;
  units       data/sites/FORMAT.md's rule that a unit `1` may be left out: in the forcing (metadata, units
              row) and in a package descriptor's forcing fields (`alamod sites validate`).

Usage: test_site_settings.py [--only NAME]   (ALAMOD_BIN and ALAMOD_SOURCE_DIR from the test environment)
"""
import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

SRC = os.environ.get("ALAMOD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
ALAMOD = os.environ.get("ALAMOD_BIN", os.path.join(SRC, "build", "engine", "alamod"))
FAILURES = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def site(forcing, out, *args):
    p = subprocess.run([ALAMOD, "site", "--forcing", forcing, "--out", out, "--overwrite"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stderr.strip()


def read_output(path):
    """The site output as (header, rows of floats), the metadata and notes dropped."""
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("#")]
    header = lines[0].split(",")
    rows = [[float(v) for v in l.split(",")] for l in lines[2:]]
    return header, rows


def units_row(path):
    with open(path) as f:
        lines = [l for l in f.read().splitlines() if not l.startswith("#")]
    return dict(zip(lines[0].split(","), lines[1].split(",")))


def write_forcing(path, meta, columns, units, rows):
    lines = ["# alamod-site-forcing: 1"] + ["# %s: %s" % kv for kv in meta]
    lines += [",".join(columns), ",".join(units)]
    lines += [",".join(str(v) for v in r) for r in rows]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# ---------------------------------------------------------------------------------------------- CENTURY
def century_steady_state(clay, silt, ln, ls, surface, soil, xi):
    """Steady state of the CENTURY SOM submodel (Parton et al. 1987; rates and shares as tabulated in
    models/century/README.md), for constant inputs surface and soil (t C ha-1 yr-1) and abiotic factor xi."""
    texture = clay + silt
    fm = 0.85 - 0.018 * ln
    k = np.array([3.9 * math.exp(-3 * ls), 14.8, 4.9 * math.exp(-3 * ls), 18.5, 7.3 * (1 - 0.75 * texture), 0.2,
                  0.0045])
    t = np.zeros((7, 7))  # t[to, from]
    SS, SM, BS, BM, ACT, SLOW, PASS = range(7)
    t[ACT, SS], t[SLOW, SS] = (1 - ls) * (1 - 0.45), ls * (1 - 0.3)
    t[ACT, SM] = 1 - 0.55
    t[ACT, BS], t[SLOW, BS] = (1 - ls) * (1 - 0.55), ls * (1 - 0.3)
    t[ACT, BM] = 1 - 0.55
    t[SLOW, ACT], t[PASS, ACT] = 1 - (0.85 - 0.68 * texture) - 0.004, 0.004
    t[ACT, SLOW], t[PASS, SLOW] = 1 - 0.55 - 0.03, 0.03
    t[ACT, PASS] = 1 - 0.55
    a = xi * (t - np.eye(7)) @ np.diag(k)
    b = np.array([(1 - fm) * surface, fm * surface, (1 - fm) * soil, fm * soil, 0, 0, 0])
    return np.linalg.solve(a, -b)


def century_temperature_factor(tas):
    u = (45.0 - tas) / (45.0 - 35.0)
    return u ** 0.2 * math.exp((0.2 / 2.63) * (1 - u ** 2.63))


def test_century(work):
    clay, silt, lignin, nitrogen, annual = 0.20, 0.45, 0.05, 0.01, 3.0
    tas = 25.0
    cases = [("defaults", None, None, 0.1, 0.5), ("ls0.25_surface0.7", 0.25, 0.7, 0.25, 0.7),
             ("ls0.4_surface0.2", 0.4, 0.2, 0.4, 0.2)]
    for name, ls_set, share_set, ls, share in cases:
        meta = [("site_id", "century_" + name), ("clay", "20 percent"), ("silt", "45 percent"),
                ("lignin_fraction", "%g" % lignin), ("n_fraction", "%g" % nitrogen), ("spinup_years", "2 yr")]
        if ls_set is not None:
            meta.append(("structural_lignin_fraction", "%g" % ls_set))  # no unit: `1`
        if share_set is not None:
            meta.append(("surface_input_share", "%g 1" % share_set))
        rows = [(y, m, tas, 50, 0, annual / 12) for y in range(2000, 2003) for m in range(1, 13)]
        f = os.path.join(work, "century_%s.csv" % name)
        write_forcing(f, meta, ["year", "month", "tas", "pr", "pet", "c_input"],
                      ["yr", "1", "degC", "mm month-1", "mm month-1", "t ha-1 month-1"], rows)
        out = f + ".out"
        rc, err = site(f, out, "--model", "century", "--spinup", "equilibrium")
        check(rc == 0, "century %s runs (%s)" % (name, err))
        if rc:
            continue
        header, data = read_output(out)
        ref = century_steady_state(clay, silt, lignin / nitrogen, ls, share * annual, (1 - share) * annual,
                                   century_temperature_factor(tas))  # pet = 0: moisture factor 1
        got = data[-1][2:9]
        worst = max(rel(g, r) for g, r in zip(got, ref))
        check(worst < 1e-9, "century %s: equilibrium pools = the published equations' steady state (worst relative "
                            "difference %.2e, tolerance 1e-9)" % (name, worst))
        if name != "defaults":
            # the setting matters: the default split's steady state is far from these pools
            other = century_steady_state(clay, silt, lignin / nitrogen, 0.1, 0.5 * annual, 0.5 * annual,
                                         century_temperature_factor(tas))
            check(max(rel(g, r) for g, r in zip(got, other)) > 0.05, "century %s differs from the defaults" % name)
    # a share outside [0, 1] is refused, naming the key
    f = os.path.join(work, "century_bad.csv")
    write_forcing(f, [("site_id", "bad"), ("clay", "20 percent"), ("surface_input_share", "1.5")],
                  ["year", "month", "tas", "pr", "pet", "c_input"],
                  ["yr", "1", "degC", "mm month-1", "mm month-1", "t ha-1 month-1"],
                  [(2000, m, 10, 50, 30, 0.2) for m in range(1, 13)])
    rc, err = site(f, f + ".out", "--model", "century")
    check(rc != 0 and "surface_input_share" in err and err.startswith("alamod: error: " + f + ":4:") and "\n" not in err,
          "century: surface_input_share 1.5 refused in one line naming file and key (%s)" % err)


# ---------------------------------------------------------------------------------------------- Yasso
def official_rows(model):
    path = os.path.join(SRC, "tests", "data", model, "out", "france_nonwoody_100y.csv")
    with open(path) as f:
        return [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]


def test_yasso(work):
    # the official case: zero start, T 11.5 degC, P 750 mm, amplitude 7.5 degC, 3 t C ha-1 yr-1 split
    # AWENH 0.5 0.1 0.05 0.35 0, 100 annual steps
    meta = [("site_id", "yasso_official"), ("tas_amplitude", "7.5 degC"), ("awen_a", "0.5"), ("awen_w", "0.1"),
            ("awen_e", "0.05"), ("awen_n", "0.35")]
    for model in ("yasso15", "yasso07"):
        ref = official_rows(model)
        for step in ("month", "day", "year"):
            f = os.path.join(work, "yasso_%s_%s.csv" % (model, step))
            if step == "day":
                import datetime
                rows, d = [], datetime.date(2001, 1, 1)
                while d.year < 2101:
                    n = 366 if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else 365
                    rows.append((d.year, d.month, d.day, 11.5, repr(750.0 / n), repr(3.0 / n)))
                    d += datetime.timedelta(days=1)
                write_forcing(f, meta + [("yasso_step", "day")], ["year", "month", "day", "tas", "pr", "c_input"],
                              ["yr", "1", "1", "degC", "mm d-1", "t ha-1 d-1"], rows)
            else:
                rows = [(y, m, 11.5, 62.5, 0.25) for y in range(2001, 2101) for m in range(1, 13)]
                write_forcing(f, meta + [("yasso_step", step)], ["year", "month", "tas", "pr", "c_input"],
                              ["yr", "1", "degC", "mm month-1", "t ha-1 month-1"], rows)
            out = f + ".out"
            rc, err = site(f, out, "--model", model, "--spinup", "none")
            check(rc == 0, "%s yasso_step %s runs (%s)" % (model, step, err))
            if rc:
                continue
            header, data = read_output(out)
            check(units_row(out)["rh"] == {"year": "t ha-1 yr-1", "month": "t ha-1 month-1", "day": "t ha-1 d-1"}[step],
                  "%s yasso_step %s: one row per %s" % (model, step, step))
            year_ends = [r for r in data if (step == "year" or (r[1] == 12 and (step == "month" or r[2] == 31)))]
            check(len(year_ends) == 100, "%s %s: 100 year ends" % (model, step))
            worst = 0.0
            for r, o in zip(year_ends, ref):
                for j, pool in enumerate("AWENH"):
                    worst = max(worst, rel(r[header.index(pool)], o[pool]))
            check(worst < 1e-8, "%s yasso_step %s: pools at each year's end = the official annual steps (worst "
                                "relative difference %.2e, tolerance 1e-8)" % (model, step, worst))
    # an annual forcing carries no seasonal cycle for monthly steps: tas_amplitude is needed
    f = os.path.join(work, "yasso_annual_monthly.csv")
    write_forcing(f, [("site_id", "y"), ("yasso_step", "month")], ["year", "tas", "pr", "c_input"],
                  ["yr", "degC", "mm yr-1", "t ha-1 yr-1"], [(y, 11.5, 750, 3.0) for y in range(2001, 2004)])
    rc, err = site(f, f + ".out", "--model", "yasso15")
    check(rc != 0 and (f + ":4 (tas_amplitude)") in err and "\n" not in err,
          "yasso_step month on an annual forcing without tas_amplitude: one-line error (%s)" % err)
    # an unknown step is refused by the reader
    f2 = os.path.join(work, "yasso_bad_step.csv")
    write_forcing(f2, [("site_id", "y"), ("yasso_step", "week")], ["year", "tas", "pr", "c_input"],
                  ["yr", "degC", "mm yr-1", "t ha-1 yr-1"], [(2001, 11.5, 750, 3.0)])
    rc, err = site(f2, f2 + ".out", "--model", "yasso15")
    check(rc != 0 and (f2 + ":3:") in err and "(yasso_step)" in err, "yasso_step week refused (%s)" % err)


# ---------------------------------------------------------------------------------------------- pools
def test_pools(work):
    base = [("site_id", "pools"), ("tas_amplitude", "7.5 degC")]
    cols, units = ["year", "tas", "pr", "c_input"], ["yr", "degC", "mm yr-1", "t ha-1 yr-1"]
    rows = [(y, 11.5, 750, 3.0) for y in range(2001, 2004)]
    given = {"A": 1.5, "W": 0.25, "E": 0.5, "N": 6.0, "H": 40.0}
    f = os.path.join(work, "pools_ok.csv")
    write_forcing(f, base + [("pool_" + k, "%g t ha-1" % v) for k, v in given.items()], cols, units, rows)
    rc, err = site(f, f + ".out", "--model", "yasso15", "--spinup", "pools")
    check(rc == 0, "pools: yasso15 starts from pool_A..pool_H (%s)" % err)
    if rc == 0:
        with open(f + ".out") as fh:
            start = [l for l in fh if l.startswith("# soc_start:")][0]
        check(abs(float(start.split()[2]) - sum(given.values())) < 1e-12,
              "pools: soc_start is the sum of the given pools (%s)" % start.strip())
    # Millennial: its pools in t ha-1 (1 g m-2 = 0.01 t ha-1)
    f = os.path.join(work, "pools_unknown.csv")
    write_forcing(f, base + [("pool_" + k, "%g t ha-1" % v) for k, v in given.items()] + [("pool_HUM", "3 t ha-1")],
                  cols, units, rows)
    rc, err = site(f, f + ".out", "--model", "yasso15", "--spinup", "pools")
    check(rc != 0 and err.startswith("alamod: error: " + f + ":9 (pool_HUM): unknown pool of yasso15") and "\n" not in err,
          "pools: an unknown pool name is one line naming file, line and key (%s)" % err)
    f = os.path.join(work, "pools_missing.csv")
    write_forcing(f, base + [("pool_" + k, "%g t ha-1" % v) for k, v in given.items() if k != "N"], cols, units, rows)
    rc, err = site(f, f + ".out", "--model", "yasso15", "--spinup", "pools")
    check(rc != 0 and (f + ":8 (pool_N): 4 of the 5 pools of yasso15 given") in err and "\n" not in err,
          "pools: a wrong count is one line naming file, line and the missing key (%s)" % err)
    check(not os.path.exists(f + ".out"), "pools: nothing written on error")


# ---------------------------------------------------------------------------------------------- Millennial
MILLENNIAL = dict(pi=0.66, pa=0.33, kaff_pl=6443.0, alpha_pl=1.8e12, eact_pl=63909.0, rate_pa=0.018, rate_break=0.02,
                  rate_leach=0.0015, kaff_des=1.0, p1=0.12, p2=0.216, kaff_lb=774.6, alpha_lb=2.3e12, eact_lb=57865.0,
                  rate_bd=0.0045, rate_ma=0.0048, cue_ref=0.19, cue_t=0.012, tae_ref=15.0, matpot=15.0, lam=2.1e-4,
                  porosity=0.6, kamin=0.2, pb=0.5, pc=0.86, R=8.31446)


def millennial_tendencies(x, T, theta, npp, clay, ph, bd):
    """dX/dt of Millennial v2 (Abramoff et al. 2022, Eqs. 1-24), g C m-2 d-1; x = POM LMWC AGG MIC MAOM."""
    p = MILLENNIAL
    pom, lmwc, agg, mic, maom = x
    kaff_lm = p["kaff_des"] * math.exp(-p["p1"] * ph - p["p2"])
    qmax = bd * p["pc"] * clay
    wd = (theta / p["porosity"]) ** 0.5
    wb = math.exp(-p["lam"] * p["matpot"]) * (p["kamin"] + (1 - p["kamin"]) * ((p["porosity"] - theta) / p["porosity"]) ** 0.5) * wd
    vpl = p["alpha_pl"] * math.exp(-p["eact_pl"] / (p["R"] * (T + 273.15)))
    vlb = p["alpha_lb"] * math.exp(-p["eact_lb"] / (p["R"] * (T + 273.15)))
    f_pl = vpl * wd * pom * mic / (p["kaff_pl"] + mic)
    f_pa = p["rate_pa"] * wd * pom
    f_b = p["rate_break"] * wd * agg
    f_l = p["rate_leach"] * wd * lmwc
    f_lm = wd * kaff_lm * lmwc * (1 - maom / qmax)
    f_ld = p["kaff_des"] * maom / qmax
    f_lb = vlb * wb * mic * lmwc / (p["kaff_lb"] + lmwc)
    f_bd = p["rate_bd"] * mic ** 2
    f_ma = p["rate_ma"] * wd * maom
    f_co2 = f_lb * (1 - (p["cue_ref"] - p["cue_t"] * (T - p["tae_ref"])))
    return np.array([
        p["pi"] * npp + p["pa"] * f_b - f_pa - f_pl,
        (1 - p["pi"]) * npp - f_l + f_pl - f_lm - f_lb + (1 - p["pb"]) * f_bd + f_ld,
        f_ma + f_pa - f_b,
        f_lb - f_bd - f_co2,
        f_lm - f_ld + p["pb"] * f_bd - f_ma + (1 - p["pa"]) * f_b])


def millennial_steady_state(x0, *args):
    """Newton on dX/dt = 0 (central-difference Jacobian), from x0."""
    x = np.array(x0, dtype=float)
    for _ in range(100):
        f = millennial_tendencies(x, *args)
        j = np.zeros((5, 5))
        for k in range(5):
            h = 1e-6 * max(abs(x[k]), 1.0)
            e = np.zeros(5)
            e[k] = h
            j[:, k] = (millennial_tendencies(x + e, *args) - millennial_tendencies(x - e, *args)) / (2 * h)
        dx = np.linalg.solve(j, -f)
        x = x + dx
        if np.max(np.abs(dx) / np.abs(x)) < 1e-14:
            break
    return x


def test_millennial(work):
    T, theta, npp_t, clay = 12.0, 0.3, 4.0, 30.0  # degC, m3 m-3, t C ha-1 yr-1, percent
    cols = ["year", "month", "tsoil", "swc", "c_input"]
    units = ["yr", "1", "degC", "m3 m-3", "t ha-1 month-1"]
    outs = {}
    for integ in ("euler", "rk4"):
        f = os.path.join(work, "millennial_%s.csv" % integ)
        rows = [(y, m, T, theta, 0) for y in range(2001, 2004) for m in range(1, 13)]
        # constant daily input: a monthly forcing spreads a month evenly over its days; give it per day via
        # an annual amount per month proportional to the month's days
        import calendar
        rows = [(y, m, T, theta, repr(npp_t * calendar.monthrange(y, m)[1] / (366 if calendar.isleap(y) else 365)))
                for y in range(2001, 2004) for m in range(1, 13)]
        write_forcing(f, [("site_id", "mill"), ("clay", "%g percent" % clay), ("millennial_integrator", integ),
                          ("spinup_years", "1 yr")], cols, units, rows)
        rc, err = site(f, f + ".out", "--model", "millennial", "--spinup", "equilibrium")
        check(rc == 0, "millennial %s runs (%s)" % (integ, err))
        if rc:
            return
        with open(f + ".out") as fh:
            check(any(("millennial_integrator " + integ) in l for l in fh), "millennial %s: noted in the output" % integ)
        outs[integ] = read_output(f + ".out")
    header, rows = outs["rk4"]
    npp_day = npp_t * 100.0 / 365.0  # g m-2 d-1 (2001: not a leap year)
    ref = millennial_steady_state([r * 100.0 for r in rows[0][3:8]], T, theta, npp_day, clay, 7.0, 1000.0)
    for integ in ("euler", "rk4"):
        h, r = outs[integ]
        got = [v * 100.0 for v in r[0][3:8]]  # t ha-1 -> g m-2, end of 2001-01-01
        worst = max(rel(g, s) for g, s in zip(got, ref))
        check(worst < 1e-7, "millennial %s: the equilibrium of a constant forcing = the steady state of the published "
                            "equations (worst relative difference %.2e, tolerance 1e-7)" % (integ, worst))


# ---------------------------------------------------------------------------------------------- MIMICS
def test_mimics(work):
    # the official Control case (tests/data/mimics): clay 40 %, LIG 16.6 %, N 1.37 %, 20 degC, 500 g m-2 yr-1
    with open(os.path.join(SRC, "tests", "data", "mimics", "ref", "MIMICS_Control_CLAY40_LIG16.6.csv")) as fh:
        ref = list(csv.reader(fh))
    co2_official = float(ref[1][8])  # mg C cm-3 h-1, the script's CO2 column (last hour of day 1)
    to_t_ha = 20 * 10 * 0.01         # mg C cm-3 over 20 cm -> g m-2 (x 200) -> t ha-1 (x 0.01)
    import datetime
    rows, d = [], datetime.date(2001, 1, 1)
    while d.year < 2004:
        warm = 2.0 if d.year == 2003 else 0.0
        rows.append((d.year, d.month, d.day, 20.0 + warm, repr(5.0 / 365.0)))
        d += datetime.timedelta(days=1)
    f = os.path.join(work, "mimics.csv")
    write_forcing(f, [("site_id", "mimics_control"), ("clay", "40 percent"), ("lignin_fraction", "16.6 percent"),
                      ("n_fraction", "1.37 percent"), ("depth", "20 cm"), ("spinup_years", "1 yr")],
                  ["year", "month", "day", "tsoil", "c_input"], ["yr", "1", "1", "degC", "t ha-1 d-1"], rows)
    rc, err = site(f, f + ".out", "--model", "mimics", "--spinup", "equilibrium")
    check(rc == 0, "mimics runs (%s)" % err)
    if rc:
        return
    header, data = read_output(f + ".out")
    check(header[-1] == "rh_rate" and units_row(f + ".out")["rh_rate"] == "t ha-1 h-1", "mimics: column rh_rate, t ha-1 h-1")
    r = data[0][header.index("rh_rate")]
    check(rel(r, co2_official * to_t_ha) < 1e-8, "mimics: rh_rate at the Control steady state = the official CO2 "
                                                 "(%.17g against %.17g t ha-1 h-1)" % (r, co2_official * to_t_ha))
    # after the warming (2003-01-01) the rate at the day's end is above the day's mean rate (respiration rises
    # through the first warm day as the microbes grow) and the rh column stays the day's amount
    i = next(k for k, row in enumerate(data) if row[0] == 2003)
    mean = data[i][header.index("rh")] / 24.0
    last = data[i][header.index("rh_rate")]
    check(abs(last - mean) > 1e-6 * mean, "mimics: after a warming, rh_rate (%.10g) is the end-of-day rate, not the "
                                          "day's mean (%.10g)" % (last, mean))
    # the rate of the last hour lies between the day's mean and the next day's
    nxt = data[i + 1][header.index("rh")] / 24.0
    check(min(mean, nxt) <= last <= max(mean, nxt), "mimics: the end-of-day rate lies between the two days' means")


# ---------------------------------------------------------------------------------------------- units
def test_units(work):
    # 1. the forcing: metadata and units row without `1`
    rows = [(2001, m, 10, 60, 40, 0.2, 1, 1.44) for m in range(1, 13)]
    cols = ["year", "month", "tas", "pr", "pet", "c_input", "cover", "dpm_rpm_ratio"]
    with_unit = os.path.join(work, "units_with.csv")
    write_forcing(with_unit, [("site_id", "u"), ("clay", "20 percent"), ("iom", "2 t ha-1"), ("ph", "6.5 1"),
                              ("lignin_fraction", "0.15 1")], cols,
                  ["yr", "1", "degC", "mm month-1", "mm month-1", "t ha-1 month-1", "1", "1"], rows)
    without = os.path.join(work, "units_without.csv")
    write_forcing(without, [("site_id", "u"), ("clay", "20 percent"), ("iom", "2 t ha-1"), ("ph", "6.5"),
                            ("lignin_fraction", "0.15")], cols,
                  ["yr", "", "degC", "mm month-1", "mm month-1", "t ha-1 month-1", "", ""], rows)
    outs = []
    for f in (with_unit, without):
        rc, err = site(f, f + ".out", "--model", "rothc", "--spinup", "equilibrium")
        check(rc == 0, "units: %s read (%s)" % (os.path.basename(f), err))
        outs.append(read_output(f + ".out")[1] if rc == 0 else None)
    check(outs[0] is not None and outs[0] == outs[1], "units: `1` left out gives the same run as `1` written")
    # elsewhere a missing unit is refused, naming the line and key
    bad = os.path.join(work, "units_bad.csv")
    write_forcing(bad, [("site_id", "u"), ("clay", "20")], cols,
                  ["yr", "1", "degC", "mm month-1", "mm month-1", "t ha-1 month-1", "1", "1"], rows)
    rc, err = site(bad, bad + ".out", "--model", "rothc")
    check(rc != 0 and (bad + ":3:") in err and "(clay): missing unit" in err, "units: clay without unit refused (%s)" % err)
    # 2. a package: the descriptor of a forcing may leave out `1` (no unit, or "") where the column accepts `1`
    pkg = os.path.join(work, "broadbalk")
    shutil.copytree(os.path.join(SRC, "data", "sites", "broadbalk"), pkg)
    path = os.path.join(pkg, "datapackage.json")
    with open(path) as fh:
        d = json.load(fh)
    for r in d["resources"]:
        if "x_alamodSiteForcing" in r:
            for fld in r["schema"]["fields"]:
                if fld["name"] == "cover":
                    del fld["unit"]
                if fld["name"] == "dpm_rpm_ratio":
                    fld["unit"] = ""
    with open(path, "w") as fh:
        json.dump(d, fh, indent=1)
    p = subprocess.run([ALAMOD, "sites", "validate", pkg], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(p.returncode == 0, "units: a forcing field of unit `1` may leave its unit out in the descriptor (%s)"
          % (p.stdout + p.stderr).strip().splitlines()[-1:])
    # but not a forcing column whose unit is not `1`
    for r in d["resources"]:
        if "x_alamodSiteForcing" in r:
            for fld in r["schema"]["fields"]:
                if fld["name"] == "tas":
                    fld["unit"] = ""
            break
    with open(path, "w") as fh:
        json.dump(d, fh, indent=1)
    p = subprocess.run([ALAMOD, "sites", "validate", pkg], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(p.returncode != 0 and ".unit" in p.stdout + p.stderr, "units: tas without unit refused in the descriptor")


TESTS = {"century": test_century, "yasso": test_yasso, "pools": test_pools, "millennial": test_millennial,
         "mimics": test_mimics, "units": test_units}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(TESTS), action="append")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="alamod_site_settings_") as work:
        for name in a.only or sorted(TESTS):
            TESTS[name](work)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
