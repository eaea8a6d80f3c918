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
from .experiment import open_executor, run
from .experiment.city import SiteIndex, run_city
from .experiment.recommend import run_variants
from .queueing import offered_load
from .results import write_results
from .scenario import Scenario, load_scenario
from .scenario.city import City, expand_sites
from .scenario.staffing import staffing_warnings

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


# Options several commands share, defined once.
overrides_option = click.option(
    "--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="Override a scenario key."
)
workers_option = click.option(
    "--workers", type=click.IntRange(min=1), help="Worker processes (default: every core; 1 = serial)."
)
cluster_option = click.option(
    "--cluster", metavar="ADDRESS|local", help="Run on Dask: a scheduler address, or 'local' for a LocalCluster."
)


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
@overrides_option
@workers_option
@cluster_option
@click.option("--report", "with_report", is_flag=True,
              help="Also run variants (more stations, ...) and build the drill report in the results folder.")  # fmt: skip
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Report language.")
@reports_errors
def run_command(scenario_file: Path, replications: int | None, seed: int | None, out_dir: Path | None,
                overrides: tuple[str, ...], workers: int | None, cluster: str | None = None,
                with_report: bool = False, lang: str = "en") -> None:  # fmt: skip
    """Run a scenario's replications, print the summary and write the results files."""
    scenario = load_scenario(scenario_file, list(overrides))
    out_dir = out_dir or Path("results") / scenario_file.stem
    if isinstance(scenario, City):
        city = expand_sites(scenario, scenario_file.parent)
        _run_city(city, scenario_file, replications, seed, out_dir, workers, cluster)
        if with_report:  # a city report (no variants for a city round)
            _build_report(out_dir, lang)
        return
    n = replications or scenario.replications
    with open_executor(1 if n == 1 else workers, cluster) as executor, _Progress(n) as advance:
        result = run(scenario, n, seed, executor, on_done=lambda _: advance())
    paths = write_results(result, out_dir, str(scenario_file))
    _print_summary(scenario, result.summary())
    out.print(f"\nResults: {', '.join(str(p) for p in paths.values())}", markup=False)
    if with_report:
        with open_executor(1 if n == 1 else workers, cluster) as executor:
            out.print(f"Variants: {run_variants(result, out_dir, executor=executor)}", markup=False)
        _build_report(out_dir, lang)


@main.command("report")
@click.argument("results_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Report language.")
@reports_errors
def report_command(results_dir: Path, lang: str) -> None:
    """Build report.html, report.md, figures/ (and report.pdf where possible) from a results folder."""
    _build_report(results_dir, lang)


def _build_report(results_dir: Path, lang: str) -> None:
    import warnings

    from .report import build_report  # matplotlib and jinja2 load only when a report is asked for

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        report = build_report(results_dir, lang)
    messages = list(dict.fromkeys(str(w.message) for w in caught))  # once each: e.g. "no CJK font found"
    for message in messages[:3]:
        err.print(f"warning: {message}", markup=False)
    if len(messages) > 3:
        err.print(f"warning: and {len(messages) - 3} more while drawing the figures", markup=False)
    written = [report.html, report.markdown, *([report.pdf] if report.pdf else [])]
    out.print(f"Report: {', '.join(str(p) for p in written)} (figures in {report.html.parent / 'figures'})",
              markup=False)  # fmt: skip
    for note in report.notes:
        err.print(f"note: {note}", markup=False)


@main.command("validate")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@overrides_option
@reports_errors
def validate_command(scenario_file: Path, overrides: tuple[str, ...]) -> None:
    """Check a scenario file; exit 2 with located messages if it is not valid."""
    scenario = load_scenario(scenario_file, list(overrides))
    out.print(f"{scenario_file}: valid ({scenario.name})", markup=False)
    if isinstance(scenario, Scenario):
        for warning in staffing_warnings(scenario):
            err.print(f"warning: {warning}", markup=False)


@main.command("schema")
def schema_command() -> None:
    """Print the scenario JSON Schema (for editor completion)."""
    click.echo(json.dumps(Scenario.model_json_schema(), indent=2, ensure_ascii=False))


@main.command("sweep")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--vary", "vary", multiple=True, required=True, metavar="KEY.PATH=V1,V2,...",
              help="A key and its values; repeat for a grid (the first one is the x axis of the figures).")  # fmt: skip
@click.option(
    "--replications", "-n", type=click.IntRange(min=1), help="Replications per variant (default: the scenario's)."
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed, shared by every variant (default: the scenario's).")
@overrides_option
@workers_option
@cluster_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Sweep folder (default: results/<scenario file stem>/sweep/).")  # fmt: skip
@click.option("--no-figures", is_flag=True, help="Skip the PNG figure per KPI.")
@reports_errors
def sweep_command(scenario_file: Path, vary: tuple[str, ...], replications: int | None, seed: int | None,
                  overrides: tuple[str, ...], workers: int | None, cluster: str | None, out_dir: Path | None,
                  no_figures: bool) -> None:  # fmt: skip
    """Run a grid of variants with common random numbers; resumable (finished runs are kept)."""
    from .experiment.sweep import Axis, RunStore, run_sweep, write_sweep
    from .experiment.sweep_plot import plot_sweep

    scenario = load_scenario(scenario_file, list(overrides))
    axes = [Axis.parse(v) for v in vary]
    n = replications or scenario.replications
    out_dir = out_dir or Path("results") / scenario_file.stem / "sweep"
    total = n
    for axis in axes:
        total *= len(axis.values)
    with open_executor(workers, cluster) as executor, _Progress(total, "runs") as advance:
        result = run_sweep(scenario, axes, n, seed, executor, RunStore(out_dir / "runs"), on_done=lambda _: advance())
    paths = write_sweep(result, out_dir)
    figures = [] if no_figures else plot_sweep(*result.summary_rows(), result.keys, out_dir / "figures")
    out.print(f"{len(result.variants)} variants × {n} replications, seed {result.seed}: "
              f"{result.computed} runs computed, {total - result.computed} reused.", markup=False)  # fmt: skip
    out.print(f"Results: {', '.join(str(p) for p in paths.values())}"
              + (f", {len(figures)} figures in {out_dir / 'figures'}" if figures else ""), markup=False)  # fmt: skip


@main.command("search")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key", required=True, metavar="KEY.PATH", help="The integer key to search, e.g. site.sampling.stations."
)
@click.option("--min", "low", type=int, required=True, help="Smallest value to consider.")
@click.option("--max", "high", type=int, required=True, help="Largest value to consider.")
@click.option("--target", "targets", multiple=True, metavar="KPI<=VALUE",
              help="A target every candidate must meet (repeat; default: the scenario's targets).")  # fmt: skip
@click.option("--batch", type=click.IntRange(min=1), default=10, show_default=True, help="Replications added per step.")
@click.option("--min-replications", type=click.IntRange(min=2), default=10, show_default=True,
              help="Replications before any verdict (guards against a few lucky runs).")  # fmt: skip
@click.option("--max-replications", type=click.IntRange(min=2), default=100, show_default=True,
              help="Cap on replications per candidate.")  # fmt: skip
@click.option("--seed", type=click.IntRange(min=0), help="Seed (default: the scenario's).")
@overrides_option
@workers_option
@cluster_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for search.csv and search.json (default: results/<scenario file stem>/search/).")  # fmt: skip
@reports_errors
def search_command(scenario_file: Path, key: str, low: int, high: int, targets: tuple[str, ...], batch: int,
                   min_replications: int, max_replications: int, seed: int | None, overrides: tuple[str, ...],
                   workers: int | None, cluster: str | None, out_dir: Path | None) -> None:  # fmt: skip
    """The smallest value of KEY meeting every target with 95% confidence (bisection)."""
    from .experiment.search import search, write_search

    scenario = load_scenario(scenario_file, list(overrides))
    chosen = list(targets) or list(scenario.targets)
    if not chosen:
        raise DrillError("give at least one --target (the scenario has none)")
    out_dir = out_dir or Path("results") / scenario_file.stem / "search"

    def tried(c: Any) -> None:
        out.print(f"  {key}={c.value}: {c.verdict} after {c.replications} replications", markup=False)

    with open_executor(workers, cluster) as executor:
        result = search(scenario, key, low, high, chosen, seed, executor, batch, max_replications,
                        min_replications, on_candidate=tried)  # fmt: skip
    header, rows = result.rows()
    table = Table(title=f"{scenario.name}: search over {key} (seed {result.seed})")
    for column in header:
        table.add_column(column, justify="left" if column in ("verdict", "target") else "right")
    for row in rows:
        table.add_row(*(_fmt(x) if isinstance(x, float) else str(x) for x in row))
    out.print(table)
    out.print(result.explain(), markup=False)
    paths = write_search(result, out_dir)
    out.print(f"Results: {', '.join(str(p) for p in paths.values())}", markup=False)


def _run_city(city: City, scenario_file: Path, replications: int | None, seed: int | None, out_dir: Path,
              workers: int | None, cluster: str | None) -> None:  # fmt: skip
    """A city round: sites in chunks on the executor, a progress bar by sites done."""
    n = replications or city.replications
    with open_executor(workers, cluster) as executor, _Progress(n * len(SiteIndex(city)), "sites") as advance:
        result = run_city(city, n, seed, executor, on_sites_done=advance)
    paths = write_city_results(result, out_dir, str(scenario_file))
    summary = result.summary()
    out.print(_kpi_table(f"{city.name} — {n} replication(s), seed {summary['seed']}", summary))
    latest = summary["latest_site"]
    out.print(f"Latest site: #{latest['site']:.0f}, done {latest['completion_min']:.0f} min after opening "
              f"({latest['why']}).", markup=False)  # fmt: skip
    out.print(f"\nResults: {', '.join(str(p) for p in paths.values())}", markup=False)


class _Progress:
    """A rich progress bar on a terminal, nothing otherwise; `with` gives the advance callback."""

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


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.2f}"


def _per_gate(name: str) -> bool:
    """A gate's own KPI (checkpoint.<gate>.…); the terminal shows the all-gates total instead."""
    return name.startswith("checkpoint.") and not name.startswith("checkpoint.all.")


def _kpi_table(title: str, summary: dict[str, Any]) -> Table:
    shown = {name: s for name, s in summary["kpis"].items() if not _per_gate(name)}
    hidden = len(summary["kpis"]) - len(shown)
    caption = f"{hidden} per-gate KPIs are in summary.json" if hidden else None
    table = Table(title=title, caption=caption)
    table.add_column("KPI", no_wrap=True, min_width=max(len(name) for name in shown))
    for column in ("mean", "95% CI", "min", "max"):
        table.add_column(column, justify="right")
    for name, s in shown.items():
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
    for warning in summary.get("warnings", []):  # e.g. a roster too small to cover the rotations
        err.print(f"warning: {warning}", markup=False)
    for target in summary["targets"]:
        mark = {True: "met", False: "MISSED", None: "unknown KPI"}[target["met"]]
        out.print(f"Target {target['target']}: {mark} (mean {_fmt(target['mean'])})", markup=False)


@main.command("replay")
@click.argument("results_dir", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--replication", type=click.IntRange(min=1),
              help="The replication the event log must hold (default: whichever events.json names).")  # fmt: skip
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the page (default: RESULTS_DIR/replay.html).")  # fmt: skip
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Page language.")
@reports_errors
def replay_command(results_dir: Path, replication: int | None, out_file: Path | None, lang: str) -> None:
    """Write replay.html: the day animated on the site's layout, from the folder's events.csv."""
    from .replay import build_replay

    replay = build_replay(results_dir, replication, out_file, lang)
    out.print(f"Replay: {replay.path} ({replay.size_bytes / 1e6:.1f} MB; replication {replay.replication}, "
              f"{replay.people:,} people, {replay.rows:,} events)", markup=False)  # fmt: skip
    for moment in replay.moments:
        out.print(f"  {replay.path.name}#t={moment.clock}  {moment.label}", markup=False)
