use serde::{Deserialize, Serialize};

use aimslint_packs::Severity;

/// Whether a waiver covers a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaiverState {
    pub reason: String,
    pub owner: String,
    pub expires: String,
}

/// One finding: a rule that does not hold at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Shared with the rule's other findings (and their clones).
    pub controls: std::sync::Arc<[String]>,
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The commit that introduced the finding (in history mode) or holds it (`--rev`); null on the
    /// working tree and the index.
    pub commit: Option<String>,
    /// History mode: the commit where the content stopped being a problem; null if it did not.
    pub fixed_in: Option<String>,
    /// History mode: the commit that deleted the file (or moved it out of the evidence) while the
    /// finding stood. Not a fix.
    pub removed_in: Option<String>,
    /// History mode: the commit from which the file no longer parses (or can no longer be read
    /// as evidence), so the finding can no longer be judged. Not a fix.
    pub obscured_in: Option<String>,
    pub pointer: Option<String>,
    pub help: std::sync::Arc<str>,
    pub fingerprint: String,
    pub waived: Option<WaiverState>,
    /// Byte range in the file, for rendering the snippet.
    #[serde(skip)]
    pub span: Option<(usize, usize)>,
    /// The blob the span refers to (history mode), to find the right text for the snippet.
    #[serde(skip)]
    pub blob: Option<String>,
    /// What the fingerprint hashes besides the path: (rule, pointer, anchor). History mode uses it
    /// to keep a finding's fingerprint when its file is renamed (see [`Finding::rekey`]).
    #[serde(skip)]
    pub identity: Option<Identity>,
}

/// The parts of a fingerprint other than the path, shared so that findings clone cheaply.
pub type Identity = std::sync::Arc<(String, String, String)>;

/// How a finding that stood stopped being reported in a history run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The content stopped being a problem.
    Fixed,
    /// The file was deleted, or moved where it is no longer evidence.
    Removed,
    /// The file stopped parsing (or being readable as evidence).
    Obscured,
}

impl Finding {
    /// A finding about a whole file (line 1), with no controls, pointer, commit or snippet: the base
    /// that core diagnostics and commit-level findings adjust.
    pub(crate) fn about_file(
        rule: &str,
        severity: Severity,
        path: &str,
        message: String,
        help: &str,
        fingerprint: String,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            message,
            controls: std::sync::Arc::new([]),
            path: path.to_string(),
            line: 1,
            column: 1,
            commit: None,
            fixed_in: None,
            removed_in: None,
            obscured_in: None,
            pointer: None,
            help: help.into(),
            fingerprint,
            waived: None,
            span: None,
            blob: None,
            identity: None,
        }
    }

    /// Whether the finding still stands: not fixed, removed or obscured (outside history mode,
    /// always).
    pub fn is_open(&self) -> bool {
        self.ended().is_none()
    }

    /// How and in which commit the finding stopped being reported, in a history run.
    pub fn ended(&self) -> Option<(Ended, &str)> {
        [
            (Ended::Fixed, &self.fixed_in),
            (Ended::Removed, &self.removed_in),
            (Ended::Obscured, &self.obscured_in),
        ]
        .into_iter()
        .find_map(|(how, c)| c.as_deref().map(|c| (how, c)))
    }

    /// Mark the finding ended, in `commit`, as `how`.
    pub(crate) fn end(&mut self, how: Ended, commit: Option<&str>) {
        let c = commit.map(str::to_string);
        match how {
            Ended::Fixed => self.fixed_in = c,
            Ended::Removed => self.removed_in = c,
            Ended::Obscured => self.obscured_in = c,
        }
    }

    /// Compute the fingerprint again as if the file were at `path` (the path it was first seen at,
    /// when it has since been renamed). Findings without an identity keep theirs.
    pub(crate) fn rekey(&mut self, path: &str) {
        if let Some(id) = &self.identity {
            self.fingerprint = crate::run::fingerprint(&id.0, path, &id.1, &id.2);
        }
    }

    /// The total order of output: path, line, column, rule, commit, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str, &str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule,
            self.commit.as_deref().unwrap_or(""),
            self.pointer.as_deref().unwrap_or(""),
            &self.message,
        )
    }
}

/// What became of a file that was looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArtifactStatus {
    /// Parsed and classified; rules ran on it.
    Checked,
    /// Recognised format with no adapter in this version (CycloneDX, SPDX, Croissant, …).
    Unsupported,
    /// Could not be parsed or read: a finding says why.
    Error,
    /// Named on the command line but not of any evidence kind.
    Unclassified,
}

/// A file the run read, with what it was taken for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    pub path: String,
    pub kind: Option<String>,
    pub format: Option<String>,
    pub flavor: Option<String>,
    pub status: ArtifactStatus,
    pub commit: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub artifacts: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
}

/// What a history run walked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryInfo {
    /// The commit the walk started from (its findings are not reported), if any.
    pub base: Option<String>,
    pub head: Option<String>,
    pub commits: usize,
    /// Distinct (blob, path) pairs judged: file versions. A version that left the tree and came
    /// back (a revert) is judged again, since what leaves the tree is dropped from memory, but
    /// counts once.
    pub blobs: usize,
    /// A shallow clone's boundary: history before this commit is not in the repository.
    pub truncated_at: Option<String>,
    /// The commits findings name (introduced, fixed, removed or obscured in), by id.
    pub commits_named: std::collections::BTreeMap<String, CommitSummary>,
    /// Every path that held a file read as evidence at some commit of the walk (not in the
    /// report: it says whether `--path` matched anything).
    #[serde(skip)]
    pub paths: std::collections::BTreeSet<String>,
}

/// A commit as a report names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitSummary {
    pub author: String,
    pub email: String,
    /// Committer date, `YYYY-MM-DD` (UTC).
    pub date: String,
    pub summary: String,
    pub trailers: Vec<(String, String)>,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Set in history mode.
    pub history: Option<HistoryInfo>,
    pub findings: Vec<Finding>,
    pub artifacts: Vec<Artifact>,
    /// Source text of each file with findings, for snippets.
    pub sources: std::collections::BTreeMap<String, std::sync::Arc<str>>,
}

impl Outcome {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.artifacts.len(),
            artifacts: self.artifacts.iter().filter(|a| a.kind.is_some()).count(),
            ..Summary::default()
        };
        for f in &self.findings {
            if f.waived.is_some() {
                s.waived += 1;
                continue;
            }
            s.findings += 1;
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}
