"""The optimizer kernel's array form refuses malformed gate kinds with a ValueError naming
the kind (never a panic): Python builds them, but a bad one must not take the process down."""

from __future__ import annotations

import pytest

from support import require_distribution


@pytest.fixture(autouse=True)
def installed() -> None:
    require_distribution("qloom-kernels")


@pytest.mark.parametrize(
    ("floats", "reason"),
    [
        ([1.0, 0.0, 0.0], "odd number of floats"),  # half a complex number
        ([1.0, 0.0] * 3, "not square"),  # three entries
    ],
)
def test_a_malformed_matrix_is_refused_with_its_kind_named(floats, reason):
    from qloom_kernels import OptCircuit

    kernel = OptCircuit()
    with pytest.raises(ValueError, match=rf"kind 'u'.*{reason}"):
        kernel.add_kinds([("u", floats, 0, None, None)])


def test_a_well_formed_kind_is_taken():
    from qloom_kernels import OptCircuit

    pauli_x = [0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0]  # re, im of [[0, 1], [1, 0]]
    assert OptCircuit().add_kinds([("x", pauli_x, 0, None, None)]) == 1
