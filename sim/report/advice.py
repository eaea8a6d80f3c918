"""What the report tells the people who decide: the verdict, the bottleneck and the recommendation.

Every sentence is filled from summary.json (its "verdict" and "bottleneck") and variants.json; nothing here
judges anew or runs the model. The headline is green only when every aim is met, no risk remains (no
replication missed a deadline) and nobody who set out was left unswabbed in any replication.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .analysis import clock_at, fmt
from .data import Results
from .i18n import change_label, kpi_label, role_name, t

STAGE_KEYS = ("gates", "entry", "waiting_zone", "stations", "staff", "buffer", "callup", "courier", "lab", "doorstep")


def _kpi(results: Results, name: str, stat: str = "mean") -> float | None:
    return results.kpi(name, stat)


def _aim_text(aim: dict[str, Any], lang: str) -> str:
    """An aim in the reader's words: 'Wait, 95th percentile (min) ≤ 30', 'Nobody who set out left unswabbed'."""
    if aim.get("default"):
        return t("aim_everyone", lang)
    return target_text(aim["target"], lang)


def target_text(target: str, lang: str) -> str:
    from ..scenario import parse_target
    from .analysis import OP_SIGNS

    kpi, op, value = parse_target(target)
    if kpi == "people.unswabbed" and op == "<=" and value == 0:
        return t("aim_everyone", lang)
    return f"{kpi_label(kpi, lang)} {OP_SIGNS[op]} {value:g}"


def aim_rows(results: Results, lang: str) -> list[dict[str, Any]]:
    """Each aim with its verdict word and the interval it was read from."""
    return aims_table(results.summary, lang)


def aims_table(summary: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The rows of a summary's aims (a site's or a city round's)."""
    rows = []
    for aim in summary["verdict"]["aims"]:
        name = aim["kpi"]
        value = fmt(aim["mean"], name)
        if aim["ci_low"] is not None:
            value = t("aim_value_ci", lang, mean=value, low=fmt(aim["ci_low"], name), high=fmt(aim["ci_high"], name))
        rows.append({"text": _aim_text(aim, lang), "verdict": aim["verdict"], "word": t(f"v_{aim['verdict']}", lang),
                     "value": value, "n": aim["n"]})  # fmt: skip
    return rows


def headline_state(results: Results) -> str:
    """'ok' (green), 'risk' (amber) or 'late' (red), from the verdict and the people left unswabbed."""
    verdict = results.summary["verdict"]
    if not verdict["met"]:
        return "late"
    left = _kpi(results, "people.unswabbed", "max") or 0
    return "risk" if verdict["risks"] or left > 0 else "ok"


def risk_text(risk: dict[str, Any], lang: str, clock: Callable[[float | None], str]) -> str:
    """A verdict's risk in the reader's words; `clock` writes minutes after opening as a time of day."""
    if risk["kind"] == "deadline":
        return t("risk_deadline", lang, n=risk["replications"], of=risk["of"], target=target_text(risk["target"], lang),
                 worst=clock(risk["worst"]))  # fmt: skip
    return t("risk_unswabbed", lang, n=risk["replications"], of=risk["of"], worst=fmt(risk["worst"], "people"))


def coverage_line(results: Results, lang: str) -> str:
    left, worst = _kpi(results, "people.unswabbed"), _kpi(results, "people.unswabbed", "max") or 0
    sampled = fmt(_kpi(results, "people.sampled"), "people")
    if left is None:
        return t("cov_none", lang)
    if worst == 0:
        return t("cov_all", lang, sampled=sampled, n=results.summary.get("replications", "—"))
    causes = [t(f"cause_{key}", lang, n=fmt(n, "people")) for key in ("set_out_late", "delayed", "turned_away",
              "hard_stop") if (n := _kpi(results, f"people.unswabbed.{key}"))]  # fmt: skip
    share = _kpi(results, "coverage.share")
    return t("cov_left", lang, left=fmt(left, "people"), worst=fmt(worst, "people"), sampled=sampled,
             share=f"{100 * share:.1f}%" if share is not None else "—", causes=t("sep", lang).join(causes))  # fmt: skip


def last_swab_line(results: Results, lang: str) -> str:
    entry = results.summary["kpis"].get("time.completion_min", {})
    if entry.get("mean") is None:
        return t("last_none", lang)
    deadline = next((a for a in results.summary["verdict"]["aims"] if a["kpi"] == "time.completion_min"), None)
    text = t("last_swab", lang, last=clock_at(results, entry["mean"]), low=clock_at(results, entry.get("ci_low")),
             high=clock_at(results, entry.get("ci_high")), worst=clock_at(results, entry.get("max")))  # fmt: skip
    if deadline is None:
        return text + t("last_no_deadline", lang, close=clock_at(results, results.scenario.clock.duration / 60))
    return text + t("last_deadline", lang, deadline=clock_at(results, deadline["value"]),
                    word=t(f"v_{deadline['verdict']}", lang))  # fmt: skip


def wait_line(results: Results, lang: str) -> str:
    door = results.summary["kpis"].get("wait.door_to_swab.max_min", {})
    if door.get("mean") is None:
        return t("wait_none", lang)
    start = t("from_home" if results.scenario.community is not None else "from_arrival", lang)
    return t("wait_worst", lang, start=start, mean=fmt(door["mean"], "wait"), worst=fmt(door.get("max"), "wait"),
             p95=fmt(_kpi(results, "wait.door_to_swab.p95_min"), "wait"))  # fmt: skip


def headline(results: Results, lang: str) -> dict[str, Any]:
    """The verdict box, the five lines and the aims, for the first section."""
    verdict = results.summary["verdict"]
    state = headline_state(results)
    aims = verdict["aims"]
    if state == "late":
        missed = [a for a in aims if a["verdict"] != "met"]
        text = t("head_not_met", lang, k=len(missed), n=len(aims),
                 aims=t("sep", lang).join(f"{_aim_text(a, lang)}: {t('v_' + a['verdict'], lang)}" for a in missed))  # fmt: skip
    elif state == "risk":
        risks = [risk_text(r, lang, lambda m: clock_at(results, m)) for r in verdict["risks"]]
        left = _kpi(results, "people.unswabbed", "max") or 0
        if left > 0 and not any(r["kind"] == "unswabbed" for r in verdict["risks"]):
            risks.append(t("risk_unswabbed_some", lang))
        text = t("head_risk", lang, n=len(aims), risks=t("sep", lang).join(risks))
    else:
        text = t("head_met", lang, n=len(aims))
    return {
        "state": state,
        "verdict": text,
        "lines": [coverage_line(results, lang), last_swab_line(results, lang), wait_line(results, lang)],
        "aims": aim_rows(results, lang),
        "bottleneck": bottleneck_headline(results, lang),
    }


# ---- the bottleneck --------------------------------------------------------------------------------


def _stage_measures(stage: str, m: dict[str, Any], results: Results, lang: str) -> str:
    """One stage's measures as a phrase (the numbers the binding rule looked at)."""
    f = fmt
    if stage == "gates":
        return t("st_gates", lang, queue=f(m.get("queue_min"), "wait"), gate=m.get("worst_gate") or "—",
                 p95=f(m.get("worst_gate_p95_min"), "wait"), delayed=f(m.get("delayed"), "people"),
                 held=f(m.get("held"), "people"))  # fmt: skip
    if stage == "entry":
        return t("st_entry", lang, queue=f(m.get("queue_min"), "wait"), lanes=m.get("lanes"))
    if stage == "waiting_zone":
        return t("st_zone", lang, peak=f(m.get("peak"), "peak"), capacity=m.get("capacity"),
                 outside=f(m.get("outside_peak"), "peak"), turned=f(m.get("turned_away"), "people"))  # fmt: skip
    if stage == "stations":
        util = m.get("utilization")
        return t("st_stations", lang, queue=f(m.get("queue_min"), "wait"), util=_pct(util),
                 open=f(m.get("open"), "n"), stations=m.get("stations"))  # fmt: skip
    if stage == "staff":
        return t("st_staff", lang, unopened=f(m.get("unopened"), "n"), closed=f(m.get("closed_min"), "closed"),
                 share=_pct(m.get("closed_share")))  # fmt: skip
    if stage == "buffer":
        return t("st_buffer", lang, wait=f(m.get("wait_max_min"), "wait"), capacity=m.get("capacity"))
    if stage == "callup":
        return t("st_callup", lang, late=f(m.get("set_out_late"), "people"),
                 last=clock_at(results, _kpi(results, "time.last_arrival_min")))  # fmt: skip
    if stage == "courier":
        return t("st_courier", lang, over=f(m.get("over_limit"), "tubes"), age=f(m.get("age_max_min"), "age"),
                 limit=f"{m.get('limit_min', 0):g}")  # fmt: skip
    if stage == "lab":
        return t("st_lab", lang, util=_pct(m.get("utilization")), p95=f(m.get("result_p95_min"), "age"))
    if stage == "doorstep":
        return t("st_doorstep", lang, last=clock_at(results, m.get("last_min")), teams=m.get("teams"))
    return ""


def _pct(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{100 * value:.0f}%" if abs(100 * value - round(100 * value)) < 0.05 else f"{100 * value:.1f}%"


def bottleneck_headline(results: Results, lang: str) -> str:
    """The binding constraint(s) and the change that relieves it, in one sentence."""
    b = results.summary["bottleneck"]
    if not b["binding"]:
        nearest = b.get("nearest") or "stations"
        return t("bn_nearest", lang, stage=t(f"stage_{nearest}", lang))
    named = t("sep", lang).join(
        t(
            "bn_binding_one",
            lang,
            stage=t(f"stage_{x['stage']}", lang),
            aims=t("sep", lang).join(target_text(a, lang) for a in x["aims"]),
        )
        for x in b["binding"]
    )
    relief = t("sep", lang).join(t(f"relief_{x['stage']}", lang) for x in b["binding"])
    return t("bn_binding", lang, named=named, relief=relief)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def bottleneck_section(results: Results, lang: str) -> dict[str, Any]:
    """The bottleneck named from the numbers, every stage's measures, and how the stage was chosen."""
    b = results.summary["bottleneck"]
    binding = {x["stage"] for x in b["binding"]}
    stages = [{"stage": _capital(t(f"stage_{name}", lang)), "measures": _stage_measures(name, b["stages"][name], results, lang),
               "binding": name in binding or name == b.get("nearest")}
              for name in STAGE_KEYS if name in b["stages"]]  # fmt: skip
    return {"headline": bottleneck_headline(results, lang), "stages": stages, "method": t("bn_method", lang)}


# ---- recommendations ---------------------------------------------------------------------------------


def variants_usable(results: Results) -> bool:
    """variants.json belongs to this run: same seed, same replications, same base numbers."""
    v = results.variants
    if not v or not results.variants_trusted or "recommendation" not in v:
        return False
    if v.get("seed") != results.summary.get("seed") or v.get("replications") != results.summary.get("replications"):
        return False
    base = v.get("base", {}).get("kpis", {})
    for name, entry in results.summary["kpis"].items():
        a, b = base.get(name, {}).get("mean"), entry.get("mean")
        if name in base and (a is None) != (b is None):
            return False
        if a is not None and b is not None and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
            return False
    return True


def change_words(variant: dict[str, Any], lang: str) -> str:
    """The change in the reader's language, from the keys it changed (from → to)."""
    parts = []
    for change in variant["changes"]:
        key, old, new = change["key"], change["from"], change["to"]
        label = change_label(key, lang)
        if isinstance(new, bool):
            parts.append(label if new else t("rec_not", lang, what=label))
        else:
            parts.append(t("rec_change", lang, what=label, old=_value(old), new=_value(new)))
    gates = [c for c in variant["changes"] if c["key"].startswith("community.courtyards.")]
    if len(gates) > 1:  # lanes at every gate: said once
        parts = [p for p, c in zip(parts, variant["changes"], strict=True) if c not in gates]
        lanes = sum(c["to"] - c["from"] for c in gates)
        parts.insert(0, t("rec_gates", lang, n=len(gates), lanes=lanes))
    return t("sep", lang).join(parts)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _outcome(variant: dict[str, Any], base: dict[str, Any], lang: str, results: Results) -> str:
    """What the change does to the numbers that matter: aims met, people left, last swab, waits."""
    k_new, k_old = variant["kpis"], base["kpis"]

    def mean(kpis: dict[str, Any], name: str) -> float | None:
        return kpis.get(name, {}).get("mean")

    met = sum(a["verdict"] == "met" for a in variant["verdict"]["aims"])
    return t("rec_outcome", lang, met=met, n=len(variant["verdict"]["aims"]),
             left_old=fmt(mean(k_old, "people.unswabbed"), "people"), left_new=fmt(mean(k_new, "people.unswabbed"), "people"),
             p95_old=fmt(mean(k_old, "wait.total.p95_min"), "wait"), p95_new=fmt(mean(k_new, "wait.total.p95_min"), "wait"),
             last_old=clock_at(results, mean(k_old, "time.completion_min")),
             last_new=clock_at(results, mean(k_new, "time.completion_min")))  # fmt: skip


def _cost(variant: dict[str, Any], lang: str) -> str:
    people = variant.get("people_added", 0)
    text = t("rec_people", lang, n=f"{people:+d}") if people else t("rec_no_people", lang)
    if variant.get("extra_time"):
        text += t("sep", lang) + variant["extra_time"]
    return text


def _staff(variant: dict[str, Any], lang: str) -> str:
    parts = [f"{n['roster']} {role_name(role, lang)}" for role, n in variant.get("staff", {}).items()]
    return t("rec_staff", lang, staff=t("sep", lang).join(parts)) if parts else ""


def recommendations(results: Results, lang: str) -> dict[str, Any]:
    """Sentences worded from variants.json only; empty with a note when there is none (or it is stale)."""
    if results.variants is None:
        return {"available": False, "note": t("rec_missing", lang), "items": [], "verdict": None}
    if not variants_usable(results):
        return {"available": False, "note": t("rec_stale", lang), "items": [], "verdict": None}
    v = results.variants
    rec = v["recommendation"]
    by_name = {x["name"]: x for x in v["variants"]}
    items = []
    for variant in v["variants"]:
        items.append({"text": change_words(variant, lang), "detail": _outcome(variant, v["base"], lang, results),
                      "cost": _cost(variant, lang), "staff": _staff(variant, lang),
                      "all_met": bool(variant["verdict"]["met"]), "recommended": variant["name"] == rec["variant"]})  # fmt: skip
    if rec["variant"] is not None:
        best = by_name[rec["variant"]]
        verdict = t("rec_best", lang, change=change_words(best, lang), cost=_cost(best, lang), n=len(items))
        if rec["base_met"]:
            verdict = t("rec_base_ok", lang) + " " + verdict
    elif rec["base_met"]:
        verdict = t("rec_base_ok", lang)
    else:
        closest = by_name.get(rec["closest"] or "")
        still = [_aim_text(a, lang) for a in closest["verdict"]["aims"] if a["verdict"] != "met"] if closest else []
        verdict = t("rec_none_meets", lang, n=len(items), change=change_words(closest, lang) if closest else "—",
                    still=t("sep", lang).join(still))  # fmt: skip
    return {"available": True, "note": t("rec_intro", lang), "items": items, "verdict": verdict}


def tiles(results: Results, lang: str) -> list[dict[str, Any]]:
    """The headline figures: people left unswabbed, the last swab, the worst door-to-swab wait, the p95 wait."""
    verdict = results.summary["verdict"]
    by_kpi = {a["kpi"]: a for a in verdict["aims"]}

    def missed(name: str) -> bool:
        return name in by_kpi and by_kpi[name]["verdict"] != "met"

    deadline_risk = any(r["kind"] == "deadline" and r["kpi"] == "time.completion_min" for r in verdict["risks"])
    left = _kpi(results, "people.unswabbed")
    return [
        {"value": fmt(left, "people"), "unit": "", "label": t("tile_unswabbed", lang,
                                                               due=fmt((left or 0) + (_kpi(results, "people.sampled") or 0), "people")),
         "missed": (_kpi(results, "people.unswabbed", "max") or 0) > 0},
        {"value": clock_at(results, _kpi(results, "time.completion_min")), "unit": "", "label": t("tile_last", lang),
         "missed": missed("time.completion_min") or deadline_risk},
        {"value": fmt(_kpi(results, "wait.door_to_swab.max_min"), "wait"), "unit": t("min", lang),
         "label": t("tile_worst", lang), "missed": missed("wait.door_to_swab.max_min")},
        {"value": fmt(_kpi(results, "wait.total.p95_min"), "wait"), "unit": t("min", lang), "label": t("tile_p95", lang),
         "missed": missed("wait.total.p95_min")},
    ]  # fmt: skip
