"""Risk runs started from the server: the request's options, their check before any work, and the job.

A risk run reads one moment of a pack (optionally under a scenario), so it takes no
`samples`; its options are those of `allyforge risk`. They are checked in the request
through the public `allyforge.risk.from_network` (the moment risk would read: `at`,
`ttr`, `sample`), so bad input is a 422 listing the problems before a job starts. In
the job, time-to-survive runs in the job's own process (`workers=1`): the server's
`--max-jobs` is then the number of processes risk uses, and the answer is the same
for any worker count (docs/risk.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field

STAGES = 3  # risk reports progress per stage: paths, time to survive, single points (docs/risk.md, Output)


class RiskOptions(BaseModel):
    """What `allyforge risk` takes beside the pack and the scenario."""

    model_config = ConfigDict(extra="forbid")
    at: str | None = Field(None, description="Date (YYYY-MM-DD) or period whose rates and trade rules apply (default: the horizon's first period)")
    sample: int = Field(0, ge=0, description="Which of the scenario's samples supplies drawn event parameters")
    programs: list[str] | None = Field(None, description="Only these programs")
    party: str | None = Field(None, description="Only this party's programs")
    ttr: float | dict[str, float] | None = Field(None, description='Time to recover in periods: one number for every site, or {"SITE": periods, "*": periods}')
    near: float = Field(0.5, ge=0, le=1, description="A node cutting a program's maximum output by more than this share is a near single point")

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of `allyforge.risk`."""
        return self.model_dump()


def _problem(field: str, message: str) -> HTTPException:
    return HTTPException(422, {"message": f"the risk request is not valid: {message}", "problems": [{"file": "request", "line": None, "field": field, "message": message}]})


def check(network: Any, scenario: Any, options: RiskOptions) -> str:
    """422 with the problem when risk could not read this request; else the period `at` names."""
    from allyforge.risk import RiskInputError, from_network

    try:
        g = from_network(network, at=options.at, ttr=options.ttr, scenario=scenario, sample=options.sample)
    except RiskInputError as e:
        text = str(e)
        flag = text.split(" ", 1)[0]
        raise _problem(f"risk.{flag[2:]}" if flag.startswith("--") else "risk", text) from None
    known = list(g.programs.index)
    unknown = [p for p in options.programs or [] if p not in known]
    if unknown:
        raise _problem("risk.programs", f"unknown program(s) {', '.join(unknown)}; programs are {', '.join(known)}")
    parties = sorted(set(g.programs["party"]))
    if options.party is not None and options.party not in parties:
        raise _problem("risk.party", f"no program of party {options.party!r}; parties with programs: {', '.join(parties)}")
    chosen = [p for p in known if (not options.programs or p in options.programs) and (options.party is None or g.programs.loc[p, "party"] == options.party)]
    if not chosen:
        raise _problem("risk.programs", "no program left after `programs` and `party`")
    return g.at


class StageProgress:
    """Risk's per-stage progress (`stage(name, total) -> tick(n)`) as one fraction and a message."""

    def __init__(self, report: Callable[[float, str], None], stages: int = STAGES, step: float = 0.01) -> None:
        self.report, self.stages, self.step = report, stages, step
        self.started = 0

    def __call__(self, name: str, total: int) -> Callable[[int], None]:
        k = min(self.started, self.stages - 1)
        self.started += 1
        seen, last = 0, k / self.stages
        self.report(last, name)

        def tick(n: int) -> None:
            nonlocal seen, last
            seen += n
            frac = (k + (min(seen / total, 1.0) if total else 1.0)) / self.stages
            if frac - last >= self.step or seen >= total:  # one store write per percent, not per node
                last = frac
                self.report(frac, f"{name} ({seen}/{total})")

        return tick


def run(network: Any, scenario: Any = None, progress: Callable[..., None] | None = None, **options: Any) -> Any:
    """The job's engine: `allyforge.risk` in this process, reporting progress as a fraction."""
    from allyforge.risk import risk

    return risk(network, scenario=scenario, workers=1, progress=StageProgress(progress) if progress else None, **options)
