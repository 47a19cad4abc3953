#!/usr/bin/env python3
"""The Puechabon flux-site checks (docs/VEGETATION.md; biomass.md 5.2) of the LUE model: MOD17 (EBF) with its
soil-water bucket, driven by the site's monthly forcing and MODIS fPAR (data/vegetation/FR-Pue), against the
observed GPP (GPP_NT_VUT_REF) of 2001-2012: annual mean within 20 % of the observed, monthly-climatology
correlation >= 0.85, peak in May or June, Aug/Jun <= 0.6, Dec and Jan > 30 g C m-2; and the negative control
(--no-water-stress) must fail the Aug/Jun test.

Usage: check_puechabon.py --alamod build/engine/alamod [--root REPO]"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile


def monthly(path, column):
    return {(int(r["year"]), int(r["month"])): float(r[column]) for r in csv.DictReader(open(path))}


def pearson(a, b):
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    sab = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    saa = sum((x - ma) ** 2 for x in a)
    sbb = sum((y - mb) ** 2 for y in b)
    return sab / (saa * sbb) ** 0.5


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    a = ap.parse_args()
    site = os.path.join(a.root, "data/vegetation/FR-Pue")
    obs = monthly(os.path.join(site, "gpp_observed_monthly.csv"), "gpp")
    years = range(2001, 2013)
    clim_obs = [sum(obs[(y, m)] for y in years) / len(years) for m in range(1, 13)]
    annual_obs = sum(clim_obs)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for name, extra in (("stress", []), ("control", ["--no-water-stress"])):
            out = os.path.join(tmp, name + ".csv")
            subprocess.run([a.alamod, "vegetation", "run", "--model", "lue", "--biome", "EBF", "--bucket", "250",
                            "--forcing", os.path.join(site, "forcing_monthly.csv"), "--out", out] + extra, check=True)
            mod = monthly(out, "gpp")
            clim = [sum(mod[(y, m)] for y in years) / len(years) for m in range(1, 13)]
            results[name] = (sum(clim), pearson(clim, clim_obs), clim[7] / clim[5], clim.index(max(clim)) + 1, clim)
        annual, r, aug_jun, peak, clim = results["stress"]
        print("FR-Pue 2001-2012 (g C m-2): observed annual GPP %.0f; modelled %.0f (%+.1f %%); monthly r %.3f; "
              "peak month %d; Aug/Jun %.2f (observed %.2f); Dec %.0f, Jan %.0f"
              % (annual_obs, annual, 100 * (annual / annual_obs - 1), r, peak, aug_jun, clim_obs[7] / clim_obs[5],
                 clim[11], clim[0]))
        if abs(annual / annual_obs - 1) > 0.2:
            failures.append("annual GPP %.0f not within 20 %% of %.0f" % (annual, annual_obs))
        if r < 0.85:
            failures.append("monthly climatology r %.3f < 0.85" % r)
        if peak not in (5, 6):
            failures.append("peak in month %d, not May or June" % peak)
        if aug_jun > 0.6:
            failures.append("Aug/Jun %.2f > 0.6: no summer-drought trough" % aug_jun)
        if min(clim[0], clim[11]) <= 30:
            failures.append("winter GPP %.0f/%.0f <= 30" % (clim[0], clim[11]))
        c_annual, c_r, c_aug_jun, c_peak, _ = results["control"]
        print("negative control (no water stress): annual %.0f, r %.3f, Aug/Jun %.2f" % (c_annual, c_r, c_aug_jun))
        if c_aug_jun <= 0.6:
            failures.append("the negative control passes the Aug/Jun test (%.2f): the water scalar is not wired in"
                            % c_aug_jun)
    for f in failures:
        print("check_puechabon: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
