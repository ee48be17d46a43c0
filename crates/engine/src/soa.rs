//! `[soa.exclude]` and `[soa.control]` checked against the loaded packs: an exclusion needs a
//! justification and must name a control that can be excluded; a declaration must name a control
//! of the catalogue that is not also excluded (AL012, at its aimslint.toml line).

use aimslint_artifacts::LineIndex;
use aimslint_packs::{PackSet, Severity};

use crate::codes;
use crate::config::{SoaControl, SoaExclusion};
use crate::finding::Finding;
use crate::run::fingerprint;

/// One AL012 finding per exclusion that is not justified or names no excludable control.
pub(crate) fn exclusion_findings(
    packs: &PackSet,
    file: &str,
    text: &str,
    exclusions: &[SoaExclusion],
) -> Vec<Finding> {
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    for ex in exclusions {
        let Some((message, help)) = problem(packs, ex) else {
            continue;
        };
        let (start, end) = (ex.span.0.min(text.len()), ex.span.1.min(text.len()));
        let first_line_end = text[start..end].find('\n').map_or(end, |i| start + i);
        let (line, column) = lines.line_col(text, start);
        let fp = fingerprint(codes::SOA_EXCLUSION, file, &ex.control, &message);
        out.push(Finding {
            line,
            column,
            span: Some((start, first_line_end)),
            ..Finding::about_file(
                codes::SOA_EXCLUSION,
                Severity::Error,
                file,
                message,
                help,
                fp,
            )
        });
    }
    out
}

/// One AL012 finding per `[soa.control]` declaration that names no control of the catalogue, a
/// group, or a control that `[soa.exclude]` also excludes.
pub(crate) fn declaration_findings(
    packs: &PackSet,
    file: &str,
    text: &str,
    declared: &[SoaControl],
    exclusions: &[SoaExclusion],
) -> Vec<Finding> {
    let lines = LineIndex::new(text);
    let mut out = Vec::new();
    for d in declared {
        let id = d.control.as_str();
        let problem: Option<(String, &'static str)> = match id.split_once(':') {
            None => Some((
                format!("`{id}` is not a qualified control id"),
                "Name the control with its pack, as `aimslint explain` shows it: \"iso42001:A.6.2.8\".",
            )),
            Some((pack, _)) if packs.pack(pack).is_some() => match packs.control(id) {
                None => Some((
                    format!("unknown control `{id}`: pack {pack} has no control with that id"),
                    "Use a control id of the catalogue (`aimslint explain iso42001:A.6` lists an area's controls).",
                )),
                Some(c) if c.is_group() => Some((
                    format!("`{id}` is a group of controls; declare its controls one by one"),
                    "The Statement of Applicability states each control on its own.",
                )),
                Some(_) if exclusions.iter().any(|e| e.control == id) => Some((
                    format!(
                        "`{id}` is both excluded in [soa.exclude] and declared in [soa.control]"
                    ),
                    "A control is either excluded, with why, or included, with its owner and state: remove one.",
                )),
                Some(_) => None,
            },
            Some((pack, _)) if !aimslint_packs::builtin_pack_ids().iter().any(|b| b == pack) => {
                Some((
                    format!("unknown control `{id}`: no pack is called `{pack}`"),
                    "Use a control id of the catalogue (`aimslint explain iso42001:A.6` lists an area's controls).",
                ))
            }
            Some(_) => None,
        };
        let Some((message, help)) = problem else {
            continue;
        };
        let (start, end) = (d.span.0.min(text.len()), d.span.1.min(text.len()));
        let first_line_end = text[start..end].find('\n').map_or(end, |i| start + i);
        let (line, column) = lines.line_col(text, start);
        let fp = fingerprint(codes::SOA_EXCLUSION, file, id, &message);
        out.push(Finding {
            line,
            column,
            span: Some((start, first_line_end)),
            ..Finding::about_file(
                codes::SOA_EXCLUSION,
                Severity::Error,
                file,
                message,
                help,
                fp,
            )
        });
    }
    out
}

fn problem(packs: &PackSet, ex: &SoaExclusion) -> Option<(String, &'static str)> {
    let id = ex.control.as_str();
    let Some((pack, _)) = id.split_once(':') else {
        return Some((
            format!("`{id}` is not a qualified control id"),
            "Name the control with its pack, as `aimslint explain` shows it: \"iso42001:A.10.4\".",
        ));
    };
    let unknown_help = "Use a control id of the catalogue (`aimslint explain iso42001:A.10` lists an area's controls).";
    if packs.pack(pack).is_some() {
        let Some(control) = packs.control(id) else {
            return Some((
                format!("unknown control `{id}`: pack {pack} has no control with that id"),
                unknown_help,
            ));
        };
        if control.is_group() {
            return Some((
                format!("`{id}` is a group of controls; exclude its controls one by one"),
                "The Statement of Applicability justifies each excluded control on its own.",
            ));
        }
        if control.kind == "clause" {
            return Some((
                format!(
                    "`{id}` is a clause of the management system, which cannot be excluded; only Annex A controls can"
                ),
                "Remove the exclusion: clauses 4-10 are requirements of every AI management system.",
            ));
        }
    } else if !aimslint_packs::builtin_pack_ids().iter().any(|b| b == pack) {
        // A built-in pack that is not enabled for this run cannot be checked; any other is unknown.
        return Some((
            format!("unknown control `{id}`: no pack is called `{pack}`"),
            unknown_help,
        ));
    }
    if ex.justification.trim().is_empty() {
        return Some((
            format!("the exclusion of `{id}` has no justification"),
            "Say why the control does not apply, e.g. \"We provide no AI system to customers.\"",
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_config;

    fn findings(toml: &str) -> Vec<(usize, String)> {
        let packs = PackSet::load(
            &aimslint_packs::LoadRequest::defaults_with(&[]),
            &semver::Version::new(0, 1, 0),
            &crate::kinds::REGISTRY,
        )
        .unwrap();
        let cfg = parse_config("aimslint.toml", toml, std::path::Path::new(".")).unwrap();
        exclusion_findings(&packs, "aimslint.toml", toml, &cfg.soa_exclude)
            .into_iter()
            .map(|f| (f.line, f.message))
            .collect()
    }

    #[test]
    fn declarations_name_catalogue_controls_not_excluded() {
        let packs = PackSet::load(
            &aimslint_packs::LoadRequest::defaults_with(&[]),
            &semver::Version::new(0, 1, 0),
            &crate::kinds::REGISTRY,
        )
        .unwrap();
        let toml = "[soa.exclude]\n\"iso42001:A.10.4\" = \"No customers.\"\n\n[soa.control.\"iso42001:A.6.2.8\"]\nowner = \"Platform\"\nstate = \"implemented\"\n\n[soa.control.\"iso42001:A.10.4\"]\nstate = \"planned\"\n\n[soa.control.\"iso42001:A.99\"]\nstate = \"partial\"\n\n[soa.control.\"iso42001:A.6\"]\nowner = \"x\"\n";
        let cfg = parse_config("aimslint.toml", toml, std::path::Path::new(".")).unwrap();
        assert_eq!(cfg.soa_controls.len(), 4);
        let got: Vec<(usize, String)> = declaration_findings(
            &packs,
            "aimslint.toml",
            toml,
            &cfg.soa_controls,
            &cfg.soa_exclude,
        )
        .into_iter()
        .map(|f| (f.line, f.message))
        .collect();
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        // In control-id order (a TOML table), each at its table's header line.
        assert_eq!(lines, vec![8, 14, 11], "{got:#?}");
        assert!(got[0].1.contains("both excluded"));
        assert!(got[1].1.contains("group of controls"));
        assert!(got[2].1.contains("unknown control `iso42001:A.99`"));
        // A state or date that is none is a configuration error at its place.
        let bad = "[soa.control.\"iso42001:A.6.2.8\"]\nstate = \"done\"\ndate = \"soon\"\n";
        let err = format!(
            "{:?}",
            parse_config("aimslint.toml", bad, std::path::Path::new(".")).unwrap_err()
        );
        assert!(
            err.contains("state must be implemented, partial, planned or not-implemented"),
            "{err}"
        );
        assert!(err.contains("date must be a date YYYY-MM-DD"), "{err}");
    }

    #[test]
    fn a_justified_annex_a_exclusion_is_fine() {
        assert!(findings("[soa.exclude]\n\"iso42001:A.10.4\" = \"No customers.\"\n").is_empty());
    }

    #[test]
    fn empty_justification_unknown_ids_groups_and_clauses_are_al012() {
        let toml = "[soa.exclude]\n\"iso42001:A.10.4\" = \"  \"\n\"iso42001:A.6.10.2\" = \"x\"\n\"iso42001:A.7\" = \"x\"\n\"iso42001:6.1.2\" = \"x\"\n\"acme:X.1\" = \"x\"\n\"A.9.2\" = \"x\"\n\"eu-ai-act:Art.50\" = \"No chatbot.\"\n";
        let got = findings(toml);
        let lines: Vec<usize> = got.iter().map(|(l, _)| *l).collect();
        // Sorted by control id (a TOML table); the eu-ai-act pack is not loaded, so not judged.
        assert_eq!(lines, vec![7, 6, 5, 2, 3, 4], "{got:#?}");
        assert!(got[0].1.contains("not a qualified control id"));
        assert!(got[1].1.contains("no pack is called `acme`"));
        assert!(got[2].1.contains("cannot be excluded"));
        assert!(got[3].1.contains("has no justification"));
        assert!(got[4].1.contains("unknown control `iso42001:A.6.10.2`"));
        assert!(got[5].1.contains("group of controls"));
    }
}
