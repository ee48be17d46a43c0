//! Policy packs: manifests, control catalogues, artifact kinds, rules, crosswalks.
//!
//! Packs are data. Loading parses every file with spans and collects every problem — unknown keys,
//! unknown control ids, duplicate rule ids, bad regexes or expressions — before reporting them all.

mod builtin;
mod check;
mod diag;
mod files;
mod load;
mod model;
mod set;

pub use builtin::{builtin_pack_files, builtin_pack_ids, builtin_schemas};
pub use check::{Check, CheckKinds, Compile, CompiledCheck};
pub use diag::{PackDiagnostic, PackErrors, from_toml_all, from_toml_partial};
pub use files::PackFiles;
pub use model::*;
pub use set::{LoadRequest, PackSet};
