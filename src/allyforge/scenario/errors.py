"""Scenario problems name the file, the line and the field, like pack problems."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ScenarioProblem:
    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario failed to load, validate or resolve against its pack; `.problems` lists every problem."""

    def __init__(self, problems: list[ScenarioProblem], source: str = "") -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field or "", p.message))
        self.source = source
        lines = [f"{len(self.problems)} problem(s) in scenario {source}".rstrip()] + [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))
