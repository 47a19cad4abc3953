#!/usr/bin/python3
"""Twin experiment: does `alamod calibrate` find parameters it should find?

  test_calibration_twin.py --alamod PATH --source-dir DIR --work DIR

Synthetic SOC observations are made by RothC itself on two shipped Rothamsted forcings (Broadbalk Nil and
FYM since 1843) with known parameters (k_hum = 0.026 yr-1, k_rpm = 0.42 yr-1, not the defaults), every fifth
year, plus Gaussian noise of sd 1.0 t ha-1 (fixed seed; the first observation of each treatment is the
forcing's soc_initial, the stock the runs start from). `alamod calibrate` from the defaults (0.02, 0.3) must
find each value within 3 of its stated standard errors, with standard errors small enough to mean
something (below 20 % of the value), an RMSE near the noise, and a covariance matrix equal to SE SE^T x
correlation, the same on 1 and 2 ranks. The Bayesian calibration (--mcmc: 4 adaptive Metropolis chains) on 1
and 3 ranks gives the same samples, holds each true value within 3 posterior sd, with R-hat below 1.2, an
effective sample size above 20 and a posterior sd near the fit's standard error.
"""
import csv
import os
import random
import shutil
import subprocess
import tomllib

from checks import check, finish, run_arguments

TRUTH = {"k_hum": 0.026, "k_rpm": 0.42}
NOISE = 1.0  # t ha-1
TREATMENTS = ["nil", "fym1843"]


def main():
    a = run_arguments()
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")

    def alamod(*args, n=1):
        return subprocess.run(["mpiexec", "-n", str(n), a.alamod, *args], env=env, capture_output=True, text=True,
                              timeout=300)

    truth = os.path.join(a.work, "truth.toml")
    open(truth, "w").write('model = "rothc"\n\n[parameters]\n' + "".join(f"{k} = {v}\n" for k, v in TRUTH.items()))
    coll = os.path.join(a.work, "sites", "twin")
    os.makedirs(coll)
    rng = random.Random(20260512)
    obs = ["site_id,treatment_id,plot_id,observation_date,observation_year,layer_top,layer_bot,soc_stock,soc_stock_sd"]
    for t in TREATMENTS:
        src = os.path.join(a.source_dir, "data/sites/broadbalk", f"forcing_{t}.csv")
        lines = open(src).read().splitlines()
        lines = [ln.replace("# site_id: broadbalk", "# site_id: twin") for ln in lines]
        dst = os.path.join(coll, f"forcing_{t}.csv")
        open(dst, "w").write("\n".join(lines) + "\n")
        soc0 = float(next(ln for ln in lines if ln.startswith("# soc_initial:")).split()[2])
        out = os.path.join(a.work, f"truth_{t}.csv")
        r = alamod("site", "--model", "rothc", "--forcing", dst, "--parameters", truth, "--out", out)
        check(f"truth run on {t}", r.returncode == 0, r.stderr[-400:])
        if r.returncode != 0:
            finish()
        body = [ln for ln in open(out).read().splitlines() if not ln.startswith("#")]
        head = body[0].split(",")
        yearly = {}
        for ln in body[2:]:
            row = dict(zip(head, ln.split(",")))
            yearly[int(row["year"])] = float(row["soc"])  # the December row wins: the end of the year
        first = min(yearly)
        obs.append(f"twin,{t},1,{first},{first},0,23,{soc0:.6f},{NOISE}")
        for y in range(first + 5, max(yearly) + 1, 5):
            obs.append(f"twin,{t},1,{y},{y},0,23,{yearly[y] + rng.gauss(0.0, NOISE):.6f},{NOISE}")
    open(os.path.join(coll, "soc_observations.csv"), "w").write("\n".join(obs) + "\n")
    open(os.path.join(coll, "treatments.csv"), "w").write(
        "site_id,treatment_id\n" + "".join(f"twin,{t}\n" for t in TREATMENTS))

    fits = {}
    for n in (1, 2):
        out = os.path.join(a.work, f"fit_np{n}.toml")
        r = alamod("calibrate", "--model", "rothc", "--sites", os.path.join(a.work, "sites"), "--parameters",
                   "k_hum,k_rpm", "--out", out, n=n)
        check(f"calibrate on {n} rank(s)", r.returncode == 0, r.stderr[-600:])
        if r.returncode == 0:
            fits[n] = tomllib.load(open(out, "rb"))
            print(r.stdout.strip())
    if 1 not in fits:
        finish()
    f = fits[1]
    for name, true in TRUTH.items():
        v, se = f["parameters"][name], f["fit"]["standard_errors"][name]
        check(f"{name}: {v:.5g} +- {se:.2g} recovers {true} within 3 standard errors", abs(v - true) <= 3 * se,
              f"off by {abs(v - true) / se:.1f} SE")
        check(f"{name}: standard error below 20 % of the value", 0 < se < 0.2 * abs(v), se)
    check("RMSE near the noise (0.6-1.5 t ha-1)", 0.6 * NOISE < f["fit"]["rmse"] < 1.5 * NOISE, f["fit"]["rmse"])
    names = f["fit"]["parameters"]
    cov, cor, se = f["fit"]["covariance"], f["fit"]["correlation"], f["fit"]["standard_errors"]
    ok = all(abs(cov[p][j] - se[p] * se[q] * cor[p][j]) <= 1e-12 * max(1e-300, abs(cov[p][j])) + 1e-300
             for p in names for j, q in enumerate(names))
    check("[fit.covariance] = SE SE^T x correlation, symmetric",
          ok and all(abs(cov[p][j] - cov[q][i]) <= 1e-15 * abs(cov[p][j]) + 1e-300
                     for i, p in enumerate(names) for j, q in enumerate(names)), cov)
    if 2 in fits:
        check("the same fit on 2 ranks", fits[2]["parameters"] == f["parameters"],
              f"{fits[2]['parameters']} vs {f['parameters']}")

    # Bayesian calibration: 4 adaptive Metropolis chains over 1 and 3 ranks, the same samples
    post = {}
    for n in (1, 3):
        out = os.path.join(a.work, f"bayes_np{n}.toml")
        r = alamod("calibrate", "--model", "rothc", "--sites", os.path.join(a.work, "sites"), "--parameters",
                   "k_hum,k_rpm", "--mcmc", "300", "--chains", "4", "--seed", "7", "--out", out, n=n)
        check(f"calibrate --mcmc 300 --chains 4 on {n} rank(s)", r.returncode == 0, r.stderr[-600:])
        if r.returncode == 0:
            print(r.stdout.strip().splitlines()[-1])
            post[n] = (tomllib.load(open(out, "rb"))["fit"]["posterior"], open(out + ".posterior.csv").read())
    if len(post) == 2:
        check("posterior samples identical on 1 and 3 ranks", post[1][1] == post[3][1])
        p = post[1][0]
        samples = list(csv.DictReader(post[1][1].splitlines()))
        check("posterior.csv: 4 chains x 150 kept iterations", len(samples) == 600 and
              {x["chain"] for x in samples} == {"0", "1", "2", "3"}, len(samples))
        for j, name in enumerate(names):
            true = TRUTH[name]
            check(f"posterior {name}: mean {p['mean'][j]:.4g} sd {p['sd'][j]:.2g} holds {true} within 3 sd",
                  abs(p["mean"][j] - true) <= 3 * p["sd"][j], p)
            check(f"posterior {name}: R-hat {p['r_hat'][j]:.3f} below 1.2, ESS {p['ess'][j]:.0f} above 20",
                  p["r_hat"][j] < 1.2 and p["ess"][j] > 20, p)
            check(f"posterior {name}: sd agrees with the fit's standard error within a factor 2",
                  0.5 < p["sd"][j] / f["fit"]["standard_errors"][name] < 2.0, p["sd"][j])
    finish()


main()
