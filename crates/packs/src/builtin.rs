use std::collections::BTreeMap;

use include_dir::{Dir, include_dir};

use crate::PackFiles;

static POLICIES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../policies");
static SCHEMAS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../schemas");

/// The ids of the packs built into the binary, sorted.
pub fn builtin_pack_ids() -> Vec<String> {
    let mut ids: Vec<String> = POLICIES
        .dirs()
        .filter(|d| d.get_file(d.path().join("pack.toml")).is_some())
        .map(|d| d.path().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

/// The files of one built-in pack.
pub fn builtin_pack_files(id: &str) -> Option<PackFiles> {
    let dir = POLICIES.get_dir(id)?;
    let mut files = BTreeMap::new();
    collect(dir, dir.path(), &mut files);
    Some(PackFiles {
        origin: format!("builtin:{id}"),
        dir: None,
        files,
        commit: None,
        rev: None,
    })
}

fn collect(dir: &Dir<'_>, root: &std::path::Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for f in dir.files() {
        if let Ok(rel) = f.path().strip_prefix(root) {
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                f.contents().to_vec(),
            );
        }
    }
    for d in dir.dirs() {
        collect(d, root, out);
    }
}

/// The JSON Schemas shipped with the tool (`schemas/`), by file name.
pub fn builtin_schemas() -> BTreeMap<String, &'static [u8]> {
    SCHEMAS
        .files()
        .map(|f| (f.path().to_string_lossy().into_owned(), f.contents()))
        .collect()
}
