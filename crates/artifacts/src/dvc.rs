//! The DVC adapter: the files in which DVC records the data and models it keeps outside git, read as
//! the artifact-tracking view.
//!
//! - A `.dvc` file tracks one or more outputs (`outs`), each with its content hash (`md5`, or
//!   `etag`/`checksum` for cloud outputs; a directory's hash ends in `.dir`).
//! - `dvc.lock` records, per pipeline stage, the hashes of its dependencies and outputs as last run
//!   (`schema: '2.0'`; DVC 1.0's lock file had the stages at the top level).
//! - `dvc.yaml` declares the pipeline's stages and, under `artifacts:`, the models and datasets of
//!   the project's registry (`path`, `type`, `desc`, `labels`, `meta`).
//!
//! The view keeps the file's own fields at their lines, adds `adapter: "dvc"` and `file` (`dvc`,
//! `lock`, `pipeline` or `lock-1.0`), and two lists the rules and the history read:
//! - `tracked`: `{path, hash, stage?}`, each output whose content the file pins, its path as written
//!   (relative to the file's folder); a change of `hash` between two versions of the file is a change
//!   of that data or model, which the history rules see through (as they see through a Git LFS
//!   pointer);
//! - `registered`: `{name, path, type?, desc?}`, each entry of `dvc.yaml`'s `artifacts:`.
//!
//! Rules of the format checked here, from DVC's schema for `dvc.yaml` (iterative/dvcyaml-schema) and
//! its documentation of `.dvc` files and `dvc.lock` (dvc.org, "dvc.yaml", ".dvc Files",
//! "dvc.lock file"); each is AL015 at its field when broken:
//! - `dvc.yaml` holds only `vars`, `stages`, `plots`, `params`, `metrics` and `artifacts`; a stage
//!   has a `cmd` (or is a `foreach`/`do` template); one output path is produced by one stage only;
//!   an artifact's name is lower-case letters, digits, `-` and `/`, neither first nor last a dash or
//!   slash (`^[a-z0-9]([a-z0-9-/]*[a-z0-9])?$`), and it has a `path`;
//! - a `.dvc` file lists its `outs`, each with a `path`, no path twice;
//! - `dvc.lock` says `schema: '2.0'`, and each stage's `deps` and `outs` entries have a `path`;
//! - an `md5` is 32 hexadecimal digits (with `.dir` for a directory).

use serde_json::{Map, Value};

use crate::adapt::{Adapted, FORMAT_NOTICE, MAX_VIOLATIONS};
use crate::{Flavor, Notice, Spans, escape_token};

const PIPELINE_KEYS: [&str; 6] = ["vars", "stages", "plots", "params", "metrics", "artifacts"];
const ARTIFACT_KEYS: [&str; 5] = ["path", "type", "desc", "meta", "labels"];
const HASH_KEYS: [&str; 4] = ["md5", "etag", "checksum", "version_id"];

struct Reader<'a> {
    spans: &'a mut Spans,
    notices: Vec<Notice>,
    broken: usize,
    tracked: Vec<Value>,
    registered: Vec<Value>,
}

impl Reader<'_> {
    fn broken(&mut self, message: String, pointer: &str) {
        self.broken += 1;
        if self.notices.len() < MAX_VIOLATIONS {
            let offset = self.spans.locate(pointer).map_or(0, |(s, _)| s);
            self.notices.push(Notice {
                code: FORMAT_NOTICE,
                message,
                offset,
            });
        }
    }

    /// Place a view pointer at an original one.
    fn alias(&mut self, view: String, from: &str) {
        if let Some((s, e)) = self.spans.locate(from) {
            self.spans.insert(view, s, e);
        }
    }

    fn md5(&mut self, out: &Map<String, Value>, at: &str) {
        if let Some(m) = out.get("md5") {
            let ok = m.as_str().is_some_and(|s| {
                let hex = s.strip_suffix(".dir").unwrap_or(s);
                hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if !ok {
                self.broken(
                    format!("DVC: `md5` is {m}, not an MD5 digest (32 hexadecimal digits, `.dir` after a directory's)"),
                    &format!("{at}/md5"),
                );
            }
        }
    }

    /// The entries of an `outs` or `deps` list of a `.dvc` file or a lock stage: each a mapping
    /// with a `path`. Outputs are added to `tracked`.
    fn entries(&mut self, list: &Value, at: &str, stage: Option<&str>, outs: bool) {
        let Value::Array(items) = list else {
            self.broken(format!("DVC: `{}` is not a list of entries", last(at)), at);
            return;
        };
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let here = format!("{at}/{i}");
            let Some(o) = item.as_object() else {
                self.broken(
                    format!(
                        "DVC: entry {i} of `{}` is not a mapping with a `path`",
                        last(at)
                    ),
                    &here,
                );
                continue;
            };
            let Some(path) = o.get("path").and_then(Value::as_str) else {
                self.broken(
                    format!("DVC: entry {i} of `{}` has no `path`", last(at)),
                    &here,
                );
                continue;
            };
            self.md5(o, &here);
            if !outs {
                continue;
            }
            if !seen.insert(path) {
                self.broken(
                    format!("DVC: the output `{path}` is listed twice"),
                    &format!("{here}/path"),
                );
                continue;
            }
            let hash = HASH_KEYS
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str))
                .unwrap_or_default();
            let mut t = Map::new();
            t.insert("path".into(), Value::String(path.into()));
            t.insert("hash".into(), Value::String(hash.into()));
            if let Some(s) = stage {
                t.insert("stage".into(), Value::String(s.into()));
            }
            let n = self.tracked.len();
            self.alias(format!("/tracked/{n}"), &here);
            self.alias(format!("/tracked/{n}/path"), &format!("{here}/path"));
            self.tracked.push(Value::Object(t));
        }
    }

    fn dvc_file(&mut self, o: &Map<String, Value>) {
        match o.get("outs") {
            Some(outs) => self.entries(outs, "/outs", None, true),
            None => self.broken(
                "DVC: the .dvc file lists no `outs`; it tracks at least one file or directory"
                    .into(),
                "",
            ),
        }
        if let Some(deps) = o.get("deps") {
            self.entries(deps, "/deps", None, false);
        }
        self.md5(o, "");
    }

    fn lock(&mut self, o: &Map<String, Value>, legacy: bool) {
        let stages: Vec<(String, &Value)> = if legacy {
            o.iter()
                .map(|(k, v)| (format!("/{}", escape_token(k)), v))
                .collect()
        } else {
            if o.get("schema").and_then(Value::as_str) != Some("2.0") {
                let v = &o["schema"];
                self.broken(
                    format!("DVC: dvc.lock `schema` is {v}; DVC writes '2.0'"),
                    "/schema",
                );
            }
            match o.get("stages") {
                Some(Value::Object(s)) => s
                    .iter()
                    .map(|(k, v)| (format!("/stages/{}", escape_token(k)), v))
                    .collect(),
                Some(_) => {
                    self.broken(
                        "DVC: dvc.lock `stages` is not a mapping of stage names".into(),
                        "/stages",
                    );
                    Vec::new()
                }
                None => Vec::new(),
            }
        };
        for (at, stage) in stages {
            let name = crate::pointer::unescape_token(last(&at)).into_owned();
            let Some(s) = stage.as_object() else {
                self.broken(format!("DVC: stage `{name}` is not a mapping"), &at);
                continue;
            };
            if !s.contains_key("cmd") {
                self.broken(format!("DVC: stage `{name}` has no `cmd`"), &at);
            }
            if let Some(deps) = s.get("deps") {
                self.entries(deps, &format!("{at}/deps"), Some(&name), false);
            }
            if let Some(outs) = s.get("outs") {
                self.entries(outs, &format!("{at}/outs"), Some(&name), true);
            }
        }
    }

    fn pipeline(&mut self, o: &Map<String, Value>) {
        for k in o.keys() {
            if !PIPELINE_KEYS.contains(&k.as_str()) {
                self.broken(
                    format!(
                        "DVC: `{k}` is not a dvc.yaml field (it holds {})",
                        PIPELINE_KEYS.join(", ")
                    ),
                    &format!("/{}", escape_token(k)),
                );
            }
        }
        match o.get("stages") {
            Some(Value::Object(stages)) => {
                // Output path → the stage that produces it.
                let mut produced: std::collections::HashMap<String, String> =
                    std::collections::HashMap::new();
                for (name, stage) in stages {
                    let at = format!("/stages/{}", escape_token(name));
                    let Some(s) = stage.as_object() else {
                        self.broken(format!("DVC: stage `{name}` is not a mapping"), &at);
                        continue;
                    };
                    if s.contains_key("foreach") || s.contains_key("do") {
                        continue;
                    }
                    if !s.contains_key("cmd") {
                        self.broken(
                            format!("DVC: stage `{name}` has no `cmd`, the command it runs"),
                            &at,
                        );
                    }
                    let Some(Value::Array(outs)) = s.get("outs") else {
                        continue;
                    };
                    for (i, out) in outs.iter().enumerate() {
                        // An output is a path, or a mapping of its path to its flags.
                        let path = match out {
                            Value::String(p) => p.clone(),
                            Value::Object(m) if m.len() == 1 => {
                                m.keys().next().cloned().unwrap_or_default()
                            }
                            _ => continue,
                        };
                        if path.contains("${") {
                            continue;
                        }
                        if let Some(first) = produced.get(&path) {
                            let first = first.clone();
                            self.broken(
                                format!(
                                    "DVC: the output `{path}` is produced by stage `{first}` and again by `{name}`; an output belongs to one stage"
                                ),
                                &format!("{at}/outs/{i}"),
                            );
                        } else {
                            produced.insert(path, name.clone());
                        }
                    }
                }
            }
            Some(_) => self.broken(
                "DVC: `stages` is not a mapping of stage names".into(),
                "/stages",
            ),
            None => {}
        }
        match o.get("artifacts") {
            Some(Value::Object(arts)) => {
                for (name, art) in arts {
                    let at = format!("/artifacts/{}", escape_token(name));
                    if !artifact_name(name) {
                        self.broken(
                            format!(
                                "DVC: `{name}` is not an artifact name: lower-case letters, digits, `-` and `/`, neither first nor last a dash or slash"
                            ),
                            &at,
                        );
                    }
                    let Some(a) = art.as_object() else {
                        self.broken(format!("DVC: artifact `{name}` is not a mapping"), &at);
                        continue;
                    };
                    for k in a.keys() {
                        if !ARTIFACT_KEYS.contains(&k.as_str()) {
                            self.broken(
                                format!(
                                    "DVC: `{k}` is not a field of an artifact (it has {})",
                                    ARTIFACT_KEYS.join(", ")
                                ),
                                &format!("{at}/{}", escape_token(k)),
                            );
                        }
                    }
                    let Some(path) = a.get("path").and_then(Value::as_str) else {
                        self.broken(format!("DVC: artifact `{name}` has no `path`"), &at);
                        continue;
                    };
                    let mut r = Map::new();
                    r.insert("name".into(), Value::String(name.clone()));
                    r.insert("path".into(), Value::String(path.into()));
                    let n = self.registered.len();
                    self.alias(format!("/registered/{n}"), &at);
                    self.alias(format!("/registered/{n}/name"), &at);
                    self.alias(format!("/registered/{n}/path"), &format!("{at}/path"));
                    for k in ["type", "desc"] {
                        if let Some(v) = a.get(k) {
                            r.insert(k.into(), v.clone());
                            self.alias(format!("/registered/{n}/{k}"), &format!("{at}/{k}"));
                        }
                    }
                    self.registered.push(Value::Object(r));
                }
            }
            Some(_) => self.broken(
                "DVC: `artifacts` is not a mapping of artifact names".into(),
                "/artifacts",
            ),
            None => {}
        }
    }
}

fn last(pointer: &str) -> &str {
    pointer.rsplit('/').next().unwrap_or(pointer)
}

/// DVC's artifact names: `^[a-z0-9]([a-z0-9-/]*[a-z0-9])?$`.
fn artifact_name(name: &str) -> bool {
    let b = name.as_bytes();
    let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty()
        && b.first().is_some_and(edge)
        && b.last().is_some_and(edge)
        && b.iter().all(|c| edge(c) || *c == b'-' || *c == b'/')
}

/// Which DVC file a document is, by its content: a lock file names its `schema`, a `.dvc` file
/// lists `outs` at the top, DVC 1.0's lock file has only stages (each with a `cmd`) at the top, and
/// anything else is a pipeline (`dvc.yaml`).
fn which(o: &Map<String, Value>) -> &'static str {
    if o.contains_key("schema") {
        "lock"
    } else if o.contains_key("outs") {
        "dvc"
    } else if !o.is_empty()
        && !o.keys().any(|k| PIPELINE_KEYS.contains(&k.as_str()))
        && o.values()
            .all(|v| v.as_object().is_some_and(|s| s.contains_key("cmd")))
    {
        "lock-1.0"
    } else {
        "pipeline"
    }
}

pub(crate) fn adapt(value: &Value, text: &str) -> Adapted {
    let mut spans: Spans = crate::yaml::spans(text, 0);
    let mut view = value.clone();
    let Some(o) = value.as_object() else {
        return Adapted {
            view,
            spans,
            notices: vec![Notice {
                code: FORMAT_NOTICE,
                message: "DVC: the file is not a mapping of DVC fields".into(),
                offset: 0,
            }],
            flavor: Flavor::Dvc,
        };
    };
    let file = which(o);
    let mut r = Reader {
        spans: &mut spans,
        notices: Vec::new(),
        broken: 0,
        tracked: Vec::new(),
        registered: Vec::new(),
    };
    match file {
        "lock" => r.lock(o, false),
        "lock-1.0" => r.lock(o, true),
        "dvc" => r.dvc_file(o),
        _ => r.pipeline(o),
    }
    crate::adapt::order_notices(&mut r.notices, r.broken);
    let Reader {
        notices,
        tracked,
        registered,
        ..
    } = r;
    if let Value::Object(v) = &mut view {
        v.insert("adapter".into(), Value::String("dvc".into()));
        v.insert("file".into(), Value::String(file.into()));
        v.insert("tracked".into(), Value::Array(tracked));
        v.insert("registered".into(), Value::Array(registered));
    }
    Adapted {
        view,
        spans,
        notices,
        flavor: Flavor::Dvc,
    }
}

/// The outputs a DVC document pins, as `(path, hash)`, their paths as written (relative to the
/// document's folder). Empty for a document not read through this adapter.
pub fn tracked(view: &Value) -> Vec<(String, String)> {
    if view.get("adapter").and_then(Value::as_str) != Some("dvc") {
        return Vec::new();
    }
    view.get("tracked")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some((
                t.get("path")?.as_str()?.to_string(),
                t.get("hash")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapt::notice_lines;

    fn read(text: &str) -> Adapted {
        let value: Value = crate::yaml::parse_value(text, 0).unwrap();
        adapt(&value, text)
    }

    #[test]
    fn a_dvc_file_pins_its_outputs() {
        let text = "md5: f5ea021eddd7b1df6de80b904cba1da6\nfrozen: true\ndeps:\n- path: get-started/data.xml\n  repo:\n    url: https://example.org/registry\nouts:\n- md5: 22a1a2931c8370d3aeedd7183606fd7f\n  size: 14445097\n  hash: md5\n  path: data.xml\n";
        let a = read(text);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(a.view["file"], "dvc");
        assert_eq!(
            tracked(&a.view),
            [(
                "data.xml".to_string(),
                "22a1a2931c8370d3aeedd7183606fd7f".to_string()
            )]
        );
        let at = |p: &str| crate::adapt::line_of(text, a.spans.locate(p).unwrap().0);
        assert_eq!(at("/tracked/0/path"), 11);
    }

    #[test]
    fn a_lock_file_pins_each_stage_output() {
        let text = "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n    - path: data/features\n      md5: f35d4cc2c552ac959ae602162b8543f3.dir\n    outs:\n    - path: model.pkl\n      hash: md5\n      md5: d1f6e055f7f5e2827fcfae68d9b64d4c\n";
        let a = read(text);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(
            tracked(&a.view),
            [(
                "model.pkl".to_string(),
                "d1f6e055f7f5e2827fcfae68d9b64d4c".to_string()
            )]
        );
        assert_eq!(a.view["tracked"][0]["stage"], "train");
    }

    #[test]
    fn a_pipeline_lists_its_registered_artifacts() {
        let text = "artifacts:\n  text-classification:\n    path: model.pkl\n    type: model\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - model.pkl\n";
        let a = read(text);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(a.view["file"], "pipeline");
        assert_eq!(a.view["registered"][0]["name"], "text-classification");
        assert_eq!(a.view["registered"][0]["type"], "model");
        assert!(a.view["registered"][0].get("desc").is_none());
        let at = |p: &str| crate::adapt::line_of(text, a.spans.locate(p).unwrap().0);
        assert_eq!(at("/registered/0"), 2);
        assert_eq!(at("/registered/0/type"), 4);
        assert!(tracked(&a.view).is_empty());
    }

    #[test]
    fn broken_dvc_files_name_the_rule_at_its_line() {
        let pipeline = "artifacts:\n  Text_Model:\n    path: model.pkl\n    owner: ml\n  data:\n    type: dataset\nstages:\n  prepare:\n    cmd: python prepare.py\n    outs:\n    - data/prepared\n  train:\n    deps: [data/prepared]\n    outs:\n    - data/prepared\nreports: []\n";
        let a = read(pipeline);
        let got = notice_lines(pipeline, &a);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 4, 5, 12, 15, 16], "{got:#?}");
        assert!(got[0].1.contains("not an artifact name"));
        assert!(got[1].1.contains("`owner` is not a field of an artifact"));
        assert!(got[2].1.contains("artifact `data` has no `path`"));
        assert!(got[3].1.contains("stage `train` has no `cmd`"));
        assert!(
            got[4]
                .1
                .contains("produced by stage `prepare` and again by `train`")
        );
        assert!(got[5].1.contains("`reports` is not a dvc.yaml field"));

        let lock = "schema: '3.0'\nstages:\n  train:\n    cmd: x\n    outs:\n    - md5: nothex\n      path: model.pkl\n    - hash: md5\n";
        let read_lock = read(lock);
        let got = notice_lines(lock, &read_lock);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [1, 6, 8], "{got:#?}");
        assert!(got[1].1.contains("not an MD5 digest"));
        assert!(got[2].1.contains("entry 1 of `outs` has no `path`"));

        let dvc = "outs:\n- path: a.csv\n  md5: 22a1a2931c8370d3aeedd7183606fd7f\n- path: a.csv\n";
        let read_dvc = read(dvc);
        let got = notice_lines(dvc, &read_dvc);
        assert_eq!(got.len(), 1, "{got:#?}");
        assert_eq!(got[0].0, 4);
        assert!(got[0].1.contains("`a.csv` is listed twice"));
    }

    #[test]
    fn a_dvc_1_lock_file_is_read_by_its_stages() {
        let text = "train:\n  cmd: python train.py\n  outs:\n  - path: model.pkl\n    md5: d1f6e055f7f5e2827fcfae68d9b64d4c\n";
        let a = read(text);
        assert!(a.notices.is_empty(), "{:?}", a.notices);
        assert_eq!(a.view["file"], "lock-1.0");
        assert_eq!(tracked(&a.view).len(), 1);
    }

    #[test]
    fn artifact_names_follow_dvc() {
        for ok in ["model", "text-classification", "nlp/bert-2", "a"] {
            assert!(artifact_name(ok), "{ok}");
        }
        for bad in ["", "-model", "model-", "Model", "my_model", "a/"] {
            assert!(!artifact_name(bad), "{bad}");
        }
    }
}
