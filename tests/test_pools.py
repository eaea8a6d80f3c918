"""The model's fast pools (sim/model/pools.py) behave as simpy's own processes and resources would.

Each shortcut is checked against the plain simpy construction it replaces: a Later process against
env.process of a generator that first waits, Lanes (booked, and booked ahead) against a FCFS
simpy.Resource, start_at against one timeout per start.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy

from sim.model.pools import Lanes, Later, ServerPool, start_at


def _events(env: simpy.Environment) -> list[int]:
    """Counts every event the environment schedules (a list, to read after the run)."""
    counted = [0]
    schedule = env.schedule

    def counting(event: simpy.Event, priority: int = 1, delay: float = 0) -> None:
        counted[0] += 1
        schedule(event, priority, delay)

    env.schedule = counting  # type: ignore[method-assign]
    return counted


def _person(env: simpy.Environment, log: list[tuple[str, float]], name: str, stay: float
            ) -> Generator[simpy.Event, Any, str]:  # fmt: skip
    log.append((f"{name} starts", env.now))
    yield env.timeout(stay)
    log.append((f"{name} ends", env.now))
    return name


def test_a_later_process_runs_as_a_process_that_first_waits() -> None:
    plain_env, later_env = simpy.Environment(), simpy.Environment()
    plain: list[tuple[str, float]] = []
    later: list[tuple[str, float]] = []

    def waits_first(env: simpy.Environment, log: list[tuple[str, float]], name: str, delay: float, stay: float
                    ) -> Generator[simpy.Event, Any, str]:  # fmt: skip
        yield env.timeout(delay)
        return (yield from _person(env, log, name, stay))

    for k, (delay, stay) in enumerate([(3.0, 2.0), (1.0, 5.0), (3.0, 0.5), (0.0, 1.0)]):
        plain_env.process(waits_first(plain_env, plain, f"p{k}", delay, stay))
        Later(later_env, _person(later_env, later, f"p{k}", stay), delay)
    plain_env.run()
    later_env.run()
    assert later == plain
    assert later_env.now == plain_env.now


def test_nobody_waiting_for_a_later_process_costs_one_event_less_at_its_end() -> None:
    env = simpy.Environment()
    counted = _events(env)
    Later(env, _person(env, [], "a", 2.0), 1.0)
    env.run()
    assert counted[0] == 2  # its start and its timeout; simpy's process would add a start and an end


def test_a_later_process_can_be_waited_for_before_and_after_it_ends() -> None:
    env = simpy.Environment()
    person = Later(env, _person(env, [], "a", 2.0), 1.0)
    got: list[tuple[str, float]] = []

    def waiter(at: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        value = yield person
        got.append((value, env.now))

    env.process(waiter(0.0))  # waits while it runs: woken by its end event
    env.process(waiter(10.0))  # after it ended: goes on at once
    env.run()
    assert got == [("a", 3.0), ("a", 10.0)]
    assert not person.is_alive and person.value == "a"


def test_an_error_in_a_later_process_surfaces_from_the_run() -> None:
    env = simpy.Environment()

    def broken() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.0)
        raise ValueError("a person's process failed")

    Later(env, broken(), 0.5)
    with pytest.raises(ValueError, match="a person's process failed"):
        env.run()
    assert env.now == 1.5


def test_a_later_process_can_catch_a_failed_event() -> None:
    env = simpy.Environment()
    caught: list[str] = []

    def careful() -> Generator[simpy.Event, Any, None]:
        failing = env.event()
        failing.fail(RuntimeError("no place"))
        try:
            yield failing
        except RuntimeError as error:
            caught.append(str(error))
        yield env.timeout(1.0)
        caught.append("went on")

    Later(env, careful(), 0.0)
    env.run()
    assert caught == ["no place", "went on"]


def _fcfs_with_simpy(joins: list[float], checks: list[float], lanes: int) -> list[tuple[float, float]]:
    """(start, end) of each check at a simpy.Resource with `lanes` servers, first come first served."""
    env = simpy.Environment()
    resource = simpy.Resource(env, lanes)
    out: list[tuple[float, float]] = [(0.0, 0.0)] * len(joins)

    def one(k: int) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(joins[k])
        with resource.request() as lane:
            yield lane
            start = env.now
            yield env.timeout(checks[k])
            out[k] = (start, env.now)

    for k in range(len(joins)):
        env.process(one(k))
    env.run()
    return out


@pytest.mark.parametrize("lanes", [1, 2, 3])
def test_lanes_booked_as_people_join_are_a_fcfs_multi_server_queue(lanes: int) -> None:
    rng = np.random.default_rng(lanes)
    joins = np.sort(rng.uniform(0, 600, 300)).tolist()
    checks = rng.exponential(5.0 * lanes, 300).tolist()
    booked = Lanes(lanes)
    got = [booked.book(t, s) for t, s in zip(joins, checks, strict=True)]
    np.testing.assert_allclose(got, _fcfs_with_simpy(joins, checks, lanes), rtol=0, atol=1e-9)


def test_joins_booked_ahead_take_their_turn_among_the_others() -> None:
    """Half the people are booked ahead (defer) as soon as their time is known, in any order; the lanes give
    everyone the check they would have had joining at their time."""
    rng = np.random.default_rng(7)
    n = 400
    joins = np.sort(rng.uniform(0, 900, n)).tolist()
    checks = rng.exponential(8.0, n).tolist()
    ahead = rng.random(n) < 0.5
    lanes = Lanes(2)
    got: dict[int, tuple[float, float]] = {}
    known = sorted(range(n), key=lambda k: joins[k] - (rng.uniform(0, 120) if ahead[k] else 0.0))  # when decided
    now_booked = [k for k in known if not ahead[k]]
    for k in known:  # those booked ahead are deferred in the order their times become known
        if ahead[k]:
            lanes.defer(joins[k], checks[k], lambda start, end, k=k: got.__setitem__(k, (start, end)))
    for k in sorted(now_booked, key=lambda k: joins[k]):  # the others join at their time
        got[k] = lanes.book(joins[k], checks[k])
    lanes.settle(float("inf"))
    assert sorted(got) == list(range(n))
    expected = _fcfs_with_simpy(joins, checks, 2)
    np.testing.assert_allclose([got[k] for k in range(n)], expected, rtol=0, atol=1e-9)


def test_settling_at_a_hard_stop_books_only_the_joins_before_it() -> None:
    lanes = Lanes(1)
    seen: list[float] = []
    for t in (5.0, 10.0, 15.0):
        lanes.defer(t, 1.0, lambda start, end: seen.append(start))
    lanes.settle(10.0, before=True)
    assert seen == [5.0]
    lanes.settle(10.0)
    assert seen == [5.0, 10.0]
    assert lanes.latest == 10.0


def test_start_at_starts_each_person_at_their_time_with_one_event_each_a_batch_at_a_time() -> None:
    env = simpy.Environment()
    counted = _events(env)
    times = np.sort(np.random.default_rng(3).uniform(0, 3600, 500)).tolist()
    started: list[float] = [0.0] * len(times)

    def person(k: int) -> Generator[simpy.Event, Any, None]:
        started[k] = env.now
        yield env.timeout(1.0)

    env.process(start_at(env, times, person))
    env.run()
    np.testing.assert_allclose(started, times, rtol=0, atol=1e-9)
    batches = -(-len(times) // 64)
    # a start and a timeout a person; a wait between batches; the starter's own start and end
    assert counted[0] == 2 * len(times) + (batches - 1) + 2


def test_a_server_pool_serves_priority_zero_first_and_fifo_within() -> None:
    env = simpy.Environment()
    pool = ServerPool(env, 1)
    order: list[str] = []

    def person(name: str, priority: int, at: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(at)
        with pool.request(priority) as request:
            yield from request
            order.append(name)
            yield env.timeout(10.0)

    for name, priority, at in [("first", 1, 0.0), ("b", 1, 1.0), ("c", 1, 2.0), ("elderly", 0, 3.0)]:
        env.process(person(name, priority, at))
    env.run()
    assert order == ["first", "elderly", "b", "c"]
