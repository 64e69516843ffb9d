//! `SabreKnobs`: the scoring knobs of the SABRE search, passed to every SABRE kernel as one
//! object instead of a keyword list per function.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use qloom_sabre::Heuristic;

/// The SABRE scoring knobs (see `qloom_routers.Heuristic`, with `release` resolved).
#[pyclass(frozen, module = "qloom_kernels._native")]
pub struct SabreKnobs {
    pub inner: Heuristic,
}

#[pymethods]
impl SabreKnobs {
    #[new]
    #[pyo3(signature = (
        *, lookahead, lookahead_weight, layer_weights, decay, decay_reset, release, max_swaps,
        swap_cost_weight = 0.0
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        lookahead: usize,
        lookahead_weight: f64,
        layer_weights: Vec<usize>,
        decay: f64,
        decay_reset: u64,
        release: usize,
        max_swaps: Option<u64>,
        swap_cost_weight: f64,
    ) -> PyResult<Self> {
        if layer_weights.is_empty() || decay_reset == 0 || release == 0 {
            return Err(PyValueError::new_err(
                "layer_weights must not be empty; decay_reset and release at least 1",
            ));
        }
        if !(swap_cost_weight >= 0.0 && swap_cost_weight.is_finite()) {
            return Err(PyValueError::new_err(
                "swap_cost_weight must be a finite number, not negative",
            ));
        }
        let inner = Heuristic {
            lookahead,
            lookahead_weight,
            layer_weights,
            decay,
            decay_reset,
            release,
            max_swaps,
            swap_cost_weight,
        };
        Ok(SabreKnobs { inner })
    }

    #[getter]
    fn lookahead(&self) -> usize {
        self.inner.lookahead
    }

    #[getter]
    fn lookahead_weight(&self) -> f64 {
        self.inner.lookahead_weight
    }

    #[getter]
    fn layer_weights(&self) -> Vec<usize> {
        self.inner.layer_weights.clone()
    }

    #[getter]
    fn decay(&self) -> f64 {
        self.inner.decay
    }

    #[getter]
    fn decay_reset(&self) -> u64 {
        self.inner.decay_reset
    }

    #[getter]
    fn release(&self) -> usize {
        self.inner.release
    }

    #[getter]
    fn max_swaps(&self) -> Option<u64> {
        self.inner.max_swaps
    }

    #[getter]
    fn swap_cost_weight(&self) -> f64 {
        self.inner.swap_cost_weight
    }

    fn __repr__(&self) -> String {
        let h = &self.inner;
        let max_swaps = h.max_swaps.map_or("None".to_string(), |m| m.to_string());
        format!(
            "SabreKnobs(lookahead={}, lookahead_weight={:?}, layer_weights={:?}, decay={:?}, \
             decay_reset={}, release={}, max_swaps={}, swap_cost_weight={:?})",
            h.lookahead,
            h.lookahead_weight,
            h.layer_weights,
            h.decay,
            h.decay_reset,
            h.release,
            max_swaps,
            h.swap_cost_weight
        )
    }
}
