//! The rotation families whose angles add when two of them meet, and their matrices at
//! any angle (the matrices of `qloom.gates.gate_matrix`), so a merged rotation can still be
//! checked for commutation exactly.

use crate::complex::{Matrix, C64};

/// A gate family `name(theta)` with `name(a) name(b) = name(a + b)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Rz,
    Rx,
    Ry,
    Phase,
    Rzz,
    Rxx,
    Ryy,
    Rzx,
    CPhase,
    Crz,
    Crx,
    Cry,
}

impl Family {
    /// The family of gate `name` (`p` and `u1` are both `Phase`, `cp` and `cu1` `CPhase`).
    pub fn of(name: &str) -> Option<Family> {
        Some(match name {
            "rz" => Family::Rz,
            "rx" => Family::Rx,
            "ry" => Family::Ry,
            "p" | "u1" => Family::Phase,
            "rzz" => Family::Rzz,
            "rxx" => Family::Rxx,
            "ryy" => Family::Ryy,
            "rzx" => Family::Rzx,
            "cp" | "cu1" => Family::CPhase,
            "crz" => Family::Crz,
            "crx" => Family::Crx,
            "cry" => Family::Cry,
            _ => return None,
        })
    }

    /// The matrix at `theta`.
    pub fn matrix(self, theta: f64) -> Matrix {
        let (c, s) = ((theta / 2.0).cos(), (theta / 2.0).sin());
        let z = C64::ZERO;
        let r = |v: f64| C64::new(v, 0.0);
        let i = |v: f64| C64::new(0.0, v);
        let one_qubit = |m: [C64; 4]| Matrix::from_rows(m.to_vec()).expect("2x2");
        let controlled = |m: [C64; 4]| {
            let o = C64::ONE;
            Matrix::from_rows(vec![
                o, z, z, z, //
                z, o, z, z, //
                z, z, m[0], m[1], //
                z, z, m[2], m[3],
            ])
            .expect("4x4")
        };
        let rx = [r(c), i(-s), i(-s), r(c)];
        let ry = [r(c), r(-s), r(s), r(c)];
        let rz = [C64::cis(-theta / 2.0), z, z, C64::cis(theta / 2.0)];
        let phase = [C64::ONE, z, z, C64::cis(theta)];
        match self {
            Family::Rz => one_qubit(rz),
            Family::Rx => one_qubit(rx),
            Family::Ry => one_qubit(ry),
            Family::Phase => one_qubit(phase),
            Family::Rzz => pauli_rotation(PAULI_Z, PAULI_Z, c, s),
            Family::Rxx => pauli_rotation(PAULI_X, PAULI_X, c, s),
            Family::Ryy => pauli_rotation(PAULI_Y, PAULI_Y, c, s),
            Family::Rzx => pauli_rotation(PAULI_Z, PAULI_X, c, s),
            Family::CPhase => controlled(phase),
            Family::Crz => controlled(rz),
            Family::Crx => controlled(rx),
            Family::Cry => controlled(ry),
        }
    }
}

type Pauli = [C64; 4];
const PAULI_X: Pauli = [C64::ZERO, C64::ONE, C64::ONE, C64::ZERO];
const PAULI_Y: Pauli = [
    C64::ZERO,
    C64::new(0.0, -1.0),
    C64::new(0.0, 1.0),
    C64::ZERO,
];
const PAULI_Z: Pauli = [C64::ONE, C64::ZERO, C64::ZERO, C64::new(-1.0, 0.0)];

/// `cos(theta/2) I - i sin(theta/2) (a kron b)`, `a` on the first qubit.
fn pauli_rotation(a: Pauli, b: Pauli, c: f64, s: f64) -> Matrix {
    let mut data = Vec::with_capacity(16);
    for row in 0..4 {
        for col in 0..4 {
            let p = a[(row >> 1) * 2 + (col >> 1)] * b[(row & 1) * 2 + (col & 1)];
            let diag = if row == col { c } else { 0.0 };
            data.push(C64::new(diag, 0.0) + p * C64::new(0.0, -s));
        }
    }
    Matrix::from_rows(data).expect("4x4")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn angles_add() {
        for family in [
            Family::Rz,
            Family::Rx,
            Family::Ry,
            Family::Phase,
            Family::Rzz,
            Family::Rxx,
            Family::Ryy,
            Family::Rzx,
            Family::CPhase,
            Family::Crz,
            Family::Crx,
            Family::Cry,
        ] {
            let product = family.matrix(0.3).matmul(&family.matrix(0.4));
            assert!(product.close_to(&family.matrix(0.7), 1e-12), "{family:?}");
        }
    }

    #[test]
    fn rzx_acts_as_z_on_the_first_qubit() {
        // exp(-i pi/2 Z X) = -i Z X: |00> -> -i |01>.
        let m = Family::Rzx.matrix(std::f64::consts::PI);
        assert!((m.get(1, 0) - C64::new(0.0, -1.0)).norm() < 1e-12);
        assert!((m.get(3, 2) - C64::new(0.0, 1.0)).norm() < 1e-12);
    }
}
