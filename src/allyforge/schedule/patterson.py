"""Read RCPSP instances in Patterson format (the PSPLIB J30 files) as a core Project.

Format: number of activities and of renewable resources; the capacities; then per
activity its duration, its demand on each resource, its number of successors and
their (1-based) numbers. Read as a token stream, since long successor lists wrap.
"""

from __future__ import annotations

from pathlib import Path

from allyforge.schedule.core import Mode, Project, Resource, Task


class PattersonError(ValueError):
    pass


def read_patterson(path: str | Path) -> Project:
    text = Path(path).read_text(encoding="utf-8")
    try:
        tok = [int(x) for x in text.split()]
    except ValueError as e:
        raise PattersonError(f"{path}: non-integer token ({e})") from None
    pos = 0

    def take(n: int = 1) -> list[int]:
        nonlocal pos
        if pos + n > len(tok):
            raise PattersonError(f"{path}: file ends early (token {pos + 1})")
        out = tok[pos : pos + n]
        pos += n
        return out

    n, k = take(2)
    caps = take(k)
    res = tuple(Resource(f"R{i + 1}", c) for i, c in enumerate(caps))
    tasks, prec = [], []
    for j in range(1, n + 1):
        dur = take()[0]
        dem = take(k)
        (ns,) = take()
        for s in take(ns):
            if not 1 <= s <= n:
                raise PattersonError(f"{path}: activity {j} has successor {s} outside 1..{n}")
            prec.append((str(j), str(s)))
        tasks.append(Task(str(j), dur, (Mode({f"R{i + 1}": q for i, q in enumerate(dem) if q}),)))
    horizon = sum(t.duration for t in tasks)
    return Project(tuple(tasks), res, tuple(prec), max(horizon, 1))
