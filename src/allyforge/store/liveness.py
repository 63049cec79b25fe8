"""Is the process that claimed a job still alive? (pid plus its start time, so a reused pid does not count)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

HOST = socket.gethostname()


def process_start(pid: int) -> str | None:
    """Kernel start time of `pid` (clock ticks since boot) from /proc, or None where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces; fields after the closing parenthesis are fixed
    return stat.rsplit(")", 1)[1].split()[19]


def alive(pid: int, start: str | None) -> bool:
    """True while `pid` runs and is the same process that recorded `start` (not a zombie, not a reuse)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, owned by someone else
    if start is None or not Path("/proc").exists():
        return True
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    state, now = fields[0], fields[19]
    return now == start and state != "Z"


def me() -> tuple[str, int, str | None]:
    pid = os.getpid()
    return HOST, pid, process_start(pid)
