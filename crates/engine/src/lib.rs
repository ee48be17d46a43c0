//! Rule evaluation: documents × rules in parallel, cross-document references, waivers, total order.
//!
//! The engine takes files (path, blob id, bytes) from any source — the working tree, the git index,
//! a commit — parses each distinct blob once, classifies it into an artifact kind declared by the
//! packs, evaluates the selected rules and returns findings in one total order, whatever the
//! number of threads.

mod checks;
mod classify;
mod config;
mod dvc;
mod finding;
pub mod fixtures;
mod history;
mod history_cache;
pub mod kinds;
mod run;
mod select;
mod soa;
mod staged;

pub use classify::Classifier;
pub use config::{
    Config, GitPackSpec, ImplementationState, RuleRef, SoaControl, SoaExclusion, Waiver,
    check_rule_refs, load_config, parse_config,
};
pub use finding::{
    Artifact, ArtifactStatus, CommitSummary, Ended, Finding, HistoryInfo, Identity, Outcome,
    Summary, WaiverState,
};
pub use history_cache::HistoryCache;
pub use run::{Engine, EngineOptions, FileInput, Shard, Snapshot, newer_than_pinned};
pub use select::{Selection, closest};
pub use staged::StagedChange;

/// Core diagnostics, reported under these codes whatever packs are loaded.
pub mod codes {
    /// A waiver that has expired.
    pub const WAIVER_EXPIRED: &str = "AL010";
    /// A waiver that matched no finding.
    pub const WAIVER_UNUSED: &str = "AL011";
    /// A file that could not be read at all (permissions, a symlink out of the repository).
    pub const UNREADABLE: &str = "AL007";
    /// A recognised problem in a file that still parsed (front matter placement or shape).
    pub const FRONT_MATTER: &str = "AL008";
    /// A rule's expression failed on this document.
    pub const EXPR_ERROR: &str = "AL009";
    /// aimslint itself failed (a bug) while checking a file; the run went on, and exits 3.
    pub const INTERNAL: &str = "AL013";
    /// A `[soa.exclude]` entry with no justification, or naming no control that can be excluded.
    pub const SOA_EXCLUSION: &str = "AL012";
    /// A native plugin could not judge a document: it could not be loaded, crashed, hung,
    /// panicked or answered what is no valid response. The run went on without it.
    pub const PLUGIN: &str = "AL014";
    /// A structured evidence file (CycloneDX, SPDX 3, Croissant) that breaks a rule of its own
    /// format: a duplicate id, a dangling reference, a malformed timestamp, a missing required field.
    pub const FORMAT: &str = "AL015";
    /// An evidence file with no content (nothing but white space): one finding, not one per rule.
    pub const EMPTY: &str = "AL016";
}

/// Runs the rules native plugins implement (`[check.plugin]`). The command line provides one
/// backed by the plugin host (pinned libraries, one worker process per plugin); without one, such
/// rules are reported as not judged (AL014).
pub trait PluginRunner: Send + Sync + std::fmt::Debug {
    /// Judge one document for one rule of plugin `plugin` of pack `pack`: the hits, or why the
    /// plugin could not judge it.
    fn check(
        &self,
        pack: &str,
        plugin: &str,
        request: aimslint_plugin_abi::CheckRequest,
    ) -> Result<Vec<aimslint_plugin_abi::Hit>, String>;

    /// What rule `rule` of plugin `plugin` of pack `pack` reads beyond its document, as the plugin
    /// declares it (`None`: nothing, or the plugin could not be asked; its rules then say why when
    /// they run).
    fn needs(
        &self,
        _pack: &str,
        _plugin: &str,
        _rule: &str,
    ) -> Option<aimslint_plugin_abi::RuleNeeds> {
        None
    }

    /// What the results depend on (the libraries, by their pins), the same from run to run: part
    /// of the history cache's key.
    fn fingerprint(&self) -> String {
        String::new()
    }
}
