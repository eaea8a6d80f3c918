"""Variants of a scenario run with common random numbers, for the report's recommendations.

The report may only recommend what a run backs. This module runs each variant (one key changed,
e.g. one more station) with the same seed and replication indices as the base run, so both see the
same random streams and their difference is not noise, and saves the KPI summaries and paired
differences to ``variants.json`` in the results folder. The report words them from that file alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..measure.stats import describe
from ..scenario.loader import scenario_from_data
from ..scenario.schema import Scenario
from .runner import RunResult, run


@dataclass(frozen=True)
class Variant:
    """One key of the scenario set to a new value."""

    key: str
    value: Any
    base_value: Any


def _get(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        node = node[part]
    return node


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[last] = value


def default_variants(scenario: Scenario) -> list[Variant]:
    """The changes a planner can make on the day: more stations, one more entry-check lane."""
    stations = scenario.site.sampling.stations
    out = [Variant("site.sampling.stations", stations + k, stations) for k in (1, 2)]
    if scenario.site.entry_check is not None:
        lanes = scenario.site.entry_check.lanes
        out.append(Variant("site.entry_check.lanes", lanes + 1, lanes))
    return out


def variant_scenario(scenario: Scenario, variant: Variant) -> Scenario:
    """The scenario with one key changed, validated like a scenario file."""
    data = scenario.model_dump(mode="json")
    _set(data, variant.key, variant.value)
    return scenario_from_data(data, source=f"<variant {variant.key}={variant.value}>")


def paired_differences(base: RunResult, other: RunResult) -> dict[str, dict[str, float | None]]:
    """Per KPI, variant minus base over the same replications (common random numbers)."""
    out = {}
    for name in base.kpi_names:
        if name in other.kpi_names:
            d = describe(other.column(name) - base.column(name))
            out[name] = {"mean": d["mean"], "ci_low": d["ci_low"], "ci_high": d["ci_high"]}
    return out


def iter_variant_runs(
    base: RunResult, variants: list[Variant], executor: Executor | None = None
) -> Iterator[tuple[Variant, RunResult]]:
    """Run every variant with the base run's seed and number of replications."""
    n = len(base.results)
    for variant in variants:
        yield variant, run(variant_scenario(base.scenario, variant), n, base.seed, executor)


def run_variants(
    base: RunResult, out: Path, variants: list[Variant] | None = None, executor: Executor | None = None
) -> Path:
    """Run the variants against `base` and add ``variants.json`` to its results folder `out`; return its path."""
    from ..results import write_variants  # results sits above experiment; imported late

    return write_variants(variants_document(base, variants, executor), out)


def variants_document(
    base: RunResult, variants: list[Variant] | None = None, executor: Executor | None = None
) -> dict[str, Any]:
    """Run the variants against `base`: the content of variants.json."""
    variants = default_variants(base.scenario) if variants is None else variants
    base_summary = base.summary()
    rows = []
    for variant, result in iter_variant_runs(base, variants, executor):
        summary = result.summary()
        rows.append({
            "key": variant.key,
            "value": variant.value,
            "base_value": variant.base_value,
            "kpis": summary["kpis"],
            "targets": summary["targets"],
            "difference": paired_differences(base, result),
        })  # fmt: skip
    return {
        "scenario": base.scenario.name,
        "replications": len(base.results),
        "seed": base.seed,
        "common_random_numbers": True,
        "base": {"kpis": base_summary["kpis"], "targets": base_summary["targets"]},
        "variants": rows,
    }
