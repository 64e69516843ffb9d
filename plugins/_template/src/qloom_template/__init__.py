"""qloom-template: a minimal plugin to copy."""

from qloom_template.passes import DropIdentity

__all__ = ["DropIdentity"]
