//! The seeds of the layout search, derived as `qloom.passes.derive_seed` derives them.
//!
//! `derive_seed(seed, *salt)` is numpy's `SeedSequence(seed, spawn_key=salt)` (strings in
//! the salt replaced by their CRC-32), its first 64-bit word of state shifted right by one.
//! Deriving here instead of passing hundreds of seeds in keeps the search one call.

const POOL_SIZE: usize = 4;
const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;

/// `zlib.crc32(b"sabre-layout")`: the salt of the trials' seeds.
pub const LAYOUT_SALT: u64 = 0x0f85_df4f;
/// `zlib.crc32(b"sabre-confirm")`: the salt of the confirmations' seeds.
pub const CONFIRM_SALT: u64 = 0x2781_c3a5;

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut value = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    value = value.wrapping_mul(*hash_const);
    value ^ (value >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let result = MIX_MULT_L
        .wrapping_mul(x)
        .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    result ^ (result >> XSHIFT)
}

/// numpy's `_int_to_uint32_array`: little-endian 32-bit words, `[0]` for zero.
fn words(mut n: u64, out: &mut Vec<u32>) {
    if n == 0 {
        out.push(0);
    }
    while n > 0 {
        out.push(n as u32);
        n >>= 32;
    }
}

/// `derive_seed(seed, *salt)` for a seed given as its little-endian 32-bit words
/// (`entropy`) and a salt of integers.
pub fn derive(entropy: &[u32], salt: &[u64]) -> u64 {
    let mut assembled: Vec<u32> = entropy.to_vec();
    let mut spawn = Vec::new();
    for &s in salt {
        words(s, &mut spawn);
    }
    if !spawn.is_empty() && assembled.len() < POOL_SIZE {
        assembled.resize(POOL_SIZE, 0);
    }
    assembled.extend(spawn);
    let mut pool = [0u32; POOL_SIZE];
    let mut hash_const = INIT_A;
    for (i, slot) in pool.iter_mut().enumerate() {
        *slot = hashmix(assembled.get(i).copied().unwrap_or(0), &mut hash_const);
    }
    for src in 0..POOL_SIZE {
        for dst in 0..POOL_SIZE {
            if src != dst {
                let h = hashmix(pool[src], &mut hash_const);
                pool[dst] = mix(pool[dst], h);
            }
        }
    }
    for &value in assembled.iter().skip(POOL_SIZE) {
        for slot in pool.iter_mut() {
            let h = hashmix(value, &mut hash_const);
            *slot = mix(*slot, h);
        }
    }
    let mut hash_const = INIT_B;
    let mut state = [0u32; 2];
    for (i, out) in state.iter_mut().enumerate() {
        let mut value = pool[i % POOL_SIZE] ^ hash_const;
        hash_const = hash_const.wrapping_mul(MULT_B);
        value = value.wrapping_mul(hash_const);
        *out = value ^ (value >> XSHIFT);
    }
    ((state[0] as u64) | ((state[1] as u64) << 32)) >> 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_qloom_derive_seed() {
        // python -c "from qloom.passes import derive_seed; print(derive_seed(11, 'sabre-layout', 0))"
        assert_eq!(derive(&[11], &[LAYOUT_SALT, 0]), 2_626_877_245_258_619_950);
        assert_eq!(
            derive(&[11], &[LAYOUT_SALT, 3, 2]),
            4_449_159_138_866_139_393
        );
        assert_eq!(
            derive(&[0], &[CONFIRM_SALT, 1, 3]),
            3_311_252_213_180_981_515
        );
        // derive_seed(2**40 + 5, 'sabre-layout', 7)
        assert_eq!(
            derive(&[5, 256], &[LAYOUT_SALT, 7]),
            7_559_374_376_001_689_012
        );
        // derive_seed(2**130 + 3, 'sabre-layout', 1, 0): five words of entropy
        assert_eq!(
            derive(&[3, 0, 0, 0, 4], &[LAYOUT_SALT, 1, 0]),
            7_440_637_531_428_830_727
        );
    }
}
