#!/usr/bin/python3
"""The run report (DIR/report.html of alamod run or summarize) rendered in headless Chromium, offline.

Usage: /usr/bin/python3 tests/integration/test_totals_report.py --report DIR --work DIR [--chromium PATH]

Checks the file itself (no script, no link, no CSS import, images only as data:image/png URIs that decode
to PNGs of the stated size, every #id that is referred to exists, every label names an input), then
Chromium's rendered DOM (--dump-dom: the title, four key figures, two maps each with a colour bar and
its units, the national series with one point per year and the start, a line per land-use class, a
sortable table per zone kind with a row per zone, and sort ranks that order each column), what Chromium
fetched (--log-net-log: no request beyond those Chromium makes for an empty page), and a screenshot
(1400 x 1600: not blank, the maps' colours and dark text). Uses the DOM and PNG helpers of
test_report_chromium.py. Chromium is required: without it the test fails.
Prints one line per check and "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import base64
import csv
import json
import os
import re
import shutil
import struct
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_report_chromium import CHROMIUM_FLAGS, parse_dom, path_points, read_png  # noqa: E402

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + str(detail)[:800]), flush=True)
    return ok


def chromium_run(chromium, profile, extra, url, timeout=180):
    shutil.rmtree(profile, ignore_errors=True)
    os.makedirs(profile)
    cmd = [chromium] + CHROMIUM_FLAGS + ["--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}"] + \
        extra + [url]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def requested_urls(netlog):
    text = open(netlog, encoding="utf-8", errors="replace").read()
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # a log cut short at exit lacks its closing brackets
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    return {e["params"]["url"] for e in log["events"]
            if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "url" in e.get("params", {})}


def host(url):
    m = re.match(r"^[a-z]+://([^/:?#]+)", url)
    return m.group(1) if m else url


def check_static(text):
    for pattern, what in [(r"<script", "<script> element"), (r"<link\b", "<link> element"),
                          (r"@import", "CSS @import"), (r"url\(\s*['\"]?(?!#)", "url() other than a local #id"),
                          (r"href\s*=\s*['\"]?(?!#)", "link to anything but an #id of the page")]:
        m = re.search(pattern, text, re.IGNORECASE)
        check(f"self-contained: no {what}", m is None, m and text[max(0, m.start() - 60):m.end() + 60])
    srcs = re.findall(r"\bsrc\s*=\s*\"([^\"]*)\"", text)
    check("self-contained: every src is a data:image/png URI", srcs and
          all(s.startswith("data:image/png;base64,") for s in srcs), [s[:40] for s in srcs])
    for tag in re.finditer(r"<img\b[^>]*>", text):
        t = tag.group(0)
        src = re.search(r"src=\"data:image/png;base64,([^\"]*)\"", t)
        w, h = re.search(r"width=\"(\d+)\"", t), re.search(r"height=\"(\d+)\"", t)
        data = base64.b64decode(src.group(1)) if src else b""
        ok = data[:8] == b"\x89PNG\r\n\x1a\n" and w and h and struct.unpack(">II", data[16:24]) == (int(w.group(1)),
                                                                                                 int(h.group(1)))
        which = re.search(r"data-map=\"(\w+)\"", t)
        check(f"image {which.group(1) if which else '?'}: a PNG of its stated size", ok, t[:120])
    ids = set(re.findall(r"\bid=\"([^\"]+)\"", text))
    refs = set(re.findall(r"url\(#([^)]+)\)", text)) | set(re.findall(r"href=\"#([^\"]+)\"", text))
    check("every #id referred to exists", refs <= ids, sorted(refs - ids)[:5])
    fors = set(re.findall(r"<label for=\"?([^\" >]+)", text))
    inputs = set(re.findall(r"<input[^>]*\bid=\"([^\"]+)\"", text))
    check("every label names an input of the page", fors and fors <= inputs, sorted(fors - inputs)[:5])


def check_dom(dom, totals_csv):
    text = " ".join(dom.all_text().split())
    rows = list(csv.DictReader(open(totals_csv, encoding="utf-8")))
    years = sorted({int(r["year"]) for r in rows})
    nat = [r for r in rows if r["zone_kind"] == "country" and r["land_cover"] == "all"]
    name = nat[0]["zone_name"]
    check("dom: title", f"Soil organic carbon of {name}, {years[0]}\u2013{years[-1]}" in text, text[:160])
    cards = dom.find_all("div", "figure-card")
    check("dom: four key figures", len(cards) == 4, len(cards))
    start = round(float(nat[0]["soc_start_TgC"]))
    check("dom: the start stock in the first key figure", cards and
          cards[0].all_text().replace("\u2009", "").find(f"{start} Tg C") >= 0, cards[0].all_text() if cards else "")
    maps = dom.find_all("img", "map")
    check("dom: two maps, start and change", [m.attrs.get("data-map") for m in maps] == ["start", "change"],
          [m.attrs.get("data-map") for m in maps])
    bars = dom.find_all("svg", "colour-bar")
    check("dom: a colour bar with ticks and units beside each map", len(bars) == 2 and all(
        len(b.find_all("text", "tick")) >= 3 and "t C ha-1" in " ".join(t.all_text() for t in b.find_all("text", "units"))
        for b in bars), len(bars))
    nat_plot = [s for s in dom.find_all("svg", "timeseries") if "national" in s.classes()]
    if check("dom: the national series", len(nat_plot) == 1):
        paths = nat_plot[0].find_all("path", "series")
        pts = path_points(paths[0].attrs.get("d", "")) if paths else []
        check("dom: national series: the start and one point a year", len(pts) == len(years) + 1, len(pts))
        labels = [t.all_text() for t in nat_plot[0].find_all("text", "axis-label")]
        check("dom: national series: axis titles with units", labels == ["year", "stock (Tg C)"], labels)
    lu = [s for s in dom.find_all("svg", "timeseries") if "land-use" in s.classes()]
    classes = sorted({r["land_cover"] for r in rows} - {"all"})
    check("dom: a line per land-use class", lu and sorted(p.attrs.get("data-series") for p in lu[0].find_all(
        "path", "series")) == classes, classes)
    kinds = {}
    for r in rows:
        if r["year"] == str(years[0]) and r["land_cover"] == "all" and r["zone_kind"] != "country":
            kinds[r["zone_kind"]] = kinds.get(r["zone_kind"], 0) + 1
    for kind, n in kinds.items():
        tables = [t for t in dom.find_all("table", "zones") if t.attrs.get("id") == "t-" + kind]
        body = tables[0].find_all("tbody")[0].find_all("tr") if tables else []
        check(f"dom: a table of the {kind} zones, a row each", len(body) == n, f"{len(body)} rows for {n} zones")
        if not body:
            continue
        # every column's sort ranks order the rows by its values (column 3: the start stock)
        ok = True
        for col in (2, 3, 5, 6):
            ranked = sorted(body, key=lambda tr: int(re.search(rf"--c{col}d:(\d+)", tr.attrs.get("style", "")).group(1)))
            values = [float(tr.find_all("td")[col].attrs.get("data-value")) for tr in ranked]
            ok &= values == sorted(values, reverse=True)
        check(f"dom: the {kind} table's sort ranks order its columns", ok)
    check("dom: the land-use table", any(t.attrs.get("id") == "t-land-use" for t in dom.find_all("table", "zones")))
    check("dom: provenance shown", any("run output:" in p.all_text() for p in dom.find_all("pre")))


def check_screenshot(png):
    img = read_png(png).astype(np.int32)
    h, w, _ = img.shape
    check("screenshot: 1400 x 1600", (w, h) == (1400, 1600), f"{w} x {h}")
    ink = ~(img.min(axis=2) >= 236)
    check("screenshot: not blank", ink.mean() > 0.05, f"{100 * ink.mean():.1f} % drawn")
    # the maps: the start's blue-greens (YlGnBu) and the change's browns or blue-greens (BrBG)
    blue = ((img[:, :, 2] > img[:, :, 0] + 40) & (img[:, :, 1] > img[:, :, 0] + 20)).sum()
    check("screenshot: the start map's blue-green cells", blue > 20000, blue)
    brown = ((img[:, :, 0] > img[:, :, 2] + 50) & (img[:, :, 1] > img[:, :, 2] + 10)).sum()
    teal = ((img[:, :, 1] > img[:, :, 0] + 40) & (img[:, :, 2] > img[:, :, 0] + 30)).sum()
    check("screenshot: the change map's colours", brown + teal > 20000, (brown, teal))
    dark = (img.max(axis=2) < 70).sum()
    check("screenshot: text", dark > 5000, dark)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", required=True, help="a folder holding report.html and totals.csv")
    ap.add_argument("--work", required=True)
    ap.add_argument("--chromium")
    a = ap.parse_args()
    chromium = a.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        check("chromium installed", False, "no chromium browser (Debian package 'chromium')")
        print("0 passed, 1 failed")
        return 1
    work = os.path.abspath(a.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    report = os.path.join(os.path.abspath(a.report), "report.html")
    if not check("report.html written", os.path.isfile(report), report):
        print("0 passed, 1 failed")
        return 1
    check_static(open(report, encoding="utf-8").read())
    url = "file://" + report
    try:
        blank = os.path.join(work, "blank.html")
        open(blank, "w").write("<!DOCTYPE html><title>blank</title>\n")
        chromium_run(chromium, os.path.join(work, "profile-blank"),
                     ["--dump-dom", "--log-net-log=" + os.path.join(work, "blank.netlog.json")], "file://" + blank)
        r = chromium_run(chromium, os.path.join(work, "profile-dom"),
                         ["--dump-dom", "--log-net-log=" + os.path.join(work, "report.netlog.json")], url)
        if check("chromium --dump-dom", r.returncode == 0 and "<svg" in r.stdout, r.stderr[-600:]):
            check_dom(parse_dom(r.stdout), os.path.join(os.path.abspath(a.report), "totals.csv"))
        own = {host(u) for u in requested_urls(os.path.join(work, "blank.netlog.json"))}
        extra = {u for u in requested_urls(os.path.join(work, "report.netlog.json")) if host(u) not in own}
        check("the report fetches nothing (no request beyond Chromium's own for an empty page)", not extra,
              sorted(extra)[:5])
        png = os.path.join(work, "report.png")
        r = chromium_run(chromium, os.path.join(work, "profile-shot"),
                         [f"--screenshot={png}", "--window-size=1400,1600"], url)
        if check("chromium --screenshot", r.returncode == 0 and os.path.isfile(png), r.stderr[-600:]):
            check_screenshot(png)
            print(f"screenshot: {png}")
    except subprocess.TimeoutExpired as e:
        check("chromium finishes", False, f"timed out after {e.timeout} s")
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
