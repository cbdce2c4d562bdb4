"""A process that must not outlive another: the compactor and the follower beside a server,
the workers a bulk writer forks."""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # prctl(2), Linux


def die_with(parent: int) -> None:
    """In a forked child (Linux): ask the kernel for SIGKILL when `parent` dies."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0 or os.getppid() != parent:
        os._exit(1)  # the parent is already gone (or cannot be followed): go with it
