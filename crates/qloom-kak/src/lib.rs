//! The KAK (Cartan) decomposition of two-qubit unitaries, their Weyl-chamber coordinates and
//! the number of native entanglers they need (qloom-unrollers' two-qubit synthesis).
//!
//! Every 4x4 unitary is `phase (k1_0 x k1_1) exp(i (a XX + b YY + c ZZ)) (k2_0 x k2_1)` with
//! one-qubit `k`'s. In the magic basis local gates become real orthogonal matrices and `XX`,
//! `YY`, `ZZ` become diagonal, so with `Up` the unitary in that basis the symmetric unitary
//! `Up^T Up = P D^2 P^T` gives everything: `P` (real orthogonal, from the commuting real and
//! imaginary parts) is the right local gate, `D` holds the coordinates and `Up P D^-1` the left
//! one. The coordinates are then moved into the canonical chamber `pi/4 >= a >= b >= |c|`
//! (`c >= 0` when `a = pi/4`) by the chamber's symmetries, each paid for with local Paulis or
//! Cliffords. This is the same construction, step for step, as the Python code it replaced
//! (its outputs are the golden file `tests/plugins/unrollers/golden/kak.json`); only the
//! eigensolvers differ (nalgebra's instead of LAPACK's), so the local factors may differ from
//! the old ones by local symmetries while the coordinates agree to rounding and the product is
//! the same unitary.

mod chamber;
mod factor;
mod matrices;

use std::f64::consts::FRAC_PI_4;
use std::fmt;

use nalgebra::{Matrix4, SymmetricEigen, Vector4};

pub use matrices::{canonical_gate, kron2, Mat2, Mat4, C64};

use chamber::{move_locals, to_chamber};
use factor::kron_factor;
use matrices::{magic, magic_dag};

/// A Weyl coordinate smaller than this counts as zero (no entangler is spent on it).
pub const COORDINATE_TOL: f64 = 1e-10;
/// Largest entry-wise error [`kak`] accepts when it checks its own result.
pub const RECONSTRUCTION_TOL: f64 = 1e-9;

/// Fixed real combinations `re + w im` tried in turn by [`real_eigenbasis`].
const WEIGHTS: [f64; 4] = [
    0.6180339887498949,
    -std::f64::consts::SQRT_2,
    3.302775637731995,
    -0.2679491924311227,
];
/// Eigenvalues of `XX`, `YY`, `ZZ` on the magic basis vectors: column k holds (x_k, y_k, z_k).
const SIGNS: [[f64; 4]; 3] = [
    [1.0, 1.0, -1.0, -1.0],
    [-1.0, 1.0, -1.0, 1.0],
    [1.0, -1.0, -1.0, 1.0],
];

/// Why a matrix has no decomposition.
#[derive(Debug, Clone, PartialEq)]
pub enum KakError {
    /// The determinant's modulus is not 1 (to 1e-6), or it is not finite.
    NotUnitary,
    /// The decomposition does not reproduce the matrix (never seen); the entry-wise error.
    Reconstruction(f64),
}

impl fmt::Display for KakError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KakError::NotUnitary => write!(f, "the 4x4 matrix is not unitary"),
            KakError::Reconstruction(error) => {
                write!(f, "the KAK decomposition is off by {error:.2e}")
            }
        }
    }
}

impl std::error::Error for KakError {}

/// `matrix = phase * kron(k1[0], k1[1]) * canonical_gate(a, b, c) * kron(k2[0], k2[1])`,
/// with `pi/4 >= a >= b >= |c|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Kak {
    /// The global phase.
    pub phase: C64,
    /// One-qubit unitaries on qubits 0 and 1 applied after the canonical gate.
    pub k1: [Mat2; 2],
    /// The Weyl coordinates `(a, b, c)`.
    pub coordinates: [f64; 3],
    /// One-qubit unitaries on qubits 0 and 1 applied before it.
    pub k2: [Mat2; 2],
}

impl Kak {
    /// The 4x4 unitary this decomposition stands for.
    pub fn matrix(&self) -> Mat4 {
        let [a, b, c] = self.coordinates;
        let product = kron2(&self.k1[0], &self.k1[1])
            * canonical_gate(a, b, c)
            * kron2(&self.k2[0], &self.k2[1]);
        product * self.phase
    }
}

/// `u / det(u)^(1/4)` and that phase.
fn special_unitary(u: &Mat4) -> Result<(Mat4, C64), KakError> {
    let det = u.determinant();
    let off = (det.norm() - 1.0).abs();
    if off.is_nan() || off >= 1e-6 {
        return Err(KakError::NotUnitary);
    }
    let phase = det.powf(0.25);
    Ok((u.map(|v| v / phase), phase))
}

/// `Up^T Up` with `Up` the special unitary of `u` in the magic basis, and `Up` and the phase.
fn magic_symmetric(u: &Mat4) -> Result<(Mat4, Mat4, C64), KakError> {
    let (su, phase) = special_unitary(u)?;
    let up = magic_dag() * su * magic();
    Ok((up.transpose() * up, up, phase))
}

/// `[a, b, c]` and `g` from the four magic-basis phases `theta_k = a x_k + b y_k + c z_k + g`
/// (the rows `(x_k, y_k, z_k, 1)` are orthogonal).
fn coordinates_from_phases(theta: &[f64; 4]) -> ([f64; 3], f64) {
    let solve = |row: &[f64; 4]| -> f64 { (0..4).map(|k| row[k] / 4.0 * theta[k]).sum() };
    let g = solve(&[1.0; 4]);
    ([solve(&SIGNS[0]), solve(&SIGNS[1]), solve(&SIGNS[2])], g)
}

/// The canonical Weyl coordinates `[a, b, c]` of a 4x4 unitary, `pi/4 >= a >= b >= |c|`.
///
/// Cheaper than [`kak`]: only the eigenvalues of `Up^T Up` are needed (any order of them is a
/// symmetry of the chamber). They are read off the same real eigenbasis [`kak`] uses (the
/// Python code took them from a general complex eigensolver; nalgebra's complex Schur
/// iteration does not converge on every such matrix, the real symmetric one does). CX:
/// `(pi/4, 0, 0)`; iSWAP: `(pi/4, pi/4, 0)`; SWAP: `(pi/4, pi/4, pi/4)`.
pub fn weyl_coordinates(u: &Mat4) -> Result<[f64; 3], KakError> {
    let (sym, _, _) = magic_symmetric(u)?;
    let (_, values) = real_eigenbasis(&sym);
    let mut theta = [0.0; 4];
    for (t, v) in theta.iter_mut().zip(values.iter()) {
        *t = v.arg() / 2.0;
    }
    // The phases sum to 0 mod pi; make it 0 mod 2 pi (a valid choice of determinant sign).
    let turns = (theta.iter().sum::<f64>() / std::f64::consts::PI).round_ties_even();
    if (turns as i64).rem_euclid(2) != 0 {
        theta[0] += std::f64::consts::PI;
    }
    let (mut coords, _) = coordinates_from_phases(&theta);
    to_chamber(&mut coords);
    Ok(coords)
}

/// How many native entanglers exactly synthesise a unitary with Weyl coordinates `coords`.
///
/// With a gate locally equivalent to CX (`parametric == false`): 0 for local gates, 1 at
/// `(pi/4, 0, 0)`, 2 when `c = 0`, else 3 (Vatan and Williams; Shende, Markov and Bullock).
/// With a family giving `exp(i t ZZ)` for any `t`: one gate per non-zero coordinate.
pub fn count_entanglers(coords: &[f64; 3], parametric: bool) -> usize {
    let nonzero = coords.map(|v| v.abs() >= COORDINATE_TOL);
    let any = nonzero.iter().filter(|&&n| n).count();
    if parametric || any == 0 {
        return any;
    }
    if (coords[0] - FRAC_PI_4).abs() < COORDINATE_TOL && !nonzero[1] && !nonzero[2] {
        return 1;
    }
    if nonzero[2] {
        3
    } else {
        2
    }
}

/// `(eigenvectors, eigenvalues)` of a real symmetric matrix, eigenvalues ascending (as
/// LAPACK's `eigh` orders them).
fn eigh<D>(m: nalgebra::OMatrix<f64, D, D>) -> (nalgebra::OMatrix<f64, D, D>, Vec<f64>)
where
    nalgebra::DefaultAllocator: nalgebra::allocator::Allocator<D, D>
        + nalgebra::allocator::Allocator<D>
        + nalgebra::allocator::Allocator<<D as nalgebra::DimSub<nalgebra::U1>>::Output>,
    D: nalgebra::DimSub<nalgebra::U1>,
{
    let eig = SymmetricEigen::new(m);
    let n = eig.eigenvalues.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let mut vectors = eig.eigenvectors.clone();
    for (to, &from) in order.iter().enumerate() {
        let column = eig.eigenvectors.column(from);
        // The sign is free: make the largest entry (the first of equals) positive.
        let lead = column.iter().fold(0.0_f64, |best, &v| {
            if v.abs() > best.abs() + 1e-12 {
                v
            } else {
                best
            }
        });
        if lead < 0.0 {
            vectors.set_column(to, &(-column));
        } else {
            vectors.set_column(to, &column);
        }
    }
    let values = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    (vectors, values)
}

/// `P^T sym P`'s diagonal and its largest off-diagonal modulus.
fn diagonal_and_error(p: &Matrix4<f64>, sym: &Mat4) -> (Vector4<C64>, f64) {
    let pc = p.map(|v| C64::new(v, 0.0));
    let m = pc.transpose() * sym * pc;
    let mut error: f64 = 0.0;
    for i in 0..4 {
        for j in 0..4 {
            if i != j {
                error = error.max(m[(i, j)].norm());
            }
        }
    }
    (m.diagonal(), error)
}

/// `(P, d)`: `P` real orthogonal with `P^T sym P ~ diag(d)`, `sym` a symmetric unitary.
///
/// Its real and imaginary parts are commuting real symmetric matrices, so a generic real
/// combination of them has their common eigenvectors. Fixed combinations are tried in turn
/// and checked (deterministic); near-degenerate cases that fool all of them are diagonalised
/// part by part, the imaginary part inside each eigenspace of the real part.
fn real_eigenbasis(sym: &Mat4) -> (Matrix4<f64>, Vector4<C64>) {
    let re = sym.map(|v| v.re);
    let im = sym.map(|v| v.im);
    let mut best: Option<(Matrix4<f64>, Vector4<C64>)> = None;
    let mut best_error = f64::INFINITY;
    for weight in WEIGHTS {
        let (p, _) = eigh(re + im * weight);
        let (diagonal, error) = diagonal_and_error(&p, sym);
        if error < 1e-13 {
            return (p, diagonal);
        }
        if error < best_error {
            best = Some((p, diagonal));
            best_error = error;
        }
    }
    let (mut p, values) = eigh(re);
    let mut start = 0;
    while start < 4 {
        let mut stop = start + 1;
        while stop < 4 && values[stop] - values[stop - 1] < 1e-7 {
            stop += 1;
        }
        if stop - start > 1 {
            let block = p.columns(start, stop - start).into_owned();
            let inner = block.transpose() * im * &block;
            let (rotation, _) = eigh(inner);
            p.columns_mut(start, stop - start)
                .copy_from(&(block * rotation));
        }
        start = stop;
    }
    let (diagonal, error) = diagonal_and_error(&p, sym);
    match best {
        Some(found) if error.is_nan() || error >= best_error => found,
        _ => (p, diagonal),
    }
}

/// The KAK decomposition of a 4x4 unitary, with coordinates in the canonical chamber.
///
/// The result is checked against `u` (entry-wise to [`RECONSTRUCTION_TOL`]).
pub fn kak(u: &Mat4) -> Result<Kak, KakError> {
    let (sym, up, phase) = magic_symmetric(u)?;
    let (mut p, diagonal) = real_eigenbasis(&sym);
    if p.determinant() < 0.0 {
        p.column_mut(0).neg_mut();
    }
    let mut theta = [0.0; 4];
    for (t, d) in theta.iter_mut().zip(diagonal.iter()) {
        *t = d.arg() / 2.0;
    }
    let mut left = up * p.map(|v| C64::new(v, 0.0));
    for (k, t) in theta.iter().enumerate() {
        let turn = C64::from_polar(1.0, -t);
        left.column_mut(k).iter_mut().for_each(|v| *v *= turn);
    }
    if left.determinant().re < 0.0 {
        left.column_mut(0).neg_mut();
        theta[0] += std::f64::consts::PI;
    }
    let (mut coords, g) = coordinates_from_phases(&theta);
    let real_left = left.map(|v| C64::new(v.re, 0.0));
    let (k1a, k1b, phase1) = kron_factor(&(magic() * real_left * magic_dag()));
    let pt = p.transpose().map(|v| C64::new(v, 0.0));
    let (k2a, k2b, phase2) = kron_factor(&(magic() * pt * magic_dag()));
    let moves = to_chamber(&mut coords);
    let (factor, right_moves, left_moves) = move_locals(&moves);
    let total = phase * C64::from_polar(1.0, g) * phase1 * phase2 * factor;
    let result = Kak {
        phase: total,
        k1: [k1a * right_moves[0], k1b * right_moves[1]],
        coordinates: coords,
        k2: [left_moves[0] * k2a, left_moves[1] * k2b],
    };
    let error = (result.matrix() - u)
        .iter()
        .map(|v| v.norm())
        .fold(0.0_f64, |acc, e| {
            if e.is_nan() {
                f64::INFINITY
            } else {
                acc.max(e)
            }
        });
    if error.is_nan() || error >= RECONSTRUCTION_TOL {
        return Err(KakError::Reconstruction(error));
    }
    Ok(result)
}

#[cfg(test)]
mod tests;
