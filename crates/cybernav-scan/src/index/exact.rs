//! Exact addresses: an open-addressing hash table with linear probing, keys and values in two
//! arrays so a miss (the common case) touches one cache line of keys.
//!
//! The key 0 (`0.0.0.0`, `::`) marks an empty slot, so that one address is kept aside.
//!
//! A large table is a miss in the processor's caches for nearly every lookup, and nearly every
//! address in a log is in no table. So a bit map comes first, one bit per block of addresses
//! (the top bits of an IPv4 address, a hash of an IPv6 one) at about 16 blocks per address held:
//! a few megabytes that stay in cache, and a clear bit answers "no" without touching the table.

use super::Addr;

/// Addresses to values (indicator numbers).
#[derive(Debug, Clone)]
pub struct ExactTable<A: Addr> {
    keys: Vec<A>,
    vals: Vec<u32>,
    shift: u32,
    zero: Option<u32>,
    len: usize,
    /// One bit per block of addresses holding at least one key; empty for small tables.
    filter: Vec<u64>,
    filter_shift: u32,
}

/// Tables smaller than this fit in cache and need no bit map.
const FILTER_FROM: usize = 1 << 14;

impl<A: Addr> ExactTable<A> {
    /// A table for `items`; where an address comes twice the first value is kept and the
    /// later one is returned in `duplicates`.
    pub fn build(items: &[(A, u32)], duplicates: &mut Vec<u32>) -> ExactTable<A> {
        // At most half full: probes stay short and a miss usually ends at the first slot.
        let slots = (items.len().max(8) * 2).next_power_of_two();
        let mut t = ExactTable {
            keys: vec![A::ZERO; slots],
            vals: vec![0; slots],
            shift: 64 - slots.trailing_zeros(),
            zero: None,
            len: 0,
            filter: Vec::new(),
            filter_shift: 64,
        };
        for &(addr, val) in items {
            if !t.insert(addr, val) {
                duplicates.push(val);
            }
        }
        if t.len >= FILTER_FROM {
            let bits = (t.len * 16).next_power_of_two().clamp(1 << 16, 1 << 27);
            t.filter = vec![0; bits / 64];
            t.filter_shift = 64 - bits.trailing_zeros();
            for &(addr, _) in items {
                let b = t.filter_bit(addr);
                t.filter[b / 64] |= 1 << (b % 64);
            }
        }
        t
    }

    #[inline]
    fn filter_bit(&self, addr: A) -> usize {
        (addr.block() >> self.filter_shift) as usize
    }

    fn insert(&mut self, addr: A, val: u32) -> bool {
        if addr == A::ZERO {
            if self.zero.is_some() {
                return false;
            }
            self.zero = Some(val);
            self.len += 1;
            return true;
        }
        let mask = self.keys.len() - 1;
        let mut i = (addr.mix() >> self.shift) as usize;
        loop {
            let k = self.keys[i];
            if k == A::ZERO {
                self.keys[i] = addr;
                self.vals[i] = val;
                self.len += 1;
                return true;
            }
            if k == addr {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /// The value stored for `addr`.
    #[inline]
    pub fn get(&self, addr: A) -> Option<u32> {
        if addr == A::ZERO {
            return self.zero;
        }
        if !self.filter.is_empty() {
            let b = self.filter_bit(addr);
            if self.filter[b / 64] & (1 << (b % 64)) == 0 {
                return None;
            }
        }
        let mask = self.keys.len() - 1;
        let mut i = (addr.mix() >> self.shift) as usize;
        loop {
            let k = self.keys[i];
            if k == addr {
                return Some(self.vals[i]);
            }
            if k == A::ZERO {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Starts loading what [`ExactTable::get`] will read first for `addr`.
    #[inline]
    pub fn prefetch(&self, addr: A) {
        if !self.filter.is_empty() {
            super::prefetch::prefetch(
                self.filter
                    .as_ptr()
                    .wrapping_add(self.filter_bit(addr) / 64),
            );
        } else if !self.keys.is_empty() {
            let slot = (addr.mix() >> self.shift) as usize;
            super::prefetch::prefetch(self.keys.as_ptr().wrapping_add(slot));
        }
    }

    /// How many addresses.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.keys.len() * (std::mem::size_of::<A>() + 4) + self.filter.len() * 8
    }
}
