"""A small server pool: a counter of free servers and a FIFO queue per priority level.

A free server is handed out without an event (``acquire`` returns its number); only a
person who must wait gets an event to yield. This is measured to be about twice as fast
as ``simpy.Resource`` with identical waits (benchmarks/bench_tandem.py).
"""

from __future__ import annotations

from collections import deque

import simpy


class ServerPool:
    """c numbered servers; priority 0 is served before 1 (the priority lane), FIFO within."""

    def __init__(self, env: simpy.Environment, servers: int, levels: int = 2):
        self.env = env
        self.free: deque[int] = deque(range(servers))
        self.queues: list[deque[simpy.Event]] = [deque() for _ in range(levels)]
        self.holds: dict[int, int] | None = None  # per server: staff holds (see hold); None until the first
        self.reserved: dict[int, deque[simpy.Event]] = {}  # per server: people who want that one (acquire_at)

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
