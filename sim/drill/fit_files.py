"""What `drill fit` writes: FITTED.yaml (the base scenario with the fitted numbers and their sources),
fit.json (every fitted value with its interval and the rows it used) and rejected.csv, side by side.
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem, ScenarioError
from ..results import atomic_write
from ..results.files import FIT, REJECTED
from ..scenario.drill_records import PROBLEMS
from ..scenario.loader import _Document, _parse_yaml, scenario_from_text
from ..scenario.units import format_clock
from .distfit import Choice
from .files import write_rejected
from .fit import FitResult, dist_data, rate_text

METHOD = (
    "Arrivals: piecewise-constant Poisson, step of 15, 30 or 60 min by BIC; exact Poisson intervals. "
    "Durations: maximum likelihood, whole-second records as 1-s intervals; the family by BIC (−2 log L + k ln n) "
    "among fixed, exponential, uniform, triangular, lognormal, gamma (and empirical for uncensored swabs); "
    "95% profile-likelihood intervals; goodness of fit by the Kolmogorov-Smirnov distance. Registration is "
    "left-censored where the swab started within the tolerance of the station's previous swab end (the "
    "registrar waited for the sampler): at most (previous swab end + tolerance) - registered."
)


def _num(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 6)


def _choice_rows(key: str, choice: Choice, rows: int, how: str, short: str) -> list[dict[str, Any]]:
    best, out = choice.best, []
    names = {"exponential": ["mean"], "lognormal": ["mean", "cv"], "gamma": ["mean", "cv"],
             "uniform": ["low", "high", "mean"], "triangular": ["low", "mode", "high", "mean"],
             "fixed": ["value"], "empirical": ["mean"]}[best.family]  # fmt: skip
    for name in names:
        value = best.mean if name == "mean" else best.params[name]
        low, high = choice.intervals.get(name, (None, None))
        unit = "" if name == "cv" else "s"
        out.append({"key": f"{key}.{name}", "value": _num(value), "unit": unit, "low": _num(low) if low is not None
                    else None, "high": _num(high) if high is not None else None, "rows": rows,
                    "how": how if name == names[0] else "", "short": short if name == names[0] else ""})  # fmt: skip
    return out


def fitted_values(fit: FitResult) -> list[dict[str, Any]]:
    """Every fitted value: key, value, unit, interval, rows used, how (the table and fit.json)."""
    from .fit import describe_choice

    out = []
    a = fit.arrivals
    for k, step in enumerate(a.steps):
        out.append({"key": f"arrivals.profile.{k}.rate", "at": format_clock(step.at_s), "value": _num(step.rate_per_h),
                    "unit": "/h", "low": _num(step.ci_per_h[0]), "high": _num(step.ci_per_h[1]), "rows": step.count,
                    "how": f"Poisson, {a.width_min}-min steps (lowest BIC)" if k == 0 else "",
                    "short": f"{a.width_min}-min steps by BIC" if k == 0 else ""})  # fmt: skip
    swabbed = int(fit.records.swabbed.sum())
    out += _choice_rows("site.sampling.swab", fit.swab, swabbed, describe_choice(fit.swab),
                        describe_choice(fit.swab, short=True))  # fmt: skip
    if fit.registration is not None:
        how = f"{describe_choice(fit.registration)}; {fit.censored} left-censored (waited for the sampler)"
        short = f"{fit.registration.best.family} by BIC, {fit.censored:,} censored"
        out += _choice_rows("site.sampling.registration", fit.registration, swabbed, how, short)
    out.append({"key": "site.sampling.stations", "value": len(fit.stations), "unit": "", "low": None, "high": None,
                "rows": swabbed, "how": "stations with swabs in the records", "short": "stations in the records"})  # fmt: skip
    if fit.pool_size is not None:
        full = fit.tubes.get(fit.pool_size, 0)
        out.append({"key": "pooling.size", "value": fit.pool_size, "unit": "", "low": None, "high": None,
                    "rows": int(sum(fit.tubes.values())),
                    "how": f"most common swabs per tube ({full} of {sum(fit.tubes.values())} tubes)",
                    "short": f"{full} of {sum(fit.tubes.values())} tubes"})  # fmt: skip
    for name, (share, low, high) in (fit.shares or {}).items() if len(fit.shares or {}) > 1 else ():
        out.append({"key": f"population.{name}.share", "value": _num(share), "unit": "", "low": _num(low),
                    "high": _num(high), "rows": fit.used, "how": "share of the people (Clopper-Pearson)",
                    "short": "share (Clopper-Pearson)"})  # fmt: skip
    return out


def _candidates(choice: Choice) -> list[dict[str, Any]]:
    return [{"family": f.family, "params": {k: _num(v) for k, v in f.params.items()}, "loglik": _num(f.loglik),
             "k": f.k, "bic": _num(f.bic)} for f in choice.fits.values()]  # fmt: skip


def fit_json(fit: FitResult, records_path: str, base_path: str, fitted_path: str) -> dict[str, Any]:
    r = fit.records
    a = fit.arrivals
    out: dict[str, Any] = {
        "records": records_path, "scenario": base_path, "fitted": fitted_path,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": {"read": r.read, "used": r.n, "rejected": len(r.rejected), "problems": r.problems()},
        "values": fitted_values(fit),
        "arrivals": {"step_min": a.width_min, "bic": {str(k): _num(v) for k, v in a.bic.items()}, "used": a.used,
                     "before_open": a.before_open, "after_close": a.after_close,
                     "steps": [{"at": format_clock(s.at_s), "minutes": s.length_s / 60, "count": s.count,
                                "rate_per_h": _num(s.rate_per_h), "ci_per_h": [_num(x) for x in s.ci_per_h]}
                               for s in a.steps]},
        "swab": {"chosen": fit.swab.best.family, "candidates": _candidates(fit.swab), "ks": _num(fit.swab.ks),
                 "ks_p": _num(fit.swab.ks_p) if fit.swab.ks_p is not None else None},
        "registration": None,
        "stations": [{"station": s.label, "rows": s.rows, "swab_mean_s": _num(s.swab.mean),
                      "swab_mean_ci": [_num(x) for x in s.swab_mean_ci], "swab_ks": _num(s.swab_ks),
                      "registration_mean_s": _num(s.registration.mean) if s.registration else None,
                      "registration_mean_ci": [_num(x) for x in s.registration_mean_ci]
                      if s.registration_mean_ci else None, "censored": s.censored, "swabs_per_hour": s.per_hour}
                     for s in fit.stations],
        "pooling": {"size": fit.pool_size, "tubes_by_swabs": {str(k): v for k, v in fit.tubes.items()}},
        "notes": fit.notes,
        "method": METHOD,
    }  # fmt: skip
    if fit.registration is not None:
        out["registration"] = {"chosen": fit.registration.best.family, "candidates": _candidates(fit.registration),
                               "ks_against_kaplan_meier": _num(fit.registration.ks), "censored": fit.censored,
                               "tolerance_s": fit.tolerance_s}  # fmt: skip
    return out


def _base_data(base_path: Path) -> dict[str, Any]:
    """The base scenario's own data, as written (not every default made explicit)."""
    doc = _Document(str(base_path))
    data = _parse_yaml(base_path.read_text(encoding="utf-8"), doc)
    if doc.problems or not isinstance(data, dict):
        raise ScenarioError(doc.problems or [Problem(str(base_path), 1, "", "not a scenario mapping")])
    return data


def fitted_data(base: dict[str, Any], fit: FitResult, records_name: str) -> dict[str, Any]:
    """The base scenario's data with the fitted numbers, each with a `sources` entry."""
    data = json.loads(json.dumps(base))  # a deep copy of plain data
    sources = dict(data.get("sources") or {})
    rows = f"{records_name} ({fit.used} rows)"
    a = fit.arrivals
    data["arrivals"] = {"profile": [{"at": format_clock(s.at_s), "rate": rate_text(s.rate_per_h)} for s in a.steps]}
    sources["arrivals"] = f"fitted by drill fit from {rows}: Poisson, {a.width_min}-min steps by BIC (fit.json)"
    sampling = data.setdefault("site", {}).setdefault("sampling", {})
    sampling["swab"] = dist_data(fit.swab.best)
    sources["site.sampling.swab"] = f"fitted by drill fit from {rows}: {fit.swab.best.family} by BIC (fit.json)"
    if fit.registration is not None:
        sampling["registration"] = dist_data(fit.registration.best)
        sources["site.sampling.registration"] = (
            f"fitted by drill fit from {rows}: {fit.registration.best.family} by BIC, {fit.censored} rows "
            "left-censored where the registrar waited for the sampler (fit.json)"
        )
    sampling["stations"] = len(fit.stations)
    sources["site.sampling.stations"] = f"drill fit: stations with swabs in {records_name}"
    if fit.pool_size is not None:
        data["pooling"] = {**(data.get("pooling") or {}), "size": fit.pool_size}
        sources["pooling.size"] = f"drill fit: most common swabs per tube in {records_name}"
    population = data.get("population") or {"adult": {"share": 1.0}}
    if fit.shares is not None:
        shares = _shares_summing_to_one({name: s[0] for name, s in fit.shares.items()})
        for name, share in shares.items():
            population.setdefault(name, {})["share"] = share
            sources[f"population.{name}.share"] = f"drill fit: share of the people in {records_name}"
    elif any("registration_factor" in g or "swab_factor" in g for g in population.values()):
        for name, group in population.items():
            for key in ("registration_factor", "swab_factor"):
                if key in group:
                    group[key] = 1.0
                    sources[f"population.{name}.{key}"] = (
                        f"drill fit: {records_name} names no groups; the fitted times cover all"
                    )
    data["population"] = population
    data["name"] = f"{data.get('name', 'scenario')} (fitted to {records_name})"
    data["sources"] = sources
    return data


def _shares_summing_to_one(shares: dict[str, float]) -> dict[str, float]:
    """Rounded shares that add up to exactly 1 (the largest takes the rounding)."""
    rounded = {k: round(v, 6) for k, v in shares.items()}
    largest = max(rounded, key=lambda k: rounded[k])
    rounded[largest] = round(1 - sum(v for k, v in rounded.items() if k != largest), 6)
    return rounded


def write_fit(fit: FitResult, records_path: Path, base_path: Path, out: Path) -> dict[str, Path]:
    """FITTED.yaml (validated before it is written), fit.json and rejected.csv beside it."""
    data = fitted_data(_base_data(base_path), fit, records_path.name)
    header = (f"# Fitted by `drill fit` from {records_path} on {datetime.now(timezone.utc):%Y-%m-%d}; base: {base_path}.\n"
              "# Every fitted key names its source under `sources:`; fit.json beside this file gives the intervals.\n")  # fmt: skip
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
    try:
        scenario_from_text(text, str(out))  # it validates, or nothing is written
    except ScenarioError as exc:
        raise ScenarioError([Problem(f"{out} (not written)", p.line, p.path, f"{p.message}; the base scenario's "
                                     "other keys must fit the day's numbers") for p in exc.problems]) from None  # fmt: skip
    paths = {"fitted": out, "fit": out.parent / FIT, "rejected": out.parent / REJECTED}
    atomic_write(out, text)
    info = fit_json(fit, str(records_path), str(base_path), str(out))
    atomic_write(paths["fit"], json.dumps(info, indent=2, ensure_ascii=False) + "\n")
    write_rejected(paths["rejected"], fit.records)
    return paths


def problem_lines(records: Any, shown: int = 5, purpose: str = "the fit") -> list[str]:
    """'3 of 90 rows left out of the fit: 1 duplicate (the same person again ...), ...' and the first few, located."""
    counts = records.problems()
    if not counts:
        return []
    parts = [f"{n} {name} ({PROBLEMS[name]})" for name, n in counts.items()]
    lines = [
        f"{len(records.rejected):,} of {records.read:,} rows left out of {purpose} (rejected.csv): " + "; ".join(parts)
    ]
    lines += [r.located(records.source) for r in sorted(records.rejected, key=lambda r: r.row)[:shown]]
    return lines
