//! The optimizer kernel (`qloom-opt`) for `qloom_optimizers`: a circuit in array form that
//! Python fills once, runs passes on, and reads back once.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use qloom_opt::{KindSpec, KindTable, Matrix, Missing, Op, Program, Question, C64};

/// Bits of a kind's `flags` (as `qloom_optimizers.kernel` sets them).
const DIAGONAL: u32 = 1;
const IDENTITY: u32 = 2;
const SELF_INVERSE: u32 = 4;
const SYMMETRIC: u32 = 8;
const X_LIKE: u32 = 16;
const CX: u32 = 32;
const NATIVE: u32 = 64;

/// A block question as Python sees it: matrix (16 interleaved (re, im) pairs, row-major),
/// direction class, foreign, two-qubit gates.
type QuestionOut = (Vec<f64>, u32, bool, u32);

/// A kind as Python gives it: name, matrix as interleaved (re, im) row-major or None,
/// flags, inverse's name, (period, angle) of a rotation.
type KindIn = (
    String,
    Option<Vec<f64>>,
    u32,
    Option<String>,
    Option<(f64, f64)>,
);

/// A circuit being optimized (see `qloom_opt::Program`).
#[pyclass(module = "qloom_kernels._native")]
pub struct OptCircuit {
    inner: Program,
}

#[pymethods]
impl OptCircuit {
    #[new]
    fn new() -> Self {
        OptCircuit {
            inner: Program::new(KindTable::new()),
        }
    }

    /// Add kinds; returns the number of kinds now known.
    fn add_kinds(&mut self, kinds: Vec<KindIn>) -> PyResult<usize> {
        for (name, matrix, flags, inverse, rotation) in kinds {
            let matrix = match matrix {
                None => None,
                Some(flat) => {
                    if flat.len() % 2 != 0 {
                        return Err(PyValueError::new_err(format!(
                            "kind '{name}': the matrix has an odd number of floats (re, im pairs \
                             expected)"
                        )));
                    }
                    let entries = flat.chunks(2).map(|c| C64::new(c[0], c[1])).collect();
                    Some(Matrix::from_rows(entries).ok_or_else(|| {
                        PyValueError::new_err(format!("kind '{name}': the matrix is not square"))
                    })?)
                }
            };
            let spec = KindSpec {
                name,
                matrix,
                diagonal: flags & DIAGONAL != 0,
                identity: flags & IDENTITY != 0,
                self_inverse: flags & SELF_INVERSE != 0,
                inverse,
                rotation,
                symmetric: flags & SYMMETRIC != 0,
                x_like: flags & X_LIKE != 0,
                cx: flags & CX != 0,
                native: flags & NATIVE != 0,
            };
            self.inner.kinds.push(spec).map_err(PyValueError::new_err)?;
        }
        Ok(self.inner.kinds.len())
    }

    /// `(name, angle)` of the kinds from index `start` on, all merged rotations.
    fn rotations_from(&self, start: usize) -> PyResult<Vec<(String, f64)>> {
        (start..self.inner.kinds.len())
            .map(|id| {
                let kind = self.inner.kinds.get(id as u32);
                let angle = kind.rotation.map(|r| r.angle).ok_or_else(|| {
                    PyValueError::new_err(format!("kind {id} is not a merged rotation"))
                })?;
                Ok((self.inner.kinds.name(kind.name).to_owned(), angle))
            })
            .collect()
    }

    /// Replace the operations; operation `i` has origin `i`.
    fn set_ops(
        &mut self,
        kind: Vec<u32>,
        qubits: Vec<Vec<u32>>,
        opaque: Vec<bool>,
    ) -> PyResult<()> {
        let n = kind.len();
        if qubits.len() != n || opaque.len() != n {
            return Err(PyValueError::new_err(format!(
                "{n} kinds, {} qubit lists and {} opaque flags: one each per operation",
                qubits.len(),
                opaque.len()
            )));
        }
        let known = self.inner.kinds.len();
        if let Some(bad) = kind.iter().find(|&&k| k as usize >= known) {
            return Err(PyValueError::new_err(format!("kind {bad} of {known}")));
        }
        self.inner.ops = kind
            .into_iter()
            .zip(qubits)
            .zip(opaque)
            .enumerate()
            .map(|(i, ((kind, qubits), opaque))| Op {
                kind,
                qubits,
                opaque,
                origin: Some(i as u32),
            })
            .collect();
        Ok(())
    }

    /// The operations: `(kinds, origins, qubits of the changed ones)`; origin -1 marks a
    /// changed operation, whose qubits are the next list of the third item.
    fn ops(&self) -> (Vec<u32>, Vec<i64>, Vec<Vec<u32>>) {
        let ops = &self.inner.ops;
        (
            ops.iter().map(|op| op.kind).collect(),
            ops.iter()
                .map(|op| op.origin.map_or(-1, i64::from))
                .collect(),
            ops.iter()
                .filter(|op| op.origin.is_none())
                .map(|op| op.qubits.clone())
                .collect(),
        )
    }

    /// `(two-qubit gates, operations)`.
    fn size(&self) -> (usize, usize) {
        self.inner.size()
    }

    /// Remember the operations as they are (for `restore`).
    fn save(&mut self) {
        self.inner.save();
    }

    /// Go back to the operations last saved.
    fn restore(&mut self) {
        self.inner.restore();
    }

    fn remove_identities(&mut self, py: Python<'_>) {
        let inner = &mut self.inner;
        py.detach(|| inner.remove_identities());
    }

    fn cancel(&mut self, py: Python<'_>, lookback: usize) {
        let inner = &mut self.inner;
        py.detach(|| inner.cancel(lookback));
    }

    /// Fuse the one-qubit runs; returns the runs (as kinds) to `learn` first, if any (then
    /// nothing changed).
    fn fuse(&mut self, py: Python<'_>) -> Vec<Vec<u32>> {
        let inner = &mut self.inner;
        py.detach(|| inner.fuse().err().unwrap_or_default())
    }

    /// Remember the synthesis of `run`: the kinds replacing it, or None to keep it.
    fn learn(&mut self, run: Vec<u32>, replacement: Option<Vec<u32>>) -> PyResult<()> {
        let known = self.inner.kinds.len();
        if let Some(bad) = run
            .iter()
            .chain(replacement.iter().flatten())
            .find(|&&k| k as usize >= known)
        {
            return Err(PyValueError::new_err(format!("kind {bad} of {known}")));
        }
        self.inner.learn(run, replacement);
        Ok(())
    }

    /// Consolidate the two-qubit blocks; returns `(pairs, questions)` to answer first with
    /// `classify` and `decide`, if any (then nothing changed): pairs `(a, b)` whose direction
    /// class is unknown, else the distinct blocks to decide.
    #[allow(clippy::type_complexity)]
    fn consolidate(&mut self, py: Python<'_>) -> (Vec<(u32, u32)>, Vec<QuestionOut>) {
        let inner = &mut self.inner;
        match py.detach(|| inner.consolidate()) {
            Ok(()) => (Vec::new(), Vec::new()),
            Err(Missing::Pairs(pairs)) => (pairs, Vec::new()),
            Err(Missing::Blocks(questions)) => (
                Vec::new(),
                questions
                    .into_iter()
                    .map(|q| {
                        let flat = (0..16)
                            .flat_map(|e| {
                                let v = q.matrix.get(e / 4, e % 4);
                                [v.re, v.im]
                            })
                            .collect();
                        (flat, q.class, q.foreign, q.two_qubit)
                    })
                    .collect(),
            ),
        }
    }

    /// The direction class of each pair `(a, b, class)` (`a < b`).
    fn classify(&mut self, pairs: Vec<(u32, u32, u32)>) {
        for (a, b, class) in pairs {
            self.inner.classify((a, b), class);
        }
    }

    /// Remember what replaces the blocks of `question` (as `consolidate` gave it): kinds
    /// with their qubits as positions in the pair, or None to keep them.
    fn decide(
        &mut self,
        question: QuestionOut,
        replacement: Option<Vec<(u32, Vec<u8>)>>,
    ) -> PyResult<()> {
        let (flat, class, foreign, two_qubit) = question;
        if flat.len() != 32 {
            return Err(PyValueError::new_err(format!(
                "a block matrix has 32 floats, not {}",
                flat.len()
            )));
        }
        let known = self.inner.kinds.len();
        for (kind, local) in replacement.iter().flatten() {
            if *kind as usize >= known {
                return Err(PyValueError::new_err(format!("kind {kind} of {known}")));
            }
            if local.iter().any(|&p| p > 1) {
                return Err(PyValueError::new_err(format!(
                    "qubits {local:?}: positions in a pair are 0 and 1"
                )));
            }
        }
        let entries = flat.chunks(2).map(|c| C64::new(c[0], c[1])).collect();
        let matrix = Matrix::from_rows(entries).expect("16 entries");
        let question = Question {
            matrix,
            class,
            foreign,
            two_qubit,
        };
        self.inner.decide(&question, replacement);
        Ok(())
    }
}
