"""Which yard may take which availability, from the text of 10 U.S.C. §8680.

(a) A naval vessel homeported in the United States or Guam may not be overhauled,
    repaired or maintained in a shipyard outside the United States or Guam, other
    than for voyage repairs.
(b) For a vessel homeported outside the United States, the Navy may not, during
    the 15 months before the vessel's planned reassignment to a US homeport, begin
    work scheduled to last more than six months.
Nuclear-powered ships are excluded from Japanese commercial yards (Nikkei via the
fact base, A-07). The vessel rules apply to ships only; aircraft and engines go
wherever a depot serves their kind.

"Six months" is read as six average months (6 x 365.25 / 12 = 182.6 days): work
planned for 183 days or more is "more than six months". The 15 months are counted
back from the reassignment date by calendar months. Once the reassignment date has
passed the ship is homeported in the US, so rule (a) governs from then on.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from allyforge.schedule.data import MaintenanceData, critical_path_days, given, planned_days

US_HOMEPORTS = frozenset({"US", "GU"})


@dataclass(frozen=True)
class EligibilityRules:
    """The rules in force; what-ifs switch them off or change their numbers."""

    us_homeport_voyage_repairs_only: bool = True  # §8680(a)
    reassignment_window_months: int | None = 15  # §8680(b); None: rule off
    long_work_months: float = 6.0  # §8680(b): "scheduled for more than six months"
    nuclear_excluded_from_commercial: bool = True

    @property
    def long_work_days(self) -> int:
        """Planned days above which work is 'more than' long_work_months."""
        return math.floor(self.long_work_months * 365.25 / 12)

    def as_dict(self) -> dict[str, object]:
        return {
            "us_homeport_voyage_repairs_only": self.us_homeport_voyage_repairs_only,
            "reassignment_window_months": self.reassignment_window_months,
            "long_work_months": self.long_work_months,
            "nuclear_excluded_from_commercial": self.nuclear_excluded_from_commercial,
        }


def months_before(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) - pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class YardOption:
    """A yard an availability may go to, and the days its work may begin there."""

    yard: str
    start_windows: tuple[tuple[int, int], ...] | None = None  # [lo, hi) day ranges; None: any day


@dataclass
class Eligibility:
    options: dict[str, list[YardOption]] = field(default_factory=dict)  # availability -> yards
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)  # availability -> yard -> why not


def start_windows(
    *, abroad: bool, homeport: str | None, reassignment: dt.date | None, work: str, planned: int, rules: EligibilityRules, origin: dt.date, horizon: int
) -> tuple[tuple[tuple[int, int], ...] | None, str]:
    """Days (relative to origin) on which a ship's work abroad may begin, and why others may not."""
    if not abroad:
        return None, ""
    voyage = work == "voyage_repair"
    if homeport in US_HOMEPORTS and rules.us_homeport_voyage_repairs_only and not voyage:
        return (), f"homeported in {homeport}: only voyage repairs abroad (10 U.S.C. §8680(a))"
    if reassignment is None:
        return None, ""
    r = (reassignment - origin).days
    windows: list[tuple[int, int]] = []
    why = []
    long = planned > rules.long_work_days
    if rules.reassignment_window_months is not None and long:
        w0 = (months_before(reassignment, rules.reassignment_window_months) - origin).days
        windows.append((-10**6, w0))
        why.append(
            f"scheduled for {planned} days (> {rules.long_work_months:g} months), so it may not begin in the "
            f"{rules.reassignment_window_months} months before reassignment to a US homeport on {reassignment} "
            f"(10 U.S.C. §8680(b)), i.e. not from {origin + dt.timedelta(days=w0)}"
        )
    else:
        windows.append((-10**6, r))
    if voyage or not rules.us_homeport_voyage_repairs_only:
        windows.append((r, 10**6))
    else:
        why.append(f"from {reassignment} homeported in the US: only voyage repairs abroad (10 U.S.C. §8680(a))")
    clipped = tuple((max(lo, 0), min(hi, horizon)) for lo, hi in windows if min(hi, horizon) > max(lo, 0))
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(clipped):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged), "; ".join(why)


def eligibility(d: MaintenanceData, rules: EligibilityRules, origin: dt.date, horizon: int) -> Eligibility:
    """Each availability's candidate yards (with start windows) and the reasons the others are out."""
    out = Eligibility()
    assets = d.assets.set_index("id")
    planned = planned_days(d)
    shortest = critical_path_days(d)
    yard_rows = list(d.yards.itertuples(index=False))
    docks = d.docks
    for av in d.availabilities.itertuples(index=False):
        a = assets.loc[av.asset]
        pk = d.work_packages[d.work_packages["availability"] == av.id]
        opts, why = [], {}
        release = (av.release - origin).days
        for y in yard_rows:
            if a["kind"] not in y.serves:
                why[y.id] = f"does not serve {a['kind']}s"
                continue
            if av.yards and y.id not in av.yards:
                why[y.id] = "not among the availability's allowed yards"
                continue
            if a["kind"] == "ship" and rules.nuclear_excluded_from_commercial and bool(a["nuclear"]) and bool(y.commercial):
                why[y.id] = "nuclear-powered ships are excluded from commercial yards"
                continue
            missing = []
            for kind in sorted({k for k in pk["needs"] if given(k)}):
                ok = docks[(docks["yard"] == y.id) & (docks["kind"] == kind) & (docks["size_class"] >= a["size_class"])]
                if ok.empty:
                    missing.append(f"no {kind} of size class >= {a['size_class']}")
            if int(pk["workforce"].max()) > int(y.workforce):
                missing.append(f"needs {int(pk['workforce'].max())} workers per day, has {int(y.workforce)}")
            if missing:
                why[y.id] = "; ".join(missing)
                continue
            windows = None
            if a["kind"] == "ship":
                abroad = d.countries.get(y.site, "") not in US_HOMEPORTS
                reassign = a["reassignment"] if given(a["reassignment"]) else None
                windows, reason = start_windows(
                    abroad=abroad, homeport=a["homeport_country"], reassignment=reassign, work=av.work,
                    planned=planned[av.id], rules=rules, origin=origin, horizon=horizon,
                )
                if windows is not None:
                    last = horizon - shortest.get(av.id, 0) + 1  # latest start that still finishes in the horizon, +1
                    windows = tuple((max(lo, release), min(hi, last)) for lo, hi in windows if min(hi, last) > max(lo, release))
                    if not windows:
                        end = origin + dt.timedelta(days=horizon)
                        why[y.id] = reason + f"; no day left to begin between its release on {av.release} and the last start that ends by {end}"
                        continue
            opts.append(YardOption(y.id, windows))
        out.options[av.id] = opts
        out.reasons[av.id] = why
    return out
