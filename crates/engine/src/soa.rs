//! `[soa.exclude]` checked against the loaded packs: an exclusion needs a justification and must
//! name a control that can be excluded (AL012, at its aimslint.toml line).

use aimslint_artifacts::LineIndex;
use aimslint_packs::{PackSet, Severity};

use crate::codes;
use crate::config::SoaExclusion;
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
        )
        .unwrap();
        let cfg = parse_config("aimslint.toml", toml, std::path::Path::new(".")).unwrap();
        exclusion_findings(&packs, "aimslint.toml", toml, &cfg.soa_exclude)
            .into_iter()
            .map(|f| (f.line, f.message))
            .collect()
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
