"""The ``dask`` executor for qloom: transpilation tasks on Dask distributed.

``qloom.get_executor("dask", workers=4)`` starts a LocalCluster for the session;
``qloom.get_executor("dask", address="tcp://host:8786")`` uses an existing cluster.
"""

from qloom_dask.executor import DaskExecutor

__all__ = ["DaskExecutor"]
