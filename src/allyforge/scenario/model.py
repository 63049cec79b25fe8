"""The Scenario: a pack, a horizon, the trade rules in force, events, samples and a seed."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from allyforge.scenario.events import Event

DEFAULT_SAMPLES = 200


class TradeRuleSpec(BaseModel):
    """A trade rule a scenario adds, in the columns of the pack's trade_rules table."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    origin_country: str
    destination_country: str = "*"
    items: list[str] = Field(default_factory=lambda: ["*"])
    start: dt.date
    end: dt.date | None = None
    effect: Literal["ban", "license", "delay"] = "ban"
    end_use: Literal["military", "civil", "any"] = "any"
    fraction: float | None = Field(None, ge=0, le=1)
    delay: float | None = Field(None, ge=0)


class CandidateSpec(BaseModel):
    """A mitigation the scenario offers beside the pack's, in the columns of the pack's candidates table.

    It may only name what the pack has: a process (capacity; substitute: a candidate
    process), a candidate lane (second_source) or an item at a site (stockpile)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    kind: Literal["capacity", "second_source", "stockpile", "substitute"]
    target: str
    site: str | None = Field(None, description="Site that holds a stockpile candidate")
    size: float = Field(..., ge=0, description="Runs/period (capacity), units/period (second_source), units (stockpile), share of runs (substitute)")
    cost: float = Field(..., ge=0, description="One-time cost in `currency`")
    currency: str
    party: str
    lead_time: int = Field(0, ge=0, description="Periods from purchase to effect")
    details: str = ""
    source: list[str] = Field(default_factory=list, description="Pack source ids the figures cite")


class Rules(BaseModel):
    """Which trade rules are in force: the pack's rules started by `as_of`, minus `disable`, plus `add`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    as_of: dt.date | None = Field(None, description="Pack rules starting after this date are not in force; blank: all")
    disable: list[str] = Field(default_factory=list, description="Rule ids, or origin:CC to disable every rule of a country, or *")
    add: list[TradeRuleSpec] = Field(default_factory=list)


class Scenario(BaseModel):
    """What to evaluate. CLI flags (`--samples`, `--seed`, `--pack`) override the file via `with_overrides`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str
    description: str = ""
    pack: str | None = Field(None, description="Bundled pack name or path")
    start: str | None = Field(None, description="First period (default: the calendar's first)")
    periods: int | None = Field(None, gt=0, description="Horizon length in periods (default: to the calendar's end)")
    samples: int = Field(DEFAULT_SAMPLES, ge=1)
    seed: int = Field(0, ge=0)
    rules: Rules = Field(default_factory=Rules)
    events: list[Event] = Field(default_factory=list)
    candidates: list[CandidateSpec] = Field(default_factory=list, description="Mitigations offered beside the pack's candidates table")

    _source: str = PrivateAttr("<scenario>")
    _lines: dict[tuple, int] = PrivateAttr(default_factory=dict)

    @field_validator("start", "pack", mode="before")
    @classmethod
    def _text(cls, v: object) -> object:
        return None if v is None else str(v)

    def with_overrides(self, *, samples: int | None = None, seed: int | None = None, pack: str | None = None) -> Scenario:
        upd = {k: v for k, v in (("samples", samples), ("seed", seed), ("pack", pack)) if v is not None}
        out = self.model_copy(update=upd)
        out._source, out._lines = self._source, self._lines
        if upd:
            Scenario.model_validate(out.model_dump())  # re-check the overridden fields
        return out

    @property
    def source(self) -> str:
        return self._source

    def line_of(self, *loc: object) -> int | None:
        """Line in the scenario file of a field (e.g. `line_of("events", 0, "site")`), when loaded from YAML."""
        for n in range(len(loc), -1, -1):
            if tuple(loc[:n]) in self._lines:
                return self._lines[tuple(loc[:n])]
        return None


def json_schema_text() -> str:
    """The published JSON Schema of scenario files, as text (a test keeps docs/scenario.schema.json current)."""
    import json

    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://allyforge.org/scenario.schema.json"
    return json.dumps(schema, indent=1, sort_keys=True) + "\n"
