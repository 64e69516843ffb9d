"""Fuzzing device description files: any input gives a ``Device`` or a located
``DeviceFileError``, in bounded time (issue 16).

Structured mutations of a valid description (JSON) exercise the validation; byte-level
mutations of a valid TOML file exercise the reader. Bounded and derandomized for CI.
"""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qloom_hw_emulator import Device, DeviceFileError, load_device

GOOD = {
    "description": "fuzzed",
    "natives": ["rz", "sx", "x", "cz"],
    "virtual": ["rz"],
    "topology": {"kind": "ring", "qubits": 5},
    "noise": {"gate_error_1q": 1e-3, "gate_error_2q": 1e-2, "readout_error": 2e-2, "seed": 1},
    "durations": {"gate_1q_ns": 30, "gate_2q_ns": 200, "readout_ns": 800},
    "qubit": [{"index": 2, "readout_error": 0.1}],
    "edge": [{"pair": [1, 2], "gate_error": 0.05}],
}

GOOD_TOML = """\
description = "fuzzed"
natives = ["rz", "sx", "x", "cz"]
[topology]
kind = "grid"
rows = 2
cols = 3
[noise]
gate_error_2q = 1e-2
spread = 0.3
[[edge]]
pair = [0, 1]
gate_error = 0.02
"""

SLOWEST = 10.0  # seconds per input: generous for a loaded 2-core machine

KEYS = [
    "topology.kind", "topology.qubits", "topology.edges", "topology.rows", "topology.cols",
    "topology.width", "topology.directed", "noise.seed", "noise.spread", "noise.readout_error",
    "durations.gate_2q_ns", "natives", "virtual", "qubit", "edge", "name", "pipeline", "bogus",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 40)
    | st.sampled_from([0, -1, 2048, 2049, 999_999_999, 2**63, -(2**63), 10**30])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["ring", "line", "grid", "heavy-hex", "star", "all-to-all", "edges", "cz"])
    | st.text(max_size=8)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


sizes = st.integers(-2, 20) | st.sampled_from([7, 11, 15, 2048, 2049, 999_999_999, 2**63])
topologies = st.fixed_dictionaries(
    {"kind": st.sampled_from(["ring", "line", "grid", "heavy-hex", "star", "all-to-all", "edges"])},
    optional={
        "qubits": sizes,
        "rows": sizes,
        "cols": sizes,
        "width": sizes,
        "edges": st.lists(st.lists(sizes, min_size=1, max_size=3), max_size=4),
        "directed": st.booleans(),
    },
)


def mutated(changes: list[tuple[str, object]], drops: list[str], topology: dict | None) -> dict:
    data = json.loads(json.dumps(GOOD))
    if topology is not None:
        data["topology"] = topology
        named = [q for pair in topology.get("edges", []) for q in pair]
        data["qubit"] = [{"index": q, "gate_ns": 40} for q in named[:2]]
        data["edge"] = [{"pair": pair} for pair in topology.get("edges", [])[:2]]
    for key in drops:
        head, _, tail = key.partition(".")
        (data.get(head) if tail and isinstance(data.get(head), dict) else data).pop(
            tail or head, None
        )
    for key, value in changes:
        head, _, tail = key.partition(".")
        if tail:
            table = data.setdefault(head, {})
            if isinstance(table, dict):
                table[tail] = value
        else:
            data[head] = value
    return data


def check(path) -> None:
    start = time.perf_counter()
    try:
        device = load_device(path)
    except DeviceFileError as err:
        assert str(err).startswith(f"{path}: {err.key}: "), str(err)
        assert len(str(err)) < 2000, f"a message of {len(str(err))} characters"
    else:
        assert isinstance(device, Device) and device.num_qubits >= 1
    took = time.perf_counter() - start
    assert took < SLOWEST, f"{path.name} took {took:.2f} s"


FUZZ = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    changes=st.lists(st.tuples(st.sampled_from(KEYS), values), max_size=4),
    drops=st.lists(st.sampled_from(KEYS), max_size=2),
    topology=st.none() | topologies,
    seed=st.none() | sizes,
)
def test_mutated_json_descriptions(tmp_path, changes, drops, topology, seed):
    data = mutated(changes, drops, topology)
    if seed is not None and isinstance(data.get("noise"), dict):
        data["noise"]["seed"] = seed
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(data))
    check(path)


@FUZZ
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(GOOD_TOML)),
            st.integers(0, 12),
            st.text(alphabet='[]{}"\'=.,#\\\n 0123456789-+einfa_xyz', max_size=12),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_mutated_toml_text(tmp_path, edits):
    text = GOOD_TOML
    for at, cut, insert in edits:
        text = text[:at] + insert + text[at + cut :]
    path = tmp_path / "fuzz.toml"
    path.write_text(text)
    check(path)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_random_bytes(tmp_path, raw):
    for name in ("fuzz.toml", "fuzz.json"):
        path = tmp_path / name
        path.write_bytes(raw)
        check(path)
