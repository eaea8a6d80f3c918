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
from collections import deque
from collections.abc import Generator
from types import TracebackType

import simpy


class Request:
    """A claim on one server of a pool: ``yield from`` it for the server; the ``with`` block releases it."""

    __slots__ = ("pool", "priority", "server", "at")

    def __init__(self, pool: ServerPool, priority: int, at: int | None = None):
        self.pool, self.priority, self.at = pool, priority, at
        self.server: int | None = None

    def __iter__(self) -> Generator[simpy.Event, object, int]:
        got = self.pool.acquire(self.priority) if self.at is None else self.pool.acquire_at(self.at)
        if not isinstance(got, int):
            got = yield got
        assert isinstance(got, int)
        self.server = got
        return got

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
    """Checker lanes whose release is booked ahead: a lane that frees at a known time costs no event unless
    someone is waiting for it then (a gate's lanes: checks of known length, no staff holds).

    FIFO: whoever waits is handed the first lane that frees; `take` costs no event when a lane is free.
    """

    def __init__(self, env: simpy.Environment, lanes: int):
        self.env = env
        self.capacity = lanes
        self.free: deque[int] = deque(range(lanes))
        self.booked: list[tuple[float, int]] = []  # heap of (free from, lane)
        self.waiting: deque[simpy.Event] = deque()
        self.wake_at: float | None = None  # the pending hand-over's time

    def _collect(self) -> None:
        now = self.env.now
        while self.booked and self.booked[0][0] <= now:
            self.free.append(heapq.heappop(self.booked)[1])

    def take_now(self) -> int | None:
        """A lane at once, or None when everyone is busy (or someone is already waiting)."""
        if self.waiting:
            return None
        self._collect()
        return self.free.popleft() if self.free else None

    def take(self) -> Generator[simpy.Event, object, int]:
        """A lane: at once when one is free, else the first that frees for whoever waits longest."""
        lane = self.take_now()
        if lane is not None:
            return lane
        event = self.env.event()
        self.waiting.append(event)
        self._wake()
        got = yield event
        assert isinstance(got, int)
        return got

    def release_at(self, lane: int, t: float) -> None:
        """The lane is busy until t, then free."""
        heapq.heappush(self.booked, (t, lane))
        self._wake()

    def _wake(self) -> None:
        """With someone waiting, hand over at the earliest booked release (one hand-over pending at a time)."""
        if not self.waiting or not self.booked:
            return
        t = self.booked[0][0]
        if self.wake_at is not None and self.wake_at <= t:
            return
        self.wake_at = t
        self.env.timeout(max(0.0, t - self.env.now)).callbacks.append(lambda _event, at=t: self._hand_over(at))

    def _hand_over(self, at: float) -> None:
        if self.wake_at == at:
            self.wake_at = None
        self._collect()
        while self.waiting and self.free:
            self.waiting.popleft().succeed(self.free.popleft())
        self._wake()

    @property
    def queued(self) -> int:
        return len(self.waiting)
