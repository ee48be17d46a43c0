//! Native plugins: pinned in aimslint.lock, run in a worker process, contained when they misbehave.
//! The plugin libraries are this workspace's `plugins/` crates, built as dev-dependencies.

use std::path::{Path, PathBuf};

use crate::util::*;

/// A plugin library the tests were built with.
fn library(name: &str) -> PathBuf {
    let deps = std::env::current_exe().unwrap();
    let deps = deps.parent().unwrap();
    let file = format!(
        "{}{name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let path = deps.join(&file);
    assert!(path.is_file(), "{} was not built", path.display());
    path
}

/// Copy a directory's files (not its `lib/`) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            if e.file_name() == "lib" {
                continue;
            }
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A repository that runs the spdx-license pack from `policies/spdx`, its library in `lib/`.
fn spdx_repo(card_license: &str) -> tempfile::TempDir {
    let card = format!("---\nlicense: {card_license}\n---\n# Model Card\n");
    let dir = temp_repo(&[
        ("models/m/README.md", card.as_bytes()),
        (
            "aimslint.toml",
            b"[packs]\nspdx-license = { path = \"policies/spdx\" }\n\n[rules]\nselect = [\"LIC\"]\n",
        ),
    ]);
    add_spdx(dir.path());
    dir
}

/// Put the spdx-license pack and its library in `dir` at `policies/spdx`.
fn add_spdx(dir: &Path) {
    add_plugin_pack(dir, "spdx-license", "spdx_license", "policies/spdx");
}

/// Copy the pack of `plugins/<plugin>` to `dir/<to>`, with the library `lib` the tests were built
/// with in its `lib/`.
fn add_plugin_pack(dir: &Path, plugin: &str, lib: &str, to: &str) {
    let pack = dir.join(to);
    std::fs::create_dir_all(pack.join("lib")).unwrap();
    copy_tree(
        &repo_root().join("plugins").join(plugin).join("pack"),
        &pack,
    );
    let file = format!(
        "{}{lib}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    std::fs::copy(library(lib), pack.join("lib").join(file)).unwrap();
}

fn check(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut a = vec![
        "check",
        dir.to_str().unwrap(),
        "--format",
        "concise",
        "--as-of",
        "2026-11-01",
    ];
    a.extend_from_slice(extra);
    run(&a, dir)
}

fn unwrapped(s: &str) -> String {
    s.split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ")
}

/// A plugin runs only when aimslint.lock pins its library; then it judges; a swapped library is
/// refused before anything of it runs, and `packs verify` says which.
#[test]
fn a_pinned_plugin_judges_and_a_swapped_library_is_refused() {
    let dir = spdx_repo("CC BY 4.0");
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        unwrapped(&stderr(&o)).contains("is not pinned in aimslint.lock"),
        "{}",
        stderr(&o)
    );
    let o = run(&["packs", "lock"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("aimslint.lock: 2 packs, 1 plugin library"));
    let lock = std::fs::read_to_string(dir.path().join("aimslint.lock")).unwrap();
    assert!(lock.contains("library = \"lib/"), "{lock}");
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "models/m/README.md:2:1: LIC-001 `license`: `CC BY 4.0` is neither an SPDX licence expression nor a licence id of the Hugging Face Hub [iso42001:A.7.3, iso42001:A.8.2]"
    );
    assert_eq!(run(&["packs", "verify"], dir.path()).status.code(), Some(0));
    // The library swapped for another (a valid library, but not the pinned one).
    let lib = std::fs::read_dir(dir.path().join("policies/spdx/lib"))
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    std::fs::copy(library("misbehave"), &lib).unwrap();
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = unwrapped(&stderr(&o));
    assert!(err.contains("but aimslint.lock pins"), "{err}");
    assert!(err.contains("it is not loaded"), "{err}");
    let o = run(&["packs", "verify"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("plugin spdx-license of pack spdx-license"),
        "{}",
        stderr(&o)
    );
}

/// The plugin's rules in history mode: judged once per version, introduced and fixed like any
/// document rule.
#[test]
fn plugin_rules_run_in_history_mode() {
    let dir = spdx_repo("apache-2.0");
    assert_eq!(run(&["packs", "lock"], dir.path()).status.code(), Some(0));
    let repo = git2::Repository::init(dir.path()).unwrap();
    let commit = |message: &str, card: &str| {
        std::fs::write(dir.path().join("models/m/README.md"), card).unwrap();
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig =
            git2::Signature::new("T", "t@example.org", &git2::Time::new(1_767_225_600, 0)).unwrap();
        let parents: Vec<git2::Commit<'_>> = repo
            .head()
            .ok()
            .and_then(|h| h.peel_to_commit().ok())
            .into_iter()
            .collect();
        let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &refs)
            .unwrap()
            .to_string()
    };
    let c1 = commit("Card", "---\nlicense: apache-2.0\n---\n# Model Card\n");
    let c2 = commit(
        "Licence as prose",
        "---\nlicense: Apache License 2.0\n---\n# Model Card\n",
    );
    let c3 = commit(
        "Licence as SPDX",
        "---\nlicense: Apache-2.0\n---\n# Model Card\n",
    );
    let o = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--all-history",
            "--no-cache",
            "--format",
            "json",
            "--as-of",
            "2026-11-01",
        ],
        dir.path(),
    );
    let report = json(&o);
    let rows = history_rows(&report, &[c1, c2, c3]);
    assert_eq!(
        rows,
        ["LIC-001 models/m/README.md:2 c2 fixed:c3"],
        "{}",
        stderr(&o)
    );
}

/// A pack whose rules exercise every way the misbehave plugin can fail.
fn misbehave_repo(rules: &[&str]) -> tempfile::TempDir {
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "models/m/README.md".into(),
            b"---\nlicense: mit\n---\n# Model Card\n".to_vec(),
        ),
        (
            "policies/mis/pack.toml".into(),
            format!(
                "id = \"mis\"\nname = \"Misbehaving\"\nversion = \"0.1.0\"\nframework = \"Test\"\noptional = true\n[[sources]]\nid = \"ours\"\ntitle = \"Ours\"\n[[plugins]]\nid = \"misbehave\"\nlibrary = \"lib/{}misbehave{}\"\n",
                std::env::consts::DLL_PREFIX,
                std::env::consts::DLL_SUFFIX
            )
            .into_bytes(),
        ),
        (
            "aimslint.toml".into(),
            b"[packs]\nmis = { path = \"policies/mis\" }\n\n[rules]\nselect = [\"MIS\"]\n".to_vec(),
        ),
    ];
    for r in rules {
        files.push((
            format!("policies/mis/rules/{r}.toml"),
            format!(
                "id = \"{r}\"\ntitle = \"{r}\"\nseverity = \"error\"\nkinds = [\"model-card\"]\ncontrols = [\"iso42001:A.8.2\"]\nhelp = \"h\"\ndocs = \"d\"\n\n[check.plugin]\nplugin = \"misbehave\"\nparams = {{ level = \"high\" }}\n"
            )
            .into_bytes(),
        ));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let dir = temp_repo(&refs);
    let lib = dir.path().join("policies/mis/lib");
    std::fs::create_dir_all(&lib).unwrap();
    std::fs::copy(
        library("misbehave"),
        lib.join(format!(
            "{}misbehave{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        )),
    )
    .unwrap();
    assert_eq!(run(&["packs", "lock"], dir.path()).status.code(), Some(0));
    dir
}

fn rows(o: &std::process::Output) -> Vec<String> {
    stdout(o)
        .lines()
        .filter(|l| l.starts_with("models/"))
        .map(|l| l.split(" [").next().unwrap().to_string())
        .collect()
}

/// A panic, refused parameters and a rule the plugin does not implement are each one finding
/// (AL014) on the file; the plugin goes on judging the other rules.
#[test]
fn a_panicking_or_refusing_plugin_is_a_finding_and_the_run_goes_on() {
    let dir = misbehave_repo(&["MIS-OK", "MIS-PANIC", "MIS-BADPARAMS", "MIS-LIE"]);
    let o = check(dir.path(), &["--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        rows(&o),
        [
            "models/m/README.md:1:1: AL014 MIS-BADPARAMS: plugin `misbehave` could not judge this file: answered what is no valid response: it could not judge MIS-BADPARAMS: `level` must be a number, not \"high\"",
            "models/m/README.md:1:1: AL014 MIS-LIE: plugin `misbehave` could not judge this file: the pack gives it rule MIS-LIE, which it does not implement (it implements MIS-OK, MIS-PANIC, MIS-HANG, MIS-ABORT, MIS-BADPARAMS, MIS-NEEDS)",
            "models/m/README.md:1:1: AL014 MIS-PANIC: plugin `misbehave` could not judge this file: panicked: misbehave was asked to panic on models/m/README.md",
            "models/m/README.md:2:1: MIS-OK misbehave judged models/m/README.md (model-card)",
        ]
    );
}

/// A plugin that kills its process, or hangs, takes only its worker down: AL014, and the other
/// rules and files are judged.
#[test]
fn a_crashing_or_hanging_plugin_takes_only_its_worker_down() {
    let dir = misbehave_repo(&["MIS-ABORT"]);
    let o = check(dir.path(), &["--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1));
    let r = rows(&o);
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].starts_with("models/m/README.md:1:1: AL014 MIS-ABORT: plugin `misbehave` could not judge this file: crashed"),
        "{r:?}"
    );
    let dir = misbehave_repo(&["MIS-HANG"]);
    // The worker that was ended leaves no copy of the library in the temporary directory.
    let tmp = tempfile::tempdir().unwrap();
    let o = aimslint()
        .args([
            "check",
            dir.path().to_str().unwrap(),
            "--format",
            "concise",
            "--jobs",
            "1",
        ])
        .current_dir(dir.path())
        .env("AIMSLINT_PLUGIN_TIMEOUT", "0.5")
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        rows(&o),
        [
            "models/m/README.md:1:1: AL014 MIS-HANG: plugin `misbehave` could not judge this file: gave no answer within 0.5 s"
        ]
    );
}

/// The plugin pack's own fixtures pass through the plugin (`packs test` runs plugin rules with the
/// pinned library).
#[test]
fn the_plugin_packs_fixtures_pass() {
    let dir = spdx_repo("mit");
    assert_eq!(run(&["packs", "lock"], dir.path()).status.code(), Some(0));
    let o = run(
        &[
            "packs",
            "test",
            "--pack",
            "policies/spdx",
            "--only",
            "spdx-license",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("ok    spdx-license LIC-001 fail"), "{out}");
    assert!(out.contains("ok    spdx-license LIC-002 pass"), "{out}");
    assert!(out.contains("ok    spdx-license LIC-003 fail"), "{out}");
    assert!(out.contains("ok    spdx-license LIC-004 fail"), "{out}");
    assert!(out.contains("ok    spdx-license LIC-005 fail"), "{out}");
    assert!(out.contains("fixtures: 10 passed, 0 failed"), "{out}");
}

/// A plugin on the raw ABI that breaks it: another ABI version, a vtable too small, a refusal of
/// the host's version, an answer that is no JSON or no response. Each is refused with what was
/// wrong, as AL014; a plugin that keeps the contract finds nothing here.
#[test]
fn a_plugin_that_breaks_the_abi_is_refused_with_what_was_wrong() {
    let lib = format!(
        "{}rawtest{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let pack = format!(
        "id = \"raw\"\nname = \"Raw\"\nversion = \"0.1.0\"\nframework = \"Test\"\noptional = true\n[[sources]]\nid = \"ours\"\ntitle = \"Ours\"\n[[plugins]]\nid = \"rawtest\"\nlibrary = \"lib/{lib}\"\n"
    );
    let rule = "id = \"RAW-001\"\ntitle = \"Raw\"\nseverity = \"error\"\nkinds = [\"model-card\"]\ncontrols = [\"iso42001:A.8.2\"]\nhelp = \"h\"\ndocs = \"d\"\n\n[check.plugin]\nplugin = \"rawtest\"\n";
    let dir = temp_repo(&[
        (
            "models/m/README.md",
            b"---\nlicense: mit\n---\n# Model Card\n",
        ),
        ("policies/raw/pack.toml", pack.as_bytes()),
        ("policies/raw/rules/RAW-001.toml", rule.as_bytes()),
        (
            "aimslint.toml",
            b"[packs]\nraw = { path = \"policies/raw\" }\n\n[rules]\nselect = [\"RAW\"]\n",
        ),
    ]);
    std::fs::create_dir_all(dir.path().join("policies/raw/lib")).unwrap();
    std::fs::copy(
        library("rawtest"),
        dir.path().join("policies/raw/lib").join(&lib),
    )
    .unwrap();
    assert_eq!(run(&["packs", "lock"], dir.path()).status.code(), Some(0));
    let with = |mode: &str| {
        aimslint()
            .args(["check", dir.path().to_str().unwrap(), "--format", "concise"])
            .current_dir(dir.path())
            .env("AIMSLINT_RAWTEST", mode)
            .output()
            .unwrap()
    };
    let o = with("");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    for (mode, why) in [
        (
            "abi2",
            "refused: the plugin speaks ABI version 2, this aimslint speaks 1",
        ),
        ("small", "refused: the plugin's vtable is 8 bytes"),
        ("decline", "refused: the plugin declined ABI version 1"),
        ("garbage", "answered what is no valid response"),
        ("shape", "answered what is no valid response"),
    ] {
        let o = with(mode);
        assert_eq!(o.status.code(), Some(1), "{mode}: {}", stderr(&o));
        let r = rows(&o);
        assert_eq!(r.len(), 1, "{mode}: {r:?}");
        assert!(
            r[0].starts_with("models/m/README.md:1:1: AL014 RAW-001: plugin `rawtest` could not judge this file: "),
            "{mode}: {r:?}"
        );
        assert!(r[0].contains(why), "{mode}: {r:?}");
    }
}

/// Put the metrics-drift pack and its library in `dir` at `policies/md`, enable it, and pin it.
fn add_metrics_drift(dir: &Path, config: &str) {
    add_plugin_pack(dir, "metrics-drift", "metrics_drift", "policies/md");
    std::fs::write(dir.join("aimslint.toml"), config).unwrap();
    let o = run(&["packs", "lock"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The metrics-drift plugin on the example repository: the fraud-detection card claims the
/// previous model's average precision, against the evaluation it cites (GAPS.md, gap 13); the
/// credit-scoring card's claims are the measured ones and meet their thresholds.
#[test]
fn metrics_drift_catches_the_example_cards_stale_claim() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo_root().join("examples/credit-scoring");
    copy_tree(&example, dir.path());
    let config = std::fs::read_to_string(example.join("aimslint.toml")).unwrap()
        + "\n[packs.metrics-drift]\npath = \"policies/md\"\n";
    add_metrics_drift(dir.path(), &config);
    let o = check(dir.path(), &["--select", "MD"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "models/fraud-detection/README.md:27:13: MD-001 claims `average_precision` = 0.43, but `evals/fraud-detection/2026-10.json` (the source it cites) measured 0.41 [iso42001:A.6.2.4, iso42001:A.6.2.2]"
    );
    assert!(stdout(&o).contains("Found 1 finding"), "{}", stdout(&o));
}

/// Put the spdx-license pack and its library in `dir` at `policies/spdx`, enable it with
/// `config`, and pin it.
fn enable_spdx(dir: &Path, config: &str) {
    add_spdx(dir);
    std::fs::write(dir.join("aimslint.toml"), config).unwrap();
    let o = run(&["packs", "lock"], dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

const SPDX_ONLY: &str =
    "[packs]\nspdx-license = { path = \"policies/spdx\" }\n\n[rules]\nselect = [\"LIC\"]\n";

/// The spdx-license plugin on the example repository: the SBOM the release pipeline wrote records
/// the credit-scoring model under Apache-2.0, against the internal licence its card states
/// (GAPS.md, gap 14). Nothing else of the example is a licence finding: the fraud-detection card
/// states no licence, the data sets are under licences of the bank's own, and no card has a
/// licence file.
#[test]
fn spdx_license_catches_the_example_sboms_licence() {
    let dir = tempfile::tempdir().unwrap();
    let example = repo_root().join("examples/credit-scoring");
    copy_tree(&example, dir.path());
    let config = std::fs::read_to_string(example.join("aimslint.toml")).unwrap()
        + "\n[packs.spdx-license]\npath = \"policies/spdx\"\n";
    enable_spdx(dir.path(), &config);
    let o = check(dir.path(), &["--select", "LIC"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "models/credit-scoring/README.md:2:1: LIC-005 `license` is `other` (`license_name: kessler-roux-internal-model-licence`), a licence the Hugging Face Hub does not list, but the BOM `sbom.spdx.json` records model `credit-scoring` under `Apache-2.0` (`/packages/1/licenseDeclared`), which it lists: the card and the BOM must name one licence [iso42001:A.7.3, iso42001:A.10.3]"
    );
    assert!(stdout(&o).contains("Found 1 finding"), "{}", stdout(&o));
}

/// A card's licence against the licence file that applies to it: the one its `license_link` names
/// (here in the card's folder), else the one beside it (the root's for the card at the root). A
/// text the matcher cannot identify, and an empty file, are no finding; nor is a card whose licence
/// file holds its licence.
#[test]
fn a_cards_licence_file_that_holds_another_licence_is_found() {
    let card = |license: &str, link: Option<&str>| {
        let link = link.map_or(String::new(), |l| format!("license_link: {l}\n"));
        format!("---\nlicense: {license}\n{link}---\n# Model Card\n")
    };
    let mit = "MIT License\n\nCopyright (c) 2026 Acme Research\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the \"Software\"), to deal\nin the Software without restriction, [...] merge, publish, distribute, sublicense,\nand/or sell copies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, [...]\n";
    let apache = "Licensed under the Apache License, Version 2.0 (the \"License\");\nyou may not use this file except in compliance with the License.\n";
    let files: Vec<(String, String)> = vec![
        // Linked, in the card's folder: MIT against the card's Apache-2.0.
        (
            "models/a/README.md".into(),
            card("apache-2.0", Some("./LICENSE.md")),
        ),
        ("models/a/LICENSE.md".into(), mit.into()),
        // Linked and agreeing.
        (
            "models/b/README.md".into(),
            card("mit", Some("./LICENSE.md")),
        ),
        ("models/b/LICENSE.md".into(), mit.into()),
        // Linked, but no licence anyone could identify, or nothing at all.
        (
            "models/c/README.md".into(),
            card("apache-2.0", Some("./LICENSE.md")),
        ),
        (
            "models/c/LICENSE.md".into(),
            "# Acme Model Licence\n\nUse inside Acme only.\n".into(),
        ),
        (
            "models/d/README.md".into(),
            card("apache-2.0", Some("./LICENSE.md")),
        ),
        ("models/d/LICENSE.md".into(), String::new()),
        // No link: a plain `LICENSE` beside the card applies (Apache-2.0). The root's applies to
        // the card at the root, not to the cards in folders of their own.
        ("README.md".into(), card("mit", None)),
        ("models/e/README.md".into(), card("mit", None)),
        ("models/f/README.md".into(), card("Apache-2.0", None)),
        ("LICENSE".into(), apache.into()),
        ("models/g/README.md".into(), card("mit", None)),
        ("models/g/LICENSE".into(), apache.into()),
        // Beside the card, but not text: its licence is unknown, and the root's does not apply.
        ("models/h/README.md".into(), card("mit", None)),
        ("models/h/LICENSE".into(), "\u{0}\u{1}binary".into()),
    ];
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let dir = temp_repo(&refs);
    enable_spdx(dir.path(), SPDX_ONLY);
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let found: Vec<&str> = out.lines().filter(|l| l.contains(" LIC-")).collect();
    assert_eq!(
        found,
        [
            "README.md:2:1: LIC-004 `license` is `mit`, but the licence file that applies to it, `LICENSE` beside it, is the text of `Apache-2.0`: the card and its licence file must name one licence [iso42001:A.7.3, iso42001:A.10.3]",
            "models/a/README.md:2:1: LIC-004 `license` is `apache-2.0`, but the licence file that applies to it, `models/a/LICENSE.md` (its `license_link`), is the text of `MIT`: the card and its licence file must name one licence [iso42001:A.7.3, iso42001:A.10.3]",
            "models/g/README.md:2:1: LIC-004 `license` is `mit`, but the licence file that applies to it, `models/g/LICENSE` beside it, is the text of `Apache-2.0`: the card and its licence file must name one licence [iso42001:A.7.3, iso42001:A.10.3]",
        ],
        "{out}"
    );
}

/// LIC-004 declares the licence files beside a card: history mode judges an unchanged card again
/// when the plain `LICENSE` beside it is replaced, and the finding is fixed where the card follows;
/// `--staged` reads a staged `LICENSE` from the index.
#[test]
fn a_replaced_licence_file_is_found_at_the_commit_that_replaced_it() {
    let mut g = GitRepo::new();
    enable_spdx(
        g.path(),
        "[packs]\nspdx-license = { path = \"policies/spdx\" }\n\n[rules]\nselect = [\"LIC-004\"]\n",
    );
    let c1 = g.commit(
        "2026-01-01",
        "Card and licence",
        &[
            (
                "models/m/README.md",
                Some("---\nlicense: apache-2.0\n---\n# Model Card for m\n"),
            ),
            (
                "models/m/LICENSE",
                Some("SPDX-License-Identifier: Apache-2.0\n"),
            ),
        ],
    );
    let c2 = g.commit(
        "2026-01-02",
        "Relicense the repository",
        &[("models/m/LICENSE", Some("SPDX-License-Identifier: MIT\n"))],
    );
    let c3 = g.commit(
        "2026-01-03",
        "The card follows",
        &[(
            "models/m/README.md",
            Some("---\nlicense: mit\n---\n# Model Card for m\n"),
        )],
    );
    // A licence file that becomes a symlink is not read (and is no evidence to report unreadable).
    g.write(&[("models/m/LICENSE", None)]);
    std::os::unix::fs::symlink("../../LICENSE.txt", g.path().join("models/m/LICENSE")).unwrap();
    let c4 = g.commit("2026-01-04", "Share the licence", &[]);
    let o = run(
        &[
            "check",
            ".",
            "--all-history",
            "--no-cache",
            "--format",
            "json",
        ],
        g.path(),
    );
    let report = json(&o);
    assert_eq!(
        history_rows(&report, &[c1, c2, c3, c4]),
        ["LIC-004 models/m/README.md:2 c2 fixed:c3"],
        "{}",
        stderr(&o)
    );
    // Before a commit: a plain LICENSE staged beside the unchanged card is read from the index.
    std::fs::remove_file(g.path().join("models/m/LICENSE")).unwrap();
    std::fs::write(
        g.path().join("models/m/LICENSE"),
        "SPDX-License-Identifier: Apache-2.0\n",
    )
    .unwrap();
    let repo = git2::Repository::open(g.path()).unwrap();
    let mut index = repo.index().unwrap();
    index.add_path(Path::new("models/m/LICENSE")).unwrap();
    index.write().unwrap();
    let o = run(&["check", "--staged", "--format", "concise"], g.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("models/m/README.md:2:1: LIC-004 `license` is `mit`, but the licence file that applies to it, `models/m/LICENSE` beside it, declares `Apache-2.0` (`SPDX-License-Identifier`)"),
        "{}",
        stdout(&o)
    );
}

/// A card against the BOMs that list its model: a CycloneDX ML-BOM beside it (found by the
/// model's name) that records another licence, an SPDX 2 SBOM at the root that lists a dataset of
/// the card's under a non-commercial licence, and an ML-BOM whose model links a non-commercial data
/// component (one it does not link is not its data). A BOM of another model says nothing.
#[test]
fn a_bom_that_records_another_licence_or_non_commercial_data_is_found() {
    let ml_bom = |name: &str, licence: &str| {
        format!(
            "{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"version\": 1, \"metadata\": {{\"component\": {{\"type\": \"machine-learning-model\", \"bom-ref\": \"m\", \"name\": \"{name}\", \"licenses\": [{{\"license\": {{\"id\": \"{licence}\"}}}}]}}}}}}\n"
        )
    };
    let sbom = r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "models", "packages": [
  {"SPDXID": "SPDXRef-scorer", "name": "scorer", "licenseDeclared": "Apache-2.0"},
  {"SPDXID": "SPDXRef-reviews", "name": "reviews", "licenseDeclared": "CC-BY-NC-SA-4.0"}]}
"#;
    let scorer = "---\nlicense: apache-2.0\ndatasets:\n  - reviews\nmodel-index:\n  - name: scorer\n---\n# Model Card for scorer\n";
    let ranker =
        "---\nlicense: mit\nmodel-index:\n  - name: ranker\n---\n# Model Card for ranker\n";
    let tagger =
        "---\nlicense: mit\nmodel-index:\n  - name: tagger\n---\n# Model Card for tagger\n";
    let ranker_bom = ml_bom("ranker", "Apache-2.0");
    let other_bom = ml_bom("classifier", "Apache-2.0");
    // The model links one data component (non-commercial); another, not linked, is not its data.
    let tagger_bom = r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
  "metadata": {"component": {"type": "machine-learning-model", "bom-ref": "t", "name": "tagger",
    "licenses": [{"license": {"id": "MIT"}}],
    "modelCard": {"modelParameters": {"datasets": [{"ref": "clicks"}]}}}},
  "components": [
    {"type": "data", "bom-ref": "clicks", "name": "clicks", "licenses": [{"license": {"id": "CC-BY-NC-4.0"}}],
     "data": [{"type": "dataset", "name": "clicks"}]},
    {"type": "data", "bom-ref": "logs", "name": "logs", "licenses": [{"license": {"id": "CC-BY-NC-4.0"}}],
     "data": [{"type": "dataset", "name": "logs"}]}]}
"#;
    let dir = temp_repo(&[
        ("models/scorer/README.md", scorer.as_bytes()),
        ("sbom.spdx.json", sbom.as_bytes()),
        ("models/ranker/README.md", ranker.as_bytes()),
        ("models/ranker/bom.cdx.json", ranker_bom.as_bytes()),
        ("models/tagger/README.md", tagger.as_bytes()),
        ("models/tagger/bom.cdx.json", tagger_bom.as_bytes()),
        ("models/classifier/bom.cdx.json", other_bom.as_bytes()),
    ]);
    enable_spdx(
        dir.path(),
        "[packs]\nspdx-license = { path = \"policies/spdx\" }\n\n[rules]\nselect = [\"LIC-005\"]\n",
    );
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let found: Vec<&str> = out.lines().filter(|l| l.contains(" LIC-005 ")).collect();
    assert_eq!(
        found,
        [
            "models/ranker/README.md:2:1: LIC-005 `license` is `mit`, but the BOM `models/ranker/bom.cdx.json` records model `ranker` under `Apache-2.0`: the card and the BOM must name one licence [iso42001:A.7.3, iso42001:A.10.3]",
            "models/scorer/README.md:2:1: LIC-005 the model's licence `apache-2.0` allows commercial use, but dataset `reviews` it is trained on is licensed `CC-BY-NC-SA-4.0` (the BOM `sbom.spdx.json`, `/packages/1/licenseDeclared`), which does not: the model cannot grant what its data withholds [iso42001:A.7.3, iso42001:A.10.3]",
            "models/tagger/README.md:2:1: LIC-005 the model's licence `mit` allows commercial use, but dataset `clicks` it is trained on is licensed `CC-BY-NC-4.0` (the BOM `models/tagger/bom.cdx.json`), which does not: the model cannot grant what its data withholds [iso42001:A.7.3, iso42001:A.10.3]",
        ],
        "{out}"
    );
}

/// The metrics-drift pack's fixtures pass through the plugin, including a citation relative to
/// the card's folder and one of a missing file.
#[test]
fn the_metrics_drift_fixtures_pass() {
    let dir = tempfile::tempdir().unwrap();
    add_metrics_drift(
        dir.path(),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\n",
    );
    let o = run(
        &[
            "packs",
            "test",
            "--pack",
            "policies/md",
            "--only",
            "metrics-drift",
        ],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("fixtures: 4 passed, 0 failed"),
        "{}",
        stdout(&o)
    );
}

const MD_CARD: &str = "---\nmodel-index:\n  - name: m\n    results:\n      - metrics:\n          - type: accuracy\n            value: 0.91\n        source:\n          url: evals/m.json\n---\n# Model Card for m\n";

/// A plugin rule that declared the documents it reads is judged again when one of them changes,
/// though the card it judges does not: in history, a re-evaluation that leaves the card behind is
/// the commit that introduces the finding, and the one that brings them together again fixes it;
/// before a commit (`--staged`), a staged results file that contradicts an unchanged card is
/// reported.
#[test]
fn a_plugin_rule_is_judged_again_when_a_document_it_declared_changes() {
    let mut g = GitRepo::new();
    add_metrics_drift(
        g.path(),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\n\n[rules]\nselect = [\"MD\"]\n",
    );
    let c1 = g.commit(
        "2026-01-01",
        "Card and its evaluation",
        &[
            ("models/m/README.md", Some(MD_CARD)),
            ("evals/m.json", Some(r#"{"accuracy": 0.91}"#)),
        ],
    );
    let c2 = g.commit(
        "2026-01-02",
        "Re-evaluate",
        &[("evals/m.json", Some(r#"{"accuracy": 0.87}"#))],
    );
    let c3 = g.commit(
        "2026-01-03",
        "Unrelated",
        &[("README.md", Some("# Models\n"))],
    );
    let card = MD_CARD.replace("0.91", "0.87");
    let c4 = g.commit(
        "2026-01-04",
        "Card follows the evaluation",
        &[("models/m/README.md", Some(card.as_str()))],
    );
    let dir = &g.dir;
    let repo = git2::Repository::open(dir.path()).unwrap();
    let o = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--all-history",
            "--no-cache",
            "--format",
            "json",
            "--as-of",
            "2026-11-01",
        ],
        dir.path(),
    );
    let report = json(&o);
    let rows = history_rows(&report, &[c1, c2, c3, c4]);
    assert_eq!(
        rows,
        ["MD-001 models/m/README.md:7 c2 fixed:c4"],
        "{}",
        stderr(&o)
    );
    // The evaluation's removal staged: the card, unchanged, now cites a file that is gone.
    std::fs::remove_file(dir.path().join("evals/m.json")).unwrap();
    let mut index = repo.index().unwrap();
    index.remove_path(Path::new("evals/m.json")).unwrap();
    index.write().unwrap();
    let o = run(&["check", "--staged", "--format", "concise"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("models/m/README.md:9:11: MD-001 cites `evals/m.json` as the source of its results, and the repository has no such file"),
        "{}",
        stdout(&o)
    );
}

/// A cited path that leaves the repository, or a web address, is not a file of the tree: nothing
/// outside is read, and the claim is not judged against it. A cited symlink is not followed.
#[test]
fn a_citation_outside_the_repository_is_never_read() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("m.json"), r#"{"accuracy": 0.5}"#).unwrap();
    let escape = format!(
        "{}{}/m.json",
        "../".repeat(16),
        outside.path().strip_prefix("/").unwrap().display()
    );
    let card = format!(
        "---\nmodel-index:\n  - name: m\n    results:\n      - metrics: [{{type: accuracy, value: 0.91}}]\n        source: {{url: \"{escape}\"}}\n      - metrics: [{{type: accuracy, value: 0.91}}]\n        source: {{url: \"https://example.org/m.json\"}}\n      - metrics: [{{type: accuracy, value: 0.91}}]\n        source: {{url: evals/link.json}}\n---\n# Model Card for m\n"
    );
    let dir = temp_repo(&[("models/m/README.md", card.as_bytes())]);
    std::fs::create_dir_all(dir.path().join("evals")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("m.json"),
        dir.path().join("evals/link.json"),
    )
    .unwrap();
    add_metrics_drift(
        dir.path(),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\n\n[rules]\nselect = [\"MD\"]\n",
    );
    let o = run(
        &["check", ".", "--format", "json", "--as-of", "2026-11-01"],
        dir.path(),
    );
    let report = json(&o);
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        found.iter().all(|f| !f.contains("measured 0.5")),
        "{found:?}"
    );
    // The escape and the URL are no files of the tree: not judged. The symlink is one, reported
    // as unreadable (AL007 on the file itself; MD-001 on the claim that cites it), never read.
    #[cfg(unix)]
    {
        let md: Vec<&String> = found.iter().filter(|f| f.starts_with("MD-")).collect();
        assert_eq!(md.len(), 1, "{found:?}");
        assert!(
            md[0].starts_with("MD-001 cites `evals/link.json` as the source of its results, and it cannot be read: symlink points outside the repository")
                && md[0].ends_with("it is not read"),
            "{found:?}"
        );
    }
}

/// Hostile files a card cites for a plugin: each is passed with why it was not read, at the
/// citation's line, and a card that cites more files than one request carries is judged with the
/// first of them and says so, instead of reading them all.
#[cfg(unix)]
#[test]
fn hostile_cited_files_are_named_not_read() {
    let mut card = String::from("---\nmodel-index:\n  - name: m\n    results:\n");
    for i in 0..70 {
        card.push_str(&format!(
            "      - metrics: [{{type: accuracy, value: 0.9}}]\n        source: {{url: evals/r{i}.json}}\n"
        ));
    }
    card.push_str("---\n# Model Card for m\n");
    let deep = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    let dir = temp_repo(&[
        ("models/m/README.md", card.as_bytes()),
        ("evals/r0.json", deep.as_bytes()),
        ("evals/r1.json", br#"{"accuracy": 0.9}"#),
        ("evals/r4.json", b"{\"accuracy\": \xff}"),
    ]);
    let fifo = dir.path().join("evals/r2.json");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("evals/r3.json")).unwrap();
    add_metrics_drift(
        dir.path(),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\n\n[rules]\nselect = [\"MD-001\"]\n",
    );
    let o = check(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    for want in [
        "models/m/README.md:1:1: AL014 MD-001: the document names 70 files for plugin `metrics-drift` to read; it was given the first 64 and judged without the others",
        "models/m/README.md:6:18: MD-001 cites `evals/r0.json` as the source of its results, and it cannot be read: line 1: invalid JSON: nesting deeper than the limit of 128 levels",
        "models/m/README.md:10:18: MD-001 cites `evals/r2.json` as the source of its results, and it cannot be read: not a regular file (it is a FIFO); it is not read",
        "models/m/README.md:12:18: MD-001 cites `evals/r3.json` as the source of its results, and it cannot be read: symlink points outside the repository (to /etc/passwd); it is not read",
        "models/m/README.md:14:18: MD-001 cites `evals/r4.json` as the source of its results, and it cannot be read: file is not valid UTF-8",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(want)), "{want}\n{out}");
    }
    // r1 agrees; r5..r63 are missing (59 findings); r64..r69 were not passed.
    let missing = lines
        .iter()
        .filter(|l| l.contains("has no such file"))
        .count();
    assert_eq!(missing, 59, "{out}");
    assert!(!out.contains("r64.json"), "{out}");
    assert!(!out.contains("r1.json"), "{out}");
}

/// LIC-003 reads the provenance records of the datasets a card names (a key need): history mode
/// judges the unchanged card again when a named record appears, is relicensed, or stops naming the
/// dataset.
#[test]
fn a_relicensed_dataset_is_found_at_the_commit_that_relicensed_it() {
    let mut g = GitRepo::new();
    std::fs::write(
        g.path().join("aimslint.toml"),
        "[packs]\nspdx-license = { path = \"policies/spdx\" }\n\n[rules]\nselect = [\"LIC-003\"]\n",
    )
    .unwrap();
    add_spdx(g.path());
    assert_eq!(run(&["packs", "lock"], g.path()).status.code(), Some(0));
    let card = "---\nlicense: apache-2.0\ndatasets:\n  - reviews\n---\n# Model Card for m\n";
    let record = |name: &str, license: &str| {
        format!("dataset: {name}\nversion: \"1\"\nlicense: {license}\n")
    };
    let c1 = g.commit("2026-01-01", "Card", &[("models/m/README.md", Some(card))]);
    let c2 = g.commit(
        "2026-01-02",
        "Record the data",
        &[(
            "data/reviews/provenance.yaml",
            Some(&record("reviews", "CC-BY-4.0")),
        )],
    );
    let c3 = g.commit(
        "2026-01-03",
        "Relicensed upstream",
        &[(
            "data/reviews/provenance.yaml",
            Some(&record("reviews", "CC-BY-NC-4.0")),
        )],
    );
    let c4 = g.commit(
        "2026-01-04",
        "Card names another dataset's record",
        &[(
            "data/reviews/provenance.yaml",
            Some(&record("reviews-v1", "CC-BY-NC-4.0")),
        )],
    );
    let c5 = g.commit(
        "2026-01-05",
        "Back",
        &[(
            "data/reviews/provenance.yaml",
            Some(&record("reviews", "CC-BY-NC-4.0")),
        )],
    );
    let o = run(
        &[
            "check",
            ".",
            "--all-history",
            "--no-cache",
            "--format",
            "json",
        ],
        g.path(),
    );
    let report = json(&o);
    // Ordered by commit id among equals: sorted here, as the ids depend on the library's bytes.
    let mut rows = history_rows(&report, &[c1, c2, c3, c4, c5]);
    rows.sort();
    assert_eq!(
        rows,
        [
            "LIC-003 models/m/README.md:2 c3 fixed:c4",
            "LIC-003 models/m/README.md:2 c5 fixed:-"
        ],
        "{}",
        stderr(&o)
    );
}

/// A results file many cards cite goes to the plugin once, then by its content key; the plugin
/// holds a few such documents and is told which to forget. With more distinct files than it
/// holds, cited in turn by cards judged in parallel, every card is still judged against its own
/// file.
#[test]
fn cited_files_are_sent_once_and_judged_right_past_what_the_plugin_holds() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..12 {
        files.push((
            format!("evals/e{i}.json"),
            format!("{{\"accuracy\": 0.{:02}}}", 50 + i),
        ));
    }
    for j in 0..36 {
        let e = j % 12;
        let claim = if j == 29 { 99 } else { 50 + e };
        files.push((
            format!("models/m{j:02}/README.md"),
            format!(
                "---\nmodel-index:\n  - name: m\n    results:\n      - metrics: [{{type: accuracy, value: 0.{claim:02}}}]\n        source: {{url: evals/e{e}.json}}\n---\n# Model Card for m{j}\n"
            ),
        ));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_bytes()))
        .collect();
    let dir = temp_repo(&refs);
    add_metrics_drift(
        dir.path(),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\n\n[rules]\nselect = [\"MD-001\"]\n",
    );
    for jobs in ["1", "2"] {
        let o = check(dir.path(), &["--jobs", jobs]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let out = stdout(&o);
        let found: Vec<&str> = out.lines().filter(|l| l.contains("MD-001")).collect();
        assert_eq!(
            found,
            [
                "models/m29/README.md:5:36: MD-001 claims `accuracy` = 0.99, but `evals/e5.json` (the source it cites) measured 0.55 [iso42001:A.6.2.4, iso42001:A.6.2.2]"
            ],
            "--jobs {jobs}: {out}"
        );
    }
}

/// The author guide, followed as written: its crate, pack and rule (the code blocks of
/// `docs/plugins.md` that name their file) build into a plugin that loads, pins and judges. Only
/// the SDK dependency is pointed at this checkout instead of the git repository, offline.
#[test]
fn the_plugin_guide_builds_and_loads_as_written() {
    let guide = std::fs::read_to_string(repo_root().join("docs/plugins.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    let mut rest = guide.as_str();
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(nl) = after.find('\n') else { break };
        let body_and_rest = &after[nl + 1..];
        let Some(close) = body_and_rest.find("```") else {
            break;
        };
        let body = &body_and_rest[..close];
        rest = &body_and_rest[close + 3..];
        let first = body.lines().next().unwrap_or_default();
        let named = first
            .strip_prefix("# ")
            .or_else(|| first.strip_prefix("// "))
            .filter(|p| {
                (p.starts_with("plugins/") || p.starts_with("policies/")) && !p.contains(' ')
            });
        if let Some(path) = named {
            let target = dir.path().join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, body).unwrap();
            written.push(path.to_string());
        }
    }
    assert_eq!(
        written,
        [
            "plugins/acme-rules/Cargo.toml",
            "plugins/acme-rules/src/lib.rs",
            "policies/acme/pack.toml",
            "policies/acme/rules/ACME-001.toml"
        ]
    );
    let krate = dir.path().join("plugins/acme-rules");
    let manifest = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    let git_dep = "aimslint-plugin-sdk = { git = \"https://github.com/aimslint/aimslint\" }";
    assert!(manifest.contains(git_dep), "{manifest}");
    let sdk = repo_root().join("crates/plugin-sdk");
    let manifest = manifest.replace(
        git_dep,
        &format!(
            "aimslint-plugin-sdk = {{ path = {:?} }}",
            sdk.display().to_string()
        ),
    ) + "\n[workspace]\n";
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    // The versions this checkout was built with, so the offline build finds them.
    std::fs::copy(repo_root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let target = repo_root().join("target/plugin-guide");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = std::process::Command::new(cargo)
        .args(["build", "--offline", "--quiet"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let lib = format!(
        "{}acme_rules{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let pack = dir.path().join("policies/acme");
    std::fs::create_dir_all(pack.join("lib")).unwrap();
    std::fs::copy(target.join("debug").join(&lib), pack.join("lib").join(&lib)).unwrap();
    std::fs::write(
        dir.path().join("aimslint.toml"),
        "[packs]\nacme = { path = \"policies/acme\" }\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("models/m")).unwrap();
    std::fs::write(
        dir.path().join("models/m/README.md"),
        format!(
            "---\nlicense: mit\n---\n# Card\n\n{}\n",
            "word ".repeat(3001)
        ),
    )
    .unwrap();
    // The guide's pack names only some platforms: where it names none for this one, loading it
    // says so, and there is nothing more to prove here.
    let o = run(&["packs", "lock"], dir.path());
    if !o.status.success() && stderr(&o).contains("no library for") {
        return;
    }
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = check(dir.path(), &["--select", "ACME"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).lines().next().unwrap(),
        "models/m/README.md:4:1: ACME-001 3003 words; at most 3000 (warning) [iso42001:A.8.2]"
    );
}

/// `explain` and `packs list` in a repository know the packs its aimslint.toml adds, as `check`
/// does: a plugin rule can be looked up where it runs.
#[test]
fn explain_and_packs_list_read_the_repositorys_packs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies/md")).unwrap();
    copy_tree(
        &repo_root().join("plugins/metrics-drift/pack"),
        &dir.path().join("policies/md"),
    );
    std::fs::write(
        dir.path().join("aimslint.toml"),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\n",
    )
    .unwrap();
    let o = run(&["explain", "MD-002"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(
            "MD-002: Evaluation results the card cites meet their acceptance thresholds"
        ),
        "{}",
        stdout(&o)
    );
    let o = run(&["packs", "list"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).lines().any(|l| l.starts_with("metrics-drift ")),
        "{}",
        stdout(&o)
    );
}

/// A history run with plugin rules is kept in the history cache and read from it the next time
/// (the key holds each library's pin in a fixed order, not the plugin host's state, which differs
/// from run to run).
#[test]
fn a_history_run_with_plugins_is_read_from_the_cache_again() {
    let mut g = GitRepo::new();
    add_spdx(g.path());
    add_metrics_drift(
        g.path(),
        "[packs]\nmetrics-drift = { path = \"policies/md\" }\nspdx-license = { path = \"policies/spdx\" }\n\n[rules]\nselect = [\"MD\", \"LIC\"]\n",
    );
    g.commit(
        "2026-01-01",
        "Card",
        &[
            ("models/m/README.md", Some(MD_CARD)),
            ("evals/m.json", Some(r#"{"accuracy": 0.8}"#)),
        ],
    );
    let entries = || {
        std::fs::read_dir(g.path().join(".git/aimslint/history"))
            .map(|d| d.flatten().count())
            .unwrap_or(0)
    };
    let mut outs = Vec::new();
    for _ in 0..4 {
        let o = run(
            &["check", ".", "--all-history", "--format", "json"],
            g.path(),
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        outs.push(stdout(&o));
    }
    assert_eq!(entries(), 1);
    assert!(outs.iter().all(|o| *o == outs[0]));
    assert!(outs[0].contains("MD-001"), "{}", outs[0]);
}

/// Needs a plugin declares that aimslint does not follow (a pointer 100,000 segments deep, a path
/// out of the repository, a pointer without `/`) are findings about the plugin, not a crash or a
/// read outside; the rule is judged with the need it may follow.
#[test]
fn needs_the_host_does_not_follow_are_named() {
    let dir = misbehave_repo(&["MIS-NEEDS"]);
    let o = run(
        &["check", ".", "--format", "json", "--as-of", "2026-11-01"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let report = json(&o);
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let m = f["message"].as_str().unwrap();
            format!("{} {}", f["rule"].as_str().unwrap(), &m[..m.len().min(90)])
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "AL014 MIS-NEEDS: plugin `misbehave` declares a need aimslint does not follow: `../../../etc/pass",
            "AL014 MIS-NEEDS: plugin `misbehave` declares a need aimslint does not follow: `/a/a/a/a/a/a/a/a/",
            "AL014 MIS-NEEDS: plugin `misbehave` declares a need aimslint does not follow: `meta/license` is ",
            "MIS-NEEDS given aimslint.toml found=true",
        ]
    );
}
