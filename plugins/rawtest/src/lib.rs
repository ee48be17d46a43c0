//! A plugin on the raw C ABI, without the SDK, for the host's tests. What it does is chosen by the
//! environment variable `AIMSLINT_RAWTEST` of the process that loads it (the host passes its
//! environment to the worker): `abi2` claims ABI version 2, `small` a vtable smaller than the
//! host's, `decline` refuses the host's ABI (null), `garbage` answers what is no JSON, `shape`
//! answers JSON that is no response; anything else describes itself and finds nothing.

use std::ffi::c_char;
use std::sync::OnceLock;

use aimslint_plugin_abi::{ABI_VERSION, OwnedBuf, PluginV1, status};

fn mode() -> String {
    std::env::var("AIMSLINT_RAWTEST").unwrap_or_default()
}

struct Table(PluginV1);
// SAFETY: the table holds pointers to static strings and to functions, never written after it is
// made.
unsafe impl Sync for Table {}
// SAFETY: as above.
unsafe impl Send for Table {}

static TABLE: OnceLock<Table> = OnceLock::new();

fn answer(request: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(request);
    match mode().as_str() {
        "garbage" => b"this is not JSON".to_vec(),
        "shape" => b"{\"op\":\"check\",\"hits\":\"all of them\"}".to_vec(),
        _ if text.contains("\"describe\"") => {
            b"{\"op\":\"describe\",\"name\":\"rawtest\",\"version\":\"0.1.0\",\"rules\":[\"RAW-001\"]}"
                .to_vec()
        }
        _ => b"{\"op\":\"check\",\"hits\":[]}".to_vec(),
    }
}

unsafe extern "C" fn call(input: *const u8, len: usize, out: *mut OwnedBuf) -> i32 {
    if input.is_null() || out.is_null() {
        return status::BAD_INPUT;
    }
    // SAFETY: the host passes `len` readable bytes at `input` for the call.
    let request = unsafe { std::slice::from_raw_parts(input, len) };
    let mut bytes = std::mem::ManuallyDrop::new(answer(request));
    // SAFETY: the host passes a writable OwnedBuf; it gives the buffer back through `free_buf`.
    unsafe {
        *out = OwnedBuf {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            cap: bytes.capacity(),
        };
    }
    status::OK
}

unsafe extern "C" fn free_buf(buf: *mut OwnedBuf) {
    if buf.is_null() {
        return;
    }
    // SAFETY: `buf` holds a Vec<u8> that `call` gave away, returned once.
    unsafe {
        let b = &mut *buf;
        if !b.ptr.is_null() {
            drop(Vec::from_raw_parts(b.ptr, b.len, b.cap));
        }
        *b = OwnedBuf::empty();
    }
}

/// The ABI entry point.
#[unsafe(no_mangle)]
pub extern "C" fn aimslint_plugin_entry_v1(host_abi: u32) -> *const PluginV1 {
    let mode = mode();
    if host_abi != ABI_VERSION || mode == "decline" {
        return std::ptr::null();
    }
    let table = TABLE.get_or_init(|| {
        Table(PluginV1 {
            abi_version: if mode == "abi2" { 2 } else { ABI_VERSION },
            struct_size: if mode == "small" {
                8
            } else {
                std::mem::size_of::<PluginV1>() as u32
            },
            name: c"rawtest".as_ptr() as *const c_char,
            version: c"0.1.0".as_ptr() as *const c_char,
            call,
            free_buf,
        })
    });
    &table.0
}
