"""Tame pathological HTML before lexbor sees it.

lexbor (like every HTML5 tree builder) does work proportional to the depth of its stack of
open elements for many tokens, and re-opens ("reconstructs") every unclosed formatting
element after each block boundary. Hostile markup turns both into blow-ups: 50,000 nested
`<div>`s take seconds, and a few thousand `<p><b id=N>x</p>` build millions of cloned
elements (gigabytes). `tame` walks the tag stream once with a cheap model of the tree
builder and, only when the model's stack of open elements would grow past MAX_DEPTH or more
than MAX_FORMATTING formatting elements would be left open at once, drops the excess start
tags (and the end tags that match them). Their text stays. Normal pages come back unchanged,
as the very same string.

The model errs on the deep side (it pops an element only where the tree builder surely
does), so a page it passes cannot be deeper for lexbor than MAX_DEPTH plus a few.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

#: Deepest stack of open elements passed to lexbor.
MAX_DEPTH = 512
#: Most formatting elements (b, i, font...) left open at one time.
MAX_FORMATTING = 6
#: Most <option> elements in one document (lexbor's select handling is quadratic).
MAX_OPTIONS = 5_000
#: How far down the stack an end tag looks for its element.
_REACH = 64

#: Elements whose content is text up to their end tag.
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext")
# Comments and raw-text elements are skipped whole; anything else that looks like a tag is
# a token. An unclosed comment or raw-text element runs to the end, as in HTML.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(" + "|".join(_RAW_TEXT) + r")(?=[\s/>])[^>]*>"
    r"[^<]*(?:<(?!/\1)[^<]*)*(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/>]*)(?:[^>]*(/)>|[^>]*(?:>|\Z))",
    re.DOTALL | re.IGNORECASE,
)
# The same tokens as _TOKEN, one string each (so findall builds no tuples): the tag's name
# with its slash ("div", "/div"), or "" for a comment or a raw-text element. The raw-text
# alternatives spell each name out where _TOKEN refers back to it (\1), which matches the
# same text unless the page holds one of _FOLDS_TO_ASCII (IGNORECASE folds those to an
# ASCII letter, a back reference does not); and a self-closing "/>" is not reported, which
# only matters inside <svg> and <math>. `_clearly_safe` checks both.
_NAMES = re.compile(
    r"<!--.*?(?:-->|\Z)"
    + "".join(rf"|<{name}(?=[\s/>])[^>]*>[^<]*(?:<(?!/{name})[^<]*)*(?:</{name}\s*>|\Z)" for name in _RAW_TEXT)
    + r"|<(/?[A-Za-z][^\s/>]*)[^>]*>?",
    re.DOTALL | re.IGNORECASE,
)
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")  # İ ı ſ K (Kelvin)
_VOID = frozenset(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta param "
    "source track wbr".split()
)
_FORMATTING = frozenset("b big code em font i nobr s small strike strong tt u".split())
_IGNORED = frozenset("html head body frameset".split())
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre search "
    "section summary table ul li dd dt listing".split()
)
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
#: The HTML standard's "special" elements: a generic end tag never pops past one.
_SPECIAL = frozenset(
    "address applet area article aside base basefont bgsound blockquote body br button caption "
    "center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form "
    "frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link "
    "listing main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre "
    "script search section select source style summary table tbody td template textarea tfoot th "
    "thead title tr track ul wbr xmp".split()
)
#: Elements that bound the scope a special end tag looks in.
_SCOPE = frozenset("applet caption html table td th marquee object template".split())
_TABLE_PARTS = frozenset("table tbody thead tfoot tr td th caption colgroup".split())
_TABLE_SCOPE = frozenset("table template html".split())
_SCOPES = {"p": _SCOPE | {"button"}, "li": _SCOPE | {"ol", "ul"}}
# A start tag that closes open elements of its group (li, dd/dt) unless a special element
# other than address, div or p lies in between.
_ITEM_GROUPS = {"li": ("li",), "dd": ("dd", "dt"), "dt": ("dd", "dt")}
_ITEM_PASS = frozenset({"address", "div", "p"})
# A start tag that closes an element of its group on top of the stack.
_SIBLINGS = {
    "option": ("option",), "optgroup": ("option", "optgroup"), "td": ("td", "th"),
    "th": ("td", "th"), "rb": ("rb", "rt", "rp"), "rt": ("rb", "rt", "rp"),
    "rp": ("rb", "rt", "rp"),
}


def _quick_safe(html: str) -> bool:
    # Fewer tags than the smallest limit cannot exceed any limit.
    return html.count("<") <= MAX_FORMATTING


def tame(html: str) -> str:
    """html with pathological nesting flattened; the same object when nothing needed it."""
    if not html or _quick_safe(html) or _clearly_safe(html):
        return html
    cuts = _cuts([_token_string(token) for token in _TOKEN.findall(html)])  # spans only when needed
    if not cuts:
        return html
    spans = [m.span() for i, m in enumerate(_TOKEN.finditer(html)) if i in cuts]
    parts = []
    last = 0
    for start, end in spans:
        parts.append(html[last:start])
        last = end
    parts.append(html[last:])
    return "".join(parts)


def _clearly_safe(html: str) -> bool:
    """True when the model cuts nothing, replayed on the cheaper _NAMES tokens (where it
    treats every comment as a raw-text element: it may see a cut that is not one, never
    miss one). False means: run the exact model."""
    if any(char in html for char in _FOLDS_TO_ASCII):
        return False
    low = html.lower()
    if "<svg" in low or "<math" in low:  # a self-closing tag opens nothing in there
        return False
    return not _cuts(_NAMES.findall(html))


def _token_string(token: tuple[str, str, str, str]) -> str:
    """A _TOKEN match as one string for _cuts: "#" a raw-text element, "!" a comment,
    "name", "/name", or "name/" for a self-closing start tag."""
    raw, slash, name, closed = token
    if not name:
        return "#" if raw else "!"
    if slash:
        return "/" + name
    return name + "/" if closed else name


# Token kinds with a fast path in _cuts (each does what the general code does for it).
_OTHER, _PLAIN_START, _END, _NOOP, _BLOCK_START, _HEADING_START, _LINK_START = range(7)
#: Start tags that act on the stack (or count) before their push, or are never pushed.
_ACTIVE_START = (_CLOSES_P | _FORMATTING | _VOID | _IGNORED | _HEADINGS | set(_SIBLINGS) | set(_ITEM_GROUPS)
                 | {"a", "tr", "td", "th", "tbody", "thead", "tfoot", "option"})
#: Start tags whose only effects are closing an open <p> on top, and their push.
_BLOCK_ONLY = _CLOSES_P - (_FORMATTING | _VOID | _IGNORED | _HEADINGS | set(_SIBLINGS) | set(_ITEM_GROUPS)
                           | {"a", "tr", "td", "th", "tbody", "thead", "tfoot", "option"})


def _kind(token: str) -> tuple[int, str]:
    """The fast-path kind of a token and its lowercase name ((_OTHER, "") for the rest)."""
    if not token or token in ("#", "!") or token[-1] == "/":
        return _OTHER, ""
    if token[0] == "/":
        return _END, token[1:].lower()
    name = token.lower()
    if name in ("svg", "math"):
        return _OTHER, ""
    if (name in _VOID and name != "hr") or name in _IGNORED:
        return _NOOP, name
    if name in _BLOCK_ONLY:
        return _BLOCK_START, name
    if name in _HEADINGS:
        return _HEADING_START, name
    if name == "a":
        return _LINK_START, name
    if name in _ACTIVE_START:
        return _OTHER, ""
    return _PLAIN_START, name


def _cuts(tokens: list[str]) -> set[int]:
    """Indexes of the tokens to drop, by a model of the HTML tree builder's stack.

    tokens: "name", "/name", "name/" (self-closing), "!" a comment, "#" or "" a raw-text
    element."""
    stack: list[str] = []
    on_stack: dict[str, int] = {}
    formatting = 0
    open_fmt: dict[str, int] = {}
    dropped: dict[str, int] = {}
    options = 0
    cuts: set[int] = set()

    def pop() -> None:
        on_stack[stack.pop()] -= 1

    def push(name: str) -> None:
        stack.append(name)
        on_stack[name] = on_stack.get(name, 0) + 1

    def pop_to(names, barrier, passing=frozenset()) -> None:
        low = max(0, len(stack) - _REACH)
        for i in range(len(stack) - 1, low - 1, -1):
            node = stack[i]
            if node in names:
                while len(stack) > i:
                    pop()
                return
            if node in barrier and node not in passing:
                return

    kinds: dict[str, tuple[int, str]] = {}
    for index, token in enumerate(tokens):
        # Fast paths for the two commonest tokens (the general code below does the same):
        # a start tag that has no effect but its push, and the end tag of the current element.
        kind = kinds.get(token)
        if kind is None:
            kind = kinds[token] = _kind(token)
        code, name = kind
        if code == _END:
            if stack and stack[-1] == name:
                on_stack[stack.pop()] -= 1
                if open_fmt.get(name):
                    open_fmt[name] -= 1
                    formatting -= 1
                continue
        elif code:
            if code == _NOOP:
                continue
            if stack:
                if code == _BLOCK_START:
                    if stack[-1] == "p":
                        on_stack[stack.pop()] -= 1
                elif code == _HEADING_START:
                    if stack[-1] == "p":
                        on_stack[stack.pop()] -= 1
                    if stack and stack[-1] in _HEADINGS:
                        on_stack[stack.pop()] -= 1
                elif code == _LINK_START:
                    if stack[-1] == "a":
                        on_stack[stack.pop()] -= 1
            if len(stack) >= MAX_DEPTH:
                cuts.add(index)
                dropped[name] = dropped.get(name, 0) + 1
                continue
            stack.append(name)
            on_stack[name] = on_stack.get(name, 0) + 1
            continue
        if not token or token == "#" or token == "!":
            if token != "!" and len(stack) >= MAX_DEPTH:
                cuts.add(index)  # a raw-text element too deep: its text goes too
            continue
        slash = token[0] == "/"
        closed = False
        if slash:
            name = token[1:].lower()
        elif token[-1] == "/":
            closed = True
            name = token[:-1].lower()
        else:
            name = token.lower()
        top = stack[-1] if stack else ""
        if slash:  # an end tag
            if top == name:  # the common case: it closes the current element
                pop()
                if open_fmt.get(name):
                    open_fmt[name] -= 1
                    formatting -= 1
                continue
            if dropped.get(name) and (not on_stack.get(name) or len(stack) >= MAX_DEPTH):
                dropped[name] -= 1
                cuts.add(index)
                continue
            if open_fmt.get(name):
                open_fmt[name] -= 1
                formatting -= 1
            if on_stack.get(name):
                if name in _TABLE_PARTS:
                    barrier = _TABLE_SCOPE
                elif name in _SPECIAL:
                    barrier = _SCOPES.get(name, _SCOPE)
                else:
                    barrier = _SPECIAL
                pop_to((name,), barrier)
            continue
        if name in _IGNORED:
            continue
        if name in _VOID:
            if name == "hr" and top == "p":
                pop()
            continue
        if closed and (on_stack.get("svg") or on_stack.get("math")):
            continue  # a self-closed element in SVG or MathML opens nothing
        if top:
            if top == "p" and name in _CLOSES_P:
                pop()
                top = stack[-1] if stack else ""
            group = _SIBLINGS.get(name)
            if group is not None:
                if top in group:
                    pop()
                    if name == "optgroup" and stack and stack[-1] == "optgroup":
                        pop()
            elif name in _ITEM_GROUPS:
                pop_to(_ITEM_GROUPS[name], _SPECIAL, _ITEM_PASS)
            elif name == "tr":
                while stack and stack[-1] in ("td", "th"):
                    pop()
                if stack and stack[-1] == "tr":
                    pop()
            elif name in ("tbody", "thead", "tfoot"):
                while stack and stack[-1] in ("td", "th", "tr", "tbody", "thead", "tfoot"):
                    pop()
            elif name in _HEADINGS and top in _HEADINGS:
                pop()
            elif name == "a" and top == "a":
                pop()  # a new link closes the open one
            if name in ("tr", "td", "th") and stack:
                # the tree builder adds the tbody (and tr) that a table leaves out
                if stack[-1] == "table":
                    push("tbody")
                if name != "tr" and stack[-1] in ("tbody", "thead", "tfoot"):
                    push("tr")
        if name == "option":
            options += 1
            if options > MAX_OPTIONS:
                cuts.add(index)
                dropped[name] = dropped.get(name, 0) + 1
                continue
        fmt = name in _FORMATTING
        if len(stack) >= MAX_DEPTH or (fmt and formatting >= MAX_FORMATTING):
            cuts.add(index)
            dropped[name] = dropped.get(name, 0) + 1
            continue
        if fmt:
            formatting += 1
            open_fmt[name] = open_fmt.get(name, 0) + 1
        push(name)
    return cuts


def parse(html: str) -> LexborHTMLParser:
    """lexbor's tree of html, after `tame`."""
    return LexborHTMLParser(tame(html))
