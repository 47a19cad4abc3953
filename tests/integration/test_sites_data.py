#!/usr/bin/python3
"""End-to-end checks of `alamod sites validate` and `alamod sites complete` with the real binary.

Usage: /usr/bin/python3 tests/integration/test_sites_data.py   (ALAMOD_BIN and ALAMOD_SOURCE_DIR from ctest)

1. Every shipped site package under data/sites validates (exit 0, no problem line).
2. Each bad package of tests/data/sites_data/ (SOURCE.md there lists the defects) is refused with
   exit status 5, each expected problem printed as one line `FILE:LINE:COLUMN: message` (every problem,
   not only the first), and `alamod sites complete` on it writes nothing (no --out, no temporary).
3. A folder that does not exist is unreadable input: exit status 1.
4. `alamod sites complete` on tests/data/sites_data/good writes a package that validates, with the
   concentrations converted from percent to g kg-1 and the bulk densities from kg m-3 to g cm-3, the missing bulk density from the Hollis et al. (2012)
   pedotransfer function (bd_method, bd_samp_sd), the stock computed from it (soc_stock_method,
   soc_stock_sd), and the equivalent-soil-mass stocks of the two-layer profiles (worked out below).
   A second run without --overwrite is refused (exit 1) and leaves the first output whole.
5. `alamod calibrate --weights sd` on the completed Highfield ley-arable package: the stocks from estimated
   bulk densities weigh by their uncertainty (a different fit from the unweighted one); without
   --default-sd, observations without an sd are refused.
Prints one line per check and exits non-zero on any failure.
"""
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.path.realpath(os.environ.get("ALAMOD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")))
BIN = os.environ.get("ALAMOD_BIN", os.path.join(SRC, "build", "engine", "alamod"))
DATA = os.path.join(SRC, "tests", "data", "sites_data")
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(*args):
    p = subprocess.run([BIN, "sites", *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


PROBLEM = re.compile(r"^(\S+?):(\d+)(?::(\d+))?: (.+)$")


# 1. the shipped packages
shipped = sorted(os.path.join(SRC, "data", "sites", d) for d in os.listdir(os.path.join(SRC, "data", "sites"))
                 if os.path.isfile(os.path.join(SRC, "data", "sites", d, "datapackage.json")))
rc, out, err = run("validate", *shipped)
check(rc == 0 and f"{len(shipped)} packages checked: {len(shipped)} valid, 0 invalid, 0 unreadable; 0 problems" in out,
      f"the {len(shipped)} shipped site packages validate (exit {rc}): {out.strip().splitlines()[-1] if out else err}")

# 2. bad packages: (folder, [(file, line, column, words in the message)])
BAD = {
    "bad_json": [("datapackage.json", 6, 22, "invalid JSON")],
    "wrong_type": [("soc_observations.csv", 3, 6, "layer_top: found 'ten', expected a number")],
    "missing_column": [("datapackage.json", None, None, "field 'qc_flag' has no column"),
                       ("soc_observations.csv", 1, None, "no column 'qc_flag'")],
    "ragged_row": [("soc_observations.csv", 4, 13, "13 fields, expected 12")],
    "bad_units": [("datapackage.json", None, None, "'g C kg-1' for column soc, expected a mass fraction"),
                  ("datapackage.json", None, None, "'furlongs per fortnight squared' is not a unit UDUNITS-2 knows")],
    "foreign_key": [("soc_observations.csv", 5, 1, "foreign key (site_id, treatment_id): site_id 'mini', treatment_id 'zt'")],
    "bad_content": [("treatments.csv", 3, 5, "end_year 2000 is before start_year 2010"),
                    ("soc_observations.csv", 3, 6, "overlaps layer 0-10 cm of line 2"),
                    ("soc_observations.csv", 4, 10, "soc x bd_samp x thickness x (1 - coarse_frac) = 21.60"),
                    ("soc_observations.csv", 5, 12, "qc_flag: 'good' is not one of the allowed values"),
                    ("soc_observations.csv", 6, 4, "observation_date: '2020-02-30'"),
                    ("soc_observations.csv", 6, 7, "expected the bottom below the top")],
    "no_licence": [("datapackage.json", 1, 1, "no 'licenses'"),
                   ("site.csv", 2, 9, "licence: empty")],
}
for name, expected in BAD.items():
    d = os.path.join(DATA, name)
    rc, out, err = run("validate", d)
    lines = [l for l in out.splitlines() if PROBLEM.match(l) and "checked:" not in l and not l.startswith(d + ": ")]
    check(rc == 5, f"{name}: exit status 5 (got {rc})")
    for f, line, col, words in expected:
        prefix = os.path.join(d, f) + (f":{line}" if line else ":") + (f":{col}:" if col else "")
        hit = [l for l in lines if l.startswith(prefix) and words in l]
        check(len(hit) == 1, f"{name}: one line '{os.path.relpath(prefix, DATA)}...{words}'" + ("" if len(hit) == 1 else f" in {lines}"))
    check(all(PROBLEM.match(l) for l in lines) and len(lines) == len(expected),
          f"{name}: every problem is one line FILE:LINE[:COLUMN]: message, and no other ({len(lines)} lines: {lines})")
    tmp = tempfile.mkdtemp(prefix="alamod_sites_")
    try:
        rc, out, err = run("complete", d, "--out", os.path.join(tmp, "completed"))
        check(rc == 5 and os.listdir(tmp) == [], f"{name}: complete refuses it (exit {rc}) and writes nothing ({os.listdir(tmp)})")
    finally:
        shutil.rmtree(tmp)

# 3. unreadable input
rc, out, err = run("validate", os.path.join(DATA, "no_such_package"))
check(rc == 1 and "not a folder" in out, f"a missing folder is unreadable input: exit 1 (got {rc})")

# 4. complete the good package
tmp = tempfile.mkdtemp(prefix="alamod_sites_")
try:
    out_dir = os.path.join(tmp, "mini_completed")
    rc, out, err = run("complete", os.path.join(DATA, "good"), "--out", out_dir)
    check(rc == 0 and "1 bulk densities estimated" in out and "5 equivalent-soil-mass" not in out,
          f"complete writes the package (exit {rc}): {out.strip()} {err.strip()}")
    rc2, out2, _ = run("validate", out_dir)
    check(rc2 == 0, f"the completed package validates (exit {rc2}) {out2.strip()}")
    rows = list(csv.DictReader(open(os.path.join(out_dir, "soc_observations.csv"))))
    desc = json.load(open(os.path.join(out_dir, "datapackage.json")))
    fields = {f["name"]: f for f in desc["resources"][2]["schema"]["fields"]}
    check(fields["soc"]["unit"] == "g kg-1" and float(rows[0]["soc"]) == 15.0,
          "soc harmonised from percent to g kg-1 (1.5 % -> 15)")
    check(fields["bd_samp"]["unit"] == "g cm-3" and float(rows[1]["bd_samp"]) == 1.45
          and abs(fields["bd_samp"]["constraints"]["minimum"] - 0.3) < 1e-12,
          "bd_samp harmonised from kg m-3 to g cm-3 (1450 -> 1.45), its bounds too")
    check("x_alamodCompletion" in desc and any("percent" in s for s in desc["x_alamodCompletion"]["steps"]),
          "the descriptor records the completion steps")
    # the layer without a bulk density: Hollis et al. (2012), OC 1.2 %, sand 100 - 20 - 50 = 30 %, clay 20 %
    bd = 0.80806 + 0.823844 * math.exp(-0.27993 * 1.2) + 0.0014065 * 30 - 0.0010299 * 20
    r = rows[4]
    check(r["bd_method"] == "ptf_hollis2012_cultivated_topsoil" and abs(float(r["bd_samp"]) - bd) < 1e-5
          and float(r["bd_samp_sd"]) == 0.22, f"bulk density estimated {r['bd_samp']} (expected {bd:.6f}), sd 0.22")
    stock = 0.1 * 12 * bd * 20
    check(r["soc_stock_method"] == "soc_x_ptf_bd_x_depth" and abs(float(r["soc_stock"]) - stock) < 1e-3
          and abs(float(r["soc_stock_sd"]) - stock * 0.22 / bd) < 1e-3,
          f"stock from it {r['soc_stock']} t ha-1 (expected {stock:.4f}), sd {r['soc_stock_sd']}")
    check(all(x["bd_method"] == "source" for x in rows[:4]), "given bulk densities are marked source")
    # ESM: reference masses = the smaller cumulative masses of the two profiles: 0-10 cm min(1300, 1200) =
    # 1200 t ha-1, 0-30 cm min(1300 + 2900, 1200 + 3000) = 4200 t ha-1. The no-tillage profile is its own
    # reference: its ESM stocks are its stocks (21.6, 30). Conventional tillage, knots (0, 0), (1300, 19.5),
    # (4200, 48.5): natural spline, 2 (1300 + 2900) m1 = 6 (29/2900 - 19.5/1300) -> m1 = -0.03/8400;
    # C(1200) = 19.5 b + (b^3 - b) m1 1300^2 / 6 with b = 12/13; layer 2 = 48.5 - C(1200).
    b = 1200 / 1300
    c1 = 19.5 * b + (b ** 3 - b) * (-0.03 / 8400) * 1300 ** 2 / 6
    esm = [float(x["soc_stock_esm"]) if x["soc_stock_esm"] else None for x in rows]
    check(abs(esm[2] - 21.6) < 1e-4 and abs(esm[3] - 30) < 1e-4, f"no tillage at its own mass: {esm[2:4]}")
    check(abs(esm[0] - c1) < 1e-3 and abs(esm[1] - (48.5 - c1)) < 1e-3,
          f"conventional tillage at 1200 and 4200 t ha-1: {esm[0:2]} (expected {c1:.4f}, {48.5 - c1:.4f})")
    check(rows[0]["esm_soil_mass_ref"] == "1200" and rows[1]["esm_soil_mass_ref"] == "4200"
          and rows[0]["esm_method"] == "esm_cubic_spline_wendt_hauser_2013" and esm[4] is None,
          "reference masses and method recorded; the layer with an estimated bulk density has no ESM stock")
    before = open(os.path.join(out_dir, "soc_observations.csv")).read()
    rc, out, err = run("complete", os.path.join(DATA, "good"), "--out", out_dir)
    check(rc == 1 and "exists" in err and open(os.path.join(out_dir, "soc_observations.csv")).read() == before
          and sorted(os.listdir(tmp)) == ["mini_completed"], f"an existing --out is refused (exit {rc}), left whole")
    rc, out, err = run("complete", out_dir, "--out", os.path.join(out_dir, "inside"))
    check(rc == 1 and "inside the package" in err and not os.path.exists(os.path.join(out_dir, "inside"))
          and sorted(os.listdir(out_dir)) == sorted(os.listdir(os.path.join(DATA, "good"))),
          f"--out inside the package is refused (exit {rc}), nothing written")
    rc, out, err = run("complete", out_dir, "--out", out_dir, "--overwrite")
    check(rc == 1 and "inside the package" in err, f"--out the package itself is refused (exit {rc})")
    rc, out, err = run("complete", out_dir, "--out", os.path.join(tmp, "again"))
    again = list(csv.DictReader(open(os.path.join(tmp, "again", "soc_observations.csv"))))
    check(rc == 0 and again == rows, "completing a completed package changes nothing")
finally:
    shutil.rmtree(tmp)

# 5. the uncertainty of estimated stocks as calibration weights: Highfield ley-arable completed (194 stocks
# from estimated bulk densities carry a soc_stock_sd), RothC's k_hum fitted with and without weights
tmp = tempfile.mkdtemp(prefix="alamod_sites_")
try:
    sites = os.path.join(tmp, "sites")
    os.makedirs(sites)
    rc, out, err = run("complete", os.path.join(SRC, "data", "sites", "highfield_ley_arable"), "--out",
                       os.path.join(sites, "highfield_ley_arable"))
    check(rc == 0 and "194 bulk densities estimated" in out and "194 stocks computed" in out,
          f"Highfield ley-arable completed: {out.strip()}")
    import jsonschema  # python3-jsonschema: the completed descriptor still fits the project's descriptor schema
    schema = json.load(open(os.path.join(SRC, "data", "sites", "datapackage.schema.json")))
    errs = list(jsonschema.Draft202012Validator(schema).iter_errors(
        json.load(open(os.path.join(sites, "highfield_ley_arable", "datapackage.json")))))
    check(not errs, f"the completed descriptor fits data/sites/datapackage.schema.json ({[e.message for e in errs[:3]]})")

    def calibrate(*extra):
        p = subprocess.run([BIN, "calibrate", "--model", "rothc", "--sites", sites, "--parameters", "k_hum",
                            "--out", os.path.join(tmp, "fit.toml"), *extra], capture_output=True, text=True, timeout=120)
        m = re.search(r"k_hum = ([0-9.e+-]+)", p.stdout)
        return p.returncode, float(m.group(1)) if m else None, p.stdout + p.stderr

    rc_u, k_u, out_u = calibrate()
    rc_w, k_w, out_w = calibrate("--weights", "sd", "--default-sd", "2")
    check(rc_u == 0 and rc_w == 0 and "283 observations" in out_u and k_u and k_w and abs(k_w - k_u) > 1e-4 * k_u,
          f"weighted fit differs from the unweighted one: k_hum {k_w} vs {k_u} yr-1")
    rc, _, msg = calibrate("--weights", "sd")
    check(rc == 1 and "89 of 283 observations have no soc_stock_sd" in msg,
          f"--weights sd without --default-sd is refused when some observations have no sd (exit {rc})")
finally:
    shutil.rmtree(tmp)

print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
