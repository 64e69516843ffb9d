"""OpenQASM 2 reader hardening: where includes may come from, and a limit on every input.

Each refusal is a located ``QasmError`` (file:line:col of the statement at fault) naming
the path or the limit and how to allow it; no error quotes a file that is not the user's
OpenQASM source. Bombs under a memory limit are in test_qasm2_bombs.py, fuzzing in
test_qasm2_fuzz.py.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qloom import QasmError, qasm2
from qloom.cli import main
from qloom.plugins import get_registry
from qloom.qasm2 import QasmLimitError, QasmLimits
from support.parts import BasisStateBackend

H = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'  # programs below start on line 3

SECRET = "QLOOM_TEST_SECRET_7f3a"


def _load_error(path: Path, **options: object) -> QasmError:
    with pytest.raises(QasmError) as info:
        qasm2.load(path, **options)  # type: ignore[arg-type]
    return info.value


# -- where includes come from --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("/etc/passwd", "absolute"),
        ("/proc/self/environ", "absolute"),
        ("../../../../../../../../etc/passwd", "outside"),
        ("../secret.inc", "outside"),
    ],
)
def test_includes_outside_the_allowed_folders_are_refused(tmp_path, name, why):
    (tmp_path / "secret.inc").write_text(f"{SECRET}\n")
    folder = tmp_path / "work"
    folder.mkdir()
    main_file = folder / "main.qasm"
    main_file.write_text(H + f'include "{name}";\n')
    error = _load_error(main_file)
    assert (error.filename, error.line, error.column) == (str(main_file), 3, 9)
    assert name in error.message and why in error.message
    assert "allow_outside" in error.message
    text = str(error)
    assert SECRET not in text and "root:" not in text and "PATH=" not in text


def test_a_symlink_leading_outside_is_refused(tmp_path):
    (tmp_path / "secret.inc").write_text(f"{SECRET}\n")
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "link.inc").symlink_to(tmp_path / "secret.inc")
    (folder / "main.qasm").write_text(H + 'include "link.inc";\n')
    error = _load_error(folder / "main.qasm")
    assert "outside" in error.message and SECRET not in str(error)


def test_include_path_and_allow_outside_widen_where_includes_come_from(tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "flip.inc").write_text("gate flip a { x a; }\n")
    work = tmp_path / "work"
    work.mkdir()
    main_file = work / "main.qasm"
    main_file.write_text(H + 'include "flip.inc";\nqreg q[1];\nflip q[0];\n')
    assert "cannot find include file 'flip.inc'" in _load_error(main_file).message
    assert [op.name for op in qasm2.load(main_file, include_path=[lib])] == ["x"]
    main_file.write_text(H + f'include "{lib / "flip.inc"}";\nqreg q[1];\nflip q[0];\n')
    assert "absolute" in _load_error(main_file).message
    assert [op.name for op in qasm2.load(main_file, allow_outside=True)] == ["x"]


def test_text_without_a_file_includes_only_from_the_include_path(tmp_path, monkeypatch):
    (tmp_path / "flip.inc").write_text("gate flip a { x a; }\n")
    monkeypatch.chdir(tmp_path)
    program = H + 'include "flip.inc";\nqreg q[1];\nflip q[0];\n'
    with pytest.raises(QasmError, match=r"cannot find include file 'flip\.inc'"):
        qasm2.loads(program)
    assert len(qasm2.loads(program, include_path=[tmp_path])) == 1


def test_an_include_that_is_not_qasm_is_not_quoted(tmp_path):
    (tmp_path / "notes.inc").write_text(f"{SECRET}=hunter2\nmore {SECRET}\n")
    main_file = tmp_path / "main.qasm"
    main_file.write_text(H + 'include "notes.inc";\n')
    error = _load_error(main_file)
    assert (error.filename, error.line, error.column) == (str(main_file), 3, 9)
    assert "notes.inc" in error.message and "not OpenQASM" in error.message
    assert SECRET not in str(error) and "hunter2" not in str(error)
    assert error.__context__ is None and error.__cause__ is None
    assert SECRET.encode() not in pickle.dumps(error)


def test_a_limit_hit_by_the_first_statement_of_an_include_is_reported_in_it(tmp_path):
    (tmp_path / "ops.inc").write_text("h q;\n")
    main_file = tmp_path / "main.qasm"
    main_file.write_text(H + 'qreg q[2];\ninclude "ops.inc";\n')
    error = _load_error(main_file, limits=QasmLimits(max_operations=1))
    assert isinstance(error, QasmLimitError) and error.option == "max_operations"
    assert (error.filename, error.line, error.column) == (str(tmp_path / "ops.inc"), 1, 1)


def test_an_error_later_in_a_qasm_include_is_located_and_quoted(tmp_path):
    (tmp_path / "lib.inc").write_text("gate flip a { x a; }\ngate flop a { y a }\n")
    main_file = tmp_path / "main.qasm"
    main_file.write_text(H + 'include "lib.inc";\n')
    error = _load_error(main_file)
    assert (error.filename, error.line, error.column) == (str(tmp_path / "lib.inc"), 2, 19)
    assert error.source_line == "gate flop a { y a }"


def test_an_include_is_read_only_up_to_the_size_limit(tmp_path):
    (tmp_path / "big.inc").write_text("// " + "x" * 5000 + "\n")
    main_file = tmp_path / "main.qasm"
    main_file.write_text(H + 'include "big.inc";\n')
    error = _load_error(main_file, limits=QasmLimits(max_source_bytes=4000))
    assert isinstance(error, QasmLimitError)
    assert (error.filename, error.line, error.column) == (str(main_file), 3, 9)
    assert "max_source_bytes" in error.message and "4000" in error.message
    assert len(qasm2.load(main_file, limits=QasmLimits(max_source_bytes=6000))) == 0


def test_cli_refuses_outside_includes_and_takes_include_path(tmp_path, capsys):
    get_registry().register("backends", "basis", BasisStateBackend)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "flip.inc").write_text("gate flip a { x a; }\n")
    program = tmp_path / "main.qasm"
    program.write_text(H + 'include "/etc/passwd";\nqreg q[1];\n')
    assert main(["transpile", str(program), "--on", "basis:3"]) == 1
    err = capsys.readouterr().err
    assert "main.qasm:3:9" in err and "/etc/passwd" in err and "root:" not in err
    program.write_text(H + 'include "flip.inc";\nqreg q[1];\nflip q[0];\n')
    assert main(["transpile", str(program), "--on", "basis:3", "--include-path", str(lib)]) == 0
    big = "qreg q[3];\n" + "x q[0];\n" * 20
    program.write_text(H + big)
    assert (
        main(["transpile", str(program), "--on", "basis:3", "--qasm-limit", "max_operations=10"])
        == 1
    )
    assert "max_operations" in capsys.readouterr().err
    assert (
        main(["transpile", str(program), "--on", "basis:3", "--qasm-limit", "max_operations=20"])
        == 0
    )


def test_compile_command_takes_the_reader_options(tmp_path, capsys):
    get_registry().register("backends", "basis", BasisStateBackend)
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "flip.inc").write_text("gate flip a { x a; }\n")
    program = tmp_path / "main.qasm"
    program.write_text(H + 'include "flip.inc";\nqreg q[1];\nflip q[0];\nx q[0];\n')
    base = ["compile", str(program), "--on", "basis:3", "--no-progress"]
    assert main(base) == 1  # flip.inc is not beside the file
    assert "flip.inc" in capsys.readouterr().out
    assert main([*base, "--include-path", str(lib)]) == 0
    assert "1 compiled, 0 failed" in capsys.readouterr().out
    assert main([*base, "--include-path", str(lib), "--qasm-limit", "max_operations=1"]) == 1
    assert "max_operations" in capsys.readouterr().out


def test_draw_command_takes_the_reader_options(tmp_path, capsys):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "flip.inc").write_text("gate flip a { x a; }\n")
    program = tmp_path / "main.qasm"
    program.write_text(H + 'include "flip.inc";\nqreg q[1];\nflip q[0];\n')
    assert main(["draw", str(program)]) == 1
    assert "flip.inc" in capsys.readouterr().err
    assert main(["draw", str(program), "--include-path", str(lib)]) == 0
    assert "X" in capsys.readouterr().out
    limited = ["draw", str(program), "--include-path", str(lib), "--qasm-limit", "max_qubits=1"]
    assert main(limited) == 0
    program.write_text(H + "qreg q[2];\nx q;\n")
    assert main(["draw", str(program), "--qasm-limit", "max_qubits=1"]) == 1
    assert "max_qubits" in capsys.readouterr().err


# -- size limits --------------------------------------------------------------------------


def _limit_error(program: str, **limits: int) -> QasmLimitError:
    with pytest.raises(QasmLimitError) as info:
        qasm2.loads(program, filename="bomb.qasm", limits=QasmLimits(**limits))
    return info.value


def doubling(depth: int) -> str:
    """``depth`` gate definitions, each calling the previous one twice: 2**depth ops."""
    lines = ["gate g0 a { x a; }"]
    lines += [f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}" for i in range(1, depth + 1)]
    return H + "\n".join(lines) + f"\nqreg q[1];\ng{depth} q[0];\n"


def test_messages_quoting_huge_names_are_cut():
    name = "a" * 1_000_000
    for program in [H + f'include "{name}";\n', H + f"qreg q[1];\n{name} q[0];\n"]:
        with pytest.raises(QasmError) as info:
            qasm2.loads(program)
        assert len(str(info.value)) < 2_100 and "characters, cut" in info.value.message


def test_gate_expansion_is_counted_before_expanding():
    error = _limit_error(doubling(40))
    assert (error.filename, error.line, error.column) == ("bomb.qasm", 45, 1)
    assert error.option == "max_operations" and error.limit == 5_000_000
    assert str(2**40) in error.message and "max_operations" in error.message
    assert len(qasm2.loads(doubling(10), limits=QasmLimits(max_operations=1024))) == 1024
    with pytest.raises(QasmLimitError, match="max_operations"):
        qasm2.loads(doubling(10), limits=QasmLimits(max_operations=1023))


def test_broadcasts_and_plain_statements_count_towards_max_operations():
    error = _limit_error(H + "qreg q[50];\nh q;\nh q;\nh q;\n", max_operations=120)
    assert (error.line, error.column) == (6, 1)
    error = _limit_error(H + "qreg q[2];\n" + "x q[0];\n" * 30, max_operations=25)
    assert (error.line, error.column) == (29, 1)
    error = _limit_error(H + "qreg q[5];\ncreg c[5];\nmeasure q -> c;\n", max_operations=4)
    assert (error.line, error.column) == (5, 1)


def test_a_barrier_counts_once_per_qubit_it_spans():
    wide = H + "qreg q[1000];\n" + "barrier q;\n" * 20
    error = _limit_error(wide, max_operations=10_000)
    assert (error.line, error.column) == (14, 1) and "'barrier' on 1000" in error.message
    gate = (
        H
        + "gate wall a, b, c { barrier a, b, c; x a; }\nqreg q[3];\n"
        + "wall q[0], q[1], q[2];\n" * 5
    )
    error = _limit_error(gate, max_operations=16)
    assert (error.line, error.column) == (9, 1) and "expands to 4 operations" in error.message
    assert len(qasm2.loads(gate, limits=QasmLimits(max_operations=20))) == 10


@pytest.mark.parametrize(
    "size", ["1000000000", "100000000000000000000000000000000000000", "9" * 39]
)
def test_huge_registers_are_refused_at_their_declaration(size):
    error = _limit_error(H + f"qreg q[{size}];\nh q;\n")
    assert (error.line, error.column) == (3, 8)
    assert error.option == "max_qubits" and "max_qubits" in error.message
    error = _limit_error(H + f"creg c[{size}];\n")
    assert error.option == "max_clbits"


def test_register_limits_count_all_registers_and_can_be_raised():
    program = H + "qreg a[600];\nqreg b[600];\n"
    error = _limit_error(program, max_qubits=1000)
    assert (error.line, error.column) == (4, 8) and "1200" in error.message
    assert qasm2.loads(program, limits=QasmLimits(max_qubits=1200)).num_qubits == 1200


def _chain(folder: Path, depth: int) -> Path:
    for i in range(depth):
        (folder / f"inc{i}.inc").write_text(f'include "inc{i + 1}.inc";\n')
    (folder / f"inc{depth}.inc").write_text("gate last a { x a; }\n")
    main_file = folder / "main.qasm"
    main_file.write_text(H + 'include "inc0.inc";\nqreg q[1];\nlast q[0];\n')
    return main_file


def test_include_depth_is_bounded_and_the_chain_is_named(tmp_path):
    main_file = _chain(tmp_path, 300)
    error = _load_error(main_file)
    assert isinstance(error, QasmLimitError) and error.option == "max_include_depth"
    assert error.filename == str(tmp_path / "inc31.inc") and (error.line, error.column) == (1, 9)
    assert "main.qasm -> inc0.inc -> inc1.inc" in error.message and "inc32.inc" in error.message
    assert len(qasm2.load(_chain(tmp_path, 40), limits=QasmLimits(max_include_depth=41))) == 1


def test_include_cycles_name_the_chain(tmp_path):
    (tmp_path / "a.inc").write_text('include "b.inc";\n')
    (tmp_path / "b.inc").write_text('include "a.inc";\n')
    main_file = tmp_path / "main.qasm"
    main_file.write_text(H + 'include "a.inc";\n')
    error = _load_error(main_file)
    assert "include cycle" in error.message and "a.inc -> b.inc -> a.inc" in error.message


def test_source_size_is_bounded_for_text_and_files(tmp_path):
    program = H + "qreg q[1];\n" + "x q[0];\n" * 200
    error = _limit_error(program, max_source_bytes=1000)
    assert error.option == "max_source_bytes" and (error.line, error.column) == (1, 1)
    path = tmp_path / "big.qasm"
    path.write_text(program)
    error = _load_error(path, limits=QasmLimits(max_source_bytes=1000))
    assert isinstance(error, QasmLimitError) and error.filename == str(path)
    assert f"{len(program)} bytes" in error.message
    assert len(qasm2.load(path, limits=QasmLimits(max_source_bytes=len(program)))) == 200


@pytest.mark.parametrize(
    ("expression", "column"),
    [("(" * 5000 + "1" + ")" * 5000, 4), ("-" * 5000 + "1", 4), ("2^" * 5000 + "1", 4)],
)
def test_expression_depth_is_bounded(expression, column):
    error = _limit_error(H + f"qreg q[1];\nrz({expression}) q[0];\n")
    assert error.option == "max_expression_depth" and (error.line, error.column) == (4, column)


def test_a_long_sum_of_parameters_in_a_gate_body_is_bounded():
    body = "+".join(["t"] * 3000)
    program = H + f"gate g(t) a {{ rz({body}) a; }}\nqreg q[1];\ng(0.001) q[0];\n"
    error = _limit_error(program)
    assert error.option == "max_expression_depth" and error.line == 3
    sums = "+".join(["t"] * 60)
    program = H + f"gate g(t) a {{ rz({sums}) a; }}\nqreg q[1];\ng(0.001) q[0];\n"
    assert qasm2.loads(program)[0].params[0] == pytest.approx(0.06)


def test_limits_are_documented_with_their_defaults():
    limits = QasmLimits()
    assert limits.max_operations == 5_000_000 and limits.max_qubits == 100_000
    docs = (Path(__file__).resolve().parents[2] / "docs" / "qasm2.md").read_text()
    for name, value in dataclasses.asdict(limits).items():
        assert f"`{name}`" in docs and f"{value:_}" in docs, name


# -- memory and time on a large valid file --------------------------------------------------

_MEASURE = textwrap.dedent(
    """
    import resource, sys, time
    from qloom import qasm2
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    circuit = qasm2.load(sys.argv[1])
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(len(circuit), (after - before) * 1024, seconds)
    """
)


def _large_program(lines: int) -> str:
    """A valid program like real large files: cx on random pairs and u3 rotations."""
    rng = random.Random(7)
    out = ['OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[100];\ncreg c[100];']
    for _ in range(lines):
        if rng.random() < 0.7:
            a, b = rng.sample(range(100), 2)
            out.append(f"cx q[{a}],q[{b}];")
        else:
            angle = rng.choice(["pi/2", "-pi/4", "0.5", f"{rng.random():.6f}"])
            out.append(f"u3({angle},0,pi) q[{rng.randrange(100)}];")
    return "\n".join(out) + "\nmeasure q -> c;\n"


def test_a_large_file_costs_a_bounded_number_of_bytes_per_input_byte(tmp_path):
    path = tmp_path / "big.qasm"
    path.write_text(_large_program(400_000))
    size = path.stat().st_size
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env=env,
    ).stdout.split()
    count, grown, seconds = int(out[0]), int(out[1]), float(out[2])
    assert count == 400_100
    ratio = grown / size
    # Measured on this file (7.1 MB): 23.5 bytes of RAM per input byte before the rework,
    # 4.4 after (shared operations, no intermediate list, the bytes freed before parsing).
    assert ratio < 8, f"{ratio:.1f} bytes of RAM per input byte ({size} bytes, {seconds:.1f} s)"


def test_qloom_compile_reports_a_refused_include_without_the_file(tmp_path, monkeypatch, capsys):
    get_registry().register("backends", "basis", BasisStateBackend)
    monkeypatch.setenv("QLOOM_TEST_SECRET", SECRET)
    program = tmp_path / "leak.qasm"
    program.write_text(H + 'include "/proc/self/environ";\nqreg q[1];\n')
    out = tmp_path / "out"
    main(["compile", str(program), "--on", "basis:3", "--out", str(out), "--no-progress"])
    report = (out / "report.json").read_text()
    assert "FAILED" in report and "/proc/self/environ" in report and "refused" in report
    assert SECRET not in report and SECRET not in capsys.readouterr().out


def test_limit_errors_survive_pickling_and_bad_limits_are_refused():
    error = _limit_error(H + "qreg q[5];\n", max_qubits=4)
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.option, copy.limit) == (
        QasmLimitError,
        str(error),
        "max_qubits",
        4,
    )
    with pytest.raises(ValueError, match="positive integer"):
        QasmLimits(max_qubits=0)
    with pytest.raises(ValueError, match="unknown OpenQASM limit 'max_qbits'"):
        QasmLimits.from_pairs(["max_qbits=5"])
    assert QasmLimits.from_pairs(["max_qubits=1_000_000"]).max_qubits == 1_000_000
