"""The distribution family: each draws with the mean and spread its parameters promise.

Tolerances are a few standard errors, estimated from batches of the same fixed-seed draws.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter

from sim.errors import ScenarioError
from sim.scenario import Dist, scenario_from_data
from sim.scenario.distributions import DIST_NAMES, Empirical, Exponential, Fixed, Gamma, Lognormal, Triangular, Uniform

DRAWS = 200_000
BATCHES = 50
Z = 4.5  # standard errors allowed: a false alarm about once in 100,000 runs, were the seed not fixed

_dist = TypeAdapter(Dist)


def _tri_std(a: float, c: float, b: float) -> float:
    return math.sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18)


# (spec, mean in seconds, coefficient of variation)
CASES: list[tuple[dict[str, Any] | str, float, float]] = [
    ({"dist": "exponential", "mean": "36s"}, 36.0, 1.0),
    ({"dist": "uniform", "low": "30min", "high": "90min"}, 3600.0, 1800.0 / math.sqrt(3) / 3600.0),
    ({"dist": "triangular", "low": "10s", "mode": "15s", "high": "40s"}, 65 / 3, _tri_std(10, 15, 40) / (65 / 3)),
    ({"dist": "triangular", "low": "0s", "mode": "0s", "high": "1min"}, 20.0, _tri_std(0, 0, 60) / 20.0),
    ({"dist": "lognormal", "mean": "15s", "cv": 0.4}, 15.0, 0.4),
    ({"dist": "lognormal", "mean": "2min", "cv": 1.5}, 120.0, 1.5),
    ({"dist": "gamma", "mean": "25s", "cv": 0.5}, 25.0, 0.5),
    ({"dist": "gamma", "mean": "1h", "cv": 2.0}, 3600.0, 2.0),
    ({"dist": "empirical", "values": ["10s", "20s", "1min"]}, 30.0, float(np.std([10, 20, 60]) / 30)),
]


def _batch_se(x: np.ndarray, statistic: Any) -> float:
    """Standard error of a statistic, from its spread over equal batches of the draws."""
    values = [statistic(b) for b in np.array_split(x, BATCHES)]
    return float(np.std(values, ddof=1) / math.sqrt(BATCHES))


@pytest.mark.parametrize(("spec", "mean", "cv"), CASES, ids=lambda c: c["dist"] if isinstance(c, dict) else None)
def test_sample_mean_and_cv_match_the_parameters(spec: dict[str, Any], mean: float, cv: float) -> None:
    dist = _dist.validate_python(spec)
    x = dist.sample(np.random.default_rng(20211227), DRAWS)
    assert x.shape == (DRAWS,)
    assert np.all(x >= 0)
    assert dist.mean_s == pytest.approx(mean)

    def cv_of(b: np.ndarray) -> float:
        return float(np.std(b) / np.mean(b))

    assert abs(x.mean() - mean) <= Z * _batch_se(x, np.mean)
    assert abs(cv_of(x) - cv) <= Z * _batch_se(x, cv_of)
    # the tolerance is a real constraint: a 10% error in the mean would be far outside it
    assert Z * _batch_se(x, np.mean) < 0.05 * mean


def test_uniform_and_triangular_stay_in_their_range() -> None:
    rng = np.random.default_rng(1)
    u = _dist.validate_python({"dist": "uniform", "low": "30min", "high": "90min"}).sample(rng, 10_000)
    assert u.min() >= 1800 and u.max() <= 5400
    t = _dist.validate_python({"dist": "triangular", "low": "10s", "mode": "15s", "high": "40s"}).sample(rng, 10_000)
    assert t.min() >= 10 and t.max() <= 40


def test_empirical_draws_only_its_values_in_proportion() -> None:
    dist = _dist.validate_python({"dist": "empirical", "values": ["10s", "20s", "20s", "1min"]})
    x = dist.sample(np.random.default_rng(3), 40_000)
    values, counts = np.unique(x, return_counts=True)
    assert list(values) == [10.0, 20.0, 60.0]
    shares = counts / len(x)
    assert shares == pytest.approx([0.25, 0.5, 0.25], abs=4.5 * math.sqrt(0.25 * 0.75 / len(x)) * 2)


@pytest.mark.parametrize(("text", "seconds"), [("15s", 15.0), ("1min 30s", 90.0), (0, 0.0)])
def test_a_bare_duration_is_fixed(text: object, seconds: float) -> None:
    dist = _dist.validate_python(text)
    assert isinstance(dist, Fixed)
    assert dist.value == seconds
    assert np.all(dist.sample(np.random.default_rng(0), 5) == seconds)
    assert dist.mean_s == seconds


def test_every_family_is_reachable_by_its_name() -> None:
    kinds = {
        "fixed": ({"dist": "fixed", "value": "5s"}, Fixed),
        "exponential": ({"dist": "exponential", "mean": "5s"}, Exponential),
        "uniform": ({"dist": "uniform", "low": "1s", "high": "5s"}, Uniform),
        "triangular": ({"dist": "triangular", "low": "1s", "mode": "2s", "high": "5s"}, Triangular),
        "lognormal": ({"dist": "lognormal", "mean": "5s", "cv": 0.3}, Lognormal),
        "gamma": ({"dist": "gamma", "mean": "5s", "cv": 0.3}, Gamma),
        "empirical": ({"dist": "empirical", "values": ["5s"]}, Empirical),
    }
    assert set(kinds) == set(DIST_NAMES)
    for spec, cls in kinds.values():
        assert isinstance(_dist.validate_python(spec), cls)


def test_same_seed_same_draws() -> None:
    dist = _dist.validate_python({"dist": "gamma", "mean": "25s", "cv": 0.5})
    a = dist.sample(np.random.default_rng(7), 100)
    b = dist.sample(np.random.default_rng(7), 100)
    assert np.array_equal(a, b)


def _scenario_with_swab(swab: object) -> dict[str, Any]:
    return {
        "name": "dists",
        "clock": {"open": "08:00", "duration": "1h"},
        "arrivals": {"rate": "60/h"},
        "site": {"sampling": {"stations": 1, "swab": swab}},
    }


@pytest.mark.parametrize(
    ("swab", "path", "fragment"),
    [
        ({"dist": "uniform", "low": "90s", "high": "30s"}, "site.sampling.swab.high", "high must be at least low"),
        (
            {"dist": "triangular", "low": "10s", "mode": "50s", "high": "40s"},
            "site.sampling.swab",
            "low <= mode <= high",
        ),
        ({"dist": "triangular", "low": "10s", "mode": "10s", "high": "10s"}, "site.sampling.swab", "low < high"),
        ({"dist": "exponential", "mean": "0s"}, "site.sampling.swab.mean", "must be greater than 0"),
        ({"dist": "exponential", "mean": 36}, "site.sampling.swab.mean", "36 has no unit"),
        ({"dist": "exponential"}, "site.sampling.swab.mean", "required key is missing"),
        ({"dist": "exponential", "mean": "36s", "cv": 1}, "site.sampling.swab.cv", "unknown key 'cv'"),
        ({"dist": "lognormal", "mean": "15s", "cv": 0}, "site.sampling.swab.cv", "greater than 0"),
        ({"dist": "lognormal", "mean": "15s", "cv": 11}, "site.sampling.swab.cv", "less than or equal to 10"),
        ({"dist": "gamma", "mean": "15s"}, "site.sampling.swab.cv", "required key is missing"),
        ({"dist": "gamma", "mean": "15s", "sd": "3s"}, "site.sampling.swab.sd", "valid keys: cv, dist, mean"),
        ({"dist": "empirical", "values": []}, "site.sampling.swab.values", "at least 1 item"),
        ({"dist": "empirical", "values": ["10s", "ten"]}, "site.sampling.swab.values.1", "'ten' is not a duration"),
        ({"dist": "fixed", "value": "-3s"}, "site.sampling.swab.value", "is negative"),
        ({"dist": "normal", "mean": "15s"}, "site.sampling.swab.dist", "unknown distribution 'normal'"),
        ({"dist": "lognorm", "mean": "15s"}, "site.sampling.swab.dist", "did you mean 'lognormal'?"),
        ({"mean": "15s"}, "site.sampling.swab.dist", "a distribution needs 'dist:'"),
        ("15 parsecs", "site.sampling.swab", "unknown time unit 'parsecs'"),
        ([1, 2], "site.sampling.swab", "valid dictionary"),
    ],
)
def test_bad_distributions_are_refused_at_their_key(swab: object, path: str, fragment: str) -> None:
    with pytest.raises(ScenarioError) as info:
        scenario_from_data(_scenario_with_swab(swab), "d.yaml")
    found = {problem.path: problem.message for problem in info.value.problems}
    assert path in found, found
    assert fragment in found[path]


def test_uniform_with_equal_bounds_is_a_fixed_time() -> None:
    scenario = scenario_from_data(_scenario_with_swab({"dist": "uniform", "low": "30s", "high": "30s"}))
    assert np.all(scenario.site.sampling.swab.sample(np.random.default_rng(0), 10) == 30.0)
