#!/usr/bin/env python3
"""A model lives in two places: its kernel folder (models/NAME/) and its binding file
(engine/model_bindings/NAME.cpp, listed once in engine/model_bindings/registry.cpp). This check fails when
code elsewhere tests a model by name or reaches into a model's kernel:

  1. no comparison of a registered model's name as a string literal (== "rothc", != "mimics",
     .compare("amg"), case "icbm") in engine/ outside engine/model_bindings/, nor in grids/ or decomposition/;
  2. a model kernel's headers (models/<folder>/*.hpp, not models/common/) are included in engine/ only by that
     model's binding file and by the official drop-ins (engine/official/, which read the official programs'
     file formats of RothC and AMG);
  3. every registered model has exactly one binding function `ModelBinding NAME_binding()`, in
     engine/model_bindings/, and registry.cpp lists it once.

Usage: check_model_names.py --alamod build/engine/alamod [--root REPO]
"""
import argparse
import os
import re
import subprocess
import sys


def registered_models(alamod):
    out = subprocess.run([alamod, "models"], check=True, stdout=subprocess.PIPE, text=True).stdout
    names = [l.split()[0] for l in out.splitlines()[1:] if l.strip() and not l.startswith((" ", "`"))]
    if not names:
        sys.exit("check_model_names: `alamod models` listed no model")
    return names


def sources(root, folder):
    for base, _, files in os.walk(os.path.join(root, folder)):
        for f in sorted(files):
            if f.endswith((".cpp", ".hpp")):
                yield os.path.join(base, f)


def name_tests(text, names):
    """(line, match) of every comparison of a string literal holding a model name."""
    alt = "|".join(re.escape(n) for n in names)
    pattern = re.compile(r'(==|!=)\s*"(%s)"|"(%s)"\s*(==|!=)|\.compare\(\s*"(%s)"|case\s+"(%s)"' % (alt, alt, alt, alt))
    hits = []
    for i, line in enumerate(text.splitlines(), 1):
        code = line.split("//", 1)[0]
        for m in pattern.finditer(code):
            hits.append((i, m.group(0)))
    return hits


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--alamod", required=True)
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    a = ap.parse_args()
    names = registered_models(a.alamod)
    root = a.root
    problems = []
    # the check must be able to fail: a name test it has to find
    assert name_tests('if (cfg.model == "%s") x();' % names[0], names), "the name-test pattern finds nothing"

    # 1. model-name tests outside the bindings
    for folder in ("engine", "grids", "decomposition"):
        for path in sources(root, folder):
            rel = os.path.relpath(path, root)
            if rel.startswith("engine/model_bindings/"):
                continue
            for line, what in name_tests(open(path, encoding="utf-8").read(), names):
                problems.append("%s:%d: tests a model by name (%s): ask the model's binding instead" % (rel, line, what))

    # 2. kernel headers included only by the model's own binding file (and the official drop-ins)
    include = re.compile(r'#include\s+"models/([a-z0-9_]+)/[^"]+"')
    includers = {}
    for path in sources(root, "engine"):
        rel = os.path.relpath(path, root)
        for m in include.finditer(open(path, encoding="utf-8").read()):
            if m.group(1) != "common":
                includers.setdefault(m.group(1), set()).add(rel)
    for folder, files in sorted(includers.items()):
        bindings = {f for f in files if f.startswith("engine/model_bindings/")}
        elsewhere = {f for f in files - bindings if not f.startswith("engine/official/")}
        if len(bindings) != 1:
            problems.append("models/%s/ is included by %d binding files (%s), expected exactly one" %
                            (folder, len(bindings), ", ".join(sorted(bindings)) or "none"))
        for f in sorted(elsewhere):
            problems.append("%s includes the kernel of models/%s/: only its binding file may" % (f, folder))

    # 3. one binding function per registered model, listed once in the registry
    defined = {}
    for path in sources(root, "engine/model_bindings"):
        for m in re.finditer(r"^ModelBinding\s+([a-z0-9_]+)_binding\(\)\s*\{", open(path, encoding="utf-8").read(), re.M):
            defined.setdefault(m.group(1), []).append(os.path.relpath(path, root))
    registry = open(os.path.join(root, "engine/model_bindings/registry.cpp"), encoding="utf-8").read()
    listed = re.findall(r"^\s*X\(([a-z0-9_]+)\)", registry, re.M)
    for n in names:
        if len(defined.get(n, [])) != 1:
            problems.append("model %s: %d definitions of ModelBinding %s_binding() (%s), expected one" %
                            (n, len(defined.get(n, [])), n, ", ".join(defined.get(n, [])) or "none"))
        if listed.count(n) != 1:
            problems.append("model %s is listed %d times in engine/model_bindings/registry.cpp, expected once" %
                            (n, listed.count(n)))

    if problems:
        print("check_model_names: %d problem(s):" % len(problems))
        for p in problems:
            print("  " + p)
        return 1
    print("check_model_names: %d registered models (%s): no model-name test outside engine/model_bindings/, "
          "each kernel included by its binding file only, one binding function each" % (len(names), ", ".join(names)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
