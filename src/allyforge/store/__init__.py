"""Persistence of packs, scenarios, jobs, runs and their result tables (DESIGN: Store).

`open_store()` finds the store (argument, `ALLYFORGE_STORE`, or the user's data
folder); `record_run(result, ...)` is the one call an engine's face makes to keep a
result: any engine's result becomes a set of named tidy tables plus run metadata
(`adapters`: one small adapter per engine result kind); `load_result` rebuilds the
result object from a stored run where its adapter can.
"""

from __future__ import annotations

import os
from pathlib import Path

from allyforge.store.db import StoreBusy
from allyforge.store.record import load_result, record_run, result_tables
from allyforge.store.store import ACTIVE_STATUSES, Run, RunCancelled, Store, StoreError, UnknownRun

__all__ = ["ACTIVE_STATUSES", "Run", "RunCancelled", "Store", "StoreBusy", "StoreError", "UnknownRun", "default_store_path", "load_result", "open_store", "record_run", "result_tables"]

ENV = "ALLYFORGE_STORE"


def default_store_path() -> Path:
    """`ALLYFORGE_STORE` when set, else `<user data dir>/allyforge/store`."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from platformdirs import user_data_dir

    return Path(user_data_dir("allyforge")) / "store"


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating if needed) a store; jobs left running by dead processes are marked failed."""
    return Store(path if path is not None else default_store_path())
