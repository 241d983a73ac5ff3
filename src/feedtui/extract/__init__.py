"""Turn the bytes of a source into entries.

`extract_bytes` sniffs what the bytes are (a syndication feed, a JSON payload, an HTML
page) and runs the strategies of DESIGN.md in priority order, merging their entries:

1. known markup and payloads of big publishers and liveblog vendors (`sites`)
2. JSON-LD LiveBlogPosting (`jsonld`)
3. microdata liveBlogUpdate (`microdata`)
4. DOM blocks that carry ids or time attributes (`dom`)
5. the generic fallback: sibling blocks introduced by a time stamp (`stamps`)

Nothing here touches the network or the screen.
"""

from __future__ import annotations

import codecs
import json
import re
from datetime import datetime, timezone

from ..models import Extraction
from ..sanitize import clean_line
from . import dom, jsonld, microdata, sites, stamps, syndication
from .base import ExtractError, NotLiveError, Page
from .charset import decode_html
from .merge import merge_entries

__all__ = ["ExtractError", "NotLiveError", "extract_bytes", "extract_html"]

_XML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml|<rss|<feed|<rdf:RDF|<RDF|<channel|<!--[\s\S]{0,2000}?-->\s*<(?:rss|feed|rdf))",
    re.IGNORECASE,
)
_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!doctype\s+html|<html|<head|<body)", re.IGNORECASE)

#: Structured strategies, highest priority first; the generic fallback runs only when
#: none of them finds anything.
HTML_STRATEGIES = (
    ("sites", sites.extract_html),
    ("jsonld", jsonld.extract),
    ("microdata", microdata.extract),
    ("dom", dom.extract),
)


def extract_bytes(data: bytes, url: str, source: str | None = None,
                  content_type: str | None = None, now: datetime | None = None) -> Extraction:
    """Entries of one fetched source, or ExtractError with a one-line reason.

    url is where the bytes came from (it resolves relative links and anchors); source is
    the name entries carry (the URL when not given); now fixes relative times in tests.
    """
    now = now or datetime.now(timezone.utc)
    source = source or url
    head = _head(data).lstrip()
    if not head.strip():
        raise ExtractError(f"{url}: empty document")
    if head[:1] in (b"{", b"[") or head[:4] == b"\xef\xbb\xbf{":
        return _extract_json(data, url, source, now)
    if _XML_START.match(head) and not _HTML_START.match(head):
        result = syndication.parse_feed(data, url, source)
        if result is not None:
            if not result.entries:
                raise NotLiveError(f"no live updates or feed items found in {url}")
            return result
    ctype = (content_type or "").lower()
    if "xml" in ctype and "html" not in ctype:
        result = syndication.parse_feed(data, url, source)
        if result is not None and result.entries:
            return result
    return extract_html(decode_html(data, content_type), url, source, now)


#: Byte order marks and the first bytes of "<" in the UTF-16 and UTF-32 forms (longest first).
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32-le", 4), (codecs.BOM_UTF32_BE, "utf-32-be", 4),
    (codecs.BOM_UTF16_LE, "utf-16-le", 2), (codecs.BOM_UTF16_BE, "utf-16-be", 2),
    (b"<\x00\x00\x00", "utf-32-le", 0), (b"\x00\x00\x00<", "utf-32-be", 0),
    (b"<\x00", "utf-16-le", 0), (b"\x00<", "utf-16-be", 0),
)


def _head(data: bytes) -> bytes:
    """The first 4 KB as ASCII-compatible bytes, for sniffing: a UTF-16 or UTF-32 document
    (a feed that hides its markup, entities included, from byte patterns) is transcoded."""
    for prefix, encoding, skip in _WIDE:
        if data.startswith(prefix):
            return data[skip:4096].decode(encoding, "ignore").encode("utf-8", "ignore")
    return data[:4096]


def _extract_json(data: bytes, url: str, source: str, now: datetime) -> Extraction:
    try:
        payload = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError) as exc:
        raise ExtractError(f"{url}: invalid JSON ({_reason(exc)})") from None
    result = syndication.parse_json_feed(payload, url, source)
    if result is None:
        result = sites.extract_json(payload, url, source, now)
    if result is None:
        raise NotLiveError(f"{url}: JSON is neither a JSON Feed nor a known liveblog payload")
    if not result.entries:
        raise NotLiveError(f"no live updates or feed items found in {url}")
    return result


def extract_html(html: str, url: str, source: str | None = None,
                 now: datetime | None = None) -> Extraction:
    """Entries of a liveblog page, merged across strategies; NotLiveError if none."""
    now = now or datetime.now(timezone.utc)
    page = Page(url=url, source=source or url, html=html, now=now)
    found = []
    used = []
    for name, strategy in HTML_STRATEGIES:
        entries = strategy(page)
        if entries:
            found.append(entries)
            used.append(name)
    if not found:
        entries = stamps.extract(page)
        if entries:
            found.append(entries)
            used.append("stamps")
    if not found:
        raise NotLiveError(f"no live updates or feed items found in {url}")
    title = _page_title(page)
    return Extraction(
        kind="live",
        title=title,
        entries=merge_entries(found),
        strategy="+".join(used),
        coverage_end=jsonld.coverage_end(page),
    )


def _page_title(page: Page) -> str:
    for selector in ('meta[property="og:title"]', "title", "h1"):
        node = page.tree.css_first(selector)
        if node is None:
            continue
        text = node.attributes.get("content") if node.tag == "meta" else node.text()
        if text and text.strip():
            return clean_line(text, 300)
    return ""


def _reason(exc: BaseException) -> str:
    return clean_line(str(exc) or type(exc).__name__, 200)
