"""Syndication feeds: RSS 0.9x/1.0/2.0 (RDF), Atom 0.3/1.0 and JSON Feed 1.0/1.1.

`parse_feed` turns the bytes of an XML feed into an Extraction (kind "feed"), or None when the
bytes are not a feed at all; `parse_json_feed` does the same for a decoded JSON Feed payload.

The XML is parsed by lxml with a hardened parser: no DTD loading, no network, no entity
expansion (an external entity or an entity bomb stays an unexpanded reference), no huge trees,
and recovery so that ill-formed feeds still yield their items. Element names are matched on
their local names (namespaces are used only to tell extension elements such as `media:title`
or `content:encoded` apart), because real feeds get their namespaces wrong all the time.

Two libxml2 quirks shape the pre-processing: a declared encoding is trusted blindly (so bytes
are re-encoded to UTF-8 when the declaration is wrong), and once a document turns out to be
ill-formed, recovery silently drops every later entity reference, `&amp;` and `&lt;` included.
An ill-formed document is therefore parsed a second time after its entity references have been
rewritten as character references, which libxml2 keeps.

The items of an RSS document are read by extract/columns.py, column by column, wherever their
elements are plain; `_item` reads the others (and every Atom entry), with the same result.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import functools
import html
import re
import sys
from html.entities import html5 as _HTML5
from urllib.parse import urljoin, urlsplit

from lxml import etree

from ..models import Entry, Extraction, Media
from ..sanitize import clean_line
from . import columns
from .base import ExtractError, make_entry, make_id
from .dates import parse_date
from .feedhtml import furniture, one_paragraph, simple_html
from .merge import newest_first
from .text import fragment_content

__all__ = ["parse_feed", "parse_json_feed"]

#: Largest feed parsed, in bytes; the fetcher caps bodies well below this.
MAX_BYTES = 64 * 1024 * 1024

# ---------------------------------------------------------------------------------------------
# Bytes to a tree


class _RefuseExternal(etree.Resolver):
    """Every external resource (DTD, parameter entity, entity) resolves to nothing.

    The parser options alone do not keep libxml2 off the disk: with collect_ids=False,
    libxml2 2.14 reads an external DTD subset (`<!DOCTYPE feed SYSTEM "file:///...">`) and
    external parameter entities despite load_dtd=False (no_network only covers the network).
    A resolver is asked before any load, so nothing is ever opened."""

    def resolve(self, system_url, public_id, context):
        return self.resolve_string("", context)


def safe_xml_parser() -> etree.XMLParser:
    """An lxml parser for untrusted XML: no entities, no DTD, no network, no file."""
    # A fresh parser per document: parsers keep state (the error log) and are not thread-safe.
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )
    parser.resolvers.add(_RefuseExternal())
    return parser


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: The first bytes of `<?` in encodings that give no BOM (XML 1.0, appendix F).
_SIGNATURES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"Lo\xa7\x94", "cp037"),
)
_DECL = re.compile(rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_DECL_TEXT = re.compile(r"^(\s*<\?xml[^>]{0,200}?encoding\s*=\s*)([\"'])[^\"']*\2")
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_ASCII_NAMES = frozenset({"us-ascii", "ascii"})
_LATIN = frozenset({"latin-1", "iso8859-1", "cp1252", "iso8859-15"})
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _guess_decode(data: bytes) -> str:
    """Bytes of unknown encoding: UTF-8 when most of it is, else Windows-1252."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad == 0:
        return text
    good = sum(1 for c in text if c > "\x7f" and c != "\ufffd")
    if good > bad:
        return text
    return data.decode("cp1252", errors="replace")


def _as_utf8(data: bytes) -> bytes:
    """The document as UTF-8 bytes whose XML declaration (if any) says so.

    Valid UTF-8 (by far the commonest case) is returned untouched; anything else is decoded
    in Python, which knows more encodings than libxml2 and can tell a wrong declaration.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            if encoding == "utf-8":
                data = data[len(bom):]
                break
            return _rewrite(data[len(bom):].decode(encoding, errors="replace"))
    else:
        for signature, encoding in _SIGNATURES:
            if data.startswith(signature):
                return _rewrite(data.decode(encoding, errors="replace"))
    m = _DECL.match(data)
    declared = m.group(1).decode("ascii").lower() if m else None
    encoding = _codec(declared)
    if encoding in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        encoding = None  # an 8-bit document that claims UTF-16: no NULs where they would be
    if encoding is None or encoding == "utf-8" or encoding == "ascii" or (
        encoding in _LATIN and _NON_ASCII.search(data) is not None
    ):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            if encoding in _LATIN:
                return _rewrite(data.decode(encoding, errors="replace"))
            return _rewrite(_guess_decode(data))
        if declared is None or declared in _UTF8_NAMES:
            return data
        return _rewrite(data.decode("utf-8"))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = _guess_decode(data)
    except Exception:  # a codec that cannot work on this input (e.g. a stateful one)
        text = _guess_decode(data)
    return _rewrite(text)


def _rewrite(text: str) -> bytes:
    text = text.lstrip("\ufeff")
    text = _DECL_TEXT.sub(r"\1\2utf-8\2", text, count=1)
    return text.encode("utf-8", errors="replace")


# Entity references outside CDATA: the predefined five, character references, and names.
_ENTITY_REF = re.compile(rb"&(?:(#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8})|([A-Za-z_][A-Za-z0-9._:-]{0,40}))?;?")
_PREDEFINED = {b"amp": b"&#38;", b"lt": b"&#60;", b"gt": b"&#62;", b"quot": b"&#34;", b"apos": b"&#39;"}
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(?:%\s+)?([^\s>%]+)")
# Escape sequences and control characters, raw or as character references (which libxml2
# would turn into U+FFFD, leaving the rest of the sequence, "[31m", as visible text).
_ESC = rb"(?:\x1b|&#0*27;|&#[xX]0*1[bB];)"
_BEL = rb"(?:\x07|&#0*7;|&#[xX]0*7;)"
_CONTROL_SEQUENCES = re.compile(
    _ESC + rb"\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    + rb"|" + _ESC + rb"[\]PX^_][^<]{0,4000}?(?:" + _BEL + rb"|" + _ESC + rb"\\|(?=<)|$)"
    + rb"|" + _ESC + rb"[\x20-\x2f]*[\x30-\x7e]?"
    + rb"|[\x00-\x08\x0b\x0c\x0e-\x1f]"
    + rb"|&#0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]);"
    + rb"|&#[xX]0*(?:[0-8]|[bBcCeEfF]|1[0-9a-fA-F]);"
)
_CDATA_OPEN = b"<![CDATA["
_CDATA_CLOSE = b"]]>"


def _fix_entities(chunk: bytes, declared: frozenset[bytes]) -> bytes:
    def repl(m: re.Match) -> bytes:
        whole = m.group(0)
        if m.group(1) is not None:  # a character reference
            return whole if whole.endswith(b";") else whole + b";"
        name = m.group(2)
        if name is None:
            return b"&#38;" + whole[1:]  # a bare ampersand
        if not whole.endswith(b";"):
            return b"&#38;" + whole[1:]  # "AT&T", "?a=1&b=2"
        if name in _PREDEFINED:
            return _PREDEFINED[name]
        if name in declared:
            return whole  # declared in the document: left unexpanded, never resolved
        chars = _HTML5.get(name.decode("ascii", "replace") + ";")
        if chars is None:
            return b"&#38;" + whole[1:]
        return b"".join(b"&#%d;" % ord(c) for c in chars)

    return _ENTITY_REF.sub(repl, chunk)


def _repair(data: bytes) -> bytes:
    """Rewrite a document so that libxml2's recovery keeps its text: entity references become
    character references, bare ampersands are escaped, escape sequences and controls go."""
    data = _CONTROL_SEQUENCES.sub(b"", data)
    if b"&" not in data:
        return data
    declared = frozenset(_ENTITY_DECL.findall(data)) if b"<!ENTITY" in data else frozenset()
    if _CDATA_OPEN not in data:
        return _fix_entities(data, declared)
    out = []
    rest = data
    while rest:
        start = rest.find(_CDATA_OPEN)
        if start < 0:
            out.append(_fix_entities(rest, declared))
            break
        out.append(_fix_entities(rest[:start], declared))
        end = rest.find(_CDATA_CLOSE, start + len(_CDATA_OPEN))
        if end < 0:
            out.append(rest[start:])
            break
        out.append(rest[start:end + len(_CDATA_CLOSE)])
        rest = rest[end + len(_CDATA_CLOSE):]
    return b"".join(out)


def _parse_tree(data: bytes, url: str):
    """The root element of the document, or None."""
    data = _as_utf8(data).lstrip()
    if not data:
        return None
    parser = safe_xml_parser()
    base = url if url.startswith(("http://", "https://")) else None
    try:
        root = etree.fromstring(data, parser, base_url=base)
    except etree.XMLSyntaxError:
        root = None
    if root is None or len(parser.error_log):
        repaired = _repair(data)
        parser = safe_xml_parser()
        try:
            second = etree.fromstring(repaired, parser, base_url=base)
        except etree.XMLSyntaxError:
            second = None
        if second is not None:
            root = second
    return root


# ---------------------------------------------------------------------------------------------
# Names

#: Namespaces whose elements are "core" feed elements, matched on their local name alone.
_CORE_NS = frozenset({
    "", "http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#", "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/", "http://backend.userland.com/rss2",
    "http://backend.userland.com/rss", "http://purl.org/net/rss1.1#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/rss/1.0/modules/rss091#",
})
_NS_PREFIX = {
    "http://search.yahoo.com/mrss/": "media", "http://search.yahoo.com/mrss": "media",
    "http://tools.search.yahoo.com/mrss/": "media", "http://video.search.yahoo.com/mrss": "media",
    "http://purl.org/dc/elements/1.1/": "dc", "http://purl.org/dc/elements/1.1": "dc",
    "http://purl.org/dc/terms/": "dc", "http://purl.org/dc/terms": "dc",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://www.itunes.com/dtds/podcast-1.0.dtd/": "itunes",
    "http://www.w3.org/1999/xhtml": "xhtml",
}
_KNOWN_PREFIX = {"media": "media", "dc": "dc", "dcterms": "dc", "content": "content",
                 "itunes": "itunes", "atom": "", "rdf": "", "atom03": "", "xhtml": "xhtml"}
_KEYS: dict[str, str] = {}


def _key(tag: str) -> str:
    """A namespace-lenient name for an element: "title", "media:content", "dc:date"..."""
    key = _KEYS.get(tag)
    if key is not None:
        return key
    if tag[:1] == "{":
        ns, _, local = tag[1:].partition("}")
        ns = ns.strip()
        if ns in _CORE_NS or ns.rstrip("/#") + "/" in _CORE_NS or ns.rstrip("/#") + "#" in _CORE_NS:
            prefix = ""
        else:
            prefix = _NS_PREFIX.get(ns)
            if prefix is None:
                prefix = _NS_PREFIX.get(ns.rstrip("/") + "/", "x")
    else:
        local = tag
        prefix = ""
    if ":" in local:  # an undeclared prefix: the recovering parser keeps "content:encoded"
        pre, _, local = local.rpartition(":")
        prefix = _KNOWN_PREFIX.get(pre.lower(), "x")
    key = f"{prefix}:{local}" if prefix else local
    if len(_KEYS) < 4096:
        _KEYS[tag] = key
    return key


# ---------------------------------------------------------------------------------------------
# Text of elements


def _plain(el) -> str:
    """The text content of an element; unexpanded entity references are read as HTML's."""
    if not len(el):
        return el.text or ""
    parts = []
    stack = [el]
    # An explicit walk: pathological nesting cannot overflow the Python stack.
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        if isinstance(node, etree._Entity):
            parts.append(_HTML5.get(f"{node.name};", ""))
            if node.tail:
                parts.append(node.tail)
            continue
        if node is not el and node.tail:
            stack.append(node.tail)
        if not isinstance(node.tag, str):
            continue
        kids = list(node)
        stack.extend(reversed(kids))
        if node.text:
            parts.append(node.text)
    return "".join(parts)


_NS_DECL = re.compile(r"\s+xmlns(?::[\w.-]+)?\s*=\s*(?:\"[^\"]*\"|'[^']*')")
_TAG_PREFIX = re.compile(r"<(/?)[\w.-]+:")


def _markup(el) -> str:
    """The inner markup of an element as an HTML string (inline XHTML, naked markup)."""
    kids = [k for k in el if isinstance(k.tag, str)]
    if len(kids) == 1 and not (el.text or "").strip() and not (kids[0].tail or "").strip() \
            and _key(kids[0].tag) in ("div", "xhtml:div"):
        el = kids[0]  # Atom's xhtml content wraps its markup in one div
    parts = [html.escape(el.text or "", quote=False)]
    for kid in el:
        if isinstance(kid, etree._Entity):
            parts.append(kid.text or "")
            parts.append(html.escape(kid.tail or "", quote=False))
        else:
            try:
                parts.append(etree.tostring(kid, encoding="unicode", with_tail=True))
            except (ValueError, etree.Error):
                continue
    text = "".join(parts)
    text = _NS_DECL.sub("", text)
    return _TAG_PREFIX.sub(r"<\1", text)


_TEXTUAL = re.compile(r"^(?:text|text/plain|plain)$")
_HTML_TYPES = re.compile(r"^(?:html|text/html|escaped)$")


def _content(el, atom_default: bool) -> tuple[str, bool]:
    """(value, is_html) of a text construct: RSS description, Atom content, summary, title.

    atom_default: with no type attribute the value is plain text (Atom) rather than HTML.
    """
    if not len(el) and not el.keys():  # no attribute, no child: the commonest case
        return el.text or "", not atom_default
    typ = (el.get("type") or "").strip().lower()
    mode = (el.get("mode") or "").strip().lower()
    if el.get("src") is not None and not (el.text or "").strip() and not len(el):
        return "", False  # out-of-line content
    if mode == "base64" or (typ and not _TEXTUAL.match(typ) and not _HTML_TYPES.match(typ)
                            and not typ.endswith(("xml", "xhtml")) and not typ.startswith("text/")
                            and "/" in typ):
        raw = _plain(el).strip()
        try:
            decoded = base64.b64decode(_WS.sub("", raw), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):  # not base64 after all: an unknown type as text
            return raw, "html" in typ
        return decoded, "html" in typ or (mode == "base64" and "<" in decoded)
    has_elements = any(isinstance(k.tag, str) for k in el)
    if has_elements:  # xhtml, mode="xml" or naked markup inside RSS
        return _markup(el), True
    text = _plain(el)
    if _TEXTUAL.match(typ) or (atom_default and not typ and mode != "escaped"):
        return text, False
    if typ.startswith("text/") and typ != "text/html":
        return text, False
    return text, True


_TAGS = re.compile(r"<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*>", re.DOTALL)
_WS = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n\s*\n")


_STILL_ESCAPED = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+\d*);")


def _title_text(text: str, is_html: bool = True) -> str:
    """A title as plain text: HTML tags stripped, entities (even double-escaped) decoded."""
    if is_html:
        if "<" in text:
            text = _TAGS.sub("", text)
        if "&" in text:
            text = html.unescape(text)
            if "&" in text and _STILL_ESCAPED.search(text):
                text = html.unescape(text)  # "&amp;amp;" and friends
    return text


def _body(value: str, is_html: bool, base: str) -> tuple[list[str], list[Media]]:
    if not value:
        return [], []
    if not is_html:
        paragraphs = [p for p in (" ".join(part.split()) for part in _BLANK_LINE.split(value))
                      if p and not furniture(p)]
        return paragraphs, []
    if "<" not in value:
        if "&" in value:
            value = html.unescape(value)
            if "<" in value and _TAGS.search(value):
                return _body(value, True, base)  # double-escaped HTML
            if "&" in value or "<" in value:
                # text.fragment_content would parse it (escaped again) into one paragraph
                return one_paragraph(value), []
        return fragment_content(value, base).paragraphs, []  # plain text: no HTML parse
    simple = simple_html(value)
    if simple is not None:
        paragraphs, found = simple
    else:
        content = fragment_content(value, base)
        paragraphs, found = content.paragraphs, content.media
    if not found:
        return paragraphs, []
    media = []
    for m in found:
        url = _absolute(m.url, base) if m.url else ""
        media.append(m if url == m.url else Media(m.kind, m.caption, m.title, url))
    return paragraphs, media


#: A root-relative link ("/img/1.jpg?w=80") that urljoin would only prefix with the base's
#: origin: no dot segments, no "//", params, empty query or fragment, nothing unprintable.
_ROOT_RELATIVE = re.compile(r"/(?!/)[^;?#\s]*(?:\?[^#\s]+)?(?:#\S+)?", re.ASCII)


@functools.lru_cache(maxsize=64)
def _origin(base: str) -> str:
    """"scheme://host" of an http(s) base URL, as urljoin writes it, or ""."""
    try:
        parts = urlsplit(base)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def _absolute(link: str, base: str) -> str:
    link = link.strip()
    if not link or link.startswith(("http://", "https://")) or not base:
        return link
    if link[0] == "/" and "/." not in link and link.isascii() and link.isprintable() \
            and _ROOT_RELATIVE.fullmatch(link):
        origin = _origin(base)
        if origin:
            return origin + link  # what urljoin returns, a few times faster
    try:
        return urljoin(base, link)
    except ValueError:
        return ""


# ---------------------------------------------------------------------------------------------
# Items

_PUBLISHED_KEYS = ("pubDate", "published", "issued", "dc:date", "dc:issued", "created",
                   "dc:created", "date", "pubdate")
#: Elements that can hold an item's text; the full content (0) is preferred to a summary (1)
#: unless the summary is longer, and iTunes' summary (2) comes last.
_BODY_RANK = {"content:encoded": 0, "encoded": 0, "content": 0, "body": 0, "xhtml:body": 0,
              "fullitem": 0, "description": 1, "summary": 1, "itunes:summary": 2}
_TITLE, _LINK, _GUID, _ID, _BODY, _PUBLISHED, _UPDATED, _AUTHOR, _MEDIA = range(1, 10)
#: What each child element of an item is for, by its namespace-lenient name.
_ROLES = {"title": _TITLE, "link": _LINK, "guid": _GUID, "id": _ID}
_ROLES.update(dict.fromkeys(_BODY_RANK, _BODY))
_ROLES.update(dict.fromkeys(_PUBLISHED_KEYS, _PUBLISHED))
_ROLES.update(dict.fromkeys(("updated", "modified", "dc:modified"), _UPDATED))
_ROLES.update(dict.fromkeys(("author", "dc:creator", "creator", "itunes:author"), _AUTHOR))
_ROLES.update(dict.fromkeys(("enclosure", "media:content", "media:thumbnail", "media:group"), _MEDIA))
_ROLES_BY_TAG: dict[str, tuple[str, int]] = {}


def _role(tag: str) -> tuple[str, int]:
    """(name, role) of an element tag; role 0 for elements an item does not read."""
    key = _key(tag)
    role = (key, _ROLES.get(key, 0))
    if len(_ROLES_BY_TAG) < 4096:
        _ROLES_BY_TAG[tag] = role
    return role


_EMAIL_NAME = re.compile(r"^\s*[^\s@()]+@[^\s@()]+\s*\((.+)\)\s*$")
_DAYS = {d.lower(): d for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                "Saturday", "Sunday")}
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)(?:[?#]|$)", re.IGNORECASE)
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"


class _Feed:
    """What one document shares while its items are read."""

    __slots__ = ("url", "source", "xml_base", "author", "seen")

    def __init__(self, url: str, source: str, xml_base: bool) -> None:
        self.url = url
        self.source = source
        self.xml_base = xml_base
        self.author = ""
        self.seen: set[str] = set()

    def base_of(self, el) -> str:
        """The base URL in force at an element (xml:base, else the feed's URL)."""
        if not self.xml_base:
            return self.url
        try:
            base = el.base
        except (ValueError, etree.Error):
            return self.url
        if not base:
            return self.url
        return _absolute(base, self.url) if self.url else base


def _author_text(el) -> str:
    if len(el):
        name = email = uri = ""
        for kid in el:
            if not isinstance(kid.tag, str):
                continue
            local = _key(kid.tag)
            if local == "name" and not name:
                name = _plain(kid)
            elif local == "email" and not email:
                email = _plain(kid)
            elif local in ("uri", "url") and not uri:
                uri = _plain(kid)
        if name.strip() or email.strip():
            return name.strip() or email.strip()
        return _plain(el).strip()
    text = (el.text or "").strip()
    m = _EMAIL_NAME.match(text)
    return m.group(1) if m else text


def _media_of(el, key: str, feed: _Feed, out: list[Media]) -> None:
    if key == "media:group":
        caption = ""
        for kid in el:
            if isinstance(kid.tag, str) and _key(kid.tag) in ("media:description", "media:title"):
                caption = caption or _title_text(_plain(kid), True)
        for kid in el:
            if isinstance(kid.tag, str):
                kid_key = _key(kid.tag)
                if kid_key in ("media:content", "media:thumbnail"):
                    _media_of(kid, kid_key, feed, out)
        if caption:
            out[:] = [m if m.caption else Media(m.kind, caption, m.title, m.url) for m in out]
        return
    link = el.get("url") or el.get("href") or ""
    if not link.strip():
        return
    link = _absolute(link, feed.base_of(el))
    kind_hint = ((el.get("medium") or "") + " " + (el.get("type") or "")).lower()
    if key == "media:thumbnail" or "image" in kind_hint or (
            not kind_hint.strip() and (el.get("width") or _IMAGE_PATH.search(link))):
        kind = "image"
    elif "video" in kind_hint:
        kind = "video"
    else:
        kind = "embed"
    caption = title = ""
    for kid in el:
        if isinstance(kid.tag, str):
            kid_key = _key(kid.tag)
            if kid_key == "media:description" and not caption:
                caption = _title_text(_plain(kid), (kid.get("type") or "") == "html")
            elif kid_key == "media:title" and not title:
                title = _title_text(_plain(kid), (kid.get("type") or "") == "html")
    media = Media(kind=kind, caption=caption or title, title="", url=link)
    if all(m.url != link for m in out):
        out.append(media)


def _item(el, feed: _Feed, atom: bool) -> Entry | None:
    title_el = None
    guid = atom_id = link_text = None
    link_el = None
    alternate = None
    alternate_rank = 9
    published_raw: dict[str, str] = {}
    updated_raw = None
    bodies: list[tuple[int, object, str]] = []
    author = ""
    media: list[Media] = []
    guid_is_link = False
    for child in el:
        tag = child.tag
        if tag.__class__ is not str:
            continue
        key, role = _ROLES_BY_TAG.get(tag) or _role(tag)
        if role == _TITLE:
            if title_el is None:
                title_el = child
        elif role == _LINK:
            href = child.get("href")
            if href is None and not len(child):
                text = child.text
                if link_text is None and text and text.strip():
                    link_text = text.strip()
                    link_el = child
            elif href is not None and href.strip():
                rel = (child.get("rel") or "alternate").strip().lower()
                typ = (child.get("type") or "").lower()
                rank = 9
                if rel == "alternate":
                    rank = 0 if (not typ or "html" in typ) else 1
                elif rel in ("self", "related", "via"):
                    rank = 3
                elif rel == "enclosure":
                    _media_of(child, "enclosure", feed, media)
                if rank < alternate_rank:
                    alternate, alternate_rank = child, rank
        elif role == _GUID:
            text = _plain(child).strip()
            if text and guid is None:
                guid = text
                guid_is_link = (child.get("isPermaLink") or "true").strip().lower() != "false"
        elif role == _ID:
            if atom_id is None:
                text = _plain(child).strip()
                if text:
                    atom_id = text
        elif role == _BODY:
            bodies.append((_BODY_RANK[key], child, key))
        elif role == _PUBLISHED:
            if key not in published_raw:
                text = child.text
                if text and text.strip():
                    published_raw[key] = text.strip()
        elif role == _UPDATED:
            if updated_raw is None:
                text = child.text
                if text and text.strip():
                    updated_raw = text.strip()
        elif role == _AUTHOR:
            if not author:
                author = _author_text(child)
        elif role == _MEDIA:
            _media_of(child, key, feed, media)

    # title
    title = ""
    if title_el is not None:
        value, is_html = _content(title_el, atom)
        title = _title_text(value, is_html or not atom)

    # link
    url = ""
    if alternate is not None and (atom or link_text is None):
        url = _absolute(alternate.get("href") or "", feed.base_of(alternate))
    elif link_text is not None:
        url = _absolute(link_text, feed.base_of(link_el))
    if not url and guid and guid_is_link and guid.startswith(("http://", "https://")):
        url = guid

    # dates
    stamp = ""
    published = None
    candidates = published_raw.values() if len(published_raw) < 2 else (
        published_raw[name] for name in _PUBLISHED_KEYS if name in published_raw)
    for raw in candidates:
        published = parse_date(raw)
        if published is not None:
            stamp = raw
            break
    updated = parse_date(updated_raw) if updated_raw else None
    if published is None and updated is not None:
        published, stamp = updated, updated_raw or ""

    # body: the fullest of the candidates
    paragraphs: list[str] = []
    if bodies:
        best = None
        best_len = -1
        if len(bodies) > 1:
            bodies.sort(key=lambda b: b[0])
        for _rank, child, key in bodies:
            value, is_html = _content(child, atom and key in ("content", "summary"))
            size = len(value.strip())
            if size and size > best_len:  # a later (shorter-kind) candidate must be fuller
                best, best_len = (value, is_html, child), size
        if best is not None:
            value, is_html, child = best
            paragraphs, body_media = _body(value, is_html, feed.base_of(child))
            for m in body_media:
                if all(m.url != other.url or not m.url for other in media):
                    media.append(m)

    # identity
    source_id = guid or atom_id
    if not source_id:
        rdf_about = el.get(_RDF_ABOUT) or el.get("about")
        source_id = (rdf_about.strip() if rdf_about else None) or url or None
    entry_id = make_id(source_id) if source_id else make_id(time_text=stamp, title=title or " ".join(paragraphs)[:200])
    if entry_id in feed.seen:
        return None
    feed.seen.add(entry_id)
    return make_entry(
        source=feed.source, title=title, body=paragraphs, published=published, time_text=stamp,
        url=url, id=entry_id, author=author or feed.author, media=media, updated=updated,
    )


def _int(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


def _channel_fields(el, key: str, state: dict) -> None:
    if key == "title" and "title" not in state:
        value, is_html = _content(el, state["atom"])
        state["title"] = _title_text(value, is_html or not state["atom"])
    elif key == "ttl":
        minutes = _int(el.text)
        if minutes is not None and 0 < minutes <= 60 * 24 * 30:
            state["ttl"] = minutes
    elif key == "skipHours":
        hours = set()
        for kid in el:
            if isinstance(kid.tag, str) and _key(kid.tag) == "hour":
                hour = _int(kid.text)
                if hour is not None and 0 <= hour <= 24:
                    hours.add(hour % 24)
        state["hours"] = frozenset(hours)
    elif key == "skipDays":
        days = set()
        for kid in el:
            if isinstance(kid.tag, str) and _key(kid.tag) == "day":
                day = _DAYS.get((kid.text or "").strip().lower())
                if day:
                    days.add(day)
        state["days"] = frozenset(days)
    elif key in ("author", "dc:creator", "managingEditor") and state["atom"] and "author" not in state:
        state["author"] = _author_text(el)


def parse_feed(data: bytes, url: str, source: str) -> Extraction | None:
    """The items of an RSS, RDF or Atom document, newest first, or None if it is no feed.

    Raises only ExtractError (for a document that is a feed but cannot be read).
    """
    try:
        return _parse_feed(data, url, source)
    except ExtractError:
        raise
    except RecursionError:
        raise ExtractError(f"{url}: feed nested too deeply") from None
    except Exception as exc:  # never let a hostile document escape as another error
        raise ExtractError(f"{url}: unreadable feed ({clean_line(type(exc).__name__, 80)})") from None


def _parse_feed(data: bytes, url: str, source: str) -> Extraction | None:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        return None
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ExtractError(f"{url}: feed larger than {MAX_BYTES // (1024 * 1024)} MB")
    root = _parse_tree(data, url)
    if root is None or not isinstance(root.tag, str):
        return None
    root_key = _key(root.tag)
    if root_key not in ("rss", "RDF", "feed", "channel", "entry"):
        return None
    atom = root_key in ("feed", "entry")
    feed = _Feed(url, source, b"xml:base" in data)
    state: dict = {"atom": atom}
    items = []
    if root_key == "entry":
        items.append(root)
    else:
        containers = [root]
        index = 0
        while index < len(containers):
            container = containers[index]
            index += 1
            for child in container:
                tag = child.tag
                if tag.__class__ is not str:
                    continue
                key = _KEYS.get(tag) or _key(tag)
                if key == "item" or key == "entry":
                    items.append(child)
                elif key == "channel" and container is root:
                    containers.append(child)
                elif key in ("title", "ttl", "skipHours", "skipDays", "author", "dc:creator",
                             "managingEditor"):
                    _channel_fields(child, key, state)
        if not items:  # items in odd places (inside an unexpected wrapper)
            for node in root.iter(tag=etree.Element):
                if node is not root and _key(node.tag) in ("item", "entry"):
                    items.append(node)
    feed.author = clean_line(state.get("author", ""), 300)
    read = None
    if columns.ENABLED and not atom and not feed.xml_base and len(items) >= columns.MIN_ITEMS:
        read = columns.entries(items, feed, sys.modules[__name__])
    if read is None:
        read = [_item(item, feed, atom or _key(item.tag) == "entry") for item in items]
    entries = [entry for entry in read if entry is not None]
    return Extraction(
        kind="feed",
        title=clean_line(state.get("title", ""), 300),
        entries=newest_first(entries),
        strategy="atom" if atom else "rss",
        ttl_minutes=state.get("ttl"),
        skip_hours=state.get("hours", frozenset()),
        skip_days=state.get("days", frozenset()),
    )


# ---------------------------------------------------------------------------------------------
# JSON Feed

_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.\d+)?/?$", re.IGNORECASE)
_BARE_VERSION = re.compile(r"^1(?:\.\d+)?$")


def _str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _json_author(item: dict) -> str:
    authors = item.get("authors")
    if isinstance(authors, list):
        for author in authors:
            if isinstance(author, dict):
                name = _str(author.get("name")) or _str(author.get("url"))
                if name.strip():
                    return name
    author = item.get("author")
    if isinstance(author, dict):
        return _str(author.get("name")) or _str(author.get("url"))
    return _str(author)


def parse_json_feed(payload: object, url: str, source: str) -> Extraction | None:
    """The items of a JSON Feed (1.0 or 1.1), newest first, or None if payload is not one."""
    try:
        return _parse_json_feed(payload, url, source)
    except ExtractError:
        raise
    except RecursionError:
        raise ExtractError(f"{url}: JSON Feed nested too deeply") from None
    except Exception as exc:
        raise ExtractError(f"{url}: unreadable JSON Feed ({clean_line(type(exc).__name__, 80)})") from None


def _parse_json_feed(payload: object, url: str, source: str) -> Extraction | None:
    if not isinstance(payload, dict):
        return None
    version = payload.get("version")
    if not isinstance(version, str):
        return None
    if not _JSON_FEED_VERSION.match(version.strip()):
        # Lenient: a bare "1.0"/"1.1" with JSON Feed's own keys is one too.
        items = payload.get("items")
        if not (_BARE_VERSION.match(version.strip()) and isinstance(items, list)
                and ("home_page_url" in payload or "feed_url" in payload
                     or any(isinstance(i, dict) and ("content_html" in i or "content_text" in i)
                            for i in items[:5]))):
            return None
    feed_author = _json_author(payload)
    items = payload.get("items")
    entries = []
    seen: set[str] = set()
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        entry = _json_item(item, url, source, feed_author)
        if entry is None or entry.id in seen:
            continue
        seen.add(entry.id)
        entries.append(entry)
    return Extraction(kind="feed", title=clean_line(_title_text(_str(payload.get("title"))), 300),
                      entries=newest_first(entries), strategy="jsonfeed")


def _json_item(item: dict, url: str, source: str, feed_author: str) -> Entry | None:
    title = _title_text(_str(item.get("title")))
    link = _absolute(_str(item.get("url")) or _str(item.get("external_url")), url)
    content_html = _str(item.get("content_html"))
    content_text = _str(item.get("content_text"))
    summary = _str(item.get("summary"))
    if content_html.strip() and len(content_html) >= len(content_text):
        paragraphs, media = _body(content_html, True, url)
    elif content_text.strip():
        paragraphs, media = _body(content_text, False, url)
    elif summary.strip():
        paragraphs, media = _body(summary, False, url)
    else:
        paragraphs, media = [], []
    media = list(media)
    for key in ("image", "banner_image"):
        image = _str(item.get(key)).strip()
        if image:
            image = _absolute(image, url)
            if all(m.url != image for m in media):
                media.append(Media(kind="image", url=image))
    attachments = item.get("attachments")
    if isinstance(attachments, list):
        for attachment in attachments:
            if not isinstance(attachment, dict):
                continue
            href = _absolute(_str(attachment.get("url")), url)
            if not href:
                continue
            mime = _str(attachment.get("mime_type")).lower()
            kind = "image" if mime.startswith("image") else "video" if mime.startswith("video") else "embed"
            media.append(Media(kind=kind, caption=_str(attachment.get("title")), url=href))
    published_raw = _str(item.get("date_published")).strip()
    updated_raw = _str(item.get("date_modified")).strip()
    published = parse_date(published_raw) if published_raw else None
    updated = parse_date(updated_raw) if updated_raw else None
    stamp = published_raw if published is not None else ""
    if published is None and updated is not None:
        published, stamp = updated, updated_raw
    source_id = _str(item.get("id")).strip() or link
    entry_id = make_id(source_id) if source_id else make_id(time_text=stamp, title=title or " ".join(paragraphs)[:200])
    return make_entry(source=source, title=title, body=paragraphs, published=published,
                      time_text=stamp, url=link, id=entry_id,
                      author=_json_author(item) or feed_author, media=media, updated=updated)
