#!/usr/bin/env python3
"""Precision and recall of the card rules (MC-*, DC-*) on the labelled real-world corpus.

Runs aimslint on every file of the corpus (as tests/external/corpus.rs does: `check --root CORPUS
--format json --fail-on never --as-of 2026-11-01 FILE…`) and compares its findings, per (file, rule),
with tests/data/corpus-labels.toml: a finding is expected exactly where the label is a gap.

  TP  a finding where the label says gap
  FP  a finding where the label says ok or n/a, or on a file that is no card of the rule's kind
  FN  no finding where the label says gap

Prints a table per rule and overall, then every disagreement with the label's `why`.
Exit status: 0 (it measures; tests/external/corpus_labels.rs is the test).

Usage: scripts/corpus_precision.py [--bin target/debug/aimslint] [--corpus DIR] [--labels FILE]
The corpus defaults to $AIMSLINT_CORPUS, else ../shared/corpus beside the checkout.
Python 3.11+, standard library only. Build the binary first (`cargo build`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
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


def run(binary: Path, corpus: Path) -> dict:
    manifest = (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]
    files = [line.split("\t")[5] for line in manifest if line.strip()]
    args = [
        str(binary), "check", "--root", str(corpus), "--format", "json",
        "--fail-on", "never", "--as-of", "2026-11-01",
    ] + [str(corpus / f) for f in files]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"aimslint exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout)


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
    a = ap.parse_args()
    if not a.bin.is_file():
        sys.exit(f"no binary at {a.bin}: run `cargo build` first, or pass --bin")
    if not (a.corpus / "MANIFEST.tsv").is_file():
        sys.exit(f"no corpus at {a.corpus} (set AIMSLINT_CORPUS or pass --corpus)")

    labels = load_labels(a.labels)
    want = expected(labels)
    have = found(run(a.bin, a.corpus))

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
