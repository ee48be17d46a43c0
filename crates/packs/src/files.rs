use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The largest file a pack directory may hold (rules, schemas and fixtures are small text).
pub const MAX_PACK_FILE_BYTES: usize = 16 << 20;

/// The files of one pack, by path relative to the pack root, from a directory or from the binary.
#[derive(Debug, Clone)]
pub struct PackFiles {
    /// Where the pack came from: `builtin:<id>` or a directory.
    pub origin: String,
    pub dir: Option<PathBuf>,
    pub files: BTreeMap<String, Vec<u8>>,
    /// For a pack read from git: the commit its files are from (the lockfile pins it).
    pub commit: Option<String>,
    /// For a pack read from git: the tag or commit it was asked for.
    pub rev: Option<String>,
}

/// Whether a file is a native library (a plugin), by its extension.
fn is_library(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "so" | "dylib" | "dll"))
}

impl PackFiles {
    /// Read a pack directory. Errors name the file.
    pub fn from_dir(dir: &Path) -> Result<PackFiles, String> {
        let mut files = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
                let path = entry.path();
                let ft = entry
                    .file_type()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if ft.is_dir() {
                    stack.push(path);
                } else if ft.is_symlink() {
                    // A pack is data: a link could lead anywhere, so none is followed.
                    return Err(format!(
                        "{}: a symlink in a policy pack; packs are read only from regular files",
                        path.display()
                    ));
                } else if is_library(&path) {
                    // A native plugin library is loaded by the plugin host, which pins it by its
                    // own sha256 (aimslint.lock); it is not pack data.
                    continue;
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .map_err(|e| e.to_string())?
                        .to_string_lossy()
                        .replace('\\', "/");
                    // Never a FIFO or device (it would block or never end), never more than a
                    // pack file can need.
                    let bytes =
                        aimslint_artifacts::fsread::read_regular(&path, MAX_PACK_FILE_BYTES)
                            .map_err(|e| format!("{}: {e}", path.display()))?;
                    files.insert(rel, bytes);
                }
            }
        }
        if !files.contains_key("pack.toml") {
            return Err(format!(
                "{}: not a policy pack (no pack.toml)",
                dir.display()
            ));
        }
        Ok(PackFiles {
            origin: dir.display().to_string(),
            dir: Some(dir.to_path_buf()),
            files,
            commit: None,
            rev: None,
        })
    }

    /// A pack read from a git commit (`origin` names the repository and revision).
    pub fn from_git(
        origin: String,
        rev: String,
        commit: String,
        files: BTreeMap<String, Vec<u8>>,
    ) -> PackFiles {
        PackFiles {
            origin,
            dir: None,
            files,
            commit: Some(commit),
            rev: Some(rev),
        }
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.files
            .get(path)
            .and_then(|b| std::str::from_utf8(b).ok())
    }

    /// The name a diagnostic shows for one of this pack's files.
    pub fn display_path(&self, rel: &str) -> String {
        match &self.dir {
            Some(d) => d.join(rel).display().to_string(),
            None => format!("{}/{rel}", self.origin),
        }
    }

    /// sha256 over every file but the fixtures, in path order: what a lockfile pins.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (path, bytes) in &self.files {
            if path.starts_with("tests/") {
                continue;
            }
            h.update(path.as_bytes());
            h.update([0]);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        }
        let out = h.finalize();
        out.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Files below a folder, with paths relative to it.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.files
            .iter()
            .filter_map(move |(p, b)| p.strip_prefix(prefix).map(|r| (r, b.as_slice())))
    }
}
