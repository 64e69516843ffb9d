"""Type stubs of the extension module (see ``qloom_kernels`` for the documented face)."""

from collections.abc import Sequence

class KernelError(Exception): ...
class SabreGaveUp(KernelError): ...
class SabreNotPairwise(KernelError): ...
class SabreDisconnected(KernelError): ...
class SabreNoRoom(KernelError): ...

class SabreKnobs:
    def __init__(
        self,
        *,
        lookahead: int,
        lookahead_weight: float,
        layer_weights: Sequence[int],
        decay: float,
        decay_reset: int,
        release: int,
        max_swaps: int | None,
    ) -> None: ...
    @property
    def lookahead(self) -> int: ...
    @property
    def lookahead_weight(self) -> float: ...
    @property
    def layer_weights(self) -> list[int]: ...
    @property
    def decay(self) -> float: ...
    @property
    def decay_reset(self) -> int: ...
    @property
    def release(self) -> int: ...
    @property
    def max_swaps(self) -> int | None: ...

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
    knobs: SabreKnobs,
    *,
    record: bool,
) -> tuple[int, int, list[int], list[int] | None, list[int], int]: ...
def sabre_route_best(
    dag: Dag,
    device: Device,
    layout: list[int],
    rng_states: list[tuple[list[int], int]],
    knobs: SabreKnobs,
    *,
    record: bool,
    threads: int,
) -> tuple[int, int, int, list[int], list[int] | None]: ...
def sabre_place(
    dag: Dag,
    backward: Dag,
    device: Device,
    knobs: SabreKnobs,
    *,
    width: int,
    path: list[int] | None,
    trials: int,
    iterations: int,
    confirm: int,
    budget: int | None,
    seed: list[int],
    threads: int,
) -> tuple[int, list[int], int]: ...

# qloom-kak (kak.rs): a 4x4 unitary as the 256 bytes of a C-ordered complex128 array.
def kak_weyl_coordinates(matrix_bytes: bytes) -> tuple[float, float, float]: ...
def kak_count_entanglers(coordinates: tuple[float, float, float], parametric: bool) -> int: ...
def kak_num_entanglers(matrix_bytes: bytes, parametric: bool) -> int: ...
def kak_decompose(
    matrix_bytes: bytes,
) -> tuple[tuple[float, float], tuple[float, float, float], bytes]: ...
