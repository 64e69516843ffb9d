"""Provenance records: how a transpilation was made, as versioned JSON data, and reading
them back with bounds.

``record`` builds them (``qloom.api.run_pipeline`` attaches one to every outcome),
``snapshot`` holds the digests and backend snapshots, ``load`` reads and checks records,
and ``rerun`` replays them (``qloom.replay``; it sits above the API, so this package does
not import it).
"""

from qloom.provenance.load import (
    MAX_RECORD_BYTES,
    ProvenanceError,
    check_record,
    read_records,
)
from qloom.provenance.record import FORMAT, MAX_INPUT_BYTES, build_record
from qloom.provenance.snapshot import backend_snapshot, circuit_digest, digest

__all__ = [
    "FORMAT",
    "MAX_INPUT_BYTES",
    "MAX_RECORD_BYTES",
    "ProvenanceError",
    "backend_snapshot",
    "build_record",
    "check_record",
    "circuit_digest",
    "digest",
    "read_records",
]
