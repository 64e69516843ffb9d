"""Isolated sessions: ``Session(..., isolated=True)`` runs its passes in a worker process.

The worker is real (a fresh interpreter), the passes are the installed ones, and the passes
that crash are the fixture plugin ``optimizers:faulty`` (segfault, ``os._exit``,
``sys.exit``, a hang, unbounded memory). Nothing here measures time.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from qloom import Backend, Circuit, OptionError, PassError, Session, transpile
from qloom.config import get_backend
from qloom.errors import ConfigError
from qloom.qasm2 import dumps
from qloom.session import IsolatedSession, SessionCrashed, SessionError, run_session_steps, spawner
from qloom.testing import assert_equivalent
from support import require_distribution

DEVICE = "emulator:heavy-hex-27"
STEPS = [
    ("placers:dense", {}),
    ("routers:sabre", {"trials": 3}),
    ("unrollers:basis", {}),
    ("optimizers:cancel", {}),
]


@pytest.fixture(autouse=True)
def _installed() -> None:
    for name in (
        "qloom-hw-emulator",
        "qloom-placers",
        "qloom-routers",
        "qloom-unrollers",
        "qloom-optimizers",
        "qloom-fixture-faulty",
    ):
        require_distribution(name)


def circuit() -> Circuit:
    return (
        Circuit(6, name="mixed")
        .h(0)
        .cx(0, 3)
        .cx(1, 4)
        .cx(0, 4)
        .rz(0.3, 2)
        .cx(4, 2)
        .swap(1, 5)
        .cz(0, 5)
        .cx(2, 1)
    )


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (absent, or a zombie nobody reaped yet)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status


def wait_gone(pid: int, bound: float = 30.0) -> bool:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if gone(pid):
            return True
        time.sleep(0.05)
    return gone(pid)


def wait_for_spare(bound: float = 30.0) -> int:
    """The pid of the spare worker, once the starting thread has started it."""
    deadline = time.monotonic() + bound
    while (pid := spawner.spare_pid()) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pid is not None, "no spare worker was started"
    return pid


def expiry_timers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "qloom-spare-expiry"]


@pytest.fixture
def isolated():
    """An isolated session on the device, closed after the test."""
    made: list[IsolatedSession] = []

    def make(**options) -> IsolatedSession:
        session = Session(circuit(), on=DEVICE, seed=11, isolated=True, **options)
        assert isinstance(session, IsolatedSession)
        made.append(session)
        return session

    yield make
    for session in made:
        session.close()


def test_isolated_steps_equal_in_process_byte_for_byte(isolated) -> None:
    remote, local = isolated(), Session(circuit(), on=DEVICE, seed=11)
    assert isinstance(remote, Session) and remote.pid != os.getpid()
    for label, options in STEPS:
        a, b = remote.step(label, **options), local.step(label, **options)
        assert (a.reward, a.executable) == (b.reward, b.executable)
        assert dict(a.observation) == dict(b.observation)
        assert dumps(remote.circuit) == dumps(local.circuit)
        assert remote.circuit == local.circuit and remote.circuit.name == "mixed"
        assert remote.layout == local.layout

    def kept(history):  # wall and cpu times differ from run to run
        return [(s.label, s.spec, s.seed, s.reward) for s in history]

    assert kept(remote.history) == kept(local.history)
    assert remote.executable
    assert (remote.observation.vector() == local.observation.vector()).all()
    assert_equivalent(remote.input, remote.circuit, remote.layout)
    again = transpile(
        remote.input, on=DEVICE, transpiler=remote.to_pipeline("mine"), **remote.transpile_options()
    )
    assert dumps(again) == dumps(remote.circuit) and again.layout == remote.layout


@pytest.mark.parametrize(
    ("mode", "exitcode", "reason"),
    [
        ("segfault", -11, "killed by SIGSEGV"),
        ("exit", 17, "exited with code 17"),
        ("sys-exit", 5, "exited with code 5"),
    ],
)
def test_a_crashing_pass_ends_the_session_with_a_named_error(
    isolated, mode: str, exitcode: int, reason: str
) -> None:
    session = isolated()
    session.step("placers:dense")
    before = dumps(session.circuit)
    with pytest.raises(SessionCrashed) as crash:
        session.step("optimizers:faulty", mode=mode)
    error = crash.value
    assert (error.action, error.step, error.exitcode, error.reason) == (
        "optimizers:faulty",
        1,
        exitcode,
        reason,
    )
    assert "step 1 ('optimizers:faulty')" in str(error) and reason in str(error)
    assert isinstance(error, SessionError)
    assert gone(session.pid) and not session.alive
    assert [s.label for s in session.history] == ["placers:dense"]
    for later in (
        lambda: session.circuit,
        lambda: session.step("routers:sabre"),
        session.undo,
        session.fork,
    ):
        with pytest.raises(SessionCrashed) as again:
            later()
        assert str(again.value) == str(error)
    fresh = isolated()  # the parent carries on: a new session works
    fresh.step("placers:dense")
    assert dumps(fresh.circuit) == before


def test_a_raising_pass_leaves_the_isolated_session_as_it_was(isolated) -> None:
    session = isolated()
    session.step("placers:dense")
    before, layout = dumps(session.circuit), session.layout
    with pytest.raises(PassError) as failed:
        session.step("optimizers:faulty", mode="raise")
    assert failed.value.pass_name == "optimizers:faulty"
    assert isinstance(failed.value.__cause__, ZeroDivisionError)
    assert "ZeroDivisionError" in failed.value.remote_traceback  # type: ignore[attr-defined]
    assert session.alive and len(session.history) == 1
    assert dumps(session.circuit) == before and session.layout == layout
    session.step("routers:sabre")
    assert session.observation["on_edges"]


def test_unbounded_memory_is_a_pass_error_under_memory_limit(isolated) -> None:
    session = isolated(memory_limit=1 << 30)  # the worker starts at ~0.3 GiB of address space
    with pytest.raises(PassError) as failed:
        session.step("optimizers:faulty", mode="memory", limit=8 << 30)
    assert isinstance(failed.value.__cause__, MemoryError)
    assert session.alive
    session.step("placers:dense")
    assert len(session.history) == 1


def test_a_hung_pass_is_stopped_by_step_timeout(isolated) -> None:
    session = isolated(step_timeout=1.0)
    with pytest.raises(SessionCrashed, match="step timeout of 1 s") as crash:
        session.step("optimizers:faulty", mode="hang")
    assert crash.value.action == "optimizers:faulty" and crash.value.exitcode == -9
    assert gone(session.pid)


def test_forks_share_the_worker_but_not_their_steps(isolated) -> None:
    session = isolated()
    session.step("placers:dense")
    fork = session.fork()
    assert fork.pid == session.pid
    fork.step("routers:sabre")
    assert [s.label for s in session.history] == ["placers:dense"]
    assert [s.label for s in fork.history] == ["placers:dense", "routers:sabre"]
    assert not session.observation["on_edges"] and fork.observation["on_edges"]
    assert session.undo().label == "placers:dense"
    assert len(fork.history) == 2 and dumps(session.circuit) == dumps(circuit())
    local = Session(circuit(), on=DEVICE, seed=11)
    local.step("placers:dense")
    local.step("routers:sabre")
    assert dumps(fork.circuit) == dumps(local.circuit)
    with pytest.raises(SessionCrashed):  # a crash in the fork ends the worker: both go
        fork.step("optimizers:faulty", mode="exit")
    with pytest.raises(SessionCrashed):
        session.step("placers:dense")


def test_parameters_reset_and_undo_travel(isolated) -> None:
    session = isolated()
    session.set_parameter("routers:sabre", trials=2)
    session.set_parameter("approximation_degree", 0.9)
    assert session.parameters == {"approximation_degree": 0.9, "routers:sabre": {"trials": 2}}
    assert session.transpile_options() == {"seed": 11, "approximation_degree": 0.9}
    result = session.step("routers:sabre")
    assert result.step.options["trials"] == 2
    with pytest.raises(OptionError, match="nonsense"):
        session.set_parameter("routers:sabre", nonsense=1)
    session.reset()
    assert session.history == () and dumps(session.circuit) == dumps(circuit())
    with pytest.raises(SessionError, match="nothing to undo"):
        session.undo()


def test_close_context_manager_and_collection_stop_the_worker() -> None:
    with Session(circuit(), on=DEVICE, seed=1, isolated=True) as session:
        pid = session.pid
        session.step("placers:dense")
    assert wait_gone(pid)
    with pytest.raises(SessionCrashed, match="closed"):
        session.step("placers:dense")
    session = Session(circuit(), on=DEVICE, seed=1, isolated=True)
    fork = session.fork()
    pid = session.pid
    del session
    gc.collect()
    assert not gone(pid)  # the fork still holds the worker
    fork.step("placers:dense")
    del fork
    gc.collect()
    assert wait_gone(pid)


def test_no_orphan_when_the_parent_is_killed_mid_step(tmp_path: Path) -> None:
    started = tmp_path / "started"
    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(f"""
        import os, signal, threading, time
        from qloom import Circuit, Session
        from qloom.session import spawner
        session = Session(Circuit(2).h(0).cx(0, 1), on={DEVICE!r}, isolated=True)
        while spawner.spare_pid() is None:
            time.sleep(0.01)
        step = dict(mode="hang", started={str(started)!r})
        threading.Thread(target=session.step, args=("optimizers:faulty",), kwargs=step,
                         daemon=True).start()
        while not os.path.exists({str(started)!r}):
            time.sleep(0.01)
        print(session.pid, spawner.spare_pid(), flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    )
    out, err = tmp_path / "out", tmp_path / "err"
    with out.open("w") as stdout, err.open("w") as stderr:  # files: an orphan cannot hang us
        run = subprocess.run(
            [sys.executable, str(script)], stdout=stdout, stderr=stderr, timeout=120
        )
    assert run.returncode == -9, err.read_text()
    pids = [int(pid) for pid in out.read_text().split()]
    try:
        assert wait_gone(pids[0])  # its worker, busy in a hung pass, ends too
        assert wait_gone(pids[1])  # and so does the spare, idle
    finally:
        for pid in pids:
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_session_opened_by_a_thread_that_ended_keeps_its_worker() -> None:
    """Linux kills a worker when the *thread* that started it ends (PR_SET_PDEATHSIG), and a
    web server opens sessions in pool threads that come and go."""
    made: list[IsolatedSession] = []
    native: list[int] = []

    def open_one() -> None:
        native.append(threading.get_native_id())
        made.append(Session(circuit(), on=DEVICE, seed=1, isolated=True))

    thread = threading.Thread(target=open_one)
    thread.start()
    thread.join()
    (session,) = made
    try:
        task = Path(f"/proc/self/task/{native[0]}")
        deadline = time.monotonic() + 30
        while task.exists() and time.monotonic() < deadline:  # the thread is gone for good
            time.sleep(0.01)
        assert session.step("placers:dense").observation["n2q"] == 7
        assert not gone(session.pid)
    finally:
        session.close()


def test_the_next_session_opens_on_the_spare_started_under_the_same_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Session(circuit(), on=DEVICE, seed=1, isolated=True) as first:
        spare = wait_for_spare()
        assert spare != first.pid
        with Session(circuit(), on=DEVICE, seed=1, isolated=True) as second:
            assert second.pid == spare
            assert second.step("placers:dense").observation["n2q"] == 7
            next_spare = wait_for_spare()
            assert next_spare not in (first.pid, second.pid)
            # the taken spare's expiry timer is cancelled: one timer thread per spare kept,
            # not one per session ever opened
            deadline = time.monotonic() + 30
            while len(expiry_timers()) != 1 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert len(expiry_timers()) == 1
    monkeypatch.setenv("QLOOM_TEST_SPARE_SETTINGS", "changed")
    with Session(circuit(), on=DEVICE, seed=1, isolated=True) as third:
        assert third.pid != next_spare  # started under another environment: not used
        assert wait_gone(next_spare)
        kept = wait_for_spare()
    try:
        spawner.keep_spare(False)
        assert spawner.spare_pid() is None and wait_gone(kept)
        with Session(circuit(), on=DEVICE, seed=1, isolated=True) as alone:
            assert alone.step("placers:dense").observation["n2q"] == 7
            assert spawner.spare_pid() is None
    finally:
        spawner.keep_spare(True)


def test_a_spare_nobody_takes_is_stopped_after_its_idle_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spawner.keep_spare(False)  # no spare of an earlier test is stopped in this one
    stopped: list[int] = []
    stop = spawner._stop

    def recording_stop(started: spawner.Started) -> None:
        stop(started)
        if started.spare:
            stopped.append(started.process.pid)

    monkeypatch.setattr(spawner, "_stop", recording_stop)
    try:
        spawner.keep_spare(True, idle=0.5)
        with Session(circuit(), on=DEVICE, seed=1, isolated=True) as session:
            deadline = time.monotonic() + 30
            while not stopped and time.monotonic() < deadline:
                time.sleep(0.01)
            assert stopped, "the spare was not stopped"
            assert gone(stopped[0]) and stopped[0] != session.pid  # reaped: not even a zombie
            assert spawner.spare_pid() is None
        with Session(circuit(), on=DEVICE, seed=1, isolated=True) as fresh:
            assert fresh.pid != stopped[0]
            assert fresh.step("placers:dense").observation["n2q"] == 7
        with pytest.raises(ConfigError, match="idle must be a positive"):
            spawner.keep_spare(True, idle=0)
    finally:
        spawner.keep_spare(True, idle=spawner.SPARE_IDLE)


def test_a_script_without_a_main_guard_works(tmp_path: Path) -> None:
    script = tmp_path / "plain.py"
    script.write_text(
        textwrap.dedent(f"""
        from qloom import Circuit, Session
        session = Session(Circuit(2).h(0).cx(0, 1), on={DEVICE!r}, seed=3, isolated=True)
        print(session.step("placers:dense").observation["n2q"])
    """)
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1"]


def test_received_bytes_are_never_unpickled(isolated, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Bomb:
        def __reduce__(self):
            return (Path.touch, (marker,))

    session = isolated()
    session._worker.conn.send_bytes(pickle.dumps(Bomb()))  # a pickle where JSON belongs
    answer = session._worker.conn.recv_bytes(1 << 20)
    assert b"not JSON" in answer and not marker.exists()
    session.step("placers:dense")  # the worker is fine
    assert not marker.exists()


def test_messages_are_bounded() -> None:
    ring = Circuit(6)
    for i in range(40):
        ring.h(i % 6).cx(i % 6, (i + 1) % 6)  # ~1.2 KB as data; ~6 KB once unrolled
    with Session(ring, on=DEVICE, seed=1, isolated=True, max_message_bytes=4096) as session:
        session.step("placers:dense")
        session.step("routers:sabre")
        session.step("unrollers:basis")  # the step's answer is small
        with pytest.raises(SessionError, match="max_message_bytes"):
            session.circuit  # noqa: B018 - the unrolled circuit is over 4 KiB
        assert session.alive
        session.undo()
        assert session.circuit.num_qubits == 27
    big = Circuit(20)
    for i in range(400):
        big.cx(i % 20, (i + 1) % 20)
    with pytest.raises(SessionError, match="max_message_bytes"):
        Session(big, on=DEVICE, isolated=True, max_message_bytes=4096)


def test_backends_travel_by_name() -> None:
    backend = get_backend(DEVICE)
    with Session(circuit(), on=backend, seed=2, isolated=True) as session:
        assert session.backend is backend
        assert session.step("placers:dense").observation["qubits"] == 27
    from qloom_hw_emulator import EmulatorBackend

    built = EmulatorBackend("heavy-hex-27")  # not the cached one: rebuilt alike by its name
    with Session(circuit(), on=built, seed=2, isolated=True) as session:
        assert session.step("placers:dense").observation["qubits"] == 27
    handmade = Backend("mine", 3, [(0, 1), (1, 2)], ["cx", "rz", "sx", "x"])
    with pytest.raises(SessionError, match="rebuilds its backend in the worker by name"):
        Session(Circuit(2).cx(0, 1), on=handmade, isolated=True)


def test_run_session_steps_in_and_out_of_process() -> None:
    qasm = dumps(circuit())
    steps = [label if not opts else {"action": label, "options": opts} for label, opts in STEPS]
    here = run_session_steps(qasm, DEVICE, 5, steps)
    there = run_session_steps(qasm, DEVICE, 5, steps, isolated=True)
    local = Session(circuit(), on=DEVICE, seed=5)
    for label, options in STEPS:
        local.step(label, **options)
    for outcome in (here, there):
        assert outcome["qasm"] == dumps(local.circuit)
        assert outcome["layout"] == local.layout.to_dict()
        assert outcome["observation"]["n2q"] == local.observation["n2q"]
        assert [s["label"] for s in outcome["history"]] == [label for label, _ in STEPS]
    with pytest.raises(SessionCrashed, match="step 1"):
        run_session_steps(
            qasm,
            DEVICE,
            5,
            ["placers:dense", {"pass": "optimizers:faulty", "mode": "exit"}],
            isolated=True,
        )


def test_a_release_during_a_call_waits_for_the_call(isolated) -> None:
    """A finalizer may run inside a call (a garbage collection mid-call): the release must
    not write on the pipe then, nor wait for the lock its own thread holds."""
    session = isolated()
    fork = session.fork()
    with session._worker.lock:  # as a call in progress holds it
        fork.close()
        assert session._worker.deferred == [fork._sid]
    session.step("placers:dense")  # the call drains the pending release
    assert session._worker.deferred == []
    with pytest.raises(SessionError, match="no session"):
        fork.step("placers:dense")
    assert session.alive and len(session.history) == 1


def test_circuits_openqasm_cannot_carry_travel_as_data() -> None:
    """A ``unitary`` operation has no OpenQASM 2 form: such a circuit travels as circuit
    data, both ways, and comes back equal."""
    swap = np.eye(4)[[0, 2, 1, 3]]
    start = Circuit(3, name="u").h(0).unitary(swap, [0, 2]).cx(1, 2)
    local = Session(start, on=DEVICE, seed=4)
    with Session(start, on=DEVICE, seed=4, isolated=True) as remote:
        assert remote.circuit == local.circuit and remote.circuit.name == "u"
        for session in (local, remote):
            session.step("placers:dense")
        assert remote.circuit == local.circuit and remote.layout == local.layout
        assert any(op.name == "unitary" for op in remote.circuit)


def test_every_installed_pass_stepped_isolated_equals_in_process() -> None:
    """Each installed action stepped alone (after placement) gives the same circuit,
    layout, reward (in the ``error`` space) and observations, or fails the same way."""
    local = Session(circuit(), on=DEVICE, seed=3, reward="error")
    local.step("placers:dense")
    with Session(circuit(), on=DEVICE, seed=3, reward="error", isolated=True) as remote:
        remote.step("placers:dense")
        labels = [a.label for a in remote.actions if a.label != "optimizers:faulty"]
        assert labels == [a.label for a in local.actions if a.label != "optimizers:faulty"]
        assert len(labels) > 20
        for label in labels:
            outcomes = []
            for session in (local, remote):
                try:
                    result = session.step(label)
                except Exception as exc:  # failing alike is equal too
                    outcomes.append((type(exc).__name__, str(exc)))
                    continue
                outcomes.append(
                    (
                        dumps(session.circuit),
                        session.layout,
                        result.reward,
                        dict(result.observation),
                    )
                )
                session.undo()
            assert outcomes[0] == outcomes[1], label
        assert len(remote.history) == 1


@pytest.mark.parametrize(
    "deliver",
    [
        "os.kill(os.getpid(), signal.SIGINT)",  # to the process: the kernel picks a thread
        "signal.pthread_kill(threading.get_ident(), signal.SIGINT)",  # to the helper thread
    ],
    ids=["process", "other-thread"],
)
def test_ctrl_c_during_a_step_stops_the_worker_and_an_idle_worker_ignores_it(
    tmp_path: Path, deliver: str
) -> None:
    """A SIGINT handed to another thread than the main one (the kernel may pick any) runs
    its handler only when the main thread is back in Python: the wait for an answer must
    wake up for it."""
    started = tmp_path / "started"
    script = tmp_path / "interrupt.py"
    script.write_text(
        textwrap.dedent(f"""
        import os, signal, threading, time
        from qloom import Circuit, Session
        from qloom.session import SessionCrashed
        # Python's own Ctrl-C handler, as at a terminal: started in the background by a
        # non-interactive shell (as CI may be), a process inherits SIGINT ignored
        signal.signal(signal.SIGINT, signal.default_int_handler)
        session = Session(Circuit(2).h(0).cx(0, 1), on={DEVICE!r}, seed=1, isolated=True)
        os.kill(session.pid, signal.SIGINT)  # Ctrl-C typed at a prompt reaches the worker
        print("idle", session.step("placers:dense").observation["n2q"], flush=True)

        def interrupt():
            while not os.path.exists({str(started)!r}):
                time.sleep(0.01)
            {deliver}

        threading.Thread(target=interrupt, daemon=True).start()
        try:
            session.step("optimizers:faulty", mode="hang", started={str(started)!r})
        except KeyboardInterrupt:
            print("interrupted", session.alive, flush=True)
        try:
            session.step("placers:dense")
        except SessionCrashed as crash:
            print("then", crash.reason, flush=True)
        print("pid", session.pid, flush=True)
    """)
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:3] == [
        "idle 1",
        "interrupted False",
        "then the call was interrupted (KeyboardInterrupt)",
    ]
    assert gone(int(lines[3].split()[1]))


def test_a_forked_child_exiting_does_not_close_the_parents_worker(isolated) -> None:
    """A child made by ``os.fork`` (a fork-started executor) inherits the session; its
    exit runs the finalizers, which must leave the parent's worker alone."""
    session = isolated()
    with warnings.catch_warnings():  # Python 3.12 warns about fork() with threads running
        warnings.simplefilter("ignore", DeprecationWarning)
        child = os.fork()
    if child == 0:  # the child: drop the session and exit normally, finalizers and all
        try:
            session.close()
        finally:
            os._exit(0)
    os.waitpid(child, 0)
    assert session.alive and session.step("placers:dense").observation["n2q"] > 0


def small_angles() -> Circuit:
    """A circuit that ``optimizers:optimize`` shortens more under approximation_degree<1."""
    out = Circuit(3, name="small")
    for i in range(6):
        out.rz(0.01 * i + 0.001, 0).cx(0, 1).rx(0.002, 1).cx(1, 2).ry(0.003, 2)
    return out


def test_restart_and_separate_forks_replay_the_steps_in_a_new_worker() -> None:
    session = Session(small_angles(), on=DEVICE, seed=11, isolated=True)
    session.step("placers:dense")
    session.set_parameter("routers:sabre", trials=2)
    session.step("routers:sabre")
    session.set_parameter("approximation_degree", 0.5)  # changes what optimize does
    session.step("optimizers:optimize")
    session.set_parameter("approximation_degree", None)
    separate = session.fork(separate=True)
    try:
        assert separate.pid != session.pid
        assert dumps(separate.circuit) == dumps(session.circuit)
        with pytest.raises(SessionCrashed):
            separate.step("optimizers:faulty", mode="segfault")
        assert session.alive  # a separate fork's crash spares the original
    finally:
        separate.close()
    with pytest.raises(SessionCrashed):
        session.step("optimizers:faulty", mode="exit")
    again = session.restart()  # the steps kept before the crash, in a new worker
    try:
        assert again.alive and again.pid != session.pid

        def kept(history):
            return [(s.label, s.spec, s.seed) for s in history]

        assert kept(again.history) == kept(session.history)
        assert again.parameters == session.parameters == {"routers:sabre": {"trials": 2}}
        local = Session(small_angles(), on=DEVICE, seed=11)
        local.step("placers:dense")
        local.step("routers:sabre", trials=2)
        local.set_parameter("approximation_degree", 0.5)
        local.step("optimizers:optimize")
        local.set_parameter("approximation_degree", None)
        assert dumps(again.circuit) == dumps(local.circuit) and again.layout == local.layout
        again.step("unrollers:basis")
        local.step("unrollers:basis")
        assert dumps(again.circuit) == dumps(local.circuit)
    finally:
        again.close()
        session.close()
