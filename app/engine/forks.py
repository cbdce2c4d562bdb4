"""Processes a bulk writer forks die with it, so that none can hold the index's lock for ever.

Whoosh's multi-process writer forks workers that inherit the write lock's descriptor.
When the ingest is killed (kill -9, the OOM killer, a plain SIGTERM) they would live on,
blocked on their job queue, and every later writer would fail with LockError. The hook
that prevents it is registered when the first bulk writer starts, not at import.
"""

import os
import sys
import threading

from app.processes import die_with

_forked_by = os.getpid()
_registered = False
_lock = threading.Lock()


def die_with_parent() -> None:
    """From now on, every process this one forks dies when this one does (Linux only)."""
    global _registered
    with _lock:
        if _registered or not sys.platform.startswith("linux"):
            return
        os.register_at_fork(before=_before_fork, after_in_child=_follow_parent)
        _registered = True


def is_registered() -> bool:
    return _registered


def _before_fork() -> None:
    global _forked_by
    _forked_by = os.getpid()


def _follow_parent() -> None:
    die_with(_forked_by)
