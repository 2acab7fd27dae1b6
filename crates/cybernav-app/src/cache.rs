//! Short-lived in-memory copies of what almost every request reads and almost nothing
//! changes: who a bearer token belongs to, and the registry's election authorities. With
//! them, an API listing usually costs no database query at all.
//!
//! An entry is trusted only while two things hold: the store's write epoch is the one noted
//! *before* the entry was read from the database (so nothing committed on this server since —
//! a revoked token, a disabled account, a new role, a renamed authority or a navigator
//! assignment — can be missed), and it is younger than [`CACHE_TTL`] (which bounds how long a
//! change made on *another* server replica of a PostgreSQL deployment takes to show here).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use cybernav_core::authz::Actor;
use time::OffsetDateTime;
use uuid::Uuid;

/// How long an entry may be served at most.
pub const CACHE_TTL: Duration = Duration::from_secs(5);

/// A map whose entries are valid only at the write epoch they were read at, for
/// [`CACHE_TTL`] at most, with at most `max_entries` kept (a bound on memory, not an LRU: when
/// full, stale entries go, and if that is not enough, all go).
pub struct EpochCache<K, V> {
    entries: Mutex<HashMap<K, Entry<V>>>,
    max_entries: usize,
}

struct Entry<V> {
    value: V,
    epoch: u64,
    read_at: Instant,
}

impl<V> Entry<V> {
    fn valid_at(&self, epoch: u64) -> bool {
        self.epoch == epoch && self.read_at.elapsed() < CACHE_TTL
    }
}

impl<K: Eq + Hash, V: Clone> EpochCache<K, V> {
    /// An empty cache keeping at most `max_entries`.
    pub fn new(max_entries: usize) -> Self {
        EpochCache {
            entries: Mutex::new(HashMap::new()),
            max_entries: max_entries.max(1),
        }
    }

    /// The value for `key`, if it was read at write epoch `epoch` and is still young.
    pub fn get(&self, key: &K, epoch: u64) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|e| e.valid_at(epoch))
            .map(|e| e.value.clone())
    }

    /// Keeps `value`, read from the database at write epoch `epoch` (noted before reading).
    pub fn put(&self, key: K, epoch: u64, value: V) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= self.max_entries {
            entries.retain(|_, e| e.valid_at(epoch));
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                value,
                epoch,
                read_at: Instant::now(),
            },
        );
    }

    /// The valid value already kept for `key` at `epoch`, or else `value`, now kept: when
    /// several requests read the same thing at once, the first to finish is the one kept.
    pub fn get_or_put(&self, key: K, epoch: u64, value: V) -> V {
        if let Some(kept) = self.get(&key, epoch) {
            return kept;
        }
        self.put(key, epoch, value.clone());
        value
    }

    /// Runs `change` on the valid value for `key`, under the cache's lock, so that of several
    /// requests changing it at once each sees what the one before left; `None` when there is
    /// no valid value.
    pub fn update<R>(&self, key: &K, epoch: u64, change: impl FnOnce(&mut V) -> R) -> Option<R> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get_mut(key)
            .filter(|e| e.valid_at(epoch))
            .map(|e| change(&mut e.value))
    }

    /// How many entries are kept (valid or not).
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A bearer token found live, and what the database said of it.
#[derive(Debug, Clone)]
pub struct CheckedToken {
    /// The token's row id.
    pub token_id: Uuid,
    /// The live account's actor.
    pub actor: Actor,
    /// When the token was last recorded as used.
    pub last_used_at: Option<OffsetDateTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_serves_only_at_the_epoch_it_was_read() {
        let c: EpochCache<&str, u32> = EpochCache::new(8);
        c.put("k", 7, 42);
        assert_eq!(c.get(&"k", 7), Some(42));
        assert_eq!(c.get(&"k", 8), None, "a later write must invalidate");
        assert_eq!(c.get(&"other", 7), None);
    }

    #[test]
    fn the_first_value_kept_wins_and_updates_see_each_other() {
        let c: EpochCache<&str, u32> = EpochCache::new(8);
        assert_eq!(c.get_or_put("k", 1, 10), 10);
        assert_eq!(c.get_or_put("k", 1, 20), 10, "the first read stays");
        assert_eq!(c.get_or_put("k", 2, 30), 30, "a newer epoch replaces it");
        let claim = |v: &mut u32| {
            let first = *v == 30;
            *v = 31;
            first
        };
        assert_eq!(c.update(&"k", 2, claim), Some(true));
        assert_eq!(
            c.update(&"k", 2, claim),
            Some(false),
            "the second sees the first's change"
        );
        assert_eq!(
            c.update(&"k", 3, claim),
            None,
            "nothing valid at a later epoch"
        );
    }

    #[test]
    fn the_cache_stays_bounded() {
        let c: EpochCache<usize, ()> = EpochCache::new(100);
        for i in 0..250 {
            c.put(i, 1, ());
        }
        assert!(c.len() <= 100, "{} entries", c.len());
        assert_eq!(c.get(&249, 1), Some(()), "the newest entry is kept");
    }

    #[test]
    fn entries_from_an_older_epoch_go_first_when_full() {
        let c: EpochCache<usize, ()> = EpochCache::new(3);
        c.put(1, 1, ());
        c.put(2, 1, ());
        c.put(3, 2, ());
        c.put(4, 2, ());
        assert_eq!(c.len(), 2, "the two epoch-1 entries were dropped");
        assert_eq!(c.get(&3, 2), Some(()));
    }
}
