//! Small, fixed (seedable, platform-independent) 64-bit hashing helpers.
//!
//! Nothing here depends on `std`'s randomly seeded hashers, so every hash,
//! signature and band key is identical across runs and machines.

use std::hash::{BuildHasher, Hasher};

/// Multiplier of FxHash (a 64-bit odd constant close to 2^64 / φ).
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// The 64-bit finalizer of MurmurHash3: a bijection with full avalanche.
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^= h >> 33;
    h
}

/// SplitMix64: the stream of pseudo-random 64-bit values used to draw hash
/// coefficients from a seed.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// FxHash-style combining step (order-sensitive).
#[inline]
pub(crate) fn combine(acc: u64, v: u64) -> u64 {
    (acc.rotate_left(5) ^ v).wrapping_mul(K)
}

/// 64-bit hash of a byte string: 8 bytes at a time through the FxHash step,
/// the length mixed in, then the MurmurHash3 finalizer.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut acc = 0x243f_6a88_85a3_08d3_u64 ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        acc = combine(acc, u64::from_le_bytes(c.try_into().expect("8 bytes")));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        acc = combine(acc, u64::from_le_bytes(buf));
    }
    fmix64(acc)
}

/// A `Hasher` for keys that are already uniformly distributed 64-bit hashes
/// (band keys, shingle hashes): one multiply, no SipHash.
#[derive(Default, Clone, Copy)]
pub(crate) struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = combine(self.0, u64::from(b));
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = combine(self.0, v);
    }
    #[inline]
    fn write_u32(&mut self, v: u32) {
        self.0 = combine(self.0, u64::from(v));
    }
    #[inline]
    fn write_usize(&mut self, v: usize) {
        self.0 = combine(self.0, v as u64);
    }
}

#[derive(Default, Clone, Copy, Debug)]
pub(crate) struct BuildPrehashed;

impl BuildHasher for BuildPrehashed {
    type Hasher = PrehashedHasher;
    #[inline]
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, BuildPrehashed>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_bytes_is_fixed_and_length_aware() {
        assert_eq!(hash_bytes(b"abc"), hash_bytes(b"abc"));
        assert_ne!(hash_bytes(b"abc"), hash_bytes(b"abc\0"));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
        assert_ne!(hash_bytes("سلام".as_bytes()), hash_bytes("سلم".as_bytes()));
    }

    #[test]
    fn splitmix_is_deterministic() {
        let mut a = SplitMix64(7);
        let mut b = SplitMix64(7);
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }
}
