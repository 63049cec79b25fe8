from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def tiny():
    import allyforge

    return allyforge.load_pack(FIXTURES / "tiny")


@pytest.fixture
def stockpile_pack(tmp_path: Path):
    """The tiny pack with its JP refinery ore stock turned into a scenario-released stockpile."""
    import allyforge

    dst = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", dst)
    (dst / "stocks.csv").write_text(
        "site,item,initial,policy,level,release,holding_cost,source\n"
        "jp-refinery,ore,50,stockpile,50,scenario,,s-assume\n"
    )
    return allyforge.load_pack(dst)
