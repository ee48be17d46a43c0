//! Control status: what one lint run and the Statement of Applicability say about each ISO/IEC 42001
//! control, and, through the crosswalks, about each NIST AI RMF subcategory and EU AI Act item.
//!
//! Pure functions over the outcome, the packs and the SoA exclusions. A status is a statement about
//! the evidence in the repository, never about compliance.
//!
//! An ISO/IEC 42001 control is, in this order:
//! 1. `not-applicable`: excluded in `[soa.exclude]` with a justification;
//! 2. `manual`: a process control, with no evidence kinds and no rule that cites it;
//! 3. `failing`: a finding at or above the failing severity (`error` unless `--fail-on` says
//!    otherwise, as for `check`) that is not waived, of a rule that cites it; or a file of the kinds
//!    its rules read that could not be read, so that those rules could not run on it;
//! 4. `warning`: findings below the failing severity (warnings) that are not waived, and none above;
//! 5. `waived`: findings exist, and all are waived;
//! 6. `no-evidence`: no checked file of the kinds its rules read (of its evidence kinds, when no rule
//!    cites it);
//! 7. `evidence-present`: files of its evidence kinds exist, but no rule checks them: aimslint
//!    verified nothing about the control, only that its evidence is there;
//! 8. `satisfied`: otherwise: its rules ran on at least one file of the kinds they read and found
//!    nothing.
//!
//! A framework item (a NIST subcategory, an EU article or Annex IV point, or a group the crosswalk maps
//! as a whole, such as Annex IV) takes the most severe status
//! of the ISO controls it maps to, in the order of [`Status`]: failing > no-evidence > warning >
//! waived > evidence-present > satisfied > manual > not-applicable. An item that maps to no control
//! is `manual`.

use std::collections::{BTreeMap, BTreeSet};

use aimslint_engine::{ArtifactStatus, ImplementationState, Outcome, SoaControl, SoaExclusion};
use aimslint_packs::{Control, PackSet, Relation, Severity};
use serde::Serialize;

/// The pack whose controls the rules cite and the crosswalks map to.
pub const BASE_PACK: &str = "iso42001";

/// A control's or framework item's status. Ordered from least to most severe: an item takes the
/// maximum of its controls' statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotApplicable,
    Manual,
    Satisfied,
    EvidencePresent,
    Waived,
    Warning,
    NoEvidence,
    Failing,
}

impl Status {
    /// Most severe first: the order of columns and legends.
    pub const ALL: [Status; 8] = [
        Status::Failing,
        Status::NoEvidence,
        Status::Warning,
        Status::Waived,
        Status::EvidencePresent,
        Status::Satisfied,
        Status::Manual,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotApplicable => "not-applicable",
            Status::Manual => "manual",
            Status::Satisfied => "satisfied",
            Status::EvidencePresent => "evidence-present",
            Status::Waived => "waived",
            Status::Warning => "warning",
            Status::NoEvidence => "no-evidence",
            Status::Failing => "failing",
        }
    }

    /// One line for legends.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Failing => {
                "a rule citing the control found a gap that is not waived, or could not read a file of its evidence"
            }
            Status::NoEvidence => "no evidence file of the kinds its rules read exists",
            Status::Warning => {
                "a rule citing the control found a gap of warning severity (failing only with --fail-on warning)"
            }
            Status::Waived => "every finding is covered by a waiver that has not expired",
            Status::EvidencePresent => {
                "files of its evidence kinds exist, but no rule checks them: not verified by aimslint"
            }
            Status::Satisfied => {
                "rules citing it ran on evidence of the kinds they read and found nothing"
            }
            Status::Manual => "a process control no repository file can show: check it by hand",
            Status::NotApplicable => {
                "excluded in the Statement of Applicability, with its justification"
            }
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the status of one control is derived from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub excluded: bool,
    pub has_rules: bool,
    pub has_evidence_kinds: bool,
    /// Findings that are not waived, at or above the failing severity (including files of its
    /// kinds that could not be read).
    pub open_findings: usize,
    /// Findings that are not waived, below the failing severity but at least warnings.
    pub open_warnings: usize,
    pub waived_findings: usize,
    /// Checked files of the kinds its rules read (its evidence kinds when it has no rules).
    pub checked_files: usize,
}

/// The status of one ISO/IEC 42001 control (see the module documentation for the order).
pub fn control_status(f: &Facts) -> Status {
    if f.excluded {
        Status::NotApplicable
    } else if !f.has_rules && !f.has_evidence_kinds {
        Status::Manual
    } else if f.open_findings > 0 {
        Status::Failing
    } else if f.open_warnings > 0 {
        Status::Warning
    } else if f.waived_findings > 0 {
        Status::Waived
    } else if f.checked_files == 0 {
        Status::NoEvidence
    } else if !f.has_rules {
        Status::EvidencePresent
    } else {
        Status::Satisfied
    }
}

/// The status of a framework item from the statuses of the controls it maps to: the most severe;
/// `manual` when it maps to none.
pub fn item_status(mapped: impl IntoIterator<Item = Status>) -> Status {
    mapped.into_iter().max().unwrap_or(Status::Manual)
}

/// Which commit each evidence file is at: a file tracked and unchanged since HEAD is at HEAD's short
/// id; a file read from a commit is at that commit; anything else is only in the working tree.
#[derive(Debug, Clone, Default)]
pub struct Stamps {
    pub head: Option<String>,
    /// Paths (relative to the root) exactly as HEAD has them.
    pub clean: BTreeSet<String>,
}

impl Stamps {
    pub fn at(&self, path: &str, commit: Option<&str>) -> String {
        if let Some(c) = commit {
            return c.chars().take(7).collect();
        }
        match &self.head {
            Some(h) if self.clean.contains(path) => h.clone(),
            _ => "worktree".to_string(),
        }
    }
}

/// Everything the posture is derived from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub outcome: &'a Outcome,
    pub packs: &'a PackSet,
    pub exclusions: &'a [SoaExclusion],
    /// `[soa.control]`: inclusion justification, owner and implementation state per control.
    pub declared: &'a [SoaControl],
    /// Ids of the rules that ran (after `select` and `ignore`).
    pub active_rules: &'a BTreeSet<String>,
    pub stamps: &'a Stamps,
    /// Crosswalk packs to report on, in the order to show them.
    pub frameworks: &'a [String],
    /// The date of judgement, `YYYY-MM-DD`: whether each EU item applies yet.
    pub as_of: &'a str,
    /// The least severity that makes a control failing (`error` by default, as `check --fail-on`);
    /// open findings below it, down to warnings, make it `warning`.
    pub fail_on: Severity,
}

/// A finding as the posture cites it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingRef {
    pub rule: String,
    pub severity: Severity,
    pub path: String,
    pub line: usize,
    /// The commit that introduced it, for a finding from history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub message: String,
    pub waived: bool,
}

impl FindingRef {
    /// `path:line`, and `@commit` (short) for a finding from history: where an auditor looks.
    pub fn place(&self) -> String {
        let mut s = format!(
            "{}:{}",
            aimslint_artifacts::quote_path(&self.path),
            self.line
        );
        if let Some(c) = &self.commit {
            s.push('@');
            s.extend(c.chars().take(7));
        }
        s
    }
}

/// One ISO/IEC 42001 control with its status.
#[derive(Debug, Clone, Serialize)]
pub struct ControlPosture {
    /// Qualified: `iso42001:A.7.5`.
    pub id: String,
    pub title: String,
    /// `clause` or `annex-a`.
    pub kind: String,
    /// The group it belongs to (`A.7`, `6`), unqualified.
    pub parent: Option<String>,
    pub status: Status,
    /// The exclusion's justification, when not applicable.
    pub justification: Option<String>,
    /// Why an applicable control is included: from `[soa.control]`, else the control's own
    /// description (`inclusion_default`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inclusion: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inclusion_default: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The implementation state the organisation declares, and its date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_state: Option<ImplementationState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_date: Option<String>,
    /// A declared state the evidence contradicts ("declared implemented, but failing").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim_gap: Option<String>,
    /// Artifact kinds whose files decide the status.
    pub kinds: Vec<String>,
    /// Rules that cite it and ran on the tree (history rules, which judge commits, are left out).
    pub rules: Vec<String>,
    /// Rules with a finding here that is not waived.
    pub failing_rules: Vec<String>,
    /// `path@commit`, or `path@worktree`.
    pub evidence: Vec<String>,
    pub findings: Vec<FindingRef>,
}

/// A crosswalk pair from a framework item, with the status of its ISO control.
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    pub control: String,
    pub title: String,
    pub relation: Relation,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rationale: Option<String>,
    /// Rules citing the control whose findings do not count along this pair (their gaps are no
    /// evidence about the item), and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_rules: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excluded_why: Option<String>,
    /// The control's status as this pair sees it.
    pub status: Status,
}

/// One target item of a framework (a NIST subcategory, an EU article or Annex IV point).
#[derive(Debug, Clone, Serialize)]
pub struct ItemPosture {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub parent: Option<String>,
    /// The top-level group: a NIST function, an EU chapter or Annex IV (unqualified).
    pub group: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_source: Option<String>,
    /// Whether the obligation applies at the date of judgement (items with a date only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_effect: Option<bool>,
    pub status: Status,
    pub controls: Vec<Mapping>,
    pub failing_rules: Vec<String>,
    /// The files its controls were judged on; none when it is `no-evidence`.
    pub evidence: Vec<String>,
    /// The findings behind a `failing` or `warning` status (those of its controls that are not
    /// waived), each traceable to its file and line.
    pub findings: Vec<FindingRef>,
}

/// Counts per status, every status present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts(pub BTreeMap<&'static str, usize>);

impl Counts {
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Counts {
        let mut m: BTreeMap<&'static str, usize> =
            Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        for s in statuses {
            *m.entry(s.as_str()).or_default() += 1;
        }
        Counts(m)
    }

    pub fn get(&self, s: Status) -> usize {
        self.0.get(s.as_str()).copied().unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.0.values().sum()
    }
}

/// Coverage of one top-level group (a NIST function, an EU chapter).
#[derive(Debug, Clone, Serialize)]
pub struct GroupCoverage {
    pub id: String,
    pub title: String,
    pub items: usize,
    /// Items with at least one crosswalk pair.
    pub mapped: usize,
    pub counts: Counts,
}

/// One crosswalk pack's items with their statuses.
#[derive(Debug, Clone, Serialize)]
pub struct FrameworkPosture {
    pub id: String,
    pub name: String,
    pub framework: String,
    pub edition: String,
    pub version: String,
    /// The pack the crosswalk maps to.
    pub target: String,
    pub pairs: usize,
    pub counts: Counts,
    pub coverage: Vec<GroupCoverage>,
    pub items: Vec<ItemPosture>,
}

/// The whole posture: every ISO/IEC 42001 control and every item of each framework.
#[derive(Debug, Clone, Serialize)]
pub struct Posture {
    pub base: String,
    pub counts: Counts,
    pub controls: Vec<ControlPosture>,
    pub frameworks: Vec<FrameworkPosture>,
}

impl Posture {
    pub fn control(&self, id: &str) -> Option<&ControlPosture> {
        self.controls.iter().find(|c| c.id == id)
    }

    /// The Annex A controls, in catalogue order: the rows of the Statement of Applicability.
    pub fn annex_a(&self) -> impl Iterator<Item = &ControlPosture> {
        self.controls.iter().filter(|c| c.kind == "annex-a")
    }
}

/// Derive the posture of every control and framework item.
pub fn derive(input: &Input<'_>) -> Posture {
    let packs = input.packs;
    let excluded: BTreeMap<&str, &str> = input
        .exclusions
        .iter()
        .filter(|e| !e.justification.trim().is_empty())
        .map(|e| (e.control.as_str(), e.justification.as_str()))
        .collect();
    let controls: Vec<ControlPosture> = packs
        .pack(BASE_PACK)
        .map(|p| p.controls.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|c| !c.is_group())
        .map(|c| {
            control_posture(
                input,
                c,
                excluded.get(c.qualified().as_str()).copied(),
                None,
            )
        })
        .collect();
    let by_id: BTreeMap<&str, &ControlPosture> =
        controls.iter().map(|c| (c.id.as_str(), c)).collect();
    // Each control as seen through the pairs along which some of its rules do not count.
    let mut through: BTreeMap<(String, Vec<String>), ControlPosture> = BTreeMap::new();
    for f in input.frameworks {
        for pair in input
            .packs
            .pack(f)
            .into_iter()
            .flat_map(|p| p.crosswalks.iter())
            .filter(|cw| cw.target == BASE_PACK)
            .flat_map(|cw| cw.pairs.iter())
        {
            let (Some(via), Some(c)) = (&pair.excluded_rules, input.packs.control(&pair.to)) else {
                continue;
            };
            let key = (pair.to.clone(), via.clone());
            through.entry(key).or_insert_with(|| {
                control_posture(input, c, excluded.get(pair.to.as_str()).copied(), Some(via))
            });
        }
    }
    let frameworks = input
        .frameworks
        .iter()
        .filter_map(|f| framework_posture(input, f, &by_id, &through))
        .collect();
    Posture {
        base: BASE_PACK.to_string(),
        counts: Counts::of(controls.iter().map(|c| c.status)),
        controls,
        frameworks,
    }
}

/// A control's posture; with `excluded`, as seen through a crosswalk pair along which those rules'
/// findings do not count (see `Pair::excluded_rules`).
fn control_posture(
    input: &Input<'_>,
    c: &Control,
    justification: Option<&str>,
    excluded: Option<&[String]>,
) -> ControlPosture {
    let q = c.qualified();
    let carried = |id: &str| excluded.is_none_or(|x| !x.iter().any(|r| r == id));
    let rules: Vec<&str> = input
        .packs
        .rules_for_control(&q)
        .into_iter()
        // History rules judge commits, not a tree: they never ran on the files shown here.
        .filter(|r| input.active_rules.contains(&r.id) && !r.check.is_history())
        .filter(|r| carried(&r.id))
        .map(|r| r.id.as_str())
        .collect();
    // Every rule citing it excluded along a pair: nothing of the repository speaks to the item
    // through it (a person judges it: `manual`).
    let none_cross = rules.is_empty()
        && excluded.is_some_and(|x| {
            input
                .packs
                .rules_for_control(&q)
                .into_iter()
                .any(|r| x.contains(&r.id))
        });
    let kinds: BTreeSet<String> = if none_cross {
        BTreeSet::new()
    } else if rules.is_empty() {
        c.evidence.iter().cloned().collect()
    } else {
        rules
            .iter()
            .filter_map(|r| input.packs.rule(r))
            .flat_map(|r| r.kinds.iter().cloned())
            .collect()
    };
    let of_kind = |kind: &Option<String>| kind.as_ref().is_some_and(|k| kinds.contains(k));
    let checked: Vec<_> = input
        .outcome
        .artifacts
        .iter()
        .filter(|a| a.status == ArtifactStatus::Checked && of_kind(&a.kind))
        .collect();
    // Files of its kinds that could not be read: its rules could not run on them.
    let broken: Vec<_> = input
        .outcome
        .artifacts
        .iter()
        .filter(|a| a.status == ArtifactStatus::Error && of_kind(&a.kind))
        .collect();
    let broken_paths: BTreeSet<&str> = broken.iter().map(|a| a.path.as_str()).collect();
    let mut findings: Vec<FindingRef> = input
        .outcome
        .findings
        .iter()
        // A finding from history that ended (fixed, or its file removed or unreadable) before the
        // last commit walked no longer stands.
        .filter(|f| f.fixed_in.is_none() && f.removed_in.is_none() && f.obscured_in.is_none())
        .filter(|f| {
            (f.controls.contains(&q) && carried(&f.rule))
                || (f.controls.is_empty() && broken_paths.contains(f.path.as_str()))
        })
        .map(|f| FindingRef {
            rule: f.rule.clone(),
            severity: f.severity,
            path: f.path.clone(),
            line: f.line,
            commit: f.commit.clone(),
            message: match broken
                .iter()
                .find(|a| a.path == f.path && f.controls.is_empty())
            {
                // A core diagnostic: say which of the control's rules it kept from running.
                Some(a) => {
                    let kept: Vec<&str> = rules
                        .iter()
                        .copied()
                        .filter(|r| {
                            input.packs.rule(r).is_some_and(|r| {
                                a.kind.as_ref().is_some_and(|k| r.kinds.contains(k))
                            })
                        })
                        .collect();
                    if kept.is_empty() {
                        f.message.clone()
                    } else {
                        format!("{} (so {} could not run on it)", f.message, kept.join(", "))
                    }
                }
                None => f.message.clone(),
            },
            waived: f.waived.is_some(),
        })
        .collect();
    findings.sort();
    let open = |f: &&FindingRef| !f.waived;
    let failing = findings
        .iter()
        .filter(open)
        .filter(|f| f.severity >= input.fail_on)
        .count();
    let warnings = findings
        .iter()
        .filter(open)
        .filter(|f| f.severity < input.fail_on && f.severity >= Severity::Warning)
        .count();
    let status = control_status(&Facts {
        excluded: justification.is_some(),
        has_rules: !rules.is_empty(),
        has_evidence_kinds: !kinds.is_empty(),
        open_findings: failing,
        open_warnings: warnings,
        waived_findings: findings.iter().filter(|f| f.waived).count(),
        checked_files: checked.len() + broken.len(),
    });
    if status == Status::NotApplicable {
        // Excluded: what its rules found is reported under the other controls they cite.
        findings.clear();
    }
    let failing_rules: BTreeSet<String> = findings
        .iter()
        .filter(|f| !f.waived && f.severity >= input.fail_on)
        .map(|f| f.rule.clone())
        .collect();
    // The files it was judged on, those that could not be read among them.
    let mut evidence: Vec<String> = checked
        .iter()
        .chain(broken.iter())
        .filter(|_| status != Status::NotApplicable)
        .map(|a| {
            format!(
                "{}@{}",
                aimslint_artifacts::quote_path(&a.path),
                input.stamps.at(&a.path, a.commit.as_deref())
            )
        })
        .collect();
    evidence.sort();
    evidence.dedup();
    let declared = input.declared.iter().find(|d| d.control == q);
    let applicable = status != Status::NotApplicable;
    let declared_state = declared.and_then(|d| d.state).filter(|_| applicable);
    let claim_gap = match (declared_state, status) {
        (
            Some(s @ (ImplementationState::Implemented | ImplementationState::Partial)),
            Status::Failing | Status::NoEvidence,
        ) => Some(format!("declared {}, but {status}", s.as_str())),
        _ => None,
    };
    let inclusion = declared.and_then(|d| d.justification.clone());
    ControlPosture {
        inclusion_default: applicable && inclusion.is_none(),
        inclusion: if applicable {
            inclusion.or_else(|| Some(c.description.clone()))
        } else {
            None
        },
        owner: declared
            .and_then(|d| d.owner.clone())
            .filter(|_| applicable),
        declared_state,
        declared_date: declared
            .and_then(|d| d.date)
            .filter(|_| applicable)
            .map(|d| d.to_string()),
        claim_gap,
        id: q,
        title: c.title.clone(),
        kind: c.kind.clone(),
        parent: c.parent.clone(),
        status,
        justification: justification.map(str::to_string),
        kinds: kinds.into_iter().collect(),
        rules: rules.into_iter().map(str::to_string).collect(),
        failing_rules: failing_rules.into_iter().collect(),
        evidence,
        findings,
    }
}

fn framework_posture(
    input: &Input<'_>,
    id: &str,
    whole: &BTreeMap<&str, &ControlPosture>,
    through: &BTreeMap<(String, Vec<String>), ControlPosture>,
) -> Option<FrameworkPosture> {
    // The control as the pair sees it: whole, or without the rules its status path excludes.
    let seen = |p: &aimslint_packs::Pair| -> Option<&ControlPosture> {
        match &p.excluded_rules {
            Some(via) => through.get(&(p.to.clone(), via.clone())),
            None => whole.get(p.to.as_str()).copied(),
        }
    };
    let pack = input.packs.pack(id)?;
    let pairs: Vec<_> = pack
        .crosswalks
        .iter()
        .filter(|cw| cw.target == BASE_PACK)
        .flat_map(|cw| cw.pairs.iter())
        .collect();
    let top = |c: &Control| -> String {
        let mut cur = c;
        while let Some(parent) = cur
            .parent
            .as_ref()
            .and_then(|p| input.packs.control(&format!("{}:{p}", c.pack)))
        {
            cur = parent;
        }
        cur.id.clone()
    };
    let items: Vec<ItemPosture> = pack
        .controls
        .iter()
        // A group is an item too when the crosswalk maps it as a whole (Annex IV).
        .filter(|c| !c.is_group() || pairs.iter().any(|p| p.from == c.qualified()))
        .map(|c| {
            let q = c.qualified();
            let item_pairs: Vec<&&aimslint_packs::Pair> =
                pairs.iter().filter(|p| p.from == q).collect();
            let mappings: Vec<Mapping> = item_pairs
                .iter()
                .map(|p| {
                    let target = seen(p);
                    Mapping {
                        control: p.to.clone(),
                        title: target.map(|t| t.title.clone()).unwrap_or_default(),
                        relation: p.relation,
                        source: p.source.clone(),
                        rationale: p.rationale.clone(),
                        excluded_rules: p.excluded_rules.clone(),
                        excluded_why: p.excluded_why.clone(),
                        status: target.map_or(Status::Manual, |t| t.status),
                    }
                })
                .collect();
            let mapped: Vec<&ControlPosture> = item_pairs.iter().filter_map(|p| seen(p)).collect();
            let failing_rules: BTreeSet<String> = mapped
                .iter()
                .flat_map(|c| c.failing_rules.iter().cloned())
                .collect();
            let status = item_status(mappings.iter().map(|m| m.status));
            let evidence: BTreeSet<String> = if status == Status::NoEvidence {
                BTreeSet::new()
            } else {
                mapped
                    .iter()
                    .flat_map(|c| c.evidence.iter().cloned())
                    .collect()
            };
            let findings: BTreeSet<FindingRef> =
                if matches!(status, Status::Failing | Status::Warning) {
                    mapped
                        .iter()
                        .filter(|c| matches!(c.status, Status::Failing | Status::Warning))
                        .flat_map(|c| c.findings.iter().filter(|f| !f.waived).cloned())
                        .collect()
                } else {
                    BTreeSet::new()
                };
            ItemPosture {
                id: q,
                title: c.title.clone(),
                kind: c.kind.clone(),
                parent: c.parent.clone(),
                group: top(c),
                in_effect: c.applies_from.as_ref().map(|d| d.as_str() <= input.as_of),
                applies_from: c.applies_from.clone(),
                applies_status: c.applies_status.clone(),
                applies_source: c.applies_source.clone(),
                status,
                controls: mappings,
                failing_rules: failing_rules.into_iter().collect(),
                evidence: evidence.into_iter().collect(),
                findings: findings.into_iter().collect(),
            }
        })
        .collect();
    let mut coverage: Vec<GroupCoverage> = Vec::new();
    for item in &items {
        if !coverage.iter().any(|g| g.id == item.group) {
            let in_group: Vec<&ItemPosture> =
                items.iter().filter(|i| i.group == item.group).collect();
            coverage.push(GroupCoverage {
                id: item.group.clone(),
                title: input
                    .packs
                    .control(&format!("{id}:{}", item.group))
                    .map(|g| g.title.clone())
                    .unwrap_or_default(),
                items: in_group.len(),
                mapped: in_group.iter().filter(|i| !i.controls.is_empty()).count(),
                counts: Counts::of(in_group.iter().map(|i| i.status)),
            });
        }
    }
    Some(FrameworkPosture {
        id: pack.manifest.id.clone(),
        name: pack.manifest.name.clone(),
        framework: pack.manifest.framework.clone(),
        edition: pack.manifest.edition.clone(),
        version: pack.manifest.version.to_string(),
        target: BASE_PACK.to_string(),
        pairs: pairs.len(),
        counts: Counts::of(items.iter().map(|i| i.status)),
        coverage,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            has_rules: true,
            has_evidence_kinds: true,
            checked_files: 1,
            ..Facts::default()
        }
    }

    #[test]
    fn control_status_follows_the_documented_order() {
        assert_eq!(control_status(&facts()), Status::Satisfied);
        let excluded = Facts {
            excluded: true,
            open_findings: 3,
            ..facts()
        };
        assert_eq!(control_status(&excluded), Status::NotApplicable);
        let process = Facts {
            has_rules: false,
            has_evidence_kinds: false,
            ..Facts::default()
        };
        assert_eq!(control_status(&process), Status::Manual);
        let failing = Facts {
            open_findings: 1,
            waived_findings: 2,
            ..facts()
        };
        assert_eq!(control_status(&failing), Status::Failing);
        let waived = Facts {
            waived_findings: 2,
            ..facts()
        };
        assert_eq!(control_status(&waived), Status::Waived);
        let nothing = Facts {
            checked_files: 0,
            ..facts()
        };
        assert_eq!(control_status(&nothing), Status::NoEvidence);
        // Warnings alone: their own status, below failing.
        let warned = Facts {
            open_warnings: 2,
            waived_findings: 1,
            ..facts()
        };
        assert_eq!(control_status(&warned), Status::Warning);
        assert_eq!(
            control_status(&Facts {
                open_findings: 1,
                ..warned
            }),
            Status::Failing
        );
        // Evidence kinds and no rules: evidence is present, but nothing verified it.
        let kinds_only = Facts {
            has_rules: false,
            ..facts()
        };
        assert_eq!(control_status(&kinds_only), Status::EvidencePresent);
        assert_eq!(
            control_status(&Facts {
                checked_files: 0,
                ..kinds_only
            }),
            Status::NoEvidence
        );
    }

    #[test]
    fn an_item_takes_its_most_severe_control() {
        use Status::*;
        assert_eq!(item_status([]), Manual);
        assert_eq!(item_status([NotApplicable]), NotApplicable);
        assert_eq!(item_status([NotApplicable, Manual]), Manual);
        assert_eq!(item_status([Manual, Satisfied]), Satisfied);
        assert_eq!(item_status([Satisfied, EvidencePresent]), EvidencePresent);
        assert_eq!(item_status([Waived, Warning]), Warning);
        assert_eq!(item_status([Warning, NoEvidence]), NoEvidence);
        assert_eq!(item_status([Satisfied, Waived, Manual]), Waived);
        assert_eq!(item_status([Waived, NoEvidence]), NoEvidence);
        assert_eq!(item_status([NoEvidence, Failing, Satisfied]), Failing);
        // The documented order, most severe first, is the order of Status::ALL.
        let mut sorted = Status::ALL;
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(sorted, Status::ALL);
    }

    fn artifact(path: &str, kind: &str, status: ArtifactStatus) -> aimslint_engine::Artifact {
        aimslint_engine::Artifact {
            path: path.into(),
            kind: Some(kind.into()),
            format: None,
            flavor: None,
            status,
            commit: None,
        }
    }

    #[test]
    fn derive_over_the_built_in_packs() {
        let packs = PackSet::load(
            &aimslint_packs::LoadRequest::all_builtin(),
            &semver::Version::new(0, 1, 0),
            &aimslint_engine::kinds::REGISTRY,
        )
        .unwrap();
        let mut outcome = Outcome {
            artifacts: vec![
                artifact("aims/policy.md", "ai-policy", ArtifactStatus::Checked),
                artifact(
                    "data/a/provenance.yaml",
                    "data-provenance",
                    ArtifactStatus::Error,
                ),
            ],
            ..Outcome::default()
        };
        outcome.findings.push(aimslint_engine::Finding {
            rule: "AL001".into(),
            severity: Severity::Error,
            message: "syntax error".into(),
            controls: Vec::new().into(),
            path: "data/a/provenance.yaml".into(),
            line: 3,
            column: 1,
            commit: None,
            fixed_in: None,
            removed_in: None,
            obscured_in: None,
            pointer: None,
            help: "".into(),
            fingerprint: String::new(),
            waived: None,
            span: None,
            blob: None,
            identity: None,
        });
        let active: BTreeSet<String> = packs.rules().map(|r| r.id.clone()).collect();
        let exclusions = [SoaExclusion {
            control: "iso42001:A.10.4".into(),
            justification: "No customers.".into(),
            line: 2,
            span: (0, 0),
        }];
        let frameworks = ["eu-ai-act".to_string()];
        let stamps = Stamps::default();
        let p = derive(&Input {
            outcome: &outcome,
            packs: &packs,
            exclusions: &exclusions,
            declared: &[],
            active_rules: &active,
            stamps: &stamps,
            frameworks: &frameworks,
            as_of: "2026-11-01",
            fail_on: Severity::Error,
        });
        let status = |id: &str| p.control(id).unwrap().status;
        assert_eq!(status("iso42001:A.2.2"), Status::Satisfied);
        assert_eq!(
            p.control("iso42001:A.2.2").unwrap().evidence,
            vec!["aims/policy.md@worktree"]
        );
        // A provenance record that does not parse fails every control that reads provenance.
        assert_eq!(status("iso42001:A.7.6"), Status::Failing);
        assert_eq!(status("iso42001:A.8.4"), Status::NoEvidence);
        assert_eq!(status("iso42001:A.4.6"), Status::NoEvidence);
        assert_eq!(status("iso42001:9.2"), Status::Manual);
        assert_eq!(status("iso42001:A.10.4"), Status::NotApplicable);
        assert_eq!(p.annex_a().count(), 38);
        let eu = &p.frameworks[0];
        let item = |id: &str| eu.items.iter().find(|i| i.id == id).unwrap();
        // No ISO/IEC 42001 counterpart: manual. Dates of application are judged at as_of.
        assert_eq!(item("eu-ai-act:AnnexIV.7").status, Status::Manual);
        assert_eq!(item("eu-ai-act:Art.50").in_effect, Some(true));
        assert_eq!(item("eu-ai-act:Art.10").in_effect, Some(false));
        assert_eq!(
            item("eu-ai-act:Art.10").status,
            item_status(item("eu-ai-act:Art.10").controls.iter().map(|m| m.status))
        );
    }

    #[test]
    fn stamps() {
        let s = Stamps {
            head: Some("abc1234".into()),
            clean: BTreeSet::from(["a.yaml".to_string()]),
        };
        assert_eq!(s.at("a.yaml", None), "abc1234");
        assert_eq!(s.at("b.yaml", None), "worktree");
        assert_eq!(s.at("b.yaml", Some("0123456789abcdef")), "0123456");
        assert_eq!(Stamps::default().at("a.yaml", None), "worktree");
    }
}
