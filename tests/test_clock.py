"""Time stamps as liveblogs print them: recognition, zones, day headings, roll-over."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from feedtui.extract.clock import (
    Stamp,
    detect_newest_first,
    match_stamp,
    parse_day_heading,
    resolve,
    split_stamp,
    stated_zone,
    zone_info,
)

UTC = timezone.utc
NOW = datetime(2022, 3, 14, 12, 0, tzinfo=UTC)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "kind", "hour", "minute", "printed"),
    [
        ("17:37", "clock", 17, 37, "17:37"),
        ("5:07 pm", "clock", 17, 7, "5:07 pm"),
        ("5:07PM", "clock", 17, 7, "5:07PM"),
        ("12:10 a.m.", "clock", 0, 10, "12:10 a.m."),
        ("5 pm", "clock", 17, 0, "5 pm"),
        ("17.37", "clock", 17, 37, "17.37"),
        ("17h37", "clock", 17, 37, "17h37"),
        ("08:15:30", "clock", 8, 15, "08:15:30"),
        ("21:05(IST)", "clock", 21, 5, "21:05(IST)"),
        ("21:05 IST", "clock", 21, 5, "21:05 IST"),
        ("08:15 GMT 14.03.2022", "date", 8, 15, "08:15 GMT 14.03.2022"),
        ("14 March 2022 08:15", "date", 8, 15, "14 March 2022 08:15"),
        ("March 14, 2022 8:15 AM ET", "date", 8, 15, "March 14, 2022 8:15 AM ET"),
        ("Mon, 14 Mar 2022 08:15:00 GMT", "date", 8, 15, "Mon, 14 Mar 2022 08:15:00 GMT"),
        ("14 Mar 2022 | 08:15", "date", 8, 15, "14 Mar 2022 | 08:15"),
        ("2022-03-14 08:15", "date", 8, 15, "2022-03-14 08:15"),
        ("yesterday 22:10", "day", 22, 10, "yesterday 22:10"),
        ("Yesterday at 10:22 pm", "day", 22, 22, "Yesterday at 10:22 pm"),
        ("22:10 yesterday", "day", 22, 10, "22:10 yesterday"),
        ("today 09:05", "day", 9, 5, "today 09:05"),
    ],
)
def test_stamp_forms(text, kind, hour, minute, printed):
    stamp = match_stamp(text)
    assert stamp is not None, text
    assert (stamp.kind, stamp.hour, stamp.minute, stamp.text) == (kind, hour, minute, printed)


def test_dates_inside_stamps():
    stamp = match_stamp("08:15 GMT 14.03.2022")
    assert (stamp.year, stamp.month, stamp.day, stamp.zone) == (2022, 3, 14, "GMT")
    stamp = match_stamp("March 14, 2022 8:15 AM ET")
    assert (stamp.year, stamp.month, stamp.day, stamp.zone) == (2022, 3, 14, "ET")
    stamp = match_stamp("14 March 08:15")
    assert (stamp.year, stamp.month, stamp.day) == (None, 3, 14)


def test_iso_and_offsets_are_moments():
    assert match_stamp("2022-03-14T08:15:00Z").moment == utc(2022, 3, 14, 8, 15)
    assert match_stamp("2022-03-14T08:15:00+05:30 Rescue").moment == utc(2022, 3, 14, 2, 45)
    assert match_stamp("2022-03-14 08:15+0100").moment == utc(2022, 3, 14, 7, 15)


@pytest.mark.parametrize(
    ("text", "ago"),
    [
        ("5 min ago", timedelta(minutes=5)),
        ("5 mins ago", timedelta(minutes=5)),
        ("2 hours ago", timedelta(hours=2)),
        ("2h ago", timedelta(hours=2)),
        ("an hour ago", timedelta(hours=1)),
        ("30 seconds ago", timedelta(seconds=30)),
        ("3 days ago", timedelta(days=3)),
        ("just now", timedelta(0)),
        ("moments ago", timedelta(0)),
    ],
)
def test_relative_stamps(text, ago):
    stamp = match_stamp(text)
    assert stamp.kind == "ago" and stamp.ago == ago and stamp.text == text
    fixed = match_stamp(text, now=NOW)
    assert fixed.kind == "moment" and fixed.moment == NOW - ago


@pytest.mark.parametrize(
    "text",
    ["17.37% rise", "3.5 million", "24:00", "08:157", "14 killed", "In 2022 things", "Police said",
     "now we know", "2.50 per cent", ""],
)
def test_not_stamps(text):
    assert match_stamp(text) is None


def test_glued_headline_and_separators():
    stamp, rest = split_stamp("21:05(IST)Rescue teams reach the site")
    assert stamp.text == "21:05(IST)" and stamp.zone == "IST" and rest == "Rescue teams reach the site"
    assert split_stamp("08:15 - Title here")[1] == "Title here"
    assert split_stamp("12:30 PM IST: Minister speaks")[1] == "Minister speaks"
    assert split_stamp("08:15 US troops arrive")[0].zone == ""  # "US" is no zone
    assert split_stamp("08:15 US troops arrive")[1] == "US troops arrive"
    stamp, rest = split_stamp("08:15 UTC+2 Title")
    assert stamp.zone == "UTC+2" and rest == "Title"


def test_zones():
    assert zone_info("GMT").utcoffset(None) == timedelta(0)
    assert zone_info("IST").utcoffset(None) == timedelta(hours=5, minutes=30)
    assert zone_info("+05:30").utcoffset(None) == timedelta(hours=5, minutes=30)
    et = zone_info("ET")
    assert datetime(2022, 1, 10, 12, tzinfo=et).utcoffset() == timedelta(hours=-5)
    assert datetime(2022, 7, 10, 12, tzinfo=et).utcoffset() == timedelta(hours=-4)
    uk = zone_info("UK")
    assert datetime(2022, 7, 10, 12, tzinfo=uk).utcoffset() == timedelta(hours=1)
    assert zone_info("XYZ") is None and zone_info("") is None


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("All times in GMT", "GMT"),
        ("All times are GMT.", "GMT"),
        ("Times are ET", "ET"),
        ("(IST)", "IST"),
        ("Welcome to our coverage. All times IST.", "IST"),
        ("Timings in IST", "IST"),
        ("All times UK time", "UK"),
        ("Time zone: CET", "CET"),
        ("The times they are a-changin'", ""),
        ("Police arrived in time", ""),
    ],
)
def test_stated_zone(text, zone):
    assert stated_zone(text) == zone


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Monday 14 March 2022", date(2022, 3, 14)),
        ("Monday, 14 March 2022", date(2022, 3, 14)),
        ("14.03.2022", date(2022, 3, 14)),
        ("March 14, 2022", date(2022, 3, 14)),
        ("2022-03-14", date(2022, 3, 14)),
        ("14 March", date(2022, 3, 14)),
        ("20 December", date(2021, 12, 20)),  # the latest such day not after now
        ("Yesterday", date(2022, 3, 13)),
        ("Today", date(2022, 3, 14)),
        ("Monday 14 March 2022 08:15", None),
        ("Monday", None),
        ("14 people were hurt on 14 March", None),
    ],
)
def test_day_headings(text, day):
    assert parse_day_heading(text, NOW) == day


def clocks(*texts):
    return [match_stamp(t) for t in texts]


def test_rollover_newest_first_under_a_heading():
    events = [date(2022, 3, 14), *clocks("00:45", "00:10", "23:50", "23:20")]
    assert resolve(events, NOW) == [
        utc(2022, 3, 14, 0, 45), utc(2022, 3, 14, 0, 10), utc(2022, 3, 13, 23, 50), utc(2022, 3, 13, 23, 20)]


def test_rollover_oldest_first_under_a_heading():
    events = [date(2022, 3, 13), *clocks("23:20", "23:50", "00:10", "00:45")]
    assert resolve(events, NOW) == [
        utc(2022, 3, 13, 23, 20), utc(2022, 3, 13, 23, 50), utc(2022, 3, 14, 0, 10), utc(2022, 3, 14, 0, 45)]


def test_rollover_without_heading_is_dated_on_now():
    now = utc(2022, 3, 14, 1, 0)
    newest_first = resolve(clocks("00:45", "00:10", "23:50", "23:20"), now)
    assert newest_first == [
        utc(2022, 3, 14, 0, 45), utc(2022, 3, 14, 0, 10), utc(2022, 3, 13, 23, 50), utc(2022, 3, 13, 23, 20)]
    oldest_first = resolve(clocks("23:20", "23:50", "00:10", "00:45"), now)
    assert oldest_first == list(reversed(newest_first))


def test_time_only_never_in_the_future():
    # at 12:00 a "17:37" cannot be today's: it is yesterday's
    assert resolve(clocks("17:37", "09:15"), NOW) == [utc(2022, 3, 13, 17, 37), utc(2022, 3, 13, 9, 15)]
    assert resolve(clocks("11:58", "09:15"), NOW) == [utc(2022, 3, 14, 11, 58), utc(2022, 3, 14, 9, 15)]


def test_page_zone_applies_to_bare_times():
    # 08:00 IST is 02:30 UTC; a printed zone beats the page's
    assert resolve(clocks("08:00", "07:30 GMT"), NOW, "IST") == [utc(2022, 3, 14, 2, 30), utc(2022, 3, 14, 7, 30)]
    # ET on 14 March 2022 is daylight time (UTC-4)
    assert resolve([date(2022, 3, 14), *clocks("7:15 am")], NOW, "ET") == [utc(2022, 3, 14, 11, 15)]


def test_absolute_and_relative_in_one_sequence():
    events = clocks("5 min ago", "2 hours ago", "yesterday 22:10", "21:30", "14 March 2022 08:15")
    assert resolve(events, NOW) == [
        utc(2022, 3, 14, 11, 55), utc(2022, 3, 14, 10, 0), utc(2022, 3, 13, 22, 10),
        utc(2022, 3, 13, 21, 30), utc(2022, 3, 14, 8, 15)]


def test_year_less_dates_take_the_latest_year_not_after_now():
    assert resolve(clocks("20 December 18:00"), NOW) == [utc(2021, 12, 20, 18, 0)]


def test_order_detection():
    assert detect_newest_first(clocks("10:00", "09:30", "09:00"))
    assert not detect_newest_first(clocks("09:00", "09:30", "10:00"))
    assert not detect_newest_first(clocks("23:20", "23:50", "00:10", "00:45"))
    assert detect_newest_first([date(2022, 3, 14), *clocks("10:00"), date(2022, 3, 13), *clocks("11:00")])
    assert detect_newest_first([])  # the usual order when nothing tells


def test_stamp_is_plain_data():
    stamp = Stamp(text="08:15", end=5, kind="clock", hour=8, minute=15)
    assert stamp.clock_minutes == 495
