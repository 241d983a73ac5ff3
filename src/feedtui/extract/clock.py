"""Time stamps as liveblogs print them at the head of an update, and how they become moments.

`match_stamp` recognizes a stamp at the start of a piece of text: a time of day
(`17:37`, `5:07 pm`, `17.37`, `17h37`, `21:05(IST)`), a date and time in either order
(`08:15 GMT 14.03.2022`, `14 March 2022 08:15`, RFC 822, ISO 8601), a relative time
(`5 min ago`, `just now`) or a day word (`yesterday 22:10`). `parse_day_heading` reads the
headings that separate days (`Monday 14 March 2022`), `stated_zone` the line that says which
zone the page prints ("All times in GMT", "Times are ET"), and `resolve` turns a page's
sequence of stamps and headings into aware UTC moments: time-only stamps take the date of
the heading above them (or the date of "now"), step over midnight in the page's order
(newest first or oldest first) and are never placed in the future.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache

from .dates import UTC, ZONES, parse_date, zone

#: Zones whose offset changes with daylight saving: printed without S/D, or named.
_DST_ZONES = {
    "ET": "America/New_York", "EASTERN": "America/New_York",
    "CT": "America/Chicago", "CENTRAL": "America/Chicago",
    "MT": "America/Denver", "MOUNTAIN": "America/Denver",
    "PT": "America/Los_Angeles", "PACIFIC": "America/Los_Angeles",
    "UK": "Europe/London", "BRITISH": "Europe/London", "LONDON": "Europe/London",
}
_DST_FALLBACK = {"America/New_York": -5, "America/Chicago": -6, "America/Denver": -7,
                 "America/Los_Angeles": -8, "Europe/London": 0}
_NAMED = {"INDIA": "IST", "INDIAN": "IST", "KYIV": "EET", "MOSCOW": "MSK"}

#: Zone names recognized next to a printed time (upper case only: "CAT" yes, "cat" no).
_ZONE_WORDS = sorted((set(ZONES) - {"Z"}) | {"ET", "CT", "MT", "PT"}, key=len, reverse=True)
_ZONE_ALT = "|".join(_ZONE_WORDS)

#: Allowed slack when a stamp looks slightly later than "now" (server clocks differ).
FUTURE_SLACK = timedelta(minutes=5)
#: A clock that runs the wrong way by more than this across neighbours is a new day.
WRAP_MINUTES = 60

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

_MON = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WDAY = (r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?|"
         r"sat(?:urday)?|sun(?:day)?)\.?")


def _time_re(p: str) -> str:
    return (
        rf"(?P<{p}h>2[0-3]|[01]?\d)"
        rf"(?:(?P<{p}sep>[:.h])(?P<{p}mi>[0-5]\d)(?![\d%]|[.,]\d)"
        rf"(?::(?P<{p}s>[0-5]\d)(?:[.,]\d+)?)?)?"
        rf"(?:\s?(?P<{p}ap>[ap]\.?\s?m\b\.?))?"
    )


def _zone_re(p: str) -> str:
    zones = f"(?-i:{_ZONE_ALT})"
    offset = r"(?:(?-i:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2})"
    return (rf"(?:\s?\(\s?(?P<{p}z1>{zones}|{offset})\s?\)"
            rf"|\s?(?P<{p}z2>{offset}|{zones})(?![A-Za-z0-9]))")


def _date_re(p: str) -> str:
    return (
        rf"(?:{_WDAY},?\s+)?(?:"
        rf"(?P<{p}d1>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<{p}m1>{_MON})(?:,?\s+(?P<{p}y1>\d{{4}})(?!\d))?"
        rf"|(?P<{p}m2>{_MON})\s+(?P<{p}d2>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?P<{p}y2>\d{{4}})(?!\d))?"
        rf"|(?P<{p}d3>\d{{1,2}})(?P<{p}sep3>[./])(?P<{p}m3>\d{{1,2}})(?P={p}sep3)(?P<{p}y3>\d{{4}}|\d{{2}})(?!\d)"
        rf"|(?P<{p}y4>\d{{4}})-(?P<{p}m4>\d{{2}})-(?P<{p}d4>\d{{2}})(?![\dT])"
        rf")"
    )


_F = re.IGNORECASE
_ISO = re.compile(
    r"(?P<iso>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?Z\b|[+-]\d{2}:?\d{2})?)"
    + "(?:" + _zone_re("a") + ")?"
)
_AGO = re.compile(
    r"(?:(?P<n>\d{1,3}|an?|one|a\s+few|few)\s*"
    r"(?P<unit>secs?|seconds?|s|mins?|minutes?|m|hrs?|hours?|h|days?|d)\.?\s+ago\b"
    r"|just\s+now\b|(?:a\s+)?moments?\s+ago\b|now\b(?=\s*$))",
    _F,
)
_DAYWORD_FIRST = re.compile(
    r"(?P<word>yesterday|today)(?:,?\s+at|,)?\s+" + _time_re("b") + "(?:" + _zone_re("b") + ")?", _F)
_DAYWORD_AFTER = re.compile(
    _time_re("c") + "(?:" + _zone_re("c") + ")?" + r",?\s+(?P<word>yesterday|today)\b", _F)
_DATE_FIRST = re.compile(
    _date_re("d") + r"(?:,?\s+at|,|\s*[|·•@\-–—])?\s*\n?\s*" + _time_re("e") + "(?:" + _zone_re("e") + ")?", _F)
_TIME_FIRST = re.compile(
    _time_re("f") + "(?:" + _zone_re("f") + ")?" + r"(?:,?\s+on|,|\s*[|·•\-–—])?\s*" + _date_re("g")
    + r"(?:\s*(?:" + _zone_re("h") + "))?", _F)
_TIME_ONLY = re.compile(_time_re("i") + "(?:" + _zone_re("i") + ")?", _F)
_DAY_HEADING = re.compile(r"\s*" + _date_re("j") + r"\s*[.:]?\s*", _F)
_DAY_WORD = re.compile(r"\s*(today|yesterday)\s*[.:]?\s*", _F)
#: Quick test: could this text begin a stamp at all?
_LEAD = re.compile(r"\s*(?:\d|just\b|moments?\b|an?\b|one\b|a\s+few\b|few\b|yesterday\b|today\b|now\b|"
                   + _WDAY + r"|" + _MON + r")", _F)
#: What the first non-space character of a stamp can be besides a digit: the first letters
#: of _LEAD's words in every case IGNORECASE matches ("ſ" is an s).
_LEAD_FIRST = frozenset("jmaofytnwsdJMAOFYTNWSD\u017f")


def could_be_stamp(text: str) -> bool:
    """False when no stamp can open text: match_stamp's first test, with a cheaper one
    before it."""
    first = text.lstrip()[:1]
    return bool(first) and (first in _LEAD_FIRST or first.isdigit()) and _LEAD.match(text) is not None


#: After a time of day: something that may make it a longer stamp (a date, a day word).
_MORE_AFTER_TIME = re.compile(
    r"[\s,|·•\-–—]*(?:on\s+)?(?:\d|yesterday|today|" + _WDAY + r"|" + _MON + r"(?![a-z]))", _F)
#: What may separate a stamp from the headline glued after it.
_AFTER = re.compile(r"[\s:|·•\-–—,]*")

_STATED = re.compile(
    r"(?i:\b(?:all\s+)?(?:times?|timings?|timestamps?|time\s*zone)\s*[:\-]?\s*"
    r"(?:are\s+|is\s+|shown\s+|listed\s+|given\s+|displayed\s+|quoted\s+)?(?:in\s+)?(?:the\s+)?\(?\s*)"
    r"(?P<z>(?-i:" + _ZONE_ALT + r")\b|(?:UTC|GMT)\s?[+-]\s?\d{1,2}(?::?\d{2})?"
    r"|(?i:eastern|pacific|central|mountain|uk|british|london|india|indian|kyiv|moscow)\b)"
)
_BARE_ZONE = re.compile(r"\s*\(\s*(?P<z>(?-i:" + _ZONE_ALT + r"))\s*\)\s*")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A time stamp found at the start of some text.

    kind: "moment" (an absolute instant, already UTC), "date" (a wall-clock date and time),
    "clock" (a time of day only), "day" (yesterday/today plus a time of day: shift days
    from now's date) or "ago" (a relative time: now minus ago).
    """

    text: str
    end: int
    kind: str
    hour: int = 0
    minute: int = 0
    second: int = 0
    year: int | None = None
    month: int = 0
    day: int = 0
    zone: str = ""
    shift: int = 0
    ago: timedelta | None = None
    moment: datetime | None = None

    @property
    def clock_minutes(self) -> int:
        return self.hour * 60 + self.minute


# ---------------------------------------------------------------- zones


@lru_cache(maxsize=256)
def zone_info(name: str) -> tzinfo | None:
    """A tzinfo for a zone as printed: an abbreviation (IST, GMT), an offset (`+05:30`,
    `UTC+2`), or a daylight-saving name (ET, PT, "UK"); None when unknown."""
    if not name:
        return None
    key = re.sub(r"\s+", "", name).upper()
    key = _NAMED.get(key, key)
    area = _DST_ZONES.get(key)
    if area is not None:
        try:
            from zoneinfo import ZoneInfo
            return ZoneInfo(area)
        except Exception:  # no tz database on this machine: standard time
            return timezone(timedelta(hours=_DST_FALLBACK[area]))
    return zone(key)


def stated_zone(text: str) -> str:
    """The zone a page says it prints ("All times in GMT", "Times are ET", a bare "(IST)"
    line), as a name zone_info understands, or ""."""
    if not text:
        return ""
    m = _BARE_ZONE.fullmatch(text)
    if m is None:
        m = _STATED.search(text)
    if m is None:
        return ""
    name = m.group("z").strip()
    return name if zone_info(name) is not None else ""


# ---------------------------------------------------------------- matching


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def _clock(m: re.Match, p: str) -> tuple[int, int, int] | None:
    hour = int(m.group(p + "h"))
    minute = m.group(p + "mi")
    ap = m.group(p + "ap")
    if minute is None and ap is None:
        return None
    if m.group(p + "sep") == "." and not ap and len(m.group(p + "h")) < 2:
        return None  # "2.50 per cent": a dotted time needs two hour digits or am/pm
    if ap:
        if not 1 <= hour <= 12:
            return None
        pm = ap[0] in "pP"
        hour = hour % 12 + (12 if pm else 0)
    return hour, int(minute or 0), int(m.group(p + "s") or 0)


def _zone_of(m: re.Match, p: str) -> str:
    name = m.group(p + "z1") or m.group(p + "z2") or ""
    return name if name and zone_info(name) is not None else ""


def _ymd(m: re.Match, p: str) -> tuple[int | None, int, int] | None:
    if m.group(p + "d1"):
        y, mo, d = _int(m.group(p + "y1")), MONTHS[m.group(p + "m1")[:3].lower()], int(m.group(p + "d1"))
    elif m.group(p + "m2"):
        y, mo, d = _int(m.group(p + "y2")), MONTHS[m.group(p + "m2")[:3].lower()], int(m.group(p + "d2"))
    elif m.group(p + "d3"):
        a, b = int(m.group(p + "d3")), int(m.group(p + "m3"))
        y = int(m.group(p + "y3"))
        if y < 100:
            y += 2000
        d, mo = (b, a) if b > 12 >= a and m.group(p + "sep3") == "/" else (a, b)
    elif m.group(p + "y4"):
        y, mo, d = int(m.group(p + "y4")), int(m.group(p + "m4")), int(m.group(p + "d4"))
    else:
        return None
    if not 1 <= mo <= 12 or not 1 <= d <= 31 or (y is not None and not 1970 <= y <= 2100):
        return None
    try:
        date(y or 2000, mo, d)  # 2000 is a leap year: 29 February passes
    except ValueError:
        return None
    return y, mo, d


def _ago(m: re.Match) -> timedelta:
    n = m.group("n")
    if n is None:
        return timedelta(0)
    n = n.lower()
    count = 1 if n in ("a", "an", "one") else 3 if "few" in n else int(n)
    unit = m.group("unit").lower()
    if unit.startswith("s"):
        return timedelta(seconds=count)
    if unit.startswith("m"):
        return timedelta(minutes=count)
    if unit.startswith("h"):
        return timedelta(hours=count)
    return timedelta(days=count)


def match_stamp(text: str, now: datetime | None = None) -> Stamp | None:
    """The stamp at the very start of text (leading whitespace allowed), or None.

    Stamp.end is where the stamp ends in text; the text after it (a glued headline such
    as `21:05(IST)Rescue teams reach ...`) is text[end:]. now, if given, turns a relative
    stamp into kind "moment"; without it the stamp keeps its `ago`.
    """
    if not text or not _LEAD.match(text):
        return None
    start = len(text) - len(text.lstrip())
    first = text[start]
    stamp: Stamp | None = None
    if first.isdigit() and text[start + 4:start + 5] != "-":
        # fast path for the commonest stamp, a bare time of day with nothing date-like after
        m = _TIME_ONLY.match(text, start)
        if m and not _MORE_AFTER_TIME.match(text, m.end()):
            hms = _clock(m, "i")
            if hms:
                stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="clock", hour=hms[0],
                              minute=hms[1], second=hms[2], zone=_zone_of(m, "i"))
                return _boundary(text, stamp)
    if first.isdigit():
        m = _ISO.match(text, start)
        if m:
            raw = m.group("iso")
            zone_name = _zone_of(m, "a")
            has_offset = bool(re.search(r"(?:Z|[+-]\d{2}:?\d{2})$", raw))
            if has_offset:
                moment = parse_date(raw.replace(" ", "T", 1))
                if moment is not None:
                    stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="moment", moment=moment,
                                  hour=moment.hour, minute=moment.minute)
            else:
                try:
                    local = datetime.fromisoformat(raw.replace(" ", "T", 1).replace(",", "."))
                except ValueError:
                    local = None
                if local is not None:
                    stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="date", hour=local.hour,
                                  minute=local.minute, second=local.second, year=local.year,
                                  month=local.month, day=local.day, zone=zone_name)
    if stamp is None:
        m = _AGO.match(text, start)
        if m:
            return Stamp(text=m.group(0).strip(), end=m.end(), kind="ago", ago=_ago(m)) if now is None else \
                _moment_from_ago(m, now)
    if stamp is None and (first in "yYtT" or first.isdigit()):
        for regex, p in ((_DAYWORD_FIRST, "b"), (_DAYWORD_AFTER, "c")):
            m = regex.match(text, start)
            if m:
                hms = _clock(m, p)
                if hms:
                    stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="day", hour=hms[0],
                                  minute=hms[1], second=hms[2], zone=_zone_of(m, p),
                                  shift=-1 if m.group("word").lower() == "yesterday" else 0)
                    break
    if stamp is None:
        m = _DATE_FIRST.match(text, start)
        if m:
            ymd, hms = _ymd(m, "d"), _clock(m, "e")
            if ymd and hms:
                stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="date", hour=hms[0],
                              minute=hms[1], second=hms[2], year=ymd[0], month=ymd[1], day=ymd[2],
                              zone=_zone_of(m, "e"))
    if stamp is None and first.isdigit():
        m = _TIME_FIRST.match(text, start)
        if m:
            ymd, hms = _ymd(m, "g"), _clock(m, "f")
            if ymd and hms:
                stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="date", hour=hms[0],
                              minute=hms[1], second=hms[2], year=ymd[0], month=ymd[1], day=ymd[2],
                              zone=_zone_of(m, "f") or _zone_of(m, "h"))
        if stamp is None:
            m = _TIME_ONLY.match(text, start)
            if m:
                hms = _clock(m, "i")
                if hms:
                    stamp = Stamp(text=m.group(0).strip(), end=m.end(), kind="clock", hour=hms[0],
                                  minute=hms[1], second=hms[2], zone=_zone_of(m, "i"))
    if stamp is None:
        return None
    return _boundary(text, stamp)


def _boundary(text: str, stamp: Stamp) -> Stamp | None:
    end = stamp.end
    if end < len(text) and text[end - 1].isalnum() and text[end].isalnum() \
            and text[end - 1].isdigit() == text[end].isdigit():
        return None  # "08:157" or "5 pmx": not a stamp boundary
    return stamp


def _moment_from_ago(m: re.Match, now: datetime) -> Stamp:
    moment = to_aware_utc(now) - _ago(m)
    return Stamp(text=m.group(0).strip(), end=m.end(), kind="moment", moment=moment,
                 hour=moment.hour, minute=moment.minute, ago=_ago(m))


def split_stamp(text: str, now: datetime | None = None) -> tuple[Stamp | None, str]:
    """The stamp at the start of text and the rest of the line after it (separators such
    as `-`, `|`, `:` dropped): `21:05(IST)Rescue teams reach` gives the stamp `21:05(IST)`
    and `Rescue teams reach`."""
    stamp = match_stamp(text, now)
    if stamp is None:
        return None, text
    rest = text[stamp.end:]
    return stamp, rest[_AFTER.match(rest).end():]


def parse_day_heading(text: str, now: datetime | None = None) -> date | None:
    """The date of a day heading (`Monday 14 March 2022`, `14.03.2022`, `March 14, 2022`,
    `Yesterday`); a missing year is the latest one not after now. None when text is more
    than a date."""
    if not text or len(text) > 60:
        return None
    m = _DAY_HEADING.fullmatch(text)
    if m is None:
        m2 = _DAY_WORD.fullmatch(text)
        if m2 is None or now is None:
            return None
        today = to_aware_utc(now).date()
        return today - timedelta(days=1) if m2.group(1).lower() == "yesterday" else today
    ymd = _ymd(m, "j")
    if ymd is None:
        return None
    return _with_year(ymd, now)


def _with_year(ymd: tuple[int | None, int, int], now: datetime | None, slack_days: int = 1) -> date | None:
    year, month, day = ymd
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    ref = to_aware_utc(now).date() if now is not None else datetime.now(UTC).date()
    for y in (ref.year, ref.year - 1, ref.year - 2):
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        if candidate <= ref + timedelta(days=slack_days):
            return candidate
    return None


def to_aware_utc(moment: datetime) -> datetime:
    """moment in UTC; a naive one is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


# ---------------------------------------------------------------- resolving a page


def _local(day: date, stamp: Stamp, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(stamp.hour, stamp.minute, stamp.second)).replace(tzinfo=tz).astimezone(UTC)


def _absolute(stamp: Stamp, now: datetime, tz: tzinfo) -> datetime | None:
    if stamp.kind == "moment":
        return stamp.moment
    if stamp.kind == "ago":
        return now - (stamp.ago or timedelta(0))
    if stamp.kind == "day":
        today = now.astimezone(tz).date()
        return _local(today + timedelta(days=stamp.shift), stamp, tz)
    if stamp.kind == "date":
        day = _with_year((stamp.year, stamp.month, stamp.day), now.astimezone(tz).replace(tzinfo=None))
        return _local(day, stamp, tz) if day is not None else None
    return None


def detect_newest_first(events: list, now: datetime | None = None) -> bool:
    """Whether a page's stamps run newest first (the default when nothing tells)."""
    desc = asc = 0
    prev_clock: int | None = None
    prev_moment: datetime | None = None
    prev_heading: date | None = None
    for event in events:
        if isinstance(event, date):
            if prev_heading is not None and event != prev_heading:
                if event < prev_heading:
                    desc += 2
                else:
                    asc += 2
            prev_heading = event
            prev_clock = None
            continue
        if not isinstance(event, Stamp):
            continue
        if event.kind == "clock":
            if prev_clock is not None:
                diff = (event.clock_minutes - prev_clock) % 1440
                if 0 < diff < 720:
                    asc += 1
                elif diff > 720:
                    desc += 1
            prev_clock = event.clock_minutes
            continue
        moment = event.moment if event.kind == "moment" else None
        if event.kind == "date" and event.year is not None:
            moment = datetime(event.year, event.month, event.day, event.hour, event.minute, tzinfo=UTC)
        if event.kind == "ago":
            moment = datetime(2000, 1, 1, tzinfo=UTC) - (event.ago or timedelta(0))
        if moment is not None and prev_moment is not None and moment != prev_moment:
            if moment < prev_moment:
                desc += 1
            else:
                asc += 1
        prev_moment = moment
        prev_clock = event.clock_minutes if event.kind in ("date", "day") else None
    return desc >= asc


def resolve(events: list, now: datetime, page_zone: str = "") -> list[datetime | None]:
    """`_resolve`, safe at the edges of datetime's range: when a stamp or heading in year 1
    or 9999 would step out of it, those stamps stay undated (and headings are ignored)."""
    try:
        return _resolve(events, now, page_zone)
    except OverflowError:
        pass
    edge = (lambda year: year is not None and not 1 < year < 9999)
    kept = []
    for event in events:
        if isinstance(event, Stamp) and (edge(event.year) or (event.moment and edge(event.moment.year))):
            event = replace(event, kind="undated", moment=None)
        elif isinstance(event, date) and edge(event.year):
            continue
        kept.append(event)
    try:
        return _resolve(kept, now, page_zone)
    except OverflowError:
        return [None] * sum(1 for e in events if isinstance(e, Stamp))


def _resolve(events: list, now: datetime, page_zone: str = "") -> list[datetime | None]:
    """Aware UTC moments for the stamps in a page's sequence of events.

    events holds, in document order, Stamp objects (one per entry) and `date` objects
    (day headings). Returns one moment (or None) per Stamp, in order. A stamp's own zone
    wins, else page_zone, else UTC. Time-only stamps take the date of the heading (or
    absolute stamp) above them and step a day at a midnight wrap, in the direction the
    page runs; those above any date are dated on now's date and never in the future.
    """
    now = to_aware_utc(now)
    default_tz = zone_info(page_zone) or UTC
    newest_first = detect_newest_first(events)
    stamps = [e for e in events if isinstance(e, Stamp)]
    out: list[datetime | None] = [None] * len(stamps)
    ctx_day: date | None = None
    ctx_clock: int | None = None
    leading: list[tuple[int, int, Stamp, tzinfo]] = []  # (index, day offset, stamp, tz)
    lead_clock: int | None = None
    lead_offset = 0
    index = -1
    for event in events:
        if isinstance(event, date):
            ctx_day, ctx_clock = event, None
            continue
        if not isinstance(event, Stamp):
            continue
        index += 1
        tz = zone_info(event.zone) or default_tz
        if event.kind != "clock":
            moment = _absolute(event, now, tz)
            out[index] = moment
            if moment is not None and event.kind != "ago":
                local = moment.astimezone(tz)
                ctx_day, ctx_clock = local.date(), local.hour * 60 + local.minute
            continue
        clock = event.clock_minutes
        if ctx_day is None:
            if lead_clock is not None:
                lead_offset += _wrap(lead_clock, clock, newest_first)
            lead_clock = clock
            leading.append((index, lead_offset, event, tz))
            continue
        day = ctx_day
        if ctx_clock is not None:
            day = day + timedelta(days=_wrap(ctx_clock, clock, newest_first))
        out[index] = _local(day, event, tz)
        ctx_day, ctx_clock = day, clock
    if leading:
        newest = max(leading, key=lambda item: (item[1], item[2].clock_minutes)) if not newest_first \
            else leading[0]
        _, top_offset, top_stamp, top_tz = newest
        base = now.astimezone(top_tz).date()
        if _local(base, top_stamp, top_tz) > now + FUTURE_SLACK:
            base -= timedelta(days=1)
        for i, offset, stamp, tz in leading:
            out[i] = _local(base + timedelta(days=offset - top_offset), stamp, tz)
    return out


def _wrap(previous: int, current: int, newest_first: bool) -> int:
    """-1, 0 or +1 day between two neighbouring time-of-day stamps (in minutes)."""
    if newest_first and current > previous + WRAP_MINUTES:
        return -1
    if not newest_first and current < previous - WRAP_MINUTES:
        return 1
    return 0
