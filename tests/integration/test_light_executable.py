#!/usr/bin/env python3
"""The light `alamod` executable (engine/command_line/light_main.cpp): the serial commands load none of
MPI, PETSc, GDAL, netCDF or HDF5, their outputs are byte for byte those of the full engine
(`alamod-engine`, the executable `alamod` was before), and every other command is handed to the engine.

What the dynamic loader loaded is read from its own record (LD_DEBUG=files, one file per process), not
inferred: a command that loaded libpetsc would show it. The same record for a command handed over
(`alamod run --config-help`, `alamod rothc` given a PETSc option) must show
the engine and its libraries, so the check is seen to detect them.

Usage: test_light_executable.py ENGINE   (ALAMOD_BIN names the light executable, ALAMOD_SOURCE_DIR the source)"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

BIN = os.environ["ALAMOD_BIN"]
ENGINE = sys.argv[1]
SRC = os.environ["ALAMOD_SOURCE_DIR"]
HEAVY = re.compile(r"lib(petsc|gdal|netcdf|hdf5|mpi|open-pal|open-rte|pmix|proj)[^/\s]*\.so")
FAILURES = []


def check(cond, what, out=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILURES.append(what)
        if out:
            print("  output:", str(out)[-1200:].replace("\n", "\n  "))


def run(exe, args, work, debug=None):
    """(exit code, stdout, stderr, the shared objects the loader opened) of exe ARGS in folder `work`."""
    env = dict(os.environ)
    if debug:
        env.update(LD_DEBUG="files", LD_DEBUG_OUTPUT=debug)
    p = subprocess.run([exe, *args], cwd=work, capture_output=True, text=True, env=env, timeout=300)
    loaded = set()
    for f in glob.glob(debug + ".*") if debug else []:
        with open(f, errors="replace") as fh:
            loaded |= set(re.findall(r"file=(\S+)\s+\[0\];\s+(?:needed|dynamically loaded) by", fh.read()))
        os.remove(f)
    return p.returncode, p.stdout, p.stderr, loaded


def same_files(a, b):
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


tmp = tempfile.mkdtemp(prefix="light_executable_")
try:
    sys.path.insert(0, os.path.join(SRC, "tests", "integration"))
    from output_fingerprints import write_full_forcing
    forcing = os.path.join(tmp, "full.csv")
    write_full_forcing(forcing, years=10)
    rothc_input = os.path.join(SRC, "tests/data/rothc/RothC_input.dat")
    amg_inputs = os.path.join(SRC, "tests/data/amg/shipped/inputs")
    broadbalk = os.path.join(SRC, "data/sites/broadbalk/forcing_fym1843.csv")

    # 1. the executable's needed libraries (ldd: the whole closure) hold none of the heavy ones; the engine's do
    light_ldd = subprocess.run(["ldd", BIN], capture_output=True, text=True).stdout
    engine_ldd = subprocess.run(["ldd", ENGINE], capture_output=True, text=True).stdout
    check(not HEAVY.search(light_ldd), "ldd alamod: no PETSc, GDAL, netCDF, HDF5, MPI or PROJ", light_ldd)
    check(all(re.search(r"lib%s" % n, engine_ldd) for n in ("petsc", "gdal", "netcdf", "hdf5", "mpi")),
          "ldd alamod-engine: PETSc, GDAL, netCDF, HDF5 and MPI (the pattern finds them)", engine_ldd)
    check(len(light_ldd.splitlines()) < 20, f"alamod needs {len(light_ldd.splitlines())} shared objects (< 20)",
          light_ldd)

    # 2. the serial commands: nothing heavy loaded, outputs byte for byte the engine's
    cases = [
        ("rothc --official-input", ["rothc", "--official-input", rothc_input, "--out", "OUT"],
         ["month_results.csv", "year_results.csv"]),
        ("amg --official-inputs", ["amg", "--official-inputs", amg_inputs, "--out", "OUT"],
         ["SOC_STOCKS.csv", "C_SUPPLY.csv"]),
        ("amg --official-inputs --rounding none",
         ["amg", "--official-inputs", amg_inputs, "--rounding", "none", "--out", "OUT"], ["SOC_STOCKS.csv"]),
        ("site --model rothc (Broadbalk)", ["site", "--model", "rothc", "--forcing", broadbalk, "--out", "OUT/s.csv"],
         ["s.csv"]),
        ("site --model icbm (generated forcing)",
         ["site", "--model", "icbm", "--forcing", forcing, "--out", "OUT/s.csv"], ["s.csv"]),
    ]
    for name, args, files in cases:
        outs = {}
        for tag, exe in (("light", BIN), ("engine", ENGINE)):
            work = os.path.join(tmp, tag + "_" + re.sub(r"\W+", "_", name))
            os.makedirs(work)
            if args[0] == "site":
                os.makedirs(os.path.join(work, "OUT"))
            rc, out, err, loaded = run(exe, args, work, debug=os.path.join(tmp, "ld") if tag == "light" else None)
            outs[tag] = (work, rc, out, err)
            if tag == "light":
                heavy = sorted(f for f in loaded if HEAVY.search(f))
                check(rc == 0 and loaded and not heavy,
                      f"alamod {name}: exit 0, {len(loaded)} shared objects loaded, none heavy", heavy or err)
        (lw, lrc, lout, lerr), (ew, erc, eout, eerr) = outs["light"], outs["engine"]
        check(lrc == erc and lout == eout and lerr == eerr, f"alamod {name}: same exit code and messages as the engine",
              lout + lerr + " | " + eout + eerr)
        for f in files:
            a, b = os.path.join(lw, "OUT", f), os.path.join(ew, "OUT", f)
            check(os.path.exists(a) and os.path.exists(b) and same_files(a, b), f"alamod {name}: {f} byte for byte the engine's")

    # 3. what only prints: the engine's words, nothing heavy loaded
    for args in (["--help"], ["--version"], ["models"], ["models", "show", "millennial"], ["site", "--help"],
                 ["rothc", "--out"], ["no_such_command"], ["models", "show", "nosuch"]):
        lrc, lout, lerr, loaded = run(BIN, args, tmp, debug=os.path.join(tmp, "ld"))
        erc, eout, eerr, _ = run(ENGINE, args, tmp)
        heavy = sorted(f for f in loaded if HEAVY.search(f))
        check(lrc == erc and lout == eout and lerr == eerr and not heavy,
              f"alamod {' '.join(args)}: exit {lrc}, the engine's text, nothing heavy loaded",
              (heavy, lout[-300:], lerr, eout[-300:], eerr))

    # 4. handed over: the engine runs (its libraries loaded in the same process), same answers
    rc, out, err, loaded = run(BIN, ["run", "--config-help"], tmp, debug=os.path.join(tmp, "ld"))
    erc, eout, eerr, _ = run(ENGINE, ["run", "--config-help"], tmp)
    check(rc == 0 and out == eout and any("libpetsc" in f for f in loaded),
          "alamod run --config-help: handed to alamod-engine (libpetsc loaded), the engine's text", err)
    # a nonlinear model at a site (cycled to its equilibrium, no SNES): run here too, the engine's output
    site_mil = ["site", "--model", "millennial", "--forcing", forcing, "--out", "mil.csv"]
    lw, ew = os.path.join(tmp, "mil_light"), os.path.join(tmp, "mil_engine")
    os.makedirs(lw), os.makedirs(ew)
    rc, out, err, loaded = run(BIN, site_mil, lw, debug=os.path.join(tmp, "ld"))
    erc, eout, eerr, _ = run(ENGINE, site_mil, ew)
    heavy = sorted(f for f in loaded if HEAVY.search(f))
    check(rc == 0 and erc == 0 and loaded and not heavy and out == eout and err == eerr,
          "alamod site --model millennial: run here (nothing heavy loaded), the engine's messages", heavy or out + err)
    check(os.path.exists(os.path.join(lw, "mil.csv")) and same_files(os.path.join(lw, "mil.csv"), os.path.join(ew, "mil.csv")),
          "alamod site --model millennial: output byte for byte the engine's")
    # a site command that reads or writes NetCDF: handed over (netCDF is the engine's), the engine's output
    nc_list = os.path.join(tmp, "nc_sites.csv")
    with open(nc_list, "w") as fh:
        fh.write("site_id,forcing\nbroadbalk,%s\n" % broadbalk)
    nc_in, nc_out = os.path.join(tmp, "nc_sites.nc"), os.path.join(tmp, "nc_results.nc")
    rc, out, err, loaded = run(BIN, ["site", "--forcing-list", nc_list, "--write-netcdf", nc_in], tmp,
                               debug=os.path.join(tmp, "ld"))
    check(rc == 0 and os.path.exists(nc_in) and any("libnetcdf" in f for f in loaded),
          "alamod site --write-netcdf: handed to alamod-engine (libnetcdf loaded)", out + err)
    rc, out, err, loaded = run(BIN, ["site", "--model", "rothc", "--forcing-netcdf", nc_in, "--out", nc_out], tmp,
                               debug=os.path.join(tmp, "ld"))
    erc, eout, eerr, _ = run(ENGINE, ["site", "--model", "rothc", "--forcing-netcdf", nc_in, "--out", nc_out + "2"], tmp)
    check(rc == 0 and erc == 0 and any("libnetcdf" in f for f in loaded) and out.replace(nc_out, "X") ==
          eout.replace(nc_out + "2", "X"),
          "alamod site --forcing-netcdf: handed to alamod-engine (libnetcdf loaded), the engine's messages", out + err)
    # a serial command given PETSc options: handed over (the engine reads them), the same output
    args = ["rothc", "--official-input", rothc_input, "--out", "OUT", "-snes_type", "newtonls"]
    lw, ew = os.path.join(tmp, "petsc_light"), os.path.join(tmp, "petsc_engine")
    os.makedirs(lw), os.makedirs(ew)
    rc, out, err, loaded = run(BIN, args, lw, debug=os.path.join(tmp, "ld"))
    erc, eout, eerr, _ = run(ENGINE, args, ew)
    check(rc == 0 and erc == 0 and any("libpetsc" in f for f in loaded) and out == eout and err == eerr and
          same_files(os.path.join(lw, "OUT/year_results.csv"), os.path.join(ew, "OUT/year_results.csv")),
          "alamod rothc with a PETSc option: handed to alamod-engine (libpetsc loaded), the engine's output", out + err)
    # a bad command line of a handed-over command: the engine's exit code 2
    rc, out, err, _ = run(BIN, ["run", "--no-such-option", "x.toml"], tmp)
    erc, eout, eerr, _ = run(ENGINE, ["run", "--no-such-option", "x.toml"], tmp)
    check(rc == 2 and erc == 2 and err == eerr, "alamod run with a bad option: exit 2, the engine's message", err)

    # a bad command line that CLI11 rejects (a missing required option, a value out of range): one line in the
    # form of every other error, naming the subcommand's --help (was two lines, "Run with --help ...")
    for args, words in ((["site", "--forcing", "x.csv", "--out", "y.csv"], "--model is required (see alamod site --help)"),
                        (["run", "c.toml", "--out", "o", "--ensemble", "1"], "(see alamod run --help)")):
        rc, out, err, _ = run(BIN, args, tmp)
        lines = err.splitlines()
        check(rc == 2 and len(lines) == 1 and lines[0].startswith("alamod: error: ") and words in lines[0], f"alamod {' '.join(args)}: exit 2, one line 'alamod: error: ...{words}'", err)
    # an engine beside alamod that is not executable: named, exit 3 (was "neither beside this executable nor in ...")
    inst = os.path.join(tmp, "inst")
    os.makedirs(inst)
    shutil.copy(BIN, os.path.join(inst, "alamod"))
    shutil.copy(ENGINE, os.path.join(inst, "alamod-engine"))
    os.chmod(os.path.join(inst, "alamod-engine"), 0o644)
    rc, out, err, _ = run(os.path.join(inst, "alamod"), ["run", "--config-help"], tmp)
    check(rc == 3 and err.strip() == "alamod: internal error: cannot start the engine %s: not executable by this user"
          % os.path.join(inst, "alamod-engine"), "an engine that is not executable: exit 3, one line naming it", err)

    # 5. under a launcher: `mpiexec -n 2 alamod rothc` writes once (rank 0) and both ranks exit 0
    work = os.path.join(tmp, "np2")
    os.makedirs(work)
    p = subprocess.run(["mpiexec", "-n", "2", BIN, "rothc", "--official-input", rothc_input, "--out", "OUT"], cwd=work,
                       capture_output=True, text=True, timeout=120)
    check(p.returncode == 0 and same_files(os.path.join(work, "OUT/month_results.csv"),
                                           os.path.join(tmp, "engine_rothc_official_input/OUT/month_results.csv")),
          "mpiexec -n 2 alamod rothc: exit 0, the same output", p.stdout + p.stderr)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{'FAILED' if FAILURES else 'passed'}: {len(FAILURES)} failure(s)")
sys.exit(1 if FAILURES else 0)
