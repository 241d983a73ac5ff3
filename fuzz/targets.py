"""Fuzz targets for feedtui's parsers and the invariants every result must keep.

Each target takes the raw fuzz input (bytes) and either returns normally or raises
`InvariantViolation` (a result broke a rule) or lets an unexpected exception escape (a
crash). The atheris driver (`fuzz/run.py`) and the pytest smoke (`tests/test_fuzz.py`) share
these functions, so a finding reproduces the same way in both.

Allowed outcomes per target:
  syndication  parse_feed(bytes)            -> Extraction | None, or ExtractError
  html         extract_html(decoded bytes)  -> Extraction, or ExtractError
  bytes        extract_bytes(bytes)         -> Extraction, or ExtractError (every route)
  jsonld       loads_lenient(text)          -> list, never raises; then a LiveBlogPosting
                                               page around the text -> Extraction/ExtractError
  dates        parse_date / clock stamps    -> None or an aware UTC datetime, never raises
  query        query.parse(text)            -> a tree or None, or QueryError
  sanitize     clean_line / clean_text / safe_url: clean, idempotent, UTF-8
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from feedtui import query as query_mod
from feedtui.extract import ExtractError, extract_bytes, extract_html
from feedtui.extract import clock, jsonld, syndication
from feedtui.extract.charset import decode_html
from feedtui.extract.dates import parse_date
from feedtui.models import Entry, Extraction
from feedtui.sanitize import COMBINING_RUN, LINE_LIMIT, TEXT_LIMIT, clean_line, clean_text, safe_url

NOW = datetime(2024, 3, 14, 12, 0, tzinfo=timezone.utc)
URL = "https://example.com/live"

#: What no sanitized string may hold: C0 (but tab and newline) and C1 controls, DEL, lone
#: surrogates, bidi embeddings/overrides/isolates and marks, zero-width and invisible
#: format characters, interlinear annotations, Unicode tag characters.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
#: A single-line field also holds no line or paragraph break and no tab.
FORBIDDEN_LINE = re.compile(FORBIDDEN.pattern[:-1] + "\t\n\r\u2028\u2029]")
_COMBINING = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{%d,}" % (COMBINING_RUN + 1)
)


class InvariantViolation(AssertionError):
    """A parser returned something that breaks one of the rules above."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise InvariantViolation(message)


def check_line(value: object, field: str, limit: int = LINE_LIMIT + 1) -> None:
    _check(isinstance(value, str), f"{field} is {type(value).__name__}, not str")
    m = FORBIDDEN_LINE.search(value)
    _check(m is None, f"{field} holds {m.group(0)!r}" if m else "")
    _check(_COMBINING.search(value) is None, f"{field} holds a run of combining marks")
    _check(len(value) <= limit, f"{field} longer than {limit}: {len(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvariantViolation(f"{field} does not encode as UTF-8") from None


def check_url(value: str, field: str) -> None:
    check_line(value, field, 4_100)
    _check(value == "" or value[:7].lower() == "http://" or value[:8].lower() == "https://",
           f"{field} is not empty nor http(s): {value[:60]!r}")


def check_moment(value: object, field: str) -> None:
    if value is None:
        return
    _check(isinstance(value, datetime), f"{field} is {type(value).__name__}")
    _check(value.tzinfo is not None and value.utcoffset() == timedelta(0),
           f"{field} is not aware UTC: {value!r}")


def check_entry(entry: Entry) -> None:
    _check(isinstance(entry, Entry), f"entry is {type(entry).__name__}")
    check_line(entry.id, "id", 4_100)
    _check(entry.id != "", "empty id")
    for field in ("source", "title", "time_text", "author"):
        check_line(getattr(entry, field), field)
    check_url(entry.url, "url")
    _check(isinstance(entry.body, tuple), "body is not a tuple")
    total = 0
    for para in entry.body:
        check_line(para, "body paragraph", TEXT_LIMIT + 1)
        _check(para != "", "empty body paragraph")
        total += len(para)
    _check(total <= TEXT_LIMIT + 1, f"body longer than {TEXT_LIMIT}")
    for media in entry.media:
        check_line(media.kind, "media.kind")
        check_line(media.caption, "media.caption")
        check_line(media.title, "media.title")
        check_url(media.url, "media.url")
    check_moment(entry.published, "published")
    check_moment(entry.updated, "updated")
    for actor in entry.actors:
        check_line(actor, "actor")


def check_extraction(result: object) -> None:
    _check(isinstance(result, Extraction), f"result is {type(result).__name__}")
    check_line(result.title, "extraction title")
    ids = [e.id for e in result.entries]
    _check(len(ids) == len(set(ids)), "duplicate ids in one extraction")
    for entry in result.entries:
        check_entry(entry)
    check_moment(result.coverage_end, "coverage_end")


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


# ---------------------------------------------------------------------------------- targets


def target_syndication(data: bytes) -> None:
    try:
        result = syndication.parse_feed(data, URL, "fuzz")
    except ExtractError as exc:
        check_line(str(exc), "error message", 1_000)
        return
    if result is not None:
        check_extraction(result)


def target_html(data: bytes) -> None:
    try:
        result = extract_html(decode_html(data), URL, "fuzz", NOW)
    except ExtractError as exc:
        check_line(str(exc), "error message", 1_000)
        return
    check_extraction(result)


def target_bytes(data: bytes) -> None:
    # The first byte picks a content type, so every route of extract_bytes is reached.
    ctypes = (None, "text/html; charset=utf-8", "application/rss+xml", "application/json",
              "text/xml; charset=iso-8859-1", "text/html; charset=utf-16")
    ctype = ctypes[data[0] % len(ctypes)] if data else None
    try:
        result = extract_bytes(data[1:], URL, "fuzz", ctype, NOW)
    except ExtractError as exc:
        check_line(str(exc), "error message", 1_000)
        return
    check_extraction(result)


_JSONLD_PAGE = (
    '<html><head><title>Live</title><script type="application/ld+json">{}</script></head>'
    '<body><article id="post-1"><time datetime="2024-03-14T10:00:00Z">10:00</time>'
    "<p>Visible text</p></article></body></html>"
)


def target_jsonld(data: bytes) -> None:
    text = _text(data)
    values = jsonld.loads_lenient(text)
    _check(isinstance(values, list), "loads_lenient did not return a list")
    try:
        result = extract_html(_JSONLD_PAGE.replace("{}", text, 1), URL, "fuzz", NOW)
    except ExtractError:
        return
    check_extraction(result)


def target_dates(data: bytes) -> None:
    text = _text(data)
    check_moment(parse_date(text), "parse_date")
    check_moment(parse_date(text, None), "parse_date(no default zone)")
    stamp, rest = clock.split_stamp(text, NOW)
    if stamp is not None:
        _check(0 < stamp.end <= len(text), f"stamp end {stamp.end} outside the text")
        _check(0 <= stamp.hour <= 24 and 0 <= stamp.minute < 60, f"bad clock {stamp!r}")
        check_moment(stamp.moment, "stamp.moment")
    day = clock.parse_day_heading(text, NOW)
    _check(day is None or 1 <= day.year <= 9999, "bad day heading")
    clock.stated_zone(text)


def target_query(data: bytes) -> None:
    text = _text(data)
    try:
        node = query_mod.parse(text, NOW)
    except query_mod.QueryError:
        return  # the message quotes the user's own query verbatim: not checked here
    if node is not None:
        entry = Entry(id="x", source="s", title="Šefčovič speaks", body=("a b c",), published=NOW)
        _check(isinstance(query_mod.matches(node, entry), bool), "matches is not a bool")


def _wide_text(data: bytes) -> str:
    """Text over all of Unicode: an odd first byte reads the rest as 3-byte code points (so
    bidi, tag and surrogate code points are as likely as ASCII), else UTF-8 with escapes."""
    if data[:1] and data[0] & 1:
        body = data[1:]
        return "".join(chr(int.from_bytes(body[i:i + 3], "big") % 0x110000)
                       for i in range(0, len(body) - 2, 3))
    return _text(data[1:])


def target_sanitize(data: bytes) -> None:
    text = _wide_text(data)
    for clean, limit in ((clean_line, 40), (clean_line, LINE_LIMIT), (clean_text, 50), (clean_text, TEXT_LIMIT)):
        once = clean(text, limit)
        m = FORBIDDEN.search(once)
        _check(m is None, f"{clean.__name__} left {m.group(0)!r}" if m else "")
        if clean is clean_line:
            _check(FORBIDDEN_LINE.search(once) is None, "clean_line left a break or a tab")
        _check(_COMBINING.search(once) is None, f"{clean.__name__} left a combining run")
        _check(len(once) <= limit + 1, f"{clean.__name__} longer than {limit}")
        _check(clean(once, limit) == once, f"{clean.__name__} is not idempotent on {text[:40]!r}")
        once.encode("utf-8")
        _check(once.count("\u200d") <= text.count("\u200d"), "ZWJ appeared from nowhere")
    if "\u200d" in text and len(text) < 30 and not re.search("[\x1b\x90-\x9f]", text):
        _check("\u200d" in clean_line(text), "ZWJ removed")  # emoji and Indic scripts need it
    url = safe_url(text, URL)
    check_url(url, "safe_url")
    _check(safe_url(url, URL) == url, "safe_url is not idempotent")


TARGETS = {
    "syndication": target_syndication,
    "html": target_html,
    "bytes": target_bytes,
    "jsonld": target_jsonld,
    "dates": target_dates,
    "query": target_query,
    "sanitize": target_sanitize,
}

