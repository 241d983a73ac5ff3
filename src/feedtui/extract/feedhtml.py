"""Feed descriptions to paragraphs without an HTML parser, where that gives the same result.

A big feed has thousands of small HTML descriptions: a few paragraphs, links, emphasis, now
and then a picture. `simple_html` reads those with one regular expression and one pass over
their tags, and returns exactly what `text.fragment_content` (lexbor plus the tree walk) would
return for them: the same paragraphs, the same pictures in the same order. Whatever it cannot
vouch for (an unknown tag or attribute, a tag that is not plain, a class or id that may mark a
card or page furniture, "read also" text, a picture inside a link, nesting the HTML tree
builder would repair, character references HTML decodes differently from Python) makes it
return None, and the caller takes the full walk. tests/test_feedhtml.py holds the two paths
to the same output over generated and real descriptions.
"""

from __future__ import annotations

import html
import re

from ..models import Media
from .text import is_furniture

#: More tags than this go to the full walk (htmlguard.tame may flatten deep nesting).
MAX_TAGS = 256

_INLINE_NAMES = ("a b i em strong u s span small big sup sub code abbr cite q mark del ins strike "
                 "tt font time kbd var wbr nobr dfn bdi samp").split()
_BLOCK_NAMES = "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 blockquote pre hr".split()
_INLINE, _PARAGRAPH, _BLOCK, _BR, _LINK, _IMG, _FIGURE, _CAPTION = range(8)
_KINDS = dict.fromkeys(_INLINE_NAMES, _INLINE) | dict.fromkeys(_BLOCK_NAMES, _BLOCK) | {
    "p": _PARAGRAPH, "br": _BR, "a": _LINK, "img": _IMG, "figure": _FIGURE, "figcaption": _CAPTION}
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
#: What each tag of a description made of paragraphs, line breaks and inline tags only
#: stands for in its text (names as written, in lower or upper case).
_SEPARATORS = {case(name): "" for name in _INLINE_NAMES for case in (str.lower, str.upper)} | {
    name: "\x00" for name in ("p", "P", "br", "BR", "Br", "bR")}

# A tag whose every attribute is one the tree walk ignores (or reads the same way, for
# pictures), written in the plain syntax HTML and this expression tokenize alike: HTML
# whitespace only, quoted values without angle brackets, unquoted values without quotes.
_WS = "[\t\n\f\r ]"
_VALUE = r"""(?:"[^"<>]*"|'[^'<>]*'|[^\t\n\f\r "'=<>`]+)"""
_ATTR_NAMES = ("href|hreflang|src|srcset|sizes|data-src|alt|title|target|rel|rev|width|height|"
               "style|lang|dir|align|border|loading|decoding|referrerpolicy|name|type|datetime|cite")
_TAG = re.compile(
    rf"<(/?)([A-Za-z][A-Za-z0-9]*)((?:{_WS}+(?:{_ATTR_NAMES})(?:{_WS}*={_WS}*{_VALUE})?)*){_WS}*/?>",
    re.IGNORECASE | re.ASCII,
)
_ATTR = re.compile(rf"""{_WS}+([A-Za-z][-A-Za-z0-9]*)(?:{_WS}*={_WS}*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r "'=<>`]+)))?""",
                   re.ASCII)
_NUMERIC = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+))")
#: A named reference without its semicolon: HTML leaves some of those alone in attributes.
_BARE_NAMED = re.compile(r"&[A-Za-z][A-Za-z0-9]*+(?!;)")

#: What makes the walk read a paragraph or div as a "read also" card (text._READ_ALSO, here
#: searched anywhere, in folded text, and without the closing \b: a superset).
_CARD_TEXT = re.compile(r"read (?:more|also|next)|also read|see also|related")


def _decode(text: str) -> str | None:
    """Character references decoded as HTML decodes them in text, or None where Python's
    html.unescape would differ (controls, noncharacters)."""
    if "&#" in text:
        for m in _NUMERIC.finditer(text):
            hexa, decimal = m.groups()
            code = int(hexa, 16) if hexa else int(decimal)
            if (code < 0x20 and code not in (0x09, 0x0A, 0x0C, 0x0D)) or 0xFDD0 <= code <= 0xFDEF \
                    or (code & 0xFFFE == 0xFFFE and code <= 0x10FFFF):
                return None
    return html.unescape(text)


def _picture(attrs: str, caption: str = "") -> Media | None:
    """The Media of an <img>'s attributes (as text.node_content reads them), or None when
    its values hold references HTML would read differently."""
    found: dict[str, str] = {}
    for name, double, single, bare in _ATTR.findall(attrs):
        value = double or single or bare
        if "&" in value:
            if _BARE_NAMED.search(value):
                return None
            value = _decode(value)
            if value is None:
                return None
        found.setdefault(name.lower(), value)
    return Media(kind="image", caption=caption or (found.get("alt") or found.get("title") or "").strip(),
                 url=found.get("src") or found.get("data-src") or "")


def simple_html(text: str) -> tuple[list[str], list[Media]] | None:
    """(paragraphs, pictures) of a plain HTML fragment that holds a "<", or None when it
    needs the HTML walk."""
    if "\x00" in text or "\x01" in text:
        return None
    parts = _TAG.split(text)  # text, "/" or "", name, attributes, text, ...
    if len(parts) > 4 * MAX_TAGS:
        return None
    texts = parts[::4]
    between = "\x01".join(texts)
    if "<" in between:
        return None  # a "<" that opens no plain tag: a comment, an unknown attribute...
    if "&" in between:
        # All text segments decoded at once: no reference runs across a \x01 (nor, in HTML,
        # across a tag), and decoding yields no \x01 (_decode refuses control references).
        between = _decode(between)
        if between is None:
            return None
        texts = between.split("\x01")
    names = parts[2::4]
    media: list[Media] = []
    if _SEPARATORS.keys() >= set(names):
        # Only paragraphs, line breaks and inline tags (the commonest description): every
        # <p>, </p> and <br> ends a block, whatever is open, and no picture can be in a link.
        pieces = [""] * (2 * len(texts) - 1)
        pieces[0::2] = texts
        pieces[1::2] = map(_SEPARATORS.__getitem__, names)
        return _paragraphs_of("".join(pieces), texts, media, "a" in names or "A" in names)
    out = [texts[0]]  # text, and "\x00" where a block ends or starts
    blocks: list[str] = []  # open block elements, innermost last
    link_open = link_seen = False
    in_figure = in_caption = captioned = False
    caption: list[str] = []
    figure_img = None
    for closing, name, attrs, segment in zip(parts[1::4], names, parts[3::4], texts[1:]):
        kind = _KINDS.get(name)
        if kind is None:
            name = name.lower()
            kind = _KINDS.get(name)
            if kind is None:
                return None
        if kind == _INLINE:
            pass
        elif kind == _PARAGRAPH and not in_figure:
            if blocks and blocks[-1] == "p":
                blocks.pop()  # a start tag closes the open paragraph, an end tag its own
            if not closing:
                blocks.append("p")
            out.append("\x00")  # (</p> with no paragraph open makes an empty one)
        elif kind == _LINK:
            link_open = not closing
            link_seen = True
        elif kind == _BR:
            if not in_figure:
                out.append("\x00")
        elif kind == _BLOCK or kind == _PARAGRAPH:
            if in_figure:
                return None
            ended = _end_block(blocks, name) if closing else _start_block(blocks, name)
            if ended is None:
                return None
            if ended:
                out.append("\x00")
        elif kind == _IMG:
            if closing or link_open:
                return None  # a picture inside a link: maybe an article card
            if in_figure:
                if figure_img is None:
                    figure_img = attrs
            else:
                picture = _picture(attrs)
                if picture is None:
                    return None
                media.append(picture)
        elif kind == _FIGURE:
            if closing:
                if not in_figure:
                    return None
                picture = _figure(figure_img, caption)
                if picture is None:
                    return None
                media.append(picture)
                in_figure = in_caption = False
            else:
                if in_figure or link_open or _start_block(blocks, "figure", push=False) is None:
                    return None
                out.append("\x00")
                in_figure, captioned, caption, figure_img = True, False, [], None
        else:  # figcaption
            if not in_figure or (not in_caption if closing else captioned):
                return None
            in_caption = not closing
            captioned = True
        if not in_figure:
            out.append(segment)
        elif in_caption:
            caption.append(segment)
    if in_figure:  # an unclosed figure runs to the end
        picture = _figure(figure_img, caption)
        if picture is None:
            return None
        media.append(picture)
    return _paragraphs_of("".join(out), texts, media, link_seen)


def _paragraphs_of(joined: str, texts: list[str], media: list[Media], link_seen: bool):
    """simple_html's result from its text with "\x00" at block boundaries."""
    folded = _fold("".join(texts))  # all text, as the walk's _leading_text joins it
    if link_seen and ("read" in folded or "also" in folded or "related" in folded) \
            and _CARD_TEXT.search(" ".join(folded.split())):
        return None
    mentions = "cookie" in folded or "newsletter" in folded
    paragraphs = []
    start = _FURNITURE_START.match
    for chunk in joined.split("\x00"):
        if not chunk:
            continue
        if not chunk.isprintable() or "  " in chunk or chunk[:1] == " " or chunk[-1:] == " ":
            chunk = " ".join(chunk.split())  # (printable text holds no whitespace but " ")
            if not chunk:
                continue
        # furniture(chunk, mentions), inline (a feed has thousands of paragraphs)
        if len(chunk) > 160 and chunk[0] not in _BULLETS and chunk[-1] not in _BULLETS:
            paragraphs.append(chunk)
            continue
        head = chunk.lstrip(_STRIP)[:16]
        if (start(head.lower() if head.isascii() else _fold(head)) is None and not mentions) \
                or not is_furniture(chunk):
            paragraphs.append(chunk)
    unique: list[Media] = []
    for item in media:
        if (item.caption or item.title or item.url) and item not in unique:
            unique.append(item)
    return paragraphs, unique


def _start_block(blocks: list[str], name: str, push: bool = True) -> bool | None:
    """Model the tree builder's stack of open blocks for a block start tag: True (a
    paragraph boundary), or None where the model cannot tell."""
    if name == "li" or name == "dd" or name == "dt":
        # An open item of the same list closes, unless another block (not a div or a
        # paragraph) lies in between.
        group = ("li",) if name == "li" else ("dd", "dt")
        for at in range(len(blocks) - 1, -1, -1):
            if blocks[at] in group:
                del blocks[at:]
                break
            if blocks[at] != "div" and blocks[at] != "p":
                break
    if blocks and blocks[-1] == "p":
        blocks.pop()  # every block start closes an open paragraph
    if name in _HEADINGS and blocks and blocks[-1] in _HEADINGS:
        return None  # the builder pops the heading only if no inline element is open
    if push and name != "hr":
        blocks.append(name)
    return True


def _end_block(blocks: list[str], name: str) -> bool:
    """Model the tree builder's stack for a block end tag; True when it ends a block (HTML
    ignores the end tag of an element that is not open, and </p> always ends one)."""
    if name == "p":
        if blocks and blocks[-1] == "p":
            blocks.pop()
        return True  # </p> with no open paragraph makes an empty one
    for at in range(len(blocks) - 1, -1, -1):
        open_name = blocks[at]
        if open_name == name or (name in _HEADINGS and open_name in _HEADINGS):
            del blocks[at:]
            return True
        if name == "li" and (open_name == "ul" or open_name == "ol"):
            return False  # out of the list item's scope
    return False


def _fold(text: str) -> str:
    """text lowercased so that substring tests find what an IGNORECASE expression of ASCII
    words finds ("ſ" matches "s" there, "ı" and "İ" match "i")."""
    text = text.lower()
    if not text.isascii():
        for odd, plain in (("ſ", "s"), ("ı", "i"), ("i\u0307", "i")):
            if odd in text:
                text = text.replace(odd, plain)
    return text


def _figure(img_attrs: str | None, caption: list[str] | None) -> Media | None:
    text = " ".join(" ".join(caption).split()) if caption else ""
    if img_attrs is None:
        return Media(kind="image", caption=text)
    return _picture(img_attrs, text)


_BULLETS = "»›>→·|•"
_STRIP = " " + _BULLETS
# What text.is_furniture can possibly match: its patterns all start with one of these words
# (after bullets; matched here on the folded head of the line), or mention cookies or a
# newsletter anywhere.
_FURNITURE_START = re.compile(
    r"(?:read|also|see|related|more|follow|sign|log|please|register|subscribe|get|share|copy|"
    r"link|click|tap|skip|back|advertisement|we\b|accept|view|show|hide|load|comment|leave|"
    r"join|refresh|this|our|facebook|twitter|whatsapp|email|x\b|linkedin|reddit|\d|$)"
)


def furniture(text: str, mentions: bool | None = None) -> bool:
    """text.is_furniture for a whitespace-collapsed line, skipping its big expression for
    lines it cannot match. mentions: False when the caller knows that the text mentions
    neither cookies nor a newsletter."""
    if len(text) > 160 and text[0] not in _BULLETS and text[-1] not in _BULLETS:
        return False  # is_furniture only matches lines of 160 characters or fewer
    if _FURNITURE_START.match(_fold(text.lstrip(_STRIP)[:16])) is None:
        if mentions is None:
            folded = _fold(text)
            mentions = "cookie" in folded or "newsletter" in folded
        if not mentions:
            return False
    return is_furniture(text)


def one_paragraph(text: str) -> list[str]:
    """The paragraphs the HTML walk makes of markup-free text that holds "&" or "<" (escaped
    for it): one, whitespace collapsed, NULs dropped as the HTML parser drops them."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    text = " ".join(text.split())
    return [text] if text and not furniture(text) else []
