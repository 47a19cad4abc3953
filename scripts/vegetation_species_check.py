#!/usr/bin/python3
"""Runs every default 3-PG species set (alamod vegetation species) on one standard stand: planted 1971, 800 stems
ha-1, 150/40/6 t DM ha-1 of stem/root/foliage in 2001, the r3PG example's climate (47.57 N) 2001-2014, soil class
3 with 150 mm; prints carbon (t C ha-1 yr-1) means: GPP, NPP, wood and root production (stem and root increment
plus the dead trees' wood, as IGN counts it), mortality, the litter record, and the end state. An uncalibrated
sanity check, compared in docs/VEGETATION.md with IGN's national figures.
Usage (repository root, after scripts/build.sh): /usr/bin/python3 scripts/vegetation_species_check.py"""
import csv
import os
import subprocess
import tempfile

ALAMOD = "build/engine/alamod"
DATA = "tests/data/threepg"
SPECIES = ["beech", "sessile oak", "pedunculate oak", "Scots pine", "maritime pine", "Douglas fir", "Norway spruce",
           "silver fir", "holm oak"]
LITTER = ("c_litter_foliage", "c_litter_fine_root", "c_litter_coarse_root", "c_litter_branch", "c_litter_stem")

with tempfile.TemporaryDirectory() as tmp:
    site = os.path.join(tmp, "site.csv")
    open(site, "w").write("latitude,altitude,soil_class,asw_i,asw_min,asw_max,from,to\n"
                          "47.57,100,3,999,0,150,2001-01,2014-12\n")
    print("species | GPP | NPP | wood+root production | mortality | litter | cVeg 2014 (t C ha-1) | stems | DBH (cm)")
    for sp in SPECIES:
        species = os.path.join(tmp, "species.csv")
        out = os.path.join(tmp, "out.csv")
        open(species, "w").write("species,planted,fertility,stems_n,biom_stem,biom_root,biom_foliage\n"
                                 "%s,1971-01,0.5,800,150,40,6\n" % sp)
        subprocess.run([ALAMOD, "vegetation", "run", "--model", "3pg", "--site", site, "--species", species,
                        "--climate", DATA + "/input_d_climate.csv", "--out", out], check=True)
        o = list(csv.DictReader(open(out)))
        years = 14.0
        gpp = sum(float(x["gpp"]) for x in o) * 0.5 / years
        npp = sum(float(x["npp"]) for x in o) * 0.5 / years
        dead_wood = sum(float(x["c_litter_stem"]) + float(x["c_litter_branch"]) + float(x["c_litter_coarse_root"])
                        for x in o)
        growth = 0.5 * (float(o[-1]["biom_stem"]) - float(o[0]["biom_stem"]) + float(o[-1]["biom_root"]) -
                        float(o[0]["biom_root"]))
        litter = sum(float(x[c]) for x in o for c in LITTER) / years
        print("%s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.0f | %.1f" %
              (sp, gpp, npp, (growth + dead_wood) / years, dead_wood / years, litter, float(o[-1]["cveg"]),
               float(o[-1]["stems_n"]), float(o[-1]["dbh"])))
