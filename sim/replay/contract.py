"""The event log contract (``events.csv``): its columns, its events and the state each one leaves.

One table, read by the Python side (checks, moments of the day) and handed to the page, so the
page's counters follow the same rule: an entity's state at t is given by its last event with
time <= t (in file order).
"""

from __future__ import annotations

from dataclasses import dataclass

COLUMNS = ("entity_id", "event", "event_type", "time", "resource_id", "pathway")
EVENT_TYPES = ("arrival_departure", "queue", "resource_use", "resource_use_end")
STAFF_PATHWAY, SAMPLE_PATHWAY, BACKGROUND_PATHWAY = "staff", "sample", "background"


@dataclass(frozen=True)
class Event:
    """One event of the contract: its vidigi event_type, and the state the entity is in after it."""

    name: str
    event_type: str
    state: str


EVENTS: tuple[Event, ...] = (
    Event("leave_home", "arrival_departure", "walking"),
    Event("gate_join", "queue", "gate"),  # at gate <resource_id>
    Event("gate_out", "resource_use_end", "walking"),
    Event("gate_in", "resource_use_end", "home"),
    Event("arrival", "arrival_departure", "entry_queue"),
    Event("entry_start", "resource_use", "entry_check"),
    Event("entry_end", "resource_use_end", "checked"),  # the next event follows at once
    Event("queue_join", "queue", "outside"),
    Event("zone_in", "queue", "waiting"),
    Event("station_start", "resource_use", "at_station"),  # at the registrar
    Event("swab_start", "resource_use", "at_station"),  # at the sampler
    Event("swab_end", "resource_use_end", "leaving"),
    Event("isolated", "resource_use", "isolation"),
    Event("turned_away", "arrival_departure", "gone"),
    Event("unserved", "arrival_departure", "gone"),
    Event("depart", "arrival_departure", "walking"),  # walking home, or gone (no later event)
    Event("home", "arrival_departure", "home"),
    Event("post_open", "resource_use", "on_duty"),
    Event("post_close", "resource_use_end", "off_duty"),
    Event("change_start", "queue", "changing"),
    Event("change_end", "resource_use_end", "off_duty"),
    Event("tube_sealed", "resource_use_end", "in_box"),
    Event("courier_pickup", "resource_use", "on_road"),
    Event("lab_arrival", "arrival_departure", "at_lab"),
    Event("result", "arrival_departure", "done"),
)
EVENT_NAMES = tuple(e.name for e in EVENTS)
BY_NAME = {e.name: e for e in EVENTS}
STATES = tuple(dict.fromkeys(e.state for e in EVENTS))

# events whose resource_id the page needs (which gate, lane, station or post); the others' are constant
RESOURCE_EVENTS = frozenset({
    "gate_join", "gate_out", "gate_in", "entry_start", "entry_end", "station_start", "swab_start", "swab_end",
    "post_open", "post_close", "tube_sealed",
})  # fmt: skip

# What an entity is, from its pathway and id: people (any population group, or background), staff,
# tubes, and other samples' entities (the courier).
PERSON, STAFF, TUBE, OTHER_SAMPLE = "person", "staff", "tube", "other"
KINDS = (PERSON, STAFF, TUBE, OTHER_SAMPLE)


def kind_of(entity_id: str, pathway: str) -> str:
    """person, staff, tube or other (the courier), as the contract names entities."""
    if pathway == STAFF_PATHWAY:
        return STAFF
    if pathway == SAMPLE_PATHWAY:
        return TUBE if entity_id.startswith("tube-") else OTHER_SAMPLE
    return PERSON


# Counters of the page that count entities of one kind in some states (data-zone name → kind, states);
# the contract's own are waiting, outside and isolation, besides stations-busy, swabbed and gate:<name>.
COUNTED_STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "waiting": (PERSON, ("waiting",)),
    "outside": (PERSON, ("outside",)),
    "isolation": (PERSON, ("isolation",)),
    "entry": (PERSON, ("entry_queue", "entry_check", "checked")),
    "buffer": (STAFF, ("changing",)),
    "on-duty": (STAFF, ("on_duty",)),
    "box": (TUBE, ("in_box",)),
    "road": (TUBE, ("on_road",)),
    "lab": (TUBE, ("at_lab",)),
    "results": (TUBE, ("done",)),
}
