"""OpenQASM 2 parameter expressions: a Pratt parser and an evaluator, without ``eval``.

An expression is a ``float`` when it is constant (constant sub-expressions are folded while
parsing, so a top-level parameter never builds a tree) or a small tuple tree over the
parameters of a ``gate`` definition, evaluated each time the gate is expanded:

- ``("p", index)``: the gate's parameter ``index``;
- ``("n", operand, depth)``: unary minus;
- ``("f", name, operand, pos, depth)``: a function call (sin, cos, tan, exp, ln, sqrt);
- ``(op, left, right, pos, depth)``: a binary operator, ``op`` one of ``+ - * / ^``.

``pos`` is the source offset reported when evaluation fails (division by zero, ...);
``depth`` is the tree's depth. Both the parser's nesting and a tree's depth are bounded by
``max_depth`` (``QasmLimits.max_expression_depth``), so neither parsing nor the recursive
evaluation can exhaust the Python stack: ``t+t+...+t`` builds a deep tree without nesting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from qloom.qasm2.lexer import Lexer

__all__ = ["FUNCTIONS", "EvalError", "Expr", "evaluate", "parse_expression"]

Expr = float | tuple[Any, ...]

FUNCTIONS: Mapping[str, Callable[[float], float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "exp": math.exp,
    "ln": math.log,
    "sqrt": math.sqrt,
}

# (left binding power, right binding power): equal powers make '^' right-associative.
_BINARY = {"+": (10, 11), "-": (10, 11), "*": (20, 21), "/": (20, 21), "^": (40, 40)}
_UNARY_MINUS = 30  # binds looser than '^' (-2^2 == -4) and tighter than '*'


class EvalError(Exception):
    """An arithmetic error (message, source offset) found while evaluating."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


class _TooDeep(Exception):
    """The expression nests deeper than allowed."""


def parse_expression(lex: Lexer, names: Mapping[str, int], max_depth: int) -> Expr:
    """Parse one expression at the lexer's current token.

    Args:
        lex: the token cursor, left on the first token after the expression.
        names: parameter names allowed in the expression, mapped to their index.
        max_depth: the deepest nesting (and expression tree) accepted.

    Returns:
        A float when the expression is constant, else an expression tree.

    Raises:
        QasmError: bad syntax, unknown identifier, or an arithmetic error in a constant part.
        QasmLimitError: the expression nests deeper than ``max_depth``.
    """
    start = lex.tok
    try:
        return _Parse(lex, names, max_depth).expression(0, 1)
    except EvalError as exc:
        raise lex.source.error(exc.message, exc.pos) from None
    except (_TooDeep, RecursionError):
        raise lex.source.limit_error(
            "expression is nested too deeply", start.start, "max_expression_depth", max_depth
        ) from None


def evaluate(expr: Expr, values: Sequence[float]) -> float:
    """The value of ``expr`` with gate parameter ``i`` set to ``values[i]``.

    Raises:
        EvalError: division by zero, a domain error, or a non-finite result.
    """
    if isinstance(expr, float):
        return expr
    tag = expr[0]
    if tag == "p":
        return values[expr[1]]
    if tag == "n":
        return -evaluate(expr[1], values)
    if tag == "f":
        return _call(expr[1], evaluate(expr[2], values), expr[3])
    return _binary(tag, evaluate(expr[1], values), evaluate(expr[2], values), expr[3])


class _Parse:
    """A Pratt parser over one expression; ``depth`` counts the nesting so far."""

    __slots__ = ("lex", "max_depth", "names")

    def __init__(self, lex: Lexer, names: Mapping[str, int], max_depth: int) -> None:
        self.lex = lex
        self.names = names
        self.max_depth = max_depth

    def expression(self, min_power: int, depth: int) -> Expr:
        if depth > self.max_depth:
            raise _TooDeep
        lex = self.lex
        left = self._prefix(depth)
        while True:
            op = lex.tok.kind
            powers = _BINARY.get(op)
            if powers is None or powers[0] < min_power:
                return left
            op_tok = lex.advance()
            right = self.expression(powers[1], depth + 1)
            left = _fold(op, left, right, op_tok.start, self.max_depth)

    def _prefix(self, depth: int) -> Expr:
        lex = self.lex
        tok = lex.tok
        if tok.kind in ("real", "int"):
            lex.advance()
            value = float(tok.text)
            if not math.isfinite(value):
                raise lex.error(f"number {tok.text} is too large", tok)
            return value
        if tok.kind == "-":
            lex.advance()
            operand = self.expression(_UNARY_MINUS, depth + 1)
            if isinstance(operand, float):
                return -operand
            return ("n", operand, _node_depth((operand,), self.max_depth))
        if tok.kind == "(":
            lex.advance()
            inner = self.expression(0, depth + 1)
            lex.expect(")", "')' to close '('")
            return inner
        if tok.kind == "id":
            return self._identifier(depth)
        raise lex.error_here("expected an expression")

    def _identifier(self, depth: int) -> Expr:
        lex = self.lex
        tok = lex.advance()
        if tok.text == "pi":
            return math.pi
        if tok.text in FUNCTIONS:
            lex.expect("(", f"'(' after '{tok.text}'")
            argument = self.expression(0, depth + 1)
            lex.expect(")", f"')' to close '{tok.text}('")
            if isinstance(argument, float):
                return _call(tok.text, argument, tok.start)
            return ("f", tok.text, argument, tok.start, _node_depth((argument,), self.max_depth))
        index = self.names.get(tok.text)
        if index is None:
            allowed = ", ".join(sorted(self.names)) or "none here"
            raise lex.error(
                f"unknown identifier '{tok.text}' in expression (parameters: {allowed}; "
                "also pi, sin, cos, tan, exp, ln, sqrt)",
                tok,
            )
        return ("p", index)


def _depth(expr: Expr) -> int:
    if isinstance(expr, float):
        return 0
    return 1 if expr[0] == "p" else int(expr[-1])


def _node_depth(children: tuple[Expr, ...], max_depth: int) -> int:
    """The depth of a new node over ``children``; raises ``_TooDeep`` past ``max_depth``."""
    depth = 1 + max(_depth(c) for c in children)
    if depth > max_depth:
        raise _TooDeep
    return depth


def _fold(op: str, left: Expr, right: Expr, pos: int, max_depth: int) -> Expr:
    if isinstance(left, float) and isinstance(right, float):
        return _binary(op, left, right, pos)
    return (op, left, right, pos, _node_depth((left, right), max_depth))


def _binary(op: str, left: float, right: float, pos: int) -> float:
    try:
        if op == "+":
            value = left + right
        elif op == "-":
            value = left - right
        elif op == "*":
            value = left * right
        elif op == "/":
            if right == 0:
                raise EvalError("division by zero", pos)
            value = left / right
        else:
            if left == 0 and right < 0:
                raise EvalError("division by zero: 0 raised to a negative power", pos)
            value = math.pow(left, right)
    except OverflowError:
        raise EvalError(f"'{op}' overflows", pos) from None
    except ValueError:
        raise EvalError(f"'{op}' has no real value for {left!r} {op} {right!r}", pos) from None
    if not math.isfinite(value):
        raise EvalError(f"'{op}' overflows", pos)
    return value


def _call(name: str, argument: float, pos: int) -> float:
    try:
        value = FUNCTIONS[name](argument)
    except OverflowError:
        raise EvalError(f"{name}({argument!r}) overflows", pos) from None
    except ValueError:
        raise EvalError(f"{name}({argument!r}) is undefined (math domain error)", pos) from None
    if not math.isfinite(value):
        raise EvalError(f"{name}({argument!r}) is not finite", pos)
    return value
