"""qloom-optimizers: make circuits smaller without leaving the backend's natives."""
