"""Type stubs of the extension module (see ``qloom_kernels`` for the documented face)."""

from collections.abc import Sequence

class KernelError(Exception): ...
class SabreGaveUp(KernelError): ...
class SabreNotPairwise(KernelError): ...
class SabreDisconnected(KernelError): ...

class Dag:
    def __init__(
        self,
        num_wires: int,
        kind: Sequence[int],
        qubits: Sequence[Sequence[int]],
        succ: Sequence[Sequence[int]],
    ) -> None: ...
    def __len__(self) -> int: ...
    @property
    def num_wires(self) -> int: ...

class Device:
    def __init__(self, num_qubits: int, edges: Sequence[tuple[int, int]]) -> None: ...
    @property
    def num_qubits(self) -> int: ...
    @property
    def diameter(self) -> int: ...
    def dist(self, a: int, b: int) -> int: ...

def sabre_route(
    dag: Dag,
    device: Device,
    layout: list[int],
    rng_state: list[int],
    rng_pos: int,
    *,
    lookahead: int,
    lookahead_weight: float,
    layer_weights: list[int],
    decay: float,
    decay_reset: int,
    release: int,
    max_swaps: int | None,
    record: bool,
) -> tuple[int, int, list[int], list[int] | None, list[int], int]: ...
def sabre_route_best(
    dag: Dag,
    device: Device,
    layout: list[int],
    rng_states: list[tuple[list[int], int]],
    *,
    lookahead: int,
    lookahead_weight: float,
    layer_weights: list[int],
    decay: float,
    decay_reset: int,
    release: int,
    max_swaps: int | None,
    record: bool,
    threads: int,
) -> tuple[int, int, int, list[int], list[int] | None]: ...

# qloom-kak (kak.rs): a 4x4 unitary as the 256 bytes of a C-ordered complex128 array.
def kak_weyl_coordinates(matrix_bytes: bytes) -> tuple[float, float, float]: ...
def kak_count_entanglers(coordinates: tuple[float, float, float], parametric: bool) -> int: ...
def kak_num_entanglers(matrix_bytes: bytes, parametric: bool) -> int: ...
def kak_decompose(
    matrix_bytes: bytes,
) -> tuple[tuple[float, float], tuple[float, float, float], bytes]: ...
