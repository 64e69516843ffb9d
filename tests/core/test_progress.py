"""Progress displays (qloom.progress) and the CLI's ``--progress``/``--quiet``.

The display normally appears after a second; every test sets the delay to 0 (or to an hour,
to see that nothing is drawn before it), so no test depends on how fast the machine is.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

from qloom import Pipeline
from qloom.api import run_pipeline
from qloom.errors import ConfigError
from qloom.executor import TaskInfo, TaskOptions
from qloom.hooks import hooks
from qloom.plugins import get_registry
from qloom.progress import (
    DELAY_ENV,
    batch_progress,
    count_passes,
    pass_progress,
    progress_delay,
)
from qloom.trials import Trials
from support import require_distribution
from support.circuits import ones
from support.parts import BasisStateBackend, ReverseQubits

ADDER = Path(__file__).resolve().parents[2] / "examples" / "adder.qasm"
QASM = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\n'


def _qloom(*args: str, delay: str = "0", **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, DELAY_ENV: delay, "COLUMNS": "100"}
    streams = kwargs or {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.run(
        [sys.executable, "-m", "qloom", *args],
        text=True,
        timeout=300,
        env=env,
        **streams,  # type: ignore[arg-type]
    )


def _pipeline_passes(*args: str) -> int:
    """How many leaf passes the backend's default pipeline has, as `pipeline show` counts."""
    shown = _qloom("pipeline", "show", "--json", *args)
    assert shown.returncode == 0, shown.stderr
    return sum(1 for row in json.loads(shown.stdout)["passes"] if row["kind"] != "pipelines")


# -- the CLI, through a real subprocess -----------------------------------------------------


def test_transpile_progress_shows_passes_on_stderr_only():
    require_distribution("qloom-hw-emulator")
    total = _pipeline_passes("--on", "emulator:heavy-hex-27")
    done = _qloom(
        "transpile", str(ADDER), "--on", "emulator:heavy-hex-27", "--seed", "7", "--progress"
    )
    assert done.returncode == 0, done.stderr
    assert f"transpiling: {total}/{total} passes" in done.stderr
    assert "ROUTING routers:" in done.stderr  # the stage and pass shown while it ran
    assert "transpiling" not in done.stdout
    assert "SWAPs inserted by routing" in done.stdout


def test_no_progress_through_a_pipe_by_default():
    require_distribution("qloom-hw-emulator")
    done = _qloom("transpile", str(ADDER), "--on", "emulator:heavy-hex-27", "--seed", "7")
    assert done.returncode == 0, done.stderr
    assert "transpiling" not in done.stderr


def test_run_json_stays_clean_with_progress():
    require_distribution("qloom-hw-emulator")
    done = _qloom(
        "run", str(ADDER), "--on", "emulator:heavy-hex-27", "--seed", "3", "--json", "--progress"
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # nothing of the display in stdout
    assert data["seed"] == 3 and sum(data["counts"].values()) == 1024
    assert "transpiling:" in done.stderr


def test_progress_and_quiet_exclude_each_other():
    done = _qloom("transpile", str(ADDER), "--on", "basis:4", "--progress", "--quiet")
    assert done.returncode == 2
    assert "not allowed with argument" in done.stderr


def _on_a_terminal(*args: str) -> str:
    """Run qloom with stderr on a pseudo-terminal; what it wrote there."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        done = _qloom(*args, stderr=slave, stdout=subprocess.PIPE)
    finally:
        os.close(slave)
        reader.join(timeout=60)
        os.close(master)
    assert done.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_on_a_terminal_by_default_and_quiet_turns_it_off():
    require_distribution("qloom-hw-emulator")
    args = ("transpile", str(ADDER), "--on", "emulator:heavy-hex-27", "--seed", "7")
    assert "transpiling:" in _on_a_terminal(*args)
    assert "transpiling:" not in _on_a_terminal(*args, "--quiet")


def test_compile_progress_counts_circuits_done_and_failed(tmp_path: Path):
    require_distribution("qloom-hw-emulator")
    (tmp_path / "a.qasm").write_text(QASM)
    (tmp_path / "b.qasm").write_text(QASM.replace("cx q[1],q[2];", "ccx q[0],q[1],q[2];"))
    (tmp_path / "c.qasm").write_text(QASM.replace("qreg q[3]", "qreg q[40]"))  # too wide
    done = _qloom(
        "compile", str(tmp_path), "--on", "emulator:heavy-hex-27", "--seed", "1", "--progress"
    )
    assert done.returncode == 1  # c.qasm failed
    assert "compiling: 3/3 circuits" in done.stderr
    assert "failed 1" in done.stderr
    assert "compiling" not in done.stdout
    quiet = _qloom("compile", str(tmp_path), "--on", "emulator:heavy-hex-27", "--no-progress")
    assert "compiling" not in quiet.stderr


# -- the displays, in process ----------------------------------------------------------------


def _task(task_id: str) -> TaskInfo:
    return TaskInfo(task_id, "serial", "test.fn", TaskOptions())


def test_batch_display_counts_each_task_once_from_every_hook():
    out = io.StringIO()
    with batch_progress(4, show=True, delay=0, stream=out) as display:
        caller = hooks()
        for name in "abcd":
            caller.task_submitted(_task(name))
        caller.task_started("a")
        caller.task_stage_changed("a", "ROUTING")
        caller.task_started("b")
        caller.task_stage_changed("b", "ROUTING")
        caller.task_started("c")
        assert display.counts() == {"RUNNING": 3, "QUEUED": 1}
        assert display.line() == "running 3 (ROUTING 2)"
        caller.task_finished("a", 0.5)
        caller.task_status_changed("a", "DONE")  # the Compiler's word on the same task
        caller.task_failed("b", RuntimeError("boom"))
        caller.task_status_changed("b", "FAILED", "RuntimeError: boom")
        caller.task_stage_changed("b", "LATE")  # an event after the end changes nothing
        caller.task_cancelled("c", "by the user")
        caller.task_status_changed("d", "RUNNING: PLACEMENT")
        assert display.line() == "failed 1, cancelled 1, running 1 (PLACEMENT 1)"
        caller.task_status_changed("d", "DONE")
        assert display.counts() == {"DONE": 2, "FAILED": 1, "CANCELLED": 1}
        assert display.done == 4
    assert "compiling: 4/4 circuits" in out.getvalue()
    assert "failed 1, cancelled 1" in out.getvalue()
    caller.task_finished("x", 0.1)  # unregistered when the block ends
    assert "x" not in display.status


def test_nothing_is_drawn_before_the_delay():
    out = io.StringIO()
    with batch_progress(1, show=True, delay=3600, stream=out):
        hooks().task_finished("a", 0.1)
    assert out.getvalue() == ""


def test_off_when_the_stream_is_not_a_terminal():
    out = io.StringIO()
    manager = get_registry().hook_manager()
    with batch_progress(1, delay=0, stream=out) as display:
        assert not manager.is_registered(display)
        hooks().task_finished("a", 0.1)
    assert out.getvalue() == "" and display.status == {}


def test_pass_display_follows_only_its_own_thread():
    backend = BasisStateBackend()
    pipeline = Pipeline([ReverseQubits(), ReverseQubits(), ReverseQubits()], name="three")
    out = io.StringIO()
    with pass_progress(count_passes(pipeline), show=True, delay=0, stream=out) as display:
        other = threading.Thread(target=run_pipeline, args=(ones(3), backend, pipeline, 1))
        other.start()
        other.join()
        assert display.done == 0  # another thread's transpilation is not ours
        run_pipeline(ones(3), backend, pipeline, 1)
        assert display.done == 3
        assert display.line() == "PLACEMENT placers:reverse"
    assert "transpiling: 3/3 passes" in out.getvalue()


def test_count_passes_counts_leaves_and_a_trials_entry_once():
    inner = Pipeline([ReverseQubits(), ReverseQubits()], name="inner")
    assert count_passes(Pipeline([ReverseQubits(), inner, ReverseQubits()])) == 4
    trials = Trials([ReverseQubits(), ReverseQubits()], trials=5, name="best")
    assert count_passes(Pipeline([trials, ReverseQubits()])) == 3


def test_delay_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(DELAY_ENV, raising=False)
    assert progress_delay() == 1.0
    monkeypatch.setenv(DELAY_ENV, "0.25")
    assert progress_delay() == 0.25
    for bad in ("soon", "-1", "1e9", "nan"):
        monkeypatch.setenv(DELAY_ENV, bad)
        with pytest.raises(ConfigError, match=DELAY_ENV):
            progress_delay()


def test_elapsed_time_counts_from_the_start_not_from_the_delay():
    out = io.StringIO()
    with batch_progress(2, show=True, delay=0, stream=out) as display:
        display._opened -= 125  # as if the command had started 2 min 5 s ago
        hooks().task_finished("a", 0.1)
    assert "compiling: 1/2 circuits" in out.getvalue()
    assert "| 02:05" in out.getvalue()
