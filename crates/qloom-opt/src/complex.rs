//! The complex matrices the kernel needs: dense square matrices of num-complex numbers.

/// A complex number of two `f64` (num-complex's: `norm` is the modulus, through `hypot`).
pub type C64 = num_complex::Complex64;

/// A dense `dim x dim` complex matrix, row-major; qubit 0 of a gate is the most
/// significant bit of the row index (as `qloom.gates`).
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix {
    dim: usize,
    data: Vec<C64>,
}

impl Matrix {
    /// The matrix with rows `data` (row-major), or `None` when `data` is not square.
    pub fn from_rows(data: Vec<C64>) -> Option<Matrix> {
        let dim = (data.len() as f64).sqrt().round() as usize;
        (dim * dim == data.len() && dim > 0).then_some(Matrix { dim, data })
    }

    /// The identity of size `dim`.
    pub fn identity(dim: usize) -> Matrix {
        let mut data = vec![C64::ZERO; dim * dim];
        for i in 0..dim {
            data[i * dim + i] = C64::ONE;
        }
        Matrix { dim, data }
    }

    pub fn dim(&self) -> usize {
        self.dim
    }

    pub fn get(&self, row: usize, col: usize) -> C64 {
        self.data[row * self.dim + col]
    }

    /// `self @ other`.
    pub fn matmul(&self, other: &Matrix) -> Matrix {
        let n = self.dim;
        let mut data = vec![C64::ZERO; n * n];
        for i in 0..n {
            for k in 0..n {
                let a = self.data[i * n + k];
                if a == C64::ZERO {
                    continue;
                }
                for j in 0..n {
                    data[i * n + j] += a * other.data[k * n + j];
                }
            }
        }
        Matrix { dim: n, data }
    }

    /// Whether every entry of `self - other` has modulus at most `atol`.
    pub fn close_to(&self, other: &Matrix, atol: f64) -> bool {
        self.dim == other.dim
            && self
                .data
                .iter()
                .zip(&other.data)
                .all(|(a, b)| (*a - *b).norm() <= atol)
    }

    /// Whether this is a phase times the identity (`atol` on each entry, and on the phase's
    /// modulus), as `qloom_optimizers.matrices.is_identity`.
    pub fn is_identity_up_to_phase(&self, atol: f64) -> bool {
        let phase = self.data[0];
        if (phase.norm() - 1.0).abs() >= atol {
            return false;
        }
        let mut scaled = Matrix::identity(self.dim);
        for v in &mut scaled.data {
            *v *= phase;
        }
        self.close_to(&scaled, atol)
    }

    /// This gate's matrix acting on `qubits` (positions in `0..width`, position 0 the most
    /// significant bit) of a `width`-qubit register.
    pub fn embed(&self, qubits: &[usize], width: usize) -> Matrix {
        let k = qubits.len();
        let full = 1usize << width;
        let mut data = vec![C64::ZERO; full * full];
        let bit = |q: usize| width - 1 - q;
        let mask: usize = qubits.iter().map(|&q| 1usize << bit(q)).sum();
        for col in 0..full {
            let mut sub_col = 0;
            for (i, &q) in qubits.iter().enumerate() {
                sub_col |= ((col >> bit(q)) & 1) << (k - 1 - i);
            }
            for sub_row in 0..(1usize << k) {
                let v = self.get(sub_row, sub_col);
                if v == C64::ZERO {
                    continue;
                }
                let mut row = col & !mask;
                for (i, &q) in qubits.iter().enumerate() {
                    row |= ((sub_row >> (k - 1 - i)) & 1) << bit(q);
                }
                data[row * full + col] = v;
            }
        }
        Matrix { dim: full, data }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn x() -> Matrix {
        Matrix::from_rows(vec![C64::ZERO, C64::ONE, C64::ONE, C64::ZERO]).unwrap()
    }

    #[test]
    fn embed_puts_qubit_zero_on_the_high_bit() {
        let on_first = x().embed(&[0], 2);
        // |00> -> |10>: column 0 has its one in row 2.
        assert_eq!(on_first.get(2, 0), C64::ONE);
        let on_second = x().embed(&[1], 2);
        assert_eq!(on_second.get(1, 0), C64::ONE);
    }

    #[test]
    fn identity_up_to_phase() {
        let mut m = Matrix::identity(2);
        assert!(m.is_identity_up_to_phase(1e-12));
        m.data[3] = C64::new(-1.0, 0.0);
        assert!(!m.is_identity_up_to_phase(1e-12));
    }
}
