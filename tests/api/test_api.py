"""Every API endpoint, including every 4xx path, through FastAPI's TestClient."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from tests.api.helpers import AUTH, SCENARIO, TINY, pack_zip, wait


def test_health_and_openapi(client):
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["jobs_running"] == 0 and "simulate" in h["engines"]
    spec = client.get("/openapi.json").json()
    for path in ("/api/packs", "/api/scenarios", "/api/scenarios/validate", "/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/cancel", "/api/runs/{run_id}/results/{table}", "/api/runs/{run_id}/export", "/api/health"):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_pack_upload_and_list(with_tiny):
    names = [p["name"] for p in with_tiny.get("/api/packs").json()]
    assert "tiny" in names


def test_bad_pack_lists_every_problem_with_file_row_column(client):
    lanes = (TINY / "lanes.csv").read_text().replace("ore-cn-jp,ore,cn-mine", "ore-cn-jp,ore,nowhere-mine")
    items = (TINY / "items.csv").read_text().replace("metal,Refined metal,kg,material", "metal,Refined metal,kg,liquid")
    r = client.post("/api/packs", files={"file": ("tiny.zip", pack_zip(edit={"lanes.csv": lanes, "items.csv": items}), "application/zip")}, headers=AUTH)
    assert r.status_code == 422
    problems = r.json()["detail"]["problems"]
    where = {(p["file"], p["row"], p["column"]) for p in problems}
    assert ("lanes.csv", 2, "origin") in where, problems
    assert ("items.csv", 3, "kind") in where, problems
    assert all(p["message"] for p in problems)


@pytest.mark.parametrize("name,data,fragment", [("pack.zip", b"not a zip", "not a valid .zip"), ("pack.txt", b"x", "upload a .zip"), ("empty.zip", b"PK\x05\x06" + b"\0" * 18, "no pack.yaml")])
def test_pack_upload_rejects_non_packs(client, name, data, fragment):
    r = client.post("/api/packs", files={"file": (name, data, "application/octet-stream")}, headers=AUTH)
    assert r.status_code == 422 and fragment in r.json()["detail"]["message"]


def test_writes_need_the_bearer_token(client):
    files = {"file": ("tiny.zip", pack_zip(), "application/zip")}
    assert client.post("/api/packs", files=files).status_code == 401
    assert client.post("/api/packs", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.post("/api/scenarios", json={"yaml": SCENARIO}).status_code == 401
    assert client.post("/api/runs", json={"yaml": SCENARIO}).status_code == 401
    assert client.post("/api/runs/whatever/cancel").status_code == 401
    assert client.delete("/api/runs/whatever").status_code == 401


def test_oversized_request_is_refused_before_reading(client):
    big = b"x" * 400_000
    r = client.post("/api/packs", files={"file": ("big.zip", big, "application/zip")}, headers=AUTH)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    r = client.post("/api/scenarios/validate", content=b'{"yaml": "' + b"a" * 400_000 + b'"}', headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_scenarios_validate_create_list(with_tiny):
    c = with_tiny
    assert c.post("/api/scenarios/validate", json={"yaml": SCENARIO}).json() == {"valid": True, "name": "tiny-ban", "pack": "tiny", "events": 1}
    r = c.post("/api/scenarios", json={"yaml": SCENARIO}, headers=AUTH)
    assert r.status_code == 201
    assert r.json()["hash"] in [s["hash"] for s in c.get("/api/scenarios").json()]


def test_bad_scenarios_name_line_and_field(with_tiny):
    c = with_tiny
    bad = SCENARIO.replace("samples: 20", "samples: -3").replace("origin: CN", "origin: CN\n    colour: red")
    r = c.post("/api/scenarios/validate", json={"yaml": bad})
    assert r.status_code == 422
    probs = {(p["line"], p["field"]) for p in r.json()["detail"]["problems"]}
    assert (3, "samples") in probs and (8, "events[0].colour") in probs, probs
    r = c.post("/api/scenarios/validate", json={"yaml": "name: [unclosed"})
    assert r.status_code == 422 and "YAML" in r.json()["detail"]["problems"][0]["message"]
    # fits the schema but not the pack: the period is outside the calendar
    r = c.post("/api/scenarios", json={"yaml": SCENARIO.replace("start: 2026-02", "start: 2031-02")}, headers=AUTH)
    assert r.status_code == 422 and r.json()["detail"]["problems"][0]["field"] == "events[0].start"
    r = c.post("/api/scenarios/validate", json={"yaml": SCENARIO.replace("pack: tiny", "pack: nope")})
    assert r.status_code == 422 and "unknown pack" in r.json()["detail"]["message"]
    assert c.post("/api/scenarios/validate", json={"text": SCENARIO}).status_code == 422


def test_run_lifecycle_results_pages_export_report(with_tiny):
    c = with_tiny
    r = c.post("/api/runs", json={"yaml": SCENARIO, "samples": 10}, headers=AUTH)
    assert r.status_code == 202, r.text
    run = wait(c, r.json()["id"])
    assert run["status"] == "done", run
    assert run["settings"] == {"samples": 10, "sensitivity": False} and run["seed"] == 1 and run["scenario_name"] == "tiny-ban" and run["who"] == "api"
    cols = c.get(f"/api/runs/{run['id']}/tables").json()
    assert set(cols["deliveries"]) == {"sample", "period", "program", "party", "required", "delivered"}
    page = c.get(f"/api/runs/{run['id']}/results/deliveries", params={"where": ["program:missile-jp", "sample:3"], "limit": 1, "offset": 1}).json()
    assert page["total"] == 2 and len(page["rows"]) == 1 and page["next"] is None
    assert page["rows"][0]["program"] == "missile-jp" and page["rows"][0]["sample"] == 3 and page["rows"][0]["period"] == "2026-04"
    whole = c.get(f"/api/runs/{run['id']}/results/deliveries", params={"limit": 1000}).json()
    assert whole["total"] == 10 * 4 and whole["next"] is None
    z = zipfile.ZipFile(io.BytesIO(c.get(f"/api/runs/{run['id']}/export", params={"format": "csv"}).content))
    assert {"run.json", "deliveries.csv", "pack_sources.csv"} <= set(z.namelist())
    assert len(pd.read_csv(z.open("deliveries.csv"))) == 40
    html = c.get(f"/api/runs/{run['id']}/report").text
    assert "Required vs delivered" in html and "missile-jp" in html
    assert c.get("/api/runs").json()[0]["id"] == run["id"]
    assert c.delete(f"/api/runs/{run['id']}", headers=AUTH).json()["deleted"] is True
    assert c.get(f"/api/runs/{run['id']}").status_code == 404


def test_bundled_or_stored_scenario_by_name(with_tiny):
    c = with_tiny
    c.post("/api/scenarios", json={"yaml": SCENARIO}, headers=AUTH)
    r = c.post("/api/runs", json={"scenario": "tiny-ban", "samples": 2}, headers=AUTH)
    assert r.status_code == 202
    assert wait(c, r.json()["id"])["status"] == "done"
    r = c.post("/api/runs", json={"scenario": "baseline", "pack": "tiny", "samples": 2}, headers=AUTH)  # a scenario shipped beside the uploaded pack
    assert r.status_code == 202 and r.json()["scenario_name"] == "baseline"
    assert wait(c, r.json()["id"])["status"] == "done"
    r = c.post("/api/runs", json={"scenario": "no-such-scenario"}, headers=AUTH)
    assert r.status_code == 422 and "unknown scenario" in r.json()["detail"]["message"]


def test_unknown_run_is_404_everywhere(client):
    for path in ("/api/runs/20990101-000000-abcdef", "/api/runs/20990101-000000-abcdef/tables", "/api/runs/20990101-000000-abcdef/results/deliveries", "/api/runs/20990101-000000-abcdef/export", "/api/runs/20990101-000000-abcdef/report"):
        assert client.get(path).status_code == 404, path
    assert client.post("/api/runs/20990101-000000-abcdef/cancel", headers=AUTH).status_code == 404
    assert client.delete("/api/runs/20990101-000000-abcdef", headers=AUTH).status_code == 404
    assert client.get("/api/runs/bad%20id!").status_code == 404


def test_run_size_and_request_errors_are_4xx_before_any_work(with_tiny):
    c = with_tiny
    r = c.post("/api/runs", json={"yaml": SCENARIO, "samples": 10_000_000}, headers=AUTH)
    assert r.status_code == 422 and "samples x nodes x periods" in r.json()["detail"]
    assert c.get("/api/runs").json() == []  # nothing was created
    assert c.post("/api/runs", json={"yaml": SCENARIO, "engine": "nope"}, headers=AUTH).status_code == 422
    assert c.post("/api/runs", json={}, headers=AUTH).status_code == 422
    assert c.post("/api/runs", json={"yaml": SCENARIO, "samples": 0}, headers=AUTH).status_code == 422
    assert c.post("/api/runs", json={"yaml": SCENARIO.replace("pack: tiny", "pack: nope")}, headers=AUTH).status_code == 422


def test_result_query_errors(with_tiny):
    c = with_tiny
    run = wait(c, c.post("/api/runs", json={"yaml": SCENARIO, "samples": 2}, headers=AUTH).json()["id"])
    base = f"/api/runs/{run['id']}/results"
    assert c.get(f"{base}/nope").status_code == 404
    assert c.get(f"{base}/deliveries", params={"where": "colour:red"}).status_code == 422
    assert c.get(f"{base}/deliveries", params={"where": "no-colon"}).status_code == 422
    assert c.get(f"{base}/deliveries", params={"limit": 5000}).status_code == 422
    assert c.get(f"{base}/deliveries", params={"offset": -1}).status_code == 422
    assert c.get(f"/api/runs/{run['id']}/export", params={"format": "pdf"}).status_code == 422


def test_concurrent_job_limit_cancel_and_no_results(with_tiny):
    c = with_tiny
    slow = c.post("/api/runs", json={"yaml": SCENARIO, "engine": "slow"}, headers=AUTH)
    assert slow.status_code == 202
    rid = slow.json()["id"]
    busy = c.post("/api/runs", json={"yaml": SCENARIO}, headers=AUTH)
    assert busy.status_code == 429 and busy.headers["retry-after"]
    import time

    deadline = time.monotonic() + 60
    while c.get(f"/api/runs/{rid}").json()["progress"] < 0.12:  # the worker reports progress
        assert time.monotonic() < deadline
        time.sleep(0.2)
    r = c.post(f"/api/runs/{rid}/cancel", headers=AUTH)
    assert r.status_code == 202 and r.json()["status"] == "cancelled"
    run = c.get(f"/api/runs/{rid}").json()
    assert run["status"] == "cancelled" and run["tables"] == []
    assert c.get(f"/api/runs/{rid}/results/deliveries").status_code == 409
    assert c.post(f"/api/runs/{rid}/cancel", headers=AUTH).json()["status"] == "cancelled"
    deadline = time.monotonic() + 30
    while c.get("/api/health").json()["jobs_running"]:
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert c.post("/api/runs", json={"yaml": SCENARIO, "samples": 1}, headers=AUTH).status_code == 202


def test_a_crashing_engine_fails_its_run(with_tiny):
    c = with_tiny
    run = wait(c, c.post("/api/runs", json={"yaml": SCENARIO, "engine": "crash"}, headers=AUTH).json()["id"])
    assert run["status"] == "failed" and "synthetic engine failure" in run["error"]
    assert c.get(f"/api/runs/{run['id']}/export").status_code == 409


def test_real_engine_run_stores_the_answer_and_sensitivity(with_tiny):
    c = with_tiny
    r = c.post("/api/runs", json={"scenario": "baseline", "pack": "tiny", "samples": 5, "engine": "real", "sensitivity": True}, headers=AUTH)
    run = wait(c, r.json()["id"], timeout=180)
    assert run["status"] == "done", run
    assert {"deliveries", "programs", "binding", "sensitivity", "demand", "process", "lane"} <= set(run["tables"])
    sens = c.get(f"/api/runs/{run['id']}/results/sensitivity").json()
    # the tiny pack gives a range to two recipe quantities (us-assembly and jp-assembly metal per run)
    assert {row["assumption"] for row in sens["rows"]} == {"process_inputs us-assembly/metal quantity", "process_inputs jp-assembly/metal quantity"}
    progs = c.get(f"/api/runs/{run['id']}/results/programs").json()["rows"]
    answer = {row["program"]: row for row in c.get(f"/api/runs/{run['id']}/results/deliveries", params={"limit": 1000}).json()["rows"]}
    assert {p["program"] for p in progs} == set(answer) == {"missile-us", "missile-jp"}


def test_a_scenario_candidate_the_pack_cannot_hold_is_422_with_line_and_field(with_tiny):
    c = with_tiny
    bad = SCENARIO + "candidates:\n  - {id: x, kind: capacity, target: no-such-process, size: 1, cost: 1, currency: USD, party: US}\n"
    before = c.get("/api/scenarios").json()
    r = c.post("/api/scenarios", json={"yaml": bad}, headers=AUTH)
    assert r.status_code == 422, r.text
    p = r.json()["detail"]["problems"][0]
    assert p["field"] == "candidates[0].target" and p["line"] == bad.count("\n") and "no-such-process" in p["message"]
    assert c.get("/api/scenarios").json() == before  # nothing stored
