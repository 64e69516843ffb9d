"""Fuzzing the OpenQASM 2 reader (R14): only documented errors, bounded time per input.

A bounded, derandomized hypothesis run mutates a valid program (deleting, duplicating,
repeating and replacing slices with tokens that include huge numbers, hostile include names
and stray quotes) and strings tokens and characters together at random. Every input must
give a circuit or a located ``QasmError`` (``QasmLimitError`` included) under the default
limits, never another exception, and finish within a generous time bound.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qloom import Circuit, QasmError, qasm2

H = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'

# -- fuzzing --------------------------------------------------------------------------------

VALID = (
    H
    + """gate maj(theta) a, b, c { cx c, b; rz(theta / 2 + sin(pi)) a; ccx a, b, c; }
gate twice a { maj(0.5) a, a2, a3; }
opaque rzz(t) a, b;
qreg q[3];
qreg r[3];
creg c[3];
h q;
cx q, r;
maj(-pi/4) q[0], q[1], r[2];
u3(0.1, 0.2, 0.3) r[1];
barrier q, r[0];
measure q -> c;
if (c == 2) x r[1];
reset r;
"""
)

TOKENS = [
    "OPENQASM", "2.0", "include", '"qelib1.inc"', '"x.inc"', '"/etc/passwd"', "qreg", "creg",
    "gate", "opaque", "measure", "reset", "barrier", "if", "U", "CX", "h", "cx", "u3", "rz",
    "maj", "q", "r", "c", "a", "theta", "pi", "sin", "ln", "sqrt", "0", "1", "2", "3",
    "0.5", "1e308", "1e-320", "1000000000", "1" + "0" * 38, "9" * 60, "->", "==", ";", ",",
    "(", ")", "[", "]", "{", "}", "+", "-", "*", "/", "^", "//", "/*", "*/", '"', "\n", " ",
    "\t", "é", "\x00",
]  # fmt: skip


def _read(text: str) -> None:
    start = time.perf_counter()
    try:
        result = qasm2.loads(text, filename="fuzz.qasm")
    except QasmError as exc:
        assert exc.filename == "fuzz.qasm" and exc.line >= 1 and exc.column >= 1, repr(exc)
        assert "root:" not in str(exc) and "PATH=" not in str(exc), str(exc)
    else:
        assert isinstance(result, Circuit)
    seconds = time.perf_counter() - start
    # Generous for a loaded machine: inputs here take milliseconds (the largest the limits
    # allow, a few seconds); a hang or an exponential blow-up goes far past this.
    assert seconds < 60, f"{seconds:.1f} s for {text[:200]!r}"


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """``VALID`` with a few slices deleted, duplicated or replaced by random tokens."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        action = draw(st.sampled_from(["delete", "duplicate", "replace", "repeat"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "repeat":
            text = text[:j] + text[i:j] * draw(st.integers(2, 50)) + text[j:]
        else:
            insert = " ".join(draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=5)))
            text = text[:i] + insert + text[j:]
    return text


FUZZ = settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


SIZES = ["1", "2", "3", "7", "100000", "1000000000", "1" + "0" * 38, "9" * 45, "0"]
EXPRESSIONS = [
    "pi/2", "-t", "t*t", "sin(t)", "2^t", "1/0", "ln(0)", "1e308*10", "(" * 150 + "t" + ")" * 150,
    "-" * 150 + "t", "+".join(["t"] * 150), "^".join(["2"] * 20),
]  # fmt: skip
INCLUDES = ['"qelib1.inc"', '"/etc/passwd"', '"../../../../etc/passwd"', '"/proc/self/environ"',
            '"x.inc"', '"."', '"/dev/zero"']  # fmt: skip


DECLARED = [("qreg", "q"), ("qreg", "r"), ("creg", "c")]


@st.composite
def statements(draw: st.DrawFn) -> str:
    """Programs of well-formed statements with hostile sizes, expressions and includes,
    after declarations of registers q, r and c of random (often hostile) sizes."""
    regs = ["q", "r"]
    lines = [f"{kind} {name}[{draw(st.sampled_from(SIZES))}];" for kind, name in DECLARED]
    for _ in range(draw(st.integers(1, 12))):
        reg = draw(st.sampled_from(regs))
        size = draw(st.sampled_from(SIZES))
        expr = draw(st.sampled_from(EXPRESSIONS))
        depth = draw(st.integers(0, 45))
        lines.append(
            draw(
                st.sampled_from(
                    [
                        f"qreg {reg}[{size}];",
                        f"creg c[{size}];",
                        f"h {reg};",
                        "cx q, r;",
                        f"measure {reg} -> c;",
                        f"reset {reg};",
                        "barrier q, r;",
                        f"rz({expr.replace('t', 'pi')}) {reg}[0];",
                        f"gate g(t) a {{ rz({expr}) a; }}",
                        "g(0.5) q;",
                        "gate d0 a { x a; }",
                        *[f"gate d{i} a {{ d{i - 1} a; d{i - 1} a; }}" for i in range(1, 3)],
                        "".join(
                            f"gate e{i} a {{ e{i - 1} a; e{i - 1} a; }}\n"
                            for i in range(1, depth + 1)
                        )
                        + f"e{depth} q;",
                        "gate e0 a { x a; }",
                        f"include {draw(st.sampled_from(INCLUDES))};",
                        f"if (c == {size}) x {reg}[0];",
                        f"x {reg}[{size}];",
                    ]
                )
            )
        )
    return H + "\n".join(lines) + "\n"


@FUZZ
@given(statements())
def test_generated_statements_give_a_circuit_or_a_located_qasm_error(text):
    _read(text)


@FUZZ
@given(mutated())
def test_mutated_programs_give_a_circuit_or_a_located_qasm_error(text):
    _read(text)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_token_soup_gives_a_circuit_or_a_located_qasm_error(text):
    _read(H + text)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('qrcxh[]();,{}0123456789. \n+-*/^"e')), max_size=200))
def test_character_soup_gives_a_circuit_or_a_located_qasm_error(text):
    _read(H + "qreg q[2];\ncreg c[2];\n" + text)
