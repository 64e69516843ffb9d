//! The fixed matrices of the construction and the small products it needs.

use std::f64::consts::SQRT_2;

use nalgebra::{Complex, Matrix2, Matrix4};

/// A complex number.
pub type C64 = Complex<f64>;
/// A one-qubit operator.
pub type Mat2 = Matrix2<C64>;
/// A two-qubit operator (qubit 0 is the most significant bit).
pub type Mat4 = Matrix4<C64>;

pub(crate) const ZERO: C64 = C64::new(0.0, 0.0);
pub(crate) const ONE: C64 = C64::new(1.0, 0.0);
pub(crate) const I: C64 = C64::new(0.0, 1.0);

fn scaled(v: C64) -> C64 {
    C64::new(v.re / SQRT_2, v.im / SQRT_2)
}

/// The magic basis (its columns): local gates become real orthogonal matrices in it.
pub(crate) fn magic() -> Mat4 {
    #[rustfmt::skip]
    let m = Mat4::new(
        ONE, ZERO, ZERO, I,
        ZERO, I, ONE, ZERO,
        ZERO, I, -ONE, ZERO,
        ONE, ZERO, ZERO, -I,
    );
    m.map(scaled)
}

/// The magic basis' adjoint.
pub(crate) fn magic_dag() -> Mat4 {
    magic().adjoint()
}

/// `kron(a, b)` for one-qubit operators.
pub fn kron2(a: &Mat2, b: &Mat2) -> Mat4 {
    Mat4::from_fn(|r, c| a[(r / 2, c / 2)] * b[(r % 2, c % 2)])
}

/// `exp(i (a XX + b YY + c ZZ))`.
///
/// It acts on `{|00>, |11>}` as `e^{ic} exp(i (a - b) X)` and on `{|01>, |10>}` as
/// `e^{-ic} exp(i (a + b) X)`.
pub fn canonical_gate(a: f64, b: f64, c: f64) -> Mat4 {
    let even = C64::from_polar(1.0, c);
    let odd = C64::from_polar(1.0, -c);
    let (ce, se) = (even * (a - b).cos(), I * even * (a - b).sin());
    let (co, so) = (odd * (a + b).cos(), I * odd * (a + b).sin());
    #[rustfmt::skip]
    let m = Mat4::new(
        ce, ZERO, ZERO, se,
        ZERO, co, so, ZERO,
        ZERO, so, co, ZERO,
        se, ZERO, ZERO, ce,
    );
    m
}

/// The identity and the Paulis X, Y, Z.
pub(crate) fn identity2() -> Mat2 {
    Mat2::identity()
}

/// Pauli `k` (0: X, 1: Y, 2: Z).
pub(crate) fn pauli(k: usize) -> Mat2 {
    match k {
        0 => Mat2::new(ZERO, ONE, ONE, ZERO),
        1 => Mat2::new(ZERO, -I, I, ZERO),
        _ => Mat2::new(ONE, ZERO, ZERO, -ONE),
    }
}

/// `C` with `C P_i C^dag = +-P_j` and `C P_j C^dag = +-P_i`, so `(C x C)` swaps Weyl
/// coordinates `i` and `j`: S for (0, 1), Rx(pi/2) for (1, 2), H for (0, 2).
pub(crate) fn exchange_axes(i: usize, j: usize) -> Mat2 {
    match (i, j) {
        (0, 1) => Mat2::new(ONE, ZERO, ZERO, I),
        (1, 2) => Mat2::new(ONE, -I, -I, ONE).map(scaled),
        _ => Mat2::new(ONE, ONE, ONE, -ONE).map(scaled),
    }
}
