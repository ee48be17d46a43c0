//! `aimslint.toml`: which packs, where evidence lives, which rules, SoA exclusions and waivers.
//! Parsed with spans; unknown keys are errors; every problem is collected and shown at its line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use aimslint_packs::{PackDiagnostic, PackErrors};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    packs: BTreeMap<String, Spanned<RawPackReq>>,
    #[serde(default)]
    artifacts: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    soa: RawSoa,
    #[serde(default)]
    waivers: Vec<Spanned<RawWaiver>>,
    #[serde(default)]
    files: RawFiles,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPackReq {
    Version(String),
    Table {
        version: Option<String>,
        path: Option<String>,
        /// A git repository holding the pack (`path` is then its folder in the repository).
        git: Option<String>,
        /// The tag or full commit id of `git`.
        rev: Option<String>,
    },
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<String, Spanned<String>>,
    /// More titles a `section` rule accepts: `"MC-004" = ["Leaderboard"]`.
    #[serde(default)]
    sections: BTreeMap<String, Spanned<Vec<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSoa {
    #[serde(default)]
    exclude: BTreeMap<String, Spanned<String>>,
    /// Per applicable control: why it is included, who owns it, how far it is implemented.
    #[serde(default)]
    control: BTreeMap<String, Spanned<RawSoaControl>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSoaControl {
    justification: Option<String>,
    owner: Option<String>,
    state: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: String,
    #[serde(default)]
    paths: Vec<String>,
    reason: String,
    owner: String,
    expires: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    max_file_bytes: Option<Spanned<i64>>,
    /// Fail the run (exit 1) when it finds no evidence at all.
    #[serde(default)]
    require_evidence: bool,
}

/// The largest `max_file_bytes` accepted: evidence is text a person writes; a larger limit would
/// only let one file take the memory of the run.
pub const MAX_FILE_BYTES_CEILING: usize = 1 << 30;

/// The largest configuration file read (a config is a few kilobytes).
pub const MAX_CONFIG_BYTES: usize = 1 << 20;

/// A pack from git: `acme = { git = "https://…/aims-pack.git", rev = "v1.2.0", path = "pack" }`.
#[derive(Debug, Clone)]
pub struct GitPackSpec {
    /// The pack's id as named in aimslint.toml.
    pub id: String,
    pub url: String,
    /// A tag or a full commit id.
    pub rev: String,
    /// The pack's folder in the repository (its root when none).
    pub folder: Option<String>,
    pub version: Option<semver::VersionReq>,
    /// Where the entry is in aimslint.toml.
    pub span: std::ops::Range<usize>,
}

/// A waiver: findings of `rule` in `paths` are reported as waived until `expires`.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    pub paths: Vec<String>,
    pub matcher: globset::GlobSet,
    pub reason: String,
    pub owner: String,
    pub expires: jiff::civil::Date,
    /// The 1-based line of the waiver in aimslint.toml.
    pub line: usize,
    pub span: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct SoaExclusion {
    pub control: String,
    pub justification: String,
    /// The 1-based line of the exclusion in aimslint.toml.
    pub line: usize,
    /// Byte range of the justification in aimslint.toml.
    pub span: (usize, usize),
}

/// How far an organisation says it has implemented a control (`[soa.control."…"] state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImplementationState {
    Implemented,
    Partial,
    Planned,
    NotImplemented,
}

impl ImplementationState {
    pub const ALL: [ImplementationState; 4] = [
        ImplementationState::Implemented,
        ImplementationState::Partial,
        ImplementationState::Planned,
        ImplementationState::NotImplemented,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImplementationState::Implemented => "implemented",
            ImplementationState::Partial => "partial",
            ImplementationState::Planned => "planned",
            ImplementationState::NotImplemented => "not-implemented",
        }
    }

    pub fn parse(s: &str) -> Option<ImplementationState> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// What the organisation declares about one applicable control for its Statement of Applicability:
/// `[soa.control."iso42001:A.6.2.8"]` with `justification`, `owner`, `state` and `date`.
#[derive(Debug, Clone)]
pub struct SoaControl {
    pub control: String,
    /// Why the control is included.
    pub justification: Option<String>,
    pub owner: Option<String>,
    pub state: Option<ImplementationState>,
    /// When the state was last assessed (or, for `planned`, when it is due).
    pub date: Option<jiff::civil::Date>,
    /// The 1-based line of its table in aimslint.toml, and its byte range.
    pub line: usize,
    pub span: (usize, usize),
}

/// The parsed configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, relative to the repository root (`aimslint.toml`), if any.
    pub file: Option<String>,
    pub text: String,
    /// Built-in packs to enable, with their version requirement.
    pub packs: Vec<(String, Option<semver::VersionReq>)>,
    /// Per pack, the version whose rules the repository runs (`iso42001 = "1.0"`: the rules as of
    /// 1.0.0): a rule added later (`since` above it) runs only when selected by its id, so an
    /// upgrade never turns new rules on by itself.
    pub pack_as_of: BTreeMap<String, semver::Version>,
    /// Pack directories, resolved against the config's folder.
    pub pack_dirs: Vec<std::path::PathBuf>,
    /// Packs from git repositories.
    pub pack_git: Vec<GitPackSpec>,
    /// The folder the configuration is in (the repository root for `aimslint.toml`), where
    /// `aimslint.lock` is read.
    pub dir: std::path::PathBuf,
    /// Path globs per artifact kind, replacing the kind's own.
    pub artifacts: BTreeMap<String, Vec<String>>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub severity: BTreeMap<String, aimslint_packs::Severity>,
    /// `[rules.sections]`: titles added to a `section` rule's own, per rule id, with where.
    pub section_titles: BTreeMap<String, (Vec<String>, std::ops::Range<usize>)>,
    pub soa_exclude: Vec<SoaExclusion>,
    pub soa_controls: Vec<SoaControl>,
    pub waivers: Vec<Waiver>,
    pub exclude: Vec<String>,
    pub max_file_bytes: Option<usize>,
    /// `[files] require_evidence`: a run that finds no file of an evidence kind fails.
    pub require_evidence: bool,
    /// Every place the config names rules, to check against the loaded packs.
    pub rule_refs: Vec<RuleRef>,
    /// Where each `[artifacts]` kind and each `[packs]` id is written, to check against the packs.
    pub kind_spans: BTreeMap<String, std::ops::Range<usize>>,
    pub pack_spans: BTreeMap<String, std::ops::Range<usize>>,
}

/// A rule selector written in the config, with where.
#[derive(Debug, Clone)]
pub struct RuleRef {
    pub selector: String,
    pub span: std::ops::Range<usize>,
    /// `[rules] select`, `[[waivers]] rule`, …
    pub place: &'static str,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Read `aimslint.toml` from a repository root, if there is one.
///
/// The repository's own file is read only as a regular file inside the repository (a symlink that
/// leaves it, a FIFO or a device is refused, and nothing of it is shown); a file named with
/// `--config` is the user's choice and may live anywhere, but must still be a regular file.
pub fn load_config(root: &Path, explicit: Option<&Path>) -> Result<Config, PackErrors> {
    let (path, confine) = match explicit {
        Some(p) => (p.to_path_buf(), false),
        None => {
            let p = root.join("aimslint.toml");
            if std::fs::symlink_metadata(&p).is_err() {
                return Ok(Config::default());
            }
            (p, true)
        }
    };
    let display = path
        .strip_prefix(root)
        .unwrap_or(&path)
        .to_string_lossy()
        .replace('\\', "/");
    let read = if confine {
        aimslint_artifacts::fsread::read_inside(root, &path, MAX_CONFIG_BYTES)
    } else {
        aimslint_artifacts::fsread::read_regular(&path, MAX_CONFIG_BYTES)
    };
    let cannot = |msg: String| {
        PackErrors(vec![PackDiagnostic::new(
            &display,
            "",
            None,
            format!("cannot read: {msg}"),
        )])
    };
    let bytes = read.map_err(|e| cannot(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        cannot(format!(
            "not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse_config(&display, &text, path.parent().unwrap_or(root))
}

pub fn parse_config(file: &str, text: &str, base: &Path) -> Result<Config, PackErrors> {
    let mut errors = Vec::new();
    let err = |span: Option<std::ops::Range<usize>>, msg: String| {
        PackDiagnostic::new(file, text, span, msg)
    };
    // Problems serde could set aside (unknown keys, values of the wrong type) are reported with
    // everything the rest of the file gets wrong.
    let (raw, toml_errors) = aimslint_packs::from_toml_partial::<RawConfig>(text);
    errors.extend(toml_errors.into_iter().map(|(span, msg)| err(span, msg)));
    let Some(raw) = raw else {
        return Err(PackErrors(errors));
    };
    let mut cfg = Config {
        dir: base.to_path_buf(),
        file: Some(file.to_string()),
        text: text.to_string(),
        ..Config::default()
    };
    for (id, req) in raw.packs {
        let span = req.span();
        let (version, path, git) = match req.into_inner() {
            RawPackReq::Version(v) => (Some(v), None, None),
            RawPackReq::Table {
                version,
                path,
                git,
                rev,
            } => {
                let git = match (git, rev) {
                    (Some(url), Some(rev)) if !rev.trim().is_empty() => Some((url, rev)),
                    (Some(_), _) => {
                        errors.push(err(
                            Some(span.clone()),
                            format!("pack {id}: a pack from git needs `rev`, a tag or a full commit id (a branch moves)"),
                        ));
                        continue;
                    }
                    (None, Some(_)) => {
                        errors.push(err(
                            Some(span.clone()),
                            format!("pack {id}: `rev` is for a pack from `git`"),
                        ));
                        None
                    }
                    (None, None) => None,
                };
                (version, path, git)
            }
        };
        let version = match version {
            Some(v) => match semver::VersionReq::parse(&v) {
                Ok(r) => Some(r),
                Err(e) => {
                    errors.push(err(
                        Some(span.clone()),
                        format!("invalid version requirement for {id}: {e}"),
                    ));
                    None
                }
            },
            None => None,
        };
        // The version the requirement starts from (`1.0`, `^1.0`, `>=1.0` and `~1.0` all 1.0.0).
        if let Some(c) = version.as_ref().and_then(|r| r.comparators.first()) {
            cfg.pack_as_of.insert(
                id.clone(),
                semver::Version::new(c.major, c.minor.unwrap_or(0), c.patch.unwrap_or(0)),
            );
        }
        if let Some((url, rev)) = git {
            cfg.pack_git.push(GitPackSpec {
                id,
                url,
                rev,
                folder: path,
                version,
                span: span.clone(),
            });
            continue;
        }
        match path {
            Some(p) => match confined(base, &p) {
                Ok(dir) => cfg.pack_dirs.push(dir),
                Err(why) => errors.push(err(Some(span.clone()), format!("pack {id}: {why}"))),
            },
            None => {
                cfg.pack_spans.insert(id.clone(), span.clone());
                cfg.packs.push((id, version));
            }
        }
    }
    for (kind, globs) in raw.artifacts {
        if let Some(first) = globs.first() {
            // The key's own span is not kept by serde; the first glob's line is where it is written.
            cfg.kind_spans.insert(kind.clone(), first.span());
        }
        for g in &globs {
            if let Err(e) = globset::Glob::new(g.get_ref()) {
                errors.push(err(Some(g.span()), format!("invalid glob: {e}")));
            }
        }
        cfg.artifacts
            .insert(kind, globs.into_iter().map(Spanned::into_inner).collect());
    }
    for (list, what) in [
        (&raw.rules.select, "[rules] select"),
        (&raw.rules.ignore, "[rules] ignore"),
    ] {
        for v in list {
            cfg.rule_refs.push(RuleRef {
                selector: v.get_ref().clone(),
                span: v.span(),
                place: what,
            });
        }
    }
    cfg.select = raw
        .rules
        .select
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    cfg.ignore = raw
        .rules
        .ignore
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    for (rule, sev) in &raw.rules.severity {
        cfg.rule_refs.push(RuleRef {
            selector: rule.clone(),
            span: sev.span(),
            place: "[rules] severity",
        });
    }
    for (rule, titles) in raw.rules.sections {
        let span = titles.span();
        let titles = titles.into_inner();
        if titles
            .iter()
            .any(|t| t.trim().trim_start_matches('=').trim().is_empty())
        {
            errors.push(err(Some(span.clone()), "a section title is empty".into()));
        }
        cfg.section_titles.insert(rule, (titles, span));
    }
    for (rule, sev) in raw.rules.severity {
        match aimslint_packs::Severity::parse(sev.get_ref()) {
            Some(s) => {
                cfg.severity.insert(rule, s);
            }
            None => errors.push(err(
                Some(sev.span()),
                "severity must be error, warning or info".into(),
            )),
        }
    }
    for (control, just) in raw.soa.exclude {
        let span = just.span();
        cfg.soa_exclude.push(SoaExclusion {
            control,
            justification: just.into_inner(),
            line: line_of(text, span.start),
            span: (span.start, span.end),
        });
    }
    for (control, decl) in raw.soa.control {
        let span = decl.span();
        let decl = decl.into_inner();
        let state = decl.state.and_then(|st| {
            let parsed = ImplementationState::parse(st.get_ref());
            if parsed.is_none() {
                errors.push(err(
                    Some(st.span()),
                    "state must be implemented, partial, planned or not-implemented".into(),
                ));
            }
            parsed
        });
        let date = decl.date.and_then(|d| {
            let parsed = jiff::civil::Date::strptime("%Y-%m-%d", d.get_ref()).ok();
            if parsed.is_none() {
                errors.push(err(Some(d.span()), "date must be a date YYYY-MM-DD".into()));
            }
            parsed
        });
        cfg.soa_controls.push(SoaControl {
            control,
            justification: decl.justification.filter(|j| !j.trim().is_empty()),
            owner: decl.owner.filter(|o| !o.trim().is_empty()),
            state,
            date,
            line: line_of(text, span.start),
            span: (span.start, span.end),
        });
    }
    for w in raw.waivers {
        let span = w.span();
        let w = w.into_inner();
        let expires = match jiff::civil::Date::strptime("%Y-%m-%d", w.expires.get_ref()) {
            Ok(d) => d,
            Err(_) => {
                errors.push(err(
                    Some(w.expires.span()),
                    "expires must be a date YYYY-MM-DD".into(),
                ));
                continue;
            }
        };
        if w.reason.trim().is_empty() || w.owner.trim().is_empty() {
            errors.push(err(
                Some(span.clone()),
                "a waiver needs a reason and an owner".into(),
            ));
        }
        let mut b = globset::GlobSetBuilder::new();
        for p in &w.paths {
            match globset::GlobBuilder::new(p).literal_separator(true).build() {
                Ok(g) => {
                    b.add(g);
                }
                Err(e) => errors.push(err(Some(span.clone()), format!("invalid glob `{p}`: {e}"))),
            }
        }
        cfg.rule_refs.push(RuleRef {
            selector: w.rule.clone(),
            span: span.clone(),
            place: "[[waivers]] rule",
        });
        cfg.waivers.push(Waiver {
            rule: w.rule,
            paths: w.paths,
            matcher: b.build().unwrap_or_else(|_| globset::GlobSet::empty()),
            reason: w.reason,
            owner: w.owner,
            expires,
            line: line_of(text, span.start),
            span: (span.start, span.end),
        });
    }
    for g in &raw.files.exclude {
        if let Err(e) = globset::Glob::new(g.get_ref()) {
            errors.push(err(Some(g.span()), format!("invalid glob: {e}")));
        }
    }
    cfg.exclude = raw
        .files
        .exclude
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    cfg.require_evidence = raw.files.require_evidence;
    if let Some(m) = raw.files.max_file_bytes {
        let v = *m.get_ref();
        if v < 1 || v as u64 > MAX_FILE_BYTES_CEILING as u64 {
            errors.push(err(
                Some(m.span()),
                format!(
                    "max_file_bytes must be between 1 and {MAX_FILE_BYTES_CEILING} (1 GiB); it is {v}"
                ),
            ));
        } else {
            cfg.max_file_bytes = Some(v as usize);
        }
    }
    if errors.is_empty() {
        Ok(cfg)
    } else {
        Err(PackErrors(errors))
    }
}

/// A directory named in the config, resolved against the config's folder, that must stay inside
/// it: an absolute path, a `..` that climbs out, or a symlink that leads out is refused.
fn confined(base: &Path, p: &str) -> Result<std::path::PathBuf, String> {
    let rel = Path::new(p);
    if rel.is_absolute() || p.contains('\\') {
        return Err(format!(
            "`{p}` must be a relative path inside the repository (a pack outside it is never read)"
        ));
    }
    let mut depth: i64 = 0;
    for c in rel.components() {
        match c {
            std::path::Component::ParentDir => depth -= 1,
            std::path::Component::Normal(_) => depth += 1,
            std::path::Component::CurDir => {}
            _ => {
                return Err(format!(
                    "`{p}` must be a relative path inside the repository"
                ));
            }
        }
        if depth < 0 {
            return Err(format!(
                "`{p}` leads outside the repository; a pack outside it is never read"
            ));
        }
    }
    let joined = base.join(rel);
    if let (Ok(b), Ok(j)) = (base.canonicalize(), joined.canonicalize())
        && !j.starts_with(&b)
    {
        return Err(format!(
            "`{p}` leads outside the repository through a symlink; a pack outside it is never read"
        ));
    }
    Ok(joined)
}

/// Check that every rule selector of the config and of the command line names something: a rule,
/// a rule-id prefix or glob, a pack, a control glob with rules, a severity or `all`. A typo that
/// silently selects nothing would turn a gate off.
pub fn check_rule_refs(
    packs: &aimslint_packs::PackSet,
    config: &Config,
    cli: &[(String, &'static str)],
) -> Result<(), PackErrors> {
    let mut errors = Vec::new();
    let file = config
        .file
        .clone()
        .unwrap_or_else(|| "aimslint.toml".into());
    for r in &config.rule_refs {
        let off = packs
            .disabled
            .iter()
            .find(|(id, _)| id.eq_ignore_ascii_case(&r.selector));
        if let Some((id, by)) = off {
            // Ignoring a rule a layer turned off says nothing more; selecting it asks for the
            // impossible.
            if r.place == "[rules] select" {
                errors.push(PackDiagnostic::new(
                    &file,
                    &config.text,
                    Some(r.span.clone()),
                    format!("{}: `{id}` is disabled by pack {by} (its `[extends] disable`); remove it there to run it", r.place),
                ));
            }
            continue;
        }
        if !crate::select::selector_is_known(packs, &r.selector) {
            errors.push(
                PackDiagnostic::new(
                    &file,
                    &config.text,
                    Some(r.span.clone()),
                    format!("{}: `{}` matches no rule of the loaded packs", r.place, r.selector),
                )
                .with_help("write a rule id (MC-003), an id prefix (MC), a pack (iso42001), a control glob (iso42001:A.7.*) or a severity; `aimslint packs list` shows what is loaded"),
            );
        }
    }
    for (rule, (_, span)) in &config.section_titles {
        let problem = match packs.rule(rule) {
            None => Some(format!(
                "[rules.sections] `{rule}` is not a rule of the loaded packs"
            )),
            Some(r) if crate::kinds::section_of(r).is_none() => Some(format!(
                "[rules.sections] `{rule}` does not look for sections, so titles cannot be added to it"
            )),
            Some(_) => None,
        };
        if let Some(message) = problem {
            errors.push(PackDiagnostic::new(
                &file,
                &config.text,
                Some(span.clone()),
                message,
            ));
        }
    }
    for (kind, span) in &config.kind_spans {
        if packs.kind(kind).is_none() {
            let known: Vec<&str> = packs.kinds().map(|k| k.id.as_str()).collect();
            let near = crate::select::closest(kind, known.iter().copied());
            errors.push(
                PackDiagnostic::new(
                    &file,
                    &config.text,
                    Some(span.clone()),
                    format!(
                        "[artifacts] `{kind}` is not an evidence kind of the loaded packs{}",
                        near.map(|n| format!(" (did you mean `{n}`?)"))
                            .unwrap_or_default()
                    ),
                )
                .with_help(format!("kinds: {}", known.join(", "))),
            );
        }
    }
    for (id, span) in &config.pack_spans {
        if packs.pack(id).is_none() {
            errors.push(PackDiagnostic::new(
                &file,
                &config.text,
                Some(span.clone()),
                format!("[packs] `{id}` is no built-in pack and no pack directory loaded one (built-in: {})", aimslint_packs::builtin_pack_ids().join(", ")),
            ));
        }
    }
    for (sel, flag) in cli {
        if !crate::select::selector_is_known(packs, sel) {
            errors.push(
                PackDiagnostic::new(flag, "", None, format!("`{sel}` matches no rule of the loaded packs"))
                    .with_help("write a rule id (MC-003), an id prefix (MC), a pack (iso42001), a control glob (iso42001:A.7.*) or a severity"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PackErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_point_at_their_line() {
        let e = parse_config("aimslint.toml", "[rules]\nselct = []\n", Path::new(".")).unwrap_err();
        assert_eq!(e.0[0].line(), Some(2));
        // Every unknown key is reported, not only the first.
        let text = "[rules]\nselct = []\nignroe = []\n\n[files]\nexclud = []\n";
        let e = parse_config("aimslint.toml", text, Path::new(".")).unwrap_err();
        let lines: Vec<Option<usize>> = e.0.iter().map(|d| d.line()).collect();
        assert_eq!(lines, vec![Some(2), Some(3), Some(6)]);
    }

    #[test]
    fn waivers_and_exclusions() {
        let text = "[soa.exclude]\n\"iso42001:A.10.4\" = \"No customers.\"\n\n[[waivers]]\nrule = \"DP-010\"\npaths = [\"data/**\"]\nreason = \"r\"\nowner = \"o\"\nexpires = \"2027-01-31\"\n";
        let c = parse_config("aimslint.toml", text, Path::new(".")).unwrap();
        assert_eq!(c.soa_exclude[0].line, 2);
        assert_eq!(c.waivers[0].line, 4);
        let bad = text.replace("2027-01-31", "soon");
        assert_eq!(
            parse_config("aimslint.toml", &bad, Path::new("."))
                .unwrap_err()
                .0[0]
                .line(),
            Some(9)
        );
    }

    #[test]
    fn require_evidence_is_a_boolean_at_its_line() {
        let c = parse_config(
            "aimslint.toml",
            "[files]\nrequire_evidence = true\n",
            Path::new("."),
        );
        assert!(c.unwrap().require_evidence);
        assert!(
            !parse_config("aimslint.toml", "", Path::new("."))
                .unwrap()
                .require_evidence
        );
        let text = "[files]\nexclude = []\nrequire_evidence = \"yes\"\n";
        let e = parse_config("aimslint.toml", text, Path::new(".")).unwrap_err();
        assert_eq!(e.0[0].line(), Some(3));
    }
}
