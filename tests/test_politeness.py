"""Retry-After, backoff with jitter, adaptive intervals, RSS ttl/skipHours/skipDays."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import formatdate

import pytest

from feedtui.politeness import (RETRY_AFTER_MAX, RETRY_AFTER_MIN, adapt_interval, backoff, http_date,
                                next_poll, parse_retry_after)

NOW = datetime(2022, 3, 14, 8, 0, 0, tzinfo=timezone.utc).timestamp()  # a Monday


def ts(*args) -> float:
    return datetime(*args, tzinfo=timezone.utc).timestamp()


# Retry-After


@pytest.mark.parametrize("value,expected", [
    ("120", 120.0), (" 30 ", 30.0), (b"45", 45.0), ("0", RETRY_AFTER_MIN),
    ("99999999999999999999", RETRY_AFTER_MAX), (str(7 * 3600), RETRY_AFTER_MAX),
])
def test_retry_after_seconds(value, expected):
    assert parse_retry_after(value, NOW) == expected


def test_retry_after_http_dates():
    assert parse_retry_after("Mon, 14 Mar 2022 08:05:00 GMT", NOW) == 300.0
    assert parse_retry_after(formatdate(NOW + 90, usegmt=True), NOW) == 90.0
    # obsolete forms an HTTP client must accept (RFC 850 and asctime)
    assert parse_retry_after("Monday, 14-Mar-22 08:01:00 GMT", NOW) == 60.0
    assert parse_retry_after("Mon Mar 14 08:02:00 2022", NOW) == 120.0
    # a datetime as the clock works as well
    assert parse_retry_after("Mon, 14 Mar 2022 08:00:10 GMT", datetime.fromtimestamp(NOW, timezone.utc)) == 10.0


def test_retry_after_dates_are_clamped():
    assert parse_retry_after("Mon, 14 Mar 2022 07:00:00 GMT", NOW) == RETRY_AFTER_MIN  # in the past
    assert parse_retry_after("Fri, 31 Dec 2100 23:59:59 GMT", NOW) == RETRY_AFTER_MAX
    assert parse_retry_after("Mon, 14 Mar 2022 09:00:00 GMT", NOW, low=5, high=600) == 600


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "12 seconds", "Mon, 99 Foo 2022",
                                   "x" * 200, "١٢٠"])
def test_retry_after_garbage_is_none(value):
    assert parse_retry_after(value, NOW) is None


def test_http_date():
    assert http_date("Mon, 14 Mar 2022 08:00:00 GMT") == NOW
    assert http_date("nonsense") is None and http_date(None) is None


# Backoff


def test_backoff_full_jitter_bounds():
    rng = random.Random(7)
    assert backoff(0, 60, 3600, rng) == 0.0
    for failures, ceiling in [(1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (50, 3600), (10_000, 3600)]:
        samples = [backoff(failures, 60, 3600, rng) for _ in range(400)]
        assert all(0.0 <= s <= ceiling for s in samples), failures
        assert max(samples) > 0.8 * ceiling and min(samples) < 0.2 * ceiling  # really jittered


def test_backoff_is_reproducible_with_a_seeded_rng():
    assert backoff(3, rng=random.Random(1)) == backoff(3, rng=random.Random(1))


# Adaptive interval


def test_adapt_interval_shrinks_on_change_and_grows_when_quiet():
    assert adapt_interval(120, True, 60, 900) == 60
    assert adapt_interval(60, True, 60, 900) == 60
    assert adapt_interval(120, False, 60, 900) == 180
    assert adapt_interval(800, False, 60, 900) == 900
    assert adapt_interval(5, False, 60, 900) == 90      # out-of-range input is clamped first
    interval = 60.0
    for _ in range(20):
        interval = adapt_interval(interval, False, 60, 900)
    assert interval == 900
    for _ in range(20):
        interval = adapt_interval(interval, True, 60, 900)
    assert interval == 60


# next_poll: ttl, skipHours, skipDays


def test_next_poll_plain_interval():
    assert next_poll(NOW, 60) == NOW + 60


def test_ttl_lengthens_automatic_polls_only():
    assert next_poll(NOW, 60, ttl_minutes=30) == NOW + 1800
    assert next_poll(NOW, 3600, ttl_minutes=30) == NOW + 3600          # the longer one wins
    assert next_poll(NOW, 60, ttl_minutes=30, automatic=False) == NOW + 60
    assert next_poll(NOW, 60, ttl_minutes=10 ** 6) == NOW + 24 * 3600  # clamped to a day


def test_skip_hours_are_utc_hours():
    # 08:00 + 60 s lands in skipped hours 8 and 9: wait for 10:00 UTC
    assert next_poll(NOW, 60, skip_hours={8, 9}) == ts(2022, 3, 14, 10, 0, 0)
    assert next_poll(NOW, 60, skip_hours={7, 10}) == NOW + 60
    assert next_poll(NOW, 60, skip_hours={8, 9}, automatic=False) == NOW + 60
    # hour 24 in a feed means midnight
    assert next_poll(ts(2022, 3, 14, 23, 59, 0), 120, skip_hours={24}) == ts(2022, 3, 15, 1, 0, 0)


def test_skip_days():
    # Monday skipped: the next poll is Tuesday 00:00 UTC
    assert next_poll(NOW, 60, skip_days={"Monday"}) == ts(2022, 3, 15, 0, 0, 0)
    assert next_poll(NOW, 60, skip_days={"monday", "Tuesday", "Nonsense"}) == ts(2022, 3, 16, 0, 0, 0)
    assert next_poll(NOW, 60, skip_days={"Saturday", "Sunday"}) == NOW + 60
    # days and hours together: Monday skipped and Tuesday's hours 0-5 skipped
    assert next_poll(NOW, 60, skip_days={"Monday"}, skip_hours=range(6)) == ts(2022, 3, 15, 6, 0, 0)


def test_a_feed_that_skips_everything_is_still_polled():
    assert next_poll(NOW, 60, skip_hours=range(24)) == NOW + 60
    assert next_poll(NOW, 60, skip_days={"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                         "Saturday", "Sunday"}) == NOW + 60


def test_not_before_is_a_floor_and_skips_still_apply():
    retry_at = NOW + 300
    assert next_poll(NOW, 60, not_before=retry_at) == retry_at
    assert next_poll(NOW, 600, not_before=retry_at) == NOW + 600
    assert next_poll(NOW, 60, not_before=retry_at, automatic=False) == retry_at
    assert next_poll(NOW, 60, not_before=ts(2022, 3, 14, 9, 30, 0), skip_hours={9}) == ts(2022, 3, 14, 10, 0, 0)


def test_next_poll_accepts_datetimes():
    assert next_poll(datetime.fromtimestamp(NOW, timezone.utc), 60) == NOW + 60
