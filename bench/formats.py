#!/usr/bin/env python3
"""Throughput of `aimslint check` on mixed-format evidence against YAML and Markdown only.

For each size N:M it generates two repositories with the same number of evidence files and the same
content per file:

  yaml   N provenance records (YAML) and M Hugging Face model cards (Markdown), as bench/check.py does;
  mixed  the same N + M files, where a fifth of the provenance records are replaced by Croissant dataset
         descriptions (JSON-LD, with RAI fields) and the model cards are split evenly between Hugging Face
         Markdown, Model Card Toolkit JSON, CycloneDX 1.6 ML-BOMs and SPDX 3.0 AI BOMs, each carrying
         the same licence, uses, limitations, metrics, training data and contact as the Markdown card.

It runs `aimslint check <repo> --format json --output /dev/null --fail-on never --as-of 2026-11-01`
--runs times on each, checks that every file is checked as its kind, and prints a Markdown table of
wall time, files per second and the ratio mixed/yaml (the target is at most 1.5x).

Python 3.11, standard library only. Usage:

  python3 bench/formats.py                          # sizes 1000:500,10000:5000, 3 runs
  python3 bench/formats.py --sizes 200:100 --runs 1 --bin target/debug/aimslint
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check as base  # noqa: E402  (bench/check.py: generators and measurement)

AS_OF = "2026-11-01"


def croissant(rng: random.Random, i: int) -> str:
    name = base.dataset_id(i)
    doc = {
        "@context": {
            "@vocab": "https://schema.org/",
            "cr": "http://mlcommons.org/croissant/",
            "rai": "http://mlcommons.org/croissant/RAI/",
        },
        "@type": "sc:Dataset",
        "name": name,
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "datePublished": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "description": f"Support tickets exported for {name}, one row per resolved ticket.",
        "rai:dataCollection": "Exported monthly from the help desk between 2021 and 2025; duplicates "
        "removed, signatures and phone numbers stripped, and each ticket labelled with the queue "
        "that closed it.",
        "rai:personalSensitiveInformation": "Ticket bodies may name customers; names and e-mail "
        "addresses were replaced by placeholders before export.",
        "rai:dataBiases": "English tickets only, and business customers are over-represented because "
        "they open more tickets; consumer tickets about returns are rare before 2023.",
        "distribution": [
            {"@type": "cr:FileObject", "@id": "tickets.csv", "contentUrl": "tickets.csv",
             "encodingFormat": "text/csv", "sha256": "0" * 64},
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


CARD = {
    "use": "Routes incoming support tickets to the queue of the team that answers them, for the help "
    "desk staff who triage them.",
    "out": "Not for deciding refunds, complaints handling or anything a customer is told directly.",
    "limits": "Trained on English tickets only; tickets in other languages and tickets about products "
    "launched after the training period are routed poorly, and the model drifts when queues are "
    "reorganised, so it is retrained after every reorganisation.",
    "data": "Resolved support tickets of 2021 to 2025 from the help desk, deduplicated, English only.",
    "contact": "Support Analytics",
    "email": "support-ml@example.org",
}


def mct(j: int, dataset: str) -> str:
    doc = {
        "schema_version": "0.0.2",
        "model_details": {
            "name": base.model_id(j),
            "overview": "A linear classifier over ticket text.",
            "owners": [{"name": CARD["contact"], "contact": CARD["email"]}],
            "licenses": [{"identifier": "Apache-2.0"}],
        },
        "model_parameters": {"data": [{"name": dataset, "link": f"data/{dataset}/provenance.yaml"},
                                       {"name": CARD["data"]}]},
        "quantitative_analysis": {"performance_metrics": [
            {"type": "accuracy", "value": 0.91, "slice": "all tickets"},
            {"type": "accuracy", "value": 0.87, "slice": "tickets under 20 words"}]},
        "considerations": {
            "use_cases": [{"description": CARD["use"]}],
            "limitations": [{"description": CARD["limits"]}],
            "ethical_considerations": [{"name": "Misrouted urgent tickets",
                                        "mitigation_strategy": CARD["out"]}],
        },
    }
    return json.dumps(doc, indent=2) + "\n"


def cyclonedx(j: int, dataset: str) -> str:
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"timestamp": "2026-03-01T10:00:00Z"},
        "components": [{
            "type": "machine-learning-model",
            "bom-ref": base.model_id(j),
            "name": base.model_id(j),
            "supplier": {"name": CARD["contact"], "contact": [{"email": CARD["email"]}]},
            "licenses": [{"license": {"id": "Apache-2.0"}}],
            "modelCard": {
                "modelParameters": {"task": "text-classification", "datasets": [
                    {"type": "dataset", "name": dataset, "description": CARD["data"]}]},
                "quantitativeAnalysis": {"performanceMetrics": [
                    {"type": "accuracy", "value": "0.91", "slice": "all tickets"}]},
                "considerations": {
                    "useCases": [CARD["use"]],
                    "technicalLimitations": [CARD["limits"]],
                    "environmentalConsiderations": {"energyConsumptions": [
                        {"activity": "training",
                         "activityEnergyCost": {"value": 3.2, "unit": "kilowatt-hour"}}]},
                },
            },
        }],
    }
    return json.dumps(doc, indent=2) + "\n"


def spdx3(j: int, dataset: str) -> str:
    graph = [
        {"type": "CreationInfo", "@id": "_:c", "created": "2026-03-01T10:00:00Z",
         "createdBy": ["urn:agent:team"]},
        {"type": "Organization", "spdxId": "urn:agent:team", "creationInfo": "_:c",
         "name": f"{CARD['contact']} <{CARD['email']}>"},
        {"type": "ai_AIPackage", "spdxId": f"urn:pkg:{base.model_id(j)}", "creationInfo": "_:c",
         "name": base.model_id(j), "suppliedBy": "urn:agent:team",
         "ai_informationAboutApplication": CARD["use"],
         "ai_informationAboutTraining": CARD["data"],
         "ai_limitation": CARD["limits"],
         "ai_metric": [{"type": "DictionaryEntry", "key": "accuracy", "value": "0.91"}],
         "ai_energyConsumption": {"type": "ai_EnergyConsumption", "ai_trainingEnergyConsumption": [
             {"type": "ai_EnergyConsumptionDescription", "ai_energyQuantity": "3.2",
              "ai_energyUnit": "kilowattHour"}]}},
        {"type": "dataset_DatasetPackage", "spdxId": f"urn:pkg:{dataset}", "creationInfo": "_:c",
         "name": dataset},
        {"type": "Relationship", "spdxId": "urn:rel:lic", "creationInfo": "_:c",
         "relationshipType": "hasDeclaredLicense", "from": f"urn:pkg:{base.model_id(j)}",
         "to": ["https://spdx.org/licenses/Apache-2.0"]},
        {"type": "Relationship", "spdxId": "urn:rel:data", "creationInfo": "_:c",
         "relationshipType": "trainedOn", "from": f"urn:pkg:{base.model_id(j)}",
         "to": [f"urn:pkg:{dataset}"]},
    ]
    return json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
                       "@graph": graph}, indent=2) + "\n"


def generate(root: Path, n_prov: int, n_cards: int, seed: int, mixed: bool) -> dict[str, int]:
    """Write the repository; return the number of files expected per kind."""
    rng = random.Random(f"{seed}:{n_prov}:{n_cards}")
    root.mkdir(parents=True)
    (root / "aimslint.toml").write_text('[packs]\niso42001 = "^1"\n')
    kinds = {"data-provenance": 0, "dataset-card": 0, "model-card": 0}
    for i in range(1, n_prov + 1):
        d = root / "data" / base.dataset_id(i)
        d.mkdir(parents=True)
        if mixed and i % 5 == 0:
            (d / "croissant.json").write_text(croissant(rng, i))
            kinds["dataset-card"] += 1
        else:
            (d / "provenance.yaml").write_text(base.gen_provenance(rng, i, None))
            kinds["data-provenance"] += 1
    for j in range(1, n_cards + 1):
        d = root / "models" / base.model_id(j)
        d.mkdir(parents=True)
        dataset = base.dataset_id(rng.randint(1, n_prov))
        which = j % 4 if mixed else 0
        if which == 0:
            (d / "README.md").write_text(base.gen_card(rng, j, dataset))
        elif which == 1:
            (d / "model_card.json").write_text(mct(j, dataset))
        elif which == 2:
            (d / "bom.cdx.json").write_text(cyclonedx(j, dataset))
        else:
            (d / "bom.spdx3.json").write_text(spdx3(j, dataset))
        kinds["model-card"] += 1
    return kinds


def kinds_checked(report: Path) -> dict[str, int]:
    data = json.loads(report.read_text())
    out: dict[str, int] = {}
    for a in data["artifacts"]:
        if a["status"] == "checked":
            out[a["kind"]] = out.get(a["kind"], 0) + 1
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000:500,10000:5000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=42042)
    ap.add_argument("--bin", default=str(base.REPO_ROOT / "target" / "release" / "aimslint"))
    args = ap.parse_args()
    binary = Path(args.bin).resolve()
    if not binary.is_file():
        print(f"no aimslint binary at {binary}; run `cargo build --release` first", file=sys.stderr)
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="aimslint-formats-") as tmp:
        for size in args.sizes.split(","):
            n_prov, n_cards = (int(x) for x in size.split(":"))
            result = {}
            for label, mixed in (("yaml", False), ("mixed", True)):
                repo = Path(tmp) / f"{label}-{n_prov}-{n_cards}"
                want = generate(repo, n_prov, n_cards, args.seed, mixed)
                walls, rss = [], []
                for k in range(args.runs):
                    out = Path(tmp) / f"{label}.json"
                    cmd = [str(binary), "check", str(repo), "--format", "json", "--output", str(out),
                           "--fail-on", "never", "--as-of", AS_OF]
                    r = base.measure(cmd)
                    if r.rc != 0:
                        raise base.fail_run("aimslint", cmd, r)
                    walls.append(r.wall)
                    rss.append(r.rss_kib / 1024)
                    base.log(f"  {label} {size} run {k + 1}/{args.runs}: {r.wall:.3f} s")
                got = kinds_checked(out)
                expected = {k: v for k, v in want.items() if v}
                if got != expected:
                    print(f"{label} {size}: checked {got}, expected {expected}", file=sys.stderr)
                    return 1
                walls.sort()
                result[label] = (walls[0], walls[len(walls) // 2], max(rss), sum(want.values()), got)
            rows.append((size, result))
    print(f"## Mixed formats: `python3 bench/formats.py --sizes {args.sizes} --runs {args.runs}`\n")
    print("| files | repository | kinds checked | wall (s), best (median) | files/s | peak RSS (MiB) | mixed/yaml |")
    print("|---|---|---|---|---|---|---|")
    for size, result in rows:
        base_best = result["yaml"][0]
        for label in ("yaml", "mixed"):
            best, median, rss, files, got = result[label]
            kinds = ", ".join(f"{v} {k}" for k, v in sorted(got.items()))
            ratio = f"{best / base_best:.2f}×" if label == "mixed" else "–"
            print(f"| {files:,} | {label} | {kinds} | {best:.2f} ({median:.2f}) | {files / best:,.0f} | {rss:.0f} | {ratio} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
