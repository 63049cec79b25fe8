"""Shared fixtures: the tiny pack, and reference data in ../shared/oracles (DESIGN: Testing)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file under ../shared; missing fails under CI=true and skips elsewhere, with the reason."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        msg = f"reference data {p} is absent (tests read ../shared beside the project root)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return p


@pytest.fixture
def tiny_path() -> Path:
    return FIXTURES / "tiny"


@pytest.fixture
def maintenance_path() -> Path:
    """The maintenance fixture pack (yards, docks, assets, availabilities)."""
    return FIXTURES / "maintenance"


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny pack, for tests that break it on purpose."""
    dst = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", dst)
    return dst


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs that tests store go to a temporary store, never the user's."""
    monkeypatch.setenv("ALLYFORGE_STORE", str(tmp_path_factory.mktemp("store")))
