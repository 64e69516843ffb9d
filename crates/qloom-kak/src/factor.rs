//! Splitting a tensor product of two one-qubit unitaries into its factors.

use crate::matrices::{Mat2, Mat4, C64};

/// `(A, B, phase)` with `m = phase * kron(A, B)` and `A`, `B` in SU(2).
///
/// `m` must be (numerically) a tensor product of two one-qubit unitaries. Its 2x2 block
/// `(i, j)` is `A[i, j] B`. Of the blocks `(0, 0)` and `(0, 1)` one has weight at least 1/2
/// (a unitary's row has norm 1): scaled to determinant 1 it is `B`, and each block's overlap
/// with `B` gives `A`.
pub(crate) fn kron_factor(m: &Mat4) -> (Mat2, Mat2, C64) {
    let block = |r: usize, c: usize| [m[(r, c)], m[(r, c + 1)], m[(r + 1, c)], m[(r + 1, c + 1)]];
    let weight = |b: &[C64; 4]| b.iter().map(|v| v.norm_sqr()).sum::<f64>();
    let (first, second) = (block(0, 0), block(0, 2));
    let [b00, b01, b10, b11] = if weight(&first) >= weight(&second) {
        first
    } else {
        second
    };
    let root = (b00 * b11 - b01 * b10).sqrt();
    let b = [b00 / root, b01 / root, b10 / root, b11 / root];
    let conj = b.map(|v| v.conj());
    let overlap = |row: usize, col: usize| -> C64 {
        (m[(row, col)] * conj[0]
            + m[(row, col + 1)] * conj[1]
            + m[(row + 1, col)] * conj[2]
            + m[(row + 1, col + 1)] * conj[3])
            / 2.0
    };
    let (a00, a01, a10, a11) = (overlap(0, 0), overlap(0, 2), overlap(2, 0), overlap(2, 2));
    let phase = (a00 * a11 - a01 * a10).sqrt();
    let a = Mat2::new(a00 / phase, a01 / phase, a10 / phase, a11 / phase);
    (a, Mat2::new(b[0], b[1], b[2], b[3]), phase)
}
