"""qloom-hw-xyz: XYZ Quantum's devices as qloom backends.

``qloom.execute(circuit, on="xyz:ladder-12")`` compiles with the ``xyz_default`` pipeline
and runs the job (simulated in this example). Entry points: backend ``xyz``, pass
``optimizers:xyz_merge_rz``, pipeline ``xyz_default``.
"""

from qloom_hw_xyz.backend import XYZBackend, factory
from qloom_hw_xyz.devices import DEVICES, NATIVES, Device
from qloom_hw_xyz.passes import MergeRZ
from qloom_hw_xyz.pipelines import xyz_default

__all__ = ["DEVICES", "NATIVES", "Device", "MergeRZ", "XYZBackend", "factory", "xyz_default"]
