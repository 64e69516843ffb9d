"""Progress displays on stderr, built on the hooks: pass by pass for one transpilation,
circuits done/failed for a batch.

``pass_progress()`` registers a watcher of ``qloom_pass_started``/``qloom_pass_finished``
for one transpilation and shows the current stage and pass, the passes done out of the
pipeline's leaf passes and the elapsed time::

    with pass_progress(total=count_passes(pipeline)):
        qloom.transpile(circuit, on="emulator:heavy-hex-127", transpiler=pipeline)

``batch_progress(total)`` listens to the executor task hooks (``qloom_task_submitted``,
``..._started``, ``..._stage_changed``, ``..._finished``, ``..._failed``, ``..._cancelled``)
and to the Compiler's ``qloom_task_status_changed``, and shows circuits done, failed and
running. A task is counted once by its id whichever of those hooks reported it (the
Compiler submits each task under its own id as the executor key).

Both show nothing until ``delay`` seconds have passed (``QLOOM_PROGRESS_DELAY``, default
1 s), so a quick command prints no bar at all; while shown, the elapsed time keeps moving
during a long pass (a small thread refreshes it). They write to stderr only and show by
default only when stderr is a terminal; ``show=True`` forces them (``--progress``),
``show=False`` turns them off (``--quiet``). The bar is tqdm's; without tqdm they show
nothing. The hook manager is shared by the whole process: the pass display keeps only the
events of the thread (or asyncio task) that opened it and, within it, of the first
``PassContext`` seen (a pass running a whole transpilation inside adds nothing); the batch
display counts every task reported while it is open.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, TextIO

from qloom.errors import ConfigError
from qloom.hookspecs import hookimpl
from qloom.watching import TranspilationWatcher, watching

if TYPE_CHECKING:
    import pluggy

    from qloom.circuit import Circuit
    from qloom.executor import TaskInfo
    from qloom.passes import Pass, PassContext

__all__ = [
    "DELAY_ENV",
    "BatchProgress",
    "PassProgress",
    "batch_progress",
    "count_passes",
    "pass_progress",
    "progress_delay",
]

DELAY_ENV = "QLOOM_PROGRESS_DELAY"
"""Seconds before a progress display appears (default 1; 0 shows it at once)."""

_DEFAULT_DELAY = 1.0
_MAX_DELAY = 3600.0
_REFRESH = 0.5  # seconds between refreshes of a shown display while nothing happens


def progress_delay() -> float:
    """The delay ``QLOOM_PROGRESS_DELAY`` asks for, else 1 s.

    Raises:
        ConfigError: the variable is not a number from 0 to 3600.
    """
    text = os.environ.get(DELAY_ENV, "").strip()
    if not text:
        return _DEFAULT_DELAY
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= _MAX_DELAY:
        raise ConfigError(f"{DELAY_ENV}={text!r}: expected seconds from 0 to {_MAX_DELAY:g}")
    return value


def count_passes(pipeline: Pass) -> int:
    """How many leaf passes ``pipeline`` runs once (a ``Trials`` entry counts once: only the
    kept trial's passes are reported finished)."""
    from qloom.pipeline import Pipeline

    if not isinstance(pipeline, Pipeline):
        return 1
    return sum(count_passes(step) for step in pipeline.passes)


class _Display:
    """A tqdm bar on ``stream`` that appears after ``delay`` s and redraws from ``line()``.

    Subclasses keep their counts under ``self.lock`` and say what to show in ``line()``.
    """

    desc = "working"
    unit = "it"
    units = "its"
    min_gap = 0.1
    """Seconds between redraws caused by events (tqdm's own default)."""

    def __init__(self, total: int | None, delay: float, stream: TextIO) -> None:
        self.lock = threading.RLock()
        self.total = total
        self.done = 0
        self._delay = delay
        self._stream = stream
        self._bar: Any = None
        self._drawn = 0.0
        self._opened = 0.0
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def line(self) -> str:
        """What to show after the counts (the current stage, pass, failures)."""
        return ""

    def open(self) -> None:
        """Start: show the bar now (``delay == 0``) or from a thread after the delay."""
        self._opened = time.time()  # the elapsed time shown counts from here
        if self._delay <= 0:
            self._show()
        self._ticker = threading.Thread(target=self._tick, name="qloom-progress", daemon=True)
        self._ticker.start()

    def close(self) -> None:
        """Stop the refreshes; draw the final counts once and take the bar down."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        with self.lock:
            if self._bar is not None:
                self._draw()
                self._bar.close()
                self._bar = None

    def changed(self) -> None:
        """Redraw after an event, at most every ``min_gap`` seconds."""
        with self.lock:
            if self._bar is not None and time.monotonic() - self._drawn >= self.min_gap:
                self._draw()

    def _tick(self) -> None:
        if self._stop.wait(self._delay):
            return
        self._show()
        while not self._stop.wait(_REFRESH):
            with self.lock:
                if self._bar is not None:
                    self._draw()

    def _show(self) -> None:
        try:
            from tqdm import tqdm  # type: ignore[import-untyped]
        except ImportError:  # tqdm is optional for this: no display
            return
        with self.lock:
            if self._bar is not None or self._stop.is_set():
                return
            self._bar = tqdm(
                total=self.total,
                desc=self._status(),
                unit=self.unit,
                file=self._stream,
                leave=False,
                dynamic_ncols=True,
                # tqdm's {desc} holds what changes: the elapsed time (ours, from open(), not
                # from when the bar appeared after the delay) and line()
                bar_format=f"{self.desc}: {{n_fmt}}/{{total_fmt}} {self.units} |{{bar}}| {{desc}}",
            )
            self._draw()

    def _status(self) -> str:
        """``00:41 ROUTING routers:sabre``: the elapsed time, then ``line()``."""
        from tqdm import tqdm

        elapsed = tqdm.format_interval(time.time() - self._opened)
        return f"{elapsed} {self.line()}".rstrip()

    def _draw(self) -> None:
        bar = self._bar
        if self.total is not None and self.done > self.total:
            self.total = self.done  # a loop ran passes more often than the spec lists
        bar.total = self.total
        bar.n = self.done
        bar.set_description_str(self._status(), refresh=False)
        bar.refresh()
        self._drawn = time.monotonic()


class PassProgress(_Display, TranspilationWatcher):
    """Pass by pass progress of one transpilation, from the pass hooks (see the module)."""

    desc = "transpiling"
    unit = "pass"
    units = "passes"
    min_gap = 0.0  # a pipeline has tens of passes: show every one

    def __init__(self, total: int | None, delay: float, stream: TextIO) -> None:
        super().__init__(total, delay, stream)
        self.stage = ""
        self.current = ""

    def line(self) -> str:
        """``ROUTING routers:sabre``: the pass running now, or the last one."""
        return f"{self.stage} {self.current}".strip()

    @hookimpl
    def qloom_pass_started(self, pass_label: str, stage: str, context: PassContext) -> None:
        """Show the pass starting."""
        if self.mine(context):
            with self.lock:
                self.stage, self.current = stage, pass_label
            self.changed()

    @hookimpl
    def qloom_pass_finished(self, circuit: Circuit, context: PassContext) -> None:
        """Count a pass done."""
        if self.mine(context):
            with self.lock:
                self.done += 1
            self.changed()


class BatchProgress(_Display):
    """Circuits done, failed and running in a batch, from the task hooks (see the module)."""

    desc = "compiling"
    unit = "circuit"
    units = "circuits"

    _ENDED = ("DONE", "FAILED", "CANCELLED")

    def __init__(self, total: int | None, delay: float, stream: TextIO) -> None:
        super().__init__(total, delay, stream)
        self.status: dict[str, str] = {}  # task id -> QUEUED, RUNNING, DONE, FAILED, ...
        self.stages: dict[str, str] = {}  # running task id -> its stage

    def counts(self) -> dict[str, int]:
        """How many tasks are in each status."""
        with self.lock:
            out: dict[str, int] = {}
            for status in self.status.values():
                out[status] = out.get(status, 0) + 1
            return out

    def line(self) -> str:
        """``failed 1, running 2 (ROUTING 2)``."""
        counts = self.counts()
        parts = [f"failed {counts['FAILED']}"] if counts.get("FAILED") else []
        if counts.get("CANCELLED"):
            parts.append(f"cancelled {counts['CANCELLED']}")
        if counts.get("RUNNING"):
            stages: dict[str, int] = {}
            for stage in self.stages.values():
                stages[stage] = stages.get(stage, 0) + 1
            where = ", ".join(f"{s} {n}" for s, n in sorted(stages.items()))
            parts.append(f"running {counts['RUNNING']}" + (f" ({where})" if where else ""))
        return ", ".join(parts)

    def _set(self, task_id: str, status: str, stage: str | None = None) -> None:
        with self.lock:
            old = self.status.get(task_id)
            if old in self._ENDED:
                return  # the same end reported by two hooks, or a late stage event
            self.status[task_id] = status
            if status == "RUNNING" and stage:
                self.stages[task_id] = stage
            elif status != "RUNNING":
                self.stages.pop(task_id, None)
            self.done = sum(1 for s in self.status.values() if s in self._ENDED)
        self.changed()

    @hookimpl
    def qloom_task_submitted(self, task: TaskInfo) -> None:
        """A task queued."""
        if task.task_id not in self.status:
            self._set(task.task_id, "QUEUED")

    @hookimpl
    def qloom_task_started(self, task_id: str) -> None:
        """A task running."""
        self._set(task_id, "RUNNING")

    @hookimpl
    def qloom_task_stage_changed(self, task_id: str, stage: str) -> None:
        """A running task entered a stage."""
        self._set(task_id, "RUNNING", stage)

    @hookimpl
    def qloom_task_finished(self, task_id: str) -> None:
        """A task done."""
        self._set(task_id, "DONE")

    @hookimpl
    def qloom_task_failed(self, task_id: str) -> None:
        """A task failed for good."""
        self._set(task_id, "FAILED")

    @hookimpl
    def qloom_task_cancelled(self, task_id: str) -> None:
        """A task cancelled."""
        self._set(task_id, "CANCELLED")

    @hookimpl
    def qloom_task_status_changed(self, task_id: str, status: str) -> None:
        """The Compiler's status of a task: ``QUEUED``, ``RUNNING: ROUTING``, ``DONE``..."""
        head, _, stage = status.partition(":")
        self._set(task_id, head.strip(), stage.strip() or None)


def _wanted(show: bool | None, stream: TextIO) -> bool:
    if show is not None:
        return show
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def _registered(
    display: _Display, manager: pluggy.PluginManager | None, show: bool | None
) -> Iterator[None]:
    if not _wanted(show, display._stream):
        yield
        return
    if manager is None:
        from qloom.plugins import get_registry

        manager = get_registry().hook_manager()
    manager.register(display, name=f"qloom:progress:{id(display)}")
    try:
        with _drawn(display):
            yield
    finally:
        manager.unregister(display)


@contextmanager
def _drawn(display: _Display) -> Iterator[None]:
    display.open()
    try:
        yield
    finally:
        display.close()


@contextmanager
def pass_progress(
    total: int | None = None,
    *,
    show: bool | None = None,
    delay: float | None = None,
    stream: TextIO | None = None,
    manager: pluggy.PluginManager | None = None,
) -> Iterator[PassProgress]:
    """Show the passes of the transpilation run inside the ``with`` block, in this thread.

    Args:
        total: the leaf passes expected (``count_passes(pipeline)``); ``None``: unknown.
        show: ``True`` always, ``False`` never, ``None`` when ``stream`` is a terminal.
        delay: seconds before it appears; default ``progress_delay()``.
        stream: where to draw; default ``sys.stderr``.
        manager: the hook manager to listen on; default the current registry's.

    Yields:
        The display (its ``done``, ``stage`` and ``current`` fill in as passes run).
    """
    display = PassProgress(
        total, progress_delay() if delay is None else delay, stream or sys.stderr
    )
    wanted = _wanted(show, display._stream)
    drawn = _drawn(display) if wanted else nullcontext()
    with watching(display, manager, register=wanted), drawn:
        yield display


@contextmanager
def batch_progress(
    total: int | None = None,
    *,
    show: bool | None = None,
    delay: float | None = None,
    stream: TextIO | None = None,
    manager: pluggy.PluginManager | None = None,
    desc: str | None = None,
    unit: tuple[str, str] | None = None,
) -> Iterator[BatchProgress]:
    """Show the tasks that executors (and the Compiler) report inside the ``with`` block.

    Args:
        total: the tasks expected (the batch's size); ``None``: unknown.
        show: ``True`` always, ``False`` never, ``None`` when ``stream`` is a terminal.
        delay: seconds before it appears; default ``progress_delay()``.
        stream: where to draw; default ``sys.stderr``.
        manager: the hook manager to listen on; default the current registry's.
        desc: what the bar says the tasks do (default ``"compiling"``).
        unit: what one task is, singular and plural (default ``("circuit", "circuits")``).

    Yields:
        The display (``counts()`` says how many tasks are in each status).
    """
    display = BatchProgress(
        total, progress_delay() if delay is None else delay, stream or sys.stderr
    )
    if desc is not None:
        display.desc = desc
    if unit is not None:
        display.unit, display.units = unit
    with _registered(display, manager, show):
        yield display
