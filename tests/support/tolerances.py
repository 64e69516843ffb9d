"""Tolerances for equivalence checks of pipelines that drop near-identity gates."""

IDENTITY_REMOVAL_ATOL = 3e-7
"""The amplitude error ``optimizers:remove_identities`` (and ``optimizers:optimize``, and the
levels that run them) may leave at its default, exact threshold: a gate within machine
epsilon of the identity in average gate infidelity is up to ~4e-8 in angle (``rz``:
infidelity ``theta**2 / 6``), so removing it moves amplitudes by up to ~2e-8, and a random
circuit may hold a few (hypothesis finds ``cp(6e-8)``). A wrongly removed ``rz(1e-6)``
alone moves them by 5e-7, so the checks still catch a real mistake."""
