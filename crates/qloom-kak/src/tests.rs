use std::f64::consts::{FRAC_PI_4, PI};

use super::*;
use crate::matrices::{ONE, ZERO};

/// A small deterministic generator (xorshift64*) for the random unitaries below.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn gaussian(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        (-2.0 * u.ln()).sqrt() * (2.0 * PI * self.uniform()).cos()
    }

    /// A Haar-random unitary: the Q of a complex Gaussian matrix, column phases fixed.
    fn unitary4(&mut self) -> Mat4 {
        let g = Mat4::from_fn(|_, _| C64::new(self.gaussian(), self.gaussian()));
        let qr = g.qr();
        let (q, r) = (qr.q(), qr.r());
        Mat4::from_fn(|i, j| q[(i, j)] * (r[(j, j)] / r[(j, j)].norm()))
    }

    fn unitary2(&mut self) -> Mat2 {
        unitary2_from(self.uniform(), self.uniform(), self.uniform())
    }
}

/// `U(theta, phi, lambda)` from three numbers in [0, 1).
fn unitary2_from(t: f64, p: f64, l: f64) -> Mat2 {
    let (t, p, l) = (t * PI, p * 2.0 * PI, l * 2.0 * PI);
    Mat2::new(
        C64::new((t / 2.0).cos(), 0.0),
        -C64::from_polar(1.0, l) * (t / 2.0).sin(),
        C64::from_polar(1.0, p) * (t / 2.0).sin(),
        C64::from_polar(1.0, p + l) * (t / 2.0).cos(),
    )
}

fn real(rows: [[f64; 4]; 4]) -> Mat4 {
    Mat4::from_fn(|r, c| C64::new(rows[r][c], 0.0))
}

fn cx() -> Mat4 {
    real([
        [1., 0., 0., 0.],
        [0., 1., 0., 0.],
        [0., 0., 0., 1.],
        [0., 0., 1., 0.],
    ])
}

fn swap() -> Mat4 {
    real([
        [1., 0., 0., 0.],
        [0., 0., 1., 0.],
        [0., 1., 0., 0.],
        [0., 0., 0., 1.],
    ])
}

fn iswap() -> Mat4 {
    let i = C64::new(0.0, 1.0);
    #[rustfmt::skip]
    let m = Mat4::new(
        ONE, ZERO, ZERO, ZERO,
        ZERO, ZERO, i, ZERO,
        ZERO, i, ZERO, ZERO,
        ZERO, ZERO, ZERO, ONE,
    );
    m
}

fn close(a: [f64; 3], b: [f64; 3]) -> bool {
    a.iter().zip(b.iter()).all(|(x, y)| (x - y).abs() < 1e-9)
}

fn max_error(a: &Mat4, b: &Mat4) -> f64 {
    (a - b).iter().fold(0.0, |acc, v| acc.max(v.norm()))
}

#[test]
fn known_gates_have_their_weyl_points() {
    let q = FRAC_PI_4;
    let cases = [
        (Mat4::identity(), [0.0, 0.0, 0.0]),
        (cx(), [q, 0.0, 0.0]),
        (iswap(), [q, q, 0.0]),
        (swap(), [q, q, q]),
        (canonical_gate(0.3, 0.2, -0.1), [0.3, 0.2, -0.1]),
    ];
    for (u, expected) in cases {
        let coords = weyl_coordinates(&u).unwrap();
        assert!(close(coords, expected), "{coords:?} != {expected:?}");
        let d = kak(&u).unwrap();
        assert!(close(d.coordinates, expected), "{:?}", d.coordinates);
        assert!(max_error(&d.matrix(), &u) < 1e-12);
    }
}

#[test]
fn random_unitaries_decompose_into_the_chamber() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..500 {
        let u = rng.unitary4();
        let d = kak(&u).unwrap();
        let [a, b, c] = d.coordinates;
        assert!(FRAC_PI_4 + 1e-12 >= a && a >= b - 1e-12 && b + 1e-12 >= c.abs());
        assert!(close(d.coordinates, weyl_coordinates(&u).unwrap()));
        assert!(max_error(&d.matrix(), &u) < 1e-10);
        for k in d.k1.iter().chain(d.k2.iter()) {
            assert!((k.adjoint() * k - Mat2::identity()).norm() < 1e-10);
        }
    }
}

#[test]
fn local_products_have_zero_coordinates() {
    let mut rng = Rng(7);
    for _ in 0..100 {
        let u = kron2(&rng.unitary2(), &rng.unitary2()) * C64::from_polar(1.0, rng.uniform());
        assert!(close(weyl_coordinates(&u).unwrap(), [0.0; 3]));
        assert_eq!(count_entanglers(&weyl_coordinates(&u).unwrap(), false), 0);
        assert!(max_error(&kak(&u).unwrap().matrix(), &u) < 1e-10);
    }
}

#[test]
fn entangler_counts_follow_the_coordinates() {
    let q = FRAC_PI_4;
    assert_eq!(count_entanglers(&[0.0, 0.0, 0.0], false), 0);
    assert_eq!(count_entanglers(&[q, 0.0, 0.0], false), 1);
    assert_eq!(count_entanglers(&[0.3, 0.0, 0.0], false), 2);
    assert_eq!(count_entanglers(&[q, q, 0.0], false), 2);
    assert_eq!(count_entanglers(&[q, q, q], false), 3);
    assert_eq!(count_entanglers(&[0.3, 0.2, -1e-3], false), 3);
    assert_eq!(count_entanglers(&[0.3, 0.0, 0.0], true), 1);
    assert_eq!(count_entanglers(&[q, q, 5e-11], true), 2);
    assert_eq!(count_entanglers(&[0.0, 0.0, 0.0], true), 0);
}

#[test]
fn non_unitary_matrices_are_refused() {
    let u = cx() * C64::new(1.1, 0.0);
    assert_eq!(weyl_coordinates(&u), Err(KakError::NotUnitary));
    assert_eq!(kak(&u), Err(KakError::NotUnitary));
    let nan = Mat4::from_element(C64::new(f64::NAN, 0.0));
    assert_eq!(weyl_coordinates(&nan), Err(KakError::NotUnitary));
}

#[test]
fn near_degenerate_spectra_still_decompose() {
    // sqrt(SWAP) and gates a hair away from the chamber's walls and corners.
    let mut rng = Rng(11);
    for (a, b, c) in [
        (FRAC_PI_4 / 2.0, FRAC_PI_4 / 2.0, FRAC_PI_4 / 2.0),
        (FRAC_PI_4, FRAC_PI_4 - 1e-9, 1e-12),
        (1e-9, 1e-9, -1e-9),
        (FRAC_PI_4, 0.0, -1e-11),
    ] {
        let u = kron2(&rng.unitary2(), &rng.unitary2())
            * canonical_gate(a, b, c)
            * kron2(&rng.unitary2(), &rng.unitary2());
        let d = kak(&u).unwrap();
        assert!(max_error(&d.matrix(), &u) < 1e-10);
        assert!(close(d.coordinates, weyl_coordinates(&u).unwrap()));
    }
}
