"""Constants and helpers shared by the API and dashboard tests."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path


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
ENGINES = {"simulate": "tests.api.synthetic_engine:simulate", "slow": "tests.api.synthetic_engine:slow", "crash": "tests.api.synthetic_engine:crash", "real": "allyforge:simulate", "risk": "allyforge.api.risk_runs:run"}


def pack_zip(folder: Path = TINY, edit: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                rel = f.relative_to(folder).as_posix()
                zf.writestr(f"tiny/{rel}", (edit or {}).get(rel, f.read_bytes()))
    return buf.getvalue()




def wait(client, run_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = client.get(f"/api/runs/{run_id}").json()
        if run["status"] not in ("queued", "running"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} did not finish in {timeout}s")
