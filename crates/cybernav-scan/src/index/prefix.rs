//! Longest-prefix match over CIDR networks.
//!
//! CIDR blocks nest or are disjoint, so the address space splits into elementary intervals,
//! each covered by one innermost network (or none). They are built once, sorted by their first
//! address; a lookup finds the interval holding the address. A first-level table indexed by
//! the top 16 bits of the address names the intervals that meet each 1/65,536th of the space,
//! so the binary search that follows runs over a handful of intervals, not over all of them.
//! A general trie walks one node per bit or stride and misses the cache at each; this does
//! one table read and a short search in one or two cache lines.

use super::Addr;

/// No network covers the interval.
const NONE: u32 = u32::MAX;

/// Networks to values (indicator numbers or allowlist entries).
#[derive(Debug, Clone)]
pub struct PrefixTable<A: Addr> {
    /// First address of each interval; `starts[0]` is 0.
    starts: Vec<A>,
    /// The value of the innermost network covering each interval, or `NONE`.
    vals: Vec<u32>,
    /// For each top-16-bit bucket `b`, the interval holding the bucket's first address; one
    /// more entry for the end.
    first: Vec<u32>,
    networks: usize,
}

impl<A: Addr> PrefixTable<A> {
    /// A table for `items` (first address with host bits clear, prefix length, value). The same
    /// network twice keeps the first value; the later ones are returned in `duplicates`.
    pub fn build(items: &[(A, u8, u32)], duplicates: &mut Vec<u32>) -> PrefixTable<A> {
        let mut sorted: Vec<(A, u8, u32, usize)> = items
            .iter()
            .enumerate()
            .map(|(i, &(a, p, v))| (a, p, v, i))
            .collect();
        // Outer networks before the networks they hold; for the same network, input order.
        sorted.sort_unstable_by_key(|x| (x.0, x.1, x.3));
        let mut out = Intervals {
            starts: vec![A::ZERO],
            vals: vec![NONE],
        };
        // The networks covering the current point, innermost last: (last address, value).
        let mut stack: Vec<(A, u32)> = Vec::new();
        let mut previous: Option<(A, u8)> = None;
        let mut networks = 0;
        for &(start, prefix, val, _) in &sorted {
            if previous == Some((start, prefix)) {
                duplicates.push(val);
                continue;
            }
            previous = Some((start, prefix));
            networks += 1;
            while let Some(&(end, _)) = stack.last() {
                if end >= start {
                    break;
                }
                stack.pop();
                out.resume_after(end, &stack);
            }
            out.push(start, val);
            stack.push((A::last_of(start, prefix), val));
        }
        while let Some((end, _)) = stack.pop() {
            out.resume_after(end, &stack);
        }
        let first = (0..=65_536usize)
            .map(|b| {
                let point = A::bucket_start(b);
                // The last interval starting at or before the bucket's first address.
                let n = match point {
                    Some(p) => out.starts.partition_point(|&s| s <= p),
                    None => out.starts.len(),
                };
                (n - 1) as u32
            })
            .collect();
        PrefixTable {
            starts: out.starts,
            vals: out.vals,
            first,
            networks,
        }
    }

    /// The value of the longest network holding `addr`.
    #[inline]
    pub fn get(&self, addr: A) -> Option<u32> {
        let b = addr.top16();
        let lo = self.first[b] as usize;
        let hi = self.first[b + 1] as usize;
        // Intervals lo..=hi meet this bucket; lo starts at or before addr.
        let i = if hi > lo {
            lo + self.starts[lo + 1..=hi].partition_point(|&s| s <= addr)
        } else {
            lo
        };
        let v = self.vals[i];
        (v != NONE).then_some(v)
    }

    /// Starts loading the first-level entry [`PrefixTable::get`] will read for `addr`.
    #[inline]
    pub fn prefetch(&self, addr: A) {
        super::prefetch::prefetch(self.first.as_ptr().wrapping_add(addr.top16()));
    }

    /// How many distinct networks.
    pub fn len(&self) -> usize {
        self.networks
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.networks == 0
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.starts.len() * (std::mem::size_of::<A>() + 4) + self.first.len() * 4
    }
}

struct Intervals<A> {
    starts: Vec<A>,
    vals: Vec<u32>,
}

impl<A: Addr> Intervals<A> {
    /// Starts an interval at `start` with `val`, replacing one that starts at the same address
    /// and merging with the one before when the value is the same.
    fn push(&mut self, start: A, val: u32) {
        let last = self.starts.len() - 1;
        if self.starts[last] == start {
            self.vals[last] = val;
            // The replaced interval may now equal the one before it.
            if last > 0 && self.vals[last - 1] == val {
                self.starts.pop();
                self.vals.pop();
            }
        } else if self.vals[last] != val {
            self.starts.push(start);
            self.vals.push(val);
        }
    }

    /// After a network ending at `end` closes, the next address belongs to the network now on
    /// top of the stack, or to none.
    fn resume_after(&mut self, end: A, stack: &[(A, u32)]) {
        if let Some(next) = end.checked_next() {
            let val = stack.last().map_or(NONE, |&(_, v)| v);
            self.push(next, val);
        }
    }
}
