#!/usr/bin/python3
"""Starting states of site runs and an evaluation that tells the truth (docs/SITES.md), for real.

  test_site_starts.py --alamod PATH --source-dir DIR --work DIR

- `alamod site` starts at the first observed stock by default (Broadbalk FYM under RothC: 28.8 t ha-1, not
  the 124 of the equilibrium with the manured forcing); `history`, `pools` and `stable` (AMG: Kanari et al.
  2022) start where their metadata say; Millennial refuses a stable fraction;
- `alamod evaluate --models rothc,icbm,amg` runs AMG on the Rothamsted sites (pet from open-pan evaporation,
  the conversion in metrics.csv and the report), records the parameter file of each model, compares RothC
  with itself under a second parameter file, writes the pooled rows, the start errors and the simulated
  series; on 1 and 3 ranks the same metrics.csv;
- a run that cannot run is a `run_failed` row of metrics.csv with its reason, and evaluate exits 4.
"""
import csv
import os
import shutil
import subprocess

from checks import check, finish, run_arguments


def read_output(path):
    meta, rows = {}, []
    with open(path) as f:
        lines = f.read().splitlines()
    body = [ln for ln in lines if not ln.startswith("#")]
    for ln in lines:
        if ln.startswith("# ") and ": " in ln:
            k, v = ln[2:].split(": ", 1)
            meta.setdefault(k, v)
    header = body[0].split(",")
    for ln in body[2:]:
        rows.append(dict(zip(header, map(float, ln.split(",")))))
    return meta, rows


def with_metadata(src, dst, extra, drop=()):
    """A copy of a site forcing with metadata lines added after the first line (and some keys dropped)."""
    lines = open(src).read().splitlines()
    out = [lines[0]] + ["# %s: %s" % kv for kv in extra]
    out += [ln for ln in lines[1:] if not any(ln.startswith("# %s:" % k) for k in drop)]
    open(dst, "w").write("\n".join(out) + "\n")


def main():
    a = run_arguments()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    sites = os.path.join(a.source_dir, "data/sites")
    fym = os.path.join(sites, "broadbalk/forcing_fym1843.csv")

    def alamod(*args, n=None):  # n: under mpiexec with n ranks; None: a singleton process
        launcher = ["mpiexec", "-n", str(n)] if n else []
        return subprocess.run(launcher + [a.alamod, *args], env=env, capture_output=True, text=True, timeout=600)

    def site(model, forcing, name, *extra):
        out = os.path.join(a.work, name + ".csv")
        r = alamod("site", "--model", model, "--forcing", forcing, "--out", out, "--overwrite", *extra)
        return r, (read_output(out) if r.returncode == 0 else ({}, []))

    # (b) the default: the first observed stock
    r, (meta, rows) = site("rothc", fym, "fym_default")
    start = float(meta.get("soc_start", "nan").split()[0]) if r.returncode == 0 else float("nan")
    check("site default starts Broadbalk FYM (RothC) at the observed 28.8 t ha-1", abs(start - 28.8) < 1e-9,
          f"{r.stderr[-300:]} soc_start {start}")
    check("site default is `observed`", meta.get("spinup") == "observed", meta.get("spinup"))
    # (a) equilibrium as before
    r, (meta_eq, _) = site("rothc", fym, "fym_equilibrium", "--spinup", "equilibrium")
    eq = float(meta_eq.get("soc_start", "nan").split()[0]) if r.returncode == 0 else float("nan")
    check("--spinup equilibrium starts at the manured equilibrium (> 100 t ha-1)", eq > 100, f"{eq} {r.stderr[-300:]}")
    # (c) pre-experiment history: arable land (1.0 t C ha-1 yr-1, no manure) before the manure starts
    hist = os.path.join(a.work, "forcing_history.csv")
    with_metadata(fym, hist, [("history_c_input", "1.0 t ha-1 yr-1"), ("history_land_use", "cropland")])
    r, (meta_h, _) = site("rothc", hist, "fym_history", "--spinup", "history")
    h = float(meta_h.get("soc_start", "nan").split()[0]) if r.returncode == 0 else float("nan")
    check("--spinup history starts from the pre-experiment equilibrium (20-45 t ha-1, far below the manured one)",
          20 < h < 45 and "history" in meta_h.get("spinup_method", ""), f"{h} {r.stderr[-300:]}")
    r, _ = site("rothc", fym, "fym_history_missing", "--spinup", "history")
    check("--spinup history without history_c_input: one-line error naming the key",
          r.returncode == 1 and "history_c_input" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
          r.stderr[-300:])
    # (d) explicit pools
    pools = os.path.join(a.work, "forcing_pools.csv")
    given = {"DPM": 0.3, "RPM": 4.0, "BIO": 0.6, "HUM": 21.0, "IOM": 2.9}
    with_metadata(fym, pools, [("pool_" + k, "%g t ha-1" % v) for k, v in given.items()])
    r, (meta_p, rows_p) = site("rothc", pools, "fym_pools", "--spinup", "pools")
    p0 = float(meta_p.get("soc_start", "nan").split()[0]) if r.returncode == 0 else float("nan")
    check("--spinup pools starts at the sum of the pool_NAME values", abs(p0 - sum(given.values())) < 1e-9,
          f"{p0} {r.stderr[-300:]}")
    check("--spinup pools keeps the given IOM", rows_p and abs(rows_p[0]["IOM"] - 2.9) < 1e-12,
          rows_p[0] if rows_p else r.stderr[-300:])
    # (e) a measured stable fraction: AMG's published rule, RothC's documented one, Millennial refused
    stable = os.path.join(a.work, "forcing_stable.csv")
    with_metadata(fym, stable, [("stable_fraction", "0.45 1")])
    r, (meta_s, rows_s) = site("amg", stable, "amg_stable", "--spinup", "stable")
    check("AMG --spinup stable: stable pool = 0.45 x 28.8 (Kanari et al. 2022)",
          rows_s and abs(rows_s[0]["stable"] - 0.45 * 28.8) < 1e-9, rows_s[0] if rows_s else r.stderr[-300:])
    r, (meta_r, rows_r) = site("rothc", stable, "rothc_stable", "--spinup", "stable")
    r0 = float(meta_r.get("soc_start", "nan").split()[0]) if r.returncode == 0 else float("nan")
    check("RothC --spinup stable starts at soc_initial with HUM + IOM near 0.45 of it",
          abs(r0 - 28.8) < 1e-9 and rows_r and abs(rows_r[0]["HUM"] + rows_r[0]["IOM"] - 0.45 * 28.8) < 0.3,
          f"{r0} {rows_r[0] if rows_r else r.stderr[-300:]}")
    r, _ = site("millennial", stable, "millennial_stable", "--spinup", "stable")
    check("Millennial --spinup stable refused (no analogue), naming stable_fraction",
          r.returncode == 1 and "stable_fraction" in r.stderr, r.stderr[-300:])
    # AMG on a Rothamsted forcing: pet from open-pan evaporation, said in the output
    r, (meta_a, _) = site("amg", fym, "amg_fym")
    check("AMG runs on Broadbalk (pan evaporation only), the conversion noted",
          r.returncode == 0 and "pet = 0.75 evap" in open(os.path.join(a.work, "amg_fym.csv")).read(),
          r.stderr[-300:])

    # evaluate: rothc, icbm, amg and rothc under a second parameter file, on 1 and 3 ranks
    fit = os.path.join(a.work, "fit.toml")
    open(fit, "w").write('model = "rothc"\n\n[parameters]\nk_hum = 0.025\n')
    outs = {}
    for n in (1, 3):
        out = os.path.join(a.work, f"eval_np{n}")
        r = alamod("evaluate", "--sites", sites, "--only-sites", "broadbalk,hoosfield,highfield_bare_fallow",
                   "--models", f"rothc,icbm,amg,rothc@{fit}", "--out", out, n=n)
        check(f"evaluate rothc,icbm,amg,rothc@fit.toml on {n} rank(s): no failure, exit 0", r.returncode == 0,
              r.stderr[-600:])
        outs[n] = out
    rows = list(csv.DictReader(open(os.path.join(outs[1], "metrics.csv"))))
    check("metrics.csv identical on 1 and 3 ranks",
          open(os.path.join(outs[1], "metrics.csv")).read() == open(os.path.join(outs[3], "metrics.csv")).read())
    amg = [x for x in rows if x["model"] == "amg" and x["metric"] == "rmse" and x["site"] != "all"]
    check("AMG scored on every Rothamsted series", len(amg) >= 9, len(amg))
    check("AMG rows record the pet conversion", amg and all("pet = 0.75 evap" in x["note"] for x in amg),
          amg[:1])
    params = {x["model"]: x["parameters"] for x in rows}
    check("metrics.csv records each model's parameter file",
          params.get("rothc") == "defaults" and params.get(f"rothc@{fit}") == fit, params)
    k = {(x["model"], x["metric"]): float(x["value"]) for x in rows if x["site"] == "all"}
    check("pooled rows per model (site and treatment 'all')",
          all((m, "rmse") in k for m in ("rothc", "icbm", "amg", f"rothc@{fit}")), sorted(k)[:6])
    check("RothC under two parameter sets scores differently",
          k.get(("rothc", "rmse")) != k.get((f"rothc@{fit}", "rmse")), k)
    se = {(x["model"], x["site"], x["treatment"]): float(x["value"]) for x in rows if x["metric"] == "start_error"}
    check("start error 0 where the first observation opens the forcing (Broadbalk FYM, RothC)",
          abs(se.get(("rothc", "broadbalk", "fym1843"), 99)) < 1e-9, se.get(("rothc", "broadbalk", "fym1843")))
    series = list(csv.DictReader(open(os.path.join(outs[1], "simulated_series.csv"))))
    fym_series = [x for x in series if x["model"] == "rothc" and x["treatment"] == "fym1843"]
    check("simulated_series.csv: a yearly series per model, site and treatment",
          len(fym_series) == 2015 - 1843 + 1, len(fym_series))
    html = open(os.path.join(outs[1], "report.html")).read()
    check("report: the parameter file, the Taylor diagram and the pooled table",
          fit in html and 'class="taylor"' in html and "table class=\"metrics pooled\"" in html)

    # a run that cannot run: listed in metrics.csv with its reason, exit 4, the rest written
    broken = os.path.join(a.work, "broken_sites")
    shutil.copytree(os.path.join(sites, "hoosfield"), os.path.join(broken, "hoosfield"))
    os.remove(os.path.join(broken, "hoosfield", "datapackage.json"))
    f = os.path.join(broken, "hoosfield", "forcing_fym.csv")
    with_metadata(f + "", f + ".tmp", [], drop=("clay",))
    os.replace(f + ".tmp", f)
    out = os.path.join(a.work, "eval_broken")
    r = alamod("evaluate", "--sites", broken, "--models", "rothc,icbm", "--out", out, n=2)
    check("evaluate with a failing run exits 4", r.returncode == 4, f"exit {r.returncode}: {r.stderr[-400:]}")
    failed = [x for x in csv.DictReader(open(os.path.join(out, "metrics.csv"))) if x["metric"] == "run_failed"] \
        if os.path.exists(os.path.join(out, "metrics.csv")) else []
    check("the failed run is a run_failed row of metrics.csv naming the missing clay",
          any(x["model"] == "rothc" and x["treatment"] == "fym" and "clay" in x["note"] for x in failed), failed)
    finish()


main()
