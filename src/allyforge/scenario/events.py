"""Scenario events (DESIGN: Scenarios): what a scenario changes, with fixed or drawn parameters.

Every event may carry `occurs` (a bernoulli probability, or 0/1), a `start` period
(default: the scenario's first period) and a `duration` in periods (default: to the
end of the horizon; drawn durations are rounded to whole periods). What each event
does to the arrays an engine reads is decided in `allyforge.scenario.resolve`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from allyforge.scenario.distributions import Distribution, Param


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str | None = Field(None, description="Label shown in results")
    occurs: Param = Field(1.0, description="Probability the event happens in a sample (`bernoulli: p`), or 0/1")
    start: str | None = Field(None, description="First period it applies (a period of the pack's calendar); default the scenario's start")
    duration: Param | None = Field(None, description="Periods it lasts, rounded to whole periods; default to the end of the horizon")

    @property
    def label(self) -> str:
        return self.name or self.type  # type: ignore[attr-defined]


class ExportBan(_Event):
    """Exports of the items from one country to another stop (or are licensed at `fraction`)."""

    type: Literal["export_ban"]
    origin: str = Field(description="Exporting country (ISO 3166 alpha-2)")
    destination: str = Field("*", description="Importing country, or * for any")
    items: list[str] = Field(default_factory=lambda: ["*"], description="Item ids, item groups, or *")
    end_use: Literal["military", "civil", "any"] = "any"
    fraction: Param = Field(0.0, description="Share of normal flow still licensed (0 = full ban)")


class SiteOutage(_Event):
    """A site loses `severity` of the capacity of every process it runs; stock already there can still ship."""

    type: Literal["site_outage"]
    site: str
    severity: Param = Field(1.0, description="Fraction of capacity lost (0-1)")


class CapacityChange(_Event):
    """Capacity of processes (or of every process at a site) scales by `factor` and/or grows by `delta` runs/period."""

    type: Literal["capacity_change"]
    processes: list[str] = Field(default_factory=list)
    site: str | None = None
    factor: Param = 1.0
    delta: Param = 0.0

    @model_validator(mode="after")
    def _target(self) -> CapacityChange:
        if not self.processes and not self.site:
            raise ValueError("capacity_change needs processes or site")
        return self


class DemandSurge(_Event):
    """Dated demand of the matched streams scales by `factor` and/or grows by `delta` units/period."""

    type: Literal["demand_surge"]
    items: list[str] = Field(default_factory=lambda: ["*"])
    sites: list[str] = Field(default_factory=list, description="Only these demand sites (empty: all)")
    parties: list[str] = Field(default_factory=list, description="Only these parties (empty: all)")
    factor: Param = 1.0
    delta: Param = 0.0


class DemandNoise(_Event):
    """Per-period i.i.d. draws added to (or multiplying) the matched demand; the result is truncated at 0."""

    type: Literal["demand_noise"]
    items: list[str] = Field(default_factory=lambda: ["*"])
    sites: list[str] = Field(default_factory=list)
    parties: list[str] = Field(default_factory=list)
    noise: Distribution
    mode: Literal["add", "multiply"] = "add"


class LaneCut(_Event):
    """Lanes (by id, or every lane between two sites, optionally of one item) lose `severity` of their flow."""

    type: Literal["lane_cut"]
    lanes: list[str] = Field(default_factory=list)
    origin: str | None = Field(None, description="Origin site id")
    destination: str | None = Field(None, description="Destination site id")
    item: str | None = None
    severity: Param = 1.0

    @model_validator(mode="after")
    def _target(self) -> LaneCut:
        if not self.lanes and not (self.origin or self.destination):
            raise ValueError("lane_cut needs lanes, or origin and/or destination sites")
        return self


class StockpileRelease(_Event):
    """A stockpile (a stock with policy stockpile) releases `quantity` (default all) into working stock at `start`."""

    type: Literal["stockpile_release"]
    site: str
    item: str
    quantity: Param | None = Field(None, description="Units released; default everything held")


class SecondSource(_Event):
    """A lane (typically a candidate lane) carries flow from `start`, up to `capacity` per period."""

    type: Literal["second_source"]
    lane: str
    capacity: Param | None = Field(None, description="Units per period; default the lane's own capacity (blank: unlimited)")


class Invest(_Event):
    """Buy a pack candidate at `start`; it takes effect after the candidate's lead_time."""

    type: Literal["invest"]
    candidate: str
    size: Param | None = Field(None, description="Overrides the candidate's size")


Event = Annotated[
    Union[ExportBan, SiteOutage, CapacityChange, DemandSurge, DemandNoise, LaneCut, StockpileRelease, SecondSource, Invest],
    Field(discriminator="type"),
]

EVENT_TYPES: dict[str, type[_Event]] = {
    c.model_fields["type"].annotation.__args__[0]: c  # type: ignore[union-attr]
    for c in (ExportBan, SiteOutage, CapacityChange, DemandSurge, DemandNoise, LaneCut, StockpileRelease, SecondSource, Invest)
}
