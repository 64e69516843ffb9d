"""OpenQASM 2 parameter expressions: a Pratt parser and an evaluator, without ``eval``.

An expression is a ``float`` when it is constant (constant sub-expressions are folded while
parsing, so a top-level parameter never builds a tree) or a small tuple tree over the
parameters of a ``gate`` definition, evaluated each time the gate is expanded:

- ``("p", index)``: the gate's parameter ``index``;
- ``("n", operand)``: unary minus;
- ``("f", name, operand, pos)``: a function call (sin, cos, tan, exp, ln, sqrt);
- ``(op, left, right, pos)``: a binary operator, ``op`` one of ``+ - * / ^``.

``pos`` is the source offset reported when evaluation fails (division by zero, ...).
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


def parse_expression(lex: Lexer, names: Mapping[str, int]) -> Expr:
    """Parse one expression at the lexer's current token.

    Args:
        lex: the token cursor, left on the first token after the expression.
        names: parameter names allowed in the expression, mapped to their index.

    Returns:
        A float when the expression is constant, else an expression tree.

    Raises:
        QasmError: bad syntax, unknown identifier, or an arithmetic error in a constant part.
    """
    start = lex.tok
    try:
        return _parse(lex, names, 0)
    except EvalError as exc:
        raise lex.source.error(exc.message, exc.pos) from None
    except RecursionError:
        raise lex.error("expression is nested too deeply", start) from None


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


def _parse(lex: Lexer, names: Mapping[str, int], min_power: int) -> Expr:
    left = _prefix(lex, names)
    while True:
        op = lex.tok.kind
        powers = _BINARY.get(op)
        if powers is None or powers[0] < min_power:
            return left
        op_tok = lex.advance()
        right = _parse(lex, names, powers[1])
        left = _fold(op, left, right, op_tok.start)


def _prefix(lex: Lexer, names: Mapping[str, int]) -> Expr:
    tok = lex.tok
    if tok.kind in ("real", "int"):
        lex.advance()
        value = float(tok.text)
        if not math.isfinite(value):
            raise lex.error(f"number {tok.text} is too large", tok)
        return value
    if tok.kind == "-":
        lex.advance()
        operand = _parse(lex, names, _UNARY_MINUS)
        return -operand if isinstance(operand, float) else ("n", operand)
    if tok.kind == "(":
        lex.advance()
        inner = _parse(lex, names, 0)
        lex.expect(")", "')' to close '('")
        return inner
    if tok.kind == "id":
        return _identifier(lex, names)
    raise lex.error_here("expected an expression")


def _identifier(lex: Lexer, names: Mapping[str, int]) -> Expr:
    tok = lex.advance()
    if tok.text == "pi":
        return math.pi
    if tok.text in FUNCTIONS:
        lex.expect("(", f"'(' after '{tok.text}'")
        argument = _parse(lex, names, 0)
        lex.expect(")", f"')' to close '{tok.text}('")
        if isinstance(argument, float):
            return _call(tok.text, argument, tok.start)
        return ("f", tok.text, argument, tok.start)
    index = names.get(tok.text)
    if index is None:
        allowed = ", ".join(sorted(names)) or "none here"
        raise lex.error(
            f"unknown identifier '{tok.text}' in expression (parameters: {allowed}; "
            "also pi, sin, cos, tan, exp, ln, sqrt)",
            tok,
        )
    return ("p", index)


def _fold(op: str, left: Expr, right: Expr, pos: int) -> Expr:
    if isinstance(left, float) and isinstance(right, float):
        return _binary(op, left, right, pos)
    return (op, left, right, pos)


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
