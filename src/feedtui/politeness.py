"""Being a polite client: Retry-After, backoff with jitter, RSS ttl/skipHours/skipDays,
adaptive intervals.

Plain functions over plain numbers (times are POSIX seconds, UTC), no I/O: the poller calls
them, the tests call them with a fixed clock and a seeded random generator.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Iterable

#: Bounds for a server's Retry-After, in seconds: never hammer, never give up for days.
RETRY_AFTER_MIN = 1.0
RETRY_AFTER_MAX = 6 * 3600.0
#: Bounds for an RSS <ttl>, in minutes (a feed must not switch polling off for months).
TTL_MAX_MINUTES = 24 * 60
#: Backoff defaults, in seconds.
BACKOFF_BASE = 60.0
BACKOFF_CAP = 6 * 3600.0

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _epoch(moment: float | datetime) -> float:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    return float(moment)


def parse_retry_after(value: str | bytes | None, now: float | datetime,
                      low: float = RETRY_AFTER_MIN, high: float = RETRY_AFTER_MAX) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), clamped to
    [low, high]; None when the value is absent or malformed.

    `now` is the reference clock for the date form (the response's Date header when the
    server sent one, so that a skewed local clock does not matter).
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if text.isascii() and text.isdigit():
        seconds = float(int(text)) if len(text) < 12 else high
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:  # "-0000" or a zoneless date: HTTP dates are GMT
            when = when.replace(tzinfo=timezone.utc)
        seconds = when.timestamp() - _epoch(now)
    return min(high, max(low, seconds))


def http_date(value: str | None) -> float | None:
    """POSIX seconds of an HTTP date (a Date header), or None."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def backoff(failures: int, base: float = BACKOFF_BASE, cap: float = BACKOFF_CAP,
            rng: random.Random | None = None) -> float:
    """Seconds to wait after `failures` consecutive failures: exponential with full jitter,
    uniform in [0, min(cap, base * 2 ** (failures - 1))]; 0 when nothing failed.

    Full jitter can be short: callers wait at least their regular interval as well
    (`next_poll` takes the later of the two).
    """
    if failures <= 0:
        return 0.0
    rng = rng or random
    ceiling = min(cap, base * 2.0 ** min(failures - 1, 64))
    return rng.uniform(0.0, ceiling)


def adapt_interval(current: float, changed: bool, low: float, high: float,
                   shrink: float = 0.5, grow: float = 1.5) -> float:
    """The next polling interval: shrink toward `low` when the source changed, grow toward
    `high` when it did not."""
    current = min(high, max(low, current))
    current = current * shrink if changed else current * grow
    return min(high, max(low, current))


def _skip_sets(skip_hours: Iterable[int], skip_days: Iterable[str]) -> tuple[frozenset[int], frozenset[int]]:
    hours = frozenset(int(h) % 24 for h in skip_hours if 0 <= int(h) <= 24)
    names = {name.lower(): index for index, name in enumerate(DAY_NAMES)}
    days = frozenset(names[d.strip().lower()] for d in skip_days if d.strip().lower() in names)
    return hours, days


def next_poll(now: float | datetime, interval: float, *, ttl_minutes: int | None = None,
              skip_hours: Iterable[int] = (), skip_days: Iterable[str] = (),
              not_before: float | None = None, automatic: bool = True) -> float:
    """When to poll next, in POSIX seconds.

    `interval` is the source's own (adaptive) interval. For automatic polls an RSS <ttl>
    (minutes, at most a day) lengthens it, and the time moves forward out of any skipped
    UTC hour (skipHours, 0-23) or day (skipDays, English day names). `not_before` (a
    Retry-After or a backoff deadline) is a floor. A manual poll (automatic=False) ignores
    the feed's hints but still honours `not_before`. A feed that skips every hour of the
    week has its skips ignored rather than never being polled.
    """
    start = _epoch(now)
    wait = max(0.0, float(interval))
    if automatic and ttl_minutes and ttl_minutes > 0:
        wait = max(wait, min(ttl_minutes, TTL_MAX_MINUTES) * 60.0)
    when = start + wait
    if not_before is not None:
        when = max(when, float(not_before))
    if not automatic:
        return when
    hours, days = _skip_sets(skip_hours, skip_days)
    if not hours and not days:
        return when
    moment = datetime.fromtimestamp(when, timezone.utc)
    for _ in range(7 * 24 + 1):
        if moment.hour not in hours and moment.weekday() not in days:
            return moment.timestamp()
        moment = moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return when  # every hour of the week skipped: a broken feed, poll as usual
