from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

# the API tests' fixtures and test engine are shared, loaded by path (tests are not a package)
_api = Path(__file__).resolve().parents[1] / "api"
_spec = importlib.util.spec_from_file_location("allyforge_api_test_fixtures", _api / "conftest.py")
api_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_fixtures)
import sys  # noqa: E402

if str(_api) not in sys.path:
    sys.path.insert(0, str(_api))  # the worker processes import synthetic_engine from here

from allyforge.api import Settings, create_app  # noqa: E402
from allyforge.store import open_store  # noqa: E402

AUTH, SCENARIO, pack_zip, wait = api_fixtures.AUTH, api_fixtures.SCENARIO, api_fixtures.pack_zip, api_fixtures.wait


@pytest.fixture
def app(tmp_path):
    return create_app(open_store(tmp_path / "store"), Settings(token=api_fixtures.TOKEN, max_jobs=2, engines=dict(api_fixtures.ENGINES)))


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
