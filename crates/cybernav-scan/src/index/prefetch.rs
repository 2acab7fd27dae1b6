//! A hint to the processor to start loading a cache line that a lookup will read shortly.
//!
//! The readers see a record's addresses at the start of its line and look them up once the
//! whole line is read, a few hundred nanoseconds later; asking for the table's cache lines when
//! the address is seen hides most of a memory access that would otherwise stall the lookup.

#![expect(
    unsafe_code,
    reason = "the prefetch intrinsic is unsafe in Rust's terms; confined to this module"
)]

/// Starts loading the cache line holding `p`. Never faults, whatever `p` is.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is a hint: it reads nothing into the program's state and does not
    // fault on any address, valid or not.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
