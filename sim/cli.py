"""The `drill` command: thin; every command is a call into the packages below it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .city_results import write_city_results
from .errors import DrillError, ScenarioError
from .experiment import make_executor, run
from .experiment.city import SiteIndex, run_city
from .queueing import offered_load
from .results import write_results
from .scenario import Scenario, load_scenario
from .scenario.city import City, expand_sites

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into located messages and exit code 2, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            for problem in exc.problems:
                err.print(str(problem), markup=False)
            sys.exit(2)
        except DrillError as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drill-sim", message="drill %(version)s")
def main() -> None:
    """Plan community nucleic-acid testing drills: queues, throughput and completion time."""


@main.command("run")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replications", "-n", type=click.IntRange(min=1), help="Replications (default: the scenario's).")
@click.option("--seed", type=click.IntRange(min=0), help="Seed (default: the scenario's).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Results folder (default: results/<scenario file stem>/).")  # fmt: skip
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Override a scenario key.")
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: every core; 1 = serial).")
@reports_errors
def run_command(scenario_file: Path, replications: int | None, seed: int | None, out_dir: Path | None,
                overrides: tuple[str, ...], workers: int | None) -> None:  # fmt: skip
    """Run a scenario's replications, print the summary and write the results files."""
    scenario = load_scenario(scenario_file, list(overrides))
    out_dir = out_dir or Path("results") / scenario_file.stem
    if isinstance(scenario, City):
        _run_city(expand_sites(scenario, scenario_file.parent), scenario_file, replications, seed, out_dir, workers)
        return
    n = replications or scenario.replications
    with make_executor(1 if n == 1 else workers) as executor, _progress(n) as advance:
        result = run(scenario, n, seed, executor, on_done=lambda _: advance())
    paths = write_results(result, out_dir, str(scenario_file))
    _print_summary(scenario, result.summary())
    out.print(f"\nResults: {', '.join(str(p) for p in paths.values())}", markup=False)


@main.command("validate")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Override a scenario key.")
@reports_errors
def validate_command(scenario_file: Path, overrides: tuple[str, ...]) -> None:
    """Check a scenario file; exit 2 with located messages if it is not valid."""
    scenario = load_scenario(scenario_file, list(overrides))
    out.print(f"{scenario_file}: valid ({scenario.name})", markup=False)


@main.command("schema")
def schema_command() -> None:
    """Print the scenario JSON Schema (for editor completion)."""
    click.echo(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))


def _run_city(city: City, scenario_file: Path, replications: int | None, seed: int | None, out_dir: Path,
              workers: int | None) -> None:  # fmt: skip
    """A city round: sites in chunks on the executor, a progress bar by sites done."""
    n = replications or city.replications
    with make_executor(workers) as executor, _progress(n * len(SiteIndex(city)), "sites") as advance:
        result = run_city(city, n, seed, executor, on_sites_done=advance)
    paths = write_city_results(result, out_dir, str(scenario_file))
    summary = result.summary()
    out.print(_kpi_table(f"{city.name} — {n} replication(s), seed {summary['seed']}", summary))
    latest = summary["latest_site"]
    out.print(f"Latest site: #{latest['site']:.0f}, done {latest['completion_min']:.0f} min after opening "
              f"({latest['why']}).", markup=False)  # fmt: skip
    out.print(f"\nResults: {', '.join(str(p) for p in paths.values())}", markup=False)


class _Progress:
    def __init__(self, total: int, label: str = "replications"):
        self.total = total
        self.label = label
        self.bar: Progress | None = None

    def __enter__(self) -> Callable[..., None]:
        if self.total > 1 and err.is_terminal:
            self.bar = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=err, transient=True)  # fmt: skip
            self.bar.start()
            task = self.bar.add_task("run", total=self.total)
            return lambda k=1: self.bar.advance(task, k) if self.bar else None
        return lambda k=1: None

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _progress(total: int, label: str = "replications") -> _Progress:
    return _Progress(total, label)


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.2f}"


def _kpi_table(title: str, summary: dict[str, Any]) -> Table:
    table = Table(title=title)
    table.add_column("KPI", no_wrap=True, min_width=max(len(name) for name in summary["kpis"]))
    for column in ("mean", "95% CI", "min", "max"):
        table.add_column(column, justify="right")
    for name, s in summary["kpis"].items():
        ci = "—" if s["ci_low"] is None else f"{_fmt(s['ci_low'])} – {_fmt(s['ci_high'])}"
        table.add_row(name, _fmt(s["mean"]), ci, _fmt(s["min"]), _fmt(s["max"]))
    return table


def _print_summary(scenario: Scenario, summary: dict[str, Any]) -> None:
    out.print(_kpi_table(f"{scenario.name} — {summary['replications']} replications, seed {summary['seed']}", summary))
    load = offered_load(scenario)
    line = (f"Sanity: offered load {load['load_per_station']:.2f} per station "
            f"({load['arrival_per_hour']:.0f}/h arriving on average, stations can do about "
            f"{load['capacity_per_hour']:.0f}/h).")  # fmt: skip
    out.print(line, markup=False)
    if load["load_per_station"] >= 1:
        err.print("warning: offered load is at or above 1 per station: the queue grows while the site is open.",
                  markup=False)  # fmt: skip
    for target in summary["targets"]:
        mark = {True: "met", False: "MISSED", None: "unknown KPI"}[target["met"]]
        out.print(f"Target {target['target']}: {mark} (mean {_fmt(target['mean'])})", markup=False)
