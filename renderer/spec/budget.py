"""Budgets of wall time and memory: a nestable time limit (SIGALRM) and the per-spec limits of a render.

A spec is rendered under `spec_budget()`: at most `SPEC_SECONDS` of wall time and `SPEC_MEMORY_BYTES` of
added address space across load, bind, layout and every backend. Compute calls nest their own, smaller
limits inside it (`time_limit` keeps a stack, so the inner timer never cancels the outer one). Operators
may tighten (or widen) the per-spec limits with VIZSPEC_SPEC_SECONDS and VIZSPEC_SPEC_MEMORY_MB.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

from .errors import BudgetExceeded
from .limits import memory_limit


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


SPEC_SECONDS = _env_number("VIZSPEC_SPEC_SECONDS", 120.0)  # one spec, every stage and language
SPEC_MEMORY_BYTES = int(_env_number("VIZSPEC_SPEC_MEMORY_MB", 4096) * 2**20)  # address space one spec may add
CPU_BACKSTOP = 2.0  # a worker stuck in native code is killed (SIGXCPU) after this many times SPEC_SECONDS of CPU




_stack: list[tuple[float, Callable[[], Exception]]] = []  # (deadline, error) of every active time limit
_old_handler: list = []


def _on_alarm(_sig: int, _frame: object) -> None:
    now = time.monotonic()
    for deadline, error in sorted(_stack, key=lambda d: d[0]):
        if deadline <= now:
            raise error()


def _arm() -> None:
    if _stack:
        left = min(d for d, _ in _stack) - time.monotonic()
        # the alarm repeats until cancelled: one raised inside a __del__ or gc callback is swallowed by Python
        signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), 0.25)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextlib.contextmanager
def time_limit(seconds: float, error: Callable[[], Exception]) -> Iterator[None]:
    """Raise `error()` inside the block once `seconds` have passed (only in the main thread; nests)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    entry = (time.monotonic() + seconds, error)
    if not _stack:
        _old_handler[:] = [signal.signal(signal.SIGALRM, _on_alarm)]
    _stack.append(entry)
    _arm()
    try:
        yield
    finally:
        while True:  # a late alarm (of this or an outer limit) may land in this cleanup: finish it anyway
            try:
                if entry in _stack:
                    _stack.remove(entry)
                _arm()
                if not _stack and _old_handler:
                    signal.signal(signal.SIGALRM, _old_handler.pop())
                break
            except Exception:  # noqa: BLE001 - the alarm's own error, raised again by the outer limit
                continue


def _cpu_backstop(seconds: float) -> None:
    """Let this process use at most `seconds` more CPU time (then the kernel kills it): for pool workers."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return
    use = resource.getrusage(resource.RUSAGE_SELF)
    soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    cap = int(use.ru_utime + use.ru_stime + seconds) + 1
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (cap, hard))


@contextlib.contextmanager
def spec_budget(worker: bool = False, seconds: float | None = None,
                memory: int | None = None) -> Iterator[None]:
    """Bound the block to the per-spec wall time and memory (BudgetExceeded, or MemoryError, beyond).

    In a pool `worker`, also cap the process's CPU time, so native code that ignores the alarm is killed.
    """
    seconds = SPEC_SECONDS if seconds is None else seconds
    memory = SPEC_MEMORY_BYTES if memory is None else memory
    if worker:
        _cpu_backstop(seconds * CPU_BACKSTOP)

    def late() -> Exception:
        return BudgetExceeded(f"took longer than {seconds:g} s (limit spec_seconds = {seconds:g})")

    with memory_limit(memory), time_limit(seconds, late):  # the timer is off before the memory is back
        yield


def memory_message(memory: int | None = None) -> str:
    """What a spec that ran out of its memory budget is told."""
    memory = SPEC_MEMORY_BYTES if memory is None else memory
    return f"needs more memory than allowed (limit spec_memory_bytes = {memory})"
