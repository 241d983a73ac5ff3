"""parse_date: ISO 8601, RFC 822 and the oddities real feeds print."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from feedtui.extract.dates import parse_date

UTC = timezone.utc


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    # RFC 822 as nearly every feed prints it (the fast path) ...
    ("Thu, 14 Mar 2024 17:57:00 GMT", utc(2024, 3, 14, 17, 57)),
    ("Thu, 14 Mar 2024 17:57:00 UTC", utc(2024, 3, 14, 17, 57)),
    ("Thu, 14 Mar 2024 17:57:00 +0000", utc(2024, 3, 14, 17, 57)),
    ("Thu, 14 Mar 2024 17:57:00 -0500", utc(2024, 3, 14, 22, 57)),
    ("Thu, 14 Mar 2024 17:57 +0530", utc(2024, 3, 14, 12, 27)),
    ("14 Mar 2024 17:57:00 GMT", utc(2024, 3, 14, 17, 57)),
    ("Sun, 6 Jul 2014 12:56:00 GMT", utc(2014, 7, 6, 12, 56)),
    # ... and its variants
    ("Thu, 14 Mar 2024 17:57:00 EST", utc(2024, 3, 14, 22, 57)),
    ("Thursday, 14 March 2024 17:57:00 GMT", utc(2024, 3, 14, 17, 57)),
    ("Thu, 14 Mar 24 17:57:00 GMT", utc(2024, 3, 14, 17, 57)),
    ("Fri, 1 May 2020 10:00:00 CEST", utc(2020, 5, 1, 8, 0)),
    # ISO 8601
    ("2024-03-14T17:57:00Z", utc(2024, 3, 14, 17, 57)),
    ("2024-03-14T17:57:00.123+01:00", utc(2024, 3, 14, 16, 57, 0, 123000)),
    ("2024-03-14 17:57:00", utc(2024, 3, 14, 17, 57)),
    ("20240314T175700Z", utc(2024, 3, 14, 17, 57)),
    # epoch
    ("1710439020", utc(2024, 3, 14, 17, 57)),
    (1710439020000, utc(2024, 3, 14, 17, 57)),
])
def test_common_forms(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    # Portuguese (rss-parser's uolNoticias.rss), Greek (feedparser), and friends
    ("Seg, 24 Set 2018 19:22:00 -0300", utc(2018, 9, 24, 22, 22)),
    ("Τρι, 29 Ιούν 2004 12:53:00 GMT", utc(2004, 6, 29, 12, 53)),
    ("Mi, 14 Mär 2024 10:00:00 +0100", utc(2024, 3, 14, 9, 0)),
    ("jeu., 14 févr. 2024 10:00:00 GMT", utc(2024, 2, 14, 10, 0)),
    ("mié, 14 dic 2022 10:00:00 GMT", utc(2022, 12, 14, 10, 0)),
    ("14 okt 2022 10:00:00 GMT", utc(2022, 10, 14, 10, 0)),
    # a time without its colon (feedparser's corpus)
    ("03 Apr 02 1500 GMT", utc(2002, 4, 3, 15, 0)),
    # an ISO offset missing a digit (gofeed's corpus)
    ("2017-06-13T03:18:00+00:0", utc(2017, 6, 13, 3, 18)),
    # MESZ ends in "Z" but is two hours ahead of UTC
    ("1 Mai 2020 10:00 MESZ", utc(2020, 5, 1, 8, 0)),
])
def test_feed_oddities(text, expected):
    assert parse_date(text) == expected


def test_minus_zero_is_utc_and_zoneless_dates_use_the_default_zone():
    plus_one = timezone(timedelta(hours=1))
    assert parse_date("Thu, 14 Mar 2024 17:57:00 -0000", plus_one) == utc(2024, 3, 14, 17, 57)
    assert parse_date("Thu, 14 Mar 2024 17:57:00", plus_one) == utc(2024, 3, 14, 16, 57)
    assert parse_date("2024-03-14T17:57:00", plus_one) == utc(2024, 3, 14, 16, 57)


@pytest.mark.parametrize("text", [
    None, "", "yesterday", "Wed, 31 Feb 2024 17:57:00 GMT", "99 Foo 2024 10:00 GMT",
    "x" * 500, "Thu, 14 Mar 2024 25:00:00 GMT", [], "2024-13-45T00:00:00Z",
])
def test_nonsense_is_none(text):
    assert parse_date(text) is None


def test_results_are_aware_utc():
    for text in ("Thu, 14 Mar 2024 17:57:00 +0200", "2024-03-14T17:57:00-07:00", "1710439020"):
        moment = parse_date(text)
        assert moment.tzinfo is not None and moment.utcoffset() == timedelta(0)
