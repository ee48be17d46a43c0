#!/usr/bin/env python3
"""Adversarial inputs at several sizes: time and peak RSS of `aimslint check` on each.

Every class of hostile input the linter must survive is generated (deterministically) at three sizes,
each in a fresh repository, and run with a timeout. Peak RSS is the child's `ru_maxrss` from wait4; Linux
carries a parent's peak into its children, so the generators stream large files instead of holding them. The report says, per row, the wall time, the peak
RSS, the exit code and whether the row meets the budget (every case <= 2 s and <= 512 MiB on 2 cores);
per class, how time grows from the smallest to the largest size against how the input grows
(linear growth keeps the two ratios close). Not a test: nothing here fails a build; BENCHMARKS.md
records the table.

Python 3.11, standard library only; needs git. Usage:

  cargo build --release && python3 bench/adversarial.py > adversarial.md
  python3 bench/adversarial.py --bin target/debug/aimslint --only headings,inventory
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO_ROOT / "target" / "release" / "aimslint"
TIME_BUDGET_S = 2.0
RSS_BUDGET_MIB = 512
TIMEOUT_S = 60


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=B", "-c", "user.email=b@example.com", *args],
        cwd=repo,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def write(repo: Path, rel: str, data: bytes | str) -> None:
    p = repo / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data.encode() if isinstance(data, str) else data)


# -- generators: (repo, n) -> extra aimslint arguments ------------------------------------------


def alias_bomb(repo: Path, n: int) -> list[str]:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, n):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]")
    write(repo, "data/bomb/provenance.yaml", "\n".join(lines) + "\n")
    return []


def deep_nesting(repo: Path, n: int) -> list[str]:
    write(repo, "data/deep/provenance.yaml", "dataset: " + "[" * n + "]" * n + "\n")
    write(repo, "data/deep/provenance.json", '{"dataset": ' + "[" * n + "]" * n + "}\n")
    return []


def huge_file(repo: Path, n: int) -> list[str]:
    # n MiB of YAML: over the 8 MiB default limit from the second size on.
    # Written a MiB at a time: this script's own memory is inherited by the child's peak RSS figure.
    line = b"- item that is not very interesting but takes room\n"
    chunk = line * (1024 * 1024 // len(line))
    (repo / "data" / "huge").mkdir(parents=True)
    with open(repo / "data" / "huge" / "provenance.yaml", "wb") as f:
        f.write(b"dataset: huge\nprocessing:\n")
        for _ in range(n):
            f.write(chunk)
    return []


def binary_and_encoding(repo: Path, n: int) -> list[str]:
    rng = random.Random(n)
    for i in range(n):
        write(repo, f"models/m{i}/README.md", bytes(rng.getrandbits(8) for _ in range(4096)))
    return []


def equal_headings(repo: Path, n: int) -> list[str]:
    write(repo, "models/m/README.md", "---\nlicense: mit\n---\n" + "## Uses\nSome text here.\n" * n)
    return []


def inventory(repo: Path, n: int) -> list[str]:
    rows = [f"  - id: sys-{i:06d}\n    name: System {i}\n    owner: team-{i % 50}\n    role: provider\n    risk_tier: minimal\n" for i in range(n)]
    write(repo, "aims/systems.yaml", "systems:\n" + "".join(rows))
    return []


def one_line_list(repo: Path, n: int) -> list[str]:
    items = ", ".join(f"TBD{i}" if i % 2 else "TODO" for i in range(n))
    write(repo, "data/x/provenance.yaml", f"dataset: x\nlicense: [{items}]\nprocessing: [{items}]\n")
    return ["--format", "human"]


def long_key(repo: Path, n: int) -> list[str]:
    key = "k" * (1 << 20)
    children = ", ".join(f'"c{i}": {{"v": {i}}}' for i in range(n))
    write(repo, "data/x/provenance.json", '{"dataset": "x", "%s": {%s}}\n' % (key, children))
    return []


def history_versions(repo: Path, n: int) -> list[str]:
    # n versions of a 1 MiB card with a finding that moves each time.
    body = ("Some paragraph of model card text. " * 28 + "\n") * 1000
    for i in range(n):
        write(repo, "models/m/README.md", f"---\nlicense: mit\n---\n# Card v{i}\n[More Information Needed]\n" + body[: 1024 * 1024])
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"v{i}")
    return ["--all-history", "--no-cache"]


def staged_large(repo: Path, n: int) -> list[str]:
    (repo / "data").mkdir(exist_ok=True)
    chunk = (b"x: " + b"y" * 1020 + b"\n") * 1024  # 1 MiB at a time, as above
    with open(repo / "data" / "provenance.yaml", "wb") as f:
        for _ in range(n):
            f.write(chunk)
    git(repo, "add", "-A")
    return ["--staged", "--format", "human"]


def fifo(repo: Path, n: int) -> list[str]:
    for i in range(n):
        p = repo / f"data/f{i}/provenance.yaml"
        p.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(p)
    return []


CLASSES = {
    # name: (generator, sizes, unit)
    "alias-bomb": (alias_bomb, [6, 9, 12], "levels of ten aliases"),
    "deep-nesting": (deep_nesting, [1_000, 10_000, 100_000], "nesting depth"),
    "huge-file": (huge_file, [4, 64, 512], "MiB"),
    "random-4k-files": (binary_and_encoding, [100, 400, 1600], "files of 4 KiB random bytes"),
    "equal-headings": (equal_headings, [10_000, 30_000, 90_000], "equal headings"),
    "inventory": (inventory, [1_000, 5_000, 20_000], "systems"),
    "one-line-list": (one_line_list, [10_000, 40_000, 160_000], "items on one line"),
    "long-key": (long_key, [500, 2_000, 5_000], "children under a 1 MiB key"),
    "history-versions": (history_versions, [50, 150, 450], "versions of a 1 MiB card"),
    "staged-large": (staged_large, [16, 256, 1024], "MiB staged"),
    "fifo": (fifo, [1, 10, 100], "FIFOs named like evidence"),
}


def measure(binary: Path, repo: Path, extra: list[str]) -> tuple[float, float, int | None]:
    args = [str(binary), "check", ".", "--format", "json", "--output", os.devnull, "--fail-on", "never", "--as-of", "2026-11-01"]
    if "--format" in extra:
        args = [a for a in args if a not in ("--format", "json", "--output", os.devnull)]
    args += extra
    start = time.perf_counter()
    p = subprocess.Popen(args, cwd=repo, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = start + TIMEOUT_S
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            wall = time.perf_counter() - start
            return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)
        if time.perf_counter() > deadline:
            p.kill()
            _, _, usage = os.wait4(p.pid, 0)
            return TIMEOUT_S, usage.ru_maxrss / 1024, None
        time.sleep(0.005)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", type=Path, default=DEFAULT_BIN)
    ap.add_argument("--only", default="", help="comma-separated classes (default: all)")
    args = ap.parse_args()
    args.bin = args.bin.resolve()
    if not args.bin.exists():
        log(f"{args.bin} not found: cargo build --release first")
        return 2
    only = [c for c in args.only.split(",") if c]
    version = subprocess.run([str(args.bin), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"- aimslint: {version} (`{args.bin}`), {os.cpu_count()} cores, budget {TIME_BUDGET_S:g} s and {RSS_BUDGET_MIB} MiB per case, timeout {TIMEOUT_S} s\n")
    print("| class | size | wall (s) | peak RSS (MiB) | exit | within budget |")
    print("|---|---|---|---|---|---|")
    growth = []
    for name, (gen, sizes, unit) in CLASSES.items():
        if only and name not in only:
            continue
        walls = []
        for n in sizes:
            with tempfile.TemporaryDirectory(prefix=f"aimslint-adv-{name}-") as d:
                repo = Path(d)
                git(repo, "init", "-q")
                log(f"{name} {n}: generating")
                extra = gen(repo, n)
                log(f"{name} {n}: running")
                wall, rss, code = measure(args.bin, repo, extra)
            ok = code is not None and code in (0, 1) and wall <= TIME_BUDGET_S and rss <= RSS_BUDGET_MIB
            shown = "timeout" if code is None else str(code)
            print(f"| {name} | {n:,} {unit} | {wall:.2f} | {rss:.0f} | {shown} | {'yes' if ok else '**no**'} |", flush=True)
            walls.append(wall)
        growth.append((name, sizes[-1] / sizes[0], walls[-1] / max(walls[0], 0.001)))
    print("\n| class | input grows | time grows |")
    print("|---|---|---|")
    for name, g_in, g_t in growth:
        print(f"| {name} | {g_in:.0f}× | {g_t:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
