"""OpenQASM 2 statements into a ``Program``: a regex fast path plus a full token parser.

Most lines of real files are ``name(params) reg[i], reg[j];`` or ``measure q[i] -> c[j];``.
``_FAST`` and ``_FAST_MEASURE`` match those shapes in one regular-expression call; parameter
values come from a cache keyed by their source text, or are plain numbers read directly.
Anything else, and anything the fast path cannot prove valid, goes through the token
parser, which also produces every error message. The two agree because the fast path only
accepts parameters the token parser accepted before (the cache is filled by it) or plain
numbers it reads the same way, and only uses library gates and declared registers with
in-range, distinct indices. A statement's operation is also remembered by its text.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

from qloom.circuit import Operation
from qloom.errors import QasmError
from qloom.gates import GATES, Gate
from qloom.qasm2.expr import FUNCTIONS, EvalError, Expr, evaluate, parse_expression
from qloom.qasm2.includes import IncludeRefused, read_limited
from qloom.qasm2.lexer import SKIP, Lexer, Source, Token
from qloom.qasm2.program import BodyOp, GateDef, Program, Register

__all__ = ["RESERVED", "parse_source"]

_ARG = r"([A-Za-z_][A-Za-z0-9_]*) \s* \[ \s* ([0-9]+) \s* \] \s*"
_FAST = re.compile(
    rf"""
    ([A-Za-z_][A-Za-z0-9_]*) \b \s*                 # gate name (whole word)
    (?: \( ([^();]*) \) \s* )?                      # parameter text: a _PARAM_CACHE key
    {_ARG} (?: , \s* {_ARG} (?: , \s* {_ARG} )? )?  # one to three reg[index] arguments
    ;
    """,
    re.ASCII | re.VERBOSE,
)

_FAST_MEASURE = re.compile(rf"measure \s+ {_ARG} -> \s* {_ARG} ;", re.ASCII | re.VERBOSE)

_LIBRARY: dict[str, Gate] = {
    g.name: g for g in GATES.values() if g.is_unitary and g.num_qubits is not None
}
_FAST_GATES: dict[str, tuple[int, int]] = {
    g.name: (g.num_params or 0, g.num_qubits or 0) for g in _LIBRARY.values()
}
_FAST_GATES["reset"] = (0, 1)

_STATEMENT_KEYWORDS = frozenset(
    {"OPENQASM", "include", "qreg", "creg", "gate", "opaque", "measure", "reset", "barrier", "if"}
)
RESERVED = _STATEMENT_KEYWORDS | {"pi", "U", "CX", *FUNCTIONS} | (GATES.keys() - _LIBRARY.keys())
_NO_NAMES: dict[str, int] = {}

_PLAIN_NUMBER = re.compile(
    r"\s* -? (?: [0-9]+ (?: \.[0-9]* )? | \.[0-9]+ ) (?: [eE][+-]?[0-9]+ )? \s*",
    re.ASCII | re.VERBOSE,
)
_PARAM_CACHE: dict[str, tuple[float, ...]] = {}
_PARAM_CACHE_LIMIT = 100_000
_STATEMENT_CACHE_LIMIT = 100_000
_MAX_DIGITS = 40
_CHAIN_SHOWN = 8

Callee = Gate | GateDef


class _Arg(NamedTuple):
    """A statement argument: a whole register (``idx`` None) or one of its bits."""

    reg: Register
    idx: int | None
    pos: int

    def bit(self, row: int) -> int:
        """The bit this argument stands for in broadcast row ``row``."""
        return self.reg.offset + (row if self.idx is None else self.idx)

    def label(self, row: int) -> str:
        """The bit's name in broadcast row ``row``, such as ``q[2]``."""
        return f"{self.reg.name}[{row if self.idx is None else self.idx}]"


def parse_source(program: Program, source: Source) -> None:
    """Read every statement of ``source`` into ``program``.

    Raises:
        QasmError: the first error in the source, located by file, line and column.
        QasmLimitError: the source takes the program over one of its ``QasmLimits``.
    """
    _Parser(program, source).run()


class _Parser:
    """Reads one source (the main file or an included one) into the shared ``Program``.

    ``started`` turns true once the source has shown itself to be OpenQASM (a header, a
    statement keyword such as ``gate``, or a first statement that parsed): an included file
    failing before that is reported without its content, since it may be any file at all.
    """

    def __init__(self, program: Program, source: Source) -> None:
        self.program = program
        self.source = source
        self.lex = Lexer(source)
        self.started = False
        self._statements: dict[str, Operation] = {}
        self._depth = program.limits.max_expression_depth
        self._keywords: dict[str, Callable[[], None]] = {
            "OPENQASM": self._misplaced_header,
            "include": self._include,
            "qreg": self._register,
            "creg": self._register,
            "gate": self._gate_definition,
            "opaque": self._opaque,
            "measure": lambda: self._measure(None),
            "reset": lambda: self._reset(None),
            "barrier": self._barrier,
            "if": self._if,
        }

    # -- driver ----------------------------------------------------------------------------

    def run(self) -> None:
        """Parse the whole source: the optional header, then statement after statement."""
        text = self.source.text
        end = len(text)
        skip, fast, fast_measure = SKIP.match, _FAST.match, _FAST_MEASURE.match
        program = self.program
        ops = program.ops
        statements = self._statements
        max_ops = program.limits.max_operations
        pos = self._header()
        while True:
            pos = skip(text, pos).end()  # type: ignore[union-attr]
            if pos >= end:
                return
            match = fast(text, pos) or fast_measure(text, pos)
            if match is None:
                pos = self._statement(pos)
                continue
            op = statements.get(match.group())
            if op is None:
                op = self._fast_statement(match)
                if op is not None:
                    if len(statements) >= _STATEMENT_CACHE_LIMIT:
                        statements.clear()
                    statements[match.group()] = op
            if op is None or len(ops) + program.barrier_extra >= max_ops:
                pos = self._statement(pos)
            else:
                ops.append(op)
                pos = match.end()
            self.started = True

    def _fast_statement(self, match: re.Match[str]) -> Operation | None:
        """The operation of a simple gate or measure statement; None to use the full parser.

        Remembered by the statement's text: the same text always means the same operation
        within one program, since registers are never redeclared and library gates win.
        """
        if match.re is _FAST_MEASURE:
            qubit = _fast_bit(self.program.qregs, *match.group(1, 2))
            clbit = _fast_bit(self.program.cregs, *match.group(3, 4))
            if qubit < 0 or clbit < 0:
                return None
            return self.program.make("measure", (qubit,), (), (clbit,))
        name, ptext, r1, i1, r2, i2, r3, i3 = match.groups()
        arity = _FAST_GATES.get(name)
        if arity is None:
            return None
        params = () if ptext is None else _PARAM_CACHE.get(ptext)
        if params is None:
            params = _plain_numbers(ptext)
        if params is None or len(params) != arity[0]:
            return None
        qregs = self.program.qregs
        q1 = _fast_bit(qregs, r1, i1)
        if r2 is None:
            qubits: tuple[int, ...] = (q1,)
        elif r3 is None:
            qubits = (q1, _fast_bit(qregs, r2, i2))
        else:
            qubits = (q1, _fast_bit(qregs, r2, i2), _fast_bit(qregs, r3, i3))
        if len(qubits) != arity[1] or min(qubits) < 0 or len(set(qubits)) != len(qubits):
            return None
        return self.program.make(name, qubits, params)

    def _statement(self, pos: int) -> int:
        """Parse one statement starting at ``pos`` with the token parser; return its end."""
        lex = self.lex
        lex.reset(pos)
        if lex.tok.kind != "id":
            raise lex.error_here("expected a statement")
        handler = self._keywords.get(lex.tok.text)
        if handler is None:
            self._gate_call(None)
        else:
            self.started = True  # a statement keyword: this is OpenQASM, errors may quote it
            handler()
        self.started = True
        return lex.last_end

    def _reserve(self, count: int, what: str, pos: int) -> None:
        self.program.reserve(count, what, self.source, pos)

    def _where(self, source: Source, pos: int) -> str:
        line = source.line_of(pos)
        return f"line {line}" if source is self.source else f"{source.filename}:{line}"

    # -- header and include ----------------------------------------------------------------

    def _header(self) -> int:
        """Parse ``OPENQASM 2.0;`` if the source starts with it (it is optional, as in Qiskit)."""
        lex = self.lex
        start = SKIP.match(self.source.text, 0).end()  # type: ignore[union-attr]
        lex.reset(start)
        if lex.tok.text != "OPENQASM":
            return start
        lex.advance()
        version = lex.tok
        if version.kind not in ("real", "int"):
            raise lex.error_here("expected a version number such as 2.0 after 'OPENQASM'")
        lex.advance()
        if float(version.text) != 2.0:
            raise lex.error(
                f"unsupported OpenQASM version {version.text}: qloom reads OpenQASM 2.0", version
            )
        lex.expect(";")
        self.started = True
        return lex.last_end

    def _misplaced_header(self) -> None:
        raise self.lex.error(
            "'OPENQASM 2.0;' must be the first statement of the file", self.lex.tok
        )

    def _include(self) -> None:
        lex = self.lex
        lex.advance()
        name_tok = lex.expect("str", 'a file name in double quotes, such as "qelib1.inc"')
        lex.expect(";")
        self.started = True
        name = name_tok.text[1:-1]
        if name == "qelib1.inc":
            return
        program = self.program
        including = self.source.filename if program.include_chain[-1][0] else None
        try:
            path, real = program.includes.resolve(name, including)
        except IncludeRefused as exc:
            raise lex.error(str(exc), name_tok) from None
        chain = [*(shown for _, shown in program.include_chain), name]
        if any(real == seen for seen, _ in program.include_chain):
            raise lex.error(f"include cycle: {_chain(chain)}", name_tok)
        limit = program.limits.max_include_depth
        if len(program.include_chain) > limit:
            depth = len(program.include_chain)
            what = f"include '{name}' nests {depth} files deep ({_chain(chain)})"
            raise self.source.limit_error(what, name_tok.start, "max_include_depth", limit)
        text = self._read_included(name, path, name_tok)
        child = _Parser(program, Source(text, str(path)))
        program.include_chain.append((real, name))
        failed_at: tuple[int, int] | None = None
        try:
            child.run()
        except QasmError as exc:
            if child.started:
                raise
            failed_at = (exc.line, exc.column)  # raised below, so no context keeps its text
        if failed_at is not None:
            raise lex.error(
                f"include file '{name}' is not OpenQASM 2 source: its first statement fails "
                f"(line {failed_at[0]}, column {failed_at[1]}); its content is not shown",
                name_tok,
            )
        program.include_chain.pop()

    def _read_included(self, name: str, path: Path, tok: Token) -> str:
        """The included file's text, within what remains of ``max_source_bytes``."""
        program = self.program
        limit = program.limits.max_source_bytes
        try:
            data, size = read_limited(path, limit - program.source_bytes)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise self.lex.error(f"cannot read include file '{name}': {reason}", tok) from None
        if program.source_bytes + size > limit:
            what = (
                f"include '{name}' is {size} bytes, bringing the source read to "
                f"{program.source_bytes + size} bytes"
            )
            raise self.source.limit_error(what, tok.start, "max_source_bytes", limit)
        program.source_bytes += len(data)
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise self.lex.error(
                f"include file '{name}' is not UTF-8 text (byte {exc.start + 1})", tok
            ) from None

    # -- declarations ----------------------------------------------------------------------

    def _register(self) -> None:
        lex = self.lex
        quantum = lex.advance().text == "qreg"
        name_tok = lex.expect("id", "a register name")
        self._check_name(name_tok, "a register")
        existing = self.program.registers.get(name_tok.text)
        if existing is not None:
            where = self._where(existing.source, existing.pos)
            raise lex.error(f"register '{name_tok.text}' is already declared at {where}", name_tok)
        lex.expect("[")
        size_tok = lex.expect("int", "the register size")
        lex.expect("]")
        lex.expect(";")
        size = self._integer(size_tok)
        if size == 0:
            raise lex.error("a register needs at least one bit, found size 0", size_tok)
        self.program.declare(name_tok.text, size, quantum, self.source, size_tok.start)

    def _check_name(self, tok: Token, what: str) -> None:
        """Reject reserved words and names that OpenQASM 2 does not allow (``[a-z]\\w*``)."""
        if tok.text in RESERVED:
            raise self.lex.error(f"'{tok.text}' is a reserved word and cannot name {what}", tok)
        if not "a" <= tok.text[0] <= "z":
            raise self.lex.error(
                f"names must start with a lowercase letter, found '{tok.text}' for {what}", tok
            )

    def _check_new_gate(self, tok: Token) -> None:
        name = tok.text
        if name in ("U", "CX"):
            raise self.lex.error(f"'{name}' is built into OpenQASM 2 and cannot be redefined", tok)
        existing = self.program.gates.get(name)
        if existing is not None:
            where = self._where(existing.source, existing.pos)
            raise self.lex.error(f"gate '{name}' is already defined at {where}", tok)
        self._check_name(tok, "a gate")

    def _gate_signature(self) -> tuple[Token, list[Token], list[Token]]:
        """``name(params) qubits`` after ``gate`` or ``opaque``, checked."""
        lex = self.lex
        lex.advance()
        name_tok = lex.expect("id", "a gate name")
        self._check_new_gate(name_tok)
        params = self._name_list_in_parens() if lex.tok.kind == "(" else []
        qubits = self._name_list("a qubit argument name")
        self._check_distinct(params + qubits, name_tok.text)
        self._check_library_arity(name_tok, len(params), len(qubits))
        return name_tok, params, qubits

    def _gate_definition(self) -> None:
        lex = self.lex
        name_tok, params, qubits = self._gate_signature()
        lex.expect("{", f"'{{' to start the body of gate '{name_tok.text}'")
        param_index = {tok.text: i for i, tok in enumerate(params)}
        qubit_index = {tok.text: i for i, tok in enumerate(qubits)}
        body: list[BodyOp] = []
        while lex.tok.kind != "}":
            body.append(self._body_statement(param_index, qubit_index, name_tok.text))
        lex.advance()
        self._define(name_tok, len(params), len(qubits), tuple(body), opaque=False)

    def _opaque(self) -> None:
        name_tok, params, qubits = self._gate_signature()
        self.lex.expect(";")
        self._define(name_tok, len(params), len(qubits), (), opaque=True)

    def _define(
        self, tok: Token, num_params: int, num_qubits: int, body: tuple[BodyOp, ...], opaque: bool
    ) -> None:
        library = tok.text in _LIBRARY
        size = sum(_weight(op) for op in body)
        self.program.gates[tok.text] = GateDef(
            tok.text, num_params, num_qubits, body, opaque, library, self.source, tok.start, size
        )

    def _name_list_in_parens(self) -> list[Token]:
        lex = self.lex
        lex.advance()
        if lex.tok.kind == ")":
            lex.advance()
            return []
        names = self._name_list("a parameter name")
        lex.expect(")", "',' or ')'")
        return names

    def _name_list(self, what: str) -> list[Token]:
        lex = self.lex
        names = [lex.expect("id", what)]
        while lex.tok.kind == ",":
            lex.advance()
            names.append(lex.expect("id", what))
        return names

    def _check_distinct(self, names: list[Token], gate: str) -> None:
        seen: set[str] = set()
        for tok in names:
            self._check_name(tok, f"an argument of gate '{gate}'")
            if tok.text in seen:
                raise self.lex.error(f"'{tok.text}' is declared twice in gate '{gate}'", tok)
            seen.add(tok.text)

    def _check_library_arity(self, tok: Token, num_params: int, num_qubits: int) -> None:
        """A definition of a library gate must match it, since the library gate is used."""
        gate = _LIBRARY.get(tok.text)
        if gate is not None and (gate.num_params or 0, gate.num_qubits) != (
            num_params,
            num_qubits,
        ):
            raise self.lex.error(
                f"gate '{tok.text}' is defined with {_plural(num_params, 'parameter')} and "
                f"{_plural(num_qubits, 'qubit')}, but qloom's library gate '{tok.text}' "
                f"takes {_plural(gate.num_params or 0, 'parameter')} and "
                f"{_plural(gate.num_qubits or 0, 'qubit')}",
                tok,
            )

    # -- gate bodies -----------------------------------------------------------------------

    def _body_statement(self, params: dict[str, int], qubits: dict[str, int], gate: str) -> BodyOp:
        lex = self.lex
        tok = lex.tok
        if tok.kind != "id":
            raise lex.error_here(f"expected a gate application or '}}' in the body of '{gate}'")
        if tok.text == "barrier":
            lex.advance()
            args = self._body_args(qubits, gate, "barrier")
            lex.expect(";")
            return BodyOp("barrier", (), tuple(dict.fromkeys(args)), None, tok.start)
        if tok.text in _STATEMENT_KEYWORDS:
            raise lex.error(
                f"'{tok.text}' is not allowed in a gate body (only gate applications and barrier)",
                tok,
            )
        lex.advance()
        callee = self._resolve(tok)
        exprs = self._body_params(params) if lex.tok.kind == "(" else ()
        args = self._body_args(qubits, gate, tok.text)
        lex.expect(";")
        self._check_arity(tok, callee, len(exprs), len(args))
        target = callee if isinstance(callee, GateDef) else None
        return BodyOp(tok.text, exprs, tuple(args), target, tok.start)

    def _body_params(self, names: dict[str, int]) -> tuple[Expr, ...]:
        lex = self.lex
        lex.advance()
        exprs: list[Expr] = []
        if lex.tok.kind != ")":
            exprs.append(parse_expression(lex, names, self._depth))
            while lex.tok.kind == ",":
                lex.advance()
                exprs.append(parse_expression(lex, names, self._depth))
        lex.expect(")", "',' or ')'")
        return tuple(exprs)

    def _body_args(self, qubits: dict[str, int], gate: str, callee: str) -> list[int]:
        lex = self.lex
        args: list[int] = []
        while True:
            tok = lex.expect("id", f"a qubit argument of gate '{gate}'")
            if lex.tok.kind == "[":
                raise lex.error(
                    "a gate body uses its qubit arguments by name, without an index", lex.tok
                )
            index = qubits.get(tok.text)
            if index is None:
                raise lex.error(f"'{tok.text}' is not a qubit argument of gate '{gate}'", tok)
            if index in args and callee != "barrier":
                raise lex.error(f"qubit argument '{tok.text}' is used twice in '{callee}'", tok)
            args.append(index)
            if lex.tok.kind != ",":
                return args
            lex.advance()

    # -- operations ------------------------------------------------------------------------

    def _gate_call(self, condition: tuple[str, int] | None) -> None:
        lex = self.lex
        name_tok = lex.advance()
        callee = self._resolve(name_tok)
        params = self._constant_params() if lex.tok.kind == "(" else ()
        args = self._arguments(quantum=True)
        lex.expect(";")
        self._check_arity(name_tok, callee, len(params), len(args))
        rows = self._broadcast(name_tok.text, args)
        self.started = True  # a well-formed gate statement: errors past here may quote it
        site = name_tok.start
        if isinstance(callee, Gate):
            self._reserve(len(rows), f"'{name_tok.text}' adds", site)
            self.program.add_rows(name_tok.text, rows, params, condition)
            return
        times = f" x {len(rows)} applications =" if len(rows) > 1 else ""
        self._reserve(
            len(rows) * callee.size,
            f"gate '{callee.name}' expands to {callee.size} operations{times}",
            site,
        )
        try:
            for row in rows:
                self._expand(callee, params, row, condition, site)
        except RecursionError:
            raise lex.error("gate definitions are nested too deeply", name_tok) from None

    def _resolve(self, tok: Token) -> Callee:
        """The library gate or user definition a gate name refers to."""
        name = tok.text
        user = self.program.gates.get(name)
        if user is not None and not user.library:
            if user.opaque:
                raise self.lex.error(
                    f"opaque gate '{name}' is not in qloom's gate library, so qloom cannot "
                    "apply it; give it a 'gate' definition instead",
                    tok,
                )
            return user
        gate = _LIBRARY.get(name)
        if gate is not None:
            return gate
        known = [*_LIBRARY, *(g.name for g in self.program.gates.values() if not g.opaque)]
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise self.lex.error(f"unknown gate '{name}'{hint}", tok)

    def _check_arity(self, tok: Token, callee: Callee, num_params: int, num_qubits: int) -> None:
        want_params, want_qubits = callee.num_params or 0, callee.num_qubits or 0
        if num_params != want_params:
            raise self.lex.error(
                f"'{tok.text}' takes {_plural(want_params, 'parameter')}, found {num_params}", tok
            )
        if num_qubits != want_qubits:
            raise self.lex.error(
                f"'{tok.text}' acts on {_plural(want_qubits, 'qubit')}, found {num_qubits}", tok
            )

    def _constant_params(self) -> tuple[float, ...]:
        """Parameter values of a top-level gate call, remembered for the fast path."""
        lex = self.lex
        open_tok = lex.advance()
        values: list[float] = []
        if lex.tok.kind != ")":
            values.append(_constant(parse_expression(lex, _NO_NAMES, self._depth)))
            while lex.tok.kind == ",":
                lex.advance()
                values.append(_constant(parse_expression(lex, _NO_NAMES, self._depth)))
        close_tok = lex.expect(")", "',' or ')'")
        params = tuple(values)
        if len(_PARAM_CACHE) >= _PARAM_CACHE_LIMIT:
            _PARAM_CACHE.clear()
        _PARAM_CACHE[self.source.text[open_tok.end : close_tok.start]] = params
        return params

    def _arguments(self, quantum: bool) -> list[_Arg]:
        args = [self._argument(quantum)]
        while self.lex.tok.kind == ",":
            self.lex.advance()
            args.append(self._argument(quantum))
        return args

    def _argument(self, quantum: bool) -> _Arg:
        lex = self.lex
        what = "a quantum register or qubit" if quantum else "a classical register or bit"
        tok = lex.expect("id", what)
        reg = self._lookup_register(tok, quantum)
        if lex.tok.kind != "[":
            return _Arg(reg, None, tok.start)
        lex.advance()
        index_tok = lex.expect("int", "an integer index")
        lex.expect("]")
        index = self._integer(index_tok)
        if index >= reg.size:
            raise lex.error(
                f"index {index} is out of range for register '{reg.name}' of size {reg.size}",
                index_tok,
            )
        return _Arg(reg, index, tok.start)

    def _integer(self, tok: Token) -> int:
        if len(tok.text) > _MAX_DIGITS:
            raise self.lex.error(f"integer {tok.text[:12]}... is too large", tok)
        return int(tok.text)

    def _lookup_register(self, tok: Token, quantum: bool) -> Register:
        kind, other = ("quantum", "classical") if quantum else ("classical", "quantum")
        reg = self.program.registers.get(tok.text)
        if reg is None:
            same_kind = self.program.qregs if quantum else self.program.cregs
            close = difflib.get_close_matches(tok.text, list(same_kind), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise self.lex.error(f"undeclared {kind} register '{tok.text}'{hint}", tok)
        if reg.quantum != quantum:
            raise self.lex.error(
                f"'{tok.text}' is a {other} register; expected a {kind} register", tok
            )
        return reg

    def _broadcast(self, name: str, args: Sequence[_Arg]) -> list[tuple[int, ...]]:
        """One qubit tuple per application: whole registers are applied bit by bit."""
        first: _Arg | None = None
        for arg in args:
            if arg.idx is None:
                if first is None:
                    first = arg
                elif arg.reg.size != first.reg.size:
                    raise self.source.error(_size_mismatch(arg, first), arg.pos)
        count = 1 if first is None else first.reg.size
        columns = [
            range(arg.reg.offset, arg.reg.offset + count)
            if arg.idx is None
            else repeat(arg.reg.offset + arg.idx, count)
            for arg in args
        ]
        rows = list(zip(*columns, strict=True))
        if len(args) > 1:
            for row, bits in enumerate(rows):
                if len(set(bits)) != len(bits):
                    self._repeated_qubit(name, args, bits, row)
        return rows

    def _repeated_qubit(
        self, name: str, args: Sequence[_Arg], bits: tuple[int, ...], row: int
    ) -> None:
        for j, bit in enumerate(bits):
            if bit in bits[:j]:
                arg = args[j]
                raise self.source.error(
                    f"qubit {arg.label(row)} is used twice in '{name}'", arg.pos
                )

    def _expand(
        self,
        gate: GateDef,
        params: Sequence[float],
        qubits: tuple[int, ...],
        condition: tuple[str, int] | None,
        site: int,
    ) -> None:
        """Inline a user gate: evaluate its body's parameters and map its qubits."""
        for op in gate.body:
            try:
                values = tuple([evaluate(e, params) for e in op.exprs])
            except EvalError as exc:
                where = self._where(self.source, site)
                raise gate.source.error(
                    f"{exc.message} (expanding gate '{gate.name}' called at {where})", exc.pos
                ) from None
            bits = tuple([qubits[i] for i in op.args])
            if op.target is None:
                self.program.add(op.name, bits, values, (), condition)
            else:
                self._expand(op.target, values, bits, condition, site)

    def _measure(self, condition: tuple[str, int] | None) -> None:
        lex = self.lex
        site = lex.advance().start
        src = self._argument(quantum=True)
        lex.expect("->", "'->'")
        dst = self._argument(quantum=False)
        lex.expect(";")
        if (src.idx is None) != (dst.idx is None):
            raise self.source.error(
                "measure needs a qubit and a bit, or two whole registers of equal size", dst.pos
            )
        if src.idx is None and src.reg.size != dst.reg.size:
            raise self.source.error(_size_mismatch(dst, src), dst.pos)
        count = 1 if src.idx is not None else src.reg.size
        self._reserve(count, "'measure' adds", site)
        for row in range(count):
            self.program.add("measure", (src.bit(row),), (), (dst.bit(row),), condition)

    def _reset(self, condition: tuple[str, int] | None) -> None:
        lex = self.lex
        site = lex.advance().start
        arg = self._argument(quantum=True)
        lex.expect(";")
        count = 1 if arg.idx is not None else arg.reg.size
        self._reserve(count, "'reset' adds", site)
        for row in range(count):
            self.program.add("reset", (arg.bit(row),), (), (), condition)

    def _barrier(self) -> None:
        lex = self.lex
        site = lex.advance().start
        args = self._arguments(quantum=True)
        lex.expect(";")
        bits: dict[int, None] = {}
        for arg in args:
            for row in range(1 if arg.idx is not None else arg.reg.size):
                bits[arg.bit(row)] = None
        self._reserve(len(bits), "'barrier' on", site)
        self.program.add("barrier", tuple(bits))

    def _if(self) -> None:
        lex = self.lex
        lex.advance()
        lex.expect("(", "'(' after 'if'")
        reg = self._lookup_register(lex.expect("id", "a classical register"), quantum=False)
        lex.expect("==", "'=='")
        value = self._integer(lex.expect("int", "a non-negative integer"))
        lex.expect(")")
        condition = (reg.name, value)
        tok = lex.tok
        if tok.kind == "id" and tok.text == "measure":
            self._measure(condition)
        elif tok.kind == "id" and tok.text == "reset":
            self._reset(condition)
        elif tok.kind == "id" and tok.text not in _STATEMENT_KEYWORDS:
            self._gate_call(condition)
        else:
            raise lex.error_here("expected a gate, measure or reset after 'if (...)'")


def _fast_bit(registers: dict[str, Register], name: str, index: str) -> int:
    """The bit ``name[index]`` of one kind of register, or -1 when the fast path cannot
    vouch for it."""
    reg = registers.get(name)
    if reg is None or len(index) > 9:
        return -1
    i = int(index)
    return reg.offset + i if i < reg.size else -1


def _plain_numbers(text: str) -> tuple[float, ...] | None:
    """``"0.25, -1e-3"`` read as numbers without the token parser, or None when the text
    is anything else (names, operators, a number the lexer would refuse, an overflow).

    Files written by transpilers have a distinct angle on almost every line, so their
    parameters would miss the cache; the values equal what the token parser computes.
    """
    values = []
    for piece in text.split(","):
        if _PLAIN_NUMBER.fullmatch(piece) is None:
            return None
        value = float(piece)
        if not math.isfinite(value):
            return None
        values.append(value)
    return tuple(values)


def _constant(expr: Expr) -> float:
    assert isinstance(expr, float)  # no names are allowed, so constants fold to a float
    return expr


def _size_mismatch(arg: _Arg, first: _Arg) -> str:
    return (
        f"register '{arg.reg.name}' has size {arg.reg.size} but '{first.reg.name}' has size "
        f"{first.reg.size}; registers used together in one statement must have equal sizes"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _weight(op: BodyOp) -> int:
    """What one body statement adds towards ``max_operations`` (see ``Program.reserve``)."""
    if op.target is not None:
        return op.target.size
    return max(len(op.args), 1) if op.name == "barrier" else 1


def _chain(names: list[str]) -> str:
    """An include chain for a message, its middle elided when long."""
    if len(names) > _CHAIN_SHOWN:
        names = [*names[:3], "...", *names[-4:]]
    return " -> ".join(names)
