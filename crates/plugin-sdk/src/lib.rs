//! Write an aimslint rule plugin in safe Rust.
//!
//! Implement [`Plugin`] and export it with [`export_plugin!`]; build the crate as a `cdylib`:
//!
//! ```ignore
//! use aimslint_plugin_sdk::{CheckRequest, Hit, Plugin, export_plugin};
//!
//! #[derive(Default)]
//! struct MyPlugin;
//!
//! impl Plugin for MyPlugin {
//!     fn name(&self) -> &'static str { "my-plugin" }
//!     fn version(&self) -> &'static str { env!("CARGO_PKG_VERSION") }
//!     fn rules(&self) -> Vec<&'static str> { vec!["ACME-001"] }
//!     fn check(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
//!         Ok(Vec::new())
//!     }
//! }
//!
//! export_plugin!(MyPlugin);
//! ```
//!
//! The macro exports the ABI's entry symbol and its vtable. Every call is wrapped in
//! `catch_unwind`: a panic in [`Plugin::check`] becomes the status `PANICKED` with its message, never
//! an unwind across the C boundary (which would abort the host). Requests and responses are JSON;
//! the SDK parses and writes them, so a plugin deals in [`CheckRequest`] and [`Hit`] only.

pub use aimslint_plugin_abi::{CheckRequest, Description, Hit, Need, Related, RuleNeeds};
use aimslint_plugin_abi::{OwnedBuf, Request, Response, status};

/// A rule plugin: a name, a version, the rules it implements, and how it judges a document.
pub trait Plugin: Send + Sync {
    /// The plugin's name, as packs name it.
    fn name(&self) -> &'static str;
    /// Its version (semver).
    fn version(&self) -> &'static str;
    /// The ids of the rules it implements. A request for another id is refused by the SDK, and
    /// the host refuses a plugin whose pack gives it a rule it does not declare.
    fn rules(&self) -> Vec<&'static str>;
    /// What a rule reads beyond its document: other files (found through a JSON Pointer of the
    /// document, or at a fixed path), handed over in [`CheckRequest::related`], and whether it
    /// reads the date. History mode re-runs the rule when one of them changes, and only then; a
    /// rule that reads something it did not declare gets stale results there. Default: nothing.
    fn needs(&self, rule: &str) -> RuleNeeds {
        RuleNeeds::reading(rule, Vec::new())
    }
    /// Judge one document for one rule: the gaps found, or why it could not be judged (bad
    /// parameters, say).
    fn check(&self, request: &CheckRequest) -> Result<Vec<Hit>, String>;
}

/// The related documents this library was sent, by key, until the host says to forget them (see
/// `Description::keeps_related`).
static KEPT: std::sync::Mutex<
    Option<std::collections::HashMap<String, std::sync::Arc<serde_json::Value>>>,
> = std::sync::Mutex::new(None);

/// Drop what the host says to forget, keep the documents sent in full, and put back those sent
/// by key alone.
fn restore_related(req: &mut CheckRequest) -> Result<(), String> {
    let mut kept = KEPT
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let kept = kept.get_or_insert_with(Default::default);
    for k in &req.forget {
        kept.remove(k);
    }
    if let Some(key) = &req.document_key {
        if req.document.is_null() {
            req.document = kept.get(key).cloned().ok_or_else(|| {
                format!(
                    "the host sent `{}` by key only, and it is not kept",
                    req.path
                )
            })?;
        } else {
            kept.insert(key.clone(), req.document.clone());
        }
    }
    for r in &mut req.related {
        let Some(key) = &r.key else { continue };
        if r.document.is_null() {
            if r.found && r.error.is_none() {
                r.document = kept.get(key).cloned().ok_or_else(|| {
                    format!("the host sent `{}` by key only, and it is not kept", r.path)
                })?;
            }
        } else {
            kept.insert(key.clone(), r.document.clone());
        }
    }
    Ok(())
}

/// Answer one JSON request. Public for the export macro; plugins do not call it.
#[doc(hidden)]
pub fn handle(plugin: &dyn Plugin, input: &[u8]) -> (i32, Vec<u8>) {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let request: Request = match serde_json::from_slice(input) {
            Ok(r) => r,
            Err(e) => {
                return (
                    status::BAD_INPUT,
                    Response::Error {
                        message: format!("request is not understood: {e}"),
                    },
                );
            }
        };
        let response = match request {
            Request::Describe => Response::Describe(Description {
                name: plugin.name().to_string(),
                version: plugin.version().to_string(),
                rules: plugin.rules().iter().map(|r| r.to_string()).collect(),
                needs: plugin
                    .rules()
                    .iter()
                    .map(|r| plugin.needs(r))
                    .filter(|n| n.date || !n.documents.is_empty())
                    .collect(),
                keeps_related: true,
            }),
            Request::Check(req) if !plugin.rules().contains(&req.rule.as_str()) => {
                Response::Error {
                    message: format!("{} implements no rule {}", plugin.name(), req.rule),
                }
            }
            Request::Check(mut req) => match restore_related(&mut req) {
                Err(message) => Response::Error { message },
                Ok(()) => match plugin.check(&req) {
                    Ok(hits) => Response::Check { hits },
                    Err(message) => Response::Error { message },
                },
            },
        };
        (status::OK, response)
    }));
    match outcome {
        Ok((code, response)) => (
            code,
            serde_json::to_vec(&response).unwrap_or_else(|e| e.to_string().into_bytes()),
        ),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".to_string());
            (status::PANICKED, message.into_bytes())
        }
    }
}

/// Hand a byte vector to the host as an [`OwnedBuf`]; the host returns it through [`free_buf`].
#[doc(hidden)]
pub fn into_buf(bytes: Vec<u8>) -> OwnedBuf {
    let mut bytes = std::mem::ManuallyDrop::new(bytes);
    OwnedBuf {
        ptr: bytes.as_mut_ptr(),
        len: bytes.len(),
        cap: bytes.capacity(),
    }
}

/// Release a buffer [`into_buf`] made.
///
/// # Safety
/// `buf` must point to an `OwnedBuf` that [`into_buf`] of this same library filled and that was
/// not freed before.
#[doc(hidden)]
pub unsafe fn free_buf(buf: *mut OwnedBuf) {
    if buf.is_null() {
        return;
    }
    // SAFETY: the caller passes a buffer this library's `into_buf` made from a Vec<u8> and has not
    // freed; its pointer, length and capacity are that Vec's, so rebuilding it and dropping it
    // releases the memory with the allocator that allocated it.
    unsafe {
        let b = &mut *buf;
        if !b.ptr.is_null() {
            drop(Vec::from_raw_parts(b.ptr, b.len, b.cap));
        }
        *b = OwnedBuf::empty();
    }
}

/// Export a [`Plugin`] (a type with `Default`) as the library's entry point.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        static __AIMSLINT_PLUGIN: ::std::sync::OnceLock<$plugin> = ::std::sync::OnceLock::new();
        static __AIMSLINT_NAME: ::std::sync::OnceLock<::std::ffi::CString> =
            ::std::sync::OnceLock::new();
        static __AIMSLINT_VERSION: ::std::sync::OnceLock<::std::ffi::CString> =
            ::std::sync::OnceLock::new();

        fn __aimslint_plugin() -> &'static $plugin {
            __AIMSLINT_PLUGIN.get_or_init(<$plugin as ::std::default::Default>::default)
        }

        unsafe extern "C" fn __aimslint_call(
            input: *const u8,
            len: usize,
            out: *mut $crate::__abi::OwnedBuf,
        ) -> i32 {
            if input.is_null() || out.is_null() {
                return $crate::__abi::status::BAD_INPUT;
            }
            // SAFETY: the host passes `len` readable bytes at `input`, alive for the call.
            let bytes = unsafe { ::std::slice::from_raw_parts(input, len) };
            let (code, response) = $crate::handle(__aimslint_plugin(), bytes);
            // SAFETY: the host passes a writable OwnedBuf for the answer.
            unsafe { *out = $crate::into_buf(response) };
            code
        }

        unsafe extern "C" fn __aimslint_free(buf: *mut $crate::__abi::OwnedBuf) {
            // SAFETY: the host gives back only buffers `__aimslint_call` filled, once.
            unsafe { $crate::free_buf(buf) }
        }

        static __AIMSLINT_VTABLE: ::std::sync::OnceLock<$crate::__Vtable> =
            ::std::sync::OnceLock::new();

        /// The ABI entry point: the vtable for ABI version 1, null for any other.
        #[unsafe(no_mangle)]
        pub extern "C" fn aimslint_plugin_entry_v1(
            host_abi: u32,
        ) -> *const $crate::__abi::PluginV1 {
            if host_abi != $crate::__abi::ABI_VERSION {
                return ::std::ptr::null();
            }
            let outcome = ::std::panic::catch_unwind(|| {
                let plugin = __aimslint_plugin();
                let name = __AIMSLINT_NAME.get_or_init(|| {
                    ::std::ffi::CString::new($crate::Plugin::name(plugin)).unwrap_or_default()
                });
                let version = __AIMSLINT_VERSION.get_or_init(|| {
                    ::std::ffi::CString::new($crate::Plugin::version(plugin)).unwrap_or_default()
                });
                &__AIMSLINT_VTABLE
                    .get_or_init(|| {
                        $crate::__Vtable($crate::__abi::PluginV1 {
                            abi_version: $crate::__abi::ABI_VERSION,
                            struct_size: ::std::mem::size_of::<$crate::__abi::PluginV1>() as u32,
                            name: name.as_ptr(),
                            version: version.as_ptr(),
                            call: __aimslint_call,
                            free_buf: __aimslint_free,
                        })
                    })
                    .0 as *const $crate::__abi::PluginV1
            });
            outcome.unwrap_or(::std::ptr::null())
        }
    };
}

#[doc(hidden)]
pub use aimslint_plugin_abi as __abi;

/// The vtable in a static: its raw pointers (to static strings and functions) are shareable.
#[doc(hidden)]
#[derive(Debug)]
pub struct __Vtable(pub aimslint_plugin_abi::PluginV1);

// SAFETY: the vtable holds pointers to `'static` C strings and to functions; nothing in it is
// mutated after it is made, so sharing it between threads is sound.
unsafe impl Sync for __Vtable {}
// SAFETY: as above: immutable pointers to static data and code.
unsafe impl Send for __Vtable {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Echo;

    impl Plugin for Echo {
        fn name(&self) -> &'static str {
            "echo"
        }
        fn version(&self) -> &'static str {
            "1.0.0"
        }
        fn rules(&self) -> Vec<&'static str> {
            vec!["ECHO-1"]
        }
        fn needs(&self, rule: &str) -> RuleNeeds {
            RuleNeeds {
                rule: rule.to_string(),
                date: true,
                documents: vec![Need::Path {
                    path: "LICENSE".into(),
                }],
            }
        }
        fn check(&self, req: &CheckRequest) -> Result<Vec<Hit>, String> {
            if req.params["panic"] == true {
                panic!("asked to panic");
            }
            let related: Vec<&str> = req.related.iter().map(|r| r.path.as_str()).collect();
            Ok(vec![Hit {
                pointer: String::new(),
                message: format!("{} {}", req.path, related.join(",")),
            }])
        }
    }

    fn ask(v: serde_json::Value) -> (i32, String) {
        let (code, out) = handle(&Echo, v.to_string().as_bytes());
        (code, String::from_utf8(out).unwrap())
    }

    #[test]
    fn requests_are_answered_and_panics_caught() {
        let (code, out) = ask(serde_json::json!({"op": "describe"}));
        assert_eq!(code, status::OK);
        assert!(out.contains("\"rules\":[\"ECHO-1\"]"), "{out}");
        // What each rule reads beyond its document is part of the description.
        let d: Response = serde_json::from_str(&out).unwrap();
        let Response::Describe(d) = d else {
            panic!("{out}")
        };
        assert_eq!(
            d.needs_of("ECHO-1"),
            Some(&RuleNeeds {
                rule: "ECHO-1".into(),
                date: true,
                documents: vec![Need::Path {
                    path: "LICENSE".into()
                }],
            })
        );
        let check = |rule: &str, panic: bool| {
            ask(
                serde_json::json!({"op": "check", "rule": rule, "params": {"panic": panic}, "document": {}, "path": "a.md", "kind": "model-card", "as_of": "2026-11-01"}),
            )
        };
        let (code, out) = check("ECHO-1", false);
        assert_eq!(code, status::OK);
        // A request without `related` (a host that sends none) reads as none.
        assert!(out.contains("\"message\":\"a.md \""), "{out}");
        let (code, out) = ask(
            serde_json::json!({"op": "check", "rule": "ECHO-1", "params": {}, "document": {}, "path": "a.md", "kind": "model-card", "as_of": "2026-11-01", "related": [{"path": "LICENSE", "found": true, "document": null}]}),
        );
        assert_eq!(code, status::OK);
        assert!(out.contains("\"message\":\"a.md LICENSE\""), "{out}");
        let (code, out) = check("ECHO-2", false);
        assert_eq!(code, status::OK);
        assert!(out.contains("implements no rule ECHO-2"), "{out}");
        let (code, out) = check("ECHO-1", true);
        assert_eq!(code, status::PANICKED);
        assert_eq!(out, "asked to panic");
        let (code, _) = handle(&Echo, b"not json");
        assert_eq!(code, status::BAD_INPUT);
    }

    /// Related documents are kept by key: sent once in full, then by key alone, until forgotten.
    #[test]
    fn related_documents_are_kept_until_forgotten() {
        let check = |document: serde_json::Value, forget: &[&str]| {
            ask(
                serde_json::json!({"op": "check", "rule": "ECHO-1", "params": {}, "document": {},
                "path": "a.md", "kind": "model-card", "as_of": "2026-11-01", "forget": forget,
                "related": [{"path": "r.json", "found": true, "document": document, "key": "sha256:k1"}]}),
            )
        };
        let (code, out) = check(serde_json::json!({"x": 1}), &[]);
        assert_eq!(code, status::OK);
        assert!(out.contains("a.md r.json"), "{out}");
        // By key alone: restored from what was kept.
        let (code, out) = check(serde_json::Value::Null, &[]);
        assert_eq!(code, status::OK);
        assert!(out.contains("a.md r.json"), "{out}");
        // Forgotten, then asked for by key alone: an error, never a silently empty document.
        let (code, out) = check(serde_json::Value::Null, &["sha256:k1"]);
        assert_eq!(code, status::OK);
        assert!(out.contains("is not kept"), "{out}");
        // The judged document by its key the same way.
        let doc = |document: serde_json::Value, forget: &[&str]| {
            ask(
                serde_json::json!({"op": "check", "rule": "ECHO-1", "params": {}, "document": document,
                "document_key": "document:1:a.md", "path": "a.md", "kind": "model-card",
                "as_of": "2026-11-01", "forget": forget}),
            )
        };
        assert!(
            doc(serde_json::json!({"x": 1}), &[])
                .1
                .contains("\"message\"")
        );
        assert!(doc(serde_json::Value::Null, &[]).1.contains("\"message\""));
        assert!(
            doc(serde_json::Value::Null, &["document:1:a.md"])
                .1
                .contains("is not kept")
        );
    }

    #[test]
    fn buffers_round_trip() {
        let mut b = into_buf(b"hello".to_vec());
        assert_eq!(b.len, 5);
        // SAFETY: `b` was made by `into_buf` above and is freed once.
        unsafe { free_buf(&mut b) };
        assert!(b.ptr.is_null());
    }
}
