//! `pattern`: strings at a pointer match a regular expression, or (`forbid`) do not contain it.

use aimslint_packs::{Compile, Rule};
use serde::Deserialize;
use serde_json::Value;

use std::sync::Arc;

use aimslint_artifacts::memo::{Memo, TextKey};

use super::{Anchor, Entry, Kind, Reads};
use crate::checks::{Ctx, Hit, at, key_name, strings_at};

pub(crate) static KIND: Entry = Entry {
    name: "pattern",
    history: false,
    kinds_optional: false,
    compile,
};

/// `[check.pattern]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    pointer: String,
    regex: String,
    message: Option<String>,
    #[serde(default)]
    forbid: bool,
}

#[derive(Debug)]
struct Pattern {
    pointer: String,
    regex: regex::Regex,
    message: Option<String>,
    /// Report a match instead of a mismatch (text that must not appear).
    forbid: bool,
    /// A forbidden pattern on the Markdown body whose matches never reach past a line (`by_lines`):
    /// its matches in a body are those in each run the body was read in, remembered by run, so a
    /// version of a card that shares most of its runs with the one before is not scanned whole.
    by_run: Option<Memo<TextKey, Arc<RunMatches>>>,
}

/// A pattern's matches in one run of a Markdown body, outside its fenced code.
#[derive(Debug)]
struct RunMatches {
    /// Where each match starts in the run.
    starts: Vec<usize>,
    /// A fence is still open at the run's end (then the runs do not tell the body's code apart).
    open_fence: bool,
}

/// What the matches of one forbidden pattern, by run, may hold at a time.
const RUN_MATCHES_REMEMBERED: usize = 2 << 20;

/// Whether every match of `regex` lies within one line and none is empty, with no assertion about
/// the start or the end of the whole text: its matches in a text cut at line starts are then the
/// matches in each part (a match cannot reach a cut, and an assertion at a line start or end reads
/// the same there as at a part's start or end).
fn by_lines(regex: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind, Look};
    fn no_line_break(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => true,
            HirKind::Literal(l) => !l.0.contains(&b'\n'),
            HirKind::Class(Class::Unicode(c)) => !c
                .ranges()
                .iter()
                .any(|r| r.start() <= '\n' && '\n' <= r.end()),
            HirKind::Class(Class::Bytes(c)) => !c
                .ranges()
                .iter()
                .any(|r| r.start() <= b'\n' && b'\n' <= r.end()),
            HirKind::Repetition(r) => no_line_break(&r.sub),
            HirKind::Capture(c) => no_line_break(&c.sub),
            HirKind::Concat(hs) | HirKind::Alternation(hs) => hs.iter().all(no_line_break),
        }
    }
    let Ok(hir) = regex_syntax::Parser::new().parse(regex) else {
        return false;
    };
    let props = hir.properties();
    let looks = props.look_set();
    props.minimum_len().is_some_and(|n| n > 0)
        && !looks.contains(Look::Start)
        && !looks.contains(Look::End)
        && no_line_break(&hir)
}

fn compile(cx: &mut Compile<'_, '_>) -> Option<Box<dyn Kind>> {
    let raw: Raw = cx.raw()?;
    cx.pointer(&raw.pointer);
    // A placeholder pattern is a long alternation, case-insensitive, over every card body: a
    // larger lazy-DFA cache than the default keeps it from being rebuilt state by state on each
    // document (the cache is per thread; the limit is per regex).
    match regex::RegexBuilder::new(&raw.regex)
        .dfa_size_limit(16 << 20)
        .build()
    {
        Ok(regex) => Some(Box::new(Pattern {
            by_run: (raw.forbid && raw.pointer == "/body" && by_lines(&raw.regex))
                .then(|| Memo::new(RUN_MATCHES_REMEMBERED)),
            pointer: raw.pointer,
            regex,
            message: raw.message,
            forbid: raw.forbid,
        })),
        Err(e) => {
            cx.error(format!("invalid regex: {e}"));
            None
        }
    }
}

impl Pattern {
    /// Where the pattern matches in `body` outside fenced code, from its matches in each of the
    /// runs the body was read in (`None`: the pattern is not read by run; a fence runs from one
    /// run into the next, so the runs do not tell the body's code apart; or the runs do not fit
    /// the body).
    fn found_by_run(&self, body: &str, runs: &[(usize, TextKey)]) -> Option<Vec<usize>> {
        let memo = self.by_run.as_ref()?;
        if runs.first().map(|r| r.0) != Some(0) {
            return None;
        }
        let mut found = Vec::new();
        for (i, &(start, key)) in runs.iter().enumerate() {
            let end = runs.get(i + 1).map_or(body.len(), |r| r.0);
            let text = body.get(start..end)?;
            let m = memo.get_or_by(
                key,
                |m| 48 + 8 * m.starts.len(),
                || {
                    let (code, open_fence) = aimslint_artifacts::fenced_code_open(text);
                    let starts = self.outside(text, &code);
                    Arc::new(RunMatches { starts, open_fence })
                },
            );
            if m.open_fence && i + 1 < runs.len() {
                return None;
            }
            found.extend(m.starts.iter().map(|at| start + at));
        }
        Some(found)
    }

    /// Where the pattern matches in `text`, but for matches that start in `code`.
    fn outside(&self, text: &str, code: &[(usize, usize)]) -> Vec<usize> {
        self.regex
            .find_iter(text)
            .map(|m| m.start())
            .filter(|&at| !aimslint_artifacts::in_ranges(code, at))
            .collect()
    }
}

impl Kind for Pattern {
    fn run(&self, _rule: &Rule, subject: &Value, base: &str, ctx: &Ctx<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        let (pointer, regex) = (&self.pointer, &self.regex);
        for (i, s) in strings_at(subject, pointer) {
            if self.forbid {
                let whole = std::ptr::eq(subject, ctx.root);
                let by_run = ctx
                    .body_runs
                    .filter(|_| whole)
                    .and_then(|runs| self.found_by_run(&s, runs));
                let found = by_run.unwrap_or_else(|| {
                    let mut found: Vec<usize> = regex.find_iter(&s).map(|m| m.start()).collect();
                    // The Markdown body's fenced code is not the document's prose.
                    if pointer == "/body" && !found.is_empty() {
                        let own;
                        let code = if whole {
                            ctx.body_code
                                .get_or_init(|| aimslint_artifacts::fenced_code(&s))
                        } else {
                            own = aimslint_artifacts::fenced_code(&s);
                            &own
                        };
                        found.retain(|&at| !aimslint_artifacts::in_ranges(code, at));
                    }
                    found
                });
                if let Some(&first) = found.first() {
                    let m = self
                        .message
                        .clone()
                        .unwrap_or_else(|| format!("matches /{}/", regex.as_str()));
                    let more = if found.len() > 1 {
                        format!(" ({} places; the first is shown)", found.len())
                    } else {
                        String::new()
                    };
                    hits.push(Hit {
                        offset: Some(first),
                        ..Hit::at(at(base, pointer, i), format!("{m}{more}"))
                    });
                }
            } else if !regex.is_match(&s) {
                let m = self
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("does not match /{}/", regex.as_str()));
                hits.push(Hit::at(
                    at(base, pointer, i),
                    format!("`{}` = \"{s}\": {m}", key_name(pointer)),
                ));
            }
        }
        hits
    }

    fn reads<'a>(&'a self, _schema_pointer: &'a str) -> Reads<'a> {
        Reads::Pointers(vec![&self.pointer])
    }

    fn reads_only_body(&self) -> bool {
        self.pointer == "/body"
            || ["/sections", "/labels"].iter().any(|p| {
                self.pointer
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
    }

    /// A forbidden pattern in a one-line value: the text it matched (in a block of text, such as
    /// the Markdown body, one finding however many places hold it: nothing beyond the pointer, so
    /// filling one placeholder of several is no fix).
    fn anchor(&self, hit: &Hit, value: Option<&Value>) -> Anchor {
        match value {
            Some(Value::String(s)) if self.forbid && hit.core.is_none() => {
                if s.trim().contains('\n') {
                    return Anchor::Pointer;
                }
                let at = hit.offset.unwrap_or(0);
                let matched = s
                    .get(at..)
                    .and_then(|_| self.regex.find_at(s, at))
                    .filter(|m| m.start() == at)
                    .map(|m| m.as_str());
                // No match where the hit says (it cannot happen): the rest of that line.
                let text = matched.unwrap_or_else(|| {
                    let rest = s.get(at..).unwrap_or("");
                    rest.split('\n').next().unwrap_or("")
                });
                Anchor::Text(crate::run::normalise_text(text))
            }
            _ => Anchor::Value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    fn repo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    /// The regex of a rule of the ISO/IEC 42001 pack.
    fn pack_regex(id: &str) -> String {
        let p = repo().join(format!("policies/iso42001/rules/{id}.toml"));
        let rule: toml::Table = std::fs::read_to_string(&p).unwrap().parse().unwrap();
        rule["check"]["pattern"]["regex"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn forbidden(regex: &str) -> Pattern {
        Pattern {
            pointer: "/body".into(),
            regex: regex::Regex::new(regex).unwrap(),
            message: None,
            forbid: true,
            by_run: Some(Memo::new(1 << 20)),
        }
    }

    /// The matches as the body read whole gives them.
    fn in_body(p: &Pattern, body: &str) -> Vec<usize> {
        let code = aimslint_artifacts::fenced_code(body);
        p.regex
            .find_iter(body)
            .map(|m| m.start())
            .filter(|&at| !aimslint_artifacts::in_ranges(&code, at))
            .collect()
    }

    /// No pattern of the bundled packs asserts a Unicode word boundary: the lazy DFA that searches
    /// a card's body gives up on such a pattern at the first non-ASCII byte and the card is searched
    /// again by a slower engine (MC-010's `Model ID\b` made a history of model cards with
    /// accented or typographic characters take a fifth longer). `(?-u:\b)` is the ASCII one.
    #[test]
    fn bundled_patterns_have_no_unicode_word_boundary() {
        let mut seen = 0;
        for pack in std::fs::read_dir(repo().join("policies"))
            .unwrap()
            .flatten()
        {
            let Ok(rules) = std::fs::read_dir(pack.path().join("rules")) else {
                continue;
            };
            for rule in rules.flatten() {
                let text = std::fs::read_to_string(rule.path()).unwrap();
                let table: toml::Table = text.parse().unwrap();
                let Some(regex) = table
                    .get("check")
                    .and_then(|c| c.get("pattern"))
                    .and_then(|p| p.get("regex"))
                    .and_then(toml::Value::as_str)
                else {
                    continue;
                };
                seen += 1;
                let hir = regex_syntax::Parser::new().parse(regex).unwrap();
                assert!(
                    !hir.properties().look_set().contains_word_unicode(),
                    "{}: a Unicode word boundary; write (?-u:\\b)",
                    rule.path().display()
                );
            }
        }
        assert!(seen >= 4, "{seen} patterns found");
    }

    #[test]
    fn the_placeholder_patterns_are_read_by_lines_and_others_are_not() {
        assert!(by_lines(&pack_regex("DC-008")));
        // Its "should probably proofread" may be wrapped over lines: read whole.
        assert!(!by_lines(&pack_regex("MC-010")));
        assert!(by_lines(r"(?m)^TODO$"));
        assert!(by_lines(r"\bTBD\b"));
        for crossing in [
            r"(?s)TODO.*done",
            r"TODO\s+later",
            r"[^x]+",
            "a\nb",
            r"\ATODO",
            r"TODO\z",
            r"x*",
            r"(",
        ] {
            assert!(!by_lines(crossing), "{crossing}");
        }
    }

    /// Card bodies whose runs hold the pattern at their edges, inside fences, and with a fence the
    /// cuts do not see (indented) that runs over a heading.
    const SYNTHETIC: &[&str] = &[
        "# Card\n\nTODO\n## Uses\n[More Information Needed]\n## Limits\nTBD\n",
        "# Card\n\n```\n# not a heading\nTODO\n```\n## Uses\nTODO: fill\n",
        "# Card\n\n  ```\n## Inside a fence the cuts miss\nTODO\n  ```\n## Uses\n\nTODO\n",
        "# Card\n\n~~~~\nTODO\n## Heading in an unclosed fence\nTODO\n",
        "Lead prose TODO\n# Card\nTODO\n",
        "---\nlicense: mit\n---\n# Dataset Card for Dataset Name\n\n## Uses\n\n- TODO\n\n| a | TBD |\n",
    ];

    /// Whatever the body, what the runs give (when they can tell) is what the whole body gives: on
    /// the packs' own placeholder patterns and others, over the cards above and the real-world
    /// corpus, each also with a placeholder line added to every section.
    #[test]
    fn matches_by_run_are_the_matches_in_the_body() {
        let mut texts: Vec<(String, String)> = SYNTHETIC
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("synthetic {i}"), (*t).to_string()))
            .collect();
        let corpus = std::env::var_os("AIMSLINT_CORPUS")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("../shared/corpus"));
        if let Ok(rd) = std::fs::read_dir(&corpus) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "md")
                    && let Ok(t) = std::fs::read_to_string(&p)
                {
                    texts.push((p.display().to_string(), t));
                }
            }
        }
        let filled: Vec<(String, String)> = texts
            .iter()
            .map(|(n, t)| {
                let t = t.replace("\n#", "\n[More Information Needed]\nTODO\n#");
                (format!("{n}, placeholders added"), t)
            })
            .collect();
        texts.extend(filled);
        let patterns = [
            forbidden(&pack_regex("DC-008")),
            forbidden(&pack_regex("MC-010")),
            forbidden(r"(?m)^[ \t]*TODO\b.*$"),
            forbidden(r"(?i)\b(?:tbd|todo)\b"),
        ];
        let (mut by_run, mut whole) = (0, 0);
        for (name, text) in &texts {
            let parsed = aimslint_artifacts::parse_text(
                "README.md",
                text,
                aimslint_artifacts::Format::Markdown,
            );
            let Ok(parsed) = parsed else { continue };
            let (Some(body), Some(runs)) = (parsed.value["body"].as_str(), &parsed.body_runs)
            else {
                continue;
            };
            for p in &patterns {
                match p.found_by_run(body, runs) {
                    Some(found) => {
                        assert_eq!(found, in_body(p, body), "{name}: /{}/", p.regex);
                        by_run += 1;
                    }
                    None => whole += 1,
                }
            }
        }
        // Bodies cut into runs are read by run: the synthetic ones at least (the fences above
        // that the cuts cannot follow leave the body uncut, read whole).
        assert!(
            by_run >= 6 * patterns.len(),
            "{by_run} by run, {whole} whole"
        );
    }

    /// Runs that a fence runs across do not tell the body's code apart: the body is read whole.
    #[test]
    fn a_fence_across_runs_leaves_the_body_to_be_read_whole() {
        let p = forbidden(r"TODO");
        let body = "# Card\n```\nTODO\n# Code, not a heading\nTODO\n```\n# Uses\nTODO\n";
        let cut = |starts: &[usize]| -> Vec<(usize, TextKey)> {
            starts
                .iter()
                .enumerate()
                .map(|(i, &a)| {
                    let b = starts.get(i + 1).copied().unwrap_or(body.len());
                    (a, aimslint_artifacts::memo::text_key(&body[a..b]))
                })
                .collect()
        };
        let inside = body.find("# Code").unwrap();
        let uses = body.find("# Uses").unwrap();
        assert_eq!(p.found_by_run(body, &cut(&[0, inside, uses])), None);
        let found = p.found_by_run(body, &cut(&[0, uses])).unwrap();
        assert_eq!(found, vec![body.rfind("TODO").unwrap()]);
        assert_eq!(found, in_body(&p, body));
        // Runs that do not start at the body's start, or do not fit it, are not used.
        assert_eq!(p.found_by_run(body, &cut(&[uses])), None);
        assert_eq!(p.found_by_run("# Card\n", &cut(&[0, uses])), None);
    }
}
