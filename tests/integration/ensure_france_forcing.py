#!/usr/bin/python3
"""Generate the France 8 km forcing (not committed) if it is missing."""
import argparse
import pathlib
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--source-dir", required=True)
a = ap.parse_args()
src = pathlib.Path(a.source_dir)
nc = src / "data/france/forcing/climate_8km_monthly_1990_2100.nc"
if nc.exists():
    print(f"{nc} present")
    sys.exit(0)
r = subprocess.run(["/usr/bin/python3", str(src / "scripts/make_france_default.py"), "--forcing-only",
                    "--out", str(src / "data/france")], cwd=src)
sys.exit(r.returncode if nc.exists() or r.returncode else 1)
