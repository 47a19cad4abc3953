#!/usr/bin/python3
"""alamod evaluate weighted by the observations' uncertainty, and the spectral prediction-interval columns.

  test_evaluate_uncertainty.py --alamod PATH --source-dir DIR --work DIR

A copy of the shipped Highfield bare-fallow package is given uncertainties two ways: soc_stock_sd on every other
observation, and a spectral prediction interval (soc_lower, soc_upper, soc_interval_level, as `alamod spectra
predict --site-observations` writes them) on some of the rest. `alamod sites validate` accepts it; `alamod evaluate`
(1 and 2 ranks) keeps the unweighted metrics of the shipped package and adds weighted_rmse, weighted_bias and
chi2_per_obs equal to those recomputed here with numpy from simulated_series.csv; the report draws the intervals.
Then bad intervals: one-line errors naming file, line and column, from evaluate and from validate.
"""
import csv
import json
import math
import os
import shutil
import subprocess
from statistics import NormalDist

import numpy as np

from checks import check, finish, run_arguments

SITE = "highfield_bare_fallow"


def main():
    a = run_arguments()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")

    def alamod(n, *args):
        cmd = (["mpiexec", "-n", str(n)] if n else []) + [a.alamod, *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)

    def make_sites(name, edit, soc_unit="g kg-1"):
        """A sites folder holding a copy of the package whose observations `edit` changes (rows of dicts); with
        soc_unit "percent", soc and its interval are written in percent (the descriptor says so)."""
        root = os.path.join(a.work, name)
        pkg = os.path.join(root, SITE)
        shutil.copytree(os.path.join(a.source_dir, "data/sites", SITE), pkg)
        path = os.path.join(pkg, "soc_observations.csv")
        rows = list(csv.DictReader(open(path, newline="")))
        header = list(rows[0].keys()) + ["soc_lower", "soc_upper", "soc_interval_level"]
        for r in rows:
            r.update(soc_lower="", soc_upper="", soc_interval_level="")
        edit(rows)
        if soc_unit == "percent":
            for r in rows:
                for c in ("soc", "soc_lower", "soc_upper"):
                    if r[c]:
                        r[c] = "%.6f" % (float(r[c]) / 10)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, header, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        desc = json.load(open(os.path.join(pkg, "datapackage.json")))
        for res in desc["resources"]:
            if res["name"] == "soc_observations":
                for fld in res["schema"]["fields"]:
                    if fld["name"] == "soc" and soc_unit != "g kg-1":
                        fld["unit"] = soc_unit
                        fld["description"] = fld["description"].replace("Unit: g kg-1.", "Unit: %s." % soc_unit)
                        fld.get("constraints", {}).pop("maximum", None)
                res["schema"]["fields"] += [
                    {"name": "soc_lower", "type": "number", "unit": soc_unit,
                     "description": "Lower bound of the prediction interval of soc. Unit: %s." % soc_unit},
                    {"name": "soc_upper", "type": "number", "unit": soc_unit,
                     "description": "Upper bound of the prediction interval of soc. Unit: %s." % soc_unit},
                    {"name": "soc_interval_level", "type": "number", "unit": "1",
                     "description": "Coverage of the prediction interval. Unit: 1."}]
        json.dump(desc, open(os.path.join(pkg, "datapackage.json"), "w"), indent=2)
        return root, path

    # every other observation: soc_stock_sd = 4 % of the stock; one in four of the others: a 90 % interval of
    # soc +- 8 % (as from spectra), the stock's sd then follows from it (half-width / z(0.95) x stock / soc)
    def uncertain(rows):
        for i, r in enumerate(rows):
            if i % 2 == 0:
                r["soc_stock_sd"] = "%.3f" % (0.04 * float(r["soc_stock"]))
            elif i % 4 == 1:
                soc = float(r["soc"])
                r.update(soc_lower="%.4f" % (0.92 * soc), soc_upper="%.4f" % (1.08 * soc), soc_interval_level="0.9")

    plain_root, _ = make_sites("plain", lambda rows: None)
    unc_root, unc_csv = make_sites("uncertain", uncertain)

    r = alamod(0, "sites", "validate", os.path.join(unc_root, SITE))
    check("sites validate accepts the soc_stock_sd and interval columns", r.returncode == 0, r.stdout[-800:])

    outs = {}
    for name, root, n in (("plain", plain_root, 1), ("uncertain", unc_root, 1), ("uncertain_np2", unc_root, 2)):
        out = os.path.join(a.work, "eval_" + name)
        r = alamod(n, "evaluate", "--sites", root, "--models", "rothc", "--out", out)
        check(f"evaluate {name} on {n} rank(s)", r.returncode == 0, r.stderr[-600:])
        outs[name] = out
    if not all(os.path.exists(os.path.join(o, "metrics.csv")) for o in outs.values()):
        return finish()
    plain = list(csv.DictReader(open(os.path.join(outs["plain"], "metrics.csv"))))
    unc = list(csv.DictReader(open(os.path.join(outs["uncertain"], "metrics.csv"))))
    check("the plain copy has no weighted rows (series without sd keep their rows)",
          not any(x["metric"] in ("weighted_rmse", "weighted_bias", "chi2_per_obs") for x in plain))
    unweighted = [x for x in unc if x["metric"] not in ("weighted_rmse", "weighted_bias", "chi2_per_obs")]
    check("the unweighted rows are those of the plain copy", unweighted == plain,
          [(p, q) for p, q in zip(plain, unweighted) if p != q][:2])
    check("metrics.csv identical on 1 and 2 ranks", open(os.path.join(outs["uncertain"], "metrics.csv")).read() ==
          open(os.path.join(outs["uncertain_np2"], "metrics.csv")).read())

    # recompute: observations of year y pair with the simulated stock at the end of year y
    sim = {}
    lines = open(os.path.join(outs["uncertain"], "simulated_series.csv")).read().splitlines()
    for x in csv.DictReader([lines[0]] + lines[2:]):
        if x["model"] == "rothc":
            sim[int(x["year"])] = float(x["soc"])
    z = NormalDist().inv_cdf(0.95)
    o, s, sd = [], [], []
    n_given = n_interval = 0
    for x in csv.DictReader(open(unc_csv, newline="")):
        y = int(x["observation_year"])
        if y not in sim or not x["soc_stock"] or x["qc_flag"].startswith("reject"):
            continue
        if x["soc_stock_sd"]:
            e = float(x["soc_stock_sd"])
            n_given += 1
        elif x["soc_lower"]:
            e = (float(x["soc_upper"]) - float(x["soc_lower"])) / 2 / z * float(x["soc_stock"]) / float(x["soc"])
            n_interval += 1
        else:
            continue
        o.append(float(x["soc_stock"]))
        s.append(sim[y])
        sd.append(e)
    o, s, sd = np.array(o), np.array(s), np.array(sd)
    w = 1 / sd ** 2
    res = s - o
    expect = {"weighted_rmse": math.sqrt((w * res ** 2).sum() / w.sum()), "weighted_bias": (w * res).sum() / w.sum(),
              "chi2_per_obs": ((res / sd) ** 2).mean()}
    got = {x["metric"]: (float(x["value"]), int(x["n"])) for x in unc
           if x["model"] == "rothc" and x["site"] == SITE and x["metric"] in expect}
    n_all = int([x for x in plain if x["metric"] == "rmse" and x["site"] == SITE and x["model"] == "rothc"][0]["n"])
    print("weighted metrics: n %d of %d scored observations with sd (%d soc_stock_sd, %d from an interval); expected %s; "
          "metrics.csv %s" % (len(o), n_all, n_given, n_interval, expect, got))
    check("both kinds of uncertainty among the scored observations", n_given >= 10 and n_interval >= 5, (n_given, n_interval))
    for k, v in expect.items():
        g = got.get(k, (float("nan"), 0))
        check(f"{k} equals numpy's ({v:.6g}) to 1e-5, n = {len(o)}",
              abs(g[0] - v) <= 1e-5 * max(1.0, abs(v)) and g[1] == len(o), g)
    rmse = [float(x["value"]) for x in unc if x["model"] == "rothc" and x["site"] == SITE and x["metric"] == "rmse"][0]
    check("weighted and unweighted RMSE differ (the weights matter)", abs(got.get("weighted_rmse", (rmse,))[0] - rmse) > 1e-3,
          (rmse, got.get("weighted_rmse")))
    check("pooled weighted rows", any(x["site"] == "all" and x["metric"] == "chi2_per_obs" for x in unc))
    html = open(os.path.join(outs["uncertain"], "report.html")).read()
    check(f"the report has the weighted table and draws the {n_interval} intervals",
          'id="weighted"' in html and html.count('class="interval"') == n_interval, html.count('class="interval"'))
    check("the plain report has neither", 'id="weighted"' not in open(os.path.join(outs["plain"], "report.html")).read())

    # soc and its interval in percent: sites complete harmonises them together to g kg-1, and evaluate then gives the
    # same weighted figures
    pct_root, _ = make_sites("percent", uncertain, soc_unit="percent")
    done_root = os.path.join(a.work, "percent_completed")
    r = alamod(0, "sites", "complete", os.path.join(pct_root, SITE), "--out", os.path.join(done_root, SITE))
    check("sites complete on the package in percent", r.returncode == 0, (r.stdout + r.stderr)[-600:])
    done_csv = os.path.join(done_root, SITE, "soc_observations.csv")
    if os.path.exists(done_csv):
        first = [x for x in csv.DictReader(open(done_csv, newline="")) if x["soc_lower"]][0]
        check("soc, soc_lower and soc_upper back in g kg-1", float(first["soc_lower"]) <= float(first["soc"]) <=
              float(first["soc_upper"]) and float(first["soc"]) > 5, first)
        r = alamod(1, "evaluate", "--sites", done_root, "--models", "rothc", "--out", os.path.join(a.work, "eval_percent"))
        rows = list(csv.DictReader(open(os.path.join(a.work, "eval_percent", "metrics.csv")))) if r.returncode == 0 else []
        pct = {x["metric"]: float(x["value"]) for x in rows if x["model"] == "rothc" and x["site"] == SITE}
        check("the same weighted figures after completion from percent",
              all(abs(pct.get(k, 1e9) - got[k][0]) <= 1e-4 * max(1.0, abs(got[k][0])) for k in expect if k in got),
              (pct, got, r.stderr[-300:]))

    # bad intervals: evaluate and validate both name file, line and column
    def bad(name, edit, needle_eval, needle_validate):
        root, path = make_sites("bad_" + name, edit)
        rel = os.path.relpath(path)
        r = alamod(1, "evaluate", "--sites", root, "--models", "rothc", "--out", os.path.join(a.work, "out_" + name))
        err = [l for l in r.stderr.splitlines() if l.startswith("alamod: error:")]
        check(f"evaluate refuses {name} in one line naming the file, line and column",
              r.returncode != 0 and len(err) == 1 and path in err[0] and needle_eval in err[0], r.stderr[-400:])
        check(f"evaluate wrote nothing for {name}", not os.path.exists(os.path.join(a.work, "out_" + name, "metrics.csv")))
        v = alamod(0, "sites", "validate", os.path.join(root, SITE))
        hits = [l for l in v.stdout.splitlines() if needle_validate in l]
        check(f"sites validate reports {name} at file:line:column", v.returncode == 5 and len(hits) == 1 and
              hits[0].startswith(os.path.join(root, SITE, "soc_observations.csv:")), v.stdout[-400:])
        print(err[0] if err else r.stderr[-200:])
        print(hits[0] if hits else v.stdout[-200:])
        del rel

    def set_row(i, **kw):
        return lambda rows: rows[i].update(**kw)

    bad("level_above_one", set_row(3, soc_lower="20", soc_upper="40", soc_interval_level="1.5"),
        ":5:18 (soc_interval_level): found '1.5'", "soc_interval_level: 1.5")
    bad("soc_outside", set_row(3, soc_lower="31", soc_upper="40", soc_interval_level="0.9"),
        ":5:8 (soc): soc ", "outside its interval")
    bad("lower_above_upper", set_row(3, soc_lower="40", soc_upper="30", soc_interval_level="0.9"),
        ":5:17 (soc_upper)", "is below soc_lower")
    bad("level_missing", set_row(3, soc_lower="20", soc_upper="40"),
        ":5 (soc_interval_level): empty", "soc_interval_level: empty")
    finish()


if __name__ == "__main__":
    main()
