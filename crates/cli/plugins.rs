//! Native plugins on the command line: `aimslint.lock`, the runner the engine calls, and the worker
//! process (`aimslint __plugin-worker`).
//!
//! `aimslint.lock` (at the repository root, written by `aimslint packs lock`) pins each loaded
//! pack's version and content digest and each plugin library's sha256. Before a run loads a
//! plugin, its library must be pinned and hash to its pin, or the run stops (exit 2) naming it; the
//! worker hashes the bytes it loads again. Packs are checked against their pins by `packs verify`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aimslint_packs::PackSet;
use aimslint_plugin_host::{PluginError, Worker};
use serde::{Deserialize, Serialize};

use crate::common::CliError;

/// The lockfile's name, at the repository root.
pub const LOCKFILE: &str = "aimslint.lock";
/// How long a plugin may take to answer one request before its worker is killed (seconds;
/// `AIMSLINT_PLUGIN_TIMEOUT` sets another).
const CALL_TIMEOUT_SECS: f64 = 10.0;

fn call_timeout() -> Duration {
    std::env::var("AIMSLINT_PLUGIN_TIMEOUT")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
        .map_or(
            Duration::from_secs_f64(CALL_TIMEOUT_SECS),
            Duration::from_secs_f64,
        )
}

#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Lock {
    pub version: u32,
    #[serde(default, rename = "pack")]
    pub packs: Vec<PackPin>,
    #[serde(default, rename = "plugin")]
    pub plugins: Vec<PluginPin>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PackPin {
    pub id: String,
    pub version: String,
    pub digest: String,
    /// For a pack from git: the commit its revision resolved to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// For a pack from git: the tag or commit aimslint.toml names (the commit pins it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PluginPin {
    pub pack: String,
    pub plugin: String,
    /// Where the library was, relative to the pack directory.
    pub library: String,
    pub sha256: String,
}

/// A plugin of a loaded pack: where its library is for this platform.
#[derive(Debug, Clone)]
pub struct PluginSite {
    pub pack: String,
    pub plugin: String,
    pub rel: String,
    pub path: PathBuf,
}

/// Every plugin the loaded packs declare, with its library for this platform.
pub fn sites(packs: &PackSet) -> Result<Vec<PluginSite>, CliError> {
    let mut out = Vec::new();
    for p in &packs.packs {
        for decl in &p.plugins {
            let Some(rel) = &decl.library else {
                return Err(CliError::usage(format!(
                    "pack {}: plugin `{}` has no library for this platform ({}); add it under [[plugins]] library in its pack.toml",
                    p.manifest.id,
                    decl.id,
                    aimslint_plugin_host::platform_key()
                )));
            };
            let dir = p.files.dir.as_deref().unwrap_or(Path::new("."));
            let path = aimslint_plugin_host::library_path(dir, rel).ok_or_else(|| {
                CliError::usage(format!(
                    "pack {}: plugin library `{rel}` is outside the pack directory",
                    p.manifest.id
                ))
            })?;
            out.push(PluginSite {
                pack: p.manifest.id.clone(),
                plugin: decl.id.clone(),
                rel: rel.clone(),
                path,
            });
        }
    }
    Ok(out)
}

pub fn read_lock(root: &Path) -> Result<Option<Lock>, CliError> {
    let path = root.join(LOCKFILE);
    if !path.exists() {
        return Ok(None);
    }
    let bytes = aimslint_artifacts::fsread::read_inside(root, &path, 1 << 20)
        .map_err(|e| CliError::usage(format!("{LOCKFILE}: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| CliError::usage(format!("{LOCKFILE}: not UTF-8")))?;
    let lock: Lock =
        toml::from_str(&text).map_err(|e| CliError::usage(format!("{LOCKFILE}: {e}")))?;
    if lock.version != 1 {
        return Err(CliError::usage(format!(
            "{LOCKFILE}: version {} is not one this aimslint reads (1)",
            lock.version
        )));
    }
    Ok(Some(lock))
}

/// The lock of the loaded packs as they are now.
pub fn current_lock(packs: &PackSet) -> Result<Lock, CliError> {
    let mut lock = Lock {
        version: 1,
        ..Lock::default()
    };
    for p in &packs.packs {
        lock.packs.push(PackPin {
            id: p.manifest.id.clone(),
            version: p.manifest.version.to_string(),
            digest: p.digest.clone(),
            commit: p.files.commit.clone(),
            rev: p.files.rev.clone(),
        });
    }
    for s in sites(packs)? {
        let (_, sha256) = aimslint_plugin_host::read_library(&s.path).map_err(|e| {
            CliError::usage(format!(
                "pack {}: plugin `{}`: {e} (build it first)",
                s.pack, s.plugin
            ))
        })?;
        lock.plugins.push(PluginPin {
            pack: s.pack,
            plugin: s.plugin,
            library: s.rel,
            sha256,
        });
    }
    Ok(lock)
}

pub fn write_lock(root: &Path, lock: &Lock) -> Result<(), CliError> {
    let body = toml::to_string_pretty(lock).map_err(|e| CliError::usage(e.to_string()))?;
    let text = format!(
        "# Written by `aimslint packs lock`: the packs and plugin libraries this repository runs.\n# A plugin whose library does not hash to its pin is not loaded; `aimslint packs verify` checks all.\n\n{body}"
    );
    crate::run::write_output(text.as_bytes(), Some(&root.join(LOCKFILE)))
}

/// What differs between the pinned and the current state, one line each.
pub fn differences(pinned: &Lock, now: &Lock) -> Vec<String> {
    let mut out = Vec::new();
    for p in &now.packs {
        match pinned.packs.iter().find(|x| x.id == p.id) {
            None => out.push(format!("pack {} {} is not pinned", p.id, p.version)),
            Some(x) if x.version != p.version => out.push(format!(
                "pack {}: version {} is loaded, {} is pinned",
                p.id, p.version, x.version
            )),
            Some(x) if x.commit != p.commit => out.push(format!(
                "pack {}: commit {} is loaded, {} is pinned",
                p.id,
                p.commit.as_deref().unwrap_or("(not from git)"),
                x.commit.as_deref().unwrap_or("(not from git)")
            )),
            Some(x) if x.digest != p.digest => out.push(format!(
                "pack {} {}: its files changed (digest {}, pinned {})",
                p.id,
                p.version,
                &p.digest[..16.min(p.digest.len())],
                &x.digest[..16.min(x.digest.len())]
            )),
            Some(_) => {}
        }
    }
    for p in &now.plugins {
        match pinned
            .plugins
            .iter()
            .find(|x| x.pack == p.pack && x.plugin == p.plugin)
        {
            None => out.push(format!(
                "plugin {} of pack {} is not pinned",
                p.plugin, p.pack
            )),
            Some(x) if !x.sha256.eq_ignore_ascii_case(&p.sha256) => out.push(format!(
                "plugin {} of pack {}: {} has sha256 {}, {LOCKFILE} pins {}",
                p.plugin, p.pack, p.library, p.sha256, x.sha256
            )),
            Some(_) => {}
        }
    }
    out
}

/// The runner for a run whose packs declare plugins, after checking each library against its pin;
/// `None` when no pack declares one.
pub fn runner(
    root: &Path,
    packs: &PackSet,
) -> Result<Option<Arc<dyn aimslint_engine::PluginRunner>>, CliError> {
    let sites = sites(packs)?;
    if sites.is_empty() {
        return Ok(None);
    }
    let lock = read_lock(root)?.unwrap_or_default();
    let mut pinned = HashMap::new();
    for s in sites {
        let pin = lock
            .plugins
            .iter()
            .find(|x| x.pack == s.pack && x.plugin == s.plugin)
            .ok_or_else(|| {
                CliError::usage(format!(
                    "plugin {} of pack {} is not pinned in {LOCKFILE}: native plugins are trusted code; run `aimslint packs lock` to pin the library you built",
                    s.plugin, s.pack
                ))
            })?;
        let (_, sha256) = aimslint_plugin_host::read_library(&s.path)
            .map_err(|e| CliError::usage(format!("plugin {} of pack {}: {e}", s.plugin, s.pack)))?;
        if !sha256.eq_ignore_ascii_case(&pin.sha256) {
            return Err(CliError::usage(format!(
                "plugin {} of pack {}: {} has sha256 {sha256}, but {LOCKFILE} pins {}; it is not loaded. If you built or trust the new library, pin it with `aimslint packs lock`",
                s.plugin,
                s.pack,
                s.path.display(),
                pin.sha256
            )));
        }
        pinned.insert((s.pack, s.plugin), (s.path, pin.sha256.clone()));
    }
    let exe = std::env::current_exe().map_err(|e| {
        CliError::usage(format!(
            "cannot find the aimslint binary to run plugins: {e}"
        ))
    })?;
    Ok(Some(Arc::new(HostRunner {
        exe,
        pinned,
        workers: Mutex::new(BTreeMap::new()),
    })))
}

/// Runs each plugin in its own worker process, started on first use and kept for the run.
#[derive(Debug)]
struct HostRunner {
    exe: PathBuf,
    pinned: HashMap<(String, String), (PathBuf, String)>,
    /// One worker per plugin; a plugin that failed stays failed for the run (its error is repeated
    /// on each file, so every file whose rules it could not judge says so).
    workers: Mutex<BTreeMap<(String, String), Result<Worker, PluginError>>>,
}

impl HostRunner {
    /// Run `f` on the worker of plugin `plugin` of pack `pack`, starting it on first use; a
    /// worker that ended (crashed, hung, broke the protocol) stays failed for the run.
    fn with_worker<T>(
        &self,
        pack: &str,
        plugin: &str,
        f: impl FnOnce(&mut Worker) -> Result<T, PluginError>,
    ) -> Result<T, String> {
        let key = (pack.to_string(), plugin.to_string());
        let Some((library, sha256)) = self.pinned.get(&key) else {
            return Err(format!("plugin {plugin} of pack {pack} is not loaded"));
        };
        let mut workers = self
            .workers
            .lock()
            .map_err(|_| "plugin host poisoned".to_string())?;
        let slot = workers.entry(key).or_insert_with(|| {
            let cmd = aimslint_plugin_host::worker_command(&self.exe, library, sha256);
            Worker::spawn(cmd, call_timeout())
        });
        let worker = match slot {
            Ok(w) => w,
            Err(e) => return Err(e.to_string()),
        };
        match f(worker) {
            Ok(v) => Ok(v),
            Err(e) => {
                let message = e.to_string();
                // A worker that crashed, hung or broke the protocol is gone: the plugin stays
                // failed for the rest of the run. A plugin that could not judge one file (a panic
                // caught by the SDK, bad parameters) goes on with the next.
                if !worker.alive() {
                    *slot = Err(e);
                }
                Err(message)
            }
        }
    }
}

impl aimslint_engine::PluginRunner for HostRunner {
    fn check(
        &self,
        pack: &str,
        plugin: &str,
        request: aimslint_plugin_abi::CheckRequest,
    ) -> Result<Vec<aimslint_plugin_abi::Hit>, String> {
        self.with_worker(pack, plugin, |worker| {
            if !worker.description.rules.contains(&request.rule) {
                return Ok(Err(format!(
                    "the pack gives it rule {}, which it does not implement (it implements {})",
                    request.rule,
                    worker.description.rules.join(", ")
                )));
            }
            worker.check(request).map(Ok)
        })?
    }

    fn fingerprint(&self) -> String {
        let mut pins: Vec<String> = self
            .pinned
            .iter()
            .map(|((pack, plugin), (_, sha256))| format!("{pack} {plugin} {sha256}"))
            .collect();
        pins.sort();
        pins.join("\n")
    }

    fn needs(
        &self,
        pack: &str,
        plugin: &str,
        rule: &str,
    ) -> Option<aimslint_plugin_abi::RuleNeeds> {
        self.with_worker(pack, plugin, |worker| {
            Ok(worker.description.needs_of(rule).cloned())
        })
        .ok()
        .flatten()
    }
}

/// `aimslint __plugin-worker LIBRARY SHA256`: load the plugin (checked against its pin) and answer
/// requests on standard input, one JSON line each, until it closes.
pub fn worker_main(library: &Path, sha256: &str) -> i32 {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match aimslint_plugin_host::serve(library, sha256, stdin.lock(), stdout.lock()) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}
