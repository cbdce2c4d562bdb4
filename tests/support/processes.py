"""Processes as /proc tells them (Linux): what is alive, whose child, in which group."""

from collections.abc import Iterator
from pathlib import Path


def proc_stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a live process, from /proc, or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    state, ppid, pgrp = raw.rsplit(")", 1)[1].split()[:3]
    return state, int(ppid), int(pgrp)


def live_processes() -> Iterator[tuple[int, int, int]]:
    """(pid, parent pid, process group) of every process that is not a zombie."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := proc_stat(int(entry.name))) and stat[0] != "Z":
            yield int(entry.name), stat[1], stat[2]


def group_members(pgid: int) -> list[int]:
    return [pid for pid, _ppid, pgrp in live_processes() if pgrp == pgid]


def children(pid: int) -> list[int]:
    return [child for child, ppid, _pgrp in live_processes() if ppid == pid]


def descendants(pid: int) -> list[int]:
    """Every live process below `pid`: its children, theirs, and so on."""
    below = children(pid)
    return below + [grandchild for child in below for grandchild in descendants(child)]


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie does not)."""
    stat = proc_stat(pid)
    return stat is not None and stat[0] != "Z"
