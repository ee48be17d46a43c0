//! Results of pure functions of a text, remembered by the text's hash across the documents of a
//! run (a history holds the same sections in thousands of versions).
//!
//! Bounded: each shard forgets its older half once what it holds passes its share of the budget,
//! and what was used since is kept. What is remembered is what the function gives, so a run's
//! output is the same whether a value was remembered or not, and whatever the number of threads.

use std::collections::HashMap;
use std::sync::Mutex;

const SHARDS: usize = 16;

/// A text's key: 128 bits of its BLAKE3 hash.
type Key = [u8; 16];

struct Generations<V> {
    now: HashMap<Key, V, KeyHash>,
    before: HashMap<Key, V, KeyHash>,
    weight: usize,
}

/// Values by the hash of the text they were made from, in shards (by a byte of the key) so that
/// threads rarely wait on each other.
pub(crate) struct TextMemo<V> {
    shards: [Mutex<Option<Generations<V>>>; SHARDS],
    budget: usize,
}

impl<V: Clone> TextMemo<V> {
    /// A memo that holds values of at most about `budget` bytes in all (as `weight` counts them).
    pub(crate) const fn new(budget: usize) -> TextMemo<V> {
        TextMemo {
            shards: [const { Mutex::new(None) }; SHARDS],
            budget,
        }
    }

    /// The value for `text`: remembered, or made by `make` and remembered.
    pub(crate) fn get_or(
        &self,
        text: &str,
        weight: impl Fn(&V) -> usize,
        make: impl FnOnce() -> V,
    ) -> V {
        let h = blake3::hash(text.as_bytes());
        let mut k = [0u8; 16];
        k.copy_from_slice(&h.as_bytes()[..16]);
        let shard = &self.shards[usize::from(k[15]) % SHARDS];
        {
            let mut guard = shard
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let g = guard.get_or_insert_with(Generations::new);
            if let Some(v) = g.now.get(&k) {
                return v.clone();
            }
            if let Some(v) = g.before.remove(&k) {
                g.weight += weight(&v);
                g.now.insert(k, v.clone());
                return v;
            }
        }
        // Made outside the lock: another thread may make the same value meanwhile, which is
        // only work done twice.
        let v = make();
        let mut guard = shard
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let g = guard.get_or_insert_with(Generations::new);
        g.weight += weight(&v);
        g.now.insert(k, v.clone());
        if g.weight > self.budget / SHARDS / 2 {
            g.before = std::mem::take(&mut g.now);
            g.weight = 0;
        }
        v
    }
}

impl<V> Generations<V> {
    fn new() -> Generations<V> {
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
