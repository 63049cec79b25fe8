"""Packs: find, read, validate and write data packs."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from allyforge.network import Network
from allyforge.pack.errors import PackError, Problem
from allyforge.pack.read import read_pack
from allyforge.pack.validate import PackMeta, validate
from allyforge.pack.write import write_pack

__all__ = ["PackError", "PackMeta", "Problem", "bundled_packs", "load_pack", "resolve_pack", "write_pack"]


def _data_dir() -> Path:
    return Path(str(resources.files(__package__).joinpath("data")))


def bundled_packs() -> dict[str, Path]:
    """Name -> folder of every pack shipped with allyforge."""
    d = _data_dir()
    return {p.name: p for p in sorted(d.iterdir()) if (p / "pack.yaml").exists()} if d.exists() else {}


def resolve_pack(name_or_path: str | Path) -> Path:
    """A bundled pack's name or a path to a pack folder or .xlsx workbook."""
    p = Path(name_or_path)
    if p.exists():
        return p
    bundled = bundled_packs()
    if str(name_or_path) in bundled:
        return bundled[str(name_or_path)]
    known = ", ".join(bundled) or "none"
    raise PackError([Problem(str(name_or_path), None, None, f"no such pack folder or file, and not a bundled pack (bundled: {known})")], str(name_or_path))


def load_pack(name_or_path: str | Path) -> Network:
    """Read and validate a pack; a pack that fails validation raises PackError."""
    path = resolve_pack(name_or_path)
    raw = read_pack(path)
    meta, tables, labels = validate(raw)
    return Network(meta, tables, labels)
