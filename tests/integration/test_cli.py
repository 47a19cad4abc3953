#!/usr/bin/env python3
"""The command line's answers that only print: help, version, the configuration reference, the
models. They must come once under `mpiexec -n 2` (printed by rank 0 only), give the documented exit
codes, and not start MPI at all (checked by making MPI's start-up impossible: an unknown point-to-point
layer makes MPI_Init fail, so a command that started MPI would fail too).

Usage: test_cli.py  (ALAMOD_BIN names the executable)"""
import os
import re
import shutil
import subprocess
import tempfile
import sys

BIN = os.environ["ALAMOD_BIN"]
FAILURES = []


def run(args, ranks=None, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    cmd = (["mpiexec", "-n", str(ranks)] if ranks else []) + [BIN] + args
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def check(cond, what, out=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)
        if out:
            print("  output:", out[-800:].replace("\n", "\n  "))


NO_MPI = {"OMPI_MCA_pml": "no_such_layer"}

# version: one line naming alamod and its commit, one naming the libraries
rc, out, err = run(["--version"], env_extra=NO_MPI)
check(rc == 0 and re.match(r"alamod \d+\.\d+\.\d+ \(git \w+\)\n", out) is not None,
      "--version names alamod and its commit, without starting MPI", out + err)
check("PETSc" in out and "netCDF" in out and "HDF5" in out and "GDAL" in out, "--version lists the libraries", out)
rc, out, err = run(["--version"], ranks=2)
check(rc == 0 and len(re.findall(r"^alamod \d", out, re.M)) == 1, "mpiexec -n 2 alamod --version prints once", out)

# help: teaches with examples and lists the subcommands
rc, out, err = run(["--help"], env_extra=NO_MPI)
check(rc == 0 and "Examples:" in out and all(s in out for s in ("run", "evaluate", "calibrate", "models")),
      "--help has examples and the subcommands", out + err)
rc, out, err = run([], ranks=2)
check(rc == 0 and out.count("Examples:") == 1, "no subcommand: the help, once under mpiexec -n 2", out + err)
rc, out, err = run(["run", "--help"], env_extra=NO_MPI)
check(rc == 0 and "--out" in out and "--restart" in out and "--checkpoint-every" in out,
      "run --help documents --out, --restart and --checkpoint-every", out + err)

# the configuration reference: every key once, with its default and unit
rc, out, err = run(["run", "--config-help"], ranks=2, env_extra={})
check(rc == 0 and len(re.findall(r"^\s*decomposition\.rebalance\s", out, re.M)) == 1 and "default" in out,
      "run --config-help prints the reference once under mpiexec -n 2", out + err)

# models
rc, out, err = run(["models"], env_extra=NO_MPI)
check(rc == 0 and re.search(r"^rothc\s+month", out, re.M) is not None, "models lists rothc with its step", out + err)
rc, out, err = run(["models", "show", "amg"], env_extra=NO_MPI)
check(rc == 0 and "parameters" in out and "reference:" in out, "models show amg: parameters and reference", out)
rc, out, err = run(["models", "show", "no_such_model"], ranks=2)
check(rc == 1 and err.count("unknown model 'no_such_model'") == 1 and "rothc" in err,
      "an unknown model: exit 1, one message listing the valid ones", out + err)

# command-line errors: exit 2, a message that points to the help
rc, out, err = run(["--no-such-option"], env_extra=NO_MPI)
check(rc == 2 and "--no-such-option" in err, "an unknown option: exit 2 naming it", out + err)
rc, out, err = run(["run"], env_extra=NO_MPI)
check(rc == 2 and "--out DIR" in err and "e.g." in err, "run without its arguments: exit 2 with an example", out + err)
SRC = os.environ.get("ALAMOD_SOURCE_DIR", ".")
rc, out, err = run(["run", os.path.join(SRC, "configs/france_default.toml"), os.path.join(SRC, "configs/france_1km.toml"),
                    "--out", "/nonexistent/never"], env_extra=NO_MPI)
check(rc == 2 and "unexpected argument" in err and "france_1km.toml" in err,
      "a second configuration file: exit 2 naming it (it used to be dropped silently)", out + err)
rc, out, err = run(["run", os.path.join(SRC, "configs/france_default.toml"), "--checkpoint-every", "-5",
                    "--out", "/nonexistent/never"], env_extra=NO_MPI)
check(rc == 2 and "--checkpoint-every" in err, "a negative --checkpoint-every: exit 2 naming it", out + err)
rc, out, err = run(["run", os.path.join(SRC, "configs/france_default.toml"), "--checkpoint-every", "abc",
                    "--out", "/nonexistent/never"], env_extra=NO_MPI)
check(rc == 2 and "--checkpoint-every" in err, "a value that is not a number: exit 2 (CLI11's own code before)", out + err)

# evaluate and calibrate: failures are bad input (exit 1) on every rank, found before the work
SITES = os.path.join(SRC, "data/sites")
with tempfile.TemporaryDirectory() as tmp:
    rc, out, err = run(["evaluate", "--sites", SITES, "--only-sites", "broadbalk", "--models", "millennial",
                        "--out", os.path.join(tmp, "ev")], ranks=2)  # Millennial needs a swc column Broadbalk lacks
    check(rc == 1 and "no model run produced comparable results" in err,
          "evaluate on 2 ranks with no run that succeeds: exit 1 (rank 1 waited forever before)", out + err)
    rc, out, err = run(["evaluate", "--sites", SITES, "--only-sites", "broadbalk,hoosfeld", "--models", "rothc",
                        "--out", os.path.join(tmp, "ev")])
    check(rc == 1 and "--only-sites: no site hoosfeld" in err, "evaluate --only-sites with an unknown site: exit 1", err)
    rc, out, err = run(["evaluate", "--sites", SITES, "--only-sites", "broadbalk", "--models", "rothc,icbm,rothc",
                        "--out", os.path.join(tmp, "ev")])
    check(rc == 1 and "'rothc' is named twice" in err, "evaluate --models naming a model twice: exit 1", err)
    pfile = os.path.join(tmp, "fit.toml")
    with open(pfile, "w") as f:
        f.write("[parameters]\nk_hum = 0.2\n")
    rc, out, err = run(["evaluate", "--sites", SITES, "--only-sites", "broadbalk", "--models", "rothc,icbm",
                        "--parameters", pfile, "--out", os.path.join(tmp, "ev")])
    check(rc == 1 and "fit.toml: no model" in err,
          "evaluate --parameters without a model key and two models: exit 1 (it was ignored silently)", err)
    rc, out, err = run(["calibrate", "--model", "rothc", "--sites", SITES, "--only-sites", "broadbalk", "--parameters",
                        "k_hum", "--out", os.path.join(tmp, "no_such_folder", "fit.toml")])
    check(rc == 1 and "no_such_folder" in err and "not writable" in err,
          "calibrate --out in a missing folder: exit 1 before fitting (exit 3 after the fit before)", err)
    bad = os.path.join(tmp, "sites", "broadbalk")
    shutil.copytree(os.path.join(SITES, "broadbalk"), bad)
    forcing = sorted(f for f in os.listdir(bad) if f.startswith("forcing_"))[0]
    lines = open(os.path.join(bad, forcing)).read().split("\n")
    k = next(i for i, l in enumerate(lines) if l and l[0].isdigit())  # the first data row
    fields = lines[k].split(",")
    fields[2] = "1x"  # tas
    lines[k] = ",".join(fields)
    open(os.path.join(bad, forcing), "w").write("\n".join(lines))
    rc, out, err = run(["calibrate", "--model", "rothc", "--sites", os.path.join(tmp, "sites"), "--parameters", "k_hum",
                        "--out", os.path.join(tmp, "fit2.toml")], ranks=2)
    check(rc == 1 and "%s:%d:" % (forcing, k + 1) in err and "'1x'" in err,
          "calibrate with a malformed forcing: exit 1 naming file, line and value (exit 3 before)", err[-500:])
    obs = os.path.join(bad, "soc_observations.csv")
    shutil.copy(os.path.join(SITES, "broadbalk", forcing), os.path.join(bad, forcing))  # the forcing whole again
    text = open(obs).read().split("\n")
    header = text[[l.startswith("#") or not l for l in text].index(False)].split(",")
    col = header.index("soc_stock")
    j = next(i for i, l in enumerate(text) if l and not l.startswith("#") and l.split(",") != header
             and l.split(",")[col])
    row = text[j].split(",")
    row[col] = "-" + row[col]
    text[j] = ",".join(row)
    open(obs, "w").write("\n".join(text))
    rc, out, err = run(["evaluate", "--sites", os.path.join(tmp, "sites"), "--models", "rothc",
                        "--out", os.path.join(tmp, "ev2")])
    check(rc == 1 and "soc_observations.csv:%d:" % (j + 1) in err and "negative stock" in err,
          "a negative observed stock: exit 1 naming file and line (it was scored)", err[-400:])

# a parameter file fitted for another model (its `model` key) drives no site run
with tempfile.TemporaryDirectory() as tmp:
    pfile = os.path.join(tmp, "icbm_fit.toml")
    with open(pfile, "w") as f:
        f.write('model = "icbm"\n[parameters]\nk_hum = 0.03\n')
    rc, out, err = run(["site", "--model", "rothc", "--forcing", os.path.join(SRC, "data/sites/broadbalk/forcing_nil.csv"),
                        "--parameters", pfile, "--out", os.path.join(tmp, "s.csv")])
    check(rc == 1 and "icbm_fit.toml:1:1 (model)" in err and "cannot drive a rothc run" in err
          and not os.path.exists(os.path.join(tmp, "s.csv")),
          "site --parameters of another model: exit 1 naming the file's model key, no output", out + err)

# and a command that computes does start MPI (the check above can fail)
rc, out, err = run(["run", os.path.join(SRC, "configs/france_default.toml"),
                    "--out", "/nonexistent/never"], env_extra=NO_MPI)
check(rc != 0, "a run with MPI's start-up made impossible fails (so the commands above did not start MPI)",
      out + err)

if FAILURES:
    print(f"{len(FAILURES)} check(s) failed")
    sys.exit(1)
print("all command-line checks passed")
