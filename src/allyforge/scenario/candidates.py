"""Candidates a scenario offers beside the pack's: checked against the pack, then merged.

Engines read candidates from `network.table("candidates")`; `network_for` hands them a
Network whose candidates table holds the pack's rows and the scenario's, so `invest`
events, the optimizer's portfolio and the store all see one list. The scenario's rows
may only name what the pack has (the pack keeps the lanes and processes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from allyforge.scenario.errors import ScenarioError, ScenarioProblem

if TYPE_CHECKING:
    from allyforge.network import Network
    from allyforge.scenario.model import Scenario

# kind -> (table the target is in, status the target must have, or None)
TARGETS = {"capacity": ("processes", None), "substitute": ("processes", "candidate"), "second_source": ("lanes", "candidate"), "stockpile": ("items", None)}


def candidate_problems(net: Network, sc: Scenario) -> list[ScenarioProblem]:
    """Every way the scenario's candidates do not fit the pack, with line and field."""
    out: list[ScenarioProblem] = []

    def add(i: int, field: str, msg: str) -> None:
        out.append(ScenarioProblem(sc.source, sc.line_of("candidates", i, field), f"candidates[{i}].{field}", msg))

    pack = net.table("candidates")
    seen: set[str] = set()
    parties = set(net.table("parties").index)
    currencies = set(net.table("rates").index.get_level_values("currency")) | {net.base_currency}
    sources = set(net.table("sources").index)
    for i, c in enumerate(sc.candidates):
        if c.id in pack.index and not _same(pack.loc[c.id], c):
            add(i, "id", f"{c.id!r} is already a candidate of pack {net.name}")
        elif c.id in seen:
            add(i, "id", f"{c.id!r} appears twice")
        seen.add(c.id)
        table, status = TARGETS[c.kind]
        rows = net.table(table)
        if c.target not in rows.index:
            add(i, "target", f"kind {c.kind} needs a {table.rstrip('s')} id of the pack; {c.target!r} is not one")
        elif status is not None and str(rows.loc[c.target, "status"]) != status:
            add(i, "target", f"{c.target!r} must have status {status} in the pack to be bought as {c.kind}")
        if c.kind == "stockpile":
            if c.site is None:
                add(i, "site", "a stockpile candidate needs the site that holds it")
            elif c.site not in net.table("sites").index:
                add(i, "site", f"unknown site {c.site!r}")
        if c.party not in parties:
            add(i, "party", f"unknown party {c.party!r}; parties: {', '.join(sorted(parties))}")
        if c.currency not in currencies:
            add(i, "currency", f"no rates for currency {c.currency!r}; known: {', '.join(sorted(currencies))}")
        for j, s in enumerate(c.source):
            if s not in sources:
                add(i, "source", f"source[{j}] {s!r} is not a row of the pack's sources")
    return out


def _row(c) -> dict:  # type: ignore[no-untyped-def]
    """A scenario candidate as a row of the candidates table."""
    return {**c.model_dump(exclude={"source", "site"}), "site": c.site if c.site is not None else float("nan"), "source": tuple(c.source)}


def _same(row: pd.Series, c) -> bool:  # type: ignore[no-untyped-def]
    """The pack already holds this candidate exactly (a scenario merged before, e.g. an exported portfolio)."""
    for k, v in _row(c).items():
        if k == "id":
            continue
        if isinstance(v, float) and pd.isna(v):
            if not pd.isna(row[k]):
                return False
        elif row[k] != v:
            return False
    return True


def network_for(net: Network, sc: Scenario) -> Network:
    """`net` itself when the scenario offers no candidates (or they are in it already), else a Network with them merged in."""
    problems = candidate_problems(net, sc)
    if problems:
        raise ScenarioError(problems, sc.source)
    new = [c for c in sc.candidates if c.id not in net.table("candidates").index]
    if not new:
        return net
    from allyforge.network import Network

    tables = {name: net.table(name).reset_index() for name in net}
    rows = [_row(c) for c in new]
    pack = tables["candidates"]
    extra = pd.DataFrame(rows).reindex(columns=pack.columns)
    tables["candidates"] = pd.concat([pack, extra], ignore_index=True).astype(pack.dtypes.to_dict())
    return Network(net.meta, tables, {n: net.file_of(n) for n in net})
