//! Integration tests of the aimslint binary.

mod util;

mod bad_input;
mod baseline;
mod check_example;
mod evidence;
mod explain;
mod formats;
mod hardening;
mod hardening_budgets;
mod hardening_git;
mod history;
mod lifecycle;
mod messages;
mod packs;
mod plugins;
mod report;
mod sections;
mod staged;
