//! The two-qubit KAK kernels (`qloom-kak`): a 4x4 unitary comes in as the 256 bytes of a
//! C-ordered complex128 array, one-qubit factors go out the same way (2x2 each).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use qloom_kak::{Mat2, Mat4, C64};

/// The unitary in `raw` (row-major complex128), or a `ValueError`.
fn matrix(raw: &[u8]) -> PyResult<Mat4> {
    if raw.len() != 256 {
        return Err(PyValueError::new_err(format!(
            "a 4x4 complex128 matrix is 256 bytes, got {}",
            raw.len()
        )));
    }
    let word = |k: usize| f64::from_le_bytes(raw[8 * k..8 * k + 8].try_into().unwrap());
    Ok(Mat4::from_fn(|r, c| {
        let k = 2 * (4 * r + c);
        C64::new(word(k), word(k + 1))
    }))
}

fn push(out: &mut Vec<u8>, m: &Mat2) {
    for r in 0..2 {
        for c in 0..2 {
            out.extend_from_slice(&m[(r, c)].re.to_le_bytes());
            out.extend_from_slice(&m[(r, c)].im.to_le_bytes());
        }
    }
}

fn to_py(err: qloom_kak::KakError) -> PyErr {
    PyValueError::new_err(err.to_string())
}

/// The canonical Weyl coordinates `(a, b, c)` of a 4x4 unitary.
#[pyfunction]
fn kak_weyl_coordinates(py: Python<'_>, matrix_bytes: &[u8]) -> PyResult<(f64, f64, f64)> {
    let u = matrix(matrix_bytes)?;
    let [a, b, c] = py
        .detach(|| qloom_kak::weyl_coordinates(&u))
        .map_err(to_py)?;
    Ok((a, b, c))
}

/// How many entanglers (CX-like, or a parametric family) a unitary with these Weyl
/// coordinates needs.
#[pyfunction]
fn kak_count_entanglers(coordinates: (f64, f64, f64), parametric: bool) -> usize {
    let (a, b, c) = coordinates;
    qloom_kak::count_entanglers(&[a, b, c], parametric)
}

/// How many entanglers a 4x4 unitary needs (its Weyl coordinates, then the count).
#[pyfunction]
fn kak_num_entanglers(py: Python<'_>, matrix_bytes: &[u8], parametric: bool) -> PyResult<usize> {
    let u = matrix(matrix_bytes)?;
    let coords = py
        .detach(|| qloom_kak::weyl_coordinates(&u))
        .map_err(to_py)?;
    Ok(qloom_kak::count_entanglers(&coords, parametric))
}

type KakOut<'py> = ((f64, f64), (f64, f64, f64), Bound<'py, PyBytes>);

/// The KAK decomposition of a 4x4 unitary: `(phase, (a, b, c), factors)` with `factors` the
/// 2x2 complex128 matrices `k1[0], k1[1], k2[0], k2[1]` (256 bytes).
#[pyfunction]
fn kak_decompose<'py>(py: Python<'py>, matrix_bytes: &[u8]) -> PyResult<KakOut<'py>> {
    let u = matrix(matrix_bytes)?;
    let d = py.detach(|| qloom_kak::kak(&u)).map_err(to_py)?;
    let mut out = Vec::with_capacity(256);
    for m in d.k1.iter().chain(d.k2.iter()) {
        push(&mut out, m);
    }
    let [a, b, c] = d.coordinates;
    Ok(((d.phase.re, d.phase.im), (a, b, c), PyBytes::new(py, &out)))
}

/// Adds this file's functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(kak_weyl_coordinates, m)?)?;
    m.add_function(wrap_pyfunction!(kak_count_entanglers, m)?)?;
    m.add_function(wrap_pyfunction!(kak_num_entanglers, m)?)?;
    m.add_function(wrap_pyfunction!(kak_decompose, m)?)?;
    Ok(())
}
