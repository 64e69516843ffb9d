"""Sessions through the executors: ``run_session_steps`` as tasks on the process executor.

A task whose pass kills its worker fails alone (``WorkerDied``, or ``SessionCrashed``
naming the step when the steps run in an isolated session inside the task); the other
sessions' tasks finish with what the same steps give in this process.
"""

from __future__ import annotations

import pytest

from qloom import Circuit, Session
from qloom.errors import WorkerDied
from qloom.executor import TaskOptions
from qloom.qasm2 import dumps
from qloom.session import SessionCrashed, run_session_steps
from qloom_executors import ProcessExecutor
from support import require_distribution

LIMIT = 60.0
"""Seconds a task may take before the test fails instead of hanging (workers start here)."""
DEVICE = "emulator:heavy-hex-27"
STEPS = ["placers:dense", {"action": "routers:sabre", "options": {"trials": 2}}, "unrollers:basis"]
CRASH = ["placers:dense", {"action": "optimizers:faulty", "options": {"mode": "segfault"}}]


@pytest.fixture(autouse=True)
def _installed() -> None:
    for name in ("qloom-hw-emulator", "qloom-routers", "qloom-fixture-faulty"):
        require_distribution(name)


def ladder(n: int) -> Circuit:
    circuit = Circuit(n).h(0)
    for q in range(n - 1):
        circuit.cx(q, q + 1).cx(0, q + 1)
    return circuit


def in_process(n: int, seed: int) -> str:
    session = Session(ladder(n), on=DEVICE, seed=seed)
    session.step("placers:dense")
    session.step("routers:sabre", trials=2)
    session.step("unrollers:basis")
    return dumps(session.circuit)


@pytest.mark.parametrize("isolated", [False, True])
def test_a_crashing_session_task_fails_alone(
    shared_processes: ProcessExecutor, isolated: bool
) -> None:
    sizes = [3, 4, 5, 6]
    good = [
        shared_processes.submit(run_session_steps, dumps(ladder(n)), DEVICE, n, STEPS)
        for n in sizes
    ]
    crash = shared_processes.submit(
        run_session_steps,
        dumps(ladder(4)),
        DEVICE,
        1,
        CRASH,
        isolated=isolated,
        options=TaskOptions(key=f"crash-{isolated}", max_worker_deaths=0),
    )
    if isolated:
        with pytest.raises(SessionCrashed) as crashed:
            crash.result(LIMIT)
        assert (crashed.value.step, crashed.value.action) == (1, "optimizers:faulty")
        assert crashed.value.reason == "killed by SIGSEGV"
    else:
        with pytest.raises(WorkerDied) as died:
            crash.result(LIMIT)
        assert died.value.task_id == "crash-False" and died.value.attempts == 1
    outcomes = [future.result(LIMIT) for future in good]
    assert [o["qasm"] for o in outcomes] == [in_process(n, n) for n in sizes]
    assert all(o["observation"]["on_edges"] for o in outcomes)
