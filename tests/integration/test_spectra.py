#!/usr/bin/env python3
"""End-to-end checks of `alamod spectra fit` and `alamod spectra predict` with the shipped spectra
(data/spectra/README.md). One case per ctest test (tests/spectra.cmake):

  nirsoil_reference  fit + predict reproduce the NIRsoil reference: SG first derivative (order 2, window 11) then
                     SNV, PLS1 of Ciso with 10 components on the 548 train rows with Ciso, predicting the 184 test
                     rows: RMSEP 0.7949542096 and first prediction 3.67440607522238 to a relative 1e-8 (NIPALS and
                     SIMPLS); the 90 % interval's coverage on the test rows within binomial bounds
  rank_invariance    the cross-validated fit (random folds, components chosen; split-conformal on a random
                     fraction) on 1, 2 and 3 MPI ranks: the same model file and predictions, byte for byte
  bad_input          ragged row, non-numeric band, another grid, unknown column, existing output, a missing
                     folder: exit 1, one line naming file, line and column, nothing written
  transfer           the NIRsoil reference model carried by PDS (alamod spectra transfer, 31 transfer samples) to a
                     second instrument simulated from the real spectra (wavelength shift, broadening, gain, baseline,
                     noise): RMSEP degrades by more than 30 % without, returns within 3 % of the original with; the
                     transferred predictions equal numpy's SVD PDS
  limesoda           LimeSoDa O.32 (32 MIR spectra, Occitanie): each of its 10 folds predicted by a model fitted on
                     the other 9 (RMSE and coverage on held-out samples), and predictions written as site
                     observations (data/sites/FORMAT.md columns, soc_method, the interval as uncertainty)
"""
import argparse
import csv
import gzip
import io
import json
import math
import os
import pathlib
import shutil
import subprocess
import sys

SRC = pathlib.Path(os.environ.get("ALAMOD_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN = os.environ.get("ALAMOD_BIN", str(SRC / "build/engine/alamod"))
NIRSOIL = SRC / "data/spectra/nirsoil.csv.gz"
LIMESODA = SRC / "data/spectra/limesoda_o32.csv.gz"
NIRSOIL_PIPELINE = "savgol(window=11,order=2,derivative=1) snv"
LIMESODA_PIPELINE = "absorbance(scale=100) savgol(window=11,order=2,derivative=0) snv"
REF_RMSEP = 0.7949542096
REF_FIRST = 3.67440607522238
FAILURES = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        FAILURES.append(what)


def run(args, np=None, cwd=None, env=None, expect=0):
    cmd = ([shutil.which("mpiexec") or "mpiexec", "-n", str(np)] if np else []) + [BIN] + [str(a) for a in args]
    e = dict(os.environ, **(env or {}))
    p = subprocess.run(cmd, cwd=cwd, env=e, capture_output=True, text=True)
    if expect is not None and p.returncode != expect:
        print(" ".join(cmd), "\n", p.stdout, p.stderr)
        raise SystemExit(f"exit {p.returncode}, expected {expect}")
    return p


def read_predictions(path):
    lines = [l for l in pathlib.Path(path).read_text().splitlines() if not l.startswith("#")]
    return list(csv.DictReader(lines))


def fit_nirsoil(work, extra, out, np=None, env=None):
    return run(["spectra", "fit", NIRSOIL, "--property", "Ciso", "--unit", "percent", "--rows", "train=1",
                "--preprocess", NIRSOIL_PIPELINE, "--out", out, "--overwrite"] + extra, np=np, env=env)


def rmse_of(rows, prop):
    pairs = [(float(r[prop]), float(r[prop + "_predicted"])) for r in rows if r[prop] not in ("", "NA")]
    return math.sqrt(sum((a - b) ** 2 for a, b in pairs) / len(pairs)), pairs


def case_nirsoil_reference(work):
    for algorithm in ("nipals", "simpls"):
        model = work / f"nirsoil_{algorithm}.json"
        p = fit_nirsoil(work, ["--components", "10", "--algorithm", algorithm], model)
        print(p.stdout)
        pred = work / f"pred_{algorithm}.csv"
        p = run(["spectra", "predict", NIRSOIL, "--model", model, "--rows", "train=0", "--out", pred, "--overwrite"])
        print(p.stdout)
        rows = read_predictions(pred)
        rmsep, pairs = rmse_of(rows, "Ciso")
        check(len(pairs) == 184, f"{algorithm}: 184 test rows with Ciso scored ({len(pairs)})")
        check(abs(rmsep / REF_RMSEP - 1) < 1e-8, f"{algorithm}: RMSEP {rmsep!r} = {REF_RMSEP} to 1e-8")
        first = float(rows[0]["Ciso_predicted"])
        check(abs(first / REF_FIRST - 1) < 1e-8, f"{algorithm}: first prediction {first!r} = {REF_FIRST} to 1e-8")
        check("RMSEP 0.7949542096 percent" in p.stdout, f"{algorithm}: predict prints the RMSEP")
        m = json.loads(model.read_text())
        check(m["pls"]["components"] == 10 and len(m["cross_validation"]["rmsecv"]) == 10
              and m["instrument_transfer"] is None and m["input_grid"]["count"] == 700
              and m["preprocessing"]["output_count"] == 690 and m["intervals"]["method"] == "cv_conformal"
              and m["intervals"]["calibration_count"] == 548, f"{algorithm}: model file members")
        # coverage of the 90 % interval on the 184 test rows: binomial(184, 0.9) within 3 sd (155..177)
        lo, hi = float(rows[0]["Ciso_lower_90"]), float(rows[0]["Ciso_upper_90"])
        hw = m["intervals"]["levels"][0]["half_width"]
        covered = sum(1 for r in rows if r["Ciso"] != "NA" and
                      float(r["Ciso_lower_90"]) <= float(r["Ciso"]) <= float(r["Ciso_upper_90"]))
        check(abs((hi - lo) / 2 - hw) < 1e-12 and 155 <= covered <= 177,
              f"{algorithm}: 90 % interval +-{hw:.4f} covers {covered}/184 test rows")


    # the same pipeline from a TOML file gives the same model
    toml = work / "pipeline.toml"
    toml.write_text('[[preprocess]]\nstep = "savgol"\nwindow = 11\norder = 2\nderivative = 1\n\n[[preprocess]]\nstep = "snv"\n')
    run(["spectra", "fit", NIRSOIL, "--property", "Ciso", "--unit", "percent", "--rows", "train=1", "--preprocess-file", toml,
         "--components", "10", "--out", work / "toml.json", "--quiet"])
    a, b = json.loads((work / "toml.json").read_text()), json.loads((work / "nirsoil_nipals.json").read_text())
    check(a["pls"] == b["pls"] and a["preprocessing"] == b["preprocessing"], "--preprocess-file: the same model as --preprocess")


def case_rank_invariance(work):
    env = {"SOURCE_DATE_EPOCH": "1764979200"}
    texts = {}
    for np in (1, 2, 3):
        d = work / f"np{np}"
        d.mkdir(parents=True, exist_ok=True)
        for name, extra in (("cv", ["--max-components", "15", "--folds", "10", "--seed", "3", "--interval-levels", "0.8,0.9"]),
                            ("split", ["--max-components", "12", "--folds", "5", "--seed", "5", "--select", "onesigma",
                                       "--calibration-fraction", "0.25"])):
            run(["spectra", "fit", NIRSOIL, "--property", "Ciso", "--unit", "percent", "--rows", "train=1", "--preprocess",
                 NIRSOIL_PIPELINE, "--out", f"{name}.json", "--overwrite", "--quiet"] + extra, np=np, cwd=d, env=env)
            run(["spectra", "predict", NIRSOIL, "--model", f"{name}.json", "--rows", "train=0", "--out", f"{name}.csv",
                 "--overwrite"], cwd=d)
            texts[(np, name)] = ((d / f"{name}.json").read_bytes(), (d / f"{name}.csv").read_bytes())
    for name in ("cv", "split"):
        m = json.loads(texts[(1, name)][0])
        print(f"{name}: {m['pls']['components']} components ({m['cross_validation']['selection']}), "
              f"intervals {m['intervals']}")
        for np in (2, 3):
            check(texts[(np, name)][0] == texts[(1, name)][0], f"{name}: model file on {np} ranks = on 1 rank, byte for byte")
            check(texts[(np, name)][1] == texts[(1, name)][1], f"{name}: predictions on {np} ranks = on 1 rank, byte for byte")
    check(json.loads(texts[(1, "split")][0])["intervals"]["method"] == "split_conformal", "split: split-conformal intervals")


def case_bad_input(work):
    with gzip.open(NIRSOIL, "rt") as f:
        lines = [next(f) for _ in range(40)]
    header = lines[0].rstrip("\n").split(",")
    good = work / "small.csv"
    good.write_text("".join(lines))
    model = work / "small.json"
    run(["spectra", "fit", good, "--property", "Ciso", "--unit", "percent", "--components", "2", "--folds", "3",
         "--out", model, "--overwrite", "--quiet"])

    def bad(name, args, fragments, np=None, out=None):
        before = sorted(os.listdir(work))
        p = run(args, np=np, expect=None)
        # exactly one "alamod: error:" line (under mpiexec, Open MPI adds its own lines about the exit status)
        err = [l for l in p.stderr.splitlines() if l.startswith("alamod: error:")]
        ok = (p.returncode == 1 and len(err) == 1 and (np or len(p.stderr.strip().splitlines()) == 1)
              and all(fr in err[0] for fr in fragments) and sorted(os.listdir(work)) == before
              and (out is None or not pathlib.Path(out).exists()))
        check(ok, f"{name}: exit {p.returncode}, {err[0] if err else '(no message)'}")

    ragged = work / "ragged.csv"
    rows = list(lines)
    rows[6] = ",".join(rows[6].rstrip("\n").split(",")[:-1]) + "\n"
    ragged.write_text("".join(rows))
    bad("ragged row", ["spectra", "fit", ragged, "--property", "Ciso", "--unit", "percent", "--out", work / "m.json"],
        [f"{ragged}:7:", "704 fields, expected 705", "ragged"], out=work / "m.json")
    bad("ragged row on 2 ranks", ["spectra", "fit", ragged, "--property", "Ciso", "--unit", "percent", "--out", work / "m.json"],
        [f"{ragged}:7:", "ragged"], np=2, out=work / "m.json")

    text = work / "text.csv"
    rows = list(lines)
    f = rows[4].rstrip("\n").split(",")
    j = header.index('"1110"')
    col = len(",".join(f[:j])) + 2
    f[j] = "abc"
    rows[4] = ",".join(f) + "\n"
    text.write_text("".join(rows))
    bad("non-numeric band", ["spectra", "fit", text, "--property", "Ciso", "--unit", "percent", "--out", work / "m.json"],
        [f"{text}:5:{col} (1110): found 'abc', expected a finite number"], out=work / "m.json")
    bad("non-numeric band in predict", ["spectra", "predict", text, "--model", model, "--out", work / "p.csv"],
        [f"{text}:5:{col} (1110): found 'abc'"], out=work / "p.csv")

    grid = work / "grid.csv"
    rows = list(lines)
    rows[0] = rows[0].replace('"1102"', '"1103"', 1)
    grid.write_text("".join(rows))
    bad("another grid, one band", ["spectra", "predict", grid, "--model", model, "--out", work / "p.csv"],
        [f"{grid}:1 (1103, field 7): wavelength 1103, expected 1102 nm", str(model)], out=work / "p.csv")
    lime = work / "lime.csv"
    with gzip.open(LIMESODA, "rt") as f:
        lime.write_text("".join(next(f) for _ in range(4)).replace('"wn_', '"'))
    bad("another grid, MIR", ["spectra", "predict", lime, "--model", model, "--out", work / "p.csv"],
        [f"{lime}:1: 1637 bands 3800-751.1 nm", "expected the grid of the model", "700 bands 1100-2498 nm"],
        out=work / "p.csv")
    bad("unknown property", ["spectra", "fit", good, "--property", "SOC", "--unit", "percent", "--out", work / "m.json"],
        [f"{good}:1 (SOC): no such column", "id, train, Nt, Ciso, CEC"], out=work / "m.json")
    bad("unknown step", ["spectra", "fit", good, "--property", "Ciso", "--unit", "percent", "--preprocess", "snv msc",
                         "--out", work / "m.json"], ["--preprocess: unknown step 'msc'"], out=work / "m.json")
    keep = (work / "p_exists.csv")
    keep.write_text("keep\n")
    bad("existing output", ["spectra", "predict", good, "--model", model, "--out", keep], [f"{keep}: exists", "--overwrite"])
    check(keep.read_text() == "keep\n", "existing output left as it was")
    bad("missing folder", ["spectra", "predict", good, "--model", model, "--out", work / "nowhere/p.csv"],
        [str(work / "nowhere/p.csv")])
    transfer = work / "transfer.json"
    m = json.loads(model.read_text())
    m["instrument_transfer"] = {"method": "epo", "stage": "preprocessed"}
    transfer.write_text(json.dumps(m))
    bad("a transfer block of another method", ["spectra", "predict", good, "--model", transfer, "--out", work / "p.csv"],
        [f"{transfer} ($.instrument_transfer.method): found 'epo', expected 'pds'"], out=work / "p.csv")
    # transfer samples: one missing on the second instrument, one on another grid
    ids = work / "ids.csv"
    ids.write_text("".join(lines[:1] + lines[2:12]))
    bad("a transfer sample measured on one instrument only",
        ["spectra", "transfer", "--model", model, "--master", good, "--slave", ids, "--match", "id", "--out", work / "t.json"],
        [f"{good}:2 (id): '1' is not in {ids}"], out=work / "t.json")
    bad("transfer spectra on another grid",
        ["spectra", "transfer", "--model", model, "--master", good, "--slave", grid, "--out", work / "t.json"],
        [f"{grid}:1 (1103, field 7): wavelength 1103, expected 1102 nm"], out=work / "t.json")


def distort(wl, x, shift=2.0, fwhm=10.0, gain=0.97, offset=0.03, slope=2e-5, curvature=0.05, noise=2e-5, seed=1):
    """A second NIR instrument simulated from the real spectra (docs/SPECTRA.md, "Instrument transfer"): its wavelength
    scale off by `shift` nm (it reads at w the absorbance at w - shift), a coarser resolution (Gaussian slit of FWHM
    `fwhm` nm), a photometric gain, a baseline offset, slope (per nm) and curvature (stray light; `curvature` at the
    long end, quadratic), and white noise (sd `noise`, seeded)."""
    import numpy as np
    step = wl[1] - wl[0]
    y = np.array([np.interp(wl - shift, wl, r) for r in x])
    sig = fwhm / 2.354820045 / step
    k = np.arange(-int(4 * sig) - 1, int(4 * sig) + 2)
    g = np.exp(-0.5 * (k / sig) ** 2)
    g /= g.sum()
    pad = len(k) // 2
    y = np.array([np.convolve(np.pad(r, pad, mode="edge"), g, mode="valid") for r in y])
    t = (wl - wl[0]) / (wl[-1] - wl[0])
    y = gain * y + offset + slope * (wl - wl[0]) + curvature * t * t
    return y + np.random.default_rng(seed).normal(0, noise, y.shape)


def pds_numpy(master, slave, window):
    """PDS as docs/SPECTRA.md states it, with numpy's SVD: the reference for alamod's (Jacobi) implementation."""
    import numpy as np
    n, p = master.shape
    h = window // 2
    out = []
    for j in range(p):
        a, b = max(0, j - h), min(p, j + h + 1)
        xs = slave[:, a:b]
        xm, ym = xs.mean(0), master[:, j].mean()
        u, sv, vt = np.linalg.svd(xs - xm, full_matrices=False)
        k = int((sv ** 2 > 1e-12 * sv[0] ** 2).sum())
        f = vt[:k].T @ ((u[:, :k].T @ (master[:, j] - ym)) / sv[:k])
        out.append((a, f, ym - xm @ f))
    return out


def case_transfer(work):
    """The NIRsoil reference model carried to a simulated second instrument by PDS from 31 transfer samples."""
    import numpy as np
    with gzip.open(NIRSOIL, "rt") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    bands = [i for i, h in enumerate(header) if h.replace(".", "").isdigit()]
    wl = np.array([float(header[i]) for i in bands])
    x = np.array([[float(r[i]) for i in bands] for r in data])
    y = distort(wl, x)
    meta = [i for i in range(len(header)) if i not in bands]

    def write(path, sel, spectra):
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow([header[i] for i in meta] + [header[i] for i in bands])
            for r in sel:
                w.writerow([data[r][i] for i in meta] + ["%.10g" % v for v in spectra[r]])

    train = [r for r, d in enumerate(data) if d[header.index("train")] == "1" and d[header.index("Ciso")] != "NA"]
    chosen = train[::18]  # 31 transfer samples spread over the calibration rows
    write(work / "master.csv", chosen, x)
    write(work / "slave.csv", chosen[::-1], y)  # another order: paired by --match id
    write(work / "field.csv", range(len(data)), y)
    model, moved = work / "model.json", work / "model_pds.json"
    fit_nirsoil(work, ["--components", "10", "--quiet"], model)
    p = run(["spectra", "transfer", "--model", model, "--master", work / "master.csv", "--slave", work / "slave.csv",
             "--match", "id", "--window", "5", "--out", moved])
    print(p.stdout.strip())

    def rmsep(model_file, spectra, name):
        out = work / f"pred_{name}.csv"
        run(["spectra", "predict", spectra, "--model", model_file, "--rows", "train=0", "--out", out, "--overwrite"])
        rows = read_predictions(out)
        return rmse_of(rows, "Ciso")[0], [float(r["Ciso_predicted"]) for r in rows]

    r0, _ = rmsep(model, NIRSOIL, "original")
    r1, _ = rmsep(model, work / "field.csv", "second_instrument")
    r2, moved_pred = rmsep(moved, work / "field.csv", "transferred")
    print(f"RMSEP (percent) on the 184 test rows: first instrument {r0:.4f}, second instrument with the model as fitted "
          f"{r1:.4f} ({100 * (r1 / r0 - 1):+.1f} %), with PDS from 31 transfer samples {r2:.4f} ({100 * (r2 / r0 - 1):+.1f} %)")
    check(abs(r0 / REF_RMSEP - 1) < 1e-8, f"the first instrument: the reference RMSEP {r0:.10f}")
    check(r1 > 1.3 * r0, f"the second instrument degrades the model: RMSEP {r1:.4f} > 1.3 x {r0:.4f}")
    check(r2 < 1.03 * r0, f"PDS brings it back near the original: RMSEP {r2:.4f} < 1.03 x {r0:.4f}")
    # alamod's PDS equals numpy's: the spectra transferred by numpy, predicted by the model as fitted
    test = [r for r, d in enumerate(data) if d[header.index("train")] == "0"]
    pos = {r: k for k, r in enumerate(train)}
    fwd = {r: k for k, r in enumerate(chosen)}
    f = pds_numpy(x[chosen], y[chosen], 5)
    z = np.array([[b0 + y[r, a:a + len(c)] @ c for (a, c, b0) in f] for r in range(len(data))])
    write(work / "field_numpy_pds.csv", range(len(data)), z)
    _, numpy_pred = rmsep(model, work / "field_numpy_pds.csv", "numpy_pds")
    worst = max(abs(a - b) for a, b in zip(moved_pred, numpy_pred))
    check(len(moved_pred) == len(test) and worst < 1e-6, f"alamod's PDS = numpy's SVD PDS: predictions within {worst:.2e} percent")
    del pos, fwd
    m = json.loads(moved.read_text())
    t = m["instrument_transfer"]
    check(t["method"] == "pds" and t["stage"] == "raw" and t["window"] == 5 and t["samples"] == 31 and t["match"] == "id"
          and len(t["coefficients"]) == 700 and t["rms_difference_after"] < 0.1 * t["rms_difference_before"]
          and m["pls"] == json.loads(model.read_text())["pls"],
          f"the model file carries the PDS block (RMS difference {t['rms_difference_before']:.3g} -> "
          f"{t['rms_difference_after']:.3g}) and the model unchanged")
    p = run(["spectra", "transfer", "--model", moved, "--master", work / "master.csv", "--slave", work / "slave.csv",
             "--match", "id", "--out", work / "twice.json"], expect=1)
    check("already holds a 'pds' transfer" in p.stderr and not (work / "twice.json").exists(),
          "a model that already has a transfer is refused")


def case_limesoda(work):
    common = ["--property", "SOC_target", "--unit", "percent", "--axis", "wavenumber", "--band-prefix", "wn_",
              "--preprocess", LIMESODA_PIPELINE, "--folds-column", "fold", "--max-components", "10",
              "--interval-levels", "0.9", "--overwrite", "--quiet"]
    held_out = []
    components = []
    for k in range(1, 11):
        model = work / f"fold{k}.json"
        run(["spectra", "fit", LIMESODA, "--rows", f"fold!={k}", "--out", model] + common)
        components.append(json.loads(model.read_text())["pls"]["components"])
        pred = work / f"fold{k}.csv"
        run(["spectra", "predict", LIMESODA, "--model", model, "--rows", f"fold={k}", "--out", pred, "--overwrite"])
        held_out += read_predictions(pred)
    y = [float(r["SOC_target"]) for r in held_out]
    yhat = [float(r["SOC_target_predicted"]) for r in held_out]
    n = len(y)
    rmse = math.sqrt(sum((a - b) ** 2 for a, b in zip(y, yhat)) / n)
    mean = sum(y) / n
    sd = math.sqrt(sum((a - mean) ** 2 for a in y) / (n - 1))
    covered = sum(1 for r in held_out if float(r["SOC_target_lower_90"]) <= float(r["SOC_target"]) <= float(r["SOC_target_upper_90"]))
    print(f"LimeSoDa O.32, {LIMESODA_PIPELINE}: components per outer fold {components}; held-out RMSE {rmse:.4f} % "
          f"(SD of SOC {sd:.4f} %, RPD {sd / rmse:.2f}); 90 % interval covers {covered}/{n}")
    check(n == 32, f"every sample predicted once from a model that did not see it ({n})")
    check(rmse < sd, f"held-out RMSE {rmse:.4f} % below the SD of SOC {sd:.4f} %")
    check(covered >= 24, f"90 % intervals cover {covered}/32 held-out samples (binomial(32, 0.9): >= 24 within 3 sd)")

    model = work / "limesoda.json"
    p = run(["spectra", "fit", LIMESODA, "--out", model] + [a for a in common if a != "--quiet"])
    print(p.stdout)
    obs = work / "soc_observations_limesoda.csv"
    pred = work / "all.csv"
    p = run(["spectra", "predict", LIMESODA, "--model", model, "--out", pred, "--site-observations", obs, "--overwrite",
             "--site", "site_id=fr_occitanie_limesoda_o32", "--site", "treatment_id=field", "--site", "plot_id=@sample",
             "--site", "observation_date=2020-03", "--site", "layer_top=0", "--site", "layer_bot=20"])
    print(p.stdout)
    rows = list(csv.DictReader(obs.open()))
    preds = read_predictions(pred)
    site_header = (SRC / "data/sites/broadbalk/soc_observations.csv").read_text().splitlines()[0].split(",")
    check(list(rows[0].keys())[:len(site_header)] == site_header, "site observations: the columns of soc_observations.csv first")
    check(len(rows) == 32 and all(r["site_id"] == "fr_occitanie_limesoda_o32" and r["observation_year"] == "2020"
                                  and r["layer_bot"] == "20" and r["qc_flag"] == "estimated_from_spectra" for r in rows),
          "site observations: one row per spectrum with the site's keys")
    check(all(abs(float(r["soc"]) - 10 * float(p["SOC_target_predicted"])) < 1e-4 * abs(float(r["soc"]))
              and r["plot_id"] == p["sample"] for r, p in zip(rows, preds)),
          "site observations: soc in g kg-1 = 10 x the prediction in percent")
    check(all("limesoda.json" in r["soc_method"] and "components" in r["soc_method"] for r in rows),
          "site observations: soc_method names the spectral model")
    check(all(float(r["soc_lower"]) < float(r["soc"]) < float(r["soc_upper"]) and float(r["soc_sd"]) > 0
              and abs((float(r["soc_upper"]) - float(r["soc_lower"])) / 2 / 1.6448536269514722 - float(r["soc_sd"]))
              < 1e-3 * float(r["soc_sd"]) for r in rows),
          "site observations: the 90 % interval and its normal-equivalent sd")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["nirsoil_reference", "rank_invariance", "bad_input", "limesoda", "transfer"])
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    work = pathlib.Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    globals()["case_" + a.case](work)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
