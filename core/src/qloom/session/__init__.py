"""Interactive compilation sessions: step one pass at a time, observe, undo, fork.

``qloom.Session`` is the entry point; ``qloom.session.OBSERVATIONS`` and
``qloom.session.REWARDS`` name the observation and reward spaces.
"""

from qloom.session.actions import ACTION_KINDS, Action
from qloom.session.core import (
    CONTEXT_PARAMETERS,
    Session,
    SessionError,
    Step,
    StepResult,
    use_isolated_class,
)
from qloom.session.isolated import IsolatedSession, SessionCrashed
from qloom.session.observations import NUMERIC, OBSERVATIONS, REWARDS, Observations
from qloom.session.tasks import run_session_steps

__all__ = [
    "ACTION_KINDS",
    "CONTEXT_PARAMETERS",
    "NUMERIC",
    "OBSERVATIONS",
    "REWARDS",
    "Action",
    "IsolatedSession",
    "Observations",
    "Session",
    "SessionCrashed",
    "SessionError",
    "Step",
    "StepResult",
    "run_session_steps",
    "use_isolated_class",
]
