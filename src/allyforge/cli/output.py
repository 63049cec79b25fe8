"""Shared terminal output: one console, error reporting with exit codes, table helpers."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

def _width() -> int | None:
    """Terminal width when interactive; otherwise wide enough that piped tables stay whole."""
    if sys.stdout.isatty():
        return None
    cols = os.environ.get("COLUMNS", "")
    return int(cols) if cols.isdigit() else 160


console = Console(width=_width())
err_console = Console(stderr=True, width=_width())


def refresh_width() -> None:
    """Re-read the width at each invocation (the environment may differ from import time)."""
    w = _width()
    if w is not None:
        console.width = err_console.width = w

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], caption: str | None = None) -> Table:
    t = Table(title=title, caption=caption, title_justify="left", show_lines=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*[fmt(v) for v in r])
    return t


def fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:.4g}"
    if isinstance(v, (tuple, list)):
        return "; ".join(map(str, v))
    return str(v)
