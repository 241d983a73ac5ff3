"""Read and write OPML subscription lists.

Import keeps only http(s) outlines; everything else (file:, javascript:, relative or broken
URLs) is rejected with a reason, so a shared OPML file cannot make feedtui read local files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from xml.sax.saxutils import quoteattr

from lxml import etree

from .extract.syndication import safe_xml_parser
from .sanitize import clean_line, safe_url


class OpmlError(Exception):
    """The file is not usable OPML; str() is one line."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One subscription from an OPML file (or a rejected one, with its reason)."""

    url: str
    title: str = ""
    rejected: str = ""


def parse_opml(data: bytes, name: str = "OPML") -> list[Outline]:
    """Every outline with a feed URL, in document order; rejected ones carry a reason."""
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"{name}: not XML ({clean_line(exc, 120)})") from None
    if root is None or etree.QName(root).localname.lower() != "opml":
        raise OpmlError(f"{name}: not an OPML file (no <opml> root element)")
    outlines: list[Outline] = []
    seen: set[str] = set()
    for node in root.iter("{*}outline"):
        raw = node.get("xmlUrl") or node.get("xmlurl") or node.get("url") or ""
        if not raw.strip():
            continue  # a folder
        title = clean_line(node.get("title") or node.get("text") or "", 300)
        url = safe_url(raw)
        if not url or url != clean_line(raw, 4000).replace(" ", "%20"):
            outlines.append(Outline(url=clean_line(raw, 300), title=title,
                                    rejected="only http and https URLs can be subscribed"))
            continue
        if url in seen:
            continue
        seen.add(url)
        outlines.append(Outline(url=url, title=title))
    return outlines


def export_opml(sources: list[tuple[str, str]], now: datetime | None = None) -> str:
    """An OPML 2.0 document for (url, title) pairs."""
    now = now or datetime.now(timezone.utc)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>feedtui subscriptions</title>",
        f"    <dateCreated>{format_datetime(now, usegmt=True)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for url, title in sources:
        label = quoteattr(title or url)
        lines.append(f'    <outline type="rss" text={label} title={label} xmlUrl={quoteattr(url)}/>')
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
