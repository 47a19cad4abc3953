#!/usr/bin/env python3
"""`alamod vegetation` and `alamod models` for the vegetation models, end to end with the real binary: the
listing and `models show`, a 3-PG stand run, a satellite NDVI series at a site from the real MOD13A1 GeoTIFFs
(read inside their zip), that series as a CASA forcing, and bad input (exit 1, one line naming the file, line
and column; no output left behind).

Usage: test_vegetation_cli.py --alamod build/engine/alamod [--root REPO]"""
import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile

FAILED = []


def check(ok, what, detail=""):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        FAILED.append(what)
        if detail:
            print("     " + detail.strip().replace("\n", "\n     ")[:2000])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    a = ap.parse_args()

    def run(args):
        p = subprocess.run([a.alamod] + args, cwd=a.root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return p.returncode, p.stdout, p.stderr

    rc, out, err = run(["models"])
    check(rc == 0 and "    3pg " in out and "    lue " in out, "models lists the vegetation models (indented)", out)
    rc, out, err = run(["models", "show", "3pg"])
    check(rc == 0 and "alphaCx" in out and "Fagus_sylvatica_29 [beech]" in out and "SURROGATE" in out,
          "models show 3pg: parameters and species sets", out + err)
    rc, out, err = run(["models", "show", "lue"])
    check(rc == 0 and "lue_max" in out and "EBF" in out, "models show lue: parameters and MOD17 classes", out + err)

    d = os.path.join(a.root, "tests/data/threepg")
    with tempfile.TemporaryDirectory() as tmp:
        stand = os.path.join(tmp, "stand.csv")
        rc, out, err = run(["vegetation", "run", "--model", "3pg", "--site", d + "/input_d_site.csv",
                            "--species", d + "/input_d_species.csv", "--climate", d + "/input_d_climate.csv",
                            "--thinning", d + "/input_d_thinning.csv", "--parameters", d + "/input_d_parameters.csv",
                            "--out", stand])
        rows = list(csv.DictReader(open(stand))) if rc == 0 else []
        check(rc == 0 and len(rows) == 240 and abs(float(rows[-1]["stems_n"]) - 400.0) < 1e-9,
              "vegetation run 3pg: 240 rows, the pine thinned to 400 stems", err)

        # the litter as a soil forcing; RothC and Yasso15 run on it; vegetation and soil exchange all the carbon
        soil = os.path.join(tmp, "soil.csv")
        rc, out, err = run(["vegetation", "run", "--model", "3pg", "--site", d + "/input_d_site.csv",
                            "--species", d + "/input_d_species.csv", "--climate", d + "/input_d_climate.csv",
                            "--thinning", d + "/input_d_thinning.csv", "--parameters", d + "/input_d_parameters.csv",
                            "--out", stand, "--soil-forcing", soil, "--clay", "25", "--depth", "30",
                            "--soc-initial", "60"])
        litter = sum(float(r[c]) for r in csv.DictReader(open(stand)) for c in
                     ("c_litter_foliage", "c_litter_fine_root", "c_litter_coarse_root", "c_litter_branch",
                      "c_litter_stem")) if rc == 0 else -1
        soil_rows = [l.split(",") for l in open(soil) if l[0].isdigit()] if rc == 0 else []
        c_input = sum(float(r[5]) for r in soil_rows)
        check(rc == 0 and len(soil_rows) == 120 and abs(c_input - litter) <= 1e-9 * litter and litter > 5,
              "the soil forcing carries the whole litter record (%.6f vs %.6f t C ha-1)" % (c_input, litter), err)
        for model in ("rothc", "yasso15", "century"):
            site_out = os.path.join(tmp, "site_%s.csv" % model)
            rc, out, err = run(["site", "--model", model, "--forcing", soil, "--out", site_out])
            check(rc == 0 and os.path.exists(site_out), "alamod site --model %s on the vegetation's litter" % model,
                  out + err)

        ndvi = os.path.join(tmp, "ndvi.csv")
        zipped = os.path.join(a.root, "tests/data/satellite/MOD13A1_NDVI_2016_series.zip")
        files = ["/vsizip/%s/NDVI/MOD13A1_NDVI_2016_%03d.tif" % (zipped, doy) for doy in range(1, 354, 16)]
        rc, out, err = run(["vegetation", "satellite", "--quantity", "ndvi", "--scale", "0.0001", "--nodata", "32767",
                            "--lon", "9.4", "--lat", "45.9", "--year", "2016", "--out", ndvi] + files)
        series = list(csv.DictReader(open(ndvi))) if rc == 0 else []
        check(rc == 0 and len(series) == 12 and float(series[6]["ndvi"]) > float(series[0]["ndvi"]) + 0.2,
              "vegetation satellite: 12 monthly NDVI from the MOD13A1 series, July above January", err)

        # the same months on a 2 km UTM grid: a GeoTIFF with one band per month
        tif = os.path.join(tmp, "ndvi.tif")
        rc, out, err = run(["vegetation", "satellite", "--quantity", "ndvi", "--scale", "0.0001", "--nodata", "32767",
                            "--grid", "EPSG:32632 514000 5058000 546000 5110000 2000", "--year", "2016", "--out", tif]
                           + files)
        info = subprocess.run(["gdalinfo", "-stats", tif], stdout=subprocess.PIPE, text=True).stdout if rc == 0 else ""
        means = [float(x) for x in re.findall(r"STATISTICS_MEAN=([-0-9.e]+)", info)]
        check(rc == 0 and "Band 12" in info and "ndvi 2016-07" in info and "32632" in info and len(means) == 12
              and means[6] > means[0] + 0.1, "vegetation satellite --grid: 12 monthly bands on the grid", err + info[:500])

        # the series as the NDVI of a CASA forcing (a synthetic temperate climate around it)
        forcing = os.path.join(tmp, "forcing.csv")
        with open(forcing, "w") as f:
            f.write("year,month,tmin,tmean,vpd,sw,pr,ndvi\n")
            for i, r in enumerate(series):
                t = 3 + 8 * (1 - abs(i - 6) / 6.0) * 2
                f.write("2016,%d,%.1f,%.1f,800,%.0f,80,%s\n" % (i + 1, t - 5, t, 60 + 25 * (6 - abs(i - 6)), r["ndvi"]))
        casa = os.path.join(tmp, "casa.csv")
        rc, out, err = run(["vegetation", "run", "--model", "lue", "--method", "casa", "--forcing", forcing,
                            "--out", casa])
        npp = [float(r["npp"]) for r in csv.DictReader(open(casa))] if rc == 0 else []
        check(rc == 0 and len(npp) == 12 and max(npp) == max(npp[4:8]) and min(npp) >= 0,
              "CASA on the satellite NDVI: summer peak", err + str(npp))

        # grassland production from the same NDVI as a soil forcing: NPP less the offtake reaches the soil
        grass_soil = os.path.join(tmp, "grass_soil.csv")
        grass = os.path.join(tmp, "grass.csv")
        rc, out, err = run(["vegetation", "run", "--model", "lue", "--method", "casa", "--biome", "Grass",
                            "--forcing", forcing, "--out", grass, "--soil-forcing", grass_soil, "--offtake", "0.5",
                            "--clay", "20", "--depth", "30", "--soc-initial", "50"])
        npp_t = sum(float(r["npp"]) for r in csv.DictReader(open(grass))) * 0.01 if rc == 0 else -1
        soil_c = sum(float(l.split(",")[5]) for l in open(grass_soil) if l[0].isdigit()) if rc == 0 else -2
        check(rc == 0 and abs(soil_c - 0.8 * npp_t) <= 1e-6 * npp_t,
              "lue --soil-forcing: the soil gets NPP less the offtake (%.4f of %.4f t C ha-1)" % (soil_c, npp_t), err)
        rc, out, err = run(["site", "--model", "rothc", "--forcing", grass_soil, "--out", os.path.join(tmp, "g.csv")])
        check(rc == 0, "alamod site --model rothc under the grassland", out + err)

        # bad input: fAPAR outside 0-1, one line naming the file, line and column; no output
        bad = os.path.join(tmp, "bad.csv")
        with open(bad, "w") as f:
            f.write("year,month,tmin,tmean,vpd,sw,pr,fapar\n2016,1,0,3,500,80,60,0.4\n2016,2,0,3,500,80,60,66\n")
        out_bad = os.path.join(tmp, "bad_out.csv")
        rc, out, err = run(["vegetation", "run", "--model", "lue", "--forcing", bad, "--out", out_bad])
        check(rc == 1 and err.count("\n") == 1 and "bad.csv line 3, column 'fapar': fAPAR 66 is outside [0, 1]" in err
              and not os.path.exists(out_bad), "a fAPAR outside 0-1: exit 1, one line, no output", err)
        # an unknown option: exit 2 naming it, nothing run
        rc, out, err = run(["vegetation", "run", "--model", "lue", "--forcing", bad, "--out", out_bad, "--bogus"])
        check(rc == 2 and "--bogus" in err and not os.path.exists(out_bad), "an unknown option: exit 2", err)
        # a species without parameters
        sp = os.path.join(tmp, "species.csv")
        with open(sp, "w") as f:
            f.write("species,planted,fertility,stems_n,biom_stem,biom_root,biom_foliage\nCedrus atlantica,1958-01,0.5,"
                    "800,90,15,3\n")
        rc, out, err = run(["vegetation", "run", "--model", "3pg", "--site", d + "/input_d_site.csv", "--species", sp,
                            "--climate", d + "/input_d_climate.csv", "--out", out_bad])
        check(rc == 1 and err.count("\n") == 1 and "species.csv line 2, column 'species'" in err
              and "no species parameter set 'Cedrus atlantica'" in err and not os.path.exists(out_bad),
              "a species without parameters: exit 1, one line naming file, line, column", err)
        # an all-cloud period at the site: the summer composites missing, gap limit 20 d
        rc, out, err = run(["vegetation", "satellite", "--quantity", "ndvi", "--scale", "0.0001", "--nodata", "32767",
                            "--lon", "9.4", "--lat", "45.9", "--year", "2016", "--max-gap", "20", "--out", out_bad]
                           + files[:10] + files[14:])
        check(rc == 1 and err.count("\n") == 1 and "gap limit" in err and not os.path.exists(out_bad),
              "an all-cloud period: exit 1, one line", err)
    if FAILED:
        print("%d check(s) failed" % len(FAILED))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
