"""Decode HTML bytes: BOM, then the HTTP charset, then <meta charset>, then UTF-8."""

from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """The page as text; undecodable bytes become U+FFFD, never an exception."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    candidates = []
    if content_type:
        m = _HEADER.search(content_type)
        if m:
            candidates.append(m.group(1))
    m = _META.search(data[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", "ignore"))
    for name in candidates:
        encoding = _known(name)
        if encoding:
            if encoding in ("utf-16-le", "utf-16-be", "utf-16") and b"\x00" not in data[:200]:
                continue  # a page that says UTF-16 but is plainly 8-bit
            try:
                return data.decode(encoding)
            except (UnicodeError, LookupError):  # undecodable, or not a text codec (base64)
                continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
