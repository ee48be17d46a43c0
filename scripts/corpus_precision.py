#!/usr/bin/env python3
"""Precision and recall of the card rules (MC-*, DC-*) on the labelled real-world corpus.

Places every file of the corpus at its path in its repository (MANIFEST.tsv: repo, path), each
repository in its own directory under a temporary one, runs aimslint on each repository as
tests/external/corpus_labels.rs does (`check --root REPO --format json --fail-on never --as-of
2026-11-01 FILE…`), and compares its findings, per (file, rule), with tests/data/corpus-labels.toml:
a finding is expected exactly where the label is a gap. A file's path is part of what it is (the
README of `datasets/c4/` is that dataset's card whatever it holds). `--flat` runs on the corpus
directory as it is instead, where only content tells what a file is.

  TP  a finding where the label says gap
  FP  a finding where the label says ok or n/a, or on a file that is no card of the rule's kind
  FN  no finding where the label says gap

Prints a table per rule and overall, then every disagreement with the label's `why`.
Exit status: 0 (it measures; tests/external/corpus_labels.rs is the test).

Usage: scripts/corpus_precision.py [--bin target/debug/aimslint] [--corpus DIR] [--labels FILE] [--flat]
The corpus defaults to $AIMSLINT_CORPUS, else ../shared/corpus beside the checkout.
Python 3.11+, standard library only. Build the binary first (`cargo build`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CARD_RULE = re.compile(r"^(MC|DC)-\d+$")
MERGED = re.compile(r"\[also ((?:MC|DC)-\d+): ")


def load_labels(path: Path) -> dict[str, dict]:
    with path.open("rb") as f:
        return tomllib.load(f)


def expected(labels: dict[str, dict]) -> dict[tuple[str, str], tuple[bool, str]]:
    """(file, rule) -> (gap?, why) for every verdict in the labels."""
    out: dict[tuple[str, str], tuple[bool, str]] = {}
    for file, entry in labels.items():
        for rule, verdict in entry.get("rules", {}).items():
            if isinstance(verdict, str):
                out[(file, rule)] = (False, verdict)
            else:
                why = verdict.get("why", "")
                out[(file, rule)] = (verdict["verdict"] == "gap", f"{verdict['verdict']}: {why}")
    return out


ARGS = ["--format", "json", "--fail-on", "never", "--as-of", "2026-11-01"]


def check(binary: Path, root: Path, files: list[Path]) -> dict:
    args = [str(binary), "check", "--root", str(root), *ARGS, *map(str, files)]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"aimslint exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout)


def manifest(corpus: Path) -> list[tuple[str, str, str]]:
    """(repo, path in the repo, corpus file) for every file of the corpus."""
    rows = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(c[0], c[2], c[5]) for c in (r.split("\t") for r in rows if r.strip())]


def run(binary: Path, corpus: Path, flat: bool) -> dict:
    """The findings, with each finding's path the corpus file's name."""
    rows = manifest(corpus)
    if flat:
        return check(binary, corpus, [corpus / f for _, _, f in rows])
    findings = []
    with tempfile.TemporaryDirectory(prefix="aimslint-corpus-") as tmp:
        by_repo: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for repo, path, file in rows:
            by_repo[repo].append((path, file))
        for repo, files in sorted(by_repo.items()):
            root = Path(tmp) / repo.replace("/", "__")
            placed = []
            for path, file in files:
                dest = root / path
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(corpus / file, dest)
                placed.append(dest)
            back = {path: file for path, file in files}
            for f in check(binary, root, placed)["findings"]:
                f["path"] = back.get(f["path"], f["path"])
                findings.append(f)
    return {"findings": findings}


def found(report: dict) -> dict[tuple[str, str], str]:
    """(file, rule) -> the first message, for every card-rule finding. A finding that another
    absorbed (`supersedes`: "… [also MC-003: …]") counts as found: the gap is reported."""
    out: dict[tuple[str, str], str] = {}
    for f in report["findings"]:
        if CARD_RULE.match(f["rule"]):
            out.setdefault((f["path"], f["rule"]), f["message"])
            for also in MERGED.findall(f["message"]):
                out.setdefault((f["path"], also), f"(in {f['rule']}'s finding) {f['message']}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", type=Path, default=ROOT / "target" / "debug" / "aimslint")
    default_corpus = os.environ.get("AIMSLINT_CORPUS") or str(ROOT.parent / "shared" / "corpus")
    ap.add_argument("--corpus", type=Path, default=Path(default_corpus))
    ap.add_argument("--labels", type=Path, default=ROOT / "tests" / "data" / "corpus-labels.toml")
    ap.add_argument("--flat", action="store_true",
                    help="run on the corpus directory as it is (content alone tells a file's kind)")
    a = ap.parse_args()
    if not a.bin.is_file():
        sys.exit(f"no binary at {a.bin}: run `cargo build` first, or pass --bin")
    if not (a.corpus / "MANIFEST.tsv").is_file():
        sys.exit(f"no corpus at {a.corpus} (set AIMSLINT_CORPUS or pass --corpus)")

    labels = load_labels(a.labels)
    want = expected(labels)
    have = found(run(a.bin, a.corpus, a.flat))

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # TP, FP, FN
    disagreements: list[tuple[str, str, str, str]] = []
    for key in sorted(set(want) | set(have)):
        file, rule = key
        gap, why = want.get(key, (False, ""))
        if key not in want:
            entry = labels.get(file, {})
            why = f"labelled {entry.get('kind', 'unlabelled')}"
            if entry.get("why"):
                why += f": {entry['why']}"
        c = counts[rule]
        if key in have and gap:
            c[0] += 1
        elif key in have:
            c[1] += 1
            disagreements.append(("FP", file, rule, f"{why} | aimslint: {have[key]}"))
        elif gap:
            c[2] += 1
            disagreements.append(("FN", file, rule, why))

    def ratio(n: int, d: int) -> str:
        return f"{n / d:6.1%}" if d else "     -"

    print(f"{'rule':<8} {'TP':>4} {'FP':>4} {'FN':>4}  {'precision':>9}  {'recall':>6}")
    total = [0, 0, 0]
    for rule in sorted(counts):
        tp, fp, fn = counts[rule]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        print(f"{rule:<8} {tp:>4} {fp:>4} {fn:>4}  {ratio(tp, tp + fp):>9}  {ratio(tp, tp + fn):>6}")
    tp, fp, fn = total
    print(f"{'all':<8} {tp:>4} {fp:>4} {fn:>4}  {ratio(tp, tp + fp):>9}  {ratio(tp, tp + fn):>6}")
    print()
    print(f"{len(disagreements)} disagreements (FP: a finding the label does not call a gap; "
          "FN: a labelled gap without a finding)")
    for what, file, rule, why in disagreements:
        print(f"{what} {rule} {file}\n     {why}")


if __name__ == "__main__":
    main()
