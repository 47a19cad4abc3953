#!/usr/bin/python3
"""Validate the site datasets in data/sites/ (Frictionless Data Package v2 + alamod site forcing format 1).

Checks, for every data/sites/<site>/datapackage.json:
  - the descriptor against data/sites/datapackage.schema.json (python3-jsonschema);
  - every CSV against its table schema: header = fields, types, required, units present, constraints
    (minimum, maximum, enum, pattern, unique), primary keys unique, foreign keys resolve;
  - forcing files: '# alamod-site-forcing: 1' first, 'key: value [unit]' metadata, header, units row,
    consecutive steps without gaps, no NaN, site_id/treatment_id consistent with the package;
  - domain sanity: SOC stock ~ soc x bd x depth where the source gives all three, CAMELS monthly
    precipitation sums match the catchment annual means, the RothC example forcing equals the RothC input;
  - the generator reruns byte-identically from the repository alone (--shared data/sites/sources).
Prints 'N passed, M failed' and exits non-zero on failure.
"""
import csv
import filecmp
import json
import math
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SITES = os.path.join(ROOT, "data", "sites")
TIME_COLS = ("year", "month", "day")
KNOWN_VARS = {"tas", "tsoil", "pr", "pet", "evap", "swc", "c_input", "fym", "cover", "dpm_rpm_ratio", "yield",
              "lignin_fraction", "n_fraction", "awen_a", "awen_w", "awen_e", "awen_n", "clay"}

passed = 0
failed = 0


def check(cond, msg):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", msg)
    return cond


def read_table(path, resource):
    """Return (header, rows) skipping dialect comment lines / rows."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    dialect = resource.get("dialect", {})
    header_row = dialect.get("headerRows", [1])[0]
    comment_rows = set(dialect.get("commentRows", []))
    cc = dialect.get("commentChar")
    body = []
    header = None
    for i, ln in enumerate(lines, start=1):
        if i < header_row:
            if cc:
                check(ln.startswith(cc), f"{path}: row {i} before the header is not a comment")
            continue
        if i == header_row:
            header = next(csv.reader([ln]))
            continue
        if i in comment_rows:
            continue
        body.append((i, next(csv.reader([ln])) if ln else []))
    return header, body


def cast(value, ftype):
    if ftype == "string":
        return value
    if ftype == "integer":
        if not re.fullmatch(r"-?[0-9]+", value):
            raise ValueError("not an integer")
        return int(value)
    if ftype == "number":
        v = float(value)
        if not math.isfinite(v):
            raise ValueError("not finite")
        return v
    if ftype == "year":
        if not re.fullmatch(r"-?[0-9]{1,4}", value):
            raise ValueError("not a year")
        return int(value)
    raise ValueError(f"unsupported type {ftype}")


def validate_table(site, res, path, tables):
    schema = res["schema"]
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    missing = schema.get("missingValues", [""])
    header, body = read_table(path, res)
    if not check(header == names, f"{path}: header {header} != schema fields {names}"):
        return
    for f in fields:
        if f["type"] in ("number", "integer"):
            check(bool(f.get("unit")) and ("Unit:" in f["description"]),
                  f"{path}: numeric field {f['name']} without unit")
    rows = []
    errors = 0
    for lineno, r in body:
        if len(r) != len(names):
            errors += 1
            check(False, f"{path}:{lineno}: {len(r)} cells, expected {len(names)}")
            continue
        row = {}
        for f, v in zip(fields, r):
            c = f.get("constraints", {})
            if v in missing:
                if c.get("required"):
                    errors += 1
                    check(False, f"{path}:{lineno}: required {f['name']} is empty")
                row[f["name"]] = None
                continue
            try:
                x = cast(v, f["type"])
            except ValueError as e:
                errors += 1
                check(False, f"{path}:{lineno}: {f['name']}={v!r}: {e}")
                continue
            if "minimum" in c and x < c["minimum"] or "maximum" in c and x > c["maximum"]:
                errors += 1
                check(False, f"{path}:{lineno}: {f['name']}={x} outside [{c.get('minimum')}, {c.get('maximum')}]")
            if "enum" in c and x not in c["enum"]:
                errors += 1
                check(False, f"{path}:{lineno}: {f['name']}={x!r} not in {c['enum']}")
            if "pattern" in c and not re.fullmatch(c["pattern"], str(v)):
                errors += 1
                check(False, f"{path}:{lineno}: {f['name']}={v!r} does not match {c['pattern']}")
            row[f["name"]] = x
        rows.append(row)
    check(errors == 0, f"{path}: {errors} cell errors")
    for f in fields:
        if f.get("constraints", {}).get("unique"):
            vals = [r[f["name"]] for r in rows]
            check(len(vals) == len(set(vals)), f"{path}: {f['name']} not unique")
    pk = schema.get("primaryKey")
    if pk:
        keys = [tuple(r.get(k) for k in pk) for r in rows]
        check(len(keys) == len(set(keys)), f"{path}: primary key {pk} not unique")
        check(all(None not in k for k in keys), f"{path}: primary key {pk} has empty values")
    tables[res["name"]] = rows
    return rows


def check_foreign_keys(site, dp, tables):
    for res in dp["resources"]:
        for fk in res["schema"].get("foreignKeys", []):
            ref = tables.get(fk["reference"]["resource"])
            if not check(ref is not None, f"{site}: {res['name']} FK to missing {fk['reference']['resource']}"):
                continue
            targets = {tuple(r[k] for k in fk["reference"]["fields"]) for r in ref}
            bad = [tuple(r[k] for k in fk["fields"]) for r in tables.get(res["name"], [])
                   if tuple(r[k] for k in fk["fields"]) not in targets]
            check(not bad, f"{site}: {res['name']} foreign key {fk['fields']} unresolved: {bad[:3]}")


def check_forcing(site, res, path, site_row):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    check(lines[0] == "# alamod-site-forcing: 1", f"{path}: first line is not '# alamod-site-forcing: 1'")
    meta = {}
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        m = re.fullmatch(r"# ([A-Za-z_][A-Za-z0-9_-]*): (.+)", lines[i])
        if check(m is not None, f"{path}: bad metadata line {lines[i]!r}"):
            meta[m.group(1)] = m.group(2)
        i += 1
    xf = res.get("x_alamodSiteForcing", {})
    check(xf.get("metadataLines") == i, f"{path}: descriptor says {xf.get('metadataLines')} metadata lines, file {i}")
    check(meta.get("site_id") == site, f"{path}: metadata site_id {meta.get('site_id')} != {site}")
    check(meta.get("treatment_id") == xf.get("treatment_id"), f"{path}: treatment_id mismatch")
    check(os.path.basename(path) == f"forcing_{xf.get('treatment_id')}.csv", f"{path}: name != treatment_id")
    for k in ("source", "land_use", "depth"):
        check(k in meta, f"{path}: metadata lacks {k}")
    for k, unit in (("latitude", "degrees_north"), ("longitude", "degrees_east"), ("clay", "percent"),
                    ("depth", "cm"), ("soc_initial", "t ha-1")):
        if k in meta:
            parts = meta[k].split(" ", 1)
            check(len(parts) == 2 and parts[1] == unit, f"{path}: metadata {k} unit should be {unit}: {meta[k]!r}")
            try:
                float(parts[0])
            except ValueError:
                check(False, f"{path}: metadata {k} value not a number")
    if site_row.get("latitude") is not None and "latitude" in meta:
        check(abs(float(meta["latitude"].split()[0]) - site_row["latitude"]) < 1e-4, f"{path}: latitude != site.csv")
    names = next(csv.reader([lines[i]]))
    units = next(csv.reader([lines[i + 1]]))
    check(len(names) == len(units), f"{path}: units row length")
    fields = {f["name"]: f for f in res["schema"]["fields"]}
    for n, u in zip(names, units):
        check(n in TIME_COLS or n in KNOWN_VARS or n.startswith("x_"), f"{path}: unknown column {n}")
        check(fields.get(n, {}).get("unit") == u, f"{path}: units row {n}={u!r} != schema unit "
                                                  f"{fields.get(n, {}).get('unit')!r}")
    check(names[0] == "year", f"{path}: first column must be year")
    step = "monthly" if names[:2] == ["year", "month"] and "day" not in names else (
        "daily" if "day" in names else "annual")
    check(step == xf.get("step"), f"{path}: step {step} != descriptor {xf.get('step')}")
    for u, n in zip(units, names):
        if n in ("pr", "pet", "evap"):
            check(u == {"monthly": "mm month-1", "annual": "mm yr-1", "daily": "mm d-1"}[step], f"{path}: {n} unit {u}")
        if n in ("c_input", "fym"):
            check(u == {"monthly": "t ha-1 month-1", "annual": "t ha-1 yr-1", "daily": "t ha-1 d-1"}[step],
                  f"{path}: {n} unit {u}")
    data = [next(csv.reader([ln])) for ln in lines[i + 2:] if ln]
    check(len(data) > 0, f"{path}: no data rows")
    nan = [r for r in data if any(c.strip().lower() in ("nan", "", "na", "inf", "-inf") for c in r)]
    check(not nan, f"{path}: {len(nan)} rows with NaN/empty values")
    prev = None
    gaps = 0
    for r in data:
        y = int(r[0])
        cur = (y, int(r[1])) if step == "monthly" else y
        if prev is not None:
            exp = ((prev[0] + (prev[1] == 12), prev[1] % 12 + 1) if step == "monthly" else prev + 1)
            if cur != exp:
                gaps += 1
        prev = cur
    check(gaps == 0, f"{path}: {gaps} non-consecutive steps")
    if step == "monthly":
        check(data[0][1] == "1" and data[-1][1] == "12", f"{path}: monthly file should hold whole years")
    return names, data


def domain_checks(site, tables, forcings):
    obs = tables.get("soc_observations", [])
    for o in obs:
        if o["soc"] is not None and o["bd_samp"] is not None and o["soc_stock_method"] in ("source_pct_x_soil_weight",
                                                                                             "pct_x_source_bulk_density"):
            calc = o["soc"] / 1000.0 * o["bd_samp"] * (o["layer_bot"] - o["layer_top"]) * 100.0
            check(abs(calc - o["soc_stock"]) <= 0.01 * o["soc_stock"] + 0.05,
                  f"{site}: stock {o['soc_stock']} != soc x bd x depth {calc:.2f} ({o['observation_date']})")
        if o["soc_stock_method"] == "source_pct_x_standard_soil_weight" and o["soc"] is not None:
            calc = o["soc"] / 1000.0 * 2880.0
            check(abs(calc - o["soc_stock"]) < 0.05, f"{site}: Broadbalk standard-weight stock mismatch {o}")
        check(o["layer_bot"] > o["layer_top"], f"{site}: layer_bot <= layer_top")
    if site.startswith("fr_"):
        check(len(obs) == 0, f"{site}: CAMELS climate sites must not have SOC observations")
        names, data = forcings["generic_wheat"]
        pi = names.index("pr")
        annual = sum(float(r[pi]) for r in data) / (len(data) / 12.0)
        meta = os.path.join(SITES, "sources", "camels_fr_airgrdatasets", "catchments_metadata.csv")
        if os.path.exists(meta):
            lat = tables["site"][0]["latitude"]
            with open(meta, encoding="utf-8") as f:
                m = [r for r in csv.DictReader(f) if abs(float(r["outlet_lat"]) - lat) < 1e-4]
            if check(len(m) == 1, f"{site}: catchment not found in metadata"):
                check(abs(annual - float(m[0]["P_mm_yr"])) < 0.01 * float(m[0]["P_mm_yr"]),
                      f"{site}: mean annual P {annual:.1f} != catchment {m[0]['P_mm_yr']}")
    if site == "rothc_example":
        dat = os.path.join(SITES, "sources", "rothc_reference", "RothC_input.dat")
        if os.path.exists(dat):
            with open(dat, encoding="latin-1") as f:
                src = [ln.split() for ln in f.read().splitlines()[10:] if len(ln.split()) >= 10]
            names, data = forcings["example"]
            _, spin = forcings["spinup"]
            rows = spin + data
            check(len(rows) == len(src), f"{site}: {len(rows)} forcing rows != {len(src)} RothC input rows")
            idx = {n: names.index(n) for n in ("tas", "pr", "evap", "c_input", "fym", "cover", "dpm_rpm_ratio")}
            bad = 0
            for a, b in zip(rows, src):
                for n, j in zip(("tas", "pr", "evap", "c_input", "fym", "cover", "dpm_rpm_ratio"), (3, 4, 5, 6, 7, 8, 9)):
                    if abs(float(a[idx[n]]) - float(b[j])) > 1e-4:
                        bad += 1
            check(bad == 0, f"{site}: {bad} values differ from RothC_input.dat")
    if site == "highfield_bare_fallow":
        names, data = forcings["bare_fallow"]
        ci = names.index("c_input")
        check(all(float(r[ci]) == 0.0 for r in data), f"{site}: bare fallow must have zero c_input")
    for tr in tables.get("treatments", []):
        check(len(tr["c_input_method"]) > 30, f"{site}: c_input_method too short for {tr['treatment_id']}")


def check_regeneration():
    """Regenerate from the repository copy of the sources into a temp dir and compare byte for byte."""
    gen = os.path.join(ROOT, "scripts", "make_site_datasets.py")
    src = os.path.join(SITES, "sources")
    if not (os.path.exists(gen) and os.path.isdir(src)):
        check(False, "generator or data/sites/sources missing")
        return
    with tempfile.TemporaryDirectory() as tmp:
        p = subprocess.run([sys.executable, gen, "--shared", src, "--out", tmp, "--no-copy"],
                           capture_output=True, text=True)
        if not check(p.returncode == 0, f"generator failed: {p.stderr[-2000:]}"):
            return
        diffs = []
        for site in sorted(os.listdir(tmp)):
            for fn in sorted(os.listdir(os.path.join(tmp, site))):
                a, b = os.path.join(tmp, site, fn), os.path.join(SITES, site, fn)
                if not os.path.exists(b) or not filecmp.cmp(a, b, shallow=False):
                    diffs.append(f"{site}/{fn}")
        check(not diffs, f"regenerated files differ from data/sites: {diffs[:10]}")


def main():
    with open(os.path.join(SITES, "datapackage.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    sites = sorted(d for d in os.listdir(SITES) if os.path.isfile(os.path.join(SITES, d, "datapackage.json")))
    check(len(sites) >= 5, f"expected at least 5 sites, found {sites}")
    for site in ("broadbalk", "hoosfield", "highfield_bare_fallow", "rothc_example", "amg_trial1",
                 "highfield_ley_arable", "fosters_ley_arable", "woburn_ley_arable"):
        check(site in sites, f"site {site} missing")
    n_obs = 0
    for site in sites:
        d = os.path.join(SITES, site)
        with open(os.path.join(d, "datapackage.json"), encoding="utf-8") as f:
            dp = json.load(f)
        errs = sorted(validator.iter_errors(dp), key=lambda e: list(e.path))
        for e in errs[:5]:
            print(f"  {site}: {'/'.join(map(str, e.path))}: {e.message[:200]}")
        check(not errs, f"{site}: datapackage.json does not match datapackage.schema.json ({len(errs)} errors)")
        listed = {r["path"] for r in dp["resources"]}
        on_disk = {fn for fn in os.listdir(d) if fn.endswith(".csv")}
        check(listed == on_disk, f"{site}: resources {sorted(listed ^ on_disk)} listed/on disk mismatch")
        names = [r["name"] for r in dp["resources"]]
        check(len(names) == len(set(names)), f"{site}: duplicate resource names")
        tables, forcings = {}, {}
        for res in dp["resources"]:
            path = os.path.join(d, res["path"])
            if not check(os.path.exists(path), f"{site}: missing {res['path']}"):
                continue
            validate_table(site, res, path, tables)
        check(len(tables.get("site", [])) == 1 and tables["site"][0]["site_id"] == site,
              f"{site}: site.csv must hold one row with site_id {site}")
        tids = {t["treatment_id"] for t in tables.get("treatments", [])}
        for res in dp["resources"]:
            if res["name"].startswith("forcing_"):
                xf = res.get("x_alamodSiteForcing", {})
                forcings[xf.get("treatment_id")] = check_forcing(site, res, os.path.join(d, res["path"]),
                                                                 tables["site"][0])
                check(xf.get("treatment_id") in tids, f"{site}: forcing for unknown treatment {xf.get('treatment_id')}")
        check(tids <= set(forcings), f"{site}: treatments without forcing: {sorted(tids - set(forcings))}")
        check_foreign_keys(site, dp, tables)
        domain_checks(site, tables, forcings)
        n_obs += len(tables.get("soc_observations", []))
    check(n_obs >= 100, f"only {n_obs} SOC observations")
    size = sum(os.path.getsize(os.path.join(r, fn)) for r, _, fs in os.walk(SITES) for fn in fs)
    check(size < 5 * 1024 * 1024, f"data/sites is {size / 1e6:.1f} MB (> 5 MB)")
    check_regeneration()
    print(f"{len(sites)} sites, {n_obs} SOC observations, {size / 1e6:.2f} MB")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
