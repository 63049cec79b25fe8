"""Shared fixtures for the risk tests: the oracle folder and the tiny pack."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / ".." / "shared"
TINY = ROOT / "tests" / "fixtures" / "tiny"


def shared_file(rel: str) -> Path:
    """A file under ../shared; fails under CI when absent, skips elsewhere (DESIGN: testing)."""
    p = SHARED / rel
    if not p.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference file {p} is missing")
        pytest.skip(f"reference file {p} is not present")
    return p


@pytest.fixture(scope="session")
def tiny():
    from allyforge import load_pack

    return load_pack(TINY)
