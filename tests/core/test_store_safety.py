"""The task store runs nothing it reads (R13) and names itself when it is damaged.

A store file is data: whoever can write it may put anything in it. A pickle whose
``__reduce__`` writes a marker file is planted in the store's columns; re-opening the store,
asking for results, resubmitting identical requests and rerunning ``qloom compile`` must never
create the marker. A file that is not a store, or a row that is damaged, gives a
``StoreError`` naming the file (and the task) and what to do, never a raw sqlite3, JSON or
Unicode error, and one bad row does not stop the other tasks.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from qloom import Compiler, Layout, PassError, QloomError, StoreError, qasm2
from qloom.cli import main
from qloom.compiler import circuit_to_data
from qloom.plugins import get_registry
from qloom.testing import assert_equivalent
from support.circuits import ones
from support.parts import BasisStateBackend, Explode, ReverseQubits

ROUTE = {"name": "route", "passes": ["placers:reverse"]}
EXPLODING = {"name": "exploding", "passes": ["placers:reverse", "routers:explode"]}
TEXT_COLUMNS = (
    "id",
    "name",
    "parent",
    "backend",
    "pipeline",
    "request_key",
    "request",
    "owner",
    "status",
    "detail",
    "result",
    "error",
)


@pytest.fixture(autouse=True)
def parts() -> None:
    registry = get_registry()
    registry.register("backends", "basis", BasisStateBackend)
    registry.register("placers", "reverse", ReverseQubits)
    registry.register("routers", "explode", Explode)


class Payload:
    """Unpickling it writes ``marker``: what a crafted store value would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "code ran from the task store"))


def poison(store: Path, task_id: str, marker: Path, *columns: str) -> None:
    blob = pickle.dumps(Payload(marker))
    with sqlite3.connect(store) as db:
        for column in columns:
            db.execute(f"UPDATE tasks SET {column} = ? WHERE id = ?", (blob, task_id))
    db.close()
    pickle.loads(blob)  # the payload is live: it does write the marker when unpickled
    assert marker.exists()
    marker.unlink()


def test_a_pickled_error_is_never_unpickled(tmp_path: Path):
    """R13: result() of a FAILED task and the reuse path of a DONE task read no pickle."""
    store, marker = tmp_path / "tasks.sqlite", tmp_path / "MARKER"
    with Compiler(store=store) as compiler:
        done = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=4)
        failed = compiler.submit(ones(3), on="basis:3", transpiler=EXPLODING, seed=4)
    poison(store, failed.id, marker, "error")
    poison(store, done.id, marker, "error")
    with Compiler(store=store) as compiler:
        assert compiler.status(failed) == "FAILED"
        with pytest.raises(QloomError) as caught:
            compiler.result(failed)
        assert str(store) in str(caught.value) and "error" in str(caught.value)
        assert not marker.exists()
        with pytest.raises(StoreError):
            compiler.result(done)
        again = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=4)
        served = compiler.result(again)
        assert "cached_from" not in served.metadata, "a damaged row was reused"
        assert_equivalent(ones(3), served.circuit, served.layout)
        assert not marker.exists()


def test_payload_in_every_column_runs_nothing(tmp_path: Path):
    """R13: one task per column, each column holding the pickle; every API call on them."""
    store, marker = tmp_path / "tasks.sqlite", tmp_path / "MARKER"
    ids: dict[str, str] = {}
    with Compiler(store=store) as compiler:
        for column in TEXT_COLUMNS:
            pipeline = EXPLODING if column == "error" else ROUTE
            ids[column] = compiler.submit(ones(3), on="basis:3", transpiler=pipeline, seed=1).id
        healthy = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=2).id
    for column, task_id in ids.items():
        poison(store, task_id, marker, column)
    with Compiler(store=store) as compiler:
        records = compiler.tasks()
        assert len(records) == len(TEXT_COLUMNS) + 1
        for column, task_id in ids.items():
            if column == "id":
                continue  # the row no longer has that id
            record = compiler.info(task_id)
            try:
                compiler.result(task_id)
            except QloomError as exc:
                if column not in ("detail", "error"):
                    assert isinstance(exc, StoreError), (column, exc)
                    assert str(store) in str(exc) and task_id in str(exc)
                    if column not in ("request_key", "request", "result"):
                        assert record.status == "FAILED" and column in record.detail, column
            try:
                compiler.resubmit(task_id)
            except QloomError as exc:
                assert isinstance(exc, StoreError), (column, exc)
        repeat = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=1)
        assert compiler.status(repeat) == "DONE"
        assert compiler.result(healthy).task_id == healthy
    assert not marker.exists()


def test_compile_command_rerun_on_a_poisoned_store(tmp_path: Path, capsys):
    """R13: ``qloom compile x.qasm --store s.sqlite`` again after the row was poisoned."""
    source = tmp_path / "x.qasm"
    source.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\nx q[0];\ncx q[0],q[1];\n')
    store, marker, out = tmp_path / "s.sqlite", tmp_path / "MARKER", tmp_path / "out"
    argv = ["compile", str(source), "--on", "basis:3", "--seed", "3", "--store", str(store)]
    argv += ["--no-progress"]
    assert main([*argv, "--out", str(out)]) == 0
    with sqlite3.connect(store) as db:
        (task_id,) = db.execute("SELECT id FROM tasks").fetchone()
    db.close()
    poison(store, task_id, marker, "error", "result")
    capsys.readouterr()
    code = main([*argv, "--out", str(out)])
    captured = capsys.readouterr()
    assert not marker.exists()
    assert code == 0, captured.err
    assert "1 compiled, 0 failed" in captured.out
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT status, result FROM tasks ORDER BY seq").fetchall()
    db.close()
    assert [r[0] for r in rows] == ["DONE", "DONE"]
    fresh = json.loads(rows[1][1])
    assert "cached_from" not in fresh, "the poisoned row was served as a success"
    layout = Layout.from_dict(fresh["layout"])
    assert_equivalent(qasm2.load(source), qasm2.load(out / "x.qasm"), layout)


LEGACY_SCHEMA = """
CREATE TABLE tasks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, name TEXT, parent TEXT,
    backend TEXT NOT NULL, pipeline TEXT NOT NULL, request_key TEXT NOT NULL,
    request TEXT NOT NULL, owner TEXT NOT NULL, status TEXT NOT NULL, detail TEXT,
    created REAL NOT NULL, started REAL, finished REAL, result TEXT, error BLOB
);
CREATE INDEX tasks_by_request ON tasks (request_key, status);
CREATE INDEX tasks_by_parent ON tasks (parent);
"""


def test_a_store_of_the_pickle_era_is_migrated_without_unpickling(tmp_path: Path):
    """A store written before errors were data (format 0, ``error BLOB`` pickled): its
    pickles are dropped unread, the detail text stays, the file is marked format 1, and it
    keeps working."""
    store, marker = tmp_path / "old.sqlite", tmp_path / "MARKER"
    detail = "PassError: pass 'routers:explode' in pipeline 'exploding' failed: boom"
    request = json.dumps({"circuit": circuit_to_data(ones(3)), "backend": "basis:3"})
    with sqlite3.connect(store) as db:
        db.executescript(LEGACY_SCHEMA)
        db.execute(
            "INSERT INTO tasks (id, name, backend, pipeline, request_key, request, owner, "
            "status, detail, created, finished, error) VALUES "
            "('task-old', 'ghz3', 'basis:3', 'exploding', 'k', ?, 'elsewhere:1:s', 'FAILED', "
            "?, 1.0, 2.0, ?)",
            (request, detail, pickle.dumps(Payload(marker))),
        )
    db.close()
    with Compiler(store=store) as compiler:
        with pytest.raises(QloomError) as caught:
            compiler.result("task-old")
        again = compiler.submit(ones(3), on="basis:3", transpiler=EXPLODING, seed=4)
        with pytest.raises(PassError):
            compiler.result(again)
    assert not marker.exists()
    assert not isinstance(caught.value, StoreError)
    assert str(caught.value) == detail
    with sqlite3.connect(store) as db:
        errors = dict(db.execute("SELECT id, typeof(error) FROM tasks").fetchall())
        assert errors == {"task-old": "null", again.id: "text"}
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_errors_are_stored_as_json_and_keep_their_type_fields_and_cause(tmp_path: Path):
    store = tmp_path / "tasks.sqlite"
    with Compiler(store=store) as compiler:
        failed = compiler.submit(ones(3), on="basis:3", transpiler=EXPLODING, seed=4)
    with sqlite3.connect(store) as db:
        (raw,) = db.execute("SELECT error FROM tasks WHERE id = ?", (failed.id,)).fetchone()
    db.close()
    assert isinstance(raw, str)
    data = json.loads(raw)
    assert data["type"] == "qloom.errors.PassError"
    assert data["fields"]["pass_name"] == "routers:explode"
    assert data["cause"]["type"] == "builtins.ZeroDivisionError"
    assert "lookahead weight" in data["traceback"]
    with Compiler(store=store) as compiler, pytest.raises(PassError) as caught:
        compiler.result(failed)
    err = caught.value
    assert err.pass_name == "routers:explode" and err.pipeline == "exploding"
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert str(err.__cause__) == "lookahead weight"
    assert "lookahead weight" in err.remote_traceback


# -- damaged and foreign files (issue 16, point 7) --------------------------------------------


def _assert_names_store(exc: BaseException, store: Path) -> None:
    text = str(exc)
    assert str(store) in text, text
    assert "move it aside" in text or "another --store" in text, text


def test_random_bytes_are_not_a_store(tmp_path: Path, capsys):
    store = tmp_path / "junk.sqlite"
    store.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(StoreError) as caught:
        Compiler(store=store)
    _assert_names_store(caught.value, store)
    source = tmp_path / "x.qasm"
    source.write_text("OPENQASM 2.0;\nqreg q[2];\nx q[0];\n")
    code = main(["compile", str(source), "--on", "basis:3", "--store", str(store), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    assert str(store) in err and "Traceback" not in err


def test_an_sqlite_file_of_another_program_is_refused_and_left_alone(tmp_path: Path):
    store = tmp_path / "other.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    db.close()
    with pytest.raises(StoreError, match="not a qloom task store") as caught:
        Compiler(store=store)
    _assert_names_store(caught.value, store)
    with sqlite3.connect(store) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    db.close()
    assert tables == ["contacts"]


def test_a_tasks_table_of_another_schema_is_refused(tmp_path: Path):
    store = tmp_path / "other.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE tasks (id TEXT, payload BLOB)")
    db.close()
    with pytest.raises(StoreError, match="not a qloom task store") as caught:
        Compiler(store=store)
    _assert_names_store(caught.value, store)


def test_a_store_from_a_newer_qloom_is_refused(tmp_path: Path):
    store = tmp_path / "tasks.sqlite"
    Compiler(store=store).close()
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(StoreError, match="newer") as caught:
        Compiler(store=store)
    assert str(store) in str(caught.value) and "99" in str(caught.value)
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA user_version = -3")
    db.close()
    with pytest.raises(StoreError, match="format -3"):
        Compiler(store=store)


BAD_VALUES = {
    "request: not JSON": ("request", "{not json"),
    "result: not JSON": ("result", "[1, 2"),
    "error: not JSON": ("error", "{'type': 1}"),
    "error: JSON of the wrong shape": ("error", '{"format": 1, "type": 5}'),
    "error: nested 100k deep": ("error", "[" * 100_000 + "]" * 100_000),
    "result: not UTF-8": ("result", b"\xff\xfe{}".decode("latin-1").encode("latin-1")),
    "result: wrong shape": ("result", '{"circuit": 3, "layout": []}'),
    "created: text": ("created", "yesterday"),
    "status: a number": ("status", 5),
    "status: unknown": ("status", "EXPLODED"),
    "owner: not UTF-8": ("owner", b"\xc3\x28"),
    "name: a blob": ("name", b"\x00\x01"),
}


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_one_damaged_row_fails_its_task_alone(tmp_path: Path, case: str, capsys):
    column, value = BAD_VALUES[case]
    store = tmp_path / "tasks.sqlite"
    with Compiler(store=store) as compiler:
        pipeline = EXPLODING if column == "error" else ROUTE
        bad = compiler.submit(ones(3), on="basis:3", transpiler=pipeline, seed=1).id
        good = compiler.submit(ones(2), on="basis:3", transpiler=ROUTE, seed=1).id
    with sqlite3.connect(store) as db:
        if isinstance(value, bytes) and column != "name":  # invalid UTF-8 stored as TEXT
            db.execute(f"UPDATE tasks SET {column} = CAST(? AS TEXT) WHERE id = ?", (value, bad))
        else:
            db.execute(f"UPDATE tasks SET {column} = ? WHERE id = ?", (value, bad))
    db.close()
    with Compiler(store=store) as compiler:
        assert [r.id for r in compiler.tasks()] == [bad, good]
        assert compiler.result(good).task_id == good
        if column != "request":  # a damaged row is an ended task: nothing to wait for
            with pytest.raises(StoreError):
                compiler.result(bad, timeout=5.0)
        outcome = compiler.results([bad, good])
        assert not isinstance(outcome[1], BaseException)
        if column == "request":
            with pytest.raises(StoreError) as caught:
                compiler.resubmit(bad)
        else:
            assert isinstance(outcome[0], StoreError), outcome[0]
            if column not in ("result", "error"):  # the record's own columns: shown FAILED
                assert compiler.status(bad) == "FAILED"
                assert column in compiler.info(bad).detail
            with pytest.raises(StoreError) as caught:
                compiler.result(bad)
        text = str(caught.value)
        assert str(store) in text and bad in text and column in text, text
        assert compiler.status(compiler.submit(ones(3), on="basis:3", seed=2)) == "DONE"


def test_no_module_that_reads_the_store_can_unpickle_or_evaluate():
    """R13 by construction: the store, the Compiler and errors-as-data import no pickle,
    marshal or shelve and call no eval/exec (a grep that fails when one comes back)."""
    import ast

    import qloom.compiler
    import qloom.failures

    folder = Path(qloom.compiler.__file__).parent
    sources = [*sorted(folder.glob("*.py")), Path(qloom.failures.__file__)]
    assert len(sources) >= 6
    for source in sources:
        tree = ast.parse(source.read_text(), str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not {"pickle", "marshal", "shelve", "dill", "cloudpickle"} & {
                    n.partition(".")[0] for n in names
                }, f"{source.name}:{node.lineno} imports {names}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("eval", "exec", "__import__"), (
                    f"{source.name}:{node.lineno} calls {node.func.id}"
                )


def test_any_value_in_any_column_is_a_result_or_a_qloom_error(tmp_path: Path):
    """Point 7, fuzzed (bounded): whatever a column holds, the Compiler opens the store,
    lists it, and answers each task with its result or a QloomError, never another type."""
    import shutil
    import uuid

    from hypothesis import given, settings
    from hypothesis import strategies as st

    template = tmp_path / "template.sqlite"
    with Compiler(store=template) as compiler:
        done = compiler.submit(ones(3), on="basis:3", transpiler=ROUTE, seed=1).id
        failed = compiler.submit(ones(3), on="basis:3", transpiler=EXPLODING, seed=1).id
    json_text = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=8,
    ).map(json.dumps)
    values = st.none() | st.integers() | st.floats() | st.text() | st.binary() | json_text

    @settings(max_examples=40, derandomize=True, deadline=None)
    @given(
        task=st.sampled_from([done, failed]),
        column=st.sampled_from([*TEXT_COLUMNS, "created", "started", "finished"]),
        value=values,
    )
    def check(task: str, column: str, value: Any) -> None:
        store = tmp_path / f"{uuid.uuid4().hex}.sqlite"
        shutil.copyfile(template, store)
        with sqlite3.connect(store) as db:
            db.execute(f"UPDATE OR IGNORE tasks SET {column} = ? WHERE id = ?", (value, task))
        db.close()
        with Compiler(store=store) as compiler:
            assert len(compiler.tasks()) == 2
            for task_id in (done, failed):
                for call in (compiler.result, compiler.resubmit):
                    with contextlib.suppress(QloomError):  # anything else fails the test
                        call(task_id)

    check()
