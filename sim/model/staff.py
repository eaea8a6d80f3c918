"""Staff rotations: each post's holder works a stretch in protective equipment, then changes.

A post is a station (sampler, registrar), an entry lane (entry checker) or a marshal's beat; the builder
hands the posts over (`Post` objects of site.py), and rotations take a post out of service and back only
through them. At the end of a stretch a relief, dressed in the buffer zone (缓冲区) ahead of time, takes
over; if none is ready the post stops after its current person until someone comes back dressed.
Changing needs a place in the buffer zone: when it is full, the change waits. The first team dresses
before opening. Whole-site disinfection pauses stop every open station.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any

import numpy as np
import simpy

from ..scenario.schema import Scenario
from ..scenario.staffing import Role, open_posts
from .pools import ServerPool
from .records import ABSENT, DOFF, DON, DUTY, PAUSE, REST, ROTATION, WAIT_DOFF, WAIT_DON, PersonLog, StaffRecords
from .rng import Streams
from .site import Post


class Rotations:
    """Every role's posts, its ready pool of rested staff, and the buffer zone."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, posts: Mapping[str, Sequence[Post]],
                 stations: Sequence[Post], site_busy: Callable[[], bool], streams: Streams):  # fmt: skip
        """`posts`: each rotated role's posts, in order; `stations`: every station's sampler post (for pauses);
        `site_busy`: whether anyone is still to be served (rotations stop once nobody is)."""
        assert scenario.staff is not None
        self.env, self.scenario, self.site_busy = env, scenario, site_busy
        self.post_of, self.station_posts = posts, stations
        self.open_s = scenario.clock.open
        buffer = scenario.site.buffer
        self.buffer = ServerPool(env, buffer.capacity, levels=1) if buffer is not None else None
        self.roles = tuple(scenario.staff.roles())
        self.specs: list[Role] = list(scenario.staff.roles().values())
        self.ready: list[simpy.Store] = []
        self.had_meal: list[set[int]] = []
        self.seg: list[list[float]] = []  # rows: role, member, post, state, start, end
        self.closures: list[list[float]] = []  # rows: role, post, start, end, cause
        self.buffer_waits: list[float] = []
        self.rotations = 0
        self.closing: dict[tuple[int, int], float] = {}  # posts closed right now: since when
        open_s = scenario.clock.open
        present: dict[str, list[int]] = {}
        for name, spec in scenario.staff.roles().items():
            roster = spec.people(len(posts[name]))
            shows = ~(streams[f"staff.{name}.no_show"].random(roster) < spec.no_show)
            present[name] = np.flatnonzero(shows).tolist()
        self.posts = {name: len(posts[name]) for name in self.roles}
        self.open = open_posts(scenario, {name: len(people) for name, people in present.items()})
        self.present = {name: len(people) for name, people in present.items()}
        for r, name in enumerate(self.roles):
            spec, people, n = self.specs[r], present[name], self.open[name]
            store = simpy.Store(env)
            store.items.extend(people[n:])
            self.ready.append(store)
            self.had_meal.append(set())
            for post in posts[name][n:]:  # not opened today: the roster cannot keep it staffed
                post.close_for_the_day()
            for number in range(n):
                holder = people[number] if number < len(people) else None
                if holder is not None:
                    self.seg.append([r, holder, number, DON, open_s - spec.don, open_s])
                env.process(self.post(r, number, holder))
        for pause in scenario.staff.pauses:
            env.process(self.pause(pause.at, pause.duration))

    def stations_open(self) -> int:
        """Stations opened today: the station roles' open posts (every station without those roles)."""
        opened = [self.open[name] for name in ("sampler", "registrar") if name in self.open]
        return min(opened) if opened else len(self.station_posts)

    def post(self, r: int, post: int, holder: int | None) -> Generator[simpy.Event, Any, None]:
        """One post over the session: the sampler_shift of whoever holds it, stretch after stretch."""
        env, spec = self.env, self.specs[r]
        if env.now < self.open_s:
            yield env.timeout(self.open_s - env.now)
        if holder is None:  # nobody turned up for this post: closed until someone is free
            yield from self.stop(r, post)
            closed_from = self.closing[r, post] = env.now
            relief = env.process(self.dress_relief(r, post))
            holder = yield relief
            self.reopen(r, post, closed_from, ABSENT)
        on_since = env.now
        n = self.open[self.roles[r]]
        stretch = spec.max_stretch * (post + 1) / n if spec.stagger else spec.max_stretch  # the first one
        while True:
            stretch_end = on_since + stretch
            stretch = spec.max_stretch
            yield env.timeout(max(0.0, stretch_end - spec.don - env.now))
            if not self.site_busy():
                break
            relief = env.process(self.dress_relief(r, post))
            yield env.timeout(max(0.0, stretch_end - env.now))
            if not self.site_busy():
                break  # the last person went meanwhile: the relief was not needed
            yield from self.stop(r, post)
            closed_from = self.closing[r, post] = env.now
            self.seg.append([r, holder, post, DUTY, on_since, env.now])
            env.process(self.off_duty(r, holder, post))
            holder = yield relief
            self.rotations += 1
            self.reopen(r, post, closed_from, ROTATION)
            on_since = env.now
        self.seg.append([r, holder, post, DUTY, on_since, np.nan])  # on until the site finishes

    def stop(self, r: int, post: int) -> Generator[simpy.Event, object, None]:
        """Close the post after its current person (and, for a sampler, the current swab)."""
        yield from self.post_of[self.roles[r]][post].stop()

    def reopen(self, r: int, post: int, closed_from: float, cause: int) -> None:
        the_post = self.post_of[self.roles[r]][post]
        self.closing.pop((r, post), None)
        if not the_post.holds_a_queue:
            return
        if self.env.now > closed_from:
            self.closures.append([r, post, closed_from, self.env.now, cause])
        the_post.reopen()

    def dress_relief(self, r: int, post: int) -> Generator[simpy.Event, object, int]:
        """The next rested member dresses in the buffer zone and walks to the post."""
        member = yield self.ready[r].get()
        assert isinstance(member, int)
        yield from self.change(r, member, post, DON)
        return member

    def off_duty(self, r: int, member: int, post: int) -> Generator[simpy.Event, object, None]:
        """Undress in the buffer zone, rest (a meal once, if due), then wait to be called again."""
        env, spec = self.env, self.specs[r]
        yield from self.change(r, member, post, DOFF)
        rest = spec.rest
        if spec.meal is not None and member not in self.had_meal[r] and env.now >= spec.meal.after:
            self.had_meal[r].add(member)
            rest = max(rest, spec.meal.duration)
        self.seg.append([r, member, post, REST, env.now, env.now + rest])
        yield env.timeout(rest)
        yield self.ready[r].put(member)

    def change(self, r: int, member: int, post: int, state: int) -> Generator[simpy.Event, object, None]:
        """Put on (DON) or take off (DOFF) protective equipment in a buffer-zone place."""
        env = self.env
        asked = env.now
        place = None
        if self.buffer is not None:
            got = self.buffer.acquire(0)
            place = got if isinstance(got, int) else (yield got)
        self.buffer_waits.append(env.now - asked)
        if env.now > asked:
            self.seg.append([r, member, post, WAIT_DON if state == DON else WAIT_DOFF, asked, env.now])
        took = self.specs[r].don if state == DON else self.specs[r].doff
        self.seg.append([r, member, post, state, env.now, env.now + took])
        yield env.timeout(took)
        if self.buffer is not None:
            assert isinstance(place, int)
            self.buffer.release(place)

    def pause(self, at: float, duration: float) -> Generator[simpy.Event, object, None]:
        """Whole-site disinfection: every open station stops after its person, for `duration`."""
        env = self.env
        if at > env.now:
            yield env.timeout(at - env.now)
        for station in range(self.stations_open()):
            env.process(self.pause_station(station, duration))

    def pause_station(self, station: int, duration: float) -> Generator[simpy.Event, object, None]:
        env, post = self.env, self.station_posts[station]
        yield from post.stop()
        closed_from = env.now
        yield env.timeout(duration)
        self.closures.append([-1, station, closed_from, env.now, PAUSE])
        post.reopen()

    def records(self, end_s: float, warnings: list[str]) -> StaffRecords:
        seg = np.asarray(self.seg, dtype=float).reshape(-1, 6)
        still = [[r, post, since, end_s, ABSENT] for (r, post), since in self.closing.items()
                 if self.post_of[self.roles[r]][post].holds_a_queue]  # fmt: skip
        closed = np.asarray(self.closures + still, dtype=float).reshape(-1, 5)
        return StaffRecords(
            roles=self.roles,
            segments={"role": seg[:, 0].astype(np.int16), "member": seg[:, 1].astype(np.int32),
                      "post": seg[:, 2].astype(np.int32), "state": seg[:, 3].astype(np.int8),
                      "start": seg[:, 4], "end": seg[:, 5]},
            closed={"role": closed[:, 0].astype(np.int16), "post": closed[:, 1].astype(np.int32),
                    "start": closed[:, 2], "end": closed[:, 3], "cause": closed[:, 4].astype(np.int8)},
            buffer_wait=np.asarray(self.buffer_waits, dtype=float),
            rotations=self.rotations, end_s=end_s, warnings=tuple(warnings),
            posts=dict(self.posts), open=dict(self.open), present=dict(self.present),
        )  # fmt: skip


def site_finished(log: PersonLog, open_s: float) -> float:
    """When the last person left the site (the staff's loops may run a little past it)."""
    last = open_s
    for name in ("arrival", "swab_end", "iso_out", "entry_end"):
        times = np.asarray(getattr(log, name), dtype=float)
        if np.any(~np.isnan(times)):
            last = max(last, float(np.nanmax(times)))
    return last
