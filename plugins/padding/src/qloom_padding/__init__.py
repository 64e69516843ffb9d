"""Padding strategies for qloom: which of a device's qubits a transpilation may use.

``none`` transpiles on the circuit's own qubits, ``before`` on the whole device, ``after``
on a well-connected region the size of the circuit, then widens the result to the device.
``auto`` applies the user's choice or the backend's ``default_padding``.
"""

__all__: list[str] = []
