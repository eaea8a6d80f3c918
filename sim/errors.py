"""The project's small family of errors, caught once at the CLI edge."""

from __future__ import annotations

from dataclasses import dataclass


class DrillError(Exception):
    """Base class of every error the project raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a scenario: ``FILE:LINE: key.path: message``."""

    source: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.path or '(top level)'}: {self.message}"


class ScenarioError(DrillError):
    """A scenario that cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class OptionError(DrillError):
    """A bad command-line option (bad --set, unknown executor, ...)."""
