"""``EmulatorBackend``: a device model as a qloom backend that runs circuits with its noise."""

from __future__ import annotations

import secrets

from qloom import Backend, Circuit, Operation, Result
from qloom.errors import QloomError
from qloom_hw_emulator.catalog import resolve_device
from qloom_hw_emulator.limits import DeviceLimits
from qloom_hw_emulator.model import Device
from qloom_hw_emulator.noise import compact, error_sites, sample_noisy
from qloom_sim_numpy import DEFAULT_MAX_QUBITS, NumpyBackend, check_size

__all__ = ["EmulatorBackend"]


class EmulatorBackend(Backend):
    """An emulated device: ``on="emulator:heavy-hex-127"`` or ``"emulator:path/dev.toml"``.

    Accepts exactly what the device accepts (its qubits, coupled pairs in their direction,
    natives), publishes its calibration and durations, and names its default pipeline.
    ``run`` emulates the device: depolarizing gate errors and readout errors from the
    calibration, seeded, on the qubits the circuit touches.

    Args:
        device: a catalog name (see ``qloom_hw_emulator.catalog_names()``), a path to a
            ``.toml``/``.json`` description, or a ``Device``.
        noise: ``False`` runs noiselessly (an ideal device with the same constraints).
        noise_scale: multiplies every error rate (``0.5``: a device twice as good).
        max_qubits: the most qubits one emulated circuit may touch.
        max_device_qubits, max_device_couplers, max_device_file_bytes: the largest
            description file accepted (see ``DeviceLimits``; defaults 2,048 qubits,
            100,000 couplers, 4 MiB).

    Raises:
        DeviceFileError: an invalid or oversized description file (the user's error: it
            names the file and the key).
        QloomError: no device given or an unknown name.
    """

    def __init__(
        self,
        device: str | Device | None = None,
        *,
        noise: bool = True,
        noise_scale: float = 1.0,
        max_qubits: int = DEFAULT_MAX_QUBITS,
        max_device_qubits: int = DeviceLimits.max_qubits,
        max_device_couplers: int = DeviceLimits.max_couplers,
        max_device_file_bytes: int = DeviceLimits.max_file_bytes,
    ) -> None:
        if device is None or device == "":
            raise QloomError(
                "the emulator needs a device: on='emulator:<name>' (e.g. "
                "'emulator:heavy-hex-27') or on='emulator:path/to/device.toml'"
            )
        limits = DeviceLimits(max_device_file_bytes, max_device_qubits, max_device_couplers)
        model = device if isinstance(device, Device) else resolve_device(device, limits)
        if noise_scale < 0:
            raise QloomError(f"noise_scale must be 0 or more, got {noise_scale}")
        super().__init__(
            f"emulator:{model.name}",
            model.num_qubits,
            model.connectivity(),
            model.natives,
            default_pipeline=model.pipeline,
            default_padding=model.padding,
            properties={**model.properties(), "noise": noise, "noise_scale": noise_scale},
            calibration=model.calibration(),
        )
        self.device = model
        self.noise = bool(noise)
        self.noise_scale = float(noise_scale)
        self.max_qubits = int(max_qubits)

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        """Emulate ``shots`` shots; counts are keyed by the circuit's clbits.

        Without noise this is the numpy simulator's exact sampling. ``metadata`` says how
        many trajectories were simulated and which physical qubits the circuit used.

        Raises:
            QloomError: the circuit touches more than ``max_qubits`` qubits, or more than
                memory allows.
        """
        small, active = compact(circuit)
        sites = []
        if self.noise and self.noise_scale > 0:
            sites = error_sites(
                small,
                lambda op: self._gate_rate(op, active),
                lambda q: self._scaled(self.device.readout_error.get(active[q], 0.0)),
            )
        check_size(small.num_qubits, self.max_qubits, what="emulated circuit")
        if not sites:
            ideal = NumpyBackend(max_qubits=self.max_qubits).run(small, shots, seed)
            counts, trajectories = ideal.counts, 1
        else:
            root = secrets.randbits(63) if seed is None else int(seed)
            counts, trajectories = sample_noisy(small, sites, shots, root)
        result = Result(counts, shots, backend=self.name, seed=seed)
        result.metadata.update(trajectories=trajectories, qubits=active, noise=bool(sites))
        return result

    def _gate_rate(self, op: Operation, active: list[int]) -> float:
        if op.name in self.device.virtual:
            return 0.0
        qubits = [active[q] for q in op.qubits]
        if len(qubits) == 1:
            return self._scaled(self.device.gate_error.get(qubits[0], 0.0))
        if len(qubits) == 2:
            return self._scaled(self.device.pair_error(*qubits))
        return 0.0

    def _scaled(self, rate: float) -> float:
        return min(1.0, rate * self.noise_scale)

    def __repr__(self) -> str:
        return (
            f"<EmulatorBackend '{self.device.name}' qubits={self.num_qubits} "
            f"natives={sorted(self.natives or ())} noise={self.noise}>"
        )
