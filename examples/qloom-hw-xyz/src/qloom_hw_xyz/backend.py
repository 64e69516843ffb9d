"""The ``xyz`` backend: ``on="xyz:<device>"`` compiles for and runs on an XYZ device.

A real vendor plugin would send the job to its cloud in ``run``. This example has no cloud:
it validates the circuit exactly as the device would, then simulates it with
``qloom-sim-numpy`` (noiseless), so everything around it behaves as with real hardware.
"""

from __future__ import annotations

import difflib
from typing import Any

from qloom import Backend, Calibration, Circuit, QloomError, Result
from qloom_hw_xyz.devices import DEVICES, NATIVES, Device
from qloom_sim_numpy import NumpyBackend

__all__ = ["XYZBackend", "factory"]


class XYZBackend(Backend):
    """One XYZ device: its couplings, natives and calibration, and a runner for its jobs.

    Args:
        device: the device.
        calibration: error rates to place by; defaults to the device's shipped snapshot.
    """

    def __init__(self, device: Device, calibration: Calibration | None = None) -> None:
        super().__init__(
            f"xyz:{device.name}",
            device.num_qubits,
            device.edges,
            NATIVES,
            default_pipeline="xyz_default",
            properties={"vendor": "XYZ Quantum", "description": device.description},
            calibration=device.calibration if calibration is None else calibration,
        )
        self.device = device
        self._simulator = NumpyBackend()

    def run(self, circuit: Circuit, shots: int, seed: int | None) -> Result:
        """Run ``circuit`` (over the device's qubits) and count outcomes by its clbits.

        Simulated, not sent to hardware (see the module docstring). Like the device, it
        refuses a circuit it does not accept rather than running something else.

        Raises:
            BackendViolation: a qubit, pair or gate the device does not have.
        """
        self.validate(circuit, stage="xyz job submission")
        counts = self._simulator.run(circuit, shots, seed).counts
        return Result(counts, shots, self.name, seed, metadata={"simulated": True})


def factory(device: str | None = None, **options: Any) -> XYZBackend:
    """The ``qloom.backends`` entry point: ``on="xyz:<device>"`` calls ``factory(device)``.

    Args:
        device: a name from ``DEVICES``.
        options: backend options given to ``qloom.get_backend``/``execute``; only
            ``calibration`` (a ``qloom.Calibration``) is accepted.

    Raises:
        QloomError: no device, an unknown device (the message lists the devices), an
            unknown option or a calibration that is not a ``Calibration``.
    """
    names = ", ".join(f"xyz:{name}" for name in DEVICES)
    if not device:
        raise QloomError(f"the xyz backend needs a device: on='xyz:<device>', one of {names}")
    if device not in DEVICES:
        close = difflib.get_close_matches(device, DEVICES, n=1)
        hint = f" Did you mean 'xyz:{close[0]}'?" if close else ""
        raise QloomError(f"XYZ Quantum has no device '{device}'; devices: {names}.{hint}")
    unknown = sorted(set(options) - {"calibration"})
    if unknown:
        raise QloomError(f"xyz backends take only the option 'calibration', not {unknown}")
    calibration = options.get("calibration")
    if calibration is not None and not isinstance(calibration, Calibration):
        kind = type(calibration).__name__
        raise QloomError(f"calibration= must be a qloom.Calibration, not a {kind}")
    return XYZBackend(DEVICES[device], calibration)
