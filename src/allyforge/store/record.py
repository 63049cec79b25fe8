"""`record_run`: the one call that turns any engine's result into a stored run; `load_result` reads it back.

An engine result is stored as named tidy tables. The result's adapter
(`allyforge.store.adapters`, one per engine result kind) says which; a result no
adapter knows is asked, in order, for `to_tables()` (name -> frame), a `tables`
mapping, or `to_frame()` (one table named `results`); a plain mapping of frames
works too. The adapter's summary, or the result's own `summary()` (a dict or a
frame), is kept as the run summary. The pack's sources and assumptions are stored
beside the results so a report can cite them without the pack at hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from allyforge.store.store import Store, TableSource


def result_tables(result: Any, summary: dict | None = None) -> dict[str, TableSource]:
    from allyforge.store.adapters import adapter_for

    adapter = adapter_for(result)
    if adapter is not None:
        tables = adapter.tables(result, summary)
    elif hasattr(result, "to_tables"):
        tables = dict(result.to_tables())
    elif isinstance(getattr(result, "tables", None), Mapping):
        tables = dict(result.tables)
    elif isinstance(result, Mapping):
        tables = dict(result)
    elif hasattr(result, "to_frame"):
        tables = {"results": result.to_frame()}
    else:
        raise TypeError(f"cannot store a {type(result).__name__}: it has no to_tables(), tables or to_frame()")
    return tables


def result_summary(result: Any) -> dict | None:
    from allyforge.store.adapters import adapter_for

    adapter = adapter_for(result)
    if adapter is not None and adapter.summary is not None:
        return adapter.summary(result)
    s = getattr(result, "summary", None)
    if s is None or isinstance(result, Mapping):
        return None
    s = s() if callable(s) else s
    if isinstance(s, pd.DataFrame):
        return {"table": json.loads(s.reset_index().to_json(orient="records", date_format="iso"))}
    if isinstance(s, Mapping):
        return dict(s)
    if hasattr(s, "model_dump"):
        return s.model_dump(mode="json")
    if hasattr(s, "to_dict"):
        return s.to_dict()
    return {"text": str(s)}


def scenario_text(scenario: Any) -> tuple[str, str]:
    """(name, canonical text) of a scenario given as a model, a mapping, a YAML path or YAML text."""
    if scenario is None:
        return "", ""
    if hasattr(scenario, "model_dump"):
        d = scenario.model_dump(mode="json")
        return str(d.get("name", "")), json.dumps(d, sort_keys=True, default=str)
    if isinstance(scenario, Mapping):
        return str(scenario.get("name", "")), json.dumps(dict(scenario), sort_keys=True, default=str)
    p = Path(str(scenario))
    if "\n" not in str(scenario) and p.exists():
        import yaml

        d = yaml.safe_load(p.read_text())
        return str(d.get("name", p.stem)), json.dumps(d, sort_keys=True, default=str)
    return str(scenario), str(scenario)


def pack_context(network: Any) -> dict[str, pd.DataFrame]:
    """The pack facts a report cites: sources (with uncertain flags), assumptions, trade rules."""
    out: dict[str, pd.DataFrame] = {}
    src = network.table("sources").reset_index()
    for c in src.columns:
        if src[c].dtype == object:
            src[c] = src[c].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    out["pack_sources"] = src.astype({c: "string" for c in src.columns if src[c].dtype == object})
    a = network.assumptions()
    if len(a):
        a = a.assign(key=a["key"].astype(str), value=pd.to_numeric(a["value"], errors="coerce"))
        out["pack_assumptions"] = a
    from allyforge.pack import summary

    rules = summary.rules(network)
    if len(rules):
        out["pack_rules"] = rules.astype({c: "string" for c in rules.columns if rules[c].dtype == object})
    return out


def record_run(
    result: Any,
    *,
    engine: str | None = None,
    network: Any = None,
    scenario: Any = None,
    seed: int | None = None,
    settings: Mapping[str, Any] | None = None,
    label: str | None = None,
    store: Store | str | Path | None = None,
    who: str | None = None,
    run_id: str | None = None,
    summary: Mapping[str, Any] | None = None,
) -> str:
    """Store an engine result (tables + summary + provenance); returns the run id.

    `engine` defaults to the result's adapter's engine. `settings` (the request as the
    caller made it) are laid over what the adapter reads from the result. Pass `run_id`
    when the run was already created (a server job); otherwise the run is created here.
    Pass `summary` when the caller already has it (saves recomputing it). A failure
    while writing leaves no result rows and marks the run failed.
    """
    from allyforge.store import open_store
    from allyforge.store.adapters import adapter_for

    adapter = adapter_for(result)
    engine = engine or (adapter.engine if adapter is not None else None)
    if not engine:
        raise TypeError(f"record_run: name the engine of a {type(result).__name__} (engine=...)")
    if adapter is not None and adapter.settings is not None:
        settings = {**adapter.settings(result), **(settings or {})}
    if seed is None and adapter is not None and adapter.seed is not None:
        seed = adapter.seed(result)
    st = store if isinstance(store, Store) else open_store(store)
    pack_hash = pack_name = None
    if network is not None:
        pack_hash = st.add_pack(network)
        pack_name = network.name
    scen_name, scen_text = scenario_text(scenario)
    scen_hash = st.add_scenario(scen_name or "unnamed", scen_text, pack_name, who) if scen_text else None
    if seed is None and scenario is not None:
        seed = getattr(scenario, "seed", None) if not isinstance(scenario, Mapping) else scenario.get("seed")
    if run_id is None:
        run_id = st.create_run(
            engine, label=label or scen_name or None, pack_hash=pack_hash, pack_name=pack_name, scenario_hash=scen_hash,
            scenario_name=scen_name or None, seed=seed, settings=settings, who_=who,
        )
    else:
        _attach(st, run_id, pack_hash, pack_name, scen_hash, scen_name or None, seed, settings)
    try:
        summary = dict(summary) if summary is not None else result_summary(result)
        tables = result_tables(result, summary)
        if network is not None:
            for k, v in pack_context(network).items():
                tables.setdefault(k, v)
        st.finish_run(run_id, tables, summary)
    except BaseException as e:
        st.fail_run(run_id, f"storing the result failed: {type(e).__name__}: {e}")
        raise
    return run_id


def load_result(store: Store, run: Any) -> Any | None:
    """A finished run's result object rebuilt from its tables (risk: the RiskReport), or None
    when its engine's adapter cannot rebuild one or the run lacks the tables it needs."""
    from allyforge.store.adapters import adapter_of_engine

    run = store.run(run) if isinstance(run, str) else run
    adapter = adapter_of_engine(run.engine)
    if run.status != "done" or adapter is None or adapter.load is None or not set(adapter.needs) <= set(run.tables):
        return None
    return adapter.load(StoredTables(store, run), run.summary or {})


class StoredTables(Mapping):
    """A run's tables by name, each read from its Parquet file when first asked for."""

    def __init__(self, store: Store, run: Any) -> None:
        self.store, self.run, self._read = store, run, {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self.run.tables:
            raise KeyError(name)
        if name not in self._read:
            self._read[name] = self.store.table(self.run.id, name)
        return self._read[name]

    def __iter__(self):
        return iter(self.run.tables)

    def __len__(self) -> int:
        return len(self.run.tables)


def _attach(st: Store, run_id: str, pack_hash, pack_name, scen_hash, scen_name, seed, settings) -> None:
    def work(c):
        c.execute(
            "UPDATE runs SET pack_hash=COALESCE(?, pack_hash), pack_name=COALESCE(?, pack_name), scenario_hash=COALESCE(?, scenario_hash),"
            " scenario_name=COALESCE(?, scenario_name), seed=COALESCE(?, seed) WHERE id=?",
            (pack_hash, pack_name, scen_hash, scen_name, seed, run_id),
        )
        if settings:
            c.execute("UPDATE runs SET settings=? WHERE id=?", (json.dumps(dict(settings), sort_keys=True, default=str), run_id))

    st.db.transaction(work)

