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

# Comments and raw-text elements are skipped whole; anything else that looks like a tag is
# a token. An unclosed comment or raw-text element runs to the end, as in HTML.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)(?=[\s/>])[^>]*>"
    r"[^<]*(?:<(?!/\1)[^<]*)*(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/>]*)(?:[^>]*(/)>|[^>]*(?:>|\Z))",
    re.DOTALL | re.IGNORECASE,
)
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
    if not html or _quick_safe(html):
        return html
    cuts = _cuts(_TOKEN.findall(html))  # one C-speed pass; spans only when needed
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


def _cuts(tokens: list[tuple[str, str, str, str]]) -> set[int]:
    """Indexes of the tokens to drop, by a model of the HTML tree builder's stack."""
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

    for index, (raw, slash, name, closed) in enumerate(tokens):
        if not name:
            if raw and len(stack) >= MAX_DEPTH:
                cuts.add(index)  # a raw-text element too deep: its text goes too
            continue
        name = name.lower()
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
