#!/usr/bin/python3
"""The national jobscript on a real single-node SLURM started by this test.

Starts munged, slurmctld and slurmd in a private folder (root, no systemd), submits
jobscripts/national_run.sbatch on a small case with a short time limit, and checks that
SLURM signalled the job before its limit, that the job checkpointed and requeued itself,
that the requeued job finished from the checkpoint, and that the result is bitwise
identical to an uninterrupted run.

  test_slurm.py --alamod PATH --source-dir DIR --work DIR
"""
import hashlib
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import netCDF4

from checks import check, finish, run_arguments


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalSlurm:
    """munged + slurmctld + slurmd for one node called localhost, all under `root_dir`."""

    def __init__(self, root_dir):
        self.d = root_dir
        self.procs = []
        self.env = dict(os.environ, SLURM_CONF=os.path.join(root_dir, "slurm.conf"))

    def start(self):
        d = self.d
        shutil.rmtree(d, ignore_errors=True)
        for sub in ("", "state", "spool", "tmp", "munge"):
            os.makedirs(os.path.join(d, sub), exist_ok=True)
            os.chmod(os.path.join(d, sub), 0o755)
        key = os.path.join(d, "munge", "munge.key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        sock = os.path.join(d, "munge", "munge.socket")
        self.munged = subprocess.Popen(["munged", "-F", "--force", f"--key-file={key}", f"--socket={sock}",
                                        f"--pid-file={d}/munge/munged.pid", f"--log-file={d}/munge/munged.log",
                                        f"--seed-file={d}/munge/munged.seed"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(self.munged)
        for _ in range(50):
            if os.path.exists(sock):
                break
            time.sleep(0.1)
        ctld, slurmd = free_port(), free_port()
        ncpu = os.cpu_count() or 2
        # MinJobAge=10 keeps `sbatch --wait` polling every 2-8 s (it polls less often the longer finished jobs
        # are kept) and sched_interval=1 lets the builtin scheduler start a requeued or new job within a
        # second instead of the default 60 s loop: the test waits for the jobs, not for the scheduler.
        with open(os.path.join(d, "slurm.conf"), "w") as f:
            f.write(f"""ClusterName=alamodtest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={sock},cred_expire=10
CredType=cred/munge
SlurmctldPort={ctld}
SlurmdPort={slurmd}
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
TmpFS={d}/tmp
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/slurmctld.log
SlurmdLogFile={d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobRequeue=1
ReturnToService=2
InactiveLimit=0
KillWait=10
MinJobAge=10
OverTimeLimit=0
NodeName=localhost CPUs={ncpu} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
""")
        self.procs.append(subprocess.Popen(["slurmctld", "-D", "-i"], env=self.env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5)
        self.procs.append(subprocess.Popen(["slurmd", "-D", "-N", "localhost"], env=self.env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(100):
            p = subprocess.run(["sinfo", "-h", "-o", "%T"], env=self.env, capture_output=True, text=True)
            if p.stdout.strip() in ("idle", "mixed", "allocated"):
                return True
            time.sleep(0.2)
        return False

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in reversed(self.procs):
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()

    def log(self, name):
        try:
            with open(os.path.join(self.d, name)) as f:
                return f.read()
        except OSError:
            return ""


COMPARED = ("cSoilPools", "cSoil", "rh", "fCarbonInput", "time")


def _digests(path, name, first, last):
    """SHA-256 of the raw bytes (fill values included) of time steps first..last-1 of a variable, one each."""
    with netCDF4.Dataset(path) as ds:
        v = ds.variables[name]
        v.set_auto_maskandscale(False)
        return [hashlib.sha256(v[t].tobytes()).hexdigest() for t in range(first, last)]


def fingerprints(path, pool):
    """{variable: (dtype, shape, SHA-256 of each time step's raw values)} of the compared variables, computed by
    the processes of `pool` (a 1 km output holds 4 GB of them: hashing a step at a time keeps the memory small,
    and lets the reference's be computed while the job still runs). Equal fingerprints: bitwise equal values."""
    with netCDF4.Dataset(path) as ds:
        shapes = {n: (ds.variables[n].dtype.str, ds.variables[n].shape) for n in COMPARED}
    tasks = []
    for n, (_, shape) in shapes.items():
        steps = shape[0] if len(shape) > 1 else 0
        if steps == 0:  # the time axis itself: one piece
            tasks.append((n, pool.apply_async(_digests_whole, (path, n))))
        else:
            for first in range(0, steps, 16):
                tasks.append((n, pool.apply_async(_digests, (path, n, first, min(steps, first + 16)))))
    return tasks, shapes


def _digests_whole(path, name):
    with netCDF4.Dataset(path) as ds:
        v = ds.variables[name]
        v.set_auto_maskandscale(False)
        return [hashlib.sha256(v[:].tobytes()).hexdigest()]


def collect(pending):
    tasks, shapes = pending
    out = {n: [] for n in shapes}
    for n, r in tasks:
        out[n] += r.get(timeout=600)
    return {n: (shapes[n], out[n]) for n in shapes}


def main():
    a = run_arguments()
    for tool in ("munged", "slurmctld", "slurmd", "sbatch"):
        if shutil.which(tool) is None:
            print(f"FAIL {tool} is not installed (scripts/install_deps.sh --with-slurm installs SLURM)")
            print("0 passed, 1 failed")
            sys.exit(1)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    # The case: France 1 km, 1990-2100 (about 45 s on one rank here). The job gets a 1-minute limit with
    # the warning 59 s before it: slurmctld checks time limits every 30 s, so the warning reaches the job
    # within its first 30 s, well before it could finish. Each requeued part is warned again, so the run
    # may take several parts; each continues from the newest checkpoint.
    case = ["--set", "run.end_year=2100"]
    cfg = os.path.join(a.source_dir, "configs/france_1km.toml")
    ref_dir = os.path.join(a.work, "reference")
    slurm = LocalSlurm(os.path.join(a.work, "slurm"))
    try:
        check("single-node SLURM is up", slurm.start(), slurm.log("slurmctld.log")[-800:])
        # The uninterrupted reference runs beside the job (the job has to wait for its signal anyway).
        t0 = time.time()
        reference = subprocess.Popen(["mpiexec", "-n", "2", a.alamod, "run", cfg, "--out", ref_dir, "--quiet",
                                      *case], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        out = os.path.join(a.work, "national")
        log = os.path.join(a.work, "national.log")
        job_env = dict(env, SLURM_CONF=slurm.env["SLURM_CONF"], ALAMOD_HOME=a.source_dir, ALAMOD_BIN=a.alamod,
                       ALAMOD_CONFIG=cfg, ALAMOD_OUT=out, ALAMOD_RANKS="1", ALAMOD_CHECKPOINT_EVERY="0",
                       ALAMOD_EXTRA_ARGS=" ".join(case), ALAMOD_LAUNCH="mpirun")
        # The reference ran on 2 ranks, the job runs on 1: outputs do not depend on the rank count.
        # cred_expire=10 (slurm.conf) lets a requeued job start again after ~10 s instead of 120 s. Once the
        # job has requeued itself, its time limit is raised so the second part finishes without another
        # warning: exactly one signal, one checkpoint, one requeue.
        p = subprocess.Popen(["sbatch", "--parsable", "--wait", "-n", "1", "--time=1", "--signal=B:USR1@59",
                              f"--output={log}", os.path.join(a.source_dir, "jobscripts/national_run.sbatch")],
                             env=job_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        job_id, raised = None, False
        # The reference's fingerprints are computed as soon as it has finished, on the core the 1-rank job
        # leaves free (processes forked before any netCDF file is opened here).
        ref_pool, ref_prints = multiprocessing.get_context("fork").Pool(1), None
        ref_path = os.path.join(ref_dir, "carbon_yearly.nc")
        deadline = time.time() + 600
        while p.poll() is None and time.time() < deadline:
            time.sleep(1)
            if ref_prints is None and reference.poll() == 0 and os.path.exists(ref_path):
                ref_prints = fingerprints(ref_path, ref_pool)
            if job_id is None:
                q = subprocess.run(["squeue", "-h", "-o", "%i"], env=slurm.env, capture_output=True, text=True)
                job_id = q.stdout.split()[0] if q.stdout.split() else None
            if job_id and not raised and os.path.exists(log) and "requeueing job" in open(log).read():
                subprocess.run(["scontrol", "update", f"JobId={job_id}", "TimeLimit=10"], env=slurm.env,
                               capture_output=True)
                raised = True
        if p.poll() is None:
            p.kill()
        _, sbatch_err = p.communicate()
        with open(log) as f:
            text = f.read()
        print(text)
        check("sbatch --wait returned 0 (the job finished)", p.returncode == 0, sbatch_err[-600:])
        check("SLURM signalled the job before its time limit", "time limit near (SIGUSR1)" in text, text[-800:])
        check("alamod stopped with a checkpoint (exit 75)", "alamod exited with 75" in text)
        check("the job requeued itself", "requeueing job" in text and "restart count 1" in text)
        check("the time limit was raised after the first requeue (scontrol update)", raised)
        print(f"parts run: {text.count('restart count')}, requeues: {text.count('requeueing job')}")
        check("the requeued job restarted from the checkpoint", "--restart" in text or "restart from" in text)
        check("the final run exited 0", "alamod exited with 0" in text)
        final = os.path.join(out, "carbon_yearly.nc")
        check("final output exists", os.path.exists(final))
        _, ref_err = reference.communicate()
        check("uninterrupted reference run", reference.returncode == 0, ref_err[-600:])
        print(f"reference run finished {time.time() - t0:.1f} s after it started")
        if os.path.exists(final) and reference.returncode == 0:
            with multiprocessing.get_context("fork").Pool(2) as pool:
                got = collect(fingerprints(final, pool))
                ref = collect(ref_prints or fingerprints(ref_path, pool))
            ref_pool.close()
            print(f"outputs compared {time.time() - t0:.1f} s after the reference started")
            for v in COMPARED:
                check(f"{v} bitwise identical to the uninterrupted run", ref[v] == got[v])
        # the calibration jobscript through the same SLURM, submitted with jobscripts/submit.sh: the account and
        # partition of cluster.env reach sbatch, and the job loads ALAMOD_MODULES through a module command (a
        # recording one, set up from MODULESHOME as Lmod's and Environment Modules' init scripts are)
        cal_out = os.path.join(a.work, "calibration", "rothc_fitted.toml")
        cal_log = os.path.join(a.work, "calibration.log")
        modules_home = os.path.join(a.work, "modules")
        module_calls = os.path.join(a.work, "module_calls")
        os.makedirs(os.path.join(modules_home, "init"), exist_ok=True)
        with open(os.path.join(modules_home, "init", "bash"), "w") as f:
            f.write(f'module() {{ echo "module $*" >> "{module_calls}"; }}\n')
        cal_env = dict(job_env, ALAMOD_RANKS="2", ALAMOD_CAL_MODEL="rothc", ALAMOD_CAL_PARAMETERS="k_hum",
                       ALAMOD_CAL_SITES=os.path.join(a.source_dir, "data/sites"), ALAMOD_CAL_OUT=cal_out,
                       ALAMOD_CAL_EXTRA_ARGS="--only-sites broadbalk --cross-validate",
                       ALAMOD_SBATCH_ACCOUNT="alamodtest", ALAMOD_SBATCH_PARTITION="debug",
                       ALAMOD_MODULES="alamod-test/1.0", MODULESHOME=modules_home)
        p = subprocess.run([os.path.join(a.source_dir, "jobscripts/submit.sh"), "calibration.sbatch", "--parsable",
                            "--wait", "-n", "2", "--time=5", f"--output={cal_log}"], env=cal_env,
                           capture_output=True, text=True, timeout=600)
        cal_text = open(cal_log).read() if os.path.exists(cal_log) else ""
        check("calibration jobscript finished through SLURM", p.returncode == 0, p.stderr[-400:] + cal_text[-800:])
        check("submit.sh: the job ran under cluster.env's account and partition",
              "account alamodtest, partition debug" in cal_text, cal_text[:400])
        calls = open(module_calls).read() if os.path.exists(module_calls) else ""
        check("the job loaded ALAMOD_MODULES (module load alamod-test/1.0)",
              calls.strip() == "module load alamod-test/1.0" and "modules: alamod-test/1.0" in cal_text, calls)
        check("calibration wrote a parameter file with k_hum", os.path.exists(cal_out) and
              "k_hum" in open(cal_out).read())
        check("leave-one-site-out file written", os.path.exists(cal_out + ".crossval.csv"))
    finally:
        slurm.stop()
    finish()


main()
