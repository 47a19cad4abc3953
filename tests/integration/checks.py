"""What the end-to-end test scripts share: PASS/FAIL lines, the verdict, their common arguments, the rank processes
of a run (to stop one in the middle)."""
import argparse
import os
import subprocess
import sys

results = []


def check(name, ok, detail=""):
    """Record one assertion and print it (the detail only on failure)."""
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


def mpi_env():
    """The environment for mpiexec as root on one oversubscribed node (docs/TESTING.md)."""
    return dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_pml="ob1")


def run_arguments():
    """--alamod BIN --source-dir DIR --work DIR, the arguments of every script that runs alamod."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    return ap.parse_args()


def read_all_variables(path):
    """Every variable of a NetCDF file as raw stored values (no mask, no scaling), and its global attributes under
    "__attrs"."""
    import netCDF4
    import numpy as np
    with netCDF4.Dataset(path) as ds:
        out = {}
        for name, v in ds.variables.items():
            v.set_auto_maskandscale(False)
            out[name] = np.array(v[...])
        out["__attrs"] = {k: ds.getncattr(k) for k in ds.ncattrs()}
        return out


def finish():
    """Print the tally and exit 1 if any check failed."""
    n_fail = results.count(False)
    print(f"{len(results) - n_fail} passed, {n_fail} failed")
    sys.exit(1 if n_fail else 0)


def rank_pids(out):
    """PIDs of the alamod rank processes writing into `out` (not mpiexec, not this script)."""
    p = subprocess.run(["pgrep", "-f", "alamod run .* --out %s " % out], capture_output=True, text=True)
    pids = []
    for pid in p.stdout.split():
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv0 = f.read().split(b"\0")[0]
        except OSError:
            continue
        if os.path.basename(argv0) == b"alamod" and int(pid) != os.getpid():
            pids.append(int(pid))
    return pids
