//! The hashes the tables use: fast, not keyed (the inputs are indicators the Board loads and
//! log fields whose worst case costs a longer probe, never a wrong answer).

/// The hash of the empty suffix.
pub const SEED: u64 = 0x243f_6a88_85a3_08d3;
const P1: u64 = 0x9e37_79b9_7f4a_7c15;
const P2: u64 = 0xbf58_476d_1ce4_e5b9;

/// Multiplies and folds the 128-bit product: a strong, cheap mix.
#[inline]
pub fn fold(a: u64, b: u64) -> u64 {
    let r = u128::from(a).wrapping_mul(u128::from(b));
    (r as u64) ^ ((r >> 64) as u64)
}

/// The hash of a suffix whose parent hashed to `parent`, carried on with `label`. Never 0
/// (0 marks an empty slot).
#[inline]
pub fn label_hash(parent: u64, label: &[u8]) -> u64 {
    let mut h = parent ^ (label.len() as u64).wrapping_mul(P2);
    let mut chunks = label.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fold(h ^ u64::from_le_bytes(w), P1);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = fold(h ^ u64::from_le_bytes(w), P2);
    }
    let h = fold(h, P1);
    if h == 0 { 1 } else { h }
}

/// A well-mixed 64-bit value of a 128-bit key, for table slots taken from the top bits.
#[inline]
pub fn mix128(x: u128) -> u64 {
    fold((x as u64) ^ P2, ((x >> 64) as u64) ^ P1).wrapping_mul(P1)
}

/// A fast hasher for the maps of URLs and file hashes.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = fold(self.0 ^ u64::from_le_bytes(w), P1);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.0 = fold(self.0 ^ u64::from_le_bytes(w), P2);
        }
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.0 = fold(self.0 ^ n as u64, P2);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`FastHasher`]s.
pub type FastState = std::hash::BuildHasherDefault<FastHasher>;
