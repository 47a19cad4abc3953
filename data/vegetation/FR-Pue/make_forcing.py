#!/usr/bin/python3
"""Monthly LUE forcing and observed GPP for the Puechabon flux site (FR-Pue, Quercus ilex) from the FLUXNET /
FluxDataKit daily file FLX_FR-Pue_FLUXDATAKIT_FULLSET_DD_2000_2014_2-3.csv.gz (path as the first argument).
Writes forcing_monthly.csv (year, month, tmin, tmean degC, vpd Pa, sw W m-2, pr mm, fapar) and
gpp_observed_monthly.csv (year, month, GPP_NT_VUT_REF g C m-2 month-1). This file's TMIN equals its daily
mean TA (biomass.md 5.1), so tmin here is the monthly mean of the daily means."""
import csv
import gzip
import sys
from collections import OrderedDict

rows = csv.DictReader(gzip.open(sys.argv[1], "rt"))
acc = OrderedDict()
for r in rows:
    ts = r["TIMESTAMP"]
    key = (int(ts[0:4]), int(ts[5:7]))  # YYYY-MM-DD
    a = acc.setdefault(key, {"n": 0, "ta": 0.0, "tmin": 0.0, "vpd": 0.0, "sw": 0.0, "p": 0.0, "fpar": 0.0,
                             "gpp": 0.0})
    a["n"] += 1
    a["ta"] += float(r["TA_F_MDS"])
    a["tmin"] += float(r["TMIN_F_MDS"])
    a["vpd"] += float(r["VPD_DAY_F_MDS"])
    a["sw"] += float(r["SW_IN_F_MDS"])
    a["p"] += float(r["P_F"])
    a["fpar"] += float(r["FPAR"])
    a["gpp"] += float(r["GPP_NT_VUT_REF"])
with open("forcing_monthly.csv", "w") as f, open("gpp_observed_monthly.csv", "w") as g:
    f.write("year,month,tmin,tmean,vpd,sw,pr,fapar\n")
    g.write("year,month,gpp\n")
    for (y, m), a in acc.items():
        n = a["n"]
        f.write("%d,%d,%.3f,%.3f,%.1f,%.2f,%.1f,%.4f\n" % (y, m, a["tmin"] / n, a["ta"] / n, 100 * a["vpd"] / n,
                                                          a["sw"] / n, a["p"], a["fpar"] / n))
        g.write("%d,%d,%.2f\n" % (y, m, a["gpp"]))
