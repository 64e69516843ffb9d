"""Device description files are bounded: size, nesting, qubits, couplers, numbers (issue 16).

A bad file is the user's error (``DeviceFileError``, a ``ConfigError``) naming the file and
the key, never "the emulator plugin is broken". The bombs that exhausted the machine run in a
subprocess under an address-space limit; the rest run here with small sizes.
"""

from __future__ import annotations

import json

import pytest

import qloom
from qloom.errors import BrokenPluginError, ConfigError
from qloom.plugins import get_registry
from qloom_hw_emulator import DeviceFileError, EmulatorBackend, load_device
from support.capped import run_capped

NATIVES = 'natives = ["rz", "sx", "x", "cz"]\n'


def write(tmp_path, text, name="device.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def refused(path, **options):
    with pytest.raises(DeviceFileError) as info:
        EmulatorBackend(str(path), **options)
    err = info.value
    assert isinstance(err, ConfigError)
    assert str(err).startswith(f"{path}: {err.key}: "), str(err)
    return err


def test_an_edge_index_past_the_declared_qubits_names_the_pair_and_range(tmp_path):
    path = write(tmp_path, NATIVES + "[topology]\nqubits = 5\nedges = [[0, 999999999]]\n")
    err = refused(path)
    assert err.key == "topology.edges[0][1]"
    assert "qubit 999999999 out of range 0..4" in err.problem


def test_an_edge_index_past_the_qubit_limit_is_refused_before_anything_is_built(tmp_path):
    path = write(tmp_path, NATIVES + "[topology]\nedges = [[0, 1], [2, 20000]]\n")
    err = refused(path)
    assert err.key == "topology.edges[1][1]"
    assert "max_device_qubits=2048" in err.problem


def test_too_many_qubits_names_the_limit_and_the_option(tmp_path):
    path = write(tmp_path, NATIVES + '[topology]\nkind = "line"\nqubits = 20000\n')
    err = refused(path)
    assert err.key == "topology.qubits"
    assert "20000" in err.problem and "max_device_qubits" in err.problem
    assert EmulatorBackend(str(path), max_device_qubits=20_000).num_qubits == 20_000


def test_too_many_couplers_names_the_limit_and_the_option(tmp_path):
    path = write(tmp_path, NATIVES + '[topology]\nkind = "all-to-all"\nqubits = 1000\n')
    err = refused(path)
    assert err.key == "topology.qubits"
    assert "499500 couplers" in err.problem and "max_device_couplers" in err.problem


@pytest.mark.parametrize(
    ("topology", "key", "problem"),
    [
        ('kind = "grid"\nrows = 0\ncols = 5', "topology.rows", "at least 1"),
        ('kind = "grid"\nrows = 3\ncols = -2', "topology.cols", "at least 1"),
        ('kind = "grid"\nrows = 1\ncols = 1\nqubits = 2', "topology.qubits", "has 1"),
        ('kind = "heavy-hex"\nrows = 2\nwidth = 15', "topology.rows", "odd"),
        ('kind = "heavy-hex"\nrows = 3\nwidth = 9', "topology.width", "7, 11, 15"),
        ('kind = "line"\nqubits = 0', "topology.qubits", "at least 1"),
        ('kind = "ring"\nqubits = -3', "topology.qubits", "at least 1"),
        ('kind = "star"\nqubits = 20001', "topology.qubits", "max_device_qubits"),
    ],
)
def test_topology_sizes_are_checked(tmp_path, topology, key, problem):
    err = refused(write(tmp_path, NATIVES + "[topology]\n" + topology + "\n"))
    assert err.key == key
    assert problem in err.problem


def test_grid_of_one_qubit_is_a_device(tmp_path):
    path = write(tmp_path, NATIVES + '[topology]\nkind = "grid"\nrows = 1\ncols = 1\n')
    assert EmulatorBackend(str(path)).num_qubits == 1


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deep_json_is_refused_before_parsing(tmp_path, opener):
    closer = "]" if opener == "[" else "}"
    path = write(tmp_path, opener * 200_000 + closer * 200_000, "deep.json")
    err = refused(path)
    assert err.key == "file" and "nest" in err.problem


def test_deep_toml_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, NATIVES + "x = " + "[" * 200_000 + "]" * 200_000 + "\n")
    err = refused(path)
    assert err.key == "file" and "nest" in err.problem


def test_deep_dotted_toml_keys_are_refused_before_parsing(tmp_path):
    # tomllib keeps every prefix of a dotted key: 200k parts took gigabytes.
    path = write(tmp_path, NATIVES + "a" + ".a" * 200_000 + " = 1\n")
    err = refused(path)
    assert err.key == "file" and "nest" in err.problem


def test_nesting_depth_counts_brackets_and_dotted_keys_not_floats():
    from qloom_hw_emulator.limits import nesting_depth

    assert nesting_depth("x = [1.5, 2.5e3, [3.25]]\n[a.b]\nc.d.e = 1.5\n") == 3
    assert nesting_depth('{"a": [[1.5, 2.5], {"b": "[[[[.]]]]"}]}') == 4  # 3 + a float's dot
    assert nesting_depth("s = '''[[[\n]]]''' # [[[\nt = \"\\\"[[\"\n") == 0
    assert nesting_depth("[" * 100, stop=16) == 17


def test_brackets_inside_strings_and_comments_do_not_count(tmp_path):
    deep = "[" * 1000
    text = f'description = "{deep}"  # {deep}\n' + NATIVES + '[topology]\nkind = "line"\n'
    assert load_device(write(tmp_path, text + "qubits = 3\n")).description == deep
    data = {"description": deep, "natives": ["cz"], "topology": {"kind": "line", "qubits": 2}}
    assert load_device(write(tmp_path, json.dumps(data), "d.json")).num_qubits == 2


def test_file_size_is_bounded_with_an_option(tmp_path):
    path = write(tmp_path, NATIVES + '[topology]\nkind = "line"\nqubits = 3\n' + "#" * 5000)
    err = refused(path, max_device_file_bytes=1000)
    assert err.key == "file" and "max_device_file_bytes=1000" in err.problem
    assert EmulatorBackend(str(path)).num_qubits == 3


def test_undecodable_bytes_and_huge_integers(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b'description = "caf\xe9"\n')
    assert "UTF-8" in refused(path).problem
    digits = "9" * 5000
    text = '{"natives": ["cz"], "topology": {"qubits": ' + digits + "}}"
    path = write(tmp_path, text, "n.json")
    err = refused(path)
    assert err.key == "file" and "not valid JSON" in err.problem and "digits" in err.problem


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("seed = -1", "noise.seed"),
        ("spread = nan", "noise.spread"),
        ("gate_error_1q = inf", "noise.gate_error_1q"),
    ],
)
def test_numbers_must_be_finite_and_seeds_natural(tmp_path, line, key):
    text = NATIVES + '[topology]\nkind = "line"\nqubits = 3\n[noise]\n' + line + "\n"
    assert refused(write(tmp_path, text)).key == key


def test_infinite_durations_are_refused(tmp_path):
    text = NATIVES + '[topology]\nkind = "line"\nqubits = 3\n[durations]\ngate_1q_ns = inf\n'
    assert refused(write(tmp_path, text)).key == "durations.gate_1q_ns"


def test_a_long_value_is_shortened_in_the_message(tmp_path):
    path = write(tmp_path, f'natives = "{"x" * 100_000}"\n')
    err = refused(path)
    assert err.key == "natives" and len(str(err)) < 500


def test_a_bad_device_file_never_marks_the_emulator_broken(tmp_path):
    path = write(tmp_path, NATIVES + '[topology]\nkind = "grid"\nrows = 0\ncols = 5\n')
    with pytest.raises(DeviceFileError) as info:
        qloom.get_backend(f"emulator:{path}")
    assert not isinstance(info.value, BrokenPluginError)
    assert "is broken" not in str(info.value)
    assert get_registry().broken() == []
    assert qloom.get_backend("emulator:star-6").num_qubits == 6


def test_limits_are_validated():
    from qloom_hw_emulator.limits import DeviceLimits

    with pytest.raises(ConfigError, match="max_device_qubits"):
        DeviceLimits(max_qubits=0)
    with pytest.raises(ConfigError, match="max_device_file_bytes"):
        DeviceLimits(max_file_bytes=-1)


# -- the bombs of issue 16, each in a subprocess with 1.5 GiB of address space -------------

_BUILD = """
import sys
import qloom
answer(lambda: qloom.get_backend("emulator:" + sys.argv[1]))
"""

_BOMBS = {
    "line.toml": (NATIVES + '[topology]\nkind = "line"\nqubits = 1000000000\n', "topology.qubits"),
    "edge.toml": (NATIVES + "[topology]\nedges = [[0, 999999999]]\n", "topology.edges[0][1]"),
    "grid0.toml": (NATIVES + '[topology]\nkind = "grid"\nrows = 0\ncols = 5\n', "topology.rows"),
    "deep.json": ("[" * 200_000 + "]" * 200_000, "file"),
    "deep.toml": ("x = " + "[" * 200_000 + "]" * 200_000 + "\n", "file"),
    "dotted.toml": ("a" + ".a" * 200_000 + " = 1\n", "file"),
    "hex.toml": (NATIVES + '[topology]\nkind = "heavy-hex"\nrows = 2\nwidth = 5', "topology.rows"),
    "ions.toml": (NATIVES + '[topology]\nkind = "all-to-all"\nqubits = 200000', "topology.qubits"),
}


@pytest.mark.parametrize("name", sorted(_BOMBS))
def test_bombs_get_a_located_user_error_within_bounds(tmp_path, name):
    text, key = _BOMBS[name]
    path = write(tmp_path, text, name)
    answer = run_capped(
        _BUILD, str(path), address_space=3 << 29, timeout=120, env={"PYTHONWARNINGS": "error"}
    )
    took = answer["seconds"]
    assert answer["type"] == "DeviceFileError", (answer, f"{took:.1f} s")
    assert "ConfigError" in answer["mro"]
    assert answer["text"].startswith(f"{path}: {key}: "), answer["text"]
    assert "broken" not in answer["text"]
    assert took < 60, f"{name} took {took:.1f} s"
