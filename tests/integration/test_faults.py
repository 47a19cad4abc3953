#!/usr/bin/python3
"""Faults a run must survive and damaged state or absurd values it must refuse (docs/FAULTS.md).

Usage: /usr/bin/python3 tests/integration/test_faults.py --alamod build/engine/alamod --ranks 2 \
           --source-dir . [--only NAME,...] [--mpi-only] [--keep]

Uses the tiny grid case of test_bad_input.py (40 x 30 cells of 8 km, 1990-1991) and the shipped site
datasets. Every case has a time limit: a hang is a failure. --mpi-only runs the cases whose outcome can
depend on the rank count (a full disk during the collective write, concurrent runs, signals); the others
run once, on the rank count given.

Prints one line per case and a final line "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_bad_input as tb  # noqa: E402  (the tiny case, run(), expect_error(), report())

from osgeo import gdal  # noqa: E402

OUT_NAME, TMP_NAME = tb.OUT_NAME, tb.TMP_NAME


def env():
    e = dict(os.environ)
    e.setdefault("OMPI_ALLOW_RUN_AS_ROOT", "1")
    e.setdefault("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
    e.setdefault("OMPI_MCA_rmaps_base_oversubscribe", "1")
    e.setdefault("OMPI_MCA_odls_base_sigkill_timeout", "0")
    return e


def start(args, cmd, ranks=None):
    """An alamod run under mpiexec in the background (its own process group)."""
    full = [args.mpiexec, "-n", str(ranks or args.ranks), args.alamod] + cmd
    return subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(),
                            start_new_session=True)


def finish(p, timeout):
    """(rc, out, err, timed_out) of a background run, killed after timeout seconds."""
    try:
        out, err = p.communicate(timeout=timeout)
        return p.returncode, out, err, False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return p.returncode, out, err, True


def opens(path):
    """'' when xarray opens the file and reads cSoil, else why not."""
    import xarray as xr
    try:
        with xr.open_dataset(path) as ds:
            ds["cSoil"].load()
        return ""
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        return "cannot open %s: %s" % (path, e)


def expect_success(args, name, cmd, out_dir, timeout=120, extra=None):
    r = tb.run(args, cmd, timeout)
    why = []
    if r.timed_out:
        why.append("no answer within %d s (hang?)" % timeout)
    elif r.rc != 0:
        why.append("exit status %d, expected 0" % r.rc)
    else:
        why += [w for w in [opens(os.path.join(out_dir, OUT_NAME))] if w]
    if extra:
        why += extra(r)
    tb.report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))
    return r


# ------------------------------------------------------------------------------------------------
# 1. a full disk during the collective write
# ------------------------------------------------------------------------------------------------

def disk_full(args, case):
    mnt = os.path.join(case.root, "small_disk")
    os.makedirs(mnt)
    # room for the temporary file's header and a little data, not for the whole output
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", mnt]).returncode != 0:
        tb.report("disk_full_during_write", False, 0.0, "cannot mount a small tmpfs (root needed)")
        return
    try:
        out = os.path.join(mnt, "out")
        cfg = case.config("disk_full")
        r = tb.run(args, ["run", cfg, "--out", out, "--quiet", "--set", "output.deflate_level=0",
                          "--set", "output.precision=\"double\""], timeout=60)
        why = []
        if r.timed_out:
            why.append("no answer within 60 s (hang)")
        elif r.rc != 1:
            why.append("exit status %d, expected 1 (bad input or environment: the disk is full)" % r.rc)
        lines = r.error_lines()
        if not r.timed_out and len(lines) != 1:
            why.append("%d 'alamod: error:' lines, expected 1" % len(lines))
        elif lines and not any(w in lines[0] for w in ("No space", "no space", "disk full", "full")):
            why.append("the error line does not say the disk is full")
        if os.path.isdir(out):
            left = sorted(os.listdir(out))
            if left:
                why.append("left behind: %s" % ", ".join(left))
        tb.report("disk_full_during_write", not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))
    finally:
        subprocess.run(["umount", "-l", mnt])


# ------------------------------------------------------------------------------------------------
# 1b. a rank that stops (or a file system that stalls) while the others wait in a collective call
# ------------------------------------------------------------------------------------------------

def stalled_rank(args, case):
    """SIGSTOP one rank of a run on several ranks once its checkpoints have begun: the others soon wait in a
    collective call that never ends. The run must stop within seconds of checkpoint.stall_limit_s (exit 1,
    one error line saying so), leave no unfinished file, keep its last checkpoint, and `--restart` must then
    complete it with the bits of an uninterrupted run. (One rank has no collective call to wait in.)"""
    if args.ranks < 2:
        return
    name, end_year, limit = "stalled_rank_stops_the_run", 2060, 3
    france = os.path.join(args.source_dir, "configs", "france_default.toml")
    out = case.out(name)
    base = ["run", france, "--out", out, "--quiet", "--set", "run.end_year=%d" % end_year]
    p = start(args, base + ["--checkpoint-every", "2", "--set", "checkpoint.stall_limit_s=%d" % limit])
    t_start = time.monotonic()
    while p.poll() is None and time.monotonic() - t_start < 90 and len(checkpoints(out)) < 2:
        time.sleep(0.01)
    pids = sorted(rank_pids(out))
    why = []
    if p.poll() is not None or len(pids) != args.ranks:
        why.append("the run ended (or its %d ranks could not be found) before it could be stopped" % args.ranks)
    else:
        os.kill(pids[-1], signal.SIGSTOP)  # the rank started last: not necessarily rank 0
    t0 = time.monotonic()
    rc, o, err, to = finish(p, limit * 20 + 30)
    took = time.monotonic() - t0
    for pid in rank_pids(out):  # none should be left; never leave one behind
        os.kill(pid, signal.SIGKILL)
        os.kill(pid, signal.SIGCONT)
    if not why:
        lines = [line for line in err.splitlines() if line.startswith("alamod: error:")]
        if to:
            why.append("no exit within %d s of the stop (hang)" % (limit * 20 + 30))
        elif rc != 1:
            why.append("exit status %d, expected 1" % rc)
        if not to and (len(lines) != 1 or "no progress" not in lines[0] or "stall_limit_s" not in lines[0]):
            why.append("expected one error line saying the run made no progress and naming "
                       "checkpoint.stall_limit_s, got: %s" % lines)
        left = [f for f in os.listdir(out) if f.endswith(".incomplete")] if os.path.isdir(out) else []
        if left:
            why.append("unfinished files left: %s" % left)
        if not checkpoints(out):
            why.append("no checkpoint kept")
        elif not to:
            r = tb.run(args, base + ["--restart"], timeout=180)
            if r.rc != 0:
                why.append("--restart exited %d: %s" % (r.rc, r.err.strip()[-300:]))
            elif output_variables(os.path.join(out, OUT_NAME)) != uninterrupted(args, case, end_year):
                why.append("the restarted run's output differs from an uninterrupted run's")
    if args.verbose:
        print("    exit %s %.1f s after the stop: %s" % (rc, took, err.strip()[-400:]))
    tb.report(name, not why, time.monotonic() - t_start, "; ".join(why) + ("\n" + err[-800:] if why else ""))


# ------------------------------------------------------------------------------------------------
# 2. long paths
# ------------------------------------------------------------------------------------------------

def long_paths(args, case):
    cfg = case.config("long_path")
    parent = os.path.join(case.root, "long")
    # Open MPI's default parallel I/O (ompio) takes file names of up to 255 - len(".locktest.") - digits of
    # the largest rank characters; the longest name alamod opens is a checkpoint's temporary file
    limit = 255 - 10 - len(str(args.ranks - 1))
    longest = "/" + OUT_NAME.split(".")[0] + ".checkpoint_1991.nc.incomplete"
    romio = {"OMPI_MCA_io": "romio321"}  # or without the part of ompio that crashes: both must run
    for name, length, flags, env_extra in (
            ("long_out_path_236", 236, [], {}), ("long_out_path_300", 300, [], {}),
            ("long_out_path_at_limit", limit - len(longest), ["--checkpoint-every", "1"], {}),
            ("long_out_path_over_limit", limit - len(longest) + 1, ["--checkpoint-every", "1"], {}),
            ("long_out_path_236_romio", 236, ["--checkpoint-every", "1"], romio),
            ("long_out_path_236_no_lockedfile", 236, ["--checkpoint-every", "1"],
             {"OMPI_MCA_sharedfp": "^lockedfile"})):
        out = parent + "/" + "d" * max(1, length - len(parent) - 1)
        saved = {k: os.environ.get(k) for k in env_extra}
        os.environ.update(env_extra)
        try:
            r = tb.run(args, ["run", cfg, "--out", out, "--quiet"] + flags, timeout=60)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        why = []
        must_run = name.endswith(("at_limit", "romio", "lockedfile"))
        must_refuse = name.endswith("over_limit")
        if r.timed_out:
            why.append("no answer within 60 s")
        elif r.rc == 0:
            w = opens(os.path.join(out, OUT_NAME))
            if w:
                why.append(w)
            if must_refuse:
                why.append("exit 0, expected a refusal one character over the limit")
        else:
            lines = r.error_lines()
            if r.rc != 1 or len(lines) != 1 or "characters" not in lines[0]:
                why.append("exit status %d, expected 0 or a clear refusal (exit 1 naming the length limit)" % r.rc)
            elif must_run:
                why.append("refused, expected to run (%s)" % lines[0][-160:])
        tb.report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))
        shutil.rmtree(parent, ignore_errors=True)


# ------------------------------------------------------------------------------------------------
# 3. two runs on the same output
# ------------------------------------------------------------------------------------------------

def lock_holder(out):
    """The first line of the output's lock file ('' when there is none)."""
    try:
        with open(os.path.join(out, "." + OUT_NAME + ".lock")) as f:
            return f.readline().strip()
    except OSError:
        return ""


def wait_for_lock(out, stale="", timeout=30.0):
    """Waits until a run (other than the stale holder) holds the output's lock."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        holder = lock_holder(out)
        if holder and holder != stale:
            return True
        time.sleep(0.05)
    return False


def concurrent_pair(args, name, cmd, out, t0, stale=""):
    """Starts two runs of cmd, the second once the first holds the output; the second must be refused."""
    first = start(args, cmd)
    if not wait_for_lock(out, stale):
        time.sleep(1.5)  # (the first run holds the output by now: input and spin-up take longer)
    second = start(args, cmd)
    rc2, _, err2, to2 = finish(second, 60)
    rc1, _, err1, to1 = finish(first, 180)
    why = []
    if to1 or to2:
        why.append("a run did not finish (hang)")
    if rc1 != 0:
        why.append("the first run exited %s (stderr: %s)" % (rc1, err1.strip()[-300:]))
    lines = [l for l in err2.splitlines() if l.startswith("alamod: error:")]
    if rc2 != 1 or len(lines) != 1 or not any(w in lines[0] for w in ("in use", "another run", "locked")):
        why.append("the second run exited %s, expected 1 with one error line saying the output is in use "
                   "(stderr: %s)" % (rc2, err2.strip()[-300:]))
    if not why:
        w = opens(os.path.join(out, OUT_NAME))
        if w:
            why.append(w)
    left = [f for f in os.listdir(out) if f.startswith(".")] if os.path.isdir(out) else []
    if not why and left:
        why.append("left behind: %s" % ", ".join(sorted(left)))
    tb.report(name, not why, time.monotonic() - t0, "; ".join(why))


def concurrent_runs(args, case):
    cfg = os.path.join(args.source_dir, "configs", "france_default.toml")
    for name, flags in (("concurrent_fresh_runs", []), ("concurrent_overwrite_runs", ["--overwrite"])):
        out = case.out(name)
        cmd = ["run", cfg, "--out", out, "--quiet", "--set", "run.end_year=2040"] + flags
        concurrent_pair(args, name, cmd, out, time.monotonic())

    # two --restart runs of a run killed after a checkpoint: its lock is stale (the first restart takes it
    # over), the second restart is refused
    name = "concurrent_restart_runs"
    out = case.out(name)
    base = ["run", cfg, "--out", out, "--quiet", "--set", "run.end_year=2040"]
    t0 = time.monotonic()
    checkpointed, stale = killed_after_checkpoint(args, base, out)
    if not (checkpointed and stale):
        tb.report(name, False, time.monotonic() - t0, "the killed run left no checkpoint or no lock file")
        return
    concurrent_pair(args, name, base + ["--restart"], out, t0, stale)


def rank_pids(out):
    """PIDs of the alamod rank processes writing into `out` (not mpiexec)."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if os.path.basename(argv[0]).startswith(b"alamod") and out.encode() in argv:
            pids.append(int(pid))
    return pids


def killed_after_checkpoint(args, base, out):
    """Runs `base` with a checkpoint every 3 years and SIGKILLs it after the first; returns whether a
    checkpoint was written and the lock file's record of the killed run ('' when there is none), once its
    lock is stale."""
    t0 = time.monotonic()
    p = start(args, base + ["--checkpoint-every", "3"])
    while time.monotonic() - t0 < 60 and not any(f.startswith(OUT_NAME.split(".")[0] + ".checkpoint_") and
                                                 f.endswith(".nc") for f in
                                                 (os.listdir(out) if os.path.isdir(out) else [])):
        time.sleep(0.05)
    # the ranks first (they would outlive mpiexec for a moment), as a node failure would stop them
    for pid in rank_pids(out):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.killpg(p.pid, signal.SIGKILL)
    finish(p, 10)
    checkpointed = any(f.startswith(OUT_NAME.split(".")[0] + ".checkpoint_") and f.endswith(".nc")
                       for f in (os.listdir(out) if os.path.isdir(out) else []))
    stale = lock_holder(out)
    if not stale:
        time.sleep(2.0)  # (no lock to watch: the ranks outlive mpiexec for a moment)
        return checkpointed, ""
    # the ranks outlive mpiexec for a moment: wait until the kernel has released their lock
    import fcntl
    with open(os.path.join(out, "." + OUT_NAME + ".lock")) as f:
        while time.monotonic() - t0 < 60:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(f, fcntl.LOCK_UN)
                break
            except OSError:
                time.sleep(0.05)
    return checkpointed, stale


# ------------------------------------------------------------------------------------------------
# 4. writing through planted links, 5. --overwrite destroying what it should not
# ------------------------------------------------------------------------------------------------

def planted_links(args, case):
    cfg = case.config("links")
    victim_dir = os.path.join(case.root, "elsewhere")
    os.makedirs(victim_dir, exist_ok=True)
    every = ["--checkpoint-every", "1"]

    def check(name, out, victim, r, link_kept=False):
        why = []
        with open(victim, "rb") as f:
            if f.read() != b"precious\n":
                why.append("the link's target outside the output folder was overwritten")
        final = os.path.join(out, OUT_NAME)
        if os.path.islink(final) and not (link_kept and r.rc == 1):
            why.append("the final output is a symbolic link")
        if r.timed_out:
            why.append("no answer within 60 s")
        elif r.rc == 0:
            why += [w for w in [opens(final)] if w]
        elif r.rc != 1 or len(r.error_lines()) != 1:
            why.append("exit status %d, expected 0 or a clear refusal (1)" % r.rc)
        tb.report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))

    def plant(name, out, link_name):
        victim = os.path.join(victim_dir, name + ".txt")
        with open(victim, "w") as f:
            f.write("precious\n")
        link = os.path.join(out, link_name)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(victim, link)
        return victim

    for name, link_name, flags in (
            ("planted_link_output_temporary", TMP_NAME, []),
            ("planted_link_checkpoint", "carbon_yearly.checkpoint_1990.nc", every),
            ("planted_link_snapshot", ".carbon_yearly.nc.checkpoint_1990", every),
            ("planted_link_checkpoint_temporary", "carbon_yearly.checkpoint_1990.nc.incomplete", every),
            ("planted_link_snapshot_temporary", ".carbon_yearly.nc.checkpoint_1990.incomplete", every),
            ("planted_link_lock", "." + OUT_NAME + ".lock", []),
            ("planted_link_output_overwrite", OUT_NAME, ["--overwrite"])):
        out = case.out(name)
        os.makedirs(out, exist_ok=True)
        victim = plant(name, out, link_name)
        r = tb.run(args, ["run", cfg, "--out", out, "--quiet"] + flags, timeout=60)
        check(name, out, victim, r, link_kept=link_name == OUT_NAME)

    # a restart copies the output's snapshot back to the temporary name: not through a link planted there
    name = "planted_link_restart_temporary"
    out = case.out(name)
    base = ["run", cfg, "--out", out, "--quiet"]
    if not stopped_after_first_year(args, base, out):
        tb.report(name, False, 0.0, "the run stopped by SIGTERM left no checkpoint")
        return
    victim = plant(name, out, TMP_NAME)
    check(name, out, victim, tb.run(args, base + ["--restart"], timeout=60))


def stopped_after_first_year(args, base, out):
    """Runs `base` and sends SIGTERM to its ranks as soon as they catch it: the run stops with a checkpoint
    after its first year (exit 75). Returns whether a checkpoint is there."""
    t0 = time.monotonic()
    p = start(args, base)
    signalled = set()
    while p.poll() is None and time.monotonic() - t0 < 60:
        for pid in rank_pids(out):
            if pid in signalled:
                continue
            try:
                with open("/proc/%d/status" % pid) as f:
                    caught = int([l for l in f if l.startswith("SigCgt:")][0].split()[1], 16)
            except (OSError, IndexError):
                continue
            if caught & (1 << (signal.SIGTERM - 1)):  # alamod's handler is in place
                os.kill(pid, signal.SIGTERM)
                signalled.add(pid)
        time.sleep(0.005)
    finish(p, 30)
    return any(f.startswith(OUT_NAME.split(".")[0] + ".checkpoint_") and f.endswith(".nc")
               for f in (os.listdir(out) if os.path.isdir(out) else []))


def overwrite_cases(args, case):
    # an output name that is one of the run's inputs, in the inputs' folder
    data = os.path.join(case.root, "data_copy")
    os.makedirs(data, exist_ok=True)
    clay = os.path.join(data, "clay.tif")
    shutil.copy(case.inputs["clay"], clay)
    with open(clay, "rb") as f:
        before = f.read()
    cfg = case.config("output_is_input", clay=clay)
    r = tb.run(args, ["run", cfg, "--out", data, "--quiet", "--overwrite", "--set", "output.file=\"clay.tif\""],
               timeout=60)
    why = []
    with open(clay, "rb") as f:
        if f.read() != before:
            why.append("the input raster was replaced")
    lines = r.error_lines()
    if r.timed_out or r.rc != 1 or len(lines) != 1 or "input" not in lines[0]:
        why.append("exit status %s, expected 1 with one error line saying the output is an input" % r.rc)
    tb.report("output_name_is_an_input", not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))

    # a file whose name looks like a checkpoint but is not one of alamod's
    cfg = case.config("lookalike")
    out = case.out("lookalike")
    os.makedirs(out, exist_ok=True)
    lookalike = os.path.join(out, "carbon_yearly.checkpoint_1995.nc")
    with open(lookalike, "w") as f:
        f.write("my notes, not a checkpoint\n")

    def kept(r):
        return [] if os.path.exists(lookalike) else ["the look-alike file was deleted"]

    expect_success(args, "checkpoint_lookalike_ignored", ["run", cfg, "--out", out, "--quiet"], out, extra=kept)
    expect_success(args, "checkpoint_lookalike_kept_by_overwrite", ["run", cfg, "--out", out, "--quiet", "--overwrite"],
                   out, extra=kept)


# ------------------------------------------------------------------------------------------------
# 6. restarts that trust what they find
# ------------------------------------------------------------------------------------------------

def kill_run(p, out):
    """SIGKILL a run started by start(): its ranks (Open MPI starts each in a process group of its own, so
    signalling mpiexec's group does not reach them) and mpiexec; returns when the ranks are gone: exited or
    zombies, whose files (and HDF5's locks on them) are closed. A dying rank's command line reads empty before
    its files are closed, so rank_pids() alone would return too early: a checkpoint the rank had open for
    reading (the listing after each checkpoint opens them) could still be locked when the test opens it."""
    killed = rank_pids(out)
    for pid in killed:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    finish(p, 10)

    def alive(pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except (OSError, IndexError):
            return False
    t0 = time.monotonic()
    while (any(alive(pid) for pid in killed) or rank_pids(out)) and time.monotonic() - t0 < 10:
        time.sleep(0.05)


def checkpoints(out):
    return sorted(f for f in os.listdir(out) if ".checkpoint_" in f and f.endswith(".nc")) if os.path.isdir(out) else []


def killed_with_checkpoints(args, base, out, n, timeout=60):
    """Run `base` with a checkpoint every 2 years, SIGKILL it once `n` checkpoints exist; their names."""
    p = start(args, base + ["--checkpoint-every", "2"])
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout and len(checkpoints(out)) < n and p.poll() is None:
        time.sleep(0.02)
    kill_run(p, out)
    return checkpoints(out)


def state_sha256(nc):
    """alamod_state_sha256 of a checkpoint, as grids/checkpoint_file.hpp (state_sha256) defines it: over the
    variables in name order, the name, a zero byte and the SHA-256 of each block of 65,536 land cells (values
    as little-endian doubles)."""
    import hashlib
    h = hashlib.sha256()
    for name in sorted(nc.variables):
        v = nc.variables[name]
        v.set_auto_maskandscale(False)
        a = np.ascontiguousarray(v[:], dtype="<f8")
        h.update(name.encode() + b"\0")
        for s in range(0, len(a), 65536):
            h.update(hashlib.sha256(a[s:s + 65536].tobytes()).digest())
    return h.hexdigest()


def output_variables(path):
    import netCDF4
    with netCDF4.Dataset(path) as nc:
        nc.set_auto_maskandscale(False)
        return {v: nc.variables[v][:].tobytes() for v in ("cSoil", "cSoilPools", "rh", "fCarbonInput", "time")}


_reference = {}


def uninterrupted(args, case, end_year=2100):
    """The output variables of an uninterrupted run of the France 8 km default, 1990-end_year (run once)."""
    if end_year not in _reference:
        out = case.out("uninterrupted_reference_%d" % end_year)
        r = tb.run(args, ["run", os.path.join(args.source_dir, "configs", "france_default.toml"), "--out", out,
                          "--quiet", "--set", "run.end_year=%d" % end_year], timeout=180)
        _reference[end_year] = output_variables(os.path.join(out, OUT_NAME)) if r.rc == 0 else {"failed": r.rc}
    return _reference[end_year]


def restart_cases(args, case):
    import netCDF4
    france = os.path.join(args.source_dir, "configs", "france_default.toml")

    def damage_snapshot(out, ckpt, middle=False):
        """8 KB of random bytes in the checkpoint's output snapshot: from byte 4096 (HDF5 metadata or data,
        depending on the file), or in the middle of the file (compressed data)."""
        year = ckpt.split("checkpoint_")[1].split(".")[0]
        path = os.path.join(out, "." + OUT_NAME + ".checkpoint_" + year)
        with open(path, "r+b") as f:
            f.seek(os.path.getsize(path) // 2 if middle else 4096)
            f.write(os.urandom(8192))

    def for_writing(path):
        """The checkpoint opened for writing; a lock a just-killed rank still held is waited for (2 s at most),
        a file that stays unreadable still fails here."""
        for _ in range(40):
            try:
                return netCDF4.Dataset(path, "a")
            except OSError:
                time.sleep(0.05)
        return netCDF4.Dataset(path, "a")

    def set_pool(out, ckpt, value, keep_checksum=False, prefix=None):
        """Set the first value of the first pool variable (or of the first variable named `prefix`...)."""
        with for_writing(os.path.join(out, ckpt)) as nc:
            var = [v for v in nc.variables if v != "cell" and
                   (v.startswith(prefix) if prefix else not v.startswith("area_fraction"))][0]
            nc.variables[var][0] = value
            if keep_checksum:
                nc.setncattr("alamod_state_sha256", state_sha256(nc))

    def other_model(out, ckpt):
        with for_writing(os.path.join(out, ckpt)) as nc:
            nc.setncattr("alamod_model", "century")

    # (name, checkpoints to wait for, damage(out, names), index of the checkpoint --restart names or None
    #  (newest), (any|all, words) the error line says, whether exit 0 from an intact older one is allowed)
    cases = (
        ("restart_damaged_snapshot", 2, lambda out, c: damage_snapshot(out, c[-1]), None,
         (any, ["snapshot", "checksum", "damaged"]), True),
        ("restart_negative_pool", 2, lambda out, c: set_pool(out, c[-1], -1000.0), None,
         (any, ["negative", "checksum", "damaged"]), True),
        ("restart_other_model_checkpoint", 1, lambda out, c: other_model(out, c[-1]), None,
         (all, ["century", "rothc"]), False),
        # a checkpoint named on the command line is never replaced by another one
        ("restart_damaged_named_checkpoint", 2, lambda out, c: damage_snapshot(out, c[-1], middle=True), -1,
         (any, ["snapshot", "checksum", "damaged"]), False),
        # every checkpoint damaged: a clear refusal
        ("restart_no_intact_checkpoint", 2, lambda out, c: [damage_snapshot(out, x) for x in c], None,
         (all, ["no intact checkpoint", "damaged"]), False),
        # a negative pool behind a valid checksum: refused, naming the pool and the cell
        ("restart_forged_negative_pool", 1, lambda out, c: set_pool(out, c[-1], -1000.0, keep_checksum=True), None,
         (all, ["negative", "pool", "cell (row"]), False),
        # a land-cover fraction outside 0-1 behind a valid checksum: refused, naming the variable and the cell
        ("restart_forged_area_fraction", 1,
         lambda out, c: set_pool(out, c[-1], -0.5, keep_checksum=True, prefix="area_fraction"), None,
         (all, ["area_fraction", "cell (row", "0 to 1"]), False),
    )
    for name, n, damage, named, words, fallback_ok in cases:
        out = case.out(name)
        base = ["run", france, "--out", out, "--quiet"]
        t0 = time.monotonic()
        ckpts = killed_with_checkpoints(args, base, out, n)
        if len(ckpts) < n:
            tb.report(name, False, time.monotonic() - t0, "fewer than %d checkpoints appeared within 60 s" % n)
            continue
        damage(out, ckpts)
        restart = ["--restart"] + ([os.path.join(out, ckpts[named])] if named is not None else [])
        r = tb.run(args, base + restart, timeout=120)
        why = []
        if r.timed_out:
            why.append("no answer within 120 s")
        elif r.rc == 0 and fallback_ok:
            # allowed only when it said it fell back to an intact checkpoint and the result is sound
            if "intact" not in (r.out + r.err):
                why.append("exit 0 without saying the checkpoint was damaged")
            w = opens(os.path.join(out, OUT_NAME))
            if w:
                why.append(w)
            elif output_variables(os.path.join(out, OUT_NAME)) != uninterrupted(args, case):
                why.append("the output differs from an uninterrupted run's")
        elif r.rc == 0:
            why.append("exit 0, expected 1 with one error line")
        elif r.rc != 1 or len(r.error_lines()) != 1:
            why.append("exit status %d, expected 1 with one error line%s" %
                       (r.rc, " (or 0 from an intact checkpoint)" if fallback_ok else ""))
        elif not words[0](w in r.error_lines()[0] for w in words[1]):
            why.append("the error line says %s of %s" % ("none" if words[0] is any else "not all", words[1]))
        tb.report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))


# ------------------------------------------------------------------------------------------------
# 7. non-finite results, 8. extreme but valid climate, 11. input checks that mislead
# ------------------------------------------------------------------------------------------------

def extreme_climate_cases(args, case):
    """8. Every model on a climate 51 degC colder (about -40 degC), 39 degC hotter (about +50 degC) and
    without precipitation: finite, non-negative, plausible stocks (below 5,000 t ha-1) or one clear refusal
    naming the variable (the model's valid range, `alamod models show NAME`); and no carbon input at all:
    the nonlinear models' equilibrium is empty pools, said so, not 20,000 years of cycling per cell."""
    import netCDF4
    import xarray as xr
    climates = []
    for name, shift, dry in (("cold", -51.0, False), ("hot", 39.0, False), ("dry", 0.0, True)):
        path = os.path.join(case.root, "climate_%s.nc" % name)
        tb.write_forcing(path)
        with netCDF4.Dataset(path, "a") as nc:
            for var in ("tas", "pr"):
                nc.variables[var].set_auto_maskandscale(False)
            nc.variables["tas"][:] = nc.variables["tas"][:] + shift
            if dry:
                nc.variables["pr"][:] = 0.0 * nc.variables["pr"][:]
        words = ("pr", "precipitation") if dry else ("tas", "temperature")
        climates.append((name, path, words))
    models = [l.split()[0] for l in subprocess.run([args.alamod, "models"], stdout=subprocess.PIPE, text=True,
                                                   env=env()).stdout.splitlines()[1:]
              if l.strip() and not l.startswith((" ", "`"))]
    # the runs several at once (each its own configuration and output folder), checked in order
    from concurrent.futures import ThreadPoolExecutor
    runs = []
    for name, path, words in climates:
        for model in models:
            cfg = case.config("%s_%s" % (name, model), model=model, climate=path)
            runs.append((name, model, words, case.out("%s_%s" % (name, model)), cfg))
    with ThreadPoolExecutor(tb.default_jobs(args.ranks)) as pool:
        results = list(pool.map(lambda x: tb.run(args, ["run", x[4], "--out", x[3], "--quiet"], timeout=120), runs))
    for (name, model, words, out, _), r in zip(runs, results):
        why = []
        if r.timed_out:
            why.append("no answer within 120 s")
        elif r.rc == 0:
            with xr.open_dataset(os.path.join(out, OUT_NAME)) as ds:
                soc, pools = ds["cSoil"].values, ds["cSoilPools"].values
                if not (np.nanmax(soc) < 5000.0 and np.nanmin(soc) >= 0.0 and np.nanmin(pools) >= 0.0):
                    why.append("exit 0 with stocks %.3g to %.3g t ha-1, pools down to %.3g"
                               % (np.nanmin(soc), np.nanmax(soc), np.nanmin(pools)))
                if np.isinf(soc).any():
                    why.append("exit 0 with infinite stocks")
        else:
            lines = r.error_lines()
            if r.rc != 1 or len(lines) != 1 or not any(w in lines[0] for w in words):
                why.append("exit %d, expected 0 with sane stocks or 1 naming %s" % (r.rc, " or ".join(words)))
        tb.report("%s_climate_%s" % (name, model), not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))

    # no carbon input at all: the equilibrium of Millennial and MIMICS is empty pools, not 20,000 years of cycling
    zero = os.path.join(case.root, "carbon_input_zero.tif")
    src = gdal.Open(case.inputs["carbon_input"])
    ds = gdal.Translate(zero, src, projWin=[tb.XMIN, tb.YMAX, tb.XMAX, tb.YMIN], format="GTiff")
    band = ds.GetRasterBand(1)
    a = band.ReadAsArray()
    a[a > 0] = 0.0
    band.WriteArray(a)
    ds = None
    for model in ("millennial", "mimics"):
        cfg = case.config("zero_input_" + model, model=model, carbon_input=zero)
        out = case.out("zero_input_" + model)
        r = tb.run(args, ["run", cfg, "--out", out, "--quiet"], timeout=60)
        why = []
        if r.timed_out:
            why.append("no answer within 60 s (the spin-up iterates)")
        elif r.rc not in (0, 1):
            why.append("exit status %d" % r.rc)
        elif r.rc == 0:
            with xr.open_dataset(os.path.join(out, OUT_NAME)) as ds:
                soc = ds["cSoil"].values
                if np.nanmax(np.abs(soc)) != 0.0:
                    why.append("exit 0 with stocks up to %.3g t ha-1, expected empty pools" % np.nanmax(np.abs(soc)))
            if "empty pools" not in r.out:
                why.append("the log does not say that the equilibrium is empty pools")
        tb.report("zero_input_spinup_" + model, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))


def value_cases(args, case):
    with tb.concurrently(tb.default_jobs(args.ranks)):  # the refusals below run several at once at the end
        value_cases_queued(args, case)


def value_cases_queued(args, case):
    cfg = case.config("fym_huge")
    tb.expect_error(args, "manure_1e40_refused", ["run", cfg, "--out", case.out("fym_huge"), "--quiet",
                                                  "--set", "land_use.cropland.fym=1e40"],
                    ["land_use.cropland.fym", "1e+40"], case.out("fym_huge"))

    extreme_climate_cases(args, case)

    # a month missing from the climate file is named
    gap = os.path.join(case.root, "climate_gap.nc")
    tb.write_forcing(gap)
    import netCDF4
    full_path = os.path.join(case.root, "climate_gap_src.nc")
    shutil.move(gap, full_path)
    with netCDF4.Dataset(full_path) as src_nc, netCDF4.Dataset(gap, "w", format="NETCDF4") as dst:
        keep = [i for i in range(src_nc.dimensions["time"].size) if i != 14]  # drop 1991-03
        for d, dim in src_nc.dimensions.items():
            dst.createDimension(d, len(keep) if d == "time" else dim.size)
        for n, v in src_nc.variables.items():
            fill = v.getncattr("_FillValue") if "_FillValue" in v.ncattrs() else None
            o = dst.createVariable(n, v.dtype, v.dimensions, fill_value=fill)
            o.setncatts({k: v.getncattr(k) for k in v.ncattrs() if k != "_FillValue"})
            o.set_auto_maskandscale(False)
            v.set_auto_maskandscale(False)
            o[...] = v[keep] if "time" in v.dimensions else v[...]
    cfg = case.config("gap", climate=gap)
    tb.expect_error(args, "climate_month_missing_named", ["run", cfg, "--out", case.out("gap"), "--quiet"],
                    ["climate_gap.nc", "1991-03"], case.out("gap"))

    # negative precipitation over land is refused on the grid, as the site reader does
    r0, c0 = case.first_land_cell_in(1, 1)
    neg = tb.write_forcing(os.path.join(case.root, "climate_negative_pr.nc"), bad=("pr", 1990, 5, 1, 1, -5.0))
    cfg = case.config("negative_pr", climate=neg)
    tb.expect_error(args, "negative_precipitation_refused", ["run", cfg, "--out", case.out("negative_pr"), "--quiet"],
                    ["climate_negative_pr.nc", "'pr'", "1990-05"], case.out("negative_pr"))

    # 1e30 in the climate is reported as the value it is, not as a fill value
    huge = tb.write_forcing(os.path.join(case.root, "climate_1e30.nc"), bad=("tas", 1990, 6, 1, 1, 1e30))
    cfg = case.config("tas_1e30", climate=huge)
    tb.expect_error(args, "climate_1e30_named_as_value", ["run", cfg, "--out", case.out("tas_1e30"), "--quiet"],
                    ["climate_1e30.nc", "'tas'", "1e+30"], case.out("tas_1e30"),
                    extra=lambda r, msg: ["the value is called a fill value"] if "fill" in msg else [])

    # a carbon input of exactly 100 t ha-1 yr-1 is valid (the upper bound is inclusive)
    src = gdal.Open(case.inputs["carbon_input"])
    hundred = os.path.join(case.root, "carbon_input_100.tif")
    ds = gdal.Translate(hundred, src, projWin=[tb.XMIN, tb.YMAX, tb.XMAX, tb.YMIN], format="GTiff")
    band = ds.GetRasterBand(1)
    a = band.ReadAsArray()
    a[r0, c0] = 100.0
    band.WriteArray(a)
    ds = None
    cfg = case.config("input_100", carbon_input=hundred)
    expect_success(args, "carbon_input_100_accepted", ["run", cfg, "--out", case.out("input_100"), "--quiet"],
                   case.out("input_100"))

    # a land mask smaller than the grid: refused by default, naming how many cells it leaves out
    small = os.path.join(case.root, "land_mask_small.tif")
    gdal.Translate(small, gdal.Open(case.inputs["land_mask"]),
                   projWin=[tb.XMIN, tb.YMAX, tb.XMIN + 20 * tb.RES, tb.YMIN], format="GTiff")
    cfg = case.config("small_mask", land_mask=small)
    tb.expect_error(args, "land_mask_smaller_than_grid", ["run", cfg, "--out", case.out("small_mask"), "--quiet"],
                    ["land_mask_small.tif", "grid"], case.out("small_mask"))
    # ... and accepted when inputs.land_mask_partial says so: the cells outside are sea, the log says how many
    expect_success(args, "land_mask_smaller_than_grid_accepted",
                   ["run", cfg, "--out", case.out("small_mask_accepted"), "--set", "inputs.land_mask_partial=true"],
                   case.out("small_mask_accepted"),
                   extra=lambda r: [] if "600 of the grid's 1200 cells" in r.out else ["the log does not count the cells"])

    # 10. a named pipe as an input does not block the run
    fifo = os.path.join(case.root, "clay_fifo.tif")
    os.mkfifo(fifo)
    cfg = case.config("fifo", clay=fifo)
    tb.expect_error(args, "named_pipe_input_refused", ["run", cfg, "--out", case.out("fifo"), "--quiet"],
                    ["clay_fifo.tif", "regular file"], case.out("fifo"), timeout=30)


# ------------------------------------------------------------------------------------------------
# 10. signals
# ------------------------------------------------------------------------------------------------

def stop_hint(text):
    """The `continue with:` command alamod printed, as argv (shell-split), or None."""
    import shlex
    lines = [l for l in text.splitlines() if "continue with: " in l]
    return shlex.split(lines[-1].split("continue with: ", 1)[1]) if lines else None


def signal_cases(args, case):
    """SIGTERM and SIGINT to the launcher, the way SLURM, a user's kill or Ctrl-C sends them.

    jobscripts/launch.sh passes them on as SIGUSR1: the run must stop with a checkpoint and exit 75, within
    seconds. Sent to Open MPI's mpirun itself, they cannot give 75: mpirun 4.1 sets its exit status to 1 before
    it signals the ranks (ess hnp clean_abort), then sends them SIGCONT, SIGTERM odls_base_sigkill_timeout
    seconds later and SIGKILL as long after. What alamod guarantees there, with the timeout the jobscripts set
    (jobscripts/cluster.env): the ranks stop at the next year with a checkpoint and say how to continue
    (or the run had completed), mpiexec ends within the timeouts, nothing is lost. In every case the printed
    `continue with:` command names the output folder as one word (a path with a space); run as printed, it
    completes the run with the same bits as an uninterrupted one (checked for SIGTERM to each launcher and
    SIGINT to mpiexec).
    """
    import shlex
    france = os.path.join(args.source_dir, "configs", "france_default.toml")
    launch = os.path.join(args.source_dir, "jobscripts", "launch.sh")
    sigkill_timeout, end_year = 2, 2060
    version = subprocess.run([args.mpiexec, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=env()).stdout
    open_mpi = "OpenRTE" in version or "Open MPI" in version  # 4.1: "mpiexec (OpenRTE) 4.1.4"
    variants = [("launch_script", sig) for sig in (signal.SIGTERM, signal.SIGINT)] + \
               [("mpiexec", sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGUSR1)] + \
               [("ranks", signal.SIGINT)]  # a terminal's Ctrl-C reaching the ranks (alamod without mpiexec)
    for how, sig in variants:
        name = "signal_%s_to_%s" % (sig.name, how)
        out = case.out(name) + " with space"
        cmd = [args.alamod, "run", france, "--out", out, "--set", "run.end_year=%d" % end_year]
        continued = (how, sig) in (("launch_script", signal.SIGTERM), ("mpiexec", signal.SIGTERM),
                                   ("mpiexec", signal.SIGINT))
        e = env()
        if how == "launch_script":
            e["ALAMOD_LAUNCH"] = args.mpiexec
            full = [launch, "-n", str(args.ranks)] + cmd
        else:
            e["OMPI_MCA_odls_base_sigkill_timeout"] = str(sigkill_timeout)
            # a checkpoint every year makes the years slow enough (8 km) that the run is still going when
            # mpiexec passes the signal on (the continuation below leaves that option out: it changes no result)
            full = [args.mpiexec, "-n", str(args.ranks)] + cmd + (["--checkpoint-every", "1"] if continued else [])
        p = subprocess.Popen(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=e,
                             start_new_session=True)
        # signal once the yearly loop starts (the output file is open), as SLURM or a user's Ctrl-C would: to
        # the launcher only
        t_start = time.monotonic()
        while p.poll() is None and time.monotonic() - t_start < 60 and not os.path.exists(os.path.join(out, TMP_NAME)):
            time.sleep(0.01)
        t0 = time.monotonic()
        if how == "ranks":
            for pid in rank_pids(out):
                os.kill(pid, sig)
        else:
            p.send_signal(sig)
        rc, o, err, to = finish(p, 60)
        took = time.monotonic() - t0
        for pid in rank_pids(out):  # none should be left; never leave one behind
            os.kill(pid, signal.SIGKILL)
        why = []
        hint = stop_hint(o + err)
        complete = os.path.exists(os.path.join(out, OUT_NAME)) and not checkpoints(out)
        if to:
            why.append("no exit within 60 s of the signal")
        elif rc == 75:
            if hint is None:
                why.append("exit 75 without a 'continue with:' command")
        elif rc == 1 and how == "mpiexec" and sig != signal.SIGUSR1 and open_mpi:
            # Open MPI's own status; the ranks must have stopped cleanly (or completed) all the same
            if hint is None and not complete:
                why.append("mpiexec exited 1 and the ranks neither stopped with a checkpoint nor completed")
            if took > 2 * sigkill_timeout + 15:
                why.append("%.1f s from the signal to mpiexec's exit" % took)
        else:
            why.append("exit status %d, expected 75 (stopped with a checkpoint)%s" %
                       (rc, " or Open MPI's 1" if how == "mpiexec" and sig != signal.SIGUSR1 else ""))
        if how == "launch_script" and not to and took > 20:
            why.append("%.1f s from the signal to the exit" % took)
        if hint is not None and not why:
            # the hint names the output folder as one word and continues the run to the same bits
            named = hint[hint.index("--out") + 1] if "--out" in hint[:-1] else None
            if hint[0] != "alamod" or named != out:
                why.append("the 'continue with' command does not quote the output path with a space: %s" %
                           shlex.join(hint))
            elif not checkpoints(out):
                why.append("no checkpoint in %s" % out)
            elif continued:
                again = hint[1:]
                if "--checkpoint-every" in again:
                    k = again.index("--checkpoint-every")
                    again = again[:k] + again[k + 2:]
                r = run_plain(args, again, timeout=180)
                if r.rc != 0:
                    why.append("the printed 'continue with' command exited %d: %s" % (r.rc, r.err.strip()[-300:]))
                elif output_variables(os.path.join(out, OUT_NAME)) != uninterrupted(args, case, end_year):
                    why.append("the continued run's output differs from an uninterrupted run's")
        elif hint is None and not why and complete:
            if output_variables(os.path.join(out, OUT_NAME)) != uninterrupted(args, case, end_year):
                why.append("the completed output differs from an uninterrupted run's")
        if args.verbose:
            print("    exit %s %.1f s after the signal (%.1f s after the start); stopped: %s; completed: %s; "
                  "checkpoints: %s" % (rc, took, t0 - t_start, " ".join(hint) if hint else "no", complete,
                                       checkpoints(out)))
        tb.report(name, not why, time.monotonic() - t_start,
                  "; ".join(why) + ("\n" + err[-800:] if why else ""))


# ------------------------------------------------------------------------------------------------
# 9. site evaluation, 11. site input
# ------------------------------------------------------------------------------------------------

def run_plain(args, cmd, timeout=120):
    t0 = time.monotonic()
    p = subprocess.run([args.mpiexec, "-n", str(args.ranks), args.alamod] + cmd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, env=env(), timeout=timeout)
    return tb.Result(p.returncode, p.stdout, p.stderr, time.monotonic() - t0, False)


def site_cases(args, case):
    sites = os.path.join(args.source_dir, "data", "sites")

    def site_copy(name):
        dst = os.path.join(case.root, "sites_" + name)
        os.makedirs(dst)
        shutil.copytree(os.path.join(sites, "broadbalk"), os.path.join(dst, "broadbalk"))
        return dst, os.path.join(dst, "broadbalk")

    def append_row(path, index=None, change=None):
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        header_rows = [r for r in rows if r and r[0].startswith("#")]
        data = [r for r in rows if r and not r[0].startswith("#")]
        row = list(data[index if index is not None else 2])
        if change:
            row = change(data[0], row)
        with open(path, "a", newline="") as f:
            csv.writer(f).writerow(row)
        return header_rows

    def evaluate_refused(name, folder, words):
        out = os.path.join(case.root, "eval_" + name)
        r = run_plain(args, ["evaluate", "--sites", folder, "--models", "rothc", "--out", out])
        lines = r.error_lines()
        why = []
        if r.rc == 0:
            why.append("exit 0")
        elif len(lines) != 1:
            why.append("%d 'alamod: error:' lines, expected 1" % len(lines))
        else:
            missing = [w for w in words if w not in lines[0]]
            if missing:
                why.append("the error line lacks %s" % missing)
        tb.report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))

    folder, site = site_copy("dup_treatment")
    append_row(os.path.join(site, "treatments.csv"), index=1)
    evaluate_refused("site_duplicate_treatment_row", folder, ["treatments.csv", "duplicate"])

    folder, site = site_copy("dup_site")
    shutil.copytree(site, os.path.join(folder, "broadbalk_copy"))  # the same site_id in two folders
    evaluate_refused("site_duplicate_site_folder", folder, ["treatments.csv", "duplicate site 'broadbalk'"])

    folder, site = site_copy("dup_obs")
    append_row(os.path.join(site, "soc_observations.csv"), index=3)
    evaluate_refused("site_duplicate_observation", folder, ["soc_observations.csv", "duplicate"])

    folder, site = site_copy("absurd_obs")

    def absurd(header, row):
        row[header.index("soc_stock")] = "1e300"
        row[header.index("observation_date")] = "1999"
        return row
    append_row(os.path.join(site, "soc_observations.csv"), index=3, change=absurd)
    evaluate_refused("site_absurd_observed_stock", folder, ["soc_observations.csv", "1e+300"])

    folder, site = site_copy("bad_package")
    with open(os.path.join(site, "datapackage.json"), "w") as f:
        f.write("{ not json")
    evaluate_refused("site_invalid_datapackage", folder, ["datapackage.json"])

    # a model that fails on every series: evaluate must not exit 0
    out = os.path.join(case.root, "eval_failing_model")
    r = run_plain(args, ["evaluate", "--sites", sites, "--only-sites", "broadbalk", "--models", "rothc,millennial",
                         "--out", out])  # Millennial needs a swc column Broadbalk lacks
    why = [] if r.rc != 0 else ["exit 0 although millennial failed on every series"]
    if r.rc != 0:
        if r.rc != 4:
            why.append("exit %d, expected 4 (some runs failed, the others scored)" % r.rc)
        if "6 of 12 runs failed" not in r.err or "millennial on broadbalk/nil:" not in r.err:
            why.append("stderr does not say how many runs failed and which")
        report = os.path.join(out, "report.html")
        html = open(report).read() if os.path.exists(report) else ""
        if "6 of 12 runs failed" not in html or "millennial on broadbalk/nil:" not in html:
            why.append("report.html does not say how many runs failed and which")
        metrics = os.path.join(out, "metrics.csv")
        rows = open(metrics).read().splitlines() if os.path.exists(metrics) else []
        if sum(1 for x in rows if x.startswith("millennial,broadbalk,") and ",run_failed," in x and "swc" in x) != 6:
            why.append("metrics.csv does not list the 6 failed runs (run_failed rows with the reason)")
    tb.report("evaluate_failed_runs_exit_nonzero", not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))

    # a site forcing beyond the size limit: a clear refusal before reading it, not bad_alloc (a sparse file)
    big = os.path.join(case.root, "site_huge_forcing.csv")
    shutil.copy(os.path.join(sites, "broadbalk", "forcing_nil.csv"), big)
    os.truncate(big, (256 << 20) + 1)
    r = run_plain(args, ["site", "--model", "rothc", "--forcing", big, "--out", big + ".out.csv"], timeout=60)
    el = r.error_lines()
    why = []
    if r.rc != 1 or len(el) != 1:
        why.append("exit %d with %d error lines, expected 1 and 1" % (r.rc, len(el)))
    elif "MiB" not in el[0] or big not in el[0]:
        why.append("the error line does not name the file and the size limit")
    if r.seconds > 20:
        why.append("%.0f s to refuse it (read before refused?)" % r.seconds)
    tb.report("site_forcing_beyond_size_limit", not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))
    os.remove(big)

    # site forcing values: hexadecimal numbers and NUL bytes
    forcing = os.path.join(sites, "broadbalk", "forcing_fym1843.csv")
    with open(forcing) as f:
        lines = f.read().splitlines()
    last = len(lines) - 1
    for name, bad, words in (("site_hex_number_refused", "0x10", ["0x10"]),
                             ("site_nul_byte_escaped", "1\x002", ["\\x00"])):
        fields = lines[last].split(",")
        fields[-1] = bad
        text = "\n".join(lines[:last] + [",".join(fields)]) + "\n"
        path = os.path.join(case.root, name + ".csv")
        with open(path, "w") as f:
            f.write(text)
        r = run_plain(args, ["site", "--model", "rothc", "--forcing", path, "--out", path + ".out.csv"])
        el = r.error_lines()
        why = []
        if r.rc != 1 or len(el) != 1:
            why.append("exit %d with %d error lines, expected 1 and 1" % (r.rc, len(el)))
        else:
            why += ["the error line lacks %r" % w for w in words if w not in el[0]]
            if "\x00" in r.err:
                why.append("a raw NUL byte in the message")
            if ":%d" % (last + 1) not in el[0]:
                why.append("the error line does not name line %d" % (last + 1))
        tb.report(name, not why, r.seconds, "; ".join(why) + (r.dump() if why else ""))


CASES = {
    "disk_full": (disk_full, True), "stalls": (stalled_rank, True), "long_paths": (long_paths, False), "concurrent": (concurrent_runs, True),
    "links": (planted_links, False), "overwrite": (overwrite_cases, False), "restart": (restart_cases, True),
    "values": (value_cases, False), "signals": (signal_cases, True), "sites": (site_cases, False),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--mpiexec", default=shutil.which("mpiexec") or "mpiexec")
    ap.add_argument("--only", help="comma-separated groups: " + ", ".join(CASES))
    ap.add_argument("--mpi-only", action="store_true", help="only the groups whose outcome depends on the rank count")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    args.alamod = os.path.abspath(args.alamod)
    args.source_dir = os.path.abspath(args.source_dir)
    groups = args.only.split(",") if args.only else [g for g, (_, mpi) in CASES.items() if mpi or not args.mpi_only]
    t0 = time.monotonic()
    root = tempfile.mkdtemp(prefix="alamod_faults_np%d_" % args.ranks)
    try:
        case = tb.Case(root, args.source_dir)
        for g in groups:
            CASES[g][0](args, case)
    finally:
        if args.keep or tb.failed:
            print("temporary files kept in " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("%d ranks, %.1f s in all" % (args.ranks, time.monotonic() - t0))
    print("%d passed, %d failed" % (tb.passed, tb.failed))
    return 1 if tb.failed or not tb.passed else 0


if __name__ == "__main__":
    sys.exit(main())
