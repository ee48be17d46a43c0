#!/usr/bin/env python3
"""Benchmark `aimslint check --all-history` on synthetic git histories.

For each size N (--commits, default 1000,10000,50000) it generates, deterministically from --seed and
with `git fast-import`, a repository whose first commit holds --artifacts evidence artifacts (60% data
provenance records data/ds-NNNNN/provenance.yaml, 30% model cards models/m-NNNNN/README.md with a
training configuration models/m-NNNNN/config.yaml beside each, 10% change records changes/CR-NNNN.yaml,
plus the two risk assessments of examples/credit-scoring), followed by N-1 commits of 1-3 files each
(mostly edits of evidence or configuration, now and then an artifact added or retired, a revert, a
`Change-Record:` trailer), committer dates 1-3 hours apart from 2024-01-01. It then measures wall time
and peak RSS of

  (a) aimslint check --all-history --format json --output /dev/null --fail-on never --no-progress <repo>
      (best and median of --runs runs; one run when the first takes over 60 s),
  (b) the floor: `git log --raw --no-abbrev --format=%H --first-parent HEAD | awk | git cat-file --batch`,
      which diffs every commit against its first parent and reads every distinct blob aimslint reads,
      once (the whole `sh -c` pipeline is timed),
  (c) the naive way: `git checkout --force` each first-parent commit into a scratch worktree and run
      `aimslint check <worktree>` on it (sizes up to --naive-max in full; larger sizes only with
      --naive-sample K, from the first K commits, extrapolated and labelled so),
  (d) aimslint check --staged on the smallest repository (the pre-commit case; best of --staged-runs),
      and aimslint on a repository with nothing to read (start-up),
  (e) --all-history on a control repository: the same initial commit and as many commits, each
      changing only a text file aimslint does not read, which separates the cost per commit from the
      cost per distinct (blob, path) pair (--no-control skips it),

checks that aimslint walked every commit and judged exactly the (blob, path) pairs the generator wrote,
and that the floor read exactly the generated blobs, and prints a Markdown report for BENCHMARKS.md on
stdout. Progress goes to stderr, so `python3 bench/history.py > history.md` keeps only the report.

Generators, timing and environment helpers come from bench/check.py (imported, unchanged).
Python 3.11, standard library only; needs git, sh and awk. Usage:

  python3 bench/history.py                                       # 1k, 10k, 50k commits
  python3 bench/history.py --commits 50,200 --artifacts 60 --bin target/debug/aimslint
  python3 bench/history.py --naive-sample 100                    # also estimate naive for 10k, 50k
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import platform
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no bench/__pycache__ from importing check.py
sys.path.insert(0, str(Path(__file__).resolve().parent))
import check  # noqa: E402  (bench/check.py: generators, measure(), environment helpers)
from check import (  # noqa: E402
    GAPS,
    TEAMS,
    BenchError,
    Run,
    Stats,
    cpu_model,
    dataset_id,
    fail_run,
    gen_card,
    gen_provenance,
    log,
    model_id,
    nproc,
    summarise,
    tool_version,
)

REPO_ROOT = check.REPO_ROOT
DEFAULT_BIN = check.DEFAULT_BIN
EXAMPLE_RISK = REPO_ROOT / "examples" / "credit-scoring" / "aims" / "risk"
SYSTEMS = ["credit-scoring", "fraud-detection"]  # the two risk assessments copied from the example
START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
CONTROL_FILE = "ops/last-run.txt"  # what the control repository's commits change: not evidence
SLOW_S = 60.0            # one run only when the first takes longer
STAGED_TARGET_S = 0.150  # the pre-commit target
PROV_SHARE, CARD_SHARE = 0.6, 0.3  # of --artifacts; the rest are change records

# Evidence as the default artifact globs find it (what the "distinct evidence blobs" column counts).
EVIDENCE_RE = re.compile(
    r"^(data/.+/provenance\.yaml|models/.+/README\.md|changes/.+\.ya?ml|aims/risk/.+\.ya?ml)$")
# Every file aimslint reads in history mode: a path a kind's globs match, or any file whose name gives a
# parseable format (Engine::is_candidate). Here that adds the model configurations and aimslint.toml.
CANDIDATE_RE = re.compile(r"(\.(ya?ml|dvc|json|jsonld|toml|md|markdown)|(^|/)(mlmodel|dvc\.lock))$",
                          re.IGNORECASE)
AWK_PROG = ("/^:/ { split($1, f, \" \"); "
            "n = tolower($NF); if (f[4] !~ /^0+$/ && (n ~ /\\.(ya?ml|dvc|json|jsonld|toml|md|markdown)$/ "
            "|| n ~ /(^|\\/)(mlmodel|dvc\\.lock)$/) && !seen[f[4]]++) print f[4] }")


# ----------------------------------------------------------------------------------------------
# Child processes
# ----------------------------------------------------------------------------------------------


def run(cmd: list[str], *, cwd: Path | None = None, stdin_bytes: bytes | None = None,
        capture: bool = False, what: str | None = None) -> bytes:
    """Run cmd to completion in its own session; kill its process group if we are interrupted."""
    try:
        p = subprocess.Popen(cmd, cwd=cwd, start_new_session=True,
                             stdin=subprocess.PIPE if stdin_bytes is not None else subprocess.DEVNULL,
                             stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    except OSError as e:
        raise BenchError(f"cannot run {cmd[0]}: {e}") from None
    try:
        out, err = p.communicate(stdin_bytes)
    except BaseException:
        kill(p)
        raise
    if p.returncode != 0:
        tail = "\n".join(err.decode("utf-8", "replace").strip().splitlines()[-15:])
        raise BenchError(f"{what or cmd[0]} exited with status {p.returncode}\n"
                         f"  command: {shlex.join(cmd)}\n{tail}")
    return out or b""


def kill(p: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, signal.SIGKILL)
    p.wait()


def git(repo: Path, *args: str, capture: bool = False) -> str:
    return run(["git", "-C", str(repo), *args], capture=capture,
               what=f"git {args[0]}").decode("utf-8", "replace")


# ----------------------------------------------------------------------------------------------
# Generator
# ----------------------------------------------------------------------------------------------

ESTIMATORS = [
    ("sklearn.linear_model.LogisticRegression", {"penalty": ["l2"], "C": [0.1, 0.25, 0.5, 1.0],
                                                "max_iter": [500, 1000, 2000]}),
    ("xgboost.XGBClassifier", {"max_depth": [4, 5, 6, 8], "learning_rate": [0.03, 0.05, 0.1],
                               "n_estimators": [300, 500, 800]}),
    ("lightgbm.LGBMRegressor", {"num_leaves": [31, 63, 127], "learning_rate": [0.02, 0.05],
                                "min_child_samples": [20, 50, 100]}),
    ("transformers.AutoModelForSequenceClassification",
     {"base_model": ["distilbert-base-multilingual-cased", "xlm-roberta-base"],
      "epochs": [2, 3, 4], "learning_rate": ["2e-5", "3e-5", "5e-5"]}),
]
FEATURES = ["bureau_score_band", "net_monthly_income", "debt_to_income", "months_at_address",
            "employment_type", "regular_salary_inflow", "card_utilisation", "device_age_days",
            "application_channel", "days_since_last_delinquency", "merchant_category", "ticket_text"]
APPROVERS = [("Katrin Vogt", "model-owner"), ("Claire Fontaine", "model-risk-officer"),
             ("Matthias Brandt", "head-of-retail-credit-risk"), ("Julien Morel", "model-owner"),
             ("Amira Haddad", "ai-risk-officer"), ("Pieter de Vries", "data-protection-officer")]
CR_SUMMARIES = {
    "model-update": "Retrain {m} on the latest quarter of applications and recalibrate it to the "
                    "long-run default rate; the feature set is unchanged.",
    "config-change": "Change the training configuration of {m} ({what}) after the quarterly "
                     "performance review; monitored metrics stay within the agreed tolerance.",
    "data-update": "Move {m} to the new snapshot of its training data; the provenance record is "
                   "updated in the same change.",
    "retirement": "Retire {m}: it is no longer used by any AI system, and its evidence is archived "
                  "in the document management system under the same identifier.",
}


def blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def cr_id(n: int) -> str:
    return f"CR-{n:04d}"


def gen_config(rng: random.Random, j: int, dataset: str) -> str:
    """A training configuration in the style of examples/credit-scoring/models/*/config.yaml."""
    estimator, grid = ESTIMATORS[j % len(ESTIMATORS)]
    out = [
        f"# Training configuration for {model_id(j)}.",
        "# Read by the training pipeline; every run logs this file with its results.",
        "model:",
        f"  name: {model_id(j)}",
        f'  version: "{rng.randint(1, 4)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}"',
        f"  estimator: {estimator}",
        "  params:",
    ]
    out += [f"    {k}: {rng.choice(v)}" for k, v in grid.items()]
    start = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(1500))
    out += [
        "",
        "data:",
        "  provenance:",
        f"    - data/{dataset}/provenance.yaml",
        f"  development_window: {{ start: {start}, end: {start + dt.timedelta(days=1095)} }}",
        f"  seed: {rng.randrange(1 << 31)}",
        "",
        "features:",
    ]
    out += [f"  - {f}" for f in rng.sample(FEATURES, rng.randint(4, 8))]
    out += ["", "threshold:", f"  review: {round(rng.uniform(0.2, 0.6), 2)}"]
    return "\n".join(out) + "\n"


def gen_change_record(rng: random.Random, n: int, date: dt.date, kind: str, paths: list[str],
                      subject: str) -> str:
    """A change record in the style of examples/credit-scoring/changes/*.yaml."""
    system = SYSTEMS[n % len(SYSTEMS)]
    summary = CR_SUMMARIES[kind].format(
        m=subject, what=rng.choice(["learning rate", "review threshold", "feature set", "seed"]))
    approvers = [APPROVERS[0], APPROVERS[1]] if rng.random() < 0.5 else rng.sample(APPROVERS, 2)
    out = [
        f"id: {cr_id(n)}",
        f"date: {date.isoformat()}",
        f"systems: [{system}]",
        f"type: {kind}",
        "summary: >-",
        f"  {summary}",
        "paths:",
    ]
    out += [f"  - {p}" for p in paths]
    out += [f"risk_assessment: aims/risk/{system}.yaml", "approvals:"]
    for name, role in approvers:
        when = date - dt.timedelta(days=rng.randint(0, 6))
        out.append(f"  - {{ name: {name}, role: {role}, date: {when.isoformat()} }}")
    out += [
        f"verification: evals/{subject}/{date:%Y-%m}.json",
        "rollback: >-",
        f"  Set the scoring service's model pin back to the previous version of {subject}, which "
        "stays in the model registry for twelve months; scores are stored with their model version.",
    ]
    return "\n".join(out) + "\n"


@dataclasses.dataclass
class GenStats:
    commits: int = 0
    head_evidence: int = 0           # evidence files in the tree at HEAD
    evidence_pairs: int = 0          # distinct (blob, path) of evidence files over the history
    evidence_writes: int = 0         # evidence files written (added or modified), repeats included
    candidate_pairs: int = 0         # distinct (blob, path) aimslint reads (evidence + configs + toml)
    candidate_blobs: int = 0         # distinct blob ids among those (what the floor reads)
    commit_evidence_files: int = 0   # sum over commits of evidence files in the tree (the naive load)
    trailers: int = 0
    added: int = 0
    deleted: int = 0
    reverts: int = 0


class HistoryWriter:
    """Writes a `git fast-import` stream: one branch, no marks, inline file content."""

    def __init__(self, out: io.BufferedIOBase, n_artifacts: int, rng: random.Random):
        self.out = out
        self.rng = rng
        self.time = int(START.timestamp())
        self.files: dict[str, bytes] = {}     # the current tree
        self.prev: dict[str, bytes] = {}      # each path's content before its latest change
        self.prov: list[int] = []             # live datasets
        self.models: dict[int, str] = {}      # live model -> its dataset
        self.crs: dict[int, tuple[str, list[str], str, dt.date]] = {}  # id -> kind, paths, subject, date
        self.cr_for_model: dict[int, list[int]] = {}
        self.n_prov = round(n_artifacts * PROV_SHARE)
        self.n_cards = round(n_artifacts * CARD_SHARE)
        self.n_crs = max(1, n_artifacts - self.n_prov - self.n_cards)
        self.next_prov, self.next_model, self.next_cr = self.n_prov + 1, self.n_cards + 1, self.n_crs + 1
        self.evidence: set[tuple[str, str]] = set()
        self.candidates: set[tuple[str, str]] = set()
        self.stats = GenStats()
        self.pending: list[bytes] = []
        self.n_evidence = 0                   # evidence files in the current tree
        self.touched: set[str] = set()

    # -- low level -------------------------------------------------------------------------

    def put(self, path: str, text: str) -> None:
        data = text.encode()
        if path in self.files:
            self.prev[path] = self.files[path]
        elif EVIDENCE_RE.match(path):
            self.n_evidence += 1
        self.files[path] = data
        self.touched.add(path)
        self.pending.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
        self.record(path, data)

    def record(self, path: str, data: bytes) -> None:
        b = blob_id(data)
        if EVIDENCE_RE.match(path):
            self.evidence.add((b, path))
            self.stats.evidence_writes += 1
        if CANDIDATE_RE.search(path):
            self.candidates.add((b, path))

    def delete(self, path: str) -> None:
        if self.files.pop(path, None) is not None and EVIDENCE_RE.match(path):
            self.n_evidence -= 1
        self.prev.pop(path, None)
        self.touched.add(path)
        self.pending.append(b"D %s\n" % path.encode())

    def commit(self, summary: str, trailer: str | None, when: int) -> None:
        team, email = TEAMS[self.rng.randrange(len(TEAMS))]
        msg = summary + (f"\n\nChange-Record: {trailer}\n" if trailer else "\n")
        ident = f"{team} <{email}> {when} +0000".encode()
        m = msg.encode()
        self.out.write(b"commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s"
                       % (ident, ident, len(m), m))
        self.out.writelines(self.pending)
        self.out.write(b"\n")
        self.pending.clear()
        self.touched.clear()
        self.stats.commits += 1
        self.stats.trailers += trailer is not None
        self.stats.commit_evidence_files += self.n_evidence

    # -- the initial tree ------------------------------------------------------------------

    def initial(self) -> None:
        rng = self.rng
        self.put("aimslint.toml", "# Synthetic repository generated by bench/history.py.\n\n"
                                  "[packs]\niso42001 = \"^1\"\n")
        for system in SYSTEMS:
            src = EXAMPLE_RISK / f"{system}.yaml"
            self.put(f"aims/risk/{system}.yaml", src.read_text())
        for i in range(1, self.n_prov + 1):
            self.put(prov_path(i), gen_provenance(rng, i, self.maybe_gap()))
            self.prov.append(i)
        for j in range(1, self.n_cards + 1):
            self.add_model_files(j, dataset_id(rng.choice(self.prov)))
        for n in range(1, self.n_crs + 1):
            j = rng.randint(1, self.n_cards)
            kind = rng.choice(["model-update", "config-change", "data-update"])
            date = START.date() - dt.timedelta(days=rng.randint(1, 365))
            self.add_cr(n, kind, [f"models/{model_id(j)}/**"], model_id(j), date, model=j)
        self.commit("Import the AI management system evidence", None, self.time)

    # -- operations --------------------------------------------------------------------------

    def maybe_gap(self) -> str | None:
        return self.rng.choice(GAPS)[0] if self.rng.random() < 0.08 else None

    def add_model_files(self, j: int, dataset: str) -> None:
        self.put(card_path(j), gen_card(self.rng, j, dataset))
        self.put(config_path(j), gen_config(self.rng, j, dataset))
        self.models[j] = dataset

    def add_cr(self, n: int, kind: str, paths: list[str], subject: str, date: dt.date,
               model: int | None = None) -> None:
        self.put(cr_path(n), gen_change_record(self.rng, n, date, kind, paths, subject))
        self.crs[n] = (kind, paths, subject, date)
        if model is not None:
            self.cr_for_model.setdefault(model, []).append(n)

    def new_cr(self, kind: str, paths: list[str], subject: str, date: dt.date,
               model: int | None = None) -> int:
        n = self.next_cr
        self.next_cr += 1
        self.add_cr(n, kind, paths, subject, date, model)
        self.stats.added += 1
        return n

    def modify_prov(self) -> str:
        i = self.pick(self.prov, prov_path)
        if i is None:
            return ""
        self.put(prov_path(i), gen_provenance(self.rng, i, self.maybe_gap()))
        return f"Refresh the provenance record of {dataset_id(i)}"

    def modify_card(self) -> str:
        j = self.pick(sorted(self.models), card_path)
        if j is None:
            return ""
        self.put(card_path(j), gen_card(self.rng, j, self.models[j]))
        return f"Update the model card of {model_id(j)}"

    def modify_cr(self) -> str:
        n = self.pick(sorted(self.crs), cr_path)
        if n is None:
            return ""
        kind, paths, subject, date = self.crs[n]
        self.put(cr_path(n), gen_change_record(self.rng, n, date, kind, paths, subject))
        return f"Amend change record {cr_id(n)}"

    def pick(self, ids: list[int], path_of) -> int | None:
        for _ in range(8):
            if not ids:
                return None
            k = self.rng.choice(ids)
            if path_of(k) not in self.touched:
                return k
        return None

    def step(self, date: dt.date) -> tuple[str, str | None]:
        """Stage one commit's changes (1-3 files); return its summary and trailer."""
        rng = self.rng
        want = rng.choices([1, 2, 3], weights=[55, 30, 15])[0]
        op = rng.choices(["prov", "card", "config", "cr", "revert", "churn-prov", "churn-model",
                          "churn-cr"], weights=[34, 18, 22, 5, 5, 6, 4, 6])[0]
        # Adds and retirements keep each kind near its initial count: add below it, retire above.
        if op == "churn-prov":
            op = "add-prov" if len(self.prov) < self.n_prov else "del-prov"
        elif op == "churn-model":
            op = "add-model" if len(self.models) < self.n_cards else "del-model"
        elif op == "churn-cr":
            op = "add-cr" if len(self.crs) < self.n_crs else "archive-cr"
        trailer: str | None = None
        summary = ""
        if op == "config" and self.models:
            j = rng.choice(sorted(self.models))
            self.put(config_path(j), gen_config(rng, j, self.models[j]))
            summary = f"Tune the training configuration of {model_id(j)}"
            r = rng.random()
            if r < 0.5:    # the card follows the model (CH-001 satisfied by the card)
                self.put(card_path(j), gen_card(rng, j, self.models[j]))
            elif r < 0.8:  # or a change record covers it (CH-001 satisfied by the trailer)
                crs = self.cr_for_model.get(j)
                n = rng.choice(crs) if crs else self.new_cr(
                    "config-change", [f"models/{model_id(j)}/**"], model_id(j), date, model=j)
                trailer = cr_id(n)
            # else: neither, a CH-001 finding introduced here
        elif op == "revert":
            live = sorted(p for p in self.prev if p in self.files and EVIDENCE_RE.match(p))
            if live:
                p = rng.choice(live)
                self.put(p, self.prev[p].decode())
                self.stats.reverts += 1
                summary = f"Revert {p} to its previous version"
        elif op == "add-prov":
            i = self.next_prov
            self.next_prov += 1
            self.put(prov_path(i), gen_provenance(rng, i, self.maybe_gap()))
            self.prov.append(i)
            self.stats.added += 1
            summary = f"Add the provenance record of {dataset_id(i)}"
        elif op == "add-model" and self.prov:
            j = self.next_model
            self.next_model += 1
            self.add_model_files(j, dataset_id(rng.choice(self.prov)))
            self.stats.added += 1
            summary = f"Add model {model_id(j)} with its card and training configuration"
        elif op == "add-cr" and self.models:
            j = rng.choice(sorted(self.models))
            n = self.new_cr(rng.choice(["model-update", "data-update"]), [f"models/{model_id(j)}/**"],
                            model_id(j), date, model=j)
            trailer = cr_id(n)
            summary = f"Record change {cr_id(n)} for {model_id(j)}"
        elif op == "del-prov" and len(self.prov) > 1:
            i = self.prov.pop(rng.randrange(len(self.prov)))
            self.delete(prov_path(i))
            if rng.random() < 0.7:  # retired properly (CH-002); else a CH-002 finding
                self.new_cr("retirement", [f"data/{dataset_id(i)}/**"], dataset_id(i), date)
            self.stats.deleted += 1
            summary = f"Retire dataset {dataset_id(i)}"
        elif op == "del-model" and len(self.models) > 1:
            j = rng.choice(sorted(self.models))
            del self.models[j]
            self.cr_for_model.pop(j, None)
            self.delete(card_path(j))
            self.delete(config_path(j))
            self.new_cr("retirement", [f"models/{model_id(j)}/**"], model_id(j), date)
            self.stats.deleted += 1
            summary = f"Retire model {model_id(j)}"
        elif op == "archive-cr" and len(self.crs) > 1:
            # The oldest (change records are not protected evidence, CH-002); more than one when
            # retirements and configuration changes have added many since.
            for _ in range(min(3, 1 + (len(self.crs) - self.n_crs) // 4)):
                n = min(self.crs)
                del self.crs[n]
                for crs in self.cr_for_model.values():
                    if n in crs:
                        crs.remove(n)
                self.delete(cr_path(n))
                self.stats.deleted += 1
                summary = summary or f"Archive change record {cr_id(n)}"
                if len(self.crs) <= self.n_crs:
                    break
        elif op == "cr":
            summary = self.modify_cr()
        elif op == "card":
            summary = self.modify_card()
        if not summary:  # "prov", or an operation that did not apply
            summary = self.modify_prov() or self.modify_card() or "Touch aimslint.toml"
            if summary == "Touch aimslint.toml":
                self.put("aimslint.toml", self.files["aimslint.toml"].decode() + "\n")
        while len(self.touched) < want:
            extra = rng.choices([self.modify_prov, self.modify_card, self.modify_cr],
                                weights=[6, 3, 1])[0]()
            if not extra:
                break
        if trailer is None and self.crs and rng.random() < 0.05:
            trailer = cr_id(rng.choice(sorted(self.crs)))
        return summary, trailer

    def history(self, n_commits: int, control: bool = False) -> None:
        for k in range(1, n_commits):
            self.time += self.rng.randint(3600, 3 * 3600)
            if control:  # the same number of commits, none touching a file aimslint reads
                stamp = dt.datetime.fromtimestamp(self.time, dt.timezone.utc).isoformat()
                self.put(CONTROL_FILE, f"pipeline run {k} finished at {stamp}\n")
                self.commit(f"Record pipeline run {k}", None, self.time)
                continue
            date = dt.datetime.fromtimestamp(self.time, dt.timezone.utc).date()
            summary, trailer = self.step(date)
            self.commit(summary, trailer, self.time)

    def finish(self) -> GenStats:
        s = self.stats
        s.head_evidence = self.n_evidence
        s.evidence_pairs = len(self.evidence)
        s.candidate_pairs = len(self.candidates)
        s.candidate_blobs = len({b for b, _ in self.candidates})
        return s


def prov_path(i: int) -> str:
    return f"data/{dataset_id(i)}/provenance.yaml"


def card_path(j: int) -> str:
    return f"models/{model_id(j)}/README.md"


def config_path(j: int) -> str:
    return f"models/{model_id(j)}/config.yaml"


def cr_path(n: int) -> str:
    return f"changes/{cr_id(n)}.yaml"


@dataclasses.dataclass
class HistRepo:
    path: Path
    commits: int
    artifacts: int
    head: str
    stats: GenStats
    gen_s: float


def generate_history(root: Path, n_commits: int, n_artifacts: int, seed: int, gc: bool,
                     control: bool = False) -> HistRepo:
    """A repository with an initial commit of the artifacts and n_commits - 1 commits after it.

    The random stream depends on the seed and --artifacts only, so the first K commits of every size
    are the same: a bigger repository extends a smaller one's history. The control repository has
    the same initial commit and as many commits, each changing only a text file aimslint never reads.
    """
    t0 = time.perf_counter()
    rng = random.Random(f"{seed}:{n_artifacts}:history")
    root.mkdir(parents=True)
    git(root, "init", "-q", "--initial-branch=main")
    for k, v in (("user.name", "bench"), ("user.email", "bench@example.org"),
                 ("gc.auto", "0"), ("core.autocrlf", "false")):
        git(root, "config", k, v)
    cmd = ["git", "-C", str(root), "fast-import", "--quiet", "--done"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True, bufsize=1 << 20)
    try:
        # No thread needed: with --quiet fast-import writes to stderr only on failure, and then it
        # stops reading, so a broken pipe below means "read its stderr".
        out = p.stdin
        w = HistoryWriter(out, n_artifacts, rng)  # type: ignore[arg-type]
        try:
            w.initial()
            w.history(n_commits, control)
            out.write(b"done\n")  # type: ignore[union-attr]
            out.close()  # type: ignore[union-attr]
        except BrokenPipeError:
            pass
        err = p.stderr.read().decode("utf-8", "replace")  # type: ignore[union-attr]
        rc = p.wait()
    except BaseException:
        kill(p)
        raise
    if rc != 0:
        raise BenchError(f"git fast-import exited with status {rc}\n{err.strip()[-2000:]}")
    if gc:
        # What a real clone or a gc'd repository looks like: one packfile, a commit-graph.
        git(root, "gc", "--quiet")
    head = git(root, "rev-parse", "HEAD", capture=True).strip()
    return HistRepo(root, n_commits, n_artifacts, head, w.finish(), time.perf_counter() - t0)


# ----------------------------------------------------------------------------------------------
# Measurement
# ----------------------------------------------------------------------------------------------


def history_cmd(binary: Path | str, repo: Path | str, output: str = "/dev/null",
                cache: bool = False) -> list[str]:
    """A cold run (`--no-cache`), or with `cache` one that may read the history cache."""
    return [str(binary), "check", "--all-history", "--format", "json", "--output", output,
            "--fail-on", "never", "--no-progress", *([] if cache else ["--no-cache"]), str(repo)]


def naive_cmd(binary: Path | str, worktree: Path | str) -> list[str]:
    return [str(binary), "check", str(worktree), "--format", "json", "--output", "/dev/null",
            "--fail-on", "never"]


STAGED_ARGS = ["check", "--staged", "--format", "json", "--output", "/dev/null", "--fail-on", "never"]


def floor_pipeline(repo: Path | str, sink: str = "git -C {repo} cat-file --batch >/dev/null") -> str:
    r = shlex.quote(str(repo))
    return (f"git -C {r} log --raw --no-abbrev --format=%H --first-parent HEAD"
            f" | awk -F'\\t' {shlex.quote(AWK_PROG)}"
            f" | {sink.format(repo=r)}")


def timed_together(items: list[tuple[str, list[str]]], runs: int) -> list[Stats]:
    """Time several commands, taking turns run by run, so a slow spell of the machine falls on
    each of them alike."""
    results: list[list[Run]] = [[] for _ in items]
    for k in range(runs):
        for (what, cmd), res in zip(items, results):
            r = check.measure(cmd)
            if r.rc != 0:
                raise fail_run(what, cmd, r)
            log(f"    {what} run {k + 1}/{runs}: {r.wall:.3f} s, {r.rss_kib / 1024:.1f} MiB")
            res.append(r)
        if any(res[-1].wall > SLOW_S for res in results):
            break
    return [summarise(res) for res in results]


def timed(what: str, cmd: list[str], runs: int, ok=(0,), cwd: Path | None = None) -> Stats:
    results: list[Run] = []
    for k in range(runs):
        r = check.measure(cmd, cwd=cwd)
        if r.rc not in ok:
            raise fail_run(what, cmd, r)
        log(f"    {what} run {k + 1}/{runs}: {r.wall:.3f} s, {r.rss_kib / 1024:.1f} MiB")
        results.append(r)
        if r.wall > SLOW_S:
            break
    return summarise(results)


@dataclasses.dataclass
class Naive:
    total: float        # seconds for all commits (measured or extrapolated)
    measured: int       # commits actually checked out and linted
    commits: int
    checkout_s: float
    lint_s: float

    @property
    def extrapolated(self) -> bool:
        return self.measured < self.commits


def bench_naive(binary: Path, repo: HistRepo, sample: int | None, scratch: Path) -> Naive:
    """Check out each first-parent commit into a scratch worktree and lint it (time.perf_counter
    around each child; the loop's own overhead is not counted)."""
    commits = git(repo.path, "rev-list", "--first-parent", "--reverse", "HEAD",
                  capture=True).split()
    todo = commits[:sample] if sample else commits
    wt = scratch / "naive-worktree"
    git(repo.path, "worktree", "add", "--detach", "-q", str(wt), todo[0])
    checkout_s = lint_s = 0.0
    cmd = naive_cmd(binary, wt)
    try:
        for k, c in enumerate(todo, 1):
            t0 = time.perf_counter()
            run(["git", "-C", str(wt), "checkout", "--force", "-q", c], what="git checkout")
            t1 = time.perf_counter()
            run(cmd, what="aimslint (naive)")
            t2 = time.perf_counter()
            checkout_s += t1 - t0
            lint_s += t2 - t1
            if k % 100 == 0 or k == len(todo):
                log(f"    naive: {k}/{len(todo)} commits, {checkout_s + lint_s:.1f} s")
    finally:
        with contextlib.suppress(BenchError):
            git(repo.path, "worktree", "remove", "--force", str(wt))
    measured = checkout_s + lint_s
    return Naive(measured * len(commits) / len(todo), len(todo), len(commits), checkout_s, lint_s)


def bench_staged(binary: Path, repo: HistRepo, runs: int, fixed: Fixed) -> None:
    """The pre-commit case: check out HEAD, stage an edit of one provenance record, lint the index."""
    git(repo.path, "reset", "-q", "--hard")  # fast-import leaves the index and worktree empty
    files = [p for p in git(repo.path, "ls-files", capture=True).split("\n") if p]
    prov = sorted(p for p in files if p.endswith("/provenance.yaml"))
    target = repo.path / prov[len(prov) // 2]
    target.write_text(target.read_text() + "# quality re-assessed, figures unchanged\n")
    git(repo.path, "add", str(target.relative_to(repo.path)))
    fixed.staged_files = len(files)
    fixed.staged_read = sum(1 for p in files if CANDIDATE_RE.search(p))
    fixed.staged_evidence = sum(1 for p in files if EVIDENCE_RE.match(p))
    fixed.staged = timed("aimslint --staged", [str(binary), *STAGED_ARGS], runs, cwd=repo.path)


def bench_startup(binary: Path, root: Path, runs: int) -> Stats:
    """aimslint on a repository with nothing to read: loading and compiling the packs."""
    root.mkdir()
    git(root, "init", "-q")
    (root / "aimslint.toml").write_text("[packs]\niso42001 = \"^1\"\n")
    return timed("aimslint start-up", naive_cmd(binary, root), runs)


def walk_check(binary: Path, repo: HistRepo, scratch: Path) -> str:
    """aimslint must walk every commit and judge exactly the (blob, path) pairs generated."""
    out = scratch / "history.json"
    cmd = history_cmd(binary, repo.path, str(out))
    r = check.measure(cmd)
    if r.rc != 0:
        raise fail_run("aimslint", cmd, r)
    report = json.loads(out.read_text())
    h = report.get("history") or {}
    problems = []
    if h.get("commits") != repo.commits:
        problems.append(f"walked {h.get('commits')} commits, generated {repo.commits}")
    # A version that leaves the tree and comes back (a revert) is judged again, so the count of
    # judgements may exceed the distinct pairs, but never fall short of them.
    if (h.get("blobs") or 0) < repo.stats.candidate_pairs:
        problems.append(f"judged {h.get('blobs')} (blob, path) pairs, generated "
                        f"{repo.stats.candidate_pairs}")
    n_find = len(report.get("findings", []))
    head = (f"{h.get('commits')} commits walked, {h.get('blobs')} (blob, path) pairs judged, "
            f"{n_find} findings")
    return f"{head}: " + ("OK" if not problems else "UNEXPECTED: " + "; ".join(problems))


def floor_check(repo: HistRepo) -> str:
    """The floor must read exactly the distinct blobs the generator wrote to candidate paths."""
    out = run(["sh", "-c", floor_pipeline(repo.path, sink="cat")], capture=True, what="floor")
    ids = out.split()
    want = repo.stats.candidate_blobs
    ok = len(ids) == want == len(set(ids))
    return f"{len(ids):,} blobs read, {want:,} generated: " + ("OK" if ok else "UNEXPECTED")


# ----------------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Row:
    repo: HistRepo
    ours: Stats
    floor: Stats
    naive: Naive | None
    cached: Stats | None = None
    control: Stats | None = None
    control_pairs: int = 0


@dataclasses.dataclass
class Fixed:
    """Costs that do not depend on history: start-up, and one lint of the HEAD-size tree."""
    startup: Stats | None = None
    staged: Stats | None = None
    staged_files: int = 0       # files in the index
    staged_read: int = 0        # of which aimslint reads (evidence, configurations, aimslint.toml)
    staged_evidence: int = 0


def fmt_wall(s: Stats) -> str:
    if s.runs == 1:
        return f"{s.best:.2f} (1 run)"
    return f"{s.best:.2f} (median {s.median:.2f})"


def fmt_naive(n: Naive | None) -> str:
    if n is None:
        return "not run"
    if n.extrapolated:
        return f"{n.total:,.0f} (extrapolated from {n.measured:,} commits)"
    return f"{n.total:,.1f}"


def scaling_note(rows: list[Row], fixed: Fixed) -> list[str]:
    """What the figures say about growth: per distinct (blob, path) pair, per commit, per file."""
    notes: list[str] = []
    startup = fixed.startup.best if fixed.startup else 0.0
    per_file = None
    if fixed.staged and fixed.staged_read:
        per_file = max(0.0, fixed.staged.best - startup) / fixed.staged_read
    parts = []
    if fixed.startup:
        parts.append(f"start-up (`aimslint check` on a repository with nothing to read) "
                     f"{startup * 1e3:.0f} ms")
    if per_file is not None:
        parts.append(f"one lint of the HEAD-size tree (`--staged`) {per_file * 1e3:.2f} ms per file "
                     f"read beyond start-up")
    # The control judges the initial tree once, then walks commits that change nothing it reads: what
    # it takes beyond start-up plus one lint of the tree (the --staged run) is the cost per commit.
    base = fixed.staged.best if fixed.staged else startup
    per_commit, per_pair = [], []
    for r in rows:
        if r.control is None:
            continue
        pc = max(0.0, r.control.best - base) / max(1, r.repo.commits - 1)
        dp = r.repo.stats.candidate_pairs - r.control_pairs
        pp = (r.ours.best - r.control.best) / dp if dp > 0 else float("nan")
        per_commit.append((r, pc))
        per_pair.append((r, pp))

    def ms(x: float) -> str:
        return f"{x * 1e3:.2f} ms" if x == x and x > 0 else "≈0 (within noise)"

    if per_commit:
        parts.append(f"history with no evidence change (the control, beyond {'`--staged`' if fixed.staged else 'start-up'}) "
                     + ", ".join(f"{ms(pc)} per commit at {r.repo.commits:,} commits "
                                 f"({pc / max(1, r.repo.stats.head_evidence) * 1e6:.1f} µs per commit × "
                                 f"evidence file)" for r, pc in per_commit))
        parts.append("each (blob, path) pair beyond the control " + ", ".join(
            f"{ms(pp)} at {r.repo.commits:,} commits" for r, pp in per_pair))
    if parts:
        notes.append("- Where the time goes (best walls; differences of runs): " + "; ".join(parts)
                     + ".")
    cf = ", ".join(f"{r.ours.best / r.repo.stats.commit_evidence_files * 1e6:.1f} µs at "
                   f"{r.repo.commits:,}" for r in rows)
    notes.append(f"- `--all-history` time per commit × evidence file in the tree: {cf} (parsing and "
                 f"judging one file costs milliseconds, so a tool re-judging every file at every "
                 f"commit would show milliseconds here).")
    naive_rows = [r for r in rows if r.naive]
    if naive_rows:
        r = naive_rows[-1]
        nv = r.naive
        notes.append(
            f"- The naive loop lints every file of every commit: at {r.repo.commits:,} commits that is "
            f"{r.repo.stats.commit_evidence_files:,} evidence-file checks, {nv.lint_s / nv.measured:.2f} s "
            f"of aimslint and {nv.checkout_s / nv.measured * 1e3:.0f} ms of checkout per commit, "
            f"{nv.total / r.ours.best:,.0f}× the `--all-history` time.")
    # The reading: automatic, and only as strong as the measurements allow.
    if not per_commit:
        notes.append("- Reading: run without `--no-control` to separate the cost per commit from the "
                     "cost per distinct (blob, path) pair.")
        return notes
    r, pc = per_commit[-1]
    share = pc * (r.repo.commits - 1) / r.ours.best
    pps = [pp for _, pp in per_pair if pp == pp and pp > 0]
    if share >= 0.5:
        verdict = (f"at {r.repo.commits:,} commits {share:.0%} of the `--all-history` time is a cost "
                   f"per commit that does not depend on what the commit changed ({ms(pc)} per commit "
                   f"with {r.repo.stats.head_evidence:,} evidence files in the tree), so the time grows "
                   f"with commits (times the tree size), not with distinct blobs")
    elif pps and per_file:
        lo, hi = min(pps), max(pps)
        ratio = hi / per_file
        steady = len(pps) == 1 or hi <= 1.5 * lo
        if steady and ratio <= 2.5:
            verdict = (f"the time grows with distinct (blob, path) pairs, not with commits × files: "
                       f"each new pair costs about what one file costs in a single lint ({ratio:.1f}× "
                       f"at most), and commits that change no evidence cost {ms(pc)} each "
                       f"({share:.0%} of the {r.repo.commits:,}-commit run)")
        elif steady:
            verdict = (f"the time grows linearly with distinct (blob, path) pairs, but each new pair "
                       f"costs {ratio:.1f}× what one file costs in a single lint, so the work done per "
                       f"change grows with something else, likely the tree size")
        else:
            verdict = (f"the cost per new (blob, path) pair is not steady across sizes "
                       f"({lo * 1e3:.2f} to {hi * 1e3:.2f} ms, up to {ratio:.1f}× a single-lint file), "
                       f"so the time does not grow with distinct blobs alone")
    else:
        verdict = ("the differences from the control are within run-to-run noise at these sizes; "
                   "measure larger histories")
    notes.append(f"- Reading: {verdict}.")
    return notes


def print_report(rows: list[Row], *, binary: Path, version: str, args: argparse.Namespace,
                 fixed: Fixed, checks: list[str]) -> None:
    today = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    p = print
    s0 = rows[0].repo if rows else None
    p("## `aimslint check --all-history`\n")
    p(f"- Date: {today}")
    p(f"- Machine: {cpu_model()}, {nproc()} cores (`nproc`), {platform.system()} "
      f"{platform.release()}, Python {platform.python_version()}, {tool_version(['git', '--version'])}")
    p(f"- aimslint: {version} (`{binary}`)")
    p(f"- Data: `python3 bench/history.py --commits {args.commits} --artifacts {args.artifacts} "
      f"--seed {args.seed}`: per size, one repository written with `git fast-import`"
      f"{' and packed with `git gc`' if not args.no_gc else ''}. Its first commit holds "
      f"{s0_desc(s0)}; every later commit changes 1–3 files (mostly an edit of a provenance record, "
      f"model card, training configuration or change record; now and then a model or dataset added "
      f"or retired, a revert, a `Change-Record:` trailer), committer dates 1–3 hours apart from "
      f"2024-01-01. With the same seed a larger size extends a smaller one's history.\n")
    p("| commits | distinct evidence blobs | aimslint --all-history wall (s) | peak RSS (MiB) "
      "| floor wall (s) | ratio aimslint/floor | again, from the cache (s) | naive (s) |")
    p("|---|---|---|---|---|---|---|---|")
    for r in rows:
        again = fmt_wall(r.cached) if r.cached else "not run"
        p(f"| {r.repo.commits:,} | {r.repo.stats.evidence_pairs:,} | {fmt_wall(r.ours)} "
          f"| {r.ours.rss_mib:.1f} | {fmt_wall(r.floor)} | {r.ours.best / r.floor.best:.1f}× "
          f"| {again} | {fmt_naive(r.naive)} |")
    st = fixed.staged
    if st is not None and s0 is not None:
        met = "met" if st.best < STAGED_TARGET_S else "NOT met"
        p(f"\n`aimslint check --staged` (pre-commit) on the {s0.commits:,}-commit repository's index "
          f"({fixed.staged_files:,} files, {fixed.staged_evidence:,} evidence artifacts, one edit "
          f"staged): {st.best * 1e3:.0f} ms (median {st.median * 1e3:.0f} ms, best of {st.runs}), "
          f"peak RSS {st.rss_mib:.1f} MiB; target under {STAGED_TARGET_S * 1e3:.0f} ms: {met}.")
    p("\nScale of each repository, and the control (the same number of commits, each changing only "
      f"`{CONTROL_FILE}`, which aimslint does not read):\n")
    p("| commits | evidence files at HEAD | commits × evidence files | evidence files written "
      "| distinct evidence blobs | (blob, path) pairs aimslint judges | distinct blobs the floor reads "
      "| control: --all-history wall (s) | generation (s) |")
    p("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s = r.repo.stats
        ctl = fmt_wall(r.control) if r.control else "not run"
        p(f"| {r.repo.commits:,} | {s.head_evidence:,} | {s.commit_evidence_files:,} "
          f"| {s.evidence_writes:,} | {s.evidence_pairs:,} | {s.candidate_pairs:,} "
          f"| {s.candidate_blobs:,} | {ctl} | {r.repo.gen_s:.1f} |")
    p("\nCommands (`$REPO` is the generated repository, `$WT` a scratch worktree of it, `$C` each "
      "first-parent commit, oldest first):\n")
    p("```sh")
    p(shlex.join(history_cmd("aimslint", "$REPO")).replace("'$REPO'", "$REPO"))
    p("# again, from the history cache (after one run without --no-cache):")
    p(shlex.join(history_cmd("aimslint", "$REPO", cache=True)).replace("'$REPO'", "$REPO"))
    p("# floor, timed as one `sh -c`:")
    p(floor_pipeline("$REPO").replace("'$REPO'", "$REPO"))
    p("# naive, per commit:")
    p("git -C $WT checkout --force -q $C && "
      + shlex.join(naive_cmd("aimslint", "$WT")).replace("'$WT'", "$WT"))
    p("# pre-commit:")
    p("cd $REPO && " + shlex.join(["aimslint", *STAGED_ARGS]))
    p("```\n")
    p("Notes:\n")
    how = f"the best of {args.runs} runs with the median in brackets" if args.runs > 1 else "one run"
    p("- aimslint and the floor take turns run by run, so a slow spell of the machine falls on both. "
      "The cold runs use `--no-cache`; \"again, from the cache\" is the same command without it, "
      "after one run that kept its result under `.git/aimslint/history/` (the commits, packs, "
      "configuration and options are unchanged, so the result is read rather than recomputed).")
    p(f"- Wall time is {how} (time.perf_counter around the process; one run when the first takes "
      f"over {SLOW_S:.0f} s); `--staged` and start-up are the best of {args.staged_runs}. Peak RSS is "
      f"the largest over the runs, from "
      f"{'GNU time `%M`' if check.USE_GNU_TIME else 'wait4() rusage ru_maxrss'}. aimslint uses all "
      f"cores by default (here {nproc()}).")
    p("- The floor is what any history tool must do at least: diff every first-parent commit against "
      "its parent (`git log --raw`) and read each distinct blob once (`git cat-file --batch`). It "
      "reads the blobs of every path aimslint reads in history mode — the evidence files plus any "
      "file whose name gives a parseable format (here the `config.yaml` training configurations and "
      "`aimslint.toml`) — deduplicated by blob id. The whole three-process pipeline is timed as one "
      "`sh -c` (git log, awk and cat-file run concurrently); it parses nothing.")
    p("- \"distinct evidence blobs\" counts distinct (blob, path) pairs of evidence files over the "
      "history (provenance records, model cards, change records, risk assessments), initial commit "
      "included; aimslint judges those plus the configurations (second table).")
    p("- The naive loop is timed per child (checkout and lint) and summed; aimslint judges each "
      "checkout as of today rather than the commit date and reports no introduced/fixed commit, so "
      "it does less than `--all-history` per commit. "
      + (f"Sizes above {args.naive_max:,} commits are estimated from their first "
         f"{args.naive_sample:,} commits × (commits / {args.naive_sample:,}) and marked extrapolated."
         if args.naive_sample else
         f"It is run only for sizes up to {args.naive_max:,} commits (`--naive-sample K` estimates "
         f"larger ones from their first K commits)."))
    for line in scaling_note(rows, fixed):
        p(line)
    for line in checks:
        p(f"- {line}")


def s0_desc(repo: HistRepo | None) -> str:
    if repo is None:
        return "nothing"
    n = repo.artifacts
    n_prov, n_cards = round(n * PROV_SHARE), round(n * CARD_SHARE)
    n_crs = max(1, n - n_prov - n_cards)
    return (f"{n_prov:,} provenance records (`data/ds-NNNNN/provenance.yaml`, 8% with one gap), "
            f"{n_cards:,} model cards with a training configuration beside each "
            f"(`models/m-NNNNN/README.md`, `config.yaml`), {n_crs:,} change records "
            f"(`changes/CR-NNNN.yaml`) and the two risk assessments of examples/credit-scoring")


# ----------------------------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------------------------


def parse_commits(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        m = re.fullmatch(r"(\d+)([kK]?)", part)
        if not m:
            raise argparse.ArgumentTypeError(f"bad size {part!r}: expected a number of commits, "
                                             "e.g. 1000 or 10k")
        n = int(m.group(1)) * (1000 if m.group(2) else 1)
        if n < 2:
            raise argparse.ArgumentTypeError(f"bad size {part!r}: at least 2 commits")
        out.append(n)
    return out


def check_binary(binary: Path) -> str:
    if not binary.is_file():
        hint = "cargo build --release" if "release" in binary.parts else "cargo build"
        raise BenchError(f"aimslint binary not found: {binary}\n  build it first (`{hint}`), or "
                         f"pass --bin PATH")
    if not os.access(binary, os.X_OK):
        raise BenchError(f"aimslint binary is not executable: {binary}")
    try:
        r = subprocess.run([str(binary), "check", "--help"], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.SubprocessError) as e:
        raise BenchError(f"cannot run {binary}: {e}") from None
    if "--all-history" not in r.stdout:
        raise BenchError(f"{binary} has no `check --all-history` (built before history mode?); "
                         "rebuild it, or pass --bin PATH")
    return tool_version([str(binary), "--version"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", type=Path, default=DEFAULT_BIN,
                    help=f"aimslint binary (default: {DEFAULT_BIN.relative_to(REPO_ROOT)})")
    ap.add_argument("--commits", default="1000,10000,50000",
                    help="comma-separated history sizes in commits, initial commit included "
                         "(default: %(default)s)")
    ap.add_argument("--artifacts", type=int, default=500,
                    help="evidence artifacts in the first commit (default: %(default)s)")
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs of --all-history and of the floor per size (default: 3)")
    ap.add_argument("--staged-runs", type=int, default=5,
                    help="timed runs of --staged and of start-up (default: 5; 0 skips them)")
    ap.add_argument("--naive-max", type=int, default=1000,
                    help="run the naive loop in full for sizes up to this many commits "
                         "(default: %(default)s)")
    ap.add_argument("--naive-sample", type=int, nargs="?", const=100, default=None, metavar="K",
                    help="for larger sizes, time the naive loop on the first K commits (default K: "
                         "100) and extrapolate")
    ap.add_argument("--no-naive", action="store_true", help="do not run the naive loop")
    ap.add_argument("--no-control", action="store_true",
                    help="do not time the control repository (same commits, no evidence change)")
    ap.add_argument("--no-gc", action="store_true",
                    help="leave fast-import's pack as it is (default: `git gc` after import)")
    check.add_run_args(ap)
    args = ap.parse_args(argv)
    try:
        sizes = parse_commits(args.commits)
    except argparse.ArgumentTypeError as e:
        ap.error(str(e))
    if args.artifacts < 10:
        ap.error("--artifacts must be at least 10")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if args.staged_runs < 0:
        ap.error("--staged-runs must be 0 or more")
    if args.naive_sample is not None and args.naive_sample < 1:
        ap.error("--naive-sample must be at least 1")

    binary = args.bin if args.bin.is_absolute() else Path.cwd() / args.bin
    version = check_binary(binary)
    for tool in ("git", "sh", "awk"):
        if not shutil.which(tool):
            raise BenchError(f"`{tool}` is not on PATH")
    if not EXAMPLE_RISK.is_dir():
        raise BenchError(f"example risk assessments not found: {EXAMPLE_RISK}")
    check.choose_rss_source(args.rss_from)

    def _terminate(signum, _frame):  # SIGTERM/SIGHUP run the `finally` below, like Ctrl-C
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _terminate)
    # Ctrl-C raises KeyboardInterrupt even when started with SIGINT ignored (`cmd &` in a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    # Keep git's own configuration out of the measurements (hooks, pagers, user settings).
    os.environ.update(GIT_CONFIG_NOSYSTEM="1", GIT_PAGER="cat", GIT_TERMINAL_PROMPT="0",
                      GIT_CONFIG_GLOBAL=os.devnull)

    tmp = Path(tempfile.mkdtemp(prefix="aimslint-history-bench-", dir=args.workdir))
    log(f"working in {tmp}")
    rows: list[Row] = []
    checks: list[str] = []
    fixed = Fixed()
    smallest = min(range(len(sizes)), key=lambda k: sizes[k])
    try:
        for k, n in enumerate(sizes):
            log(f"{n:,} commits: generating …")
            repo = generate_history(tmp / f"repo-{n}", n, args.artifacts, args.seed, not args.no_gc)
            s = repo.stats
            log(f"  generated in {repo.gen_s:.1f} s: HEAD {repo.head[:12]}, {s.head_evidence:,} "
                f"evidence files at HEAD, {s.evidence_pairs:,} distinct evidence (blob, path) pairs, "
                f"{s.candidate_pairs:,} judged pairs, {s.trailers:,} trailers")
            scratch = tmp / f"out-{n}"
            scratch.mkdir()
            fc = floor_check(repo)
            checks.append(f"Floor check, {n:,} commits: {fc}")
            log(f"  floor check: {fc}")
            if k == smallest:
                wc = walk_check(binary, repo, scratch)
                checks.append(f"Walk check, {n:,} commits: {wc}")
                log(f"  walk check: {wc}")
            log("  aimslint --all-history and the floor, taking turns …")
            ours, floor = timed_together([
                ("aimslint", history_cmd(binary, repo.path)),
                ("floor", ["sh", "-c", floor_pipeline(repo.path)]),
            ], args.runs)
            log("  aimslint --all-history again, reading the history cache …")
            run(history_cmd(binary, repo.path, cache=True))
            cached = timed("aimslint (cached)", history_cmd(binary, repo.path, cache=True),
                           args.runs)
            naive = None
            if not args.no_naive and (n <= args.naive_max or args.naive_sample):
                sample = None if n <= args.naive_max else min(args.naive_sample, n)
                log(f"  naive ({'all' if sample is None else f'first {sample} of'} {n:,} commits) …")
                naive = bench_naive(binary, repo, sample, scratch)
                log(f"  naive: {naive.total:.1f} s{' (extrapolated)' if naive.extrapolated else ''}")
            if k == smallest and args.staged_runs:
                log("  aimslint start-up …")
                fixed.startup = bench_startup(binary, tmp / "empty", args.staged_runs)
                log("  aimslint --staged …")
                bench_staged(binary, repo, args.staged_runs, fixed)
            row = Row(repo, ours, floor, naive, cached)
            if not args.keep:
                shutil.rmtree(repo.path, ignore_errors=True)
            if not args.no_control:
                log("  control (same commits, no evidence change): generating …")
                ctl = generate_history(tmp / f"control-{n}", n, args.artifacts, args.seed,
                                       not args.no_gc, control=True)
                row.control_pairs = ctl.stats.candidate_pairs
                row.control = timed("aimslint (control)", history_cmd(binary, ctl.path), args.runs)
                if not args.keep:
                    shutil.rmtree(ctl.path, ignore_errors=True)
            rows.append(row)
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    order = sorted(range(len(rows)), key=lambda i: rows[i].repo.commits)
    print_report([rows[i] for i in order], binary=binary, version=version, args=args, fixed=fixed,
                 checks=checks)
    return 0 if all(c.endswith("OK") for c in checks) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
