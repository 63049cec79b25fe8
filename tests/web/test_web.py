"""The dashboard: login, CSRF, every page, local assets only."""

from __future__ import annotations

import re

from tests.api.helpers import AUTH, SCENARIO, wait

BAN_FORM = {
    "name": "tiny-ban-form", "pack": "tiny", "samples": "8", "seed": "5", "as_of": "2026-01-06",
    "ban_on": "1", "ban_origin": "cn", "ban_destination": "JP", "ban_items": "ore, dual_use", "ban_end_use": "any",
    "ban_start": "2026-02", "ban_duration_lo": "2", "ban_duration_hi": "4",
}


def test_login_link_is_one_time_and_sets_a_strict_httponly_cookie(client, app):
    code = app.state.auth.issue_login()
    r = client.get(f"/login/{code}", follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert r.status_code == 303 and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert client.get(f"/login/{code}").status_code == 403  # spent
    assert client.get("/login/made-up").status_code == 403


def test_forms_need_login_and_csrf(client, app):
    assert client.post("/scenarios", data=BAN_FORM).status_code == 401  # not logged in
    client.get(f"/login/{app.state.auth.issue_login()}")
    assert client.post("/scenarios", data=BAN_FORM).status_code == 403  # logged in, no CSRF token
    assert client.post("/scenarios", data={**BAN_FORM, "csrf": "forged"}).status_code == 403
    assert client.post("/runs", data={"scenario": "x"}).status_code == 403
    assert client.post("/runs/whatever/cancel", data={}).status_code == 403


def _post_forms(html: str) -> list[str]:
    return re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S)


def test_every_form_carries_the_csrf_token_and_cancel_works(browser):
    c, csrf = browser
    rid = c.post("/api/runs", json={"yaml": SCENARIO, "engine": "slow"}, headers=AUTH).json()["id"]
    saved = c.post("/scenarios", data={**BAN_FORM, "csrf": csrf, "action": "save"}).text
    pages = [c.get("/scenarios/new").text, c.get(f"/runs/{rid}").text, saved]
    for html in pages:
        forms = _post_forms(html)
        assert forms and all(f'name="csrf" value="{csrf}"' in f for f in forms)
    r = c.post(f"/runs/{rid}/cancel", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get(f"/api/runs/{rid}").json()["status"] == "cancelled"
    assert "cancelled" in c.get(f"/runs/{rid}").text


def test_scenario_builder_writes_design_format_then_runs(browser):
    c, csrf = browser
    r = c.post("/scenarios", data={**BAN_FORM, "csrf": csrf, "action": "validate"})
    assert r.status_code == 200 and "The scenario is valid" in r.text
    r = c.post("/scenarios", data={**BAN_FORM, "csrf": csrf, "action": "save"})
    assert r.status_code == 200 and "Saved scenario" in r.text
    import yaml

    text = re.search(r'<pre id="scenario-yaml">(.*?)</pre>', r.text, flags=re.S).group(1).replace("&#39;", "'").replace("&quot;", '"')
    d = yaml.safe_load(text)
    assert d["events"] == [{"type": "export_ban", "origin": "CN", "destination": "JP", "items": ["ore", "dual_use"], "end_use": "any", "start": "2026-02", "duration": {"uniform": [2.0, 4.0]}}]
    assert d["rules"] == {"as_of": "2026-01-06"} and d["samples"] == 8 and d["pack"] == "tiny"
    h = re.search(r'name="scenario" value="([0-9a-f]+)"', r.text).group(1)
    r = c.post("/runs", data={"csrf": csrf, "scenario": h, "samples": "3"}, follow_redirects=False)
    assert r.status_code == 303
    run_id = r.headers["location"].rsplit("/", 1)[1]
    live = c.get(f"/runs/{run_id}").text
    assert ('id="progress-box"' in live) or ("Required vs delivered" in live)
    run = wait(c, run_id)
    assert run["status"] == "done" and run["scenario_name"] == "tiny-ban-form" and run["who"] == "web"
    page = c.get(f"/runs/{run_id}").text
    assert 'id="chart-answer"' in page and 'id="chart-shortfall"' in page and "missile-jp" in page and "lane ore-cn-jp banned" in page


def test_scenario_builder_reports_problems(browser):
    c, csrf = browser
    r = c.post("/scenarios", data={**BAN_FORM, "csrf": csrf, "ban_start": "2031-01", "action": "save"})
    assert r.status_code == 422 and "events[0].start" in r.text
    r = c.post("/scenarios", data={**BAN_FORM, "csrf": csrf, "samples": "many"})
    assert r.status_code == 422 and "samples" in r.text
    r = c.post("/scenarios", data={**BAN_FORM, "csrf": csrf, "more_events": "- type: lane_cut\n  colour: red"})
    assert r.status_code == 422 and "colour" in r.text


def test_compare_pages_and_run_list(browser):
    c, csrf = browser
    a = wait(c, c.post("/api/runs", json={"yaml": SCENARIO, "samples": 4}, headers=AUTH).json()["id"])
    b = wait(c, c.post("/api/runs", json={"yaml": SCENARIO.replace("seed: 1", "seed: 2"), "samples": 4}, headers=AUTH).json()["id"])
    runs = c.get("/runs").text
    assert a["id"] in runs and b["id"] in runs and 'action="/compare"' in runs
    cmp = c.get("/compare", params={"a": a["id"], "b": b["id"]}).text
    assert 'id="chart-compare"' in cmp and "missile-us" in cmp and "B − A" in cmp
    assert c.get("/compare", params={"a": a["id"], "b": "20990101-000000-abcdef"}).status_code == 404
    assert c.get("/runs/20990101-000000-abcdef").status_code == 404


def test_pack_explorer_shows_the_country_to_program_sankey(client):
    assert "tiny" in client.get("/packs").text
    page = client.get("/packs/tiny").text
    assert 'id="chart-sankey"' in page and '"type":"sankey"' in page.replace(" ", "")
    for label in ("Missile (JP)", "Ore", "CN", "AU"):
        assert label in page
    assert client.get("/packs/nope").status_code == 404


def test_risk_page_appears_when_risk_results_exist(client, app):
    assert "No risk results yet" in client.get("/risk").text
    assert 'href="/risk"' not in client.get("/runs").text
    import pandas as pd

    from allyforge.store import record_run

    record_run({"exposure": pd.DataFrame({"program": ["missile-jp"], "material": ["ore"], "days_to_survive": [42.0]})}, engine="risk", store=app.state.store)
    page = client.get("/risk").text
    assert 'href="/risk"' in client.get("/runs").text
    assert "Result table: exposure" in page and "days_to_survive" in page


def test_assets_are_local_and_pages_make_no_external_requests(client):
    js = client.get("/static/plotly.min.js")
    assert js.status_code == 200 and len(js.content) > 1_000_000 and "plotly" in js.text[:2000].lower()
    assert client.get("/static/style.css").status_code == 200 and client.get("/static/app.js").status_code == 200
    assert client.get("/static/../../etc/passwd").status_code == 404
    for url in ("/runs", "/packs", "/packs/tiny", "/scenarios/new", "/risk", "/docs"):
        html = client.get(url).text
        external = re.findall(r'(?:src|href)="(https?:)?//', html)
        assert not external, (url, external)


def test_risk_page_shows_the_newest_stored_risk_run_with_its_charts(client, app):
    import allyforge
    from allyforge.store import record_run
    from tests.api.helpers import TINY

    net = allyforge.load_pack(TINY)
    older = record_run(allyforge.risk(net, at="2026-01"), network=net, label="risk as of 2026-01", store=app.state.store)
    rep = allyforge.risk(net, at="2026-03", ttr=4.0)
    newest = record_run(rep, network=net, label="risk as of 2026-03", store=app.state.store)
    page = client.get("/risk").text
    assert f'href="/runs/{newest}" id="latest-risk-run"' in page and f'href="/runs/{older}"' in page
    for div in ("chart-exposure-heatmap", "chart-material-sankey", "chart-tts-vs-ttr"):
        assert f'id="{div}"' in page
    assert "As of 2026-03 on pack tiny" in page and "<h2>Single points of failure</h2>" in page
    assert rep.tts.sort_values(["flagged", "rei", "tts"], ascending=[False, False, True])["node"].iloc[0] in page
    runs = client.get("/runs").text
    assert 'id="risk-link"' in runs and f'href="/runs/{newest}"' in runs and 'href="/risk"' in runs
    run_page = client.get(f"/runs/{newest}").text
    assert "<h2>Top risks</h2>" in run_page and 'id="chart-tts-vs-ttr"' in run_page and 'id="compare-with"' not in run_page


def test_risk_form_starts_a_risk_run(browser):
    c, csrf = browser
    assert 'action="/risk"' in c.get("/risk").text
    r = c.post("/risk", data={"csrf": csrf, "pack": "tiny", "at": "2026-03-15", "sample": "0"}, follow_redirects=False)
    assert r.status_code == 303
    run = wait(c, r.headers["location"].rsplit("/", 1)[1])
    assert run["status"] == "done" and run["engine"] == "risk" and run["who"] == "web" and run["settings"]["at"] == "2026-03-15"
    assert f'href="/runs/{run["id"]}" id="latest-risk-run"' in c.get("/risk").text
    bad = c.post("/risk", data={"csrf": csrf, "pack": "tiny", "at": "2031-01"})
    assert bad.status_code == 422 and "field risk.at" in bad.text and "outside" in bad.text
    assert c.post("/risk", data={"pack": "tiny"}).status_code == 403  # no CSRF token
