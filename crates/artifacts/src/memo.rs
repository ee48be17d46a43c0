//! Results of pure functions of a text, remembered by the text's hash across the documents of a
//! run (a history holds the same sections in thousands of versions).
//!
//! Bounded: each shard forgets its older half once what it holds passes its share of the budget,
//! and what was used since is kept. What is remembered is what the function gives, so a run's
//! output is the same whether a value was remembered or not, and whatever the number of threads.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

const SHARDS: usize = 16;

/// A text's key: its 128-bit XXH3 hash, seeded at random once per process.
///
/// Keys live only as long as the process (nothing keeps them on disk), so the hash need not be a
/// cryptographic one; it was BLAKE3, whose cost per call on texts of a few hundred bytes was 5 %
/// of a history run. The random seed means no text can be written to collide with another's key
/// ahead of a run.
pub type TextKey = [u8; 16];

/// This process's seed of the keys.
static SEED: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write(b"aimslint text keys");
    h.finish()
});

/// The key of a text.
pub fn text_key(text: &str) -> TextKey {
    xxhash_rust::xxh3::xxh3_128_with_seed(text.as_bytes(), *SEED).to_le_bytes()
}

/// The key of a text from the keys of the parts it was cut into, in order: a text's parts decide
/// the text, so this names it as well as `text_key` of the whole does (in another domain, so the
/// two never meet), without reading it again.
pub fn key_of_parts<'a>(parts: impl IntoIterator<Item = &'a TextKey>) -> TextKey {
    let mut h = xxhash_rust::xxh3::Xxh3::with_seed(*SEED);
    h.update(b"aimslint parts\0");
    for p in parts {
        h.update(p);
    }
    h.digest128().to_le_bytes()
}

struct Generations<K, V> {
    now: HashMap<K, V, KeyHash>,
    before: HashMap<K, V, KeyHash>,
    weight: usize,
}

/// Values by a key that starts with a text's hash, in shards (by a byte of that hash) so that
/// threads rarely wait on each other.
pub struct Memo<K, V> {
    shards: [Mutex<Option<Generations<K, V>>>; SHARDS],
    budget: usize,
}

impl<K, V> std::fmt::Debug for Memo<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("budget", &self.budget)
            .finish()
    }
}

/// Values by the hash of the text they were made from.
pub(crate) type TextMemo<V> = Memo<TextKey, V>;

/// A key whose first bytes are a text's hash.
pub trait HashedKey: Hash + Eq + Copy {
    /// The text hash the key holds.
    fn text(&self) -> &TextKey;
}

impl HashedKey for TextKey {
    fn text(&self) -> &TextKey {
        self
    }
}

impl<A: Hash + Eq + Copy, B: Hash + Eq + Copy> HashedKey for (TextKey, A, B) {
    fn text(&self) -> &TextKey {
        &self.0
    }
}

impl<V: Clone> TextMemo<V> {
    /// The value for `text`: remembered, or made by `make` and remembered.
    pub(crate) fn get_or(
        &self,
        text: &str,
        weight: impl Fn(&V) -> usize,
        make: impl FnOnce() -> V,
    ) -> V {
        self.get_or_by(text_key(text), weight, make)
    }
}

impl<K: HashedKey, V: Clone> Memo<K, V> {
    /// A memo that holds values of at most about `budget` bytes in all (as `weight` counts them).
    pub const fn new(budget: usize) -> Memo<K, V> {
        Memo {
            shards: [const { Mutex::new(None) }; SHARDS],
            budget,
        }
    }

    /// The value for `k`: remembered, or made by `make` and remembered.
    pub fn get_or_by(&self, k: K, weight: impl Fn(&V) -> usize, make: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(&k, &weight) {
            return v;
        }
        // Made outside the lock: another thread may make the same value meanwhile, which is
        // only work done twice.
        let v = make();
        self.insert(k, v.clone(), weight(&v));
        v
    }

    fn shard(&self, k: &K) -> std::sync::MutexGuard<'_, Option<Generations<K, V>>> {
        self.shards[usize::from(k.text()[15]) % SHARDS]
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The value remembered for `k`, if it is.
    pub fn get(&self, k: &K, weight: impl Fn(&V) -> usize) -> Option<V> {
        let mut guard = self.shard(k);
        let g = guard.get_or_insert_with(Generations::new);
        if let Some(v) = g.now.get(k) {
            return Some(v.clone());
        }
        let v = g.before.remove(k)?;
        g.weight += weight(&v);
        g.now.insert(*k, v.clone());
        Some(v)
    }

    /// Remember `v` for `k`; `weight` is what it counts against the budget.
    pub fn insert(&self, k: K, v: V, weight: usize) {
        let mut guard = self.shard(&k);
        let g = guard.get_or_insert_with(Generations::new);
        g.weight += weight;
        g.now.insert(k, v);
        if g.weight > self.budget / SHARDS / 2 {
            g.before = std::mem::take(&mut g.now);
            g.weight = 0;
        }
    }
}

impl<K, V> Generations<K, V> {
    fn new() -> Generations<K, V> {
        Generations {
            now: HashMap::default(),
            before: HashMap::default(),
            weight: 0,
        }
    }
}

/// Keys are hashes already: their first bytes are the map's hash.
#[derive(Default, Clone, Copy)]
struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(0)
    }
}

struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_and_forgotten_past_the_budget() {
        let memo: TextMemo<usize> = TextMemo::new(SHARDS * 2 * 100);
        let made = std::cell::Cell::new(0);
        let get = |t: &str| {
            memo.get_or(
                t,
                |_| 60,
                || {
                    made.set(made.get() + 1);
                    t.len()
                },
            )
        };
        assert_eq!(get("abc"), 3);
        assert_eq!(get("abc"), 3);
        assert_eq!(made.get(), 1);
        // Many more texts than the budget holds: the first is made again, once.
        for i in 0..10_000 {
            get(&format!("text {i}"));
        }
        assert_eq!(get("abc"), 3);
        let after = made.get();
        assert_eq!(get("abc"), 3);
        assert_eq!(made.get(), after);
        assert_eq!(after, 10_002);
        // Nothing holds more than its share: each shard keeps at most two generations.
        let held: usize = memo
            .shards
            .iter()
            .map(|s| {
                s.lock()
                    .unwrap()
                    .as_ref()
                    .map_or(0, |g| g.now.len() + g.before.len())
            })
            .sum();
        assert!(held <= SHARDS * 4, "{held}");
    }
}
