"""``draw_text`` and ``qloom draw`` refuse a circuit too large to draw, up front, naming the
size and the option that raises the limit (issue 16)."""

from __future__ import annotations

import argparse

import pytest

from qloom import Circuit, QloomError
from qloom.drawing import draw_text
from qloom.drawing.cli import add_draw_command
from support.capped import run_capped


def test_too_many_operations_are_refused_before_drawing():
    circuit = Circuit(5)
    for i in range(40_000):
        circuit.h(i % 5)
    with pytest.raises(QloomError) as info:
        draw_text(circuit, max_chars=100_000)
    message = str(info.value)
    assert "40000 operations" in message and "max_chars=100000" in message
    assert "--max-chars" in message


def test_too_many_qubits_are_refused_before_naming_the_wires():
    with pytest.raises(QloomError, match=r"2000000 qubits and 0 clbits.*max_chars=2000000"):
        draw_text(Circuit(2_000_000).h(0))


def test_a_diagram_too_large_after_packing_is_refused_before_rendering():
    circuit = Circuit(200)
    for q in range(200):
        circuit.h(q).cx(0, 199)
    with pytest.raises(QloomError, match=r"about \d+ characters.*max_chars=200000"):
        draw_text(circuit, max_chars=200_000, width=0)
    assert draw_text(circuit, max_chars=10_000_000, width=0).count("\n") > 300


def test_the_limit_is_an_option_of_qloom_draw(tmp_path, capsys):
    path = tmp_path / "many.qasm"
    body = "".join(f"h q[{i % 3}];\n" for i in range(500))
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\n' + body)
    parser = argparse.ArgumentParser(prog="qloom")
    add_draw_command(parser.add_subparsers())
    args = parser.parse_args(["draw", str(path), "--max-chars", "600"])
    with pytest.raises(QloomError, match=r"500 operations.*max_chars=600"):
        args.func(args)
    args = parser.parse_args(["draw", str(path), "--max-chars", "100000", "--width", "0"])
    assert args.func(args) == 0
    assert capsys.readouterr().out.count("H") == 500


def test_a_million_operations_are_refused_within_bounds_under_a_memory_limit():
    script = """
        import resource
        from qloom import Circuit
        from qloom.drawing import draw_text
        circuit = Circuit(2)
        for i in range(1_000_000):
            circuit.h(i % 2)
        with open("/proc/self/status") as status:
            size = next(int(l.split()[1]) for l in status if l.startswith("VmSize:"))
        limit = size * 1024 + (512 << 20)  # the address space in use, plus 512 MiB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        answer(lambda: draw_text(circuit))
    """
    answer = run_capped(script, address_space=None, timeout=300)
    assert answer["type"] == "QloomError", answer
    assert "1000000 operations" in answer["text"]
    # Refusing counts operations, in constant time (well under 0.1 s idle); the bound is for
    # a loaded machine (R16).
    assert answer["seconds"] < 30, f"refusing took {answer['seconds']:.2f} s"
