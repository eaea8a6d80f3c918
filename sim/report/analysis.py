"""From saved numbers to what the report says: formatting, summary, inputs, bottleneck, variants.

Every sentence is filled from the results folder; nothing here invents a number or a recommendation.

Number formatting rule (the KPI table and the text), the KPI catalogue's (sim/measure/catalogue.py): a whole
number is shown without decimals; otherwise values of 100 or more are rounded to whole numbers, utilisation to
2 decimals, shares (0-1) to 3 decimals and everything else to 1 decimal. Thousands are separated by commas.
The ends of the 95% interval are shown with as many decimals as the mean; min and max follow the rule on their
own.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..measure import catalogue
from ..scenario import format_clock, parse_target
from .data import Results
from .i18n import dist_name, kpi_label, param_name, role_name, t

KEY_KPIS = (
    "people.called", "people.arrived", "people.sampled", "people.unswabbed", "coverage.share", "people.unserved",
    "people.isolated", "people.turned_away", "time.completion_min", "wait.door_to_swab.mean_min",
    "wait.door_to_swab.p95_min", "wait.door_to_swab.max_min", "wait.total.mean_min", "wait.total.p95_min",
    "wait.total.max_min", "wait.gate.mean_min", "wait.entry_check.mean_min", "wait.sampling.mean_min",
    "time.in_site.mean_min", "throughput.per_hour", "stations.open", "stations.utilization", "zone.waiting.peak",
    "zone.outside.peak",
    "stations.closed_min", "entry.closed_min", "staff.rotations", "buffer.wait.max_min",
    "samples.age_at_lab.max_min", "samples.age_at_lab.p95_min", "samples.over_limit", "samples.not_delivered",
    "samples.result.p95_min", "samples.last_result_min", "lab.utilization", "courier.trips",
    "recall.positives", "recall.pools", "recall.retests", "recall.confirmed", "recall.confirmed.max_min",
    "doorstep.people", "doorstep.last_min",
)  # fmt: skip
SATURATED = 0.9
OP_SIGNS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">"}


def decimals(name: str, value: float) -> int:
    """How many decimals a KPI value is shown with (the catalogue's rule, see the module docstring)."""
    return catalogue.decimals(name, value)


def fmt(value: float | None, name: str = "", places: int | None = None) -> str:
    return catalogue.format_value(value, name, places)


def clock_at(results: Results, minutes: float | None) -> str:
    """Minutes after opening as a time of day (past midnight shows as e.g. 24:10)."""
    if minutes is None:
        return "—"
    return format_clock(results.scenario.clock.open + 60.0 * round(minutes))


# ---- inputs ------------------------------------------------------------------------------------


def fmt_dist(dist: Any, lang: str) -> str:
    """'lognormal, mean 20s, cv 0.5' from a distribution as dumped to JSON."""
    if not isinstance(dist, dict):
        return str(dist)
    name = dist_name(dist.get("dist", ""), lang)
    parts = []
    for key, value in dist.items():
        if key == "dist":
            continue
        if key == "values":
            parts.append(t("dist_values", lang, n=len(value)))
            continue
        parts.append(f"{param_name(key, lang)} {value}".strip())
    return t("dist_sep", lang).join([name, *parts])


def _share(value: float) -> str:
    return f"{100 * value:.0f}%" if abs(100 * value - round(100 * value)) < 1e-9 else f"{100 * value:.1f}%"


def _sources_for(path: str, sources: dict[str, str]) -> list[str]:
    return [
        text for key, text in sources.items() if key == path or key.startswith(path + ".") or path.startswith(key + ".")
    ]


def input_rows(results: Results, lang: str) -> list[dict[str, str]]:
    """The inputs that matter, each with where its number comes from."""
    s = results.scenario
    data = s.model_dump(mode="json")
    site = data["site"]
    rows: list[tuple[str, str, str]] = []
    clock = t("v_clock", lang, open=format_clock(s.clock.open), close=format_clock(s.clock.close),
              hours=f"{s.clock.duration / 3600:g}")  # fmt: skip
    if s.clock.hard_stop is not None:
        clock += t("v_hard_stop", lang, stop=format_clock(s.clock.hard_stop))
    rows.append(("in_clock", clock, "clock"))
    arrivals = s.arrivals
    if arrivals.callup is not None:
        c = arrivals.callup
        residents = sum(b.residents for b in c.buildings)
        if c.interval is not None:
            text = t("v_callup", lang, n=len(c.buildings), residents=f"{residents:,}", interval=f"{c.interval / 60:g}",
                     start=format_clock(c.start if c.start is not None else s.clock.open), turnout=_share(c.turnout))  # fmt: skip
        else:
            text = t("v_callup_timed", lang, n=len(c.buildings), residents=f"{residents:,}", turnout=_share(c.turnout))
        rows.append(("in_arrivals", text, "arrivals"))
    if arrivals.rate is not None:
        rows.append(("in_arrivals", t("v_rate", lang, rate=f"{arrivals.rate * 3600:,.0f}"), "arrivals"))
    if arrivals.profile is not None:
        steps = ", ".join(f"{format_clock(p.at)} {p.rate * 3600:,.0f}/h" for p in arrivals.profile)
        rows.append(("in_arrivals", t("v_profile", lang, steps=steps), "arrivals"))
    groups = []
    for name, group in s.population.items():
        text = t("v_group", lang, name=name, share=_share(group.share))
        if group.priority:
            text += f" ({t('v_priority', lang)})"
        groups.append(text)
    rows.append(("in_population", ", ".join(groups), "population"))
    entry = site.get("entry_check")
    rows.append(("in_entry", t("v_entry", lang, lanes=entry["lanes"], time=fmt_dist(entry["time"], lang),
                                abnormal=_share(entry["abnormal"])) if entry else t("v_none", lang), "site.entry_check"))  # fmt: skip
    waiting = site["waiting"]
    capacity = waiting["capacity"] if waiting["capacity"] is not None else t("v_unlimited", lang)
    rows.append(("in_waiting", t("v_waiting", lang, capacity=capacity, when_full=t(waiting["when_full"], lang)),
                 "site.waiting"))  # fmt: skip
    rows.append(("in_stations", t("v_stations", lang, n=site["sampling"]["stations"]), "site.sampling.stations"))
    if site["sampling"].get("registration"):
        rows.append(("in_registration", fmt_dist(site["sampling"]["registration"], lang), "site.sampling.registration"))
    rows.append(("in_swab", fmt_dist(site["sampling"]["swab"], lang), "site.sampling.swab"))
    iso = site.get("isolation")
    rows.append(("in_isolation", t("v_isolation", lang, capacity=iso["capacity"], stay=fmt_dist(iso["stay"], lang))
                 if iso else t("v_none", lang), "site.isolation"))  # fmt: skip
    buffer = site.get("buffer")
    rows.append(("in_buffer", t("v_buffer", lang, capacity=buffer["capacity"]) if buffer else t("v_none", lang),
                 "site.buffer"))  # fmt: skip
    rows.append(("in_pooling", t("v_pooling", lang, size=s.pooling.size), "pooling"))
    named = [(t(label, lang), value, path) for label, value, path in rows]
    named += _staff_rows(results, lang) + [(t(k, lang), v, p) for k, v, p in _sample_rows(results, lang)]
    out = []
    for label, value, path in named:
        found = _sources_for(path, s.sources)
        out.append({"label": label, "value": value, "source": "; ".join(found) if found else "", "path": path})
    return out


def _mins(seconds: float) -> str:
    return f"{seconds / 60:g}"


def _staff_rows(results: Results, lang: str) -> list[tuple[str, str, str]]:
    """Per role (label, value, path): roster, the posts it serves, the stretch in protective equipment."""
    s = results.scenario
    if s.staff is None:
        return []
    from ..scenario.staffing import posts  # the scenario's own count of posts per role

    rows = []
    for name, role in s.staff.roles().items():
        text = t("v_staff", lang, roster=role.people(posts(s, name)), posts=posts(s, name), stretch=_mins(role.max_stretch),
                 don=_mins(role.don), doff=_mins(role.doff), rest=_mins(role.rest))  # fmt: skip
        if role.no_show:
            text += t("v_no_show", lang, share=_share(role.no_show))
        label = t("in_staff", lang, role=role_name(name, lang))
        rows.append((label, text, f"staff.{name}"))
    if s.staff.pauses:
        text = ", ".join(t("v_pause", lang, at=format_clock(p.at), minutes=_mins(p.duration)) for p in s.staff.pauses)
        rows.append((t("in_pauses", lang), text, "staff.pauses"))
    return rows


def _plain_dist(dist: Any, lang: str) -> str:
    """A fixed duration as just its value ('30min'); any other distribution as fmt_dist writes it."""
    if isinstance(dist, dict) and dist.get("dist") == "fixed":
        return str(dist.get("value"))
    return fmt_dist(dist, lang)


def _sample_rows(results: Results, lang: str) -> list[tuple[str, str, str]]:
    """(label key, value, path): the courier's schedule, the lab's capacity and the sample age limit."""
    s = results.scenario
    if s.samples is None:
        return []
    samples = s.samples.model_dump(mode="json")
    courier, lab = s.samples.courier, s.samples.lab
    travel = _plain_dist(samples["courier"]["travel"], lang)
    if courier.every:
        text = t("v_courier", lang, every=_mins(courier.every), travel=travel)
    else:
        text = t("v_courier_none", lang, travel=travel)
    if courier.when_full:
        text += t("v_courier_full", lang, box=s.samples.box.capacity)
    report = _plain_dist(samples["lab"]["report"], lang)
    if lab.tubes_per_hour is not None:
        lab_text = t("v_lab_rate", lang, rate=f"{lab.tubes_per_hour:,.0f}", report=report)
    else:
        assert lab.machines is not None and lab.batch is not None and lab.run_time is not None
        rate = lab.machines * lab.batch / (lab.run_time / 3600)
        lab_text = t("v_lab_batch", lang, machines=lab.machines, batch=lab.batch, run=_mins(lab.run_time),
                     rate=f"{rate:,.0f}", report=report)  # fmt: skip
    return [("in_courier", text, "samples.courier"), ("in_lab", lab_text, "samples.lab"),
            ("in_limit", t("v_limit", lang, minutes=_mins(s.samples.limit)), "samples.limit")]  # fmt: skip


# ---- KPI table -----------------------------------------------------------------------------------


def kpi_rows(results: Results, lang: str) -> list[dict[str, Any]]:
    """One row per KPI in summary.json: key ones first, then the rest in file order."""
    return summary_kpi_rows(results.summary, lang, KEY_KPIS)


def summary_kpi_rows(summary: dict[str, Any], lang: str, key_kpis: tuple[str, ...]) -> list[dict[str, Any]]:
    """The KPI table of any summary.json (a site's or a city's); `key_kpis` go first, into the main table."""
    kpis = summary["kpis"]
    order = [k for k in key_kpis if k in kpis] + [k for k in kpis if k not in key_kpis]
    targets: dict[str, list[dict[str, Any]]] = {}
    for target in summary.get("targets", []):
        targets.setdefault(target["kpi"], []).append(target)
    rows = []
    for name in order:
        s = kpis[name]
        mean = s["mean"]
        places = decimals(name, mean) if mean is not None else 0
        row_targets = [
            {"text": f"{OP_SIGNS[x['op']]} {x['value']:g}", "verdict": x.get("verdict", "unknown"),
             "met": x["met"], "word": t(f"v_{x.get('verdict', 'unknown')}", lang)}
            for x in targets.get(name, [])
        ]  # fmt: skip
        rows.append({
            "name": name,
            "label": kpi_label(name, lang),
            "mean": fmt(mean, name, places),
            "ci_low": fmt(s.get("ci_low"), name, places),
            "ci_high": fmt(s.get("ci_high"), name, places),
            "min": fmt(s.get("min"), name),
            "max": fmt(s.get("max"), name),
            "targets": row_targets,
            "n": s.get("n"),
            "key": name in key_kpis or name.startswith(("checkpoint.all.", "group.")) or bool(row_targets),
        })  # fmt: skip
    return rows


def unknown_targets(results: Results, lang: str) -> list[dict[str, Any]]:
    """Targets on KPIs that summary.json does not have (shown so they are not silently dropped)."""
    kpis = results.summary["kpis"]
    return [{"text": x["target"], "word": t("unknown", lang)} for x in results.summary.get("targets", [])
            if x["kpi"] not in kpis]  # fmt: skip


# ---- bottleneck ----------------------------------------------------------------------------------


def _minutes(mask: np.ndarray) -> int:
    return int(np.count_nonzero(mask))


def station_queue_minutes(results: Results) -> int | None:
    """Minutes in which, on average over replications, at least one person waits for a station.

    Stations are taken first come, first served from the waiting zone (and the queue outside it),
    so anyone waiting there means every station is busy.
    """
    waiting, outside = results.series("waiting.mean"), results.series("outside.mean")
    if waiting is None:
        return None
    queue = waiting + (outside if outside is not None else 0.0)
    return _minutes(queue >= 1.0)


def _gate_p95(results: Results) -> dict[str, float]:
    """Mean 95th-percentile wait of each residence gate (checkpoint.<gate>.wait.p95_min), where there are gates."""
    out = {}
    for name, entry in results.summary["kpis"].items():
        match = re.fullmatch(r"checkpoint\.(.+)\.wait\.p95_min", name)
        if match and match.group(1) != "all" and entry.get("mean") is not None:
            out[match.group(1)] = float(entry["mean"])
    return out


def bottleneck_lines(results: Results, lang: str) -> list[str]:
    """The details behind the bottleneck: which zone fills, for how long, closures and late samples."""
    k, s = results.kpi, results.scenario
    lines = []
    util = k("stations.utilization")
    if util is not None and util >= SATURATED:
        busy_min = station_queue_minutes(results) or 0
        lines.append(t("bn_stations", lang, util=_share(util), busy_min=busy_min))
    n = int(results.summary.get("replications", 0))
    capacity = s.site.waiting.capacity
    waiting_max = results.series("waiting.max")
    peaks = results.replications.get("zone.waiting.peak")
    if capacity is not None and waiting_max is not None and np.any(waiting_max >= capacity):
        full_reps = int(np.count_nonzero(peaks >= capacity)) if isinstance(peaks, np.ndarray) else 0
        lines.append(t("bn_zone_full", lang, peak=fmt(k("zone.waiting.peak"), "peak"), capacity=capacity, n=n,
                       full_reps=full_reps, full_min=_minutes(waiting_max >= capacity)))  # fmt: skip
    outside_max = results.series("outside.max")
    outside_peaks = results.replications.get("zone.outside.peak")
    if outside_max is not None and isinstance(outside_peaks, np.ndarray) and np.any(outside_max > 0):
        minutes = np.flatnonzero(outside_max > 0)
        lines.append(t("bn_outside", lang, queued_reps=int(np.count_nonzero(outside_peaks > 0)), n=n,
                       peak=fmt(k("zone.outside.peak"), "peak"), max=fmt(k("zone.outside.peak", "max"), "peak"),
                       minutes=len(minutes), first=clock_at(results, float(minutes[0])),
                       last=clock_at(results, float(minutes[-1]))))  # fmt: skip
    entry, sampling = k("wait.entry_check.mean_min"), k("wait.sampling.mean_min")
    if entry is not None and sampling is not None and entry >= 2 and entry >= 0.5 * sampling:
        lines.append(t("bn_entry", lang, entry=fmt(entry, "wait"), sampling=fmt(sampling, "wait")))
    iso_peak = k("zone.isolation.peak", "max")
    if s.site.isolation is not None and iso_peak is not None and iso_peak >= s.site.isolation.capacity:
        wait = k("isolation.wait.max_min")
        if wait is not None and wait > 0:
            lines.append(t("bn_isolation", lang, peak=fmt(k("zone.isolation.peak"), "peak"),
                           capacity=s.site.isolation.capacity, wait=fmt(wait, "wait")))  # fmt: skip
    gates = _gate_p95(results)
    if gates:
        gate, p95 = max(gates.items(), key=lambda item: item[1])
        lines.append(t("bn_gates", lang, gate=gate, p95=fmt(p95, "wait"), n=len(gates),
                       all=fmt(k("checkpoint.all.wait.p95_min"), "wait")))  # fmt: skip
    lines += staff_lines(results, lang)
    sample = sample_line(results, lang)
    if sample:
        lines.append(sample)
    return lines


def staff_lines(results: Results, lang: str) -> list[str]:
    """Stations closed while staff change, and waits for a changing place (stations.closed_min, ...)."""
    k, s = results.kpi, results.scenario
    lines = []
    closed = k("stations.closed_min")
    if closed is not None and closed > 0:
        open_min = k("time.completion_min") or s.clock.duration / 60  # opening to the last swab
        open_station_min = (k("stations.open") or s.site.sampling.stations) * max(open_min, 1.0)
        rotations = k("staff.rotations")
        lines.append(t("bn_closed", lang, closed=fmt(closed, "closed"), share=_share(round(closed / open_station_min, 3)),
                       rotations=t("bn_closed_rot", lang, n=fmt(rotations, "n")) if rotations else ""))  # fmt: skip
    elif closed is not None and closed == 0 and k("staff.rotations"):
        lines.append(t("bn_closed_none", lang, n=fmt(k("staff.rotations"), "n")))
    wait = k("buffer.wait.max_min")
    if wait is not None and wait > 0 and s.site.buffer is not None:
        lines.append(t("bn_buffer", lang, wait=fmt(wait, "wait"), capacity=s.site.buffer.capacity))
    return lines


def sample_line(results: Results, lang: str) -> str | None:
    """Tubes over the room-temperature limit (samples.over_limit), or that every tube made it."""
    s = results.scenario
    over, oldest = results.kpi("samples.over_limit"), results.kpi("samples.age_at_lab.max_min")
    if s.samples is None or over is None or oldest is None:
        return None
    limit = f"{s.samples.limit / 60:g}"
    column = results.column("samples.over_limit")
    reps = int(np.count_nonzero(column > 0)) if column is not None else 0
    if over > 0:
        every = _mins(s.samples.courier.every) if s.samples.courier.every else "—"
        return t("bn_over_limit", lang, over=fmt(over, "tubes"), limit=limit, reps=reps,
                 n=results.summary.get("replications", "—"), max=fmt(oldest, "age"), every=every)  # fmt: skip
    return t("bn_age_ok", lang, limit=limit, max=fmt(oldest, "age"),
             worst=fmt(results.kpi("samples.age_at_lab.max_min", "max"), "age"))  # fmt: skip


def target_lines(results: Results) -> list[tuple[str, float]]:
    """(KPI, value) of each target, for reference lines in figures."""
    out = []
    for target in results.scenario.targets:
        name, _op, value = parse_target(target)
        out.append((name, value))
    return out
