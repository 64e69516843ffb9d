"""Thread and process executors for qloom: run transpilations in parallel on one machine.

``threads`` (``ThreadExecutor``) runs tasks on threads of this process and stops them
cooperatively; ``processes`` (``ProcessExecutor``) runs them in worker processes that it
can kill and replace one at a time. Both are found by name:
``qloom.get_executor("processes", workers=4)``.
"""

from qloom_executors.processes import ProcessExecutor
from qloom_executors.threads import ThreadExecutor

__all__ = ["ProcessExecutor", "ThreadExecutor"]
