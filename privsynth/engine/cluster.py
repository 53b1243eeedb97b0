"""Connect to Dask: a `distributed.LocalCluster` of N worker processes, or a running scheduler.

`open_client(settings)` is a context manager yielding a `distributed.Client`; the cluster it
started (if any) is closed on exit. An unreachable scheduler raises EngineError (exit 2) after
`settings.connect_timeout_s` seconds (default 5).
"""

from __future__ import annotations

import contextlib
import logging
import os
from typing import Iterator

from privsynth.errors import PrivsynthError


class EngineError(PrivsynthError):
    """The Dask engine cannot start, reach its scheduler, or lost its workers (exit 2)."""


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


@contextlib.contextmanager
def open_client(settings) -> Iterator["object"]:
    """A distributed Client for `settings` (policy `engine:`); quiet: no dashboard, logs at ERROR."""
    from distributed import Client, LocalCluster

    for name in ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker", "distributed.core", "tornado"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if settings.scheduler:
        try:
            client = Client(settings.scheduler, timeout=f"{settings.connect_timeout_s}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as e:
            kind = "timed out" if isinstance(e, TimeoutError) or "Timed out" in str(e) else type(e).__name__
            raise EngineError(f"engine.scheduler {settings.scheduler}: cannot connect ({kind} after {settings.connect_timeout_s:g}s)") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = settings.workers or default_workers()
    # no dashboard; the scheduler's HTTP server (health/metrics routes, started even without a dashboard) listens on
    # a free loopback port: its default, 8787, is often held by another cluster on a shared machine, and distributed
    # then warns "Port 8787 is already in use" on stderr
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, memory_limit=settings.memory_limit,
                           dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                           silence_logs=logging.CRITICAL)
    client = Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
