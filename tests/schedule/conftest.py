"""Fixtures for the scheduler tests: the maintenance pack (oracle files come from tests/conftest.shared_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def maintenance_net():
    from allyforge import load_pack

    return load_pack(ROOT / "tests" / "fixtures" / "maintenance")
