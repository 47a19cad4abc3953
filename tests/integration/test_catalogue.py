#!/usr/bin/python3
"""`alamod catalogue build` end to end: the catalogue and portal of the shipped site packages, a grid run and
an evaluation, checked offline; and its bad inputs.

Usage: /usr/bin/python3 tests/integration/test_catalogue.py --alamod BIN --source-dir DIR --run RUN_DIR --work DIR
       [--chromium PATH]

Checks (one line each, then "N passed, M failed"; exits non-zero on any failure):
- the build: exit 0, one summary line, the files docs/CATALOGUE.md lists;
- STAC: every JSON under stac/ against tests/data/catalogue/stac_1.1_required.schema.json (python3-jsonschema):
  Catalog, Collections and Items with STAC 1.1.0's required fields, the run's collection with the datacube
  extension whose dimensions and variables are those of the run's NetCDF (read back with netCDF4), one point
  item per site package at its site.csv position, an item per output file;
- JSON-LD: catalog.jsonld and the schema.org Dataset of every landing page parse as RDF (python3-rdflib) with
  no remote context; every DCAT dataset has a title, description, identifier, temporal and a licence on each
  distribution; every site's licence and citation are carried;
- links: every href of every JSON file (links, assets, @id of distributions) and every href/src of every HTML
  page that is not a URL of the web resolves to a file inside the folder;
- Chromium (headless, offline: --host-resolver-rules maps every host to nothing): every page renders (the
  DOM has its h1), the search finds Broadbalk by name from the URL hash, the network filter keeps the two
  CAMELS-FR sites, no request beyond Chromium's own for an empty page, screenshots not blank;
- bad input: a site package whose datapackage.json is not JSON, a run folder without its NetCDF output, a
  missing --evaluations folder: one line naming the file, exit 1, no --out folder and no temporary left;
  with --overwrite over an existing catalogue the old one stays whole.
"""
import argparse
import csv
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import jsonschema
import netCDF4
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_report_chromium import CHROMIUM_FLAGS, parse_dom, read_png  # noqa: E402

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + str(detail)[:800]), flush=True)
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=300, **kw)


# ------------------------------------------------------------------------------------------------
# STAC
# ------------------------------------------------------------------------------------------------

def check_stac(site, source, run_dir):
    schema = json.load(open(os.path.join(source, "tests/data/catalogue/stac_1.1_required.schema.json")))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    files = sorted(glob.glob(os.path.join(site, "stac", "**", "*.json"), recursive=True))
    bad = []
    for f in files:
        errors = list(validator.iter_errors(json.load(open(f, encoding="utf-8"))))
        if errors:
            bad.append(f"{os.path.relpath(f, site)}: {errors[0].message}")
    check(f"STAC: all {len(files)} files have STAC 1.1.0's required fields (and the datacube's)", files and not bad, bad[:3])
    # a planted mistake is caught (the check can fail)
    c = json.load(open(os.path.join(site, "stac", "sites", "collection.json")))
    del c["license"]
    check("STAC: a collection without its licence is refused", not validator.is_valid(c))

    root = json.load(open(os.path.join(site, "stac", "catalog.json")))
    children = [l["href"] for l in root["links"] if l["rel"] == "child"]
    run_id = os.path.basename(os.path.normpath(run_dir))
    check("STAC: the root links the sites and the run", children == ["sites/collection.json", f"runs/{run_id}/collection.json"],
          children)
    items = sorted(glob.glob(os.path.join(site, "stac", "sites", "items", "*.json")))
    sites_dir = os.path.join(source, "data", "sites")
    packages = sorted(d for d in os.listdir(sites_dir) if os.path.isfile(os.path.join(sites_dir, d, "site.csv")))
    check("STAC: a point item per site package", [os.path.basename(i)[:-5] for i in items] == packages,
          [os.path.basename(i) for i in items])
    import csv
    ok = True
    for p in packages:
        row = next(csv.DictReader(open(os.path.join(sites_dir, p, "site.csv"), encoding="utf-8")))
        item = json.load(open(os.path.join(site, "stac", "sites", "items", p + ".json")))
        if row["latitude"]:
            ok &= item["geometry"]["type"] == "Point" and \
                abs(item["geometry"]["coordinates"][0] - float(row["longitude"])) < 1e-9 and \
                abs(item["geometry"]["coordinates"][1] - float(row["latitude"])) < 1e-9
        ok &= item["properties"]["alamod:citation"] == row["citation"] and item["properties"]["license"] == row["licence"]
    check("STAC: each site item at its site.csv position, with its licence and citation", ok)

    coll = json.load(open(os.path.join(site, "stac", "runs", run_id, "collection.json")))
    nc_name = [f for f in os.listdir(run_dir) if f.endswith(".nc") and f != "totals.nc"][0]
    with netCDF4.Dataset(os.path.join(run_dir, nc_name)) as nc:
        x, y = nc["x"][:], nc["y"][:]
        dims = coll["cube:dimensions"]
        step = float(x[1] - x[0])
        check("datacube: x from the NetCDF (extent of the cells, step, EPSG:2154)",
              dims["x"]["axis"] == "x" and abs(dims["x"]["extent"][0] - (float(x.min()) - step / 2)) < 1e-6 and
              abs(dims["x"]["step"] - step) < 1e-9 and dims["x"]["reference_system"] == 2154, dims["x"])
        check("datacube: y from the NetCDF", abs(dims["y"]["extent"][1] - (float(y.max()) + abs(float(y[1] - y[0])) / 2)) < 1e-6,
              dims["y"])
        years = netCDF4.num2date(nc["time"][:], nc["time"].units, nc["time"].calendar)
        check("datacube: time extent from the NetCDF", dims["time"]["extent"][0][:4] == str(years[0].year) and
              dims["time"]["extent"][1][:4] == str(years[-1].year), dims["time"])
        data_vars = {n for n, v in nc.variables.items() if n not in nc.dimensions and
                     not any(n == getattr(o, "bounds", None) for o in nc.variables.values()) and n != "crs"}
        cube_vars = coll["cube:variables"]
        check("datacube: the NetCDF's variables, with their dimensions and units",
              set(cube_vars) == data_vars and all(cube_vars[n]["dimensions"] == list(nc[n].dimensions) and
                                                  cube_vars[n].get("unit", "") == getattr(nc[n], "units", "")
                                                  for n in data_vars), sorted(set(cube_vars) ^ data_vars))
        if "pool" in dims:
            check("datacube: the pool dimension names the pools",
                  dims["pool"]["values"] == nc["pool"].flag_meanings.split(), dims["pool"])
    outputs = sorted(f for f in os.listdir(run_dir) if not f.startswith(".") and
                     os.path.splitext(f)[1] in (".nc", ".csv", ".html", ".png", ".tif"))
    run_items = sorted(glob.glob(os.path.join(site, "stac", "runs", run_id, "items", "*.json")))
    hrefs = sorted(os.path.basename(json.load(open(i))["assets"]["data"]["href"]) for i in run_items)
    check("STAC: an item per output file of the run", hrefs == outputs, (hrefs, outputs))


# ------------------------------------------------------------------------------------------------
# JSON-LD
# ------------------------------------------------------------------------------------------------

def check_jsonld(site):
    try:
        import rdflib
    except ImportError:
        check("python3-rdflib installed (scripts/install_deps.sh)", False)
        return
    from rdflib.namespace import DCAT, DCTERMS, RDF
    g = rdflib.Graph()
    path = os.path.join(site, "catalog.jsonld")
    g.parse(path, format="json-ld", publicID="file://" + path)
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    n_sites = len(glob.glob(os.path.join(site, "sites", "*", "index.html")))
    check("DCAT: catalog.jsonld parses, a dcat:Dataset per site and run",
          len(datasets) == n_sites + len(glob.glob(os.path.join(site, "runs", "*", "index.html"))), len(datasets))
    missing = []
    for d in datasets:
        for p in (DCTERMS.title, DCTERMS.description, DCTERMS.identifier, DCTERMS.temporal, DCAT.landingPage):
            if g.value(d, p) is None:
                missing.append(f"{d} {p}")
        dists = list(g.objects(d, DCAT.distribution))
        if not dists or any(g.value(x, DCTERMS.license) is None or g.value(x, DCAT.downloadURL) is None for x in dists):
            missing.append(f"{d} distribution licence/downloadURL")
    check("DCAT: every dataset has title, description, identifier, temporal, landing page, licensed distributions",
          not missing, missing[:3])
    ids = [str(g.value(d, DCTERMS.identifier)) for d in datasets]
    check("DCAT: identifiers unique", len(set(ids)) == len(ids))
    bad = []
    pages = sorted(glob.glob(os.path.join(site, "sites", "*", "index.html")) + glob.glob(os.path.join(site, "runs", "*", "index.html")))
    sdo = rdflib.Namespace("https://schema.org/")
    for p in pages:
        text = open(p, encoding="utf-8").read()
        blocks = re.findall(r'<script type="application/ld\+json">\n(.*?)</script>', text, re.S)
        if len(blocks) != 1:
            bad.append(f"{p}: {len(blocks)} JSON-LD blocks")
            continue
        doc = json.loads(blocks[0])
        if doc.get("@context") != {"@vocab": "https://schema.org/"}:
            bad.append(f"{p}: remote or missing context")
        pg = rdflib.Graph()
        pg.parse(data=blocks[0], format="json-ld", publicID="file://" + p)
        ds = list(pg.subjects(RDF.type, sdo.Dataset))
        if len(ds) != 1 or any(pg.value(ds[0], sdo[k]) is None for k in ("name", "description", "license" if "/sites/" in p else "name",
                                                                           "temporalCoverage", "distribution")):
            bad.append(f"{p}: Dataset without name/description/licence/temporalCoverage/distribution")
        elif len(str(pg.value(ds[0], sdo.description))) < 50:
            bad.append(f"{p}: description under 50 characters")
        if "/sites/" in p and pg.value(ds[0], sdo.citation) is None:
            bad.append(f"{p}: no citation")
    check(f"schema.org: the Dataset JSON-LD of all {len(pages)} landing pages parses, with the fields Google asks for", not bad, bad[:3])


# ------------------------------------------------------------------------------------------------
# Links
# ------------------------------------------------------------------------------------------------

WEB = re.compile(r"^(https?:|mailto:|urn:|data:)")


def json_hrefs(doc):
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k in ("href", "@id", "contentUrl", "url") and isinstance(v, str):
                yield v
            else:
                yield from json_hrefs(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from json_hrefs(v)


def resolves(site, base_file, href):
    target = href.split("#")[0]
    if not target:
        return True
    path = os.path.normpath(os.path.join(os.path.dirname(base_file), target))
    return path.startswith(site + os.sep) and os.path.isfile(path)


def check_links(site):
    broken, n = [], 0
    for f in sorted(glob.glob(os.path.join(site, "**", "*.json*"), recursive=True)):
        for h in json_hrefs(json.load(open(f, encoding="utf-8"))):
            if WEB.match(h) or h.startswith("#") or not ("/" in h or "." in h):
                continue
            n += 1
            if not resolves(site, f, h):
                broken.append(f"{os.path.relpath(f, site)} -> {h}")
    for f in sorted(glob.glob(os.path.join(site, "**", "*.html"), recursive=True)):
        if "/evaluations/" in f or (f.endswith("report.html") and "/runs/" in f):
            continue  # the reports copied as they are (their own tests check them)
        text = open(f, encoding="utf-8").read()
        for h in re.findall(r'\b(?:href|src)="([^"]*)"', text):
            if WEB.match(h):
                continue
            n += 1
            if not resolves(site, f, h.replace("&amp;", "&")):
                broken.append(f"{os.path.relpath(f, site)} -> {h}")
        for h in re.findall(r'\b(?:href|src)="(https?:[^"]*)"', text):
            if not re.match(r"^https?://", h):
                broken.append(f"{f}: {h}")
    check(f"links: all {n} links of the JSON and HTML files resolve to files inside the folder", n > 100 and not broken,
          broken[:5])


# ------------------------------------------------------------------------------------------------
# Chromium
# ------------------------------------------------------------------------------------------------

def chromium_run(chromium, profile, extra, url, timeout=120):
    shutil.rmtree(profile, ignore_errors=True)
    os.makedirs(profile)
    cmd = [chromium] + CHROMIUM_FLAGS + ["--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
                                         "--allow-file-access-from-files"] + extra + [url]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def requested_urls(netlog):
    text = open(netlog, encoding="utf-8", errors="replace").read()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    return {e["params"]["url"] for e in log["events"]
            if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})}


def host(url):
    m = re.match(r"^[a-z]+://([^/:?#]+)", url)
    return m.group(1) if m else url


HARNESS = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>catalogue pages</title></head><body>
%s
<ul id="out"></ul>
<script>
window.addEventListener('load', function () {
  var out = document.getElementById('out');
  Array.prototype.forEach.call(document.querySelectorAll('iframe'), function (f) {
    var li = document.createElement('li'), d = null;
    try { d = f.contentDocument; } catch (e) { li.setAttribute('data-error', String(e)); }
    li.setAttribute('data-url', f.getAttribute('src'));
    li.setAttribute('data-h1', d && d.querySelector('h1') ? d.querySelector('h1').textContent : '');
    li.setAttribute('data-footer', d && d.querySelector('footer') ? 'yes' : 'no');
    li.setAttribute('data-matches', d && d.body ? (d.body.getAttribute('data-matches') || '') : '');
    // simulated series drawn (a path with a non-empty box) in the plots of the site pages
    li.setAttribute('data-sim', d ? Array.prototype.filter.call(d.querySelectorAll('svg.timeseries.simulated path.sim'),
      function (p) { var b = p.getBBox(); return b.width > 0 && b.height >= 0; }).length : 0);
    li.setAttribute('data-sim-plots', d ? d.querySelectorAll('svg.timeseries.simulated').length : 0);
    var count = d && d.getElementById('count');
    li.setAttribute('data-count', count ? count.textContent : '');
    li.setAttribute('data-hidden', d ? Array.prototype.map.call(d.querySelectorAll('ul.sites li[hidden]'),
      function (x) { return x.dataset.id; }).join(' ') : '');
    out.appendChild(li);
  });
});
</script></body></html>
"""

SEARCHES = ["#q=broadbalk", "#q=Rothamsted%20Hoosfield", "#network=CAMELS-FR%20(airGRdatasets)",
            "#from=2000&variable=soc_stock"]


def check_chromium(site, work, chromium):
    """Every page and the searches in one browser: a harness page in the work folder frames each page (file URLs
    share an origin with --allow-file-access-from-files) and writes what each rendered into its own DOM."""
    blank = os.path.join(work, "blank.html")
    open(blank, "w").write("<!DOCTYPE html><title>blank</title>\n")
    chromium_run(chromium, os.path.join(work, "profile"), ["--dump-dom", "--log-net-log=" + os.path.join(work, "blank.netlog")],
                 "file://" + blank)
    own = {host(u) for u in requested_urls(os.path.join(work, "blank.netlog")) if not u.startswith("file:")}
    pages = sorted(glob.glob(os.path.join(site, "index.html")) + glob.glob(os.path.join(site, "sites", "*", "index.html")) +
                   glob.glob(os.path.join(site, "runs", "*", "index.html")) + glob.glob(os.path.join(site, "evaluations", "index.html")))
    index = os.path.join(site, "index.html")
    frames = ["file://" + p for p in pages] + ["file://" + index + q for q in SEARCHES]
    harness = os.path.join(work, "harness.html")
    open(harness, "w").write(HARNESS % "\n".join(f'<iframe src="{u}" width="1200" height="900"></iframe>' for u in frames))
    netlog = os.path.join(work, "pages.netlog")
    r = chromium_run(chromium, os.path.join(work, "profile"), ["--dump-dom", "--log-net-log=" + netlog], "file://" + harness)
    got = {li.attrs.get("data-url"): li.attrs for li in parse_dom(r.stdout).find_all("li")} if r.returncode == 0 else {}
    failed = [u for u in frames[:len(pages)] if not got.get(u, {}).get("data-h1") or got[u].get("data-footer") != "yes"]
    check(f"chromium: all {len(pages)} pages render (a title and a footer in the DOM)", pages and len(got) == len(frames)
          and not failed, failed[:5] or r.stderr[-300:])
    outside = set()
    for u in requested_urls(netlog):
        if not u.startswith("file:") and host(u) not in own:
            outside.add(u)
        elif u.startswith("file:") and not os.path.isfile(u[7:].split("#")[0].split("?")[0]):
            outside.add("missing " + u)
    check("chromium: no request leaves the machine, no file asked for is missing", not outside, sorted(outside)[:5])

    # the simulated series beside the observed ones: every (treatment, model) of Broadbalk in simulated_series.csv
    # is a line drawn by the browser, one plot per treatment
    sim = [r for r in csv.DictReader(open(os.path.join(work, "evaluation", "simulated_series.csv")))
           if r["site"] == "broadbalk"]
    want_lines, want_plots = len({(r["treatment"], r["model"]) for r in sim}), len({r["treatment"] for r in sim})
    bb = got.get("file://" + os.path.join(site, "sites", "broadbalk", "index.html"), {})
    check(f"chromium: the Broadbalk page draws its {want_lines} simulated series in {want_plots} plots",
          want_lines > 0 and bb.get("data-sim") == str(want_lines) and bb.get("data-sim-plots") == str(want_plots),
          (want_lines, want_plots, bb.get("data-sim"), bb.get("data-sim-plots")))

    def search(q):
        return got.get("file://" + index + q, {})
    m = search(SEARCHES[0])
    check("search: 'broadbalk' in the URL hash finds the Broadbalk site alone", m.get("data-matches") == "broadbalk", m)
    hidden = m.get("data-hidden", "").split()
    check("search: the other sites are hidden in the list", "broadbalk" not in hidden and len(hidden) == len(
        glob.glob(os.path.join(site, "sites", "*", "index.html"))) - 1, hidden)
    check("search: several words, by site name ('Rothamsted Hoosfield')", search(SEARCHES[1]).get("data-matches") == "hoosfield",
          search(SEARCHES[1]))
    check("filter: the network CAMELS-FR keeps its two sites",
          sorted(search(SEARCHES[2]).get("data-matches", "").split()) == ["fr_canche_brimeux", "fr_loing_episy"], search(SEARCHES[2]))
    m = search(SEARCHES[3]).get("data-matches", "")
    check("filter: years and variable (observed SOC stocks after 2000)", m and "fr_loing_episy" not in m and "broadbalk" in m, m)
    count = search(SEARCHES[3]).get("data-count", "")
    check("filter: the count says how many sites are shown", re.match(r"^%d of \d+ sites$" % len(m.split()), count), count)

    for name, url in [("index", "file://" + index), ("site", "file://" + os.path.join(site, "sites", "broadbalk", "index.html"))] + \
            [("run", "file://" + p) for p in glob.glob(os.path.join(site, "runs", "*", "index.html"))[:1]]:
        png = os.path.join(work, f"screenshot_{name}.png")
        r = chromium_run(chromium, os.path.join(work, "profile"), [f"--screenshot={png}", "--window-size=1400,1400"], url)
        if check(f"chromium --screenshot of the {name} page", r.returncode == 0 and os.path.isfile(png), r.stderr[-400:]):
            img = read_png(png).astype(np.int32)
            ink = ~(img.min(axis=2) >= 236)
            check(f"screenshot {name}: not blank", ink.mean() > 0.04, f"{100 * ink.mean():.1f} % drawn")
            if name == "index":
                orange = ((img[:, :, 0] > 190) & (img[:, :, 1] < 120) & (img[:, :, 2] < 60)).sum()
                land = ((abs(img[:, :, 0] - 217) < 4) & (abs(img[:, :, 1] - 212) < 4) & (abs(img[:, :, 2] - 199) < 4)).sum()
                check("screenshot index: the France outline and the site markers drawn", land > 30000 and orange > 100,
                      (land, orange))
            print(f"screenshot: {png}")


# ------------------------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------------------------

def check_bad_input(alamod, source, run_dir, work, good_site):
    sites = os.path.join(source, "data", "sites")
    boundary = os.path.join(sites, "..", "sources", "boundary", "mask_fr_8000m.tif")
    bad_sites = os.path.join(work, "bad_sites")
    shutil.copytree(os.path.join(sites, "broadbalk"), os.path.join(bad_sites, "broadbalk"))
    with open(os.path.join(bad_sites, "broadbalk", "datapackage.json"), "w") as f:
        f.write('{"name": "broadbalk",\n  "resources": [,]\n}\n')
    empty_run = os.path.join(work, "empty_run")
    os.makedirs(empty_run)
    open(os.path.join(empty_run, "totals.csv"), "w").write("scenario,year\n")
    bad_eval = os.path.join(work, "bad_evaluation")
    shutil.copytree(os.path.join(work, "evaluation"), bad_eval)
    series = open(os.path.join(bad_eval, "simulated_series.csv")).read().splitlines()
    fields = series[4].split(",")
    fields[5] = "12x"  # not a number
    series[4] = ",".join(fields)
    open(os.path.join(bad_eval, "simulated_series.csv"), "w").write("\n".join(series) + "\n")
    cases = [
        ("a site descriptor that is not JSON", ["--sites", bad_sites], "datapackage.json:2:"),
        ("a simulated_series.csv with a stock that is not a number", ["--sites", sites, "--evaluations", bad_eval],
         "simulated_series.csv:5:6 (soc): found '12x'"),
        ("a run folder without its NetCDF output", ["--sites", sites, "--runs", empty_run], "empty_run: no grid output"),
        ("an evaluation folder without metrics.csv", ["--sites", sites, "--evaluations", empty_run], "no metrics.csv"),
    ]
    for what, args, expect in cases:
        out = os.path.join(work, "bad_out")
        r = run([alamod, "catalogue", "build"] + args + ["--boundary", boundary, "--out", out])
        lines = r.stderr.strip().splitlines()
        check(f"bad input, {what}: exit 1, one line naming the file", r.returncode == 1 and len(lines) == 1 and expect in lines[0],
              (r.returncode, r.stderr[-300:]))
        left = [f for f in os.listdir(work) if f.startswith(".bad_out") or f == "bad_out"]
        check(f"bad input, {what}: nothing written", not left, left)
    # over an existing catalogue: the old one stays whole
    before = sorted(os.path.relpath(p, good_site) for p in glob.glob(os.path.join(good_site, "**"), recursive=True))
    r = run([alamod, "catalogue", "build", "--sites", bad_sites, "--boundary", boundary, "--out", good_site, "--overwrite"])
    after = sorted(os.path.relpath(p, good_site) for p in glob.glob(os.path.join(good_site, "**"), recursive=True))
    parent = os.path.dirname(good_site)
    left = [f for f in os.listdir(parent) if f.startswith("." + os.path.basename(good_site))]
    check("bad input with --overwrite: exit 1, the existing catalogue unchanged, no temporary left",
          r.returncode == 1 and before == after and not left, (r.returncode, left))
    r = run([alamod, "catalogue", "build", "--sites", sites, "--boundary", boundary, "--out", good_site])
    check("an existing --out is not replaced without --overwrite", r.returncode == 1 and "--overwrite" in r.stderr, r.stderr)


def check_base_url(alamod, sites, run_dir, work):
    site = os.path.join(work, "published")
    url = "https://data.example.org/alamod/"
    r = run([alamod, "catalogue", "build", "--sites", sites, "--runs", run_dir, "--base-url", url, "--out", site])
    if not check("--base-url: exit 0", r.returncode == 0, r.stderr):
        return
    bad = []
    for f in glob.glob(os.path.join(site, "stac", "**", "*.json"), recursive=True):
        selfs = [l["href"] for l in json.load(open(f))["links"] if l["rel"] == "self"]
        if selfs != [url + os.path.relpath(f, site)]:
            bad.append((os.path.relpath(f, site), selfs))
    check("--base-url: every STAC file has its absolute self link", not bad, bad[:3])
    sitemap = open(os.path.join(site, "sitemap.xml"), encoding="utf-8").read() if os.path.isfile(
        os.path.join(site, "sitemap.xml")) else ""
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    pages = glob.glob(os.path.join(site, "**", "index.html"), recursive=True)
    check("--base-url: sitemap.xml lists every page under the URL, robots.txt names it",
          sorted(locs) == sorted(url + os.path.relpath(p, site) for p in pages) and
          f"Sitemap: {url}sitemap.xml" in open(os.path.join(site, "robots.txt")).read(), locs[:3])
    try:
        import rdflib
        from rdflib.namespace import DCAT, RDF
        g = rdflib.Graph()
        g.parse(os.path.join(site, "catalog.jsonld"), format="json-ld")
        ids = sorted(str(d) for d in g.subjects(RDF.type, DCAT.Dataset))
        check("--base-url: the DCAT datasets get absolute identifiers under it",
              ids and all(i.startswith(url) for i in ids) and url + "sites/broadbalk/index.html#dataset" in ids, ids[:3])
    except ImportError:
        check("python3-rdflib installed", False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--run", required=True, help="a grid run folder (alamod run --out)")
    ap.add_argument("--work", required=True)
    ap.add_argument("--chromium")
    a = ap.parse_args()
    source, work, run_dir = (os.path.abspath(p) for p in (a.source_dir, a.work, a.run))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    sites = os.path.join(source, "data", "sites")
    evaluation = os.path.join(work, "evaluation")
    r = run([a.alamod, "evaluate", "--sites", sites, "--models", "rothc,icbm", "--out", evaluation])
    check("alamod evaluate (for the scores on the site pages)", r.returncode == 0, r.stderr[-400:])
    site = os.path.join(work, "portal")
    r = run([a.alamod, "catalogue", "build", "--sites", sites, "--runs", run_dir, "--evaluations", evaluation, "--out", site])
    if not check("alamod catalogue build: exit 0", r.returncode == 0, r.stderr[-600:]):
        print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
        return 1
    check("alamod catalogue build: one summary line", len(r.stdout.strip().splitlines()) == 1 and "wrote" in r.stdout, r.stdout)
    expected = ["index.html", "catalog.jsonld", "stac/catalog.json", "stac/sites/collection.json", "sites/broadbalk/index.html",
                "sites/broadbalk/datapackage.json", "sites/broadbalk/soc_observations.csv", "evaluations/index.html",
                f"runs/{os.path.basename(run_dir)}/index.html", f"runs/{os.path.basename(run_dir)}/totals.csv"]
    missing = [f for f in expected if not os.path.isfile(os.path.join(site, f))]
    check("the files of docs/CATALOGUE.md are there", not missing, missing)
    check("no temporary folder left beside --out", not [f for f in os.listdir(work) if f.startswith(".portal")])
    check_stac(site, source, run_dir)
    check_jsonld(site)
    check_links(site)
    text = open(os.path.join(site, "sites", "broadbalk", "index.html"), encoding="utf-8").read()
    check("site page: licence, citation, treatments, SOC series, scores, downloads",
          "KeyRefOABKsoc-02" in text and "CC-BY-4.0" in text and text.count("<tr>") >= 6 and 'class="timeseries soc"' in text
          and 'class="metrics scores"' in text and 'href="soc_observations.csv" download' in text)
    check_base_url(a.alamod, sites, run_dir, work)
    chromium = a.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if check("chromium installed", chromium is not None):
        try:
            check_chromium(site, work, chromium)
        except subprocess.TimeoutExpired as e:
            check("chromium finishes", False, f"timed out after {e.timeout} s")
    check_bad_input(a.alamod, source, run_dir, work, site)
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
