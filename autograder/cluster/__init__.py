"""``grader grade --cluster``: grade a batch on a Dask distributed cluster.

The client (``client.py``) keeps everything ``grader grade`` keeps locally: resumable
results written as they come back, the progress line, ``grades.csv``, feedback. Each
submission is one task; the worker (``worker.py``) grades it with the same engine and
sandbox, in a grading process of its own. What a task carries is a ``ClusterJob``
(``job.py``): the test suite travels inside it, in memory, and never touches a worker's
disk.
"""

from .client import grade_on_cluster
from .job import ClusterJob

__all__ = ["ClusterJob", "grade_on_cluster"]
