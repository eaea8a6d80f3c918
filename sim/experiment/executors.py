"""Where replications run: serially, on a local process pool, or on a Dask cluster.

Every executor is a `concurrent.futures.Executor`, so sweeps and searches have one code path.
Work is seeded by replication index, never by worker, so all three give the same numbers.
Local workers die with the command (lifeline.py); when the block ends with an exception (Ctrl-C
included) the pool's workers are stopped at once rather than left to finish work nobody will read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from ..errors import OptionError
from .lifeline import pool_worker
from .runner import SerialExecutor

DASK_HINT = "pip install 'drill-sim[dask]'"
CONNECT_TIMEOUT = "10s"  # to reach a remote scheduler
_ADDRESS = re.compile(r"^(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)"
                      r":(?P<port>[0-9]{1,5})$")  # fmt: skip


def parse_cluster(cluster: str | None) -> str | None:
    """The --cluster value checked without Dask: 'local', or a scheduler address with a port."""
    if cluster is None or cluster == "local":
        return cluster
    match = _ADDRESS.match(cluster.strip())
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise OptionError(f"--cluster {cluster!r}: expected 'local' or a scheduler address with its port, "
                          "e.g. tcp://10.0.0.5:8786")  # fmt: skip
    return cluster.strip()


@contextmanager
def open_executor(workers: int | None = None, cluster: str | None = None) -> Iterator[Executor]:
    """An executor for the duration of a `with` block; closed (and any cluster shut down) after.

    workers: local worker processes (None: every core; 1: serial in this process); with
    `cluster="local"` the number of Dask workers. cluster: None for local execution, "local" for
    a Dask LocalCluster on this machine, or a scheduler address such as "tcp://host:8786".
    """
    if workers is not None and workers < 1:
        raise OptionError("--workers must be at least 1")
    cluster = parse_cluster(cluster)
    if cluster is not None:
        with _dask_executor(workers, cluster) as executor:
            yield executor
        return
    n = workers or os.cpu_count() or 1
    if n == 1:
        yield SerialExecutor()
        return
    pool = ProcessPoolExecutor(max_workers=n, initializer=pool_worker, initargs=(os.getpid(),))
    try:
        yield pool
    except BaseException:
        _stop_workers(pool)  # Ctrl-C or an error: what is still running will not be read
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


@contextmanager
def _dask_executor(workers: int | None, cluster: str) -> Iterator[Executor]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise OptionError(f"--cluster needs Dask, which is not installed: {DASK_HINT}") from None
    local: Any = None
    try:
        if cluster == "local":
            local = LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                dashboard_address=None, preload=["sim.experiment.lifeline"], silence_logs=logging.ERROR,
            )  # fmt: skip
            client = Client(local)
        else:
            client = Client(cluster, timeout=CONNECT_TIMEOUT)
    except (OSError, ValueError) as exc:  # ValueError: an address Dask cannot parse after all
        if local is not None:
            local.close()
        raise OptionError(f"cannot reach the Dask scheduler at {cluster}: {exc}") from None
    quick = False
    try:
        yield client.get_executor()
    except BaseException:
        quick = True  # Ctrl-C or an error: do not wait for busy workers to finish politely
        raise
    finally:
        _close(client, local, timeout=2 if quick else None)


def _close(client: Any, local: Any, timeout: float | None) -> None:
    """Close the client and the local cluster; with a timeout, give up waiting (the workers die with us)."""
    with contextlib.suppress(TimeoutError, OSError) if timeout else contextlib.nullcontext():
        client.close(**({"timeout": timeout} if timeout else {}))
    if local is not None:
        with contextlib.suppress(TimeoutError, OSError) if timeout else contextlib.nullcontext():
            local.close(**({"timeout": timeout} if timeout else {}))


def slots(executor: Executor) -> int:
    """How many tasks the executor can run at once (to keep only a few more than that in flight)."""
    if isinstance(executor, SerialExecutor):
        return 1
    workers = getattr(executor, "_max_workers", None)
    if isinstance(workers, int):
        return workers
    client = getattr(executor, "_client", None)  # dask's ClientExecutor
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # noqa: BLE001 - a guess is enough here
            return 8
    return 8
