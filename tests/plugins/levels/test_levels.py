"""``O0``..``O3``: every level yields equivalent circuits every device accepts."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

import qloom
from qloom import Backend, Circuit, transpile
from qloom.testing import assert_backend_accepts, assert_equivalent, check_pass, circuits
from support import require_distribution
from support.circuits import qft
from support.natives import NATIVE_SETS
from support.tolerances import IDENTITY_REMOVAL_ATOL
from support.topologies import directed, grid, heavy_hex, line

LEVELS = ["O0", "O1", "O2", "O3"]
SLOW = settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def _installed():
    require_distribution("qloom-levels")


def devices(key: str) -> list[Backend]:
    natives = NATIVE_SETS[key]
    return [
        Backend(f"line5-{key}", 5, line(5), natives),
        Backend(f"grid-{key}", 6, grid(2, 3), natives),
        Backend(f"directed-hh-{key}", 12, directed(heavy_hex(1, 1)), natives),
    ]


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("key", sorted(NATIVE_SETS))
@SLOW
@given(circuit=circuits(max_qubits=5, max_ops=20, max_unitary_qubits=3))
def test_every_level_on_every_native_set(level, key, circuit):
    check_pass(level, devices(key), [circuit], seed=3, atol=IDENTITY_REMOVAL_ATOL)


@pytest.mark.parametrize("level", LEVELS)
def test_levels_on_a_simulator_only_optimise(level):
    circuit = Circuit(3).h(0).h(0).cx(0, 1).cx(0, 1).ccx(0, 1, 2).measure_all()
    out = transpile(circuit, on=Backend("sim"), transpiler=level, seed=1)
    assert_equivalent(circuit, out)
    gates = {name for name in out.count_ops() if name not in ("measure", "barrier")}
    assert gates == ({"h", "cx", "ccx"} if level == "O0" else {"ccx"})


def test_devices_default_to_o2_and_simulators_to_identity():
    assert Backend("dev", 3, line(3), ["cz", "rz", "sx", "x"]).default_pipeline == "O2"
    assert Backend("sim").default_pipeline == "identity"
    circuit = Circuit(3).h(0).cx(0, 2).ccx(0, 1, 2).measure_all()
    backend = Backend("dev", 3, line(3), ["cz", "rz", "sx", "x"])
    out = transpile(circuit, on=backend, seed=2)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out)


def test_heavier_levels_give_fewer_two_qubit_gates_on_a_routed_qft():
    backend = Backend("hh", 12, heavy_hex(1, 1), ["cz", "rz", "sx", "x"])
    circuit = qft(10)
    counts = {}
    for level in LEVELS:
        out = transpile(circuit, on=backend, transpiler=level, seed=4)
        assert_backend_accepts(out, backend)
        counts[level] = out.count_2q()
    assert counts["O3"] <= counts["O2"] <= counts["O1"] < counts["O0"]


def test_users_compose_levels_in_toml(tmp_path, monkeypatch):
    config = tmp_path / "qloom.toml"
    config.write_text(
        '[pipelines.mine]\npasses = ["pipelines:O1", { pass = "optimizers:optimize", '
        "resynthesize = true }]\n"
    )
    monkeypatch.setenv("QLOOM_CONFIG", str(config))
    backend = Backend("dev", 4, line(4), NATIVE_SETS["iqm"])
    circuit = qft(4)
    out = transpile(circuit, on=backend, transpiler="mine", seed=5)
    assert_backend_accepts(out, backend)
    assert_equivalent(circuit, out)
    assert qloom.get_pipeline("mine").spec()["passes"][0]["name"] == "O1"
