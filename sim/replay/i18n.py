"""Words of the replay, in English (translations: sim/locale); zone names are the report's (sim/report/i18n.py)."""

from __future__ import annotations

from ..locale import pgettext
from ..report.i18n import t as report_t

TEXT: dict[str, str] = {
    "title": "Replay of the day",
    "subtitle": "Replication {k} of the simulated day · seed {seed} · site opens {open}",  # fmt: skip
    "play": "Play",
    "pause": "Pause",
    "speed": "Speed",
    "speed_opt": "{m} min per second",
    "speed_opt_s": "{s} s per second",
    "time": "Time of day",
    "back": "−5 min",
    "forward": "+5 min",
    "moments": "Jump to",
    "curve": "People queuing at the site over the day (entry check, outside, waiting zone)",  # fmt: skip
    "curve_gates": "at the gates",
    "gates": "Gates (卡口)",
    "gates_sub": "people queuing at each gate, both ways",
    "walking": "walking to and from the site",
    "arriving": "arriving",
    "lane": "lane {n}",
    "outside": "Queue outside the\nwaiting zone",
    "stations": "Sampling stations",
    "stations_busy": "busy",
    "station_n": "{n}",
    "registrar": "registrar",
    "sampler": "sampler",
    "closed": "closed: staff change",
    "closed_count": "closed",
    "no_sampler": "closed: no sampler",
    "no_registrar": "closed: no registrar",
    "on_duty": "staff on duty",
    "changing": "changing",
    "swabbed": "swabbed",
    "boxes": "Sealed tubes\nin boxes",
    "box_capacity": "{n} tubes per box",
    "courier": "Courier",
    "trips": "trips",
    "on_road": "tubes on the road",
    "lab": "Lab",
    "at_lab": "tubes at the lab",
    "results": "results out",
    "more": "+{n} more",
    "capacity_of": "of {n}",
    "legend": "Legend",
    "legend_staff": "staff",
    "legend_tube": "tubes",
    "legend_background": "everyday gate traffic",
    "legend_closed": "post closed",
    "read": (
        "Each dot is a person (colour: group). Press Play, or drag the time; a link such as "
        "replay.html#t=09:30 opens paused at that moment. The numbers count everyone at that moment; "
        "where a zone is too full to draw, the rest are summed up (+n more)."
    ),  # fmt: skip
    "source": (
        "Drawn from events.csv of the results folder (replication {k}, {rows} events): the state of "
        "everyone at a moment is their last event at or before it. The courier's way back takes as long "
        "as the way out (it has no event of its own)."
    ),  # fmt: skip
    "several_sites": "all sites together",
    "error": "The replay could not start: {message}",
    # moments of the day (deep links)
    "m_open": "Site opens",
    "m_peak": "Most people queuing at the site: {n} ({outside} outside the waiting zone)",  # fmt: skip
    "m_peak_inside": "Most people queuing at the site: {n}",
    "m_full": "Waiting zone full ({n} people)",
    "m_gate": "Longest gate queue: {gate}, {n} people",
    "m_change": "First staff change at a post",
    "m_closed": "Station {n} closes: no {role} on duty",
    "m_courier": "Courier leaves with {n} tubes",
    "m_last": "Last swab",
}

GROUPS: dict[str, str] = {
    "adult": "adults",
    "elderly": "elderly",
    "child": "children",
    "children": "children",
    "background": "everyday gate traffic",
}


def t(key: str, lang: str, **values: object) -> str:
    """The replay's text for `key` in `lang` (or the report's, for the zone names), placeholders filled."""
    if key not in TEXT:
        return report_t(key, lang, **values)
    text = pgettext(f"replay.{key}", TEXT[key], lang)
    return text.format(**values) if values else text


def group_label(name: str, lang: str) -> str:
    """A population group's name for the legend (the scenario's own name where none is known)."""
    return pgettext(f"replay.group.{name}", GROUPS[name], lang) if name in GROUPS else name
