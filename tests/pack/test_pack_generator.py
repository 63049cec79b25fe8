"""The bundled pack is exactly what tools/packgen builds: data and generator cannot drift apart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "src" / "allyforge" / "pack" / "data" / "us-japan-2026"
HAND = {"yards", "yard_closures", "docks", "assets", "availabilities", "work_packages"}


def test_generator_reproduces_the_bundled_pack(tmp_path: Path) -> None:
    out = tmp_path / "pack"
    out.mkdir()
    for t in HAND:  # hand-maintained maintenance tables are inputs to the generator's source list
        if (PACK / f"{t}.csv").exists():
            shutil.copy(PACK / f"{t}.csv", out)
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "packgen" / "build.py")], env={**os.environ, "ALLYFORGE_PACKGEN_OUT": str(out)}, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    bundled = sorted(p.name for p in PACK.iterdir() if p.is_file())
    built = sorted(p.name for p in out.iterdir() if p.is_file())
    assert built == bundled
    for name in bundled:
        assert (out / name).read_bytes() == (PACK / name).read_bytes(), f"{name} differs from the generator's output"
