"""Packs the server knows: the bundled ones and those uploaded into the store (kept by content hash)."""

from __future__ import annotations

import io
import secrets
import shutil
import zipfile
from functools import lru_cache
from pathlib import Path

from fastapi import HTTPException

from allyforge.pack import PackError, Problem, bundled_packs, load_pack
from allyforge.store import Store

MAX_UNZIPPED = 200 * 1024 * 1024


def problems_json(problems: list[Problem]) -> list[dict]:
    return [{"file": p.file, "row": p.row, "column": p.column, "message": p.message} for p in problems]


def pack_error(e: PackError) -> HTTPException:
    return HTTPException(422, {"message": f"the pack is not valid: {len(e.problems)} problem(s)", "problems": problems_json(e.problems)})


def _extract(data: bytes, dest: Path) -> Path:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise HTTPException(422, {"message": "the upload is not a valid .zip file", "problems": [{"file": "upload", "row": None, "column": None, "message": "not a zip archive"}]}) from None
    total = 0
    for info in zf.infolist():
        target = (dest / info.filename).resolve()
        if not str(target).startswith(str(dest.resolve())) or info.filename.startswith("/"):
            raise HTTPException(422, {"message": f"unsafe path in archive: {info.filename}", "problems": [{"file": info.filename, "row": None, "column": None, "message": "path leaves the pack folder"}]})
        total += info.file_size
        if total > MAX_UNZIPPED:
            raise HTTPException(413, f"the archive unpacks to more than {MAX_UNZIPPED:,} bytes")
    zf.extractall(dest)
    if (dest / "pack.yaml").exists():
        return dest
    found = [p.parent for p in dest.rglob("pack.yaml") if "__MACOSX" not in p.parts]
    if len(found) == 1:
        return found[0]
    raise HTTPException(422, {"message": "the archive holds no pack.yaml (or more than one)", "problems": [{"file": "pack.yaml", "row": None, "column": None, "message": "missing: a pack folder needs pack.yaml at its top"}]})


def save_upload(store: Store, filename: str, data: bytes) -> dict:
    """Validate an uploaded pack (.zip of a pack folder, or .xlsx); keep it in the store when valid."""
    staging = store.root / "uploads" / f".incoming-{secrets.token_hex(6)}"
    staging.mkdir(parents=True)
    try:
        name = Path(filename or "upload").name
        if name.lower().endswith(".xlsx"):
            path = staging / name
            path.write_bytes(data)
        elif name.lower().endswith(".zip"):
            path = _extract(data, staging / "pack")
        else:
            raise HTTPException(422, {"message": "upload a .zip of a pack folder or an .xlsx workbook", "problems": [{"file": name, "row": None, "column": None, "message": "unsupported file type"}]})
        try:
            net = load_pack(path)
        except PackError as e:
            raise pack_error(e) from None
        final = store.root / "packs" / net.content_hash
        folder = path.is_dir()
        if not final.exists():
            final.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path if folder else staging), str(final))
        location = final if folder else final / path.name
        store.add_pack(net, location=str(location))
        return {"hash": net.content_hash, "name": net.name, "version": str(net.meta.version), "location": str(location)}
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def all_packs(store: Store) -> list[dict]:
    out = [{"name": n, "source": "bundled", "location": str(p)} for n, p in bundled_packs().items()]
    seen = set()
    for r in store.packs():
        if r["location"] and r["hash"] not in seen:
            seen.add(r["hash"])
            out.append({"name": r["name"], "version": r["version"], "hash": r["hash"], "source": "uploaded", "location": r["location"]})
    return out


def resolve(store: Store, name: str) -> str:
    """A pack name (bundled first, then the newest upload of that name) or an uploaded pack's hash -> location."""
    bundled = bundled_packs()
    if name in bundled:
        return str(bundled[name])
    rows = [r for r in store.packs() if r["location"] and (r["hash"] == name or r["name"] == name)]
    if rows:
        return sorted(rows, key=lambda r: r["added"])[-1]["location"]
    known = ", ".join(p["name"] for p in all_packs(store)) or "none"
    raise HTTPException(422, {"message": f"unknown pack {name!r}", "problems": [{"file": "scenario", "row": None, "column": "pack", "message": f"no pack {name!r}; known: {known}"}]})


@lru_cache(maxsize=8)
def _load_cached(location: str, mtime: float):
    return load_pack(location)


def load(location: str):
    p = Path(location)
    try:
        return _load_cached(location, p.stat().st_mtime if p.exists() else 0.0)
    except PackError as e:
        raise pack_error(e) from None
