//! The versioned C ABI between aimslint and native rule plugins.
//!
//! A plugin is a `cdylib` that exports one symbol, [`ENTRY_SYMBOL`], a function that receives the
//! host's ABI version and returns a pointer to a static [`PluginV1`] vtable (or null to refuse).
//! Data crosses the boundary as JSON in buffers owned by the side that allocated them: the plugin
//! fills an [`OwnedBuf`] and the host gives it back through `free_buf`, because each side has its own
//! allocator. The vtable starts with `abi_version` and `struct_size`, so later versions can append
//! fields without breaking older hosts.
//!
//! Every exported function must catch its own panics: a panic unwinding out of an `extern "C"`
//! function aborts the process.

use std::ffi::c_char;

/// The ABI major version this crate describes.
pub const ABI_VERSION: u32 = 1;

/// The symbol every plugin exports: `extern "C" fn(host_abi: u32) -> *const PluginV1`.
pub const ENTRY_SYMBOL: &[u8] = b"aimslint_plugin_entry_v1\0";

/// A byte buffer allocated by the plugin and released by its `free_buf`.
#[repr(C)]
#[derive(Debug)]
pub struct OwnedBuf {
    pub ptr: *mut u8,
    pub len: usize,
    pub cap: usize,
}

impl OwnedBuf {
    pub const fn empty() -> OwnedBuf {
        OwnedBuf {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }
}

/// Status codes of [`PluginV1::call`].
pub mod status {
    /// The call succeeded; the buffer holds the JSON result.
    pub const OK: i32 = 0;
    /// The input was not understood; the buffer holds an error message.
    pub const BAD_INPUT: i32 = 1;
    /// The plugin panicked; the panic was caught; the buffer holds its message.
    pub const PANICKED: i32 = 2;
}

/// The vtable a plugin returns from its entry symbol.
#[repr(C)]
#[derive(Debug)]
pub struct PluginV1 {
    /// Must equal [`ABI_VERSION`].
    pub abi_version: u32,
    /// `size_of::<PluginV1>()` as the plugin was built: the host reads only fields that fit.
    pub struct_size: u32,
    /// NUL-terminated, static: the plugin's name.
    pub name: *const c_char,
    /// NUL-terminated, static: the plugin's semver version.
    pub version: *const c_char,
    /// Answer a [`Request`] (JSON in) with a [`Response`] (JSON in `out`); returns a [`status`].
    pub call: unsafe extern "C" fn(input: *const u8, len: usize, out: *mut OwnedBuf) -> i32,
    /// Release a buffer the plugin filled.
    pub free_buf: unsafe extern "C" fn(buf: *mut OwnedBuf),
}

/// What the host sends through `call`, as JSON (`{"op": "describe"}` or `{"op": "check", …}`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Request {
    /// Which rules the plugin implements (asked once, after the handshake).
    Describe,
    /// Judge one document for one rule.
    Check(Box<CheckRequest>),
}

/// One rule on one document: everything a plugin rule may read.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CheckRequest {
    /// The rule id, one the plugin declared.
    pub rule: String,
    /// The rule's `[check.plugin] params` table from its pack.
    #[serde(default)]
    pub params: serde_json::Value,
    /// The parsed document (a Markdown card is `{meta, sections, labels, body}`); `null` when the
    /// plugin keeps it under `document_key` from an earlier request.
    pub document: std::sync::Arc<serde_json::Value>,
    /// A key for this document as one request carries it (the other rules of the plugin on the same
    /// document carry the same key): a plugin that keeps related documents
    /// ([`Description::keeps_related`]) keeps the document too, and is sent it once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_key: Option<String>,
    /// Its path in the repository.
    pub path: String,
    /// Its evidence kind.
    pub kind: String,
    /// The date rules are judged at, `YYYY-MM-DD`.
    pub as_of: String,
    /// The other files the rule declared it reads ([`RuleNeeds::documents`]), each as the host
    /// found it in the same tree (working tree, index, revision or historical commit). Empty for a
    /// rule that declared none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// For a plugin that keeps related documents ([`Description::keeps_related`]): the keys of
    /// documents it may drop now (the host will send them again in full if it needs them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forget: Vec<String>,
}

/// One file a rule declared it reads, as the host found it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Related {
    /// The repository path the need resolved to (`/`-separated, inside the repository).
    pub path: String,
    /// The JSON Pointer into the judged document whose value named the file (`None` for a need by
    /// fixed path): where a finding about the reference belongs.
    #[serde(default)]
    pub named_at: Option<String>,
    /// Whether the tree holds the file.
    pub found: bool,
    /// Its parsed content (JSON, YAML and TOML as their values; Markdown as `{meta, sections,
    /// labels, body}`), `null` when it is missing or could not be read, or when the plugin keeps
    /// the document under `key` from an earlier request.
    #[serde(default)]
    pub document: std::sync::Arc<serde_json::Value>,
    /// The digest of the file's content (`sha256:…`): the same key is the same document. A plugin
    /// that keeps related documents is sent each one once, then only its key, until the host
    /// lists the key in [`CheckRequest::forget`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// Its evidence kind, when it is evidence.
    #[serde(default)]
    pub kind: Option<String>,
    /// Why it could not be read or parsed, when it could not.
    #[serde(default)]
    pub error: Option<String>,
}

/// What one rule of a plugin reads beyond the document it judges: history mode re-runs the rule
/// when one of these changes, and the host passes the documents in [`CheckRequest::related`].
/// A rule that declares nothing is judged from its document alone, once per version of it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RuleNeeds {
    /// The rule id (one of [`Description::rules`]).
    pub rule: String,
    /// The rule's result depends on [`CheckRequest::as_of`] (a freshness check): it is judged
    /// again as the date moves.
    #[serde(default)]
    pub date: bool,
    /// Other files it reads.
    #[serde(default)]
    pub documents: Vec<Need>,
}

impl RuleNeeds {
    /// A rule that reads these documents (and not the date); `Vec::new()` for its document alone.
    pub fn reading(rule: &str, documents: Vec<Need>) -> RuleNeeds {
        RuleNeeds {
            rule: rule.to_string(),
            date: false,
            documents,
        }
    }
}

/// A file a rule reads, and how it is found.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "from", rename_all = "lowercase")]
pub enum Need {
    /// Each path the judged document names at `pointer`. A `*` segment stands for every element
    /// of a list (or value of a mapping): `/meta/model-index/*/results/*/source/url`. A path
    /// starting `./` or `../` is relative to the document's folder, any other to the repository
    /// root; URLs and paths that leave the repository are not files of the tree and are skipped.
    Pointer { pointer: String },
    /// A fixed path: from the repository root, or, written `./name`, in the judged document's
    /// folder (`./LICENSE` beside a card). A path with `..` is not followed. A file whose name says
    /// no format aimslint parses (`LICENSE`, `COPYING`) is passed as its text, a JSON string.
    Path { path: String },
    /// The evidence documents of kind `kind` whose value at `by` is one of the strings the judged
    /// document holds at `pointer` (`*` segments as for `Pointer`): the provenance records of the
    /// datasets a card names (`pointer = "/meta/datasets/*"`, `kind = "data-provenance"`,
    /// `by = "/dataset"`). A document that starts or stops holding such a value re-judges the rule
    /// in history mode, as does a change to one that holds it.
    Key {
        pointer: String,
        kind: String,
        by: String,
    },
}

/// What a plugin answers.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Response {
    Describe(Description),
    Check {
        hits: Vec<Hit>,
    },
    /// The request could not be judged (bad parameters, an unknown rule): reported as a finding
    /// about the plugin.
    Error {
        message: String,
    },
}

/// A plugin's name, version and the rules it implements.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Description {
    pub name: String,
    pub version: String,
    pub rules: Vec<String>,
    /// What each rule reads beyond its document (rules not listed read only their document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<RuleNeeds>,
    /// The plugin keeps the related documents it is sent, by key, until told to forget them, so
    /// the host sends a document a hundred cards cite once rather than a hundred times. The SDK
    /// does this for every plugin built with it.
    #[serde(default)]
    pub keeps_related: bool,
}

impl Description {
    /// The declared needs of `rule`, if it declared any.
    pub fn needs_of(&self, rule: &str) -> Option<&RuleNeeds> {
        self.needs.iter().find(|n| n.rule == rule)
    }
}

/// A gap a plugin rule found: where (a JSON Pointer into the document, `""` for the whole) and
/// what.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Hit {
    #[serde(default)]
    pub pointer: String,
    pub message: String,
}

/// Why the host refuses a plugin, before calling it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The entry returned null: the plugin does not speak the host's ABI.
    Declined,
    /// The vtable claims another ABI version.
    Version { plugin: u32, host: u32 },
    /// The vtable is smaller than the fields this host needs.
    TooSmall { size: u32, need: u32 },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Declined => write!(f, "the plugin declined ABI version {ABI_VERSION}"),
            Refusal::Version { plugin, host } => {
                write!(
                    f,
                    "the plugin speaks ABI version {plugin}, this aimslint speaks {host}"
                )
            }
            Refusal::TooSmall { size, need } => {
                write!(
                    f,
                    "the plugin's vtable is {size} bytes, at least {need} are needed"
                )
            }
        }
    }
}

/// Check a vtable's header as the host does before any call.
pub fn check_header(abi_version: u32, struct_size: u32) -> Result<(), Refusal> {
    if abi_version != ABI_VERSION {
        return Err(Refusal::Version {
            plugin: abi_version,
            host: ABI_VERSION,
        });
    }
    let need = u32::try_from(std::mem::size_of::<PluginV1>()).unwrap_or(u32::MAX);
    if struct_size < need {
        return Err(Refusal::TooSmall {
            size: struct_size,
            need,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_handshake() {
        let size = std::mem::size_of::<PluginV1>() as u32;
        assert_eq!(check_header(1, size), Ok(()));
        assert_eq!(
            check_header(2, size),
            Err(Refusal::Version { plugin: 2, host: 1 })
        );
        assert!(matches!(check_header(1, 8), Err(Refusal::TooSmall { .. })));
        assert!(ENTRY_SYMBOL.ends_with(b"_v1\0"));
    }
}
