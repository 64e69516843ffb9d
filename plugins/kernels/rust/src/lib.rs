//! `qloom_kernels._native`: the PyO3 layer over qloom's kernel crates.
//!
//! Each function here only converts: Python values in, a call into a plain Rust crate
//! (`qloom-dag`, `qloom-sabre`) with the GIL released, Python values or a typed exception
//! out. The typed Python face is `qloom_kernels/__init__.py`.

mod euler;
mod kak;
mod opt;

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use qloom_dag::{Coupling, Kind, RoutingDag, Rows};
use qloom_sabre::{Mt19937, RouteError};

mod knobs;
mod place;

use knobs::SabreKnobs;

create_exception!(
    _native,
    KernelError,
    PyException,
    "Base of the errors a kernel reports about its inputs' content."
);
create_exception!(
    _native,
    SabreGaveUp,
    KernelError,
    "The SABRE search passed max_swaps; args: (swaps, waiting front gates)."
);
create_exception!(
    _native,
    SabreNotPairwise,
    KernelError,
    "A gate on 3+ qubits was reached apart; args: (node, physical a, physical b)."
);
create_exception!(
    _native,
    SabreNoRoom,
    KernelError,
    "No layout keeps each group of interacting qubits in one component; args: (group sizes, \
     component sizes, the group's size)."
);
create_exception!(
    _native,
    SabreDisconnected,
    KernelError,
    "A front gate's qubits are in different components; args: (physical a, physical b)."
);

/// A circuit's routing DAG in array form (see `qloom_routers.RoutingDag`).
#[pyclass(frozen, module = "qloom_kernels._native")]
struct Dag {
    inner: RoutingDag,
}

#[pymethods]
impl Dag {
    #[new]
    fn new(
        num_wires: usize,
        kind: Vec<u8>,
        qubits: Vec<Vec<usize>>,
        succ: Vec<Vec<usize>>,
    ) -> PyResult<Self> {
        let kinds = kind
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                Kind::from_code(k).ok_or_else(|| {
                    PyValueError::new_err(format!("node {i} has kind {k}: 0, 1, 2 or 3 expected"))
                })
            })
            .collect::<PyResult<Vec<Kind>>>()?;
        let inner = RoutingDag::new(
            num_wires,
            kinds,
            Rows::from_nested(&qubits),
            Rows::from_nested(&succ),
        )
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Dag { inner })
    }

    /// Number of nodes.
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Number of qubit wires.
    #[getter]
    fn num_wires(&self) -> usize {
        self.inner.num_wires()
    }
}

/// A coupling graph in array form, every distance computed once.
#[pyclass(frozen, module = "qloom_kernels._native")]
struct Device {
    inner: Coupling,
}

#[pymethods]
impl Device {
    #[new]
    fn new(num_qubits: usize, edges: Vec<(usize, usize)>) -> PyResult<Self> {
        let inner =
            Coupling::new(num_qubits, &edges).map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Device { inner })
    }

    /// Number of physical qubits.
    #[getter]
    fn num_qubits(&self) -> usize {
        self.inner.num_qubits()
    }

    /// The longest finite distance.
    #[getter]
    fn diameter(&self) -> u32 {
        self.inner.diameter()
    }

    /// The distance between physical qubits `a` and `b`.
    fn dist(&self, a: usize, b: usize) -> PyResult<u32> {
        let n = self.inner.num_qubits();
        if a >= n || b >= n {
            return Err(PyValueError::new_err(format!(
                "qubits {a} and {b}: the device has {n}"
            )));
        }
        Ok(self.inner.dist(a, b))
    }
}

type RouteOut = (u64, u64, Vec<usize>, Option<Vec<i64>>, Vec<u32>, usize);

/// Route `dag` on `device` from `layout`; ties are broken by the Mersenne Twister state
/// `(rng_state, rng_pos)` of a `random.Random`.
///
/// Returns `(swaps, depth, final layout, events or None, rng state, rng position)`.
#[pyfunction]
#[pyo3(signature = (
    dag, device, layout, rng_state, rng_pos, knobs, *, record
))]
#[allow(clippy::too_many_arguments)]
fn sabre_route(
    py: Python<'_>,
    dag: &Bound<'_, Dag>,
    device: &Bound<'_, Device>,
    layout: Vec<usize>,
    rng_state: Vec<u32>,
    rng_pos: usize,
    knobs: &Bound<'_, SabreKnobs>,
    record: bool,
) -> PyResult<RouteOut> {
    let mut rng = generator(&rng_state, rng_pos)?;
    let heuristic = &knobs.get().inner;
    let dag = &dag.get().inner;
    let coupling = &device.get().inner;
    let outcome =
        py.detach(|| qloom_sabre::route(dag, coupling, &layout, heuristic, &mut rng, record));
    let out = outcome.map_err(to_py)?;
    let (words, pos) = rng.state();
    Ok((
        out.swaps,
        out.depth,
        out.final_layout,
        out.events,
        words.to_vec(),
        pos,
    ))
}

/// The Mersenne Twister a Python `random.Random` state describes (its 624 words and
/// position), or the `ValueError` every kernel gives for a malformed state.
fn generator(words: &[u32], pos: usize) -> PyResult<Mt19937> {
    Mt19937::from_state(words, pos).ok_or_else(|| {
        PyValueError::new_err("rng state: 624 words and a position up to 624 expected")
    })
}

pub(crate) fn to_py(err: RouteError) -> PyErr {
    match err {
        RouteError::GaveUp { swaps, waiting } => SabreGaveUp::new_err((swaps, waiting)),
        RouteError::NotPairwiseCoupled { node, a, b } => SabreNotPairwise::new_err((node, a, b)),
        RouteError::Disconnected { a, b } => SabreDisconnected::new_err((a, b)),
        e @ RouteError::Cycle => PyRuntimeError::new_err(e.to_string()),
        RouteError::BadInput(message) => PyValueError::new_err(message),
    }
}

type BestOut = (usize, u64, u64, Vec<usize>, Option<Vec<i64>>);

/// Route `dag` once per Mersenne Twister state in `rng_states` (the trials), on up to
/// `threads` threads with the GIL released; the first trial with fewest swaps, then lowest
/// depth.
///
/// Returns `(trial index, swaps, depth, final layout, events or None)`.
#[pyfunction]
#[pyo3(signature = (
    dag, device, layout, rng_states, knobs, *, record, threads
))]
#[allow(clippy::too_many_arguments)]
fn sabre_route_best(
    py: Python<'_>,
    dag: &Bound<'_, Dag>,
    device: &Bound<'_, Device>,
    layout: Vec<usize>,
    rng_states: Vec<(Vec<u32>, usize)>,
    knobs: &Bound<'_, SabreKnobs>,
    record: bool,
    threads: usize,
) -> PyResult<BestOut> {
    let rngs = rng_states
        .iter()
        .map(|(words, pos)| generator(words, *pos))
        .collect::<PyResult<Vec<_>>>()?;
    let heuristic = &knobs.get().inner;
    let dag = &dag.get().inner;
    let coupling = &device.get().inner;
    let (index, out) = py
        .detach(|| {
            qloom_sabre::route_best(dag, coupling, &layout, heuristic, rngs, record, threads)
        })
        .map_err(to_py)?;
    Ok((index, out.swaps, out.depth, out.final_layout, out.events))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Dag>()?;
    m.add_class::<Device>()?;
    euler::register(m)?;
    m.add_class::<opt::OptCircuit>()?;
    m.add_function(wrap_pyfunction!(sabre_route, m)?)?;
    m.add_function(wrap_pyfunction!(sabre_route_best, m)?)?;
    m.add_class::<SabreKnobs>()?;
    m.add_function(wrap_pyfunction!(place::sabre_place, m)?)?;
    m.add("SabreNoRoom", py.get_type::<SabreNoRoom>())?;
    m.add("KernelError", py.get_type::<KernelError>())?;
    m.add("SabreGaveUp", py.get_type::<SabreGaveUp>())?;
    m.add("SabreNotPairwise", py.get_type::<SabreNotPairwise>())?;
    m.add("SabreDisconnected", py.get_type::<SabreDisconnected>())?;
    kak::register(m)?;
    Ok(())
}
