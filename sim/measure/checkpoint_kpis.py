"""Checkpoint (卡口) and trip KPIs: pure functions of a replication's community records.

Per gate: ``checkpoint.<name>.wait.mean_min``, ``.wait.p95_min``, ``.wait.max_min`` (joining the
gate's queue → a checker starts), ``.queue.peak`` (people waiting, not those being checked),
``.passed``, ``.redirected`` (sent to the site for lack of proof); ``checkpoint.all.*`` over every
gate. Per resident: ``trip.mean_min``, ``trip.p95_min``, ``trip.max_min`` (leaving home → back
home, residents sampled on the trip). Gate passages are not cut by the warm-up: a gate's day is
the whole run (background traffic starts before the site opens).
"""

from __future__ import annotations

import numpy as np

from ..model.records import HELD, PASSED, REDIRECTED, REFERRED, RESIDENT, RETURNEE, SAMPLED, CommunityRecords, Records
from .occupancy import intervals, level_at, peak

NAN = float("nan")


def _stats(wait_s: np.ndarray) -> tuple[float, float, float]:
    if not len(wait_s):
        return NAN, NAN, NAN  # nobody passed: no wait to measure
    w = wait_s / 60
    return float(w.mean()), float(np.percentile(w, 95)), float(w.max())


def _gate_kpis(prefix: str, mine: np.ndarray, c: CommunityRecords, horizon: float) -> dict[str, float]:
    p = c.passages
    started = mine & ~np.isnan(p["start"])
    mean, p95, worst = _stats(p["start"][started] - p["join"][started])
    outcome = p["outcome"][mine]
    return {
        f"{prefix}.wait.mean_min": mean,
        f"{prefix}.wait.p95_min": p95,
        f"{prefix}.wait.max_min": worst,
        f"{prefix}.queue.peak": float(peak(*intervals(p["join"][mine], p["start"][mine], horizon))),
        f"{prefix}.passed": float(np.sum(outcome == PASSED)),
        f"{prefix}.redirected": float(np.sum(outcome == REDIRECTED)),
    }


def checkpoint_kpis(rec: Records, warmup_s: float = 0.0) -> dict[str, float]:
    """Every gate's KPIs, the totals over all gates, residents' trips and returnees."""
    c = rec.community
    if c is None:
        return {}
    p, a = c.passages, c.actors
    out: dict[str, float] = {}
    for g, name in enumerate(c.gate_names):
        out.update(_gate_kpis(f"checkpoint.{name}", p["gate"] == g, c, rec.end_s))
    everyone = np.ones(len(p["gate"]), dtype=bool)
    out.update(_gate_kpis("checkpoint.all", everyone, c, rec.end_s))
    out["checkpoint.all.referred"] = float(np.sum(p["outcome"] == REFERRED))
    out["checkpoint.all.held"] = float(np.sum(p["outcome"] == HELD))

    resident = (a["kind"] == RESIDENT) & (a["courtyard"] >= 0) & (a["leave"] >= rec.open_s + warmup_s)
    trip = resident & a["sampled"] & ~np.isnan(a["home"])
    mean, p95, worst = _stats((a["home"] - a["leave"])[trip])
    out.update({"trip.mean_min": mean, "trip.p95_min": p95, "trip.max_min": worst, "trip.residents": float(trip.sum())})
    returnee = a["kind"] == RETURNEE
    out["returnees.arrived"] = float(returnee.sum())
    out["returnees.home"] = float(np.sum(returnee & ~np.isnan(a["home"])))
    out["returnees.sampled"] = float(np.sum(returnee & a["sampled"]))
    out["callup.buildings_uncalled"] = float(c.uncalled)
    called = rec.call_times[~np.isnan(rec.call_times)] if len(rec.call_times) else np.empty(0)
    out["callup.last_call_min"] = float((called.max() - rec.open_s) / 60) if len(called) else NAN
    out["wait.gate.mean_min"] = gate_wait_on_the_way(rec, warmup_s)
    return out


def queue_on_the_way_s(rec: Records) -> np.ndarray:
    """Per person row: seconds queued at a gate on the way to the site (their first passage); NaN where none."""
    out = np.full(rec.n, np.nan)
    c = rec.community
    if c is None or not len(c.passages["actor"]):
        return out
    p, a = c.passages, c.actors
    order = np.lexsort((p["join"], p["actor"]))
    actor = p["actor"][order]
    first = order[np.r_[True, actor[1:] != actor[:-1]]]  # each actor's first passage
    row = a["site_row"][p["actor"][first]]
    has_row = row >= 0
    out[row[has_row]] = (p["start"] - p["join"])[first][has_row]
    return out


def gate_wait_on_the_way(rec: Records, warmup_s: float) -> float:
    """Mean minutes the people swabbed queued at a gate on their way to the site."""
    people = rec.people
    keep = (people["outcome"] == SAMPLED) & ~np.isnan(people["set_out"])
    if warmup_s > 0:
        keep &= people["set_out"] >= rec.open_s + warmup_s
    wait = queue_on_the_way_s(rec)[keep]
    return _stats(wait[~np.isnan(wait)])[0]


def gate_series(rec: Records, grid: np.ndarray) -> dict[str, np.ndarray]:
    """People waiting at each gate (and at all gates) at each grid time."""
    c = rec.community
    if c is None:
        return {}
    p = c.passages
    out = {}
    for g, name in enumerate(c.gate_names):
        mine = p["gate"] == g
        out[f"checkpoint.{name}.queue"] = level_at(*intervals(p["join"][mine], p["start"][mine], rec.end_s), grid)
    out["checkpoint.all.queue"] = level_at(*intervals(p["join"], p["start"], rec.end_s), grid)
    return {k: v.astype(float) for k, v in out.items()}
