//! Property tests over hostile bytes: random bytes, random text and real files mutated, through
//! every parser and through the engine end to end. None may panic; the engine must contain any
//! panic anyway, so a contained one (AL013) fails the test too.
//!
//! `.ci/run` runs a bounded number of cases (`AIMSLINT_FUZZ_CASES`, default 96 per property). A
//! longer run: `AIMSLINT_FUZZ_CASES=20000 cargo test --release -p aimslint-engine --test fuzz`.
//! The real-world corpus is mutated when it is beside the checkout (or named by AIMSLINT_CORPUS);
//! the example repository's evidence always is.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aimslint_artifacts::{Format, Limits};
use aimslint_engine::{Config, Engine, EngineOptions, FileInput, Selection, Snapshot};
use proptest::prelude::*;

/// Paths that make the engine treat a file as each kind of evidence, and a few it must sniff.
const PATHS: &[&str] = &[
    "models/a/README.md",
    "data/x/README.md",
    "data/x/provenance.yaml",
    "data/x/provenance.json",
    "changes/CR-1.yaml",
    "aims/systems.yaml",
    "aims/risk/a.yaml",
    "aims/impact/a.yaml",
    "aims/policy.md",
    "MODEL_CARD.md",
    "bom.json",
    "metadata.json",
    "MLmodel",
    "dvc.lock",
    "x.toml",
    "README.md",
];

/// Pieces that reach the parsers' corners: front matter, flow collections, anchors, Jinja,
/// headings, bad bytes, deep nesting.
const TOKENS: &[&[u8]] = &[
    b"---\n",
    b"\n",
    b"\r\n",
    b"[",
    b"]",
    b"{",
    b"}",
    b"{{ x }}",
    b"{% if %}",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"# ",
    b"## Uses\n",
    b"**License:** ",
    b"- ",
    b": ",
    b"\"",
    b"'",
    b"\\",
    b"\t",
    b"\xff",
    b"\xc3",
    b"\xe2\x80",
    b"\x00",
    b"\xef\xbb\xbf",
    b"```\n",
    b"|\n  ",
    b">-\n  ",
    b"!!binary ",
    b"? ",
    b"%YAML 1.2\n",
    b"...\n",
    b"[[[[[[[[[[[[[[[[",
    b"\"\\u0000\"",
    b"1e999999",
    b"-0",
    b"0x",
    b"\xf0\x9f\x99\x82",
    b"\xcc\x81",
    b"\n#",
    b"# x\n# x\n# x\n",
];

fn cases() -> u32 {
    std::env::var("AIMSLINT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(96)
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let req = aimslint_packs::LoadRequest::all_builtin();
        let packs = aimslint_packs::PackSet::load(
            &req,
            &semver::Version::new(0, 1, 0),
            &aimslint_engine::kinds::REGISTRY,
        )
        .unwrap_or_else(|e| panic!("built-in packs load: {e}"));
        Engine::new(
            Arc::new(packs),
            &Config::default(),
            EngineOptions {
                as_of: jiff::civil::date(2026, 6, 1),
                selection: Selection::default(),
                limits: Limits::default(),
                plugins: None,
                shard: None,
            },
        )
    })
}

/// Real evidence to mutate: the example repository's files, and the corpus when present.
fn seeds() -> &'static [(String, Vec<u8>)] {
    static S: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    S.get_or_init(|| {
        let mut out = Vec::new();
        let example = repo_root().join("examples/credit-scoring");
        collect(&example, &example, &mut out);
        let corpus = std::env::var_os("AIMSLINT_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join("../shared/corpus"));
        if corpus.join("MANIFEST.tsv").exists() {
            collect(&corpus, &corpus, &mut out);
        }
        out.sort();
        out
    })
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect(root, &p, out);
        } else if ft.is_file()
            && let (Ok(rel), Ok(bytes)) = (p.strip_prefix(root), std::fs::read(&p))
            && bytes.len() < 256 * 1024
        {
            out.push((rel.to_string_lossy().replace('\\', "/"), bytes));
        }
    }
}

/// Judge one file (alone, and beside a sound copy of the example's inventory so references run).
fn judge(path: &str, bytes: Vec<u8>) {
    let files = vec![FileInput {
        path: path.to_string(),
        blob_id: String::new(),
        content: Ok(Arc::from(bytes)),
        text: None,
        explicit: true,
    }];
    let snapshot = Snapshot {
        paths: files.iter().map(|f| f.path.clone()).collect(),
        files,
        commit: None,
        as_of: None,
    };
    let outcome = engine().check(&snapshot);
    let internal: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == aimslint_engine::codes::INTERNAL)
        .map(|f| f.message.clone())
        .collect();
    assert!(internal.is_empty(), "{path}: {internal:?}");
    // Every finding must be placeable: a line and column inside the file.
    for f in &outcome.findings {
        assert!(f.line >= 1 && f.column >= 1, "{path}: {f:?}");
    }
}

/// Every parser on its own, on text and on raw bytes.
fn parse_all(path: &str, bytes: &[u8]) {
    let _ = aimslint_artifacts::decode(bytes, &Limits::default());
    let text = String::from_utf8_lossy(bytes);
    let _ = aimslint_artifacts::sniff_text(path, &text);
    for f in [Format::Yaml, Format::Json, Format::Toml, Format::Markdown] {
        if let Ok(p) = aimslint_artifacts::parse_text(path, &text, f) {
            // Resolving spans walks the text again.
            let spans = p.spans(&text);
            // Looking up part by part agrees with the whole table.
            for ptr in [
                "/a/0/b",
                "",
                "/meta",
                "/meta/license",
                "/sections/x/text",
                "/labels",
            ] {
                assert_eq!(p.locate(&text, ptr), spans.locate(ptr), "{path} {ptr}");
                assert_eq!(p.exact(&text, ptr), spans.exact(ptr), "{path} {ptr}");
            }
        }
    }
    let idx = aimslint_artifacts::LineIndex::new(&text);
    for off in [0, text.len() / 3, text.len() / 2, text.len()] {
        let (l, c) = idx.line_col(&text, off);
        assert!(l >= 1 && c >= 1);
    }
}

fn mutate(seed: &[u8], ops: &[(u8, usize, usize)]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for &(op, at, arg) in ops {
        let at = if b.is_empty() { 0 } else { at % (b.len() + 1) };
        match op % 6 {
            0 => {
                let t = TOKENS[arg % TOKENS.len()];
                b.splice(at..at, t.iter().copied());
            }
            1 if at < b.len() => b[at] ^= 1 << (arg % 8),
            2 => b.truncate(at),
            3 if at < b.len() => {
                let end = (at + arg % 64).min(b.len());
                b.drain(at..end);
            }
            4 => {
                let end = (at + arg % 256).min(b.len());
                let piece: Vec<u8> = b[at..end].to_vec();
                b.splice(at..at, piece);
            }
            _ => {
                let t = TOKENS[arg % TOKENS.len()];
                for _ in 0..(arg % 8) {
                    b.splice(at..at, t.iter().copied());
                }
            }
        }
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(path in prop::sample::select(PATHS), bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        parse_all(path, &bytes);
        judge(path, bytes);
    }

    #[test]
    fn random_text(path in prop::sample::select(PATHS), text in any::<String>()) {
        parse_all(path, text.as_bytes());
        judge(path, text.into_bytes());
    }

    #[test]
    fn token_soup(path in prop::sample::select(PATHS), picks in prop::collection::vec(any::<usize>(), 0..200)) {
        let bytes: Vec<u8> = picks.iter().flat_map(|i| TOKENS[i % TOKENS.len()].iter().copied()).collect();
        parse_all(path, &bytes);
        judge(path, bytes);
    }

    #[test]
    fn mutated_real_files(pick in any::<usize>(), ops in prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..12), as_path in any::<bool>(), other in prop::sample::select(PATHS)) {
        let seeds = seeds();
        let (name, seed) = &seeds[pick % seeds.len()];
        let bytes = mutate(seed, &ops);
        // Under its own name (a corpus name keeps its extension) or as another kind of evidence.
        let path = if as_path { other.to_string() } else { name.clone() };
        parse_all(&path, &bytes);
        judge(&path, bytes);
    }
}

#[test]
fn every_seed_is_judged_unmutated() {
    for (name, bytes) in seeds() {
        judge(name, bytes.clone());
    }
}
