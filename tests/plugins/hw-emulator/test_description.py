"""A user's own device from a TOML or JSON file, and the errors a bad file gets."""

from __future__ import annotations

import json
import textwrap

import pytest

import qloom
from qloom_hw_emulator import DeviceFileError, EmulatorBackend, load_device, parse_device

GOOD = """\
description = "my 4-qubit ring"
natives = ["rz", "sx", "x", "cz"]
virtual = ["rz"]
pipeline = "O1"

[topology]
kind = "ring"
qubits = 4

[noise]
gate_error_1q = 1e-3
gate_error_2q = 1e-2
readout_error = 2e-2

[durations]
gate_1q_ns = 30
gate_2q_ns = 200
readout_ns = 800

[[qubit]]
index = 2
readout_error = 0.1
gate_ns = 45

[[edge]]
pair = [2, 1]
gate_error = 0.05
duration_ns = 300
"""


def write(tmp_path, text, name="chip.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_toml_file_describes_a_device(tmp_path):
    device = load_device(write(tmp_path, GOOD))
    assert device.name == "chip"
    assert device.num_qubits == 4
    assert set(device.edges) == {(0, 1), (1, 2), (2, 3), (0, 3)}
    assert device.natives == {"rz", "sx", "x", "cz"}
    assert device.pipeline == "O1"
    assert device.readout_error[2] == 0.1 and device.readout_error[0] == 0.02
    assert device.edge_error[(1, 2)] == 0.05 and device.edge_error[(0, 1)] == 0.01
    assert device.edge_ns[(1, 2)] == 300 and device.gate_ns[2] == 45 and device.gate_ns[0] == 30


def test_the_same_device_as_json(tmp_path):
    data = {
        "natives": ["prx", "cz"],
        "topology": {"edges": [[0, 1], [1, 2]], "directed": True},
        "noise": {"gate_error_2q": 0.01, "spread": 0.5, "seed": 3},
    }
    path = write(tmp_path, json.dumps(data), "line.json")
    device = load_device(path)
    assert device.directed and device.edges == ((0, 1), (1, 2))
    assert device.edge_error != {e: 0.01 for e in device.edges}, "spread varies the rates"
    assert load_device(path).edge_error == device.edge_error, "the seed fixes them"


def test_a_file_is_a_backend_by_path(tmp_path):
    path = write(tmp_path, GOOD)
    backend = qloom.get_backend(f"emulator:{path}")
    assert backend.name == "emulator:chip"
    assert backend.default_pipeline == "O1"
    assert (0, 3) in backend and (0, 2) not in backend
    assert backend.calibration.readout_error[2] == 0.1


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (
            ('natives = ["rz", "sx", "x", "cz"]', 'natives = ["rz", "sx", "xx", "cz"]'),
            "natives[2]",
            "unknown gate 'xx'",
        ),
        (
            ('natives = ["rz", "sx", "x", "cz"]', 'natives = ["rz", "ccx"]'),
            "natives[1]",
            "not a one- or two-qubit gate",
        ),
        (('virtual = ["rz"]', 'virtual = ["p"]'), "virtual", "not among the natives"),
        (
            ("gate_error_2q = 1e-2", 'gate_error_2q = "abc"'),
            "noise.gate_error_2q",
            "expected a number, got 'abc'",
        ),
        (("gate_error_2q = 1e-2", "gate_error_2q = 1.5"), "noise.gate_error_2q", "not in [0, 1]"),
        (("readout_ns = 800", "readout_ns = -1"), "durations.readout_ns", "0 or more"),
        (("pair = [2, 1]", "pair = [2, 7]"), "edge[0].pair[1]", "qubit 7 out of range 0..3"),
        (("pair = [2, 1]", "pair = [0, 2]"), "edge[0].pair", "not a coupled pair"),
        (("index = 2", "index = 9"), "qubit[0].index", "qubit 9 does not exist"),
        (('kind = "ring"', 'kind = "rign"'), "topology.kind", "did you mean 'ring'"),
        (
            ("gate_error_1q = 1e-3", "gate_eror_1q = 1e-3"),
            "noise.gate_eror_1q",
            "did you mean 'gate_error_1q'",
        ),
        (("qubits = 4", "qubits = 4.5"), "topology.qubits", "expected an integer"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_errors_name_the_file_and_the_key(tmp_path, change, key, message):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DeviceFileError) as info:
        load_device(path)
    assert info.value.key == key
    assert message in info.value.problem
    assert str(info.value).startswith(f"{path}: {key}: ")


def test_edges_to_missing_qubits_and_repeated_pairs(tmp_path):
    topology = '[topology]\nkind = "edges"\nqubits = 3\nedges = [[0, 1], [1, 3]]\n'
    missing = r"topology.edges\[1\]\[1\]: qubit 3 out of range 0..2"
    with pytest.raises(DeviceFileError, match=missing):
        load_device(write(tmp_path, 'natives = ["cz", "prx"]\n' + topology))
    twice = "[topology]\nedges = [[0, 1], [1, 0]]\n"
    with pytest.raises(DeviceFileError, match=r"topology.edges\[1\].*listed twice"):
        load_device(write(tmp_path, 'natives = ["cz", "prx"]\n' + twice))


def test_syntax_errors_and_missing_files_name_the_file(tmp_path):
    with pytest.raises(DeviceFileError, match=r"chip.toml: syntax: .*line 1"):
        load_device(write(tmp_path, 'natives = ["rz" "sx"]\n'))
    with pytest.raises(DeviceFileError, match=r"bad.json: line 1, column"):
        load_device(write(tmp_path, "{nope", "bad.json"))
    with pytest.raises(DeviceFileError, match="no such device description file"):
        qloom.get_backend(f"emulator:{tmp_path / 'missing.toml'}")


def test_required_parts_are_required():
    with pytest.raises(DeviceFileError, match="natives: expected a list of gate names"):
        parse_device({"topology": {"kind": "line", "qubits": 2}}, "mine")
    with pytest.raises(DeviceFileError, match="topology: expected a table"):
        parse_device({"natives": ["cz", "prx"]}, "mine")
    with pytest.raises(DeviceFileError, match=r"topology.qubits: 12, but a grid of \[3, 3\]"):
        parse_device(
            {
                "natives": ["cz", "prx"],
                "topology": {"kind": "grid", "rows": 3, "cols": 3, "qubits": 12},
            },
            "mine",
        )


def test_a_file_device_runs(tmp_path):
    backend = EmulatorBackend(str(write(tmp_path, GOOD)))
    bell = qloom.Circuit(2).h(0).cx(0, 1)
    counts = qloom.execute(bell, on=backend, shots=400, seed=5).counts
    assert counts.get("00", 0) + counts.get("11", 0) > 340
