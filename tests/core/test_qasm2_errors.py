"""OpenQASM 2 errors: every bad input is a QasmError at the right line and column.

One case per message, then a Qiskit-style generator: delete or replace each token of a valid
program and require a located QasmError (or a valid circuit), never another exception.
"""

from __future__ import annotations

import re

import pytest

from qloom import QasmError, qasm2

H = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'  # programs below start on line 3


def case(name: str, where: str, message: str, body: str, *, header: bool = True) -> object:
    """One error case: ``where`` is "line:column"; the body follows the standard header."""
    line, column = map(int, where.split(":"))
    return pytest.param((H if header else "") + body, line, column, message, id=name)


# fmt: off
CASES = [
    case("no-version", "1:10", "expected a version number", "OPENQASM ;\n", header=False),
    case(
        "wrong-version", "1:10", "unsupported OpenQASM version 3.0",
        "OPENQASM 3.0;", header=False,
    ),
    case(
        "late-header", "2:1", "must be the first statement",
        "qreg q[1];\nOPENQASM 2.0;", header=False,
    ),
    case(
        "missing-semicolon", "5:1", "expected ';', found 'cx'",
        "qreg q[2];\nh q[0]\ncx q[0], q[1];",
    ),
    case(
        "semicolon-at-eof", "4:7", "expected ';', found end of file",
        "qreg q[1];\nx q[0]\n\n// end",
    ),
    case("unknown-gate", "4:1", "unknown gate 'hh' (did you mean 'h'?)", "qreg q[1];\nhh q[0];"),
    case("too-many-params", "4:1", "'rz' takes 1 parameter, found 2", "qreg q[1];\nrz(1, 2) q[0];"),
    case("missing-params", "4:1", "'u3' takes 3 parameters, found 2", "qreg q[1];\nu3(1, 2) q[0];"),
    case("too-few-qubits", "4:1", "'cx' acts on 2 qubits, found 1", "qreg q[2];\ncx q[0];"),
    case(
        "user-gate-qubits", "5:1", "'g' acts on 1 qubit, found 2",
        "gate g a { x a; }\nqreg q[2];\ng q[0], q[1];",
    ),
    case(
        "index-out-of-range", "4:5", "index 2 is out of range for register 'q' of size 2",
        "qreg q[2];\nx q[2];",
    ),
    case("creg-index", "5:19", "of size 1", "qreg q[1];\ncreg c[1];\nmeasure q[0] -> c[3];"),
    case(
        "undeclared-register", "4:3", "undeclared quantum register 'q' (did you mean 'qq'?)",
        "qreg qq[1];\nx q[0];",
    ),
    case(
        "creg-as-qreg", "4:3", "'c' is a classical register; expected a quantum",
        "creg c[1];\nx c[0];",
    ),
    case("qreg-as-creg", "4:17", "'q' is a quantum register", "qreg q[1];\nmeasure q[0] -> q[0];"),
    case(
        "redeclared-register", "4:6", "register 'q' is already declared at line 3",
        "qreg q[2];\ncreg q[2];",
    ),
    case(
        "redeclared-gate", "4:6", "gate 'g' is already defined at line 3",
        "gate g a { x a; }\ngate g a { y a; }",
    ),
    case("redefined-builtin", "3:6", "'CX' is built into OpenQASM 2", "gate CX a, b { }"),
    case(
        "library-arity", "3:6", "qloom's library gate 'ryy' takes 1 parameter and 2 qubits",
        "gate ryy(t) a, b, c { }",
    ),
    case("reserved-name", "3:6", "'measure' is a reserved word", "qreg measure[1];"),
    case("uppercase-name", "3:6", "must start with a lowercase letter", "qreg Q[1];"),
    case("zero-size", "3:8", "at least one bit", "qreg q[0];"),
    case(
        "broadcast-sizes", "5:7", "register 'b' has size 3 but 'a' has size 2",
        "qreg a[2];\nqreg b[3];\ncx a, b;",
    ),
    case(
        "measure-sizes", "5:14", "has size 3 but 'q' has size 2",
        "qreg q[2];\ncreg c[3];\nmeasure q -> c;",
    ),
    case(
        "measure-mixed", "5:14", "measure needs a qubit and a bit",
        "qreg q[2];\ncreg c[2];\nmeasure q -> c[0];",
    ),
    case(
        "repeated-qubit", "4:10", "qubit q[1] is used twice in 'cx'",
        "qreg q[2];\ncx q[1], q[1];",
    ),
    case(
        "repeated-by-broadcast", "4:7", "qubit q[0] is used twice in 'cx'",
        "qreg q[2];\ncx q, q[0];",
    ),
    case("repeated-in-body", "3:18", "qubit argument 'a' is used twice", "gate g a { cx a, a; }"),
    case("bad-number", "4:4", "bad number '1.5e'", "qreg q[1];\nrz(1.5e) q[0];"),
    case("bad-number-dots", "4:4", "bad number '1.2.3'", "qreg q[1];\nrz(1.2.3) q[0];"),
    case("bad-expression", "4:7", "expected an expression, found ')'", "qreg q[1];\nrz(1 +) q[0];"),
    case(
        "unclosed-paren", "4:12", "expected ',' or ')', found 'q'",
        "qreg q[1];\nrz((1 + 2) q[0];",
    ),
    case("function-without-paren", "4:7", "expected '(' after 'sin'", "qreg q[1];\nrz(sin) q[0];"),
    case(
        "index-not-integer", "4:5", "expected an integer index, found '1.0'",
        "qreg q[2];\nx q[1.0];",
    ),
    case("unterminated-string", "1:9", "unterminated string", 'include "qelib1.inc;', header=False),
    case("unterminated-comment", "4:1", "unterminated comment", "qreg q[1];\n/* note\nx q[0];"),
    case("unexpected-character", "4:9", "unexpected character '$'", "qreg q[1];\nx q[0]; $"),
    case("eof-in-statement", "3:8", "expected the register size, found end of file", "qreg q["),
    case(
        "eof-in-gate-body", "4:7",
        "expected a gate application or '}' in the body of 'g', found end of file",
        "gate g a {\n  x a;\n",
    ),
    case("division-by-zero", "4:6", "division by zero", "qreg q[1];\nrz(pi/(1-1)) q[0];"),
    case("zero-to-negative-power", "4:5", "division by zero", "qreg q[1];\nrz(0^-1) q[0];"),
    case(
        "division-by-zero-in-gate", "3:19",
        "division by zero (expanding gate 'g' called at line 5)",
        "gate g(a) x { rz(1/a) x; }\nqreg q[1];\ng(0) q[0];",
    ),
    case("domain-error", "4:4", "ln(0.0) is undefined", "qreg q[1];\nrz(ln(0)) q[0];"),
    case("overflow", "4:4", "exp(1000.0) overflows", "qreg q[1];\nrz(exp(1000)) q[0];"),
    case("huge-number", "4:4", "number 1e999 is too large", "qreg q[1];\nrz(1e999) q[0];"),
    case("not-real", "4:8", "'^' has no real value", "qreg q[1];\nrz((-8)^(1/3)) q[0];"),
    case(
        "unknown-identifier", "4:4", "unknown identifier 'theta' in expression",
        "qreg q[1];\nrz(theta) q[0];",
    ),
    case(
        "unknown-identifier-in-body", "3:18",
        "unknown identifier 'b' in expression (parameters: a;",
        "gate g(a) x { rz(b) x; }",
    ),
    case(
        "deep-nesting", "4:4", "nested too deeply",
        "qreg q[1];\nrz(" + "(" * 3000 + "1" + ")" * 3000 + ") q[0];",
    ),
    case(
        "opaque-unknown", "5:1", "opaque gate 'foo' is not in qloom's gate library",
        "opaque foo(t) a;\nqreg q[1];\nfoo(1) q[0];",
    ),
    case("opaque-in-body", "4:12", "opaque gate 'foo'", "opaque foo a;\ngate g a { foo a; }"),
    case("recursive-gate", "3:12", "unknown gate 'g'", "gate g a { g a; }"),
    case(
        "statement-in-body", "3:12", "'measure' is not allowed in a gate body",
        "gate g a { measure a -> c[0]; }",
    ),
    case(
        "unknown-body-qubit", "3:14", "'b' is not a qubit argument of gate 'g'",
        "gate g a { x b; }",
    ),
    case("indexed-body-qubit", "3:15", "without an index", "gate g a { x a[0]; }"),
    case("duplicate-gate-argument", "3:11", "'a' is declared twice in gate 'g'", "gate g(a) a { }"),
    case(
        "if-barrier", "5:13", "expected a gate, measure or reset after 'if (...)', found 'barrier'",
        "qreg q[1];\ncreg c[1];\nif (c == 1) barrier q;",
    ),
    case(
        "if-on-qreg", "4:5", "'q' is a quantum register; expected a classical register",
        "qreg q[1];\nif (q == 1) x q[0];",
    ),
    case(
        "if-negative", "5:10", "expected a non-negative integer, found '-'",
        "qreg q[1];\ncreg c[1];\nif (c == -1) x q[0];",
    ),
    case("stray-brace", "3:1", "expected a statement, found '}'", "}"),
    case(
        "include-missing", "3:9", "cannot find include file 'nowhere.inc'",
        'include "nowhere.inc";',
    ),
    case("include-not-a-string", "3:9", "expected a file name in double quotes", "include qelib1;"),
    case("huge-index", "4:5", "is too large", "qreg q[1];\nx q[" + "9" * 5000 + "];"),
]
# fmt: on


@pytest.mark.parametrize(("program", "line", "column", "message"), CASES)
def test_error_is_located_and_explained(program, line, column, message):
    with pytest.raises(QasmError) as info:
        qasm2.loads(program, filename="prog.qasm")
    error = info.value
    assert message in error.message
    assert (error.line, error.column) == (line, column), str(error)
    assert error.filename == "prog.qasm"
    assert error.source_line == program.splitlines()[line - 1]


def test_error_text_shows_file_line_column_and_a_caret():
    with pytest.raises(QasmError) as info:
        qasm2.loads(H + "qreg q[2];\ncx q[0] q[1];\n", filename="bell.qasm")
    assert str(info.value) == (
        "bell.qasm:4:9: expected ';', found 'q'\n    cx q[0] q[1];\n            ^"
    )


def test_include_errors_name_the_included_file(tmp_path):
    (tmp_path / "bad.inc").write_text("gate g a { x a }\n")
    (tmp_path / "loop.inc").write_text('include "loop.inc";\n')
    main = tmp_path / "main.qasm"
    main.write_text(H + 'include "bad.inc";\n')
    with pytest.raises(QasmError) as info:
        qasm2.load(main)
    assert (info.value.filename, info.value.line, info.value.column) == (
        str(tmp_path / "bad.inc"),
        1,
        16,
    )
    main.write_text(H + 'include "loop.inc";\n')
    with pytest.raises(QasmError, match="include cycle") as info:
        qasm2.load(main)
    assert info.value.filename == str(tmp_path / "loop.inc")


def test_a_file_that_is_not_utf8_is_a_located_error(tmp_path):
    path = tmp_path / "latin1.qasm"
    path.write_bytes(H.encode() + b"// caf\xe9\n")
    with pytest.raises(QasmError, match="not UTF-8") as info:
        qasm2.load(path)
    assert (info.value.line, info.value.column) == (3, 7)


# -- generated errors -----------------------------------------------------------------------

VALID = """OPENQASM 2.0;
include "qelib1.inc";
gate maj(theta) a, b, c { cx c, b; rz(theta / 2) a; ccx a, b, c; }
opaque rzz(t) a, b;
qreg q[3];
qreg r[3];
creg c[3];
h q;
cx q[0], r[1];
u3(0.5, -pi/4, 1e-3) q[2];
maj(sin(pi)) q[0], q[1], r[2];
rzz(2^-1) r[0], r[1];
barrier q, r[0];
measure q -> c;
if (c == 2) x r[0];
reset r;
"""

TOKEN = re.compile(r'"[^"]*"|->|==|[0-9.]+(?:e-?[0-9]+)?|[A-Za-z_][A-Za-z0-9_]*|\S')
STRUCTURAL = {";", ",", "[", "]", "(", ")", "{", "}", "->", "=="}
REPLACEMENTS = [
    ";",
    ",",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "->",
    "==",
    "+",
    "^",
    "qreg",
    "gate",
    "if",
    "measure",
    "OPENQASM",
    "pi",
    "x",
    "q",
    "c",
    "7",
    "0.5",
    "1e",
    '"s"',
    "$",
    "/*",
    '"',
]


def _mutations() -> list[tuple[str, str, bool]]:
    """(id, program, must fail) for each token deleted and each token replaced."""
    tokens = list(TOKEN.finditer(VALID))
    out = []
    for i, tok in enumerate(tokens):
        before, after = VALID[: tok.start()], VALID[tok.end() :]
        out.append((f"del{i}:{tok.group()}", before + after, tok.group() in STRUCTURAL))
        out += [
            (f"sub{i}:{tok.group()}->{new}", f"{before}{new}{after}", False)
            for new in REPLACEMENTS
            if new != tok.group()
        ]
    return out


def test_the_generator_program_is_valid():
    assert len(qasm2.loads(VALID)) == 17


def test_every_broken_token_gives_a_located_qasm_error():
    failures, errors = [], 0
    for name, program, must_fail in _mutations():
        try:
            qasm2.loads(program, filename="gen.qasm")
        except QasmError as exc:
            errors += 1
            lines = program.split("\n")
            if not (1 <= exc.line <= len(lines)) or exc.source_line != lines[exc.line - 1]:
                failures.append(f"{name}: line {exc.line} outside the program")
            elif not 1 <= exc.column <= len(exc.source_line) + 1:
                failures.append(f"{name}: column {exc.column} outside line {exc.line}")
        except Exception as exc:  # any other exception type is what this test looks for
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
        else:
            if must_fail:
                failures.append(f"{name}: parsed without error")
    assert failures == []
    assert errors > 0.8 * len(_mutations())
