"""What the community recorded: one row per gate passage, one per actor (resident, visitor, returnee).

Compact columns, like the site's records; checkpoint KPIs are pure functions of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# gate passage outcomes (PENDING: still queued or being checked when the replication stopped)
PENDING, PASSED, REDIRECTED, REFERRED, HELD = 0, 1, 2, 3, 4
PASSAGE_OUTCOMES = {PENDING: "pending", PASSED: "passed", REDIRECTED: "redirected", REFERRED: "referred",
                    HELD: "held"}  # fmt: skip
OUT, IN = 0, 1  # directions: leaving the courtyard, coming in

# actor kinds
RESIDENT, BACKGROUND, RETURNEE = 0, 1, 2


class GateLog:
    """Gate passages as plain lists (fast appends while simpy runs)."""

    def __init__(self) -> None:
        self.gate: list[int] = []
        self.direction: list[int] = []
        self.actor: list[int] = []
        self.join: list[float] = []
        self.start: list[float] = []
        self.end: list[float] = []
        self.outcome: list[int] = []

    def joined(self, gate: int, direction: int, actor: int, t: float) -> int:
        """A new passage: someone joined the gate's queue at t; returns its row."""
        self.gate.append(gate)
        self.direction.append(direction)
        self.actor.append(actor)
        self.join.append(t)
        self.start.append(float("nan"))
        self.end.append(float("nan"))
        self.outcome.append(PENDING)
        return len(self.gate) - 1

    def columns(self) -> dict[str, np.ndarray]:
        return {
            "gate": np.asarray(self.gate, dtype=np.int32),
            "direction": np.asarray(self.direction, dtype=np.int8),
            "actor": np.asarray(self.actor, dtype=np.int32),
            "join": np.asarray(self.join, dtype=float),
            "start": np.asarray(self.start, dtype=float),
            "end": np.asarray(self.end, dtype=float),
            "outcome": np.asarray(self.outcome, dtype=np.int8),
        }


@dataclass(frozen=True)
class CommunityRecords:
    """One replication's gate passages and actors (times in seconds since midnight).

    actors: kind, courtyard, site_row (-1: never needs the site), leave (left home or reached
    the gate from outside), home (back home; NaN if not), sampled, no_proof (bool), gate.
    """

    gate_names: tuple[str, ...]
    passages: dict[str, np.ndarray]
    actors: dict[str, np.ndarray]
    control: str
    uncalled: int  # call-up buildings never called (feedback stops calling at closing time)
