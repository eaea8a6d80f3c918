"""Staff, sample-chain, recall and door-to-door KPIs: pure functions of a replication's records.

Only present when the scenario has the part: ``staff`` → ``stations.closed_min``,
``entry.closed_min``, ``staff.ppe_hours``, ``staff.rotations``, ``buffer.wait.max_min``,
``staff.warnings``; ``samples`` → ``samples.age_at_lab.*``, ``samples.over_limit``,
``samples.not_delivered``, ``samples.result.*``, ``lab.utilization``, ``courier.trips``;
``recall`` → ``recall.*``; ``doorstep`` → ``doorstep.*``. Times in minutes.
"""

from __future__ import annotations

import numpy as np

from ..model.records import IN_PPE, RETEST, ChainRecords, Records, StaffRecords
from .occupancy import union_length

NAN = float("nan")  # no value in this replication (no case, nothing delivered): missing, not 0


def closed_s(staff: StaffRecords, roles: tuple[str, ...]) -> float:
    """Post time lost to rotations, absences and pauses, summed over posts (overlaps once)."""
    c = staff.closed
    wanted = [k for k, name in enumerate(staff.roles) if name in roles] + ([-1] if "sampler" in roles else [])
    mine = np.isin(c["role"], wanted)
    total = 0.0
    for post in np.unique(c["post"][mine]):
        at = mine & (c["post"] == post)
        total += union_length(c["start"][at], np.minimum(c["end"][at], staff.end_s))
    return total


def staff_kpis(staff: StaffRecords) -> dict[str, float]:
    s = staff.segments
    end = np.where(np.isnan(s["end"]), staff.end_s, s["end"])
    in_ppe = np.isin(s["state"], IN_PPE)
    return {
        "stations.closed_min": closed_s(staff, ("sampler", "registrar")) / 60,
        "entry.closed_min": closed_s(staff, ("entry_checker",)) / 60,
        "staff.ppe_hours": float(np.sum(np.clip(end - s["start"], 0.0, None)[in_ppe])) / 3600,
        "staff.rotations": float(staff.rotations),
        "buffer.wait.max_min": float(staff.buffer_wait.max()) / 60 if len(staff.buffer_wait) else NAN,
        "staff.warnings": float(len(staff.warnings)),
    }


def _p95(x: np.ndarray) -> float:
    return float(np.percentile(x, 95)) if len(x) else NAN


def chain_kpis(chain: ChainRecords, open_s: float) -> dict[str, float]:
    t = chain.tubes
    delivered = ~np.isnan(t["at_lab"])
    age = (t["at_lab"] - t["first_swab"])[delivered] / 60
    done = ~np.isnan(t["result"])
    to_result = (t["result"] - t["first_swab"])[done] / 60
    span = (np.nanmax(t["result"]) - np.nanmin(t["at_lab"])) if done.any() else 0.0
    out = {
        "samples.age_at_lab.max_min": float(age.max()) if len(age) else NAN,
        "samples.age_at_lab.p95_min": _p95(age),
        "samples.over_limit": float(np.sum(age > chain.limit_s / 60)),
        "samples.not_delivered": float(np.sum(~delivered)),
        "samples.result.p95_min": _p95(to_result),
        "samples.result.max_min": float(to_result.max()) if len(to_result) else NAN,
        "samples.last_result_min": float((np.nanmax(t["result"]) - open_s) / 60) if done.any() else NAN,
        "lab.utilization": chain.lab_busy_s / (chain.lab_servers * span) if span > 0 else NAN,
        "courier.trips": float(len(chain.trips["depart"])),
    }
    return out


def recall_kpis(chain: ChainRecords) -> dict[str, float]:
    c = chain.confirmed
    to_confirmed = (c["confirmed"] - c["swab"]) / 60
    return {
        "recall.positives": float(chain.positives),
        "recall.pools": float(chain.positive_pools),
        "recall.retests": float(np.sum(chain.tubes["kind"] == RETEST)),
        "recall.confirmed": float(len(to_confirmed)),
        "recall.confirmed.max_min": float(to_confirmed.max()) if len(to_confirmed) else NAN,  # no case: no value
    }


def part_kpis(rec: Records) -> dict[str, float]:
    """Every KPI of the parts the scenario has (empty without staff and samples)."""
    out: dict[str, float] = {}
    if rec.staff is not None:
        out.update(staff_kpis(rec.staff))
    chain = rec.chain
    if chain is not None:
        out.update(chain_kpis(chain, rec.open_s))
        if chain.recall:
            out.update(recall_kpis(chain))
        if chain.doorstep:
            last = chain.doorstep_last_s
            out["doorstep.last_min"] = float((last - rec.open_s) / 60) if not np.isnan(last) else NAN
            out["doorstep.people"] = float(chain.doorstep_people)
    return out


Table = tuple[list[str], list[list[object]]]


def timelines(rec: Records) -> dict[str, Table]:
    """Staff and courier timelines (minutes since opening) for the report to draw; empty without them."""
    out: dict[str, Table] = {}

    def minutes(x: float) -> float:
        return round((x - rec.open_s) / 60, 3)

    if rec.staff is not None:
        from ..model.records import CAUSES, STATES

        st = rec.staff
        s = st.segments
        end = np.where(np.isnan(s["end"]), st.end_s, s["end"])
        rows: list[list[object]] = [
            ["staff", st.roles[int(s["role"][k])], int(s["member"][k]), int(s["post"][k]), STATES[int(s["state"][k])],
             minutes(s["start"][k]), minutes(end[k])]
            for k in np.argsort(s["start"], kind="stable")
        ]  # fmt: skip
        c = st.closed
        rows += [
            ["closed", "site" if c["role"][k] < 0 else st.roles[int(c["role"][k])], "", int(c["post"][k]),
             CAUSES[int(c["cause"][k])], minutes(c["start"][k]), minutes(min(c["end"][k], st.end_s))]
            for k in np.argsort(c["start"], kind="stable")
        ]  # fmt: skip
        out["staff"] = (["kind", "role", "member", "post", "state", "start_min", "end_min"], rows)
    if rec.chain is not None:
        t = rec.chain.trips
        out["courier"] = (
            ["trip", "depart_min", "at_lab_min", "back_min", "tubes"],
            [[k + 1, minutes(t["depart"][k]), minutes(t["at_lab"][k]), minutes(t["back"][k]), int(t["tubes"][k])]
             for k in range(len(t["depart"]))],
        )  # fmt: skip
    return out
