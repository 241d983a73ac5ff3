"""Absolute dates as sources print them: ISO 8601, RFC 822 (and its common mistakes),
epoch seconds and milliseconds, and the zone abbreviations newsrooms use."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz

UTC = timezone.utc

#: Zone abbreviations printed on news pages, as fixed offsets in hours. IST is India's, the
#: commonest reading on liveblogs (Israel and Ireland print their zones differently).
ZONES: dict[str, float] = {
    "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "WET": 0,
    "BST": 1, "IST": 5.5, "CET": 1, "MEZ": 1, "WAT": 1, "WEST": 1,
    "CEST": 2, "MESZ": 2, "EET": 2, "CAT": 2, "SAST": 2,
    "EEST": 3, "MSK": 3, "EAT": 3, "TRT": 3, "AST": -4, "ADT": -3,
    "PKT": 5, "NPT": 5.75, "BDT": 6, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8, "AWST": 8,
    "CST": -6, "CDT": -5, "EST": -5, "EDT": -4, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10,
    "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}


def zone(name: str) -> tzinfo | None:
    """The fixed-offset zone for an abbreviation or a `+05:30`/`-0400` offset, else None."""
    name = name.strip().upper()
    if name in ZONES:
        return timezone(timedelta(hours=ZONES[name]))
    m = re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2}):?(\d{2})?", name)
    if m:
        hours, minutes = int(m.group(2)), int(m.group(3) or 0)
        if hours > 14 or minutes > 59:
            return None
        delta = timedelta(hours=hours, minutes=minutes)
        return timezone(-delta if m.group(1) == "-" else delta)
    return None


_EPOCH = re.compile(r"\d{9,10}(?:\.\d+)?|\d{12,13}")
_ISO_SPACE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(.*)$")
_ISO_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})T?(\d{2})(\d{2})(\d{2})?\s*(Z|[+-]\d{2}:?\d{2})?$")
_TRAILING_ZONE = re.compile(r"^(.*?)\s*\(?\b([A-Z]{1,5})\)?$")


def to_utc(moment: datetime, default_tz: tzinfo | None = UTC) -> datetime:
    """The moment in UTC; a naive one is read in default_tz (UTC when None)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz or UTC)
    return moment.astimezone(UTC)


def parse_epoch(value: object) -> datetime | None:
    """Epoch seconds or milliseconds (number or digit string) as UTC, if plausible."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if number > 1e11:  # milliseconds
        number /= 1000.0
    if not 1e8 < number < 4.2e9:
        return None
    return datetime.fromtimestamp(number, UTC)


def _iso(text: str, default_tz: tzinfo | None) -> datetime | None:
    candidate = text
    m = _ISO_SPACE.match(text)
    if m:
        rest = m.group(3).strip()
        tz = None
        if rest:
            tz = zone(rest)
            if tz is None:
                return None
        try:
            moment = datetime.fromisoformat(f"{m.group(1)}T{m.group(2).replace(',', '.')}")
        except ValueError:
            return None
        if tz is not None:
            moment = moment.replace(tzinfo=tz)
        return to_utc(moment, default_tz)
    m = _ISO_COMPACT.match(text)
    if m:
        y, mo, d, h, mi, s, z = m.groups()
        candidate = f"{y}-{mo}-{d}T{h}:{mi}:{s or '00'}{z or ''}"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    return to_utc(moment, default_tz)


_RFC_FIXES = (
    (re.compile(r"^\w{2,9}\.?,?\s+(?=\d)"), ""),  # drop weekday (often misspelt or not English)
    (re.compile(r"(\d)(st|nd|rd|th)\b"), r"\1"),
    (re.compile(r"\b(\d{1,2})\.(\d{2})\b(?!\.)"), r"\1:\2"),
    # "03 Apr 02 1500 GMT": a time without its colon
    (re.compile(r"^(\d{1,2}\s+\w+\.?\s+\d{2,4}\s+)([01]\d|2[0-3])([0-5]\d)(?=\s|$)"), r"\1\2:\3"),
)

#: Month abbreviations of the languages feeds are most often written in (RFC 822 wants
#: English ones; Portuguese, Spanish, French, German, Italian, Dutch and Greek feeds differ).
_FOREIGN_MONTHS = {
    "jan": "Jan", "janv": "Jan", "ene": "Jan", "gen": "Jan", "ιαν": "Jan",
    "fev": "Feb", "fév": "Feb", "févr": "Feb", "feb": "Feb", "φεβ": "Feb",
    "mär": "Mar", "mrz": "Mar", "mrt": "Mar", "mars": "Mar", "μάρ": "Mar", "μαρ": "Mar",
    "abr": "Apr", "avr": "Apr", "απρ": "Apr",
    "mai": "May", "mei": "May", "mag": "May", "μάι": "May", "μαΐ": "May", "μαι": "May", "μάη": "May",
    "juin": "Jun", "giu": "Jun", "ιούν": "Jun", "ιουν": "Jun",
    "juil": "Jul", "lug": "Jul", "ιούλ": "Jul", "ιουλ": "Jul",
    "ago": "Aug", "août": "Aug", "αύγ": "Aug", "αυγ": "Aug",
    "set": "Sep", "sept": "Sep", "σεπ": "Sep",
    "out": "Oct", "okt": "Oct", "ott": "Oct", "οκτ": "Oct",
    "νοέ": "Nov", "νοε": "Nov",
    "dez": "Dec", "dic": "Dec", "déc": "Dec", "δεκ": "Dec",
}
# "MESZ" ends in Z but is not UTC: the zone must be a word of its own.
_EXPLICIT_UTC = re.compile(r"(?:\b(?:GMT|UTC|UT|Z)|[+-]0000)\s*$")
_WORD = re.compile(r"[^\W\d_]+\.?")
_SHORT_OFFSET = re.compile(r"([+-]\d{2}):?(\d)$")  # "+00:0", a digit lost
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
#: The canonical RFC 822 date of nearly every feed, parsed without the general machinery.
_RFC_FAST = re.compile(
    r"(?:[A-Za-z]{3},\s*)?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?"
    r" (?:GMT|UTC|UT|Z|([+-])(\d{2})(\d{2}))"
)


def _rfc822_fast(text: str) -> datetime | None:
    m = _RFC_FAST.fullmatch(text)
    if m is None:
        return None
    day, month_name, year, hour, minute, second, sign, off_h, off_m = m.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    offset = 0
    if sign is not None:
        if int(off_h) > 14 or int(off_m) > 59:
            return None
        offset = (int(off_h) * 60 + int(off_m)) * (-60 if sign == "-" else 60)
    try:
        moment = datetime(int(year), month, int(day), int(hour), int(minute),
                          min(int(second or 0), 59), tzinfo=UTC)
    except ValueError:
        return None
    return moment - timedelta(seconds=offset) if offset else moment


def _english_months(text: str) -> str:
    def repl(m: re.Match) -> str:
        word = m.group(0).rstrip(".")
        english = _FOREIGN_MONTHS.get(word.lower())
        if english is None and len(word) > 3:
            english = _FOREIGN_MONTHS.get(word.lower()[:4]) or _FOREIGN_MONTHS.get(word.lower()[:3])
            if english is not None and word.lower()[:3] in _MONTHS:
                english = None  # a full English name: parsedate_tz reads those
        return english or m.group(0)

    return _WORD.sub(repl, text)


def _rfc822(text: str, default_tz: tzinfo | None) -> datetime | None:
    fast = _rfc822_fast(text)
    if fast is not None:
        return fast
    parts = parsedate_tz(text)
    if parts is None:
        fixed = text
        for pattern, repl in _RFC_FIXES:
            fixed = pattern.sub(repl, fixed)
        parts = parsedate_tz(fixed)
        if parts is None:
            fixed = _english_months(fixed)
            parts = parsedate_tz(fixed)
        if parts is None:
            return None
        text = fixed
    year, month, day, hour, minute, second = parts[:6]
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        moment = datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return None
    offset = parts[9]
    if offset is not None and (offset != 0 or _EXPLICIT_UTC.search(text)):
        return (moment - timedelta(seconds=offset)).replace(tzinfo=UTC)
    m = _TRAILING_ZONE.match(text)
    if m and zone(m.group(2)) is not None:
        return to_utc(moment.replace(tzinfo=zone(m.group(2))), default_tz)
    return to_utc(moment, default_tz)


def parse_date(value: object, default_tz: tzinfo | None = UTC) -> datetime | None:
    """A timezone-aware UTC datetime from an absolute date in any common form, else None.

    Accepts ISO 8601 (with `Z`, offsets, a space instead of `T`, compact forms), RFC 822
    and its usual corruptions, and epoch seconds or milliseconds. A date with no zone is
    read in default_tz.
    """
    try:
        return _parse_date(value, default_tz)
    except (ValueError, OverflowError):  # a date at the edge of datetime's range, huge fields
        return None


def _parse_date(value: object, default_tz: tzinfo | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_epoch(value)
    text = str(value).strip()
    if not text or len(text) > 100:
        return None
    if _EPOCH.fullmatch(text):
        return parse_epoch(text)
    if text[0].isdigit() and len(text) >= 8 and text[4:5] == "-" or _ISO_COMPACT.match(text):
        moment = _iso(text, default_tz)
        if moment is not None:
            return moment
        if _SHORT_OFFSET.search(text):
            moment = _iso(_SHORT_OFFSET.sub(r"\g<1>:\g<2>0", text), default_tz)
            if moment is not None:
                return moment
    return _rfc822(text, default_tz)
