"""A city round: many sites described compactly, sharing labs (not 5,077 copies of a site).

Sites come from templates (stations, staff times, pooling) with counts and populations,
listed in the YAML or in a CSV table beside it. Each site becomes an ordinary site
Scenario (`site_scenario`), so a city site behaves exactly as the same site run alone.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from ..errors import Problem, ScenarioError
from .distributions import Dist, Uniform
from .schema import ClockSpec, Group, Pooling, Scenario
from .site import Site
from .types import CheckError, Duration, Model, PositiveCount, PositiveDuration, Rate, Replications, Seed, Share

MAX_TABLE_BYTES = 20_000_000  # a sites table of 100,000 rows is ~5 MB
MAX_TABLE_ROWS = 100_000  # site groups (each of `count` sites); Xi'an's 5,077 sites fit in two


class SiteTemplate(Model):
    """What sites of one kind share; their population comes with each site."""

    site: Site
    pooling: Pooling = Pooling()
    population: dict[str, Group] = {"adult": Group(share=1.0)}
    turnout: Share = Field(1.0, description="share of a site's residents who come while it is open")


class SiteGroup(Model):
    """`count` sites of one template, each serving `population` residents."""

    template: str
    count: PositiveCount = Field(1, le=100_000)
    population: PositiveCount
    district: str = "city"
    name: str | None = None


class Lab(Model):
    """A laboratory: processes tubes first come first served at a capacity."""

    name: str
    capacity: Rate = Field(description="tubes per unit time, e.g. '1600000/d'")
    turnaround: Duration = Field(0.0, description="from the start of processing to the result")
    districts: list[str] | None = Field(None, description="districts it serves; omitted = every other district")


class Courier(Model):
    """Collections from every site of a district on a schedule, with a travel time to the lab."""

    every: PositiveDuration = 7200.0
    travel: Dist = Uniform(dist="uniform", low="20min", high="60min")


class City(Model):
    """A city round: the scenario of `drill run` when `kind: city`."""

    kind: Literal["city"]
    name: str = Field(min_length=1)
    description: str = ""
    seed: Seed = 0
    replications: Replications = 1
    clock: ClockSpec
    deadline: PositiveDuration = Field(86400.0, description="every site done within this time from open")
    sample_limit: PositiveDuration = Field(14400.0, description="room-temperature limit, swab → lab")
    templates: dict[str, SiteTemplate] = Field(min_length=1)
    sites: list[SiteGroup] = Field(default_factory=list)
    sites_table: str | None = Field(
        None, description="CSV beside the scenario: template,population[,count,district,name]"
    )
    courier: Courier = Courier()
    couriers: dict[str, Courier] = Field(default_factory=dict, description="per-district overrides")
    labs: list[Lab] = Field(min_length=1)
    sources: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_templates(self) -> City:
        for k, group in enumerate(self.sites):
            if group.template not in self.templates:
                raise CheckError(("sites", k, "template"),
                                 f"unknown template {group.template!r}; have {', '.join(self.templates)}")  # fmt: skip
        return self

    def courier_for(self, district: str) -> Courier:
        return self.couriers.get(district, self.courier)

    def lab_for(self, district: str) -> int:
        """Index of the lab serving a district."""
        for k, lab in enumerate(self.labs):
            if lab.districts is not None and district in lab.districts:
                return k
        for k, lab in enumerate(self.labs):
            if lab.districts is None:
                return k
        return 0


def site_scenario(city: City, group: SiteGroup) -> Scenario:
    """The ordinary site Scenario of one site of a group: Poisson arrivals while open."""
    template = city.templates[group.template]
    rate_per_h = group.population * template.turnout / city.clock.duration * 3600
    return Scenario.model_validate(
        {
            "name": group.name or f"{city.name}: {group.template}",
            "seed": city.seed,
            "replications": 1,
            "clock": city.clock,
            "arrivals": {"rate": f"{rate_per_h!r}/h"},
            "population": template.population,
            "site": template.site,
            "pooling": template.pooling,
        }
    )


def expand_sites(city: City, base_dir: Path) -> City:
    """The city with its sites table (if any) read into `sites`, every row validated."""
    if city.sites_table is None:
        return city
    path = base_dir / city.sites_table
    groups, problems = list(city.sites), []
    for line, row in read_sites_table(path):
        try:
            group = SiteGroup.model_validate(row)
        except ValidationError as exc:
            for error in exc.errors():
                key = ".".join(str(p) for p in error["loc"])
                problems.append(Problem(str(path), line, key, error["msg"].removeprefix("Value error, ")))
            continue
        if group.template not in city.templates:
            problems.append(Problem(str(path), line, "template",
                                    f"unknown template {group.template!r}; have {', '.join(city.templates)}"))  # fmt: skip
        groups.append(group)
    if problems:
        raise ScenarioError(problems)
    return city.model_copy(update={"sites": groups, "sites_table": None})


def read_sites_table(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line, row) of a sites CSV as SiteGroup data; problems are located by file and line."""
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        size = path.stat().st_size
        if size > MAX_TABLE_BYTES:
            raise ScenarioError([Problem(str(path), None, "sites_table", f"the table is {size:,} bytes, more than "
                                         f"the limit of {MAX_TABLE_BYTES:,}")])  # fmt: skip
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for line, row in enumerate(reader, start=2):
                if line - 1 > MAX_TABLE_ROWS:
                    raise ScenarioError([Problem(str(path), line, "sites_table", f"more than {MAX_TABLE_ROWS:,} rows; "
                                                 "give sites of one kind one row with a count")])  # fmt: skip
                data: dict[str, Any] = {k.strip(): v.strip() for k, v in row.items() if k and v and v.strip()}
                for key in ("population", "count"):
                    if key in data:
                        try:
                            data[key] = int(data[key])
                        except ValueError:
                            problems.append(Problem(str(path), line, key, f"{data[key]!r} is not a whole number"))
                rows.append((line, data))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError([Problem(str(path), None, "sites_table", f"cannot read the table: {exc}")]) from None
    if problems:
        raise ScenarioError(problems)
    return rows
