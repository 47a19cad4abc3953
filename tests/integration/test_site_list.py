#!/usr/bin/python3
"""Many sites in one process: `alamod site --model M --forcing-list LIST.csv --out DIR` (docs/SITES.md).

  test_site_list.py --alamod PATH --source-dir DIR --work DIR

- every listed site gets DIR/SITE_ID.csv, byte for byte the output of `alamod site --forcing FILE` for that
  site (relative forcing paths from the list's folder, absolute ones, comments and extra columns);
- bad lists (no forcing column, a site listed twice, a missing forcing file, an unsafe site_id, no rows,
  --forcing together with --forcing-list): exit 1, one error line naming the list and its line, nothing
  written;
- a site whose run fails stops the run with its line and site named, and how many outputs were written before it;
  the sites before it are complete;
- an output already in the folder (without --overwrite) is refused before any site runs.
"""
import os
import shutil
import subprocess

from checks import check, finish, run_arguments

a = run_arguments()
a.alamod = os.path.abspath(a.alamod)
work = os.path.abspath(a.work)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(os.path.join(work, "forcings"))
src = os.path.abspath(a.source_dir)
broadbalk = os.path.join(src, "data/sites/broadbalk/forcing_fym1843.csv")
amg = os.path.join(src, "data/sites/amg_trial1/forcing_fym.csv")
shutil.copy(amg, os.path.join(work, "forcings", "amg.csv"))


def alamod(*args):
    return subprocess.run([a.alamod, *args], capture_output=True, text=True, cwd=work)


def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path


good = write("sites.csv", "# two sites\nsite_id,forcing,note\nbroadbalk,%s,absolute path\namg-trial_1,forcings/amg.csv,relative\n"
             % broadbalk)
for model in ("rothc", "icbm"):
    out = os.path.join(work, "out_" + model)
    r = alamod("site", "--model", model, "--forcing-list", good, "--out", out)
    check(f"{model}: the list runs (exit 0)", r.returncode == 0, r.stderr)
    check(f"{model}: one output per site", sorted(os.listdir(out)) == ["amg-trial_1.csv", "broadbalk.csv"]
          if os.path.isdir(out) else False, os.listdir(out) if os.path.isdir(out) else "no folder")
    for site, forcing in (("broadbalk", broadbalk), ("amg-trial_1", os.path.join(work, "forcings", "amg.csv"))):
        single = os.path.join(work, f"single_{model}_{site}.csv")
        r1 = alamod("site", "--model", model, "--forcing", forcing, "--out", single)
        same = r1.returncode == 0 and os.path.exists(os.path.join(out, site + ".csv")) and \
            open(single).read() == open(os.path.join(out, site + ".csv")).read()
        check(f"{model}: {site}.csv is the single run's output byte for byte", same, r1.stderr)

cases = {
    "no forcing column": ("site_id,file\na,%s\n" % broadbalk, ":1: the header 'site_id,file' has no column 'forcing'"),
    "a list separated by semicolons": ("site_id;forcing\na;%s\n" % broadbalk,
                                       ":1: the header 'site_id;forcing' has no column 'site_id'"),
    "a site twice": ("site_id,forcing\na,%s\na,%s\n" % (broadbalk, broadbalk), ":3 (site_id): 'a' is listed twice"),
    "a missing forcing file": ("site_id,forcing\na,%s\nb,nowhere.csv\n" % broadbalk, ":3 (forcing): no file"),
    "an unsafe site_id": ("site_id,forcing\n../x,%s\n" % broadbalk, ":2 (site_id): '../x' is not a file name"),
    "no rows": ("site_id,forcing\n", ": no site listed under the header"),
}
for name, (text, expected) in cases.items():
    path = write("bad.csv", text)
    out = os.path.join(work, "bad_out")
    shutil.rmtree(out, ignore_errors=True)
    r = alamod("site", "--model", "rothc", "--forcing-list", path, "--out", out)
    lines = r.stderr.strip().splitlines()
    check(f"{name}: exit 1, one line naming the list and line", r.returncode == 1 and len(lines) == 1 and
          (path + expected) in lines[0], r.stderr)
    check(f"{name}: nothing written", not os.path.exists(out), os.listdir(out) if os.path.exists(out) else "")

# a spreadsheet's list: a UTF-8 byte order mark, CRLF lines, quoted fields (were refused: "the header has no column
# 'site_id'", "'\"a\"' is not a file name"); a folder given as the list (was "empty")
sheet = os.path.join(work, "sheet.csv")
with open(sheet, "wb") as f:
    f.write(b'\xef\xbb\xbf"site_id","forcing"\r\n"broadbalk","' + broadbalk.encode() + b'"\r\n')
r = alamod("site", "--model", "rothc", "--forcing-list", sheet, "--out", os.path.join(work, "sheet_out"))
check("a spreadsheet's list (byte order mark, CRLF, quotes) runs", r.returncode == 0 and
      os.listdir(os.path.join(work, "sheet_out")) == ["broadbalk.csv"], r.stderr)
r = alamod("site", "--model", "rothc", "--forcing-list", work, "--out", os.path.join(work, "folder_out"))
check("a folder as the list: exit 1, one line saying so", r.returncode == 1 and r.stderr.strip() ==
      "alamod: error: %s: a folder, expected the forcing list (a CSV file)" % work, r.stderr)
r = alamod("site", "--model", "rothc", "--forcing", broadbalk, "--forcing-list", good, "--out", "x")
check("--forcing with --forcing-list is refused", r.returncode != 0 and "excludes" in r.stderr, r.stderr)

# a site whose forcing the model cannot run: a forcing without its columns
bad_forcing = write("forcings/empty.csv", "year,month,tas\n")
stop = write("stop.csv", "site_id,forcing\nfirst,%s\nbroken,forcings/empty.csv\nlast,%s\n" % (broadbalk, broadbalk))
out = os.path.join(work, "stop_out")
r = alamod("site", "--model", "rothc", "--forcing-list", stop, "--out", out)
check("a failing site: exit 1 naming its line and site", r.returncode == 1 and (stop + ":3 (site broken)") in r.stderr,
      r.stderr)
check("a failing site: the sites before it complete, none after it",
      os.path.isdir(out) and sorted(os.listdir(out)) == ["first.csv"], os.listdir(out) if os.path.isdir(out) else "")
check("a failing site: the message says how many outputs were written before it",
      "(1 site(s) before it written in %s, none after it)" % out in r.stderr, r.stderr)
# the same list again without --overwrite: first.csv exists; refused before any site runs (not after writing some)
fixed = write("fixed.csv", "site_id,forcing\nnew,%s\nfirst,%s\n" % (broadbalk, broadbalk))
r = alamod("site", "--model", "rothc", "--forcing-list", fixed, "--out", out)
lines = r.stderr.strip().splitlines()
check("an existing output in the folder: exit 1, one line naming the list's line, refused before any run",
      r.returncode == 1 and len(lines) == 1 and (fixed + ":3 (site first)") in lines[0] and "nothing run" in lines[0] and
      sorted(os.listdir(out)) == ["first.csv"], r.stderr + str(os.listdir(out)))
finish()
