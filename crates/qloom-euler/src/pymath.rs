//! CPython's float and complex arithmetic, operation for operation.
//!
//! The Python synthesis this crate replaced used `math.remainder`, `math.hypot`,
//! `cmath.sqrt` and `complex` division, which CPython computes with its own algorithms
//! (not the C library's). Repeating them here, in the same order, is what makes the
//! kernel's angles equal to the Python ones bit for bit. `atan2` and `sqrt` are the C
//! library's on both sides (Rust's `f64::atan2` calls the platform `libm`).

use std::ops::{Add, Div, Mul, Sub};

/// A complex number with the arithmetic of Python's `complex`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct C64 {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

impl C64 {
    /// `re + im j`.
    pub const fn new(re: f64, im: f64) -> Self {
        C64 { re, im }
    }

    /// `abs(z)`: the C library's `hypot` (CPython's `_Py_c_abs`).
    pub fn abs(self) -> f64 {
        self.re.hypot(self.im)
    }

    /// `cmath.sqrt(z)` for finite `z` (CPython's `cmath_sqrt_impl`): the principal root.
    pub fn sqrt(self) -> C64 {
        if self.re == 0.0 && self.im == 0.0 {
            return C64::new(0.0, self.im);
        }
        let mut ax = self.re.abs();
        let ay = self.im.abs();
        let s = if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
            // hypot(ax, ay) would be subnormal: scale up by 2^53, down by 2^27.
            ax *= pow2(53);
            (ax + ax.hypot(ay * pow2(53))).sqrt() * pow2(-27)
        } else {
            ax /= 8.0;
            2.0 * (ax + ax.hypot(ay / 8.0)).sqrt()
        };
        let d = ay / (2.0 * s);
        if self.re >= 0.0 {
            C64::new(s, d.copysign(self.im))
        } else {
            C64::new(d, s.copysign(self.im))
        }
    }
}

impl Add for C64 {
    type Output = C64;
    fn add(self, b: C64) -> C64 {
        C64::new(self.re + b.re, self.im + b.im)
    }
}

impl Sub for C64 {
    type Output = C64;
    fn sub(self, b: C64) -> C64 {
        C64::new(self.re - b.re, self.im - b.im)
    }
}

impl Mul for C64 {
    type Output = C64;
    /// CPython's `_Py_c_prod`.
    fn mul(self, b: C64) -> C64 {
        C64::new(
            self.re * b.re - self.im * b.im,
            self.re * b.im + self.im * b.re,
        )
    }
}

impl Div for C64 {
    type Output = C64;
    /// CPython's `_Py_c_quot` (Smith's method) for a non-zero finite divisor.
    fn div(self, b: C64) -> C64 {
        let (a, abs_re, abs_im) = (self, b.re.abs(), b.im.abs());
        if abs_re >= abs_im {
            if abs_re == 0.0 {
                return C64::new(0.0, 0.0); // Python raises ZeroDivisionError; never reached
            }
            let ratio = b.im / b.re;
            let denom = b.re + b.im * ratio;
            C64::new((a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom)
        } else if abs_im >= abs_re {
            let ratio = b.re / b.im;
            let denom = b.re * ratio + b.im;
            C64::new((a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom)
        } else {
            C64::new(f64::NAN, f64::NAN)
        }
    }
}

/// `math.remainder(x, y)` for finite `x` and non-zero finite `y`: `x - n y` with `n` the
/// integer nearest `x / y` (ties to even), computed exactly.
pub fn remainder(x: f64, y: f64) -> f64 {
    let (absx, absy) = (x.abs(), y.abs());
    let m = absx % absy;
    let c = absy - m;
    let r = if m < c {
        m
    } else if m > c {
        -c
    } else {
        // half-way: pick the even multiple
        m - 2.0 * ((0.5 * (absx - m)) % absy)
    };
    1.0f64.copysign(x) * r
}

/// `math.hypot(x, y)` as CPython 3.11 computes it (`vector_norm` in `mathmodule.c`):
/// scaled, with the squares split exactly and a final square-root correction.
#[inline]
pub fn hypot(x: f64, y: f64) -> f64 {
    let (x, y) = (x.abs(), y.abs());
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    vector_norm2(x, y, x.max(y))
}

/// CPython's `vector_norm` for two non-negative coordinates with maximum `max`.
#[inline]
fn vector_norm2(a: f64, b: f64, max: f64) -> f64 {
    const T27: f64 = 134217729.0; // 2^27 + 1, Veltkamp-Dekker splitting
    if max.is_infinite() || max == 0.0 {
        return max;
    }
    let max_e = frexp_exponent(max);
    if max_e < -1023 {
        return subnormal_norm2(a, b, max);
    }
    let scale = pow2(-max_e);
    let (mut csum, mut frac1, mut frac2, mut frac3) = (1.0f64, 0.0f64, 0.0f64, 0.0f64);
    let split = |x: f64| {
        let t = x * T27;
        let hi = t - (t - x);
        (hi, x - hi)
    };
    for v in [a, b] {
        let (hi, lo) = split(v * scale);
        let x = hi * hi;
        let old = csum;
        csum += x;
        frac1 += (old - csum) + x;
        let x = 2.0 * hi * lo;
        let old = csum;
        csum += x;
        frac2 += (old - csum) + x;
        frac3 += lo * lo;
    }
    let h = (csum - 1.0 + (frac1 + frac2 + frac3)).sqrt();
    let (hi, lo) = split(h);
    let x = -hi * hi;
    let old = csum;
    csum += x;
    frac1 += (old - csum) + x;
    let x = -2.0 * hi * lo;
    let old = csum;
    csum += x;
    frac2 += (old - csum) + x;
    let x = -lo * lo;
    let old = csum;
    csum += x;
    frac3 += (old - csum) + x;
    let x = csum - 1.0 + (frac1 + frac2 + frac3);
    (h + x / (2.0 * h)) / scale
}

/// When `max < 2^-1024`, CPython rescales every coordinate by `DBL_MIN` first.
#[cold]
fn subnormal_norm2(a: f64, b: f64, max: f64) -> f64 {
    let m = f64::MIN_POSITIVE;
    m * vector_norm2(a / m, b / m, max / m)
}

/// The exponent `e` of C's `frexp`: `x = m 2^e` with `0.5 <= m < 1` (finite `x != 0`).
fn frexp_exponent(x: f64) -> i32 {
    let biased = ((x.to_bits() >> 52) & 0x7ff) as i32;
    if biased == 0 {
        frexp_exponent(x * pow2(64)) - 64
    } else {
        biased - 1022
    }
}

/// `2^k` exactly, for `-1074 <= k <= 1023`.
fn pow2(k: i32) -> f64 {
    if k >= -1022 {
        f64::from_bits(((k + 1023) as u64) << 52)
    } else {
        f64::from_bits(((k + 1023 + 64) as u64) << 52) * f64::from_bits(((1023 - 64) as u64) << 52)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    #[test]
    fn remainder_matches_python() {
        // python3 -c "import math; print(math.remainder(7.0, 2*math.pi), math.remainder(-3*math.pi, 2*math.pi))"
        assert_eq!(remainder(7.0, 2.0 * PI), 0.7168146928204138);
        assert_eq!(remainder(-3.0 * PI, 2.0 * PI), PI);
        assert_eq!(remainder(3.0 * PI, 2.0 * PI), -PI);
        assert_eq!(remainder(PI, 2.0 * PI), PI);
        assert_eq!(remainder(-0.0, 2.0 * PI).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn hypot_matches_python() {
        // python3 -c "import math; print(math.hypot(0.1, 0.2), math.hypot(3e-320, 4e-320), math.hypot(1e300, 1e300))"
        assert_eq!(hypot(0.1, 0.2), 0.223606797749979);
        assert_eq!(hypot(3e-320, 4e-320), 5e-320);
        assert_eq!(hypot(1e300, 1e300), 1.4142135623730952e300);
        assert_eq!(hypot(-3.0, 4.0), 5.0);
        assert_eq!(hypot(0.0, 0.0), 0.0);
        assert!(hypot(f64::NAN, 1.0).is_nan());
    }

    #[test]
    fn complex_ops_match_python() {
        // python3 -c "import cmath; print(cmath.sqrt(-3+4j), cmath.sqrt(0.1-0.7j), (1+2j)/(3-4j), (1+2j)/(0.5+4j))"
        assert_eq!(C64::new(-3.0, 4.0).sqrt(), C64::new(1.0, 2.0));
        assert_eq!(
            C64::new(0.1, -0.7).sqrt(),
            C64::new(0.6352585226451305, -0.5509567955777238)
        );
        assert_eq!(
            C64::new(1.0, 2.0) / C64::new(3.0, -4.0),
            C64::new(-0.2, 0.4)
        );
        assert_eq!(
            C64::new(1.0, 2.0) / C64::new(0.5, 4.0),
            C64::new(0.5230769230769231, -0.18461538461538463)
        );
        assert_eq!(
            C64::new(1.0, 2.0) * C64::new(3.0, -4.0),
            C64::new(11.0, 2.0)
        );
    }
}
