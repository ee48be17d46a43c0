//! OSCAL 1.1.2 assessment results (JSON) for the Annex A controls of the Statement of Applicability,
//! so GRC tools that read OSCAL can take our results.
//!
//! One result. `reviewed-controls` includes the controls the rules assess and excludes those the SoA
//! excludes; process controls (`manual`) are named in the result's remarks and get no finding. Each
//! assessed control has one observation (its evidence files and findings) and one finding whose
//! target state is `satisfied` only when the control's status is `satisfied`. UUIDs are name-based
//! (v5) on the commit, the date and the control, so the same input gives the same document.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::RunInfo;
use crate::crosswalk_md::short;
use crate::posture::{ControlPosture, Posture, Status};

/// The OSCAL version written.
pub const OSCAL_VERSION: &str = "1.1.2";
/// Namespace of aimslint's own props.
const NS: &str = "https://aimslint.dev/ns/oscal";
/// Namespace of the name-based UUIDs.
const UUID_NS: uuid::Uuid = uuid::Uuid::from_u128(0x6c0e_2f4d_58a1_4b7e_9d3c_a1f0_52e8_b7c4);

struct Ids {
    seed: String,
}

impl Ids {
    fn of(&self, what: &str) -> String {
        uuid::Uuid::new_v5(&UUID_NS, format!("{}|{what}", self.seed).as_bytes()).to_string()
    }
}

fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": NS, "value": value })
}

/// A repository path as a URI reference (RFC 3986): unreserved characters and `/` kept.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn assessed(c: &ControlPosture) -> bool {
    !matches!(c.status, Status::Manual | Status::NotApplicable)
}

pub fn write(p: &Posture, info: &RunInfo<'_>, out: &mut dyn Write) -> io::Result<()> {
    let at = info.head.as_deref().unwrap_or("worktree");
    let ids = Ids {
        seed: format!("{at}|{}", info.as_of),
    };
    let time = format!("{}T00:00:00Z", info.as_of);
    let controls: Vec<&ControlPosture> = p.annex_a().collect();
    let included: Vec<Value> = controls
        .iter()
        .filter(|c| assessed(c))
        .map(|c| json!({ "control-id": short(&c.id) }))
        .collect();
    let excluded: Vec<Value> = controls
        .iter()
        .filter(|c| c.status == Status::NotApplicable)
        .map(|c| json!({ "control-id": short(&c.id) }))
        .collect();
    let manual: Vec<&str> = controls
        .iter()
        .filter(|c| c.status == Status::Manual)
        .map(|c| short(&c.id))
        .collect();
    let mut selection = serde_json::Map::new();
    selection.insert(
        "description".into(),
        json!("Annex A controls that aimslint's rules assess from repository evidence; controls excluded in the Statement of Applicability are excluded here."),
    );
    if !included.is_empty() {
        selection.insert("include-controls".into(), Value::Array(included));
    }
    if !excluded.is_empty() {
        selection.insert("exclude-controls".into(), Value::Array(excluded));
    }

    let mut observations = Vec::new();
    let mut findings = Vec::new();
    for c in controls.iter().filter(|c| assessed(c)) {
        let id = short(&c.id);
        let obs_uuid = ids.of(&format!("observation|{id}"));
        let mut obs = json!({
            "uuid": obs_uuid,
            "title": format!("{id} {}: {}", c.title, c.status),
            "description": observation_text(c),
            "props": [prop("status", c.status.as_str())],
            "methods": ["TEST"],
            "collected": time,
        });
        let evidence: Vec<Value> = c
            .evidence
            .iter()
            .map(|e| {
                let path = e.rsplit_once('@').map_or(e.as_str(), |(p, _)| p);
                json!({ "href": uri_path(path), "description": e })
            })
            .collect();
        if !evidence.is_empty() {
            obs["relevant-evidence"] = Value::Array(evidence);
        }
        if !c.findings.is_empty() {
            let lines: Vec<String> = c
                .findings
                .iter()
                .map(|f| {
                    format!(
                        "{} {} ({}): {}{}",
                        f.rule,
                        f.place(),
                        f.severity.as_str(),
                        f.message,
                        if f.waived { " (waived)" } else { "" }
                    )
                })
                .collect();
            obs["remarks"] = json!(lines.join("\n"));
        }
        observations.push(obs);
        let (state, reason) = match c.status {
            Status::Satisfied => ("satisfied", "pass"),
            Status::Failing => ("not-satisfied", "fail"),
            _ => ("not-satisfied", "other"),
        };
        // What the organisation declares in [soa.control], beside what the evidence shows.
        let mut props = vec![prop("status", c.status.as_str())];
        if let Some(st) = c.declared_state {
            props.push(prop("declared-implementation-state", st.as_str()));
        }
        if let Some(d) = &c.declared_date {
            props.push(prop("declared-implementation-date", d));
        }
        if let Some(o) = &c.owner {
            props.push(prop("owner", o));
        }
        let mut description = format!("aimslint status `{}`: {}.", c.status, c.status.meaning());
        if let Some(i) = &c.inclusion {
            description.push_str(&format!(
                " Included{}: {i}",
                if c.inclusion_default {
                    " (default)"
                } else {
                    ""
                }
            ));
        }
        if let Some(gap) = &c.claim_gap {
            description.push_str(&format!(" Gap: {gap}."));
        }
        findings.push(json!({
            "uuid": ids.of(&format!("finding|{id}")),
            "title": format!("{id} {}", c.title),
            "description": description,
            "props": props,
            "target": {
                "type": "objective-id",
                "target-id": id,
                "status": { "state": state, "reason": reason },
            },
            "related-observations": [{ "observation-uuid": obs_uuid }],
        }));
    }

    let resource = ids.of("resource|packs");
    let mut result = json!({
        "uuid": ids.of("result"),
        "title": format!("aimslint check of {} as of {}", info.source(), info.as_of),
        "description": "ISO/IEC 42001:2023 Annex A controls assessed by aimslint's rules over the AI governance evidence files of a repository. A status says what the evidence shows; it is not a statement of conformity.",
        "start": time,
        "end": time,
        "props": [prop("as-of", &info.as_of), prop("revision", at)],
        "reviewed-controls": { "control-selections": [Value::Object(selection)] },
    });
    if !observations.is_empty() {
        result["observations"] = Value::Array(observations);
        result["findings"] = Value::Array(findings);
    }
    if !manual.is_empty() {
        result["remarks"] = json!(format!(
            "Process controls with no file evidence, to be assessed by hand: {}.",
            manual.join(", ")
        ));
    }
    let doc = json!({
        "assessment-results": {
            "uuid": ids.of("assessment-results"),
            "metadata": {
                "title": "Statement of Applicability assessment: ISO/IEC 42001:2023 Annex A",
                "last-modified": time,
                "version": format!("{at} as of {}", info.as_of),
                "oscal-version": OSCAL_VERSION,
                "props": [prop("tool", &format!("aimslint {}", info.tool_version))],
            },
            "import-ap": { "href": format!("#{resource}") },
            "results": [result],
            "back-matter": {
                "resources": [{
                    "uuid": resource,
                    "title": "aimslint policy packs (the assessment method)",
                    "description": format!("The rules of these packs are the assessment method: {}.", info.pack_list()),
                }],
            },
        }
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn observation_text(c: &ControlPosture) -> String {
    let open = c.findings.iter().filter(|f| !f.waived).count();
    let waived = c.findings.len() - open;
    format!(
        "Rules {} checked {} evidence file{} of kinds {}: {} finding{}{}.",
        if c.rules.is_empty() {
            "(none: evidence presence only, not verified)".to_string()
        } else {
            c.rules.join(", ")
        },
        c.evidence.len(),
        if c.evidence.len() == 1 { "" } else { "s" },
        if c.kinds.is_empty() {
            "none".to_string()
        } else {
            c.kinds.join(", ")
        },
        open,
        if open == 1 { "" } else { "s" },
        if waived > 0 {
            format!(", {waived} waived")
        } else {
            String::new()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::uri_path;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("models/a b/README.md"), "models/a%20b/README.md");
        assert_eq!(uri_path("data/x#1.yaml"), "data/x%231.yaml");
    }
}
