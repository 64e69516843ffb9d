//! `sabre_place`: the SABRE layout search of `placers:sabre` (crate `qloom-place`) in one
//! call, its trials on threads with the GIL released.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use qloom_place::{PlaceError, Plan};

use crate::knobs::SabreKnobs;
use crate::{to_py, Dag, Device, SabreNoRoom};

type PlaceOut = (u64, Vec<usize>, u64);

/// Search a layout for `dag` (`backward`: its reverse) on `device`.
///
/// Returns `(swaps, layout, routing seed)` of the best routing found.
#[pyfunction]
#[pyo3(signature = (
    dag, backward, device, knobs, *, width, path, trials, iterations, confirm, budget, seed,
    threads
))]
#[allow(clippy::too_many_arguments)]
pub fn sabre_place(
    py: Python<'_>,
    dag: &Bound<'_, Dag>,
    backward: &Bound<'_, Dag>,
    device: &Bound<'_, Device>,
    knobs: &Bound<'_, SabreKnobs>,
    width: usize,
    path: Option<Vec<usize>>,
    trials: usize,
    iterations: usize,
    confirm: usize,
    budget: Option<u64>,
    seed: Vec<u32>,
    threads: usize,
) -> PyResult<PlaceOut> {
    let plan = Plan {
        width,
        path,
        trials,
        iterations,
        confirm,
        budget,
        seed,
    };
    let (dag, backward) = (&dag.get().inner, &backward.get().inner);
    let coupling = &device.get().inner;
    let heuristic = &knobs.get().inner;
    let out = py.detach(|| qloom_place::place(dag, backward, coupling, heuristic, &plan, threads));
    match out {
        Ok(p) => Ok((p.swaps, p.layout, p.seed)),
        Err(PlaceError::Route(err)) => Err(to_py(err)),
        Err(PlaceError::NoRoom(r)) => Err(SabreNoRoom::new_err((r.groups, r.components, r.group))),
        Err(e @ (PlaceError::NoTrials | PlaceError::BadInput(_))) => {
            Err(PyValueError::new_err(e.to_string()))
        }
    }
}
