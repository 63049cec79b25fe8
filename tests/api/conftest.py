from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from allyforge.api import Settings, create_app
from allyforge.store import open_store

TINY = Path(__file__).resolve().parents[1] / "fixtures" / "tiny"
TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SCENARIO = """\
name: tiny-ban
pack: tiny
samples: 20
seed: 1
events:
  - type: export_ban
    origin: CN
    destination: JP
    items: [ore]
    start: 2026-02
    duration: {uniform: [2, 4]}
"""
ENGINES = {"simulate": "synthetic_engine:simulate", "slow": "synthetic_engine:slow", "crash": "synthetic_engine:crash"}


def pack_zip(folder: Path = TINY, edit: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                rel = f.relative_to(folder).as_posix()
                zf.writestr(f"tiny/{rel}", (edit or {}).get(rel, f.read_bytes()))
    return buf.getvalue()


@pytest.fixture
def settings() -> Settings:
    return Settings(token=TOKEN, max_body_bytes=300_000, max_cells=5_000_000, max_jobs=1, engines=dict(ENGINES))


@pytest.fixture
def client(tmp_path, settings):
    app = create_app(open_store(tmp_path / "store"), settings)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def with_tiny(client):
    r = client.post("/api/packs", files={"file": ("tiny.zip", pack_zip(), "application/zip")}, headers=AUTH)
    assert r.status_code == 201, r.text
    return client


def wait(client, run_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish in {timeout}s")
