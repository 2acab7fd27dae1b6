//! Exact addresses: an open-addressing hash table with linear probing, keys and values in two
//! arrays so a miss (the common case) touches one cache line of keys.
//!
//! The key 0 (`0.0.0.0`, `::`) marks an empty slot, so that one address is kept aside.

use super::Addr;

/// Addresses to values (indicator numbers).
#[derive(Debug, Clone)]
pub struct ExactTable<A: Addr> {
    keys: Vec<A>,
    vals: Vec<u32>,
    shift: u32,
    zero: Option<u32>,
    len: usize,
}

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
        };
        for &(addr, val) in items {
            if !t.insert(addr, val) {
                duplicates.push(val);
            }
        }
        t
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
        self.keys.len() * (std::mem::size_of::<A>() + 4)
    }
}
