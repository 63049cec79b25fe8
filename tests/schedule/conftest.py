"""Fixtures for the scheduler tests: the maintenance pack and the PSPLIB oracle files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def oracle(*parts: str) -> Path:
    """A file under ../shared/oracles; missing fails under CI=true and skips elsewhere."""
    p = SHARED.joinpath("oracles", *parts)
    if not p.exists():
        msg = f"reference data {p} is absent (tests read ../shared beside the project root)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return p


@pytest.fixture
def maintenance_path() -> Path:
    return ROOT / "tests" / "fixtures" / "maintenance"


@pytest.fixture(scope="session")
def maintenance_net():
    from allyforge import load_pack

    return load_pack(ROOT / "tests" / "fixtures" / "maintenance")
