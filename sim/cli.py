"""The `drill` command: thin; every command is a call into the packages below it."""

from __future__ import annotations

import errno
import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .errors import DrillError, OptionError, Problem, ScenarioError
from .experiment import open_executor, run
from .experiment.brief import aim_lines, brief, num, recommendation_line, staffing_line, verdict_line
from .experiment.city import SiteIndex, run_city
from .experiment.executors import parse_cluster
from .experiment.plan import staff_text
from .experiment.recommend import variants_document
from .measure.catalogue import PART_TITLES, PARTS, decimals, format_value, is_key, part_of, unit_of
from .measure.names import unknown_targets
from .results import ResultsFolder, folder_lock, write_city_results, write_results, write_variants
from .scenario import Scenario, load_scenario
from .scenario.budget import Limits, over_budget, parse_size
from .scenario.checks import scenario_warnings
from .scenario.city import City, expand_sites

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


INTERRUPTED = 130  # the shell's code for a command stopped by Ctrl-C (128 + SIGINT)


class _Interrupts:
    """Ctrl-C raises KeyboardInterrupt as usual, and is remembered: a library that swallows it cannot make
    the command carry on (`check` raises it again) or end with exit 0."""

    seen = False

    @classmethod
    def handler(cls, signum: int, frame: object) -> None:
        cls.seen = True
        raise KeyboardInterrupt

    @classmethod
    def check(cls) -> None:
        if cls.seen:
            raise KeyboardInterrupt


@contextmanager
def _catching_interrupts() -> Iterator[None]:
    _Interrupts.seen = False
    try:
        previous = signal.signal(signal.SIGINT, _Interrupts.handler)
    except ValueError:  # not the main thread (a test runner's thread): leave Ctrl-C alone
        yield
        return
    try:
        yield
        _Interrupts.check()  # swallowed somewhere: still an interrupted command
    finally:
        signal.signal(signal.SIGINT, previous)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the project's errors into located messages and exit code 2, never a traceback; Ctrl-C is exit 130."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _catching_interrupts():
                return command(*args, **kwargs)
        except ScenarioError as exc:
            for problem in exc.problems:
                err.print(str(problem), markup=False)
            sys.exit(2)
        except DrillError as exc:
            err.print(f"error: {exc}", markup=False)
            sys.exit(2)
        except KeyboardInterrupt:
            err.print("interrupted (Ctrl-C)", markup=False)
            sys.exit(INTERRUPTED)
        except OSError as exc:  # the disk is full, a folder vanished: the machine's problem, said in one line
            if exc.errno == errno.EPIPE:
                sys.exit(0)  # the reader of our output went away (drill schema | head)
            where = f": {exc.filename}" if exc.filename else ""
            err.print(f"error: {exc.strerror or exc}{where}", markup=False)
            sys.exit(2)

    return wrapper


class _Drill(click.Group):
    """The `drill` group: a bad option or argument is one line (`error: ...`), exit 2, like every other error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Abort:  # Ctrl-C outside a command (while starting)
            err.print("interrupted (Ctrl-C)", markup=False)
            sys.exit(INTERRUPTED)
        except click.ClickException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `drill` alone: its help, as click shows it
                err.print(exc.format_message(), markup=False, highlight=False)
                sys.exit(exc.exit_code)
            names: list[str] = []
            ctx = getattr(exc, "ctx", None)
            while ctx is not None and ctx.parent is not None:  # the subcommand's name, as typed
                names.insert(0, ctx.info_name or "")
                ctx = ctx.parent
            err.print(f"error: {exc.format_message()} (see {' '.join(['drill', *names, '--help'])})", markup=False)
            sys.exit(exc.exit_code)


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        size = parse_size(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    if not size > 0:
        raise click.BadParameter(f"{value!r} must be greater than 0")
    return size


def _number(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number such as 200000000 or 2e8") from None
    if not number > 0:
        raise click.BadParameter(f"{value!r} must be greater than 0")
    return number


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
staff_option = click.option(
    "--staff", type=click.Choice(["follow", "fixed"]), default="follow", show_default=True,
    help="follow: a change of stations or entry lanes brings the staff its posts need (rosters become 'auto'); "
    "fixed: keep the file's rosters.",
)  # fmt: skip
_LIMITS = Limits()
max_memory_option = click.option(
    "--max-memory", "max_memory", metavar="SIZE", callback=_size,
    help=f"Memory one replication may use (default {_LIMITS.memory_bytes / 1e9:g}GB): a larger run is refused before "
         "it starts, with the estimate and the key responsible.",
)  # fmt: skip
max_events_option = click.option(
    "--max-events", "max_events", metavar="N", callback=_number,
    help=f"Simulation events one replication may take (default {_LIMITS.events:.0e}; about 130,000-250,000 a second).",
)  # fmt: skip


def _limits(max_memory: float | None, max_events: float | None) -> Limits:
    return Limits(max_memory or _LIMITS.memory_bytes, max_events or _LIMITS.events)


def _load(scenario_file: Path, overrides: tuple[str, ...], limits: Limits | None = _LIMITS,
          replications: int | None = None, targets: bool = True) -> Scenario | City:  # fmt: skip
    """Load and check a scenario before any work: validation, cross-checks, targets' KPI names, the budget."""

    def budget(scenario: Scenario | City) -> list[Any]:
        if limits is None:
            return []
        if isinstance(scenario, City):
            scenario = expand_sites(scenario, scenario_file.parent)
        return over_budget(scenario, limits, replications)

    return load_scenario(scenario_file, list(overrides), checks=[unknown_targets, budget] if targets else [budget])


def _warn(scenario: Scenario | City) -> set[str]:
    """Print the scenario's warnings before any work; returns them so that they are not printed twice."""
    shown = scenario_warnings(scenario) if isinstance(scenario, Scenario) else []
    for warning in shown:
        err.print(f"warning: {warning}", markup=False)
    return set(shown)


@click.group(cls=_Drill, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--all", "everything", is_flag=True, help="Show every KPI in the table, not only the key ones.")
@click.option("--events", "with_events", is_flag=True, help="Also write events.csv: the event log of one replication.")
@click.option("--events-replication", type=click.IntRange(min=1), default=1, show_default=True, metavar="K",
              help="The replication (from 1) whose event log --events writes.")  # fmt: skip
@max_memory_option
@max_events_option
@reports_errors
def run_command(scenario_file: Path, replications: int | None, seed: int | None, out_dir: Path | None,
                overrides: tuple[str, ...], workers: int | None, cluster: str | None = None,
                with_report: bool = False, lang: str = "en", everything: bool = False, with_events: bool = False,
                events_replication: int = 1, max_memory: float | None = None,
                max_events: float | None = None) -> None:  # fmt: skip
    """Run a scenario's replications, print the verdict and the summary, and write the results files.

    Everything is checked before the first replication: the scenario, its budget, --cluster, and that
    the results folder can be written and no other command is writing it.
    """
    cluster = parse_cluster(cluster)
    scenario = _load(scenario_file, overrides, _limits(max_memory, max_events), replications)
    out_dir = out_dir or Path("results") / scenario_file.stem
    shown = _warn(scenario)
    with folder_lock(out_dir):  # held to the end: the report joins the folder before another writer may
        if isinstance(scenario, City):
            if with_events:
                raise OptionError("--events writes the event log of a site scenario, not of a city round")
            city = expand_sites(scenario, scenario_file.parent)
            _run_city(city, scenario_file, replications, seed, out_dir, workers, cluster)
            if with_report:  # a city report (no variants for a city round)
                _build_report(out_dir, lang)
            return
        n = replications or scenario.replications
        if with_events and events_replication > n:
            raise OptionError(f"--events-replication {events_replication}: the run has {n} replication(s)")
        folder = ResultsFolder(out_dir, "site")
        try:
            with folder, open_executor(1 if n == 1 else workers, cluster) as executor, _Progress(n) as advance:
                result = run(scenario, n, seed, executor, on_done=lambda _: advance())
                paths = write_results(result, folder, str(scenario_file))
                if with_events or with_report:  # the report's replay needs replication 1's event log
                    from .drill.files import write_replication_events

                    k = events_replication if with_events else 1
                    events = write_replication_events(scenario, k, result.seed, out_dir)
                    folder.include(*(path.name for path in events.values()))
                    paths.update(events)
        except KeyboardInterrupt:
            _interrupted_write(folder)
            raise
        _print_summary(scenario, result.summary(), everything, shown)
        out.print(f"\nResults: {', '.join(str(p) for p in paths.values())}", markup=False)
        if with_report:
            try:
                with open_executor(1 if n == 1 else workers, cluster) as executor:
                    document = variants_document(result, executor=executor)
                out.print(recommendation_line(document), markup=False)
                out.print(f"Variants: {write_variants(document, out_dir)}", markup=False)
                _build_replay(out_dir, lang)
                _build_report(out_dir, lang)
            except KeyboardInterrupt:
                err.print(f"interrupted: the results in {out_dir} are saved; build the report with "
                          f"`drill report {out_dir}`", markup=False)  # fmt: skip
                raise


def _build_replay(out_dir: Path, lang: str, replication: int | None = None, out_file: Path | None = None) -> Any:
    """replay.html from the folder's event log; written into a results folder, it joins the folder's manifest."""
    from .replay import build_replay
    from .replay.page import REPLAY
    from .results.files import MANIFEST

    if out_file is not None or not (out_dir / MANIFEST).is_file():
        return build_replay(out_dir, replication, out_file, lang)
    with ResultsFolder.update(out_dir, ("site",)) as folder:
        replay = build_replay(out_dir, replication, None, lang)
        folder.include(REPLAY)
    out.print(f"Replay: {replay.path}", markup=False)
    return replay


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
@max_memory_option
@max_events_option
@reports_errors
def validate_command(scenario_file: Path, overrides: tuple[str, ...], max_memory: float | None = None,
                     max_events: float | None = None) -> None:  # fmt: skip
    """Check a scenario file as `drill run` would (its targets and budget too); exit 2 with located messages."""
    scenario = _load(scenario_file, overrides, _limits(max_memory, max_events))
    out.print(f"{scenario_file}: valid ({scenario.name})", markup=False)
    _warn(scenario)


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
@staff_option
@max_memory_option
@max_events_option
@reports_errors
def sweep_command(scenario_file: Path, vary: tuple[str, ...], replications: int | None, seed: int | None,
                  overrides: tuple[str, ...], workers: int | None, cluster: str | None, out_dir: Path | None,
                  no_figures: bool, staff: str = "follow", max_memory: float | None = None,
                  max_events: float | None = None) -> None:  # fmt: skip
    """Run a grid of variants with common random numbers; resumable (finished runs are kept)."""
    from .experiment.sweep import Axis, grid, run_sweep
    from .results import RunStore, write_sweep

    cluster = parse_cluster(cluster)
    limits = _limits(max_memory, max_events)
    scenario = _load(scenario_file, overrides, limits, replications, targets=False)
    if isinstance(scenario, City):
        raise OptionError(f"{scenario_file}: a city round; sweeps vary a site scenario")
    axes = [Axis.parse(v) for v in vary]
    n = replications or scenario.replications
    _check_variants(grid(scenario, axes), limits, n)
    out_dir = out_dir or Path("results") / scenario_file.stem / "sweep"
    _warn(scenario)
    total = n
    for axis in axes:
        total *= len(axis.values)
    figures: list[Path] = []
    with ResultsFolder(out_dir, "sweep") as folder:  # runs/ (the resumable store) is written as runs finish
        try:
            with open_executor(workers, cluster) as executor, _Progress(total, "runs") as advance:
                result = run_sweep(scenario, axes, n, seed, executor, RunStore(out_dir / "runs"),
                                   on_done=lambda _: advance(), staff=staff)  # type: ignore[arg-type]  # fmt: skip
        except KeyboardInterrupt:
            kept = sum(1 for _ in (out_dir / "runs").rglob("*.json"))
            err.print(f"interrupted: {kept} finished runs are kept in {out_dir / 'runs'}; run the same command "
                      "again to compute only the rest", markup=False)  # fmt: skip
            raise
        paths = write_sweep(result, folder)  # from here on, an interruption still saves the tables
        for v in result.variants:
            if v.scenario.staff is not None:
                out.print(f"  {v.key}: staff {staff_text(v.scenario)}", markup=False)
        if not no_figures:
            from .report.sweep import plot_sweep

            try:
                figures = plot_sweep(*result.summary_rows(), result.keys, folder.directory("figures"),
                                     between=_Interrupts.check)  # fmt: skip
            except KeyboardInterrupt:
                folder.discard("figures")
                err.print(f"interrupted while drawing the figures: the tables are saved in {out_dir}", markup=False)
                raise
    out.print(f"{len(result.variants)} variants × {n} replications, seed {result.seed}: "
              f"{result.computed} runs computed, {total - result.computed} reused.", markup=False)  # fmt: skip
    out.print(f"Results: {', '.join(str(p) for p in paths.values())}"
              + (f", {len(figures)} figures in {out_dir / 'figures'}" if figures else ""), markup=False)  # fmt: skip


def _check_variants(variants: list[Any], limits: Limits, replications: int) -> None:
    """Every variant of a sweep or search within the budget, before any of them runs."""
    problems = []
    for v in variants:
        for finding in over_budget(v.scenario, limits, replications):
            problems.append(Problem("--vary", None, ".".join(str(p) for p in finding.path),
                                    f"{finding.message} (variant {v.key})"))  # fmt: skip
    if problems:
        raise ScenarioError(problems[:1])


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
@staff_option
@max_memory_option
@max_events_option
@reports_errors
def search_command(scenario_file: Path, key: str, low: int, high: int, targets: tuple[str, ...], batch: int,
                   min_replications: int, max_replications: int, seed: int | None, overrides: tuple[str, ...],
                   workers: int | None, cluster: str | None, out_dir: Path | None, staff: str = "follow",
                   max_memory: float | None = None, max_events: float | None = None) -> None:  # fmt: skip
    """The smallest value of KEY meeting every target with 95% confidence (bisection)."""
    from .experiment.plan import plan_variant
    from .experiment.search import search
    from .experiment.verdict import Target
    from .measure.names import kpi_names, unknown_kpi
    from .results import write_search

    cluster = parse_cluster(cluster)
    limits = _limits(max_memory, max_events)
    scenario = _load(scenario_file, overrides, limits, max_replications, targets=not targets)
    if isinstance(scenario, City):
        raise OptionError(f"{scenario_file}: a city round; search varies a site scenario")
    chosen = list(targets) or list(scenario.targets)
    if not chosen:
        raise DrillError("give at least one --target (the scenario has none)")
    if low > high:
        raise OptionError(f"--min {low} is above --max {high}")
    known = kpi_names(scenario)
    for text in targets:
        why = unknown_kpi(Target.parse(text).kpi, known)
        if why is not None:
            raise OptionError(f"--target {text!r}: {why}")
    ends = [(value, plan_variant(scenario, {key: value}, staff, source=f"--key {key}"))  # type: ignore[arg-type]
            for value in sorted({low, high})]  # fmt: skip
    _check_variants([_Named(f"{key}={value}", s) for value, s in ends], limits, max_replications)
    out_dir = out_dir or Path("results") / scenario_file.stem / "search"
    _warn(scenario)

    def tried(c: Any) -> None:
        staffed = f" (staff: {c.staff})" if c.staff else ""
        out.print(f"  {key}={c.value}: {c.verdict} after {c.replications} replications{staffed}", markup=False)

    try:
        with ResultsFolder(out_dir, "search") as folder, open_executor(workers, cluster) as executor:
            result = search(scenario, key, low, high, chosen, seed, executor, batch, max_replications,
                            min_replications, on_candidate=tried, staff=staff)  # type: ignore[arg-type]  # fmt: skip
            paths = write_search(result, folder)
    except KeyboardInterrupt:
        err.print(f"interrupted before the search decided: {out_dir} is unchanged", markup=False)
        raise
    out.print(f"\n{scenario.name}: search over {key} (seed {result.seed})", markup=False)
    for line in search_lines(result):
        out.print(line, markup=False)
    out.print(result.explain(), markup=False)
    out.print(f"Results: {', '.join(str(p) for p in paths.values())}", markup=False)


def search_lines(result: Any) -> list[str]:
    """The search as plain lines under 80 columns: value, verdict, replications, then each target's interval."""
    lines = [f"{'value':>6}  {'verdict':<9} {'reps':>4}  {'target':<30} {'mean':>8}  95% interval"]
    for value in sorted(result.candidates):
        c = result.candidates[value]
        for k, target in enumerate(result.targets):
            mean, low, high = c.intervals.get(str(target), (None, None, None))
            ci = "—" if low is None or low != low else f"{num(low)}–{num(high)}"
            head = f"{value:>6}  {c.verdict:<9} {c.replications:>4}" if k == 0 else " " * 21
            lines.append(f"{head}  {str(target)[:30]:<30} {num(mean if mean == mean else None):>8}  {ci}")
    return lines


class _Named:
    """A scenario with a name for messages, as a sweep's Variant has (for _check_variants)."""

    def __init__(self, key: str, scenario: Scenario):
        self.key, self.scenario = key, scenario


def _run_city(city: City, scenario_file: Path, replications: int | None, seed: int | None, out_dir: Path,
              workers: int | None, cluster: str | None) -> None:  # fmt: skip
    """A city round: sites in chunks on the executor, a progress bar by sites done."""
    n = replications or city.replications
    folder = ResultsFolder(out_dir, "city")
    try:
        with folder, open_executor(workers, cluster) as executor, \
                _Progress(n * len(SiteIndex(city)), "sites") as advance:  # fmt: skip
            result = run_city(city, n, seed, executor, on_sites_done=advance)
            paths = write_city_results(result, folder, str(scenario_file))
    except KeyboardInterrupt:
        _interrupted_write(folder)
        raise
    summary = result.summary()
    out.print(f"{city.name} — {n} replication(s), seed {summary['seed']}\n", markup=False)
    for line in (verdict_line(summary), "Aims:", *aim_lines(summary)):
        out.print(line, markup=False)
    out.print()
    out.print(_kpi_table("Results (mean over replications, 95% interval)", summary, everything=True))
    latest = summary["latest_site"]
    out.print(f"Latest site: #{latest['site']:.0f}, done {latest['completion_min']:.0f} min after opening "
              f"({latest['why']}).", markup=False)  # fmt: skip
    out.print(f"\nResults: {', '.join(str(p) for p in paths.values())}", markup=False)


def _interrupted_write(folder: ResultsFolder) -> None:
    """Say what an interruption left in the results folder."""
    if folder.state == "committing":
        err.print(f"interrupted while saving: {folder.folder} is incomplete (no run.json); run the scenario again",
                  markup=False)  # fmt: skip
    elif folder.state != "committed":
        err.print(f"interrupted before the replications finished: {folder.folder} is unchanged", markup=False)


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
    return num(value)


def _kpi_table(title: str, summary: dict[str, Any], everything: bool = True) -> Table:
    """KPIs grouped by part, each with its unit, numbers shown as the report shows them (the KPI catalogue's
    rule); only the key rows unless `everything` (the rest are in summary.json)."""
    kpis = summary["kpis"]
    shown = [name for name in kpis if everything or is_key(name)]
    hidden = len(kpis) - len(shown)
    order = {part: k for k, part in enumerate([*PARTS, "other"])}
    by_part: dict[str, list[str]] = {}
    for name in shown:
        by_part.setdefault(part_of(name), []).append(name)
    rows: list[tuple[str, ...]] = []
    for part in sorted(by_part, key=lambda p: order.get(p, len(order))):
        rows.append((f"[bold]{PART_TITLES.get(part, part)}[/bold]",))
        for name in by_part[part]:
            s = kpis[name]
            places = decimals(name, s["mean"]) if s["mean"] is not None else None
            ci = "—" if s["ci_low"] is None else (f"{format_value(s['ci_low'], name, places)}–"
                                                  f"{format_value(s['ci_high'], name, places)}")  # fmt: skip
            label = name if s.get("n") in (None, summary.get("replications")) else f"{name} (in {s['n']})"
            rows.append((f"  {label}", unit_of(name), format_value(s["mean"], name), ci,
                         format_value(s["min"], name), format_value(s["max"], name)))  # fmt: skip
    caption = f"{hidden} more rows: --all, or summary.json" if hidden else None
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  collapse_padding=True)  # fmt: skip
    widths = [max([len(row[k]) for row in rows if len(row) > 1] + [4]) for k in range(6)]
    table.add_column("KPI", overflow="fold", min_width=min(widths[0], 36))  # folds only the longest names
    table.add_column("unit", overflow="fold", min_width=min(widths[1], 10))
    for k, column in enumerate(("mean", "95% CI", "min", "max"), start=2):
        table.add_column(column, justify="right", no_wrap=True, min_width=widths[k])
    for row in rows:
        table.add_row(*row)
    return table


def _print_summary(scenario: Scenario, summary: dict[str, Any], everything: bool = False,
                   shown: set[str] | None = None) -> None:  # fmt: skip
    """The planner's view: the verdict and five lines first, then the table grouped by part."""
    out.print(f"{scenario.name} — {summary['replications']} replications, seed {summary['seed']}\n", markup=False)
    for line in brief(summary):
        out.print(line, markup=False)
    staffing = staffing_line(summary)
    if staffing:
        out.print(staffing, markup=False)
    for warning in summary.get("warnings", []):  # e.g. a roster too small to keep every post staffed
        if warning in (shown or set()):
            continue  # printed before the run started
        err.print(f"warning: {warning}", markup=False)
    load = summary["sanity"]
    if load["load_per_station"] >= 1:
        err.print("warning: offered load is at or above 1 per station: the queue grows while the site is open.",
                  markup=False)  # fmt: skip
    out.print()
    out.print(_kpi_table("Results (mean over replications, 95% interval)", summary, everything))
    out.print(f"Sanity: offered load {load['load_per_station']:.2f} per station ({load['arrival_per_hour']:.0f}/h "
              f"arriving on average, stations can do about {load['capacity_per_hour']:.0f}/h).", markup=False)  # fmt: skip


# --- the drill loop: a drill's records in, the plan beside the day ---------------------------------------


def _site_scenario(path: Path, overrides: tuple[str, ...] = ()) -> Scenario:
    scenario = load_scenario(path, list(overrides))
    if not isinstance(scenario, Scenario):
        raise OptionError(f"{path}: a city round; drill records belong to one site's scenario")
    return scenario


def _duration_option(text: str, option: str) -> float:
    from .scenario.units import parse_duration

    try:
        return parse_duration(text)
    except ValueError as exc:
        raise OptionError(f"{option}: {exc}") from None


map_option = click.option("--map", "mapping", multiple=True, metavar="COLUMN=FIELD",
                          help="Read the file's COLUMN as FIELD (person, arrived, registered, swab_start, swab_end, "
                               "station, tube, group); repeat for each.")  # fmt: skip
tolerance_option = click.option("--tolerance", default="1s", show_default=True, metavar="DURATION",
                                help="A swab that starts within this of the station's previous swab end: the "
                                     "registrar waited for the sampler (registration censored).")  # fmt: skip


@main.command("fit")
@click.argument("records_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--scenario", "scenario_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The base scenario: everything the records do not tell is kept from it.")  # fmt: skip
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The fitted scenario to write (fit.json and rejected.csv go beside it).")  # fmt: skip
@map_option
@tolerance_option
@reports_errors
def fit_command(records_file: Path, scenario_file: Path, out_file: Path, mapping: tuple[str, ...],
                tolerance: str) -> None:  # fmt: skip
    """Fit arrivals, registration and swab times, stations and pooling to a drill's records."""
    from .drill.fit import fit_records
    from .drill.fit_files import fitted_values, problem_lines, write_fit
    from .scenario.drill_records import parse_map, read_records

    scenario = _site_scenario(scenario_file)
    tolerance_s = _duration_option(tolerance, "--tolerance")
    records = read_records(records_file, parse_map(mapping), list(scenario.population))
    fit = fit_records(records, scenario, tolerance_s)
    paths = write_fit(fit, records_file, scenario_file, out_file)
    table = Table(title=f"{records_file.name}: {records.n} of {records.read} rows used")
    for column in ("key", "at", "fitted", "95% interval", "rows", "how"):
        table.add_column(column, justify="right" if column in ("fitted", "95% interval", "rows") else "left",
                         no_wrap=column != "how")  # fmt: skip
    for v in fitted_values(fit):
        unit = {"s": " s", "/h": "/h"}.get(v["unit"], "")
        ci = "—" if v["low"] is None else f"{_fmt(v['low'])} – {_fmt(v['high'])}{unit}"
        table.add_row(v["key"].replace("site.sampling.", "").replace("arrivals.profile.", "profile."), v.get("at", ""),
                      f"{_fmt(v['value'])}{unit}", ci, f"{v['rows']:,}", v["short"])  # fmt: skip
    out.print(table)
    for line in problem_lines(records):  # part of the fit's report, so on standard output
        out.print(line, markup=False)
    for note in fit.notes:
        out.print(f"note: {note}", markup=False)
    out.print("Details (every family tried, per-station fits, hourly throughput): fit.json", markup=False)
    out.print(f"Fitted: {', '.join(str(p) for p in paths.values())}", markup=False)


@main.command("compare")
@click.argument("scenario_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("records_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for compare.json, compare.html/.md, the plan's results files and day/events.csv.")  # fmt: skip
@click.option(
    "--replications", "-n", type=click.IntRange(min=2), help="Replications of the plan (default: the scenario's)."
)
@click.option("--seed", type=click.IntRange(min=0), help="Seed (default: the scenario's).")
@overrides_option
@workers_option
@map_option
@tolerance_option
@click.option(
    "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of the report."
)
@reports_errors
def compare_command(scenario_file: Path, records_file: Path, out_dir: Path, replications: int | None,
                    seed: int | None, overrides: tuple[str, ...], workers: int | None, mapping: tuple[str, ...],
                    tolerance: str, lang: str) -> None:  # fmt: skip
    """Run the plan and set it beside a drill's records: compare.json and a report section (en, zh)."""
    from .drill.compare import comparison
    from .drill.files import write_compare
    from .drill.fit_files import problem_lines
    from .report.compare import kpi_rows
    from .report.compare_words import findings
    from .scenario.drill_records import parse_map, read_records

    scenario = _site_scenario(scenario_file, overrides)
    tolerance_s = _duration_option(tolerance, "--tolerance")
    records = read_records(records_file, parse_map(mapping), list(scenario.population))
    n = replications or scenario.replications
    if n < 2:
        raise OptionError("the plan needs at least 2 replications for a range of one day (give --replications)")
    with open_executor(workers, None) as executor, _Progress(n) as advance:
        del advance
        data, result = comparison(scenario, records, n, seed, executor, tolerance_s)
    paths = write_results(result, out_dir, str(scenario_file))  # the plan's own results: `drill report DIR` works
    paths.update(write_compare(data, records, scenario, out_dir, lang))
    table = Table(title=f"{scenario.name}: the plan ({n} replications) beside {records_file.name}")
    for column in ("KPI", "plan", "95% CI", "range for a day", "the day", ""):
        table.add_column(column, justify="left" if column in ("KPI", "") else "right", no_wrap=column == "KPI")
    for row in kpi_rows(data, "en"):
        table.add_row(row["name"], row["plan"], row["ci"], row["day"], row["actual"],
                      "" if row["badge"] == "met" else row["verdict"])  # fmt: skip
    out.print(table)
    said = findings(data, "en")
    out.print("Where the plan was wrong:" if said["wrong"] else "Where the plan was wrong: nowhere compared.",
              markup=False)  # fmt: skip
    for line in said["wrong"]:
        out.print(f"  - {line}", markup=False)
    for line in said["notes"]:
        out.print(line, markup=False)
    for line in problem_lines(records, purpose="the actual numbers")[1:]:  # the count is in the notes above
        out.print(line, markup=False)
    out.print(f"Results: {', '.join(str(p) for p in paths.values())}", markup=False)


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
    replay = _build_replay(results_dir, lang, replication, out_file)
    out.print(f"Replay: {replay.path} ({replay.size_bytes / 1e6:.1f} MB; replication {replay.replication}, "
              f"{replay.people:,} people, {replay.rows:,} events)", markup=False)  # fmt: skip
    for moment in replay.moments:
        out.print(f"  {replay.path.name}#t={moment.clock}  {moment.label}", markup=False)


# --- the KPI reference and the translations -------------------------------------------------------------


@main.command("kpis")
@click.option("--markdown", "markdown_file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the KPI reference as Markdown to FILE ('-': the terminal), as scenarios/KPIS.md holds it.")  # fmt: skip
@reports_errors
def kpis_command(markdown_file: Path | None) -> None:
    """Print the KPI catalogue: every KPI name by part, with its unit, decimals, when it is reported, its label."""
    from .measure.reference import reference_markdown, rows

    if markdown_file is not None:
        text = reference_markdown()
        if str(markdown_file) == "-":
            out.print(text, markup=False, highlight=False, end="")
            return
        markdown_file.write_text(text, encoding="utf-8")
        out.print(f"KPI reference: {markdown_file}", markup=False)
        return
    table = Table(title="KPI catalogue", caption="reported with: the scenario parts that add the KPI (site: every "
                  "site scenario); --markdown FILE writes the reference with Chinese labels",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)  # fmt: skip
    table.add_column("KPI", no_wrap=True)
    for column in ("unit", "key", "reported with", "label"):
        table.add_column(column, overflow="fold")
    part = None
    for row in rows():
        if row["part"] != part:
            part = row["part"]
            table.add_row(f"[bold]{PART_TITLES[part]}[/bold]")
        table.add_row(f"  {row['name']}", row["unit"], row["key"], row["when_codes"], row["label"])
    out.print(table)


@main.command("translations")
@click.option("--update", is_flag=True, help="Rewrite sim/locale/drill.pot from the code and merge it into each .po.")
@reports_errors
def translations_command(update: bool) -> None:
    """Check the translations (sim/locale/*/LC_MESSAGES/drill.po): exit 1 while anything is left to translate."""
    from .locale import LOCALES, po_path
    from .translations import TEMPLATE, messages, problems, write_template
    from .translations import update as merge

    if update:
        out.print(f"Template: {write_template()} ({len(messages())} messages)", markup=False)
        for lang in LOCALES:
            out.print(f"Merged into {merge(lang)}", markup=False)
    found = 0
    for lang in LOCALES:
        left = problems(lang)
        found += len(left)
        out.print(f"{po_path(lang)}: {'complete' if not left else f'{len(left)} to do'}", markup=False)
        for line in left:
            out.print(f"  {line}", markup=False)
    if found:
        out.print(f"Edit the .po file(s) with any PO editor; new messages come in with --update (from {TEMPLATE}).",
                  markup=False)  # fmt: skip
        sys.exit(1)
