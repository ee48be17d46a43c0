use crate::util::*;

#[test]
fn every_rule_passes_its_own_fixtures() {
    let o = run(&["packs", "test"], &repo_root());
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    let ok = out.lines().filter(|l| l.starts_with("ok ")).count();
    assert!(
        ok >= 2 * 25,
        "at least 25 rules with pass and fail fixtures: {ok}"
    );
}

#[test]
fn packs_list_shows_all_three() {
    let out = stdout(&run(&["packs", "list"], &repo_root()));
    for id in ["iso42001", "nist-ai-rmf", "eu-ai-act"] {
        assert!(out.contains(id), "{out}");
    }
}

#[test]
fn catalogues_are_complete() {
    let packs = aimslint_packs_via_cli();
    assert!(
        packs.contains("nist-ai-rmf  1.0.0    yes             72      0    280"),
        "{packs}"
    );
    assert!(
        packs.contains("iso42001     1.1.1    no              74"),
        "{packs}"
    );
}

fn aimslint_packs_via_cli() -> String {
    stdout(&run(&["packs", "list"], &repo_root()))
}

#[test]
fn a_broken_pack_reports_every_error_at_its_line() {
    let dir = temp_repo(&[
        ("pack.toml", b"id = \"broken\"\nname = \"Broken\"\nversion = \"1.0.0\"\nframework = \"Test\"\n"),
        ("controls.toml", b"[[control]]\nid = \"C1\"\ntitle = \"One\"\nkind = \"control\"\n"),
        (
            "rules/X-001.toml",
            b"id = \"X-001\"\ntitle = \"t\"\nseverity = \"error\"\nkinds = [\"model-card\"]\ncontrols = [\"broken:C1\", \"iso42001:A.6.10.2\"]\n[check.required]\npointers = [\"/a\"]\n",
        ),
        ("rules/X-002.toml", b"id = \"X-002\"\ntitle = \"t\"\nseverity = \"fatal\"\nkinds = [\"model-card\"]\nextra = 1\n[check.required]\npointers = [\"/a\"]\n"),
        ("rules/MC-001.toml", b"id = \"MC-001\"\ntitle = \"dup\"\nseverity = \"error\"\nkinds = [\"nope\"]\n[check.pattern]\npointer = \"/a\"\nregex = \"(\"\n"),
        // `no-delete` judges files of the rule's kinds: it needs them, unlike `co-change`.
        ("rules/X-003.toml", b"id = \"X-003\"\ntitle = \"t\"\nseverity = \"error\"\n[check.no-delete]\nunless = \"retirement\"\n"),
        // An unknown kind is reported as such, not also as a rule without kinds.
        ("rules/X-004.toml", b"id = \"X-004\"\ntitle = \"t\"\nseverity = \"error\"\n[check.co-chnge]\nwhen = [\"x\"]\n"),
        ("rules/X-005.toml", b"id = \"X-005\"\ntitle = \"t\"\nseverity = \"error\"\n[check.co-change]\nwhen = [\"x\"]\nrequire_any = [\"changed:y\"]\n"),
    ]);
    let o = run(
        &["packs", "list", "--pack", dir.path().to_str().unwrap()],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in [
        "unknown control `iso42001:A.6.10.2`",
        "unknown field `extra`",
        "invalid regex",
        "X-001.toml:5",
        "unknown check kind `co-chnge`",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
    assert_eq!(err.matches("a rule needs `kinds`").count(), 1, "{err}");
    assert!(err.contains("X-003.toml: a rule needs `kinds`"), "{err}");
}

#[test]
fn a_directory_crosswalk_pack_is_enabled_by_frameworks() {
    let dir = temp_repo(&[
        (
            "pack.toml",
            b"id = \"cwx\"\nname = \"Test crosswalk\"\nversion = \"1.0.0\"\nframework = \"Test\"\noptional = true\n[[sources]]\nid = \"aimslint-editorial\"\ntitle = \"Ours\"\n",
        ),
        ("controls.toml", b"[[control]]\nid = \"T-1\"\ntitle = \"Provenance kept\"\nkind = \"item\"\nevidence = [\"data-provenance\"]\n"),
        (
            "crosswalk/iso42001.toml",
            b"target = \"iso42001\"\n[[pair]]\nfrom = \"T-1\"\nto = \"A.7.5\"\nrelation = \"equal\"\nsource = \"aimslint-editorial\"\nrationale = \"Both ask for data provenance.\"\n",
        ),
    ]);
    let ex = example();
    let o = run(
        &[
            "report",
            "crosswalk",
            ex.to_str().unwrap(),
            "--pack",
            dir.path().to_str().unwrap(),
            "--frameworks",
            "cwx",
            "--format",
            "json",
            "--as-of",
            "2026-11-01",
        ],
        &repo_root(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = json(&o);
    let text = report.to_string();
    assert!(text.contains("\"T-1\""), "{text}");
    // A typo is still an error.
    let o = run(
        &["check", ex.to_str().unwrap(), "--frameworks", "cwy"],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(2));
}

/// A status path names a pair of its crosswalk and rules that cite the pair's control; anything
/// else is an error at its line. A valid one excludes those rules along that pair only.
#[test]
fn status_paths_are_checked_and_applied() {
    let pack = |paths: &[u8]| {
        temp_repo(&[
            (
                "pack.toml",
                b"id = \"cwx\"\nname = \"Test crosswalk\"\nversion = \"1.0.0\"\nframework = \"Test\"\noptional = true\n[[sources]]\nid = \"aimslint-editorial\"\ntitle = \"Ours\"\n",
            ),
            ("controls.toml", b"[[control]]\nid = \"T-1\"\ntitle = \"Lawful basis recorded\"\nkind = \"item\"\n"),
            (
                "crosswalk/iso42001.toml",
                b"target = \"iso42001\"\n[[pair]]\nfrom = \"T-1\"\nto = \"A.7.3\"\nrelation = \"intersects-with\"\nsource = \"aimslint-editorial\"\nrationale = \"Both ask how data was acquired.\"\n",
            ),
            ("crosswalk/iso42001.paths.toml", paths),
        ])
    };
    let ex = example();
    let crosswalk = |dir: &std::path::Path| {
        run(
            &[
                "report",
                "crosswalk",
                ex.to_str().unwrap(),
                "--pack",
                dir.to_str().unwrap(),
                "--frameworks",
                "cwx",
                "--format",
                "json",
                "--as-of",
                "2026-11-01",
            ],
            &repo_root(),
        )
    };
    let bad = pack(b"target = \"iso42001\"\nsource = \"aimslint-editorial\"\n\n[[path]]\nfrom = \"T-2\"\nto = \"A.7.3\"\nexclude = [\"DP-005\"]\nwhy = \"x\"\n\n[[path]]\nfrom = \"T-1\"\nto = \"A.7.3\"\nexclude = [\"MC-007\", \"XX-999\"]\nwhy = \"y\"\n");
    let o = crosswalk(bad.path());
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    let err = err
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" │ ", " ");
    assert!(err.contains("3 problem(s)"), "{err}");
    assert!(
        err.contains("no crosswalk pair cwx:T-2 → iso42001:A.7.3"),
        "{err}"
    );
    assert!(
        err.contains("rule `MC-007` does not cite `iso42001:A.7.3`"),
        "{err}"
    );
    assert!(err.contains("unknown rule `XX-999`"), "{err}");
    // In the example, A.7.3 fails on DP-005 (no legal basis) and DP-004 (no end date): excluding
    // DP-004 along the pair leaves DP-005's finding to reach T-1.
    let good = pack(b"target = \"iso42001\"\nsource = \"aimslint-editorial\"\n\n[[path]]\nfrom = \"T-1\"\nto = \"A.7.3\"\nexclude = [\"DP-004\"]\nwhy = \"The collection window is not the lawful basis.\"\n");
    let report = json(&crosswalk(good.path()));
    let item = &report["frameworks"][0]["items"][0];
    assert_eq!(item["status"], "failing");
    let rules: Vec<&str> = item["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["DP-005"]);
}

/// `[packs] acme = { version = "1.0" }` runs the rules as of 1.0: a rule a later version added
/// (`since = "1.1.0"`) runs only when selected by its id, and `packs list --new` shows it.
#[test]
fn a_pinned_pack_version_keeps_later_rules_off() {
    let rule = |id: &str, since: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"Provenance names its {id}\"\nseverity = \"error\"\nkinds = [\"data-provenance\"]\ncontrols = [\"iso42001:A.7.5\"]\nsince = \"{since}\"\nhelp = \"h\"\ndocs = \"d\"\n\n[check.required]\npointers = [\"/{}\"]\n",
            id.to_lowercase().replace('-', "_")
        )
    };
    let config = |version: &str, select: &str| {
        format!(
            "[packs]\nacme = {{ path = \"policies/acme\", version = \"{version}\" }}\n\n[rules]\nselect = [{select}]\n"
        )
    };
    let r1 = rule("ACME-001", "1.0.0");
    let r2 = rule("ACME-002", "1.1.0");
    let files = |cfg: String| {
        temp_repo(&[
            (
                "policies/acme/pack.toml",
                b"id = \"acme\"\nname = \"Acme\"\nversion = \"1.1.0\"\nframework = \"Test\"\noptional = true\n[[sources]]\nid = \"ours\"\ntitle = \"Ours\"\n",
            ),
            ("policies/acme/rules/ACME-001.toml", r1.as_bytes()),
            ("policies/acme/rules/ACME-002.toml", r2.as_bytes()),
            ("data/a/provenance.yaml", b"dataset: a\n"),
            ("aimslint.toml", cfg.as_bytes()),
        ])
    };
    let rules_found = |dir: &std::path::Path| -> Vec<String> {
        let report = json(&run(
            &["check", dir.to_str().unwrap(), "--format", "json"],
            dir,
        ));
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let dir = files(config("1.0", "\"acme\""));
    assert_eq!(rules_found(dir.path()), ["ACME-001"]);
    let o = run(&["packs", "list", "--new"], dir.path());
    assert!(
        stdout(&o).contains("ACME-002   acme         1.1.0    1.0.0"),
        "{}",
        stdout(&o)
    );
    let dir = files(config("1.0", "\"acme\", \"ACME-002\""));
    assert_eq!(rules_found(dir.path()), ["ACME-001", "ACME-002"]);
    let dir = files(config("1.1", "\"acme\""));
    assert_eq!(rules_found(dir.path()), ["ACME-001", "ACME-002"]);
    assert!(stdout(&run(&["packs", "list", "--new"], dir.path())).contains("no rule is newer"));
}

/// `aimslint schema KIND` prints the kind's JSON Schema; the templates `init` writes point editors
/// at the same schema by name.
#[test]
fn schemas_for_editors() {
    let o = run(&["schema", "data-provenance"], &repo_root());
    assert_eq!(o.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        schema["$id"],
        "https://aimslint.dev/schemas/provenance.schema.json"
    );
    let list = stdout(&run(&["schema"], &repo_root()));
    assert!(
        list.contains("model-card           model-card-meta.schema.json"),
        "{list}"
    );
    assert_eq!(
        run(&["schema", "dataset-card"], &repo_root()).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["schema", "nonsense"], &repo_root()).status.code(),
        Some(2)
    );
    for t in std::fs::read_dir(repo_root().join("crates/cli/templates"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(t.path()).unwrap();
        if let Some(line) = text
            .lines()
            .find(|l| l.contains("yaml-language-server: $schema="))
        {
            let name = line.rsplit('/').next().unwrap();
            assert!(
                repo_root().join("schemas").join(name).is_file(),
                "{}: {name}",
                t.path().display()
            );
        }
    }
}

/// An organisation pack layers on a built-in one: it turns rules off, runs others at another
/// severity, and replaces a rule by writing its own with the same id; every mistake in the layer is
/// an error at its line of `pack.toml`.
#[test]
fn an_organisation_pack_extends_a_builtin_one() {
    const PACK: &str = "id = \"acme\"\nname = \"Acme AI policy\"\nversion = \"1.0.0\"\nframework = \"Acme\"\n[[sources]]\nid = \"ours\"\ntitle = \"Acme policy 7\"\n\n[extends]\npack = \"iso42001\"\nversion = \"^1.1\"\ndisable = [\"DP-005\"]\nseverity = { \"DP-006\" = \"info\" }\n";
    // DP-004 replaced: the licence is not asked for, the source's owner is.
    const DP004: &str = "id = \"DP-004\"\ntitle = \"Provenance names the source's owner\"\nseverity = \"warning\"\nkinds = [\"data-provenance\"]\ncontrols = [\"iso42001:A.7.5\"]\nhelp = \"Name who owns the source.\"\ndocs = \"Acme policy 7.2.\"\n\n[check.required]\npointers = [\"/source/owner\"]\n";
    let findings = |pack: &str| {
        let dir = temp_repo(&[
            ("policies/acme/pack.toml", pack.as_bytes()),
            ("policies/acme/rules/DP-004.toml", DP004.as_bytes()),
            (
                "data/a/provenance.yaml",
                b"dataset: a\nsource: { name: Core banking, origin: internal }\npersonal_data: true\nquality: { assessed: 2025-01-05 }\n",
            ),
            (
                "aimslint.toml",
                b"[packs]\nacme = { path = \"policies/acme\" }\n\n[rules]\nselect = [\"DP-00\"]\n",
            ),
        ]);
        let o = run(
            &[
                "check",
                dir.path().to_str().unwrap(),
                "--format",
                "json",
                "--as-of",
                "2026-11-01",
            ],
            dir.path(),
        );
        let out = if o.status.code() == Some(2) {
            serde_json::Value::String(stderr(&o))
        } else {
            json(&o)
        };
        (o.status.code(), out, dir)
    };
    let (code, out, dir) = findings(PACK);
    assert_eq!(code, Some(1), "{out}");
    let rows: Vec<String> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ["DP-004", "DP-005", "DP-006"].contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["line"]
            )
        })
        .collect();
    // DP-005 (legal basis) is off; DP-006 (quality assessed over a year ago) is info; DP-004 is
    // Acme's.
    assert_eq!(rows, ["DP-004 warning 2", "DP-006 info 4"], "{out:#}");
    // Selecting the rule the layer disabled is an error that says why.
    let o = run(&["check", ".", "--select", "DP-004"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(
        dir.path().join("aimslint.toml"),
        "[packs]\nacme = { path = \"policies/acme\" }\n\n[rules]\nselect = [\"DP-005\"]\n",
    )
    .unwrap();
    let o = run(&["check", "."], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is disabled by pack acme"),
        "{}",
        stderr(&o)
    );
    let config = dir.path().join("aimslint.toml");
    let list = stdout(&run(
        &["packs", "list", "--config", config.to_str().unwrap()],
        dir.path(),
    ));
    assert!(list.contains("(extends iso42001)"), "{list}");

    // Mistakes in the layer, each at its line.
    let bad = PACK
        .replace("\"^1.1\"", "\"^2\"")
        .replace("[\"DP-005\"]", "[\"DP-999\"]")
        .replace("\"info\"", "\"loud\"");
    let (code, out, _) = findings(&bad);
    assert_eq!(code, Some(2));
    let err = out.to_string();
    for needle in [
        "pack.toml:11:11",
        "extends iso42001 `^2`,",
        "pack.toml:12:12",
        "`DP-999` is no rule of iso42001",
        "pack.toml:13:25",
        "`loud` is no severity",
    ] {
        assert!(err.contains(needle), "missing `{needle}` in:\n{err}");
    }
    let (code, out, _) = findings(&PACK.replace("pack = \"iso42001\"", "pack = \"iso9001\""));
    assert_eq!(code, Some(2));
    assert!(out.to_string().contains("pack.toml:10:8"), "{out}");
}

/// A pack from git, at a tag: fetched once into the user's cache, read offline afterwards, its commit
/// pinned by `packs lock`; a tag moved since is refused, and a branch is never accepted.
#[test]
fn a_pack_from_git_is_pinned_by_tag_and_commit() {
    let rule = |id: &str| {
        format!(
            "id = \"{id}\"\ntitle = \"Provenance names its {id}\"\nseverity = \"error\"\nkinds = [\"data-provenance\"]\ncontrols = [\"iso42001:A.7.5\"]\nhelp = \"h\"\ndocs = \"d\"\n\n[check.required]\npointers = [\"/{}\"]\n",
            id.to_lowercase().replace('-', "_")
        )
    };
    let manifest = |v: &str| {
        format!(
            "id = \"acme\"\nname = \"Acme\"\nversion = \"{v}\"\nframework = \"Test\"\n[[sources]]\nid = \"ours\"\ntitle = \"Ours\"\n"
        )
    };
    // The published pack: v1.0.0 with one rule, v1.1.0 with two.
    let mut publ = GitRepo::new();
    let (m1, r1, m2, r2) = (
        manifest("1.0.0"),
        rule("ACME-001"),
        manifest("1.1.0"),
        rule("ACME-002"),
    );
    publ.commit(
        "2026-01-10",
        "1.0.0",
        &[
            ("pack/pack.toml", Some(&m1)),
            ("pack/rules/ACME-001.toml", Some(&r1)),
        ],
    );
    publ.commit(
        "2026-02-10",
        "1.1.0",
        &[
            ("pack/pack.toml", Some(&m2)),
            ("pack/rules/ACME-002.toml", Some(&r2)),
        ],
    );
    let src = git2::Repository::open(publ.path()).unwrap();
    let tag = |name: &str, commit: &str| {
        let obj = src
            .find_object(git2::Oid::from_str(commit).unwrap(), None)
            .unwrap();
        src.tag_lightweight(name, &obj, true).unwrap();
    };
    tag("v1.0.0", &publ.commits[0]);
    tag("v1.1.0", &publ.commits[1]);

    let cache = tempfile::tempdir().unwrap();
    let url = publ.path().to_str().unwrap().to_string();
    let repo = |rev: &str| {
        let cfg = format!(
            "[packs]\nacme = {{ git = \"{url}\", rev = \"{rev}\", path = \"pack\" }}\n\n[rules]\nselect = [\"acme\"]\n"
        );
        temp_repo(&[
            ("data/a/provenance.yaml", b"dataset: a\n"),
            ("aimslint.toml", cfg.as_bytes()),
        ])
    };
    let aim_in = |cache: &std::path::Path, args: &[&str], dir: &std::path::Path| {
        aimslint()
            .args(args)
            .env("AIMSLINT_CACHE_DIR", cache)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    let aim = |args: &[&str], dir: &std::path::Path| aim_in(cache.path(), args, dir);
    let rules = |dir: &std::path::Path| -> Vec<String> {
        let o = aim(&["check", ".", "--format", "json"], dir);
        assert_ne!(o.status.code(), Some(2), "{}", stderr(&o));
        json(&o)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let r = repo("v1.0.0");
    assert_eq!(rules(r.path()), ["ACME-001"]);
    let o = aim(&["packs", "lock"], r.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lock = std::fs::read_to_string(r.path().join("aimslint.lock")).unwrap();
    assert!(
        lock.contains(&format!("commit = \"{}\"", publ.commits[0])),
        "{lock}"
    );
    assert!(lock.contains("rev = \"v1.0.0\""), "{lock}");

    // Someone moves the tag to the later commit. This cache still has the pinned commit; a machine
    // that fetches afresh sees the tag elsewhere, and the run refuses it.
    tag("v1.0.0", &publ.commits[1]);
    assert_eq!(rules(r.path()), ["ACME-001"]);
    let fresh = tempfile::tempdir().unwrap();
    let o = aim_in(fresh.path(), &["check", "."], r.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("the tag was moved"), "{}", stderr(&o));
    let r2 = repo("v1.1.0");
    assert_eq!(rules(r2.path()), ["ACME-001", "ACME-002"]);

    // Offline: with the source gone, the cache still serves the revisions fetched.
    drop(src);
    drop(publ);
    assert_eq!(rules(r2.path()), ["ACME-001", "ACME-002"]);
    let o = aim(&["packs", "verify"], r2.path());
    assert_eq!(o.status.code(), Some(1), "no lockfile yet: {}", stdout(&o));

    // A git pack without a tag or commit is refused at its line.
    let bad = temp_repo(&[(
        "aimslint.toml",
        format!("[packs]\nacme = {{ git = \"{url}\" }}\n").as_bytes(),
    )]);
    let o = aim(&["check", "."], bad.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs `rev`"), "{}", stderr(&o));
}

/// `aimslint packs test DIR` runs that pack's fixtures only, with the packs it cites loaded beside
/// it; a fixture whose findings differ from its `expect.toml` fails the command.
#[test]
fn packs_test_dir_runs_one_packs_fixtures() {
    const RULE: &str = "id = \"ACME-001\"\ntitle = \"Provenance names its steward\"\nseverity = \"error\"\nkinds = [\"data-provenance\"]\ncontrols = [\"iso42001:A.7.5\"]\nhelp = \"h\"\ndocs = \"d\"\n\n[check.required]\npointers = [\"/steward\"]\n";
    let pack = |expect_line: &str| {
        let expect = format!(
            "[[finding]]\npath = \"data/a/provenance.yaml\"\nline = {expect_line}\npointer = \"/steward\"\n"
        );
        temp_repo(&[
            (
                "pack.toml",
                b"id = \"acme\"\nname = \"Acme\"\nversion = \"1.0.0\"\nframework = \"Test\"\n[[sources]]\nid = \"ours\"\ntitle = \"Ours\"\n",
            ),
            ("rules/ACME-001.toml", RULE.as_bytes()),
            ("tests/ACME-001/pass/data/a/provenance.yaml", b"dataset: a\nsteward: Dana Whit\n"),
            ("tests/ACME-001/fail/data/a/provenance.yaml", b"dataset: a\n"),
            ("tests/ACME-001/fail/expect.toml", expect.as_bytes()),
        ])
    };
    let good = pack("1");
    let o = run(
        &["packs", "test", good.path().to_str().unwrap()],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stdout(&o),
        "ok    acme ACME-001 pass\nok    acme ACME-001 fail\nfixtures: 2 passed, 0 failed\n"
    );
    let bad = pack("2");
    let o = run(
        &["packs", "test", bad.path().to_str().unwrap()],
        &repo_root(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("FAIL  acme ACME-001 fail"),
        "{}",
        stdout(&o)
    );
}
