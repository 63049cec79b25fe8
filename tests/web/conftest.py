from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from allyforge.api import Settings, create_app
from allyforge.store import open_store
from tests.api.helpers import AUTH, ENGINES, TOKEN, pack_zip


@pytest.fixture
def app(tmp_path):
    return create_app(open_store(tmp_path / "store"), Settings(token=TOKEN, max_jobs=2, engines=dict(ENGINES)))


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        r = c.post("/api/packs", files={"file": ("tiny.zip", pack_zip(), "application/zip")}, headers=AUTH)
        assert r.status_code == 201
        yield c


@pytest.fixture
def browser(client, app):
    """A client that used the one-time login link; returns (client, csrf token)."""
    code = app.state.auth.issue_login()
    r = client.get(f"/login/{code}", follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/scenarios/new").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    return client, csrf
