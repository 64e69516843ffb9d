//! One-qubit Euler synthesis (`qloom-euler`) for `qloom_unrollers.synthesis.synthesize_1q`.
//!
//! `OneQubitNatives` resolves a native gate set once (which bases apply); its `synthesize`
//! takes the 2x2 matrix as the 64 bytes of a C-ordered complex128 array and gives
//! `[(name, (angles...)), ...]`, or raises `EulerError` with the Python message.

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use qloom_euler::{synthesize_1q, Matrix2, Natives, C64};

use crate::KernelError;

create_exception!(
    _native,
    EulerError,
    KernelError,
    "No one-qubit sequence: not a 2x2 unitary, or no universal basis in the natives."
);

/// A native gate set's one-qubit abilities (`None`: the whole gate library).
#[pyclass(frozen, module = "qloom_kernels._native")]
struct OneQubitNatives {
    inner: Natives,
}

#[pymethods]
impl OneQubitNatives {
    #[new]
    fn new(natives: Option<Vec<String>>) -> Self {
        let inner = match natives {
            None => Natives::all(),
            Some(names) => Natives::new(names),
        };
        OneQubitNatives { inner }
    }

    /// The Euler bases these natives can express, in the order they are tried.
    #[getter]
    fn bases(&self) -> Vec<&'static str> {
        self.inner.bases().iter().map(|b| b.name()).collect()
    }

    /// The fewest native gates equal to `matrix` up to phase, in time order.
    fn synthesize<'py>(&self, py: Python<'py>, matrix: &[u8]) -> PyResult<Bound<'py, PyList>> {
        let m = read_matrix(matrix)?;
        let natives = &self.inner;
        let gates = py
            .detach(|| synthesize_1q(&m, natives))
            .map_err(|e| EulerError::new_err(e.to_string()))?;
        let items = gates
            .iter()
            .map(|g| Ok((g.name, PyTuple::new(py, g.params())?)))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, items)
    }
}

/// The 2x2 complex matrix in `bytes` (C order, native-endian complex128).
fn read_matrix(bytes: &[u8]) -> PyResult<Matrix2> {
    if bytes.len() != 64 {
        return Err(PyValueError::new_err(format!(
            "a 2x2 complex128 matrix is 64 bytes, got {}",
            bytes.len()
        )));
    }
    let f = |i: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[8 * i..8 * i + 8]);
        f64::from_ne_bytes(word)
    };
    let c = |k: usize| C64::new(f(2 * k), f(2 * k + 1));
    Ok([[c(0), c(1)], [c(2), c(3)]])
}

/// Adds this module's class and exception to `_native`.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<OneQubitNatives>()?;
    m.add("EulerError", m.py().get_type::<EulerError>())?;
    Ok(())
}
