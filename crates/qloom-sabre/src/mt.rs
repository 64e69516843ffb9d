//! The Mersenne Twister (MT19937) exactly as CPython's `random.Random` runs it.
//!
//! The SABRE search breaks ties with `random.Random.random()`; taking the generator's state
//! from Python (`getstate`), drawing here and handing the state back (`setstate`) keeps
//! every draw bit-identical to the Python engine and leaves the caller's generator where
//! the Python engine would have left it.

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER: u32 = 0x8000_0000;
const LOWER: u32 = 0x7fff_ffff;

/// A Mersenne Twister with CPython's state layout: 624 words and a position.
#[derive(Clone, Debug)]
pub struct Mt19937 {
    state: [u32; N],
    pos: usize,
}

impl Mt19937 {
    /// The generator with `state` (624 words) at position `pos` (0..=624), as in the
    /// second item of `random.Random.getstate()`; `None` when the shape is wrong.
    pub fn from_state(words: &[u32], pos: usize) -> Option<Mt19937> {
        if words.len() != N || pos > N {
            return None;
        }
        let mut state = [0u32; N];
        state.copy_from_slice(words);
        Some(Mt19937 { state, pos })
    }

    /// The generator `random.Random(seed)` starts with, for a seed below 2**32.
    pub fn from_seed(seed: u32) -> Mt19937 {
        Mt19937::from_key(&[seed])
    }

    /// CPython's `init_by_array`, which seeds from the 32-bit words of `abs(seed)`.
    pub fn from_key(key: &[u32]) -> Mt19937 {
        let mut mt = [0u32; N];
        mt[0] = 19_650_218;
        for i in 1..N {
            mt[i] = 1_812_433_253u32
                .wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        let (mut i, mut j) = (1usize, 0usize);
        let len = key.len().max(1);
        for _ in 0..N.max(len) {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525))
                .wrapping_add(key.get(j).copied().unwrap_or(0))
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if j >= len {
                j = 0;
            }
        }
        for _ in 0..N - 1 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= N {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x8000_0000;
        Mt19937 { state: mt, pos: N }
    }

    /// The state words and position, for `random.Random.setstate()`.
    pub fn state(&self) -> (&[u32], usize) {
        (&self.state, self.pos)
    }

    fn twist(&mut self) {
        let mt = &mut self.state;
        let mag = |y: u32| if y & 1 == 1 { MATRIX_A } else { 0 };
        for k in 0..N - M {
            let y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
            mt[k] = mt[k + M] ^ (y >> 1) ^ mag(y);
        }
        for k in N - M..N - 1 {
            let y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
            mt[k] = mt[k + M - N] ^ (y >> 1) ^ mag(y);
        }
        let y = (mt[N - 1] & UPPER) | (mt[0] & LOWER);
        mt[N - 1] = mt[M - 1] ^ (y >> 1) ^ mag(y);
        self.pos = 0;
    }

    /// The next 32-bit output (CPython's `genrand_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos >= N {
            self.twist();
        }
        let mut y = self.state[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// A float in [0, 1) with 53 random bits, as `random.Random.random()`.
    pub fn random(&mut self) -> f64 {
        let a = (self.next_u32() >> 5) as f64;
        let b = (self.next_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_cpython_random() {
        // python3 -c "import random; r = random.Random(42); print([r.random() for _ in range(3)])"
        let mut r = Mt19937::from_seed(42);
        assert_eq!(r.random(), 0.6394267984578837);
        assert_eq!(r.random(), 0.025010755222666936);
        assert_eq!(r.random(), 0.27502931836911926);
        // python3 -c "import random; print(random.Random(0).random())"
        assert_eq!(Mt19937::from_seed(0).random(), 0.8444218515250481);
    }

    #[test]
    fn state_round_trips() {
        let mut r = Mt19937::from_seed(7);
        r.random();
        let (words, pos) = r.state();
        let words = words.to_vec();
        let mut copy = Mt19937::from_state(&words, pos).unwrap();
        assert_eq!(copy.next_u32(), r.next_u32());
        assert!(Mt19937::from_state(&words[1..], 0).is_none());
        assert!(Mt19937::from_state(&words, 625).is_none());
    }
}
