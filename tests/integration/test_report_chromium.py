#!/usr/bin/python3
"""The evaluation report rendered in a real browser (headless Chromium, offline).

Usage: /usr/bin/python3 tests/integration/test_report_chromium.py \
           --generator build/tests/make_example_report --work build/test_output/report [--chromium PATH]
       /usr/bin/python3 tests/integration/test_report_chromium.py \
           --report DIR --work build/test_output/report_real      (a report `alamod evaluate` wrote)

With --report, the report of a real evaluation (DIR/report.html, DIR/metrics.csv) is rendered and checked
against its own metrics.csv: a time-series plot with a line per model and observed points for every
site and treatment scored there, a heat map cell per model and site/treatment, a scatter per model,
and a screenshot that is not blank.

The generator (tests/unit/make_example_report.cpp) writes WORK/report.html and WORK/metrics.csv:
2 models (RothC, ICBM) x 2 sites x 2 treatments of synthetic data, plus the multi-model mean.
Checks that the file is self-contained, that Chromium's rendered DOM (--dump-dom) holds the heat
map, one time-series plot per site and treatment with a line per model and the observed points,
and a 1:1 scatter per model, and that a screenshot (--screenshot, 1400 x 2800) is not blank and
shows the model colours and the heat map.

Chromium is required: without it the test FAILS (scripts/install_deps.sh --with-browser installs it).
Prints one line per check and a final line "N passed, M failed"; exits non-zero on any failure.
"""
import argparse
import html.parser
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np

MODELS = ["RothC", "ICBM", "multi-model mean"]
SITES = ["Versailles", "Askov <B3>"]
TREATMENTS = ["control", "manure & straw"]
N_OBS = 10  # observations per series in the generator
MODEL_COLOURS = {"RothC": (0x00, 0x72, 0xB2), "ICBM": (0xD5, 0x5E, 0x00)}  # first two of the palette

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-extensions", "--hide-scrollbars", "--mute-audio"]

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ": " + detail), flush=True)
    return ok


# ------------------------------------------------------------------------------------------------
# A small DOM from Chromium's --dump-dom output.

class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children, self.text = [], ""

    def classes(self):
        return self.attrs.get("class", "").split()

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag=None, cls=None):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())]

    def all_text(self):
        return self.text + "".join(c.all_text() for c in self.children)


VOID = {"meta", "link", "br", "hr", "img", "input", "area", "base", "col", "embed", "source", "track", "wbr"}


class DomBuilder(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text += data


def parse_dom(text):
    b = DomBuilder()
    b.feed(text)
    b.close()
    return b.root


def path_points(d):
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(nums[0::2], nums[1::2]))


# ------------------------------------------------------------------------------------------------
# PNG reading: Pillow when installed (Debian python3-pil), else the standard library.

def read_png(path):
    try:
        from PIL import Image
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"))
    except ImportError:
        pass
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, w = 8, b"", None
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if ctype == b"IHDR":
            w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
            bpp = 3 if colour == 2 else 4
        elif ctype == b"IDAT":
            idat += body
        elif ctype == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = w * bpp
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = np.frombuffer(raw, dtype=np.uint8, count=stride, offset=y * (stride + 1) + 1).astype(np.int32)
        if f == 0:
            cur = line
        elif f == 2:
            cur = (line + prev) & 255
        else:  # Sub, Average, Paeth depend on the reconstructed left neighbour: per byte
            cur = np.zeros(stride, dtype=np.int32)
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (line[i] + pred) & 255
        out[y] = cur
        prev = cur
    return out.reshape(h, w, bpp)[:, :, :3]


# ------------------------------------------------------------------------------------------------

def run_chromium(chromium, profile, extra, url, timeout=180):
    os.makedirs(profile, exist_ok=True)
    cmd = [chromium] + CHROMIUM_FLAGS + [f"--user-data-dir={profile}"] + extra + [url]
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


def check_static(html_text):
    """The file itself: no scripts, no external resources."""
    ok = True
    for pattern, what in [(r"<script", "a <script> element"), (r"<link\b", "a <link> element"),
                          (r"\bsrc\s*=", "a src= attribute"), (r"@import", "a CSS @import"),
                          (r"url\(\s*['\"]?(?!#)", "a CSS/SVG url() other than a local #id"),
                          (r"href\s*=\s*['\"]?(?:https?:|//)", "a link to the network")]:
        m = re.search(pattern, html_text, re.IGNORECASE)
        ok &= check(f"self-contained: no {what}", m is None, m and html_text[max(0, m.start() - 60):m.end() + 60])
    return ok


def check_dom(dom):
    body_text = " ".join(dom.all_text().split())
    check("dom: title rendered", "alamod evaluation" in body_text, body_text[:200])
    check("dom: provenance block shown", any("config: synthetic <inline> & generated" in n.all_text()
                                             for n in dom.find_all("pre")))

    # Metrics table: a row per model, site and treatment.
    rows = [tr for t in dom.find_all("table", "metrics") if "pooled" not in t.classes() and "weighted" not in t.classes()
            for tr in t.find_all("tr")]
    check("dom: metrics table has a row per model/site/treatment", len(rows) == 1 + 12, f"{len(rows)} rows")
    # the observations carry an sd: the weighted table has a row per model/site/treatment with an sd
    weighted = [tr for t in dom.find_all("table", "weighted") for tr in t.find_all("tr")]
    check("dom: weighted metrics table shown (observations with an sd)", len(weighted) > 1, f"{len(weighted)} rows")
    pooled = [tr for t in dom.find_all("table", "pooled") for tr in t.find_all("tr")]
    check("dom: pooled table has a row per model", len(pooled) == 1 + 3, f"{len(pooled)} rows")
    check_layout(dom)

    # Heat map.
    maps = dom.find_all("svg", "heatmap")
    if check("dom: one heat map", len(maps) == 1, f"{len(maps)} found"):
        cells = maps[0].find_all("rect", "cell")
        fills = {c.attrs.get("fill") for c in cells}
        check("dom: heat map has 3 models x 4 site/treatment cells", len(cells) == 12, f"{len(cells)} cells")
        check("dom: heat map cells are coloured by value", len(fills) >= 4, f"fills {sorted(fills)}")
        values = [t.all_text() for g in maps[0].find_all("g", "cell") for t in g.children if t.tag == "text"]
        check("dom: heat map shows values in cells",
              len(values) == 12 and all(re.fullmatch(r"-?\d+\.\d+", v) for v in values), str(values))
        check("dom: heat map has a colour legend", len(maps[0].find_all("g", "colour-legend")) == 1)

    # Time series: one per site and treatment.
    plots = dom.find_all("svg", "timeseries")
    combos = {(p.attrs.get("data-site"), p.attrs.get("data-treatment")) for p in plots}
    want = {(s, t) for s in SITES for t in TREATMENTS}
    check("dom: one time-series plot per site and treatment", len(plots) == 4 and combos == want,
          f"{len(plots)} plots: {sorted(combos)}")
    for p in plots:
        name = f"{p.attrs.get('data-site')} / {p.attrs.get('data-treatment')}"
        vb = [float(v) for v in p.attrs.get("viewbox", "0 0 0 0").split()]  # the parser lowercases names
        lines = p.find_all("path", "sim")
        models = [ln.attrs.get("data-model") for ln in lines]
        check(f"dom: {name}: a line per model", models == MODELS, str(models))
        for ln in lines:
            pts = path_points(ln.attrs.get("d", ""))
            inside = all(vb[0] <= x <= vb[0] + vb[2] and vb[1] <= y <= vb[1] + vb[3] for x, y in pts)
            ys = {round(y) for _, y in pts}
            check(f"dom: {name}: {ln.attrs.get('data-model')} line drawn", len(pts) >= 20 and inside and len(ys) > 5,
                  f"{len(pts)} points, inside viewBox {inside}, {len(ys)} distinct heights")
        obs = p.find_all("circle", "obs")
        check(f"dom: {name}: observed points", len(obs) == N_OBS, f"{len(obs)} points")
        bars = p.find_all("path", "errorbar")
        check(f"dom: {name}: sd error bars", len(bars) == N_OBS, f"{len(bars)} bars")
        labels = [t.all_text() for t in p.find_all("text", "axis-label")]
        check(f"dom: {name}: axis titles with units", labels == ["year", "SOC stock (t C ha-1)"], str(labels))
        ticks = [t.all_text() for t in p.find_all("text", "tick")]
        check(f"dom: {name}: tick labels", len(ticks) >= 6 and all(re.fullmatch(r"-?\d+(\.\d+)?", t) for t in ticks),
              str(ticks))
        legend = [t.all_text() for g in p.find_all("g", "legend-item") for t in g.children if t.tag == "text"]
        check(f"dom: {name}: legend", legend == ["observed \u00b1 sd"] + MODELS, str(legend))

    # 1:1 scatter per model.
    scatters = dom.find_all("svg", "scatter")
    smodels = [s.attrs.get("data-model") for s in scatters]
    check("dom: a 1:1 scatter per model", smodels == MODELS, str(smodels))
    for s in scatters:
        pts = s.find_all("circle", "pair")
        check(f"dom: scatter {s.attrs.get('data-model')}: all observation pairs and the 1:1 line",
              len(pts) == 4 * N_OBS and len(s.find_all("path", "one-to-one")) == 1, f"{len(pts)} points")


def check_screenshot(png):
    img = read_png(png).astype(np.int32)
    h, w, _ = img.shape
    check("screenshot: 1400 x 2800", (w, h) == (1400, 2800), f"{w} x {h}")
    # Ink: neither white nor the page background (#f4f5f7) nor near-white greys.
    light = img.min(axis=2) >= 236
    ink = ~light
    frac = ink.mean()
    check("screenshot: not blank", frac > 0.03, f"{100 * frac:.2f} % of pixels drawn")
    # Rows with ink spread over the page: the plots are laid out, not one band.
    rows = np.flatnonzero(ink.any(axis=1))
    check("screenshot: content down the page", rows.size > 0 and rows.max() - rows.min() > 1500,
          f"ink rows {rows.min() if rows.size else None}..{rows.max() if rows.size else None}")
    for model, rgb in MODEL_COLOURS.items():
        near = (np.abs(img - np.array(rgb)).max(axis=2) <= 40).sum()
        check(f"screenshot: {model} lines visible in its colour", near > 800, f"{near} pixels")
    # The heat map's warm cells (orange-red: red high, blue low).
    warm = ((img[:, :, 0] > 180) & (img[:, :, 2] < 90) & (img[:, :, 1] < 190)).sum()
    check("screenshot: heat map cells visible", warm > 5000, f"{warm} warm pixels")
    # Observed points and dark text: near-black pixels.
    dark = (img.max(axis=2) < 60).sum()
    check("screenshot: observations and text visible", dark > 5000, f"{dark} dark pixels")


def check_real_dom(dom, metrics_path):
    import csv
    rows = list(csv.DictReader(open(metrics_path, encoding="utf-8")))
    models = sorted({r["model"] for r in rows if r["metric"] != "run_failed"})
    scored = {(r["site"], r["treatment"]) for r in rows if r["metric"] == "rmse" and r["model"] != "multi-model mean"
              and r["site"] != "all"}
    check("metrics.csv: several models and site/treatments", len(models) >= 2 and len(scored) >= 5,
          f"{models}, {len(scored)}")
    plots = dom.find_all("svg", "timeseries")
    combos = {(p.attrs.get("data-site"), p.attrs.get("data-treatment")) for p in plots}
    check("dom: a time-series plot for every scored site and treatment", scored <= combos,
          f"missing {sorted(scored - combos)[:5]}")
    drawn = 0
    for p in plots:
        key = (p.attrs.get("data-site"), p.attrs.get("data-treatment"))
        if key not in scored:
            continue
        lines = {ln.attrs.get("data-model") for ln in p.find_all("path", "sim")
                 if len(path_points(ln.attrs.get("d", ""))) >= 2}
        obs = p.find_all("circle", "obs")
        drawn += 1 if (set(models) <= lines and len(obs) >= 1) else 0
    check("dom: every scored plot has a drawn line per model and observed points", drawn == len(scored),
          f"{drawn} of {len(scored)}")
    maps = dom.find_all("svg", "heatmap")
    if check("dom: one heat map", len(maps) == 1, f"{len(maps)} found"):
        cells = maps[0].find_all("rect", "cell")
        check("dom: heat map has a cell per model and scored site/treatment",
              len(cells) >= len(models) * len(scored), f"{len(cells)} cells for {len(models)} x {len(scored)}")
    smodels = sorted(s.attrs.get("data-model") for s in dom.find_all("svg", "scatter"))
    check("dom: a 1:1 scatter per model", smodels == models, f"{smodels} vs {models}")


CONTENT_WIDTH = 1320 - 2 * 28  # main's max-width less its padding (engine/common/html_report.cpp)


def check_layout(dom):
    """Fits a 1,400 px window: no figure wider than the content (it would be shrunk, its labels with it), no table
    wider (estimated from its text at 13 px: 7.3 px per character plus 24 px of padding per column; headers wrap
    between words)."""
    wide = [(s.attrs.get("class"), s.attrs.get("width")) for s in dom.find_all("svg")
            if float(s.attrs.get("width", "0")) > CONTENT_WIDTH]
    check(f"layout: every figure at most {CONTENT_WIDTH} px wide (drawn at full size, labels legible)", not wide,
          str(wide[:5]))
    for t in dom.find_all("table", "metrics"):
        rows = [[c for c in tr.children if c.tag in ("td", "th")] for tr in t.find_all("tr")]
        ncol = max(len(r) for r in rows)
        width = 0.0
        for j in range(ncol):
            cells = [r[j] for r in rows if len(r) > j]
            longest = max(len(max(c.all_text().split(), key=len, default="")) if c.tag == "th"
                          else len(c.all_text().strip()) for c in cells)
            width += 7.3 * longest + 24
        check(f"layout: table {' '.join(t.classes())} about {width:.0f} px, fits {CONTENT_WIDTH} px",
              width <= CONTENT_WIDTH)
    maps = dom.find_all("svg", "heatmap")
    if maps:
        sizes = {t.attrs.get("font-size") for t in maps[0].iter() if t.tag in ("g", "text") and t.attrs.get("font-size")}
        check("layout: heat map labels at 11.5 px or more", all(float(v) >= 11.5 for v in sizes), str(sizes))
    taylor = dom.find_all("svg", "taylor")
    check("dom: a Taylor diagram with a point per model", len(taylor) == 1 and
          len(taylor[0].find_all("circle", "taylor-model")) >= 2)


def check_real_screenshot(png):
    """A tall page (1400 x 16000): the metrics table at the top, the plots from about y = 3000 on."""
    img = read_png(png).astype(np.int32)
    light = img.min(axis=2) >= 236
    frac = (~light).mean()
    check("screenshot: not blank", frac > 0.03, f"{100 * frac:.2f} % of pixels drawn")
    lower = img[4000:]  # below the metrics table (about 90 rows): the plots
    for model, rgb in MODEL_COLOURS.items():
        near = (np.abs(lower - np.array(rgb)).max(axis=2) <= 40).sum()
        check(f"screenshot: plotted lines in the palette colour of the {model} slot below the table",
              near > 5000, f"{near} pixels")


def render_real(chromium, report_dir, work):
    report = os.path.join(os.path.abspath(report_dir), "report.html")
    metrics = os.path.join(os.path.abspath(report_dir), "metrics.csv")
    if not check("the evaluation wrote report.html and metrics.csv", os.path.isfile(report) and os.path.isfile(metrics),
                 report):
        return
    check_static(open(report, encoding="utf-8").read())
    url = "file://" + report
    r = run_chromium(chromium, os.path.join(work, "profile-dom"), ["--dump-dom"], url)
    if check("chromium --dump-dom", r.returncode == 0 and "<svg" in r.stdout, f"exit {r.returncode}"):
        dom = parse_dom(r.stdout)
        check_real_dom(dom, metrics)
        check_layout(dom)
    png = os.path.join(work, "report.png")
    r = run_chromium(chromium, os.path.join(work, "profile-shot"), [f"--screenshot={png}", "--window-size=1400,16000"],
                     url)
    if check("chromium --screenshot", r.returncode == 0 and os.path.isfile(png), f"exit {r.returncode}"):
        check_real_screenshot(png)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generator", help="the make_example_report executable")
    ap.add_argument("--report", help="a folder holding report.html and metrics.csv from alamod evaluate")
    ap.add_argument("--work", required=True, help="a folder for the report, the profile and the screenshot")
    ap.add_argument("--chromium", default=None, help="the browser (default: chromium on PATH, /usr/bin/chromium)")
    args = ap.parse_args()

    chromium = args.chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium and os.access("/usr/bin/chromium", os.X_OK):
        chromium = "/usr/bin/chromium"
    if not chromium or not os.access(chromium, os.X_OK):
        check("chromium installed", False,
              "no chromium browser found (Debian package 'chromium'); scripts/install_deps.sh --with-browser "
              "installs it")
        print("0 passed, 1 failed")
        return 1

    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    if args.report:
        try:
            render_real(chromium, args.report, work)
        except subprocess.TimeoutExpired as e:
            check("chromium finishes", False, f"timed out after {e.timeout} s")
        passed = sum(results)
        print(f"{passed} passed, {len(results) - passed} failed")
        return 0 if passed == len(results) else 1
    if not args.generator:
        ap.error("--generator or --report is required")
    gen = subprocess.run([args.generator, work], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         timeout=120)
    report = os.path.join(work, "report.html")
    if not check("generator writes report.html and metrics.csv",
                 gen.returncode == 0 and os.path.isfile(report) and os.path.isfile(os.path.join(work, "metrics.csv")),
                 f"exit {gen.returncode}: {gen.stderr.strip()}"):
        print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
        return 1
    check("no temporary files left", sorted(os.listdir(work)) == ["metrics.csv", "report.html"],
          str(sorted(os.listdir(work))))
    html_text = open(report, encoding="utf-8").read()
    check_static(html_text)

    url = "file://" + report
    try:
        r = run_chromium(chromium, os.path.join(work, "profile-dom"), ["--dump-dom"], url)
        if check("chromium --dump-dom", r.returncode == 0 and "<svg" in r.stdout,
                 f"exit {r.returncode}: {r.stderr.strip()[-800:]}"):
            check_dom(parse_dom(r.stdout))
        png = os.path.join(work, "report.png")
        r = run_chromium(chromium, os.path.join(work, "profile-shot"),
                         [f"--screenshot={png}", "--window-size=1400,2800"], url)
        if check("chromium --screenshot", r.returncode == 0 and os.path.isfile(png),
                 f"exit {r.returncode}: {r.stderr.strip()[-800:]}"):
            check_screenshot(png)
            print(f"screenshot: {png}")
    except subprocess.TimeoutExpired as e:
        check("chromium finishes", False, f"timed out after {e.timeout} s: {' '.join(e.cmd[:2])} ...")

    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
