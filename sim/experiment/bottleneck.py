"""The binding constraint of a plan, across every stage, from the replications' KPIs.

Every stage the scenario has is measured (means over replications): the gates (queue on the way to the
site), the entry check, the waiting zone, the stations, the staff (posts not opened, posts closed while
staff change), the buffer zone, the call-up and opening hours, the courier and the lab. Each aim that is
not met is traced to the stage that binds it:

- a wait: the stage where the people swabbed queue longest on average (gate, entry check or station; a
  station queue is the staff's when posts stay closed or unopened, else the stations');
- the last swab: the stations (or their staff) when they are busy at least SATURATED of the time,
  otherwise the call-up (people come late);
- people left unswabbed: the largest cause: set out too late to arrive in time (call-up and opening hours),
  delayed on the way (the gates), turned away (the waiting zone), or still inside at the hard stop;
- sample age at the lab: the courier; results: the lab when it is busy at least SATURATED of the time,
  otherwise the courier.

When every aim is met the stage nearest its limit is named instead (``binding`` is empty).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ..scenario.schema import Scenario

SATURATED = 0.85  # busy share from which a server pool is taken as the limit
STAFF_SHARE = 0.05  # station time lost to closures from which the staff, not the stations, bind
STAGES = ("gates", "entry", "waiting_zone", "stations", "staff", "buffer", "callup", "courier", "lab", "doorstep")


def _mean(columns: dict[str, np.ndarray], name: str) -> float | None:
    values = columns.get(name)
    if values is None:
        return None
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else None


def _num(x: float | None) -> float:
    return 0.0 if x is None or math.isnan(x) else float(x)


def stage_measures(scenario: Scenario, columns: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Each stage the scenario has, with the means that show how close it is to its limit."""
    m = lambda name: _mean(columns, name)  # noqa: E731 - a short reader
    site = scenario.site
    out: dict[str, dict[str, Any]] = {}
    if scenario.community is not None:
        gates = {g.group(1): _num(m(name)) for name in columns
                 if (g := re.fullmatch(r"checkpoint\.(.+)\.wait\.p95_min", name)) and g.group(1) != "all"}  # fmt: skip
        worst = max(gates, key=lambda k: gates[k]) if gates else None
        out["gates"] = {"queue_min": m("wait.gate.mean_min"), "worst_gate": worst,
                        "worst_gate_p95_min": gates.get(worst) if worst else None,
                        "queue_peak": m("checkpoint.all.queue.peak"), "delayed": m("people.unswabbed.delayed"),
                        "held": m("checkpoint.all.held"), "gates": len(gates)}  # fmt: skip
    if site.entry_check is not None:
        out["entry"] = {"queue_min": m("wait.entry_check.mean_min"), "lanes": site.entry_check.lanes,
                        "closed_min": m("entry.closed_min")}  # fmt: skip
    if site.waiting.capacity is not None:
        out["waiting_zone"] = {"capacity": site.waiting.capacity, "peak": m("zone.waiting.peak"),
                               "outside_peak": m("zone.outside.peak"), "turned_away": m("people.turned_away")}  # fmt: skip
    stations = site.sampling.stations
    opened = m("stations.open")
    out["stations"] = {"queue_min": m("wait.sampling.mean_min"), "utilization": m("stations.utilization"),
                       "stations": stations, "open": opened, "hard_stop": m("people.unswabbed.hard_stop")}  # fmt: skip
    if scenario.staff is not None:
        closed = m("stations.closed_min")
        span = max(_num(m("time.completion_min")), 1.0)
        open_share = _num(closed) / (max(_num(opened), 1.0) * span)
        out["staff"] = {"unopened": stations - _num(opened), "closed_min": closed, "closed_share": open_share,
                        "rotations": m("staff.rotations")}  # fmt: skip
        if site.buffer is not None:
            out["buffer"] = {"capacity": site.buffer.capacity, "wait_max_min": m("buffer.wait.max_min")}
    if scenario.arrivals.callup is not None or m("people.unswabbed.set_out_late"):
        out["callup"] = {"set_out_late": m("people.unswabbed.set_out_late"),
                         "uncalled_buildings": m("callup.buildings_uncalled"),
                         "last_call_min": m("callup.last_call_min")}  # fmt: skip
    if scenario.samples is not None:
        out["courier"] = {"over_limit": m("samples.over_limit"), "age_max_min": m("samples.age_at_lab.max_min"),
                          "limit_min": scenario.samples.limit / 60, "not_delivered": m("samples.not_delivered")}  # fmt: skip
        out["lab"] = {"utilization": m("lab.utilization"), "result_p95_min": m("samples.result.p95_min")}
    if scenario.doorstep is not None:
        out["doorstep"] = {"last_min": m("doorstep.last_min"), "teams": scenario.doorstep.teams}
    return out


def _station_or_staff(stages: dict[str, dict[str, Any]]) -> str:
    """A station queue binds on the staff when posts stay unopened or close for long, else on the stations."""
    staff = stages.get("staff")
    if staff and (staff["unopened"] >= 0.5 or staff["closed_share"] >= STAFF_SHARE):
        return "staff"
    return "stations"


def _wait_stage(kpi: str, stages: dict[str, dict[str, Any]]) -> str:
    queues = {"entry": stages.get("entry", {}).get("queue_min"), "stations": stages["stations"]["queue_min"]}
    if kpi.startswith("wait.door_to_swab") and "gates" in stages:
        queues["gates"] = stages["gates"]["queue_min"]
    stage = max(queues, key=lambda k: _num(queues[k]))
    return _station_or_staff(stages) if stage == "stations" else stage


def _unswabbed_stage(columns: dict[str, np.ndarray], stages: dict[str, dict[str, Any]]) -> str:
    causes = {
        "callup": _num(_mean(columns, "people.unswabbed.set_out_late")),
        "gates" if "gates" in stages else "waiting_zone": _num(_mean(columns, "people.unswabbed.delayed")),
        "waiting_zone": _num(_mean(columns, "people.unswabbed.turned_away")),
        "stations": _num(_mean(columns, "people.unswabbed.hard_stop")),
    }
    stage = max(causes, key=lambda k: causes[k])
    return _station_or_staff(stages) if stage == "stations" else stage


def binding_stage(kpi: str, scenario: Scenario, columns: dict[str, np.ndarray],
                  stages: dict[str, dict[str, Any]]) -> str | None:  # fmt: skip
    """The stage that binds one KPI (see the module docstring for the rule)."""
    if kpi.startswith(("wait.", "group.", "time.in_site")):
        return _wait_stage(kpi, stages)
    if kpi in ("people.unswabbed", "coverage.share") or kpi.startswith("people.unswabbed."):
        return _unswabbed_stage(columns, stages)
    if kpi == "time.completion_min":
        if _num(stages["stations"]["utilization"]) >= SATURATED:
            return _station_or_staff(stages)
        return "callup" if "callup" in stages else "stations"
    if kpi.startswith(("samples.age_at_lab", "samples.over_limit", "samples.not_delivered", "courier.")):
        return "courier"
    if kpi.startswith(("samples.result", "samples.last_result", "lab.", "recall.")):
        return "lab" if _num(stages.get("lab", {}).get("utilization")) >= SATURATED else "courier"
    if kpi.startswith(("checkpoint.", "trip.")):
        return "gates"
    if kpi.startswith(("stations.closed", "entry.closed", "staff.")):
        return "staff"
    if kpi.startswith("buffer."):
        return "buffer"
    if kpi.startswith("doorstep."):
        return "doorstep"
    if kpi.startswith(("stations.", "throughput.")):
        return _station_or_staff(stages)
    return None


def nearest_limit(stages: dict[str, dict[str, Any]]) -> str:
    """With every aim met: the stage closest to its limit (the busiest server pool or the longest queue)."""
    load = {"stations": _num(stages["stations"]["utilization"])}
    if "lab" in stages:
        load["lab"] = _num(stages["lab"]["utilization"])
    if "courier" in stages and stages["courier"]["limit_min"]:
        load["courier"] = _num(stages["courier"]["age_max_min"]) / stages["courier"]["limit_min"]
    stage = max(load, key=lambda k: load[k])
    return _station_or_staff(stages) if stage == "stations" else stage


def bottleneck(scenario: Scenario, columns: dict[str, np.ndarray], aims: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary.json "bottleneck" section: every stage's measures, and the binding stages with their aims."""
    stages = stage_measures(scenario, columns)
    binding: dict[str, list[str]] = {}
    for aim in aims:
        if aim["verdict"] == "met":
            continue
        stage = binding_stage(aim["kpi"], scenario, columns, stages)
        if stage is not None:
            binding.setdefault(stage, []).append(aim["target"])
    return {
        "binding": [{"stage": stage, "aims": targets} for stage, targets in binding.items()],
        "nearest": nearest_limit(stages) if not binding else None,
        "stages": stages,
        "method": "each aim not met is traced to the stage that binds it: a wait to the longest queue, the last "
                  f"swab to stations busy at least {SATURATED:.0%} (else the call-up), people left unswabbed to "
                  "their largest cause, sample age to the courier, results to a lab busy at least "
                  f"{SATURATED:.0%} (else the courier); a station queue is the staff's when posts stay "
                  f"unopened or closed for at least {STAFF_SHARE:.0%} of the station time",
    }  # fmt: skip
