//! Domain names with suffix semantics: an indicator `evil.example` matches `evil.example` and
//! `a.b.evil.example`, never `notevil.example`.
//!
//! Each name is hashed label by label from the right, so the hash of `b.evil.example` is the
//! hash of `evil.example` carried on with the label `b`. The table holds the hash of every
//! indicator and, as *markers*, the hashes of every shorter suffix of one (`example` for
//! `evil.example`): a lookup walks the name's suffixes from the top-level label down and stops
//! at the first suffix that is neither, usually after the second label.
//!
//! On a large table each step is a cache miss. A bit map of the hashes, small enough to stay
//! in cache, turns most absent suffixes away without touching the table; and a lookup first computes the hashes of all the
//! name's suffixes (no memory needed), asks for all their slots at once, then walks: the misses
//! overlap instead of following one another. A slot holds the hash, the indicator and where its
//! text starts, so a found hash is confirmed against the indicator's text (a hash collision never
//! makes a false hit) with one more read, made once, for the longest match only.

use super::hashing::{SEED, label_hash};
use super::prefetch::prefetch;

/// A suffix that is no indicator but leads to one.
const MARKER: u32 = u32::MAX;

/// The longest name looked up; DNS names are at most 253 characters.
pub const MAX_NAME: usize = 255;

/// The most labels a name can have within `MAX_NAME`.
const MAX_LABELS: usize = MAX_NAME.div_ceil(2);

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The suffix's hash; 0 for an empty slot.
    key: u64,
    /// The indicator, or `MARKER`.
    val: u32,
    /// Where the indicator's text starts in the index's text.
    text: u32,
}

/// Domain names to values (indicator numbers).
#[derive(Debug, Clone)]
pub struct SuffixTable {
    slots: Vec<Slot>,
    shift: u32,
    domains: usize,
    /// One bit per hash block holding at least one suffix, 16 bits per suffix: a few megabytes
    /// that stay in the processor's cache, where the table (over 100 MB for a million names)
    /// does not; a clear bit ends a lookup without reading the table.
    filter: Vec<u64>,
    filter_mask: u64,
}

impl SuffixTable {
    /// A table for `items` (normalised names: lower case, no trailing dot; with the offset of
    /// each name's text); a name given twice keeps the first value and the later ones are
    /// returned in `duplicates`.
    pub fn build<'a>(
        items: impl Iterator<Item = (&'a str, u32, u32)> + Clone,
        duplicates: &mut Vec<u32>,
    ) -> SuffixTable {
        // Every label of every name may start a distinct suffix: size for all of them, at most
        // two thirds full, so the table can never fill whatever the names are.
        let labels: usize = items
            .clone()
            .map(|(n, _, _)| n.bytes().filter(|&b| b == b'.').count() + 1)
            .sum();
        let slots = (labels.max(8) * 3 / 2).next_power_of_two();
        let bits = (labels.max(8) * 16)
            .next_power_of_two()
            .clamp(1 << 12, 1 << 28);
        let mut t = SuffixTable {
            slots: vec![Slot::default(); slots],
            shift: 64 - slots.trailing_zeros(),
            domains: 0,
            filter: vec![0; bits / 64],
            filter_mask: bits as u64 - 1,
        };
        for (name, val, text) in items {
            let mut h = SEED;
            let mut labels = name.rsplit('.').peekable();
            while let Some(label) = labels.next() {
                h = label_hash(h, label.as_bytes());
                let b = t.filter_bit(h);
                t.filter[b / 64] |= 1 << (b % 64);
                let i = t.slot_for(h);
                let slot = &mut t.slots[i];
                if slot.key == 0 {
                    *slot = Slot {
                        key: h,
                        val: MARKER,
                        text: 0,
                    };
                }
                if labels.peek().is_none() {
                    if slot.val == MARKER {
                        slot.val = val;
                        slot.text = text;
                        t.domains += 1;
                    } else {
                        duplicates.push(val);
                    }
                }
            }
        }
        t
    }

    /// The filter's bit for a hash: its low bits (the slot comes from the high ones).
    #[inline]
    fn filter_bit(&self, h: u64) -> usize {
        (h & self.filter_mask) as usize
    }

    fn slot_for(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        while self.slots[i].key != 0 && self.slots[i].key != h {
            i = (i + 1) & mask;
        }
        i
    }

    #[inline]
    fn get(&self, h: u64) -> Option<&Slot> {
        let mask = self.slots.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let s = &self.slots[i];
            if s.key == h {
                return Some(s);
            }
            if s.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of the longest indicator that is `name` or a parent of it. `name` may be in
    /// any case and end in a dot; `text` is the index's text, where each indicator's name is.
    #[inline]
    pub fn lookup(&self, name: &[u8], text: &str) -> Option<u32> {
        let name = name.strip_suffix(b".").unwrap_or(name);
        if name.is_empty() || name.len() > MAX_NAME || self.domains == 0 {
            return None;
        }
        let mut buf = [0u8; MAX_NAME];
        let lower = &mut buf[..name.len()];
        for (d, &s) in lower.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        let lower = &buf[..name.len()];
        // Every suffix's hash and start, top-level label first; ask for their slots.
        let mut hashes = [(0u64, 0usize); MAX_LABELS];
        let mut n = 0;
        let mut h = SEED;
        let mut end = lower.len();
        loop {
            let start = memchr::memrchr(b'.', &lower[..end]).map_or(0, |i| i + 1);
            let label = &lower[start..end];
            if label.is_empty() || n == MAX_LABELS {
                break;
            }
            h = label_hash(h, label);
            hashes[n] = (h, start);
            prefetch(self.filter.as_ptr().wrapping_add(self.filter_bit(h) / 64));
            prefetch(self.slots.as_ptr().wrapping_add((h >> self.shift) as usize));
            n += 1;
            if start == 0 {
                break;
            }
            end = start - 1;
        }
        let mut best = None;
        for &(h, start) in &hashes[..n] {
            let b = self.filter_bit(h);
            if self.filter[b / 64] & (1 << (b % 64)) == 0 {
                break;
            }
            match self.get(h) {
                None => break,
                Some(s) if s.val == MARKER => {}
                Some(s) => best = Some((s, start)),
            }
        }
        let (slot, start) = best?;
        let want = &lower[start..];
        let at = slot.text as usize;
        (text.as_bytes().get(at..at + want.len()) == Some(want)).then_some(slot.val)
    }

    /// How many distinct names.
    pub fn len(&self) -> usize {
        self.domains
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.domains == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.slots.len() * std::mem::size_of::<Slot>() + self.filter.len() * 8
    }
}
