"""qloom-placers: where each logical qubit starts on a device.

The placers (``trivial``, ``line``, ``dense``, ``subgraph``, ``noise``, ``sabre``, ``post``) are
entry points in the ``qloom.placers`` group, loaded by name (``"placers:subgraph"``); this module
imports nothing so that listing plugins stays cheap.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
