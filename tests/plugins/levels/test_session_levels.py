"""Sessions over the installed passes: stepping equals running the same pipeline at once.

Every installed pass stepped alone gives what a one-pass pipeline gives (or fails the same
way, leaving the session as it was); every level and installed pipeline stepped entry by
entry gives byte for byte what ``transpile`` gives with it; the outputs are equivalent to
the input up to the layout, and the device accepts the executable ones.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qloom import Backend, Circuit, PassContext, Pipeline, QloomError, Session, transpile
from qloom.config import get_pipeline
from qloom.layout import Layout
from qloom.qasm2 import dumps
from qloom.testing import assert_backend_accepts, assert_equivalent
from support import require_distribution
from support.circuits import qft
from support.natives import NATIVE_SETS
from support.topologies import heavy_hex

DEVICE = Backend("hh12", 12, heavy_hex(1, 1), NATIVE_SETS["ibm-cx"])


@pytest.fixture(autouse=True)
def _installed():
    require_distribution("qloom-levels")


def mixed() -> Circuit:
    return (
        Circuit(5)
        .h(0)
        .cx(0, 3)
        .ccx(0, 1, 4)
        .rz(0.3, 2)
        .cx(4, 2)
        .swap(1, 3)
        .cz(0, 4)
        .h(0)
        .h(0)
        .cx(2, 1)
    )


def same(a: Circuit, b: Circuit) -> None:
    assert dumps(a) == dumps(b)
    assert a.layout == b.layout


def one_pass_at_once(session: Session, label: str) -> Circuit:
    """A one-pass pipeline run as ``Pipeline.run`` does, without the backend check."""
    pipeline = get_pipeline({"name": "once", "passes": [label]})
    context = PassContext(backend=session.backend, seed=session.seed)
    out = pipeline(session.input, context).copy()
    out.layout = context.layout or Layout.trivial(session.input.num_qubits, out.num_qubits)
    return out


def test_every_installed_pass_stepped_alone_equals_a_one_pass_pipeline():
    session = Session(mixed(), on=DEVICE, seed=21)
    leaves = [a.label for a in session.actions if a.kind != "pipelines"]
    assert {"placers:sabre", "routers:sabre", "unrollers:basis", "optimizers:cancel"} <= set(leaves)
    stepped = 0
    for label in leaves:
        fork = session.fork()
        try:
            expected = one_pass_at_once(session, label)
        except QloomError as exc:  # the pass fails at once: it fails as a step too
            with pytest.raises(type(exc)):
                fork.step(label)
            assert fork.history == () and dumps(fork.circuit) == dumps(session.input)
            continue
        fork.step(label)
        same(fork.circuit, expected)
        assert_equivalent(mixed(), fork.circuit, fork.layout)
        stepped += 1
    assert stepped >= 10, stepped
    print(f"{stepped} of {len(leaves)} passes stepped")
    assert session.history == ()  # forks never touched their parent


@pytest.mark.parametrize("level", ["O0", "O1", "O2", "O3"])
@pytest.mark.parametrize("circuit", [mixed(), qft(6)], ids=["mixed", "qft6"])
def test_stepping_a_level_entry_by_entry_equals_transpiling_with_it(level, circuit):
    pipeline = get_pipeline(level)
    session = Session(circuit, on=DEVICE, seed=5)
    for entry in pipeline.passes:
        session.step(entry)
    out = transpile(circuit, on=DEVICE, transpiler=level, seed=5)
    same(session.circuit, out)
    assert session.executable
    assert_backend_accepts(session.circuit, DEVICE)
    assert_equivalent(circuit, session.circuit, session.layout)
    again = transpile(circuit, on=DEVICE, transpiler=session.to_pipeline("mine"), seed=5)
    nested = Session(circuit, on=DEVICE, seed=5)
    nested.step(f"pipelines:{level}")  # the level as one step: a nested pipeline
    same(again, session.circuit)
    assert_equivalent(circuit, nested.circuit, nested.layout)
    same(nested.circuit, transpile(circuit, on=DEVICE, transpiler=nested.to_pipeline("n"), seed=5))


def test_a_session_of_leaf_steps_reaches_the_device_and_to_pipeline_reproduces_it():
    session = Session(qft(7), on=DEVICE, seed=13, parameters={"routers:sabre": {"trials": 3}})
    for label in ("placers:sabre", "routers:sabre", "unrollers:basis", "optimizers:optimize"):
        result = session.step(label)
    assert result.executable and session.history[1].options == {"trials": 3}
    out = transpile(
        qft(7), on=DEVICE, transpiler=session.to_pipeline("tuned"), **session.transpile_options()
    )
    same(out, session.circuit)
    assert_equivalent(qft(7), out, out.layout)


def test_the_same_steps_give_the_same_bytes_in_another_process():
    steps = ["placers:sabre", "routers:sabre", "unrollers:basis", "optimizers:optimize"]
    session = Session(qft(6), on=DEVICE, seed=99)
    for label in steps:
        session.step(label)
    script = f"""
import json, sys
sys.path.insert(0, {json.dumps(str(_tests_dir()))})
from qloom import Backend, Session
from qloom.qasm2 import dumps
from support.circuits import qft
from support.natives import NATIVE_SETS
from support.topologies import heavy_hex
session = Session(qft(6), on=Backend("hh12", 12, heavy_hex(1, 1), NATIVE_SETS["ibm-cx"]), seed=99)
for label in {steps!r}:
    session.step(label)
print(json.dumps({{"qasm": dumps(session.circuit), "layout": session.layout.to_dict()}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    other = json.loads(done.stdout)
    assert other["qasm"] == dumps(session.circuit)
    assert Layout.from_dict(other["layout"]) == session.layout


def _tests_dir():
    from pathlib import Path

    return Path(__file__).resolve().parents[2]


def test_forks_explore_two_branches_from_one_placed_state():
    session = Session(qft(6), on=DEVICE, seed=3)
    session.step("placers:sabre")
    basic, sabre = session.fork(), session.fork()
    basic.step("routers:basic")
    sabre.step("routers:sabre")
    for branch in (basic, sabre):
        branch.step("unrollers:basis")
        assert branch.executable
        assert_equivalent(qft(6), branch.circuit, branch.layout)
    assert [s.label for s in session.history] == ["placers:sabre"]
    assert basic.history[0] == sabre.history[0] == session.history[0]
    assert isinstance(session.to_pipeline("p"), Pipeline)
