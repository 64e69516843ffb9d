"""A worker process's tie to its parent; the implementation is core's ``qloom.lifeline``,
which isolated sessions' workers use too."""

from qloom.lifeline import ORPHANED, die_with_parent, start_heartbeat

__all__ = ["ORPHANED", "die_with_parent", "start_heartbeat"]
