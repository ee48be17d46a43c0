//! Packed objects read here, for history mode: a long history is mostly the reading of packed
//! blobs and trees, and libgit2 does it at a cost this reader does not pay.
//!
//! - libgit2 keeps the bases of delta chains in a 16 MiB cache that it empties whole when full,
//!   and never keeps the object that was asked for. History mode reads the versions of a file
//!   newest first, and a pack stores each older version as a delta against a newer one: the
//!   version just read is the base of the next one. Here every object read is kept (up to
//!   `CACHE_BYTES` for all threads, the least recently used go first), so the next version costs
//!   one small delta, not the chain again.
//! - Objects are inflated with zlib-rs, one inflater per thread reset between objects (libgit2
//!   allocates a new zlib stream per object and per header it reads).
//! - A header (the size of a blob, before it is read) costs the first bytes of its delta.
//!
//! Only what this reader fully understands is read here: version-2 indexes of SHA-1 packs in the
//! repository's own `objects/pack`. Anything else (an object not found here, a pack this reader
//! does not read, an entry it finds damaged) is left to libgit2, whose answer or error is used
//! as before; every object read here is also checked against its id (`hash::verify`), so a
//! damaged pack never passes for good content.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use git2::{ObjectType, Oid};
use memmap2::Mmap;

/// An object's content, shared by the cache and its readers as it was inflated (an `Arc<[u8]>`
/// would be a copy of it).
pub(crate) type Bytes = Arc<Vec<u8>>;

/// Objects kept for the next reads, in bytes (all threads together).
const CACHE_BYTES: usize = 16 << 20;

/// Objects larger than this are not kept: one would push out everything else.
const CACHE_ITEM: usize = 4 << 20;

/// The longest delta chain followed; git writes chains of at most 50 (`pack.depth`), 4095 when
/// told to. Longer is damage (or a crafted pack), left to libgit2.
const MAX_CHAIN: usize = 10_000;

/// The largest object this reader inflates; a larger one is left to libgit2.
const MAX_OBJECT: usize = 1 << 30;

/// The packs of one repository, mapped once per process and shared by all threads.
#[derive(Debug)]
pub(crate) struct Packs {
    packs: Vec<Pack>,
    cache: Mutex<Cache>,
    /// The pack the last object was found in, asked first: a repository that was never repacked
    /// has hundreds of small packs, and a history's objects mostly sit in one.
    last: std::sync::atomic::AtomicUsize,
}

struct Pack {
    idx: Mmap,
    data: Mmap,
    count: usize,
}

impl std::fmt::Debug for Pack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pack").field("count", &self.count).finish()
    }
}

static OPEN: Mutex<Vec<(PathBuf, Weak<Packs>)>> = Mutex::new(Vec::new());

/// The packs of a repository (of its common folder, for a linked worktree).
pub(crate) fn of(repo: &git2::Repository) -> Arc<Packs> {
    shared(&repo.commondir().join("objects"))
}

/// The packs of the object folder `objects`, mapped once however many readers ask.
fn shared(objects: &Path) -> Arc<Packs> {
    let mut open = OPEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    open.retain(|(_, w)| w.strong_count() > 0);
    if let Some(p) = open
        .iter()
        .find(|(d, _)| d == objects)
        .and_then(|(_, w)| w.upgrade())
    {
        return p;
    }
    let packs = Arc::new(Packs::open(objects));
    open.push((objects.to_path_buf(), Arc::downgrade(&packs)));
    packs
}

impl Packs {
    /// The packs under `objects/pack` this reader can read; any other is left out (libgit2 reads
    /// its objects).
    fn open(objects: &Path) -> Packs {
        let dir = objects.join("pack");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        let packs = names
            .iter()
            .filter_map(|idx| Pack::open(idx, &idx.with_extension("pack")))
            .collect();
        Packs {
            packs,
            cache: Mutex::default(),
            last: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Where the object `id` is: its pack and the offset of its entry.
    fn locate(&self, id: &[u8]) -> Option<(usize, u64)> {
        use std::sync::atomic::Ordering::Relaxed;
        let last = self.last.load(Relaxed);
        if let Some(o) = self.packs.get(last).and_then(|p| p.offset_of(id)) {
            return Some((last, o));
        }
        let found = self
            .packs
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != last)
            .find_map(|(i, p)| p.offset_of(id).map(|o| (i, o)))?;
        self.last.store(found.0, Relaxed);
        Some(found)
    }
}

/// Map a file read-only: a regular file, opened without following a symlink or waiting on a
/// FIFO (anything else is left to libgit2, as the rest of a pack this reader does not read).
#[allow(unsafe_code)]
fn map(path: &Path) -> Option<Mmap> {
    let file = aimslint_artifacts::fsread::open_regular_nofollow(path).ok()?;
    // SAFETY: git never changes a pack or its index in place: a repack writes new files under
    // new names and removes the old ones, which stay mapped until unmapped. What is read from the
    // map is bounds-checked, and every object is checked against its id.
    unsafe { Mmap::map(&file) }.ok()
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl Pack {
    fn open(idx_path: &Path, pack_path: &Path) -> Option<Pack> {
        let idx = map(idx_path)?;
        let data = map(pack_path)?;
        // Index version 2: magic, version, 256 fan-out counts, then per object a 20-byte id, a
        // CRC and a 4-byte offset, then the 8-byte offsets, then two 20-byte checksums.
        if idx.get(..8)? != b"\xfftOc\0\0\0\x02" {
            return None;
        }
        let count = be32(&idx, 8 + 255 * 4)? as usize;
        let min = 8 + 256 * 4 + count * (20 + 4 + 4) + 40;
        if idx.len() < min || !(idx.len() - min).is_multiple_of(8) {
            return None;
        }
        // Pack version 2 or 3, and the same number of objects.
        if data.get(..4)? != b"PACK"
            || !matches!(be32(&data, 4)?, 2 | 3)
            || be32(&data, 8)? as usize != count
        {
            return None;
        }
        Some(Pack { idx, data, count })
    }

    fn offset_of(&self, id: &[u8]) -> Option<u64> {
        let first = usize::from(*id.first()?);
        let lo = if first == 0 {
            0
        } else {
            be32(&self.idx, 8 + (first - 1) * 4)? as usize
        };
        let hi = (be32(&self.idx, 8 + first * 4)? as usize).min(self.count);
        let ids = 8 + 256 * 4;
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let at = ids + mid * 20;
            match self.idx.get(at..at + 20)?.cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.offset_at(mid),
            }
        }
        None
    }

    fn offset_at(&self, i: usize) -> Option<u64> {
        let offsets = 8 + 256 * 4 + self.count * 24;
        let small = be32(&self.idx, offsets + i * 4)?;
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let at = offsets + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
        Some(u64::from_be_bytes(
            self.idx.get(at..at + 8)?.try_into().ok()?,
        ))
    }
}

/// An entry's header: its type code, its size (of the object, or of the delta), and where its
/// data (or delta base reference) starts.
fn entry_header(data: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let mut i = at;
    let mut c = *data.get(i)?;
    i += 1;
    let kind = (c >> 4) & 7;
    let mut size = usize::from(c & 15);
    let mut shift = 4;
    while c & 0x80 != 0 {
        c = *data.get(i)?;
        i += 1;
        if shift > 60 {
            return None;
        }
        size |= usize::from(c & 0x7f) << shift;
        shift += 7;
    }
    Some((kind, size, i))
}

/// An offset delta's distance back to its base, and where the delta data starts.
fn ofs_distance(data: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut i = at;
    let mut c = *data.get(i)?;
    i += 1;
    let mut off = u64::from(c & 0x7f);
    while c & 0x80 != 0 {
        c = *data.get(i)?;
        i += 1;
        off = off.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
    }
    Some((off, i))
}

/// A little-endian base-128 number at the start of a delta.
fn delta_varint(d: &[u8], at: &mut usize) -> Option<usize> {
    let mut n = 0usize;
    let mut shift = 0;
    loop {
        let c = *d.get(*at)?;
        *at += 1;
        if shift > 56 {
            return None;
        }
        n |= usize::from(c & 0x7f) << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Some(n);
        }
    }
}

/// Apply a git delta to its base.
fn apply_delta(base: &[u8], delta: &[u8]) -> Result<Vec<u8>, &'static str> {
    let mut i = 0;
    let base_len = delta_varint(delta, &mut i).ok_or("truncated delta")?;
    let len = delta_varint(delta, &mut i).ok_or("truncated delta")?;
    if base_len != base.len() {
        return Err("delta base of the wrong size");
    }
    if len > MAX_OBJECT {
        return Err("delta result too large");
    }
    let mut out = Vec::with_capacity(len);
    while let Some(&op) = delta.get(i) {
        i += 1;
        if op & 0x80 != 0 {
            let mut off = 0usize;
            let mut n = 0usize;
            for k in 0..4 {
                if op & (1 << k) != 0 {
                    off |= usize::from(*delta.get(i).ok_or("truncated delta")?) << (8 * k);
                    i += 1;
                }
            }
            for k in 0..3 {
                if op & (0x10 << k) != 0 {
                    n |= usize::from(*delta.get(i).ok_or("truncated delta")?) << (8 * k);
                    i += 1;
                }
            }
            if n == 0 {
                n = 0x10000;
            }
            let from = base
                .get(off..off.checked_add(n).ok_or("delta copy out of range")?)
                .ok_or("delta copy out of range")?;
            out.extend_from_slice(from);
        } else if op != 0 {
            let n = usize::from(op);
            out.extend_from_slice(delta.get(i..i + n).ok_or("truncated delta")?);
            i += n;
        } else {
            return Err("delta opcode 0");
        }
        if out.len() > len {
            return Err("delta result longer than declared");
        }
    }
    if out.len() != len {
        return Err("delta result shorter than declared");
    }
    Ok(out)
}

fn object_type(code: u8) -> Option<ObjectType> {
    match code {
        1 => Some(ObjectType::Commit),
        2 => Some(ObjectType::Tree),
        3 => Some(ObjectType::Blob),
        4 => Some(ObjectType::Tag),
        _ => None,
    }
}

/// The objects read last, by (pack, offset), for all threads: the versions of one file are read
/// on whichever thread takes them, and an object one read is the base of the next.
#[derive(Debug, Default)]
struct Cache {
    /// By (pack, offset): the object's type, content, and when it was last used.
    map: HashMap<(usize, u64), Kept, foldhash::fast::RandomState>,
    bytes: usize,
    tick: u64,
}

type Kept = (ObjectType, Bytes, u64);

impl Cache {
    fn get(&mut self, key: (usize, u64)) -> Option<(ObjectType, Bytes)> {
        self.tick += 1;
        let tick = self.tick;
        self.map.get_mut(&key).map(|(k, d, used)| {
            *used = tick;
            (*k, d.clone())
        })
    }

    fn keep(&mut self, key: (usize, u64), kind: ObjectType, data: &Bytes) {
        if data.len() > CACHE_ITEM {
            return;
        }
        self.tick += 1;
        if let Some((_, old, _)) = self.map.insert(key, (kind, data.clone(), self.tick)) {
            self.bytes -= old.len() + 64;
        }
        self.bytes += data.len() + 64;
        if self.bytes > CACHE_BYTES {
            // The least recently used half goes, or less once a quarter of the budget is free.
            let mut ticks: Vec<u64> = self.map.values().map(|(_, _, t)| *t).collect();
            let half = ticks.len() / 2;
            let (_, &mut cut, _) = ticks.select_nth_unstable(half);
            let mut bytes = self.bytes;
            self.map.retain(|_, (_, d, t)| {
                let stay = *t >= cut || bytes <= CACHE_BYTES / 4 * 3;
                if !stay {
                    bytes -= d.len() + 64;
                }
                stay
            });
            self.bytes = bytes;
        }
    }
}

thread_local! {
    /// This thread's inflater, reset between objects rather than made for each.
    static INFLATE: std::cell::RefCell<Option<zlib_rs::Inflate>> =
        const { std::cell::RefCell::new(None) };
}

/// Run `f` with this thread's inflater.
fn with_inflater<T>(f: impl FnOnce(&mut zlib_rs::Inflate) -> T) -> T {
    INFLATE.with(|cell| {
        f(cell
            .borrow_mut()
            .get_or_insert_with(|| zlib_rs::Inflate::new(true, 15)))
    })
}

/// Why an object is not read here: not in these packs (or in a pack this reader does not read),
/// or found damaged; either way libgit2 reads it.
type Missed = &'static str;

/// Inflate the zlib stream at the start of `input` into exactly `size` bytes.
fn inflate(z: &mut zlib_rs::Inflate, input: &[u8], size: usize) -> Result<Vec<u8>, Missed> {
    if size > MAX_OBJECT {
        return Err("object too large");
    }
    z.reset(true);
    // One byte more than declared: a stream that holds more than its header says is damage.
    let mut out = vec![0u8; size + 1];
    match z.decompress(input, &mut out, zlib_rs::InflateFlush::Finish) {
        Ok(zlib_rs::Status::StreamEnd) if z.total_out() == size as u64 => {
            out.truncate(size);
            Ok(out)
        }
        _ => Err("damaged zlib stream"),
    }
}

/// The first bytes a zlib stream inflates to (at most `buf.len()`).
fn inflate_start<'b>(
    z: &mut zlib_rs::Inflate,
    input: &[u8],
    buf: &'b mut [u8],
) -> Result<&'b [u8], Missed> {
    z.reset(true);
    match z.decompress(input, buf, zlib_rs::InflateFlush::NoFlush) {
        Ok(_) => Ok(&buf[..z.total_out() as usize]),
        Err(_) => Err("damaged zlib stream"),
    }
}

impl Packs {
    /// The object at `at` in `pack`: its type and content.
    fn object_at(
        &self,
        z: &mut zlib_rs::Inflate,
        pack: usize,
        at: u64,
    ) -> Result<(ObjectType, Bytes), Missed> {
        // Down the chain to a base (or to an object read before), then the deltas applied back up.
        let mut chain: Vec<(usize, u64, usize, usize)> = Vec::new();
        let (mut p, mut o) = (pack, at);
        let (kind, mut base) = loop {
            if let Some(hit) = self.cache().get((p, o)) {
                break hit;
            }
            if chain.len() > MAX_CHAIN {
                return Err("delta chain too long");
            }
            let data = &self.packs[p].data[..];
            let start = usize::try_from(o).map_err(|_| "offset out of range")?;
            let (code, size, body) = entry_header(data, start).ok_or("damaged entry header")?;
            match code {
                1..=4 => {
                    let kind = object_type(code).ok_or("unknown type")?;
                    let input = data.get(body..).ok_or("truncated entry")?;
                    let out = Arc::new(inflate(z, input, size)?);
                    self.cache().keep((p, o), kind, &out);
                    break (kind, out);
                }
                6 => {
                    let (back, delta) = ofs_distance(data, body).ok_or("damaged entry header")?;
                    if back == 0 {
                        return Err("delta based on itself");
                    }
                    chain.push((p, o, delta, size));
                    o = o.checked_sub(back).ok_or("delta base out of range")?;
                }
                7 => {
                    let id = data.get(body..body + 20).ok_or("damaged entry header")?;
                    chain.push((p, o, body + 20, size));
                    (p, o) = self.locate(id).ok_or("delta base in no pack")?;
                }
                _ => return Err("unknown entry type"),
            }
        };
        while let Some((p, o, delta_at, size)) = chain.pop() {
            let input = self.packs[p]
                .data
                .get(delta_at..)
                .ok_or("truncated entry")?;
            let delta = inflate(z, input, size)?;
            let out = Arc::new(apply_delta(&base, &delta)?);
            self.cache().keep((p, o), kind, &out);
            base = out;
        }
        Ok((kind, base))
    }

    /// The size of the object at `at` in `pack`, reading no more than the start of its delta.
    fn size_at(&self, z: &mut zlib_rs::Inflate, pack: usize, at: u64) -> Result<usize, Missed> {
        if let Some((_, d)) = self.cache().get((pack, at)) {
            return Ok(d.len());
        }
        let data = &self.packs[pack].data[..];
        let start = usize::try_from(at).map_err(|_| "offset out of range")?;
        let (code, size, body) = entry_header(data, start).ok_or("damaged entry header")?;
        let delta_at = match code {
            1..=4 => return Ok(size),
            6 => ofs_distance(data, body).ok_or("damaged entry header")?.1,
            7 => body + 20,
            _ => return Err("unknown entry type"),
        };
        let mut buf = [0u8; 20];
        let input = data.get(delta_at..).ok_or("truncated entry")?;
        let head = inflate_start(z, input, &mut buf)?;
        let mut i = 0;
        delta_varint(head, &mut i).ok_or("truncated delta")?;
        delta_varint(head, &mut i).ok_or("truncated delta")
    }

    /// The object `oid` (its type and content), when it is in a pack this reader reads and reads
    /// whole; none otherwise (libgit2 is then asked). Not yet checked against its id.
    pub(crate) fn read(&self, oid: Oid) -> Option<(ObjectType, Bytes)> {
        let (pack, at) = self.locate(oid.as_bytes())?;
        with_inflater(|z| self.object_at(z, pack, at)).ok()
    }

    /// The size of the object `oid`, when it is in a pack this reader reads.
    pub(crate) fn size(&self, oid: Oid) -> Option<usize> {
        let (pack, at) = self.locate(oid.as_bytes())?;
        with_inflater(|z| self.size_at(z, pack, at)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A delta as git writes it: the base's size, the result's size, then the operations.
    fn delta(base_len: usize, len: usize, ops: &[u8]) -> Vec<u8> {
        let mut d = Vec::new();
        for mut n in [base_len, len] {
            loop {
                let b = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    d.push(b);
                    break;
                }
                d.push(b | 0x80);
            }
        }
        d.extend_from_slice(ops);
        d
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello, world";
        // Copy 5 bytes from 0, insert "!!", copy 5 bytes from 7.
        let ops = [0x90 | 0x01, 0, 5, 2, b'!', b'!', 0x90 | 0x01, 7, 5];
        let d = delta(base.len(), 12, &ops);
        assert_eq!(apply_delta(base, &d).unwrap(), b"hello!!world");
        // A copy of size 0 means 0x10000 bytes.
        let big = vec![7u8; 0x10000];
        let d = delta(big.len(), 0x10000, &[0x80]);
        assert_eq!(apply_delta(&big, &d).unwrap(), big);
    }

    #[test]
    fn damaged_deltas_are_refused() {
        let base = b"hello, world";
        let copy = [0x90 | 0x01, 0, 5];
        for (d, why) in [
            (delta(11, 5, &copy), "delta base of the wrong size"),
            (
                delta(12, 5, &[0x90 | 0x01, 10, 5]),
                "delta copy out of range",
            ),
            (delta(12, 5, &[0]), "delta opcode 0"),
            (delta(12, 5, &[3, b'a']), "truncated delta"),
            (delta(12, 4, &copy), "delta result longer than declared"),
            (delta(12, 6, &copy), "delta result shorter than declared"),
            (vec![0x80], "truncated delta"),
        ] {
            assert_eq!(apply_delta(base, &d), Err(why));
        }
    }

    #[test]
    fn entry_headers_and_offsets() {
        // A blob of 300 bytes: type 3, size 300 = 0b1_0010_1100.
        assert_eq!(entry_header(&[0xbc, 0x12, 9], 0), Some((3, 300, 2)));
        assert_eq!(entry_header(&[0xbc], 0), None);
        // An offset of 128 is written 0x80 0x00; of 1, 0x01.
        assert_eq!(ofs_distance(&[0x80, 0x00], 0), Some((128, 2)));
        assert_eq!(ofs_distance(&[0x01], 0), Some((1, 1)));
        assert_eq!(ofs_distance(&[0xff; 20], 0), None);
    }

    fn git(dir: &Path, args: &[&str]) {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=Dev", "-c", "user.email=dev@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}: {out:?}");
    }

    /// Every object of a repacked history (deep delta chains included) reads here as libgit2
    /// reads it, whatever the order, and each size is its object's.
    #[test]
    fn packed_objects_read_as_libgit2_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q"]);
        let mut text = String::from("# Model card\n\n## Uses\n\nOne line.\n");
        for i in 0..40 {
            text.push_str(&format!(
                "\n## Section {i}\n\nA paragraph about version {i}.\n"
            ));
            std::fs::write(dir.path().join("README.md"), &text).unwrap();
            std::fs::write(dir.path().join(format!("f{}.txt", i % 3)), "x".repeat(i)).unwrap();
            git(dir.path(), &["add", "-A"]);
            git(dir.path(), &["commit", "-qm", &format!("v{i}")]);
        }
        git(
            dir.path(),
            &["repack", "-adfq", "--depth=50", "--window=50"],
        );
        let repo = git2::Repository::open(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let packs = Arc::new(Packs::open(&repo.path().join("objects")));
        assert_eq!(packs.packs.len(), 1);
        let pack = &packs.packs[0];
        let ids: Vec<Oid> = (0..pack.count)
            .map(|i| {
                let at = 8 + 256 * 4 + i * 20;
                Oid::from_bytes(&pack.idx[at..at + 20]).unwrap()
            })
            .collect();
        let deltas = ids
            .iter()
            .filter(|id| {
                let at = pack.offset_of(id.as_bytes()).unwrap() as usize;
                matches!(entry_header(&pack.data, at).unwrap().0, 6 | 7)
            })
            .count();
        assert!(deltas >= 30, "only {deltas} deltas");
        // In id order, then again in reverse (other cache hits).
        for id in ids.iter().chain(ids.iter().rev()) {
            let want = odb.read(*id).unwrap();
            let (kind, data) = packs.read(*id).expect("read from the pack");
            assert_eq!((kind, &data[..]), (want.kind(), want.data()), "{id}");
            assert_eq!(packs.size(*id), Some(want.len()), "{id}");
        }
        // An object in no pack is left to libgit2.
        let loose = odb.write(ObjectType::Blob, b"not packed").unwrap();
        assert!(packs.read(loose).is_none());
        assert!(packs.size(loose).is_none());

        // More commits packed on their own, twice: three packs, each object found in its own
        // whichever pack was asked last.
        for round in 0..2 {
            for i in 0..5 {
                text.push_str(&format!("\nMore {round} {i}.\n"));
                std::fs::write(dir.path().join("README.md"), &text).unwrap();
                git(
                    dir.path(),
                    &["commit", "-qam", &format!("more {round} {i}")],
                );
            }
            git(dir.path(), &["repack", "-dq"]);
        }
        let packs = Arc::new(Packs::open(&repo.path().join("objects")));
        assert_eq!(packs.packs.len(), 3);
        let mut all = Vec::new();
        odb.foreach(|id| {
            all.push(*id);
            true
        })
        .unwrap();
        all.retain(|id| *id != loose);
        assert!(all.len() > ids.len());
        for id in all.iter().chain(all.iter().rev()) {
            let want = odb.read(*id).unwrap();
            let (kind, data) = packs.read(*id).expect("read from a pack");
            assert_eq!((kind, &data[..]), (want.kind(), want.data()), "{id}");
        }
    }
}
