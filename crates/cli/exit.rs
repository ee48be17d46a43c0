//! Exit codes: public, named, stable.

/// No findings at or above `--fail-on`.
pub const CLEAN: i32 = 0;
/// Findings at or above `--fail-on`, or no evidence at all with `--fail-on-no-evidence` (or
/// `[files] require_evidence`).
pub const FINDINGS: i32 = 1;
/// Usage, configuration or pack error.
pub const USAGE: i32 = 2;
/// Internal error (a bug, or I/O that failed).
pub const INTERNAL: i32 = 3;
