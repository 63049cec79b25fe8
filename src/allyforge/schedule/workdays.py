"""Working-day calendars on the scheduler's day grid: work pauses over holidays.

A task of d working days that starts on a working day s ends (exclusive) on the day
after its d-th working day, so its elapsed span is d plus the holidays it spans. It
holds its dock the whole span and uses its crew only on working days. Starts are
working days and a task never ends on a holiday, which keeps a yard's crew limit
exact when every day of the span is counted: any task in progress on a holiday is
also in progress on the last working day before it (see docs/schedule.md).

The model needs the span as a linear function of the start, so `stretch` groups the
allowed starts by the number of holidays the span covers: few groups for a calendar
of holiday blocks (New Year, Golden Week, Obon), one literal per group in CP-SAT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class WorkCalendar:
    """Days 0..horizon-1; the days in `holidays` do no work."""

    horizon: int
    holidays: frozenset[int] = field(default_factory=frozenset)

    @cached_property
    def working(self) -> np.ndarray:
        w = np.ones(self.horizon, dtype=bool)
        days = [h for h in self.holidays if 0 <= h < self.horizon]
        w[days] = False
        return w

    @cached_property
    def _count(self) -> np.ndarray:
        """_count[t] = working days in [0, t)."""
        return np.concatenate([[0], np.cumsum(self.working)])

    @cached_property
    def _position(self) -> np.ndarray:
        """_position[k] = the day of the k-th working day (0-based)."""
        return np.flatnonzero(self.working)

    def ends(self, duration: int) -> np.ndarray:
        """ends[t]: exclusive end of `duration` working days started on day t, for
        every t in 0..horizon-1; horizon + 1 where t is a holiday or the work would not
        end by the horizon."""
        H = self.horizon
        out = np.full(H, H + 1, dtype=np.int64)
        if duration == 0:
            out[self.working] = np.flatnonzero(self.working)
            return out
        k = self._count[:H] + duration - 1  # index of the last working day
        pos = self._position
        ok = self.working & (k < len(pos))
        out[ok] = pos[k[ok]] + 1
        return out

    def end(self, start: int, duration: int) -> int | None:
        """Exclusive end of work started on `start`, None if not a working day or past the horizon."""
        if not 0 <= start < self.horizon:
            return None
        e = int(self.ends(duration)[start])
        return e if e <= self.horizon else None

    def stretch(self, duration: int, lo: int, hi: int) -> dict[int, list[tuple[int, int]]]:
        """Allowed starts in [lo, hi] grouped by the holidays their span covers:
        {extra days: [(first, last) inclusive start ranges]}."""
        lo, hi = max(lo, 0), min(hi, self.horizon - 1)
        if hi < lo:
            return {}
        e = self.ends(duration)[lo : hi + 1]
        t = np.arange(lo, hi + 1)
        valid = e <= self.horizon
        extra = np.where(valid, e - t - duration, -1)
        out: dict[int, list[tuple[int, int]]] = {}
        run_start = None
        for i in range(len(t) + 1):
            here = int(extra[i]) if i < len(t) else -2
            if run_start is not None and (here != int(extra[run_start])):
                x = int(extra[run_start])
                if x >= 0:
                    out.setdefault(x, []).append((int(t[run_start]), int(t[i - 1])))
                run_start = None
            if run_start is None and i < len(t):
                run_start = i
        return out

    @property
    def every_day(self) -> bool:
        return not any(0 <= h < self.horizon for h in self.holidays)
