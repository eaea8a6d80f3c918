"""Fitting the scenario language's duration families to observed durations, some of them censored.

Likelihood. A duration recorded to the whole second stands for the interval [v − ½ s, v + ½ s]
(its probability under the family, not a density), so ties, zeros and `fixed` are handled; with
fractional times the density is used. A *left-censored* duration (``censored``) is an upper bound:
the true value is at most v, and contributes F(v + ½ s). The family is chosen by BIC (−2 log L +
k ln n) among fixed, exponential, uniform, triangular, lognormal and gamma, and `empirical` (the
observed values, k = distinct values − 1) where the data are whole seconds and none is censored,
since only then are all likelihoods probabilities of the same events. Intervals are profile
likelihood intervals (2 Δlog L ≤ χ²₁); goodness of fit is the Kolmogorov-Smirnov distance, with
its p-value for uncensored data and against the Kaplan-Meier estimate for censored data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special, stats

Params = dict[str, float]
FAMILIES = ("fixed", "exponential", "uniform", "triangular", "lognormal", "gamma", "empirical")
EMPIRICAL_VALUES = 500  # at most this many values in an empirical distribution (quantiles beyond)


@dataclass(frozen=True)
class Durations:
    """Observed durations (s): `censored` ones are upper bounds; `half` the rounding of each, ± seconds.

    A duration from times kept to the second stands for [v − ½, v + ½] (`half` 0.5); divided by a
    group factor f, for [v − ½, v + ½] / f. `half` 0 means an exact value (fractional times).
    """

    value: np.ndarray
    censored: np.ndarray
    half: np.ndarray

    @classmethod
    def of(cls, value: np.ndarray, censored: np.ndarray | None = None, half: float | np.ndarray = 0.5) -> Durations:
        value = np.asarray(value, dtype=float)
        censored = np.zeros(len(value), dtype=bool) if censored is None else np.asarray(censored, dtype=bool)
        return cls(value, censored, np.broadcast_to(np.asarray(half, dtype=float), value.shape).copy())

    @property
    def n(self) -> int:
        return len(self.value)

    @property
    def rounded(self) -> bool:
        return bool(np.all(self.half > 0))

    def grouped(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Distinct (value, censored, half) triples and their counts: the likelihood needs only these."""
        keys = np.stack([self.value, self.censored.astype(float), self.half], axis=1)
        unique, counts = np.unique(keys, axis=0, return_counts=True)
        return unique[:, 0], unique[:, 1].astype(bool), unique[:, 2], counts


# --- the families, in the scenario's own parameters ----------------------------------------------


def _tri_cdf(x: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    x = np.clip(x, low, high)
    width = high - low
    left = (x - low) ** 2 / (width * (mode - low)) if mode > low else np.zeros_like(x)
    right = 1 - (high - x) ** 2 / (width * (high - mode)) if high > mode else np.ones_like(x)
    return np.where(x <= mode, left, right)


def _cdf(family: str, p: Params, x: np.ndarray) -> np.ndarray:
    if family == "exponential":
        return -np.expm1(-np.clip(x, 0, None) / p["mean"])
    if family == "lognormal":
        s2 = math.log1p(p["cv"] ** 2)
        mu = math.log(p["mean"]) - s2 / 2
        with np.errstate(divide="ignore"):
            return np.where(x > 0, special.ndtr((np.log(np.clip(x, 1e-300, None)) - mu) / math.sqrt(s2)), 0.0)
    if family == "gamma":
        k = 1 / p["cv"] ** 2
        return special.gammainc(k, np.clip(x, 0, None) / (p["mean"] / k))
    if family == "uniform":
        return np.clip((x - p["low"]) / (p["high"] - p["low"]), 0, 1)
    if family == "triangular":
        return _tri_cdf(x, p["low"], p["mode"], p["high"])
    raise ValueError(family)


def _logpdf(family: str, p: Params, x: np.ndarray) -> np.ndarray:
    if family == "exponential":
        return stats.expon.logpdf(x, scale=p["mean"])
    if family == "lognormal":
        s2 = math.log1p(p["cv"] ** 2)
        return stats.lognorm.logpdf(x, s=math.sqrt(s2), scale=p["mean"] * math.exp(-s2 / 2))
    if family == "gamma":
        k = 1 / p["cv"] ** 2
        return stats.gamma.logpdf(x, k, scale=p["mean"] / k)
    if family == "uniform":
        return stats.uniform.logpdf(x, p["low"], p["high"] - p["low"])
    c = (p["mode"] - p["low"]) / (p["high"] - p["low"])
    return stats.triang.logpdf(x, c, p["low"], p["high"] - p["low"])


NAMES = {"exponential": ("mean",), "lognormal": ("mean", "cv"), "gamma": ("mean", "cv"), "uniform": ("low", "high"),
         "triangular": ("low", "mode", "high")}  # fmt: skip


def _valid(family: str, p: Params) -> bool:
    if family in ("exponential", "lognormal", "gamma"):
        return p["mean"] > 0 and (family == "exponential" or 1e-3 < p["cv"] <= 10)
    if family == "uniform":
        return 0 <= p["low"] < p["high"]
    return 0 <= p["low"] <= p["mode"] <= p["high"] and p["low"] < p["high"]


def loglik(family: str, p: Params, data: Durations, grouped: tuple | None = None) -> float:
    """Log-likelihood of the durations under the family (−inf where impossible)."""
    if not _valid(family, p):
        return -math.inf
    value, censored, h, count = grouped if grouped is not None else data.grouped()
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = _cdf(family, p, value + h)
        interval = np.log(np.where(censored, upper, upper - _cdf(family, p, value - h)))
        if np.any(h == 0):
            exact = _logpdf(family, p, value)
            terms = np.where(h > 0, interval, np.where(censored, np.log(upper), exact))
        else:
            terms = interval
    total = float(np.sum(count * terms))
    return total if math.isfinite(total) else -math.inf


def _start(family: str, data: Durations) -> Params:
    v = data.value
    mean = max(float(v.mean()), 0.5)
    cv = min(max(float(v.std() / mean) if v.std() > 0 else 0.3, 0.05), 5.0)
    step = 2 * float(data.half.max())
    low, high = max(float(v.min()) - step, 0.0), float(v.max()) + step
    if family == "exponential":
        return {"mean": mean}
    if family in ("lognormal", "gamma"):
        return {"mean": mean, "cv": cv}
    if family == "uniform":
        return {"low": low, "high": high}
    return {"low": low, "mode": min(max(float(np.median(v)), low), high), "high": high}


def _maximise(family: str, data: Durations, start: Params, fixed: Params | None = None,
              grouped: tuple | None = None) -> tuple[Params, float]:  # fmt: skip
    """The parameters (those not in `fixed`) that maximise the likelihood, from `start`."""
    fixed = fixed or {}
    free = [name for name in NAMES[family] if name not in fixed]
    grouped = grouped if grouped is not None else data.grouped()
    positive = {"mean", "cv"}

    def unpack(z: np.ndarray) -> Params:
        p = dict(fixed)
        for name, value in zip(free, z.tolist(), strict=True):
            p[name] = math.exp(value) if name in positive else value
        return p

    def cost(z: np.ndarray) -> float:
        ll = loglik(family, unpack(z), data, grouped)
        return -ll if math.isfinite(ll) else 1e300

    if not free:
        return dict(fixed), loglik(family, dict(fixed), data, grouped)
    z0 = np.array([math.log(start[n]) if n in positive else start[n] for n in free])
    best = None
    for _ in range(3):  # restarts: Nelder-Mead can stall on the kinks of the uniform and triangular
        res = optimize.minimize(cost, z0, method="Nelder-Mead",
                                options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})  # fmt: skip
        if best is None or res.fun < best.fun - 1e-9:
            best, z0 = res, res.x
        else:
            break
    assert best is not None
    p = unpack(best.x)
    return p, -best.fun if best.fun < 1e300 else -math.inf


@dataclass(frozen=True)
class Fit:
    """One family's maximum-likelihood fit."""

    family: str
    params: Params
    loglik: float
    k: int  # parameters counted by BIC
    n: int
    values: tuple[float, ...] = ()  # empirical only

    @property
    def bic(self) -> float:
        return -2 * self.loglik + self.k * math.log(max(self.n, 1)) if math.isfinite(self.loglik) else math.inf

    @property
    def mean(self) -> float:
        p = self.params
        if self.family in ("exponential", "lognormal", "gamma"):
            return p["mean"]
        if self.family == "uniform":
            return (p["low"] + p["high"]) / 2
        if self.family == "triangular":
            return (p["low"] + p["mode"] + p["high"]) / 3
        if self.family == "fixed":
            return p["value"]
        return float(np.mean(self.values))

    def cdf(self, x: np.ndarray) -> np.ndarray:
        if self.family == "fixed":
            return (x >= self.params["value"]).astype(float)
        if self.family == "empirical":
            v = np.sort(np.asarray(self.values))
            return np.searchsorted(v, x, side="right") / len(v)
        return _cdf(self.family, self.params, x)


def fit_family(family: str, data: Durations) -> Fit:
    """The maximum-likelihood fit of one family."""
    grouped = data.grouped()
    if family == "fixed":
        exact = data.value[~data.censored]
        value = float(exact[0]) if len(exact) else float(data.value.max())
        ok = (np.all(exact == value) if len(exact) else True) and np.all(data.value[data.censored] >= value - 1e-9)
        return Fit("fixed", {"value": value}, 0.0 if ok else -math.inf, 1, data.n)
    if family == "empirical":
        if data.censored.any() or not data.rounded:
            return Fit("empirical", {}, -math.inf, 0, data.n)
        values, counts = np.unique(data.value, return_counts=True)
        if len(values) == 1:  # one value: that is `fixed`
            return Fit("empirical", {}, -math.inf, 0, data.n)
        ll = float(np.sum(counts * np.log(counts / data.n)))
        return Fit("empirical", {}, ll, len(values) - 1, data.n, tuple(_empirical_values(data.value)))
    params, ll = _maximise(family, data, _start(family, data), grouped=grouped)
    return Fit(family, params, ll, len(NAMES[family]), data.n)


def _empirical_values(value: np.ndarray) -> list[float]:
    """The observed values, or evenly spaced quantiles of them when there are too many."""
    v = np.sort(value)
    if len(v) <= EMPIRICAL_VALUES:
        return v.tolist()
    q = (np.arange(EMPIRICAL_VALUES) + 0.5) / EMPIRICAL_VALUES
    return np.quantile(v, q, method="inverted_cdf").tolist()


@dataclass(frozen=True)
class Choice:
    """Every family tried, the one chosen by BIC, and its goodness of fit."""

    fits: dict[str, Fit]
    best: Fit
    ks: float
    ks_p: float | None  # None for censored data
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)


def choose(data: Durations, families: tuple[str, ...] = FAMILIES, level: float = 0.95) -> Choice:
    """Fit every family, choose the lowest BIC (ties: fewer parameters), with its intervals and KS."""
    fits = {family: fit_family(family, data) for family in families}
    best = min(fits.values(), key=lambda f: (f.bic, f.k))
    ks, p = goodness(best, data)
    return Choice(fits, best, ks, p, profile_intervals(best, data, level))


def goodness(fit: Fit, data: Durations) -> tuple[float, float | None]:
    """Kolmogorov-Smirnov distance between the data and the fit (between recorded values)."""
    h = float(np.median(data.half))
    if data.censored.any():
        x, f_hat = kaplan_meier_left(data)
        return float(np.max(np.abs(f_hat - fit.cdf(x + h)))), None
    v = np.sort(data.value)
    x, last = np.unique(v, return_index=False, return_counts=True)
    above = np.cumsum(last) / len(v)
    below = np.r_[0.0, above[:-1]]
    d = max(float(np.max(np.abs(above - fit.cdf(x + h)))), float(np.max(np.abs(below - fit.cdf(x - h)))))
    return d, float(stats.kstwo.sf(d, len(v)))


def kaplan_meier_left(data: Durations) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan-Meier estimate of F(x) = P(T <= x) for left-censored data, at the distinct values.

    Time reversed (T' = −T), left censoring is right censoring; F(x) = P(T' >= −x).
    """
    value, censored, _, count = data.grouped()
    t = -value
    order = np.argsort(t, kind="stable")
    t, censored, count = t[order], censored[order], count[order]
    distinct = np.unique(t)
    at_risk = count.sum()
    survival, s_before = 1.0, {}
    for u in distinct.tolist():
        here = t == u
        s_before[u] = survival  # P(T' >= u)
        events = int(count[here & ~censored].sum())
        if at_risk > 0:
            survival *= 1 - events / at_risk
        at_risk -= int(count[here].sum())
    x = -distinct[::-1]
    return x, np.array([s_before[-v] for v in x.tolist()])


# --- intervals --------------------------------------------------------------------------------------


def profile_intervals(fit: Fit, data: Durations, level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Profile-likelihood interval of each parameter (and the mean), at `level`."""
    if fit.family in ("fixed", "empirical") or not math.isfinite(fit.loglik):
        return _plain_mean_interval(data, level) if fit.family == "empirical" else {}
    grouped = data.grouped()
    target = fit.loglik - stats.chi2.ppf(level, 1) / 2
    out = {}
    for name in NAMES[fit.family]:
        out[name] = _profile(fit, data, grouped, name, target)
    if fit.family not in ("exponential", "lognormal", "gamma"):
        out.update(_plain_mean_interval(data, level))
    return out


def _plain_mean_interval(data: Durations, level: float) -> dict[str, tuple[float, float]]:
    """A t-interval for the mean (families whose parameters are not the mean)."""
    v = data.value
    if len(v) < 2:
        return {}
    half = float(stats.t.ppf(0.5 + level / 2, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
    return {"mean": (float(v.mean()) - half, float(v.mean()) + half)}


def _profile(fit: Fit, data: Durations, grouped: tuple, name: str, target: float) -> tuple[float, float]:
    """Where the profile log-likelihood of `name` falls to `target`, on each side of the estimate."""
    best = fit.params[name]
    others = dict(fit.params)

    def profile(value: float) -> float:
        p, ll = _maximise(fit.family, data, others, fixed={name: value}, grouped=grouped)
        if math.isfinite(ll):
            others.update({k: v for k, v in p.items() if k != name})
        return max(ll - target, -1e12)

    bounds = []
    for direction in (-1.0, 1.0):
        others.update({k: v for k, v in fit.params.items() if k != name})
        step = max(abs(best) * 0.01, 0.01)
        inner, outer = best, best + direction * step
        found = False
        for _ in range(40):
            if name in ("mean", "cv") and outer <= 0:
                outer = inner / 2  # stay positive
            if profile(outer) < 0:
                found = True
                break
            inner, outer = outer, best + direction * step * 2 ** (_ + 1)
        if not found:
            bounds.append(outer)
            continue
        bounds.append(float(optimize.brentq(profile, min(inner, outer), max(inner, outer), xtol=1e-6 * max(1.0, abs(best)))
                            if profile(inner) > 0 else inner))  # fmt: skip
    return bounds[0], bounds[1]
