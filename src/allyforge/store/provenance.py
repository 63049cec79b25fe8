"""What produced a run: code version, who, when."""

from __future__ import annotations

import getpass
import subprocess
from datetime import UTC, datetime
from functools import cache
from pathlib import Path


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@cache
def code_version() -> str:
    """`allyforge <version>`, plus the git commit (and `+dirty`) when running from a checkout."""
    from allyforge import __version__

    here = Path(__file__).resolve().parent
    try:
        rev = subprocess.run(["git", "-C", str(here), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=5)
        if rev.returncode != 0:
            return __version__
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, timeout=5)
        return f"{__version__}+g{rev.stdout.strip()}{'.dirty' if dirty.stdout.strip() else ''}"
    except (OSError, subprocess.SubprocessError):
        return __version__


def who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
