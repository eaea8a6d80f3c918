"""The replay: a results folder's event log animated on the site's schematic, as one self-contained page."""

from .events import EventLog, ReplayError, read_events
from .page import REPLAY, Replay, build_replay

__all__ = ["REPLAY", "EventLog", "Replay", "ReplayError", "build_replay", "read_events"]
