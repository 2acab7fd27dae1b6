//! Domain names with suffix semantics: an indicator `evil.example` matches `evil.example` and
//! `a.b.evil.example`, never `notevil.example`.
//!
//! Each name is hashed label by label from the right, so the hash of `b.evil.example` is the
//! hash of `evil.example` carried on with the label `b`. The table holds the hash of every
//! indicator and, as *markers*, the hashes of every shorter suffix of one (`example` for
//! `evil.example`): a lookup walks the name's suffixes from the top-level label down and stops
//! at the first suffix that is neither, usually after the second label. A found hash is
//! checked against the indicator's text, so a hash collision never makes a false hit.

use super::hashing::{SEED, label_hash};

/// A suffix that is no indicator but leads to one.
const MARKER: u32 = u32::MAX;

/// The longest name looked up; DNS names are at most 253 characters.
pub const MAX_NAME: usize = 255;

/// Domain names to values (indicator numbers).
#[derive(Debug, Clone)]
pub struct SuffixTable {
    keys: Vec<u64>,
    vals: Vec<u32>,
    shift: u32,
    domains: usize,
}

impl SuffixTable {
    /// A table for `items` (normalised names: lower case, no trailing dot); a name given twice
    /// keeps the first value and the later ones are returned in `duplicates`.
    pub fn build<'a>(
        items: impl ExactSizeIterator<Item = (&'a str, u32)> + Clone,
        duplicates: &mut Vec<u32>,
    ) -> SuffixTable {
        // Markers add about one entry per indicator (shared top-level labels fold together).
        let slots = (items.len().max(8) * 4).next_power_of_two();
        let mut t = SuffixTable {
            keys: vec![0; slots],
            vals: vec![MARKER; slots],
            shift: 64 - slots.trailing_zeros(),
            domains: 0,
        };
        for (name, val) in items {
            let mut h = SEED;
            let mut labels = name.rsplit('.').peekable();
            while let Some(label) = labels.next() {
                h = label_hash(h, label.as_bytes());
                let slot = t.slot_for(h);
                let last = labels.peek().is_none();
                if t.keys[slot] == 0 {
                    t.keys[slot] = h;
                    t.vals[slot] = MARKER;
                }
                if last {
                    if t.vals[slot] == MARKER {
                        t.vals[slot] = val;
                        t.domains += 1;
                    } else {
                        duplicates.push(val);
                    }
                }
            }
        }
        t
    }

    fn slot_for(&self, h: u64) -> usize {
        let mask = self.keys.len() - 1;
        let mut i = (h >> self.shift) as usize;
        while self.keys[i] != 0 && self.keys[i] != h {
            i = (i + 1) & mask;
        }
        i
    }

    #[inline]
    fn get(&self, h: u64) -> Option<u32> {
        let mask = self.keys.len() - 1;
        let mut i = (h >> self.shift) as usize;
        loop {
            let k = self.keys[i];
            if k == h {
                return Some(self.vals[i]);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of the longest indicator that is `name` or a parent of it. `name` may be in
    /// any case and end in a dot; `text_of` gives an indicator's name, to rule out a collision.
    #[inline]
    pub fn lookup<'t>(&self, name: &[u8], text_of: impl Fn(u32) -> &'t str) -> Option<u32> {
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
        let mut h = SEED;
        let mut end = lower.len();
        let mut best = None;
        loop {
            let start = memchr::memrchr(b'.', &lower[..end]).map_or(0, |i| i + 1);
            let label = &lower[start..end];
            if label.is_empty() {
                break;
            }
            h = label_hash(h, label);
            match self.get(h) {
                None => break,
                Some(MARKER) => {}
                Some(v) => {
                    if text_of(v).as_bytes() == &lower[start..] {
                        best = Some(v);
                    }
                }
            }
            if start == 0 {
                break;
            }
            end = start - 1;
        }
        best
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
        self.keys.len() * 12
    }
}
