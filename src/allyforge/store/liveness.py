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
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if start is None:
        return True
    now = process_start(pid)
    if now is None:
        return Path("/proc").exists() is False
    # a zombie (killed, not yet reaped by its parent) holds its pid but does no work
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return now == start and state != "Z"


def me() -> tuple[str, int, str | None]:
    pid = os.getpid()
    return HOST, pid, process_start(pid)
