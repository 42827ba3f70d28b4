"""Process pools whose workers exit with their parent, even when the parent is SIGKILLed.

A killed `vizspec render all` (or `watch`) cannot shut its pool down, so each worker watches for
itself: on Linux the kernel sends it SIGKILL when the parent dies (prctl PR_SET_PDEATHSIG); elsewhere a
daemon thread polls the parent's pid. Both start in the pool's initializer, which first checks that the
parent is still there (it may have died before the worker got this far).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 1.0  # how often a worker without prctl looks for its parent


def die_with_parent(parent: int) -> None:
    """Pool initializer: exit when process `parent` (the one that made the pool) is gone."""
    if not _linux_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), name="vizspec-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the death signal was set up
        os._exit(1)


def _linux_death_signal() -> bool:
    """Ask the kernel to SIGKILL this process when its parent exits; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def process_pool(max_workers: int, start_method: str | None = None) -> ProcessPoolExecutor:
    """A ProcessPoolExecutor (default or named start method) whose workers exit with this process."""
    ctx = multiprocessing.get_context(start_method)
    return ProcessPoolExecutor(max_workers=max_workers, mp_context=ctx, initializer=die_with_parent,
                               initargs=(os.getpid(),))
