//! The plugin host: native rule plugins, pinned by hash, run in a child process.
//!
//! A plugin is a `cdylib` speaking the ABI of `aimslint-plugin-abi`. It is trusted code, so it is
//! pinned: its sha256 is in `aimslint.lock`, and the host loads exactly the bytes it hashed — they
//! are read once, hashed, written to a private file and loaded from there, so the library cannot be
//! swapped between the check and the load. It is also untrusted behaviour: it runs in a worker
//! process (the aimslint binary itself, `aimslint __plugin-worker`), one per plugin, talking JSON
//! over pipes. A plugin that crashes (a segfault, an abort), hangs past the time limit, answers with
//! something that is not a response, or claims rules it was not given ends its worker and yields a
//! finding for that plugin; the run goes on.
//!
//! This crate is the only one of the host where `unsafe` is allowed: loading the library, calling
//! its entry point and its vtable, and reading the buffers it returns.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use aimslint_plugin_abi::{
    CheckRequest, Description, ENTRY_SYMBOL, OwnedBuf, PluginV1, Request, Response, check_header,
    status,
};
use sha2::{Digest, Sha256};

/// The largest plugin library loaded.
pub const MAX_LIBRARY_BYTES: usize = 256 << 20;
/// The largest answer read from a worker.
const MAX_LINE_BYTES: usize = 16 << 20;

/// The hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A library's bytes and their sha256, read once (a regular file, no symlink, bounded).
pub fn read_library(path: &Path) -> Result<(Vec<u8>, String), String> {
    let bytes = aimslint_artifacts::fsread::read_regular_nofollow(path, MAX_LIBRARY_BYTES)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let hash = sha256_hex(&bytes);
    Ok((bytes, hash))
}

/// What went wrong with a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginError {
    /// Its library could not be read, does not match its pin, or could not be loaded.
    Load(String),
    /// Its ABI header was refused.
    Abi(String),
    /// The worker process could not be started.
    Spawn(String),
    /// The worker ended without answering (a crash, an abort), with what it wrote to stderr.
    Crashed(String),
    /// No answer within the time limit; the worker was killed.
    Timeout(Duration),
    /// The plugin panicked; the SDK caught it.
    Panicked(String),
    /// An answer that is not a response, or one that breaks the contract.
    Invalid(String),
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PluginError::Load(m) => write!(f, "could not load: {m}"),
            PluginError::Abi(m) => write!(f, "refused: {m}"),
            PluginError::Spawn(m) => write!(f, "could not start its worker process: {m}"),
            PluginError::Crashed(m) if m.is_empty() => write!(f, "crashed"),
            PluginError::Crashed(m) => write!(f, "crashed: {m}"),
            PluginError::Timeout(d) => write!(f, "gave no answer within {} s", d.as_secs_f32()),
            PluginError::Panicked(m) => write!(f, "panicked: {m}"),
            PluginError::Invalid(m) => write!(f, "answered what is no valid response: {m}"),
        }
    }
}

/// A library loaded in this process (the worker), with its vtable checked.
struct Loaded {
    // Kept for as long as the vtable is used; never unloaded while the process runs.
    _lib: libloading::Library,
    _copy: tempfile_path::TempCopy,
    vtable: *const PluginV1,
}

mod tempfile_path {
    //! A private copy of the library's bytes, removed when dropped.
    use std::path::{Path, PathBuf};

    #[derive(Debug)]
    pub struct TempCopy {
        dir: PathBuf,
        pub path: PathBuf,
    }

    impl TempCopy {
        pub fn new(bytes: &[u8], name: &str) -> std::io::Result<TempCopy> {
            use std::io::Write;
            let base = std::env::temp_dir();
            for attempt in 0..16u32 {
                let dir = base.join(format!(
                    "aimslint-plugin-{}-{}-{attempt}",
                    std::process::id(),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.subsec_nanos())
                ));
                // A new directory only this user can enter: nothing can replace the copy.
                #[cfg(unix)]
                let made = {
                    use std::os::unix::fs::DirBuilderExt;
                    std::fs::DirBuilder::new().mode(0o700).create(&dir)
                };
                #[cfg(not(unix))]
                let made = std::fs::create_dir(&dir);
                match made {
                    Ok(()) => {
                        let path = dir.join(name);
                        let mut f = std::fs::OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .open(&path)?;
                        f.write_all(bytes)?;
                        f.sync_all()?;
                        return Ok(TempCopy { dir, path });
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e),
                }
            }
            Err(std::io::Error::other("no free temporary directory"))
        }

        #[allow(dead_code)]
        pub fn path(&self) -> &Path {
            &self.path
        }
    }

    impl TempCopy {
        /// Remove the copy and its directory (idempotent).
        pub fn remove(&self) {
            let _ = std::fs::remove_file(&self.path);
            let _ = std::fs::remove_dir(&self.dir);
        }
    }

    impl Drop for TempCopy {
        fn drop(&mut self) {
            self.remove();
        }
    }
}

impl Loaded {
    /// Load the library at `path` if its bytes hash to `sha256`, and check its ABI header.
    fn open(path: &Path, sha256: &str) -> Result<Loaded, PluginError> {
        let (bytes, hash) = read_library(path).map_err(PluginError::Load)?;
        if !hash.eq_ignore_ascii_case(sha256) {
            return Err(PluginError::Load(format!(
                "{}: sha256 is {hash}, but aimslint.lock pins {sha256}",
                path.display()
            )));
        }
        let name = path
            .file_name()
            .map_or_else(|| "plugin".into(), |n| n.to_string_lossy().into_owned());
        let copy = tempfile_path::TempCopy::new(&bytes, &name)
            .map_err(|e| PluginError::Load(format!("copying {}: {e}", path.display())))?;
        // SAFETY: loading a library runs its initialisers; the library is the one the user pinned
        // by hash in aimslint.lock (native plugins are trusted code, as the docs say), and we load
        // exactly the bytes we hashed, from a private copy nothing else can write.
        let lib = unsafe { libloading::Library::new(&copy.path) }
            .map_err(|e| PluginError::Load(format!("{}: {e}", path.display())))?;
        // Once mapped, the library needs no file (on Unix): remove the copy now, so that a worker
        // ended for hanging or crashing leaves nothing behind in the temporary directory.
        #[cfg(unix)]
        copy.remove();
        type Entry = unsafe extern "C" fn(u32) -> *const PluginV1;
        // SAFETY: the symbol's type is the ABI's entry signature; a library that exports the
        // symbol with another type breaks the ABI contract it claims by exporting that name.
        let entry: libloading::Symbol<'_, Entry> =
            unsafe { lib.get(ENTRY_SYMBOL) }.map_err(|e| {
                PluginError::Abi(format!(
                    "{} exports no `aimslint_plugin_entry_v1`: {e}",
                    path.display()
                ))
            })?;
        // SAFETY: calling the entry with our ABI version is its contract; it returns null or a
        // pointer to a static vtable.
        let vtable = unsafe { entry(aimslint_plugin_abi::ABI_VERSION) };
        if vtable.is_null() {
            return Err(PluginError::Abi(
                aimslint_plugin_abi::Refusal::Declined.to_string(),
            ));
        }
        // SAFETY: non-null, and the ABI says it points to a static PluginV1 whose first two fields
        // are the version and size; we read only those before checking them.
        let (abi, size) = unsafe { ((*vtable).abi_version, (*vtable).struct_size) };
        check_header(abi, size).map_err(|r| PluginError::Abi(r.to_string()))?;
        Ok(Loaded {
            _lib: lib,
            _copy: copy,
            vtable,
        })
    }

    /// One call: JSON in, (status, bytes) out.
    fn call(&self, input: &[u8]) -> (i32, Vec<u8>) {
        let mut out = OwnedBuf::empty();
        // SAFETY: the header was checked, so the vtable holds `call` and `free_buf`; `input` is
        // valid for the call and `out` is ours to fill. The plugin owns the buffer it fills; we
        // copy it and give it back through its own `free_buf`, once.
        unsafe {
            let vt = &*self.vtable;
            let code = (vt.call)(input.as_ptr(), input.len(), &mut out);
            let bytes = if out.ptr.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(out.ptr, out.len.min(MAX_LINE_BYTES)).to_vec()
            };
            (vt.free_buf)(&mut out);
            (code, bytes)
        }
    }
}

/// The worker's side: load the library (checked against its pin), then answer one request per
/// line of `input` with one line on `output` — `{"status": N, "body": "…"}` — until `input` ends.
/// An error loading the plugin is written as the first line and ends the worker.
pub fn serve(
    library: &Path,
    sha256: &str,
    input: impl BufRead,
    mut output: impl Write,
) -> std::io::Result<()> {
    let loaded = match Loaded::open(library, sha256) {
        Ok(l) => l,
        Err(e) => {
            let line = serde_json::json!({ "status": -1, "body": e.to_string(), "load": true });
            writeln!(output, "{line}")?;
            return output.flush();
        }
    };
    for line in input.lines() {
        let line = line?;
        let (code, body) = loaded.call(line.as_bytes());
        let reply = serde_json::json!({
            "status": code,
            "body": String::from_utf8_lossy(&body),
        });
        writeln!(output, "{reply}")?;
        output.flush()?;
    }
    Ok(())
}

/// A plugin running in its worker process.
#[derive(Debug)]
pub struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Result<String, String>>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    /// The plugin's own description (name, version, rules).
    pub description: Description,
    timeout: Duration,
    /// For a plugin that keeps related documents: the keys it holds, oldest first.
    kept: std::collections::VecDeque<String>,
}

/// How many related documents a plugin that keeps them holds at most: a request that sends one
/// more tells it to forget the oldest.
const KEPT_DOCUMENTS: usize = 8;

impl Worker {
    /// Start `command` (the aimslint binary with `__plugin-worker LIBRARY SHA256`) and ask the
    /// plugin what it is.
    pub fn spawn(mut command: Command, timeout: Duration) -> Result<Worker, PluginError> {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| PluginError::Spawn(e.to_string()))?;
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(stdout);
            loop {
                let mut line = Vec::new();
                let got = (&mut reader)
                    .take(MAX_LINE_BYTES as u64 + 1)
                    .read_until(b'\n', &mut line);
                match got {
                    Ok(0) => break,
                    Ok(_) if line.len() > MAX_LINE_BYTES => {
                        let _ = tx.send(Err(format!("an answer over {MAX_LINE_BYTES} bytes")));
                        break;
                    }
                    Ok(_) => {
                        if tx
                            .send(Ok(String::from_utf8_lossy(&line).into_owned()))
                            .is_err()
                        {
                            break;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e.to_string()));
                        break;
                    }
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::BufReader::new(stderr_pipe)
                .take(64 * 1024)
                .read_to_string(&mut text);
            if let Ok(mut s) = sink.lock() {
                *s = text;
            }
        });
        let stdin = child.stdin.take();
        let mut worker = Worker {
            child,
            stdin,
            lines: rx,
            stderr,
            description: Description {
                name: String::new(),
                version: String::new(),
                rules: Vec::new(),
                needs: Vec::new(),
                keeps_related: false,
            },
            timeout,
            kept: std::collections::VecDeque::new(),
        };
        match worker.request(&Request::Describe)? {
            Response::Describe(d) => worker.description = d,
            other => {
                return Err(PluginError::Invalid(format!(
                    "asked to describe itself, it answered {other:?}"
                )));
            }
        }
        Ok(worker)
    }

    /// Judge one document for one rule.
    pub fn check(
        &mut self,
        mut request: CheckRequest,
    ) -> Result<Vec<aimslint_plugin_abi::Hit>, PluginError> {
        let rule = request.rule.clone();
        if self.description.keeps_related {
            // Each document once: one the plugin holds goes by its key alone.
            if let Some(key) = &request.document_key
                && !request.document.is_null()
            {
                if self.kept.contains(key) {
                    request.document = std::sync::Arc::new(serde_json::Value::Null);
                } else {
                    self.kept.push_back(key.clone());
                }
            }
            for r in &mut request.related {
                let Some(key) = &r.key else { continue };
                if r.document.is_null() {
                    continue;
                }
                if self.kept.contains(key) {
                    r.document = std::sync::Arc::new(serde_json::Value::Null);
                } else {
                    self.kept.push_back(key.clone());
                }
            }
            let sent: Vec<&String> = request
                .related
                .iter()
                .filter_map(|r| r.key.as_ref())
                .collect();
            while self.kept.len() > KEPT_DOCUMENTS {
                // Never the ones this request relies on.
                let Some(pos) = self.kept.iter().position(|k| !sent.contains(&k)) else {
                    break;
                };
                if let Some(old) = self.kept.remove(pos) {
                    request.forget.push(old);
                }
            }
        }
        match self.request(&Request::Check(Box::new(request)))? {
            Response::Check { hits } => Ok(hits),
            Response::Error { message } => Err(PluginError::Invalid(format!(
                "it could not judge {rule}: {message}"
            ))),
            Response::Describe(_) => Err(PluginError::Invalid(
                "asked to judge a document, it described itself".into(),
            )),
        }
    }

    fn request(&mut self, request: &Request) -> Result<Response, PluginError> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(PluginError::Crashed("its worker already ended".into()));
        };
        let mut line =
            serde_json::to_vec(request).map_err(|e| PluginError::Invalid(e.to_string()))?;
        line.push(b'\n');
        if stdin.write_all(&line).and_then(|()| stdin.flush()).is_err() {
            return Err(self.ended());
        }
        let reply = match self.lines.recv_timeout(self.timeout) {
            Ok(Ok(reply)) => reply,
            Ok(Err(e)) => {
                self.kill();
                return Err(PluginError::Invalid(e));
            }
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                return Err(PluginError::Timeout(self.timeout));
            }
            Err(RecvTimeoutError::Disconnected) => return Err(self.ended()),
        };
        let v: serde_json::Value = serde_json::from_str(&reply).map_err(|e| {
            self.kill();
            PluginError::Invalid(format!("the worker wrote no JSON line: {e}"))
        })?;
        let body = v["body"].as_str().unwrap_or_default().to_string();
        match v["status"].as_i64() {
            Some(-1) => {
                self.kill();
                Err(match body.strip_prefix("refused: ") {
                    Some(why) => PluginError::Abi(why.to_string()),
                    None => PluginError::Load(
                        body.strip_prefix("could not load: ")
                            .unwrap_or(&body)
                            .to_string(),
                    ),
                })
            }
            Some(c) if c == i64::from(status::OK) => serde_json::from_str(&body)
                .map_err(|e| PluginError::Invalid(format!("{e}: {}", truncate(&body)))),
            Some(c) if c == i64::from(status::PANICKED) => Err(PluginError::Panicked(body)),
            Some(c) if c == i64::from(status::BAD_INPUT) => Err(PluginError::Invalid(format!(
                "it did not understand the request: {}",
                truncate(&body)
            ))),
            other => Err(PluginError::Invalid(format!(
                "status {other:?}: {}",
                truncate(&body)
            ))),
        }
    }

    /// Why the worker is gone: its exit and what it wrote to stderr.
    fn ended(&mut self) -> PluginError {
        self.stdin = None;
        let status = self.child.wait().ok();
        // Give the stderr reader a moment to finish.
        std::thread::sleep(Duration::from_millis(20));
        let err = self.stderr.lock().map(|s| s.clone()).unwrap_or_default();
        let mut why = status.map(|s| s.to_string()).unwrap_or_default();
        let tail = err.trim();
        if !tail.is_empty() {
            why.push_str(": ");
            why.push_str(&truncate(tail));
        }
        PluginError::Crashed(why)
    }

    fn kill(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether the worker can still take requests.
    pub fn alive(&self) -> bool {
        self.stdin.is_some()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stdin = None;
        // Closing stdin ends a healthy worker; one that does not end promptly is killed.
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn truncate(s: &str) -> String {
    let t: String = s.chars().take(300).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// The worker command for a library: `exe __plugin-worker LIBRARY SHA256`.
pub fn worker_command(exe: &Path, library: &Path, sha256: &str) -> Command {
    let mut c = Command::new(exe);
    c.arg("__plugin-worker").arg(library).arg(sha256);
    c
}

/// The library file of a plugin for this platform, from a pack's `library` entry.
pub fn platform_key() -> String {
    format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Where a pack keeps a plugin library, resolved inside the pack directory.
pub fn library_path(pack_dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return None;
    }
    Some(pack_dir.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_paths() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(library_path(Path::new("/p"), "../x.so").is_none());
        assert!(library_path(Path::new("/p"), "/etc/x.so").is_none());
        assert_eq!(
            library_path(Path::new("/p"), "lib/x.so"),
            Some(PathBuf::from("/p/lib/x.so"))
        );
    }

    #[test]
    fn a_library_that_does_not_match_its_pin_is_not_loaded() {
        let dir = std::env::temp_dir().join(format!("aimslint-host-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("libfake.so");
        std::fs::write(&lib, b"not a library").unwrap();
        let mut out = Vec::new();
        serve(&lib, &"0".repeat(64), std::io::empty(), &mut out).unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.contains("\"status\":-1"), "{line}");
        assert!(line.contains("but aimslint.lock pins"), "{line}");
        // The right hash, but no library: a load error, not a crash.
        let mut out = Vec::new();
        serve(
            &lib,
            &sha256_hex(b"not a library"),
            std::io::empty(),
            &mut out,
        )
        .unwrap();
        let line = String::from_utf8(out).unwrap();
        assert!(line.contains("could not load"), "{line}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
