"""Pack problems: every one names its file (or sheet), row and column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # header = row 1; None for whole-file problems
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class PackError(ValueError):
    """A pack failed to load or validate; `.problems` lists every problem found."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
        self.source = source
        head = f"{len(self.problems)} problem(s) in pack {source}".rstrip()
        lines = [head] + [f"  {p}" for p in self.problems[:200]]
        if len(self.problems) > 200:
            lines.append(f"  ... and {len(self.problems) - 200} more")
        super().__init__("\n".join(lines))
