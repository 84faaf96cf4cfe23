"""Timestamps as stored and sent: ISO 8601 UTC with milliseconds, sortable as strings; and a
clock for deadlines that a clock set forward cannot bring closer (SteadyClock)."""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    return iso(datetime.now(timezone.utc))


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _elapsed() -> float:
    """Seconds that really passed, from some fixed point: counts a suspended machine's sleep
    (CLOCK_BOOTTIME, Linux) where it can, and never jumps when someone sets the clock."""
    try:
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    except (AttributeError, OSError):
        return time.monotonic()


class SteadyClock:
    """The wall clock (time.time), except that it never runs ahead of the time that really passed
    since it was made: a clock set forward - by hand, by a bad time sync, a VM restored from a
    snapshot - makes nothing due sooner. Set back, it is followed (things come due later, never
    sooner). What is due by it is due by the wall clock too."""

    def __init__(self, wall: Callable[[], float] = time.time, elapsed: Callable[[], float] = _elapsed):
        self._wall, self._elapsed = wall, elapsed
        self._start_wall, self._start = wall(), elapsed()

    def now(self) -> float:
        return min(self._wall(), self._start_wall + (self._elapsed() - self._start))

    def ahead(self) -> float:
        """How far the wall clock is ahead of the time that passed (0 when it is not)."""
        return max(0.0, self._wall() - self.now())
