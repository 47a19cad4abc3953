#!/usr/bin/python3
"""alamod evaluate and alamod calibrate on the shipped site datasets, for real, over MPI ranks.

  test_evaluate_calibrate.py --alamod PATH --source-dir DIR --work DIR
"""
import csv
import os
import shutil
import subprocess
import tomllib

from checks import check, finish, run_arguments


def main():
    a = run_arguments()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    sites = os.path.join(a.source_dir, "data/sites")

    def alamod(n, *args):
        return subprocess.run(["mpiexec", "-n", str(n), a.alamod, *args], env=env, capture_output=True, text=True,
                              timeout=600)

    # evaluate on 1 and 3 ranks: same metrics
    outs = {}
    for n in (1, 3):
        out = os.path.join(a.work, f"eval_np{n}")
        r = alamod(n, "evaluate", "--sites", sites, "--models", "rothc,icbm,yasso15", "--out", out)
        check(f"evaluate on {n} rank(s)", r.returncode == 0, r.stderr[-600:])
        outs[n] = out
    rows = list(csv.DictReader(open(os.path.join(outs[1], "metrics.csv"))))
    keys = {(r["model"], r["site"], r["treatment"]) for r in rows}
    metrics = {r["metric"] for r in rows}
    check("metrics for every model on Broadbalk, Hoosfield and Highfield",
          all((m, s, t) in keys for m in ("rothc", "icbm", "yasso15")
              for s, t in (("broadbalk", "nil"), ("hoosfield", "fym"), ("highfield_bare_fallow", "bare_fallow"))),
          sorted(keys)[:5])
    check("the multi-model mean is scored", any(k[0] == "multi-model mean" for k in keys))
    check("all six metrics", {"rmse", "relative_rmse", "bias", "efficiency", "r2", "willmott_d"} <= metrics, metrics)
    nil = {r["metric"]: float(r["value"]) for r in rows if r["model"] == "rothc" and r["site"] == "broadbalk"
           and r["treatment"] == "nil"}
    check("RothC on Broadbalk Nil within 4 t/ha RMSE", nil.get("rmse", 99) < 4.0, nil)
    same = open(os.path.join(outs[1], "metrics.csv")).read() == open(os.path.join(outs[3], "metrics.csv")).read()
    check("metrics.csv identical on 1 and 3 ranks", same)
    html = open(os.path.join(outs[1], "report.html")).read()
    check("report.html is self-contained with plots", "<svg" in html and "http://" not in html.replace(
        "http://www.w3.org", "") and "<script" not in html)

    # calibrate on 1 and 2 ranks: same fitted values
    fitted = {}
    for n in (1, 2):
        out = os.path.join(a.work, f"fit_np{n}.toml")
        r = alamod(n, "calibrate", "--model", "rothc", "--sites", sites, "--only-sites", "broadbalk,hoosfield",
                   "--parameters", "k_hum,k_rpm", "--out", out)
        check(f"calibrate on {n} rank(s)", r.returncode == 0, r.stderr[-600:])
        if r.returncode == 0:
            fitted[n] = tomllib.load(open(out, "rb"))
    if len(fitted) == 2:
        p1, p2 = fitted[1]["parameters"], fitted[2]["parameters"]
        check("fitted values identical on 1 and 2 ranks", p1 == p2, f"{p1} vs {p2}")
        check("k_hum within its declared bounds and near the literature value", 0.005 < p1["k_hum"] < 0.06, p1)
        check("standard errors and fit statistics written", "standard_errors" in fitted[1]["fit"] and
              fitted[1]["fit"]["observations"] > 50)
        # the upscaling path: the parameter file drives a site run and a grid run
        fit = os.path.join(a.work, "fit_np1.toml")
        r = alamod(1, "site", "--model", "rothc", "--forcing", os.path.join(sites, "broadbalk/forcing_nil.csv"),
                   "--parameters", fit, "--out", os.path.join(a.work, "site_fitted.csv"))
        check("alamod site accepts the fitted parameter file", r.returncode == 0, r.stderr[-400:])
        r = alamod(2, "run", os.path.join(a.source_dir, "configs/france_default.toml"), "--out",
                   os.path.join(a.work, "grid_fitted"), "--quiet", "--set", "run.end_year=1991", "--parameters", fit)
        check("alamod run accepts the fitted parameter file", r.returncode == 0, r.stderr[-400:])
        import netCDF4
        ds = netCDF4.Dataset(os.path.join(a.work, "grid_fitted/carbon_yearly.nc"))
        check("grid output records the fitted k_hum", f"k_hum = {p1['k_hum']:.17g}" in ds.alamod_model_parameters,
              ds.alamod_model_parameters[:200])

    # leave-one-site-out cross-validation: one row of out-of-sample metrics per left-out site
    out = os.path.join(a.work, "loo.toml")
    r = alamod(2, "calibrate", "--model", "rothc", "--sites", sites, "--only-sites", "broadbalk,hoosfield",
               "--parameters", "k_hum", "--cross-validate", "--out", out)
    check("calibrate --cross-validate", r.returncode == 0, r.stderr[-400:])
    if r.returncode == 0:
        loo = list(csv.DictReader(open(out + ".crossval.csv")))
        check("one cross-validation row per left-out site", sorted(x["left_out_site"] for x in loo) ==
              ["broadbalk", "hoosfield"], loo)
        check("out-of-sample RMSE is finite and positive", all(0 < float(x["rmse_t_ha"]) < 100 for x in loo), loo)

    # bad calibration input: clear one-line errors, non-zero exit
    r = alamod(2, "calibrate", "--model", "rothc", "--sites", sites, "--parameters", "k_hum,k_foo", "--out",
               os.path.join(a.work, "bad.toml"))
    check("unknown parameter refused, valid ones listed", r.returncode != 0 and "k_foo" in r.stderr and
          "k_rpm" in r.stderr, r.stderr[-400:])
    r = alamod(2, "calibrate", "--model", "rothc", "--sites", sites, "--only-sites", "fr_canche_brimeux",
               "--parameters", "k_hum", "--out", os.path.join(a.work, "bad2.toml"))
    check("site without observations refused", r.returncode != 0 and "observations" in r.stderr, r.stderr[-400:])
    check("nothing written on failure", not os.path.exists(os.path.join(a.work, "bad.toml")) and
          not os.path.exists(os.path.join(a.work, "bad2.toml")))
    finish()


main()
