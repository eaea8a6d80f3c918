"""A small server pool: a counter of free servers and a FIFO queue per priority level.

A free server is handed out without an event; only a person who must wait gets an event to yield.
This is measured to be about twice as fast as ``simpy.Resource`` with identical waits
(benchmarks/bench_tandem.py). It reads like simpy's own resources::

    with lanes.request() as lane:
        yield from lane            # no event at all when a lane is free
        yield env.timeout(check_s)
    # the lane is released here
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Callable, Generator, Sequence
from types import TracebackType
from typing import Any

import simpy
from simpy.core import NORMAL
from simpy.events import Initialize


class Request:
    """A claim on one server of a pool: ``yield from`` it for the server; the ``with`` block releases it."""

    __slots__ = ("pool", "priority", "server", "at")

    def __init__(self, pool: ServerPool, priority: int, at: int | None = None):
        self.pool, self.priority, self.at = pool, priority, at
        self.server: int | None = None

    def __iter__(self) -> Generator[simpy.Event, object, int]:
        got = self.pool.acquire(self.priority) if self.at is None else self.pool.acquire_at(self.at)
        server = got if isinstance(got, int) else (yield got)  # a server free now, or the event of one coming free
        assert isinstance(server, int)
        self.server = server
        return server

    def __enter__(self) -> Request:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.server is not None and kind is None:
            self.pool.release(self.server)


class ServerPool:
    """c numbered servers; priority 0 is served before 1 (the priority lane), FIFO within."""

    def __init__(self, env: simpy.Environment, servers: int, levels: int = 2):
        self.env = env
        self.capacity = servers
        self.free: deque[int] = deque(range(servers))
        self.queues: list[deque[simpy.Event]] = [deque() for _ in range(levels)]
        self.holds: dict[int, int] | None = None  # per server: staff holds (see hold); None until the first
        self.reserved: dict[int, deque[simpy.Event]] = {}  # per server: people who want that one (acquire_at)

    def request(self, priority: int = 1) -> Request:
        """A claim for any server (priority 0 first); see `Request`."""
        return Request(self, priority)

    def request_at(self, server: int) -> Request:
        """A claim for this very server (see `acquire_at`)."""
        return Request(self, 1, at=server)

    def acquire(self, priority: int = 1) -> int | simpy.Event:
        """A server number now, or an event whose value is the server when one frees."""
        if self.free:
            return self.free.popleft()
        event = self.env.event()
        self.queues[priority].append(event)
        return event

    def acquire_at(self, server: int) -> int | simpy.Event:
        """This very server now, or an event when it frees; it goes to them before the general queues.

        A household's later members use it to be swabbed where their household's tube is.
        """
        if server in self.free:
            self.free.remove(server)
            return server
        event = self.env.event()
        self.reserved.setdefault(server, deque()).append(event)
        return event

    def release(self, server: int) -> None:
        if self.holds is not None and self.holds.get(server):
            self._stopped.add(server)  # held: it stops after this person
            for event in self._stopping.pop(server, []):
                event.succeed(server)
            return
        if self.reserved and self.reserved.get(server):
            self.reserved[server].popleft().succeed(server)
            return
        for queue in self.queues:
            if queue:
                queue.popleft().succeed(server)
                return
        self.free.append(server)

    @property
    def queued(self) -> int:
        return sum(len(q) for q in self.queues) + sum(len(q) for q in self.reserved.values())

    def hold(self, server: int) -> simpy.Event:
        """Take one server out of service (staff away, disinfection): an event that fires when it stops.

        A free server stops at once; a busy one after its current person. Holds nest.
        """
        if self.holds is None:
            self.holds = {}
            self._stopped: set[int] = set()
            self._stopping: dict[int, list[simpy.Event]] = {}
        self.holds[server] = self.holds.get(server, 0) + 1
        event = self.env.event()
        if server in self._stopped:
            event.succeed(server)
        elif server in self.free:
            self.free.remove(server)
            self._stopped.add(server)
            event.succeed(server)
        else:
            self._stopping.setdefault(server, []).append(event)
        return event

    def unhold(self, server: int) -> None:
        """End one hold; with none left the server takes the next person (or becomes free)."""
        assert self.holds is not None and self.holds.get(server, 0) > 0
        self.holds[server] -= 1
        if self.holds[server] == 0:
            self._stopping.pop(server, None)
        if self.holds[server] == 0 and server in self._stopped:
            self._stopped.discard(server)
            self.release(server)


class Zone:
    """A zone with a number of places (the waiting zone): enter now, or queue outside."""

    def __init__(self, env: simpy.Environment, capacity: int | None, levels: int = 2):
        self.env = env
        self.capacity = capacity
        self.inside = 0
        self.outside: list[deque[simpy.Event]] = [deque() for _ in range(levels)]

    def has_room(self) -> bool:
        return self.capacity is None or (self.inside < self.capacity and not any(self.outside))

    def enter_or_wait(self, priority: int) -> simpy.Event | None:
        """Take a place now (None) or get an event that fires when a place is handed over."""
        if self.has_room():
            self.inside += 1
            return None
        event = self.env.event()
        self.outside[priority].append(event)
        return event

    def leave(self) -> None:
        for queue in self.outside:
            if queue:
                queue.popleft().succeed()  # the place passes straight to the next one outside
                return
        self.inside -= 1


class Lanes:
    """Checker lanes (a gate's, or the entry check's without rotating checkers): first come, first served,
    with every check's length known when it is booked.

    Who joins the queue at t takes the lane that frees first and starts at max(t, its free time): the
    multi-server FCFS recursion (a heap of lane-free times), exact for a queue without priorities or staff
    holds, and with no event at all; the person's own wait covers queue, check and whatever follows.

    Someone whose check leads nowhere the simulation needs (a resident walking home) can be booked ahead
    (`defer`): they join at their time, in turn with everyone else, when the lanes are next booked or
    settled, so their walk back needs no event either.
    """

    def __init__(self, lanes: int):
        self.capacity = lanes
        self.free_at: list[tuple[float, int]] = [(-math.inf, k) for k in range(lanes)]  # a heap
        self.starts: deque[float] = deque()  # start times of the checks booked, in booking (and start) order
        self.ahead: list[tuple[float, int, float, Callable[[float, float], None]]] = []  # a heap of deferred joins
        self.deferred = 0  # joins deferred so far (their order among equal times)
        self.latest = -math.inf  # the latest join booked from `ahead`

    def book(self, t: float, check_s: float) -> tuple[float, float]:
        """Someone joins at t for a check of `check_s`: (start, end) of their check."""
        if self.ahead:
            self.settle(t)
        return self._book(t, check_s)

    def defer(self, t: float, check_s: float, booked: Callable[[float, float], None]) -> None:
        """Someone will join at t (now or later) for a check of `check_s`: `booked(start, end)` once they have."""
        self.deferred += 1
        heapq.heappush(self.ahead, (t, self.deferred, check_s, booked))

    def settle(self, until: float, before: bool = False) -> None:
        """Book, in their order, the deferred joins at or before `until` (only before it, with `before`: the
        hard stop, at which the simulation stops before anything else happens)."""
        ahead = self.ahead
        while ahead and (ahead[0][0] < until if before else ahead[0][0] <= until):
            t, _, check_s, booked = heapq.heappop(ahead)
            self.latest = max(self.latest, t)
            booked(*self._book(t, check_s))

    def _book(self, t: float, check_s: float) -> tuple[float, float]:
        free, lane = self.free_at[0]
        start = t if t > free else free
        end = start + check_s
        heapq.heapreplace(self.free_at, (end, lane))
        if start > t:
            self.starts.append(start)
        return start, end

    def queued(self, now: float) -> int:
        """People waiting for a lane at `now` (booked, not yet started)."""
        if self.ahead:
            self.settle(now)
        starts = self.starts
        while starts and starts[0] <= now:
            starts.popleft()
        return len(starts)


class _StartLater(Initialize):
    """A process's start, scheduled `delay` from now like a timeout (simpy starts processes at once)."""

    def __init__(self, env: simpy.Environment, process: simpy.Process, delay: float):
        self.env = env
        self.callbacks = [process._resume]
        self._value = None
        self._ok = True
        env.schedule(self, NORMAL, delay)


def ahead(env: simpy.Environment, times: Sequence[float], start: Callable[[int, float], object],
          batch: int = 64) -> Generator[simpy.Event, object, None]:  # fmt: skip
    """A process that calls `start(k, delay)` for each k, `delay` from now being `times[k]` (absolute,
    ascending), `batch` of them at a time: the next batch when the last of this one is due.

    One event a batch, where a timeout for each would be one a start; and simpy's event heap holds a batch,
    not the day (each push and pop compares fewer entries, and the memory stays bounded).
    """
    k, n = 0, len(times)
    while k < n:
        stop = min(k + batch, n)
        for j in range(k, stop):
            start(j, max(0.0, times[j] - env.now))
        k = stop
        if k < n:
            yield env.timeout(max(0.0, times[k - 1] - env.now))


def start_at(env: simpy.Environment, times: Sequence[float], person: Callable[[int], Generator[simpy.Event, Any, Any]]
             ) -> Generator[simpy.Event, object, None]:  # fmt: skip
    """A process that starts `person(k)` at `times[k]` (absolute, ascending), one event each (Later)."""
    return ahead(env, times, lambda k, delay: Later(env, person(k), delay))


class Later(simpy.Process):
    """A person's process: its generator starts `delay` from now (one event, where a start and a timeout are
    two), and its end is no event when nobody waits for it.

    `Later(env, person(), delay)` behaves as `env.process(...)` of a generator that first waits `delay`. simpy
    schedules every process's end as an event so that others can wait for it; nobody waits for a person, so
    that event would be popped and do nothing (one in four or five of a person's events). A process that
    fails still ends with its event, so the error surfaces from `env.run` as it does in simpy; and a process
    waited for (someone appended a callback) ends as in simpy.
    """

    def __init__(self, env: simpy.Environment, generator: Generator[simpy.Event, object, object], delay: float):
        self.env = env
        self.callbacks = []
        self._generator = generator
        self._target = _StartLater(env, self, delay)

    def _resume(self, event: simpy.Event) -> None:
        if not event._ok:
            super()._resume(event)  # simpy's handling of a failed event (the process may catch it)
            return
        env, generator = self.env, self._generator
        env._active_proc = self
        while True:
            try:
                event = generator.send(event._value)
            except StopIteration as end:
                self._ok, self._value = True, end.args[0] if end.args else None
                if self.callbacks:
                    env.schedule(self)  # waited for: an event, as in simpy
                else:
                    self.callbacks = None  # type: ignore[assignment]  # processed; yielding it resumes at once
                break
            except BaseException as error:  # failed: an event, so that the error surfaces from env.run (simpy's way)
                self._ok, self._value = False, error
                env.schedule(self)
                break
            if event.callbacks is not None:
                event.callbacks.append(self._resume)
                self._target = event
                break
            if not event._ok:  # already processed: go on at once, as simpy does
                super()._resume(event)
                return
        env._active_proc = None
