"""The store: packs, scenarios, jobs and runs in SQLite; results as immutable Parquet read by DuckDB.

A run's tables are written into a hidden temporary folder, flushed to disk, then
renamed into place in one step; only then does the run's row say `done`. So a
reader sees all of a run's tables or none, and a writer killed at any moment
leaves either nothing or a folder the next `open_store` removes (its job is
marked failed, because the process that claimed it is gone).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from allyforge.store import liveness
from allyforge.store.db import Database
from allyforge.store.provenance import code_version, now, who

TABLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RUN_ID = re.compile(r"^[0-9a-z-]{4,64}$")
ACTIVE = ("queued", "running")
ACTIVE_STATUSES = ACTIVE


class StoreError(ValueError):
    """Something asked of the store that it cannot give (unknown run, bad table name)."""


class UnknownRun(StoreError, KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


class RunCancelled(RuntimeError):
    """Raised inside a worker when its job's cancel flag is set."""


@dataclass(frozen=True)
class Run:
    """One run's metadata, as stored."""

    id: str
    engine: str
    status: str
    label: str | None = None
    pack_hash: str | None = None
    pack_name: str | None = None
    scenario_hash: str | None = None
    scenario_name: str | None = None
    code_version: str | None = None
    seed: int | None = None
    settings: dict = field(default_factory=dict)
    who: str | None = None
    created: str | None = None
    started: str | None = None
    finished: str | None = None
    seconds: float | None = None
    summary: dict | None = None
    error: str | None = None
    tables: list[str] = field(default_factory=list)
    progress: float | None = None
    message: str | None = None

    @classmethod
    def from_row(cls, r: Mapping[str, Any]) -> Run:
        d = dict(r)
        d["settings"] = json.loads(d.get("settings") or "{}")
        d["summary"] = json.loads(d["summary"]) if d.get("summary") else None
        d["tables"] = json.loads(d.get("tables") or "[]")
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


TableSource = pd.DataFrame | pa.Table | Iterable[pd.DataFrame]


class Store:
    """One store folder: `store.sqlite` (metadata, jobs) and `results/<run>/<table>.parquet`."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.results = self.root / "results"
        self.results.mkdir(exist_ok=True)
        self.db = Database(self.root / "store.sqlite")
        self.reaped = self.reap()

    def __repr__(self) -> str:
        return f"<Store {self.root}>"

    # --- packs and scenarios --------------------------------------------------------------
    def add_pack(self, net: Any, location: str | None = None) -> str:
        """Remember a pack by content hash (idempotent)."""
        m = net.meta
        self.db.transaction(
            lambda c: c.execute(
                "INSERT OR IGNORE INTO packs VALUES (?,?,?,?,?,?)",
                (net.content_hash, m.name, str(m.version), m.description, location, now()),
            )
        )
        return net.content_hash

    def packs(self) -> list[dict]:
        return self.db.read("SELECT * FROM packs ORDER BY name, added")

    def add_scenario(self, name: str, body: str | Mapping, pack: str | None = None, who_: str | None = None) -> str:
        """Remember a scenario's text by content hash (idempotent); returns the hash."""
        import hashlib

        text = body if isinstance(body, str) else json.dumps(body, sort_keys=True, default=str)
        h = hashlib.sha256(text.encode()).hexdigest()[:16]
        self.db.transaction(lambda c: c.execute("INSERT OR IGNORE INTO scenarios VALUES (?,?,?,?,?,?)", (h, name, pack, text, now(), who_ or who())))
        return h

    def scenarios(self) -> list[dict]:
        return self.db.read("SELECT hash, name, pack, added, who FROM scenarios ORDER BY added DESC")

    def scenario(self, key: str) -> dict:
        rows = self.db.read("SELECT * FROM scenarios WHERE hash = ? OR name = ? ORDER BY added DESC LIMIT 1", (key, key))
        if not rows:
            raise StoreError(f"no scenario {key!r} in the store")
        return rows[0]

    # --- runs: lifecycle ----------------------------------------------------------------------
    def create_run(
        self,
        engine: str,
        *,
        label: str | None = None,
        pack_hash: str | None = None,
        pack_name: str | None = None,
        scenario_hash: str | None = None,
        scenario_name: str | None = None,
        seed: int | None = None,
        settings: Mapping[str, Any] | None = None,
        who_: str | None = None,
        status: str = "running",
    ) -> str:
        """Register a run and its job, claimed by this process; returns the run id."""
        if status not in ACTIVE:
            raise StoreError(f"a new run starts queued or running, not {status!r}")
        run_id = time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)
        host, pid, start = liveness.me()
        t = now()

        def work(c):
            c.execute(
                "INSERT INTO runs (id, engine, label, pack_hash, pack_name, scenario_hash, scenario_name, code_version, seed, settings, status, who, created, started)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (run_id, engine, label, pack_hash, pack_name, scenario_hash, scenario_name, code_version(), seed,
                 json.dumps(dict(settings or {}), sort_keys=True, default=str), status, who_ or who(), t, t if status == "running" else None),
            )
            c.execute("INSERT INTO jobs VALUES (?,?,?,?,?,?,?,?,?)", (run_id, status, host, pid, start, 0.0, None, 0, t))

        self.db.transaction(work)
        return run_id

    def claim(self, run_id: str) -> None:
        """This process takes over a queued job (a worker started by the server)."""
        host, pid, start = liveness.me()
        t = now()

        def work(c):
            c.execute("UPDATE jobs SET status='running', host=?, pid=?, pid_start=?, updated=? WHERE run_id=?", (host, pid, start, t, run_id))
            c.execute("UPDATE runs SET status='running', started=? WHERE id=?", (t, run_id))

        self.db.transaction(work)

    def progress(self, run_id: str, fraction: float, message: str | None = None) -> None:
        """Record progress; raises RunCancelled when someone asked to cancel this run."""
        rows = self.db.transaction(
            lambda c: (
                c.execute("UPDATE jobs SET progress=?, message=?, updated=? WHERE run_id=?", (float(fraction), message, now(), run_id)),
                c.execute("SELECT cancel_requested FROM jobs WHERE run_id=?", (run_id,)).fetchone(),
            )[1]
        )
        if rows is not None and rows[0]:
            raise RunCancelled(run_id)

    def request_cancel(self, run_id: str) -> str:
        """Ask a queued or running job to stop; returns the run's status after asking."""
        run = self.run(run_id)
        if run.status not in ACTIVE:
            return run.status
        self.db.transaction(lambda c: c.execute("UPDATE jobs SET cancel_requested=1, updated=? WHERE run_id=?", (now(), run_id)))
        return run.status

    def cancel_requested(self, run_id: str) -> bool:
        r = self.db.read("SELECT cancel_requested FROM jobs WHERE run_id=?", (run_id,))
        return bool(r and r[0]["cancel_requested"])

    def finish_run(self, run_id: str, tables: Mapping[str, TableSource], summary: Mapping[str, Any] | None = None) -> Run:
        """Write every result table, then publish them all at once and mark the run done."""
        for name in tables:
            if not TABLE_NAME.match(name):
                raise StoreError(f"result table name {name!r} must be lower_snake_case (a-z, 0-9, _)")
        run = self.run(run_id)
        tmp = self.results / f".tmp-{run_id}-{secrets.token_hex(4)}"
        tmp.mkdir()
        try:
            for name, source in tables.items():
                self._write_table(tmp / f"{name}.parquet", source)
                if self.cancel_requested(run_id):
                    raise RunCancelled(run_id)
            _fsync_dir(tmp)
            os.rename(tmp, self.results / run_id)
            _fsync_dir(self.results)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        t = now()
        started = run.started or run.created
        seconds = (pd.Timestamp(t) - pd.Timestamp(started)).total_seconds() if started else None
        summary_text = json.dumps(_finite(json.loads(json.dumps(summary, default=_json_default))), sort_keys=True, allow_nan=False) if summary is not None else None

        def work(c) -> int:
            n = c.execute(
                "UPDATE runs SET status='done', finished=?, seconds=?, summary=?, tables=? WHERE id=? AND status IN ('queued','running')",
                (t, seconds, summary_text, json.dumps(list(tables)), run_id),
            ).rowcount
            c.execute("UPDATE jobs SET status='done', progress=1, message='done', updated=? WHERE run_id=? AND status IN ('queued','running')", (t, run_id))
            return n

        try:
            published = self.db.transaction(work)
        except BaseException:
            shutil.rmtree(self.results / run_id, ignore_errors=True)
            raise
        if not published:  # cancelled or failed by someone else while we wrote
            shutil.rmtree(self.results / run_id, ignore_errors=True)
            raise RunCancelled(run_id)
        return self.run(run_id)

    def fail_run(self, run_id: str, error: str, status: str = "failed") -> None:
        """Mark a run failed (or cancelled) and remove anything it wrote."""
        t = now()

        def work(c) -> int:
            n = c.execute("UPDATE runs SET status=?, finished=?, error=? WHERE id=? AND status IN ('queued','running')", (status, t, error, run_id)).rowcount
            c.execute("UPDATE jobs SET status=?, message=?, updated=? WHERE run_id=? AND status IN ('queued','running')", (status, error, t, run_id))
            return n

        if self.db.transaction(work):  # a run that finished meanwhile keeps its results
            self._remove_results(run_id)

    def delete_run(self, run_id: str) -> None:
        run = self.run(run_id)
        if run.status in ACTIVE and self._job_alive(run.id):
            raise StoreError(f"run {run.id} is still {run.status}; cancel it first")
        self.db.transaction(lambda c: (c.execute("DELETE FROM jobs WHERE run_id=?", (run.id,)), c.execute("DELETE FROM runs WHERE id=?", (run.id,))))
        self._remove_results(run.id)

    # --- runs: reading --------------------------------------------------------------------------
    def runs(self, engine: str | None = None, status: str | None = None, limit: int | None = None) -> list[Run]:
        sql = "SELECT runs.*, jobs.progress, jobs.message FROM runs LEFT JOIN jobs ON jobs.run_id = runs.id WHERE 1=1"
        params: list[Any] = []
        if engine:
            sql += " AND engine = ?"
            params.append(engine)
        if status:
            sql += " AND runs.status = ?"
            params.append(status)
        sql += " ORDER BY created DESC, id DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [Run.from_row(r) for r in self.db.read(sql, tuple(params))]

    def run(self, run_id: str) -> Run:
        """A run by id or by a unique prefix of its id."""
        if not RUN_ID.match(run_id or ""):
            raise UnknownRun(f"no run {run_id!r} in the store")
        rows = self.db.read(
            "SELECT runs.*, jobs.progress, jobs.message FROM runs LEFT JOIN jobs ON jobs.run_id = runs.id WHERE id = ? OR id LIKE ? ORDER BY id LIMIT 3",
            (run_id, run_id + "%"),
        )
        exact = [r for r in rows if r["id"] == run_id]
        if exact:
            return Run.from_row(exact[0])
        if len(rows) == 1:
            return Run.from_row(rows[0])
        if not rows:
            raise UnknownRun(f"no run {run_id!r} in the store")
        raise StoreError(f"run id prefix {run_id!r} is ambiguous ({', '.join(r['id'] for r in rows)}, ...)")

    def latest(self, *, scenario_name: str | None = None, engine: str | None = None) -> Run | None:
        """The newest finished run, optionally of one scenario and engine."""
        sql, params = "SELECT * FROM runs WHERE status='done'", []
        if scenario_name:
            sql += " AND (scenario_name = ? OR label = ?)"
            params += [scenario_name, scenario_name]
        if engine:
            sql += " AND engine = ?"
            params.append(engine)
        rows = self.db.read(sql + " ORDER BY finished DESC LIMIT 1", tuple(params))
        return Run.from_row(rows[0]) if rows else None

    def _done(self, run_id: str) -> Run:
        run = self.run(run_id)
        if run.status != "done":
            raise StoreError(f"run {run.id} is {run.status}; it has no results" + (f" ({run.error})" if run.error else ""))
        return run

    def table_path(self, run_id: str, table: str) -> Path:
        run = self._done(run_id)
        if table not in run.tables:
            raise StoreError(f"run {run.id} has no table {table!r}; tables: {', '.join(run.tables) or 'none'}")
        return self.results / run.id / f"{table}.parquet"

    def columns(self, run_id: str, table: str) -> dict[str, str]:
        schema = pq.read_schema(self.table_path(run_id, table))
        return {n: str(t) for n, t in zip(schema.names, schema.types)}

    def table(self, run_id: str, table: str) -> pd.DataFrame:
        return pd.read_parquet(self.table_path(run_id, table))

    def query(
        self,
        run_id: str,
        table: str,
        where: Mapping[str, Any] | None = None,
        columns: Iterable[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[pd.DataFrame, int]:
        """Rows of one result table filtered by column equality (a list means any of), paged; plus the total count."""
        import duckdb

        path = self.table_path(run_id, table)
        known = self.columns(run_id, table)
        cols = list(columns or known)
        for c in [*cols, *(where or {})]:
            if c not in known:
                raise StoreError(f"table {table!r} of run {run_id} has no column {c!r}; columns: {', '.join(known)}")
        clauses, params = [], []
        for c, v in (where or {}).items():
            vals = list(v) if isinstance(v, (list, tuple, set)) else [v]
            clauses.append(f'CAST("{c}" AS VARCHAR) IN ({", ".join("?" * len(vals))})')
            params += [str(x) for x in vals]
        cond = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        con = duckdb.connect()
        try:
            src = f"read_parquet('{_sql_str(str(path))}')"
            total = con.execute(f"SELECT count(*) FROM {src}{cond}", params).fetchone()[0]
            sel = ", ".join(f'"{c}"' for c in cols)
            page = f" LIMIT {int(limit)}" if limit is not None else ""
            page += f" OFFSET {int(offset)}" if offset else ""
            df = con.execute(f"SELECT {sel} FROM {src}{cond}{page}", params).df()
        finally:
            con.close()
        return df, int(total)

    def sql(self, query: str, **tables: tuple[str, str]) -> pd.DataFrame:
        """Run DuckDB SQL over result tables bound as views: `sql("select ...", r=(run_id, "deliveries"))`."""
        import duckdb

        con = duckdb.connect()
        try:
            for alias, (run_id, table) in tables.items():
                if not TABLE_NAME.match(alias):
                    raise StoreError(f"bad view name {alias!r}")
                con.execute(f"CREATE VIEW {alias} AS SELECT * FROM read_parquet('{_sql_str(str(self.table_path(run_id, table)))}')")
            return con.execute(query).df()
        finally:
            con.close()

    def export(self, run_id: str, out: str | Path, fmt: str = "parquet") -> list[Path]:
        """Every table of a run plus `run.json` (metadata and provenance) into a folder."""
        run = self._done(run_id)
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "run.json"]
        written[0].write_text(json.dumps(run.as_dict(), indent=1, default=str))
        if fmt == "xlsx":
            path = out / f"{run.id}.xlsx"
            with pd.ExcelWriter(path) as xw:
                for t in run.tables:
                    self.table(run.id, t).to_excel(xw, sheet_name=t[:31], index=False)
            return [*written, path]
        for t in run.tables:
            if fmt == "parquet":
                shutil.copyfile(self.table_path(run.id, t), out / f"{t}.parquet")
                written.append(out / f"{t}.parquet")
            elif fmt == "csv":
                self.table(run.id, t).to_csv(out / f"{t}.csv", index=False)
                written.append(out / f"{t}.csv")
            else:
                raise StoreError(f"unknown export format {fmt!r}: parquet, csv or xlsx")
        return written

    # --- recovery ------------------------------------------------------------------------------
    def _job_alive(self, run_id: str) -> bool:
        rows = self.db.read("SELECT host, pid, pid_start FROM jobs WHERE run_id=?", (run_id,))
        if not rows:
            return False
        r = rows[0]
        return r["host"] != liveness.HOST or liveness.alive(r["pid"], r["pid_start"])

    def reap(self) -> list[str]:
        """Mark failed every job whose process died; remove results no finished run owns."""
        stale = [
            r["run_id"]
            for r in self.db.read("SELECT run_id, host, pid, pid_start FROM jobs WHERE status IN ('queued','running')")
            if r["host"] == liveness.HOST and not liveness.alive(r["pid"], r["pid_start"])
        ]
        for run_id in stale:
            self.fail_run(run_id, "the process running this job stopped before it finished (killed or crashed)")
        status = {r["id"]: r["status"] for r in self.db.read("SELECT id, status FROM runs")}
        for d in self.results.iterdir():
            name = d.name[len(".tmp-"):].rsplit("-", 1)[0] if d.name.startswith(".tmp-") else d.name
            st = status.get(name)
            if st == "done" and not d.name.startswith(".tmp-"):
                continue
            if st in ACTIVE and self._job_alive(name):
                continue
            shutil.rmtree(d, ignore_errors=True)
        return stale

    def _remove_results(self, run_id: str) -> None:
        shutil.rmtree(self.results / run_id, ignore_errors=True)
        for d in self.results.glob(f".tmp-{run_id}-*"):
            shutil.rmtree(d, ignore_errors=True)

    @staticmethod
    def _write_table(path: Path, source: TableSource) -> None:
        if isinstance(source, pa.Table):
            # Arrow tables are large engine results: dictionary-encoded label columns are written as they are;
            # no column statistics (costly to gather, and the store's filters compare cast values, which they
            # cannot prune); no stored Arrow schema, so readers see plain strings as for tables from pandas
            pq.write_table(source, path, store_schema=False, write_statistics=False)
            with open(path, "rb+") as f:
                os.fsync(f.fileno())
            return
        chunks: Iterator[pd.DataFrame] = iter([source]) if isinstance(source, pd.DataFrame) else iter(source)
        writer: pq.ParquetWriter | None = None
        try:
            for df in chunks:
                t = pa.Table.from_pandas(_plain(df), preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(path, t.schema)
                writer.write_table(t.cast(writer.schema) if t.schema != writer.schema else t)
            if writer is None:
                raise StoreError(f"result table {path.stem!r} received no data")
        finally:
            if writer is not None:
                writer.close()
        with open(path, "rb+") as f:
            os.fsync(f.fileno())


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Index levels become columns (tidy), so every stored table is flat."""
    if not isinstance(df.index, pd.RangeIndex) or df.index.name is not None:
        df = df.reset_index()
    df = df.copy(deep=False)
    df.columns = [str(c) for c in df.columns]
    return df


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


def _finite(o: Any) -> Any:
    """NaN and infinities become null so the summary is valid JSON everywhere."""
    if isinstance(o, float):
        return o if o == o and abs(o) != float("inf") else None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_finite(v) for v in o]
    return o


def _json_default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, pd.DataFrame):
        return json.loads(o.to_json(orient="records"))
    if isinstance(o, pd.Series):
        return json.loads(o.to_json())
    return str(o)
