"""A pack's calendar: months (`YYYY-MM`) or ISO weeks (`YYYY-Www`) between two periods.

Per-period figures are per period of this calendar; dated things (trade rules) map
onto periods pro rata by days, which is why every period knows its first and last day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class CalendarError(ValueError):
    pass


@dataclass(frozen=True)
class Calendar:
    kind: str  # "month" or "week"
    start: str
    end: str
    _labels: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in ("month", "week"):
            raise CalendarError(f"calendar kind must be 'month' or 'week', not {self.kind!r}")
        a, b = self.first_day(self.start), self.first_day(self.end)
        if b < a:
            raise CalendarError(f"calendar end {self.end} precedes start {self.start}")
        labels = []
        d = a
        while d <= b:
            labels.append(self.label_of(d))
            d = self._next_start(d)
        object.__setattr__(self, "_labels", tuple(labels))

    # --- parsing -----------------------------------------------------------------
    def first_day(self, label: str) -> dt.date:
        label = str(label).strip()
        if self.kind == "month":
            m = _MONTH.match(label)
            if not m or not 1 <= int(m.group(2)) <= 12:
                raise CalendarError(f"{label!r} is not a month period (YYYY-MM)")
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
        m = _WEEK.match(label)
        if not m:
            raise CalendarError(f"{label!r} is not an ISO week period (YYYY-Www)")
        try:
            return dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        except ValueError as e:
            raise CalendarError(f"{label!r} is not an ISO week: {e}") from None

    def label_of(self, day: dt.date) -> str:
        if self.kind == "month":
            return f"{day.year:04d}-{day.month:02d}"
        y, w, _ = day.isocalendar()
        return f"{y:04d}-W{w:02d}"

    def _next_start(self, d: dt.date) -> dt.date:
        if self.kind == "month":
            return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return d + dt.timedelta(days=7)

    # --- the periods -------------------------------------------------------------
    @property
    def periods(self) -> tuple[str, ...]:
        return self._labels

    def __len__(self) -> int:
        return len(self._labels)

    @cached_property
    def _pos(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self._labels)}

    def index(self, label: str) -> int:
        """Position of a period; raises CalendarError when outside the calendar."""
        try:
            return self._pos[str(label).strip()]
        except KeyError:
            self.first_day(label)  # raises for malformed labels
            raise CalendarError(f"period {label} is outside the calendar {self.start}..{self.end}") from None

    def contains(self, label: str) -> bool:
        return str(label).strip() in self._pos

    @cached_property
    def starts(self) -> np.ndarray:
        """First day of each period, as datetime64[D]."""
        return np.array([self.first_day(p) for p in self._labels], dtype="datetime64[D]")

    @cached_property
    def ends_exclusive(self) -> np.ndarray:
        return np.array([self._next_start(self.first_day(p)) for p in self._labels], dtype="datetime64[D]")

    @property
    def days(self) -> np.ndarray:
        return (self.ends_exclusive - self.starts).astype(np.int64)

    @property
    def first_date(self) -> dt.date:
        return self.first_day(self.start)

    @property
    def end_date_exclusive(self) -> dt.date:
        return self._next_start(self.first_day(self.end))

    def period_of_date(self, day: dt.date) -> int | None:
        """Position of the period holding `day`, or None when outside the calendar."""
        return self._pos.get(self.label_of(day))

    def window_fraction(self, start: dt.date | None, end: dt.date | None) -> np.ndarray:
        """Share of each period's days inside [start, end] (inclusive dates; None = open)."""
        s = np.datetime64(start, "D") if start else self.starts[0]
        e = np.datetime64(end, "D") + 1 if end else self.ends_exclusive[-1]
        lo = np.maximum(self.starts, s)
        hi = np.minimum(self.ends_exclusive, e)
        overlap = np.clip((hi - lo).astype(np.int64), 0, None)
        return overlap / self.days

    def fiscal_year(self, label: str, start_month: int, named_by: str) -> int:
        """Fiscal year a period falls in for a party (US: Oct start, named by end year)."""
        d = self.first_day(label)
        start_year = d.year if d.month >= start_month else d.year - 1
        if start_month == 1:
            return d.year
        return start_year if named_by == "start" else start_year + 1

    def per_period_from_annual(self, annual: float) -> np.ndarray:
        """An annual rate as a per-period figure, by calendar days (DESIGN: Time)."""
        days_in_year = np.array([366 if _leap(self.first_day(p).year) else 365 for p in self._labels])
        return annual * self.days / days_in_year


def _leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
