"""Worker processes die with the command that started them, and leave Ctrl-C to it.

A killed `drill sweep` (SIGKILL: no chance to clean up) must not leave its pool workers computing
for nobody. On Linux the kernel kills a worker when its parent dies (prctl PR_SET_PDEATHSIG, via
ctypes); elsewhere a daemon thread in the worker watches its parent's pid. Workers ignore SIGINT:
a Ctrl-C in the terminal reaches the whole process group, and only the parent should act on it
(save what is finished, stop the workers, exit 130) instead of every worker printing a traceback.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int | None = None) -> str:
    """Arrange for this process to end when `parent` (default: the current parent) dies; returns how.

    The kernel's signal fires when the *thread* that started this process ends, so start workers from
    a thread that lives as long as they should (the main thread, as the command line does).
    """
    parent = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the signal was armed
                    os._exit(1)
                return "pdeathsig"
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    return "watch"


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def pool_worker(parent: int) -> None:
    """The initializer of the process pool's workers (`ProcessPoolExecutor(initializer=...)`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def dask_setup(worker: Any) -> None:
    """Dask's preload hook (`LocalCluster(preload=[__name__])`): the local cluster's workers too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
