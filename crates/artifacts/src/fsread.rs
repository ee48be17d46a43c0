//! Reading files the way evidence, configuration, packs and caches must be read: only regular
//! files (never a FIFO, a device or a socket, which would hang or never end), never more than a
//! stated number of bytes, and — for files found in a repository — never through a symlink that
//! leads out of it.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// A FIFO, device, socket or directory where a file was expected.
    NotRegular(&'static str),
    /// A symlink (or a path through one) that resolves outside the directory it must stay in.
    Outside(PathBuf),
    /// A symlink whose target does not exist.
    BrokenLink,
    /// Larger than the limit; nothing of it was kept.
    TooLarge(usize),
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(what) => {
                write!(f, "not a regular file (it is {what}); it is not read")
            }
            ReadError::Outside(to) => write!(
                f,
                "symlink points outside the repository (to {}); it is not read",
                crate::quote_path(&to.display().to_string())
            ),
            ReadError::BrokenLink => f.write_str("broken symlink"),
            ReadError::TooLarge(max) => {
                write!(f, "larger than the {max}-byte limit; it is not read")
            }
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ReadError {}

/// What a path that is not a regular file is, for a message: "a FIFO", "a directory", …
pub fn kind_of(m: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if m.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Open `path` for reading without blocking on a FIFO, and check that what was opened is a
/// regular file (checked on the open handle, so a swap after the check cannot slip through).
pub fn open_regular(path: &Path) -> Result<std::fs::File, ReadError> {
    open(path, true)
}

/// As [`open_regular`], but a symlink is not followed either.
pub fn open_regular_nofollow(path: &Path) -> Result<std::fs::File, ReadError> {
    open(path, false)
}

fn open(path: &Path, follow: bool) -> Result<std::fs::File, ReadError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer comes; with O_NONBLOCK it returns at once.
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY | nofollow);
    }
    #[cfg(not(unix))]
    if !follow && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(ReadError::NotRegular("a symlink"));
    }
    let f = opts.open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let m = f.metadata().map_err(|e| ReadError::Io(e.to_string()))?;
    if !m.is_file() {
        return Err(ReadError::NotRegular(kind_of(&m)));
    }
    Ok(f)
}

/// Read a regular file of at most `max` bytes.
pub fn read_regular(path: &Path, max: usize) -> Result<Vec<u8>, ReadError> {
    let f = open_regular(path)?;
    read_at_most(f, max)
}

/// As [`read_regular`], but a symlink is not followed either (for files aimslint writes itself, such
/// as cache entries, where a symlink can only be a plant).
pub fn read_regular_nofollow(path: &Path, max: usize) -> Result<Vec<u8>, ReadError> {
    read_at_most(open_regular_nofollow(path)?, max)
}

/// Read at most `max` bytes; more is an error, and no more than `max + 1` bytes are ever held.
pub fn read_at_most(f: impl Read, max: usize) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    f.take(max as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if buf.len() > max {
        return Err(ReadError::TooLarge(max));
    }
    Ok(buf)
}

/// Where `path` really is, if it stays inside `root`: symlinks anywhere along it are resolved
/// and must not lead out.
pub fn resolve_inside(root: &Path, path: &Path) -> Result<PathBuf, ReadError> {
    let canon_root = root
        .canonicalize()
        .map_err(|e| ReadError::Io(format!("{}: {e}", root.display())))?;
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(_) if std::fs::symlink_metadata(path).is_ok() => return Err(ReadError::BrokenLink),
        Err(e) => return Err(ReadError::Io(e.to_string())),
    };
    if !target.starts_with(&canon_root) {
        return Err(ReadError::Outside(target));
    }
    Ok(target)
}

/// Read a regular file of at most `max` bytes that lives inside `root`, even through symlinks.
pub fn read_inside(root: &Path, path: &Path, max: usize) -> Result<Vec<u8>, ReadError> {
    let target = resolve_inside(root, path)?;
    read_regular(&target, max)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn fifos_devices_links_out_and_large_files_are_refused_at_once() {
        let dir = std::env::temp_dir().join(format!("aimslint-fsread-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo")).unwrap();
        let repo = dir.join("repo");
        std::fs::write(repo.join("ok.yaml"), b"a: 1\n").unwrap();
        std::fs::write(dir.join("secret"), b"password\n").unwrap();
        std::os::unix::fs::symlink(dir.join("secret"), repo.join("out.yaml")).unwrap();
        std::os::unix::fs::symlink(repo.join("ok.yaml"), repo.join("in.yaml")).unwrap();
        std::os::unix::fs::symlink(repo.join("gone"), repo.join("dangling.yaml")).unwrap();
        let fifo = repo.join("fifo.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert_eq!(
            read_inside(&repo, &repo.join("ok.yaml"), 100).unwrap(),
            b"a: 1\n"
        );
        assert_eq!(
            read_inside(&repo, &repo.join("in.yaml"), 100).unwrap(),
            b"a: 1\n"
        );
        assert!(matches!(
            read_inside(&repo, &repo.join("out.yaml"), 100),
            Err(ReadError::Outside(_))
        ));
        assert_eq!(
            read_inside(&repo, &repo.join("dangling.yaml"), 100),
            Err(ReadError::BrokenLink)
        );
        assert_eq!(
            read_regular(&repo.join("ok.yaml"), 3),
            Err(ReadError::TooLarge(3))
        );
        assert_eq!(
            read_regular(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular("a device"))
        );
        assert_eq!(
            read_regular(&repo, 100),
            Err(ReadError::NotRegular("a directory"))
        );
        if made.is_ok_and(|s| s.success()) {
            assert_eq!(
                read_regular(&fifo, 100),
                Err(ReadError::NotRegular("a FIFO"))
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
