from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from allyforge.api import Settings, create_app
from allyforge.store import open_store
from tests.api.helpers import AUTH, ENGINES, TOKEN, pack_zip


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
