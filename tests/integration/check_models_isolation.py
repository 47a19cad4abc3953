#!/usr/bin/python3
"""Fail if any file under models/ includes an MPI, PETSc, GDAL, netCDF or HDF5 header.

The models library is compiled without those include paths, but the serial
netcdf.h sits in /usr/include, so this scan closes the gap."""
import pathlib
import re
import sys

FORBIDDEN = re.compile(r'^\s*#\s*include\s*[<"](mpi|petsc|gdal|ogr_|cpl_|netcdf|hdf5|H5|pnetcdf|CLI/|toml)', re.M)
root = pathlib.Path(sys.argv[1])
bad = []
files = [p for p in root.rglob("*") if p.suffix in (".hpp", ".h", ".cpp", ".cc")]
for p in files:
    for m in FORBIDDEN.finditer(p.read_text(errors="replace")):
        line = p.read_text(errors="replace")[: m.start()].count("\n") + 1
        bad.append(f"{p}:{line}: {m.group(0).strip()}")
for b in bad:
    print("forbidden include in the models layer:", b)
print(f"{len(files) - len({b.split(':')[0] for b in bad})} passed, {len({b.split(':')[0] for b in bad})} failed")
sys.exit(1 if bad or not files else 0)
