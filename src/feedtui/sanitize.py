"""The single choke point for untrusted text: everything from the network passes here.

Text comes out in Unicode NFC.

Removes terminal escape sequences whole (CSI, OSC, DCS, APC, PM, SOS, in 7- and 8-bit form),
every other C0 and C1 control and DEL, lone surrogates, bidi overrides and isolates,
zero-width and Unicode tag characters (keeping ZWJ and ZWNJ, which emoji and Indic scripts
need), caps runs of combining marks and field lengths. The result is idempotent and always
encodes as UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin, urlsplit

#: Longest single-line field (title, author, caption) kept, in characters.
LINE_LIMIT = 2_000
#: Longest multi-line field (one body) kept, in characters.
TEXT_LIMIT = 200_000
#: Longest URL kept, in characters (a longer one is refused, not cut).
URL_LIMIT = 4_000
#: Longest run of combining marks kept after one base character.
COMBINING_RUN = 4

# Escape sequences are removed with their parameters, so that "ESC ] 0 ; title BEL" leaves no
# "]0;title" behind. String sequences end at BEL, ST (ESC \ or 0x9c), or the end of input.
_ESCAPES = re.compile(
    r"""
      (?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?      # CSI
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC DCS SOS PM APC
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                             # other ESC sequences
    """,
    re.VERBOSE | re.DOTALL,
)

_DROP = {c: None for c in range(0x00, 0x20) if c not in (0x09, 0x0A)}
_DROP.update({c: None for c in range(0x7F, 0xA0)})
_DROP.update({c: None for c in range(0xD800, 0xE000)})  # lone surrogates
_DROP.update({c: None for c in range(0x202A, 0x202F)})  # LRE RLE PDF LRO RLO
_DROP.update({c: None for c in range(0x2066, 0x206A)})  # LRI RLI FSI PDI
_DROP.update({c: None for c in (0x200E, 0x200F, 0x061C)})  # LRM RLM ALM
_DROP.update({c: None for c in (0x200B, 0x2060, 0xFEFF, 0x180E, 0x2061, 0x2062, 0x2063, 0x2064)})
_DROP.update({c: None for c in range(0x206A, 0x2070)})  # deprecated format controls
_DROP.update({c: None for c in range(0xFFF9, 0xFFFC)})  # interlinear annotation
_DROP.update({c: None for c in range(0xE0000, 0xE0080)})  # tag characters
_DROP[0x0D] = "\n"  # a bare CR would move the cursor; keep it as a line break
_DROP[0x2028] = "\n"
_DROP[0x2029] = "\n"
_DROP[0x0B] = "\n"
_DROP[0x0C] = "\n"
_DROP[0x85] = "\n"

_NEEDS_WORK = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u180e\u200b\u200e\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)
_COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
# Spelled out rather than {5,}: the same runs, found three times faster by re's search.
_COMBINING_RUN = re.compile(_COMBINING * (COMBINING_RUN + 1) + _COMBINING + "*")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"[ \t]*\n[ \t\n]*\n[ \t]*")


def _strip(text: str) -> str:
    if _NEEDS_WORK.search(text):
        if "\r\n" in text:
            text = text.replace("\r\n", "\n")
        if "\x1b" in text or _has_c1_intro(text):
            text = _ESCAPES.sub("", text)
        text = text.translate(_DROP)
    if _COMBINING_RUN.search(text):
        text = _COMBINING_RUN.sub(lambda m: m.group(0)[:COMBINING_RUN], text)
    return _nfc(text)


def _nfc(text: str) -> str:
    # One Unicode form for everything stored: "Café" typed composed or decomposed is the
    # same title, the same hash id and the same search hit. After the combining-run cap,
    # so that a second pass changes nothing.
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    text = unicodedata.normalize("NFC", text)
    # NFC's canonical reordering can join two capped runs split by a mark outside the capped
    # ranges (x + 4 marks + U+06E0 + U+031C: U+031C moves before the accents): cap again
    while _COMBINING_RUN.search(text):
        text = unicodedata.normalize("NFC", _COMBINING_RUN.sub(lambda m: m.group(0)[:COMBINING_RUN], text))
    return text


def _has_c1_intro(text: str) -> bool:
    return any(c in text for c in "\x90\x98\x9b\x9d\x9e\x9f")


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # never end on a half of a combining sequence
    while cut and unicodedata.combining(cut[-1]):
        cut = cut[:-1]
    return cut.rstrip() + "…"


def clean_line(text: object, limit: int = LINE_LIMIT) -> str:
    """One line of safe text: controls removed, all whitespace runs collapsed to one space."""
    if text.__class__ is not str:
        if text is None:
            return ""
        text = str(text)
    if text.isprintable():
        # Fast path (feeds send thousands of fields): printable text holds no control,
        # format or separator character other than the space, so only combining runs and
        # repeated spaces can need work. Same result as the general path.
        if not text.isascii():
            if _COMBINING_RUN.search(text):
                text = _COMBINING_RUN.sub(lambda m: m.group(0)[:COMBINING_RUN], text)
            text = _nfc(text)
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            text = " ".join(text.split())
        return text if len(text) <= limit else _cap(text, limit)
    text = _SPACES.sub(" ", _strip(text)).strip()
    return _cap(text, limit)


def clean_text(text: object, limit: int = TEXT_LIMIT) -> str:
    """Safe multi-line text: controls removed, paragraphs separated by exactly one blank line."""
    if text is None:
        return ""
    text = _strip(str(text)).replace("\t", " ")
    text = _BLANK_LINES.sub("\n\n", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    text = _BLANK_LINES.sub("\n\n", text)
    return _cap(text, limit)


def clean_paragraphs(paragraphs, limit: int = TEXT_LIMIT) -> tuple[str, ...]:
    """Each paragraph as one safe line; empty ones dropped; total length capped."""
    out: list[str] = []
    total = 0
    for para in paragraphs:
        line = clean_line(para, limit)
        if not line:
            continue
        total += len(line)
        if total > limit:
            break
        out.append(line)
    return tuple(out)


#: An absolute http(s) URL of printable ASCII without spaces, brackets or backslashes: what
#: safe_url's general path returns unchanged (urlsplit cannot fail on it).
_PLAIN_URL = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9._~%!$&'()*+,;=:@-]+(?:[/?#][!-~]*)?")


def safe_url(url: object, base: str = "") -> str:
    """An absolute http(s) URL of at most URL_LIMIT characters, or "" for anything else
    (javascript:, data:, file:, junk, a URL cut short would be)."""
    if not url:
        return ""
    if url.__class__ is str and len(url) <= URL_LIMIT and _PLAIN_URL.fullmatch(url):
        return url
    raw = clean_line(url, TEXT_LIMIT)
    if len(raw) > URL_LIMIT:
        return ""
    if " " in raw:
        raw = raw.replace(" ", "%20")
    if base and not raw[:8].lower().startswith(("http://", "https://")):
        try:
            raw = urljoin(base, raw)
        except ValueError:
            return ""
        if len(raw) > URL_LIMIT:
            return ""  # (capped, it would change on a second pass)
    try:
        parts = urlsplit(raw)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    return raw
