"""Variants of a plan: a scenario with keys changed by dotted path, and the staff that come with its posts.

A planner who adds a station adds its sampler and its registrar with their reliefs, and room for them to
change. `plan_variant` does the same: where a change alters a role's posts (stations for samplers and
registrars, entry lanes for entry checkers) and the role's roster is a fixed number, the variant's roster
becomes ``auto``, the people the new posts need to rotate without closing; and the buffer zone keeps the
file's changing places per post on duty (4 places for 14 posts → 13 for 44). ``staff="fixed"`` keeps the
file's rosters and buffer zone instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Literal

from ..scenario import Scenario, scenario_from_data
from ..scenario.staffing import posts, staffing_plan

StaffMode = Literal["follow", "fixed"]
ROLE_NAMES = {"sampler": ("sampler", "samplers"), "registrar": ("registrar", "registrars"),
              "entry_checker": ("entry checker", "entry checkers"), "marshal": ("marshal", "marshals")}  # fmt: skip


def variant(scenario: Scenario, changes: Mapping[str, Any], source: str = "<variant>") -> Scenario:
    """A copy of `scenario` with values changed by dotted key path, validated again.

    `variant(s, {"site.sampling.stations": 8, "arrivals.callup.interval": "15min"})`.
    Raises ScenarioError (naming the key path) if the result is not a valid scenario.
    """
    data = scenario.model_dump(mode="json")
    overrides = [f"{key}={json.dumps(value, ensure_ascii=False, default=_plain)}" for key, value in changes.items()]
    return scenario_from_data(data, source, overrides)


def posts_on_duty(scenario: Scenario) -> int:
    """Posts held at once by every rotated role (stations twice: sampler and registrar)."""
    return sum(posts(scenario, name) for name in scenario.staff.roles()) if scenario.staff is not None else 0


def _plain(value: Any) -> Any:
    """A numpy scalar (as read from a pandas table) as the Python number it holds."""
    item = getattr(value, "item", None)
    if callable(item):
        return item()
    raise TypeError(f"{value!r} is not a scenario value")


def staff_changes(base: Scenario, changed: Scenario) -> dict[str, Any]:
    """Changes that bring the staff along with changed posts: fixed rosters become 'auto', the buffer grows."""
    if base.staff is None or changed.staff is None:
        return {}
    out: dict[str, Any] = {}
    for name, role in changed.staff.roles().items():
        if not role.follows_plan and posts(changed, name) != posts(base, name):
            out[f"staff.{name}.roster"] = "auto"
    before, after = posts_on_duty(base), posts_on_duty(changed)
    buffer = base.site.buffer
    if buffer is not None and changed.site.buffer == buffer and before and after != before:
        out["site.buffer.capacity"] = max(1, math.ceil(buffer.capacity * after / before - 1e-9))
    return out


def plan_variant(scenario: Scenario, changes: Mapping[str, Any], staff: StaffMode = "follow",
                 source: str = "<variant>") -> Scenario:  # fmt: skip
    """`variant`, with the staff following the posts unless `staff` is 'fixed'."""
    changed = variant(scenario, changes, source)
    extra = staff_changes(scenario, changed) if staff == "follow" else {}
    return variant(changed, extra, source) if extra else changed


def staff_needed(scenario: Scenario) -> dict[str, dict[str, int]]:
    """Per role: posts, people on the roster, and people the posts need to rotate without closing."""
    return {p.role: {"posts": p.posts, "roster": p.roster, "needed": p.needed} for p in staffing_plan(scenario)}


def staff_text(scenario: Scenario) -> str:
    """'8 samplers, 8 registrars, 3 entry checkers' (with 'of N needed' where a roster is short); '' without staff."""
    parts = []
    for role, n in staff_needed(scenario).items():
        one, many = ROLE_NAMES.get(role, (role, role))
        text = f"{n['roster']} {one if n['roster'] == 1 else many}"
        if n["roster"] < n["needed"]:
            text += f" (of {n['needed']} needed)"
        parts.append(text)
    return ", ".join(parts)
