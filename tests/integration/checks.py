"""What the end-to-end test scripts share: PASS/FAIL lines, the verdict, their common arguments."""
import argparse
import sys

results = []


def check(name, ok, detail=""):
    """Record one assertion and print it (the detail only on failure)."""
    results.append(ok)
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f": {detail}"), flush=True)


def run_arguments():
    """--alamod BIN --source-dir DIR --work DIR, the arguments of every script that runs alamod."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--work", required=True)
    return ap.parse_args()


def finish():
    """Print the tally and exit 1 if any check failed."""
    n_fail = results.count(False)
    print(f"{len(results) - n_fail} passed, {n_fail} failed")
    sys.exit(1 if n_fail else 0)
