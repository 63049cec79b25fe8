"""Run metadata in SQLite: WAL, one short transaction per call, bounded retry.

Why this shape: the CLI and `allyforge serve` write at the same time. SQLite in WAL
mode lets readers run beside one writer; every call opens a connection, does its
work inside one transaction, commits and closes, so no process holds a lock while it
computes. A writer that meets a lock waits (busy timeout) and retries a bounded
number of times before it gives up with a clear error.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS packs (
    hash TEXT PRIMARY KEY, name TEXT NOT NULL, version TEXT NOT NULL,
    description TEXT, location TEXT, added TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scenarios (
    hash TEXT PRIMARY KEY, name TEXT NOT NULL, pack TEXT, body TEXT NOT NULL,
    added TEXT NOT NULL, who TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY, engine TEXT NOT NULL, label TEXT,
    pack_hash TEXT, pack_name TEXT, scenario_hash TEXT, scenario_name TEXT,
    code_version TEXT, seed INTEGER, settings TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL, who TEXT, created TEXT NOT NULL, started TEXT, finished TEXT,
    seconds REAL, summary TEXT, error TEXT, tables TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS jobs (
    run_id TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    status TEXT NOT NULL, host TEXT NOT NULL, pid INTEGER NOT NULL, pid_start TEXT,
    progress REAL NOT NULL DEFAULT 0, message TEXT, cancel_requested INTEGER NOT NULL DEFAULT 0,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_created ON runs(created);
"""


class StoreBusy(RuntimeError):
    """The store stayed locked by other writers longer than the retry budget."""


class Database:
    """A path to an SQLite file plus the discipline for touching it."""

    def __init__(self, path: Path, busy_timeout_s: float = 5.0, retries: int = 8) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.retries = retries
        self.transaction(lambda c: [c.execute(stmt) for stmt in DDL.split(";") if stmt.strip()])
        self.transaction(lambda c: c.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)))

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=self.busy_timeout_s, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("PRAGMA foreign_keys=ON")
        return con

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")
            yield con
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    def transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one write transaction; retry a bounded number of times on lock."""
        for attempt in range(self.retries + 1):
            try:
                with self._tx() as con:
                    return work(con)
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise
                if attempt == self.retries:
                    raise StoreBusy(f"store {self.path} stayed locked after {self.retries + 1} attempts: {e}") from e
                time.sleep(min(2.0, 0.05 * 2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def read(self, sql: str, params: tuple = ()) -> list[dict]:
        con = self._connect()
        try:
            return [dict(r) for r in con.execute(sql, params).fetchall()]
        finally:
            con.close()
